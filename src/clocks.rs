//! Clocks a context reads: the host's by default, or the embedder's own
//! (a fixed clock makes guest output reproducible in tests).

use std::time::Duration;

use rustix::time::{ClockId, clock_getres, clock_gettime};

/// A wall clock: time since the Unix epoch. It may jump.
pub trait WallClock: Send + Sync {
    /// Time since 1970-01-01T00:00:00Z.
    fn now(&self) -> Duration;
    /// The clock's resolution.
    fn resolution(&self) -> Duration;
}

/// A monotonic clock: nanoseconds since an arbitrary fixed point, never decreasing.
pub trait MonotonicClock: Send + Sync {
    /// Nanoseconds since the clock's epoch.
    fn now(&self) -> u64;
    /// The clock's resolution.
    fn resolution(&self) -> Duration;
}

/// The host's `CLOCK_REALTIME` and `CLOCK_MONOTONIC`, read through the vDSO.
#[derive(Clone, Copy, Debug, Default)]
pub struct HostClock;

fn to_duration(ts: rustix::time::Timespec) -> Duration {
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

impl WallClock for HostClock {
    fn now(&self) -> Duration {
        to_duration(clock_gettime(ClockId::Realtime))
    }
    fn resolution(&self) -> Duration {
        to_duration(clock_getres(ClockId::Realtime))
    }
}

impl MonotonicClock for HostClock {
    fn now(&self) -> u64 {
        let ts = clock_gettime(ClockId::Monotonic);
        ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
    }
    fn resolution(&self) -> Duration {
        to_duration(clock_getres(ClockId::Monotonic))
    }
}

/// The CPU time this process has used, in nanoseconds.
pub fn process_cpu_time() -> (u64, Duration) {
    cpu_clock(ClockId::ProcessCPUTime)
}

/// The CPU time this thread has used, in nanoseconds.
pub fn thread_cpu_time() -> (u64, Duration) {
    cpu_clock(ClockId::ThreadCPUTime)
}

fn cpu_clock(id: ClockId) -> (u64, Duration) {
    let ts = clock_gettime(id);
    (ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64, to_duration(clock_getres(id)))
}
