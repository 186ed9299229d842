//! NumPy's keyword names for the positional parameters of the builtins
//! (`np.linspace(0, 1, num=5)`, `np.full(shape, fill_value=3)`,
//! `np.random.randint(0, 10, size=5)`, `np.clip(a, a_min=0, a_max=1)`), and NumPy's
//! `normal(loc, scale, size)` / `uniform(low, high, size)`: a rewrite of the syntax tree
//! that sema runs first (on its own copy), so the builtins' lowering sees the positional
//! forms it knows. Calls of user functions (which may shadow a builtin's name) and calls
//! whose keywords leave a gap are left as written (their errors are reported as usual).

use kernelc_syntax::ast::{self, BinOp, Expr, ExprKind as A, FPart, IndexItem, Stmt, StmtKind};
use std::collections::HashSet;

/// The positional parameter names of the builtins that NumPy code passes by keyword.
fn params(name: &str) -> &'static [&'static str] {
    match name {
        "linspace" => &["start", "stop", "num"],
        "zeros" | "ones" | "empty" => &["shape"],
        "full" => &["shape", "fill_value"],
        "full_like" => &["a", "fill_value"],
        "zeros_like" | "ones_like" | "empty_like" => &["a"],
        "randint" => &["low", "high", "size"],
        "random" | "random_sample" | "rand" => &["size"],
        "clip" => &["a", "a_min", "a_max"],
        "reshape" => &["a", "shape"],
        _ => &[],
    }
}

/// Rewrites every call of a NumPy builtin in `module` (see the module doc).
pub(crate) fn normalize(module: &ast::Module) -> ast::Module {
    let user: HashSet<String> = crate::function_names(module)
        .into_iter()
        .map(str::to_string)
        .collect();
    let mut m = module.clone();
    for item in &mut m.items {
        match item {
            ast::Item::Func(f) => block(&mut f.body, &user),
            ast::Item::Const(c) => expr(&mut c.value, &user),
            ast::Item::Import(_) => {}
        }
    }
    m
}

fn block(b: &mut [Stmt], user: &HashSet<String>) {
    for s in b {
        match &mut s.kind {
            StmtKind::Assign { target, value, .. } => {
                expr(target, user);
                expr(value, user);
            }
            StmtKind::ChainAssign { targets, value } => {
                targets.iter_mut().for_each(|t| expr(t, user));
                expr(value, user);
            }
            StmtKind::Assert { cond, msg } => {
                expr(cond, user);
                if let Some(m) = msg {
                    expr(m, user);
                }
            }
            StmtKind::AugAssign { target, value, .. } => {
                expr(target, user);
                expr(value, user);
            }
            StmtKind::If { cond, body, orelse } => {
                expr(cond, user);
                block(body, user);
                block(orelse, user);
            }
            StmtKind::While { cond, body } => {
                expr(cond, user);
                block(body, user);
            }
            StmtKind::For { target, iter, body } => {
                expr(target, user);
                expr(iter, user);
                block(body, user);
            }
            StmtKind::Return(Some(e)) | StmtKind::Expr(e) => expr(e, user),
            StmtKind::Return(None) | StmtKind::Break | StmtKind::Continue | StmtKind::Pass => {}
        }
    }
}

/// The builtin a call names (`linspace`, `np.linspace`, `np.random.randint`), unless a
/// user function of that name is called.
fn builtin_name<'e>(func: &'e Expr, user: &HashSet<String>) -> Option<&'e str> {
    match &func.kind {
        A::Name(n) if !user.contains(n) => Some(n),
        A::Attribute(base, a) if is_module_path(base) => Some(&a.name),
        _ => None,
    }
}

fn is_module_path(e: &Expr) -> bool {
    match &e.kind {
        A::Name(n) => crate::consts::is_module(n),
        A::Attribute(b, a) => is_module_path(b) && matches!(a.name.as_str(), "random" | "linalg"),
        _ => false,
    }
}

fn expr(e: &mut Expr, user: &HashSet<String>) {
    match &mut e.kind {
        A::Unary(_, x) | A::Attribute(x, _) => expr(x, user),
        A::Binary(_, a, b) | A::Logical(_, a, b) => {
            expr(a, user);
            expr(b, user);
        }
        A::Compare(first, rest) => {
            expr(first, user);
            rest.iter_mut().for_each(|(_, x)| expr(x, user));
        }
        A::IfExp { cond, then, orelse } => {
            expr(cond, user);
            expr(then, user);
            expr(orelse, user);
        }
        A::Call { func, args, kwargs } => {
            expr(func, user);
            args.iter_mut().for_each(|a| expr(a, user));
            kwargs.iter_mut().for_each(|k| expr(&mut k.value, user));
        }
        A::Subscript(base, items) => {
            expr(base, user);
            for it in items {
                match it {
                    IndexItem::Expr(x) => expr(x, user),
                    IndexItem::Slice { lo, hi, step, .. } => {
                        for p in [lo, hi, step].into_iter().flatten() {
                            expr(p, user);
                        }
                    }
                }
            }
        }
        A::Tuple(xs) | A::List(xs) => xs.iter_mut().for_each(|x| expr(x, user)),
        A::ListComp {
            elem, iter, cond, ..
        } => {
            expr(elem, user);
            expr(iter, user);
            if let Some(c) = cond {
                expr(c, user);
            }
        }
        A::FString(parts) => {
            for p in parts {
                if let FPart::Field { value, .. } = p {
                    expr(value, user);
                }
            }
        }
        _ => {}
    }
    rewrite_call(e, user);
}

/// Keywords to positions; `normal(loc, scale, size)` and `uniform(low, high, size)` to
/// arithmetic of the unit draws.
fn rewrite_call(e: &mut Expr, user: &HashSet<String>) {
    let span = e.span;
    let A::Call { func, args, kwargs } = &mut e.kind else {
        return;
    };
    let Some(name) = builtin_name(func, user).map(str::to_string) else {
        return;
    };
    let names: &[&str] = match name.as_str() {
        "normal" => &["loc", "scale", "size"],
        "uniform" => &["low", "high", "size"],
        n => params(n),
    };
    // Keywords fill the positions right after the positional arguments, in order.
    while let Some(next) = names.get(args.len()) {
        let Some(k) = kwargs.iter().position(|k| k.name.name == *next) else {
            break;
        };
        args.push(kwargs.remove(k).value);
    }
    if !kwargs.is_empty() {
        return;
    }
    let (unit, lo, scale) = match name.as_str() {
        // normal(loc, scale[, size]) = loc + scale * normal([size]); normal(shape) stays.
        "normal" if args.len() >= 2 => ("normal", args[0].clone(), args[1].clone()),
        // uniform(low=0, high=1[, size]) = low + (high - low) * random([size]).
        "uniform" => {
            let num = |v: f64| Expr {
                kind: A::Float(v),
                span,
            };
            let lo = args.first().cloned().unwrap_or_else(|| num(0.0));
            let hi = args.get(1).cloned().unwrap_or_else(|| num(1.0));
            let width = Expr {
                kind: A::Binary(BinOp::Sub, Box::new(hi), Box::new(lo.clone())),
                span,
            };
            ("random", lo, width)
        }
        _ => return,
    };
    let size: Vec<Expr> = args.get(2).cloned().into_iter().collect();
    let draw = Expr {
        kind: A::Call {
            func: Box::new(Expr {
                kind: A::Name(unit.to_string()),
                span: func.span,
            }),
            args: size,
            kwargs: Vec::new(),
        },
        span,
    };
    let scaled = Expr {
        kind: A::Binary(BinOp::Mul, Box::new(scale), Box::new(draw)),
        span,
    };
    e.kind = A::Binary(BinOp::Add, Box::new(lo), Box::new(scaled));
}
