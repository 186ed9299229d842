"""`kernelc.evaluate`: numexpr's `evaluate` over kernelc's native expression compiler.

The expression is parsed by Python (its syntax errors are Python's `SyntaxError`, as in
numexpr) to find its free names; their values come from `local_dict`/`global_dict` or the
caller's frame (a missing name is a `KeyError`). Arrays of any strides are read in place;
the native layer compiles the expression once per (expression, argument types) and caches
it. Errors have numexpr's kinds and stay kernelc's: a compile error is both
`kernelc.CompileError` and `TypeError`, a runtime error (shapes that do not broadcast, a bad
`out=`) both `kernelc.KernelError` and `ValueError`.
"""

import ast
import sys
import threading

import numpy as np

from . import _native
from ._native import CompileError, KernelError


class ExpressionCompileError(CompileError, TypeError):
    """An expression kernelc cannot compile (numexpr raises TypeError for these)."""


class ExpressionRuntimeError(KernelError, ValueError):
    """An expression that failed while running (numexpr raises ValueError for these)."""


# Dtypes the native layer reads in place; others are converted first, as numexpr does
# (small integers to int32, uint32 to int64, float16 to float32).
_NATIVE = {"?", "i", "l", "q", "f", "d", "F", "D"}
_UPCAST = {
    np.dtype(np.int8): np.int32,
    np.dtype(np.int16): np.int32,
    np.dtype(np.uint8): np.int32,
    np.dtype(np.uint16): np.int32,
    np.dtype(np.uint32): np.int64,
    np.dtype(np.float16): np.float32,
}

_CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")
# Names the language defines itself; they are variables only when the caller has them.
_CONSTANTS = {"pi", "e", "inf", "nan", "np", "numpy", "math"}

_MISSING = object()
_names_cache = {}
_last = threading.local()  # the last evaluate() call of this thread, for re_evaluate()
_result_dtypes = {}
_CACHE_SIZE = 256


def _free_names(ex):
    """The variables of an expression (names not in call position), in order of first
    appearance; the parse is cached."""
    names = _names_cache.get(ex)
    if names is not None:
        return names
    tree = ast.parse(ex.strip(), mode="eval")
    called = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            called.add(id(node.func))
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            called.add(id(node.value))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and id(node) not in called and node.id not in names:
            names.append(node.id)
    if len(_names_cache) >= _CACHE_SIZE:
        _names_cache.clear()
    _names_cache[ex] = names
    return names


def _value(v):
    if isinstance(v, np.ndarray):
        if v.dtype.char not in _NATIVE:
            up = _UPCAST.get(v.dtype)
            if up is None:
                raise TypeError(f"kernelc.evaluate does not support arrays of dtype {v.dtype}")
            v = v.astype(up)
        elif not v.dtype.isnative or not v.flags.aligned:
            v = v.astype(v.dtype.newbyteorder("="))
        return v
    if isinstance(v, (bool, int, float, np.generic)):
        return v
    return _value(np.asarray(v))


def _probe_dtype(ex, names, values):
    """The dtype of the expression's result for these argument types (for `casting=`),
    found once by evaluating it on one-element arrays; None if that fails."""
    key = (ex, tuple((v.dtype.str, v.ndim) if isinstance(v, np.ndarray) else type(v) for v in values))
    dt = _result_dtypes.get(key)
    if dt is None and key not in _result_dtypes:
        small = [np.ones((1,) * v.ndim, v.dtype) if isinstance(v, np.ndarray) else v for v in values]
        try:
            dt = np.asarray(_native.evaluate(ex, names, small)).dtype
        except (KernelError, CompileError, TypeError, ValueError):
            dt = None
        _result_dtypes[key] = dt
    return dt


def evaluate(ex, local_dict=None, global_dict=None, out=None, order="K", casting="safe",
             _frame_depth=1, **kwargs):
    """Evaluates an array expression, as `numexpr.evaluate` does.

    `ex`: the expression (`"2*a + 3*b**2"`, `"where(x > 0, sqrt(x), 0)"`, `"sum(x**2)"`).
    Names are looked up in `local_dict`, then `global_dict`; each defaults to the caller's
    locals/globals. `out`: an existing array to write the result into (broadcast to its
    shape, converted to its dtype as `casting` allows). Returns a new array (0-d for
    scalars and reductions, as numexpr does) or `out`.
    """
    if kwargs:
        bad = set(kwargs) - {"sanitize", "optimization", "truediv"}
        if bad:
            raise TypeError(f"evaluate() got unexpected keyword argument(s) {', '.join(sorted(bad))}")
    if not isinstance(ex, str):
        raise ValueError("must specify expression as a string")
    if casting not in _CASTINGS:
        raise ValueError(f"casting must be one of {', '.join(_CASTINGS)}")
    if order not in ("K", "C", "F", "A"):
        raise ValueError("order must be one of 'C', 'F', 'A' or 'K'")
    names = _free_names(ex)
    if local_dict is None or global_dict is None:
        frame = sys._getframe(_frame_depth)
        if local_dict is None:
            local_dict = frame.f_locals
        if global_dict is None:
            global_dict = frame.f_globals
    used, values = [], []
    for name in names:
        v = local_dict.get(name, _MISSING)
        if v is _MISSING:
            v = global_dict.get(name, _MISSING)
            if v is _MISSING:
                if name in _CONSTANTS:
                    continue
                raise KeyError(name)
        used.append(name)
        values.append(v)
    if out is not None:
        if not isinstance(out, np.ndarray):
            raise TypeError("out must be a NumPy array")
        if casting != "unsafe":
            dt = _probe_dtype(ex, used, [_value(v) for v in values])
            if dt is not None and not np.can_cast(dt, out.dtype, casting):
                raise TypeError(
                    f"Cannot cast the result of '{ex}' from dtype('{dt}') to dtype('{out.dtype}') "
                    f"according to the rule '{casting}'"
                )
    _last.call = (ex, out, order, casting)
    try:
        try:
            return _native.evaluate(ex, used, values, out)
        except (TypeError, ValueError):
            # The native layer takes numbers and arrays of its dtypes as they are; convert
            # the rest (lists, other dtypes and byte orders) and try once more.
            converted = [_value(v) for v in values]
            if all(a is b for a, b in zip(converted, values)):
                raise
            return _native.evaluate(ex, used, converted, out)
    except CompileError as e:
        raise ExpressionCompileError(str(e)) from None
    except KernelError as e:
        raise ExpressionRuntimeError(str(e)) from None


def re_evaluate(local_dict=None, _frame_depth=1):
    """Evaluates the previous expression of this thread again (with its `out=` and
    `casting`), on the current values of its names, as `numexpr.re_evaluate` does."""
    last = getattr(_last, "call", None)
    if last is None:
        raise RuntimeError(
            "A previous evaluate() execution was not found, please call `evaluate` once "
            "before `re_evaluate`"
        )
    ex, out, order, casting = last
    return evaluate(ex, local_dict=local_dict, out=out, order=order, casting=casting,
                    _frame_depth=_frame_depth + 1)
