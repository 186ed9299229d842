//! Vector loops (issue 8): native code against the interpreter, bit for bit, at the
//! lengths and offsets where vector code changes shape: every length 0..=33 (empty, one
//! partial vector, unrolled bodies, scalar tails), pairwise-sum block edges (127..=129,
//! 255..=257, 1000, 1031), and views starting at every offset 0..=3 (unaligned vectors).
//! Inputs mix ordinary values with nan, ±inf, ±0 and subnormals.

use kernelc::{Arg, Array, Dispatcher, Executor, Output, RunOptions, Scalar};

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
    return x * y + np.float32(1.5) - np.exp(x) + np.arctan2(x, y)

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
    assert_eq!(checked, lengths().len() * 4 * 11);
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
