//! The `kernelc` command-line tool: `run`, `check` and `ir` on `.k` files, `eval` of an
//! expression string; data comes in with `--arg NAME=VALUE` (`.npy` files or literals,
//! see [`args`]) and goes out with `--out FILE.npy` (`kernelc::npy`).
//!
//! Exit codes ([`Error::exit_code`]): 0 success, 1 compile, runtime, file or limit error
//! (message on stderr), 2 usage error (also arguments that do not fit the parameters), 3
//! internal error (a bug of kernelc). Every command runs on a thread with a 512 MiB stack (deep recursion in kernels).

mod args;
mod bench;

use clap::{Parser, Subcommand, ValueEnum};
use kernelc::{CompileError, Error, Executor, Kernel, Output, RunOptions, Source};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The exit codes, shown by `kernelc --help` and `kernelc run --help`.
const EXIT_CODES: &str = "Exit codes:
  0  success
  1  compile error, runtime error, unreadable or invalid file, or a resource limit
  2  usage error (also --arg values that do not fit the function's parameters)
  3  internal error (a bug in kernelc: please report it)";

#[derive(Parser)]
#[command(
    name = "kernelc",
    version,
    about = "Compile and run array kernels written in a typed subset of Python",
    after_help = EXIT_CODES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a kernel file: call main() or --entry NAME with --arg values.
    ///
    /// Prints what the kernel prints, then its result (unless it is None or --out is
    /// given).
    #[command(after_help = EXIT_CODES)]
    Run {
        file: PathBuf,
        /// The function to call; its parameters are bound by name with --arg.
        #[arg(long, default_value = "main")]
        entry: String,
        /// A parameter value: NAME=FILE.npy, NAME=100 (int64), NAME=2.5 (float64, also
        /// nan, inf), NAME=True/False. Repeat for each parameter.
        #[arg(long = "arg", value_name = "NAME=VALUE")]
        args: Vec<String>,
        /// Write the function's result (array or scalar) to this .npy file.
        #[arg(long, value_name = "FILE.npy")]
        out: Option<PathBuf>,
        /// Use the reference interpreter instead of native code.
        #[arg(long)]
        interp: bool,
        /// Threads for prange loops and large array operations (default: the
        /// KERNELC_NUM_THREADS environment variable, else all cores). Results never depend
        /// on it: the work is split into fixed chunks combined in order.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=256))]
        threads: Option<u64>,
        /// Stop the kernel after this many seconds (a runtime error, exit code 1).
        #[arg(long, value_name = "SECONDS", value_parser = parse_timeout)]
        timeout: Option<std::time::Duration>,
        /// Cap the arrays the call may hold at once (bytes, or with a unit: 512M, 2G);
        /// exceeding it is a runtime error with the position, exit code 1.
        #[arg(long, value_name = "BYTES", value_parser = kernelc::parse_bytes)]
        max_memory: Option<usize>,
    },
    /// Evaluate an array expression (numexpr style) over --arg values and print it.
    Eval {
        /// The expression, e.g. "2*a + 3*b**2".
        #[arg(allow_hyphen_values = true)]
        expr: String,
        /// A value: NAME=FILE.npy, NAME=100, NAME=2.5, NAME=True/False. Repeatable.
        #[arg(long = "arg", value_name = "NAME=VALUE")]
        args: Vec<String>,
        /// Write the result to this .npy file instead of printing it.
        #[arg(long, value_name = "FILE.npy")]
        out: Option<PathBuf>,
    },
    /// Benchmark a kernel: compile latency, then native code against the interpreter on
    /// the same inputs (interleaved samples; results checked equal).
    Bench {
        file: PathBuf,
        /// The function to time; its parameters are bound by name with --arg.
        #[arg(long, default_value = "main")]
        entry: String,
        /// A parameter value, as for `kernelc run`. Repeatable.
        #[arg(long = "arg", value_name = "NAME=VALUE")]
        args: Vec<String>,
        /// Threads for parallel loops.
        #[arg(long)]
        threads: Option<usize>,
        /// Write the figures as JSON to this file.
        #[arg(long, value_name = "OUT.json")]
        json: Option<PathBuf>,
        /// Seconds to spend sampling the two executors.
        #[arg(long, default_value_t = 3.0)]
        seconds: f64,
        /// Fresh compiles for the compile latency.
        #[arg(long, default_value_t = 5)]
        compiles: usize,
        /// Samples of each executor taken even when --seconds is spent.
        #[arg(long, default_value_t = 3)]
        min_samples: usize,
    },
    /// Report every compile error of a file without running it.
    Check { file: PathBuf },
    /// Print an intermediate form of a file.
    Ir {
        file: PathBuf,
        #[arg(long, default_value = "main")]
        entry: String,
        #[arg(long, value_enum, default_value = "typed")]
        stage: Stage,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Stage {
    /// The syntax tree.
    Ast,
    /// The typed IR of the entry function and everything it calls.
    Typed,
    /// The planned functions and their loop nests (what the code generator consumes).
    Loops,
    /// Cranelift IR of every compiled function.
    Clif,
    /// Machine code of every compiled function.
    Asm,
}

impl From<Stage> for kernelc::Stage {
    fn from(s: Stage) -> kernelc::Stage {
        match s {
            Stage::Ast => kernelc::Stage::Ast,
            Stage::Typed => kernelc::Stage::Typed,
            Stage::Loops => kernelc::Stage::Loops,
            Stage::Clif => kernelc::Stage::Clif,
            Stage::Asm => kernelc::Stage::Asm,
        }
    }
}

/// Why a command failed; decides the exit code.
pub enum CliError {
    /// Wrong use of the command line (exit 2).
    Usage(String),
    /// An error of the facade: its kind decides the exit code ([`Error::exit_code`]).
    Kernel(Error),
}

impl From<Error> for CliError {
    fn from(e: Error) -> CliError {
        CliError::Kernel(e)
    }
}

impl From<CompileError> for CliError {
    fn from(e: CompileError) -> CliError {
        CliError::Kernel(e.into())
    }
}

impl CliError {
    /// Prints the message to stderr and returns the exit code.
    fn report(&self) -> u8 {
        match self {
            CliError::Usage(m) => {
                report_line(&format!(
                    "error: {m}\n\nFor more information, try '--help'."
                ));
                2
            }
            // Arguments that do not fit the parameters are usage errors too.
            CliError::Kernel(e @ Error::Argument(_)) => {
                report_line(&format!("{e}\n\nFor more information, try '--help'."));
                e.exit_code()
            }
            CliError::Kernel(e) => {
                report_line(&e.to_string());
                e.exit_code()
            }
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let handle = std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(move || execute(cli));
    match handle.map(|h| h.join()) {
        Ok(Ok(code)) => ExitCode::from(code),
        _ => {
            let e = Error::Internal("the command stopped unexpectedly".to_string());
            report_line(&e.to_string());
            ExitCode::from(e.exit_code())
        }
    }
}

/// `--timeout SECONDS`: a positive number of seconds (fractions allowed).
fn parse_timeout(s: &str) -> Result<std::time::Duration, String> {
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 && x.is_finite() && x < 1e9 => Ok(std::time::Duration::from_secs_f64(x)),
        _ => Err(format!("'{s}' is not a positive number of seconds")),
    }
}

/// Writes one message line to stderr. A closed or full stderr is ignored: the exit code
/// still tells what happened (`eprintln!` would panic).
fn report_line(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// Runs one command; returns the exit code.
fn execute(cli: Cli) -> u8 {
    match cli.command {
        Command::Run {
            file,
            entry,
            args,
            out,
            interp,
            threads,
            timeout,
            max_memory,
        } => with_source(&file, |src| {
            let executor = if interp {
                Executor::Interp
            } else {
                Executor::Jit
            };
            let options = RunOptions {
                executor,
                threads: threads.map(|n| n as usize),
                max_memory,
                ..RunOptions::default()
            };
            run(src, &entry, &args, out.as_deref(), options, timeout)
        }),
        Command::Eval { expr, args, out } => finish(eval(&expr, &args, out.as_deref())),
        Command::Bench {
            file,
            entry,
            args,
            threads,
            json,
            seconds,
            compiles,
            min_samples,
        } => with_source(&file, |src| {
            bench::bench(
                src,
                &bench::Options {
                    entry: &entry,
                    args: &args,
                    threads,
                    json: json.as_deref(),
                    seconds,
                    compiles,
                    min_samples,
                },
            )
        }),
        Command::Check { file } => with_source(&file, |src| {
            kernelc::check(src)?;
            Ok(())
        }),
        Command::Ir { file, entry, stage } => with_source(&file, |src| {
            let text = kernelc::listing(src, &entry, stage.into())?;
            // A closed stdout (`kernelc ir ... | head`) is not an error of the program.
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(text.as_bytes());
            let _ = stdout.flush();
            Ok(())
        }),
    }
}

/// `kernelc run`: binds the `--arg` values to the entry function's parameters by name
/// (the facade's binder), compiles it for their types, calls it, then prints or writes its
/// result.
fn run(
    src: &Source,
    entry: &str,
    raw_args: &[String],
    out_path: Option<&Path>,
    options: RunOptions,
    timeout: Option<std::time::Duration>,
) -> Result<(), CliError> {
    let parsed = args::parse_all(raw_args)?;
    let stop = kernelc::Interrupt::new();
    let kernel = Kernel::from_named_source(&src.name, &src.text)?.with_options(RunOptions {
        interrupt: Some(stop.clone()),
        ..options
    });
    let function = kernel.function(entry)?;
    // Names are bound before any file is read.
    let names: Vec<&str> = parsed.iter().map(|a| a.name.as_str()).collect();
    function.check_names(&names)?;
    let loaded = args::load(&parsed)?;
    let named: Vec<(&str, kernelc::Arg<'_>)> = loaded
        .iter()
        .map(|(n, a)| (n.as_str(), a.clone()))
        .collect();

    let _deadline = timeout.map(|t| stop.deadline(t));
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = function.invoke(&[], &named, &mut out);
    let _ = out.flush();
    drop(out);
    emit(&result?, out_path, &format!("{entry}()"))
}

/// `kernelc eval`: evaluates the expression over the `--arg` values (native code).
fn eval(expr: &str, raw_args: &[String], out_path: Option<&Path>) -> Result<(), CliError> {
    let parsed = args::parse_all(raw_args)?;
    let names: Vec<&str> = parsed.iter().map(|a| a.name.as_str()).collect();
    // Repeated names are reported before any file is read.
    kernelc::Params::of_names("the expression", &names).order(0, &names)?;
    let loaded = args::load(&parsed)?;
    let vars: Vec<(&str, kernelc::Arg<'_>)> = loaded
        .iter()
        .map(|(n, a)| (n.as_str(), a.clone()))
        .collect();
    let value = kernelc::eval(expr, &vars)?;
    emit(&value, out_path, "the expression")
}

/// Writes a result to `--out`, or prints it when it is not None.
fn emit(value: &Output, out_path: Option<&Path>, what: &str) -> Result<(), CliError> {
    match out_path {
        Some(path) => {
            if matches!(value, Output::None) {
                return Err(CliError::Kernel(Error::Io {
                    path: path.to_path_buf(),
                    message: format!(
                        "{what} returned None: there is no result to write to {}",
                        path.display()
                    ),
                }));
            }
            kernelc::npy::write(path, value).map_err(CliError::Kernel)
        }
        None => {
            if !matches!(value, Output::None) {
                let mut stdout = std::io::stdout().lock();
                let _ = writeln!(stdout, "{value}");
                let _ = stdout.flush();
            }
            Ok(())
        }
    }
}

/// Reads the file and runs `f`, turning errors into messages and exit codes.
fn with_source(path: &Path, f: impl FnOnce(&Source) -> Result<(), CliError>) -> u8 {
    match kernelc::read_source(path) {
        Ok(src) => finish(f(&src)),
        Err(e) => finish(Err(e.into())),
    }
}

/// The exit code of a command's outcome (errors are printed after flushing stdout).
fn finish(r: Result<(), CliError>) -> u8 {
    match r {
        Ok(()) => 0,
        Err(e) => {
            let _ = std::io::stdout().flush();
            e.report()
        }
    }
}
