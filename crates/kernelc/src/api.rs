//! The Rust embedding API: arguments from slices, scalars and `ndarray` views, typed
//! results, compile-and-call by function name, and numexpr-style `eval`.
//!
//! Slices are passed without copying. A kernel may write into `&mut [T]` arguments (the
//! caller sees the change, as with NumPy arrays); a `&[T]` argument is copied first if the
//! called function could write into that parameter, so shared slices are never written.

use crate::dispatch::Dispatcher;
use crate::exec::{Executor, RunOptions};
use crate::{CompileError, Error, Interrupt};
use kernelc_interp::Value;
use kernelc_runtime::array::c_strides;
use kernelc_runtime::{Array, DType, Element, Scalar};
use kernelc_sema::tir::Type;
use std::fmt;
use std::marker::PhantomData;
use std::path::Path;

/// An argument of a kernel call: a scalar, or an array borrowed from (or copied from) the
/// caller. Build it with `From`: `Arg::from(2.5)`, `(&v[..]).into()`, `(&mut out[..]).into()`,
/// or from `ndarray` views.
///
/// ```
/// use kernelc::{Arg, Type, DType, ArrayType};
/// let v = vec![1.0f32, 2.0];
/// assert_eq!(Arg::from(&v).ty(), Type::Array(ArrayType { dtype: DType::F32, ndim: 1 }));
/// assert_eq!(Arg::from(3i64).ty(), Type::Scalar(DType::I64));
/// let m = ndarray::Array2::<f64>::zeros((2, 3));
/// assert_eq!(Arg::from(m.view()).ty(), Type::Array(ArrayType { dtype: DType::F64, ndim: 2 }));
/// ```
#[derive(Clone)]
pub struct Arg<'a> {
    pub(crate) input: Input,
    _borrow: PhantomData<&'a mut ()>,
}

/// What an [`Arg`] holds: the binder's input.
#[derive(Clone, Debug)]
pub(crate) enum Input {
    /// A number; `literal`: written without a width (a CLI literal, a Python int or float),
    /// so an annotated parameter gives it its type when the value fits.
    Scalar { value: Scalar, literal: bool },
    /// An array; `read_only`: a shared borrow, copied before a call that could write it.
    Array { array: Array, read_only: bool },
}

impl<'a> Arg<'a> {
    fn new(input: Input) -> Arg<'a> {
        Arg {
            input,
            _borrow: PhantomData,
        }
    }

    /// A scalar argument of its own type.
    pub fn scalar(s: Scalar) -> Arg<'a> {
        Arg::new(Input::Scalar {
            value: s,
            literal: false,
        })
    }

    /// A number written without a width (a command-line literal, a Python `int` or
    /// `float`): a parameter annotated with a scalar type gives it that type when the
    /// value fits (`5` for `n: i32`, `0.5` for `x: f32`), as a Python literal would.
    ///
    /// ```
    /// let k = kernelc::Kernel::from_source("def f(n: i32):\n    return n * 2\n").unwrap();
    /// let r = k.function("f").unwrap().call(&[kernelc::Arg::literal(kernelc::Scalar::I64(5))]).unwrap();
    /// assert_eq!(r.scalar(), Some(kernelc::Scalar::I32(10)));
    /// ```
    pub fn literal(s: Scalar) -> Arg<'a> {
        Arg::new(Input::Scalar {
            value: s,
            literal: true,
        })
    }

    /// An array argument that the call may read and write (its memory is shared).
    pub fn array(a: Array) -> Arg<'a> {
        Arg::new(Input::Array {
            array: a,
            read_only: false,
        })
    }

    /// An array the call must not write (a shared borrow, a read-only NumPy array, any
    /// strides): it is copied first when the function could write into that parameter,
    /// which the binder knows once per compiled signature.
    pub fn read_only(a: Array) -> Arg<'a> {
        Arg::new(Input::Array {
            array: a,
            read_only: true,
        })
    }

    /// A run-time value as an argument (numbers and arrays; `what` names it in the error).
    pub(crate) fn from_value(v: &Value, what: &str) -> Result<Arg<'a>, Error> {
        match v {
            Value::Scalar(s) => Ok(Arg::scalar(*s)),
            Value::Array(a) => Ok(Arg::array(a.clone())),
            other => Err(Error::Argument(format!(
                "{what} is a {}, not a number or an array",
                other.kind()
            ))),
        }
    }

    /// Bytes of an array argument's elements (0 for a scalar).
    pub fn byte_len(&self) -> usize {
        match &self.input {
            Input::Array { array, .. } => array.size() * array.dtype().size(),
            Input::Scalar { .. } => 0,
        }
    }

    /// The type this argument gives the function's signature.
    pub fn ty(&self) -> Type {
        crate::bind::type_of_input(&self.input)
    }
}

macro_rules! scalar_arg {
    ($($t:ty => $v:ident),*) => {$(
        impl<'a> From<$t> for Arg<'a> {
            fn from(x: $t) -> Arg<'a> {
                Arg::scalar(Scalar::$v(x))
            }
        }
    )*};
}
scalar_arg!(
    f64 => F64, f32 => F32, i64 => I64, i32 => I32, i16 => I16, i8 => I8,
    u64 => U64, u32 => U32, u16 => U16, u8 => U8, bool => Bool,
    crate::Complex64 => C128, crate::Complex32 => C64
);

impl<'a, T: Element> From<&'a [T]> for Arg<'a> {
    fn from(s: &'a [T]) -> Arg<'a> {
        // SAFETY: the slice outlives the `Arg` (lifetime 'a) and so the call; it is marked
        // read-only and copied before any call that could write it.
        let a = unsafe { Array::borrow_raw_read_only(s.as_ptr(), s.len(), &[s.len()], &[1]) };
        Arg::read_only(a)
    }
}

impl<'a, T: Element> From<&'a Vec<T>> for Arg<'a> {
    fn from(v: &'a Vec<T>) -> Arg<'a> {
        Arg::from(v.as_slice())
    }
}

impl<'a, T: Element> From<&'a mut [T]> for Arg<'a> {
    fn from(s: &'a mut [T]) -> Arg<'a> {
        // SAFETY: the exclusive borrow outlives the `Arg`, so nothing else touches the memory
        // during the call; results that would keep pointing into it are copied.
        let a = unsafe { Array::borrow_raw(s.as_mut_ptr(), s.len(), &[s.len()], &[1]) };
        Arg::array(a)
    }
}

impl<'a, T: Element> From<&'a mut Vec<T>> for Arg<'a> {
    fn from(v: &'a mut Vec<T>) -> Arg<'a> {
        Arg::from(v.as_mut_slice())
    }
}

#[cfg(feature = "ndarray")]
mod nd {
    use super::*;
    use ndarray::{ArrayViewD, ArrayViewMutD, Dimension};

    fn strides_of(s: &[isize]) -> Vec<isize> {
        s.to_vec()
    }

    /// The extent (in elements) between the lowest and highest element of a view, and the
    /// offset of element 0 from the lowest.
    fn extent(shape: &[usize], strides: &[isize]) -> (usize, isize) {
        if shape.contains(&0) {
            return (0, 0);
        }
        let mut lo = 0isize;
        let mut hi = 0isize;
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

    impl<'a, T: Element, D: Dimension> From<ndarray::ArrayView<'a, T, D>> for Arg<'a> {
        fn from(v: ndarray::ArrayView<'a, T, D>) -> Arg<'a> {
            let v: ArrayViewD<'a, T> = v.into_dyn();
            let shape = v.shape().to_vec();
            let strides = strides_of(v.strides());
            let (len, off) = extent(&shape, &strides);
            let base = v.as_ptr().wrapping_offset(-off);
            // SAFETY: the view's elements lie in [base, base+len); the borrow outlives the
            // `Arg`; it is read-only and copied before calls that could write it.
            let a = unsafe { Array::borrow_raw_read_only(base, len, &shape, &strides) };
            Arg::read_only(view_at(a, off))
        }
    }

    impl<'a, T: Element, D: Dimension> From<ndarray::ArrayViewMut<'a, T, D>> for Arg<'a> {
        fn from(v: ndarray::ArrayViewMut<'a, T, D>) -> Arg<'a> {
            let mut v: ArrayViewMutD<'a, T> = v.into_dyn();
            let shape = v.shape().to_vec();
            let strides = strides_of(v.strides());
            let (len, off) = extent(&shape, &strides);
            let base = v.as_mut_ptr().wrapping_offset(-off);
            // SAFETY: as for shared views, with an exclusive borrow.
            let a = unsafe { Array::borrow_raw(base, len, &shape, &strides) };
            Arg::array(view_at(a, off))
        }
    }

    impl<'a, T: Element, D: Dimension> From<&'a ndarray::Array<T, D>> for Arg<'a> {
        fn from(a: &'a ndarray::Array<T, D>) -> Arg<'a> {
            Arg::from(a.view())
        }
    }

    impl<'a, T: Element, D: Dimension> From<&'a mut ndarray::Array<T, D>> for Arg<'a> {
        fn from(a: &'a mut ndarray::Array<T, D>) -> Arg<'a> {
            Arg::from(a.view_mut())
        }
    }

    /// Moves a view's origin `off` elements into its buffer.
    fn view_at(a: Array, off: isize) -> Array {
        if off == 0 {
            return a;
        }
        // SAFETY: `off` is the origin's position inside the buffer computed by `extent`.
        unsafe {
            Array::from_parts(
                a.buffer().clone(),
                a.dtype(),
                off,
                a.shape().to_vec(),
                a.strides().to_vec(),
            )
        }
    }

    impl Output {
        /// The result as an `ndarray` array (a scalar becomes a 0-d array); `None` when the
        /// element type is not `T` or there is no value.
        pub fn into_ndarray<T: Element>(self) -> Option<ndarray::ArrayD<T>> {
            match self {
                Output::Array(a) if a.dtype() == T::DTYPE => {
                    ndarray::ArrayD::from_shape_vec(a.shape().to_vec(), a.to_vec::<T>()).ok()
                }
                Output::Scalar(s) if s.dtype() == T::DTYPE => Some(ndarray::ArrayD::from_elem(
                    ndarray::IxDyn(&[]),
                    T::from_scalar(s),
                )),
                _ => None,
            }
        }
    }
}

/// The result of a call: a scalar, an array owned by the caller, a tuple of results, or
/// nothing.
///
/// ```
/// let x = vec![1.0, 2.0];
/// let r = kernelc::eval("x * 2", &[("x", (&x).into())]).unwrap();
/// assert_eq!(r.clone().into_vec::<f64>(), Some(vec![2.0, 4.0]));
/// assert_eq!(r.to_string(), "[2. 4.]");
/// assert_eq!(r.into_ndarray::<f64>().unwrap(), ndarray::arr1(&[2.0, 4.0]).into_dyn());
/// let s = kernelc::eval("sum(x)", &[("x", (&x).into())]).unwrap();
/// assert_eq!(s.to_f64(), Some(3.0));
/// ```
#[derive(Clone, Debug)]
pub enum Output {
    Scalar(Scalar),
    Array(Array),
    /// A tuple (`return a, b`), element by element.
    Tuple(Vec<Output>),
    None,
}

impl Output {
    /// The result of an executor; an array that views the caller's memory is copied (it
    /// outlives the borrow).
    pub(crate) fn from_value(v: Value, borrowed: &[Array]) -> Output {
        match v {
            Value::Scalar(s) => Output::Scalar(s),
            Value::Array(a)
                if borrowed.iter().any(|b| a.shares_buffer(b)) || a.buffer().is_borrowed() =>
            {
                Output::Array(a.to_contiguous())
            }
            Value::Array(a) => Output::Array(a),
            Value::Tuple(t) => Output::Tuple(
                t.into_iter()
                    .map(|x| Output::from_value(x, borrowed))
                    .collect(),
            ),
            Value::Str(_) | Value::None => Output::None,
        }
    }

    /// The result as an executor value (for the [`crate::Dispatcher`]'s value interface).
    pub(crate) fn into_value(self) -> Value {
        match self {
            Output::Scalar(s) => Value::Scalar(s),
            Output::Array(a) => Value::Array(a),
            Output::Tuple(items) => {
                Value::Tuple(items.into_iter().map(Output::into_value).collect())
            }
            Output::None => Value::None,
        }
    }

    /// The scalar result converted to f64 (`None` for arrays and nothing).
    pub fn to_f64(&self) -> Option<f64> {
        match self {
            Output::Scalar(s) => Some(s.as_f64()),
            _ => None,
        }
    }

    /// The scalar result (`None` for arrays and nothing).
    pub fn scalar(&self) -> Option<Scalar> {
        match self {
            Output::Scalar(s) => Some(*s),
            _ => None,
        }
    }

    /// The array result's elements in C order, when its element type is `T`.
    pub fn into_vec<T: Element>(self) -> Option<Vec<T>> {
        match self {
            Output::Array(a) if a.dtype() == T::DTYPE => Some(a.to_vec()),
            _ => None,
        }
    }

    /// The array result (`None` for scalars and nothing).
    pub fn into_array(self) -> Option<Array> {
        match self {
            Output::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The type of the result (`None` for nothing).
    pub fn ty(&self) -> Option<Type> {
        match self {
            Output::Scalar(s) => Some(Type::Scalar(s.dtype())),
            Output::Array(a) => Some(Type::Array(crate::ArrayType {
                dtype: a.dtype(),
                ndim: a.ndim() as u8,
            })),
            Output::Tuple(_) | Output::None => None,
        }
    }
}

/// As Python prints the value: scalars as Python numbers, arrays as NumPy prints them,
/// tuples as Python tuples, nothing as `None`.
impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use kernelc_runtime::format::{format_array, format_scalar};
        match self {
            Output::Scalar(s) => f.write_str(&format_scalar(*s)),
            Output::Array(a) => {
                f.write_str(&format_array(a.dtype(), a.shape(), &|i| a.get_flat(i)))
            }
            Output::Tuple(items) => {
                f.write_str("(")?;
                for (k, o) in items.iter().enumerate() {
                    if k > 0 {
                        f.write_str(", ")?;
                    }
                    // Inside a tuple an array shows as its `repr` (`array([1., 2.])`).
                    match o {
                        Output::Array(a) => {
                            f.write_str(&kernelc_runtime::format::format_array_repr(
                                a.dtype(),
                                a.shape(),
                                &|i| a.get_flat(i),
                            ))?
                        }
                        o => write!(f, "{o}")?,
                    }
                }
                f.write_str(if items.len() == 1 { ",)" } else { ")" })
            }
            Output::None => f.write_str("None"),
        }
    }
}

/// A kernel source: its functions compile on first call for each argument signature (or
/// eagerly with [`Kernel::compile`]) and are cached; calls run under the executor of its
/// [`RunOptions`] (native code by default). `Send + Sync`: one kernel can be called from
/// several threads at once.
///
/// ```
/// use kernelc::{Executor, Kernel};
/// let k = Kernel::from_source("def sum_squares(a):\n    return sum(a ** 2)\n").unwrap();
/// let x = vec![1.0, 2.0, 3.0];
/// let r = k.function("sum_squares").unwrap().call(&[(&x).into()]).unwrap();
/// assert_eq!(r.to_f64(), Some(14.0));
/// let interp = k.with_executor(Executor::Interp);
/// let r = interp.function("sum_squares").unwrap().call(&[(&x).into()]).unwrap();
/// assert_eq!(r.to_f64(), Some(14.0));
/// ```
pub struct Kernel {
    dispatcher: std::sync::Arc<Dispatcher>,
    options: RunOptions,
}

impl Kernel {
    /// Parses a source text (all syntax errors are reported).
    pub fn from_source(text: &str) -> Result<Kernel, CompileError> {
        Kernel::from_named_source("<source>", text)
    }

    /// Parses a source text, naming it in messages.
    pub fn from_named_source(name: &str, text: &str) -> Result<Kernel, CompileError> {
        Ok(Kernel {
            dispatcher: std::sync::Arc::new(Dispatcher::new(name, text)?),
            options: RunOptions::default(),
        })
    }

    /// Reads and parses a `.k` file ([`Error::Io`] when it cannot be read).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Kernel, Error> {
        let src = crate::read_source(path.as_ref())?;
        Ok(Kernel {
            dispatcher: std::sync::Arc::new(Dispatcher::from_source(src)?),
            options: RunOptions::default(),
        })
    }

    /// The same kernel (sharing its compiled code) with calls run by `executor`.
    pub fn with_executor(&self, executor: Executor) -> Kernel {
        self.with_options(RunOptions {
            executor,
            ..self.options.clone()
        })
    }

    /// The same kernel (sharing its compiled code) with other run options.
    pub fn with_options(&self, options: RunOptions) -> Kernel {
        Kernel {
            dispatcher: self.dispatcher.clone(),
            options,
        }
    }

    /// The same kernel (sharing its compiled code) with parallel loops on `threads`
    /// threads (`None`: `KERNELC_NUM_THREADS`, else all cores). Results never depend on it.
    pub fn with_threads(&self, threads: Option<usize>) -> Kernel {
        self.with_options(RunOptions {
            threads,
            ..self.options.clone()
        })
    }

    /// The same kernel with calls that stop where they are (a loop or a call) when
    /// `interrupt` is triggered.
    pub fn with_interrupt(&self, interrupt: Interrupt) -> Kernel {
        self.with_options(RunOptions {
            interrupt: Some(interrupt),
            ..self.options.clone()
        })
    }

    /// How calls run.
    pub fn options(&self) -> &RunOptions {
        &self.options
    }

    /// A function of the kernel by name (a compile error when there is none).
    ///
    /// ```
    /// # use kernelc::Kernel;
    /// let k = Kernel::from_source("def f(x):\n    return x + 1\n").unwrap();
    /// assert!(k.function("f").is_ok());
    /// assert!(k.function("g").is_err());
    /// ```
    pub fn function(&self, name: &str) -> Result<Function<'_>, Error> {
        let params = self
            .dispatcher
            .params(name)
            .ok_or_else(|| self.dispatcher.no_function(name))?;
        Ok(Function {
            kernel: self,
            name: name.to_string(),
            params,
        })
    }

    /// Compiles function `name` for an explicit signature now (eager compilation; native
    /// code too when the executor is the JIT).
    ///
    /// ```
    /// # use kernelc::{Kernel, Type, DType, ArrayType};
    /// let k = Kernel::from_source("def f(a):\n    return a[0]\n").unwrap();
    /// k.compile("f", &[Type::Array(ArrayType { dtype: DType::F64, ndim: 1 })]).unwrap();
    /// ```
    pub fn compile(&self, name: &str, signature: &[Type]) -> Result<(), Error> {
        let c = self.dispatcher.entry(name, signature)?;
        if self.options.executor == Executor::Jit {
            c.jit()?;
        }
        Ok(())
    }

    /// The dispatcher behind this kernel (its signature cache).
    pub fn dispatcher(&self) -> &Dispatcher {
        &self.dispatcher
    }
}

/// One function of a [`Kernel`], ready to call.
pub struct Function<'k> {
    kernel: &'k Kernel,
    name: String,
    params: crate::Params,
}

impl Function<'_> {
    /// The function's parameters: names and declared types.
    pub fn params(&self) -> &crate::Params {
        &self.params
    }

    /// Checks that named arguments fit the parameters (the binder's first step) without
    /// their values: a front end reports these errors before it loads any data.
    pub fn check_names(&self, names: &[&str]) -> Result<(), Error> {
        self.params.order(0, names).map(|_| ())
    }

    /// Calls the function with positional arguments (compiling it for their types on first
    /// use). What it prints goes to stdout.
    ///
    /// ```
    /// # use kernelc::Kernel;
    /// let k = Kernel::from_source("def scale(a, out):\n    out[:] = 2.0 * a\n").unwrap();
    /// let a = [1.0, 2.0];
    /// let mut out = [0.0; 2];
    /// k.function("scale").unwrap().call(&[(&a[..]).into(), (&mut out[..]).into()]).unwrap();
    /// assert_eq!(out, [2.0, 4.0]);
    /// ```
    pub fn call(&self, args: &[Arg<'_>]) -> Result<Output, Error> {
        self.invoke(args, &[], &mut std::io::stdout())
    }

    /// [`Function::call`] with the output of `print` going to `out`.
    pub fn call_with_output(
        &self,
        args: &[Arg<'_>],
        out: &mut dyn std::io::Write,
    ) -> Result<Output, Error> {
        self.invoke(args, &[], out)
    }

    /// Calls the function with arguments bound by name.
    ///
    /// ```
    /// # use kernelc::Kernel;
    /// let k = Kernel::from_source("def f(a, b):\n    return a - b\n").unwrap();
    /// let r = k.function("f").unwrap().call_named(&[("b", 1.0.into()), ("a", 3.0.into())]).unwrap();
    /// assert_eq!(r.to_f64(), Some(2.0));
    /// ```
    pub fn call_named(&self, args: &[(&str, Arg<'_>)]) -> Result<Output, Error> {
        self.invoke(&[], args, &mut std::io::stdout())
    }

    /// The signature a call with these arguments compiles for (binding errors as a call
    /// would report them).
    pub fn signature(
        &self,
        positional: &[Arg<'_>],
        named: &[(&str, Arg<'_>)],
    ) -> Result<Vec<Type>, Error> {
        self.kernel
            .dispatcher
            .bind(&self.name, positional, named)
            .map(|(_, sig)| sig)
    }

    /// The general call: positional arguments, then named ones (as Python's
    /// `f(a, b, c=x)`), the output of `print` going to `out`.
    pub fn invoke(
        &self,
        positional: &[Arg<'_>],
        named: &[(&str, Arg<'_>)],
        out: &mut dyn std::io::Write,
    ) -> Result<Output, Error> {
        self.kernel
            .dispatcher
            .invoke(&self.name, positional, named, &self.kernel.options, out)
    }
}

/// The element type of `T` (for building signatures).
pub fn dtype_of<T: Element>() -> DType {
    T::DTYPE
}

/// `out[:] = ...` target of [`crate::eval_into`]: an exclusively borrowed slice as an array.
pub(crate) fn slice_target<T: Element>(out: &mut [T]) -> Array {
    let n = out.len();
    // SAFETY: `out` is exclusively borrowed for the call; nothing keeps the array after it.
    unsafe { Array::borrow_raw(out.as_mut_ptr(), n, &[n], &c_strides(&[n])) }
}
