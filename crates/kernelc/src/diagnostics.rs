//! Positioned errors and their rendering: file:line:col, the source line and a caret
//! (rendered with ariadne), for compile errors and runtime errors alike. The error kinds of
//! the public API are in `error.rs`.

use ariadne::{Config, Label, Report, ReportKind};
use kernelc_runtime::RuntimeError;
use kernelc_syntax::{Diagnostic, LineIndex, Span};
use std::fmt;

/// A named source text (a `.k` file or an expression string).
#[derive(Clone, Debug)]
pub struct Source {
    pub name: String,
    pub text: String,
}

impl Source {
    /// A source text as the front end reads it: a leading UTF-8 byte-order mark is
    /// dropped and CR-only line endings become LF (CPython accepts both).
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Source {
        let text: String = text.into();
        let text = if text.starts_with(kernelc_syntax::lexer::BOM) || text.contains('\r') {
            kernelc_syntax::normalize_source(&text)
        } else {
            text
        };
        Source {
            name: name.into(),
            text,
        }
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        LineIndex::new(&self.text).line_col(&self.text, offset)
    }
}

/// All compile errors of one source.
#[derive(Clone, Debug)]
pub struct CompileError {
    source: Source,
    pub diagnostics: Vec<Diagnostic>,
}

impl CompileError {
    pub fn new(source: &Source, mut diagnostics: Vec<Diagnostic>) -> CompileError {
        diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
        diagnostics.dedup();
        CompileError {
            source: source.clone(),
            diagnostics,
        }
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.diagnostics {
            f.write_str(&render(
                &self.source,
                d.span,
                &d.message,
                &d.labels,
                &d.notes,
            ))?;
        }
        let n = self.diagnostics.len();
        write!(f, "{n} error{} found", if n == 1 { "" } else { "s" })
    }
}

impl std::error::Error for CompileError {}

/// A runtime error with the source it happened in.
#[derive(Clone, Debug)]
pub struct RuntimeErrorAt {
    source: Source,
    pub error: RuntimeError,
}

impl RuntimeErrorAt {
    pub fn new(source: &Source, error: RuntimeError) -> RuntimeErrorAt {
        RuntimeErrorAt {
            source: source.clone(),
            error,
        }
    }

    /// `(line, column)` of the failing expression.
    pub fn position(&self) -> (usize, usize) {
        self.source.line_col(self.error.start as usize)
    }
}

impl fmt::Display for RuntimeErrorAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let span = Span {
            start: self.error.start,
            end: self.error.end,
        };
        f.write_str(&render(
            &self.source,
            span,
            &format!("runtime error: {}", self.error.message),
            &[],
            &[],
        ))
    }
}

impl std::error::Error for RuntimeErrorAt {}

/// Renders one message as `error: ...` with `file:line:col`, the source line and carets.
pub(crate) fn render(
    src: &Source,
    span: Span,
    message: &str,
    labels: &[kernelc_syntax::Label],
    notes: &[String],
) -> String {
    let text = &src.text;
    let clamp = |s: Span| {
        let start = (s.start as usize).min(text.len());
        let end = (s.end as usize).clamp(start, text.len());
        // ariadne counts characters: convert byte offsets
        let cs = text[..start].chars().count();
        let ce = cs + text[start..end].chars().count();
        cs..ce.max(cs + 1).min(text.chars().count().max(cs + 1))
    };
    let (line, col) = src.line_col(span.start as usize);
    let name = src.name.as_str();
    let mut report = Report::build(ReportKind::Error, (name, clamp(span)))
        .with_config(Config::default().with_color(false))
        .with_message(format!("{message}\n  at {name}:{line}:{col}"))
        .with_label(Label::new((name, clamp(span))).with_message("here"));
    for l in labels {
        report = report.with_label(Label::new((name, clamp(l.span))).with_message(&l.message));
    }
    for n in notes {
        report = report.with_note(n);
    }
    let mut buf = Vec::new();
    let cache = (name, ariadne::Source::from(text.as_str()));
    if report.finish().write(cache, &mut buf).is_err() {
        return format!("error: {message}\n  at {name}:{line}:{col}\n");
    }
    String::from_utf8_lossy(&buf).into_owned()
}
