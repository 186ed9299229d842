//! Runtime helpers called from generated code (`extern "C"`, never unwinding).
//!
//! Operations native code does not compile itself are delegated here, and from here
//! mostly to the reference interpreter ([`rt_eval`], [`rt_exec`], [`rt_call_interp`]), so
//! both executors share one definition of every whole-array operation. Each helper that
//! can fail records the error in the [`JitCtx`] and sets its `failed` byte; the result
//! value is then meaningless.
//!
//! # Safety
//! Every helper is `unsafe`: it must be called (from generated code) with the live
//! context of the current call, handle pointers made by `ArrayHandle::into_raw` that are
//! still referenced, and pointers into the program the compiled module keeps alive.
#![allow(clippy::missing_safety_doc)]

use crate::abi::{from_bits, pack_span, to_bits, unpack_span, ArrayHandle, JitCtx};
use kernelc_interp::{Interpreter, Value};
use kernelc_runtime::error::msg;
use kernelc_runtime::rng::Rng;
use kernelc_runtime::{math, ops, DType, RuntimeError};
use kernelc_sema::tir::{Expr, FuncId, LocalId, Program, RedOp, Stmt, Type};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

pub(crate) fn err(ctx: &mut JitCtx, message: impl Into<String>, span: i64) {
    let (s, e) = unpack_span(span);
    ctx.fail(RuntimeError::new(message, s, e));
}

/// Runs `f`, turning a panic into an internal error (no unwinding into native frames).
pub(crate) fn guard<T: Default>(
    ctx: *mut JitCtx,
    span: i64,
    f: impl FnOnce(&mut JitCtx) -> T,
) -> T {
    // SAFETY: native code always passes the context it was called with.
    let c = unsafe { &mut *ctx };
    match catch_unwind(AssertUnwindSafe(|| f(c))) {
        Ok(v) => v,
        Err(_) => {
            // SAFETY: as above; the closure's borrow ended with the panic.
            let c = unsafe { &mut *ctx };
            err(c, "internal error in a runtime helper", span);
            T::default()
        }
    }
}

/// Adds a reference to an array handle (null is ignored).
pub unsafe extern "C" fn rt_retain(h: *const ArrayHandle) {
    if !h.is_null() {
        // SAFETY: non-null handles come from `ArrayHandle::into_raw` and are live.
        unsafe { Arc::increment_strong_count(h) }
    }
}

/// Drops a reference to an array handle (null is ignored).
pub unsafe extern "C" fn rt_release(h: *const ArrayHandle) {
    if !h.is_null() {
        // SAFETY: as in `rt_retain`; each release matches one retain or creation.
        unsafe { Arc::decrement_strong_count(h) }
    }
}

/// The locals a delegated expression reads, from the slot area native code filled:
/// `n` value words followed by `n` "assigned" words.
unsafe fn locals_from_slots(
    func: &kernelc_sema::tir::Func,
    used: &[LocalId],
    slots: *const u64,
) -> Vec<Option<Value>> {
    let n = func.locals.len();
    let mut locals = vec![None; n];
    for &id in used {
        // SAFETY: native code allocated 2*n words and wrote the used ones.
        let (bits, set) = unsafe { (*slots.add(id), *slots.add(n + id)) };
        if set == 0 {
            continue;
        }
        locals[id] = match func.locals[id].ty {
            Type::Scalar(d) => Some(Value::Scalar(from_bits(bits, d))),
            // SAFETY: an assigned array local holds a live handle.
            Type::Array(_) if bits != 0 => Some(Value::Array(unsafe {
                ArrayHandle::array(bits as *const ArrayHandle)
            })),
            _ => None,
        };
    }
    locals
}

/// The locals an expression or statement reads.
pub fn used_locals_expr(e: &Expr) -> Vec<LocalId> {
    let mut v = Vec::new();
    kernelc_sema::pretty::walk_expr(e, &mut |x| {
        if let kernelc_sema::tir::ExprKind::Local(id) = x.kind {
            v.push(id);
        }
    });
    v.sort_unstable();
    v.dedup();
    v
}

/// See [`used_locals_expr`].
pub fn used_locals_stmt(s: &Stmt) -> Vec<LocalId> {
    let mut v = Vec::new();
    kernelc_sema::pretty::walk_stmt(s, &mut |x| {
        if let kernelc_sema::tir::ExprKind::Local(id) = x.kind {
            v.push(id);
        }
    });
    v.sort_unstable();
    v.dedup();
    v
}

/// Runs `f` with an interpreter sharing the context's program, output, RNG and depth. `f`
/// also gets the function table native code was generated from (the interpreter runs the
/// original program; the generated code's delegated expressions come from the rewritten
/// one, whose extra locals are temporaries).
fn with_interp<T>(
    c: &mut JitCtx,
    f: impl FnOnce(&mut Interpreter<'_>, &Program) -> Result<T, RuntimeError>,
) -> Option<T> {
    // SAFETY: `program` and `out` outlive the native call that created this context.
    let (program, lowered, out) = unsafe { (&*c.program, &*c.lowered, &mut *c.out) };
    let mut it = Interpreter::new(program, out);
    it.set_rng(c.rng);
    it.set_depth(c.depth as usize);
    if let Some(i) = &c.interrupt {
        it.set_interrupt(i.clone());
    }
    let r = f(&mut it, lowered);
    c.rng = it.rng();
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            c.fail(e);
            None
        }
    }
}

/// A value as a word for native code: scalars by bits, arrays as a new handle, nothing as
/// 0.
fn value_to_word(v: Value) -> u64 {
    match v {
        Value::Scalar(s) => to_bits(s),
        Value::Array(a) => ArrayHandle::into_raw(a) as u64,
        _ => 0,
    }
}

/// Evaluates expression `expr` of function `func` with the interpreter.
pub unsafe extern "C" fn rt_eval(
    ctx: *mut JitCtx,
    func: u64,
    expr: *const Expr,
    slots: *const u64,
) -> u64 {
    guard(ctx, 0, |c| {
        // SAFETY: `expr` points into the program kept alive by the compiled module.
        let expr: &Expr = unsafe { &*expr };
        with_interp(c, |it, program| {
            let f = &program.funcs[func as usize];
            // SAFETY: see `locals_from_slots`.
            let locals = unsafe { locals_from_slots(f, &used_locals_expr(expr), slots) };
            // SAFETY: the program outlives the interpreter call; the reference is re-tied
            // to the interpreter's lifetime.
            let expr: &Expr = unsafe { &*(expr as *const Expr) };
            it.eval_in(func as FuncId, expr, locals)
        })
        .map(value_to_word)
        .unwrap_or(0)
    })
}

/// Applies the library operation of expression `expr` (an `ExprKind::Lib`) to the
/// argument words at `args` (one per argument, typed by the arguments' types): the same
/// `kernelc_runtime::library::call` the interpreter makes. Returns the result word (an
/// owned handle for arrays, 0 for no value).
pub unsafe extern "C" fn rt_lib(ctx: *mut JitCtx, expr: *const Expr, args: *const u64) -> u64 {
    use kernelc_runtime::library::{call, LibVal};
    // SAFETY: `expr` points into the program kept alive by the compiled module.
    let expr: &Expr = unsafe { &*expr };
    let span = pack_span(expr.span.start, expr.span.end);
    guard(ctx, span, |c| {
        let kernelc_sema::tir::ExprKind::Lib(f, params) = &expr.kind else {
            err(c, "internal error: not a library call", span);
            return 0;
        };
        let mut vals = Vec::with_capacity(params.len());
        for (k, p) in params.iter().enumerate() {
            // SAFETY: native code stored one word per argument.
            let w = unsafe { *args.add(k) };
            vals.push(match p.ty {
                Type::Scalar(d) => LibVal::Scalar(from_bits(w, d)),
                // SAFETY: array arguments are live handles of the caller.
                Type::Array(_) if w != 0 => {
                    LibVal::Array(unsafe { ArrayHandle::array(w as *const ArrayHandle) })
                }
                _ => {
                    err(c, "internal error: bad library argument", span);
                    return 0;
                }
            });
        }
        match call(*f, &vals) {
            Ok(LibVal::Scalar(s)) => to_bits(s),
            Ok(LibVal::Array(a)) => ArrayHandle::into_raw(a) as u64,
            Ok(LibVal::None) => 0,
            Err(m) => {
                err(c, m, span);
                0
            }
        }
    })
}

/// Executes statement `stmt` of function `func` with the interpreter (stores into array
/// regions; they change no local).
pub unsafe extern "C" fn rt_exec(
    ctx: *mut JitCtx,
    func: u64,
    stmt: *const Stmt,
    slots: *const u64,
) {
    guard(ctx, 0, |c| {
        // SAFETY: as in `rt_eval`.
        let stmt: &Stmt = unsafe { &*stmt };
        with_interp(c, |it, program| {
            let f = &program.funcs[func as usize];
            // SAFETY: see `locals_from_slots`.
            let locals = unsafe { locals_from_slots(f, &used_locals_stmt(stmt), slots) };
            it.exec_in(func as FuncId, stmt, locals)
        });
    })
}

/// Calls function `func` in the interpreter with the parameters in `slots` (as for
/// [`rt_eval`]); `None` when it failed (the error is recorded in `c`).
fn call_interp(c: &mut JitCtx, func: u64, slots: *const u64) -> Option<Value> {
    with_interp(c, |it, program| {
        let f = &program.funcs[func as usize];
        // SAFETY: see `locals_from_slots`.
        let locals = unsafe { locals_from_slots(f, &f.params, slots) };
        let args = f
            .params
            .iter()
            .map(|&p| locals[p].clone().unwrap_or(Value::None))
            .collect();
        it.set_depth(it.depth().saturating_sub(1));
        it.call(func as FuncId, args)
    })
}

/// Runs a whole function with the interpreter (functions whose locals native code cannot
/// hold). `slots` holds the parameters as for [`rt_eval`].
pub unsafe extern "C" fn rt_call_interp(ctx: *mut JitCtx, func: u64, slots: *const u64) -> u64 {
    guard(ctx, 0, |c| {
        call_interp(c, func, slots).map(value_to_word).unwrap_or(0)
    })
}

/// [`rt_call_interp`] for a function returning a tuple: its leaves' words go to `out`
/// (one word per leaf; arrays as new handles owned by the caller).
pub unsafe extern "C" fn rt_call_interp_tuple(
    ctx: *mut JitCtx,
    func: u64,
    slots: *const u64,
    out: *mut u64,
) {
    guard(ctx, 0, |c| {
        if let Some(v) = call_interp(c, func, slots) {
            let mut leaves = Vec::new();
            v.flatten_into(&mut leaves);
            for (k, v) in leaves.into_iter().enumerate() {
                // SAFETY: native code allocated one word per leaf of the return type.
                unsafe { *out.add(k) = value_to_word(v) };
            }
        }
    })
}

/// Error codes of [`rt_error`].
pub mod code {
    pub const INT_DIV_ZERO: i64 = 1;
    pub const INT_MOD_ZERO: i64 = 2;
    pub const RANGE_STEP_ZERO: i64 = 3;
    pub const RECURSION: i64 = 4;
    pub const EMPTY_MIN: i64 = 5;
    pub const EMPTY_MAX: i64 = 6;
    pub const EMPTY_ARGMIN: i64 = 7;
    pub const EMPTY_ARGMAX: i64 = 8;
    /// The embedder's interrupt handle was triggered (its state gives the message).
    pub const INTERRUPTED: i64 = 9;
}

/// Records a fixed-message runtime error.
pub unsafe extern "C" fn rt_error(ctx: *mut JitCtx, code: i64, span: i64) {
    guard(ctx, span, |c| {
        let m = match code {
            code::INT_DIV_ZERO => msg::INT_DIV_ZERO,
            code::INT_MOD_ZERO => msg::INT_MOD_ZERO,
            code::RANGE_STEP_ZERO => msg::RANGE_STEP_ZERO,
            code::RECURSION => "maximum recursion depth exceeded",
            code::INTERRUPTED => c
                .interrupt
                .as_ref()
                .and_then(|i| i.check())
                .unwrap_or("interrupted: the kernel was stopped here"),
            code::EMPTY_MIN => return err(c, msg::empty_reduction("minimum"), span),
            code::EMPTY_MAX => return err(c, msg::empty_reduction("maximum"), span),
            code::EMPTY_ARGMIN => "attempt to get argmin of an empty sequence",
            code::EMPTY_ARGMAX => "attempt to get argmax of an empty sequence",
            _ => "internal error: unknown error code",
        };
        err(c, m, span)
    })
}

/// Records an out-of-bounds index.
pub unsafe extern "C" fn rt_index_error(
    ctx: *mut JitCtx,
    index: i64,
    axis: i64,
    size: i64,
    span: i64,
) {
    guard(ctx, span, |c| {
        err(
            c,
            msg::index_out_of_bounds(index, axis as usize, size as usize),
            span,
        )
    })
}

/// Records a read of a local that was never assigned.
pub unsafe extern "C" fn rt_unassigned(ctx: *mut JitCtx, func: u64, local: u64, span: i64) {
    guard(ctx, span, |c| {
        // SAFETY: as in `with_interp`.
        let program = unsafe { &*c.lowered };
        let name = program.funcs[func as usize].locals[local as usize]
            .name
            .clone();
        err(
            c,
            format!("local variable '{name}' referenced before assignment"),
            span,
        )
    })
}

/// `assert` failed: records `AssertionError[: message]` at the statement `stmt` (an
/// `Assert` of the program native code was generated from).
pub unsafe extern "C" fn rt_assert_failed(ctx: *mut JitCtx, stmt: *const Stmt) {
    // SAFETY: `stmt` points into the program the compiled module keeps alive.
    let s = unsafe { &*stmt };
    let span = pack_span(s.span.start, s.span.end);
    guard(ctx, span, |c| {
        if let kernelc_sema::tir::StmtKind::Assert { msg, .. } = &s.kind {
            err(
                c,
                kernelc_runtime::error::msg::assertion(msg.as_deref()),
                span,
            )
        }
    })
}

macro_rules! checked_cast {
    ($name:ident, $t:ty, $r:ty, $f:path, $to:literal) => {
        /// A checked float-to-int conversion (nan or out of range is an error).
        pub unsafe extern "C" fn $name(ctx: *mut JitCtx, x: $t, span: i64) -> $r {
            match $f(x) {
                Some(v) => v,
                None => {
                    guard(ctx, span, |c| {
                        err(c, msg::float_to_int(x as f64, $to), span)
                    });
                    0
                }
            }
        }
    };
}
checked_cast!(rt_f64_to_i64, f64, i64, ops::f64_to_i64, "i64");
checked_cast!(rt_f64_to_i32, f64, i32, ops::f64_to_i32, "i32");
checked_cast!(rt_f32_to_i64, f32, i64, ops::f32_to_i64, "i64");
checked_cast!(rt_f32_to_i32, f32, i32, ops::f32_to_i32, "i32");

/// A checked float-to-int conversion to any integer type (`dtype`: an index into
/// `DType::ALL`), the result as a word (sign- or zero-extended); nan or out of range is an
/// error with the interpreter's message.
pub unsafe extern "C" fn rt_f64_to_int(ctx: *mut JitCtx, x: f64, span: i64, dtype: i64) -> i64 {
    let d = DType::ALL[dtype as usize];
    let (lo, hi) = d.int_range();
    match ops::f64_to_int_checked(x, lo, hi) {
        Some(v) => v as i64,
        None => {
            guard(ctx, span, |c| err(c, msg::float_to_int(x, d.name()), span));
            0
        }
    }
}

/// Integer power on u64 (wrapping; no exponent is negative).
pub extern "C" fn rt_ipow_u64(a: u64, b: u64) -> u64 {
    ops::ipow_u64(a, b).unwrap_or(0)
}

/// Integer power (negative exponent is an error).
pub unsafe extern "C" fn rt_ipow_i64(ctx: *mut JitCtx, a: i64, b: i64, span: i64) -> i64 {
    ops::ipow_i64(a, b).unwrap_or_else(|| {
        guard(ctx, span, |c| err(c, msg::NEG_INT_POWER, span));
        0
    })
}

/// Integer power (negative exponent is an error).
pub unsafe extern "C" fn rt_ipow_i32(ctx: *mut JitCtx, a: i32, b: i32, span: i64) -> i32 {
    ops::ipow_i32(a, b).unwrap_or_else(|| {
        guard(ctx, span, |c| err(c, msg::NEG_INT_POWER, span));
        0
    })
}

/// Pure scalar functions: `extern "C"` wrappers of the one definition in the runtime.
pub mod pure {
    use super::*;
    macro_rules! wrap2 {
        ($($name:ident => $f:path : $t:ty),* $(,)?) => {$(
            #[doc = concat!("`", stringify!($f), "`")]
            pub extern "C" fn $name(x: $t, y: $t) -> $t { $f(x, y) }
        )*};
    }
    wrap2!(
        floordiv_f64 => ops::floordiv_f64: f64, remainder_f64 => ops::remainder_f64: f64,
        floordiv_f32 => ops::floordiv_f32: f32, remainder_f32 => ops::remainder_f32: f32,
        shl_i64 => ops::shl_i64: i64, shr_i64 => ops::shr_i64: i64,
        shl_i32 => ops::shl_i32: i32, shr_i32 => ops::shr_i32: i32,
    );
    macro_rules! math_wrappers {
        (un: $(($n:ident, $n64:ident, $n32:ident)),*; bin: $(($b:ident, $b64:ident, $b32:ident)),*; tern: $(($t:ident, $t64:ident, $t32:ident)),*) => {
            $(
                #[doc = concat!("`math::", stringify!($n64), "`")]
                pub extern "C" fn $n64(x: f64) -> f64 { math::$n64(x) }
                #[doc = concat!("`math::", stringify!($n32), "`")]
                pub extern "C" fn $n32(x: f32) -> f32 { math::$n32(x) }
            )*
            $(
                #[doc = concat!("`math::", stringify!($b64), "`")]
                pub extern "C" fn $b64(x: f64, y: f64) -> f64 { math::$b64(x, y) }
                #[doc = concat!("`math::", stringify!($b32), "`")]
                pub extern "C" fn $b32(x: f32, y: f32) -> f32 { math::$b32(x, y) }
            )*
            $(
                #[doc = concat!("`math::", stringify!($t64), "`")]
                pub extern "C" fn $t64(x: f64, y: f64, z: f64) -> f64 { math::$t64(x, y, z) }
                #[doc = concat!("`math::", stringify!($t32), "`")]
                pub extern "C" fn $t32(x: f32, y: f32, z: f32) -> f32 { math::$t32(x, y, z) }
            )*
            /// The address of the runtime's definition of a float math function.
            pub fn math_addr(name: &str, is_f32: bool) -> Option<*const u8> {
                match name {
                    $( stringify!($n) => Some(if is_f32 { $n32 as *const u8 } else { $n64 as *const u8 }), )*
                    $( stringify!($b) => Some(if is_f32 { $b32 as *const u8 } else { $b64 as *const u8 }), )*
                    $( stringify!($t) => Some(if is_f32 { $t32 as *const u8 } else { $t64 as *const u8 }), )*
                    _ => None,
                }
            }
        };
    }
    math_wrappers!(
        un: (exp, exp_f64, exp_f32), (expm1, expm1_f64, expm1_f32), (log, log_f64, log_f32),
            (log1p, log1p_f64, log1p_f32), (log2, log2_f64, log2_f32), (log10, log10_f64, log10_f32),
            (sin, sin_f64, sin_f32), (cos, cos_f64, cos_f32), (tan, tan_f64, tan_f32),
            (arcsin, arcsin_f64, arcsin_f32), (arccos, arccos_f64, arccos_f32), (arctan, arctan_f64, arctan_f32),
            (sinh, sinh_f64, sinh_f32), (cosh, cosh_f64, cosh_f32), (tanh, tanh_f64, tanh_f32),
            (arcsinh, arcsinh_f64, arcsinh_f32), (arccosh, arccosh_f64, arccosh_f32), (arctanh, arctanh_f64, arctanh_f32),
            (sign, sign_f64, sign_f32), (rint, rint_f64, rint_f32), (cbrt, cbrt_f64, cbrt_f32);
        bin: (arctan2, arctan2_f64, arctan2_f32), (hypot, hypot_f64, hypot_f32), (pow, pow_f64, pow_f32),
             (minimum, minimum_f64, minimum_f32), (maximum, maximum_f64, maximum_f32), (fmod, fmod_f64, fmod_f32),
             (copysign, copysign_f64, copysign_f32), (nextafter, nextafter_f64, nextafter_f32);
        tern: (clip, clip_f64, clip_f32)
    );
}

/// A complex operation the runtime defines (`crate::lower::complex::code`: division,
/// power, reciprocal, abs, angle, a math function) on `a = (ar, ai)` and `b = (br, bi)`,
/// in complex128 (`is64`) or complex64 (the parts are f32 values widened exactly); writes
/// the result's two parts (a real result in the first) to `out`, widened to f64. Pure.
///
/// # Safety
/// `out` points to two writable f64.
pub unsafe extern "C" fn rt_cx(
    op: i64,
    is64: i64,
    ar: f64,
    ai: f64,
    br: f64,
    bi: f64,
    out: *mut f64,
) {
    use crate::lower::complex::code;
    use kernelc_runtime::complex as cx;
    use kernelc_runtime::complex_math as cxm;
    use num_complex::Complex;
    fn eval<T: cxm::CxPart>(op: i64, a: Complex<T>, b: Complex<T>) -> (T, T) {
        let c = match op {
            code::DIV => cx::div(a, b),
            code::POW => cx::pow(a, b),
            code::RECIPROCAL => cxm::reciprocal(a),
            code::ABS => Complex::new(cx::abs(a), T::ZERO),
            code::ANGLE => Complex::new(cx::angle(a), T::ZERO),
            k => match kernelc_runtime::optable::MathFn::ALL.get((k - code::MATH) as usize) {
                Some(&f) => cxm::cx_math(f, a),
                None => Complex::new(T::NAN, T::NAN),
            },
        };
        (c.re, c.im)
    }
    let (re, im) = if is64 != 0 {
        eval(op, Complex::new(ar, ai), Complex::new(br, bi))
    } else {
        let (re, im) = eval(
            op,
            Complex::new(ar as f32, ai as f32),
            Complex::new(br as f32, bi as f32),
        );
        (f64::from(re), f64::from(im))
    };
    // SAFETY: the caller passes a 16-byte stack slot.
    unsafe {
        out.write(re);
        out.add(1).write(im);
    }
}

/// A scalar draw in [0, 1).
pub unsafe extern "C" fn rt_random(ctx: *mut JitCtx) -> f64 {
    // SAFETY: native code passes its context.
    unsafe { (*ctx).rng.uniform_f64() }
}

/// A standard normal draw.
pub unsafe extern "C" fn rt_normal(ctx: *mut JitCtx) -> f64 {
    // SAFETY: as above.
    unsafe { (*ctx).rng.normal_f64() }
}

/// An integer draw in [lo, hi) (`hi <= lo` is an error).
pub unsafe extern "C" fn rt_randint(ctx: *mut JitCtx, lo: i64, hi: i64, span: i64) -> i64 {
    guard(ctx, span, |c| {
        if hi <= lo {
            err(c, msg::randint_bounds(lo, hi), span);
            return 0;
        }
        c.rng.randint(lo, hi)
    })
}

/// `seed(s)`.
pub unsafe extern "C" fn rt_seed(ctx: *mut JitCtx, s: i64) {
    // SAFETY: as above.
    unsafe { (*ctx).rng = Rng::seeded(s as u64) }
}

/// Iteration count of `range(start, stop, step)` (step != 0).
pub unsafe extern "C" fn rt_range_count(start: i64, stop: i64, step: i64) -> i64 {
    kernelc_runtime::optable::range_count(start, stop, step).min(i64::MAX as u64) as i64
}

/// Combines two float reduction partials with nan-propagating minimum/maximum.
pub unsafe extern "C" fn rt_minmax_f64(op: i64, a: f64, b: f64) -> f64 {
    if op == 0 {
        math::minimum_f64(a, b)
    } else {
        math::maximum_f64(a, b)
    }
}

/// See [`rt_minmax_f64`].
pub unsafe extern "C" fn rt_minmax_f32(op: i64, a: f32, b: f32) -> f32 {
    if op == 0 {
        math::minimum_f32(a, b)
    } else {
        math::maximum_f32(a, b)
    }
}

/// The identity of a reduction operator, as a word.
pub fn identity_bits(op: RedOp, d: kernelc_runtime::DType) -> u64 {
    op.identity(d).to_word()
}

/// Packs a span (re-exported for the code generator).
pub fn span_word(start: u32, end: u32) -> i64 {
    pack_span(start, end)
}

/// The common element count of `k` arrays when they all have the same shape and are
/// C-contiguous (the case native fused loops handle), else -1.
pub unsafe extern "C" fn rt_fuse_len(hs: *const u64, k: u64) -> i64 {
    // SAFETY: native code passes `k` live handles.
    let hs = unsafe { std::slice::from_raw_parts(hs, k as usize) };
    let mut shape: Option<&[usize]> = None;
    for &h in hs {
        // SAFETY: live handle.
        let a = unsafe { &(*(h as *const ArrayHandle)).array };
        if !a.is_c_contiguous() || shape.is_some_and(|s| s != a.shape()) {
            return -1;
        }
        shape = Some(a.shape());
    }
    shape.map_or(-1, |s| s.iter().product::<usize>() as i64)
}

/// A new zero-filled C-contiguous array with the shape of handle `like` and element type
/// `dtype` (`DType` as its index in bool, i32, i64, f32, f64).
pub unsafe extern "C" fn rt_new_like(ctx: *mut JitCtx, like: u64, dtype: u64, span: i64) -> u64 {
    guard(ctx, span, |c| {
        use kernelc_runtime::DType::*;
        let d = [Bool, I32, I64, F32, F64][dtype as usize % 5];
        // SAFETY: live handle.
        let shape = unsafe { (*(like as *const ArrayHandle)).array.shape().to_vec() };
        match kernelc_runtime::construct::zeros(d, &shape) {
            Ok(a) => ArrayHandle::into_raw(a) as u64,
            Err(m) => {
                err(c, m, span);
                0
            }
        }
    })
}

/// For a store into a whole array: the element count when the target (first handle) and
/// the operands are C-contiguous with one shape and every operand either does not overlap
/// the target or is exactly aligned with it (element i read before element i is written);
/// else -1.
pub unsafe extern "C" fn rt_store_len(hs: *const u64, k: u64) -> i64 {
    // SAFETY: as in `rt_fuse_len`.
    let n = unsafe { rt_fuse_len(hs, k) };
    if n < 0 {
        return -1;
    }
    // SAFETY: native code passes `k >= 1` live handles.
    let hs = unsafe { std::slice::from_raw_parts(hs, k as usize) };
    // SAFETY: live handles.
    let t = unsafe { &*(hs[0] as *const ArrayHandle) };
    for &h in &hs[1..] {
        // SAFETY: live handle.
        let a = unsafe { &*(h as *const ArrayHandle) };
        if a.array.shares_buffer(&t.array) && a.data != t.data {
            return -1;
        }
    }
    n
}

/// A view of array `h` selected by the index items in `area` (see `lower/view.rs` for the
/// layout); a new handle, or 0 with the selection's error (the interpreter's messages).
pub unsafe extern "C" fn rt_view(
    ctx: *mut JitCtx,
    h: *const ArrayHandle,
    area: *const i64,
    whole: i64,
) -> u64 {
    use crate::lower::view::{VIEW_ITEM_WORDS, VIEW_SLICE};
    use kernelc_interp::index::{select, Item, Selection};
    use kernelc_syntax::Span;
    guard(ctx, whole, |c| {
        // SAFETY: native code passes a live handle and an area of `1 + 5 * n` words.
        let (array, words) = unsafe {
            let n = *area as usize;
            (
                &(*h).array,
                std::slice::from_raw_parts(area, 1 + VIEW_ITEM_WORDS * n),
            )
        };
        let mut items: smallvec::SmallVec<[Item; 4]> = smallvec::SmallVec::new();
        for w in words[1..].chunks_exact(VIEW_ITEM_WORDS) {
            let (s, e) = unpack_span(w[1]);
            let span = Span::new(s as usize, e as usize);
            items.push(if w[0] & VIEW_SLICE == 0 {
                Item::Int(w[2], span)
            } else {
                let part = |bit: usize| (w[0] >> (1 + bit) & 1 == 1).then_some(w[2 + bit]);
                Item::Slice {
                    start: part(0),
                    stop: part(1),
                    step: part(2),
                    span,
                }
            });
        }
        let (s, e) = unpack_span(whole);
        match select(array, &items, Span::new(s as usize, e as usize)) {
            Ok(Selection::View(v)) => ArrayHandle::into_raw(v) as u64,
            Ok(Selection::Element(_)) => {
                err(c, "internal error: a view selects one element", whole);
                0
            }
            Err(e) => {
                c.fail(e);
                0
            }
        }
    })
}
