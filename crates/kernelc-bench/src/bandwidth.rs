//! The memory-bandwidth reference of the report: what the machine's memory system moves
//! per second in the two STREAM kernels, copy (`out[i] = a[i]`, 16 bytes per element) and
//! triad (`out[i] = a[i] + s * b[i]`, 24 bytes per element), on one thread and with rayon
//! on all threads. Consumed by `benches/kernels.rs` (group `bandwidth`) and the report,
//! which sets each streaming workload's GB/s against them.

use rayon::prelude::*;

/// The criterion benchmark ids of the group `bandwidth`, with bytes moved per element.
pub const KERNELS: &[(&str, f64)] = &[
    ("copy_1t", 16.0),
    ("copy_all", 16.0),
    ("triad_1t", 24.0),
    ("triad_all", 24.0),
];

/// `out[i] = a[i]` on one thread.
#[inline(never)]
pub fn copy(a: &[f64], out: &mut [f64]) {
    out.copy_from_slice(a);
}

/// `out[i] = a[i]` on all threads.
#[inline(never)]
pub fn copy_par(a: &[f64], out: &mut [f64]) {
    out.par_chunks_mut(1 << 15)
        .zip(a.par_chunks(1 << 15))
        .for_each(|(o, a)| o.copy_from_slice(a));
}

/// `out[i] = a[i] + s * b[i]` on one thread.
#[inline(never)]
pub fn triad(a: &[f64], b: &[f64], s: f64, out: &mut [f64]) {
    for ((o, &a), &b) in out.iter_mut().zip(a).zip(b) {
        *o = a + s * b;
    }
}

/// `out[i] = a[i] + s * b[i]` on all threads.
#[inline(never)]
pub fn triad_par(a: &[f64], b: &[f64], s: f64, out: &mut [f64]) {
    (
        out.par_chunks_mut(1 << 15),
        a.par_chunks(1 << 15),
        b.par_chunks(1 << 15),
    )
        .into_par_iter()
        .for_each(|(o, a, b)| triad(a, b, s, o));
}

/// Runs bandwidth kernel `id` (of [`KERNELS`]) once on `a`, `b` into `out`.
pub fn run(id: &str, a: &[f64], b: &[f64], out: &mut [f64]) {
    match id {
        "copy_1t" => copy(a, out),
        "copy_all" => copy_par(a, out),
        "triad_1t" => triad(a, b, 3.0, out),
        _ => triad_par(a, b, 3.0, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernels_compute_copy_and_triad() {
        let a: Vec<f64> = (0..100_000).map(|i| i as f64).collect();
        let b = vec![0.5; a.len()];
        for (id, _) in KERNELS {
            let mut out = vec![0.0; a.len()];
            run(id, &a, &b, &mut out);
            let want = |i: usize| {
                if id.starts_with("copy") {
                    a[i]
                } else {
                    a[i] + 1.5
                }
            };
            assert!((0..a.len()).all(|i| out[i] == want(i)), "{id}");
        }
    }
}
