//! Shared by the integration tests: locate guest programs built by
//! `scripts/build-guests`, and run one in-process with a given context.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use capwasi::{I32Exit, MemoryOutputPipe, WasiCtxBuilder};
use wasmtime::{Config, Engine, Linker, Module, Store};

/// The directory `scripts/build-guests` writes guests to.
pub fn guests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("build/guests")
}

/// A built guest, e.g. `guest("c-tests/hello")`. Panics with the fix if it is missing.
pub fn guest(name: &str) -> PathBuf {
    let path = guests_dir().join(format!("{name}.wasm"));
    assert!(path.exists(), "{} is missing: run scripts/build-guests first", path.display());
    path
}

/// One engine for the whole test binary (compiling is the slow part).
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(&Config::new()).expect("engine"))
}

/// What a guest run produced.
#[derive(Debug)]
pub struct Outcome {
    /// The proc_exit status, 0 if `_start` returned, or None if it trapped.
    pub exit: Option<i32>,
    /// The trap or host error, if the run did not end with an exit status.
    pub error: Option<String>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `_start` of the guest at `path` with the context `configure` sets up
/// (args, env, preopens); stdout and stderr are captured.
pub fn run(path: &Path, configure: impl FnOnce(&mut WasiCtxBuilder)) -> Outcome {
    struct State {
        wasi: capwasi::WasiCtx,
    }
    let module = Module::from_file(engine(), path).expect("compile guest");
    let mut linker = Linker::new(engine());
    capwasi::add_to_linker(&mut linker, |s: &mut State| &mut s.wasi).expect("link");
    let stdout = MemoryOutputPipe::new();
    let stderr = MemoryOutputPipe::new();
    let mut builder = capwasi::WasiCtx::builder();
    builder.stdout(stdout.clone()).stderr(stderr.clone());
    configure(&mut builder);
    let wasi = builder.build().expect("build ctx");
    let mut store = Store::new(engine(), State { wasi });
    let result = linker
        .instantiate(&mut store, &module)
        .and_then(|instance| instance.get_typed_func::<(), ()>(&mut store, "_start"))
        .and_then(|start| start.call(&mut store, ()));
    let (exit, error) = match result {
        Ok(()) => (Some(0), None),
        Err(e) => match e.downcast_ref::<I32Exit>() {
            Some(I32Exit(code)) => (Some(*code), None),
            None => (None, Some(format!("{e:?}"))),
        },
    };
    Outcome {
        exit,
        error,
        stdout: String::from_utf8_lossy(&stdout.contents()).into_owned(),
        stderr: String::from_utf8_lossy(&stderr.contents()).into_owned(),
    }
}
