//! Library-like array operations that both executors call as one runtime helper: sorting,
//! cumulative sums, medians, variances, matrix products, and the axis bookkeeping of
//! reductions (`keepdims=True`, a tuple of axes).
//!
//! Each operation is a [`LibFn`] applied to [`LibVal`] arguments whose types sema fixed
//! (the typed IR's `ExprKind::Lib`): the interpreter calls [`call`] directly, native code
//! through one `extern "C"` helper of the code generator, so both give the same bits.
//! Element-wise work stays in the op table and the math library; reductions over one axis
//! stay loop nests of the planner — these helpers only reshape around them.
//!
//! Orders are fixed and documented per operation (sums of a line are NumPy's pairwise
//! sum, matrix products sum over `k` in order), so results never depend on threads.

use crate::array::{c_strides, checked_size, Array, Element};
use crate::reduce::{pairwise_sum, SumFloat};
use crate::{DType, Scalar};
use std::cmp::Ordering;

/// A library operation. Axes are normalised (`0..ndim` of the argument); `None` means
/// the flattened array (C order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LibFn {
    /// `keepdims=True`: the argument (a scalar or an array) with length-1 axes inserted at
    /// the positions (of the result) set in `mask`. A view for arrays.
    ExpandDims { mask: u64 },
    /// A C-contiguous copy of the argument with the axes set in `mask` moved to the end
    /// and merged into one (in their order), so that a reduction along the last axis is a
    /// reduction over that tuple of axes, each line in C order.
    GroupAxes { mask: u64 },
    /// `np.sort(a, axis)`: a sorted copy (stable; nan last).
    Sort { axis: Option<u8> },
    /// `np.argsort(a, axis)`: the stable sorting permutation (i64).
    ArgSort { axis: Option<u8> },
    /// `a.sort(axis)`: sorts the array in place; no value.
    SortInPlace { axis: u8 },
    /// `np.cumsum(a, axis)` in the argument's type (sema casts ints to i64), in order.
    CumSum { axis: Option<u8> },
    /// `np.cumprod(a, axis)`, as `CumSum`.
    CumProd { axis: Option<u8> },
    /// `np.median(a, axis)` of a float argument (sema casts ints to f64): the middle
    /// element, or the mean of the two middle ones (`(x + y) / 2`); nan if any is nan.
    Median { axis: Option<u8> },
    /// `np.var`/`np.std` of a float argument, second argument `ddof` (i64): NumPy's
    /// two-pass formula, `sum((x - sum(x)/n)**2) / (n - ddof)` with pairwise sums.
    Var { axis: Option<u8>, std: bool },
    /// `a @ b` / `np.matmul` / 2-D `np.dot` on arrays of one type: 2-D·2-D, 2-D·1-D,
    /// 1-D·2-D, and stacks of matrices (leading axes broadcast). Each element is
    /// `sum(a[i, k] * b[k, j] for k in order)`.
    MatMul,
    /// `np.outer(a, b)`: the flattened arguments' products, a 2-D array.
    Outer,
    /// Python's built-in `round(x, n)` of a float scalar (f64) with an i64 `n >= 0`: the
    /// correctly rounded decimal with `n` digits (half to even on the exact value), read
    /// back as a float.
    PyRound,
    /// `np.trace(a)` of a 2-D array: the pairwise sum of its diagonal (sema casts ints to
    /// i64).
    Trace,
}

/// An argument or result of a [`LibFn`].
#[derive(Clone, Debug)]
pub enum LibVal {
    Scalar(Scalar),
    Array(Array),
    /// The result of an operation without a value (`a.sort()`).
    None,
}

/// The element operations the library needs, implemented for every element type.
trait Elem: Element + PartialOrd + Default {
    fn add(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    fn zero() -> Self;
    fn one() -> Self;
    fn is_nan(self) -> bool;
}

macro_rules! int_elem {
    ($t:ty) => {
        impl Elem for $t {
            fn add(self, o: Self) -> Self {
                self.wrapping_add(o)
            }
            fn mul(self, o: Self) -> Self {
                self.wrapping_mul(o)
            }
            fn zero() -> Self {
                0
            }
            fn one() -> Self {
                1
            }
            fn is_nan(self) -> bool {
                false
            }
        }
    };
}
int_elem!(i32);
int_elem!(i64);
int_elem!(i8);
int_elem!(i16);
int_elem!(u8);
int_elem!(u16);
int_elem!(u32);
int_elem!(u64);

macro_rules! float_elem {
    ($t:ty) => {
        impl Elem for $t {
            fn add(self, o: Self) -> Self {
                self + o
            }
            fn mul(self, o: Self) -> Self {
                self * o
            }
            fn zero() -> Self {
                0.0
            }
            fn one() -> Self {
                1.0
            }
            fn is_nan(self) -> bool {
                <$t>::is_nan(self)
            }
        }
    };
}
float_elem!(f32);
float_elem!(f64);

impl Elem for bool {
    fn add(self, o: Self) -> Self {
        self | o
    }
    fn mul(self, o: Self) -> Self {
        self & o
    }
    fn zero() -> Self {
        false
    }
    fn one() -> Self {
        true
    }
    fn is_nan(self) -> bool {
        false
    }
}

/// Calls `$body` with `$T` bound to the Rust type of `$d`.
macro_rules! with_elem {
    ($d:expr, $T:ident => $body:expr) => {
        match $d {
            DType::Bool => {
                type $T = bool;
                $body
            }
            DType::I32 => {
                type $T = i32;
                $body
            }
            DType::I64 => {
                type $T = i64;
                $body
            }
            DType::I8 => {
                type $T = i8;
                $body
            }
            DType::I16 => {
                type $T = i16;
                $body
            }
            DType::U8 => {
                type $T = u8;
                $body
            }
            DType::U16 => {
                type $T = u16;
                $body
            }
            DType::U32 => {
                type $T = u32;
                $body
            }
            DType::U64 => {
                type $T = u64;
                $body
            }
            DType::F32 => {
                type $T = f32;
                $body
            }
            DType::F64 => {
                type $T = f64;
                $body
            }
            DType::C64 | DType::C128 => {
                return Err(format!("internal error: no {} arrays here", $d))
            }
        }
    };
}

/// Calls `$body` with `$T` bound to the Rust float type of `$d` (f32 or f64).
macro_rules! with_float {
    ($d:expr, $T:ident => $body:expr) => {
        match $d {
            DType::F32 => {
                type $T = f32;
                $body
            }
            _ => {
                type $T = f64;
                $body
            }
        }
    };
}

/// NumPy's sort order: nan after every number, equal values keep their order.
fn sort_cmp<T: Elem>(a: &T, b: &T) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => a.partial_cmp(b).unwrap_or(Ordering::Equal),
    }
}

/// A C-contiguous copy of `a` with `axis` moved to the end (`None`: flattened to 1-D),
/// and the shape to give back results of the same layout.
fn lines_layout(a: &Array, axis: Option<usize>) -> Array {
    match axis {
        None => {
            let n = a.size();
            let c = a.to_contiguous();
            c.restrided(vec![n], vec![1])
        }
        Some(k) => {
            let mut shape = a.shape().to_vec();
            let mut strides = a.strides().to_vec();
            let (n, s) = (shape.remove(k), strides.remove(k));
            shape.push(n);
            strides.push(s);
            a.restrided(shape, strides).to_contiguous()
        }
    }
}

/// The inverse of [`lines_layout`] for a result `r` of that layout (C-contiguous):
/// the last axis moved back to `axis`, as a C-contiguous array.
fn from_lines_layout(r: Array, axis: Option<usize>) -> Array {
    match axis {
        None => r,
        Some(k) => {
            let nd = r.ndim();
            let mut shape = r.shape().to_vec();
            let mut strides = r.strides().to_vec();
            let (n, s) = (shape.pop().expect("rank"), strides.pop().expect("rank"));
            shape.insert(k, n);
            strides.insert(k, s);
            debug_assert_eq!(shape.len(), nd);
            r.restrided(shape, strides).to_contiguous()
        }
    }
}

/// Applies `f(line, out_line)` to every line of `a` along `axis` (`None`: the flattened
/// array), producing an array of element type `U` and the same layout (flattened for
/// `None`).
fn map_lines<T: Elem, U: Element + Default>(
    a: &Array,
    axis: Option<usize>,
    mut f: impl FnMut(&[T], &mut [U]),
) -> Array {
    let c = lines_layout(a, axis);
    let n = *c.shape().last().unwrap_or(&1);
    let src = c
        .as_slice::<T>()
        .expect("contiguous copy of the right type");
    let mut out = vec![U::default(); src.len()];
    if n > 0 {
        for (line, o) in src.chunks(n).zip(out.chunks_mut(n)) {
            f(line, o);
        }
    }
    from_lines_layout(Array::from_vec(out, c.shape()), axis)
}

/// Reduces every line of `a` along `axis` (`None`: all elements) to one value with `f`:
/// a scalar for `None` or a 1-D argument, else an array of the other axes.
fn reduce_lines<T: Elem, U: Element>(
    a: &Array,
    axis: Option<usize>,
    mut f: impl FnMut(&[T]) -> U,
) -> LibVal {
    let c = lines_layout(a, axis);
    let n = *c.shape().last().unwrap_or(&1);
    let src = c
        .as_slice::<T>()
        .expect("contiguous copy of the right type");
    let shape = &c.shape()[..c.ndim() - 1];
    if shape.is_empty() {
        return LibVal::Scalar(f(src).to_scalar());
    }
    let out: Vec<U> = if n == 0 {
        let m = checked_size(shape).unwrap_or(0);
        (0..m).map(|_| f(&[])).collect()
    } else {
        src.chunks(n).map(&mut f).collect()
    };
    LibVal::Array(Array::from_vec(out, shape))
}

fn array_arg(args: &[LibVal], k: usize) -> Result<&Array, String> {
    match args.get(k) {
        Some(LibVal::Array(a)) => Ok(a),
        _ => Err("internal error: a library function needs an array argument".into()),
    }
}

fn axis_of(a: Option<u8>) -> Option<usize> {
    a.map(|k| k as usize)
}

/// Applies a library function. Errors are messages (the caller adds the position).
pub fn call(f: LibFn, args: &[LibVal]) -> Result<LibVal, String> {
    match f {
        LibFn::ExpandDims { mask } => expand_dims(mask, &args[0]),
        LibFn::GroupAxes { mask } => Ok(LibVal::Array(group_axes(array_arg(args, 0)?, mask))),
        LibFn::Sort { axis } => {
            let a = array_arg(args, 0)?;
            Ok(LibVal::Array(with_elem!(a.dtype(), T => map_lines::<T, T>(
                a,
                axis_of(axis),
                |l, o| {
                    o.copy_from_slice(l);
                    o.sort_by(sort_cmp);
                }
            ))))
        }
        LibFn::ArgSort { axis } => {
            let a = array_arg(args, 0)?;
            Ok(LibVal::Array(
                with_elem!(a.dtype(), T => map_lines::<T, i64>(
                    a,
                    axis_of(axis),
                    |l, o| {
                        let mut idx: Vec<usize> = (0..l.len()).collect();
                        idx.sort_by(|&i, &j| sort_cmp(&l[i], &l[j]));
                        for (o, i) in o.iter_mut().zip(idx) {
                            *o = i as i64;
                        }
                    }
                )),
            ))
        }
        LibFn::SortInPlace { axis } => {
            let a = array_arg(args, 0)?;
            if !a.buffer().is_writable() {
                return Err("cannot sort a read-only array in place".into());
            }
            let sorted = with_elem!(a.dtype(), T => map_lines::<T, T>(
                a,
                Some(axis as usize),
                |l, o| {
                    o.copy_from_slice(l);
                    o.sort_by(sort_cmp);
                }
            ));
            let mut k = 0;
            let src = sorted.clone();
            let mut offs = Vec::with_capacity(a.size());
            a.for_each_offset(|off| offs.push(off));
            src.for_each_offset(|soff| {
                let v = src.read_at(soff);
                // SAFETY: `offs` are offsets of in-bounds elements of `a`, whose buffer is
                // writable; the kernel runs this helper without other access to the array
                // (as any element store), and `sorted` is a separate fresh buffer.
                unsafe { a.write_at(offs[k], v) };
                k += 1;
            });
            Ok(LibVal::None)
        }
        LibFn::CumSum { axis } | LibFn::CumProd { axis } => {
            let a = array_arg(args, 0)?;
            let prod = matches!(f, LibFn::CumProd { .. });
            Ok(LibVal::Array(with_elem!(a.dtype(), T => map_lines::<T, T>(
                a,
                axis_of(axis),
                |l, o| {
                    let mut acc = if prod { T::one() } else { T::zero() };
                    for (x, o) in l.iter().zip(o.iter_mut()) {
                        acc = if prod { acc.mul(*x) } else { acc.add(*x) };
                        *o = acc;
                    }
                }
            ))))
        }
        LibFn::Median { axis } => {
            let a = array_arg(args, 0)?;
            Ok(
                with_float!(a.dtype(), T => reduce_lines::<T, T>(a, axis_of(axis), |l| {
                    median(l)
                })),
            )
        }
        LibFn::Var { axis, std } => {
            let a = array_arg(args, 0)?;
            let ddof = match args.get(1) {
                Some(LibVal::Scalar(s)) => s.as_f64(),
                _ => 0.0,
            };
            Ok(
                with_float!(a.dtype(), T => reduce_lines::<T, T>(a, axis_of(axis), |l| {
                    let v = var(l, ddof as T);
                    if std { v.sqrt() } else { v }
                })),
            )
        }
        LibFn::MatMul => {
            let (a, b) = (array_arg(args, 0)?, array_arg(args, 1)?);
            matmul(a, b).map(LibVal::Array)
        }
        LibFn::Outer => {
            let (a, b) = (array_arg(args, 0)?, array_arg(args, 1)?);
            let (m, n) = (a.size(), b.size());
            let (a, b) = (lines_layout(a, None), lines_layout(b, None));
            Ok(LibVal::Array(with_elem!(a.dtype(), T => {
                let x = a.as_slice::<T>().expect("contiguous");
                let y = b.as_slice::<T>().expect("contiguous");
                let mut out = Vec::with_capacity(m * n);
                for &p in x {
                    for &q in y {
                        out.push(p.mul(q));
                    }
                }
                Array::from_vec(out, &[m, n])
            })))
        }
        LibFn::PyRound => match args {
            [LibVal::Scalar(x), LibVal::Scalar(n)] => {
                let (x, n) = (x.as_f64(), n.as_i64());
                if !x.is_finite() || n > 400 {
                    return Ok(LibVal::Scalar(Scalar::F64(x)));
                }
                let s = format!("{x:.*}", n.max(0) as usize);
                let r: f64 = s.parse().unwrap_or(x);
                // Python keeps the sign of zero (round(-0.001, 2) is -0.0).
                Ok(LibVal::Scalar(Scalar::F64(r.copysign(x))))
            }
            _ => Err("internal error: round() arguments".into()),
        },
        LibFn::Trace => {
            let a = array_arg(args, 0)?;
            let (m, n) = (a.shape()[0], a.shape()[1]);
            let k = m.min(n);
            let s = a.strides()[0] + a.strides()[1];
            let diag = if k == 0 {
                Array::zeros(a.dtype(), &[0])
            } else {
                a.restrided(vec![k], vec![s])
            };
            Ok(with_elem!(a.dtype(), T => reduce_lines::<T, T>(&diag, None, sum_line)))
        }
    }
}

/// Sum of a line: NumPy's pairwise order for floats, in order (wrapping) otherwise.
fn sum_line<T: Elem>(l: &[T]) -> T {
    if T::DTYPE.is_float() {
        with_float!(T::DTYPE, F => {
            let get = |i: usize| -> F { F::from_scalar(l[i].to_scalar()) };
            T::from_scalar(pairwise_sum(l.len(), &get).to_scalar())
        })
    } else {
        l.iter().fold(T::zero(), |acc, &x| acc.add(x))
    }
}

trait Float:
    Elem
    + SumFloat
    + std::ops::Sub<Output = Self>
    + std::ops::Mul<Output = Self>
    + std::ops::Div<Output = Self>
{
    fn from_usize(n: usize) -> Self;
    fn nan() -> Self;
}
impl Float for f64 {
    fn from_usize(n: usize) -> Self {
        n as f64
    }
    fn nan() -> Self {
        f64::NAN
    }
}
impl Float for f32 {
    fn from_usize(n: usize) -> Self {
        n as f32
    }
    fn nan() -> Self {
        f32::NAN
    }
}

/// NumPy's median of one line (nan when empty or when any element is nan).
fn median<T: Float>(l: &[T]) -> T {
    let n = l.len();
    if n == 0 || l.iter().any(|x| x.is_nan()) {
        return T::nan();
    }
    let mut v = l.to_vec();
    v.sort_by(sort_cmp);
    if n % 2 == 1 {
        v[n / 2]
    } else {
        // np.mean of the two middle elements: their (pairwise) sum, divided by 2.
        pairwise_sum(2, &|i| v[n / 2 - 1 + i]) / T::from_usize(2)
    }
}

/// NumPy's `_var`: `mean = sum(x) / n`, `sum((x - mean)**2) / max(n - ddof, 0)`.
fn var<T: Float>(l: &[T], ddof: T) -> T {
    let n = T::from_usize(l.len());
    let mean = pairwise_sum(l.len(), &|i| l[i]) / n;
    let sq = pairwise_sum(l.len(), &|i| {
        let d = l[i] - mean;
        d * d
    });
    let mut div = n - ddof;
    if div < T::zero() {
        div = T::zero();
    }
    sq / div
}

fn expand_dims(mask: u64, x: &LibVal) -> Result<LibVal, String> {
    let (a, src_rank) = match x {
        LibVal::Scalar(s) => (scalar_array(*s), 0),
        LibVal::Array(a) => (a.clone(), a.ndim()),
        LibVal::None => return Err("internal error: keepdims of no value".into()),
    };
    let rank = src_rank + mask.count_ones() as usize;
    let (mut shape, mut strides) = (Vec::with_capacity(rank), Vec::with_capacity(rank));
    let mut k = 0;
    for pos in 0..rank {
        if mask & (1u64 << pos) != 0 {
            shape.push(1);
            strides.push(0);
        } else if src_rank > 0 {
            shape.push(a.shape()[k]);
            strides.push(a.strides()[k]);
            k += 1;
        }
    }
    Ok(LibVal::Array(a.restrided(shape, strides)))
}

/// A 1-element array holding `s`.
fn scalar_array(s: Scalar) -> Array {
    match s {
        Scalar::C64(v) => Array::from_vec(vec![v], &[1]),
        Scalar::C128(v) => Array::from_vec(vec![v], &[1]),
        _ => (|| {
            Ok::<_, String>(
                with_elem!(s.dtype(), T => Array::from_vec(vec![T::from_scalar(s)], &[1])),
            )
        })()
        .expect("a real scalar"),
    }
}

fn group_axes(a: &Array, mask: u64) -> Array {
    let (mut shape, mut strides) = (Vec::new(), Vec::new());
    let (mut rshape, mut rstrides) = (Vec::new(), Vec::new());
    for k in 0..a.ndim() {
        if mask & (1u64 << k) != 0 {
            rshape.push(a.shape()[k]);
            rstrides.push(a.strides()[k]);
        } else {
            shape.push(a.shape()[k]);
            strides.push(a.strides()[k]);
        }
    }
    let n: usize = rshape.iter().product();
    shape.extend(&rshape);
    strides.extend(&rstrides);
    let c = a.restrided(shape.clone(), strides).to_contiguous();
    let keep = shape.len() - rshape.len();
    let mut out = shape[..keep].to_vec();
    out.push(n);
    let s = c_strides(&out);
    c.restrided(out, s)
}

/// Matrix products with NumPy's shape rules (1-D operands become a row / column that is
/// removed from the result again; leading axes of stacks broadcast).
fn matmul(a: &Array, b: &Array) -> Result<Array, String> {
    let (an, bn) = (a.ndim(), b.ndim());
    let shape_str = |s: &[usize]| {
        let items: Vec<String> = s.iter().map(|n| n.to_string()).collect();
        if items.len() == 1 {
            format!("({},)", items[0])
        } else {
            format!("({})", items.join(", "))
        }
    };
    // Promote 1-D operands to matrices.
    let a2 = if an == 1 {
        a.restrided(vec![1, a.shape()[0]], vec![0, a.strides()[0]])
    } else {
        a.clone()
    };
    let b2 = if bn == 1 {
        b.restrided(vec![b.shape()[0], 1], vec![b.strides()[0], 0])
    } else {
        b.clone()
    };
    let (m, ka) = (a2.shape()[a2.ndim() - 2], a2.shape()[a2.ndim() - 1]);
    let (kb, n) = (b2.shape()[b2.ndim() - 2], b2.shape()[b2.ndim() - 1]);
    if ka != kb {
        return Err(format!(
            "matmul: shapes {} and {} are not aligned: {ka} (dim {}) != {kb} (dim {})",
            shape_str(a.shape()),
            shape_str(b.shape()),
            an - 1,
            if bn == 1 { 0 } else { bn - 2 }
        ));
    }
    // Broadcast the stack axes.
    let (sa, sb) = (&a2.shape()[..a2.ndim() - 2], &b2.shape()[..b2.ndim() - 2]);
    let nb = sa.len().max(sb.len());
    let mut batch = vec![0usize; nb];
    for i in 0..nb {
        let x = if i + sa.len() >= nb {
            sa[i + sa.len() - nb]
        } else {
            1
        };
        let y = if i + sb.len() >= nb {
            sb[i + sb.len() - nb]
        } else {
            1
        };
        batch[i] = if x == y || y == 1 {
            x
        } else if x == 1 {
            y
        } else {
            return Err(format!(
                "matmul: shapes {} and {} cannot be broadcast together",
                shape_str(a.shape()),
                shape_str(b.shape())
            ));
        };
    }
    let bcast = |x: &Array| -> Array {
        let r = x.ndim();
        let own = r - 2;
        let mut shape = batch.clone();
        let mut strides = vec![0isize; nb];
        for i in 0..own {
            let j = nb - own + i;
            if x.shape()[i] != 1 {
                strides[j] = x.strides()[i];
            }
        }
        shape.extend(&x.shape()[own..]);
        strides.extend(&x.strides()[own..]);
        x.restrided(shape, strides).to_contiguous()
    };
    let (ac, bc) = (bcast(&a2), bcast(&b2));
    let count: usize = batch.iter().product();
    let mut shape = batch;
    if an != 1 {
        shape.push(m);
    }
    if bn != 1 {
        shape.push(n);
    }
    Ok(with_elem!(a.dtype(), T => {
        let x = ac.as_slice::<T>().expect("contiguous");
        let y = bc.as_slice::<T>().expect("contiguous");
        let mut out = vec![T::zero(); count * m * n];
        if m * n > 0 {
            for (bi, o) in out.chunks_mut(m * n).enumerate() {
                let xs = &x[bi * m * ka..(bi + 1) * m * ka];
                let ys = &y[bi * ka * n..(bi + 1) * ka * n];
                gemm(m, n, ka, xs, ys, o);
            }
        }
        Array::from_vec(out, &shape)
    }))
}

/// `c = a (m x k) * b (k x n)`, all C-contiguous; `c[i, j]` is the sum over `k` in
/// increasing order of `a[i, k] * b[k, j]` (separately rounded products, no fused
/// multiply-add), whatever the blocking. Blocked over `k` and `j` so that a panel of `b`
/// stays in cache while rows of `a` stream past, with four rows of `c` updated at once.
fn gemm<T: Elem>(m: usize, n: usize, k: usize, a: &[T], b: &[T], c: &mut [T]) {
    const KB: usize = 128;
    const NB: usize = 512;
    let mut k0 = 0;
    while k0 < k {
        let k1 = (k0 + KB).min(k);
        let mut j0 = 0;
        while j0 < n {
            let j1 = (j0 + NB).min(n);
            let w = j1 - j0;
            let mut i = 0;
            while i + 4 <= m {
                // 4 x 8 tiles of `c` held in registers while `k` runs over the block.
                let mut j = j0;
                while j + 8 <= j1 {
                    let mut acc = [[T::zero(); 8]; 4];
                    for (r, row) in acc.iter_mut().enumerate() {
                        row.copy_from_slice(&c[(i + r) * n + j..(i + r) * n + j + 8]);
                    }
                    for kk in k0..k1 {
                        let br: &[T] = &b[kk * n + j..kk * n + j + 8];
                        for (r, row) in acc.iter_mut().enumerate() {
                            let av = a[(i + r) * k + kk];
                            for (x, &bv) in row.iter_mut().zip(br) {
                                *x = x.add(av.mul(bv));
                            }
                        }
                    }
                    for (r, row) in acc.iter().enumerate() {
                        c[(i + r) * n + j..(i + r) * n + j + 8].copy_from_slice(row);
                    }
                    j += 8;
                }
                // The columns left over: one at a time.
                for jj in j..j1 {
                    for r in 0..4 {
                        let mut x = c[(i + r) * n + jj];
                        for kk in k0..k1 {
                            x = x.add(a[(i + r) * k + kk].mul(b[kk * n + jj]));
                        }
                        c[(i + r) * n + jj] = x;
                    }
                }
                i += 4;
            }
            while i < m {
                let ci = &mut c[i * n + j0..i * n + j1];
                for kk in k0..k1 {
                    let br = &b[kk * n + j0..kk * n + j1];
                    let av = a[i * k + kk];
                    for j in 0..w {
                        ci[j] = ci[j].add(av.mul(br[j]));
                    }
                }
                i += 1;
            }
            j0 = j1;
        }
        k0 = k1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arr(v: Vec<f64>, shape: &[usize]) -> Array {
        Array::from_vec(v, shape)
    }

    fn vals(v: LibVal) -> (Vec<f64>, Vec<usize>) {
        match v {
            LibVal::Array(a) => (a.to_vec::<f64>().into_iter().collect(), a.shape().to_vec()),
            other => panic!("not an array: {other:?}"),
        }
    }

    #[test]
    fn sort_along_axes_and_nan_last() {
        let a = arr(vec![3.0, f64::NAN, 1.0, 2.0, 0.0, -1.0], &[2, 3]);
        let (v, s) =
            vals(call(LibFn::Sort { axis: Some(1) }, &[LibVal::Array(a.clone())]).unwrap());
        assert_eq!(s, vec![2, 3]);
        assert_eq!(&v[..2], &[1.0, 3.0]);
        assert!(v[2].is_nan());
        assert_eq!(&v[3..], &[-1.0, 0.0, 2.0]);
        let (v, _) = vals(call(LibFn::Sort { axis: Some(0) }, &[LibVal::Array(a)]).unwrap());
        assert_eq!(v[0], 2.0);
        assert_eq!(v[3], 3.0);
        assert_eq!(v[2], -1.0);
        assert_eq!(v[5], 1.0);
    }

    #[test]
    fn matmul_shapes_and_values() {
        let a = arr((0..6).map(|x| x as f64).collect(), &[2, 3]);
        let b = arr((0..12).map(|x| x as f64).collect(), &[3, 4]);
        let (v, s) =
            vals(call(LibFn::MatMul, &[LibVal::Array(a.clone()), LibVal::Array(b)]).unwrap());
        assert_eq!(s, vec![2, 4]);
        assert_eq!(v, vec![20.0, 23.0, 26.0, 29.0, 56.0, 68.0, 80.0, 92.0]);
        let x = arr(vec![1.0, 2.0, 3.0], &[3]);
        let (v, s) =
            vals(call(LibFn::MatMul, &[LibVal::Array(a.clone()), LibVal::Array(x)]).unwrap());
        assert_eq!(s, vec![2]);
        assert_eq!(v, vec![8.0, 26.0]);
        let e = call(LibFn::MatMul, &[LibVal::Array(a.clone()), LibVal::Array(a)]).unwrap_err();
        assert!(e.contains("not aligned"), "{e}");
    }

    #[test]
    fn blocked_product_matches_the_naive_sum_in_order() {
        // Sizes that leave partial tiles and several k blocks.
        for &(m, n, k) in &[
            (7usize, 13usize, 300usize),
            (4, 8, 129),
            (1, 1, 1),
            (9, 17, 5),
        ] {
            let a: Vec<f64> = (0..m * k)
                .map(|x| ((x * 37 % 101) as f64) * 0.37 - 11.0)
                .collect();
            let b: Vec<f64> = (0..k * n)
                .map(|x| ((x * 53 % 97) as f64) * 0.11 - 3.0)
                .collect();
            let mut c = vec![0.0; m * n];
            gemm(m, n, k, &a, &b, &mut c);
            for i in 0..m {
                for j in 0..n {
                    let mut t = 0.0;
                    for kk in 0..k {
                        t += a[i * k + kk] * b[kk * n + j];
                    }
                    assert_eq!(
                        c[i * n + j].to_bits(),
                        t.to_bits(),
                        "{m}x{n}x{k} at {i},{j}"
                    );
                }
            }
        }
    }

    #[test]
    fn group_and_expand() {
        let a = arr((0..24).map(|x| x as f64).collect(), &[2, 3, 4]);
        let g = group_axes(&a, 0b101);
        assert_eq!(g.shape(), &[3, 8]);
        assert_eq!(g.to_vec::<f64>()[..4], [0.0, 1.0, 2.0, 3.0]);
        assert_eq!(g.to_vec::<f64>()[4], 12.0);
        let (_, s) = vals(expand_dims(0b010, &LibVal::Array(arr(vec![1.0; 6], &[2, 3]))).unwrap());
        assert_eq!(s, vec![2, 1, 3]);
        let (_, s) = vals(expand_dims(0b11, &LibVal::Scalar(Scalar::F64(1.0))).unwrap());
        assert_eq!(s, vec![1, 1]);
    }
}
