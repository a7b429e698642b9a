//! Shared by the integration tests: locate guest programs built by
//! `scripts/build-guests`, and run one in-process with a given context.
#![allow(dead_code)]

pub mod cli;
pub mod native;
pub mod pty;
pub mod rss;

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
    run_with(path, None, configure)
}

/// As [`run`], with the context bound (`WasiCtx::bind_module`) to `bound`.
pub fn run_bound(path: &Path, bound: &Module, configure: impl FnOnce(&mut WasiCtxBuilder)) -> Outcome {
    run_with(path, Some(bound), configure)
}

fn run_with(path: &Path, bound: Option<&Module>, configure: impl FnOnce(&mut WasiCtxBuilder)) -> Outcome {
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
    let mut wasi = builder.build().expect("build ctx");
    if let Some(bound) = bound {
        wasi.bind_module(bound);
    }
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

/// A fresh temporary copy of the fixture directory `c-tests/NAME.dir`
/// (symlinks copied as links), the same fixture `capwasi test` preopens.
pub fn fixture(name: &str) -> tempfile::TempDir {
    copy_fixture(&repo(&format!("c-tests/{name}.dir")))
}

/// A fresh temporary copy of the Go guests' fixture `go-tests/testdata/NAME.dir`.
pub fn go_fixture(name: &str) -> tempfile::TempDir {
    copy_fixture(&repo(&format!("go-tests/testdata/{name}.dir")))
}

fn copy_fixture(from: &Path) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            let kind = entry.file_type().unwrap();
            if kind.is_symlink() {
                std::os::unix::fs::symlink(std::fs::read_link(entry.path()).unwrap(), &target).unwrap();
            } else if kind.is_dir() {
                std::fs::create_dir(&target).unwrap();
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(from, dir.path());
    dir
}

/// A path in the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The expected stdout written in `c-tests/NAME.json`, the one source of
/// truth shared with `capwasi test`.
pub fn expected_stdout(name: &str) -> String {
    spec_stdout(&repo(&format!("c-tests/{name}.json")))
}

/// The expected stdout written in `go-tests/cmd/NAME/NAME.json`.
pub fn go_expected_stdout(name: &str) -> String {
    spec_stdout(&repo(&format!("go-tests/cmd/{name}/{name}.json")))
}

fn spec_stdout(path: &Path) -> String {
    let spec: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    spec["stdout"].as_str().unwrap_or_else(|| panic!("{} has no stdout", path.display())).to_string()
}

/// Runs the real `capwasi` binary with `args`. The environment is the test's (the guest sees
/// none of it unless `--env` says so), so the compile cache under `$HOME` serves repeated runs.
pub fn capwasi(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_capwasi")).args(args).output().expect("run capwasi")
}
