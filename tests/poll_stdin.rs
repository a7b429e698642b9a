//! poll_oneoff on the real `capwasi` binary's stdin: a pipe, a terminal
//! (pseudo-terminal), /dev/null, a regular file, and a closed descriptor.
//! The guest prints one line per poll round (see c-tests/poll_stdin.c).
//! Every read of its output has a timeout and the child is killed on drop.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use common::guest;
use common::pty::openpty;

const TIMEOUT: Duration = Duration::from_secs(20);

/// A running guest whose stdout lines arrive on a channel.
struct Guest {
    child: std::process::Child,
    lines: mpsc::Receiver<String>,
}

impl Guest {
    fn start(stdin: Stdio, timeout_ms: u32, rounds: u32) -> Guest {
        let mut child = Command::new(env!("CARGO_BIN_EXE_capwasi"))
            .arg("run")
            .arg(guest("c-tests/poll_stdin"))
            .args([timeout_ms.to_string(), rounds.to_string()])
            .stdin(stdin)
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn capwasi");
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Guest { child, lines }
    }

    fn line(&self) -> String {
        self.lines.recv_timeout(TIMEOUT).expect("the guest printed nothing in time")
    }

    /// Every remaining line, once the guest exits (with status 0).
    fn finish(mut self) -> Vec<String> {
        let lines: Vec<String> = std::iter::from_fn(|| self.lines.recv_timeout(TIMEOUT).ok()).collect();
        let status = self.child.wait().unwrap();
        assert!(status.success(), "guest exited with {status}; output {lines:?}");
        lines
    }
}

impl Drop for Guest {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_pipe_times_out_until_written_then_reports_bytes_and_hangup() {
    let mut guest = Guest::start(Stdio::piped(), 50, 10);
    let mut stdin = guest.child.stdin.take().unwrap();
    assert_eq!(guest.line(), "timeout");
    stdin.write_all(b"hello").unwrap();
    stdin.flush().unwrap();
    // Skip any further timeouts until the data shows up.
    let mut line = guest.line();
    while line == "timeout" {
        line = guest.line();
    }
    assert_eq!(line, "ready nbytes=5 hangup=0");
    assert_eq!(guest.line(), "read 5");
    drop(stdin);
    let rest = guest.finish();
    let rest: Vec<_> = rest.iter().filter(|l| *l != "timeout").map(String::as_str).collect();
    assert_eq!(rest, ["ready nbytes=0 hangup=1", "eof"]);
}

#[test]
fn dev_null_is_ready_at_end_of_file() {
    let guest = Guest::start(Stdio::null(), 5000, 3);
    assert_eq!(guest.finish(), ["ready nbytes=0 hangup=0", "eof"]);
}

#[test]
fn a_regular_file_is_ready_with_the_bytes_left() {
    let mut file = tempfile::tempfile().unwrap();
    file.write_all(&[b'x'; 100]).unwrap();
    std::io::Seek::rewind(&mut file).unwrap();
    let guest = Guest::start(Stdio::from(file), 5000, 4);
    assert_eq!(
        guest.finish(),
        [
            "ready nbytes=100 hangup=0",
            "read 64",
            "ready nbytes=36 hangup=0",
            "read 36",
            "ready nbytes=0 hangup=0",
            "eof"
        ]
    );
}

/// A closed stdin: the Rust runtime reopens fds 0-2 on /dev/null before
/// capwasi starts, so the guest sees end of file rather than whatever file
/// capwasi would open next.
#[test]
fn a_closed_stdin_reads_as_end_of_file() {
    use std::os::unix::process::CommandExt;
    let mut command = Command::new(env!("CARGO_BIN_EXE_capwasi"));
    command.arg("run").arg(guest("c-tests/poll_stdin")).args(["5000", "2"]);
    // SAFETY: close(2) is async-signal-safe.
    unsafe {
        command.pre_exec(|| {
            drop(<rustix::fd::OwnedFd as rustix::fd::FromRawFd>::from_raw_fd(0));
            Ok(())
        });
    }
    let out = command.stdin(Stdio::inherit()).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ready nbytes=0 hangup=0\neof\n");
}

#[test]
fn a_terminal_is_ready_once_a_line_is_typed() {
    let (mut master, slave) = openpty();
    let guest = Guest::start(Stdio::from(slave), 50, 200);
    assert_eq!(guest.line(), "timeout");
    // A terminal in canonical mode has nothing to read until the line ends.
    master.write_all(b"hi").unwrap();
    assert_eq!(guest.line(), "timeout");
    master.write_all(b"\n").unwrap();
    let mut line = guest.line();
    while line == "timeout" {
        line = guest.line();
    }
    assert_eq!(line, "ready nbytes=3 hangup=0");
    assert_eq!(guest.line(), "read 3");
}

/// NONBLOCK on a stdin pipe: EAGAIN, not 0, while it is empty.
#[test]
fn nonblocking_stdin_read_is_eagain_until_data_arrives() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_capwasi"))
        .arg("run")
        .arg(guest("c-tests/nonblock_stdin"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, lines) = mpsc::channel();
    thread::spawn(move || BufReader::new(stdout).lines().map_while(Result::ok).for_each(|l| drop(tx.send(l))));
    let guest = Guest { child, lines };
    assert_eq!(guest.line(), "again");
    stdin.write_all(b"x").unwrap();
    assert_eq!(guest.finish(), ["ok"]);
}
