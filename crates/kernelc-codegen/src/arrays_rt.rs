//! Run-time helpers for the array operations of LANGUAGE.md §9 (`ArrayOp`,
//! `SelectStore`), called from [`crate::lower`]'s `arrays` module. Each wraps the runtime's
//! shared definition (`kernelc_runtime::select`), which the interpreter uses too, so both
//! executors give the same arrays and the same errors. Results are new handles (reference
//! count 1); a failing helper records the error and returns null.
//!
//! # Safety
//! As for [`crate::rt`]: live context, live handles, pointers to `n` valid words.
#![allow(clippy::missing_safety_doc)]

use crate::abi::{from_bits, ArrayHandle, JitCtx};
use crate::rt::{err, guard};
use kernelc_runtime::select::{self, Source};
use kernelc_runtime::{Array, DType};

/// The array behind a live handle.
unsafe fn arr(h: *const ArrayHandle) -> Array {
    // SAFETY: the caller passes live handles.
    unsafe { ArrayHandle::array(h) }
}

fn handle(a: Array) -> u64 {
    ArrayHandle::into_raw(a) as u64
}

/// A dtype passed as its `'static` name (pointer and length): stable for every dtype.
unsafe fn dtype(name: *const u8, len: i64) -> Option<DType> {
    // SAFETY: native code passes the bytes of a `DType::name()` string literal.
    let s = unsafe { std::slice::from_raw_parts(name, len as usize) };
    DType::from_name(std::str::from_utf8(s).ok()?)
}

/// `a.T` / `transpose`: axis `k` of the result is axis `(perm >> 4k) & 15`.
pub unsafe extern "C" fn rt_transpose(h: *const ArrayHandle, perm: i64) -> u64 {
    // SAFETY: live handle.
    let a = unsafe { arr(h) };
    let p: Vec<usize> = (0..a.ndim())
        .map(|k| ((perm >> (4 * k)) & 15) as usize)
        .collect();
    handle(select::transpose(&a, &p))
}

/// New axes at the result positions whose bits are set in `mask`.
pub unsafe extern "C" fn rt_new_axes(h: *const ArrayHandle, mask: i64) -> u64 {
    // SAFETY: live handle.
    let a = unsafe { arr(h) };
    let axes: Vec<usize> = (0..64).filter(|k| mask >> k & 1 == 1).collect();
    handle(select::new_axes(&a, &axes))
}

/// A C-contiguous copy.
pub unsafe extern "C" fn rt_copy(h: *const ArrayHandle) -> u64 {
    // SAFETY: live handle.
    handle(select::copy(&unsafe { arr(h) }))
}

/// `reshape` to the `n` dims at `dims` (a view when possible; always a copy if `copy`).
pub unsafe extern "C" fn rt_reshape(
    ctx: *mut JitCtx,
    h: *const ArrayHandle,
    dims: *const i64,
    n: i64,
    copy: i64,
    span: i64,
) -> u64 {
    guard(ctx, span, |c| {
        // SAFETY: live handle; native code wrote `n` words at `dims`.
        let (a, d) = unsafe { (arr(h), std::slice::from_raw_parts(dims, n as usize)) };
        match select::reshape(&a, d, copy != 0) {
            Ok(r) => handle(r),
            Err(m) => {
                err(c, m, span);
                0
            }
        }
    })
}

/// `a[mask]` (`kind` 0) or `a[index]` (`kind` 1) along `axis`.
pub unsafe extern "C" fn rt_select(
    ctx: *mut JitCtx,
    h: *const ArrayHandle,
    sel: *const ArrayHandle,
    kind: i64,
    axis: i64,
    span: i64,
) -> u64 {
    guard(ctx, span, |c| {
        // SAFETY: live handles.
        let (a, s) = unsafe { (arr(h), arr(sel)) };
        let r = if kind == 0 {
            select::mask_select(&a, &s, axis as usize)
        } else {
            select::take(&a, &s, axis as usize)
        };
        match r {
            Ok(r) => handle(r),
            Err(m) => {
                err(c, m, span);
                0
            }
        }
    })
}

/// `a[mask] = value` (`kind` 0) or `a[index] = value` (`kind` 1): `value` is an array
/// handle when `is_array`, else the word of a scalar of `a`'s dtype.
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn rt_select_store(
    ctx: *mut JitCtx,
    h: *const ArrayHandle,
    sel: *const ArrayHandle,
    kind: i64,
    axis: i64,
    value: u64,
    is_array: i64,
    span: i64,
) {
    guard(ctx, span, |c| {
        // SAFETY: live handles.
        let (a, s) = unsafe { (arr(h), arr(sel)) };
        let v_arr;
        let src = if is_array != 0 {
            // SAFETY: a live handle in `value`.
            v_arr = unsafe { arr(value as *const ArrayHandle) };
            Source::Array(&v_arr)
        } else {
            Source::Scalar(from_bits(value, a.dtype()))
        };
        // SAFETY: native code runs the kernel on this thread; no slice is alive during a
        // helper call (prange chunks that store into one array are the user's contract).
        let r = unsafe {
            if kind == 0 {
                select::mask_store(&a, &s, axis as usize, src)
            } else {
                select::take_store(&a, &s, axis as usize, src)
            }
        };
        if let Err(m) = r {
            err(c, m, span);
        }
    })
}

/// `a.flat[i]` out of bounds.
pub unsafe extern "C" fn rt_flat_error(ctx: *mut JitCtx, i: i64, size: i64, span: i64) {
    guard(ctx, span, |c| {
        err(
            c,
            format!("index {i} is out of bounds for size {size}"),
            span,
        )
    })
}

/// A new array of dtype `name` and shape `shape[..ndim]` from the words `words[..n]`.
pub unsafe extern "C" fn rt_from_words(
    ctx: *mut JitCtx,
    name: *const u8,
    len: i64,
    shape: *const i64,
    ndim: i64,
    words: *const u64,
    span: i64,
) -> u64 {
    guard(ctx, span, |c| {
        // SAFETY: see the module doc.
        let (d, shape) = unsafe {
            (
                dtype(name, len),
                std::slice::from_raw_parts(shape, ndim as usize),
            )
        };
        let Some(d) = d else {
            err(c, "internal error: unknown dtype", span);
            return 0;
        };
        let shape: Vec<usize> = shape.iter().map(|&n| n as usize).collect();
        let n: usize = shape.iter().product();
        // SAFETY: native code wrote `n` words.
        let w = unsafe { std::slice::from_raw_parts(words, n) };
        let items: Vec<_> = w.iter().map(|&x| from_bits(x, d)).collect();
        handle(select::from_scalars(d, &shape, &items))
    })
}

/// `np.array([a, b, ...])` of `n` array handles at `hs`.
pub unsafe extern "C" fn rt_stack(
    ctx: *mut JitCtx,
    name: *const u8,
    len: i64,
    hs: *const *const ArrayHandle,
    n: i64,
    span: i64,
) -> u64 {
    guard(ctx, span, |c| {
        // SAFETY: see the module doc.
        let d = unsafe { dtype(name, len) };
        let Some(d) = d else {
            err(c, "internal error: unknown dtype", span);
            return 0;
        };
        // SAFETY: native code wrote `n` live handles.
        let arrays: Vec<Array> = unsafe { std::slice::from_raw_parts(hs, n as usize) }
            .iter()
            .map(|&h| unsafe { arr(h) })
            .collect();
        let refs: Vec<&Array> = arrays.iter().collect();
        match select::stack(d, &refs) {
            Ok(r) => handle(r),
            Err(m) => {
                err(c, m, span);
                0
            }
        }
    })
}
