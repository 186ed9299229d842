//! The error kinds of the public API ([`Error`]), how each renders, and the exit code the
//! `kernelc` command line gives it.
//!
//! Every failure of the facade is one of these kinds: the CLI, the benchmark harness, the
//! fuzzer and the Python package tell them apart by variant, never by message text.

use crate::diagnostics::{render, CompileError, RuntimeErrorAt, Source};
use kernelc_runtime::RuntimeError;
use kernelc_syntax::Span;
use std::fmt;
use std::path::{Path, PathBuf};

/// Any error of the pipeline.
///
/// | kind | what | CLI exit code |
/// |---|---|---|
/// | [`Error::Compile`] | every syntax and type error of the source | 1 |
/// | [`Error::Runtime`] | a runtime error of the kernel, with its position | 1 |
/// | [`Error::Io`] | a file that cannot be read or written (or is not a valid `.npy`) | 1 |
/// | [`Error::Limit`] | a resource limit (source size, time limit, ...) | 1 |
/// | [`Error::Argument`] | arguments that do not fit the function's parameters | 2 |
/// | [`Error::Internal`] | a bug of kernelc (please report it) | 3 |
#[derive(Clone, Debug)]
pub enum Error {
    /// All compile errors of one source (rendered with positions, source lines, carets).
    Compile(CompileError),
    /// A runtime error: message and position in the source.
    Runtime(RuntimeErrorAt),
    /// Arguments that cannot be bound to the function's parameters: an unknown, missing or
    /// repeated name, too many arguments, or a value a kernel cannot take. The message is
    /// the same from every front end (CLI, Rust API, Python).
    Argument(String),
    /// A file that cannot be read or written, or whose contents are not what was expected.
    Io {
        /// The file.
        path: PathBuf,
        /// A complete sentence naming the file.
        message: String,
    },
    /// A resource limit was reached.
    Limit(LimitError),
    /// A bug of kernelc: an invariant of the compiler or of an executor did not hold.
    Internal(String),
}

/// A resource limit that stopped a compile or a run: the message and, when the limit was
/// reached inside a kernel, where.
#[derive(Clone, Debug)]
pub struct LimitError {
    pub message: String,
    at: Option<(Source, Span)>,
}

impl LimitError {
    /// `(line, column)` where the limit stopped the kernel, if it was running.
    pub fn position(&self) -> Option<(usize, usize)> {
        self.at
            .as_ref()
            .map(|(src, span)| src.line_col(span.start as usize))
    }
}

impl Error {
    /// A file that cannot be read (`cannot read PATH: why`).
    pub fn cannot_read(path: &Path, why: impl fmt::Display) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            message: format!("cannot read {}: {why}", path.display()),
        }
    }

    /// A file that cannot be written (`cannot write PATH: why`).
    pub fn cannot_write(path: &Path, why: impl fmt::Display) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            message: format!("cannot write {}: {why}", path.display()),
        }
    }

    /// A file whose contents are wrong (`PATH: why`).
    pub fn bad_file(path: &Path, why: impl fmt::Display) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            message: format!("{}: {why}", path.display()),
        }
    }

    /// A resource limit reached outside a kernel (no position).
    pub fn limit(message: impl Into<String>) -> Error {
        Error::Limit(LimitError {
            message: message.into(),
            at: None,
        })
    }

    /// An error raised while running a kernel of `src`, classified by kind: a failed
    /// invariant of an executor (`internal error: ...`) is [`Error::Internal`], a time limit
    /// [`Error::Limit`], everything else [`Error::Runtime`].
    pub fn at_runtime(src: &Source, e: RuntimeError) -> Error {
        if let Some(m) = e.message.strip_prefix("internal error: ") {
            return Error::Internal(m.to_string());
        }
        if e.message.starts_with("time limit exceeded") {
            return Error::Limit(LimitError {
                message: e.message,
                at: Some((
                    src.clone(),
                    Span {
                        start: e.start,
                        end: e.end,
                    },
                )),
            });
        }
        Error::Runtime(RuntimeErrorAt::new(src, e))
    }

    /// The exit code of the `kernelc` command line for this error (see the table above).
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Compile(_) | Error::Runtime(_) | Error::Io { .. } | Error::Limit(_) => 1,
            Error::Argument(_) => 2,
            Error::Internal(_) => 3,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Compile(e) => e.fmt(f),
            Error::Runtime(e) => e.fmt(f),
            Error::Argument(m) => write!(f, "error: {m}"),
            Error::Io { message, .. } => write!(f, "error: {message}"),
            Error::Limit(LimitError { message, at: None }) => write!(f, "error: {message}"),
            Error::Limit(LimitError {
                message,
                at: Some((src, span)),
            }) => f.write_str(&render(src, *span, message, &[], &[])),
            Error::Internal(m) => write!(
                f,
                "error: internal compiler error: {m}\n\
                 note: this is a bug in kernelc; please report it with the program and the \
                 command that caused it"
            ),
        }
    }
}

impl std::error::Error for Error {}

impl From<CompileError> for Error {
    fn from(e: CompileError) -> Error {
        Error::Compile(e)
    }
}
