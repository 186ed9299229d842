//! The abstract syntax tree produced by the parser and consumed by `kernelc-sema`.
//!
//! Every node carries a byte [`Span`] into the source text. The tree is untyped: it records
//! what was written (Python syntax), not what it means. Type annotations are kept as plain
//! expressions (`f64[:, :]` is a subscript of the name `f64`) and interpreted by sema.

use crate::Span;

/// A whole `.k` file.
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    pub items: Vec<Item>,
}

/// A top-level item.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `def name(params) -> ret: body`
    Func(FuncDef),
    /// `NAME = expr` at top level: a named constant.
    Const(ConstDef),
    /// `import numpy as np`, `from numba import njit, prange`: accepted and ignored so that
    /// Numba code pastes in unchanged.
    Import(Span),
}

/// A function definition.
#[derive(Clone, Debug, PartialEq)]
pub struct FuncDef {
    pub name: Ident,
    pub params: Vec<Param>,
    /// The return annotation (`-> f64`), kept as an expression.
    pub ret: Option<Expr>,
    pub body: Vec<Stmt>,
    /// Decorators (`@njit`, `@njit(parallel=True)`), accepted and ignored.
    pub decorators: Vec<Expr>,
    /// From `def` to the end of the header line (the colon).
    pub span: Span,
}

/// One parameter of a function.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: Ident,
    /// The annotation (`a: f64[:]`), kept as an expression.
    pub ann: Option<Expr>,
    /// The default value (`y=2.0`), kept as an expression (sema requires a constant).
    pub default: Option<Expr>,
    /// Declared after a bare `*`: given only by keyword (or its default).
    pub kw_only: bool,
    pub span: Span,
}

/// A top-level constant `NAME = expr`.
#[derive(Clone, Debug, PartialEq)]
pub struct ConstDef {
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}

/// A name with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `target = value` or `target: ann = value`. The target is a `Name`, a `Subscript`
    /// or a `Tuple` of targets (`a, (b, c) = ...`).
    Assign {
        target: Expr,
        ann: Option<Expr>,
        value: Expr,
    },
    /// `t1 = t2 = ... = value` (two or more targets): `value` is evaluated once and
    /// assigned to each target, left to right, as Python does.
    ChainAssign {
        targets: Vec<Expr>,
        value: Expr,
    },
    /// `assert cond` or `assert cond, "message"`.
    Assert {
        cond: Expr,
        msg: Option<Expr>,
    },
    /// `target op= value`.
    AugAssign {
        target: Expr,
        op: BinOp,
        value: Expr,
    },
    /// `if cond: body` with its `elif`s folded into nested `If`s in `orelse`.
    If {
        cond: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    While {
        cond: Expr,
        body: Vec<Stmt>,
    },
    /// `for target in iter: body` (`iter` is `range(..)`, `prange(..)`, an array,
    /// `enumerate(..)`, `zip(..)`, ...). The target is a `Name` or a `Tuple` of targets.
    For {
        target: Expr,
        iter: Expr,
        body: Vec<Stmt>,
    },
    Break,
    Continue,
    Pass,
    Return(Option<Expr>),
    /// An expression used as a statement (`print(x)`).
    Expr(Expr),
}

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// An integer literal (`1_000` is 1000). Values above `u64::MAX` are a syntax error.
    Int(u64),
    Float(f64),
    /// An imaginary literal (`2.5j`): the value of its imaginary part.
    Imag(f64),
    Bool(bool),
    /// A string literal (only meaningful as a `print` argument).
    Str(String),
    /// An f-string (`f"{x:.3f} {n}"`; only meaningful as a `print` argument).
    FString(Vec<FPart>),
    Name(String),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `a and b`, `a or b` (short-circuit).
    Logical(LogicalOp, Box<Expr>, Box<Expr>),
    /// `a < b <= c`: the first operand and the (operator, operand) chain.
    Compare(Box<Expr>, Vec<(CmpOp, Expr)>),
    /// `then if cond else orelse`
    IfExp {
        cond: Box<Expr>,
        then: Box<Expr>,
        orelse: Box<Expr>,
    },
    /// `func(args, name=value)`.
    Call {
        func: Box<Expr>,
        args: Vec<Expr>,
        kwargs: Vec<Keyword>,
    },
    /// `value.attr` (`a.shape`, `np.sqrt`).
    Attribute(Box<Expr>, Ident),
    /// `value[items]`.
    Subscript(Box<Expr>, Vec<IndexItem>),
    /// `(a, b)`; also the bare `a, b` inside parentheses-free contexts where Python allows it.
    Tuple(Vec<Expr>),
    /// `[a, b, c]`: a list literal (an array-like: sema makes it an array).
    List(Vec<Expr>),
    /// `[elem for var in iter if cond]`: a list comprehension (sema makes it an array).
    ListComp {
        elem: Box<Expr>,
        var: Ident,
        iter: Box<Expr>,
        cond: Option<Box<Expr>>,
    },
    /// `None` (a new axis in an index; `return None`).
    NoneLit,
    /// Placeholder left by error recovery; a diagnostic has already been reported.
    Error,
}

/// One piece of an f-string.
#[derive(Clone, Debug, PartialEq)]
pub enum FPart {
    Text(String),
    /// `{value!conv:spec}`.
    Field {
        value: Expr,
        /// `s`, `r` or `a`.
        conv: Option<char>,
        spec: String,
        spec_span: Span,
    },
}

/// `name=value` in a call.
#[derive(Clone, Debug, PartialEq)]
pub struct Keyword {
    pub name: Ident,
    pub value: Expr,
}

/// One item between the brackets of a subscript.
#[derive(Clone, Debug, PartialEq)]
pub enum IndexItem {
    Expr(Expr),
    /// `lo:hi:step`, each part optional.
    Slice {
        lo: Option<Expr>,
        hi: Option<Expr>,
        step: Option<Expr>,
        span: Span,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Neg,
    Pos,
    Not,
    /// `~`
    Invert,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `@` (matrix multiplication).
    MatMul,
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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LogicalOp {
    And,
    Or,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl BinOp {
    /// The operator as written in source (`//`).
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::MatMul => "@",
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
        }
    }
}

impl CmpOp {
    /// The operator as written in source.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
        }
    }
}

impl UnaryOp {
    /// The operator as written in source.
    pub fn symbol(self) -> &'static str {
        match self {
            UnaryOp::Neg => "-",
            UnaryOp::Pos => "+",
            UnaryOp::Not => "not",
            UnaryOp::Invert => "~",
        }
    }
}
