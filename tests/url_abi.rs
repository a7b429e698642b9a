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
        let (mut conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(cli::HANG)).unwrap();
        answer(&mut conn).unwrap()
    });
    (url, server)
}

/// Reads one request from `conn` (to its blank line) and answers RESPONSE:
/// the request.
fn answer(conn: &mut impl ReadWrite) -> std::io::Result<String> {
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.ends_with(b"\r\n\r\n") {
        let n = conn.read(&mut buf)?;
        assert!(n > 0, "the request ended early: {:?}", String::from_utf8_lossy(&request));
        request.extend_from_slice(&buf[..n]);
    }
    conn.write_all(RESPONSE.as_bytes())?;
    conn.flush()?;
    Ok(String::from_utf8(request).unwrap())
}

trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

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
    for (make_guest, scheme) in [(dagger_http_guest as fn(&str) -> _, "http"), (cwa_http_guest, "https")] {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("{scheme}://127.0.0.1:{}/hello", listener.local_addr().unwrap().port());
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

    assert_memory_and_fuel(&policy, 2, 100000000);
}

/// A guest that never ends.
const SPIN: &str = r#"(module (func (export "_start") (loop $l (br $l))))"#;

/// `capwasi run --policy POLICY` allows `pages` pages of memory and no more,
/// and `gas` units of fuel.
fn assert_memory_and_fuel(policy: &str, pages: u32, gas: u64) {
    let (_grow_dir, grow) = cli::wat_module(&format!(
        r#"(module (memory (export "memory") 1)
             (func (export "_start") (if (i32.eq (memory.grow (i32.const {})) (i32.const -1)) (then unreachable))
                                     (if (i32.ne (memory.grow (i32.const 1)) (i32.const -1)) (then unreachable))))"#,
        pages - 1
    ));
    let out = run(&["run", "--policy", policy, &grow]);
    assert_eq!(out.status.code(), Some(0), "{pages} pages and no more: {}", cli::stderr(&out));
    let (_spin_dir, spin) = cli::wat_module(SPIN);
    let out = run(&["run", "--policy", policy, &spin]);
    assert_eq!(out.status.code(), Some(152), "gas-limit is the fuel: {}", cli::stderr(&out));
    assert!(cli::stderr(&out).contains(&format!("fuel exhausted after {gas} ")), "{}", cli::stderr(&out));
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

/// A certificate authority made for one test.
type Ca = rcgen::CertifiedIssuer<'static, rcgen::KeyPair>;

fn new_ca(name: &str) -> Ca {
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.distinguished_name.push(rcgen::DnType::CommonName, name);
    params.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign, rcgen::KeyUsagePurpose::DigitalSignature];
    rcgen::CertifiedIssuer::self_signed(params, rcgen::KeyPair::generate().unwrap()).unwrap()
}

/// `ca`'s certificate as a PEM file in `dir`, for SSL_CERT_FILE: its path.
fn trust_file(dir: &tempfile::TempDir, ca: &Ca) -> String {
    let path = dir.path().join("ca.pem");
    std::fs::write(&path, ca.pem()).unwrap();
    path.display().to_string()
}

/// An HTTPS server on 127.0.0.1 with a certificate for `names` signed by
/// `ca`, answering one request (and then ending TLS with close_notify when
/// `close_notify`, else just closing): its URL and a handle giving the
/// request, or the error its handshake or read ended with.
fn https_server(
    ca: &Ca,
    names: &[&str],
    close_notify: bool,
) -> (String, std::thread::JoinHandle<Result<String, String>>) {
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    let key = rcgen::KeyPair::generate().unwrap();
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let cert = rcgen::CertificateParams::new(names).unwrap().signed_by(&key, ca).unwrap();
    #[allow(deprecated)] // ring's provider, as capwasi's client uses it
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())))
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://127.0.0.1:{}/hello", listener.local_addr().unwrap().port());
    let server = std::thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(cli::HANG)).unwrap();
        let tls = rustls::ServerConnection::new(std::sync::Arc::new(config)).unwrap();
        let mut stream = rustls::StreamOwned::new(tls, conn);
        let request = answer(&mut stream).map_err(|e| e.to_string())?;
        if close_notify {
            stream.conn.send_close_notify();
            stream.flush().map_err(|e| e.to_string())?;
        }
        Ok(request)
    });
    (url, server)
}

/// `capwasi run --policy P MODULE` with SSL_CERT_FILE=`trust`, where P allows
/// `url` and stdout://.
fn run_allowed(dir: &tempfile::TempDir, url: &str, trust: &str, module: &str) -> Output {
    let pattern = format!("^{}$", regex::escape(url));
    let policy = policy_file(dir, "p.toml", &format!("[urls]\nallow = [{pattern:?}, \"^stdout://$\"]\n"));
    cli::output(cli::capwasi(&["run", "--policy", &policy, module]).env("SSL_CERT_FILE", trust))
}

/// A server that closes without close_notify reads as end of file: the
/// CommonWA guest, which reads to -5, gets the whole response too.
#[test]
fn https_exchanges_with_a_local_server_the_policy_allows() {
    let ca = new_ca("capwasi test CA");
    for (make_guest, close_notify) in [(dagger_http_guest as fn(&str) -> _, true), (cwa_http_guest, false)] {
        let (url, server) = https_server(&ca, &["127.0.0.1"], close_notify);
        let (dir, wat) = make_guest(&url);
        let out = run_allowed(&dir, &url, &trust_file(&dir, &ca), &wat);
        assert_eq!((out.status.code(), cli::stdout(&out).as_str()), (Some(0), RESPONSE), "{}", cli::stderr(&out));
        assert_eq!(server.join().unwrap().unwrap(), REQUEST.replace(r"\r\n", "\r\n"));
    }
}

/// A Dagger guest that opens `url` and prints `open: -N` for its error -N.
fn dagger_open_error_guest(url: &str) -> (tempfile::TempDir, String) {
    cli::wat_module(&format!(
        r#"(module
             (import "dagger" "open" (func $open (param i32 i32) (result i32)))
             (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
             (memory (export "memory") 1)
             (data (i32.const 0) "{url}")
             (data (i32.const 512) "stdout://")
             (data (i32.const 600) "open: -?\n")
             (func (export "_start") (local $fd i32)
               (local.set $fd (call $open (i32.const 0) (i32.const {url_len})))
               (if (i32.ge_s (local.get $fd) (i32.const 0)) (then unreachable))
               (i32.store8 (i32.const 607) (i32.sub (i32.const 48) (local.get $fd)))
               (drop (call $write (call $open (i32.const 512) (i32.const 9)) (i32.const 600) (i32.const 9)))))"#,
        url_len = url.len()
    ))
}

/// A CommonWA guest that opens `url` and exits with N for its error -N (100
/// if it opened).
fn cwa_open_error_guest(url: &str) -> (tempfile::TempDir, String) {
    cli::wat_module(&format!(
        r#"(module
             (import "cwa" "resource_open" (func $open (param i32 i32) (result i32)))
             (import "cwa" "runtime_exit" (func $exit (param i32)))
             (memory (export "memory") 1)
             (data (i32.const 0) "{url}")
             (func (export "_start") (local $h i32)
               (local.set $h (call $open (i32.const 0) (i32.const {url_len})))
               (call $exit (select (i32.sub (i32.const 0) (local.get $h)) (i32.const 100)
                                   (i32.lt_s (local.get $h) (i32.const 0))))))"#,
        url_len = url.len()
    ))
}

/// A certificate from a CA the trust store does not hold, or for another
/// name, fails the open as a refused connection does (Dagger -2, CommonWA
/// -1 unknown), for http:// and https:// alike; the server gets no request.
#[test]
fn untrusted_or_misnamed_certificates_fail_as_a_refused_connection_does() {
    type Guest = fn(&str) -> (tempfile::TempDir, String);
    let guests: [(Guest, (Option<i32>, &str)); 2] =
        [(dagger_open_error_guest, (Some(0), "open: -2\n")), (cwa_open_error_guest, (Some(1), ""))];
    let trusted = new_ca("capwasi test CA");
    let stranger = new_ca("someone else's CA");
    for scheme in ["http", "https"] {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let url = format!("{scheme}://127.0.0.1:{port}/hello");
        for (make_guest, expected) in guests {
            let (dir, wat) = make_guest(&url);
            let out = run_allowed(&dir, &url, &trust_file(&dir, &trusted), &wat);
            assert_eq!((out.status.code(), cli::stdout(&out).as_str()), expected, "{url}: {}", cli::stderr(&out));
        }
    }
    for (ca, name, why) in [(&stranger, "127.0.0.1", "untrusted CA"), (&trusted, "localhost", "wrong name")] {
        for (make_guest, expected) in guests {
            let (url, server) = https_server(ca, &[name], true);
            let (dir, wat) = make_guest(&url);
            let out = run_allowed(&dir, &url, &trust_file(&dir, &trusted), &wat);
            assert_eq!((out.status.code(), cli::stdout(&out).as_str()), expected, "{why}: {}", cli::stderr(&out));
            assert!(server.join().unwrap().is_err(), "{why}: the server got no request");
        }
    }
}

/// A server that accepts the connection but never answers the handshake: the
/// run's timeout ends the open, as it ends any wait on a socket.
#[test]
fn an_https_handshake_that_never_finishes_ends_at_the_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://127.0.0.1:{}/hello", listener.local_addr().unwrap().port());
    assert_opening_times_out(&url);
    drop(listener);
}

/// A Dagger guest opening `url`, which a policy allows, with a 500 ms timeout
/// ends at the timeout (exit 124), well before the OS would give up.
fn assert_opening_times_out(url: &str) {
    let (dir, wat) = dagger_open_error_guest(url);
    let pattern = format!("^{}$", regex::escape(url));
    let policy =
        policy_file(&dir, "p.toml", &format!("[urls]\nallow = [{pattern:?}]\n[limits]\ntimeout = \"500ms\"\n"));
    let started = Instant::now();
    let out = run(&["run", "--policy", &policy, &wat]);
    assert_eq!(out.status.code(), Some(124), "{url}: {}", cli::stderr(&out));
    assert!(started.elapsed() < Duration::from_secs(10), "{url}: {:?}", started.elapsed());
}

/// `--trace` shows Dagger's and CommonWA's calls as it shows preview1's: the
/// function as `ABI::name`, its arguments (strings quoted), its result, a
/// trap's message; `--trace=dagger,cwa` selects them, `--trace=fs` leaves them out.
#[test]
fn trace_shows_dagger_and_commonwa_calls_with_arguments_and_results() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("trace.txt");
    let trace_file = file.display().to_string();
    let out = run(&["run", "--trace=dagger", "--trace-file", &trace_file, &guest("dagger_hello")]);
    assert_eq!((out.status.code(), cli::stdout(&out).as_str()), (Some(0), "hello, world\n"), "{}", cli::stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "==> dagger::open(url=\"stdout://\")\n<== dagger::open: 1\n\
         ==> dagger::write(fd=1, ptr=16, len=13)\n<== dagger::write: 13\n\
         ==> dagger::flush(fd=1)\n<== dagger::flush: 0\n\
         ==> dagger::close(fd=1)\n<== dagger::close: 0\n"
    );
    let out = run(&["run", "--trace=fs", &guest("dagger_hello")]);
    assert_eq!((out.status.code(), cli::stderr(&out).as_str()), (Some(0), ""));

    let (_dir, wat) = cli::wat_module(
        r#"(module (import "cwa" "log_write" (func $log (param i32 i32 i32)))
             (import "cwa" "env_get" (func $env (param i32 i32 i32 i32) (result i32)))
             (import "cwa" "runtime_exit" (func $exit (param i32)))
             (memory (export "memory") 1)
             (data (i32.const 0) "started\n") (data (i32.const 16) "GREETING")
             (func (export "_start")
               (call $log (i32.const 6) (i32.const 0) (i32.const 8))
               (drop (call $env (i32.const 16) (i32.const 8) (i32.const 100) (i32.const 2)))
               (drop (call $env (i32.const 16) (i32.const 3) (i32.const 100) (i32.const 2)))
               (call $exit (i32.const 7))))"#,
    );
    let out = run(&["run", "--env", "GREETING=hello", "--trace=cwa", "--trace-file", &trace_file, &wat]);
    assert_eq!(out.status.code(), Some(7), "{}", cli::stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "==> cwa::log_write(level=6, text=\"started\\n\")\n<== cwa::log_write: ()\n\
         ==> cwa::env_get(key=\"GREETING\", val=100, val_len=2)\n<== cwa::env_get: 5\n\
         ==> cwa::env_get(key=\"GRE\", val=100, val_len=2)\n<== cwa::env_get: -4\n\
         ==> cwa::runtime_exit(status=7)\n<== cwa::runtime_exit: exited with status 7\n"
    );
}

/// The `--stats=json:PATH` report of `capwasi run ARGS` (with SSL_CERT_FILE=`trust`).
fn stats_of(dir: &tempfile::TempDir, args: &[&str], trust: Option<&str>) -> serde_json::Value {
    let json = dir.path().join("stats.json");
    let flag = format!("--stats=json:{}", json.display());
    let mut full = vec!["run", &flag];
    full.extend_from_slice(args);
    let mut command = cli::capwasi(&full);
    if let Some(trust) = trust {
        command.env("SSL_CERT_FILE", trust);
    }
    let out = cli::output(&mut command);
    assert_eq!(out.status.code(), Some(0), "{}", cli::stderr(&out));
    serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap()
}

/// `--stats` counts Dagger's and CommonWA's calls and their errors under
/// `ABI::name`, and the bytes they move by kind of descriptor: an https://
/// connection's as a socket's (before TLS), stdout://'s as stdio.
#[test]
fn stats_count_dagger_and_commonwa_calls_and_the_bytes_they_move() {
    let dir = tempfile::tempdir().unwrap();
    let stats = stats_of(&dir, &[&guest("dagger_errors")], None);
    let calls = |stats: &serde_json::Value, name: &str| {
        let row = &stats["calls"][name];
        (row["count"].as_u64().unwrap_or(0), row["errors"].as_u64().unwrap_or(0))
    };
    // Six opens, four of them bad; a bad descriptor for each of the others,
    // and a read into a buffer out of memory.
    assert_eq!(calls(&stats, "dagger::open"), (6, 4));
    assert_eq!(calls(&stats, "dagger::close"), (1, 1));
    assert_eq!(calls(&stats, "dagger::read"), (2, 2));
    assert_eq!(calls(&stats, "dagger::write"), (2, 1));
    assert_eq!(calls(&stats, "dagger::flush"), (1, 1));

    // Dagger opens stdout:// too; CommonWA's end of file is -5, an error by its count.
    type Guest = fn(&str) -> (tempfile::TempDir, String);
    let rows: [(Guest, [&str; 3], u64, u64); 2] = [
        (dagger_http_guest, ["dagger::open", "dagger::write", "dagger::read"], 2, 0),
        (cwa_http_guest, ["cwa::resource_open", "cwa::resource_write", "cwa::resource_read"], 1, 1),
    ];
    let ca = new_ca("capwasi test CA");
    for (make_guest, [open, write, read], opens, read_errors) in rows {
        let (url, server) = https_server(&ca, &["127.0.0.1"], true);
        let (dir, wat) = make_guest(&url);
        let pattern = format!("^{}$", regex::escape(&url));
        let policy = policy_file(&dir, "p.toml", &format!("[urls]\nallow = [{pattern:?}, \"^stdout://$\"]\n"));
        let stats = stats_of(&dir, &["--policy", &policy, &wat], Some(&trust_file(&dir, &ca)));
        server.join().unwrap().unwrap();
        let bytes = |kind: &str| (stats["bytes"][kind]["read"].as_u64(), stats["bytes"][kind]["written"].as_u64());
        assert_eq!(bytes("socket"), (Some(RESPONSE.len() as u64), Some(REQUEST_LEN as u64)), "{stats}");
        assert_eq!(bytes("stdio"), (Some(0), Some(RESPONSE.len() as u64)), "{stats}");
        assert_eq!(calls(&stats, open), (opens, 0), "{stats}");
        assert_eq!(calls(&stats, write), (2, 0), "{stats}");
        let (reads, errors) = calls(&stats, read);
        assert!(reads >= 2 && errors == read_errors, "{stats}");
    }
}

/// An Olin policy file that omits its limits gets Olin's (ram-page-limit 128,
/// gas-limit 32 Mi), and one with no allow list forbids every URL, as Olin
/// does; flags still override the file.
#[test]
fn an_olin_policy_file_without_limits_or_allow_list_gets_olins_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let policy = policy_file(&dir, "olin.policy", "## no limits, no allow list\ndisallow (\n  ^file://\n)\n");
    assert_memory_and_fuel(&policy, 128, 33554432);
    let (_spin_dir, spin) = cli::wat_module(SPIN);
    let out = run(&["run", "--policy", &policy, "--fuel", "1000", &spin]);
    assert!(cli::stderr(&out).contains("fuel exhausted after 1000 "), "{}", cli::stderr(&out));
    let out = run(&["run", "--policy", &policy, &guest("dagger_log")]);
    assert_eq!(out.status.code(), Some(77), "log:// is not allowed: {}", cli::stderr(&out));
    let out = run(&["run", "--policy", &policy, "--print-policy", &spin]);
    assert_eq!(
        cli::stdout(&out),
        "# capwasi policy: capwasi run --policy FILE [FLAGS] MODULE\n[limits]\nfuel = 33554432\nmax_memory = \"8M\"\n\n\
         [urls]\ndisallow = [\"^file://\", \".*\"]\n"
    );
}

/// A server whose queue of connections is full (backlog 0, one connection
/// waiting) never completes a connect: the run's timeout ends the open, for
/// http:// and https:// alike.
#[test]
fn a_connect_that_never_completes_ends_at_the_timeout() {
    for scheme in ["http", "https"] {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        rustix::net::listen(&listener, 0).unwrap();
        let addr = listener.local_addr().unwrap();
        let _waiting = std::net::TcpStream::connect(addr).unwrap();
        assert_opening_times_out(&format!("{scheme}://{addr}/hello"));
    }
}
