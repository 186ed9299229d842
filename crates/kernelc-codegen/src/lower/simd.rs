//! SIMD lowering of loop nests: the innermost loop of an element-wise nest and the
//! leaves of a pairwise sum run on Cranelift's 128-bit vectors (f64x2, f32x4, i64x2,
//! i32x4, and lane masks for booleans) when every operand the loop touches is contiguous
//! along it (checked at run time, once per line; otherwise the scalar loop runs).
//!
//! Consumed by `lower/nest.rs` (the loops call in here at their dispatch points); the
//! element expression is the nest's ([`kernelc_loops::Elem`]) evaluated lane-wise with the
//! same IEEE operations as the scalar emitter ([`FnLower::elem`]), so every lane gets the
//! scalar code's bits. Operations without a vector instruction (float `//`, `%`, `**`,
//! integer math functions, int-to-float casts) run per lane through the scalar emitter;
//! float math functions and `**` call the vector math library ([`crate::vmath`]).
//! Nests whose
//! element expression can fail (integer division, checked casts), mixes element widths,
//! or reads or writes booleans stay scalar, so errors keep their element order.
//!
//! Loop shape: `UNROLL` vectors per iteration (tested at the bottom), then single vectors,
//! then a scalar tail. Scalars and constants are splatted once before the loops.

use super::{dtype_clif, FnLower};
use crate::vmath;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    types, ConstantData, Endianness, InstBuilder, MemFlagsData, Type, Value,
};
use kernelc_loops::{Elem, ElemKind, Leaf, Nest, Operand};
use kernelc_runtime::optable::MathFn;
use kernelc_runtime::DType;
use kernelc_sema::tir::{BinOp, ReduceOp, UnOp};

/// Vectors per iteration of an element-wise loop.
const UNROLL: i64 = 2;

/// Vector memory accesses: never trapping (the setup checked the geometry), not assumed
/// aligned (views start anywhere).
pub(super) fn vflags() -> MemFlagsData {
    MemFlagsData::new().with_notrap()
}

/// The vector type holding `d` values in lanes of `size` bytes (booleans: lane masks).
pub(super) fn vtype(d: DType, size: u32) -> Type {
    match d {
        DType::F64 => types::F64X2,
        DType::F32 => types::F32X4,
        DType::Bool if size == 8 => types::I64X2,
        DType::Bool => types::I32X4,
        _ if d.size() == 8 => types::I64X2,
        _ => types::I32X4,
    }
}

/// The lane width in bytes (8 or 4) on which `e` runs vectorised over the `ops`
/// operands, or `None` when it must stay scalar.
pub(super) fn elem_width(e: &Elem, ops: &[Operand]) -> Option<u32> {
    let mut size = None;
    if check(e, ops, &mut size) {
        size
    } else {
        None
    }
}

fn unify(size: &mut Option<u32>, d: DType) -> bool {
    if d == DType::Bool {
        return true;
    }
    let s = d.size() as u32;
    if s != 4 && s != 8 {
        return false;
    }
    match size {
        None => {
            *size = Some(s);
            true
        }
        Some(x) => *x == s,
    }
}

fn check(e: &Elem, ops: &[Operand], size: &mut Option<u32>) -> bool {
    if !unify(size, e.dtype) {
        return false;
    }
    let ok = match &e.kind {
        ElemKind::Read(k) => ops[*k].dtype != DType::Bool && ops[*k].dtype == e.dtype,
        ElemKind::Scalar(_) | ElemKind::Unary(..) | ElemKind::PowInt(..) => true,
        ElemKind::Where(..) => true,
        ElemKind::Binary(op, a, _) => {
            use BinOp::*;
            let d = a.dtype;
            if d.is_float() {
                matches!(
                    op,
                    Add | Sub | Mul | Div | Lt | Le | Gt | Ge | Eq | Ne | FloorDiv | Mod | Pow
                )
            } else if d == DType::Bool {
                matches!(op, Add | Mul | BitAnd | BitOr | BitXor | Eq | Ne)
            } else {
                matches!(
                    op,
                    Add | Sub | Mul | BitAnd | BitOr | BitXor | Lt | Le | Gt | Ge | Eq | Ne
                )
            }
        }
        ElemKind::Cast(x) => cast_ok(x.dtype, e.dtype),
        ElemKind::Math(_, xs) => xs.iter().all(|x| x.dtype == xs[0].dtype),
    };
    ok && e.children().into_iter().all(|c| check(c, ops, size))
}

/// Casts that cannot fail and keep the lane width (or produce or consume masks).
fn cast_ok(from: DType, to: DType) -> bool {
    if from == to || to == DType::Bool || from == DType::Bool {
        return true;
    }
    from.size() == to.size() && !from.is_float()
}

/// Leaves compared by identity (constants by their bits: a nan constant is itself).
fn same_leaf(a: Leaf, b: Leaf) -> bool {
    match (a, b) {
        (Leaf::Const(x), Leaf::Const(y)) => x.dtype() == y.dtype() && x.to_word() == y.to_word(),
        _ => a == b,
    }
}

/// Splatted scalar leaves of an element expression: `(leaf, dtype, vector)`.
pub(super) type VScalars = Vec<(Leaf, DType, Value)>;

/// A loop over contiguous lanes, for [`FnLower::vec_inner_loop`].
pub(super) struct VecLoop<'c, L> {
    /// Elements per vector.
    pub lanes: i64,
    /// Per slot (operands, then the result): element size in bytes, and whether the loop
    /// touches it (only those must be contiguous).
    pub sizes: Vec<i64>,
    pub used: Vec<bool>,
    /// Processes `lanes` elements at the slots' addresses.
    pub body: &'c mut dyn FnMut(&mut L, &[Value]),
}

/// The slots (operands) an element expression reads.
pub(super) fn reads(e: &Elem, used: &mut [bool]) {
    if let ElemKind::Read(k) = e.kind {
        used[k] = true;
    }
    for c in e.children() {
        reads(c, used);
    }
}

/// True when `a op b` on `d` values is one vector instruction (augmented stores).
pub(super) fn binary_vectorises(op: BinOp, d: DType) -> bool {
    use BinOp::*;
    if d.is_float() {
        matches!(op, Add | Sub | Mul | Div)
    } else {
        d != DType::Bool && d.size() >= 4 && matches!(op, Add | Sub | Mul | BitAnd | BitOr | BitXor)
    }
}

impl<'a, 'b> FnLower<'a, 'b> {
    /// The vector loop of nest `n` at lane width `w`: the slots it reads, plus the
    /// result slot (`result`) or the store target (operand 0).
    pub(super) fn vec_loop<'c>(
        &self,
        n: &Nest,
        w: u32,
        result: bool,
        body: &'c mut dyn FnMut(&mut Self, &[Value]),
    ) -> VecLoop<'c, Self> {
        let ops = n.operands.len();
        let mut used = vec![false; ops + 1];
        reads(&n.elem, &mut used);
        if result {
            used[ops] = true;
        } else {
            used[0] = true;
        }
        let mut sizes: Vec<i64> = n.operands.iter().map(|o| o.dtype.size() as i64).collect();
        sizes.push(n.elem.dtype.size() as i64);
        VecLoop {
            lanes: 16 / i64::from(w),
            sizes,
            used,
            body,
        }
    }

    /// Splats the scalar leaves and constants of `e` once (before the loops).
    pub(super) fn vec_scalars(&mut self, e: &Elem, size: u32, out: &mut VScalars) {
        if let ElemKind::Scalar(l) = e.kind {
            if !out
                .iter()
                .any(|(x, d, _)| same_leaf(*x, l) && *d == e.dtype)
            {
                let s = match l {
                    Leaf::Const(c) => self.constant(c),
                    l => self.leaf_value(l),
                };
                let v = self.splat_scalar(s, e.dtype, size);
                out.push((l, e.dtype, v));
            }
        }
        for c in e.children() {
            self.vec_scalars(c, size, out);
        }
    }

    /// A scalar of type `d` in every lane (booleans become masks).
    fn splat_scalar(&mut self, s: Value, d: DType, size: u32) -> Value {
        let vt = vtype(d, size);
        let s = if d == DType::Bool {
            self.bool_to_lane(s, vt.lane_type())
        } else {
            s
        };
        self.b.ins().splat(vt, s)
    }

    /// A bool (i8 0/1) as a lane mask value (all ones / zero).
    fn bool_to_lane(&mut self, s: Value, lt: Type) -> Value {
        let w = self.b.ins().uextend(lt, s);
        self.b.ins().ineg(w)
    }

    fn vconst(&mut self, d: DType, size: u32, x: f64) -> Value {
        let s = match d {
            DType::F32 => self.b.ins().f32const(x as f32),
            DType::F64 => self.b.ins().f64const(x),
            d => self.b.ins().iconst(dtype_clif(d), x as i64),
        };
        self.b.ins().splat(vtype(d, size), s)
    }

    /// Reinterprets a vector as another vector type of the same size.
    pub(super) fn vcast(&mut self, to: Type, v: Value) -> Value {
        if self.b.func.dfg.value_type(v) == to {
            return v;
        }
        let f = MemFlagsData::new().with_endianness(Endianness::Little);
        self.b.ins().bitcast(to, f, v)
    }

    /// The vector of `e`'s values for the lanes at `ptrs` (operand addresses).
    pub(super) fn velem(&mut self, e: &Elem, ptrs: &[Value], vs: &VScalars, size: u32) -> Value {
        let d = e.dtype;
        let vt = vtype(d, size);
        match &e.kind {
            ElemKind::Read(k) => self.b.ins().load(vt, vflags(), ptrs[*k], 0),
            ElemKind::Scalar(l) => vs
                .iter()
                .find(|(x, xd, _)| same_leaf(*x, *l) && *xd == d)
                .map(|(_, _, v)| *v)
                .expect("splatted before the loops"),
            ElemKind::Unary(op, x) => {
                let v = self.velem(x, ptrs, vs, size);
                match op {
                    UnOp::Neg if x.dtype.is_float() => self.b.ins().fneg(v),
                    UnOp::Neg => self.b.ins().ineg(v),
                    UnOp::Not | UnOp::Invert => self.b.ins().bnot(v),
                }
            }
            ElemKind::Binary(op, a, b2) => {
                let od = a.dtype;
                let x = self.velem(a, ptrs, vs, size);
                let y = self.velem(b2, ptrs, vs, size);
                self.vbinary(*op, od, x, y, size, e)
            }
            ElemKind::PowInt(x, n) => {
                let v = self.velem(x, ptrs, vs, size);
                let mul = |this: &mut Self, a: Value, b: Value| {
                    if d.is_float() {
                        this.b.ins().fmul(a, b)
                    } else {
                        this.b.ins().imul(a, b)
                    }
                };
                match n {
                    0 => self.vconst(d, size, 1.0),
                    1 => v,
                    2 => mul(self, v, v),
                    3 => {
                        let x2 = mul(self, v, v);
                        mul(self, x2, v)
                    }
                    _ => {
                        let x2 = mul(self, v, v);
                        mul(self, x2, x2)
                    }
                }
            }
            ElemKind::Cast(x) => {
                let from = x.dtype;
                let v = self.velem(x, ptrs, vs, size);
                self.vcast_value(v, from, d, size, e)
            }
            ElemKind::Math(f, xs) => {
                let ad = xs[0].dtype;
                let vals: Vec<Value> = xs.iter().map(|x| self.velem(x, ptrs, vs, size)).collect();
                self.vmath(*f, ad, d, &vals, size)
            }
            ElemKind::Where(c, a, b2) => {
                let cv = self.velem(c, ptrs, vs, size);
                let x = self.velem(a, ptrs, vs, size);
                let y = self.velem(b2, ptrs, vs, size);
                let m = self.vcast(vt, cv);
                self.b.ins().bitselect(m, x, y)
            }
        }
    }

    pub(super) fn vbinary(
        &mut self,
        op: BinOp,
        od: DType,
        x: Value,
        y: Value,
        size: u32,
        e: &Elem,
    ) -> Value {
        use BinOp::*;
        if od.is_float() {
            let cmp = |this: &mut Self, cc| this.b.ins().fcmp(cc, x, y);
            return match op {
                Add => self.b.ins().fadd(x, y),
                Sub => self.b.ins().fsub(x, y),
                Mul => self.b.ins().fmul(x, y),
                Div => self.b.ins().fdiv(x, y),
                Lt => cmp(self, FloatCC::LessThan),
                Le => cmp(self, FloatCC::LessThanOrEqual),
                Gt => cmp(self, FloatCC::GreaterThan),
                Ge => cmp(self, FloatCC::GreaterThanOrEqual),
                Eq => cmp(self, FloatCC::Equal),
                Ne => cmp(self, FloatCC::NotEqual),
                Pow => self
                    .vmath_call(MathFn::Pow, od, &[x, y])
                    .expect("pow is in the vector library"),
                _ => {
                    let span = e.span;
                    self.per_lane(od, size, &[(x, od), (y, od)], |this, a| {
                        this.binary_values(op, od, a[0], a[1], span)
                    })
                }
            };
        }
        if od == DType::Bool {
            return match op {
                Add | BitOr => self.b.ins().bor(x, y),
                Mul | BitAnd => self.b.ins().band(x, y),
                BitXor | Ne => self.b.ins().bxor(x, y),
                _ => {
                    let v = self.b.ins().bxor(x, y);
                    self.b.ins().bnot(v)
                }
            };
        }
        let u = od.is_unsigned();
        let pick = |s: IntCC, us: IntCC| if u { us } else { s };
        let cc = match op {
            Add => return self.b.ins().iadd(x, y),
            Sub => return self.b.ins().isub(x, y),
            Mul => return self.b.ins().imul(x, y),
            BitAnd => return self.b.ins().band(x, y),
            BitOr => return self.b.ins().bor(x, y),
            BitXor => return self.b.ins().bxor(x, y),
            Lt => pick(IntCC::SignedLessThan, IntCC::UnsignedLessThan),
            Le => pick(IntCC::SignedLessThanOrEqual, IntCC::UnsignedLessThanOrEqual),
            Gt => pick(IntCC::SignedGreaterThan, IntCC::UnsignedGreaterThan),
            Ge => pick(
                IntCC::SignedGreaterThanOrEqual,
                IntCC::UnsignedGreaterThanOrEqual,
            ),
            Eq => IntCC::Equal,
            _ => IntCC::NotEqual,
        };
        self.b.ins().icmp(cc, x, y)
    }

    fn vcast_value(&mut self, v: Value, from: DType, to: DType, size: u32, e: &Elem) -> Value {
        if from == to {
            return v;
        }
        if to == DType::Bool {
            let zero = self.vconst(from, size, 0.0);
            return if from.is_float() {
                self.b.ins().fcmp(FloatCC::NotEqual, v, zero)
            } else {
                self.b.ins().icmp(IntCC::NotEqual, v, zero)
            };
        }
        if from == DType::Bool {
            // A mask selects 1 of the target type.
            let one = self.vconst(to, size, 1.0);
            let vt = vtype(to, size);
            let m = self.vcast(vt, v);
            let zero = self.vconst(to, size, 0.0);
            return self.b.ins().bitselect(m, one, zero);
        }
        if !to.is_float() {
            // Integers of one width: the same bits.
            return v;
        }
        let span = e.span;
        self.per_lane(to, size, &[(v, from)], |this, a| {
            this.cast_value(a[0], from, to, span)
        })
    }

    /// A math function on vectors of `ad` values giving `rd` values.
    fn vmath(&mut self, f: MathFn, ad: DType, rd: DType, args: &[Value], size: u32) -> Value {
        use MathFn::*;
        if ad.is_float() {
            let x = args[0];
            match f {
                Sqrt => return self.b.ins().sqrt(x),
                Abs => return self.b.ins().fabs(x),
                Floor => return self.b.ins().floor(x),
                Ceil => return self.b.ins().ceil(x),
                Trunc => return self.b.ins().trunc(x),
                Rint => return self.b.ins().nearest(x),
                IsNan => return self.b.ins().fcmp(FloatCC::Unordered, x, x),
                IsInf | IsFinite => {
                    let a = self.b.ins().fabs(x);
                    let inf = self.vconst(ad, size, f64::INFINITY);
                    let cc = if f == IsInf {
                        FloatCC::Equal
                    } else {
                        FloatCC::LessThan
                    };
                    return self.b.ins().fcmp(cc, a, inf);
                }
                _ => {}
            }
            if let Some(r) = self.vmath_call(f, ad, args) {
                return r;
            }
        }
        let typed: Vec<(Value, DType)> = args.iter().map(|&v| (v, ad)).collect();
        self.per_lane(rd, size, &typed, |this, a| this.math(f, ad, a))
    }

    /// `f` from the vector math library ([`crate::vmath`]) on f64x2 or f32x4 arguments
    /// (f32 lanes go through f64 in two halves, as the scalar library rounds once from
    /// f64), or `None` when the library lacks it for this type.
    fn vmath_call(&mut self, f: MathFn, d: DType, args: &[Value]) -> Option<Value> {
        let f32 = d == DType::F32;
        if !vmath::provides(f, f32) {
            return None;
        }
        let params = vec![types::F64X2; args.len()];
        if !f32 {
            let addr = vmath::vmath_addr(f, 1).expect("every vector math function compiles");
            return Some(self.call_rt(addr, &params, &[types::F64X2], args)[0]);
        }
        // Lanes 0-1 and 2-3 of each argument, widened, computed by one call on two
        // vectors (their instructions interleave).
        let hi_mask: Vec<u8> = (8..16).chain(8..16).collect();
        let hi_mask = self.b.func.dfg.immediates.push(ConstantData::from(hi_mask));
        let mut halves = Vec::new();
        for &a in args {
            halves.push(self.b.ins().fvpromote_low(a));
            let bytes = self.vcast(types::I8X16, a);
            let h = self.b.ins().shuffle(bytes, bytes, hi_mask);
            let h = self.vcast(types::F32X4, h);
            halves.push(self.b.ins().fvpromote_low(h));
        }
        let addr = vmath::vmath_addr(f, 2).expect("every vector math function compiles");
        let params = vec![types::F64X2; halves.len()];
        let r = self.call_rt(addr, &params, &[types::F64X2; 2], &halves);
        let (rl, rh) = (r[0], r[1]);
        let dl = self.b.ins().fvdemote(rl);
        let dh = self.b.ins().fvdemote(rh);
        let join: Vec<u8> = (0..8).chain(16..24).collect();
        let join = self.b.func.dfg.immediates.push(ConstantData::from(join));
        let bl = self.vcast(types::I8X16, dl);
        let bh = self.vcast(types::I8X16, dh);
        let r = self.b.ins().shuffle(bl, bh, join);
        Some(self.vcast(types::F32X4, r))
    }

    /// Computes a vector of `rd` values lane by lane with the scalar emitter: `f` gets
    /// each lane of `args` (masks as bools) and returns that lane's scalar result.
    fn per_lane(
        &mut self,
        rd: DType,
        size: u32,
        args: &[(Value, DType)],
        mut f: impl FnMut(&mut Self, &[Value]) -> Value,
    ) -> Value {
        let vt = vtype(rd, size);
        let lanes = vt.lane_count() as u8;
        let mut out = None;
        for l in 0..lanes {
            let xs: Vec<Value> = args
                .iter()
                .map(|&(v, d)| {
                    let x = self.b.ins().extractlane(v, l);
                    if d == DType::Bool {
                        self.b.ins().icmp_imm_s(IntCC::NotEqual, x, 0)
                    } else {
                        x
                    }
                })
                .collect();
            let r = f(self, &xs);
            let r = if rd == DType::Bool {
                self.bool_to_lane(r, vt.lane_type())
            } else {
                r
            };
            out = Some(match out {
                None => self.b.ins().splat(vt, r),
                Some(v) => self.b.ins().insertlane(v, r, l),
            });
        }
        out.expect("at least one lane")
    }

    /// The innermost loop of a nest over `n` elements: vectors when every used slot
    /// advances by its element size, else the scalar loop (`body`, one element).
    pub(super) fn vec_inner_loop(
        &mut self,
        n: Value,
        ptrs: &[Value],
        strides: &[Value],
        vl: &mut VecLoop<'_, Self>,
        body: &mut dyn FnMut(&mut Self, &[Value]),
    ) {
        let ok = self.all_contiguous(strides, &vl.sizes, &vl.used);
        let (vb, sb, done) = (
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
        );
        self.b.ins().brif(ok, vb, &[], sb, &[]);
        self.b.switch_to_block(vb);
        self.b.seal_block(vb);
        {
            let lanes = vl.lanes;
            let step = lanes * UNROLL;
            let zero = self.b.ins().iconst(types::I64, 0);
            let main = self.b.ins().band_imm_s(n, !(step - 1));
            let sizes = vl.sizes.clone();
            let at = |this: &mut Self, i: Value| -> Vec<Value> {
                ptrs.iter()
                    .zip(&sizes)
                    .map(|(&p, &s)| {
                        let off = this.b.ins().imul_imm_s(i, s);
                        this.b.ins().iadd(p, off)
                    })
                    .collect()
            };
            self.stepped_loop(zero, main, step, &mut |this, i| {
                for u in 0..UNROLL {
                    let j = this.b.ins().iadd_imm_s(i, u * lanes);
                    let ps = at(this, j);
                    (vl.body)(this, &ps);
                }
            });
            let whole = self.b.ins().band_imm_s(n, !(lanes - 1));
            self.stepped_loop(main, whole, lanes, &mut |this, i| {
                let ps = at(this, i);
                (vl.body)(this, &ps);
            });
            self.stepped_loop(whole, n, 1, &mut |this, i| {
                let ps = at(this, i);
                body(this, &ps);
            });
            self.b.ins().jump(done, &[]);
        }
        self.b.switch_to_block(sb);
        self.b.seal_block(sb);
        {
            let vars: Vec<_> = ptrs
                .iter()
                .map(|&p| {
                    let v = self.b.declare_var(types::I64);
                    self.b.def_var(v, p);
                    v
                })
                .collect();
            let zero = self.b.ins().iconst(types::I64, 0);
            self.counted_loop(zero, n, |this, _| {
                let cur: Vec<Value> = vars.iter().map(|&v| this.b.use_var(v)).collect();
                body(this, &cur);
                for ((&v, &p), &s) in vars.iter().zip(&cur).zip(strides) {
                    let next = this.b.ins().iadd(p, s);
                    this.b.def_var(v, next);
                }
            });
            self.b.ins().jump(done, &[]);
        }
        self.b.switch_to_block(done);
        self.b.seal_block(done);
    }

    /// `for i in (from..to).step_by(step)`, tested at the bottom (`to - from` is a
    /// multiple of `step`).
    fn stepped_loop(
        &mut self,
        from: Value,
        to: Value,
        step: i64,
        body: &mut dyn FnMut(&mut Self, Value),
    ) {
        let (body_b, done) = (self.b.create_block(), self.b.create_block());
        let iv = self.b.declare_var(types::I64);
        self.b.def_var(iv, from);
        let any = self.b.ins().icmp(IntCC::SignedLessThan, from, to);
        self.b.ins().brif(any, body_b, &[], done, &[]);
        self.b.switch_to_block(body_b);
        let i = self.b.use_var(iv);
        body(self, i);
        let i1 = self.b.ins().iadd_imm_s(i, step);
        self.b.def_var(iv, i1);
        let more = self.b.ins().icmp(IntCC::SignedLessThan, i1, to);
        self.b.ins().brif(more, body_b, &[], done, &[]);
        self.b.seal_block(body_b);
        self.b.switch_to_block(done);
        self.b.seal_block(done);
    }

    /// One leaf of the pairwise tree on vectors (see `pairwise_leaf`): the 8
    /// accumulators are `8 / lanes` vectors (lane `j` of vector `k` is accumulator
    /// `k * lanes + j`), so every accumulator adds the same elements in the same order
    /// as the scalar leaf. `vget(j)` is the vector of elements `j .. j + lanes`.
    pub(super) fn pairwise_leaf_vec(
        &mut self,
        d: DType,
        start: Value,
        n: Value,
        lanes: i64,
        get: &mut dyn FnMut(&mut Self, Value) -> Value,
        vget: &mut dyn FnMut(&mut Self, Value) -> Value,
    ) -> Value {
        let t = dtype_clif(d);
        let vt = vtype(d, d.size() as u32);
        let join = self.b.create_block();
        self.b.append_block_param(join, t);
        let (small, big) = (self.b.create_block(), self.b.create_block());
        let is_small = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, n, 8);
        self.b.ins().brif(is_small, small, &[], big, &[]);
        self.b.switch_to_block(small);
        self.b.seal_block(small);
        {
            let nz = self.fconst(d, -0.0);
            let end = self.b.ins().iadd(start, n);
            let r = self.add_in_order(t, nz, start, end, get);
            self.b.ins().jump(join, &[r.into()]);
        }
        self.b.switch_to_block(big);
        self.b.seal_block(big);
        {
            let nv = 8 / lanes;
            let accs: Vec<_> = (0..nv).map(|_| self.b.declare_var(vt)).collect();
            for (k, &a) in accs.iter().enumerate() {
                let j = self.b.ins().iadd_imm_s(start, k as i64 * lanes);
                let x = vget(self, j);
                self.b.def_var(a, x);
            }
            let rem = self.b.ins().band_imm_s(n, 7);
            let full = self.b.ins().isub(n, rem);
            let full_end = self.b.ins().iadd(start, full);
            let first = self.b.ins().iadd_imm_s(start, 8);
            self.stepped_loop(first, full_end, 8, &mut |this, i| {
                for (k, &a) in accs.iter().enumerate() {
                    let j = this.b.ins().iadd_imm_s(i, k as i64 * lanes);
                    let x = vget(this, j);
                    let cur = this.b.use_var(a);
                    let r = this.b.ins().fadd(cur, x);
                    this.b.def_var(a, r);
                }
            });
            let mut r = Vec::new();
            for &a in &accs {
                let v = self.b.use_var(a);
                for l in 0..lanes {
                    r.push(self.b.ins().extractlane(v, l as u8));
                }
            }
            let res = self.combine8(&r);
            let end = self.b.ins().iadd(start, n);
            let r = self.add_in_order(t, res, full_end, end, get);
            self.b.ins().jump(join, &[r.into()]);
        }
        self.b.switch_to_block(join);
        self.b.seal_block(join);
        self.b.block_params(join)[0]
    }

    /// True when every slot `used` advances by its `sizes` bytes (`strides` in bytes).
    pub(super) fn all_contiguous(
        &mut self,
        strides: &[Value],
        sizes: &[i64],
        used: &[bool],
    ) -> Value {
        let mut ok = self.b.ins().iconst(types::I8, 1);
        for (k, &s) in strides.iter().enumerate() {
            if used[k] {
                let c = self.b.ins().icmp_imm_s(IntCC::Equal, s, sizes[k]);
                ok = self.b.ins().band(ok, c);
            }
        }
        ok
    }
}

/// The lane width (bytes) of a nest's vector loop, if its element expression vectorises.
pub(super) fn nest_width(n: &Nest) -> Option<u32> {
    elem_width(&n.elem, &n.operands)
}

/// The lane width of an in-order reduction `op` of nest `n` on vectors, for the
/// reductions whose result does not depend on the order of the elements: integer `sum`
/// (wrapping addition is associative) and `any`/`all` of masks. Float folds keep the
/// scalar loop (strict order; signed zeros and nan payloads of min/max).
pub(super) fn fold_width(n: &Nest, op: ReduceOp) -> Option<u32> {
    let d = n.elem.dtype;
    let ok = match op {
        ReduceOp::Sum => d.is_int(),
        ReduceOp::Any | ReduceOp::All => d == DType::Bool,
        _ => false,
    };
    let w = nest_width(n).filter(|_| ok)?;
    (d == DType::Bool || w as usize == d.size()).then_some(w)
}

impl<'a, 'b> FnLower<'a, 'b> {
    /// Folds the whole vectors of a contiguous line of `len` elements at `ptrs` (operand
    /// addresses) with `op` (see [`fold_width`]): returns the partial result (a scalar of
    /// the element type) and the index of the first element left for the scalar tail.
    pub(super) fn vec_fold(
        &mut self,
        n: &Nest,
        op: ReduceOp,
        w: u32,
        len: Value,
        ptrs: &[Value],
    ) -> (Value, Value) {
        let d = n.elem.dtype;
        let vt = vtype(d, w);
        let lanes = 16 / i64::from(w);
        let mut vs = Vec::new();
        self.vec_scalars(&n.elem, w, &mut vs);
        let sizes: Vec<i64> = n.operands.iter().map(|o| o.dtype.size() as i64).collect();
        let fill = if op == ReduceOp::All { -1 } else { 0 };
        let lane = self.b.ins().iconst(vt.lane_type(), fill);
        let init = self.b.ins().splat(vt, lane);
        let acc = self.b.declare_var(vt);
        self.b.def_var(acc, init);
        let rem = self.b.ins().band_imm_s(len, lanes - 1);
        let full = self.b.ins().isub(len, rem);
        let zero = self.b.ins().iconst(types::I64, 0);
        self.stepped_loop(zero, full, lanes, &mut |this, j| {
            let ps: Vec<Value> = ptrs
                .iter()
                .zip(&sizes)
                .map(|(&p, &s)| {
                    let off = this.b.ins().imul_imm_s(j, s);
                    this.b.ins().iadd(p, off)
                })
                .collect();
            let x = this.velem(&n.elem, &ps, &vs, w);
            let a = this.b.use_var(acc);
            let r = match op {
                ReduceOp::Sum => this.b.ins().iadd(a, x),
                ReduceOp::Any => this.b.ins().bor(a, x),
                _ => this.b.ins().band(a, x),
            };
            this.b.def_var(acc, r);
        });
        let v = self.b.use_var(acc);
        let part = match op {
            ReduceOp::Sum => {
                let mut s = self.b.ins().extractlane(v, 0);
                for l in 1..lanes {
                    let x = self.b.ins().extractlane(v, l as u8);
                    s = self.b.ins().iadd(s, x);
                }
                s
            }
            ReduceOp::Any => self.b.ins().vany_true(v),
            _ => self.b.ins().vall_true(v),
        };
        (part, full)
    }
}
