//! Native array constructors (`zeros`, `empty`, `ones`, `full`, `arange`, `linspace`,
//! the `*_like` forms) and random arrays: the arguments are evaluated here, in the
//! interpreter's order, and their words handed to [`crate::construct_rt::rt_construct`],
//! which calls the runtime's one definition ([`kernelc_runtime::construct`]).

use super::{FnLower, Val};
use crate::construct_rt::{self, Kind};
use cranelift_codegen::ir::{types, InstBuilder, StackSlot, StackSlotData, StackSlotKind, Value};
use kernelc_runtime::DType;
use kernelc_sema::tir::{Alloc, Dist, Expr, Type};

/// Scalars handed to the helper: (element type, value word) pairs.
#[derive(Default)]
struct Words {
    scalars: Vec<(DType, Value)>,
    dims: Option<Vec<(DType, Value)>>,
}

impl FnLower<'_, '_> {
    /// Evaluates a scalar argument to a (type, word) pair.
    fn scalar_word(&mut self, e: &Expr) -> (DType, Value) {
        let d = e.ty.dtype().expect("a scalar argument");
        let v = self.expr(e).value();
        (d, self.word_of(v, e.ty))
    }

    /// Evaluates a shape (an integer or a tuple of integers) to (type, word) pairs.
    fn shape_words(&mut self, e: &Expr) -> Vec<(DType, Value)> {
        match e.ty {
            Type::Tuple(tt) => {
                let leaves = tt.leaves();
                let vals = self.tuple_vals(e);
                vals.into_iter()
                    .zip(leaves)
                    .map(|(v, t)| {
                        let d = t.dtype().expect("an integer dimension");
                        (d, self.word_of(v.value(), t))
                    })
                    .collect()
            }
            _ => vec![self.scalar_word(e)],
        }
    }

    /// A constructor call (`ExprKind::Alloc`) as a new array.
    pub(super) fn alloc_array(&mut self, a: &Alloc, e: &Expr) -> Val {
        let mut w = Words::default();
        let kind = match a {
            Alloc::Zeros { shape } => {
                w.dims = Some(self.shape_words(shape));
                Kind::Zeros
            }
            Alloc::Ones { shape } => {
                w.dims = Some(self.shape_words(shape));
                Kind::Ones
            }
            Alloc::Full { shape, value } => {
                let dims = self.shape_words(shape);
                self.check_shape(&dims, shape.span);
                w.dims = Some(dims);
                w.scalars.push(self.scalar_word(value));
                Kind::Full
            }
            Alloc::Arange { start, stop, step } => {
                for x in [start, stop, step] {
                    w.scalars.push(self.scalar_word(x));
                }
                Kind::Arange
            }
            Alloc::Linspace { start, stop, num } => {
                for x in [start, stop, num] {
                    w.scalars.push(self.scalar_word(x));
                }
                Kind::Linspace
            }
        };
        let shape_span = match a {
            Alloc::Zeros { shape } | Alloc::Ones { shape } | Alloc::Full { shape, .. } => {
                shape.span
            }
            _ => e.span,
        };
        self.construct(kind, w, shape_span, e)
    }

    /// `random(shape)`, `normal(...)`, `randint(lo, hi, shape)`: a new array of draws.
    pub(super) fn random_array(&mut self, dist: &Dist, shape: &Expr, e: &Expr) -> Val {
        let mut w = Words::default();
        let kind = match dist {
            Dist::Uniform => Kind::Uniform,
            Dist::Normal => Kind::Normal,
            Dist::Randint { lo, hi } => {
                w.scalars.push(self.scalar_word(lo));
                w.scalars.push(self.scalar_word(hi));
                Kind::Randint
            }
        };
        w.dims = Some(self.shape_words(shape));
        self.construct(kind, w, shape.span, e)
    }

    /// Stores (dtype code, word) pairs in a new stack slot after `lead` leading words;
    /// returns the slot.
    fn store_pairs(&mut self, lead: &[Value], pairs: &[(DType, Value)]) -> StackSlot {
        let n = lead.len() + 2 * pairs.len();
        let slot = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            (8 * n.max(1)) as u32,
            3,
        ));
        let mut words = lead.to_vec();
        for &(d, v) in pairs {
            words.push(self.b.ins().iconst(types::I64, construct_rt::dtype_code(d)));
            words.push(v);
        }
        for (k, v) in words.into_iter().enumerate() {
            self.b
                .ins()
                .stack_store(types::I64, v, slot, (8 * k) as i32);
        }
        slot
    }

    /// Reports a negative dimension now (before later arguments are evaluated).
    fn check_shape(&mut self, dims: &[(DType, Value)], span: kernelc_syntax::Span) {
        let slot = self.store_pairs(&[], dims);
        let addr = self.b.ins().stack_addr(types::I64, slot, 0);
        let ctx = self.ctx;
        let n = self.b.ins().iconst(types::I64, dims.len() as i64);
        let s = self.span(span);
        self.call_rt(
            construct_rt::rt_check_shape as *const u8,
            &[types::I64; 4],
            &[],
            &[ctx, addr, n, s],
        );
        self.check_failed();
    }

    /// Stores the words (see [`construct_rt::rt_construct`] for the layout) and calls the
    /// helper.
    fn construct(
        &mut self,
        kind: Kind,
        w: Words,
        shape_span: kernelc_syntax::Span,
        e: &Expr,
    ) -> Val {
        let dims = w.dims.as_deref().unwrap_or(&[]);
        let ns = self.b.ins().iconst(types::I64, w.scalars.len() as i64);
        let nd = self
            .b
            .ins()
            .iconst(types::I64, w.dims.as_ref().map_or(-1, |d| d.len() as i64));
        let pairs: Vec<(DType, Value)> = w.scalars.iter().chain(dims).copied().collect();
        let slot = self.store_pairs(&[ns, nd], &pairs);
        let addr = self.b.ins().stack_addr(types::I64, slot, 0);
        let ctx = self.ctx;
        let k = self.b.ins().iconst(types::I64, kind as i64);
        let d = e.ty.dtype().expect("an array type");
        let dt = self.b.ins().iconst(types::I64, construct_rt::dtype_code(d));
        let ss = self.span(shape_span);
        let es = self.span(e.span);
        let h = self.call_rt(
            construct_rt::rt_construct as *const u8,
            &[types::I64; 6],
            &[types::I64],
            &[ctx, k, dt, addr, ss, es],
        )[0];
        self.check_failed();
        Val {
            v: Some(h),
            owned: true,
        }
    }
}
