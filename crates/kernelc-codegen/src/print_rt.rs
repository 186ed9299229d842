//! The runtime helpers behind native `print` and formatted strings (`lower/print.rs`).
//!
//! Text is built in buffers owned by the call's context ([`Strings`]), named by a small
//! integer handle: an f-string or `%` formatting is formatted when it is evaluated (as the
//! interpreter does, so a formatting error stops before later arguments run), and `print`
//! appends every argument to a fresh buffer and writes it as one line. Scalars and arrays
//! are formatted by the runtime's one definition (`kernelc_runtime::format`,
//! `kernelc_runtime::pyformat`), which the interpreter uses too.
#![allow(clippy::missing_safety_doc)]

use crate::abi::{ArrayHandle, JitCtx};
use crate::rt::{err, guard};
use kernelc_runtime::format::{format_array, format_scalar};
use kernelc_runtime::pyformat::{format_field, Field, Spec};
use kernelc_runtime::{Array, DType, Scalar};

/// [`rt_str_value`]'s code for an array handle.
pub const CODE_ARRAY: i64 = -1;
/// [`rt_str_value`]'s code for a text buffer handle (appended, then released).
pub const CODE_TEXT: i64 = -2;

/// Text buffers of one call (a slab: released slots are reused, so a loop that prints
/// does not grow it). Everything left is freed with the context.
#[derive(Default)]
pub struct Strings {
    slots: Vec<Option<String>>,
    free: Vec<usize>,
}

impl Strings {
    fn new_buffer(&mut self) -> usize {
        match self.free.pop() {
            Some(k) => {
                self.slots[k] = Some(String::new());
                k
            }
            None => {
                self.slots.push(Some(String::new()));
                self.slots.len() - 1
            }
        }
    }

    fn get(&mut self, h: i64) -> &mut String {
        let slot = usize::try_from(h)
            .ok()
            .and_then(|k| self.slots.get_mut(k))
            .expect("a live text buffer");
        slot.get_or_insert_with(String::new)
    }

    fn take(&mut self, h: i64) -> String {
        let k = usize::try_from(h).expect("a text buffer");
        let s = self
            .slots
            .get_mut(k)
            .and_then(Option::take)
            .unwrap_or_default();
        self.free.push(k);
        s
    }
}

/// The text of a value word: a scalar of dtype code `code`, an array handle
/// ([`CODE_ARRAY`]; `repr`: as `array([...])`, the form inside a tuple), or a text buffer
/// ([`CODE_TEXT`], released).
fn text_of(c: &mut JitCtx, word: u64, code: i64, repr: bool) -> String {
    match code {
        CODE_ARRAY => {
            // SAFETY: native code passes a live handle.
            let a: &Array = unsafe { &(*(word as *const ArrayHandle)).array };
            if repr {
                kernelc_runtime::format::format_array_repr(a.dtype(), a.shape(), &|i| a.get_flat(i))
            } else {
                format_array(a.dtype(), a.shape(), &|i| a.get_flat(i))
            }
        }
        CODE_TEXT => c.strings.take(word as i64),
        d => format_scalar(Scalar::from_word(
            word,
            DType::ALL[d as usize % DType::ALL.len()],
        )),
    }
}

/// A new text buffer holding a complex scalar as `print` shows it (complex128 when
/// `is64`, else complex64 whose f32 parts were widened exactly).
pub unsafe extern "C" fn rt_str_complex(ctx: *mut JitCtx, re: f64, im: f64, is64: i64) -> i64 {
    guard(ctx, 0, |c| {
        let s = if is64 != 0 {
            Scalar::C128(kernelc_runtime::dtype::Complex64::new(re, im))
        } else {
            Scalar::C64(kernelc_runtime::dtype::Complex32::new(re as f32, im as f32))
        };
        let h = c.strings.new_buffer();
        c.strings.get(h as i64).push_str(&format_scalar(s));
        h as i64
    })
}

/// A new, empty text buffer.
pub unsafe extern "C" fn rt_str_new(ctx: *mut JitCtx) -> i64 {
    guard(ctx, 0, |c| c.strings.new_buffer() as i64)
}

/// Appends `len` bytes of UTF-8 text at `ptr` (text of the program the compiled module
/// keeps alive) to buffer `h`.
pub unsafe extern "C" fn rt_str_text(ctx: *mut JitCtx, h: i64, ptr: *const u8, len: u64) {
    guard(ctx, 0, |c| {
        // SAFETY: `ptr..ptr+len` is a `str` of the program.
        let t =
            unsafe { std::str::from_utf8_unchecked(std::slice::from_raw_parts(ptr, len as usize)) };
        c.strings.get(h).push_str(t);
    })
}

/// Appends the text of a value (see [`text_of`]) to buffer `h`.
pub unsafe extern "C" fn rt_str_value(ctx: *mut JitCtx, h: i64, word: u64, code: i64, repr: i64) {
    guard(ctx, 0, |c| {
        let t = text_of(c, word, code, repr != 0);
        c.strings.get(h).push_str(&t);
    })
}

/// Appends a formatted field to buffer `h`: the value (see [`text_of`]) formatted by
/// `spec` (a specification of the program); a specification the value refuses at run
/// time (`%d` of nan) is an error at `span`.
pub unsafe extern "C" fn rt_str_field(
    ctx: *mut JitCtx,
    h: i64,
    word: u64,
    code: i64,
    spec: *const Spec,
    span: i64,
) {
    guard(ctx, span, |c| {
        // SAFETY: `spec` points into the program the compiled module keeps alive.
        let spec = unsafe { &*spec };
        let r = if code >= 0 {
            let s = Scalar::from_word(word, DType::ALL[code as usize % DType::ALL.len()]);
            format_field(Field::Scalar(s), spec)
        } else {
            let t = text_of(c, word, code, false);
            format_field(Field::Text(&t), spec)
        };
        match r {
            Ok(s) => c.strings.get(h).push_str(&s),
            Err(m) => err(c, m, span),
        }
    })
}

/// Writes buffer `h` (and a newline unless `newline` is 0) to the call's output as one write, and releases the
/// buffer; a failed write is an error at `span`.
pub unsafe extern "C" fn rt_print_line(ctx: *mut JitCtx, h: i64, newline: i64, span: i64) {
    guard(ctx, span, |c| {
        let mut line = c.strings.take(h);
        if newline != 0 {
            line.push('\n');
        }
        // SAFETY: `out` outlives the native call that created this context.
        let out = unsafe { &mut *c.out };
        if let Err(e) = out.write_all(line.as_bytes()) {
            err(c, format!("print failed: {e}"), span);
        }
    })
}
