//! Native code for the array operations of LANGUAGE.md §9 (`ArrayOp`, `SelectStore`):
//! `.flat[i]` reads and writes are emitted inline (C-order position to offset, checked);
//! views with a new geometry, copies, mask and index-array selections and arrays built
//! from lists call the helpers of [`crate::arrays_rt`], which share the runtime's
//! definitions with the interpreter.

use super::{dtype_clif, FnLower, Val, HANDLE_FIELD};
use crate::abi::{OFF_DATA, OFF_SHAPE, OFF_STRIDES};
use crate::arrays_rt as art;
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    types, InstBuilder, MemFlagsData, StackSlotData, StackSlotKind, Value,
};
use kernelc_sema::tir::{ArrayOp, Expr, Sel, Type};
use kernelc_syntax::Span;

const I: types::Type = types::I64;

impl<'a, 'b> FnLower<'a, 'b> {
    /// A new handle returned by a helper (owned).
    fn owned(h: Value) -> Val {
        Val {
            v: Some(h),
            owned: true,
        }
    }

    /// A stack block of `n` words, filled with `words`; returns its address.
    fn words_block(&mut self, words: &[Value]) -> Value {
        let s = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            (8 * words.len().max(1)) as u32,
            3,
        ));
        for (k, &w) in words.iter().enumerate() {
            self.b.ins().stack_store(I, w, s, (8 * k) as i32);
        }
        self.b.ins().stack_addr(I, s, 0)
    }

    /// The dtype's name as (pointer, length) constants for [`art`] helpers.
    fn dtype_name(&mut self, t: Type) -> (Value, Value) {
        let name = t.dtype().expect("array").name();
        let p = self.b.ins().iconst(I, name.as_ptr() as i64);
        let n = self.b.ins().iconst(I, name.len() as i64);
        (p, n)
    }

    pub(super) fn array_op(&mut self, op: &ArrayOp, e: &Expr) -> Val {
        let span = e.span;
        match op {
            ArrayOp::Transpose { array, perm } => {
                let a = self.expr(array);
                let code = perm
                    .iter()
                    .enumerate()
                    .fold(0i64, |c, (k, &p)| c | ((p as i64) << (4 * k)));
                let c = self.b.ins().iconst(I, code);
                let h = a.value();
                let r = self.call_rt(art::rt_transpose as *const u8, &[I, I], &[I], &[h, c])[0];
                self.drop_val(a);
                Self::owned(r)
            }
            ArrayOp::NewAxes { array, axes } => {
                let a = self.expr(array);
                let mask = axes.iter().fold(0i64, |m, &k| m | (1 << k));
                let c = self.b.ins().iconst(I, mask);
                let h = a.value();
                let r = self.call_rt(art::rt_new_axes as *const u8, &[I, I], &[I], &[h, c])[0];
                self.drop_val(a);
                Self::owned(r)
            }
            ArrayOp::Copy { array } => {
                let a = self.expr(array);
                let h = a.value();
                let r = self.call_rt(art::rt_copy as *const u8, &[I], &[I], &[h])[0];
                self.drop_val(a);
                Self::owned(r)
            }
            ArrayOp::Reshape { array, shape, copy } => {
                let a = self.expr(array);
                let dims: Vec<Value> = shape.iter().map(|s| self.expr(s).value()).collect();
                let p = self.words_block(&dims);
                let n = self.b.ins().iconst(I, dims.len() as i64);
                let c = self.b.ins().iconst(I, *copy as i64);
                let sp = self.span(span);
                let ctx = self.ctx;
                let h = a.value();
                let r = self.call_rt(
                    art::rt_reshape as *const u8,
                    &[I; 6],
                    &[I],
                    &[ctx, h, p, n, c, sp],
                )[0];
                self.drop_val(a);
                self.check_failed();
                Self::owned(r)
            }
            ArrayOp::Select { array, sel } => match sel {
                Sel::Flat { index } => {
                    let a = self.expr(array);
                    let i = self.expr(index).value();
                    let d = array.ty.dtype().expect("array");
                    let addr = self.flat_addr(a.value(), i, array.ty.ndim(), d.size(), span);
                    let v = self
                        .b
                        .ins()
                        .load(dtype_clif(d), MemFlagsData::trusted(), addr, 0);
                    self.drop_val(a);
                    Val::scalar(v)
                }
                Sel::Mask { mask: s, axis } | Sel::Take { index: s, axis } => {
                    let kind = matches!(sel, Sel::Take { .. }) as i64;
                    let a = self.expr(array);
                    let m = self.expr(s);
                    let ctx = self.ctx;
                    let k = self.b.ins().iconst(I, kind);
                    let ax = self.b.ins().iconst(I, *axis as i64);
                    let sp = self.span(span);
                    let (h, mh) = (a.value(), m.value());
                    let r = self.call_rt(
                        art::rt_select as *const u8,
                        &[I; 6],
                        &[I],
                        &[ctx, h, mh, k, ax, sp],
                    )[0];
                    self.drop_val(a);
                    self.drop_val(m);
                    self.check_failed();
                    Self::owned(r)
                }
            },
            ArrayOp::List { items, shape } => {
                let mut words = Vec::with_capacity(items.len());
                for it in items {
                    let v = self.expr(it).value();
                    words.push(self.word_of(v, it.ty));
                }
                let w = self.words_block(&words);
                let dims: Vec<Value> = shape
                    .iter()
                    .map(|&n| self.b.ins().iconst(I, n as i64))
                    .collect();
                let sh = self.words_block(&dims);
                let nd = self.b.ins().iconst(I, shape.len() as i64);
                let (np, nl) = self.dtype_name(e.ty);
                let sp = self.span(span);
                let ctx = self.ctx;
                let r = self.call_rt(
                    art::rt_from_words as *const u8,
                    &[I; 7],
                    &[I],
                    &[ctx, np, nl, sh, nd, w, sp],
                )[0];
                self.check_failed();
                Self::owned(r)
            }
            ArrayOp::Stack { items } => {
                let vals: Vec<Val> = items.iter().map(|it| self.expr(it)).collect();
                let hs: Vec<Value> = vals.iter().map(|v| v.value()).collect();
                let p = self.words_block(&hs);
                let n = self.b.ins().iconst(I, hs.len() as i64);
                let (np, nl) = self.dtype_name(e.ty);
                let sp = self.span(span);
                let ctx = self.ctx;
                let r = self.call_rt(
                    art::rt_stack as *const u8,
                    &[I; 6],
                    &[I],
                    &[ctx, np, nl, p, n, sp],
                )[0];
                for v in vals {
                    self.drop_val(v);
                }
                self.check_failed();
                Self::owned(r)
            }
        }
    }

    /// Address of `a.flat[i]` (C-order position, negative from the end; checked).
    fn flat_addr(&mut self, h: Value, i: Value, ndim: usize, elem: usize, span: Span) -> Value {
        let ro = HANDLE_FIELD;
        let dims: Vec<Value> = (0..ndim)
            .map(|k| self.b.ins().load(I, ro, h, OFF_SHAPE + 8 * k as i32))
            .collect();
        let mut size = self.b.ins().iconst(I, 1);
        for &n in &dims {
            size = self.b.ins().imul(size, n);
        }
        let neg = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, i, 0);
        let wrapped = self.b.ins().iadd(i, size);
        let j = self.b.ins().select(neg, wrapped, i);
        let oob = self
            .b
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, j, size);
        self.error_if(oob, |this| {
            let ctx = this.ctx;
            let s = this.span(span);
            this.call_rt(
                art::rt_flat_error as *const u8,
                &[I; 4],
                &[],
                &[ctx, i, size, s],
            );
        });
        // Position to offset, last axis first (every extent is >= 1 here).
        let mut off = self.b.ins().iconst(I, 0);
        let mut rest = j;
        for k in (0..ndim).rev() {
            let stride = self.b.ins().load(I, ro, h, OFF_STRIDES + 8 * k as i32);
            let r = if k == 0 {
                rest
            } else {
                let q = self.b.ins().udiv(rest, dims[k]);
                let qn = self.b.ins().imul(q, dims[k]);
                let r = self.b.ins().isub(rest, qn);
                rest = q;
                r
            };
            let part = self.b.ins().imul(r, stride);
            off = self.b.ins().iadd(off, part);
        }
        let data = self.b.ins().load(I, ro, h, OFF_DATA);
        let bytes = self.b.ins().imul_imm_s(off, elem as i64);
        self.b.ins().iadd(data, bytes)
    }

    /// `array[sel] = value`: the value, then the array, then the selector.
    pub(super) fn select_store(&mut self, array: &Expr, sel: &Sel, value: &Expr, span: Span) {
        let v = self.expr(value);
        let a = self.expr(array);
        match sel {
            Sel::Flat { index } => {
                let i = self.expr(index).value();
                let d = array.ty.dtype().expect("array");
                let addr = self.flat_addr(a.value(), i, array.ty.ndim(), d.size(), span);
                self.b
                    .ins()
                    .store(MemFlagsData::trusted(), v.value(), addr, 0);
            }
            Sel::Mask { mask: s, axis } | Sel::Take { index: s, axis } => {
                let kind = matches!(sel, Sel::Take { .. }) as i64;
                let m = self.expr(s);
                let ctx = self.ctx;
                let k = self.b.ins().iconst(I, kind);
                let ax = self.b.ins().iconst(I, *axis as i64);
                let w = self.word_of(v.value(), value.ty);
                let is_arr = self.b.ins().iconst(I, value.ty.is_array() as i64);
                let sp = self.span(span);
                let (h, mh) = (a.value(), m.value());
                self.call_rt(
                    art::rt_select_store as *const u8,
                    &[I; 8],
                    &[],
                    &[ctx, h, mh, k, ax, w, is_arr, sp],
                );
                self.drop_val(m);
                self.drop_val(a);
                self.drop_val(v);
                self.check_failed();
                return;
            }
        }
        self.drop_val(a);
        self.drop_val(v);
    }
}
