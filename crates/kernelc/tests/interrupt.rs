//! Interruption of a running kernel from another thread (issue 12): the interpreter polls
//! the handle at loop back-edges and calls, and stops with a runtime error there.

use kernelc::{compile, parse, run_program_interruptible, Interrupt, Source};

fn stopped_at(text: &str) -> String {
    let src = Source::new("spin.k", text);
    let program = compile(&src, &parse(&src).unwrap(), "main", &[]).unwrap();
    let stop = Interrupt::new();
    let trigger = stop.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(50));
        trigger.interrupt();
    });
    let e = run_program_interruptible(&src, &program, &mut Vec::new(), &stop).unwrap_err();
    t.join().unwrap();
    let e = e.to_string();
    assert!(
        e.contains("interrupted: the kernel was stopped here"),
        "{e}"
    );
    e.lines().nth(1).unwrap_or("").trim().to_string()
}

#[test]
fn every_loop_kind_and_recursion_can_be_interrupted() {
    assert_eq!(
        stopped_at("def main():\n    while True:\n        pass\n"),
        "at spin.k:2:5"
    );
    assert_eq!(
        stopped_at("def main():\n    s = 0\n    for i in range(10**18):\n        s += 1\n"),
        "at spin.k:3:5"
    );
    assert_eq!(
        stopped_at(
            "def main():\n    s = 0\n    for i in prange(10**18):\n        s += i\n    print(s)\n"
        ),
        "at spin.k:3:5"
    );
    // A call-heavy loop whose body is a call: stops at the loop or in the call.
    let e = stopped_at(
        "def f(x: i64) -> i64:\n    return x + 1\n\ndef main():\n    x = 0\n    while x >= 0:\n        x = f(x) - 1\n",
    );
    assert!(e == "at spin.k:6:5" || e == "at spin.k:7:13", "{e}");
}

#[test]
fn an_untriggered_handle_changes_nothing() {
    let src = Source::new(
        "ok.k",
        "def main():\n    s = 0\n    for i in range(10):\n        s += i\n    print(s)\n",
    );
    let program = compile(&src, &parse(&src).unwrap(), "main", &[]).unwrap();
    let mut out = Vec::new();
    run_program_interruptible(&src, &program, &mut out, &Interrupt::new()).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), "45\n");
}
