//! The NumPy builtins of LANGUAGE.md §9 beyond §6: reductions with `axis=None`, negative
//! axes, a tuple of axes and `keepdims=True`; element-wise functions written in terms of
//! the operators and the math library (`square`, `deg2rad`, `logical_and`, `isclose`,
//! the operators' function names, ...); the nan-ignoring reductions, `count_nonzero`;
//! and the library operations the runtime implements once for both executors
//! (`ExprKind::Lib`: `sort`, `argsort`, `cumsum`, `cumprod`, `median`, `var`, `std`,
//! `matmul`/`@`/2-D `dot`, `outer`, `trace`, keepdims and tuple-of-axes reshapes).
//!
//! Element-wise functions become ordinary element-wise trees, so they fuse into loop
//! nests and reductions stay the planner's loop nests; only the library operations are
//! runtime helpers.

use crate::lower::{cast, FnLower, TE};
use crate::tir::*;
use crate::tuples::pure;
use crate::types::{promote, with_rank};
use kernelc_runtime::{DType, Scalar};
use kernelc_syntax::ast::{self, ExprKind as A};
use kernelc_syntax::Span;

/// NumPy's rounding of floats of type `d` to `n` decimals: `rint(x * 10**n) / 10**n`
/// (`n > 0`), `rint(x / 10**-n) * 10**-n` (`n < 0`), `rint(x)` otherwise.
fn round_float(xe: Expr, n: Option<i64>, d: DType, nd: usize, span: Span) -> Expr {
    let rint = |e: Expr| math(MathFn::Rint, vec![e], d, nd, span);
    match n {
        None | Some(0) => rint(xe),
        Some(n) if n > 0 => {
            let f = fconst(d, 10f64.powi(n as i32), span);
            let y = bin(BinOp::Mul, xe, f.clone(), d, nd, span);
            bin(BinOp::Div, rint(y), f, d, nd, span)
        }
        Some(n) => {
            let f = fconst(d, 10f64.powi(-n as i32), span);
            let y = bin(BinOp::Div, xe, f.clone(), d, nd, span);
            bin(BinOp::Mul, rint(y), f, d, nd, span)
        }
    }
}

/// Builtins this module lowers (besides the reductions of the op table).
const NAMES: &[&str] = &[
    "add",
    "subtract",
    "multiply",
    "divide",
    "true_divide",
    "floor_divide",
    "remainder",
    "mod",
    "negative",
    "positive",
    "square",
    "reciprocal",
    "deg2rad",
    "rad2deg",
    "degrees",
    "radians",
    "fabs",
    "exp2",
    "signbit",
    "round",
    "around",
    "round_",
    "logical_and",
    "logical_or",
    "logical_xor",
    "logical_not",
    "isclose",
    "allclose",
    "nansum",
    "nanmean",
    "nanmin",
    "nanmax",
    "count_nonzero",
    "sort",
    "argsort",
    "cumsum",
    "cumprod",
    "median",
    "var",
    "std",
    "matmul",
    "dot",
    "outer",
    "vdot",
    "trace",
];

/// Array methods this module lowers (`a.sort()`, `a.cumsum(axis=0)`, ...), besides the
/// reductions.
const METHODS: &[&str] = &[
    "sort", "argsort", "cumsum", "cumprod", "var", "std", "round", "trace", "dot",
];

/// True for the builtin names this module lowers.
pub(crate) fn is_library_builtin(n: &str) -> bool {
    NAMES.contains(&n) || ReduceOp::from_name(n).is_some()
}

/// True for the array methods this module lowers.
pub(crate) fn is_library_method(n: &str) -> bool {
    METHODS.contains(&n) || ReduceOp::from_name(n).is_some()
}

/// The axes an `axis=` argument selects.
#[derive(Clone, Copy, Debug)]
enum Axes {
    All,
    One(usize),
    /// Several axes (a tuple), as a bit mask.
    Mask(u64),
}

/// Parsed call arguments: positional values and the keyword arguments by name.
struct Args<'a> {
    pos: Vec<&'a ast::Expr>,
    kw: Vec<(&'a str, &'a ast::Expr, Span)>,
}

impl<'a> Args<'a> {
    fn take_kw(&mut self, name: &str) -> Option<&'a ast::Expr> {
        let i = self.kw.iter().position(|(n, _, _)| *n == name)?;
        Some(self.kw.remove(i).1)
    }
}

fn konst(s: Scalar, span: Span) -> Expr {
    Expr {
        kind: ExprKind::Const(s),
        ty: Type::Scalar(s.dtype()),
        span,
    }
}

/// A constant of float type `t` (f32 values are rounded from the f64 `v`).
fn fconst(t: DType, v: f64, span: Span) -> Expr {
    if t == DType::F32 {
        konst(Scalar::F32(v as f32), span)
    } else {
        konst(Scalar::F64(v), span)
    }
}

fn float_of(d: DType) -> DType {
    if d == DType::F32 {
        DType::F32
    } else {
        DType::F64
    }
}

fn bin(op: BinOp, a: Expr, b: Expr, d: DType, nd: usize, span: Span) -> Expr {
    let ty = if op.is_comparison() {
        with_rank(DType::Bool, nd)
    } else {
        with_rank(d, nd)
    };
    Expr {
        kind: ExprKind::Binary(op, Box::new(a), Box::new(b)),
        ty,
        span,
    }
}

fn math(f: MathFn, args: Vec<Expr>, d: DType, nd: usize, span: Span) -> Expr {
    Expr {
        kind: ExprKind::Math(f, args),
        ty: with_rank(d, nd),
        span,
    }
}

fn lib(f: LibFn, args: Vec<Expr>, ty: Type, span: Span) -> Expr {
    Expr {
        kind: ExprKind::Lib(f, args),
        ty,
        span,
    }
}

fn mask_all(nd: usize) -> u64 {
    if nd >= 64 {
        u64::MAX
    } else {
        (1u64 << nd) - 1
    }
}

impl<'c, 'a> FnLower<'c, 'a> {
    /// Lowers a call of one of this module's builtins (`this`: the receiver of a method
    /// call).
    pub(crate) fn library_builtin(
        &mut self,
        name: &str,
        this: Option<TE>,
        args: &'a [ast::Expr],
        kwargs: &'a [ast::Keyword],
        span: Span,
        np: bool,
    ) -> Option<TE> {
        let mut a = Args {
            pos: args.iter().collect(),
            kw: kwargs
                .iter()
                .map(|k| (k.name.name.as_str(), &k.value, k.name.span))
                .collect(),
        };
        let method = this.is_some();
        let r = if let Some(op) = ReduceOp::from_name(name) {
            self.reduction(op, name, this, &mut a, span)
        } else {
            self.library_call(name, this, &mut a, span, np)
        };
        let r = r?;
        if crate::complex::unsupported_complex(&r.e) {
            return self.fail(
                span,
                format!("{name}() of complex values is not supported yet"),
            );
        }
        if let Some((n, _, s)) = a.kw.first() {
            let what = if method { "method " } else { "" };
            return self.fail(
                *s,
                format!("{what}{name}() got an unexpected keyword argument '{n}'"),
            );
        }
        Some(r)
    }

    /// The first argument (the receiver of a method) lowered.
    fn first(&mut self, name: &str, this: Option<TE>, a: &mut Args<'a>, span: Span) -> Option<TE> {
        match this {
            Some(t) => Some(t),
            None => {
                if a.pos.is_empty() {
                    if let Some(x) = a.take_kw("a") {
                        return self.expr(x);
                    }
                    return self.fail(span, format!("{name}() needs an argument"));
                }
                let x = a.pos.remove(0);
                self.expr(x)
            }
        }
    }

    /// The next positional argument, or the keyword `kw`.
    fn opt(&mut self, a: &mut Args<'a>, kw: &str) -> Option<&'a ast::Expr> {
        if !a.pos.is_empty() {
            Some(a.pos.remove(0))
        } else {
            a.take_kw(kw)
        }
    }

    fn no_more(&mut self, name: &str, a: &Args<'a>) -> Option<()> {
        if let Some(x) = a.pos.first() {
            return self.fail(x.span, format!("{name}() got too many arguments"));
        }
        Some(())
    }

    /// A constant integer (literal, negated literal or integer constant).
    fn const_int(&mut self, e: &'a ast::Expr, what: &str) -> Option<i64> {
        match self.expr(e).map(|t| t.e.kind) {
            Some(ExprKind::Const(s)) if s.dtype().is_int() => Some(s.as_i64()),
            Some(_) => self.fail(e.span, format!("{what} must be a constant integer")),
            None => None,
        }
    }

    fn const_bool(&mut self, e: &'a ast::Expr, what: &str) -> Option<bool> {
        match self.expr(e).map(|t| t.e.kind) {
            Some(ExprKind::Const(s)) => Some(s.truthy()),
            Some(_) => self.fail(e.span, format!("{what} must be a constant True or False")),
            None => None,
        }
    }

    fn norm_axis(&mut self, k: i64, nd: usize, span: Span) -> Option<usize> {
        let kk = if k < 0 { k + nd as i64 } else { k };
        if kk < 0 || kk >= nd as i64 {
            return self.fail(
                span,
                format!("axis {k} is out of bounds for array of dimension {nd}"),
            );
        }
        Some(kk as usize)
    }

    /// `axis=`: absent or `None` (all), an integer (negative counts from the end) or a
    /// tuple of integers.
    fn axes(&mut self, e: Option<&'a ast::Expr>, nd: usize, tuple_ok: bool) -> Option<Axes> {
        let Some(e) = e else {
            return Some(Axes::All);
        };
        match &e.kind {
            A::NoneLit => Some(Axes::All),
            A::Tuple(items) => {
                if !tuple_ok {
                    return self.fail(e.span, "this function takes a single axis, not a tuple");
                }
                let mut mask = 0u64;
                for it in items {
                    let k = self.const_int(it, "an axis")?;
                    let k = self.norm_axis(k, nd, it.span)?;
                    if mask & (1 << k) != 0 {
                        return self.fail(it.span, "duplicate value in 'axis'");
                    }
                    mask |= 1 << k;
                }
                Some(match mask.count_ones() {
                    0 => Axes::Mask(0),
                    1 => Axes::One(mask.trailing_zeros() as usize),
                    _ if mask == mask_all(nd) => Axes::All,
                    _ => Axes::Mask(mask),
                })
            }
            _ => {
                let k = self.const_int(e, "axis")?;
                Some(Axes::One(self.norm_axis(k, nd, e.span)?))
            }
        }
    }

    /// The argument of an axis operation prepared for `axes`: the expression to reduce,
    /// the axis to reduce it along (`None`: all elements) and the mask of reduced axes.
    /// A tuple of axes is grouped into one last axis first (a runtime reshape).
    fn group(&mut self, x: Expr, nd: usize, axes: Axes, span: Span) -> (Expr, Option<usize>, u64) {
        match axes {
            Axes::All => (x, None, mask_all(nd)),
            Axes::One(k) => (x, Some(k), 1 << k),
            Axes::Mask(m) => {
                let d = x.ty.dtype().expect("array");
                let rank = nd - m.count_ones() as usize + 1;
                let e = lib(
                    LibFn::GroupAxes { mask: m },
                    vec![x],
                    with_rank(d, rank),
                    span,
                );
                (e, Some(rank - 1), m)
            }
        }
    }

    /// `keepdims=True`: length-1 axes put back where the reduced ones were.
    fn keep(&mut self, e: Expr, keepdims: bool, mask: u64, nd: usize, span: Span) -> Expr {
        if !keepdims || mask == 0 {
            return e;
        }
        let d = e.ty.dtype().expect("value");
        lib(LibFn::ExpandDims { mask }, vec![e], with_rank(d, nd), span)
    }

    fn reduce_expr(
        &mut self,
        op: ReduceOp,
        arg: Expr,
        axis: Option<usize>,
        res: DType,
        span: Span,
    ) -> Expr {
        let nd = arg.ty.ndim();
        let out_rank = if axis.is_some() { nd - 1 } else { 0 };
        Expr {
            kind: ExprKind::Reduce {
                op,
                arg: Box::new(arg),
                axis,
            },
            ty: with_rank(res, out_rank),
            span,
        }
    }

    fn array_arg(&mut self, name: &str, x: &TE) -> Option<ArrayType> {
        match x.ty() {
            Type::Array(at) => Some(at),
            t => self.fail(x.e.span, format!("{name}() needs an array, not {t}")),
        }
    }

    /// `sum prod min max mean any all argmin argmax norm` with `axis` (positional or
    /// keyword: None, an int, a tuple) and `keepdims`; `norm` also takes `ord`.
    fn reduction(
        &mut self,
        op: ReduceOp,
        name: &str,
        this: Option<TE>,
        a: &mut Args<'a>,
        span: Span,
    ) -> Option<TE> {
        // min(a, b) / max(a, b) of two values: element-wise minimum/maximum.
        if this.is_none()
            && matches!(op, ReduceOp::Min | ReduceOp::Max)
            && a.pos.len() == 2
            && a.kw.is_empty()
        {
            let (x, y) = (self.expr(a.pos[0]), self.expr(a.pos[1]));
            a.pos.clear();
            let f = if op == ReduceOp::Min {
                MathFn::Minimum
            } else {
                MathFn::Maximum
            };
            return self.math(f, vec![x?, y?], span);
        }
        let x = self.first(name, this, a, span)?;
        let ord = if op == ReduceOp::Norm {
            self.opt(a, "ord")
        } else {
            None
        };
        let axis_e = self.opt(a, "axis");
        let keepdims = match a.take_kw("keepdims") {
            Some(k) => self.const_bool(k, "keepdims")?,
            None => false,
        };
        self.no_more(name, a)?;
        let at = self.array_arg(op.name(), &x)?;
        if at.dtype.is_complex()
            && !matches!(
                op,
                ReduceOp::Sum | ReduceOp::Prod | ReduceOp::Mean | ReduceOp::Any | ReduceOp::All
            )
        {
            let msg = if matches!(
                op,
                ReduceOp::Min | ReduceOp::Max | ReduceOp::ArgMin | ReduceOp::ArgMax
            ) {
                format!("{name}() is not supported for complex arrays: complex numbers have no order (reduce abs(z) or z.real)")
            } else {
                format!("{name}() of complex arrays is not supported yet")
            };
            return self.fail(span, msg);
        }
        let nd = at.ndim as usize;
        let tuple_ok = !matches!(op, ReduceOp::ArgMin | ReduceOp::ArgMax);
        let axes = self.axes(axis_e, nd, tuple_ok)?;
        if let Axes::Mask(0) = axes {
            return self.fail(span, format!("{name}() over no axes is not supported"));
        }
        if let Some(ord) = ord {
            if !matches!(&ord.kind, A::NoneLit) {
                return self.norm_ord(x, at, ord, axes, keepdims, span);
            }
        }
        let (acc, res) = op.types(at.dtype);
        let (arg, axis, mask) = self.group(cast(x.e, acc), nd, axes, span);
        let e = self.reduce_expr(op, arg, axis, res, span);
        Some(TE::strong(self.keep(e, keepdims, mask, nd, span)))
    }

    /// `norm(x, ord)` of vectors: `ord` 2 (Euclidean), 1 (sum of magnitudes), inf/-inf
    /// (largest/smallest magnitude), 0 (number of non-zeros), or any other p
    /// (`sum(|x|**p)**(1/p)`), as NumPy computes them.
    fn norm_ord(
        &mut self,
        x: TE,
        at: ArrayType,
        ord: &'a ast::Expr,
        axes: Axes,
        keepdims: bool,
        span: Span,
    ) -> Option<TE> {
        let nd = at.ndim as usize;
        let p = match self.expr(ord).map(|t| t.e.kind) {
            Some(ExprKind::Const(s)) if s.dtype() != DType::Bool => s.as_f64(),
            Some(_) => return self.fail(ord.span, "norm() ord must be a constant number"),
            None => return None,
        };
        if matches!(axes, Axes::All) && nd != 1 && p != 2.0 {
            return self.fail(
                ord.span,
                "norm() with ord is supported for vectors (1-D arrays or one axis)",
            );
        }
        if matches!(axes, Axes::Mask(_)) {
            return self.fail(ord.span, "norm() with ord takes a single axis");
        }
        let t = float_of(at.dtype);
        let xe = cast(x.e, t);
        let (_, axis, mask) = self.group(xe.clone(), nd, axes, span);
        let absx = math(MathFn::Abs, vec![xe.clone()], t, nd, span);
        let e = if p == 2.0 {
            self.reduce_expr(ReduceOp::Norm, xe, axis, t, span)
        } else if p == f64::INFINITY {
            self.reduce_expr(ReduceOp::Max, absx, axis, t, span)
        } else if p == f64::NEG_INFINITY {
            self.reduce_expr(ReduceOp::Min, absx, axis, t, span)
        } else if p == 1.0 {
            self.reduce_expr(ReduceOp::Sum, absx, axis, t, span)
        } else if p == 0.0 {
            let nz = bin(BinOp::Ne, xe, fconst(t, 0.0, span), t, nd, span);
            self.reduce_expr(ReduceOp::Sum, cast(nz, t), axis, t, span)
        } else {
            let pw = bin(BinOp::Pow, absx, fconst(t, p, span), t, nd, span);
            let s = self.reduce_expr(ReduceOp::Sum, pw, axis, t, span);
            let rank = s.ty.ndim();
            bin(BinOp::Pow, s, fconst(t, 1.0 / p, span), t, rank, span)
        };
        Some(TE::strong(self.keep(e, keepdims, mask, nd, span)))
    }

    fn library_call(
        &mut self,
        name: &str,
        this: Option<TE>,
        a: &mut Args<'a>,
        span: Span,
        np: bool,
    ) -> Option<TE> {
        match name {
            "add" | "subtract" | "multiply" | "divide" | "true_divide" | "floor_divide"
            | "remainder" | "mod" => {
                let op = match name {
                    "add" => ast::BinOp::Add,
                    "subtract" => ast::BinOp::Sub,
                    "multiply" => ast::BinOp::Mul,
                    "divide" | "true_divide" => ast::BinOp::Div,
                    "floor_divide" => ast::BinOp::FloorDiv,
                    _ => ast::BinOp::Mod,
                };
                let (x, y) = self.two(name, this, a, span)?;
                self.binary(op, x, y, span)
            }
            "negative" | "positive" => {
                let x = self.one(name, this, a, span)?;
                let op = if name == "negative" {
                    ast::UnaryOp::Neg
                } else {
                    ast::UnaryOp::Pos
                };
                self.unary(op, x, span)
            }
            "square" => {
                let x = self.one(name, this, a, span)?;
                let two = TE {
                    e: konst(Scalar::I64(2), span),
                    weak: true,
                };
                self.binary(ast::BinOp::Pow, x, two, span)
            }
            "reciprocal" => {
                let x = self.one(name, this, a, span)?;
                match x.ty().dtype() {
                    Some(d) if d.is_complex() => self.complex_reciprocal(x, span),
                    Some(d) if d.is_float() => {
                        let one = TE {
                            e: konst(Scalar::F64(1.0), span),
                            weak: true,
                        };
                        self.binary(ast::BinOp::Div, one, x, span)
                    }
                    _ => self.fail(
                        x.e.span,
                        format!(
                            "reciprocal() needs floats (NumPy's integer reciprocal truncates); write 1.0 / x, not reciprocal of {}",
                            x.ty()
                        ),
                    ),
                }
            }
            "deg2rad" | "radians" | "rad2deg" | "degrees" => {
                let x = self.one(name, this, a, span)?;
                let d = self.real_number(name, &x)?;
                let t = float_of(d);
                let nd = x.ty().ndim();
                let to_rad = matches!(name, "deg2rad" | "radians");
                // NumPy: x * (pi / 180) and x * (180 / pi), the factor in the float type.
                let c = if t == DType::F32 {
                    let pi = std::f32::consts::PI;
                    konst(
                        Scalar::F32(if to_rad { pi / 180.0 } else { 180.0 / pi }),
                        span,
                    )
                } else {
                    let pi = std::f64::consts::PI;
                    konst(
                        Scalar::F64(if to_rad { pi / 180.0 } else { 180.0 / pi }),
                        span,
                    )
                };
                Some(TE {
                    e: bin(BinOp::Mul, cast(x.e, t), c, t, nd, span),
                    weak: x.weak,
                })
            }
            "fabs" | "exp2" => {
                // fabs: abs, always a float. exp2: 2**x through the library's pow (exact
                // for integer x; NumPy's exp2 and pow(2, x) agree to within an ulp).
                let x = self.one(name, this, a, span)?;
                if name == "exp2" && x.ty().dtype().is_some_and(|d| d.is_complex()) {
                    return self.complex_exp2(x, span);
                }
                let d = self.real_number(name, &x)?;
                let t = float_of(d);
                let nd = x.ty().ndim();
                let (f, args) = match name {
                    "fabs" => (MathFn::Abs, vec![cast(x.e, t)]),
                    _ => (MathFn::Pow, vec![fconst(t, 2.0, span), cast(x.e, t)]),
                };
                Some(TE {
                    e: math(f, args, t, nd, span),
                    weak: x.weak,
                })
            }
            "signbit" => {
                // copysign(1, x) < 0: true for negative numbers, -0.0 and nan with the
                // sign bit set.
                let x = self.one(name, this, a, span)?;
                let d = self.real_number(name, &x)?;
                let t = float_of(d);
                let nd = x.ty().ndim();
                let cs = math(
                    MathFn::Copysign,
                    vec![fconst(t, 1.0, span), cast(x.e, t)],
                    t,
                    nd,
                    span,
                );
                Some(TE::strong(bin(
                    BinOp::Lt,
                    cs,
                    fconst(t, 0.0, span),
                    t,
                    nd,
                    span,
                )))
            }
            "round" | "around" | "round_" => self.round(name, this, a, span, np),
            "logical_and" | "logical_or" | "logical_xor" => {
                let (x, y) = self.two(name, this, a, span)?;
                self.number(name, &x)?;
                self.number(name, &y)?;
                let nd = self.broadcast_rank(&x, &y, span)?;
                let op = match name {
                    "logical_and" => BinOp::BitAnd,
                    "logical_or" => BinOp::BitOr,
                    _ => BinOp::BitXor,
                };
                let e = bin(
                    op,
                    cast(x.e, DType::Bool),
                    cast(y.e, DType::Bool),
                    DType::Bool,
                    nd,
                    span,
                );
                Some(TE::strong(e))
            }
            "logical_not" => {
                let x = self.one(name, this, a, span)?;
                self.number(name, &x)?;
                let nd = x.ty().ndim();
                let b = cast(x.e, DType::Bool);
                Some(TE::strong(Expr {
                    kind: ExprKind::Unary(UnOp::Invert, Box::new(b)),
                    ty: with_rank(DType::Bool, nd),
                    span,
                }))
            }
            "isclose" | "allclose" => self.isclose(name, this, a, span),
            "nansum" | "nanmean" | "nanmin" | "nanmax" => self.nan_reduction(name, this, a, span),
            "count_nonzero" => {
                let x = self.first(name, this, a, span)?;
                let axis_e = self.opt(a, "axis");
                let keepdims = match a.take_kw("keepdims") {
                    Some(k) => self.const_bool(k, "keepdims")?,
                    None => false,
                };
                self.no_more(name, a)?;
                let at = self.array_arg(name, &x)?;
                let nd = at.ndim as usize;
                let axes = self.axes(axis_e, nd, true)?;
                let b = cast(cast(x.e, DType::Bool), DType::I64);
                let (arg, axis, mask) = self.group(b, nd, axes, span);
                let e = self.reduce_expr(ReduceOp::Sum, arg, axis, DType::I64, span);
                Some(TE::strong(self.keep(e, keepdims, mask, nd, span)))
            }
            "sort" | "argsort" => {
                let in_place = this.is_some() && name == "sort";
                let x = self.first(name, this, a, span)?;
                let axis_e = self.opt(a, "axis");
                if let Some(k) = a.take_kw("kind") {
                    // Every kind gives the same (stable) order for sort; accepted.
                    let _ = k;
                }
                self.no_more(name, a)?;
                let at = self.array_arg(name, &x)?;
                let nd = at.ndim as usize;
                let axis = match axis_e {
                    None => Some(nd - 1),
                    Some(e) => match self.axes(Some(e), nd, false)? {
                        Axes::One(k) => Some(k),
                        _ => None,
                    },
                };
                let ax = axis.map(|k| k as u8);
                if in_place {
                    let Some(k) = ax else {
                        return self.fail(span, "a.sort() needs an axis, not None");
                    };
                    return Some(TE::strong(lib(
                        LibFn::SortInPlace { axis: k },
                        vec![x.e],
                        Type::None,
                        span,
                    )));
                }
                let rank = if axis.is_some() { nd } else { 1 };
                let (f, d) = if name == "sort" {
                    (LibFn::Sort { axis: ax }, at.dtype)
                } else {
                    (LibFn::ArgSort { axis: ax }, DType::I64)
                };
                Some(TE::strong(lib(f, vec![x.e], with_rank(d, rank), span)))
            }
            "cumsum" | "cumprod" => {
                let x = self.first(name, this, a, span)?;
                let axis_e = self.opt(a, "axis");
                self.no_more(name, a)?;
                let at = self.array_arg(name, &x)?;
                let nd = at.ndim as usize;
                let axis = match self.axes(axis_e, nd, false)? {
                    Axes::One(k) => Some(k as u8),
                    _ => None,
                };
                // NumPy's accumulation types: floats keep theirs, unsigned integers give
                // uint64, bool and signed integers int64.
                let d = if at.dtype.is_float() {
                    at.dtype
                } else if matches!(at.dtype, DType::U8 | DType::U16 | DType::U32 | DType::U64) {
                    DType::U64
                } else {
                    DType::I64
                };
                let rank = if axis.is_some() { nd } else { 1 };
                let f = if name == "cumsum" {
                    LibFn::CumSum { axis }
                } else {
                    LibFn::CumProd { axis }
                };
                Some(TE::strong(lib(
                    f,
                    vec![cast(x.e, d)],
                    with_rank(d, rank),
                    span,
                )))
            }
            "median" | "var" | "std" => {
                let x = self.first(name, this, a, span)?;
                let axis_e = self.opt(a, "axis");
                let ddof = if name == "median" {
                    None
                } else {
                    match a.take_kw("ddof") {
                        Some(e) => {
                            let v = self.expr(e)?;
                            match v.ty() {
                                Type::Scalar(d) if d != DType::Bool => Some(cast(v.e, DType::F64)),
                                t => {
                                    return self
                                        .fail(e.span, format!("ddof must be a number, not {t}"))
                                }
                            }
                        }
                        None => Some(konst(Scalar::F64(0.0), span)),
                    }
                };
                let keepdims = match a.take_kw("keepdims") {
                    Some(k) => self.const_bool(k, "keepdims")?,
                    None => false,
                };
                self.no_more(name, a)?;
                let at = self.array_arg(name, &x)?;
                let nd = at.ndim as usize;
                let axes = self.axes(axis_e, nd, true)?;
                let t = float_of(at.dtype);
                let (arg, axis, mask) = self.group(cast(x.e, t), nd, axes, span);
                let rank = if axis.is_some() { arg.ty.ndim() - 1 } else { 0 };
                let ax = axis.map(|k| k as u8);
                let (f, args) = match ddof {
                    None => (LibFn::Median { axis: ax }, vec![arg]),
                    Some(dd) => (
                        LibFn::Var {
                            axis: ax,
                            std: name == "std",
                        },
                        vec![arg, dd],
                    ),
                };
                let e = lib(f, args, with_rank(t, rank), span);
                Some(TE::strong(self.keep(e, keepdims, mask, nd, span)))
            }
            "matmul" | "dot" => {
                let (x, y) = self.two(name, this, a, span)?;
                self.matmul(name, x, y, span)
            }
            "vdot" => {
                // NumPy's vdot: the first argument conjugated (1-D vectors here).
                let (x, y) = self.two(name, this, a, span)?;
                if x.ty().ndim() != 1 || y.ty().ndim() != 1 {
                    return self.fail(span, "vdot() takes two 1-D arrays here");
                }
                let x = crate::complex::conjugated(x, span);
                self.matmul(name, x, y, span)
            }
            "outer" => {
                let (x, y) = self.two(name, this, a, span)?;
                let (Some(p), Some(q)) = (x.ty().dtype(), y.ty().dtype()) else {
                    return self.fail(span, "outer() takes two arrays");
                };
                if !x.ty().is_array() || !y.ty().is_array() {
                    return self.fail(span, "outer() takes two arrays");
                }
                let t = promote(p, false, q, false);
                Some(TE::strong(lib(
                    LibFn::Outer,
                    vec![cast(x.e, t), cast(y.e, t)],
                    with_rank(t, 2),
                    span,
                )))
            }
            "trace" => {
                let x = self.one(name, this, a, span)?;
                let at = self.array_arg(name, &x)?;
                if at.ndim != 2 {
                    return self.fail(
                        x.e.span,
                        format!("trace() needs a 2-D array, not {}", x.ty()),
                    );
                }
                let (acc, _) = ReduceOp::Sum.types(at.dtype);
                Some(TE::strong(lib(
                    LibFn::Trace,
                    vec![cast(x.e, acc)],
                    Type::Scalar(acc),
                    span,
                )))
            }
            _ => self.fail(span, crate::expr::unknown_name(name)),
        }
    }

    fn one(&mut self, name: &str, this: Option<TE>, a: &mut Args<'a>, span: Span) -> Option<TE> {
        let x = self.first(name, this, a, span)?;
        self.no_more(name, a)?;
        Some(x)
    }

    fn two(
        &mut self,
        name: &str,
        this: Option<TE>,
        a: &mut Args<'a>,
        span: Span,
    ) -> Option<(TE, TE)> {
        let x = self.first(name, this, a, span)?;
        let Some(ye) = self.opt(a, "b") else {
            return self.fail(span, format!("{name}() takes two arguments"));
        };
        let y = self.expr(ye)?;
        self.no_more(name, a)?;
        Some((x, y))
    }

    /// The element type of a number or array argument.
    fn number(&mut self, name: &str, x: &TE) -> Option<DType> {
        match x.ty().dtype() {
            Some(d) => Some(d),
            None => self.fail(
                x.e.span,
                format!("{name}() takes numbers or arrays, not {}", x.ty()),
            ),
        }
    }

    /// The element type of a real number or array argument: complex values are a compile
    /// error (the function has no complex definition here).
    fn real_number(&mut self, name: &str, x: &TE) -> Option<DType> {
        let d = self.number(name, x)?;
        if d.is_complex() {
            return self.fail(
                x.e.span,
                format!("{name}() of complex numbers is not supported"),
            );
        }
        Some(d)
    }

    /// `round(x)` (Python: a float rounds half to even to an int), `round(x, n)`,
    /// `np.round(x, decimals)`: NumPy's `rint(x * 10**n) / 10**n` (n >= 0) or
    /// `rint(x / 10**-n) * 10**-n` (n < 0); integers stay integers for n >= 0.
    fn round(
        &mut self,
        name: &str,
        this: Option<TE>,
        a: &mut Args<'a>,
        span: Span,
        np: bool,
    ) -> Option<TE> {
        let method = this.is_some();
        let x = self.first(name, this, a, span)?;
        let dec_e = match self.opt(a, "decimals") {
            Some(e) => Some(e),
            None => a.take_kw("ndigits"),
        };
        self.no_more(name, a)?;
        let d = self.number(name, &x)?;
        let nd = x.ty().ndim();
        let n = match dec_e {
            Some(e) => Some(self.const_int(e, "decimals")?),
            None => None,
        };
        if d.is_complex() {
            return self.complex_round(name, x, n, np || method, span);
        }
        if !d.is_float() {
            // Integers: unchanged for n >= 0.
            if n.unwrap_or(0) < 0 {
                return self.fail(
                    span,
                    "round() of integers to negative decimals is not supported",
                );
            }
            return Some(x);
        }
        // Python's built-in round(x, n) of a float scalar: correctly rounded decimal.
        if name == "round" && !method && !np && nd == 0 && d == DType::F64 {
            if let Some(n) = n.filter(|&n| n >= 0) {
                let e = lib(
                    LibFn::PyRound,
                    vec![x.e, konst(Scalar::I64(n), span)],
                    Type::Scalar(DType::F64),
                    span,
                );
                return Some(TE { e, weak: x.weak });
            }
        }
        if matches!(n, None | Some(0))
            && name == "round"
            && !method
            && nd == 0
            && dec_e.is_none()
            && !np
        {
            // Python's built-in round(x) of a float scalar is an int.
            let r = math(MathFn::Rint, vec![x.e], d, nd, span);
            return Some(TE::strong(cast(r, DType::I64)));
        }
        let e = round_float(x.e, n, d, nd, span);
        Some(TE { e, weak: x.weak })
    }

    /// `np.round(z, decimals)` of a complex scalar: NumPy rounds the real and imaginary
    /// parts separately with the float formula. Python's built-in `round` has no complex
    /// version (a compile error, as Python's TypeError).
    fn complex_round(
        &mut self,
        name: &str,
        x: TE,
        n: Option<i64>,
        numpy: bool,
        span: Span,
    ) -> Option<TE> {
        if !numpy {
            return self.fail(
                x.e.span,
                format!("{name}() of a complex number: Python's round has no complex version; use np.round(z)"),
            );
        }
        // The value once (its parts are read twice): a temporary unless it is a plain read.
        let ty = x.ty();
        let xe = if pure(&x.e) {
            x.e
        } else {
            let tmp = self.temp(ty, x.e.span);
            self.pending.push(Stmt {
                kind: StmtKind::Assign {
                    local: tmp,
                    value: x.e,
                },
                span,
            });
            crate::tuples::local(tmp, ty, span)
        };
        let t = ty.dtype()?;
        let p = t.component();
        let nd = ty.ndim();
        let part = |op: CxOp, e: Expr| Expr {
            kind: ExprKind::Complex(op, vec![e]),
            ty: with_rank(p, nd),
            span,
        };
        let re = round_float(part(CxOp::Real, xe.clone()), n, p, nd, span);
        let im = round_float(part(CxOp::Imag, xe), n, p, nd, span);
        Some(TE::strong(Expr {
            kind: ExprKind::Complex(CxOp::Make, vec![re, im]),
            ty: with_rank(t, nd),
            span,
        }))
    }

    /// `isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False)` as NumPy 2:
    /// `|a - b| <= atol + rtol*|b| & isfinite(b) | (a == b)`; `allclose` is `all` of it.
    fn isclose(
        &mut self,
        name: &str,
        this: Option<TE>,
        a: &mut Args<'a>,
        span: Span,
    ) -> Option<TE> {
        let x = self.first(name, this, a, span)?;
        let Some(ye) = self.opt(a, "b") else {
            return self.fail(span, format!("{name}() takes two arguments"));
        };
        let y = self.expr(ye)?;
        let rtol_e = self.opt(a, "rtol");
        let atol_e = self.opt(a, "atol");
        let eqnan_e = self.opt(a, "equal_nan");
        self.no_more(name, a)?;
        let tol = |this: &mut Self, e: Option<&'a ast::Expr>, def: f64| -> Option<TE> {
            match e {
                None => Some(TE {
                    e: konst(Scalar::F64(def), span),
                    weak: true,
                }),
                Some(e) => this.expr(e),
            }
        };
        let rtol = tol(self, rtol_e, 1e-05)?;
        let atol = tol(self, atol_e, 1e-08)?;
        let equal_nan = match eqnan_e {
            Some(e) => self.const_bool(e, "equal_nan")?,
            None => false,
        };
        for v in [&x, &y, &rtol, &atol] {
            self.number(name, v)?;
            if !pure(&v.e) {
                return self.fail(
                    v.e.span,
                    format!("{name}() arguments must be variables or simple expressions"),
                );
            }
        }
        for v in [&rtol, &atol] {
            if v.ty().is_array() {
                return self.fail(v.e.span, "rtol and atol must be numbers");
            }
        }
        // y is converted to a float type first (result_type(y, 1.0)).
        let yd = y.ty().dtype()?;
        let y = TE {
            e: cast(y.e, float_of(yd)),
            weak: y.weak,
        };
        let xd = x.ty().dtype()?;
        let t = float_of(promote(xd, x.weak, y.ty().dtype()?, y.weak));
        let nd = self.broadcast_rank(&x, &y, span)?;
        let yn = y.ty().ndim();
        let (xe, ye) = (cast(x.e, t), cast(y.e, t));
        let (rt, at) = (cast(rtol.e, t), cast(atol.e, t));
        let diff = math(
            MathFn::Abs,
            vec![bin(BinOp::Sub, xe.clone(), ye.clone(), t, nd, span)],
            t,
            nd,
            span,
        );
        let absy = math(MathFn::Abs, vec![ye.clone()], t, yn, span);
        let rhs = bin(
            BinOp::Add,
            at,
            bin(BinOp::Mul, rt, absy, t, yn, span),
            t,
            yn,
            span,
        );
        let le = bin(BinOp::Le, diff, rhs, t, nd, span);
        let fin = math(MathFn::IsFinite, vec![ye.clone()], DType::Bool, yn, span);
        let close = bin(BinOp::BitAnd, le, fin, DType::Bool, nd, span);
        let eq = bin(BinOp::Eq, xe.clone(), ye.clone(), t, nd, span);
        let mut r = bin(BinOp::BitOr, close, eq, DType::Bool, nd, span);
        if equal_nan {
            let xn = math(
                MathFn::IsNan,
                vec![xe.clone()],
                DType::Bool,
                xe.ty.ndim(),
                span,
            );
            let yn2 = math(MathFn::IsNan, vec![ye], DType::Bool, yn, span);
            let both = bin(BinOp::BitAnd, xn, yn2, DType::Bool, nd, span);
            r = bin(BinOp::BitOr, r, both, DType::Bool, nd, span);
        }
        if name == "allclose" && nd > 0 {
            r = self.reduce_expr(ReduceOp::All, r, None, DType::Bool, span);
        }
        Some(TE::strong(r))
    }

    /// `nansum nanmean nanmin nanmax`: the reduction with nan elements left out (for
    /// `nanmin`/`nanmax` an all-nan line gives nan, as NumPy).
    fn nan_reduction(
        &mut self,
        name: &str,
        this: Option<TE>,
        a: &mut Args<'a>,
        span: Span,
    ) -> Option<TE> {
        let x = self.first(name, this, a, span)?;
        let axis_e = self.opt(a, "axis");
        let keepdims = match a.take_kw("keepdims") {
            Some(k) => self.const_bool(k, "keepdims")?,
            None => false,
        };
        self.no_more(name, a)?;
        let at = self.array_arg(name, &x)?;
        let nd = at.ndim as usize;
        let axes = self.axes(axis_e, nd, true)?;
        let op = match name {
            "nansum" => ReduceOp::Sum,
            "nanmean" => ReduceOp::Mean,
            "nanmin" => ReduceOp::Min,
            _ => ReduceOp::Max,
        };
        let (acc, res) = op.types(at.dtype);
        if !at.dtype.is_float() {
            let (arg, axis, mask) = self.group(cast(x.e, acc), nd, axes, span);
            let e = self.reduce_expr(op, arg, axis, res, span);
            return Some(TE::strong(self.keep(e, keepdims, mask, nd, span)));
        }
        if !pure(&x.e) {
            return self.fail(
                x.e.span,
                format!("{name}() of this expression: assign it to a variable first"),
            );
        }
        let t = at.dtype;
        let xe = x.e;
        let isnan = math(MathFn::IsNan, vec![xe.clone()], DType::Bool, nd, span);
        let fill = match op {
            ReduceOp::Min => f64::INFINITY,
            ReduceOp::Max => f64::NEG_INFINITY,
            _ => 0.0,
        };
        let filled = Expr {
            kind: ExprKind::Where(
                Box::new(isnan.clone()),
                Box::new(fconst(t, fill, span)),
                Box::new(xe.clone()),
            ),
            ty: with_rank(t, nd),
            span,
        };
        let (arg, axis, mask) = self.group(filled, nd, axes, span);
        let e = match op {
            ReduceOp::Sum => self.reduce_expr(ReduceOp::Sum, arg, axis, t, span),
            ReduceOp::Mean => {
                let s = self.reduce_expr(ReduceOp::Sum, arg, axis, t, span);
                let notnan = Expr {
                    kind: ExprKind::Unary(UnOp::Invert, Box::new(isnan)),
                    ty: with_rank(DType::Bool, nd),
                    span,
                };
                let (carg, caxis, _) = self.group(cast(notnan, DType::I64), nd, axes, span);
                let c = self.reduce_expr(ReduceOp::Sum, carg, caxis, DType::I64, span);
                let rank = s.ty.ndim();
                bin(BinOp::Div, s, cast(c, t), t, rank, span)
            }
            _ => {
                // min/max of the filled values; nan where every value was nan.
                let m = self.reduce_expr(op, arg, axis, t, span);
                let (narg, naxis, _) = self.group(isnan, nd, axes, span);
                let all = self.reduce_expr(ReduceOp::All, narg, naxis, DType::Bool, span);
                let rank = m.ty.ndim();
                Expr {
                    kind: ExprKind::Where(
                        Box::new(all),
                        Box::new(fconst(t, f64::NAN, span)),
                        Box::new(m),
                    ),
                    ty: with_rank(t, rank),
                    span,
                }
            }
        };
        Some(TE::strong(self.keep(e, keepdims, mask, nd, span)))
    }

    /// `a @ b`, `matmul(a, b)`, `dot(a, b)`: 1-D·1-D is the (pairwise) inner product,
    /// other ranks the runtime's matrix product (`dot` of two 2-D arrays or a 2-D and a
    /// 1-D array is the same product).
    pub(crate) fn matmul(&mut self, name: &str, x: TE, y: TE, span: Span) -> Option<TE> {
        let (Type::Array(p), Type::Array(q)) = (x.ty(), y.ty()) else {
            if name == "dot" {
                // dot of scalars is their product.
                if let (Some(_), Some(_)) = (x.ty().dtype(), y.ty().dtype()) {
                    return self.binary(ast::BinOp::Mul, x, y, span);
                }
            }
            return self.fail(
                span,
                format!(
                    "{name}() takes two arrays, not {} and {} (matmul of scalars is an error in NumPy)",
                    x.ty(),
                    y.ty()
                ),
            );
        };
        // Products of booleans count in i64.
        let t = match promote(p.dtype, false, q.dtype, false) {
            DType::Bool => DType::I64,
            t => t,
        };
        if p.ndim == 1 && q.ndim == 1 {
            return Some(TE::strong(Expr {
                kind: ExprKind::Dot(Box::new(cast(x.e, t)), Box::new(cast(y.e, t))),
                ty: Type::Scalar(t),
                span,
            }));
        }
        if t.is_complex() {
            return self.fail(
                span,
                format!("{name}() of complex matrices is not supported yet (1-D vectors are)"),
            );
        }
        if name == "dot" && (p.ndim > 2 || q.ndim > 2) {
            return self.fail(
                span,
                "dot() of arrays with more than 2 dimensions is not supported; use matmul or @",
            );
        }
        let (pn, qn) = (p.ndim as usize, q.ndim as usize);
        let rank = match (pn == 1, qn == 1) {
            (false, false) => pn.max(qn),
            (true, _) => qn - 1,
            (false, true) => pn - 1,
        };
        Some(TE::strong(lib(
            LibFn::MatMul,
            vec![cast(x.e, t), cast(y.e, t)],
            with_rank(t, rank),
            span,
        )))
    }
}
