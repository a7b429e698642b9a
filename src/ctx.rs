//! The per-instance WASI state and its builder.

use std::io::{Read, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::Path;

use cap_std::ambient_authority;
use wasmtime::error::Context as _;

use crate::clocks::{HostClock, MonotonicClock, WallClock};
use crate::fs::OpenDir;
use crate::limits::{Deadline, Limiter};
use crate::net::{Socket, SocketKind};
use crate::stats::{DescriptorKind, Stats};
use crate::stdio::{InputSource, InputStream, OutputSink, OutputStream};
use crate::table::{DEFAULT_MAX_FDS, Descriptor, FdTable};

/// Everything one guest instance sees through preview1: its arguments,
/// environment, descriptors, clocks and random source.
///
/// Build one with [`WasiCtx::builder`], keep it in your store's data, and link
/// the preview1 functions with [`crate::add_to_linker`].
pub struct WasiCtx {
    pub(crate) args: StringArray,
    pub(crate) env: StringArray,
    pub(crate) table: FdTable,
    pub(crate) wall_clock: Box<dyn WallClock>,
    pub(crate) monotonic_clock: Box<dyn MonotonicClock>,
    pub(crate) random: Box<dyn cap_rand::RngCore + Send + Sync>,
    /// Where the bound module exports its memory (see [`WasiCtx::bind_module`]).
    pub(crate) memory_export: Option<wasmtime::ModuleExport>,
    /// When the run's timeout passes, if it has one (see [`crate::limits::Limits::start`]).
    pub(crate) deadline: Option<Deadline>,
    /// The store's resource limiter, when [`crate::limits::Limits::start`] installed it.
    pub(crate) limiter: Limiter,
    /// The counts, when stats are on.
    pub(crate) stats: Option<Box<Stats>>,
    /// The Dagger and CommonWA state: URL policy and handles (`crate::url_abi`).
    pub(crate) urls: crate::url_abi::UrlState,
}

impl WasiCtx {
    /// A builder with no arguments, no environment, no preopens, and stdio
    /// connected to nothing (stdin empty, stdout and stderr discarded).
    pub fn builder() -> WasiCtxBuilder {
        WasiCtxBuilder::new()
    }

    /// Tells the context which module will call it, so that each host call
    /// finds the guest's `memory` export by index instead of by name (a string
    /// lookup that otherwise costs about as much as a fast host call itself).
    /// Optional: calls from any other module still work, by name. To skip the
    /// lookup altogether, instantiate with [`crate::instantiate_bound`].
    pub fn bind_module(&mut self, module: &wasmtime::Module) {
        self.memory_export = module.get_export_index("memory");
    }

    /// Closes every descriptor the guest holds (stdio, sockets, preopens and
    /// what it opened itself); later calls on them fail with EBADF. For a
    /// host that is done with the guest but keeps its store a while longer:
    /// the writers given as its stdout and stderr are dropped now, so whoever
    /// reads what they pass on sees the end without waiting for the store to
    /// be torn down.
    pub fn close_all(&mut self) {
        self.table.close_all();
    }

    /// How many descriptors the guest holds open, stdio and preopens included.
    pub fn open_fds(&self) -> u32 {
        self.table.open_count()
    }

    /// What the guest did so far: per preview1 function the calls, errors
    /// and host time, the bytes moved per kind of descriptor, and the peak
    /// linear memory. `None` unless stats were turned on
    /// ([`WasiCtxBuilder::stats`]).
    pub fn stats(&self) -> Option<Stats> {
        let mut stats = Stats::clone(self.stats.as_ref()?);
        stats.peak_memory = self.limiter.memory() as u64;
        Some(stats)
    }

    /// The largest total of linear memories and tables, in bytes, that the
    /// memory cap of [`crate::limits::Limits::start`] refused the guest, if it
    /// refused one.
    pub fn memory_refused(&self) -> Option<u64> {
        self.limiter.refused().map(|bytes| bytes as u64)
    }

    /// How many times the descriptor cap refused the guest a descriptor
    /// (EMFILE).
    pub fn fds_refused(&self) -> u64 {
        self.table.refused()
    }

    /// Counts a call of the function at `index` in [`crate::stats::FUNCTIONS`].
    pub(crate) fn record_call(&mut self, index: usize, started: std::time::Instant, failed: bool) {
        if let Some(stats) = &mut self.stats {
            stats.record(index, started, failed);
        }
    }

    /// Counts `n` bytes read (or written) through `fd`.
    pub(crate) fn record_bytes(&mut self, fd: u32, read: bool, n: u64) {
        let kind = match self.table.get(fd) {
            Ok(Descriptor::Input(_) | Descriptor::Output(_)) => DescriptorKind::Stdio,
            Ok(Descriptor::Socket(_)) => DescriptorKind::Socket,
            _ => DescriptorKind::File,
        };
        if let Some(stats) = &mut self.stats {
            stats.add_bytes(kind, read, n);
        }
    }
}

/// A duplicate of the process's stream `name` (close-on-exec, sharing its
/// open file description).
fn duplicate(fd: BorrowedFd<'_>, name: &str) -> Result<OwnedFd, wasmtime::Error> {
    fd.try_clone_to_owned().with_context(|| format!("cannot duplicate the host's {name} for the guest"))
}

/// The host's environment variables whose name and value are both UTF-8
/// (`std::env::vars` would panic on the others).
pub fn utf8_host_env() -> impl Iterator<Item = (String, String)> {
    std::env::vars_os().filter_map(|(key, value)| Some((key.into_string().ok()?, value.into_string().ok()?)))
}

/// Strings laid out as preview1 hands them to the guest: each NUL-terminated,
/// back to back, with the offset of each.
#[derive(Default)]
pub(crate) struct StringArray {
    pub(crate) bytes: Vec<u8>,
    pub(crate) offsets: Vec<u32>,
}

impl StringArray {
    fn push(&mut self, s: &str) {
        self.offsets.push(self.bytes.len() as u32);
        self.bytes.extend_from_slice(s.as_bytes());
        self.bytes.push(0);
    }

    /// Pushes `key=value` (an environment variable) without building it first.
    fn push_pair(&mut self, key: &str, value: &str) {
        self.offsets.push(self.bytes.len() as u32);
        self.bytes.extend_from_slice(key.as_bytes());
        self.bytes.push(b'=');
        self.bytes.extend_from_slice(value.as_bytes());
        self.bytes.push(0);
    }
}

/// Whether a preopened directory may be changed by the guest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DirPerms {
    /// The guest may read, create, change and remove beneath it.
    #[default]
    ReadWrite,
    /// Every mutating call beneath it fails with ENOTCAPABLE.
    ReadOnly,
}

/// Builds a [`WasiCtx`].
///
/// ```
/// use capwasi::{DirPerms, WasiCtx};
/// let dir = tempfile::tempdir()?;
/// let mut builder = WasiCtx::builder();
/// builder
///     .arg("prog.wasm")
///     .arg("--verbose")
///     .env("LANG", "C")
///     .inherit_stdout()
///     .preopened_dir_path(dir.path(), "/data", DirPerms::ReadOnly)?;
/// let ctx = builder.build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct WasiCtxBuilder {
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Stdio<InputSource>,
    stdout: Stdio<OutputSink>,
    stderr: Stdio<OutputSink>,
    sockets: Vec<SocketKind>,
    preopens: Vec<(cap_std::fs::Dir, String, DirPerms)>,
    wall_clock: Box<dyn WallClock>,
    monotonic_clock: Box<dyn MonotonicClock>,
    random: Option<Box<dyn cap_rand::RngCore + Send + Sync>>,
    url_policy: Option<crate::url_abi::UrlPolicy>,
    max_fds: u32,
    stats: bool,
}

/// A standard stream as the builder was told.
enum Stdio<T> {
    /// The host process's own, duplicated when the context is built.
    Inherit,
    /// One the embedder gave, or the default.
    Given(T),
}

impl Default for WasiCtxBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl WasiCtxBuilder {
    /// The same as [`WasiCtx::builder`].
    pub fn new() -> Self {
        WasiCtxBuilder {
            args: Vec::new(),
            env: Vec::new(),
            stdin: Stdio::Given(InputSource::Empty),
            stdout: Stdio::Given(OutputSink::Sink),
            stderr: Stdio::Given(OutputSink::Sink),
            sockets: Vec::new(),
            preopens: Vec::new(),
            wall_clock: Box::new(HostClock),
            monotonic_clock: Box::new(HostClock),
            random: None,
            url_policy: None,
            max_fds: DEFAULT_MAX_FDS,
            stats: false,
        }
    }

    /// Appends one argument. The first is the program name (`argv[0]`).
    pub fn arg(&mut self, arg: impl Into<String>) -> &mut Self {
        self.args.push(arg.into());
        self
    }

    /// Appends several arguments.
    pub fn args<S: Into<String>>(&mut self, args: impl IntoIterator<Item = S>) -> &mut Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Adds one environment variable.
    pub fn env(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Adds every variable of the host process whose name and value are UTF-8.
    pub fn inherit_env(&mut self) -> &mut Self {
        self.env.extend(utf8_host_env());
        self
    }

    /// Reads the guest's stdin from `reader`, which is always ready: a read
    /// waits for it without a timeout, and `poll_oneoff` never waits for it.
    /// For a socket or a pipe, hand the descriptor to [`Self::stdin_fd`].
    pub fn stdin(&mut self, reader: impl Read + Send + 'static) -> &mut Self {
        self.stdin = Stdio::Given(InputSource::Reader(Box::new(reader)));
        self
    }

    /// Writes the guest's stdout to `writer`.
    pub fn stdout(&mut self, writer: impl Write + Send + 'static) -> &mut Self {
        self.stdout = Stdio::Given(OutputSink::Writer(Box::new(writer)));
        self
    }

    /// Writes the guest's stderr to `writer`.
    pub fn stderr(&mut self, writer: impl Write + Send + 'static) -> &mut Self {
        self.stderr = Stdio::Given(OutputSink::Writer(Box::new(writer)));
        self
    }

    /// Reads the guest's stdin from the host descriptor `fd`: a connected
    /// socket (`UnixStream`, `TcpStream`), a pipe, a file or a terminal. The
    /// context owns `fd` from then on (pass `stream.try_clone()?` to keep
    /// using the stream). Unlike a reader given to [`Self::stdin`], the
    /// descriptor is read as inherited stdin is: `poll_oneoff` waits for it
    /// to be readable, NONBLOCK set by the guest is honoured without changing
    /// the descriptor, and under a [`crate::limits::Limits::timeout`] a read
    /// waiting for a peer ends at the deadline. Give it in blocking mode: the
    /// guest sees EAGAIN wherever a non-blocking descriptor has nothing ready.
    ///
    /// ```
    /// let (host_end, guest_end) = std::os::unix::net::UnixStream::pair()?;
    /// let mut builder = capwasi::WasiCtx::builder();
    /// builder.stdin_fd(guest_end.try_clone()?).stdout_fd(guest_end);
    /// let ctx = builder.build()?;
    /// # drop(host_end);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stdin_fd(&mut self, fd: impl Into<OwnedFd>) -> &mut Self {
        self.stdin = Stdio::Given(InputSource::Fd(fd.into()));
        self
    }

    /// Writes the guest's stdout to the host descriptor `fd` (see
    /// [`Self::stdin_fd`]): with one `write(2)` straight from guest memory,
    /// never buffered in the host; `poll_oneoff` waits for it to be writable;
    /// under a timeout a write waiting for a peer ends at the deadline.
    pub fn stdout_fd(&mut self, fd: impl Into<OwnedFd>) -> &mut Self {
        self.stdout = Stdio::Given(OutputSink::Fd(fd.into()));
        self
    }

    /// Writes the guest's stderr to the host descriptor `fd`, as
    /// [`Self::stdout_fd`] writes stdout.
    pub fn stderr_fd(&mut self, fd: impl Into<OwnedFd>) -> &mut Self {
        self.stderr = Stdio::Given(OutputSink::Fd(fd.into()));
        self
    }

    /// Connects the guest's stdin to the host process's stdin: to a duplicate
    /// of descriptor 0 made by [`Self::build`], so that what the process does
    /// with its own descriptor 0 afterwards does not reach the guest.
    pub fn inherit_stdin(&mut self) -> &mut Self {
        self.stdin = Stdio::Inherit;
        self
    }

    /// Connects the guest's stdout to the host process's stdout: to a
    /// duplicate of descriptor 1 made by [`Self::build`]. An embedder that
    /// later closes its stdout and opens a file (which then gets descriptor
    /// 1) does not find the guest's output in that file.
    pub fn inherit_stdout(&mut self) -> &mut Self {
        self.stdout = Stdio::Inherit;
        self
    }

    /// Connects the guest's stderr to the host process's stderr (a duplicate
    /// of descriptor 2 made by [`Self::build`]).
    pub fn inherit_stderr(&mut self) -> &mut Self {
        self.stderr = Stdio::Inherit;
        self
    }

    /// Connects all three standard streams to the host process's.
    pub fn inherit_stdio(&mut self) -> &mut Self {
        self.inherit_stdin().inherit_stdout().inherit_stderr()
    }

    /// Hands the guest a directory under the name `guest_path`. Every path
    /// the guest names through it resolves beneath `dir`.
    pub fn preopened_dir(
        &mut self,
        dir: cap_std::fs::Dir,
        guest_path: impl Into<String>,
        perms: DirPerms,
    ) -> &mut Self {
        self.preopens.push((dir, guest_path.into(), perms));
        self
    }

    /// Opens the host directory `host_path` and hands it to the guest as
    /// `guest_path`. Fails if the host directory cannot be opened.
    pub fn preopened_dir_path(
        &mut self,
        host_path: impl AsRef<Path>,
        guest_path: impl Into<String>,
        perms: DirPerms,
    ) -> std::io::Result<&mut Self> {
        let dir = cap_std::fs::Dir::open_ambient_dir(host_path, ambient_authority())?;
        Ok(self.preopened_dir(dir, guest_path, perms))
    }

    /// Hands the guest a listening TCP socket, which it serves with
    /// `sock_accept`. Sockets take the descriptors after stdio and before the
    /// preopened directories, in the order they were added: the first is fd 3.
    /// The guest finds it in blocking mode, whatever mode it was in.
    ///
    /// `fd_prestat_get` on a socket reports a preopen of type `socket` (tag 1),
    /// which wasi-libc and Go skip while scanning for preopened directories;
    /// without it, wasi-libc would stop at the socket and never see the
    /// directories after it.
    pub fn preopened_tcp_listener(&mut self, listener: std::net::TcpListener) -> &mut Self {
        self.sockets.push(SocketKind::TcpListener(listener));
        self
    }

    /// Hands the guest a connected TCP stream (see [`Self::preopened_tcp_listener`]
    /// for its descriptor number).
    pub fn preopened_tcp_stream(&mut self, stream: std::net::TcpStream) -> &mut Self {
        self.sockets.push(SocketKind::TcpStream(stream));
        self
    }

    /// Hands the guest a listening Unix-domain socket (see
    /// [`Self::preopened_tcp_listener`]).
    pub fn preopened_unix_listener(&mut self, listener: std::os::unix::net::UnixListener) -> &mut Self {
        self.sockets.push(SocketKind::UnixListener(listener));
        self
    }

    /// Hands the guest a connected Unix-domain stream (see
    /// [`Self::preopened_tcp_listener`]).
    pub fn preopened_unix_stream(&mut self, stream: std::os::unix::net::UnixStream) -> &mut Self {
        self.sockets.push(SocketKind::UnixStream(stream));
        self
    }

    /// Replaces the wall clock (`CLOCK_REALTIME`).
    pub fn wall_clock(&mut self, clock: impl WallClock + 'static) -> &mut Self {
        self.wall_clock = Box::new(clock);
        self
    }

    /// Replaces the monotonic clock.
    pub fn monotonic_clock(&mut self, clock: impl MonotonicClock + 'static) -> &mut Self {
        self.monotonic_clock = Box::new(clock);
        self
    }

    /// Replaces the random source behind `random_get` (the default is a
    /// ChaCha12 generator seeded from the OS).
    pub fn random(&mut self, rng: impl cap_rand::RngCore + Send + Sync + 'static) -> &mut Self {
        self.random = Some(Box::new(rng));
        self
    }

    /// The URLs a Dagger or CommonWA guest may open ([`crate::url_abi`]);
    /// by default, every URL.
    pub fn url_policy(&mut self, policy: crate::url_abi::UrlPolicy) -> &mut Self {
        self.url_policy = Some(policy);
        self
    }

    /// Caps the number of descriptors the guest may hold at once, stdio and
    /// preopens included (default 1024); past it, opening fails with EMFILE.
    pub fn max_open_fds(&mut self, max: u32) -> &mut Self {
        self.max_fds = max;
        self
    }

    /// Counts what the guest does (see [`WasiCtx::stats`]). Off by default:
    /// counting reads the clock twice per host call.
    pub fn stats(&mut self, on: bool) -> &mut Self {
        self.stats = on;
        self
    }

    /// Builds the context: stdio takes fds 0-2, then the sockets, then the
    /// preopened directories, in the order they were added.
    ///
    /// Fails if an argument or environment entry holds a NUL byte, an
    /// environment key is empty or holds `=`, there are more preopens than
    /// the descriptor cap allows, or an inherited stream cannot be duplicated
    /// (the process is out of descriptors).
    pub fn build(&mut self) -> Result<WasiCtx, wasmtime::Error> {
        let mut builder = std::mem::take(self);
        let mut args = StringArray::default();
        for arg in &builder.args {
            if arg.contains('\0') {
                wasmtime::bail!("argument {arg:?} contains a NUL byte, which a guest cannot see");
            }
            args.push(arg);
        }
        let mut env = StringArray::default();
        env.offsets.reserve(builder.env.len());
        env.bytes.reserve(builder.env.iter().map(|(key, value)| key.len() + value.len() + 2).sum());
        for (key, value) in &builder.env {
            if key.is_empty() || key.contains('=') || key.contains('\0') {
                wasmtime::bail!("environment variable name {key:?} is empty or contains '=' or NUL");
            }
            if value.contains('\0') {
                wasmtime::bail!("environment variable {key} contains a NUL byte");
            }
            env.push_pair(key, value);
        }
        let mut table = FdTable::new(builder.max_fds);
        let too_many = |_| wasmtime::Error::msg("more stdio, sockets and preopens than the descriptor cap");
        let stdin = match builder.stdin {
            Stdio::Inherit => InputSource::Fd(duplicate(std::io::stdin().as_fd(), "stdin")?),
            Stdio::Given(source) => source,
        };
        let stdout = match builder.stdout {
            Stdio::Inherit => OutputSink::Fd(duplicate(std::io::stdout().as_fd(), "stdout")?),
            Stdio::Given(sink) => sink,
        };
        let stderr = match builder.stderr {
            Stdio::Inherit => OutputSink::Fd(duplicate(std::io::stderr().as_fd(), "stderr")?),
            Stdio::Given(sink) => sink,
        };
        table.push(Descriptor::Input(InputStream::from(stdin))).map_err(too_many)?;
        table.push(Descriptor::Output(OutputStream::from(stdout))).map_err(too_many)?;
        table.push(Descriptor::Output(OutputStream::from(stderr))).map_err(too_many)?;
        for kind in builder.sockets.drain(..) {
            let socket = Socket::new(kind).context("cannot put a preopened socket in blocking mode")?;
            table.push(Descriptor::Socket(socket)).map_err(too_many)?;
        }
        for (dir, name, perms) in builder.preopens.drain(..) {
            let open_dir = OpenDir::new(dir, Some(name), perms == DirPerms::ReadOnly);
            table.push(Descriptor::Dir(open_dir)).map_err(too_many)?;
        }
        let random = match builder.random.take() {
            Some(rng) => rng,
            None => Box::new(cap_rand::std_rng_from_os_rng(cap_rand::ambient_authority())),
        };
        Ok(WasiCtx {
            args,
            env,
            table,
            wall_clock: builder.wall_clock,
            monotonic_clock: builder.monotonic_clock,
            random,
            memory_export: None,
            deadline: None,
            limiter: Limiter::default(),
            stats: builder.stats.then(Box::default),
            urls: crate::url_abi::UrlState::new(builder.url_policy.take().unwrap_or_default()),
        })
    }
}
