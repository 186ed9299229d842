//! The report generator on a small fixture: a criterion tree, a run manifest and a peers
//! file written here, then `report::generate` into a document with hand-written sections.
//! No timing is measured or asserted.

use kernelc_bench::report::{self, Options, BEGIN, END};
use std::path::{Path, PathBuf};

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// One criterion result: `group/func/value` with a median of `ns` nanoseconds.
fn cell(root: &Path, group: &str, func: &str, value: Option<&str>, ns: f64) {
    let mut dir = root.join("criterion").join(group).join(func);
    if let Some(v) = value {
        dir = dir.join(v);
    }
    let value_json = value.map_or("null".to_string(), |v| format!("{v:?}"));
    write(
        &dir.join("new/benchmark.json"),
        &format!(
            r#"{{"group_id":"{group}","function_id":"{func}","value_str":{value_json},"throughput":null}}"#
        ),
    );
    write(
        &dir.join("new/estimates.json"),
        &format!(
            r#"{{"mean":{{"point_estimate":{}}},"median":{{"point_estimate":{ns}}}}}"#,
            ns * 1.1
        ),
    );
}

fn fixture(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("kernelc-report-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let perf = root.join("perf");
    for (n, scale) in [("1000", 1.0), ("1000000", 1000.0)] {
        cell(&perf, "expr1", "jit_1t", Some(n), 2_000.0 * scale);
        cell(&perf, "expr1", "jit_all", Some(n), 1_000.0 * scale);
        cell(&perf, "expr1", "interp", Some(n), 6_000.0 * scale);
        cell(&perf, "expr1", "rust", Some(n), 1_500.0 * scale);
        cell(&perf, "expr1", "rayon", Some(n), 800.0 * scale);
        cell(&perf, "bandwidth", "copy_1t", Some(n), 1_000.0 * scale);
    }
    cell(&perf, "sum_squares", "jit_1t", Some("1000"), 1_000.0);
    cell(&perf, "compile", "expr1", None, 350_000.0);
    cell(&perf, "call", "call_expr1", Some("jit"), 600.0);
    write(
        &perf.join("bench-run.json"),
        r#"{"machine": {"cpu": "Fixture CPU 9000", "threads": 2, "memory_gib": 24.0,
            "load": "0.1 0.2 0.3", "commit": "abc1234", "date": "2026-12-05 08:00"},
            "threads_all": 2, "sizes": [1000, 1000000], "max_call_s": 0.5,
            "skipped": [{"group": "expr1", "executor": "interp", "size": 10000000,
                         "reason": "about 2 s per call"}]}"#,
    );
    write(
        &perf.join("peers.json"),
        r#"{"python": "3.11.2", "peers": {"numpy": "2.4.6", "numexpr": null, "numba": null},
            "missing": ["numexpr", "numba"], "threads": [1, 2], "skipped": [], "mismatches": [],
            "results": [{"workload": "expr1", "peer": "numpy", "threads": 1, "size": 1000000,
                         "median_s": 0.004, "runs": 5}]}"#,
    );
    write(
        &root.join("docs/performance.md"),
        &format!("# Performance\n\nHand-written intro.\n\n{BEGIN}\nold generated text\n{END}\n\n## Hand-written tail\n\nKept.\n"),
    );
    root
}

#[test]
fn report_replaces_only_the_generated_region_and_draws_plots() {
    let root = fixture("basic");
    let o = Options {
        perf_dir: root.join("perf"),
        doc: root.join("docs/performance.md"),
        svg_dir: root.join("docs/perf"),
        size: 1_000_000,
    };
    let written = report::generate(&o).unwrap();
    let doc = std::fs::read_to_string(&o.doc).unwrap();

    // Hand-written parts kept, the old generated text gone, one region.
    assert!(doc.starts_with("# Performance\n\nHand-written intro.\n\n"));
    assert!(doc.ends_with("## Hand-written tail\n\nKept.\n"));
    assert!(!doc.contains("old generated text"));
    assert_eq!(doc.matches(BEGIN).count(), 1);
    assert_eq!(doc.matches(END).count(), 1);

    // Machine, peers, medians and ratios from the fixture.
    assert!(
        doc.contains("Fixture CPU 9000, 2 hardware threads, 24 GiB"),
        "{doc}"
    );
    assert!(doc.contains("commit `abc1234`"));
    assert!(doc.contains("**not installed: numexpr, numba**"));
    assert!(
        doc.contains("| expr1 | 1M | 2.00 ms | 1.00 ms | 6.00 ms | 1.50 ms | 800 µs | 4.00 ms |"),
        "{doc}"
    );
    // interpreter 3x, Rust 0.75x, rayon 0.8x (against all threads), NumPy 2x, speed-up 2x,
    // 32 bytes per element / 2 ms = 16 GB/s, copy 16 GB/s -> 100%.
    assert!(
        doc.contains("| 3.00 | 0.75 | 0.80 | 2.00 | — | — | — | — | 2.00 | 16.00 | 100% |"),
        "{doc}"
    );
    assert!(doc.contains("| expr1 | 350 µs |"));
    assert!(doc.contains("| `expr1` | 600 ns | — | — |"));
    assert!(doc.contains("expr1 interp at 10M: about 2 s per call"));
    assert!(doc.contains("![expr1](perf/expr1.svg)"));
    assert!(!doc.contains("![waves]"), "no plot without data");

    // SVGs: one per workload with data, and the speed-up plot.
    for name in ["expr1.svg", "sum_squares.svg", "speedup.svg"] {
        let p = o.svg_dir.join(name);
        assert!(written.contains(&p), "{name} not reported as written");
        let svg = std::fs::read_to_string(&p).unwrap();
        assert!(svg.trim_start().starts_with("<svg"), "{name}");
        assert!(svg.contains("</svg>"));
    }
    assert!(std::fs::read_to_string(o.svg_dir.join("expr1.svg"))
        .unwrap()
        .contains("Rust + rayon"));

    // Regenerating from the same runs gives the same document.
    report::generate(&o).unwrap();
    assert_eq!(std::fs::read_to_string(&o.doc).unwrap(), doc);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn splice_appends_without_markers_and_rejects_an_open_region() {
    let out = report::splice("# Doc\n", "gen").unwrap();
    assert_eq!(out, format!("# Doc\n\n{BEGIN}\ngen\n{END}\n"));
    assert!(report::splice(&format!("a\n{BEGIN}\nb\n"), "gen").is_err());
    assert!(report::splice(&format!("{END}\n{BEGIN}\n"), "gen").is_err());
}

#[test]
fn missing_results_are_an_error() {
    let root = std::env::temp_dir().join(format!("kernelc-report-empty-{}", std::process::id()));
    let o = Options {
        perf_dir: root.join("perf"),
        doc: root.join("doc.md"),
        svg_dir: root.join("svg"),
        size: 1000,
    };
    let e = report::generate(&o).unwrap_err();
    assert!(e.contains("no benchmark results"), "{e}");
}
