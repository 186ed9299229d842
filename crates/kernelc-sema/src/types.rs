//! NumPy 2 (NEP 50) type promotion with weak Python literals, and type annotations.

use crate::tir::{ArrayType, Type};
use kernelc_runtime::DType;

/// The promoted element type of two operands of an arithmetic or comparison operator.
///
/// Strong types join as NumPy 2's promotion table ([`join`]). A *weak* operand (a literal
/// or a constant expression of literals: Python's `int`, `float` and `bool` under NEP 50)
/// takes the other operand's type when it is of the same kind or lower (`x_f32 * 2.0` is
/// f32, `x_u8 + 1` is u8); a weak float with a strong integer or bool gives f64; a weak int
/// with a strong bool gives i64. Two weak operands join as strong types (i64, f64, bool).
pub fn promote(a: DType, a_weak: bool, b: DType, b_weak: bool) -> DType {
    match (a_weak, b_weak) {
        (false, false) | (true, true) => join(a, b),
        (false, true) => promote_weak(a, b),
        (true, false) => promote_weak(b, a),
    }
}

/// The kind of a type in NumPy's order `b < u < i < f`: a value may be cast with
/// `same_kind` to a type of the same or a higher kind.
pub fn kind_rank(d: DType) -> u8 {
    if d.is_complex() {
        4
    } else if d == DType::Bool {
        0
    } else if d.is_unsigned() {
        1
    } else if d.is_signed() {
        2
    } else {
        3
    }
}

/// NumPy's `can_cast(from, to, "same_kind")`: what an in-place operator may store.
pub fn same_kind(from: DType, to: DType) -> bool {
    kind_rank(from) <= kind_rank(to)
}

/// Join of two strong types: NumPy 2's `promote_types` (`result_type` of two arrays).
///
/// Within a kind the wider type wins; bool joins to the other type; a signed and an
/// unsigned integer give the smallest signed type holding both (`u64` with a signed type
/// gives f64); an integer of at most 16 bits with f32 gives f32, a wider one f64.
pub fn join(a: DType, b: DType) -> DType {
    use DType::*;
    if a == b {
        return a;
    }
    match (a, b) {
        (Bool, x) | (x, Bool) => x,
        (C128, _) | (_, C128) => C128,
        (C64, x) | (x, C64) => {
            if x == F32 || x.size() <= 2 {
                C64
            } else {
                C128
            }
        }
        (F64, _) | (_, F64) => F64,
        (F32, x) | (x, F32) => {
            if x.size() <= 2 {
                F32
            } else {
                F64
            }
        }
        (x, y) if x.is_signed() == y.is_signed() => {
            if x.size() >= y.size() {
                x
            } else {
                y
            }
        }
        (x, y) => {
            let (s, u) = if x.is_signed() { (x, y) } else { (y, x) };
            if s.size() > u.size() {
                s
            } else {
                match u {
                    U8 => I16,
                    U16 => I32,
                    U32 => I64,
                    _ => F64,
                }
            }
        }
    }
}

fn promote_weak(strong: DType, weak: DType) -> DType {
    use DType::*;
    match weak {
        Bool => strong,
        // A Python complex takes a complex or f32 type's precision, else complex128.
        C64 | C128 => {
            if strong.is_complex() {
                strong
            } else {
                DType::complex_of(strong)
            }
        }
        F32 | F64 => {
            if strong.is_float() || strong.is_complex() {
                strong
            } else {
                F64
            }
        }
        _ => match strong {
            Bool => I64,
            s => s,
        },
    }
}

/// True when a value of type `from` may be stored in a variable of type `to` without a
/// cast the user must write (`to` is at least as wide: `join(from, to) == to`).
pub fn widens_to(from: DType, to: DType) -> bool {
    join(from, to) == to
}

/// The type of a variable (or of a function's return value) that had type `cur` and is
/// also given a value of type `new`; `None` when no one type can hold both. `fixed`: the
/// type was declared (values convert to it). `weak`: the new value is a weak literal
/// expression, which adopts the variable's type unless it is a float going into an int.
pub fn unify(cur: Option<Type>, new: Type, weak: bool, fixed: bool) -> Option<Type> {
    match (cur, new) {
        (None, t) => Some(t),
        (Some(c), t) if c == t => Some(c),
        (Some(Type::Tuple(c)), Type::Tuple(t)) => crate::tuples::unify_tuples(c, t, fixed),
        (Some(Type::Scalar(c)), Type::Scalar(v)) => Some(Type::Scalar(
            if fixed
                || (weak && (widens_to(v, c) || (c.is_float() && !v.is_complex()) || v.is_int()))
            {
                c
            } else {
                join(c, v)
            },
        )),
        _ => None,
    }
}

/// The element type integer-only arithmetic (`//`, `%`, `**`, shifts) on `d` computes in:
/// NumPy computes these on booleans in int8.
pub fn arith(d: DType) -> DType {
    if d == DType::Bool {
        DType::I8
    } else {
        d
    }
}

/// The float type a math function computes in: f32 stays f32, and so do the integers of
/// at most 16 bits (NumPy gives float16/float32); everything else is f64.
pub fn float_of(d: DType) -> DType {
    if d == DType::F32 || (d.is_int() && d.size() <= 2) {
        DType::F32
    } else {
        DType::F64
    }
}

/// An array or scalar type with element type `d` and rank `ndim` (0 = scalar).
pub fn with_rank(d: DType, ndim: usize) -> Type {
    if ndim == 0 {
        Type::Scalar(d)
    } else {
        Type::Array(ArrayType {
            dtype: d,
            ndim: ndim as u8,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DType::*;

    #[test]
    fn nep50_promotion() {
        assert_eq!(promote(F32, false, F64, true), F32); // x_f32 * 2.0
        assert_eq!(promote(I32, false, I64, true), I32); // x_i32 + 1
        assert_eq!(promote(I32, false, F64, true), F64); // x_i32 * 2.0
        assert_eq!(promote(I64, false, F32, false), F64);
        assert_eq!(promote(I32, false, F32, false), F64);
        assert_eq!(promote(I16, false, F32, false), F32);
        assert_eq!(promote(U64, false, I64, false), F64);
        assert_eq!(promote(U8, false, I8, false), I16);
        assert_eq!(promote(U8, false, I64, true), U8);
        assert_eq!(promote(U32, false, F64, true), F64);
        assert_eq!(promote(Bool, false, I64, true), I64);
        assert_eq!(promote(Bool, false, I32, false), I32);
        assert_eq!(promote(I64, true, F64, true), F64);
        assert_eq!(promote(F32, false, I64, true), F32);
    }
}
