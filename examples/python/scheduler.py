"""The Dask scheduler the examples run on: `threads` (one process, kernels release the GIL),
`processes`, `distributed` (a `LocalCluster` of worker processes; jitted functions reach
the workers pickled as their kernel source and compile once per worker process), or
`current` (the caller's, e.g. a `dask.distributed.Client` it created)."""

import contextlib

import dask


@contextlib.contextmanager
def scheduler(name="threads", workers=2):
    """Runs the enclosed `dask.compute` calls on the named scheduler."""
    if name == "distributed":
        from dask.distributed import Client, LocalCluster

        with LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        ) as cluster, Client(cluster) as client:
            yield client
    elif name == "current":  # whatever is active (e.g. a Client the caller created)
        yield None
    elif name in ("threads", "processes", "synchronous"):
        with dask.config.set(scheduler=name, num_workers=workers):
            yield None
    else:
        raise ValueError(f"unknown scheduler {name!r}")


def arguments(description, **defaults):
    """Command-line options shared by the examples (sizes, scheduler, workers)."""
    import argparse

    p = argparse.ArgumentParser(description=description)
    for key, value in defaults.items():
        p.add_argument("--" + key.replace("_", "-"), type=type(value), default=value)
    p.add_argument("--scheduler", default="threads",
                   choices=["threads", "processes", "synchronous", "distributed"])
    p.add_argument("--workers", type=int, default=2)
    return p.parse_args()
