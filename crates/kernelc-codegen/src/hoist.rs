//! Calls inside expressions the interpreter evaluates (`print(f(x))`, `zeros(n) + g(a)`)
//! are taken out of them, so that the callee runs as native code: each such call is
//! replaced by a temporary local, and the assignment `temporary = call` is recorded to run
//! natively right before the interpreter evaluates the expression (or executes the store
//! statement) that contained it.
//!
//! Calls under a conditional (`a if c else f(x)`, `and`/`or`, comparison chains) stay
//! where they are. The rewrite happens in place before the program is frozen; the table is
//! keyed by the address of the delegated expression or statement, which does not move
//! afterwards (the tree lives in heap allocations that are never touched again).

// The hoisted statements are boxed on purpose: native code may point into them, so their
// addresses must not change while the vectors holding them grow.
#![allow(clippy::vec_box)]

use crate::lower::native_op;
use kernelc_sema::tir::{Expr, ExprKind, Func, Local, Program, Stmt, StmtKind, Type};
use std::collections::HashMap;

/// Per function: the hoisted assignments to run before a delegated expression or store,
/// keyed by its address.
pub type Hoisted = HashMap<usize, Vec<Box<Stmt>>>;

/// Rewrites every function; returns the table of each.
pub fn hoist_calls(program: &mut Program) -> Vec<Hoisted> {
    program
        .funcs
        .iter_mut()
        .map(|f| {
            let mut table = Hoisted::new();
            let mut body = std::mem::take(&mut f.body);
            block(f, &mut body, &mut table);
            f.body = body;
            table
        })
        .collect()
}

fn block(f: &mut Func, stmts: &mut [Stmt], table: &mut Hoisted) {
    for s in stmts {
        let addr = s as *const Stmt as usize;
        match &mut s.kind {
            StmtKind::Assign { value, .. } | StmtKind::Expr(value) => root(f, value, table),
            StmtKind::Return(Some(value)) => root(f, value, table),
            StmtKind::If { cond, then, orelse } => {
                root(f, cond, table);
                block(f, then, table);
                block(f, orelse, table);
            }
            StmtKind::While { cond, body } => {
                root(f, cond, table);
                block(f, body, table);
            }
            StmtKind::For {
                start,
                stop,
                step,
                body,
                ..
            } => {
                root(f, start, table);
                root(f, stop, table);
                root(f, step, table);
                block(f, body, table);
            }
            StmtKind::Store {
                array,
                index,
                aug,
                value,
            } => {
                // A store into one element of a local array runs natively; any other is
                // executed by the interpreter as a whole.
                let native = matches!(array.kind, ExprKind::Local(_))
                    && index.len() == array.ty.ndim()
                    && index
                        .iter()
                        .all(|i| matches!(i, kernelc_sema::tir::Index::Int(_)));
                if native {
                    root(f, value, table);
                    for_each_child_index(index, &mut |e| root(f, e, table));
                } else if aug.is_none() {
                    let mut pre = Vec::new();
                    delegated(f, value, &mut pre, table);
                    if !pre.is_empty() {
                        table.insert(addr, pre);
                    }
                }
            }
            _ => {}
        }
    }
}

fn for_each_child_index(index: &mut [kernelc_sema::tir::Index], g: &mut impl FnMut(&mut Expr)) {
    for i in index {
        match i {
            kernelc_sema::tir::Index::Int(x) => g(x),
            kernelc_sema::tir::Index::Slice {
                start, stop, step, ..
            } => [start, stop, step].into_iter().flatten().for_each(&mut *g),
        }
    }
}

/// An expression native code evaluates: find where it hands parts to the interpreter.
fn root(f: &mut Func, e: &mut Expr, table: &mut Hoisted) {
    if !native_op(e) {
        let addr = e as *const Expr as usize;
        let mut pre = Vec::new();
        delegated(f, e, &mut pre, table);
        if !pre.is_empty() {
            table.insert(addr, pre);
        }
        return;
    }
    // Native nodes with branches (`if`-expressions, `and`/`or`, chains) make each side a
    // root of its own, like every other operand.
    for_each_child(e, &mut |c| root(f, c, table));
}

/// True when `e` contains a call that [`delegated`] takes out.
fn has_hoistable(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::IfExp { .. } | ExprKind::Logical(..) | ExprKind::Chain(..) => false,
        ExprKind::Call(..) if holdable(e.ty) => true,
        _ => kernelc_sema::pretty::children(e)
            .into_iter()
            .any(has_hoistable),
    }
}

/// Types a temporary local can hold natively.
fn holdable(t: Type) -> bool {
    matches!(t, Type::Scalar(_) | Type::Array(_))
}

/// Replaces `e` by a new temporary and records `temporary = e` in `pre` (lowered natively,
/// delegating again where needed).
fn to_temp(f: &mut Func, e: &mut Expr, pre: &mut Vec<Box<Stmt>>, table: &mut Hoisted) {
    let local = f.locals.len();
    f.locals.push(Local {
        name: format!("$tmp{local}"),
        ty: e.ty,
        span: e.span,
    });
    let span = e.span;
    let value = std::mem::replace(
        e,
        Expr {
            kind: ExprKind::Local(local),
            ty: e.ty,
            span,
        },
    );
    let mut stmt = Box::new(Stmt {
        kind: StmtKind::Assign { local, value },
        span,
    });
    if let StmtKind::Assign { value, .. } = &mut stmt.kind {
        root(f, value, table);
    }
    pre.push(stmt);
}

/// Inside a delegated expression: take out the calls, and, to keep Python's left-to-right
/// order of effects, every operand evaluated before a call.
fn delegated(f: &mut Func, e: &mut Expr, pre: &mut Vec<Box<Stmt>>, table: &mut Hoisted) {
    match &e.kind {
        ExprKind::IfExp { .. } | ExprKind::Logical(..) | ExprKind::Chain(..) => return,
        ExprKind::Call(..) if holdable(e.ty) => return to_temp(f, e, pre, table),
        _ => {}
    }
    let mut kids = kernelc_sema::pretty::children_mut(e);
    let Some(last) = kids.iter().rposition(|c| has_hoistable(c)) else {
        return;
    };
    for (k, c) in kids.iter_mut().enumerate().take(last + 1) {
        if k == last {
            delegated(f, c, pre, table);
        } else if holdable(c.ty) && !matches!(c.kind, ExprKind::Const(_) | ExprKind::Local(_)) {
            to_temp(f, c, pre, table);
        }
    }
}

/// Calls `g` on each direct sub-expression, in evaluation order.
fn for_each_child(e: &mut Expr, g: &mut impl FnMut(&mut Expr)) {
    kernelc_sema::pretty::children_mut(e)
        .into_iter()
        .for_each(g)
}
