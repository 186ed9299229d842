//! Native calls of the runtime's library operations (`ExprKind::Lib`: sort, cumsum,
//! median, var, matmul, keepdims, ...): the arguments' words go to [`rt::rt_lib`], which
//! runs the same helper the interpreter calls.

use super::{FnLower, Val};
use crate::rt;
use cranelift_codegen::ir::{types, InstBuilder, StackSlotData, StackSlotKind};
use kernelc_sema::tir::{Expr, Type};

impl FnLower<'_, '_> {
    /// Evaluates the arguments (array locals or scalars after planning), passes their
    /// words and the expression to the runtime, and takes the result word back.
    pub(super) fn lib_call(&mut self, args: &[Expr], e: &Expr) -> Val {
        let mut temps = Vec::with_capacity(args.len());
        let slot = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            (8 * args.len().max(1)) as u32,
            3,
        ));
        for (k, a) in args.iter().enumerate() {
            let v = self.expr(a);
            let w = self.word_of(v.value(), a.ty);
            self.b
                .ins()
                .stack_store(types::I64, w, slot, (8 * k) as i32);
            temps.push(v);
        }
        let addr = self.b.ins().stack_addr(types::I64, slot, 0);
        let ctx = self.ctx;
        let ep = self.b.ins().iconst(types::I64, e as *const Expr as i64);
        let w = self.call_rt(
            rt::rt_lib as *const u8,
            &[types::I64; 3],
            &[types::I64],
            &[ctx, ep, addr],
        )[0];
        for t in temps {
            self.drop_val(t);
        }
        self.check_failed();
        if e.ty == Type::None {
            return Val {
                v: None,
                owned: false,
            };
        }
        Val {
            v: self.value_of(w, e.ty),
            owned: e.ty.is_array(),
        }
    }
}
