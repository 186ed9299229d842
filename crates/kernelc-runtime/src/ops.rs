//! One definition of every scalar operation that both executors share.
//!
//! The interpreter calls these functions directly; the code generator emits the same
//! sequence of operations as Cranelift IR, so both give the same bits. Every function
//! here is total (no panics): operations that are runtime errors in the language
//! (integer division by zero, negative integer power, bad float-to-int cast) return
//! `None` and the caller turns that into an error value.
//!
//! Semantics follow NumPy 2 (checked against NumPy 2.4 on x86-64; the expected values in
//! the unit tests were produced by running NumPy once):
//!
//! * integer `//` and `%` round toward negative infinity (Python); `MIN // -1` wraps to
//!   `MIN` and `MIN % -1` is `0`, as NumPy.
//! * float `//` and `%` are NumPy's `npy_floor_divide` / `npy_remainder`, both built on
//!   `npy_divmod` (fmod based, see [`divmod_f64`]).
//! * shifts: a shift count outside `0..bits` (including negative counts) gives `0` for
//!   `<<`, and `0` or `-1` (the sign) for `>>`. NumPy defines this explicitly in
//!   `npy_lshift`/`npy_rshift` (it casts the count to an unsigned type and compares it with
//!   the bit width), so it is the same on every platform, not just x86.
//! * integer `**` is wrapping square-and-multiply; a negative exponent is an error.

use crate::math::fmod_f64;

// ---------------------------------------------------------------------------------------
// Integer floor division and modulo (Python semantics)
// ---------------------------------------------------------------------------------------

/// Python floor division `a // b` on i64. `None` when `b == 0`; `i64::MIN // -1` wraps to
/// `i64::MIN` (NumPy).
#[inline]
pub fn floordiv_i64(a: i64, b: i64) -> Option<i64> {
    if b == 0 {
        return None;
    }
    let q = a.wrapping_div(b);
    let r = a.wrapping_rem(b);
    // Truncated quotient is one too big when the remainder is non-zero and the signs of
    // remainder and divisor differ.
    Some(if r != 0 && ((r < 0) != (b < 0)) {
        q.wrapping_sub(1)
    } else {
        q
    })
}

/// Python modulo `a % b` on i64 (result has the sign of `b`). `None` when `b == 0`;
/// `i64::MIN % -1` is `0`.
#[inline]
pub fn mod_i64(a: i64, b: i64) -> Option<i64> {
    if b == 0 {
        return None;
    }
    let r = a.wrapping_rem(b);
    Some(if r != 0 && ((r < 0) != (b < 0)) {
        r.wrapping_add(b)
    } else {
        r
    })
}

/// Python floor division on i32 (see [`floordiv_i64`]); `i32::MIN // -1` wraps.
#[inline]
pub fn floordiv_i32(a: i32, b: i32) -> Option<i32> {
    if b == 0 {
        return None;
    }
    let q = a.wrapping_div(b);
    let r = a.wrapping_rem(b);
    Some(if r != 0 && ((r < 0) != (b < 0)) {
        q.wrapping_sub(1)
    } else {
        q
    })
}

/// Python modulo on i32 (see [`mod_i64`]).
#[inline]
pub fn mod_i32(a: i32, b: i32) -> Option<i32> {
    if b == 0 {
        return None;
    }
    let r = a.wrapping_rem(b);
    Some(if r != 0 && ((r < 0) != (b < 0)) {
        r.wrapping_add(b)
    } else {
        r
    })
}

// ---------------------------------------------------------------------------------------
// Float floor division and remainder (NumPy npy_divmod)
// ---------------------------------------------------------------------------------------

/// NumPy's `npy_divmod` for f64: returns `(floor_divide(a, b), remainder(a, b))`.
///
/// Algorithm (exactly NumPy's):
/// ```text
/// mod = fmod(a, b)                        // exact
/// if b == 0: return (a / b, mod)           // (±inf or nan, nan)
/// div = (a - mod) / b                      // nearly an integer
/// if mod != 0:                             // (nan counts as non-zero)
///     if (b < 0) != (mod < 0): mod += b; div -= 1
/// else: mod = copysign(0, b)
/// if div != 0:
///     floordiv = floor(div); if div - floordiv > 0.5: floordiv += 1
/// else: floordiv = copysign(0, a / b)
/// ```
#[inline]
pub fn divmod_f64(a: f64, b: f64) -> (f64, f64) {
    let mut m = fmod_f64(a, b);
    if b == 0.0 {
        return (a / b, m);
    }
    let mut div = (a - m) / b;
    if m != 0.0 || m.is_nan() {
        if (b < 0.0) != (m < 0.0) {
            m += b;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(b);
    }
    let fd = if div != 0.0 || div.is_nan() {
        let f = div.floor();
        if div - f > 0.5 {
            f + 1.0
        } else {
            f
        }
    } else {
        0.0f64.copysign(a / b)
    };
    (fd, m)
}

/// NumPy `floor_divide` on f64 (`a // b`): division by zero gives `a / b` (±inf or nan).
#[inline]
pub fn floordiv_f64(a: f64, b: f64) -> f64 {
    divmod_f64(a, b).0
}

/// NumPy `remainder` on f64 (`a % b`, sign of the divisor): `fmod(a, 0)` = nan for `b == 0`.
#[inline]
pub fn remainder_f64(a: f64, b: f64) -> f64 {
    divmod_f64(a, b).1
}

/// NumPy's `npy_divmod` for f32, evaluated entirely in f32 (same steps as [`divmod_f64`];
/// the fmod is exact, computed through f64).
#[inline]
pub fn divmod_f32(a: f32, b: f32) -> (f32, f32) {
    let mut m = fmod_f64(a as f64, b as f64) as f32;
    if b == 0.0 {
        return (a / b, m);
    }
    let mut div = (a - m) / b;
    if m != 0.0 || m.is_nan() {
        if (b < 0.0) != (m < 0.0) {
            m += b;
            div -= 1.0;
        }
    } else {
        m = 0.0f32.copysign(b);
    }
    let fd = if div != 0.0 || div.is_nan() {
        let f = div.floor();
        if div - f > 0.5 {
            f + 1.0
        } else {
            f
        }
    } else {
        0.0f32.copysign(a / b)
    };
    (fd, m)
}

/// NumPy `floor_divide` on f32.
#[inline]
pub fn floordiv_f32(a: f32, b: f32) -> f32 {
    divmod_f32(a, b).0
}

/// NumPy `remainder` on f32.
#[inline]
pub fn remainder_f32(a: f32, b: f32) -> f32 {
    divmod_f32(a, b).1
}

/// True division of two i64 values (`/` on ints gives f64): both are converted to f64
/// (round to nearest) and divided.
#[inline]
pub fn truediv_i64(a: i64, b: i64) -> f64 {
    a as f64 / b as f64
}

// ---------------------------------------------------------------------------------------
// Powers
// ---------------------------------------------------------------------------------------

/// Integer power `base ** exp` on i64 with wrapping multiplication (square-and-multiply,
/// as NumPy). `None` for a negative exponent. `0 ** 0 == 1`.
#[inline]
pub fn ipow_i64(base: i64, exp: i64) -> Option<i64> {
    if exp < 0 {
        return None;
    }
    let mut result: i64 = 1;
    let mut b = base;
    let mut e = exp as u64;
    while e != 0 {
        if e & 1 == 1 {
            result = result.wrapping_mul(b);
        }
        e >>= 1;
        if e != 0 {
            b = b.wrapping_mul(b);
        }
    }
    Some(result)
}

/// Integer power on i32 (wrapping square-and-multiply); `None` for a negative exponent.
#[inline]
pub fn ipow_i32(base: i32, exp: i32) -> Option<i32> {
    if exp < 0 {
        return None;
    }
    let mut result: i32 = 1;
    let mut b = base;
    let mut e = exp as u32;
    while e != 0 {
        if e & 1 == 1 {
            result = result.wrapping_mul(b);
        }
        e >>= 1;
        if e != 0 {
            b = b.wrapping_mul(b);
        }
    }
    Some(result)
}

/// `x ** n` for an integer *literal* exponent `n` in `0..=4`, which the language defines
/// as repeated multiplication in this exact order: `0 -> 1`, `1 -> x`, `2 -> x*x`,
/// `3 -> (x*x)*x`, `4 -> (x*x)*(x*x)`. Other `n` fall back to [`crate::math::pow_f64`].
#[inline]
pub fn powi_small_f64(x: f64, n: i64) -> f64 {
    match n {
        0 => 1.0,
        1 => x,
        2 => x * x,
        3 => (x * x) * x,
        4 => {
            let x2 = x * x;
            x2 * x2
        }
        _ => crate::math::pow_f64(x, n as f64),
    }
}

/// f32 version of [`powi_small_f64`] (same multiplication order, in f32).
#[inline]
pub fn powi_small_f32(x: f32, n: i64) -> f32 {
    match n {
        0 => 1.0,
        1 => x,
        2 => x * x,
        3 => (x * x) * x,
        4 => {
            let x2 = x * x;
            x2 * x2
        }
        _ => crate::math::pow_f32(x, n as f32),
    }
}

// ---------------------------------------------------------------------------------------
// Shifts
// ---------------------------------------------------------------------------------------

/// `a << b` on i64 as NumPy: a count outside `0..64` (negative or >= 64) gives 0.
#[inline]
pub fn shl_i64(a: i64, b: i64) -> i64 {
    if (b as u64) < 64 {
        a.wrapping_shl(b as u32)
    } else {
        0
    }
}

/// `a >> b` on i64 (arithmetic) as NumPy: a count outside `0..64` gives `-1` for negative
/// `a` and `0` otherwise.
#[inline]
pub fn shr_i64(a: i64, b: i64) -> i64 {
    if (b as u64) < 64 {
        a >> b
    } else if a < 0 {
        -1
    } else {
        0
    }
}

/// `a << b` on i32 as NumPy: a count outside `0..32` gives 0.
#[inline]
pub fn shl_i32(a: i32, b: i32) -> i32 {
    if (b as u32) < 32 {
        a.wrapping_shl(b as u32)
    } else {
        0
    }
}

/// `a >> b` on i32 (arithmetic) as NumPy: a count outside `0..32` gives the sign (-1 or 0).
#[inline]
pub fn shr_i32(a: i32, b: i32) -> i32 {
    if (b as u32) < 32 {
        a >> b
    } else if a < 0 {
        -1
    } else {
        0
    }
}

// ---------------------------------------------------------------------------------------
// The narrow and unsigned integer types (i8 i16 u8 u16 u32 u64)
// ---------------------------------------------------------------------------------------

/// `base ** exp` by squaring, wrapping, on the unsigned integer type `$ut`.
macro_rules! wrapping_pow {
    ($ut:ty, $base:expr, $exp:expr) => {{
        let mut result: $ut = 1;
        let mut b: $ut = $base;
        let mut e: $ut = $exp;
        while e != 0 {
            if e & 1 == 1 {
                result = result.wrapping_mul(b);
            }
            e >>= 1;
            if e != 0 {
                b = b.wrapping_mul(b);
            }
        }
        result
    }};
}

/// Floor division, modulo, power and shifts of a signed integer type, with the meaning of
/// the i64 versions above (Python rounding, `MIN // -1` wraps, NumPy's shift counts).
macro_rules! signed_ops {
    ($t:ty, $ut:ty, $floordiv:ident, $mod:ident, $pow:ident, $shl:ident, $shr:ident) => {
        #[doc = concat!("Python floor division on ", stringify!($t), " (`None` by zero).")]
        #[inline]
        pub fn $floordiv(a: $t, b: $t) -> Option<$t> {
            if b == 0 {
                return None;
            }
            let q = a.wrapping_div(b);
            let r = a.wrapping_rem(b);
            Some(if r != 0 && ((r < 0) != (b < 0)) {
                q.wrapping_sub(1)
            } else {
                q
            })
        }
        #[doc = concat!("Python modulo on ", stringify!($t), " (`None` by zero).")]
        #[inline]
        pub fn $mod(a: $t, b: $t) -> Option<$t> {
            if b == 0 {
                return None;
            }
            let r = a.wrapping_rem(b);
            Some(if r != 0 && ((r < 0) != (b < 0)) {
                r.wrapping_add(b)
            } else {
                r
            })
        }
        #[doc = concat!("Wrapping integer power on ", stringify!($t), " (`None`: negative exponent).")]
        #[inline]
        pub fn $pow(base: $t, exp: $t) -> Option<$t> {
            if exp < 0 {
                return None;
            }
            // Wrapping products have the same bits on the unsigned type.
            Some(wrapping_pow!($ut, base as $ut, exp as $ut) as $t)
        }
        #[doc = concat!("`a << b` on ", stringify!($t), ": a count outside `0..bits` gives 0.")]
        #[inline]
        pub fn $shl(a: $t, b: $t) -> $t {
            if (b as $ut) < <$t>::BITS as $ut {
                a.wrapping_shl(b as u32)
            } else {
                0
            }
        }
        #[doc = concat!("`a >> b` on ", stringify!($t), " (arithmetic): a count outside `0..bits` gives the sign.")]
        #[inline]
        pub fn $shr(a: $t, b: $t) -> $t {
            if (b as $ut) < <$t>::BITS as $ut {
                a >> b
            } else if a < 0 {
                -1
            } else {
                0
            }
        }
    };
}

signed_ops!(i8, u8, floordiv_i8, mod_i8, ipow_i8, shl_i8, shr_i8);
signed_ops!(i16, u16, floordiv_i16, mod_i16, ipow_i16, shl_i16, shr_i16);

/// The same operations on an unsigned type: `//` and `%` are the plain unsigned ones
/// (`None` by zero), `**` wraps (no exponent is negative), `>>` is logical and a count of
/// `bits` or more gives 0 for both shifts.
macro_rules! unsigned_ops {
    ($t:ty, $floordiv:ident, $mod:ident, $pow:ident, $shl:ident, $shr:ident) => {
        #[doc = concat!("Floor division on ", stringify!($t), " (`None` by zero).")]
        #[inline]
        pub fn $floordiv(a: $t, b: $t) -> Option<$t> {
            a.checked_div(b)
        }
        #[doc = concat!("Modulo on ", stringify!($t), " (`None` by zero).")]
        #[inline]
        pub fn $mod(a: $t, b: $t) -> Option<$t> {
            a.checked_rem(b)
        }
        #[doc = concat!("Wrapping integer power on ", stringify!($t), ".")]
        #[inline]
        pub fn $pow(base: $t, exp: $t) -> Option<$t> {
            Some(wrapping_pow!($t, base, exp))
        }
        #[doc = concat!("`a << b` on ", stringify!($t), ": a count of `bits` or more gives 0.")]
        #[inline]
        pub fn $shl(a: $t, b: $t) -> $t {
            if b < <$t>::BITS as $t {
                a << b
            } else {
                0
            }
        }
        #[doc = concat!("`a >> b` on ", stringify!($t), " (logical): a count of `bits` or more gives 0.")]
        #[inline]
        pub fn $shr(a: $t, b: $t) -> $t {
            if b < <$t>::BITS as $t {
                a >> b
            } else {
                0
            }
        }
    };
}

unsigned_ops!(u8, floordiv_u8, mod_u8, ipow_u8, shl_u8, shr_u8);
unsigned_ops!(u16, floordiv_u16, mod_u16, ipow_u16, shl_u16, shr_u16);
unsigned_ops!(u32, floordiv_u32, mod_u32, ipow_u32, shl_u32, shr_u32);
unsigned_ops!(u64, floordiv_u64, mod_u64, ipow_u64, shl_u64, shr_u64);

/// f64 to an integer type given by its range `[lo, hi]` (exact in f64 for every type but
/// the 64-bit ones, whose bounds `2^63`/`2^64` are exact powers of two): the value
/// truncated toward zero, as an i128; `None` for nan or when the truncated value is outside
/// the range (a runtime error in the language, for every integer type).
#[inline]
pub fn f64_to_int_checked(x: f64, lo: i128, hi: i128) -> Option<i128> {
    // trunc(x) >= lo  <=>  x > lo - 1 (or x == lo when lo - 1 rounds to lo, for i64);
    // trunc(x) <= hi  <=>  x < hi + 1.
    let (lo_m1, lo, hi) = ((lo - 1) as f64, lo as f64, (hi + 1) as f64);
    if (x > lo_m1 || x == lo) && x < hi {
        Some(x as i128)
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------
// Casts
// ---------------------------------------------------------------------------------------

/// f64 -> i64, truncating toward zero. `None` for nan or when the truncated value is
/// outside `[-2^63, 2^63)` (a runtime error in the language).
#[inline]
pub fn f64_to_i64(x: f64) -> Option<i64> {
    // Both bounds are exact powers of two; comparisons on x itself are equivalent to
    // comparisons on trunc(x) here.
    if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&x) {
        Some(x as i64)
    } else {
        None
    }
}

/// f64 -> i32, truncating toward zero. `None` for nan or when the truncated value is
/// outside `[-2^31, 2^31 - 1]`, i.e. unless `-2^31 - 1 < x < 2^31`.
#[inline]
pub fn f64_to_i32(x: f64) -> Option<i32> {
    if x > -2_147_483_649.0 && x < 2_147_483_648.0 {
        Some(x as i32)
    } else {
        None
    }
}

/// f32 -> i64, truncating toward zero; `None` for nan or out of range (see [`f64_to_i64`]).
#[inline]
pub fn f32_to_i64(x: f32) -> Option<i64> {
    f64_to_i64(x as f64)
}

/// f32 -> i32, truncating toward zero; `None` for nan or out of range (see [`f64_to_i32`]).
#[inline]
pub fn f32_to_i32(x: f32) -> Option<i32> {
    f64_to_i32(x as f64)
}

/// i64 -> i32, wrapping (keeps the low 32 bits), as NumPy's `astype`.
#[inline]
pub fn i64_to_i32(x: i64) -> i32 {
    x as i32
}

/// i32 -> i64 (sign extension, exact).
#[inline]
pub fn i32_to_i64(x: i32) -> i64 {
    x as i64
}

/// i64 -> f64, round to nearest even (exact below 2^53).
#[inline]
pub fn i64_to_f64(x: i64) -> f64 {
    x as f64
}

/// i64 -> f32, round to nearest even (one rounding, not via f64).
#[inline]
pub fn i64_to_f32(x: i64) -> f32 {
    x as f32
}

/// f64 -> f32, round to nearest even (overflow gives ±inf).
#[inline]
pub fn f64_to_f32(x: f64) -> f32 {
    x as f32
}

/// Any i64 to bool: non-zero is true.
#[inline]
pub fn i64_to_bool(x: i64) -> bool {
    x != 0
}

/// f64 to bool: non-zero is true; nan is true (Python/NumPy), ±0 is false.
#[inline]
pub fn f64_to_bool(x: f64) -> bool {
    x != 0.0
}

/// f32 to bool: non-zero is true; nan is true, ±0 is false.
#[inline]
pub fn f32_to_bool(x: f32) -> bool {
    x != 0.0
}

/// bool to i64 (`True` is 1).
#[inline]
pub fn bool_to_i64(b: bool) -> i64 {
    b as i64
}

/// bool to f64 (`True` is 1.0).
#[inline]
pub fn bool_to_f64(b: bool) -> f64 {
    if b {
        1.0
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_and_unsigned_ops_follow_numpy() {
        // Expected values from NumPy 2.4.
        assert_eq!(floordiv_i8(-128, -1), Some(-128));
        assert_eq!(mod_i8(-128, -1), Some(0));
        assert_eq!(floordiv_i16(-7, 2), Some(-4));
        assert_eq!(mod_i16(-7, 2), Some(1));
        assert_eq!(floordiv_u8(7, 0), None);
        assert_eq!(ipow_u8(3, 7), Some(139));
        assert_eq!(ipow_i8(2, -1), None);
        assert_eq!(shr_u8(200, 9), 0);
        assert_eq!(shr_i8(-100, 9), -1);
        assert_eq!(shl_u8(200, 1), 144);
        assert_eq!(shr_u64(u64::MAX, 63), 1);
        let (i64lo, i64hi) = (i64::MIN as i128, i64::MAX as i128);
        assert_eq!(
            f64_to_int_checked(-9.2e18, i64lo, i64hi),
            Some(-9_200_000_000_000_000_000)
        );
        assert_eq!(
            f64_to_int_checked(-9_223_372_036_854_775_808.0, i64lo, i64hi),
            Some(i64lo)
        );
        assert_eq!(
            f64_to_int_checked(9_223_372_036_854_775_808.0, i64lo, i64hi),
            None
        );
        assert_eq!(f64_to_int_checked(255.9, 0, 255), Some(255));
        assert_eq!(f64_to_int_checked(256.0, 0, 255), None);
        assert_eq!(f64_to_int_checked(-0.9, 0, 255), Some(0));
        assert_eq!(f64_to_int_checked(-1.0, 0, 255), None);
        assert_eq!(f64_to_int_checked(f64::NAN, 0, 255), None);
        let u64hi = u64::MAX as i128;
        assert_eq!(
            f64_to_int_checked(1.8e19, 0, u64hi),
            Some(18_000_000_000_000_000_000)
        );
        assert_eq!(
            f64_to_int_checked(18_446_744_073_709_551_616.0, 0, u64hi),
            None
        );
    }
}
