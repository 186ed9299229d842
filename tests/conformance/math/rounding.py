# Twin: floor(7) of an int is promoted to f64 in the kernel language (NumPy 2.4 keeps int).
def main():
    v = zeros(9)
    v[0] = -2.5
    v[1] = -1.5
    v[2] = -0.5
    v[3] = 0.5
    v[4] = 1.5
    v[5] = 2.5
    v[6] = 2.7
    v[7] = -2.7
    v[8] = 3.0
    print(floor(v))
    print(ceil(v))
    print(trunc(v))
    print(rint(v))
    print(floor(2.7), floor(-2.7), ceil(2.1), ceil(-2.1), trunc(-2.7), trunc(2.7))
    print(rint(2.5), rint(3.5), rint(-0.5), rint(0.4999999999999999), ceil(-0.5), floor(-0.0))
    print(floor(1e300), rint(4503599627370495.5), np.floor(np.float64(7)))
