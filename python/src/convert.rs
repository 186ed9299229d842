//! Conversions between Python/NumPy objects and the facade's values.
//!
//! NumPy arrays are viewed in place (any strides, negative ones too): the kernel reads and
//! writes the caller's memory. Arrays NumPy marks read-only (memory maps opened with
//! `mmap_mode="r"`, broadcast views) are passed as shared borrows, which the facade copies
//! before a call that could write them. Results that own their memory become NumPy arrays
//! whose base object keeps that memory alive (no copy). The Python layer
//! (kernelc/_convert.py) has already turned other objects into arrays of a supported dtype,
//! native byte order and aligned, with strides that are multiples of the element size.

use kernelc::{Arg, Array, DType, Error, Function, Output, Scalar, Value};
use numpy::npyffi::{self, npy_intp, NPY_ARRAY_WRITEABLE, PY_ARRAY_API};
use numpy::{
    Complex32, Complex64, PyArrayDescr, PyArrayDescrMethods, PyUntypedArray, PyUntypedArrayMethods,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyComplex, PyComplexMethods, PyFloat, PyInt};

/// One input of a call: a scalar, or an array view with whether NumPy lets us write it.
pub enum Input {
    Scalar(Scalar),
    Array { array: Array, writeable: bool },
}

/// The arguments of one call. They hold views of NumPy arrays that the calling Python
/// frame keeps alive, and are used only on the thread that built them.
pub struct Args(pub Vec<Arg<'static>>);

// SAFETY: `Args` is only moved into `Python::detach`, which runs the closure on the current
// thread; the `Rc` inside string values (never built here) is therefore never shared.
unsafe impl Send for Args {}
// SAFETY: as above: no other thread ever sees these values.
unsafe impl Sync for Args {}

impl Args {
    /// Calls a kernel function with these arguments.
    pub fn call(&self, f: &Function<'_>) -> Result<Output, Error> {
        f.call(&self.0)
    }
}

/// Named values of an expression (see [`Args`] for why they may cross into `detach`).
pub struct Vars<'n>(pub Vec<(&'n str, Input)>);

// SAFETY: see `Args`: the values are used on the current thread only.
unsafe impl Send for Vars<'_> {}
// SAFETY: see `Args`.
unsafe impl Sync for Vars<'_> {}

impl Vars<'_> {
    /// `kernelc::eval` over these values (arrays are never written by an expression).
    pub fn eval(&self, expr: &str) -> Result<Output, Error> {
        let args: Vec<(&str, Arg<'_>)> = self
            .0
            .iter()
            .map(|(n, v)| {
                let a = match v {
                    Input::Scalar(s) => Arg::scalar(*s),
                    Input::Array { array, .. } => Arg::array(array.clone()),
                };
                (*n, a)
            })
            .collect();
        kernelc::eval(expr, &args)
    }

    /// `out[...] = expr` into an existing array.
    pub fn eval_into(&self, expr: &str, out: &Array) -> Result<(), Error> {
        let vals: Vec<(&str, Value)> = self
            .0
            .iter()
            .map(|(n, v)| {
                let v = match v {
                    Input::Scalar(s) => Value::Scalar(*s),
                    Input::Array { array, .. } => Value::Array(array.clone()),
                };
                (*n, v)
            })
            .collect();
        kernelc::eval_values_into(expr, &vals, out)
    }
}

/// The kernelc dtype of a NumPy dtype (native byte order only), from its kind and size.
fn dtype_of(d: &Bound<'_, PyArrayDescr>) -> PyResult<DType> {
    let t = match (d.kind(), d.itemsize()) {
        _ if d.is_native_byteorder() == Some(false) => None,
        (b'f', 8) => Some(DType::F64),
        (b'f', 4) => Some(DType::F32),
        (b'i', 8) => Some(DType::I64),
        (b'i', 4) => Some(DType::I32),
        (b'i', 2) => Some(DType::I16),
        (b'i', 1) => Some(DType::I8),
        (b'u', 8) => Some(DType::U64),
        (b'u', 4) => Some(DType::U32),
        (b'u', 2) => Some(DType::U16),
        (b'u', 1) => Some(DType::U8),
        (b'b', 1) => Some(DType::Bool),
        (b'c', 8) => Some(DType::C64),
        (b'c', 16) => Some(DType::C128),
        _ => None,
    };
    t.ok_or_else(|| {
        PyTypeError::new_err(format!(
            "unsupported dtype {d}: kernelc takes bool, integer, float32/float64 and complex64/complex128 arrays"
        ))
    })
}

/// The extent (in elements) between the lowest and highest element of a strided view,
/// and the offset of element 0 from the lowest.
fn extent(shape: &[usize], strides: &[isize]) -> (usize, isize) {
    if shape.contains(&0) {
        return (0, 0);
    }
    let (mut lo, mut hi) = (0isize, 0isize);
    for (&n, &s) in shape.iter().zip(strides) {
        let span = (n as isize - 1) * s;
        if span < 0 {
            lo += span;
        } else {
            hi += span;
        }
    }
    ((hi - lo + 1) as usize, -lo)
}

/// A view of a NumPy array's memory (no copy) and whether it is writeable.
pub fn array_of(a: &Bound<'_, PyUntypedArray>) -> PyResult<(Array, bool)> {
    let dtype = dtype_of(&a.dtype())?;
    let item = dtype.size() as isize;
    let shape = a.shape();
    // Strides in elements, on the stack (NumPy arrays have at most 64 axes).
    let mut stride_buf = [0isize; 64];
    let strides = &mut stride_buf[..a.strides().len().min(64)];
    for (k, &s) in a.strides().iter().take(64).enumerate() {
        if s % item != 0 {
            return Err(PyValueError::new_err(
                "array strides are not a multiple of the element size",
            ));
        }
        strides[k] = s / item;
    }
    let strides = &*strides;
    // SAFETY: `as_array_ptr` is a live PyArrayObject (we hold a reference to it).
    let (data, flags) = unsafe {
        let p = a.as_array_ptr();
        ((*p).fields.data as *mut u8, (*p).fields.flags)
    };
    if !shape.contains(&0) && !(data as usize).is_multiple_of(item as usize) {
        return Err(PyValueError::new_err("array data is not aligned"));
    }
    let writeable = flags & NPY_ARRAY_WRITEABLE != 0;
    let (len, off) = extent(shape, strides);
    let base = data.wrapping_offset(-off * item);
    // SAFETY: NumPy guarantees that every element reachable from the data pointer with this
    // shape and these strides lies in the array's memory, i.e. in [base, base + len); the
    // pointer is aligned for the dtype (checked above). The caller keeps the NumPy array
    // alive for as long as the returned view is used (the duration of one call), and
    // results that still view it are copied by the facade.
    let raw = unsafe {
        match dtype {
            DType::F64 => Array::borrow_raw(base as *mut f64, len, shape, strides),
            DType::F32 => Array::borrow_raw(base as *mut f32, len, shape, strides),
            DType::I64 => Array::borrow_raw(base as *mut i64, len, shape, strides),
            DType::I32 => Array::borrow_raw(base as *mut i32, len, shape, strides),
            DType::I16 => Array::borrow_raw(base as *mut i16, len, shape, strides),
            DType::I8 => Array::borrow_raw(base as *mut i8, len, shape, strides),
            DType::U64 => Array::borrow_raw(base as *mut u64, len, shape, strides),
            DType::U32 => Array::borrow_raw(base as *mut u32, len, shape, strides),
            DType::U16 => Array::borrow_raw(base as *mut u16, len, shape, strides),
            DType::U8 => Array::borrow_raw(base, len, shape, strides),
            DType::Bool => Array::borrow_raw(base as *mut bool, len, shape, strides),
            DType::C64 => Array::borrow_raw(base as *mut Complex32, len, shape, strides),
            DType::C128 => Array::borrow_raw(base as *mut Complex64, len, shape, strides),
        }
    };
    let array = if off == 0 {
        raw
    } else {
        // SAFETY: `off` is element 0's position inside the buffer (computed by `extent`).
        unsafe {
            Array::from_parts(
                raw.buffer().clone(),
                dtype,
                off,
                shape.to_vec(),
                strides.to_vec(),
            )
        }
    };
    Ok((array, writeable))
}

/// The array `out=` of an expression: must be writeable.
pub fn out_array(a: &Bound<'_, PyUntypedArray>) -> PyResult<Array> {
    let (array, writeable) = array_of(a)?;
    if !writeable {
        return Err(PyValueError::new_err("output array is read-only"));
    }
    Ok(array)
}

/// A Python or NumPy number, or a NumPy array (the Python layer converted the rest).
pub fn py_value_of(obj: &Bound<'_, PyAny>) -> PyResult<Input> {
    if let Ok(a) = obj.cast::<PyUntypedArray>() {
        if a.ndim() == 0 {
            // 0-d arrays are scalars of their dtype (as NumPy scalars are).
            let item = obj.call_method0("item")?;
            return scalar_of_dtype(&item, dtype_of(&a.dtype())?).map(Input::Scalar);
        }
        let (array, writeable) = array_of(a)?;
        return Ok(Input::Array { array, writeable });
    }
    if obj.is_instance_of::<PyBool>() {
        return Ok(Input::Scalar(Scalar::Bool(obj.extract()?)));
    }
    if obj.is_instance_of::<PyInt>() {
        return Ok(Input::Scalar(Scalar::I64(obj.extract().map_err(|_| {
            PyValueError::new_err("integer does not fit in int64")
        })?)));
    }
    if obj.is_instance_of::<PyFloat>() {
        return Ok(Input::Scalar(Scalar::F64(obj.extract()?)));
    }
    if obj.is_instance_of::<PyComplex>() {
        return Ok(Input::Scalar(Scalar::C128(complex_of(obj)?)));
    }
    // NumPy scalars that are not Python numbers (float32, int32, ...): their dtype decides.
    if let Ok(d) = obj
        .getattr("dtype")
        .and_then(|d| Ok(d.cast_into::<PyArrayDescr>()?))
    {
        let item = obj.call_method0("item")?;
        return scalar_of_dtype(&item, dtype_of(&d)?).map(Input::Scalar);
    }
    Err(PyTypeError::new_err(format!(
        "unsupported argument of type {}: kernelc takes numbers and NumPy arrays",
        obj.get_type().name()?
    )))
}

/// A Python number as a scalar of a given dtype.
fn scalar_of_dtype(item: &Bound<'_, PyAny>, dtype: DType) -> PyResult<Scalar> {
    Ok(match dtype {
        DType::F64 => Scalar::F64(item.extract()?),
        DType::F32 => Scalar::F32(item.extract()?),
        DType::I64 => Scalar::I64(item.extract()?),
        DType::I32 => Scalar::I32(item.extract()?),
        DType::I16 => Scalar::I16(item.extract()?),
        DType::I8 => Scalar::I8(item.extract()?),
        DType::U64 => Scalar::U64(item.extract()?),
        DType::U32 => Scalar::U32(item.extract()?),
        DType::U16 => Scalar::U16(item.extract()?),
        DType::U8 => Scalar::U8(item.extract()?),
        DType::Bool => Scalar::Bool(item.extract()?),
        DType::C64 => {
            let c = complex_of(item)?;
            Scalar::C64(Complex32::new(c.re as f32, c.im as f32))
        }
        DType::C128 => Scalar::C128(complex_of(item)?),
    })
}

/// A Python number as a complex128 value (Python's `complex`, or a real number).
fn complex_of(item: &Bound<'_, PyAny>) -> PyResult<Complex64> {
    match item.cast::<PyComplex>() {
        Ok(c) => Ok(Complex64::new(c.real(), c.imag())),
        Err(_) => Ok(Complex64::new(item.extract()?, 0.0)),
    }
}

/// The facade argument for one Python argument.
pub fn arg_of(obj: &Bound<'_, PyAny>) -> PyResult<Arg<'static>> {
    Ok(match py_value_of(obj)? {
        Input::Scalar(s) => Arg::scalar(s),
        Input::Array {
            array,
            writeable: true,
        } => Arg::array(array),
        // A read-only view with a negative stride: a private copy (the facade's shared
        // borrows have non-negative strides).
        Input::Array {
            array,
            writeable: false,
        } if array.strides().iter().any(|&s| s < 0) => Arg::array(array.to_contiguous()),
        Input::Array {
            array,
            writeable: false,
        } => read_only_arg(&array),
    })
}

/// A shared (read-only) borrow of an array: the facade copies it before a call that could
/// write into it. Its strides are non-negative (see `arg_of`).
fn read_only_arg(a: &Array) -> Arg<'static> {
    let shape = a.shape().to_vec();
    let strides: Vec<usize> = a.strides().iter().map(|&s| s as usize).collect();
    macro_rules! view {
        ($t:ty) => {{
            // SAFETY: the pointer is element 0 of a live NumPy array whose elements all lie
            // at the given non-negative strides (checked by `arg_of` and `array_of`); the
            // view is used for one call while the NumPy array lives.
            let v = unsafe {
                ndarray::ArrayView::<$t, _>::from_shape_ptr(
                    ndarray::ShapeBuilder::strides(
                        ndarray::IxDyn(&shape),
                        ndarray::IxDyn(&strides),
                    ),
                    a.buffer().as_ptr().cast::<$t>().wrapping_offset(a.offset()),
                )
            };
            Arg::from(v)
        }};
    }
    match a.dtype() {
        DType::F64 => view!(f64),
        DType::F32 => view!(f32),
        DType::I64 => view!(i64),
        DType::I32 => view!(i32),
        DType::I16 => view!(i16),
        DType::I8 => view!(i8),
        DType::U64 => view!(u64),
        DType::U32 => view!(u32),
        DType::U16 => view!(u16),
        DType::U8 => view!(u8),
        DType::Bool => view!(bool),
        DType::C64 => view!(Complex32),
        DType::C128 => view!(Complex64),
    }
}

/// Keeps a kernel's result array alive while a NumPy array views it.
#[pyclass(frozen, module = "kernelc._native")]
struct Owner {
    _array: Array,
}

/// A Python object for a call's result: numbers become Python numbers, arrays NumPy arrays
/// that view (and keep alive) the kernel's memory.
pub fn output_to_py(py: Python<'_>, out: Output) -> PyResult<Bound<'_, PyAny>> {
    match out {
        Output::None => Ok(py.None().into_bound(py)),
        Output::Scalar(s) => scalar_to_py(py, s),
        Output::Array(a) => array_to_py(py, a),
        Output::Tuple(items) => {
            let objs = items
                .into_iter()
                .map(|o| output_to_py(py, o))
                .collect::<PyResult<Vec<_>>>()?;
            Ok(pyo3::types::PyTuple::new(py, objs)?.into_any())
        }
    }
}

/// A call's result for `evaluate`: as [`output_to_py`], but scalars become 0-d NumPy arrays
/// of their dtype (as numexpr returns reductions).
pub fn output_to_py_0d(py: Python<'_>, out: Output) -> PyResult<Bound<'_, PyAny>> {
    use numpy::IntoPyArray;
    match out {
        Output::Scalar(s) => Ok(match s {
            Scalar::Bool(v) => ndarray::arr0(v).into_pyarray(py).into_any(),
            Scalar::I32(v) => ndarray::arr0(v).into_pyarray(py).into_any(),
            Scalar::I64(v) => ndarray::arr0(v).into_pyarray(py).into_any(),
            Scalar::I16(v) => ndarray::arr0(v).into_pyarray(py).into_any(),
            Scalar::I8(v) => ndarray::arr0(v).into_pyarray(py).into_any(),
            Scalar::U64(v) => ndarray::arr0(v).into_pyarray(py).into_any(),
            Scalar::U32(v) => ndarray::arr0(v).into_pyarray(py).into_any(),
            Scalar::U16(v) => ndarray::arr0(v).into_pyarray(py).into_any(),
            Scalar::U8(v) => ndarray::arr0(v).into_pyarray(py).into_any(),
            Scalar::F32(v) => ndarray::arr0(v).into_pyarray(py).into_any(),
            Scalar::F64(v) => ndarray::arr0(v).into_pyarray(py).into_any(),
            Scalar::C64(v) => ndarray::arr0(v).into_pyarray(py).into_any(),
            Scalar::C128(v) => ndarray::arr0(v).into_pyarray(py).into_any(),
        }),
        other => output_to_py(py, other),
    }
}

/// A value a compiled function returned (the fast path of a call): as [`output_to_py`],
/// tuples as Python tuples; an array that views an argument's memory is copied (it may
/// outlive the argument).
pub fn value_to_py(py: Python<'_>, v: Value) -> PyResult<Bound<'_, PyAny>> {
    match v {
        Value::Scalar(s) => scalar_to_py(py, s),
        Value::Array(a) if a.buffer().is_borrowed() => array_to_py(py, a.to_contiguous()),
        Value::Array(a) => array_to_py(py, a),
        Value::Tuple(items) => {
            let items = items
                .into_iter()
                .map(|x| x.to_py(py))
                .collect::<PyResult<Vec<_>>>()?;
            Ok(pyo3::types::PyTuple::new(py, items)?.into_any())
        }
        _ => Ok(py.None().into_bound(py)),
    }
}

/// An element of a returned tuple as a Python object: shape-like tuples hold `i64`s, the
/// language's tuples hold values.
trait ToPy {
    fn to_py(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>>;
}

impl ToPy for i64 {
    fn to_py(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        Ok(self.into_pyobject(py)?.into_any())
    }
}

impl ToPy for Value {
    fn to_py(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        value_to_py(py, self)
    }
}

fn scalar_to_py(py: Python<'_>, s: Scalar) -> PyResult<Bound<'_, PyAny>> {
    Ok(match s {
        Scalar::Bool(b) => PyBool::new(py, b).to_owned().into_any(),
        Scalar::I32(v) => v.into_pyobject(py)?.into_any(),
        Scalar::I64(v) => v.into_pyobject(py)?.into_any(),
        Scalar::I16(v) => v.into_pyobject(py)?.into_any(),
        Scalar::I8(v) => v.into_pyobject(py)?.into_any(),
        Scalar::U64(v) => v.into_pyobject(py)?.into_any(),
        Scalar::U32(v) => v.into_pyobject(py)?.into_any(),
        Scalar::U16(v) => v.into_pyobject(py)?.into_any(),
        Scalar::U8(v) => v.into_pyobject(py)?.into_any(),
        Scalar::F32(v) => (v as f64).into_pyobject(py)?.into_any(),
        Scalar::F64(v) => v.into_pyobject(py)?.into_any(),
        Scalar::C64(v) => PyComplex::from_doubles(py, v.re as f64, v.im as f64).into_any(),
        Scalar::C128(v) => PyComplex::from_doubles(py, v.re, v.im).into_any(),
    })
}

fn array_to_py(py: Python<'_>, a: Array) -> PyResult<Bound<'_, PyAny>> {
    let descr = match a.dtype() {
        DType::F64 => numpy::dtype::<f64>(py),
        DType::F32 => numpy::dtype::<f32>(py),
        DType::I64 => numpy::dtype::<i64>(py),
        DType::I32 => numpy::dtype::<i32>(py),
        DType::I16 => numpy::dtype::<i16>(py),
        DType::I8 => numpy::dtype::<i8>(py),
        DType::U64 => numpy::dtype::<u64>(py),
        DType::U32 => numpy::dtype::<u32>(py),
        DType::U16 => numpy::dtype::<u16>(py),
        DType::U8 => numpy::dtype::<u8>(py),
        DType::Bool => numpy::dtype::<bool>(py),
        DType::C64 => numpy::dtype::<Complex32>(py),
        DType::C128 => numpy::dtype::<Complex64>(py),
    };
    let item = a.dtype().size() as isize;
    let mut dims: Vec<npy_intp> = a.shape().iter().map(|&n| n as npy_intp).collect();
    let mut strides: Vec<npy_intp> = a.strides().iter().map(|&s| s * item).collect();
    let data = a.buffer().as_ptr().wrapping_offset(a.offset() * item);
    let owner = Bound::new(py, Owner { _array: a })?;
    // SAFETY: `data`, `dims` and `strides` describe the elements of `a`, which live in its
    // buffer; `owner` holds `a` (and so the buffer) and becomes the NumPy array's base
    // object, which NumPy keeps alive as long as the array. `descr`'s reference is stolen
    // by `PyArray_NewFromDescr`; `owner`'s by `PyArray_SetBaseObject`.
    unsafe {
        let ptr = PY_ARRAY_API.PyArray_NewFromDescr(
            py,
            npyffi::get_type_object(py, npyffi::NpyTypes::PyArray_Type),
            descr.into_dtype_ptr(),
            dims.len() as std::ffi::c_int,
            dims.as_mut_ptr(),
            strides.as_mut_ptr(),
            data.cast(),
            NPY_ARRAY_WRITEABLE,
            std::ptr::null_mut(),
        );
        if ptr.is_null() {
            return Err(PyErr::fetch(py));
        }
        if PY_ARRAY_API.PyArray_SetBaseObject(py, ptr.cast(), owner.into_ptr()) != 0 {
            pyo3::ffi::Py_DECREF(ptr);
            return Err(PyErr::fetch(py));
        }
        Ok(Bound::from_owned_ptr(py, ptr))
    }
}
