//! Phase timings for profiling: `PREFLIGHT_TIMINGS=1 preflight check ...`
//! prints how long each phase of a run took to stderr. Off by default, and
//! never part of any report, so output stays deterministic.

use std::sync::OnceLock;
use std::time::Instant;

pub fn enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var_os("PREFLIGHT_TIMINGS").is_some_and(|v| v != "0"))
}

/// Measures one phase from its creation until [`Phase::end`] or drop.
pub struct Phase {
    name: &'static str,
    started: Option<Instant>,
}

impl Phase {
    pub fn start(name: &'static str) -> Phase {
        Phase {
            name,
            started: enabled().then(Instant::now),
        }
    }

    pub fn end(self) {}
}

impl Drop for Phase {
    fn drop(&mut self) {
        if let Some(started) = self.started {
            eprintln!(
                "preflight: timing {:<12} {:>8.1} ms",
                self.name,
                started.elapsed().as_secs_f64() * 1000.0
            );
        }
    }
}

/// Time summed over many short steps (one per batch), printed as one line
/// when dropped.
pub struct Total {
    name: &'static str,
    total: std::time::Duration,
}

impl Total {
    pub fn new(name: &'static str) -> Total {
        Total {
            name,
            total: std::time::Duration::ZERO,
        }
    }

    /// Runs `step`, adding its time to the total when timings are on.
    pub fn time<T>(&mut self, step: impl FnOnce() -> T) -> T {
        if !enabled() {
            return step();
        }
        let started = Instant::now();
        let out = step();
        self.total += started.elapsed();
        out
    }
}

impl Drop for Total {
    fn drop(&mut self) {
        if enabled() {
            eprintln!(
                "preflight: timing {:<12} {:>8.1} ms",
                self.name,
                self.total.as_secs_f64() * 1000.0
            );
        }
    }
}
