//! Complex scalars in the interpreter: operators, casts and the [`CxOp`] operations, each
//! a call of the one definition in `kernelc_runtime::complex` (which native code emits or
//! calls too).

use crate::scalar::{unop_symbol, unsupported, Fallible};
use kernelc_runtime::complex::{self as cx, CxOp};
use kernelc_runtime::complex_math as cxm;
use kernelc_runtime::dtype::{Complex32, Complex64};
use kernelc_runtime::{DType, Scalar};
use kernelc_sema::tir::{BinOp, UnOp};

/// A binary operator on two complex scalars of the same type (`+ - * / **`, `==`, `!=`).
pub(crate) fn binary(op: BinOp, a: Scalar, b: Scalar) -> Fallible<Scalar> {
    match (a, b) {
        (Scalar::C64(x), Scalar::C64(y)) => typed(op, x, y, Scalar::C64),
        (Scalar::C128(x), Scalar::C128(y)) => typed(op, x, y, Scalar::C128),
        _ => Err(unsupported(op.symbol(), a.dtype())),
    }
}

fn typed<T: cx::Part>(
    op: BinOp,
    a: num_complex::Complex<T>,
    b: num_complex::Complex<T>,
    wrap: fn(num_complex::Complex<T>) -> Scalar,
) -> Fallible<Scalar> {
    Ok(match op {
        BinOp::Add => wrap(cx::add(a, b)),
        BinOp::Sub => wrap(cx::sub(a, b)),
        BinOp::Mul => wrap(cx::mul(a, b)),
        BinOp::Div => wrap(cx::div(a, b)),
        BinOp::Pow => wrap(cx::pow(a, b)),
        BinOp::Eq => Scalar::Bool(cx::eq(a, b)),
        BinOp::Ne => Scalar::Bool(!cx::eq(a, b)),
        _ => {
            return Err(format!(
                "internal error: operator {} on complex",
                op.symbol()
            ))
        }
    })
}

/// `-z` (the only unary operator on complex values).
pub(crate) fn unary(op: UnOp, a: Scalar) -> Fallible<Scalar> {
    match (op, a) {
        (UnOp::Neg, Scalar::C64(x)) => Ok(Scalar::C64(cx::neg(x))),
        (UnOp::Neg, Scalar::C128(x)) => Ok(Scalar::C128(cx::neg(x))),
        _ => Err(unsupported(unop_symbol(op), a.dtype())),
    }
}

/// A cast to or from a complex type: a real value becomes `(x, 0)`; complex64 and
/// complex128 convert part by part; to a real type the real part is kept (NumPy's cast;
/// sema refuses explicit ones).
pub(crate) fn cast(x: Scalar, to: DType) -> Scalar {
    let c = x.as_c128();
    match to {
        DType::C128 => Scalar::C128(c),
        DType::C64 => match x {
            Scalar::C64(v) => Scalar::C64(v),
            Scalar::F32(v) => Scalar::C64(Complex32::new(v, 0.0)),
            _ => Scalar::C64(Complex32::new(c.re as f32, c.im as f32)),
        },
        DType::F32 => Scalar::F32(match x {
            Scalar::C64(v) => v.re,
            _ => c.re as f32,
        }),
        // NumPy: a complex value is true when either part is non-zero.
        DType::Bool => Scalar::Bool(x.truthy()),
        d => crate::scalar::cast_scalar(Scalar::F64(c.re), d).unwrap_or(Scalar::zero(d)),
    }
}

/// A [`CxOp`] on scalars.
pub(crate) fn op(op: CxOp, args: &[Scalar]) -> Fallible<Scalar> {
    Ok(match (op, args) {
        (CxOp::Make, [Scalar::F64(re), Scalar::F64(im)]) => Scalar::C128(Complex64::new(*re, *im)),
        (CxOp::Make, [Scalar::F32(re), Scalar::F32(im)]) => Scalar::C64(Complex32::new(*re, *im)),
        (CxOp::Real, [Scalar::C64(z)]) => Scalar::F32(z.re),
        (CxOp::Real, [Scalar::C128(z)]) => Scalar::F64(z.re),
        (CxOp::Imag, [Scalar::C64(z)]) => Scalar::F32(z.im),
        (CxOp::Imag, [Scalar::C128(z)]) => Scalar::F64(z.im),
        (CxOp::Conj, [Scalar::C64(z)]) => Scalar::C64(cx::conj(*z)),
        (CxOp::Conj, [Scalar::C128(z)]) => Scalar::C128(cx::conj(*z)),
        (CxOp::Abs, [Scalar::C64(z)]) => Scalar::F32(cx::abs(*z)),
        (CxOp::Abs, [Scalar::C128(z)]) => Scalar::F64(cx::abs(*z)),
        (CxOp::Angle, [Scalar::C64(z)]) => Scalar::F32(cx::angle(*z)),
        (CxOp::Angle, [Scalar::C128(z)]) => Scalar::F64(cx::angle(*z)),
        (CxOp::Math(f), [Scalar::C64(z)]) => Scalar::C64(cxm::cx_math(f, *z)),
        (CxOp::Math(f), [Scalar::C128(z)]) => Scalar::C128(cxm::cx_math(f, *z)),
        (CxOp::Reciprocal, [Scalar::C64(z)]) => Scalar::C64(cxm::reciprocal(*z)),
        (CxOp::Reciprocal, [Scalar::C128(z)]) => Scalar::C128(cxm::reciprocal(*z)),
        _ => {
            return Err(format!(
                "internal error: {} of {:?}",
                op.name(),
                args.iter().map(|a| a.dtype()).collect::<Vec<_>>()
            ))
        }
    })
}
