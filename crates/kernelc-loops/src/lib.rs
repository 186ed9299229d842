//! The loop-nest layer, between the typed IR (`kernelc-sema`) and the code generator
//! (`kernelc-codegen`).
//!
//! [`plan_program`] rewrites each function of a typed program so that every whole-array
//! operation (element-wise trees, reductions, `dot`, region stores) is one [`Nest`]:
//! fusion is decided here, once. The code generator consumes the planned functions; the
//! reference interpreter does not (it evaluates the typed IR its own way, so the
//! differential tests check this layer and the code generator against an independent
//! oracle). [`print_program`] gives the text form (`kernelc ir --stage loops`) and
//! [`verify`] checks the invariants listed in [`nest`].

pub mod nest;
mod plan;
mod print;
mod verify;

pub use nest::*;
pub use plan::{plan_func, plan_program};
pub use print::print_program;
pub use verify::verify;

use kernelc_sema::tir::{Func, FuncId};

/// A typed-IR function after planning: its body refers to `nests` by index through
/// `ExprKind::Nest` and `StmtKind::Nest`; planner temporaries are extra locals.
#[derive(Clone, Debug)]
pub struct PlannedFunc {
    pub func: Func,
    pub nests: Vec<Nest>,
}

/// Every function of a program, planned.
#[derive(Clone, Debug)]
pub struct PlannedProgram {
    pub funcs: Vec<PlannedFunc>,
    pub entry: FuncId,
}
