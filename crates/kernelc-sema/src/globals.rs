//! Module globals bound to expressions that are not plain numbers (LANGUAGE.md §9):
//! constructors (`W = np.zeros(5)`, `np.linspace(...)`), `np.array([...])`, casts
//! (`G = np.float32(9.81)`), math and arithmetic of other globals. (Numbers and arithmetic
//! of numbers stay weak compile-time scalars, `consts.rs`.)
//!
//! Each global is a constant of its expression's type: a function that uses it gets a
//! hidden local (`$g.NAME`) assigned once at its entry from the initializer, lowered with
//! no local in scope (only builtins and the globals defined before it). Initializers are
//! deterministic (random draws are refused), so every function sees the same value. Array
//! globals are read-only: a store into one is a compile error, as in Numba.

use crate::lower::{FnLower, LocalInfo, TE};
use crate::tir::*;
use kernelc_syntax::ast::{self, ExprKind as A};
use kernelc_syntax::{Diagnostic, Span};
use std::collections::HashMap;

/// True when a global's initializer needs the typed lowering (a call, a list, an index or
/// attribute of a value, or a reference to such a global) rather than `consts::eval_const`.
pub(crate) fn is_expression_global(
    e: &ast::Expr,
    globals: &HashMap<String, (usize, &ast::Expr)>,
) -> bool {
    let mut found = false;
    walk(e, &mut |x| {
        found |= match &x.kind {
            // Tuples (`SHAPE = (3, 4)`) and complex numbers (`Z = 1 + 2j`) too.
            A::Call { .. }
            | A::List(_)
            | A::ListComp { .. }
            | A::Subscript(..)
            | A::Tuple(_)
            | A::Imag(_) => true,
            A::Attribute(b, _) => !matches!(&b.kind, A::Name(m) if crate::consts::is_module(m)),
            A::Name(n) => globals.contains_key(n),
            _ => false,
        }
    });
    found
}

fn walk(e: &ast::Expr, f: &mut impl FnMut(&ast::Expr)) {
    f(e);
    match &e.kind {
        A::Unary(_, x) | A::Attribute(x, _) => walk(x, f),
        A::Binary(_, a, b) | A::Logical(_, a, b) => {
            walk(a, f);
            walk(b, f)
        }
        A::Compare(a, rest) => {
            walk(a, f);
            rest.iter().for_each(|(_, x)| walk(x, f))
        }
        A::IfExp { cond, then, orelse } => {
            walk(cond, f);
            walk(then, f);
            walk(orelse, f)
        }
        A::Call { func, args, kwargs } => {
            walk(func, f);
            args.iter().for_each(|x| walk(x, f));
            kwargs.iter().for_each(|k| walk(&k.value, f))
        }
        A::Subscript(b, items) => {
            walk(b, f);
            for it in items {
                match it {
                    ast::IndexItem::Expr(x) => walk(x, f),
                    ast::IndexItem::Slice { lo, hi, step, .. } => [lo, hi, step]
                        .into_iter()
                        .flatten()
                        .for_each(|x| walk(x, f)),
                }
            }
        }
        A::Tuple(xs) | A::List(xs) => xs.iter().for_each(|x| walk(x, f)),
        A::ListComp {
            elem, iter, cond, ..
        } => {
            walk(elem, f);
            walk(iter, f);
            if let Some(c) = cond {
                walk(c, f)
            }
        }
        _ => {}
    }
}

/// True when `e` draws random numbers (refused in a global).
fn draws_random(e: &ast::Expr) -> bool {
    let mut found = false;
    walk(e, &mut |x| {
        if let A::Call { func, .. } = &x.kind {
            let name = match &func.kind {
                A::Name(n) => Some(n.as_str()),
                A::Attribute(_, a) => Some(a.name.as_str()),
                _ => None,
            };
            found |= matches!(
                name,
                Some("random" | "rand" | "randn" | "normal" | "randint" | "uniform" | "seed")
            );
        }
    });
    found
}

impl<'c, 'a> FnLower<'c, 'a> {
    /// The value of the expression global `n` (its hidden local, initialized at entry).
    pub(crate) fn global_ref(&mut self, n: &str, span: Span) -> Option<TE> {
        let (idx, init) = self.cx.globals[n];
        if let Some(&top) = self.global_stack.last() {
            if idx >= top {
                return self.fail(
                    span,
                    format!("global '{n}' is used before it is defined (a global can use only the globals above it)"),
                );
            }
        }
        let id = match self.global_ids.get(n) {
            Some(&id) => id,
            None => {
                let id = self.locals.len();
                self.locals.push(LocalInfo {
                    name: format!("$g.{n}"),
                    ty: None,
                    fixed: false,
                    span: init.span,
                    ty_span: init.span,
                });
                self.global_ids.insert(n.to_string(), id);
                id
            }
        };
        if self.global_done.insert(n.to_string()) {
            if draws_random(init) {
                self.failed.insert(id);
                return self.fail(
                    init.span,
                    "a module global cannot draw random numbers (it is a constant): draw them inside a function",
                );
            }
            // Lowered with no local in scope; statements it needs go before it.
            let names = std::mem::take(&mut self.names);
            let pending = std::mem::take(&mut self.pending);
            self.global_stack.push(idx);
            let v = self.expr(init);
            self.global_stack.pop();
            self.names = names;
            let pre = std::mem::replace(&mut self.pending, pending);
            self.global_inits.extend(pre);
            let Some(v) = v else {
                self.failed.insert(id);
                return None;
            };
            if let Type::Tuple(tt) = v.ty() {
                // A tuple of numbers and arrays (`SHAPE = (3, 4)`): its leaves are
                // hidden locals, unpacked at entry.
                if tt
                    .leaves()
                    .iter()
                    .all(|l| matches!(l, Type::Scalar(_) | Type::Array(_)))
                {
                    let mut out = Vec::new();
                    let r = self.assign_tuple_local(id, v, init.span, &mut out);
                    self.global_inits.extend(out);
                    r?;
                    return self.read_local(id, span);
                }
            }
            if !matches!(v.ty(), Type::Scalar(_) | Type::Array(_)) {
                self.failed.insert(id);
                return self.fail(
                    init.span,
                    format!(
                        "a module global must be a number, an array or a tuple of them, not {}",
                        v.ty()
                    ),
                );
            }
            let value = self.assign_local(id, v, init.span)?;
            self.global_inits.push(Stmt {
                kind: StmtKind::Assign { local: id, value },
                span: init.span,
            });
        }
        self.read_local(id, span)
    }

    /// A store into an array global (`W[0] = 1`, `W[m] += 1`, `W.flat[i] = 0`) is refused.
    pub(crate) fn check_global_store(&mut self, base: &ast::Expr) -> Option<()> {
        let base = crate::arrays::flat_base(base).unwrap_or(base);
        if let A::Name(n) = &base.kind {
            if !self.names.contains_key(n) && self.cx.globals.contains_key(n) {
                self.error(Diagnostic::error(
                    base.span,
                    format!("'{n}' is a module global: global arrays are read-only constants (copy it into a local first: w = {n}.copy())"),
                ));
                return None;
            }
        }
        Some(())
    }
}
