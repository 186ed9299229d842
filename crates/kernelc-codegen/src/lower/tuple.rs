//! Tuples in native code. Sema scalarises tuple locals (one local per leaf), so a tuple
//! only exists here as the value of an expression, lowered to the list of its leaves'
//! values (scalars; arrays as handles, owned or borrowed like any [`Val`]): literals,
//! `a.shape`, calls of tuple-returning functions (Cranelift multiple returns) and
//! `TupleGet` of nested tuples. Consumers: `Unpack`, `return`, call arguments, `t[k]`.

use super::{FnLower, Val};
use crate::abi::OFF_SHAPE;
use cranelift_codegen::ir::{types, InstBuilder};
use kernelc_sema::tir::{Expr, ExprKind, LocalId};

impl FnLower<'_, '_> {
    /// The leaves of a tuple-valued expression, depth first, evaluated left to right.
    pub(super) fn tuple_vals(&mut self, e: &Expr) -> Vec<Val> {
        match &e.kind {
            ExprKind::Tuple(items) => {
                let mut out = Vec::new();
                for x in items {
                    if x.ty.tuple().is_some() {
                        out.extend(self.tuple_vals(x));
                    } else {
                        out.push(self.expr(x));
                    }
                }
                out
            }
            ExprKind::Shape(a) => {
                let ExprKind::Local(id) = a.kind else {
                    unreachable!("the planner makes the array a local")
                };
                let h = self.read_local(id, a.span);
                (0..a.ty.ndim())
                    .map(|k| {
                        Val::scalar(self.b.ins().load(
                            types::I64,
                            super::HANDLE_FIELD,
                            h,
                            OFF_SHAPE + 8 * k as i32,
                        ))
                    })
                    .collect()
            }
            ExprKind::Call(id, args) => {
                let leaves = e.ty.tuple().expect("a tuple").leaves();
                let vals = self.call_values(*id, args, e.ty, e.span);
                vals.into_iter()
                    .zip(leaves)
                    .map(|(v, t)| Val {
                        v: Some(v),
                        owned: t.is_array(),
                    })
                    .collect()
            }
            ExprKind::TupleGet(x, k) => {
                let tt = x.ty.tuple().expect("a tuple");
                let range = tt.leaf_range(*k);
                let all = self.tuple_vals(x);
                let mut out = Vec::new();
                for (j, v) in all.into_iter().enumerate() {
                    if range.contains(&j) {
                        out.push(v);
                    } else {
                        self.drop_val(v);
                    }
                }
                out
            }
            _ => unreachable!("tuple-valued expression {:?} not lowered", e.kind),
        }
    }

    /// `t[k]` of a tuple-valued expression whose element `k` is a scalar or an array.
    pub(super) fn tuple_get(&mut self, x: &Expr, k: usize) -> Val {
        let tt = x.ty.tuple().expect("a tuple");
        let at = tt.leaf_range(k).start;
        let mut result = None;
        for (j, v) in self.tuple_vals(x).into_iter().enumerate() {
            if j == at {
                result = Some(v);
            } else {
                self.drop_val(v);
            }
        }
        result.expect("element in range")
    }

    /// `a, b = value`: every leaf is evaluated before any local is assigned.
    pub(super) fn unpack(&mut self, locals: &[LocalId], value: &Expr) {
        let vals = self.tuple_vals(value);
        // Every array value takes its own reference before any target is overwritten: in
        // a swap `u, v = v, u` the first assignment releases the array the second one
        // stores, which may be its last reference.
        let vals: Vec<Val> = vals
            .into_iter()
            .zip(locals)
            .map(|(v, &l)| {
                if self.func.locals[l].ty.is_array() {
                    Val {
                        v: Some(self.own(v)),
                        owned: true,
                    }
                } else {
                    v
                }
            })
            .collect();
        for (&l, v) in locals.iter().zip(vals) {
            self.assign(l, v);
        }
    }
}
