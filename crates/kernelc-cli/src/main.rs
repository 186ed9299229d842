//! The `kernelc` command-line tool: `run`, `check` and `ir` on `.k` files.
//!
//! Exit codes: 0 success, 1 compile or runtime error (message on stderr), 2 usage error.

use clap::{Parser, Subcommand, ValueEnum};
use kernelc::{CompileError, Error, Executor, Listing, Source};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "kernelc",
    version,
    about = "Compile and run array kernels written in a typed subset of Python"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a kernel file: calls main() (or --entry NAME) and prints what it prints.
    Run {
        file: PathBuf,
        /// The function to call (it must take no arguments).
        #[arg(long, default_value = "main")]
        entry: String,
        /// Use the reference interpreter instead of native code.
        #[arg(long)]
        interp: bool,
        /// Threads for parallel loops (results never depend on it).
        #[arg(long)]
        threads: Option<usize>,
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
    /// Cranelift IR of every compiled function.
    Clif,
    /// Machine code of every compiled function.
    Asm,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Run {
            file,
            entry,
            interp,
            threads: _,
        } => with_source(&file, |src| {
            let module = kernelc::parse(src)?;
            let program = kernelc::compile(src, &module, &entry, &[])?;
            let executor = if interp {
                Executor::Interp
            } else {
                Executor::Jit
            };
            run_on_big_stack(src, program, executor)
        }),
        Command::Check { file } => with_source(&file, |src| {
            kernelc::check(src)?;
            Ok(())
        }),
        Command::Ir { file, entry, stage } => with_source(&file, |src| {
            let module = kernelc::parse(src)?;
            let text = match stage {
                Stage::Ast => kernelc_syntax::dump::dump_module(&module),
                Stage::Typed => kernelc_sema::pretty::print_program(&kernelc::compile(
                    src,
                    &module,
                    &entry,
                    &[],
                )?),
                Stage::Clif | Stage::Asm => {
                    let program = kernelc::compile(src, &module, &entry, &[])?;
                    let listing = if matches!(stage, Stage::Clif) {
                        Listing::Clif
                    } else {
                        Listing::Asm
                    };
                    kernelc::compile_native(src, program, listing)?
                        .listing
                        .join("\n")
                }
            };
            print!("{text}");
            Ok(())
        }),
    }
}

/// Reads the file and runs `f`, turning errors into messages and exit codes.
fn with_source(path: &PathBuf, f: impl FnOnce(&Source) -> Result<(), Error>) -> ExitCode {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", path.display());
            return ExitCode::from(1);
        }
    };
    let src = Source::new(path.display().to_string(), text);
    match f(&src) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = std::io::stdout().flush();
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

/// Runs the interpreter on a thread with a large stack (deep recursion in kernels).
fn run_on_big_stack(
    src: &Source,
    program: kernelc::Program,
    executor: Executor,
) -> Result<(), Error> {
    let src2 = src.clone();
    let handle = std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(move || {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let r = match executor {
                Executor::Interp => kernelc::run_program(&src2, &program, &mut out),
                Executor::Jit => kernelc::run_program_jit(&src2, program, &mut out),
            };
            let _ = out.flush();
            r
        });
    match handle.map(|h| h.join()) {
        Ok(Ok(r)) => r,
        _ => Err(Error::Compile(CompileError::new(src, Vec::new()))),
    }
}
