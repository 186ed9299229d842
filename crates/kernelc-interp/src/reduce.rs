//! Reductions (`sum prod min max mean any all argmin argmax norm`, over all elements or
//! along one axis) and `dot`, as typed loops over lines of an array.
//!
//! A *line* is the sequence of elements being reduced to one value: the whole array in C
//! order (`axis=None`; a non-contiguous array is first copied to C order), or the elements
//! along `axis` at one position of the other axes. Float `sum`/`mean`/`norm` use NumPy's
//! pairwise order ([`kernelc_runtime::reduce::pairwise_sum`]) along each line, so the sum
//! of a 1-D array has NumPy's exact bits; integer sums wrap; `prod` multiplies in order.

use crate::elementwise::{buffer, copy};
use crate::scalar::{with_dtype, Fallible, Float, Num};
use kernelc_runtime::error::msg;
use kernelc_runtime::reduce::{pairwise_sum, SumFloat};
use kernelc_runtime::{Array, DType, Element, Scalar};
use kernelc_sema::tir::ReduceOp;

/// The elements being reduced to one value.
#[derive(Clone, Copy)]
pub(crate) struct Line<'a, T> {
    pub(crate) data: &'a [T],
    pub(crate) off: isize,
    pub(crate) stride: isize,
    pub(crate) n: usize,
}

impl<'a, T: Copy> Line<'a, T> {
    #[inline(always)]
    pub(crate) fn get(&self, k: usize) -> T {
        self.data[(self.off + k as isize * self.stride) as usize]
    }

    /// The line as a slice when its elements are adjacent.
    pub(crate) fn as_slice(&self) -> Option<&'a [T]> {
        if self.n == 0 {
            Some(&[])
        } else if self.stride == 1 {
            let start = self.off as usize;
            self.data.get(start..start + self.n)
        } else {
            None
        }
    }

    /// Calls `f` on each element in order.
    #[inline(always)]
    pub(crate) fn for_each(&self, mut f: impl FnMut(T)) {
        match self.as_slice() {
            Some(s) => s.iter().for_each(|&x| f(x)),
            None => (0..self.n).for_each(|k| f(self.get(k))),
        }
    }
}

/// The result of a reduction: one value, or an array of them (axis reductions of rank >= 2
/// inputs).
#[derive(Debug)]
pub enum Reduced {
    Scalar(Scalar),
    Array(Array),
}

/// Applies `f` to each line: the whole array for `axis: None`, else each line along `axis`
/// (results in the C order of the remaining axes).
pub(crate) fn reduce_lines<T: Element, R: Element>(
    a: &Array,
    axis: Option<usize>,
    mut f: impl FnMut(Line<T>) -> Fallible<R>,
) -> Fallible<Reduced> {
    match axis {
        None => {
            let contiguous;
            let a = if a.is_c_contiguous() {
                a
            } else {
                contiguous = copy(a)?;
                &contiguous
            };
            let line = Line {
                data: buffer::<T>(a)?,
                off: a.offset(),
                stride: 1,
                n: a.size(),
            };
            Ok(Reduced::Scalar(f(line)?.to_scalar()))
        }
        Some(k) if k < a.ndim() => {
            let data = buffer::<T>(a)?;
            let (n, stride) = (a.shape()[k], a.strides()[k]);
            if a.ndim() == 1 {
                let line = Line {
                    data,
                    off: a.offset(),
                    stride,
                    n,
                };
                return Ok(Reduced::Scalar(f(line)?.to_scalar()));
            }
            // The other axes: a view with `k` removed (its offset stays at position 0 of
            // axis `k`, which is only used as a base, never read when `n == 0`).
            let mut shape = a.shape().to_vec();
            let mut strides = a.strides().to_vec();
            shape.remove(k);
            strides.remove(k);
            let mut out = crate::alloc::new_array(R::DTYPE, &shape)?;
            let o = out
                .as_mut_slice::<R>()
                .ok_or_else(|| "internal error: fresh array is not contiguous".to_string())?;
            let mut i = 0;
            let mut err = None;
            kernelc_runtime::array::for_each_offset(&shape, &strides, a.offset(), &mut |off| {
                if err.is_some() {
                    return;
                }
                match f(Line {
                    data,
                    off,
                    stride,
                    n,
                }) {
                    Ok(v) => o[i] = v,
                    Err(e) => err = Some(e),
                }
                i += 1;
            });
            match err {
                Some(e) => Err(e),
                None => Ok(Reduced::Array(out)),
            }
        }
        Some(k) => Err(format!(
            "axis {k} is out of bounds for array of dimension {}",
            a.ndim()
        )),
    }
}

#[inline]
fn sum_float<T: Float + SumFloat>(l: Line<T>) -> T {
    match l.as_slice() {
        Some(s) => pairwise_sum(s.len(), &|i| s[i]),
        None => pairwise_sum(l.n, &|i| l.get(i)),
    }
}

#[inline]
fn sum_sq_float<T: Float + SumFloat>(l: Line<T>) -> T {
    match l.as_slice() {
        Some(s) => pairwise_sum(s.len(), &|i| s[i].mul(s[i])),
        None => pairwise_sum(l.n, &|i| {
            let x = l.get(i);
            x.mul(x)
        }),
    }
}

fn fold<T: Num>(l: Line<T>, init: T, f: impl Fn(T, T) -> T) -> T {
    let mut acc = init;
    l.for_each(|x| acc = f(acc, x));
    acc
}

fn min_max<T: Num>(l: Line<T>, max: bool) -> Fallible<T> {
    if l.n == 0 {
        return Err(msg::empty_reduction(if max {
            "maximum"
        } else {
            "minimum"
        }));
    }
    let first = l.get(0);
    let rest = Line {
        off: l.off + l.stride,
        n: l.n - 1,
        ..l
    };
    Ok(if max {
        fold(rest, first, T::maximum)
    } else {
        fold(rest, first, T::minimum)
    })
}

/// First position of the minimum (maximum); a nan counts as the extreme (NumPy).
fn arg_min_max<T: Num>(l: Line<T>, max: bool) -> Fallible<i64> {
    if l.n == 0 {
        let name = if max { "argmax" } else { "argmin" };
        return Err(format!("attempt to get {name} of an empty sequence"));
    }
    let mut best = l.get(0);
    if best.is_nan() {
        return Ok(0);
    }
    let mut at = 0;
    for k in 1..l.n {
        let x = l.get(k);
        if x.is_nan() {
            return Ok(k as i64);
        }
        if (max && x > best) || (!max && x < best) {
            best = x;
            at = k;
        }
    }
    Ok(at as i64)
}

fn float_reduce<T: Float + SumFloat>(
    op: ReduceOp,
    a: &Array,
    axis: Option<usize>,
) -> Fallible<Reduced> {
    // NumPy sums pairwise along the last axis (and over a whole array), but along an outer
    // axis it adds the slices one after another; follow it so the bits agree.
    let pairwise = axis.is_none_or(|k| k + 1 == a.ndim());
    let sum = move |l: Line<T>| {
        if pairwise {
            sum_float(l)
        } else {
            fold(l, T::default(), <T as Num>::add)
        }
    };
    let sum_sq = move |l: Line<T>| {
        if pairwise {
            sum_sq_float(l)
        } else {
            fold(l, T::default(), |acc, x| Num::add(acc, x.mul(x)))
        }
    };
    match op {
        ReduceOp::Sum => reduce_lines(a, axis, |l: Line<T>| Ok(sum(l))),
        ReduceOp::Mean => reduce_lines(a, axis, |l: Line<T>| {
            let n = l.n;
            Ok(sum(l).div(T::from_i128(n as i128)))
        }),
        ReduceOp::Norm => reduce_lines(a, axis, |l: Line<T>| Ok(sum_sq(l).sqrt())),
        _ => generic_reduce::<T>(op, a, axis),
    }
}

fn generic_reduce<T: Num>(op: ReduceOp, a: &Array, axis: Option<usize>) -> Fallible<Reduced> {
    match op {
        ReduceOp::Sum => reduce_lines(a, axis, |l: Line<T>| Ok(fold(l, T::default(), T::add))),
        ReduceOp::Prod => reduce_lines(a, axis, |l: Line<T>| Ok(fold(l, T::ONE, T::mul))),
        ReduceOp::Min => reduce_lines(a, axis, |l: Line<T>| min_max(l, false)),
        ReduceOp::Max => reduce_lines(a, axis, |l: Line<T>| min_max(l, true)),
        ReduceOp::ArgMin => reduce_lines(a, axis, |l: Line<T>| arg_min_max(l, false)),
        ReduceOp::ArgMax => reduce_lines(a, axis, |l: Line<T>| arg_min_max(l, true)),
        ReduceOp::Any => reduce_lines(a, axis, |l: Line<T>| {
            let mut r = false;
            l.for_each(|x| r |= x != T::default());
            Ok(r)
        }),
        ReduceOp::All => reduce_lines(a, axis, |l: Line<T>| {
            let mut r = true;
            l.for_each(|x| r &= x != T::default());
            Ok(r)
        }),
        ReduceOp::Mean | ReduceOp::Norm => Err(format!(
            "internal error: {} of a {} array (sema casts to a float type)",
            op.name(),
            T::DTYPE
        )),
    }
}

/// A reduction of an array over all elements (`axis: None`) or along `axis`. The result
/// is a scalar when no axis remains.
pub fn reduce(op: ReduceOp, a: &Array, axis: Option<usize>) -> Fallible<Reduced> {
    match a.dtype() {
        DType::F64 => float_reduce::<f64>(op, a, axis),
        DType::F32 => float_reduce::<f32>(op, a, axis),
        DType::C64 | DType::C128 => crate::complex_reduce::reduce(op, a, axis),
        dt => with_dtype!(dt, T => generic_reduce::<T>(op, a, axis)),
    }
}

/// `dot(a, b)` of two 1-D arrays of the same element type: the pairwise sum of the
/// products for floats, a wrapping sum of wrapping products for ints, `any(a & b)` for
/// bools.
pub fn dot(a: &Array, b: &Array) -> Fallible<Scalar> {
    if a.ndim() != 1 || b.ndim() != 1 || a.dtype() != b.dtype() {
        return Err("internal error: dot() of non-matching arrays".to_string());
    }
    let (n, m) = (a.shape()[0], b.shape()[0]);
    if n != m {
        return Err(format!(
            "shapes ({n},) and ({m},) not aligned: {n} (dim 0) != {m} (dim 0)"
        ));
    }
    fn line<T: Element>(a: &Array) -> Fallible<Line<'_, T>> {
        Ok(Line {
            data: buffer::<T>(a)?,
            off: a.offset(),
            stride: a.strides()[0],
            n: a.shape()[0],
        })
    }
    fn float_dot<T: Float + SumFloat>(a: &Array, b: &Array) -> Fallible<Scalar> {
        let (x, y) = (line::<T>(a)?, line::<T>(b)?);
        let r = match (x.as_slice(), y.as_slice()) {
            (Some(s), Some(t)) => pairwise_sum(s.len(), &|i| s[i].mul(t[i])),
            _ => pairwise_sum(x.n, &|i| x.get(i).mul(y.get(i))),
        };
        Ok(r.to_scalar())
    }
    match a.dtype() {
        DType::F64 => float_dot::<f64>(a, b),
        DType::F32 => float_dot::<f32>(a, b),
        DType::C64 | DType::C128 => crate::complex_reduce::dot(a, b),
        dt => with_dtype!(dt, T => {
            let (x, y) = (line::<T>(a)?, line::<T>(b)?);
            let mut acc = T::default();
            for i in 0..n {
                acc = acc.add(x.get(i).mul(y.get(i)));
            }
            Ok(acc.to_scalar())
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(r: Reduced) -> Scalar {
        match r {
            Reduced::Scalar(s) => s,
            Reduced::Array(a) => panic!("expected a scalar, got {a:?}"),
        }
    }

    fn array(r: Reduced) -> Array {
        match r {
            Reduced::Array(a) => a,
            Reduced::Scalar(s) => panic!("expected an array, got {s:?}"),
        }
    }

    /// `np.arange(1000) / 7.0 - 60.0` permuted: values with rounding in the sum.
    fn data() -> Vec<f64> {
        (0..1000)
            .map(|i| ((i * 7919) % 1000) as f64 / 7.0 - 60.0)
            .collect()
    }

    #[test]
    fn float_sum_matches_numpy_bits() {
        // np.sum(v) with v as in `data()` is 11357.142857142855 (NumPy 2.4).
        let a = Array::from_vec(data(), &[1000]);
        assert_eq!(
            scalar(reduce(ReduceOp::Sum, &a, None).unwrap()),
            Scalar::F64(11357.142857142855)
        );
        // np.mean(v) == 11.357142857142856, np.sqrt(np.sum(v * v)) == 1352.650459396707
        assert_eq!(
            scalar(reduce(ReduceOp::Mean, &a, None).unwrap()),
            Scalar::F64(11.357142857142856)
        );
        assert_eq!(
            scalar(reduce(ReduceOp::Norm, &a, None).unwrap()),
            Scalar::F64(1352.650459396707)
        );
        // dot is the pairwise sum of the products: np.sum(v * v[::-1]) == -803571.4285714286
        let rev = a.slice_axis(0, 999, -1, 1000);
        assert_eq!(dot(&a, &rev).unwrap(), Scalar::F64(-803571.4285714286));
    }

    #[test]
    fn axis_reductions_on_3d() {
        // v = np.arange(24.).reshape(2, 3, 4)
        let a = Array::from_vec((0..24).map(|i| i as f64).collect::<Vec<_>>(), &[2, 3, 4]);
        // v.sum(axis=1).ravel() == [12, 15, 18, 21, 48, 51, 54, 57]
        let s = array(reduce(ReduceOp::Sum, &a, Some(1)).unwrap());
        assert_eq!(s.shape(), &[2, 4]);
        assert_eq!(
            s.to_vec::<f64>(),
            vec![12.0, 15.0, 18.0, 21.0, 48.0, 51.0, 54.0, 57.0]
        );
        // v.max(axis=0).ravel() == np.arange(12, 24)
        let m = array(reduce(ReduceOp::Max, &a, Some(0)).unwrap());
        assert_eq!(
            m.to_vec::<f64>(),
            (12..24).map(|i| i as f64).collect::<Vec<_>>()
        );
        // v.argmin(axis=2) == zeros; v[:, ::-1, :].argmax(axis=1) == zeros((2, 4))
        let am = array(reduce(ReduceOp::ArgMin, &a, Some(2)).unwrap());
        assert_eq!(am.to_vec::<i64>(), vec![0; 6]);
        let flipped = a.slice_axis(1, 2, -1, 3);
        let ax = array(reduce(ReduceOp::ArgMax, &flipped, Some(1)).unwrap());
        assert_eq!(ax.to_vec::<i64>(), vec![0; 8]);
        // v[:, ::-1, :].sum() over a non-contiguous view == 276
        assert_eq!(
            scalar(reduce(ReduceOp::Sum, &flipped, None).unwrap()),
            Scalar::F64(276.0)
        );
        // v.prod(axis=2)[0] == [0, 840, 7920]
        let p = array(reduce(ReduceOp::Prod, &a, Some(2)).unwrap());
        assert_eq!(&p.to_vec::<f64>()[..3], &[0.0, 840.0, 7920.0]);
    }

    #[test]
    fn nan_and_empty_behaviour() {
        let a = Array::from_vec(vec![1.0, f64::NAN, -3.0, f64::NAN], &[4]);
        let min = scalar(reduce(ReduceOp::Min, &a, None).unwrap());
        assert!(matches!(min, Scalar::F64(x) if x.is_nan()));
        assert_eq!(
            scalar(reduce(ReduceOp::ArgMin, &a, None).unwrap()),
            Scalar::I64(1)
        );
        let empty = Array::zeros(DType::F64, &[0]);
        assert_eq!(
            reduce(ReduceOp::Max, &empty, None).unwrap_err(),
            "zero-size array to reduction operation maximum which has no identity"
        );
        assert_eq!(
            reduce(ReduceOp::ArgMax, &empty, None).unwrap_err(),
            "attempt to get argmax of an empty sequence"
        );
        let mean = scalar(reduce(ReduceOp::Mean, &empty, None).unwrap());
        assert!(matches!(mean, Scalar::F64(x) if x.is_nan()));
        let b = Array::from_vec(vec![true, false], &[2]);
        assert_eq!(
            scalar(reduce(ReduceOp::Any, &b, None).unwrap()),
            Scalar::Bool(true)
        );
        assert_eq!(
            scalar(reduce(ReduceOp::All, &b, None).unwrap()),
            Scalar::Bool(false)
        );
    }

    #[test]
    fn int_reductions_wrap() {
        let a = Array::from_vec(vec![i64::MAX, 1, 5], &[3]);
        assert_eq!(
            scalar(reduce(ReduceOp::Sum, &a, None).unwrap()),
            Scalar::I64(i64::MIN + 5)
        );
        let b = Array::from_vec(vec![1i64, 2, 3, 4], &[4]);
        assert_eq!(
            dot(&a.slice_axis(0, 0, 1, 3), &b).unwrap_err(),
            "shapes (3,) and (4,) not aligned: 3 (dim 0) != 4 (dim 0)"
        );
        assert_eq!(dot(&b, &b).unwrap(), Scalar::I64(30));
    }
}
