//! Native `print` and formatted strings (f-strings, `%` formatting).
//!
//! As in the interpreter (and Python), every argument of `print` is evaluated first, left
//! to right, and a formatted string is formatted when it is evaluated; then the line is
//! assembled in a text buffer of the call's context and written at once. The helpers are
//! in [`crate::print_rt`]; the text of scalars and arrays comes from the runtime's one
//! definition of printing.

use super::{FnLower, Val};
use crate::construct_rt::dtype_code;
use crate::print_rt::{self, CODE_ARRAY, CODE_TEXT};
use cranelift_codegen::ir::{types, InstBuilder, Value};
use kernelc_sema::tir::{Expr, ExprKind, FmtPart, Type};
use kernelc_syntax::Span;

/// A value evaluated for printing, not yet turned into text.
enum Piece<'e> {
    /// A scalar's word and its dtype code.
    Scalar(Value, i64),
    Array(Val),
    /// A text buffer (a formatted string, owned until appended).
    Text(Value),
    /// Text of the program (a string literal).
    Literal(&'e str),
    Tuple(Vec<Piece<'e>>),
    None,
}

/// True when `print` can show this argument natively: scalars, arrays, `None`, tuples,
/// string literals and formatted strings whose fields are such values.
pub(super) fn printable(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Str(_) => true,
        ExprKind::Format(parts) => parts.iter().all(|p| match p {
            FmtPart::Text(_) => true,
            FmtPart::Field(x, _) => printable(x),
        }),
        _ => !matches!(e.ty, Type::Str),
    }
}

impl FnLower<'_, '_> {
    /// `print(args...)`.
    pub(super) fn print(&mut self, args: &[Expr], raw: bool, span: Span) -> Val {
        let pieces: Vec<Piece> = args.iter().map(|a| self.piece(a)).collect();
        let h = self.str_new();
        for (k, p) in pieces.into_iter().enumerate() {
            if k > 0 && !raw {
                self.str_literal(h, " ");
            }
            self.append(h, p, false);
        }
        let ctx = self.ctx;
        let s = self.span(span);
        let newline = self.b.ins().iconst(types::I64, i64::from(!raw));
        self.call_rt(
            print_rt::rt_print_line as *const u8,
            &[types::I64; 4],
            &[],
            &[ctx, h, newline, s],
        );
        self.check_failed();
        Val {
            v: None,
            owned: false,
        }
    }

    /// Evaluates an argument (or a field of a formatted string).
    fn piece<'e>(&mut self, e: &'e Expr) -> Piece<'e> {
        match (&e.kind, e.ty) {
            (ExprKind::Str(s), _) => Piece::Literal(s),
            (ExprKind::Format(parts), _) => Piece::Text(self.format_string(parts)),
            (_, Type::Tuple(tt)) => {
                let mut leaves = self.tuple_vals(e).into_iter();
                let mut types = tt.leaves().into_iter();
                self.tuple_piece(Type::Tuple(tt), &mut leaves, &mut types)
            }
            (_, Type::Scalar(d)) if d.is_complex() => {
                let v = self.expr(e).value();
                Piece::Text(self.cx_text(v, d))
            }
            (_, Type::Scalar(d)) => {
                let v = self.expr(e).value();
                let w = self.word_of(v, e.ty);
                Piece::Scalar(w, dtype_code(d))
            }
            (_, Type::Array(_)) => Piece::Array(self.expr(e)),
            _ => {
                let v = self.expr(e);
                self.drop_val(v);
                Piece::None
            }
        }
    }

    /// Rebuilds the nesting of a tuple of type `t` from its evaluated leaves.
    fn tuple_piece<'e>(
        &mut self,
        t: Type,
        leaves: &mut impl Iterator<Item = Val>,
        types: &mut impl Iterator<Item = Type>,
    ) -> Piece<'e> {
        match t {
            Type::Tuple(tt) => Piece::Tuple(
                tt.elems()
                    .iter()
                    .map(|&x| self.tuple_piece(x, leaves, types))
                    .collect(),
            ),
            _ => {
                let v = leaves.next().expect("a leaf");
                match types.next().expect("a leaf type") {
                    ty @ Type::Scalar(d) => {
                        let w = self.word_of(v.value(), ty);
                        Piece::Scalar(w, dtype_code(d))
                    }
                    Type::Array(_) => Piece::Array(v),
                    _ => Piece::None,
                }
            }
        }
    }

    /// An f-string or `%` formatting: its fields are evaluated left to right, then the
    /// text is formatted into a new buffer (whose handle is returned).
    fn format_string(&mut self, parts: &[FmtPart]) -> Value {
        let mut fields = Vec::new();
        for p in parts {
            if let FmtPart::Field(x, _) = p {
                fields.push(self.piece(x));
            }
        }
        let h = self.str_new();
        let mut fields = fields.into_iter();
        for p in parts {
            match p {
                FmtPart::Text(t) => self.str_literal(h, t),
                FmtPart::Field(x, spec) => {
                    let (word, code) = match fields.next().expect("a field") {
                        Piece::Scalar(w, code) => (w, code),
                        other => {
                            let t = self.str_new();
                            self.append(t, other, false);
                            (t, CODE_TEXT)
                        }
                    };
                    let ctx = self.ctx;
                    let c = self.b.ins().iconst(types::I64, code);
                    let sp = self.b.ins().iconst(types::I64, spec as *const _ as i64);
                    let s = self.span(x.span);
                    self.call_rt(
                        print_rt::rt_str_field as *const u8,
                        &[types::I64; 6],
                        &[],
                        &[ctx, h, word, c, sp, s],
                    );
                    self.check_failed();
                }
            }
        }
        h
    }

    /// Appends a piece's text to buffer `h` (`repr`: arrays as `array([...])`, the form
    /// inside a tuple), releasing what the piece owned.
    fn append(&mut self, h: Value, p: Piece<'_>, repr: bool) {
        match p {
            Piece::Scalar(w, code) => self.str_value(h, w, code, false),
            Piece::Array(v) => {
                self.str_value(h, v.value(), CODE_ARRAY, repr);
                self.drop_val(v);
            }
            Piece::Text(t) => self.str_value(h, t, CODE_TEXT, false),
            Piece::Literal(s) => self.str_literal(h, s),
            Piece::None => self.str_literal(h, "None"),
            Piece::Tuple(items) => {
                let n = items.len();
                self.str_literal(h, "(");
                for (k, x) in items.into_iter().enumerate() {
                    if k > 0 {
                        self.str_literal(h, ", ");
                    }
                    self.append(h, x, true);
                }
                self.str_literal(h, if n == 1 { ",)" } else { ")" });
            }
        }
    }

    fn str_new(&mut self) -> Value {
        let ctx = self.ctx;
        self.call_rt(
            print_rt::rt_str_new as *const u8,
            &[types::I64],
            &[types::I64],
            &[ctx],
        )[0]
    }

    /// Appends text that lives as long as the compiled program (the program's string
    /// literals, or static text).
    fn str_literal(&mut self, h: Value, s: &str) {
        if s.is_empty() {
            return;
        }
        let ctx = self.ctx;
        let p = self.b.ins().iconst(types::I64, s.as_ptr() as i64);
        let n = self.b.ins().iconst(types::I64, s.len() as i64);
        self.call_rt(
            print_rt::rt_str_text as *const u8,
            &[types::I64; 4],
            &[],
            &[ctx, h, p, n],
        );
    }

    fn str_value(&mut self, h: Value, w: Value, code: i64, repr: bool) {
        let ctx = self.ctx;
        let c = self.b.ins().iconst(types::I64, code);
        let r = self.b.ins().iconst(types::I64, repr as i64);
        self.call_rt(
            print_rt::rt_str_value as *const u8,
            &[types::I64; 5],
            &[],
            &[ctx, h, w, c, r],
        );
    }
}
