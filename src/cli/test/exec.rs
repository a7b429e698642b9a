//! Runs one test in-process: compile, copy fixtures, instantiate with captured
//! stdio, call `_start` under a deadline and a memory cap.
//!
//! The deadline is wasmtime's epoch interruption: one ticker thread advances
//! the engine's epoch every [`TICK`], and each store traps with
//! `Trap::Interrupt` once its deadline in ticks has passed. That stops guest
//! code, not a host call that blocks (a long `poll_oneoff` sleep); for those
//! the caller's watchdog gives up on the test thread (see `super::schedule`).

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use capwasi::limits::Limits;
use capwasi::{DirPerms, I32Exit, WasiCtx};
use wasmtime::{Engine, Linker, Module, Store, Trap};

use super::super::cache::first_line;
use super::super::host::{self, Host};
use super::discover::Test;
use super::fixtures::{copy_tree, link_on_the_way};
use super::spec::Spec;

/// How often the epoch advances: the granularity of timeouts.
pub const TICK: Duration = Duration::from_millis(10);

/// The most output kept per stream; the rest is dropped (and said so), so a
/// guest printing in a loop cannot exhaust the runner's memory.
const CAPTURE_LIMIT: usize = 8 << 20;

/// What every test shares: the engine (one compiler, one epoch) and the linker.
pub struct Shared {
    pub engine: Engine,
    linker: Linker<Host>,
    pub timeout: Duration,
    /// Each test's memory cap; its thread's stack follows its wasm stack limit.
    pub limits: Limits,
}

impl Shared {
    /// Sets up the engine with epoch interruption and starts the ticker thread,
    /// which runs for the rest of the process.
    pub fn new(timeout: Duration, limits: Limits) -> wasmtime::Result<Arc<Shared>> {
        let mut config = wasmtime::Config::new();
        config.epoch_interruption(true);
        limits.configure(&mut config);
        let engine = Engine::new(&config)?;
        let linker = host::linker(&engine)?;
        let ticker = engine.clone();
        std::thread::Builder::new().name("epoch-ticker".into()).spawn(move || {
            loop {
                std::thread::sleep(TICK);
                ticker.increment_epoch();
            }
        })?;
        Ok(Arc::new(Shared { engine, linker, timeout, limits }))
    }

    fn deadline_ticks(&self) -> u64 {
        (self.timeout.as_nanos() / TICK.as_nanos()).max(1) as u64 + 1
    }
}

/// How a test's guest run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// `_start` returned (0) or the guest called `proc_exit`.
    Exited(i32),
    /// The guest trapped; the reason (first line) and the wasm backtrace.
    Trapped { reason: String, detail: String },
    /// The deadline passed.
    TimedOut,
    /// The test could not be run: a bad spec, a module that does not compile
    /// or link, a fixture that cannot be copied, a runner panic.
    Error(String),
}

/// A finished run.
#[derive(Debug, Clone)]
pub struct Execution {
    pub argv: Vec<String>,
    pub outcome: Outcome,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub compile: Duration,
    pub run: Duration,
}

impl Execution {
    /// A run that never started.
    pub fn not_run(argv: Vec<String>, outcome: Outcome) -> Self {
        Execution {
            argv,
            outcome,
            stdout: Vec::new(),
            stderr: Vec::new(),
            compile: Duration::ZERO,
            run: Duration::ZERO,
        }
    }
}

/// The guest's argv: the module's file name, then the spec's arguments.
pub fn argv(test: &Test) -> Vec<String> {
    let argv0 = test.module.file_name().unwrap_or_default().to_string_lossy().into_owned();
    let args = test.spec.as_ref().map(|s| s.args.clone()).unwrap_or_default();
    std::iter::once(argv0).chain(args).collect()
}

/// Runs `test`. `compiled` is called once the module is compiled, so the
/// caller can start the clock its watchdog measures.
pub fn execute(shared: &Shared, test: &Test, compiled: impl FnOnce()) -> Execution {
    let argv = argv(test);
    let spec = match &test.spec {
        Ok(spec) => spec,
        Err(e) => return Execution::not_run(argv, Outcome::Error(format!("invalid spec: {e}"))),
    };
    let start = Instant::now();
    let module = Module::from_file(&shared.engine, &test.module);
    let compile = start.elapsed();
    compiled();
    let module = match module {
        Ok(m) => m,
        Err(e) => {
            return Execution::not_run(argv, Outcome::Error(format!("cannot compile: {}", first_line(&e))));
        }
    };

    let stdout = Capture::default();
    let stderr = Capture::default();
    let start = Instant::now();
    let outcome = match run(shared, test.dir(), spec, &argv, &module, &stdout, &stderr) {
        Ok(outcome) => outcome,
        Err(e) => Outcome::Error(e),
    };
    Execution { argv, outcome, stdout: stdout.take(), stderr: stderr.take(), compile, run: start.elapsed() }
}

fn run(
    shared: &Shared,
    dir: &Path,
    spec: &Spec,
    argv: &[String],
    module: &Module,
    stdout: &Capture,
    stderr: &Capture,
) -> Result<Outcome, String> {
    let mut builder = WasiCtx::builder();
    builder.args(argv).stdout(stdout.clone()).stderr(stderr.clone());
    for (key, value) in &spec.env {
        builder.env(key, value);
    }
    // Held until the run ends; dropping it removes the copies.
    let _scratch = if spec.dirs.is_empty() && spec.root.is_none() {
        None
    } else {
        let scratch = tempfile::Builder::new()
            .prefix("capwasi-test-")
            .tempdir()
            .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
        // dirs first, so a wasi-testsuite test finds its first directory at fd 3.
        let preopens = spec.dirs.iter().map(|d| (d, d.as_str())).chain(spec.root.iter().map(|r| (r, "/")));
        for (i, (name, guest)) in preopens.enumerate() {
            let (fixture, copy) = (dir.join(name), scratch.path().join(i.to_string()));
            match link_on_the_way(dir, name) {
                Ok(None) => {}
                Ok(Some(link)) => {
                    return Err(format!(
                        "fixture '{name}' is reached through the symlink {}, which may lead out of the suite; \
                         a fixture must be a real directory beside the test",
                        link.display()
                    ));
                }
                Err(e) => return Err(format!("cannot look at fixture '{name}': {e}")),
            }
            if !fixture.is_dir() {
                return Err(format!("fixture '{name}' is not a directory beside the test"));
            }
            copy_tree(&fixture, &copy).map_err(|e| format!("cannot copy fixture '{name}': {e}"))?;
            builder
                .preopened_dir_path(&copy, guest, DirPerms::ReadWrite)
                .map_err(|e| format!("cannot open fixture '{name}': {e}"))?;
        }
        Some(scratch)
    };
    let mut wasi = builder.build().map_err(|e| format!("{e:#}"))?;
    wasi.bind_module(module);

    let mut store = Store::new(&shared.engine, Host { wasi });
    // The memory cap (no fuel, no timeout of its own: the ticker below is the test's).
    let _limits = shared.limits.start(&mut store, host::wasi).map_err(|e| format!("{e:#}"))?;
    store.set_epoch_deadline(shared.deadline_ticks());

    // Bound to the instance: its host calls need not look its memory up.
    let instance = capwasi::instantiate_bound(&shared.linker, &mut store, module, host::wasi);
    let result = instance.and_then(|instance| {
        let start = instance
            .get_func(&mut store, "_start")
            .ok_or_else(|| wasmtime::Error::msg("the module exports no `_start` function"))?;
        start.typed::<(), ()>(&store)?.call(&mut store, ())
    });
    Ok(match result {
        Ok(()) => Outcome::Exited(0),
        Err(e) => {
            if let Some(I32Exit(code)) = e.downcast_ref::<I32Exit>() {
                Outcome::Exited(*code)
            } else if e.downcast_ref::<Trap>() == Some(&Trap::Interrupt) {
                Outcome::TimedOut
            } else if let Some(trap) = e.downcast_ref::<Trap>() {
                let detail = match e.downcast_ref::<wasmtime::WasmBacktrace>() {
                    Some(backtrace) => format!("{trap}\n{backtrace}"),
                    None => trap.to_string(),
                };
                Outcome::Trapped { reason: trap.to_string(), detail }
            } else {
                Outcome::Error(format!("cannot run: {}", first_line(&e)))
            }
        }
    })
}

/// An in-memory stream that keeps at most [`CAPTURE_LIMIT`] bytes.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let room = CAPTURE_LIMIT.saturating_sub(kept.len());
        if room > 0 {
            kept.extend_from_slice(&buf[..buf.len().min(room)]);
            if buf.len() > room {
                kept.extend_from_slice(b"\n[capwasi test: output cut here]\n");
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
