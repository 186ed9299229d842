//! The generator's model of kernel types: the five element types and NumPy 2 (NEP 50)
//! promotion with weak literals, taken from the compiler (`kernelc-sema/src/types.rs`), so
//! the programs it builds type-check; a program that does not compile is counted by the
//! harness.

/// Promotion rules: the compiler's own, so generated programs type-check by construction.
pub use kernelc::promotion::{arith, float_of, join, promote};
/// An element type (the compiler's own).
pub use kernelc::DType as Dt;

/// All element types, in lattice order.
pub const ALL: [Dt; 5] = [Dt::Bool, Dt::I32, Dt::I64, Dt::F32, Dt::F64];

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
