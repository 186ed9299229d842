//! Parallel loops give the same output, results and errors on any number of threads
//! (issue 9): every program runs in the interpreter (the oracle) and in native code on
//! 1, 2, 3, 4, 8 and 16 threads, and everything it prints or returns must be equal.

use kernelc::{Executor, Kernel};

const THREADS: [usize; 6] = [1, 2, 3, 4, 8, 16];

/// What a run of `main()` printed and returned (or its error, rendered with position).
fn run(k: &Kernel, threads: usize) -> String {
    let k = k.with_threads(Some(threads));
    let mut out = Vec::new();
    let r = k.function("main").unwrap().call_with_output(&[], &mut out);
    let mut s = String::from_utf8(out).unwrap();
    match r {
        Ok(v) => s.push_str(&format!("-> {v}\n")),
        Err(e) => s.push_str(&format!("error: {e}\n")),
    }
    s
}

/// Runs `text` everywhere and returns the common output (panics on any difference).
fn same_everywhere(text: &str) -> String {
    let k = Kernel::from_named_source("par.k", text).unwrap();
    let want = run(&k.with_executor(Executor::Interp), 1);
    for t in THREADS {
        let got = run(&k.with_executor(Executor::Jit), t);
        assert_eq!(
            got, want,
            "native code on {t} threads differs from the interpreter"
        );
    }
    want
}

#[test]
fn every_reduction_form_is_the_same_on_every_thread_count() {
    let out = same_everywhere(
        "def main():
    n = 100_003
    s = 0.0
    d = 1000.0
    p = 1.0
    lo = 1e300
    hi = -1e300
    isum = 0
    imin = 10**18
    imax = -10**18
    f = float32(0.0)
    for i in prange(n):
        x = sin(i * 0.37) * 1e3
        s += x / (i + 1.0)
        d -= x * 1e-9
        p *= 1.0 + x * 1e-12
        lo = min(lo, x)
        hi = max(x, hi)
        isum += i * i
        imin = min(imin, (i * 7919) % 100_003)
        imax = max(imax, (i * 7919) % 99_991)
        f += float32(x)
    print(s, d, p, lo, hi)
    print(isum, imin, imax, f)
",
    );
    assert!(out.lines().count() == 3, "{out}");
}

#[test]
fn nan_min_max_and_float_sums_match_serial_order() {
    same_everywhere(
        "def main():
    a = linspace(-1.0, 1.0, 50_000)
    a[31_234] = nan
    lo = inf
    hi = -inf
    s = 0.0
    for i in prange(len(a)):
        lo = min(lo, a[i])
        hi = max(hi, a[i] * 2.0)
        s += a[(i * 13) % len(a)] * 0.1
    print(lo, hi, s)
",
    );
}

#[test]
fn random_numbers_are_the_same_on_every_thread_count() {
    let out = same_everywhere(
        "def pi(n: int64) -> float64:
    inside = 0
    for i in prange(n):
        x = random()
        y = random()
        if x * x + y * y < 1.0:
            inside += 1
    return 4.0 * inside / n

def main():
    seed(7)
    a = pi(1_000_000)
    z = 0.0
    k = 0
    for i in prange(10_000):
        z += normal()
        k += randint(0, 10)
    print(a, z, k, random())
",
    );
    assert!(out.starts_with("3.14"), "{out}");
}

#[test]
fn privates_hidden_locals_nested_loops_and_output() {
    same_everywhere(
        "def inner(n: int64) -> int64:
    t = 0
    for j in prange(n):
        t += j
    return t

def main():
    out = zeros(3000)
    total = 0
    for i in prange(3000):
        v = [i * k for k in range(4)]
        acc = 0.0
        for e in v:
            acc += e
        row = 0
        for j in prange(i % 7):
            row += j
        out[i] = acc + row + inner(i % 5)
        total += len(v)
        if i % 1000 == 999:
            print('chunk boundary', i, acc)
    print(sum(out), total, i)
",
    );
}

#[test]
fn whole_array_work_and_axis_reductions_inside_and_outside_prange() {
    same_everywhere(
        "def main():
    a = linspace(0.0, 1.0, 200_000).reshape((400, 500))
    rows = zeros(400)
    for r in prange(400):
        rows[r] = sum(a[r] ** 2) + max(a[r])
    b = 2.0 * a + 3.0 * a ** 2
    print(sum(rows), sum(b), sum(a, axis=0)[7], sum(a ** 2, axis=1)[399], mean(b))
",
    );
}

/// Whole-array loop nests above `PARALLEL_MIN_ELEMENTS` outside any prange are split
/// across the pool: element-wise results, stores, float sums (pairwise subtrees), means,
/// norms and reductions along either axis keep the serial bits.
#[test]
fn large_whole_array_nests_are_split_with_the_serial_bits() {
    let out = same_everywhere(
        "def main():
    n = 1_000_003
    a = sin(arange(n) * 0.001) * 1e3
    a[5] = -0.0
    b = cos(arange(n) * 0.0007)
    out = empty(n)
    out[:] = 2.0 * a + 3.0 * b ** 2
    out[1::2] += a[1::2] * 0.5
    print(sum(out), sum(a ** 2), mean(b), sqrt(sum(a * a)), out[n - 1], out[12_345])
    print(sum(a[::3]), sum(a[::-1]))
    f = float32(a)
    print(sum(f), sum(f * f32(0.5)), mean(f))
    m = a[:1_000_000].reshape((2000, 500))
    print(sum(m, axis=0)[3], sum(m ** 2, axis=1)[1999], max(m, axis=1)[17], mean(m, axis=0)[499])
    t = m.T
    print(sum(t, axis=0)[4], sum(t * 2.0, axis=1)[5])
    z = zeros(100_000)
    print(sum(z - 0.0), sum(-z))
    i = arange(n) % 1000
    print(sum(i * 3), sum(i // 7, axis=0), max(i), sum(i > 500))
    w = a + nan * (arange(n) == 777_777)
    print(sum(w), min(w))
    return sum(out * 2.0)
",
    );
    assert!(out.contains("nan"), "{out}");
}

/// An error inside a large element-wise nest is the first failing element's, as serially.
#[test]
fn an_error_in_a_split_nest_is_the_serial_error() {
    let out = same_everywhere(
        "def main():
    n = 500_000
    d = arange(n) % 100_000 + 1
    d[400_001] = 0
    d[123_457] = 0
    q = arange(n) // d
    print(sum(q))
",
    );
    assert!(out.contains("error"), "{out}");
}

#[test]
fn an_error_in_one_chunk_is_the_serial_error_with_its_position() {
    let out = same_everywhere(
        "def main():
    a = zeros(100_000)
    s = 0.0
    for i in prange(100_000):
        if i == 77_777 or i == 90_001:
            s += a[i + 100_000]
        if i == 50_000:
            print('reached', i)
        s += a[i]
    print(s)
",
    );
    assert!(out.contains("reached 50000"), "{out}");
    assert!(out.contains("index 177777 is out of bounds"), "{out}");
    assert!(out.contains("par.k:6:"), "{out}");
}

#[test]
fn a_kernel_called_from_several_rust_threads_while_its_pranges_run_on_the_pool() {
    let k = Kernel::from_source(
        "def f(n: int64, c: float64) -> float64:
    s = 0.0
    for i in prange(n):
        s += sqrt(i * c)
    return s
",
    )
    .unwrap()
    .with_threads(Some(2));
    let want: Vec<String> = (0..4)
        .map(|t| {
            let c = 1.0 + t as f64;
            k.function("f")
                .unwrap()
                .call(&[200_000i64.into(), c.into()])
                .unwrap()
                .to_string()
        })
        .collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let k = &k;
                s.spawn(move || {
                    let c = 1.0 + t as f64;
                    (0..20)
                        .map(|_| {
                            k.function("f")
                                .unwrap()
                                .call(&[200_000i64.into(), c.into()])
                                .unwrap()
                                .to_string()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for (t, h) in handles.into_iter().enumerate() {
            for got in h.join().unwrap() {
                assert_eq!(got, want[t]);
            }
        }
    });
}
