//! Runs one test in-process: compile, copy fixtures, resolve the test into
//! the configuration model's [`RunConfig`] (its arguments, environment,
//! fixture copies as preopens, the runner's limits), and run it as `capwasi
//! run` does: the context from `host::context`, the limits started by
//! `Limits::start`, the ending read by `run::outcome`; only stdio differs
//! (captured).
//!
//! The deadline is the runner's `--timeout` as a run's timeout: wasm code
//! stops at its next epoch check, and a host call waiting on a clock or a
//! stream stops waiting at the deadline. A host call that blocks otherwise
//! is left to the caller's watchdog, which gives up on the test thread (see
//! `super::supervise`).

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use capwasi::DirPerms;
use capwasi::limits::Limits;
use wasmtime::{Engine, Linker, Module, Store, Trap};

use super::super::cache::first_line;
use super::super::host::{self, Host};
use super::super::model::{Preopen, RunConfig};
use super::super::run;
use super::discover::Test;
use super::fixtures::{copy_tree, link_on_the_way};
use super::spec::Spec;

/// The most output kept per stream; the rest is dropped (and said so), so a
/// guest printing in a loop cannot exhaust the runner's memory.
const CAPTURE_LIMIT: usize = 8 << 20;

/// What every test shares: the engine (one compiler) and the linker.
pub struct Shared {
    pub engine: Engine,
    linker: Linker<Host>,
    pub timeout: Duration,
    /// Each test's limits: the memory cap and `timeout`; its thread's stack
    /// follows its wasm stack limit.
    pub limits: Limits,
}

impl Shared {
    /// Sets up the engine for `limits` with `timeout` (epoch checks).
    pub fn new(timeout: Duration, limits: Limits) -> wasmtime::Result<Arc<Shared>> {
        let limits = limits.timeout(timeout);
        let engine = run::engine(&limits)?;
        let linker = host::linker(&engine)?;
        Ok(Arc::new(Shared { engine, linker, timeout, limits }))
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
    let outcome = match run(shared, test, spec, &argv, &module, &stdout, &stderr) {
        Ok(outcome) => outcome,
        Err(e) => Outcome::Error(e),
    };
    Execution { argv, outcome, stdout: stdout.take(), stderr: stderr.take(), compile, run: start.elapsed() }
}

fn run(
    shared: &Shared,
    test: &Test,
    spec: &Spec,
    argv: &[String],
    module: &Module,
    stdout: &Capture,
    stderr: &Capture,
) -> Result<Outcome, String> {
    // Held until the run ends; dropping it removes the copies.
    let (_scratch, preopens) = fixtures(test.dir(), spec)?;
    let mut config = RunConfig::for_module(test.module.clone(), argv.to_vec());
    config.env.clone_from(&spec.env);
    config.preopens = preopens;
    config.limits = shared.limits.clone();

    let mut builder = host::context(&config);
    builder.stdout(stdout.clone()).stderr(stderr.clone());
    host::add_preopens(&mut builder, &config)?;
    let mut wasi = builder.build().map_err(|e| format!("{e:#}"))?;
    wasi.bind_module(module);

    let mut store = Store::new(&shared.engine, Host { wasi });
    // The memory cap and the deadline, which starts now.
    let watchdog = config.limits.start(&mut store, host::wasi).map_err(|e| format!("{e:#}"))?;
    // Bound to the instance: its host calls need not look its memory up.
    let instance = match capwasi::instantiate_bound(&shared.linker, &mut store, module, host::wasi) {
        // A module that does not link cannot run (`run` says so before instantiating).
        Err(e) if e.downcast_ref::<wasmtime::UnknownImportError>().is_some() => {
            return Ok(Outcome::Error(format!("cannot run: {}", first_line(&e))));
        }
        instance => instance,
    };
    let result = instance.and_then(|instance| {
        let start = instance
            .get_func(&mut store, "_start")
            .ok_or_else(|| wasmtime::Error::msg("the module exports no `_start` function"))?;
        start.typed::<(), ()>(&store)?.call(&mut store, ())
    });
    drop(watchdog);
    Ok(match run::outcome(result, &config.limits) {
        Ok(run::Outcome::Exited(code)) => Outcome::Exited(code),
        Ok(run::Outcome::TimedOut(_)) => Outcome::TimedOut,
        Ok(run::Outcome::Trapped(e)) => {
            let reason = e.downcast_ref::<Trap>().map_or_else(|| first_line(&e), |trap| trap.to_string());
            let detail = match e.downcast_ref::<wasmtime::WasmBacktrace>() {
                Some(backtrace) => format!("{reason}\n{backtrace}"),
                None => reason.clone(),
            };
            Outcome::Trapped { reason, detail }
        }
        // No fuel budget: never. A forbidden URL is the host refusing, not a trap.
        Ok(run::Outcome::OutOfFuel(_)) => {
            Outcome::Trapped { reason: Trap::OutOfFuel.to_string(), detail: String::new() }
        }
        Ok(run::Outcome::Forbidden(forbidden)) => Outcome::Error(format!("cannot run: {forbidden}")),
        Err(e) => Outcome::Error(format!("cannot run: {}", first_line(&e))),
    })
}

/// Copies `spec`'s fixtures beside the test in `dir` into a temporary
/// directory and makes each copy a preopen, `dirs` first (so a wasi-testsuite
/// test finds its first directory at fd 3), then `root` as `/`. The directory
/// is removed when the returned guard is dropped.
fn fixtures(dir: &Path, spec: &Spec) -> Result<(Option<tempfile::TempDir>, Vec<Preopen>), String> {
    if spec.dirs.is_empty() && spec.root.is_none() {
        return Ok((None, Vec::new()));
    }
    let scratch = tempfile::Builder::new()
        .prefix("capwasi-test-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let mut preopens = Vec::new();
    let wanted = spec.dirs.iter().map(|d| (d, d.as_str())).chain(spec.root.iter().map(|r| (r, "/")));
    for (i, (name, guest)) in wanted.enumerate() {
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
        preopens.push(Preopen {
            flag: format!("the fixture '{name}'"),
            host: copy,
            guest: guest.to_string(),
            perms: DirPerms::ReadWrite,
        });
    }
    Ok((Some(scratch), preopens))
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
