//! Element types and scalar values shared by every stage after the parser.

pub use num_complex::{Complex32, Complex64};
use std::fmt;

/// The element types of the kernel language (NumPy's `bool`, `int8` ... `int64`,
/// `uint8` ... `uint64`, `float32`, `float64`, `complex64`, `complex128`). Promotion is not this order: see
/// `kernelc_sema::types`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DType {
    Bool,
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    F32,
    F64,
    /// Two f32: real and imaginary part.
    C64,
    /// Two f64: real and imaginary part.
    C128,
}

impl DType {
    /// Every element type, in declaration order (for tests and tables).
    pub const ALL: [DType; 13] = [
        DType::Bool,
        DType::I8,
        DType::I16,
        DType::I32,
        DType::I64,
        DType::U8,
        DType::U16,
        DType::U32,
        DType::U64,
        DType::F32,
        DType::F64,
        DType::C64,
        DType::C128,
    ];

    /// Size of one element in bytes.
    pub fn size(self) -> usize {
        match self {
            DType::Bool | DType::I8 | DType::U8 => 1,
            DType::I16 | DType::U16 => 2,
            DType::I32 | DType::U32 | DType::F32 => 4,
            DType::I64 | DType::U64 | DType::F64 | DType::C64 => 8,
            DType::C128 => 16,
        }
    }

    /// `complex64` or `complex128`.
    pub fn is_complex(self) -> bool {
        matches!(self, DType::C64 | DType::C128)
    }

    /// The type of one part of a complex type (`f32`, `f64`); other types: themselves.
    pub fn component(self) -> DType {
        match self {
            DType::C64 => DType::F32,
            DType::C128 => DType::F64,
            d => d,
        }
    }

    /// The complex type whose parts are float type `f` (`f32` -> `complex64`, anything
    /// else -> `complex128`).
    pub fn complex_of(f: DType) -> DType {
        if matches!(f, DType::F32 | DType::C64) {
            DType::C64
        } else {
            DType::C128
        }
    }

    /// Signed or unsigned integer (not bool).
    pub fn is_int(self) -> bool {
        self.is_signed() || self.is_unsigned()
    }

    /// `i8 i16 i32 i64`.
    pub fn is_signed(self) -> bool {
        matches!(self, DType::I8 | DType::I16 | DType::I32 | DType::I64)
    }

    /// `u8 u16 u32 u64`.
    pub fn is_unsigned(self) -> bool {
        matches!(self, DType::U8 | DType::U16 | DType::U32 | DType::U64)
    }

    pub fn is_float(self) -> bool {
        matches!(self, DType::F32 | DType::F64)
    }

    /// Width in bits of an integer or float type (bool: 8).
    pub fn bits(self) -> u32 {
        8 * self.size() as u32
    }

    /// The smallest and largest value of an integer type (bool: 0 and 1), as i128.
    pub fn int_range(self) -> (i128, i128) {
        let b = self.bits();
        if self == DType::Bool {
            (0, 1)
        } else if self.is_unsigned() {
            (0, (1i128 << b) - 1)
        } else {
            (-(1i128 << (b - 1)), (1i128 << (b - 1)) - 1)
        }
    }

    /// The name used in source and messages (`f64`).
    pub fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::I8 => "i8",
            DType::I16 => "i16",
            DType::I32 => "i32",
            DType::I64 => "i64",
            DType::U8 => "u8",
            DType::U16 => "u16",
            DType::U32 => "u32",
            DType::U64 => "u64",
            DType::F32 => "f32",
            DType::F64 => "f64",
            DType::C64 => "c64",
            DType::C128 => "c128",
        }
    }

    /// NumPy's name of the type (`float64`, `uint8`).
    pub fn numpy_name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::I8 => "int8",
            DType::I16 => "int16",
            DType::I32 => "int32",
            DType::I64 => "int64",
            DType::U8 => "uint8",
            DType::U16 => "uint16",
            DType::U32 => "uint32",
            DType::U64 => "uint64",
            DType::F32 => "float32",
            DType::F64 => "float64",
            DType::C64 => "complex64",
            DType::C128 => "complex128",
        }
    }

    /// Parses a type name as written in source. Accepts the NumPy/Numba spellings too
    /// (`float64`, `int32`, `uint8`, `intp`, `float`, `int`, `bool_`).
    pub fn from_name(name: &str) -> Option<DType> {
        Some(match name {
            "bool" | "bool_" | "boolean" => DType::Bool,
            "i8" | "int8" | "byte" => DType::I8,
            "i16" | "int16" | "short" => DType::I16,
            "i32" | "int32" | "intc" => DType::I32,
            "i64" | "int64" | "int" | "intp" | "int_" | "long" | "longlong" => DType::I64,
            "u8" | "uint8" | "ubyte" => DType::U8,
            "u16" | "uint16" | "ushort" => DType::U16,
            "u32" | "uint32" | "uintc" => DType::U32,
            "u64" | "uint64" | "uintp" | "uint" | "ulong" | "ulonglong" => DType::U64,
            "f32" | "float32" | "single" => DType::F32,
            "f64" | "float64" | "float" | "double" | "float_" => DType::F64,
            "c64" | "complex64" | "csingle" => DType::C64,
            "c128" | "complex128" | "complex" | "cdouble" | "complex_" => DType::C128,
            _ => return None,
        })
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One scalar value of any element type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar {
    Bool(bool),
    I8(i8),
    I16(i16),
    I32(i32),
    I64(i64),
    U8(u8),
    U16(u16),
    U32(u32),
    U64(u64),
    F32(f32),
    F64(f64),
    C64(Complex32),
    C128(Complex64),
}

impl Scalar {
    pub fn dtype(self) -> DType {
        match self {
            Scalar::Bool(_) => DType::Bool,
            Scalar::I8(_) => DType::I8,
            Scalar::I16(_) => DType::I16,
            Scalar::I32(_) => DType::I32,
            Scalar::I64(_) => DType::I64,
            Scalar::U8(_) => DType::U8,
            Scalar::U16(_) => DType::U16,
            Scalar::U32(_) => DType::U32,
            Scalar::U64(_) => DType::U64,
            Scalar::F32(_) => DType::F32,
            Scalar::F64(_) => DType::F64,
            Scalar::C64(_) => DType::C64,
            Scalar::C128(_) => DType::C128,
        }
    }

    /// An integer value (or bool) as i128, exact; `None` for floats.
    pub fn as_i128(self) -> Option<i128> {
        Some(match self {
            Scalar::Bool(b) => b as i128,
            Scalar::I8(v) => v as i128,
            Scalar::I16(v) => v as i128,
            Scalar::I32(v) => v as i128,
            Scalar::I64(v) => v as i128,
            Scalar::U8(v) => v as i128,
            Scalar::U16(v) => v as i128,
            Scalar::U32(v) => v as i128,
            Scalar::U64(v) => v as i128,
            Scalar::F32(_) | Scalar::F64(_) | Scalar::C64(_) | Scalar::C128(_) => return None,
        })
    }

    /// The value as i64 (bools are 0/1, u64 wraps, floats truncate; only for values known
    /// to fit).
    pub fn as_i64(self) -> i64 {
        match self {
            Scalar::F32(v) => v as i64,
            Scalar::F64(v) => v as i64,
            Scalar::C64(v) => v.re as i64,
            Scalar::C128(v) => v.re as i64,
            s => s.as_i128().unwrap_or(0) as i64,
        }
    }

    /// The value as f64 (exact for every type but 64-bit integers beyond 2^53; complex:
    /// the real part).
    pub fn as_f64(self) -> f64 {
        match self {
            Scalar::Bool(b) => b as i64 as f64,
            Scalar::I8(v) => v as f64,
            Scalar::I16(v) => v as f64,
            Scalar::I32(v) => v as f64,
            Scalar::I64(v) => v as f64,
            Scalar::U8(v) => v as f64,
            Scalar::U16(v) => v as f64,
            Scalar::U32(v) => v as f64,
            Scalar::U64(v) => v as f64,
            Scalar::F32(v) => v as f64,
            Scalar::F64(v) => v,
            Scalar::C64(v) => v.re as f64,
            Scalar::C128(v) => v.re,
        }
    }

    /// A value as complex128 (real types: imaginary part 0).
    pub fn as_c128(self) -> Complex64 {
        match self {
            Scalar::C64(v) => Complex64::new(v.re as f64, v.im as f64),
            Scalar::C128(v) => v,
            s => Complex64::new(s.as_f64(), 0.0),
        }
    }

    /// Truthiness as Python defines it (non-zero; nan is true).
    pub fn truthy(self) -> bool {
        match self {
            Scalar::F32(v) => v != 0.0,
            Scalar::F64(v) => v != 0.0,
            Scalar::C64(v) => v.re != 0.0 || v.im != 0.0,
            Scalar::C128(v) => v.re != 0.0 || v.im != 0.0,
            s => s.as_i128() != Some(0),
        }
    }

    /// The scalar as a 64-bit word, as native code holds it: bool 0/1, signed ints
    /// sign-extended, unsigned ints zero-extended, floats by their bits; complex64 as the
    /// bits of its real part (low half) and imaginary part (high half). A complex128
    /// needs two words ([`Scalar::to_words`]): its first is the real part's bits.
    pub fn to_word(self) -> u64 {
        match self {
            Scalar::F32(v) => v.to_bits() as u64,
            Scalar::F64(v) => v.to_bits(),
            Scalar::C64(v) => v.re.to_bits() as u64 | (v.im.to_bits() as u64) << 32,
            Scalar::C128(v) => v.re.to_bits(),
            s => s.as_i128().unwrap_or(0) as u64,
        }
    }

    /// A word back to a scalar of type `d` (the inverse of [`Scalar::to_word`]; a bool is
    /// true when its low byte is not 0; integers keep their low bits).
    pub fn from_word(bits: u64, d: DType) -> Scalar {
        match d {
            DType::Bool => Scalar::Bool(bits & 0xff != 0),
            DType::I8 => Scalar::I8(bits as i8),
            DType::I16 => Scalar::I16(bits as i16),
            DType::I32 => Scalar::I32(bits as u32 as i32),
            DType::I64 => Scalar::I64(bits as i64),
            DType::U8 => Scalar::U8(bits as u8),
            DType::U16 => Scalar::U16(bits as u16),
            DType::U32 => Scalar::U32(bits as u32),
            DType::U64 => Scalar::U64(bits),
            DType::F32 => Scalar::F32(f32::from_bits(bits as u32)),
            DType::F64 => Scalar::F64(f64::from_bits(bits)),
            DType::C64 => Scalar::C64(Complex32::new(
                f32::from_bits(bits as u32),
                f32::from_bits((bits >> 32) as u32),
            )),
            DType::C128 => Scalar::C128(Complex64::new(f64::from_bits(bits), 0.0)),
        }
    }

    /// The scalar as words: one for every type but complex128, whose real and imaginary
    /// parts' bits are two.
    pub fn to_words(self) -> (u64, Option<u64>) {
        match self {
            Scalar::C128(v) => (v.re.to_bits(), Some(v.im.to_bits())),
            s => (s.to_word(), None),
        }
    }

    /// The inverse of [`Scalar::to_words`].
    pub fn from_words(lo: u64, hi: u64, d: DType) -> Scalar {
        match d {
            DType::C128 => Scalar::C128(Complex64::new(f64::from_bits(lo), f64::from_bits(hi))),
            d => Scalar::from_word(lo, d),
        }
    }

    /// An integer value wrapped (two's complement, keeping the low bits) into integer
    /// type `d` (bool: non-zero). Floats: `None`.
    pub fn int_wrapping(v: i128, d: DType) -> Option<Scalar> {
        if d.is_float() || d.is_complex() {
            return None;
        }
        if d == DType::Bool {
            return Some(Scalar::Bool(v != 0));
        }
        Some(Scalar::from_word(v as u64, d))
    }

    /// The zero of a type.
    pub fn zero(dtype: DType) -> Scalar {
        Scalar::from_word(0, dtype)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_for_every_type() {
        let cases = [
            Scalar::Bool(true),
            Scalar::I8(-5),
            Scalar::I16(-300),
            Scalar::I32(-70000),
            Scalar::I64(i64::MIN),
            Scalar::U8(200),
            Scalar::U16(60000),
            Scalar::U32(4_000_000_000),
            Scalar::U64(u64::MAX),
            Scalar::F32(-1.5),
            Scalar::F64(f64::NAN),
        ];
        for s in cases {
            let back = Scalar::from_word(s.to_word(), s.dtype());
            assert_eq!(back.to_word(), s.to_word(), "{s:?}");
            assert_eq!(back.dtype(), s.dtype());
        }
        assert_eq!(Scalar::I8(-1).to_word(), u64::MAX);
        assert_eq!(Scalar::U8(255).to_word(), 255);
        assert_eq!(DType::U16.int_range(), (0, 65535));
        assert_eq!(DType::I8.int_range(), (-128, 127));
        assert_eq!(Scalar::int_wrapping(300, DType::U8), Some(Scalar::U8(44)));
    }
}
