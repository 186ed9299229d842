//! The counter-based random number generator.
//!
//! Every random number is a pure function of a 64-bit **key** (derived from the seed) and
//! a 64-bit **counter** (the draw position), so the interpreter, the JIT and parallel
//! loops can all compute draw `i` without sharing mutable state, and the result never
//! depends on the number of threads or on scheduling.
//!
//! # Definition (this is the contract; the JIT mirrors it exactly)
//!
//! ```text
//! GOLDEN      = 0x9E37_79B9_7F4A_7C15
//! mix64(z)    = SplitMix64 finaliser ("variant 13", Stafford):
//!               z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9
//!               z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB
//!               z ^ (z >> 31)                       (all arithmetic mod 2^64)
//! seeded(s)   = { key: mix64(s ^ GOLDEN), counter: 0 }   (unseeded = seeded(0))
//! bits_at(k,c)= mix64(k + c * GOLDEN)
//! next_u64    = bits_at(key, counter); counter += 1
//! uniform_f64 = (bits >> 11) as f64 * 2^-53            in [0, 1)
//! uniform_f32 = (bits >> 40) as f32 * 2^-24            in [0, 1)
//! normal_f64  = two consecutive draws u1 (position c), u2 (position c + 1):
//!               sqrt(-2 * log(1 - u1)) * cos(2π * u2)   (math.rs log/sqrt/cos)
//!               1 - u1 is in (0, 1], so log never sees 0. Consumes 2 positions.
//! randint(lo, hi) (hi > lo) = lo + mulhi(bits, (hi - lo) as u64)   (wrapping i64 add)
//!               Lemire's multiply-high without the rejection step: the bias is at most
//!               (hi - lo) / 2^64 per value, far below anything a test can see.
//! substream() = next_u64() (one draw of the parent, used as a base)
//! for_chunk(base, k) = { key: mix64(base ^ mix64(k)), counter: 0 }
//! fill_*(out) = element i gets the draw at position counter + i (normal: counter + 2i and
//!               counter + 2i + 1); the counter then advances by n (normal: 2n).
//! ```
//!
//! With one round of `mix64` over a Weyl sequence this is exactly SplitMix64 (a
//! well-tested generator that passes BigCrush) started at `key`; different seeds and chunks
//! use pseudo-randomly placed offsets in the same 2^64-period sequence, so streams overlap
//! only with negligible probability for any realistic number of draws.

use crate::math::{cos_f64, log_f64, sqrt_f64};

/// The Weyl increment (2^64 / golden ratio, odd) used for keys and counters.
pub const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// 2π rounded to f64, used by the Box–Muller transform.
const TWO_PI: f64 = std::f64::consts::TAU;

/// The SplitMix64 finaliser: a bijective 64-bit mixing function.
#[inline]
pub fn mix64(z: u64) -> u64 {
    let z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The 64 random bits at position `counter` of the stream with key `key` (a pure
/// function: `mix64(key + counter * GOLDEN)`).
#[inline]
pub fn bits_at(key: u64, counter: u64) -> u64 {
    mix64(key.wrapping_add(counter.wrapping_mul(GOLDEN)))
}

/// Converts 64 random bits to a uniform f64 in `[0, 1)`: the top 53 bits times 2^-53.
#[inline]
pub fn bits_to_f64(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
}

/// Converts 64 random bits to a uniform f32 in `[0, 1)`: the top 24 bits times 2^-24.
#[inline]
pub fn bits_to_f32(bits: u64) -> f32 {
    (bits >> 40) as f32 * (1.0 / 16_777_216.0)
}

/// The uniform f64 in `[0, 1)` at position `counter` of stream `key`.
#[inline]
pub fn uniform_f64_at(key: u64, counter: u64) -> f64 {
    bits_to_f64(bits_at(key, counter))
}

/// The uniform f32 in `[0, 1)` at position `counter` of stream `key`.
#[inline]
pub fn uniform_f32_at(key: u64, counter: u64) -> f32 {
    bits_to_f32(bits_at(key, counter))
}

/// Box–Muller: the standard normal built from two uniforms `u1`, `u2` in `[0, 1)`:
/// `sqrt(-2 * log(1 - u1)) * cos(2π * u2)`, with this crate's math functions.
#[inline]
pub fn box_muller(u1: f64, u2: f64) -> f64 {
    let r = sqrt_f64(-2.0 * log_f64(1.0 - u1));
    r * cos_f64(TWO_PI * u2)
}

/// The standard normal that uses positions `counter` and `counter + 1` of stream `key`.
#[inline]
pub fn normal_f64_at(key: u64, counter: u64) -> f64 {
    box_muller(
        uniform_f64_at(key, counter),
        uniform_f64_at(key, counter.wrapping_add(1)),
    )
}

/// Maps 64 random bits to an integer in `[lo, hi)` (requires `hi > lo`) by Lemire's
/// multiply-high, without rejection: `lo + ((bits * (hi - lo)) >> 64)`.
#[inline]
pub fn bits_to_range(bits: u64, lo: i64, hi: i64) -> i64 {
    let span = hi.wrapping_sub(lo) as u64;
    let off = ((bits as u128 * span as u128) >> 64) as u64;
    lo.wrapping_add(off as i64)
}

/// The integer in `[lo, hi)` at position `counter` of stream `key` (requires `hi > lo`).
#[inline]
pub fn randint_at(key: u64, counter: u64, lo: i64, hi: i64) -> i64 {
    bits_to_range(bits_at(key, counter), lo, hi)
}

/// A counter-based random stream: a key and the position of the next draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rng {
    /// The stream's key (derived from the seed or from a parent stream).
    pub key: u64,
    /// The position of the next draw.
    pub counter: u64,
}

impl Default for Rng {
    /// The unseeded state, equal to `Rng::seeded(0)`.
    fn default() -> Self {
        Rng::seeded(0)
    }
}

impl Rng {
    /// The stream for `seed(s)`: key `mix64(s ^ GOLDEN)`, counter 0.
    pub fn seeded(seed: u64) -> Rng {
        Rng {
            key: mix64(seed ^ GOLDEN),
            counter: 0,
        }
    }

    /// The next 64 random bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let b = bits_at(self.key, self.counter);
        self.counter = self.counter.wrapping_add(1);
        b
    }

    /// The next uniform f64 in `[0, 1)` (one draw).
    #[inline]
    pub fn uniform_f64(&mut self) -> f64 {
        bits_to_f64(self.next_u64())
    }

    /// The next uniform f32 in `[0, 1)` (one draw).
    #[inline]
    pub fn uniform_f32(&mut self) -> f32 {
        bits_to_f32(self.next_u64())
    }

    /// The next standard normal (Box–Muller; consumes two draws).
    #[inline]
    pub fn normal_f64(&mut self) -> f64 {
        let z = normal_f64_at(self.key, self.counter);
        self.counter = self.counter.wrapping_add(2);
        z
    }

    /// The next integer in `[lo, hi)` (one draw). Requires `hi > lo`; the caller reports
    /// an empty range as an error before calling.
    #[inline]
    pub fn randint(&mut self, lo: i64, hi: i64) -> i64 {
        bits_to_range(self.next_u64(), lo, hi)
    }

    /// Fills `out[i]` with the uniform f64 at position `counter + i`, then advances the
    /// counter by `out.len()`.
    pub fn fill_uniform_f64(&mut self, out: &mut [f64]) {
        for (i, o) in out.iter_mut().enumerate() {
            *o = uniform_f64_at(self.key, self.counter.wrapping_add(i as u64));
        }
        self.counter = self.counter.wrapping_add(out.len() as u64);
    }

    /// Fills `out[i]` with the uniform f32 at position `counter + i`, then advances the
    /// counter by `out.len()`.
    pub fn fill_uniform_f32(&mut self, out: &mut [f32]) {
        for (i, o) in out.iter_mut().enumerate() {
            *o = uniform_f32_at(self.key, self.counter.wrapping_add(i as u64));
        }
        self.counter = self.counter.wrapping_add(out.len() as u64);
    }

    /// Fills `out[i]` with the normal at positions `counter + 2i`, `counter + 2i + 1`,
    /// then advances the counter by `2 * out.len()` (same values as repeated
    /// [`Rng::normal_f64`]).
    pub fn fill_normal_f64(&mut self, out: &mut [f64]) {
        for (i, o) in out.iter_mut().enumerate() {
            *o = normal_f64_at(self.key, self.counter.wrapping_add(2 * i as u64));
        }
        self.counter = self.counter.wrapping_add(2 * out.len() as u64);
    }

    /// Fills `out[i]` with the integer in `[lo, hi)` at position `counter + i`, then
    /// advances the counter by `out.len()`. Requires `hi > lo`.
    pub fn fill_randint(&mut self, out: &mut [i64], lo: i64, hi: i64) {
        for (i, o) in out.iter_mut().enumerate() {
            *o = randint_at(self.key, self.counter.wrapping_add(i as u64), lo, hi);
        }
        self.counter = self.counter.wrapping_add(out.len() as u64);
    }

    /// Takes one draw from this stream to serve as the base of a family of sub-streams
    /// (one per chunk of a `prange`); see [`Rng::for_chunk`].
    pub fn substream(&mut self) -> u64 {
        self.next_u64()
    }

    /// The stream of chunk `chunk` of a parallel loop whose base came from
    /// [`Rng::substream`]: key `mix64(base ^ mix64(chunk))`, counter 0.
    pub fn for_chunk(base: u64, chunk: u64) -> Rng {
        Rng {
            key: mix64(base ^ mix64(chunk)),
            counter: 0,
        }
    }
}
