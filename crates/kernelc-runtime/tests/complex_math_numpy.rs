//! The complex math functions (`kernelc_runtime::complex_math`) against NumPy 2.4 (glibc's
//! `csqrt`, `cexp`, ... behind it), and `power` (`npy_cpow`, glibc's `cpow`):
//! `tests/data/complex_math_numpy.txt`, written by `tools/complex_math_ref.py` (every pair
//! of special parts, then random points of moderate and extreme magnitude, near the unit
//! circle and the branch points).
//!
//! * Where NumPy gives a nan, inf or zero part (special values, branch cuts, overflow and
//!   underflow), the result must be the same (a nan for a nan, the same infinity, a zero
//!   of the same sign).
//! * Elsewhere each part must be within a few ulps of NumPy's, measured against the
//!   larger part (an error relative to |f(z)|); the test prints how many results are
//!   bit-identical. `power` is only reported (see `check`).
//!
//! A larger file: `COMPLEX_REF=<file> cargo test -p kernelc-runtime --test
//! complex_math_numpy -- --ignored --nocapture`.

use kernelc_runtime::complex as cx;
use kernelc_runtime::complex_math::{cx_math, reciprocal, CxPart};
use kernelc_runtime::optable::MathFn;
use num_complex::Complex;
use std::collections::BTreeMap;

/// The function a reference line names.
fn eval<T: CxPart>(name: &str, z: Complex<T>) -> Complex<T> {
    match name {
        "reciprocal" => reciprocal(z),
        n => cx_math(MathFn::from_name(n).expect("a math function"), z),
    }
}

/// Distance in ulps of `T` between two finite values of one sign class, as f64.
fn ulps(a: f64, b: f64, ulp: f64) -> f64 {
    ((a - b) / ulp).abs()
}

struct Stats {
    n: usize,
    exact: usize,
    worst: f64,
    worst_line: String,
}

fn check(text: &str, bound: f64, bound32: f64) -> (BTreeMap<String, Stats>, Vec<String>) {
    let mut out: BTreeMap<String, Stats> = BTreeMap::new();
    let mut bad = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let p: Vec<&str> = line.split_whitespace().collect();
        let is32 = p[1] == "c64";
        let v = |s: &str| -> f64 {
            if is32 {
                f32::from_bits(u32::from_str_radix(s, 16).unwrap()) as f64
            } else {
                f64::from_bits(u64::from_str_radix(s, 16).unwrap())
            }
        };
        let (x, y) = (v(p[2]), v(p[3]));
        // `power z w -> r` has two more fields: the exponent.
        let (b, k) = if p[0] == "power" {
            ((v(p[4]), v(p[5])), 6)
        } else {
            ((0.0, 0.0), 4)
        };
        let (wr, wi) = (v(p[k]), v(p[k + 1]));
        let (gr, gi) = if is32 {
            let g = if p[0] == "power" {
                cx::pow(
                    Complex::new(x as f32, y as f32),
                    Complex::new(b.0 as f32, b.1 as f32),
                )
            } else {
                eval(p[0], Complex::new(x as f32, y as f32))
            };
            (g.re as f64, g.im as f64)
        } else {
            let g = if p[0] == "power" {
                cx::pow(Complex::new(x, y), Complex::new(b.0, b.1))
            } else {
                eval(p[0], Complex::new(x, y))
            };
            (g.re, g.im)
        };
        let key = format!("{} {}", p[0], p[1]);
        let st = out.entry(key).or_insert(Stats {
            n: 0,
            exact: 0,
            worst: 0.0,
            worst_line: String::new(),
        });
        st.n += 1;
        let same = |a: f64, b: f64| (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits();
        if same(gr, wr) && same(gi, wi) {
            st.exact += 1;
            continue;
        }
        if p[0] == "power" {
            // Reported, not asserted: `exp(w log z)` amplifies the last-bit differences of
            // `log` by |w| (ill-conditioned for large exponents, for NumPy as well), and
            // glibc's complex multiplication recovers infinities that the plain formula
            // turns into nan.
            continue;
        }
        let shown =
            format!("{line}  [z = {x:e}{y:+e}j: numpy ({wr:e}, {wi:e}), got ({gr:e}, {gi:e})]");
        let special = |w: f64| !w.is_finite() || w == 0.0;
        // An underflow edge: a subnormal of the right sign where NumPy flushed to zero.
        let min_pos = if is32 {
            f32::MIN_POSITIVE as f64
        } else {
            f64::MIN_POSITIVE
        };
        let tiny = |g: f64, w: f64| {
            w == 0.0 && g.abs() < min_pos && g.is_sign_negative() == w.is_sign_negative()
        };
        // Special parts must agree exactly (the sign of a zero, the infinity, nan).
        let special_ok = |g: f64, w: f64| {
            (!special(w) && !special(g))
                || same(g, w)
                || tiny(g, w)
                || (w.abs() < min_pos && g.abs() < min_pos)
        };
        if !special_ok(gr, wr) || !special_ok(gi, wi) {
            bad.push(format!("special: {shown}"));
            continue;
        }
        let mag = wr.abs().max(wi.abs());
        let ulp = if is32 {
            let e = (mag as f32).abs();
            (f32::from_bits(e.to_bits() + 1) - e) as f64
        } else {
            f64::from_bits(mag.to_bits() + 1) - mag
        };
        let d = ulps(gr, wr, ulp).max(ulps(gi, wi, ulp));
        if d > st.worst {
            st.worst = d;
            st.worst_line = shown.clone();
        }
        if d > if is32 { bound32 } else { bound } {
            bad.push(format!("{d:.1} ulp: {shown}"));
        }
    }
    (out, bad)
}

/// Checks a reference text: non-special parts within `bound` ulps (complex128) or
/// `bound32` ulps (complex64, whose glibc functions compute in float) of NumPy's.
fn report(text: &str, bound: f64, bound32: f64) {
    let (stats, bad) = check(text, bound, bound32);
    for (k, s) in &stats {
        println!(
            "{k:18} n={:5} identical={:5} ({:5.1}%) worst={:.2} ulp {}",
            s.n,
            s.exact,
            100.0 * s.exact as f64 / s.n as f64,
            s.worst,
            if s.worst > 0.0 { &s.worst_line } else { "" }
        );
    }
    assert!(
        bad.is_empty(),
        "{} differences:\n{}",
        bad.len(),
        bad[..bad.len().min(40)].join("\n")
    );
}

#[test]
fn complex_math_against_numpy() {
    report(include_str!("data/complex_math_numpy.txt"), 4.0, 6.0);
}

#[test]
#[ignore = "needs COMPLEX_REF=<file from tools/complex_math_ref.py>"]
fn complex_math_against_external_reference() {
    let path = std::env::var("COMPLEX_REF").expect("set COMPLEX_REF");
    report(&std::fs::read_to_string(path).unwrap(), 4.0, 6.0);
}
