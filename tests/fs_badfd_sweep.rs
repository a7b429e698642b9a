//! Every fd-taking file-system call with a descriptor that is not open
//! returns EBADF (c-tests/fs_badfd_sweep.c), and changes nothing on disk.

mod common;

use capwasi::DirPerms;
use common::{expected_stdout, fixture, guest, run};

#[test]
fn every_fd_taking_call_with_an_unopened_fd_is_ebadf() {
    // c-tests/fs_badfd_sweep.dir holds one file, f.
    let tmp = fixture("fs_badfd_sweep");
    let out = run(&guest("c-tests/fs_badfd_sweep"), |b| {
        b.preopened_dir_path(tmp.path(), "/sandbox", DirPerms::ReadWrite).unwrap();
    });
    assert_eq!(out.exit, Some(0), "{out:?}");
    let lines: Vec<&str> = out.stdout.lines().filter(|l| !l.starts_with("--")).collect();
    assert_eq!(lines.len(), 2 * 34, "{}", out.stdout);
    for line in lines {
        assert!(line.ends_with(": BADF"), "{line}");
    }
    assert!(out.stdout.contains("-- fd 99\n") && out.stdout.contains("-- fd 4\n"));
    assert_eq!(out.stdout, expected_stdout("fs_badfd_sweep"), "the expectation capwasi test checks too");
    let mut names: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert_eq!(names, ["f"]);
}
