//! The access mode of a descriptor follows the guest's request as Linux
//! `open(2)` decides it (c-tests/fs_access_mode.c): only FD_WRITE writes;
//! CREAT, TRUNC and APPEND act on any access mode. The guest's output pins
//! every errno (c-tests/fs_access_mode.json); the disk is checked here.

mod common;

use capwasi::DirPerms;
use common::{expected_stdout, fixture, guest, run};

#[test]
fn opens_write_only_when_fd_write_is_asked_and_apply_creat_trunc_append_as_linux() {
    let tmp = fixture("fs_access_mode");
    let root = tmp.path();
    let out = run(&guest("c-tests/fs_access_mode"), |b| {
        b.preopened_dir_path(root, "/", DirPerms::ReadWrite).unwrap();
    });
    assert_eq!(out.exit, Some(0), "{out:?}");
    let expected = expected_stdout("fs_access_mode");
    for (i, (got, want)) in out.stdout.lines().zip(expected.lines()).enumerate() {
        assert_eq!(got, want, "line {}", i + 1);
    }
    assert_eq!(out.stdout, expected);

    let read = |name: &str| std::fs::read_to_string(root.join(name)).unwrap();
    assert_eq!(read("data.txt"), "0123456789", "no write through a read-only open changed it");
    assert_eq!(read("created.txt"), "", "O_RDONLY|O_CREAT created it");
    assert_eq!(read("libc-ro.txt"), "", "open(O_RDONLY|O_CREAT) created it");
    assert_eq!(read("trunc.txt"), "", "O_RDONLY|O_TRUNC truncated it");
    assert_eq!(read("keep.txt"), "abcd", "truncated, then every write appended");
    assert_eq!(read("appended.txt"), "new");
    assert_eq!(read("libc.txt"), "again", "open(O_WRONLY|O_TRUNC|O_APPEND) truncated, then appended");
}
