//! The `capwasi` binary as a process: a command with a clean environment,
//! hand-written `.wat` guests, and waits that cannot hang a test.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long any capwasi process a test starts may take before the test kills
/// it and fails: far beyond what a passing run needs.
pub const HANG: Duration = Duration::from_secs(30);

/// `capwasi ARGS` with an empty environment (so no compile cache either).
pub fn capwasi(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_capwasi"));
    command.args(args).env_clear().stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    command
}

/// Runs `command` to its end, or kills it and fails after [`HANG`].
pub fn output(command: &mut Command) -> Output {
    finish(command.spawn().expect("start capwasi"))
}

/// Waits for `child` to end, or kills it and fails after [`HANG`].
pub fn finish(child: Child) -> Output {
    let pid = child.id() as i32;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    match rx.recv_timeout(HANG) {
        Ok(out) => out.expect("wait for capwasi"),
        Err(_) => {
            // SAFETY: kill(2) on the child's pid; it is a zombie at worst until waited for.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("capwasi was still running after {HANG:?}");
        }
    }
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `text` written to `NAME.wat` in `dir`; its path.
pub fn wat(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(format!("{name}.wat"));
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// `text` written to `module.wat` in a fresh temp dir: the dir (removed when
/// dropped) and the file's path.
pub fn wat_module(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = wat(&dir, "module", text);
    (dir, path)
}

/// Starts `capwasi run --tcplisten 127.0.0.1:PORT ARGS` on a free port and
/// connects to it: the child (fd 3 is its listener) and the connection. If
/// another process takes the port first, capwasi fails to listen and another
/// port is tried.
pub fn serve_and_connect(args: &[&str]) -> (Child, TcpStream) {
    for _ in 0..20 {
        let addr: SocketAddr = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let addr_text = addr.to_string();
        let mut all = vec!["run", "--tcplisten", &addr_text];
        all.extend_from_slice(args);
        let mut child = capwasi(&all).spawn().expect("start capwasi");
        let started = Instant::now();
        while started.elapsed() < HANG {
            if let Ok(stream) = TcpStream::connect(addr) {
                stream.set_read_timeout(Some(HANG)).unwrap();
                return (child, stream);
            }
            if child.try_wait().unwrap().is_some() {
                break; // The port was taken meanwhile: try another.
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    panic!("could not start capwasi on a free port");
}
