//! One definition of every math function of the language, for f64 and f32.
//!
//! Everything here is pure Rust built only from operations that are exactly specified by
//! IEEE 754 and exist as Cranelift instructions: `+ - * /`, `mul_add` (fma: one rounding,
//! so hardware and library give the same bits), `sqrt`, `floor`/`ceil`/`trunc`/
//! `round_ties_even`, bit casts with integer add/shift/and/or, int<->float conversions
//! (`as`, which is Cranelift's saturating conversion), comparisons and selects. No call
//! to the platform's libm (`f64::sin`, `f64::exp`, ...) is made, so the results are the
//! same on every machine, and the JIT reproduces them by emitting the same operation
//! sequence (see docs/math-accuracy.md for the measured accuracy and algorithms).
//!
//! Conventions for the JIT author:
//! * Polynomials are evaluated by Horner's rule with `mul_add`, highest coefficient first:
//!   `p = c[n-1]; for i in (0..n-1).rev() { p = fma(p, x, c[i]) }` ([`horner`]).
//! * `if c { a } else { b }` on already-computed values is a `select`; the cores are
//!   branch-free so they vectorise. The only real branches are the cold paths
//!   ([`rem_pio2_slow`] for trig arguments with `|x| >= TRIG_FAST_LIMIT` or non-finite,
//!   and the long-quotient loop of [`fmod_f64`]).
//! * f32 functions (except the exact ones and `sqrt_f32`) convert to f64, call the f64
//!   function and round the result once.
//! * Coefficients were fitted by `tools/math_accuracy.py coeffs` (linear Remez exchange in
//!   mpmath, 60 digits) and constants by `tools/math_accuracy.py constants`.

// Clippy: the coefficients are printed with full round-trip precision on purpose.
#![allow(clippy::excessive_precision, clippy::approx_constant)]

// ---------------------------------------------------------------------------------------
// Constants (tools/math_accuracy.py constants)
// ---------------------------------------------------------------------------------------

/// ln 2 rounded to 32 significant bits: `k * LN2_HI` is exact for `|k| < 2^21`.
pub const LN2_HI: f64 = 0.6931471806019545;
/// `ln 2 - LN2_HI` rounded to f64.
pub const LN2_LO: f64 = -4.2009150726810846e-11;
/// 1 / ln 2 rounded.
pub const LOG2E: f64 = 1.4426950408889634;
/// 2 / pi rounded.
pub const FRAC_2_PI: f64 = 0.6366197723675814;
/// pi/2 = PIO2_C1 + PIO2_C2 + PIO2_C3 (each the rounding of the rest), ~160 bits.
pub const PIO2_C1: f64 = 1.5707963267948966;
/// Second part of pi/2 (see [`PIO2_C1`]).
pub const PIO2_C2: f64 = 6.123233995736766e-17;
/// Third part of pi/2 (see [`PIO2_C1`]).
pub const PIO2_C3: f64 = -1.4973849048591698e-33;
const PIO2_HI: f64 = 1.5707963267948966;
const PIO2_LO: f64 = 6.123233995736766e-17;
const PIO4_HI: f64 = 0.7853981633974483;
const PIO4_LO: f64 = 3.061616997868383e-17;
const PI_HI: f64 = 3.141592653589793;
const PI_LO: f64 = 1.2246467991473532e-16;
const PI3O4: f64 = 2.356194490192345;
const INV_LN2_HI: f64 = 1.4426950408889634;
const INV_LN2_LO: f64 = 2.0355273740931033e-17;
const INV_LN10_HI: f64 = 0.4342944819032518;
const INV_LN10_LO: f64 = 1.098319650216765e-17;
const LOG10_2_HI: f64 = 0.3010299956658855;
const LOG10_2_LO: f64 = -1.9043128467164274e-12;
const TWO_THIRDS_HI: f64 = 0.6666666666666666;
const TWO_THIRDS_LO: f64 = 3.700743415417188e-17;
const TAN_PI_8: f64 = 0.41421356237309503;
const TAN_3PI_8: f64 = 2.414213562373095;
const TWO_54: f64 = 18014398509481984.0;
const TWO_M1022: f64 = 2.2250738585072014e-308;

/// Arguments of sin/cos/tan with `|x| < TRIG_FAST_LIMIT` (2^30) use the branch-free
/// Cody–Waite reduction [`rem_pio2_fast`]; others (and inf/nan) take [`rem_pio2_slow`].
pub const TRIG_FAST_LIMIT: f64 = 1073741824.0;

/// Bits of 2/pi after the binary point, 64 per word, most significant first
/// (word k holds bits 64k+1 ..= 64k+64). Used only by [`rem_pio2_slow`].
const TWO_OVER_PI_BITS: [u64; 20] = [
    0xA2F9836E4E441529,
    0xFC2757D1F534DDC0,
    0xDB6295993C439041,
    0xFE5163ABDEBBC561,
    0xB7246E3A424DD2E0,
    0x06492EEA09D1921C,
    0xFE1DEB1CB129A73E,
    0xE88235F52EBB4484,
    0xE99C7026B45F7E41,
    0x3991D639835339F4,
    0x9C845F8BBDF9283B,
    0x1FF897FFDE05980F,
    0xEF2F118B5A0A6D1F,
    0x6D367ECF27CB09B7,
    0x4F463F669E5FEA2D,
    0x7527BAC7EBE5F17B,
    0x3D0739F78A5292EA,
    0x6BFB5FB11F8D5D08,
    0x56033046FC7B6BAB,
    0xF0CFBC209AF4361D,
];

// ---------------------------------------------------------------------------------------
// Polynomial coefficients (tools/math_accuracy.py coeffs)
// ---------------------------------------------------------------------------------------

/// `e^r ~ 1 + r + r^2 * Q(r)` on `|r| <= ln2/2`: coefficients of `Q` (degree 9, so the
/// approximation has degree 11); max relative error 2^-56.8.
pub const EXP_Q: [f64; 10] = [
    0.500000000000001,
    0.16666666666666674,
    0.041666666666521524,
    0.008333333333322172,
    0.0013888888947962543,
    0.00019841269886699926,
    2.4801487165838708e-05,
    2.755724221351069e-06,
    2.7632716110097873e-07,
    2.511009630403349e-08,
];

/// `log((1+s)/(1-s)) = 2s + s*R(z)`, `z = s^2 <= 0.02944` (`|s| <= (sqrt2-1)/(sqrt2+1)`),
/// `R(z) = (2/3) z + z^2 T(z)`: coefficients of `T` (degree 5); max error of `R/2`
/// 2^-57.3.
pub const LOG_T: [f64; 6] = [
    0.39999999999950464,
    0.28571428612292793,
    0.2222221240760403,
    0.1818284203100562,
    0.15332265007892656,
    0.14618452412443222,
];

/// Like [`LOG_T`] but with degree 7 (max error of `R/2` 2^-71.7): the logarithm inside
/// [`pow_f64`] must be accurate to about 2^-68.
pub const POW_T: [f64; 8] = [
    0.39999999999999997,
    0.2857142857143293,
    0.2222222222034762,
    0.18181818547208606,
    0.15384577361058138,
    0.13335587897131312,
    0.1168849046097565,
    0.1188400144487234,
];

/// `sin r ~ r + r^3 S(r^2)` on `|r| <= pi/4`: coefficients of `S` (degree 5 in `r^2`,
/// i.e. degree 13 in `r`); max relative error 2^-57.1.
pub const SIN_S: [f64; 6] = [
    -0.1666666666666664,
    0.008333333333323575,
    -0.00019841269830064203,
    2.7557313621772283e-06,
    -2.5050729635258015e-08,
    1.5894416123277999e-10,
];

/// `cos r ~ 1 - r^2/2 + r^4 C(r^2)` on `|r| <= pi/4`: coefficients of `C` (degree 14 in
/// `r`); max relative error 2^-62.1.
pub const COS_C: [f64; 6] = [
    0.04166666666666665,
    -0.0013888888888882785,
    2.480158729457783e-05,
    -2.755731571979198e-07,
    2.087589465038791e-09,
    -1.1367797639810935e-11,
];

/// `atan u ~ u + u^3 P(u^2)` on `|u| <= tan(pi/8)`: coefficients of `P` (degree 23 in
/// `u`); max relative error 2^-58.5.
pub const ATAN_P: [f64; 11] = [
    -0.33333333333333265,
    0.19999999999968743,
    -0.14285714281312456,
    0.11111110822452873,
    -0.09090898482173006,
    0.07692067274712457,
    -0.06663129348869294,
    0.058477400413706936,
    -0.05037374215811399,
    0.037988638409870615,
    -0.017799230531251306,
];

/// `asin t ~ t + t^3 P(t^2)` on `0 <= t <= 1/2`: coefficients of `P` (degree 25 in `t`);
/// max relative error 2^-55.0.
pub const ASIN_P: [f64; 12] = [
    0.16666666666666172,
    0.07500000000190286,
    0.04464285692571587,
    0.030381955955850564,
    0.022371817220351885,
    0.01735903345552152,
    0.013889990682828382,
    0.01214860624216659,
    0.006577369512601211,
    0.01948747499456793,
    -0.016289298311843833,
    0.03203419544309306,
];

// ---------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------

/// Horner evaluation with fma, highest coefficient first:
/// `c[0] + x*(c[1] + x*(c[2] + ...))`.
#[inline(always)]
pub fn horner(x: f64, c: &[f64]) -> f64 {
    let n = c.len();
    let mut p = c[n - 1];
    let mut i = n - 1;
    while i > 0 {
        i -= 1;
        p = p.mul_add(x, c[i]);
    }
    p
}

/// Exact sum: `(s, e)` with `s = fl(a + b)` and `a + b = s + e` exactly (Knuth's TwoSum,
/// 6 operations, no precondition).
#[inline(always)]
pub fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    let e = (a - (s - bb)) + (b - bb);
    (s, e)
}

/// Exact sum when `|a| >= |b|` or `a == 0` (Dekker's Fast2Sum).
#[inline(always)]
pub fn fast_two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let e = b - (s - a);
    (s, e)
}

/// `2^k` for an integer `-1022 <= k <= 1023` built from bits: `((k + 1023) << 52)`.
#[inline(always)]
pub fn pow2i(k: i64) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// `p * 2^k` for `-1076 <= k <= 1026` with a single rounding (two power-of-two factors
/// `2^(k>>1)` and `2^(k - (k>>1))`; the first product is exact, so a subnormal result is
/// rounded once and an overflow gives inf).
#[inline(always)]
pub fn scale_pow2(p: f64, k: i64) -> f64 {
    let k1 = k >> 1;
    let k2 = k - k1;
    p * pow2i(k1) * pow2i(k2)
}

/// `e^r - 1` for `|r| <= ln2/2`: `r + r^2 Q(r)` with [`EXP_Q`].
#[inline(always)]
pub fn expm1_poly(r: f64) -> f64 {
    (r * r).mul_add(horner(r, &EXP_Q), r)
}

/// Cody–Waite reduction for exp: `k = round_ties_even(x * LOG2E)`,
/// `r = fma(-k, LN2_LO, fma(-k, LN2_HI, x))` (the inner fma is exact). Returns `(k, r)`.
#[inline(always)]
pub fn exp_reduce(x: f64) -> (f64, f64) {
    let k = (x * LOG2E).round_ties_even();
    let r = (-k).mul_add(LN2_HI, x);
    let r = (-k).mul_add(LN2_LO, r);
    (k, r)
}

/// Splits a positive finite `x` as `2^k * m` with `m` in `[sqrt(1/2), sqrt(2))`.
/// Subnormals are first multiplied by 2^54 (select). Integer ops:
/// `ix = bits(x) - 0x3FE6A09E667F3BCD`, `k = (ix >> 52)` (arithmetic),
/// `m = from_bits((ix & 0xFFFFFFFFFFFFF) + 0x3FE6A09E667F3BCD)`. Returns `(k, m)`.
#[inline(always)]
pub fn log_split(x: f64) -> (f64, f64) {
    let sub = x < TWO_M1022;
    let xs = if sub { x * TWO_54 } else { x };
    let kadj: i64 = if sub { -54 } else { 0 };
    let ix = (xs.to_bits() as i64).wrapping_sub(0x3FE6_A09E_667F_3BCD);
    let k = (ix >> 52) + kadj;
    let m = f64::from_bits(((ix & 0x000F_FFFF_FFFF_FFFF) + 0x3FE6_A09E_667F_3BCD) as u64);
    (k as f64, m)
}

/// The log kernel for `m = 1 + f` in `[sqrt(1/2), sqrt(2))`: returns `(f, hfsq, t)` with
/// `s = f/(2+f)`, `z = s^2`, `R = z*(2/3 + z*T(z))` ([`LOG_T`]), `hfsq = 0.5*f*f`,
/// `t = s*(hfsq + R)`, so that `log(1+f) = f - (hfsq - t)` (in that order).
#[inline(always)]
pub fn log_kernel(m: f64) -> (f64, f64, f64) {
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let r = z * z.mul_add(horner(z, &LOG_T), TWO_THIRDS_HI);
    let hfsq = 0.5 * f * f;
    (f, hfsq, s * (hfsq + r))
}

// ---------------------------------------------------------------------------------------
// sqrt, exp family
// ---------------------------------------------------------------------------------------

/// Square root, correctly rounded (the IEEE operation; Cranelift `sqrt`).
#[inline]
pub fn sqrt_f64(x: f64) -> f64 {
    x.sqrt()
}

/// Square root, correctly rounded in f32 (not via f64).
#[inline]
pub fn sqrt_f32(x: f32) -> f32 {
    x.sqrt()
}

/// `e^x`. Clamp `x` to `[-746, 710]` (selects; nan passes), [`exp_reduce`],
/// `p = 1 + expm1_poly(r)`, result `scale_pow2(p, k)`. Overflow gives inf, underflow 0.
#[inline]
pub fn exp_f64(x: f64) -> f64 {
    let xc = if x > 710.0 { 710.0 } else { x };
    let xc = if xc < -746.0 { -746.0 } else { xc };
    let (k, r) = exp_reduce(xc);
    let p = 1.0 + expm1_poly(r);
    scale_pow2(p, k as i64)
}

/// `e^x - 1`, accurate near 0. Clamp `x` to `[-60, 710]`, [`exp_reduce`],
/// `e = expm1_poly(r)`, then `2^k*e + (2^k - 1)` as one fma with exactly computed
/// `2^k - 1`; for `k > 1000` the scale is split (`2^(k-512)` then `* 2^512`, the `-1` is
/// dropped). `x == 0` returns `x` (keeps -0).
#[inline]
pub fn expm1_f64(x: f64) -> f64 {
    let xc = if x > 710.0 { 710.0 } else { x };
    let xc = if xc < -60.0 { -60.0 } else { xc };
    let (k, r) = exp_reduce(xc);
    let e = expm1_poly(r);
    let ki = k as i64;
    let big = ki > 1000;
    let kk = if big { ki - 512 } else { ki };
    let t = pow2i(kk);
    let y = t.mul_add(e, t - if big { 0.0 } else { 1.0 });
    let y = y * if big { pow2i(512) } else { 1.0 };
    if x == 0.0 {
        x
    } else {
        y
    }
}

// ---------------------------------------------------------------------------------------
// log family
// ---------------------------------------------------------------------------------------

/// Special values of the log family: nan for `x < 0` or nan, -inf for `±0`, inf for inf.
#[inline(always)]
fn log_special(x: f64, y: f64) -> f64 {
    let y = if x == f64::INFINITY { x } else { y };
    let y = if x == 0.0 { f64::NEG_INFINITY } else { y };
    if x < 0.0 || x.is_nan() {
        f64::NAN
    } else {
        y
    }
}

/// Natural logarithm. [`log_split`] then [`log_kernel`], result
/// `k*LN2_HI + (f - (hfsq - (t + k*LN2_LO)))`; specials by select.
#[inline]
pub fn log_f64(x: f64) -> f64 {
    let (k, m) = log_split(x);
    let (f, hfsq, t) = log_kernel(m);
    let y = k.mul_add(LN2_HI, f - (hfsq - k.mul_add(LN2_LO, t)));
    log_special(x, y)
}

/// `log(1 + x)`, accurate near 0. `u = 1 + x` with its exact rounding error `c`
/// ([`two_sum`]), `u` split as in [`log_f64`], result
/// `k*LN2_HI + (f - (hfsq - (t + (k*LN2_LO + c/u))))`. `|x| < 2^-54` returns `x`.
#[inline]
pub fn log1p_f64(x: f64) -> f64 {
    let (u, c) = two_sum(1.0, x);
    let (k, m) = log_split(u);
    let (f, hfsq, t) = log_kernel(m);
    let y = k.mul_add(LN2_HI, f - (hfsq - (t + k.mul_add(LN2_LO, c / u))));
    let y = if x.abs() < 5.551115123125783e-17 {
        x
    } else {
        y
    };
    log_special(u, y)
}

/// `log(m)` for `m` in `[sqrt(1/2), sqrt(2))` as an unevaluated sum `hi + lo` with about
/// 2^-70 relative error: `hi = f - hfsq`, `lo` collects the exact errors of that
/// subtraction and of `hfsq = 0.5*f*f` (fma) plus `t`.
#[inline(always)]
pub fn log_kernel_dd(m: f64) -> (f64, f64) {
    let (f, hfsq, t) = log_kernel(m);
    let hf = 0.5 * f;
    let hfsq_err = hf.mul_add(f, -hfsq);
    let (hi, e) = fast_two_sum(f, -hfsq);
    (hi, (e - hfsq_err) + t)
}

/// Base-2 logarithm: `k + log(m)/ln2` with `log(m)` as a double-double
/// ([`log_kernel_dd`]) times `1/ln2` as a double-double, added to `k` with Fast2Sum.
/// Exact for powers of two.
#[inline]
pub fn log2_f64(x: f64) -> f64 {
    let (k, m) = log_split(x);
    let (hi, lo) = log_kernel_dd(m);
    let p = hi * INV_LN2_HI;
    let q = hi.mul_add(INV_LN2_HI, -p) + lo.mul_add(INV_LN2_HI, hi * INV_LN2_LO);
    let (w, e) = fast_two_sum(k, p);
    log_special(x, w + (e + q))
}

/// Base-10 logarithm: `k*log10(2) + log(m)/ln10` in double-double arithmetic
/// (`k*LOG10_2_HI` is exact), like [`log2_f64`].
#[inline]
pub fn log10_f64(x: f64) -> f64 {
    let (k, m) = log_split(x);
    let (hi, lo) = log_kernel_dd(m);
    let p = hi * INV_LN10_HI;
    let q = hi.mul_add(INV_LN10_HI, -p) + lo.mul_add(INV_LN10_HI, hi * INV_LN10_LO);
    let (w, e) = fast_two_sum(k * LOG10_2_HI, p);
    log_special(x, w + (e + k.mul_add(LOG10_2_LO, q)))
}

// ---------------------------------------------------------------------------------------
// Trigonometric functions
// ---------------------------------------------------------------------------------------

/// Fast argument reduction for `|x| < TRIG_FAST_LIMIT`: returns `(n, hi, lo)` with
/// `x - n*pi/2 = hi + lo` (|hi + lo| <= pi/4 + tiny).
/// `n = round_ties_even(x * FRAC_2_PI) + 0.0`, `a = fma(-n, PIO2_C1, x)` (exact),
/// `p = n*PIO2_C2`, `pe = fma(n, PIO2_C2, -p)`, `(hi, e) = two_sum(a, -p)`,
/// `lo = (e - pe) - n*PIO2_C3`.
#[inline(always)]
pub fn rem_pio2_fast(x: f64) -> (f64, f64, f64) {
    let n = (x * FRAC_2_PI).round_ties_even() + 0.0;
    let a = (-n).mul_add(PIO2_C1, x);
    let p = n * PIO2_C2;
    let pe = n.mul_add(PIO2_C2, -p);
    let (hi, e) = two_sum(a, -p);
    let lo = (e - pe) - n * PIO2_C3;
    (n, hi, lo)
}

/// Exact (Payne–Hanek) reduction for large arguments, the cold path of sin/cos/tan:
/// `x = M * 2^E`; the product of `M` with a 192-bit window of the bits of 2/pi (starting
/// where higher bits would only add multiples of 4) gives `x * 2/pi mod 4` to 2^-137;
/// its integer part is `n mod 4` and its fraction times pi/2 (double-double) is
/// `hi + lo`. Non-finite `x` gives `(0, nan, nan)`. Valid for every finite `x`.
#[cold]
#[inline(never)]
pub fn rem_pio2_slow(x: f64) -> (f64, f64, f64) {
    if !x.is_finite() {
        return (0.0, f64::NAN, f64::NAN);
    }
    let ax = x.abs();
    if ax < 1.0 {
        // Not reached from sin/cos/tan; keep the function total.
        let (n, hi, lo) = rem_pio2_fast(x);
        return (n, hi, lo);
    }
    let bits = ax.to_bits();
    let m = (bits & 0x000F_FFFF_FFFF_FFFF) | (1u64 << 52);
    let e = ((bits >> 52) as i32) - 1075; // ax = m * 2^e
    let i0 = (e - 1).max(1) as usize; // first bit of 2/pi used (1-based)
    let o = i0 - 1;
    let (q, s) = (o / 64, (o % 64) as u32);
    let word = |t: usize| -> u64 {
        let a = TWO_OVER_PI_BITS[q + t];
        if s == 0 {
            a
        } else {
            (a << s) | (TWO_OVER_PI_BITS[q + t + 1] >> (64 - s))
        }
    };
    let w = [word(2), word(1), word(0)]; // little-endian limbs of the window
                                         // p = m * w (256 bits, little-endian limbs)
    let mut p = [0u64; 4];
    let mut carry: u128 = 0;
    for (i, &wi) in w.iter().enumerate() {
        let t = (m as u128) * (wi as u128) + carry;
        p[i] = t as u64;
        carry = t >> 64;
    }
    p[3] = carry as u64;
    // value = p * 2^-(sh); sh fraction bits
    let sh = (i0 as i32 + 191 - e) as u32;
    let get = |start: u32, count: u32| -> u64 {
        // bits [start, start+count) of p, count <= 64
        let limb = (start / 64) as usize;
        let off = start % 64;
        let mut v = p[limb] >> off;
        if off != 0 && limb + 1 < 4 {
            v |= p[limb + 1] << (64 - off);
        }
        if count == 64 {
            v
        } else {
            v & ((1u64 << count) - 1)
        }
    };
    let j = get(sh, 2) as i64;
    let frac = ((get(sh - 64, 64) as u128) << 64) | get(sh - 128, 64) as u128;
    let fs = frac as i128; // >= 2^127 wraps to frac - 2^128: rounds to nearest n
    let n = if fs < 0 { j + 1 } else { j };
    let vh = fs as f64;
    let vl = (fs - vh as i128) as f64;
    let scale = 2.938735877055719e-39; // 2^-128
    let (vh, vl) = (vh * scale, vl * scale);
    let rh = vh * PIO2_HI;
    let rl = vh.mul_add(PIO2_HI, -rh) + vh.mul_add(PIO2_LO, vl * PIO2_HI);
    let (hi, lo) = fast_two_sum(rh, rl);
    let n = (n & 3) as f64;
    if x < 0.0 {
        (-n, -hi, -lo)
    } else {
        (n, hi, lo)
    }
}

/// Argument reduction for sin/cos/tan: [`rem_pio2_fast`] when `|x| < TRIG_FAST_LIMIT`,
/// else [`rem_pio2_slow`]. Returns `(n, hi, lo)`; only `n mod 4` matters.
#[inline(always)]
pub fn rem_pio2(x: f64) -> (f64, f64, f64) {
    if x.abs() < TRIG_FAST_LIMIT {
        rem_pio2_fast(x)
    } else {
        rem_pio2_slow(x)
    }
}

/// `sin(hi + lo)` for `|hi + lo| <= pi/4`: `z = hi^2`,
/// `hi + fma(hi*z, S(z), lo - 0.5*z*lo)` with [`SIN_S`].
#[inline(always)]
pub fn sin_kernel(hi: f64, lo: f64) -> f64 {
    let z = hi * hi;
    let t = (-0.5 * z).mul_add(lo, lo);
    hi + (hi * z).mul_add(horner(z, &SIN_S), t)
}

/// `cos(hi + lo)` for `|hi + lo| <= pi/4`: `z = hi^2`, `hz = 0.5*z`, `w = 1 - hz`,
/// `w + (((1 - w) - hz) + (z*z*C(z) - hi*lo))` with [`COS_C`] (the first bracket is the
/// exact rounding error of `w`).
#[inline(always)]
pub fn cos_kernel(hi: f64, lo: f64) -> f64 {
    let z = hi * hi;
    let hz = 0.5 * z;
    let w = 1.0 - hz;
    let err = (1.0 - w) - hz;
    w + (err + (z * z).mul_add(horner(z, &COS_C), -(hi * lo)))
}

/// Sine. [`rem_pio2`], both kernels, select by `n mod 4` (0: s, 1: c, 2: -s, 3: -c).
/// `|x| < 2^-27` returns `x`.
#[inline]
pub fn sin_f64(x: f64) -> f64 {
    let (n, hi, lo) = rem_pio2(x);
    let q = n as i64;
    let s = sin_kernel(hi, lo);
    let c = cos_kernel(hi, lo);
    let v = if q & 1 != 0 { c } else { s };
    let v = if q & 2 != 0 { -v } else { v };
    if x.abs() < 7.450580596923828e-9 {
        x
    } else {
        v
    }
}

/// Cosine. [`rem_pio2`], both kernels, select by `n mod 4` (0: c, 1: -s, 2: -c, 3: s).
#[inline]
pub fn cos_f64(x: f64) -> f64 {
    let (n, hi, lo) = rem_pio2(x);
    let q = n as i64;
    let s = sin_kernel(hi, lo);
    let c = cos_kernel(hi, lo);
    let v = if q & 1 != 0 { s } else { c };
    if (q + 1) & 2 != 0 {
        -v
    } else {
        v
    }
}

/// Tangent: [`rem_pio2`], both kernels, `s/c` for even `n`, `-c/s` for odd `n`.
/// `|x| < 2^-27` returns `x`.
#[inline]
pub fn tan_f64(x: f64) -> f64 {
    let (n, hi, lo) = rem_pio2(x);
    let q = n as i64;
    let s = sin_kernel(hi, lo);
    let c = cos_kernel(hi, lo);
    let v = if q & 1 != 0 { -c / s } else { s / c };
    if x.abs() < 7.450580596923828e-9 {
        x
    } else {
        v
    }
}

// ---------------------------------------------------------------------------------------
// Inverse trigonometric functions
// ---------------------------------------------------------------------------------------

/// `atan(a)` for `a >= 0` (or nan) as an unevaluated sum `off_hi + rest`. Reduction by
/// selects to `u` in `[-tan(pi/8), tan(pi/8)]` with one division: `a <= tan(pi/8)`:
/// `u = a`, offset 0; `a > tan(3pi/8)`: `u = -1/a`, offset pi/2; else `u = (a-1)/(a+1)`,
/// offset pi/4. `rest = u + fma(u*z, P(z), off_lo)`, `z = u^2`, [`ATAN_P`].
#[inline(always)]
pub fn atan_parts(a: f64) -> (f64, f64) {
    let r1 = a <= TAN_PI_8;
    let r3 = a > TAN_3PI_8;
    let num = if r1 {
        a
    } else if r3 {
        -1.0
    } else {
        a - 1.0
    };
    let den = if r1 {
        1.0
    } else if r3 {
        a
    } else {
        a + 1.0
    };
    let (oh, ol) = if r1 {
        (0.0, 0.0)
    } else if r3 {
        (PIO2_HI, PIO2_LO)
    } else {
        (PIO4_HI, PIO4_LO)
    };
    let u = num / den;
    let z = u * u;
    let p = (u * z).mul_add(horner(z, &ATAN_P), ol);
    (oh, u + p)
}

/// `atan(a)` for `a >= 0`: `off_hi + rest` from [`atan_parts`].
#[inline(always)]
pub fn atan_pos(a: f64) -> f64 {
    let (oh, rest) = atan_parts(a);
    oh + rest
}

/// Arctangent: `copysign(atan_pos(|x|), x)`.
#[inline]
pub fn arctan_f64(x: f64) -> f64 {
    atan_pos(x.abs()).copysign(x)
}

/// `atan2(y, x)` with C99 special cases. `(oh, rest) = atan_parts(|y|/|x|)`,
/// `z = oh + rest`, or `(PI_HI - oh) + (PI_LO - rest)` if `x` has its sign bit set; `y == 0` (x not nan) gives 0 or pi, both infinite gives
/// pi/4 or 3pi/4; the result gets the sign of `y`.
#[inline]
pub fn arctan2_f64(y: f64, x: f64) -> f64 {
    let ax = x.abs();
    let ay = y.abs();
    let xneg = x.is_sign_negative();
    let (oh, rest) = atan_parts(ay / ax);
    let z = if xneg {
        (PI_HI - oh) + (PI_LO - rest)
    } else {
        oh + rest
    };
    let z = if ay == 0.0 && !x.is_nan() {
        if xneg {
            PI_HI
        } else {
            0.0
        }
    } else {
        z
    };
    let z = if ay == f64::INFINITY && ax == f64::INFINITY {
        if xneg {
            PI3O4
        } else {
            PIO4_HI
        }
    } else {
        z
    };
    z.copysign(y)
}

/// Shared part of asin/acos: for `a = |x|` returns `(small, z, s, c, p)` where `small = a <= 0.5`,
/// `z = a <= 0.5 ? x^2 : (1-a)/2`, `s = sqrt(z)`, `c = fma(-s, s, z)/(2s)` (the error of
/// `s`, 0 when `z == 0`), `p = t*z*P(z)` with `t = a <= 0.5 ? x : s` so that
/// `asin(t) = t + p` ([`ASIN_P`]).
#[inline(always)]
pub fn asin_parts(x: f64) -> (bool, f64, f64, f64, f64) {
    let a = x.abs();
    let small = a <= 0.5;
    let z = if small { x * x } else { (1.0 - a) * 0.5 };
    let s = z.sqrt();
    let c = (-s).mul_add(s, z) / (s + s);
    let c = if z == 0.0 { 0.0 } else { c };
    let t = if small { x } else { s };
    let p = (t * z) * horner(z, &ASIN_P);
    (small, z, s, c, p)
}

/// Arcsine. `|x| <= 0.5`: `x + p`; else `pi/2 - 2 asin(sqrt((1-|x|)/2))` computed as
/// `PIO2_HI - (2s - (PIO2_LO - 2(c + p)))` with the sign of `x`. `|x| > 1` gives nan.
#[inline]
pub fn arcsin_f64(x: f64) -> f64 {
    let (small, _z, s, c, p) = asin_parts(x);
    let big = PIO2_HI - (2.0 * s - (PIO2_LO - 2.0 * (c + p)));
    let r = if small { x + p } else { big.copysign(x) };
    if x.abs() > 1.0 {
        f64::NAN
    } else {
        r
    }
}

/// Arccosine. `|x| <= 0.5`: `PIO2_HI - (x - (PIO2_LO - p))`; `x > 0.5`: `2(s + (c + p))`;
/// `x < -0.5`: `PI_HI - (2(s + (c + p)) - PI_LO)`. `|x| > 1` gives nan.
#[inline]
pub fn arccos_f64(x: f64) -> f64 {
    let (small, _z, s, c, p) = asin_parts(x);
    let two_asin = 2.0 * (s + (c + p));
    let r_small = PIO2_HI - (x - (PIO2_LO - p));
    let r = if small {
        r_small
    } else if x > 0.0 {
        two_asin
    } else {
        PI_HI - (two_asin - PI_LO)
    };
    if x.abs() > 1.0 {
        f64::NAN
    } else {
        r
    }
}

// ---------------------------------------------------------------------------------------
// Hyperbolic functions
// ---------------------------------------------------------------------------------------

/// `e^a / 2` for `a` in `[-746, 711]` (clamped): [`exp_reduce`] and `scale_pow2(p, k-1)`;
/// finite up to the cosh/sinh overflow threshold.
#[inline(always)]
pub fn half_exp(a: f64) -> f64 {
    let ac = if a > 711.0 { 711.0 } else { a };
    let ac = if ac < -746.0 { -746.0 } else { ac };
    let (k, r) = exp_reduce(ac);
    scale_pow2(1.0 + expm1_poly(r), k as i64 - 1)
}

/// Hyperbolic sine. `a = |x|`, `t = expm1(min(a, 22))`; `a < 1`: `0.5*(2t - t^2/(t+1))`;
/// `a < 22`: `0.5*(t + t/(t+1))`; else `e^a/2` ([`half_exp`]); sign of `x`.
#[inline]
pub fn sinh_f64(x: f64) -> f64 {
    let a = x.abs();
    let t = expm1_f64(if a < 22.0 { a } else { 22.0 });
    let small = 0.5 * (2.0 * t - t * t / (t + 1.0));
    let mid = 0.5 * (t + t / (t + 1.0));
    let big = half_exp(a);
    let r = if a < 1.0 {
        small
    } else if a < 22.0 {
        mid
    } else {
        big
    };
    r.copysign(x)
}

/// Hyperbolic cosine: `h + 0.25/h` with `h = e^|x|/2` ([`half_exp`]).
#[inline]
pub fn cosh_f64(x: f64) -> f64 {
    let h = half_exp(x.abs());
    h + 0.25 / h
}

/// Hyperbolic tangent: `t = expm1(-2|x|)`, `-t/(t+2)` with the sign of `x`.
#[inline]
pub fn tanh_f64(x: f64) -> f64 {
    let t = expm1_f64(-2.0 * x.abs());
    (-t / (t + 2.0)).copysign(x)
}

/// Inverse hyperbolic sine, `a = |x|`: `a > 2^28`: `log(a) + ln2`;
/// `a > 2`: `log(2a + 1/(sqrt(a^2+1) + a))`; else `log1p(a + a^2/(1 + sqrt(1 + a^2)))`;
/// sign of `x`.
#[inline]
pub fn arcsinh_f64(x: f64) -> f64 {
    let a = x.abs();
    let huge = a > 268435456.0;
    let a2 = a * a;
    let mid_arg = 2.0 * a + 1.0 / ((a2 + 1.0).sqrt() + a);
    let l = log_f64(if huge { a } else { mid_arg });
    let l = if huge { l + std::f64::consts::LN_2 } else { l };
    let s = log1p_f64(a + a2 / (1.0 + (1.0 + a2).sqrt()));
    let r = if a > 2.0 { l } else { s };
    r.copysign(x)
}

/// Inverse hyperbolic cosine: `x > 2^28`: `log(x) + ln2`; `x > 2`:
/// `log(2x - 1/(x + sqrt(x^2 - 1)))`; else `t = x - 1`, `log1p(t + sqrt(2t + t^2))`.
/// `x < 1` gives nan.
#[inline]
pub fn arccosh_f64(x: f64) -> f64 {
    let huge = x > 268435456.0;
    let mid_arg = 2.0 * x - 1.0 / (x + (x * x - 1.0).sqrt());
    let l = log_f64(if huge { x } else { mid_arg });
    let l = if huge { l + std::f64::consts::LN_2 } else { l };
    let t = x - 1.0;
    let s = log1p_f64(t + (2.0 * t + t * t).sqrt());
    let r = if x > 2.0 { l } else { s };
    if x < 1.0 {
        f64::NAN
    } else {
        r
    }
}

/// Inverse hyperbolic tangent, `a = |x|`: `a < 0.5`: `0.5*log1p(2a + 2a*a/(1-a))`; else
/// `0.5*log1p(2a/(1-a))`; sign of `x`. `|x| = 1` gives inf, `|x| > 1` nan.
#[inline]
pub fn arctanh_f64(x: f64) -> f64 {
    let a = x.abs();
    let t = a + a;
    let arg = if a < 0.5 {
        t + t * a / (1.0 - a)
    } else {
        t / (1.0 - a)
    };
    (0.5 * log1p_f64(arg)).copysign(x)
}

// ---------------------------------------------------------------------------------------
// hypot, pow
// ---------------------------------------------------------------------------------------

/// `sqrt(x^2 + y^2)` without spurious overflow/underflow: with `a = max(|x|,|y|)`,
/// `b = min`, scale both by 2^-600 if `a > 2^500` or by 2^600 if `a < 2^-500`, then
/// `sqrt(fma(a, a, b*b))` and scale back. Inf in either argument gives inf (even with nan).
#[inline]
pub fn hypot_f64(x: f64, y: f64) -> f64 {
    let ax = x.abs();
    let ay = y.abs();
    let (a, b) = if ax < ay { (ay, ax) } else { (ax, ay) };
    let big = a > 3.273390607896142e150; // 2^500
    let small = a < 3.054936363499605e-151; // 2^-500
    let s = if big {
        pow2i(-600)
    } else if small {
        pow2i(600)
    } else {
        1.0
    };
    let inv = if big {
        pow2i(600)
    } else if small {
        pow2i(-600)
    } else {
        1.0
    };
    let (a, b) = (a * s, b * s);
    let r = a.mul_add(a, b * b).sqrt() * inv;
    if ax == f64::INFINITY || ay == f64::INFINITY {
        f64::INFINITY
    } else {
        r
    }
}

/// `|x|^y` for finite positive `ax` (normal or subnormal) and finite `y`:
/// `log(ax)` as a double-double (`s = f/(2+f)` as a double-double, `(2/3)s^3` as a
/// double-double, the rest `s^5 T(z)` in double with [`POW_T`]; summed with TwoSums), times `y` with an
/// exact fma product, then `exp` of the double-double with the result clamped to
/// `[-746, 710]`.
#[inline(always)]
pub fn pow_core(ax: f64, y: f64) -> f64 {
    let (k, m) = log_split(ax);
    let f = m - 1.0;
    let (dh, dl) = fast_two_sum(2.0, f);
    let sh = f / dh;
    let sl = ((-sh).mul_add(dh, f) - sh * dl) / dh;
    let zh = sh * sh;
    let zl = sh.mul_add(sh, -zh) + 2.0 * sh * sl;
    let ch = sh * zh;
    let cl = sh.mul_add(zh, -ch) + sh.mul_add(zl, sl * zh);
    let th = ch * TWO_THIRDS_HI;
    let tl = ch.mul_add(TWO_THIRDS_HI, -th) + ch.mul_add(TWO_THIRDS_LO, cl * TWO_THIRDS_HI);
    let tail = (ch * zh) * horner(zh, &POW_T);
    let (h1, e1) = fast_two_sum(2.0 * sh, th);
    let (h2, e2) = two_sum(k * LN2_HI, h1);
    let lo = (e1 + e2) + (k.mul_add(LN2_LO, 2.0 * sl) + (tl + tail));
    let (lh, ll) = fast_two_sum(h2, lo);
    // y * log(ax)
    let ph = y * lh;
    let pl = y.mul_add(lh, -ph) + y * ll;
    let pc = if ph > 710.0 { 710.0 } else { ph };
    let pc = if pc < -746.0 { -746.0 } else { pc };
    let pl = if pc == ph { pl } else { 0.0 };
    let (n, r) = exp_reduce(pc);
    let r = r + pl;
    scale_pow2(1.0 + expm1_poly(r), n as i64)
}

/// `x^y` with the C99/NumPy special cases: `pow(x, ±0) = 1` (even nan), `pow(1, y) = 1`
/// (even nan), nan otherwise propagates, a negative finite base with a non-integer
/// exponent gives nan, odd integer exponents keep the sign of a negative base, and the
/// ±0/±inf cases of C99 Annex F. Core: [`pow_core`] on `|x|`.
#[inline]
pub fn pow_f64(x: f64, y: f64) -> f64 {
    let ax = x.abs();
    let ay = y.abs();
    let yt = y.trunc();
    let y_int = y == yt;
    let hy = 0.5 * y;
    let y_odd = y_int && hy != hy.trunc();
    let core = pow_core(ax, y);
    let neg = x < 0.0;
    let r = if neg && y_odd { -core } else { core };
    let r = if neg && !y_int { f64::NAN } else { r };
    // x = ±0
    let zr = if y < 0.0 { f64::INFINITY } else { 0.0 };
    let zr = if y_odd { zr.copysign(x) } else { zr };
    let r = if ax == 0.0 { zr } else { r };
    // x = ±inf
    let ir = if y < 0.0 { 0.0 } else { f64::INFINITY };
    let ir = if y_odd { ir.copysign(x) } else { ir };
    let r = if ax == f64::INFINITY { ir } else { r };
    // y = ±inf
    let yr = if (ax < 1.0) == (y < 0.0) {
        f64::INFINITY
    } else {
        0.0
    };
    let yr = if ax == 1.0 { 1.0 } else { yr };
    let r = if ay == f64::INFINITY { yr } else { r };
    let r = if x.is_nan() || y.is_nan() {
        f64::NAN
    } else {
        r
    };
    let r = if y == 0.0 { 1.0 } else { r };
    if x == 1.0 {
        1.0
    } else {
        r
    }
}

// ---------------------------------------------------------------------------------------
// Exact functions
// ---------------------------------------------------------------------------------------

/// `|x|` (clears the sign bit).
#[inline]
pub fn abs_f64(x: f64) -> f64 {
    x.abs()
}

/// Largest integer <= x (exact; Cranelift `floor`).
#[inline]
pub fn floor_f64(x: f64) -> f64 {
    x.floor()
}

/// Smallest integer >= x (exact; Cranelift `ceil`).
#[inline]
pub fn ceil_f64(x: f64) -> f64 {
    x.ceil()
}

/// Round toward zero (exact; Cranelift `trunc`).
#[inline]
pub fn trunc_f64(x: f64) -> f64 {
    x.trunc()
}

/// Round to nearest, ties to even (NumPy `rint`; Cranelift `nearest`).
#[inline]
pub fn rint_f64(x: f64) -> f64 {
    x.round_ties_even()
}

/// NumPy `sign`: 1 for x > 0, -1 for x < 0, +0.0 for ±0 (NumPy 2 gives `sign(-0.0) ==
/// 0.0`), nan for nan.
#[inline]
pub fn sign_f64(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else if x == 0.0 {
        0.0
    } else {
        x
    }
}

/// Magnitude of `x` with the sign of `y` (bit operation).
#[inline]
pub fn copysign_f64(x: f64, y: f64) -> f64 {
    x.copysign(y)
}

/// NumPy `minimum`: `(a < b || a is nan) ? a : b` — nan propagates; for equal values
/// (including `-0.0` vs `0.0`) the second argument is returned, as NumPy does.
#[inline]
pub fn minimum_f64(a: f64, b: f64) -> f64 {
    if a < b || a.is_nan() {
        a
    } else {
        b
    }
}

/// NumPy `maximum`: `(a > b || a is nan) ? a : b` (see [`minimum_f64`]).
#[inline]
pub fn maximum_f64(a: f64, b: f64) -> f64 {
    if a > b || a.is_nan() {
        a
    } else {
        b
    }
}

/// NumPy `clip(x, lo, hi)` = `minimum(maximum(x, lo), hi)`.
#[inline]
pub fn clip_f64(x: f64, lo: f64, hi: f64) -> f64 {
    minimum_f64(maximum_f64(x, lo), hi)
}

/// True for nan.
#[inline]
pub fn isnan_f64(x: f64) -> bool {
    x.is_nan()
}

/// True for ±inf.
#[inline]
pub fn isinf_f64(x: f64) -> bool {
    x.is_infinite()
}

/// True unless nan or ±inf.
#[inline]
pub fn isfinite_f64(x: f64) -> bool {
    x.is_finite()
}

/// Binary exponent of a finite non-zero `x` (subnormals included): `floor(log2 |x|)`.
#[inline]
fn ilogb(x: f64) -> i32 {
    let b = x.abs().to_bits();
    let e = (b >> 52) as i32;
    if e == 0 {
        -1011 - (b.leading_zeros() as i32) // 2^-1074 has 63 leading zeros
    } else {
        e - 1023
    }
}

/// `fmod` for `|x| < 2^52 |y|` (finite, `y != 0`): `q = trunc(x/y)`, `r = fma(-q, y, x)`
/// (exact), plus `|y|` with the sign of `x` when `x/y` rounded up to the next integer.
#[inline(always)]
pub fn fmod_fast(x: f64, y: f64) -> f64 {
    let q = (x / y).trunc();
    let r = (-q).mul_add(y, x);
    let ay = y.abs();
    let wrong = (r != 0.0) && ((r < 0.0) != (x < 0.0));
    let r = if wrong { r + ay.copysign(x) } else { r };
    if r == 0.0 {
        0.0f64.copysign(x)
    } else {
        r
    }
}

/// Long-quotient path of fmod (`|x| >= 2^52 |y|`): repeatedly reduces `x` modulo
/// `|y| * 2^e` (an exact multiple of `y`, quotient below 2^53) with [`fmod_fast`].
#[cold]
#[inline(never)]
pub fn fmod_slow(x: f64, y: f64) -> f64 {
    let ay = y.abs();
    let mut ax = x.abs();
    loop {
        if ax == 0.0 {
            break;
        }
        let d = ilogb(ax) - ilogb(ay);
        if d < 52 {
            break;
        }
        let mut e = d - 51;
        let mut ys = ay;
        while e > 0 {
            let step = e.min(1000);
            ys *= pow2i(step as i64);
            e -= step;
        }
        ax = fmod_fast(ax, ys);
    }
    fmod_fast(ax, ay).copysign(x)
}

/// C `fmod(x, y)`: exact `x - trunc(x/y)*y` with the sign of `x`. nan if `x` is inf or
/// nan, or `y` is 0 or nan; `x` if `y` is inf. Fast path [`fmod_fast`] when
/// `|x| < 2^52 |y|`, else the cold loop.
#[inline]
pub fn fmod_f64(x: f64, y: f64) -> f64 {
    let ax = x.abs();
    let ay = y.abs();
    if !x.is_finite() || y.is_nan() || y == 0.0 {
        return f64::NAN;
    }
    if ay == f64::INFINITY {
        return x;
    }
    if ax < ay * 4503599627370496.0 {
        fmod_fast(x, y)
    } else {
        fmod_slow(x, y)
    }
}

// ---------------------------------------------------------------------------------------
// f32 versions
// ---------------------------------------------------------------------------------------

macro_rules! via_f64_unary {
    ($($name32:ident => $name64:ident),* $(,)?) => {$(
        #[doc = concat!("f32 version of [`", stringify!($name64), "`]: evaluated in f64, rounded once.")]
        #[inline]
        pub fn $name32(x: f32) -> f32 {
            $name64(x as f64) as f32
        }
    )*};
}

macro_rules! via_f64_binary {
    ($($name32:ident => $name64:ident),* $(,)?) => {$(
        #[doc = concat!("f32 version of [`", stringify!($name64), "`]: evaluated in f64, rounded once.")]
        #[inline]
        pub fn $name32(x: f32, y: f32) -> f32 {
            $name64(x as f64, y as f64) as f32
        }
    )*};
}

via_f64_unary!(
    exp_f32 => exp_f64,
    expm1_f32 => expm1_f64,
    log_f32 => log_f64,
    log1p_f32 => log1p_f64,
    log2_f32 => log2_f64,
    log10_f32 => log10_f64,
    sin_f32 => sin_f64,
    cos_f32 => cos_f64,
    tan_f32 => tan_f64,
    arcsin_f32 => arcsin_f64,
    arccos_f32 => arccos_f64,
    arctan_f32 => arctan_f64,
    sinh_f32 => sinh_f64,
    cosh_f32 => cosh_f64,
    tanh_f32 => tanh_f64,
    arcsinh_f32 => arcsinh_f64,
    arccosh_f32 => arccosh_f64,
    arctanh_f32 => arctanh_f64,
);

via_f64_binary!(
    arctan2_f32 => arctan2_f64,
    hypot_f32 => hypot_f64,
    pow_f32 => pow_f64,
);

/// f32 `fmod`: exact (computed exactly through f64; the result is representable in f32).
#[inline]
pub fn fmod_f32(x: f32, y: f32) -> f32 {
    fmod_f64(x as f64, y as f64) as f32
}

/// `|x|` in f32.
#[inline]
pub fn abs_f32(x: f32) -> f32 {
    x.abs()
}

/// floor in f32 (exact).
#[inline]
pub fn floor_f32(x: f32) -> f32 {
    x.floor()
}

/// ceil in f32 (exact).
#[inline]
pub fn ceil_f32(x: f32) -> f32 {
    x.ceil()
}

/// trunc in f32 (exact).
#[inline]
pub fn trunc_f32(x: f32) -> f32 {
    x.trunc()
}

/// Round half to even in f32 (exact).
#[inline]
pub fn rint_f32(x: f32) -> f32 {
    x.round_ties_even()
}

/// NumPy `sign` in f32 (see [`sign_f64`]).
#[inline]
pub fn sign_f32(x: f32) -> f32 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else if x == 0.0 {
        0.0
    } else {
        x
    }
}

/// copysign in f32.
#[inline]
pub fn copysign_f32(x: f32, y: f32) -> f32 {
    x.copysign(y)
}

/// NumPy `minimum` in f32 (see [`minimum_f64`]).
#[inline]
pub fn minimum_f32(a: f32, b: f32) -> f32 {
    if a < b || a.is_nan() {
        a
    } else {
        b
    }
}

/// NumPy `maximum` in f32 (see [`maximum_f64`]).
#[inline]
pub fn maximum_f32(a: f32, b: f32) -> f32 {
    if a > b || a.is_nan() {
        a
    } else {
        b
    }
}

/// NumPy `clip` in f32: `minimum(maximum(x, lo), hi)`.
#[inline]
pub fn clip_f32(x: f32, lo: f32, hi: f32) -> f32 {
    minimum_f32(maximum_f32(x, lo), hi)
}

/// True for nan.
#[inline]
pub fn isnan_f32(x: f32) -> bool {
    x.is_nan()
}

/// True for ±inf.
#[inline]
pub fn isinf_f32(x: f32) -> bool {
    x.is_infinite()
}

/// True unless nan or ±inf.
#[inline]
pub fn isfinite_f32(x: f32) -> bool {
    x.is_finite()
}
