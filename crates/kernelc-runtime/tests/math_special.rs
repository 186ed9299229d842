//! Special values of the math functions (±0, ±inf, nan, domain edges), NumPy semantics
//! of the exact functions, fmod exactness, and agreement of the fast and exact
//! trigonometric reductions.

use kernelc_runtime::math::*;

const INF: f64 = f64::INFINITY;
const NAN: f64 = f64::NAN;

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

macro_rules! check {
    ($($e:expr => $want:expr),* $(,)?) => {$(
        let got = $e;
        assert!(same(got, $want), "{} = {got:e} ({:#x}), want {:e}", stringify!($e), got.to_bits(), $want);
    )*};
}

#[test]
fn exp_log_specials() {
    check!(
        exp_f64(0.0) => 1.0, exp_f64(-0.0) => 1.0, exp_f64(INF) => INF, exp_f64(-INF) => 0.0,
        exp_f64(NAN) => NAN, exp_f64(709.8) => INF, exp_f64(-745.2) => 0.0,
        exp_f64(-745.1) => 5e-324,
        expm1_f64(-0.0) => -0.0, expm1_f64(0.0) => 0.0, expm1_f64(INF) => INF,
        expm1_f64(-INF) => -1.0, expm1_f64(NAN) => NAN, expm1_f64(5e-324) => 5e-324,
        expm1_f64(709.78) => 1.7928227943945155e308, expm1_f64(710.0) => INF,
        log_f64(1.0) => 0.0, log_f64(0.0) => -INF, log_f64(-0.0) => -INF, log_f64(-1.0) => NAN,
        log_f64(INF) => INF, log_f64(-INF) => NAN, log_f64(NAN) => NAN,
        log_f64(5e-324) => -744.4400719213812, log_f64(f64::MAX) => 709.782712893384,
        log1p_f64(-1.0) => -INF, log1p_f64(-2.0) => NAN, log1p_f64(-0.0) => -0.0,
        log1p_f64(INF) => INF, log1p_f64(1e-300) => 1e-300, log1p_f64(NAN) => NAN,
        log2_f64(8.0) => 3.0, log2_f64(0.5) => -1.0, log2_f64(5e-324) => -1074.0,
        log2_f64(0.0) => -INF, log2_f64(-1.0) => NAN, log2_f64(INF) => INF,
        log10_f64(1000.0) => 3.0, log10_f64(1e-300) => -300.0, log10_f64(0.0) => -INF,
        log10_f64(1e22) => 22.0, log10_f64(INF) => INF, log10_f64(-2.0) => NAN,
        sqrt_f64(-0.0) => -0.0, sqrt_f64(-1.0) => NAN, sqrt_f64(INF) => INF,
    );
    // exp(1) is within 1 ulp (not correctly rounded)
    assert!((exp_f64(1.0) - std::f64::consts::E).abs() <= 4.5e-16);
    for i in -300..=300 {
        let x: f64 = format!("1e{i}").parse().unwrap();
        assert_eq!(log10_f64(x), i as f64, "log10(1e{i})");
    }
    for i in -1074i64..1024 {
        let x = if i >= -1022 {
            f64::from_bits(((i + 1023) as u64) << 52)
        } else {
            f64::from_bits(1u64 << (i + 1074))
        };
        assert_eq!(log2_f64(x), i as f64);
    }
}

#[test]
fn trig_specials() {
    check!(
        sin_f64(0.0) => 0.0, sin_f64(-0.0) => -0.0, sin_f64(INF) => NAN, sin_f64(NAN) => NAN,
        cos_f64(0.0) => 1.0, cos_f64(-0.0) => 1.0, cos_f64(-INF) => NAN,
        tan_f64(-0.0) => -0.0, tan_f64(INF) => NAN, sin_f64(-5e-324) => -5e-324,
        arcsin_f64(-0.0) => -0.0, arcsin_f64(1.0) => std::f64::consts::FRAC_PI_2,
        arcsin_f64(-1.0) => -std::f64::consts::FRAC_PI_2, arcsin_f64(1.0000000000000002) => NAN,
        arccos_f64(1.0) => 0.0, arccos_f64(-1.0) => std::f64::consts::PI, arccos_f64(2.0) => NAN,
        arccos_f64(0.0) => std::f64::consts::FRAC_PI_2,
        arctan_f64(-0.0) => -0.0, arctan_f64(INF) => std::f64::consts::FRAC_PI_2,
        arctan_f64(-INF) => -std::f64::consts::FRAC_PI_2, arctan_f64(NAN) => NAN,
        arctan_f64(1.0) => std::f64::consts::FRAC_PI_4,
    );
    // sin(1e22) and the classic hard case for reduction
    check!(sin_f64(1e22) => -0.8522008497671888, cos_f64(1e22) => 0.523214785395139);
    check!(sin_f64(f64::MAX) => 0.004961954789184062);
}

#[test]
fn atan2_specials() {
    use std::f64::consts::{FRAC_PI_2, FRAC_PI_4, PI};
    check!(
        arctan2_f64(0.0, 0.0) => 0.0, arctan2_f64(-0.0, 0.0) => -0.0,
        arctan2_f64(0.0, -0.0) => PI, arctan2_f64(-0.0, -0.0) => -PI,
        arctan2_f64(0.0, -1.0) => PI, arctan2_f64(-0.0, -1.0) => -PI,
        arctan2_f64(1.0, 0.0) => FRAC_PI_2, arctan2_f64(-1.0, -0.0) => -FRAC_PI_2,
        arctan2_f64(INF, INF) => FRAC_PI_4, arctan2_f64(-INF, -INF) => -3.0 * FRAC_PI_4,
        arctan2_f64(1.0, INF) => 0.0, arctan2_f64(-1.0, -INF) => -PI,
        arctan2_f64(INF, 1.0) => FRAC_PI_2, arctan2_f64(NAN, 1.0) => NAN,
        arctan2_f64(0.0, NAN) => NAN, arctan2_f64(1e-300, -1e300) => PI,
    );
}

#[test]
fn hyperbolic_specials() {
    check!(
        sinh_f64(-0.0) => -0.0, sinh_f64(INF) => INF, sinh_f64(-INF) => -INF,
        sinh_f64(710.4) => 1.6663642832806496e308, sinh_f64(710.5) => INF,
        cosh_f64(0.0) => 1.0, cosh_f64(-INF) => INF, cosh_f64(-710.4) => 1.6663642832806496e308,
        tanh_f64(-0.0) => -0.0, tanh_f64(INF) => 1.0, tanh_f64(-INF) => -1.0,
        tanh_f64(NAN) => NAN, tanh_f64(1e-310) => 1e-310, sinh_f64(NAN) => NAN,
        arcsinh_f64(-0.0) => -0.0, arcsinh_f64(INF) => INF, arcsinh_f64(-INF) => -INF,
        arccosh_f64(1.0) => 0.0,
        arccosh_f64(0.5) => NAN, arccosh_f64(INF) => INF,
        arctanh_f64(1.0) => INF, arctanh_f64(-1.0) => -INF, arctanh_f64(1.5) => NAN,
        arctanh_f64(-0.0) => -0.0, arctanh_f64(NAN) => NAN,
    );
    // 710.475860073944 correctly rounded; within 1 ulp
    assert!((arcsinh_f64(f64::MAX) - 710.475860073944).abs() <= 1.2e-13);
    assert!((arccosh_f64(f64::MAX) - 710.475860073944).abs() <= 1.2e-13);
}

#[test]
fn hypot_and_pow_specials() {
    check!(
        hypot_f64(3.0, 4.0) => 5.0, hypot_f64(INF, NAN) => INF, hypot_f64(NAN, -INF) => INF,
        hypot_f64(NAN, 1.0) => NAN, hypot_f64(1e308, 1e308) => 1.4142135623730952e308,
        hypot_f64(5e-324, 5e-324) => 5e-324, hypot_f64(-0.0, 0.0) => 0.0,
        hypot_f64(3e-320, 4e-320) => 5e-320,
    );
    // C99 / NumPy special cases (np.power on float64)
    check!(
        pow_f64(NAN, 0.0) => 1.0, pow_f64(1.0, NAN) => 1.0, pow_f64(-8.0, 1.0 / 3.0) => NAN,
        pow_f64(-2.0, 3.0) => -8.0, pow_f64(-0.0, -3.0) => -INF, pow_f64(-0.0, -2.0) => INF,
        pow_f64(-INF, 3.0) => -INF, pow_f64(-INF, -3.0) => -0.0, pow_f64(-1.0, INF) => 1.0,
        pow_f64(-1.0, -INF) => 1.0, pow_f64(0.5, INF) => 0.0, pow_f64(0.5, -INF) => INF,
        pow_f64(2.0, INF) => INF, pow_f64(2.0, -INF) => 0.0, pow_f64(0.0, 3.0) => 0.0,
        pow_f64(-0.0, 3.0) => -0.0, pow_f64(-0.0, 2.0) => 0.0, pow_f64(-0.0, 0.5) => 0.0,
        pow_f64(0.0, -0.5) => INF, pow_f64(INF, 0.5) => INF, pow_f64(INF, -0.5) => 0.0,
        pow_f64(-INF, 0.5) => INF, pow_f64(-INF, -2.0) => 0.0, pow_f64(NAN, 1.0) => NAN,
        pow_f64(2.0, NAN) => NAN, pow_f64(2.0, 1024.0) => INF, pow_f64(2.0, -1074.0) => 5e-324,
        pow_f64(2.0, -1075.0) => 0.0, pow_f64(-2.0, 1e300) => INF, pow_f64(-0.5, 1e300) => 0.0,
        pow_f64(3.0, 2.0) => 9.0, pow_f64(10.0, 22.0) => 1e22, pow_f64(-3.0, 3.0) => -27.0,
        pow_f64(5e-324, 0.5) => 2.2227587494850775e-162, pow_f64(4.0, 0.5) => 2.0,
    );
    for b in 2..20i32 {
        for e in 0..20i32 {
            let exact = (b as f64).powi(e);
            if exact < 9007199254740992.0 {
                assert_eq!(pow_f64(b as f64, e as f64), exact, "{b}^{e}");
            }
        }
    }
}

#[test]
fn exact_functions_numpy_semantics() {
    check!(
        sign_f64(-0.0) => 0.0, sign_f64(0.0) => 0.0, sign_f64(NAN) => NAN, sign_f64(-INF) => -1.0,
        sign_f64(3.0) => 1.0, rint_f64(2.5) => 2.0, rint_f64(3.5) => 4.0, rint_f64(-0.5) => -0.0,
        floor_f64(-0.5) => -1.0, ceil_f64(-0.5) => -0.0, trunc_f64(-1.7) => -1.0,
        abs_f64(-0.0) => 0.0, copysign_f64(2.0, -0.0) => -2.0,
        // np.minimum(nan, 1.0) = nan; np.minimum(-0.0, 0.0) = 0.0; np.minimum(0.0, -0.0) = -0.0
        minimum_f64(NAN, 1.0) => NAN, minimum_f64(1.0, NAN) => NAN,
        minimum_f64(-0.0, 0.0) => 0.0, minimum_f64(0.0, -0.0) => -0.0,
        maximum_f64(-0.0, 0.0) => 0.0, maximum_f64(0.0, -0.0) => -0.0, maximum_f64(2.0, NAN) => NAN,
        // np.clip(nan, 0, 1) = nan; np.clip(5, 1, 0) = 0.0; np.clip(0.5, nan, 1) = nan
        clip_f64(NAN, 0.0, 1.0) => NAN, clip_f64(5.0, 1.0, 0.0) => 0.0, clip_f64(0.5, NAN, 1.0) => NAN,
        clip_f64(-3.0, -1.0, 1.0) => -1.0,
    );
    assert_eq!(sign_f32(-0.0).to_bits(), 0);
    assert!(isnan_f64(NAN) && !isnan_f64(INF) && isinf_f64(-INF) && !isfinite_f64(NAN));
    assert!(isnan_f32(f32::NAN) && isinf_f32(f32::INFINITY) && isfinite_f32(1.0));
    assert_eq!(clip_f32(2.0, 0.0, 1.0), 1.0);
    assert_eq!(rint_f32(0.5), 0.0);
}

#[test]
fn fmod_is_exact() {
    check!(
        fmod_f64(-0.0, 1.0) => -0.0, fmod_f64(5.0, 0.0) => NAN, fmod_f64(INF, 1.0) => NAN,
        fmod_f64(1.0, INF) => 1.0, fmod_f64(-7.0, 3.0) => -1.0, fmod_f64(7.0, -3.0) => 1.0,
        fmod_f64(1e308, 1e-308) => 3.498445546245627e-309, fmod_f64(NAN, 1.0) => NAN,
        fmod_f64(1.0, NAN) => NAN, fmod_f64(5e-324, 5e-324) => 0.0, fmod_f64(-6.0, 3.0) => -0.0,
        fmod_f64(f64::MAX, 5e-324) => 0.0, fmod_f64(0.3, 0.1) => 0.09999999999999998,
    );
    // compare with the exact integer computation on random pairs of scaled integers
    let mut s = 1u64;
    for _ in 0..5000 {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let a = (s >> 11) as i64 % 1_000_000_007 - 500_000_000;
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let b = ((s >> 11) as i64 % 99_991).max(1) * if s & 1 == 0 { 1 } else { -1 };
        let sc = 2f64.powi((s >> 20) as i32 % 200 - 100);
        let want = (a % b) as f64 * sc;
        let got = fmod_f64(a as f64 * sc, b as f64 * sc);
        assert_eq!(got, want, "fmod({a}*{sc:e}, {b}*{sc:e})");
        assert_eq!(
            fmod_f32(a as f32, b as f32),
            fmod_f64(a as f32 as f64, b as f32 as f64) as f32
        );
    }
}

#[test]
fn fast_and_exact_reduction_agree() {
    let mut s = 99u64;
    for _ in 0..3000 {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let x = ((s >> 11) as f64 / 9007199254740992.0) * TRIG_FAST_LIMIT;
        if x < 2.0 {
            continue;
        }
        let (n1, h1, l1) = rem_pio2_fast(x);
        let (n2, h2, l2) = rem_pio2_slow(x);
        assert_eq!((n1 as i64) & 3, (n2 as i64) & 3, "x = {x:e}");
        let d = ((h1 - h2) + (l1 - l2)).abs();
        assert!(
            d <= h2.abs() * 1e-30 + 1e-300,
            "x = {x:e}: {h1:e}+{l1:e} vs {h2:e}+{l2:e}"
        );
    }
}

#[test]
fn cbrt_specials_and_perfect_cubes() {
    check!(
        cbrt_f64(0.0) => 0.0, cbrt_f64(-0.0) => -0.0, cbrt_f64(INF) => INF,
        cbrt_f64(-INF) => -INF, cbrt_f64(NAN) => NAN, cbrt_f64(27.0) => 3.0,
        cbrt_f64(-8.0) => -2.0, cbrt_f64(1.0) => 1.0, cbrt_f64(0.125) => 0.5,
        cbrt_f64(5e-324) => 1.7031839360032603e-108,
        cbrt_f64(f64::MAX) => 5.643803094122362e102,
        cbrt_f64(2.0) => 1.2599210498948732,
    );
    // k^3 * 2^(3j) is exact for every k with k^3 < 2^53, in both types.
    for k in 1..200_000u64 {
        let c = (k * k * k) as f64;
        if c >= 9007199254740992.0 {
            break;
        }
        for j in [-340i32, -1, 0, 1, 200, 300] {
            let s = 2f64.powi(3 * j);
            assert_eq!(
                cbrt_f64(c * s),
                k as f64 * 2f64.powi(j),
                "cbrt({k}^3 * 2^{})",
                3 * j
            );
            assert_eq!(cbrt_f64(-c * s), -(k as f64) * 2f64.powi(j));
        }
        if k < 256 {
            assert_eq!(cbrt_f32((k * k * k) as f32), k as f32);
        }
    }
    // Every f32 subnormal and normal power of two, and a subnormal f64 cube.
    for e in -149..128 {
        let x = 2f32.powi(e);
        let want = (x as f64).cbrt() as f32;
        assert_eq!(cbrt_f32(x), want, "cbrt_f32(2^{e})");
    }
    assert_eq!(cbrt_f64(2f64.powi(-1074 + 2)), 2f64.powi(-1072).cbrt());
    assert_eq!(cbrt_f64(8.0 * 2f64.powi(-1065)), 2.0 * 2f64.powi(-355));
}

/// The f64 after `x` toward `y` by stepping the bit pattern (the textbook definition).
fn next64(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        return NAN;
    }
    if x == y {
        return y;
    }
    if x == 0.0 {
        return 5e-324f64.copysign(y);
    }
    let b = x.to_bits();
    let away = (y > x) == (x > 0.0);
    f64::from_bits(if away { b + 1 } else { b - 1 })
}

/// As [`next64`] in f32.
fn next32(x: f32, y: f32) -> f32 {
    if x.is_nan() || y.is_nan() {
        return f32::NAN;
    }
    if x == y {
        return y;
    }
    if x == 0.0 {
        return f32::from_bits(1).copysign(y);
    }
    let b = x.to_bits();
    let away = (y > x) == (x > 0.0);
    f32::from_bits(if away { b + 1 } else { b - 1 })
}

#[test]
fn nextafter_steps_one_ulp_of_its_type() {
    check!(
        nextafter_f64(0.0, 1.0) => 5e-324, nextafter_f64(0.0, -1.0) => -5e-324,
        nextafter_f64(-0.0, 1.0) => 5e-324, nextafter_f64(0.0, -0.0) => -0.0,
        nextafter_f64(-0.0, 0.0) => 0.0, nextafter_f64(1.0, 2.0) => 1.0000000000000002,
        nextafter_f64(1.0, 0.0) => 0.9999999999999999, nextafter_f64(1.0, 1.0) => 1.0,
        nextafter_f64(f64::MAX, INF) => INF, nextafter_f64(INF, 0.0) => f64::MAX,
        nextafter_f64(-INF, 0.0) => -f64::MAX, nextafter_f64(INF, INF) => INF,
        nextafter_f64(-f64::MAX, -INF) => -INF, nextafter_f64(5e-324, 0.0) => 0.0,
        nextafter_f64(-5e-324, 0.0) => -0.0,
        nextafter_f64(2.2250738585072014e-308, 0.0) => 2.225073858507201e-308,
        nextafter_f64(NAN, 1.0) => NAN, nextafter_f64(1.0, NAN) => NAN,
    );
    let vals64 = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        2.0,
        0.5,
        3.0,
        1e-310,
        -1e-310,
        5e-324,
        2.2250738585072014e-308,
        4.450147717014403e-308,
        f64::MAX,
        -f64::MAX,
        INF,
        -INF,
        NAN,
        1e300,
        1e-300,
        0.1,
    ];
    for &x in &vals64 {
        for &y in &vals64 {
            let (got, want) = (nextafter_f64(x, y), next64(x, y));
            assert!(
                same(got, want),
                "nextafter({x:e}, {y:e}) = {got:e}, want {want:e}"
            );
        }
    }
    let vals32: Vec<f32> = vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        2.0,
        0.5,
        3.0,
        f32::from_bits(1),
        f32::from_bits(0x0080_0000),
        f32::from_bits(0x007F_FFFF),
        f32::from_bits(0x0040_0000),
        -f32::from_bits(0x0080_0000),
        f32::MAX,
        -f32::MAX,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        1e30,
        1e-30,
        0.1,
        16777216.0,
    ];
    for &x in &vals32 {
        for &y in &vals32 {
            let (got, want) = (nextafter_f32(x, y), next32(x, y));
            assert!(
                (got.is_nan() && want.is_nan()) || got.to_bits() == want.to_bits(),
                "nextafter_f32({x:e}, {y:e}) = {got:e}, want {want:e}"
            );
        }
    }
    // Random bit patterns in both types.
    let mut s = 0x1234_5678_9ABC_DEF0u64;
    for _ in 0..100_000 {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        let (x, y) = (f64::from_bits(s), f64::from_bits(s.rotate_left(17)));
        assert!(
            same(nextafter_f64(x, y), next64(x, y)),
            "nextafter({x:e}, {y:e})"
        );
        let (a, b) = (f32::from_bits(s as u32), f32::from_bits((s >> 32) as u32));
        let (got, want) = (nextafter_f32(a, b), next32(a, b));
        assert!(
            (got.is_nan() && want.is_nan()) || got.to_bits() == want.to_bits(),
            "nextafter_f32({a:e}, {b:e}) = {got:e}, want {want:e}"
        );
    }
}
