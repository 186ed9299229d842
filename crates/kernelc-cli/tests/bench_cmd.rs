//! `kernelc bench`: compile latency, both executors on the same inputs with their results
//! checked equal, and the JSON figures. Tiny inputs and no time budget: this checks the
//! command, it measures nothing.

use std::process::Command;

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn bench_reports_both_executors_and_writes_json() {
    let json = std::env::temp_dir().join(format!("kernelc-bench-{}.json", std::process::id()));
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "examples/workloads/expr1.k",
            "expr1",
            &["x=1.5", "y=2", "z=0.5"],
        ),
        ("examples/workloads/pi.k", "loop_pi", &["n=1000"]),
    ];
    for (file, entry, args) in cases {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kernelc"));
        cmd.current_dir(root())
            .args(["bench", file, "--entry", entry]);
        for a in *args {
            cmd.args(["--arg", a]);
        }
        cmd.args(["--seconds", "0", "--compiles", "1", "--json"])
            .arg(&json);
        let out = cmd.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        for line in ["compile ", "jit ", "interpreter ", "interpreter/jit: "] {
            assert!(stdout.contains(line), "{file}: no '{line}' in\n{stdout}");
        }
        assert!(stdout.contains("results equal"), "{stdout}");
        let j = std::fs::read_to_string(&json).unwrap();
        for key in [
            "\"compile\"",
            "\"jit\"",
            "\"interp\"",
            "\"median_s\"",
            "\"ratio_interp_over_jit\"",
        ] {
            assert!(j.contains(key), "{file}: no {key} in\n{j}");
        }
        assert!(j.contains(&format!("\"entry\": \"{entry}\"")), "{j}");
    }
    let _ = std::fs::remove_file(&json);
}

#[test]
fn bench_binding_errors_are_the_binders() {
    let out = Command::new(env!("CARGO_BIN_EXE_kernelc"))
        .current_dir(root())
        .args(["bench", "examples/workloads/pi.k", "--entry", "loop_pi"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: missing argument of loop_pi(n): n\n\nFor more information, try '--help'.\n"
    );
}

/// Every example program with a `main` benchmarks: compiles, both executors agree, one
/// sample each (the "works on every file in `examples/`"). The named entries of
/// the workload files are exercised above with their arguments.
#[test]
fn bench_runs_every_example_main() {
    let mut files = Vec::new();
    for dir in ["examples/workloads", "examples/bench"] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = e.unwrap().path();
            if path.extension().is_some_and(|x| x == "k") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        if !text.contains("def main(") {
            continue;
        }
        let out = Command::new(env!("CARGO_BIN_EXE_kernelc"))
            .args([
                "bench",
                "--seconds",
                "0",
                "--compiles",
                "1",
                "--min-samples",
                "1",
            ])
            .arg(&file)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains("results equal"),
            "{}: {stdout}",
            file.display()
        );
        assert!(stdout.starts_with("main() in "), "{stdout}");
    }
}
