//! One definition of every math function of the language, for f64 and f32.
//!
//! Each function is written once, generic over [`FloatOps`] (IEEE f64 arithmetic with fma,
//! comparisons and selects, bit casts and integer operations on the bit patterns). The
//! runtime instantiates it on plain `f64` ([`Scalar64`]; `exp_f64`, `sin_f64`, ... are
//! those instances), and the code generator instantiates the same functions on Cranelift
//! IR values, so native code runs the identical operation sequence and gets the same
//! bits without a second transcription.
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
//! Conventions:
//! * Polynomials are evaluated by Horner's rule with fma, highest coefficient first:
//!   `p = c[n-1]; for i in (0..n-1).rev() { p = fma(p, x, c[i]) }` ([`horner`]).
//! * Every choice is a `select` on already-computed values; the cores are branch-free so
//!   they vectorise. The only real branches are the cold paths, which are [`FloatOps`]
//!   methods ([`rem_pio2_slow`] for trig arguments with `|x| >= TRIG_FAST_LIMIT` or
//!   non-finite, and the long-quotient loop [`fmod_slow`]).
//! * f32 functions (except the exact ones, `sqrt_f32` and `nextafter_f32`) convert to
//!   f64, call the f64 function and round the result once.
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
// The operations the library is written in
// ---------------------------------------------------------------------------------------

/// A float comparison (IEEE: every ordered comparison with nan is false; `Ne` is true).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A signed integer comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ICmp {
    Eq,
    Ne,
    Lt,
    Gt,
}

/// The operations every math function here is written in: IEEE 754 f64 arithmetic with
/// fma, rounding to integers, comparisons and selects, bit casts and 64-bit integer
/// arithmetic on the bit patterns. Each function below is generic over it, so it is
/// written once and instantiated twice: [`Scalar64`] evaluates it on `f64` (the runtime's
/// definition, used by the interpreter and called by native code), and the code generator
/// implements it for Cranelift IR (scalar values now, vector lanes later) and emits the
/// same operation sequence, so both give the same bits.
///
/// `F` is an f64 value, `I` an i64 value (the bit patterns, exponents, quadrants) and `B`
/// a condition. Methods take `&mut self` because an IR builder appends instructions.
/// There are no branches in the algorithms except the two cold paths, which are methods
/// (`rem_pio2_cold`, `fmod_cold`) so that an IR instantiation can branch to a call of the
/// runtime's scalar helper.
pub trait FloatOps {
    type F: Copy;
    type I: Copy;
    type B: Copy;

    fn fconst(&mut self, c: f64) -> Self::F;
    fn iconst(&mut self, c: i64) -> Self::I;

    fn add(&mut self, a: Self::F, b: Self::F) -> Self::F;
    fn sub(&mut self, a: Self::F, b: Self::F) -> Self::F;
    fn mul(&mut self, a: Self::F, b: Self::F) -> Self::F;
    fn div(&mut self, a: Self::F, b: Self::F) -> Self::F;
    /// `a * b + c` with one rounding.
    fn fma(&mut self, a: Self::F, b: Self::F, c: Self::F) -> Self::F;
    fn neg(&mut self, a: Self::F) -> Self::F;
    fn abs(&mut self, a: Self::F) -> Self::F;
    fn sqrt(&mut self, a: Self::F) -> Self::F;
    fn floor(&mut self, a: Self::F) -> Self::F;
    fn ceil(&mut self, a: Self::F) -> Self::F;
    fn trunc(&mut self, a: Self::F) -> Self::F;
    /// Round to nearest, ties to even.
    fn nearest(&mut self, a: Self::F) -> Self::F;
    /// The magnitude of `a` with the sign bit of `b`.
    fn copysign(&mut self, a: Self::F, b: Self::F) -> Self::F;

    fn cmp(&mut self, cc: Cmp, a: Self::F, b: Self::F) -> Self::B;
    /// True for nan.
    fn is_nan(&mut self, a: Self::F) -> Self::B;
    fn and(&mut self, a: Self::B, b: Self::B) -> Self::B;
    fn or(&mut self, a: Self::B, b: Self::B) -> Self::B;
    fn not(&mut self, a: Self::B) -> Self::B;
    /// `c ? a : b`.
    fn select(&mut self, c: Self::B, a: Self::F, b: Self::F) -> Self::F;
    /// `c ? a : b` on integers.
    fn iselect(&mut self, c: Self::B, a: Self::I, b: Self::I) -> Self::I;

    /// The bit pattern of `a`.
    fn bitcast_int(&mut self, a: Self::F) -> Self::I;
    fn bitcast_float(&mut self, a: Self::I) -> Self::F;
    /// Wrapping integer addition.
    fn iadd(&mut self, a: Self::I, b: Self::I) -> Self::I;
    /// Wrapping integer subtraction.
    fn isub(&mut self, a: Self::I, b: Self::I) -> Self::I;
    fn iand(&mut self, a: Self::I, b: Self::I) -> Self::I;
    fn shl(&mut self, a: Self::I, n: u32) -> Self::I;
    /// Arithmetic shift right.
    fn sshr(&mut self, a: Self::I, n: u32) -> Self::I;
    fn icmp(&mut self, cc: ICmp, a: Self::I, b: Self::I) -> Self::B;
    /// Float to integer, rounding toward zero, saturating (nan gives 0), as Rust's `as`.
    fn fcvt_int(&mut self, a: Self::F) -> Self::I;
    fn fcvt_float(&mut self, a: Self::I) -> Self::F;

    /// `big ? rem_pio2_slow(x) : fast`: the exact argument reduction for the (rare) `x`
    /// with `|x| >= TRIG_FAST_LIMIT` or non-finite.
    fn rem_pio2_cold(
        &mut self,
        big: Self::B,
        x: Self::F,
        fast: (Self::F, Self::F, Self::F),
    ) -> (Self::F, Self::F, Self::F);
    /// `slow ? fmod_slow(x, y) : fast`: the long-quotient loop of fmod, for finite `x`,
    /// `y != 0` with `|x| >= 2^52 |y|`.
    fn fmod_cold(&mut self, slow: Self::B, x: Self::F, y: Self::F, fast: Self::F) -> Self::F;
}

/// [`FloatOps`] on plain `f64` values: the runtime's own instantiation.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scalar64;

impl FloatOps for Scalar64 {
    type F = f64;
    type I = i64;
    type B = bool;

    #[inline(always)]
    fn fconst(&mut self, c: f64) -> f64 {
        c
    }
    #[inline(always)]
    fn iconst(&mut self, c: i64) -> i64 {
        c
    }
    #[inline(always)]
    fn add(&mut self, a: f64, b: f64) -> f64 {
        a + b
    }
    #[inline(always)]
    fn sub(&mut self, a: f64, b: f64) -> f64 {
        a - b
    }
    #[inline(always)]
    fn mul(&mut self, a: f64, b: f64) -> f64 {
        a * b
    }
    #[inline(always)]
    fn div(&mut self, a: f64, b: f64) -> f64 {
        a / b
    }
    #[inline(always)]
    fn fma(&mut self, a: f64, b: f64, c: f64) -> f64 {
        a.mul_add(b, c)
    }
    #[inline(always)]
    fn neg(&mut self, a: f64) -> f64 {
        -a
    }
    #[inline(always)]
    fn abs(&mut self, a: f64) -> f64 {
        a.abs()
    }
    #[inline(always)]
    fn sqrt(&mut self, a: f64) -> f64 {
        a.sqrt()
    }
    #[inline(always)]
    fn floor(&mut self, a: f64) -> f64 {
        a.floor()
    }
    #[inline(always)]
    fn ceil(&mut self, a: f64) -> f64 {
        a.ceil()
    }
    #[inline(always)]
    fn trunc(&mut self, a: f64) -> f64 {
        a.trunc()
    }
    #[inline(always)]
    fn nearest(&mut self, a: f64) -> f64 {
        a.round_ties_even()
    }
    #[inline(always)]
    fn copysign(&mut self, a: f64, b: f64) -> f64 {
        a.copysign(b)
    }
    #[inline(always)]
    fn cmp(&mut self, cc: Cmp, a: f64, b: f64) -> bool {
        match cc {
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
        }
    }
    #[inline(always)]
    fn is_nan(&mut self, a: f64) -> bool {
        a.is_nan()
    }
    #[inline(always)]
    fn and(&mut self, a: bool, b: bool) -> bool {
        a & b
    }
    #[inline(always)]
    fn or(&mut self, a: bool, b: bool) -> bool {
        a | b
    }
    #[inline(always)]
    fn not(&mut self, a: bool) -> bool {
        !a
    }
    #[inline(always)]
    fn select(&mut self, c: bool, a: f64, b: f64) -> f64 {
        if c {
            a
        } else {
            b
        }
    }
    #[inline(always)]
    fn iselect(&mut self, c: bool, a: i64, b: i64) -> i64 {
        if c {
            a
        } else {
            b
        }
    }
    #[inline(always)]
    fn bitcast_int(&mut self, a: f64) -> i64 {
        a.to_bits() as i64
    }
    #[inline(always)]
    fn bitcast_float(&mut self, a: i64) -> f64 {
        f64::from_bits(a as u64)
    }
    #[inline(always)]
    fn iadd(&mut self, a: i64, b: i64) -> i64 {
        a.wrapping_add(b)
    }
    #[inline(always)]
    fn isub(&mut self, a: i64, b: i64) -> i64 {
        a.wrapping_sub(b)
    }
    #[inline(always)]
    fn iand(&mut self, a: i64, b: i64) -> i64 {
        a & b
    }
    #[inline(always)]
    fn shl(&mut self, a: i64, n: u32) -> i64 {
        a << n
    }
    #[inline(always)]
    fn sshr(&mut self, a: i64, n: u32) -> i64 {
        a >> n
    }
    #[inline(always)]
    fn icmp(&mut self, cc: ICmp, a: i64, b: i64) -> bool {
        match cc {
            ICmp::Eq => a == b,
            ICmp::Ne => a != b,
            ICmp::Lt => a < b,
            ICmp::Gt => a > b,
        }
    }
    #[inline(always)]
    fn fcvt_int(&mut self, a: f64) -> i64 {
        a as i64
    }
    #[inline(always)]
    fn fcvt_float(&mut self, a: i64) -> f64 {
        a as f64
    }
    #[inline(always)]
    fn rem_pio2_cold(&mut self, big: bool, x: f64, fast: (f64, f64, f64)) -> (f64, f64, f64) {
        if big {
            rem_pio2_slow(x)
        } else {
            fast
        }
    }
    #[inline(always)]
    fn fmod_cold(&mut self, slow: bool, x: f64, y: f64, fast: f64) -> f64 {
        if slow {
            fmod_slow(x, y)
        } else {
            fast
        }
    }
}

// ---------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------

/// `min(x, hi)` as the library clamps: `x > hi ? hi : x` (nan passes).
#[inline(always)]
fn clamp_hi<M: FloatOps>(m: &mut M, x: M::F, hi: f64) -> M::F {
    let h = m.fconst(hi);
    let c = m.cmp(Cmp::Gt, x, h);
    m.select(c, h, x)
}

/// `x < lo ? lo : x` (nan passes).
#[inline(always)]
fn clamp_lo<M: FloatOps>(m: &mut M, x: M::F, lo: f64) -> M::F {
    let l = m.fconst(lo);
    let c = m.cmp(Cmp::Lt, x, l);
    m.select(c, l, x)
}

/// `c ? a : b` for constants.
#[inline(always)]
fn select_c<M: FloatOps>(m: &mut M, c: M::B, a: f64, b: f64) -> M::F {
    let (a, b) = (m.fconst(a), m.fconst(b));
    m.select(c, a, b)
}

/// `a + c` for a constant `c`.
#[inline(always)]
fn add_c<M: FloatOps>(m: &mut M, a: M::F, c: f64) -> M::F {
    let c = m.fconst(c);
    m.add(a, c)
}

/// `c - a` for a constant `c`.
#[inline(always)]
fn rsub_c<M: FloatOps>(m: &mut M, c: f64, a: M::F) -> M::F {
    let c = m.fconst(c);
    m.sub(c, a)
}

/// `c * a` for a constant `c`.
#[inline(always)]
fn mul_c<M: FloatOps>(m: &mut M, c: f64, a: M::F) -> M::F {
    let c = m.fconst(c);
    m.mul(c, a)
}

/// `a * b + c` for a constant `b`.
#[inline(always)]
fn fma_c<M: FloatOps>(m: &mut M, a: M::F, b: f64, c: M::F) -> M::F {
    let b = m.fconst(b);
    m.fma(a, b, c)
}

/// `a op b` against a constant.
#[inline(always)]
fn cmp_c<M: FloatOps>(m: &mut M, cc: Cmp, a: M::F, b: f64) -> M::B {
    let b = m.fconst(b);
    m.cmp(cc, a, b)
}

/// `(i & mask) != 0` for an integer.
#[inline(always)]
fn bit_set<M: FloatOps>(m: &mut M, i: M::I, mask: i64) -> M::B {
    let k = m.iconst(mask);
    let b = m.iand(i, k);
    let z = m.iconst(0);
    m.icmp(ICmp::Ne, b, z)
}

/// Horner evaluation with fma, highest coefficient first:
/// `c[0] + x*(c[1] + x*(c[2] + ...))`.
#[inline(always)]
pub fn horner<M: FloatOps>(m: &mut M, x: M::F, c: &[f64]) -> M::F {
    let n = c.len();
    let mut p = m.fconst(c[n - 1]);
    let mut i = n - 1;
    while i > 0 {
        i -= 1;
        let ci = m.fconst(c[i]);
        p = m.fma(p, x, ci);
    }
    p
}

/// Exact sum: `(s, e)` with `s = fl(a + b)` and `a + b = s + e` exactly (Knuth's TwoSum,
/// 6 operations, no precondition).
#[inline(always)]
pub fn two_sum<M: FloatOps>(m: &mut M, a: M::F, b: M::F) -> (M::F, M::F) {
    let s = m.add(a, b);
    let bb = m.sub(s, a);
    let t = m.sub(s, bb);
    let ea = m.sub(a, t);
    let eb = m.sub(b, bb);
    (s, m.add(ea, eb))
}

/// Exact sum when `|a| >= |b|` or `a == 0` (Dekker's Fast2Sum).
#[inline(always)]
pub fn fast_two_sum<M: FloatOps>(m: &mut M, a: M::F, b: M::F) -> (M::F, M::F) {
    let s = m.add(a, b);
    let t = m.sub(s, a);
    (s, m.sub(b, t))
}

/// `2^k` for an integer `-1022 <= k <= 1023` built from bits: `((k + 1023) << 52)`.
#[inline(always)]
pub fn pow2i<M: FloatOps>(m: &mut M, k: M::I) -> M::F {
    let bias = m.iconst(1023);
    let e = m.iadd(k, bias);
    let b = m.shl(e, 52);
    m.bitcast_float(b)
}

/// `2^k` for a constant `k`.
#[inline(always)]
fn pow2c<M: FloatOps>(m: &mut M, k: i64) -> M::F {
    m.fconst(f64::from_bits(((k + 1023) as u64) << 52))
}

/// `p * 2^k` for `-1076 <= k <= 1026` with a single rounding (two power-of-two factors
/// `2^(k>>1)` and `2^(k - (k>>1))`; the first product is exact, so a subnormal result is
/// rounded once and an overflow gives inf).
#[inline(always)]
pub fn scale_pow2<M: FloatOps>(m: &mut M, p: M::F, k: M::I) -> M::F {
    let k1 = m.sshr(k, 1);
    let k2 = m.isub(k, k1);
    let f1 = pow2i(m, k1);
    let f2 = pow2i(m, k2);
    let t = m.mul(p, f1);
    m.mul(t, f2)
}

/// `e^r - 1` for `|r| <= ln2/2`: `r + r^2 Q(r)` with [`EXP_Q`].
#[inline(always)]
pub fn expm1_poly<M: FloatOps>(m: &mut M, r: M::F) -> M::F {
    let r2 = m.mul(r, r);
    let q = horner(m, r, &EXP_Q);
    m.fma(r2, q, r)
}

/// Cody–Waite reduction for exp: `k = round_ties_even(x * LOG2E)`,
/// `r = fma(-k, LN2_LO, fma(-k, LN2_HI, x))` (the inner fma is exact). Returns `(k, r)`.
#[inline(always)]
pub fn exp_reduce<M: FloatOps>(m: &mut M, x: M::F) -> (M::F, M::F) {
    let t = fma_c0(m, x, LOG2E);
    let k = m.nearest(t);
    let nk = m.neg(k);
    let r = fma_c(m, nk, LN2_HI, x);
    let r = fma_c(m, nk, LN2_LO, r);
    (k, r)
}

/// `x * c` for a constant `c` (operand order as written in the algorithms).
#[inline(always)]
fn fma_c0<M: FloatOps>(m: &mut M, x: M::F, c: f64) -> M::F {
    let c = m.fconst(c);
    m.mul(x, c)
}

/// Splits a positive finite `x` as `2^k * m` with `m` in `[sqrt(1/2), sqrt(2))`.
/// Subnormals are first multiplied by 2^54 (select). Integer ops:
/// `ix = bits(x) - 0x3FE6A09E667F3BCD`, `k = (ix >> 52)` (arithmetic),
/// `m = from_bits((ix & 0xFFFFFFFFFFFFF) + 0x3FE6A09E667F3BCD)`. Returns `(k, m)`.
#[inline(always)]
pub fn log_split<M: FloatOps>(m: &mut M, x: M::F) -> (M::F, M::F) {
    let sub = cmp_c(m, Cmp::Lt, x, TWO_M1022);
    let xs0 = fma_c0(m, x, TWO_54);
    let xs = m.select(sub, xs0, x);
    let (a54, z) = (m.iconst(-54), m.iconst(0));
    let kadj = m.iselect(sub, a54, z);
    let c = m.iconst(0x3FE6_A09E_667F_3BCD);
    let bits = m.bitcast_int(xs);
    let ix = m.isub(bits, c);
    let k = m.sshr(ix, 52);
    let k = m.iadd(k, kadj);
    let mask = m.iconst(0x000F_FFFF_FFFF_FFFF);
    let mant = m.iand(ix, mask);
    let mb = m.iadd(mant, c);
    let mm = m.bitcast_float(mb);
    (m.fcvt_float(k), mm)
}

/// The log kernel for `m = 1 + f` in `[sqrt(1/2), sqrt(2))`: returns `(f, hfsq, t)` with
/// `s = f/(2+f)`, `z = s^2`, `R = z*(2/3 + z*T(z))` ([`LOG_T`]), `hfsq = 0.5*f*f`,
/// `t = s*(hfsq + R)`, so that `log(1+f) = f - (hfsq - t)` (in that order).
#[inline(always)]
pub fn log_kernel<M: FloatOps>(m: &mut M, mm: M::F) -> (M::F, M::F, M::F) {
    let f = add_c(m, mm, -1.0);
    let d = rsub_c_add(m, 2.0, f);
    let s = m.div(f, d);
    let z = m.mul(s, s);
    let t = horner(m, z, &LOG_T);
    let tt = m.fconst(TWO_THIRDS_HI);
    let inner = m.fma(z, t, tt);
    let r = m.mul(z, inner);
    let hf = mul_c(m, 0.5, f);
    let hfsq = m.mul(hf, f);
    let a = m.add(hfsq, r);
    (f, hfsq, m.mul(s, a))
}

/// `c + a` for a constant `c` (operand order as written).
#[inline(always)]
fn rsub_c_add<M: FloatOps>(m: &mut M, c: f64, a: M::F) -> M::F {
    let c = m.fconst(c);
    m.add(c, a)
}

// ---------------------------------------------------------------------------------------
// sqrt, exp family
// ---------------------------------------------------------------------------------------

/// `e^x`. Clamp `x` to `[-746, 710]` (selects; nan passes), [`exp_reduce`],
/// `p = 1 + expm1_poly(r)`, result `scale_pow2(p, k)`. Overflow gives inf, underflow 0.
#[inline(always)]
pub fn exp<M: FloatOps>(m: &mut M, x: M::F) -> M::F {
    let xc = clamp_hi(m, x, 710.0);
    let xc = clamp_lo(m, xc, -746.0);
    let (k, r) = exp_reduce(m, xc);
    let e = expm1_poly(m, r);
    let p = rsub_c_add(m, 1.0, e);
    let ki = m.fcvt_int(k);
    scale_pow2(m, p, ki)
}

/// `e^x - 1`, accurate near 0. Clamp `x` to `[-60, 710]`, [`exp_reduce`],
/// `e = expm1_poly(r)`, then `2^k*e + (2^k - 1)` as one fma with exactly computed
/// `2^k - 1`; for `k > 1000` the scale is split (`2^(k-512)` then `* 2^512`, the `-1` is
/// dropped). `x == 0` returns `x` (keeps -0).
#[inline(always)]
pub fn expm1<M: FloatOps>(m: &mut M, x: M::F) -> M::F {
    let xc = clamp_hi(m, x, 710.0);
    let xc = clamp_lo(m, xc, -60.0);
    let (k, r) = exp_reduce(m, xc);
    let e = expm1_poly(m, r);
    let ki = m.fcvt_int(k);
    let thousand = m.iconst(1000);
    let big = m.icmp(ICmp::Gt, ki, thousand);
    let c512 = m.iconst(512);
    let kb = m.isub(ki, c512);
    let kk = m.iselect(big, kb, ki);
    let t = pow2i(m, kk);
    let one = select_c(m, big, 0.0, 1.0);
    let tm1 = m.sub(t, one);
    let y = m.fma(t, e, tm1);
    let sc = select_c(m, big, f64::from_bits((512 + 1023) << 52), 1.0);
    let y = m.mul(y, sc);
    let zero = cmp_c(m, Cmp::Eq, x, 0.0);
    m.select(zero, x, y)
}

// ---------------------------------------------------------------------------------------
// log family
// ---------------------------------------------------------------------------------------

/// Special values of the log family: nan for `x < 0` or nan, -inf for `±0`, inf for inf.
#[inline(always)]
fn log_special<M: FloatOps>(m: &mut M, x: M::F, y: M::F) -> M::F {
    let inf = cmp_c(m, Cmp::Eq, x, f64::INFINITY);
    let y = m.select(inf, x, y);
    let zero = cmp_c(m, Cmp::Eq, x, 0.0);
    let ninf = m.fconst(f64::NEG_INFINITY);
    let y = m.select(zero, ninf, y);
    let neg = cmp_c(m, Cmp::Lt, x, 0.0);
    let nan = m.is_nan(x);
    let bad = m.or(neg, nan);
    let qnan = m.fconst(f64::NAN);
    m.select(bad, qnan, y)
}

/// Natural logarithm. [`log_split`] then [`log_kernel`], result
/// `k*LN2_HI + (f - (hfsq - (t + k*LN2_LO)))`; specials by select.
#[inline(always)]
pub fn log<M: FloatOps>(m: &mut M, x: M::F) -> M::F {
    let (k, mm) = log_split(m, x);
    let (f, hfsq, t) = log_kernel(m, mm);
    let a = fma_c(m, k, LN2_LO, t);
    let b = m.sub(hfsq, a);
    let c = m.sub(f, b);
    let y = fma_c(m, k, LN2_HI, c);
    log_special(m, x, y)
}

/// `log(1 + x)`, accurate near 0. `u = 1 + x` with its exact rounding error `c`
/// ([`two_sum`]), `u` split as in [`log`], result
/// `k*LN2_HI + (f - (hfsq - (t + (k*LN2_LO + c/u))))`. `|x| < 2^-54` returns `x`.
#[inline(always)]
pub fn log1p<M: FloatOps>(m: &mut M, x: M::F) -> M::F {
    let one = m.fconst(1.0);
    let (u, c) = two_sum(m, one, x);
    let (k, mm) = log_split(m, u);
    let (f, hfsq, t) = log_kernel(m, mm);
    let cu = m.div(c, u);
    let a = fma_c(m, k, LN2_LO, cu);
    let a = m.add(t, a);
    let b = m.sub(hfsq, a);
    let cc = m.sub(f, b);
    let y = fma_c(m, k, LN2_HI, cc);
    let ax = m.abs(x);
    let tiny = cmp_c(m, Cmp::Lt, ax, 5.551115123125783e-17);
    let y = m.select(tiny, x, y);
    log_special(m, u, y)
}

/// `log(m)` for `m` in `[sqrt(1/2), sqrt(2))` as an unevaluated sum `hi + lo` with about
/// 2^-70 relative error: `hi = f - hfsq`, `lo` collects the exact errors of that
/// subtraction and of `hfsq = 0.5*f*f` (fma) plus `t`.
#[inline(always)]
pub fn log_kernel_dd<M: FloatOps>(m: &mut M, mm: M::F) -> (M::F, M::F) {
    let (f, hfsq, t) = log_kernel(m, mm);
    let hf = mul_c(m, 0.5, f);
    let nh = m.neg(hfsq);
    let hfsq_err = m.fma(hf, f, nh);
    let (hi, e) = fast_two_sum(m, f, nh);
    let d = m.sub(e, hfsq_err);
    (hi, m.add(d, t))
}

/// Base-2 logarithm: `k + log(m)/ln2` with `log(m)` as a double-double
/// ([`log_kernel_dd`]) times `1/ln2` as a double-double, added to `k` with Fast2Sum.
/// Exact for powers of two.
#[inline(always)]
pub fn log2<M: FloatOps>(m: &mut M, x: M::F) -> M::F {
    let (k, mm) = log_split(m, x);
    let (hi, lo) = log_kernel_dd(m, mm);
    let p = fma_c0(m, hi, INV_LN2_HI);
    let np = m.neg(p);
    let q1 = fma_c(m, hi, INV_LN2_HI, np);
    let hl = fma_c0(m, hi, INV_LN2_LO);
    let q2 = fma_c(m, lo, INV_LN2_HI, hl);
    let q = m.add(q1, q2);
    let (w, e) = fast_two_sum(m, k, p);
    let eq = m.add(e, q);
    let y = m.add(w, eq);
    log_special(m, x, y)
}

/// Base-10 logarithm: `k*log10(2) + log(m)/ln10` in double-double arithmetic
/// (`k*LOG10_2_HI` is exact), like [`log2`].
#[inline(always)]
pub fn log10<M: FloatOps>(m: &mut M, x: M::F) -> M::F {
    let (k, mm) = log_split(m, x);
    let (hi, lo) = log_kernel_dd(m, mm);
    let p = fma_c0(m, hi, INV_LN10_HI);
    let np = m.neg(p);
    let q1 = fma_c(m, hi, INV_LN10_HI, np);
    let hl = fma_c0(m, hi, INV_LN10_LO);
    let q2 = fma_c(m, lo, INV_LN10_HI, hl);
    let q = m.add(q1, q2);
    let kh = fma_c0(m, k, LOG10_2_HI);
    let (w, e) = fast_two_sum(m, kh, p);
    let kl = fma_c(m, k, LOG10_2_LO, q);
    let ekl = m.add(e, kl);
    let y = m.add(w, ekl);
    log_special(m, x, y)
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
pub fn rem_pio2_fast_g<M: FloatOps>(m: &mut M, x: M::F) -> (M::F, M::F, M::F) {
    let t = fma_c0(m, x, FRAC_2_PI);
    let n = m.nearest(t);
    let n = add_c(m, n, 0.0);
    let nn = m.neg(n);
    let a = fma_c(m, nn, PIO2_C1, x);
    let p = fma_c0(m, n, PIO2_C2);
    let np = m.neg(p);
    let pe = fma_c(m, n, PIO2_C2, np);
    let (hi, e) = two_sum(m, a, np);
    let d = m.sub(e, pe);
    let n3 = fma_c0(m, n, PIO2_C3);
    (n, hi, m.sub(d, n3))
}

/// Fast argument reduction on `f64` (see [`rem_pio2_fast_g`]).
#[inline(always)]
pub fn rem_pio2_fast(x: f64) -> (f64, f64, f64) {
    rem_pio2_fast_g(&mut Scalar64, x)
}

/// Argument reduction for sin/cos/tan: [`rem_pio2_fast_g`] when `|x| < TRIG_FAST_LIMIT`,
/// else [`rem_pio2_slow`] (a cold branch, [`FloatOps::rem_pio2_cold`]). Returns
/// `(n, hi, lo)`; only `n mod 4` matters.
#[inline(always)]
pub fn rem_pio2<M: FloatOps>(m: &mut M, x: M::F) -> (M::F, M::F, M::F) {
    let fast = rem_pio2_fast_g(m, x);
    let ax = m.abs(x);
    let small = cmp_c(m, Cmp::Lt, ax, TRIG_FAST_LIMIT);
    let big = m.not(small);
    m.rem_pio2_cold(big, x, fast)
}

/// `sin(hi + lo)` for `|hi + lo| <= pi/4`: `z = hi^2`,
/// `hi + fma(hi*z, S(z), lo - 0.5*z*lo)` with [`SIN_S`].
#[inline(always)]
pub fn sin_kernel<M: FloatOps>(m: &mut M, hi: M::F, lo: M::F) -> M::F {
    let z = m.mul(hi, hi);
    let hz = mul_c(m, -0.5, z);
    let t = m.fma(hz, lo, lo);
    let hiz = m.mul(hi, z);
    let s = horner(m, z, &SIN_S);
    let u = m.fma(hiz, s, t);
    m.add(hi, u)
}

/// `cos(hi + lo)` for `|hi + lo| <= pi/4`: `z = hi^2`, `hz = 0.5*z`, `w = 1 - hz`,
/// `w + (((1 - w) - hz) + (z*z*C(z) - hi*lo))` with [`COS_C`] (the first bracket is the
/// exact rounding error of `w`).
#[inline(always)]
pub fn cos_kernel<M: FloatOps>(m: &mut M, hi: M::F, lo: M::F) -> M::F {
    let z = m.mul(hi, hi);
    let hz = mul_c(m, 0.5, z);
    let w = rsub_c(m, 1.0, hz);
    let omw = rsub_c(m, 1.0, w);
    let err = m.sub(omw, hz);
    let zz = m.mul(z, z);
    let c = horner(m, z, &COS_C);
    let hl = m.mul(hi, lo);
    let nhl = m.neg(hl);
    let v = m.fma(zz, c, nhl);
    let e = m.add(err, v);
    m.add(w, e)
}

/// `(n as i64, sin kernel, cos kernel)` of the reduced argument.
#[inline(always)]
fn trig_parts<M: FloatOps>(m: &mut M, x: M::F) -> (M::I, M::F, M::F) {
    let (n, hi, lo) = rem_pio2(m, x);
    let q = m.fcvt_int(n);
    let s = sin_kernel(m, hi, lo);
    let c = cos_kernel(m, hi, lo);
    (q, s, c)
}

/// `|x| < 2^-27 ? x : v` (sin and tan of tiny arguments).
#[inline(always)]
fn tiny_passes<M: FloatOps>(m: &mut M, x: M::F, v: M::F) -> M::F {
    let ax = m.abs(x);
    let tiny = cmp_c(m, Cmp::Lt, ax, 7.450580596923828e-9);
    m.select(tiny, x, v)
}

/// Sine. [`rem_pio2`], both kernels, select by `n mod 4` (0: s, 1: c, 2: -s, 3: -c).
/// `|x| < 2^-27` returns `x`.
#[inline(always)]
pub fn sin<M: FloatOps>(m: &mut M, x: M::F) -> M::F {
    let (q, s, c) = trig_parts(m, x);
    let odd = bit_set(m, q, 1);
    let v = m.select(odd, c, s);
    let two = bit_set(m, q, 2);
    let nv = m.neg(v);
    let v = m.select(two, nv, v);
    tiny_passes(m, x, v)
}

/// Cosine. [`rem_pio2`], both kernels, select by `n mod 4` (0: c, 1: -s, 2: -c, 3: s).
#[inline(always)]
pub fn cos<M: FloatOps>(m: &mut M, x: M::F) -> M::F {
    let (q, s, c) = trig_parts(m, x);
    let odd = bit_set(m, q, 1);
    let v = m.select(odd, s, c);
    let one = m.iconst(1);
    let q1 = m.iadd(q, one);
    let neg = bit_set(m, q1, 2);
    let nv = m.neg(v);
    m.select(neg, nv, v)
}

/// Tangent: [`rem_pio2`], both kernels, `s/c` for even `n`, `-c/s` for odd `n`.
/// `|x| < 2^-27` returns `x`.
#[inline(always)]
pub fn tan<M: FloatOps>(m: &mut M, x: M::F) -> M::F {
    let (q, s, c) = trig_parts(m, x);
    let odd = bit_set(m, q, 1);
    let nc = m.neg(c);
    let a = m.div(nc, s);
    let b = m.div(s, c);
    let v = m.select(odd, a, b);
    tiny_passes(m, x, v)
}

// ---------------------------------------------------------------------------------------
// Inverse trigonometric functions
// ---------------------------------------------------------------------------------------

/// `atan(a)` for `a >= 0` (or nan) as an unevaluated sum `off_hi + rest`. Reduction by
/// selects to `u` in `[-tan(pi/8), tan(pi/8)]` with one division: `a <= tan(pi/8)`:
/// `u = a`, offset 0; `a > tan(3pi/8)`: `u = -1/a`, offset pi/2; else `u = (a-1)/(a+1)`,
/// offset pi/4. `rest = u + fma(u*z, P(z), off_lo)`, `z = u^2`, [`ATAN_P`].
#[inline(always)]
pub fn atan_parts<M: FloatOps>(m: &mut M, a: M::F) -> (M::F, M::F) {
    let r1 = cmp_c(m, Cmp::Le, a, TAN_PI_8);
    let r3 = cmp_c(m, Cmp::Gt, a, TAN_3PI_8);
    let am1 = add_c(m, a, -1.0);
    let ap1 = add_c(m, a, 1.0);
    let (m1, one) = (m.fconst(-1.0), m.fconst(1.0));
    let num = m.select(r3, m1, am1);
    let num = m.select(r1, a, num);
    let den = m.select(r3, a, ap1);
    let den = m.select(r1, one, den);
    let oh = select_c(m, r3, PIO2_HI, PIO4_HI);
    let ol = select_c(m, r3, PIO2_LO, PIO4_LO);
    let zero = m.fconst(0.0);
    let oh = m.select(r1, zero, oh);
    let ol = m.select(r1, zero, ol);
    let u = m.div(num, den);
    let z = m.mul(u, u);
    let uz = m.mul(u, z);
    let pz = horner(m, z, &ATAN_P);
    let p = m.fma(uz, pz, ol);
    (oh, m.add(u, p))
}

/// Arctangent: `copysign(off_hi + rest, x)` of [`atan_parts`] of `|x|`.
#[inline(always)]
pub fn arctan<M: FloatOps>(m: &mut M, x: M::F) -> M::F {
    let ax = m.abs(x);
    let (oh, rest) = atan_parts(m, ax);
    let r = m.add(oh, rest);
    m.copysign(r, x)
}

/// `atan2(y, x)` with C99 special cases. `(oh, rest) = atan_parts(|y|/|x|)`,
/// `z = oh + rest`, or `(PI_HI - oh) + (PI_LO - rest)` if `x` has its sign bit set;
/// `y == 0` (x not nan) gives 0 or pi, both infinite gives pi/4 or 3pi/4; the result gets
/// the sign of `y`.
#[inline(always)]
pub fn arctan2<M: FloatOps>(m: &mut M, y: M::F, x: M::F) -> M::F {
    let ax = m.abs(x);
    let ay = m.abs(y);
    let xb = m.bitcast_int(x);
    let zi = m.iconst(0);
    let xneg = m.icmp(ICmp::Lt, xb, zi);
    let q = m.div(ay, ax);
    let (oh, rest) = atan_parts(m, q);
    let a = rsub_c(m, PI_HI, oh);
    let b = rsub_c(m, PI_LO, rest);
    let zn = m.add(a, b);
    let zp = m.add(oh, rest);
    let z = m.select(xneg, zn, zp);
    let y0 = cmp_c(m, Cmp::Eq, ay, 0.0);
    let xnan = m.is_nan(x);
    let xok = m.not(xnan);
    let ycase = m.and(y0, xok);
    let zy = select_c(m, xneg, PI_HI, 0.0);
    let z = m.select(ycase, zy, z);
    let yi = cmp_c(m, Cmp::Eq, ay, f64::INFINITY);
    let xi = cmp_c(m, Cmp::Eq, ax, f64::INFINITY);
    let both = m.and(yi, xi);
    let zi = select_c(m, xneg, PI3O4, PIO4_HI);
    let z = m.select(both, zi, z);
    m.copysign(z, y)
}

/// Shared part of asin/acos: for `a = |x|` returns `(small, s, c, p)` where
/// `small = a <= 0.5`, `z = a <= 0.5 ? x^2 : (1-a)/2`, `s = sqrt(z)`,
/// `c = fma(-s, s, z)/(2s)` (the error of `s`, 0 when `z == 0`), `p = t*z*P(z)` with
/// `t = a <= 0.5 ? x : s` so that `asin(t) = t + p` ([`ASIN_P`]).
#[inline(always)]
pub fn asin_parts<M: FloatOps>(m: &mut M, x: M::F) -> (M::B, M::F, M::F, M::F) {
    let a = m.abs(x);
    let small = cmp_c(m, Cmp::Le, a, 0.5);
    let xx = m.mul(x, x);
    let oma = rsub_c(m, 1.0, a);
    let h = fma_c0(m, oma, 0.5);
    let z = m.select(small, xx, h);
    let s = m.sqrt(z);
    let ns = m.neg(s);
    let e = m.fma(ns, s, z);
    let ss = m.add(s, s);
    let c = m.div(e, ss);
    let z0 = cmp_c(m, Cmp::Eq, z, 0.0);
    let zero = m.fconst(0.0);
    let c = m.select(z0, zero, c);
    let t = m.select(small, x, s);
    let tz = m.mul(t, z);
    let pz = horner(m, z, &ASIN_P);
    let p = m.mul(tz, pz);
    (small, s, c, p)
}

/// `|x| > 1 ? nan : r`.
#[inline(always)]
fn nan_beyond_one<M: FloatOps>(m: &mut M, x: M::F, r: M::F) -> M::F {
    let ax = m.abs(x);
    let out = cmp_c(m, Cmp::Gt, ax, 1.0);
    let nan = m.fconst(f64::NAN);
    m.select(out, nan, r)
}

/// Arcsine. `|x| <= 0.5`: `x + p`; else `pi/2 - 2 asin(sqrt((1-|x|)/2))` computed as
/// `PIO2_HI - (2s - (PIO2_LO - 2(c + p)))` with the sign of `x`. `|x| > 1` gives nan.
#[inline(always)]
pub fn arcsin<M: FloatOps>(m: &mut M, x: M::F) -> M::F {
    let (small, s, c, p) = asin_parts(m, x);
    let cp = m.add(c, p);
    let cp2 = mul_c(m, 2.0, cp);
    let l = rsub_c(m, PIO2_LO, cp2);
    let s2 = mul_c(m, 2.0, s);
    let d = m.sub(s2, l);
    let big = rsub_c(m, PIO2_HI, d);
    let bigs = m.copysign(big, x);
    let sm = m.add(x, p);
    let r = m.select(small, sm, bigs);
    nan_beyond_one(m, x, r)
}

/// Arccosine. `|x| <= 0.5`: `PIO2_HI - (x - (PIO2_LO - p))`; `x > 0.5`: `2(s + (c + p))`;
/// `x < -0.5`: `PI_HI - (2(s + (c + p)) - PI_LO)`. `|x| > 1` gives nan.
#[inline(always)]
pub fn arccos<M: FloatOps>(m: &mut M, x: M::F) -> M::F {
    let (small, s, c, p) = asin_parts(m, x);
    let cp = m.add(c, p);
    let scp = m.add(s, cp);
    let two_asin = mul_c(m, 2.0, scp);
    let lp = rsub_c(m, PIO2_LO, p);
    let xl = m.sub(x, lp);
    let r_small = rsub_c(m, PIO2_HI, xl);
    let tl = add_c(m, two_asin, -PI_LO);
    let r_neg = rsub_c(m, PI_HI, tl);
    let pos = cmp_c(m, Cmp::Gt, x, 0.0);
    let r = m.select(pos, two_asin, r_neg);
    let r = m.select(small, r_small, r);
    nan_beyond_one(m, x, r)
}

// ---------------------------------------------------------------------------------------
// Hyperbolic functions
// ---------------------------------------------------------------------------------------

/// `e^a / 2` for `a` in `[-746, 711]` (clamped): [`exp_reduce`] and `scale_pow2(p, k-1)`;
/// finite up to the cosh/sinh overflow threshold.
#[inline(always)]
pub fn half_exp<M: FloatOps>(m: &mut M, a: M::F) -> M::F {
    let ac = clamp_hi(m, a, 711.0);
    let ac = clamp_lo(m, ac, -746.0);
    let (k, r) = exp_reduce(m, ac);
    let e = expm1_poly(m, r);
    let p = rsub_c_add(m, 1.0, e);
    let ki = m.fcvt_int(k);
    let one = m.iconst(1);
    let k1 = m.isub(ki, one);
    scale_pow2(m, p, k1)
}

/// Hyperbolic sine. `a = |x|`, `t = expm1(min(a, 22))`; `a < 1`: `0.5*(2t - t^2/(t+1))`;
/// `a < 22`: `0.5*(t + t/(t+1))`; else `e^a/2` ([`half_exp`]); sign of `x`.
#[inline(always)]
pub fn sinh<M: FloatOps>(m: &mut M, x: M::F) -> M::F {
    let a = m.abs(x);
    let lt22 = cmp_c(m, Cmp::Lt, a, 22.0);
    let c22 = m.fconst(22.0);
    let ac = m.select(lt22, a, c22);
    let t = expm1(m, ac);
    let t1 = add_c(m, t, 1.0);
    let tt = m.mul(t, t);
    let q = m.div(tt, t1);
    let t2 = mul_c(m, 2.0, t);
    let d = m.sub(t2, q);
    let small = mul_c(m, 0.5, d);
    let q2 = m.div(t, t1);
    let s = m.add(t, q2);
    let mid = mul_c(m, 0.5, s);
    let big = half_exp(m, a);
    let r = m.select(lt22, mid, big);
    let lt1 = cmp_c(m, Cmp::Lt, a, 1.0);
    let r = m.select(lt1, small, r);
    m.copysign(r, x)
}

/// Hyperbolic cosine: `h + 0.25/h` with `h = e^|x|/2` ([`half_exp`]).
#[inline(always)]
pub fn cosh<M: FloatOps>(m: &mut M, x: M::F) -> M::F {
    let a = m.abs(x);
    let h = half_exp(m, a);
    let q = m.fconst(0.25);
    let q = m.div(q, h);
    m.add(h, q)
}

/// Hyperbolic tangent: `t = expm1(-2|x|)`, `-t/(t+2)` with the sign of `x`.
#[inline(always)]
pub fn tanh<M: FloatOps>(m: &mut M, x: M::F) -> M::F {
    let a = m.abs(x);
    let a2 = mul_c(m, -2.0, a);
    let t = expm1(m, a2);
    let nt = m.neg(t);
    let d = add_c(m, t, 2.0);
    let r = m.div(nt, d);
    m.copysign(r, x)
}

/// Inverse hyperbolic sine, `a = |x|`: `a > 2^28`: `log(a) + ln2`;
/// `a > 2`: `log(2a + 1/(sqrt(a^2+1) + a))`; else `log1p(a + a^2/(1 + sqrt(1 + a^2)))`;
/// sign of `x`.
#[inline(always)]
pub fn arcsinh<M: FloatOps>(m: &mut M, x: M::F) -> M::F {
    let a = m.abs(x);
    let huge = cmp_c(m, Cmp::Gt, a, 268435456.0);
    let a2 = m.mul(a, a);
    let s1 = add_c(m, a2, 1.0);
    let r1 = m.sqrt(s1);
    let d = m.add(r1, a);
    let one = m.fconst(1.0);
    let inv = m.div(one, d);
    let ta = mul_c(m, 2.0, a);
    let mid_arg = m.add(ta, inv);
    let arg = m.select(huge, a, mid_arg);
    let l = log(m, arg);
    let lh = add_c(m, l, std::f64::consts::LN_2);
    let l = m.select(huge, lh, l);
    let s2 = rsub_c_add(m, 1.0, a2);
    let r2 = m.sqrt(s2);
    let d2 = rsub_c_add(m, 1.0, r2);
    let q = m.div(a2, d2);
    let sa = m.add(a, q);
    let s = log1p(m, sa);
    let gt2 = cmp_c(m, Cmp::Gt, a, 2.0);
    let r = m.select(gt2, l, s);
    m.copysign(r, x)
}

/// Inverse hyperbolic cosine: `x > 2^28`: `log(x) + ln2`; `x > 2`:
/// `log(2x - 1/(x + sqrt(x^2 - 1)))`; else `t = x - 1`, `log1p(t + sqrt(2t + t^2))`.
/// `x < 1` gives nan.
#[inline(always)]
pub fn arccosh<M: FloatOps>(m: &mut M, x: M::F) -> M::F {
    let huge = cmp_c(m, Cmp::Gt, x, 268435456.0);
    let xx = m.mul(x, x);
    let xm = add_c(m, xx, -1.0);
    let r = m.sqrt(xm);
    let d = m.add(x, r);
    let one = m.fconst(1.0);
    let inv = m.div(one, d);
    let tx = mul_c(m, 2.0, x);
    let mid_arg = m.sub(tx, inv);
    let arg = m.select(huge, x, mid_arg);
    let l = log(m, arg);
    let lh = add_c(m, l, std::f64::consts::LN_2);
    let l = m.select(huge, lh, l);
    let t = add_c(m, x, -1.0);
    let t2 = mul_c(m, 2.0, t);
    let tt = m.mul(t, t);
    let u = m.add(t2, tt);
    let su = m.sqrt(u);
    let a = m.add(t, su);
    let s = log1p(m, a);
    let gt2 = cmp_c(m, Cmp::Gt, x, 2.0);
    let r = m.select(gt2, l, s);
    let lt1 = cmp_c(m, Cmp::Lt, x, 1.0);
    let nan = m.fconst(f64::NAN);
    m.select(lt1, nan, r)
}

/// Inverse hyperbolic tangent, `a = |x|`: `a < 0.5`: `0.5*log1p(2a + 2a*a/(1-a))`; else
/// `0.5*log1p(2a/(1-a))`; sign of `x`. `|x| = 1` gives inf, `|x| > 1` nan.
#[inline(always)]
pub fn arctanh<M: FloatOps>(m: &mut M, x: M::F) -> M::F {
    let a = m.abs(x);
    let t = m.add(a, a);
    let oma = rsub_c(m, 1.0, a);
    let ta = m.mul(t, a);
    let q = m.div(ta, oma);
    let small_arg = m.add(t, q);
    let big_arg = m.div(t, oma);
    let lt = cmp_c(m, Cmp::Lt, a, 0.5);
    let arg = m.select(lt, small_arg, big_arg);
    let l = log1p(m, arg);
    let r = mul_c(m, 0.5, l);
    m.copysign(r, x)
}

// ---------------------------------------------------------------------------------------
// hypot, pow
// ---------------------------------------------------------------------------------------

/// `x^2` exactly as `hi + lo` (`lo` from an fma), barring underflow.
#[inline(always)]
fn two_square<M: FloatOps>(m: &mut M, x: M::F) -> (M::F, M::F) {
    let hi = m.mul(x, x);
    let nhi = m.neg(hi);
    (hi, m.fma(x, x, nhi))
}

/// `sqrt(x^2 + y^2)` without spurious overflow/underflow: with `a = max(|x|,|y|)`,
/// `b = min`, scale both by 2^-600 if `a > 2^500` or by 2^600 if `a < 2^-500`; the sum
/// of squares is formed exactly as a double-double (fma low parts, a TwoSum), its
/// square root corrected by one Newton step on the exact residual (`r + (s - r^2)/2r`),
/// which rounds correctly but for rare hard cases (the results of libm's `hypot`, which
/// NumPy calls), then scaled back. Inf in either argument gives inf (even with nan).
#[inline(always)]
pub fn hypot<M: FloatOps>(m: &mut M, x: M::F, y: M::F) -> M::F {
    let ax = m.abs(x);
    let ay = m.abs(y);
    let lt = m.cmp(Cmp::Lt, ax, ay);
    let a = m.select(lt, ay, ax);
    let b = m.select(lt, ax, ay);
    let big = cmp_c(m, Cmp::Gt, a, 3.273390607896142e150); // 2^500
    let small = cmp_c(m, Cmp::Lt, a, 3.054936363499605e-151); // 2^-500
    let (p600, m600, one) = (pow2c(m, 600), pow2c(m, -600), m.fconst(1.0));
    let s = m.select(small, p600, one);
    let s = m.select(big, m600, s);
    let inv = m.select(small, m600, one);
    let inv = m.select(big, p600, inv);
    let a = m.mul(a, s);
    let b = m.mul(b, s);
    // a^2 + b^2 = sh + sl exactly (up to the rounding of the tiny low-part sum).
    let (ah, al) = two_square(m, a);
    let (bh, bl) = two_square(m, b);
    let (sh, s0) = two_sum(m, ah, bh);
    let lows = m.add(al, bl);
    let sl = m.add(s0, lows);
    let (sh, sl) = fast_two_sum(m, sh, sl);
    let h0 = m.sqrt(sh);
    // The residual sh + sl - h0^2, exactly: h0^2 = rh + rl, and sh - rh is exact.
    let (rh, rl) = two_square(m, h0);
    let d = m.sub(sh, rh);
    let d = m.sub(d, rl);
    let d = m.add(d, sl);
    let two_h = m.add(h0, h0);
    let corr = m.div(d, two_h);
    let h1 = m.add(h0, corr);
    let zero = cmp_c(m, Cmp::Eq, h0, 0.0);
    let h = m.select(zero, h0, h1);
    let r = m.mul(h, inv);
    let xi = cmp_c(m, Cmp::Eq, ax, f64::INFINITY);
    let yi = cmp_c(m, Cmp::Eq, ay, f64::INFINITY);
    let inf = m.or(xi, yi);
    let finf = m.fconst(f64::INFINITY);
    m.select(inf, finf, r)
}

/// `|x|^y` for finite positive `ax` (normal or subnormal) and finite `y`:
/// `log(ax)` as a double-double (`s = f/(2+f)` as a double-double, `(2/3)s^3` as a
/// double-double, the rest `s^5 T(z)` in double with [`POW_T`]; summed with TwoSums),
/// times `y` with an exact fma product, then `exp` of the double-double with the result
/// clamped to `[-746, 710]`.
#[inline(always)]
pub fn pow_core<M: FloatOps>(m: &mut M, ax: M::F, y: M::F) -> M::F {
    let (k, mm) = log_split(m, ax);
    let f = add_c(m, mm, -1.0);
    let two = m.fconst(2.0);
    let (dh, dl) = fast_two_sum(m, two, f);
    let sh = m.div(f, dh);
    let nsh = m.neg(sh);
    let e1 = m.fma(nsh, dh, f);
    let sd = m.mul(sh, dl);
    let e1 = m.sub(e1, sd);
    let sl = m.div(e1, dh);
    let zh = m.mul(sh, sh);
    let nzh = m.neg(zh);
    let z1 = m.fma(sh, sh, nzh);
    let s2 = mul_c(m, 2.0, sh);
    let z2 = m.mul(s2, sl);
    let zl = m.add(z1, z2);
    let ch = m.mul(sh, zh);
    let nch = m.neg(ch);
    let c1 = m.fma(sh, zh, nch);
    let slzh = m.mul(sl, zh);
    let c2 = m.fma(sh, zl, slzh);
    let cl = m.add(c1, c2);
    let th = fma_c0(m, ch, TWO_THIRDS_HI);
    let nth = m.neg(th);
    let t1 = fma_c(m, ch, TWO_THIRDS_HI, nth);
    let clt = fma_c0(m, cl, TWO_THIRDS_HI);
    let t2 = fma_c(m, ch, TWO_THIRDS_LO, clt);
    let tl = m.add(t1, t2);
    let chzh = m.mul(ch, zh);
    let pt = horner(m, zh, &POW_T);
    let tail = m.mul(chzh, pt);
    let s2 = mul_c(m, 2.0, sh);
    let (h1, e1) = fast_two_sum(m, s2, th);
    let kl = fma_c0(m, k, LN2_HI);
    let (h2, e2) = two_sum(m, kl, h1);
    let ee = m.add(e1, e2);
    let sl2 = mul_c(m, 2.0, sl);
    let kk = fma_c(m, k, LN2_LO, sl2);
    let tt = m.add(tl, tail);
    let kt = m.add(kk, tt);
    let lo = m.add(ee, kt);
    let (lh, ll) = fast_two_sum(m, h2, lo);
    // y * log(ax)
    let ph = m.mul(y, lh);
    let nph = m.neg(ph);
    let p1 = m.fma(y, lh, nph);
    let yll = m.mul(y, ll);
    let pl = m.add(p1, yll);
    let pc = clamp_hi(m, ph, 710.0);
    let pc = clamp_lo(m, pc, -746.0);
    let same = m.cmp(Cmp::Eq, pc, ph);
    let zero = m.fconst(0.0);
    let pl = m.select(same, pl, zero);
    let (n, r) = exp_reduce(m, pc);
    let r = m.add(r, pl);
    let e = expm1_poly(m, r);
    let p = rsub_c_add(m, 1.0, e);
    let ni = m.fcvt_int(n);
    scale_pow2(m, p, ni)
}

/// `x^y` with the C99/NumPy special cases: `pow(x, ±0) = 1` (even nan), `pow(1, y) = 1`
/// (even nan), nan otherwise propagates, a negative finite base with a non-integer
/// exponent gives nan, odd integer exponents keep the sign of a negative base, and the
/// ±0/±inf cases of C99 Annex F. Core: [`pow_core`] on `|x|`.
#[inline(always)]
pub fn pow<M: FloatOps>(m: &mut M, x: M::F, y: M::F) -> M::F {
    let ax = m.abs(x);
    let ay = m.abs(y);
    let yt = m.trunc(y);
    let y_int = m.cmp(Cmp::Eq, y, yt);
    let hy = mul_c(m, 0.5, y);
    let hyt = m.trunc(hy);
    let hodd = m.cmp(Cmp::Ne, hy, hyt);
    let y_odd = m.and(y_int, hodd);
    let core = pow_core(m, ax, y);
    let neg = cmp_c(m, Cmp::Lt, x, 0.0);
    let ncore = m.neg(core);
    let negodd = m.and(neg, y_odd);
    let r = m.select(negodd, ncore, core);
    let nonint = m.not(y_int);
    let negnonint = m.and(neg, nonint);
    let nan = m.fconst(f64::NAN);
    let r = m.select(negnonint, nan, r);
    // x = ±0
    let yneg = cmp_c(m, Cmp::Lt, y, 0.0);
    let zr = select_c(m, yneg, f64::INFINITY, 0.0);
    let zrs = m.copysign(zr, x);
    let zr = m.select(y_odd, zrs, zr);
    let x0 = cmp_c(m, Cmp::Eq, ax, 0.0);
    let r = m.select(x0, zr, r);
    // x = ±inf
    let ir = select_c(m, yneg, 0.0, f64::INFINITY);
    let irs = m.copysign(ir, x);
    let ir = m.select(y_odd, irs, ir);
    let xinf = cmp_c(m, Cmp::Eq, ax, f64::INFINITY);
    let r = m.select(xinf, ir, r);
    // y = ±inf: (ax < 1) == (y < 0) is "not (a xor b)"
    let alt1 = cmp_c(m, Cmp::Lt, ax, 1.0);
    let both = m.and(alt1, yneg);
    let nalt1 = m.not(alt1);
    let nyneg = m.not(yneg);
    let neither = m.and(nalt1, nyneg);
    let eq = m.or(both, neither);
    let yr = select_c(m, eq, f64::INFINITY, 0.0);
    let a1 = cmp_c(m, Cmp::Eq, ax, 1.0);
    let one = m.fconst(1.0);
    let yr = m.select(a1, one, yr);
    let yinf = cmp_c(m, Cmp::Eq, ay, f64::INFINITY);
    let r = m.select(yinf, yr, r);
    let xn = m.is_nan(x);
    let yn = m.is_nan(y);
    let anyn = m.or(xn, yn);
    let r = m.select(anyn, nan, r);
    let y0 = cmp_c(m, Cmp::Eq, y, 0.0);
    let r = m.select(y0, one, r);
    let x1 = cmp_c(m, Cmp::Eq, x, 1.0);
    m.select(x1, one, r)
}

// ---------------------------------------------------------------------------------------
// cbrt, nextafter
// ---------------------------------------------------------------------------------------

/// `cbrt t ~ P(t)` on `[1, 2)`: the initial approximation of [`cbrt`] (degree 3, weighted
/// least squares; max relative error 2^-13.5).
pub const CBRT_P: [f64; 4] = [
    0.55383528174604,
    0.5849532473614417,
    -0.1614776534167284,
    0.022771279267478507,
];
const CBRT_2: f64 = 1.2599210498948732;
const CBRT_4: f64 = 1.5874010519681996;

/// Cube root, correctly rounded except possibly within 2^-90 relative of a rounding
/// midpoint (exact for perfect cubes). `|x| = 2^(3q) * a` with `a` in `[1, 8)`
/// (subnormals scaled by 2^54 first): `y = P(m) * cbrt(2^r)` ([`CBRT_P`], `a = m * 2^r`,
/// about 13 bits), two Halley steps `y (y^3 + 2a) / (2y^3 + a)` (to a few ulps), then one
/// Newton step on the exact residual `a - y^3` (`y^2` and `y^3` as double-doubles by fma),
/// whose quadratic convergence leaves an error of about 2^-100 before the final rounding
/// of `y + (a - y^3) / (3 y^2)`; the result is `2^q y` with the sign of `x`. ±0, ±inf and
/// nan return `x`.
#[inline(always)]
pub fn cbrt<M: FloatOps>(m: &mut M, x: M::F) -> M::F {
    let ax = m.abs(x);
    let sub = cmp_c(m, Cmp::Lt, ax, TWO_M1022);
    let xs0 = fma_c0(m, ax, TWO_54);
    let xs = m.select(sub, xs0, ax);
    let bits = m.bitcast_int(xs);
    let eb = m.sshr(bits, 52);
    let (a1077, a1023) = (m.iconst(-1077), m.iconst(-1023));
    let bias = m.iselect(sub, a1077, a1023);
    let e = m.iadd(eb, bias);
    let ef = m.fcvt_float(e);
    let third = mul_c(m, 1.0 / 3.0, ef);
    let q = m.floor(third);
    let r = fma_c(m, q, -3.0, ef);
    let mask = m.iconst(0x000F_FFFF_FFFF_FFFF);
    let mant = m.iand(bits, mask);
    let one_bits = m.iconst(0x3FF0_0000_0000_0000);
    let mb = m.iadd(mant, one_bits);
    let mm = m.bitcast_float(mb);
    // a = mm * 2^r in [1, 8), y ~ cbrt(a).
    let r0 = cmp_c(m, Cmp::Eq, r, 0.0);
    let r1 = cmp_c(m, Cmp::Eq, r, 1.0);
    let sc = select_c(m, r1, 2.0, 4.0);
    let one = m.fconst(1.0);
    let sc = m.select(r0, one, sc);
    let a = m.mul(mm, sc);
    let c = select_c(m, r1, CBRT_2, CBRT_4);
    let c = m.select(r0, one, c);
    let p = horner(m, mm, &CBRT_P);
    let mut y = m.mul(p, c);
    let two_a = mul_c(m, 2.0, a);
    for _ in 0..2 {
        let y2 = m.mul(y, y);
        let y3 = m.mul(y2, y);
        let num = m.add(y3, two_a);
        let den = fma_c(m, y3, 2.0, a);
        let f = m.div(num, den);
        y = m.mul(y, f);
    }
    // Newton on the exact residual: y^3 = y3 + y3e + y2e*y.
    let y2 = m.mul(y, y);
    let ny2 = m.neg(y2);
    let y2e = m.fma(y, y, ny2);
    let y3 = m.mul(y2, y);
    let ny3 = m.neg(y3);
    let y3e = m.fma(y2, y, ny3);
    let res = m.sub(a, y3);
    let res = m.sub(res, y3e);
    let ny2e = m.neg(y2e);
    let res = m.fma(ny2e, y, res);
    let d = mul_c(m, 3.0, y2);
    let corr = m.div(res, d);
    let y = m.add(y, corr);
    let qi = m.fcvt_int(q);
    let s = pow2i(m, qi);
    let r = m.mul(y, s);
    let r = m.copysign(r, x);
    let z = cmp_c(m, Cmp::Eq, ax, 0.0);
    let fin = cmp_c(m, Cmp::Lt, ax, f64::INFINITY);
    let nfin = m.not(fin);
    let special = m.or(z, nfin);
    m.select(special, x, r)
}

/// The next value after `x` in the direction of `y`, in a binary format with `mant`
/// fraction bits, smallest normal exponent `emin`, smallest subnormal `tiny` and largest
/// finite `max`, whose values are held exactly in f64 (f64 itself, or f32). One ulp of
/// the format is added or subtracted in f64 (exact): `2^(max(e, emin) - mant)`, halved
/// when stepping toward zero from a power of two `2^e` with `e > emin`, and the sign of
/// `x` kept (so `nextafter(-tiny, 0)` is `-0.0`, as bit stepping gives). `x == y` gives
/// `y` (NumPy and C: `nextafter(0.0, -0.0)` is `-0.0`), nan in either gives nan, `±0`
/// gives `±tiny` with the sign of `y`, `±inf` gives `±max`.
#[inline(always)]
fn nextafter_fmt<M: FloatOps>(
    m: &mut M,
    x: M::F,
    y: M::F,
    mant: i64,
    emin: i64,
    tiny: f64,
    max: f64,
) -> M::F {
    let ax = m.abs(x);
    let bits = m.bitcast_int(ax);
    let eb = m.sshr(bits, 52);
    let bias = m.iconst(1023);
    let e = m.isub(eb, bias);
    let lo = m.iconst(emin);
    let below = m.icmp(ICmp::Lt, e, lo);
    let ec = m.iselect(below, lo, e);
    let p = pow2i(m, ec);
    let up = mul_c(m, f64::from_bits(((1023 - mant) as u64) << 52), p);
    let fmask = m.iconst(0x000F_FFFF_FFFF_FFFF);
    let frac = m.iand(bits, fmask);
    let zero = m.iconst(0);
    let is_pow2 = m.icmp(ICmp::Eq, frac, zero);
    let above = m.icmp(ICmp::Gt, e, lo);
    let halve = m.and(is_pow2, above);
    let half = mul_c(m, 0.5, up);
    let down = m.select(halve, half, up);
    // Away from zero when x > 0 and y > x, or x < 0 and y < x.
    let pos = cmp_c(m, Cmp::Gt, x, 0.0);
    let toward_y = m.cmp(Cmp::Gt, y, x);
    let both = m.and(pos, toward_y);
    let npos = m.not(pos);
    let ntow = m.not(toward_y);
    let neither = m.and(npos, ntow);
    let away = m.or(both, neither);
    let step = m.select(away, up, down);
    let dir = m.sub(y, x);
    let step = m.copysign(step, dir);
    let r = m.add(x, step);
    // One step from a non-zero x never changes its sign (-tiny toward 0 is -0.0).
    let r = m.copysign(r, x);
    let t = m.fconst(tiny);
    let t = m.copysign(t, y);
    let x0 = cmp_c(m, Cmp::Eq, ax, 0.0);
    let r = m.select(x0, t, r);
    let mx = m.fconst(max);
    let mx = m.copysign(mx, x);
    let xinf = cmp_c(m, Cmp::Eq, ax, f64::INFINITY);
    let r = m.select(xinf, mx, r);
    let eq = m.cmp(Cmp::Eq, x, y);
    let r = m.select(eq, y, r);
    let xn = m.is_nan(x);
    let yn = m.is_nan(y);
    let anyn = m.or(xn, yn);
    let nan = m.add(x, y);
    m.select(anyn, nan, r)
}

/// IEEE `nextafter` on f64 (see `nextafter_fmt`): the f64 next to `x` toward `y`.
#[inline(always)]
pub fn nextafter<M: FloatOps>(m: &mut M, x: M::F, y: M::F) -> M::F {
    nextafter_fmt(m, x, y, 52, -1022, 5e-324, f64::MAX)
}

/// IEEE `nextafter` on f32 values held in f64: the f32 next to `x` toward `y` (one f32
/// ulp, not an f64 one; the result is exactly an f32, or 2^128 for `nextafter(MAX, inf)`,
/// which rounds to inf in f32).
#[inline(always)]
pub fn nextafter32<M: FloatOps>(m: &mut M, x: M::F, y: M::F) -> M::F {
    nextafter_fmt(m, x, y, 23, -126, 1.401298464324817e-45, f32::MAX as f64)
}

// ---------------------------------------------------------------------------------------
// Exact functions
// ---------------------------------------------------------------------------------------

/// NumPy `sign`: 1 for x > 0, -1 for x < 0, +0.0 for ±0 (NumPy 2 gives `sign(-0.0) ==
/// 0.0`), nan for nan.
#[inline(always)]
pub fn sign<M: FloatOps>(m: &mut M, x: M::F) -> M::F {
    let z = cmp_c(m, Cmp::Eq, x, 0.0);
    let zero = m.fconst(0.0);
    let r = m.select(z, zero, x);
    let lt = cmp_c(m, Cmp::Lt, x, 0.0);
    let m1 = m.fconst(-1.0);
    let r = m.select(lt, m1, r);
    let gt = cmp_c(m, Cmp::Gt, x, 0.0);
    let p1 = m.fconst(1.0);
    m.select(gt, p1, r)
}

/// NumPy `minimum`: `(a < b || a is nan) ? a : b` — nan propagates; for equal values
/// (including `-0.0` vs `0.0`) the second argument is returned, as NumPy does.
#[inline(always)]
pub fn minimum<M: FloatOps>(m: &mut M, a: M::F, b: M::F) -> M::F {
    let lt = m.cmp(Cmp::Lt, a, b);
    let n = m.is_nan(a);
    let c = m.or(lt, n);
    m.select(c, a, b)
}

/// NumPy `maximum`: `(a > b || a is nan) ? a : b` (see [`minimum`]).
#[inline(always)]
pub fn maximum<M: FloatOps>(m: &mut M, a: M::F, b: M::F) -> M::F {
    let gt = m.cmp(Cmp::Gt, a, b);
    let n = m.is_nan(a);
    let c = m.or(gt, n);
    m.select(c, a, b)
}

/// NumPy `clip(x, lo, hi)` = `minimum(maximum(x, lo), hi)`.
#[inline(always)]
pub fn clip<M: FloatOps>(m: &mut M, x: M::F, lo: M::F, hi: M::F) -> M::F {
    let t = maximum(m, x, lo);
    minimum(m, t, hi)
}

/// `fmod` for `|x| < 2^52 |y|` (finite, `y != 0`): `q = trunc(x/y)`, `r = fma(-q, y, x)`
/// (exact), plus `|y|` with the sign of `x` when `x/y` rounded up to the next integer.
#[inline(always)]
pub fn fmod_fast_g<M: FloatOps>(m: &mut M, x: M::F, y: M::F) -> M::F {
    let d = m.div(x, y);
    let q = m.trunc(d);
    let nq = m.neg(q);
    let r = m.fma(nq, y, x);
    let ay = m.abs(y);
    let rnz = cmp_c(m, Cmp::Ne, r, 0.0);
    let rneg = cmp_c(m, Cmp::Lt, r, 0.0);
    let xneg = cmp_c(m, Cmp::Lt, x, 0.0);
    // (r < 0) != (x < 0)
    let a = m.not(xneg);
    let b = m.not(rneg);
    let t1 = m.and(rneg, a);
    let t2 = m.and(b, xneg);
    let differ = m.or(t1, t2);
    let wrong = m.and(rnz, differ);
    let ays = m.copysign(ay, x);
    let rf = m.add(r, ays);
    let r = m.select(wrong, rf, r);
    let r0 = cmp_c(m, Cmp::Eq, r, 0.0);
    let zero = m.fconst(0.0);
    let sz = m.copysign(zero, x);
    m.select(r0, sz, r)
}

/// [`fmod_fast_g`] on `f64`.
#[inline(always)]
pub fn fmod_fast(x: f64, y: f64) -> f64 {
    fmod_fast_g(&mut Scalar64, x, y)
}

/// C `fmod(x, y)`: exact `x - trunc(x/y)*y` with the sign of `x`. nan if `x` is inf or
/// nan, or `y` is 0 or nan; `x` if `y` is inf. Fast path [`fmod_fast_g`] when
/// `|x| < 2^52 |y|`, else the cold loop ([`FloatOps::fmod_cold`]).
#[inline(always)]
pub fn fmod<M: FloatOps>(m: &mut M, x: M::F, y: M::F) -> M::F {
    let ax = m.abs(x);
    let ay = m.abs(y);
    // !x.is_finite() == !(|x| < inf) (true for nan)
    let xfin = cmp_c(m, Cmp::Lt, ax, f64::INFINITY);
    let xbad = m.not(xfin);
    let yn = m.is_nan(y);
    let y0 = cmp_c(m, Cmp::Eq, y, 0.0);
    let special = m.or(xbad, yn);
    let special = m.or(special, y0);
    let yinf = cmp_c(m, Cmp::Eq, ay, f64::INFINITY);
    let lim = fma_c0(m, ay, 4503599627370496.0);
    let fast_ok = m.cmp(Cmp::Lt, ax, lim);
    let fast = fmod_fast_g(m, x, y);
    let a = m.or(special, yinf);
    let a = m.or(a, fast_ok);
    let slow = m.not(a);
    let r = m.fmod_cold(slow, x, y, fast);
    let r = m.select(yinf, x, r);
    let nan = m.fconst(f64::NAN);
    m.select(special, nan, r)
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

/// Long-quotient path of fmod (`|x| >= 2^52 |y|`, finite, `y != 0`): repeatedly reduces
/// `x` modulo `|y| * 2^e` (an exact multiple of `y`, quotient below 2^53) with
/// [`fmod_fast`].
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
            ys *= f64::from_bits(((step as i64 + 1023) as u64) << 52);
            e -= step;
        }
        ax = fmod_fast(ax, ys);
    }
    fmod_fast(ax, ay).copysign(x)
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
    let (hi, lo) = fast_two_sum(&mut Scalar64, rh, rl);
    let n = (n & 3) as f64;
    if x < 0.0 {
        (-n, -hi, -lo)
    } else {
        (n, hi, lo)
    }
}

// ---------------------------------------------------------------------------------------
// f64 entry points (the generic functions on [`Scalar64`])
// ---------------------------------------------------------------------------------------

/// True when the CPU has fused multiply-add instructions (detected once, then cached).
/// `mul_add` is exactly rounded either way; with the instruction it is inline instead of
/// a call to the platform's software `fma`, which made the polynomials several times
/// slower.
#[inline]
fn has_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

macro_rules! f64_unary {
    ($($name:ident => $g:ident),* $(,)?) => {$(
        #[doc = concat!("[`", stringify!($g), "`] on `f64` (with the FMA instruction when the CPU has it; the same bits).")]
        #[inline]
        pub fn $name(x: f64) -> f64 {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "fma")]
                fn with_fma(x: f64) -> f64 {
                    $g(&mut Scalar64, x)
                }
                if has_fma() {
                    // SAFETY: the CPU supports the `fma` feature (checked above).
                    return unsafe { with_fma(x) };
                }
            }
            $g(&mut Scalar64, x)
        }
    )*};
}

macro_rules! f64_binary {
    ($($name:ident => $g:ident),* $(,)?) => {$(
        #[doc = concat!("[`", stringify!($g), "`] on `f64` (with the FMA instruction when the CPU has it; the same bits).")]
        #[inline]
        pub fn $name(x: f64, y: f64) -> f64 {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "fma")]
                fn with_fma(x: f64, y: f64) -> f64 {
                    $g(&mut Scalar64, x, y)
                }
                if has_fma() {
                    // SAFETY: the CPU supports the `fma` feature (checked above).
                    return unsafe { with_fma(x, y) };
                }
            }
            $g(&mut Scalar64, x, y)
        }
    )*};
}

f64_unary!(
    exp_f64 => exp,
    expm1_f64 => expm1,
    log_f64 => log,
    log1p_f64 => log1p,
    log2_f64 => log2,
    log10_f64 => log10,
    sin_f64 => sin,
    cos_f64 => cos,
    tan_f64 => tan,
    arcsin_f64 => arcsin,
    arccos_f64 => arccos,
    arctan_f64 => arctan,
    sinh_f64 => sinh,
    cosh_f64 => cosh,
    tanh_f64 => tanh,
    arcsinh_f64 => arcsinh,
    arccosh_f64 => arccosh,
    arctanh_f64 => arctanh,
    sign_f64 => sign,
    cbrt_f64 => cbrt,
);

f64_binary!(
    arctan2_f64 => arctan2,
    hypot_f64 => hypot,
    pow_f64 => pow,
    fmod_f64 => fmod,
    minimum_f64 => minimum,
    maximum_f64 => maximum,
    nextafter_f64 => nextafter,
);

/// NumPy `clip` on `f64` ([`clip`]).
#[inline]
pub fn clip_f64(x: f64, lo: f64, hi: f64) -> f64 {
    clip(&mut Scalar64, x, lo, hi)
}

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

/// Magnitude of `x` with the sign of `y` (bit operation).
#[inline]
pub fn copysign_f64(x: f64, y: f64) -> f64 {
    x.copysign(y)
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
    cbrt_f32 => cbrt_f64,
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

/// f32 `nextafter`: the f32 next to `x` toward `y` ([`nextafter32`], exact in f64; an
/// f32 ulp, never an f64 one).
#[inline]
pub fn nextafter_f32(x: f32, y: f32) -> f32 {
    nextafter32(&mut Scalar64, x as f64, y as f64) as f32
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
