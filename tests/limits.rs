//! Each limit of `capwasi run` trips on a guest that goes past it, with its
//! own exit status and one line naming it, and not on a guest within it:
//! `--fuel` (a spinning loop), `--timeout` (spinning, sleeping in poll_oneoff,
//! reading a stdin pipe nobody writes, writing to a stdout pipe nobody reads,
//! accepting on a socket nobody connects to, receiving from a peer that sends
//! nothing, sending to one that never reads), `--max-memory` (a memory hog),
//! `--max-fds` (a descriptor hog). The real binary, as a process.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::cli::{capwasi, finish, output, serve_and_connect, stderr, stdout, wat};

/// `_start` spins forever; `spin N` counts N down in a loop; `quick` returns.
const SPINNER: &str = r#"(module
  (memory (export "memory") 1)
  (func (export "_start") (loop $l (br $l)))
  (func (export "quick"))
  (func (export "spin") (param $n i32)
    (loop $l
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))))"#;

/// `_start` sleeps (poll_oneoff on the monotonic clock) for ever; `sleep_ms N`
/// for N ms. Both exit with poll_oneoff's errno.
const SLEEPER: &str = r#"(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func $sleep (param $ns i64)
    (i32.store8 (i32.const 8) (i32.const 0))
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (local.get $ns))
    (call $exit (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128))))
  (func (export "_start") (call $sleep (i64.const 0x7fffffffffffffff)))
  (func (export "sleep_ms") (param $ms i64) (call $sleep (i64.mul (local.get $ms) (i64.const 1000000)))))"#;

/// Reads once from descriptor 0 (or, with `--invoke from N`, from N) and exits
/// with the byte count, or 100 + the errno.
const READER: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_accept" (func $accept (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func $read_from (param $fd i32) (local $errno i32)
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 100))
    (local.set $errno (call $read (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
    (if (local.get $errno) (then (call $exit (i32.add (i32.const 100) (local.get $errno)))))
    (call $exit (i32.load (i32.const 8))))
  (func (export "_start") (call $read_from (i32.const 0)))
  ;; Accepts a connection on the listener at fd 3 (exits 100 + errno if that fails)
  ;; and, with $then_read, reads from it.
  (func (export "accept") (param $then_read i32) (local $errno i32)
    (local.set $errno (call $accept (i32.const 3) (i32.const 0) (i32.const 16)))
    (if (local.get $errno) (then (call $exit (i32.add (i32.const 100) (local.get $errno)))))
    (if (local.get $then_read) (then (call $read_from (i32.load (i32.const 16)))))
    (call $exit (i32.const 0))))"#;

/// Writes blocks of 40000 bytes to descriptor 1 (or, with `--invoke accept`,
/// to a connection accepted on fd 3) for ever; exits 100 + the errno of a
/// write that fails. (Not 64 KiB: the second block finds the pipe writable
/// but without room for all of it, where a whole write would wait.)
const WRITER: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_accept" (func $accept (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func $write_to (param $fd i32) (local $errno i32)
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 40000))
    (loop $l
      (local.set $errno (call $write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
      (if (local.get $errno) (then (call $exit (i32.add (i32.const 100) (local.get $errno)))))
      (br $l)))
  (func (export "_start") (call $write_to (i32.const 1)))
  (func (export "accept")
    (drop (call $accept (i32.const 3) (i32.const 0) (i32.const 16)))
    (call $write_to (i32.load (i32.const 16)))))"#;

/// `grow N` grows memory one page at a time N times; exits 1 as soon as a
/// growth is refused.
const MEMORY_HOG: &str = r#"(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "grow") (param $pages i32)
    (loop $l
      (if (i32.eqz (local.get $pages)) (then (return)))
      (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1)) (then (call $exit (i32.const 1))))
      (local.set $pages (i32.sub (local.get $pages) (i32.const 1)))
      (br $l))))"#;

/// `open N` opens the preopen at fd 3 again N times (keeping each open);
/// exits 1 as soon as an open fails.
const FD_HOG: &str = r#"(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) ".")
  (func (export "open") (param $n i32)
    (loop $l
      (if (i32.eqz (local.get $n)) (then (return)))
      (if (call $open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 2)
                      (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 200))
        (then (call $exit (i32.const 1))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l))))"#;

const TIMED_OUT: &str = "capwasi: timed out after 300ms (--timeout 300ms)\n";

#[test]
fn fuel_runs_a_guest_that_needs_exactly_the_budget_and_stops_one_that_needs_more() {
    let dir = tempfile::tempdir().unwrap();
    let module = wat(&dir, "spinner", SPINNER);
    // What `spin 1000` needs, as --stats reports it.
    let stats = dir.path().join("stats.json");
    let json_flag = format!("--stats=json:{}", stats.display());
    let out = output(&mut capwasi(&["run", "--fuel", "1000000", &json_flag, "--invoke", "spin", &module, "1000"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&stats).unwrap()).unwrap();
    let needed = report["fuel"]["consumed"].as_u64().unwrap();
    assert!((5000..10_000).contains(&needed), "about 6 units an iteration: {needed}");

    let budget = needed.to_string();
    let out = output(&mut capwasi(&["run", "--fuel", &budget, "--invoke", "spin", &module, "1000"]));
    assert_eq!(out.status.code(), Some(0), "exactly the budget: {}", stderr(&out));
    let out = output(&mut capwasi(&["run", "--fuel", &budget, "--invoke", "spin", &module, "1001"]));
    assert_eq!(out.status.code(), Some(152), "one iteration more");
    assert_eq!(stderr(&out), format!("capwasi: fuel exhausted after {needed} instructions (--fuel {needed})\n"));
}

#[test]
fn fuel_stops_a_guest_spinning_for_ever_with_status_152() {
    let dir = tempfile::tempdir().unwrap();
    let out = output(&mut capwasi(&["run", "--fuel", "100_000", &wat(&dir, "spinner", SPINNER)]));
    assert_eq!(out.status.code(), Some(152));
    assert_eq!(stderr(&out), "capwasi: fuel exhausted after 100000 instructions (--fuel 100000)\n");
}

#[test]
fn timeout_stops_a_guest_spinning_for_ever_with_status_124() {
    let dir = tempfile::tempdir().unwrap();
    let out = output(&mut capwasi(&["run", "--timeout", "300ms", &wat(&dir, "spinner", SPINNER)]));
    assert_eq!(out.status.code(), Some(124));
    assert_eq!(stderr(&out), TIMED_OUT);
}

#[test]
fn timeout_stops_a_guest_sleeping_for_ever_in_poll_oneoff() {
    let dir = tempfile::tempdir().unwrap();
    let out = output(&mut capwasi(&["run", "--timeout", "300ms", &wat(&dir, "sleeper", SLEEPER)]));
    assert_eq!(out.status.code(), Some(124));
    assert_eq!(stderr(&out), TIMED_OUT);
}

#[test]
fn a_guest_sleeping_less_than_the_timeout_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let module = wat(&dir, "sleeper", SLEEPER);
    let started = std::time::Instant::now();
    let out = output(&mut capwasi(&["run", "--timeout", "20s", "--invoke", "sleep_ms", &module, "200"]));
    assert_eq!(out.status.code(), Some(0), "poll_oneoff succeeded: {}", stderr(&out));
    assert!(started.elapsed().as_millis() >= 200, "the guest slept its 200 ms");
}

#[test]
fn timeout_stops_a_guest_reading_a_stdin_pipe_that_never_gets_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut child =
        capwasi(&["run", "--timeout", "300ms", &wat(&dir, "reader", READER)]).stdin(Stdio::piped()).spawn().unwrap();
    let writer = child.stdin.take();
    let out = finish(child);
    drop(writer);
    assert_eq!(out.status.code(), Some(124));
    assert_eq!(stderr(&out), TIMED_OUT);
}

#[test]
fn a_guest_reading_stdin_within_the_timeout_gets_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut child =
        capwasi(&["run", "--timeout", "20s", &wat(&dir, "reader", READER)]).stdin(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"abc").unwrap();
    let out = finish(child);
    assert_eq!(out.status.code(), Some(3), "read 3 bytes: {}", stderr(&out));
}

#[test]
fn timeout_stops_a_guest_accepting_on_a_socket_nobody_connects_to() {
    let dir = tempfile::tempdir().unwrap();
    let module = wat(&dir, "reader", READER);
    let args = ["run", "--timeout", "300ms", "--tcplisten", "127.0.0.1:0", "--invoke", "accept", &module, "0"];
    let out = output(&mut capwasi(&args));
    assert_eq!(out.status.code(), Some(124));
    assert_eq!(stderr(&out), TIMED_OUT);
}

#[test]
fn timeout_stops_a_guest_receiving_from_a_peer_that_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let module = wat(&dir, "reader", READER);
    let (child, connection) = serve_and_connect(&["--timeout", "1s", "--invoke", "accept", &module, "1"]);
    let out = finish(child);
    drop(connection);
    assert_eq!(out.status.code(), Some(124), "{}", stderr(&out));
    assert_eq!(stderr(&out), "capwasi: timed out after 1s (--timeout 1s)\n");
}

#[test]
fn timeout_stops_a_guest_writing_to_a_stdout_pipe_nobody_reads() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = capwasi(&["run", "--timeout", "300ms", &wat(&dir, "writer", WRITER)]).spawn().unwrap();
    // Held, never read: the pipe fills and stays full.
    let unread = child.stdout.take();
    let out = finish(child);
    drop(unread);
    assert_eq!(out.status.code(), Some(124));
    assert_eq!(stderr(&out), TIMED_OUT);
}

#[test]
fn timeout_stops_a_guest_sending_to_a_peer_that_never_reads() {
    let dir = tempfile::tempdir().unwrap();
    let module = wat(&dir, "writer", WRITER);
    let (child, connection) = serve_and_connect(&["--timeout", "1s", "--invoke", "accept", &module]);
    let out = finish(child);
    drop(connection);
    assert_eq!(out.status.code(), Some(124), "{}", stderr(&out));
    assert_eq!(stderr(&out), "capwasi: timed out after 1s (--timeout 1s)\n");
}

#[test]
fn a_guest_accepting_and_receiving_within_the_timeout_gets_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let module = wat(&dir, "reader", READER);
    let (child, mut connection) = serve_and_connect(&["--timeout", "20s", "--invoke", "accept", &module, "1"]);
    connection.write_all(b"hello").unwrap();
    let out = finish(child);
    assert_eq!(out.status.code(), Some(5), "received 5 bytes: {}", stderr(&out));
}

#[test]
fn a_timeout_is_compiled_in_even_when_the_cache_holds_the_module_compiled_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let module = wat(&dir, "spinner", SPINNER);
    let cached = |args: &[&str]| output(capwasi(args).env("XDG_CACHE_HOME", cache.path()));
    let entries = || std::fs::read_dir(cache.path().join("capwasi/modules")).unwrap().count();

    // Cranelift's code goes to the cache during the run (not from a filler afterwards).
    assert_eq!(cached(&["run", "--cold-compiler=cranelift", "--invoke", "quick", &module]).status.code(), Some(0));
    assert_eq!(entries(), 1);
    let out = cached(&["run", "--timeout", "300ms", &module]);
    assert_eq!(out.status.code(), Some(124), "the spin is interrupted: {}", stderr(&out));
    assert_eq!(entries(), 2, "code with epoch checks is cached apart");
    let out = cached(&["run", "--fuel", "1000", &module]);
    assert_eq!(out.status.code(), Some(152), "{}", stderr(&out));
    assert_eq!(entries(), 3, "code counting fuel is cached apart");
    let out = cached(&["run", "--timeout", "300ms", &module]);
    assert_eq!((out.status.code(), entries()), (Some(124), 3), "and reused");
}

#[test]
fn max_memory_lets_a_guest_grow_to_the_cap_and_a_guest_that_exits_after_a_refusal_keeps_its_status() {
    let dir = tempfile::tempdir().unwrap();
    let module = wat(&dir, "hog", MEMORY_HOG);
    // 1 page to start with, 3 more: exactly 256 KiB.
    let out = output(&mut capwasi(&["run", "--max-memory", "256K", "--invoke", "grow", &module, "3"]));
    assert_eq!((out.status.code(), stderr(&out)), (Some(0), String::new()));
    let out = output(&mut capwasi(&["run", "--max-memory", "256K", "--invoke", "grow", &module, "4"]));
    assert_eq!(out.status.code(), Some(1), "the guest's own status after memory.grow failed, as wasmtime run");
    assert_eq!(
        stderr(&out),
        "capwasi: the guest was refused memory: its linear memories and tables would have held 320K \
         (--max-memory 256K); the guest then exited with status 1\n"
    );
}

/// Asks for 4 pages more, and if refused: `_start` exits 3; `abort` traps, as
/// a Rust program's allocator does when memory.grow fails.
const REFUSED: &str = r#"(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func $refused (result i32) (i32.eq (memory.grow (i32.const 4)) (i32.const -1)))
  (func (export "_start") (if (call $refused) (then (call $exit (i32.const 3)))))
  (func (export "abort") (if (call $refused) (then unreachable))))"#;

#[test]
fn a_guest_that_handles_a_refused_memory_grow_exits_with_its_own_status() {
    let dir = tempfile::tempdir().unwrap();
    let module = wat(&dir, "refused", REFUSED);
    for cap in [&["--max-memory", "128K"][..], &["-W", "max-memory-size=131072"]] {
        let mut args = vec!["run"];
        args.extend_from_slice(cap);
        args.push(&module);
        let out = output(&mut capwasi(&args));
        assert_eq!(out.status.code(), Some(3), "{cap:?}: {}", stderr(&out));
    }
}

#[test]
fn a_guest_that_traps_after_a_refused_memory_grow_exits_137_and_names_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let module = wat(&dir, "refused", REFUSED);
    let out = output(&mut capwasi(&["run", "--max-memory", "128K", "--invoke", "abort", &module]));
    assert_eq!(out.status.code(), Some(137), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("capwasi: the guest trapped: wasm trap: wasm `unreachable` instruction executed\n"),
        "{err}"
    );
    assert!(
        err.ends_with(
            "capwasi: the guest was refused memory: its linear memories and tables would have held 320K \
             (--max-memory 128K); the guest then trapped\n"
        ),
        "{err}"
    );
}

#[test]
fn max_fds_lets_a_guest_open_up_to_the_cap_and_a_guest_that_exits_after_emfile_keeps_its_status() {
    let dir = tempfile::tempdir().unwrap();
    let module = wat(&dir, "hog", FD_HOG);
    let spec = format!("{}::/d", dir.path().display());
    // 10 = stdin, stdout, stderr, the preopen and 6 more.
    let run =
        |n: &str| output(&mut capwasi(&["run", "--max-fds", "10", "--dir", &spec, "--invoke", "open", &module, n]));
    let out = run("6");
    assert_eq!((out.status.code(), stderr(&out)), (Some(0), String::new()));
    let out = run("7");
    assert_eq!(out.status.code(), Some(1), "the guest's own status after EMFILE");
    assert_eq!(
        stderr(&out),
        "capwasi: the guest was refused descriptors: 1 open(s) failed with EMFILE (--max-fds 10); \
         the guest then exited with status 1\n"
    );
}

#[test]
fn a_guest_that_handles_a_refusal_and_succeeds_gets_no_line() {
    let dir = tempfile::tempdir().unwrap();
    // Asks for 4 pages more under a 2-page cap, is refused, and exits 0 all the same.
    let module = wat(
        &dir,
        "polite",
        r#"(module (memory (export "memory") 1)
             (func (export "_start") (drop (memory.grow (i32.const 4)))))"#,
    );
    let out = output(&mut capwasi(&["run", "--max-memory", "128K", &module]));
    assert_eq!((out.status.code(), stderr(&out)), (Some(0), String::new()));
}

#[test]
fn wasmtimes_fuel_and_timeout_options_set_the_limits() {
    let dir = tempfile::tempdir().unwrap();
    let module = wat(&dir, "spinner", SPINNER);
    let out = output(&mut capwasi(&["run", "-W", "fuel=100000", &module]));
    assert_eq!(out.status.code(), Some(152));
    assert_eq!(stderr(&out), "capwasi: fuel exhausted after 100000 instructions (--fuel 100000)\n");
    let out = output(&mut capwasi(&["run", "-W", "timeout=1", &module]));
    assert_eq!(out.status.code(), Some(124));
    assert_eq!(stderr(&out), "capwasi: timed out after 1s (--timeout 1s)\n", "a bare number is seconds");
}

#[test]
fn bad_limit_values_are_usage_errors() {
    for (flag, value, why) in [
        ("--fuel", "0", "allows no instruction at all"),
        ("--fuel", "lots", "is not a count of fuel units"),
        ("--timeout", "2", "'2' is not a duration"),
        ("--timeout", "0s", "no time at all"),
        ("--max-memory", "16MB", "is not a size"),
    ] {
        let out = output(&mut capwasi(&["run", flag, value, "m.wasm"]));
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        assert!(stderr(&out).contains(why), "{flag} {value}: {}", stderr(&out));
    }
}

#[test]
fn help_documents_the_limit_exit_statuses() {
    let out = output(&mut capwasi(&["run", "--help"]));
    let text = stdout(&out);
    assert!(text.contains("124   the guest ran past --timeout"), "{text}");
    assert!(text.contains("152   the guest used up its --fuel"), "{text}");
}
