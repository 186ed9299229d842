#!/usr/bin/env python3
"""Generates crates/kernelc-runtime/tests/data/format_complex_cases.txt from NumPy 2: how
print(arr) shows complex64 and complex128 arrays (ComplexFloatingFormat).

    python3 tools/gen_complex_format_cases.py

Records:

    case <dtype> <shape>          dtype: c64 c128; shape: 3,4
    v <re>,<im> <re>,<im> ...     the elements in C order; parts as repr(float) (c128) or
                                  str(np.float32) (c64), both round-trip
    <expected output lines>
    %%
"""

import os

import numpy as np

assert np.__version__.startswith("2."), np.__version__

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "crates", "kernelc-runtime", "tests", "data", "format_complex_cases.txt")
DT = {"c64": np.complex64, "c128": np.complex128}


def part(dtype, x):
    return str(np.float32(x)) if dtype == "c64" else repr(float(x))


cases = []


def add(dtype, values, shape=None):
    with np.errstate(all="ignore"):
        arr = np.array(values, dtype=DT[dtype])
    if shape is not None:
        arr = arr.reshape(shape)
    toks = " ".join(f"{part(dtype, z.real)},{part(dtype, z.imag)}" for z in arr.ravel())
    cases.append((dtype, arr.shape, "v " + toks, arr))


nan, inf = float("nan"), float("inf")
parts = [
    [0.0], [-0.0], [1.0], [-1.5], [0.5, 2.25], [1e-5, 1.0], [1e8, 1.0], [123456789.0],
    [1e6, 0.5], [nan], [inf], [-inf], [nan, 1.0], [1e-300, 1e300], [1 / 3, 2 / 3],
    [3.141592653589793, -2.718281828459045], [0.1, 0.2, 0.3], [1e16, -1e-16], [5e-324],
    [100.0, -200.5, 300.25], [0.0001, 0.1], [9.9999e-5, 0.1], [16777217.0, 1.0],
]
for re in parts:
    for im in parts:
        n = max(len(re), len(im))
        vals = [complex(re[k % len(re)], im[k % len(im)]) for k in range(n)]
        for dt in ("c128", "c64"):
            add(dt, vals)

rng = np.random.default_rng(20261208)
for dt in ("c128", "c64"):
    for scale_re, scale_im in [(1, 1), (1e3, 1e-3), (1e-6, 1), (1e9, 1e9), (1, 0)]:
        for n in (1, 3, 7, 12):
            vals = rng.standard_normal(n) * scale_re + 1j * rng.standard_normal(n) * scale_im
            add(dt, vals)
    add(dt, np.arange(12.0) * (1 - 0.5j), (3, 4))
    add(dt, np.arange(8.0) * 1j, (2, 2, 2))
    add(dt, np.arange(30.0) / 7 + 1j)
    add(dt, np.arange(40.0) * (1e5 + 1e-3j), (5, 8))
    add(dt, np.arange(1200.0) * (1 + 1j))
    add(dt, (np.arange(2000.0) / 3 - 1j) * 1e-3, (40, 50))
    add(dt, [complex(nan, nan), complex(-inf, inf), -0.0 - 0.0j, 1 + 1e-9j])

with open(OUT, "w") as f:
    for dtype, shape, spec, arr in cases:
        f.write(f"case {dtype} {','.join(map(str, shape))}\n{spec}\n{arr}\n%%\n")
print(f"{len(cases)} cases -> {os.path.relpath(OUT, ROOT)}")
