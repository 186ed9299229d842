def main():
    x = 0.0
    print(x)
    x = 1.5
    print(x)
    n = 0
    for i in range(4):
        n += i
    print(n)
    acc = 1.0
    for i in range(3):
        acc = acc * 0.5
    print(acc)
    q = 5.0
    q /= 2
    print(q)
