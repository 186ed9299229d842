//! The math functions of complex numbers (complex64 and complex128), written once generic
//! over the part type ([`CxPart`]: `f32` or `f64`) on top of the runtime's real math
//! library, so both executors give the same bits. [`cx_math`] is the one entry point
//! (scalar code calls it now; element-wise code over complex arrays can call it per
//! element).
//!
//! The definitions are NumPy's. NumPy computes `sqrt exp log sin cos tan sinh cosh tanh
//! arcsin arccos arctan arcsinh arccosh arctanh` with the C library's `csqrt`, `cexp`, ...
//! (glibc on Linux), `log10`/`log2` as `clog(z) * log10(e)` / `* log2(e)`, and `log1p`
//! and `expm1` with formulas of its own (`funcs.inc.src`). Here:
//! * `sqrt`, `exp`, `log`, `sinh`, `cosh`, `tanh` follow glibc's algorithms (scaling
//!   against overflow and underflow, `log1p` of an extra-precise `|z|^2 - 1` near the unit
//!   circle), and `sin`, `cos`, `tan` are `-i sinh(iz)`, `cosh(iz)`, `-i tanh(iz)` (the
//!   real operations of glibc's `csin`, `ccos`, `ctan`; where the identities and glibc
//!   disagree on an unspecified sign of a special value, glibc's is kept);
//! * `hypot` inside them is [`hypot`], correctly rounded in practice, as glibc's is;
//! * the inverse functions are Hull, Fairgrieve and Tang's algorithms as in FreeBSD's
//!   msun (NumPy's own fallback, `npy_math_complex.c.src`): `arcsinh`, `arccos` and
//!   `arctanh` directly, `arcsin`/`arctan` through `arcsinh`/`arctanh` of `i conj(z)`,
//!   `arccosh` through `arccos`;
//! * the special values and branch cuts are C99 Annex G's (`sqrt(-4+0j) = 2j`,
//!   `sqrt(-4-0j) = -2j`, `log(0j) = -inf+0j`, `exp(inf+0j) = inf+0j`, the sign of a zero
//!   imaginary part choosing the side of a cut on the real axis).
//!
//! Checked against NumPy in `tests/complex_math_numpy.rs`: special values exactly,
//! ordinary arguments within a few ulps, most of them bit for bit (the real functions
//! underneath are within an ulp of glibc's but not always rounded identically; see
//! docs/math-accuracy.md).

use crate::complex::Part;
use crate::math;
use crate::optable::MathFn;
use num_complex::Complex;

type C<T> = Complex<T>;

/// The real operations complex math needs, on the part type (the runtime's own math
/// functions: `f32` ones are the f64 functions rounded once).
pub trait CxPart: Part {
    const INF: Self;
    /// Largest finite value.
    const MAX: Self;
    /// Smallest positive normal value.
    const MIN_POS: Self;
    /// Machine epsilon (2^-52, 2^-23).
    const EPS: Self;
    /// Number of significand bits (53, 24).
    const MANT_DIG: i32;
    /// `(MAX_EXP - 1) ln 2`: beyond it `exp` overflows (709.08..., 88.02...).
    const EXP_T: Self;
    /// `floor((MAX_EXP - 1) ln 2 / 2)` (354, 44): beyond it `tanh` is ±1 in the part type.
    const TANH_T: Self;
    const LN2: Self;
    const PI: Self;
    const FRAC_PI_2: Self;
    const LOG10E: Self;
    const LOG2E: Self;
    const E: Self;
    /// `pi/2 - FRAC_PI_2` rounded (the low part of pi/2).
    const PIO2_LO: Self;
    /// The value as an f64 (exact).
    fn to_f64(self) -> f64;
    fn sqrt(self) -> Self;
    fn expm1(self) -> Self;
    fn log1p(self) -> Self;
    fn sinh(self) -> Self;
    fn cosh(self) -> Self;
    fn asin(self) -> Self;
    fn acos(self) -> Self;
    fn atan(self) -> Self;
    fn atanh(self) -> Self;
    fn copysign(self, s: Self) -> Self;
    fn is_nan(self) -> bool;
    fn is_infinite(self) -> bool;
    fn is_finite(self) -> bool;
    fn signbit(self) -> bool;
    /// `self * 2^n` (exact unless the result leaves the normal range).
    fn scale2(self, n: i32) -> Self;
    /// `a * b + c` with one rounding.
    fn fma(self, b: Self, c: Self) -> Self;
}

macro_rules! cx_part {
    ($t:ty, $mant:expr, $exp_t:expr, $tanh_t:expr, $pio2_lo:expr, $sqrt:path, $expm1:path, $log1p:path,
     $sinh:path, $cosh:path, $asin:path, $acos:path, $atan:path, $atanh:path) => {
        impl CxPart for $t {
            const INF: Self = <$t>::INFINITY;
            const MAX: Self = <$t>::MAX;
            const MIN_POS: Self = <$t>::MIN_POSITIVE;
            const EPS: Self = <$t>::EPSILON;
            const MANT_DIG: i32 = $mant;
            const EXP_T: Self = $exp_t;
            const TANH_T: Self = $tanh_t;
            const LN2: Self = std::f64::consts::LN_2 as $t;
            const PI: Self = std::f64::consts::PI as $t;
            const FRAC_PI_2: Self = std::f64::consts::FRAC_PI_2 as $t;
            const LOG10E: Self = std::f64::consts::LOG10_E as $t;
            const LOG2E: Self = std::f64::consts::LOG2_E as $t;
            const E: Self = std::f64::consts::E as $t;
            const PIO2_LO: Self = $pio2_lo;
            #[inline]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline]
            fn sqrt(self) -> Self {
                $sqrt(self)
            }
            #[inline]
            fn expm1(self) -> Self {
                $expm1(self)
            }
            #[inline]
            fn log1p(self) -> Self {
                $log1p(self)
            }
            #[inline]
            fn sinh(self) -> Self {
                $sinh(self)
            }
            #[inline]
            fn cosh(self) -> Self {
                $cosh(self)
            }
            #[inline]
            fn asin(self) -> Self {
                $asin(self)
            }
            #[inline]
            fn acos(self) -> Self {
                $acos(self)
            }
            #[inline]
            fn atan(self) -> Self {
                $atan(self)
            }
            #[inline]
            fn atanh(self) -> Self {
                $atanh(self)
            }
            #[inline]
            fn copysign(self, s: Self) -> Self {
                <$t>::copysign(self, s)
            }
            #[inline]
            fn is_nan(self) -> bool {
                <$t>::is_nan(self)
            }
            #[inline]
            fn is_infinite(self) -> bool {
                <$t>::is_infinite(self)
            }
            #[inline]
            fn is_finite(self) -> bool {
                <$t>::is_finite(self)
            }
            #[inline]
            fn signbit(self) -> bool {
                <$t>::is_sign_negative(self)
            }
            #[inline]
            fn scale2(self, n: i32) -> Self {
                // Two exact power-of-two factors (each within the normal range).
                let h = n / 2;
                self * (2.0 as $t).powi(h) * (2.0 as $t).powi(n - h)
            }
            #[inline]
            fn fma(self, b: Self, c: Self) -> Self {
                <$t>::mul_add(self, b, c)
            }
        }
    };
}

cx_part!(
    f64,
    53,
    709.0895657128241,
    354.0,
    6.123233995736766e-17,
    math::sqrt_f64,
    math::expm1_f64,
    math::log1p_f64,
    math::sinh_f64,
    math::cosh_f64,
    math::arcsin_f64,
    math::arccos_f64,
    math::arctan_f64,
    math::arctanh_f64
);
cx_part!(
    f32,
    24,
    88.02969,
    44.0,
    -4.371139e-8,
    math::sqrt_f32,
    math::expm1_f32,
    math::log1p_f32,
    math::sinh_f32,
    math::cosh_f32,
    math::arcsin_f32,
    math::arccos_f32,
    math::arctan_f32,
    math::arctanh_f32
);

/// True for the math functions [`cx_math`] defines on complex numbers (sema gives the
/// others a compile error).
pub fn cx_supported(f: MathFn) -> bool {
    use MathFn::*;
    matches!(
        f,
        Sqrt | Exp
            | Expm1
            | Log
            | Log1p
            | Log2
            | Log10
            | Sin
            | Cos
            | Tan
            | Sinh
            | Cosh
            | Tanh
            | Arcsin
            | Arccos
            | Arctan
            | Arcsinh
            | Arccosh
            | Arctanh
    )
}

/// `f(z)` for a math function of one complex argument ([`cx_supported`]); any other
/// function gives nan + nan j (sema never asks for one).
pub fn cx_math<T: CxPart>(f: MathFn, z: C<T>) -> C<T> {
    use MathFn::*;
    match f {
        Sqrt => sqrt(z),
        Exp => exp(z),
        Expm1 => expm1(z),
        Log => log(z),
        Log1p => log1p(z),
        Log2 => {
            let l = log(z);
            C::new(l.re * T::LOG2E, l.im * T::LOG2E)
        }
        Log10 => {
            let l = log(z);
            C::new(l.re * T::LOG10E, l.im * T::LOG10E)
        }
        Sin => sin(z),
        Cos => cos(z),
        Tan => tan(z),
        Sinh => sinh(z),
        Cosh => cosh(z),
        Tanh => tanh(z),
        Arcsin => asin(z),
        Arccos => acos(z),
        Arctan => atan(z),
        Arcsinh => asinh(z),
        Arccosh => acosh(z),
        Arctanh => atanh(z),
        _ => C::new(T::NAN, T::NAN),
    }
}

/// `exp(b log a)` as glibc's `cpow` (the product `b * log a` by the plain formula).
pub fn exp_log_pow<T: CxPart>(a: C<T>, b: C<T>) -> C<T> {
    let l = log(a);
    exp(C::new(b.re * l.re - b.im * l.im, b.re * l.im + b.im * l.re))
}

/// NumPy's `reciprocal` of a complex number (its own Smith-style loop, not `1 / z`).
pub fn reciprocal<T: CxPart>(z: C<T>) -> C<T> {
    let (a, b) = (z.re, z.im);
    if b.abs() <= a.abs() {
        let r = b / a;
        let d = a + b * r;
        C::new(T::ONE / d, -r / d)
    } else {
        let r = a / b;
        let d = a * r + b;
        C::new(r / d, -T::ONE / d)
    }
}

/// `sqrt(a^2 + b^2)`, correctly rounded except in rare hard cases (glibc's `hypot` is
/// correctly rounded, and NumPy's `log1p` of a complex number loses every error of it
/// near 0): `a^2 + b^2` as a double-double (exact products by fma, a two-sum), then the
/// square root corrected by its exact residual. Parts beyond 2^±(max_exp/2 - 12) use the
/// library's scaled `hypot` (within an ulp).
pub fn hypot<T: CxPart>(a: T, b: T) -> T {
    let (a, b) = (a.abs(), b.abs());
    let (a, b) = if a < b { (b, a) } else { (a, b) };
    let lim = if T::MANT_DIG == 53 { 500 } else { 50 };
    if !a.is_finite()
        || a > T::ONE.scale2(lim)
        || a < T::ONE.scale2(-lim)
        || b < T::ONE.scale2(-2 * lim)
    {
        return Part::hypot(a, b);
    }
    let a2 = a * a;
    let a2e = a.fma(a, -a2);
    let b2 = b * b;
    let b2e = b.fma(b, -b2);
    let s = a2 + b2;
    let bb = s - a2;
    let e = (a2 - (s - bb)) + (b2 - bb);
    let lo = e + (a2e + b2e);
    let h = s.sqrt();
    let r = (-h).fma(h, s) + lo;
    h + r / (T::from_f64(2.0) * h)
}

/// `(sin y, cos y)`, or `(y, 1)` when `|y|` is below the smallest normal (glibc).
fn sincos<T: CxPart>(y: T) -> (T, T) {
    if y.abs() > T::MIN_POS {
        (y.sin(), y.cos())
    } else {
        (y, T::ONE)
    }
}

/// The principal square root (C99 G.6.4.2; glibc's algorithm: `sqrt((|z| + |re|)/2)` for
/// one part and `im / (2 that)` for the other, scaled away from overflow and underflow).
pub fn sqrt<T: CxPart>(z: C<T>) -> C<T> {
    let (x, y) = (z.re, z.im);
    if !x.is_finite() || !y.is_finite() {
        if y.is_infinite() {
            return C::new(T::INF, y);
        }
        if x.is_infinite() {
            if x < T::ZERO {
                let re = if y.is_nan() { T::NAN } else { T::ZERO };
                return C::new(re, T::INF.copysign(y));
            }
            let im = if y.is_nan() {
                T::NAN
            } else {
                T::ZERO.copysign(y)
            };
            return C::new(x, im);
        }
        return C::new(T::NAN, T::NAN);
    }
    if y == T::ZERO {
        return if x < T::ZERO {
            C::new(T::ZERO, (-x).sqrt().copysign(y))
        } else {
            C::new(x.sqrt().abs(), T::ZERO.copysign(y))
        };
    }
    if x == T::ZERO {
        let ay = y.abs();
        let r = if ay >= T::MIN_POS.scale2(1) {
            (T::from_f64(0.5) * ay).sqrt()
        } else {
            T::from_f64(0.5) * (ay.scale2(1)).sqrt()
        };
        return C::new(r, r.copysign(y));
    }
    let (mut x, mut y) = (x, y);
    let mut scale = 0;
    let quarter_max = T::MAX.scale2(-2);
    if x.abs() > quarter_max {
        scale = 1;
        x = x.scale2(-2);
        y = y.scale2(-2);
    }
    if y.abs() > quarter_max {
        scale = 1;
        x = if x.abs() >= T::MIN_POS.scale2(2) {
            x.scale2(-2)
        } else {
            T::ZERO
        };
        y = y.scale2(-2);
    } else if x.abs() < T::MIN_POS.scale2(1) && y.abs() < T::MIN_POS.scale2(1) {
        scale = -((T::MANT_DIG + 1) / 2);
        x = x.scale2(-2 * scale);
        y = y.scale2(-2 * scale);
    }
    let d = hypot(x, y);
    let half = T::from_f64(0.5);
    let (mut r, mut s);
    if x > T::ZERO {
        r = (half * (d + x)).sqrt();
        if scale == 1 && y.abs() < T::ONE {
            s = y / r;
            r = r.scale2(scale);
            scale = 0;
        } else {
            s = half * (y / r);
        }
    } else {
        s = (half * (d - x)).sqrt();
        if scale == 1 && y.abs() < T::ONE {
            r = (y / s).abs();
            s = s.scale2(scale);
            scale = 0;
        } else {
            r = (half * (y / s)).abs();
        }
    }
    if scale != 0 {
        r = r.scale2(scale);
        s = s.scale2(scale);
    }
    C::new(r, s.copysign(y))
}

/// `e^z` (C99 G.6.3.1; glibc: `e^re (cos im, sin im)`, with `e^re` split into factors
/// `e^t` when it alone would overflow).
pub fn exp<T: CxPart>(z: C<T>) -> C<T> {
    let (x, y) = (z.re, z.im);
    if x.is_finite() {
        if !y.is_finite() {
            return C::new(T::NAN, T::NAN);
        }
        let (mut s, mut c) = sincos(y);
        let mut x = x;
        let t = T::EXP_T;
        if x > t {
            let et = t.exp();
            x = x - t;
            s = s * et;
            c = c * et;
            if x > t {
                x = x - t;
                s = s * et;
                c = c * et;
            }
        }
        if x > t {
            return C::new(T::MAX * c, T::MAX * s);
        }
        let ev = x.exp();
        return C::new(ev * c, ev * s);
    }
    if x.is_infinite() {
        if y.is_finite() {
            let v = if x < T::ZERO { T::ZERO } else { T::INF };
            if y == T::ZERO {
                return C::new(v, y);
            }
            let (s, c) = sincos(y);
            return C::new(v.copysign(c), v.copysign(s));
        }
        if x > T::ZERO {
            return C::new(T::INF, T::NAN);
        }
        return C::new(T::ZERO, T::ZERO.copysign(y));
    }
    // x is nan
    if y == T::ZERO {
        C::new(T::NAN, y)
    } else {
        C::new(T::NAN, T::NAN)
    }
}

/// `x^2 + y^2 - 1` for `0.5 <= x < 1`, `x >= y >= 0`, `x^2 + y^2 >= 0.5`, to nearly
/// full relative precision: the exact products (fma) and -1, summed from the smallest
/// magnitude up with exact two-sums (glibc's `__x2y2m1`).
fn x2y2m1<T: CxPart>(x: T, y: T) -> T {
    let xx = x * x;
    let yy = y * y;
    let mut v = [x.fma(x, -xx), xx, y.fma(y, -yy), yy, -T::ONE];
    let by_abs = |a: &T, b: &T| {
        a.abs()
            .partial_cmp(&b.abs())
            .unwrap_or(std::cmp::Ordering::Equal)
    };
    v.sort_by(by_abs);
    for i in 0..4 {
        // Fast two-sum of v[i+1] (the larger) and v[i].
        let hi = v[i + 1] + v[i];
        let lo = (v[i + 1] - hi) + v[i];
        v[i + 1] = hi;
        v[i] = lo;
        v[i + 1..].sort_by(by_abs);
    }
    v[4] + v[3] + v[2] + v[1] + v[0]
}

/// The principal logarithm (C99 G.6.3.2; glibc: `log|z|` as `log1p(|z|^2 - 1)/2` near
/// the unit circle, scaled for huge and tiny parts; `angle = atan2(im, re)`).
pub fn log<T: CxPart>(z: C<T>) -> C<T> {
    let (x, y) = (z.re, z.im);
    if x == T::ZERO && y == T::ZERO {
        let im = if x.signbit() { T::PI } else { T::ZERO };
        return C::new(-T::INF, im.copysign(y));
    }
    if x.is_nan() || y.is_nan() {
        let re = if x.is_infinite() || y.is_infinite() {
            T::INF
        } else {
            T::NAN
        };
        return C::new(re, T::NAN);
    }
    let (mut ax, mut ay) = (x.abs(), y.abs());
    if ax < ay {
        std::mem::swap(&mut ax, &mut ay);
    }
    let mut scale = 0;
    if ax > T::MAX.scale2(-1) {
        scale = -1;
        ax = ax.scale2(-1);
        ay = if ay >= T::MIN_POS.scale2(1) {
            ay.scale2(-1)
        } else {
            T::ZERO
        };
    } else if ax < T::MIN_POS && ay < T::MIN_POS {
        scale = T::MANT_DIG;
        ax = ax.scale2(scale);
        ay = ay.scale2(scale);
    }
    let half = T::from_f64(0.5);
    let two = T::from_f64(2.0);
    let re = if ax == T::ONE && scale == 0 {
        (ay * ay).log1p() / two
    } else if ax > T::ONE && ax < two && ay < T::ONE && scale == 0 {
        let mut d2m1 = (ax - T::ONE) * (ax + T::ONE);
        if ay >= T::EPS {
            d2m1 = d2m1 + ay * ay;
        }
        d2m1.log1p() / two
    } else if ax < T::ONE && ax >= half && ay < T::EPS * half && scale == 0 {
        let d2m1 = (ax - T::ONE) * (ax + T::ONE);
        d2m1.log1p() / two
    } else if ax < T::ONE && ax >= half && scale == 0 && ax * ax + ay * ay >= half {
        x2y2m1(ax, ay).log1p() / two
    } else {
        let d = hypot(ax, ay);
        d.log() - T::from_f64(scale as f64) * T::LN2
    };
    C::new(re, y.atan2(x))
}

/// NumPy's `log1p`: `(log |z + 1|, atan2(im, re + 1))`.
pub fn log1p<T: CxPart>(z: C<T>) -> C<T> {
    let x1 = z.re + T::ONE;
    let l = hypot(x1, z.im);
    C::new(l.log(), z.im.atan2(x1))
}

/// NumPy's `expm1`: `(expm1(re) cos(im) - 2 sin(im/2)^2, e^re sin(im))`.
pub fn expm1<T: CxPart>(z: C<T>) -> C<T> {
    let a = (z.im / T::from_f64(2.0)).sin();
    C::new(
        z.re.expm1() * z.im.cos() - T::from_f64(2.0) * a * a,
        z.re.exp() * z.im.sin(),
    )
}

/// `sinh z = sinh(re) cos(im) + i cosh(re) sin(im)` (C99 G.6.2.5; glibc's scaling
/// beyond the overflow threshold of `exp`).
pub fn sinh<T: CxPart>(z: C<T>) -> C<T> {
    let (x, y) = (z.re, z.im);
    let negate = x.signbit();
    let ax = x.abs();
    if x.is_finite() {
        if y.is_finite() {
            let (mut s, mut c) = sincos(y);
            if negate {
                c = -c;
            }
            let t = T::EXP_T;
            if ax > t {
                let et = t.exp();
                let mut rx = ax - t;
                let h = et / T::from_f64(2.0);
                s = s * h;
                c = c * h;
                if rx > t {
                    rx = rx - t;
                    s = s * et;
                    c = c * et;
                }
                if rx > t {
                    return C::new(T::MAX * c, T::MAX * s);
                }
                let ev = rx.exp();
                return C::new(ev * c, ev * s);
            }
            return C::new(ax.sinh() * c, ax.cosh() * s);
        }
        if x == T::ZERO {
            return C::new(x, T::NAN);
        }
        return C::new(T::NAN, T::NAN);
    }
    if x.is_infinite() {
        if y.is_finite() && y != T::ZERO {
            let (s, c) = sincos(y);
            let re = T::INF.copysign(c);
            return C::new(if negate { -re } else { re }, T::INF.copysign(s));
        }
        if y == T::ZERO {
            return C::new(x, y);
        }
        // glibc: +inf whatever the sign of x (C99 leaves it unspecified).
        return C::new(T::INF, T::NAN);
    }
    if y == T::ZERO {
        C::new(T::NAN, y)
    } else {
        C::new(T::NAN, T::NAN)
    }
}

/// `cosh z = cosh(re) cos(im) + i sinh(re) sin(im)` (C99 G.6.2.4, glibc's scaling).
pub fn cosh<T: CxPart>(z: C<T>) -> C<T> {
    let (x, y) = (z.re, z.im);
    if x.is_finite() {
        if y.is_finite() {
            let (mut s, mut c) = sincos(y);
            let t = T::EXP_T;
            if x.abs() > t {
                let et = t.exp();
                let mut rx = x.abs();
                if x.signbit() {
                    s = -s;
                }
                rx = rx - t;
                let h = et / T::from_f64(2.0);
                s = s * h;
                c = c * h;
                if rx > t {
                    rx = rx - t;
                    s = s * et;
                    c = c * et;
                }
                if rx > t {
                    return C::new(T::MAX * c, T::MAX * s);
                }
                let ev = rx.exp();
                return C::new(ev * c, ev * s);
            }
            return C::new(x.cosh() * c, x.sinh() * s);
        }
        let im = if x == T::ZERO { T::ZERO } else { T::NAN };
        return C::new(T::NAN, im);
    }
    if x.is_infinite() {
        let sx = T::ONE.copysign(x);
        if y.is_finite() && y != T::ZERO {
            let (s, c) = sincos(y);
            return C::new(T::INF.copysign(c), T::INF.copysign(s) * sx);
        }
        if y == T::ZERO {
            return C::new(T::INF, y * sx);
        }
        return C::new(T::INF, T::NAN);
    }
    if y == T::ZERO {
        C::new(T::NAN, y)
    } else {
        C::new(T::NAN, T::NAN)
    }
}

/// `tanh z = (sinh(2re) + i sin(2im)) / (cosh(2re) + cos(2im))`, computed as glibc does:
/// `(sinh(re) cosh(re) + i sin(im) cos(im)) / (sinh(re)^2 + cos(im)^2)`, and
/// `±1 + i 4 sin cos e^(-2|re|)` beyond the threshold where `tanh(re)` rounds to ±1.
pub fn tanh<T: CxPart>(z: C<T>) -> C<T> {
    let (x, y) = (z.re, z.im);
    if !x.is_finite() || !y.is_finite() {
        if x.is_infinite() {
            let im = if y.is_finite() && y.abs() > T::ONE {
                let (s, c) = sincos(y);
                T::ZERO.copysign(s * c)
            } else {
                T::ZERO.copysign(y)
            };
            return C::new(T::ONE.copysign(x), im);
        }
        if y == T::ZERO {
            return z;
        }
        if x == T::ZERO {
            // tanh(±0 + i inf) and tanh(±0 + i nan) keep the zero (glibc).
            return C::new(x, T::NAN);
        }
        return C::new(T::NAN, T::NAN);
    }
    let (s, c) = sincos(y);
    let t = T::TANH_T;
    if x.abs() > t {
        let e2t = (t * T::from_f64(2.0)).exp();
        let re = T::ONE.copysign(x);
        let mut im = T::from_f64(4.0) * s * c;
        let rx = x.abs() - t;
        im = im / e2t;
        if rx > t {
            im = im / e2t;
        } else {
            im = im / (rx * T::from_f64(2.0)).exp();
        }
        return C::new(re, im);
    }
    let (sh, ch) = if x.abs() > T::MIN_POS {
        (x.sinh(), x.cosh())
    } else {
        (x, T::ONE)
    };
    let den = if sh.abs() > c.abs() * T::EPS {
        sh * sh + c * c
    } else {
        c * c
    };
    C::new(sh * ch / den, s * c / den)
}

/// `i z`.
fn mul_i<T: CxPart>(z: C<T>) -> C<T> {
    C::new(-z.im, z.re)
}

/// `-i z`.
fn mul_neg_i<T: CxPart>(z: C<T>) -> C<T> {
    C::new(z.im, -z.re)
}

/// `sin z = -i sinh(i z)` (glibc's `csin(x ± i inf)` for a non-finite `x` is
/// `nan + i inf`: C99 leaves the sign unspecified).
pub fn sin<T: CxPart>(z: C<T>) -> C<T> {
    if z.im.is_infinite() && !z.re.is_finite() {
        return C::new(T::NAN, T::INF);
    }
    mul_neg_i(sinh(mul_i(z)))
}

/// `cos z = cosh(i z)`.
pub fn cos<T: CxPart>(z: C<T>) -> C<T> {
    cosh(mul_i(z))
}

/// `tan z = -i tanh(i z)`.
pub fn tan<T: CxPart>(z: C<T>) -> C<T> {
    mul_neg_i(tanh(mul_i(z)))
}

/// `f(a, b) = (hypot(a, b) - b) / 2` without cancellation (`h = hypot(a, b)`).
fn hull_f<T: CxPart>(a: T, b: T, h: T) -> T {
    let two = T::from_f64(2.0);
    if b < T::ZERO {
        (h - b) / two
    } else if b == T::ZERO {
        a / two
    } else {
        a * a / (h + b) / two
    }
}

/// The shared core of `arcsinh` and `arccos` (Hull et al.) for `0 <= x, y < 1/eps`:
/// returns `(Re asinh(x + iy), B usable, B = y/A, sqrt(A^2 - y^2), y rescaled)`.
fn hard_work<T: CxPart>(x: T, y: T) -> (T, bool, T, T, T) {
    let a_cross = T::from_f64(10.0);
    let b_cross = T::from_f64(0.6417);
    let four_sqrt_min = T::MIN_POS.sqrt() * T::from_f64(4.0);
    let eps = T::EPS;
    let one = T::ONE;
    let two = T::from_f64(2.0);
    let r = hypot(x, y + one);
    let s = hypot(x, y - one);
    let mut a = (r + s) / two;
    if a < one {
        a = one;
    }
    let rx = if a < a_cross {
        if y == one && x < eps * eps / T::from_f64(128.0) {
            x.sqrt()
        } else if x >= eps * (y - one).abs() {
            let am1 = hull_f(x, one + y, r) + hull_f(x, one - y, s);
            (am1 + (am1 * (a + one)).sqrt()).log1p()
        } else if y < one {
            x / ((one - y) * (one + y)).sqrt()
        } else {
            ((y - one) + ((y - one) * (y + one)).sqrt()).log1p()
        }
    } else {
        (a + (a * a - one).sqrt()).log()
    };
    if y < four_sqrt_min {
        return (rx, false, T::ZERO, a * (two / eps), y * (two / eps));
    }
    let b = y / a;
    if b <= b_cross {
        return (rx, true, b, T::ZERO, y);
    }
    let (sq, ny) = if y == one && x < eps / T::from_f64(128.0) {
        (x.sqrt() * ((a + y) / two).sqrt(), y)
    } else if x >= eps * (y - one).abs() {
        let amy = hull_f(x, y + one, r) + hull_f(x, y - one, s);
        ((amy * (a + y)).sqrt(), y)
    } else if y > one {
        let k = T::from_f64(4.0) / eps / eps;
        (x * k * y / ((y + one) * (y - one)).sqrt(), y * k)
    } else {
        (((one - y) * (one + y)).sqrt(), y)
    };
    (rx, false, b, sq, ny)
}

/// `(log|z|, atan2(y, x))` for large `|z|` (finite), avoiding overflow.
fn log_large<T: CxPart>(x: T, y: T) -> (T, T) {
    let (mut ax, mut ay) = (x.abs(), y.abs());
    if ax < ay {
        std::mem::swap(&mut ax, &mut ay);
    }
    let quarter_sqrt_max = T::MAX.sqrt() / T::from_f64(4.0);
    let sqrt_min = T::MIN_POS.sqrt();
    let re = if ax > T::MAX / T::from_f64(2.0) {
        hypot(x / T::E, y / T::E).log() + T::ONE
    } else if ax > quarter_sqrt_max || ay < sqrt_min {
        hypot(x, y).log()
    } else {
        (ax * ax + ay * ay).log() / T::from_f64(2.0)
    };
    (re, y.atan2(x))
}

/// `sqrt(6 eps)`: below a quarter of it `asinh z = z` and `acos z = pi/2 - z`.
fn sqrt_6_eps<T: CxPart>() -> T {
    (T::from_f64(6.0) * T::EPS).sqrt()
}

/// The inverse hyperbolic sine (C99 G.6.2.2; Hull et al.).
pub fn asinh<T: CxPart>(z: C<T>) -> C<T> {
    let (x, y) = (z.re, z.im);
    let (ax, ay) = (x.abs(), y.abs());
    if x.is_nan() || y.is_nan() {
        if x.is_infinite() {
            return C::new(x, y + y);
        }
        if y.is_infinite() {
            // glibc: +inf (C99: the sign is unspecified).
            return C::new(T::INF, x + x);
        }
        if y == T::ZERO {
            return C::new(x + x, y);
        }
        return C::new(T::NAN, T::NAN);
    }
    let recip_eps = T::ONE / T::EPS;
    if ax > recip_eps || ay > recip_eps {
        let (wx, wy) = if x.signbit() {
            log_large(-x, -y)
        } else {
            log_large(x, y)
        };
        return C::new((wx + T::LN2).copysign(x), wy.copysign(y));
    }
    if x == T::ZERO && y == T::ZERO {
        return z;
    }
    let lim = sqrt_6_eps::<T>() / T::from_f64(4.0);
    if ax < lim && ay < lim {
        return z;
    }
    let (rx, usable, b, sq, ny) = hard_work(ax, ay);
    let ry = if usable { b.asin() } else { ny.atan2(sq) };
    C::new(rx.copysign(x), ry.copysign(y))
}

/// The inverse cosine (C99 G.6.1.1; Hull et al.).
pub fn acos<T: CxPart>(z: C<T>) -> C<T> {
    let (x, y) = (z.re, z.im);
    let (sx, sy) = (x.signbit(), y.signbit());
    let (ax, ay) = (x.abs(), y.abs());
    if x.is_nan() || y.is_nan() {
        if x.is_infinite() {
            return C::new(y + y, -T::INF);
        }
        if y.is_infinite() {
            return C::new(x + x, -y);
        }
        if x == T::ZERO {
            return C::new(T::FRAC_PI_2, y + y);
        }
        return C::new(T::NAN, T::NAN);
    }
    let recip_eps = T::ONE / T::EPS;
    if ax > recip_eps || ay > recip_eps {
        let (wx, wy) = log_large(x, y);
        let rx = wy.abs();
        let ry = wx + T::LN2;
        return C::new(rx, if sy { ry } else { -ry });
    }
    if x == T::ONE && y == T::ZERO {
        return C::new(T::ZERO, -y);
    }
    let lim = sqrt_6_eps::<T>() / T::from_f64(4.0);
    if ax < lim && ay < lim {
        // pi/2 - x, with the low part of pi/2 (6.12e-17 for f64) added.
        return C::new(T::FRAC_PI_2 - (x - T::PIO2_LO), -y);
    }
    let (ry, usable, b, sq, nx) = hard_work(ay, ax);
    let rx = if usable {
        if sx {
            (-b).acos()
        } else {
            b.acos()
        }
    } else if sx {
        sq.atan2(-nx)
    } else {
        sq.atan2(nx)
    };
    C::new(rx, if sy { ry } else { -ry })
}

/// `asin z = i conj(asinh(i conj z))`: `asinh(y + ix)` with the parts swapped back.
pub fn asin<T: CxPart>(z: C<T>) -> C<T> {
    let w = asinh(C::new(z.im, z.re));
    C::new(w.im, w.re)
}

/// The inverse hyperbolic cosine through `acos` (`±i acos z`, the sign making the real
/// part non-negative; C99 G.6.2.1).
pub fn acosh<T: CxPart>(z: C<T>) -> C<T> {
    if z.re == T::ZERO && z.im.is_nan() {
        // glibc (and NumPy): acosh(±0 + i nan) = nan + i pi/2.
        return C::new(T::NAN, T::FRAC_PI_2);
    }
    let w = acos(z);
    let (rx, ry) = (w.re, w.im);
    if rx.is_nan() && ry.is_nan() {
        return C::new(ry, rx);
    }
    if rx.is_nan() {
        return C::new(ry.abs(), rx);
    }
    if ry.is_nan() {
        return C::new(ry, ry);
    }
    C::new(ry.abs(), rx.copysign(z.im))
}

/// `Re(1/(x + iy)) = x / (x^2 + y^2)` for large `|z|` without spurious underflow.
fn real_part_reciprocal<T: CxPart>(x: T, y: T) -> T {
    let cutoff = T::MANT_DIG / 2 + 1;
    let ex = exponent(x);
    let ey = exponent(y);
    if ex - ey >= cutoff || x.is_infinite() {
        return T::ONE / x;
    }
    if ey - ex >= cutoff {
        return x / y / y;
    }
    // Rescale by 2^(1 - ex) when x^2 could overflow.
    let max_exp = if T::MANT_DIG == 53 { 1024 } else { 128 };
    if ex <= max_exp / 2 - cutoff {
        return x / (x * x + y * y);
    }
    let k = 1 - ex;
    let (xs, ys) = (x.scale2(k), y.scale2(k));
    xs / (xs * xs + ys * ys) * T::ONE.scale2(k)
}

/// The binary exponent `e` of a finite non-zero `x` (`2^e <= |x| < 2^(e+1)`); inf gives
/// a huge value, 0 and subnormals the minimum exponent.
fn exponent<T: CxPart>(x: T) -> i32 {
    let a = x.abs();
    if !a.is_finite() {
        return 100_000;
    }
    if a < T::MIN_POS {
        return if T::MANT_DIG == 53 { -1023 } else { -127 };
    }
    let v = a.to_f64();
    (((v.to_bits() >> 52) & 0x7FF) as i32) - 1023
}

/// `x^2 + y^2`, or `x^2` when `y^2` would underflow (`y >= 0`).
fn sum_squares<T: CxPart>(x: T, y: T) -> T {
    if y < T::MIN_POS.sqrt() {
        x * x
    } else {
        x * x + y * y
    }
}

/// The inverse hyperbolic tangent (C99 G.6.2.3; FreeBSD's algorithm).
pub fn atanh<T: CxPart>(z: C<T>) -> C<T> {
    let (x, y) = (z.re, z.im);
    let (ax, ay) = (x.abs(), y.abs());
    if y == T::ZERO && ax <= T::ONE {
        return C::new(x.atanh(), y);
    }
    if x == T::ZERO {
        return C::new(x, y.atan());
    }
    if x.is_nan() || y.is_nan() {
        if x.is_infinite() {
            return C::new(T::ZERO.copysign(x), y + y);
        }
        if y.is_infinite() {
            return C::new(T::ZERO.copysign(x), T::FRAC_PI_2.copysign(y));
        }
        return C::new(T::NAN, T::NAN);
    }
    let recip_eps = T::ONE / T::EPS;
    if ax > recip_eps || ay > recip_eps {
        return C::new(real_part_reciprocal(x, y), T::FRAC_PI_2.copysign(y));
    }
    let lim = (T::from_f64(3.0) * T::EPS).sqrt() / T::from_f64(2.0);
    if ax < lim && ay < lim {
        return z;
    }
    let one = T::ONE;
    let (two, four) = (T::from_f64(2.0), T::from_f64(4.0));
    let rx = if ax == one && ay < T::EPS {
        (T::LN2 - ay.log()) / two
    } else {
        (four * ax / sum_squares(ax - one, ay)).log1p() / four
    };
    let ry = if ax == one {
        two.atan2(-ay) / two
    } else if ay < T::EPS {
        (two * ay).atan2((one - ax) * (one + ax)) / two
    } else {
        (two * ay).atan2((one - ax) * (one + ax) - ay * ay) / two
    };
    C::new(rx.copysign(x), ry.copysign(y))
}

/// `atan z = i conj(atanh(i conj z))`: `atanh(y + ix)` with the parts swapped back.
pub fn atan<T: CxPart>(z: C<T>) -> C<T> {
    let w = atanh(C::new(z.im, z.re));
    C::new(w.im, w.re)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(re: f64, im: f64) -> C<f64> {
        C::new(re, im)
    }

    fn bits(z: C<f64>) -> (u64, u64) {
        (z.re.to_bits(), z.im.to_bits())
    }

    #[test]
    fn branch_cuts_and_zeros() {
        assert_eq!(bits(sqrt(c(-4.0, 0.0))), bits(c(0.0, 2.0)));
        assert_eq!(bits(sqrt(c(-4.0, -0.0))), bits(c(0.0, -2.0)));
        assert_eq!(bits(log(c(0.0, 0.0))), bits(c(f64::NEG_INFINITY, 0.0)));
        assert_eq!(bits(log(c(-0.0, 0.0))).1, std::f64::consts::PI.to_bits());
        assert_eq!(
            bits(exp(c(f64::INFINITY, 0.0))),
            bits(c(f64::INFINITY, 0.0))
        );
        assert_eq!(bits(sqrt(c(3.0, 4.0))), bits(c(2.0, 1.0)));
    }
}
