//! Memory limits: a cap on the bytes of array buffers that one call may hold at once
//! (`kernelc run --max-memory`, `RunOptions::max_memory` in the facade).
//!
//! The facade installs a [`MemoryLimit`] for the duration of a call ([`with_limit`]); every
//! buffer the runtime allocates while it is installed is charged to it and refunds it when
//! freed (even after the call, from any thread). The checked allocation
//! [`crate::Array::try_zeros`] — what array constructors and whole-array results of both
//! executors use — refuses an allocation that would exceed the limit, or that the system
//! refuses, with a runtime error instead of an abort. Memory lent by the caller (argument
//! arrays) is not charged.

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// The budget of one call: its limit and the bytes of its live buffers.
#[derive(Debug)]
pub struct MemoryLimit {
    limit: usize,
    used: AtomicUsize,
}

impl MemoryLimit {
    /// A budget of `limit` bytes, nothing used.
    pub fn new(limit: usize) -> Arc<MemoryLimit> {
        Arc::new(MemoryLimit {
            limit,
            used: AtomicUsize::new(0),
        })
    }

    /// The limit in bytes.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Bytes of live buffers charged to this budget.
    pub fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }

    pub(crate) fn charge(&self, bytes: usize) {
        self.used.fetch_add(bytes, Ordering::Relaxed);
    }

    pub(crate) fn refund(&self, bytes: usize) {
        self.used.fetch_sub(bytes, Ordering::Relaxed);
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<MemoryLimit>>> = const { RefCell::new(None) };
}

/// Restores the previous limit when a call ends (also on unwinding).
struct Restore(Option<Arc<MemoryLimit>>);

impl Drop for Restore {
    fn drop(&mut self) {
        let prev = self.0.take();
        CURRENT.with(|c| *c.borrow_mut() = prev);
    }
}

/// Runs `f` with `limit` installed on this thread (`None`: no limit). Threads that run
/// parts of the call (parallel loops) install the same limit with [`with_limit`] and
/// [`current`].
pub fn with_limit<R>(limit: Option<Arc<MemoryLimit>>, f: impl FnOnce() -> R) -> R {
    let prev = CURRENT.with(|c| std::mem::replace(&mut *c.borrow_mut(), limit));
    let _restore = Restore(prev);
    f()
}

/// The limit installed on this thread, if any.
pub fn current() -> Option<Arc<MemoryLimit>> {
    CURRENT.with(|c| c.borrow().clone())
}

/// Checks that `bytes` more fit the installed limit; the error names both figures.
pub fn check(bytes: usize) -> Result<(), String> {
    let Some(l) = current() else { return Ok(()) };
    let used = l.used();
    if used.saturating_add(bytes) > l.limit {
        return Err(format!(
            "memory limit exceeded: {bytes} more bytes of arrays would bring this call to {} \
             bytes (the limit is {} bytes)",
            used.saturating_add(bytes),
            l.limit
        ));
    }
    Ok(())
}

/// Parses a byte count with an optional binary suffix: `1000000`, `512K`, `64M`, `2G`,
/// `1T` (also `KB`, `MiB`, ... and lower case).
pub fn parse_bytes(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let not_a_size = || format!("'{s}' is not a size in bytes (such as 512M or 2G)");
    if num.is_empty() {
        return Err(not_a_size());
    }
    let scale: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" | "kib" => 1024.0,
        "m" | "mb" | "mib" => 1024.0 * 1024.0,
        "g" | "gb" | "gib" => 1024.0 * 1024.0 * 1024.0,
        "t" | "tb" | "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        other => return Err(format!("unknown size unit '{other}' (use K, M, G or T)")),
    };
    let v: f64 = num.parse().map_err(|_| not_a_size())?;
    let bytes = v * scale;
    if !bytes.is_finite() || bytes < 1.0 || bytes > usize::MAX as f64 {
        return Err(format!("'{s}' is not a usable memory limit"));
    }
    Ok(bytes as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Array, DType};

    #[test]
    fn buffers_are_charged_while_alive_and_refunded_when_freed() {
        let l = MemoryLimit::new(1000);
        with_limit(Some(l.clone()), || {
            let a = Array::try_zeros(DType::F64, &[100]).unwrap();
            assert_eq!(l.used(), 800);
            let err = Array::try_zeros(DType::F64, &[26]).unwrap_err();
            assert!(err.contains("the limit is 1000 bytes"), "{err}");
            drop(a);
            assert_eq!(l.used(), 0);
            assert!(Array::try_zeros(DType::F64, &[125]).is_ok());
        });
        assert!(current().is_none());
        assert_eq!(l.used(), 0);
        assert!(Array::try_zeros(DType::F64, &[1000]).is_ok());
    }

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_bytes("1000"), Ok(1000));
        assert_eq!(parse_bytes("512K"), Ok(512 * 1024));
        assert_eq!(parse_bytes("1.5G"), Ok(3 << 29));
        assert_eq!(parse_bytes("64MiB"), Ok(64 << 20));
        assert!(parse_bytes("12Q").is_err());
        assert!(parse_bytes("0").is_err());
        assert!(parse_bytes("").is_err());
    }
}
