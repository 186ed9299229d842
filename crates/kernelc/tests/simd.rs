//! Vector loops (issue 8): native code against the interpreter, bit for bit, at the
//! lengths and offsets where vector code changes shape: every length 0..=33 (empty, one
//! partial vector, unrolled bodies, scalar tails), pairwise-sum block edges (127..=129,
//! 255..=257, 1000, 1031), and views starting at every offset 0..=3 (unaligned vectors).
//! Inputs mix ordinary values with nan, ±inf, ±0 and subnormals.

use expect_test::{expect, Expect};
use kernelc::{Arg, Array, Dispatcher, Executor, Listing, Output, RunOptions, Scalar, Source};

const KERNELS: &str = "\
def ew(a: float64[:], b: float64[:], o: int64, n: int64) -> float64[:]:
    x = a[o:o + n]
    y = b[o:o + n]
    return 2 * x + 3 * y ** 2 - x / (y + 0.5)

def ew_where(a: float64[:], b: float64[:], o: int64, n: int64) -> float64[:]:
    x = a[o:o + n]
    y = b[o:o + n]
    return np.where((x > y) & (x != 0.0), np.sqrt(np.abs(x)), -y) + np.floor(x) * np.minimum(x, y)

def ew_math(a: float64[:], b: float64[:], o: int64, n: int64) -> float64[:]:
    x = a[o:o + n]
    y = b[o:o + n]
    return np.sin(x) ** 2 + np.cos(y) ** 2 + np.exp(-np.abs(x)) * np.log1p(np.abs(y)) + x % 3.0 + x // y

def ew_f32(a: float32[:], b: float32[:], o: int64, n: int64) -> float32[:]:
    x = a[o:o + n]
    y = b[o:o + n]
    return x * y + np.float32(1.5) - np.exp(x) + np.arctan2(x, y) + np.sin(y * np.float32(1e30)) + np.fmod(x, y)

def ew_cbrt_next(a: float64[:], b: float64[:], o: int64, n: int64) -> float64[:]:
    x = a[o:o + n]
    y = b[o:o + n]
    return np.cbrt(x) + (np.nextafter(x, y) - x) * 1e300 + np.nextafter(y, 0.0)

def ew_cbrt_next_f32(a: float32[:], b: float32[:], o: int64, n: int64) -> float32[:]:
    x = a[o:o + n]
    y = b[o:o + n]
    return np.cbrt(x) + (np.nextafter(x, y) - x) * np.float32(1e30) + np.nextafter(y, np.float32(0.0))

def ew_int(a: int64[:], b: int64[:], o: int64, n: int64) -> int64[:]:
    x = a[o:o + n]
    y = b[o:o + n]
    return np.where(x < y, x * 3 - y, (x ^ y) & 1023) + x ** 2

def ew_i32(a: int32[:], b: int32[:], o: int64, n: int64) -> float32[:]:
    x = a[o:o + n]
    y = b[o:o + n]
    return (x * y + x).astype(np.float32) * np.float32(0.5)

def cast_mix(a: int64[:], b: float64[:], o: int64, n: int64) -> float64[:]:
    x = a[o:o + n]
    y = b[o:o + n]
    return x * y + (y > 0.0) - x

def store(a: float64[:], b: float64[:], o: int64, n: int64) -> float64[:]:
    out = np.zeros(n + 3)
    out[1:n + 1] = a[o:o + n] * b[o:o + n]
    out[1:n + 1] += b[o:o + n]
    out[2:] *= 0.5
    return out

def red(a: float64[:], b: float64[:], o: int64, n: int64) -> float64:
    x = a[o:o + n]
    y = b[o:o + n]
    return np.sum(x * x) + np.mean(x + y) * 3.0 + np.linalg.norm(y) - np.dot(x, y)

def red_f32(a: float32[:], b: float32[:], o: int64, n: int64) -> float32:
    x = a[o:o + n]
    return np.sum(x * b[o:o + n]) + np.sum(x)

def red_axis(a: float64[:], b: float64[:], o: int64, n: int64) -> float64[:]:
    m = (a[o:o + 3 * n] * b[o:o + 3 * n]).reshape((3, n))
    return np.sum(m, axis=1) + np.sum(m[:, ::2], axis=1)

def red_int(a: int64[:], b: int64[:], o: int64, n: int64) -> int64:
    x = a[o:o + n]
    y = b[o:o + n]
    s = np.sum(x * y + 3) + np.sum(x) * 7 + np.sum(y[::2])
    if np.any(x > y):
        s += 100
    if np.all(x != 5):
        s += 1000
    m = (a[o:o + 3 * n] - b[o:o + 3 * n]).reshape((3, n))
    return s + np.sum(np.sum(m, axis=1) * np.array([1, 3, 5]))

def red_bool(a: float64[:], b: float64[:], o: int64, n: int64) -> int64:
    x = a[o:o + n]
    y = b[o:o + n]
    s = 0
    if np.any(x > y):
        s += 1
    if np.all(x == x):
        s += 2
    if np.any(x > 1e300):
        s += 4
    if np.all(y < 2.0):
        s += 8
    if np.any(x[::3] < -1e300):
        s += 16
    return s
";

/// A deterministic sequence of awkward floats.
fn floats(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|i| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let u = (s >> 11) as f64 / (1u64 << 53) as f64;
            match (s >> 3) % 29 {
                0 => f64::NAN,
                1 => f64::INFINITY,
                2 => f64::NEG_INFINITY,
                3 => -0.0,
                4 => 0.0,
                5 => 1e-310,
                6 => 1e300 * (u - 0.5),
                _ => (u - 0.5) * (1 + i % 50) as f64,
            }
        })
        .collect()
}

/// The values' bits; every nan counts as one value (the sign and payload of a nan are
/// not part of the contract: the host compiler may commute the interpreter's operands).
fn bits(o: &Output) -> Vec<u64> {
    let word = |s: Scalar| match s {
        Scalar::F64(x) if x.is_nan() => 1,
        Scalar::F32(x) if x.is_nan() => 1,
        s => s.to_word(),
    };
    match o {
        Output::Scalar(s) => vec![word(*s)],
        Output::Array(a) => (0..a.size()).map(|i| word(a.get_flat(i))).collect(),
        other => panic!("unexpected {other:?}"),
    }
}

fn run(d: &Dispatcher, f: &str, args: &[Arg], ex: Executor) -> Result<Output, String> {
    let opts = RunOptions {
        executor: ex,
        ..RunOptions::default()
    };
    d.invoke(f, args, &[], &opts, &mut std::io::sink())
        .map_err(|e| e.to_string())
}

fn lengths() -> Vec<usize> {
    let mut v: Vec<usize> = (0..=33).collect();
    v.extend([127, 128, 129, 255, 256, 257, 1000, 1031]);
    v
}

#[test]
fn vector_loops_match_the_interpreter_bit_for_bit() {
    let d = Dispatcher::new("simd.k", KERNELS).unwrap();
    let max = 3 * 1031 + 8;
    let fa = floats(max, 1);
    let fb = floats(max, 2);
    let ia: Vec<i64> = fa.iter().map(|x| (x * 7.0) as i64).collect();
    let ib: Vec<i64> = fb.iter().map(|x| (x * 5.0) as i64 ^ 0x55).collect();
    let sa: Vec<f32> = fa.iter().map(|&x| x as f32).collect();
    let sb: Vec<f32> = fb.iter().map(|&x| x as f32).collect();
    let wa: Vec<i32> = ia.iter().map(|&x| x as i32).collect();
    let wb: Vec<i32> = ib.iter().map(|&x| x as i32).collect();
    let arr = |v: Array| Arg::array(v);
    let mut checked = 0;
    for n in lengths() {
        for o in 0..4usize {
            let cases: Vec<(&str, Arg, Arg)> = vec![
                (
                    "ew",
                    arr(Array::from_vec(fa.clone(), &[max])),
                    arr(Array::from_vec(fb.clone(), &[max])),
                ),
                (
                    "ew_where",
                    arr(Array::from_vec(fa.clone(), &[max])),
                    arr(Array::from_vec(fb.clone(), &[max])),
                ),
                (
                    "ew_math",
                    arr(Array::from_vec(fa.clone(), &[max])),
                    arr(Array::from_vec(fb.clone(), &[max])),
                ),
                (
                    "ew_f32",
                    arr(Array::from_vec(sa.clone(), &[max])),
                    arr(Array::from_vec(sb.clone(), &[max])),
                ),
                (
                    "ew_cbrt_next",
                    arr(Array::from_vec(fa.clone(), &[max])),
                    arr(Array::from_vec(fb.clone(), &[max])),
                ),
                (
                    "ew_cbrt_next_f32",
                    arr(Array::from_vec(sa.clone(), &[max])),
                    arr(Array::from_vec(sb.clone(), &[max])),
                ),
                (
                    "ew_int",
                    arr(Array::from_vec(ia.clone(), &[max])),
                    arr(Array::from_vec(ib.clone(), &[max])),
                ),
                (
                    "ew_i32",
                    arr(Array::from_vec(wa.clone(), &[max])),
                    arr(Array::from_vec(wb.clone(), &[max])),
                ),
                (
                    "cast_mix",
                    arr(Array::from_vec(ia.clone(), &[max])),
                    arr(Array::from_vec(fb.clone(), &[max])),
                ),
                (
                    "store",
                    arr(Array::from_vec(fa.clone(), &[max])),
                    arr(Array::from_vec(fb.clone(), &[max])),
                ),
                (
                    "red",
                    arr(Array::from_vec(fa.clone(), &[max])),
                    arr(Array::from_vec(fb.clone(), &[max])),
                ),
                (
                    "red_f32",
                    arr(Array::from_vec(sa.clone(), &[max])),
                    arr(Array::from_vec(sb.clone(), &[max])),
                ),
                (
                    "red_axis",
                    arr(Array::from_vec(fa.clone(), &[max])),
                    arr(Array::from_vec(fb.clone(), &[max])),
                ),
                (
                    "red_int",
                    arr(Array::from_vec(ia.clone(), &[max])),
                    arr(Array::from_vec(ib.clone(), &[max])),
                ),
                (
                    "red_bool",
                    arr(Array::from_vec(fa.clone(), &[max])),
                    arr(Array::from_vec(fb.clone(), &[max])),
                ),
            ];
            for (f, a, b) in cases {
                let args = [a, b, Arg::from(o as i64), Arg::from(n as i64)];
                let want = run(&d, f, &args, Executor::Interp);
                let got = run(&d, f, &args, Executor::Jit);
                match (&want, &got) {
                    (Ok(w), Ok(g)) => assert_eq!(
                        bits(w),
                        bits(g),
                        "{f} n={n} o={o}: interpreter {w:?}, native {g:?}"
                    ),
                    _ => assert_eq!(want.as_ref().err(), got.as_ref().err(), "{f} n={n} o={o}"),
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, lengths().len() * 4 * 15);
    // Sanity: the kernels do compute something (not all empty or all nan).
    let args = [
        arr(Array::from_vec(vec![1.0f64, 2.0, 3.0], &[3])),
        arr(Array::from_vec(vec![0.5f64, 1.0, 2.0], &[3])),
        Arg::from(0i64),
        Arg::from(3i64),
    ];
    let r = run(&d, "red", &args, Executor::Jit).unwrap();
    assert!(matches!(r, Output::Scalar(Scalar::F64(x)) if x.is_finite()));
}

/// The vector instructions of `func`'s CLIF (lines mentioning a vector type, helper
/// addresses masked), after checking that the code runs and gives the interpreter's bits.
fn vector_clif(text: &str, func: &str, ndims: &[u8], expect: Expect) {
    let src = Source::new("k.k", text);
    let module = kernelc::parse(&src).unwrap();
    let sig: Vec<kernelc::Type> = ndims
        .iter()
        .map(|&ndim| {
            kernelc::Type::Array(kernelc::ArrayType {
                dtype: kernelc::DType::F64,
                ndim,
            })
        })
        .collect();
    let program = kernelc::compile(&src, &module, func, &sig).unwrap();
    let jit = kernelc::compile_native(&src, program, Listing::Clif).unwrap();
    let listing = jit.listing.join("\n");
    // A line belongs to the vector code when it names a vector type or uses a vector
    // value; the values it defines are vectors too, except a lane extracted or tested.
    let mut vecs = std::collections::HashSet::new();
    let mut lines = Vec::new();
    for l in listing.lines() {
        let (defs, rest) = match l.split_once(" = ") {
            Some((d, r)) if !l.trim_start().starts_with("sig") => (d, r),
            _ => ("", l),
        };
        let uses = |t: &str| -> Vec<String> {
            t.split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| {
                    w.len() > 1 && w.starts_with('v') && w[1..].bytes().all(|b| b.is_ascii_digit())
                })
                .map(str::to_string)
                .collect()
        };
        let typed = ["f64x2", "i64x2", "f32x4", "i32x4", "i8x16"]
            .iter()
            .any(|t| l.contains(t));
        let code = rest.split(';').next().unwrap_or("");
        if !(typed || uses(code).iter().any(|u| vecs.contains(u))) {
            continue;
        }
        if !["extractlane", "vany_true", "vall_true"]
            .iter()
            .any(|op| rest.contains(op))
        {
            vecs.extend(uses(defs));
        }
        if l.trim_start().starts_with("block") {
            // Block parameters of vector type.
            for p in l.split(['(', ',', ')']) {
                if let Some((v, t)) = p.trim().split_once(": ") {
                    if t.contains('x') {
                        vecs.insert(v.to_string());
                    }
                }
            }
        }
        lines.push(
            l.split_whitespace()
                .map(|w| {
                    if w.starts_with("0x") && w.len() > 12 {
                        "0xADDR"
                    } else {
                        w
                    }
                })
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    expect.assert_eq(&lines.join("\n"));
    let d = Dispatcher::new("k.k", text).unwrap();
    let n = 37;
    let args: Vec<Arg> = ndims
        .iter()
        .enumerate()
        .map(|(k, _)| Arg::array(Array::from_vec(floats(n, 7 + k as u64), &[n])))
        .collect();
    let want = run(&d, func, &args, Executor::Interp).unwrap();
    let got = run(&d, func, &args, Executor::Jit).unwrap();
    assert_eq!(bits(&want), bits(&got));
}

#[test]
fn clif_of_a_vector_loop() {
    vector_clif(
        "def f(a, b):\n    return 2 * a + 3 * b ** 2\n",
        "f",
        &[1, 1],
        expect![[r#"
            v10 = splat.f64x2 v9 ; v9 = 0xADDR
            v12 = splat.f64x2 v11 ; v11 = 0xADDR
            v54 = load.f64x2 notrap v47
            v55 = fmul.f64x2 v10, v54
            v56 = load.f64x2 notrap v50
            v57 = fmul v56, v56
            v58 = fmul.f64x2 v12, v57
            v59 = fadd v55, v58
            store notrap v59, v53
            v71 = load.f64x2 notrap v64
            v72 = fmul.f64x2 v10, v71
            v73 = load.f64x2 notrap v67
            v74 = fmul v73, v73
            v75 = fmul.f64x2 v12, v74
            v76 = fadd v72, v75
            store notrap v76, v70
            v93 = load.f64x2 notrap v86
            v94 = fmul.f64x2 v10, v93
            v95 = load.f64x2 notrap v89
            v96 = fmul v95, v95
            v97 = fmul.f64x2 v12, v96
            v98 = fadd v94, v97
            store notrap v98, v92"#]],
    );
}

#[test]
fn clif_of_a_vector_reduction() {
    vector_clif(
        "def f(a):\n    return sum(a ** 2)\n",
        "f",
        &[1],
        expect![[r#"
            v61 = load.f64x2 notrap v60
            v62 = fmul v61, v61
            v68 = load.f64x2 notrap v67
            v69 = fmul v68, v68
            v75 = load.f64x2 notrap v74
            v76 = fmul v75, v75
            v82 = load.f64x2 notrap v81
            v83 = fmul v82, v82
            brif v90, block14(v89, v62, v69, v76, v83), block15(v62, v69, v76, v83)
            block14(v91: i64, v99: f64x2, v108: f64x2, v117: f64x2, v126: f64x2):
            v97 = load.f64x2 notrap v96
            v98 = fmul v97, v97
            v100 = fadd v99, v98
            v106 = load.f64x2 notrap v105
            v107 = fmul v106, v106
            v109 = fadd v108, v107
            v115 = load.f64x2 notrap v114
            v116 = fmul v115, v115
            v118 = fadd v117, v116
            v124 = load.f64x2 notrap v123
            v125 = fmul v124, v124
            v127 = fadd v126, v125
            brif v130, block14(v129, v100, v109, v118, v127), block15(v100, v109, v118, v127)
            block15(v131: f64x2, v134: f64x2, v137: f64x2, v140: f64x2):
            v132 = extractlane v131, 0
            v133 = extractlane v131, 1
            v135 = extractlane v134, 0
            v136 = extractlane v134, 1
            v138 = extractlane v137, 0
            v139 = extractlane v137, 1
            v141 = extractlane v140, 0
            v142 = extractlane v140, 1"#]],
    );
}

#[test]
fn clif_of_a_vector_math_call() {
    vector_clif(
        "def f(a):\n    return exp(a)\n",
        "f",
        &[1],
        expect![[r#"
            sig0 = (f64x2) -> f64x2 system_v
            sig1 = (f64x2) -> f64x2 system_v
            sig2 = (f64x2) -> f64x2 system_v
            v39 = load.f64x2 notrap v35
            v41 = call_indirect sig0, v40(v39) ; v40 = 0xADDR
            store notrap v41, v38
            v50 = load.f64x2 notrap v46
            v52 = call_indirect sig1, v51(v50) ; v51 = 0xADDR
            store notrap v52, v49
            v66 = load.f64x2 notrap v62
            v68 = call_indirect sig2, v67(v66) ; v67 = 0xADDR
            store notrap v68, v65"#]],
    );
}

#[test]
fn clif_of_a_vector_any() {
    vector_clif(
        "def f(a):\n    return np.any(a.reshape((1, a.shape[0])) > 0.5, axis=1)\n",
        "f",
        &[1],
        expect![[r#"
            v35 = splat.f64x2 v34 ; v34 = 0xADDR
            v37 = splat.i64x2 v36 ; v36 = 0
            block5(v43: i64, v49: i64x2):
            v47 = load.f64x2 notrap v46
            v48 = fcmp gt v47, v35
            v50 = bor v49, v48
            brif v53, block5(v52, v50), block6(v50)
            block6(v54: i64x2):
            v55 = vany_true v54"#]],
    );
}
