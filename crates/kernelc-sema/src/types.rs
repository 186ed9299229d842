//! NumPy 2 (NEP 50) type promotion with weak Python literals, and type annotations.

use crate::tir::{ArrayType, Type};
use kernelc_runtime::DType;

/// The promoted element type of two operands of an arithmetic or comparison operator.
///
/// Strong types join in the lattice `bool < i32 < i64`, `f32 < f64`; int with float gives
/// the float type, except `i64` with `f32` gives `f64`. A *weak* operand (a literal or a
/// constant expression of literals) takes the other operand's type when it is of the same
/// kind or lower (`x_f32 * 2.0` is f32, `x_i32 + 1` is i32); a weak float with a strong int
/// or bool gives f64; a weak int with a strong bool gives i64.
pub fn promote(a: DType, a_weak: bool, b: DType, b_weak: bool) -> DType {
    match (a_weak, b_weak) {
        (false, false) | (true, true) => join(a, b),
        (false, true) => promote_weak(a, b),
        (true, false) => promote_weak(b, a),
    }
}

/// Join of two strong types.
pub fn join(a: DType, b: DType) -> DType {
    use DType::*;
    if a == b {
        return a;
    }
    match (a.min(b), a.max(b)) {
        (Bool, x) => x,
        (I32, I64) => I64,
        (I32, F32) => F32,
        (I64, F32) => F64,
        (_, F64) => F64,
        (x, y) => x.max(y),
    }
}

fn promote_weak(strong: DType, weak: DType) -> DType {
    use DType::*;
    match weak {
        Bool => strong,
        I32 | I64 => match strong {
            Bool => I64,
            s => s,
        },
        F32 | F64 => match strong {
            F32 | F64 => strong,
            _ => F64,
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
        (Some(Type::Scalar(c)), Type::Scalar(v)) => Some(Type::Scalar(
            if fixed || (weak && (widens_to(v, c) || c.is_float() || v.is_int())) {
                c
            } else {
                join(c, v)
            },
        )),
        _ => None,
    }
}

/// The element type arithmetic on `d` computes in: booleans count as i64 (`True + True`
/// is 2, as in Python).
pub fn arith(d: DType) -> DType {
    if d == DType::Bool {
        DType::I64
    } else {
        d
    }
}

/// The float type a math function computes in: f32 stays f32, everything else is f64.
pub fn float_of(d: DType) -> DType {
    if d == DType::F32 {
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
        assert_eq!(promote(I32, false, F32, false), F32);
        assert_eq!(promote(Bool, false, I64, true), I64);
        assert_eq!(promote(Bool, false, I32, false), I32);
        assert_eq!(promote(I64, true, F64, true), F64);
        assert_eq!(promote(F32, false, I64, true), F32);
    }
}
