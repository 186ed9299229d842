//! Array constructors (`zeros`, `ones`, `full`, `arange`, `linspace`) and random arrays.
//!
//! Every allocation goes through [`new_array`], which turns negative dimensions and absurd
//! sizes into error messages instead of a panic or an abort.

use crate::scalar::{cast_scalar, with_dtype, Fallible, Num};
use kernelc_runtime::error::msg;
use kernelc_runtime::rng::Rng;
use kernelc_runtime::{Array, DType, Element, Scalar};

/// Largest array allocated, in bytes (see [`Array::try_zeros`]).
pub const MAX_BYTES: u128 = kernelc_runtime::array::MAX_BYTES;

fn too_big(shape: &[usize], dtype: DType) -> String {
    format!(
        "array is too big: shape {} of {} needs more than {} bytes",
        msg::shape(shape),
        dtype,
        MAX_BYTES
    )
}

/// A new zero-filled C-contiguous array, or an error when its size is absurd, exceeds the
/// call's memory limit or is refused by the system ([`Array::try_zeros`]).
pub fn new_array(dtype: DType, shape: &[usize]) -> Fallible<Array> {
    Array::try_zeros(dtype, shape)
}

/// Converts a shape tuple (`i64` values) to dimensions.
pub fn shape_from_tuple(t: &[i64]) -> Fallible<Vec<usize>> {
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

/// An array of `shape` with every element `value` (of the array's type).
pub fn full(shape: &[usize], value: Scalar) -> Fallible<Array> {
    let mut a = new_array(value.dtype(), shape)?;
    with_dtype!(value.dtype(), T => {
        if let Some(s) = a.as_mut_slice::<T>() {
            s.fill(T::from_scalar(value));
        }
    });
    Ok(a)
}

/// `ones(shape)` of a dtype.
pub fn ones(dtype: DType, shape: &[usize]) -> Fallible<Array> {
    with_dtype!(dtype, T => full(shape, T::ONE.to_scalar()))
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
    if !step.truthy() {
        return Err("arange: step must not be zero".to_string());
    }
    let n = range_len((stop.as_f64() - start.as_f64()) / step.as_f64())?;
    // Elements 0 and 1 in the bounds' type (f64 or i64), then converted.
    let (a0, a1) = if start.dtype().is_float() || step.dtype().is_float() {
        let s = start.as_f64();
        (Scalar::F64(s), Scalar::F64(s + step.as_f64()))
    } else {
        let s = start.as_i64();
        (Scalar::I64(s), Scalar::I64(s.wrapping_add(step.as_i64())))
    };
    let a0 = cast_scalar(a0, dtype)?;
    let a1 = if n > 1 { cast_scalar(a1, dtype)? } else { a0 };
    let mut a = new_array(dtype, &[n])?;
    with_dtype!(dtype, T => {
        let out = a.as_mut_slice::<T>().unwrap_or_default();
        let (a0, a1) = (T::from_scalar(a0), T::from_scalar(a1));
        let delta = a1.sub(a0);
        for (i, o) in out.iter_mut().enumerate() {
            *o = match i {
                0 => a0,
                1 => a1,
                _ => a0.add(T::from_i128(i as i128).mul(delta)),
            };
        }
    });
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
    let mut y = Vec::new();
    if (n as u128) * 8 > MAX_BYTES {
        return Err(too_big(&[n], DType::F64));
    }
    y.try_reserve_exact(n)
        .map_err(|_| too_big(&[n], DType::F64))?;
    y.resize(n, 0.0f64);
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
    let a = Array::from_vec(y, &[n]);
    if dtype == DType::F64 {
        Ok(a)
    } else {
        crate::elementwise::cast_array(&a, dtype)
    }
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
    let mut a = new_array(elem, shape)?;
    match dist {
        Distribution::Uniform if elem == DType::F32 => {
            rng.fill_uniform_f32(slice::<f32>(&mut a)?);
        }
        Distribution::Uniform => rng.fill_uniform_f64(slice::<f64>(&mut a)?),
        Distribution::Normal => rng.fill_normal_f64(slice::<f64>(&mut a)?),
        Distribution::Randint(lo, hi) => rng.fill_randint(slice::<i64>(&mut a)?, lo, hi),
    }
    if elem != dtype {
        return crate::elementwise::cast_array(&a, dtype);
    }
    Ok(a)
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
    }

    #[test]
    fn absurd_sizes_are_errors() {
        assert!(new_array(DType::F64, &[1 << 30, 1 << 30]).is_err());
        assert!(new_array(DType::F64, &[usize::MAX, 2]).is_err());
        assert_eq!(new_array(DType::F64, &[usize::MAX, 0]).unwrap().size(), 0);
        assert_eq!(shape_from_tuple(&[-1]), Err(msg::NEGATIVE_DIM.to_string()));
    }
}
