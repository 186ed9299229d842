//! Expression evaluation.
//!
//! Scalar expressions are walked as a tree over [`Scalar`]s. An expression with an array
//! operand hands its evaluated operands to one whole-array kernel
//! ([`crate::elementwise`], [`crate::reduce`]), NumPy style. Locals used as the base of an
//! index, `.shape`, `.size` are borrowed, not cloned, so `a[i]` in a scalar loop costs no
//! allocation.

use crate::alloc::{self, Distribution};
use crate::elementwise::{self, Operand};
use crate::exec::{error_at, Frame, Interpreter};
use crate::fused::{self, Node, Op};
use crate::index::{self, Selection};
use crate::reduce::{self, Reduced};
use crate::scalar::{
    binary_scalar, cast_scalar, math_scalar, pow_int_scalar, unary_scalar, Fallible,
};
use crate::value::Value;
use kernelc_runtime::pyformat::{format_field, Field};
use kernelc_runtime::{Array, DType, RuntimeError, Scalar};
use kernelc_sema::tir::{Alloc, CxOp, Dist, Expr, ExprKind, FmtPart, LogicalOp};
use kernelc_syntax::Span;
use std::rc::Rc;

/// Attaches a span to a kernel's message.
trait At<T> {
    fn at(self, span: Span) -> Result<T, RuntimeError>;
}

impl<T> At<T> for Fallible<T> {
    #[inline]
    fn at(self, span: Span) -> Result<T, RuntimeError> {
        self.map_err(|m| error_at(m, span))
    }
}

fn operand(v: &Value, span: Span) -> Result<Operand<'_>, RuntimeError> {
    match v {
        Value::Scalar(s) => Ok(Operand::Scalar(*s)),
        Value::Array(a) => Ok(Operand::Array(a)),
        other => Err(error_at(
            format!("internal error: {} used as a number", other.kind()),
            span,
        )),
    }
}

pub(crate) fn internal(what: &str, span: Span) -> RuntimeError {
    error_at(format!("internal error: {what}"), span)
}

/// The dtype of an expression's type (`None` for tuples, strings, None).
fn dtype_of(e: &Expr) -> Result<DType, RuntimeError> {
    e.ty.dtype()
        .ok_or_else(|| internal("expression without an element type", e.span))
}

impl<'p> Interpreter<'p> {
    /// Evaluates an expression.
    pub(crate) fn eval(&mut self, f: &mut Frame<'p>, e: &'p Expr) -> Result<Value, RuntimeError> {
        if is_fusable(e) && children_fusable(e) {
            let node = self.build_node(f, e)?;
            return fused::eval_new(node)
                .map(Value::Array)
                .map_err(|(m, span)| error_at(m, span));
        }
        match &e.kind {
            ExprKind::Const(s) => Ok(Value::Scalar(*s)),
            ExprKind::Local(id) => f.get(*id, e.span).cloned(),
            ExprKind::Binary(..) | ExprKind::PowInt(..) if !e.ty.is_array() => {
                self.eval_scalar(f, e).map(Value::Scalar)
            }
            ExprKind::Binary(op, l, r) => {
                let a = self.eval(f, l)?;
                let b = self.eval(f, r)?;
                match (&a, &b) {
                    (Value::Scalar(x), Value::Scalar(y)) => {
                        binary_scalar(*op, *x, *y).at(e.span).map(Value::Scalar)
                    }
                    _ => elementwise::binary(*op, operand(&a, l.span)?, operand(&b, r.span)?)
                        .at(e.span)
                        .map(Value::Array),
                }
            }
            ExprKind::Chain(operands, ops) => {
                let mut left = self.eval_scalar(f, &operands[0])?;
                for (right, &(op, t)) in operands[1..].iter().zip(ops) {
                    let r = self.eval_scalar(f, right)?;
                    let a = cast_scalar(left, t).at(e.span)?;
                    let b = cast_scalar(r, t).at(e.span)?;
                    if !binary_scalar(op, a, b).at(e.span)?.truthy() {
                        return Ok(Value::Scalar(Scalar::Bool(false)));
                    }
                    left = r;
                }
                Ok(Value::Scalar(Scalar::Bool(true)))
            }
            ExprKind::Index(base, index) => self.eval_index(f, base, index, e.span),
            ExprKind::Unary(op, x) => match self.eval(f, x)? {
                Value::Scalar(s) => unary_scalar(*op, s).at(e.span).map(Value::Scalar),
                Value::Array(a) => elementwise::unary(*op, &a).at(e.span).map(Value::Array),
                _ => Err(internal("unary operator on a non-number", e.span)),
            },
            ExprKind::PowInt(x, n) => match self.eval(f, x)? {
                Value::Scalar(s) => pow_int_scalar(s, *n).at(e.span).map(Value::Scalar),
                Value::Array(a) => elementwise::pow_int(&a, *n).at(e.span).map(Value::Array),
                _ => Err(internal("power of a non-number", e.span)),
            },
            ExprKind::Logical(op, l, r) => {
                let a = self.eval_bool(f, l)?;
                let v = match op {
                    LogicalOp::And if !a => false,
                    LogicalOp::Or if a => true,
                    _ => self.eval_bool(f, r)?,
                };
                Ok(Value::Scalar(Scalar::Bool(v)))
            }
            ExprKind::IfExp { cond, then, orelse } => {
                if self.eval_bool(f, cond)? {
                    self.eval(f, then)
                } else {
                    self.eval(f, orelse)
                }
            }
            ExprKind::Cast(x) => {
                let to = dtype_of(e)?;
                match self.eval(f, x)? {
                    Value::Scalar(s) => cast_scalar(s, to).at(e.span).map(Value::Scalar),
                    Value::Array(a) => elementwise::cast_array(&a, to).at(e.span).map(Value::Array),
                    _ => Err(internal("cast of a non-number", e.span)),
                }
            }
            ExprKind::Call(id, args) => {
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    match self.eval(f, a)? {
                        // Tuple arguments are passed as their leaves.
                        t @ Value::Tuple(_) => t.flatten_into(&mut vals),
                        v => vals.push(v),
                    }
                }
                self.call_func(*id, vals, e.span)
            }
            _ => self.eval_rare(f, e),
        }
    }

    /// The less frequent expression kinds, out of line to keep [`Interpreter::eval`]'s
    /// stack frame small (it is on the stack once per nesting level of user calls).
    #[inline(never)]
    fn eval_rare(&mut self, f: &mut Frame<'p>, e: &'p Expr) -> Result<Value, RuntimeError> {
        match &e.kind {
            ExprKind::Complex(op, args) => {
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    vals.push(self.eval(f, a)?);
                }
                if let Some(scalars) = all_scalars(&vals) {
                    return crate::complex::op(*op, &scalars)
                        .at(e.span)
                        .map(Value::Scalar);
                }
                // `z.real` / `z.imag` of an array are views of its parts (as in NumPy:
                // writing through them writes `z`).
                if let ([Value::Array(z)], CxOp::Real | CxOp::Imag) = (&vals[..], op) {
                    if let Some(v) = z.part_view(*op == CxOp::Imag) {
                        return Ok(Value::Array(v));
                    }
                }
                let ops = vals
                    .iter()
                    .zip(args)
                    .map(|(v, a)| operand(v, a.span))
                    .collect::<Result<Vec<_>, _>>()?;
                crate::complex_array::op(*op, &ops)
                    .at(e.span)
                    .map(Value::Array)
            }
            ExprKind::Math(func, args) => {
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    vals.push(self.eval(f, a)?);
                }
                if let Some(scalars) = all_scalars(&vals) {
                    return math_scalar(*func, &scalars).at(e.span).map(Value::Scalar);
                }
                let ops = vals
                    .iter()
                    .zip(args)
                    .map(|(v, a)| operand(v, a.span))
                    .collect::<Result<Vec<_>, _>>()?;
                elementwise::math(*func, &ops).at(e.span).map(Value::Array)
            }
            ExprKind::Where(c, a, b) => {
                let (cv, av, bv) = (self.eval(f, c)?, self.eval(f, a)?, self.eval(f, b)?);
                if let (Value::Scalar(c), Value::Scalar(x), Value::Scalar(y)) = (&cv, &av, &bv) {
                    return Ok(Value::Scalar(if c.truthy() { *x } else { *y }));
                }
                elementwise::where_(
                    operand(&cv, c.span)?,
                    operand(&av, a.span)?,
                    operand(&bv, b.span)?,
                )
                .at(e.span)
                .map(Value::Array)
            }
            ExprKind::Reduce { op, arg, axis } => {
                let v = self.eval(f, arg)?;
                let single;
                let a = match &v {
                    Value::Array(a) => a,
                    Value::Scalar(s) => {
                        single = scalar_array(*s);
                        &single
                    }
                    _ => return Err(internal("reduction of a non-array", e.span)),
                };
                match reduce::reduce(*op, a, *axis).at(e.span)? {
                    Reduced::Scalar(s) => Ok(Value::Scalar(s)),
                    Reduced::Array(a) => Ok(Value::Array(a)),
                }
            }
            ExprKind::Lib(l, args) => {
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    vals.push(self.eval(f, a)?);
                }
                crate::library::call(*l, vals).at(e.span)
            }
            ExprKind::Dot(a, b) => {
                let (x, y) = (self.eval(f, a)?, self.eval(f, b)?);
                match (&x, &y) {
                    (Value::Array(x), Value::Array(y)) => {
                        reduce::dot(x, y).at(e.span).map(Value::Scalar)
                    }
                    _ => Err(internal("dot of non-arrays", e.span)),
                }
            }
            ExprKind::Dim(x, k) => {
                let n = self.with_array(f, x, |a| a.shape().get(*k).copied())?;
                n.map(|n| Value::Scalar(Scalar::I64(n as i64)))
                    .ok_or_else(|| internal("axis out of range", e.span))
            }
            ExprKind::Size(x) => {
                let n = self.with_array(f, x, |a| a.size())?;
                Ok(Value::Scalar(Scalar::I64(n as i64)))
            }
            ExprKind::Shape(x) => self.with_array(f, x, |a| Value::shape(a.shape())),
            ExprKind::Tuple(items) => {
                let mut t = Vec::with_capacity(items.len());
                for x in items {
                    t.push(self.eval(f, x)?);
                }
                Ok(Value::Tuple(t))
            }
            ExprKind::TupleGet(x, k) => match self.eval(f, x)? {
                Value::Tuple(mut t) if *k < t.len() => Ok(t.swap_remove(*k)),
                _ => Err(internal("element of a non-tuple", e.span)),
            },
            ExprKind::Str(s) => Ok(Value::Str(Rc::from(s.as_str()))),
            ExprKind::Alloc(a) => self.eval_alloc(f, a, e),
            ExprKind::Random { dist, shape } => self.eval_random(f, dist, shape.as_deref(), e),
            ExprKind::Seed(s) => {
                let s = self.eval_i64(f, s)?;
                self.rng = kernelc_runtime::rng::Rng::seeded(s as u64);
                Ok(Value::None)
            }
            ExprKind::Print(args, raw) => self.eval_print(f, args, *raw, e.span),
            ExprKind::Format(parts) => self.eval_format(f, parts),
            ExprKind::ArrayOp(op) => self.eval_array_op(f, op, e),
            _ => Err(internal("unhandled expression", e.span)),
        }
    }

    /// Builds the fused tree of an array-typed element-wise expression, evaluating its
    /// leaves (array operands and scalar subexpressions) left to right.
    pub(crate) fn build_node(
        &mut self,
        f: &mut Frame<'p>,
        e: &'p Expr,
    ) -> Result<Node, RuntimeError> {
        if !is_fusable(e) {
            return match self.eval(f, e)? {
                Value::Scalar(s) => Ok(Node::new(Op::Scalar(s), s.dtype(), vec![], e.span)),
                Value::Array(a) => {
                    let dt = a.dtype();
                    Ok(Node::new(Op::Array(a), dt, vec![], e.span))
                }
                _ => Err(internal("element-wise operand is not a number", e.span)),
            };
        }
        let dt = dtype_of(e)?;
        let (op, kids): (Op, Vec<&'p Expr>) = match &e.kind {
            ExprKind::Binary(op, l, r) => (Op::Binary(*op), vec![l, r]),
            ExprKind::Unary(op, x) => (Op::Unary(*op), vec![x]),
            ExprKind::PowInt(x, n) => (Op::PowInt(*n), vec![x]),
            ExprKind::Cast(x) => (Op::Cast, vec![x]),
            ExprKind::Math(m, args) => (Op::Math(*m), args.iter().collect()),
            ExprKind::Where(c, a, b) => (Op::Where, vec![c, a, b]),
            _ => return Err(internal("not an element-wise expression", e.span)),
        };
        let mut children = Vec::with_capacity(kids.len());
        for k in kids {
            children.push(self.build_node(f, k)?);
        }
        Ok(Node::new(op, dt, children, e.span))
    }

    /// Evaluates a scalar-typed expression. The hot kinds of scalar loops (constants,
    /// locals, arithmetic, element reads `a[i, j]` of a local) are handled here without
    /// going through [`Value`]; the rest falls back to [`Interpreter::eval`].
    pub(crate) fn eval_scalar(
        &mut self,
        f: &mut Frame<'p>,
        e: &'p Expr,
    ) -> Result<Scalar, RuntimeError> {
        match &e.kind {
            ExprKind::Const(s) => Ok(*s),
            ExprKind::Local(id) => match f.get(*id, e.span)? {
                Value::Scalar(s) => Ok(*s),
                _ => Err(internal("expected a scalar", e.span)),
            },
            ExprKind::Binary(op, l, r) if !e.ty.is_array() => {
                let a = self.eval_scalar(f, l)?;
                let b = self.eval_scalar(f, r)?;
                binary_scalar(*op, a, b).at(e.span)
            }
            ExprKind::PowInt(x, n) if !e.ty.is_array() => {
                pow_int_scalar(self.eval_scalar(f, x)?, *n).at(e.span)
            }
            ExprKind::Index(base, index) if !e.ty.is_array() && index.len() <= 4 => {
                if let ExprKind::Local(id) = base.kind {
                    let mut idx = [0i64; 4];
                    let mut all_int = true;
                    for (k, it) in index.iter().enumerate() {
                        match it {
                            kernelc_sema::tir::Index::Int(x) => idx[k] = self.eval_i64(f, x)?,
                            _ => all_int = false,
                        }
                    }
                    if all_int {
                        return element(f.get(id, base.span)?, &idx[..index.len()], index, e.span);
                    }
                }
                self.eval_scalar_slow(f, e)
            }
            _ => self.eval_scalar_slow(f, e),
        }
    }

    fn eval_scalar_slow(&mut self, f: &mut Frame<'p>, e: &'p Expr) -> Result<Scalar, RuntimeError> {
        match self.eval(f, e)? {
            Value::Scalar(s) => Ok(s),
            _ => Err(internal("expected a scalar", e.span)),
        }
    }

    /// Evaluates a bool scalar.
    pub(crate) fn eval_bool(
        &mut self,
        f: &mut Frame<'p>,
        e: &'p Expr,
    ) -> Result<bool, RuntimeError> {
        Ok(self.eval_scalar(f, e)?.truthy())
    }

    /// Evaluates an integer scalar (indices, bounds, shapes are i64 by sema's invariant).
    pub(crate) fn eval_i64(&mut self, f: &mut Frame<'p>, e: &'p Expr) -> Result<i64, RuntimeError> {
        match self.eval_scalar(f, e)? {
            Scalar::I64(v) => Ok(v),
            s @ (Scalar::I32(_) | Scalar::Bool(_)) => Ok(s.as_i64()),
            _ => Err(internal("expected an integer", e.span)),
        }
    }

    /// Evaluates an array expression and applies `g` to it, borrowing a local instead of
    /// cloning it.
    fn with_array<R>(
        &mut self,
        f: &mut Frame<'p>,
        x: &'p Expr,
        g: impl FnOnce(&Array) -> R,
    ) -> Result<R, RuntimeError> {
        if let ExprKind::Local(id) = x.kind {
            return match f.get(id, x.span)? {
                Value::Array(a) => Ok(g(a)),
                _ => Err(internal("not an array", x.span)),
            };
        }
        match self.eval(f, x)? {
            Value::Array(a) => Ok(g(&a)),
            _ => Err(internal("not an array", x.span)),
        }
    }

    #[inline(never)]
    fn eval_index(
        &mut self,
        f: &mut Frame<'p>,
        base: &'p Expr,
        index: &'p [kernelc_sema::tir::Index],
        span: Span,
    ) -> Result<Value, RuntimeError> {
        let local = match base.kind {
            ExprKind::Local(id) => Some(id),
            _ => None,
        };
        let owned = match local {
            None => self.eval(f, base)?,
            Some(_) => Value::None,
        };
        let items = self.eval_items(f, index)?;
        let v = match local {
            Some(id) => f.get(id, base.span)?,
            None => &owned,
        };
        let Value::Array(a) = v else {
            return Err(internal("indexing a non-array", span));
        };
        Ok(match index::select(a, &items, span)? {
            Selection::Element(off) => Value::Scalar(a.read_at(off)),
            Selection::View(v) => Value::Array(v),
        })
    }

    fn eval_shape(&mut self, f: &mut Frame<'p>, e: &'p Expr) -> Result<Vec<usize>, RuntimeError> {
        match self.eval(f, e)? {
            Value::Tuple(t) => {
                let dims: Option<Vec<i64>> = t
                    .iter()
                    .map(|v| v.as_scalar().map(|s| s.as_i64()))
                    .collect();
                let dims = dims.ok_or_else(|| internal("shape of non-integers", e.span))?;
                alloc::shape_from_tuple(&dims).at(e.span)
            }
            Value::Scalar(s) => alloc::shape_from_tuple(&[s.as_i64()]).at(e.span),
            _ => Err(internal("shape is not a tuple", e.span)),
        }
    }

    #[inline(never)]
    fn eval_alloc(
        &mut self,
        f: &mut Frame<'p>,
        a: &'p Alloc,
        e: &'p Expr,
    ) -> Result<Value, RuntimeError> {
        let dt = dtype_of(e)?;
        let arr = match a {
            Alloc::Zeros { shape } => {
                let s = self.eval_shape(f, shape)?;
                alloc::new_array(dt, &s)
            }
            Alloc::Ones { shape } => {
                let s = self.eval_shape(f, shape)?;
                alloc::ones(dt, &s)
            }
            Alloc::Full { shape, value } => {
                let s = self.eval_shape(f, shape)?;
                let v = self.eval_scalar(f, value)?;
                cast_scalar(v, dt).and_then(|v| alloc::full(&s, v))
            }
            Alloc::Arange { start, stop, step } => {
                let a = self.eval_scalar(f, start)?;
                let b = self.eval_scalar(f, stop)?;
                let c = self.eval_scalar(f, step)?;
                alloc::arange(dt, a, b, c)
            }
            Alloc::Linspace { start, stop, num } => {
                let a = self.eval_scalar(f, start)?.as_f64();
                let b = self.eval_scalar(f, stop)?.as_f64();
                let n = self.eval_i64(f, num)?;
                alloc::linspace(dt, a, b, n)
            }
        };
        arr.at(e.span).map(Value::Array)
    }

    #[inline(never)]
    fn eval_random(
        &mut self,
        f: &mut Frame<'p>,
        dist: &'p Dist,
        shape: Option<&'p Expr>,
        e: &'p Expr,
    ) -> Result<Value, RuntimeError> {
        let d = match dist {
            Dist::Uniform => Distribution::Uniform,
            Dist::Normal => Distribution::Normal,
            Dist::Randint { lo, hi } => {
                Distribution::Randint(self.eval_i64(f, lo)?, self.eval_i64(f, hi)?)
            }
        };
        let dt = dtype_of(e)?;
        match shape {
            None => alloc::random_scalar(&mut self.rng, d, dt)
                .at(e.span)
                .map(Value::Scalar),
            Some(s) => {
                let s = self.eval_shape(f, s)?;
                alloc::random_array(&mut self.rng, d, dt, &s)
                    .at(e.span)
                    .map(Value::Array)
            }
        }
    }

    #[inline(never)]
    fn eval_print(
        &mut self,
        f: &mut Frame<'p>,
        args: &'p [Expr],
        raw: bool,
        span: Span,
    ) -> Result<Value, RuntimeError> {
        // As in Python, every argument is evaluated before anything is formatted (a later
        // argument may call a function that writes into an earlier argument's array).
        let mut values = Vec::with_capacity(args.len());
        for a in args {
            values.push(self.eval(f, a)?);
        }
        let mut line = String::new();
        for (k, v) in values.iter().enumerate() {
            if k > 0 && !raw {
                line.push(' ');
            }
            line.push_str(&v.display());
        }
        if !raw {
            line.push('\n');
        }
        self.out
            .write_all(line.as_bytes())
            .map_err(|err| error_at(format!("print failed: {err}"), span))?;
        Ok(Value::None)
    }
}

impl<'p> Interpreter<'p> {
    /// A formatted string: every value is evaluated, in order, then formatted
    /// (`kernelc_runtime::pyformat`; the one run-time error is `%d` of a NaN or an infinity,
    /// reported at that value).
    fn eval_format(
        &mut self,
        f: &mut Frame<'p>,
        parts: &'p [FmtPart],
    ) -> Result<Value, RuntimeError> {
        let mut values = Vec::with_capacity(parts.len());
        for p in parts {
            if let FmtPart::Field(x, _) = p {
                values.push(self.eval(f, x)?);
            }
        }
        let mut out = String::new();
        let mut values = values.into_iter();
        for p in parts {
            match p {
                FmtPart::Text(t) => out.push_str(t),
                FmtPart::Field(x, spec) => {
                    let v = values.next().unwrap_or(Value::None);
                    let text;
                    let field = match &v {
                        Value::Scalar(s) => Field::Scalar(*s),
                        other => {
                            text = other.display();
                            Field::Text(&text)
                        }
                    };
                    let s = format_field(field, spec).map_err(|m| error_at(m, x.span))?;
                    out.push_str(&s);
                }
            }
        }
        Ok(Value::Str(Rc::from(out.as_str())))
    }
}

/// An array-typed element-wise expression (a node of a fusable tree).
pub(crate) fn is_fusable(e: &Expr) -> bool {
    e.ty.is_array()
        && matches!(
            e.kind,
            ExprKind::Binary(..)
                | ExprKind::Unary(..)
                | ExprKind::PowInt(..)
                | ExprKind::Cast(..)
                | ExprKind::Math(..)
                | ExprKind::Where(..)
        )
        && !touches_complex(e)
        && !calls_a_function(e)
}

/// True when `e` or one of its operands is complex: complex element-wise operations run
/// one operator at a time (`crate::complex_array`), never in a fused tree.
fn touches_complex(e: &Expr) -> bool {
    let c = |x: &Expr| x.ty.dtype().is_some_and(|d| d.is_complex());
    c(e) || match &e.kind {
        ExprKind::Binary(_, l, r) => c(l) || c(r),
        ExprKind::Unary(_, x) | ExprKind::PowInt(x, _) | ExprKind::Cast(x) => c(x),
        ExprKind::Math(_, args) => args.iter().any(c),
        ExprKind::Where(k, a, b) => c(k) || c(a) || c(b),
        _ => false,
    }
}

/// True when evaluating `e` calls a user function. Fused evaluation computes all operands
/// before any element-wise operation, so an element-wise error would surface after the
/// call's effects (its prints) instead of before: such trees run operator by operator, in
/// Python's order.
fn calls_a_function(e: &Expr) -> bool {
    let mut found = false;
    kernelc_sema::pretty::walk_expr(e, &mut |x| found |= matches!(x.kind, ExprKind::Call(..)));
    found
}

/// True when some operand of `e` is itself fusable (so fusing saves a temporary).
fn children_fusable(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Binary(_, l, r) => is_fusable(l) || is_fusable(r),
        ExprKind::Unary(_, x) | ExprKind::PowInt(x, _) | ExprKind::Cast(x) => is_fusable(x),
        ExprKind::Math(_, args) => args.iter().any(is_fusable),
        ExprKind::Where(c, a, b) => is_fusable(c) || is_fusable(a) || is_fusable(b),
        _ => false,
    }
}

/// Reads element `idx` (one integer per axis, checked) of an array value.
fn element(
    v: &Value,
    idx: &[i64],
    index: &[kernelc_sema::tir::Index],
    span: Span,
) -> Result<Scalar, RuntimeError> {
    let Value::Array(a) = v else {
        return Err(internal("indexing a non-array", span));
    };
    if a.ndim() != idx.len() {
        return Err(internal("element index of the wrong rank", span));
    }
    let mut off = a.offset();
    for (k, (&i, it)) in idx.iter().zip(index).enumerate() {
        let sp = match it {
            kernelc_sema::tir::Index::Int(x) => x.span,
            kernelc_sema::tir::Index::Slice { span, .. } => *span,
        };
        let j = index::normalize(i, k, a.shape()[k], sp)?;
        off += j as isize * a.strides()[k];
    }
    Ok(a.read_at(off))
}

fn all_scalars(vals: &[Value]) -> Option<Vec<Scalar>> {
    vals.iter().map(Value::as_scalar).collect()
}

/// A 1-element array holding `s` (a reduction of a scalar).
fn scalar_array(s: Scalar) -> Array {
    let a = Array::zeros(s.dtype(), &[1]);
    // SAFETY: `a` is fresh: no other view or reference of its buffer exists.
    unsafe { a.write_at(a.offset(), s) };
    a
}
