//! Snapshot tests of the typed IR and of sema's diagnostics (expect-test: run with
//! `UPDATE_EXPECT=1` to refresh, then review the diff).

use expect_test::{expect, Expect};

/// Compiles `main()` of `src` and prints its typed IR, or its errors as `line:col: message`.
fn check(src: &str, expect: Expect) {
    let (module, diags) = kernelc_syntax::parse_module(src);
    assert!(diags.is_empty(), "syntax errors: {diags:?}");
    let actual = match kernelc_sema::compile(&module, "main", &[]) {
        Ok(p) => kernelc_sema::pretty::print_program(&p),
        Err(diags) => render(src, &diags),
    };
    expect.assert_eq(&actual);
}

fn render(src: &str, diags: &[kernelc_syntax::Diagnostic]) -> String {
    let li = kernelc_syntax::LineIndex::new(src);
    let mut out = String::new();
    for d in diags {
        let (l, c) = li.line_col(src, d.span.start as usize);
        out += &format!("{l}:{c}: {}\n", d.message);
        for lab in &d.labels {
            let (l, c) = li.line_col(src, lab.span.start as usize);
            out += &format!("    {l}:{c}: {}\n", lab.message);
        }
    }
    out
}

#[test]
fn promotion_table() {
    check(
        r#"
def main():
    a = f32(1.5)
    b = a * 2.0
    c = i32(3) + 1
    d = i32(3) * 2.0
    e = a + 1
    g = i64(1) + f32(2)
    h = i32(1) + f32(2)
    k = True + True
    m = 7 / 2
    n = i32(7) // 2
    print(b, c, d, e, g, h, k, m, n)
"#,
        expect![[r#"
            fn #0 main() -> None:
                locals a: f32, b: f32, c: i32, d: f64, e: f32, g: f64, h: f64, k: bool, m: f64, n: i32
                a = 1.5f32
                b = (a * 2.0f32 : f32)
                c = (3i32 + 1i32 : i32)
                d = (3.0 * 2.0 : f64)
                e = (a + 1.0f32 : f32)
                g = (1.0 + f64(2.0f32) : f64)
                h = (1.0 + f64(2.0f32) : f64)
                k = (true + true : bool)
                m = (7.0 / 2.0 : f64)
                n = (7i32 // 2i32 : i32)
                print(b, c, d, e, g, h, k, m, n)
        "#]],
    );
}

#[test]
fn locals_unify_across_assignments() {
    check(
        r#"
def main():
    x = 0
    for i in range(3):
        x = x + 0.5
    y = 1
    y += 2
    print(x, y)
"#,
        expect![[r#"
            fn #0 main() -> None:
                locals x: f64, i: i64, y: i64
                x = 0.0
                for i in range(0, 3, 1):
                    x = (x + 0.5 : f64)
                y = 1
                y = (y + 2 : i64)
                print(x, y)
        "#]],
    );
}

#[test]
fn fused_array_expression_stays_whole() {
    check(
        r#"
def expr(x, y, z):
    return x + (y**2 + (z*x + 1)*3)
def main():
    a = zeros(4)
    print(expr(a, a, a), sum((a - a) ** 2), sqrt(a) ** 0.5)
"#,
        expect![[r#"
            fn #0 main() -> None:
                locals a: f64[:]
                a = zeros((4,) : f64[:])
                print(call #1(a, a, a), sum(((a - a : f64[:]) ** 2 : f64[:]) : f64), sqrt(sqrt(a : f64[:]) : f64[:]))
            fn #1 expr(x: f64[:], y: f64[:], z: f64[:]) -> f64[:]:
                return (x + ((y ** 2 : f64[:]) + (((z * x : f64[:]) + 1.0 : f64[:]) * 3.0 : f64[:]) : f64[:]) : f64[:])
        "#]],
    );
}

#[test]
fn prange_reductions_and_privates() {
    check(
        r#"
def main():
    a = arange(10.0)
    s = 0.0
    p = 1.0
    m = 0.0
    for i in prange(len(a)):
        t = a[i] * 2.0
        s += t
        p *= 1.5
        m = max(m, a[i])
    print(s, p, m)
"#,
        expect![[r#"
            fn #0 main() -> None:
                locals a: f64[:], s: f64, p: f64, m: f64, i: i64, t: f64
                a = arange(0.0, 10.0, 1.0 : f64[:])
                s = 0.0
                p = 1.0
                m = 0.0
                for i in prange(0, a.shape[0], 1) reductions[s Add, p Mul, m Max] private[t]:
                    t = (a[i] * 2.0 : f64)
                    s = (s + t : f64)
                    p = (p * 1.5 : f64)
                    m = maximum(m, a[i] : f64)
                print(s, p, m)
        "#]],
    );
}

#[test]
fn prange_errors_name_the_variable() {
    check(
        r#"
def main():
    a = arange(10.0)
    m = 0.0
    total = 0.0
    for i in prange(len(a)):
        if a[i] > m:
            m = a[i]
        total += a[i]
        print(total)
        if i > 5:
            break
    print(m, total)
"#,
        expect![[r#"
            8:13: 'm' is defined outside this prange loop and assigned inside it: iterations run in parallel, so only reductions are allowed (m += ..., m -= ..., m *= ..., m = min(m, ...), m = max(m, ...))
            10:15: reduction variable 'total' cannot be read inside the prange loop: it only holds this thread's partial result
            12:13: 'break' is not allowed directly inside a prange loop: its iterations run in parallel
        "#]],
    );
}

#[test]
fn indexing_slicing_and_stores() {
    check(
        r#"
def main():
    u = zeros((4, 5), i32)
    u[1, :] = 3
    u[:, 1:-1] += 2
    row = u[2]
    v = u[::2, 1]
    u[0, 0] = 2.7
    for r in u:
        print(r)
    print(v, row, u.shape[1], u.size, u.ndim)
"#,
        expect![[r#"
            fn #0 main() -> None:
                locals u: i32[:, :], row: i32[:], v: i32[:], r: i32[:], $0: i32[:, :], $1: i64
                u = zeros((4, 5) : i32[:, :])
                u[1, :] = 3i32
                u[:, 1:-1] +=(i32) 2i32
                row = u[2]
                v = u[::2, 1]
                u[0, 0] = i32(2.7)
                if true:
                    $0 = u
                    for $1 in range(0, $0.shape[0], 1):
                        r = $0[$1]
                        print(r)
                print(v, row, u.shape[1], u.size, 2)
        "#]],
    );
}

#[test]
fn type_errors_point_at_both_places() {
    check(
        r#"
def main():
    a = zeros(3)
    a = 1.0
    b = 1
    b = "text"
    print(a + undefined)
    print(zeros(3)[1, 2])
    print(sum(zeros(3), axis=1))
"#,
        expect![[r#"
            4:5: variable 'a' gets type f64 here but type f64[:] elsewhere: a variable keeps one type
                3:5: 'a' gets type f64[:] here
            6:9: strings can only be printed
            7:15: name 'undefined' is not defined
            8:11: too many indices for array: array is 1-dimensional, but 2 were indexed
            9:30: axis 1 is out of bounds for array of dimension 1
        "#]],
    );
}

#[test]
fn recursion_is_typed_by_its_base_case() {
    check(
        r#"
def fact(n):
    if n <= 1:
        return 1
    return n * fact(n - 1)
def fib(n) -> i64:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)
def main():
    print(fact(5), fib(10))
"#,
        expect![[r#"
            fn #0 main() -> None:
                print(call #1(5), call #2(10))
            fn #1 fact(n: i64) -> i64:
                if (n <= 1 : bool):
                    return 1
                return (n * call #1((n - 1 : i64)) : i64)
            fn #2 fib(n: i64) -> i64:
                if (n < 2 : bool):
                    return n
                return (call #2((n - 1 : i64)) + call #2((n - 2 : i64)) : i64)
        "#]],
    );
}

#[test]
fn builtins_and_numpy_prefixes() {
    check(
        r#"
import numpy as np
from numba import njit, prange

@njit
def main():
    x = np.linspace(0.0, 1.0, 5)
    y = np.where(x > 0.5, x, -x)
    z = np.zeros(3, dtype=np.float32)
    n = np.random.randint(0, 10, (2, 2))
    print(np.sqrt(x), y.sum(axis=0), z, n, np.pi, min(1, 2.5), abs(-3), dot(x, x))
"#,
        expect![[r#"
            fn #0 main() -> None:
                locals x: f64[:], y: f64[:], z: f32[:], n: i64[:, :]
                x = linspace(0.0, 1.0, 5 : f64[:])
                y = where((x > 0.5 : bool[:]), x, (Neg x) : f64[:])
                z = zeros((3,) : f32[:])
                n = randint[0, 10]((2, 2) : i64[:, :])
                print(sqrt(x : f64[:]), sum(y, axis=0 : f64), z, n, 3.141592653589793, minimum(1.0, 2.5 : f64), abs(-3 : i64), dot(x, x : f64))
        "#]],
    );
}

#[test]
fn check_resolves_names_in_functions_no_call_reaches() {
    let src = "def helper(a):\n    return a + undefined\n\ndef main():\n    x: f32 = 1\n    print(x * 2.0)\n";
    let (module, diags) = kernelc_syntax::parse_module(src);
    assert!(diags.is_empty());
    expect![[r#"
        2:16: name 'undefined' is not defined
    "#]]
    .assert_eq(&render(src, &kernelc_sema::check(&module)));
}

#[test]
fn chained_comparisons_promote_each_pair() {
    check(
        "def main():\n    x = i32(3)\n    print(1 < x <= 3.5 < 4)\n",
        expect![[r#"
            fn #0 main() -> None:
                locals x: i32
                x = 3i32
                print((chain 1 <(i32) x <=(f64) 3.5 <(f64) 4))
        "#]],
    );
}
