"""An out-of-core reduction: a `.npy` file larger than the memory given to its chunks is
memory-mapped (`np.load(path, mmap_mode="r")`), wrapped by `da.from_array`, and reduced
with `da.reduction`, whose per-chunk step is a jitted prange kernel (sum of squares of a
block, read in place from the map) and whose combine step is `kernelc.evaluate`.

    python examples/python/dask_memmap_reduction.py [--path data.npy] [--rows 6250000]
        [--cols 16] [--chunk-rows 250000] [--scheduler threads|distributed] [--workers 2]

The default file is 800 MB, read in 32 MB chunks. It is written once (block by block, so
writing needs no more memory than a chunk) and reused.
"""

import os
import tempfile
import time

import dask
import dask.array as da
import numpy as np

import kernelc
from kernelc import prange


@kernelc.jit(parallel=True)
def sum_squares_2d(block):
    total = 0.0
    for i in prange(block.shape[0]):
        for j in range(block.shape[1]):
            total += block[i, j] * block[i, j]
    return total


def chunk_step(block, axis, keepdims):
    """`da.reduction`'s chunk function: one partial sum per block, as a (1, 1) array."""
    return np.full((1, 1), sum_squares_2d(block))


def aggregate_step(partials, axis, keepdims):
    return kernelc.evaluate("sum(partials)")


class MemoryMappedNpy:
    """A `.npy` file as an array-like for `da.from_array`: each chunk is read through
    `np.load(path, mmap_mode="r")` where it runs (it pickles as its path, so worker
    processes map the file themselves instead of receiving its data)."""

    def __init__(self, path):
        self.path = path
        m = np.load(path, mmap_mode="r")
        self.shape, self.dtype, self.ndim = m.shape, m.dtype, m.ndim

    def __getitem__(self, key):
        return np.load(self.path, mmap_mode="r")[key]


def make_file(path, rows, cols, chunk_rows):
    """Writes a (rows, cols) float64 `.npy` of seeded random numbers, block by block."""
    if os.path.exists(path):
        m = np.load(path, mmap_mode="r")
        if m.shape == (rows, cols) and m.dtype == np.float64:
            return
    m = np.lib.format.open_memmap(path, mode="w+", dtype=np.float64, shape=(rows, cols))
    rng = np.random.default_rng(2024)
    for lo in range(0, rows, chunk_rows):
        hi = min(rows, lo + chunk_rows)
        m[lo:hi] = rng.random((hi - lo, cols))
    m.flush()
    del m


def run(path=None, rows=6_250_000, cols=16, chunk_rows=250_000, scheduler="threads", workers=2):
    """(kernelc's sum of squares, NumPy's, seconds)."""
    from scheduler import scheduler as use

    path = path or os.path.join(tempfile.gettempdir(), f"kernelc-memmap-{rows}x{cols}.npy")
    make_file(path, rows, cols, chunk_rows)
    x = da.from_array(MemoryMappedNpy(path), chunks=(chunk_rows, cols),
                      meta=np.empty((0, 0), np.float64))
    total = da.reduction(x, chunk=chunk_step, aggregate=aggregate_step,
                         combine=lambda p, axis, keepdims: np.full((1, 1), aggregate_step(p, axis, keepdims)),
                         dtype=np.float64, concatenate=True)
    with use(scheduler, workers):
        t = time.perf_counter()
        got = float(total.compute())
        secs = time.perf_counter() - t
    # The same sum by NumPy, also streaming over the map chunk by chunk.
    mm = np.load(path, mmap_mode="r")
    want = sum(float(np.sum(mm[lo:lo + chunk_rows] ** 2)) for lo in range(0, rows, chunk_rows))
    return got, want, secs


if __name__ == "__main__":
    from scheduler import arguments

    args = arguments(__doc__.split("\n")[0], path="", rows=6_250_000, cols=16,
                     chunk_rows=250_000)
    got, want, secs = run(args.path or None, args.rows, args.cols, args.chunk_rows,
                          args.scheduler, args.workers)
    print(f"sum of squares: kernelc {got!r}, numpy {want!r} ({secs:.2f} s)")
