//! Semantic analysis: name resolution, type inference per call signature, prange checks,
//! and lowering of the AST to the typed IR ([`tir`]).

pub mod tir;
