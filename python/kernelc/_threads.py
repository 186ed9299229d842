"""The number of threads kernelc's parallel loops may use (`set_num_threads`), as
`numba.set_num_threads` and `numexpr.set_num_threads` set theirs.

The value is kept here and exported to the native runtime through `KERNELC_NUM_THREADS`,
which it reads when its thread pool starts. Results never depend on it: prange chunks and
reductions are a fixed function of the range.
"""

import os

_num_threads = None


def _default():
    env = os.environ.get("KERNELC_NUM_THREADS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return os.cpu_count() or 1


def set_num_threads(n):
    """Sets the number of threads for parallel loops (1 to the number of CPUs); returns
    the previous setting."""
    global _num_threads
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"the number of threads must be a positive integer, not {n!r}")
    previous = get_num_threads()
    _num_threads = n
    os.environ["KERNELC_NUM_THREADS"] = str(n)
    return previous


def get_num_threads():
    """The number of threads parallel loops may use."""
    return _num_threads if _num_threads is not None else _default()
