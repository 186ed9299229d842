//! Array constructors (`zeros`, `ones`, `full`, `arange`, `linspace`) and random arrays:
//! the runtime's one definition ([`kernelc_runtime::construct`]), which native code calls
//! too, under the names the interpreter uses.

pub use kernelc_runtime::construct::{
    arange, full, linspace, ones, random_array, random_scalar, shape_from_dims as shape_from_tuple,
    zeros as new_array, Distribution,
};

/// Largest array allocated, in bytes (see [`kernelc_runtime::Array::try_zeros`]).
pub const MAX_BYTES: u128 = kernelc_runtime::array::MAX_BYTES;
