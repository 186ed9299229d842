"""kernelc for Python: numexpr's `evaluate` and Numba's `@jit`, compiled by kernelc.

```python
import numpy as np
import kernelc
from kernelc import prange

a, b = np.random.random(10_000_000), np.random.random(10_000_000)
r = kernelc.evaluate("2*a + 3*b**2")          # names from the caller's frame

@kernelc.jit(parallel=True)
def sum_squares(arr):
    total = 0.0
    for i in prange(len(arr)):
        total += arr[i] ** 2
    return total

sum_squares(a)                                 # compiled on first call, then cached
```

Kernels are written in kernelc's language (a typed subset of Python: see docs/language.md
in the repository). NumPy arrays are passed without copying (a kernel that writes into an
argument changes the caller's array), results are NumPy arrays that own the kernel's
memory, and the GIL is released while native code runs.
"""

from ._native import CompileError, KernelError
from ._evaluate import evaluate, re_evaluate, ExpressionCompileError, ExpressionRuntimeError
from ._jit import Dispatcher, jit, njit, prange
from ._vectorize import vectorize
from ._threads import get_num_threads, set_num_threads

__all__ = [
    "CompileError",
    "Dispatcher",
    "ExpressionCompileError",
    "ExpressionRuntimeError",
    "KernelError",
    "evaluate",
    "get_num_threads",
    "jit",
    "njit",
    "prange",
    "re_evaluate",
    "set_num_threads",
    "vectorize",
]
__version__ = "0.1.0"
