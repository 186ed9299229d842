//! The Rust embedding API: arguments from slices, scalars and `ndarray` views, typed
//! results, compile-and-call by function name, and numexpr-style `eval`.
//!
//! Slices are passed without copying. A kernel may write into `&mut [T]` arguments (the
//! caller sees the change, as with NumPy arrays); a `&[T]` argument is copied first if the
//! called function could write into that parameter, so shared slices are never written.

use crate::dispatch::Dispatcher;
use crate::{CompileError, Error};
use kernelc_interp::Value;
use kernelc_runtime::array::c_strides;
use kernelc_runtime::{Array, DType, Element, Scalar};
use kernelc_sema::tir::{ExprKind, FuncId, Program, StmtKind, Type};
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
pub struct Arg<'a> {
    value: Value,
    /// A shared borrow: must not be written (copied when the kernel might).
    read_only: bool,
    _borrow: PhantomData<&'a mut ()>,
}

impl<'a> Arg<'a> {
    fn owned(value: Value) -> Arg<'a> {
        Arg {
            value,
            read_only: false,
            _borrow: PhantomData,
        }
    }

    /// A scalar argument.
    pub fn scalar(s: Scalar) -> Arg<'a> {
        Arg::owned(Value::Scalar(s))
    }

    /// An array argument that the call may read and write (its memory is shared).
    pub fn array(a: Array) -> Arg<'a> {
        Arg::owned(Value::Array(a))
    }

    /// The type this argument gives the function's signature.
    pub fn ty(&self) -> Type {
        crate::dispatch::type_of(&self.value).expect("arguments are numbers or arrays")
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
scalar_arg!(f64 => F64, f32 => F32, i64 => I64, i32 => I32, bool => Bool);

impl<'a, T: Element> From<&'a [T]> for Arg<'a> {
    fn from(s: &'a [T]) -> Arg<'a> {
        // SAFETY: the slice outlives the `Arg` (lifetime 'a) and so the call; it is marked
        // read-only and copied before any call that could write it.
        let a = unsafe { Array::borrow_raw_read_only(s.as_ptr(), s.len(), &[s.len()], &[1]) };
        Arg {
            value: Value::Array(a),
            read_only: true,
            _borrow: PhantomData,
        }
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
        Arg::owned(Value::Array(a))
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
            let a = view_at(a, off);
            Arg {
                value: Value::Array(a),
                read_only: true,
                _borrow: PhantomData,
            }
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
            Arg::owned(Value::Array(view_at(a, off)))
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

/// The result of a call: a scalar, an array owned by the caller, or nothing.
///
/// ```
/// let x = vec![1.0, 2.0];
/// let r = kernelc::eval("x * 2", &[("x", (&x).into())]).unwrap();
/// assert_eq!(r.clone().into_vec::<f64>(), Some(vec![2.0, 4.0]));
/// assert_eq!(r.into_ndarray::<f64>().unwrap(), ndarray::arr1(&[2.0, 4.0]).into_dyn());
/// let s = kernelc::eval("sum(x)", &[("x", (&x).into())]).unwrap();
/// assert_eq!(s.to_f64(), Some(3.0));
/// ```
#[derive(Clone, Debug)]
pub enum Output {
    Scalar(Scalar),
    Array(Array),
    None,
}

impl Output {
    fn from_value(v: Value, borrowed: &[Array]) -> Output {
        match v {
            Value::Scalar(s) => Output::Scalar(s),
            // A result that views the caller's memory is copied: it outlives the borrow.
            Value::Array(a)
                if borrowed.iter().any(|b| a.shares_buffer(b)) || a.buffer().is_borrowed() =>
            {
                Output::Array(a.to_contiguous())
            }
            Value::Array(a) => Output::Array(a),
            _ => Output::None,
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
}

/// A kernel source: its functions compile to native code on first call for each argument
/// signature (or eagerly with [`Kernel::compile`]) and are cached. `Send + Sync`: one kernel
/// can be called from several threads at once.
///
/// ```
/// use kernelc::Kernel;
/// let k = Kernel::from_source("def sum_squares(a):\n    return sum(a ** 2)\n").unwrap();
/// let x = vec![1.0, 2.0, 3.0];
/// let r = k.function("sum_squares").unwrap().call(&[(&x).into()]).unwrap();
/// assert_eq!(r.to_f64(), Some(14.0));
/// ```
pub struct Kernel {
    dispatcher: Dispatcher,
}

impl Kernel {
    /// Parses a source text (all syntax errors are reported).
    pub fn from_source(text: &str) -> Result<Kernel, CompileError> {
        Kernel::from_named_source("<source>", text)
    }

    /// Parses a source text, naming it in messages.
    pub fn from_named_source(name: &str, text: &str) -> Result<Kernel, CompileError> {
        Ok(Kernel {
            dispatcher: Dispatcher::new(name, text)?,
        })
    }

    /// Reads and parses a `.k` file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Kernel, Error> {
        let path = path.as_ref();
        let src = crate::read_source(path)?;
        Ok(Kernel::from_named_source(&src.name, &src.text)?)
    }

    /// A function of the kernel by name.
    ///
    /// ```
    /// # use kernelc::Kernel;
    /// let k = Kernel::from_source("def f(x):\n    return x + 1\n").unwrap();
    /// assert!(k.function("f").is_ok());
    /// assert!(k.function("g").is_err());
    /// ```
    pub fn function(&self, name: &str) -> Result<Function<'_>, Error> {
        if !self.dispatcher.has_function(name) {
            return Err(self.dispatcher.no_function(name));
        }
        Ok(Function {
            kernel: self,
            name: name.to_string(),
        })
    }

    /// Compiles function `name` for an explicit signature now (eager compilation).
    ///
    /// ```
    /// # use kernelc::{Kernel, Type, DType, ArrayType};
    /// let k = Kernel::from_source("def f(a):\n    return a[0]\n").unwrap();
    /// k.compile("f", &[Type::Array(ArrayType { dtype: DType::F64, ndim: 1 })]).unwrap();
    /// ```
    pub fn compile(&self, name: &str, signature: &[Type]) -> Result<(), Error> {
        self.dispatcher.compile(name, signature).map(|_| ())
    }
}

/// One function of a [`Kernel`], ready to call.
pub struct Function<'k> {
    kernel: &'k Kernel,
    name: String,
}

impl Function<'_> {
    /// Calls the function (compiling it for these argument types on first use). What it
    /// prints goes to stdout.
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
        self.call_with_output(args, &mut std::io::stdout())
    }

    /// [`Function::call`] with the output of `print` going to `out`.
    pub fn call_with_output(
        &self,
        args: &[Arg<'_>],
        out: &mut dyn std::io::Write,
    ) -> Result<Output, Error> {
        let d = &self.kernel.dispatcher;
        let sig: Vec<Type> = args.iter().map(Arg::ty).collect();
        let jit = d.compile(&self.name, &sig)?;
        let program = jit.source_program();
        let written = written_params(program, program.entry);
        let mut values = Vec::with_capacity(args.len());
        let mut borrowed = Vec::new();
        for (k, a) in args.iter().enumerate() {
            match &a.value {
                Value::Array(arr) if a.read_only && written.get(k).copied().unwrap_or(true) => {
                    values.push(Value::Array(arr.to_contiguous()))
                }
                Value::Array(arr) => {
                    borrowed.push(arr.clone());
                    values.push(a.value.clone())
                }
                v => values.push(v.clone()),
            }
        }
        let r = d.call_compiled(&jit, &values, out)?;
        Ok(Output::from_value(r, &borrowed))
    }
}

/// For each parameter of `func`, whether the function might write into its elements: a
/// store rooted at it, an alias of it (any assignment that mentions it), or a call that
/// passes it to a function that stores anything (conservative).
fn written_params(program: &Program, func: FuncId) -> Vec<bool> {
    let f = &program.funcs[func];
    let stores = |fid: FuncId| {
        let mut any = false;
        for s in &program.funcs[fid].body {
            walk_stmts(s, &mut |s| any |= matches!(s.kind, StmtKind::Store { .. }));
        }
        any
    };
    f.params
        .iter()
        .map(|&p| {
            let mut w = false;
            let mentions = |e: &kernelc_sema::tir::Expr| {
                let mut m = false;
                kernelc_sema::pretty::walk_expr(e, &mut |x| {
                    m |= matches!(x.kind, ExprKind::Local(l) if l == p)
                });
                m
            };
            for s in &f.body {
                walk_stmts(s, &mut |s| match &s.kind {
                    StmtKind::Store { array, .. } => w |= mentions(array),
                    StmtKind::Assign { value, .. } => w |= value.ty.is_array() && mentions(value),
                    _ => {}
                });
                kernelc_sema::pretty::walk_stmt(s, &mut |e| {
                    if let ExprKind::Call(callee, args) = &e.kind {
                        if args.iter().any(|a| a.ty.is_array() && mentions(a))
                            && (*callee == func || stores(*callee))
                        {
                            w = true;
                        }
                    }
                });
            }
            w
        })
        .collect()
}

/// Calls `g` on a statement and every statement nested in it.
fn walk_stmts(s: &kernelc_sema::tir::Stmt, g: &mut impl FnMut(&kernelc_sema::tir::Stmt)) {
    g(s);
    match &s.kind {
        StmtKind::If { then, orelse, .. } => {
            then.iter().chain(orelse).for_each(|s| walk_stmts(s, g))
        }
        StmtKind::While { body, .. } | StmtKind::For { body, .. } => {
            body.iter().for_each(|s| walk_stmts(s, g))
        }
        _ => {}
    }
}

/// Evaluates a numexpr-style expression over named arguments with native code, compiled
/// once per (expression, argument types) and cached.
///
/// ```
/// let x = vec![1.0, 2.0, 3.0];
/// let y = vec![4.0, 5.0, 6.0];
/// let z = vec![1.0, 1.0, 1.0];
/// let r = kernelc::eval("x + (y**2 + (z*x + 1)*3)", &[("x", (&x).into()), ("y", (&y).into()), ("z", (&z).into())]).unwrap();
/// assert_eq!(r.into_vec::<f64>().unwrap(), vec![23.0, 36.0, 51.0]);
/// ```
pub fn eval(expr: &str, vars: &[(&str, Arg<'_>)]) -> Result<Output, Error> {
    let values: Vec<(&str, Value)> = vars.iter().map(|(n, a)| (*n, a.value.clone())).collect();
    let borrowed: Vec<Array> = values
        .iter()
        .filter_map(|(_, v)| match v {
            Value::Array(a) => Some(a.clone()),
            _ => None,
        })
        .collect();
    crate::eval_values(expr, &values).map(|v| Output::from_value(v, &borrowed))
}

/// Evaluates an expression into the caller's buffer (`out[:] = expr`, broadcast to its
/// length; no allocation for element-wise expressions).
///
/// ```
/// let a = [1.0, 2.0];
/// let b = [3.0, 4.0];
/// let mut out = [0.0; 2];
/// kernelc::eval_into("2*a + 3*b**2", &[("a", (&a[..]).into()), ("b", (&b[..]).into())], &mut out[..]).unwrap();
/// assert_eq!(out, [29.0, 52.0]);
/// ```
pub fn eval_into<T: Element>(
    expr: &str,
    vars: &[(&str, Arg<'_>)],
    out: &mut [T],
) -> Result<(), Error> {
    let values: Vec<(&str, Value)> = vars.iter().map(|(n, a)| (*n, a.value.clone())).collect();
    let n = out.len();
    // SAFETY: `out` is exclusively borrowed for the call; nothing keeps the array after it.
    let target = unsafe { Array::borrow_raw(out.as_mut_ptr(), n, &[n], &c_strides(&[n])) };
    crate::eval_values_into(expr, &values, &target)
}

/// The element type of `T` (for building signatures).
pub fn dtype_of<T: Element>() -> DType {
    T::DTYPE
}
