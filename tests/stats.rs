//! `--stats` and `WasiCtx::stats`: the counts of a guest that makes a known
//! number of calls and moves a known number of bytes through stdio, a file and
//! a socket, from the real binary (table and JSON) and for an embedder.

mod common;

use std::io::{Read, Write};
use std::process::Stdio;
use std::time::Duration;

use capwasi::limits::Limits;
use capwasi::stats::{Bytes, Calls, DescriptorKind};
use capwasi::{DirPerms, MemoryOutputPipe, WasiCtx};
use common::cli::{capwasi, finish, output, serve_and_connect, stderr, stdout, wat};
use wasmtime::{Config, Engine, Linker, Module, Store};

/// Writes "hello\n" to stdout 3 times (18 bytes); reads stdin to its end in
/// 4-byte reads (4 calls for 10 bytes); creates `f` beneath the preopen at fd
/// 3, writes 100 bytes to it and reads them back with one fd_pread; calls
/// clock_time_get 5 times; closes fd 99 (EBADF) and the file; exits 0.
const COUNTED: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pread" (func $pread (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "hello\n")
  (data (i32.const 120) "f")
  (func (export "_start") (local $i i32) (local $file i32)
    ;; iovec at 0: "hello\n"
    (i32.store (i32.const 0) (i32.const 100)) (i32.store (i32.const 4) (i32.const 6))
    (local.set $i (i32.const 3))
    (loop $w
      (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br_if $w (local.get $i)))
    ;; iovec at 16: 4 bytes at 200; read until a read returns 0
    (i32.store (i32.const 16) (i32.const 200)) (i32.store (i32.const 20) (i32.const 4))
    (loop $r
      (drop (call $read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 8)))
      (br_if $r (i32.load (i32.const 8))))
    ;; path_open(3, "f", CREAT|TRUNC, FD_READ|FD_WRITE) -> fd at 24
    (drop (call $open (i32.const 3) (i32.const 0) (i32.const 120) (i32.const 1) (i32.const 9)
                      (i64.const 0x42) (i64.const 0) (i32.const 0) (i32.const 24)))
    (local.set $file (i32.load (i32.const 24)))
    ;; iovec at 32: 100 bytes at 1000
    (i32.store (i32.const 32) (i32.const 1000)) (i32.store (i32.const 36) (i32.const 100))
    (drop (call $write (local.get $file) (i32.const 32) (i32.const 1) (i32.const 8)))
    (drop (call $pread (local.get $file) (i32.const 32) (i32.const 1) (i64.const 0) (i32.const 8)))
    (local.set $i (i32.const 5))
    (loop $c
      (drop (call $clock (i32.const 1) (i64.const 0) (i32.const 40)))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br_if $c (local.get $i)))
    (drop (call $close (i32.const 99)))
    (drop (call $close (local.get $file)))
    (call $exit (i32.const 0))))"#;

/// Accepts a connection on fd 3, receives up to 16 bytes, sends "pong!" with
/// sock_send and "x" with fd_write, and exits 0.
const SOCKET: &str = r#"(module
  (import "wasi_snapshot_preview1" "sock_accept" (func $accept (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_recv" (func $recv (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "pong!x")
  (func (export "_start") (local $conn i32)
    (drop (call $accept (i32.const 3) (i32.const 0) (i32.const 0)))
    (local.set $conn (i32.load (i32.const 0)))
    (i32.store (i32.const 8) (i32.const 200)) (i32.store (i32.const 12) (i32.const 16))
    (drop (call $recv (local.get $conn) (i32.const 8) (i32.const 1) (i32.const 0) (i32.const 16) (i32.const 20)))
    (i32.store (i32.const 8) (i32.const 100)) (i32.store (i32.const 12) (i32.const 5))
    (drop (call $send (local.get $conn) (i32.const 8) (i32.const 1) (i32.const 0) (i32.const 16)))
    (i32.store (i32.const 8) (i32.const 105)) (i32.store (i32.const 12) (i32.const 1))
    (drop (call $write (local.get $conn) (i32.const 8) (i32.const 1) (i32.const 16)))
    (call $exit (i32.const 0))))"#;

/// (function, count, errors) for every function the counted guest calls.
const COUNTED_CALLS: [(&str, u64, u64); 7] = [
    ("clock_time_get", 5, 0),
    ("fd_close", 2, 1),
    ("fd_pread", 1, 0),
    ("fd_read", 4, 0),
    ("fd_write", 4, 0),
    ("path_open", 1, 0),
    ("proc_exit", 1, 0),
];

fn calls_of(report: &serde_json::Value) -> Vec<(String, u64, u64)> {
    let mut calls: Vec<_> = report["calls"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, c)| (name.clone(), c["count"].as_u64().unwrap(), c["errors"].as_u64().unwrap()))
        .collect();
    calls.sort();
    calls
}

fn bytes_of(report: &serde_json::Value, kind: &str) -> (u64, u64) {
    let b = &report["bytes"][kind];
    (b["read"].as_u64().unwrap(), b["written"].as_u64().unwrap())
}

#[test]
fn stats_json_counts_calls_errors_and_bytes_per_descriptor_kind() {
    let dir = tempfile::tempdir().unwrap();
    let module = wat(&dir, "counted", COUNTED);
    let data = tempfile::tempdir().unwrap();
    let spec = format!("{}::/d", data.path().display());
    let json = dir.path().join("stats.json");
    let flag = format!("--stats=json:{}", json.display());
    let mut child = capwasi(&["run", &flag, "--dir", &spec, &module]).stdin(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"0123456789").unwrap();
    let out = finish(child);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "hello\n".repeat(3));
    assert_eq!(stderr(&out), "", "JSON only: no table");

    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let expected: Vec<_> = COUNTED_CALLS.iter().map(|&(n, c, e)| (n.to_string(), c, e)).collect();
    assert_eq!(calls_of(&report), expected);
    assert_eq!(bytes_of(&report, "stdio"), (10, 18));
    assert_eq!(bytes_of(&report, "file"), (100, 100));
    assert_eq!(bytes_of(&report, "socket"), (0, 0));
    assert_eq!(report["peak_memory_bytes"], 65536);
    assert_eq!(report["fuel"], serde_json::Value::Null, "no fuel budget, no fuel figure");
    assert_eq!(report["module"], "compiled", "no cache in an empty environment");
    for key in ["load_ns", "instantiate_ns", "run_ns"] {
        assert!(report[key].as_u64().unwrap() > 0, "{key}");
    }
    assert!(report["calls"]["fd_write"]["host_ns"].as_u64().unwrap() > 0);
}

#[test]
fn stats_table_goes_to_stderr_after_the_run_with_fuel_and_memory() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let spec = format!("{}::/d", data.path().display());
    let out = output(&mut capwasi(&["run", "--stats", "--fuel", "1000000", "--dir", &spec, &wat(&dir, "c", COUNTED)]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = stderr(&out);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "capwasi: stats");
    assert!(lines[1].starts_with("  compile "), "{table}");
    let fuel: Vec<&str> =
        lines.iter().find(|l| l.trim_start().starts_with("fuel ")).unwrap().split_whitespace().collect();
    assert_eq!((fuel.len(), fuel[2], fuel[3]), (4, "of", "1000000"), "{table}");
    assert!(fuel[1].parse::<u64>().unwrap() > 0);
    assert!(table.contains("\n  peak memory          65536 bytes\n"), "{table}");
    let row = |name: &str| lines.iter().find(|l| l.split_whitespace().next() == Some(name)).map(|l| l.to_string());
    let words = |name: &str| row(name).unwrap().split_whitespace().map(String::from).collect::<Vec<_>>();
    assert_eq!(words("stdio")[1..], ["0", "18"], "stdin is empty here");
    assert_eq!(words("file")[1..], ["100", "100"]);
    assert_eq!(words("fd_close")[1..3], ["2", "1"]);
    assert_eq!(words("clock_time_get")[1..3], ["5", "0"]);
    assert_eq!(row("fd_readdir"), None, "functions never called are left out");
}

/// Calls fd_fdstat_set_rights, whose name (20 characters) is longer than
/// the table's usual name column.
const LONG_NAME: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_fdstat_set_rights" (func $rights (param i32 i64 i64) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (drop (call $rights (i32.const 1) (i64.const 0) (i64.const 0)))))"#;

#[test]
fn stats_table_columns_stay_aligned_for_long_function_names() {
    let dir = tempfile::tempdir().unwrap();
    let out = output(&mut capwasi(&["run", "--stats", &wat(&dir, "long", LONG_NAME)]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = stderr(&out);
    let header = table.lines().position(|l| l.trim_start().starts_with("calls ")).unwrap();
    let lines: Vec<&str> = table.lines().skip(header).collect();
    assert!(lines[1].trim_start().starts_with("fd_fdstat_set_rights "), "{table}");
    assert!(lines.iter().all(|l| l.len() == lines[0].len()), "columns not aligned:\n{table}");
}

#[test]
fn stats_count_socket_bytes_through_sock_and_fd_calls() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("stats.json");
    let flag = format!("--stats=json:{}", json.display());
    let (child, mut connection) = serve_and_connect(&[&flag, &wat(&dir, "socket", SOCKET)]);
    connection.write_all(b"ping").unwrap();
    let mut reply = Vec::new();
    connection.read_to_end(&mut reply).unwrap();
    assert_eq!(reply, b"pong!x");
    let out = finish(child);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(bytes_of(&report, "socket"), (4, 6));
    assert_eq!(bytes_of(&report, "stdio"), (0, 0));
    assert_eq!(report["calls"]["sock_recv"]["count"], 1);
    assert_eq!(report["calls"]["sock_send"]["count"], 1);
}

#[test]
fn stats_are_written_when_a_limit_ends_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let module =
        wat(&dir, "spin", r#"(module (memory (export "memory") 1) (func (export "_start") (loop $l (br $l))))"#);
    let json = dir.path().join("stats.json");
    let flag = format!("--stats=json:{}", json.display());
    let out = output(&mut capwasi(&["run", &flag, "--fuel", "5000", &module]));
    assert_eq!(out.status.code(), Some(152));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(report["fuel"]["budget"], 5000);
    assert_eq!(report["fuel"]["consumed"], 5000, "all of it");
}

/// The counted guest run in-process, as an embedder runs it: stats from the context.
#[test]
fn an_embedder_reads_the_same_counts_from_the_context() {
    struct State {
        wasi: WasiCtx,
    }
    let limits = Limits::new().fuel(1_000_000).max_memory(1 << 20);
    let mut config = Config::new();
    limits.configure(&mut config);
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(&engine, COUNTED).unwrap();
    let data = tempfile::tempdir().unwrap();
    let stdout = MemoryOutputPipe::new();
    let mut builder = WasiCtx::builder();
    builder
        .stats(true)
        .stdin(&b"0123456789"[..])
        .stdout(stdout.clone())
        .preopened_dir_path(data.path(), "/d", DirPerms::ReadWrite)
        .unwrap();
    let mut store = Store::new(&engine, State { wasi: builder.build().unwrap() });
    let watchdog = limits.start(&mut store, |s: &mut State| &mut s.wasi).unwrap();
    let mut linker = Linker::new(&engine);
    capwasi::add_to_linker(&mut linker, |s: &mut State| &mut s.wasi).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let err = instance.get_typed_func::<(), ()>(&mut store, "_start").unwrap().call(&mut store, ()).unwrap_err();
    assert_eq!(err.downcast_ref::<capwasi::I32Exit>(), Some(&capwasi::I32Exit(0)));
    drop(watchdog);

    assert_eq!(stdout.contents(), b"hello\nhello\nhello\n");
    let stats = store.data().wasi.stats().expect("stats were on");
    let calls: Vec<_> = stats.calls().map(|(name, c)| (name, c.count, c.errors)).collect();
    let mut expected = COUNTED_CALLS.to_vec();
    expected.sort_by_key(|(name, ..)| capwasi::stats::FUNCTIONS.iter().position(|f| f == name));
    assert_eq!(calls, expected, "in witx order");
    assert_eq!(stats.bytes(DescriptorKind::Stdio), Bytes { read: 10, written: 18 });
    assert_eq!(stats.bytes(DescriptorKind::File), Bytes { read: 100, written: 100 });
    assert_eq!(stats.peak_memory(), 65536);
    assert_eq!(stats.function("fd_readdir"), Calls::default());
    let used = limits.fuel_consumed(&store).unwrap();
    assert!(used > 0 && used < 1_000_000, "{used}");
}

#[test]
fn an_embedder_without_stats_gets_none() {
    let ctx = WasiCtx::builder().build().unwrap();
    assert!(ctx.stats().is_none());
}

#[test]
fn an_embedder_gets_the_timeout_error_from_a_blocked_host_call() {
    struct State {
        wasi: WasiCtx,
    }
    let limits = Limits::new().timeout(Duration::from_millis(200));
    let mut config = Config::new();
    limits.configure(&mut config);
    let engine = Engine::new(&config).unwrap();
    // Accepts on a listener nobody connects to.
    let module = Module::new(
        &engine,
        r#"(module
             (import "wasi_snapshot_preview1" "sock_accept" (func $accept (param i32 i32 i32) (result i32)))
             (memory (export "memory") 1)
             (func (export "_start") (drop (call $accept (i32.const 3) (i32.const 0) (i32.const 0)))))"#,
    )
    .unwrap();
    let mut builder = WasiCtx::builder();
    builder.preopened_tcp_listener(std::net::TcpListener::bind("127.0.0.1:0").unwrap());
    let mut store = Store::new(&engine, State { wasi: builder.build().unwrap() });
    let _watchdog = limits.start(&mut store, |s: &mut State| &mut s.wasi).unwrap();
    let mut linker = Linker::new(&engine);
    capwasi::add_to_linker(&mut linker, |s: &mut State| &mut s.wasi).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let err = instance.get_typed_func::<(), ()>(&mut store, "_start").unwrap().call(&mut store, ()).unwrap_err();
    let timed_out = err.downcast_ref::<capwasi::limits::TimedOut>().expect("the run's timeout");
    assert_eq!(timed_out.limit, Duration::from_millis(200));
    assert_eq!(timed_out.to_string(), "timed out after 200ms");
}
