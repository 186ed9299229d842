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
mod bind;
mod diagnostics;
mod dispatch;
mod error;
mod exec;
mod expr;
mod listing;
pub mod npy;

pub use api::{dtype_of, Arg, Function, Kernel, Output};
pub use bind::{Binding, Params, Slot};
pub use diagnostics::{CompileError, RuntimeErrorAt, Source};
pub use dispatch::Dispatcher;
pub use error::{Error, LimitError};
pub use exec::{Compiled, Executor, RunOptions};
pub use expr::{
    eval, eval_into, eval_into_array, eval_values, eval_values_into, eval_with, expression_type,
};
pub use kernelc_codegen::{JitProgram, Listing};
pub use kernelc_interp::Value;
/// The element types of complex64 and complex128 arrays and scalars (`num_complex`).
pub use kernelc_runtime::dtype::{Complex32, Complex64};
pub use kernelc_runtime::memory::parse_bytes;
pub use kernelc_runtime::{Array, DType, Deadline, Interrupt, Scalar};
pub use kernelc_sema::tir::{ArrayType, Program, Type};
pub use listing::{listing, Stage};

/// The language's type rules, as the compiler applies them (NumPy 2 promotion with weak
/// literals): for tools that predict result types (the fuzzer's program generator).
pub mod promotion {
    pub use kernelc_sema::types::*;
}

/// The op table: math functions, reductions and their names, shared by the compiler and
/// both executors.
pub mod optable {
    pub use kernelc_runtime::optable::*;
}

use kernelc_syntax::ast;
use std::io::Write;
use std::sync::Arc;

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
    let options = RunOptions {
        executor,
        ..RunOptions::default()
    };
    run_compiled(src, program, &options, out)
}

/// Runs a typed program's entry function (no arguments) under `options`.
fn run_compiled(
    src: Source,
    program: Program,
    options: &RunOptions,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let compiled = Compiled::new(Arc::new(src), program);
    let mut rng = kernelc_runtime::rng::Rng::default();
    compiled.run(options, Vec::new(), out, &mut rng).map(|_| ())
}

/// Compiles a typed program to native code (keeping a CLIF or assembly listing if asked).
pub fn compile_native(
    _src: &Source,
    program: Program,
    listing: Listing,
) -> Result<JitProgram, Error> {
    exec::compile_native(&program, listing)
}

/// Runs a compiled program's entry function (no arguments) with the interpreter.
pub fn run_program(src: &Source, program: &Program, out: &mut dyn Write) -> Result<(), Error> {
    run_program_interruptible(src, program, out, &Interrupt::new())
}

/// [`run_program`] that stops with an error (naming the loop or call where it stopped)
/// once `interrupt` is triggered: by another thread ([`Interrupt::interrupt`]) or by a
/// deadline ([`Interrupt::deadline`], an [`Error::Limit`]).
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
    let options = RunOptions {
        executor: Executor::Interp,
        interrupt: Some(interrupt.clone()),
        ..RunOptions::default()
    };
    run_compiled(src.clone(), program.clone(), &options, out)
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
