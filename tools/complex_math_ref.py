#!/usr/bin/env python3
"""Writes NumPy's complex math results as a reference for
crates/kernelc-runtime/tests/complex_math_numpy.rs:

    tools/complex_math_ref.py crates/kernelc-runtime/tests/data/complex_math_numpy.txt 100 3 small
    tools/complex_math_ref.py /tmp/big.txt 3000 11      # the measurement in docs/math-accuracy.md

Each line: `function dtype re im -> re im` with the parts as hex bit patterns (f64 for
complex128, f32 for complex64). Points: every pair of special parts (±0, ±1, ±2, ±inf,
nan, tiny, huge, subnormal, points on the branch cuts), then random parts of moderate and
extreme magnitudes, near the unit circle and near the branch points ±1, ±i.
"""
import random
import struct
import sys
import warnings

import numpy as np

FUNCS = ("sqrt exp expm1 log log1p log2 log10 sin cos tan sinh cosh tanh arcsin arccos "
         "arctan arcsinh arccosh arctanh reciprocal").split()

SPECIAL = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 1e-300, -1e-300, 1e300, -1e300,
           5e-324, 1.5, -3.0, 710.0, -710.0, 400.0, 20.0, float("inf"), float("-inf"),
           float("nan")]
SPECIAL32 = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 1e-30, -1e-30, 1e30, -1e30,
             1e-45, 1.5, -3.0, 89.0, -89.0, 50.0, 20.0, float("inf"), float("-inf"),
             float("nan")]


def hx(v, is32):
    if is32:
        return struct.pack(">f", v).hex()
    return struct.pack(">d", v).hex()


SMALL = [0, 1, 2, 3, 4, 5, 6, 7, 11, 12, 15, 19, 20, 21]  # indices of the small grid


def points(rng, n, is32, small):
    sp = SPECIAL32 if is32 else SPECIAL
    if small:
        sp = [sp[i] for i in SMALL]
    pts = [(a, b) for a in sp for b in sp]
    top = 30 if is32 else 300
    for _ in range(n):
        k = rng.randrange(6)
        if k == 0:
            pts.append((rng.uniform(-4, 4), rng.uniform(-4, 4)))
        elif k == 1:
            pts.append((rng.choice([-1, 1]) * 10 ** rng.uniform(-top, top),
                        rng.choice([-1, 1]) * 10 ** rng.uniform(-top, top)))
        elif k == 2:  # near the unit circle
            t = rng.uniform(-3.2, 3.2)
            r = 1 + rng.choice([-1, 1]) * 10 ** rng.uniform(-15 if not is32 else -7, -1)
            pts.append((r * np.cos(t), r * np.sin(t)))
        elif k == 3:  # near the branch points
            c = rng.choice([(1, 0), (-1, 0), (0, 1), (0, -1)])
            pts.append((c[0] + rng.uniform(-1e-3, 1e-3), c[1] + rng.uniform(-1e-3, 1e-3)))
        elif k == 4:  # real axis / imaginary axis with signed zeros
            v = rng.uniform(-5, 5)
            pts.append(rng.choice([(v, 0.0), (v, -0.0), (0.0, v), (-0.0, v)]))
        else:
            pts.append((rng.uniform(-30, 30), rng.uniform(-800 if not is32 else -100,
                                                           800 if not is32 else 100)))
    return pts


def main(out, n=400, seed=3, small=False):
    rng = random.Random(seed)
    lines = []
    warnings.simplefilter("ignore")
    for is32 in (False, True):
        dt = np.complex64 if is32 else np.complex128
        ft = np.float32 if is32 else np.float64
        pts = points(rng, n, is32, small)
        zs = np.array([complex(ft(a), ft(b)) for a, b in pts], dtype=dt)
        for f in FUNCS:
            with np.errstate(all="ignore"):
                rs = getattr(np, f)(zs)
            for z, r in zip(zs, rs):
                lines.append(f"{f} {'c64' if is32 else 'c128'} {hx(z.real, is32)} {hx(z.imag, is32)} "
                             f"{hx(r.real, is32)} {hx(r.imag, is32)}")
        # power(z, w): w from the same points shifted (complex, real, half-integer and
        # integer exponents: npy_cpow's special cases, repeated squaring, glibc's cpow).
        ws = np.roll(zs, 7)
        ws[::5] = ws[::5].real
        ws[1::5] = np.array([0.5, -1.5, 2.0, -3.0, 0.25] * (len(ws[1::5]) // 5 + 1))[:len(ws[1::5])]
        with np.errstate(all="ignore"):
            rs = np.power(zs, ws)
        for z, w, r in zip(zs, ws, rs):
            lines.append(f"power {'c64' if is32 else 'c128'} {hx(z.real, is32)} {hx(z.imag, is32)} "
                         f"{hx(w.real, is32)} {hx(w.imag, is32)} {hx(r.real, is32)} {hx(r.imag, is32)}")
    with open(out, "w") as fh:
        fh.write(f"# NumPy {np.__version__}: function dtype re im result_re result_im (hex bits)\n")
        fh.write("\n".join(lines) + "\n")
    print(f"wrote {len(lines)} lines to {out}", file=sys.stderr)


if __name__ == "__main__":
    args = sys.argv[1:]
    small = "small" in args
    args = [a for a in args if a != "small"]
    main(args[0], *(int(a) for a in args[1:]), small=small)
