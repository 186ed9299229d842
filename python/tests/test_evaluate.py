"""kernelc.evaluate: numexpr's programs give NumPy's results; names, out=, casting, errors."""

import numpy as np
import pytest

import kernelc

GLOBAL_ARRAY = np.ones(3)

EXPRESSIONS = [
    "2*a + 3*b**2",
    "a + (b**2 + (c*a + 1)*3)",
    "sin(a)**2 + cos(b)**2",
    "exp(-a) * log1p(a)",
    "where(a > b, a - b, b - a)",
    "sqrt(a*a + b*b)",
    "(a < 0.5) & (b > 0.25)",
    "a / (b + 1)",
    "arctan2(a, b - 0.5)",
    "abs(a - b) ** 1.5",
]
NUMPY = {
    "2*a + 3*b**2": lambda a, b, c: 2 * a + 3 * b**2,
    "a + (b**2 + (c*a + 1)*3)": lambda a, b, c: a + (b**2 + (c * a + 1) * 3),
    "sin(a)**2 + cos(b)**2": lambda a, b, c: np.sin(a) ** 2 + np.cos(b) ** 2,
    "exp(-a) * log1p(a)": lambda a, b, c: np.exp(-a) * np.log1p(a),
    "where(a > b, a - b, b - a)": lambda a, b, c: np.where(a > b, a - b, b - a),
    "sqrt(a*a + b*b)": lambda a, b, c: np.sqrt(a * a + b * b),
    "(a < 0.5) & (b > 0.25)": lambda a, b, c: (a < 0.5) & (b > 0.25),
    "a / (b + 1)": lambda a, b, c: a / (b + 1),
    "arctan2(a, b - 0.5)": lambda a, b, c: np.arctan2(a, b - 0.5),
    "abs(a - b) ** 1.5": lambda a, b, c: np.abs(a - b) ** 1.5,
}


@pytest.mark.parametrize("ex", EXPRESSIONS)
def test_numexpr_programs_give_numpy_results(ex, rng):
    a, b, c = rng.random(1001), rng.random(1001), rng.random(1001)
    r = kernelc.evaluate(ex)
    expected = NUMPY[ex](a, b, c)
    assert r.dtype == expected.dtype
    np.testing.assert_allclose(r, expected, rtol=1e-14, atol=0)


@pytest.mark.parametrize("ex", EXPRESSIONS)
def test_same_results_as_numexpr(ex, rng):
    ne = pytest.importorskip("numexpr")
    a, b, c = rng.random(999), rng.random(999), rng.random(999)
    np.testing.assert_allclose(kernelc.evaluate(ex), ne.evaluate(ex), rtol=1e-14)


def test_strided_and_reversed_views_are_read_in_place(rng):
    m = rng.random((40, 30))
    a = m[::3, 1::2]
    b = m[::-3, ::-2]
    assert not a.flags.c_contiguous
    np.testing.assert_array_equal(kernelc.evaluate("a * 2 + b"), a * 2 + b)
    col = m[:, 5]
    np.testing.assert_array_equal(kernelc.evaluate("col - 1"), col - 1)


def test_broadcasting_and_scalars():
    a = np.arange(12.0).reshape(3, 4)
    row = np.arange(4.0)
    k = 2
    x = np.float32(1.5)
    np.testing.assert_array_equal(kernelc.evaluate("a * row + k"), a * row + k)
    f = np.arange(4, dtype=np.float32)
    r = kernelc.evaluate("f * x")
    assert r.dtype == np.float32
    np.testing.assert_array_equal(r, f * x)


def test_reductions_return_0d_arrays_like_numexpr():
    a = np.arange(10.0)
    r = kernelc.evaluate("sum(a ** 2)")
    assert isinstance(r, np.ndarray) and r.shape == () and r.dtype == np.float64
    assert r == 285.0
    i = np.arange(10, dtype=np.int32)
    r = kernelc.evaluate("sum(i)")
    assert r.dtype == np.int64 and r == 45


def test_dicts_and_frame_lookup():
    a = np.ones(3)

    def inner():
        b = np.full(3, 2.0)
        return kernelc.evaluate("a + b", global_dict={"a": np.zeros(3)})

    np.testing.assert_array_equal(inner(), np.full(3, 2.0))
    # With only local_dict given, the other names come from the caller's globals.
    np.testing.assert_array_equal(
        kernelc.evaluate("GLOBAL_ARRAY + b", local_dict={"b": np.full(3, 5.0)}),
        np.full(3, 6.0),
    )
    with pytest.raises(KeyError):
        kernelc.evaluate("a + b", local_dict={"b": np.full(3, 5.0)})
    np.testing.assert_array_equal(
        kernelc.evaluate("a * 3", local_dict={"a": np.arange(3.0)}), np.arange(3.0) * 3
    )


def test_out_writes_into_the_callers_array(rng):
    a, b = rng.random(100), rng.random(100)
    out = np.zeros(100)
    r = kernelc.evaluate("2*a + 3*b**2", out=out)
    assert r is out
    np.testing.assert_allclose(out, 2 * a + 3 * b**2, rtol=1e-15)
    big = np.zeros((4, 100))
    kernelc.evaluate("a - b", out=big[1])
    np.testing.assert_array_equal(big[1], a - b)
    assert not big[0].any() and not big[2:].any()
    strided = np.zeros(200)[::2]
    kernelc.evaluate("a", out=strided)
    np.testing.assert_array_equal(strided, a)


def test_out_casting():
    a = np.arange(4.0)
    with pytest.raises(TypeError, match="according to the rule 'safe'"):
        kernelc.evaluate("a * 2", out=np.zeros(4, np.int64))
    out = np.zeros(4, np.int64)
    kernelc.evaluate("a * 2", out=out, casting="unsafe")
    np.testing.assert_array_equal(out, [0, 2, 4, 6])
    with pytest.raises(ValueError):
        kernelc.evaluate("a", casting="sometimes")


def test_read_only_inputs_and_output():
    a = np.arange(5.0)
    a.flags.writeable = False
    np.testing.assert_array_equal(kernelc.evaluate("a + 1"), a + 1)
    with pytest.raises(ValueError, match="read-only"):
        kernelc.evaluate("a + 1", out=a)


def test_error_kinds_are_numexprs():
    a = np.ones(3)
    b = np.ones(4)
    with pytest.raises(SyntaxError):
        kernelc.evaluate("a +")
    with pytest.raises(KeyError, match="nothere"):
        kernelc.evaluate("a + nothere")
    with pytest.raises(ValueError, match="broadcast"):
        kernelc.evaluate("a + b")
    with pytest.raises(TypeError) as e:
        kernelc.evaluate("a + 's'")
    assert isinstance(e.value, kernelc.CompileError)
    with pytest.raises(TypeError):
        kernelc.evaluate("a + o", local_dict={"a": a, "o": np.array(["x"], dtype=object)})
    with pytest.raises(ValueError):
        kernelc.evaluate(3)


def test_small_integer_dtypes_are_converted_as_numexpr_does():
    u = np.arange(5, dtype=np.uint8)
    r = kernelc.evaluate("u * 2")
    np.testing.assert_array_equal(r, np.arange(5) * 2)


def test_re_evaluate_uses_the_current_values():
    a = np.arange(3.0)
    first = kernelc.evaluate("a * 2")
    a = np.arange(3.0) + 10
    np.testing.assert_array_equal(kernelc.re_evaluate(), (np.arange(3.0) + 10) * 2)
    np.testing.assert_array_equal(first, [0.0, 2.0, 4.0])
    np.testing.assert_array_equal(kernelc.re_evaluate({"a": np.ones(2)}), [2.0, 2.0])


def test_in_place_out_reads_everything_first():
    b = np.arange(6.0)
    v = b[1:]
    kernelc.evaluate("v * 2", out=b[:-1])
    np.testing.assert_array_equal(b, [2.0, 4.0, 6.0, 8.0, 10.0, 5.0])
