//! `kernelc-bench`: runs every benchmark kernel under the JIT, the reference interpreter
//! and (where there is one) a hand-written Rust version, and prints Markdown tables of
//! median times and ratios.
//!
//! ```text
//! cargo run --release -p kernelc-bench              # the numbers of docs/performance.md
//! cargo run --release -p kernelc-bench -- --quick   # a smoke run (fewer, shorter samples)
//! cargo run --release -p kernelc-bench -- mandel    # only cases whose name contains "mandel"
//! cargo run --release -p kernelc-bench -- report    # regenerate docs/performance.md's
//!                                  # generated section from target/perf (tools/perf_report.sh)
//! perf record -g target/release/kernelc-bench --profile 3 expr1
//!                                  # only run the JIT of matching cases, 3 s each
//! perf record -g target/release/kernelc-bench --profile 3 compile:=naive_dist
//!                                  # only compile the matching kernels, 3 s each
//! ```
//!
//! Ratios are computed from medians measured in the same run, one case after the other,
//! so that a noisy machine affects the executors alike.

use clap::{Parser, Subcommand};
use kernelc_bench::timing::{interleaved, median_of, Plan};
use kernelc_bench::{cases, compile_targets, Group, Out, Sizes};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Command-line options (clap).
#[derive(Parser, Debug)]
#[command(
    name = "kernelc-bench",
    about = "kernelc's benchmarks: JIT vs interpreter vs hand-written Rust, and the report"
)]
struct Options {
    #[command(subcommand)]
    command: Option<Command>,
    /// A smoke run: fewer, shorter samples (and 100K elements with --simd).
    #[arg(long)]
    quick: bool,
    /// Only the SIMD targets (issue 8), each against its baseline in the same run.
    #[arg(long)]
    simd: bool,
    /// Run each matching case's JIT body for SECONDS without measuring (for `perf`);
    /// with the filter `compile:NAME`, compile the matching kernels instead.
    #[arg(long, value_name = "SECONDS")]
    profile: Option<f64>,
    /// Only cases whose name contains this (`=name`: exactly this name).
    filter: Option<String>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Regenerate the generated section of docs/performance.md and the SVG plots in
    /// docs/perf/ from the last criterion run and tools/peers.py's JSON (see
    /// tools/perf_report.sh, which runs all three).
    Report {
        /// Where the runs' results are (criterion/, bench-run.json, peers.json).
        #[arg(long, default_value_os_t = workspace_path("target/perf"))]
        perf_dir: PathBuf,
        /// The document whose generated region is replaced.
        #[arg(long, default_value_os_t = workspace_path("docs/performance.md"))]
        doc: PathBuf,
        /// Where the SVG plots go.
        #[arg(long, default_value_os_t = workspace_path("docs/perf"))]
        svg_dir: PathBuf,
        /// The size (elements) of the summary tables.
        #[arg(long, default_value_t = 1_000_000)]
        size: usize,
    },
}

/// A path in this workspace (where `cargo run` builds from).
fn workspace_path(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join(rel)
}

/// Whether a case name is selected by the filter: `=name` selects exactly, anything else
/// is a substring.
fn matches(name: &str, filter: &str) -> bool {
    match filter.strip_prefix('=') {
        Some(exact) => name == exact,
        None => name.contains(filter),
    }
}

/// A duration in seconds, with a unit that keeps 3 significant digits readable.
fn fmt_time(s: f64) -> String {
    if s < 1e-6 {
        format!("{:.0} ns", s * 1e9)
    } else if s < 1e-3 {
        format!("{:.2} µs", s * 1e6)
    } else if s < 1.0 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{s:.2} s")
    }
}

/// The CPU model and core count, as the report quotes them.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let n = std::thread::available_parallelism().map_or(1, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into());
    format!("{model}, {n} hardware threads; load average at start {load}")
}

/// Relative difference of two checksums (0 when both are equal, infinite when only one
/// is nan or the checksum is undefined).
fn rel_diff(a: f64, b: f64) -> f64 {
    if a == b {
        0.0
    } else if a.is_nan() || b.is_nan() {
        f64::INFINITY
    } else {
        (a - b).abs() / a.abs().max(b.abs()).max(f64::MIN_POSITIVE)
    }
}

/// The SIMD targets (issue 8), each against its baseline in the same run.
fn simd_table(quick: bool) {
    use kernelc_bench::simd;
    let (n, n1) = if quick {
        (100_000, 100_000)
    } else {
        (10_000_000, 1_000_000)
    };
    let plan = simd::plan(quick);
    println!("## SIMD targets (1 thread)\n");
    println!("Machine: {}\n", machine());
    println!("| target | n | kernelc | baseline | figure | met |");
    println!("|---|---:|---:|---:|---|---|");
    for r in simd::rows(n, n1, plan) {
        println!(
            "| {} | {} | {} | {} ({}) | {} | {} |",
            r.target,
            r.size,
            fmt_time(r.jit),
            fmt_time(r.base),
            r.base_name,
            r.figure_text,
            if r.met { "yes" } else { "**no**" }
        );
    }
    let f1 = kernelc_bench::F64_1D;
    let reps = if quick { 5 } else { 41 };
    println!(
        "\nCompile latency (median of {reps} fresh compiles): `expr2_into` {}, `expr1` {}, \
         `waves` {}, `growth` {}; load average at end {}",
        fmt_time(simd::compile_latency("expr2_into", &[f1; 3], reps)),
        fmt_time(simd::compile_latency("expr1", &[f1; 3], reps)),
        fmt_time(simd::compile_latency("waves", &[f1; 2], reps)),
        fmt_time(simd::compile_latency("growth", &[f1], reps)),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
}

fn compile_table(quick: bool, filter: &Option<String>) {
    println!("## Compile latency (source text -> callable native code)\n");
    println!("| kernel | full compile (median) | parse + sema only | Cranelift + finalize |");
    println!("|---|---:|---:|---:|");
    let reps = if quick { 5 } else { 41 };
    for t in compile_targets() {
        if filter.as_ref().is_some_and(|f| !matches(t.func, f)) {
            continue;
        }
        // Warm the allocator and the code paths once.
        drop(kernelc_bench::compile_once(&t));
        let mut full = Vec::with_capacity(reps);
        let mut front = Vec::with_capacity(reps);
        for _ in 0..reps {
            let s = Instant::now();
            let d = kernelc_bench::compile_once(&t);
            full.push(s.elapsed().as_secs_f64());
            drop(d);
            let s = Instant::now();
            let p = kernelc_bench::front_end_once(&t);
            front.push(s.elapsed().as_secs_f64());
            drop(p);
        }
        let (f, e) = (median_of(&mut full), median_of(&mut front));
        println!(
            "| {} | {} | {} | {} |",
            t.func,
            fmt_time(f),
            fmt_time(e),
            fmt_time((f - e).max(0.0))
        );
    }
    println!();
}

/// Runs the JIT body of every case matching `filter` for `secs` seconds (no output but
/// the call counts), so that a profiler sees mostly the kernel. A filter `compile:NAME`
/// repeatedly compiles the matching workload kernels instead.
fn profile(secs: f64, filter: &Option<String>) {
    if let Some(f) = filter.as_ref().and_then(|f| f.strip_prefix("compile:")) {
        for t in compile_targets().iter().filter(|t| matches(t.func, f)) {
            let start = Instant::now();
            let mut n = 0u64;
            while start.elapsed().as_secs_f64() < secs {
                drop(kernelc_bench::compile_once(t));
                n += 1;
            }
            eprintln!("{}: {n} compilations in {secs} s", t.func);
        }
        return;
    }
    for mut c in cases(Sizes::FULL) {
        if filter.as_ref().is_some_and(|f| !matches(c.name, f)) {
            continue;
        }
        let start = Instant::now();
        let mut calls = 0u64;
        while start.elapsed().as_secs_f64() < secs {
            std::hint::black_box((c.jit)());
            calls += 1;
        }
        eprintln!("{}: {calls} JIT calls in {secs} s", c.name);
    }
}

fn main() {
    let opts = Options::parse();
    if let Some(Command::Report {
        perf_dir,
        doc,
        svg_dir,
        size,
    }) = opts.command
    {
        let o = kernelc_bench::report::Options {
            perf_dir,
            doc,
            svg_dir,
            size,
        };
        match kernelc_bench::report::generate(&o) {
            Ok(files) => {
                for f in files {
                    println!("wrote {}", f.display());
                }
            }
            Err(e) => {
                eprintln!("kernelc-bench report: {e}");
                std::process::exit(1);
            }
        }
        return;
    }
    if let Some(secs) = opts.profile {
        profile(secs, &opts.filter);
        return;
    }
    if opts.simd {
        simd_table(opts.quick);
        return;
    }
    let plan = if opts.quick {
        Plan {
            samples: 3,
            min_sample: Duration::from_millis(2),
        }
    } else {
        Plan {
            samples: 21,
            min_sample: Duration::from_millis(20),
        }
    };
    println!("# kernelc benchmarks\n");
    println!("Machine: {}\n", machine());
    println!(
        "Method: median of {} samples per cell; each sample is a batch of calls lasting at \
         least {} ms (time per call shown); the samples of JIT, interpreter and Rust are \
         interleaved. JIT calls go through the dispatcher's cache.\n",
        plan.samples,
        plan.min_sample.as_millis()
    );
    compile_table(opts.quick, &opts.filter);

    let mut current = None;
    for mut c in cases(Sizes::FULL) {
        if opts.filter.as_ref().is_some_and(|f| !matches(c.name, f)) {
            continue;
        }
        if current != Some(c.group) {
            current = Some(c.group);
            let title = match c.group {
                Group::Loop => "Scalar loop kernels",
                Group::Array => "Whole-array workloads",
                Group::Call => "Cached call overhead (16-element f64 arrays)",
            };
            println!("\n## {title}\n");
            println!(
                "| kernel | size | JIT | interpreter | Rust | interp / JIT | JIT / Rust | \
                 max rel. diff of results |"
            );
            println!("|---|---|---:|---:|---:|---:|---:|---:|");
        }
        let mut bodies: Vec<&mut dyn FnMut() -> Out> = vec![&mut c.jit, &mut c.interp];
        if let Some(r) = c.rust.as_mut() {
            bodies.push(r);
        }
        let (t, outs) = interleaved(plan, &mut bodies);
        let (tj, ti) = (t[0], t[1]);
        let (cj, ci) = (outs[0].checksum(), outs[1].checksum());
        let mut diff = rel_diff(cj, ci);
        let (tr, ratio) = match (t.get(2), outs.get(2)) {
            (Some(tr), Some(or)) => {
                diff = diff.max(rel_diff(cj, or.checksum()));
                (fmt_time(*tr), format!("{:.2}", tj / tr))
            }
            _ => ("—".into(), "—".into()),
        };
        println!(
            "| {} | {} | {} | {} | {} | {:.1} | {} | {:.1e} |",
            c.name,
            c.size,
            fmt_time(tj),
            fmt_time(ti),
            tr,
            ti / tj,
            ratio,
            diff
        );
    }
}
