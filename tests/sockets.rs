//! Sockets: the preview1 socket calls on preopened listeners (in-process,
//! driven by a host client), wasi-libc's preopen scan past a socket, and the
//! HTTP example served by the real `capwasi` binary.
//!
//! Every wait is bounded: client sockets have timeouts, child processes are
//! killed after a deadline, and in-process guests run under a watchdog.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use capwasi::DirPerms;
use common::{guest, run};

const TIMEOUT: Duration = Duration::from_secs(20);

/// Aborts the whole test process if the returned guard is still alive after
/// `limit`: an in-process guest blocked in a host call cannot be cancelled.
fn watchdog(what: &'static str, limit: Duration) -> impl Drop {
    struct Guard(Arc<AtomicBool>);
    impl Drop for Guard {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let done = Arc::new(AtomicBool::new(false));
    let flag = done.clone();
    thread::spawn(move || {
        let step = Duration::from_millis(50);
        let mut waited = Duration::ZERO;
        while waited < limit {
            if flag.load(Ordering::SeqCst) {
                return;
            }
            thread::sleep(step);
            waited += step;
        }
        eprintln!("watchdog: {what} still running after {limit:?}; aborting");
        std::process::abort();
    });
    Guard(done)
}

fn connect(addr: std::net::SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, TIMEOUT).expect("connect");
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(TIMEOUT)).unwrap();
    stream
}

#[test]
fn sock_accept_recv_send_shutdown_on_a_preopened_listener() {
    let _watchdog = watchdog("sock_ops", Duration::from_secs(60));
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let client = thread::spawn(move || {
        let mut a = connect(addr);
        a.write_all(b"ping").unwrap();
        let mut pong = [0; 4];
        a.read_exact(&mut pong).unwrap();
        assert_eq!(&pong, b"pong");
        let mut b = connect(addr);
        b.write_all(b"abc").unwrap();
        thread::sleep(Duration::from_millis(100));
        b.write_all(b"def").unwrap();
        b.shutdown(Shutdown::Write).unwrap();
        let mut bye = Vec::new();
        b.read_to_end(&mut bye).unwrap();
        assert_eq!(bye, b"bye");
        let mut rest = Vec::new();
        a.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, b"");
        drop(a);
    });
    let out = run(&guest("c-tests/sock_ops"), |b| {
        b.preopened_tcp_listener(listener);
    });
    client.join().expect("client");
    assert_eq!(out.exit, Some(0), "{out:?}");
    assert_eq!(out.stdout, "ok\n");
}

#[test]
fn wasi_libc_finds_preopened_dirs_after_a_socket() {
    let dir = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let out = run(&guest("c-tests/preopen_after_socket"), |b| {
        b.preopened_tcp_listener(listener).preopened_dir_path(dir.path(), "/data", DirPerms::ReadWrite).unwrap();
    });
    assert_eq!(out.exit, Some(0), "{out:?}");
    assert_eq!(out.stdout, "fd3 prestat tag=1\n/data/x -> fd 4 prefix=data rel=x\nok\n");
}

/// A `capwasi` child process, killed if the test ends before it exits.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Child {
    /// Waits up to `limit` for the exit status.
    fn wait_for_exit(&mut self, limit: Duration) -> std::process::ExitStatus {
        let start = std::time::Instant::now();
        loop {
            if let Some(status) = self.0.try_wait().unwrap() {
                return status;
            }
            assert!(start.elapsed() < limit, "capwasi did not exit within {limit:?}");
            thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Starts `capwasi run --tcplisten 127.0.0.1:PORT http_server N` on a free
/// port and returns the child, the address it serves, and its stderr lines.
///
/// The guest says "http_server: ready" once it runs, which capwasi lets it do
/// only after binding the listener, so the port is known to be this child's
/// (a probe that binds the port itself could not tell this server from
/// another test's listener that took the port meanwhile). If another process
/// took the port first, capwasi exits with "cannot listen" and a new port is
/// tried.
fn start_http_server(requests: usize) -> (Child, std::net::SocketAddr, mpsc::Receiver<String>) {
    for _ in 0..5 {
        let addr = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let mut child = Child(
            std::process::Command::new(env!("CARGO_BIN_EXE_capwasi"))
                .args(["run", "--tcplisten", &addr.to_string()])
                .arg(guest("examples/http_server"))
                .arg(requests.to_string())
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn capwasi"),
        );
        let stderr = child.0.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || BufReader::new(stderr).lines().map_while(Result::ok).for_each(|l| drop(tx.send(l))));
        match lines.recv_timeout(TIMEOUT) {
            Ok(line) if line == "http_server: ready" => return (child, addr, lines),
            Ok(line) if line.contains("cannot listen") => continue, // The port was taken meanwhile.
            other => panic!("capwasi did not start the HTTP server: {other:?}"),
        }
    }
    panic!("could not start the HTTP server on a free port");
}

fn http_get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut stream = connect(addr);
    write!(stream, "GET {path} HTTP/1.0\r\nHost: test\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn http_example_serves_sequential_and_concurrent_clients_then_exits_cleanly() {
    const SEQUENTIAL: usize = 30;
    const CONCURRENT: usize = 6;
    let (mut server, addr, stderr_lines) = start_http_server(SEQUENTIAL + CONCURRENT);
    for i in 1..=SEQUENTIAL {
        let response = http_get(addr, &format!("/seq/{i}"));
        assert!(response.starts_with("HTTP/1.0 200 OK\r\n"), "{response}");
        assert!(response.ends_with(&format!("\r\n\r\nhello from capwasi: request {i} GET /seq/{i}\n")), "{response}");
    }
    let clients: Vec<_> =
        (0..CONCURRENT).map(|i| thread::spawn(move || http_get(addr, &format!("/par/{i}")))).collect();
    for (i, client) in clients.into_iter().enumerate() {
        let response = client.join().expect("client");
        assert!(response.starts_with("HTTP/1.0 200 OK\r\n"), "{response}");
        assert!(response.contains(&format!(" GET /par/{i}\n")), "{response}");
    }
    let status = server.wait_for_exit(TIMEOUT);
    assert_eq!(status.code(), Some(0), "server exit status");
    let rest: Vec<String> = stderr_lines.iter().collect();
    assert_eq!(rest, [format!("http_server: served {} requests", SEQUENTIAL + CONCURRENT)]);
}

#[test]
fn tcplisten_on_an_address_in_use_is_a_host_error() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_capwasi"))
        .args(["run", "--tcplisten", &taken.local_addr().unwrap().to_string()])
        .arg(guest("examples/http_server"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot listen on 127.0.0.1:"), "{out:?}");
}

/// `--listenfd`: a listener passed systemd-style as fd 3 with LISTEN_FDS=1
/// and LISTEN_PID set (by `sh`, whose pid `exec` keeps) becomes the guest's fd 3.
#[test]
fn listenfd_adopts_an_inherited_listener() {
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let raw = listener.as_raw_fd();
    let mut command = std::process::Command::new("sh");
    command
        .args([
            "-c",
            "LISTEN_PID=$$ LISTEN_FDS=1 exec \"$0\" \"$@\"",
            env!("CARGO_BIN_EXE_capwasi"),
            "run",
            "--listenfd",
        ])
        .arg(guest("examples/http_server"))
        .arg("1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    // SAFETY: only async-signal-safe calls (dup2, fcntl) between fork and exec.
    unsafe {
        command.pre_exec(move || {
            let from = rustix::fd::BorrowedFd::borrow_raw(raw);
            if raw == 3 {
                rustix::io::fcntl_setfd(from, rustix::io::FdFlags::empty())?;
            } else {
                let mut three =
                    std::mem::ManuallyDrop::new(<rustix::fd::OwnedFd as rustix::fd::FromRawFd>::from_raw_fd(3));
                rustix::io::dup2(from, &mut three)?;
            }
            Ok(())
        });
    }
    let mut server = Child(command.spawn().expect("spawn sh"));
    drop(listener);
    let response = http_get(addr, "/inherited");
    assert!(response.ends_with("hello from capwasi: request 1 GET /inherited\n"), "{response}");
    assert_eq!(server.wait_for_exit(TIMEOUT).code(), Some(0));
}
