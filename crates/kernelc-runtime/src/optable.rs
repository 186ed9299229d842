//! The op table: what the type checker, both executors and the fuzzer need to know about
//! the language's math functions and reductions, defined once.
//!
//! * [`MathFn`]: every math function of LANGUAGE.md §6 — its source names (with NumPy's
//!   and `math`'s aliases), arity, which argument types it takes and its result type
//!   ([`MathFn::types`]); the functions themselves are [`crate::math`].
//! * [`ReduceOp`]: the whole-array reductions, with their accumulator and result types.
//! * [`RedOp`]: the reduction operators of `prange` reduction variables, with their
//!   identity and the rule that combines two partials (min/max propagate nan).
//! * [`range_count`]: the number of iterations of `range(start, stop, step)`.
//!
//! Scalar value <-> 64-bit word conversion (how native code holds a scalar) is
//! [`Scalar::to_word`] / [`Scalar::from_word`].
//!
//! Producers and consumers: `kernelc-sema` resolves names and types calls with this table
//! (and re-exports the enums in its typed IR), `kernelc-interp` evaluates with it,
//! `kernelc-codegen` takes identities, range counts and words from it, and `kernelc-fuzz`
//! generates calls from it.

use crate::{math, DType, Scalar};

/// Math functions (LANGUAGE.md §6), defined once in [`crate::math`].
/// Float functions take f32/f64 arguments (ints are cast to f64). `Abs`, `Sign`,
/// `Minimum`, `Maximum`, `Clip` also take ints. `IsNan`/`IsInf`/`IsFinite` return bool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MathFn {
    Sqrt,
    Exp,
    Expm1,
    Log,
    Log1p,
    Log2,
    Log10,
    Sin,
    Cos,
    Tan,
    Arcsin,
    Arccos,
    Arctan,
    Arctan2,
    Sinh,
    Cosh,
    Tanh,
    Arcsinh,
    Arccosh,
    Arctanh,
    Hypot,
    Pow,
    Abs,
    Floor,
    Ceil,
    Trunc,
    Rint,
    Sign,
    Copysign,
    Minimum,
    Maximum,
    Fmod,
    IsNan,
    IsInf,
    IsFinite,
    Clip,
    Cbrt,
    Nextafter,
}

impl MathFn {
    /// Every math function, in the order of LANGUAGE.md §6, then the element-wise
    /// functions of §9 that need their own definition (`cbrt`, `nextafter`).
    pub const ALL: [MathFn; 38] = {
        use MathFn::*;
        [
            Sqrt, Exp, Expm1, Log, Log1p, Log2, Log10, Sin, Cos, Tan, Arcsin, Arccos, Arctan,
            Arctan2, Sinh, Cosh, Tanh, Arcsinh, Arccosh, Arctanh, Hypot, Pow, Abs, Floor, Ceil,
            Trunc, Rint, Sign, Copysign, Minimum, Maximum, Fmod, IsNan, IsInf, IsFinite, Clip,
            Cbrt, Nextafter,
        ]
    };

    /// The source name (the NumPy name).
    pub fn name(self) -> &'static str {
        use MathFn::*;
        match self {
            Sqrt => "sqrt",
            Exp => "exp",
            Expm1 => "expm1",
            Log => "log",
            Log1p => "log1p",
            Log2 => "log2",
            Log10 => "log10",
            Sin => "sin",
            Cos => "cos",
            Tan => "tan",
            Arcsin => "arcsin",
            Arccos => "arccos",
            Arctan => "arctan",
            Arctan2 => "arctan2",
            Sinh => "sinh",
            Cosh => "cosh",
            Tanh => "tanh",
            Arcsinh => "arcsinh",
            Arccosh => "arccosh",
            Arctanh => "arctanh",
            Hypot => "hypot",
            Pow => "pow",
            Abs => "abs",
            Floor => "floor",
            Ceil => "ceil",
            Trunc => "trunc",
            Rint => "rint",
            Sign => "sign",
            Copysign => "copysign",
            Minimum => "minimum",
            Maximum => "maximum",
            Fmod => "fmod",
            IsNan => "isnan",
            IsInf => "isinf",
            IsFinite => "isfinite",
            Clip => "clip",
            Cbrt => "cbrt",
            Nextafter => "nextafter",
        }
    }

    /// The function a source name denotes: the NumPy names and the aliases of NumPy
    /// (`absolute`, `power`) and of Python's `math` module (`fabs`, `asin`, `atan2`, ...).
    pub fn from_name(name: &str) -> Option<MathFn> {
        let name = match name {
            "absolute" | "fabs" => "abs",
            "asin" => "arcsin",
            "acos" => "arccos",
            "atan" => "arctan",
            "atan2" => "arctan2",
            "asinh" => "arcsinh",
            "acosh" => "arccosh",
            "atanh" => "arctanh",
            "power" => "pow",
            n => n,
        };
        MathFn::ALL.iter().copied().find(|m| m.name() == name)
    }

    /// Number of arguments.
    pub fn arity(self) -> usize {
        use MathFn::*;
        match self {
            Arctan2 | Hypot | Pow | Copysign | Minimum | Maximum | Fmod | Nextafter => 2,
            Clip => 3,
            _ => 1,
        }
    }

    /// True for the functions that also compute in integer types (bool arguments compute
    /// in i64).
    pub fn keeps_ints(self) -> bool {
        matches!(
            self,
            MathFn::Abs | MathFn::Sign | MathFn::Minimum | MathFn::Maximum | MathFn::Clip
        )
    }

    /// True for the predicates (`isnan`, `isinf`, `isfinite`), whose result is bool.
    pub fn is_predicate(self) -> bool {
        matches!(self, MathFn::IsNan | MathFn::IsInf | MathFn::IsFinite)
    }

    /// `(argument type, result type)` of a call whose arguments promote to `t` (the type
    /// checker lowers `pow(x, y)` as the operator `x ** y`, whose integer rules differ): every
    /// argument is cast to the argument type (f32 stays f32, other types compute in f64,
    /// except that [`MathFn::keeps_ints`] functions keep integers, bool becoming i64).
    pub fn types(self, t: DType) -> (DType, DType) {
        let arg = if t.is_float() {
            t
        } else if t.is_int() && t.size() <= 2 && !self.keeps_ints() {
            // NumPy computes float functions of (u)int8/(u)int16 in float16/float32; the
            // language has no float16, so both give f32.
            DType::F32
        } else if self.keeps_ints() {
            if t == DType::Bool {
                DType::I64
            } else {
                t
            }
        } else {
            DType::F64
        };
        let res = if self.is_predicate() {
            DType::Bool
        } else {
            arg
        };
        (arg, res)
    }
}

/// Whole-array reductions (`sum(a)`, `a.max(axis=0)`, ...). Float `Sum`/`Mean`/`Norm` use
/// the pairwise order of [`crate::reduce`] along each reduced line; `Prod` multiplies in
/// order; `Min`/`Max` propagate nan and fail on empty input; `ArgMin`/`ArgMax` give the
/// first position (i64) and fail on empty input; `Mean` is sum / n; `Norm` is
/// `sqrt(sum(x*x))`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReduceOp {
    Sum,
    Prod,
    Min,
    Max,
    Mean,
    Any,
    All,
    ArgMin,
    ArgMax,
    Norm,
}

impl ReduceOp {
    /// Every reduction.
    pub const ALL: [ReduceOp; 10] = {
        use ReduceOp::*;
        [Sum, Prod, Min, Max, Mean, Any, All, ArgMin, ArgMax, Norm]
    };

    /// The source name.
    pub fn name(self) -> &'static str {
        match self {
            ReduceOp::Sum => "sum",
            ReduceOp::Prod => "prod",
            ReduceOp::Min => "min",
            ReduceOp::Max => "max",
            ReduceOp::Mean => "mean",
            ReduceOp::Any => "any",
            ReduceOp::All => "all",
            ReduceOp::ArgMin => "argmin",
            ReduceOp::ArgMax => "argmax",
            ReduceOp::Norm => "norm",
        }
    }

    /// The reduction a source name denotes (`amin`/`amax` are NumPy's aliases).
    pub fn from_name(name: &str) -> Option<ReduceOp> {
        let name = match name {
            "amin" => "min",
            "amax" => "max",
            n => n,
        };
        ReduceOp::ALL.iter().copied().find(|r| r.name() == name)
    }

    /// `(accumulator type, result type)` for elements of type `d`: `sum`/`prod` of bool
    /// and ints accumulate in i64, `mean`/`norm` compute in the float type of `d`,
    /// `any`/`all` in bool, `argmin`/`argmax` compare in `d` and give i64.
    pub fn types(self, d: DType) -> (DType, DType) {
        use ReduceOp::*;
        let float = if d == DType::F32 { d } else { DType::F64 };
        match self {
            Sum | Prod => {
                // NumPy: signed ints and bool accumulate in int64, unsigned in uint64.
                let a = if d.is_float() || d.is_complex() {
                    d
                } else if d.is_unsigned() {
                    DType::U64
                } else {
                    DType::I64
                };
                (a, a)
            }
            Min | Max => (d, d),
            // NumPy: the mean of a complex array is complex (of the same precision).
            Mean if d.is_complex() => (d, d),
            Mean | Norm => (float, float),
            Any | All => (DType::Bool, DType::Bool),
            ArgMin | ArgMax => (d, DType::I64),
        }
    }

    /// The value an accumulator of type `acc` (the first of [`ReduceOp::types`]) starts
    /// from: 0 for sums (also of `mean` and `norm`), 1 for products, `False`/`True` for
    /// `any`/`all`, and for `min`/`max` (and the running extreme of `argmin`/`argmax`) the
    /// identity of [`RedOp::Min`]/[`RedOp::Max`] (+inf/-inf, the extreme integers), which
    /// gives the bits of "first element, then fold" for every input.
    pub fn identity(self, acc: DType) -> Scalar {
        use ReduceOp::*;
        match self {
            Sum | Mean | Norm => Scalar::zero(acc),
            Prod => RedOp::Mul.identity(acc),
            Any => Scalar::Bool(false),
            All => Scalar::Bool(true),
            Min | ArgMin => RedOp::Min.identity(acc),
            Max | ArgMax => RedOp::Max.identity(acc),
        }
    }
}

/// The operator of a `prange` reduction variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RedOp {
    /// `+=` and `-=`.
    Add,
    /// `*=`.
    Mul,
    /// `x = min(x, e)` (NumPy `minimum`: nan propagates).
    Min,
    /// `x = max(x, e)`.
    Max,
}

impl RedOp {
    /// The value each chunk's private copy starts from: 0, 1, the largest value (+inf for
    /// floats, `True` for bool) or the smallest.
    pub fn identity(self, d: DType) -> Scalar {
        use DType::*;
        match (self, d) {
            (RedOp::Add, _) => Scalar::zero(d),
            (RedOp::Mul, Bool) | (RedOp::Min, Bool) => Scalar::Bool(true),
            (RedOp::Mul, F32) => Scalar::F32(1.0),
            (RedOp::Mul, F64) => Scalar::F64(1.0),
            (RedOp::Mul, C64) => Scalar::C64(crate::dtype::Complex32::new(1.0, 0.0)),
            (RedOp::Mul, C128) => Scalar::C128(crate::dtype::Complex64::new(1.0, 0.0)),
            (RedOp::Mul, _) => Scalar::from_word(1, d),
            (RedOp::Min, F32) => Scalar::F32(f32::INFINITY),
            (RedOp::Min, F64) => Scalar::F64(f64::INFINITY),
            // Complex numbers have no order: sema refuses min/max of them.
            (RedOp::Min | RedOp::Max, C64 | C128) => Scalar::zero(d),
            (RedOp::Min, _) => Scalar::from_word(d.int_range().1 as u64, d),
            (RedOp::Max, Bool) => Scalar::Bool(false),
            (RedOp::Max, F32) => Scalar::F32(f32::NEG_INFINITY),
            (RedOp::Max, F64) => Scalar::F64(f64::NEG_INFINITY),
            (RedOp::Max, _) => Scalar::from_word(d.int_range().0 as u64, d),
        }
    }

    /// `acc op p`, combining two partials of the same type (in chunk order): integer `+`
    /// and `*` wrap, bool `+` is `or` and `*` is `and` (NumPy), float min/max propagate nan
    /// ([`math::minimum_f64`]). `None` when the types differ.
    pub fn combine(self, acc: Scalar, p: Scalar) -> Option<Scalar> {
        use Scalar as S;
        Some(match (self, acc, p) {
            (RedOp::Add | RedOp::Max, S::Bool(a), S::Bool(b)) => S::Bool(a | b),
            (RedOp::Mul | RedOp::Min, S::Bool(a), S::Bool(b)) => S::Bool(a & b),
            (RedOp::Add, S::F32(a), S::F32(b)) => S::F32(a + b),
            (RedOp::Add, S::F64(a), S::F64(b)) => S::F64(a + b),
            (RedOp::Mul, S::F32(a), S::F32(b)) => S::F32(a * b),
            (RedOp::Mul, S::F64(a), S::F64(b)) => S::F64(a * b),
            (RedOp::Min, S::F32(a), S::F32(b)) => S::F32(math::minimum_f32(a, b)),
            (RedOp::Min, S::F64(a), S::F64(b)) => S::F64(math::minimum_f64(a, b)),
            (RedOp::Max, S::F32(a), S::F32(b)) => S::F32(math::maximum_f32(a, b)),
            (RedOp::Max, S::F64(a), S::F64(b)) => S::F64(math::maximum_f64(a, b)),
            (RedOp::Add, S::C64(a), S::C64(b)) => S::C64(crate::complex::add(a, b)),
            (RedOp::Add, S::C128(a), S::C128(b)) => S::C128(crate::complex::add(a, b)),
            (RedOp::Mul, S::C64(a), S::C64(b)) => S::C64(crate::complex::mul(a, b)),
            (RedOp::Mul, S::C128(a), S::C128(b)) => S::C128(crate::complex::mul(a, b)),
            (op, a, b) if a.dtype() == b.dtype() && a.dtype().is_int() => {
                // Integers of any width: exact in i128, then wrapped to the type (the low
                // bits of a product are right even when the i128 product wraps).
                let (x, y) = (a.as_i128()?, b.as_i128()?);
                let r = match op {
                    RedOp::Add => x.wrapping_add(y),
                    RedOp::Mul => x.wrapping_mul(y),
                    RedOp::Min => x.min(y),
                    RedOp::Max => x.max(y),
                };
                S::int_wrapping(r, a.dtype())?
            }
            _ => return None,
        })
    }
}

/// Number of iterations of `range(start, stop, step)` (`step != 0`; 0 when empty). Every
/// count fits in a u64.
pub fn range_count(start: i64, stop: i64, step: i64) -> u64 {
    let (start, stop, step) = (start as i128, stop as i128, step as i128);
    let n = if step > 0 {
        (stop - start + step - 1) / step
    } else {
        (start - stop - step - 1) / -step
    };
    n.max(0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_aliases_and_types() {
        for f in MathFn::ALL {
            assert_eq!(MathFn::from_name(f.name()), Some(f));
        }
        assert_eq!(MathFn::from_name("atan2"), Some(MathFn::Arctan2));
        assert_eq!(MathFn::from_name("fabs"), Some(MathFn::Abs));
        assert_eq!(MathFn::from_name("cbrt"), Some(MathFn::Cbrt));
        assert_eq!(MathFn::from_name("cube_root"), None);
        assert_eq!(MathFn::Nextafter.arity(), 2);
        assert_eq!(
            MathFn::Nextafter.types(DType::I64),
            (DType::F64, DType::F64)
        );
        assert_eq!(
            MathFn::Nextafter.types(DType::F32),
            (DType::F32, DType::F32)
        );
        assert_eq!(MathFn::Sin.types(DType::I32), (DType::F64, DType::F64));
        assert_eq!(MathFn::Sin.types(DType::F32), (DType::F32, DType::F32));
        assert_eq!(MathFn::Abs.types(DType::Bool), (DType::I64, DType::I64));
        assert_eq!(MathFn::Clip.types(DType::I32), (DType::I32, DType::I32));
        assert_eq!(MathFn::IsNan.types(DType::I64), (DType::F64, DType::Bool));
        assert_eq!(MathFn::Sin.types(DType::U16), (DType::F32, DType::F32));
        assert_eq!(MathFn::Abs.types(DType::U8), (DType::U8, DType::U8));
        assert_eq!(ReduceOp::Sum.types(DType::U8), (DType::U64, DType::U64));
        assert_eq!(ReduceOp::Prod.types(DType::I8), (DType::I64, DType::I64));
        assert_eq!(ReduceOp::from_name("amax"), Some(ReduceOp::Max));
        assert_eq!(ReduceOp::Sum.types(DType::Bool), (DType::I64, DType::I64));
        assert_eq!(ReduceOp::Mean.types(DType::I32), (DType::F64, DType::F64));
        assert_eq!(ReduceOp::ArgMax.types(DType::F32), (DType::F32, DType::I64));
        assert_eq!(ReduceOp::Prod.identity(DType::I64), Scalar::I64(1));
        assert_eq!(ReduceOp::All.identity(DType::Bool), Scalar::Bool(true));
        assert_eq!(
            ReduceOp::ArgMax.identity(DType::F32),
            Scalar::F32(f32::NEG_INFINITY)
        );
        assert_eq!(ReduceOp::Min.identity(DType::I32), Scalar::I32(i32::MAX));
    }

    #[test]
    fn reduction_identities_and_combine() {
        assert_eq!(RedOp::Min.identity(DType::F64), Scalar::F64(f64::INFINITY));
        assert_eq!(RedOp::Max.identity(DType::I32), Scalar::I32(i32::MIN));
        assert_eq!(RedOp::Mul.identity(DType::I64), Scalar::I64(1));
        assert_eq!(RedOp::Min.identity(DType::U16), Scalar::U16(u16::MAX));
        assert_eq!(RedOp::Max.identity(DType::I8), Scalar::I8(i8::MIN));
        assert_eq!(
            RedOp::Mul.combine(Scalar::U64(u64::MAX), Scalar::U64(u64::MAX)),
            Some(Scalar::U64(1))
        );
        assert_eq!(
            RedOp::Add.combine(Scalar::U8(200), Scalar::U8(100)),
            Some(Scalar::U8(44))
        );
        let nan = RedOp::Max.combine(Scalar::F64(1.0), Scalar::F64(f64::NAN));
        assert!(matches!(nan, Some(Scalar::F64(x)) if x.is_nan()));
        let nan = RedOp::Min.combine(Scalar::F32(f32::NAN), Scalar::F32(1.0));
        assert!(matches!(nan, Some(Scalar::F32(x)) if x.is_nan()));
        assert_eq!(
            RedOp::Add.combine(Scalar::I64(i64::MAX), Scalar::I64(1)),
            Some(Scalar::I64(i64::MIN))
        );
        assert_eq!(RedOp::Add.combine(Scalar::I64(1), Scalar::F64(1.0)), None);
        for op in [RedOp::Add, RedOp::Mul, RedOp::Min, RedOp::Max] {
            for d in DType::ALL {
                if d.is_complex() && matches!(op, RedOp::Min | RedOp::Max) {
                    // Complex numbers have no order (sema refuses min/max reductions).
                    continue;
                }
                assert_eq!(
                    op.combine(op.identity(d), op.identity(d))
                        .map(|s| s.dtype()),
                    Some(d)
                );
            }
        }
    }

    #[test]
    fn range_counts_follow_python() {
        assert_eq!(range_count(0, 10, 1), 10);
        assert_eq!(range_count(0, 10, 3), 4);
        assert_eq!(range_count(10, 0, -3), 4);
        assert_eq!(range_count(5, 5, 1), 0);
        assert_eq!(range_count(5, 0, 1), 0);
        assert_eq!(range_count(i64::MIN, i64::MAX, 1), u64::MAX);
    }
}
