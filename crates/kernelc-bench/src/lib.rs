//! Benchmark harness of kernelc: the same kernels run three ways — native code from the
//! Cranelift JIT (through [`kernelc::Dispatcher`], compiled once per signature and
//! cached), the reference interpreter (the facade's [`Executor::Interp`]), and the same loop
//! hand-written in Rust ([`rust`], compiled by rustc/LLVM with `--release`).
//!
//! Two front ends share this library:
//! * `benches/kernels.rs` — criterion groups (`cargo bench -p kernelc-bench`);
//! * `src/main.rs` — a quick table of medians and ratios
//!   (`cargo run --release -p kernelc-bench [-- --quick]`), used for docs/performance.md.
//!
//! Code map:
//! * [`sources`] — the kernel texts (the workload files and `examples/bench/*.k`).
//! * [`inputs`] — deterministic input arrays.
//! * [`rust`] — hand-written Rust versions of every kernel (`#[inline(never)]`).
//! * [`Jit`], [`Interp`] — one compiled function under each executor.
//! * [`cases`] — every loop and whole-array benchmark as a [`Case`] (three closures).
//! * [`compile_targets`] — every workload kernel with the signature it is compiled for.
//! * [`timing`] — the median-of-samples timer used by the binary.
//! * [`simd`] — the SIMD targets against copy bandwidth, libm and Rust (`--simd`).
//! * [`workloads`] — the `examples/workloads/` kernels at any size under every executor
//!   (JIT on 1 and all threads, interpreter, Rust serial and rayon): the criterion groups.
//! * [`bandwidth`] — the memory-bandwidth reference (copy and triad, serial and rayon).
//! * [`machine`] — CPU model, cores, memory, commit and date, for the report.
//! * [`report`] — the generated section of docs/performance.md (tables and SVG plots) from
//!   criterion's results and `tools/peers.py`'s JSON.

use kernelc::{
    Arg, Array, ArrayType, DType, Dispatcher, Executor, Kernel, Output, Scalar, Type, Value,
};
use std::io;

pub mod bandwidth;
pub mod machine;
pub mod report;
pub mod simd;
pub mod workloads;

/// The texts of the kernels, embedded at build time.
pub mod sources {
    /// `examples/workloads/expr1.k`: `expr1(x, y, z)`.
    pub const EXPR1: &str = include_str!("../../../examples/workloads/expr1.k");
    /// `examples/workloads/expr2.k`: `expr2(a, b)`, `expr2_into(a, b, out)`.
    pub const EXPR2: &str = include_str!("../../../examples/workloads/expr2.k");
    /// `examples/workloads/dists.k`: `naive_dist`, `loop_dists`, `simple_dists`.
    pub const DISTS: &str = include_str!("../../../examples/workloads/dists.k");
    /// `examples/workloads/sum_squares.k`: `sum_squares`, `parallel_sum`.
    pub const SUM_SQUARES: &str = include_str!("../../../examples/workloads/sum_squares.k");
    /// `examples/workloads/pi.k`: `loop_pi(n)`, `array_pi(n)`.
    pub const PI: &str = include_str!("../../../examples/workloads/pi.k");
    /// `examples/workloads/c2f.k`: `hottest(celsius)`.
    pub const C2F: &str = include_str!("../../../examples/workloads/c2f.k");
    /// `examples/workloads/transcendental.k`: `waves(x, y)`, `growth(x)`.
    pub const TRANSCENDENTAL: &str = include_str!("../../../examples/workloads/transcendental.k");
    /// `examples/workloads/mandelbrot.k`: `mandelbrot(height, width, max_iter)`.
    pub const MANDELBROT: &str = include_str!("../../../examples/workloads/mandelbrot.k");
    /// `examples/bench/mandel.k`: `mandel(width, height, maxit)`.
    pub const MANDEL: &str = include_str!("../../../examples/bench/mandel.k");
    /// `examples/bench/collatz.k`: `collatz(n)`.
    pub const COLLATZ: &str = include_str!("../../../examples/bench/collatz.k");
    /// `examples/bench/sum_array.k`: `sum_sq_array(a)` (`sum(a ** 2)`).
    pub const SUM_ARRAY: &str = include_str!("../../../examples/bench/sum_array.k");
}

/// Signature entry of a 1-D f64 array.
pub const F64_1D: Type = Type::Array(ArrayType {
    dtype: DType::F64,
    ndim: 1,
});
/// Signature entry of a 2-D f64 array.
pub const F64_2D: Type = Type::Array(ArrayType {
    dtype: DType::F64,
    ndim: 2,
});
/// Signature entry of an i64 scalar.
pub const I64: Type = Type::Scalar(DType::I64);

/// A workload kernel for the compile-latency benchmark: file name, text, function and the
/// signature it is compiled for.
#[derive(Clone, Copy, Debug)]
pub struct CompileTarget {
    /// File name used in diagnostics.
    pub file: &'static str,
    /// Source text of the whole file (the dispatcher parses all of it).
    pub text: &'static str,
    /// The function to compile.
    pub func: &'static str,
    /// Its argument types.
    pub sig: &'static [Type],
}

/// Every workload kernel with the signature it is benchmarked with.
pub fn compile_targets() -> Vec<CompileTarget> {
    use sources::*;
    let t = |file, text, func, sig| CompileTarget {
        file,
        text,
        func,
        sig,
    };
    vec![
        t("expr1.k", EXPR1, "expr1", &[F64_1D, F64_1D, F64_1D]),
        t("expr2.k", EXPR2, "expr2", &[F64_1D, F64_1D]),
        t("expr2.k", EXPR2, "expr2_into", &[F64_1D, F64_1D, F64_1D]),
        t("dists.k", DISTS, "naive_dist", &[F64_1D, F64_1D]),
        t("dists.k", DISTS, "loop_dists", &[F64_2D, F64_2D, F64_1D]),
        t("dists.k", DISTS, "simple_dists", &[F64_2D, F64_2D]),
        t("sum_squares.k", SUM_SQUARES, "sum_squares", &[F64_1D]),
        t("sum_squares.k", SUM_SQUARES, "parallel_sum", &[F64_1D]),
        t("pi.k", PI, "loop_pi", &[I64]),
        t("pi.k", PI, "array_pi", &[I64]),
        t("c2f.k", C2F, "hottest", &[F64_1D]),
        t(
            "transcendental.k",
            TRANSCENDENTAL,
            "waves",
            &[F64_1D, F64_1D],
        ),
        t("transcendental.k", TRANSCENDENTAL, "growth", &[F64_1D]),
    ]
}

/// Source text to callable native code: parse the file, type-check `func` for `sig`,
/// generate and finalize machine code. This is what the compile-latency benchmark times.
pub fn compile_once(t: &CompileTarget) -> Dispatcher {
    let d = Dispatcher::new(t.file, t.text).unwrap_or_else(|e| panic!("{e}"));
    d.compile(t.func, t.sig).unwrap_or_else(|e| panic!("{e}"));
    d
}

/// Only the front end (parse + type inference to the typed IR), for comparison with
/// [`compile_once`]: the difference is Cranelift's share.
pub fn front_end_once(t: &CompileTarget) -> kernelc::Program {
    let src = kernelc::Source::new(t.file, t.text);
    let module = kernelc::parse(&src).unwrap_or_else(|e| panic!("{e}"));
    kernelc::compile(&src, &module, t.func, t.sig).unwrap_or_else(|e| panic!("{e}"))
}

/// One function of a kernel under one executor, called through the facade as an
/// embedding application would (argument binding, the signature cache, then the entry).
pub struct Runner {
    kernel: Kernel,
    func: String,
}

impl Runner {
    /// Parses `text` and compiles `func` for `sig` eagerly (native code too for the JIT),
    /// so calls hit the cache.
    pub fn new(file: &str, text: &str, func: &str, sig: &[Type], executor: Executor) -> Runner {
        let kernel = Kernel::from_named_source(file, text)
            .unwrap_or_else(|e| panic!("{e}"))
            .with_executor(executor);
        kernel.compile(func, sig).unwrap_or_else(|e| panic!("{e}"));
        Runner {
            kernel,
            func: func.to_string(),
        }
    }

    /// The same function with parallel loops on `threads` threads (results never depend
    /// on it).
    pub fn with_threads(self, threads: usize) -> Runner {
        Runner {
            kernel: self.kernel.with_threads(Some(threads)),
            func: self.func,
        }
    }

    /// Calls the function; what it prints is discarded. Panics on an error.
    pub fn call(&self, args: &[Value]) -> Value {
        let args: Vec<Arg<'_>> = args
            .iter()
            .map(|v| match v {
                Value::Scalar(s) => Arg::scalar(*s),
                Value::Array(a) => Arg::array(a.clone()),
                other => panic!("not an argument: {}", other.kind()),
            })
            .collect();
        let f = self
            .kernel
            .function(&self.func)
            .unwrap_or_else(|e| panic!("{e}"));
        match f.call_with_output(&args, &mut io::sink()) {
            Ok(Output::Scalar(s)) => Value::Scalar(s),
            Ok(Output::Array(a)) => Value::Array(a),
            Ok(_) => Value::None,
            Err(e) => panic!("{e}"),
        }
    }
}

/// One function compiled to native code (see [`Runner`]).
pub struct Jit(Runner);

impl Jit {
    /// Parses `text` and compiles `func` for `sig` eagerly, so calls hit the cache.
    pub fn new(file: &str, text: &str, func: &'static str, sig: &[Type]) -> Jit {
        Jit(Runner::new(file, text, func, sig, Executor::Jit))
    }

    /// Calls the function; what it prints is discarded. Panics on a runtime error.
    pub fn call(&self, args: &[Value]) -> Value {
        self.0.call(args)
    }
}

/// One function type-checked for the reference interpreter (see [`Runner`]).
pub struct Interp(Runner);

impl Interp {
    /// Parses `text` and compiles `func` for `sig` to the typed IR.
    pub fn new(file: &str, text: &str, func: &str, sig: &[Type]) -> Interp {
        Interp(Runner::new(file, text, func, sig, Executor::Interp))
    }

    /// Runs the function under the interpreter; what it prints is discarded.
    pub fn call(&self, args: &[Value]) -> Value {
        self.0.call(args)
    }
}

/// Deterministic inputs (a 64-bit LCG; the values only need to be reproducible).
pub mod inputs {
    use super::*;

    /// `n` values uniform in `[lo, hi)`, from `seed`.
    pub fn uniform(n: usize, lo: f64, hi: f64, seed: u64) -> Vec<f64> {
        let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..n)
            .map(|_| {
                s = s
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                lo + (hi - lo) * ((s >> 11) as f64 / (1u64 << 53) as f64)
            })
            .collect()
    }

    /// A 1-D f64 array of `n` values uniform in `[lo, hi)`.
    pub fn array(n: usize, lo: f64, hi: f64, seed: u64) -> Array {
        Array::from_vec(uniform(n, lo, hi, seed), &[n])
    }

    /// An i64 scalar argument.
    pub fn int(v: i64) -> Value {
        Value::Scalar(Scalar::I64(v))
    }

    /// The contiguous f64 elements of an array.
    pub fn slice_of(a: &Array) -> &[f64] {
        a.as_slice::<f64>().expect("contiguous f64 array")
    }

    /// The contiguous f64 elements of an array argument.
    pub fn slice(v: &Value) -> &[f64] {
        match v {
            Value::Array(a) => a.as_slice::<f64>().expect("contiguous f64 array"),
            _ => panic!("not an array"),
        }
    }
}

/// The kernels hand-written in Rust: the same arithmetic in the same order as the `.k`
/// versions (serial reductions are strict left-to-right, as the language requires of
/// serial loops). `#[inline(never)]` keeps each one a real call, like the JIT's.
pub mod rust {
    /// `mandel.k`: total escape iterations over the grid.
    #[inline(never)]
    pub fn mandel(width: i64, height: i64, maxit: i64) -> i64 {
        let mut total = 0i64;
        for py in 0..height {
            let ci = -1.0 + 2.0 * py as f64 / height as f64;
            for px in 0..width {
                let cr = -2.0 + 3.0 * px as f64 / width as f64;
                let (mut zr, mut zi) = (0.0f64, 0.0f64);
                let mut it = 0i64;
                while it < maxit && zr * zr + zi * zi <= 4.0 {
                    let t = zr * zr - zi * zi + cr;
                    zi = 2.0 * zr * zi + ci;
                    zr = t;
                    it += 1;
                }
                total += it;
            }
        }
        total
    }

    /// `collatz.k`: total Collatz steps for the start values `1..=n`.
    #[inline(never)]
    pub fn collatz(n: i64) -> i64 {
        let mut total = 0i64;
        for i in 1..=n {
            let mut x = i;
            while x != 1 {
                if x % 2 == 0 {
                    x /= 2;
                } else {
                    x = x.wrapping_mul(3).wrapping_add(1);
                }
                total += 1;
            }
        }
        total
    }

    /// `dists.k` `naive_dist`: Euclidean distance, strict serial sum.
    #[inline(never)]
    pub fn naive_dist(p: &[f64], q: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..p.len() {
            let d = p[i] - q[i];
            s += d * d;
        }
        s.sqrt()
    }

    /// `sum_squares.k` `sum_squares`: strict serial sum of squares.
    #[inline(never)]
    pub fn sum_squares(a: &[f64]) -> f64 {
        let mut total = 0.0;
        for &v in a {
            total += v * v;
        }
        total
    }

    /// `sum_squares.k` `parallel_sum`: two scoped threads, each a strict serial sum of
    /// its half, combined in order.
    #[inline(never)]
    pub fn parallel_sum(a: &[f64]) -> f64 {
        let (lo, hi) = a.split_at(a.len() / 2);
        std::thread::scope(|s| {
            let h = s.spawn(|| sum_squares(hi));
            let l = sum_squares(lo);
            l + h.join().unwrap_or(f64::NAN)
        })
    }

    /// `sum(a ** 2)`: the reduction with eight independent accumulators (what a Rust
    /// programmer writes for speed; the order differs from a strict serial sum).
    #[inline(never)]
    pub fn sum_sq_array(a: &[f64]) -> f64 {
        let mut acc = [0.0f64; 8];
        let chunks = a.chunks_exact(8);
        let rest = chunks.remainder();
        for c in chunks {
            for k in 0..8 {
                acc[k] += c[k] * c[k];
            }
        }
        let mut s = acc.iter().sum::<f64>();
        for &v in rest {
            s += v * v;
        }
        s
    }

    /// `expr1.k`: `x + (y**2 + (z*x + 1)*3)` into a new vector.
    #[inline(never)]
    pub fn expr1(x: &[f64], y: &[f64], z: &[f64]) -> Vec<f64> {
        x.iter()
            .zip(y)
            .zip(z)
            .map(|((&x, &y), &z)| x + (y * y + (z * x + 1.0) * 3.0))
            .collect()
    }

    /// `expr2.k` `expr2`: `2*a + 3*b**2` into a new vector.
    #[inline(never)]
    pub fn expr2(a: &[f64], b: &[f64]) -> Vec<f64> {
        a.iter()
            .zip(b)
            .map(|(&a, &b)| 2.0 * a + 3.0 * (b * b))
            .collect()
    }

    /// `expr2.k` `expr2_into`: `out[:] = 2*a + 3*b**2`.
    #[inline(never)]
    pub fn expr2_into(a: &[f64], b: &[f64], out: &mut [f64]) {
        for ((o, &a), &b) in out.iter_mut().zip(a).zip(b) {
            *o = 2.0 * a + 3.0 * (b * b);
        }
    }

    /// `c2f.k` `hottest`: `max(celsius * 9 / 5 + 32)` without a temporary.
    #[inline(never)]
    pub fn hottest(c: &[f64]) -> f64 {
        let mut m = f64::NEG_INFINITY;
        for &v in c {
            let f = v * 9.0 / 5.0 + 32.0;
            if f > m || f.is_nan() {
                m = f;
            }
        }
        m
    }

    /// `transcendental.k` `waves`: `sin(x)**2 + cos(y)**2` (Rust's libm calls).
    #[inline(never)]
    pub fn waves(x: &[f64], y: &[f64]) -> Vec<f64> {
        x.iter()
            .zip(y)
            .map(|(&x, &y)| {
                let (s, c) = (x.sin(), y.cos());
                s * s + c * c
            })
            .collect()
    }

    /// `transcendental.k` `growth`: `exp(-x) * log1p(x)` (Rust's libm calls).
    #[inline(never)]
    pub fn growth(x: &[f64]) -> Vec<f64> {
        x.iter().map(|&x| (-x).exp() * x.ln_1p()).collect()
    }
}

/// What one run of a benchmark produced, reduced to a number outside the timed region so
/// that the three executors can be checked against each other.
pub enum Out {
    /// A kernelc value (scalar or array).
    Value(Value),
    /// An f64 result of a Rust kernel.
    F64(f64),
    /// An i64 result of a Rust kernel.
    I64(i64),
    /// An array result of a Rust kernel.
    Vec(Vec<f64>),
}

impl Out {
    /// A checksum: the value of a scalar, the sum of an array's elements.
    pub fn checksum(&self) -> f64 {
        match self {
            Out::Value(Value::Scalar(s)) => s.as_f64(),
            Out::Value(Value::Array(a)) => a.to_vec::<f64>().iter().sum(),
            Out::Value(_) => f64::NAN,
            Out::F64(v) => *v,
            Out::I64(v) => *v as f64,
            Out::Vec(v) => v.iter().sum(),
        }
    }
}

/// A benchmark body: runs the kernel once on inputs it owns.
pub type Body = Box<dyn FnMut() -> Out>;

/// Which benchmark group a case belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// Scalar loop kernels (targets: JIT within 1.5x of Rust, 20x faster than the
    /// interpreter).
    Loop,
    /// Whole-array (fused) expressions on 1M elements.
    Array,
    /// A cached call on 16-element arrays (target: below 0.3 us).
    Call,
}

/// One benchmark, three ways.
pub struct Case {
    /// Short name, as in the report.
    pub name: &'static str,
    /// Problem size, for the table.
    pub size: String,
    /// Which group.
    pub group: Group,
    /// Native code through the dispatcher.
    pub jit: Body,
    /// The reference interpreter.
    pub interp: Body,
    /// The hand-written Rust version, where there is one.
    pub rust: Option<Body>,
}

/// Problem sizes. `full` is what the report quotes; `quick` is a smoke run.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    /// Mandelbrot grid width and height, and the iteration limit.
    pub mandel: (i64, i64, i64),
    /// Collatz: start values 1..=n.
    pub collatz: i64,
    /// Vector length for `naive_dist`.
    pub dist: usize,
    /// Array length for the serial loop and the whole-array expressions.
    pub n: usize,
}

impl Sizes {
    /// The sizes of the report.
    pub const FULL: Sizes = Sizes {
        mandel: (200, 150, 100),
        collatz: 10_000,
        dist: 1000,
        n: 1_000_000,
    };

    /// Small sizes for the self-test (`cargo test -p kernelc-bench`).
    pub const SMALL: Sizes = Sizes {
        mandel: (20, 15, 50),
        collatz: 100,
        dist: 100,
        n: 1000,
    };
}

/// Every loop, array and cached-call case, with inputs of the given sizes.
pub fn cases(sz: Sizes) -> Vec<Case> {
    let mut v = loop_cases(sz);
    v.extend(array_cases(sz.n));
    v.extend(call_cases());
    v
}

fn jit_interp(
    file: &'static str,
    text: &'static str,
    func: &'static str,
    sig: &[Type],
    args: Vec<Value>,
) -> (Body, Body) {
    jit_interp_into(file, text, func, sig, args, None)
}

/// Like [`jit_interp`]; with `result_arg = Some(k)` the bodies return argument `k` (the
/// array the kernel writes into) instead of the kernel's return value.
fn jit_interp_into(
    file: &'static str,
    text: &'static str,
    func: &'static str,
    sig: &[Type],
    args: Vec<Value>,
    result_arg: Option<usize>,
) -> (Body, Body) {
    let jit = Jit::new(file, text, func, sig);
    let interp = Interp::new(file, text, func, sig);
    let a1 = args.clone();
    let pick = move |args: &[Value], r: Value| match result_arg {
        Some(k) => Out::Value(args[k].clone()),
        None => Out::Value(r),
    };
    (
        Box::new(move || {
            let r = jit.call(&a1);
            pick(&a1, r)
        }),
        Box::new(move || {
            let r = interp.call(&args);
            pick(&args, r)
        }),
    )
}

/// The scalar-loop kernels: mandelbrot, naive_dist, collatz, sum_squares (serial) and
/// parallel_sum.
pub fn loop_cases(sz: Sizes) -> Vec<Case> {
    use sources::*;
    let mut v = Vec::new();

    let (w, h, m) = sz.mandel;
    let (jit, interp) = jit_interp(
        "mandel.k",
        MANDEL,
        "mandel",
        &[I64, I64, I64],
        vec![inputs::int(w), inputs::int(h), inputs::int(m)],
    );
    v.push(Case {
        name: "mandel",
        size: format!("{w}x{h}, maxit {m}"),
        group: Group::Loop,
        jit,
        interp,
        rust: Some(Box::new(move || Out::I64(rust::mandel(w, h, m)))),
    });

    let p = Value::Array(inputs::array(sz.dist, 0.0, 1.0, 1));
    let q = Value::Array(inputs::array(sz.dist, 0.0, 1.0, 2));
    let (jit, interp) = jit_interp(
        "dists.k",
        DISTS,
        "naive_dist",
        &[F64_1D, F64_1D],
        vec![p.clone(), q.clone()],
    );
    v.push(Case {
        name: "naive_dist",
        size: format!("{}", sz.dist),
        group: Group::Loop,
        jit,
        interp,
        rust: Some(Box::new(move || {
            Out::F64(rust::naive_dist(inputs::slice(&p), inputs::slice(&q)))
        })),
    });

    let n = sz.collatz;
    let (jit, interp) = jit_interp(
        "collatz.k",
        COLLATZ,
        "collatz",
        &[I64],
        vec![inputs::int(n)],
    );
    v.push(Case {
        name: "collatz",
        size: format!("1..={n}"),
        group: Group::Loop,
        jit,
        interp,
        rust: Some(Box::new(move || Out::I64(rust::collatz(n)))),
    });

    let a = Value::Array(inputs::array(sz.n, -1.0, 1.0, 3));
    for (func, f) in [
        ("sum_squares", rust::sum_squares as fn(&[f64]) -> f64),
        ("parallel_sum", rust::parallel_sum),
    ] {
        let (jit, interp) = jit_interp(
            "sum_squares.k",
            SUM_SQUARES,
            func,
            &[F64_1D],
            vec![a.clone()],
        );
        let a = a.clone();
        v.push(Case {
            name: func,
            size: format!("{}", sz.n),
            group: Group::Loop,
            jit,
            interp,
            rust: Some(Box::new(move || Out::F64(f(inputs::slice(&a))))),
        });
    }
    v
}

/// The whole-array workloads on `n` elements: expr1, expr2, expr2_into, hottest, waves,
/// growth and `sum(a ** 2)` (`sum_sq_array`).
pub fn array_cases(n: usize) -> Vec<Case> {
    use sources::*;
    let x = Value::Array(inputs::array(n, 0.0, 1.0, 10));
    let y = Value::Array(inputs::array(n, 0.0, 1.0, 11));
    let z = Value::Array(inputs::array(n, 0.0, 1.0, 12));
    let celsius = Value::Array(inputs::array(n, -40.0, 50.0, 13));
    let big = Value::Array(inputs::array(n, 0.0, 10.0, 14));
    let big2 = Value::Array(inputs::array(n, 0.0, 10.0, 15));
    let size = format!("{n}");
    let mut v = Vec::new();
    let mut push = |name, jit_interp: (Body, Body), rust: Body| {
        let (jit, interp) = jit_interp;
        v.push(Case {
            name,
            size: size.clone(),
            group: Group::Array,
            jit,
            interp,
            rust: Some(rust),
        });
    };

    let three = vec![x.clone(), y.clone(), z.clone()];
    let (a, b, c) = (x.clone(), y.clone(), z.clone());
    push(
        "expr1",
        jit_interp("expr1.k", EXPR1, "expr1", &[F64_1D; 3], three),
        Box::new(move || {
            Out::Vec(rust::expr1(
                inputs::slice(&a),
                inputs::slice(&b),
                inputs::slice(&c),
            ))
        }),
    );

    let (a, b) = (x.clone(), y.clone());
    push(
        "expr2",
        jit_interp(
            "expr2.k",
            EXPR2,
            "expr2",
            &[F64_1D; 2],
            vec![x.clone(), y.clone()],
        ),
        Box::new(move || Out::Vec(rust::expr2(inputs::slice(&a), inputs::slice(&b)))),
    );

    let out = Value::Array(Array::zeros(DType::F64, &[n]));
    let rust_out = Array::zeros(DType::F64, &[n]);
    let (a, b) = (x.clone(), y.clone());
    push(
        "expr2_into",
        jit_interp_into(
            "expr2.k",
            EXPR2,
            "expr2_into",
            &[F64_1D; 3],
            vec![x.clone(), y.clone(), out],
            Some(2),
        ),
        Box::new(move || {
            // SAFETY: one thread; the earlier results (clones of `rust_out`) are only
            // compared after a run, never while this slice is alive.
            let o = unsafe { rust_out.shared_mut_slice::<f64>() }.expect("contiguous");
            rust::expr2_into(inputs::slice(&a), inputs::slice(&b), o);
            Out::Value(Value::Array(rust_out.clone()))
        }),
    );

    let c = celsius.clone();
    push(
        "hottest",
        jit_interp("c2f.k", C2F, "hottest", &[F64_1D], vec![celsius]),
        Box::new(move || Out::F64(rust::hottest(inputs::slice(&c)))),
    );

    let (a, b) = (big.clone(), big2.clone());
    push(
        "waves",
        jit_interp(
            "transcendental.k",
            TRANSCENDENTAL,
            "waves",
            &[F64_1D; 2],
            vec![big.clone(), big2],
        ),
        Box::new(move || Out::Vec(rust::waves(inputs::slice(&a), inputs::slice(&b)))),
    );

    let a = big.clone();
    push(
        "growth",
        jit_interp(
            "transcendental.k",
            TRANSCENDENTAL,
            "growth",
            &[F64_1D],
            vec![big],
        ),
        Box::new(move || Out::Vec(rust::growth(inputs::slice(&a)))),
    );

    let a = x.clone();
    push(
        "sum_sq_array",
        jit_interp("sum_array.k", SUM_ARRAY, "sum_sq_array", &[F64_1D], vec![x]),
        Box::new(move || Out::F64(rust::sum_sq_array(inputs::slice(&a)))),
    );
    v
}

/// Cached calls on 16-element arrays: the per-call overhead (dispatch, argument
/// marshalling, result boxing).
pub fn call_cases() -> Vec<Case> {
    use sources::*;
    let x = Value::Array(inputs::array(16, 0.0, 1.0, 20));
    let y = Value::Array(inputs::array(16, 0.0, 1.0, 21));
    let z = Value::Array(inputs::array(16, 0.0, 1.0, 22));
    let a = x.clone();
    let (jit, interp) = jit_interp(
        "sum_squares.k",
        SUM_SQUARES,
        "sum_squares",
        &[F64_1D],
        vec![x.clone()],
    );
    let mut v = vec![Case {
        name: "call sum_squares",
        size: "16".into(),
        group: Group::Call,
        jit,
        interp,
        rust: Some(Box::new(move || {
            Out::F64(rust::sum_squares(inputs::slice(&a)))
        })),
    }];
    let (a, b, c) = (x.clone(), y.clone(), z.clone());
    let (jit, interp) = jit_interp("expr1.k", EXPR1, "expr1", &[F64_1D; 3], vec![x, y, z]);
    v.push(Case {
        name: "call expr1",
        size: "16".into(),
        group: Group::Call,
        jit,
        interp,
        rust: Some(Box::new(move || {
            Out::Vec(rust::expr1(
                inputs::slice(&a),
                inputs::slice(&b),
                inputs::slice(&c),
            ))
        })),
    });
    v
}

/// A small timer: medians of repeated samples, each sample a batch of calls long enough
/// to be measured reliably.
pub mod timing {
    use std::time::{Duration, Instant};

    /// How long to measure.
    #[derive(Clone, Copy, Debug)]
    pub struct Plan {
        /// Number of samples (the median is taken over them).
        pub samples: usize,
        /// Minimum duration of one sample; fast bodies are batched to reach it.
        pub min_sample: Duration,
    }

    /// The median time of one call of `f`, in seconds, and the last result of `f`.
    pub fn median<T>(plan: Plan, mut f: impl FnMut() -> T) -> (f64, T) {
        let (t, last) = interleaved(plan, &mut [&mut f as &mut dyn FnMut() -> T]);
        (t[0], last.into_iter().next().expect("one body"))
    }

    /// Median times of one call of each body, in seconds, and the last result of each.
    ///
    /// The samples are interleaved (a batch of the first body, a batch of the second, ...,
    /// and again), so that a slow phase of a noisy machine hits every body alike and the
    /// ratios stay meaningful. Each body is first run once (warm-up) and its batch size
    /// chosen so that a batch lasts at least `plan.min_sample`.
    pub fn interleaved<T>(plan: Plan, bodies: &mut [&mut dyn FnMut() -> T]) -> (Vec<f64>, Vec<T>) {
        let mut last = Vec::with_capacity(bodies.len());
        let mut batch = Vec::with_capacity(bodies.len());
        for f in bodies.iter_mut() {
            let t0 = Instant::now();
            last.push(f());
            let once = t0.elapsed().max(Duration::from_nanos(1));
            batch.push((plan.min_sample.as_nanos() / once.as_nanos()).clamp(1, 1_000_000) as usize);
        }
        let mut times = vec![Vec::with_capacity(plan.samples); bodies.len()];
        for _ in 0..plan.samples.max(1) {
            for (k, f) in bodies.iter_mut().enumerate() {
                let t = Instant::now();
                for _ in 0..batch[k] {
                    last[k] = std::hint::black_box(f());
                }
                times[k].push(t.elapsed().as_secs_f64() / batch[k] as f64);
            }
        }
        (times.iter_mut().map(|t| median_of(t)).collect(), last)
    }

    /// The median of a non-empty list (mean of the middle two for even lengths).
    pub fn median_of(v: &mut [f64]) -> f64 {
        v.sort_by(|a, b| a.total_cmp(b));
        let n = v.len();
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The three versions of every case compute the same result (up to the summation
    /// order of reductions and the last bits of libm), so the timings compare like with
    /// like.
    #[test]
    fn executors_agree() {
        for mut c in cases(Sizes::SMALL) {
            let j = (c.jit)().checksum();
            let i = (c.interp)().checksum();
            assert_eq!(
                j.to_bits(),
                i.to_bits(),
                "{}: JIT {j} vs interpreter {i}",
                c.name
            );
            if let Some(r) = c.rust.as_mut() {
                let r = r().checksum();
                let tol = 1e-9 * j.abs().max(1.0);
                assert!((j - r).abs() <= tol, "{}: JIT {j} vs Rust {r}", c.name);
            }
        }
    }

    /// Every workload kernel compiles for its benchmark signature.
    #[test]
    fn compile_targets_compile() {
        for t in compile_targets() {
            compile_once(&t);
            front_end_once(&t);
        }
    }

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(timing::median_of(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(timing::median_of(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
    }
}
