//! Sockets: the preview1 socket calls on preopened listeners (in-process,
//! driven by a host client), wasi-libc's preopen scan past a socket, and the
//! HTTP example served by the real `capwasi` binary.
//!
//! Every wait is bounded: client sockets have timeouts, child processes are
//! killed after a deadline, and in-process guests run under a watchdog.

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
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
