//! Views as values, natively: `p[i]`, `a[1:-1, ::2]`, `m[:, j]` bound to a name or passed
//! to a function. The index items are evaluated in order into a small stack area and one
//! runtime helper ([`crate::rt::rt_view`]) applies them with the interpreter's own
//! selection rules (`kernelc_interp::index::select`: bounds errors, slice clamping), so a
//! view costs one handle allocation and no interpretation.

use super::{FnLower, Val};
use crate::abi::pack_span;
use crate::rt;
use cranelift_codegen::ir::{types, InstBuilder, StackSlotData, StackSlotKind};
use kernelc_sema::tir::{Expr, Index, LocalId};

/// Words per index item in the area passed to [`rt::rt_view`]: kind, span, three values.
pub const VIEW_ITEM_WORDS: usize = 5;
/// Kind word of an integer item; a slice is `VIEW_SLICE | present << 1` with bits for
/// start, stop and step.
pub const VIEW_INT: i64 = 0;
pub const VIEW_SLICE: i64 = 1;

impl FnLower<'_, '_> {
    /// A view of array local `arr` selected by `index` (an array-typed index expression).
    pub(super) fn view_value(&mut self, arr: LocalId, index: &[Index], e: &Expr) -> Val {
        let words = 1 + VIEW_ITEM_WORDS * index.len();
        let slot = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            (8 * words) as u32,
            3,
        ));
        let n = self.b.ins().iconst(types::I64, index.len() as i64);
        self.b.ins().stack_store(types::I64, n, slot, 0);
        for (k, item) in index.iter().enumerate() {
            let at = |w: usize| (8 * (1 + VIEW_ITEM_WORDS * k + w)) as i32;
            let (kind, span) = match item {
                Index::Int(x) => {
                    let v = self.expr(x).value();
                    self.b.ins().stack_store(types::I64, v, slot, at(2));
                    (VIEW_INT, x.span)
                }
                Index::Slice {
                    start,
                    stop,
                    step,
                    span,
                } => {
                    let mut present = 0;
                    for (bit, part) in [start, stop, step].into_iter().enumerate() {
                        if let Some(x) = part {
                            let v = self.expr(x).value();
                            self.b.ins().stack_store(types::I64, v, slot, at(2 + bit));
                            present |= 1 << bit;
                        }
                    }
                    (VIEW_SLICE | present << 1, *span)
                }
            };
            let kind = self.b.ins().iconst(types::I64, kind);
            self.b.ins().stack_store(types::I64, kind, slot, at(0));
            let span = self
                .b
                .ins()
                .iconst(types::I64, pack_span(span.start, span.end));
            self.b.ins().stack_store(types::I64, span, slot, at(1));
        }
        let h = self.read_local(arr, e.span);
        let area = self.b.ins().stack_addr(types::I64, slot, 0);
        let whole = self.span(e.span);
        let ctx = self.ctx;
        let v = self.call_rt(
            rt::rt_view as *const u8,
            &[types::I64; 4],
            &[types::I64],
            &[ctx, h, area, whole],
        )[0];
        self.check_failed();
        Val {
            v: Some(v),
            owned: true,
        }
    }
}
