//! Interruption of a running kernel: a cancel handle that any thread can trigger, and a
//! deadline built on it (a watchdog thread triggers the handle when the time is up).
//!
//! Executors poll [`Interrupt::check`] at loop back-edges and at calls (one relaxed atomic
//! load); when the handle has been triggered the kernel stops with a runtime error at the
//! loop or call where it noticed. Produced by the embedder (facade, CLI `--timeout`),
//! consumed by the interpreter and by native code (which loads the flag's byte).

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

const RUNNING: u8 = 0;
const INTERRUPTED: u8 = 1;
const TIMED_OUT: u8 = 2;

/// A cancel handle shared by the caller and a running kernel. Cloning shares the handle.
#[derive(Clone, Debug, Default)]
pub struct Interrupt(Arc<AtomicU8>);

impl Interrupt {
    /// A handle nobody has triggered yet.
    pub fn new() -> Interrupt {
        Interrupt::default()
    }

    /// Asks every kernel polling this handle to stop (from any thread).
    pub fn interrupt(&self) {
        let _ = self
            .0
            .compare_exchange(RUNNING, INTERRUPTED, Ordering::Relaxed, Ordering::Relaxed);
    }

    /// Clears the handle so that it can be used for another call.
    pub fn reset(&self) {
        self.0.store(RUNNING, Ordering::Relaxed);
    }

    /// Whether the handle has been triggered.
    #[inline]
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed) != RUNNING
    }

    /// The address of the flag (nonzero once triggered), for native code that polls it
    /// with a plain byte load. Valid as long as a clone of this handle lives.
    pub fn flag_ptr(&self) -> *const u8 {
        self.0.as_ptr() as *const u8
    }

    /// `None` while running; otherwise the message of the runtime error to report.
    #[inline]
    pub fn check(&self) -> Option<&'static str> {
        match self.0.load(Ordering::Relaxed) {
            RUNNING => None,
            s => Some(Self::message(s)),
        }
    }

    #[cold]
    fn message(state: u8) -> &'static str {
        if state == TIMED_OUT {
            "time limit exceeded: the kernel was stopped here"
        } else {
            "interrupted: the kernel was stopped here"
        }
    }

    /// Triggers this handle (as a timeout) after `limit`, unless the returned guard is
    /// dropped first. The watchdog thread ends when the guard drops.
    pub fn deadline(&self, limit: Duration) -> Deadline {
        let (tx, rx) = mpsc::channel::<()>();
        let flag = self.0.clone();
        let spawned = std::thread::Builder::new()
            .name("kernelc-deadline".into())
            .spawn(move || {
                if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(limit) {
                    let _ = flag.compare_exchange(
                        RUNNING,
                        TIMED_OUT,
                        Ordering::Relaxed,
                        Ordering::Relaxed,
                    );
                }
            });
        if spawned.is_err() {
            // No thread for a watchdog: stop at once rather than run without a limit.
            self.0.store(TIMED_OUT, Ordering::Relaxed);
        }
        Deadline { _stop: tx }
    }
}

/// Keeps a deadline armed; dropping it disarms the watchdog.
#[derive(Debug)]
pub struct Deadline {
    _stop: mpsc::Sender<()>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn a_handle_triggers_once_and_resets() {
        let i = Interrupt::new();
        assert_eq!(i.check(), None);
        let other = i.clone();
        std::thread::spawn(move || other.interrupt())
            .join()
            .unwrap();
        assert_eq!(i.check(), Some("interrupted: the kernel was stopped here"));
        i.reset();
        assert!(!i.is_set());
    }

    #[test]
    fn a_deadline_fires_and_a_dropped_one_does_not() {
        let i = Interrupt::new();
        let t = Instant::now();
        let _d = i.deadline(Duration::from_millis(20));
        while i.check().is_none() {
            assert!(t.elapsed() < Duration::from_secs(10));
            std::thread::yield_now();
        }
        assert_eq!(
            i.check(),
            Some("time limit exceeded: the kernel was stopped here")
        );
        let j = Interrupt::new();
        drop(j.deadline(Duration::from_millis(1)));
        std::thread::sleep(Duration::from_millis(30));
        assert!(!j.is_set());
    }
}
