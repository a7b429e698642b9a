//! `capwasi serve`: the real CLI as a process, spoken to over loopback with
//! plain HTTP/1.1, serving the CGI guests in serve-tests/ (C) and
//! rust-tests/src/bin/cgi_echo.rs (Rust).

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::cli::{HANG, capwasi};
use common::guest;

/// A running `capwasi serve`: its address and everything it logged so far.
/// Dropping it sends SIGTERM and waits.
struct Server {
    child: Option<Child>,
    addr: SocketAddr,
    log: Arc<Mutex<String>>,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut all = vec!["serve", "--listen", "127.0.0.1:0"];
        all.extend_from_slice(args);
        let mut child = capwasi(&all).spawn().expect("start capwasi serve");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let shared = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(addr) = line.strip_prefix("capwasi serve: listening on http://") {
                    let _ = tx.send(addr.parse::<SocketAddr>().unwrap());
                }
                shared.lock().unwrap().push_str(&format!("{line}\n"));
            }
        });
        let addr = match rx.recv_timeout(HANG) {
            Ok(addr) => addr,
            Err(_) => {
                let _ = child.kill();
                panic!("capwasi serve did not start: {}", log.lock().unwrap());
            }
        };
        Server { child: Some(child), addr, log }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).unwrap();
        stream.set_read_timeout(Some(HANG)).unwrap();
        stream
    }

    /// Sends `raw` on a new connection and reads one response.
    fn send(&self, raw: &str) -> Reply {
        let mut stream = self.connect();
        stream.write_all(raw.as_bytes()).unwrap();
        read_reply(&mut BufReader::new(stream))
    }

    fn get(&self, target: &str) -> Reply {
        self.send(&format!("GET {target} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"))
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits until the log has a line containing `text`.
    fn wait_for_log(&self, text: &str) -> String {
        let started = Instant::now();
        while started.elapsed() < HANG {
            let log = self.log();
            if log.contains(text) {
                return log;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("the log never said {text:?}: {}", self.log());
    }

    /// SIGTERM, then the exit status.
    fn stop(mut self) -> Option<i32> {
        let child = self.child.take().unwrap();
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        common::cli::finish(child).status.code()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// One HTTP response as read off the wire.
#[derive(Debug)]
struct Reply {
    status: u16,
    /// Header lines, names in lower case, in order, repeats kept.
    headers: Vec<(String, String)>,
    body: String,
    chunked: bool,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Reads one response (Content-Length or chunked) from `reader`.
fn read_reply(reader: &mut impl BufRead) -> Reply {
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let status = line.split_whitespace().nth(1).unwrap_or_else(|| panic!("no status line: {line:?}")).parse().unwrap();
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        let (name, value) = trimmed.split_once(':').unwrap();
        headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
    }
    let find = |n: &str| headers.iter().find(|(name, _)| name == n).map(|(_, v): &(String, String)| v.clone());
    let chunked = find("transfer-encoding").is_some_and(|v| v.contains("chunked"));
    let mut body = Vec::new();
    if chunked {
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            let size = usize::from_str_radix(line.trim(), 16).unwrap();
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).unwrap();
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(length) = find("content-length") {
        body.resize(length.parse().unwrap(), 0);
        reader.read_exact(&mut body).unwrap();
    } else {
        reader.read_to_end(&mut body).unwrap();
    }
    Reply { status, headers, body: String::from_utf8_lossy(&body).into_owned(), chunked }
}

fn wasm(name: &str) -> String {
    guest(name).display().to_string()
}

fn cases() -> Server {
    let route = format!("/cases={}", wasm("serve-tests/cgi_cases"));
    Server::start(&["--route", &route, "--timeout", "1s"])
}

#[test]
fn the_c_guest_sees_method_path_query_headers_and_body() {
    let server = Server::start(&["--route", &format!("/echo={}", wasm("serve-tests/cgi_echo"))]);
    let reply = server.send(
        "POST /echo/a%20b/c?x=1&y=%20 HTTP/1.1\r\nHost: example.com:81\r\nContent-Type: text/plain\r\n\
         Content-Length: 11\r\nX-Test: one\r\nX-Test: two\r\nConnection: close\r\n\r\nhello world",
    );
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.header("x-guest"), Some("c"));
    for line in [
        "GATEWAY_INTERFACE=CGI/1.1",
        "REQUEST_METHOD=POST",
        "SCRIPT_NAME=/echo",
        "PATH_INFO=/a b/c",
        "QUERY_STRING=x=1&y=%20",
        "CONTENT_TYPE=text/plain",
        "CONTENT_LENGTH=11",
        "SERVER_NAME=example.com",
        &format!("SERVER_PORT={}", server.addr.port()),
        "SERVER_PROTOCOL=HTTP/1.1",
        "REMOTE_ADDR=127.0.0.1",
        "HTTP_X_TEST=one, two",
        "HTTP_HOST=example.com:81",
        "body=hello world",
        "body_bytes=11",
    ] {
        assert!(reply.body.lines().any(|l| l == line), "{line:?} missing from:\n{}", reply.body);
    }
    assert!(reply.body.contains("SERVER_SOFTWARE=capwasi/"), "{}", reply.body);
    assert!(reply.body.lines().any(|l| l.starts_with("REMOTE_PORT=") && l.len() > 12), "{}", reply.body);
}

#[test]
fn the_rust_guest_echoes_the_request_too() {
    let server = Server::start(&[&wasm("rust-tests/cgi_echo")]);
    let reply = server.send(
        "PUT /any/where?q=2 HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nX-Api-Key: k\r\nConnection: close\r\n\r\nbody",
    );
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.header("x-guest"), Some("rust"));
    let expected = "REQUEST_METHOD=PUT\nSCRIPT_NAME=\nPATH_INFO=/any/where\nQUERY_STRING=q=2\nCONTENT_TYPE=\n\
                    CONTENT_LENGTH=4\nHTTP_CONNECTION=close\nHTTP_HOST=h\nHTTP_X_API_KEY=k\nbody=body\n";
    assert_eq!(reply.body, expected);
}

#[test]
fn status_redirects_and_repeated_headers() {
    let server = cases();
    let missing = server.get("/cases/missing");
    assert_eq!((missing.status, missing.body.as_str()), (404, "no such thing\n"));
    let redirect = server.get("/cases/redirect");
    assert_eq!((redirect.status, redirect.header("location")), (302, Some("http://example.com/elsewhere")));
    let cookies = server.get("/cases/cookies");
    let set: Vec<_> = cookies.headers.iter().filter(|(n, _)| n == "set-cookie").map(|(_, v)| v.as_str()).collect();
    assert_eq!(set, ["a=1", "b=2"]);
    // A local redirect answers with what the path it names answers.
    let local = server.get("/cases/local");
    assert_eq!((local.status, local.body.as_str()), (200, "query=from=local\n"));
    let none = server.get("/elsewhere");
    assert_eq!(none.status, 404, "no route serves it");
}

#[test]
fn failures_answer_500_504_and_502_and_the_server_keeps_serving() {
    let server = cases();
    // The header block came before the trap, but no body: the trap's status.
    let trap = server.get("/cases/trap");
    assert_eq!(trap.status, 500, "{trap:?}");
    let started = Instant::now();
    let looping = server.get("/cases/loop");
    assert_eq!(looping.status, 504, "{looping:?}");
    assert!(looping.body.contains("timed out after 1s"), "{}", looping.body);
    assert!(started.elapsed() < Duration::from_secs(10));
    let no_header = server.get("/cases/noheader");
    assert_eq!(no_header.status, 502, "{no_header:?}");
    assert!(no_header.body.contains("without a CGI header block"), "{}", no_header.body);
    let fine = server.get("/cases/fine");
    assert_eq!((fine.status, fine.body.as_str()), (200, "case /fine\n"));
    let log = server.wait_for_log("\"GET /cases/fine\" 200");
    assert!(log.contains("504 Gateway Timeout: the guest timed out after 1s"), "{log}");
}

#[test]
fn a_guest_that_traps_before_its_header_block_answers_500() {
    let dir = tempfile::tempdir().unwrap();
    let trap =
        common::cli::wat(&dir, "trap", r#"(module (memory (export "memory") 1) (func (export "_start") unreachable))"#);
    let server = Server::start(&[&trap]);
    let reply = server.get("/");
    assert_eq!(reply.status, 500);
    assert!(
        reply.body.contains("the guest trapped: wasm trap: wasm `unreachable` instruction executed"),
        "{}",
        reply.body
    );
    assert_eq!(server.get("/again").status, 500, "still serving");
}

#[test]
fn output_is_streamed_chunked_and_stderr_is_logged_with_the_request_id() {
    let server = cases();
    let big = server.get("/cases/big");
    assert_eq!((big.status, big.chunked, big.body.len()), (200, true, 1 << 20));
    let logged = server.get("/cases/stderr");
    assert_eq!(logged.body, "logged\n");
    let log = server.wait_for_log("stderr: a line for the server log");
    let line = log.lines().find(|l| l.contains("stderr: a line")).unwrap();
    let id = line.split(['[', ']']).nth(1).unwrap();
    server.wait_for_log(&format!("[{id}] 127.0.0.1:"));
}

#[test]
fn a_malformed_request_gets_400_without_a_guest() {
    let server = cases();
    let reply = server.send("THIS IS NOT HTTP\r\n\r\n");
    assert_eq!(reply.status, 400);
    assert!(!server.log().contains("\"THIS"), "no guest ran: {}", server.log());
}

#[test]
fn an_oversized_body_gets_413() {
    let server = Server::start(&["--max-body", "1K", &wasm("serve-tests/cgi_echo")]);
    let body = "x".repeat(2000);
    let reply =
        server.send(&format!("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2000\r\nConnection: close\r\n\r\n{body}"));
    assert_eq!(reply.status, 413);
    let chunked = format!(
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n7d0\r\n{body}\r\n0\r\n\r\n"
    );
    assert_eq!(server.send(&chunked).status, 413, "a chunked body is counted as it comes");
    let small = server.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc");
    assert!(small.body.contains("body=abc"), "{}", small.body);
}

#[test]
fn keep_alive_serves_many_requests_on_one_connection() {
    let server = Server::start(&[&wasm("serve-tests/cgi_hello")]);
    let stream = server.connect();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    for _ in 0..5 {
        writer.write_all(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n").unwrap();
        let reply = read_reply(&mut reader);
        assert_eq!((reply.status, reply.body.as_str()), (200, "Hello, world!\n"));
    }
}

#[test]
fn concurrent_clients_each_get_their_own_answer() {
    let server = Server::start(&["--max-instances", "2", &wasm("serve-tests/cgi_echo")]);
    let server = &server;
    std::thread::scope(|scope| {
        let clients: Vec<_> = (0..16)
            .map(|i| {
                scope.spawn(move || {
                    let reply = server.get(&format!("/client/{i}"));
                    assert_eq!(reply.status, 200);
                    assert!(reply.body.contains(&format!("PATH_INFO=/client/{i}\n")), "{}", reply.body);
                })
            })
            .collect();
        for client in clients {
            client.join().unwrap();
        }
    });
}

/// A request's secret, left in memory, heap, environment and the scratch
/// directory, is nowhere the next request's guest can look.
fn no_secret_survives(extra: &[&str]) {
    let mut args = vec!["--scratch", "/scratch", "--max-instances", "1"];
    args.extend_from_slice(extra);
    let module = wasm("serve-tests/cgi_secret");
    args.push(&module);
    let server = Server::start(&args);
    for round in 0..3 {
        let secret = format!("S3CR3T{round}x{}", std::process::id());
        let put = server.get(&format!("/?put={secret}"));
        assert_eq!(put.body, format!("put {secret} file=yes\n"));
        let reversed: String = secret.chars().rev().collect();
        let look = server.get(&format!("/?look={reversed}"));
        assert_eq!(look.body, "clean\n", "round {round}");
    }
}

#[test]
fn isolation_between_requests_with_the_pooling_allocator() {
    no_secret_survives(&[]);
}

#[test]
fn isolation_between_requests_without_the_pooling_allocator() {
    no_secret_survives(&["--no-pooling"]);
}

/// A route's preopened directory is opened once and each request's guest
/// gets a duplicate of it: every guest lists the whole directory, however
/// many listed it before or at the same time, and read-only stays read-only.
#[test]
fn each_request_lists_the_whole_preopened_directory() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a", "b", "c"] {
        std::fs::write(dir.path().join(name), name).unwrap();
    }
    let mapping = format!("{}::/data::ro", dir.path().display());
    let server = Server::start(&["--dir", &mapping, "--max-instances", "2", &wasm("serve-tests/cgi_listing")]);
    let server = &server;
    std::thread::scope(|scope| {
        let clients: Vec<_> =
            (0..4).map(|_| scope.spawn(move || (0..5).map(|_| server.get("/").body).collect::<Vec<_>>())).collect();
        for client in clients {
            for body in client.join().unwrap() {
                assert_eq!(body, "a b c\ncreate: errno 76\n");
            }
        }
    });
    assert!(!dir.path().join("new").exists());
}

#[test]
fn a_routes_file_gives_each_route_its_module_env_and_limits() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    let file = dir.path().join("routes.toml");
    std::fs::write(
        &file,
        format!(
            "[[route]]\nprefix = \"/echo/\"\nmodule = \"{}\"\nenv = {{ HTTP_X_FROM = \"file\" }}\n\
             [[route.dir]]\nhost = \"data\"\nguest = \"/data\"\nread_only = true\n\
             [[route]]\nprefix = \"/slow\"\nmodule = \"{}\"\n[route.limits]\ntimeout = \"300ms\"\n",
            wasm("serve-tests/cgi_echo"),
            wasm("serve-tests/cgi_cases")
        ),
    )
    .unwrap();
    let server = Server::start(&["--routes", file.to_str().unwrap()]);
    let echo = server.get("/echo/x");
    assert!(echo.body.contains("SCRIPT_NAME=/echo\nPATH_INFO=/x\n"), "{}", echo.body);
    assert!(echo.body.contains("\nHTTP_X_FROM=file\n"), "the route's env: {}", echo.body);
    let from = server.send("GET /echo/x HTTP/1.1\r\nHost: h\r\nX-From: client\r\nConnection: close\r\n\r\n");
    assert!(from.body.contains("\nHTTP_X_FROM=client\n"), "the request's variables win: {}", from.body);
    let slow = server.get("/slow/loop");
    assert_eq!(slow.status, 504);
    assert!(slow.body.contains("300ms"), "{}", slow.body);
    std::fs::write(&file, "[[route]]\nprefix = \"api\"\nmodule = \"x.wasm\"\n").unwrap();
    let out = common::cli::output(&mut capwasi(&["serve", "--routes", file.to_str().unwrap()]));
    assert_eq!(out.status.code(), Some(2));
    assert!(common::cli::stderr(&out).contains("routes.toml:2: route.prefix: route prefix 'api' must be a path"));
    std::fs::write(&file, "[[route]]\nprefix = \"/a\"\nmodule = \"x.wasm\"\nmystery = 1\n").unwrap();
    let out = common::cli::output(&mut capwasi(&["serve", "--routes", file.to_str().unwrap()]));
    assert!(common::cli::stderr(&out).contains("unknown field `mystery`"), "{}", common::cli::stderr(&out));
}

#[test]
fn stats_add_fuel_and_peak_memory_to_the_access_log_and_sigterm_stops_cleanly() {
    let server = Server::start(&["--stats", "--fuel", "100000000", &wasm("serve-tests/cgi_hello")]);
    assert_eq!(server.get("/").status, 200);
    let log = server.wait_for_log("\"GET /\" 200");
    let line = log.lines().find(|l| l.contains("\"GET /\" 200")).unwrap();
    assert!(line.contains(" fuel=") && line.contains(" peak_memory="), "{line}");
    assert_eq!(server.stop(), Some(0));
}

#[test]
fn sigterm_lets_the_request_in_flight_finish() {
    let server = cases();
    let mut stream = server.connect();
    stream.write_all(b"GET /cases/loop HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").unwrap();
    server.wait_for_log("stderr: looping");
    let client = std::thread::spawn(move || read_reply(&mut BufReader::new(stream)));
    assert_eq!(server.stop(), Some(0));
    assert_eq!(client.join().unwrap().status, 504, "answered before the server stopped");
}

/// A client that asks for an endless response and reads none of it: the
/// guest's write gives up at `--timeout`, its instance (the only one) is
/// free again and the connection is closed.
fn a_client_that_stops_reading(extra: &[&str], logged: &str) {
    let route = format!("/cases={}", wasm("serve-tests/cgi_cases"));
    let mut args = vec!["--route", &route, "--timeout", "1s", "--max-instances", "1"];
    args.extend_from_slice(extra);
    let server = Server::start(&args);
    let mut stalled = server.connect();
    stalled.write_all(b"GET /cases/flood HTTP/1.1\r\nHost: h\r\n\r\n").unwrap();
    let started = Instant::now();
    server.wait_for_log(logged);
    let fine = server.get("/cases/fine");
    assert_eq!((fine.status, fine.body.as_str()), (200, "case /fine\n"), "the one instance is free again");
    assert!(started.elapsed() < Duration::from_secs(10));
    // The connection was closed: what the server had sent, then the end (no final chunk).
    let mut rest = Vec::new();
    let end = std::io::Read::read_to_end(&mut stalled, &mut rest);
    assert!(end.is_ok() || end.as_ref().is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionReset), "{end:?}");
    assert!(!rest.ends_with(b"0\r\n\r\n"), "the response is cut off");
    assert!(!server.log().contains("flood: a write failed"), "the write ended the run, as the timeout does");
}

#[test]
fn a_client_that_stops_reading_is_cut_off_at_the_timeout_and_frees_its_instance() {
    a_client_that_stops_reading(&[], "the client stopped reading: the guest timed out after 1s waiting to write");
}

#[test]
fn a_client_that_stops_reading_a_cgi_process_is_cut_off_at_the_timeout_too() {
    a_client_that_stops_reading(
        &["--cgi-process"],
        "the client stopped reading: its response is cut off at the timeout",
    );
}

#[test]
fn a_client_that_goes_away_makes_the_guest_write_fail_with_epipe() {
    let server = Server::start(&["--max-instances", "1", &wasm("serve-tests/cgi_cases")]);
    let mut gone = server.connect();
    gone.write_all(b"GET /flood HTTP/1.1\r\nHost: h\r\n\r\n").unwrap();
    let mut some = [0; 4096];
    std::io::Read::read_exact(&mut gone, &mut some).unwrap();
    drop(gone);
    server.wait_for_log("stderr: flood: a write failed: Broken pipe");
    assert_eq!(server.get("/fine").status, 200, "the one instance is free again");
}

#[test]
fn a_slow_upload_holds_no_instance() {
    let server = Server::start(&["--max-instances", "1", &wasm("serve-tests/cgi_echo")]);
    let mut slow = server.connect();
    slow.write_all(b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nonly ten..").unwrap();
    let other = server.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc");
    assert!(other.body.contains("body=abc"), "served while the first body is still coming: {}", other.body);
    slow.write_all(&[b'x'; 90]).unwrap();
    let reply = read_reply(&mut BufReader::new(slow));
    assert!(reply.body.contains("body_bytes=100"), "{}", reply.body);
}

#[test]
fn route_tables_in_the_policy_file_serve_as_a_routes_file_does() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.toml");
    std::fs::write(
        &policy,
        format!(
            "[env]\nHTTP_X_TOP = \"policy\"\n\
             [[route]]\nprefix = \"/echo\"\nmodule = \"{}\"\nenv = {{ HTTP_X_ROUTE = \"route\" }}\n\
             [[route]]\nprefix = \"/slow/\"\nmodule = \"{}\"\n[route.limits]\ntimeout = \"300ms\"\n",
            wasm("serve-tests/cgi_echo"),
            wasm("serve-tests/cgi_cases")
        ),
    )
    .unwrap();
    let routes = dir.path().join("routes.toml");
    std::fs::write(
        &routes,
        format!("[[route]]\nprefix = \"/hello\"\nmodule = \"{}\"\n", wasm("serve-tests/cgi_hello")),
    )
    .unwrap();
    let (policy, routes) = (policy.to_str().unwrap(), routes.to_str().unwrap());
    let server = Server::start(&["--policy", policy, "--routes", routes]);
    let echo = server.get("/echo/x");
    assert!(echo.body.contains("SCRIPT_NAME=/echo\nPATH_INFO=/x\n"), "{}", echo.body);
    assert!(
        echo.body.contains("\nHTTP_X_TOP=policy\n") && echo.body.contains("\nHTTP_X_ROUTE=route\n"),
        "{}",
        echo.body
    );
    let slow = server.get("/slow/loop");
    assert_eq!(slow.status, 504);
    assert!(slow.body.contains("timed out after 300ms"), "{}", slow.body);
    assert_eq!(server.get("/hello").body, "Hello, world!\n", "--routes adds its routes");
    assert_eq!(server.get("/").status, 404, "no FILE: only the routes are served");
    drop(server);
    // A prefix given twice, in the policy and by --routes, or by --route.
    std::fs::write(
        dir.path().join("routes.toml"),
        format!("[[route]]\nprefix = \"/echo/\"\nmodule = \"{}\"\n", wasm("serve-tests/cgi_hello")),
    )
    .unwrap();
    let out = common::cli::output(&mut capwasi(&["serve", "--policy", policy, "--routes", routes]));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        common::cli::stderr(&out),
        format!("capwasi: --routes {routes}: the prefix '/echo' is also given by [[route]] in {policy}\n")
    );
    let hello = format!("/slow={}", wasm("serve-tests/cgi_hello"));
    let out = common::cli::output(&mut capwasi(&["serve", "--policy", policy, "--route", &hello]));
    assert_eq!(
        common::cli::stderr(&out),
        format!("capwasi: [[route]] in {policy}: the prefix '/slow' is also given by --route\n")
    );
}

/// A Dagger CGI program: opens `stdout://` and writes its response there.
const DAGGER_CGI: &str = r#"(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "stdout://")
  (data (i32.const 16) "Content-Type: text/plain\n\nfrom dagger\n")
  (func (export "_start") (local $fd i32)
    (local.set $fd (call $open (i32.const 0) (i32.const 9)))
    (drop (call $write (local.get $fd) (i32.const 16) (i32.const 38)))))"#;

#[test]
fn the_policy_files_url_lists_hold_for_every_request() {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("dagger.wat");
    std::fs::write(&module, DAGGER_CGI).unwrap();
    let module = module.to_str().unwrap();
    let allowed = dir.path().join("allowed.toml");
    std::fs::write(&allowed, "[urls]\nallow = ['^stdout://$']\n").unwrap();
    let server = Server::start(&["--policy", allowed.to_str().unwrap(), module]);
    let reply = server.get("/");
    assert_eq!((reply.status, reply.body.as_str()), (200, "from dagger\n"));
    drop(server);
    let refused = dir.path().join("refused.toml");
    std::fs::write(&refused, "[urls]\ndisallow = ['^stdout://']\n").unwrap();
    let server = Server::start(&["--policy", refused.to_str().unwrap(), module]);
    let reply = server.get("/");
    assert_ne!(reply.status, 200, "{}", reply.body);
    server.wait_for_log("the guest opened stdout://, forbidden by policy");
}
