"""The seed workloads (examples/workloads/*.k) under kernelc, numexpr and Numba in one
process, on the same arrays and the same thread count, with the ratios; then the Python
package's targets (issue 14): a cached call on 16 elements, `evaluate("2*a + 3*b**2")` on
10M elements, and the first call of a 4-line jitted loop (in fresh processes).

    python python/bench_peers.py [--threads 2] [--scale 1.0] [--repeat 5] [--json FILE]

Expressions run as `kernelc.evaluate` / `numexpr.evaluate` (same strings) and as a Numba
function returning the same expression; loop kernels as the same Python functions under
`kernelc.jit` and `numba.njit`. Missing peers are skipped.
Every result is checked against NumPy (or, for the random ones, against pi) before its time
counts. Times are the best of `--repeat` runs after a warm-up call (compilation excluded;
first calls are measured separately).

`--json FILE` writes {"threads", "scale", "workloads": [{"workload", "what", "kernelc",
"numexpr", "numba"} with times in seconds (None: the result differed from NumPy)],
"targets": {name: value, units in the name}} for the benchmark report.
"""

import argparse
import json
import os
import subprocess
import sys
import textwrap
import time
import types

import numpy as np

import kernelc

try:
    import numexpr as ne
except ImportError:
    ne = None
try:
    import numba
    from numba import prange
except ImportError:
    numba = None
    from kernelc import prange


# -- the loop kernels of the seed workloads, as a Numba user writes them -------------------


def sum_squares(arr):
    total = 0.0
    for i in range(len(arr)):
        total += arr[i] ** 2
    return total


def parallel_sum(arr):
    total = 0.0
    for i in prange(len(arr)):
        total += arr[i] ** 2
    return total


def naive_dist(p, q):
    square_distance = 0.0
    for i in range(len(p)):
        square_distance += (p[i] - q[i]) ** 2
    return square_distance ** 0.5


def loop_dists(ps, qs, out):
    for i in prange(ps.shape[0]):
        out[i] = naive_dist(ps[i, :], qs[i, :])


def loop_pi(n):
    inside = 0
    for i in prange(n):
        x = np.random.random()
        y = np.random.random()
        if x * x + y * y < 1.0:
            inside += 1
    return inside / n * 4


def expr2_into(a, b, out):
    out[:] = 2 * a + 3 * b ** 2


LOOPS = {
    "sum_squares": (sum_squares, False),
    "parallel_sum": (parallel_sum, True),
    "naive_dist": (naive_dist, False),
    "loop_dists": (loop_dists, True),
    "loop_pi": (loop_pi, True),
    "expr2_into": (expr2_into, False),
}


# numexpr's function names as NumPy's (for the Numba version of an expression).
NUMPY_NAMES = {"sin": np.sin, "cos": np.cos, "exp": np.exp, "log1p": np.log1p,
               "sqrt": np.sqrt, "max": np.max, "sum": np.sum}


def expression_function(ex, names):
    """`def f(names): return ex` with NumPy's functions, for Numba."""
    env = dict(NUMPY_NAMES)
    exec(f"def f({', '.join(names)}):\n    return {ex}\n", env)
    return env["f"]


def compilers():
    """name -> {function name: compiled function} for kernelc and (if present) Numba.
    Each compiler gets its own copy of the functions whose globals hold its jitted
    versions (loop_dists calls naive_dist by name)."""
    makers = {"kernelc": lambda f, par: kernelc.jit(parallel=par)(f)}
    if numba is not None:
        makers["numba"] = lambda f, par: numba.njit(parallel=par)(f)
    out = {}
    for peer, make in makers.items():
        env = dict(globals())
        jitted = {}
        for name, (f, par) in LOOPS.items():
            copy = types.FunctionType(f.__code__, env, name)
            jitted[name] = env[name] = make(copy, par)
        out[peer] = jitted
    return out


def best(f, repeat):
    f()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def workloads(scale, jits):
    """(name, kind, {peer: callable}, check) for each seed workload."""
    rng = np.random.default_rng(42)
    n1 = max(16, int(1_000_000 * scale))
    n10 = max(16, int(10_000_000 * scale))
    x1, y1, z1 = rng.random(n1), rng.random(n1), rng.random(n1)
    a, b = rng.normal(size=n10), rng.normal(size=n10)
    xt, yt = rng.random(n10) * 10.0, rng.random(n10) * 10.0
    celsius = rng.random(n1) * 90.0 - 40.0
    m = max(4, int(1000 * scale**0.5))
    ps = rng.random((m, 1000))
    qs = ps + 2
    out10 = np.empty(n10)
    outm = np.empty(m)
    k = jits["kernelc"]
    nb = jits.get("numba")

    def expression(name, ex, env, expected):
        peers = {"kernelc": lambda: kernelc.evaluate(ex, local_dict=env)}
        if ne is not None:
            peers["numexpr"] = lambda: ne.evaluate(ex, local_dict=env)
        if numba is not None:
            f = numba.njit(expression_function(ex, list(env)))
            vals = list(env.values())
            peers["numba"] = lambda: f(*vals)
        return (name, ex, peers, lambda r: np.allclose(r, expected, rtol=1e-12, atol=0))

    def loop(name, fname, args, expected, check=None):
        peers = {"kernelc": lambda: k[fname](*args)}
        if nb is not None:
            peers["numba"] = lambda: nb[fname](*args)
        chk = check or (lambda r: np.allclose(r, expected(), rtol=1e-9))
        return (name, f"{fname}() (jit)", peers, chk)

    env1 = {"x": x1, "y": y1, "z": z1}
    env2 = {"a": a, "b": b}
    envt = {"x": xt, "y": yt}
    return [
        expression("expr1", "x + (y**2 + (z*x + 1)*3)", env1, x1 + (y1**2 + (z1 * x1 + 1) * 3)),
        expression("expr2", "2*a + 3*b**2", env2, 2 * a + 3 * b**2),
        loop("expr2_into", "expr2_into", (a, b, out10),
             lambda: 2 * a + 3 * b**2, check=lambda r: np.allclose(out10, 2 * a + 3 * b**2)),
        expression("waves", "sin(x)**2 + cos(y)**2", envt, np.sin(xt) ** 2 + np.cos(yt) ** 2),
        expression("growth", "exp(-x) * log1p(x)", {"x": xt}, np.exp(-xt) * np.log1p(xt)),
        expression("c2f", "max(celsius * 9 / 5 + 32)", {"celsius": celsius},
                   np.max(celsius * 9 / 5 + 32)),
        expression("sum(a**2)", "sum(a**2)", {"a": a}, np.sum(a**2)),
        loop("sum_squares", "sum_squares", (a,), lambda: np.sum(a**2)),
        loop("parallel_sum", "parallel_sum", (a,), lambda: np.sum(a**2)),
        loop("dists", "loop_dists", (ps, qs, outm), None,
             check=lambda r: np.allclose(outm, np.sqrt(((ps - qs) ** 2).sum(axis=1)))),
        loop("pi", "loop_pi", (n10,), None, check=lambda r: abs(r - np.pi) < 0.05),
    ]


def run_workloads(args):
    """Times of each workload under each peer: the best of `--repeat` rounds, the peers
    taking turns within a round (so that a change of machine load hits them alike)."""
    jits = compilers()
    rows = []
    for name, what, peers, check in workloads(args.scale, jits):
        row = {"workload": name, "what": what}
        ok = {}
        for peer, f in peers.items():
            if check(f()):
                ok[peer] = f
                row[peer] = float("inf")
            else:
                row[peer] = None
                row[peer + "_error"] = "result differs from NumPy"
        for _ in range(args.repeat):
            for peer, f in ok.items():
                t = time.perf_counter()
                f()
                row[peer] = min(row[peer], time.perf_counter() - t)
        rows.append(row)
    return rows


# -- the targets of issue 14 ----------------------------------------------------------------

FIRST_CALL = textwrap.dedent(
    """
    import time, numpy as np
    a = np.random.random(1000)
    import {module}
    if {warm}:
        @{decorator}
        def warm_up(arr):
            return arr[0] + 1.0
        warm_up(a)
    t = time.perf_counter()
    @{decorator}
    def sum_squares(arr):
        total = 0.0
        for i in range(len(arr)):
            total += arr[i] ** 2
        return total
    sum_squares(a)
    print(time.perf_counter() - t)
    """
)


def first_call(module, decorator, warm=False, runs=5):
    """Best time of the first call of a 4-line loop (decoration to result) in fresh
    processes, the module already imported (source to result); with `warm`, after another
    function was compiled (the compiler's own start-up paid)."""
    src = FIRST_CALL.format(module=module, decorator=decorator, warm=warm)
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".first_call.py"), "w") as fh:
        fh.write(src)
        path = fh.name
    try:
        times = []
        for _ in range(runs):
            r = subprocess.run([sys.executable, path], capture_output=True, text=True, check=True)
            times.append(float(r.stdout.strip()))
        return min(times)
    finally:
        os.unlink(path)


def run_targets(args, jits):
    res = {}
    a16 = np.random.random(16)
    calls = 200_000

    def per_call(f):
        f()
        best_t = float("inf")
        for _ in range(5):
            t = time.perf_counter()
            for _ in range(calls):
                f()
            best_t = min(best_t, (time.perf_counter() - t) / calls)
        return best_t

    ks = jits["kernelc"]["sum_squares"]
    res["call16_kernelc_us"] = per_call(lambda: ks(a16)) * 1e6
    if numba is not None:
        nbs = jits["numba"]["sum_squares"]
        res["call16_numba_us"] = per_call(lambda: nbs(a16)) * 1e6
    if ne is not None:
        calls = 20_000
        res["call16_numexpr_us"] = per_call(lambda: ne.evaluate("sum(a16**2)", local_dict={"a16": a16})) * 1e6
    n = max(16, int(10_000_000 * args.scale))
    rng = np.random.default_rng(1)
    a, b = rng.random(n), rng.random(n)
    out = np.empty(n)
    env = {"a": a, "b": b}
    res["expr2_kernelc_ms"] = best(lambda: kernelc.evaluate("2*a + 3*b**2", local_dict=env), args.repeat) * 1e3
    res["expr2_out_kernelc_ms"] = best(
        lambda: kernelc.evaluate("2*a + 3*b**2", local_dict=env, out=out), args.repeat) * 1e3
    if ne is not None:
        res["expr2_numexpr_ms"] = best(lambda: ne.evaluate("2*a + 3*b**2", local_dict=env), args.repeat) * 1e3
        res["expr2_out_numexpr_ms"] = best(
            lambda: ne.evaluate("2*a + 3*b**2", local_dict=env, out=out), args.repeat) * 1e3
    for warm in (False, True):
        tag = "warm" if warm else "cold"
        res[f"first_call_{tag}_kernelc_ms"] = first_call("kernelc", "kernelc.jit", warm) * 1e3
        if numba is not None:
            res[f"first_call_{tag}_numba_ms"] = first_call("numba", "numba.njit", warm) * 1e3
    return res, jits


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--scale", type=float, default=1.0, help="array sizes relative to the workloads'")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--json", help="also write the numbers to this file")
    p.add_argument("--no-targets", action="store_true", help="only the workloads")
    p.add_argument("--only-targets", action="store_true", help="only the targets")
    args = p.parse_args(argv)

    kernelc.set_num_threads(args.threads)
    if ne is not None:
        ne.set_num_threads(args.threads)
    if numba is not None:
        numba.set_num_threads(min(args.threads, numba.config.NUMBA_NUM_THREADS))
    print(f"threads {args.threads}, scale {args.scale}, best of {args.repeat}; "
          f"numexpr {getattr(ne, '__version__', 'absent')}, numba {getattr(numba, '__version__', 'absent')}")

    rows = [] if args.only_targets else run_workloads(args)
    peers = ["kernelc", "numexpr", "numba"]
    if rows:
        print(f"\n{'workload':14} {'kernelc ms':>11} {'numexpr ms':>11} {'numba ms':>11} "
              f"{'numexpr/kernelc':>16} {'numba/kernelc':>14}")
    for row in rows:
        cells = []
        for peer in peers:
            v = row.get(peer)
            cells.append(f"{v * 1e3:11.3f}" if v else f"{'-' if peer not in row else 'wrong':>11}")
        ratios = []
        for peer in ("numexpr", "numba"):
            v, k = row.get(peer), row.get("kernelc")
            ratios.append(f"{v / k:.2f}x" if v and k else "-")
        print(f"{row['workload']:14} {' '.join(cells)} {ratios[0]:>16} {ratios[1]:>14}")

    result = {"threads": args.threads, "scale": args.scale, "workloads": rows}
    if not args.no_targets:
        targets, _ = run_targets(args, compilers())
        result["targets"] = targets
        print("\ntargets (issue 14):")
        for key, value in targets.items():
            print(f"  {key:24} {value:10.3f}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(result, fh, indent=1)
    return result


if __name__ == "__main__":
    main()
