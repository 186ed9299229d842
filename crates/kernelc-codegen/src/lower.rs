//! Lowering of one typed-IR function to Cranelift IR.
//!
//! Native code covers scalar code (all five types), control flow, loops tested at the
//! bottom, `prange` (its fixed chunks run in order, with private reduction copies and
//! per-chunk random streams), calls between kernels, and element reads and writes with
//! bounds checks. Whole-array operations, printing and region stores are delegated to the
//! interpreter through [`crate::rt`], which gives them one definition for both executors.
//!
//! Array values are handle pointers with reference counts: a local owns one reference
//! (released when it is overwritten and at every exit); an expression result is either
//! owned (a new handle) or borrowed (a local's), see [`Val`].

use crate::abi::{
    self, pack_span, CTX_DEPTH, CTX_FAILED, CTX_INTERRUPT, OFF_DATA, OFF_SHAPE, OFF_STRIDES,
};
use crate::rt::{self, code};

mod arrays;
pub(crate) mod complex;
mod construct;
mod library;
mod nest;
mod par_nest;
pub(crate) use par_nest::{collect_chunk_clif, take_chunk_clif};
mod parallel;
mod print;
mod simd;
mod tuple;
pub(crate) mod view;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    types, AbiParam, Block, InstBuilder, MemFlagsData, Signature, StackSlotData, StackSlotKind,
    Value,
};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::{FunctionBuilder, Variable};
use cranelift_module::FuncId as ClifFuncId;
use kernelc_runtime::{DType, Scalar};
use kernelc_sema::tir::{
    AugOp, BinOp, Dist, Expr, ExprKind, Func, FuncId, Index, LocalId, LogicalOp, MathFn, RedOp,
    Stmt, StmtKind, Type, UnOp,
};
use kernelc_syntax::Span;

/// Loads of handle fields: a handle never changes, so they can be hoisted out of loops.
const HANDLE_FIELD: MemFlagsData = MemFlagsData::trusted().with_readonly().with_can_move();

/// Maximum call depth (the interpreter's too).
const MAX_DEPTH: i64 = kernelc_runtime::error::MAX_DEPTH as i64;

/// The Cranelift type of a value of type `t` (arrays are handle pointers; `None` has no
/// value).
pub fn clif_type(t: Type) -> Option<types::Type> {
    match t {
        Type::Scalar(d) => Some(dtype_clif(d)),
        Type::Array(_) => Some(types::I64),
        _ => None,
    }
}

pub fn dtype_clif(d: DType) -> types::Type {
    match d {
        DType::Bool | DType::I8 | DType::U8 => types::I8,
        DType::I16 | DType::U16 => types::I16,
        DType::I32 | DType::U32 => types::I32,
        DType::I64 | DType::U64 => types::I64,
        DType::F32 => types::F32,
        DType::F64 => types::F64,
        // Complex scalars: both parts in one value (see `lower/complex.rs`).
        DType::C64 | DType::C128 => types::I128,
    }
}

/// The signature of a compiled kernel function: `(ctx, params...) -> ret`. A function
/// returning a tuple takes a pointer to its return area after `ctx` (one word per leaf,
/// written before it returns; arrays as owned handles) and returns nothing.
pub fn kernel_signature(f: &Func, cc: CallConv) -> Signature {
    let mut sig = Signature::new(cc);
    sig.params.push(AbiParam::new(types::I64));
    if f.ret.tuple().is_some() {
        sig.params.push(AbiParam::new(types::I64));
    }
    for &p in &f.params {
        sig.params.push(AbiParam::new(abi_type(f.locals[p].ty)));
    }
    for t in ret_types(f.ret) {
        sig.returns.push(AbiParam::new(t));
    }
    sig
}

/// The Cranelift types a function returns: one value or none (a tuple goes through the
/// return area, see [`kernel_signature`]).
pub fn ret_types(ret: Type) -> Vec<types::Type> {
    match ret {
        Type::Tuple(_) => Vec::new(),
        t => clif_type(t).map(|_| abi_type(t)).into_iter().collect(),
    }
}

/// The Cranelift type of a parameter or result in a kernel's signature: a complex value
/// is a word there (functions that take or return one run in the interpreter, see
/// `complex::native`, and native code never passes one).
fn abi_type(t: Type) -> types::Type {
    match t {
        Type::Scalar(d) if d.is_complex() => types::I64,
        t => clif_type(t).unwrap_or(types::I64),
    }
}

/// True when native code can run this function (otherwise it runs interpreted).
pub fn supported(f: &Func) -> bool {
    f.locals.iter().all(|l| abi::native_type(l.ty))
        && abi::native_type(f.ret)
        && (!kernelc_sema::complex::uses_complex(f) || complex::native(f))
}

/// True when an expression's own operation is lowered natively (its operands decide for
/// themselves); everything else is delegated to the interpreter.
pub fn native_op(e: &Expr) -> bool {
    let scalar = matches!(e.ty, Type::Scalar(_));
    let local_array = |x: &Expr| matches!(x.kind, ExprKind::Local(_)) && x.ty.is_array();
    match &e.kind {
        ExprKind::Const(_)
        | ExprKind::Local(_)
        | ExprKind::Call(..)
        | ExprKind::Lib(..)
        | ExprKind::Nest(_) => true,
        ExprKind::Unary(..)
        | ExprKind::Binary(..)
        | ExprKind::PowInt(..)
        | ExprKind::Cast(_)
        | ExprKind::Logical(..)
        | ExprKind::Chain(..)
        | ExprKind::Math(..) => scalar,
        ExprKind::IfExp { .. } | ExprKind::ArrayOp(_) => true,
        // Complex scalars (only in functions `complex::native` accepts).
        ExprKind::Complex(..) => scalar,
        ExprKind::Index(a, idx) => {
            local_array(a) && (e.ty.is_array() || idx.iter().all(|i| matches!(i, Index::Int(_))))
        }
        ExprKind::Dim(a, _) | ExprKind::Size(a) => local_array(a),
        ExprKind::Random { .. } | ExprKind::Seed(_) | ExprKind::Alloc(_) => true,
        ExprKind::Print(args, _) => args.iter().all(print::printable),
        ExprKind::Where(..) => scalar,
        ExprKind::TupleGet(..) => !matches!(e.ty, Type::Tuple(_)),
        _ => false,
    }
}

/// A lowered expression: its value (none for `None`-typed ones) and, for arrays, whether
/// this code owns a reference to it.
#[derive(Clone, Copy)]
struct Val {
    v: Option<Value>,
    owned: bool,
}

impl Val {
    fn scalar(v: Value) -> Val {
        Val {
            v: Some(v),
            owned: false,
        }
    }
    fn value(self) -> Value {
        self.v.expect("a value")
    }
}

/// Lowers one function.
pub struct FnLower<'a, 'b> {
    pub b: FunctionBuilder<'b>,
    pub func: &'a Func,
    pub func_id: FuncId,
    /// Compiled functions, by typed-IR id.
    pub callees: &'a [ClifFuncId],
    /// The function's loop nests (`ExprKind::Nest`/`StmtKind::Nest` index them) and
    /// their run-time descriptions (owned by the compiled program).
    pub nests: &'a [kernelc_loops::Nest],
    pub infos: &'a [crate::nest_rt::NestInfo],
    pub module: &'a mut dyn cranelift_module::Module,
    pub cc: CallConv,
    ctx: Value,
    /// The address of the interrupt flag (loaded from the context at entry).
    interrupt: Option<Value>,
    vars: Vec<Variable>,
    /// For very large functions: locals (values, then assignment flags) live in this stack
    /// area instead of SSA variables, so no merge block carries a parameter per local
    /// (see [`crate::define`]).
    mem: Option<cranelift_codegen::ir::StackSlot>,
    /// Per local: a flag variable that is 1 once the local is assigned (scalars that are
    /// not parameters; arrays use a null handle instead).
    set: Vec<Option<Variable>>,
    /// `(continue, break)` targets of the enclosing loops.
    loops: Vec<(Block, Block)>,
    /// Error exits: every failure branches to the last one, and a new one starts after
    /// [`FAIL_REGION`] branches (see [`FnLower::fail_block`]).
    fails: Vec<Block>,
    /// Set while lowering the `else` of an `if` whose `else` is one `if` (an `elif`): the
    /// join block to share and how many links share it already.
    elif_join: Option<(Block, usize)>,
    /// Branches to the last error exit so far.
    fail_uses: usize,
    /// The return area of a function returning a tuple.
    ret_area: Option<Value>,
    slots: Option<cranelift_codegen::ir::StackSlot>,
    /// Locals assigned on every path to the code being emitted (their reads need no
    /// check). All true in unreachable code.
    assigned: Vec<bool>,
    /// `(array local, axis, index local)`: inside a `for index in range(0.., a.shape[axis])`
    /// loop that assigns neither, `a[index]` on that axis cannot be out of bounds.
    in_bounds: Vec<(LocalId, usize, LocalId)>,
    /// Loop variables of `range(start >= 0, ..., step > 0)` loops that do not assign them.
    nonneg: Vec<LocalId>,
    /// Set when lowering a prange chunk function (see `lower/parallel.rs`): the locals
    /// private to the chunk (the others are the caller's, borrowed).
    private: Option<Vec<bool>>,
    /// The symbol name of the function being lowered (chunk functions extend it).
    name: String,
    /// Prange chunk functions outlined from this one so far.
    prange_seq: usize,
}

/// `elif` links that share one join block (see the `If` arm of [`FnLower::stmt`]).
const ELIF_GROUP: usize = 64;

/// Failure branches that share one error exit (see [`FnLower::fail_block`]).
const FAIL_REGION: usize = 64;

/// What the code generator knows about one index of an element access.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Known {
    Nothing,
    /// Cannot be negative: no wrap-around needed, the bounds check stays.
    NonNegative,
    /// Cannot be out of bounds: no check.
    InBounds,
}

impl<'a, 'b> FnLower<'a, 'b> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        b: FunctionBuilder<'b>,
        func: &'a Func,
        func_id: FuncId,
        callees: &'a [ClifFuncId],
        nests: &'a [kernelc_loops::Nest],
        infos: &'a [crate::nest_rt::NestInfo],
        module: &'a mut dyn cranelift_module::Module,
        cc: CallConv,
    ) -> FnLower<'a, 'b> {
        let mut b = b;
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        b.seal_block(entry);
        let ctx = b.block_params(entry)[0];
        let ret_area = func.ret.tuple().map(|_| b.block_params(entry)[1]);
        FnLower {
            b,
            func,
            func_id,
            callees,
            nests,
            infos,
            module,
            cc,
            ctx,
            interrupt: None,
            vars: Vec::new(),
            mem: None,
            set: Vec::new(),
            loops: Vec::new(),
            fails: Vec::new(),
            elif_join: None,
            fail_uses: 0,
            ret_area,
            slots: None,
            assigned: Vec::new(),
            in_bounds: Vec::new(),
            nonneg: Vec::new(),
            private: None,
            name: format!("k{func_id}_{}", func.name),
            prange_seq: 0,
        }
    }

    /// Keeps locals in memory rather than SSA variables (for very large functions, whose
    /// compile time must stay linear; see [`crate::define`]).
    pub fn with_locals_in_memory(mut self) -> Self {
        let n = self.func.locals.len().max(1);
        self.mem = Some(self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            (16 * n) as u32,
            3,
        )));
        self
    }

    /// The current value of local `id`.
    fn get_local(&mut self, id: LocalId) -> Value {
        match self.mem {
            Some(ss) => {
                let ty = clif_type(self.func.locals[id].ty).unwrap_or(types::I64);
                self.b.ins().stack_load(types::I64, ty, ss, (id * 8) as i32)
            }
            None => self.b.use_var(self.vars[id]),
        }
    }

    /// Sets local `id` (no reference counting).
    fn put_local(&mut self, id: LocalId, v: Value) {
        match self.mem {
            Some(ss) => {
                self.b.ins().stack_store(types::I64, v, ss, (id * 8) as i32);
            }
            None => self.b.def_var(self.vars[id], v),
        }
    }

    /// The assignment flag (i8) of local `id`, if it has one.
    fn get_flag(&mut self, id: LocalId) -> Option<Value> {
        let f = self.set[id]?;
        Some(match self.mem {
            Some(ss) => {
                let off = (self.func.locals.len() + id) * 8;
                self.b
                    .ins()
                    .stack_load(types::I64, types::I8, ss, off as i32)
            }
            None => self.b.use_var(f),
        })
    }

    /// Sets the assignment flag of local `id` (which has one).
    fn put_flag(&mut self, id: LocalId, v: Value) {
        match (self.mem, self.set[id]) {
            (Some(ss), Some(_)) => {
                let off = (self.func.locals.len() + id) * 8;
                self.b.ins().stack_store(types::I64, v, ss, off as i32);
            }
            (None, Some(f)) => self.b.def_var(f, v),
            _ => {}
        }
    }

    /// Emits the whole function.
    pub fn lower(mut self) {
        let entry = self.b.current_block().expect("entry");
        let first = if self.ret_area.is_some() { 2 } else { 1 };
        let params: Vec<Value> = self.b.block_params(entry)[first..].to_vec();
        // Locals kept in memory have one word each, which a complex value is not.
        if !supported(self.func)
            || (self.mem.is_some() && kernelc_sema::complex::uses_complex(self.func))
        {
            return self.lower_interpreted(&params);
        }
        let flag = self
            .b
            .ins()
            .load(types::I64, MemFlagsData::trusted(), self.ctx, CTX_INTERRUPT);
        self.interrupt = Some(flag);
        // Locals: parameters are assigned; array locals start null, scalars with a flag.
        for (id, l) in self.func.locals.iter().enumerate() {
            let ty = clif_type(l.ty).unwrap_or(types::I64);
            let var = self.b.declare_var(ty);
            self.vars.push(var);
            let is_param = self.func.params.contains(&id);
            let needs_flag = !is_param && matches!(l.ty, Type::Scalar(_));
            let flag = needs_flag.then(|| self.b.declare_var(types::I8));
            self.set.push(flag);
            if flag.is_some() {
                let zero = self.b.ins().iconst(types::I8, 0);
                self.put_flag(id, zero);
            }
            if !is_param {
                let zero = self.zero(ty);
                self.put_local(id, zero);
            }
        }
        self.assigned = vec![false; self.func.locals.len()];
        for (k, &p) in self.func.params.iter().enumerate() {
            self.assigned[p] = true;
            self.put_local(p, params[k]);
            if self.func.locals[p].ty.is_array() && !self.borrowed(p) {
                self.call_rt(rt::rt_retain as *const u8, &[types::I64], &[], &[params[k]]);
            }
        }
        self.block(&self.func.body);
        // Falling off the end returns nothing (sema rules it out for value functions).
        self.emit_return(None);
        // The error exits: release array locals and return a dummy value.
        for fail in std::mem::take(&mut self.fails) {
            self.b.switch_to_block(fail);
            self.b.seal_block(fail);
            self.release_locals();
            let rets = self.dummy_returns();
            self.b.ins().return_(&rets);
        }
        self.b.seal_all_blocks();
        self.b.finalize(self.module.isa().frontend_config());
    }

    /// Body of a function native code cannot run: hand the call to the interpreter.
    fn lower_interpreted(mut self, params: &[Value]) {
        let n = self.func.locals.len();
        let slot = self.slot_area();
        for (k, &p) in self.func.params.iter().enumerate() {
            let bits = self.word_of(params[k], self.func.locals[p].ty);
            self.b
                .ins()
                .stack_store(types::I64, bits, slot, (p * 8) as i32);
            let one = self.b.ins().iconst(types::I64, 1);
            self.b
                .ins()
                .stack_store(types::I64, one, slot, ((n + p) * 8) as i32);
        }
        let addr = self.b.ins().stack_addr(types::I64, slot, 0);
        let fid = self.b.ins().iconst(types::I64, self.func_id as i64);
        let ctx = self.ctx;
        let rets: Vec<Value> = match self.func.ret {
            Type::Tuple(_) => {
                let area = self.ret_area.expect("a return area");
                self.call_rt(
                    rt::rt_call_interp_tuple as *const u8,
                    &[types::I64; 4],
                    &[],
                    &[ctx, fid, addr, area],
                );
                Vec::new()
            }
            t => {
                let r = self.call_rt(
                    rt::rt_call_interp as *const u8,
                    &[types::I64, types::I64, types::I64],
                    &[types::I64],
                    &[ctx, fid, addr],
                )[0];
                self.value_of(r, t).into_iter().collect()
            }
        };
        self.b.ins().return_(&rets);
        for fail in std::mem::take(&mut self.fails) {
            self.b.switch_to_block(fail);
            let rets = self.dummy_returns();
            self.b.ins().return_(&rets);
        }
        self.b.seal_all_blocks();
        self.b.finalize(self.module.isa().frontend_config());
    }

    /// True for an array parameter the body never reassigns: the caller keeps it alive, so
    /// this function holds no reference of its own.
    fn borrowed(&self, id: LocalId) -> bool {
        self.func.params.contains(&id) && !assigns(&self.func.body, id)
    }

    fn dummy_returns(&mut self) -> Vec<Value> {
        ret_types(self.func.ret)
            .into_iter()
            .map(|t| self.zero(t))
            .collect()
    }

    fn zero(&mut self, t: types::Type) -> Value {
        match t {
            types::I128 => self.cx_zero(),
            types::F32 => self.b.ins().f32const(0.0),
            types::F64 => self.b.ins().f64const(0.0),
            t => self.b.ins().iconst(t, 0),
        }
    }

    fn release_locals(&mut self) {
        for (id, l) in self.func.locals.iter().enumerate() {
            let owned = match &self.private {
                Some(p) => p[id],
                None => !self.borrowed(id),
            };
            if l.ty.is_array() && owned {
                let h = self.get_local(id);
                self.call_rt(rt::rt_release as *const u8, &[types::I64], &[], &[h]);
            }
        }
    }

    /// Releases locals and returns `values` (owned if arrays; none: zeros).
    fn emit_return(&mut self, values: Option<Vec<Value>>) {
        self.release_locals();
        let rets = match values {
            Some(v) => v,
            None => self.dummy_returns(),
        };
        if let (Some(area), Type::Tuple(tt)) = (self.ret_area, self.func.ret) {
            for (k, (v, t)) in rets.into_iter().zip(tt.leaves()).enumerate() {
                let w = self.word_of(v, t);
                self.b
                    .ins()
                    .store(MemFlagsData::trusted(), w, area, (8 * k) as i32);
            }
            self.b.ins().return_(&[]);
            return;
        }
        self.b.ins().return_(&rets);
    }

    /// Starts a fresh block after a terminator (code that follows is unreachable).
    fn after_terminator(&mut self) {
        let next = self.b.create_block();
        self.b.switch_to_block(next);
        self.assigned.iter_mut().for_each(|a| *a = true);
    }

    // ---- runtime calls -------------------------------------------------------------

    /// Calls a runtime helper at `addr` with the given signature.
    fn call_rt(
        &mut self,
        addr: *const u8,
        params: &[types::Type],
        rets: &[types::Type],
        args: &[Value],
    ) -> Vec<Value> {
        let mut sig = Signature::new(self.cc);
        sig.params.extend(params.iter().map(|&t| AbiParam::new(t)));
        sig.returns.extend(rets.iter().map(|&t| AbiParam::new(t)));
        let sigref = self.b.import_signature(sig);
        let callee = self.b.ins().iconst(types::I64, addr as i64);
        let call = self.b.ins().call_indirect(sigref, callee, args);
        self.b.inst_results(call).to_vec()
    }

    /// The error exit for one more failure branch. Exits are shared by at most
    /// [`FAIL_REGION`] branches: a single exit shared by thousands of call sites, each in a
    /// deeper block of the dominator tree, makes the register allocator's dominator
    /// computation quadratic.
    fn fail_block(&mut self) -> Block {
        if self.fails.is_empty() || self.fail_uses >= FAIL_REGION {
            let fail = self.b.create_block();
            self.b.set_cold_block(fail);
            self.fails.push(fail);
            self.fail_uses = 0;
        }
        self.fail_uses += 1;
        *self.fails.last().expect("pushed above")
    }

    /// Stops with the interrupt error at `span` when the embedder's interrupt was
    /// triggered: one byte load and a branch, at loop back-edges and calls (where the
    /// interpreter polls too).
    fn poll_interrupt(&mut self, span: Span) {
        let Some(flag) = self.interrupt else { return };
        // A plain load (not read-only): another thread sets the byte while this runs.
        let set = self
            .b
            .ins()
            .load(types::I8, MemFlagsData::trusted(), flag, 0);
        self.error_code_if(set, code::INTERRUPTED, span);
    }

    /// Leaves through the error exit when a helper reported an error.
    fn check_failed(&mut self) {
        let failed = self
            .b
            .ins()
            .load(types::I8, MemFlagsData::trusted(), self.ctx, CTX_FAILED);
        let cont = self.b.create_block();
        let fail = self.fail_block();
        self.b.ins().brif(failed, fail, &[], cont, &[]);
        self.b.switch_to_block(cont);
        self.b.seal_block(cont);
    }

    /// Records a fixed-message error (`rt::code`) in the context.
    fn record_error(&mut self, code: i64, span: Span) {
        let ctx = self.ctx;
        let c = self.b.ins().iconst(types::I64, code);
        let s = self.span(span);
        self.call_rt(
            rt::rt_error as *const u8,
            &[types::I64; 3],
            &[],
            &[ctx, c, s],
        );
    }

    /// Branches to the error exit with a fixed-message error when `cond` is true.
    fn error_code_if(&mut self, cond: Value, code: i64, span: Span) {
        self.error_if(cond, |this| this.record_error(code, span));
    }

    /// Emits a fixed-message error and jumps to the error exit; code continues in an
    /// unreachable block.
    fn raise(&mut self, code: i64, span: Span) {
        self.record_error(code, span);
        let fail = self.fail_block();
        self.b.ins().jump(fail, &[]);
        self.after_terminator();
    }

    /// Branches to an error (raised by `emit`) when `cond` is true.
    fn error_if(&mut self, cond: Value, emit: impl FnOnce(&mut Self)) {
        let bad = self.b.create_block();
        self.b.set_cold_block(bad);
        let ok = self.b.create_block();
        self.b.ins().brif(cond, bad, &[], ok, &[]);
        self.b.switch_to_block(bad);
        self.b.seal_block(bad);
        emit(self);
        let fail = self.fail_block();
        self.b.ins().jump(fail, &[]);
        self.b.switch_to_block(ok);
        self.b.seal_block(ok);
    }

    fn span(&mut self, s: Span) -> Value {
        self.b.ins().iconst(types::I64, pack_span(s.start, s.end))
    }

    /// The stack area of `2 * locals` words used to hand locals to the interpreter.
    fn slot_area(&mut self) -> cranelift_codegen::ir::StackSlot {
        if let Some(s) = self.slots {
            return s;
        }
        let n = self.func.locals.len().max(1);
        let s = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            (16 * n) as u32,
            3,
        ));
        self.slots = Some(s);
        s
    }

    /// A value as a 64-bit word (see `abi::to_bits`).
    fn word_of(&mut self, v: Value, t: Type) -> Value {
        match t {
            Type::Scalar(DType::F64) => self.b.ins().bitcast(types::I64, MemFlagsData::new(), v),
            Type::Scalar(DType::F32) => {
                let i = self.b.ins().bitcast(types::I32, MemFlagsData::new(), v);
                self.b.ins().uextend(types::I64, i)
            }
            Type::Scalar(d) if d.size() < 8 && d.is_signed() => self.b.ins().sextend(types::I64, v),
            Type::Scalar(d) if d.size() < 8 => self.b.ins().uextend(types::I64, v),
            _ => v,
        }
    }

    /// A word back to a value of type `t`.
    fn value_of(&mut self, w: Value, t: Type) -> Option<Value> {
        Some(match t {
            Type::Scalar(DType::F64) => self.b.ins().bitcast(types::F64, MemFlagsData::new(), w),
            Type::Scalar(DType::F32) => {
                let i = self.b.ins().ireduce(types::I32, w);
                self.b.ins().bitcast(types::F32, MemFlagsData::new(), i)
            }
            Type::Scalar(d) if d.size() < 8 => self.b.ins().ireduce(dtype_clif(d), w),
            Type::Scalar(_) | Type::Array(_) => w,
            _ => return None,
        })
    }

    /// Writes the locals `used` into the slot area (with their assigned flags) and returns
    /// its address.
    fn spill(&mut self, used: &[LocalId]) -> Value {
        let n = self.func.locals.len();
        let slot = self.slot_area();
        for &id in used {
            let t = self.func.locals[id].ty;
            let v = self.get_local(id);
            let w = self.word_of(v, t);
            self.b
                .ins()
                .stack_store(types::I64, w, slot, (id * 8) as i32);
            let flag = match self.get_flag(id) {
                Some(f) => self.b.ins().uextend(types::I64, f),
                None => self.b.ins().iconst(types::I64, 1),
            };
            self.b
                .ins()
                .stack_store(types::I64, flag, slot, ((n + id) * 8) as i32);
        }
        self.b.ins().stack_addr(types::I64, slot, 0)
    }

    /// Evaluates an expression with the interpreter.
    fn delegate(&mut self, e: &Expr) -> Val {
        let used = rt::used_locals_expr(e);
        let addr = self.spill(&used);
        let ctx = self.ctx;
        let fid = self.b.ins().iconst(types::I64, self.func_id as i64);
        let ep = self.b.ins().iconst(types::I64, e as *const Expr as i64);
        let w = self.call_rt(
            rt::rt_eval as *const u8,
            &[types::I64; 4],
            &[types::I64],
            &[ctx, fid, ep, addr],
        )[0];
        self.check_failed();
        Val {
            v: self.value_of(w, e.ty),
            owned: e.ty.is_array(),
        }
    }

    /// `for i in start..n: body(i)`, tested at the bottom (the fused loops' skeleton).
    fn counted_loop(&mut self, start: Value, n: Value, mut body: impl FnMut(&mut Self, Value)) {
        let (body_b, done) = (self.b.create_block(), self.b.create_block());
        let iv = self.b.declare_var(types::I64);
        self.b.def_var(iv, start);
        let any = self.b.ins().icmp(IntCC::SignedLessThan, start, n);
        self.b.ins().brif(any, body_b, &[], done, &[]);
        self.b.switch_to_block(body_b);
        let i = self.b.use_var(iv);
        body(self, i);
        let i1 = self.b.ins().iadd_imm_s(i, 1);
        self.b.def_var(iv, i1);
        let more = self.b.ins().icmp(IntCC::SignedLessThan, i1, n);
        self.b.ins().brif(more, body_b, &[], done, &[]);
        self.b.seal_block(body_b);
        self.b.switch_to_block(done);
        self.b.seal_block(done);
    }

    /// Executes a statement with the interpreter.
    fn delegate_stmt(&mut self, s: &Stmt) {
        let used = rt::used_locals_stmt(s);
        let addr = self.spill(&used);
        let ctx = self.ctx;
        let fid = self.b.ins().iconst(types::I64, self.func_id as i64);
        let sp = self.b.ins().iconst(types::I64, s as *const Stmt as i64);
        self.call_rt(
            rt::rt_exec as *const u8,
            &[types::I64; 4],
            &[],
            &[ctx, fid, sp, addr],
        );
        self.check_failed();
    }

    /// Releases an owned array temporary.
    fn drop_val(&mut self, v: Val) {
        if v.owned {
            if let Some(h) = v.v {
                self.call_rt(rt::rt_release as *const u8, &[types::I64], &[], &[h]);
            }
        }
    }

    /// An owned reference to an array value.
    fn own(&mut self, v: Val) -> Value {
        let h = v.value();
        if !v.owned {
            self.call_rt(rt::rt_retain as *const u8, &[types::I64], &[], &[h]);
        }
        h
    }

    // ---- statements ----------------------------------------------------------------

    fn block(&mut self, b: &[Stmt]) {
        for s in b {
            self.stmt(s);
        }
    }

    fn assign(&mut self, id: LocalId, v: Val) {
        if self.func.locals[id].ty.is_array() {
            let new = self.own(v);
            let old = self.get_local(id);
            self.put_local(id, new);
            self.call_rt(rt::rt_release as *const u8, &[types::I64], &[], &[old]);
        } else if let Some(x) = v.v {
            self.put_local(id, x);
        }
        if self.set[id].is_some() {
            let one = self.b.ins().iconst(types::I8, 1);
            self.put_flag(id, one);
        }
        if let Some(a) = self.assigned.get_mut(id) {
            *a = true;
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Assign { local, value } => {
                let v = self.expr(value);
                self.assign(*local, v);
            }
            StmtKind::Store {
                array,
                index,
                aug,
                value,
            } => {
                if self.element_store_native(array, index) {
                    self.store_element(array, index, *aug, value, s.span);
                } else {
                    self.delegate_stmt(s);
                }
            }
            StmtKind::If { cond, then, orelse } => {
                // An `elif` chain shares its join block with the `if` it continues, for
                // up to ELIF_GROUP links: a chain of thousands of empty joins makes the
                // assembler's jump threading quadratic, and one join with thousands of
                // predecessors the register allocator's dominator computation.
                let (join, links) = match self.elif_join.take() {
                    Some((join, n)) if n < ELIF_GROUP => (join, n + 1),
                    _ => (self.b.create_block(), 0),
                };
                let c = self.expr(cond).value();
                let (tb, eb) = (self.b.create_block(), self.b.create_block());
                self.b.ins().brif(c, tb, &[], eb, &[]);
                let before = self.assigned.clone();
                self.b.switch_to_block(tb);
                self.b.seal_block(tb);
                self.block(then);
                self.b.ins().jump(join, &[]);
                let after_then = std::mem::replace(&mut self.assigned, before);
                self.b.switch_to_block(eb);
                self.b.seal_block(eb);
                if let [Stmt {
                    kind: StmtKind::If { .. },
                    ..
                }] = orelse.as_slice()
                {
                    self.elif_join = Some((join, links));
                }
                self.block(orelse);
                self.elif_join = None;
                self.b.ins().jump(join, &[]);
                for (a, t) in self.assigned.iter_mut().zip(after_then) {
                    *a &= t;
                }
                if links == 0 {
                    self.b.switch_to_block(join);
                    self.b.seal_block(join);
                } else {
                    // The `if` this `elif` continues places the join; what follows here
                    // is unreachable (its jump to the join is removed with it).
                    let next = self.b.create_block();
                    self.b.switch_to_block(next);
                    self.b.seal_block(next);
                }
            }
            StmtKind::While { cond, body } => {
                // Tested at the bottom: check once, then body; the latch re-tests.
                let (body_b, latch, exit) = (
                    self.b.create_block(),
                    self.b.create_block(),
                    self.b.create_block(),
                );
                let c = self.expr(cond).value();
                self.b.ins().brif(c, body_b, &[], exit, &[]);
                self.b.switch_to_block(body_b);
                self.poll_interrupt(s.span);
                let before = self.assigned.clone();
                self.loops.push((latch, exit));
                self.block(body);
                self.loops.pop();
                self.b.ins().jump(latch, &[]);
                self.b.switch_to_block(latch);
                self.b.seal_block(latch);
                // The latch is also reached from `continue`: only what held before the
                // body is certain there (and after the loop).
                self.assigned = before;
                let c = self.expr(cond).value();
                self.b.ins().brif(c, body_b, &[], exit, &[]);
                self.b.seal_block(body_b);
                self.b.switch_to_block(exit);
                self.b.seal_block(exit);
            }
            StmtKind::For {
                var,
                start,
                stop,
                step,
                body,
                parallel,
            } => match parallel {
                None => self.for_range(*var, start, stop, step, body, s.span),
                Some(p) => self.prange(*var, start, stop, step, body, p, s.span),
            },
            StmtKind::Break => {
                let (_, brk) = *self.loops.last().expect("sema checked");
                self.b.ins().jump(brk, &[]);
                self.after_terminator();
            }
            StmtKind::Continue => {
                let (cont, _) = *self.loops.last().expect("sema checked");
                self.b.ins().jump(cont, &[]);
                self.after_terminator();
            }
            StmtKind::Return(value) => {
                let v = value.as_ref().map(|e| {
                    if let Type::Tuple(tt) = e.ty {
                        let vals = self.tuple_vals(e);
                        return tt
                            .leaves()
                            .into_iter()
                            .zip(vals)
                            .map(|(t, v)| if t.is_array() { self.own(v) } else { v.value() })
                            .collect();
                    }
                    let v = self.expr(e);
                    if e.ty.is_array() {
                        vec![self.own(v)]
                    } else {
                        v.v.into_iter().collect()
                    }
                });
                self.emit_return(v);
                self.after_terminator();
            }
            StmtKind::Unpack { locals, value } => self.unpack(locals, value),
            StmtKind::Assert { cond, .. } => {
                let c = self.expr(cond).value();
                let bad = self.b.ins().icmp_imm_s(IntCC::Equal, c, 0);
                self.error_if(bad, |this| {
                    let ctx = this.ctx;
                    let sp = this.b.ins().iconst(types::I64, s as *const Stmt as i64);
                    this.call_rt(
                        rt::rt_assert_failed as *const u8,
                        &[types::I64; 2],
                        &[],
                        &[ctx, sp],
                    );
                });
            }
            StmtKind::Expr(e) => {
                let v = self.expr(e);
                self.drop_val(v);
            }
            StmtKind::SelectStore { array, sel, value } => {
                self.select_store(array, sel, value, s.span)
            }
            StmtKind::Nest(id) => self.nest_store(*id),
        }
    }

    /// `(start, stop, step)` as i64 values, with the step-zero check.
    fn range_bounds(
        &mut self,
        start: &Expr,
        stop: &Expr,
        step: &Expr,
    ) -> (Value, Value, Value, Option<i64>) {
        let a = self.expr(start).value();
        let z = self.expr(stop).value();
        let const_step = match step.kind {
            ExprKind::Const(Scalar::I64(k)) => Some(k),
            _ => None,
        };
        let st = self.expr(step).value();
        if const_step.is_none() {
            let is_zero = self.b.ins().icmp_imm_s(IntCC::Equal, st, 0);
            let span = step.span;
            self.error_code_if(is_zero, code::RANGE_STEP_ZERO, span);
        } else if const_step == Some(0) {
            self.raise(code::RANGE_STEP_ZERO, step.span);
        }
        (a, z, st, const_step)
    }

    /// `i < stop` or `i > stop` depending on the step's sign.
    fn in_range(&mut self, i: Value, stop: Value, step: Value, const_step: Option<i64>) -> Value {
        match const_step {
            Some(k) if k > 0 => self.b.ins().icmp(IntCC::SignedLessThan, i, stop),
            Some(_) => self.b.ins().icmp(IntCC::SignedGreaterThan, i, stop),
            None => {
                let up = self.b.ins().icmp_imm_s(IntCC::SignedGreaterThan, step, 0);
                let lt = self.b.ins().icmp(IntCC::SignedLessThan, i, stop);
                let gt = self.b.ins().icmp(IntCC::SignedGreaterThan, i, stop);
                self.b.ins().select(up, lt, gt)
            }
        }
    }

    fn for_range(
        &mut self,
        var: LocalId,
        start: &Expr,
        stop: &Expr,
        step: &Expr,
        body: &[Stmt],
        span: Span,
    ) {
        let (a, z, st, k) = self.range_bounds(start, stop, step);
        let iv = self.b.declare_var(types::I64);
        self.b.def_var(iv, a);
        let (body_b, latch, exit) = (
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
        );
        let c = self.in_range(a, z, st, k);
        self.b.ins().brif(c, body_b, &[], exit, &[]);
        self.b.switch_to_block(body_b);
        let before = self.assigned.clone();
        let i = self.b.use_var(iv);
        self.assign(var, Val::scalar(i));
        self.poll_interrupt(span);
        let facts = self.in_bounds.len();
        let nonneg_facts = self.nonneg.len();
        if matches!(start.kind, ExprKind::Const(Scalar::I64(s0)) if s0 >= 0)
            && k.is_some_and(|k| k > 0)
            && !assigns(body, var)
        {
            self.nonneg.push(var);
        }
        if k == Some(1) && !assigns(body, var) {
            if let (ExprKind::Const(Scalar::I64(s0)), ExprKind::Dim(a, axis)) =
                (&start.kind, &stop.kind)
            {
                if let ExprKind::Local(arr) = a.kind {
                    if *s0 >= 0 && !assigns(body, arr) {
                        self.in_bounds.push((arr, *axis, var));
                    }
                }
            }
        }
        self.loops.push((latch, exit));
        self.block(body);
        self.loops.pop();
        self.in_bounds.truncate(facts);
        self.nonneg.truncate(nonneg_facts);
        self.b.ins().jump(latch, &[]);
        self.b.switch_to_block(latch);
        self.b.seal_block(latch);
        self.assigned = before;
        let i = self.b.use_var(iv);
        let go = if matches!(k, Some(1 | -1)) {
            // `i` was inside the range, so one more step cannot overflow.
            let next = self.b.ins().iadd(i, st);
            self.b.def_var(iv, next);
            self.in_range(next, z, st, k)
        } else {
            let (next, overflow) = self.b.ins().sadd_overflow(i, st);
            self.b.def_var(iv, next);
            let c = self.in_range(next, z, st, k);
            let no_overflow = self.b.ins().icmp_imm_s(IntCC::Equal, overflow, 0);
            self.b.ins().band(c, no_overflow)
        };
        self.b.ins().brif(go, body_b, &[], exit, &[]);
        self.b.seal_block(body_b);
        self.b.switch_to_block(exit);
        self.b.seal_block(exit);
    }

    /// `a op b` for reduction partials (the interpreter's `combine`).
    fn combine(&mut self, op: RedOp, d: DType, a: Value, b: Value) -> Value {
        match (op, d.is_float()) {
            (RedOp::Add, false) => self.b.ins().iadd(a, b),
            (RedOp::Add, true) => self.b.ins().fadd(a, b),
            (RedOp::Mul, false) => self.b.ins().imul(a, b),
            (RedOp::Mul, true) => self.b.ins().fmul(a, b),
            (RedOp::Min, false) if d == DType::Bool => self.b.ins().band(a, b),
            (RedOp::Max, false) if d == DType::Bool => self.b.ins().bor(a, b),
            (RedOp::Min, false) if d.is_unsigned() => self.b.ins().umin(a, b),
            (RedOp::Max, false) if d.is_unsigned() => self.b.ins().umax(a, b),
            (RedOp::Min, false) => self.b.ins().smin(a, b),
            (RedOp::Max, false) => self.b.ins().smax(a, b),
            (_, true) => {
                let o = self
                    .b
                    .ins()
                    .iconst(types::I64, if op == RedOp::Min { 0 } else { 1 });
                let (addr, t) = if d == DType::F32 {
                    (rt::rt_minmax_f32 as *const u8, types::F32)
                } else {
                    (rt::rt_minmax_f64 as *const u8, types::F64)
                };
                self.call_rt(addr, &[types::I64, t, t], &[t], &[o, a, b])[0]
            }
        }
    }

    // ---- arrays --------------------------------------------------------------------

    /// True when `array[index]` names one element of a local array (done natively).
    fn element_store_native(&self, array: &Expr, index: &[Index]) -> bool {
        matches!(array.kind, ExprKind::Local(_))
            && index.len() == array.ty.ndim()
            && index.iter().all(|i| matches!(i, Index::Int(_)))
    }

    /// Address of element `index` of the array in local `id`, after bounds checks.
    fn element_addr(
        &mut self,
        h: Value,
        index: &[Value],
        spans: &[Span],
        d: DType,
        known: &[Known],
    ) -> Value {
        let mut off = self.b.ins().iconst(types::I64, 0);
        let ro = HANDLE_FIELD;
        for (k, (&ix, &sp)) in index.iter().zip(spans).enumerate() {
            let stride = self
                .b
                .ins()
                .load(types::I64, ro, h, OFF_STRIDES + 8 * k as i32);
            let known_k = known.get(k).copied().unwrap_or(Known::Nothing);
            if known_k == Known::InBounds {
                let part = self.b.ins().imul(ix, stride);
                off = self.b.ins().iadd(off, part);
                continue;
            }
            let size = self
                .b
                .ins()
                .load(types::I64, ro, h, OFF_SHAPE + 8 * k as i32);
            let i = if known_k == Known::NonNegative {
                ix
            } else {
                let neg = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, ix, 0);
                let wrapped = self.b.ins().iadd(ix, size);
                self.b.ins().select(neg, wrapped, ix)
            };
            let oob = self
                .b
                .ins()
                .icmp(IntCC::UnsignedGreaterThanOrEqual, i, size);
            self.error_if(oob, |this| {
                let ctx = this.ctx;
                let axis = this.b.ins().iconst(types::I64, k as i64);
                let s = this.span(sp);
                this.call_rt(
                    rt::rt_index_error as *const u8,
                    &[types::I64; 5],
                    &[],
                    &[ctx, ix, axis, size, s],
                );
            });
            let part = self.b.ins().imul(i, stride);
            off = self.b.ins().iadd(off, part);
        }
        let data = self.b.ins().load(types::I64, ro, h, OFF_DATA);
        let bytes = self.b.ins().imul_imm_s(off, d.size() as i64);
        self.b.ins().iadd(data, bytes)
    }

    /// The index values, their spans, and what is known of them for local array `arr` (see
    /// `in_bounds` and `nonneg`).
    fn index_values(
        &mut self,
        arr: LocalId,
        index: &[Index],
    ) -> (Vec<Value>, Vec<Span>, Vec<Known>) {
        let mut vals = Vec::new();
        let mut spans = Vec::new();
        let mut safe = Vec::new();
        for (axis, it) in index.iter().enumerate() {
            if let Index::Int(e) = it {
                vals.push(self.expr(e).value());
                spans.push(e.span);
                let k = match e.kind {
                    ExprKind::Local(i) if self.in_bounds.contains(&(arr, axis, i)) => {
                        Known::InBounds
                    }
                    ExprKind::Local(i) if self.nonneg.contains(&i) => Known::NonNegative,
                    ExprKind::Const(Scalar::I64(c)) if c >= 0 => Known::NonNegative,
                    _ => Known::Nothing,
                };
                safe.push(k);
            }
        }
        (vals, spans, safe)
    }

    fn store_element(
        &mut self,
        array: &Expr,
        index: &[Index],
        aug: Option<AugOp>,
        value: &Expr,
        span: Span,
    ) {
        let ExprKind::Local(id) = array.kind else {
            unreachable!("checked")
        };
        let d = array.ty.dtype().expect("array");
        // Python's order: the value first for `=`, the target first for `op=`.
        let v = if aug.is_none() {
            Some(self.expr(value).value())
        } else {
            None
        };
        let h = self.read_local(id, array.span);
        let (ix, spans, safe) = self.index_values(id, index);
        let v = match v {
            Some(v) => v,
            None => self.expr(value).value(),
        };
        let addr = self.element_addr(h, &ix, &spans, d, &safe);
        let t = dtype_clif(d);
        let new = match aug {
            None => v,
            Some(AugOp { op, ty }) => {
                let old = self.b.ins().load(t, MemFlagsData::trusted(), addr, 0);
                let old = self.cast_value(old, d, ty, span);
                let r = self.binary_values(op, ty, old, v, span);
                self.cast_value(r, ty, d, span)
            }
        };
        self.b.ins().store(MemFlagsData::trusted(), new, addr, 0);
    }

    /// Reads a local, checking that it was assigned.
    fn read_local(&mut self, id: LocalId, span: Span) -> Value {
        let v = self.get_local(id);
        if self.assigned.get(id).copied().unwrap_or(false) {
            return v;
        }
        let unset = match (self.get_flag(id), self.func.locals[id].ty) {
            (Some(f), _) => Some(self.b.ins().icmp_imm_s(IntCC::Equal, f, 0)),
            (None, Type::Array(_)) if !self.func.params.contains(&id) => {
                Some(self.b.ins().icmp_imm_s(IntCC::Equal, v, 0))
            }
            _ => None,
        };
        if let Some(unset) = unset {
            let fid = self.func_id;
            self.error_if(unset, |this| {
                let ctx = this.ctx;
                let f = this.b.ins().iconst(types::I64, fid as i64);
                let l = this.b.ins().iconst(types::I64, id as i64);
                let s = this.span(span);
                this.call_rt(
                    rt::rt_unassigned as *const u8,
                    &[types::I64; 4],
                    &[],
                    &[ctx, f, l, s],
                );
            });
        }
        v
    }

    // ---- expressions ---------------------------------------------------------------

    fn native(&self, e: &Expr) -> bool {
        native_op(e)
    }

    fn expr(&mut self, e: &Expr) -> Val {
        if let ExprKind::Nest(id) = e.kind {
            return self.nest_value(id);
        }
        if !self.native(e) {
            return self.delegate(e);
        }
        if let Some(v) = self.complex_expr(e) {
            return v;
        }
        let v = match &e.kind {
            ExprKind::Const(s) => self.constant(*s),
            ExprKind::Local(id) => {
                let v = self.read_local(*id, e.span);
                return Val {
                    v: Some(v),
                    owned: false,
                };
            }
            ExprKind::Unary(op, x) => {
                let d = x.ty.dtype().expect("scalar");
                let v = self.expr(x).value();
                match (op, d) {
                    (UnOp::Neg, d) if d.is_float() => self.b.ins().fneg(v),
                    (UnOp::Neg, _) => self.b.ins().ineg(v),
                    (UnOp::Not, _) | (UnOp::Invert, DType::Bool) => self.b.ins().bxor_imm_s(v, 1),
                    (UnOp::Invert, _) => self.b.ins().bnot(v),
                }
            }
            ExprKind::Binary(op, l, r) => {
                let d = l.ty.dtype().expect("scalar");
                let a = self.expr(l).value();
                // `x // 2**k` and `x % 2**k`: Python's floor semantics are exactly an
                // arithmetic shift and a mask, for either sign of x.
                let pow2 = match r.kind {
                    ExprKind::Const(Scalar::I64(c)) if c > 0 && (c as u64).is_power_of_two() => {
                        Some(c)
                    }
                    ExprKind::Const(Scalar::I32(c)) if c > 0 && (c as u32).is_power_of_two() => {
                        Some(c as i64)
                    }
                    _ => None,
                };
                match (op, pow2) {
                    (BinOp::FloorDiv, Some(c)) => {
                        self.b.ins().sshr_imm_s(a, c.trailing_zeros() as i64)
                    }
                    (BinOp::Mod, Some(c)) => self.b.ins().band_imm_s(a, c - 1),
                    _ => {
                        let b = self.expr(r).value();
                        self.binary_values(*op, d, a, b, e.span)
                    }
                }
            }
            ExprKind::PowInt(x, n) => {
                let v = self.expr(x).value();
                self.pow_int(v, *n, e.ty.dtype().expect("scalar"))
            }
            ExprKind::Cast(x) => {
                let from = x.ty.dtype().expect("scalar");
                let v = self.expr(x).value();
                self.cast_value(v, from, e.ty.dtype().expect("scalar"), e.span)
            }
            ExprKind::Logical(op, l, r) => {
                let a = self.expr(l).value();
                let (rhs, join) = (self.b.create_block(), self.b.create_block());
                self.b.append_block_param(join, types::I8);
                match op {
                    LogicalOp::And => self.b.ins().brif(a, rhs, &[], join, &[a.into()]),
                    LogicalOp::Or => self.b.ins().brif(a, join, &[a.into()], rhs, &[]),
                };
                self.b.switch_to_block(rhs);
                self.b.seal_block(rhs);
                let b = self.expr(r).value();
                self.b.ins().jump(join, &[b.into()]);
                self.b.switch_to_block(join);
                self.b.seal_block(join);
                self.b.block_params(join)[0]
            }
            ExprKind::Chain(xs, ops) => {
                let join = self.b.create_block();
                self.b.append_block_param(join, types::I8);
                let mut left = self.expr(&xs[0]).value();
                let mut left_d = xs[0].ty.dtype().expect("scalar");
                for (x, &(op, t)) in xs[1..].iter().zip(ops) {
                    let rd = x.ty.dtype().expect("scalar");
                    let r = self.expr(x).value();
                    let a = self.cast_value(left, left_d, t, e.span);
                    let b = self.cast_value(r, rd, t, e.span);
                    let c = self.binary_values(op, t, a, b, e.span);
                    let next = self.b.create_block();
                    self.b.ins().brif(c, next, &[], join, &[c.into()]);
                    self.b.switch_to_block(next);
                    self.b.seal_block(next);
                    left = r;
                    left_d = rd;
                }
                let t = self.b.ins().iconst(types::I8, 1);
                self.b.ins().jump(join, &[t.into()]);
                self.b.switch_to_block(join);
                self.b.seal_block(join);
                self.b.block_params(join)[0]
            }
            ExprKind::IfExp { cond, then, orelse } => return self.if_exp(e, cond, then, orelse),
            ExprKind::ArrayOp(op) => return self.array_op(op, e),
            ExprKind::Call(id, args) => return self.call(*id, args, e),
            ExprKind::Lib(_, args) => return self.lib_call(args, e),
            ExprKind::TupleGet(x, k) => return self.tuple_get(x, *k),
            ExprKind::Math(f, args) => {
                let d = args[0].ty.dtype().expect("scalar");
                let vals: Vec<Value> = args.iter().map(|a| self.expr(a).value()).collect();
                self.math(*f, d, &vals)
            }
            ExprKind::Index(a, idx) => {
                let ExprKind::Local(id) = a.kind else {
                    unreachable!("checked")
                };
                if e.ty.is_array() {
                    return self.view_value(id, idx, e);
                }
                let d = a.ty.dtype().expect("array");
                let h = self.read_local(id, a.span);
                let (ix, spans, safe) = self.index_values(id, idx);
                let addr = self.element_addr(h, &ix, &spans, d, &safe);
                self.b
                    .ins()
                    .load(dtype_clif(d), MemFlagsData::trusted(), addr, 0)
            }
            ExprKind::Dim(a, k) => {
                let ExprKind::Local(id) = a.kind else {
                    unreachable!("checked")
                };
                let h = self.read_local(id, a.span);
                self.b
                    .ins()
                    .load(types::I64, HANDLE_FIELD, h, OFF_SHAPE + 8 * *k as i32)
            }
            ExprKind::Size(a) => {
                let ExprKind::Local(id) = a.kind else {
                    unreachable!("checked")
                };
                let h = self.read_local(id, a.span);
                let mut n = self.b.ins().iconst(types::I64, 1);
                for k in 0..a.ty.ndim() {
                    let s =
                        self.b
                            .ins()
                            .load(types::I64, HANDLE_FIELD, h, OFF_SHAPE + 8 * k as i32);
                    n = self.b.ins().imul(n, s);
                }
                n
            }
            ExprKind::Random { dist, shape: None } => {
                let ctx = self.ctx;
                match dist {
                    Dist::Uniform => self.call_rt(
                        rt::rt_random as *const u8,
                        &[types::I64],
                        &[types::F64],
                        &[ctx],
                    )[0],
                    Dist::Normal => self.call_rt(
                        rt::rt_normal as *const u8,
                        &[types::I64],
                        &[types::F64],
                        &[ctx],
                    )[0],
                    Dist::Randint { lo, hi } => {
                        let l = self.expr(lo).value();
                        let h = self.expr(hi).value();
                        let s = self.span(e.span);
                        let r = self.call_rt(
                            rt::rt_randint as *const u8,
                            &[types::I64; 4],
                            &[types::I64],
                            &[ctx, l, h, s],
                        )[0];
                        self.check_failed();
                        r
                    }
                }
            }
            ExprKind::Alloc(a) => return self.alloc_array(a, e),
            ExprKind::Print(args, raw) => return self.print(args, *raw, e.span),
            ExprKind::Where(c, a, b) => {
                // Scalars: all three evaluated (as NumPy's arguments), then one chosen.
                let cv = self.expr(c).value();
                let (x, y) = (self.expr(a).value(), self.expr(b).value());
                let cd = c.ty.dtype().expect("a scalar");
                let t = if cd == DType::Bool {
                    cv
                } else {
                    self.cast_value(cv, cd, DType::Bool, c.span)
                };
                self.b.ins().select(t, x, y)
            }
            ExprKind::Random {
                dist,
                shape: Some(shape),
            } => return self.random_array(dist, shape, e),
            ExprKind::Seed(x) => {
                let s = self.expr(x).value();
                let ctx = self.ctx;
                self.call_rt(rt::rt_seed as *const u8, &[types::I64; 2], &[], &[ctx, s]);
                return Val {
                    v: None,
                    owned: false,
                };
            }
            _ => unreachable!("not native"),
        };
        Val::scalar(v)
    }

    /// Complex operands or results (`lower/complex.rs`); `None` for everything else.
    fn complex_expr(&mut self, e: &Expr) -> Option<Val> {
        let cx = |t: Type| matches!(t, Type::Scalar(d) if d.is_complex());
        let v = match &e.kind {
            ExprKind::Const(s) if cx(e.ty) => self.cx_const(*s),
            ExprKind::Unary(UnOp::Neg, x) if cx(x.ty) => {
                let d = x.ty.dtype().expect("scalar");
                let v = self.expr(x).value();
                self.cx_neg(v, d)
            }
            ExprKind::Binary(op, l, r) if cx(l.ty) => {
                let d = l.ty.dtype().expect("scalar");
                let a = self.expr(l).value();
                let b = self.expr(r).value();
                self.cx_binary(*op, d, a, b)
            }
            ExprKind::Cast(x) if cx(e.ty) => {
                let from = x.ty.dtype().expect("scalar");
                let v = self.expr(x).value();
                self.cx_cast(v, from, e.ty.dtype().expect("scalar"), e.span)
            }
            ExprKind::Complex(op, args) => return Some(self.cx_op(*op, args, e)),
            _ => return None,
        };
        Some(Val::scalar(v))
    }

    fn constant(&mut self, s: Scalar) -> Value {
        match s {
            Scalar::F32(v) => self.b.ins().f32const(v),
            Scalar::F64(v) => self.b.ins().f64const(v),
            i => {
                // The immediate holds the value's bits, zero-extended from its width.
                let d = i.dtype();
                let w = i.to_word();
                let w = if d.size() < 8 {
                    w & ((1u64 << (8 * d.size())) - 1)
                } else {
                    w
                };
                self.b.ins().iconst(dtype_clif(d), w as i64)
            }
        }
    }

    fn if_exp(&mut self, e: &Expr, cond: &Expr, then: &Expr, orelse: &Expr) -> Val {
        let c = self.expr(cond).value();
        let (tb, eb, join) = (
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
        );
        let t = clif_type(e.ty);
        if let Some(t) = t {
            self.b.append_block_param(join, t);
        }
        self.b.ins().brif(c, tb, &[], eb, &[]);
        for (blk, side) in [(tb, then), (eb, orelse)] {
            self.b.switch_to_block(blk);
            self.b.seal_block(blk);
            let v = self.expr(side);
            let v = if e.ty.is_array() {
                Some(self.own(v))
            } else {
                v.v
            };
            match v {
                Some(v) => self.b.ins().jump(join, &[v.into()]),
                None => self.b.ins().jump(join, &[]),
            };
        }
        self.b.switch_to_block(join);
        self.b.seal_block(join);
        Val {
            v: t.map(|_| self.b.block_params(join)[0]),
            owned: e.ty.is_array(),
        }
    }

    fn call(&mut self, id: FuncId, args: &[Expr], e: &Expr) -> Val {
        let result = self.call_values(id, args, e.ty, e.span).first().copied();
        Val {
            v: result,
            owned: e.ty.is_array(),
        }
    }

    /// Calls a compiled function; returns its result values (the leaves of a tuple, owned
    /// when arrays). Tuple arguments are passed as their leaves.
    fn call_values(
        &mut self,
        id: FuncId,
        args: &[Expr],
        callee_ret: Type,
        span: Span,
    ) -> Vec<Value> {
        let mut vals = Vec::new();
        let mut temps = Vec::new();
        let ctx = self.ctx;
        vals.push(ctx);
        // A tuple result comes back through a return area in this frame.
        let area = callee_ret.tuple().map(|tt| {
            let slot = self.b.create_sized_stack_slot(StackSlotData::new(
                StackSlotKind::ExplicitSlot,
                (8 * tt.leaves().len().max(1)) as u32,
                3,
            ));
            (slot, tt)
        });
        if let Some((slot, _)) = area {
            let addr = self.b.ins().stack_addr(types::I64, slot, 0);
            vals.push(addr);
        }
        for a in args {
            if a.ty.tuple().is_some() {
                for v in self.tuple_vals(a) {
                    temps.push(v);
                    vals.push(v.value());
                }
                continue;
            }
            let v = self.expr(a);
            temps.push(v);
            vals.push(v.value());
        }
        // Depth check and bookkeeping around the call (the interpreter counts the same).
        let depth = self
            .b
            .ins()
            .load(types::I64, MemFlagsData::trusted(), ctx, CTX_DEPTH);
        let too_deep = self
            .b
            .ins()
            .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, depth, MAX_DEPTH);
        self.error_code_if(too_deep, code::RECURSION, span);
        self.poll_interrupt(span);
        let d1 = self.b.ins().iadd_imm_s(depth, 1);
        self.b
            .ins()
            .store(MemFlagsData::trusted(), d1, ctx, CTX_DEPTH);
        let fref = self
            .module
            .declare_func_in_func(self.callees[id], self.b.func);
        let call = self.b.ins().call(fref, &vals);
        let mut results = self.b.inst_results(call).to_vec();
        if let Some((slot, tt)) = area {
            results = tt
                .leaves()
                .into_iter()
                .enumerate()
                .map(|(k, t)| {
                    let w = self
                        .b
                        .ins()
                        .stack_load(types::I64, types::I64, slot, (8 * k) as i32);
                    self.value_of(w, t).expect("a leaf value")
                })
                .collect();
        }
        self.b
            .ins()
            .store(MemFlagsData::trusted(), depth, ctx, CTX_DEPTH);
        for t in temps {
            self.drop_val(t);
        }
        self.check_failed();
        results
    }

    /// `x ** n` by repeated multiplication (`ops::powi_small_*`'s order).
    fn pow_int(&mut self, x: Value, n: u32, d: DType) -> Value {
        let mul = |this: &mut Self, a: Value, b: Value| {
            if d.is_float() {
                this.b.ins().fmul(a, b)
            } else {
                this.b.ins().imul(a, b)
            }
        };
        match n {
            0 => self.constant(match d {
                DType::F32 => Scalar::F32(1.0),
                DType::F64 => Scalar::F64(1.0),
                d => Scalar::from_word(1, d),
            }),
            1 => x,
            2 => mul(self, x, x),
            3 => {
                let x2 = mul(self, x, x);
                mul(self, x2, x)
            }
            _ => {
                let x2 = mul(self, x, x);
                mul(self, x2, x2)
            }
        }
    }

    /// A binary operation on two scalars of type `d` (comparisons give bool).
    fn binary_values(&mut self, op: BinOp, d: DType, a: Value, b: Value, span: Span) -> Value {
        if d.is_float() {
            let cmp = |this: &mut Self, cc| this.b.ins().fcmp(cc, a, b);
            return match op {
                BinOp::Add => self.b.ins().fadd(a, b),
                BinOp::Sub => self.b.ins().fsub(a, b),
                BinOp::Mul => self.b.ins().fmul(a, b),
                BinOp::Div => self.b.ins().fdiv(a, b),
                BinOp::Lt => cmp(self, FloatCC::LessThan),
                BinOp::Le => cmp(self, FloatCC::LessThanOrEqual),
                BinOp::Gt => cmp(self, FloatCC::GreaterThan),
                BinOp::Ge => cmp(self, FloatCC::GreaterThanOrEqual),
                BinOp::Eq => cmp(self, FloatCC::Equal),
                BinOp::Ne => cmp(self, FloatCC::NotEqual),
                BinOp::FloorDiv | BinOp::Mod | BinOp::Pow => {
                    let f32 = d == DType::F32;
                    let addr = match op {
                        BinOp::FloorDiv if f32 => rt::pure::floordiv_f32 as *const u8,
                        BinOp::FloorDiv => rt::pure::floordiv_f64 as *const u8,
                        BinOp::Mod if f32 => rt::pure::remainder_f32 as *const u8,
                        BinOp::Mod => rt::pure::remainder_f64 as *const u8,
                        _ => rt::pure::math_addr("pow", f32).expect("pow"),
                    };
                    let t = dtype_clif(d);
                    self.call_rt(addr, &[t, t], &[t], &[a, b])[0]
                }
                _ => unreachable!("sema rejects bitwise operators on floats"),
            };
        }
        let t = dtype_clif(d);
        let cmp = |this: &mut Self, cc| this.b.ins().icmp(cc, a, b);
        let u = d.is_unsigned();
        let pick = |signed: IntCC, unsigned: IntCC| if u { unsigned } else { signed };
        match op {
            // NumPy: on booleans `+` is `or` and `*` is `and`.
            BinOp::Add if d == DType::Bool => self.b.ins().bor(a, b),
            BinOp::Mul if d == DType::Bool => self.b.ins().band(a, b),
            BinOp::Add => self.b.ins().iadd(a, b),
            BinOp::Sub => self.b.ins().isub(a, b),
            BinOp::Mul => self.b.ins().imul(a, b),
            BinOp::BitAnd => self.b.ins().band(a, b),
            BinOp::BitOr => self.b.ins().bor(a, b),
            BinOp::BitXor => self.b.ins().bxor(a, b),
            BinOp::Lt => cmp(self, pick(IntCC::SignedLessThan, IntCC::UnsignedLessThan)),
            BinOp::Le => cmp(
                self,
                pick(IntCC::SignedLessThanOrEqual, IntCC::UnsignedLessThanOrEqual),
            ),
            BinOp::Gt => cmp(
                self,
                pick(IntCC::SignedGreaterThan, IntCC::UnsignedGreaterThan),
            ),
            BinOp::Ge => cmp(
                self,
                pick(
                    IntCC::SignedGreaterThanOrEqual,
                    IntCC::UnsignedGreaterThanOrEqual,
                ),
            ),
            BinOp::Eq => cmp(self, IntCC::Equal),
            BinOp::Ne => cmp(self, IntCC::NotEqual),
            BinOp::FloorDiv | BinOp::Mod if u => self.unsigned_divmod(op, a, b, span),
            BinOp::FloorDiv | BinOp::Mod => self.floor_divmod(op, t, a, b, span),
            BinOp::Pow if d == DType::U64 => {
                self.call_rt(rt::rt_ipow_u64 as *const u8, &[t, t], &[t], &[a, b])[0]
            }
            BinOp::Pow => {
                // Narrow types compute in i64 (the low bits of a wrapping product do not
                // depend on the width; a negative exponent stays negative).
                let ctx = self.ctx;
                let s = self.span(span);
                let (addr, ct) = if t == types::I32 && !u {
                    (rt::rt_ipow_i32 as *const u8, t)
                } else {
                    (rt::rt_ipow_i64 as *const u8, types::I64)
                };
                let (a, b) = if ct != t {
                    (self.extend(a, d), self.extend(b, d))
                } else {
                    (a, b)
                };
                let r = self.call_rt(
                    addr,
                    &[types::I64, ct, ct, types::I64],
                    &[ct],
                    &[ctx, a, b, s],
                )[0];
                self.check_failed();
                if ct != t {
                    self.b.ins().ireduce(t, r)
                } else {
                    r
                }
            }
            BinOp::Shl | BinOp::Shr => {
                // NumPy: a count outside 0..bits gives 0 (`<<`, unsigned `>>`) or the sign
                // (signed `>>`); Cranelift's shifts take the count modulo the width.
                let bits = i64::from(t.bits());
                let in_range = self.b.ins().icmp_imm_s(IntCC::UnsignedLessThan, b, bits);
                let (r, out) = match op {
                    BinOp::Shl => (self.b.ins().ishl(a, b), self.b.ins().iconst(t, 0)),
                    _ if u => (self.b.ins().ushr(a, b), self.b.ins().iconst(t, 0)),
                    _ => (
                        self.b.ins().sshr(a, b),
                        self.b.ins().sshr_imm_s(a, bits - 1),
                    ),
                };
                self.b.ins().select(in_range, r, out)
            }
            BinOp::Div => unreachable!("sema casts integer division to float"),
        }
    }

    /// An integer or bool value extended to i64 (sign-extended for signed types).
    fn extend(&mut self, v: Value, d: DType) -> Value {
        if d.size() == 8 {
            v
        } else if d.is_signed() {
            self.b.ins().sextend(types::I64, v)
        } else {
            self.b.ins().uextend(types::I64, v)
        }
    }

    /// The integer division-by-zero error of `//` or `%` when `b` is 0.
    fn check_divisor(&mut self, op: BinOp, b: Value, span: Span) {
        let zero = self.b.ins().icmp_imm_s(IntCC::Equal, b, 0);
        let c = if op == BinOp::FloorDiv {
            code::INT_DIV_ZERO
        } else {
            code::INT_MOD_ZERO
        };
        self.error_code_if(zero, c, span);
    }

    /// Unsigned `//` and `%` (by zero: error).
    fn unsigned_divmod(&mut self, op: BinOp, a: Value, b: Value, span: Span) -> Value {
        self.check_divisor(op, b, span);
        if op == BinOp::FloorDiv {
            self.b.ins().udiv(a, b)
        } else {
            self.b.ins().urem(a, b)
        }
    }

    /// Python's floor division and modulo (by zero: error; `MIN // -1` wraps).
    fn floor_divmod(&mut self, op: BinOp, t: types::Type, a: Value, b: Value, span: Span) -> Value {
        self.check_divisor(op, b, span);
        // Avoid the hardware trap of MIN / -1: divide by 1 instead and fix up.
        let minus_one = self.b.ins().icmp_imm_s(IntCC::Equal, b, -1);
        let one = self.b.ins().iconst(t, 1);
        let safe_b = self.b.ins().select(minus_one, one, b);
        let q = self.b.ins().sdiv(a, safe_b);
        let r = self.b.ins().srem(a, safe_b);
        // Python rounds toward -inf: when r != 0 and sign(r) != sign(b): q -= 1, r += b.
        let rz = self.b.ins().icmp_imm_s(IntCC::NotEqual, r, 0);
        let x = self.b.ins().bxor(r, b);
        let opposite = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, x, 0);
        let fix = self.b.ins().band(rz, opposite);
        if op == BinOp::FloorDiv {
            let q1 = self.b.ins().iadd_imm_s(q, -1);
            let q = self.b.ins().select(fix, q1, q);
            let neg = self.b.ins().ineg(a);
            self.b.ins().select(minus_one, neg, q)
        } else {
            let r1 = self.b.ins().iadd(r, b);
            let r = self.b.ins().select(fix, r1, r);
            let z = self.b.ins().iconst(t, 0);
            self.b.ins().select(minus_one, z, r)
        }
    }

    /// Converts a scalar between element types (float to int is checked).
    fn cast_value(&mut self, v: Value, from: DType, to: DType, span: Span) -> Value {
        use DType::*;
        if from == to {
            return v;
        }
        let tt = dtype_clif(to);
        let ft = dtype_clif(from);
        match (from, to) {
            (_, Bool) if from.is_float() => {
                let z = if from == F32 {
                    self.b.ins().f32const(0.0)
                } else {
                    self.b.ins().f64const(0.0)
                };
                self.b.ins().fcmp(FloatCC::NotEqual, v, z)
            }
            (_, Bool) => self.b.ins().icmp_imm_s(IntCC::NotEqual, v, 0),
            (F32, F64) => self.b.ins().fpromote(tt, v),
            (F64, F32) => self.b.ins().fdemote(tt, v),
            // Integers (and bool) to floats: one rounding, from the exact i64 value (u64
            // beyond i64 converts as unsigned).
            (U64, F32 | F64) => self.b.ins().fcvt_from_uint(tt, v),
            (_, F32 | F64) => {
                let w = self.extend(v, from);
                self.b.ins().fcvt_from_sint(tt, w)
            }
            (F32 | F64, I32 | I64) => {
                let addr = match (from, to) {
                    (F64, I64) => rt::rt_f64_to_i64 as *const u8,
                    (F64, I32) => rt::rt_f64_to_i32 as *const u8,
                    (F32, I64) => rt::rt_f32_to_i64 as *const u8,
                    _ => rt::rt_f32_to_i32 as *const u8,
                };
                let ctx = self.ctx;
                let s = self.span(span);
                let r = self.call_rt(
                    addr,
                    &[types::I64, dtype_clif(from), types::I64],
                    &[tt],
                    &[ctx, v, s],
                )[0];
                self.check_failed();
                r
            }
            (F32 | F64, _) => {
                let x = if from == F32 {
                    self.b.ins().fpromote(types::F64, v)
                } else {
                    v
                };
                let ctx = self.ctx;
                let s = self.span(span);
                let code = DType::ALL.iter().position(|&d| d == to).expect("a dtype");
                let code = self.b.ins().iconst(types::I64, code as i64);
                let r = self.call_rt(
                    rt::rt_f64_to_int as *const u8,
                    &[types::I64, types::F64, types::I64, types::I64],
                    &[types::I64],
                    &[ctx, x, s, code],
                )[0];
                self.check_failed();
                if tt == types::I64 {
                    r
                } else {
                    self.b.ins().ireduce(tt, r)
                }
            }
            // Integers (and bool) to integers: wrap to the narrower width, extend by the
            // source's signedness to a wider one.
            _ if ft == tt => v,
            _ if ft.bits() > tt.bits() => self.b.ins().ireduce(tt, v),
            _ if from.is_signed() => self.b.ins().sextend(tt, v),
            _ => self.b.ins().uextend(tt, v),
        }
    }

    /// A math function on scalars of type `d`.
    fn math(&mut self, f: MathFn, d: DType, args: &[Value]) -> Value {
        use MathFn::*;
        let x = args[0];
        if !d.is_float() {
            // Integer abs/sign/minimum/maximum/clip (wrapping abs, as the interpreter).
            let u = d.is_unsigned();
            return match f {
                Abs if u => x,
                Abs => {
                    let n = self.b.ins().ineg(x);
                    let neg = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, x, 0);
                    self.b.ins().select(neg, n, x)
                }
                Sign => {
                    let t = dtype_clif(d);
                    let gt = if u {
                        self.b.ins().icmp_imm_s(IntCC::NotEqual, x, 0)
                    } else {
                        self.b.ins().icmp_imm_s(IntCC::SignedGreaterThan, x, 0)
                    };
                    let lt = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, x, 0);
                    let (gt, lt) = if t == types::I8 {
                        (gt, lt)
                    } else {
                        (self.b.ins().uextend(t, gt), self.b.ins().uextend(t, lt))
                    };
                    if u {
                        gt
                    } else {
                        self.b.ins().isub(gt, lt)
                    }
                }
                Minimum if u => self.b.ins().umin(x, args[1]),
                Maximum if u => self.b.ins().umax(x, args[1]),
                Clip if u => {
                    let m = self.b.ins().umax(x, args[1]);
                    self.b.ins().umin(m, args[2])
                }
                Minimum => self.b.ins().smin(x, args[1]),
                Maximum => self.b.ins().smax(x, args[1]),
                Clip => {
                    let m = self.b.ins().smax(x, args[1]);
                    self.b.ins().smin(m, args[2])
                }
                _ => unreachable!("sema casts integer arguments of float functions"),
            };
        }
        let t = dtype_clif(d);
        match f {
            Sqrt => return self.b.ins().sqrt(x),
            Abs => return self.b.ins().fabs(x),
            Floor => return self.b.ins().floor(x),
            Ceil => return self.b.ins().ceil(x),
            Trunc => return self.b.ins().trunc(x),
            IsNan => return self.b.ins().fcmp(FloatCC::Unordered, x, x),
            IsInf | IsFinite => {
                let a = self.b.ins().fabs(x);
                let inf = if d == DType::F32 {
                    self.b.ins().f32const(f32::INFINITY)
                } else {
                    self.b.ins().f64const(f64::INFINITY)
                };
                let cc = if f == IsInf {
                    FloatCC::Equal
                } else {
                    FloatCC::LessThan
                };
                return self.b.ins().fcmp(cc, a, inf);
            }
            _ => {}
        }
        // The runtime's generic definition, compiled from IR once per process (same bits).
        let addr = crate::mathgen::math_addr(f, d == DType::F32)
            .expect("every float math function has an IR definition");
        let params = vec![t; args.len()];
        self.call_rt(addr, &params, &[t], args)[0]
    }
}

/// True when a block (or anything nested in it) assigns local `id`.
fn assigns(body: &[Stmt], id: LocalId) -> bool {
    body.iter().any(|s| match &s.kind {
        StmtKind::Assign { local, .. } => *local == id,
        StmtKind::Unpack { locals, .. } => locals.contains(&id),
        StmtKind::If { then, orelse, .. } => assigns(then, id) || assigns(orelse, id),
        StmtKind::While { body, .. } => assigns(body, id),
        StmtKind::For { var, body, .. } => *var == id || assigns(body, id),
        _ => false,
    })
}
