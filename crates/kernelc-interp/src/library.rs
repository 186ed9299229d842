//! Library operations (`ExprKind::Lib`: sort, cumsum, median, var, matmul, keepdims, ...):
//! the interpreter's side of [`kernelc_runtime::library`], the same helper native code
//! calls, so both executors give the same bits.

use crate::value::Value;
use kernelc_runtime::library::{self, LibFn, LibVal};

/// Applies `f` to evaluated arguments; errors are messages (the caller adds the span).
pub(crate) fn call(f: LibFn, args: Vec<Value>) -> Result<Value, String> {
    let mut vals = Vec::with_capacity(args.len());
    for a in args {
        vals.push(match a {
            Value::Scalar(s) => LibVal::Scalar(s),
            Value::Array(a) => LibVal::Array(a),
            other => {
                return Err(format!(
                    "internal error: a library function got a {}",
                    other.kind()
                ))
            }
        });
    }
    Ok(match library::call(f, &vals)? {
        LibVal::Scalar(s) => Value::Scalar(s),
        LibVal::Array(a) => Value::Array(a),
        LibVal::None => Value::None,
    })
}
