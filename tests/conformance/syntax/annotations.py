# Python twin of annotations.k: the annotated locals are converted.
def saxpy(a, x, y):
    return a * x + y

def trace(m):
    t = 0.0
    for i in range(m.shape[0]):
        t += m[i, i]
    return t

def count(n):
    c = 0
    for i in range(n):
        c += i
    return c

def main():
    x = arange(4.0)
    print(saxpy(2.0, x, x))
    m = ones((3, 3))
    print(trace(m))
    print(count(i32(5)))
    y = f64(1)
    print(y)
    z = f32(0.1)
    print(z / 3.0)
