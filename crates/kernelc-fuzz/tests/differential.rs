//! Differential test: random programs, interpreter against JIT.
//!
//! `KERNELC_FUZZ_CASES` (default 2000) programs with seeds `KERNELC_FUZZ_START..` (default
//! 0). While the JIT is not built, the comparison is skipped with a notice and the
//! programs are still run by the interpreter (twice: interpreter against interpreter),
//! which checks that the generator only produces programs that compile and that the
//! interpreter neither panics nor is non-deterministic.
//!
//! For millions of programs use the binary: `cargo run --release -p kernelc-fuzz --
//! --cases 1000000` (see docs/testing.md).

use kernelc::Executor;
use kernelc_fuzz::{compare_with, gen, Verdict};

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

#[test]
fn interpreter_and_jit_agree() {
    let cases = env_u64("KERNELC_FUZZ_CASES", 2000);
    let start = env_u64("KERNELC_FUZZ_START", 0);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4)) as u64;
    let t0 = std::time::Instant::now();
    // Seeds are dealt round-robin to the workers; each has a large stack (deeply nested
    // expressions in the interpreter).
    let workers: Vec<_> = (0..threads)
        .map(|w| {
            std::thread::Builder::new()
                .stack_size(256 << 20)
                .spawn(move || {
                    run((start..start + cases)
                        .skip(w as usize)
                        .step_by(threads as usize))
                })
                .expect("spawn")
        })
        .collect();
    let mut total = Tally::default();
    for w in workers {
        match w.join() {
            Ok(t) => total.merge(t),
            Err(p) => std::panic::resume_unwind(p),
        }
    }
    let Tally {
        agree,
        runtime_errors,
        skipped,
        mut failures,
        mut not_compiling,
    } = total;
    failures.sort();
    not_compiling.sort();
    eprintln!(
        "{cases} programs in {:.1} s: {agree} agree ({runtime_errors} end in a runtime error), {} mismatches, {} do not compile{}",
        t0.elapsed().as_secs_f64(),
        failures.len(),
        not_compiling.len(),
        if skipped > 0 {
            format!(" [JIT not built: {skipped} compared interpreter against interpreter]")
        } else {
            String::new()
        }
    );
    for (seed, text, e) in not_compiling.iter().take(3) {
        eprintln!("=== seed {seed} does not compile ===\n{e}\n{text}");
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} programs disagree (reproduce one with `cargo run --release -p kernelc-fuzz -- --start SEED --cases 1`); the first:\n{}",
        failures.len(),
        failures[0].1
    );
    // The generator must produce compiling programs (allow a tiny fraction).
    assert!(
        not_compiling.len() as u64 <= cases / 500,
        "{} of {cases} generated programs do not compile (generator bug)",
        not_compiling.len()
    );
}

#[derive(Default)]
struct Tally {
    agree: u64,
    runtime_errors: u64,
    skipped: u64,
    failures: Vec<(u64, String)>,
    not_compiling: Vec<(u64, String, String)>,
}

impl Tally {
    fn merge(&mut self, o: Tally) {
        self.agree += o.agree;
        self.runtime_errors += o.runtime_errors;
        self.skipped += o.skipped;
        self.failures.extend(o.failures);
        self.not_compiling.extend(o.not_compiling);
    }
}

fn run(seeds: impl Iterator<Item = u64>) -> Tally {
    let mut t = Tally::default();
    let mut jit_missing = false;
    for seed in seeds {
        let text = gen::generate(seed);
        let b = if jit_missing {
            Executor::Interp
        } else {
            Executor::Jit
        };
        let mut verdict = compare_with(&text, Executor::Interp, b);
        if let Verdict::JitMissing = verdict {
            eprintln!("note: the JIT executor is not built yet: skipping the interpreter-JIT comparison (comparing interpreter against interpreter instead)");
            jit_missing = true;
            verdict = compare_with(&text, Executor::Interp, Executor::Interp);
        }
        if jit_missing {
            t.skipped += 1;
        }
        match verdict {
            Verdict::Agree(o) => {
                t.agree += 1;
                if matches!(o.end, kernelc_fuzz::End::Runtime { .. }) {
                    t.runtime_errors += 1;
                }
            }
            Verdict::JitMissing => unreachable!("interpreter against interpreter"),
            Verdict::CompileError(e) => t.not_compiling.push((seed, text, e)),
            Verdict::Mismatch { report, .. } => {
                t.failures.push((seed, format!("seed {seed}: {report}")))
            }
        }
    }
    t
}
