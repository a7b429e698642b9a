//! A host descriptor (here a connected socket) handed to the builder as the
//! guest's stdin and stdout (`WasiCtxBuilder::stdin_fd` / `stdout_fd`): what
//! the peer writes reaches the guest, what the guest writes reaches the peer,
//! and a read waiting for a peer that never writes ends at the run's timeout.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use capwasi::WasiCtx;
use capwasi::limits::{Limits, TimedOut};
use wasmtime::{Config, Engine, Linker, Module, Store};

/// Reads up to 16 bytes from stdin and writes what it read to stdout.
const ECHO: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 16))
    (if (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)) (then unreachable))
    (i32.store (i32.const 4) (i32.load (i32.const 8)))
    (if (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)) (then unreachable))))"#;

struct State {
    wasi: WasiCtx,
}

/// Runs [`ECHO`] with `guest_end` as its stdin and stdout under `limits`, on
/// a thread; its result, or a failure if it is still running after 30 s.
fn run_echo(guest_end: UnixStream, limits: Limits) -> wasmtime::Result<()> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let run = || -> wasmtime::Result<()> {
            let mut config = Config::new();
            limits.configure(&mut config);
            let engine = Engine::new(&config)?;
            let module = Module::new(&engine, ECHO)?;
            let mut linker = Linker::new(&engine);
            capwasi::add_to_linker(&mut linker, |s: &mut State| &mut s.wasi)?;
            let wasi = WasiCtx::builder().stdin_fd(guest_end.try_clone()?).stdout_fd(guest_end).build()?;
            let mut store = Store::new(&engine, State { wasi });
            let _watchdog = limits.start(&mut store, |s: &mut State| &mut s.wasi)?;
            let instance = linker.instantiate(&mut store, &module)?;
            instance.get_typed_func::<(), ()>(&mut store, "_start")?.call(&mut store, ())
        };
        let _ = tx.send(run());
    });
    rx.recv_timeout(Duration::from_secs(30)).expect("the guest was still running after 30 s")
}

#[test]
fn a_socket_given_as_stdin_and_stdout_carries_the_guests_input_and_output() {
    let (mut host_end, guest_end) = UnixStream::pair().unwrap();
    host_end.write_all(b"ping").unwrap();
    run_echo(guest_end, Limits::new()).unwrap();
    let mut echoed = Vec::new();
    host_end.read_to_end(&mut echoed).unwrap();
    assert_eq!(echoed, b"ping");
}

#[test]
fn a_read_of_a_socket_given_as_stdin_ends_at_the_timeout() {
    let (_host_end, guest_end) = UnixStream::pair().unwrap();
    let started = Instant::now();
    let error = run_echo(guest_end, Limits::new().timeout(Duration::from_millis(200))).unwrap_err();
    assert_eq!(error.downcast_ref::<TimedOut>(), Some(&TimedOut { limit: Duration::from_millis(200) }));
    assert!(started.elapsed() >= Duration::from_millis(200));
}
