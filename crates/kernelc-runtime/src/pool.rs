//! The thread pools parallel work runs on, and the thread-count setting.
//!
//! Work is split into chunks whose boundaries depend only on the size of the work (see
//! [`crate::reduce::prange_chunks`]); this module only decides *where* chunks run. Results
//! are collected in chunk order, so they never depend on the number of threads or on which
//! worker stole which chunk.
//!
//! * One rayon pool per thread count, created on first use and kept for the life of the
//!   process (a call never pays for thread start-up after the first).
//! * The default thread count is `KERNELC_NUM_THREADS` when set (read once), else the
//!   number of cores. Callers pass a per-call count (the facade's `RunOptions::threads`).
//! * Chunks run under the caller's memory limit (`crate::memory`).
//! * Work started from inside a chunk (a prange nested in another, or in a function a
//!   chunk calls) runs serially on the worker: [`in_worker`] tells the caller so.
//!
//! Used by the code generator's prange runner (`kernelc-codegen/src/parallel_rt.rs`) and
//! by parallel loop nests.

use rayon::prelude::*;
use std::cell::Cell;
use std::sync::{Mutex, OnceLock};

/// Upper bound on the threads of one pool (a prange has at most 256 chunks).
pub const MAX_THREADS: usize = 256;

/// Stack size of pool threads: chunks may call recursive kernels (depth limit 1000), as
/// the CLI's main thread does with its 512 MiB stack. Address space only; pages are
/// committed as they are touched.
const WORKER_STACK: usize = 256 << 20;

/// The environment variable that sets the default thread count.
pub const ENV_THREADS: &str = "KERNELC_NUM_THREADS";

/// Whole-array loop nests with fewer elements than this run on the calling thread
/// (measured: see docs/performance.md, "Threads"); larger ones are split across the pool.
pub const PARALLEL_MIN_ELEMENTS: u64 = 1 << 16;

/// Elements per chunk a split loop nest aims for (at most 256 chunks).
pub const NEST_CHUNK_ELEMENTS: u64 = 1 << 14;

/// The fixed split of a loop nest's outer axis of `extent` rows (`total` elements in
/// all) into chunks `(lo, hi)`: depends only on the sizes.
pub fn nest_chunks(extent: u64, total: u64) -> Vec<(u64, u64)> {
    let count = total
        .div_ceil(NEST_CHUNK_ELEMENTS)
        .clamp(1, 256)
        .min(extent.max(1));
    (0..count)
        .map(|k| (k * extent / count, (k + 1) * extent / count))
        .collect()
}

thread_local! {
    /// True while this thread runs a chunk of parallel work.
    static IN_CHUNK: Cell<bool> = const { Cell::new(false) };
}

/// The default thread count: `KERNELC_NUM_THREADS` if it is a positive integer, else the
/// number of cores (read once per process).
pub fn default_threads() -> usize {
    static DEFAULT: OnceLock<usize> = OnceLock::new();
    *DEFAULT.get_or_init(|| {
        std::env::var(ENV_THREADS)
            .ok()
            .and_then(|s| s.trim().parse::<usize>().ok())
            .filter(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .min(MAX_THREADS)
    })
}

/// The thread count for a call: `requested` (0: the default), at most [`MAX_THREADS`].
pub fn effective_threads(requested: usize) -> usize {
    if requested == 0 {
        default_threads()
    } else {
        requested.min(MAX_THREADS)
    }
}

/// True on a thread that is running a chunk: work it starts must run serially.
pub fn in_worker() -> bool {
    IN_CHUNK.with(|c| c.get())
}

/// The pool of `threads` workers (created on first use, then reused).
fn pool(threads: usize) -> Option<&'static rayon::ThreadPool> {
    static POOLS: Mutex<Vec<(usize, &'static rayon::ThreadPool)>> = Mutex::new(Vec::new());
    let mut pools = POOLS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&(_, p)) = pools.iter().find(|(n, _)| *n == threads) {
        return Some(p);
    }
    let p = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(WORKER_STACK)
        .thread_name(|i| format!("kernelc-worker-{i}"))
        .build()
        .ok()?;
    // Kept for the life of the process: one pool per distinct thread count.
    let p: &'static rayon::ThreadPool = Box::leak(Box::new(p));
    pools.push((threads, p));
    Some(p)
}

/// Runs `f(0) .. f(count - 1)` on `threads` threads and returns the results in index
/// order. With one thread, one chunk, or when called from inside a chunk, everything runs
/// in order on the calling thread. `f` must not panic (a panic is caught by rayon and
/// re-raised here; callers catch it in `f` and return an error value instead).
pub fn run_chunks<T: Send>(threads: usize, count: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = effective_threads(threads);
    let serial = || (0..count).map(&f).collect();
    if count <= 1 || threads <= 1 || in_worker() {
        return serial();
    }
    let Some(p) = pool(threads) else {
        return serial();
    };
    // The caller's memory budget applies to what its chunks allocate.
    let limit = crate::memory::current();
    p.install(|| {
        (0..count)
            .into_par_iter()
            .with_max_len(1)
            .map(|k| {
                let was = IN_CHUNK.with(|c| c.replace(true));
                let r = crate::memory::with_limit(limit.clone(), || f(k));
                IN_CHUNK.with(|c| c.set(was));
                r
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_index_order_on_any_thread_count() {
        for threads in [1, 2, 3, 4, 8, 16] {
            let v = run_chunks(threads, 100, |k| k * k);
            assert_eq!(v, (0..100).map(|k| k * k).collect::<Vec<_>>());
        }
    }

    #[test]
    fn nested_work_runs_serially_on_the_worker() {
        let v = run_chunks(2, 4, |_| {
            let inner = run_chunks(2, 3, |_| in_worker());
            (in_worker(), inner)
        });
        for (outer, inner) in v {
            assert!(outer);
            assert_eq!(inner, vec![true; 3]);
        }
    }
}
