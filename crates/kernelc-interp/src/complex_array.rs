//! Element-wise operations on complex arrays (complex64, complex128): operators, casts to
//! and from complex types, and the [`CxOp`] operations (`.real`, `.imag`, `conj`, `abs`,
//! `angle`, `complex(re, im)`), as typed loops over `Complex<T>` with broadcasting (the
//! kernels of [`crate::elementwise`]). Every element goes through the one definition of
//! its operation in `kernelc_runtime::complex`, as complex scalars do
//! ([`crate::complex`]), so an array operation and the same operation on scalars give the
//! same bits.

use crate::alloc::new_array;
use crate::elementwise::{map1, map2, Arg, Operand};
use crate::scalar::Fallible;
use kernelc_runtime::complex::{self as cx, CxOp, Part};
use kernelc_runtime::{Array, DType, Element};
use kernelc_sema::tir::{BinOp, UnOp};
use num_complex::Complex;

/// A binary operator on two complex operands of the same type, at least one an array
/// (`+ - * / **`, `==`, `!=`).
pub(crate) fn binary(op: BinOp, a: Operand, b: Operand) -> Fallible<Array> {
    match a.dtype() {
        DType::C64 => binary_typed::<f32>(op, a.typed()?, b.typed()?),
        DType::C128 => binary_typed::<f64>(op, a.typed()?, b.typed()?),
        d => Err(not_complex(d)),
    }
}

fn binary_typed<T: Part>(op: BinOp, a: Arg<Complex<T>>, b: Arg<Complex<T>>) -> Fallible<Array>
where
    Complex<T>: Element,
{
    match op {
        BinOp::Add => map2(a, b, cx::add),
        BinOp::Sub => map2(a, b, cx::sub),
        BinOp::Mul => map2(a, b, cx::mul),
        BinOp::Div => map2(a, b, cx::div),
        BinOp::Pow => map2(a, b, cx::pow),
        BinOp::Eq => map2(a, b, cx::eq),
        BinOp::Ne => map2(a, b, |x, y| !cx::eq(x, y)),
        _ => Err(format!(
            "internal error: operator {} on complex arrays",
            op.symbol()
        )),
    }
}

/// `-z` of a complex array (the only unary operator on complex values).
pub(crate) fn unary(op: UnOp, a: &Array) -> Fallible<Array> {
    match (op, a.dtype()) {
        (UnOp::Neg, DType::C64) => map1(Arg::<Complex<f32>>::Array(a), cx::neg),
        (UnOp::Neg, DType::C128) => map1(Arg::<Complex<f64>>::Array(a), cx::neg),
        (_, d) => Err(format!(
            "internal error: unary operator {op:?} on a {d} array"
        )),
    }
}

/// A new C-contiguous array with every element of `a` converted to `to`, where `a` or
/// `to` is complex: element by element through the scalar cast (`crate::complex::cast`:
/// a real value becomes `(x, 0)`, complex types convert part by part).
pub(crate) fn cast(a: &Array, to: DType) -> Fallible<Array> {
    let out = new_array(to, a.shape())?;
    let base = out.offset();
    let mut k = 0isize;
    a.for_each_offset(|off| {
        let v = crate::complex::cast(a.read_at(off), to);
        // SAFETY: `out` is fresh (no other view or reference of its buffer exists) and
        // C-contiguous with `a`'s shape, so the `k`-th element in C order is at
        // `base + k`, inside the buffer.
        unsafe { out.write_at(base + k, v) };
        k += 1;
    });
    Ok(out)
}

/// A [`CxOp`] with at least one array argument: `.real`, `.imag`, `conj`, `abs`, `angle`
/// of a complex array, `complex(re, im)` of two real operands of one float type.
pub(crate) fn op(op: CxOp, args: &[Operand]) -> Fallible<Array> {
    match (op, args) {
        (CxOp::Make, [re, im]) => match re.dtype() {
            DType::F32 => map2(re.typed::<f32>()?, im.typed::<f32>()?, Complex::new),
            DType::F64 => map2(re.typed::<f64>()?, im.typed::<f64>()?, Complex::new),
            d => Err(format!("internal error: complex() of {d} parts")),
        },
        (_, [z]) => match z.dtype() {
            DType::C64 => unary_op::<f32>(op, z.typed()?),
            DType::C128 => unary_op::<f64>(op, z.typed()?),
            d => Err(not_complex(d)),
        },
        _ => Err(format!(
            "internal error: {} of {} arguments",
            op.name(),
            args.len()
        )),
    }
}

fn unary_op<T: kernelc_runtime::complex_math::CxPart + Element>(
    op: CxOp,
    z: Arg<Complex<T>>,
) -> Fallible<Array>
where
    Complex<T>: Element,
{
    use kernelc_runtime::complex_math as cxm;
    match op {
        CxOp::Real => map1(z, |z: Complex<T>| z.re),
        CxOp::Imag => map1(z, |z: Complex<T>| z.im),
        CxOp::Conj => map1(z, cx::conj),
        CxOp::Abs => map1(z, cx::abs),
        CxOp::Angle => map1(z, cx::angle),
        CxOp::Math(f) => map1(z, |z: Complex<T>| cxm::cx_math(f, z)),
        CxOp::Reciprocal => map1(z, cxm::reciprocal),
        CxOp::Make => Err("internal error: complex() of one argument".to_string()),
    }
}

fn not_complex(d: DType) -> String {
    format!("internal error: a {d} array where a complex array was expected")
}
