//! Compiling one lowered function into the JIT module, with a pipeline whose cost stays
//! linear in the function's size.
//!
//! Cranelift's optimiser (the e-graph pass keeps a stack of dominator-tree scopes that it
//! scans per pure instruction) and regalloc2's backtracking allocator (whose dominator
//! computation walks the tree once per predecessor of a merge block) cost time quadratic
//! in the depth of the dominator tree: a long `elif` chain or thousands of call sites in
//! one function take seconds to minutes. Functions above [`LARGE_BLOCKS`] blocks are
//! therefore compiled without the optimiser and with the single-pass register allocator
//! (linear time; the code is slower, which matters little for code of that shape).
//! Produced by the lowering in [`crate::lower`]; used by [`crate::JitProgram::compile`].

use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::Context;
use cranelift_jit::JITModule;
use cranelift_module::{FuncId, Module, ModuleReloc};

/// Blocks above which a function takes the linear-time pipeline. Workload kernels have
/// fewer than 300; a 1,000-branch `elif` chain has about 3,000.
pub const LARGE_BLOCKS: usize = 4_000;

/// The flags every instruction set of the module shares.
pub fn base_flags(opt_level: &str) -> Result<settings::Builder, String> {
    let mut flags = settings::builder();
    let set = |flags: &mut settings::Builder, k: &str, v: &str| {
        flags.set(k, v).map_err(|e| format!("{k}={v}: {e}"))
    };
    set(&mut flags, "opt_level", opt_level)?;
    // The verifier costs about 6% of compile time; debug builds (and the tests run in
    // them) keep it.
    if !cfg!(debug_assertions) {
        set(&mut flags, "enable_verifier", "false")?;
    }
    set(&mut flags, "use_colocated_libcalls", "false")?;
    set(&mut flags, "is_pic", "false")?;
    Ok(flags)
}

/// The host instruction set with `flags`.
pub fn host_isa(flags: settings::Builder) -> Result<OwnedTargetIsa, String> {
    cranelift_native::builder()
        .map_err(|e| e.to_string())?
        .finish(settings::Flags::new(flags))
        .map_err(|e| e.to_string())
}

/// The linear-time instruction set: no optimiser.
pub fn linear_isa() -> Result<OwnedTargetIsa, String> {
    host_isa(base_flags("none")?)
}

/// True when `ctx.func` is large enough for the linear-time pipeline.
pub fn is_large(ctx: &Context) -> bool {
    ctx.func.dfg.num_blocks() > LARGE_BLOCKS
}

/// Compiles `ctx.func` with `isa` and defines it as `id` in `module` (what
/// `Module::define_function` does with the module's own instruction set).
pub fn define_with(
    module: &mut JITModule,
    id: FuncId,
    ctx: &mut Context,
    isa: &OwnedTargetIsa,
) -> Result<(), String> {
    ctx.compile(&**isa, &mut ControlPlane::default())
        .map_err(|e| format!("{:?}", e.inner))?;
    let compiled = ctx.compiled_code().expect("compiled above");
    let align = (compiled.buffer.alignment as u64)
        .max(isa.function_alignment().minimum as u64)
        .max(isa.symbol_alignment());
    let relocs: Vec<ModuleReloc> = compiled
        .buffer
        .relocs()
        .iter()
        .map(|r| ModuleReloc::from_mach_reloc(r, &ctx.func, id))
        .collect();
    let bytes = compiled.code_buffer().to_vec();
    module
        .define_function_bytes(id, align, &bytes, &relocs)
        .map_err(|e| format!("{e:?}"))
}
