"""`kernelc.jit` / `kernelc.njit`: a Numba-style dispatcher over `kernelc._native.Kernel`.

A `Dispatcher` wraps a Python function. On its first call it assembles the kernel source
(kernelc/_source.py: the function, the jitted functions it calls, the globals it reads) and
parses it; each new argument signature is compiled to native code once and cached by the
native kernel. Calls pass NumPy arrays without copying and release the GIL while native code
runs. Pickling a dispatcher (for Dask workers) carries its kernel source, not the Python
function: the receiving process compiles it once and shares it among all copies.
"""

import functools
import inspect
import threading

import numpy as np

from . import _native, _signature, _source
from ._native import CompileError

# Options Numba's @jit takes. Those kernelc acts on: `parallel` and `fastmath` (passed to
# the compiler as the decorator of the function). The others are accepted for
# compatibility: the GIL is always released (`nogil`), compilation is fast enough that
# there is no on-disk cache (`cache`), and kernelc has no object mode (`nopython`,
# `forceobj`, `looplift`).
_OPTIONS = {
    "parallel",
    "fastmath",
    "cache",
    "nogil",
    "nopython",
    "forceobj",
    "looplift",
    "boundscheck",
    "error_model",
    "inline",
    "locals",
    "debug",
    "no_rewrites",
    "no_cpython_wrapper",
    "no_cfunc_wrapper",
}

_lock = threading.RLock()

# Kernels rebuilt from pickled sources in this process, keyed by (filename, text): each is
# parsed once and compiles each signature once however many tasks carry it.
_REBUILT = {}


def _check_options(options):
    unknown = sorted(set(options) - _OPTIONS)
    if unknown:
        raise TypeError(f"kernelc.jit does not take the option(s) {', '.join(unknown)}")


def _coerce(args):
    """Arguments the native layer refused, converted as Numba would accept them: lists and
    tuples of numbers become arrays, arrays of another byte order or unaligned ones become
    aligned native copies (writes into those do not reach the caller)."""
    out = []
    for a in args:
        if isinstance(a, (list, tuple)):
            a = np.asarray(a)
        if isinstance(a, np.ndarray) and (not a.dtype.isnative or not a.flags.aligned):
            a = np.array(a, dtype=a.dtype.newbyteorder("="), copy=True)
        out.append(a)
    return out


class Dispatcher(_native.Function):
    """A jitted function: call it like the Python function it wraps.

    `py_func` is the original function; `signatures` the signatures compiled eagerly.
    Calls with numbers and writeable arrays run entirely in native code
    (`kernelc._native.Function.__call__`); the others come to `_slow_call`.
    """

    def __init__(self, py_func, signatures=(), options=None):
        options = dict(options or {})
        _check_options(options)
        self.py_func = py_func
        self.targetoptions = options
        self.signatures = []
        self._kernel = None
        self._name = py_func.__name__ if py_func is not None else None
        self._source = None  # (filename, text) once assembled
        if py_func is not None:
            functools.update_wrapper(self, py_func)
        for sig in signatures:
            self.compile(sig)

    # -- construction of the kernel -------------------------------------------------------

    def _decorator_line(self):
        opts = [f"{k}=True" for k in ("parallel", "fastmath") if self.targetoptions.get(k)]
        return f"@njit({', '.join(opts)})" if opts else None

    def _kernel_source(self):
        """(filename, kernel text), assembled once (globals are captured then, as Numba
        captures them at compilation)."""
        if self._source is None:
            try:
                self._source = _source.assemble(self.py_func, self._decorator_line())
            except _source.SourceError as e:
                raise CompileError(str(e)) from None
        return self._source

    def _build(self):
        with _lock:
            if self._kernel is None:
                filename, text = self._kernel_source()
                self._kernel = _native.Kernel(filename, text)
                code = getattr(self.py_func, "__code__", None)
                if code is None or not code.co_kwonlyargcount:
                    # (Keyword-only parameters: every call binds in Python.)
                    self._bind(self._kernel, self._name, self._positional_count())

        return self._kernel

    def _positional_count(self):
        """The number of parameters (the kernel takes them all by position), or None for
        `*args`/`**kwargs` functions."""
        code = getattr(self.py_func, "__code__", None)
        if code is None or code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS):
            return None
        return code.co_argcount + code.co_kwonlyargcount

    @property
    def kernel_source(self):
        """The kernel-language text this function compiles (for inspection)."""
        return self._kernel_source()[1]

    def compile(self, sig):
        """Compiles the function now for a signature string such as `"f8(f8[:], i8)"`."""
        types = _signature.parse(sig)
        self._build().compile(self._name, types)
        self.signatures.append(tuple(types))

    # -- calls ----------------------------------------------------------------------------

    def _bind_arguments(self, args, kwargs):
        """The arguments in parameter order, defaults applied (Python's `TypeError` for
        arguments that do not fit)."""
        bound = inspect.signature(self.py_func).bind(*args, **kwargs)
        bound.apply_defaults()
        return tuple(bound.arguments.values())

    def _slow_call(self, args, kwargs):
        """A call the native fast path did not take: keyword arguments, another number of
        arguments than parameters, the first call, read-only arrays, or arguments that need
        converting."""
        if self.py_func is not None:
            args = self._bind_arguments(args, kwargs or {})
        elif kwargs:
            raise TypeError(
                f"{self._name}() rebuilt from a pickle takes positional arguments only"
            )
        kernel = self._build()
        try:
            return kernel.call(self._name, *args)
        except (TypeError, ValueError):
            coerced = _coerce(args)
            if all(a is b for a, b in zip(coerced, args)):
                raise
            return kernel.call(self._name, *coerced)

    def __repr__(self):
        return f"<kernelc.jit {self._name}>"

    def __get__(self, obj, objtype=None):
        # A jitted function stored on a class is a plain function (as Numba's is).
        return self

    # -- pickling (Dask workers) ----------------------------------------------------------

    def __reduce__(self):
        filename, text = self._kernel_source()
        return _rebuild, (filename, text, self._name, self.targetoptions)


def _rebuild(filename, text, name, options):
    """A dispatcher from a pickled kernel source, sharing one kernel per process."""
    key = (filename, text)
    with _lock:
        kernel = _REBUILT.get(key)
        if kernel is None:
            kernel = _native.Kernel(filename, text)
            _REBUILT[key] = kernel
    d = Dispatcher(None, (), options)
    d._name = d.__name__ = d.__qualname__ = name
    d._source = key
    d._kernel = kernel
    d._bind(kernel, name)
    return d


def jit(signature_or_function=None, /, *args, **options):
    """Compiles a Python function with kernelc, as Numba's `@jit` does:
    `@jit`, `@jit(parallel=True)`, `@jit("f8(f8[:])")`, `@jit(["f8(f8[:])", ...])`,
    `jit(f)`. Compilation is lazy per argument signature unless signatures are given."""
    if args:
        raise TypeError("kernelc.jit takes its options as keywords (parallel=True, ...)")
    _check_options(options)
    if callable(signature_or_function) and not isinstance(signature_or_function, str):
        return Dispatcher(signature_or_function, (), options)
    sigs = signature_or_function
    if sigs is None:
        sigs = []
    elif isinstance(sigs, str):
        sigs = [sigs]
    else:
        sigs = list(sigs)

    def decorate(func):
        return Dispatcher(func, sigs, options)

    return decorate


njit = jit


def prange(*args):
    """`range` when run by Python; a parallel loop when compiled by kernelc."""
    return range(*args)
