//! Checks of `prange` bodies (LANGUAGE.md §7): which outer scalars are reductions, which
//! locals are private, and errors for every other write to an outer variable (so Numba's
//! silently wrong `if a[i] > m: m = a[i]` is caught).

use crate::lower::FnLower;
use crate::tir::{LocalId, Parallel, RedOp, Reduction, Stmt, StmtKind, Type};
use kernelc_syntax::ast::{self, BinOp, ExprKind as A, StmtKind as S};
use kernelc_syntax::{Diagnostic, Span};
use std::collections::{HashMap, HashSet};

impl<'c, 'a> FnLower<'c, 'a> {
    /// Classifies the variables a prange body writes. `var` is the loop variable.
    pub(crate) fn check_prange(
        &mut self,
        var: LocalId,
        body: &'a [ast::Stmt],
        lowered: &[Stmt],
    ) -> Option<Parallel> {
        // Names used outside this loop body (or parameters) are outer variables.
        let mut outside = HashSet::new();
        for p in &self.def.params {
            outside.insert(p.name.name.clone());
        }
        names_outside(&self.def.body, body, &mut outside);

        let mut reductions: HashMap<String, (RedOp, Span)> = HashMap::new();
        let mut private = HashSet::new();
        let mut errors = Vec::new();
        let mut updates: Vec<(&'a ast::Stmt, String)> = Vec::new();
        visit_writes(body, &mut |s: &'a ast::Stmt, name: &str, span: Span| {
            let id = self.names[name];
            if id == var {
                return;
            }
            if !outside.contains(name) {
                private.insert(id);
                return;
            }
            if matches!(self.locals[id].ty, Some(Type::Array(_)))
                && matches!(s.kind, S::AugAssign { .. })
            {
                return; // in-place update of array elements: the user's responsibility
            }
            match reduction_of(s, name) {
                Some(op) => {
                    if let Some((prev, pspan)) = reductions.get(name) {
                        if *prev != op {
                            errors.push(
                                Diagnostic::error(span, format!("'{name}' is updated with two different reductions in this prange loop"))
                                    .with_label(*pspan, "first reduction here"),
                            );
                        }
                    } else {
                        reductions.insert(name.to_string(), (op, span));
                    }
                    updates.push((s, name.to_string()));
                }
                None => errors.push(Diagnostic::error(
                    span,
                    format!(
                        "'{name}' is defined outside this prange loop and assigned inside it: iterations run in parallel, so only reductions are allowed ({name} += ..., {name} -= ..., {name} *= ..., {name} = min({name}, ...), {name} = max({name}, ...))"
                    ),
                )),
            }
        });
        // A reduction variable may not be read elsewhere in the body (it holds a partial).
        for (name, (_, _)) in &reductions {
            visit_reads(body, &updates, name, &mut |span| {
                errors.push(Diagnostic::error(
                    span,
                    format!("reduction variable '{name}' cannot be read inside the prange loop: it only holds this thread's partial result"),
                ))
            });
        }
        for (name, (_, span)) in &reductions {
            let id = self.names[name.as_str()];
            if let Some(t @ (Type::Array(_) | Type::Tuple(_))) = self.locals[id].ty {
                errors.push(Diagnostic::error(
                    *span,
                    format!("'{name}' ({t}) cannot be a prange reduction: only scalars can"),
                ));
            }
        }
        if !errors.is_empty() {
            for e in errors {
                self.error(e);
            }
            return None;
        }
        let mut reductions: Vec<Reduction> = reductions
            .into_iter()
            .map(|(n, (op, _))| Reduction {
                local: self.names[n.as_str()],
                op,
            })
            .collect();
        reductions.sort_by_key(|r| r.local);
        // A private tuple local is private through its leaves.
        let mut private: Vec<LocalId> = private
            .into_iter()
            .flat_map(|id| {
                let mut v = vec![id];
                if matches!(self.locals[id].ty, Some(Type::Tuple(_))) {
                    v.extend(self.leaf_locals(id));
                }
                v
            })
            .collect();
        // Hidden locals the lowered body assigns (temporaries, the element locals of tuples
        // built or unpacked in the body, counters of enumerate/zip loops) are private too:
        // each iteration has its own.
        let mut written = Vec::new();
        assigned_locals(lowered, &mut written);
        private.extend(written.into_iter().filter(|&id| {
            let name = &self.locals[id].name;
            id != var && (name.starts_with('$') || name.contains('['))
        }));
        private.sort();
        private.dedup();
        Some(Parallel {
            reductions,
            private,
        })
    }
}

/// Every local a lowered block assigns (`=`, unpacking, loop variables), nested blocks
/// included.
fn assigned_locals(block: &[Stmt], out: &mut Vec<LocalId>) {
    for s in block {
        match &s.kind {
            StmtKind::Assign { local, .. } => out.push(*local),
            StmtKind::Unpack { locals, .. } => out.extend(locals),
            StmtKind::For { var, body, .. } => {
                out.push(*var);
                assigned_locals(body, out);
            }
            StmtKind::While { body, .. } => assigned_locals(body, out),
            StmtKind::If { then, orelse, .. } => {
                assigned_locals(then, out);
                assigned_locals(orelse, out);
            }
            _ => {}
        }
    }
}

/// The reduction a statement performs on `name`, if it has a reduction's shape.
fn reduction_of(s: &ast::Stmt, name: &str) -> Option<RedOp> {
    match &s.kind {
        S::AugAssign {
            op: BinOp::Add | BinOp::Sub,
            ..
        } => Some(RedOp::Add),
        S::AugAssign { op: BinOp::Mul, .. } => Some(RedOp::Mul),
        S::Assign {
            value, ann: None, ..
        } => {
            let A::Call { func, args, kwargs } = &value.kind else {
                return None;
            };
            let fname = match &func.kind {
                A::Name(n) => n.as_str(),
                A::Attribute(m, a) if matches!(&m.kind, A::Name(m) if crate::consts::is_module(m)) => {
                    match a.name.as_str() {
                        "minimum" => "min",
                        "maximum" => "max",
                        other => other,
                    }
                }
                _ => return None,
            };
            let op = match fname {
                "min" | "minimum" => RedOp::Min,
                "max" | "maximum" => RedOp::Max,
                _ => return None,
            };
            let is_self = |e: &ast::Expr| matches!(&e.kind, A::Name(n) if n == name);
            (kwargs.is_empty() && args.len() == 2 && (is_self(&args[0]) != is_self(&args[1])))
                .then_some(op)
        }
        _ => None,
    }
}

/// Calls `f` for every assignment to a plain name in the body (nested blocks included).
fn visit_writes<'a>(body: &'a [ast::Stmt], f: &mut impl FnMut(&'a ast::Stmt, &str, Span)) {
    for s in body {
        match &s.kind {
            S::Assign { target, .. } | S::AugAssign { target, .. } => {
                crate::lower::collect_target_names(target, &mut |n, span| f(s, n, span));
            }
            S::ChainAssign { targets, .. } => {
                for t in targets {
                    crate::lower::collect_target_names(t, &mut |n, span| f(s, n, span));
                }
            }
            S::For { target, body, .. } => {
                crate::lower::collect_target_names(target, &mut |n, span| f(s, n, span));
                visit_writes(body, f);
            }
            S::If { body, orelse, .. } => {
                visit_writes(body, f);
                visit_writes(orelse, f);
            }
            S::While { body, .. } => visit_writes(body, f),
            _ => {}
        }
    }
}

/// Calls `f` for every read of `name` in the body other than the reduction updates
/// themselves (whose other operand is still checked).
fn visit_reads(
    body: &[ast::Stmt],
    updates: &[(&ast::Stmt, String)],
    name: &str,
    f: &mut impl FnMut(Span),
) {
    let on_expr = |e: &ast::Expr, f: &mut dyn FnMut(Span)| {
        walk_names(e, &mut |n, span| {
            if n == name {
                f(span)
            }
        })
    };
    for s in body {
        let is_update = updates
            .iter()
            .any(|(u, n)| std::ptr::eq(*u, s) && n == name);
        match &s.kind {
            S::AugAssign { target, value, .. } => {
                if !is_update {
                    on_expr(target, f);
                }
                on_expr(value, f);
            }
            S::Assign { target, value, .. } => {
                if is_update {
                    if let A::Call { args, .. } = &value.kind {
                        for a in args {
                            if !matches!(&a.kind, A::Name(n) if n == name) {
                                on_expr(a, f);
                            }
                        }
                    }
                } else {
                    if !matches!(target.kind, A::Name(_)) {
                        on_expr(target, f);
                    }
                    on_expr(value, f);
                }
            }
            S::If { cond, body, orelse } => {
                on_expr(cond, f);
                visit_reads(body, updates, name, f);
                visit_reads(orelse, updates, name, f);
            }
            S::While { cond, body } => {
                on_expr(cond, f);
                visit_reads(body, updates, name, f);
            }
            S::For { iter, body, .. } => {
                on_expr(iter, f);
                visit_reads(body, updates, name, f);
            }
            S::ChainAssign { targets, value } => {
                targets
                    .iter()
                    .filter(|t| !matches!(t.kind, A::Name(_)))
                    .for_each(|t| on_expr(t, f));
                on_expr(value, f);
            }
            S::Assert { cond, msg } => {
                on_expr(cond, f);
                msg.iter().for_each(|m| on_expr(m, f));
            }
            S::Return(Some(e)) | S::Expr(e) => on_expr(e, f),
            _ => {}
        }
    }
}

/// Every name mentioned in `stmts` outside the statements of `skip` (by address).
fn names_outside(stmts: &[ast::Stmt], skip: &[ast::Stmt], out: &mut HashSet<String>) {
    if std::ptr::eq(stmts, skip) {
        return;
    }
    let mut add = |e: &ast::Expr| {
        walk_names(e, &mut |n, _| {
            out.insert(n.to_string());
        })
    };
    let mut nested: Vec<&[ast::Stmt]> = Vec::new();
    for s in stmts {
        match &s.kind {
            S::Assign { target, value, .. } | S::AugAssign { target, value, .. } => {
                add(target);
                add(value);
            }
            S::If { cond, body, orelse } => {
                add(cond);
                nested.push(body);
                nested.push(orelse);
            }
            S::While { cond, body } => {
                add(cond);
                nested.push(body);
            }
            S::For { target, iter, body } => {
                if !std::ptr::eq(body.as_slice(), skip) {
                    add(target);
                }
                add(iter);
                nested.push(body);
            }
            S::ChainAssign { targets, value } => {
                targets.iter().for_each(&mut add);
                add(value);
            }
            S::Assert { cond, msg } => {
                add(cond);
                msg.iter().for_each(&mut add);
            }
            S::Return(Some(e)) | S::Expr(e) => add(e),
            _ => {}
        }
    }
    for b in nested {
        names_outside(b, skip, out);
    }
}

/// Calls `f` for every `Name` in an expression.
pub(crate) fn walk_names(e: &ast::Expr, f: &mut dyn FnMut(&str, Span)) {
    match &e.kind {
        A::Name(n) => f(n, e.span),
        A::Unary(_, x) => walk_names(x, f),
        A::Binary(_, a, b) | A::Logical(_, a, b) => {
            walk_names(a, f);
            walk_names(b, f)
        }
        A::Compare(a, rest) => {
            walk_names(a, f);
            rest.iter().for_each(|(_, x)| walk_names(x, f))
        }
        A::IfExp { cond, then, orelse } => {
            walk_names(cond, f);
            walk_names(then, f);
            walk_names(orelse, f)
        }
        A::Call { func, args, kwargs } => {
            walk_names(func, f);
            args.iter().for_each(|x| walk_names(x, f));
            kwargs.iter().for_each(|k| walk_names(&k.value, f))
        }
        A::Attribute(b, _) => walk_names(b, f),
        A::Subscript(b, items) => {
            walk_names(b, f);
            for it in items {
                match it {
                    ast::IndexItem::Expr(x) => walk_names(x, f),
                    ast::IndexItem::Slice { lo, hi, step, .. } => [lo, hi, step]
                        .into_iter()
                        .flatten()
                        .for_each(|x| walk_names(x, f)),
                }
            }
        }
        A::Tuple(xs) | A::List(xs) => xs.iter().for_each(|x| walk_names(x, f)),
        A::ListComp {
            elem,
            var,
            iter,
            cond,
        } => {
            walk_names(iter, f);
            let mut inner = |n: &str, s: Span| {
                if n != var.name {
                    f(n, s)
                }
            };
            walk_names(elem, &mut inner);
            if let Some(c) = cond {
                walk_names(c, &mut inner);
            }
        }
        _ => {}
    }
}
