//! The n-dimensional array shared by both executors: a reference-counted buffer plus a
//! strided view (shape, strides in elements, offset in elements), as in NumPy.
//!
//! Several `Array`s may view the same buffer (`b = a`, slices, rows). Writes through one
//! view are visible through the others, as in Python. The buffer is either owned (allocated
//! here, 64-byte aligned) or borrowed from the embedding program (writable or read-only).
//!
//! # Access rules (soundness)
//! Because views share their buffer, holding an `&Array` (or even an `&mut Array`) says
//! nothing about who else can reach the same elements. So:
//! * reading is safe: [`Array::as_slice`], [`Array::read_at`], [`Array::get`];
//! * writing through a view that may be shared is `unsafe`: [`Array::write_at`],
//!   [`Array::set`], [`Array::shared_mut_slice`], [`Array::data_mut_ptr`]. Their contract:
//!   while the write happens, no other thread reads or writes the written elements and no
//!   Rust reference to them (a slice from `as_slice`, another `shared_mut_slice`) is alive;
//! * safe mutable access exists only when the view provably is the only one:
//!   [`Array::as_mut_slice`] takes `&mut self` and succeeds only for the sole view of a
//!   writable buffer (a freshly allocated result, for instance).
//!
//! Every view's reachable elements lie inside its buffer: the safe view constructors check
//! it, so reads never leave the buffer.

use crate::dtype::{Complex32, Complex64};
use crate::memory::MemoryLimit;
use crate::{DType, Scalar};
use std::alloc::{self, Layout};
use std::ptr::NonNull;
use std::sync::Arc;

/// Largest array allocated, in bytes (1 TiB).
pub const MAX_BYTES: u128 = 1 << 40;

/// Alignment of owned buffers: a cache line, enough for any SIMD load.
const ALIGN: usize = 64;

/// Raw storage of an array. Never resized after creation.
pub struct Buffer {
    ptr: NonNull<u8>,
    bytes: usize,
    /// `Some` when this buffer allocated `ptr` and must free it.
    layout: Option<Layout>,
    /// False for memory lent read-only by the embedding program: nothing writes it.
    writable: bool,
    /// The call's memory budget this buffer is charged to (refunded when freed).
    charged: Option<Arc<MemoryLimit>>,
}

// SAFETY: a Buffer is plain memory with no thread affinity.
unsafe impl Send for Buffer {}
// SAFETY: the buffer is never reallocated, and every write through a shared reference is an
// `unsafe` operation of `Array` whose contract excludes concurrent access to the written
// elements (see the module doc), so sharing a `&Buffer` between threads is sound.
unsafe impl Sync for Buffer {}

impl Buffer {
    /// A zero-filled owned buffer of `bytes` bytes.
    fn zeroed(bytes: usize) -> Buffer {
        Buffer::owned(bytes, true)
    }

    /// An owned buffer of `bytes` bytes: zero-filled, or with `zero_pooled == false` a
    /// reused buffer keeps its old bytes (initialised memory; for results whose every
    /// element is written before anything reads it).
    fn owned(bytes: usize, zero_pooled: bool) -> Buffer {
        if bytes == 0 {
            return Buffer {
                ptr: NonNull::<u64>::dangling().cast(),
                bytes: 0,
                layout: None,
                writable: true,
                charged: None,
            };
        }
        let charged = crate::memory::current();
        if let Some(l) = &charged {
            l.charge(bytes);
        }
        if let Some(mut b) = pool::take(bytes) {
            b.charged = charged;
            if zero_pooled {
                // SAFETY: the pooled buffer owns `bytes` writable bytes.
                unsafe { std::ptr::write_bytes(b.ptr.as_ptr(), 0, bytes) };
            }
            return b;
        }
        let layout = Layout::from_size_align(bytes, ALIGN).expect("array too large");
        // SAFETY: layout has non-zero size.
        let ptr = unsafe { alloc::alloc_zeroed(layout) };
        let Some(ptr) = NonNull::new(ptr) else {
            alloc::handle_alloc_error(layout)
        };
        Buffer {
            ptr,
            bytes,
            layout: Some(layout),
            writable: true,
            charged,
        }
    }

    /// Wraps memory owned by someone else.
    ///
    /// # Safety
    /// `ptr` must be valid for reads and writes of `bytes` bytes, aligned for the element
    /// type it will be viewed as, for as long as any `Array` over this buffer lives.
    pub unsafe fn borrowed(ptr: NonNull<u8>, bytes: usize) -> Buffer {
        Buffer {
            ptr,
            bytes,
            layout: None,
            writable: true,
            charged: None,
        }
    }

    /// Wraps memory owned by someone else that must never be written.
    ///
    /// # Safety
    /// `ptr` must be valid for reads of `bytes` bytes, aligned for the element type it
    /// will be viewed as, and not written by anyone, for as long as any `Array` over this
    /// buffer lives.
    pub unsafe fn borrowed_read_only(ptr: NonNull<u8>, bytes: usize) -> Buffer {
        Buffer {
            ptr,
            bytes,
            layout: None,
            writable: false,
            charged: None,
        }
    }

    /// The start of the memory. Writing through it needs the guarantees of
    /// [`Array::write_at`] and a writable buffer ([`Buffer::is_writable`]).
    pub fn as_ptr(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    /// False when the memory was lent read-only ([`Buffer::borrowed_read_only`]).
    pub fn is_writable(&self) -> bool {
        self.writable
    }

    /// True when the memory belongs to the embedding program (not allocated here).
    pub fn is_borrowed(&self) -> bool {
        self.layout.is_none() && self.bytes > 0
    }

    pub fn len_bytes(&self) -> usize {
        self.bytes
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        if let Some(l) = self.charged.take() {
            l.refund(self.bytes);
        }
        if let Some(layout) = self.layout {
            if pool::keep(self.ptr, self.bytes, layout) {
                return;
            }
            // SAFETY: allocated in `zeroed` with exactly this layout.
            unsafe { alloc::dealloc(self.ptr.as_ptr(), layout) }
        }
    }
}

/// A few recently freed large buffers, kept for reuse: a kernel called in a loop that
/// returns a new large array would otherwise map fresh pages (and take their page faults)
/// on every call, as NumPy's allocator cache also avoids.
mod pool {
    use super::Buffer;
    use std::alloc::Layout;
    use std::ptr::NonNull;
    use std::sync::Mutex;

    /// Buffers at least this large are pooled.
    const MIN_BYTES: usize = 1 << 20;
    /// At most this many buffers, and this many bytes, are kept.
    const MAX_BUFFERS: usize = 4;
    const MAX_TOTAL: usize = 256 << 20;

    struct Slot {
        ptr: NonNull<u8>,
        bytes: usize,
        layout: Layout,
    }

    // SAFETY: a pooled buffer is plain memory nobody references.
    unsafe impl Send for Slot {}

    static POOL: Mutex<Vec<Slot>> = Mutex::new(Vec::new());

    /// Takes a pooled buffer of exactly `bytes` bytes (contents unspecified).
    pub(super) fn take(bytes: usize) -> Option<Buffer> {
        if bytes < MIN_BYTES {
            return None;
        }
        let mut p = POOL.lock().ok()?;
        let i = p.iter().position(|s| s.bytes == bytes)?;
        let s = p.swap_remove(i);
        Some(Buffer {
            ptr: s.ptr,
            bytes: s.bytes,
            layout: Some(s.layout),
            writable: true,
            charged: None,
        })
    }

    /// Keeps a freed buffer if there is room; false when the caller must free it.
    pub(super) fn keep(ptr: NonNull<u8>, bytes: usize, layout: Layout) -> bool {
        if bytes < MIN_BYTES {
            return false;
        }
        let Ok(mut p) = POOL.lock() else { return false };
        let total: usize = p.iter().map(|s| s.bytes).sum();
        if p.len() >= MAX_BUFFERS || total + bytes > MAX_TOTAL {
            return false;
        }
        p.push(Slot { ptr, bytes, layout });
        true
    }
}

/// A Rust type that can be an array element.
pub trait Element: Copy + Send + Sync + 'static {
    const DTYPE: DType;
    fn to_scalar(self) -> Scalar;
    /// Converts a scalar of the same dtype (other dtypes give an unspecified value; the
    /// stages before guarantee matching types).
    fn from_scalar(s: Scalar) -> Self;
}

macro_rules! element {
    ($t:ty, $variant:ident, $dt:ident) => {
        impl Element for $t {
            const DTYPE: DType = DType::$dt;
            #[inline]
            fn to_scalar(self) -> Scalar {
                Scalar::$variant(self)
            }
            #[inline]
            fn from_scalar(s: Scalar) -> Self {
                match s {
                    Scalar::$variant(v) => v,
                    other => match other.as_i128() {
                        Some(i) => i as $t,
                        None => other.as_f64() as $t,
                    },
                }
            }
        }
    };
}
element!(i8, I8, I8);
element!(i16, I16, I16);
element!(i32, I32, I32);
element!(i64, I64, I64);
element!(u8, U8, U8);
element!(u16, U16, U16);
element!(u32, U32, U32);
element!(u64, U64, U64);
element!(f32, F32, F32);
element!(f64, F64, F64);

macro_rules! complex_element {
    ($t:ty, $variant:ident, $part:ty) => {
        impl Element for $t {
            const DTYPE: DType = DType::$variant;
            #[inline]
            fn to_scalar(self) -> Scalar {
                Scalar::$variant(self)
            }
            #[inline]
            fn from_scalar(s: Scalar) -> Self {
                match s {
                    Scalar::$variant(v) => v,
                    other => {
                        let c = other.as_c128();
                        <$t>::new(c.re as $part, c.im as $part)
                    }
                }
            }
        }
    };
}
complex_element!(crate::dtype::Complex32, C64, f32);
complex_element!(crate::dtype::Complex64, C128, f64);

impl Element for bool {
    const DTYPE: DType = DType::Bool;
    #[inline]
    fn to_scalar(self) -> Scalar {
        Scalar::Bool(self)
    }
    #[inline]
    fn from_scalar(s: Scalar) -> Self {
        s.truthy()
    }
}

/// An n-dimensional strided view of a shared buffer.
#[derive(Clone)]
pub struct Array {
    buf: Arc<Buffer>,
    dtype: DType,
    /// Offset of element `[0, 0, ...]` from the buffer start, in elements.
    offset: isize,
    shape: Vec<usize>,
    /// Distance between neighbours along each axis, in elements (may be negative or 0).
    strides: Vec<isize>,
}

impl std::fmt::Debug for Array {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Array({} {:?})", self.dtype, self.shape)
    }
}

/// C-order (row-major) strides of a shape, in elements.
pub fn c_strides(shape: &[usize]) -> Vec<isize> {
    let mut strides = vec![0isize; shape.len()];
    let mut acc = 1isize;
    for (s, &n) in strides.iter_mut().zip(shape).rev() {
        *s = acc;
        acc = acc.wrapping_mul(n as isize);
    }
    strides
}

/// Number of elements of a shape, or `None` on overflow.
pub fn checked_size(shape: &[usize]) -> Option<usize> {
    shape.iter().try_fold(1usize, |acc, &n| acc.checked_mul(n))
}

impl Array {
    /// A new zero-filled C-contiguous array. The caller has checked the size (see
    /// [`checked_size`]); sizes whose byte count overflows panic.
    pub fn zeros(dtype: DType, shape: &[usize]) -> Array {
        let n = checked_size(shape).expect("array size overflows");
        let bytes = n.checked_mul(dtype.size()).expect("array size overflows");
        Array {
            buf: Arc::new(Buffer::zeroed(bytes)),
            dtype,
            offset: 0,
            shape: shape.to_vec(),
            strides: c_strides(shape),
        }
    }

    /// A new zero-filled C-contiguous array, or an error (never an abort) when its size
    /// is absurd (more than [`MAX_BYTES`]), would exceed the call's memory limit
    /// ([`crate::memory`]), or is refused by the system. Array constructors and whole-array
    /// results of both executors allocate through this.
    pub fn try_zeros(dtype: DType, shape: &[usize]) -> Result<Array, String> {
        let mut bytes: u128 = dtype.size() as u128;
        for &n in shape {
            bytes = bytes.saturating_mul(n as u128);
        }
        // A zero-size array never allocates, whatever its other dimensions.
        if shape.contains(&0) {
            bytes = 0;
        }
        if bytes > MAX_BYTES || checked_size(shape).is_none() {
            return Err(format!(
                "array is too big: shape {} of {} needs more than {} bytes",
                crate::error::msg::shape(shape),
                dtype,
                MAX_BYTES
            ));
        }
        let bytes = bytes as usize;
        crate::memory::check(bytes)?;
        // A failed allocation would abort the process: for big arrays, first check that
        // the memory can be had (with overcommit this only reserves address space).
        if bytes >= 1 << 26 && Vec::<u8>::new().try_reserve_exact(bytes).is_err() {
            return Err(format!(
                "array is too big: cannot allocate {bytes} bytes for shape {} of {dtype}",
                crate::error::msg::shape(shape)
            ));
        }
        Ok(Array::zeros(dtype, shape))
    }

    /// Like [`Array::try_zeros`] (same checks and errors), for a result whose every
    /// element the caller writes before anything reads it: a reused buffer is not
    /// zero-filled first (its old bytes are still initialised memory). Native loop nests
    /// allocate their new arrays with it, saving one pass over the memory.
    pub fn try_for_overwrite(dtype: DType, shape: &[usize]) -> Result<Array, String> {
        let n = checked_size(shape).unwrap_or(usize::MAX);
        let bytes = n.saturating_mul(dtype.size());
        // Small, empty, absurd or refused sizes: `try_zeros` allocates or reports them
        // (only big buffers are pooled, so only they can skip the fill).
        if shape.contains(&0)
            || bytes < 1 << 20
            || bytes as u128 > MAX_BYTES
            || (bytes >= 1 << 26 && Vec::<u8>::new().try_reserve_exact(bytes).is_err())
        {
            return Array::try_zeros(dtype, shape);
        }
        crate::memory::check(bytes)?;
        Ok(Array {
            buf: Arc::new(Buffer::owned(bytes, false)),
            dtype,
            offset: 0,
            shape: shape.to_vec(),
            strides: c_strides(shape),
        })
    }

    /// A new C-contiguous array holding `data` with the given shape (`data.len()` must be
    /// the shape's size).
    pub fn from_vec<T: Element>(data: Vec<T>, shape: &[usize]) -> Array {
        assert_eq!(
            checked_size(shape),
            Some(data.len()),
            "shape does not fit data"
        );
        let mut a = Array::zeros(T::DTYPE, shape);
        if let Some(s) = a.as_mut_slice::<T>() {
            s.copy_from_slice(&data);
        }
        a
    }

    /// An array viewing an existing buffer.
    ///
    /// # Safety
    /// Every element reachable from `offset`, `shape` and `strides` must lie inside `buf`.
    pub unsafe fn from_parts(
        buf: Arc<Buffer>,
        dtype: DType,
        offset: isize,
        shape: Vec<usize>,
        strides: Vec<isize>,
    ) -> Array {
        Array {
            buf,
            dtype,
            offset,
            shape,
            strides,
        }
    }

    pub fn dtype(&self) -> DType {
        self.dtype
    }
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }
    pub fn strides(&self) -> &[isize] {
        &self.strides
    }
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }
    pub fn offset(&self) -> isize {
        self.offset
    }
    pub fn buffer(&self) -> &Arc<Buffer> {
        &self.buf
    }
    /// Number of elements.
    pub fn size(&self) -> usize {
        self.shape.iter().product()
    }

    /// True when the elements are laid out in C order without gaps.
    pub fn is_c_contiguous(&self) -> bool {
        let mut expect = 1isize;
        for (&n, &s) in self.shape.iter().zip(&self.strides).rev() {
            if n != 1 && s != expect {
                return n == 0 || self.size() == 0;
            }
            expect *= n as isize;
        }
        true
    }

    /// True when both arrays view the same buffer (so writes through one may change the
    /// other).
    pub fn shares_buffer(&self, other: &Array) -> bool {
        Arc::ptr_eq(&self.buf, &other.buf)
    }

    /// Pointer to element `[0, 0, ...]`, typed.
    ///
    /// # Safety
    /// `T` must match the dtype; the pointer is valid while the buffer lives. Writing
    /// through it needs the guarantees of [`Array::write_at`].
    #[inline]
    pub unsafe fn base_ptr<T: Element>(&self) -> *mut T {
        debug_assert_eq!(T::DTYPE, self.dtype);
        // SAFETY: offset points inside the buffer (or one past the end for empty arrays).
        unsafe { (self.buf.as_ptr() as *mut T).offset(self.offset) }
    }

    /// The elements as a slice when the array is C-contiguous.
    ///
    /// Sound because every write through another view of the buffer is an `unsafe`
    /// operation whose caller promises that no such slice is alive while it writes.
    pub fn as_slice<T: Element>(&self) -> Option<&[T]> {
        if T::DTYPE != self.dtype || !self.is_c_contiguous() {
            return None;
        }
        // SAFETY: contiguous, dtype checked, all `size` elements lie in the buffer (view
        // invariant); writers elsewhere respect live slices (module doc).
        Some(unsafe { std::slice::from_raw_parts(self.base_ptr::<T>(), self.size()) })
    }

    /// True when this is the only view of its buffer and the buffer may be written: then
    /// `&mut self` is exclusive access to every element.
    pub fn is_unique(&mut self) -> bool {
        self.buf.writable && Arc::get_mut(&mut self.buf).is_some()
    }

    /// The elements as a mutable slice, when this view is the only one of a writable
    /// buffer (see [`Array::is_unique`]) and is C-contiguous with element type `T`; `None`
    /// otherwise. A freshly allocated array always qualifies.
    pub fn as_mut_slice<T: Element>(&mut self) -> Option<&mut [T]> {
        if T::DTYPE != self.dtype || !self.is_c_contiguous() || !self.is_unique() {
            return None;
        }
        // SAFETY: contiguous, dtype checked, elements inside the buffer; no other `Array`
        // shares the buffer and `&mut self` excludes other uses of this one, so the slice
        // is the only access for its lifetime.
        Some(unsafe { std::slice::from_raw_parts_mut(self.base_ptr::<T>(), self.size()) })
    }

    /// The elements as a mutable slice when the array is C-contiguous with element type
    /// `T` and its buffer is writable, although other views may share the buffer.
    ///
    /// # Safety
    /// For the lifetime of the slice, no other thread accesses these elements and no other
    /// reference to any of them (slices from [`Array::as_slice`] or from this function
    /// through any view of the same buffer) is used.
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn shared_mut_slice<T: Element>(&self) -> Option<&mut [T]> {
        if T::DTYPE != self.dtype || !self.is_c_contiguous() || !self.buf.writable {
            return None;
        }
        // SAFETY: as in `as_slice`; exclusivity is the caller's contract above.
        Some(unsafe { std::slice::from_raw_parts_mut(self.base_ptr::<T>(), self.size()) })
    }

    /// The start of the whole buffer, typed, for writes at element offsets
    /// ([`Array::offset_of`]); `None` when `T` is not the dtype or the buffer is read-only.
    /// Creating the pointer is safe; writing through it needs the guarantees of
    /// [`Array::write_at`], and offsets must come from in-bounds indices of a view.
    pub fn data_mut_ptr<T: Element>(&self) -> Option<*mut T> {
        (T::DTYPE == self.dtype && self.buf.writable).then(|| self.buf.as_ptr() as *mut T)
    }

    /// Element offset (from the buffer start) of a multi-index; indices must be in bounds.
    #[inline]
    pub fn offset_of(&self, index: &[usize]) -> isize {
        debug_assert_eq!(index.len(), self.ndim());
        self.offset
            + index
                .iter()
                .zip(&self.strides)
                .map(|(&i, &s)| i as isize * s)
                .sum::<isize>()
    }

    /// True when element offset `off` lies inside the buffer.
    #[inline]
    fn in_buffer(&self, off: isize) -> bool {
        off >= 0 && (off as usize) < self.buf.bytes / self.dtype.size()
    }

    /// Reads the element at an element offset from the buffer start (from an in-bounds
    /// index, see [`Array::offset_of`]). Panics when the offset is outside the buffer.
    #[inline]
    pub fn read_at(&self, off: isize) -> Scalar {
        assert!(
            self.in_buffer(off),
            "element offset outside the array buffer"
        );
        let p = self.buf.as_ptr();
        // SAFETY: the offset lies inside the buffer (checked above) and the element type
        // matches the dtype.
        unsafe {
            match self.dtype {
                DType::Bool => Scalar::Bool(*(p as *const bool).offset(off)),
                DType::I8 => Scalar::I8(*(p as *const i8).offset(off)),
                DType::I16 => Scalar::I16(*(p as *const i16).offset(off)),
                DType::I32 => Scalar::I32(*(p as *const i32).offset(off)),
                DType::I64 => Scalar::I64(*(p as *const i64).offset(off)),
                DType::U8 => Scalar::U8(*(p as *const u8).offset(off)),
                DType::U16 => Scalar::U16(*(p as *const u16).offset(off)),
                DType::U32 => Scalar::U32(*(p as *const u32).offset(off)),
                DType::U64 => Scalar::U64(*(p as *const u64).offset(off)),
                DType::F32 => Scalar::F32(*(p as *const f32).offset(off)),
                DType::F64 => Scalar::F64(*(p as *const f64).offset(off)),
                DType::C64 => Scalar::C64(*(p as *const Complex32).offset(off)),
                DType::C128 => Scalar::C128(*(p as *const Complex64).offset(off)),
            }
        }
    }

    /// Writes a scalar (of this array's dtype) at an element offset from the buffer start.
    /// Panics when the offset is outside the buffer or the buffer is read-only.
    ///
    /// # Safety
    /// Other views may share the buffer: during the write no other thread may access the
    /// element and no Rust reference to it (a slice from [`Array::as_slice`] or
    /// [`Array::shared_mut_slice`] of any view of the buffer) may be alive.
    #[inline]
    pub unsafe fn write_at(&self, off: isize, v: Scalar) {
        assert!(
            self.in_buffer(off) && self.buf.writable,
            "write outside a writable array buffer"
        );
        let p = self.buf.as_ptr();
        debug_assert_eq!(v.dtype(), self.dtype);
        // SAFETY: in bounds and writable (checked above), element type matches the dtype,
        // and the caller excludes conflicting accesses.
        unsafe {
            match self.dtype {
                DType::Bool => *(p as *mut bool).offset(off) = bool::from_scalar(v),
                DType::I8 => *(p as *mut i8).offset(off) = i8::from_scalar(v),
                DType::I16 => *(p as *mut i16).offset(off) = i16::from_scalar(v),
                DType::I32 => *(p as *mut i32).offset(off) = i32::from_scalar(v),
                DType::I64 => *(p as *mut i64).offset(off) = i64::from_scalar(v),
                DType::U8 => *p.offset(off) = u8::from_scalar(v),
                DType::U16 => *(p as *mut u16).offset(off) = u16::from_scalar(v),
                DType::U32 => *(p as *mut u32).offset(off) = u32::from_scalar(v),
                DType::U64 => *(p as *mut u64).offset(off) = u64::from_scalar(v),
                DType::F32 => *(p as *mut f32).offset(off) = f32::from_scalar(v),
                DType::F64 => *(p as *mut f64).offset(off) = f64::from_scalar(v),
                DType::C64 => *(p as *mut Complex32).offset(off) = Complex32::from_scalar(v),
                DType::C128 => *(p as *mut Complex64).offset(off) = Complex64::from_scalar(v),
            }
        }
    }

    /// Reads the element at a multi-index (in bounds).
    pub fn get(&self, index: &[usize]) -> Scalar {
        self.read_at(self.offset_of(index))
    }

    /// Writes the element at a multi-index (in bounds).
    ///
    /// # Safety
    /// As for [`Array::write_at`].
    pub unsafe fn set(&self, index: &[usize], v: Scalar) {
        // SAFETY: forwarded to the caller.
        unsafe { self.write_at(self.offset_of(index), v) }
    }

    /// Calls `f` with the element offset of every element, in C order.
    pub fn for_each_offset(&self, mut f: impl FnMut(isize)) {
        for_each_offset(&self.shape, &self.strides, self.offset, &mut f)
    }

    /// Element at C-order flat position `i` (for printing and tests).
    pub fn get_flat(&self, mut i: usize) -> Scalar {
        let mut off = self.offset;
        for (&n, &s) in self.shape.iter().zip(&self.strides).rev() {
            off += (i % n) as isize * s;
            i /= n;
        }
        self.read_at(off)
    }

    /// A view with `axis` restricted to `start, start+step, ...` (`len` elements). The
    /// caller has clamped the range as Python slicing does.
    /// Panics when the view would reach outside the buffer.
    pub fn slice_axis(&self, axis: usize, start: usize, step: isize, len: usize) -> Array {
        let mut v = self.clone();
        if len > 0 {
            v.offset += start as isize * self.strides[axis];
        }
        v.shape[axis] = len;
        v.strides[axis] = self.strides[axis] * step;
        v.check_view();
        v
    }

    /// A view with `axis` removed, fixed at position `i` (in bounds; panics otherwise).
    pub fn index_axis(&self, axis: usize, i: usize) -> Array {
        assert!(i < self.shape[axis], "index_axis out of bounds");
        let mut v = self.clone();
        v.offset += i as isize * self.strides[axis];
        v.shape.remove(axis);
        v.strides.remove(axis);
        v
    }

    /// A view of the same elements with a new shape and strides (broadcasting uses stride
    /// 0). Panics when the view would reach outside the buffer.
    pub fn restrided(&self, shape: Vec<usize>, strides: Vec<isize>) -> Array {
        assert_eq!(
            shape.len(),
            strides.len(),
            "shape and strides differ in rank"
        );
        let v = Array {
            buf: self.buf.clone(),
            dtype: self.dtype,
            offset: self.offset,
            shape,
            strides,
        };
        v.check_view();
        v
    }

    /// The real (`imag: false`) or imaginary parts of a complex array as a view of the
    /// part type (f32, f64) over the same memory, as NumPy's `z.real` / `z.imag`: offsets
    /// and strides count parts, two per element. `None` for a real array.
    pub fn part_view(&self, imag: bool) -> Option<Array> {
        if !self.dtype.is_complex() {
            return None;
        }
        let v = Array {
            buf: self.buf.clone(),
            dtype: self.dtype.component(),
            offset: 2 * self.offset + isize::from(imag),
            shape: self.shape.clone(),
            strides: self.strides.iter().map(|&s| 2 * s).collect(),
        };
        v.check_view();
        Some(v)
    }

    /// Asserts the view invariant: every reachable element lies inside the buffer.
    fn check_view(&self) {
        if self.shape.contains(&0) {
            return;
        }
        let (mut lo, mut hi) = (self.offset as i128, self.offset as i128);
        for (&n, &s) in self.shape.iter().zip(&self.strides) {
            let span = (n as i128 - 1) * s as i128;
            if span < 0 {
                lo += span;
            } else {
                hi += span;
            }
        }
        let len = (self.buf.bytes / self.dtype.size().max(1)) as i128;
        assert!(lo >= 0 && hi < len, "array view outside its buffer");
    }

    /// An array viewing memory the caller owns (no copy).
    ///
    /// # Safety
    /// `data` must be valid for reads (and for writes, if kernels write into the array) of
    /// `len` elements of `T`, and stay valid, with no other access through Rust references
    /// that conflicts with the kernel's, for as long as this array or any view of it lives.
    /// Every element reachable from offset 0 with `shape` and `strides` must lie among the
    /// `len` (or the array must be re-based with [`Array::from_parts`] before any use).
    pub unsafe fn borrow_raw<T: Element>(
        data: *mut T,
        len: usize,
        shape: &[usize],
        strides: &[isize],
    ) -> Array {
        let ptr = NonNull::new(data as *mut u8).unwrap_or(NonNull::<u64>::dangling().cast());
        // SAFETY: forwarded to the caller.
        let buf = unsafe { Buffer::borrowed(ptr, len * T::DTYPE.size()) };
        Array {
            buf: Arc::new(buf),
            dtype: T::DTYPE,
            offset: 0,
            shape: shape.to_vec(),
            strides: strides.to_vec(),
        }
    }

    /// An array viewing memory the caller lends read-only (no copy): every write to it
    /// panics, and [`Array::as_mut_slice`] / [`Array::data_mut_ptr`] refuse it.
    ///
    /// # Safety
    /// `data` must be valid for reads of `len` elements of `T` and not be written by
    /// anyone for as long as this array or any view of it lives; reachable elements as
    /// for [`Array::borrow_raw`].
    pub unsafe fn borrow_raw_read_only<T: Element>(
        data: *const T,
        len: usize,
        shape: &[usize],
        strides: &[isize],
    ) -> Array {
        let ptr = NonNull::new(data as *mut u8).unwrap_or(NonNull::<u64>::dangling().cast());
        // SAFETY: forwarded to the caller.
        let buf = unsafe { Buffer::borrowed_read_only(ptr, len * T::DTYPE.size()) };
        Array {
            buf: Arc::new(buf),
            dtype: T::DTYPE,
            offset: 0,
            shape: shape.to_vec(),
            strides: strides.to_vec(),
        }
    }

    /// A C-contiguous copy of the elements.
    pub fn to_contiguous(&self) -> Array {
        let mut out = Array::zeros(self.dtype, &self.shape);
        fn copy<T: Element>(src: &Array, out: &mut Array) {
            if let (Some(p), Some(o)) = (src.data_ptr::<T>(), out.as_mut_slice::<T>()) {
                let mut k = 0;
                src.for_each_offset(|off| {
                    // SAFETY: offsets of an in-bounds view lie inside the buffer (view
                    // invariant); `out` is a different, fresh buffer.
                    o[k] = unsafe { *p.offset(off) };
                    k += 1;
                });
            }
        }
        match self.dtype {
            DType::Bool => copy::<bool>(self, &mut out),
            DType::I8 => copy::<i8>(self, &mut out),
            DType::I16 => copy::<i16>(self, &mut out),
            DType::I32 => copy::<i32>(self, &mut out),
            DType::I64 => copy::<i64>(self, &mut out),
            DType::U8 => copy::<u8>(self, &mut out),
            DType::U16 => copy::<u16>(self, &mut out),
            DType::U32 => copy::<u32>(self, &mut out),
            DType::U64 => copy::<u64>(self, &mut out),
            DType::F32 => copy::<f32>(self, &mut out),
            DType::F64 => copy::<f64>(self, &mut out),
            DType::C64 => copy::<Complex32>(self, &mut out),
            DType::C128 => copy::<Complex64>(self, &mut out),
        }
        out
    }

    /// The start of the whole buffer, typed, for reads at element offsets of in-bounds
    /// indices; `None` when `T` is not the dtype.
    pub fn data_ptr<T: Element>(&self) -> Option<*const T> {
        (T::DTYPE == self.dtype).then(|| self.buf.as_ptr() as *const T)
    }

    /// All elements in C order.
    pub fn to_vec<T: Element>(&self) -> Vec<T> {
        let mut v = Vec::with_capacity(self.size());
        self.for_each_offset(|off| v.push(T::from_scalar(self.read_at(off))));
        v
    }
}

/// Calls `f` with the element offset of every element of a strided view, in C order; the
/// innermost axis runs as a plain loop.
pub fn for_each_offset(shape: &[usize], strides: &[isize], base: isize, f: &mut impl FnMut(isize)) {
    if shape.contains(&0) {
        return;
    }
    let nd = shape.len();
    if nd == 0 {
        f(base);
        return;
    }
    let (inner_n, inner_s) = (shape[nd - 1], strides[nd - 1]);
    let mut idx = vec![0usize; nd - 1];
    let mut off = base;
    loop {
        let mut o = off;
        for _ in 0..inner_n {
            f(o);
            o += inner_s;
        }
        // advance the outer index (odometer)
        let mut axis = nd - 1;
        loop {
            if axis == 0 {
                return;
            }
            axis -= 1;
            idx[axis] += 1;
            off += strides[axis];
            if idx[axis] < shape[axis] {
                break;
            }
            off -= strides[axis] * shape[axis] as isize;
            idx[axis] = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_share_memory_and_walk_in_c_order() {
        let a = Array::from_vec((0..12).map(|i| i as f64).collect::<Vec<_>>(), &[3, 4]);
        assert!(a.is_c_contiguous());
        let col = a.index_axis(1, 2); // a[:, 2]
        assert_eq!(col.to_vec::<f64>(), vec![2.0, 6.0, 10.0]);
        assert!(!col.is_c_contiguous());
        let rev = a.slice_axis(1, 3, -2, 2); // a[:, ::-2]
        assert_eq!(rev.to_vec::<f64>(), vec![3.0, 1.0, 7.0, 5.0, 11.0, 9.0]);
        // SAFETY: one thread, no slice of the buffer is alive.
        unsafe { col.set(&[1], Scalar::F64(-1.0)) };
        assert_eq!(a.get(&[1, 2]), Scalar::F64(-1.0));
        assert_eq!(a.get_flat(6), Scalar::F64(-1.0));
        let empty = a.slice_axis(0, 0, 1, 0);
        assert_eq!(empty.size(), 0);
        assert!(empty.to_vec::<f64>().is_empty());
        assert_eq!(rev.to_contiguous().to_vec::<f64>(), rev.to_vec::<f64>());
    }

    #[test]
    fn mutable_slices_only_for_the_sole_view() {
        let mut a = Array::zeros(DType::F64, &[4]);
        a.as_mut_slice::<f64>().unwrap()[1] = 2.0;
        let mut b = a.clone();
        assert!(
            b.as_mut_slice::<f64>().is_none(),
            "a second view shares the buffer"
        );
        assert!(a.as_mut_slice::<i64>().is_none(), "wrong element type");
        drop(b);
        assert_eq!(a.as_mut_slice::<f64>().unwrap(), &[0.0, 2.0, 0.0, 0.0]);
        let data = [1.0f64, 2.0];
        // SAFETY: `data` outlives `r` and is never written.
        let mut r = unsafe { Array::borrow_raw_read_only(data.as_ptr(), 2, &[2], &[1]) };
        assert!(r.as_mut_slice::<f64>().is_none() && r.data_mut_ptr::<f64>().is_none());
        assert_eq!(r.as_slice::<f64>().unwrap(), &data);
    }

    #[test]
    #[should_panic(expected = "array view outside its buffer")]
    fn views_outside_the_buffer_are_refused() {
        let a = Array::zeros(DType::I64, &[3]);
        a.restrided(vec![4], vec![1]);
    }
}
