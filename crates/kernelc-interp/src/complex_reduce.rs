//! Reductions of complex arrays (`sum`, `prod`, `mean`, over all elements or along one
//! axis) and `dot` of complex vectors, as NumPy computes them: `sum` in NumPy's pairwise
//! order for complex values ([`kernelc_runtime::reduce::pairwise_sum_complex`]) along the
//! last axis and over a whole array (in order along an outer axis, as NumPy adds the
//! slices), `prod` multiplies in order from `1+0j`, `mean` divides the sum by `n + 0j`
//! (Smith's division in complex128, as NumPy's `true_divide` by an `intp` count), `dot` sums the products (not conjugated)
//! pairwise. The other reductions have no meaning for complex values (sema refuses them).

use crate::elementwise::buffer;
use crate::reduce::{reduce_lines, Line, Reduced};
use crate::scalar::Fallible;
use kernelc_runtime::complex::{self as cx, Part};
use kernelc_runtime::reduce::{pairwise_sum_complex, SumFloat};
use kernelc_runtime::{Array, DType, Element, Scalar};
use kernelc_sema::tir::ReduceOp;
use num_complex::Complex;

/// A reduction of a complex array (`axis: None`: all elements).
pub(crate) fn reduce(op: ReduceOp, a: &Array, axis: Option<usize>) -> Fallible<Reduced> {
    match a.dtype() {
        DType::C64 => typed::<f32>(op, a, axis),
        DType::C128 => typed::<f64>(op, a, axis),
        d => Err(format!("internal error: complex reduction of a {d} array")),
    }
}

/// The pairwise sum of a line of complex values.
fn sum_pairwise<T: Part + SumFloat>(l: Line<Complex<T>>) -> Complex<T>
where
    Complex<T>: Element,
{
    let (re, im) = match l.as_slice() {
        Some(s) => pairwise_sum_complex(s.len(), &|i| (s[i].re, s[i].im)),
        None => pairwise_sum_complex(l.n, &|i| {
            let z = l.get(i);
            (z.re, z.im)
        }),
    };
    Complex::new(re, im)
}

fn typed<T: Part + SumFloat + Into<f64>>(
    op: ReduceOp,
    a: &Array,
    axis: Option<usize>,
) -> Fallible<Reduced>
where
    Complex<T>: Element,
{
    let pairwise = axis.is_none_or(|k| k + 1 == a.ndim());
    let zero = Complex::new(<T as Part>::ZERO, <T as Part>::ZERO);
    let sum = move |l: Line<Complex<T>>| {
        if pairwise {
            sum_pairwise(l)
        } else {
            let mut acc = zero;
            l.for_each(|z| acc = cx::add(acc, z));
            acc
        }
    };
    match op {
        ReduceOp::Sum => reduce_lines(a, axis, |l: Line<Complex<T>>| Ok(sum(l))),
        ReduceOp::Mean => reduce_lines(a, axis, |l: Line<Complex<T>>| {
            // NumPy divides the sum by the count as an `intp`, which promotes complex64 to
            // complex128: the division is done in complex128 and rounded back.
            let n = Complex::new(l.n as f64, 0.0);
            let s = sum(l);
            let q = cx::div(Complex::new(s.re.into(), s.im.into()), n);
            Ok(Complex::new(T::from_f64(q.re), T::from_f64(q.im)))
        }),
        ReduceOp::Prod => reduce_lines(a, axis, |l: Line<Complex<T>>| {
            let mut acc = Complex::new(T::ONE, <T as Part>::ZERO);
            l.for_each(|z| acc = cx::mul(acc, z));
            Ok(acc)
        }),
        _ => Err(format!(
            "internal error: {} of a complex array (sema refuses it)",
            op.name()
        )),
    }
}

/// `dot(a, b)` of two 1-D complex arrays of one type and length: the pairwise sum of the
/// products `a[i] * b[i]` (no conjugation, as NumPy's `dot`).
pub(crate) fn dot(a: &Array, b: &Array) -> Fallible<Scalar> {
    match a.dtype() {
        DType::C64 => dot_typed::<f32>(a, b),
        DType::C128 => dot_typed::<f64>(a, b),
        d => Err(format!("internal error: complex dot of a {d} array")),
    }
}

fn dot_typed<T: Part + SumFloat>(a: &Array, b: &Array) -> Fallible<Scalar>
where
    Complex<T>: Element,
{
    fn line<C: Element>(a: &Array) -> Fallible<Line<'_, C>> {
        Ok(Line {
            data: buffer::<C>(a)?,
            off: a.offset(),
            stride: a.strides()[0],
            n: a.shape()[0],
        })
    }
    let (x, y) = (line::<Complex<T>>(a)?, line::<Complex<T>>(b)?);
    let (re, im) = pairwise_sum_complex(x.n, &|i| {
        let p = cx::mul(x.get(i), y.get(i));
        (p.re, p.im)
    });
    Ok(Complex::new(re, im).to_scalar())
}
