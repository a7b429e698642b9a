//! A fast tier for a module's first run (`capwasi run --cold-compiler`).
//!
//! Cranelift compiles CPython's 26 MB in about 12 s of CPU; Winch, wasmtime's
//! baseline compiler, compiles it several times faster into code that runs
//! slower. So when a module is not in the compile cache, `run` compiles it
//! with Winch, runs it at once, and leaves Cranelift's code for the cache to
//! a process of its own (`capwasi compile --into-cache`, started detached and
//! at the lowest priority): the first run starts sooner and every later run
//! is a cache hit with Cranelift's code, as before.
//!
//! Why this cannot change a run's outcome:
//!
//! - Winch's engine enables the wasm features Winch implements: wasmtime's
//!   defaults without GC, function references, tail calls, exceptions and
//!   relaxed SIMD (`compiler_panicking_wasm_features` in wasmtime's
//!   `config.rs`). A module that validates without those proposals contains
//!   none of their types or instructions, and the proposals are backward
//!   compatible: it means the same with them on. A module that does not
//!   validate there (it uses one), or that Winch cannot compile (a SIMD
//!   instruction Winch does not implement yet), is compiled by Cranelift on
//!   the run's own engine, as without this tier; so is an invalid module, and
//!   the error the user sees is Cranelift's.
//! - Both compilers implement the same semantics and wasmtime tests them
//!   against each other (its differential fuzzing). The freedom wasm leaves
//!   an engine is the bits of a NaN an arithmetic instruction produces, which
//!   may differ between compilers as they may between CPUs.
//! - The limits hold under Winch as under Cranelift: `--max-memory` and
//!   `--max-fds` are the store's and the host's, not compiled code;
//!   `--max-wasm-stack` is checked by Winch's function prologues against the
//!   same stack limit. A run with `--fuel` or `--timeout` is compiled by
//!   Cranelift: winch-codegen 48 does emit fuel and epoch checks (though
//!   wasmtime's `Config` docs still call them incompatible), but where a run
//!   runs out of fuel depends on where the compiler checks and what it charges
//!   for each block, and a run that stops at a different instruction can have
//!   printed more or less; a timeout's stop depends on timing anyway, so Winch
//!   could take those runs, with a filler that compiles epoch checks in
//!   (`--with-timeout`): not done yet.
//! - The filler writes the cache through the cache's own path (the entry
//!   signed with the user's key, written to a temporary file and renamed), so
//!   a run that reads it meanwhile sees no entry or a whole one. It never
//!   touches the run: its output goes to /dev/null, the run neither waits for
//!   it nor reports its failure, and a failed fill only leaves the next run
//!   cold again. A lock file beside the entry (`<key>.lock`, held with
//!   `flock` while compiling) keeps it to one filler per module.
//!
//! `auto`, the default, uses Winch only when the cache is on: with
//! `--no-cache` every run is a first run, so its code is what every run gets,
//! and Cranelift's is the one to have; `--cold-compiler=winch` asks for
//! Winch then too (and fills no cache).

use std::path::Path;
use std::process::{Command, Stdio};

use capwasi::limits::Limits;
use wasmtime::{Engine, Module, Strategy};

/// Which compiler a run uses for a module not in the compile cache (the
/// flag's help says what each does; the values carry no doc of their own, so
/// that `--help` lists them on one line).
#[derive(clap::ValueEnum, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ColdCompiler {
    // Winch when the cache is on (and the module and limits allow it), then
    // Cranelift's code fills the cache in the background.
    #[default]
    Auto,
    // Cranelift, which compiles more slowly into faster code.
    Cranelift,
    // Winch whenever the module and limits allow it, with `--no-cache` too.
    Winch,
}

/// A first run's fast tier, when the run's limits allow it: what Winch's
/// engine is made from (made only on a cache miss).
pub struct FirstRun {
    config: wasmtime::Config,
}

impl FirstRun {
    /// The fast tier for a run with `limits` whose cache is on or not
    /// (`cached`), or `None` when `compiler` or the limits call for Cranelift.
    pub fn new(compiler: ColdCompiler, cached: bool, limits: &Limits) -> Option<FirstRun> {
        let wanted = match compiler {
            ColdCompiler::Auto => cached,
            ColdCompiler::Cranelift => false,
            ColdCompiler::Winch => true,
        };
        // Fuel and epoch checks stay Cranelift's (see the module's doc).
        if !wanted || limits.fuel_limit().is_some() || limits.time_limit().is_some() {
            return None;
        }
        let mut config = wasmtime::Config::new();
        limits.configure(&mut config);
        config.strategy(Strategy::Winch);
        Some(FirstRun { config })
    }

    /// `bytes` compiled by Winch, or `None` if Winch's engine does not take
    /// them (see the module's doc): the caller compiles them with Cranelift.
    pub fn compile(&self, bytes: &[u8]) -> Option<Module> {
        let engine = Engine::new(&self.config).ok()?;
        Module::new(&engine, bytes).ok()
    }

    /// Starts `capwasi compile --into-cache` on `module`, detached, at the
    /// lowest priority, with its output to /dev/null; a failure to start it
    /// is ignored (the next run compiles again). The run has neither fuel nor
    /// a timeout (else it would not be here), so neither is compiled in: the
    /// filler's engine is the run's own.
    pub fn start_filler(&self, module: &Path) {
        let Ok(exe) = std::env::current_exe() else { return };
        let mut command = Command::new(exe);
        command.arg("compile").arg("--into-cache").arg("--").arg(module);
        command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
        // Its own process group: a Ctrl-C meant for the run does not stop it.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        // Not waited for: when the run exits first, init reaps it.
        let _ = command.spawn();
    }
}

/// In the filler (`compile --into-cache`), first thing: the lowest CPU
/// priority, so that the compile takes only what nothing else wants, and no
/// descriptor but stdio (a run is started with inherited ones, such as a
/// `--listenfd` socket not yet marked close-on-exec; the filler must not keep
/// them open after the run has exited).
pub fn detach() {
    let _ = rustix::process::nice(19);
    // SAFETY: nothing in this process owns a descriptor above stdio yet (main
    // has parsed the command line and nothing more), so none is closed under
    // an owner; a failure leaves them open, as before.
    unsafe { libc::close_range(3, libc::c_uint::MAX, 0) };
}
