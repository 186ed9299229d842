#!/usr/bin/env python3
"""Writes the expected stdout (`<name>.out`) of the conformance programs, independently of
kernelc, by running each program with Python and NumPy 2.

Every `tests/conformance/**/*.k` outside `errors/` is valid Python. It is executed with a
prelude (below) that maps the kernel builtins to NumPy (`f32` -> np.float32 casts and
dtypes, `sum` -> np.sum, `prange` -> range, ...), then `main()` is called and what it
prints becomes `<name>.out`. Where the kernel language deliberately differs from what the
same text means in Python (locals typed once for their whole life, `x: f64 = 1`,
`i32 with f32 -> f32`, integer arguments of float functions, ...), a Python twin
`<name>.py` next to the `.k` says the same thing in Python terms and is run instead.

Error programs (`errors/`) and the few outputs that depend on kernelc specifics are
written by the test runner: `UPDATE_EXPECT=1 cargo test --release -p kernelc-cli --test
conformance` (optionally with `CONFORMANCE_FILTER=errors/`), and must then be reviewed.

Usage: tools/conformance_expected.py [--check] [substring ...]
  --check   compare with the existing .out files instead of writing them.
"""
import builtins
import contextlib
import io
import math
import os
import sys
import warnings

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "conformance")


class _Type:
    """A kernel type name: a cast when called, a dtype argument, and `T[:]` annotations."""

    def __init__(self, dt):
        self.dt = np.dtype(dt)

    def __getitem__(self, _):
        return self

    def __call__(self, x=None, *more):
        if x is None or more or isinstance(x, _Type):
            return self  # a Numba signature, `float64(float64[:], int64)`
        if isinstance(x, np.ndarray):
            return x.astype(self.dt)
        if self.dt.kind == "b":
            return np.bool_(x)
        if self.dt.kind in "fc":
            return self.dt.type(x)
        # integer target
        if isinstance(x, (builtins.float, np.floating)):
            xf = builtins.float(x)
            if math.isnan(xf) or math.isinf(xf):
                raise ValueError("cannot convert %r to integer" % xf)
            t = math.trunc(xf)
            info = np.iinfo(self.dt)
            if t < info.min or t > info.max:
                raise ValueError("out of range")
            return self.dt.type(t)
        if isinstance(x, (builtins.int, builtins.bool)):
            return self.dt.type(x)  # NumPy 2: an out-of-bounds Python int is an error
        return np.array(x).astype(self.dt)[()]


f64 = _Type(np.float64)
f32 = _Type(np.float32)
i64 = _Type(np.int64)
i32 = _Type(np.int32)
i16 = _Type(np.int16)
i8 = _Type(np.int8)
u64 = _Type(np.uint64)
u32 = _Type(np.uint32)
u16 = _Type(np.uint16)
u8 = _Type(np.uint8)
c64 = _Type(np.complex64)
c128 = _Type(np.complex128)
_bool = _Type(np.bool_)


def _dt(d):
    if d is None:
        return np.float64
    if isinstance(d, _Type):
        return d.dt
    return d


def _shape(s):
    return s


def zeros(shape, dtype=None):
    return np.zeros(shape, _dt(dtype))


def ones(shape, dtype=None):
    return np.ones(shape, _dt(dtype))


def empty(shape, dtype=None):
    return np.empty(shape, _dt(dtype))


def full(shape, v):
    return np.full(shape, v)


def arange(*args):
    return np.arange(*args)


def linspace(a, b, n):
    return np.linspace(a, b, n)


def zeros_like(a):
    return np.zeros_like(a)


def empty_like(a):
    return np.empty_like(a)


def _red(f):
    def g(a, axis=None):
        return f(a, axis=axis)
    return g


sum = _red(np.sum)
prod = _red(np.prod)
mean = _red(np.mean)
any = _red(np.any)
all = _red(np.all)
argmin = _red(np.argmin)
argmax = _red(np.argmax)


def min(*args, axis=None):
    if len(args) == 1:
        return np.min(args[0], axis=axis)
    return builtins.min(*args)


def max(*args, axis=None):
    if len(args) == 1:
        return np.max(args[0], axis=axis)
    return builtins.max(*args)


def norm(a, axis=None):
    if axis is None:
        return np.sqrt(np.sum(np.asarray(a, dtype=np.float64) ** 2))
    return np.linalg.norm(a, axis=axis)


def dot(a, b):
    return np.dot(a, b)


def _promote(x):
    """Integer (and bool) arguments of float functions become f64 (f32 for the integer
    types of at most 16 bits, which NumPy computes in float16/float32)."""
    if isinstance(x, (np.ndarray, np.integer)) and x.dtype.kind in "iu" and x.dtype.itemsize <= 2:
        return x.astype(np.float32)
    if isinstance(x, np.ndarray):
        return x.astype(np.float64) if x.dtype.kind in "biu" else x
    if isinstance(x, (builtins.bool, builtins.int, np.integer, np.bool_)):
        return np.float64(x)
    if isinstance(x, builtins.float):
        return np.float64(x)
    return x


def _float_fn(f):
    def g(*args):
        return f(*[_promote(a) for a in args])
    return g


for _name in ("sqrt exp expm1 log log1p log2 log10 sin cos tan arcsin arccos arctan arctan2 "
              "sinh cosh tanh arcsinh arccosh arctanh hypot floor ceil trunc rint copysign fmod "
              "isnan isinf isfinite cbrt nextafter").split():
    globals()[_name] = _float_fn(getattr(np, _name))
pow = _float_fn(np.power)
abs = np.abs
sign = np.sign
minimum = np.minimum
maximum = np.maximum
clip = np.clip
where = np.where


def seed(s):
    np.random.seed(s)


def random(shape=None):
    return np.random.random(shape) if shape is not None else np.random.random()


def normal(shape=None):
    return np.random.standard_normal(shape) if shape is not None else np.random.standard_normal()


def randint(lo, hi, shape=None):
    if shape is None:
        return np.int64(np.random.randint(lo, hi))
    return np.random.randint(lo, hi, shape, dtype=np.int64)


prange = range


def _decorator(*args, **kwargs):
    """`@njit`, `@njit(parallel=True)`, `@jit(...)`: the function itself (Numba compiles it,
    the twin runs it as Python)."""
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return args[0]
    return lambda f: f


class _Shown:
    """A tuple element as Numba's print shows it: numbers as `str` (Python's tuple repr
    would show NumPy scalars as `np.float64(1.0)`)."""

    def __init__(self, x):
        self.x = x

    def __repr__(self):
        if isinstance(self.x, tuple):
            return repr(tuple(_Shown(v) for v in self.x))
        if isinstance(self.x, (np.generic, builtins.int, builtins.float, builtins.bool)):
            return str(self.x)
        return repr(self.x)


def print(*args, **kwargs):
    builtins.print(*[repr(_Shown(a)) if isinstance(a, tuple) else a for a in args], **kwargs)


_NUMBA_TYPES = {"b1": "bool", "boolean": "bool", "i1": "int8", "i2": "int16", "i4": "int32", "i8": "int64",
                "u1": "uint8", "u2": "uint16", "u4": "uint32", "u8": "uint64", "f4": "float32",
                "f8": "float64", "c8": "complex64", "c16": "complex128", "intp": "int64"}


def _sig(text):
    """A Numba signature string: (result dtype or None for void, [(dtype, is_array)])."""
    import re
    m = re.fullmatch(r"\s*(\w+)\s*\((.*)\)\s*", text)
    ret, params = m.group(1), m.group(2)
    out = []
    for p in re.split(r",(?![^\[]*\])", params):
        p = p.strip()
        name = p.split("[")[0].strip()
        out.append((np.dtype(_NUMBA_TYPES.get(name, name)), "[" in p))
    r = None if ret == "void" else np.dtype(_NUMBA_TYPES.get(ret, ret))
    return r, out


def _pick(sigs, args):
    """NumPy's ufunc loop selection: the first signature every argument casts to safely."""
    for r, ps in sigs:
        if builtins.all(np.can_cast(np.min_scalar_type(a) if np.ndim(a) == 0 and not
                                    isinstance(a, np.generic) else np.asarray(a).dtype,
                                    d, "safe") for a, (d, _) in zip(args, ps)):
            return r, ps
    raise TypeError("no matching signature")


def _vectorize(*args, **kwargs):
    """`@vectorize` / `@vectorize([sigs])`: NumPy's element-wise application."""
    if len(args) == 1 and callable(args[0]):
        return np.vectorize(args[0])
    sigs = args[0] if args else kwargs.get("signatures")
    sigs = [_sig(s) for s in ([sigs] if isinstance(sigs, str) else sigs or [])]

    def wrap(f):
        def g(*xs):
            if not sigs:
                return np.vectorize(f)(*xs)
            r, ps = _pick(sigs, xs)
            xs = [np.asarray(x).astype(d) if np.ndim(x) else d.type(x) for x, (d, _) in zip(xs, ps)]
            if builtins.all(np.ndim(x) == 0 for x in xs):
                return r.type(f(*xs))
            return np.vectorize(f, otypes=[r])(*xs)
        return g
    return wrap


def _guvectorize(sigs, layout, **kwargs):
    """`@guvectorize([sigs], "(n),()->(n)")`: the core over the outer dimensions
    (np.vectorize with a signature), outputs allocated from the inputs' core sizes."""
    import re
    sigs = [_sig(s) for s in ([sigs] if isinstance(sigs, str) else sigs)]
    ins_t, outs_t = layout.replace(" ", "").split("->")
    ins = [g.split(",") if g else [] for g in re.findall(r"\(([^)]*)\)", ins_t)]
    outs = [g.split(",") if g else [] for g in re.findall(r"\(([^)]*)\)", outs_t)]

    def wrap(f):
        def g(*xs):
            n_in = len(ins)
            r, ps = _pick(sigs, xs[:n_in])

            def core(*a):
                sizes = {}
                for x, names in zip(a, ins):
                    for k, nm in enumerate(names):
                        sizes.setdefault(nm, np.shape(x)[k])
                res = [np.zeros([sizes[nm] for nm in names] or [1], ps[n_in + j][0])
                       for j, names in enumerate(outs)]
                f(*a, *res)
                res = [o[0] if not names else o for o, names in zip(res, outs)]
                return res[0] if len(res) == 1 else tuple(res)
            ins_c = [np.asarray(x).astype(d) if np.ndim(x) else d.type(x)
                     for x, (d, _) in zip(xs[:n_in], ps)]
            v = np.vectorize(core, signature=layout.replace(" ", ""))
            result = v(*ins_c)
            if len(xs) > n_in:
                for o, val in zip(xs[n_in:], result if len(outs) > 1 else [result]):
                    o[...] = val
                return xs[n_in] if len(outs) == 1 else tuple(xs[n_in:])
            return result
        return g
    return wrap


def _numba_module():
    import types
    m = types.ModuleType("numba")
    m.njit = m.jit = _decorator
    m.prange = range
    m.vectorize = _vectorize
    m.guvectorize = _guvectorize
    # Type names (`from numba import float64`): casts when called, as the kernel's are.
    for name, dt in list(_NUMBA_TYPES.items()) + [(v, v) for v in set(_NUMBA_TYPES.values())]:
        setattr(m, name, _Type(dt))
    m.boolean = m.b1
    return m


sys.modules.setdefault("numba", _numba_module())


def prelude():
    g = {k: v for k, v in globals().items() if not k.startswith("__")}
    g["bool"] = _bool
    g["int"] = i64
    g["float"] = f64
    g["__builtins__"] = builtins
    g["__name__"] = "kernel"
    return g


def run(path):
    twin = path[:-2] + ".py"
    src_path = twin if os.path.exists(twin) else path
    with open(src_path, encoding="utf-8-sig", newline=None) as f:
        src = f.read()
    g = prelude()
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        exec(compile(src, src_path, "exec"), g)
        g["main"]()
    return buf.getvalue()


def main(argv):
    check = "--check" in argv
    filters = [a for a in argv if not a.startswith("--")]
    bad = 0
    n = 0
    for dirpath, dirnames, filenames in sorted(os.walk(ROOT)):
        dirnames.sort()
        rel_dir = os.path.relpath(dirpath, ROOT)
        if rel_dir.split(os.sep)[0] == "errors":
            continue
        for fn in sorted(filenames):
            if not fn.endswith(".k"):
                continue
            path = os.path.join(dirpath, fn)
            rel = os.path.relpath(path, ROOT)
            if filters and not builtins.any(s in rel for s in filters):
                continue
            if os.path.exists(path[:-2] + ".kernelc-expected"):
                continue  # expectation depends on kernelc specifics: written by the runner
            n += 1
            try:
                out = run(path)
            except Exception as e:  # noqa: BLE001
                print("FAILED %s: %s: %s" % (rel, type(e).__name__, e), file=sys.stderr)
                bad += 1
                continue
            out_path = path[:-2] + ".out"
            if check:
                old = open(out_path).read() if os.path.exists(out_path) else None
                if old != out:
                    print("DIFFERS %s" % rel, file=sys.stderr)
                    bad += 1
            else:
                with open(out_path, "w") as f:
                    f.write(out)
    print("%d programs, %d problems" % (n, bad), file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
