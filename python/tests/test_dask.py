"""The Dask examples (examples/python/) at small sizes: threaded scheduler, and a
LocalCluster of two worker processes (jitted functions travel as kernel source and are
compiled once per worker process)."""

import faulthandler
import os
import pathlib
import sys

import numpy as np
import pytest

pytest.importorskip("dask.array")

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples" / "python"
if not EXAMPLES.is_dir():
    pytest.skip("examples/python is not next to the tests", allow_module_level=True)
sys.path.insert(0, str(EXAMPLES))

import dask_expression  # noqa: E402
import dask_memmap_reduction  # noqa: E402
import dask_prange  # noqa: E402


def test_expression_threads():
    got, want, _ = dask_expression.run(n=1200, chunk=400, scheduler="threads")
    assert got == pytest.approx(want, rel=1e-12)


def test_prange_threads():
    err, first, _ = dask_prange.run(n=1200, chunk=400, scheduler="threads")
    assert err < 1e-12 and first > 0


def test_blockwise_with_jit_and_evaluate():
    import dask.array as da

    x = da.random.RandomState(3).random_sample((600, 600), chunks=(200, 300))
    y = x.T + 1
    sums = da.blockwise(dask_prange.row_sum_squares, "ij", x, "ij", dtype=np.float64,
                        adjust_chunks={"j": 1})
    both = da.blockwise(dask_expression.expression_block, "ij", x, "ij", y, "ij",
                        dtype=np.float64)
    got_sums, got_both = da.compute(sums.sum(axis=1), both, scheduler="threads")
    xs, ys = x.compute(), y.compute()
    np.testing.assert_allclose(got_sums, (xs**2).sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(got_both, 2 * xs + 3 * ys**2, rtol=1e-14)


def test_memmap_reduction_threads(tmp_path):
    path = str(tmp_path / "data.npy")
    got, want, _ = dask_memmap_reduction.run(path, rows=50_000, cols=8, chunk_rows=5_000,
                                             scheduler="threads")
    assert got == pytest.approx(want, rel=1e-12)
    # The chunks were read in place from the map: the file is not loaded into memory.
    assert isinstance(dask_memmap_reduction.MemoryMappedNpy(path)[0:10], np.memmap)


def test_examples_on_a_local_cluster_of_processes(tmp_path, monkeypatch):
    distributed = pytest.importorskip("dask.distributed")
    # Worker processes import the example modules (tasks refer to their functions).
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join([str(EXAMPLES), os.environ.get("PYTHONPATH", "")])
    )
    # Bounded in time: a hung cluster ends the test run with a traceback.
    faulthandler.dump_traceback_later(300, exit=True)
    try:
        with distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster, distributed.Client(cluster) as client:
            got, want, _ = dask_expression.run(n=1200, chunk=400, scheduler="current")
            assert got == pytest.approx(want, rel=1e-12)
            err, _, _ = dask_prange.run(n=1200, chunk=400, scheduler="current")
            assert err < 1e-12
            got, want, _ = dask_memmap_reduction.run(
                str(tmp_path / "data.npy"), rows=50_000, cols=8, chunk_rows=5_000,
                scheduler="current",
            )
            assert got == pytest.approx(want, rel=1e-12)
            # Each worker process parsed each jitted source once, however many tasks used it.
            counts = client.run(lambda: len(__import__("kernelc")._jit._REBUILT))
            assert len(counts) == 2
            assert all(1 <= c <= 2 for c in counts.values()), counts
    finally:
        faulthandler.cancel_dump_traceback_later()
