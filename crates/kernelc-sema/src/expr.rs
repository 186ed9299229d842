//! Lowering of expressions: names, literals, operators with NumPy promotion, indexing and
//! slicing, attributes. Calls are in `builtins.rs`.

use crate::consts::{builtin_constant, is_module};
use crate::lower::{cast, Ctx, FnLower, TE};
use crate::tir::*;
use crate::types::{arith, promote, with_rank};
use kernelc_runtime::{DType, Scalar};
use kernelc_syntax::ast::{self, ExprKind as A};
use kernelc_syntax::{Diagnostic, Span};

/// The type a comparison computes in: the promoted type, except that an integer literal
/// outside that type's range compares exactly (NumPy 2: `x_u8 < -1` is false, not an
/// error), in the join of the type with i64.
fn compare_type(l: &TE, ad: DType, r: &TE, bd: DType) -> DType {
    let t = promote(ad, l.weak, bd, r.weak);
    for x in [l, r] {
        if let (true, Some(v)) = (x.weak, const_int(&x.e)) {
            let (lo, hi) = t.int_range();
            if t.is_int() && x.ty().dtype() != Some(DType::Bool) && !(lo..=hi).contains(&v) {
                return crate::types::join(t, DType::I64);
            }
        }
    }
    t
}

/// The value of an integer constant expression.
pub(crate) fn const_int(e: &Expr) -> Option<i128> {
    match e.kind {
        ExprKind::Const(c) => c.as_i128(),
        _ => None,
    }
}

fn konst(s: Scalar, span: Span) -> Expr {
    Expr {
        kind: ExprKind::Const(s),
        ty: Type::Scalar(s.dtype()),
        span,
    }
}

impl<'c, 'a> FnLower<'c, 'a> {
    /// Lowers an expression. `None`: its type is unknown yet (inference) or an error was
    /// reported (final pass).
    pub(crate) fn expr(&mut self, e: &'a ast::Expr) -> Option<TE> {
        let span = e.span;
        // Arithmetic of integer literals is Python's exact arithmetic, folded here: an i64
        // when the result fits, a weak u64 when it fits there (`np.uint64(2**64 - 1)`),
        // else a compile error (never a silent wrap).
        if let Some(r) = crate::consts::int_literal_value(e) {
            let v = match r {
                Ok(v) => v,
                Err(m) => return self.fail(span, m),
            };
            let s = match (i64::try_from(v), u64::try_from(v)) {
                (Ok(x), _) => Scalar::I64(x),
                (_, Ok(x)) => Scalar::U64(x),
                _ => {
                    return self.fail(
                        span,
                        format!("this integer ({v}) is outside the range of int64 and uint64"),
                    )
                }
            };
            return Some(TE {
                e: konst(s, span),
                weak: true,
            });
        }
        match &e.kind {
            // Literals beyond i64 (up to 2**64 - 1) are weak u64 values: they combine
            // with unsigned types (`x_u64 & 0xFFFFFFFFFFFFFFFF`, `np.uint64(2**64 - 1)`).
            A::Int(v) => Some(TE {
                e: konst(i64::try_from(*v).map_or(Scalar::U64(*v), Scalar::I64), span),
                weak: true,
            }),
            A::Float(v) => Some(TE {
                e: konst(Scalar::F64(*v), span),
                weak: true,
            }),
            A::Bool(b) => Some(TE {
                e: konst(Scalar::Bool(*b), span),
                weak: true,
            }),
            A::Imag(v) => Some(TE {
                e: konst(
                    Scalar::C128(kernelc_runtime::dtype::Complex64::new(0.0, *v)),
                    span,
                ),
                weak: true,
            }),
            A::Str(s) => Some(TE::strong(Expr {
                kind: ExprKind::Str(s.clone()),
                ty: Type::Str,
                span,
            })),
            A::FString(parts) => self.fstring(parts, span),
            A::Name(n) => self.name(n, span),
            A::Unary(op, x) => {
                let x = self.expr(x)?;
                self.unary(*op, x, span)
            }
            A::Binary(op, a, b) => {
                if let (ast::BinOp::Mod, A::Str(fmt)) = (op, &a.kind) {
                    return self.percent_format(fmt, a.span, b, span);
                }
                if *op == ast::BinOp::Mul {
                    match (&a.kind, &b.kind) {
                        (A::List(items), _) => return self.list_repeat(items, b, span),
                        (_, A::List(items)) => return self.list_repeat(items, a, span),
                        _ => {}
                    }
                }
                let a = self.expr(a);
                let b = self.expr(b);
                self.binary(*op, a?, b?, span)
            }
            A::Logical(op, a, b) => {
                let (a, b) = (self.expr(a), self.expr(b));
                let number = |t: Option<&TE>| matches!(t.map(|x| x.ty()), Some(Type::Scalar(d)) if d != DType::Bool && !d.is_complex());
                let scalar = |t: Option<&TE>| matches!(t.map(|x| x.ty()), Some(Type::Scalar(_)));
                if (number(a.as_ref()) || number(b.as_ref()))
                    && scalar(a.as_ref())
                    && scalar(b.as_ref())
                {
                    return self.logical_value(*op, a?, b?, span);
                }
                let a = a.and_then(|a| self.logical_operand(a));
                let b = b.and_then(|b| self.logical_operand(b));
                let op = match op {
                    ast::LogicalOp::And => LogicalOp::And,
                    ast::LogicalOp::Or => LogicalOp::Or,
                };
                Some(TE::strong(Expr {
                    kind: ExprKind::Logical(op, Box::new(a?), Box::new(b?)),
                    ty: Type::Scalar(DType::Bool),
                    span,
                }))
            }
            A::Compare(first, rest) => self.compare(first, rest, span),
            A::IfExp { cond, then, orelse } => {
                let c = self.expr(cond).and_then(|c| self.truth(c));
                let t = self.expr(then);
                let o = self.expr(orelse);
                let (c, t, o) = (c?, t?, o?);
                let ty = self.unify_branches(&t, &o, span)?;
                let weak = t.weak && o.weak;
                let conv = |x: TE| crate::lower::convert(x.e, ty);
                Some(TE {
                    e: Expr {
                        kind: ExprKind::IfExp {
                            cond: Box::new(c),
                            then: Box::new(conv(t)),
                            orelse: Box::new(conv(o)),
                        },
                        ty,
                        span,
                    },
                    weak,
                })
            }
            A::Call { func, args, kwargs } => self.call(func, args, kwargs, span),
            A::Attribute(base, attr) => self.attribute(base, attr, span),
            A::Subscript(base, items) => {
                if let Some(fb) = crate::arrays::flat_base(base) {
                    return self.flat_read(fb, items, span);
                }
                let b = self.expr(base)?;
                if let Type::Tuple(tt) = b.ty() {
                    return self.tuple_index(b, tt, items, span);
                }
                let (index, region) = match self.classify_index(&b, items, span)? {
                    crate::arrays::Subscript::Basic(index, region) => (index, region),
                    other => return self.advanced_read(other, span),
                };
                let d = b.ty().dtype()?;
                Some(TE::strong(Expr {
                    kind: ExprKind::Index(Box::new(b.e), index),
                    ty: with_rank(d, region),
                    span,
                }))
            }
            A::Tuple(items) => self.tuple_literal(items, span),
            A::List(items) => self.list_literal(items, None, span),
            A::ListComp {
                elem,
                var,
                iter,
                cond,
            } => self.list_comp(elem, var, iter, cond.as_deref(), span),
            A::NoneLit => self.fail(
                span,
                "None has no value here (it is allowed as an index: a new axis)",
            ),
            A::Error => None,
        }
    }

    fn name(&mut self, n: &str, span: Span) -> Option<TE> {
        if let Some(&id) = self.names.get(n) {
            return self.read_local(id, span);
        }
        if let Some(&v) = self.cx.consts.get(n) {
            return Some(TE {
                e: konst(v, span),
                weak: true,
            });
        }
        if self.cx.globals.contains_key(n) {
            return self.global_ref(n, span);
        }
        if let Some(v) = builtin_constant(n).filter(|_| n != "e") {
            return Some(TE {
                e: konst(v, span),
                weak: true,
            });
        }
        if self.cx.funcs.contains_key(n) || crate::builtins::is_builtin(n) {
            return self.fail(span, format!("'{n}' is a function: call it with (...)"));
        }
        self.fail(span, unknown_name(n))
    }

    /// `a if c else b`: both sides get one type.
    fn unify_branches(&mut self, t: &TE, o: &TE, span: Span) -> Option<Type> {
        match (t.ty(), o.ty()) {
            (a, b) if a == b => Some(a),
            (Type::Scalar(a), Type::Scalar(b)) => Some(Type::Scalar(promote(a, t.weak, b, o.weak))),
            (a, b) => self.fail(span, format!("the two sides of this conditional expression have different types ({a} and {b})")),
        }
    }

    /// `a or b` / `a and b` of numbers: Python's value, the operand that decided (`n or 7`
    /// is `7` when `n` is 0), in the operands' promoted type; `b` is evaluated only when
    /// needed. A left operand with effects is evaluated once, into a temporary, before
    /// the statement.
    fn logical_value(&mut self, op: ast::LogicalOp, a: TE, b: TE, span: Span) -> Option<TE> {
        let (ad, bd) = (a.ty().dtype()?, b.ty().dtype()?);
        let d = promote(ad, a.weak, bd, b.weak);
        let weak = a.weak && b.weak;
        let left = if crate::tuples::pure(&a.e) {
            a.e
        } else {
            let ty = a.ty();
            let t = self.temp(ty, a.e.span);
            let aspan = a.e.span;
            self.pending.push(Stmt {
                kind: StmtKind::Assign {
                    local: t,
                    value: a.e,
                },
                span: aspan,
            });
            crate::tuples::local(t, ty, aspan)
        };
        let cond = self.truth(TE {
            e: left.clone(),
            weak: false,
        })?;
        let (then, orelse) = match op {
            ast::LogicalOp::Or => (left, b.e),
            ast::LogicalOp::And => (b.e, left),
        };
        Some(TE {
            e: Expr {
                kind: ExprKind::IfExp {
                    cond: Box::new(cond),
                    then: Box::new(cast(then, d)),
                    orelse: Box::new(cast(orelse, d)),
                },
                ty: Type::Scalar(d),
                span,
            },
            weak,
        })
    }

    fn logical_operand(&mut self, x: TE) -> Option<Expr> {
        if x.ty().is_array() {
            return self.fail(
                x.e.span,
                "'and'/'or'/'not' work on single values; for arrays use & | ~ (element-wise)",
            );
        }
        self.truth(x)
    }

    pub(crate) fn unary(&mut self, op: ast::UnaryOp, x: TE, span: Span) -> Option<TE> {
        let d = match x.ty().dtype() {
            Some(d) => d,
            None => {
                return self.fail(
                    span,
                    format!("bad operand type for unary {}: {}", op.symbol(), x.ty()),
                )
            }
        };
        let weak = x.weak;
        let (op, e) = match op {
            ast::UnaryOp::Pos => return Some(TE { e: x.e, weak }),
            ast::UnaryOp::Neg => {
                if d == DType::Bool {
                    return self.fail(
                        span,
                        "the unary '-' is not defined for booleans (as in NumPy): use '~' or 'not'",
                    );
                }
                let e = x.e;
                if let ExprKind::Const(s) = e.kind {
                    let v = match s {
                        Scalar::F64(v) => Scalar::F64(-v),
                        Scalar::F32(v) => Scalar::F32(-v),
                        Scalar::C64(v) => Scalar::C64(-v),
                        Scalar::C128(v) => Scalar::C128(-v),
                        // A literal (`-9223372036854775808`) is Python's integer: i64 when
                        // it fits, otherwise a compile error, as for other literal arithmetic.
                        i if weak => match i64::try_from(-i.as_i128().unwrap_or(0)) {
                            Ok(v) => Scalar::I64(v),
                            Err(_) => {
                                return self.fail(
                                    span,
                                    format!(
                                        "-{} is outside the range of int64",
                                        i.as_i128().unwrap_or(0)
                                    ),
                                )
                            }
                        },
                        i => {
                            Scalar::int_wrapping(-i.as_i128().unwrap_or(0), i.dtype()).unwrap_or(i)
                        }
                    };
                    return Some(TE {
                        e: konst(v, span),
                        weak,
                    });
                }
                (UnOp::Neg, e)
            }
            ast::UnaryOp::Not => {
                let e = self.logical_operand(x)?;
                (UnOp::Not, e)
            }
            ast::UnaryOp::Invert => {
                if d.is_complex() {
                    return self.complex_operator_error("~", span);
                }
                if d.is_float() {
                    return self.fail(
                        span,
                        format!("'~' needs integers or booleans, not {}", x.ty()),
                    );
                }
                (UnOp::Invert, x.e)
            }
        };
        let ty = e.ty;
        Some(TE {
            e: Expr {
                kind: ExprKind::Unary(op, Box::new(e)),
                ty,
                span,
            },
            weak,
        })
    }

    /// The element type an arithmetic/bitwise operator computes in (comparisons: the
    /// operand type).
    pub(crate) fn binary_type(
        &mut self,
        op: ast::BinOp,
        a: DType,
        aw: bool,
        b: DType,
        bw: bool,
        span: Span,
    ) -> Option<DType> {
        use ast::BinOp::*;
        let t = promote(a, aw, b, bw);
        if t.is_complex() && !matches!(op, Add | Sub | Mul | Div | Pow) {
            return self.complex_operator_error(op.symbol(), span);
        }
        Some(match op {
            // NumPy: on booleans `+` is `or` and `*` is `and`; `-` is refused.
            Add | Mul => t,
            Sub => {
                if t == DType::Bool {
                    return self.fail(
                        span,
                        "'-' is not defined for booleans (as in NumPy): use '^' (exclusive or)",
                    );
                }
                t
            }
            FloorDiv | Mod | Pow => arith(t),
            // Matrix products of booleans count in i64.
            MatMul => {
                if t == DType::Bool {
                    DType::I64
                } else {
                    t
                }
            }
            Div => {
                if t.is_float() || t.is_complex() {
                    t
                } else {
                    DType::F64
                }
            }
            BitAnd | BitOr | BitXor => {
                if t.is_float() {
                    return self.fail(
                        span,
                        format!("'{}' needs integers or booleans, not {t}", op.symbol()),
                    );
                }
                t
            }
            Shl | Shr => {
                if t.is_float() {
                    return self.fail(span, format!("'{}' needs integers, not {t}", op.symbol()));
                }
                arith(t)
            }
        })
    }

    pub(crate) fn binary(&mut self, op: ast::BinOp, a: TE, b: TE, span: Span) -> Option<TE> {
        if op == ast::BinOp::MatMul {
            return self.matmul("matmul", a, b, span);
        }
        let (Some(ad), Some(bd)) = (a.ty().dtype(), b.ty().dtype()) else {
            return self.fail(
                span,
                format!(
                    "unsupported operand types for {}: {} and {}",
                    op.symbol(),
                    a.ty(),
                    b.ty()
                ),
            );
        };
        let ndim = self.broadcast_rank(&a, &b, span)?;
        let weak = a.weak && b.weak;
        let t = self.binary_type(op, ad, a.weak, bd, b.weak, span)?;
        // Weak literals must fit the type they take.
        for x in [&a, &b] {
            if x.weak && x.ty().dtype() != Some(DType::Bool) {
                if let Some(v) = const_int(&x.e) {
                    let (lo, hi) = t.int_range();
                    if t.is_int() && !(lo..=hi).contains(&v) {
                        return self.fail(
                            x.e.span,
                            format!("the integer {v} is out of bounds for {t} (as in NumPy, a number combined with a {t} value must fit in {t})"),
                        );
                    }
                }
            }
        }
        if op == ast::BinOp::Pow {
            if let Some(r) = self.special_power(&a, &b, t, ndim, weak, span) {
                return Some(r);
            }
        }
        let ty = with_rank(t, ndim);
        let e = Expr {
            kind: ExprKind::Binary(
                crate::lower::binop(op),
                Box::new(cast(a.e, t)),
                Box::new(cast(b.e, t)),
            ),
            ty,
            span,
        };
        Some(TE { e, weak })
    }

    /// `x ** n` for small integer literals n (repeated multiplication) and `x ** 0.5`
    /// (sqrt), as NumPy does.
    fn special_power(
        &mut self,
        a: &TE,
        b: &TE,
        t: DType,
        ndim: usize,
        weak: bool,
        span: Span,
    ) -> Option<TE> {
        if !t.is_float() || !b.weak {
            return None;
        }
        let ExprKind::Const(c) = b.e.kind else {
            return None;
        };
        let base = cast(a.e.clone(), t);
        let ty = with_rank(t, ndim);
        let kind = match c {
            Scalar::I64(n @ 0..=4) => ExprKind::PowInt(Box::new(base), n as u32),
            Scalar::F64(0.5) => ExprKind::Math(MathFn::Sqrt, vec![base]),
            Scalar::F64(n) if (0.0..=4.0).contains(&n) && n.fract() == 0.0 => {
                ExprKind::PowInt(Box::new(base), n as u32)
            }
            _ => return None,
        };
        Some(TE {
            e: Expr { kind, ty, span },
            weak,
        })
    }

    /// The rank of an element-wise result (compile error when ranks cannot broadcast: they
    /// always can, the smaller is padded; kept as the single place to check it).
    pub(crate) fn broadcast_rank(&mut self, a: &TE, b: &TE, _span: Span) -> Option<usize> {
        Some(a.ty().ndim().max(b.ty().ndim()))
    }

    fn compare(
        &mut self,
        first: &'a ast::Expr,
        rest: &'a [(ast::CmpOp, ast::Expr)],
        span: Span,
    ) -> Option<TE> {
        let mut operands = vec![self.expr(first)];
        for (_, e) in rest {
            operands.push(self.expr(e));
        }
        let operands: Option<Vec<TE>> = operands.into_iter().collect();
        let operands = operands?;
        if rest.len() > 1 && operands.iter().any(|o| o.ty().is_array()) {
            return self.fail(span, "chained comparisons (a < b < c) work on single values; for arrays combine them with &");
        }
        // `t == u`, `t != u` of two tuples.
        if rest.len() == 1
            && matches!(rest[0].0, ast::CmpOp::Eq | ast::CmpOp::Ne)
            && operands.iter().all(|o| o.ty().tuple().is_some())
        {
            let mut it = operands.into_iter();
            let (l, r) = (it.next()?, it.next()?);
            return self.tuple_equal(l, r, matches!(rest[0].0, ast::CmpOp::Eq), span);
        }
        // Each comparison promotes its own pair of operands.
        let mut ops = Vec::new();
        for (k, (op, _)) in rest.iter().enumerate() {
            let (l, r) = (&operands[k], &operands[k + 1]);
            let (Some(ad), Some(bd)) = (l.ty().dtype(), r.ty().dtype()) else {
                return self.fail(span, format!("cannot compare {} and {}", l.ty(), r.ty()));
            };
            let t = compare_type(l, ad, r, bd);
            if t.is_complex() && !matches!(op, ast::CmpOp::Eq | ast::CmpOp::Ne) {
                return self.complex_operator_error(op.symbol(), span);
            }
            ops.push((cmp(*op), t));
        }
        if let [(op, t)] = ops[..] {
            let mut it = operands.into_iter();
            let (l, r) = (it.next()?, it.next()?);
            let ndim = l.ty().ndim().max(r.ty().ndim());
            let e = Expr {
                kind: ExprKind::Binary(op, Box::new(cast(l.e, t)), Box::new(cast(r.e, t))),
                ty: with_rank(DType::Bool, ndim),
                span,
            };
            return Some(TE::strong(e));
        }
        let e = Expr {
            kind: ExprKind::Chain(operands.into_iter().map(|o| o.e).collect(), ops),
            ty: Type::Scalar(DType::Bool),
            span,
        };
        Some(TE::strong(e))
    }

    fn attribute(&mut self, base: &'a ast::Expr, attr: &'a ast::Ident, span: Span) -> Option<TE> {
        if let A::Name(m) = &base.kind {
            if is_module(m) && !self.names.contains_key(m) {
                if let Some(v) = builtin_constant(&attr.name) {
                    return Some(TE {
                        e: konst(v, span),
                        weak: true,
                    });
                }
                return self.fail(
                    span,
                    format!("'{m}.{}' is not a value kernelc knows", attr.name),
                );
            }
        }
        let b = self.expr(base)?;
        if let (Some(d), "dtype") = (b.ty().dtype(), attr.name.as_str()) {
            // `a.dtype`: known at compile time; printed as NumPy names it, and taken by
            // `dtype=` arguments and casts (`zeros(n, dtype=a.dtype)`).
            return Some(TE::strong(Expr {
                kind: ExprKind::Str(d.numpy_name().to_string()),
                ty: Type::Str,
                span,
            }));
        }
        if let (Type::Scalar(_) | Type::Array(_), "real" | "imag") = (b.ty(), attr.name.as_str()) {
            return Some(self.part(attr.name == "real", b, span));
        }
        let Type::Array(at) = b.ty() else {
            return self.fail(
                attr.span,
                format!(
                    "a value of type {} has no attribute '{}'",
                    b.ty(),
                    attr.name
                ),
            );
        };
        if let Some(r) = self.array_attribute(&b, attr, span) {
            return r;
        }
        let i64t = Type::Scalar(DType::I64);
        let e = match attr.name.as_str() {
            "shape" => Expr {
                kind: ExprKind::Shape(Box::new(b.e)),
                ty: Type::Tuple(TupleType::ints(at.ndim as usize)),
                span,
            },
            "size" => Expr {
                kind: ExprKind::Size(Box::new(b.e)),
                ty: i64t,
                span,
            },
            "ndim" => konst(Scalar::I64(at.ndim as i64), span),
            other => {
                return self.fail(
                    attr.span,
                    format!(
                        "arrays have no attribute '{other}' (kernelc knows shape, size, ndim, dtype, T and flat)"
                    ),
                )
            }
        };
        Some(TE::strong(e))
    }
}

fn cmp(op: ast::CmpOp) -> BinOp {
    match op {
        ast::CmpOp::Lt => BinOp::Lt,
        ast::CmpOp::Le => BinOp::Le,
        ast::CmpOp::Gt => BinOp::Gt,
        ast::CmpOp::Ge => BinOp::Ge,
        ast::CmpOp::Eq => BinOp::Eq,
        ast::CmpOp::Ne => BinOp::Ne,
    }
}

pub(crate) fn unknown_name(n: &str) -> String {
    format!("name '{n}' is not defined")
}

/// Reports names that resolve to nothing in a function that was not instantiated.
pub(crate) fn resolve_names(def: &ast::FuncDef, cx: &Ctx, diags: &mut Vec<Diagnostic>) {
    let mut locals: std::collections::HashSet<String> =
        def.params.iter().map(|p| p.name.name.clone()).collect();
    crate::lower::collect_assigned(&def.body, &mut |n, _| {
        locals.insert(n.to_string());
    });
    let known = |n: &str| {
        locals.contains(n)
            || cx.consts.contains_key(n)
            || cx.globals.contains_key(n)
            || cx.funcs.contains_key(n)
            || builtin_constant(n).is_some()
            || crate::builtins::is_builtin(n)
            || is_module(n)
            || matches!(n, "range" | "prange" | "numba" | "nb" | "enumerate" | "zip")
            || DType::from_name(n).is_some()
            || crate::arrays::is_array_builtin(n)
    };
    fn stmts(ss: &[ast::Stmt], f: &mut dyn FnMut(&str, Span)) {
        let walk = crate::prange::walk_names;
        for s in ss {
            match &s.kind {
                ast::StmtKind::Assign { target, value, .. }
                | ast::StmtKind::AugAssign { target, value, .. } => {
                    walk(target, f);
                    walk(value, f)
                }
                ast::StmtKind::If { cond, body, orelse } => {
                    walk(cond, f);
                    stmts(body, f);
                    stmts(orelse, f)
                }
                ast::StmtKind::While { cond, body } => {
                    walk(cond, f);
                    stmts(body, f)
                }
                ast::StmtKind::For { iter, body, .. } => {
                    walk(iter, f);
                    stmts(body, f)
                }
                ast::StmtKind::ChainAssign { targets, value } => {
                    targets.iter().for_each(|t| walk(t, f));
                    walk(value, f)
                }
                ast::StmtKind::Assert { cond, msg } => {
                    walk(cond, f);
                    msg.iter().for_each(|m| walk(m, f))
                }
                ast::StmtKind::Return(Some(e)) | ast::StmtKind::Expr(e) => walk(e, f),
                _ => {}
            }
        }
    }
    stmts(&def.body, &mut |n, span| {
        if !known(n) {
            diags.push(Diagnostic::error(span, unknown_name(n)));
        }
    });
}
