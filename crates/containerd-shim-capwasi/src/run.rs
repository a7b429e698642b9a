//! Running one module in the container's process, as `capwasi run` does: the
//! same context, descriptor table and limits, and the same exit statuses
//! (`wasmtime run`'s): the guest's own status from `proc_exit` or 0, 134 on a
//! trap, 124 past `CAPWASI_TIMEOUT`, 152 out of `CAPWASI_FUEL`, 137 when the
//! memory limit refused the guest memory and it then failed, and 143 when
//! SIGTERM stopped it (a process killed by SIGTERM reports 128 + 15).

use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use capwasi::limits::{Limits, Stopped, Stopper, TimedOut};
use capwasi::{DirPerms, I32Exit, WasiCtx};
use wasmtime::Result;
use wasmtime::error::Context;
use wasmtime::{Engine, Linker, Module, Store, Trap};

use crate::mounts::Mount;

/// What the guest gets besides its module.
pub struct Run {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub preopens: Vec<Mount>,
    pub limits: Limits,
    /// The export to call (`_start`, or the entrypoint's `#name`).
    pub func: String,
}

/// The status of a guest SIGTERM stopped: what a process killed by it reports.
pub const EXIT_TERMINATED: i32 = 128 + libc::SIGTERM;
const EXIT_TRAP: i32 = 134;
const EXIT_TIMEOUT: i32 = 124;
const EXIT_FUEL: i32 = 152;
const EXIT_MEMORY: i32 = 137;

/// How long a stopped guest may take to return before the container's
/// process exits without it: wasm code stops at once, but a host call blocked
/// in a wait with no deadline (a long sleep in poll_oneoff, a read of a
/// silent stdin) is not woken by the stop.
const STOP_GRACE: Duration = Duration::from_millis(100);

struct Host {
    wasi: WasiCtx,
}

fn host_ctx(host: &mut Host) -> &mut WasiCtx {
    &mut host.wasi
}

/// Handles SIGTERM from now on: the container's process is its PID
/// namespace's init, which the kernel sends SIGTERM only if it handles it.
/// Before the guest runs, SIGTERM ends the process at once; once it runs
/// (`stopper` is set), it stops the guest and gives it [`STOP_GRACE`] to
/// return. Either way the process exits 143.
pub fn handle_sigterm() -> Result<Arc<Mutex<Option<Stopper>>>> {
    let stopper: Arc<Mutex<Option<Stopper>>> = Arc::default();
    let mut signals = signal_hook::iterator::Signals::new([libc::SIGTERM]).context("cannot handle SIGTERM")?;
    let guest = stopper.clone();
    std::thread::Builder::new().name("sigterm".into()).spawn(move || {
        if signals.forever().next().is_some() {
            let running = guest.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
            if let Some(stopper) = running {
                stopper.stop();
                std::thread::sleep(STOP_GRACE);
            }
            std::process::exit(EXIT_TERMINATED);
        }
    })?;
    Ok(stopper)
}

/// Compiles `bytes` and runs them; the result is the container's exit status.
/// `Err` is a host error: the guest could not be started. The guest's
/// stopper goes into `on_sigterm` ([`handle_sigterm`]).
pub fn run(bytes: &[u8], origin: &str, run: Run, on_sigterm: &Mutex<Option<Stopper>>) -> Result<i32> {
    let mut config = wasmtime::Config::new();
    run.limits.configure(&mut config);
    let engine = Engine::new(&config).context("cannot set up the wasm engine")?;
    let module = Module::new(&engine, bytes).with_context(|| format!("cannot compile '{origin}'"))?;

    let mut builder = WasiCtx::builder();
    builder.inherit_stdio().args(run.args.iter()).max_open_fds(run.limits.fd_limit());
    for (key, value) in &run.env {
        builder.env(key, value);
    }
    for mount in &run.preopens {
        let perms = if mount.read_only { DirPerms::ReadOnly } else { DirPerms::ReadWrite };
        builder
            .preopened_dir_path(&mount.path, &mount.path, perms)
            .with_context(|| format!("cannot open the container's mount {}", mount.path))?;
    }
    let mut wasi = builder.build()?;
    wasi.bind_module(&module);
    let mut store = Store::new(&engine, Host { wasi });
    let mut linker = Linker::new(&engine);
    capwasi::add_to_linker(&mut linker, host_ctx)?;
    let watchdog = run.limits.start(&mut store, host_ctx)?;
    *on_sigterm.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = watchdog.stopper();

    let (done, outcome) = mpsc::channel();
    let stack = run.limits.thread_stack_size();
    let limits = run.limits.clone();
    std::thread::Builder::new().name("guest".into()).stack_size(stack).spawn(move || {
        let result = capwasi::instantiate_bound(&linker, &mut store, &module, host_ctx).and_then(|instance| {
            let func = instance.get_typed_func::<(), ()>(&mut store, &run.func)?;
            func.call(&mut store, ())
        });
        let _ = done.send(status(result, &limits, &store.data().wasi));
        drop(watchdog);
    })?;
    outcome.recv().context("the guest's thread ended without a status")
}

/// The exit status of a run that ended with `result`; a trap's reason goes to stderr.
fn status(result: wasmtime::Result<()>, limits: &Limits, wasi: &WasiCtx) -> i32 {
    let failed = |code: i32| {
        if code != 0 && wasi.memory_refused().is_some() {
            eprintln!("containerd-shim-capwasi: the guest was refused linear memory past the container's memory limit");
            EXIT_MEMORY
        } else {
            code
        }
    };
    let Err(e) = result else { return 0 };
    if let Some(I32Exit(code)) = e.downcast_ref::<I32Exit>() {
        return if (0..=255).contains(code) { failed(*code) } else { failed(1) };
    }
    if e.downcast_ref::<Stopped>().is_some() {
        return EXIT_TERMINATED;
    }
    if let Some(timed_out) = e.downcast_ref::<TimedOut>() {
        eprintln!("containerd-shim-capwasi: the guest {timed_out} (CAPWASI_TIMEOUT)");
        return EXIT_TIMEOUT;
    }
    if e.downcast_ref::<Trap>() == Some(&Trap::OutOfFuel) {
        eprintln!("containerd-shim-capwasi: the guest ran out of fuel ({:?} units, CAPWASI_FUEL)", limits.fuel_limit());
        return EXIT_FUEL;
    }
    eprintln!("containerd-shim-capwasi: the guest trapped: {e:?}");
    failed(EXIT_TRAP)
}
