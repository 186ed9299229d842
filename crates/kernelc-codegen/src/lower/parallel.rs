//! `prange` loops: the body outlined into a chunk function, run by the runtime's pool.
//!
//! The calling function spills its locals into an environment block (`2 * locals` words
//! as the interpreter slot area: values, then assigned flags; then the range's start and
//! step), and calls `parallel_rt::rt_prange_run`, which runs the chunk function on each
//! of the loop's fixed chunks (`kernelc_runtime::reduce::prange_chunks`) and returns the
//! chunk count. Each chunk writes its reduction partials into its own slots of a partials
//! area on the caller's stack; the caller then combines them in chunk order
//! (`((outer op p0) op p1) op ...`, the interpreter's order), so results never depend on
//! the thread count.
//!
//! The chunk function `fn(ctx, env, k, lo, hi, partials)` is the same function's body
//! lowered by a second [`FnLower`] in *chunk mode*: outer locals are loaded from the
//! environment and borrowed (never released), private locals — every local the body
//! assigns, so hidden ones (comprehensions, planner temporaries) are private too — start
//! unassigned in every chunk and are released at its exits, reduction variables start at
//! their operator's identity. A prange inside a chunk is outlined the same way; the
//! runtime runs it serially on the worker.

use super::{assigns, clif_type, FnLower, Val};
use crate::abi::CTX_INTERRUPT;
use crate::parallel_rt;
use crate::rt;
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    types, AbiParam, Function, InstBuilder, MemFlagsData, Signature, StackSlotData, StackSlotKind,
    UserFuncName, Value,
};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_module::Linkage;
use kernelc_runtime::Scalar;
use kernelc_sema::tir::{Expr, ExprKind, LocalId, Parallel, Stmt, Type};
use kernelc_syntax::Span;

/// Environment reads: the block does not change while chunks run.
const ENV: MemFlagsData = MemFlagsData::trusted().with_readonly();

/// Most chunks a prange has (`prange_chunks`).
const MAX_CHUNKS: u32 = 256;

/// What the chunk lowering inherits from the code around the loop.
pub(super) struct Outer {
    assigned: Vec<bool>,
    in_bounds: Vec<(LocalId, usize, LocalId)>,
    nonneg: Vec<LocalId>,
}

impl FnLower<'_, '_> {
    /// The locals private to a prange body (assigned in it), minus its reductions.
    fn private_set(&self, var: LocalId, body: &[Stmt], par: &Parallel) -> Vec<bool> {
        let n = self.func.locals.len();
        let mut p = kernelc_sema::pretty::assigned_locals(body, n);
        p[var] = true;
        for &id in &par.private {
            p[id] = true;
        }
        for r in &par.reductions {
            p[r.local] = false;
        }
        p
    }

    /// A `prange` (see the module doc).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn prange(
        &mut self,
        var: LocalId,
        start: &Expr,
        stop: &Expr,
        step: &Expr,
        body: &[Stmt],
        par: &Parallel,
        span: Span,
    ) {
        let (a, z, st, _) = self.range_bounds(start, stop, step);
        let ctx = self.ctx;
        let n = self.call_rt(
            rt::rt_range_count as *const u8,
            &[types::I64; 3],
            &[types::I64],
            &[a, z, st],
        )[0];
        // The outer values of the reduction variables (read first, as the interpreter).
        let outer: Vec<Value> = par
            .reductions
            .iter()
            .map(|r| self.read_local(r.local, Span::default()))
            .collect();
        let private = self.private_set(var, body, par);
        let chunk = self.chunk_function(var, [start, stop, step], body, par, span, &private);
        // The environment: every outer local (value and assigned flag), start, step.
        let nl = self.func.locals.len();
        let env = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            (8 * (2 * nl + 2)) as u32,
            3,
        ));
        for (id, &own) in private.iter().enumerate() {
            if own || par.reductions.iter().any(|r| r.local == id) {
                continue;
            }
            let t = self.func.locals[id].ty;
            if clif_type(t).is_none() {
                continue;
            }
            let v = self.get_local(id);
            let w = self.word_of(v, t);
            self.b
                .ins()
                .stack_store(types::I64, w, env, (id * 8) as i32);
            let flag = match self.get_flag(id) {
                Some(f) => self.b.ins().uextend(types::I64, f),
                None => self.b.ins().iconst(types::I64, 1),
            };
            self.b
                .ins()
                .stack_store(types::I64, flag, env, ((nl + id) * 8) as i32);
        }
        self.b
            .ins()
            .stack_store(types::I64, a, env, (2 * nl * 8) as i32);
        self.b
            .ins()
            .stack_store(types::I64, st, env, ((2 * nl + 1) * 8) as i32);
        let env_addr = self.b.ins().stack_addr(types::I64, env, 0);
        let nred = par.reductions.len();
        let partials = if nred > 0 {
            let s = self.b.create_sized_stack_slot(StackSlotData::new(
                StackSlotKind::ExplicitSlot,
                MAX_CHUNKS * 8 * nred as u32,
                3,
            ));
            self.b.ins().stack_addr(types::I64, s, 0)
        } else {
            self.b.ins().iconst(types::I64, 0)
        };
        let fref = self.module.declare_func_in_func(chunk, self.b.func);
        let fptr = self.b.ins().func_addr(types::I64, fref);
        let nred_v = self.b.ins().iconst(types::I64, nred as i64);
        let count = self.call_rt(
            parallel_rt::rt_prange_run as *const u8,
            &[types::I64; 6],
            &[types::I64],
            &[ctx, fptr, env_addr, n, partials, nred_v],
        )[0];
        self.check_failed();
        // Combine the partials in chunk order.
        if nred > 0 {
            let mut accs = Vec::new();
            for (r, &v) in par.reductions.iter().zip(&outer) {
                let t = clif_type(self.func.locals[r.local].ty).expect("scalar");
                let acc = self.b.declare_var(t);
                self.b.def_var(acc, v);
                accs.push(acc);
            }
            let zero = self.b.ins().iconst(types::I64, 0);
            self.counted_loop(zero, count, |this, k| {
                let row = this.b.ins().imul_imm_s(k, (8 * nred) as i64);
                let row = this.b.ins().iadd(partials, row);
                for (ri, (r, &acc)) in par.reductions.iter().zip(&accs).enumerate() {
                    let ty = this.func.locals[r.local].ty;
                    let d = ty.dtype().expect("scalar");
                    let w = this.b.ins().load(
                        types::I64,
                        MemFlagsData::trusted(),
                        row,
                        (8 * ri) as i32,
                    );
                    let p = this.value_of(w, ty).expect("scalar");
                    let a0 = this.b.use_var(acc);
                    let c = this.combine(r.op, d, a0, p);
                    this.b.def_var(acc, c);
                }
            });
            for (r, &acc) in par.reductions.iter().zip(&accs) {
                let v = self.b.use_var(acc);
                self.assign(r.local, Val::scalar(v));
            }
        }
        // The loop variable keeps its last value, as in Python (when there was one).
        let (set, done) = (self.b.create_block(), self.b.create_block());
        let any = self.b.ins().icmp_imm_s(IntCC::SignedGreaterThan, n, 0);
        self.b.ins().brif(any, set, &[], done, &[]);
        self.b.switch_to_block(set);
        self.b.seal_block(set);
        let was = self.assigned[var];
        let n1 = self.b.ins().iadd_imm_s(n, -1);
        let off = self.b.ins().imul(n1, st);
        let last = self.b.ins().iadd(a, off);
        self.assign(var, Val::scalar(last));
        self.assigned[var] = was;
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(done);
        self.b.seal_block(done);
    }

    /// Declares and defines the chunk function of a prange body; returns its id.
    #[allow(clippy::too_many_arguments)]
    fn chunk_function(
        &mut self,
        var: LocalId,
        range: [&Expr; 3],
        body: &[Stmt],
        par: &Parallel,
        span: Span,
        private: &[bool],
    ) -> cranelift_module::FuncId {
        let mut sig = Signature::new(self.cc);
        sig.params.extend([AbiParam::new(types::I64); 6]);
        self.prange_seq += 1;
        let name = format!("{}_prange{}", self.name, self.prange_seq);
        // A function lowered twice (see `define::is_large`) declares the same name again:
        // the first definition stands.
        let id = self
            .module
            .declare_function(&name, Linkage::Local, &sig)
            .expect("chunk functions have unique names");
        let mut func = Function::with_name_signature(UserFuncName::user(2, id.as_u32()), sig);
        let mut fctx = FunctionBuilderContext::new();
        let outer = Outer {
            assigned: self.assigned.clone(),
            in_bounds: self.in_bounds.clone(),
            nonneg: self.nonneg.clone(),
        };
        {
            let b = FunctionBuilder::new(&mut func, &mut fctx);
            let mut sub = FnLower::new(
                b,
                self.func,
                self.func_id,
                self.callees,
                self.nests,
                self.infos,
                &mut *self.module,
                self.cc,
            );
            sub.name = name.clone();
            sub.lower_chunk(var, range, body, par, span, private, outer);
        }
        super::par_nest::record_chunk_clif(&name, &func);
        let mut cctx = cranelift_codegen::Context::for_function(func);
        match self.module.define_function(id, &mut cctx) {
            Ok(()) | Err(cranelift_module::ModuleError::DuplicateDefinition(_)) => {}
            Err(e) => panic!("defining a prange chunk function: {e:?}"),
        }
        id
    }

    /// The body of a chunk function (chunk mode; see the module doc).
    #[allow(clippy::too_many_arguments)]
    fn lower_chunk(
        mut self,
        var: LocalId,
        [start, stop, step]: [&Expr; 3],
        body: &[Stmt],
        par: &Parallel,
        span: Span,
        private: &[bool],
        outer: Outer,
    ) {
        let entry = self.b.current_block().expect("entry");
        let p: Vec<Value> = self.b.block_params(entry).to_vec();
        let (env, lo, hi, partials) = (p[1], p[3], p[4], p[5]);
        let flag = self
            .b
            .ins()
            .load(types::I64, MemFlagsData::trusted(), self.ctx, CTX_INTERRUPT);
        self.interrupt = Some(flag);
        self.private = Some(private.to_vec());
        let nl = self.func.locals.len();
        self.assigned = vec![false; nl];
        for (id, l) in self.func.locals.iter().enumerate() {
            let ty = clif_type(l.ty).unwrap_or(types::I64);
            let v = self.b.declare_var(ty);
            self.vars.push(v);
            let is_param = self.func.params.contains(&id);
            let needs_flag = !is_param && matches!(l.ty, Type::Scalar(_));
            let f = needs_flag.then(|| self.b.declare_var(types::I8));
            self.set.push(f);
            let reduction = par.reductions.iter().find(|r| r.local == id);
            if let Some(r) = reduction {
                let d = l.ty.dtype().expect("scalar");
                let w = self
                    .b
                    .ins()
                    .iconst(types::I64, rt::identity_bits(r.op, d) as i64);
                let x = self.value_of(w, l.ty).expect("scalar");
                self.put_local(id, x);
                if f.is_some() {
                    let one = self.b.ins().iconst(types::I8, 1);
                    self.put_flag(id, one);
                }
                self.assigned[id] = true;
            } else if private[id] || clif_type(l.ty).is_none() {
                let zero = self.zero(ty);
                self.put_local(id, zero);
                if f.is_some() {
                    let z = self.b.ins().iconst(types::I8, 0);
                    self.put_flag(id, z);
                }
            } else {
                let w = self.b.ins().load(types::I64, ENV, env, (id * 8) as i32);
                let x = self.value_of(w, l.ty).expect("a value");
                self.put_local(id, x);
                if f.is_some() {
                    let fw = self
                        .b
                        .ins()
                        .load(types::I64, ENV, env, ((nl + id) * 8) as i32);
                    let fb = self.b.ins().ireduce(types::I8, fw);
                    self.put_flag(id, fb);
                }
                self.assigned[id] = outer.assigned.get(id).copied().unwrap_or(false);
            }
        }
        self.in_bounds = outer.in_bounds;
        self.nonneg = outer.nonneg;
        let a = self.b.ins().load(types::I64, ENV, env, (2 * nl * 8) as i32);
        let st = self
            .b
            .ins()
            .load(types::I64, ENV, env, ((2 * nl + 1) * 8) as i32);
        // The iterations lo..hi (a chunk is never empty).
        let (it_body, it_latch, exit) = (
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
        );
        let jv = self.b.declare_var(types::I64);
        self.b.def_var(jv, lo);
        self.b.ins().jump(it_body, &[]);
        self.b.switch_to_block(it_body);
        let j = self.b.use_var(jv);
        let off = self.b.ins().imul(j, st);
        let i = self.b.ins().iadd(a, off);
        self.assign(var, Val::scalar(i));
        self.poll_interrupt(span);
        let before = self.assigned.clone();
        if let (ExprKind::Const(Scalar::I64(s0)), ExprKind::Const(Scalar::I64(1))) =
            (&start.kind, &step.kind)
        {
            if *s0 >= 0 && !assigns(body, var) {
                self.nonneg.push(var);
                if let ExprKind::Dim(arr, axis) = &stop.kind {
                    if let ExprKind::Local(arr) = arr.kind {
                        if !assigns(body, arr) {
                            self.in_bounds.push((arr, *axis, var));
                        }
                    }
                }
            }
        }
        self.loops.push((it_latch, exit));
        self.block(body);
        self.loops.pop();
        self.assigned = before;
        self.b.ins().jump(it_latch, &[]);
        self.b.switch_to_block(it_latch);
        self.b.seal_block(it_latch);
        let j = self.b.use_var(jv);
        let j1 = self.b.ins().iadd_imm_s(j, 1);
        self.b.def_var(jv, j1);
        let again = self.b.ins().icmp(IntCC::SignedLessThan, j1, hi);
        self.b.ins().brif(again, it_body, &[], exit, &[]);
        self.b.seal_block(it_body);
        self.b.switch_to_block(exit);
        self.b.seal_block(exit);
        for (ri, r) in par.reductions.iter().enumerate() {
            let v = self.get_local(r.local);
            let w = self.word_of(v, self.func.locals[r.local].ty);
            self.b
                .ins()
                .store(MemFlagsData::trusted(), w, partials, (8 * ri) as i32);
        }
        self.release_locals();
        self.b.ins().return_(&[]);
        for fail in std::mem::take(&mut self.fails) {
            self.b.switch_to_block(fail);
            self.b.seal_block(fail);
            self.release_locals();
            self.b.ins().return_(&[]);
        }
        self.b.seal_all_blocks();
        self.b.finalize(self.module.isa().frontend_config());
    }
}
