//! The data layout shared by generated code and the runtime helpers it calls.
//!
//! * An array value in native code is a pointer to an [`ArrayHandle`]: an `Arc` allocation
//!   whose first fields (data pointer, shape, strides) native code reads at fixed offsets.
//!   Handles are reference counted by [`crate::rt::rt_retain`]/[`crate::rt::rt_release`].
//! * Every generated function takes a `*mut JitCtx` first. Helpers that can fail record a
//!   [`RuntimeError`] in it and set `failed`; generated code tests that byte after such a
//!   call and leaves through its error exit (nothing unwinds through native frames).
//! * Values cross into the runtime as 64-bit words ([`to_bits`]/[`from_bits`]).

use kernelc_runtime::rng::Rng;
use kernelc_runtime::{Array, DType, Interrupt, RuntimeError, Scalar};
use kernelc_sema::tir::{Program, Type};
use std::io::Write;
use std::sync::Arc;

/// Highest array rank compiled natively (functions with higher ranks run interpreted).
pub const MAX_NDIM: usize = 8;

/// Byte offsets of [`ArrayHandle`] fields read by native code.
pub const OFF_DATA: i32 = 0;
pub const OFF_SHAPE: i32 = 8;
pub const OFF_STRIDES: i32 = 8 + 8 * MAX_NDIM as i32;

/// An array as native code sees it.
#[repr(C)]
pub struct ArrayHandle {
    /// Address of element `[0, 0, ...]`.
    pub data: *mut u8,
    pub shape: [i64; MAX_NDIM],
    /// In elements.
    pub strides: [i64; MAX_NDIM],
    /// The owner of the memory.
    pub array: Array,
}

// SAFETY: the handle is immutable after creation; `data` points into `array`'s buffer,
// which is Send + Sync.
unsafe impl Send for ArrayHandle {}
// SAFETY: see Send.
unsafe impl Sync for ArrayHandle {}

impl ArrayHandle {
    /// A new handle (reference count 1) as a raw pointer for native code.
    pub fn into_raw(array: Array) -> *const ArrayHandle {
        let mut shape = [0i64; MAX_NDIM];
        let mut strides = [0i64; MAX_NDIM];
        for (k, (&n, &s)) in array
            .shape()
            .iter()
            .zip(array.strides())
            .enumerate()
            .take(MAX_NDIM)
        {
            shape[k] = n as i64;
            strides[k] = s as i64;
        }
        let data = array
            .buffer()
            .as_ptr()
            .wrapping_offset(array.offset() * array.dtype().size() as isize);
        Arc::into_raw(Arc::new(ArrayHandle {
            data,
            shape,
            strides,
            array,
        }))
    }

    /// The array behind a handle pointer (a new view of the same memory).
    ///
    /// # Safety
    /// `h` must be a live handle made by [`ArrayHandle::into_raw`].
    pub unsafe fn array(h: *const ArrayHandle) -> Array {
        // SAFETY: guaranteed by the caller.
        unsafe { (*h).array.clone() }
    }
}

/// The state one run of native code shares with the runtime helpers.
#[repr(C)]
pub struct JitCtx {
    /// Set to 1 by a helper that recorded an error (offset 0, read by native code).
    pub failed: u8,
    /// Call depth (offset 8, maintained by native code around calls).
    pub depth: i64,
    /// The interrupt flag polled at loop back-edges and calls (offset 16): nonzero once
    /// the embedder's [`Interrupt`] was triggered ([`NEVER_INTERRUPTED`] when there is none).
    pub interrupt_flag: *const u8,
    /// The embedder's interrupt handle, if any (its state gives the error message).
    pub interrupt: Option<Interrupt>,
    pub error: Option<RuntimeError>,
    pub rng: Rng,
    /// The program as written (the interpreter runs it).
    pub program: *const Program,
    /// The program native code was generated from (calls hoisted; see `hoist`).
    pub lowered: *const Program,
    pub out: *mut dyn Write,
    /// Threads for parallel loops (0: the default, see `kernelc_runtime::pool`).
    pub threads: usize,
    /// Text buffers of `print` and formatted strings (see [`crate::print_rt`]).
    pub strings: crate::print_rt::Strings,
}

/// Byte offsets of [`JitCtx`] fields read by native code.
pub const CTX_FAILED: i32 = 0;
pub const CTX_DEPTH: i32 = 8;
pub const CTX_INTERRUPT: i32 = 16;

/// The flag of calls made without an interrupt handle: never set.
pub static NEVER_INTERRUPTED: u8 = 0;

impl JitCtx {
    /// Records an error (the first one wins) and marks the context failed.
    pub fn fail(&mut self, e: RuntimeError) {
        if self.error.is_none() {
            self.error = Some(e);
        }
        self.failed = 1;
    }
}

/// Packs a span into one word for helper calls.
pub fn pack_span(start: u32, end: u32) -> i64 {
    ((start as u64) << 32 | end as u64) as i64
}

/// The inverse of [`pack_span`].
pub fn unpack_span(s: i64) -> (u32, u32) {
    ((s as u64 >> 32) as u32, s as u64 as u32)
}

/// A scalar as a 64-bit word (the op table's [`Scalar::to_word`]).
pub fn to_bits(s: Scalar) -> u64 {
    s.to_word()
}

/// A word back to a scalar of type `d` ([`Scalar::from_word`]).
pub fn from_bits(bits: u64, d: DType) -> Scalar {
    Scalar::from_word(bits, d)
}

/// True when native code can hold values of this type in a local.
pub fn native_type(t: Type) -> bool {
    match t {
        Type::Scalar(_) | Type::None => true,
        Type::Array(a) => (a.ndim as usize) <= MAX_NDIM,
        // Tuple locals are scalarised by sema (never read or written); a tuple return
        // value is returned as its leaves.
        Type::Tuple(tt) => tt.leaves().into_iter().all(native_type),
        Type::Str => false,
    }
}
