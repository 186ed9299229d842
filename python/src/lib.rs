//! `kernelc._native`: the Python extension module behind the `kernelc` package.
//!
//! It exposes the facade's public API (crates/kernelc) to Python: [`Kernel`] (a source
//! whose functions compile per argument signature, used by `kernelc.jit`) and
//! [`evaluate`] (numexpr-style expressions, used by `kernelc.evaluate`). NumPy arrays go
//! in without copying (see `convert`), results come back as NumPy arrays that own the
//! kernel's memory, and the GIL is released while native code runs. The Python layer
//! (python/kernelc/*.py) does name lookup, source extraction and error-kind mapping.

mod convert;
mod function;

use convert::{arg_of, output_to_py, output_to_py_0d, py_value_of, Args};
use kernelc::{ArrayType, DType, Type};
use numpy::PyUntypedArray;
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

create_exception!(
    kernelc,
    CompileError,
    PyException,
    "A kernel or expression that does not compile (message with file:line:col and a caret)."
);
create_exception!(
    kernelc,
    KernelError,
    PyException,
    "A runtime error of a kernel (message with the source position)."
);

/// Converts a facade error into the Python exception of its kind: compile errors are
/// `CompileError`, arguments a kernel cannot take `TypeError` (as Numba raises), files
/// `OSError`, and the rest (runtime errors, limits, internal errors) `KernelError`.
pub(crate) fn py_err(e: kernelc::Error) -> PyErr {
    match e {
        kernelc::Error::Compile(c) => CompileError::new_err(c.to_string()),
        kernelc::Error::Argument(message) => PyTypeError::new_err(message),
        e @ kernelc::Error::Io { .. } => pyo3::exceptions::PyOSError::new_err(e.to_string()),
        other => KernelError::new_err(other.to_string()),
    }
}

/// A parsed kernel source; its functions compile to native code on first call for each
/// argument signature (or eagerly with `compile`) and are cached.
#[pyclass(frozen, module = "kernelc._native")]
pub(crate) struct Kernel {
    /// Calls through the facade's `Function` (read-only arrays, conversions).
    inner: kernelc::Kernel,
    /// The fast path of `function::Function` (compiled code per signature).
    dispatcher: kernelc::Dispatcher,
}

/// Parses a signature entry: a dtype name and a rank (0 for scalars).
fn type_of_entry(dtype: &str, ndim: u8) -> PyResult<Type> {
    let dtype = match DType::from_name(dtype) {
        Some(d) => d,
        None => {
            let other = dtype;
            return Err(PyTypeError::new_err(format!(
                "kernelc does not support the dtype {other}"
            )));
        }
    };
    Ok(if ndim == 0 {
        Type::Scalar(dtype)
    } else {
        Type::Array(ArrayType { dtype, ndim })
    })
}

#[pymethods]
impl Kernel {
    /// Parses `text` (named `name` in messages); raises `CompileError` on syntax errors.
    #[new]
    fn new(name: &str, text: &str) -> PyResult<Kernel> {
        let inner = kernelc::Kernel::from_named_source(name, text).map_err(|e| py_err(e.into()))?;
        let dispatcher = kernelc::Dispatcher::new(name, text).map_err(|e| py_err(e.into()))?;
        Ok(Kernel { inner, dispatcher })
    }

    /// Compiles `func` now for a signature given as `[(dtype name, ndim), ...]`.
    fn compile(&self, py: Python<'_>, func: &str, signature: Vec<(String, u8)>) -> PyResult<()> {
        let sig = signature
            .iter()
            .map(|(d, n)| type_of_entry(d, *n))
            .collect::<PyResult<Vec<Type>>>()?;
        py.detach(|| self.dispatcher.compile(func, &sig).map(|_| ()))
            .map_err(py_err)
    }

    /// True when the source defines a function of this name.
    fn has_function(&self, func: &str) -> bool {
        self.inner.function(func).is_ok()
    }

    /// Calls `func` with positional arguments (NumPy arrays and Python or NumPy numbers),
    /// compiling it for their types on first use. The GIL is released while it runs.
    #[pyo3(signature = (func, *args))]
    fn call<'py>(
        &self,
        py: Python<'py>,
        func: &str,
        args: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let f = self.inner.function(func).map_err(py_err)?;
        let converted = args
            .iter()
            .map(|a| arg_of(&a))
            .collect::<PyResult<Vec<_>>>()?;
        let args = Args(converted);
        let out = py.detach(|| args.call(&f)).map_err(py_err)?;
        output_to_py(py, out)
    }

    /// [`Kernel::call`] returning a scalar result as a 0-d NumPy array of its dtype (the
    /// Python layer uses it to learn a function's result type).
    #[pyo3(signature = (func, *args))]
    fn call_0d<'py>(
        &self,
        py: Python<'py>,
        func: &str,
        args: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let f = self.inner.function(func).map_err(py_err)?;
        let converted = args
            .iter()
            .map(|a| arg_of(&a))
            .collect::<PyResult<Vec<_>>>()?;
        let args = Args(converted);
        let out = py.detach(|| args.call(&f)).map_err(py_err)?;
        output_to_py_0d(py, out)
    }
}

/// Evaluates an expression over named values (`names[i]` is bound to `values[i]`), into
/// `out` when given. Returns the result (an array, a 0-d array for a scalar, or `out`).
#[pyfunction]
#[pyo3(signature = (expr, names, values, out=None))]
fn evaluate<'py>(
    py: Python<'py>,
    expr: &str,
    names: Vec<String>,
    values: Vec<Bound<'py, PyAny>>,
    out: Option<Bound<'py, PyUntypedArray>>,
) -> PyResult<Bound<'py, PyAny>> {
    if names.len() != values.len() {
        return Err(PyTypeError::new_err("names and values differ in length"));
    }
    let vals = values
        .iter()
        .map(py_value_of)
        .collect::<PyResult<Vec<_>>>()?;
    let vars = convert::Vars(names.iter().map(String::as_str).zip(vals).collect());
    match out {
        Some(o) => {
            let target = convert::out_array(&o)?;
            py.detach(|| vars.eval_into(expr, &target))
                .map_err(py_err)?;
            Ok(o.into_any())
        }
        None => {
            let r = py.detach(|| vars.eval(expr)).map_err(py_err)?;
            output_to_py_0d(py, r)
        }
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Kernel>()?;
    m.add_class::<function::Function>()?;
    m.add_function(wrap_pyfunction!(evaluate, m)?)?;
    m.add("CompileError", m.py().get_type::<CompileError>())?;
    m.add("KernelError", m.py().get_type::<KernelError>())?;
    Ok(())
}
