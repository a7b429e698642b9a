//! `--timeout` ends a guest waiting on a FIFO or a terminal beneath a
//! preopen: opening a FIFO nobody writes to (or reads from), reading a FIFO
//! or a terminal nothing arrives on. Without a timeout, and within one, the
//! guest sees blocking I/O: its read waits for the data. poll_oneoff reports
//! such a descriptor ready only when it is. The guest is c-tests/fifo_io.c,
//! run by the real `capwasi` on a FIFO made with mkfifo in a temp dir.

mod common;

use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Output};
use std::time::{Duration, Instant};

use common::cli::{capwasi, finish, stderr, stdout};
use common::guest;

/// A temp dir holding a FIFO named `fifo`.
fn fifo_dir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    rustix::fs::mknodat(rustix::fs::CWD, &fifo, rustix::fs::FileType::Fifo, 0o600.into(), 0).unwrap();
    (dir, fifo)
}

/// Starts `capwasi run [--timeout T] --dir DIR::/d fifo_io /d/NAME MODE`.
fn start(timeout: Option<&str>, dir: &Path, name: &str, mode: &str) -> Child {
    let preopen = format!("{}::/d", dir.display());
    let guest_path = format!("/d/{name}");
    let module = guest("c-tests/fifo_io");
    let mut args = vec!["run"];
    if let Some(limit) = timeout {
        args.extend(["--timeout", limit]);
    }
    args.extend(["--dir", &preopen, module.to_str().unwrap(), &guest_path, mode]);
    capwasi(&args).spawn().unwrap()
}

/// Runs the guest to its end under `--timeout 1s`: its output and how long it took.
fn timed(dir: &Path, name: &str, mode: &str) -> (Output, Duration) {
    let started = Instant::now();
    let out = finish(start(Some("1s"), dir, name, mode));
    (out, started.elapsed())
}

fn assert_timed_out(out: &Output, took: Duration) {
    assert_eq!(out.status.code(), Some(124), "stdout {:?}, stderr {:?}", stdout(out), stderr(out));
    assert_eq!(stderr(out), "capwasi: timed out after 1s (--timeout 1s)\n");
    assert!(took < Duration::from_secs(5), "ended promptly: {took:?}");
}

#[test]
fn timeout_ends_a_guest_opening_a_fifo_nobody_writes_to() {
    let (dir, _fifo) = fifo_dir();
    let (out, took) = timed(dir.path(), "fifo", "read");
    assert_timed_out(&out, took);
}

#[test]
fn timeout_ends_a_guest_opening_a_fifo_nobody_reads() {
    let (dir, _fifo) = fifo_dir();
    let (out, took) = timed(dir.path(), "fifo", "write");
    assert_timed_out(&out, took);
}

#[test]
fn timeout_ends_a_guest_reading_a_fifo_whose_writer_sends_nothing() {
    let (dir, fifo) = fifo_dir();
    // Open for reading and writing: a writer that never writes (and never blocks opening).
    let _writer = std::fs::OpenOptions::new().read(true).write(true).open(&fifo).unwrap();
    let (out, took) = timed(dir.path(), "fifo", "read");
    assert_timed_out(&out, took);
}

#[test]
fn timeout_ends_a_guest_reading_a_terminal_nobody_types_on() {
    let (_master, slave) = common::pty::openpty();
    let name = std::fs::read_link(format!("/proc/self/fd/{}", slave.as_raw_fd())).unwrap();
    let (out, took) = timed(name.parent().unwrap(), name.file_name().unwrap().to_str().unwrap(), "read");
    assert_timed_out(&out, took);
}

/// Opens the FIFO for writing (waiting for the guest to open it for
/// reading), waits 300 ms, writes `hello` and closes it.
fn write_later(fifo: &Path) {
    let mut writer = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    writer.write_all(b"hello").unwrap();
}

#[test]
fn a_blocking_read_of_a_fifo_waits_for_the_data_with_or_without_a_timeout() {
    for timeout in [None, Some("20s")] {
        let (dir, fifo) = fifo_dir();
        let child = start(timeout, dir.path(), "fifo", "read");
        write_later(&fifo);
        let out = finish(child);
        assert_eq!(out.status.code(), Some(0), "{timeout:?}: {}", stderr(&out));
        assert_eq!(stdout(&out), "read 5: hello\n", "{timeout:?}: the read waited, it did not see end of file");
    }
}

#[test]
fn a_guest_writing_to_a_fifo_within_the_timeout_is_read() {
    let (dir, fifo) = fifo_dir();
    let child = start(Some("20s"), dir.path(), "fifo", "write");
    // O_NONBLOCK: a reader opens at once, with or without a writer.
    let reader = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(&fifo).unwrap();
    let out = finish(child);
    assert_eq!((out.status.code(), stdout(&out)), (Some(0), "wrote 4\n".to_string()), "{}", stderr(&out));
    let mut got = [0u8; 8];
    let n = rustix::io::read(&reader, &mut got).unwrap();
    assert_eq!(&got[..n], b"ping");
}

#[test]
fn poll_oneoff_reports_a_fifo_ready_only_once_data_arrives() {
    for timeout in [None, Some("20s")] {
        let (dir, fifo) = fifo_dir();
        let child = start(timeout, dir.path(), "fifo", "poll");
        // A writer that sends nothing for the guest's 300 ms poll, then its data.
        let mut writer = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
        std::thread::sleep(Duration::from_millis(800));
        writer.write_all(b"hello").unwrap();
        drop(writer);
        let out = finish(child);
        assert_eq!(out.status.code(), Some(0), "{timeout:?}: {}", stderr(&out));
        assert_eq!(stdout(&out), "poll 0\nread 5: hello\n", "{timeout:?}");
    }
}
