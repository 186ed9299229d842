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
    fn chunks_cover_the_range() {
        for n in [0u64, 1, 15, 16, 17, 1000, 4096, 4097, 10_000_000] {
            let (len, count) = prange_chunks(n);
            assert!(count <= 256);
            assert!(len * count >= n && (count == 0 || len * (count - 1) < n));
        }
    }
}
