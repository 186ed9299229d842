#!/usr/bin/env python3
"""Generates the fixtures for crates/kernelc-runtime/tests/format_*.rs from NumPy 2.

    python3 tools/gen_format_cases.py

writes
  crates/kernelc-runtime/tests/data/format_cases.txt    arrays: print(arr) in NumPy
  crates/kernelc-runtime/tests/data/format_scalars.txt  scalars: repr(float) / str(np.float32)

format_cases.txt holds records

    case <dtype> <shape>          dtype: bool i32 i64 f32 f64; shape: 3,4 or - for 0-d
    v <tok> <tok> ...             the elements in C order, or
    c <tok> <tok> ...             a pattern repeated cyclically (np.resize), or
    a <start> <step>              element i = start + i * step (computed in f64 / i64,
                                  then cast to the dtype)
    <expected output lines>
    %%

Tokens: bools 0/1, ints decimal, f64 Python repr, f32 str(np.float32) (both round-trip).

format_scalars.txt holds lines `d <hex64> <repr>` / `f <hex32> <str>` and digest lines
`h <d|f> <flavour> <seed> <count> <fnv1a64 hex>`: the FNV-1a 64 hash of the outputs
(each followed by '\n') of `count` values whose bits come from splitmix64(seed)
(flavour `raw`: all bits random; `mid`: exponent limited to about 1e-8..1e20).
"""

import os
import struct

import numpy as np

assert np.__version__.startswith("2."), np.__version__

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DATA = os.path.join(ROOT, "crates", "kernelc-runtime", "tests", "data")

DT = {"bool": np.bool_, "i32": np.int32, "i64": np.int64, "f32": np.float32, "f64": np.float64}
M64 = (1 << 64) - 1


def tok(dtype, x):
    if dtype == "bool":
        return "1" if x else "0"
    if dtype in ("i32", "i64"):
        return str(int(x))
    if dtype == "f32":
        return str(np.float32(x))
    return repr(float(x))


cases = []


def add(dtype, values, shape=None):
    """Explicit values."""
    arr = np.array(values, dtype=DT[dtype])
    if shape is not None:
        arr = arr.reshape(shape)
    spec = "v " + " ".join(tok(dtype, x) for x in arr.ravel())
    cases.append((dtype, arr.shape, spec, arr))


def add_cyclic(dtype, pattern, shape):
    pat = np.array(pattern, dtype=DT[dtype])
    arr = np.resize(pat, shape)
    spec = "c " + " ".join(tok(dtype, x) for x in pat)
    cases.append((dtype, arr.shape, spec, arr))


def add_arange(dtype, start, step, shape):
    n = int(np.prod(shape))
    if dtype in ("f32", "f64"):
        arr = (np.arange(n, dtype=np.float64) * float(step) + float(start)).astype(DT[dtype])
        spec = f"a {float(start)!r} {float(step)!r}"
    else:
        arr = (np.arange(n, dtype=np.int64) * int(step) + int(start)).astype(DT[dtype])
        spec = f"a {int(start)} {int(step)}"
    cases.append((dtype, tuple(shape), spec, arr.reshape(shape)))


rng = np.random.default_rng(20240601)
nan, inf = float("nan"), float("inf")

# ---- hand-picked floats, both widths ----
hand = [
    [0.0], [-0.0], [-0.0, 0.0], [1.0], [-1.0], [0.5, 1.5], [1.0, 2.0, 3.0],
    [0.001953125, 0.5], [1e-4, 1e-3], [1e-4, 1.0], [0.0001, 0.1], [9.9999e-5, 0.1],
    [1e6], [999999.0], [1e7], [99999999.0], [1e8], [123456789.0], [1.0, 1000.0],
    [1.0, 1000.0001], [1.0, 1000.0000001], [1e100, -1e-100, 1.0], [1e-300, 1e300],
    [1.7976931348623157e308, 5e-324], [5e-324], [2.2250738585072014e-308, 1.0],
    [nan], [inf], [-inf], [nan, inf], [nan, -inf], [nan, 1.0, -inf], [inf, -inf, nan, 0.0],
    [nan, 1e-10], [-inf, 1e10, 2.5], [nan, 0.5, 0.25, 0.125], [nan, -0.0],
    [0.1, 0.2, 0.3], [1 / 3, 2 / 3, 1.0], [3.141592653589793, 2.718281828459045],
    [0.123456785, 0.5], [0.123456775, 0.5], [0.999999999, 0.5], [9.999999999, 1.0],
    [99999.999999999, 1.0], [0.30000000000000004], [1e-5], [1.5e-5, 2.5e-5],
    [12345.678, -0.001], [-12345.678, 0.01], [1e15, 1.0], [1e16], [-1e16, 1e-16],
    [1.23456789e-5, 1.0], [1e-10, 1e10], [1e-99, 1e99], [1e-100, 1e100], [1e200, -3e-200],
    [2.0 ** -20, 1.0], [2.0 ** -20, 2.0], [2.0 ** 60, 1.0], [2.0 ** 70], [2.0 ** -1000],
    [0.5 ** 30, 0.5 ** 31], [1024.0, 0.125], [-1.0, -2.0, -3.0], [-1.5, 2.25, -3.125],
    [100.0, 200.5, -300.25], [7.0, 77.0, 777.0], [0.0001, 0.1001], [0.00012345678901, 0.1],
    [1.0000000001, 2.0], [5e-5, 0.0, 0.0], [0.0, 0.0, 1e8], [0.0, 12.5],
    [65504.0, 1e-3], [16777216.0, 16777217.0], [3.4028234663852886e38, 1.0],
    [1.401298464324817e-45, 1.0], [1.1754943508222875e-38], [0.1, 0.7, 1e-4],
]
for vals in hand:
    for dt in ("f64", "f32"):
        with np.errstate(over="ignore"):
            add(dt, vals)

# powers of two and binary fractions (unequal margins / exact ties)
for dt in ("f64", "f32"):
    add(dt, [2.0 ** k for k in range(-12, 12, 3)])
    add(dt, [2.0 ** k for k in range(-30, -20)])
    add(dt, [2.0 ** k for k in (10, 20, 30, 40)])
    add(dt, [k / 512 for k in range(1, 12, 2)])
    add(dt, [k / 2 ** 27 + 0.25 for k in range(1, 8)])
    add(dt, [1.0 + k * 2.0 ** -26 for k in range(1, 6)])

# ---- random float arrays ----
def rand_floats(n, kind):
    if kind == "unif":
        return rng.random(n)
    if kind == "normal":
        return rng.standard_normal(n)
    if kind == "scaled":
        return rng.standard_normal(n) * 10.0 ** rng.integers(-12, 14)
    if kind == "lognormal":
        return rng.standard_normal(n) * 10.0 ** rng.uniform(-6, 9, n)
    if kind == "ints":
        return rng.integers(-1000, 1000, n).astype(float)
    if kind == "decimals":
        return rng.integers(-100000, 100000, n) / 10.0 ** rng.integers(0, 6)
    if kind == "nonfinite":
        v = rng.standard_normal(n) * 10.0 ** rng.integers(-5, 9)
        mask = rng.integers(0, 4, n)
        v[mask == 0] = nan
        v[mask == 1] = rng.choice([inf, -inf], n)[mask == 1]
        return v
    if kind == "zeros":
        v = rng.standard_normal(n)
        v[rng.integers(0, 2, n) == 0] = 0.0
        return v
    raise ValueError(kind)


kinds = ["unif", "normal", "scaled", "lognormal", "ints", "decimals", "nonfinite", "zeros"]
for i in range(120):
    kind = kinds[i % len(kinds)]
    dt = "f64" if i % 3 else "f32"
    n = int(rng.integers(1, 14))
    with np.errstate(over="ignore"):
        add(dt, rand_floats(n, kind))

# multi-dimensional random floats
shapes = [(2, 3), (3, 4), (4, 1), (1, 5), (2, 2, 2), (2, 3, 2), (3, 1, 2), (2, 2, 2, 2),
          (1, 1, 1), (2, 1, 3, 1), (5, 3), (3, 3, 3)]
for i, shp in enumerate(shapes * 2):
    dt = "f64" if i % 2 else "f32"
    kind = kinds[i % len(kinds)]
    with np.errstate(over="ignore"):
        add(dt, rand_floats(int(np.prod(shp)), kind), shp)

# wrapping rows
for dt in ("f64", "f32"):
    add_arange(dt, 0.0, 1.5, (30,))
    add_arange(dt, -3.0, 0.25, (3, 40))
    add_arange(dt, 0.0, 1.0, (100,))
    add_arange(dt, 1.0, 1e5, (40,))
    add(dt, rng.standard_normal(40))
    add(dt, rng.standard_normal((2, 3, 17)))
    add(dt, rng.standard_normal(13) * 1e-7)
    add(dt, rng.standard_normal((3, 11)) * 1e12)
    add_cyclic(dt, [nan, 1.0, -inf, 0.5], (50,))

# summarisation
for dt in ("f64", "f32"):
    add_arange(dt, 0.0, 1.0, (1001,))
    add_arange(dt, 0.0, 0.001, (1000,))
    add_arange(dt, 0.0, 0.5, (2000,))
    add_arange(dt, 0.0, 1.0, (2, 1000))
    add_arange(dt, 0.0, 1.0, (4, 500))
    add_arange(dt, 0.0, 1.0, (10, 10, 30))
    add_arange(dt, -5.0, 0.01, (7, 150))
    add_arange(dt, 1.0, 0.0, (6, 200))
    add_arange(dt, 0.0, 1.0, (1, 1001))
    add_arange(dt, 0.0, 1.0, (1001, 1))
    add_arange(dt, 0.0, 1e-6, (2, 3, 4, 50))
    add_arange(dt, 1e9, 1.0, (1200,))
    add_cyclic(dt, [0.0], (5000,))
    add_cyclic(dt, [nan, 2.5, inf, -1.25, 1e-3, 7.0, 0.0], (1100,))
    add_cyclic(dt, rng.standard_normal(17), (40, 40))
    add_cyclic(dt, [1.0, -2.0, 3.5], (8, 8, 20))
add_arange("f64", 0.0, 1.0, (100, 100, 10))

# ---- integers ----
add("i32", [-2147483648, 2147483647, 0])
add("i32", [-2147483648])
add("i32", [2147483647, 1, -1])
add("i64", [-9223372036854775808, 9223372036854775807, 0])
add("i64", [9223372036854775807])
add("i64", [0])
add("i32", [0, 0, 0])
add("i32", [-1, 0, 1])
add("i64", [5, -50, 500, -5000])
for i in range(30):
    dt = "i64" if i % 2 else "i32"
    n = int(rng.integers(1, 30))
    hi = 10 ** int(rng.integers(1, 10))
    add(dt, rng.integers(-hi, hi, n))
for shp in [(2, 3), (3, 4), (2, 2, 3), (4, 1), (1, 4), (3, 3, 3), (2, 2, 2, 2)]:
    add("i64", rng.integers(-1000, 1000, int(np.prod(shp))), shp)
    add("i32", rng.integers(0, 10, int(np.prod(shp))), shp)
for dt in ("i32", "i64"):
    add_arange(dt, 0, 1, (30,))
    add_arange(dt, 0, 1, (100,))
    add_arange(dt, -2000000000, 123456789, (40,))
    add_arange(dt, 0, 1, (1001,))
    add_arange(dt, 0, 1, (5000,))
    add_arange(dt, 0, 1, (3, 1000))
    add_arange(dt, 0, 7, (10, 10, 20))
    add_arange(dt, -500, 1, (30, 40))
    add_arange(dt, 0, 1, (2, 3, 4, 50))
add_arange("i64", 0, 3037000499, (2000,))
add_arange("i64", -(2 ** 62), 2 ** 40, (20, 60))

# ---- bools ----
add("bool", [True])
add("bool", [False])
add("bool", [True, False])
add("bool", [False, True, False])
for i in range(12):
    n = int(rng.integers(1, 40))
    add("bool", rng.integers(0, 2, n).astype(bool))
for shp in [(2, 3), (3, 2), (2, 2, 2), (4, 20), (1, 1)]:
    add("bool", rng.integers(0, 2, int(np.prod(shp))).astype(bool), shp)
add_cyclic("bool", [True, False, False], (1001,))
add_cyclic("bool", [True], (40, 40))
add_cyclic("bool", [False, True], (10, 10, 11))

# ---- empty and 0-d ----
for dt in DT:
    for shp in [(0,), (0, 3), (3, 0), (2, 0, 4)]:
        add(dt, np.zeros(shp, dtype=DT[dt]), shp)
for dt, vals in [("f64", [0.1]), ("f64", [1e16]), ("f64", [-0.0]), ("f64", [nan]),
                 ("f64", [2.0 ** 0.5]), ("f64", [1e-5]), ("f32", [0.1]),
                 ("f32", [1e6]), ("f32", [123456.79]), ("f32", [-inf]), ("f32", [3.0]),
                 ("i32", [-7]), ("i64", [2 ** 62]), ("bool", [True]), ("bool", [False])]:
    add(dt, vals, ())


def write_cases():
    os.makedirs(DATA, exist_ok=True)
    out = []
    for dtype, shape, spec, arr in cases:
        shp = ",".join(str(d) for d in shape) if shape else "-"
        text = str(arr)
        assert "%%" not in text
        out.append(f"case {dtype} {shp}\n{spec}\n{text}\n%%\n")
    with open(os.path.join(DATA, "format_cases.txt"), "w") as f:
        f.write("".join(out))
    print(f"{len(cases)} array cases")


# ---- scalars ----
def splitmix64(state):
    while True:
        state = (state + 0x9E3779B97F4A7C15) & M64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        yield z ^ (z >> 31)


def bits_f64(r, flavour):
    if flavour == "raw":
        return r
    # exponent in about 2^-27 .. 2^67 (1e-8 .. 1e20)
    e = 1023 - 27 + ((r >> 52) & 0x7FF) % 94
    return (r & 0x800FFFFFFFFFFFFF) | (e << 52)


def bits_f32(r, flavour):
    r >>= 32
    if flavour == "raw":
        return r
    e = 127 - 27 + ((r >> 23) & 0xFF) % 94
    return (r & 0x807FFFFF) | (e << 23)


def f64_of(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def f32_of(b):
    return np.frombuffer(struct.pack("<I", b), dtype=np.float32)[0]


def show_f64(b):
    return repr(f64_of(b))


def show_f32(b):
    return str(f32_of(b))


def fnv1a(strings):
    h = 0xCBF29CE484222325
    for s in strings:
        for byte in (s + "\n").encode():
            h = ((h ^ byte) * 0x100000001B3) & M64
    return h


def write_scalars():
    lines = []
    f64_hand = [0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1.5, 3.0, 100.0, 1e15, 9999999999999998.0,
                1e16, 1e17, 1.2345e16, 1e-4, 0.00010000000000000002, 9.999999999999999e-05,
                1e-5, 1.5e-5, 1e22, 1e23, 1e-7, 2.5e300, -2.5e300, 5e-324, 2.2250738585072014e-308,
                1.7976931348623157e308, nan, inf, -inf, 0.30000000000000004, 123456789.123,
                2.0 ** 53, 2.0 ** 53 + 2, 2.0 ** 63, 1 / 3, 2 ** 0.5, 4.35, 0.001, 1e100]
    f32_hand = [0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1.5, 3.0, 1e-4, 1.0001e-4, 2e-4, 999999.0,
                999999.94, 1e6, 1e7, 9999999.0, 10000001.0, 16777216.0, 123456.79,
                3.4028234663852886e38, 1.401298464324817e-45, 1.1754943508222875e-38, 1e-5,
                nan, inf, -inf, 2.0 ** -20, 2.0 ** 60, 1 / 3, 0.2, 1e20, 65504.0]
    rows = []
    for x in f64_hand:
        b = struct.unpack("<Q", struct.pack("<d", x))[0]
        rows.append(("d", b))
    for x in f32_hand:
        b = struct.unpack("<I", struct.pack("<f", np.float32(x)))[0]
        rows.append(("f", b))
    # random explicit rows (readable failures); digests cover many more below
    gen = splitmix64(7)
    for i in range(1200):
        r = next(gen)
        rows.append(("d", bits_f64(r, "raw" if i % 2 else "mid")))
        rows.append(("f", bits_f32(r, "raw" if i % 2 else "mid")))
    for kind, b in rows:
        if kind == "d":
            lines.append(f"d {b:016x} {show_f64(b)}")
        else:
            lines.append(f"f {b:08x} {show_f32(b)}")
    for kind in ("d", "f"):
        for flavour in ("raw", "mid"):
            for seed in range(1, 11):
                gen = splitmix64(seed * 1000 + (kind == "f") * 7 + (flavour == "mid") * 3)
                seed_val = seed * 1000 + (kind == "f") * 7 + (flavour == "mid") * 3
                outs = []
                for _ in range(1000):
                    r = next(gen)
                    if kind == "d":
                        outs.append(show_f64(bits_f64(r, flavour)))
                    else:
                        outs.append(show_f32(bits_f32(r, flavour)))
                lines.append(f"h {kind} {flavour} {seed_val} 1000 {fnv1a(outs):016x}")
    with open(os.path.join(DATA, "format_scalars.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{len(lines)} scalar lines")


if __name__ == "__main__":
    write_cases()
    write_scalars()
