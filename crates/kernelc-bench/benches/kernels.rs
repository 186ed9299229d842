//! Criterion benchmarks of kernelc (`cargo bench -p kernelc-bench`), the measurements
//! behind the generated part of docs/performance.md (`tools/perf_report.sh`).
//!
//! Groups:
//! * one per workload of `examples/workloads/` (`expr1`, `expr2`, ..., `mandelbrot`; see
//!   `kernelc_bench::workloads`), with benchmarks `jit_1t/N`, `jit_all/N`, `interp/N`,
//!   `rust/N` and `rayon/N` for N = 1K, 10K, 100K, 1M and 10M elements;
//! * `bandwidth` — the memory-bandwidth reference: `copy_1t/N`, `copy_all/N`,
//!   `triad_1t/N`, `triad_all/N`;
//! * `compile` — source text to callable native code, per workload kernel;
//! * `call` — a cached call on 16-element f64 arrays (`call_sum_squares/jit`, ...).
//!
//! Before a workload's benchmarks at a size, each executor runs once: the results are
//! checked against each other (a benchmark of a wrong result stops the run), and an
//! executor whose single call takes longer than `KERNELC_BENCH_MAX_CALL` seconds (0.5 by
//! default), or is predicted to from the previous size, is skipped at that size and the
//! larger ones (the interpreter on the loop kernels, 10M-pixel Mandelbrot images).
//!
//! Environment: `KERNELC_BENCH_SIZES=1000,10000` (sizes), `KERNELC_BENCH_GROUPS=expr1,waves`
//! (groups set up at all; criterion's own filter only selects what is measured),
//! `KERNELC_BENCH_MAX_CALL`, `KERNELC_PERF_DIR` (default `target/perf`: criterion's results
//! go to `criterion/` inside it, and `bench-run.json` records the machine, thread counts,
//! sizes and skipped cells). Without `--bench` (`cargo test --all-targets`) every benchmark
//! runs once at 1K elements as a smoke test.
//!
//! Settings are short (10 samples in 0.3 s per benchmark, flat sampling): the whole run
//! takes about five minutes on two cores. Compare ratios within one run.

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use kernelc_bench::machine::Machine;
use kernelc_bench::workloads::{self, Workload, EXECUTORS, WORKLOADS};
use kernelc_bench::{bandwidth, call_cases, compile_once, compile_targets, inputs, Out};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Cells not measured, for the manifest: (group, executor, size, reason).
static SKIPPED: Mutex<Vec<(String, String, usize, String)>> = Mutex::new(Vec::new());

/// What this run measures.
struct Plan {
    sizes: Vec<usize>,
    groups: Option<Vec<String>>,
    max_call: f64,
    threads: usize,
}

fn env_list(name: &str) -> Option<Vec<String>> {
    std::env::var(name).ok().map(|s| {
        s.split(',')
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect()
    })
}

impl Plan {
    fn from_env(bench_mode: bool) -> Plan {
        let sizes = env_list("KERNELC_BENCH_SIZES")
            .map(|v| {
                v.iter()
                    .map(|s| s.parse().expect("KERNELC_BENCH_SIZES: integers"))
                    .collect()
            })
            .unwrap_or_else(|| {
                if bench_mode {
                    workloads::SIZES.to_vec()
                } else {
                    vec![1000]
                }
            });
        let max_call = std::env::var("KERNELC_BENCH_MAX_CALL")
            .ok()
            .map(|s| s.parse().expect("KERNELC_BENCH_MAX_CALL: seconds"))
            .unwrap_or(0.5);
        Plan {
            sizes,
            groups: env_list("KERNELC_BENCH_GROUPS"),
            max_call,
            threads: workloads::all_threads(),
        }
    }

    fn wants(&self, group: &str) -> bool {
        self.groups
            .as_ref()
            .is_none_or(|g| g.iter().any(|x| x == group))
    }
}

fn perf_dir() -> PathBuf {
    std::env::var_os("KERNELC_PERF_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/perf")))
}

fn skip(group: &str, id: &str, n: usize, reason: String) {
    eprintln!("skipped {group}/{id}/{n}: {reason}");
    if let Ok(mut s) = SKIPPED.lock() {
        s.push((group.into(), id.into(), n, reason));
    }
}

/// One workload at every size: check the executors agree, then measure each.
fn workload(c: &mut Criterion, plan: &Plan, w: &Workload) {
    let mut g = c.benchmark_group(w.name);
    g.sample_size(10).sampling_mode(SamplingMode::Flat);
    // Last measured single call of each executor: (size, seconds).
    let mut last: Vec<Option<(usize, f64)>> = vec![None; EXECUTORS.len()];
    for &n in &plan.sizes {
        let wanted: Vec<&str> = EXECUTORS
            .iter()
            .zip(&last)
            .filter_map(|(&id, l)| match l {
                Some((m, t)) if t * n as f64 / *m as f64 > plan.max_call => {
                    let est = t * n as f64 / *m as f64;
                    skip(
                        w.name,
                        id,
                        n,
                        format!("about {est:.2} s per call (limit {} s)", plan.max_call),
                    );
                    None
                }
                _ => Some(id),
            })
            .collect();
        let mut bodies = workloads::bodies(w, n, plan.threads, &wanted);
        let mut results: Vec<(&str, Out)> = Vec::new();
        let mut keep = Vec::new();
        for (id, mut body) in bodies.drain(..) {
            let t = Instant::now();
            let out = body();
            let secs = t.elapsed().as_secs_f64();
            let k = EXECUTORS.iter().position(|e| *e == id).expect("executor");
            last[k] = Some((n, secs));
            results.push((id, out));
            if secs > plan.max_call {
                skip(
                    w.name,
                    id,
                    n,
                    format!("{secs:.2} s per call (limit {} s)", plan.max_call),
                );
            } else {
                keep.push((id, body));
            }
        }
        if let Err(e) = workloads::check(w, n, &results) {
            panic!("results differ: {e}");
        }
        drop(results);
        g.throughput(Throughput::Elements(n as u64));
        for (id, mut body) in keep {
            g.bench_function(BenchmarkId::new(id, n), |b| b.iter(&mut body));
        }
    }
    g.finish();
}

/// Copy and triad at every size, one thread and all.
fn bandwidth_group(c: &mut Criterion, plan: &Plan) {
    let mut g = c.benchmark_group("bandwidth");
    g.sample_size(10).sampling_mode(SamplingMode::Flat);
    for &n in &plan.sizes {
        let a = inputs::uniform(n, 0.0, 1.0, 1);
        let b = inputs::uniform(n, 0.0, 1.0, 2);
        let mut out = vec![0.0; n];
        g.throughput(Throughput::Elements(n as u64));
        for (id, _) in bandwidth::KERNELS {
            g.bench_function(BenchmarkId::new(*id, n), |bch| {
                bch.iter(|| bandwidth::run(id, black_box(&a), &b, &mut out))
            });
        }
    }
    g.finish();
}

/// Source text -> parse -> typed IR -> Cranelift -> finalized code, for each kernel.
fn compile(c: &mut Criterion) {
    let mut g = c.benchmark_group("compile");
    g.sample_size(20).measurement_time(Duration::from_secs(1));
    for t in compile_targets() {
        g.bench_function(t.func, |b| b.iter(|| compile_once(black_box(&t))));
    }
    g.finish();
}

/// Cached calls on 16-element arrays (dispatch + marshalling + native call).
fn call(c: &mut Criterion) {
    let mut g = c.benchmark_group("call");
    g.sample_size(20).measurement_time(Duration::from_secs(1));
    for case in call_cases() {
        let name = case.name.replace(' ', "_");
        let (mut jit, mut interp) = (case.jit, case.interp);
        g.bench_function(BenchmarkId::new(name.as_str(), "jit"), |b| b.iter(&mut jit));
        g.bench_function(BenchmarkId::new(name.as_str(), "interp"), |b| {
            b.iter(&mut interp)
        });
        if let Some(mut r) = case.rust {
            g.bench_function(BenchmarkId::new(name.as_str(), "rust"), |b| b.iter(&mut r));
        }
    }
    g.finish();
}

/// The run manifest beside criterion's results, read by the report.
fn write_manifest(plan: &Plan, dir: &std::path::Path) {
    let skipped: Vec<serde_json::Value> = SKIPPED
        .lock()
        .map(|s| s.clone())
        .unwrap_or_default()
        .into_iter()
        .map(|(g, id, n, why)| serde_json::json!({"group": g, "executor": id, "size": n, "reason": why}))
        .collect();
    let v = serde_json::json!({
        "machine": Machine::current().to_json(),
        "threads_all": plan.threads,
        "sizes": plan.sizes,
        "max_call_s": plan.max_call,
        "skipped": skipped,
    });
    let path = dir.join("bench-run.json");
    let text = serde_json::to_string_pretty(&v).expect("json");
    if let Err(e) = std::fs::write(&path, text) {
        eprintln!("cannot write {}: {e}", path.display());
    }
}

fn main() {
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let plan = Plan::from_env(bench_mode);
    let dir = perf_dir();
    let _ = std::fs::create_dir_all(&dir);
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(100))
        .measurement_time(Duration::from_millis(300))
        .nresamples(2_000)
        .without_plots()
        .configure_from_args()
        .output_directory(&dir.join("criterion"));
    if plan.wants("compile") {
        compile(&mut c);
    }
    if plan.wants("call") {
        call(&mut c);
    }
    if plan.wants("bandwidth") {
        bandwidth_group(&mut c, &plan);
    }
    for w in WORKLOADS.iter().filter(|w| plan.wants(w.name)) {
        workload(&mut c, &plan, w);
    }
    c.final_summary();
    if bench_mode {
        write_manifest(&plan, &dir);
    }
}
