//! One binder: every argument-binding error reads the same from the `kernelc` CLI
//! (`--arg NAME=VALUE`) and from the Rust API (`Function::call_named` with literal
//! arguments), and exits with the code of its kind.

use kernelc::{Arg, Error, Kernel, Scalar};
use std::process::Command;

const KERNELS: &str = "\
def scale(a, n, x):
    return a * x + n

def typed(n: i32, x: f32, y: f64):
    return n * x + y

def main():
    print('main')
";

/// A literal as the CLI parses it and as an API caller passes it.
fn literal(text: &str) -> Scalar {
    match text {
        "True" => Scalar::Bool(true),
        "False" => Scalar::Bool(false),
        t => t
            .parse::<i64>()
            .map(Scalar::I64)
            .unwrap_or_else(|_| Scalar::F64(t.parse().unwrap())),
    }
}

/// The CLI's stderr and exit code for `run FILE --entry ENTRY --arg ...`.
fn cli(file: &std::path::Path, entry: &str, args: &[(&str, &str)]) -> (String, i32) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kernelc"));
    cmd.args(["run", file.to_str().unwrap(), "--entry", entry]);
    for (n, v) in args {
        cmd.arg("--arg").arg(format!("{n}={v}"));
    }
    let out = cmd.output().unwrap();
    (
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// The API's error for the same call.
fn api(file: &std::path::Path, entry: &str, args: &[(&str, &str)]) -> Error {
    let k = Kernel::from_file(file).unwrap();
    let named: Vec<(&str, Arg)> = args
        .iter()
        .map(|(n, v)| (*n, Arg::literal(literal(v))))
        .collect();
    match k.function(entry) {
        Ok(f) => f.call_named(&named).expect_err("the call should fail"),
        Err(e) => e,
    }
}

/// Entry, `--arg` values, and a part of the expected message.
type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);

#[test]
fn binding_errors_read_the_same_from_the_cli_and_the_api() {
    let dir = std::env::temp_dir().join(format!("kernelc-binding-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("k.k");
    std::fs::write(&file, KERNELS).unwrap();
    let cases: &[Case] = &[
        (
            "scale",
            &[("a", "1"), ("n", "1")],
            "missing argument of scale(a, n, x): x",
        ),
        ("scale", &[], "missing arguments of scale(a, n, x): a, n, x"),
        (
            "scale",
            &[("a", "1"), ("z", "1")],
            "scale() has no parameter named 'z' (its parameters: a, n, x)",
        ),
        (
            "main",
            &[("z", "1")],
            "main() has no parameter named 'z' (it takes no arguments)",
        ),
        (
            "scale",
            &[("a", "1"), ("a", "2")],
            "argument 'a' is given twice",
        ),
        // Type errors against annotations are the compiler's, with the parameter's position.
        (
            "typed",
            &[("n", "1.5"), ("x", "1"), ("y", "1")],
            "parameter 'n' is declared i32 but the argument is f64",
        ),
        ("nope", &[("a", "1")], "there is no function named 'nope'"),
    ];
    for (entry, args, message) in cases {
        let (stderr, code) = cli(&file, entry, args);
        let e = api(&file, entry, args);
        assert!(e.to_string().contains(message), "{entry} {args:?}: {e}");
        let expected = match e {
            Error::Argument(_) => format!("{e}\n\nFor more information, try '--help'.\n"),
            _ => format!("{e}\n"),
        };
        assert_eq!(stderr, expected, "{entry} {args:?}");
        assert_eq!(code, i32::from(e.exit_code()), "{entry} {args:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn literals_take_annotated_types_from_both_front_ends() {
    let k = Kernel::from_source(KERNELS).unwrap();
    let f = k.function("typed").unwrap();
    let r = f
        .call_named(&[
            ("n", Arg::literal(Scalar::I64(2))),
            ("x", Arg::literal(Scalar::F64(0.5))),
            ("y", Arg::literal(Scalar::I64(1))),
        ])
        .unwrap();
    // i32 * f32 + f64: the literals took the declared types (a strong i64 would not fit i32).
    assert_eq!(r.scalar(), Some(Scalar::F64(2.0)));
    let e = f
        .call(&[Arg::scalar(Scalar::I64(2)), 0.5f32.into(), 1.0.into()])
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("parameter 'n' is declared i32 but the argument is i64"),
        "{e}"
    );
    // Positional arguments: too many.
    let e = k
        .function("scale")
        .unwrap()
        .call(&[1.0.into(), 2.0.into(), 3.0.into(), 4.0.into()])
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "error: scale() takes 3 arguments but 4 were given"
    );
    assert_eq!(e.exit_code(), 2);
}
