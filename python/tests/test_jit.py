"""kernelc.jit: Numba-style programs give NumPy's results; zero-copy arguments and
results, globals, callees, signatures, errors with the .py file's lines, threads, pickling."""

import inspect
import pickle
import threading
import time

import numpy as np
import pytest

import kernelc
from kernelc import prange

SCALE = 2.5
COUNT = 3


@kernelc.jit
def sum_squares(arr):
    total = 0.0
    for i in range(len(arr)):
        total += arr[i] ** 2
    return total


@kernelc.njit(parallel=True, fastmath=True, cache=True, nogil=True)
def parallel_sum(arr):
    total = 0.0
    for i in prange(len(arr)):
        total += arr[i] ** 2
    return total


@kernelc.jit
def naive_dist(p, q):
    """Euclidean distance of two vectors (docstrings are allowed)."""
    square_distance = 0.0
    for i in range(len(p)):
        square_distance += (p[i] - q[i]) ** 2
    return square_distance ** 0.5


@kernelc.jit(nopython=True)
def loop_dists(ps, qs, out):
    for i in prange(ps.shape[0]):
        out[i] = naive_dist(ps[i, :], qs[i, :])


@kernelc.jit
def scaled(a):
    return a * SCALE + COUNT


@kernelc.jit("void(f8[:], f8[:])")
def double_into(a, out):
    for i in range(len(a)):
        out[i] = 2.0 * a[i]


@kernelc.jit
def fill_2d(m, v):
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            m[i, j] = v + i * 10 + j


@kernelc.jit
def expr2(a, b):
    return 2 * a + 3 * b ** 2


@kernelc.jit
def collatz_steps(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def test_numba_programs_give_numpy_results(rng):
    a = rng.random(1000)
    assert sum_squares(a) == pytest.approx(np.sum(a**2), rel=1e-13)
    assert parallel_sum(a) == pytest.approx(np.sum(a**2), rel=1e-13)
    ps, qs = rng.random((20, 7)), rng.random((20, 7))
    out = np.zeros(20)
    assert loop_dists(ps, qs, out) is None
    np.testing.assert_allclose(out, np.sqrt(((ps - qs) ** 2).sum(axis=1)), rtol=1e-14)
    b = rng.random(1000)
    np.testing.assert_array_equal(expr2(a, b), 2 * a + 3 * b**2)
    assert collatz_steps(27) == 111


def test_same_results_as_numba(rng):
    numba = pytest.importorskip("numba")
    a = rng.random(500)
    assert sum_squares(a) == numba.njit(sum_squares.py_func)(a)
    np.testing.assert_array_equal(expr2(a, a), numba.njit(expr2.py_func)(a, a))


def test_compiled_once_per_signature(rng):
    a = rng.random(10)
    assert sum_squares(a.astype(np.float32)) == pytest.approx(np.sum(a.astype(np.float32) ** 2), rel=1e-6)
    assert sum_squares(np.arange(4)) == 14.0
    assert sum_squares(a) == pytest.approx(np.sum(a**2))


def test_globals_are_captured_as_constants():
    np.testing.assert_array_equal(scaled(np.arange(4.0)), np.arange(4.0) * 2.5 + 3)
    # Each captured global sits on the line where the module binds it (errors point there).
    lines = scaled.kernel_source.splitlines()
    with open(__file__) as fh:
        own = fh.read().splitlines()
    assert lines[own.index("SCALE = 2.5")] == "SCALE = 2.5"
    assert lines[own.index("COUNT = 3")] == "COUNT = 3"


def test_arrays_are_passed_without_copying():
    a = np.arange(6.0)
    out = np.zeros(6)
    double_into(a, out)
    np.testing.assert_array_equal(out, 2 * a)
    # Strided views of a bigger array: the kernel writes the caller's memory.
    m = np.zeros((6, 8))
    fill_2d(m[1::2, ::-3], 100.0)
    expected = np.zeros((6, 8))
    view = expected[1::2, ::-3]
    for i in range(view.shape[0]):
        for j in range(view.shape[1]):
            view[i, j] = 100.0 + i * 10 + j
    np.testing.assert_array_equal(m, expected)


def test_results_own_their_memory():
    a = np.arange(5.0)
    r = expr2(a, a)
    assert isinstance(r, np.ndarray) and r.dtype == np.float64
    assert r.flags.writeable
    assert not np.shares_memory(r, a)
    r2 = expr2(a, a)
    r[:] = 0
    np.testing.assert_array_equal(r2, 2 * a + 3 * a**2)


def test_eager_signature():
    assert double_into.signatures == [(("float64", 1), ("float64", 1))]
    with pytest.raises(TypeError):
        kernelc.jit("f8(f8[:)")(lambda a: a)


def test_keyword_arguments():
    a = np.arange(3.0)
    out = np.zeros(3)
    double_into(a, out=out)
    np.testing.assert_array_equal(out, 2 * a)


def test_read_only_and_broadcast_inputs():
    a = np.arange(4.0)
    a.flags.writeable = False
    assert sum_squares(a) == 14.0
    assert sum_squares(a[::-1]) == 14.0
    assert sum_squares(np.broadcast_to(np.float64(2.0), (4,))) == 16.0


def test_lists_become_arrays():
    assert sum_squares([1.0, 2.0]) == 5.0


def _line_of(func, text):
    lines, first = inspect.getsourcelines(func)
    for k, line in enumerate(lines):
        if text in line:
            return first + k
    raise AssertionError(text)


def test_compile_errors_name_the_py_file_and_line():
    @kernelc.jit
    def uses_undefined(a):
        s = 0.0
        for i in range(len(a)):
            s += a[i] * not_defined_anywhere
        return s

    with pytest.raises(kernelc.CompileError) as e:
        uses_undefined(np.ones(3))
    line = _line_of(uses_undefined.py_func, "not_defined_anywhere")
    message = str(e.value)
    assert f"{__file__}:{line}:" in message
    assert "not_defined_anywhere" in message
    assert f" {line} │" in message


def test_runtime_errors_name_the_position():
    @kernelc.jit
    def out_of_bounds(a):
        return a[len(a)]

    with pytest.raises(kernelc.KernelError) as e:
        out_of_bounds(np.ones(3))
    line = _line_of(out_of_bounds.py_func, "a[len(a)]")
    assert "out of bounds" in str(e.value)
    assert f"{__file__}:{line}:" in str(e.value)


def test_unsupported_arguments_are_type_errors():
    with pytest.raises(TypeError):
        sum_squares("abc")
    with pytest.raises(TypeError):
        sum_squares(np.array([1 + 2j, 3j], dtype=np.complex256) if hasattr(np, "complex256") else object())


def test_functions_without_source_are_compile_errors():
    f = eval("lambda a: a")
    with pytest.raises(kernelc.CompileError, match="source"):
        kernelc.jit(f)(1.0)


@kernelc.jit
def spin(n):
    s = 0.0
    for i in range(n):
        s = s * 0.999999 + 1.0
    return s


def test_gil_is_released_while_a_kernel_runs():
    spin(10)  # compile first
    result = []
    t = threading.Thread(target=lambda: result.append(spin(100_000_000)))
    t.start()
    # The main thread runs Python code while the kernel runs only if the kernel released
    # the GIL (else it gets the GIL back once, when the kernel has finished).
    turns = 0
    while t.is_alive():
        turns += 1
        time.sleep(0.001)
    t.join()
    assert result and result[0] > 0
    assert turns >= 20, turns


def test_kernels_called_from_many_threads(rng):
    arrays = [rng.random(10_000) for _ in range(8)]
    expected = [np.sum(a**2) for a in arrays]
    results = [None] * 8

    def work(k):
        for _ in range(20):
            results[k] = parallel_sum(arrays[k])

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r, e in zip(results, expected):
        assert r == pytest.approx(e, rel=1e-13)


def test_set_num_threads():
    previous = kernelc.set_num_threads(1)
    try:
        assert kernelc.get_num_threads() == 1
        a = np.arange(1000.0)
        assert parallel_sum(a) == np.sum(a**2)
    finally:
        kernelc.set_num_threads(previous)
    with pytest.raises(ValueError):
        kernelc.set_num_threads(0)


def test_pickles_by_source():
    clone = pickle.loads(pickle.dumps(loop_dists))
    ps, qs = np.ones((3, 2)), np.zeros((3, 2))
    out = np.zeros(3)
    clone(ps, qs, out)
    np.testing.assert_allclose(out, np.sqrt(2.0))
    payload = pickle.dumps(scaled)
    assert b"SCALE = 2.5" in payload
    assert pickle.loads(payload)._kernel is pickle.loads(payload)._kernel


def test_vectorize():
    @kernelc.vectorize
    def clipped_add(x, y):
        s = x + y
        if s > 1.0:
            return 1.0
        return s

    a = np.linspace(0, 1, 5)
    b = np.linspace(0, 1, 3)[:, None]
    r = clipped_add(a, b)
    np.testing.assert_array_equal(r, np.minimum(a + b, 1.0))
    assert clipped_add(0.25, 0.5) == 0.75
    np.testing.assert_array_equal(clipped_add(a, 0.5), np.minimum(a + 0.5, 1.0))

    @kernelc.vectorize(["f4(f4)"])
    def half(x):
        return x * 0.5

    r = half(np.arange(4, dtype=np.float32))
    assert r.dtype == np.float32
    np.testing.assert_array_equal(r, np.arange(4, dtype=np.float32) * 0.5)


def test_unknown_options_are_refused():
    with pytest.raises(TypeError, match="colour"):
        kernelc.jit(colour="blue")


@kernelc.jit
def tail(a):
    return a[1:]


def test_results_that_view_an_argument_are_copies():
    a = np.arange(5.0)
    r = tail(a)
    np.testing.assert_array_equal(r, [1.0, 2.0, 3.0, 4.0])
    a[:] = -1
    del a
    np.testing.assert_array_equal(r, [1.0, 2.0, 3.0, 4.0])


def test_other_byte_orders_and_numpy_scalars():
    big = np.arange(4.0).astype(">f8")
    assert sum_squares(big) == 14.0
    assert collatz_steps(np.int64(6)) == 8
    r = scaled(np.float32(2.0))
    assert r == pytest.approx(2.0 * 2.5 + 3)


@kernelc.jit
def axpy(a, x, y=1.0):
    return a * x + y


def test_defaults_and_wrong_argument_counts():
    x = np.arange(3.0)
    np.testing.assert_array_equal(axpy(2.0, x), 2.0 * x + 1.0)
    np.testing.assert_array_equal(axpy(2.0, x, 0.5), 2.0 * x + 0.5)
    np.testing.assert_array_equal(axpy(2.0, x, y=3.0), 2.0 * x + 3.0)
    with pytest.raises(TypeError):
        axpy(2.0)
    with pytest.raises(TypeError):
        axpy(1.0, x, 2.0, 3.0)


@kernelc.jit(
    parallel=True,
    fastmath=False,
)
def multi_line_decorator(a):
    s = 0.0
# a comment at column 0 inside the body
    for i in prange(len(a)):
        s += a[i]

    return s


def test_blocks_with_multi_line_decorators_and_comments():
    assert multi_line_decorator(np.arange(5.0)) == 10.0
    lines = multi_line_decorator.kernel_source.splitlines()
    first = _line_of(multi_line_decorator.py_func, "def multi_line_decorator")
    assert lines[first - 1].startswith("def multi_line_decorator(a):")
    assert lines[first - 2] == "@njit(parallel=True)"
    assert lines[first + 5].strip() == "return s"


@kernelc.vectorize
def rel_diff(x, y):
    return abs(x - y) / (abs(x) + abs(y) + 1e-300)


def test_vectorized_functions_pickle():
    clone = pickle.loads(pickle.dumps(rel_diff))
    a, b = np.linspace(1, 2, 7), np.linspace(2, 1, 7)
    np.testing.assert_array_equal(clone(a, b), np.abs(a - b) / (np.abs(a) + np.abs(b) + 1e-300))
    out = np.empty(7)
    assert clone(a, b, out=out) is out


@kernelc.jit
def annotated(x: np.ndarray, scale: float = 2.0, *, shift: "float" = 0.5) -> np.ndarray:
    return x * scale + shift


def test_annotations_are_hints():
    x = np.arange(3.0)
    np.testing.assert_array_equal(annotated(x), x * 2.0 + 0.5)
    np.testing.assert_array_equal(annotated(x, 3.0, shift=1.0), x * 3.0 + 1.0)
    first = _line_of(annotated.py_func, "def annotated")
    assert annotated.kernel_source.splitlines()[first - 1] == "def annotated(x, scale, shift):"
    with pytest.raises(TypeError):
        annotated(x, 3.0, 1.0)  # shift is keyword-only, as in Python


WEIGHTS = np.array([0.25, 0.5, 0.25])
TABLE = np.arange(6, dtype=np.int32).reshape(2, 3)
FLAGS = np.array([True, False, True])
LIMITS = np.array([-np.inf, np.nan, 1e-300])
HALF = np.float32(0.5)


@kernelc.jit
def uses_array_globals(a):
    s = 0.0
    for i in range(3):
        s += WEIGHTS[i] * a[i] + TABLE[1, i]
        if FLAGS[i]:
            s += HALF
    return s


@kernelc.jit
def uses_special_floats():
    return LIMITS[0] < LIMITS[2] and LIMITS[1] != LIMITS[1] and LIMITS[2] > 0.0


def test_array_globals_are_captured_as_constants():
    a = np.array([1.0, 2.0, 3.0])
    expected = float(np.sum(WEIGHTS * a + TABLE[1])) + 2 * 0.5
    assert uses_array_globals(a) == pytest.approx(expected)
    assert "np.array([[0, 1, 2], [3, 4, 5]], dtype=np.int32)" in uses_array_globals.kernel_source
    assert "np.float32(0.5)" in uses_array_globals.kernel_source
    assert uses_special_floats() is True


def test_writing_an_array_global_is_a_compile_error():
    @kernelc.jit
    def writes_global(v):
        WEIGHTS[0] = v

    with pytest.raises(kernelc.CompileError):
        writes_global(1.0)


@kernelc.jit
def complex_kernel(z, w):
    r = z * w + np.conj(z)
    return r, np.sum(r), np.abs(z), z.real


def test_complex_arrays_in_and_out():
    for dt in (np.complex128, np.complex64):
        z = np.array([1 + 2j, -3j, 0.5], dtype=dt)
        w = np.array([2j, 1.0, -1 - 1j], dtype=dt)
        r, s, a, re = complex_kernel(z, w)
        want = z * w + np.conj(z)
        assert r.dtype == dt and r.tolist() == want.tolist()
        assert complex(s) == complex(np.sum(want))
        assert a.dtype == np.abs(z).dtype and np.allclose(a, np.abs(z))
        assert re.tolist() == z.real.tolist()
    assert kernelc.evaluate("z * 2 + 1j", local_dict={"z": z}).tolist() == (z * 2 + 1j).tolist()
