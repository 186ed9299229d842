//! Native loops for the loop nests of a planned function (`kernelc_loops::Nest`).
//!
//! Each nest runs as: operand handles and view bounds written to a stack block,
//! [`crate::nest_rt::rt_nest_setup`] (views, shape checks, the result array, the
//! geometry), then loops over the space that read the geometry: the element expression
//! (one emitter, [`FnLower::elem`], over the same scalar operations as scalar code) and
//! the sink: a store into the result, into the target view, or a reduction — NumPy's
//! pairwise sum along a line, or one accumulator in order.

use super::par_nest::Work;
use super::simd::{self, VecLoop};
use super::{dtype_clif, FnLower, Val};
use crate::nest_rt::{self, Geometry, FLAG_OVERLAP, FLAG_UNFLATTENED};
use crate::rt;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    types, InstBuilder, MemFlagsData, StackSlotData, StackSlotKind, Value,
};
use kernelc_loops::{Elem, ElemKind, Leaf, Nest, Order, Sink};
use kernelc_runtime::optable::RedOp;
use kernelc_runtime::{DType, Scalar};
use kernelc_sema::tir::{AugOp, ReduceOp, UnOp};

/// A nest's geometry block and what was read from it.
pub(super) struct Geo {
    pub(super) base: GeoBase,
    pub(super) g: Geometry,
    /// In a chunk function (`lower/par_nest.rs`): the range `lo..hi` of axis `axis`
    /// this chunk runs (of the line, for a pairwise sum).
    pub(super) range: Option<(usize, Value, Value)>,
}

/// Where a geometry block is: the setup's stack slot, or its address (chunk functions).
pub(super) enum GeoBase {
    Slot(cranelift_codegen::ir::StackSlot),
    Ptr(Value),
}

impl<'a, 'b> FnLower<'a, 'b> {
    pub(super) fn geo_load(&mut self, geo: &Geo, word: usize) -> Value {
        match geo.base {
            GeoBase::Slot(slot) => {
                self.b
                    .ins()
                    .stack_load(types::I64, types::I64, slot, (8 * word) as i32)
            }
            GeoBase::Ptr(p) => self.b.ins().load(
                types::I64,
                MemFlagsData::trusted().with_readonly(),
                p,
                (8 * word) as i32,
            ),
        }
    }

    /// Evaluates the operands' words and runs the setup helper.
    fn nest_setup(&mut self, id: usize) -> Geo {
        let n: &Nest = &self.nests[id];
        let info = &self.infos[id];
        let g = info.geometry();
        let mut words: Vec<Value> = Vec::new();
        for o in &n.operands {
            let h = self.read_local(o.array, o.span);
            words.push(h);
            for l in nest_rt::view_words(&o.view) {
                let v = self.leaf_value(l);
                words.push(v);
            }
        }
        let args = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            (8 * words.len().max(1)) as u32,
            3,
        ));
        for (k, &w) in words.iter().enumerate() {
            self.b
                .ins()
                .stack_store(types::I64, w, args, (8 * k) as i32);
        }
        let slot = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            (8 * g.words()) as u32,
            3,
        ));
        let ctx = self.ctx;
        let ip = self
            .b
            .ins()
            .iconst(types::I64, info as *const nest_rt::NestInfo as i64);
        let ap = self.b.ins().stack_addr(types::I64, args, 0);
        let gp = self.b.ins().stack_addr(types::I64, slot, 0);
        self.call_rt(
            nest_rt::rt_nest_setup as *const u8,
            &[types::I64; 4],
            &[types::I64],
            &[ctx, ip, ap, gp],
        );
        self.check_failed();
        let geo = Geo {
            base: GeoBase::Slot(slot),
            g,
            range: None,
        };
        if let Some(fb) = &n.fallback {
            // An empty space: the operations on non-empty operands still report their
            // errors (the interpreter evaluates the tree for them).
            let mut size = self.b.ins().iconst(types::I64, 1);
            for d in 0..g.ndim {
                let s = self.geo_load(&geo, g.shape(d));
                size = self.b.ins().imul(size, s);
            }
            let empty = self.b.ins().icmp_imm_s(IntCC::Equal, size, 0);
            let (eb, cont) = (self.b.create_block(), self.b.create_block());
            self.b.ins().brif(empty, eb, &[], cont, &[]);
            self.b.switch_to_block(eb);
            self.b.seal_block(eb);
            let v = self.delegate(fb);
            self.drop_val(v);
            self.b.ins().jump(cont, &[]);
            self.b.switch_to_block(cont);
            self.b.seal_block(cont);
        }
        geo
    }

    pub(super) fn leaf_value(&mut self, l: Leaf) -> Value {
        match l {
            Leaf::Const(s) => self.constant(s),
            Leaf::Local(id) => self.read_local(id, self.func.locals[id].span),
        }
    }

    /// The scalar leaves of an element expression, read once before the loops.
    fn elem_scalars(&mut self, e: &Elem, out: &mut Vec<(Leaf, Value)>) {
        if let ElemKind::Scalar(l @ Leaf::Local(_)) = e.kind {
            if !out.iter().any(|(x, _)| *x == l) {
                let v = self.leaf_value(l);
                out.push((l, v));
            }
        }
        for c in e.children() {
            self.elem_scalars(c, out);
        }
    }

    /// The value of one element: `ptrs[k]` is the address of operand `k`'s element.
    fn elem(&mut self, e: &Elem, ptrs: &[Value], scalars: &[(Leaf, Value)]) -> Value {
        let d = e.dtype;
        match &e.kind {
            ElemKind::Read(k) => {
                self.b
                    .ins()
                    .load(dtype_clif(d), MemFlagsData::trusted(), ptrs[*k], 0)
            }
            ElemKind::Scalar(Leaf::Const(c)) => self.constant(*c),
            ElemKind::Scalar(l) => scalars
                .iter()
                .find(|(x, _)| x == l)
                .map(|(_, v)| *v)
                .expect("read before the loops"),
            ElemKind::Unary(op, x) => {
                let xd = x.dtype;
                let v = self.elem(x, ptrs, scalars);
                match (op, xd) {
                    (UnOp::Neg, xd) if xd.is_float() => self.b.ins().fneg(v),
                    (UnOp::Neg, _) => self.b.ins().ineg(v),
                    (UnOp::Not, _) | (UnOp::Invert, DType::Bool) => self.b.ins().bxor_imm_s(v, 1),
                    (UnOp::Invert, _) => self.b.ins().bnot(v),
                }
            }
            ElemKind::Binary(op, a, b) => {
                let od = a.dtype;
                let x = self.elem(a, ptrs, scalars);
                let y = self.elem(b, ptrs, scalars);
                self.binary_values(*op, od, x, y, e.span)
            }
            ElemKind::PowInt(x, n) => {
                let v = self.elem(x, ptrs, scalars);
                self.pow_int(v, *n, d)
            }
            ElemKind::Cast(x) => {
                let from = x.dtype;
                let v = self.elem(x, ptrs, scalars);
                self.cast_value(v, from, d, e.span)
            }
            ElemKind::Math(f, xs) => {
                let ad = xs[0].dtype;
                let vals: Vec<Value> = xs.iter().map(|x| self.elem(x, ptrs, scalars)).collect();
                self.math(*f, ad, &vals)
            }
            ElemKind::Where(c, a, b) => {
                let cv = self.elem(c, ptrs, scalars);
                let x = self.elem(a, ptrs, scalars);
                let y = self.elem(b, ptrs, scalars);
                self.b.ins().select(cv, x, y)
            }
        }
    }

    /// Loops over the axes of the space except `skip`, in C order, calling `body` with
    /// each slot's element address (slots `0..=ops`: the operands and the result).
    /// With `vec`, the innermost loop runs on vectors where its slots are contiguous.
    fn space_loops(
        &mut self,
        geo: &Geo,
        skip: Option<usize>,
        vec: Option<&mut VecLoop<'_, Self>>,
        body: &mut dyn FnMut(&mut Self, &[Value]),
    ) {
        let slots = geo.g.ops + 1;
        let bases: Vec<Value> = (0..slots)
            .map(|k| self.geo_load(geo, geo.g.data(k)))
            .collect();
        self.axis_loop(geo, 0, skip, bases, vec, body);
    }

    fn axis_loop(
        &mut self,
        geo: &Geo,
        d: usize,
        skip: Option<usize>,
        ptrs: Vec<Value>,
        vec: Option<&mut VecLoop<'_, Self>>,
        body: &mut dyn FnMut(&mut Self, &[Value]),
    ) {
        if d == geo.g.ndim {
            return body(self, &ptrs);
        }
        if Some(d) == skip {
            return self.axis_loop(geo, d + 1, skip, ptrs, vec, body);
        }
        let mut n = self.geo_load(geo, geo.g.shape(d));
        let strides: Vec<Value> = (0..ptrs.len())
            .map(|k| self.geo_load(geo, geo.g.stride(k, d)))
            .collect();
        let mut ptrs = ptrs;
        if let Some((_, lo, hi)) = geo.range.filter(|r| r.0 == d) {
            // A chunk: this axis runs lo..hi only.
            n = self.b.ins().isub(hi, lo);
            for (p, &s) in ptrs.iter_mut().zip(&strides) {
                let off = self.b.ins().imul(lo, s);
                *p = self.b.ins().iadd(*p, off);
            }
        }
        let zero = self.b.ins().iconst(types::I64, 0);
        let innermost = (d + 1..geo.g.ndim).all(|e| Some(e) == skip);
        let mut vec = vec;
        if let (true, Some(vl)) = (innermost, vec.as_deref_mut()) {
            self.vec_inner_loop(n, &ptrs, &strides, vl, body);
            return;
        }
        if innermost {
            // The hot loop: each slot's address advances by its stride.
            let vars: Vec<_> = ptrs
                .iter()
                .map(|&p| {
                    let v = self.b.declare_var(types::I64);
                    self.b.def_var(v, p);
                    v
                })
                .collect();
            self.counted_loop(zero, n, |this, _| {
                let cur: Vec<Value> = vars.iter().map(|&v| this.b.use_var(v)).collect();
                body(this, &cur);
                for ((&v, &p), &s) in vars.iter().zip(&cur).zip(&strides) {
                    let next = this.b.ins().iadd(p, s);
                    this.b.def_var(v, next);
                }
            });
            return;
        }
        self.counted_loop(zero, n, |this, i| {
            let inner: Vec<Value> = ptrs
                .iter()
                .zip(&strides)
                .map(|(&p, &s)| {
                    let off = this.b.ins().imul(i, s);
                    this.b.ins().iadd(p, off)
                })
                .collect();
            this.axis_loop(geo, d + 1, skip, inner, vec.as_deref_mut(), body);
        });
    }

    /// A nest used as a value: a new array or a reduction's result.
    pub(super) fn nest_value(&mut self, id: usize) -> Val {
        let nests = self.nests;
        let n = &nests[id];
        match &n.sink {
            Sink::NewArray => {
                let geo = self.nest_setup(id);
                self.par_loops(id, &geo, Work::Rows);
                let h = self.geo_load(&geo, geo.g.result());
                Val {
                    v: Some(h),
                    owned: true,
                }
            }
            Sink::Reduce {
                op,
                axis,
                order,
                unflattened,
            } => {
                let geo = self.nest_setup(id);
                let axis = axis.filter(|_| n.ndim >= 2);
                if let Some(k) = axis {
                    self.par_loops(id, &geo, Work::Axis(k));
                    let h = self.geo_load(&geo, geo.g.result());
                    return Val {
                        v: Some(h),
                        owned: true,
                    };
                }
                let rd = n.sink.result_dtype(n.elem.dtype);
                let t = dtype_clif(rd);
                if *order == Order::Pairwise {
                    let join = self.b.create_block();
                    self.b.append_block_param(join, t);
                    if let Some(via) = unflattened {
                        let flags = self.geo_load(&geo, geo.g.flags());
                        let bit = self.b.ins().band_imm_s(flags, FLAG_UNFLATTENED);
                        let (slow, fast) = (self.b.create_block(), self.b.create_block());
                        self.b.ins().brif(bit, slow, &[], fast, &[]);
                        self.b.switch_to_block(slow);
                        self.b.seal_block(slow);
                        let m = self.nest_value(via.materialize);
                        self.assign(via.temp, m);
                        let r = self.nest_value(via.then).value();
                        self.b.ins().jump(join, &[r.into()]);
                        self.b.switch_to_block(fast);
                        self.b.seal_block(fast);
                    }
                    // One line: the innermost axis (the setup flattened the rest to 1).
                    let s = self.par_loops(id, &geo, Work::Pairwise).expect("a sum");
                    let last = n.ndim - 1;
                    let len = self.geo_load(&geo, geo.g.shape(last));
                    let r = self.finish_sum(*op, n.elem.dtype, s, len);
                    self.b.ins().jump(join, &[r.into()]);
                    self.b.switch_to_block(join);
                    self.b.seal_block(join);
                    return Val::scalar(self.b.block_params(join)[0]);
                }
                // In C order with one accumulator.
                let mut scalars = Vec::new();
                self.elem_scalars(&n.elem, &mut scalars);
                let mut total = self.b.ins().iconst(types::I64, 1);
                for d in 0..n.ndim {
                    let s = self.geo_load(&geo, geo.g.shape(d));
                    total = self.b.ins().imul(total, s);
                }
                self.empty_check(*op, total, n);
                let acc = Acc::new(self, *op, n.elem.dtype);
                let flat = self.b.declare_var(types::I64);
                let zero = self.b.ins().iconst(types::I64, 0);
                self.b.def_var(flat, zero);
                self.space_loops(&geo, None, None, &mut |this, ptrs| {
                    let x = this.elem(&n.elem, ptrs, &scalars);
                    let i = this.b.use_var(flat);
                    acc.step(this, x, i);
                    let i1 = this.b.ins().iadd_imm_s(i, 1);
                    this.b.def_var(flat, i1);
                });
                let r = acc.finish(self, total);
                Val::scalar(r)
            }
            Sink::Store { .. } => unreachable!("a store nest is a statement"),
        }
    }

    /// Min/max/argmin/argmax of nothing is an error.
    fn empty_check(&mut self, op: ReduceOp, count: Value, n: &Nest) {
        let code = match op {
            ReduceOp::Min => rt::code::EMPTY_MIN,
            ReduceOp::Max => rt::code::EMPTY_MAX,
            ReduceOp::ArgMin => rt::code::EMPTY_ARGMIN,
            ReduceOp::ArgMax => rt::code::EMPTY_ARGMAX,
            _ => return,
        };
        let empty = self.b.ins().icmp_imm_s(IntCC::Equal, count, 0);
        let span = n.span;
        self.error_code_if(empty, code, span);
    }

    /// Reduces one line of `len` elements starting at `ptrs` (operand addresses) and
    /// stepping by `strides` bytes.
    #[allow(clippy::too_many_arguments)]
    fn line_reduce(
        &mut self,
        n: &Nest,
        op: ReduceOp,
        order: Order,
        len: Value,
        ptrs: &[Value],
        strides: &[Value],
        scalars: &[(Leaf, Value)],
    ) -> Value {
        let d = n.elem.dtype;
        if order == Order::Pairwise {
            let s = self.line_pairwise(n, op, len, ptrs, strides, scalars);
            return self.finish_sum(op, d, s, len);
        }
        let at = |this: &mut Self, j: Value| -> Vec<Value> {
            ptrs.iter()
                .zip(strides)
                .map(|(&p, &s)| {
                    let off = this.b.ins().imul(j, s);
                    this.b.ins().iadd(p, off)
                })
                .collect()
        };
        self.empty_check(op, len, n);
        let acc = Acc::new(self, op, d);
        let zero = self.b.ins().iconst(types::I64, 0);
        // Order-free folds run their whole vectors first where the line is contiguous.
        let start = match simd::fold_width(n, op) {
            Some(w) => {
                let sv = self.b.declare_var(types::I64);
                self.b.def_var(sv, zero);
                let mut used = vec![false; n.operands.len()];
                simd::reads(&n.elem, &mut used);
                let sizes: Vec<i64> = n.operands.iter().map(|o| o.dtype.size() as i64).collect();
                let ok = self.all_contiguous(strides, &sizes, &used);
                let (vb, after) = (self.b.create_block(), self.b.create_block());
                self.b.ins().brif(ok, vb, &[], after, &[]);
                self.b.switch_to_block(vb);
                self.b.seal_block(vb);
                let (part, next) = self.vec_fold(n, op, w, len, ptrs);
                acc.step(self, part, zero);
                self.b.def_var(sv, next);
                self.b.ins().jump(after, &[]);
                self.b.switch_to_block(after);
                self.b.seal_block(after);
                self.b.use_var(sv)
            }
            None => zero,
        };
        self.counted_loop(start, len, |this, j| {
            let ps = at(this, j);
            let x = this.elem(&n.elem, &ps, scalars);
            acc.step(this, x, j);
        });
        acc.finish(self, len)
    }

    /// The pairwise sum of one line (squares for `norm`), before `finish_sum`.
    pub(super) fn line_pairwise(
        &mut self,
        n: &Nest,
        op: ReduceOp,
        len: Value,
        ptrs: &[Value],
        strides: &[Value],
        scalars: &[(Leaf, Value)],
    ) -> Value {
        let d = n.elem.dtype;
        let at = |this: &mut Self, j: Value| -> Vec<Value> {
            ptrs.iter()
                .zip(strides)
                .map(|(&p, &s)| {
                    let off = this.b.ins().imul(j, s);
                    this.b.ins().iadd(p, off)
                })
                .collect()
        };
        {
            let norm = op == ReduceOp::Norm;
            let mut get = |this: &mut Self, j: Value| {
                let ps = at(this, j);
                let x = this.elem(&n.elem, &ps, scalars);
                if norm {
                    this.b.ins().fmul(x, x)
                } else {
                    x
                }
            };
            let s = match simd::nest_width(n).filter(|&w| w as usize == d.size()) {
                Some(w) => {
                    // Vector leaves where the line is contiguous (same bits).
                    let mut used = vec![false; n.operands.len()];
                    simd::reads(&n.elem, &mut used);
                    let sizes: Vec<i64> =
                        n.operands.iter().map(|o| o.dtype.size() as i64).collect();
                    let ok = self.all_contiguous(strides, &sizes, &used);
                    let join = self.b.create_block();
                    self.b.append_block_param(join, dtype_clif(d));
                    let (vb, sb) = (self.b.create_block(), self.b.create_block());
                    self.b.ins().brif(ok, vb, &[], sb, &[]);
                    self.b.switch_to_block(vb);
                    self.b.seal_block(vb);
                    let mut vs = Vec::new();
                    self.vec_scalars(&n.elem, w, &mut vs);
                    let mut vget = |this: &mut Self, j: Value| {
                        let ps: Vec<Value> = ptrs
                            .iter()
                            .zip(&sizes)
                            .map(|(&p, &s)| {
                                let off = this.b.ins().imul_imm_s(j, s);
                                this.b.ins().iadd(p, off)
                            })
                            .collect();
                        let x = this.velem(&n.elem, &ps, &vs, w);
                        if norm {
                            this.b.ins().fmul(x, x)
                        } else {
                            x
                        }
                    };
                    let lanes = 16 / i64::from(w);
                    let s = self.pairwise(d, len, &mut get, Some((lanes, &mut vget)));
                    self.b.ins().jump(join, &[s.into()]);
                    self.b.switch_to_block(sb);
                    self.b.seal_block(sb);
                    let s = self.pairwise(d, len, &mut get, None);
                    self.b.ins().jump(join, &[s.into()]);
                    self.b.switch_to_block(join);
                    self.b.seal_block(join);
                    self.b.block_params(join)[0]
                }
                None => self.pairwise(d, len, &mut get, None),
            };
            s
        }
    }

    /// The loops of an element-wise nest into its new result array.
    pub(super) fn new_array_loops(&mut self, n: &Nest, geo: &Geo) {
        let mut scalars = Vec::new();
        self.elem_scalars(&n.elem, &mut scalars);
        let out = geo.g.ops;
        let width = simd::nest_width(n).filter(|_| n.elem.dtype != DType::Bool);
        let mut vs = Vec::new();
        if let Some(w) = width {
            self.vec_scalars(&n.elem, w, &mut vs);
        }
        let mut vbody = |this: &mut Self, ptrs: &[Value]| {
            let w = width.expect("vectorised");
            let v = this.velem(&n.elem, ptrs, &vs, w);
            this.b.ins().store(simd::vflags(), v, ptrs[out], 0);
        };
        let mut vl = width.map(|w| self.vec_loop(n, w, true, &mut vbody));
        self.space_loops(geo, None, vl.as_mut(), &mut |this, ptrs| {
            let v = this.elem(&n.elem, ptrs, &scalars);
            this.b.ins().store(MemFlagsData::trusted(), v, ptrs[out], 0);
        });
    }

    /// The loops of a reduction along axis `k`: one line reduced per result element.
    pub(super) fn axis_loops(&mut self, n: &Nest, geo: &Geo, k: usize) {
        let Sink::Reduce { op, order, .. } = n.sink else {
            unreachable!("a reduction")
        };
        let mut scalars = Vec::new();
        self.elem_scalars(&n.elem, &mut scalars);
        let out = geo.g.ops;
        let len = self.geo_load(geo, geo.g.shape(k));
        let strides: Vec<Value> = (0..geo.g.ops)
            .map(|j| self.geo_load(geo, geo.g.stride(j, k)))
            .collect();
        self.space_loops(geo, Some(k), None, &mut |this, ptrs| {
            let v = this.line_reduce(n, op, order, len, ptrs, &strides, &scalars);
            this.b.ins().store(MemFlagsData::trusted(), v, ptrs[out], 0);
        });
    }

    /// The raw pairwise sum of a flattened reduction's line (of its `lo..hi` part in a
    /// chunk function).
    pub(super) fn line_sum_loops(&mut self, n: &Nest, geo: &Geo) -> Value {
        let Sink::Reduce { op, .. } = n.sink else {
            unreachable!("a reduction")
        };
        let mut scalars = Vec::new();
        self.elem_scalars(&n.elem, &mut scalars);
        let last = n.ndim - 1;
        let mut len = self.geo_load(geo, geo.g.shape(last));
        let strides: Vec<Value> = (0..geo.g.ops)
            .map(|j| self.geo_load(geo, geo.g.stride(j, last)))
            .collect();
        let mut ptrs: Vec<Value> = (0..geo.g.ops)
            .map(|k| self.geo_load(geo, geo.g.data(k)))
            .collect();
        if let Some((_, lo, hi)) = geo.range {
            len = self.b.ins().isub(hi, lo);
            for (p, &s) in ptrs.iter_mut().zip(&strides) {
                let off = self.b.ins().imul(lo, s);
                *p = self.b.ins().iadd(*p, off);
            }
        }
        self.line_pairwise(n, op, len, &ptrs, &strides, &scalars)
    }

    /// `mean` divides, `norm` takes the square root; `sum` is as is.
    fn finish_sum(&mut self, op: ReduceOp, d: DType, s: Value, len: Value) -> Value {
        let t = dtype_clif(d);
        match op {
            ReduceOp::Mean => {
                let nf = self.b.ins().fcvt_from_sint(t, len);
                self.b.ins().fdiv(s, nf)
            }
            ReduceOp::Norm => self.b.ins().sqrt(s),
            _ => s,
        }
    }

    /// NumPy's pairwise sum of `get(0) .. get(len - 1)` plus its initial zero
    /// (`kernelc_runtime::reduce::pairwise_sum`), without recursion: the tree is walked
    /// with an explicit stack of pending right halves and left sums. With `vget`
    /// (`lanes`, vector of elements `j..j+lanes`), the leaves run on vectors.
    #[allow(clippy::type_complexity)]
    fn pairwise(
        &mut self,
        d: DType,
        len: Value,
        get: &mut dyn FnMut(&mut Self, Value) -> Value,
        mut vget: Option<(i64, &mut dyn FnMut(&mut Self, Value) -> Value)>,
    ) -> Value {
        let t = dtype_clif(d);
        let block = kernelc_runtime::reduce::PAIRWISE_BLOCK as i64;
        // Frames: (right start, right length, left sum, left done) in 4 words each.
        let stack = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            8 * 4 * 64,
            3,
        ));
        let base = self.b.ins().stack_addr(types::I64, stack, 0);
        let (start_v, n_v, sp_v, val_v) = (
            self.b.declare_var(types::I64),
            self.b.declare_var(types::I64),
            self.b.declare_var(types::I64),
            self.b.declare_var(t),
        );
        let zero = self.b.ins().iconst(types::I64, 0);
        self.b.def_var(start_v, zero);
        self.b.def_var(n_v, len);
        self.b.def_var(sp_v, zero);
        let fzero = self.fconst(d, 0.0);
        self.b.def_var(val_v, fzero);
        let (descend, leaf, ascend, done) = (
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
        );
        self.b.ins().jump(descend, &[]);
        // descend: split while longer than a block.
        self.b.switch_to_block(descend);
        let n = self.b.use_var(n_v);
        let big = self.b.ins().icmp_imm_s(IntCC::SignedGreaterThan, n, block);
        let split = self.b.create_block();
        self.b.ins().brif(big, split, &[], leaf, &[]);
        self.b.switch_to_block(split);
        self.b.seal_block(split);
        {
            let n = self.b.use_var(n_v);
            let s = self.b.use_var(start_v);
            let half = self.b.ins().ushr_imm_u(n, 1);
            let n2 = self.b.ins().band_imm_s(half, !7);
            let sp = self.b.use_var(sp_v);
            let fo = self.b.ins().imul_imm_s(sp, 32);
            let frame = self.b.ins().iadd(base, fo);
            let rs = self.b.ins().iadd(s, n2);
            let rn = self.b.ins().isub(n, n2);
            let fl = MemFlagsData::trusted();
            self.b.ins().store(fl, rs, frame, 0);
            self.b.ins().store(fl, rn, frame, 8);
            let z = self.b.ins().iconst(types::I64, 0);
            self.b.ins().store(fl, z, frame, 24);
            let sp1 = self.b.ins().iadd_imm_s(sp, 1);
            self.b.def_var(sp_v, sp1);
            self.b.def_var(n_v, n2);
            self.b.ins().jump(descend, &[]);
        }
        // leaf: a block of at most 128 elements.
        self.b.switch_to_block(leaf);
        self.b.seal_block(leaf);
        let s = self.b.use_var(start_v);
        let n = self.b.use_var(n_v);
        let v = match vget.as_mut() {
            Some((lanes, vget)) => self.pairwise_leaf_vec(d, s, n, *lanes, get, &mut **vget),
            None => self.pairwise_leaf(d, s, n, get),
        };
        self.b.def_var(val_v, v);
        self.b.ins().jump(ascend, &[]);
        // ascend: combine with finished left halves, or go right.
        self.b.switch_to_block(ascend);
        let sp = self.b.use_var(sp_v);
        let empty = self.b.ins().icmp_imm_s(IntCC::Equal, sp, 0);
        let pop = self.b.create_block();
        self.b.ins().brif(empty, done, &[], pop, &[]);
        self.b.switch_to_block(pop);
        self.b.seal_block(pop);
        let sp = self.b.use_var(sp_v);
        let top = self.b.ins().iadd_imm_s(sp, -1);
        let fo = self.b.ins().imul_imm_s(top, 32);
        let frame = self.b.ins().iadd(base, fo);
        let fl = MemFlagsData::trusted();
        let left_done = self.b.ins().load(types::I64, fl, frame, 24);
        let (go_right, combine) = (self.b.create_block(), self.b.create_block());
        self.b.ins().brif(left_done, combine, &[], go_right, &[]);
        self.b.switch_to_block(go_right);
        self.b.seal_block(go_right);
        {
            let v = self.b.use_var(val_v);
            self.b.ins().store(fl, v, frame, 16);
            let one = self.b.ins().iconst(types::I64, 1);
            self.b.ins().store(fl, one, frame, 24);
            let rs = self.b.ins().load(types::I64, fl, frame, 0);
            let rn = self.b.ins().load(types::I64, fl, frame, 8);
            self.b.def_var(start_v, rs);
            self.b.def_var(n_v, rn);
            self.b.ins().jump(descend, &[]);
        }
        self.b.seal_block(descend);
        self.b.switch_to_block(combine);
        self.b.seal_block(combine);
        {
            let left = self.b.ins().load(t, fl, frame, 16);
            let v = self.b.use_var(val_v);
            let sum = self.b.ins().fadd(left, v);
            self.b.def_var(val_v, sum);
            self.b.def_var(sp_v, top);
            self.b.ins().jump(ascend, &[]);
        }
        self.b.seal_block(ascend);
        self.b.switch_to_block(done);
        self.b.seal_block(done);
        let v = self.b.use_var(val_v);
        let z = self.fconst(d, 0.0);
        self.b.ins().fadd(z, v)
    }

    pub(super) fn fconst(&mut self, d: DType, x: f64) -> Value {
        match d {
            DType::F32 => self.b.ins().f32const(x as f32),
            _ => self.b.ins().f64const(x),
        }
    }

    /// One leaf of the pairwise tree: fewer than 8 elements in order from -0.0, else 8
    /// interleaved accumulators, combined `((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))`, then the
    /// tail in order.
    fn pairwise_leaf(
        &mut self,
        d: DType,
        start: Value,
        n: Value,
        get: &mut dyn FnMut(&mut Self, Value) -> Value,
    ) -> Value {
        let t = dtype_clif(d);
        let join = self.b.create_block();
        self.b.append_block_param(join, t);
        let (small, big) = (self.b.create_block(), self.b.create_block());
        let is_small = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, n, 8);
        self.b.ins().brif(is_small, small, &[], big, &[]);
        // n < 8
        self.b.switch_to_block(small);
        self.b.seal_block(small);
        {
            let nz = self.fconst(d, -0.0);
            let end = self.b.ins().iadd(start, n);
            let r = self.add_in_order(t, nz, start, end, get);
            self.b.ins().jump(join, &[r.into()]);
        }
        // 8 accumulators
        self.b.switch_to_block(big);
        self.b.seal_block(big);
        {
            let accs: Vec<_> = (0..8).map(|_| self.b.declare_var(t)).collect();
            for (k, &a) in accs.iter().enumerate() {
                let j = self.b.ins().iadd_imm_s(start, k as i64);
                let x = get(self, j);
                self.b.def_var(a, x);
            }
            let rem = self.b.ins().band_imm_s(n, 7);
            let full = self.b.ins().isub(n, rem);
            let full_end = self.b.ins().iadd(start, full);
            let first = self.b.ins().iadd_imm_s(start, 8);
            // for i in (8..full).step_by(8), tested at the bottom
            let (body, after) = (self.b.create_block(), self.b.create_block());
            let iv = self.b.declare_var(types::I64);
            self.b.def_var(iv, first);
            let any = self.b.ins().icmp(IntCC::SignedLessThan, first, full_end);
            self.b.ins().brif(any, body, &[], after, &[]);
            self.b.switch_to_block(body);
            let i = self.b.use_var(iv);
            for (k, &a) in accs.iter().enumerate() {
                let j = self.b.ins().iadd_imm_s(i, k as i64);
                let x = get(self, j);
                let cur = self.b.use_var(a);
                let r = self.b.ins().fadd(cur, x);
                self.b.def_var(a, r);
            }
            let i8 = self.b.ins().iadd_imm_s(i, 8);
            self.b.def_var(iv, i8);
            let more = self.b.ins().icmp(IntCC::SignedLessThan, i8, full_end);
            self.b.ins().brif(more, body, &[], after, &[]);
            self.b.seal_block(body);
            self.b.switch_to_block(after);
            self.b.seal_block(after);
            let r: Vec<Value> = accs.iter().map(|&a| self.b.use_var(a)).collect();
            let res = self.combine8(&r);
            let end = self.b.ins().iadd(start, n);
            let r = self.add_in_order(t, res, full_end, end, get);
            self.b.ins().jump(join, &[r.into()]);
        }
        self.b.switch_to_block(join);
        self.b.seal_block(join);
        self.b.block_params(join)[0]
    }

    /// NumPy's combination of the 8 accumulators of a pairwise leaf:
    /// `((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))`.
    pub(super) fn combine8(&mut self, r: &[Value]) -> Value {
        let s01 = self.b.ins().fadd(r[0], r[1]);
        let s23 = self.b.ins().fadd(r[2], r[3]);
        let s45 = self.b.ins().fadd(r[4], r[5]);
        let s67 = self.b.ins().fadd(r[6], r[7]);
        let a = self.b.ins().fadd(s01, s23);
        let b2 = self.b.ins().fadd(s45, s67);
        self.b.ins().fadd(a, b2)
    }

    /// `init + get(from) + ... + get(to - 1)`, added one after another.
    pub(super) fn add_in_order(
        &mut self,
        t: types::Type,
        init: Value,
        from: Value,
        to: Value,
        get: &mut dyn FnMut(&mut Self, Value) -> Value,
    ) -> Value {
        let acc = self.b.declare_var(t);
        self.b.def_var(acc, init);
        self.counted_loop(from, to, |this, j| {
            let x = get(this, j);
            let a = this.b.use_var(acc);
            let r = this.b.ins().fadd(a, x);
            this.b.def_var(acc, r);
        });
        self.b.use_var(acc)
    }

    /// A store nest (`out[...] = e`, `a[...] op= e`), through a temporary when the value
    /// overlaps the target.
    pub(super) fn nest_store(&mut self, id: usize) {
        let nests = self.nests;
        let n = &nests[id];
        let Sink::Store { overlap, .. } = &n.sink else {
            unreachable!("a store nest")
        };
        let geo = self.nest_setup(id);
        let join = self.b.create_block();
        if let Some(via) = overlap {
            let flags = self.geo_load(&geo, geo.g.flags());
            let bit = self.b.ins().band_imm_s(flags, FLAG_OVERLAP);
            let (slow, fast) = (self.b.create_block(), self.b.create_block());
            self.b.ins().brif(bit, slow, &[], fast, &[]);
            self.b.switch_to_block(slow);
            self.b.seal_block(slow);
            let m = self.nest_value(via.materialize);
            self.assign(via.temp, m);
            self.nest_store(via.then);
            self.b.ins().jump(join, &[]);
            self.b.switch_to_block(fast);
            self.b.seal_block(fast);
        }
        self.par_loops(id, &geo, Work::Rows);
        self.b.ins().jump(join, &[]);
        self.b.switch_to_block(join);
        self.b.seal_block(join);
    }

    /// The loops of a store nest (into the target's elements).
    pub(super) fn store_loops(&mut self, n: &Nest, geo: &Geo) {
        let Sink::Store { aug, .. } = &n.sink else {
            unreachable!("a store nest")
        };
        let mut scalars = Vec::new();
        self.elem_scalars(&n.elem, &mut scalars);
        let td = n.operands[0].dtype;
        let span = n.span;
        let aug = *aug;
        // Vectors when the update is one vectorisable operation on the target's type.
        let width = simd::nest_width(n).filter(|_| {
            n.elem.dtype == td
                && td != DType::Bool
                && aug.is_none_or(|a| a.ty == td && simd::binary_vectorises(a.op, td))
        });
        let mut vs = Vec::new();
        if let Some(w) = width {
            self.vec_scalars(&n.elem, w, &mut vs);
        }
        let mut vbody = |this: &mut Self, ptrs: &[Value]| {
            let w = width.expect("vectorised");
            let v = this.velem(&n.elem, ptrs, &vs, w);
            let new = match aug {
                None => v,
                Some(AugOp { op, .. }) => {
                    let old = this
                        .b
                        .ins()
                        .load(simd::vtype(td, w), simd::vflags(), ptrs[0], 0);
                    this.vbinary(op, td, old, v, w, &n.elem)
                }
            };
            this.b.ins().store(simd::vflags(), new, ptrs[0], 0);
        };
        let mut vl = width.map(|w| self.vec_loop(n, w, false, &mut vbody));
        self.space_loops(geo, None, vl.as_mut(), &mut |this, ptrs| {
            let v = this.elem(&n.elem, ptrs, &scalars);
            let new = match aug {
                None => v,
                Some(AugOp { op, ty }) => {
                    let old =
                        this.b
                            .ins()
                            .load(dtype_clif(td), MemFlagsData::trusted(), ptrs[0], 0);
                    let old = this.cast_value(old, td, ty, span);
                    let r = this.binary_values(op, ty, old, v, span);
                    this.cast_value(r, ty, td, span)
                }
            };
            this.b.ins().store(MemFlagsData::trusted(), new, ptrs[0], 0);
        });
    }
}

/// One accumulator of an in-order reduction (with the position of the best element for
/// argmin/argmax).
struct Acc {
    op: ReduceOp,
    d: DType,
    acc: cranelift_frontend::Variable,
    at: cranelift_frontend::Variable,
    found: cranelift_frontend::Variable,
}

impl Acc {
    fn new(l: &mut FnLower, op: ReduceOp, d: DType) -> Acc {
        let t = dtype_clif(d);
        let (acc, at, found) = (
            l.b.declare_var(t),
            l.b.declare_var(types::I64),
            l.b.declare_var(types::I8),
        );
        let init = match (op, d) {
            (ReduceOp::Sum | ReduceOp::Mean | ReduceOp::Norm, _) => l.constant(zero_of(d)),
            (ReduceOp::Prod, DType::F64 | DType::F32) => l.fconst(d, 1.0),
            (ReduceOp::Prod, _) => l.b.ins().iconst(t, 1),
            (ReduceOp::Any, _) => l.b.ins().iconst(t, 0),
            (ReduceOp::All, _) => l.b.ins().iconst(t, 1),
            // Identities that give the interpreter's "first element, then fold" bits.
            (ReduceOp::Min | ReduceOp::ArgMin, DType::F64 | DType::F32) => {
                l.fconst(d, f64::INFINITY)
            }
            (ReduceOp::Max | ReduceOp::ArgMax, DType::F64 | DType::F32) => {
                l.fconst(d, f64::NEG_INFINITY)
            }
            // Integers and bool: the largest / smallest value of the type.
            (ReduceOp::Min | ReduceOp::ArgMin, _) => l.constant(RedOp::Min.identity(d)),
            (ReduceOp::Max | ReduceOp::ArgMax, _) => l.constant(RedOp::Max.identity(d)),
        };
        l.b.def_var(acc, init);
        let z = l.b.ins().iconst(types::I64, 0);
        l.b.def_var(at, z);
        let z8 = l.b.ins().iconst(types::I8, 0);
        l.b.def_var(found, z8);
        Acc {
            op,
            d,
            acc,
            at,
            found,
        }
    }

    fn step(&self, l: &mut FnLower, x: Value, i: Value) {
        let a = l.b.use_var(self.acc);
        let float = self.d.is_float();
        let r = match (self.op, self.d) {
            (ReduceOp::Sum | ReduceOp::Mean, _) if float => l.b.ins().fadd(a, x),
            (ReduceOp::Norm, _) => {
                let sq = l.b.ins().fmul(x, x);
                l.b.ins().fadd(a, sq)
            }
            (ReduceOp::Prod, _) if float => l.b.ins().fmul(a, x),
            (ReduceOp::Sum, _) => l.b.ins().iadd(a, x),
            (ReduceOp::Prod, _) => l.b.ins().imul(a, x),
            (ReduceOp::Min | ReduceOp::Max, _) if float => {
                // minimum(a, x): a if a < x (a > x for maximum) or a is nan, else x.
                let cc = if self.op == ReduceOp::Min {
                    FloatCC::LessThan
                } else {
                    FloatCC::GreaterThan
                };
                let keep = l.b.ins().fcmp(cc, a, x);
                let nan = l.b.ins().fcmp(FloatCC::Unordered, a, a);
                let keep = l.b.ins().bor(keep, nan);
                l.b.ins().select(keep, a, x)
            }
            (ReduceOp::Min, DType::Bool) | (ReduceOp::All, _) => l.b.ins().band(a, x),
            (ReduceOp::Max, DType::Bool) | (ReduceOp::Any, _) => l.b.ins().bor(a, x),
            (ReduceOp::Min, d) if d.is_unsigned() => l.b.ins().umin(a, x),
            (ReduceOp::Max, d) if d.is_unsigned() => l.b.ins().umax(a, x),
            (ReduceOp::Min, _) => l.b.ins().smin(a, x),
            (ReduceOp::Max, _) => l.b.ins().smax(a, x),
            (ReduceOp::ArgMin | ReduceOp::ArgMax, _) => {
                // The first nan wins; otherwise the first strictly better element.
                let max = self.op == ReduceOp::ArgMax;
                let unsigned = self.d.is_unsigned();
                let better = match (max, float) {
                    (false, true) => l.b.ins().fcmp(FloatCC::LessThan, x, a),
                    (true, true) => l.b.ins().fcmp(FloatCC::GreaterThan, x, a),
                    (false, false) if unsigned => l.b.ins().icmp(IntCC::UnsignedLessThan, x, a),
                    (true, false) if unsigned => l.b.ins().icmp(IntCC::UnsignedGreaterThan, x, a),
                    (false, false) => l.b.ins().icmp(IntCC::SignedLessThan, x, a),
                    (true, false) => l.b.ins().icmp(IntCC::SignedGreaterThan, x, a),
                };
                let nan = if float {
                    l.b.ins().fcmp(FloatCC::Unordered, x, x)
                } else {
                    l.b.ins().iconst(types::I8, 0)
                };
                let found = l.b.use_var(self.found);
                let cand = l.b.ins().bor(better, nan);
                let open = l.b.ins().bxor_imm_s(found, 1);
                let take = l.b.ins().band(cand, open);
                let at = l.b.use_var(self.at);
                let at2 = l.b.ins().select(take, i, at);
                l.b.def_var(self.at, at2);
                let hit = l.b.ins().band(take, nan);
                let f2 = l.b.ins().bor(found, hit);
                l.b.def_var(self.found, f2);
                l.b.ins().select(take, x, a)
            }
            _ => unreachable!("mean/norm of ints are cast to floats by sema"),
        };
        l.b.def_var(self.acc, r);
    }

    fn finish(&self, l: &mut FnLower, count: Value) -> Value {
        match self.op {
            ReduceOp::ArgMin | ReduceOp::ArgMax => l.b.use_var(self.at),
            op => {
                let a = l.b.use_var(self.acc);
                l.finish_sum(op, self.d, a, count)
            }
        }
    }
}

fn zero_of(d: DType) -> Scalar {
    Scalar::zero(d)
}
