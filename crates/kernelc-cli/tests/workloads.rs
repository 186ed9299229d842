//! Every workload program runs through the CLI (release-sized data); deterministic outputs
//! are compared with NumPy's.

use std::path::Path;
use std::process::Command;

fn run(file: &str) -> (String, String, i32) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(env!("CARGO_BIN_EXE_kernelc"))
        .current_dir(&root)
        .args(["run", "--interp", &format!("examples/workloads/{file}")])
        .output()
        .expect("run kernelc");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn every_workload_runs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/workloads");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".k"))
        .collect();
    names.sort();
    assert!(names.len() >= 7, "{names:?}");
    for name in names {
        let (stdout, stderr, code) = run(&name);
        assert_eq!(code, 0, "{name} failed: {stderr}");
        assert!(!stdout.trim().is_empty(), "{name} printed nothing");
    }
}

#[test]
fn dists_agrees_with_numpy() {
    // NumPy: (sum((ps - qs)**2, axis=1)**0.5)[0] == 63.245553203367585, and the three
    // methods agree exactly.
    let (stdout, _, code) = run("dists.k");
    assert_eq!(code, 0);
    assert_eq!(stdout, "63.245553203367585 0.0 0.0\n");
}

#[test]
fn seeded_workloads_are_reproducible() {
    for name in ["c2f.k", "pi.k"] {
        let (a, _, _) = run(name);
        let (b, _, _) = run(name);
        assert_eq!(a, b, "{name} is not deterministic");
    }
    // pi.k estimates pi both ways
    let (stdout, _, _) = run("pi.k");
    for v in stdout.split_whitespace() {
        let v: f64 = v.parse().unwrap();
        assert!((v - std::f64::consts::PI).abs() < 0.01, "{stdout}");
    }
}
