//! Array constructors (`zeros`, `empty`, `ones`, `full`, `arange`, `linspace`) and random
//! scalars and arrays: the one definition both executors call (the interpreter from its
//! `alloc` module, native code through the code generator's `construct_rt` helpers), so
//! they give the same elements and the same errors.
//!
//! Every allocation goes through [`zeros`] ([`Array::try_zeros`]), which turns negative
//! dimensions, absurd sizes, the call's memory limit and refused allocations into error
//! messages instead of a panic or an abort.

use crate::array::{Array, Element, MAX_BYTES};
use crate::error::msg;
use crate::ops;
use crate::rng::Rng;
use crate::{DType, Scalar};

/// An error message (the executors add the position).
pub type Fallible<T> = Result<T, String>;

fn too_big(shape: &[usize], dtype: DType) -> String {
    format!(
        "array is too big: shape {} of {} needs more than {} bytes",
        msg::shape(shape),
        dtype,
        MAX_BYTES
    )
}

/// A new zero-filled C-contiguous array (`zeros`, and `empty`: no uninitialised memory is
/// ever visible), or an error when its size is absurd, exceeds the call's memory limit or
/// is refused by the system.
pub fn zeros(dtype: DType, shape: &[usize]) -> Fallible<Array> {
    Array::try_zeros(dtype, shape)
}

/// Converts shape values (`i64`) to dimensions; a negative one is NumPy's error.
pub fn shape_from_dims(t: &[i64]) -> Fallible<Vec<usize>> {
    t.iter()
        .map(|&n| {
            if n < 0 {
                Err(msg::NEGATIVE_DIM.to_string())
            } else {
                usize::try_from(n).map_err(|_| format!("array dimension {n} is too large"))
            }
        })
        .collect()
}

/// Calls `$m!(T)` with the Rust element type of a dtype.
/// [`by_dtype`] without the complex types (which `$m` need not support; they are
/// refused before).
macro_rules! by_real_dtype {
    ($d:expr, $m:ident) => {
        match $d {
            DType::Bool => $m!(bool),
            DType::I8 => $m!(i8),
            DType::I16 => $m!(i16),
            DType::I32 => $m!(i32),
            DType::I64 => $m!(i64),
            DType::U8 => $m!(u8),
            DType::U16 => $m!(u16),
            DType::U32 => $m!(u32),
            DType::U64 => $m!(u64),
            DType::F32 => $m!(f32),
            DType::F64 | DType::C64 | DType::C128 => $m!(f64),
        }
    };
}

macro_rules! by_dtype {
    ($d:expr, $m:ident) => {
        match $d {
            DType::Bool => $m!(bool),
            DType::I8 => $m!(i8),
            DType::I16 => $m!(i16),
            DType::I32 => $m!(i32),
            DType::I64 => $m!(i64),
            DType::U8 => $m!(u8),
            DType::U16 => $m!(u16),
            DType::U32 => $m!(u32),
            DType::U64 => $m!(u64),
            DType::F32 => $m!(f32),
            DType::F64 => $m!(f64),
            DType::C64 => $m!(crate::dtype::Complex32),
            DType::C128 => $m!(crate::dtype::Complex64),
        }
    };
}

/// An array of `shape` with every element `value` (of the array's type).
pub fn full(shape: &[usize], value: Scalar) -> Fallible<Array> {
    let mut a = zeros(value.dtype(), shape)?;
    macro_rules! fill {
        ($t:ty) => {
            if let Some(s) = a.as_mut_slice::<$t>() {
                s.fill(<$t>::from_scalar(value));
            }
        };
    }
    by_dtype!(value.dtype(), fill);
    Ok(a)
}

/// `ones(shape)` of a dtype.
pub fn ones(dtype: DType, shape: &[usize]) -> Fallible<Array> {
    let one = match dtype {
        DType::Bool => Scalar::Bool(true),
        DType::F32 => Scalar::F32(1.0),
        DType::F64 => Scalar::F64(1.0),
        DType::C64 => Scalar::C64(crate::dtype::Complex32::new(1.0, 0.0)),
        DType::C128 => Scalar::C128(crate::dtype::Complex64::new(1.0, 0.0)),
        d => Scalar::int_wrapping(1, d).unwrap_or(Scalar::I64(1)),
    };
    full(shape, one)
}

/// An f64 converted to `to` as the language casts (floats round; integers truncate, with
/// NumPy's error for nan or out of range; bool is `x != 0`).
pub fn cast_f64(x: f64, to: DType) -> Fallible<Scalar> {
    Ok(match to {
        DType::Bool => Scalar::Bool(ops::f64_to_bool(x)),
        DType::F32 => Scalar::F32(x as f32),
        DType::F64 => Scalar::F64(x),
        DType::C64 => Scalar::C64(crate::dtype::Complex32::new(x as f32, 0.0)),
        DType::C128 => Scalar::C128(crate::dtype::Complex64::new(x, 0.0)),
        d => {
            let (lo, hi) = d.int_range();
            let v =
                ops::f64_to_int_checked(x, lo, hi).ok_or_else(|| msg::float_to_int(x, d.name()))?;
            Scalar::int_wrapping(v, d).unwrap_or(Scalar::I64(0))
        }
    })
}

/// An integer converted to `to` (integers wrap, floats round to nearest once).
pub fn cast_int(x: i128, to: DType) -> Scalar {
    match to {
        DType::F32 => Scalar::F32(x as f32),
        DType::F64 => Scalar::F64(x as f64),
        DType::C64 => Scalar::C64(crate::dtype::Complex32::new(x as f32, 0.0)),
        DType::C128 => Scalar::C128(crate::dtype::Complex64::new(x as f64, 0.0)),
        d => Scalar::int_wrapping(x, d).unwrap_or(Scalar::I64(0)),
    }
}

/// The arithmetic `arange` fills with, in the element type (integers wrap; bool as
/// NumPy's: `+` is or, `-` is xor, `*` is and).
trait Fill: Element {
    fn add(self, o: Self) -> Self;
    fn sub(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    fn from_index(i: usize) -> Self;
}

macro_rules! int_fill {
    ($($t:ty),*) => {$(
        impl Fill for $t {
            fn add(self, o: Self) -> Self { self.wrapping_add(o) }
            fn sub(self, o: Self) -> Self { self.wrapping_sub(o) }
            fn mul(self, o: Self) -> Self { self.wrapping_mul(o) }
            fn from_index(i: usize) -> Self { i as $t }
        }
    )*};
}
int_fill!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! float_fill {
    ($($t:ty),*) => {$(
        impl Fill for $t {
            fn add(self, o: Self) -> Self { self + o }
            fn sub(self, o: Self) -> Self { self - o }
            fn mul(self, o: Self) -> Self { self * o }
            fn from_index(i: usize) -> Self { i as $t }
        }
    )*};
}
float_fill!(f32, f64);

impl Fill for bool {
    fn add(self, o: Self) -> Self {
        self | o
    }
    fn sub(self, o: Self) -> Self {
        self ^ o
    }
    fn mul(self, o: Self) -> Self {
        self & o
    }
    fn from_index(i: usize) -> Self {
        i != 0
    }
}

fn arange_fill<T: Fill>(out: &mut [T], a0: Scalar, a1: Scalar) {
    let (a0, a1) = (T::from_scalar(a0), T::from_scalar(a1));
    let delta = a1.sub(a0);
    for (i, o) in out.iter_mut().enumerate() {
        *o = match i {
            0 => a0,
            1 => a1,
            _ => a0.add(T::from_index(i).mul(delta)),
        };
    }
}

/// Number of elements of a float-computed range: `ceil(x)` clamped at 0, checked.
fn range_len(x: f64) -> Fallible<usize> {
    if x.is_nan() {
        return Err("arange: cannot compute length".to_string());
    }
    let n = x.ceil();
    if n <= 0.0 {
        return Ok(0);
    }
    if n >= (MAX_BYTES as f64) {
        return Err(format!("array is too big: arange would have {n} elements"));
    }
    Ok(n as usize)
}

/// `arange(start, stop, step)` of element type `dtype` (NumPy): `ceil((stop - start) /
/// step)` elements (computed in f64). As NumPy's `fill`, element 0 is `start`, element 1
/// is `start + step` (both computed in the bounds' type, f64 or i64, and converted), and
/// element `i >= 2` is `a0 + i * (a1 - a0)` computed in the element type (wrapping for
/// ints).
pub fn arange(dtype: DType, start: Scalar, stop: Scalar, step: Scalar) -> Fallible<Array> {
    if dtype.is_complex() {
        return Err(format!("arange of {dtype} is not supported"));
    }
    if !step.truthy() {
        return Err("arange: step must not be zero".to_string());
    }
    let n = range_len((stop.as_f64() - start.as_f64()) / step.as_f64())?;
    let float = start.dtype().is_float() || step.dtype().is_float();
    let convert = |k: i64| -> Fallible<Scalar> {
        if float {
            let s = start.as_f64();
            cast_f64(if k == 0 { s } else { s + step.as_f64() }, dtype)
        } else {
            let s = start.as_i64();
            let v = if k == 0 {
                s
            } else {
                s.wrapping_add(step.as_i64())
            };
            Ok(cast_int(i128::from(v), dtype))
        }
    };
    let a0 = convert(0)?;
    let a1 = if n > 1 { convert(1)? } else { a0 };
    let mut a = zeros(dtype, &[n])?;
    macro_rules! go {
        ($t:ty) => {
            arange_fill::<$t>(a.as_mut_slice::<$t>().unwrap_or_default(), a0, a1)
        };
    }
    by_real_dtype!(dtype, go);
    Ok(a)
}

/// `linspace(start, stop, num)` as NumPy computes it (in f64, then converted to `dtype`):
/// `i * step + start` with `step = (stop - start) / (num - 1)` (or `i / div * delta` when
/// the step underflows to 0), the last element exactly `stop`; `num == 1` gives
/// `[0 * delta + start]`.
pub fn linspace(dtype: DType, start: f64, stop: f64, num: i64) -> Fallible<Array> {
    if num < 0 {
        return Err(format!("Number of samples, {num}, must be non-negative."));
    }
    let n = usize::try_from(num).map_err(|_| "linspace: too many samples".to_string())?;
    if (n as u128) * 8 > MAX_BYTES {
        return Err(too_big(&[n], DType::F64));
    }
    let mut a = zeros(DType::F64, &[n])?;
    let y = a.as_mut_slice::<f64>().unwrap_or_default();
    let delta = stop - start;
    let div = num - 1;
    if div > 0 {
        let divf = div as f64;
        let step = delta / divf;
        for (i, v) in y.iter_mut().enumerate() {
            *v = if step == 0.0 {
                (i as f64 / divf) * delta + start
            } else {
                i as f64 * step + start
            };
        }
        y[n - 1] = stop;
    } else if n == 1 {
        y[0] = 0.0 * delta + start;
    }
    convert_array(a, dtype)
}

/// A fresh f64, f32 or i64 array converted to `dtype` element by element (the first
/// failing element's error).
fn convert_array(a: Array, dtype: DType) -> Fallible<Array> {
    if a.dtype() == dtype {
        return Ok(a);
    }
    let conv = |s: Scalar| -> Fallible<Scalar> {
        match s {
            Scalar::F64(x) => cast_f64(x, dtype),
            Scalar::F32(x) if dtype == DType::F64 => Ok(Scalar::F64(f64::from(x))),
            Scalar::F32(x) => cast_f64(f64::from(x), dtype),
            s => Ok(cast_int(s.as_i128().unwrap_or(0), dtype)),
        }
    };
    let mut out = zeros(dtype, a.shape())?;
    macro_rules! go {
        ($t:ty) => {
            for (i, o) in out
                .as_mut_slice::<$t>()
                .unwrap_or_default()
                .iter_mut()
                .enumerate()
            {
                *o = <$t>::from_scalar(conv(a.get_flat(i))?);
            }
        };
    }
    by_dtype!(dtype, go);
    Ok(out)
}

/// The distributions of `random`, `normal`, `randint` with evaluated arguments.
#[derive(Clone, Copy, Debug)]
pub enum Distribution {
    Uniform,
    Normal,
    Randint(i64, i64),
}

fn check_randint(lo: i64, hi: i64) -> Fallible<()> {
    if hi <= lo {
        Err(msg::randint_bounds(lo, hi))
    } else {
        Ok(())
    }
}

/// One random scalar of element type `dtype`.
pub fn random_scalar(rng: &mut Rng, dist: Distribution, dtype: DType) -> Fallible<Scalar> {
    Ok(match dist {
        Distribution::Uniform if dtype == DType::F32 => Scalar::F32(rng.uniform_f32()),
        Distribution::Uniform => Scalar::F64(rng.uniform_f64()),
        Distribution::Normal => Scalar::F64(rng.normal_f64()),
        Distribution::Randint(lo, hi) => {
            check_randint(lo, hi)?;
            Scalar::I64(rng.randint(lo, hi))
        }
    })
}

/// A new array of random numbers (the counter advances as `rng.rs` defines for fills).
pub fn random_array(
    rng: &mut Rng,
    dist: Distribution,
    dtype: DType,
    shape: &[usize],
) -> Fallible<Array> {
    if let Distribution::Randint(lo, hi) = dist {
        check_randint(lo, hi)?;
    }
    let elem = match dist {
        Distribution::Uniform if dtype == DType::F32 => DType::F32,
        Distribution::Uniform | Distribution::Normal => DType::F64,
        Distribution::Randint(..) => DType::I64,
    };
    let mut a = zeros(elem, shape)?;
    match dist {
        Distribution::Uniform if elem == DType::F32 => {
            rng.fill_uniform_f32(slice::<f32>(&mut a)?);
        }
        Distribution::Uniform => rng.fill_uniform_f64(slice::<f64>(&mut a)?),
        Distribution::Normal => rng.fill_normal_f64(slice::<f64>(&mut a)?),
        Distribution::Randint(lo, hi) => rng.fill_randint(slice::<i64>(&mut a)?, lo, hi),
    }
    convert_array(a, dtype)
}

fn slice<T: Element>(a: &mut Array) -> Fallible<&mut [T]> {
    a.as_mut_slice::<T>()
        .ok_or_else(|| "internal error: fresh array is not contiguous".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arange_matches_numpy() {
        // np.arange(0.1, 1.0, 0.1).tolist() (NumPy 2.4)
        let a = arange(
            DType::F64,
            Scalar::F64(0.1),
            Scalar::F64(1.0),
            Scalar::F64(0.1),
        );
        assert_eq!(
            a.unwrap().to_vec::<f64>(),
            vec![
                0.1,
                0.2,
                0.30000000000000004,
                0.4,
                0.5,
                0.6,
                0.7000000000000001,
                0.8,
                0.9
            ]
        );
        // np.arange(0.1, 1.0, 0.1, dtype=np.float32)
        let b = arange(
            DType::F32,
            Scalar::F64(0.1),
            Scalar::F64(1.0),
            Scalar::F64(0.1),
        );
        let expect: Vec<f32> = [
            0.10000000149011612,
            0.20000000298023224,
            0.30000001192092896,
            0.4000000059604645,
            0.5,
            0.6000000238418579,
            0.7000000476837158,
            0.800000011920929,
            0.9000000357627869,
        ]
        .iter()
        .map(|&x: &f64| x as f32)
        .collect();
        assert_eq!(b.unwrap().to_vec::<f32>(), expect);
        let c = arange(DType::I64, Scalar::I64(10), Scalar::I64(1), Scalar::I64(-3));
        assert_eq!(c.unwrap().to_vec::<i64>(), vec![10, 7, 4]);
        let d = arange(DType::I64, Scalar::I64(5), Scalar::I64(1), Scalar::I64(1));
        assert_eq!(d.unwrap().size(), 0);
        // np.arange(0.5, 5, 1.5, dtype=np.int64) == [0, 2, 4]
        let e = arange(
            DType::I64,
            Scalar::F64(0.5),
            Scalar::F64(5.0),
            Scalar::F64(1.5),
        );
        assert_eq!(e.unwrap().to_vec::<i64>(), vec![0, 2, 4]);
        assert!(arange(DType::I64, Scalar::I64(0), Scalar::I64(1), Scalar::I64(0)).is_err());
    }

    #[test]
    fn linspace_matches_numpy() {
        // np.linspace(0.3, 1.7, 7).tolist()
        let a = linspace(DType::F64, 0.3, 1.7, 7).unwrap();
        assert_eq!(
            a.to_vec::<f64>(),
            vec![
                0.3,
                0.5333333333333333,
                0.7666666666666666,
                1.0,
                1.2333333333333332,
                1.4666666666666666,
                1.7
            ]
        );
        assert_eq!(
            linspace(DType::F64, 2.0, 5.0, 1).unwrap().to_vec::<f64>(),
            vec![2.0]
        );
        assert_eq!(linspace(DType::F64, 2.0, 5.0, 0).unwrap().size(), 0);
        assert!(linspace(DType::F64, 2.0, 5.0, -1).is_err());
        // np.linspace(0, 10, 4, dtype=np.int32) == [0, 3, 6, 10]
        assert_eq!(
            linspace(DType::I32, 0.0, 10.0, 4).unwrap().to_vec::<i32>(),
            vec![0, 3, 6, 10]
        );
    }

    #[test]
    fn full_and_ones() {
        assert_eq!(ones(DType::U8, &[3]).unwrap().to_vec::<u8>(), vec![1, 1, 1]);
        assert_eq!(
            full(&[2], Scalar::F32(2.5)).unwrap().to_vec::<f32>(),
            vec![2.5, 2.5]
        );
    }

    #[test]
    fn absurd_sizes_are_errors() {
        assert!(zeros(DType::F64, &[1 << 30, 1 << 30]).is_err());
        assert!(zeros(DType::F64, &[usize::MAX, 2]).is_err());
        assert_eq!(zeros(DType::F64, &[usize::MAX, 0]).unwrap().size(), 0);
        assert_eq!(shape_from_dims(&[-1]), Err(msg::NEGATIVE_DIM.to_string()));
    }
}
