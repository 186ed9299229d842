//! What both executors (the reference interpreter and the JIT) share: element types and
//! scalars, the array type, one definition of every scalar operation and math function,
//! reductions in a fixed order, the counter-based RNG, prange chunking, value formatting,
//! and the op table (math functions, reductions, range counts) every stage consults.

pub mod array;
pub mod complex;
pub mod complex_math;
pub mod construct;
pub mod dtype;
pub mod error;
pub mod format;
pub mod interrupt;
pub mod library;
pub mod math;
pub mod memory;
pub mod ops;
pub mod optable;
pub mod pool;
pub mod pyformat;
pub mod reduce;
pub mod rng;
pub mod select;

pub use array::{Array, Element};
pub use dtype::{DType, Scalar};
pub use error::RuntimeError;
pub use interrupt::{Deadline, Interrupt};
