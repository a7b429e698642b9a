//! fd_readdir (c-tests/fs_readdir.c): `.` and `..` included, cookies valid
//! across calls with tiny buffers, entries cut at the buffer's end, d_ino and
//! d_type equal to filestat's, and a 100k-entry directory listed completely.

mod common;

use std::os::unix::fs::symlink;
use std::time::Instant;

use capwasi::DirPerms;
use common::{guest, run};

fn list(root: &std::path::Path, args: &[&str]) -> common::Outcome {
    run(&guest("c-tests/fs_readdir"), |b| {
        b.arg("fs_readdir").args(args.iter().copied());
        b.preopened_dir_path(root, "/sandbox", DirPerms::ReadOnly).unwrap();
    })
}

#[test]
fn readdir_lists_dot_dotdot_and_every_entry_with_matching_ino_at_any_buffer_size() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::write(root.join("file"), "x").unwrap();
    std::fs::create_dir(root.join("subdir")).unwrap();
    symlink("file", root.join("link")).unwrap();
    symlink("nowhere", root.join("dangling")).unwrap();
    let long = "n".repeat(200);
    std::fs::write(root.join(&long), "").unwrap();
    let expected = format!(
        ". type=3 ino+type match=1\n\
         .. type=3 ino+type match=1\n\
         dangling type=7 ino+type match=1\n\
         file type=4 ino+type match=1\n\
         link type=7 ino+type match=1\n\
         {long} type=4 ino+type match=1\n\
         subdir type=3 ino+type match=1\n"
    );
    // 1: nothing fits; 24: a header without its name; 25, 33: a name cut; 4096: all at once.
    for size in ["1", "24", "25", "33", "100", "4096"] {
        let out = list(root, &["list", size]);
        assert_eq!(out.exit, Some(0), "buffer {size}: {out:?}");
        assert_eq!(out.stdout, expected, "buffer {size}");
    }
}

#[test]
fn readdir_of_an_empty_directory_is_dot_and_dotdot() {
    let tmp = tempfile::tempdir().unwrap();
    let out = list(tmp.path(), &["list", "4096"]);
    assert_eq!(out.stdout, ". type=3 ino+type match=1\n.. type=3 ino+type match=1\n");
}

#[test]
fn readdir_lists_a_100k_entry_directory_completely() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    for i in 0..100_000 {
        std::fs::File::create(root.join(format!("entry-{i:06}"))).unwrap();
    }
    let start = Instant::now();
    let out = list(root, &["count", "4096"]);
    let raw = start.elapsed();
    assert_eq!(out.stdout, "count 100002\n", "{out:?}");
    let start = Instant::now();
    let out_libc = list(root, &["libc"]);
    let libc = start.elapsed();
    assert_eq!(out_libc.stdout, "count 100002\n", "{out_libc:?}");
    // Not a benchmark (debug build, shared machine): numbers for the record,
    // shown with --nocapture.
    eprintln!("100k readdir, 4 KiB buffer: {raw:?} (guest: {}); wasi-libc readdir: {libc:?}", out.stderr.trim());
}
