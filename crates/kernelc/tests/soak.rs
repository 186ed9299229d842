//! Concurrency soak: eight threads share one `Kernel` for a bounded time, compiling new
//! signatures and calling cached ones under both executors, with every result checked;
//! afterwards the resident memory has not grown beyond a small allowance (compiled code
//! and caches are bounded by the signatures used, results are freed).
//!
//! `KERNELC_SOAK_SECONDS` sets the duration (default 2 s; docs/testing.md).

use kernelc::{Arg, Executor, Kernel, RunOptions, Scalar};
use std::time::{Duration, Instant};

const SRC: &str = "
import numpy as np

def poly(a, k):
    out = np.empty_like(a)
    for i in range(a.shape[0]):
        out[i] = a[i] * a[i] + k
    return out

def stats(a):
    s = 0.0
    for i in prange(a.shape[0]):
        s += a[i]
    return s, a.max()

def norm2(a):
    return np.sqrt(np.sum(a * a))
";

/// Resident set size in bytes (Linux), or `None` elsewhere.
fn rss() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// One round of calls by thread `t`; panics on a wrong result.
fn round(kernel: &Kernel, t: usize, r: usize) {
    let n = 1 + (t * 7 + r) % 300;
    let xs: Vec<f64> = (0..n).map(|i| (i as f64) * 0.5 - 3.0).collect();
    let xi: Vec<i64> = (0..n as i64).map(|i| i - 5).collect();
    let xf: Vec<f32> = xs.iter().map(|&x| x as f32).collect();
    let exec = if (t + r).is_multiple_of(3) {
        Executor::Interp
    } else {
        Executor::Jit
    };
    let k = kernel.with_options(RunOptions {
        executor: exec,
        ..RunOptions::default()
    });

    // A scalar of a different type on some threads: a new signature compiled concurrently.
    let kk: Arg<'_> = if t.is_multiple_of(2) {
        Arg::from(2.0f64)
    } else {
        Arg::from(2i64)
    };
    let out = k
        .function("poly")
        .unwrap()
        .call(&[(&xs).into(), kk])
        .unwrap();
    let want: Vec<f64> = xs.iter().map(|x| x * x + 2.0).collect();
    assert_eq!(out.into_vec::<f64>().unwrap(), want);

    let out = k
        .function("poly")
        .unwrap()
        .call(&[(&xi).into(), Arg::from(3i64)])
        .unwrap();
    let want: Vec<i64> = xi.iter().map(|x| x * x + 3).collect();
    assert_eq!(out.into_vec::<i64>().unwrap(), want);

    let out = k.function("norm2").unwrap().call(&[(&xf).into()]).unwrap();
    let want = xf.iter().map(|x| x * x).sum::<f32>().sqrt();
    match out.scalar() {
        Some(Scalar::F32(v)) => assert!((v - want).abs() <= want * 1e-5, "{v} vs {want}"),
        other => panic!("norm2 gave {other:?}"),
    }

    let out = k.function("stats").unwrap().call(&[(&xs).into()]).unwrap();
    let kernelc::Output::Tuple(items) = out else {
        panic!("stats gave no tuple")
    };
    let max = xs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    assert_eq!(items[1].to_f64(), Some(max));
    let s = items[0].to_f64().unwrap();
    let exact: f64 = xs.iter().sum();
    assert!((s - exact).abs() < 1e-9, "{s} vs {exact}");
}

#[test]
fn eight_threads_share_one_kernel() {
    let seconds: f64 = std::env::var("KERNELC_SOAK_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.0);
    let kernel = Kernel::from_source(SRC).unwrap();
    // Warm-up: every signature compiled once, allocator and pools settled.
    for t in 0..8 {
        for r in 0..3 {
            round(&kernel, t, r);
        }
    }
    let before = rss();
    let stop = Instant::now() + Duration::from_secs_f64(seconds);
    let rounds: Vec<usize> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|t| {
                let kernel = &kernel;
                s.spawn(move || {
                    let mut r = 0;
                    while Instant::now() < stop {
                        round(kernel, t, r);
                        r += 1;
                    }
                    r
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(
        rounds.iter().all(|&r| r > 0),
        "a thread made no progress: {rounds:?}"
    );
    // Three signatures of `poly`, one of `stats`, one of `norm2`: nothing more compiled.
    assert_eq!(kernel.dispatcher().cached(), 5);
    if let (Some(a), Some(b)) = (before, rss()) {
        let grown = b.saturating_sub(a);
        assert!(
            grown < 64 << 20,
            "resident memory grew by {grown} bytes over {} rounds",
            rounds.iter().sum::<usize>()
        );
    }
}
