# Twin: NumPy's complex division (Smith's algorithm) and powers (npy_cpow) differ from
# Python's complex type, so values are np.complex128/np.complex64 scalars.
def main():
    c = np.complex128
    z = c(1 + 2j)
    w = c(complex(3.0, -4.0))
    print(z, w, z + w, z - w, z * w, z / w)
    print(-z, z.real, z.imag, z.conjugate(), abs(w), np.angle(z))
    print(z == w, z != w, z == c(complex(1, 2)))
    print(z ** c(2), z ** c(-3), w ** c(0.5), z ** z, z ** c(0))
    x = np.float32(1.5)
    cc = x * np.complex64(1j)
    print(cc, cc.real, cc * cc, c(2j), c(complex(0.0, -0.0)), -c(0j))
    print(np.conj(w), np.conjugate(z), np.float64(2.5).imag, (3).real)
    with np.errstate(all="ignore"):
        print(c(1j) / c(0j), c(1 + 1j) / c(1e308 + 1e308j), c(2.5e3j), c(1j))
    acc = c(0j)
    for k in range(5):
        acc = acc * c(1 + 1j) + c(k)
    print(acc, abs(c(3e200 + 4e200j)))
