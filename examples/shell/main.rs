//! An interactive shell served over a Unix socket: capwasi embedded in a
//! host that gives each connection its own sandboxed guest.
//!
//! ```sh
//! scripts/build-guests        # builds the guest, build/guests/examples/shell-guest.wasm
//! cargo run --release --example shell -- /tmp/shell.sock
//! socat - UNIX-CONNECT:/tmp/shell.sock      # or: nc -U /tmp/shell.sock
//! ```
//!
//! The module is compiled once and its imports resolved once
//! ([`wasmtime::InstancePre`]); each connection gets a fresh store and
//! [`capwasi::WasiCtx`] whose stdin and stdout are the connection
//! ([`capwasi::WasiCtxBuilder::stdin_fd`]), and runs under the per-connection
//! [`capwasi::limits::Limits`]: a memory cap, a fuel budget and a timeout. The
//! guest (examples/shell/guest) reaches the host's shared state only through
//! the functions of `shell_host` (host_api.rs). At most `--max-connections`
//! sessions run at once; a client past that is told so and disconnected.
//! SIGINT or SIGTERM stops the server: it stops accepting, removes its
//! socket, ends the open sessions (their guests read end of file), and exits.

mod host_api;
mod session;

use std::collections::HashMap;
use std::io::Write;
use std::net::Shutdown;
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use capwasi::limits::{Limits, format_duration, format_size, parse_duration, parse_size};
use clap::Parser;
use rustix::event::{PollFd, PollFlags};
use wasmtime::error::Context as _;
use wasmtime::{Config, Engine, Linker, Module};

use host_api::{Session, Shared};
use session::Guest;

/// Serve an interactive shell, one sandboxed guest per connection, on a Unix socket.
#[derive(Parser)]
#[command(name = "shell")]
struct Args {
    /// The socket to listen on (it must not exist; it is removed on SIGINT or SIGTERM).
    socket: PathBuf,
    /// The guest module.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/build/guests/examples/shell-guest.wasm"))]
    guest: PathBuf,
    /// The most sessions served at once.
    #[arg(long, default_value_t = 16)]
    max_connections: usize,
    /// Each guest's linear memory cap (`64K`, `16M`, `2G`).
    #[arg(long, default_value = "32M", value_parser = parse_size)]
    max_memory: u64,
    /// Each session's instruction budget (wasmtime fuel units), for its whole life.
    #[arg(long, default_value_t = 1_000_000_000)]
    fuel: u64,
    /// Each session's time limit (`500ms`, `2s`, `10m`), idle time included.
    #[arg(long, default_value = "10m", value_parser = parse_duration)]
    timeout: Duration,
}

/// How long open sessions get to end after a shutdown signal.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("shell: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> wasmtime::Result<()> {
    // Before any thread starts, so that every thread has them blocked.
    let signals = shutdown_signals().context("cannot set up SIGINT/SIGTERM handling")?;

    let max_memory = usize::try_from(args.max_memory).context("--max-memory is too large")?;
    let limits = Limits::new().max_memory(max_memory).fuel(args.fuel).timeout(args.timeout);
    let mut config = Config::new();
    limits.configure(&mut config);
    let engine = Engine::new(&config)?;
    let module = Module::from_file(&engine, &args.guest).with_context(|| {
        format!("cannot load the guest {} (build it with scripts/build-guests)", args.guest.display())
    })?;
    let mut linker: Linker<Session> = Linker::new(&engine);
    capwasi::add_to_linker(&mut linker, host_api::wasi)?;
    host_api::add_to_linker(&mut linker)?;
    let pre = linker.instantiate_pre(&module)?;
    let guest = Arc::new(Guest { engine, module, pre, limits, shared: Arc::new(Shared::default()) });

    let listener = UnixListener::bind(&args.socket).with_context(|| {
        format!("cannot listen on {} (if no server is running there, remove it)", args.socket.display())
    })?;
    let _socket = RemoveOnDrop(&args.socket);
    listener.set_nonblocking(true)?;
    eprintln!(
        "shell: listening on {} (at most {} sessions; each with {} of memory, {} fuel, {})",
        args.socket.display(),
        args.max_connections,
        format_size(args.max_memory),
        args.fuel,
        format_duration(args.timeout)
    );

    let clients = Arc::new(Clients::default());
    while !signalled(&listener, &signals)? {
        match listener.accept() {
            Ok((conn, _)) => start_session(conn, &guest, &clients, args.max_connections),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => eprintln!("shell: accept failed: {e}"),
        }
    }

    drop(listener);
    drop(_socket);
    eprintln!("shell: shutting down; {} session(s) open", clients.len());
    clients.close_all();
    let deadline = Instant::now() + SHUTDOWN_GRACE;
    while clients.len() > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}

/// Starts a session for `conn` on its own thread, or tells the client the
/// server is full.
fn start_session(conn: UnixStream, guest: &Arc<Guest>, clients: &Arc<Clients>, max: usize) {
    let Some(admitted) = clients.admit(&conn, max) else {
        let _ = writeln!(&conn, "error: the server is busy ({max} sessions open, the most it serves); try again later");
        return;
    };
    let guest = Arc::clone(guest);
    let spawned = std::thread::Builder::new()
        .name(format!("session {}", admitted.id))
        .stack_size(guest.limits.thread_stack_size())
        .spawn(move || {
            let id = admitted.id;
            match session::serve(&guest, &conn) {
                Ok(Some(line)) => eprintln!("shell: session {id}: {line}"),
                Ok(None) => {}
                Err(e) => {
                    eprintln!("shell: session {id}: cannot run the guest: {e:#}");
                    let _ = writeln!(&conn, "error: the server could not start a session");
                }
            }
            // Leave the table before the connection closes, so a client that
            // sees end of file finds the slot free.
            drop(admitted);
            drop(conn);
        });
    if let Err(e) = spawned {
        eprintln!("shell: cannot start a session thread: {e}");
    }
}

/// The open sessions: a clone of each connection, to end them at shutdown.
#[derive(Default)]
struct Clients {
    open: Mutex<HashMap<u64, UnixStream>>,
    next_id: AtomicU64,
}

/// A session's place in [`Clients`], given up when dropped.
struct Admitted {
    clients: Arc<Clients>,
    id: u64,
}

impl Clients {
    /// A place for `conn` unless `max` sessions are open.
    fn admit(self: &Arc<Self>, conn: &UnixStream, max: usize) -> Option<Admitted> {
        let clone = conn.try_clone().ok()?;
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if open.len() >= max {
            return None;
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        open.insert(id, clone);
        Some(Admitted { clients: Arc::clone(self), id })
    }

    fn len(&self) -> usize {
        self.open.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// Shuts every open connection down: guests waiting for input read end
    /// of file, and writes fail.
    fn close_all(&self) {
        for conn in self.open.lock().unwrap_or_else(PoisonError::into_inner).values() {
            let _ = conn.shutdown(Shutdown::Both);
        }
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        self.clients.open.lock().unwrap_or_else(PoisonError::into_inner).remove(&self.id);
    }
}

/// Removes the socket file when the server stops, however it stops.
struct RemoveOnDrop<'a>(&'a Path);

impl Drop for RemoveOnDrop<'_> {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.0);
    }
}

/// Blocks SIGINT and SIGTERM in this thread (and the threads it starts) and
/// returns a signalfd that becomes readable when one arrives.
fn shutdown_signals() -> std::io::Result<OwnedFd> {
    // SAFETY: sigset_t is plain data that sigemptyset initialises; the mask
    // change and signalfd(2) touch only this process's signal state, and the
    // returned descriptor is new and ours.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        let errno = libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        if errno != 0 {
            return Err(std::io::Error::from_raw_os_error(errno));
        }
        let fd = libc::signalfd(-1, &set, libc::SFD_CLOEXEC);
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(OwnedFd::from_raw_fd(fd))
    }
}

/// Waits until a client connects (false) or a shutdown signal arrives (true).
fn signalled(listener: &UnixListener, signals: &OwnedFd) -> std::io::Result<bool> {
    let mut fds = [PollFd::new(listener, PollFlags::IN), PollFd::new(signals, PollFlags::IN)];
    loop {
        match rustix::event::poll(&mut fds, None) {
            Ok(_) => return Ok(!fds[1].revents().is_empty()),
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}
