//! The math library in Cranelift IR: the runtime's generic math functions
//! (`kernelc_runtime::math`, written once over [`FloatOps`]) instantiated on IR values, so
//! native code computes every math function with the very operation sequence the
//! interpreter runs, and gets the same bits, without calling out of the JIT module.
//!
//! [`math_function`] emits a function into a module once (a local function
//! `(x[, y[, z]]) -> r` in the platform calling convention, f64 or f32) and returns its id.
//! [`math_addr`] keeps one process-wide JIT module of such functions and returns the
//! address of the compiled code: the code generator calls that, so each function is
//! compiled once per process and a kernel's compile latency does not grow with the math
//! it uses (compiling `sin` and `cos` into every module tripled the compile time of a
//! small kernel). f32 functions other than the exact ones promote to f64, run the f64
//! function and round once, as the runtime does.
//! The two cold paths of the library (exact trig reduction of huge arguments, the
//! long-quotient loop of fmod) branch to calls of the runtime's scalar helpers.
//!
//! [`ClifOps`] is the instantiation on scalar IR values; vector lanes are another
//! implementation of the same trait ([`crate::vmath`]).

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    types, AbiParam, InstBuilder, MemFlagsData, Signature, StackSlotData, StackSlotKind, Type,
    UserFuncName, Value,
};
use cranelift_codegen::isa::CallConv;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{FuncId, FuncOrDataId, Linkage, Module};
use kernelc_runtime::math::{self, Cmp, FloatOps, ICmp};
use kernelc_runtime::optable::MathFn;
use std::collections::HashMap;
use std::sync::Mutex;

/// [`FloatOps`] on Cranelift IR values of float type `ty` (f64, or f32 for the functions
/// that compute in f32: sign, minimum, maximum, clip), appended to a function being built.
pub struct ClifOps<'a, 'b> {
    pub b: &'a mut FunctionBuilder<'b>,
    /// The float type of `F` values.
    pub ty: Type,
    pub cc: CallConv,
}

impl ClifOps<'_, '_> {
    /// Calls a runtime helper at a fixed address.
    fn call_addr(&mut self, addr: *const u8, params: &[Type], rets: &[Type], args: &[Value]) {
        let mut sig = Signature::new(self.cc);
        sig.params.extend(params.iter().map(|&t| AbiParam::new(t)));
        sig.returns.extend(rets.iter().map(|&t| AbiParam::new(t)));
        let sigref = self.b.import_signature(sig);
        let callee = self.b.ins().iconst(types::I64, addr as i64);
        self.b.ins().call_indirect(sigref, callee, args);
    }

    fn fcc(cc: Cmp) -> FloatCC {
        match cc {
            Cmp::Eq => FloatCC::Equal,
            Cmp::Ne => FloatCC::NotEqual,
            Cmp::Lt => FloatCC::LessThan,
            Cmp::Le => FloatCC::LessThanOrEqual,
            Cmp::Gt => FloatCC::GreaterThan,
            Cmp::Ge => FloatCC::GreaterThanOrEqual,
        }
    }
}

impl FloatOps for ClifOps<'_, '_> {
    type F = Value;
    type I = Value;
    type B = Value;

    fn fconst(&mut self, c: f64) -> Value {
        if self.ty == types::F32 {
            self.b.ins().f32const(c as f32)
        } else {
            self.b.ins().f64const(c)
        }
    }
    fn iconst(&mut self, c: i64) -> Value {
        self.b.ins().iconst(types::I64, c)
    }
    fn add(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().fadd(a, b)
    }
    fn sub(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().fsub(a, b)
    }
    fn mul(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().fmul(a, b)
    }
    fn div(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().fdiv(a, b)
    }
    fn fma(&mut self, a: Value, b: Value, c: Value) -> Value {
        self.b.ins().fma(a, b, c)
    }
    fn neg(&mut self, a: Value) -> Value {
        self.b.ins().fneg(a)
    }
    fn abs(&mut self, a: Value) -> Value {
        self.b.ins().fabs(a)
    }
    fn sqrt(&mut self, a: Value) -> Value {
        self.b.ins().sqrt(a)
    }
    fn floor(&mut self, a: Value) -> Value {
        self.b.ins().floor(a)
    }
    fn ceil(&mut self, a: Value) -> Value {
        self.b.ins().ceil(a)
    }
    fn trunc(&mut self, a: Value) -> Value {
        self.b.ins().trunc(a)
    }
    fn nearest(&mut self, a: Value) -> Value {
        self.b.ins().nearest(a)
    }
    fn copysign(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().fcopysign(a, b)
    }
    fn cmp(&mut self, cc: Cmp, a: Value, b: Value) -> Value {
        self.b.ins().fcmp(Self::fcc(cc), a, b)
    }
    fn is_nan(&mut self, a: Value) -> Value {
        self.b.ins().fcmp(FloatCC::Unordered, a, a)
    }
    fn and(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().band(a, b)
    }
    fn or(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().bor(a, b)
    }
    fn not(&mut self, a: Value) -> Value {
        self.b.ins().bxor_imm_u(a, 1)
    }
    fn select(&mut self, c: Value, a: Value, b: Value) -> Value {
        self.b.ins().select(c, a, b)
    }
    fn iselect(&mut self, c: Value, a: Value, b: Value) -> Value {
        self.b.ins().select(c, a, b)
    }
    fn bitcast_int(&mut self, a: Value) -> Value {
        self.b.ins().bitcast(types::I64, MemFlagsData::new(), a)
    }
    fn bitcast_float(&mut self, a: Value) -> Value {
        self.b.ins().bitcast(types::F64, MemFlagsData::new(), a)
    }
    fn iadd(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().iadd(a, b)
    }
    fn isub(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().isub(a, b)
    }
    fn iand(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().band(a, b)
    }
    fn shl(&mut self, a: Value, n: u32) -> Value {
        self.b.ins().ishl_imm_u(a, n as i64)
    }
    fn sshr(&mut self, a: Value, n: u32) -> Value {
        self.b.ins().sshr_imm_u(a, n as i64)
    }
    fn icmp(&mut self, cc: ICmp, a: Value, b: Value) -> Value {
        let cc = match cc {
            ICmp::Eq => IntCC::Equal,
            ICmp::Ne => IntCC::NotEqual,
            ICmp::Lt => IntCC::SignedLessThan,
            ICmp::Gt => IntCC::SignedGreaterThan,
        };
        self.b.ins().icmp(cc, a, b)
    }
    fn fcvt_int(&mut self, a: Value) -> Value {
        self.b.ins().fcvt_to_sint_sat(types::I64, a)
    }
    fn fcvt_float(&mut self, a: Value) -> Value {
        self.b.ins().fcvt_from_sint(types::F64, a)
    }

    fn rem_pio2_cold(
        &mut self,
        big: Value,
        x: Value,
        fast: (Value, Value, Value),
    ) -> (Value, Value, Value) {
        let cold = self.b.create_block();
        let join = self.b.create_block();
        for _ in 0..3 {
            self.b.append_block_param(join, types::F64);
        }
        self.b.set_cold_block(cold);
        let (n, hi, lo) = fast;
        self.b
            .ins()
            .brif(big, cold, &[], join, &[n.into(), hi.into(), lo.into()]);
        self.b.switch_to_block(cold);
        self.b.seal_block(cold);
        let slot =
            self.b
                .create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 24, 3));
        let p = self.b.ins().stack_addr(types::I64, slot, 0);
        self.call_addr(
            rt_rem_pio2_slow as *const u8,
            &[types::F64, types::I64],
            &[],
            &[x, p],
        );
        let f = MemFlagsData::trusted();
        let n = self.b.ins().load(types::F64, f, p, 0);
        let hi = self.b.ins().load(types::F64, f, p, 8);
        let lo = self.b.ins().load(types::F64, f, p, 16);
        self.b.ins().jump(join, &[n.into(), hi.into(), lo.into()]);
        self.b.switch_to_block(join);
        self.b.seal_block(join);
        let ps = self.b.block_params(join);
        (ps[0], ps[1], ps[2])
    }

    fn fmod_cold(&mut self, slow: Value, x: Value, y: Value, fast: Value) -> Value {
        let cold = self.b.create_block();
        let join = self.b.create_block();
        self.b.append_block_param(join, types::F64);
        self.b.set_cold_block(cold);
        self.b.ins().brif(slow, cold, &[], join, &[fast.into()]);
        self.b.switch_to_block(cold);
        self.b.seal_block(cold);
        let mut sig = Signature::new(self.cc);
        sig.params
            .extend([AbiParam::new(types::F64), AbiParam::new(types::F64)]);
        sig.returns.push(AbiParam::new(types::F64));
        let sigref = self.b.import_signature(sig);
        let callee = self
            .b
            .ins()
            .iconst(types::I64, rt_fmod_slow as *const u8 as i64);
        let call = self.b.ins().call_indirect(sigref, callee, &[x, y]);
        let r = self.b.inst_results(call)[0];
        self.b.ins().jump(join, &[r.into()]);
        self.b.switch_to_block(join);
        self.b.seal_block(join);
        self.b.block_params(join)[0]
    }
}

/// The cold trig reduction ([`math::rem_pio2_slow`]), writing `(n, hi, lo)` to `out`.
///
/// # Safety
/// `out` must be valid for writing three f64.
pub(crate) unsafe extern "C" fn rt_rem_pio2_slow(x: f64, out: *mut f64) {
    let (n, hi, lo) = math::rem_pio2_slow(x);
    // SAFETY: the caller passes a 24-byte stack slot.
    unsafe {
        *out = n;
        *out.add(1) = hi;
        *out.add(2) = lo;
    }
}

/// The long-quotient loop of fmod ([`math::fmod_slow`]).
pub(crate) extern "C" fn rt_fmod_slow(x: f64, y: f64) -> f64 {
    math::fmod_slow(x, y)
}

/// The process-wide module of compiled math functions (see [`math_addr`]).
struct Shared {
    module: JITModule,
    addrs: HashMap<(MathFn, bool), usize>,
}

// SAFETY: the module (raw pointers to its code memory) is only used under the mutex, and
// the code it holds is immutable once finalized and callable from any thread.
unsafe impl Send for Shared {}

static SHARED: Mutex<Option<Shared>> = Mutex::new(None);

/// A JIT module for the host with the code generator's settings.
pub(crate) fn host_module() -> Result<JITModule, String> {
    let mut flags = settings::builder();
    flags.set("opt_level", "speed").map_err(|e| e.to_string())?;
    flags
        .set("use_colocated_libcalls", "false")
        .map_err(|e| e.to_string())?;
    flags.set("is_pic", "false").map_err(|e| e.to_string())?;
    let isa = cranelift_native::builder()
        .map_err(|e| e.to_string())?
        .finish(settings::Flags::new(flags))
        .map_err(|e| e.to_string())?;
    Ok(JITModule::new(JITBuilder::with_isa(
        isa,
        cranelift_module::default_libcall_names(),
    )))
}

/// The address of the compiled function computing `f` on f64 (`is_f32 == false`) or f32
/// arguments (`extern "C" fn(T[, T[, T]]) -> T`), compiled on first use into a module
/// that lives as long as the process. The code is the IR instance of the runtime's
/// generic definition ([`math_function`]), so it gives the runtime's bits.
pub fn math_addr(f: MathFn, is_f32: bool) -> Result<*const u8, String> {
    let mut guard = SHARED
        .lock()
        .map_err(|_| "math module lock poisoned".to_string())?;
    if guard.is_none() {
        *guard = Some(Shared {
            module: host_module()?,
            addrs: HashMap::new(),
        });
    }
    let Some(shared) = guard.as_mut() else {
        return Err("math module missing".into());
    };
    if let Some(&a) = shared.addrs.get(&(f, is_f32)) {
        return Ok(a as *const u8);
    }
    let cc = shared.module.isa().default_call_conv();
    let id = math_function(&mut shared.module, cc, f, is_f32)?;
    shared
        .module
        .finalize_definitions()
        .map_err(|e| e.to_string())?;
    let a = shared.module.get_finalized_function(id);
    shared.addrs.insert((f, is_f32), a as usize);
    Ok(a)
}

/// True for the functions [`math_function`] emits (every float math function except the
/// single instructions the code generator emits inline: sqrt, abs, floor, ceil, trunc,
/// isnan, isinf, isfinite).
pub fn is_emitted(f: MathFn) -> bool {
    use MathFn::*;
    !matches!(
        f,
        Sqrt | Abs | Floor | Ceil | Trunc | IsNan | IsInf | IsFinite
    )
}

/// The function computing `f` on f64 (`is_f32 == false`) or f32 arguments, emitted into
/// `module` on first use (a local function named `kernelc_math_<name>_<type>`).
pub fn math_function(
    module: &mut dyn Module,
    cc: CallConv,
    f: MathFn,
    is_f32: bool,
) -> Result<FuncId, String> {
    let ty = if is_f32 { types::F32 } else { types::F64 };
    let name = format!(
        "kernelc_math_{}_{}",
        f.name(),
        if is_f32 { "f32" } else { "f64" }
    );
    if let Some(FuncOrDataId::Func(id)) = module.get_name(&name) {
        return Ok(id);
    }
    let mut sig = Signature::new(cc);
    sig.params.extend((0..f.arity()).map(|_| AbiParam::new(ty)));
    sig.returns.push(AbiParam::new(ty));
    let id = module
        .declare_function(&name, Linkage::Local, &sig)
        .map_err(|e| e.to_string())?;
    let frontend = module.isa().frontend_config();
    let mut ctx = module.make_context();
    ctx.func.signature = sig;
    let index = MathFn::ALL.iter().position(|&g| g == f).unwrap_or(0) as u32;
    ctx.func.name = UserFuncName::user(2, 2 * index + u32::from(is_f32));
    let mut fctx = FunctionBuilderContext::new();
    {
        let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        b.seal_block(entry);
        let args = b.block_params(entry).to_vec();
        let r = emit(&mut b, cc, f, is_f32, &args);
        b.ins().return_(&[r]);
        b.finalize(frontend);
    }
    module
        .define_function(id, &mut ctx)
        .map_err(|e| format!("math function {name}: {e:?}"))?;
    module.clear_context(&mut ctx);
    Ok(id)
}

/// Emits the body of `f` on `args` (of type f32 when `is_f32`) and returns the result.
fn emit(b: &mut FunctionBuilder, cc: CallConv, f: MathFn, is_f32: bool, args: &[Value]) -> Value {
    use MathFn::*;
    // Functions that compute in their own type (the same algorithm in f32).
    let own = matches!(
        f,
        Sign | Minimum | Maximum | Clip | Rint | Copysign | Sqrt | Abs | Floor | Ceil | Trunc
    );
    let ty = if is_f32 && own {
        types::F32
    } else {
        types::F64
    };
    let args: Vec<Value> = if is_f32 && !own {
        args.iter()
            .map(|&a| b.ins().fpromote(types::F64, a))
            .collect()
    } else {
        args.to_vec()
    };
    let mut m = ClifOps { b, ty, cc };
    let r = if is_f32 && f == Nextafter {
        // f32 steps are f32 ulps: the f32 definition on the promoted values (exact).
        math::nextafter32(&mut m, args[0], args[1])
    } else {
        apply(&mut m, f, &args)
    };
    if is_f32 && !own {
        m.b.ins().fdemote(types::F32, r)
    } else {
        r
    }
}

/// `f` on `args` through any [`FloatOps`] instance: the one dispatch from a [`MathFn`] to
/// the generic library, shared by the scalar ([`ClifOps`]) and vector
/// ([`crate::vmath::VecOps`]) emitters.
pub(crate) fn apply<M: FloatOps>(m: &mut M, f: MathFn, args: &[M::F]) -> M::F {
    use MathFn::*;
    let x = args[0];
    match f {
        Exp => math::exp(m, x),
        Expm1 => math::expm1(m, x),
        Log => math::log(m, x),
        Log1p => math::log1p(m, x),
        Log2 => math::log2(m, x),
        Log10 => math::log10(m, x),
        Sin => math::sin(m, x),
        Cos => math::cos(m, x),
        Tan => math::tan(m, x),
        Arcsin => math::arcsin(m, x),
        Arccos => math::arccos(m, x),
        Arctan => math::arctan(m, x),
        Sinh => math::sinh(m, x),
        Cosh => math::cosh(m, x),
        Tanh => math::tanh(m, x),
        Arcsinh => math::arcsinh(m, x),
        Arccosh => math::arccosh(m, x),
        Arctanh => math::arctanh(m, x),
        Sign => math::sign(m, x),
        Arctan2 => math::arctan2(m, x, args[1]),
        Hypot => math::hypot(m, x, args[1]),
        Cbrt => math::cbrt(m, x),
        Nextafter => math::nextafter(m, x, args[1]),
        Pow => math::pow(m, x, args[1]),
        Fmod => math::fmod(m, x, args[1]),
        Minimum => math::minimum(m, x, args[1]),
        Maximum => math::maximum(m, x, args[1]),
        Clip => math::clip(m, x, args[1], args[2]),
        Rint => m.nearest(x),
        Copysign => m.copysign(x, args[1]),
        Sqrt => m.sqrt(x),
        Abs => m.abs(x),
        Floor => m.floor(x),
        Ceil => m.ceil(x),
        Trunc => m.trunc(x),
        IsNan | IsInf | IsFinite => {
            // Predicates are emitted inline by the code generator; keep the function
            // total: 1.0 / 0.0 for true / false.
            let a = m.abs(x);
            let inf = m.fconst(f64::INFINITY);
            let c = match f {
                IsNan => m.is_nan(x),
                IsInf => m.cmp(Cmp::Eq, a, inf),
                _ => m.cmp(Cmp::Lt, a, inf),
            };
            let (one, zero) = (m.fconst(1.0), m.fconst(0.0));
            m.select(c, one, zero)
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use kernelc_runtime::DType;

    /// Inputs: special values, moderate and huge arguments, random bit patterns.
    pub(crate) fn inputs(n: usize) -> Vec<f64> {
        let mut v = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            -0.5,
            2.0,
            22.0,
            710.0,
            -746.0,
            1e-310,
            268435456.0,
            1073741824.0,
            1e300,
            -1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        let mut s = 0x9E37_79B9_7F4A_7C15u64;
        while v.len() < n {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let u = (s >> 11) as f64 / (1u64 << 53) as f64;
            v.push(match s % 4 {
                0 => f64::from_bits(s),
                1 => (u - 0.5) * 8.0,
                2 => (u - 0.5) * 1600.0,
                _ => (u - 0.5) * 1e7,
            });
        }
        v
    }

    fn same(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    #[test]
    fn emitted_math_gives_the_runtime_bits() {
        let mut module = host_module().unwrap();
        let cc = module.isa().default_call_conv();
        let fs: Vec<MathFn> = MathFn::ALL.into_iter().filter(|&f| is_emitted(f)).collect();
        let mut ids = Vec::new();
        for &f in &fs {
            for is_f32 in [false, true] {
                ids.push((
                    f,
                    is_f32,
                    math_function(&mut module, cc, f, is_f32).unwrap(),
                ));
            }
        }
        // Asking again gives the same function (one per module).
        assert_eq!(
            math_function(&mut module, cc, MathFn::Exp, false).unwrap(),
            ids[fs.iter().position(|&f| f == MathFn::Exp).unwrap() * 2].2
        );
        module.finalize_definitions().unwrap();
        // The process-wide copies are the same code.
        let shared = math_addr(MathFn::Sin, false).unwrap();
        assert_eq!(shared, math_addr(MathFn::Sin, false).unwrap());
        // SAFETY: `math_addr` returns an `extern "C" fn(f64) -> f64` for sin on f64.
        let sin: extern "C" fn(f64) -> f64 = unsafe { std::mem::transmute(shared) };
        assert_eq!(sin(1e22).to_bits(), math::sin_f64(1e22).to_bits());
        let xs = inputs(20_000);
        let mut checked = 0;
        for (f, is_f32, id) in ids {
            let p = module.get_finalized_function(id);
            let d = if is_f32 { DType::F32 } else { DType::F64 };
            for (i, &x) in xs.iter().enumerate() {
                let y = xs[(i * 7 + 3) % xs.len()];
                let z = xs[(i * 13 + 5) % xs.len()];
                let args = [x, y, z];
                let want = runtime(f, d, &args[..f.arity()]);
                // SAFETY: `p` is a finalized function of this signature (kernel calling
                // convention, which is the platform's C convention).
                let got = unsafe {
                    if is_f32 {
                        let (x, y, z) = (x as f32, y as f32, z as f32);
                        (match f.arity() {
                            1 => std::mem::transmute::<*const u8, extern "C" fn(f32) -> f32>(p)(x),
                            2 => std::mem::transmute::<*const u8, extern "C" fn(f32, f32) -> f32>(
                                p,
                            )(x, y),
                            _ => std::mem::transmute::<
                                *const u8,
                                extern "C" fn(f32, f32, f32) -> f32,
                            >(p)(x, y, z),
                        }) as f64
                    } else {
                        match f.arity() {
                            1 => std::mem::transmute::<*const u8, extern "C" fn(f64) -> f64>(p)(x),
                            2 => std::mem::transmute::<*const u8, extern "C" fn(f64, f64) -> f64>(
                                p,
                            )(x, y),
                            _ => std::mem::transmute::<
                                *const u8,
                                extern "C" fn(f64, f64, f64) -> f64,
                            >(p)(x, y, z),
                        }
                    }
                };
                assert!(
                    same(got, want),
                    "{}({:?}) as {d}: native {got:e}, runtime {want:e}",
                    f.name(),
                    &args[..f.arity()]
                );
                checked += 1;
            }
        }
        assert!(checked > 500_000);
    }

    /// The runtime's definition (`kernelc_runtime::math`), widened to f64.
    fn runtime(f: MathFn, d: DType, a: &[f64]) -> f64 {
        use kernelc_codegen_rt_math as m;
        m(f, d, a)
    }

    fn kernelc_codegen_rt_math(f: MathFn, d: DType, a: &[f64]) -> f64 {
        let is_f32 = d == DType::F32;
        let addr = crate::rt::pure::math_addr(f.name(), is_f32).expect("runtime definition");
        // SAFETY: `math_addr` returns the `extern "C"` wrapper of this arity and type.
        unsafe {
            if is_f32 {
                let a: Vec<f32> = a.iter().map(|&x| x as f32).collect();
                (match a.len() {
                    1 => std::mem::transmute::<*const u8, extern "C" fn(f32) -> f32>(addr)(a[0]),
                    2 => std::mem::transmute::<*const u8, extern "C" fn(f32, f32) -> f32>(addr)(
                        a[0], a[1],
                    ),
                    _ => std::mem::transmute::<*const u8, extern "C" fn(f32, f32, f32) -> f32>(
                        addr,
                    )(a[0], a[1], a[2]),
                }) as f64
            } else {
                match a.len() {
                    1 => std::mem::transmute::<*const u8, extern "C" fn(f64) -> f64>(addr)(a[0]),
                    2 => std::mem::transmute::<*const u8, extern "C" fn(f64, f64) -> f64>(addr)(
                        a[0], a[1],
                    ),
                    _ => std::mem::transmute::<*const u8, extern "C" fn(f64, f64, f64) -> f64>(
                        addr,
                    )(a[0], a[1], a[2]),
                }
            }
        }
    }
}
