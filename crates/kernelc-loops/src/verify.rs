//! A checker of the loop-nest invariants (see [`crate::nest`]), run by the tests and, in
//! debug builds, by the code generator after planning.

use crate::nest::*;
use crate::PlannedFunc;
use kernelc_sema::tir::{ExprKind, ReduceOp, StmtKind, Type};

/// Every violated invariant of a planned function, as sentences naming the nest.
pub fn verify(pf: &PlannedFunc) -> Vec<String> {
    let mut errs = Vec::new();
    let f = &pf.func;
    let n_nests = pf.nests.len();
    // Nest references in the body.
    let check_id = |id: usize, errs: &mut Vec<String>| {
        if id >= n_nests {
            errs.push(format!("body refers to nest #{id}, which does not exist"));
        }
    };
    for s in &f.body {
        walk_stmts(s, &mut |s| {
            if let StmtKind::Nest(id) = s.kind {
                check_id(id, &mut errs);
                if !matches!(
                    pf.nests.get(id).map(|n| &n.sink),
                    Some(Sink::Store { .. }) | None
                ) {
                    errs.push(format!("statement nest #{id} is not a store"));
                }
            }
        });
        kernelc_sema::pretty::walk_stmt(s, &mut |e| {
            if let ExprKind::Nest(id) = e.kind {
                check_id(id, &mut errs);
            }
        });
    }
    for (k, n) in pf.nests.iter().enumerate() {
        let mut err = |m: String| errs.push(format!("nest #{k}: {m}"));
        for (i, o) in n.operands.iter().enumerate() {
            match f.locals.get(o.array).map(|l| l.ty) {
                Some(Type::Array(a)) if a.dtype == o.dtype && a.ndim as usize == o.base_ndim => {}
                other => err(format!(
                    "in{i} is not an array local of its type ({other:?})"
                )),
            }
            if o.ndim > n.ndim {
                err(format!(
                    "in{i} has rank {} above the space's {}",
                    o.ndim, n.ndim
                ));
            }
            if o.view.len() > o.base_ndim {
                err(format!("in{i} has more view items than axes"));
            }
        }
        let mut reads_ok = true;
        walk_elem(&n.elem, &mut |e| match &e.kind {
            ElemKind::Read(r) => match n.operands.get(*r) {
                Some(o) if o.dtype == e.dtype => {}
                _ => reads_ok = false,
            },
            ElemKind::Scalar(Leaf::Local(id)) => match f.locals.get(*id).map(|l| l.ty) {
                Some(Type::Scalar(d)) if d == e.dtype => {}
                _ => reads_ok = false,
            },
            _ => {}
        });
        if !reads_ok {
            err("an element read does not match its operand or local".to_string());
        }
        // The shape steps leave exactly one shape.
        let mut depth: isize = 0;
        for s in &n.shape_steps {
            depth += match s {
                ShapeStep::Operand(i) => {
                    if *i >= n.operands.len() {
                        err(format!("shape step reads in{i}, which does not exist"));
                    }
                    1
                }
                ShapeStep::Scalar => 1,
                ShapeStep::Broadcast(c, _) => 1 - *c as isize,
                ShapeStep::Aligned(_) => -1,
            };
            if depth < 1 {
                err("shape steps pop an empty stack".to_string());
            }
        }
        let store = matches!(n.sink, Sink::Store { .. });
        if depth != 1 && !(store && n.shape_steps.is_empty()) {
            err(format!("shape steps leave {depth} shapes"));
        }
        match &n.sink {
            Sink::Store { overlap, .. } => {
                if n.operands.is_empty() || n.operands[0].ndim != n.ndim {
                    err("a store's space is not its target's".to_string());
                }
                if let Some(v) = overlap {
                    if v.materialize >= n_nests || v.then >= n_nests {
                        err("overlap path refers to missing nests".to_string());
                    }
                }
            }
            Sink::Reduce {
                op,
                axis,
                unflattened,
                ..
            } => {
                if axis.is_some_and(|a| a >= n.ndim) {
                    err(format!("axis {axis:?} out of the space's rank {}", n.ndim));
                }
                if matches!(op, ReduceOp::Mean | ReduceOp::Norm) && !n.elem.dtype.is_float() {
                    err(format!("{} of a non-float element", op.name()));
                }
                if let Some(v) = unflattened {
                    if v.materialize >= n_nests || v.then >= n_nests {
                        err("unflattened path refers to missing nests".to_string());
                    }
                }
            }
            Sink::NewArray => {}
        }
    }
    errs
}

fn walk_elem(e: &Elem, f: &mut impl FnMut(&Elem)) {
    f(e);
    for c in e.children() {
        walk_elem(c, f);
    }
}

fn walk_stmts(s: &kernelc_sema::tir::Stmt, f: &mut impl FnMut(&kernelc_sema::tir::Stmt)) {
    f(s);
    match &s.kind {
        StmtKind::If { then, orelse, .. } => {
            then.iter().chain(orelse).for_each(|s| walk_stmts(s, f))
        }
        StmtKind::While { body, .. } | StmtKind::For { body, .. } => {
            body.iter().for_each(|s| walk_stmts(s, f))
        }
        _ => {}
    }
}
