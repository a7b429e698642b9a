//! path_open and the fd_* calls on what it opens (c-tests/fs_open.c), with
//! the disk inspected afterwards.

mod common;

use std::os::unix::fs::MetadataExt;

use capwasi::DirPerms;
use common::{expected_stdout, fixture, guest, run};

#[test]
fn path_open_and_fd_calls_give_exact_errnos_and_change_the_disk_as_asked() {
    // c-tests/fs_open.dir: file.txt, dir/inner.txt, link -> file.txt, dirlink -> dir, dangling -> missing.
    let tmp = fixture("fs_open");
    let root = tmp.path();

    let out = run(&guest("c-tests/fs_open"), |b| {
        b.preopened_dir_path(root, "/sandbox", DirPerms::ReadWrite).unwrap();
    });
    assert_eq!(out.exit, Some(0), "{out:?}");
    let expected = expected_stdout("fs_open");
    if out.stdout != expected {
        for (i, (got, want)) in out.stdout.lines().zip(expected.lines()).enumerate() {
            assert_eq!(got, want, "line {}", i + 1);
        }
        assert_eq!(out.stdout, expected);
    }

    let mut new_txt = b"Ww2".to_vec();
    new_txt.resize(100, 0);
    assert_eq!(std::fs::read(root.join("new.txt")).unwrap(), new_txt, "pwrite at 0 despite APPEND, then resized");
    let big = std::fs::metadata(root.join("big.bin")).unwrap();
    assert_eq!(big.len(), (5u64 << 30) + 3);
    assert!(big.blocks() * 512 < 1 << 20, "the 5 GiB file is sparse");
    assert!(!root.join("gone.txt").exists());
    let mtime = std::fs::metadata(root.join("new.txt")).unwrap();
    assert_eq!((mtime.mtime(), mtime.mtime_nsec()), (2000, 5), "later reads may move atime, not mtime");
}
