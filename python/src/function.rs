//! `Function`: the callable that `kernelc.jit` returns (the Python `Dispatcher` subclasses
//! it), with the fast path of a call in native code.
//!
//! A call whose arguments are numbers and writeable NumPy arrays finds the compiled code of
//! its signature in a short per-function list (compiling it on the first call), views the
//! arrays in place and runs the code with the GIL released; no Python code runs. Anything
//! else — keyword arguments, a kernel not yet built, arguments that need converting,
//! read-only arrays (which the facade copies when the function may write them) — goes to
//! the Python method `_slow_call`, as do calls with another number of arguments than the
//! function has parameters (defaults are applied there, or Python's `TypeError` raised).

use crate::convert::{py_value_of, value_to_py, Input};
use crate::{py_err, Kernel};
use kernelc::{ArrayType, JitProgram, Type, Value};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use std::sync::{Arc, OnceLock, RwLock};

/// The kernel and the name of the function a `Function` calls.
struct Target {
    kernel: Py<Kernel>,
    name: String,
    /// The number of parameters, when known: calls with another number of arguments take
    /// the Python path (defaults, Python's `TypeError` for a wrong count).
    params: Option<usize>,
}

/// A kernel function callable from Python (subclassed by `kernelc.Dispatcher`).
#[pyclass(frozen, subclass, module = "kernelc._native")]
pub struct Function {
    target: OnceLock<Target>,
    /// Compiled code per signature (few: a linear search beats hashing).
    compiled: RwLock<Vec<(Vec<Type>, Arc<JitProgram>)>>,
}

/// Values of one call (its arguments, its result) moved into and out of `Python::detach`.
struct Local<T>(T);

// SAFETY: the values (numbers and views of NumPy arrays that the calling frame keeps alive;
// never strings, whose `Rc` makes `Value` not `Send`) are used by the closure given to
// `Python::detach`, which runs on the current thread; no other thread sees them.
unsafe impl<T> Send for Local<T> {}
// SAFETY: as above.
unsafe impl<T> Sync for Local<T> {}

impl<T> Local<T> {
    /// The value (a method, so that closures capture the whole wrapper).
    fn get(&self) -> &T {
        &self.0
    }
}

fn type_of(v: &Value) -> Option<Type> {
    match v {
        Value::Scalar(s) => Some(Type::Scalar(s.dtype())),
        Value::Array(a) => Some(Type::Array(ArrayType {
            dtype: a.dtype(),
            ndim: a.ndim() as u8,
        })),
        _ => None,
    }
}

/// The arguments as values when they take the fast path (numbers and writeable arrays).
fn fast_values(args: &Bound<'_, PyTuple>) -> Option<Vec<Value>> {
    let mut values = Vec::with_capacity(args.len());
    for a in args.iter() {
        match py_value_of(&a).ok()? {
            Input::Scalar(s) => values.push(Value::Scalar(s)),
            Input::Array {
                array,
                writeable: true,
            } => values.push(Value::Array(array)),
            Input::Array { .. } => return None,
        }
    }
    Some(values)
}

impl Function {
    fn code_for(&self, values: &[Value]) -> Option<Arc<JitProgram>> {
        let list = self.compiled.read().ok()?;
        list.iter()
            .find(|(sig, _)| {
                sig.len() == values.len()
                    && sig.iter().zip(values).all(|(t, v)| type_of(v) == Some(*t))
            })
            .map(|(_, jit)| jit.clone())
    }

    fn call_fast<'py>(
        &self,
        py: Python<'py>,
        target: &Target,
        values: Vec<Value>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let kernel = target.kernel.get();
        let jit = match self.code_for(&values) {
            Some(jit) => jit,
            None => {
                let sig: Vec<Type> = values.iter().filter_map(type_of).collect();
                let name = target.name.as_str();
                let jit = py
                    .detach(|| kernel.dispatcher.compile(name, &sig))
                    .map_err(py_err)?;
                if let Ok(mut list) = self.compiled.write() {
                    list.push((sig, jit.clone()));
                }
                jit
            }
        };
        let values = Local(values);
        let r = py.detach(|| {
            Local(
                kernel
                    .dispatcher
                    .call_compiled(&jit, values.get(), &mut std::io::stdout()),
            )
        });
        value_to_py(py, r.0.map_err(py_err)?)
    }
}

#[pymethods]
impl Function {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn new(_args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>) -> Function {
        Function {
            target: OnceLock::new(),
            compiled: RwLock::new(Vec::new()),
        }
    }

    /// Binds the kernel, the function's name and its number of parameters (the first
    /// binding stays).
    #[pyo3(signature = (kernel, name, params=None))]
    fn _bind(&self, kernel: Py<Kernel>, name: String, params: Option<usize>) {
        let _ = self.target.set(Target {
            kernel,
            name,
            params,
        });
    }

    #[pyo3(signature = (*args, **kwargs))]
    fn __call__<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let this = slf.get();
        if kwargs.is_none_or(|k| k.is_empty()) {
            if let Some(target) = this
                .target
                .get()
                .filter(|t| t.params.is_none_or(|n| n == args.len()))
            {
                if let Some(values) = fast_values(args) {
                    return this.call_fast(slf.py(), target, values);
                }
            }
        }
        slf.call_method1(intern!(slf.py(), "_slow_call"), (args, kwargs))
    }
}
