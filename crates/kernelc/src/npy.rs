//! `.npy` files in and out (with the `npyz` crate): the `kernelc` CLI's `--arg a=x.npy` and
//! `--out r.npy`, and any embedder that keeps data in NumPy's format.
//!
//! Reading accepts the element types of the kernel language stored little-endian
//! (`|b1`, `<i1` ... `<i8`, `|u1` ... `<u8`, `<f4`, `<f8`, `<c8`, `<c16`), in C or Fortran order, of any rank up to
//! [`MAX_NDIM`]; Fortran-ordered data is reordered to C order. A 0-d array becomes a
//! scalar. Every malformed, truncated or unsupported file is an error naming the file,
//! never a panic: sizes are checked against the file length before anything is allocated,
//! and the header parser runs under a panic guard (it may overflow on absurd shapes).
//!
//! Writing produces a version 1.0 (or 2.0 for long headers) C-ordered file with the
//! value's own dtype and shape; scalars are written as 0-d arrays.

use crate::{Array, DType, Error, Output, Scalar};
use kernelc_runtime::Element;
use npyz::{Order, TypeChar, WriterBuilder};
use std::cell::Cell;
use std::io::Write;
use std::path::Path;

/// Highest rank accepted (the type annotations of the language go this far too).
pub const MAX_NDIM: usize = 32;

/// The sentence listing what can be read, shared by the dtype errors.
const SUPPORTED: &str =
    "kernelc reads bool, int8 to int64, uint8 to uint64, float32, float64, complex64, complex128";

/// Reads a `.npy` file into a value (an array, or a scalar for a 0-d array). Errors are
/// complete sentences starting with the file name.
pub fn read(path: &Path) -> Result<Output, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::cannot_read(path, e))?;
    parse(&bytes).map_err(|e| Error::bad_file(path, e))
}

/// Decodes the bytes of a `.npy` file (errors without the file name).
pub fn parse(bytes: &[u8]) -> Result<Output, String> {
    if bytes.is_empty() {
        return Err("not a .npy file (the file is empty)".to_string());
    }
    if bytes.len() < 8 || &bytes[..6] != b"\x93NUMPY" {
        return Err("not a .npy file (it does not start with the NumPy magic string)".into());
    }
    // Pre-header: magic (6), version (2), header length (u16 for 1.x, u32 for 2.x/3.x).
    let (len_bytes, header_len) = match bytes[6] {
        1 => (
            2,
            bytes
                .get(8..10)
                .map(|b| u16::from_le_bytes([b[0], b[1]]) as usize),
        ),
        2 | 3 => (
            4,
            bytes
                .get(8..12)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize),
        ),
        v => {
            return Err(format!(
                "malformed .npy header: unsupported format version {v}.{}",
                bytes[7]
            ))
        }
    };
    let Some(header_len) = header_len else {
        return Err("truncated .npy file: the header is incomplete".to_string());
    };
    let data_start = 8 + len_bytes + header_len;
    if data_start > bytes.len() {
        return Err(format!(
            "truncated .npy file: the header needs {data_start} bytes, the file has {}",
            bytes.len()
        ));
    }
    bounded_header(&bytes[8 + len_bytes..data_start])?;
    // npyz multiplies the dimensions without checking for overflow: reject such shapes
    // first, so that the message does not depend on how the parser was compiled.
    if let Some(dims) = shape_in_header(&bytes[8 + len_bytes..data_start]) {
        if dims
            .iter()
            .try_fold(1u64, |a, &n| a.checked_mul(n))
            .is_none()
        {
            return Err(too_large(&dims));
        }
    }
    let mut cursor = &bytes[..data_start];
    let header = guarded(|| npyz::NpyHeader::from_reader(&mut cursor))
        .and_then(|r| r.map_err(|e| header_problem(&e.to_string())))
        .map_err(|e| format!("malformed .npy header: {e}"))?;

    let dtype = element_type(&header.dtype())?;
    let shape: Vec<usize> = header
        .shape()
        .iter()
        .map(|&n| usize::try_from(n).ok())
        .collect::<Option<_>>()
        .ok_or_else(|| too_large(header.shape()))?;
    if shape.len() > MAX_NDIM {
        return Err(format!(
            "{} dimensions are too many (kernelc handles up to {MAX_NDIM})",
            shape.len()
        ));
    }
    let count = shape
        .iter()
        .try_fold(1usize, |acc, &n| acc.checked_mul(n))
        .ok_or_else(|| too_large(header.shape()))?;
    let need = count
        .checked_mul(dtype.size())
        .filter(|&n| n <= isize::MAX as usize)
        .ok_or_else(|| too_large(header.shape()))?;
    let data = &bytes[data_start..];
    if data.len() < need {
        return Err(format!(
            "truncated .npy file: shape {} of {} needs {need} bytes of data, the file has {}",
            shape_text(header.shape()),
            numpy_name(dtype),
            data.len()
        ));
    }
    let data = &data[..need];
    let fortran = header.order() == Order::Fortran && shape.len() > 1;
    // Fortran order is C order of the reversed shape; read it so, then transpose.
    let stored_shape: Vec<usize> = if fortran {
        shape.iter().rev().copied().collect()
    } else {
        shape.clone()
    };
    let file = npyz::NpyFile::with_header(header, data);
    let array = match dtype {
        DType::Bool => decode::<bool>(file, &stored_shape),
        DType::I8 => decode::<i8>(file, &stored_shape),
        DType::I16 => decode::<i16>(file, &stored_shape),
        DType::I32 => decode::<i32>(file, &stored_shape),
        DType::I64 => decode::<i64>(file, &stored_shape),
        DType::U8 => decode::<u8>(file, &stored_shape),
        DType::U16 => decode::<u16>(file, &stored_shape),
        DType::U32 => decode::<u32>(file, &stored_shape),
        DType::U64 => decode::<u64>(file, &stored_shape),
        DType::F32 => decode::<f32>(file, &stored_shape),
        DType::F64 => decode::<f64>(file, &stored_shape),
        DType::C64 => decode::<kernelc_runtime::dtype::Complex32>(file, &stored_shape),
        DType::C128 => decode::<kernelc_runtime::dtype::Complex64>(file, &stored_shape),
    }?;
    let array = if fortran {
        let mut strides = vec![0isize; shape.len()];
        let mut acc = 1isize;
        for (s, &n) in strides.iter_mut().zip(&shape) {
            *s = acc;
            acc = acc.saturating_mul(n as isize);
        }
        array.restrided(shape, strides).to_contiguous()
    } else {
        array
    };
    if array.ndim() == 0 {
        Ok(Output::Scalar(array.get_flat(0)))
    } else {
        Ok(Output::Array(array))
    }
}

/// The element type of a supported dtype, or the "unsupported dtype" sentence.
fn element_type(dtype: &npyz::DType) -> Result<DType, String> {
    let unsupported = |hint: &str| {
        Err(format!(
            "unsupported dtype {} ({SUPPORTED}){hint}",
            dtype.descr()
        ))
    };
    let npyz::DType::Plain(ts) = dtype else {
        return unsupported("");
    };
    let little = matches!(
        ts.endianness(),
        npyz::Endianness::Little | npyz::Endianness::Irrelevant
    );
    let d = match (ts.type_char(), ts.size_field()) {
        (TypeChar::Bool, 1) => DType::Bool,
        (TypeChar::Int, 1) => DType::I8,
        (TypeChar::Int, 2) => DType::I16,
        (TypeChar::Int, 4) => DType::I32,
        (TypeChar::Int, 8) => DType::I64,
        (TypeChar::Uint, 1) => DType::U8,
        (TypeChar::Uint, 2) => DType::U16,
        (TypeChar::Uint, 4) => DType::U32,
        (TypeChar::Uint, 8) => DType::U64,
        (TypeChar::Float, 4) => DType::F32,
        (TypeChar::Float, 8) => DType::F64,
        (TypeChar::Complex, 8) => DType::C64,
        (TypeChar::Complex, 16) => DType::C128,
        _ => return unsupported(""),
    };
    if !little {
        return unsupported(
            "\n  hint: the data is big-endian; save it little-endian with \
             a.astype(a.dtype.newbyteorder('<'))",
        );
    }
    Ok(d)
}

/// Reads `shape`'s elements (C order) into a new array.
fn decode<T>(file: npyz::NpyFile<&[u8]>, shape: &[usize]) -> Result<Array, String>
where
    T: Element + npyz::Deserialize,
{
    let reader = file
        .data::<T>()
        .map_err(|e| format!("malformed .npy data: {e}"))?;
    let mut array = Array::zeros(T::DTYPE, shape);
    let Some(slot) = array.as_mut_slice::<T>() else {
        return Err("internal error: a new array is not contiguous".to_string());
    };
    for (dst, v) in slot.iter_mut().zip(reader) {
        *dst = v.map_err(|e| format!("malformed .npy data: {e}"))?;
    }
    Ok(array)
}

/// Longest header text read, in bytes: NumPy's own default (`max_header_size`), far above
/// what a plain dtype needs (NumPy pads headers to 64 or 128 bytes).
pub const MAX_HEADER_LEN: usize = 10_000;

/// Deepest bracket nesting read in a header: the dict and the shape tuple (structured
/// dtypes, which nest deeper, are not element types of the language).
pub const MAX_HEADER_DEPTH: usize = 3;

/// Rejects header texts the `npyz` parser should never see: its parser backtracks, taking
/// time exponential in the bracket nesting of `descr`, so size and depth are checked here
/// first, in one linear pass.
fn bounded_header(text: &[u8]) -> Result<(), String> {
    if text.len() > MAX_HEADER_LEN {
        return Err(format!(
            "malformed .npy header: it is {} bytes long, more than the {MAX_HEADER_LEN} read",
            text.len()
        ));
    }
    let mut depth = 0usize;
    for &b in text {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_HEADER_DEPTH {
                    return Err(format!(
                        "malformed .npy header: brackets nested more than {MAX_HEADER_DEPTH} deep ({SUPPORTED})"
                    ));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// The dimensions of `'shape': (...)` in a header text, when they read plainly.
fn shape_in_header(text: &[u8]) -> Option<Vec<u64>> {
    let text = std::str::from_utf8(text).ok()?;
    let rest = &text[text.find("'shape'")? + "'shape'".len()..];
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    let inner = &rest.strip_prefix('(')?[..rest.find(')')? - 1];
    inner
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| d.parse::<u64>().ok())
        .collect()
}

/// One line about what is wrong with a header (the parser's own messages can span lines).
fn header_problem(message: &str) -> String {
    if message.starts_with("could not parse") {
        "the header text is not a Python dict literal".to_string()
    } else {
        message.lines().next().unwrap_or("").trim().to_string()
    }
}

fn too_large(shape: &[u64]) -> String {
    format!(
        "malformed .npy header: shape {} is too large",
        shape_text(shape)
    )
}

/// A shape as Python prints a tuple: `(3,)`, `(2, 4)`, `()`.
fn shape_text(shape: &[u64]) -> String {
    match shape {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The NumPy name of an element type (`float64`).
pub fn numpy_name(d: DType) -> &'static str {
    d.numpy_name()
}

/// Writes a result (an array, a scalar as a 0-d array, or a tuple of ints as an int64
/// array) to a `.npy` file. Errors are complete sentences naming the file.
pub fn write(path: &Path, value: &Output) -> Result<(), Error> {
    let name = path.display();
    let fail = |e: std::io::Error| Error::cannot_write(path, e);
    let array = match value {
        Output::Array(a) => a.clone(),
        Output::Scalar(s) => scalar_array(*s),
        Output::Tuple(t)
            if t.iter()
                .all(|o| o.scalar().is_some_and(|s| s.dtype().is_int())) =>
        {
            let ints: Vec<i64> = t
                .iter()
                .filter_map(|o| o.scalar())
                .map(|s| s.as_i64())
                .collect();
            Array::from_vec(ints, &[t.len()])
        }
        Output::Tuple(_) | Output::None => {
            let what = if matches!(value, Output::None) {
                "None"
            } else {
                "a tuple"
            };
            return Err(Error::Io {
                path: path.to_path_buf(),
                message: format!("the result is {what}: there is nothing to write to {name}"),
            });
        }
    };
    let file = std::fs::File::create(path).map_err(fail)?;
    let mut out = std::io::BufWriter::new(file);
    encode(&array, &mut out).map_err(fail)?;
    out.flush().map_err(fail)
}

/// Writes an array as a C-ordered `.npy` stream.
pub fn encode(array: &Array, out: &mut dyn Write) -> std::io::Result<()> {
    match array.dtype() {
        DType::Bool => encode_as::<bool>(array, "|b1", out),
        DType::I8 => encode_as::<i8>(array, "|i1", out),
        DType::I16 => encode_as::<i16>(array, "<i2", out),
        DType::I32 => encode_as::<i32>(array, "<i4", out),
        DType::I64 => encode_as::<i64>(array, "<i8", out),
        DType::U8 => encode_as::<u8>(array, "|u1", out),
        DType::U16 => encode_as::<u16>(array, "<u2", out),
        DType::U32 => encode_as::<u32>(array, "<u4", out),
        DType::U64 => encode_as::<u64>(array, "<u8", out),
        DType::F32 => encode_as::<f32>(array, "<f4", out),
        DType::F64 => encode_as::<f64>(array, "<f8", out),
        DType::C64 => encode_as::<kernelc_runtime::dtype::Complex32>(array, "<c8", out),
        DType::C128 => encode_as::<kernelc_runtime::dtype::Complex64>(array, "<c16", out),
    }
}

fn encode_as<T>(array: &Array, descr: &str, out: &mut dyn Write) -> std::io::Result<()>
where
    T: Element + npyz::Serialize,
{
    let type_str: npyz::TypeStr = descr
        .parse()
        .map_err(|e| std::io::Error::other(format!("{e}")))?;
    let shape: Vec<u64> = array.shape().iter().map(|&n| n as u64).collect();
    let mut writer = npyz::WriteOptions::<T>::new()
        .dtype(npyz::DType::Plain(type_str))
        .shape(&shape)
        .writer(out)
        .begin_nd()?;
    writer.extend(array.to_vec::<T>())?;
    writer.finish()
}

/// A 0-d array holding one scalar.
fn scalar_array(s: Scalar) -> Array {
    match s {
        Scalar::Bool(v) => Array::from_vec(vec![v], &[]),
        Scalar::I8(v) => Array::from_vec(vec![v], &[]),
        Scalar::I16(v) => Array::from_vec(vec![v], &[]),
        Scalar::I32(v) => Array::from_vec(vec![v], &[]),
        Scalar::I64(v) => Array::from_vec(vec![v], &[]),
        Scalar::U8(v) => Array::from_vec(vec![v], &[]),
        Scalar::U16(v) => Array::from_vec(vec![v], &[]),
        Scalar::U32(v) => Array::from_vec(vec![v], &[]),
        Scalar::U64(v) => Array::from_vec(vec![v], &[]),
        Scalar::F32(v) => Array::from_vec(vec![v], &[]),
        Scalar::F64(v) => Array::from_vec(vec![v], &[]),
        Scalar::C64(v) => Array::from_vec(vec![v], &[]),
        Scalar::C128(v) => Array::from_vec(vec![v], &[]),
    }
}

thread_local! {
    /// Set while [`guarded`] runs: the panic hook stays silent then.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic into an error (and keeping the panic message off stderr).
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info)
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    r.map_err(|_| "the header cannot be interpreted".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use kernelc_runtime::dtype::{Complex32, Complex64};

    fn roundtrip(v: &Output) -> Output {
        let mut buf = Vec::new();
        let a = match v {
            Output::Array(a) => a.clone(),
            Output::Scalar(s) => scalar_array(*s),
            _ => unreachable!(),
        };
        encode(&a, &mut buf).unwrap();
        parse(&buf).unwrap()
    }

    #[test]
    fn every_dtype_round_trips() {
        let vals = [
            Output::Array(Array::from_vec(vec![true, false, true], &[3])),
            Output::Array(Array::from_vec(vec![1i32, -2, 3, 4, 5, 6], &[2, 3])),
            Output::Array(Array::from_vec(vec![i64::MIN, i64::MAX], &[2, 1])),
            Output::Array(Array::from_vec(vec![1.5f32; 8], &[2, 2, 2])),
            Output::Array(Array::from_vec(vec![f64::NAN, -0.0, 1e300], &[3])),
            Output::Array(Array::from_vec(Vec::<f64>::new(), &[0, 4])),
            Output::Array(Array::from_vec(
                vec![Complex64::new(1.5, -2.0), Complex64::new(f64::NAN, -0.0)],
                &[2, 1],
            )),
            Output::Array(Array::from_vec(
                vec![Complex32::new(0.25, 1e30); 6],
                &[3, 2],
            )),
        ];
        for v in &vals {
            let back = roundtrip(v);
            let (a, b) = (
                v.clone().into_array().unwrap(),
                back.clone().into_array().unwrap(),
            );
            assert_eq!(a.shape(), b.shape());
            assert_eq!(a.dtype(), b.dtype());
            assert_eq!(v.to_string(), back.to_string());
        }
        let s = roundtrip(&Output::Scalar(Scalar::I32(7)));
        assert_eq!(s.scalar(), Some(Scalar::I32(7)));
    }

    #[test]
    fn complex_arrays_are_c8_and_c16() {
        // NumPy's layout: the descr '<c16' / '<c8', each element its real then its
        // imaginary part, little-endian.
        let z = Array::from_vec(
            vec![Complex64::new(1.0, 2.0), Complex64::new(-3.5, 0.0)],
            &[2],
        );
        let mut buf = Vec::new();
        encode(&z, &mut buf).unwrap();
        let text = String::from_utf8_lossy(&buf);
        assert!(text.contains("'descr': '<c16'"), "{text}");
        let data = &buf[buf.len() - 32..];
        let parts: Vec<f64> = data
            .chunks(8)
            .map(|b| f64::from_le_bytes(b.try_into().unwrap()))
            .collect();
        assert_eq!(parts, vec![1.0, 2.0, -3.5, 0.0]);
        let back = parse(&buf).unwrap().into_array().unwrap();
        assert_eq!(back.to_vec::<Complex64>(), z.to_vec::<Complex64>());
        let w = Array::from_vec(vec![Complex32::new(0.5, -1.0)], &[1]);
        let mut buf = Vec::new();
        encode(&w, &mut buf).unwrap();
        assert!(String::from_utf8_lossy(&buf).contains("'descr': '<c8'"));
        let back = parse(&buf).unwrap().into_array().unwrap();
        assert_eq!(back.dtype(), DType::C64);
        assert_eq!(back.to_vec::<Complex32>(), vec![Complex32::new(0.5, -1.0)]);
        // A complex scalar is a 0-d array and comes back as a scalar.
        let s = Scalar::C128(Complex64::new(0.0, -1.0));
        assert_eq!(roundtrip(&Output::Scalar(s)).scalar(), Some(s));
    }

    #[test]
    fn garbage_never_panics() {
        let mut good = Vec::new();
        encode(&Array::from_vec(vec![1.0f64, 2.0, 3.0], &[3]), &mut good).unwrap();
        for cut in 0..good.len() {
            assert!(parse(&good[..cut]).is_err(), "cut at {cut}");
        }
        // An absurd shape whose element count overflows.
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (18446744073709551615, 18446744073709551615, 18446744073709551615), }";
        let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
        bytes.extend((header.len() as u16).to_le_bytes());
        bytes.extend(header.as_bytes());
        let e = parse(&bytes).unwrap_err();
        assert_eq!(
            e,
            "malformed .npy header: shape (18446744073709551615, 18446744073709551615, \
             18446744073709551615) is too large"
        );
        // The panic guard turns a panic into an error.
        assert_eq!(
            guarded(|| -> u8 { panic!("boom") }),
            Err("the header cannot be interpreted".to_string())
        );
        assert_eq!(shape_in_header(b"{'shape': (), }"), Some(vec![]));
        assert_eq!(shape_in_header(b"{'shape' : (2, 3,) }"), Some(vec![2, 3]));
        // Deeply nested `descr` (exponential time in the npyz parser) and oversize headers
        // are refused before parsing.
        for depth in [4usize, 40, 4000] {
            let header = format!(
                "{{'descr': {}'<f8'{}, 'fortran_order': False, 'shape': (1,), }}",
                "[".repeat(depth - 1),
                "]".repeat(depth - 1)
            );
            let mut bytes = b"\x93NUMPY\x02\x00".to_vec();
            bytes.extend((header.len() as u32).to_le_bytes());
            bytes.extend(header.as_bytes());
            bytes.extend([0u8; 8]);
            let e = parse(&bytes).unwrap_err();
            let want = if header.len() > MAX_HEADER_LEN {
                "it is 8"
            } else {
                "brackets nested more than 3 deep"
            };
            assert!(e.contains(want), "{depth}: {e}");
        }
        let header = format!(
            "{{'descr': '<f8', 'fortran_order': False, 'shape': (1,), {}}}",
            " ".repeat(MAX_HEADER_LEN)
        );
        let mut bytes = b"\x93NUMPY\x02\x00".to_vec();
        bytes.extend((header.len() as u32).to_le_bytes());
        bytes.extend(header.as_bytes());
        bytes.extend([0u8; 8]);
        assert_eq!(
            parse(&bytes).unwrap_err(),
            format!(
                "malformed .npy header: it is {} bytes long, more than the 10000 read",
                header.len()
            )
        );
        // Flipping every byte of the header one at a time.
        for i in 0..good.len().min(128) {
            let mut b = good.clone();
            b[i] ^= 0x5a;
            let _ = parse(&b);
        }
    }
}
