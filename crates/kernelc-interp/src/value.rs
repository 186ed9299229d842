//! Run-time values of the interpreter and how `print` shows them.

use kernelc_runtime::format::{format_array, format_scalar};
use kernelc_runtime::{Array, Scalar};
use std::rc::Rc;

/// A value held in a local or produced by an expression.
///
/// Arrays are shared views (cloning an `Array` clones the view, not the elements), so
/// `b = a` binds a second name to the same memory, as in Python.
#[derive(Clone, Debug)]
pub enum Value {
    Scalar(Scalar),
    Array(Array),
    /// A tuple of values (scalars, arrays, tuples): `a.shape`, `(i, x)`, a function's
    /// tuple result.
    Tuple(Vec<Value>),
    Str(Rc<str>),
    None,
}

impl Value {
    /// A short name of the value's kind, for internal error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Scalar(_) => "scalar",
            Value::Array(_) => "array",
            Value::Tuple(_) => "tuple",
            Value::Str(_) => "str",
            Value::None => "None",
        }
    }

    /// The scalar, if this is one.
    pub fn as_scalar(&self) -> Option<Scalar> {
        match self {
            Value::Scalar(s) => Some(*s),
            _ => None,
        }
    }

    /// The array, if this is one.
    pub fn as_array(&self) -> Option<&Array> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// How `print` shows the value: scalars as Python, arrays as NumPy, tuples as Python
    /// tuples (`(3, 4)`, `(3,)`), strings as they are, `None` as `None`.
    pub fn display(&self) -> String {
        match self {
            Value::Scalar(s) => format_scalar(*s),
            Value::Array(a) => format_array(a.dtype(), a.shape(), &|i| a.get_flat(i)),
            Value::Tuple(t) => format_tuple(t),
            Value::Str(s) => s.to_string(),
            Value::None => "None".to_string(),
        }
    }
}

impl Value {
    /// The leaves of a value (scalars and arrays, depth first): itself unless a tuple.
    pub fn flatten_into(self, out: &mut Vec<Value>) {
        match self {
            Value::Tuple(t) => t.into_iter().for_each(|v| v.flatten_into(out)),
            v => out.push(v),
        }
    }

    /// A tuple of i64 scalars (a shape).
    pub fn shape(dims: &[usize]) -> Value {
        Value::Tuple(
            dims.iter()
                .map(|&n| Value::Scalar(Scalar::I64(n as i64)))
                .collect(),
        )
    }
}

/// A tuple as Python prints it (`(3, 4)`, `(3,)`, `()`), its elements as `repr` shows
/// them.
pub fn format_tuple(t: &[Value]) -> String {
    let items: Vec<String> = t.iter().map(repr).collect();
    match items.as_slice() {
        [x] => format!("({x},)"),
        _ => format!("({})", items.join(", ")),
    }
}

/// How a value shows inside a tuple: as Python's `repr` (arrays as `array([...])`).
fn repr(v: &Value) -> String {
    match v {
        Value::Array(a) => {
            kernelc_runtime::format::format_array_repr(a.dtype(), a.shape(), &|i| a.get_flat(i))
        }
        v => v.display(),
    }
}

impl From<Scalar> for Value {
    fn from(s: Scalar) -> Value {
        Value::Scalar(s)
    }
}

impl From<Array> for Value {
    fn from(a: Array) -> Value {
        Value::Array(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tuples_print_as_python() {
        let i = |v| Value::Scalar(Scalar::I64(v));
        assert_eq!(format_tuple(&[i(3), i(4)]), "(3, 4)");
        assert_eq!(format_tuple(&[i(3)]), "(3,)");
        assert_eq!(
            format_tuple(&[i(3), Value::Scalar(Scalar::F64(0.5))]),
            "(3, 0.5)"
        );
        assert_eq!(format_tuple(&[]), "()");
        assert_eq!(Value::None.display(), "None");
    }
}
