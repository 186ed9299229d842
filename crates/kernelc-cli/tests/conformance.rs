//! The conformance suite: every `tests/conformance/**/*.k` program (workspace root) is run
//! with the `kernelc` binary, once per executor, and its stdout, stderr and exit code are
//! compared with the expectations stored next to it:
//!
//! * `<name>.out`: the exact expected stdout (required);
//! * `<name>.err`: the exact expected stderr; when it exists the exit code must be 1,
//!   otherwise it must be 0 (and stderr is only shown when something else fails).
//!
//! Programs are run from the workspace root with the path `tests/conformance/<...>.k`, so
//! the file names inside error messages are stable.
//!
//! Environment:
//! * `UPDATE_EXPECT=1` (re)writes `.out`/`.err` from what the first executor produces
//!   instead of comparing (a `.err` is removed when the program exits with 0);
//! * `CONFORMANCE_FILTER=substr` only runs the programs whose relative path contains
//!   `substr` (e.g. `errors/` to regenerate only the error expectations); the minimum
//!   program count is not checked then.
//!
//! Most `.out` files were produced independently of kernelc, by the NumPy twin of each
//! program in `tools/conformance_expected.py`; see `tests/conformance/README.md`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The executors every program is run with (extra flags after `run <file>`). The first one
/// is used to write expectations with `UPDATE_EXPECT=1`.
const EXECUTORS: &[&[&str]] = &[&["--interp"], &[]];

/// The suite must not shrink unnoticed.
const MIN_PROGRAMS: usize = 60;

/// A program that runs longer than this is a failure (the suite uses small arrays).
const TIMEOUT: Duration = Duration::from_secs(60);

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "k") {
            out.push(p);
        }
    }
}

struct Outcome {
    stdout: String,
    stderr: String,
    code: Option<i32>,
    timed_out: bool,
}

fn run(root: &Path, rel: &str, flags: &[&str]) -> Outcome {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kernelc"))
        .current_dir(root)
        .arg("run")
        .arg(rel)
        .args(flags)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start kernelc");
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = so.read_to_end(&mut b);
        b
    });
    let t_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = se.read_to_end(&mut b);
        b
    });
    let start = Instant::now();
    let mut timed_out = false;
    let status = loop {
        match child.try_wait().expect("wait failed") {
            Some(s) => break s,
            None if start.elapsed() > TIMEOUT => {
                timed_out = true;
                let _ = child.kill();
                break child.wait().expect("wait failed");
            }
            None => std::thread::sleep(Duration::from_millis(2)),
        }
    };
    let stdout = String::from_utf8_lossy(&t_out.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&t_err.join().unwrap()).into_owned();
    Outcome {
        stdout,
        stderr,
        code: status.code(),
        timed_out,
    }
}

/// A small line diff: the first differing line with context, plus both texts when short.
fn diff(what: &str, expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.split_inclusive('\n').collect();
    let a: Vec<&str> = actual.split_inclusive('\n').collect();
    let mut s = format!("  {what} differs:\n");
    let first = (0..e.len().max(a.len()))
        .find(|&i| e.get(i) != a.get(i))
        .unwrap_or(0);
    let lo = first.saturating_sub(2);
    let hi = (first + 12).min(e.len().max(a.len()));
    for i in lo..hi {
        match (e.get(i), a.get(i)) {
            (Some(x), Some(y)) if x == y => {
                s.push_str(&format!("      {:>4}   {}", i + 1, show(x)))
            }
            (x, y) => {
                if let Some(x) = x {
                    s.push_str(&format!("    - {:>4}   {}", i + 1, show(x)));
                }
                if let Some(y) = y {
                    s.push_str(&format!("    + {:>4}   {}", i + 1, show(y)));
                }
            }
        }
    }
    if hi < e.len().max(a.len()) {
        s.push_str("      ...\n");
    }
    s
}

fn show(line: &str) -> String {
    let t = line.strip_suffix('\n').unwrap_or(line);
    let t = if line.ends_with('\n') {
        format!("{t}\n")
    } else {
        format!("{t}⏎(no newline at end)\n")
    };
    t
}

fn check_one(root: &Path, path: &Path, update: bool) -> Vec<String> {
    let rel = path
        .strip_prefix(root)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    let out_path = path.with_extension("out");
    let err_path = path.with_extension("err");
    let mut failures = Vec::new();
    for (k, flags) in EXECUTORS.iter().enumerate() {
        let o = run(root, &rel, flags);
        let label = format!("{rel} [{}]", flags.join(" "));
        if o.timed_out {
            failures.push(format!("{label}: timed out after {TIMEOUT:?}"));
            continue;
        }
        if update && k == 0 {
            std::fs::write(&out_path, &o.stdout).unwrap();
            if o.code == Some(0) {
                let _ = std::fs::remove_file(&err_path);
            } else {
                std::fs::write(&err_path, &o.stderr).unwrap();
            }
            continue;
        }
        let expected_out = match std::fs::read_to_string(&out_path) {
            Ok(s) => s,
            Err(_) => {
                failures.push(format!(
                    "{label}: missing {} (run with UPDATE_EXPECT=1 or tools/conformance_expected.py)",
                    out_path.strip_prefix(root).unwrap().display()
                ));
                continue;
            }
        };
        let expected_err = std::fs::read_to_string(&err_path).ok();
        let expected_code = if expected_err.is_some() { 1 } else { 0 };
        let mut msg = String::new();
        if o.code != Some(expected_code) {
            msg.push_str(&format!(
                "  exit code {:?}, expected {expected_code}\n",
                o.code
            ));
        }
        if o.stdout != expected_out {
            msg.push_str(&diff("stdout", &expected_out, &o.stdout));
        }
        match &expected_err {
            Some(e) if *e != o.stderr => msg.push_str(&diff("stderr", e, &o.stderr)),
            None if !msg.is_empty() && !o.stderr.is_empty() => {
                let shown: String = o
                    .stderr
                    .lines()
                    .take(15)
                    .map(|l| format!("    | {l}\n"))
                    .collect();
                msg.push_str(&format!("  stderr:\n{shown}"));
            }
            _ => {}
        }
        if !msg.is_empty() {
            failures.push(format!("{label}:\n{msg}"));
        }
    }
    failures
}

#[test]
fn conformance() {
    let root = workspace_root();
    let dir = root.join("tests/conformance");
    let mut programs = Vec::new();
    collect(&dir, &mut programs);
    let filter = std::env::var("CONFORMANCE_FILTER")
        .ok()
        .filter(|f| !f.is_empty());
    if let Some(f) = &filter {
        programs.retain(|p| {
            p.strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .contains(f.as_str())
        });
    }
    let update = std::env::var("UPDATE_EXPECT").is_ok_and(|v| !v.is_empty() && v != "0");

    // Run the programs on a few worker threads (each is a separate process).
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Vec<String>)>> = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism()
        .map_or(4, |n| n.get())
        .clamp(1, 8);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(p) = programs.get(i) else { break };
                let f = check_one(&root, p, update);
                results.lock().unwrap().push((i, f));
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|r| r.0);
    let failures: Vec<String> = results.into_iter().flat_map(|r| r.1).collect();

    let mut report = String::new();
    if filter.is_none() && programs.len() < MIN_PROGRAMS {
        report.push_str(&format!(
            "only {} conformance programs found in {} (expected at least {MIN_PROGRAMS})\n",
            programs.len(),
            dir.display()
        ));
    }
    if !failures.is_empty() {
        report.push_str(&format!(
            "{} of {} program runs failed:\n\n{}",
            failures.len(),
            programs.len() * EXECUTORS.len(),
            failures.join("\n")
        ));
    }
    if update {
        eprintln!(
            "UPDATE_EXPECT: rewrote expectations of {} programs",
            programs.len()
        );
    }
    assert!(report.is_empty(), "{report}");
}
