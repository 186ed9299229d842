//! Per-element operation definitions, generic over the element type.
//!
//! Every operation is defined once here, in terms of `kernelc_runtime::ops` and
//! `kernelc_runtime::math` (which the JIT also reproduces), and serves both the scalar
//! path (tree walking over `Scalar`s) and the array kernels (typed loops over `&[T]`,
//! monomorphised per element type and per operation, see [`crate::elementwise`]).
//!
//! Failing operations (integer `//` and `%` by zero, negative integer power, bad float to
//! int cast) return `None`; callers turn that into the standard message.

use kernelc_runtime::error::msg;
use kernelc_runtime::{math, ops, DType, Element, Scalar};
use kernelc_sema::tir::{BinOp, MathFn, UnOp};

/// A message-only error from a kernel; the caller attaches the source span.
pub(crate) type Fallible<T> = Result<T, String>;

/// Dispatches on a [`DType`], binding a type alias to the matching Rust element type of
/// the real types. Complex types have their own kernels (`crate::complex`,
/// `crate::complex_array`), dispatched before this: reaching it with one returns an
/// internal error from the enclosing function (or runs the `complex =>` expression).
macro_rules! with_dtype {
    ($dt:expr, $T:ident => $body:expr) => {
        $crate::scalar::with_dtype!($dt, $T => $body, complex => {
            return Err($crate::scalar::complex_here($dt).into())
        })
    };
    ($dt:expr, $T:ident => $body:expr, complex => $other:expr) => {
        match $dt {
            kernelc_runtime::DType::Bool => {
                type $T = bool;
                $body
            }
            kernelc_runtime::DType::I8 => {
                type $T = i8;
                $body
            }
            kernelc_runtime::DType::I16 => {
                type $T = i16;
                $body
            }
            kernelc_runtime::DType::I32 => {
                type $T = i32;
                $body
            }
            kernelc_runtime::DType::I64 => {
                type $T = i64;
                $body
            }
            kernelc_runtime::DType::U8 => {
                type $T = u8;
                $body
            }
            kernelc_runtime::DType::U16 => {
                type $T = u16;
                $body
            }
            kernelc_runtime::DType::U32 => {
                type $T = u32;
                $body
            }
            kernelc_runtime::DType::U64 => {
                type $T = u64;
                $body
            }
            kernelc_runtime::DType::F32 => {
                type $T = f32;
                $body
            }
            kernelc_runtime::DType::F64 => {
                type $T = f64;
                $body
            }
            kernelc_runtime::DType::C64 | kernelc_runtime::DType::C128 => $other,
        }
    };
}
pub(crate) use with_dtype;

/// The internal error of a complex type reaching a kernel of the real types.
pub(crate) fn complex_here(d: DType) -> String {
    format!("internal error: a {d} value reached an operation of the real types")
}

/// Dispatches on a float [`DType`]; `$other` runs for the others.
macro_rules! with_float_dtype {
    ($dt:expr, $T:ident => $body:expr, _ => $other:expr) => {
        match $dt {
            kernelc_runtime::DType::F32 => {
                type $T = f32;
                $body
            }
            kernelc_runtime::DType::F64 => {
                type $T = f64;
                $body
            }
            _ => $other,
        }
    };
}
pub(crate) use with_float_dtype;

/// An element type with every operation of the language (those that make no sense for a
/// type are rejected by [`Num::supports`] before they are called).
pub(crate) trait Num: Element + PartialOrd + Default + std::fmt::Debug {
    const ONE: Self;

    fn supports(op: BinOp) -> bool;
    fn add(self, o: Self) -> Self;
    fn sub(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    fn div(self, o: Self) -> Self;
    fn floordiv(self, o: Self) -> Option<Self>;
    fn rem(self, o: Self) -> Option<Self>;
    fn pow(self, o: Self) -> Option<Self>;
    fn bitand(self, o: Self) -> Self;
    fn bitor(self, o: Self) -> Self;
    fn bitxor(self, o: Self) -> Self;
    fn shl(self, o: Self) -> Self;
    fn shr(self, o: Self) -> Self;
    fn neg(self) -> Self;
    fn invert(self) -> Self;
    /// NumPy `minimum` / `maximum` (nan propagates).
    fn minimum(self, o: Self) -> Self;
    fn maximum(self, o: Self) -> Self;
    fn abs(self) -> Self;
    fn sign(self) -> Self;
    fn clip(self, lo: Self, hi: Self) -> Self;
    fn is_nan(self) -> bool;

    fn from_bool(b: bool) -> Self;
    /// From an integer (ints wrap, floats round to nearest once).
    fn from_i128(v: i128) -> Self;
    /// From an f64 (floats round; ints truncate, `None` for nan / out of range).
    fn from_f64(v: f64) -> Option<Self>;
    /// From an f32 (exact for f64; ints truncate, `None` for nan / out of range).
    fn from_f32(v: f32) -> Option<Self>;
}

impl Num for bool {
    const ONE: bool = true;
    fn supports(op: BinOp) -> bool {
        use BinOp::*;
        // NumPy: `+` on bools is `or`, `*` is `and`.
        matches!(op, Add | Mul | BitAnd | BitOr | BitXor) || op.is_comparison()
    }
    fn add(self, o: bool) -> bool {
        self | o
    }
    fn sub(self, o: bool) -> bool {
        self ^ o
    }
    fn mul(self, o: bool) -> bool {
        self & o
    }
    fn div(self, _: bool) -> bool {
        false
    }
    fn floordiv(self, _: bool) -> Option<bool> {
        None
    }
    fn rem(self, _: bool) -> Option<bool> {
        None
    }
    fn pow(self, _: bool) -> Option<bool> {
        None
    }
    fn bitand(self, o: bool) -> bool {
        self & o
    }
    fn bitor(self, o: bool) -> bool {
        self | o
    }
    fn bitxor(self, o: bool) -> bool {
        self ^ o
    }
    fn shl(self, _: bool) -> bool {
        false
    }
    fn shr(self, _: bool) -> bool {
        false
    }
    fn neg(self) -> bool {
        self
    }
    fn invert(self) -> bool {
        !self
    }
    fn minimum(self, o: bool) -> bool {
        self & o
    }
    fn maximum(self, o: bool) -> bool {
        self | o
    }
    fn abs(self) -> bool {
        self
    }
    fn sign(self) -> bool {
        self
    }
    fn clip(self, lo: bool, hi: bool) -> bool {
        (self | lo) & hi
    }
    fn is_nan(self) -> bool {
        false
    }
    fn from_bool(b: bool) -> bool {
        b
    }
    fn from_i128(v: i128) -> bool {
        v != 0
    }
    fn from_f64(v: f64) -> Option<bool> {
        Some(ops::f64_to_bool(v))
    }
    fn from_f32(v: f32) -> Option<bool> {
        Some(ops::f32_to_bool(v))
    }
}

macro_rules! int_num {
    ($t:ty, $floordiv:path, $mod:path, $pow:path, $shl:path, $shr:path) => {
        impl Num for $t {
            const ONE: $t = 1;
            fn supports(op: BinOp) -> bool {
                op != BinOp::Div
            }
            #[inline(always)]
            fn add(self, o: $t) -> $t {
                self.wrapping_add(o)
            }
            #[inline(always)]
            fn sub(self, o: $t) -> $t {
                self.wrapping_sub(o)
            }
            #[inline(always)]
            fn mul(self, o: $t) -> $t {
                self.wrapping_mul(o)
            }
            fn div(self, _: $t) -> $t {
                0
            }
            #[inline(always)]
            fn floordiv(self, o: $t) -> Option<$t> {
                $floordiv(self, o)
            }
            #[inline(always)]
            fn rem(self, o: $t) -> Option<$t> {
                $mod(self, o)
            }
            #[inline(always)]
            fn pow(self, o: $t) -> Option<$t> {
                $pow(self, o)
            }
            #[inline(always)]
            fn bitand(self, o: $t) -> $t {
                self & o
            }
            #[inline(always)]
            fn bitor(self, o: $t) -> $t {
                self | o
            }
            #[inline(always)]
            fn bitxor(self, o: $t) -> $t {
                self ^ o
            }
            #[inline(always)]
            fn shl(self, o: $t) -> $t {
                $shl(self, o)
            }
            #[inline(always)]
            fn shr(self, o: $t) -> $t {
                $shr(self, o)
            }
            #[inline(always)]
            fn neg(self) -> $t {
                (0 as $t).wrapping_sub(self)
            }
            #[inline(always)]
            fn invert(self) -> $t {
                !self
            }
            #[inline(always)]
            fn minimum(self, o: $t) -> $t {
                self.min(o)
            }
            #[inline(always)]
            fn maximum(self, o: $t) -> $t {
                self.max(o)
            }
            /// NumPy: `abs(MIN)` wraps to `MIN`; unsigned values are their own abs.
            #[inline(always)]
            fn abs(self) -> $t {
                #[allow(unused_comparisons)]
                if self < 0 {
                    (0 as $t).wrapping_sub(self)
                } else {
                    self
                }
            }
            #[inline(always)]
            fn sign(self) -> $t {
                #[allow(unused_comparisons)]
                let neg = self < 0;
                (0 as $t)
                    .wrapping_sub(neg as $t)
                    .wrapping_add((self > 0) as $t)
            }
            /// NumPy `clip`: `minimum(maximum(x, lo), hi)`.
            #[inline(always)]
            fn clip(self, lo: $t, hi: $t) -> $t {
                self.max(lo).min(hi)
            }
            fn is_nan(self) -> bool {
                false
            }
            fn from_bool(b: bool) -> $t {
                b as $t
            }
            #[inline(always)]
            fn from_i128(v: i128) -> $t {
                v as $t
            }
            #[inline(always)]
            fn from_f64(v: f64) -> Option<$t> {
                ops::f64_to_int_checked(v, <$t>::MIN as i128, <$t>::MAX as i128).map(|v| v as $t)
            }
            #[inline(always)]
            fn from_f32(v: f32) -> Option<$t> {
                Self::from_f64(v as f64)
            }
        }
    };
}

int_num!(
    i8,
    ops::floordiv_i8,
    ops::mod_i8,
    ops::ipow_i8,
    ops::shl_i8,
    ops::shr_i8
);
int_num!(
    i16,
    ops::floordiv_i16,
    ops::mod_i16,
    ops::ipow_i16,
    ops::shl_i16,
    ops::shr_i16
);
int_num!(
    i32,
    ops::floordiv_i32,
    ops::mod_i32,
    ops::ipow_i32,
    ops::shl_i32,
    ops::shr_i32
);
int_num!(
    i64,
    ops::floordiv_i64,
    ops::mod_i64,
    ops::ipow_i64,
    ops::shl_i64,
    ops::shr_i64
);
int_num!(
    u8,
    ops::floordiv_u8,
    ops::mod_u8,
    ops::ipow_u8,
    ops::shl_u8,
    ops::shr_u8
);
int_num!(
    u16,
    ops::floordiv_u16,
    ops::mod_u16,
    ops::ipow_u16,
    ops::shl_u16,
    ops::shr_u16
);
int_num!(
    u32,
    ops::floordiv_u32,
    ops::mod_u32,
    ops::ipow_u32,
    ops::shl_u32,
    ops::shr_u32
);
int_num!(
    u64,
    ops::floordiv_u64,
    ops::mod_u64,
    ops::ipow_u64,
    ops::shl_u64,
    ops::shr_u64
);

macro_rules! float_num {
    ($t:ty, $floordiv:path, $rem:path, $pow:path, $min:path, $max:path, $abs:path,
     $sign:path, $clip:path, $from_f64:expr) => {
        impl Num for $t {
            const ONE: $t = 1.0;
            fn supports(op: BinOp) -> bool {
                use BinOp::*;
                !matches!(op, BitAnd | BitOr | BitXor | Shl | Shr)
            }
            #[inline(always)]
            fn add(self, o: $t) -> $t {
                self + o
            }
            #[inline(always)]
            fn sub(self, o: $t) -> $t {
                self - o
            }
            #[inline(always)]
            fn mul(self, o: $t) -> $t {
                self * o
            }
            #[inline(always)]
            fn div(self, o: $t) -> $t {
                self / o
            }
            #[inline(always)]
            fn floordiv(self, o: $t) -> Option<$t> {
                Some($floordiv(self, o))
            }
            #[inline(always)]
            fn rem(self, o: $t) -> Option<$t> {
                Some($rem(self, o))
            }
            #[inline(always)]
            fn pow(self, o: $t) -> Option<$t> {
                Some($pow(self, o))
            }
            fn bitand(self, _: $t) -> $t {
                0.0
            }
            fn bitor(self, _: $t) -> $t {
                0.0
            }
            fn bitxor(self, _: $t) -> $t {
                0.0
            }
            fn shl(self, _: $t) -> $t {
                0.0
            }
            fn shr(self, _: $t) -> $t {
                0.0
            }
            #[inline(always)]
            fn neg(self) -> $t {
                -self
            }
            fn invert(self) -> $t {
                0.0
            }
            #[inline(always)]
            fn minimum(self, o: $t) -> $t {
                $min(self, o)
            }
            #[inline(always)]
            fn maximum(self, o: $t) -> $t {
                $max(self, o)
            }
            #[inline(always)]
            fn abs(self) -> $t {
                $abs(self)
            }
            #[inline(always)]
            fn sign(self) -> $t {
                $sign(self)
            }
            #[inline(always)]
            fn clip(self, lo: $t, hi: $t) -> $t {
                $clip(self, lo, hi)
            }
            #[inline(always)]
            fn is_nan(self) -> bool {
                self.is_nan()
            }
            fn from_bool(b: bool) -> $t {
                if b {
                    1.0
                } else {
                    0.0
                }
            }
            #[inline(always)]
            fn from_i128(v: i128) -> $t {
                // One rounding to nearest (as the code generator's conversions).
                v as $t
            }
            #[inline(always)]
            fn from_f64(v: f64) -> Option<$t> {
                Some($from_f64(v))
            }
            #[inline(always)]
            fn from_f32(v: f32) -> Option<$t> {
                Some(v as $t)
            }
        }
    };
}

float_num!(
    f64,
    ops::floordiv_f64,
    ops::remainder_f64,
    math::pow_f64,
    math::minimum_f64,
    math::maximum_f64,
    math::abs_f64,
    math::sign_f64,
    math::clip_f64,
    (|v: f64| v)
);
float_num!(
    f32,
    ops::floordiv_f32,
    ops::remainder_f32,
    math::pow_f32,
    math::minimum_f32,
    math::maximum_f32,
    math::abs_f32,
    math::sign_f32,
    math::clip_f32,
    ops::f64_to_f32
);

/// Float-only math functions (one per [`MathFn`] not in [`Num`]).
pub(crate) trait Float: Num {
    fn sqrt(self) -> Self;
    fn exp(self) -> Self;
    fn expm1(self) -> Self;
    fn log(self) -> Self;
    fn log1p(self) -> Self;
    fn log2(self) -> Self;
    fn log10(self) -> Self;
    fn sin(self) -> Self;
    fn cos(self) -> Self;
    fn tan(self) -> Self;
    fn arcsin(self) -> Self;
    fn arccos(self) -> Self;
    fn arctan(self) -> Self;
    fn sinh(self) -> Self;
    fn cosh(self) -> Self;
    fn tanh(self) -> Self;
    fn arcsinh(self) -> Self;
    fn arccosh(self) -> Self;
    fn arctanh(self) -> Self;
    fn cbrt(self) -> Self;
    fn floor(self) -> Self;
    fn ceil(self) -> Self;
    fn trunc(self) -> Self;
    fn rint(self) -> Self;
    fn arctan2(self, o: Self) -> Self;
    fn hypot(self, o: Self) -> Self;
    fn powf(self, o: Self) -> Self;
    fn copysign(self, o: Self) -> Self;
    fn fmod(self, o: Self) -> Self;
    fn nextafter(self, o: Self) -> Self;
    fn isnan(self) -> bool;
    fn isinf(self) -> bool;
    fn isfinite(self) -> bool;
}

macro_rules! float_math {
    ($t:ty; unary: $($u:ident = $up:path),* ; binary: $($b:ident = $bp:path),* ;
     pred: $($p:ident = $pp:path),*) => {
        impl Float for $t {
            $(#[inline(always)] fn $u(self) -> $t { $up(self) })*
            $(#[inline(always)] fn $b(self, o: $t) -> $t { $bp(self, o) })*
            $(#[inline(always)] fn $p(self) -> bool { $pp(self) })*
        }
    };
}

float_math!(f64;
    unary: sqrt = math::sqrt_f64, exp = math::exp_f64, expm1 = math::expm1_f64,
        log = math::log_f64, log1p = math::log1p_f64, log2 = math::log2_f64,
        log10 = math::log10_f64, sin = math::sin_f64, cos = math::cos_f64,
        tan = math::tan_f64, arcsin = math::arcsin_f64, arccos = math::arccos_f64,
        arctan = math::arctan_f64, sinh = math::sinh_f64, cosh = math::cosh_f64,
        tanh = math::tanh_f64, arcsinh = math::arcsinh_f64, arccosh = math::arccosh_f64,
        arctanh = math::arctanh_f64, cbrt = math::cbrt_f64, floor = math::floor_f64, ceil = math::ceil_f64,
        trunc = math::trunc_f64, rint = math::rint_f64;
    binary: arctan2 = math::arctan2_f64, hypot = math::hypot_f64, powf = math::pow_f64,
        copysign = math::copysign_f64, fmod = math::fmod_f64,
        nextafter = math::nextafter_f64;
    pred: isnan = math::isnan_f64, isinf = math::isinf_f64, isfinite = math::isfinite_f64
);
float_math!(f32;
    unary: sqrt = math::sqrt_f32, exp = math::exp_f32, expm1 = math::expm1_f32,
        log = math::log_f32, log1p = math::log1p_f32, log2 = math::log2_f32,
        log10 = math::log10_f32, sin = math::sin_f32, cos = math::cos_f32,
        tan = math::tan_f32, arcsin = math::arcsin_f32, arccos = math::arccos_f32,
        arctan = math::arctan_f32, sinh = math::sinh_f32, cosh = math::cosh_f32,
        tanh = math::tanh_f32, arcsinh = math::arcsinh_f32, arccosh = math::arccosh_f32,
        arctanh = math::arctanh_f32, cbrt = math::cbrt_f32, floor = math::floor_f32, ceil = math::ceil_f32,
        trunc = math::trunc_f32, rint = math::rint_f32;
    binary: arctan2 = math::arctan2_f32, hypot = math::hypot_f32, powf = math::pow_f32,
        copysign = math::copysign_f32, fmod = math::fmod_f32,
        nextafter = math::nextafter_f32;
    pred: isnan = math::isnan_f32, isinf = math::isinf_f32, isfinite = math::isfinite_f32
);

/// Expands to a `match` over every [`MathFn`], calling one of four caller-supplied macros
/// with the element function (`$T` is the element type):
/// `$un!(f)` for `T -> T`, `$bin!(f)` for `(T, T) -> T`, `$pred!(f)` for `T -> bool`,
/// `$clip!(f)` for `(T, T, T) -> T`. Functions that also take ints come from [`Num`].
macro_rules! math_float_match {
    ($f:expr, $T:ty, $un:ident, $bin:ident, $pred:ident, $clip:ident) => {{
        use kernelc_sema::tir::MathFn as M;
        use $crate::scalar::{Float, Num};
        match $f {
            M::Sqrt => $un!(<$T as Float>::sqrt),
            M::Exp => $un!(<$T as Float>::exp),
            M::Expm1 => $un!(<$T as Float>::expm1),
            M::Log => $un!(<$T as Float>::log),
            M::Log1p => $un!(<$T as Float>::log1p),
            M::Log2 => $un!(<$T as Float>::log2),
            M::Log10 => $un!(<$T as Float>::log10),
            M::Sin => $un!(<$T as Float>::sin),
            M::Cos => $un!(<$T as Float>::cos),
            M::Tan => $un!(<$T as Float>::tan),
            M::Arcsin => $un!(<$T as Float>::arcsin),
            M::Arccos => $un!(<$T as Float>::arccos),
            M::Arctan => $un!(<$T as Float>::arctan),
            M::Sinh => $un!(<$T as Float>::sinh),
            M::Cosh => $un!(<$T as Float>::cosh),
            M::Tanh => $un!(<$T as Float>::tanh),
            M::Arcsinh => $un!(<$T as Float>::arcsinh),
            M::Arccosh => $un!(<$T as Float>::arccosh),
            M::Arctanh => $un!(<$T as Float>::arctanh),
            M::Floor => $un!(<$T as Float>::floor),
            M::Ceil => $un!(<$T as Float>::ceil),
            M::Trunc => $un!(<$T as Float>::trunc),
            M::Rint => $un!(<$T as Float>::rint),
            M::Abs => $un!(<$T as Num>::abs),
            M::Sign => $un!(<$T as Num>::sign),
            M::Arctan2 => $bin!(<$T as Float>::arctan2),
            M::Hypot => $bin!(<$T as Float>::hypot),
            M::Pow => $bin!(<$T as Float>::powf),
            M::Copysign => $bin!(<$T as Float>::copysign),
            M::Fmod => $bin!(<$T as Float>::fmod),
            M::Minimum => $bin!(<$T as Num>::minimum),
            M::Maximum => $bin!(<$T as Num>::maximum),
            M::IsNan => $pred!(<$T as Float>::isnan),
            M::IsInf => $pred!(<$T as Float>::isinf),
            M::IsFinite => $pred!(<$T as Float>::isfinite),
            M::Clip => $clip!(<$T as Num>::clip),
            M::Cbrt => $un!(<$T as Float>::cbrt),
            M::Nextafter => $bin!(<$T as Float>::nextafter),
        }
    }};
}
pub(crate) use math_float_match;

/// The [`MathFn`]s that also take integer (and bool) arguments, as [`math_float_match`];
/// `$other` runs for the rest.
macro_rules! math_int_match {
    ($f:expr, $T:ty, $un:ident, $bin:ident, $clip:ident, _ => $other:expr) => {{
        use kernelc_sema::tir::MathFn as M;
        use $crate::scalar::Num;
        match $f {
            M::Abs => $un!(<$T as Num>::abs),
            M::Sign => $un!(<$T as Num>::sign),
            M::Minimum => $bin!(<$T as Num>::minimum),
            M::Maximum => $bin!(<$T as Num>::maximum),
            M::Clip => $clip!(<$T as Num>::clip),
            _ => $other,
        }
    }};
}
pub(crate) use math_int_match;

/// Converts one element between types: the single definition of a cast (`None`: a nan or
/// out-of-range float cast to an int).
#[inline(always)]
pub(crate) fn cast<S: Num, D: Num>(x: S) -> Option<D> {
    // After monomorphisation the match is on a constant and folds away.
    match x.to_scalar() {
        Scalar::Bool(b) => Some(D::from_bool(b)),
        Scalar::F32(v) => D::from_f32(v),
        Scalar::F64(v) => D::from_f64(v),
        i => Some(D::from_i128(i.as_i128().unwrap_or(0))),
    }
}

/// The error for a failed cast of `x` to `to`.
pub(crate) fn cast_error(x: Scalar, to: DType) -> String {
    msg::float_to_int(x.as_f64(), to.name())
}

/// Casts a scalar value to another element type.
pub(crate) fn cast_scalar(x: Scalar, to: DType) -> Fallible<Scalar> {
    if x.dtype() == to {
        return Ok(x);
    }
    if x.dtype().is_complex() || to.is_complex() {
        return Ok(crate::complex::cast(x, to));
    }
    with_dtype!(x.dtype(), S => with_dtype!(to, D => {
        cast::<S, D>(S::from_scalar(x))
            .map(|v| v.to_scalar())
            .ok_or_else(|| cast_error(x, to))
    }))
}

/// The message for an operator the element type does not support (sema prevents it).
pub(crate) fn unsupported(op: &str, dtype: DType) -> String {
    format!("internal error: operator {op} is not supported for {dtype}")
}

/// A binary operator on two scalars of the same type.
pub(crate) fn binary_scalar(op: BinOp, a: Scalar, b: Scalar) -> Fallible<Scalar> {
    if a.dtype() != b.dtype() {
        return Err(format!(
            "internal error: operands of {} have types {} and {}",
            op.symbol(),
            a.dtype(),
            b.dtype()
        ));
    }
    if a.dtype().is_complex() {
        return crate::complex::binary(op, a, b);
    }
    with_dtype!(a.dtype(), T => binary_typed::<T>(op, T::from_scalar(a), T::from_scalar(b)))
}

/// A binary operator on two typed values.
#[inline]
pub(crate) fn binary_typed<T: Num>(op: BinOp, a: T, b: T) -> Fallible<Scalar> {
    use BinOp::*;
    if !T::supports(op) {
        return Err(unsupported(op.symbol(), T::DTYPE));
    }
    Ok(match op {
        Add => a.add(b).to_scalar(),
        Sub => a.sub(b).to_scalar(),
        Mul => a.mul(b).to_scalar(),
        Div => a.div(b).to_scalar(),
        FloorDiv => a.floordiv(b).ok_or(msg::INT_DIV_ZERO)?.to_scalar(),
        Mod => a.rem(b).ok_or(msg::INT_MOD_ZERO)?.to_scalar(),
        Pow => a.pow(b).ok_or(msg::NEG_INT_POWER)?.to_scalar(),
        BitAnd => a.bitand(b).to_scalar(),
        BitOr => a.bitor(b).to_scalar(),
        BitXor => a.bitxor(b).to_scalar(),
        Shl => a.shl(b).to_scalar(),
        Shr => a.shr(b).to_scalar(),
        Lt => Scalar::Bool(a < b),
        Le => Scalar::Bool(a <= b),
        Gt => Scalar::Bool(a > b),
        Ge => Scalar::Bool(a >= b),
        Eq => Scalar::Bool(a == b),
        Ne => Scalar::Bool(a != b),
    })
}

/// A unary operator on a scalar.
pub(crate) fn unary_scalar(op: UnOp, a: Scalar) -> Fallible<Scalar> {
    if a.dtype().is_complex() {
        return crate::complex::unary(op, a);
    }
    with_dtype!(a.dtype(), T => {
        let x = T::from_scalar(a);
        match op {
            UnOp::Neg if T::DTYPE != DType::Bool => Ok(x.neg().to_scalar()),
            UnOp::Not | UnOp::Invert if T::DTYPE == DType::Bool || T::DTYPE.is_int() => {
                Ok(x.invert().to_scalar())
            }
            _ => Err(unsupported(unop_symbol(op), T::DTYPE)),
        }
    })
}

pub(crate) fn unop_symbol(op: UnOp) -> &'static str {
    match op {
        UnOp::Neg => "-",
        UnOp::Not => "not",
        UnOp::Invert => "~",
    }
}

/// `x ** n` for a float and a literal `n` in `0..=4` (repeated multiplication, in the order
/// the typed IR documents).
#[inline(always)]
pub(crate) fn pow_int<T: Num>(x: T, n: u32) -> T {
    match n {
        0 => T::ONE,
        1 => x,
        2 => x.mul(x),
        3 => x.mul(x).mul(x),
        4 => {
            let x2 = x.mul(x);
            x2.mul(x2)
        }
        _ => {
            // Not produced by sema; repeated multiplication keeps the meaning.
            let mut r = x;
            for _ in 1..n {
                r = r.mul(x);
            }
            r
        }
    }
}

/// `x ** n` on a scalar (real types: sema writes complex powers as `**`).
pub(crate) fn pow_int_scalar(x: Scalar, n: u32) -> Fallible<Scalar> {
    Ok(with_dtype!(x.dtype(), T => pow_int(T::from_scalar(x), n).to_scalar()))
}

/// The element type shared by a math function's arguments (sema guarantees one type and
/// the right count; anything else is an internal error).
pub(crate) fn math_arg_type(f: MathFn, dtypes: impl Iterator<Item = DType>) -> Fallible<DType> {
    let all: Vec<DType> = dtypes.collect();
    match all.first() {
        Some(&d) if all.len() == f.arity() && all.iter().all(|&x| x == d) => Ok(d),
        _ => Err(format!(
            "internal error: bad arguments to {}: {all:?}",
            f.name()
        )),
    }
}

/// A math function on scalars of one type.
pub(crate) fn math_scalar(f: MathFn, args: &[Scalar]) -> Fallible<Scalar> {
    let dt = math_arg_type(f, args.iter().map(|a| a.dtype()))?;
    macro_rules! un {
        ($g:expr) => {
            Ok($g(T::from_scalar(args[0])).to_scalar())
        };
    }
    macro_rules! bin {
        ($g:expr) => {
            Ok($g(T::from_scalar(args[0]), T::from_scalar(args[1])).to_scalar())
        };
    }
    macro_rules! pred {
        ($g:expr) => {
            Ok(Scalar::Bool($g(T::from_scalar(args[0]))))
        };
    }
    macro_rules! clip {
        ($g:expr) => {
            Ok($g(
                T::from_scalar(args[0]),
                T::from_scalar(args[1]),
                T::from_scalar(args[2]),
            )
            .to_scalar())
        };
    }
    with_float_dtype!(dt, T => math_float_match!(f, T, un, bin, pred, clip), _ => {
        with_dtype!(dt, T => math_int_match!(f, T, un, bin, clip, _ => Err(format!("internal error: {} is not defined for {dt}", f.name()))))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalar_ops_follow_python() {
        let i = Scalar::I64;
        assert_eq!(binary_scalar(BinOp::FloorDiv, i(-7), i(2)), Ok(i(-4)));
        assert_eq!(binary_scalar(BinOp::Mod, i(-7), i(2)), Ok(i(1)));
        assert_eq!(
            binary_scalar(BinOp::Mod, i(1), i(0)),
            Err(msg::INT_MOD_ZERO.to_string())
        );
        assert_eq!(
            binary_scalar(BinOp::Pow, i(2), i(-1)),
            Err(msg::NEG_INT_POWER.to_string())
        );
        assert_eq!(
            binary_scalar(BinOp::Add, i(i64::MAX), i(1)),
            Ok(i(i64::MIN))
        );
        assert_eq!(
            binary_scalar(BinOp::Lt, Scalar::F64(f64::NAN), Scalar::F64(1.0)),
            Ok(Scalar::Bool(false))
        );
    }

    #[test]
    fn casts() {
        assert_eq!(
            cast_scalar(Scalar::F64(-2.7), DType::I64),
            Ok(Scalar::I64(-2))
        );
        assert!(cast_scalar(Scalar::F64(f64::NAN), DType::I32).is_err());
        assert!(cast_scalar(Scalar::F64(3e9), DType::I32).is_err());
        assert_eq!(
            cast_scalar(Scalar::I64(1 << 32 | 5), DType::I32),
            Ok(Scalar::I32(5))
        );
        assert_eq!(
            cast_scalar(Scalar::F64(0.5), DType::Bool),
            Ok(Scalar::Bool(true))
        );
        assert_eq!(
            cast_scalar(Scalar::Bool(true), DType::F32),
            Ok(Scalar::F32(1.0))
        );
    }

    #[test]
    fn pow_int_order() {
        assert_eq!(
            pow_int_scalar(Scalar::F64(f64::NAN), 0),
            Ok(Scalar::F64(1.0))
        );
        assert_eq!(pow_int_scalar(Scalar::F64(3.0), 3), Ok(Scalar::F64(27.0)));
    }
}
