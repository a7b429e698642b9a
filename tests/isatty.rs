//! `isatty()` answers under capwasi as natively: c-tests/isatty.c is run as a wasm guest
//! through the real `capwasi` command and, as the oracle, built with gcc and run natively, with
//! the same stdio (/dev/null, a file, a pipe, a pseudo-terminal) and the same character
//! devices opened beneath `--dir /dev::/dev::ro`; the two reports must be the same.
//! wasi-libc's `isatty` reads fd_fdstat_get: a character device without FD_SEEK and FD_TELL is a
//! terminal (see `rights::character_device`).

mod common;

use std::fs::File;
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use common::cli::{HANG, finish};

/// c-tests/isatty.c built for the host with gcc, once per test binary.
fn native() -> &'static Path {
    static NATIVE: OnceLock<PathBuf> = OnceLock::new();
    NATIVE.get_or_init(|| common::native::build("isatty"))
}

/// A pseudo-terminal: the controlling side, kept open while the test runs, and the terminal
/// side's path (`/dev/pts/N`).
fn pty() -> (OwnedFd, String) {
    // SAFETY: plain libc calls on a descriptor this function owns from the first call on.
    unsafe {
        let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC);
        assert!(master >= 0, "posix_openpt: {}", std::io::Error::last_os_error());
        let master = OwnedFd::from_raw_fd(master);
        use std::os::fd::AsRawFd;
        assert_eq!(libc::grantpt(master.as_raw_fd()), 0);
        assert_eq!(libc::unlockpt(master.as_raw_fd()), 0);
        let mut name = [0 as libc::c_char; 64];
        assert_eq!(libc::ptsname_r(master.as_raw_fd(), name.as_mut_ptr(), name.len()), 0);
        let name = std::ffi::CStr::from_ptr(name.as_ptr()).to_str().unwrap().to_string();
        (master, name)
    }
}

/// What stdin, stdout and stderr are for one run.
#[derive(Clone, Copy, Debug)]
enum Stdio3 {
    DevNull,
    File,
    Pipe,
    Pty,
}

/// The three stdio streams of kind `kind`; files and the pty's terminal side live in `dir`
/// or at `pts`.
fn stdio(kind: Stdio3, dir: &Path, pts: &str) -> [Stdio; 3] {
    let open = |path: &Path, write: bool| -> Stdio {
        File::options().read(!write).write(write).create(write).truncate(write).open(path).unwrap().into()
    };
    match kind {
        Stdio3::DevNull => [
            open(Path::new("/dev/null"), false),
            open(Path::new("/dev/null"), true),
            open(Path::new("/dev/null"), true),
        ],
        Stdio3::File => {
            std::fs::write(dir.join("stdin.txt"), "input\n").unwrap();
            [
                open(&dir.join("stdin.txt"), false),
                open(&dir.join("stdout.txt"), true),
                open(&dir.join("stderr.txt"), true),
            ]
        }
        Stdio3::Pipe => [Stdio::piped(), Stdio::piped(), Stdio::piped()],
        Stdio3::Pty => {
            let terminal = || File::options().read(true).write(true).open(pts).unwrap();
            [terminal().into(), terminal().into(), terminal().into()]
        }
    }
}

/// The report of c-tests/isatty.c run natively (`native`) or under capwasi with `/dev` preopened
/// read-only, with stdio of kind `kind`, opening `paths` after stdio.
fn report(native_run: bool, kind: Stdio3, paths: &[&str], pts: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let report = out_dir.join("isatty.txt");
    let mut command = if native_run {
        Command::new(native())
    } else {
        let mut command = Command::new(env!("CARGO_BIN_EXE_capwasi"));
        command.args(["run", "--no-cache", "--dir", "/dev::/dev::ro", "--dir"]).arg(&out_dir);
        command.arg(common::guest("c-tests/isatty"));
        command
    };
    command.env_clear().arg(&report).args(paths);
    let [stdin, stdout, stderr] = stdio(kind, tmp.path(), pts);
    let out = finish(command.stdin(stdin).stdout(stdout).stderr(stderr).spawn().unwrap());
    let who = if native_run { "native" } else { "capwasi" };
    assert_eq!(out.status.code(), Some(0), "{who} with {kind:?} stdio: {}", String::from_utf8_lossy(&out.stderr));
    std::fs::read_to_string(&report).unwrap()
}

/// Native and capwasi agree on `isatty()` for fds 0-2 of kind `kind` and for `paths`, and the
/// native answer is `expected` (so the test cannot pass by both being wrong the same way).
fn check(kind: Stdio3, paths: &[&str], pts: &str, expected: &str) {
    let native = report(true, kind, paths, pts);
    assert_eq!(native, expected, "the native program's answers, {kind:?} stdio (within {HANG:?})");
    let capwasi = report(false, kind, paths, pts);
    assert_eq!(capwasi, native, "capwasi answers as natively, {kind:?} stdio");
}

const NOT_TTY: &str = "fd 0: isatty 0\nfd 1: isatty 0\nfd 2: isatty 0\n";

#[test]
fn stdio_from_dev_null_a_file_or_a_pipe_is_not_a_terminal() {
    let (_master, pts) = pty();
    for kind in [Stdio3::DevNull, Stdio3::File, Stdio3::Pipe] {
        check(kind, &[], &pts, NOT_TTY);
    }
}

#[test]
fn stdio_on_a_pseudo_terminal_is_a_terminal() {
    let (_master, pts) = pty();
    check(Stdio3::Pty, &[], &pts, "fd 0: isatty 1\nfd 1: isatty 1\nfd 2: isatty 1\n");
}

#[test]
fn character_devices_opened_beneath_a_preopen_are_terminals_only_when_they_are_one() {
    let (_master, pts) = pty();
    let paths = ["/dev/null", "/dev/zero", "/dev/urandom", "/dev/full", &pts];
    let expected = format!(
        "{NOT_TTY}/dev/null: isatty 0\n/dev/zero: isatty 0\n/dev/urandom: isatty 0\n\
         /dev/full: isatty 0\n{pts}: isatty 1\n"
    );
    check(Stdio3::DevNull, &paths, &pts, &expected);
}
