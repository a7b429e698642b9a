//! `capwasi run`: load the module, build the guest's context, run it within
//! its limits, and turn the outcome into an exit status.

use std::path::Path;
use std::time::{Duration, Instant};

use capwasi::I32Exit;
use capwasi::limits::{Limits, TimedOut, format_size};
use wasmtime::error::Context;
use wasmtime::{Engine, Linker, Module, Store, Trap, Val, ValType};
use wasmtime::{bail, format_err};

use super::cache;
use super::cold::FirstRun;
use super::host::{self, Host};
use super::model::{RunConfig, overlap_warnings};
use super::stats::Report;

/// How a run ended, short of a host error.
pub enum Outcome {
    /// `_start` returned, or the guest called proc_exit.
    Exited(i32),
    /// The guest trapped; the error carries the reason and the wasm backtrace.
    Trapped(wasmtime::Error),
    /// The guest used up its fuel (this budget).
    OutOfFuel(u64),
    /// The guest ran past its timeout (this one).
    TimedOut(Duration),
    /// A Dagger or CommonWA guest opened a URL its policy forbids.
    Forbidden(capwasi::url_abi::ForbiddenUrl),
}

/// A run that ended: how, the lines naming a limit the guest ran into before
/// it failed, and what the run cost when stats were asked for.
pub struct Finished {
    pub outcome: Outcome,
    /// The limit that refused the guest something before it trapped, if any:
    /// the run's exit status is then the limit's. (`notes` name a refusing
    /// limit whenever the run failed, a guest's own non-zero status too.)
    pub refused_by: Option<Refusal>,
    pub notes: Vec<String>,
    pub report: Option<Report>,
}

/// A limit that refused a guest's request, which the guest saw as a failure
/// (memory.grow returning -1, EMFILE) rather than being stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// `--max-memory`.
    Memory,
    /// `--max-fds`.
    Fds,
}

/// Runs the configured module. `Err` is a host error: capwasi could not run
/// the guest at all (exit 1).
///
/// Wasm runs on the stack of the thread that calls it, and wasmtime limits only
/// the wasm part. The main thread (8 MiB on Linux) has room for wasmtime's
/// default 512 KiB; a larger `--max-wasm-stack` gets a thread with room for it
/// and the host's own frames (`Limits::thread_stack_size`), so a guest
/// recursing past it traps and never overflows the host's stack. (Not always a
/// thread: starting one costs a short run about 0.2 ms of CPU.)
pub fn run(config: RunConfig) -> wasmtime::Result<Finished> {
    if config.limits.wasm_stack() <= capwasi::limits::DEFAULT_MAX_WASM_STACK {
        return run_on_this_thread(config);
    }
    let stack = config.limits.thread_stack_size();
    let guest = std::thread::Builder::new()
        .name("guest".into())
        .stack_size(stack)
        .spawn(move || run_on_this_thread(config))
        .map_err(|e| format_err!("cannot start the guest's thread with {stack} bytes of stack: {e}"))?;
    guest.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

fn run_on_this_thread(config: RunConfig) -> wasmtime::Result<Finished> {
    let engine = engine(&config.limits)?;
    let loading = Instant::now();
    let first_run = FirstRun::new(config.load.cold_compiler, config.load.cache_dir.is_some(), &config.limits);
    let (module, origin) = cache::load_first_run(&engine, &config.module, &config.load, first_run.as_ref())?;
    let load_time = loading.elapsed();
    // Winch's engine when the first-run tier compiled it.
    let engine = module.engine().clone();

    let mut builder = host::context(&config);
    builder.inherit_stdio();
    for &fd in &config.listen_fds {
        adopt_listener(&mut builder, fd)?;
    }
    for addr in &config.tcplisten {
        let listener =
            std::net::TcpListener::bind(addr).map_err(|e| format_err!("cannot listen on {addr} (--tcplisten): {e}"))?;
        builder.preopened_tcp_listener(listener);
    }
    for warning in overlap_warnings(&config.preopens) {
        eprintln_lossy!("{warning}");
    }
    host::add_preopens(&mut builder, &config).map_err(|e| format_err!(e))?;
    let mut wasi = builder.build()?;
    wasi.bind_module(&module);

    let mut store = Store::new(&engine, Host { wasi });
    let abis = capwasi::url_abi::abi_of(&module);
    if abis.len() > 1 {
        let names: Vec<&str> = abis.iter().map(|abi| abi.name()).collect();
        bail!(
            "'{}' imports the system calls of more than one ABI ({}); capwasi runs a module with one of them",
            config.module.display(),
            names.join(" and ")
        );
    }
    let mut linker = host::linker_for(&engine, &module)?;
    if config.trap_unknown_imports {
        linker.define_unknown_imports_as_traps(&module)?;
    } else {
        check_imports(&linker, &mut store, &module, &config.module)?;
    }

    // The fuel and the timeout start here: instantiating (start functions, data
    // segments) is the guest's too.
    let watchdog = config.limits.start(&mut store, host::wasi)?;
    let instantiating = Instant::now();
    // Bound to the instance: its host calls need not look its memory up.
    let instantiated = capwasi::instantiate_bound(&linker, &mut store, &module, host::wasi);
    let instantiate_time = instantiating.elapsed();
    let running = Instant::now();
    let result = match instantiated {
        Ok(instance) => call_guest(&mut store, &instance, &config),
        // A trap in a start function or a data segment out of bounds is the guest's.
        Err(e) if ends_guest(&e) => Err(e),
        Err(e) => return Err(e.context(format!("cannot instantiate '{}'", config.module.display()))),
    };
    let run_time = running.elapsed();
    drop(watchdog);

    let outcome = outcome(result, &config.limits)?;
    let wasi = &store.data().wasi;
    // How the guest failed, for the line naming a limit that refused it first.
    // Only a trap makes the limit's status the run's: a guest that exits
    // chose its status itself, refusal or not (as `wasmtime run` keeps it).
    let (failure, limit_ended_it) = match &outcome {
        Outcome::Trapped(_) => (Some("the guest then trapped".to_string()), true),
        Outcome::Exited(code) if *code != 0 => {
            (Some(format!("the guest then exited with status {}", *code as u32)), false)
        }
        _ => (None, false),
    };
    let mut notes = Vec::new();
    let mut refused = Vec::new();
    if let Some(failure) = failure {
        if let Some(bytes) = wasi.memory_refused() {
            refused.push(Refusal::Memory);
            notes.push(format!(
                "capwasi: the guest was refused memory: its linear memories and tables would have held {} ({}); \
                 {failure}",
                format_size(bytes),
                config.origins.max_memory
            ));
        }
        if wasi.fds_refused() > 0 {
            refused.push(Refusal::Fds);
            notes.push(format!(
                "capwasi: the guest was refused descriptors: {} open(s) failed with EMFILE ({}); {failure}",
                wasi.fds_refused(),
                config.origins.max_fds
            ));
        }
    }
    let refused_by = refused.first().copied().filter(|_| limit_ended_it);
    let report = (!config.stats.is_empty()).then(|| Report {
        origin,
        load: load_time,
        instantiate: instantiate_time,
        run: run_time,
        fuel: config.limits.fuel_limit().zip(config.limits.fuel_consumed(&store)),
        wasi: wasi.stats().unwrap_or_default(),
    });
    Ok(Finished { outcome, refused_by, notes, report })
}

/// How a guest's call into `_start` (or another export) ended, under `limits`;
/// `Err` if it was the host's failure, not the guest's.
pub fn outcome(result: wasmtime::Result<()>, limits: &Limits) -> wasmtime::Result<Outcome> {
    let Err(e) = result else { return Ok(Outcome::Exited(0)) };
    Ok(if let Some(I32Exit(code)) = e.downcast_ref::<I32Exit>() {
        Outcome::Exited(*code)
    } else if let Some(forbidden) = e.downcast_ref::<capwasi::url_abi::ForbiddenUrl>() {
        Outcome::Forbidden(forbidden.clone())
    } else if let Some(timed_out) = e.downcast_ref::<TimedOut>() {
        Outcome::TimedOut(timed_out.limit)
    } else if e.downcast_ref::<Trap>() == Some(&Trap::OutOfFuel) {
        Outcome::OutOfFuel(limits.fuel_limit().unwrap_or_default())
    } else if ends_guest(&e) {
        Outcome::Trapped(e)
    } else {
        return Err(e);
    })
}

/// Whether an error from the guest's code ends the run as the guest's doing
/// (a trap, running out of fuel or time, or calling an import that
/// `--trap-unknown-imports` stood in for), not the host's.
fn ends_guest(e: &wasmtime::Error) -> bool {
    e.downcast_ref::<Trap>().is_some()
        || e.downcast_ref::<TimedOut>().is_some()
        || e.downcast_ref::<wasmtime::UnknownImportError>().is_some()
}

/// Calls `_initialize` if the module has one, then `--invoke`'s export or `_start`.
fn call_guest(store: &mut Store<Host>, instance: &wasmtime::Instance, config: &RunConfig) -> wasmtime::Result<()> {
    if let Some(init) = instance.get_func(&mut *store, "_initialize") {
        init.typed::<(), ()>(&*store)?.call(&mut *store, ())?;
    }
    match &config.invoke {
        Some(name) => invoke(store, instance, name, &config.args[1..]),
        None => match instance.get_func(&mut *store, "_start") {
            Some(start) => start.typed::<(), ()>(&*store)?.call(&mut *store, ()),
            None if instance.get_func(&mut *store, "_initialize").is_some() => Ok(()),
            None => Err(wasmtime::Error::msg(NO_START)),
        },
    }
}

/// The engine every command uses: wasmtime's defaults (SIMD, tail calls,
/// exception handling and the rest of its default wasm features), with the
/// engine-wide `limits` (fuel counting and epoch checks only when a fuel
/// budget or a timeout is set; the compile cache keeps their code apart).
pub fn engine(limits: &Limits) -> wasmtime::Result<Engine> {
    let mut config = wasmtime::Config::new();
    limits.configure(&mut config);
    Engine::new(&config).context("cannot set up the wasm engine")
}

/// Hands the guest the inherited listening socket `fd` (`--listenfd`).
fn adopt_listener(builder: &mut capwasi::WasiCtxBuilder, fd: i32) -> wasmtime::Result<()> {
    use rustix::fd::{FromRawFd, OwnedFd};
    use rustix::net::{AddressFamily, sockopt};
    // SAFETY: fd is open (fstat below checks it before anything else uses it).
    let borrowed = unsafe { rustix::fd::BorrowedFd::borrow_raw(fd) };
    let not_listener = |why: String| format_err!("--listenfd: inherited descriptor {fd} {why}");
    let stat = rustix::fs::fstat(borrowed).map_err(|e| not_listener(format!("is not open: {e}")))?;
    if rustix::fs::FileType::from_raw_mode(stat.st_mode) != rustix::fs::FileType::Socket {
        return Err(not_listener("is not a socket".into()));
    }
    if !sockopt::socket_acceptconn(borrowed).unwrap_or(false) {
        return Err(not_listener("is not a listening socket".into()));
    }
    let family = sockopt::socket_domain(borrowed).map_err(|e| not_listener(e.to_string()))?;
    rustix::io::fcntl_setfd(borrowed, rustix::io::FdFlags::CLOEXEC)?;
    // SAFETY: the descriptor was inherited, is open, and nothing else in this process owns it.
    let owned = unsafe { OwnedFd::from_raw_fd(fd) };
    match family {
        AddressFamily::INET | AddressFamily::INET6 => builder.preopened_tcp_listener(owned.into()),
        AddressFamily::UNIX => builder.preopened_unix_listener(owned.into()),
        _ => return Err(not_listener("is neither a TCP nor a Unix-domain socket".into())),
    };
    Ok(())
}

const NO_START: &str = "the module exports no `_start` function: it is not a WASI command; \
                        name the function to call with --invoke NAME";

/// Fails with one line naming every import the linker cannot satisfy.
pub fn check_imports(
    linker: &Linker<Host>,
    store: &mut Store<Host>,
    module: &Module,
    path: &Path,
) -> wasmtime::Result<()> {
    let missing: Vec<String> = module
        .imports()
        .filter(|import| linker.get_by_import(&mut *store, import).is_none())
        .map(|import| format!("{}::{}", import.module(), import.name()))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    bail!(
        "'{}' imports {}, which capwasi does not provide (it provides wasi_snapshot_preview1, wasi_unstable, dagger and cwa); \
         rebuild the module for wasm32-wasip1, or pass --trap-unknown-imports to run it anyway",
        path.display(),
        missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
    )
}

/// Calls export `name` with `args` parsed as its parameters, printing each
/// result on its own line.
fn invoke(store: &mut Store<Host>, instance: &wasmtime::Instance, name: &str, args: &[String]) -> wasmtime::Result<()> {
    let func = instance
        .get_func(&mut *store, name)
        .ok_or_else(|| wasmtime::Error::msg(format!("the module exports no function named `{name}`")))?;
    let ty = func.ty(&*store);
    if ty.params().len() != args.len() {
        wasmtime::bail!("`{name}` takes {} arguments, but {} were given", ty.params().len(), args.len());
    }
    let params = ty
        .params()
        .zip(args)
        .map(|(ty, arg)| {
            parse_val(&ty, arg).ok_or_else(|| wasmtime::Error::msg(format!("cannot pass '{arg}' as {ty}")))
        })
        .collect::<wasmtime::Result<Vec<_>>>()?;
    let mut results = vec![Val::I32(0); ty.results().len()];
    func.call(&mut *store, &params, &mut results)?;
    for result in results {
        match result {
            Val::I32(v) => println_lossy!("{v}"),
            Val::I64(v) => println_lossy!("{v}"),
            Val::F32(v) => println_lossy!("{}", f32::from_bits(v)),
            Val::F64(v) => println_lossy!("{}", f64::from_bits(v)),
            other => println_lossy!("{other:?}"),
        }
    }
    Ok(())
}

fn parse_val(ty: &ValType, arg: &str) -> Option<Val> {
    Some(match ty {
        ValType::I32 => Val::I32(arg.parse::<i32>().ok().or_else(|| arg.parse::<u32>().ok().map(|v| v as i32))?),
        ValType::I64 => Val::I64(arg.parse::<i64>().ok().or_else(|| arg.parse::<u64>().ok().map(|v| v as i64))?),
        ValType::F32 => Val::F32(arg.parse::<f32>().ok()?.to_bits()),
        ValType::F64 => Val::F64(arg.parse::<f64>().ok()?.to_bits()),
        _ => return None,
    })
}

/// The reason a guest trapped and its wasm backtrace, for stderr.
pub fn trap_report(err: &wasmtime::Error) -> String {
    let reason = match err.downcast_ref::<wasmtime::Trap>() {
        Some(trap) => trap.to_string(),
        None => format!("{err:#}"),
    };
    let mut report = format!("capwasi: the guest trapped: {reason}");
    if let Some(backtrace) = err.downcast_ref::<wasmtime::WasmBacktrace>() {
        report.push_str(&format!("\n{backtrace}"));
    }
    report
}
