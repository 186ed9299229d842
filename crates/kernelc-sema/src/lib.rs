//! Semantic analysis: name resolution, type inference per call signature, prange checks,
//! and lowering of the AST to the typed IR ([`tir`]).
//!
//! Entry points: [`compile`] instantiates a program from one entry function and argument
//! types (the signature), [`check`] type-checks everything that can be checked without
//! knowing call signatures. Both report every error they find.

mod arrays;
mod builtins;
mod calls;
pub mod complex;
mod consts;
mod expr;
mod format;
mod globals;
mod iter;
mod library;
mod lower;
mod numpy_args;
mod prange;
pub mod pretty;
mod stmts;
pub mod tir;
mod tir_arrays;
pub mod tuples;
pub mod types;
mod ufuncs;

pub use calls::param_defaults;
use kernelc_syntax::{ast, Diagnostic};
pub use lower::{check, compile, parse_annotation};
pub use tir::{Program, Type};

/// Names of a module's functions, in order of definition.
pub fn function_names(module: &ast::Module) -> Vec<&str> {
    module
        .items
        .iter()
        .filter_map(|i| match i {
            ast::Item::Func(f) => Some(f.name.name.as_str()),
            _ => None,
        })
        .collect()
}

/// Result of a compile: the program, or every error found.
pub type CompileResult<T> = Result<T, Vec<Diagnostic>>;
