//! Whole-array loop nests on the thread pool: the loops of a nest (after its setup)
//! outlined into a chunk function, run by `parallel_rt::rt_nest_run`.
//!
//! The chunk function has the prange chunk signature `fn(ctx, env, k, lo, hi, partials)`;
//! `env` holds the address of the nest's geometry block (filled by the setup on the
//! caller's stack) and the words of the element expression's scalar locals. A chunk runs
//! the nest's own loops ([`FnLower::new_array_loops`], [`FnLower::store_loops`],
//! [`FnLower::axis_loops`], [`FnLower::line_sum_loops`] in `nest.rs`, vector loops
//! included) with one axis restricted to `lo..hi`:
//!
//! * element-wise results and stores ([`Work::Rows`]) and reductions along an axis
//!   ([`Work::Axis`]) split the first axis they loop over into the fixed row chunks of
//!   `pool::nest_chunks`; every element is computed as in the serial loop;
//! * a pairwise sum over all elements ([`Work::Pairwise`]) splits its line into the
//!   subtrees of NumPy's pairwise tree (`reduce::pairwise_leaves`); each chunk leaves its
//!   subtree's sum in its partial word and the runtime adds them as the tree does, so the
//!   result has the serial bits.
//!
//! Below `pool::PARALLEL_MIN_ELEMENTS` elements (or on one thread) the runtime calls the
//! chunk function once over the whole range on the calling thread.

use super::nest::{Geo, GeoBase};
use super::{clif_type, FnLower};
use crate::parallel_rt;
use cranelift_codegen::ir::{
    types, AbiParam, Function, InstBuilder, MemFlagsData, Signature, StackSlotData, StackSlotKind,
    UserFuncName, Value,
};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_module::Linkage;
use kernelc_loops::{Elem, ElemKind, Leaf, Nest, Sink};
use kernelc_runtime::DType;
use kernelc_sema::tir::{LocalId, Type};

thread_local! {
    /// The CLIF text of the chunk functions defined while a listing is requested.
    static CHUNK_CLIF: std::cell::RefCell<Option<Vec<String>>> =
        const { std::cell::RefCell::new(None) };
}

/// Starts (`true`) or stops collecting the CLIF of chunk functions (prange bodies and loop
/// nests) for a listing; `JitProgram::compile` lists them after their function.
pub(crate) fn collect_chunk_clif(on: bool) {
    CHUNK_CLIF.with(|c| *c.borrow_mut() = on.then(Vec::new));
}

/// The chunk functions' CLIF collected since the last call.
pub(crate) fn take_chunk_clif() -> Vec<String> {
    CHUNK_CLIF.with(|c| {
        c.borrow_mut()
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    })
}

/// Records a chunk function's CLIF when a listing is being collected.
pub(super) fn record_chunk_clif(name: &str, func: &Function) {
    CHUNK_CLIF.with(|c| {
        if let Some(v) = c.borrow_mut().as_mut() {
            v.push(format!("; {name}\n{}", func.display()));
        }
    });
}

/// How a nest's loops split into chunks.
#[derive(Clone, Copy)]
pub(super) enum Work {
    /// A new array or a store: rows of the first axis.
    Rows,
    /// A reduction along this axis: rows of the first other axis.
    Axis(usize),
    /// A pairwise sum over the (flattened) line: subtrees of the pairwise tree.
    Pairwise,
}

impl Work {
    /// The axis the chunks split.
    fn axis(self, n: &Nest) -> usize {
        match self {
            Work::Rows => 0,
            Work::Axis(0) => 1,
            Work::Axis(_) => 0,
            Work::Pairwise => n.ndim - 1,
        }
    }
}

/// The scalar locals an element expression reads, each once.
fn scalar_locals(e: &Elem, out: &mut Vec<LocalId>) {
    if let ElemKind::Scalar(Leaf::Local(id)) = e.kind {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    for c in e.children() {
        scalar_locals(c, out);
    }
}

impl FnLower<'_, '_> {
    /// Runs the loops of nest `id` (its setup done: `geo`) through its chunk function;
    /// for [`Work::Pairwise`], returns the sum (before `mean`/`norm` finish it).
    pub(super) fn par_loops(&mut self, id: usize, geo: &Geo, work: Work) -> Option<Value> {
        let nests = self.nests;
        let n = &nests[id];
        let mut leaves = Vec::new();
        scalar_locals(&n.elem, &mut leaves);
        let chunk = self.nest_chunk_function(id, work, &leaves);
        // The environment: the geometry's address, then the scalar leaves' words.
        let env = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            (8 * (1 + leaves.len())) as u32,
            3,
        ));
        let gp = match geo.base {
            GeoBase::Slot(s) => self.b.ins().stack_addr(types::I64, s, 0),
            GeoBase::Ptr(p) => p,
        };
        self.b.ins().stack_store(types::I64, gp, env, 0);
        for (k, &l) in leaves.iter().enumerate() {
            let span = self.func.locals[l].span;
            let v = self.read_local(l, span);
            let w = self.word_of(v, self.func.locals[l].ty);
            self.b
                .ins()
                .stack_store(types::I64, w, env, (8 * (k + 1)) as i32);
        }
        let env_addr = self.b.ins().stack_addr(types::I64, env, 0);
        let g = geo.g;
        let axis = work.axis(n);
        let extent = if axis < g.ndim {
            self.geo_load(geo, g.shape(axis))
        } else {
            self.b.ins().iconst(types::I64, 1)
        };
        let mut total = self.b.ins().iconst(types::I64, 1);
        for d in 0..g.ndim {
            let s = self.geo_load(geo, g.shape(d));
            total = self.b.ins().imul(total, s);
        }
        let d = n.elem.dtype;
        let kind = match work {
            Work::Pairwise if d == DType::F32 => parallel_rt::NEST_SUM_F32,
            Work::Pairwise => parallel_rt::NEST_SUM_F64,
            _ => parallel_rt::NEST_ROWS,
        };
        let part =
            self.b
                .create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 8, 3));
        let pp = self.b.ins().stack_addr(types::I64, part, 0);
        let fref = self.module.declare_func_in_func(chunk, self.b.func);
        let fptr = self.b.ins().func_addr(types::I64, fref);
        let kind = self.b.ins().iconst(types::I64, kind);
        let ctx = self.ctx;
        self.call_rt(
            parallel_rt::rt_nest_run as *const u8,
            &[types::I64; 7],
            &[],
            &[ctx, fptr, env_addr, extent, total, pp, kind],
        );
        self.check_failed();
        match work {
            Work::Pairwise => {
                let w = self.b.ins().stack_load(types::I64, types::I64, part, 0);
                self.value_of(w, Type::Scalar(d))
            }
            _ => None,
        }
    }

    /// Declares and defines the chunk function of nest `id`; returns its id.
    fn nest_chunk_function(
        &mut self,
        id: usize,
        work: Work,
        leaves: &[LocalId],
    ) -> cranelift_module::FuncId {
        let mut sig = Signature::new(self.cc);
        sig.params.extend([AbiParam::new(types::I64); 6]);
        let name = format!("{}_nest{id}", self.name);
        // A function lowered twice (see `define::is_large`) declares the same name again:
        // the first definition stands.
        let fid = self
            .module
            .declare_function(&name, Linkage::Local, &sig)
            .expect("nest chunk functions have unique names");
        let mut func = Function::with_name_signature(UserFuncName::user(3, fid.as_u32()), sig);
        let mut fctx = FunctionBuilderContext::new();
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
            sub.lower_nest_chunk(id, work, leaves);
        }
        record_chunk_clif(&name, &func);
        let mut cctx = cranelift_codegen::Context::for_function(func);
        match self.module.define_function(fid, &mut cctx) {
            Ok(()) | Err(cranelift_module::ModuleError::DuplicateDefinition(_)) => {}
            Err(e) => panic!("defining a loop nest chunk function: {e:?}"),
        }
        fid
    }

    /// The body of a nest's chunk function (see the module doc).
    fn lower_nest_chunk(mut self, id: usize, work: Work, leaves: &[LocalId]) {
        let entry = self.b.current_block().expect("entry");
        let p: Vec<Value> = self.b.block_params(entry).to_vec();
        let (env, lo, hi, partials) = (p[1], p[3], p[4], p[5]);
        let env_flags = MemFlagsData::trusted().with_readonly();
        let nl = self.func.locals.len();
        self.assigned = vec![false; nl];
        for l in &self.func.locals {
            let ty = clif_type(l.ty).unwrap_or(types::I64);
            let v = self.b.declare_var(ty);
            self.vars.push(v);
            self.set.push(None);
            let zero = self.zero(ty);
            self.b.def_var(v, zero);
        }
        for (k, &l) in leaves.iter().enumerate() {
            let w = self
                .b
                .ins()
                .load(types::I64, env_flags, env, (8 * (k + 1)) as i32);
            let x = self
                .value_of(w, self.func.locals[l].ty)
                .expect("a scalar leaf");
            self.put_local(l, x);
            self.assigned[l] = true;
        }
        let gp = self.b.ins().load(types::I64, env_flags, env, 0);
        let nests = self.nests;
        let n = &nests[id];
        let geo = Geo {
            base: GeoBase::Ptr(gp),
            g: self.infos[id].geometry(),
            range: Some((work.axis(n), lo, hi)),
        };
        match (work, &n.sink) {
            (Work::Rows, Sink::NewArray) => self.new_array_loops(n, &geo),
            (Work::Rows, _) => self.store_loops(n, &geo),
            (Work::Axis(k), _) => self.axis_loops(n, &geo, k),
            (Work::Pairwise, _) => {
                let s = self.line_sum_loops(n, &geo);
                self.b.ins().store(MemFlagsData::trusted(), s, partials, 0);
            }
        }
        self.b.ins().return_(&[]);
        for fail in std::mem::take(&mut self.fails) {
            self.b.switch_to_block(fail);
            self.b.seal_block(fail);
            self.b.ins().return_(&[]);
        }
        self.b.seal_all_blocks();
        self.b.finalize(self.module.isa().frontend_config());
    }
}
