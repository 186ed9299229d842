//! The vector math library: the runtime's generic math functions
//! (`kernelc_runtime::math`, written once over [`FloatOps`]) instantiated on f64x2
//! Cranelift IR values ([`VecOps`]), so each lane computes exactly the operation sequence
//! of the scalar library (the interpreter's and [`crate::mathgen`]'s), and gets the same
//! bits, two lanes at a time.
//!
//! [`vmath_addr`] compiles each function once per process into a shared JIT module (like
//! [`crate::mathgen::math_addr`]) as `extern "C" fn(f64x2[, f64x2[, f64x2]]) -> f64x2`;
//! vector loops (`lower/simd.rs`) call it by address, so a kernel's compile time does not
//! grow with the math it uses. f32 lanes promote to f64, run the f64 function and round
//! once, as the scalar library does (same bits); the caller splits an f32x4 into two f64x2.
//!
//! Operations x86-64 has no vector instruction for are lane by lane with the scalar
//! instruction (float to integer conversion); the cold paths (exact trig reduction of huge
//! arguments, the long-quotient loop of fmod) test the lane mask and call the runtime's
//! scalar helper for each lane that needs it.

use crate::mathgen::{rt_fmod_slow, rt_rem_pio2_slow};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    types, AbiParam, Endianness, InstBuilder, MemFlagsData, Signature, StackSlotData,
    StackSlotKind, Type, UserFuncName, Value,
};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::JITModule;
use cranelift_module::{FuncId, FuncOrDataId, Linkage, Module};
use kernelc_runtime::math::{Cmp, FloatOps, ICmp};
use kernelc_runtime::optable::MathFn;
use std::collections::HashMap;
use std::sync::Mutex;

/// [`FloatOps`] on `N` independent f64x2 values at once (`F`), i64x2 values (`I`) and
/// i64x2 lane masks (`B`: all ones for true), appended to a function being built. With
/// `N = 2` the two instances' instructions interleave, which hides the latency of the
/// long dependency chains (polynomials) behind each other.
pub struct VecOps<'a, 'b, const N: usize> {
    pub b: &'a mut FunctionBuilder<'b>,
    pub cc: CallConv,
}

type V<const N: usize> = [Value; N];

fn lanes_flags() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little)
}

impl<const N: usize> VecOps<'_, '_, N> {
    fn cast(&mut self, to: Type, v: V<N>) -> V<N> {
        std::array::from_fn(|i| self.b.ins().bitcast(to, lanes_flags(), v[i]))
    }

    fn splat(&mut self, to: Type, s: Value) -> V<N> {
        let v = self.b.ins().splat(to, s);
        [v; N]
    }

    /// `f` applied to each lane of `args` (scalars of the lanes' types), giving vectors
    /// of type `to`.
    fn per_lane(
        &mut self,
        to: Type,
        args: &[V<N>],
        f: impl Fn(&mut Self, &[Value]) -> Value,
    ) -> V<N> {
        std::array::from_fn(|g| {
            let mut out = None;
            for l in 0..2u8 {
                let xs: Vec<Value> = args
                    .iter()
                    .map(|a| self.b.ins().extractlane(a[g], l))
                    .collect();
                let r = f(self, &xs);
                out = Some(match out {
                    None => self.b.ins().splat(to, r),
                    Some(v) => self.b.ins().insertlane(v, r, l),
                });
            }
            out.expect("two lanes")
        })
    }

    /// For each lane whose mask bit is set, replaces the lanes of `fast` by the results of
    /// `slow` (a cold call on that lane's `args`); the other lanes keep `fast`.
    fn cold_lanes(
        &mut self,
        mask: V<N>,
        args: &[V<N>],
        fast: &[V<N>],
        slow: impl Fn(&mut Self, &[Value]) -> Vec<Value>,
    ) -> Vec<V<N>> {
        let mut any = self.b.ins().vany_true(mask[0]);
        for m in &mask[1..] {
            let a = self.b.ins().vany_true(*m);
            any = self.b.ins().bor(any, a);
        }
        let flat =
            |vs: &[V<N>]| -> Vec<Value> { vs.iter().flat_map(|v| v.iter().copied()).collect() };
        let width = fast.len() * N;
        let cold = self.b.create_block();
        let join = self.b.create_block();
        for _ in 0..width {
            self.b.append_block_param(join, types::F64X2);
        }
        self.b.set_cold_block(cold);
        let fast_args: Vec<_> = flat(fast).into_iter().map(|v| v.into()).collect();
        self.b.ins().brif(any, cold, &[], join, &fast_args);
        self.b.switch_to_block(cold);
        self.b.seal_block(cold);
        let mut cur: Vec<Value> = flat(fast);
        for g in 0..N {
            for l in 0..2u8 {
                let bit = self.b.ins().extractlane(mask[g], l);
                let (call, next) = (self.b.create_block(), self.b.create_block());
                self.b.set_cold_block(call);
                for _ in 0..width {
                    self.b.append_block_param(next, types::F64X2);
                }
                let keep: Vec<_> = cur.iter().map(|&v| v.into()).collect();
                self.b.ins().brif(bit, call, &[], next, &keep);
                self.b.switch_to_block(call);
                self.b.seal_block(call);
                let xs: Vec<Value> = args
                    .iter()
                    .map(|a| self.b.ins().extractlane(a[g], l))
                    .collect();
                let rs = slow(self, &xs);
                let mut upd = cur.clone();
                for (k, &r) in rs.iter().enumerate() {
                    upd[k * N + g] = self.b.ins().insertlane(cur[k * N + g], r, l);
                }
                let upd: Vec<_> = upd.iter().map(|&v| v.into()).collect();
                self.b.ins().jump(next, &upd);
                self.b.switch_to_block(next);
                self.b.seal_block(next);
                cur = self.b.block_params(next).to_vec();
            }
        }
        let out: Vec<_> = cur.iter().map(|&v| v.into()).collect();
        self.b.ins().jump(join, &out);
        self.b.switch_to_block(join);
        self.b.seal_block(join);
        let ps = self.b.block_params(join).to_vec();
        (0..fast.len())
            .map(|k| std::array::from_fn(|g| ps[k * N + g]))
            .collect()
    }

    fn call_addr(
        &mut self,
        addr: *const u8,
        params: &[Type],
        rets: &[Type],
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
}

macro_rules! each {
    ($self:ident, |$i:ident| $e:expr) => {
        std::array::from_fn(|$i| $e)
    };
}

impl<const N: usize> FloatOps for VecOps<'_, '_, N> {
    type F = V<N>;
    type I = V<N>;
    type B = V<N>;

    fn fconst(&mut self, c: f64) -> V<N> {
        let s = self.b.ins().f64const(c);
        self.splat(types::F64X2, s)
    }
    fn iconst(&mut self, c: i64) -> V<N> {
        let s = self.b.ins().iconst(types::I64, c);
        self.splat(types::I64X2, s)
    }
    fn add(&mut self, a: V<N>, b: V<N>) -> V<N> {
        each!(self, |i| self.b.ins().fadd(a[i], b[i]))
    }
    fn sub(&mut self, a: V<N>, b: V<N>) -> V<N> {
        each!(self, |i| self.b.ins().fsub(a[i], b[i]))
    }
    fn mul(&mut self, a: V<N>, b: V<N>) -> V<N> {
        each!(self, |i| self.b.ins().fmul(a[i], b[i]))
    }
    fn div(&mut self, a: V<N>, b: V<N>) -> V<N> {
        each!(self, |i| self.b.ins().fdiv(a[i], b[i]))
    }
    fn fma(&mut self, a: V<N>, b: V<N>, c: V<N>) -> V<N> {
        each!(self, |i| self.b.ins().fma(a[i], b[i], c[i]))
    }
    fn neg(&mut self, a: V<N>) -> V<N> {
        each!(self, |i| self.b.ins().fneg(a[i]))
    }
    fn abs(&mut self, a: V<N>) -> V<N> {
        each!(self, |i| self.b.ins().fabs(a[i]))
    }
    fn sqrt(&mut self, a: V<N>) -> V<N> {
        each!(self, |i| self.b.ins().sqrt(a[i]))
    }
    fn floor(&mut self, a: V<N>) -> V<N> {
        each!(self, |i| self.b.ins().floor(a[i]))
    }
    fn ceil(&mut self, a: V<N>) -> V<N> {
        each!(self, |i| self.b.ins().ceil(a[i]))
    }
    fn trunc(&mut self, a: V<N>) -> V<N> {
        each!(self, |i| self.b.ins().trunc(a[i]))
    }
    fn nearest(&mut self, a: V<N>) -> V<N> {
        each!(self, |i| self.b.ins().nearest(a[i]))
    }
    fn copysign(&mut self, a: V<N>, b: V<N>) -> V<N> {
        // The magnitude bits of `a` and the sign bit of `b` (what `fcopysign` does).
        let ai = self.cast(types::I64X2, a);
        let bi = self.cast(types::I64X2, b);
        let mag = self.iconst(i64::MAX);
        let sign = self.iconst(i64::MIN);
        let r: V<N> = each!(self, |i| {
            let m = self.b.ins().band(ai[i], mag[i]);
            let s = self.b.ins().band(bi[i], sign[i]);
            self.b.ins().bor(m, s)
        });
        self.cast(types::F64X2, r)
    }
    fn cmp(&mut self, cc: Cmp, a: V<N>, b: V<N>) -> V<N> {
        let cc = match cc {
            Cmp::Eq => FloatCC::Equal,
            Cmp::Ne => FloatCC::NotEqual,
            Cmp::Lt => FloatCC::LessThan,
            Cmp::Le => FloatCC::LessThanOrEqual,
            Cmp::Gt => FloatCC::GreaterThan,
            Cmp::Ge => FloatCC::GreaterThanOrEqual,
        };
        each!(self, |i| self.b.ins().fcmp(cc, a[i], b[i]))
    }
    fn is_nan(&mut self, a: V<N>) -> V<N> {
        each!(self, |i| self.b.ins().fcmp(FloatCC::Unordered, a[i], a[i]))
    }
    fn and(&mut self, a: V<N>, b: V<N>) -> V<N> {
        each!(self, |i| self.b.ins().band(a[i], b[i]))
    }
    fn or(&mut self, a: V<N>, b: V<N>) -> V<N> {
        each!(self, |i| self.b.ins().bor(a[i], b[i]))
    }
    fn not(&mut self, a: V<N>) -> V<N> {
        each!(self, |i| self.b.ins().bnot(a[i]))
    }
    fn select(&mut self, c: V<N>, a: V<N>, b: V<N>) -> V<N> {
        let m = self.cast(types::F64X2, c);
        each!(self, |i| self.b.ins().bitselect(m[i], a[i], b[i]))
    }
    fn iselect(&mut self, c: V<N>, a: V<N>, b: V<N>) -> V<N> {
        each!(self, |i| self.b.ins().bitselect(c[i], a[i], b[i]))
    }
    fn bitcast_int(&mut self, a: V<N>) -> V<N> {
        self.cast(types::I64X2, a)
    }
    fn bitcast_float(&mut self, a: V<N>) -> V<N> {
        self.cast(types::F64X2, a)
    }
    fn iadd(&mut self, a: V<N>, b: V<N>) -> V<N> {
        each!(self, |i| self.b.ins().iadd(a[i], b[i]))
    }
    fn isub(&mut self, a: V<N>, b: V<N>) -> V<N> {
        each!(self, |i| self.b.ins().isub(a[i], b[i]))
    }
    fn iand(&mut self, a: V<N>, b: V<N>) -> V<N> {
        each!(self, |i| self.b.ins().band(a[i], b[i]))
    }
    fn shl(&mut self, a: V<N>, n: u32) -> V<N> {
        each!(self, |i| self.b.ins().ishl_imm_u(a[i], n as i64))
    }
    fn sshr(&mut self, a: V<N>, n: u32) -> V<N> {
        each!(self, |i| self.b.ins().sshr_imm_u(a[i], n as i64))
    }
    fn icmp(&mut self, cc: ICmp, a: V<N>, b: V<N>) -> V<N> {
        let cc = match cc {
            ICmp::Eq => IntCC::Equal,
            ICmp::Ne => IntCC::NotEqual,
            ICmp::Lt => IntCC::SignedLessThan,
            ICmp::Gt => IntCC::SignedGreaterThan,
        };
        each!(self, |i| self.b.ins().icmp(cc, a[i], b[i]))
    }
    fn fcvt_int(&mut self, a: V<N>) -> V<N> {
        // No packed f64 -> i64 conversion before AVX-512. For |a| < 2^51 (every use in
        // the library's hot paths) `trunc(a) + 1.5 * 2^52` is exact and its low bits are
        // the integer: `bits(t + C) - bits(C)`. Other lanes (huge, nan) take the scalar
        // saturating conversion per lane in a cold block.
        let magic = 1.5 * (1u64 << 52) as f64;
        let c = self.fconst(magic);
        let cb = self.iconst(magic.to_bits() as i64);
        let lim = self.fconst((1u64 << 51) as f64);
        let mut fast = [a[0]; N];
        let mut any = None;
        for i in 0..N {
            let t = self.b.ins().trunc(a[i]);
            let s = self.b.ins().fadd(t, c[i]);
            let sb = self.b.ins().bitcast(types::I64X2, lanes_flags(), s);
            fast[i] = self.b.ins().isub(sb, cb[i]);
            let abs = self.b.ins().fabs(a[i]);
            let out = self
                .b
                .ins()
                .fcmp(FloatCC::UnorderedOrGreaterThanOrEqual, abs, lim[i]);
            let t = self.b.ins().vany_true(out);
            any = Some(match any {
                None => t,
                Some(x) => self.b.ins().bor(x, t),
            });
        }
        let any = any.expect("N >= 1");
        let (cold, join) = (self.b.create_block(), self.b.create_block());
        for _ in 0..N {
            self.b.append_block_param(join, types::I64X2);
        }
        self.b.set_cold_block(cold);
        let fa: Vec<_> = fast.iter().map(|&v| v.into()).collect();
        self.b.ins().brif(any, cold, &[], join, &fa);
        self.b.switch_to_block(cold);
        self.b.seal_block(cold);
        let slow = self.per_lane(types::I64X2, &[a], |m, x| {
            m.b.ins().fcvt_to_sint_sat(types::I64, x[0])
        });
        let sa: Vec<_> = slow.iter().map(|&v| v.into()).collect();
        self.b.ins().jump(join, &sa);
        self.b.switch_to_block(join);
        self.b.seal_block(join);
        let ps = self.b.block_params(join).to_vec();
        std::array::from_fn(|i| ps[i])
    }
    fn fcvt_float(&mut self, a: V<N>) -> V<N> {
        each!(self, |i| self.b.ins().fcvt_from_sint(types::F64X2, a[i]))
    }

    fn rem_pio2_cold(
        &mut self,
        big: V<N>,
        x: V<N>,
        fast: (V<N>, V<N>, V<N>),
    ) -> (V<N>, V<N>, V<N>) {
        let r = self.cold_lanes(big, &[x], &[fast.0, fast.1, fast.2], |m, xs| {
            let slot =
                m.b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 24, 3));
            let p = m.b.ins().stack_addr(types::I64, slot, 0);
            m.call_addr(
                rt_rem_pio2_slow as *const u8,
                &[types::F64, types::I64],
                &[],
                &[xs[0], p],
            );
            let f = MemFlagsData::trusted();
            (0..3)
                .map(|k| m.b.ins().load(types::F64, f, p, 8 * k))
                .collect()
        });
        (r[0], r[1], r[2])
    }

    fn fmod_cold(&mut self, slow: V<N>, x: V<N>, y: V<N>, fast: V<N>) -> V<N> {
        self.cold_lanes(slow, &[x, y], &[fast], |m, xs| {
            m.call_addr(
                rt_fmod_slow as *const u8,
                &[types::F64, types::F64],
                &[types::F64],
                &[xs[0], xs[1]],
            )
        })[0]
    }
}

/// True for the functions the vector library provides (the emitted ones of
/// [`crate::mathgen`]; on f32 lanes those that compute through f64 with the f64
/// definition: not `nextafter`, whose f32 steps differ, so f32 vectors take it lane by
/// lane from the scalar library).
pub fn provides(f: MathFn, is_f32: bool) -> bool {
    use MathFn::*;
    crate::mathgen::is_emitted(f)
        && !(is_f32
            && matches!(
                f,
                Sign | Minimum | Maximum | Clip | Rint | Copysign | Nextafter
            ))
}

/// The process-wide module of vector math functions.
struct Shared {
    module: JITModule,
    addrs: HashMap<(MathFn, usize), usize>,
}

// SAFETY: the module is only used under the mutex, and its finalized code is immutable
// and callable from any thread.
unsafe impl Send for Shared {}

static SHARED: Mutex<Option<Shared>> = Mutex::new(None);

/// The address of the compiled function computing `f` on `n` (1 or 2) f64x2 vectors at
/// once: `n` vectors per argument (argument 0's first), `n` vector results; compiled on
/// first use into a module that lives as long as the process.
pub fn vmath_addr(f: MathFn, n: usize) -> Result<*const u8, String> {
    let mut guard = SHARED
        .lock()
        .map_err(|_| "vector math module lock poisoned".to_string())?;
    if guard.is_none() {
        *guard = Some(Shared {
            module: crate::mathgen::host_module()?,
            addrs: HashMap::new(),
        });
    }
    let Some(shared) = guard.as_mut() else {
        return Err("vector math module missing".into());
    };
    if let Some(&a) = shared.addrs.get(&(f, n)) {
        return Ok(a as *const u8);
    }
    let cc = shared.module.isa().default_call_conv();
    let id = vmath_function(&mut shared.module, cc, f, n)?;
    shared
        .module
        .finalize_definitions()
        .map_err(|e| e.to_string())?;
    let a = shared.module.get_finalized_function(id);
    shared.addrs.insert((f, n), a as usize);
    Ok(a)
}

/// The function computing `f` lane-wise on `n` (1 or 2) f64x2 vectors, emitted into
/// `module` on first use (a local function named `kernelc_vmath_<name>_f64x2x<n>`).
pub fn vmath_function(
    module: &mut dyn Module,
    cc: CallConv,
    f: MathFn,
    n: usize,
) -> Result<FuncId, String> {
    let name = format!("kernelc_vmath_{}_f64x2x{n}", f.name());
    if let Some(FuncOrDataId::Func(id)) = module.get_name(&name) {
        return Ok(id);
    }
    let mut sig = Signature::new(cc);
    sig.params
        .extend((0..f.arity() * n).map(|_| AbiParam::new(types::F64X2)));
    sig.returns
        .extend((0..n).map(|_| AbiParam::new(types::F64X2)));
    let id = module
        .declare_function(&name, Linkage::Local, &sig)
        .map_err(|e| e.to_string())?;
    let frontend = module.isa().frontend_config();
    let mut ctx = module.make_context();
    ctx.func.signature = sig;
    let index = MathFn::ALL.iter().position(|&g| g == f).unwrap_or(0) as u32;
    ctx.func.name = UserFuncName::user(3, 2 * index + n as u32);
    let mut fctx = FunctionBuilderContext::new();
    {
        let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        b.seal_block(entry);
        let args = b.block_params(entry).to_vec();
        let rs: Vec<Value> = if n == 2 {
            let args: Vec<V<2>> = args.chunks(2).map(|c| [c[0], c[1]]).collect();
            emit(&mut VecOps::<2> { b: &mut b, cc }, f, &args).to_vec()
        } else {
            let args: Vec<V<1>> = args.iter().map(|&a| [a]).collect();
            emit(&mut VecOps::<1> { b: &mut b, cc }, f, &args).to_vec()
        };
        b.ins().return_(&rs);
        b.finalize(frontend);
    }
    module
        .define_function(id, &mut ctx)
        .map_err(|e| format!("vector math function {name}: {e:?}"))?;

    module.clear_context(&mut ctx);
    Ok(id)
}

/// The body of `f` on `N` f64x2 vectors per argument.
fn emit<const N: usize>(m: &mut VecOps<N>, f: MathFn, args: &[V<N>]) -> V<N> {
    crate::mathgen::apply(m, f, args)
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;
    use std::arch::x86_64::__m128d;

    /// The scalar library's test inputs plus huge trig arguments (the cold path).
    fn inputs(n: usize) -> Vec<f64> {
        let mut v = vec![1e22, -1e22, 1e300, 5e15];
        v.extend(crate::mathgen::tests::inputs(n));
        v
    }

    fn pack(a: f64, b: f64) -> __m128d {
        // SAFETY: two f64 are the 16 bytes of an __m128d (lane 0 first).
        unsafe { std::mem::transmute::<[f64; 2], __m128d>([a, b]) }
    }

    fn unpack(v: __m128d) -> [f64; 2] {
        // SAFETY: as in `pack`.
        unsafe { std::mem::transmute::<__m128d, [f64; 2]>(v) }
    }

    fn same(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    /// Every function, lane by lane, against the runtime's scalar definition: the same
    /// bits in both lanes, including lanes that take the cold paths next to lanes that
    /// do not.
    #[test]
    fn vector_math_gives_the_runtime_bits_in_every_lane() {
        let xs = inputs(6000);
        let mut checked = 0;
        for f in MathFn::ALL.into_iter().filter(|&f| provides(f, false)) {
            let addr = vmath_addr(f, 1).unwrap();
            assert_eq!(addr, vmath_addr(f, 1).unwrap(), "compiled once");
            let scalar = crate::rt::pure::math_addr(f.name(), false).expect("runtime function");
            for i in 0..xs.len() - 1 {
                let (x0, x1) = (xs[i], xs[i + 1]);
                let (y0, y1) = (xs[(i * 7 + 3) % xs.len()], xs[(i * 11 + 1) % xs.len()]);
                let (z0, z1) = (xs[(i * 13 + 5) % xs.len()], xs[(i * 5 + 2) % xs.len()]);
                // SAFETY: `vmath_addr` gives `extern "C" fn(f64x2..) -> f64x2` of f's arity
                // and `math_addr` the runtime's `extern "C" fn(f64..) -> f64`.
                let (got, want) = unsafe {
                    match f.arity() {
                        1 => (
                            unpack(std::mem::transmute::<
                                *const u8,
                                extern "C" fn(__m128d) -> __m128d,
                            >(addr)(pack(x0, x1))),
                            {
                                let g = std::mem::transmute::<*const u8, extern "C" fn(f64) -> f64>(
                                    scalar,
                                );
                                [g(x0), g(x1)]
                            },
                        ),
                        2 => (
                            unpack(std::mem::transmute::<
                                *const u8,
                                extern "C" fn(__m128d, __m128d) -> __m128d,
                            >(addr)(
                                pack(x0, x1), pack(y0, y1)
                            )),
                            {
                                let g = std::mem::transmute::<
                                    *const u8,
                                    extern "C" fn(f64, f64) -> f64,
                                >(scalar);
                                [g(x0, y0), g(x1, y1)]
                            },
                        ),
                        _ => (
                            unpack(std::mem::transmute::<
                                *const u8,
                                extern "C" fn(__m128d, __m128d, __m128d) -> __m128d,
                            >(addr)(
                                pack(x0, x1), pack(y0, y1), pack(z0, z1)
                            )),
                            {
                                let g = std::mem::transmute::<
                                    *const u8,
                                    extern "C" fn(f64, f64, f64) -> f64,
                                >(scalar);
                                [g(x0, y0, z0), g(x1, y1, z1)]
                            },
                        ),
                    }
                };
                for l in 0..2 {
                    assert!(
                        same(got[l], want[l]),
                        "{} lane {l} of ({x0:e}, {x1:e}) / ({y0:e}, {y1:e}): vector {:e}, runtime {:e}",
                        f.name(),
                        got[l],
                        want[l]
                    );
                }
                checked += 1;
            }
        }
        assert!(checked > 100_000);
    }
}
