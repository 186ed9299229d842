//! Reductions in a fixed order that depends only on the length, shared by both executors.
//!
//! Float sums use NumPy's pairwise summation exactly (`pairwise_sum` in NumPy's
//! `loops_utils.h`): blocks of at most 128 elements summed with 8 interleaved accumulators,
//! combined as `((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))`, longer ranges split in two halves
//! (the first a multiple of 8 long) and the halves' sums added. So `sum(a)` of a 1-D array
//! gives NumPy's bits, and the tree shape is fixed, which also lets parallel code split it
//! across threads without changing the result.

/// The float operations pairwise summation needs.
pub trait SumFloat: Copy + std::ops::Add<Output = Self> {
    const ZERO: Self;
    const NEG_ZERO: Self;
}
impl SumFloat for f64 {
    const ZERO: f64 = 0.0;
    const NEG_ZERO: f64 = -0.0;
}
impl SumFloat for f32 {
    const ZERO: f32 = 0.0;
    const NEG_ZERO: f32 = -0.0;
}

/// Block length below which pairwise summation stops splitting.
pub const PAIRWISE_BLOCK: usize = 128;

/// Sum of `get(0) .. get(n-1)` in NumPy's pairwise order, plus NumPy's initial `0.0`
/// (so an all-`-0.0` input sums to `0.0`, as in NumPy).
#[inline]
pub fn pairwise_sum<T: SumFloat>(n: usize, get: &impl Fn(usize) -> T) -> T {
    T::ZERO + pairwise(0, n, get)
}

/// The pairwise tree over `get(start) .. get(start+n-1)`, without the initial zero.
pub fn pairwise<T: SumFloat>(start: usize, n: usize, get: &impl Fn(usize) -> T) -> T {
    if n < 8 {
        let mut res = T::NEG_ZERO;
        for i in 0..n {
            res = res + get(start + i);
        }
        res
    } else if n <= PAIRWISE_BLOCK {
        let mut r = [T::ZERO; 8];
        for (j, rj) in r.iter_mut().enumerate() {
            *rj = get(start + j);
        }
        let full = n - n % 8;
        let mut i = 8;
        while i < full {
            for (j, rj) in r.iter_mut().enumerate() {
                *rj = *rj + get(start + i + j);
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        while i < n {
            res = res + get(start + i);
            i += 1;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise(start, n2, get) + pairwise(start + n2, n - n2, get)
    }
}

/// Sum of the complex values `get(0) .. get(n-1)` (as `(re, im)` pairs) in NumPy's
/// pairwise order for complex arrays (`CDOUBLE_pairwise_sum` in `loops_utils.h`), plus
/// NumPy's initial `0+0j`.
///
/// NumPy walks the interleaved parts as `2n` scalars: blocks of at most
/// [`PAIRWISE_BLOCK`] scalars (64 complex values) summed with four interleaved
/// accumulators per part, combined as `(c0+c1)+(c2+c3)`, longer ranges split in two (the
/// first half a multiple of 4 complex values) and the halves' sums added part by part.
#[inline]
pub fn pairwise_sum_complex<T: SumFloat>(n: usize, get: &impl Fn(usize) -> (T, T)) -> (T, T) {
    let (re, im) = pairwise_complex(0, 2 * n, get);
    (T::ZERO + re, T::ZERO + im)
}

/// The complex pairwise tree over `m / 2` values from `get(start)`: `m` counts scalars
/// (two per value), as NumPy's loop does.
fn pairwise_complex<T: SumFloat>(start: usize, m: usize, get: &impl Fn(usize) -> (T, T)) -> (T, T) {
    let n = m / 2;
    if m < 8 {
        let (mut re, mut im) = (T::NEG_ZERO, T::NEG_ZERO);
        for i in 0..n {
            let (r, j) = get(start + i);
            re = re + r;
            im = im + j;
        }
        (re, im)
    } else if m <= PAIRWISE_BLOCK {
        let mut r = [(T::ZERO, T::ZERO); 4];
        for (j, rj) in r.iter_mut().enumerate() {
            *rj = get(start + j);
        }
        // Whole blocks of 8 scalars (4 values), then the rest one value at a time.
        let full = (m - m % 8) / 2;
        let mut i = 4;
        while i < full {
            for (j, rj) in r.iter_mut().enumerate() {
                let (x, y) = get(start + i + j);
                *rj = (rj.0 + x, rj.1 + y);
            }
            i += 4;
        }
        let mut re = (r[0].0 + r[1].0) + (r[2].0 + r[3].0);
        let mut im = (r[0].1 + r[1].1) + (r[2].1 + r[3].1);
        while i < n {
            let (x, y) = get(start + i);
            re = re + x;
            im = im + y;
            i += 1;
        }
        (re, im)
    } else {
        let mut m2 = m / 2;
        m2 -= m2 % 8;
        let (r1, i1) = pairwise_complex(start, m2, get);
        let (r2, i2) = pairwise_complex(start + m2 / 2, m - m2, get);
        (r1 + r2, i1 + i2)
    }
}

/// Levels of the pairwise tree at which parallel sums split it: at most `2^5` subtrees,
/// each summed by one chunk (possibly on another thread) and combined as the tree does.
pub const PAIRWISE_SPLIT_LEVELS: u32 = 5;

/// The subtrees `(start, len)` of the pairwise tree over `n` elements at most `levels`
/// levels down (a node of at most [`PAIRWISE_BLOCK`] elements is not split), in order.
/// Depends only on `n`, so the split is the same on any thread count.
pub fn pairwise_leaves(n: usize, levels: u32) -> Vec<(usize, usize)> {
    fn rec(start: usize, n: usize, levels: u32, out: &mut Vec<(usize, usize)>) {
        if levels == 0 || n <= PAIRWISE_BLOCK {
            out.push((start, n));
            return;
        }
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        rec(start, n2, levels - 1, out);
        rec(start + n2, n - n2, levels - 1, out);
    }
    let mut out = Vec::new();
    rec(0, n, levels, &mut out);
    out
}

/// [`pairwise_sum`] over `n` elements from the sums of its [`pairwise_leaves`] (each a
/// `pairwise_sum` of its range): the tree's top levels added as the serial walk adds them.
/// The bits are `pairwise_sum`'s: a leaf's extra initial `0.0` only turns a `-0.0` into
/// `0.0`, which no later addition can tell apart except in a zero total, and the total gets
/// its `0.0 +` here as in the serial sum.
pub fn pairwise_combine<T: SumFloat>(n: usize, levels: u32, parts: &[T]) -> T {
    fn rec<T: SumFloat>(n: usize, levels: u32, it: &mut std::slice::Iter<'_, T>) -> T {
        if levels == 0 || n <= PAIRWISE_BLOCK {
            return *it.next().expect("one part per leaf");
        }
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        let l = rec(n2, levels - 1, it);
        l + rec(n - n2, levels - 1, it)
    }
    T::ZERO + rec(n, levels, &mut parts.iter())
}

/// Fixed chunking of a `prange` with `n` iterations: `(chunk_len, chunk_count)`.
///
/// Chunks hold `max(16, ceil(n / 256))` iterations (the last may be shorter), so there are
/// at most 256 of them. This depends only on `n`, never on the thread count: each chunk's
/// reduction partials are combined in chunk order, so results are the same on any number
/// of threads.
pub fn prange_chunks(n: u64) -> (u64, u64) {
    if n == 0 {
        return (16, 0);
    }
    let len = n.div_ceil(256).max(16);
    (len, n.div_ceil(len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_matches_numpy_reference_values() {
        // np.sum of this array is 11357.142857142855 (checked with NumPy 2); a sequential
        // sum gives 11357.14285714286.
        let v: Vec<f64> = (0..1000)
            .map(|i| ((i * 7919) % 1000) as f64 / 7.0 - 60.0)
            .collect();
        assert_eq!(pairwise_sum(v.len(), &|i| v[i]), 11357.142857142855);
        let seq: f64 = v.iter().sum();
        assert_eq!(seq, 11357.14285714286);
        assert_eq!(pairwise_sum::<f64>(0, &|_| unreachable!()), 0.0);
        assert!(pairwise_sum(1, &|_| -0.0f64).is_sign_positive());
    }

    #[test]
    fn split_pairwise_sums_have_the_serial_bits() {
        let mut x = 0x9e3779b97f4a7c15u64;
        for n in [0usize, 1, 7, 8, 129, 1000, 4097, 65_536, 100_003] {
            let v: Vec<f64> = (0..n)
                .map(|i| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    match i % 97 {
                        0 => -0.0,
                        1 => 1e300,
                        2 => -1e300,
                        _ => (x >> 11) as f64 / (1u64 << 53) as f64 - 0.5,
                    }
                })
                .collect();
            for levels in [0, 1, 3, PAIRWISE_SPLIT_LEVELS] {
                let leaves = pairwise_leaves(n, levels);
                assert_eq!(leaves.iter().map(|l| l.1).sum::<usize>(), n);
                let parts: Vec<f64> = leaves
                    .iter()
                    .map(|&(s, m)| pairwise_sum(m, &|i| v[s + i]))
                    .collect();
                let whole = pairwise_sum(n, &|i| v[i]);
                assert_eq!(
                    pairwise_combine(n, levels, &parts).to_bits(),
                    whole.to_bits()
                );
            }
        }
        // All negative zeros: NumPy's sum is +0.0 either way.
        let parts: Vec<f64> = pairwise_leaves(4096, 5)
            .iter()
            .map(|&(_, m)| pairwise_sum(m, &|_| -0.0f64))
            .collect();
        assert!(pairwise_combine(4096, 5, &parts).is_sign_positive());
    }

    #[test]
    fn chunks_cover_the_range() {
        for n in [0u64, 1, 15, 16, 17, 1000, 4096, 4097, 10_000_000] {
            let (len, count) = prange_chunks(n);
            assert!(count <= 256);
            assert!(len * count >= n && (count == 0 || len * (count - 1) < n));
        }
    }
}
