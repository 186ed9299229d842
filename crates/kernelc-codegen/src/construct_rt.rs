//! The runtime helper behind native array constructors and random arrays
//! (`lower/construct.rs`): it decodes the argument words and calls the runtime's one
//! definition ([`kernelc_runtime::construct`]), which the interpreter calls too, so both
//! executors give the same elements, draws and errors (at the same positions).
#![allow(clippy::missing_safety_doc)]

use crate::abi::{unpack_span, ArrayHandle, JitCtx};
use crate::rt::{err, guard};
use kernelc_runtime::construct::{self, Distribution};
use kernelc_runtime::{DType, RuntimeError, Scalar};

/// What [`rt_construct`] builds.
#[derive(Clone, Copy, Debug)]
#[repr(i64)]
pub enum Kind {
    Zeros = 0,
    Ones = 1,
    Full = 2,
    Arange = 3,
    Linspace = 4,
    Uniform = 5,
    Normal = 6,
    Randint = 7,
}

/// A dtype as the index native code passes (its position in `DType::ALL`).
pub fn dtype_code(d: DType) -> i64 {
    DType::ALL.iter().position(|&x| x == d).expect("a dtype") as i64
}

fn scalar(code: u64, bits: u64) -> Scalar {
    Scalar::from_word(bits, DType::ALL[code as usize % DType::ALL.len()])
}

/// A scalar converted to the array's element type (sema gives `full`'s value that type
/// already; this keeps the helper total).
fn cast(v: Scalar, d: DType) -> Result<Scalar, String> {
    match v {
        _ if v.dtype() == d => Ok(v),
        Scalar::F64(x) => construct::cast_f64(x, d),
        Scalar::F32(x) => construct::cast_f64(f64::from(x), d),
        Scalar::Bool(b) => Ok(construct::cast_int(i128::from(b), d)),
        i => Ok(construct::cast_int(i.as_i128().unwrap_or(0), d)),
    }
}

/// Checks a shape before the constructor's other arguments are evaluated (`full`: the
/// interpreter reports a negative dimension before evaluating the value). `words` holds
/// `n` pairs (dtype code, value word).
pub unsafe extern "C" fn rt_check_shape(ctx: *mut JitCtx, words: *const u64, n: i64, span: i64) {
    guard(ctx, span, |c| {
        // SAFETY: native code stored `n` pairs.
        let w = unsafe { std::slice::from_raw_parts(words, 2 * n as usize) };
        let dims: Vec<i64> = w
            .chunks_exact(2)
            .map(|p| scalar(p[0], p[1]).as_i64())
            .collect();
        if let Err(m) = construct::shape_from_dims(&dims) {
            err(c, m, span);
        }
    })
}

/// Builds a new array of element type `dtype` (a [`dtype_code`]). `words` holds the
/// number of scalar arguments `s`, the number of dimensions `d` (-1: no shape), then
/// `s + d` pairs (dtype code, value word): the scalar arguments in the order the
/// constructor takes them, then the shape. Errors of the shape are reported at
/// `shape_span`, the others at `span`, as the interpreter does. Returns a new handle, or
/// 0 after recording the error.
pub unsafe extern "C" fn rt_construct(
    ctx: *mut JitCtx,
    kind: i64,
    dtype: i64,
    words: *const u64,
    shape_span: i64,
    span: i64,
) -> u64 {
    guard(ctx, span, |c| {
        // SAFETY: native code stored two counts and then that many pairs.
        let (ns, nd) = unsafe { (*words as usize, *words.add(1) as i64) };
        let pairs = ns + nd.max(0) as usize;
        // SAFETY: as above.
        let w = unsafe { std::slice::from_raw_parts(words.add(2), 2 * pairs) };
        let args: Vec<Scalar> = w.chunks_exact(2).map(|p| scalar(p[0], p[1])).collect();
        let (s, dims) = args.split_at(ns);
        let d = DType::ALL[dtype as usize % DType::ALL.len()];
        let shape = if nd >= 0 {
            let dims: Vec<i64> = dims.iter().map(|x| x.as_i64()).collect();
            match construct::shape_from_dims(&dims) {
                Ok(v) => v,
                Err(m) => {
                    err(c, m, shape_span);
                    return 0;
                }
            }
        } else {
            Vec::new()
        };
        let r = match kind {
            0 => construct::zeros(d, &shape),
            1 => construct::ones(d, &shape),
            2 => cast(s[0], d).and_then(|v| construct::full(&shape, v)),
            3 => construct::arange(d, s[0], s[1], s[2]),
            4 => construct::linspace(d, s[0].as_f64(), s[1].as_f64(), s[2].as_i64()),
            5 => construct::random_array(&mut c.rng, Distribution::Uniform, d, &shape),
            6 => construct::random_array(&mut c.rng, Distribution::Normal, d, &shape),
            7 => {
                let dist = Distribution::Randint(s[0].as_i64(), s[1].as_i64());
                construct::random_array(&mut c.rng, dist, d, &shape)
            }
            _ => Err("internal error: unknown constructor".to_string()),
        };
        match r {
            Ok(a) => ArrayHandle::into_raw(a) as u64,
            Err(m) => {
                let (s, e) = unpack_span(span);
                c.fail(RuntimeError::new(m, s, e));
                0
            }
        }
    })
}
