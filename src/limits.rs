//! Resource limits for running guests: what the `capwasi run` flags set, for
//! embedders too.
//!
//! A [`Limits`] is applied in three places:
//!
//! - the engine ([`Limits::configure`] on a [`wasmtime::Config`]): the wasm
//!   stack, and whether compiled code counts fuel or checks for a timeout.
//!   Both checks are compiled in only when that limit is set, so an unset
//!   limit costs nothing; they change the compiled code, and wasmtime's
//!   compatibility hash (which the CLI's compile cache keys on) with it.
//! - the store ([`Limits::start`], right after `Store::new`): the memory cap,
//!   the fuel budget and the deadline, which starts then;
//! - the context ([`Limits::fd_limit`] for [`crate::WasiCtxBuilder::max_open_fds`]).
//!
//! Past a limit:
//!
//! | limit | what the guest sees |
//! |---|---|
//! | fuel | the run ends with [`wasmtime::Trap::OutOfFuel`] |
//! | timeout | the run ends with [`TimedOut`], from wasm code or from a host call waiting (poll_oneoff, a read of stdin, a socket, a FIFO or a terminal, sock_accept, opening a FIFO) |
//! | memory (all linear memories and tables together) | `memory.grow` and `table.grow` return -1 (its allocator reports out of memory) |
//! | descriptors | opens fail with EMFILE |
//! | wasm stack | the run ends with "call stack exhausted" |
//!
//! ```
//! use std::time::Duration;
//! use capwasi::WasiCtx;
//! use capwasi::limits::Limits;
//!
//! let limits = Limits::new().max_memory(64 << 20).fuel(1_000_000).timeout(Duration::from_secs(2));
//! let mut config = wasmtime::Config::new();
//! limits.configure(&mut config);
//! let engine = wasmtime::Engine::new(&config)?;
//!
//! struct State { wasi: WasiCtx }
//! let wasi = WasiCtx::builder().max_open_fds(limits.fd_limit()).build()?;
//! let mut store = wasmtime::Store::new(&engine, State { wasi });
//! let watchdog = limits.start(&mut store, |state: &mut State| &mut state.wasi)?;
//! // ... instantiate and call the guest on a thread with `limits.thread_stack_size()` bytes of stack ...
//! drop(watchdog);
//! assert_eq!(limits.fuel_consumed(&store), Some(0));
//! # Ok::<(), wasmtime::Error>(())
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use wasmtime::{ResourceLimiter, StoreLimits, UpdateDeadline};

use crate::WasiCtx;
use crate::table::DEFAULT_MAX_FDS;

/// wasmtime's default `max_wasm_stack`.
pub const DEFAULT_MAX_WASM_STACK: usize = 512 << 10;

/// The stack host code gets beside the guest's: as much as a Linux main thread
/// has by default, so host calls, traps and backtraces have what they would
/// have without a wasm stack limit.
pub const HOST_STACK: usize = 8 << 20;

/// Limits on what one guest may use. Unset limits are wasmtime's and
/// capwasi's defaults: no fuel budget, no timeout, memory up to what the
/// module declares, 512 KiB of wasm stack, [`DEFAULT_MAX_FDS`] descriptors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Limits {
    max_memory: Option<usize>,
    max_wasm_stack: Option<usize>,
    max_fds: Option<u32>,
    fuel: Option<u64>,
    timeout: Option<Duration>,
    stoppable: bool,
}

impl Limits {
    /// No limits beyond the defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Caps the host memory the guest's store holds at `bytes`: the sum of all
    /// its linear memories (a module may have several) and of its tables, each
    /// element counted as [`TABLE_ELEMENT_BYTES`]. Past it `memory.grow` and
    /// `table.grow` fail (return -1), as a program's allocator expects, and
    /// instantiating a module that needs more fails.
    pub fn max_memory(mut self, bytes: usize) -> Self {
        self.max_memory = Some(bytes);
        self
    }

    /// Lets wasm code use up to `bytes` of stack (wasmtime's `max_wasm_stack`);
    /// deeper calls trap with "call stack exhausted". Go's own runner gives Go
    /// programs 8 MiB. Zero is refused by `Engine::new`.
    ///
    /// Wasm runs on the stack of the thread that calls into it, so that
    /// thread needs [`Limits::thread_stack_size`] bytes: with less, a deep
    /// recursion would crash the process instead of trapping.
    pub fn max_wasm_stack(mut self, bytes: usize) -> Self {
        self.max_wasm_stack = Some(bytes);
        self
    }

    /// Lets the guest hold at most `count` descriptors at once, stdio and
    /// preopens included; past it, opens fail with EMFILE. Hand
    /// [`Limits::fd_limit`] to [`crate::WasiCtxBuilder::max_open_fds`].
    pub fn max_fds(mut self, count: u32) -> Self {
        self.max_fds = Some(count);
        self
    }

    /// Gives the guest `units` of fuel: wasmtime charges about one unit per
    /// wasm instruction (none for `nop`, `drop` and block markers) and nothing
    /// for time spent in host calls. It checks the budget at each function
    /// entry and loop iteration, and the first check that finds more than
    /// `units` used ends the run with [`wasmtime::Trap::OutOfFuel`]: a guest
    /// that needs `units` or fewer runs to its end, one that needs more stops
    /// at its next check (only straight-line code after its last check can
    /// run past the budget).
    pub fn fuel(mut self, units: u64) -> Self {
        self.fuel = Some(units);
        self
    }

    /// Ends the run with [`TimedOut`] once `limit` has passed since
    /// [`Limits::start`]: wasm code is stopped at its next loop iteration or
    /// call (wasmtime's epoch interruption), and a host call waiting on a
    /// clock, stdio, a socket, or a FIFO or character device the guest opened
    /// stops waiting at the deadline. An embedder's
    /// own reader or writer (`WasiCtxBuilder::stdin`) is host code that
    /// cannot be interrupted.
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    /// Lets another thread end the run early with [`Stopper::stop`] (a
    /// container's SIGTERM, say): wasm code stops at its next epoch check, as
    /// for a timeout, and the run ends with [`Stopped`]. Like a timeout, it
    /// compiles epoch checks into the module. [`Limits::start`]'s
    /// [`Watchdog::stopper`] hands out the stopper. A host call already
    /// blocked in a wait without a timeout (a long `poll_oneoff` sleep, a read
    /// of a quiet stdin) is not woken: the caller decides how long to wait
    /// for the guest after stopping it.
    pub fn stoppable(mut self) -> Self {
        self.stoppable = true;
        self
    }

    /// The memory cap, if any.
    pub fn memory_limit(&self) -> Option<usize> {
        self.max_memory
    }

    /// The wasm stack limit in effect.
    pub fn wasm_stack(&self) -> usize {
        self.max_wasm_stack.unwrap_or(DEFAULT_MAX_WASM_STACK)
    }

    /// The wasm stack limit, if one was set.
    pub fn wasm_stack_limit(&self) -> Option<usize> {
        self.max_wasm_stack
    }

    /// The descriptor cap in effect.
    pub fn fd_limit(&self) -> u32 {
        self.max_fds.unwrap_or(DEFAULT_MAX_FDS)
    }

    /// The fuel budget, if any.
    pub fn fuel_limit(&self) -> Option<u64> {
        self.fuel
    }

    /// The timeout, if any.
    pub fn time_limit(&self) -> Option<Duration> {
        self.timeout
    }

    /// The stack a thread calling into the guest needs: the wasm stack plus
    /// [`HOST_STACK`] for the host's own frames.
    pub fn thread_stack_size(&self) -> usize {
        self.wasm_stack().saturating_add(HOST_STACK)
    }

    /// Sets the engine-wide limits on `config`: the wasm stack and an async
    /// stack size to match (wasmtime requires it to be at least the wasm
    /// stack, even for synchronous calls); fuel counting when there is a fuel
    /// budget; epoch checks when there is a timeout. The stack does not change
    /// compiled code; fuel and epochs do, so modules compiled without them are
    /// not reused with them (wasmtime refuses such a module, and its
    /// `precompile_compatibility_hash` differs).
    pub fn configure(&self, config: &mut wasmtime::Config) {
        if self.max_wasm_stack.is_some() {
            config.max_wasm_stack(self.wasm_stack()).async_stack_size(self.thread_stack_size());
        }
        if self.fuel.is_some() {
            config.consume_fuel(true);
        }
        if self.timeout.is_some() || self.stoppable {
            config.epoch_interruption(true);
        }
    }

    /// The resource limiter for the memory cap, for an embedder who installs
    /// its own (`store.limiter(|data| &mut data.limiter)`); [`Limits::start`]
    /// installs one in the context. It holds the sum of all linear memories
    /// and tables to the cap, as [`Limits::max_memory`] says.
    pub fn limiter(&self) -> Limiter {
        Limiter::new(self.max_memory)
    }

    /// Applies the per-store limits to `store`, whose context `get_ctx`
    /// finds (the function given to [`crate::add_to_linker`]): the memory cap
    /// (replacing any limiter the store had, and recording the peak for
    /// [`crate::stats::Stats::peak_memory`] and any refusal for
    /// [`WasiCtx::memory_refused`]), the fuel budget, and the timeout, which
    /// starts now. The engine must have been set up by [`Limits::configure`].
    ///
    /// With a timeout, a thread wakes at the deadline to stop the guest's wasm
    /// code; it ends when the returned [`Watchdog`] is dropped. Keep the
    /// watchdog until the run is over.
    pub fn start<T: 'static>(
        &self,
        store: &mut wasmtime::Store<T>,
        get_ctx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
    ) -> wasmtime::Result<Watchdog> {
        let watchdog = self.start_ticked(store, get_ctx)?;
        let Some(deadline) = get_ctx(store.data_mut()).deadline else {
            return Ok(watchdog);
        };
        let engine = store.engine().clone();
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new().name("capwasi timeout".into()).spawn(move || {
            loop {
                let left = deadline.remaining();
                if left.is_zero() {
                    engine.increment_epoch();
                    return;
                }
                if stopped.recv_timeout(left) != Err(mpsc::RecvTimeoutError::Timeout) {
                    return;
                }
            }
        })?;
        Ok(Watchdog { _stop: Some(stop), stopper: watchdog.stopper })
    }

    /// As [`Limits::start`], but without a thread for the timeout: for a
    /// host running many guests that ticks the engine's epoch itself
    /// (`Engine::increment_epoch` every few milliseconds, from one thread
    /// for all its stores). The deadline is checked at each tick, so a guest
    /// past its timeout is stopped up to a tick late. Blocking I/O under a
    /// deadline waits up to it exactly, as with [`Limits::start`].
    pub fn start_ticked<T: 'static>(
        &self,
        store: &mut wasmtime::Store<T>,
        get_ctx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
    ) -> wasmtime::Result<Watchdog> {
        get_ctx(store.data_mut()).limiter = self.limiter();
        store.limiter(move |data| &mut get_ctx(data).limiter);
        if let Some(units) = self.fuel {
            store.set_fuel(units)?;
        }
        let stopper = self
            .stoppable
            .then(|| Stopper { engine: store.engine().clone(), stopped: Arc::new(AtomicBool::new(false)) });
        if self.timeout.is_some() || stopper.is_some() {
            // Ticks of the engine's epoch, from this watchdog, a stopper or any other
            // store's, each run this check at the guest's next epoch check; only this
            // store's own deadline or stopper ends it.
            let stopped = stopper.as_ref().map(|s| s.stopped.clone());
            store.set_epoch_deadline(1);
            store.epoch_deadline_callback(move |mut store| {
                if stopped.as_ref().is_some_and(|s| s.load(Ordering::SeqCst)) {
                    return Err(Stopped.into());
                }
                match get_ctx(store.data_mut()).deadline {
                    Some(deadline) if deadline.expired() => Err(TimedOut { limit: deadline.limit }.into()),
                    _ => Ok(UpdateDeadline::Continue(1)),
                }
            });
        }
        if let Some(limit) = self.timeout {
            get_ctx(store.data_mut()).deadline = Some(Deadline { at: Instant::now() + limit, limit });
        }
        Ok(Watchdog { _stop: None, stopper })
    }

    /// The fuel the guest in `store` has used, when there is a fuel budget.
    pub fn fuel_consumed<T>(&self, store: &wasmtime::Store<T>) -> Option<u64> {
        Some(self.fuel?.saturating_sub(store.get_fuel().ok()?))
    }
}

/// Keeps a run's timeout thread (see [`Limits::start`]); dropping it ends the thread.
#[derive(Debug)]
pub struct Watchdog {
    _stop: Option<mpsc::Sender<()>>,
    stopper: Option<Stopper>,
}

impl Watchdog {
    /// The handle that stops this run from another thread, when the limits
    /// were [`Limits::stoppable`].
    pub fn stopper(&self) -> Option<Stopper> {
        self.stopper.clone()
    }
}

/// Ends a [`Limits::stoppable`] run from any thread (see [`Watchdog::stopper`]).
#[derive(Debug, Clone)]
pub struct Stopper {
    engine: wasmtime::Engine,
    stopped: Arc<AtomicBool>,
}

impl Stopper {
    /// Ends the run: its wasm code stops with [`Stopped`] at its next epoch
    /// check (a loop iteration or a call). Stopping twice, or after the run
    /// ended, does nothing more.
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        self.engine.increment_epoch();
    }
}

/// The error a run ends with when a [`Stopper`] stopped it.
/// Find it with `error.downcast_ref::<Stopped>()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("stopped by the host")
    }
}

impl std::error::Error for Stopped {}

/// The error a run ends with when its timeout passes (see [`Limits::timeout`]).
/// Find it with `error.downcast_ref::<TimedOut>()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedOut {
    /// The timeout that passed.
    pub limit: Duration,
}

impl std::fmt::Display for TimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "timed out after {}", format_duration(self.limit))
    }
}

impl std::error::Error for TimedOut {}

/// When a run's time is up, as its host calls see it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    pub(crate) at: Instant,
    pub(crate) limit: Duration,
}

impl Deadline {
    pub(crate) fn expired(&self) -> bool {
        Instant::now() >= self.at
    }

    /// The time left, zero once it has passed.
    pub(crate) fn remaining(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }

    /// The error a waiting host call returns at the deadline: `error.rs` makes
    /// it a trap that ends the run with [`TimedOut`].
    pub(crate) fn error(&self) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::TimedOut, TimedOut { limit: self.limit })
    }

    /// Waits until `fd` is ready for `events` (`poll(2)`), or fails with
    /// [`Deadline::error`] when the deadline passes first.
    pub(crate) fn wait(&self, fd: rustix::fd::BorrowedFd<'_>, events: rustix::event::PollFlags) -> std::io::Result<()> {
        loop {
            let left = self.remaining();
            if left.is_zero() {
                return Err(self.error());
            }
            let timeout = rustix::time::Timespec {
                tv_sec: left.as_secs().min(i64::MAX as u64) as i64,
                tv_nsec: left.subsec_nanos().into(),
            };
            let mut fds = [rustix::event::PollFd::from_borrowed_fd(fd, events)];
            match rustix::event::poll(&mut fds, Some(&timeout)) {
                Ok(0) | Err(rustix::io::Errno::INTR) => continue,
                // Ready, or an error or hangup the operation itself will report.
                Ok(_) => return Ok(()),
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// The host memory wasmtime keeps per table element, as [`Limits::max_memory`]
/// charges it: a funcref is a pointer (GC references take 4 bytes, so this is
/// the most an element of wasmtime's default features holds).
pub const TABLE_ELEMENT_BYTES: usize = std::mem::size_of::<usize>();

/// A store's resource limiter ([`Limits::limiter`], installed by
/// [`Limits::start`]): the memory cap over the sum of all linear memories and
/// tables (multi-memory lets a module have many; a cap per memory would let
/// each reach it), recording the peak and the largest total the cap refused.
#[derive(Debug, Default)]
pub struct Limiter {
    max_memory: Option<usize>,
    /// Bytes of linear memory in the store (memories never shrink, so also the peak).
    memory: usize,
    /// Elements of all tables in the store (tables never shrink either).
    table_elements: usize,
    /// The largest total (memories and tables, in bytes) the memory cap
    /// refused, if it refused one.
    refused: Option<usize>,
    /// wasmtime's default counts of instances, tables and memories.
    counts: StoreLimits,
}

impl Limiter {
    fn new(max_memory: Option<usize>) -> Self {
        Limiter { max_memory, ..Limiter::default() }
    }

    /// Bytes of linear memory in the store: memories never shrink, so this is
    /// also the peak.
    pub fn memory(&self) -> usize {
        self.memory
    }

    /// Elements of all the store's tables.
    pub fn table_elements(&self) -> usize {
        self.table_elements
    }

    /// The largest total of memories and tables, in bytes, that the cap
    /// refused, if it refused one.
    pub fn refused(&self) -> Option<usize> {
        self.refused
    }

    /// The bytes the cap counts: linear memory plus tables.
    pub fn held(&self) -> usize {
        self.memory.saturating_add(self.table_elements.saturating_mul(TABLE_ELEMENT_BYTES))
    }

    /// Whether `more` bytes fit under the cap beside what is held; records a refusal.
    fn admit(&mut self, more: usize) -> bool {
        let total = self.held().saturating_add(more);
        let fits = self.max_memory.is_none_or(|cap| total <= cap);
        if !fits {
            self.refused = self.refused.max(Some(total));
        }
        fits
    }
}

impl ResourceLimiter for Limiter {
    /// Called for each memory as it is created (`current` 0) and grown.
    fn memory_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        let more = desired.saturating_sub(current);
        if maximum.is_some_and(|max| desired > max) || !self.admit(more) {
            return Ok(false);
        }
        self.memory = self.memory.saturating_add(more);
        Ok(true)
    }

    /// Called for each table as it is created (`current` 0) and grown.
    fn table_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        let more = desired.saturating_sub(current);
        if maximum.is_some_and(|max| desired > max) || !self.admit(more.saturating_mul(TABLE_ELEMENT_BYTES)) {
            return Ok(false);
        }
        self.table_elements = self.table_elements.saturating_add(more);
        Ok(true)
    }

    fn instances(&self) -> usize {
        self.counts.instances()
    }

    fn tables(&self) -> usize {
        self.counts.tables()
    }

    fn memories(&self) -> usize {
        self.counts.memories()
    }
}

/// `64K`, `16M`, `2G` (powers of 1024) or a plain byte count.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let (digits, scale) = match text.char_indices().last() {
        Some((i, 'K' | 'k')) => (&text[..i], 1 << 10),
        Some((i, 'M' | 'm')) => (&text[..i], 1 << 20),
        Some((i, 'G' | 'g')) => (&text[..i], 1 << 30),
        _ => (text, 1),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .ok_or_else(|| format!("'{text}' is not a size (examples: 65536, 64K, 16M, 2G)"))
}

/// A size as [`parse_size`] reads it, in the largest unit that divides it.
pub fn format_size(bytes: u64) -> String {
    for (suffix, scale) in [("G", 1u64 << 30), ("M", 1 << 20), ("K", 1 << 10)] {
        if bytes >= scale && bytes.is_multiple_of(scale) {
            return format!("{}{suffix}", bytes / scale);
        }
    }
    bytes.to_string()
}

/// A duration: a whole number with a unit, `ns`, `us`, `ms`, `s`, `m` or `h`
/// (`500ms`, `2s`, `1m`). Zero is refused: a run with no time at all is a
/// mistake.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("'{text}' is not a duration (examples: 500ms, 2s, 1m, 1h)");
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (digits, unit) = text.split_at(split);
    let n: u64 = digits.parse().map_err(|_| bad())?;
    let nanos = match unit {
        "ns" => Some(n),
        "us" => n.checked_mul(1_000),
        "ms" => n.checked_mul(1_000_000),
        "s" => n.checked_mul(1_000_000_000),
        "m" => n.checked_mul(60_000_000_000),
        "h" => n.checked_mul(3_600_000_000_000),
        _ => None,
    };
    match nanos {
        Some(0) => Err(format!("'{text}' is no time at all; give a positive duration (examples: 500ms, 2s)")),
        Some(nanos) => Ok(Duration::from_nanos(nanos)),
        None => Err(bad()),
    }
}

/// A duration as [`parse_duration`] reads it, in the largest unit that divides it.
pub fn format_duration(limit: Duration) -> String {
    let nanos = limit.as_nanos();
    for (suffix, scale) in
        [("h", 3_600_000_000_000), ("m", 60_000_000_000), ("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000)]
    {
        if nanos >= scale && nanos.is_multiple_of(scale) {
            return format!("{}{suffix}", nanos / scale);
        }
    }
    format!("{nanos}ns")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unset_stack_leaves_the_config_at_wasmtimes_default() {
        let mut config = wasmtime::Config::new();
        Limits::new().configure(&mut config);
        let engine = wasmtime::Engine::new(&config).unwrap();
        assert_eq!(engine.get_max_wasm_stack(), DEFAULT_MAX_WASM_STACK);
        assert_eq!(Limits::new().thread_stack_size(), DEFAULT_MAX_WASM_STACK + HOST_STACK);
    }

    #[test]
    fn a_stack_larger_than_the_default_async_stack_makes_a_valid_engine() {
        let limits = Limits::new().max_wasm_stack(64 << 20);
        let mut config = wasmtime::Config::new();
        limits.configure(&mut config);
        let engine = wasmtime::Engine::new(&config).expect("async_stack_size follows max_wasm_stack");
        assert_eq!(engine.get_max_wasm_stack(), 64 << 20);
        assert_eq!(limits.thread_stack_size(), (64 << 20) + HOST_STACK);
    }

    #[test]
    fn the_memory_cap_holds_over_all_memories_and_tables_together() {
        let mut limiter = Limits::new().max_memory(4 << 16).limiter();
        assert!(limiter.memory_growing(0, 2 << 16, None).unwrap(), "a first memory of 2 pages");
        assert!(limiter.memory_growing(0, 1 << 16, None).unwrap(), "a second memory of 1 page");
        assert!(!limiter.memory_growing(1 << 16, 3 << 16, None).unwrap(), "5 pages in all");
        assert_eq!(limiter.refused(), Some(5 << 16));
        let elements = (1 << 16) / TABLE_ELEMENT_BYTES;
        assert!(limiter.table_growing(0, elements, None).unwrap(), "a table of the last 64 KiB");
        assert!(!limiter.table_growing(elements, elements + 1, None).unwrap(), "one element more");
        assert!(!limiter.memory_growing(0, 1, None).unwrap(), "nothing is left");
        assert_eq!((limiter.memory(), limiter.table_elements(), limiter.held()), (3 << 16, elements, 4 << 16));
        let mut unlimited = Limits::new().limiter();
        assert!(unlimited.memory_growing(0, 1 << 30, None).unwrap());
        assert!(!unlimited.memory_growing(0, 2, Some(1)).unwrap(), "a memory's own maximum still holds");
        assert_eq!(unlimited.refused(), None, "which is not the cap's refusal");
    }

    #[test]
    fn sizes_take_suffixes_and_print_back_the_same() {
        assert_eq!(parse_size("64K"), Ok(65536));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("16MB").is_err());
        for text in ["64K", "1M", "3G", "100", "1025"] {
            assert_eq!(format_size(parse_size(text).unwrap()), text);
        }
        assert_eq!(format_size(2048 << 10), "2M");
    }

    #[test]
    fn durations_need_a_unit_and_print_back_the_same() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        for bad in ["2", "s", "2 s", "1.5s", "2sec", "-1s", ""] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert!(parse_duration("0s").unwrap_err().contains("no time at all"));
        assert_eq!(parse_duration("100us"), Ok(Duration::from_micros(100)));
        assert_eq!(parse_duration("7ns"), Ok(Duration::from_nanos(7)));
        for text in ["500ms", "1500ms", "2s", "90s", "1m", "2h", "100us", "1001ns"] {
            assert_eq!(format_duration(parse_duration(text).unwrap()), text);
        }
    }

    #[test]
    fn fuel_and_timeouts_change_the_compiled_code_and_its_compatibility_hash() {
        use std::hash::{DefaultHasher, Hash, Hasher};
        let hash = |limits: Limits| {
            let mut config = wasmtime::Config::new();
            limits.configure(&mut config);
            let mut hasher = DefaultHasher::new();
            wasmtime::Engine::new(&config).unwrap().precompile_compatibility_hash().hash(&mut hasher);
            hasher.finish()
        };
        let plain = hash(Limits::new());
        assert_eq!(hash(Limits::new().max_memory(1 << 20).max_fds(10)), plain, "store limits compile alike");
        let fuel = hash(Limits::new().fuel(1));
        let timeout = hash(Limits::new().timeout(Duration::from_secs(1)));
        assert!(fuel != plain && timeout != plain && fuel != timeout);
    }

    #[test]
    fn a_stopper_ends_a_looping_guest_from_another_thread() {
        struct State {
            wasi: WasiCtx,
        }
        let limits = Limits::new().stoppable();
        let mut config = wasmtime::Config::new();
        limits.configure(&mut config);
        let engine = wasmtime::Engine::new(&config).unwrap();
        let module = wasmtime::Module::new(&engine, r#"(module (func (export "_start") (loop (br 0))))"#).unwrap();
        let mut store = wasmtime::Store::new(&engine, State { wasi: WasiCtx::builder().build().unwrap() });
        let watchdog = limits.start(&mut store, |state: &mut State| &mut state.wasi).unwrap();
        let stopper = watchdog.stopper().expect("stoppable limits hand out a stopper");
        let instance = wasmtime::Instance::new(&mut store, &module, &[]).unwrap();
        let start = instance.get_typed_func::<(), ()>(&mut store, "_start").unwrap();
        let stopping = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            stopper.stop();
        });
        let err = start.call(&mut store, ()).unwrap_err();
        stopping.join().unwrap();
        assert_eq!(err.downcast_ref::<Stopped>(), Some(&Stopped));
    }

    #[test]
    fn limits_without_stoppable_hand_out_no_stopper() {
        struct State {
            wasi: WasiCtx,
        }
        let engine = wasmtime::Engine::default();
        let mut store = wasmtime::Store::new(&engine, State { wasi: WasiCtx::builder().build().unwrap() });
        let watchdog = Limits::new().start(&mut store, |state: &mut State| &mut state.wasi).unwrap();
        assert!(watchdog.stopper().is_none());
    }
}
