//! Complex scalars in native code: a complex64 or complex128 value is one `i128` (the real
//! part's bits in the low 64 bits, the imaginary part's in the high 64; a complex64 part
//! is an `f32` in the low 32 bits of its half). Addition, subtraction, multiplication,
//! negation, conjugation, comparisons, casts and `.real`/`.imag` are emitted inline with
//! exactly the operations of `kernelc_runtime::complex` (no fused multiply-add); division
//! (Smith's), `**` (`npy_cpow`), `abs`, `angle`, the math functions and `reciprocal` call
//! the runtime's definitions ([`crate::rt::rt_cx`]), so both executors give the same bits.
//!
//! [`native`] decides which functions with complex values run natively: complex scalars
//! in locals and expressions, without complex arrays, complex parameters or results,
//! calls carrying complex values, tuples or formatted fields of complex values, or
//! `prange` loops (those functions run in the interpreter, as before).

use super::{FnLower, Val};
use crate::rt;
use cranelift_codegen::ir::{types, InstBuilder, StackSlotData, StackSlotKind, Value};
use kernelc_runtime::complex::CxOp;
use kernelc_runtime::{DType, Scalar};
use kernelc_sema::tir::{BinOp, Expr, ExprKind, Func, StmtKind, Type, UnOp};
use kernelc_syntax::Span;

/// Operation codes of [`crate::rt::rt_cx`].
pub(crate) mod code {
    pub const DIV: i64 = 0;
    pub const POW: i64 = 1;
    pub const RECIPROCAL: i64 = 2;
    pub const ABS: i64 = 3;
    pub const ANGLE: i64 = 4;
    /// `MATH + k`: math function `MathFn::ALL[k]`.
    pub const MATH: i64 = 16;
}

fn is_cx(t: Type) -> bool {
    matches!(t, Type::Scalar(d) if d.is_complex())
}

/// Whether `t` holds a complex value (a tuple in one of its leaves).
fn has_cx(t: Type) -> bool {
    let mut leaves = Vec::new();
    kernelc_sema::tuples::leaves_of(t, &mut leaves);
    leaves
        .iter()
        .any(|l| l.dtype().is_some_and(|d| d.is_complex()))
}

/// True when native code can run this function's complex values (see the module doc).
pub fn native(f: &Func) -> bool {
    if f.params.iter().any(|&p| has_cx(f.locals[p].ty)) || has_cx(f.ret) {
        return false;
    }
    if f.locals
        .iter()
        .any(|l| has_cx(l.ty) && !matches!(l.ty, Type::Scalar(_)))
    {
        return false;
    }
    let mut ok = true;
    let mut prange = false;
    fn find_prange(b: &[kernelc_sema::tir::Stmt], found: &mut bool) {
        for s in b {
            match &s.kind {
                StmtKind::For { parallel, body, .. } => {
                    *found |= parallel.is_some();
                    find_prange(body, found);
                }
                StmtKind::While { body, .. } => find_prange(body, found),
                StmtKind::If { then, orelse, .. } => {
                    find_prange(then, found);
                    find_prange(orelse, found);
                }
                _ => {}
            }
        }
    }
    find_prange(&f.body, &mut prange);
    if prange {
        return false;
    }
    for s in &f.body {
        kernelc_sema::pretty::walk_stmt(s, &mut |e: &Expr| ok &= expr_ok(e));
    }
    ok
}

/// One expression of a function with complex values: its own operation is native, and
/// complex values appear only where this module lowers them.
fn expr_ok(e: &Expr) -> bool {
    if !super::native_op(e) {
        // Nothing in such a function is handed to the interpreter (its locals would be
        // spilled as words, which a complex value is not).
        return false;
    }
    let kids = kernelc_sema::pretty::children(e);
    let any_cx = is_cx(e.ty) || kids.iter().any(|k| is_cx(k.ty));
    if !any_cx {
        return !has_cx(e.ty);
    }
    match &e.kind {
        ExprKind::Const(_) | ExprKind::Local(_) => true,
        ExprKind::Unary(UnOp::Neg, _) => true,
        ExprKind::Binary(op, a, _) => {
            is_cx(a.ty)
                && matches!(
                    op,
                    BinOp::Add
                        | BinOp::Sub
                        | BinOp::Mul
                        | BinOp::Div
                        | BinOp::Pow
                        | BinOp::Eq
                        | BinOp::Ne
                )
        }
        ExprKind::Cast(x) => matches!(x.ty, Type::Scalar(_)) && is_cx(e.ty),
        ExprKind::Complex(op, args) => {
            args.iter().all(|a| matches!(a.ty, Type::Scalar(_)))
                && match op {
                    CxOp::Make => !is_cx(args[0].ty),
                    CxOp::Math(f) => kernelc_runtime::optable::MathFn::ALL.contains(f),
                    _ => true,
                }
        }
        ExprKind::IfExp { .. } => true,
        // Complex arguments of print (not inside formatted strings or tuples).
        ExprKind::Print(args, _) => args.iter().all(|a| {
            !has_cx(a.ty)
                || matches!(a.ty, Type::Scalar(_)) && !matches!(a.kind, ExprKind::Format(_))
        }),
        _ => false,
    }
}

impl FnLower<'_, '_> {
    /// The parts of a complex value (`f64` or `f32` values).
    pub(super) fn cx_parts(&mut self, v: Value, d: DType) -> (Value, Value) {
        let (lo, hi) = self.b.ins().isplit(v);
        let part = |this: &mut Self, w: Value| -> Value {
            let flags = cranelift_codegen::ir::MemFlagsData::new();
            if d == DType::C64 {
                let w32 = this.b.ins().ireduce(types::I32, w);
                this.b.ins().bitcast(types::F32, flags, w32)
            } else {
                this.b.ins().bitcast(types::F64, flags, w)
            }
        };
        (part(self, lo), part(self, hi))
    }

    /// A complex value from its parts.
    pub(super) fn cx_make(&mut self, re: Value, im: Value, d: DType) -> Value {
        let word = |this: &mut Self, p: Value| -> Value {
            let flags = cranelift_codegen::ir::MemFlagsData::new();
            if d == DType::C64 {
                let w32 = this.b.ins().bitcast(types::I32, flags, p);
                this.b.ins().uextend(types::I64, w32)
            } else {
                this.b.ins().bitcast(types::I64, flags, p)
            }
        };
        let (lo, hi) = (word(self, re), word(self, im));
        self.b.ins().iconcat(lo, hi)
    }

    fn part_const(&mut self, x: f64, d: DType) -> Value {
        if d == DType::C64 {
            self.b.ins().f32const(x as f32)
        } else {
            self.b.ins().f64const(x)
        }
    }

    /// A complex constant.
    pub(super) fn cx_const(&mut self, s: Scalar) -> Value {
        let (re, im, d) = match s {
            Scalar::C64(z) => (f64::from(z.re), f64::from(z.im), DType::C64),
            Scalar::C128(z) => (z.re, z.im, DType::C128),
            _ => unreachable!("a complex constant"),
        };
        let (r, i) = (self.part_const(re, d), self.part_const(im, d));
        self.cx_make(r, i, d)
    }

    /// The zero of a complex type (the initial value of its locals).
    pub(super) fn cx_zero(&mut self) -> Value {
        let z = self.b.ins().iconst(types::I64, 0);
        self.b.ins().iconcat(z, z)
    }

    /// Calls the runtime's definition of operation `op` on `a` (and `b`): its two result
    /// parts as `f64` values (a real result in the first).
    fn cx_call(&mut self, op: i64, d: DType, a: Value, b: Option<Value>) -> (Value, Value) {
        let (ar, ai) = self.cx_parts(a, d);
        let (br, bi) = match b {
            Some(b) => self.cx_parts(b, d),
            None => (ar, ai),
        };
        let wide = |this: &mut Self, v: Value| {
            if d == DType::C64 {
                this.b.ins().fpromote(types::F64, v)
            } else {
                v
            }
        };
        let args: Vec<Value> = [ar, ai, br, bi]
            .into_iter()
            .map(|v| wide(self, v))
            .collect();
        let slot =
            self.b
                .create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 16, 3));
        let out = self.b.ins().stack_addr(types::I64, slot, 0);
        let opv = self.b.ins().iconst(types::I64, op);
        let is64 = self.b.ins().iconst(types::I64, i64::from(d == DType::C128));
        self.call_rt(
            rt::rt_cx as *const u8,
            &[
                types::I64,
                types::I64,
                types::F64,
                types::F64,
                types::F64,
                types::F64,
                types::I64,
            ],
            &[],
            &[opv, is64, args[0], args[1], args[2], args[3], out],
        );
        let re = self.b.ins().stack_load(types::I64, types::F64, slot, 0);
        let im = self.b.ins().stack_load(types::I64, types::F64, slot, 8);
        (re, im)
    }

    /// The parts of a complex value as `f64` values (a complex64's widened exactly).
    fn wide_parts(&mut self, v: Value, d: DType) -> (Value, Value) {
        let (re, im) = self.cx_parts(v, d);
        if d == DType::C64 {
            (
                self.b.ins().fpromote(types::F64, re),
                self.b.ins().fpromote(types::F64, im),
            )
        } else {
            (re, im)
        }
    }

    /// `f64` parts back to a value of complex type `d` (exact: an f32 result was widened).
    fn cx_from_wide(&mut self, re: Value, im: Value, d: DType) -> Value {
        let (re, im) = if d == DType::C64 {
            (
                self.b.ins().fdemote(types::F32, re),
                self.b.ins().fdemote(types::F32, im),
            )
        } else {
            (re, im)
        };
        self.cx_make(re, im, d)
    }

    /// A binary operator on two complex values of type `d`.
    pub(super) fn cx_binary(&mut self, op: BinOp, d: DType, a: Value, b: Value) -> Value {
        match op {
            BinOp::Div | BinOp::Pow => {
                let c = if op == BinOp::Div {
                    code::DIV
                } else {
                    code::POW
                };
                let (re, im) = self.cx_call(c, d, a, Some(b));
                return self.cx_from_wide(re, im, d);
            }
            _ => {}
        }
        let (ar, ai) = self.cx_parts(a, d);
        let (br, bi) = self.cx_parts(b, d);
        match op {
            BinOp::Add => {
                let re = self.b.ins().fadd(ar, br);
                let im = self.b.ins().fadd(ai, bi);
                self.cx_make(re, im, d)
            }
            BinOp::Sub => {
                let re = self.b.ins().fsub(ar, br);
                let im = self.b.ins().fsub(ai, bi);
                self.cx_make(re, im, d)
            }
            BinOp::Mul => {
                // (ar*br - ai*bi, ar*bi + ai*br), each product rounded.
                let p1 = self.b.ins().fmul(ar, br);
                let p2 = self.b.ins().fmul(ai, bi);
                let re = self.b.ins().fsub(p1, p2);
                let p3 = self.b.ins().fmul(ar, bi);
                let p4 = self.b.ins().fmul(ai, br);
                let im = self.b.ins().fadd(p3, p4);
                self.cx_make(re, im, d)
            }
            BinOp::Eq | BinOp::Ne => {
                use cranelift_codegen::ir::condcodes::FloatCC;
                let cc = if op == BinOp::Eq {
                    FloatCC::Equal
                } else {
                    FloatCC::NotEqual
                };
                let r = self.b.ins().fcmp(cc, ar, br);
                let i = self.b.ins().fcmp(cc, ai, bi);
                if op == BinOp::Eq {
                    self.b.ins().band(r, i)
                } else {
                    self.b.ins().bor(r, i)
                }
            }
            _ => unreachable!("checked by `native`"),
        }
    }

    /// `-z`.
    pub(super) fn cx_neg(&mut self, v: Value, d: DType) -> Value {
        let (re, im) = self.cx_parts(v, d);
        let (re, im) = (self.b.ins().fneg(re), self.b.ins().fneg(im));
        self.cx_make(re, im, d)
    }

    /// A cast of a scalar of type `from` to complex type `to`, as the interpreter's: a real
    /// value becomes `(x, 0)` (an integer or f64 through f64 for complex64, then rounded);
    /// complex types convert part by part.
    pub(super) fn cx_cast(&mut self, v: Value, from: DType, to: DType, span: Span) -> Value {
        if from == to {
            return v;
        }
        if from.is_complex() {
            let (re, im) = self.wide_parts(v, from);
            return self.cx_from_wide(re, im, to);
        }
        let re = match (from, to) {
            (DType::F32, DType::C64) => v,
            (DType::F32, _) => self.b.ins().fpromote(types::F64, v),
            (_, _) => {
                let x = self.cast_value(v, from, DType::F64, span);
                if to == DType::C64 {
                    self.b.ins().fdemote(types::F32, x)
                } else {
                    x
                }
            }
        };
        let im = self.part_const(0.0, to);
        self.cx_make(re, im, to)
    }

    /// An `ExprKind::Complex` operation on scalars.
    pub(super) fn cx_op(&mut self, op: CxOp, args: &[Expr], e: &Expr) -> Val {
        let vals: Vec<Value> = args.iter().map(|a| self.expr(a).value()).collect();
        let d = args[0].ty.dtype().expect("a scalar");
        let v = match op {
            CxOp::Make => {
                let cd = e.ty.dtype().expect("complex");
                self.cx_make(vals[0], vals[1], cd)
            }
            CxOp::Real => self.cx_parts(vals[0], d).0,
            CxOp::Imag => self.cx_parts(vals[0], d).1,
            CxOp::Conj => {
                let (re, im) = self.cx_parts(vals[0], d);
                let im = self.b.ins().fneg(im);
                self.cx_make(re, im, d)
            }
            CxOp::Abs | CxOp::Angle => {
                let c = if op == CxOp::Abs {
                    code::ABS
                } else {
                    code::ANGLE
                };
                let (r, _) = self.cx_call(c, d, vals[0], None);
                if d == DType::C64 {
                    self.b.ins().fdemote(types::F32, r)
                } else {
                    r
                }
            }
            CxOp::Math(f) => {
                let k = kernelc_runtime::optable::MathFn::ALL
                    .iter()
                    .position(|&g| g == f)
                    .expect("checked by `native`") as i64;
                let (re, im) = self.cx_call(code::MATH + k, d, vals[0], None);
                self.cx_from_wide(re, im, d)
            }
            CxOp::Reciprocal => {
                let (re, im) = self.cx_call(code::RECIPROCAL, d, vals[0], None);
                self.cx_from_wide(re, im, d)
            }
        };
        Val::scalar(v)
    }

    /// The text of a complex value, as `print` shows it: a new text buffer.
    pub(super) fn cx_text(&mut self, v: Value, d: DType) -> Value {
        let (re, im) = self.wide_parts(v, d);
        let ctx = self.ctx;
        let is64 = self.b.ins().iconst(types::I64, i64::from(d == DType::C128));
        self.call_rt(
            crate::print_rt::rt_str_complex as *const u8,
            &[types::I64, types::F64, types::F64, types::I64],
            &[types::I64],
            &[ctx, re, im, is64],
        )[0]
    }
}
