//! The kernels of `examples/workloads/` at any size, under every executor the report
//! compares: the JIT on one thread and on all threads, the reference interpreter, and the
//! same kernel hand-written in Rust, serial and with rayon.
//!
//! Produced here, consumed by `benches/kernels.rs` (one criterion group per workload, one
//! benchmark per executor and size) and by the report ([`crate::report`], which reads the
//! [`WORKLOADS`] table for names, descriptions and bytes per element).
//!
//! Every executor of a workload reads the same input arrays. [`check`] compares their
//! results: the JIT on any thread count and the interpreter must agree bit for bit (the
//! language's determinism rule), Rust within the rounding of another summation order (or,
//! for the Monte Carlo workloads, within ten standard errors of pi).

use crate::{inputs, rust, Body, Out, Runner};
use kernelc::{Array, ArrayType, DType, Executor, Type, Value};
use rayon::prelude::*;

/// One workload of `examples/workloads/`: a kernel function and how it scales.
#[derive(Clone, Copy, Debug)]
pub struct Workload {
    /// The kernel function, also the criterion group's name.
    pub name: &'static str,
    /// Its file in `examples/workloads/`.
    pub file: &'static str,
    /// What it computes, for the report's tables.
    pub what: &'static str,
    /// What one of the `n` elements is (array element, pixel, random sample).
    pub unit: &'static str,
    /// Bytes of array arguments and result per element (0: the kernel streams no array).
    pub bytes_per_element: f64,
    /// How results of hand-written Rust are compared with the kernel's.
    pub check: Check,
}

/// How the results of a workload's executors are compared (see [`check`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// Rust's checksum within 1e-9 relative of the kernel's.
    Close,
    /// A Monte Carlo estimate of pi: every executor within ten standard errors of pi
    /// (hand-written Rust draws other random numbers).
    Pi,
}

/// Every workload, in the report's order.
pub const WORKLOADS: &[Workload] = &[
    w("expr1", "expr1.k", "`x + (y**2 + (z*x + 1)*3)`", 32.0),
    w("expr2", "expr2.k", "`2*a + 3*b**2` (new result)", 24.0),
    w("expr2_into", "expr2.k", "`out[:] = 2*a + 3*b**2`", 24.0),
    w("hottest", "c2f.k", "`max(celsius * 9 / 5 + 32)`", 8.0),
    w("waves", "transcendental.k", "`sin(x)**2 + cos(y)**2`", 24.0),
    w("growth", "transcendental.k", "`exp(-x) * log1p(x)`", 16.0),
    w(
        "sum_squares",
        "sum_squares.k",
        "serial loop `total += arr[i]**2`",
        8.0,
    ),
    w(
        "parallel_sum",
        "sum_squares.k",
        "`prange` loop `total += arr[i]**2`",
        8.0,
    ),
    w(
        "simple_dists",
        "dists.k",
        "`sum((ps - qs)**2, axis=1)**0.5`, rows of 1000",
        16.0,
    ),
    w(
        "loop_dists",
        "dists.k",
        "`prange` over rows calling `naive_dist`",
        16.0,
    ),
    Workload {
        unit: "sample",
        bytes_per_element: 0.0,
        check: Check::Pi,
        ..w(
            "loop_pi",
            "pi.k",
            "Monte Carlo pi, `prange` loop of `random()`",
            0.0,
        )
    },
    Workload {
        unit: "sample",
        bytes_per_element: 0.0,
        check: Check::Pi,
        ..w(
            "array_pi",
            "pi.k",
            "Monte Carlo pi, `random(n)` arrays",
            0.0,
        )
    },
    Workload {
        unit: "pixel",
        ..w(
            "mandelbrot",
            "mandelbrot.k",
            "escape time, `prange` over rows, maxit 100",
            0.0,
        )
    },
];

const fn w(name: &'static str, file: &'static str, what: &'static str, bytes: f64) -> Workload {
    Workload {
        name,
        file,
        what,
        unit: "element",
        bytes_per_element: bytes,
        check: Check::Close,
    }
}

/// The workload called `name`.
pub fn workload(name: &str) -> Option<&'static Workload> {
    WORKLOADS.iter().find(|w| w.name == name)
}

/// The executors, as criterion benchmark ids: JIT on 1 thread, JIT on all threads, the
/// interpreter, Rust serial, Rust with rayon (all threads).
pub const EXECUTORS: &[&str] = &["jit_1t", "jit_all", "interp", "rust", "rayon"];

/// The sizes of the criterion benches (elements, pixels or samples).
pub const SIZES: &[usize] = &[1_000, 10_000, 100_000, 1_000_000, 10_000_000];

/// The thread count of "all threads": the hardware threads available to this process.
pub fn all_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Mandelbrot's image for `n` pixels: about square, `height * width <= n`.
pub fn mandel_shape(n: usize) -> (usize, usize) {
    let h = ((n as f64).sqrt() as usize).max(1);
    (h, (n / h).max(1))
}

/// Rows of the distance workloads for `n` elements: rows of 1000 (fewer for tiny `n`).
pub fn dist_shape(n: usize) -> (usize, usize) {
    let cols = n.clamp(1, 1000);
    ((n / cols).max(1), cols)
}

fn sig_of(args: &[Value]) -> Vec<Type> {
    args.iter()
        .map(|v| match v {
            Value::Array(a) => Type::Array(ArrayType {
                dtype: a.dtype(),
                ndim: a.ndim() as u8,
            }),
            Value::Scalar(s) => Type::Scalar(s.dtype()),
            other => panic!("not an argument: {}", other.kind()),
        })
        .collect()
}

fn source(file: &str) -> &'static str {
    use crate::sources::*;
    match file {
        "expr1.k" => EXPR1,
        "expr2.k" => EXPR2,
        "c2f.k" => C2F,
        "transcendental.k" => TRANSCENDENTAL,
        "sum_squares.k" => SUM_SQUARES,
        "dists.k" => DISTS,
        "pi.k" => PI,
        "mandelbrot.k" => MANDELBROT,
        other => panic!("no workload file {other}"),
    }
}

/// A kernelc body: `args()` makes the arguments (fresh output arrays, shared inputs);
/// with `result_arg = Some(k)` the body's result is argument `k`.
fn kernel_body(
    w: &Workload,
    executor: Executor,
    threads: Option<usize>,
    args: Vec<Value>,
    result_arg: Option<usize>,
) -> Body {
    let mut r = Runner::new(w.file, source(w.file), w.name, &sig_of(&args), executor);
    if let Some(t) = threads {
        r = r.with_threads(t);
    }
    Box::new(move || {
        let v = r.call(&args);
        Out::Value(match result_arg {
            Some(k) => args[k].clone(),
            None => v,
        })
    })
}

/// A fresh f64 array the kernel or the Rust body writes into.
fn out_array(n: usize) -> Value {
    Value::Array(Array::zeros(DType::F64, &[n]))
}

/// The bodies of workload `w` at `n` elements for the `executors` asked for (ids of
/// [`EXECUTORS`]), in that order; "all threads" is `threads`.
pub fn bodies(
    w: &Workload,
    n: usize,
    threads: usize,
    executors: &[&str],
) -> Vec<(&'static str, Body)> {
    let inputs = Inputs::new(w.name, n);
    let mut v = Vec::new();
    for &id in EXECUTORS.iter().filter(|e| executors.contains(e)) {
        let body = match id {
            "jit_1t" => inputs.kernel(w, Executor::Jit, Some(1)),
            "jit_all" => inputs.kernel(w, Executor::Jit, Some(threads)),
            "interp" => inputs.kernel(w, Executor::Interp, None),
            "rust" => inputs.rust(w.name, false),
            _ => inputs.rust(w.name, true),
        };
        v.push((id, body));
    }
    v
}

/// The inputs of one workload at one size, shared by every executor.
struct Inputs {
    n: usize,
    /// Input arrays (or the scalar arguments) in the kernel's parameter order.
    args: Vec<Value>,
}

impl Inputs {
    fn new(name: &str, n: usize) -> Inputs {
        let arr = |lo, hi, seed| Value::Array(inputs::array(n, lo, hi, seed));
        let args = match name {
            "expr1" => vec![arr(0.0, 1.0, 10), arr(0.0, 1.0, 11), arr(0.0, 1.0, 12)],
            "expr2" | "expr2_into" => vec![arr(-1.0, 1.0, 10), arr(-1.0, 1.0, 11)],
            "hottest" => vec![arr(-40.0, 50.0, 13)],
            "waves" => vec![arr(0.0, 10.0, 14), arr(0.0, 10.0, 15)],
            "growth" => vec![arr(0.0, 10.0, 14)],
            "sum_squares" | "parallel_sum" => vec![arr(-1.0, 1.0, 3)],
            "simple_dists" | "loop_dists" => {
                let (m, c) = dist_shape(n);
                let mat = |seed| {
                    let v = inputs::uniform(m * c, 0.0, 1.0, seed);
                    Value::Array(Array::from_vec(v, &[m, c]))
                };
                vec![mat(1), mat(2)]
            }
            "loop_pi" | "array_pi" => vec![inputs::int(n as i64)],
            "mandelbrot" => {
                let (h, wd) = mandel_shape(n);
                vec![
                    inputs::int(h as i64),
                    inputs::int(wd as i64),
                    inputs::int(100),
                ]
            }
            other => panic!("no workload {other}"),
        };
        Inputs { n, args }
    }

    fn kernel(&self, w: &Workload, executor: Executor, threads: Option<usize>) -> Body {
        let mut args = self.args.clone();
        let result_arg = match w.name {
            "expr2_into" => {
                args.push(out_array(self.n));
                Some(2)
            }
            "loop_dists" => {
                args.push(out_array(dist_shape(self.n).0));
                Some(2)
            }
            _ => None,
        };
        kernel_body(w, executor, threads, args, result_arg)
    }

    /// The hand-written Rust body, serial or with rayon.
    fn rust(&self, name: &str, par: bool) -> Body {
        let a = self.args.clone();
        fn s(a: &[Value], k: usize) -> &[f64] {
            inputs::slice(&a[k])
        }
        match (name, par) {
            ("expr1", false) => {
                Box::new(move || Out::Vec(rust::expr1(s(&a, 0), s(&a, 1), s(&a, 2))))
            }
            ("expr1", true) => Box::new(move || Out::Vec(par::expr1(s(&a, 0), s(&a, 1), s(&a, 2)))),
            ("expr2", false) => Box::new(move || Out::Vec(rust::expr2(s(&a, 0), s(&a, 1)))),
            ("expr2", true) => Box::new(move || Out::Vec(par::expr2(s(&a, 0), s(&a, 1)))),
            ("expr2_into", _) => {
                let out = Array::zeros(DType::F64, &[self.n]);
                Box::new(move || {
                    // SAFETY: `out` belongs to this body, which runs on one thread at a
                    // time; its results (clones of the handle) are read after it returns.
                    let o = unsafe { out.shared_mut_slice::<f64>() }.expect("contiguous");
                    if par {
                        par::expr2_into(s(&a, 0), s(&a, 1), o);
                    } else {
                        rust::expr2_into(s(&a, 0), s(&a, 1), o);
                    }
                    Out::Value(Value::Array(out.clone()))
                })
            }
            ("hottest", false) => Box::new(move || Out::F64(rust::hottest(s(&a, 0)))),
            ("hottest", true) => Box::new(move || Out::F64(par::hottest(s(&a, 0)))),
            ("waves", false) => Box::new(move || Out::Vec(rust::waves(s(&a, 0), s(&a, 1)))),
            ("waves", true) => Box::new(move || Out::Vec(par::waves(s(&a, 0), s(&a, 1)))),
            ("growth", false) => Box::new(move || Out::Vec(rust::growth(s(&a, 0)))),
            ("growth", true) => Box::new(move || Out::Vec(par::growth(s(&a, 0)))),
            ("sum_squares" | "parallel_sum", false) => {
                Box::new(move || Out::F64(rust::sum_squares(s(&a, 0))))
            }
            ("sum_squares" | "parallel_sum", true) => {
                Box::new(move || Out::F64(par::sum_squares(s(&a, 0))))
            }
            ("simple_dists" | "loop_dists", _) => {
                let (m, c) = dist_shape(self.n);
                let out = Array::zeros(DType::F64, &[m]);
                Box::new(move || {
                    // SAFETY: `out` belongs to this body, which runs on one thread at a
                    // time; its results (clones of the handle) are read after it returns.
                    let o = unsafe { out.shared_mut_slice::<f64>() }.expect("contiguous");
                    par::dists(s(&a, 0), s(&a, 1), c, o, par);
                    Out::Value(Value::Array(out.clone()))
                })
            }
            ("loop_pi" | "array_pi", _) => {
                let n = self.n;
                Box::new(move || Out::F64(par::pi(n, par)))
            }
            ("mandelbrot", _) => {
                let (h, wd) = mandel_shape(self.n);
                let mut img = vec![0i64; h * wd];
                Box::new(move || {
                    par::mandelbrot(&mut img, h, wd, 100, par);
                    Out::I64(img.iter().sum())
                })
            }
            (other, _) => panic!("no Rust version of {other}"),
        }
    }
}

/// The results of one workload's executors at one size, compared: `Err` says which
/// executor disagrees with which and by how much.
pub fn check(w: &Workload, n: usize, results: &[(&str, Out)]) -> Result<(), String> {
    let reference = results
        .iter()
        .find(|(e, _)| e.starts_with("jit") || *e == "interp")
        .map(|(e, o)| (*e, o.checksum()));
    for (id, out) in results {
        let c = out.checksum();
        if w.check == Check::Pi {
            let tol = 10.0 * 1.7 / (n as f64).sqrt();
            if (c - std::f64::consts::PI).abs() > tol {
                return Err(format!(
                    "{} {id} at {n}: {c} is not pi within {tol}",
                    w.name
                ));
            }
        }
        let Some((rid, r)) = reference else { continue };
        if id.starts_with("jit") || *id == "interp" {
            if c.to_bits() != r.to_bits() {
                return Err(format!(
                    "{} at {n}: {id} {c} against {rid} {r} (must be equal bits)",
                    w.name
                ));
            }
        } else if w.check == Check::Close {
            let tol = 1e-9 * r.abs().max(1.0);
            if (c - r).abs() > tol {
                return Err(format!("{} at {n}: {id} {c} against {rid} {r}", w.name));
            }
        }
    }
    Ok(())
}

/// Hand-written Rust versions that `examples/workloads/` has no serial twin of in
/// [`crate::rust`], and the rayon versions of every workload (rayon's global pool: all
/// threads). Reductions with rayon combine in rayon's order, not the language's.
pub mod par {
    use super::*;

    /// `expr1` on all threads.
    #[inline(never)]
    pub fn expr1(x: &[f64], y: &[f64], z: &[f64]) -> Vec<f64> {
        (x, y, z)
            .into_par_iter()
            .map(|(&x, &y, &z)| x + (y * y + (z * x + 1.0) * 3.0))
            .collect()
    }

    /// `expr2` on all threads.
    #[inline(never)]
    pub fn expr2(a: &[f64], b: &[f64]) -> Vec<f64> {
        (a, b)
            .into_par_iter()
            .map(|(&a, &b)| 2.0 * a + 3.0 * (b * b))
            .collect()
    }

    /// `expr2_into` on all threads.
    #[inline(never)]
    pub fn expr2_into(a: &[f64], b: &[f64], out: &mut [f64]) {
        (out, a, b)
            .into_par_iter()
            .for_each(|(o, &a, &b)| *o = 2.0 * a + 3.0 * (b * b));
    }

    /// `hottest` on all threads (a nan wins, as in the kernel).
    #[inline(never)]
    pub fn hottest(c: &[f64]) -> f64 {
        c.par_chunks(1 << 14).map(rust::hottest).reduce(
            || f64::NEG_INFINITY,
            |m, f| if f > m || f.is_nan() { f } else { m },
        )
    }

    /// `waves` on all threads (Rust's libm).
    #[inline(never)]
    pub fn waves(x: &[f64], y: &[f64]) -> Vec<f64> {
        (x, y)
            .into_par_iter()
            .map(|(&x, &y)| {
                let (s, c) = (x.sin(), y.cos());
                s * s + c * c
            })
            .collect()
    }

    /// `growth` on all threads (Rust's libm).
    #[inline(never)]
    pub fn growth(x: &[f64]) -> Vec<f64> {
        x.par_iter().map(|&x| (-x).exp() * x.ln_1p()).collect()
    }

    /// The sum of squares on all threads: serial sums of chunks, combined by rayon.
    #[inline(never)]
    pub fn sum_squares(a: &[f64]) -> f64 {
        a.par_chunks(1 << 14).map(rust::sum_squares).sum()
    }

    /// `naive_dist` of each row pair of `ps`, `qs` (rows of `cols`) into `out`.
    #[inline(never)]
    pub fn dists(ps: &[f64], qs: &[f64], cols: usize, out: &mut [f64], par: bool) {
        if par {
            (out, ps.par_chunks(cols), qs.par_chunks(cols))
                .into_par_iter()
                .for_each(|(o, p, q)| *o = rust::naive_dist(p, q));
        } else {
            for ((o, p), q) in out.iter_mut().zip(ps.chunks(cols)).zip(qs.chunks(cols)) {
                *o = rust::naive_dist(p, q);
            }
        }
    }

    /// Monte Carlo pi from `n` points (splitmix64, one stream per chunk of 2^16 points,
    /// so the serial and the rayon version draw the same points).
    #[inline(never)]
    pub fn pi(n: usize, par: bool) -> f64 {
        const CHUNK: usize = 1 << 16;
        let chunk = |c: usize| -> u64 {
            let mut s = (c as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let mut next = || {
                s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = s;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
            };
            let len = CHUNK.min(n - c * CHUNK);
            (0..len)
                .filter(|_| {
                    let (x, y) = (next(), next());
                    x * x + y * y < 1.0
                })
                .count() as u64
        };
        let chunks = n.div_ceil(CHUNK);
        let inside: u64 = if par {
            (0..chunks).into_par_iter().map(chunk).sum()
        } else {
            (0..chunks).map(chunk).sum()
        };
        inside as f64 / n as f64 * 4.0
    }

    /// `escape` of `mandelbrot.k`.
    #[inline(always)]
    fn escape(cr: f64, ci: f64, max_iter: i64) -> i64 {
        let (mut zr, mut zi) = (0.0f64, 0.0f64);
        for k in 0..max_iter {
            let (zr2, zi2) = (zr * zr, zi * zi);
            if zr2 + zi2 > 4.0 {
                return k;
            }
            zi = 2.0 * zr * zi + ci;
            zr = zr2 - zi2 + cr;
        }
        max_iter
    }

    /// `mandelbrot.k`'s image of `h` rows of `w` pixels into `img`.
    #[inline(never)]
    pub fn mandelbrot(img: &mut [i64], h: usize, w: usize, max_iter: i64, par: bool) {
        let row = |(y, r): (usize, &mut [i64])| {
            let ci = -1.0 + 2.0 * y as f64 / h as f64;
            for (x, p) in r.iter_mut().enumerate() {
                let cr = -2.0 + 3.0 * x as f64 / w as f64;
                *p = escape(cr, ci, max_iter);
            }
        };
        if par {
            img.par_chunks_mut(w).enumerate().for_each(row);
        } else {
            img.chunks_mut(w).enumerate().for_each(row);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every workload under every executor gives the same result (bits for the JIT on 1
    /// and 2 threads and the interpreter), at a size with several chunks and rows.
    #[test]
    fn executors_agree_on_every_workload() {
        for w in WORKLOADS {
            let n = 20_000;
            let results: Vec<(&str, Out)> = bodies(w, n, 2, EXECUTORS)
                .into_iter()
                .map(|(id, mut b)| (id, b()))
                .collect();
            assert_eq!(results.len(), EXECUTORS.len());
            if let Err(e) = check(w, n, &results) {
                panic!("{e}");
            }
        }
    }

    #[test]
    fn shapes_cover_the_size() {
        assert_eq!(mandel_shape(1000), (31, 32));
        assert_eq!(dist_shape(10_000), (10, 1000));
        assert_eq!(dist_shape(10), (1, 10));
    }
}
