//! `for` loops over `enumerate`, `zip`, `np.ndenumerate`, `np.ndindex` and tuples, and
//! loops with tuple targets. Each becomes a counted `range` loop over a hidden index whose
//! body starts by binding the target (so `break`, `continue` and the target's value after
//! the loop behave as in Python).

use crate::consts::is_module;
use crate::lower::{cast, FnLower, TE};
use crate::tir::*;
use crate::tuples::{int, local, TupleType};
use kernelc_runtime::DType;
use kernelc_syntax::ast::{self, ExprKind as A};
use kernelc_syntax::Span;

const I64: Type = Type::Scalar(DType::I64);

fn bin(op: BinOp, a: Expr, b: Expr, span: Span) -> Expr {
    let ty = if op.is_comparison() {
        Type::Scalar(DType::Bool)
    } else {
        a.ty
    };
    Expr {
        kind: ExprKind::Binary(op, Box::new(a), Box::new(b)),
        ty,
        span,
    }
}

/// `max(x, 0)` of an i64.
fn non_negative(x: Expr, span: Span) -> Expr {
    let c = bin(BinOp::Gt, x.clone(), int(0, span), span);
    Expr {
        kind: ExprKind::IfExp {
            cond: Box::new(c),
            then: Box::new(x),
            orelse: Box::new(int(0, span)),
        },
        ty: I64,
        span,
    }
}

/// `min(a, b)` of two i64.
fn min(a: Expr, b: Expr, span: Span) -> Expr {
    let c = bin(BinOp::Lt, a.clone(), b.clone(), span);
    Expr {
        kind: ExprKind::IfExp {
            cond: Box::new(c),
            then: Box::new(a),
            orelse: Box::new(b),
        },
        ty: I64,
        span,
    }
}

fn assign(local: LocalId, value: Expr, span: Span) -> Stmt {
    Stmt {
        kind: StmtKind::Assign { local, value },
        span,
    }
}

impl<'c, 'a> FnLower<'c, 'a> {
    /// The name of a called iterator function (`enumerate`, `np.ndindex`), if `iter` is
    /// one of those this module lowers.
    fn iter_fn(&self, iter: &ast::Expr) -> Option<&'static str> {
        let A::Call { func, .. } = &iter.kind else {
            return None;
        };
        let name = match &func.kind {
            A::Name(n) if !self.names.contains_key(n) => n.as_str(),
            A::Attribute(m, a) if matches!(&m.kind, A::Name(m) if is_module(m)) => a.name.as_str(),
            _ => return None,
        };
        ["enumerate", "zip", "ndenumerate", "ndindex"]
            .into_iter()
            .find(|&n| n == name)
    }

    /// Lowers a `for` loop this module handles; `None` when it is an ordinary one (a
    /// single name over `range`, `prange` or an array).
    pub(crate) fn iter_for(
        &mut self,
        target: &'a ast::Expr,
        iter: &'a ast::Expr,
        body: &'a [ast::Stmt],
        span: Span,
        out: &mut Block,
    ) -> Option<Option<StmtKind>> {
        if let Some(name) = self.iter_fn(iter) {
            let A::Call { args, kwargs, .. } = &iter.kind else {
                unreachable!("checked")
            };
            return Some(self.iter_call(name, args, kwargs, target, iter.span, body, span, out));
        }
        if !matches!(target.kind, A::Tuple(_)) {
            return None;
        }
        // A tuple target over a tuple of tuples.
        let Some(te) = self.expr(iter) else {
            return Some(None);
        };
        if te.ty().tuple().is_some() {
            return Some(self.tuple_for(target, te, body, span, out));
        }
        Some(self.fail(
            target.span,
            "only enumerate(...), zip(...), np.ndenumerate(...), np.ndindex(...) and tuples can be unpacked into several loop variables",
        ))
    }

    /// `for $k in range(n): <bind target from elem($k)>; body`.
    #[allow(clippy::too_many_arguments)]
    fn counted(
        &mut self,
        n: Expr,
        target: &'a ast::Expr,
        elem: impl FnOnce(&mut Self, Expr, &mut Block) -> Option<TE>,
        prefix: Vec<Stmt>,
        body: &'a [ast::Stmt],
        span: Span,
        out: &mut Block,
    ) -> Option<StmtKind> {
        let k = self.temp(I64, target.span);
        let mut first = prefix;
        let bound = elem(self, local(k, I64, target.span), &mut first)
            .and_then(|v| self.bind_target(target, v, target.span, &mut first));
        self.loops.push(false);
        let lowered = self.lower_block(body);
        self.loops.pop();
        bound?;
        first.extend(lowered);
        out.push(Stmt {
            kind: StmtKind::For {
                var: k,
                start: int(0, span),
                stop: n,
                step: int(1, span),
                body: first,
                parallel: None,
            },
            span,
        });
        None
    }

    /// Evaluates `e` once into a temporary before the loop.
    fn once(&mut self, e: Expr, out: &mut Block) -> Expr {
        if matches!(e.kind, ExprKind::Const(_)) {
            return e;
        }
        let (ty, span) = (e.ty, e.span);
        let t = self.temp(ty, span);
        out.push(assign(t, e, span));
        local(t, ty, span)
    }

    /// An array operand of an iterator (evaluated once); its length is `len(a)`.
    fn array_operand(&mut self, e: &'a ast::Expr, what: &str, out: &mut Block) -> Option<Expr> {
        let te = self.expr(e)?;
        if !te.ty().is_array() {
            return self.fail(
                e.span,
                format!("{what} takes arrays here, not a value of type {}", te.ty()),
            );
        }
        Some(self.once(te.e, out))
    }

    #[allow(clippy::too_many_arguments)]
    fn iter_call(
        &mut self,
        name: &str,
        args: &'a [ast::Expr],
        kwargs: &'a [ast::Keyword],
        target: &'a ast::Expr,
        ispan: Span,
        body: &'a [ast::Stmt],
        span: Span,
        out: &mut Block,
    ) -> Option<StmtKind> {
        if name == "ndindex" || name == "ndenumerate" {
            if let Some(k) = kwargs.first() {
                return self.fail(
                    k.name.span,
                    format!("{name}() takes no keyword argument '{}'", k.name.name),
                );
            }
        }
        let mut pre = Vec::new();
        match name {
            "enumerate" | "zip" => {
                let (n, op) = self.iter_operand(name, args, kwargs, ispan, &mut pre)?;
                out.extend(pre);
                let n = self.once(n, out);
                self.counted(
                    n,
                    target,
                    |this, k, _| Some(TE::strong(this.operand_elem(op, &k, ispan))),
                    Vec::new(),
                    body,
                    span,
                    out,
                )
            }
            "ndenumerate" => {
                if args.len() != 1 {
                    return self.fail(ispan, "np.ndenumerate() takes one array");
                }
                let a = self.array_operand(&args[0], "np.ndenumerate()", &mut pre)?;
                out.extend(pre);
                let dims: Vec<Expr> = (0..a.ty.ndim())
                    .map(|d| Expr {
                        kind: ExprKind::Dim(Box::new(a.clone()), d),
                        ty: I64,
                        span: ispan,
                    })
                    .collect();
                self.odometer(dims, target, Some(a), ispan, body, span, out)
            }
            "ndindex" => {
                let mut dims = Vec::new();
                for x in args {
                    let te = self.expr(x)?;
                    match te.ty() {
                        Type::Tuple(tt) => {
                            let shape = self.shape_tuple(te)?;
                            let shape = self.convert_tuple_to_locals(
                                shape,
                                TupleType::ints(tt.len()),
                                &mut pre,
                            );
                            let ExprKind::Tuple(items) = shape.kind else {
                                unreachable!("a tuple")
                            };
                            dims.extend(items);
                        }
                        _ => {
                            let e = self.int_operand(te, "np.ndindex() dimensions")?;
                            dims.push(self.once(e, &mut pre));
                        }
                    }
                }
                if dims.is_empty() {
                    return self.fail(ispan, "np.ndindex() needs at least one dimension");
                }
                out.extend(pre);
                self.odometer(dims, target, None, ispan, body, span, out)
            }
            _ => unreachable!("checked"),
        }
    }

    /// `enumerate(x, start)` or `zip(x, y, ...)` as a sequence: its length (evaluated
    /// into `pre`) and how element `k` is formed.
    fn iter_operand(
        &mut self,
        name: &str,
        args: &'a [ast::Expr],
        kwargs: &'a [ast::Keyword],
        ispan: Span,
        pre: &mut Block,
    ) -> Option<(Expr, Operand)> {
        let kw_ok = name == "enumerate" && kwargs.iter().all(|k| k.name.name == "start");
        if !kwargs.is_empty() && !kw_ok {
            return self.fail(
                kwargs[0].name.span,
                format!(
                    "{name}() takes no keyword argument '{}' here",
                    kwargs[0].name.name
                ),
            );
        }
        if name == "enumerate" {
            if args.is_empty() || args.len() + kwargs.len() > 2 {
                return self.fail(ispan, "enumerate() takes an iterable and an optional start");
            }
            let start_arg = args.get(1).or(kwargs.first().map(|k| &k.value));
            let inner = self.seq_operand(&args[0], "enumerate()", pre);
            let start = match start_arg {
                Some(s) => {
                    let te = self.expr(s)?;
                    let e = self.int_operand(te, "enumerate() start")?;
                    Some(self.once(e, pre))
                }
                None => None,
            };
            let (n, inner) = inner?;
            return Some((n, Operand::Enumerate(start, Box::new(inner))));
        }
        if args.is_empty() {
            return self.fail(ispan, "zip() needs at least one iterable");
        }
        let ops: Vec<Option<(Expr, Operand)>> = args
            .iter()
            .map(|a| self.seq_operand(a, "zip()", pre))
            .collect();
        let ops: Vec<(Expr, Operand)> = ops.into_iter().collect::<Option<_>>()?;
        let mut n: Option<Expr> = None;
        let mut items = Vec::new();
        for (len, op) in ops {
            n = Some(match n {
                None => len,
                Some(m) => min(m, len, ispan),
            });
            items.push(op);
        }
        let n = n.expect("one operand");
        Some((self.once(n, pre), Operand::Zip(items)))
    }

    /// An operand of `enumerate`/`zip`: an array (its rows or elements), `range(...)`, or
    /// a nested `enumerate(...)`/`zip(...)`; its length and element formula.
    fn seq_operand(
        &mut self,
        a: &'a ast::Expr,
        what: &str,
        pre: &mut Block,
    ) -> Option<(Expr, Operand)> {
        if let Some(name) = self
            .iter_fn(a)
            .filter(|n| matches!(*n, "enumerate" | "zip"))
        {
            let A::Call { args, kwargs, .. } = &a.kind else {
                unreachable!("checked")
            };
            return self.iter_operand(name, args, kwargs, a.span, pre);
        }
        if let A::Call { func, args, kwargs } = &a.kind {
            if matches!(&func.kind, A::Name(n) if n == "range" && !self.names.contains_key(n)) {
                if !kwargs.is_empty() || args.is_empty() || args.len() > 3 {
                    return self.fail(a.span, "range() takes 1 to 3 integer arguments");
                }
                let mut v = Vec::new();
                for x in args {
                    let te = self.expr(x)?;
                    let e = self.int_operand(te, "range() arguments")?;
                    v.push(self.once(e, pre));
                }
                let span = a.span;
                let (start, stop, step) = match v.len() {
                    1 => (int(0, span), v.remove(0), int(1, span)),
                    2 => (v.remove(0), v.remove(0), int(1, span)),
                    _ => (v.remove(0), v.remove(0), v.remove(0)),
                };
                if matches!(step.kind, ExprKind::Const(kernelc_runtime::Scalar::I64(0))) {
                    return self.fail(a.span, "range() arg 3 must not be zero");
                }
                // count = max(0, ceil((stop - start) / step)) = max(0, -((start - stop) // step))
                let diff = bin(BinOp::Sub, start.clone(), stop, span);
                let q = bin(BinOp::FloorDiv, diff, step.clone(), span);
                let neg = Expr {
                    kind: ExprKind::Unary(UnOp::Neg, Box::new(q)),
                    ty: I64,
                    span,
                };
                let n = self.once(non_negative(neg, span), pre);
                return Some((n, Operand::Range(start, step)));
            }
        }
        let arr = self.array_operand(a, what, pre)?;
        let n = Expr {
            kind: ExprKind::Dim(Box::new(arr.clone()), 0),
            ty: I64,
            span: a.span,
        };
        Some((n, Operand::Array(arr)))
    }

    /// Element `k` of a sequence operand.
    fn operand_elem(&mut self, op: Operand, k: &Expr, span: Span) -> Expr {
        match op {
            Operand::Array(a) => self.element(a, vec![k.clone()], span),
            Operand::Range(start, step) => {
                let off = bin(BinOp::Mul, k.clone(), step, span);
                bin(BinOp::Add, start, off, span)
            }
            Operand::Enumerate(start, inner) => {
                let i = match start {
                    Some(s) => bin(BinOp::Add, k.clone(), s, span),
                    None => k.clone(),
                };
                let v = self.operand_elem(*inner, k, span);
                self.make_tuple(vec![i, v], span)
            }
            Operand::Zip(items) => {
                let items = items
                    .into_iter()
                    .map(|op| self.operand_elem(op, k, span))
                    .collect();
                self.make_tuple(items, span)
            }
        }
    }

    /// A loop over every index of `dims` in C order (the last index fastest), as one
    /// counted loop whose body first advances the index like an odometer. The target gets
    /// the index tuple, or `(index, a[index])` when `array` is given (ndenumerate).
    #[allow(clippy::too_many_arguments)]
    fn odometer(
        &mut self,
        dims: Vec<Expr>,
        target: &'a ast::Expr,
        array: Option<Expr>,
        ispan: Span,
        body: &'a [ast::Stmt],
        span: Span,
        out: &mut Block,
    ) -> Option<StmtKind> {
        let r = dims.len();
        let dims: Vec<Expr> = dims.into_iter().map(|d| self.once(d, out)).collect();
        let idx: Vec<LocalId> = (0..r).map(|_| self.temp(I64, ispan)).collect();
        // Start one before the first index: (0, ..., 0, -1).
        for (k, &i) in idx.iter().enumerate() {
            out.push(assign(
                i,
                int(if k + 1 == r { -1 } else { 0 }, ispan),
                ispan,
            ));
        }
        let mut n = non_negative(dims[0].clone(), ispan);
        for d in &dims[1..] {
            n = bin(BinOp::Mul, n, non_negative(d.clone(), ispan), ispan);
        }
        let n = self.once(n, out);
        // Advance like an odometer, the last index fastest:
        // i[r-1] += 1; if i[r-1] == d[r-1]: i[r-1] = 0; i[r-2] += 1; if ...
        let mut prefix: Vec<Stmt> = Vec::new();
        let mut carry: Vec<Stmt> = Vec::new();
        for k in 0..r {
            let inc = assign(
                idx[k],
                bin(BinOp::Add, local(idx[k], I64, ispan), int(1, ispan), ispan),
                ispan,
            );
            carry = if k == 0 {
                vec![inc]
            } else {
                let mut then = vec![assign(idx[k], int(0, ispan), ispan)];
                then.extend(carry);
                vec![
                    inc,
                    Stmt {
                        kind: StmtKind::If {
                            cond: bin(BinOp::Eq, local(idx[k], I64, ispan), dims[k].clone(), ispan),
                            then,
                            orelse: Vec::new(),
                        },
                        span: ispan,
                    },
                ]
            };
        }
        prefix.extend(carry);
        let index_tuple = {
            let items = idx.iter().map(|&i| local(i, I64, ispan)).collect();
            Expr {
                kind: ExprKind::Tuple(items),
                ty: Type::Tuple(TupleType::ints(r)),
                span: ispan,
            }
        };
        self.counted(
            n,
            target,
            move |this, _k, _| match array {
                Some(a) => {
                    let ix = idx.iter().map(|&i| local(i, I64, ispan)).collect();
                    let v = this.element(a, ix, ispan);
                    Some(TE::strong(this.make_tuple(vec![index_tuple, v], ispan)))
                }
                None => Some(TE::strong(index_tuple)),
            },
            prefix,
            body,
            span,
            out,
        )
    }

    /// `for v in t` over a tuple: the tuple is evaluated once, then a counted loop picks
    /// element `k` (all elements must fit the loop variable's one type).
    pub(crate) fn tuple_for(
        &mut self,
        target: &'a ast::Expr,
        te: TE,
        body: &'a [ast::Stmt],
        span: Span,
        out: &mut Block,
    ) -> Option<StmtKind> {
        let tt = te.ty().tuple().expect("a tuple");
        let ispan = te.e.span;
        let t = self.convert_tuple_to_locals(te.e, tt, out);
        let ExprKind::Tuple(items) = t.kind else {
            unreachable!("a tuple of locals")
        };
        if items.is_empty() {
            return None;
        }
        // One type for the variable: every element is assigned to it in turn.
        let k = self.temp(I64, ispan);
        let mut first: Vec<Stmt> = Vec::new();
        // if k == 0: target = t0 elif k == 1: target = t1 ...
        let mut chain: Vec<Stmt> = Vec::new();
        let mut ok = Some(());
        for (j, item) in items.into_iter().enumerate().rev() {
            let mut then = Vec::new();
            if self
                .bind_target(target, TE::strong(item), target.span, &mut then)
                .is_none()
            {
                ok = None;
            }
            chain = if chain.is_empty() {
                then
            } else {
                vec![Stmt {
                    kind: StmtKind::If {
                        cond: bin(BinOp::Eq, local(k, I64, ispan), int(j as i64, ispan), ispan),
                        then,
                        orelse: chain,
                    },
                    span: ispan,
                }]
            };
        }
        first.extend(chain);
        self.loops.push(false);
        let lowered = self.lower_block(body);
        self.loops.pop();
        ok?;
        first.extend(lowered);
        out.push(Stmt {
            kind: StmtKind::For {
                var: k,
                start: int(0, span),
                stop: int(tt.len() as i64, span),
                step: int(1, span),
                body: first,
                parallel: None,
            },
            span,
        });
        None
    }

    /// `a[k]` (an element or a row view) of an array operand.
    fn element(&mut self, a: Expr, ix: Vec<Expr>, span: Span) -> Expr {
        let at = match a.ty {
            Type::Array(at) => at,
            _ => unreachable!("an array operand"),
        };
        let ty = crate::types::with_rank(at.dtype, at.ndim as usize - ix.len());
        Expr {
            kind: ExprKind::Index(
                Box::new(a),
                ix.into_iter()
                    .map(|i| Index::Int(cast(i, DType::I64)))
                    .collect(),
            ),
            ty,
            span,
        }
    }

    fn make_tuple(&mut self, items: Vec<Expr>, span: Span) -> Expr {
        let tys: Vec<Type> = items.iter().map(|e| e.ty).collect();
        Expr {
            kind: ExprKind::Tuple(items),
            ty: Type::Tuple(TupleType::new(&tys)),
            span,
        }
    }
}

/// A sequence `enumerate`/`zip` walk with one counter `k`.
enum Operand {
    /// `a[k]`.
    Array(Expr),
    /// `range`: start and step (the element is `start + k*step`).
    Range(Expr, Expr),
    /// `enumerate(x, start)`: `(start + k, x[k])`.
    Enumerate(Option<Expr>, Box<Operand>),
    /// `zip(x, y, ...)`: `(x[k], y[k], ...)`.
    Zip(Vec<Operand>),
}
