//! Snapshot tests of rendered errors: file:line:col, the source line, a caret.

use expect_test::{expect, Expect};
use kernelc::{Error, Source};

fn check_run(src: &str, expect: Expect) {
    let mut out = Vec::new();
    let err = match kernelc::run_source("test.k", src, "main", &mut out) {
        Ok(()) => panic!("expected an error"),
        Err(e) => e,
    };
    expect.assert_eq(&err.to_string());
}

#[test]
fn compile_errors_are_all_reported_with_positions() {
    let src = Source::new(
        "bad.k",
        "def main():\n    x = zeros(3)\n    x = 2\n    print(y)\n    return 1 +\n",
    );
    let err = kernelc::check(&src).unwrap_err();
    expect![[r#"
        Error: variable 'x' gets type i64 here but type f64[:] elsewhere: a variable keeps one type
          at bad.k:3:5
           ╭─[ bad.k:3:5 ]
           │
         3 │     x = 2
           │     ──┬──  
           │       ╰──── here
           │
           ├─[ bad.k:3:5 ]
           │
         2 │     x = zeros(3)
           │     ──────┬─────  
           │           ╰─────── 'x' gets type f64[:] here
        ───╯
        Error: name 'y' is not defined
          at bad.k:4:11
           ╭─[ bad.k:4:11 ]
           │
         4 │     print(y)
           │           ┬  
           │           ╰── here
        ───╯
        Error: expected an expression, found the end of the line
          at bad.k:5:15
           ╭─[ bad.k:5:15 ]
           │
         5 │     return 1 +
           │               ┬  
           │               ╰── here
        ───╯
        3 errors found"#]]
    .assert_eq(&err.to_string());
    let src = Source::new(
        "bad.k",
        "def main():\n    x = zeros(3)\n    x = 2\n    print(y)\n",
    );
    let err = kernelc::check(&src).unwrap_err();
    assert_eq!(err.diagnostics.len(), 2);
}

#[test]
fn runtime_errors_name_the_kernel_line() {
    check_run(
        "def get(a, i):\n    return a[i]\n\ndef main():\n    print(get(zeros(4), -5))\n",
        expect![[r#"
            Error: runtime error: index -5 is out of bounds for axis 0 with size 4
              at test.k:2:14
               ╭─[ test.k:2:14 ]
               │
             2 │     return a[i]
               │              ┬  
               │              ╰── here
            ───╯
        "#]],
    );
    check_run(
        "def main():\n    x = 0\n    print(7 // x)\n",
        expect![[r#"
        Error: runtime error: integer division by zero
          at test.k:3:11
           ╭─[ test.k:3:11 ]
           │
         3 │     print(7 // x)
           │           ───┬──  
           │              ╰──── here
        ───╯
    "#]],
    );
    check_run(
        "def main():\n    print(zeros(3) + zeros(4))\n",
        expect![[r#"
        Error: runtime error: operands could not be broadcast together with shapes (3,) (4,)
          at test.k:2:11
           ╭─[ test.k:2:11 ]
           │
         2 │     print(zeros(3) + zeros(4))
           │           ─────────┬─────────  
           │                    ╰─────────── here
        ───╯
    "#]],
    );
}

#[test]
fn runtime_error_is_a_value() {
    let mut out = Vec::new();
    match kernelc::run_source(
        "t.k",
        "def main():\n    print(1)\n    print(int(nan))\n",
        "main",
        &mut out,
    ) {
        Err(Error::Runtime(e)) => {
            assert_eq!(e.position(), (3, 11));
            assert!(e.error.message.contains("nan"), "{}", e.error.message);
        }
        other => panic!("expected a runtime error, got {other:?}"),
    }
    assert_eq!(String::from_utf8(out).unwrap(), "1\n");
}
