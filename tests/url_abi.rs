//! Dagger and CommonWA guests (c-tests/dagger_*.wat, c-tests/cwa_*.wat) through
//! the real CLI: every call of both ABIs, files beneath the preopens, log lines,
//! handles, errors, an HTTP exchange with a server on 127.0.0.1 allowed by the
//! policy (TOML and Olin's format) and refused without it, Olin's limits, and
//! the refusal of a module mixing ABIs.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Output;
use std::time::{Duration, Instant};

use common::cli;

fn guest(name: &str) -> String {
    common::guest(&format!("c-tests/{name}")).display().to_string()
}

fn run(args: &[&str]) -> Output {
    cli::output(&mut cli::capwasi(args))
}

fn fixture() -> String {
    common::repo("c-tests/unstable.dir").display().to_string()
}

#[test]
fn dagger_writes_hello_to_stdout() {
    let out = run(&["run", &guest("dagger_hello")]);
    assert_eq!((out.status.code(), cli::stdout(&out).as_str()), (Some(0), "hello, world\n"), "{}", cli::stderr(&out));
}

#[test]
fn dagger_reads_a_file_beneath_a_read_only_preopen_and_refuses_an_escape() {
    let dir = format!("{}::/data::ro", fixture());
    let out = run(&["run", "--dir", &dir, &guest("dagger_file")]);
    assert_eq!((out.status.code(), cli::stdout(&out).as_str()), (Some(0), "0123456789\n"), "{}", cli::stderr(&out));
}

#[test]
fn dagger_log_writes_are_lines_on_stderr_naming_the_module_and_prefix() {
    let out = run(&["run", &guest("dagger_log")]);
    assert_eq!(out.status.code(), Some(0), "{}", cli::stderr(&out));
    assert_eq!(cli::stderr(&out), "dagger_log.wasm: greeter: hello\ndagger_log.wasm: greeter: second line\n");
}

#[test]
fn dagger_bad_urls_and_bad_descriptors_are_errors() {
    let out = run(&["run", &guest("dagger_errors")]);
    assert_eq!((out.status.code(), cli::stdout(&out).as_str()), (Some(0), "ok\n"), "{}", cli::stderr(&out));
}

#[test]
fn commonwa_every_call_with_short_buffers_handles_and_exit_status() {
    let dir = format!("{}::/data", fixture());
    let started = Instant::now();
    let out = run(&["run", "--env", "GREETING=hello", "--dir", &dir, &guest("cwa_calls"), "a", "bcdef"]);
    let elapsed = started.elapsed();
    assert_eq!(out.status.code(), Some(7), "runtime_exit(7): {}", cli::stderr(&out));
    assert_eq!(cli::stdout(&out), "0123456789\nok\n");
    assert_eq!(cli::stderr(&out), "cwa_calls.wasm: info: started\n");
    assert!(elapsed >= Duration::from_millis(100), "runtime_msleep(100) slept: {elapsed:?}");
}

#[test]
fn commonwa_answers_to_env_too() {
    let out = run(&["run", &guest("cwa_env")]);
    assert_eq!((out.status.code(), cli::stdout(&out).as_str()), (Some(0), "hello through env\n"));
}

/// resource_close has no result to report a bad handle in: it does nothing.
#[test]
fn commonwa_resource_close_of_a_bad_handle_does_nothing() {
    let (_dir, wat) = cli::wat_module(
        r#"(module (import "cwa" "resource_close" (func $close (param i32)))
             (import "cwa" "io_get_stdout" (func $stdout (result i32)))
             (import "cwa" "resource_write" (func $write (param i32 i32 i32) (result i32)))
             (memory (export "memory") 1)
             (data (i32.const 0) "still here\n")
             (func (export "_start")
               (call $close (i32.const 12345))
               (drop (call $write (call $stdout) (i32.const 0) (i32.const 11)))))"#,
    );
    let out = run(&["run", &wat]);
    assert_eq!((out.status.code(), cli::stdout(&out).as_str()), (Some(0), "still here\n"), "{}", cli::stderr(&out));
}

/// A server on 127.0.0.1 that answers one request: its URL and a handle
/// giving the request it received.
fn http_server() -> (String, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}/hello", listener.local_addr().unwrap().port());
    let server = std::thread::spawn(move || {
        listener.set_nonblocking(false).unwrap();
        let (mut conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(cli::HANG)).unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 1024];
        while !request.ends_with(b"\r\n\r\n") {
            let n = conn.read(&mut buf).unwrap();
            assert!(n > 0, "the request ended early: {:?}", String::from_utf8_lossy(&request));
            request.extend_from_slice(&buf[..n]);
        }
        conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello").unwrap();
        String::from_utf8(request).unwrap()
    });
    (url, server)
}

const REQUEST: &str = r"GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
const REQUEST_LEN: usize = 59;
const RESPONSE: &str = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";

/// A Dagger guest that sends REQUEST to `url` and copies the response to stdout.
fn dagger_http_guest(url: &str) -> (tempfile::TempDir, String) {
    cli::wat_module(&format!(
        r#"(module
             (import "dagger" "open" (func $open (param i32 i32) (result i32)))
             (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
             (import "dagger" "read" (func $read (param i32 i32 i32) (result i32)))
             (import "dagger" "flush" (func $flush (param i32) (result i32)))
             (import "dagger" "close" (func $close (param i32) (result i32)))
             (memory (export "memory") 1)
             (data (i32.const 0) "{url}")
             (data (i32.const 256) "{REQUEST}")
             (data (i32.const 512) "stdout://")
             (func (export "_start")
               (local $fd i32) (local $n i32) (local $total i32)
               (local.set $fd (call $open (i32.const 0) (i32.const {url_len})))
               (if (i32.lt_s (local.get $fd) (i32.const 0)) (then unreachable))
               (if (i32.ne (call $write (local.get $fd) (i32.const 256) (i32.const {REQUEST_LEN})) (i32.const {REQUEST_LEN}))
                 (then unreachable))
               (if (call $flush (local.get $fd)) (then unreachable))
               (block $eof
                 (loop $more
                   (local.set $n (call $read (local.get $fd) (i32.add (i32.const 1024) (local.get $total)) (i32.const 4096)))
                   (if (i32.lt_s (local.get $n) (i32.const 0)) (then unreachable))
                   (br_if $eof (i32.eqz (local.get $n)))
                   (local.set $total (i32.add (local.get $total) (local.get $n)))
                   (br $more)))
               (drop (call $close (local.get $fd)))
               (drop (call $write (call $open (i32.const 512) (i32.const 9)) (i32.const 1024) (local.get $total)))))"#,
        url_len = url.len()
    ))
}

/// The same exchange through CommonWA (resource_read ends with -5).
fn cwa_http_guest(url: &str) -> (tempfile::TempDir, String) {
    cli::wat_module(&format!(
        r#"(module
             (import "cwa" "resource_open" (func $open (param i32 i32) (result i32)))
             (import "cwa" "resource_write" (func $write (param i32 i32 i32) (result i32)))
             (import "cwa" "resource_read" (func $read (param i32 i32 i32) (result i32)))
             (import "cwa" "resource_flush" (func $flush (param i32) (result i32)))
             (import "cwa" "io_get_stdout" (func $stdout (result i32)))
             (memory (export "memory") 1)
             (data (i32.const 0) "{url}")
             (data (i32.const 256) "{REQUEST}")
             (func (export "_start")
               (local $h i32) (local $n i32) (local $total i32)
               (local.set $h (call $open (i32.const 0) (i32.const {url_len})))
               (if (i32.le_s (local.get $h) (i32.const 0)) (then unreachable))
               (if (i32.ne (call $write (local.get $h) (i32.const 256) (i32.const {REQUEST_LEN})) (i32.const {REQUEST_LEN}))
                 (then unreachable))
               (if (call $flush (local.get $h)) (then unreachable))
               (block $eof
                 (loop $more
                   (local.set $n (call $read (local.get $h) (i32.add (i32.const 1024) (local.get $total)) (i32.const 4096)))
                   (br_if $eof (i32.eq (local.get $n) (i32.const -5)))
                   (if (i32.lt_s (local.get $n) (i32.const 0)) (then unreachable))
                   (local.set $total (i32.add (local.get $total) (local.get $n)))
                   (br $more)))
               (drop (call $write (call $stdout) (i32.const 1024) (local.get $total)))))"#,
        url_len = url.len()
    ))
}

/// A `--policy` file `text` in `dir`: its path.
fn policy_file(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn http_exchanges_with_a_local_server_the_policy_allows() {
    for make_guest in [dagger_http_guest, cwa_http_guest] {
        let (url, server) = http_server();
        let (dir, wat) = make_guest(&url);
        let pattern = format!("^{}$", regex::escape(&url));
        let policy = policy_file(&dir, "p.toml", &format!("[urls]\nallow = [{pattern:?}, \"^stdout://$\"]\n"));
        let out = run(&["run", "--policy", &policy, &wat]);
        assert_eq!((out.status.code(), cli::stdout(&out).as_str()), (Some(0), RESPONSE), "{}", cli::stderr(&out));
        assert_eq!(server.join().unwrap(), REQUEST.replace(r"\r\n", "\r\n"));
    }
}

#[test]
fn the_same_url_without_a_policy_ends_the_guest_as_forbidden() {
    for make_guest in [dagger_http_guest, cwa_http_guest] {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://127.0.0.1:{}/hello", listener.local_addr().unwrap().port());
        let (_dir, wat) = make_guest(&url);
        let out = run(&["run", &wat]);
        assert_eq!(out.status.code(), Some(77), "{}", cli::stderr(&out));
        assert_eq!(cli::stderr(&out), format!("capwasi: the guest opened {url}, forbidden by policy\n"));
        assert!(listener.accept().is_err(), "nothing connected");
    }
}

#[test]
fn an_olin_policy_file_allows_its_urls_and_sets_memory_and_fuel() {
    let (url, server) = http_server();
    let (dir, wat) = dagger_http_guest(&url);
    let port = url.split(':').nth(2).unwrap().split('/').next().unwrap();
    let olin = format!(
        "## Olin's format\nallow (\n  ^http://127\\.0\\.0\\.1:{port}/\n  ^stdout://\n)\n\ndisallow (\n  .*\n)\n\
         ram-page-limit 2\ngas-limit 100000000\n"
    );
    let policy = policy_file(&dir, "olin.policy", &olin);
    let out = run(&["run", "--policy", &policy, &wat]);
    assert_eq!((out.status.code(), cli::stdout(&out).as_str()), (Some(0), RESPONSE), "{}", cli::stderr(&out));
    server.join().unwrap();

    // log:// matches only the disallow pattern.
    let out = run(&["run", "--policy", &policy, &guest("dagger_log")]);
    assert_eq!(out.status.code(), Some(77), "{}", cli::stderr(&out));
    assert_eq!(cli::stderr(&out), "capwasi: the guest opened log://?prefix=greeter, forbidden by policy\n");

    // ram-page-limit 2: a third page is refused.
    let (_grow_dir, grow) = cli::wat_module(
        r#"(module (memory (export "memory") 1)
             (func (export "_start") (if (i32.ne (memory.grow (i32.const 2)) (i32.const -1)) (then unreachable))
                                     (drop (memory.grow (i32.const 1)))))"#,
    );
    let out = run(&["run", "--policy", &policy, &grow]);
    assert_eq!(out.status.code(), Some(0), "{}", cli::stderr(&out));
    let (_loop_dir, spin) = cli::wat_module(r#"(module (func (export "_start") (loop $l (br $l))))"#);
    let out = run(&["run", "--policy", &policy, &spin]);
    assert_eq!(out.status.code(), Some(152), "gas-limit is the fuel: {}", cli::stderr(&out));
    assert!(cli::stderr(&out).contains("fuel exhausted after 100000000"), "{}", cli::stderr(&out));
}

#[test]
fn a_bad_olin_policy_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let policy = policy_file(&dir, "bad.policy", "allow (\n  (unclosed\n)\n");
    let out = run(&["run", "--policy", &policy, &guest("dagger_hello")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(cli::stderr(&out).contains("(an Olin policy): allow pattern \"(unclosed\""), "{}", cli::stderr(&out));
}

#[test]
fn a_module_mixing_abis_is_refused_naming_them() {
    let (_dir, wat) = cli::wat_module(
        r#"(module (import "dagger" "open" (func (param i32 i32) (result i32)))
                   (import "env" "io_get_stdout" (func (result i32)))
                   (import "wasi_snapshot_preview1" "sched_yield" (func (result i32)))
                   (memory (export "memory") 1) (func (export "_start")))"#,
    );
    let out = run(&["run", &wat]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        cli::stderr(&out).contains("imports the system calls of more than one ABI (WASI and Dagger and CommonWA)"),
        "{}",
        cli::stderr(&out)
    );
}

/// Under the library, log lines go to the context's own stderr.
#[test]
fn the_library_links_both_abis_on_the_same_context() {
    use capwasi::{MemoryOutputPipe, WasiCtx};
    let engine = common::engine();
    let module = wasmtime::Module::from_file(engine, guest("dagger_log")).unwrap();
    assert_eq!(capwasi::url_abi::abi_of(&module), [capwasi::url_abi::Abi::Dagger]);
    let mut linker: wasmtime::Linker<WasiCtx> = wasmtime::Linker::new(engine);
    capwasi::url_abi::add_to_linker(&mut linker, |ctx| ctx).unwrap();
    let stderr = MemoryOutputPipe::new();
    let wasi = WasiCtx::builder().arg("logger").stderr(stderr.clone()).build().unwrap();
    let mut store = wasmtime::Store::new(engine, wasi);
    let instance = linker.instantiate(&mut store, &module).unwrap();
    instance.get_typed_func::<(), ()>(&mut store, "_start").unwrap().call(&mut store, ()).unwrap();
    assert_eq!(String::from_utf8(stderr.contents()).unwrap(), "logger: greeter: hello\nlogger: greeter: second line\n");
}
