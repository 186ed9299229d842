//! The code generator: typed IR to native code with Cranelift, and the loaded result.
//!
//! [`JitProgram::compile`] lowers every function of a [`Program`] (see [`lower`]) into one
//! JIT module, with `opt_level=speed` and the host's ISA flags, plus one entry trampoline
//! per function (`extern "C" fn(ctx, args, ...) -> u64`) that [`JitProgram::call`] uses.
//! Dropping a `JitProgram` frees its machine code.

pub mod abi;
mod arrays_rt;
mod construct_rt;
mod define;
mod lower;
pub mod mathgen;
mod nest_rt;
mod parallel_rt;
pub mod print_rt;
pub mod rt;
pub mod vmath;

use abi::{from_bits, to_bits, ArrayHandle, JitCtx};
use cranelift_codegen::ir::{types, AbiParam, InstBuilder, MemFlagsData, Signature, UserFuncName};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Linkage, Module};
use kernelc_interp::Value;
use kernelc_runtime::rng::Rng;
use kernelc_runtime::RuntimeError;
use kernelc_sema::tir::{FuncId, Program, Type};
use std::io::Write;
use std::sync::Arc;

/// What to keep as text while compiling (for `kernelc ir --stage clif|asm`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Listing {
    #[default]
    None,
    /// Cranelift IR after lowering (before optimisation).
    Clif,
    /// The machine code, disassembled by Cranelift.
    Asm,
}

/// A program compiled to native code.
pub struct JitProgram {
    module: Option<JITModule>,
    /// The program as written (what delegated interpreter calls run).
    original: Arc<Program>,
    /// The program native code was generated from: the planned functions (with their
    /// temporaries), whose delegated expressions the interpreter evaluates.
    program: Arc<Program>,
    /// The run-time descriptions of every function's loop nests (native code holds their
    /// addresses; the vectors are never resized, so their elements never move).
    _nests: Vec<Vec<nest_rt::NestInfo>>,
    /// The loop nests themselves (delegated fallback expressions point into them).
    _plans: Vec<Vec<kernelc_loops::Nest>>,
    /// Entry trampolines, by function id.
    entries: Vec<*const u8>,
    /// The listing requested at compile time, one entry per function.
    pub listing: Vec<String>,
}

// SAFETY: the finalized code is immutable and callable from any thread; the module is only
// touched again when it is freed in `drop`, which needs `&mut self`.
unsafe impl Send for JitProgram {}
// SAFETY: see Send.
unsafe impl Sync for JitProgram {}

impl Drop for JitProgram {
    fn drop(&mut self) {
        if let Some(m) = self.module.take() {
            // SAFETY: no code of this module can run any more: `call` borrows `self`.
            unsafe { m.free_memory() }
        }
    }
}

/// A compile failure inside the code generator (a bug, not a user error).
#[derive(Debug)]
pub struct CodegenError(pub String);

impl std::fmt::Display for CodegenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "internal compiler error: {}", self.0)
    }
}

impl std::error::Error for CodegenError {}

fn cg<E: std::fmt::Display>(e: E) -> CodegenError {
    CodegenError(e.to_string())
}

/// The signature of an entry trampoline: `(ctx, args: *const u64, rets: *mut u64) -> u64`.
/// The result is returned as a word; a tuple result's leaves are written to `rets`.
type Entry = unsafe extern "C" fn(*mut JitCtx, *const u64, *mut u64) -> u64;

impl JitProgram {
    /// Compiles every function of `program`.
    pub fn compile(program: Program, listing: Listing) -> Result<JitProgram, CodegenError> {
        let original = Arc::new(program.clone());
        let planned = kernelc_loops::plan_program(&program);
        if cfg!(debug_assertions) {
            for f in &planned.funcs {
                let errs = kernelc_loops::verify(f);
                if !errs.is_empty() {
                    return Err(CodegenError(format!(
                        "loop nests of {}: {}",
                        f.func.name,
                        errs.join("; ")
                    )));
                }
            }
        }
        let infos: Vec<Vec<nest_rt::NestInfo>> = planned
            .funcs
            .iter()
            .map(|f| f.nests.iter().map(nest_rt::NestInfo::new).collect())
            .collect();
        let nests: Vec<Vec<kernelc_loops::Nest>> =
            planned.funcs.iter().map(|f| f.nests.clone()).collect();
        let program = Arc::new(Program {
            funcs: planned.funcs.into_iter().map(|f| f.func).collect(),
            entry: planned.entry,
        });
        let isa = define::host_isa(define::base_flags("speed").map_err(cg)?).map_err(cg)?;
        // Made on first use: only very large functions need it.
        let mut linear_isa = None;
        let builder = JITBuilder::with_isa(isa, cranelift_module::default_libcall_names());
        let mut module = JITModule::new(builder);
        let cc = module.isa().default_call_conv();

        let mut ids = Vec::new();
        for (i, f) in program.funcs.iter().enumerate() {
            let sig = lower::kernel_signature(f, cc);
            let id = module
                .declare_function(&format!("k{i}_{}", f.name), Linkage::Local, &sig)
                .map_err(cg)?;
            ids.push(id);
        }
        let mut fctx = FunctionBuilderContext::new();
        let mut ctx = module.make_context();
        ctx.set_disasm(listing == Listing::Asm);
        let mut texts = Vec::new();
        lower::collect_chunk_clif(listing == Listing::Clif);
        for (i, f) in program.funcs.iter().enumerate() {
            ctx.set_disasm(listing == Listing::Asm);
            ctx.func.signature = lower::kernel_signature(f, cc);
            ctx.func.name = UserFuncName::user(0, i as u32);
            {
                let b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
                lower::FnLower::new(b, f, i, &ids, &nests[i], &infos[i], &mut module, cc).lower();
            }
            if listing == Listing::Clif {
                texts.push(format!("; {} (#{i})\n{}", f.name, ctx.func.display()));
                // Its chunk functions (prange bodies, loop nests) after it.
                texts.extend(lower::take_chunk_clif());
            }
            if define::is_large(&ctx) {
                // Lowered again with locals in memory: no merge block then carries a
                // parameter per local, which keeps register allocation linear.
                let (sig, name) = (ctx.func.signature.clone(), ctx.func.name.clone());
                module.clear_context(&mut ctx);
                ctx.func.signature = sig;
                ctx.func.name = name;
                let b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
                lower::FnLower::new(b, f, i, &ids, &nests[i], &infos[i], &mut module, cc)
                    .with_locals_in_memory()
                    .lower();
                if listing == Listing::Clif {
                    // The chunk functions were defined by the first lowering (listed).
                    let chunks = lower::take_chunk_clif().len();
                    let at = texts.len() - 1 - chunks;
                    texts[at] = format!("; {} (#{i})\n{}", f.name, ctx.func.display());
                }
                if linear_isa.is_none() {
                    linear_isa = Some(define::linear_isa().map_err(cg)?);
                }
                let isa = linear_isa.as_ref().expect("made above");
                define::define_with(&mut module, ids[i], &mut ctx, isa).map_err(cg)?;
            } else {
                module
                    .define_function(ids[i], &mut ctx)
                    .map_err(|e| cg(format!("{e:?}")))?;
            }
            if listing == Listing::Asm {
                let asm = ctx
                    .compiled_code()
                    .and_then(|c| c.vcode.clone())
                    .unwrap_or_default();
                texts.push(format!("; {} (#{i})\n{asm}", f.name));
            }
            module.clear_context(&mut ctx);
        }
        lower::collect_chunk_clif(false);
        // Entry trampolines: unpack the argument words, call, pack the result.
        let mut tramp_ids = Vec::new();
        for (i, f) in program.funcs.iter().enumerate() {
            let mut sig = Signature::new(cc);
            sig.params.push(AbiParam::new(types::I64));
            sig.params.push(AbiParam::new(types::I64));
            sig.params.push(AbiParam::new(types::I64));
            sig.returns.push(AbiParam::new(types::I64));
            let id = module
                .declare_function(&format!("entry{i}_{}", f.name), Linkage::Local, &sig)
                .map_err(cg)?;
            ctx.func.signature = sig;
            ctx.func.name = UserFuncName::user(1, i as u32);
            {
                let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
                let blk = b.create_block();
                b.append_block_params_for_function_params(blk);
                b.switch_to_block(blk);
                b.seal_block(blk);
                let (c, args, rets) = (
                    b.block_params(blk)[0],
                    b.block_params(blk)[1],
                    b.block_params(blk)[2],
                );
                let mut vals = vec![c];
                if f.ret.tuple().is_some() {
                    // The callee writes its leaves' words straight into `rets`.
                    vals.push(rets);
                }
                for (k, &p) in f.params.iter().enumerate() {
                    let t = lower::clif_type(f.locals[p].ty).unwrap_or(types::I64);
                    let w = b
                        .ins()
                        .load(types::I64, MemFlagsData::trusted(), args, (8 * k) as i32);
                    vals.push(word_to(&mut b, w, t));
                }
                let fref = module.declare_func_in_func(ids[i], b.func);
                let call = b.ins().call(fref, &vals);
                let results = b.inst_results(call).to_vec();
                let mut words = Vec::new();
                for v in results {
                    let t = b.func.dfg.value_type(v);
                    words.push(word_from(&mut b, v, t));
                }
                for (k, &w) in words.iter().enumerate() {
                    b.ins()
                        .store(MemFlagsData::trusted(), w, rets, (8 * k) as i32);
                }
                let r = match words.first() {
                    Some(&w) => w,
                    None => b.ins().iconst(types::I64, 0),
                };
                b.ins().return_(&[r]);
                b.finalize(module.isa().frontend_config());
            }
            module
                .define_function(id, &mut ctx)
                .map_err(|e| cg(format!("{e:?}")))?;
            module.clear_context(&mut ctx);
            tramp_ids.push(id);
        }
        module.finalize_definitions().map_err(cg)?;
        let entries = tramp_ids
            .iter()
            .map(|&id| module.get_finalized_function(id))
            .collect();
        Ok(JitProgram {
            module: Some(module),
            original,
            program,
            _nests: infos,
            _plans: nests,
            entries,
            listing: texts,
        })
    }

    /// The typed program this was compiled from (as written).
    pub fn source_program(&self) -> &Arc<Program> {
        &self.original
    }

    /// Calls function `func` with `args` (of its parameter types). `rng` is the random
    /// generator state, updated by the call.
    pub fn call(
        &self,
        func: FuncId,
        args: &[Value],
        out: &mut dyn Write,
        rng: &mut Rng,
    ) -> Result<Value, RuntimeError> {
        self.call_interruptible(func, args, out, rng, None)
    }

    /// [`JitProgram::call`] that stops with a runtime error (at the loop or call where
    /// native code noticed) once `interrupt` is triggered.
    pub fn call_interruptible(
        &self,
        func: FuncId,
        args: &[Value],
        out: &mut dyn Write,
        rng: &mut Rng,
        interrupt: Option<&kernelc_runtime::Interrupt>,
    ) -> Result<Value, RuntimeError> {
        self.call_with(func, args, out, rng, interrupt, 0)
    }

    /// [`JitProgram::call_interruptible`] whose parallel loops run on `threads` threads
    /// (0: the default, `KERNELC_NUM_THREADS` or all cores). Results do not depend on it.
    pub fn call_with(
        &self,
        func: FuncId,
        args: &[Value],
        out: &mut dyn Write,
        rng: &mut Rng,
        interrupt: Option<&kernelc_runtime::Interrupt>,
        threads: usize,
    ) -> Result<Value, RuntimeError> {
        let f = self
            .program
            .funcs
            .get(func)
            .ok_or_else(|| RuntimeError::new(format!("no function #{func}"), 0, 0))?;
        // The facade's binder (crates/kernelc/src/bind.rs) gives every parameter a value of
        // its type; anything else is a bug of the caller.
        // Tuple arguments are passed as their leaves (the function's parameters).
        let flat;
        let args = if args.iter().any(|a| matches!(a, Value::Tuple(_))) {
            let mut v = Vec::new();
            args.iter().for_each(|a| a.clone().flatten_into(&mut v));
            flat = v;
            &flat[..]
        } else {
            args
        };
        if args.len() != f.params.len() {
            return Err(RuntimeError::new(
                format!(
                    "internal error: {}() called with {} values for {} parameters",
                    f.name,
                    args.len(),
                    f.params.len()
                ),
                f.span.start,
                f.span.end,
            ));
        }
        let mut words = Vec::with_capacity(args.len());
        let mut handles = Vec::new();
        for (a, &p) in args.iter().zip(&f.params) {
            let want = f.locals[p].ty;
            let w = match (a, want) {
                (Value::Scalar(s), Type::Scalar(d)) if s.dtype() == d => to_bits(*s),
                (Value::Array(arr), Type::Array(t))
                    if arr.dtype() == t.dtype && arr.ndim() == t.ndim as usize =>
                {
                    let h = ArrayHandle::into_raw(arr.clone());
                    handles.push(h);
                    h as u64
                }
                _ => {
                    for h in handles {
                        // SAFETY: each handle was created above with one reference.
                        unsafe { rt::rt_release(h) };
                    }
                    return Err(RuntimeError::new(
                        format!(
                            "internal error: a {} value for a parameter of {}() of type {want}",
                            a.kind(),
                            f.name
                        ),
                        f.span.start,
                        f.span.end,
                    ));
                }
            };
            words.push(w);
        }
        // SAFETY: `out` outlives the call; the raw pointer is only used during it.
        let out: *mut (dyn Write + '_) = out;
        // SAFETY: erasing the lifetime for the context; no helper keeps it after the call.
        let out: *mut (dyn Write + 'static) = unsafe { std::mem::transmute(out) };
        let mut ctx = JitCtx {
            failed: 0,
            // The entry call counts as one level, as in the interpreter.
            depth: 1,
            interrupt_flag: interrupt
                .map_or(&abi::NEVER_INTERRUPTED as *const u8, |i| i.flag_ptr()),
            interrupt: interrupt.cloned(),
            error: None,
            rng: *rng,
            program: Arc::as_ptr(&self.original),
            lowered: Arc::as_ptr(&self.program),
            out,
            threads,
            strings: Default::default(),
        };
        // SAFETY: the entry has the trampoline signature; the arguments match the
        // parameter types checked above; the module lives as long as `self`.
        let leaves = match f.ret {
            Type::Tuple(tt) => tt.leaves(),
            t => vec![t],
        };
        let mut rets = vec![0u64; leaves.len().max(1)];
        let entry: Entry = unsafe { std::mem::transmute(self.entries[func]) };
        // SAFETY: `rets` has one word per value the function returns.
        let r = unsafe { entry(&mut ctx, words.as_ptr(), rets.as_mut_ptr()) };
        for h in handles {
            // SAFETY: each handle was created above with one reference.
            unsafe { rt::rt_release(h) };
        }
        *rng = ctx.rng;
        if ctx.failed != 0 {
            for (t, &w) in leaves.iter().zip(&rets) {
                if t.is_array() && w != 0 {
                    // SAFETY: a returned handle is owned by the caller.
                    unsafe { rt::rt_release(w as *const ArrayHandle) };
                }
            }
            return Err(ctx.error.unwrap_or_else(|| {
                RuntimeError::new("internal error: failure without a message", 0, 0)
            }));
        }
        Ok(match f.ret {
            Type::Tuple(tt) => {
                let mut words = rets.into_iter();
                tuple_value(tt, &mut words)
            }
            t => word_value(r, t),
        })
    }
}

/// A returned word as a value of type `t` (an array handle is owned by the caller and
/// released here).
fn word_value(r: u64, t: Type) -> Value {
    match t {
        Type::Scalar(d) => Value::Scalar(from_bits(r, d)),
        Type::Array(_) => {
            let h = r as *const ArrayHandle;
            // SAFETY: the returned handle is owned by us (one reference).
            let a = unsafe { ArrayHandle::array(h) };
            // SAFETY: as above; `a` keeps the memory alive.
            unsafe { rt::rt_release(h) };
            Value::Array(a)
        }
        _ => Value::None,
    }
}

/// A tuple value rebuilt from its leaves' returned words.
fn tuple_value(tt: kernelc_sema::tir::TupleType, words: &mut impl Iterator<Item = u64>) -> Value {
    Value::Tuple(
        tt.elems()
            .iter()
            .map(|&t| match t {
                Type::Tuple(et) => tuple_value(et, words),
                t => word_value(words.next().unwrap_or(0), t),
            })
            .collect(),
    )
}

fn word_to(
    b: &mut FunctionBuilder,
    w: cranelift_codegen::ir::Value,
    t: types::Type,
) -> cranelift_codegen::ir::Value {
    match t {
        types::F64 => b.ins().bitcast(types::F64, MemFlagsData::new(), w),
        types::F32 => {
            let i = b.ins().ireduce(types::I32, w);
            b.ins().bitcast(types::F32, MemFlagsData::new(), i)
        }
        types::I32 | types::I8 => b.ins().ireduce(t, w),
        _ => w,
    }
}

fn word_from(
    b: &mut FunctionBuilder,
    v: cranelift_codegen::ir::Value,
    t: types::Type,
) -> cranelift_codegen::ir::Value {
    match t {
        types::F64 => b.ins().bitcast(types::I64, MemFlagsData::new(), v),
        types::F32 => {
            let i = b.ins().bitcast(types::I32, MemFlagsData::new(), v);
            b.ins().uextend(types::I64, i)
        }
        types::I32 => b.ins().sextend(types::I64, v),
        types::I8 => b.ins().uextend(types::I64, v),
        _ => v,
    }
}
