//! Dagger and CommonWA: the system-call ABIs of two of capwasi's seeds, where a
//! guest opens resources named by URLs, served by the one preview1 host.
//!
//! Both ABIs live on the same [`WasiCtx`] as preview1: every resource a guest
//! opens is a descriptor in its one descriptor table (the lowest free number,
//! counted against `max_fds`), files are opened beneath its preopens by cap-std
//! exactly as preview1 paths are (no escape; `::ro` preopens refuse writes,
//! and these opens only read), and its limits apply. Dagger (import module
//! `dagger`, [`dagger`]) hands the descriptor numbers to the guest; CommonWA
//! (`cwa`, [`cwa`]) hands out random handle numbers that map to descriptors,
//! so no handle can be guessed from another. Both answer to `env` too, told
//! apart by their function names (Dagger's `open`/`close`/`read`/`write`/
//! `flush`, CommonWA's others), which [`abi_of`] reads from a module's imports.
//!
//! URL schemes (`scheme://rest`):
//!
//! ```text
//! stdin:// stdout:// stderr://   the guest's standard streams (descriptors 0, 1, 2)
//! file:///path                   read-only, beneath the preopen whose guest name is
//!                                the longest prefix of /path (as wasi-libc picks one);
//!                                the path is taken as written (no %-decoding)
//! log://?prefix=P                each write is one line on stderr: "NAME: P: text",
//!                                NAME being the guest's argv[0]
//! http://host[:port]/...         a TCP connection to host:port (80 by default): the
//!                                guest writes a raw HTTP/1.1 request, reads the raw
//!                                response (flush has nothing left to send)
//! https://host[:port]/...        the same over TLS (443 by default), the server's
//!                                certificate checked for host against the system's
//!                                trust store (`tls.rs`); flush sends what is written
//! random:// zero:// null://      CommonWA only: random bytes, zero bytes, a sink that
//!                                reads as end of file
//! ```
//!
//! Every URL of a scheme capwasi serves is checked against the context's
//! [`UrlPolicy`] before anything is opened; a forbidden one ends the run with
//! [`ForbiddenUrl`], before any connection is made. A connection that cannot
//! be made (refused, no such host, a TLS handshake or certificate that
//! fails) is the same error for `http://` and `https://`. With a run timeout,
//! connecting, the TLS handshake and every read and write end at the
//! deadline (the host name's lookup is not bounded).
//!
//! Each call is traced and counted as a preview1 call is: `--trace` shows
//! `==> dagger::open(url="https://...")` / `<== dagger::open: 3`, `--stats`
//! counts it under that name ([`crate::stats::URL_FUNCTIONS`]).

/// Defines function `$name` of `$abi` under import module `$module`: the
/// closure `|$ctx, $mem, args| $body` over the context and guest memory, run
/// by [`host_call`] with `errors` (whether a result below 0 is an error),
/// `io` (whether it reads and its descriptor, for the bytes a count moves)
/// and the fields of its `==>` trace line (all its arguments without
/// `trace:`).
macro_rules! url_func {
    ($linker:ident, $module:ident, $get_ctx:ident, $abi:literal, $name:literal,
     |$ctx:ident, $mem:ident $(, $arg:ident : $ty:ty)*| -> $ret:ty,
     errors: $errors:expr, io: $io:expr, $body:block) => {
        url_func!($linker, $module, $get_ctx, $abi, $name, |$ctx, $mem $(, $arg: $ty)*| -> $ret,
                  errors: $errors, io: $io, trace: ($($arg = $arg),*), $body)
    };
    ($linker:ident, $module:ident, $get_ctx:ident, $abi:literal, $name:literal,
     |$ctx:ident, $mem:ident $(, $arg:ident : $ty:ty)*| -> $ret:ty,
     errors: $errors:expr, io: $io:expr, trace: ($($field:ident = $value:expr),*), $body:block) => {
        $linker.func_wrap(
            $module,
            $name,
            move |mut caller: wasmtime::Caller<'_, T>, $($arg: $ty),*| -> wasmtime::Result<$ret> {
                crate::linker::with_memory(&mut caller, &None, $get_ctx, |$mem, $ctx| {
                    const FUNCTION: &str = concat!($abi, "::", $name);
                    let io: Option<(bool, u32)> = $io;
                    let args = || super::trace_args!($($field = $value),*);
                    let row = const { crate::stats::index(FUNCTION) };
                    super::host_call($ctx, $mem, (FUNCTION, row), $errors, io, args, |$ctx, $mem| $body)
                })
            },
        )?;
    };
}
pub(crate) use url_func;

/// The event of a call's `==>` trace line: its fields, if it has any.
macro_rules! trace_args {
    () => {
        ()
    };
    ($($field:ident = $value:expr),+) => {
        tracing::event!(tracing::Level::TRACE, $($field = $value),+)
    };
}
pub(crate) use trace_args;

pub mod cwa;
pub mod dagger;
pub mod policy;
mod tls;

use std::collections::HashMap;
use std::io::IoSlice;
use std::net::{TcpStream, ToSocketAddrs};

use std::time::Instant;

use wasmtime::Linker;
use wiggle::{GuestMemory, GuestPtr};

use crate::bindings::types::Fdflags;
use crate::ctx::WasiCtx;
use crate::error::{Errno, Error};
use crate::fs::{Access, OpenSpec, Opened, open_at};
use crate::limits::Deadline;
use crate::stdio::{InputSource, InputStream, OutputSink, OutputStream};
use crate::table::{Descriptor, Untyped};
pub use policy::{FORBIDDEN_EXIT_STATUS, ForbiddenUrl, OlinPolicy, UrlPolicy, parse_olin};

/// The system-call ABI a module's imports use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Abi {
    /// `wasi_snapshot_preview1` and/or `wasi_unstable`.
    Wasi,
    /// Dagger (`dagger`, or `env` with Dagger's names).
    Dagger,
    /// CommonWA (`cwa`, or `env` with CommonWA's names).
    CommonWa,
}

impl Abi {
    /// The ABI's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Abi::Wasi => "WASI",
            Abi::Dagger => "Dagger",
            Abi::CommonWa => "CommonWA",
        }
    }
}

/// The ABIs `module` imports from (`env` imports that are neither Dagger's
/// nor CommonWA's names count for none), in this order: WASI, Dagger,
/// CommonWA. A module that imports from more than one of them is refused
/// by `capwasi run`.
pub fn abi_of(module: &wasmtime::Module) -> Vec<Abi> {
    let mut found = Vec::new();
    for import in module.imports() {
        let abi = match (import.module(), import.name()) {
            (crate::MODULE_NAME | crate::snapshot0::MODULE_NAME, _) => Abi::Wasi,
            ("dagger", _) => Abi::Dagger,
            ("cwa", _) => Abi::CommonWa,
            ("env", name) if dagger::FUNCTIONS.contains(&name) => Abi::Dagger,
            ("env", name) if cwa::FUNCTIONS.contains(&name) => Abi::CommonWa,
            _ => continue,
        };
        if !found.contains(&abi) {
            found.push(abi);
        }
    }
    found.sort_by_key(|abi| *abi as u8);
    found
}

/// Adds the Dagger and CommonWA functions to `linker` (under `dagger`, `cwa`
/// and `env`), over the [`WasiCtx`] `get_ctx` finds.
pub fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    get_ctx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> wasmtime::Result<()> {
    for module in ["dagger", "env"] {
        dagger::add_to_linker(linker, module, get_ctx)?;
    }
    for module in ["cwa", "env"] {
        cwa::add_to_linker(linker, module, get_ctx)?;
    }
    Ok(())
}

/// What a Dagger or CommonWA call returns, as `--trace` and `--stats` see it.
pub(crate) trait CallResult: Copy {
    /// The result as a number; None for a call that returns nothing.
    fn number(self) -> Option<i64>;
}

impl CallResult for i32 {
    fn number(self) -> Option<i64> {
        Some(self.into())
    }
}

impl CallResult for i64 {
    fn number(self) -> Option<i64> {
        Some(self)
    }
}

impl CallResult for () {
    fn number(self) -> Option<i64> {
        None
    }
}

/// Runs one Dagger or CommonWA call, `function` (its name and its row in
/// [`crate::stats`]), as preview1's calls run: inside a trace span, with its
/// arguments (the `args` event) and its result traced, and when stats are
/// on, counted: an error when `errors` and the result is below 0; with `io`
/// (whether it reads, and its descriptor), the bytes a positive result moved.
pub(crate) fn host_call<R: CallResult>(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    (function, row): (&'static str, usize),
    errors: bool,
    io: Option<(bool, u32)>,
    args: impl FnOnce(),
    call: impl FnOnce(&mut WasiCtx, &mut GuestMemory<'_>) -> wasmtime::Result<R>,
) -> wasmtime::Result<R> {
    let _span = tracing::span!(tracing::Level::TRACE, "url abi", function).entered();
    args();
    let started = ctx.stats.is_some().then(Instant::now);
    let result = call(ctx, mem);
    let number = result.as_ref().ok().and_then(|value| value.number());
    match (&result, number) {
        (Ok(_), Some(n)) => tracing::event!(tracing::Level::TRACE, result = n),
        (Ok(_), None) => tracing::event!(tracing::Level::TRACE, result = tracing::field::debug(())),
        (Err(e), _) => tracing::event!(tracing::Level::TRACE, result = tracing::field::display(e)),
    }
    if let Some(started) = started {
        ctx.record_call(row, started, errors && number.is_some_and(|n| n < 0));
        if let (Some((read, fd)), Some(n)) = (io, number.filter(|&n| n > 0)) {
            count_bytes(ctx, fd, read, n as u64);
        }
    }
    result
}

/// Counts `n` bytes read (or written) through `fd`: as the table's kind of
/// descriptor, but an `https://` connection (a discarding stream in the
/// table) as a socket.
fn count_bytes(ctx: &mut WasiCtx, fd: u32, read: bool, n: u64) {
    match (ctx.urls.special.get(&fd), &mut ctx.stats) {
        (Some(Special::Tls(_)), Some(stats)) => stats.add_bytes(crate::stats::DescriptorKind::Socket, read, n),
        _ => ctx.record_bytes(fd, read, n),
    }
}

/// A string argument (`ptr`, `len`) as the trace shows one: `--trace` prints
/// the string it points at.
pub(crate) fn guest_str(ptr: i32, len: i32) -> impl std::fmt::Debug {
    GuestPtr::<str>::new((ptr as u32, len as u32))
}

/// The URL state of a context: its policy, CommonWA's handles and the
/// descriptors whose reads and writes the host handles itself.
#[derive(Default)]
pub(crate) struct UrlState {
    pub(crate) policy: UrlPolicy,
    /// CommonWA handle -> descriptor.
    pub(crate) handles: HashMap<i32, u32>,
    /// Descriptors of `log://` and `null://` resources. Each holds a
    /// discarding stream in the table, where it takes its number and counts
    /// against the descriptor limit.
    special: HashMap<u32, Special>,
}

impl UrlState {
    pub(crate) fn new(policy: UrlPolicy) -> Self {
        UrlState { policy, ..UrlState::default() }
    }
}

enum Special {
    Log {
        prefix: String,
    },
    Null,
    /// An `https://` connection; its reads and writes go through TLS.
    Tls(Box<tls::TlsStream>),
}

/// Why a URL did not open.
#[derive(Debug)]
pub(crate) enum OpenError {
    /// Not `scheme://...`, or its bytes are not in memory or not UTF-8.
    BadUrl,
    /// The scheme is not one this ABI serves.
    UnknownScheme,
    /// Opening what it names failed (a missing file, an escape, a refused connection).
    Failed(Error),
    /// The policy forbids it: this ends the run.
    Forbidden(ForbiddenUrl),
}

/// The URL at `ptr`/`len` in guest memory.
pub(crate) fn guest_url(mem: &GuestMemory<'_>, ptr: i32, len: i32) -> Result<String, OpenError> {
    let bytes = guest_bytes(mem, ptr, len).map_err(|_| OpenError::BadUrl)?;
    String::from_utf8(bytes.to_vec()).map_err(|_| OpenError::BadUrl)
}

/// `len` bytes at `ptr` in guest memory; EFAULT if they are not all there.
pub(crate) fn guest_bytes<'m>(mem: &'m GuestMemory<'_>, ptr: i32, len: i32) -> Result<&'m [u8], Error> {
    mem.as_slice(GuestPtr::<[u8]>::new((ptr as u32, len as u32)))?.ok_or_else(crate::linker::shared_memory)
}

/// Opens `url` as a descriptor; `extra` allows CommonWA's `random`, `zero`
/// and `null` schemes.
pub(crate) fn open(ctx: &mut WasiCtx, url: &str, extra: bool) -> Result<u32, OpenError> {
    let (scheme, rest) = url.split_once("://").ok_or(OpenError::BadUrl)?;
    if scheme.is_empty() || !scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b)) {
        return Err(OpenError::BadUrl);
    }
    let scheme = scheme.to_ascii_lowercase();
    let known = ["stdin", "stdout", "stderr", "file", "log", "http", "https"].contains(&scheme.as_str())
        || (extra && ["random", "zero", "null"].contains(&scheme.as_str()));
    if !known {
        return Err(OpenError::UnknownScheme);
    }
    if !ctx.urls.policy.allows(url) {
        return Err(OpenError::Forbidden(ForbiddenUrl { url: url.to_string() }));
    }
    let push = |ctx: &mut WasiCtx, desc: Descriptor| ctx.table.push(desc).map_err(OpenError::Failed);
    match scheme.as_str() {
        "stdin" => Ok(0),
        "stdout" => Ok(1),
        "stderr" => Ok(2),
        "file" => open_file(ctx, rest),
        "log" => {
            let prefix = query_value(rest, "prefix").unwrap_or_default();
            let fd = push(ctx, Descriptor::Output(OutputStream::from(OutputSink::Sink)))?;
            ctx.urls.special.insert(fd, Special::Log { prefix });
            Ok(fd)
        }
        "http" => {
            ctx.table.check_room().map_err(OpenError::Failed)?;
            let (stream, _) = connect(rest, 80, ctx.deadline.as_ref()).map_err(|e| OpenError::Failed(e.into()))?;
            let socket = crate::net::Socket::new(crate::net::SocketKind::TcpStream(stream))
                .map_err(|e| OpenError::Failed(e.into()))?;
            push(ctx, Descriptor::Socket(socket))
        }
        "https" => {
            ctx.table.check_room().map_err(OpenError::Failed)?;
            let (stream, host) = connect(rest, 443, ctx.deadline.as_ref()).map_err(|e| OpenError::Failed(e.into()))?;
            let tls = tls::connect(&host, stream, ctx.deadline.as_ref()).map_err(|e| OpenError::Failed(e.into()))?;
            // The table holds a discarding stream for its number, as for log://.
            let fd = push(ctx, Descriptor::Output(OutputStream::from(OutputSink::Sink)))?;
            ctx.urls.special.insert(fd, Special::Tls(Box::new(tls)));
            Ok(fd)
        }
        "random" if extra => {
            let rng = <cap_rand::rngs::StdRng as cap_rand::SeedableRng>::from_rng(&mut ctx.random);
            push(ctx, Descriptor::Input(InputStream::from(InputSource::Reader(Box::new(RandomReader(rng))))))
        }
        "zero" if extra => {
            push(ctx, Descriptor::Input(InputStream::from(InputSource::Reader(Box::new(std::io::repeat(0))))))
        }
        "null" if extra => {
            let fd = push(ctx, Descriptor::Output(OutputStream::from(OutputSink::Sink)))?;
            ctx.urls.special.insert(fd, Special::Null);
            Ok(fd)
        }
        _ => Err(OpenError::UnknownScheme),
    }
}

/// `file:///path` (or `file://localhost/path`): `path` opened for reading
/// beneath the preopen whose guest name is its longest prefix, by cap-std.
fn open_file(ctx: &mut WasiCtx, rest: &str) -> Result<u32, OpenError> {
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let (fd, relative) = ctx.table.preopen_for(path).ok_or(OpenError::Failed(Errno::Notcapable.into()))?;
    let Some(Descriptor::Dir(dir)) = ctx.table.get(fd).ok() else {
        return Err(OpenError::Failed(Errno::Notcapable.into()));
    };
    let spec = OpenSpec { follow: true, read: true, ..OpenSpec::default() };
    let read_only = dir.read_only;
    let relative = if relative.is_empty() { "." } else { relative };
    ctx.table.check_room().map_err(OpenError::Failed)?;
    let opened = open_at(&dir.dir, relative, &spec).map_err(|e| OpenError::Failed(e.into()))?;
    let desc = match opened {
        Opened::File(file) => {
            Descriptor::opened_file(file, Access { read: true, write: false }, read_only, Fdflags::empty())
        }
        Opened::Either(file) => {
            return ctx
                .table
                .push_untyped(Untyped { file, read_only, flags: Fdflags::empty() })
                .map_err(OpenError::Failed);
        }
        Opened::Dir(_) => return Err(OpenError::Failed(Errno::Isdir.into())),
    };
    ctx.table.push(desc).map_err(OpenError::Failed)
}

/// Connects to the authority (`host[:port]`, `default_port` without one) of
/// a network URL's `rest`, giving up at the run's `deadline`: the stream and
/// the host (an IPv6 address without its brackets).
fn connect(rest: &str, default_port: u16, deadline: Option<&Deadline>) -> std::io::Result<(TcpStream, String)> {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit('@').next().unwrap_or_default();
    let bad = |why: &str| std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{why} in the URL"));
    // The port follows the last colon that is not inside an IPv6 address's brackets.
    let (host, port) = match authority.rfind(':').filter(|&colon| !authority[colon..].contains(']')) {
        Some(colon) => {
            let port = authority[colon + 1..].parse::<u16>().map_err(|_| bad("a bad port"))?;
            (&authority[..colon], port)
        }
        None => (authority, default_port),
    };
    let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    if host.is_empty() {
        return Err(bad("no host"));
    }
    let stream = match deadline {
        None => TcpStream::connect((host, port))?,
        Some(deadline) => connect_within((host, port), deadline)?,
    };
    Ok((stream, host.to_string()))
}

/// Connects to the first of `addr`'s addresses that answers before
/// `deadline` ([`Deadline::error`] when it passes; the name lookup itself
/// is not bounded). Without a deadline, `TcpStream::connect` tries them
/// the same way, for as long as the system lets each attempt last.
fn connect_within(addr: (&str, u16), deadline: &Deadline) -> std::io::Result<TcpStream> {
    let mut last = std::io::Error::new(std::io::ErrorKind::NotFound, "the host has no address");
    for addr in addr.to_socket_addrs()? {
        if deadline.expired() {
            return Err(deadline.error());
        }
        match TcpStream::connect_timeout(&addr, deadline.remaining()) {
            Ok(stream) => return Ok(stream),
            Err(_) if deadline.expired() => return Err(deadline.error()),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// The value of `key` in a URL's query (`...?key=value&...`), with `+` and
/// `%XX` decoded.
fn query_value(rest: &str, key: &str) -> Option<String> {
    let query = rest.split_once('?')?.1.split('#').next()?;
    let raw = query.split('&').find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))?;
    let mut out = Vec::with_capacity(raw.len());
    let mut bytes = raw.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex: Vec<u8> = bytes.clone().take(2).collect();
                match std::str::from_utf8(&hex).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) if hex.len() == 2 => {
                        out.push(v);
                        bytes.nth(1);
                    }
                    _ => out.push(b'%'),
                }
            }
            other => out.push(other),
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// Reads into `len` bytes at `ptr` from descriptor `fd`: the count, 0 at end of file.
pub(crate) fn read(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, fd: u32, ptr: i32, len: i32) -> Result<usize, Error> {
    match ctx.urls.special.get(&fd) {
        Some(Special::Null) => return Ok(0),
        Some(Special::Log { .. }) => return Err(Errno::Badf.into()),
        Some(Special::Tls(_)) | None => {}
    }
    ctx.table.get(fd)?;
    let bytes = mem.as_slice_mut(GuestPtr::<[u8]>::new((ptr as u32, len as u32)))?;
    let bytes = bytes.ok_or_else(crate::linker::shared_memory)?;
    let len = bytes.len().min(crate::host::io::MAX_RW);
    match ctx.urls.special.get_mut(&fd) {
        Some(Special::Tls(tls)) => Ok(tls.read(&mut bytes[..len])?),
        _ => crate::host::io::read_fd(ctx, fd, &mut bytes[..len]),
    }
}

/// Writes the `len` bytes at `ptr` to descriptor `fd`: the count written.
pub(crate) fn write(ctx: &mut WasiCtx, mem: &GuestMemory<'_>, fd: u32, ptr: i32, len: i32) -> Result<usize, Error> {
    let bytes = guest_bytes(mem, ptr, len)?;
    let bytes = &bytes[..bytes.len().min(crate::host::io::MAX_RW)];
    if let Some(Special::Tls(tls)) = ctx.urls.special.get_mut(&fd) {
        return Ok(tls.write(bytes)?);
    }
    match ctx.urls.special.get(&fd) {
        Some(Special::Null) => Ok(bytes.len()),
        Some(Special::Log { prefix }) => {
            let line = log_line(ctx, prefix, bytes);
            write_all_stderr(ctx, &line)?;
            Ok(bytes.len())
        }
        Some(Special::Tls(_)) | None => crate::host::io::write_fd(ctx, fd, &[IoSlice::new(bytes)]),
    }
}

/// One log line: `NAME: PREFIX: text` (`NAME: text` without a prefix), the
/// text's own trailing newline replaced by one.
pub(crate) fn log_line(ctx: &WasiCtx, prefix: &str, text: &[u8]) -> Vec<u8> {
    let name = ctx.args.bytes.split(|&b| b == 0).next().unwrap_or_default();
    let text = text.strip_suffix(b"\n").unwrap_or(text);
    let mut line = Vec::with_capacity(name.len() + prefix.len() + text.len() + 5);
    line.extend_from_slice(name);
    line.extend_from_slice(b": ");
    if !prefix.is_empty() {
        line.extend_from_slice(prefix.as_bytes());
        line.extend_from_slice(b": ");
    }
    line.extend_from_slice(text);
    line.push(b'\n');
    line
}

/// Writes all of `bytes` to the guest's stderr (descriptor 2).
pub(crate) fn write_all_stderr(ctx: &mut WasiCtx, mut bytes: &[u8]) -> Result<(), Error> {
    while !bytes.is_empty() {
        let n = crate::host::io::write_fd(ctx, 2, &[IoSlice::new(bytes)])?;
        if n == 0 {
            return Err(Errno::Io.into());
        }
        bytes = &bytes[n..];
    }
    Ok(())
}

/// Flushes descriptor `fd`: sends what an `https://` connection holds;
/// everything else written has already gone to the host, so this checks that
/// `fd` is open.
pub(crate) fn flush(ctx: &mut WasiCtx, fd: u32) -> Result<(), Error> {
    match ctx.urls.special.get_mut(&fd) {
        Some(Special::Tls(tls)) => Ok(tls.flush()?),
        _ => ctx.table.get(fd).map(|_| ()),
    }
}

/// Closes descriptor `fd`.
pub(crate) fn close(ctx: &mut WasiCtx, fd: u32) -> Result<(), Error> {
    ctx.table.remove(fd)?;
    ctx.urls.special.remove(&fd);
    Ok(())
}

/// `random://`: bytes from a generator seeded from the context's random source.
struct RandomReader(cap_rand::rngs::StdRng);

impl std::io::Read for RandomReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        cap_rand::RngCore::fill_bytes(&mut self.0, buf);
        Ok(buf.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_decoded() {
        assert_eq!(query_value("?prefix=a+b%21&x=1", "prefix").as_deref(), Some("a b!"));
        assert_eq!(query_value("?x=1", "prefix"), None);
        assert_eq!(query_value("", "prefix"), None);
        assert_eq!(query_value("?prefix=100%", "prefix").as_deref(), Some("100%"));
    }
}
