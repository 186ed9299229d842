//! The loop-nest IR: produced by [`crate::plan`], consumed by the code generator
//! (`kernelc-codegen`), printed by [`crate::print`] (`kernelc ir --stage loops`).
//!
//! A [`Nest`] is one whole-array operation: an iteration space of a static rank whose
//! extents are known at run time, the arrays it reads ([`Operand`]s, each with the view
//! applied to it and its broadcasting against the space), one element expression
//! ([`Elem`]) and what happens to each element ([`Sink`]).
//!
//! Invariants the planner guarantees (the code generator relies on them):
//! * Every operand is an array local of the planned function (a parameter, a user local or
//!   a planner temporary), read through an optional view (`a[1:-1, ::2]`, `a[i, :]`) whose
//!   bounds are [`Leaf`]s: constants or scalar locals evaluated before the nest.
//! * Operand `k`'s axes align with the trailing axes of the space (NumPy broadcasting);
//!   sizes are checked at run time in the interpreter's order ([`Nest::shape_steps`]).
//! * Element expressions contain no calls, allocations or effects; only element-wise
//!   operations whose errors (integer division by zero, bad casts, negative powers) carry
//!   their source span.
//! * A `Store` nest's operand 0 is the target; a reduction's `axis` is `< space rank`.

use kernelc_runtime::{DType, Scalar};
use kernelc_sema::tir::{AugOp, BinOp, LocalId, MathFn, ReduceOp, UnOp};
use kernelc_syntax::Span;

/// Index of a nest in [`crate::PlannedFunc::nests`] (the number in `ExprKind::Nest` /
/// `StmtKind::Nest`).
pub type NestId = usize;

/// One whole-array operation as a loop nest.
#[derive(Clone, Debug)]
pub struct Nest {
    /// Rank of the iteration space.
    pub ndim: usize,
    /// The arrays read (and, for [`Sink::Store`], written: operand 0).
    pub operands: Vec<Operand>,
    /// The value of each element of the space.
    pub elem: Elem,
    pub sink: Sink,
    /// How the space's shape is found: NumPy broadcasting, step by step in the order the
    /// interpreter checks it (so a mismatch reports the same shapes at the same span).
    pub shape_steps: Vec<ShapeStep>,
    /// The whole operation in the source.
    pub span: Span,
    /// For an element expression that can fail: the same tree as a typed-IR expression
    /// over the function's locals. When the space is empty, the code generator has the
    /// interpreter evaluate it for its errors only: NumPy evaluates each operation on its
    /// own operands, so `empty * (a // 0)` fails although the product has no element.
    pub fallback: Option<kernelc_sema::tir::Expr>,
}

/// A scalar known before the nest runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Leaf {
    Const(Scalar),
    /// A scalar local (often a planner temporary holding a sub-expression's value).
    Local(LocalId),
}

/// An array read by a nest.
#[derive(Clone, Debug)]
pub struct Operand {
    /// The array local.
    pub array: LocalId,
    pub dtype: DType,
    /// Rank of the local's arrays.
    pub base_ndim: usize,
    /// The view applied (empty: the whole array). Items cover the leading axes; missing
    /// trailing items mean `:`.
    pub view: Vec<ViewItem>,
    /// Rank after the view (axes removed by integer items).
    pub ndim: usize,
    pub span: Span,
}

/// One item of a view: an integer picks one position of an axis (negative counts from
/// the end; checked), a slice keeps a range (Python's clamping; step 0 is an error).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ViewItem {
    Int(Leaf, Span),
    Slice {
        start: Option<Leaf>,
        stop: Option<Leaf>,
        step: Option<Leaf>,
        span: Span,
    },
}

/// The element expression of a nest.
#[derive(Clone, Debug)]
pub struct Elem {
    pub kind: ElemKind,
    /// Element type of the value.
    pub dtype: DType,
    /// Where an element-wise error is reported.
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ElemKind {
    /// The current element of operand `k`.
    Read(usize),
    /// A scalar broadcast to every element.
    Scalar(Leaf),
    Unary(UnOp, Box<Elem>),
    /// Operands have the same element type (the node's for arithmetic, bool results for
    /// comparisons).
    Binary(BinOp, Box<Elem>, Box<Elem>),
    PowInt(Box<Elem>, u32),
    /// Conversion to the node's dtype.
    Cast(Box<Elem>),
    Math(MathFn, Vec<Elem>),
    Where(Box<Elem>, Box<Elem>, Box<Elem>),
}

impl Elem {
    /// The direct sub-expressions, in evaluation order.
    pub fn children(&self) -> Vec<&Elem> {
        match &self.kind {
            ElemKind::Read(_) | ElemKind::Scalar(_) => Vec::new(),
            ElemKind::Unary(_, x) | ElemKind::PowInt(x, _) | ElemKind::Cast(x) => vec![x],
            ElemKind::Binary(_, a, b) => vec![a, b],
            ElemKind::Math(_, xs) => xs.iter().collect(),
            ElemKind::Where(a, b, c) => vec![a, b, c],
        }
    }
}

/// One step of the shape check, run in order over a stack of shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShapeStep {
    /// Push operand `k`'s shape (after its view).
    Operand(usize),
    /// Push the empty shape of a scalar.
    Scalar,
    /// Pop `n` shapes, push their broadcast; a mismatch is NumPy's broadcasting error at
    /// `span` naming the first two shapes that disagree (left to right).
    Broadcast(u8, Span),
    /// `dot`: pop two 1-D shapes that must be equal ("shapes (n,) and (m,) not aligned").
    Aligned(Span),
}

/// What happens to the elements.
#[derive(Clone, Debug)]
pub enum Sink {
    /// A new C-contiguous array of the space's shape and the element's dtype.
    NewArray,
    /// Written into operand 0's view (`out[:] = e`, `a[1:-1] += e`): the value is
    /// broadcast to the target's shape. When an operand may share memory with the target
    /// except element for element, the value is first computed into `temp` by nest
    /// `materialize` and then stored by nest `copy` (NumPy's meaning: the whole right
    /// side is read before anything is written).
    Store {
        aug: Option<AugOp>,
        overlap: Option<ViaTemp>,
    },
    /// A reduction of the space (`axis: None`) or along one axis (the result has the other
    /// axes, in C order).
    Reduce {
        op: ReduceOp,
        axis: Option<usize>,
        order: Order,
        /// For pairwise sums over a space that does not flatten to one line (a view or a
        /// broadcast over several axes): the element values are first materialised in C
        /// order, as the interpreter does.
        unflattened: Option<ViaTemp>,
    },
}

/// An alternative path through a temporary array: nest `materialize` computes the value
/// into the array local `temp`, then nest `then` consumes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ViaTemp {
    pub temp: LocalId,
    pub materialize: NestId,
    pub then: NestId,
}

/// The order of a float sum along a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// NumPy's pairwise summation (`kernelc_runtime::reduce::pairwise`): along the last
    /// axis and over whole arrays.
    Pairwise,
    /// One element after another, from the identity (outer axes, and every non-sum
    /// reduction).
    InOrder,
}

impl Sink {
    /// The reduction's accumulator dtype for an element of type `d`.
    pub fn result_dtype(&self, d: DType) -> DType {
        match self {
            Sink::Reduce {
                op: ReduceOp::ArgMin | ReduceOp::ArgMax,
                ..
            } => DType::I64,
            _ => d,
        }
    }
}
