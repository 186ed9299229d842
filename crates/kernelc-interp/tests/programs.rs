//! End-to-end tests: source text -> parser -> sema -> interpreter, checking printed output
//! and runtime errors.

use kernelc_interp::{Interpreter, Value};
use kernelc_syntax::parse_module;

/// Runs `main()` of `src`; returns the printed output, or the runtime error as
/// `error: <message> @ <source text of the span>`.
fn run(src: &str) -> String {
    let (module, diags) = parse_module(src);
    assert!(diags.is_empty(), "parse errors: {diags:?}");
    let program = match kernelc_sema::compile(&module, "main", &[]) {
        Ok(p) => p,
        Err(d) => panic!("compile errors: {d:?}"),
    };
    let mut out = Vec::new();
    let result = {
        let mut it = Interpreter::new(&program, &mut out);
        it.call(program.entry, Vec::new())
    };
    let mut text = String::from_utf8(out).unwrap();
    match result {
        Ok(Value::None) => {}
        Ok(v) => text.push_str(&format!("-> {}\n", v.display())),
        Err(e) => text.push_str(&format!(
            "error: {} @ {}\n",
            e.message,
            &src[e.start as usize..e.end as usize]
        )),
    }
    text
}

/// Runs on a thread with a big stack (deep recursion tests), as the CLI does.
fn run_big_stack(src: &'static str) -> String {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || run(src))
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn scalar_arithmetic_and_printing() {
    let out = run(r#"
def main():
    x = 7
    y = -2
    print(x // y, x % y, x ** 3, 7.5 // 2.0, -7.5 % 2.0, 1 / 4, True, "str")
    print(int(-2.7), float(3), 2**63 - 1 + 1)
"#);
    // Literal arithmetic is Python's exact arithmetic (2**63 is a uint64 literal).
    assert_eq!(
        out,
        "-4 -1 343 3.0 0.5 0.25 True str\n-2 3.0 9223372036854775808\n"
    );
}

#[test]
fn loops_and_calls() {
    let out = run(r#"
def fib(n: i64) -> i64:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)

def main():
    total = 0
    for i in range(10, 0, -3):
        total += i
    j = 0
    while True:
        j += 1
        if j > 5:
            break
    print(total, i, j, fib(20))
"#);
    assert_eq!(out, "22 1 6 6765\n");
}

#[test]
fn arrays_views_and_stores() {
    let out = run(r#"
def main():
    a = arange(10)
    b = a[::-2]
    b[0] = 100
    a[1:4] += 1
    u = arange(5.0)
    u[1:] = u[:-1]
    m = zeros((2, 3))
    m[1] = arange(3.0)
    m[:, 0] += 5.0
    print(a, b.shape, len(b), u)
    print(m)
    print(m.sum(), sum(m, axis=0), m[1, -1], m.size, m.ndim)
"#);
    assert_eq!(
        out,
        "[  0   2   3   4   4   5   6   7   8 100] (5,) 5 [0. 0. 1. 2. 3.]\n\
         [[5. 0. 0.]\n [5. 1. 2.]]\n\
         13.0 [10.  1.  2.] 2.0 6 2\n"
    );
}

#[test]
fn runtime_errors_carry_spans() {
    let out = run(r#"
def main():
    a = zeros(3)
    i = 3
    print(a[i])
"#);
    assert_eq!(
        out,
        "error: index 3 is out of bounds for axis 0 with size 3 @ i\n"
    );
    let out = run(r#"
def main():
    x = 0
    print(5 // x)
"#);
    assert_eq!(out, "error: integer division by zero @ 5 // x\n");
    let out = run(r#"
def main():
    a = ones(3)
    b = ones(4)
    print(a + b)
"#);
    assert_eq!(
        out,
        "error: operands could not be broadcast together with shapes (3,) (4,) @ a + b\n"
    );
    let out = run(r#"
def main():
    a = zeros(-1)
"#);
    assert!(
        out.starts_with("error: negative dimensions are not allowed"),
        "{out}"
    );
}

#[test]
fn prange_reductions_and_random_are_deterministic() {
    let out = run(r#"
def main():
    seed(1)
    n = 1000
    total = 0.0
    m = 1.0e300
    for i in prange(n):
        total += random()
        m = min(m, f64(i))
    seed(1)
    a = 0.0
    b = 0.0
    for i in prange(n):
        a += random()
    print(total == a, m, i)
"#);
    assert_eq!(out, "True 0.0 999\n");
}

#[test]
fn recursion_limit_is_an_error() {
    let out = run_big_stack(
        r#"
def down(n: i64) -> i64:
    if n == 0:
        return 0
    return down(n - 1) + 1

def main():
    print(down(990))
    print(down(5000))
"#,
    );
    assert_eq!(
        out,
        "990\nerror: maximum recursion depth exceeded @ down(n - 1)\n"
    );
}

/// Expected values checked with NumPy 2.4 (same statements in Python).
#[test]
fn more_semantics() {
    let out = run(r#"
def main():
    a = arange(12.0)
    m = zeros((3, 4))
    m[:] = a[:4] * 2.0 + 1.0
    c = m[:, 1:3]
    c[:] = c * -1.0 + 0.5
    print(m[0], m[2, -1])
    x = linspace(0.0, 1.0, 5)
    print(x, where(x > 0.5, x, -x), argmax(x), min(x), mean(x))
    print(sqrt(4.0), abs(-3), maximum(a[:3], 1.0), a.shape, (3, 4))
    v = arange(5)
    v[1:] += v[:-1]
    print(v, dot(a[:3], a[:3]), sum(v > 2), norm(a[:2]))
    b = a[::-3]
    b += 100.0
    print(a[::3], i64(7.9), 7 % -3, -7 // 2)
"#);
    assert_eq!(
        out,
        "[ 1.  -2.5 -4.5  7. ] 7.0\n\
         [0.   0.25 0.5  0.75 1.  ] [-0.   -0.25 -0.5   0.75  1.  ] 4 0.0 0.5\n\
         2.0 3 [1. 1. 2.] (12,) (3, 4)\n\
         [0 1 3 5 7] 5.0 3 1.0\n\
         [0. 3. 6. 9.] 7 -2 -4\n"
    );
}
