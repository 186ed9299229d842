//! Long differential runs: `cargo run --release -p kernelc-fuzz -- --cases 1000000`.
//!
//! Generates the programs of seeds `start..start+cases`, runs each under the interpreter
//! and the JIT, prints progress, and groups mismatches by kind (see
//! [`kernelc_fuzz::signature`]). The first few programs of each kind are written to
//! `<out>/<seed>.k` with the report (`<seed>.txt`); the first of each kind is also shrunk
//! (`<seed>.min.k`), keeping the kind of difference.

use clap::Parser;
use kernelc::Executor;
use kernelc_fuzz::{compare_with, gen, reduce::reduce, End, Verdict};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

#[derive(Parser, Debug)]
#[command(about = "Differential fuzzing of kernelc: interpreter against JIT")]
struct Args {
    /// Number of programs.
    #[arg(long, default_value_t = 10_000)]
    cases: u64,
    /// First seed.
    #[arg(long, default_value_t = 0)]
    start: u64,
    /// Worker threads.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Where failing programs go.
    #[arg(long, default_value = "fuzz-failures")]
    out: PathBuf,
    /// Compare the interpreter with itself (checks the generator and the harness without
    /// the JIT).
    #[arg(long)]
    interp_only: bool,
    /// Print the program of one seed and exit.
    #[arg(long)]
    show: Option<u64>,
    /// Shrink the program in this file (keeping its kind of mismatch), print it and exit.
    #[arg(long)]
    reduce: Option<PathBuf>,
    /// Do not shrink failing programs.
    #[arg(long)]
    no_reduce: bool,
    /// Tally the runtime errors the programs end with (to tune the generator).
    #[arg(long)]
    stats: bool,
    /// Stop after this many mismatches (of all kinds).
    #[arg(long, default_value_t = 1000)]
    max_failures: u64,
}

/// Programs kept per kind of mismatch.
const KEEP_PER_KIND: u64 = 5;

/// Counters shared by the workers.
#[derive(Default)]
struct Shared {
    next: AtomicU64,
    done: AtomicU64,
    agree: AtomicU64,
    runtime_errors: AtomicU64,
    not_compiling: AtomicU64,
    jit_missing: AtomicU64,
    mismatches: AtomicU64,
    /// Mismatch signature -> (count, first seed).
    kinds: Mutex<BTreeMap<String, (u64, u64)>>,
    /// Masked runtime error message -> count (`--stats`).
    errors: Mutex<BTreeMap<String, u64>>,
    /// Serialises what the workers print.
    log: Mutex<()>,
}

fn mask_digits(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect()
}

/// Runs one seed and records the result.
fn check_seed(seed: u64, args: &Args, b: Executor, sh: &Shared) {
    let text = gen::generate(seed);
    match compare_with(&text, Executor::Interp, b) {
        Verdict::Agree(o) => {
            sh.agree.fetch_add(1, Ordering::Relaxed);
            if let End::Runtime { message, .. } = &o.end {
                sh.runtime_errors.fetch_add(1, Ordering::Relaxed);
                if args.stats {
                    let mut e = sh.errors.lock().expect("errors");
                    *e.entry(mask_digits(message)).or_default() += 1;
                }
            }
        }
        Verdict::JitMissing => {
            if sh.jit_missing.fetch_add(1, Ordering::Relaxed) == 0 {
                let _g = sh.log.lock();
                eprintln!("note: the JIT is not built yet; nothing is compared (use --interp-only to exercise the generator)");
            }
        }
        Verdict::CompileError(e) => {
            let n = sh.not_compiling.fetch_add(1, Ordering::Relaxed);
            let path = args.out.join(format!("{seed}.noncompiling.k"));
            let _ = std::fs::write(&path, format!("{text}\n# {}\n", e.replace('\n', "\n# ")));
            if n < 3 {
                let _g = sh.log.lock();
                eprintln!(
                    "generator bug: seed {seed} does not compile (written to {})\n{e}",
                    path.display()
                );
            }
        }
        Verdict::Mismatch { report, signature } => {
            sh.mismatches.fetch_add(1, Ordering::Relaxed);
            let count = {
                let mut k = sh.kinds.lock().expect("kinds");
                let e = k.entry(signature.clone()).or_insert((0, seed));
                e.0 += 1;
                e.0
            };
            if count > KEEP_PER_KIND {
                return;
            }
            let path = args.out.join(format!("{seed}.k"));
            let _ = std::fs::write(&path, &text);
            let _ = std::fs::write(args.out.join(format!("{seed}.txt")), &report);
            let min = if args.no_reduce || count > 1 {
                None
            } else {
                let still = |t: &str| {
                    matches!(compare_with(t, Executor::Interp, b),
                        Verdict::Mismatch { signature: s, .. } if s == signature)
                };
                let m = reduce(&text, still, 3000);
                let _ = std::fs::write(args.out.join(format!("{seed}.min.k")), &m);
                Some(m)
            };
            let _g = sh.log.lock();
            eprintln!(
                "MISMATCH seed {seed} ({signature}): written to {}",
                path.display()
            );
            if let Some(m) = min {
                eprintln!("--- shrunk ---\n{m}");
            }
        }
    }
}

fn worker(args: &Args, b: Executor, sh: &Shared, t0: Instant) {
    let end = args.start.saturating_add(args.cases);
    loop {
        if sh.mismatches.load(Ordering::Relaxed) >= args.max_failures {
            return;
        }
        let seed = sh.next.fetch_add(1, Ordering::Relaxed);
        if seed >= end {
            return;
        }
        check_seed(seed, args, b, sh);
        let done = sh.done.fetch_add(1, Ordering::Relaxed) + 1;
        if done.is_multiple_of(10_000) {
            let _g = sh.log.lock();
            eprintln!(
                "{done} programs, {:.0}/s, {} mismatches, {} ending in a runtime error, {} not compiling",
                done as f64 / t0.elapsed().as_secs_f64(),
                sh.mismatches.load(Ordering::Relaxed),
                sh.runtime_errors.load(Ordering::Relaxed),
                sh.not_compiling.load(Ordering::Relaxed),
            );
        }
    }
}

fn main() {
    let args = Args::parse();
    if let Some(seed) = args.show {
        print!("{}", gen::generate(seed));
        return;
    }
    let b = if args.interp_only {
        Executor::Interp
    } else {
        Executor::Jit
    };
    if let Some(path) = &args.reduce {
        let text = std::fs::read_to_string(path).expect("read the program");
        let Verdict::Mismatch { signature, .. } = compare_with(&text, Executor::Interp, b) else {
            eprintln!(
                "{}: the executors agree (or it does not compile)",
                path.display()
            );
            std::process::exit(1);
        };
        let m = reduce(
            &text,
            |t| {
                matches!(compare_with(t, Executor::Interp, b),
                    Verdict::Mismatch { signature: s, .. } if s == signature)
            },
            10_000,
        );
        eprintln!("kind: {signature}");
        print!("{m}");
        return;
    }
    std::fs::create_dir_all(&args.out).expect("create the failures directory");
    let sh = Shared {
        next: AtomicU64::new(args.start),
        ..Shared::default()
    };
    let t0 = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..args.threads.max(1) {
            std::thread::Builder::new()
                .stack_size(256 << 20)
                .spawn_scoped(s, || worker(&args, b, &sh, t0))
                .expect("spawn a worker");
        }
    });
    let done = sh.done.load(Ordering::Relaxed);
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "{done} programs in {secs:.1} s ({:.0}/s): {} agree ({} ending in a runtime error), {} mismatches, {} not compiling, {} skipped (JIT missing)",
        done as f64 / secs.max(1e-9),
        sh.agree.load(Ordering::Relaxed),
        sh.runtime_errors.load(Ordering::Relaxed),
        sh.mismatches.load(Ordering::Relaxed),
        sh.not_compiling.load(Ordering::Relaxed),
        sh.jit_missing.load(Ordering::Relaxed),
    );
    let kinds = sh.kinds.lock().expect("kinds");
    if !kinds.is_empty() {
        println!("mismatches by kind (count, first seed):");
        for (sig, (n, seed)) in kinds.iter() {
            println!("{n:8}  seed {seed:<10} {sig}");
        }
    }
    if args.stats {
        let errors = sh.errors.lock().expect("errors");
        let mut v: Vec<_> = errors.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1));
        println!("runtime errors the programs end with:");
        for (m, n) in v {
            println!("{n:8}  {m}");
        }
    }
    if sh.mismatches.load(Ordering::Relaxed) > 0 || sh.not_compiling.load(Ordering::Relaxed) > 0 {
        std::process::exit(1);
    }
}
