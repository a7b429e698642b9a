//! What a run cost, as its context counts it: per preview1 function (and per
//! Dagger and CommonWA function, [`URL_FUNCTIONS`]) the calls, the errors and
//! the time spent in the host; the bytes read and written per kind of
//! descriptor; the peak linear memory.
//!
//! Counting is off unless asked for ([`crate::WasiCtxBuilder::stats`]): a host
//! call then pays one test of a flag. With it on, each call reads the
//! monotonic clock twice (some 40 ns).
//!
//! ```
//! use capwasi::stats::DescriptorKind;
//! let mut builder = capwasi::WasiCtx::builder();
//! builder.stats(true);
//! let ctx = builder.build()?;
//! // ... run a guest with it ...
//! let stats = ctx.stats().expect("counting was on");
//! assert_eq!(stats.function("fd_write").count, 0);
//! assert_eq!(stats.bytes(DescriptorKind::Stdio).written, 0);
//! # Ok::<(), wasmtime::Error>(())
//! ```

use std::time::{Duration, Instant};

/// The preview1 functions, in witx order: the rows of [`Stats`].
pub const FUNCTIONS: [&str; 46] = [
    "args_get",
    "args_sizes_get",
    "environ_get",
    "environ_sizes_get",
    "clock_res_get",
    "clock_time_get",
    "fd_advise",
    "fd_allocate",
    "fd_close",
    "fd_datasync",
    "fd_fdstat_get",
    "fd_fdstat_set_flags",
    "fd_fdstat_set_rights",
    "fd_filestat_get",
    "fd_filestat_set_size",
    "fd_filestat_set_times",
    "fd_pread",
    "fd_prestat_get",
    "fd_prestat_dir_name",
    "fd_pwrite",
    "fd_read",
    "fd_readdir",
    "fd_renumber",
    "fd_seek",
    "fd_sync",
    "fd_tell",
    "fd_write",
    "path_create_directory",
    "path_filestat_get",
    "path_filestat_set_times",
    "path_link",
    "path_open",
    "path_readlink",
    "path_remove_directory",
    "path_rename",
    "path_symlink",
    "path_unlink_file",
    "poll_oneoff",
    "proc_exit",
    "proc_raise",
    "sched_yield",
    "random_get",
    "sock_accept",
    "sock_recv",
    "sock_send",
    "sock_shutdown",
];

/// The Dagger and CommonWA functions ([`crate::url_abi`]), named
/// `ABI::function` as `--trace` shows them: the rows of [`Stats`] after
/// preview1's. A Dagger result below 0 is an error, and so is a CommonWA
/// one of a function that reports errors (its doc lists which).
pub const URL_FUNCTIONS: [&str; 25] = [
    "dagger::open",
    "dagger::close",
    "dagger::read",
    "dagger::write",
    "dagger::flush",
    "cwa::log_write",
    "cwa::env_get",
    "cwa::runtime_exit",
    "cwa::runtime_spec_major",
    "cwa::runtime_spec_minor",
    "cwa::runtime_name",
    "cwa::runtime_msleep",
    "cwa::startup_arg_len",
    "cwa::startup_arg_at",
    "cwa::resource_open",
    "cwa::resource_read",
    "cwa::resource_write",
    "cwa::resource_close",
    "cwa::resource_flush",
    "cwa::time_now",
    "cwa::io_get_stdin",
    "cwa::io_get_stdout",
    "cwa::io_get_stderr",
    "cwa::random_i32",
    "cwa::random_i64",
];

/// How many functions [`Stats`] counts.
const ROWS: usize = FUNCTIONS.len() + URL_FUNCTIONS.len();

/// The name of row `i`: a preview1 function, then a Dagger or CommonWA one.
fn row_name(i: usize) -> &'static str {
    FUNCTIONS.get(i).copied().unwrap_or_else(|| URL_FUNCTIONS[i - FUNCTIONS.len()])
}

/// The row of `name` (a preview1 function, or one of [`URL_FUNCTIONS`]), at
/// compile time (the linker's calls index their counters with it).
pub(crate) const fn index(name: &str) -> usize {
    let mut i = 0;
    while i < FUNCTIONS.len() {
        if bytes_eq(FUNCTIONS[i].as_bytes(), name.as_bytes()) {
            return i;
        }
        i += 1;
    }
    let mut j = 0;
    while j < URL_FUNCTIONS.len() {
        if bytes_eq(URL_FUNCTIONS[j].as_bytes(), name.as_bytes()) {
            return FUNCTIONS.len() + j;
        }
        j += 1;
    }
    panic!("not a function capwasi counts")
}

const fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// One function's calls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Calls {
    /// How many times the guest called it.
    pub count: u64,
    /// How many of those calls returned an errno other than success.
    pub errors: u64,
    /// The time spent in the host, from the call's entry to its return.
    pub host_time: Duration,
}

/// Bytes moved through one kind of descriptor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bytes {
    /// By fd_read, fd_pread and sock_recv (and Dagger's read, CommonWA's resource_read).
    pub read: u64,
    /// By fd_write, fd_pwrite and sock_send (and Dagger's write, CommonWA's resource_write).
    pub written: u64,
}

/// The kinds of descriptor [`Stats::bytes`] counts apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DescriptorKind {
    /// Files opened beneath a preopen.
    File,
    /// Descriptors 0-2 as the context was built (inherited or the embedder's
    /// streams), wherever they were moved to; and the streams of Dagger's and
    /// CommonWA's `log://`, `random://`, `zero://` and `null://` URLs.
    Stdio,
    /// Preopened and accepted sockets, and the connections of `http://` and
    /// `https://` URLs (bytes as the guest wrote and read them, before TLS).
    Socket,
}

impl DescriptorKind {
    /// Every kind, in the order reports list them.
    pub const ALL: [DescriptorKind; 3] = [DescriptorKind::File, DescriptorKind::Stdio, DescriptorKind::Socket];

    /// `file`, `stdio` or `socket`.
    pub fn name(self) -> &'static str {
        match self {
            DescriptorKind::File => "file",
            DescriptorKind::Stdio => "stdio",
            DescriptorKind::Socket => "socket",
        }
    }
}

/// What a guest did through its context, counted while stats were on. See
/// [`crate::WasiCtx::stats`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    calls: [Calls; ROWS],
    bytes: [Bytes; 3],
    pub(crate) peak_memory: u64,
    /// The host call under way: when it started, and for a read or write
    /// its [`Io`].
    pub(crate) pending: Option<(Instant, Option<Io>)>,
}

/// A read or write being counted: whether it reads, its fd, and where it
/// writes its byte count in guest memory.
pub(crate) type Io = (bool, i32, i32);

impl Default for Stats {
    fn default() -> Self {
        Stats { calls: [Calls::default(); ROWS], bytes: [Bytes::default(); 3], peak_memory: 0, pending: None }
    }
}

impl Stats {
    /// Every function the guest called at least once: preview1's in witx
    /// order, then Dagger's and CommonWA's ([`URL_FUNCTIONS`]).
    pub fn calls(&self) -> impl Iterator<Item = (&'static str, Calls)> + '_ {
        self.calls.iter().enumerate().filter(|(_, calls)| calls.count > 0).map(|(i, calls)| (row_name(i), *calls))
    }

    /// The calls of function `name` (all zero if it was never called, or is
    /// not a function capwasi counts); Dagger's and CommonWA's are named
    /// `dagger::open`, `cwa::resource_read`.
    pub fn function(&self, name: &str) -> Calls {
        (0..ROWS).find(|&i| row_name(i) == name).map(|i| self.calls[i]).unwrap_or_default()
    }

    /// The bytes read and written through descriptors of `kind`.
    pub fn bytes(&self, kind: DescriptorKind) -> Bytes {
        self.bytes[kind as usize]
    }

    /// The peak size of the store's linear memory in bytes, when the store's
    /// limits were applied by [`crate::limits::Limits::start`] (else 0).
    pub fn peak_memory(&self) -> u64 {
        self.peak_memory
    }

    pub(crate) fn record(&mut self, function: usize, started: Instant, failed: bool) {
        let calls = &mut self.calls[function];
        calls.count += 1;
        calls.errors += u64::from(failed);
        calls.host_time += started.elapsed();
    }

    pub(crate) fn add_bytes(&mut self, kind: DescriptorKind, read: bool, n: u64) {
        let bytes = &mut self.bytes[kind as usize];
        if read {
            bytes.read += n;
        } else {
            bytes.written += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_has_its_row() {
        assert_eq!(index("args_get"), 0);
        assert_eq!(index("sock_shutdown"), FUNCTIONS.len() - 1);
        for (i, name) in FUNCTIONS.iter().chain(&URL_FUNCTIONS).enumerate() {
            assert_eq!(index(name), i);
            assert_eq!(row_name(i), *name);
        }
    }

    #[test]
    fn url_rows_are_the_dagger_and_commonwa_functions() {
        let qualified = |abi: &str, names: &[&str]| names.iter().map(|f| format!("{abi}::{f}")).collect::<Vec<_>>();
        let mut expected = qualified("dagger", crate::url_abi::dagger::FUNCTIONS);
        expected.extend(qualified("cwa", crate::url_abi::cwa::FUNCTIONS));
        assert_eq!(URL_FUNCTIONS.to_vec(), expected);
    }

    #[test]
    fn only_called_functions_are_listed() {
        let mut stats = Stats::default();
        let start = Instant::now();
        stats.record(index("fd_write"), start, false);
        stats.record(index("fd_write"), start, true);
        stats.add_bytes(DescriptorKind::Socket, true, 5);
        let listed: Vec<_> = stats.calls().map(|(name, calls)| (name, calls.count, calls.errors)).collect();
        assert_eq!(listed, [("fd_write", 2, 1)]);
        assert_eq!(stats.function("fd_read"), Calls::default());
        assert_eq!(stats.bytes(DescriptorKind::Socket), Bytes { read: 5, written: 0 });
    }
}
