//! Statements of the second language round that lower to existing IR: chained assignment
//! (`a = b = e`) and `assert`.

use crate::lower::{FnLower, TE};
use crate::tir::*;
use crate::tuples::local;
use kernelc_syntax::ast::{self, ExprKind as A};
use kernelc_syntax::Span;

impl<'c, 'a> FnLower<'c, 'a> {
    /// `t1 = t2 = ... = value`: the value is evaluated once (into a temporary), then
    /// assigned to each target from left to right, as Python does.
    pub(crate) fn chain_assign(
        &mut self,
        targets: &'a [ast::Expr],
        value: &'a ast::Expr,
        span: Span,
        out: &mut Block,
    ) {
        let Some(v) = self.expr(value) else {
            for t in targets {
                crate::lower::collect_target_names(t, &mut |n, _| {
                    if let Some(&id) = self.names.get(n) {
                        self.failed.insert(id);
                    }
                });
            }
            return;
        };
        // The value once, as locals (one per leaf for a tuple).
        let vspan = v.e.span;
        let read: Expr = match v.ty() {
            Type::Str | Type::None => {
                self.fail::<()>(vspan, "this value cannot be assigned");
                return;
            }
            Type::Tuple(_) => {
                let tt = v.ty().tuple().expect("a tuple");
                self.convert_tuple_to_locals(v.e, tt, out)
            }
            ty => {
                let tmp = self.temp(ty, vspan);
                out.push(Stmt {
                    kind: StmtKind::Assign {
                        local: tmp,
                        value: v.e,
                    },
                    span,
                });
                local(tmp, ty, vspan)
            }
        };
        for t in targets {
            let te = TE {
                e: read.clone(),
                weak: v.weak,
            };
            self.bind_target(t, te, span, out);
        }
    }

    /// Assigns an already lowered value to a target (a name, an array element or a tuple
    /// of targets), pushing the statements to `out`.
    pub(crate) fn bind_target(
        &mut self,
        target: &'a ast::Expr,
        v: TE,
        span: Span,
        out: &mut Block,
    ) -> Option<()> {
        match &target.kind {
            A::Name(n) => {
                let id = self.names[n.as_str()];
                if v.ty().tuple().is_some() {
                    return self.assign_tuple_local(id, v, span, out);
                }
                let value = self.assign_local(id, v, target.span)?;
                out.push(Stmt {
                    kind: StmtKind::Assign { local: id, value },
                    span,
                });
                Some(())
            }
            A::Tuple(_) => self.unpack_assign(target, v, span, out),
            A::Subscript(base, items) => {
                let kind = self.store_to(base, items, v, target.span)?;
                out.push(Stmt { kind, span });
                Some(())
            }
            _ => self.fail(
                target.span,
                "cannot assign to this expression: assign to a variable or an array element",
            ),
        }
    }

    /// `assert cond[, "message"]`.
    pub(crate) fn assert_stmt(
        &mut self,
        cond: &'a ast::Expr,
        msg: Option<&'a ast::Expr>,
        _span: Span,
    ) -> Option<StmtKind> {
        let c = self.condition(cond);
        let msg = match msg.map(|m| &m.kind) {
            None => None,
            Some(A::Str(s)) => Some(s.clone()),
            Some(_) => {
                let m = msg.expect("some");
                return self.fail(m.span, "the message of an assert must be a string literal");
            }
        };
        Some(StmtKind::Assert { cond: c?, msg })
    }
}
