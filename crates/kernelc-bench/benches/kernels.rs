//! Criterion benchmarks of kernelc (`cargo bench -p kernelc-bench`).
//!
//! Groups:
//! * `compile` — source text to callable native code, per workload kernel;
//! * `call` — a cached call on 16-element f64 arrays;
//! * `loop/<kernel>` — scalar loops, each as `jit`, `interp` and `rust`;
//! * `array/<kernel>` — whole-array workloads on 1M elements, `jit`, `interp` and `rust`.
//!
//! Measurement times are short (the whole run takes a few minutes on two cores); compare
//! ratios within one run. Filter as usual: `cargo bench -p kernelc-bench -- loop/mandel`.

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use kernelc_bench::{
    array_cases, call_cases, compile_once, compile_targets, loop_cases, Case, Sizes,
};
use std::hint::black_box;
use std::time::Duration;

/// Short measurement settings for every group (55 benchmarks: about 3 minutes in all).
/// No plots and fewer bootstrap resamples: the analysis would otherwise take longer than
/// the measurements on a two-core machine.
fn configure() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .nresamples(10_000)
        .without_plots()
}

/// Source text -> parse -> typed IR -> Cranelift -> finalized code, for each kernel.
fn compile(c: &mut Criterion) {
    let mut g = c.benchmark_group("compile");
    for t in compile_targets() {
        g.bench_function(t.func, |b| b.iter(|| compile_once(black_box(&t))));
    }
    g.finish();
}

/// One case as `jit`, `interp` and `rust` functions of one group.
fn bench_case(c: &mut Criterion, prefix: &str, case: Case) {
    let Case {
        name,
        mut jit,
        mut interp,
        rust,
        ..
    } = case;
    let mut g = c.benchmark_group(format!("{prefix}/{name}"));
    // The interpreter takes up to a few hundred ms per call on the loop kernels: fewer
    // samples and flat sampling keep such groups within their measurement time.
    if prefix != "call" {
        g.sample_size(10).sampling_mode(SamplingMode::Flat);
    }
    g.bench_function("jit", |b| b.iter(&mut jit));
    g.bench_function("interp", |b| b.iter(&mut interp));
    if let Some(mut r) = rust {
        g.bench_function("rust", |b| b.iter(&mut r));
    }
    g.finish();
}

/// Cached calls on 16-element arrays (dispatch + marshalling + native call).
fn call(c: &mut Criterion) {
    for case in call_cases() {
        bench_case(c, "call", case);
    }
}

/// Scalar loop kernels: JIT vs interpreter vs hand-written Rust.
fn loops(c: &mut Criterion) {
    for case in loop_cases(Sizes::FULL) {
        bench_case(c, "loop", case);
    }
}

/// Whole-array workloads on 1M elements.
fn arrays(c: &mut Criterion) {
    for case in array_cases(Sizes::FULL.n) {
        bench_case(c, "array", case);
    }
}

criterion_group! {
    name = benches;
    config = configure();
    targets = compile, call, loops, arrays
}
criterion_main!(benches);
