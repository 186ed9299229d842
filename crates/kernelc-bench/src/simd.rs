//! The SIMD targets (issue 8): each kernel against its baseline in the same run, samples
//! interleaved, medians compared (`cargo run --release -p kernelc-bench -- --simd`).
//!
//! Baselines are hand-written Rust built with `--release`: a copy loop over 10M f64 (the
//! memory bandwidth yardstick), the same loop calling Rust's libm per element, the
//! eight-accumulator sum of squares, or another kernelc kernel (f32 against f64).

use crate::rust;
use crate::timing::{interleaved, Plan};
use crate::{inputs, Jit, F64_1D};
use kernelc::{Array, ArrayType, DType, Type, Value};
use std::time::{Duration, Instant};

/// The kernels of the targets.
pub const KERNELS: &str = "\
def expr2_into(a, b, out):
    out[:] = 2 * a + 3 * b ** 2

def sum_sq(a):
    s = 0.0
    s += sum(a ** 2)
    return s

def expr1(x, y, z):
    return x + (y ** 2 + (z * x + 1) * 3)

def waves(x, y):
    return sin(x) ** 2 + cos(y) ** 2

def growth(x):
    return exp(-x) * log1p(x)

def exp1(x):
    return exp(x)

def axpc(a, b, out, c: float64):
    for i in range(len(a)):
        out[i] = a[i] * b[i] + c
";

const F32_1D: Type = Type::Array(ArrayType {
    dtype: DType::F32,
    ndim: 1,
});

/// One target: the kernel's median time, the baseline's, and what the ratio must be.
pub struct Row {
    pub target: &'static str,
    pub size: usize,
    pub jit: f64,
    pub base: f64,
    pub base_name: &'static str,
    /// The figure the target is stated in (`jit / base` scaled as the target says).
    pub figure: f64,
    pub figure_text: String,
    pub met: bool,
}

/// Hand-written baselines.
mod base {
    /// Copy of 10M f64 (reads 8 bytes, writes 8 bytes per element).
    #[inline(never)]
    pub fn copy(a: &[f64], out: &mut [f64]) {
        out.copy_from_slice(a);
    }

    #[inline(never)]
    pub fn exp(x: &[f64]) -> Vec<f64> {
        x.iter().map(|v| v.exp()).collect()
    }

    #[inline(never)]
    pub fn axpc(a: &[f64], b: &[f64], out: &mut [f64], c: f64) {
        for ((o, &a), &b) in out.iter_mut().zip(a).zip(b) {
            *o = a * b + c;
        }
    }
}

fn f32_array(n: usize, lo: f64, hi: f64, seed: u64) -> Value {
    let v: Vec<f32> = inputs::uniform(n, lo, hi, seed)
        .into_iter()
        .map(|x| x as f32)
        .collect();
    Value::Array(Array::from_vec(v, &[n]))
}

/// Times two bodies interleaved; medians in seconds.
fn pair(plan: Plan, a: &mut dyn FnMut(), b: &mut dyn FnMut()) -> (f64, f64) {
    let (t, _) = interleaved(plan, &mut [a, b]);
    (t[0], t[1])
}

/// Runs every target. `n` is the big size (10M in the report), `n1` the size of `expr1`.
pub fn rows(n: usize, n1: usize, plan: Plan) -> Vec<Row> {
    let mut rows = Vec::new();
    let x = inputs::array(n, 0.0, 10.0, 20);
    let y = inputs::array(n, 0.0, 10.0, 21);
    let xs = || inputs::slice_of(&x);
    let copy_out = Array::zeros(DType::F64, &[n]);
    let jit = |f: &'static str, sig: &[Type]| Jit::new("simd.k", KERNELS, f, sig);
    let out = Array::zeros(DType::F64, &[n]);

    // The copy bandwidth yardstick, timed alongside each memory-bound kernel.
    let mut copy = || {
        // SAFETY: one thread; nothing else reads `copy_out` while the slice lives.
        let o = unsafe { copy_out.shared_mut_slice::<f64>() }.expect("contiguous");
        base::copy(xs(), o);
    };

    {
        let k = jit("expr2_into", &[F64_1D; 3]);
        let args = [
            Value::Array(x.clone()),
            Value::Array(y.clone()),
            Value::Array(out.clone()),
        ];
        let (tj, tc) = pair(plan, &mut || drop(k.call(&args)), &mut copy);
        // 24 bytes per element moved against copy's 16.
        let frac = (24.0 / tj) / (16.0 / tc);
        rows.push(Row {
            target: "`out[:] = 2*a + 3*b**2`, >= 90% of copy bandwidth",
            size: n,
            jit: tj,
            base: tc,
            base_name: "Rust copy",
            figure: frac,
            figure_text: format!("{:.0}% of copy bandwidth", 100.0 * frac),
            met: frac >= 0.9,
        });
    }
    {
        let k = jit("sum_sq", &[F64_1D]);
        let args = [Value::Array(x.clone())];
        let (tj, tr) = pair(plan, &mut || drop(k.call(&args)), &mut || {
            std::hint::black_box(rust::sum_sq_array(xs()));
        });
        let f = tr / tj;
        rows.push(Row {
            target: "`s += sum(a**2)`, >= 90% of Rust with 8 accumulators",
            size: n,
            jit: tj,
            base: tr,
            base_name: "Rust, 8 accumulators",
            figure: f,
            figure_text: format!("{:.0}% of Rust's speed", 100.0 * f),
            met: f >= 0.9,
        });
    }
    {
        let a = inputs::array(n1, 0.0, 1.0, 22);
        let b = inputs::array(n1, 0.0, 1.0, 23);
        let c = inputs::array(n1, 0.0, 1.0, 24);
        let k = jit("expr1", &[F64_1D; 3]);
        let args = [
            Value::Array(a.clone()),
            Value::Array(b.clone()),
            Value::Array(c.clone()),
        ];
        let (tj, tr) = pair(plan, &mut || drop(k.call(&args)), &mut || {
            drop(std::hint::black_box(rust::expr1(
                inputs::slice_of(&a),
                inputs::slice_of(&b),
                inputs::slice_of(&c),
            )))
        });
        let f = tj / tr;
        rows.push(Row {
            target: "`x + (y**2 + (z*x + 1)*3)` (new result), within 1.1x of Rust",
            size: n1,
            jit: tj,
            base: tr,
            base_name: "Rust",
            figure: f,
            figure_text: format!("{f:.2}x Rust's time"),
            met: f <= 1.1,
        });
    }
    let (waves64, growth64);
    {
        let k = jit("waves", &[F64_1D; 2]);
        let args = [Value::Array(x.clone()), Value::Array(y.clone())];
        let (tj, tr) = pair(plan, &mut || drop(k.call(&args)), &mut || {
            drop(std::hint::black_box(rust::waves(
                xs(),
                inputs::slice_of(&y),
            )))
        });
        waves64 = tj;
        let f = tr / tj;
        rows.push(Row {
            target: "`sin(x)**2 + cos(y)**2`, >= 4x faster than per-element libm",
            size: n,
            jit: tj,
            base: tr,
            base_name: "Rust + libm",
            figure: f,
            figure_text: format!("{f:.2}x faster"),
            met: f >= 4.0,
        });
    }
    {
        let k = jit("growth", &[F64_1D]);
        let args = [Value::Array(x.clone())];
        let (tj, tr) = pair(plan, &mut || drop(k.call(&args)), &mut || {
            drop(std::hint::black_box(rust::growth(xs())))
        });
        growth64 = tj;
        let f = tr / tj;
        rows.push(Row {
            target: "`exp(-x) * log1p(x)`, >= 3x faster than per-element libm",
            size: n,
            jit: tj,
            base: tr,
            base_name: "Rust + libm",
            figure: f,
            figure_text: format!("{f:.2}x faster"),
            met: f >= 3.0,
        });
    }
    {
        let k = jit("exp1", &[F64_1D]);
        let args = [Value::Array(x.clone())];
        let (tj, tr) = pair(plan, &mut || drop(k.call(&args)), &mut || {
            drop(std::hint::black_box(base::exp(xs())))
        });
        let f = tr / tj;
        rows.push(Row {
            target: "`exp(x)` (NumPy's np.exp: measured separately, docs/performance.md)",
            size: n,
            jit: tj,
            base: tr,
            base_name: "Rust + libm",
            figure: f,
            figure_text: format!("{f:.2}x faster than libm"),
            met: true,
        });
    }
    {
        let x32 = f32_array(n, 0.0, 10.0, 20);
        let y32 = f32_array(n, 0.0, 10.0, 21);
        for (name, f, sig, args, t64) in [
            (
                "f32 `sin(x)**2 + cos(y)**2`, >= 1.7x faster than f64",
                "waves",
                vec![F32_1D; 2],
                vec![x32.clone(), y32.clone()],
                waves64,
            ),
            (
                "f32 `exp(-x) * log1p(x)`, >= 1.7x faster than f64",
                "growth",
                vec![F32_1D],
                vec![x32.clone()],
                growth64,
            ),
        ] {
            let k = jit(f, &sig);
            let (tj, _) = crate::timing::median(plan, || k.call(&args));
            let r = t64 / tj;
            rows.push(Row {
                target: name,
                size: n,
                jit: tj,
                base: t64,
                base_name: "kernelc f64 (above)",
                figure: r,
                figure_text: format!("{r:.2}x faster than f64"),
                met: r >= 1.7,
            });
        }
    }
    {
        let k = jit("axpc", &[F64_1D, F64_1D, F64_1D, Type::Scalar(DType::F64)]);
        let args = [
            Value::Array(x.clone()),
            Value::Array(y.clone()),
            Value::Array(out.clone()),
            Value::Scalar(kernelc::Scalar::F64(0.5)),
        ];
        let (tj, tc) = pair(plan, &mut || drop(k.call(&args)), &mut copy);
        let frac = (24.0 / tj) / (16.0 / tc);
        rows.push(Row {
            target: "explicit loop `out[i] = a[i]*b[i] + c`, >= 85% of copy bandwidth",
            size: n,
            jit: tj,
            base: tc,
            base_name: "Rust copy",
            figure: frac,
            figure_text: format!("{:.0}% of copy bandwidth", 100.0 * frac),
            met: frac >= 0.85,
        });
        // The same loop in Rust, for scale.
        let o2 = Array::zeros(DType::F64, &[n]);
        let (tj2, tr) = pair(plan, &mut || drop(k.call(&args)), &mut || {
            // SAFETY: one thread; nothing else reads `o2` while the slice lives.
            let o = unsafe { o2.shared_mut_slice::<f64>() }.expect("contiguous");
            base::axpc(xs(), inputs::slice_of(&y), o, 0.5);
        });
        let f = tj2 / tr;
        rows.push(Row {
            target: "explicit loop `out[i] = a[i]*b[i] + c` against the same loop in Rust",
            size: n,
            jit: tj2,
            base: tr,
            base_name: "Rust",
            figure: f,
            figure_text: format!("{f:.2}x Rust's time"),
            met: true,
        });
    }
    rows
}

/// Compile latency (median of `reps` fresh compiles) of a kernel of [`KERNELS`].
pub fn compile_latency(func: &str, sig: &[Type], reps: usize) -> f64 {
    let mut v: Vec<f64> = (0..reps)
        .map(|_| {
            let s = Instant::now();
            let d = kernelc::Dispatcher::new("simd.k", KERNELS).expect("parses");
            d.compile(func, sig).expect("compiles");
            s.elapsed().as_secs_f64()
        })
        .collect();
    crate::timing::median_of(&mut v)
}

/// The sampling plan of the report (`quick`: a smoke run).
pub fn plan(quick: bool) -> Plan {
    Plan {
        samples: if quick { 3 } else { 11 },
        min_sample: Duration::from_millis(if quick { 1 } else { 20 }),
    }
}
