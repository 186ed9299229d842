//! The reference interpreter of kernelc: executes the typed IR
//! ([`kernelc_sema::tir`]) directly.
//!
//! It is the semantic oracle the JIT is tested against (same bits for every program) and
//! the performance baseline. Scalar code is walked as a tree; whole-array operations run
//! NumPy style, one typed loop per operation over `&[T]` slices (contiguous fast paths,
//! broadcasting via strides), never element by element through `Scalar`s (except casts
//! to and from complex types, which go through the scalar cast).
//!
//! Code map:
//! * [`exec`] — the [`Interpreter`]: calls, frames, statements (stores, loops, `prange`).
//! * `eval` — expressions.
//! * [`elementwise`] — broadcasting element-wise kernels and region copies.
//! * [`fused`] — block-wise fused evaluation of element-wise trees (numexpr style).
//! * [`reduce`] — reductions and `dot`.
//! * `complex`, `complex_array`, `complex_reduce` — complex scalars, element-wise
//!   operations on complex arrays, and their `sum prod mean dot`.
//! * [`index`] — index and slice resolution, views.
//! * [`alloc`] — constructors and random arrays.
//! * `scalar` — the per-element definitions shared by scalars and array kernels (all
//!   built on `kernelc_runtime::ops` and `kernelc_runtime::math`).
//! * [`value`] — run-time values and how `print` shows them.

pub mod alloc;
mod arrays;
mod complex;
mod complex_array;
mod complex_reduce;
pub mod elementwise;
mod eval;
pub mod exec;
pub mod fused;
pub mod index;
mod library;
pub mod reduce;
mod scalar;
pub mod value;

pub use exec::{Interpreter, MAX_DEPTH};
pub use value::Value;
