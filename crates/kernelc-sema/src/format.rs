//! Typing of formatted strings: f-strings (`f"{x:.3f}"`) and `%` formatting
//! (`"%d: %.2f" % (i, x)`), both lowered to [`ExprKind::Format`], a `str` value that only
//! `print` takes.
//!
//! Every format specification is parsed and checked against its value's type here
//! (`kernelc_runtime::pyformat`), so a bad one is a compile error at its position; the
//! interpreter formats the values at run time with the same module.

use crate::lower::{FnLower, TE};
use crate::tir::{Expr, ExprKind, FmtPart, Type};
use kernelc_runtime::pyformat::{self, Kind, Piece, Spec};
use kernelc_runtime::DType;
use kernelc_syntax::ast;
use kernelc_syntax::Span;

/// The kind of value a specification formats, or `None` for a type that has no text.
fn kind_of(t: Type) -> Option<Kind> {
    match t {
        Type::Scalar(DType::Bool) => Some(Kind::Bool),
        Type::Scalar(d) if d.is_float() => Some(Kind::Float),
        Type::Scalar(_) => Some(Kind::Int),
        Type::Str => Some(Kind::Str),
        Type::Array(_) => Some(Kind::Array),
        Type::Tuple(_) => Some(Kind::Tuple),
        Type::None => None,
    }
}

impl<'c, 'a> FnLower<'c, 'a> {
    /// Checks `spec` for a value and makes the field, or reports at `at`.
    fn field(&mut self, value: TE, spec: Spec, at: Span) -> Option<FmtPart> {
        let Some(kind) = kind_of(value.ty()) else {
            return self.fail(value.e.span, "this has no value to format");
        };
        if value.ty().dtype().is_some_and(|d| d.is_complex()) {
            // str(z) only (`{z}`, `{z!r}`, `%s`): Python's number formats of complex values
            // (`{z:.2f}` formats each part) are not built.
            let plain = spec.as_str
                || (spec.ty.is_none()
                    && spec.width == 0
                    && spec.precision.is_none()
                    && spec.align.is_none()
                    && spec.grouping.is_none()
                    && !spec.zero
                    && !spec.alt
                    && !spec.printf);
            if !plain {
                let msg = if spec.printf {
                    "this % conversion needs a real number, not complex (as in Python); use %s, or format z.real and z.imag"
                } else {
                    "format specifications of complex numbers are not supported yet: format z.real and z.imag, or use {z}"
                };
                return self.fail(at, msg);
            }
        }
        if let Err(msg) = pyformat::check(&spec, kind) {
            return self.fail(at, msg);
        }
        Some(FmtPart::Field(value.e, spec))
    }

    /// `f"..."`: text and fields in order.
    pub(crate) fn fstring(&mut self, parts: &'a [ast::FPart], span: Span) -> Option<TE> {
        let mut out = Vec::with_capacity(parts.len());
        let mut ok = true;
        for p in parts {
            match p {
                ast::FPart::Text(t) => out.push(FmtPart::Text(t.clone())),
                ast::FPart::Field {
                    value,
                    conv,
                    spec,
                    spec_span,
                } => {
                    let v = self.expr(value);
                    let parsed = match pyformat::parse_spec(spec) {
                        Ok(mut s) => {
                            s.as_str = conv.is_some();
                            Some(s)
                        }
                        Err(msg) => {
                            self.fail::<()>(*spec_span, msg);
                            None
                        }
                    };
                    match (v, parsed) {
                        (Some(v), Some(s)) => match self.field(v, s, *spec_span) {
                            Some(f) => out.push(f),
                            None => ok = false,
                        },
                        _ => ok = false,
                    }
                }
            }
        }
        ok.then(|| format_expr(out, span))
    }

    /// `"format" % value` or `"format" % (v1, v2, ...)`.
    pub(crate) fn percent_format(
        &mut self,
        fmt: &str,
        fmt_span: Span,
        rhs: &'a ast::Expr,
        span: Span,
    ) -> Option<TE> {
        let pieces = match pyformat::parse_percent(fmt) {
            Ok(p) => p,
            Err(msg) => return self.fail(fmt_span, msg),
        };
        // The values: a tuple display's items, a tuple value's elements, or one value.
        let values: Vec<Option<TE>> = match &rhs.kind {
            ast::ExprKind::Tuple(xs) => xs.iter().map(|x| self.expr(x)).collect(),
            _ => match self.expr(rhs) {
                Some(t) if matches!(t.ty(), Type::Tuple(_)) => {
                    if !crate::tuples::pure(&t.e) {
                        return self.fail(
                            rhs.span,
                            "write this tuple into a variable first: % takes its elements \
                             one by one",
                        );
                    }
                    let n = t.ty().tuple().map_or(0, |tt| tt.elems().len());
                    (0..n)
                        .map(|k| Some(TE::strong(self.tuple_get(t.e.clone(), k, rhs.span))))
                        .collect()
                }
                v => vec![v],
            },
        };
        let wanted = pieces
            .iter()
            .filter(|p| matches!(p, Piece::Conversion(_)))
            .count();
        if wanted > values.len() {
            return self.fail(rhs.span, "not enough arguments for format string");
        }
        if wanted < values.len() {
            return self.fail(
                rhs.span,
                "not all arguments converted during string formatting",
            );
        }
        let mut values = values.into_iter();
        let mut out = Vec::with_capacity(pieces.len());
        let mut ok = true;
        for p in pieces {
            match p {
                Piece::Text(t) => out.push(FmtPart::Text(t)),
                Piece::Conversion(s) => {
                    let v = values.next().flatten();
                    match v.and_then(|v| {
                        let at = v.e.span;
                        self.field(v, s, at)
                    }) {
                        Some(f) => out.push(f),
                        None => ok = false,
                    }
                }
            }
        }
        ok.then(|| format_expr(out, span))
    }
}

fn format_expr(parts: Vec<FmtPart>, span: Span) -> TE {
    TE::strong(Expr {
        kind: ExprKind::Format(parts),
        ty: Type::Str,
        span,
    })
}
