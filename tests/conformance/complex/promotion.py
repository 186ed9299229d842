# Twin: the kernel's typed locals (f32, f64: strong) and complex() in NumPy terms.
def main():
    x = np.float32(0.1)
    y = np.float64(0.1)
    i = np.int32(3)
    s = np.int16(2)
    a = np.complex64(1.5 + 0.25j)
    print(a, a * x, a * y, a + i, a + s, a * 2, a * 2.5, a + 1j)
    print(x * 1j, np.complex128(y * 1j), i * 1j, s + 1j, np.complex128(True + 1j))
    b = a * a / (a - np.complex64(1))
    print(b, b.real, b.imag, abs(b), np.angle(b))
    c = np.complex128(complex(y, float(x)))
    print(c, c == np.complex128(complex(y, float(x))), c != c)
    print(np.complex128(a), np.complex64(c), complex(a))
