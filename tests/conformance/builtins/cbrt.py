# Twin: NumPy's float32 cbrt (glibc cbrtf) is off by an ulp in about a third of the
# points (cbrt(float32(27)) = 2.9999998); kernelc's f32 cbrt is the correctly rounded f64
# cube root rounded once to f32, which is what this twin computes.
import math

import numpy as np


def cbrt32(v):
    return np.cbrt(np.float64(v) if np.ndim(v) == 0 else v.astype(np.float64)).astype(np.float32)


def main():
    print(np.cbrt(27.0), np.cbrt(-8), np.cbrt(0.0), np.cbrt(-0.0), np.cbrt(1e-300))
    print(np.cbrt(np.inf), np.cbrt(-np.inf), np.cbrt(np.nan))
    print(np.cbrt(5e-324), np.cbrt(2.2250738585072014e-308), np.cbrt(1.7976931348623157e308))
    print(cbrt(2.0), math.cbrt(1000.0), np.cbrt(-3.375), np.cbrt(1.25e-7))
    x = np.array([-1000.0, -27.0, -2.0, 0.001, 0.5, 3.0, 10.0, 64.0, 1e30, 1e-310])
    print(np.cbrt(x))
    for i in range(len(x)):
        print(np.cbrt(x[i]))
    big = np.linspace(-50.0, 50.0, 37)
    r = np.cbrt(big) * 2.0 + 1.0
    print(r)
    print(np.cbrt(big * big).max(), np.cbrt(big[3:20:2]).min())
    n = np.arange(0, 10)
    print(np.cbrt(n * n * n))
    m = np.ones((3, 4)) * 8.0
    m[2, 2] = -125.0
    print(np.cbrt(m[1:, ::2]))
    y = np.array([27.0, -8.0, 2.0, 0.1, 1e-40, 3e38, 125.0, 0.0, -0.0, 7.0], dtype=np.float32)
    print(cbrt32(y))
    print(cbrt32(np.float32(27.0)), cbrt32(np.float32(-64.0)), cbrt32(np.float32(2.0)))
    z = np.linspace(1.0, 1000.0, 19).astype(np.float32)
    print(cbrt32(z) + np.float32(1.0))
