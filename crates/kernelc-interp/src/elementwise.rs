//! Broadcasting element-wise array kernels (NumPy style: one typed loop per operation that
//! writes a new C-contiguous array), and the region copy used by slice stores.
//!
//! Operands are scalars or arrays of one element type `T`. The output shape is the NumPy
//! broadcast of the array operands' shapes. Loops run row by row over the output (the last
//! axis is the row); each operand's row is a constant (scalar or stride 0), a contiguous
//! slice, or a strided walk, and the common pairs (slice/slice, slice/constant) have their
//! own tight loops that LLVM can vectorise. When every array operand is C-contiguous with
//! the output's shape, the whole array is one row.
//!
//! Per-element definitions come from [`crate::scalar`], so an array operation and the same
//! operation on scalars give the same bits (and the same errors).

use crate::alloc::new_array;
use crate::scalar::{
    cast, cast_error, math_float_match, math_int_match, pow_int as pow_int_elem, unop_symbol,
    unsupported, with_dtype, with_float_dtype, Fallible, Num,
};
use kernelc_runtime::error::msg;
use kernelc_runtime::{Array, DType, Element, Scalar};
use kernelc_sema::tir::{BinOp, MathFn, UnOp};

/// Dispatches on any [`DType`] (complex types too) for kernels that only move elements
/// (copies, stores, `where`), binding `$T` to the Rust element type.
macro_rules! with_element {
    ($dt:expr, $T:ident => $body:expr) => {
        with_dtype!($dt, $T => $body, complex => match $dt {
            DType::C64 => {
                type $T = kernelc_runtime::dtype::Complex32;
                $body
            }
            _ => {
                type $T = kernelc_runtime::dtype::Complex64;
                $body
            }
        })
    };
}

/// An untyped operand of an element-wise operation.
#[derive(Clone, Copy, Debug)]
pub enum Operand<'a> {
    Scalar(Scalar),
    Array(&'a Array),
}

impl<'a> Operand<'a> {
    pub fn dtype(&self) -> DType {
        match self {
            Operand::Scalar(s) => s.dtype(),
            Operand::Array(a) => a.dtype(),
        }
    }

    fn shape(&self) -> Option<&[usize]> {
        match self {
            Operand::Scalar(_) => None,
            Operand::Array(a) => Some(a.shape()),
        }
    }

    pub(crate) fn typed<T: Element>(self) -> Fallible<Arg<'a, T>> {
        match self {
            Operand::Scalar(s) if s.dtype() == T::DTYPE => Ok(Arg::Scalar(T::from_scalar(s))),
            Operand::Array(a) if a.dtype() == T::DTYPE => Ok(Arg::Array(a)),
            _ => Err(format!(
                "internal error: operand of type {} where {} was expected",
                self.dtype(),
                T::DTYPE
            )),
        }
    }
}

/// A typed operand: a scalar of `T` or an array whose dtype is `T`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Arg<'a, T> {
    Scalar(T),
    Array(&'a Array),
}

/// The whole buffer of an array as a typed slice (element offsets index into it).
pub(crate) fn buffer<T: Element>(a: &Array) -> Fallible<&[T]> {
    if a.dtype() != T::DTYPE {
        return Err(format!(
            "internal error: {} array read as {}",
            a.dtype(),
            T::DTYPE
        ));
    }
    let buf = a.buffer();
    let len = buf.len_bytes() / std::mem::size_of::<T>();
    if len == 0 {
        return Ok(&[]);
    }
    // SAFETY: the buffer holds `len_bytes` initialised bytes, aligned for the array's
    // element type (owned buffers are 64-byte aligned; borrowed ones must be aligned by
    // the `Buffer::borrowed` contract), and its elements were written as `T` (the dtype
    // was checked above, so bools are 0/1). The slice lives no longer than `a`, which
    // keeps the buffer alive. Callers never hold it across a write to the same buffer.
    Ok(unsafe { std::slice::from_raw_parts(buf.as_ptr() as *const T, len) })
}

/// The start of an array's buffer for element writes at offsets of its view (see
/// [`Array::data_mut_ptr`]); an error for a wrong element type or read-only memory.
pub(crate) fn buffer_mut_ptr<T: Element>(a: &Array) -> Fallible<*mut T> {
    a.data_mut_ptr::<T>().ok_or_else(|| {
        format!(
            "internal error: {} array written as {} (or read-only)",
            a.dtype(),
            T::DTYPE
        )
    })
}

/// True when the memory of two arrays' buffers overlaps.
pub(crate) fn overlaps(a: &Array, b: &Array) -> bool {
    if a.shares_buffer(b) {
        return true;
    }
    let (pa, la) = (a.buffer().as_ptr() as usize, a.buffer().len_bytes());
    let (pb, lb) = (b.buffer().as_ptr() as usize, b.buffer().len_bytes());
    la > 0 && lb > 0 && pa < pb + lb && pb < pa + la
}

/// NumPy broadcasting of two shapes (aligned at the right; each pair equal or one of them
/// 1).
pub fn broadcast_shapes(a: &[usize], b: &[usize]) -> Fallible<Vec<usize>> {
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    for (k, o) in out.iter_mut().enumerate() {
        let da = if k + a.len() >= n {
            a[k + a.len() - n]
        } else {
            1
        };
        let db = if k + b.len() >= n {
            b[k + b.len() - n]
        } else {
            1
        };
        *o = if da == db || db == 1 {
            da
        } else if da == 1 {
            db
        } else {
            return Err(msg::broadcast(a, b));
        };
    }
    Ok(out)
}

/// The broadcast shape of several operands (scalars take part as shape `()`).
fn output_shape(ops: &[Option<&[usize]>]) -> Fallible<Vec<usize>> {
    let mut out: Vec<usize> = Vec::new();
    for s in ops.iter().flatten() {
        out = match broadcast_shapes(&out, s) {
            Ok(o) => o,
            Err(_) if ops.len() > 2 => {
                let shapes: Vec<String> =
                    ops.iter().map(|s| msg::shape(s.unwrap_or(&[]))).collect();
                return Err(format!(
                    "operands could not be broadcast together with shapes {}",
                    shapes.join(" ")
                ));
            }
            Err(e) => {
                // Name the shapes in operand order, as NumPy does.
                let all: Vec<&[usize]> = ops.iter().flatten().copied().collect();
                return Err(if all.len() == 2 {
                    msg::broadcast(all[0], all[1])
                } else {
                    e
                });
            }
        };
    }
    Ok(out)
}

/// Strides of `shape` viewed as broadcast to `out` (0 along broadcast axes).
fn broadcast_strides(shape: &[usize], strides: &[isize], out: &[usize]) -> Vec<isize> {
    let pad = out.len() - shape.len();
    (0..out.len())
        .map(|k| {
            if k < pad || shape[k - pad] == 1 {
                0
            } else {
                strides[k - pad]
            }
        })
        .collect()
}

/// One row of an operand: `n` elements along the output's last axis.
#[derive(Clone, Copy)]
pub(crate) enum Row<'a, T> {
    Const(T),
    Slice(&'a [T]),
    Strided {
        data: &'a [T],
        off: isize,
        stride: isize,
    },
}

impl<T: Copy> Row<'_, T> {
    #[inline(always)]
    fn get(&self, j: usize) -> T {
        match *self {
            Row::Const(x) => x,
            Row::Slice(s) => s[j],
            Row::Strided { data, off, stride } => data[(off + j as isize * stride) as usize],
        }
    }
}

/// An operand prepared for the row loops over an output shape.
enum Prepared<'a, T> {
    Const(T),
    /// C-contiguous with exactly the output's shape: the whole array is one row.
    Full(&'a [T]),
    Strided {
        data: &'a [T],
        base: isize,
        /// Broadcast to the output's rank.
        strides: Vec<isize>,
    },
}

impl<'a, T: Element> Prepared<'a, T> {
    fn new(arg: Arg<'a, T>, out: &[usize]) -> Fallible<Prepared<'a, T>> {
        Ok(match arg {
            Arg::Scalar(x) => Prepared::Const(x),
            Arg::Array(a) => {
                if a.shape() == out {
                    if let Some(s) = a.as_slice::<T>() {
                        return Ok(Prepared::Full(s));
                    }
                }
                Prepared::Strided {
                    data: buffer::<T>(a)?,
                    base: a.offset(),
                    strides: broadcast_strides(a.shape(), a.strides(), out),
                }
            }
        })
    }

    fn is_full(&self) -> bool {
        !matches!(self, Prepared::Strided { .. })
    }

    /// The row at outer index `idx` (all axes but the last), `n` long, `r`-th row.
    #[inline]
    fn row(&self, idx: &[usize], r: usize, n: usize) -> Row<'a, T> {
        match self {
            Prepared::Const(x) => Row::Const(*x),
            Prepared::Full(s) => Row::Slice(&s[r * n..(r + 1) * n]),
            Prepared::Strided {
                data,
                base,
                strides,
            } => {
                let mut off = *base;
                for (&i, &s) in idx.iter().zip(strides.iter()) {
                    off += i as isize * s;
                }
                let stride = strides.last().copied().unwrap_or(0);
                if stride == 0 || n == 1 {
                    Row::Const(data[off as usize])
                } else if stride == 1 {
                    Row::Slice(&data[off as usize..off as usize + n])
                } else {
                    Row::Strided { data, off, stride }
                }
            }
        }
    }
}

/// Calls `f(outer_index, row_number)` for each row of `shape` (every index of all axes but
/// the last, in C order).
pub(crate) fn for_each_row(shape: &[usize], mut f: impl FnMut(&[usize], usize)) {
    if shape.contains(&0) {
        return;
    }
    let outer = &shape[..shape.len().saturating_sub(1)];
    let mut idx = vec![0usize; outer.len()];
    let mut r = 0;
    loop {
        f(&idx, r);
        r += 1;
        let mut k = outer.len();
        loop {
            if k == 0 {
                return;
            }
            k -= 1;
            idx[k] += 1;
            if idx[k] < outer[k] {
                break;
            }
            idx[k] = 0;
        }
    }
}

/// The output array and its row geometry.
fn output<R: Element>(shape: &[usize]) -> Fallible<(Array, usize)> {
    let out = new_array(R::DTYPE, shape)?;
    let n = shape.last().copied().unwrap_or(1);
    Ok((out, n))
}

fn out_slice<R: Element>(out: &mut Array) -> Fallible<&mut [R]> {
    out.as_mut_slice::<R>()
        .ok_or_else(|| "internal error: fresh array is not contiguous".to_string())
}

#[inline(always)]
fn row1<A: Copy, R: Copy>(out: &mut [R], a: Row<A>, f: &mut impl FnMut(A) -> R) {
    match a {
        Row::Slice(s) => {
            for (o, &x) in out.iter_mut().zip(s) {
                *o = f(x);
            }
        }
        Row::Const(x) => out.fill(f(x)),
        _ => {
            for (j, o) in out.iter_mut().enumerate() {
                *o = f(a.get(j));
            }
        }
    }
}

#[inline(always)]
fn row2<A: Copy, B: Copy, R: Copy>(
    out: &mut [R],
    a: Row<A>,
    b: Row<B>,
    f: &mut impl FnMut(A, B) -> R,
) {
    match (a, b) {
        (Row::Slice(x), Row::Slice(y)) => {
            for ((o, &x), &y) in out.iter_mut().zip(x).zip(y) {
                *o = f(x, y);
            }
        }
        (Row::Const(x), Row::Slice(y)) => {
            for (o, &y) in out.iter_mut().zip(y) {
                *o = f(x, y);
            }
        }
        (Row::Slice(x), Row::Const(y)) => {
            for (o, &x) in out.iter_mut().zip(x) {
                *o = f(x, y);
            }
        }
        (Row::Const(x), Row::Const(y)) => out.fill(f(x, y)),
        _ => {
            for (j, o) in out.iter_mut().enumerate() {
                *o = f(a.get(j), b.get(j));
            }
        }
    }
}

#[inline(always)]
fn row3<A: Copy, B: Copy, C: Copy, R: Copy>(
    out: &mut [R],
    a: Row<A>,
    b: Row<B>,
    c: Row<C>,
    f: &mut impl FnMut(A, B, C) -> R,
) {
    match (a, b, c) {
        (Row::Slice(x), Row::Slice(y), Row::Slice(z)) => {
            for (((o, &x), &y), &z) in out.iter_mut().zip(x).zip(y).zip(z) {
                *o = f(x, y, z);
            }
        }
        _ => {
            for (j, o) in out.iter_mut().enumerate() {
                *o = f(a.get(j), b.get(j), c.get(j));
            }
        }
    }
}

/// `f` applied to every element of `a`, into a new array.
pub(crate) fn map1<A: Element, R: Element>(
    a: Arg<A>,
    mut f: impl FnMut(A) -> R,
) -> Fallible<Array> {
    let shape = output_shape(&[arg_shape(&a)])?;
    let (mut out, n) = output::<R>(&shape)?;
    let pa = Prepared::new(a, &shape)?;
    let o = out_slice::<R>(&mut out)?;
    if o.is_empty() {
        return Ok(out);
    }
    if pa.is_full() {
        row1(o, pa.row(&[], 0, o.len()), &mut f);
    } else {
        for_each_row(&shape, |idx, r| {
            row1(&mut o[r * n..(r + 1) * n], pa.row(idx, r, n), &mut f)
        });
    }
    Ok(out)
}

/// `f` applied element-wise to two broadcast operands, into a new array.
pub(crate) fn map2<A: Element, B: Element, R: Element>(
    a: Arg<A>,
    b: Arg<B>,
    mut f: impl FnMut(A, B) -> R,
) -> Fallible<Array> {
    let shape = output_shape(&[arg_shape(&a), arg_shape(&b)])?;
    let (mut out, n) = output::<R>(&shape)?;
    let (pa, pb) = (Prepared::new(a, &shape)?, Prepared::new(b, &shape)?);
    let o = out_slice::<R>(&mut out)?;
    if o.is_empty() {
        return Ok(out);
    }
    if pa.is_full() && pb.is_full() {
        let len = o.len();
        row2(o, pa.row(&[], 0, len), pb.row(&[], 0, len), &mut f);
    } else {
        for_each_row(&shape, |idx, r| {
            row2(
                &mut o[r * n..(r + 1) * n],
                pa.row(idx, r, n),
                pb.row(idx, r, n),
                &mut f,
            )
        });
    }
    Ok(out)
}

/// `f` applied element-wise to three broadcast operands, into a new array.
pub(crate) fn map3<A: Element, B: Element, C: Element, R: Element>(
    a: Arg<A>,
    b: Arg<B>,
    c: Arg<C>,
    mut f: impl FnMut(A, B, C) -> R,
) -> Fallible<Array> {
    let shape = output_shape(&[arg_shape(&a), arg_shape(&b), arg_shape(&c)])?;
    let (mut out, n) = output::<R>(&shape)?;
    let pa = Prepared::new(a, &shape)?;
    let pb = Prepared::new(b, &shape)?;
    let pc = Prepared::new(c, &shape)?;
    let o = out_slice::<R>(&mut out)?;
    if o.is_empty() {
        return Ok(out);
    }
    if pa.is_full() && pb.is_full() && pc.is_full() {
        let len = o.len();
        row3(
            o,
            pa.row(&[], 0, len),
            pb.row(&[], 0, len),
            pc.row(&[], 0, len),
            &mut f,
        );
    } else {
        for_each_row(&shape, |idx, r| {
            row3(
                &mut o[r * n..(r + 1) * n],
                pa.row(idx, r, n),
                pb.row(idx, r, n),
                pc.row(idx, r, n),
                &mut f,
            )
        });
    }
    Ok(out)
}

fn arg_shape<'a, T>(a: &Arg<'a, T>) -> Option<&'a [usize]> {
    match a {
        Arg::Scalar(_) => None,
        Arg::Array(a) => Some(a.shape()),
    }
}

/// Runs a kernel whose element function may fail: `f` reports failures through the
/// `&mut Option<String>` it is given (the first one, in C order, wins).
fn fallible(run: impl FnOnce(&mut Option<String>) -> Fallible<Array>) -> Fallible<Array> {
    let mut err = None;
    let out = run(&mut err)?;
    match err {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// A binary operator on two operands (at least one an array) of the same element type.
pub fn binary(op: BinOp, a: Operand, b: Operand) -> Fallible<Array> {
    if a.dtype() != b.dtype() {
        return Err(format!(
            "internal error: operands of {} have types {} and {}",
            op.symbol(),
            a.dtype(),
            b.dtype()
        ));
    }
    if a.dtype().is_complex() {
        return crate::complex_array::binary(op, a, b);
    }
    with_dtype!(a.dtype(), T => binary_typed::<T>(op, a.typed::<T>()?, b.typed::<T>()?))
}

fn binary_typed<T: Num>(op: BinOp, a: Arg<T>, b: Arg<T>) -> Fallible<Array> {
    use BinOp::*;
    if !T::supports(op) {
        return Err(unsupported(op.symbol(), T::DTYPE));
    }
    let checked = |f: fn(T, T) -> Option<T>, message: &'static str| {
        fallible(|err| {
            map2(a, b, |x: T, y: T| match f(x, y) {
                Some(v) => v,
                None => {
                    err.get_or_insert_with(|| message.to_string());
                    T::default()
                }
            })
        })
    };
    match op {
        Add => map2(a, b, T::add),
        Sub => map2(a, b, T::sub),
        Mul => map2(a, b, T::mul),
        Div => map2(a, b, T::div),
        FloorDiv => checked(T::floordiv, msg::INT_DIV_ZERO),
        Mod => checked(T::rem, msg::INT_MOD_ZERO),
        Pow => checked(T::pow, msg::NEG_INT_POWER),
        BitAnd => map2(a, b, T::bitand),
        BitOr => map2(a, b, T::bitor),
        BitXor => map2(a, b, T::bitxor),
        Shl => map2(a, b, T::shl),
        Shr => map2(a, b, T::shr),
        Lt => map2(a, b, |x: T, y: T| x < y),
        Le => map2(a, b, |x: T, y: T| x <= y),
        Gt => map2(a, b, |x: T, y: T| x > y),
        Ge => map2(a, b, |x: T, y: T| x >= y),
        Eq => map2(a, b, |x: T, y: T| x == y),
        Ne => map2(a, b, |x: T, y: T| x != y),
    }
}

/// A unary operator on an array.
pub fn unary(op: UnOp, a: &Array) -> Fallible<Array> {
    if a.dtype().is_complex() {
        return crate::complex_array::unary(op, a);
    }
    with_dtype!(a.dtype(), T => {
        let x = Arg::<T>::Array(a);
        match op {
            UnOp::Neg if T::DTYPE != DType::Bool => map1(x, T::neg),
            UnOp::Not | UnOp::Invert if T::DTYPE == DType::Bool || T::DTYPE.is_int() => {
                map1(x, T::invert)
            }
            _ => Err(unsupported(unop_symbol(op), T::DTYPE)),
        }
    })
}

/// `a ** n` (float array, literal `n` in `0..=4`) by repeated multiplication.
pub fn pow_int(a: &Array, n: u32) -> Fallible<Array> {
    with_dtype!(a.dtype(), T => map1(Arg::<T>::Array(a), |x: T| pow_int_elem(x, n)))
}

/// A new array with every element of `a` converted to `to` (always a copy, C-contiguous).
pub fn cast_array(a: &Array, to: DType) -> Fallible<Array> {
    if a.dtype().is_complex() || to.is_complex() {
        return crate::complex_array::cast(a, to);
    }
    with_dtype!(a.dtype(), S => with_dtype!(to, D => {
        fallible(|err| {
            map1(Arg::<S>::Array(a), |x: S| match cast::<S, D>(x) {
                Some(v) => v,
                None => {
                    err.get_or_insert_with(|| cast_error(x.to_scalar(), D::DTYPE));
                    D::default()
                }
            })
        })
    }))
}

/// A C-contiguous copy of `a`.
pub fn copy(a: &Array) -> Fallible<Array> {
    with_element!(a.dtype(), T => map1(Arg::<T>::Array(a), |x: T| x))
}

/// A math function with at least one array argument (arguments share one element type).
pub fn math(f: MathFn, args: &[Operand]) -> Fallible<Array> {
    let dt = crate::scalar::math_arg_type(f, args.iter().map(|a| a.dtype()))?;
    macro_rules! un {
        ($g:expr) => {
            map1(args[0].typed::<T>()?, $g)
        };
    }
    macro_rules! bin {
        ($g:expr) => {
            map2(args[0].typed::<T>()?, args[1].typed::<T>()?, $g)
        };
    }
    macro_rules! pred {
        ($g:expr) => {
            map1(args[0].typed::<T>()?, $g)
        };
    }
    macro_rules! clip {
        ($g:expr) => {
            map3(
                args[0].typed::<T>()?,
                args[1].typed::<T>()?,
                args[2].typed::<T>()?,
                $g,
            )
        };
    }
    with_float_dtype!(dt, T => math_float_match!(f, T, un, bin, pred, clip), _ => {
        with_dtype!(dt, T => math_int_match!(f, T, un, bin, clip, _ => Err(format!("internal error: {} is not defined for {dt}", f.name()))))
    })
}

/// `where(cond, a, b)` with broadcasting.
pub fn where_(cond: Operand, a: Operand, b: Operand) -> Fallible<Array> {
    if a.dtype() != b.dtype() {
        return Err("internal error: where() branches have different types".to_string());
    }
    let c = cond.typed::<bool>()?;
    with_element!(a.dtype(), T => {
        map3(c, a.typed::<T>()?, b.typed::<T>()?, |c: bool, x: T, y: T| if c { x } else { y })
    })
}

/// Writes `src` (broadcast to the target's shape, same element type) into every element of
/// the view `target`. The source is read completely before anything is written: a source
/// that overlaps the target's memory is copied first.
pub fn assign(target: &Array, src: Operand) -> Fallible<()> {
    if src.dtype() != target.dtype() {
        return Err(format!(
            "internal error: storing {} values into a {} array",
            src.dtype(),
            target.dtype()
        ));
    }
    if let Some(shape) = src.shape() {
        let ok = broadcast_shapes(shape, target.shape())
            .map(|s| s == target.shape())
            .unwrap_or(false);
        if !ok {
            return Err(format!(
                "could not broadcast input array from shape {} into shape {}",
                msg::shape(shape),
                msg::shape(target.shape())
            ));
        }
    }
    let copied;
    let src = match src {
        Operand::Array(a) if overlaps(a, target) => {
            copied = copy(a)?;
            Operand::Array(&copied)
        }
        other => other,
    };
    with_element!(target.dtype(), T => assign_typed::<T>(target, src.typed::<T>()?))
}

fn assign_typed<T: Element>(target: &Array, src: Arg<T>) -> Fallible<()> {
    let shape = target.shape().to_vec();
    if shape.contains(&0) {
        return Ok(());
    }
    let ps = Prepared::new(src, &shape)?;
    // SAFETY (both writes below): the interpreter runs on one thread, and the source is
    // not a view of the target's memory (`assign` copied an overlapping one), so no other
    // reference to the written elements is alive while `ps` is read.
    if let Some(out) = unsafe { target.shared_mut_slice::<T>() } {
        match &ps {
            Prepared::Full(s) => out.copy_from_slice(s),
            Prepared::Const(x) => out.fill(*x),
            Prepared::Strided { .. } => {
                let m = shape.last().copied().unwrap_or(1);
                for_each_row(&shape, |idx, r| {
                    let row = ps.row(idx, r, m);
                    for (j, o) in out[r * m..(r + 1) * m].iter_mut().enumerate() {
                        *o = row.get(j);
                    }
                });
            }
        }
        return Ok(());
    }
    let data = buffer_mut_ptr::<T>(target)?;
    let nd = shape.len();
    let m = shape[nd - 1];
    let tstrides = target.strides().to_vec();
    let ts = tstrides[nd - 1];
    for_each_row(&shape, |idx, r| {
        let mut off = target.offset();
        for (&i, &s) in idx.iter().zip(&tstrides) {
            off += i as isize * s;
        }
        let row = ps.row(idx, r, m);
        for j in 0..m {
            // SAFETY: offsets of in-bounds indices of the view lie inside its buffer; the
            // access rule is the one stated above.
            unsafe { *data.offset(off + j as isize * ts) = row.get(j) };
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arr(v: &[f64], shape: &[usize]) -> Array {
        Array::from_vec(v.to_vec(), shape)
    }

    #[test]
    fn broadcast_shapes_follow_numpy() {
        assert_eq!(broadcast_shapes(&[3, 1], &[4]), Ok(vec![3, 4]));
        assert_eq!(broadcast_shapes(&[2, 3, 4], &[3, 1]), Ok(vec![2, 3, 4]));
        assert_eq!(broadcast_shapes(&[0], &[1]), Ok(vec![0]));
        assert_eq!(
            broadcast_shapes(&[3], &[4]),
            Err("operands could not be broadcast together with shapes (3,) (4,)".into())
        );
    }

    #[test]
    fn binary_broadcasts_rows_and_columns() {
        let a = arr(&[1.0, 2.0, 3.0], &[3, 1]);
        let b = arr(&[10.0, 20.0], &[2]);
        let r = binary(BinOp::Add, Operand::Array(&a), Operand::Array(&b)).unwrap();
        assert_eq!(r.shape(), &[3, 2]);
        assert_eq!(r.to_vec::<f64>(), vec![11.0, 21.0, 12.0, 22.0, 13.0, 23.0]);
        let e = binary(
            BinOp::Add,
            Operand::Array(&b),
            Operand::Array(&arr(&[1.0; 3], &[3])),
        );
        assert_eq!(
            e.unwrap_err(),
            "operands could not be broadcast together with shapes (2,) (3,)"
        );
    }

    #[test]
    fn strided_and_negative_step_inputs() {
        let a = Array::from_vec((0..12).map(|i| i as i64).collect::<Vec<_>>(), &[3, 4]);
        let rev = a.slice_axis(1, 3, -2, 2); // a[:, ::-2]
        let col = a.index_axis(1, 0).restrided(vec![3, 1], vec![4, 0]); // a[:, 0:1]
        let r = binary(BinOp::Sub, Operand::Array(&rev), Operand::Array(&col)).unwrap();
        assert_eq!(r.to_vec::<i64>(), vec![3, 1, 3, 1, 3, 1]);
        let s = binary(
            BinOp::Mul,
            Operand::Scalar(Scalar::I64(2)),
            Operand::Array(&rev),
        )
        .unwrap();
        assert_eq!(s.to_vec::<i64>(), vec![6, 2, 14, 10, 22, 18]);
    }

    #[test]
    fn int_division_by_zero_in_arrays_is_an_error() {
        let a = Array::from_vec(vec![1i64, 2, 3], &[3]);
        let b = Array::from_vec(vec![1i64, 0, 3], &[3]);
        let r = binary(BinOp::FloorDiv, Operand::Array(&a), Operand::Array(&b));
        assert_eq!(r.unwrap_err(), msg::INT_DIV_ZERO);
        let r = binary(
            BinOp::Mod,
            Operand::Array(&a),
            Operand::Scalar(Scalar::I64(-2)),
        );
        assert_eq!(r.unwrap().to_vec::<i64>(), vec![-1, 0, -1]);
    }

    #[test]
    fn casts_and_where() {
        let a = arr(&[1.5, -2.5, f64::NAN], &[3]);
        let e = cast_array(&a, DType::I64).unwrap_err();
        assert!(e.contains("nan"), "{e}");
        let b = cast_array(&a.slice_axis(0, 0, 1, 2), DType::I32).unwrap();
        assert_eq!(b.to_vec::<i32>(), vec![1, -2]);
        let c = binary(
            BinOp::Gt,
            Operand::Array(&a),
            Operand::Scalar(Scalar::F64(0.0)),
        )
        .unwrap();
        let w = where_(
            Operand::Array(&c),
            Operand::Array(&a),
            Operand::Scalar(Scalar::F64(0.0)),
        )
        .unwrap();
        assert_eq!(w.to_vec::<f64>(), vec![1.5, 0.0, 0.0]);
    }

    #[test]
    fn assign_reads_everything_before_writing() {
        // u[1:] = u[:-1] on overlapping memory: NumPy gives [0, 0, 1, 2, 3].
        let u = Array::from_vec(vec![0i64, 1, 2, 3, 4], &[5]);
        let dst = u.slice_axis(0, 1, 1, 4);
        let src = u.slice_axis(0, 0, 1, 4);
        assign(&dst, Operand::Array(&src)).unwrap();
        assert_eq!(u.to_vec::<i64>(), vec![0, 0, 1, 2, 3]);
        // A strided target with a broadcast row.
        let m = Array::zeros(DType::F64, &[3, 4]);
        let cols = m.slice_axis(1, 3, -2, 2); // m[:, ::-2]
        assign(&cols, Operand::Array(&arr(&[1.0, 2.0], &[2]))).unwrap();
        assert_eq!(
            m.to_vec::<f64>(),
            vec![0.0, 2.0, 0.0, 1.0, 0.0, 2.0, 0.0, 1.0, 0.0, 2.0, 0.0, 1.0]
        );
        let e = assign(&cols, Operand::Array(&arr(&[1.0, 2.0, 3.0], &[3]))).unwrap_err();
        assert_eq!(
            e,
            "could not broadcast input array from shape (3,) into shape (3,2)"
        );
    }
}
