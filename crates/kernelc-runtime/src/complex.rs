//! One definition of each complex operation of the language (complex64 and complex128),
//! generic over the type of the parts ([`Part`]: `f32` for complex64, `f64` for
//! complex128). The interpreter calls these functions; native code emits the same IEEE
//! operations in the same order for the arithmetic (`add`, `sub`, `mul`, `div`, no fused
//! multiply-add) and calls these functions for the rest, so both executors give the same
//! bits.
//!
//! The definitions are NumPy's: multiplication and Smith's division as NumPy's umath loops
//! (`CDOUBLE_multiply`, `CDOUBLE_divide`), powers as `npy_cpow` (exact repeated
//! multiplication for integer exponents below 100 in magnitude), `abs` as `hypot`, `angle`
//! as `atan2(im, re)`.

use crate::math;
use num_complex::Complex;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// The operations on complex values that are not operators, as the typed IR names them
/// (`ExprKind::Complex`). Sema gives the argument and result types; both executors
/// evaluate them with the functions of this module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CxOp {
    /// `complex(re, im)`: two values of the part type to a complex value.
    Make,
    /// `z.real`: the real part.
    Real,
    /// `z.imag`: the imaginary part.
    Imag,
    /// `z.conjugate()`, `np.conj(z)`.
    Conj,
    /// `abs(z)`: `hypot(re, im)` (no overflow for large parts).
    Abs,
    /// `np.angle(z)`: `atan2(im, re)`.
    Angle,
    /// A math function of a complex argument (`np.sqrt(z)`, ...): one of
    /// [`crate::complex_math::cx_supported`], computed by [`crate::complex_math::cx_math`];
    /// the result has the argument's complex type.
    Math(crate::optable::MathFn),
    /// `np.reciprocal(z)`: NumPy's own loop ([`crate::complex_math::reciprocal`]).
    Reciprocal,
}

impl CxOp {
    /// The name in the typed IR listing.
    pub fn name(self) -> &'static str {
        match self {
            CxOp::Make => "complex",
            CxOp::Real => "real",
            CxOp::Imag => "imag",
            CxOp::Conj => "conj",
            CxOp::Abs => "cabs",
            CxOp::Angle => "angle",
            CxOp::Math(f) => f.name(),
            CxOp::Reciprocal => "reciprocal",
        }
    }
}

/// The part type of a complex type: `f32` or `f64`, with the math functions complex
/// operations need (the runtime's own, shared with native code).
pub trait Part:
    Copy
    + PartialEq
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
    const ZERO: Self;
    const ONE: Self;
    const NAN: Self;
    fn abs(self) -> Self;
    fn hypot(self, y: Self) -> Self;
    /// `atan2(self, x)`.
    fn atan2(self, x: Self) -> Self;
    fn exp(self) -> Self;
    fn log(self) -> Self;
    fn sin(self) -> Self;
    fn cos(self) -> Self;
    fn to_i64(self) -> i64;
    /// `x` rounded to this type.
    fn from_f64(x: f64) -> Self;
    /// `exp(b log a)` with the complex `exp` and `log` of [`crate::complex_math`] (glibc's
    /// `cpow`, which NumPy's `npy_cpow` calls for exponents that are not small integers).
    fn exp_log_pow(a: Complex<Self>, b: Complex<Self>) -> Complex<Self>;
}

macro_rules! part {
    ($t:ty, $hypot:ident, $atan2:ident, $exp:ident, $log:ident, $sin:ident, $cos:ident) => {
        impl Part for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const NAN: Self = <$t>::NAN;
            #[inline]
            fn abs(self) -> Self {
                <$t>::abs(self)
            }
            #[inline]
            fn hypot(self, y: Self) -> Self {
                math::$hypot(self, y)
            }
            #[inline]
            fn atan2(self, x: Self) -> Self {
                math::$atan2(self, x)
            }
            #[inline]
            fn exp(self) -> Self {
                math::$exp(self)
            }
            #[inline]
            fn log(self) -> Self {
                math::$log(self)
            }
            #[inline]
            fn sin(self) -> Self {
                math::$sin(self)
            }
            #[inline]
            fn cos(self) -> Self {
                math::$cos(self)
            }
            #[inline]
            fn to_i64(self) -> i64 {
                self as i64
            }
            #[inline]
            fn from_f64(x: f64) -> Self {
                x as $t
            }
            #[inline]
            fn exp_log_pow(a: Complex<Self>, b: Complex<Self>) -> Complex<Self> {
                crate::complex_math::exp_log_pow(a, b)
            }
        }
    };
}
part!(
    f32,
    hypot_f32,
    arctan2_f32,
    exp_f32,
    log_f32,
    sin_f32,
    cos_f32
);
part!(
    f64,
    hypot_f64,
    arctan2_f64,
    exp_f64,
    log_f64,
    sin_f64,
    cos_f64
);

type C<T> = Complex<T>;

/// `a + b`, part by part.
#[inline]
pub fn add<T: Part>(a: C<T>, b: C<T>) -> C<T> {
    C::new(a.re + b.re, a.im + b.im)
}

/// `a - b`, part by part.
#[inline]
pub fn sub<T: Part>(a: C<T>, b: C<T>) -> C<T> {
    C::new(a.re - b.re, a.im - b.im)
}

/// `a * b`: `(ar*br - ai*bi, ar*bi + ai*br)`, each product rounded (no fused multiply-add).
#[inline]
pub fn mul<T: Part>(a: C<T>, b: C<T>) -> C<T> {
    C::new(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
}

/// `a / b` by Smith's algorithm exactly as NumPy's `CDOUBLE_divide`: scale by the larger
/// part of `b`; dividing by a zero `b` divides each part of `a` by `+0.0` (inf or nan).
#[inline]
pub fn div<T: Part>(a: C<T>, b: C<T>) -> C<T> {
    let (abs_r, abs_i) = (b.re.abs(), b.im.abs());
    if abs_r >= abs_i {
        if abs_r == T::ZERO && abs_i == T::ZERO {
            C::new(a.re / abs_r, a.im / abs_i)
        } else {
            let rat = b.im / b.re;
            let scl = T::ONE / (b.re + b.im * rat);
            C::new((a.re + a.im * rat) * scl, (a.im - a.re * rat) * scl)
        }
    } else {
        let rat = b.re / b.im;
        let scl = T::ONE / (b.im + b.re * rat);
        C::new((a.re * rat + a.im) * scl, (a.im * rat - a.re) * scl)
    }
}

/// `-a`, part by part.
#[inline]
pub fn neg<T: Part>(a: C<T>) -> C<T> {
    C::new(-a.re, -a.im)
}

/// The complex conjugate.
#[inline]
pub fn conj<T: Part>(a: C<T>) -> C<T> {
    C::new(a.re, -a.im)
}

/// `|a|` = `hypot(re, im)`.
#[inline]
pub fn abs<T: Part>(a: C<T>) -> T {
    a.re.hypot(a.im)
}

/// The argument of `a`: `atan2(im, re)`.
#[inline]
pub fn angle<T: Part>(a: C<T>) -> T {
    a.im.atan2(a.re)
}

/// `a == b` (both parts equal; nan is unequal to everything).
#[inline]
pub fn eq<T: Part>(a: C<T>, b: C<T>) -> bool {
    a.re == b.re && a.im == b.im
}

/// `e^a` by the plain formula (finite arguments: `e^re (cos im, sin im)`). The language's
/// `np.exp(z)` is [`crate::complex_math::exp`] (C99 special values, glibc's scaling).
pub fn exp<T: Part>(a: C<T>) -> C<T> {
    if a.im == T::ZERO {
        // Keeps the imaginary zero exact (and its sign), and e^re for infinite re.
        return C::new(a.re.exp(), a.im);
    }
    let r = a.re.exp();
    C::new(r * a.im.cos(), r * a.im.sin())
}

/// The principal logarithm by the plain formula: `(log |a|, angle a)`. The language's
/// `np.log(z)` is [`crate::complex_math::log`] (accurate near the unit circle).
pub fn log<T: Part>(a: C<T>) -> C<T> {
    C::new(abs(a).log(), angle(a))
}

/// `a ** b` as NumPy's `npy_cpow`: `b == 0` gives 1; a zero base gives 0 for `re b > 0`
/// and nan otherwise; an integer exponent `n` with `|n| < 100` multiplies by repeated
/// squaring (`1/a^|n|` for negative `n`, by [`div`]); anything else is `exp(b log a)`
/// as glibc's `cpow` ([`Part::exp_log_pow`]).
pub fn pow<T: Part>(a: C<T>, b: C<T>) -> C<T> {
    let one = C::new(T::ONE, T::ZERO);
    if b.re == T::ZERO && b.im == T::ZERO {
        return one;
    }
    if a.re == T::ZERO && a.im == T::ZERO {
        return if b.re > T::ZERO {
            C::new(T::ZERO, T::ZERO)
        } else {
            C::new(T::NAN, T::NAN)
        };
    }
    if b.im == T::ZERO && b.re > T::from_f64(-100.0) && b.re < T::from_f64(100.0) {
        let n = b.re.to_i64();
        if T::from_f64(n as f64) == b.re {
            match n {
                1 => return a,
                2 => return mul(a, a),
                3 => return mul(a, mul(a, a)),
                _ => {
                    let mut m = n.unsigned_abs();
                    let mut acc = one;
                    let mut p = a;
                    loop {
                        if m & 1 == 1 {
                            acc = mul(acc, p);
                        }
                        m >>= 1;
                        if m == 0 {
                            break;
                        }
                        p = mul(p, p);
                    }
                    return if b.re < T::ZERO { div(one, acc) } else { acc };
                }
            }
        }
    }
    T::exp_log_pow(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(re: f64, im: f64) -> C<f64> {
        C::new(re, im)
    }

    #[test]
    fn smith_division_as_numpy() {
        // Values checked against NumPy 2.4: np.complex128(a) / np.complex128(b).
        assert_eq!(div(c(1.0, 2.0), c(3.0, 4.0)), c(0.44, 0.08));
        assert_eq!(div(c(1.0, 1.0), c(0.0, 0.0)).re, f64::INFINITY);
        assert!(div(c(0.0, 0.0), c(0.0, 0.0)).re.is_nan());
        // NumPy: 1 / (1e308+1e308j) is -0j (the scale 1/(br + bi*rat) overflows to 0).
        let q = div(c(1.0, 0.0), c(1e308, 1e308));
        assert_eq!((q.re.to_bits(), q.im.to_bits()), (0, (-0.0f64).to_bits()));
        assert_eq!(div(c(2.0, 3.0), c(-1.5, 0.5)), c(-0.6, -2.1999999999999997));
    }

    #[test]
    fn integer_powers_multiply() {
        assert_eq!(pow(c(1.0, 1.0), c(2.0, 0.0)), c(0.0, 2.0));
        assert_eq!(pow(c(1.0, 1.0), c(4.0, 0.0)), c(-4.0, 0.0));
        assert_eq!(pow(c(0.0, 2.0), c(-2.0, 0.0)), c(-0.25, -0.0));
        assert_eq!(pow(c(0.0, 0.0), c(0.0, 0.0)), c(1.0, 0.0));
        assert!(pow(c(0.0, 0.0), c(-1.0, 0.0)).re.is_nan());
        assert_eq!(pow(c(2.0, 3.0), c(5.0, 0.0)), c(122.0, -597.0));
        assert_eq!(
            pow(c(2.0, 3.0), c(-3.0, 0.0)),
            c(-0.020937642239417388, -0.0040964952207555765)
        );
    }
}
