//! fd_fdstat_get reports the sync flags a descriptor was opened with, directories included, as
//! Linux `F_GETFL` does (O_SYNC also reports O_DSYNC; O_RSYNC is O_SYNC there), and
//! `fcntl(F_SETFL, fcntl(F_GETFL) | O_NONBLOCK)` works on what it reported.
//! c-tests/fdstat_sync_flags.c runs under the real `capwasi` command, with and without openat2,
//! and, as the oracle, built with gcc and run natively; the outputs must be the same.

mod common;
#[path = "../fuzz/no_openat2.rs"]
mod no_openat2;

use std::process::{Command, Stdio};

use common::cli::{finish, stderr, stdout};

fn output(mut command: Command) -> String {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("d")).unwrap();
    std::fs::write(tmp.path().join("f"), "f").unwrap();
    if command.get_program() == env!("CARGO_BIN_EXE_capwasi") {
        command.arg("--dir").arg(tmp.path()).arg(common::guest("c-tests/fdstat_sync_flags"));
    }
    let out = finish(command.env_clear().arg(tmp.path()).stdout(Stdio::piped()).spawn().unwrap());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn a_directory_or_file_opened_with_a_sync_flag_reports_it_as_linux_f_getfl() {
    let native = output(Command::new(common::native::build("fdstat_sync_flags")));
    assert!(native.contains("dir O_DSYNC: DSYNC 1 SYNC 0 RSYNC 0\n"), "natively:\n{native}");
    assert!(native.contains("dir O_SYNC: DSYNC 1 SYNC 1 RSYNC 1\n"), "natively:\n{native}");
    for openat2 in [true, false] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_capwasi"));
        command.args(["run", "--no-cache"]);
        if !openat2 {
            no_openat2::without_openat2(&mut command);
        }
        assert_eq!(output(command), native, "openat2 {openat2}");
    }
}
