//! Top-level constants (`N = 1000`, `G = 9.81`): evaluated at compile time to weak
//! scalars, as Python scalars are in NumPy. Globals bound to other expressions (calls,
//! lists, casts) are `globals.rs`'s.

use kernelc_runtime::{ops, Scalar};
use kernelc_syntax::ast::{BinOp, Expr, ExprKind, UnaryOp};
use std::collections::HashMap;

/// Evaluates a constant expression: literals, other constants, `+ - * / // % **`, unary
/// minus, and parentheses. Returns `None` for anything else.
pub fn eval_const(e: &Expr, env: &HashMap<String, Scalar>) -> Result<Scalar, String> {
    Ok(match &e.kind {
        ExprKind::Int(v) => {
            Scalar::I64(i64::try_from(*v).map_err(|_| "integer literal is too large for i64")?)
        }
        ExprKind::Float(v) => Scalar::F64(*v),
        ExprKind::Bool(b) => Scalar::Bool(*b),
        ExprKind::Name(n) => match env.get(n) {
            Some(v) => *v,
            None => match builtin_constant(n) {
                Some(v) => v,
                None => return Err(format!("'{n}' is not a constant")),
            },
        },
        ExprKind::Attribute(base, attr) => match (&base.kind, attr.name.as_str()) {
            (ExprKind::Name(m), a) if is_module(m) => {
                builtin_constant(a).ok_or_else(|| format!("unknown constant '{m}.{a}'"))?
            }
            _ => return Err("not a constant expression".into()),
        },
        ExprKind::Unary(UnaryOp::Neg, x) => match eval_const(x, env)? {
            Scalar::I64(v) => Scalar::I64(v.checked_neg().ok_or(OVERFLOW)?),
            Scalar::F64(v) => Scalar::F64(-v),
            Scalar::Bool(b) => Scalar::I64(-(b as i64)),
            s => s,
        },
        ExprKind::Unary(UnaryOp::Pos, x) => eval_const(x, env)?,
        ExprKind::Binary(op, a, b) => {
            let (a, b) = (eval_const(a, env)?, eval_const(b, env)?);
            binary(*op, a, b)?
        }
        _ => return Err("a top-level constant must be a number or an arithmetic expression of numbers and other constants".into()),
    })
}

/// `pi`, `e`, `inf`, `nan` as in `np.pi` etc.
pub fn builtin_constant(name: &str) -> Option<Scalar> {
    Some(Scalar::F64(match name {
        "pi" => std::f64::consts::PI,
        "e" => std::f64::consts::E,
        "inf" => f64::INFINITY,
        "nan" => f64::NAN,
        _ => return None,
    }))
}

/// Module prefixes that name builtins: `np.sqrt`, `numpy.zeros`, `math.exp`.
pub fn is_module(name: &str) -> bool {
    matches!(name, "np" | "numpy" | "math")
}

/// Integer constant arithmetic is exact: overflowing `i64` is a compile error (LANGUAGE.md
/// §9), not a silent wrap.
pub(crate) const OVERFLOW: &str = "integer constant arithmetic overflows i64";

/// Python's `x // y` (rounded toward negative infinity), `y != 0`.
fn floor_div(x: i128, y: i128) -> i128 {
    let q = x / y;
    if x % y != 0 && ((x < 0) != (y < 0)) {
        q - 1
    } else {
        q
    }
}

/// The exact value of an expression made only of integer literals and `+ - * // % **`
/// and unary `-`/`+` (`2**64 - 1`, `-9223372036854775808`), as Python computes it: `None`
/// when `e` is not such an expression (or divides by zero, or raises to a negative power:
/// the ordinary lowering reports those); `Some(Err)` when a value passes 128 bits.
pub(crate) fn int_literal_value(e: &Expr) -> Option<Result<i128, String>> {
    fn go(e: &Expr) -> Option<Result<i128, ()>> {
        Some(match &e.kind {
            ExprKind::Int(v) => Ok(i128::from(*v)),
            ExprKind::Unary(UnaryOp::Neg, x) => go(x)?.map(|v| -v),
            ExprKind::Unary(UnaryOp::Pos, x) => go(x)?,
            ExprKind::Binary(op, a, b) => {
                let (x, y) = (go(a)?, go(b)?);
                let (Ok(x), Ok(y)) = (x, y) else {
                    return Some(Err(()));
                };
                match op {
                    BinOp::Add => x.checked_add(y).ok_or(()),
                    BinOp::Sub => x.checked_sub(y).ok_or(()),
                    BinOp::Mul => x.checked_mul(y).ok_or(()),
                    BinOp::FloorDiv if y != 0 => Ok(floor_div(x, y)),
                    BinOp::Mod if y != 0 => Ok(x - y * floor_div(x, y)),
                    BinOp::Pow if y >= 0 => u32::try_from(y)
                        .ok()
                        .and_then(|y| x.checked_pow(y))
                        .ok_or(()),
                    _ => return None,
                }
            }
            _ => return None,
        })
    }
    // A bare literal is not folded here (the lowering handles it).
    if matches!(e.kind, ExprKind::Int(_)) {
        return None;
    }
    go(e).map(|r| r.map_err(|()| OVERFLOW.to_string()))
}

fn binary(op: BinOp, a: Scalar, b: Scalar) -> Result<Scalar, String> {
    let ints = |s: Scalar| match s {
        Scalar::I64(v) => Some(v),
        Scalar::Bool(b) => Some(b as i64),
        _ => None,
    };
    if let (Some(x), Some(y)) = (ints(a), ints(b)) {
        return Ok(Scalar::I64(match op {
            BinOp::Add => x.checked_add(y).ok_or(OVERFLOW)?,
            BinOp::Sub => x.checked_sub(y).ok_or(OVERFLOW)?,
            BinOp::Mul => x.checked_mul(y).ok_or(OVERFLOW)?,
            BinOp::Div => return Ok(Scalar::F64(x as f64 / y as f64)),
            BinOp::FloorDiv => ops::floordiv_i64(x, y).ok_or("integer division by zero")?,
            BinOp::Mod => ops::mod_i64(x, y).ok_or("integer modulo by zero")?,
            BinOp::Pow if y < 0 => {
                return Err("integers to negative integer powers are not allowed".into())
            }
            BinOp::Pow => u32::try_from(y)
                .ok()
                .and_then(|y| x.checked_pow(y))
                .ok_or(OVERFLOW)?,
            _ => return Err(format!("'{}' is not allowed in a constant", op.symbol())),
        }));
    }
    let (x, y) = (a.as_f64(), b.as_f64());
    Ok(Scalar::F64(match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div => x / y,
        BinOp::FloorDiv => ops::floordiv_f64(x, y),
        BinOp::Mod => ops::remainder_f64(x, y),
        BinOp::Pow => kernelc_runtime::math::pow_f64(x, y),
        _ => return Err(format!("'{}' is not allowed in a constant", op.symbol())),
    }))
}
