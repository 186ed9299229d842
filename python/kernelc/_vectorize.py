"""`kernelc.vectorize`: a function of scalars applied element-wise to arrays, with NumPy
broadcasting, as `numba.vectorize` does.

The scalar function is jitted as usual; for each rank of the broadcast arguments a loop
kernel is generated next to it (`out[i0, i1] = f(x0[i0, i1], x1[i0, i1])`) and compiled per
argument types. The output dtype is the scalar function's return type for the arguments'
dtypes (found by calling it once on the first elements, or zeros when the arrays are
empty).
"""

import functools
import threading

import numpy as np

from . import _native
from ._jit import Dispatcher, _check_options


class Vectorized:
    """An element-wise function of arrays built from a jitted scalar function."""

    def __init__(self, py_func, signatures=(), options=None):
        options = dict(options or {})
        options.pop("target", None)
        options.pop("identity", None)
        _check_options(options)
        self.scalar = Dispatcher(py_func, signatures, options)
        self._loops = {}
        self._dtypes = {}
        self._lock = threading.Lock()
        functools.update_wrapper(self, py_func)

    def _loop_kernel(self, flags):
        """The kernel with a loop function for arguments that are arrays (True) or scalars
        (False), all arrays of the rank `flags[0]`."""
        kernel = self._loops.get(flags)
        if kernel is not None:
            return kernel
        ndim, kinds = flags[0], flags[1:]
        filename, text = self.scalar._kernel_source()
        name = self.scalar.__name__
        idx = ", ".join(f"i{k}" for k in range(ndim))
        params = ", ".join(["out"] + [f"x{k}" for k in range(len(kinds))])
        args = ", ".join(f"x{k}[{idx}]" if a else f"x{k}" for k, a in enumerate(kinds))
        lines = [f"def __vectorized_{name}({params}):"]
        for k in range(ndim):
            lines.append("    " * (k + 1) + f"for i{k} in range(out.shape[{k}]):")
        lines.append("    " * (ndim + 1) + f"out[{idx}] = {name}({args})")
        kernel = _native.Kernel(filename, text + "\n" + "\n".join(lines) + "\n")
        with self._lock:
            self._loops[flags] = kernel
        return kernel

    def _out_dtype(self, args):
        key = tuple(a.dtype.str if isinstance(a, np.ndarray) else type(a) for a in args)
        dt = self._dtypes.get(key)
        if dt is None:
            firsts = [
                (a.flat[0] if a.size else np.zeros((), a.dtype)[()])
                if isinstance(a, np.ndarray)
                else a
                for a in args
            ]
            kernel = self.scalar._build()
            dt = np.asarray(kernel.call_0d(self.scalar.__name__, *firsts)).dtype
            self._dtypes[key] = dt
        return dt

    def __call__(self, *args, out=None):
        arrays = [isinstance(a, (np.ndarray, list, tuple)) and np.ndim(a) > 0 for a in args]
        if not any(arrays) and out is None:
            return self.scalar(*args)
        args = [np.asarray(a) if is_array else a for a, is_array in zip(args, arrays)]
        shape = np.broadcast_shapes(*(a.shape for a in args if isinstance(a, np.ndarray)))
        if out is None:
            out = np.empty(shape, self._out_dtype(args))
        elif out.shape != shape:
            shape = np.broadcast_shapes(out.shape, shape)
            if shape != out.shape:
                raise ValueError(f"out has shape {out.shape}, the result has shape {shape}")
        views = [
            np.broadcast_to(a, out.shape) if isinstance(a, np.ndarray) else a for a in args
        ]
        if out.ndim == 0:
            out[()] = self.scalar(*(v[()] if isinstance(v, np.ndarray) else v for v in views))
            return out
        flags = (out.ndim,) + tuple(arrays)
        kernel = self._loop_kernel(flags)
        kernel.call(f"__vectorized_{self.scalar.__name__}", out, *views)
        return out

    def __reduce__(self):
        return _rebuild_vectorized, (self.scalar,)


def _rebuild_vectorized(scalar):
    v = Vectorized.__new__(Vectorized)
    v.scalar = scalar
    v._loops = {}
    v._dtypes = {}
    v._lock = threading.Lock()
    v.__name__ = scalar.__name__
    return v


def vectorize(ftylist_or_function=(), **options):
    """`@vectorize`, `@vectorize(["f8(f8, f8)"])`, `vectorize(f)`: see the module doc.
    Options as `kernelc.jit` (and Numba's `target=`/`identity=`, accepted and ignored)."""
    if callable(ftylist_or_function):
        return Vectorized(ftylist_or_function, (), options)
    sigs = [ftylist_or_function] if isinstance(ftylist_or_function, str) else list(ftylist_or_function)

    def decorate(func):
        return Vectorized(func, sigs, options)

    return decorate
