//! The runtime error both executors report: a message and the byte span of the kernel
//! source that failed. (The JIT writes the same record into its context and returns a
//! status code; nothing unwinds through native frames.)

use std::fmt;

/// A runtime error: what went wrong (a sentence as NumPy/Python would say it) and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuntimeError {
    pub message: String,
    /// Byte range of the failing expression or statement in the kernel source.
    pub start: u32,
    pub end: u32,
}

impl RuntimeError {
    pub fn new(message: impl Into<String>, start: u32, end: u32) -> RuntimeError {
        RuntimeError {
            message: message.into(),
            start,
            end,
        }
    }
}

impl fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RuntimeError {}

/// Standard messages, shared so both executors say the same thing.
/// Deepest call nesting allowed (Python's default recursion limit), in both executors.
pub const MAX_DEPTH: usize = 1000;

pub mod msg {
    /// A failed `assert` (Python's text: `AssertionError` or `AssertionError: message`).
    pub fn assertion(message: Option<&str>) -> String {
        match message {
            Some(m) => format!("AssertionError: {m}"),
            None => "AssertionError".to_string(),
        }
    }
    /// NumPy's IndexError text.
    pub fn index_out_of_bounds(index: i64, axis: usize, size: usize) -> String {
        format!("index {index} is out of bounds for axis {axis} with size {size}")
    }
    pub const INT_DIV_ZERO: &str = "integer division by zero";
    pub const INT_MOD_ZERO: &str = "integer modulo by zero";
    pub const NEG_INT_POWER: &str = "integers to negative integer powers are not allowed";
    pub const RANGE_STEP_ZERO: &str = "range() arg 3 must not be zero";
    pub const NEGATIVE_DIM: &str = "negative dimensions are not allowed";
    /// NumPy's broadcasting error.
    pub fn broadcast(a: &[usize], b: &[usize]) -> String {
        format!(
            "operands could not be broadcast together with shapes {} {}",
            shape(a),
            shape(b)
        )
    }
    /// A shape as NumPy prints it: `(3,)`, `(2,3)`.
    pub fn shape(s: &[usize]) -> String {
        match s {
            [n] => format!("({n},)"),
            _ => format!(
                "({})",
                s.iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        }
    }
    pub fn float_to_int(value: f64, to: &str) -> String {
        if value.is_nan() {
            format!("cannot convert float nan to integer ({to})")
        } else {
            format!(
                "float {} is out of range for {to}",
                crate::format::format_scalar(crate::Scalar::F64(value))
            )
        }
    }
    /// `randint(lo, hi)` with `hi <= lo`.
    pub fn randint_bounds(lo: i64, hi: i64) -> String {
        format!("randint: high <= low ({hi} <= {lo})")
    }
    /// NumPy's message for min/max/argmin/argmax of an empty array.
    pub fn empty_reduction(op: &str) -> String {
        format!("zero-size array to reduction operation {op} which has no identity")
    }
}
