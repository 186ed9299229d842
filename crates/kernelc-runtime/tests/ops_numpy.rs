//! Scalar operations against NumPy 2.4 (x86-64). Expected values were produced once by
//! running NumPy (e.g. `np.floor_divide(np.array([...]), np.array([...]))`) and are
//! hard-coded here.

#![allow(clippy::excessive_precision)]

use kernelc_runtime::ops::*;

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

#[test]
fn int_floordiv_and_mod() {
    // np.floor_divide(-7, 2) = -4, np.remainder(-7, 2) = 1, np.remainder(7, -2) = -1
    assert_eq!(floordiv_i64(-7, 2), Some(-4));
    assert_eq!(mod_i64(-7, 2), Some(1));
    assert_eq!(mod_i64(7, -2), Some(-1));
    assert_eq!(floordiv_i64(7, -2), Some(-4));
    assert_eq!(floordiv_i64(6, 3), Some(2));
    assert_eq!(mod_i64(-6, 3), Some(0));
    assert_eq!(floordiv_i64(1, 0), None);
    assert_eq!(mod_i64(1, 0), None);
    // np.floor_divide(np.int64(-2**63), -1) = -2**63; remainder = 0
    assert_eq!(floordiv_i64(i64::MIN, -1), Some(i64::MIN));
    assert_eq!(mod_i64(i64::MIN, -1), Some(0));
    assert_eq!(floordiv_i32(i32::MIN, -1), Some(i32::MIN));
    assert_eq!(mod_i32(i32::MIN, -1), Some(0));
    assert_eq!(floordiv_i32(-7, 2), Some(-4));
    assert_eq!(mod_i32(-7, 2), Some(1));
    assert_eq!(floordiv_i32(3, 0), None);
    assert_eq!(mod_i32(3, 0), None);
}

#[test]
fn float_floordiv_and_remainder() {
    // a, b, np.floor_divide(a, b), np.remainder(a, b)
    let inf = f64::INFINITY;
    let nan = f64::NAN;
    let cases: &[(f64, f64, f64, f64)] = &[
        (5.0, 0.0, inf, nan),
        (-5.0, 0.0, -inf, nan),
        (5.0, -0.0, -inf, nan),
        (-5.0, 3.0, -2.0, 1.0),
        (0.0, 0.0, nan, nan),
        (-0.0, 3.0, -0.0, 0.0),
        (1.0, inf, 0.0, 1.0),
        (inf, 2.0, nan, nan),
        (1.0, -inf, -1.0, -inf),
        (7.0, inf, 0.0, 7.0),
        (-7.0, inf, -1.0, inf),
        (1e308, 1e-308, inf, 3.49844555e-309),
        (0.0, -1.0, -0.0, -0.0),
        (5.0, -3.0, -2.0, -1.0),
        (0.5, 0.1, 4.0, 0.09999999999999998),
        (-0.5, 0.1, -5.0, 2.7755575615628914e-17),
        (3.0, -0.0, -inf, nan),
    ];
    for &(a, b, fd, rem) in cases {
        let (q, m) = divmod_f64(a, b);
        assert!(same(q, fd), "{a} // {b} = {q}, numpy {fd}");
        // the 1e308 % 1e-308 case is printed by numpy to 9 digits only
        if a == 1e308 {
            assert!((m - rem).abs() < 1e-316, "{a} % {b} = {m:e}");
        } else {
            assert!(same(m, rem), "{a} % {b} = {m:e}, numpy {rem:e}");
        }
        assert!(same(floordiv_f64(a, b), fd));
    }
    // f32: np.floor_divide(np.float32(5), np.float32(0)) = inf, (-0.0 // 3) = -0.0,
    // np.floor_divide(np.float32(1e30), np.float32(3e-30)) = inf
    assert_eq!(floordiv_f32(5.0, 0.0), f32::INFINITY);
    assert_eq!(floordiv_f32(-0.0, 3.0).to_bits(), (-0.0f32).to_bits());
    assert_eq!(floordiv_f32(1e30, 3e-30), f32::INFINITY);
    assert_eq!(remainder_f32(-5.0, 3.0), 1.0);
    assert_eq!(remainder_f32(5.0, -3.0), -1.0);
    assert!(remainder_f32(5.0, 0.0).is_nan());
}

#[test]
fn int_power() {
    // np.power(np.int64(2), 63) = -9223372036854775808
    assert_eq!(ipow_i64(2, 63), Some(i64::MIN));
    // np.power(np.int64(3), 40) = -6289078614652622815 (wrapped)
    assert_eq!(ipow_i64(3, 40), Some(-6289078614652622815));
    // np.power(np.int64(-3), 41) = 420491770248316829
    assert_eq!(ipow_i64(-3, 41), Some(420491770248316829));
    // np.power(np.int32(3), 21) = 1870418611
    assert_eq!(ipow_i32(3, 21), Some(1870418611));
    assert_eq!(ipow_i64(0, 0), Some(1));
    assert_eq!(ipow_i64(5, 0), Some(1));
    assert_eq!(ipow_i64(-1, i64::MAX), Some(-1));
    assert_eq!(ipow_i64(2, -1), None);
    assert_eq!(ipow_i32(2, -1), None);
    assert_eq!(powi_small_f64(3.0, 3), 27.0);
    assert_eq!(powi_small_f64(f64::NAN, 0), 1.0);
    assert_eq!(powi_small_f32(2.0, 4), 16.0);
}

#[test]
fn shifts() {
    // a << s and a >> s for s = [64, 64, -1, -1, 65, 1, 200], a = [1, -1, 5, -5, 2**62, -2**63, 7]
    let a = [1i64, -1, 5, -5, 1 << 62, i64::MIN, 7];
    let s = [64i64, 64, -1, -1, 65, 1, 200];
    let lsh = [0i64, 0, 0, 0, 0, 0, 0];
    let rsh = [0i64, -1, 0, -1, 0, -4611686018427387904, 0];
    for i in 0..a.len() {
        assert_eq!(shl_i64(a[i], s[i]), lsh[i], "{} << {}", a[i], s[i]);
        assert_eq!(shr_i64(a[i], s[i]), rsh[i], "{} >> {}", a[i], s[i]);
    }
    // np.int64(-5) >> 100 = -1; 5 >> -3 = 0; -5 >> -3 = -1
    assert_eq!(shr_i64(-5, 100), -1);
    assert_eq!(shr_i64(5, -3), 0);
    assert_eq!(shr_i64(-5, -3), -1);
    assert_eq!(shl_i64(3, 2), 12);
    assert_eq!(shr_i64(-8, 1), -4);
    // int32: [1, -1, 5, -5] << [32, 32, -1, 40] = 0; >> = [0, -1, 0, -1]
    let a = [1i32, -1, 5, -5];
    let s = [32i32, 32, -1, 40];
    let rsh = [0i32, -1, 0, -1];
    for i in 0..4 {
        assert_eq!(shl_i32(a[i], s[i]), 0);
        assert_eq!(shr_i32(a[i], s[i]), rsh[i]);
    }
    assert_eq!(shl_i32(1, 31), i32::MIN);
}

#[test]
fn casts() {
    assert_eq!(f64_to_i64(-2.9), Some(-2));
    assert_eq!(f64_to_i64(2.9), Some(2));
    assert_eq!(f64_to_i64(f64::NAN), None);
    assert_eq!(f64_to_i64(f64::INFINITY), None);
    assert_eq!(f64_to_i64(9.223372036854775807e18), None); // = 2^63
    assert_eq!(f64_to_i64(-9.223372036854775808e18), Some(i64::MIN));
    assert_eq!(
        f64_to_i64(9.223372036854774784e18),
        Some(9223372036854774784)
    );
    assert_eq!(f64_to_i32(2147483647.9), Some(i32::MAX));
    assert_eq!(f64_to_i32(2147483648.0), None);
    assert_eq!(f64_to_i32(-2147483648.9), Some(i32::MIN));
    assert_eq!(f64_to_i32(-2147483649.0), None);
    assert_eq!(f32_to_i32(f32::NAN), None);
    assert_eq!(f32_to_i32(-1.5), Some(-1));
    assert_eq!(f32_to_i64(1e30), None);
    assert_eq!(f32_to_i64(-9.223372e18), Some(i64::MIN));
    // np.array([2**40 + 5]).astype(np.int32) = 5; (-1).astype(int64) = -1
    assert_eq!(i64_to_i32((1 << 40) + 5), 5);
    assert_eq!(i64_to_i32(0xFFFF_FFFF), -1);
    assert_eq!(i32_to_i64(-1), -1);
    assert!(f64_to_bool(f64::NAN));
    assert!(!f64_to_bool(-0.0));
    assert!(f32_to_bool(0.5));
    assert!(i64_to_bool(-3));
    assert!(!i64_to_bool(0));
    assert_eq!(bool_to_i64(true), 1);
    assert_eq!(bool_to_f64(false), 0.0);
    assert_eq!(i64_to_f32(16777217), 16777216.0);
    assert_eq!(truediv_i64(1, 0), f64::INFINITY);
    assert_eq!(i64_to_f64(1 << 53), 9007199254740992.0);
    assert_eq!(f64_to_f32(1e300), f32::INFINITY);
}
