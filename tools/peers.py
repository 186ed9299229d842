#!/usr/bin/env python3
"""The workloads of examples/workloads/ under kernelc's peers: NumPy, numexpr and Numba,
at the sizes and thread counts of the criterion benches (crates/kernelc-bench), with the
results written as JSON beside kernelc's for the report (tools/perf_report.sh).

    python3 tools/peers.py [--sizes 1000,10000,...] [--threads 1,2] [--out FILE]
                           [--groups expr1,waves] [--max-call 0.5] [--budget 0.3]

Install the peers with `pip install numpy numexpr numba` (a virtual environment:
`python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy numexpr numba`, then run
this script with /tmp/venv/bin/python). A peer that is not importable is listed under
"missing" in the JSON (the report says so); without NumPy nothing is measured.

Each workload is written as a user of that peer writes it: NumPy array expressions,
`numexpr.evaluate` of the same expression string, and Numba `@njit(parallel=True)`
functions (loops as in the .k files, `prange` where the .k file has it; expressions as
array expressions). Thread counts: `numexpr.set_num_threads`, `numba.set_num_threads`;
NumPy's element-wise operations use one thread, so NumPy is measured at 1 thread only.

Every result is checked against NumPy's (Monte Carlo pi: within ten standard errors of
pi) before its time counts; a mismatch is recorded instead of a time. Each cell: one
warm-up call (Numba compiles there), then calls until --budget seconds are spent (at
least 3, at most 100); the median is reported. A cell whose single call takes more than
--max-call seconds, or is predicted to from the previous size, is skipped (recorded).
"""

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import time
import warnings

SIZES = [1_000, 10_000, 100_000, 1_000_000, 10_000_000]
WORKLOADS = [
    "expr1", "expr2", "expr2_into", "hottest", "waves", "growth", "sum_squares",
    "parallel_sum", "simple_dists", "loop_dists", "loop_pi", "array_pi", "mandelbrot",
]

try:
    import numpy as np
except ImportError:
    np = None
try:
    import numexpr as ne
except ImportError:
    ne = None
try:
    import numba
    from numba import njit, prange
except ImportError:
    numba = None


def uniform(n, lo, hi, seed):
    return np.random.default_rng(seed).uniform(lo, hi, n)


def dist_shape(n):
    cols = max(1, min(n, 1000))
    return max(n // cols, 1), cols


def mandel_shape(n):
    h = max(int(math.isqrt(n)), 1)
    return h, max(n // h, 1)


def inputs(name, n):
    """The arguments of a workload at n elements (same shapes and ranges as the benches)."""
    if name == "expr1":
        return [uniform(n, 0, 1, 10), uniform(n, 0, 1, 11), uniform(n, 0, 1, 12)]
    if name in ("expr2", "expr2_into"):
        a, b = uniform(n, -1, 1, 10), uniform(n, -1, 1, 11)
        return [a, b, np.empty(n)] if name == "expr2_into" else [a, b]
    if name == "hottest":
        return [uniform(n, -40, 50, 13)]
    if name == "waves":
        return [uniform(n, 0, 10, 14), uniform(n, 0, 10, 15)]
    if name == "growth":
        return [uniform(n, 0, 10, 14)]
    if name in ("sum_squares", "parallel_sum"):
        return [uniform(n, -1, 1, 3)]
    if name in ("simple_dists", "loop_dists"):
        m, c = dist_shape(n)
        ps, qs = uniform(m * c, 0, 1, 1).reshape(m, c), uniform(m * c, 0, 1, 2).reshape(m, c)
        return [ps, qs, np.empty(m)] if name == "loop_dists" else [ps, qs]
    if name in ("loop_pi", "array_pi"):
        return [n]
    if name == "mandelbrot":
        h, w = mandel_shape(n)
        return [h, w, 100]
    raise ValueError(name)


# -- NumPy and numexpr: array expressions -------------------------------------------------

def numpy_fn(name):
    if name == "expr1":
        return lambda x, y, z: x + (y**2 + (z * x + 1) * 3)
    if name == "expr2":
        return lambda a, b: 2 * a + 3 * b**2
    if name == "expr2_into":
        def f(a, b, out):
            out[:] = 2 * a + 3 * b**2
            return out
        return f
    if name == "hottest":
        return lambda c: np.max(c * 9 / 5 + 32)
    if name == "waves":
        return lambda x, y: np.sin(x)**2 + np.cos(y)**2
    if name == "growth":
        return lambda x: np.exp(-x) * np.log1p(x)
    if name in ("sum_squares", "parallel_sum"):
        return lambda a: np.sum(a**2)
    if name == "simple_dists":
        return lambda ps, qs: np.sum((ps - qs)**2, axis=1)**0.5
    if name == "loop_dists":
        def f(ps, qs, out):
            out[:] = np.sqrt(np.sum((ps - qs)**2, axis=1))
            return out
        return f
    if name in ("loop_pi", "array_pi"):
        rng = np.random.default_rng(42)
        def f(n):
            x, y = rng.random(n), rng.random(n)
            return np.sum(x * x + y * y < 1.0) / n * 4
        return f
    return None  # mandelbrot: a Python loop per pixel, not NumPy


def numexpr_fn(name):
    ev = ne.evaluate
    if name == "expr1":
        return lambda x, y, z: ev("x + (y**2 + (z*x + 1)*3)")
    if name == "expr2":
        return lambda a, b: ev("2*a + 3*b**2")
    if name == "expr2_into":
        return lambda a, b, out: ev("2*a + 3*b**2", out=out)
    if name == "hottest":
        # numexpr has no max reduction: the expression in numexpr, the max in NumPy.
        return lambda c: np.max(ev("c * 9 / 5 + 32"))
    if name == "waves":
        return lambda x, y: ev("sin(x)**2 + cos(y)**2")
    if name == "growth":
        return lambda x: ev("exp(-x) * log1p(x)")
    if name in ("sum_squares", "parallel_sum"):
        return lambda a: ev("sum(a**2)")
    if name == "simple_dists":
        return lambda ps, qs: np.sqrt(ev("sum((ps - qs)**2, axis=1)"))
    return None  # loops, random numbers: not numexpr


# -- Numba: the .k kernels as a Numba user writes them ------------------------------------

def numba_fns():
    opts = dict(parallel=True, cache=False)

    @njit(**opts)
    def expr1(x, y, z):
        return x + (y**2 + (z * x + 1) * 3)

    @njit(**opts)
    def expr2(a, b):
        return 2 * a + 3 * b**2

    @njit(**opts)
    def expr2_into(a, b, out):
        out[:] = 2 * a + 3 * b**2
        return out

    @njit(**opts)
    def hottest(c):
        return np.max(c * 9 / 5 + 32)

    @njit(**opts)
    def waves(x, y):
        return np.sin(x)**2 + np.cos(y)**2

    @njit(**opts)
    def growth(x):
        return np.exp(-x) * np.log1p(x)

    @njit(**opts)
    def sum_squares(arr):
        total = 0.0
        for i in range(len(arr)):
            total += arr[i] ** 2
        return total

    @njit(**opts)
    def parallel_sum(arr):
        total = 0.0
        for i in prange(len(arr)):
            total += arr[i] ** 2
        return total

    @njit(**opts)
    def simple_dists(ps, qs):
        return np.sqrt(np.sum((ps - qs)**2, axis=1))

    @njit
    def naive_dist(p, q):
        s = 0.0
        for i in range(len(p)):
            s += (p[i] - q[i]) ** 2
        return s ** 0.5

    @njit(**opts)
    def loop_dists(ps, qs, out):
        for i in prange(ps.shape[0]):
            out[i] = naive_dist(ps[i, :], qs[i, :])
        return out

    @njit(**opts)
    def loop_pi(n):
        inside = 0
        for i in prange(n):
            x = np.random.random()
            y = np.random.random()
            if x * x + y * y < 1.0:
                inside += 1
        return inside / n * 4

    @njit(**opts)
    def array_pi(n):
        xs = np.random.random(n)
        ys = np.random.random(n)
        return np.sum(xs**2 + ys**2 < 1.0) / n * 4

    @njit
    def escape(cr, ci, max_iter):
        zr = 0.0
        zi = 0.0
        for k in range(max_iter):
            zr2 = zr * zr
            zi2 = zi * zi
            if zr2 + zi2 > 4.0:
                return k
            zi = 2.0 * zr * zi + ci
            zr = zr2 - zi2 + cr
        return max_iter

    @njit(**opts)
    def mandelbrot(height, width, max_iter):
        img = np.zeros((height, width), np.int64)
        for y in prange(height):
            ci = -1.0 + 2.0 * y / height
            for x in range(width):
                cr = -2.0 + 3.0 * x / width
                img[y, x] = escape(cr, ci, max_iter)
        return img

    return dict(expr1=expr1, expr2=expr2, expr2_into=expr2_into, hottest=hottest,
                waves=waves, growth=growth, sum_squares=sum_squares,
                parallel_sum=parallel_sum, simple_dists=simple_dists, loop_dists=loop_dists,
                loop_pi=loop_pi, array_pi=array_pi, mandelbrot=mandelbrot)


def mandel_reference(h, w, max_iter):
    """NumPy's escape-time image (vectorised over pixels), to check Numba's."""
    np.seterr(all="ignore")  # escaped points overflow to inf/nan: they are masked out
    ci = (-1.0 + 2.0 * np.arange(h) / h)[:, None]
    cr = (-2.0 + 3.0 * np.arange(w) / w)[None, :]
    zr = np.zeros((h, w))
    zi = np.zeros((h, w))
    img = np.full((h, w), max_iter, np.int64)
    alive = np.ones((h, w), bool)
    for k in range(max_iter):
        zr2, zi2 = zr * zr, zi * zi
        out = alive & (zr2 + zi2 > 4.0)
        img[out] = k
        alive &= ~out
        zi, zr = 2.0 * zr * zi + ci, zr2 - zi2 + cr
    return img


def checksum(r):
    return float(np.sum(r)) if isinstance(r, np.ndarray) else float(r)


def agrees(name, n, got, want):
    g = checksum(got)
    if name in ("loop_pi", "array_pi"):
        return abs(g - math.pi) <= 17.0 / math.sqrt(n)
    return abs(g - want) <= 1e-9 * max(abs(want), 1.0)


def median(v):
    v = sorted(v)
    k = len(v)
    return v[k // 2] if k % 2 else (v[k // 2 - 1] + v[k // 2]) / 2


def measure(fn, args, budget):
    """Median seconds per call after a warm-up call, and the warm-up call's result."""
    t = time.perf_counter()
    result = fn(*args)
    first = time.perf_counter() - t
    times = []
    start = time.perf_counter()
    while len(times) < 3 or (time.perf_counter() - start < budget and len(times) < 100):
        t = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t)
    return median(times), len(times), first, result


def machine():
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True,
                                text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return {"cpu": cpu, "threads": os.cpu_count(), "load": " ".join(open("/proc/loadavg").read().split()[:3])
            if os.path.exists("/proc/loadavg") else "unknown",
            "commit": commit, "date": time.strftime("%Y-%m-%d %H:%M", time.gmtime())}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)))
    ap.add_argument("--threads", default=None, help="thread counts (default: 1 and all)")
    ap.add_argument("--groups", default=None, help="workloads (default: all)")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "target", "perf", "peers.json"))
    ap.add_argument("--max-call", type=float, default=0.5)
    ap.add_argument("--budget", type=float, default=0.3)
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    allt = os.cpu_count() or 1
    threads = sorted({int(t) for t in a.threads.split(",")}) if a.threads else sorted({1, allt})
    groups = a.groups.split(",") if a.groups else WORKLOADS

    versions = {"numpy": np and np.__version__, "numexpr": ne and ne.__version__,
                "numba": numba and numba.__version__}
    missing = [k for k, v in versions.items() if v is None]
    report = {"tool": "tools/peers.py", "python": platform.python_version(), "machine": machine(),
              "peers": versions, "missing": missing, "threads": threads, "sizes": sizes,
              "results": [], "skipped": [], "mismatches": []}
    if np is None:
        print("NumPy is not importable: nothing measured (pip install numpy numexpr numba)",
              file=sys.stderr)
    else:
        if numba is not None:
            warnings.filterwarnings("ignore", module="numba")
            nb = numba_fns()
        for name in groups:
            last = {}
            for n in sizes:
                args = inputs(name, n)
                npf = numpy_fn(name)
                want = None
                if npf is not None:
                    want = checksum(npf(*args))
                elif name == "mandelbrot":
                    want = checksum(mandel_reference(*args)) if n <= 100_000 else None
                cells = [("numpy", 1, npf)]
                if ne is not None:
                    cells += [("numexpr", t, numexpr_fn(name)) for t in threads]
                if numba is not None:
                    cells += [("numba", t, nb[name]) for t in threads]
                for peer, t, fn in cells:
                    if fn is None:
                        continue
                    key = (peer, t)
                    if key in last and last[key][1] * n / last[key][0] > a.max_call:
                        est = last[key][1] * n / last[key][0]
                        report["skipped"].append({"workload": name, "peer": peer, "threads": t, "size": n,
                                                  "reason": f"about {est:.2f} s per call (limit {a.max_call} s)"})
                        continue
                    if peer == "numexpr":
                        ne.set_num_threads(t)
                    if peer == "numba":
                        numba.set_num_threads(t)
                    fresh = [x.copy() if isinstance(x, np.ndarray) else x for x in args]
                    if peer == "numba":
                        fn(*fresh)  # compile outside the timed first call
                    med, runs, first, result = measure(fn, fresh, a.budget)
                    last[key] = (n, first)
                    if want is not None and not agrees(name, n, result, want):
                        report["mismatches"].append({"workload": name, "peer": peer, "threads": t, "size": n,
                                                     "got": checksum(result), "want": want})
                        continue
                    report["results"].append({"workload": name, "peer": peer, "threads": t, "size": n,
                                              "median_s": med, "runs": runs})
                    print(f"{name:13} {peer:8} {t} threads {n:>9}: {med * 1e3:10.3f} ms", file=sys.stderr)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(report, f, indent=1)
    if missing:
        print(f"not importable: {', '.join(missing)} (pip install numpy numexpr numba)", file=sys.stderr)
    print(f"wrote {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
