#!/usr/bin/env bash
# Regenerates the benchmark report: the generated section of docs/performance.md (between
# <!-- generated:begin --> and <!-- generated:end -->) and the SVG plots in docs/perf/.
#
#   tools/perf_report.sh                     # criterion benches, peers, report (~10 min on 2 cores)
#   PYTHON=/tmp/venv/bin/python tools/perf_report.sh   # the peers from a virtual environment
#   tools/perf_report.sh --report-only       # only redraw from the last runs in target/perf
#
# 1. `cargo bench -p kernelc-bench --bench kernels` (results in target/perf/criterion,
#    manifest in target/perf/bench-run.json);
# 2. `tools/peers.py` under $PYTHON (default python3): NumPy, numexpr and Numba on the same
#    workloads, sizes and thread counts (target/perf/peers.json; peers that are not
#    importable are listed as missing, and the report says so). Install them with
#    `python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy numexpr numba`;
#    With the kernelc package installed there too (`pip install ./python`),
#    `python/bench_peers.py` compares it in one process with numexpr and Numba
#    (target/perf/python.json);
# 3. `cargo run --release -p kernelc-bench -- report`.
# Environment passed on to the benches: KERNELC_BENCH_SIZES, KERNELC_BENCH_GROUPS,
# KERNELC_BENCH_MAX_CALL (see crates/kernelc-bench/benches/kernels.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
perf="$PWD/target/perf"
python="${PYTHON:-python3}"
if [ "${1:-}" != "--report-only" ]; then
    rm -rf "$perf/criterion" "$perf/bench-run.json" "$perf/peers.json" "$perf/python.json"
    mkdir -p "$perf"
    KERNELC_PERF_DIR="$perf" cargo bench -p kernelc-bench --bench kernels
    peer_args=()
    [ -n "${KERNELC_BENCH_SIZES:-}" ] && peer_args+=(--sizes "$KERNELC_BENCH_SIZES")
    [ -n "${KERNELC_BENCH_GROUPS:-}" ] && peer_args+=(--groups "$KERNELC_BENCH_GROUPS")
    [ -n "${KERNELC_BENCH_MAX_CALL:-}" ] && peer_args+=(--max-call "$KERNELC_BENCH_MAX_CALL")
    "$python" tools/peers.py --out "$perf/peers.json" "${peer_args[@]}" ||
        echo "tools/peers.py failed: the report has no peers" >&2
    # The Python package in one process with the peers, when it is installed there.
    if "$python" -c "import kernelc, numpy" 2>/dev/null; then
        "$python" -P python/bench_peers.py --threads "$(nproc)" --no-targets --json "$perf/python.json" ||
            echo "python/bench_peers.py failed" >&2
    else
        echo "kernelc is not importable by $python: no in-process comparison (pip install ./python)" >&2
    fi
fi
cargo run --release -p kernelc-bench -- report --perf-dir "$perf"
