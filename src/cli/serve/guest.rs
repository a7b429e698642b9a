//! One request's guest, on a worker thread: a fresh context and store, an
//! instance from the route's `InstancePre`, `_start`, and how it ended. The
//! guest's stdout goes to the request's response as it writes it, its stderr
//! to the server's log, a line at a time, with the request's id.

use std::io::{self, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use capwasi::limits::TimedOut;
use capwasi::{DirPerms, WasiCtx};
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::{Notify, mpsc, oneshot};
use wasmtime::{Engine, InstancePre, Module, Store, Trap};

use super::super::host::{self, Host};
use super::super::model::{RunConfig, preopen_error};
use super::super::run::{self, Outcome};

/// A route ready to serve: its configuration, its module compiled once and
/// linked once, its preopened directories opened once.
pub struct Prepared {
    pub run: RunConfig,
    pub module: Module,
    pub pre: InstancePre<Host>,
    /// `run.preopens`' directories, in order. A request's guest gets a
    /// duplicate of each (`dup`): the same directory, found without resolving
    /// its path again. A duplicate shares the open file description, which is
    /// safe here: preopens are opened `O_PATH` (no offset or status flags a
    /// guest could change for the next request; listing a directory opens
    /// a descriptor of its own).
    pub dirs: Vec<cap_std::fs::Dir>,
}

/// A chunk of the guest's stdout, or why the output was cut off.
pub type Chunk = Result<Bytes, io::Error>;

/// What one request hands its guest.
pub struct Job {
    pub id: u64,
    /// The CGI meta-variables.
    pub env: Vec<(String, String)>,
    pub body: Bytes,
    /// Where the guest's stdout goes.
    pub out: mpsc::Sender<Chunk>,
    pub max_response: u64,
    /// A fresh directory to preopen under this name.
    pub scratch: Option<String>,
    pub stats: bool,
    /// Told when a write of the guest's waited for the client until the
    /// guest's deadline: the client stopped reading, and its connection is
    /// to be closed.
    pub stalled: Arc<Notify>,
    /// The server's runtime, on which a write waiting for the client waits
    /// with a deadline (guest threads are not its threads).
    pub runtime: tokio::runtime::Handle,
}

/// How a guest's run ended.
#[derive(Debug)]
pub enum Ending {
    Exited(i32),
    Trapped(String),
    TimedOut(Duration),
    OutOfFuel,
    /// capwasi could not run it (a preopen that cannot be opened, ...).
    HostError(String),
}

/// A finished run: how it ended, and with `--stats` its fuel and peak memory.
#[derive(Debug)]
pub struct Done {
    pub ending: Ending,
    pub fuel: Option<u64>,
    pub peak_memory: Option<u64>,
}

/// Runs `job` with `route`'s module on this thread, and reports on `done`
/// before the guest's stdout closes (so a reader that sees the end of the
/// output finds the report waiting). `counts_fuel`: the engine was set up to.
pub fn run(engine: &Engine, counts_fuel: bool, route: &Prepared, job: Job, done: oneshot::Sender<Done>) {
    let scratch_dir = match job.scratch.as_ref().map(|_| tempfile::Builder::new().prefix("capwasi-scratch").tempdir()) {
        Some(Err(e)) => {
            let _ = done.send(host_error(format!("cannot create the scratch directory: {e}")));
            return;
        }
        Some(Ok(dir)) => Some(dir),
        None => None,
    };
    // The guest's deadline, as `Limits::start` sets it a moment later.
    let deadline = route.run.limits.time_limit().map(|limit| (Instant::now() + limit, limit));
    let output = Output {
        out: job.out,
        written: 0,
        max: job.max_response,
        deadline,
        id: job.id,
        stalled: job.stalled,
        runtime: job.runtime,
    };
    let mut builder = WasiCtx::builder();
    builder
        .args(route.run.args.iter())
        .max_open_fds(route.run.limits.fd_limit())
        .url_policy(route.run.url_policy.clone())
        .stats(job.stats)
        .stdin(io::Cursor::new(job.body))
        .stdout(output)
        .stderr(LogLines { id: job.id, line: Vec::new() });
    for (key, value) in &route.run.env {
        if !job.env.iter().any(|(k, _)| k == key) {
            builder.env(key, value);
        }
    }
    for (key, value) in job.env {
        builder.env(key, value);
    }
    for (preopen, dir) in route.run.preopens.iter().zip(&route.dirs) {
        match dir.try_clone() {
            Ok(dir) => builder.preopened_dir(dir, &preopen.guest, preopen.perms),
            Err(e) => {
                let _ = done.send(host_error(preopen_error(preopen, &e)));
                return;
            }
        };
    }
    if let (Some(dir), Some(guest)) = (&scratch_dir, &job.scratch)
        && let Err(e) = builder.preopened_dir_path(dir.path(), guest, DirPerms::ReadWrite)
    {
        let _ = done.send(host_error(format!("cannot open the scratch directory: {e}")));
        return;
    }
    let mut wasi = match builder.build() {
        Ok(wasi) => wasi,
        Err(e) => {
            let _ = done.send(host_error(format!("{e:#}")));
            return;
        }
    };
    wasi.bind_module(&route.module);
    let mut store = Store::new(engine, Host { wasi });
    let limits = &route.run.limits;
    // The server ticks the engine's epoch for every request's timeout (mod.rs `tick`).
    let result = limits.start_ticked(&mut store, host::wasi).and_then(|watchdog| {
        // The engine counts fuel or checks epochs when any route has a budget or
        // a timeout; a route without one must not be stopped by them.
        if counts_fuel && limits.fuel_limit().is_none() {
            store.set_fuel(u64::MAX)?;
        }
        if limits.time_limit().is_none() {
            store.set_epoch_deadline(u64::MAX / 2);
        }
        let result = route.pre.instantiate(&mut store).and_then(|instance| {
            let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
            start.call(&mut store, ())
        });
        drop(watchdog);
        result
    });
    let ending = match run::outcome(result, limits) {
        Ok(Outcome::Exited(code)) => Ending::Exited(code),
        Ok(Outcome::TimedOut(limit)) => Ending::TimedOut(limit),
        Ok(Outcome::OutOfFuel(_)) => Ending::OutOfFuel,
        // A Dagger or CommonWA guest that opened a forbidden URL: it ended as a trap does.
        Ok(Outcome::Forbidden(forbidden)) => Ending::Trapped(forbidden.to_string()),
        Ok(Outcome::Trapped(e)) => {
            Ending::Trapped(e.downcast_ref::<Trap>().map_or_else(|| format!("{e:#}"), |trap| trap.to_string()))
        }
        Err(e) => Ending::HostError(format!("{e:#}")),
    };
    let fuel = limits.fuel_consumed(&store);
    let peak_memory = store.data().wasi.stats().map(|s| s.peak_memory());
    let _ = done.send(Done { ending, fuel, peak_memory });
    // The response ends here (its stdout closes), before the store is torn down.
    store.data_mut().wasi.close_all();
    drop(store);
    drop(scratch_dir);
}

fn host_error(why: String) -> Done {
    Done { ending: Ending::HostError(why), fuel: None, peak_memory: None }
}

/// The guest's stdout: each write is a chunk of the response, up to `max`
/// bytes in all. Past `max` the write fails (EIO for the guest) and the
/// response is cut off; a client that went away makes it fail with EPIPE.
/// A write waits for room (the client reading) at most until the guest's
/// deadline, if it has one; then the run ends as its timeout ends it (a
/// trap), the response is cut off and the client's connection closed, so a
/// client that stops reading cannot hold an instance past `--timeout`.
struct Output {
    out: mpsc::Sender<Chunk>,
    written: u64,
    max: u64,
    /// When the guest's time is up, and its `--timeout`.
    deadline: Option<(Instant, Duration)>,
    id: u64,
    stalled: Arc<Notify>,
    runtime: tokio::runtime::Handle,
}

impl Output {
    /// Hands `chunk` on, waiting for room at most until the deadline.
    fn send(&mut self, chunk: Chunk) -> io::Result<()> {
        let gone = |_| io::Error::from(io::ErrorKind::BrokenPipe);
        let Some((at, limit)) = self.deadline else {
            return self.out.blocking_send(chunk).map_err(gone);
        };
        // Most writes find room at once; only a client that reads slower than
        // the guest writes makes one wait.
        let chunk = match self.out.try_send(chunk) {
            Ok(()) => return Ok(()),
            Err(TrySendError::Closed(_)) => return Err(io::ErrorKind::BrokenPipe.into()),
            Err(TrySendError::Full(chunk)) => chunk,
        };
        // The timer is made inside the runtime (this thread is not one of its own).
        let out = &self.out;
        let waited = self.runtime.block_on(async { tokio::time::timeout_at(at.into(), out.send(chunk)).await });
        match waited {
            Ok(sent) => sent.map_err(gone),
            Err(_) => {
                eprintln_lossy!(
                    "capwasi serve: [{:x}] the client stopped reading: the guest timed out after {} waiting to write; \
                     its response is cut off and the connection closed",
                    self.id,
                    capwasi::limits::format_duration(limit)
                );
                self.stalled.notify_one();
                // error.rs makes this a trap that ends the run as its timeout does.
                Err(io::Error::new(io::ErrorKind::TimedOut, TimedOut { limit }))
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.written + buf.len() as u64 > self.max {
            let why = format!("the response is larger than --max-response {}", self.max);
            let _ = self.send(Err(io::Error::other(why.clone())));
            self.written = u64::MAX / 2;
            return Err(io::Error::other(why));
        }
        self.written += buf.len() as u64;
        self.send(Ok(Bytes::copy_from_slice(buf)))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The longest stderr line kept whole in the log; longer ones are split.
const MAX_LOG_LINE: usize = 4096;

/// The guest's stderr: each line to the server's log, after the request's id.
struct LogLines {
    id: u64,
    line: Vec<u8>,
}

impl LogLines {
    fn emit(&mut self) {
        let text = String::from_utf8_lossy(&self.line);
        eprintln_lossy!("capwasi serve: [{:x}] stderr: {}", self.id, text.trim_end_matches(['\r', '\n']));
        self.line.clear();
    }
}

impl Write for LogLines {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for &byte in buf {
            self.line.push(byte);
            if byte == b'\n' || self.line.len() >= MAX_LOG_LINE {
                self.emit();
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for LogLines {
    fn drop(&mut self) {
        if !self.line.is_empty() {
            self.emit();
        }
    }
}
