//! `kernelc bench FILE`: how fast a kernel compiles and runs, native code against the
//! reference interpreter, on the same inputs.
//!
//! 1. Compile latency: the median of fresh compiles (parse, type inference, Cranelift,
//!    finalized code) for the signature of the given arguments.
//! 2. One run under each executor, both starting from the same random state: their results
//!    and printed output must be equal (bit for bit), else the benchmark stops with an
//!    error.
//! 3. Samples alternate between the executors (JIT, interpreter, JIT, ...) so that both
//!    see the same machine state; each is summarised by its median and spread (the
//!    interquartile range), the interpreter/JIT ratio, and GB/s when the kernel streams
//!    arrays (bytes of the array arguments and of the result per call).
//!
//! A progress bar (indicatif) goes to stderr when it is a terminal, the table to stdout,
//! and `--json OUT` writes the figures (read by the benchmark report, see
//! docs/performance.md).

use crate::CliError;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kernelc::{Arg, Error, Executor, Kernel, Output, Source};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

/// What `kernelc bench` was asked to do.
pub struct Options<'a> {
    pub entry: &'a str,
    pub args: &'a [String],
    pub threads: Option<usize>,
    pub json: Option<&'a Path>,
    /// Time to spend sampling the two executors (seconds).
    pub seconds: f64,
    pub compiles: usize,
    /// Samples of each executor taken even when the time budget is spent (at least 1).
    pub min_samples: usize,
}

/// Median, quartiles and count of a set of timings (seconds).
struct Summary {
    median: f64,
    q1: f64,
    q3: f64,
    n: usize,
}

fn summarise(mut t: Vec<f64>) -> Summary {
    t.sort_by(f64::total_cmp);
    let at = |q: f64| t[((t.len() - 1) as f64 * q).round() as usize];
    Summary {
        median: at(0.5),
        q1: at(0.25),
        q3: at(0.75),
        n: t.len(),
    }
}

fn fmt_time(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.3} s")
    } else if s >= 1e-3 {
        format!("{:.3} ms", s * 1e3)
    } else if s >= 1e-6 {
        format!("{:.3} us", s * 1e6)
    } else {
        format!("{:.1} ns", s * 1e9)
    }
}

/// Whether two results are the same bits.
fn same(a: &Output, b: &Output) -> bool {
    match (a, b) {
        (Output::Scalar(x), Output::Scalar(y)) => {
            x.dtype() == y.dtype() && x.to_word() == y.to_word()
        }
        (Output::Array(x), Output::Array(y)) => {
            x.dtype() == y.dtype()
                && x.shape() == y.shape()
                && (0..x.size()).all(|i| x.get_flat(i).to_word() == y.get_flat(i).to_word())
        }
        (Output::Tuple(x), Output::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Output::None, Output::None) => true,
        _ => false,
    }
}

/// Bytes an array occupies (0 for anything else).
fn bytes_of(o: &Output) -> usize {
    match o {
        Output::Array(a) => a.size() * a.dtype().size(),
        Output::Tuple(items) => items.iter().map(bytes_of).sum(),
        _ => 0,
    }
}

/// The progress bar on stderr (indicatif): drawn only when stderr is a terminal, so
/// redirected output and tests see nothing of it. One bar serves every phase: its length
/// is reset per phase (compiles counted, sampling in milliseconds of the time budget).
fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(10));
    // The template is a constant: it always parses.
    if let Ok(style) =
        ProgressStyle::with_template("{prefix:>10} [{bar:30}] {pos}/{len} {msg} ({elapsed})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Runs the benchmark of `opts.entry` of `src`.
pub fn bench(src: &Source, opts: &Options<'_>) -> Result<(), CliError> {
    let parsed = crate::args::parse_all(opts.args)?;
    let kernel = Kernel::from_named_source(&src.name, &src.text)?;
    let function = kernel.function(opts.entry)?;
    let names: Vec<&str> = parsed.iter().map(|a| a.name.as_str()).collect();
    function.check_names(&names)?;
    let loaded = crate::args::load(&parsed)?;
    let named: Vec<(&str, Arg<'_>)> = loaded
        .iter()
        .map(|(n, a)| (n.as_str(), a.clone()))
        .collect();
    let sig = function.signature(&[], &named)?;
    let in_bytes: usize = named
        .iter()
        .map(|(_, a)| match a.ty() {
            kernelc::Type::Array(_) => a.byte_len(),
            _ => 0,
        })
        .sum();

    // 1. Compile latency: fresh kernels, so nothing is cached.
    let bar = progress_bar();
    bar.set_prefix("compile");
    bar.set_length(opts.compiles.max(1) as u64);
    let mut compile_times = Vec::new();
    for _ in 0..opts.compiles.max(1) {
        bar.inc(1);
        let t = Instant::now();
        let fresh = Kernel::from_named_source(&src.name, &src.text)?;
        fresh.compile(opts.entry, &sig)?;
        compile_times.push(t.elapsed().as_secs_f64());
    }
    let compile = summarise(compile_times);

    // 2. One checked run per executor.
    let options = |executor| kernelc::RunOptions {
        executor,
        threads: opts.threads,
        ..kernelc::RunOptions::default()
    };
    // Separate kernels: each executor's random generator starts from the same state.
    let jit = kernel.with_options(options(Executor::Jit));
    let interp =
        Kernel::from_named_source(&src.name, &src.text)?.with_options(options(Executor::Interp));
    let (fj, fi) = (jit.function(opts.entry)?, interp.function(opts.entry)?);
    bar.set_prefix("check");
    bar.set_message("both executors, one run each");
    let (mut out_j, mut out_i) = (Vec::new(), Vec::new());
    let rj = fj.invoke(&[], &named, &mut out_j)?;
    let ri = fi.invoke(&[], &named, &mut out_i)?;
    if !same(&rj, &ri) || out_j != out_i {
        bar.finish_and_clear();
        return Err(CliError::Kernel(Error::Internal(format!(
            "the JIT and the interpreter disagree on {}(): {rj} against {ri}",
            opts.entry
        ))));
    }
    let bytes = in_bytes + bytes_of(&rj);

    // 3. Interleaved samples until the time budget is spent (at least `min_samples` of
    //    each, at most 100,000 pairs).
    let (mut tj, mut ti) = (Vec::new(), Vec::new());
    let budget = Duration::from_secs_f64(opts.seconds.max(0.0));
    let min_samples = opts.min_samples.max(1);
    bar.set_prefix("sample");
    bar.set_length(budget.as_millis().max(1) as u64);
    bar.set_position(0);
    let start = Instant::now();
    let mut sink = std::io::sink();
    while tj.len() < min_samples || (start.elapsed() < budget && tj.len() < 100_000) {
        let t = Instant::now();
        fj.invoke(&[], &named, &mut sink)?;
        tj.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        fi.invoke(&[], &named, &mut sink)?;
        ti.push(t.elapsed().as_secs_f64());
        bar.set_position((start.elapsed().as_millis() as u64).min(budget.as_millis() as u64));
        bar.set_message(format!("ms, {} pairs", tj.len()));
    }
    bar.finish_and_clear();
    let (j, i) = (summarise(tj), summarise(ti));
    let ratio = i.median / j.median;
    let gbs = |s: &Summary| (bytes > 0).then(|| bytes as f64 / s.median / 1e9);

    let mut table = String::new();
    let row = |name: &str, s: &Summary, extra: String| {
        format!(
            "{name:<12} {:>12}  [{} .. {}]  n={}{extra}\n",
            fmt_time(s.median),
            fmt_time(s.q1),
            fmt_time(s.q3),
            s.n
        )
    };
    table += &format!(
        "{}() in {} ({} bytes of arrays per call)\n",
        opts.entry, src.name, bytes
    );
    table += &row("compile", &compile, String::new());
    let g = |s: &Summary| gbs(s).map(|g| format!("  {g:.2} GB/s")).unwrap_or_default();
    table += &row("jit", &j, g(&j));
    table += &row("interpreter", &i, g(&i));
    table += &format!("interpreter/jit: {ratio:.2}x; results equal\n");
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(table.as_bytes());
    let _ = stdout.flush();

    if let Some(path) = opts.json {
        let s = |s: &Summary| {
            format!(
                "{{\"median_s\": {:e}, \"q1_s\": {:e}, \"q3_s\": {:e}, \"samples\": {}}}",
                s.median, s.q1, s.q3, s.n
            )
        };
        let opt = |x: Option<f64>| x.map_or("null".to_string(), |v| format!("{v:e}"));
        let json = format!(
            "{{\n  \"file\": {:?},\n  \"entry\": {:?},\n  \"threads\": {},\n  \"bytes_per_call\": {bytes},\n  \"compile\": {},\n  \"jit\": {},\n  \"interp\": {},\n  \"ratio_interp_over_jit\": {ratio:e},\n  \"jit_gb_s\": {},\n  \"interp_gb_s\": {},\n  \"results_equal\": true\n}}\n",
            src.name,
            opts.entry,
            opts.threads.map_or("null".to_string(), |n| n.to_string()),
            s(&compile),
            s(&j),
            s(&i),
            opt(gbs(&j)),
            opt(gbs(&i)),
        );
        std::fs::write(path, json).map_err(|e| Error::cannot_write(path, e))?;
    }
    Ok(())
}
