//! Fused evaluation of element-wise trees (numexpr style).
//!
//! An array expression such as `2*a + 3*b**2` is one tree of element-wise nodes whose
//! leaves are arrays and scalars (evaluated first, left to right). Instead of one
//! full-size temporary per node, the tree is evaluated block by block (at most [`BLOCK`]
//! elements of one output row at a time): every node owns a small scratch buffer that stays
//! in cache, and only the result is written to memory (a new array, or the target of
//! `out[:] = ...`, which then allocates nothing).
//!
//! Each node's block kernel applies the same per-element definitions as the unfused
//! kernels ([`crate::scalar`]), so fused and unfused evaluation give the same bits. A
//! failing element (integer `//` by zero, ...) stops the evaluation with the node's span.

use crate::alloc::new_array;
use crate::elementwise::{broadcast_shapes, buffer, buffer_mut_ptr, for_each_row, overlaps};
use crate::scalar::{
    cast, cast_error, math_float_match, math_int_match, pow_int, unop_symbol, unsupported,
    with_dtype, with_float_dtype, Fallible, Num,
};
use kernelc_runtime::error::msg;
use kernelc_runtime::{Array, DType, Element, Scalar};
use kernelc_sema::tir::{BinOp, MathFn, UnOp};
use kernelc_syntax::Span;

/// Elements per block.
pub const BLOCK: usize = 1024;

/// A block-sized scratch buffer of one element type.
enum Buf {
    Bool(Vec<bool>),
    I8(Vec<i8>),
    I16(Vec<i16>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
    U64(Vec<u64>),
    F32(Vec<f32>),
    F64(Vec<f64>),
}

impl Buf {
    fn new(dtype: DType, n: usize) -> Buf {
        match dtype {
            DType::Bool => Buf::Bool(vec![false; n]),
            DType::I8 => Buf::I8(vec![0; n]),
            DType::I16 => Buf::I16(vec![0; n]),
            DType::I32 => Buf::I32(vec![0; n]),
            DType::I64 => Buf::I64(vec![0; n]),
            DType::U8 => Buf::U8(vec![0; n]),
            DType::U16 => Buf::U16(vec![0; n]),
            DType::U32 => Buf::U32(vec![0; n]),
            DType::U64 => Buf::U64(vec![0; n]),
            DType::F32 => Buf::F32(vec![0.0; n]),
            DType::F64 => Buf::F64(vec![0.0; n]),
            // Complex trees are never fused (`crate::eval::is_fusable`): an empty buffer,
            // which the typed accessors refuse with an internal error.
            DType::C64 | DType::C128 => Buf::Bool(Vec::new()),
        }
    }
}

/// Typed access to a [`Buf`].
trait BufElem: Num {
    fn get(b: &Buf) -> Fallible<&[Self]>;
    fn get_mut(b: &mut Buf) -> Fallible<&mut [Self]>;
}

macro_rules! buf_elem {
    ($t:ty, $v:ident) => {
        impl BufElem for $t {
            fn get(b: &Buf) -> Fallible<&[$t]> {
                match b {
                    Buf::$v(v) => Ok(v),
                    _ => Err(concat!("internal error: scratch is not ", stringify!($t)).into()),
                }
            }
            fn get_mut(b: &mut Buf) -> Fallible<&mut [$t]> {
                match b {
                    Buf::$v(v) => Ok(v),
                    _ => Err(concat!("internal error: scratch is not ", stringify!($t)).into()),
                }
            }
        }
    };
}
buf_elem!(bool, Bool);
buf_elem!(i8, I8);
buf_elem!(i16, I16);
buf_elem!(i32, I32);
buf_elem!(i64, I64);
buf_elem!(u8, U8);
buf_elem!(u16, U16);
buf_elem!(u32, U32);
buf_elem!(u64, U64);
buf_elem!(f32, F32);
buf_elem!(f64, F64);

/// What a node computes.
pub enum Op {
    /// An array operand (broadcast to the output shape when the tree is run).
    Array(Array),
    Scalar(Scalar),
    Unary(UnOp),
    Binary(BinOp),
    PowInt(u32),
    /// Conversion to the node's dtype.
    Cast,
    Math(MathFn),
    Where,
}

/// A node of an element-wise tree.
pub struct Node {
    op: Op,
    /// Element type of the node's values.
    dtype: DType,
    children: Vec<Node>,
    span: Span,
    buf: Buf,
    /// For array leaves: element offset of the block being evaluated and its stride.
    leaf: LeafGeometry,
}

#[derive(Default, Clone)]
struct LeafGeometry {
    /// Broadcast strides over the output shape.
    strides: Vec<isize>,
    /// True when the leaf is C-contiguous with the output's shape.
    full: bool,
}

impl Node {
    /// A node; `dtype` is the element type it produces.
    pub fn new(op: Op, dtype: DType, children: Vec<Node>, span: Span) -> Node {
        Node {
            op,
            dtype,
            children,
            span,
            buf: Buf::Bool(Vec::new()),
            leaf: LeafGeometry::default(),
        }
    }

    /// Number of non-leaf nodes.
    pub fn op_count(&self) -> usize {
        match self.op {
            Op::Array(_) | Op::Scalar(_) => 0,
            _ => 1 + self.children.iter().map(Node::op_count).sum::<usize>(),
        }
    }

    fn for_each_leaf<'a>(&'a self, f: &mut impl FnMut(&'a Array)) {
        if let Op::Array(a) = &self.op {
            f(a);
        }
        for c in &self.children {
            c.for_each_leaf(f);
        }
    }

    /// The broadcast shape of the array leaves.
    pub fn shape(&self) -> Fallible<Vec<usize>> {
        let mut shapes = Vec::new();
        self.for_each_leaf(&mut |a| shapes.push(a.shape()));
        let mut out: Vec<usize> = Vec::new();
        for s in &shapes {
            out = broadcast_shapes(&out, s).map_err(|_| {
                let all: Vec<String> = shapes.iter().map(|s| msg::shape(s)).collect();
                if all.len() == 2 {
                    msg::broadcast(shapes[0], shapes[1])
                } else {
                    format!(
                        "operands could not be broadcast together with shapes {}",
                        all.join(" ")
                    )
                }
            })?;
        }
        Ok(out)
    }

    /// Sizes scratch buffers and leaf strides for evaluation over `shape`.
    fn prepare(&mut self, shape: &[usize], block: usize) -> bool {
        self.buf = Buf::new(self.dtype, block);
        let mut all_full = true;
        if let Op::Array(a) = &self.op {
            let pad = shape.len() - a.ndim();
            self.leaf.strides = (0..shape.len())
                .map(|k| {
                    if k < pad || a.shape()[k - pad] == 1 {
                        0
                    } else {
                        a.strides()[k - pad]
                    }
                })
                .collect();
            self.leaf.full = a.shape() == shape && a.is_c_contiguous();
            all_full = self.leaf.full;
        }
        for c in &mut self.children {
            all_full &= c.prepare(shape, block);
        }
        all_full
    }

    /// Evaluates elements `j0 .. j0+len` of one output row into `self.buf`.
    fn eval(&mut self, pos: &Pos, len: usize) -> Result<(), (String, Span)> {
        for c in &mut self.children {
            c.eval(pos, len)?;
        }
        let span = self.span;
        self.compute(pos, len).map_err(|m| (m, span))
    }

    fn compute(&mut self, pos: &Pos, len: usize) -> Fallible<()> {
        let dt = self.dtype;
        match &self.op {
            Op::Scalar(s) => {
                with_dtype!(dt, T => T::get_mut(&mut self.buf)?[..len].fill(T::from_scalar(*s)));
                Ok(())
            }
            Op::Array(a) => {
                let off = if pos.single {
                    a.offset() + pos.j0 as isize
                } else {
                    let mut off = a.offset();
                    for (&i, &s) in pos.idx.iter().zip(&self.leaf.strides) {
                        off += i as isize * s;
                    }
                    off + pos.j0 as isize * self.leaf.strides.last().copied().unwrap_or(0)
                };
                let stride = if pos.single {
                    1
                } else {
                    self.leaf.strides.last().copied().unwrap_or(0)
                };
                with_dtype!(dt, T => {
                    let data = buffer::<T>(a)?;
                    let out = &mut T::get_mut(&mut self.buf)?[..len];
                    if stride == 1 {
                        out.copy_from_slice(&data[off as usize..off as usize + len]);
                    } else if stride == 0 || len == 1 {
                        out.fill(data[off as usize]);
                    } else {
                        for (j, o) in out.iter_mut().enumerate() {
                            *o = data[(off + j as isize * stride) as usize];
                        }
                    }
                });
                Ok(())
            }
            Op::Unary(op) => {
                let op = *op;
                let x = &self.children[0];
                with_dtype!(dt, T => {
                    let (a, o) = (T::get(&x.buf)?, T::get_mut(&mut self.buf)?);
                    match op {
                        UnOp::Neg if T::DTYPE != DType::Bool => zip1(a, o, len, T::neg),
                        UnOp::Not | UnOp::Invert
                            if T::DTYPE == DType::Bool || T::DTYPE.is_int() =>
                        {
                            zip1(a, o, len, T::invert)
                        }
                        _ => return Err(unsupported(unop_symbol(op), T::DTYPE)),
                    }
                });
                Ok(())
            }
            Op::PowInt(n) => {
                let n = *n;
                let x = &self.children[0];
                with_dtype!(dt, T => {
                    zip1(T::get(&x.buf)?, T::get_mut(&mut self.buf)?, len, |v: T| pow_int(v, n))
                });
                Ok(())
            }
            Op::Cast => {
                let x = &self.children[0];
                with_dtype!(x.dtype, S => with_dtype!(dt, D => {
                    let (a, o) = (S::get(&x.buf)?, D::get_mut(&mut self.buf)?);
                    for (o, &v) in o[..len].iter_mut().zip(&a[..len]) {
                        *o = cast::<S, D>(v).ok_or_else(|| cast_error(v.to_scalar(), dt))?;
                    }
                }));
                Ok(())
            }
            Op::Binary(op) => {
                let op = *op;
                let (x, y) = (&self.children[0], &self.children[1]);
                with_dtype!(x.dtype, T => binary_block::<T>(op, T::get(&x.buf)?, T::get(&y.buf)?, &mut self.buf, len))
            }
            Op::Math(f) => {
                let f = *f;
                math_block(f, &self.children, &mut self.buf, len)
            }
            Op::Where => {
                let (c, x, y) = (&self.children[0], &self.children[1], &self.children[2]);
                let c = bool::get(&c.buf)?;
                with_dtype!(dt, T => {
                    let (a, b, o) = (T::get(&x.buf)?, T::get(&y.buf)?, T::get_mut(&mut self.buf)?);
                    for j in 0..len {
                        o[j] = if c[j] { a[j] } else { b[j] };
                    }
                });
                Ok(())
            }
        }
    }
}

/// Where the block being evaluated lies.
struct Pos<'a> {
    /// Index of the row (all axes but the last).
    idx: &'a [usize],
    /// First element of the block within the row.
    j0: usize,
    /// The whole output is one row (every leaf is C-contiguous with the output's shape).
    single: bool,
}

#[inline(always)]
fn zip1<A: Copy, R>(a: &[A], o: &mut [R], len: usize, mut f: impl FnMut(A) -> R) {
    for (o, &x) in o[..len].iter_mut().zip(&a[..len]) {
        *o = f(x);
    }
}

#[inline(always)]
fn zip2<A: Copy, B: Copy, R>(
    a: &[A],
    b: &[B],
    o: &mut [R],
    len: usize,
    mut f: impl FnMut(A, B) -> R,
) {
    for ((o, &x), &y) in o[..len].iter_mut().zip(&a[..len]).zip(&b[..len]) {
        *o = f(x, y);
    }
}

fn checked2<T: Num>(
    a: &[T],
    b: &[T],
    o: &mut [T],
    len: usize,
    f: impl Fn(T, T) -> Option<T>,
    message: &str,
) -> Fallible<()> {
    for ((o, &x), &y) in o[..len].iter_mut().zip(&a[..len]).zip(&b[..len]) {
        *o = f(x, y).ok_or_else(|| message.to_string())?;
    }
    Ok(())
}

fn binary_block<T: BufElem>(
    op: BinOp,
    a: &[T],
    b: &[T],
    out: &mut Buf,
    len: usize,
) -> Fallible<()> {
    use BinOp::*;
    if !T::supports(op) {
        return Err(unsupported(op.symbol(), T::DTYPE));
    }
    if op.is_comparison() {
        let o = bool::get_mut(out)?;
        match op {
            Lt => zip2(a, b, o, len, |x: T, y: T| x < y),
            Le => zip2(a, b, o, len, |x: T, y: T| x <= y),
            Gt => zip2(a, b, o, len, |x: T, y: T| x > y),
            Ge => zip2(a, b, o, len, |x: T, y: T| x >= y),
            Eq => zip2(a, b, o, len, |x: T, y: T| x == y),
            _ => zip2(a, b, o, len, |x: T, y: T| x != y),
        }
        return Ok(());
    }
    let o = T::get_mut(out)?;
    match op {
        Add => zip2(a, b, o, len, T::add),
        Sub => zip2(a, b, o, len, T::sub),
        Mul => zip2(a, b, o, len, T::mul),
        Div => zip2(a, b, o, len, T::div),
        FloorDiv => checked2(a, b, o, len, T::floordiv, msg::INT_DIV_ZERO)?,
        Mod => checked2(a, b, o, len, T::rem, msg::INT_MOD_ZERO)?,
        Pow => checked2(a, b, o, len, T::pow, msg::NEG_INT_POWER)?,
        BitAnd => zip2(a, b, o, len, T::bitand),
        BitOr => zip2(a, b, o, len, T::bitor),
        BitXor => zip2(a, b, o, len, T::bitxor),
        Shl => zip2(a, b, o, len, T::shl),
        _ => zip2(a, b, o, len, T::shr),
    }
    Ok(())
}

fn math_block(f: MathFn, args: &[Node], out: &mut Buf, len: usize) -> Fallible<()> {
    let bad = || format!("internal error: bad arguments to {}", f.name());
    if args.len() != f.arity() || args.iter().any(|a| a.dtype != args[0].dtype) {
        return Err(bad());
    }
    let dt = args[0].dtype;
    macro_rules! un {
        ($g:expr) => {
            zip1(T::get(&args[0].buf)?, T::get_mut(out)?, len, $g)
        };
    }
    macro_rules! bin {
        ($g:expr) => {
            zip2(
                T::get(&args[0].buf)?,
                T::get(&args[1].buf)?,
                T::get_mut(out)?,
                len,
                $g,
            )
        };
    }
    macro_rules! pred {
        ($g:expr) => {
            zip1(T::get(&args[0].buf)?, bool::get_mut(out)?, len, $g)
        };
    }
    macro_rules! clip {
        ($g:expr) => {{
            let (x, lo, hi) = (
                T::get(&args[0].buf)?,
                T::get(&args[1].buf)?,
                T::get(&args[2].buf)?,
            );
            let o = T::get_mut(out)?;
            for j in 0..len {
                o[j] = $g(x[j], lo[j], hi[j]);
            }
        }};
    }
    with_float_dtype!(dt, T => math_float_match!(f, T, un, bin, pred, clip), _ => {
        with_dtype!(dt, T => math_int_match!(f, T, un, bin, clip, _ => return Err(bad())))
    });
    Ok(())
}

/// Where the results of [`run`] go.
enum Sink<'a> {
    /// A new C-contiguous array.
    New(&'a Array),
    /// An existing view (that no leaf overlaps).
    View(&'a Array),
}

/// Runs `root` over `shape`, writing into `sink`.
fn run(root: &mut Node, shape: &[usize], sink: Sink) -> Result<(), (String, Span)> {
    let root_span = root.span;
    let at = move |m: String| (m, root_span);
    let size: usize = shape.iter().product();
    if size == 0 {
        return Ok(());
    }
    let n = shape.last().copied().unwrap_or(1);
    let single = {
        let s = root.prepare(shape, 0);
        s && matches!(sink, Sink::New(_))
    };
    let row_len = if single { size } else { n };
    let block = row_len.min(BLOCK);
    root.prepare(shape, block);
    let dt = root.dtype;
    let target = match sink {
        Sink::New(a) | Sink::View(a) => a,
    };
    if target.dtype() != dt {
        return Err(at(format!(
            "internal error: {} results into a {} array",
            dt,
            target.dtype()
        )));
    }
    let tstrides = target.strides().to_vec();
    let contiguous_out = target.is_c_contiguous();
    let mut result = Ok(());
    let mut do_row = |idx: &[usize], r: usize| -> Result<(), (String, Span)> {
        let mut j0 = 0;
        while j0 < row_len {
            let len = block.min(row_len - j0);
            if let Err(e) = root.eval(&Pos { idx, j0, single }, len) {
                // Report the first failing element in order (and at it, the first failing
                // operation), as element-by-element evaluation does.
                for j in j0..j0 + len {
                    root.eval(&Pos { idx, j0: j, single }, 1)?;
                }
                return Err(e);
            }
            with_dtype!(dt, T => {
                let src = &T::get(&root.buf).map_err(&at)?[..len];
                // SAFETY (both writes): one thread; the block was computed into the
                // node's scratch buffer and no slice of the target's buffer is alive.
                if contiguous_out {
                    let o = unsafe { target.shared_mut_slice::<T>() }.ok_or_else(|| at("internal error: output".into()))?;
                    o[r * row_len + j0..r * row_len + j0 + len].copy_from_slice(src);
                } else {
                    let data = buffer_mut_ptr::<T>(target).map_err(&at)?;
                    let mut off = target.offset();
                    for (&i, &s) in idx.iter().zip(&tstrides) {
                        off += i as isize * s;
                    }
                    let ts = tstrides.last().copied().unwrap_or(0);
                    off += j0 as isize * ts;
                    for (j, &v) in src.iter().enumerate() {
                        unsafe { *data.offset(off + j as isize * ts) = v };
                    }
                }
            }, complex => return Err(at(crate::scalar::complex_here(dt))));
            j0 += len;
        }
        Ok(())
    };
    if single {
        result = do_row(&[], 0);
    } else {
        for_each_row(shape, |idx, r| {
            if result.is_ok() {
                result = do_row(idx, r);
            }
        });
    }
    result
}

/// Evaluates a tree into a new C-contiguous array.
pub fn eval_new(mut root: Node) -> Result<Array, (String, Span)> {
    let span = root.span;
    let shape = root.shape().map_err(|m| (m, span))?;
    let out = new_array(root.dtype, &shape).map_err(|m| (m, span))?;
    if out.size() == 0 {
        surface_errors(&mut root)?;
        return Ok(out);
    }
    run(&mut root, &shape, Sink::New(&out))?;
    Ok(out)
}

/// For an empty result: runs every largest non-empty subtree once over its own shape and
/// drops the values, so that the element errors of operations on non-empty operands (a nan
/// cast to an integer, an integer division by zero) are reported as when each operation
/// is evaluated on its own, NumPy's way (`empty * (a // 0)` fails although the product
/// has no element).
fn surface_errors(node: &mut Node) -> Result<(), (String, Span)> {
    let span = node.span;
    let shape = node.shape().map_err(|m| (m, span))?;
    if shape.iter().product::<usize>() > 0 {
        let scratch = new_array(node.dtype, &shape).map_err(|m| (m, span))?;
        return run(node, &shape, Sink::New(&scratch));
    }
    for c in &mut node.children {
        surface_errors(c)?;
    }
    Ok(())
}

/// Evaluates a tree directly into the view `target` (broadcast to its shape), when that is
/// safe: no leaf may overlap the target's memory (the right side must be read completely
/// before anything is written). Returns `Ok(false)` without doing anything otherwise.
pub fn eval_into(root: &mut Node, target: &Array) -> Result<bool, (String, Span)> {
    let mut overlap = false;
    root.for_each_leaf(&mut |a| overlap |= overlaps(a, target));
    if overlap || root.dtype != target.dtype() {
        return Ok(false);
    }
    let span = root.span;
    let shape = root.shape().map_err(|m| (m, span))?;
    let fits = broadcast_shapes(&shape, target.shape())
        .map(|s| s == target.shape())
        .unwrap_or(false);
    if !fits {
        return Err((
            format!(
                "could not broadcast input array from shape {} into shape {}",
                msg::shape(&shape),
                msg::shape(target.shape())
            ),
            span,
        ));
    }
    if target.size() == 0 {
        surface_errors(root)?;
        return Ok(true);
    }
    run(root, target.shape(), Sink::View(target))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elementwise::{self, Operand};

    fn leaf(a: &Array) -> Node {
        Node::new(Op::Array(a.clone()), a.dtype(), vec![], Span::default())
    }
    fn konst(s: Scalar) -> Node {
        Node::new(Op::Scalar(s), s.dtype(), vec![], Span::default())
    }
    fn bin(op: BinOp, a: Node, b: Node) -> Node {
        let dt = if op.is_comparison() {
            DType::Bool
        } else {
            a.dtype
        };
        Node::new(Op::Binary(op), dt, vec![a, b], Span::new(1, 2))
    }

    #[test]
    fn fused_matches_unfused_bits() {
        // 2*a + 3*b**2 over a strided, broadcast 2-D case and a long contiguous one.
        for (n, m) in [(3usize, 2500usize), (1, 5000)] {
            let a = Array::from_vec(
                (0..n * m).map(|i| (i as f64).sin()).collect::<Vec<_>>(),
                &[n, m],
            );
            let b_full = Array::from_vec(
                (0..2 * m)
                    .map(|i| (i as f64) * 0.37 - 9.0)
                    .collect::<Vec<_>>(),
                &[2 * m],
            );
            let b = b_full.slice_axis(0, 2 * m - 1, -2, m); // b_full[::-2]
            let tree = bin(
                BinOp::Add,
                bin(BinOp::Mul, konst(Scalar::F64(2.0)), leaf(&a)),
                bin(
                    BinOp::Mul,
                    konst(Scalar::F64(3.0)),
                    Node::new(Op::PowInt(2), DType::F64, vec![leaf(&b)], Span::default()),
                ),
            );
            let fused = eval_new(tree).unwrap();
            let two_a = elementwise::binary(
                BinOp::Mul,
                Operand::Scalar(Scalar::F64(2.0)),
                Operand::Array(&a),
            )
            .unwrap();
            let b2 = elementwise::pow_int(&b, 2).unwrap();
            let three_b2 = elementwise::binary(
                BinOp::Mul,
                Operand::Scalar(Scalar::F64(3.0)),
                Operand::Array(&b2),
            )
            .unwrap();
            let unfused = elementwise::binary(
                BinOp::Add,
                Operand::Array(&two_a),
                Operand::Array(&three_b2),
            )
            .unwrap();
            assert_eq!(fused.shape(), unfused.shape());
            let (x, y) = (fused.to_vec::<f64>(), unfused.to_vec::<f64>());
            assert!(x.iter().zip(&y).all(|(p, q)| p.to_bits() == q.to_bits()));
        }
    }

    #[test]
    fn fused_errors_and_stores() {
        let a = Array::from_vec(vec![4i64, 5, 6], &[3]);
        let z = Array::from_vec(vec![1i64, 0, 1], &[3]);
        let t = bin(
            BinOp::Add,
            bin(BinOp::FloorDiv, leaf(&a), leaf(&z)),
            konst(Scalar::I64(1)),
        );
        let (m, span) = eval_new(t).unwrap_err();
        assert_eq!((m.as_str(), span), (msg::INT_DIV_ZERO, Span::new(1, 2)));
        // An empty result still reports the errors of its non-empty operands (as the
        // operation-at-a-time evaluation does): empty + a // z.
        let empty = Array::zeros(DType::I64, &[0]);
        let (a1, z1) = (
            Array::from_vec(vec![4i64], &[1]),
            Array::zeros(DType::I64, &[1]),
        );
        let t = bin(
            BinOp::Add,
            leaf(&empty),
            bin(BinOp::FloorDiv, leaf(&a1), leaf(&z1)),
        );
        let (m, _) = eval_new(t).unwrap_err();
        assert_eq!(m, msg::INT_DIV_ZERO);
        let mut t = bin(
            BinOp::Add,
            leaf(&empty),
            bin(BinOp::FloorDiv, leaf(&a1), leaf(&z1)),
        );
        assert!(eval_into(&mut t, &Array::zeros(DType::I64, &[0])).is_err());
        // out[:, ::2] = a + 1 (broadcast row into a strided view)
        let out = Array::zeros(DType::I64, &[2, 6]);
        let view = out.slice_axis(1, 0, 2, 3);
        let mut t = bin(
            BinOp::Add,
            bin(BinOp::Mul, leaf(&a), konst(Scalar::I64(1))),
            konst(Scalar::I64(1)),
        );
        assert!(eval_into(&mut t, &view).unwrap());
        assert_eq!(
            out.to_vec::<i64>(),
            vec![5, 0, 6, 0, 7, 0, 5, 0, 6, 0, 7, 0]
        );
        // Overlapping leaves are refused (the caller falls back to evaluate-then-copy).
        let mut t = bin(
            BinOp::Add,
            bin(BinOp::Mul, leaf(&out), konst(Scalar::I64(1))),
            konst(Scalar::I64(1)),
        );
        assert!(!eval_into(&mut t, &out).unwrap());
        let c = bin(
            BinOp::Lt,
            bin(BinOp::Add, leaf(&a), leaf(&a)),
            konst(Scalar::I64(11)),
        );
        assert_eq!(
            eval_new(c).unwrap().to_vec::<bool>(),
            vec![true, true, false]
        );
    }
}
