//! Array geometry and selection (LANGUAGE.md §9 indexing), shared by the interpreter and
//! native code (through the code generator's helpers) so both give the same result and
//! the same errors: transposed and new-axis views, `reshape` (a view when the layout
//! allows, else a copy, NumPy's rule), copies, boolean-mask compaction, integer-array
//! (fancy) gathers and scatters, `.flat` positions, and arrays built from lists.
//!
//! Elements are moved as raw bytes of the dtype's size, so every dtype is handled alike.
//! Messages are NumPy's.

use crate::array::{c_strides, checked_size, for_each_offset, Array};
use crate::error::msg;
use crate::{DType, Scalar};

/// A view whose axis `k` is `a`'s axis `perm[k]` (`perm` a permutation of the axes).
pub fn transpose(a: &Array, perm: &[usize]) -> Array {
    let shape = perm.iter().map(|&k| a.shape()[k]).collect();
    let strides = perm.iter().map(|&k| a.strides()[k]).collect();
    a.restrided(shape, strides)
}

/// A view with new axes of length 1 at the sorted positions `axes` of the result.
pub fn new_axes(a: &Array, axes: &[usize]) -> Array {
    let n = a.ndim() + axes.len();
    let (mut shape, mut strides) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let mut k = 0;
    for pos in 0..n {
        if axes.contains(&pos) {
            shape.push(1);
            strides.push(0);
        } else {
            shape.push(a.shape()[k]);
            strides.push(a.strides()[k]);
            k += 1;
        }
    }
    a.restrided(shape, strides)
}

/// A new C-contiguous copy.
pub fn copy(a: &Array) -> Array {
    let out = Array::zeros(a.dtype(), a.shape());
    let size = a.dtype().size();
    let (src, dst) = (a.buffer().as_ptr(), out.buffer().as_ptr());
    let mut k = 0usize;
    a.for_each_offset(|off| {
        // SAFETY: `off` is an element offset of an in-bounds view of `a` (view invariant);
        // `out` is a fresh buffer of `a.size()` elements, `k < a.size()`; the buffers differ.
        unsafe {
            std::ptr::copy_nonoverlapping(src.offset(off * size as isize), dst.add(k * size), size)
        };
        k += 1;
    });
    out
}

/// The shape `shape` (one item may be -1) resolved for `size` elements, or NumPy's error.
pub fn reshape_shape(size: usize, shape: &[i64]) -> Result<Vec<usize>, String> {
    let unknown = shape.iter().filter(|&&n| n == -1).count();
    if unknown > 1 {
        return Err("can only specify one unknown dimension".into());
    }
    if shape.iter().any(|&n| n < -1) {
        return Err(msg::NEGATIVE_DIM.into());
    }
    let known = shape
        .iter()
        .filter(|&&n| n >= 0)
        .try_fold(1usize, |acc, &n| acc.checked_mul(n as usize));
    let bad = || {
        let parts: Vec<String> = shape
            .iter()
            .map(|&n| {
                if n == -1 {
                    "newaxis".to_string()
                } else {
                    n.to_string()
                }
            })
            .collect();
        let s = if parts.len() == 1 {
            format!("({},)", parts[0])
        } else {
            format!("({})", parts.join(","))
        };
        format!("cannot reshape array of size {size} into shape {s}")
    };
    let Some(known) = known else {
        return Err(bad());
    };
    let mut out: Vec<usize> = shape.iter().map(|&n| n.max(0) as usize).collect();
    if unknown == 1 {
        if known == 0 || !size.is_multiple_of(known) {
            return Err(bad());
        }
        let k = shape.iter().position(|&n| n == -1).expect("one");
        out[k] = size / known;
    } else if known != size {
        return Err(bad());
    }
    Ok(out)
}

/// Strides (in elements) viewing `a`'s elements in C order with shape `new`, when its
/// layout allows it without a copy (NumPy's `_attempt_nocopy_reshape`).
fn nocopy_strides(a: &Array, new: &[usize]) -> Option<Vec<isize>> {
    if a.size() == 0 {
        return Some(c_strides(new));
    }
    let (od, os): (Vec<usize>, Vec<isize>) = a
        .shape()
        .iter()
        .zip(a.strides())
        .filter(|(&n, _)| n != 1)
        .map(|(&n, &s)| (n, s))
        .unzip();
    let (on, nn) = (od.len(), new.len());
    let mut ns = vec![0isize; nn];
    let (mut oi, mut oj, mut ni, mut nj) = (0, 1, 0, 1);
    while ni < nn && oi < on {
        let (mut np, mut op) = (new[ni], od[oi]);
        while np != op {
            if np < op {
                if nj >= nn {
                    return None;
                }
                np *= new[nj];
                nj += 1;
            } else {
                if oj >= on {
                    return None;
                }
                op *= od[oj];
                oj += 1;
            }
        }
        for ok in oi..oj - 1 {
            if os[ok] != od[ok + 1] as isize * os[ok + 1] {
                return None;
            }
        }
        ns[nj - 1] = os[oj - 1];
        for nk in (ni + 1..nj).rev() {
            ns[nk - 1] = ns[nk] * new[nk] as isize;
        }
        ni = nj;
        nj += 1;
        oi = oj;
        oj += 1;
    }
    let last = if ni >= 1 { ns[ni - 1] } else { 1 };
    for s in ns.iter_mut().skip(ni) {
        *s = last;
    }
    Some(ns)
}

/// `a.reshape(shape)`: a view when the layout allows, else a C-order copy; `always_copy`
/// copies in every case (`flatten`).
pub fn reshape(a: &Array, shape: &[i64], always_copy: bool) -> Result<Array, String> {
    let new = reshape_shape(a.size(), shape)?;
    if !always_copy {
        if let Some(strides) = nocopy_strides(a, &new) {
            return Ok(a.restrided(new, strides));
        }
    }
    let c = copy(a);
    let strides = c_strides(&new);
    Ok(c.restrided(new, strides))
}

/// Element offsets (from the buffer start) of the elements a selector picks, in C order
/// of the selection, and the selection's shape.
struct Picked {
    shape: Vec<usize>,
    offsets: Vec<isize>,
}

/// The offsets of `a`'s sub-arrays at the positions `sel` (element offsets relative to
/// `a.offset()`) of axes `axis..axis + k`, each position expanded over the outer and inner
/// axes, in C order: the selection's elements.
fn pick(a: &Array, axis: usize, k: usize, sel: &[isize], sel_shape: &[usize]) -> Picked {
    let (shape, strides) = (a.shape(), a.strides());
    let mut out_shape = shape[..axis].to_vec();
    out_shape.extend_from_slice(sel_shape);
    out_shape.extend_from_slice(&shape[axis + k..]);
    let inner_n: usize = shape[axis + k..].iter().product();
    let outer_n: usize = shape[..axis].iter().product();
    let mut offsets = Vec::with_capacity(outer_n * sel.len() * inner_n);
    if outer_n > 0 && inner_n > 0 {
        for_each_offset(&shape[..axis], &strides[..axis], a.offset(), &mut |o| {
            for &s in sel {
                for_each_offset(&shape[axis + k..], &strides[axis + k..], o + s, &mut |e| {
                    offsets.push(e)
                });
            }
        });
    }
    Picked {
        shape: out_shape,
        offsets,
    }
}

/// The positions a bool `mask` selects on axes `axis..axis + mask.ndim()` of `a`, as
/// element offsets relative to `a.offset()`.
fn mask_positions(a: &Array, mask: &Array, axis: usize) -> Result<Vec<isize>, String> {
    if mask.dtype() != DType::Bool {
        return Err("internal error: a mask must be a bool array".into());
    }
    let k = mask.ndim();
    if axis + k > a.ndim() {
        return Err(format!(
            "too many indices for array: array is {}-dimensional, but {} were indexed",
            a.ndim(),
            axis + k
        ));
    }
    for j in 0..k {
        let (n, m) = (a.shape()[axis + j], mask.shape()[j]);
        if n != m {
            return Err(format!(
                "boolean index did not match indexed array along axis {}; size of axis is {n} but size of corresponding boolean axis is {m}",
                axis + j
            ));
        }
    }
    let strides = &a.strides()[axis..axis + k];
    let mut out = Vec::new();
    let mut idx = vec![0usize; k];
    let p = mask.buffer().as_ptr() as *const u8;
    mask.for_each_offset(|off| {
        // SAFETY: an in-bounds offset of the bool mask (one byte per element).
        let set = unsafe { *p.offset(off) } != 0;
        if set {
            out.push(idx.iter().zip(strides).map(|(&i, &s)| i as isize * s).sum());
        }
        // Advance the C-order multi-index.
        for j in (0..k).rev() {
            idx[j] += 1;
            if idx[j] < mask.shape()[j] {
                break;
            }
            idx[j] = 0;
        }
    });
    Ok(out)
}

/// The positions an integer array selects along `axis` (negative from the end; checked).
fn take_positions(a: &Array, index: &Array, axis: usize) -> Result<Vec<isize>, String> {
    let n = a.shape()[axis];
    let s = a.strides()[axis];
    let mut out = Vec::with_capacity(index.size());
    let mut err = None;
    index.for_each_offset(|off| {
        if err.is_some() {
            return;
        }
        let i = index.read_at(off).as_i64();
        let j = if i < 0 { i.wrapping_add(n as i64) } else { i };
        if j < 0 || j >= n as i64 {
            err = Some(msg::index_out_of_bounds(i, axis, n));
        } else {
            out.push(j as isize * s);
        }
    });
    match err {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// A new C-contiguous array of the elements at `offsets` (of `a`'s buffer).
fn gather(a: &Array, p: &Picked) -> Array {
    let out = Array::zeros(a.dtype(), &p.shape);
    let size = a.dtype().size();
    let (src, dst) = (a.buffer().as_ptr(), out.buffer().as_ptr());
    for (k, &off) in p.offsets.iter().enumerate() {
        // SAFETY: offsets come from in-bounds positions of `a`'s view; `out` is fresh with
        // exactly `offsets.len()` elements.
        unsafe {
            std::ptr::copy_nonoverlapping(src.offset(off * size as isize), dst.add(k * size), size)
        };
    }
    out
}

/// `a[mask]` with the mask on axes `axis..`: a new array.
pub fn mask_select(a: &Array, mask: &Array, axis: usize) -> Result<Array, String> {
    let sel = mask_positions(a, mask, axis)?;
    let n = sel.len();
    Ok(gather(a, &pick(a, axis, mask.ndim(), &sel, &[n])))
}

/// `a[index]` along `axis`: a new array whose axes `axis..` are the index array's.
pub fn take(a: &Array, index: &Array, axis: usize) -> Result<Array, String> {
    let sel = take_positions(a, index, axis)?;
    Ok(gather(a, &pick(a, axis, 1, &sel, index.shape())))
}

/// The element offset of `a.flat[i]` (negative from the end; checked).
pub fn flat_offset(a: &Array, i: i64) -> Result<isize, String> {
    let size = a.size();
    let j = if i < 0 {
        i.wrapping_add(size as i64)
    } else {
        i
    };
    if j < 0 || j >= size as i64 {
        return Err(format!("index {i} is out of bounds for size {size}"));
    }
    let mut rest = j as usize;
    let mut off = a.offset();
    for (&n, &s) in a.shape().iter().zip(a.strides()).rev() {
        off += (rest % n) as isize * s;
        rest /= n;
    }
    Ok(off)
}

/// A value stored into a selection: one scalar for every element, or an array broadcast
/// to the selection's shape.
pub enum Source<'a> {
    Scalar(Scalar),
    Array(&'a Array),
}

/// Writes `value` into the picked elements of `target`.
///
/// # Safety
/// As for [`Array::write_at`]: no other thread accesses `target`'s elements and no slice
/// of its buffer is alive during the call.
unsafe fn scatter(target: &Array, p: &Picked, value: Source<'_>, mask: bool) -> Result<(), String> {
    if !target.buffer().is_writable() {
        return Err("assignment destination is read-only".into());
    }
    let size = target.dtype().size();
    let dst = target.buffer().as_ptr();
    match value {
        Source::Scalar(s) => {
            for &off in &p.offsets {
                // SAFETY: in-bounds offsets of a writable buffer; exclusivity by the caller.
                unsafe { target.write_at(off, s) };
            }
            let _ = size;
            Ok(())
        }
        Source::Array(v) => {
            // Broadcast `v` to the selection's shape (trailing axes aligned).
            let (vs, ps) = (v.shape(), &p.shape);
            let fits = vs.len() <= ps.len()
                && vs
                    .iter()
                    .rev()
                    .zip(ps.iter().rev())
                    .all(|(&a, &b)| a == b || a == 1);
            if !fits {
                return Err(if mask && vs.len() == 1 && ps.len() == 1 {
                    format!("NumPy boolean array indexing assignment cannot assign {} input values to the {} output values where the mask is true", vs[0], ps[0])
                } else {
                    format!(
                        "shape mismatch: value array of shape {} could not be broadcast to indexing result of shape {}",
                        msg::shape(vs),
                        msg::shape(ps)
                    )
                });
            }
            // Read the whole value first when it may share memory with the target.
            let owned;
            let v = if v.shares_buffer(target) {
                owned = copy(v);
                &owned
            } else {
                v
            };
            let pad = ps.len() - vs.len();
            let strides: Vec<isize> = (0..ps.len())
                .map(|k| {
                    if k < pad || vs[k - pad] == 1 {
                        0
                    } else {
                        v.strides()[k - pad]
                    }
                })
                .collect();
            let src = v.buffer().as_ptr();
            let mut k = 0usize;
            let offsets = &p.offsets;
            for_each_offset(ps, &strides, v.offset(), &mut |voff| {
                // SAFETY: `voff` is an in-bounds element of `v` (broadcast strides stay
                // inside its view); `offsets[k]` an in-bounds element of the writable
                // target; the two buffers differ or `v` was copied.
                unsafe {
                    std::ptr::copy_nonoverlapping(
                        src.offset(voff * size as isize),
                        dst.offset(offsets[k] * size as isize),
                        size,
                    )
                };
                k += 1;
            });
            Ok(())
        }
    }
}

/// `a[mask] = value`.
///
/// # Safety
/// As for [`Array::write_at`] on `a`.
pub unsafe fn mask_store(
    a: &Array,
    mask: &Array,
    axis: usize,
    value: Source<'_>,
) -> Result<(), String> {
    let sel = mask_positions(a, mask, axis)?;
    let n = sel.len();
    let p = pick(a, axis, mask.ndim(), &sel, &[n]);
    // SAFETY: forwarded to the caller.
    unsafe { scatter(a, &p, value, true) }
}

/// `a[index] = value` along `axis` (with repeated positions the last write wins).
///
/// # Safety
/// As for [`Array::write_at`] on `a`.
pub unsafe fn take_store(
    a: &Array,
    index: &Array,
    axis: usize,
    value: Source<'_>,
) -> Result<(), String> {
    let sel = take_positions(a, index, axis)?;
    let p = pick(a, axis, 1, &sel, index.shape());
    // SAFETY: forwarded to the caller.
    unsafe { scatter(a, &p, value, false) }
}

/// A new array of `shape` from scalars (already of `dtype`) in C order.
pub fn from_scalars(dtype: DType, shape: &[usize], items: &[Scalar]) -> Array {
    debug_assert_eq!(checked_size(shape), Some(items.len()));
    let out = Array::zeros(dtype, shape);
    for (k, &s) in items.iter().enumerate() {
        // SAFETY: `out` is fresh and only referenced here; `k` is inside it.
        unsafe { out.write_at(k as isize, s) };
    }
    out
}

/// `np.array([a, b, ...])` of equal-shaped arrays: a new array with a first axis of
/// `items.len()`.
pub fn stack(dtype: DType, items: &[&Array]) -> Result<Array, String> {
    let Some(first) = items.first() else {
        return Err("internal error: stacking no arrays".into());
    };
    for it in items {
        if it.shape() != first.shape() {
            return Err(format!(
                "setting an array element with a sequence. The requested array has an inhomogeneous shape after 1 dimensions. The detected shape was ({},) + inhomogeneous part.",
                items.len()
            ));
        }
    }
    let mut shape = vec![items.len()];
    shape.extend_from_slice(first.shape());
    let out = Array::zeros(dtype, &shape);
    let size = dtype.size();
    let dst = out.buffer().as_ptr();
    let mut k = 0usize;
    for it in items {
        debug_assert_eq!(it.dtype(), dtype);
        let src = it.buffer().as_ptr();
        it.for_each_offset(|off| {
            // SAFETY: in-bounds offsets of each item; `out` is fresh and has room for
            // every element of every item (equal shapes checked above).
            unsafe {
                std::ptr::copy_nonoverlapping(
                    src.offset(off * size as isize),
                    dst.add(k * size),
                    size,
                )
            };
            k += 1;
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arange(n: usize, shape: &[usize]) -> Array {
        Array::from_vec((0..n as i64).collect::<Vec<_>>(), shape)
    }

    #[test]
    fn reshape_views_when_numpy_does() {
        let a = arange(12, &[3, 4]);
        let r = reshape(&a, &[4, -1], false).unwrap();
        assert!(r.shares_buffer(&a));
        assert_eq!(r.shape(), &[4, 3]);
        // a.T is not C-contiguous: reshape(-1) copies, in C order of the transposed view.
        let t = transpose(&a, &[1, 0]);
        let f = reshape(&t, &[-1], false).unwrap();
        assert!(!f.shares_buffer(&a));
        assert_eq!(f.to_vec::<i64>()[..4], [0, 4, 8, 1]);
        // A column slice of rows reshapes without a copy.
        let rows = a.slice_axis(0, 0, 2, 2); // a[::2]
        let v = reshape(&rows, &[2, 2, 2], false).unwrap();
        assert!(v.shares_buffer(&a));
        assert_eq!(v.to_vec::<i64>(), vec![0, 1, 2, 3, 8, 9, 10, 11]);
        assert_eq!(
            reshape(&a, &[5, -1], false).unwrap_err(),
            "cannot reshape array of size 12 into shape (5,newaxis)"
        );
        assert_eq!(
            reshape(&a, &[5], false).unwrap_err(),
            "cannot reshape array of size 12 into shape (5,)"
        );
    }

    #[test]
    fn masks_and_takes() {
        let a = arange(6, &[2, 3]);
        let m = Array::from_vec(vec![true, false, true, false, true, true], &[2, 3]);
        assert_eq!(
            mask_select(&a, &m, 0).unwrap().to_vec::<i64>(),
            vec![0, 2, 4, 5]
        );
        let rows = Array::from_vec(vec![false, true], &[2]);
        let r = mask_select(&a, &rows, 0).unwrap();
        assert_eq!(
            (r.shape(), r.to_vec::<i64>()),
            (&[1usize, 3][..], vec![3, 4, 5])
        );
        let idx = Array::from_vec(vec![2i64, -3, 2], &[3]);
        let t = take(&a, &idx, 1).unwrap();
        assert_eq!(t.shape(), &[2, 3]);
        assert_eq!(t.to_vec::<i64>(), vec![2, 0, 2, 5, 3, 5]);
        assert_eq!(
            take(&a, &Array::from_vec(vec![3i64], &[1]), 1).unwrap_err(),
            "index 3 is out of bounds for axis 1 with size 3"
        );
        // SAFETY: single thread, no slices alive.
        unsafe {
            mask_store(&a, &m, 0, Source::Scalar(Scalar::I64(-1))).unwrap();
            take_store(
                &a,
                &idx,
                1,
                Source::Array(&Array::from_vec(vec![7i64, 8, 9], &[3])),
            )
            .unwrap();
        }
        assert_eq!(a.to_vec::<i64>(), vec![8, 1, 9, 8, -1, 9]);
        assert_eq!(flat_offset(&transpose(&a, &[1, 0]), 1).unwrap(), 3);
    }
}
