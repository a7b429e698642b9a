//! Clocks a context reads: the host's by default, or the embedder's own
//! (a fixed clock makes guest output reproducible in tests).

use std::time::Duration;

/// Reads a clock through glibc, which uses the vDSO where the kernel offers one
/// (and a plain syscall where it does not, as under valgrind, which rustix's own
/// vDSO reader does not survive).
fn clock_gettime(id: libc::clockid_t) -> libc::timespec {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec; the ids used here always exist on Linux.
    unsafe { libc::clock_gettime(id, &mut ts) };
    ts
}

fn clock_getres(id: libc::clockid_t) -> libc::timespec {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: as for clock_gettime.
    unsafe { libc::clock_getres(id, &mut ts) };
    ts
}

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

fn to_duration(ts: libc::timespec) -> Duration {
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

impl WallClock for HostClock {
    fn now(&self) -> Duration {
        to_duration(clock_gettime(libc::CLOCK_REALTIME))
    }
    fn resolution(&self) -> Duration {
        to_duration(clock_getres(libc::CLOCK_REALTIME))
    }
}

impl MonotonicClock for HostClock {
    fn now(&self) -> u64 {
        let ts = clock_gettime(libc::CLOCK_MONOTONIC);
        ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
    }
    fn resolution(&self) -> Duration {
        to_duration(clock_getres(libc::CLOCK_MONOTONIC))
    }
}

/// The CPU time this process has used, in nanoseconds.
pub fn process_cpu_time() -> (u64, Duration) {
    cpu_clock(libc::CLOCK_PROCESS_CPUTIME_ID)
}

/// The CPU time this thread has used, in nanoseconds.
pub fn thread_cpu_time() -> (u64, Duration) {
    cpu_clock(libc::CLOCK_THREAD_CPUTIME_ID)
}

fn cpu_clock(id: libc::clockid_t) -> (u64, Duration) {
    let ts = clock_gettime(id);
    (ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64, to_duration(clock_getres(id)))
}
