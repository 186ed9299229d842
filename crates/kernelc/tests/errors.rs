//! The error kinds of the facade: each failure comes back as its own `Error` variant, renders
//! as users expect, and maps to the CLI's exit code.

use kernelc::{Error, Kernel};

#[test]
fn each_failure_has_its_kind_and_exit_code() {
    // A file that does not exist: Io, naming the path.
    let e = Kernel::from_file("/no/such/dir/k.k")
        .err()
        .expect("no file");
    match &e {
        Error::Io { path, .. } => assert_eq!(path.to_str(), Some("/no/such/dir/k.k")),
        other => panic!("expected an I/O error, got {other:?}"),
    }
    assert!(
        e.to_string()
            .starts_with("error: cannot read /no/such/dir/k.k: "),
        "{e}"
    );
    assert_eq!(e.exit_code(), 1);

    // An unknown function: a compile error at the start of the source.
    let k = Kernel::from_named_source("k.k", "def f(a):\n    return a[3]\n").unwrap();
    let e = k.function("g").err().expect("no such function");
    assert!(matches!(e, Error::Compile(_)), "{e:?}");
    assert!(
        e.to_string().contains("there is no function named 'g'"),
        "{e}"
    );
    assert!(e.to_string().contains("k.k:1:1"), "{e}");
    assert_eq!(e.exit_code(), 1);

    // A runtime error, with its position.
    let e = k
        .function("f")
        .unwrap()
        .call(&[(&vec![1.0]).into()])
        .unwrap_err();
    assert!(matches!(e, Error::Runtime(_)), "{e:?}");
    assert!(e.to_string().contains("at k.k:2:14"), "{e}");
    assert_eq!(e.exit_code(), 1);

    // Limits and internal errors render without a position, internal errors with a request
    // to report them.
    let e = Error::limit("too big");
    assert_eq!(e.to_string(), "error: too big");
    assert_eq!(e.exit_code(), 1);
    let e = Error::Internal("an invariant broke".into());
    let text = e.to_string();
    assert!(text.starts_with("error: internal compiler error: an invariant broke\n"));
    assert!(text.contains("please report it"), "{text}");
    assert_eq!(e.exit_code(), 3);
    assert_eq!(Error::Argument("x".into()).exit_code(), 2);
}

#[test]
fn a_time_limit_is_a_limit_with_a_position() {
    let src = kernelc::Source::new("spin.k", "def main():\n    while True:\n        pass\n");
    let program = kernelc::compile(&src, &kernelc::parse(&src).unwrap(), "main", &[]).unwrap();
    let stop = kernelc::Interrupt::new();
    let _deadline = stop.deadline(std::time::Duration::from_millis(20));
    let e = kernelc::run_program_interruptible(&src, &program, &mut Vec::new(), &stop).unwrap_err();
    match &e {
        Error::Limit(l) => assert_eq!(l.position(), Some((2, 5))),
        other => panic!("expected a limit, got {other:?}"),
    }
    assert!(e.to_string().contains("time limit exceeded"), "{e}");
    assert!(e.to_string().contains("at spin.k:2:5"), "{e}");
}
