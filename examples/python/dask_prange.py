"""A Numba-style prange kernel inside Dask: the Euclidean norm of each row of a
(20000, 20000) random array in (2000, 2000) blocks. Each block's row sums of squares come
from a jitted kernel with a parallel loop over rows (`map_blocks`); Dask adds the column
blocks. Compared with NumPy's `sqrt((x**2).sum(axis=1))` on the same blocks.

    python examples/python/dask_prange.py [--n 20000] [--chunk 2000]
        [--scheduler threads|distributed] [--workers 2]
"""

import time

import dask
import dask.array as da
import numpy as np

import kernelc
from kernelc import prange


@kernelc.jit(parallel=True)
def row_sum_squares(block):
    out = np.zeros((block.shape[0], 1))
    for i in prange(block.shape[0]):
        s = 0.0
        for j in range(block.shape[1]):
            s += block[i, j] ** 2
        out[i, 0] = s
    return out


def run(n=20000, chunk=2000, scheduler="threads", workers=2):
    """(max |kernelc - numpy| of the row norms, norm of row 0, seconds)."""
    from scheduler import scheduler as use

    x = da.random.RandomState(7).random_sample((n, n), chunks=(chunk, chunk))
    partial = x.map_blocks(row_sum_squares, chunks=(chunk, 1), dtype=np.float64)
    norms = da.sqrt(partial.sum(axis=1))
    expected = da.sqrt((x**2).sum(axis=1))
    with use(scheduler, workers):
        t = time.perf_counter()
        got, want = dask.compute(norms, expected)
        secs = time.perf_counter() - t
    return float(np.max(np.abs(got - want))), float(got[0]), secs


if __name__ == "__main__":
    from scheduler import arguments

    args = arguments(__doc__.split("\n")[0], n=20000, chunk=2000)
    err, first, secs = run(args.n, args.chunk, args.scheduler, args.workers)
    print(f"row norms: first {first!r}, max difference from numpy {err:.3g} ({secs:.2f} s)")
