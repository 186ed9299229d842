"""Numba-style signature strings (`"f8(f8[:], i8)"`, `"void(float32[:, ::1])"`,
`"(f8[:],)"`) as the argument types `kernelc._native.Kernel.compile` takes:
[(NumPy dtype name, ndim), ...]. The return type, when given, is checked for syntax only:
kernelc infers it (as it does for every call)."""

import re

import numpy as np

_SCALARS = {
    "b1": "bool",
    "bool": "bool",
    "bool_": "bool",
    "boolean": "bool",
    "i1": "int8",
    "int8": "int8",
    "i2": "int16",
    "int16": "int16",
    "i4": "int32",
    "int32": "int32",
    "i8": "int64",
    "int64": "int64",
    "int_": "int64",
    "intp": "int64",
    "u1": "uint8",
    "uint8": "uint8",
    "u2": "uint16",
    "uint16": "uint16",
    "u4": "uint32",
    "uint32": "uint32",
    "u8": "uint64",
    "uint64": "uint64",
    "uintp": "uint64",
    "f4": "float32",
    "float32": "float32",
    "f8": "float64",
    "float64": "float64",
    "float_": "float64",
    "double": "float64",
    "c8": "complex64",
    "complex64": "complex64",
    "c16": "complex128",
    "complex128": "complex128",
}

_TYPE = re.compile(r"\s*([A-Za-z_][A-Za-z_0-9]*)\s*(\[[^\]]*\])?\s*")


def _one(text, whole):
    m = _TYPE.fullmatch(text)
    if not m or m.group(1) not in _SCALARS:
        raise TypeError(f"cannot read the type '{text.strip()}' in the signature '{whole}'")
    dtype = _SCALARS[m.group(1)]
    dims = m.group(2)
    if dims is None:
        return dtype, 0
    axes = dims[1:-1].split(",")
    for a in axes:
        if a.strip() not in (":", "::1"):
            raise TypeError(
                f"array axes are written ':' or '::1' (not '{a.strip()}') in the signature "
                f"'{whole}'"
            )
    return dtype, len(axes)


def _split(args):
    parts, depth, cur = [], 0, ""
    for ch in args:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    return parts


def parse(sig):
    """The argument types of one signature string."""
    if not isinstance(sig, str):
        raise TypeError(
            f"kernelc takes signatures as strings like 'f8(f8[:], i8)', not {type(sig).__name__}"
        )
    s = sig.strip()
    open_ = s.find("(")
    if open_ < 0 or not s.endswith(")"):
        raise TypeError(f"a signature looks like 'f8(f8[:], i8)', not '{sig}'")
    ret = s[:open_].strip()
    if ret and ret not in ("void", "none", "None"):
        _one(ret, sig)
    return [_one(a, sig) for a in _split(s[open_ + 1 : -1])]


def of_value(v):
    """The signature entry of a run-time argument (for matching eager signatures)."""
    if isinstance(v, np.ndarray):
        return v.dtype.name, v.ndim
    if isinstance(v, (bool, np.bool_)):
        return "bool", 0
    if isinstance(v, int):
        return "int64", 0
    if isinstance(v, float):
        return "float64", 0
    if isinstance(v, np.generic):
        return v.dtype.name, 0
    return type(v).__name__, 0
