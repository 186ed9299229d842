//! The run-time half of a `prange`: runs the outlined chunk function of the loop (see
//! `lower/parallel.rs`) over the loop's fixed chunks, on the thread pool of
//! `kernelc_runtime::pool`.
//!
//! Each chunk runs with its own [`JitCtx`]: its own random stream
//! (`Rng::for_chunk(base, k)`, `base` one draw of the caller's stream), error record and
//! output buffer; the interrupt flag, call depth and programs are the caller's. Chunks
//! write their reduction partials into their own slots of the caller's partials area,
//! which native code combines in chunk order afterwards. After the join, the chunks'
//! output is written in chunk order and the error of the lowest failing chunk is the
//! caller's, so output, results and errors are those of the serial run on any thread
//! count. A chunk above the lowest failure seen so far is not started.
#![allow(clippy::missing_safety_doc)]

use crate::abi::JitCtx;
use kernelc_runtime::reduce::{self, prange_chunks};
use kernelc_runtime::rng::Rng;
use kernelc_runtime::{pool, RuntimeError};
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};

/// An outlined chunk: `(ctx, env, k, lo, hi, partials)` runs iterations `lo..hi` (chunk
/// `k`) and writes its reduction partials to `partials`; failures set `ctx.failed`.
pub type ChunkFn = unsafe extern "C" fn(*mut JitCtx, *const u64, i64, i64, i64, *mut u64);

/// What one chunk run on a worker left behind.
#[derive(Default)]
struct ChunkResult {
    error: Option<RuntimeError>,
    out: Vec<u8>,
}

/// The caller's pointers, shared read-only by the chunks.
struct Shared {
    f: ChunkFn,
    env: *const u64,
    partials: *mut u64,
    nred: usize,
    depth: i64,
    interrupt_flag: *const u8,
    interrupt: Option<kernelc_runtime::Interrupt>,
    program: *const kernelc_sema::tir::Program,
    lowered: *const kernelc_sema::tir::Program,
    threads: usize,
}

// SAFETY: `env` and the programs are only read while the loop runs (the caller is blocked
// in `rt_prange_run` and keeps them alive); each chunk writes only its own `nred` words of
// `partials`; the interrupt flag is read as a byte another thread may set.
unsafe impl Sync for Shared {}

/// Runs the `n` iterations of a prange as chunks of `f` and returns the chunk count (the
/// partials area holds `count * nred` words afterwards). On failure `ctx` holds the error
/// of the lowest failing chunk.
pub unsafe extern "C" fn rt_prange_run(
    ctx: *mut JitCtx,
    f: *const u8,
    env: *const u64,
    n: i64,
    partials: *mut u64,
    nred: i64,
) -> i64 {
    // SAFETY: native code passes its live context.
    let c = unsafe { &mut *ctx };
    // SAFETY: `f` is the address of a chunk function with the `ChunkFn` signature.
    let f: ChunkFn = unsafe { std::mem::transmute::<*const u8, ChunkFn>(f) };
    let n = n.max(0) as u64;
    let (len, count) = prange_chunks(n);
    let base = c.rng.substream();
    let bounds = |k: u64| ((k * len) as i64, ((k + 1) * len).min(n) as i64);
    let nred = nred as usize;
    let threads = pool::effective_threads(c.threads);
    if count <= 1 || threads <= 1 || pool::in_worker() {
        // In order on this thread, with the caller's context.
        let parent = c.rng;
        for k in 0..count {
            c.rng = Rng::for_chunk(base, k);
            let (lo, hi) = bounds(k);
            // SAFETY: the partials area holds `count * nred` words.
            unsafe { f(ctx, env, k as i64, lo, hi, partials.add(k as usize * nred)) };
            // SAFETY: as above (the chunk's writes through `ctx` are finished).
            if unsafe { (*ctx).failed } != 0 {
                break;
            }
        }
        // SAFETY: as above.
        unsafe { (*ctx).rng = parent };
        return count as i64;
    }
    let bounds: Vec<(i64, i64)> = (0..count).map(bounds).collect();
    // SAFETY: as above.
    unsafe { run_on_pool(c, f, env, &bounds, partials, nred, base, threads) };
    count as i64
}

/// Runs chunk `k` of `bounds` on the pool, each with its own context (random stream
/// `for_chunk(base, k)`) writing its `nred` partial words at `partials + k * nred`; then
/// the chunks' output in chunk order and the lowest failing chunk's error reach `c`.
///
/// # Safety
/// `f`, `env` and `partials` as for [`rt_prange_run`]; `c` is the caller's live context.
#[allow(clippy::too_many_arguments)]
unsafe fn run_on_pool(
    c: &mut JitCtx,
    f: ChunkFn,
    env: *const u64,
    bounds: &[(i64, i64)],
    partials: *mut u64,
    nred: usize,
    base: u64,
    threads: usize,
) {
    let shared = Shared {
        f,
        env,
        partials,
        nred,
        depth: c.depth,
        interrupt_flag: c.interrupt_flag,
        interrupt: c.interrupt.clone(),
        program: c.program,
        lowered: c.lowered,
        threads: c.threads,
    };
    let lowest_failure = AtomicU64::new(u64::MAX);
    // Arrays allocated in chunks count against the call's memory limit.
    let limit = kernelc_runtime::memory::current();
    let results = pool::run_chunks(threads, bounds.len(), |k| {
        let b = bounds[k];
        let k = k as u64;
        if k > lowest_failure.load(Ordering::Relaxed) {
            return None;
        }
        let r = catch_unwind(AssertUnwindSafe(|| {
            kernelc_runtime::memory::with_limit(limit.clone(), || run_one(&shared, k, base, b))
        }))
        .unwrap_or_else(|_| ChunkResult {
            error: Some(RuntimeError::new("internal error in a parallel loop", 0, 0)),
            out: Vec::new(),
        });
        if r.error.is_some() {
            lowest_failure.fetch_min(k, Ordering::Relaxed);
        }
        Some(r)
    });
    // SAFETY: `out` is the caller's live writer.
    let out = unsafe { &mut *c.out };
    for r in results {
        // Chunks after the lowest failure were skipped or are discarded.
        let Some(r) = r else { break };
        let _ = out.write_all(&r.out);
        if let Some(e) = r.error {
            c.fail(e);
            break;
        }
    }
}

/// What a loop nest's chunk function computes (`lower/par_nest.rs`).
pub const NEST_ROWS: i64 = 0;
/// A pairwise sum of f64 (each chunk one subtree; its sum in its partial word).
pub const NEST_SUM_F64: i64 = 1;
/// A pairwise sum of f32.
pub const NEST_SUM_F32: i64 = 2;

/// Runs the loops of a whole-array loop nest: its chunk function `f` over `0..extent` of
/// the split axis (`total` elements in all). Below
/// [`pool::PARALLEL_MIN_ELEMENTS`], on one thread or inside a chunk, one call on this
/// thread; else [`NEST_ROWS`] runs the fixed row chunks of `pool::nest_chunks` on the pool
/// and a pairwise sum runs the subtrees of `reduce::pairwise_leaves` and adds them as the
/// tree does. A sum's result is in `partials[0]` (an f32 in its low 32 bits). The bits
/// never depend on the thread count.
pub unsafe extern "C" fn rt_nest_run(
    ctx: *mut JitCtx,
    f: *const u8,
    env: *const u64,
    extent: i64,
    total: i64,
    partials: *mut u64,
    kind: i64,
) {
    // SAFETY: native code passes its live context.
    let c = unsafe { &mut *ctx };
    // SAFETY: `f` is the address of a chunk function with the `ChunkFn` signature.
    let f: ChunkFn = unsafe { std::mem::transmute::<*const u8, ChunkFn>(f) };
    let extent = extent.max(0);
    let threads = pool::effective_threads(c.threads);
    if (total as u64) < pool::PARALLEL_MIN_ELEMENTS || threads <= 1 || pool::in_worker() {
        // SAFETY: the chunk reads `env` and writes one word of `partials`.
        unsafe { f(ctx, env, 0, 0, extent, partials) };
        return;
    }
    // Loop nests draw no random numbers: the caller's stream is left as it is.
    let base = 0;
    if kind == NEST_ROWS {
        let bounds: Vec<(i64, i64)> = pool::nest_chunks(extent as u64, total as u64)
            .into_iter()
            .map(|(lo, hi)| (lo as i64, hi as i64))
            .collect();
        let mut none = vec![0u64; bounds.len()];
        // SAFETY: each chunk writes at most its own word of `none`.
        unsafe { run_on_pool(c, f, env, &bounds, none.as_mut_ptr(), 1, base, threads) };
        return;
    }
    let n = extent as usize;
    let levels = reduce::PAIRWISE_SPLIT_LEVELS;
    let bounds: Vec<(i64, i64)> = reduce::pairwise_leaves(n, levels)
        .into_iter()
        .map(|(s, m)| (s as i64, (s + m) as i64))
        .collect();
    let mut parts = vec![0u64; bounds.len()];
    // SAFETY: chunk `k` writes word `k` of `parts`.
    unsafe { run_on_pool(c, f, env, &bounds, parts.as_mut_ptr(), 1, base, threads) };
    if c.failed != 0 {
        return;
    }
    let word = if kind == NEST_SUM_F32 {
        let v: Vec<f32> = parts.iter().map(|&w| f32::from_bits(w as u32)).collect();
        u64::from(reduce::pairwise_combine(n, levels, &v).to_bits())
    } else {
        let v: Vec<f64> = parts.iter().map(|&w| f64::from_bits(w)).collect();
        reduce::pairwise_combine(n, levels, &v).to_bits()
    };
    // SAFETY: the caller's partials area holds one word.
    unsafe { *partials = word };
}

/// Runs chunk `k` (iterations `lo..hi`) with a context of its own.
fn run_one(s: &Shared, k: u64, base: u64, (lo, hi): (i64, i64)) -> ChunkResult {
    let mut buf: Vec<u8> = Vec::new();
    let out: *mut (dyn Write + '_) = &mut buf;
    // SAFETY: erasing the lifetime for the context; the context is dropped before `buf`.
    let out: *mut (dyn Write + 'static) = unsafe { std::mem::transmute(out) };
    let mut ctx = JitCtx {
        failed: 0,
        depth: s.depth,
        interrupt_flag: s.interrupt_flag,
        interrupt: s.interrupt.clone(),
        error: None,
        rng: Rng::for_chunk(base, k),
        program: s.program,
        lowered: s.lowered,
        out,
        threads: s.threads,
        strings: Default::default(),
    };
    // SAFETY: `f` is a chunk function of a live module, `env` and the programs outlive the
    // loop, and chunk `k` owns words `k * nred ..` of the partials area.
    unsafe {
        (s.f)(
            &mut ctx,
            s.env,
            k as i64,
            lo,
            hi,
            s.partials.add(k as usize * s.nred),
        )
    };
    let failed = ctx.failed != 0;
    let error = ctx.error.take();
    drop(ctx);
    ChunkResult {
        error: failed.then(|| {
            error.unwrap_or_else(|| {
                RuntimeError::new("internal error: failure without a message", 0, 0)
            })
        }),
        out: buf,
    }
}
