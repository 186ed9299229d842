//! The generator's model of kernel types: the five element types and NumPy 2 (NEP 50)
//! promotion with weak literals, mirroring `kernelc-sema/src/types.rs` and
//! `docs/language.md`. If this model and the compiler disagree, generated programs fail
//! to compile (or silently change a variable's type), which the harness counts.

/// An element type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dt {
    Bool,
    I32,
    I64,
    F32,
    F64,
}

/// All element types, in lattice order.
pub const ALL: [Dt; 5] = [Dt::Bool, Dt::I32, Dt::I64, Dt::F32, Dt::F64];

impl Dt {
    /// The type's name in kernel source (`f64`), usable as a cast and an annotation.
    pub fn name(self) -> &'static str {
        match self {
            Dt::Bool => "bool",
            Dt::I32 => "i32",
            Dt::I64 => "i64",
            Dt::F32 => "f32",
            Dt::F64 => "f64",
        }
    }

    pub fn is_float(self) -> bool {
        matches!(self, Dt::F32 | Dt::F64)
    }

    /// `i32` or `i64` (not `bool`).
    pub fn is_int(self) -> bool {
        matches!(self, Dt::I32 | Dt::I64)
    }
}

/// The join of two strong types: `bool < i32 < i64`, `f32 < f64`, int with float gives
/// the float type except `i64` with `f32`, which gives `f64`.
pub fn join(a: Dt, b: Dt) -> Dt {
    use Dt::*;
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

/// Promotion of two operands, each possibly weak (a literal or constant expression).
pub fn promote(a: Dt, a_weak: bool, b: Dt, b_weak: bool) -> Dt {
    match (a_weak, b_weak) {
        (false, false) | (true, true) => join(a, b),
        (false, true) => promote_weak(a, b),
        (true, false) => promote_weak(b, a),
    }
}

fn promote_weak(strong: Dt, weak: Dt) -> Dt {
    use Dt::*;
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

/// The type arithmetic on `d` computes in (`bool` counts as `i64`).
pub fn arith(d: Dt) -> Dt {
    if d == Dt::Bool {
        Dt::I64
    } else {
        d
    }
}

/// The float type a math function computes in.
pub fn float_of(d: Dt) -> Dt {
    if d == Dt::F32 {
        Dt::F32
    } else {
        Dt::F64
    }
}

/// A binary arithmetic or bitwise operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    And,
    Or,
    Xor,
    Shl,
    Shr,
}

impl Op {
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
            Op::Div => "/",
            Op::FloorDiv => "//",
            Op::Mod => "%",
            Op::Pow => "**",
            Op::And => "&",
            Op::Or => "|",
            Op::Xor => "^",
            Op::Shl => "<<",
            Op::Shr => ">>",
        }
    }

    /// Bitwise and shift operators reject floats.
    pub fn needs_ints(self) -> bool {
        matches!(self, Op::And | Op::Or | Op::Xor | Op::Shl | Op::Shr)
    }

    /// The result element type of `a op b` (operand types already promoted to `t`).
    pub fn result(self, t: Dt) -> Dt {
        match self {
            Op::Div => {
                if t.is_float() {
                    t
                } else {
                    Dt::F64
                }
            }
            Op::And | Op::Or | Op::Xor => t,
            _ => arith(t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Dt::*;

    #[test]
    fn matches_the_documented_examples() {
        assert_eq!(promote(F32, false, F64, true), F32);
        assert_eq!(promote(I32, false, I64, true), I32);
        assert_eq!(promote(I32, false, F64, true), F64);
        assert_eq!(promote(I64, false, F32, false), F64);
        assert_eq!(promote(I32, false, F32, false), F32);
        assert_eq!(promote(Bool, false, I64, true), I64);
        assert_eq!(Op::Add.result(Bool), I64);
        assert_eq!(Op::Div.result(I32), F64);
    }
}
