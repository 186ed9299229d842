//! The generated part of docs/performance.md: tables of medians and ratios and SVG plots,
//! from one benchmark run.
//!
//! Inputs (all in the perf directory, `target/perf` by default; see
//! `tools/perf_report.sh`, which produces them and then runs `kernelc-bench report`):
//! * `criterion/**/new/{benchmark,estimates}.json` — criterion's results of
//!   `benches/kernels.rs` (the workload groups, `bandwidth`, `compile`, `call`);
//! * `bench-run.json` — that run's manifest: machine, thread counts, sizes, skipped cells;
//! * `peers.json` — `tools/peers.py`'s NumPy, numexpr and Numba medians (optional: without
//!   it the report says the peers were not measured).
//!
//! Output: the Markdown between [`BEGIN`] and [`END`] in the document (everything outside
//! the markers is kept as it is: the hand-written sections), and one SVG per workload
//! (throughput against size per executor) plus `speedup.svg` (speed-up against threads),
//! drawn with plotters ([`plots`]).

use crate::machine::Machine;
use crate::workloads::{Workload, WORKLOADS};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

pub mod plots;

/// The line that opens the generated region of the document.
pub const BEGIN: &str = "<!-- generated:begin -->";
/// The line that closes it.
pub const END: &str = "<!-- generated:end -->";

/// Where a report's inputs and outputs are.
#[derive(Clone, Debug)]
pub struct Options {
    /// The perf directory (criterion results, manifest, peers).
    pub perf_dir: PathBuf,
    /// The document whose generated region is replaced.
    pub doc: PathBuf,
    /// Where the SVG plots go.
    pub svg_dir: PathBuf,
    /// The size (elements) of the summary tables.
    pub size: usize,
}

/// One measured cell: a series (executor or peer at a thread count) of a workload at a
/// size.
pub type Cells = BTreeMap<(String, String, usize), f64>;

/// Everything one run measured.
#[derive(Debug, Default)]
pub struct Data {
    /// Medians in seconds by (workload or group, series, size): series are the bench's
    /// executor ids (`jit_1t`, `jit_all`, `interp`, `rust`, `rayon`), the bandwidth ids,
    /// and the peers as `numpy_1t`, `numexpr_1t`, `numexpr_all`, `numba_1t`, `numba_all`.
    pub cells: Cells,
    /// Other criterion results by (group, function, parameter): `compile`, `call`.
    pub other: BTreeMap<(String, String, String), f64>,
    /// The bench's manifest (`bench-run.json`), if present.
    pub manifest: Option<Json>,
    /// `tools/peers.py`'s output, if present.
    pub peers: Option<Json>,
    /// `python/bench_peers.py --json`'s output (the Python package against numexpr and
    /// Numba in one process), if present.
    pub python: Option<Json>,
}

impl Data {
    /// The median of `series` of `group` at `n`, in seconds.
    pub fn get(&self, group: &str, series: &str, n: usize) -> Option<f64> {
        self.cells
            .get(&(group.to_string(), series.to_string(), n))
            .copied()
    }

    /// The sizes measured for `group`.
    pub fn sizes(&self, group: &str) -> Vec<usize> {
        let mut v: Vec<usize> = self
            .cells
            .keys()
            .filter(|(g, _, _)| g == group)
            .map(|(_, _, n)| *n)
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// The thread count "all" stands for.
    pub fn threads_all(&self) -> usize {
        self.manifest
            .as_ref()
            .and_then(|m| m["threads_all"].as_u64())
            .unwrap_or(0) as usize
    }
}

fn read_json(path: &Path) -> Result<Option<Json>, String> {
    match std::fs::read_to_string(path) {
        Ok(t) => serde_json::from_str(&t)
            .map(Some)
            .map_err(|e| format!("{}: {e}", path.display())),
        Err(_) => Ok(None),
    }
}

/// Every `new/benchmark.json` under `dir`.
fn find_benchmarks(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "new") {
                let b = p.join("benchmark.json");
                if b.is_file() {
                    out.push(b);
                }
            } else {
                find_benchmarks(&p, out);
            }
        }
    }
}

/// Reads criterion's results, the manifest and the peers' JSON from `perf_dir`.
pub fn load(perf_dir: &Path) -> Result<Data, String> {
    let mut data = Data {
        manifest: read_json(&perf_dir.join("bench-run.json"))?,
        peers: read_json(&perf_dir.join("peers.json"))?,
        python: read_json(&perf_dir.join("python.json"))?,
        ..Data::default()
    };
    let mut files = Vec::new();
    find_benchmarks(&perf_dir.join("criterion"), &mut files);
    files.sort();
    for b in files {
        let Some(meta) = read_json(&b)? else { continue };
        let est = read_json(&b.with_file_name("estimates.json"))?
            .ok_or_else(|| format!("{}: no estimates.json beside it", b.display()))?;
        let Some(ns) = est["median"]["point_estimate"].as_f64() else {
            continue;
        };
        let group = meta["group_id"].as_str().unwrap_or_default().to_string();
        let func = meta["function_id"].as_str().unwrap_or_default().to_string();
        let value = meta["value_str"].as_str().unwrap_or_default().to_string();
        match value.parse::<usize>() {
            Ok(n) if group != "call" => {
                data.cells.insert((group, func, n), ns * 1e-9);
            }
            _ => {
                data.other.insert((group, func, value), ns * 1e-9);
            }
        }
    }
    if let Some(p) = &data.peers {
        let all = p["threads"]
            .as_array()
            .and_then(|t| t.iter().filter_map(Json::as_u64).max())
            .unwrap_or(1);
        for r in p["results"].as_array().into_iter().flatten() {
            let (Some(w), Some(peer), Some(t), Some(n), Some(s)) = (
                r["workload"].as_str(),
                r["peer"].as_str(),
                r["threads"].as_u64(),
                r["size"].as_u64(),
                r["median_s"].as_f64(),
            ) else {
                continue;
            };
            let series = match t {
                1 => format!("{peer}_1t"),
                t if t == all => format!("{peer}_all"),
                t => format!("{peer}_{t}t"),
            };
            data.cells.insert((w.to_string(), series, n as usize), s);
        }
    }
    Ok(data)
}

/// A duration with 3 significant digits and a unit.
pub fn fmt_time(s: f64) -> String {
    let (v, unit) = if s < 1e-6 {
        (s * 1e9, "ns")
    } else if s < 1e-3 {
        (s * 1e6, "µs")
    } else if s < 1.0 {
        (s * 1e3, "ms")
    } else {
        (s, "s")
    };
    let digits = if v >= 100.0 {
        0
    } else if v >= 10.0 {
        1
    } else {
        2
    };
    format!("{v:.digits$} {unit}")
}

/// A size as the tables write it (1K, 10M).
pub fn fmt_size(n: usize) -> String {
    match n {
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n % 1_000 == 0 => format!("{}K", n / 1_000),
        n => n.to_string(),
    }
}

fn fmt_ratio(r: Option<f64>) -> String {
    match r {
        Some(r) if r >= 100.0 => format!("{r:.0}"),
        Some(r) if r >= 10.0 => format!("{r:.1}"),
        Some(r) => format!("{r:.2}"),
        None => "—".into(),
    }
}

/// The series of the tables and plots, with their labels.
pub const SERIES: &[(&str, &str)] = &[
    ("jit_1t", "kernelc JIT, 1 thread"),
    ("jit_all", "kernelc JIT, all threads"),
    ("interp", "interpreter"),
    ("rust", "Rust"),
    ("rayon", "Rust + rayon"),
    ("numpy_1t", "NumPy"),
    ("numexpr_1t", "numexpr, 1 thread"),
    ("numexpr_all", "numexpr, all threads"),
    ("numba_1t", "Numba, 1 thread"),
    ("numba_all", "Numba, all threads"),
];

/// The generated Markdown (without the markers). `svg_link` is the SVG directory as the
/// document links it.
pub fn markdown(data: &Data, size: usize, svg_link: &str) -> String {
    let mut s = String::new();
    let m = data
        .manifest
        .as_ref()
        .map(|m| Machine::from_json(&m["machine"]));
    let all = data.threads_all();
    let _ = writeln!(s, "## Generated report\n");
    let _ = writeln!(
        s,
        "Regenerated by `tools/perf_report.sh` (criterion benches, `tools/peers.py`, then \
         `cargo run --release -p kernelc-bench -- report`); do not edit this section by hand.\n"
    );
    match &m {
        Some(m) => {
            let _ = writeln!(
                s,
                "* **Measured** {} UTC at commit `{}`; load average at the start {}.\n\
                 * **Machine**: {}, {} hardware threads, {:.0} GiB of memory.",
                m.date, m.commit, m.load, m.cpu, m.threads, m.memory_gib
            );
        }
        None => {
            let _ = writeln!(
                s,
                "* **Measured**: no run manifest (`bench-run.json`) found."
            );
        }
    }
    let _ = writeln!(
        s,
        "* **Threads**: \"1 thread\" and \"all threads\" = {all} (the JIT's `threads` option, \
         rayon's global pool, `numexpr.set_num_threads`, `numba.set_num_threads`); NumPy, \
         the interpreter and serial Rust use one thread."
    );
    match &data.peers {
        Some(p) => {
            let v = |k: &str| p["peers"][k].as_str().map(|v| format!("{k} {v}"));
            let have: Vec<String> = ["numpy", "numexpr", "numba"]
                .iter()
                .filter_map(|k| v(k))
                .collect();
            let missing: Vec<&str> = p["missing"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Json::as_str)
                .collect();
            let _ = write!(
                s,
                "* **Peers** (`tools/peers.py`, Python {}, same sizes and thread counts): {}",
                p["python"].as_str().unwrap_or("?"),
                if have.is_empty() {
                    "none".to_string()
                } else {
                    have.join(", ")
                }
            );
            if !missing.is_empty() {
                let _ = write!(
                    s,
                    "; **not installed: {}** (`pip install numpy numexpr numba`)",
                    missing.join(", ")
                );
            }
            let _ = writeln!(s, ".");
            let mism = p["mismatches"].as_array().map_or(0, Vec::len);
            if mism > 0 {
                let _ = writeln!(
                    s,
                    "* {mism} peer results differed from NumPy's and are left out (see peers.json)."
                );
            }
        }
        None => {
            let _ = writeln!(
                s,
                "* **Peers**: not measured in this run (no `peers.json`: run `tools/peers.py` \
                 with NumPy, numexpr and Numba installed)."
            );
        }
    }
    let max_call = data
        .manifest
        .as_ref()
        .and_then(|m| m["max_call_s"].as_f64())
        .unwrap_or(0.5);
    let _ = writeln!(
        s,
        "* **Method**: criterion medians (10 samples, flat sampling, 0.3 s per benchmark); \
         peers: median of at least 3 calls after a warm-up call. Results of every executor are \
         checked against each other before timing (JIT on 1 and all threads and the \
         interpreter bit for bit). Cells whose single call took longer than {max_call} s are \
         skipped (—).\n"
    );

    summary_tables(&mut s, data, size, all);
    bandwidth_table(&mut s, data);
    plots_section(&mut s, data, svg_link);
    per_size_tables(&mut s, data);
    other_tables(&mut s, data);
    python_table(&mut s, data);
    skipped_list(&mut s, data);
    s
}

/// The size the summary uses for a workload: `size` if the JIT was measured there, else
/// the largest measured size below it.
fn summary_size(data: &Data, group: &str, size: usize) -> Option<usize> {
    data.sizes(group)
        .into_iter()
        .filter(|&n| n <= size && data.get(group, "jit_1t", n).is_some())
        .max()
}

fn summary_tables(s: &mut String, data: &Data, size: usize, all: usize) {
    let _ = writeln!(s, "### Medians at {} elements\n", fmt_size(size));
    let _ = write!(s, "| workload | n |");
    for (_, label) in SERIES {
        let _ = write!(s, " {label} |");
    }
    let _ = writeln!(s, "\n|---|---|{}", "---:|".repeat(SERIES.len()));
    for w in WORKLOADS {
        let Some(n) = summary_size(data, w.name, size) else {
            continue;
        };
        let _ = write!(s, "| {} | {} |", w.name, fmt_size(n));
        for (id, _) in SERIES {
            let cell = data.get(w.name, id, n).map_or("—".into(), fmt_time);
            let _ = write!(s, " {cell} |");
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(
        s,
        "\nRatios at the same size: each is the other's time over kernelc's JIT at the same \
         thread count (above 1: kernelc is faster). GB/s: bytes of the array arguments and \
         result per second, JIT on 1 thread, and as a share of the copy bandwidth on 1 thread \
         at that size.\n"
    );
    let _ = writeln!(
        s,
        "| workload | what | interpreter | Rust | rayon ({all} thr.) | NumPy | numexpr 1 thr. | \
         numexpr {all} thr. | Numba 1 thr. | Numba {all} thr. | JIT speed-up 1 → {all} thr. | JIT GB/s | % of copy |"
    );
    let _ = writeln!(s, "|---|---|{}", "---:|".repeat(11));
    for w in WORKLOADS {
        let Some(n) = summary_size(data, w.name, size) else {
            continue;
        };
        let g = |id: &str| data.get(w.name, id, n);
        let over = |other: &str, jit: &str| Some(g(other)? / g(jit)?);
        let gbs = (w.bytes_per_element > 0.0)
            .then(|| g("jit_1t").map(|t| w.bytes_per_element * n as f64 / t / 1e9))
            .flatten();
        let copy = data
            .get("bandwidth", "copy_1t", n)
            .map(|t| 16.0 * n as f64 / t / 1e9);
        let share = gbs.zip(copy).map(|(a, b)| format!("{:.0}%", 100.0 * a / b));
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            w.name,
            w.what,
            fmt_ratio(over("interp", "jit_1t")),
            fmt_ratio(over("rust", "jit_1t")),
            fmt_ratio(over("rayon", "jit_all")),
            fmt_ratio(over("numpy_1t", "jit_1t")),
            fmt_ratio(over("numexpr_1t", "jit_1t")),
            fmt_ratio(over("numexpr_all", "jit_all")),
            fmt_ratio(over("numba_1t", "jit_1t")),
            fmt_ratio(over("numba_all", "jit_all")),
            fmt_ratio(over("jit_1t", "jit_all")),
            gbs.map_or("—".into(), |g| format!("{g:.2}")),
            share.unwrap_or_else(|| "—".into()),
        );
    }
    let _ = writeln!(s);
}

fn bandwidth_table(s: &mut String, data: &Data) {
    let sizes = data.sizes("bandwidth");
    if sizes.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "### Memory bandwidth reference (GB/s)\n\nCopy `out[i] = a[i]` (16 bytes per element) \
         and triad `out[i] = a[i] + s*b[i]` (24 bytes), hand-written Rust.\n"
    );
    let _ = writeln!(
        s,
        "| n | copy, 1 thread | copy, all | triad, 1 thread | triad, all |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|");
    for n in sizes {
        let _ = write!(s, "| {} |", fmt_size(n));
        for (id, bytes) in crate::bandwidth::KERNELS {
            let cell = data.get("bandwidth", id, n).map_or("—".into(), |t| {
                format!("{:.1}", bytes * n as f64 / t / 1e9)
            });
            let _ = write!(s, " {cell} |");
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s);
}

fn plots_section(s: &mut String, data: &Data, svg_link: &str) {
    let _ = writeln!(
        s,
        "### Plots\n\nThroughput (elements per second, log scale) against array size, per \
         executor; and the speed-up of going from 1 to all threads.\n"
    );
    let _ = writeln!(s, "![speed-up against threads]({svg_link}/speedup.svg)\n");
    for w in WORKLOADS.iter().filter(|w| !data.sizes(w.name).is_empty()) {
        let _ = writeln!(s, "![{}]({svg_link}/{}.svg)", w.name, w.name);
    }
    let _ = writeln!(s);
}

fn per_size_tables(s: &mut String, data: &Data) {
    let _ = writeln!(s, "### Every size\n\nMedian time per call.\n");
    for w in WORKLOADS {
        let sizes = data.sizes(w.name);
        if sizes.is_empty() {
            continue;
        }
        let series: Vec<&(&str, &str)> = SERIES
            .iter()
            .filter(|(id, _)| sizes.iter().any(|&n| data.get(w.name, id, n).is_some()))
            .collect();
        let _ = writeln!(s, "**{}** ({}; n = {}s)\n", w.name, w.what, w.unit);
        let _ = write!(s, "| n |");
        for (_, label) in &series {
            let _ = write!(s, " {label} |");
        }
        let _ = writeln!(s, "\n|---|{}", "---:|".repeat(series.len()));
        for n in sizes {
            let _ = write!(s, "| {} |", fmt_size(n));
            for (id, _) in &series {
                let _ = write!(
                    s,
                    " {} |",
                    data.get(w.name, id, n).map_or("—".into(), fmt_time)
                );
            }
            let _ = writeln!(s);
        }
        let _ = writeln!(s);
    }
}

fn other_tables(s: &mut String, data: &Data) {
    let compile: Vec<(&String, f64)> = data
        .cells
        .iter()
        .filter(|((g, _, _), _)| g == "compile")
        .map(|((_, f, _), t)| (f, *t))
        .chain(
            data.other
                .iter()
                .filter(|((g, _, _), _)| g == "compile")
                .map(|((_, f, _), t)| (f, *t)),
        )
        .collect();
    if !compile.is_empty() {
        let _ = writeln!(
            s,
            "### Compile latency\n\nSource text to callable native code (parse, type inference, \
             Cranelift, finalize), median of fresh compiles.\n\n| kernel | compile |\n|---|---:|"
        );
        for (f, t) in compile {
            let _ = writeln!(s, "| {f} | {} |", fmt_time(t));
        }
        let _ = writeln!(s);
    }
    let calls: Vec<_> = data
        .other
        .iter()
        .filter(|((g, _, _), _)| g == "call")
        .collect();
    if !calls.is_empty() {
        let _ = writeln!(
            s,
            "### Cached call on 16 elements\n\nA call through the dispatcher's cache (argument \
             marshalling, native code, result), against the interpreter and a Rust call.\n\n\
             | call | JIT | interpreter | Rust |\n|---|---:|---:|---:|"
        );
        let mut names: Vec<&String> = calls.iter().map(|((_, f, _), _)| f).collect();
        names.dedup();
        for f in names {
            let g = |e: &str| {
                data.other
                    .get(&("call".to_string(), f.clone(), e.to_string()))
                    .map_or("—".into(), |t| fmt_time(*t))
            };
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} |",
                f.trim_start_matches("call_"),
                g("jit"),
                g("interp"),
                g("rust")
            );
        }
        let _ = writeln!(s);
    }
}

/// The Python package in one process with numexpr and Numba (`python/bench_peers.py`).
fn python_table(s: &mut String, data: &Data) {
    let _ = writeln!(s, "### Python package, in one process with the peers\n");
    let Some(p) = &data.python else {
        let _ = writeln!(
            s,
            "Not run: the `kernelc` Python package was not importable by the peers' Python \
             (`pip install ./python` into the same environment, then `tools/perf_report.sh`).\n"
        );
        return;
    };
    let _ = writeln!(
        s,
        "`python/bench_peers.py` ({} threads, scale {}): `kernelc.evaluate` / `kernelc.jit` \
         against `numexpr.evaluate` / `numba.njit` on the same arrays, best of its repeats; \
         ratios above 1: kernelc is faster.\n",
        p["threads"].as_u64().unwrap_or(0),
        p["scale"].as_f64().unwrap_or(1.0)
    );
    let _ = writeln!(
        s,
        "| workload | what | kernelc | numexpr | Numba | numexpr / kernelc | Numba / kernelc |"
    );
    let _ = writeln!(s, "|---|---|---:|---:|---:|---:|---:|");
    for r in p["workloads"].as_array().into_iter().flatten() {
        let t = |k: &str| r[k].as_f64();
        let cell = |k: &str| t(k).map_or("—".into(), fmt_time);
        let ratio = |k: &str| fmt_ratio(t(k).zip(t("kernelc")).map(|(a, b)| a / b));
        let _ = writeln!(
            s,
            "| {} | `{}` | {} | {} | {} | {} | {} |",
            r["workload"].as_str().unwrap_or("?"),
            r["what"].as_str().unwrap_or("?"),
            cell("kernelc"),
            cell("numexpr"),
            cell("numba"),
            ratio("numexpr"),
            ratio("numba")
        );
    }
    if let Some(t) = p["targets"].as_object() {
        let _ = writeln!(
            s,
            "\nIssue 14's targets: {}.",
            t.iter()
                .map(|(k, v)| format!("`{k}` {:.3}", v.as_f64().unwrap_or(f64::NAN)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let _ = writeln!(s);
}

fn skipped_list(s: &mut String, data: &Data) {
    let mut v: Vec<String> = Vec::new();
    if let Some(m) = &data.manifest {
        for k in m["skipped"].as_array().into_iter().flatten() {
            v.push(format!(
                "{} {} at {}: {}",
                k["group"].as_str().unwrap_or("?"),
                k["executor"].as_str().unwrap_or("?"),
                fmt_size(k["size"].as_u64().unwrap_or(0) as usize),
                k["reason"].as_str().unwrap_or("?")
            ));
        }
    }
    if let Some(p) = &data.peers {
        for k in p["skipped"].as_array().into_iter().flatten() {
            v.push(format!(
                "{} {} ({} thr.) at {}: {}",
                k["workload"].as_str().unwrap_or("?"),
                k["peer"].as_str().unwrap_or("?"),
                k["threads"].as_u64().unwrap_or(0),
                fmt_size(k["size"].as_u64().unwrap_or(0) as usize),
                k["reason"].as_str().unwrap_or("?")
            ));
        }
    }
    if !v.is_empty() {
        let _ = writeln!(s, "### Skipped cells\n");
        for x in v {
            let _ = writeln!(s, "* {x}");
        }
        let _ = writeln!(s);
    }
}

/// `doc` with its generated region replaced by `generated` (markers kept); appended at the
/// end, with markers, when the document has none. An unclosed region is an error.
pub fn splice(doc: &str, generated: &str) -> Result<String, String> {
    let region = format!("{BEGIN}\n{}\n{END}", generated.trim_end());
    match (doc.find(BEGIN), doc.find(END)) {
        (Some(b), Some(e)) if b < e => {
            Ok(format!("{}{region}{}", &doc[..b], &doc[e + END.len()..]))
        }
        (None, None) => Ok(format!("{}\n\n{region}\n", doc.trim_end())),
        _ => Err(format!(
            "the document's {BEGIN} and {END} markers do not enclose a region"
        )),
    }
}

/// How the document links the SVG directory: relative to the document's folder when the
/// SVGs are below it.
fn svg_link(doc: &Path, svg_dir: &Path) -> String {
    let abs = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (d, v) = (abs(doc.parent().unwrap_or(Path::new("."))), abs(svg_dir));
    v.strip_prefix(&d)
        .map(|r| r.display().to_string())
        .unwrap_or_else(|_| v.display().to_string())
}

/// Regenerates the report: reads the runs, draws the SVGs, rewrites the document's
/// generated region. Returns the files written.
pub fn generate(o: &Options) -> Result<Vec<PathBuf>, String> {
    let data = load(&o.perf_dir)?;
    if data.cells.is_empty() {
        return Err(format!(
            "no benchmark results under {} (run `cargo bench -p kernelc-bench` first)",
            o.perf_dir.join("criterion").display()
        ));
    }
    std::fs::create_dir_all(&o.svg_dir).map_err(|e| format!("{}: {e}", o.svg_dir.display()))?;
    let mut written = plots::draw_all(&data, &o.svg_dir, o.size)?;
    let doc = std::fs::read_to_string(&o.doc).map_err(|e| format!("{}: {e}", o.doc.display()))?;
    let text = splice(
        &doc,
        &markdown(&data, o.size, &svg_link(&o.doc, &o.svg_dir)),
    )?;
    std::fs::write(&o.doc, text).map_err(|e| format!("{}: {e}", o.doc.display()))?;
    written.push(o.doc.clone());
    Ok(written)
}

/// The workloads in the report's order (for the plots).
pub fn workloads() -> &'static [Workload] {
    WORKLOADS
}
