//! Without openat2 (Linux before 5.6, container profiles that refuse it)
//! cap-std resolves paths component by component. The path_open table
//! (c-tests/fs_open.c) must give the same answers on that route, through the
//! real command. Found by the differential fuzzer (fuzz/README.md): a
//! directory opened through a symlink answered ENOTDIR there.

mod common;
#[path = "../fuzz/no_openat2.rs"]
mod no_openat2;

use std::process::Command;

use common::{expected_stdout, fixture, guest};

#[test]
fn path_open_gives_the_same_answers_without_openat2() {
    // c-tests/fs_open.dir: file.txt, dir/inner.txt, link -> file.txt, dirlink -> dir, dangling -> missing.
    let tmp = fixture("fs_open");
    let spec = format!("{}::/sandbox", tmp.path().display());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_capwasi"));
    cmd.args(["run", "--no-cache", "--dir", &spec]).arg(guest("c-tests/fs_open"));
    let out = no_openat2::without_openat2(&mut cmd).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let expected = expected_stdout("fs_open");
    for (i, (got, want)) in stdout.lines().zip(expected.lines()).enumerate() {
        assert_eq!(got, want, "line {}", i + 1);
    }
    assert_eq!(stdout, expected);
}
