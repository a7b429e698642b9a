//! Trailing slashes in every path argument answer as on Linux: c-tests/trailing_slash.c (rename,
//! link, symlink, unlink, rmdir, mkdir, stat, lstat, utimensat, readlink, open) runs as a wasm
//! guest through the real `capwasi` command, with and without openat2 (fuzz/no_openat2.rs), and,
//! as the oracle, built with gcc and run natively; every row (errno and the tree afterwards)
//! must be the same.

mod common;
#[path = "../fuzz/no_openat2.rs"]
mod no_openat2;

use std::path::Path;
use std::process::Command;

use common::cli::{finish, stderr, stdout};

/// The guest's output for a fresh directory, run natively or under capwasi, with the
/// directory's own path replaced by `DIR`.
fn table(run: impl FnOnce(&Path) -> Command) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("t");
    std::fs::create_dir(&dir).unwrap();
    let mut command = run(&dir);
    let out = finish(command.env_clear().arg(&dir).stdout(std::process::Stdio::piped()).spawn().unwrap());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out).replace(dir.to_str().unwrap(), "DIR")
}

/// Rows that must keep Linux's answer: the cases of issue 17.
const PINNED: &[&str] = &[
    "rename f x/: ENOTDIR | f:- d:d fl:l dl:l dls:l dangle:l",
    "rename f x//: ENOTDIR | f:- d:d fl:l dl:l dls:l dangle:l",
    "rename f dl/: ENOTDIR | f:- d:d fl:l dl:l dls:l dangle:l",
    "link f x/: ENOENT | f:- d:d fl:l dl:l dls:l dangle:l",
    "symlink f dangle/: EEXIST | f:- d:d fl:l dl:l dls:l dangle:l",
    "unlink dl/: ENOTDIR | f:- d:d fl:l dl:l dls:l dangle:l",
    "lstat f//.: ENOTDIR | f:- d:d fl:l dl:l dls:l dangle:l",
];

#[test]
fn every_path_argument_ending_in_a_slash_answers_as_linux_with_or_without_openat2() {
    let native_binary = common::native::build("trailing_slash");
    let native = table(|_| Command::new(&native_binary));
    for row in PINNED {
        assert!(native.lines().any(|line| line == *row), "natively: {row}");
    }
    for openat2 in [true, false] {
        let capwasi = table(|dir| {
            let mut command = Command::new(env!("CARGO_BIN_EXE_capwasi"));
            command.args(["run", "--no-cache", "--dir"]).arg(dir).arg(common::guest("c-tests/trailing_slash"));
            if !openat2 {
                no_openat2::without_openat2(&mut command);
            }
            command
        });
        let differ: Vec<String> = capwasi
            .lines()
            .zip(native.lines())
            .filter(|(got, want)| got != want)
            .map(|(got, want)| format!("capwasi {got}\n natively {want}"))
            .collect();
        assert!(differ.is_empty(), "openat2 {openat2}, rows that differ:\n{}", differ.join("\n"));
        assert_eq!(capwasi.lines().count(), native.lines().count(), "openat2 {openat2}");
    }
}
