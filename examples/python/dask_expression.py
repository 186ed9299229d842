"""A numexpr-style expression over a Dask array too big for one NumPy array:
`2*a + 3*b**2` on two (20000, 20000) random arrays in (2000, 2000) blocks (3.2 GB each),
evaluated block by block with `kernelc.evaluate` inside `map_blocks`, and its mean compared
with Dask's own NumPy evaluation.

    python examples/python/dask_expression.py [--n 20000] [--chunk 2000]
        [--scheduler threads|distributed] [--workers 2]
"""

import time

import dask
import dask.array as da
import numpy as np

import kernelc


def expression_block(a, b):
    """One block: the names `a` and `b` are found in this frame, as numexpr does."""
    return kernelc.evaluate("2*a + 3*b**2")


def run(n=20000, chunk=2000, scheduler="threads", workers=2):
    """(kernelc's mean, Dask/NumPy's mean, seconds)."""
    from scheduler import scheduler as use

    rs = da.random.RandomState(42)
    a = rs.random_sample((n, n), chunks=(chunk, chunk))
    b = rs.random_sample((n, n), chunks=(chunk, chunk))
    r = da.map_blocks(expression_block, a, b, dtype=np.float64)
    with use(scheduler, workers):
        t = time.perf_counter()
        got, want = dask.compute(r.mean(), (2 * a + 3 * b**2).mean())
        return float(got), float(want), time.perf_counter() - t


if __name__ == "__main__":
    from scheduler import arguments

    args = arguments(__doc__.split("\n")[0], n=20000, chunk=2000)
    got, want, secs = run(args.n, args.chunk, args.scheduler, args.workers)
    print(f"mean(2*a + 3*b**2): kernelc {got!r}, numpy {want!r} ({secs:.2f} s)")
