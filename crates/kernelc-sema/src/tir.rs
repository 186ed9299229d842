//! The typed IR: produced by sema (one [`Func`] per instantiated signature), consumed by the
//! reference interpreter and the code generator.
//!
//! Invariants sema guarantees (executors rely on them and need not re-check):
//! * Every expression has its final [`Type`]; no type variables remain.
//! * Operands of arithmetic, comparison, bitwise and math operations have the same element
//!   type: sema inserts explicit [`ExprKind::Cast`] nodes for NumPy promotion. The result
//!   type is in `ty` (comparisons give `bool`).
//! * Element-wise operations on arrays (any operand an array) broadcast as NumPy does; the
//!   ranks are compatible (checked at compile time), the sizes are checked at run time.
//! * Assignments to locals store a value of exactly the local's type.
//! * Array element stores receive a value of the array's element type (or, for `op=`, of
//!   the operation type recorded in [`AugOp`]).
//! * Integer values used as indices, range bounds, shapes and axis lengths are `i64`.
//! * Arrays have rank >= 1: reducing the last axis away gives a scalar.
//! * Element-wise trees are kept whole (an array-typed `Binary` whose operands are
//!   array-typed `Binary`/`Math`/`Cast`/... nodes), so an executor may fuse them into one
//!   loop.

use kernelc_runtime::{DType, Scalar};
use kernelc_syntax::Span;

pub use crate::tir_arrays::{ArrayOp, Sel};

/// Index of a function in [`Program::funcs`].
pub type FuncId = usize;
/// Index of a local variable in [`Func::locals`].
pub type LocalId = usize;

/// A compiled program: every function instantiated from the entry point, reachable by
/// calls.
#[derive(Clone, Debug)]
pub struct Program {
    pub funcs: Vec<Func>,
    pub entry: FuncId,
}

/// The type of a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Scalar(DType),
    Array(ArrayType),
    /// A fixed-size tuple of scalars, arrays and tuples (`a.shape`, `(m, x)`, a function's
    /// `return i, v`). Its element types are interned (see [`TupleType`]), so `Type` stays
    /// `Copy`.
    Tuple(TupleType),
    /// A string literal (only as a `print` argument).
    Str,
    /// The value of a call that returns nothing (`print`, `seed`, a function without
    /// `return e`).
    None,
}

/// An array type: element type and rank (>= 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ArrayType {
    pub dtype: DType,
    pub ndim: u8,
}

impl Type {
    /// The element type of a scalar or array type.
    pub fn dtype(self) -> Option<DType> {
        match self {
            Type::Scalar(d) => Some(d),
            Type::Array(a) => Some(a.dtype),
            _ => None,
        }
    }

    pub fn is_array(self) -> bool {
        matches!(self, Type::Array(_))
    }

    /// The tuple's element types, if this is a tuple.
    pub fn tuple(self) -> Option<TupleType> {
        match self {
            Type::Tuple(t) => Some(t),
            _ => None,
        }
    }

    /// Rank: 0 for scalars.
    pub fn ndim(self) -> usize {
        match self {
            Type::Array(a) => a.ndim as usize,
            _ => 0,
        }
    }
}

impl std::fmt::Display for Type {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Type::Scalar(d) => write!(f, "{d}"),
            Type::Array(a) => {
                write!(f, "{}[", a.dtype)?;
                for i in 0..a.ndim {
                    f.write_str(if i == 0 { ":" } else { ", :" })?;
                }
                f.write_str("]")
            }
            Type::Tuple(t) => write!(f, "{t}"),
            Type::Str => f.write_str("str"),
            Type::None => f.write_str("None"),
        }
    }
}

pub use crate::tuples::TupleType;

/// One instantiation of a source function for one argument signature.
#[derive(Clone, Debug)]
pub struct Func {
    /// The source name (several `Func`s may share it, one per signature).
    pub name: String,
    /// Parameter locals, in order. A tuple parameter is flattened: its leaves (scalar and
    /// array locals, depth first) stand in its place, and callers pass the leaves of a
    /// tuple argument (see [`TupleType::leaves`]).
    pub params: Vec<LocalId>,
    pub locals: Vec<Local>,
    pub ret: Type,
    pub body: Block,
    /// The `def` header.
    pub span: Span,
}

/// A local variable (parameter, assigned name, loop variable, or a hidden temporary that
/// sema introduced, whose name starts with `$`).
#[derive(Clone, Debug)]
pub struct Local {
    pub name: String,
    pub ty: Type,
    /// Where it is first bound.
    pub span: Span,
}

pub type Block = Vec<Stmt>;

#[derive(Clone, Debug)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum StmtKind {
    /// `local = value`. Arrays bind by reference (no copy).
    Assign {
        local: LocalId,
        value: Expr,
    },
    /// `a, b = value` for a tuple-valued `value`: the whole value is evaluated first, then
    /// its leaves (scalars and arrays, depth first: [`TupleType::leaves`]) are assigned to
    /// `locals` in order, each of exactly its leaf's type. Sema scalarises tuple locals, so
    /// this is how a call's tuple result, a swap (`a, b = b, a`) or a tuple literal reaches
    /// locals.
    Unpack {
        locals: Vec<LocalId>,
        value: Expr,
    },
    /// Writes into an array: `array[index] = value` (`op: None`) or `array[index] op= value`.
    ///
    /// `index` may be empty (the whole array: `a += b` on an array local, or `out[:] = ..`
    /// with its one full slice kept as written). When every index item is an
    /// [`Index::Int`] and there is one per axis, a single element is written; otherwise the
    /// selected region (a view) is written element-wise, with `value` broadcast to its
    /// shape. The whole right side is evaluated before anything is written (NumPy's
    /// meaning even when `value` reads the same memory).
    Store {
        array: Expr,
        index: Vec<Index>,
        aug: Option<AugOp>,
        value: Expr,
    },
    If {
        cond: Expr,
        then: Block,
        orelse: Block,
    },
    While {
        cond: Expr,
        body: Block,
    },
    /// `for var in range(start, stop, step)` (all i64; step 0 is a runtime error). `var`
    /// takes each value in turn and keeps the last one after the loop, as in Python.
    /// `parallel` is set for `prange`.
    For {
        var: LocalId,
        start: Expr,
        stop: Expr,
        step: Expr,
        body: Block,
        parallel: Option<Parallel>,
    },
    Break,
    Continue,
    /// `assert cond[, "message"]`: when the bool scalar `cond` is false, a runtime error
    /// `AssertionError` (`AssertionError: message`) at the statement.
    Assert {
        cond: Expr,
        msg: Option<String>,
    },
    /// Leaves the function; a tuple value is returned whole (native code returns its
    /// leaves as multiple values).
    Return(Option<Expr>),
    /// An expression evaluated for its effect (`print(...)`, `seed(1)`, a call).
    Expr(Expr),
    /// `array[sel] = value` for a mask, an index array or `.flat[i]` (see [`Sel`]): `value`
    /// (of the array's element type) is a scalar or an array broadcast to the selection's
    /// shape; it is evaluated first, then `array`, then the selector. (`op=` is lowered by
    /// sema to a read, the operation and this store.)
    SelectStore {
        array: Expr,
        sel: Sel,
        value: Expr,
    },
    /// A region store planned as a loop nest (`Sink::Store`): an index into the planned
    /// function's nests. Only in functions planned by `kernelc-loops`, which only the code
    /// generator consumes; sema never produces it.
    Nest(usize),
}

/// `array[index] op= value`: the old element is cast to `ty`, combined with `value` (of type
/// `ty`) by `op`, and the result cast back to the array's element type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AugOp {
    pub op: BinOp,
    pub ty: DType,
}

/// What sema found about a `prange` loop.
#[derive(Clone, Debug, Default)]
pub struct Parallel {
    /// Outer scalars updated only by a reduction operator.
    pub reductions: Vec<Reduction>,
    /// Locals first assigned inside the body (private to each iteration).
    pub private: Vec<LocalId>,
}

/// A reduction variable of a `prange`: each chunk (see
/// `kernelc_runtime::reduce::prange_chunks`) starts a private copy at the identity of `op`
/// (0, 1, +inf/MAX or -inf/MIN) and, after the loop, the variable becomes
/// `((var op p0) op p1) op ...` in chunk order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reduction {
    pub local: LocalId,
    pub op: RedOp,
}

/// The operator of a `prange` reduction variable (identity and combine rule in the op
/// table).
pub use kernelc_runtime::optable::RedOp;

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Type,
    pub span: Span,
}

/// One item of an index: an integer (negative counts from the end; checked) or a slice
/// (bounds clamped as in Python).
#[derive(Clone, Debug)]
pub enum Index {
    Int(Expr),
    Slice {
        start: Option<Expr>,
        stop: Option<Expr>,
        step: Option<Expr>,
        span: Span,
    },
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Const(Scalar),
    Str(String),
    Local(LocalId),
    /// Element-wise on arrays.
    Unary(UnOp, Box<Expr>),
    /// Element-wise on arrays; operands have the same element type.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `x ** n` for a float `x` and an integer literal `n` in 0..=4: repeated
    /// multiplication: `1`, `x`, `x*x`, `(x*x)*x`, `(x*x)*(x*x)`.
    PowInt(Box<Expr>, u32),
    /// A chained comparison of scalars, `a < b <= c` (two or more operators), as Python:
    /// operands are evaluated left to right, each at most once, and evaluation stops at the
    /// first false comparison. `ops[k]` compares operands `k` and `k + 1` after converting
    /// both to its type. The result is bool.
    Chain(Vec<Expr>, Vec<(BinOp, DType)>),
    /// `and`/`or` on bool scalars, short-circuit.
    Logical(LogicalOp, Box<Expr>, Box<Expr>),
    /// `then if cond else orelse` with a bool scalar `cond`; only one side is evaluated.
    IfExp {
        cond: Box<Expr>,
        then: Box<Expr>,
        orelse: Box<Expr>,
    },
    /// Conversion of each element to `ty`'s element type. Float to int truncates toward
    /// zero; nan or out of range is a runtime error. To bool: `!= 0`.
    Cast(Box<Expr>),
    /// A call of another instantiated function.
    Call(FuncId, Vec<Expr>),
    /// A math function (element-wise); arguments have the same element type.
    Math(MathFn, Vec<Expr>),
    /// A complex operation that is not an operator (`complex(re, im)`, `.real`, `.imag`,
    /// `conj`, `abs`, `angle`; see [`CxOp`]) on scalars: `Make` takes two values of the
    /// part type (`f32`/`f64`), the others one complex value.
    Complex(CxOp, Vec<Expr>),
    /// `where(cond, a, b)`, element-wise with broadcasting; `a` and `b` have the same type.
    Where(Box<Expr>, Box<Expr>, Box<Expr>),
    /// A reduction over all elements (`axis: None`) or along one axis (normalised to
    /// `0..ndim`). The argument is already cast to the accumulation type (`sum` of i32 is
    /// over an i64 cast, `mean` of ints over an f64 cast, `any`/`all` over a bool cast).
    Reduce {
        op: ReduceOp,
        arg: Box<Expr>,
        axis: Option<usize>,
    },
    /// `dot(a, b)` of two 1-D arrays of equal length and the same element type: the
    /// pairwise sum of the products.
    Dot(Box<Expr>, Box<Expr>),
    /// A library operation of the runtime (`kernelc_runtime::library`: sorting, cumulative
    /// sums, medians, variances, matrix products, keepdims and tuple-of-axes reshapes),
    /// whose argument types sema fixed; both executors call the same helper.
    Lib(LibFn, Vec<Expr>),
    /// `a.shape[k]` (`len(a)` is axis 0), as i64.
    Dim(Box<Expr>, usize),
    /// `a.size`, as i64.
    Size(Box<Expr>),
    /// `a.shape`, as a tuple of i64.
    Shape(Box<Expr>),
    /// A tuple built from its elements, evaluated left to right (`(m, n)`, `(i, a[i])`).
    /// Sema never leaves a tuple-typed local in the IR: tuple locals are scalarised into
    /// one local per leaf, and reading one gives a `Tuple` of its leaves.
    Tuple(Vec<Expr>),
    /// Element `k` (a constant in range) of a tuple-valued expression (a call result:
    /// `f(x)[0]`); the rest of the tuple is evaluated and dropped.
    TupleGet(Box<Expr>, usize),
    /// `array[index]`: an element when every item is an `Index::Int` and there is one per
    /// axis, otherwise a view (no copy). Missing trailing items mean `:`.
    Index(Box<Expr>, Vec<Index>),
    /// A new array from a constructor; the element type is `ty`'s.
    Alloc(Alloc),
    /// Random numbers from the counter-based generator: a scalar (`shape: None`) or a new
    /// array.
    Random {
        dist: Dist,
        shape: Option<Box<Expr>>,
    },
    /// `seed(s)`: restarts the generator.
    Seed(Box<Expr>),
    /// `print(args...)`: space-separated, newline-terminated. Raw (`true`: a `print` with
    /// `sep=`/`end=`, whose strings sema placed among the arguments): the pieces are
    /// written as they are, with nothing between or after them.
    Print(Vec<Expr>, bool),
    /// A formatted string (an f-string or `%` formatting; only a `print` argument): text
    /// and values with their checked format specifications.
    Format(Vec<FmtPart>),
    /// An array operation of §9 (views, copies, masks, fancy indexing, `.flat`, lists).
    ArrayOp(Box<ArrayOp>),
    /// A whole-array operation planned as a loop nest (a new array or a reduction): an
    /// index into the planned function's nests. Only in functions planned by
    /// `kernelc-loops`, which only the code generator consumes; sema never produces it.
    Nest(usize),
}

/// Array constructors. Shapes are `Tuple` expressions (an int argument was wrapped).
#[derive(Clone, Debug)]
pub enum Alloc {
    /// `zeros`, `empty` (also zero-filled: no uninitialised memory is ever visible),
    /// `zeros_like`, `empty_like`.
    Zeros { shape: Box<Expr> },
    /// `ones`.
    Ones { shape: Box<Expr> },
    /// `full(shape, value)`; `value` has the element type.
    Full { shape: Box<Expr>, value: Box<Expr> },
    /// `arange(start, stop, step)`: `ceil((stop - start) / step)` elements filled as NumPy
    /// does: `a0 = start`, `a1 = start + step` (computed in f64 or i64, then converted),
    /// and `a0 + i*(a1 - a0)` in the element type for `i >= 2`.
    Arange {
        start: Box<Expr>,
        stop: Box<Expr>,
        step: Box<Expr>,
    },
    /// `linspace(a, b, n)` as f64, NumPy's formula: `a + i*step` with
    /// `step = (b - a)/(n - 1)`, last element exactly `b`.
    Linspace {
        start: Box<Expr>,
        stop: Box<Expr>,
        num: Box<Expr>,
    },
}

/// Distributions of [`ExprKind::Random`].
#[derive(Clone, Debug)]
pub enum Dist {
    /// Uniform in [0, 1) (f64).
    Uniform,
    /// Standard normal (f64).
    Normal,
    /// Integers in [lo, hi) (i64); `hi <= lo` is a runtime error.
    Randint { lo: Box<Expr>, hi: Box<Expr> },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnOp {
    /// Arithmetic negation (wrapping for ints).
    Neg,
    /// Logical not of a bool scalar (`not x`).
    Not,
    /// `~`: bitwise not of ints, logical not of bools (element-wise).
    Invert,
}

/// Binary operators. For `Lt..Ne` the result is bool; for the rest the operand type.
/// Ints: `+ - *` wrap; `/` never appears on ints (sema casts to float first); `//` and `%`
/// are Python's floor division and modulo (by zero: runtime error); `**` is integer power
/// (negative exponent: runtime error). Floats: IEEE, `//` and `%` as NumPy's
/// `floor_divide`/`remainder`, `**` is `pow`. Bitwise operators act on ints and bools.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl BinOp {
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne
        )
    }

    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::BitAnd => "&",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
            BinOp::Shl => "<<",
            BinOp::Shr => ">>",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LogicalOp {
    And,
    Or,
}

/// Math functions (LANGUAGE.md §6): names, arities and types in the runtime's op table,
/// the functions in `kernelc_runtime::math`.
pub use kernelc_runtime::optable::MathFn;

/// The complex operations of [`ExprKind::Complex`] (defined with their meaning in the
/// runtime).
pub use kernelc_runtime::complex::CxOp;

/// Reductions (`sum`, `mean`, `argmax`, ...), with their types in the runtime's op table.
pub use kernelc_runtime::optable::ReduceOp;

/// Library operations (sorting, matrix products, ...), defined in the runtime.
pub use kernelc_runtime::library::LibFn;

/// One piece of a formatted string ([`ExprKind::Format`]).
#[derive(Clone, Debug)]
pub enum FmtPart {
    Text(String),
    /// A value and how to format it (checked against its type by sema).
    Field(Expr, kernelc_runtime::pyformat::Spec),
}
