//! Differential testing of kernelc's executors.
//!
//! The interpreter is the reference; the Cranelift JIT must give the same bits for every
//! program: the same printed text, and when the program stops with a runtime error, the
//! same message at the same source span (with the same text printed before it). This
//! crate provides
//!
//! * [`gen::generate`]: a seed → the source of a random well-typed kernel program;
//! * [`compare_with`] / [`compare_source`]: run one program under two executors and
//!   classify the result ([`Verdict`]);
//! * [`differential`] / [`check_source`]: the same as `Result`s for tests;
//! * [`reduce::reduce`]: shrink a failing program line by line.
//!
//! The `differential` integration test runs a few thousand seeds; the `kernelc-fuzz`
//! binary runs millions (see `docs/testing.md`).

pub mod gen;
pub mod reduce;
pub mod rng;
pub mod ty;

use kernelc::{Error, Executor};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The message of the JIT executor's placeholder (before the JIT exists).
pub const JIT_NOT_BUILT: &str = "the JIT executor is not built yet";

/// What one run of a program produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Everything the program printed (also when it then failed).
    pub stdout: Vec<u8>,
    /// How it ended.
    pub end: End,
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    /// `main()` returned.
    Ok,
    /// A runtime error: message and byte span in the source.
    Runtime {
        message: String,
        start: u32,
        end: u32,
    },
    /// The program did not compile (rendered diagnostics).
    Compile(String),
    /// The executor panicked (always a bug).
    Panic(String),
    /// Another kind of error (a resource limit, an internal error, ...), rendered.
    Other(String),
}

impl Outcome {
    fn describe(&self) -> String {
        let end = match &self.end {
            End::Ok => "finished normally".to_string(),
            End::Runtime {
                message,
                start,
                end,
            } => format!("runtime error at bytes {start}..{end}: {message}"),
            End::Compile(e) => format!("compile error:\n{e}"),
            End::Panic(p) => format!("PANIC: {p}"),
            End::Other(e) => format!("error:\n{e}"),
        };
        format!(
            "{end}\n--- stdout ---\n{}",
            String::from_utf8_lossy(&self.stdout)
        )
    }
}

/// The result of running one program under two executors.
#[derive(Clone, Debug)]
pub enum Verdict {
    /// Both executors produced the same outcome.
    Agree(Outcome),
    /// The program does not compile (a generator bug, or a compiler bug).
    CompileError(String),
    /// The second executor is the JIT and it is not built yet.
    JitMissing,
    /// The outcomes differ: a report naming both (with the program), and a short
    /// signature of the kind of difference (see [`signature`]).
    Mismatch { report: String, signature: String },
}

/// Runs `entry()` of a program under one executor, catching panics.
pub fn run(text: &str, executor: Executor) -> Outcome {
    let mut stdout = Vec::new();
    let r = catch_unwind(AssertUnwindSafe(|| {
        kernelc::run_source_with("fuzz.k", text, "main", executor, &mut stdout)
    }));
    let end = match r {
        Ok(Ok(())) => End::Ok,
        Ok(Err(Error::Runtime(e))) => End::Runtime {
            message: e.error.message.clone(),
            start: e.error.start,
            end: e.error.end,
        },
        Ok(Err(Error::Compile(e))) => End::Compile(e.to_string()),
        Ok(Err(e)) => End::Other(e.to_string()),
        Err(p) => End::Panic(
            p.downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "non-string panic payload".into()),
        ),
    };
    Outcome { stdout, end }
}

/// Runs a program under executors `a` and `b` and compares the outcomes exactly.
pub fn compare_with(text: &str, a: Executor, b: Executor) -> Verdict {
    let ra = run(text, a);
    if let End::Compile(e) = &ra.end {
        return Verdict::CompileError(e.clone());
    }
    let rb = run(text, b);
    if b == Executor::Jit {
        if let End::Runtime { message, .. } = &rb.end {
            if message == JIT_NOT_BUILT {
                return Verdict::JitMissing;
            }
        }
    }
    if let End::Panic(_) = &ra.end {
        return Verdict::Mismatch {
            report: format!(
                "{a:?} panicked\n=== {a:?} ===\n{}\n=== program ===\n{text}",
                ra.describe()
            ),
            signature: signature(&ra, &rb),
        };
    }
    if ra == rb {
        Verdict::Agree(ra)
    } else {
        Verdict::Mismatch {
            report: format!(
                "{a:?} and {b:?} disagree\n=== {a:?} ===\n{}\n=== {b:?} ===\n{}\n{}=== program ===\n{text}",
                ra.describe(),
                rb.describe(),
                first_difference(&ra.stdout, &rb.stdout),
            ),
            signature: signature(&ra, &rb),
        }
    }
}

/// A short description of how two outcomes differ, with numbers masked, so that failures
/// can be grouped (`stdout differs`, `error: randint: high <= low (# <= #) / randint: low
/// >= high (# >= #)`, `span differs: index # is out of bounds ...`, `ok / panic`).
pub fn signature(a: &Outcome, b: &Outcome) -> String {
    fn mask(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars() {
            if c.is_ascii_digit() {
                if !out.ends_with('#') {
                    out.push('#');
                }
            } else {
                out.push(c);
            }
        }
        out
    }
    fn kind(e: &End) -> String {
        match e {
            End::Ok => "ok".into(),
            End::Runtime { message, .. } => format!("error: {}", mask(message)),
            End::Compile(_) => "compile error".into(),
            End::Panic(p) => format!("panic: {}", mask(p.lines().next().unwrap_or(""))),
            End::Other(e) => format!("other: {}", mask(e.lines().next().unwrap_or(""))),
        }
    }
    match (&a.end, &b.end) {
        (x, y) if x == y => "stdout differs".into(),
        (End::Runtime { message: m1, .. }, End::Runtime { message: m2, .. }) if m1 == m2 => {
            format!("span differs: {}", mask(m1))
        }
        (x, y) => format!("{} / {}", kind(x), kind(y)),
    }
}

/// Names the first differing output line, if the outputs differ.
fn first_difference(a: &[u8], b: &[u8]) -> String {
    if a == b {
        return String::new();
    }
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    let mut la = a.lines();
    let mut lb = b.lines();
    let mut n = 1;
    loop {
        match (la.next(), lb.next()) {
            (Some(x), Some(y)) if x == y => n += 1,
            (x, y) => {
                return format!(
                    "=== first difference: stdout line {n} ===\n  {:?}\n  {:?}\n",
                    x.unwrap_or("<end>"),
                    y.unwrap_or("<end>")
                )
            }
        }
    }
}

/// Interpreter against JIT on a given program.
pub fn compare_source(text: &str) -> Verdict {
    compare_with(text, Executor::Interp, Executor::Jit)
}

/// Interpreter against JIT on a given program: `Ok` when they agree. A program that does
/// not compile, or a JIT that is not built yet, is an `Err` too (see [`compare_source`]
/// to tell these apart).
pub fn check_source(text: &str) -> Result<(), String> {
    match compare_source(text) {
        Verdict::Agree(_) => Ok(()),
        Verdict::CompileError(e) => Err(format!(
            "the program does not compile:\n{e}\n=== program ===\n{text}"
        )),
        Verdict::JitMissing => Err(JIT_NOT_BUILT.to_string()),
        Verdict::Mismatch { report, .. } => Err(report),
    }
}

/// Generates the program of `seed` and checks it with [`check_source`].
pub fn differential(seed: u64) -> Result<(), String> {
    check_source(&gen::generate(seed)).map_err(|e| format!("seed {seed}: {e}"))
}
