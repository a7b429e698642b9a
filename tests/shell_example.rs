//! The shell example (examples/shell) as a user runs it: the server on a
//! temporary socket, two clients sharing its state, bad input, a client's
//! guest stopped by its fuel limit while the other keeps working, a client
//! turned away past the connection limit, and SIGTERM removing the socket.
//!
//! It runs the example binary cargo built beside this test
//! (`target/debug/examples/shell`: `cargo test --all-targets` builds it).

mod common;

// The host functions' own unit tests (pointer and length checks) run here:
// the example itself is built, not tested, by `cargo test`.
#[allow(dead_code)]
#[path = "../examples/shell/host_api.rs"]
mod host_api;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Far beyond what any step of a passing run needs.
const HANG: Duration = Duration::from_secs(30);

/// The example binary cargo built for this profile.
fn shell_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    // target/PROFILE/deps/shell_example-HASH -> target/PROFILE/examples/shell
    let path = exe.parent().and_then(Path::parent).expect("target dir").join("examples/shell");
    assert!(path.exists(), "{} is missing: build it with `cargo build --example shell`", path.display());
    path
}

/// The server process, killed if the test ends without stopping it.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One client connection, reading its answers a line at a time.
struct Client {
    reader: BufReader<UnixStream>,
    writer: UnixStream,
}

impl Client {
    fn connect(socket: &Path) -> Client {
        let stream = UnixStream::connect(socket).expect("connect to the shell");
        stream.set_read_timeout(Some(HANG)).unwrap();
        Client { writer: stream.try_clone().unwrap(), reader: BufReader::new(stream) }
    }

    /// Sends `line` (any bytes) and returns the answer line, without its newline.
    fn ask(&mut self, line: &[u8]) -> String {
        self.writer.write_all(line).unwrap();
        self.writer.write_all(b"\n").unwrap();
        self.answer()
    }

    /// The next line from the server; empty at end of file.
    fn answer(&mut self) -> String {
        let mut answer = String::new();
        self.reader.read_line(&mut answer).expect("an answer within the hang guard");
        answer.trim_end_matches('\n').to_string()
    }
}

/// Starts the shell on `socket` with `args` and waits until it listens (its
/// first line on stderr says so; the rest is passed on to the test's stderr).
fn start(socket: &Path, args: &[&str]) -> Server {
    let mut child = Command::new(shell_binary())
        .arg(socket)
        .arg("--guest")
        .arg(common::guest("examples/shell-guest"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the shell example");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let server = Server(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = stderr.read_line(&mut line);
        let _ = tx.send(line);
        for line in stderr.lines().map_while(Result::ok) {
            eprintln!("{line}");
        }
    });
    let first = rx.recv_timeout(HANG).expect("the shell's first line within the hang guard");
    assert!(first.starts_with("shell: listening on"), "the shell did not start: {first}");
    server
}

/// Sends SIGTERM and waits for a clean exit.
fn stop(mut server: Server) -> std::process::ExitStatus {
    // SAFETY: kill(2) on our own child, which has not been waited for.
    assert_eq!(unsafe { libc::kill(server.0.id() as i32, libc::SIGTERM) }, 0);
    let started = Instant::now();
    loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            return status;
        }
        assert!(started.elapsed() < HANG, "the shell did not exit within {HANG:?} of SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn two_clients_share_state_bad_input_is_answered_and_a_spinning_guest_ends_alone() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("shell.sock");
    let server = start(&socket, &["--max-connections", "2", "--fuel", "200000000", "--max-memory", "8M"]);
    let mut a = Client::connect(&socket);
    let mut b = Client::connect(&socket);

    // The shared integer and the shared map, across clients.
    assert_eq!(a.ask(b"add 5"), "5");
    assert_eq!(b.ask(b"add 7"), "12");
    assert_eq!(a.ask(b"sum"), "12");
    assert_eq!(b.ask(b"set color deep blue"), "ok");
    assert_eq!(a.ask(b"get color"), "deep blue");
    // Longer than the guest's first buffer: cut by the host, asked for again in full.
    let long = "x".repeat(200);
    assert_eq!(a.ask(format!("set long {long}").as_bytes()), "ok");
    assert_eq!(b.ask(b"get long"), long);
    assert!(a.ask(b"help").starts_with("commands: add N"));

    // Bad input: one error line each, and the session goes on.
    let bad: &[(&[u8], &str)] = &[
        (b"frobnicate", "error: unknown command \"frobnicate\" (try help)"),
        (b"add", "error: add needs a number: add N"),
        (b"add seven", "error: not a number: \"seven\""),
        (b"add 9223372036854775807", "error: the total would overflow"),
        (b"get", "error: get needs a key: get KEY"),
        (b"get nothing", "error: no such key \"nothing\""),
        (b"set lonely", "error: set needs a key and a value: set KEY VALUE"),
        (b"add \xff\xfe", "error: the line is not UTF-8"),
    ];
    for (line, expected) in bad {
        assert_eq!(a.ask(line), *expected, "answer to {:?}", String::from_utf8_lossy(line));
    }
    // Over-long for the host (256 bytes at most): refused by the host's length check.
    assert_eq!(a.ask(format!("set big {}", "v".repeat(257)).as_bytes()), "error: value too long for the host");
    assert_eq!(a.ask(format!("set {} v", "k".repeat(65)).as_bytes()), "error: key too long for the host");
    assert_eq!(a.ask("z".repeat(5000).as_bytes()), "error: line longer than 4096 bytes");
    assert_eq!(a.ask(b"sum"), "12", "the session goes on after bad input");

    // Both slots are taken: a third client is turned away.
    let mut c = Client::connect(&socket);
    assert_eq!(c.answer(), "error: the server is busy (2 sessions open, the most it serves); try again later");
    assert_eq!(c.answer(), "", "then disconnected");

    // `loop` spins until the fuel limit ends that session, and only that one.
    assert_eq!(
        a.ask(b"loop"),
        "error: session ended: fuel exhausted after 200000000 instructions (the limit per connection)"
    );
    assert_eq!(a.answer(), "", "the spinning client is disconnected");
    assert_eq!(b.ask(b"sum"), "12");
    assert_eq!(b.ask(b"get color"), "deep blue");

    // Its slot is free again.
    let mut d = Client::connect(&socket);
    assert_eq!(d.ask(b"get color"), "deep blue");
    assert_eq!(d.ask(b"quit"), "bye");
    assert_eq!(d.answer(), "");

    // SIGTERM: the open session ends, the server exits 0 and removes its socket.
    let status = stop(server);
    assert!(status.success(), "the shell exited with {status}");
    assert_eq!(b.answer(), "", "the open session was ended");
    assert!(!socket.exists(), "the socket was removed");
}

#[test]
fn an_idle_session_ends_at_its_timeout_naming_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("shell.sock");
    let server = start(&socket, &["--timeout", "500ms"]);
    let mut idle = Client::connect(&socket);
    assert_eq!(idle.ask(b"add 1"), "1");
    // Waiting for input, the guest is in a host call the timeout ends.
    assert_eq!(idle.answer(), "error: session ended: timed out after 500ms (the limit per connection)");
    assert_eq!(idle.answer(), "");
    assert!(stop(server).success());
    assert!(!socket.exists(), "the socket was removed");
}
