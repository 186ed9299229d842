//! A rewrite of the typed IR before lowering: calls of compiled functions that sit inside
//! an expression the interpreter will evaluate (`print(f(x))`, `zeros(n) + g(a)`) are
//! moved into temporaries assigned just before the statement, so the callee runs as
//! native code instead of being interpreted with its caller's expression.
//!
//! Calls under a conditional (`a if c else f(x)`, `and`/`or`, comparison chains) stay
//! where they are, and so do calls in loop conditions, which run more than once.

use crate::lower::native_op;
use kernelc_sema::tir::{Expr, ExprKind, Func, Local, Program, Stmt, StmtKind, Type};

/// Applies the rewrite to every function.
pub fn hoist_calls(program: &mut Program) {
    for f in &mut program.funcs {
        let body = std::mem::take(&mut f.body);
        f.body = block(f, body);
    }
}

fn block(f: &mut Func, stmts: Vec<Stmt>) -> Vec<Stmt> {
    let mut out = Vec::with_capacity(stmts.len());
    for mut s in stmts {
        let mut pre = Vec::new();
        match &mut s.kind {
            StmtKind::Assign { value, .. } | StmtKind::Expr(value) => {
                expr(f, value, false, &mut pre)
            }
            StmtKind::Return(Some(value)) => expr(f, value, false, &mut pre),
            StmtKind::If { cond, then, orelse } => {
                expr(f, cond, false, &mut pre);
                *then = block(f, std::mem::take(then));
                *orelse = block(f, std::mem::take(orelse));
            }
            StmtKind::While { body, .. } => *body = block(f, std::mem::take(body)),
            StmtKind::For {
                start,
                stop,
                step,
                body,
                ..
            } => {
                expr(f, start, false, &mut pre);
                expr(f, stop, false, &mut pre);
                expr(f, step, false, &mut pre);
                *body = block(f, std::mem::take(body));
            }
            _ => {}
        }
        out.extend(pre);
        out.push(s);
    }
    out
}

/// Hoists the calls of `e` that the interpreter would otherwise run (`delegated`: `e` is
/// inside an expression native code hands to the interpreter).
fn expr(f: &mut Func, e: &mut Expr, delegated: bool, pre: &mut Vec<Stmt>) {
    match &e.kind {
        ExprKind::IfExp { .. } | ExprKind::Logical(..) | ExprKind::Chain(..) => return,
        ExprKind::Call(..) if delegated && matches!(e.ty, Type::Scalar(_) | Type::Array(_)) => {
            // Its arguments are lowered natively where they are written.
            let local = f.locals.len();
            f.locals.push(Local {
                name: format!("$call{local}"),
                ty: e.ty,
                span: e.span,
            });
            let span = e.span;
            let call = std::mem::replace(
                e,
                Expr {
                    kind: ExprKind::Local(local),
                    ty: e.ty,
                    span,
                },
            );
            let mut inner = Vec::new();
            let mut call = call;
            expr(f, &mut call, false, &mut inner);
            pre.extend(inner);
            pre.push(Stmt {
                kind: StmtKind::Assign { local, value: call },
                span,
            });
            return;
        }
        _ => {}
    }
    let delegated = delegated || !native_op(e);
    for_each_child(e, &mut |c| expr(f, c, delegated, pre));
}

/// Calls `g` on each direct sub-expression, in evaluation order.
fn for_each_child(e: &mut Expr, g: &mut impl FnMut(&mut Expr)) {
    use kernelc_sema::tir::{Alloc, Dist, Index};
    match &mut e.kind {
        ExprKind::Const(_) | ExprKind::Str(_) | ExprKind::Local(_) => {}
        ExprKind::Unary(_, x)
        | ExprKind::PowInt(x, _)
        | ExprKind::Cast(x)
        | ExprKind::Dim(x, _)
        | ExprKind::Size(x)
        | ExprKind::Shape(x)
        | ExprKind::Seed(x) => g(x),
        ExprKind::Binary(_, a, b) | ExprKind::Logical(_, a, b) | ExprKind::Dot(a, b) => {
            g(a);
            g(b)
        }
        ExprKind::IfExp { cond, then, orelse } => {
            g(cond);
            g(then);
            g(orelse)
        }
        ExprKind::Where(a, b, c) => {
            g(a);
            g(b);
            g(c)
        }
        ExprKind::Call(_, xs)
        | ExprKind::Math(_, xs)
        | ExprKind::Tuple(xs)
        | ExprKind::Print(xs)
        | ExprKind::Chain(xs, _) => xs.iter_mut().for_each(g),
        ExprKind::Reduce { arg, .. } => g(arg),
        ExprKind::Index(a, idx) => {
            g(a);
            for i in idx {
                match i {
                    Index::Int(x) => g(x),
                    Index::Slice {
                        start, stop, step, ..
                    } => [start, stop, step].into_iter().flatten().for_each(&mut *g),
                }
            }
        }
        ExprKind::Alloc(a) => match a {
            Alloc::Zeros { shape } | Alloc::Ones { shape } => g(shape),
            Alloc::Full { shape, value } => {
                g(shape);
                g(value)
            }
            Alloc::Arange { start, stop, step } => {
                g(start);
                g(stop);
                g(step)
            }
            Alloc::Linspace { start, stop, num } => {
                g(start);
                g(stop);
                g(num)
            }
        },
        ExprKind::Random { dist, shape } => {
            if let Dist::Randint { lo, hi } = dist {
                g(lo);
                g(hi);
            }
            if let Some(s) = shape {
                g(s)
            }
        }
    }
}
