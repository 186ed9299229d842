//! kernelc: NumPy-style array expressions and Numba-style loop kernels, compiled at run
//! time from text.
//!
//! The pipeline is a short chain of named stages: [`parse`] (syntax), [`compile`]
//! (sema: type inference for one signature), then an executor (the reference interpreter
//! in this version). Errors render with the file, line, column, source line and a caret.
//!
//! ```
//! let src = "def main():\n    print(sum(arange(10) ** 2))\n";
//! let mut out = Vec::new();
//! kernelc::run_source("demo.k", src, "main", &mut out).unwrap();
//! assert_eq!(String::from_utf8(out).unwrap(), "285\n");
//! ```

mod api;
mod diagnostics;
mod dispatch;
mod error;
mod expr;

pub use api::{dtype_of, eval, eval_into, Arg, Function, Kernel, Output};
pub use diagnostics::{CompileError, RuntimeErrorAt, Source};
pub use dispatch::Dispatcher;
pub use error::{Error, LimitError};
pub use expr::{eval_values, eval_values_into};
pub use kernelc_codegen::{JitProgram, Listing};
pub use kernelc_interp::Value;
pub use kernelc_runtime::{Array, DType, Deadline, Interrupt, Scalar};
pub use kernelc_sema::tir::{ArrayType, Program, Type};

use kernelc_syntax::ast;
use std::io::Write;

/// Parses a `.k` source text; every syntax error is reported.
pub fn parse(src: &Source) -> Result<ast::Module, CompileError> {
    let (module, diags) = kernelc_syntax::parse_module(&src.text);
    if diags.is_empty() {
        Ok(module)
    } else {
        Err(CompileError::new(src, diags))
    }
}

/// Parses and type-checks a whole file without running it (`kernelc check`): all syntax
/// and type errors of the file.
pub fn check(src: &Source) -> Result<(), CompileError> {
    let (module, mut diags) = kernelc_syntax::parse_module(&src.text);
    diags.extend(kernelc_sema::check(&module));
    if diags.is_empty() {
        Ok(())
    } else {
        Err(CompileError::new(src, diags))
    }
}

/// Compiles the function `entry` of a parsed module for argument types `args`.
pub fn compile(
    src: &Source,
    module: &ast::Module,
    entry: &str,
    args: &[Type],
) -> Result<Program, CompileError> {
    kernelc_sema::compile(module, entry, args).map_err(|d| CompileError::new(src, d))
}

/// The loop-nest form of a typed program (`kernelc ir --stage loops`): each function as
/// the code generator receives it, with its nests.
pub fn loops_listing(program: &Program) -> String {
    kernelc_loops::print_program(&kernelc_loops::plan_program(program))
}

/// Which executor runs a program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Executor {
    /// The reference interpreter.
    Interp,
    /// Native code compiled with Cranelift.
    Jit,
}

/// Parses, compiles and runs `entry()` (no arguments) with the reference interpreter,
/// writing what the program prints to `out`.
pub fn run_source(name: &str, text: &str, entry: &str, out: &mut dyn Write) -> Result<(), Error> {
    run_source_with(name, text, entry, Executor::Interp, out)
}

/// Parses, compiles and runs `entry()` (no arguments) with the chosen executor.
pub fn run_source_with(
    name: &str,
    text: &str,
    entry: &str,
    executor: Executor,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let src = Source::new(name, text);
    let module = parse(&src)?;
    let program = compile(&src, &module, entry, &[])?;
    match executor {
        Executor::Interp => run_program(&src, &program, out),
        Executor::Jit => run_program_jit(&src, program, out),
    }
}

/// Compiles a program to native code and runs its entry function (no arguments).
pub fn run_program_jit(src: &Source, program: Program, out: &mut dyn Write) -> Result<(), Error> {
    let jit = compile_native(src, program, Listing::None)?;
    let mut rng = kernelc_runtime::rng::Rng::default();
    jit.call(jit.source_program().entry, &[], out, &mut rng)
        .map(|_| ())
        .map_err(|e| Error::at_runtime(src, e))
}

/// Compiles a typed program to native code (keeping a CLIF or assembly listing if asked).
pub fn compile_native(
    src: &Source,
    program: Program,
    listing: Listing,
) -> Result<JitProgram, Error> {
    let _ = src;
    JitProgram::compile(program, listing)
        .map_err(|e| Error::Internal(format!("the code generator failed: {e}")))
}

/// Runs a compiled program's entry function (no arguments) with the interpreter.
pub fn run_program(src: &Source, program: &Program, out: &mut dyn Write) -> Result<(), Error> {
    run_program_interruptible(src, program, out, &Interrupt::new())
}

/// [`run_program`] that stops with a runtime error (naming the loop or call where it
/// stopped) once `interrupt` is triggered: by another thread ([`Interrupt::interrupt`]) or
/// by a deadline ([`Interrupt::deadline`]).
///
/// ```
/// use std::time::Duration;
/// let src = kernelc::Source::new("spin.k", "def main():\n    while True:\n        pass\n");
/// let program = kernelc::compile(&src, &kernelc::parse(&src).unwrap(), "main", &[]).unwrap();
/// let stop = kernelc::Interrupt::new();
/// let _deadline = stop.deadline(Duration::from_millis(50));
/// let e = kernelc::run_program_interruptible(&src, &program, &mut Vec::new(), &stop);
/// assert!(e.unwrap_err().to_string().contains("time limit exceeded"));
/// ```
pub fn run_program_interruptible(
    src: &Source,
    program: &Program,
    out: &mut dyn Write,
    interrupt: &Interrupt,
) -> Result<(), Error> {
    let mut interp = kernelc_interp::Interpreter::new(program, out);
    interp.set_interrupt(interrupt.clone());
    interp
        .call(program.entry, Vec::new())
        .map(|_| ())
        .map_err(|e| Error::at_runtime(src, e))
}

/// Reads a `.k` file: an [`Error::Io`] when it cannot be read, an [`Error::Limit`] when it
/// is longer than the front end accepts (refused before it is read: reading it could
/// exhaust memory).
pub fn read_source(path: &std::path::Path) -> Result<Source, Error> {
    let limit = kernelc_syntax::parser::MAX_SOURCE_LEN as u64;
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.is_file() && meta.len() > limit {
            return Err(Error::limit(format!(
                "{} is {} bytes long, more than the limit of {limit} bytes for a source file",
                path.display(),
                meta.len()
            )));
        }
    }
    let text = std::fs::read_to_string(path).map_err(|e| Error::cannot_read(path, e))?;
    Ok(Source::new(path.display().to_string(), text))
}
