//! path_open and the fd_* calls on what it opens (c-tests/fs_open.c), with
//! the disk inspected afterwards.

mod common;

use std::os::unix::fs::{MetadataExt, symlink};

use capwasi::DirPerms;
use common::{guest, run};

#[test]
fn path_open_and_fd_calls_give_exact_errnos_and_change_the_disk_as_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::write(root.join("file.txt"), "hello").unwrap();
    std::fs::create_dir(root.join("dir")).unwrap();
    std::fs::write(root.join("dir/inner.txt"), "inner").unwrap();
    symlink("file.txt", root.join("link")).unwrap();
    symlink("dir", root.join("dirlink")).unwrap();
    symlink("missing", root.join("dangling")).unwrap();

    let out = run(&guest("c-tests/fs_open"), |b| {
        b.preopened_dir_path(root, "/sandbox", DirPerms::ReadWrite).unwrap();
    });
    assert_eq!(out.exit, Some(0), "{out:?}");
    let expected = EXPECTED;
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

const EXPECTED: &str = "\
open file: SUCCESS
lowest free fd: 4
file type 4, read 1, write 0
write read-only fd: BADF
set_size read-only fd: BADF
close: SUCCESS
close again: BADF
open dir: SUCCESS
dir type 3
readdir rights on dir: SUCCESS
open dir without O_DIRECTORY: SUCCESS
dir type 3
O_DIRECTORY on file: NOTDIR
O_DIRECTORY on dir symlink, nofollow: NOTDIR
O_DIRECTORY on dir symlink, follow: SUCCESS
file symlink, nofollow: LOOP
file symlink, follow: SUCCESS
trailing slash on file: NOTDIR
trailing /. on file: NOTDIR
trailing slash on dir: SUCCESS
dangling symlink with trailing slash: NOENT
dangling symlink, nofollow: LOOP
dangling symlink, O_DIRECTORY nofollow: NOTDIR
dangling symlink, O_CREAT nofollow: LOOP
missing: NOENT
empty path: NOENT
O_EXCL on existing: EXIST
O_DIRECTORY|O_CREAT: INVAL
write on dir: ISDIR
dirfd is a file: NOTDIR
dirfd not open: BADF
interior NUL: INVAL
trailing NUL: INVAL
invalid UTF-8: ILSEQ
create: SUCCESS
write: SUCCESS
open append: SUCCESS
fdstat APPEND at open: 1
append write: SUCCESS
pwrite at 0 on APPEND: SUCCESS
clear APPEND: SUCCESS
fdstat APPEND after clear: 0
write at 0: SUCCESS
set APPEND: SUCCESS
append write: SUCCESS
set SYNC later: INVAL
set NONBLOCK: SUCCESS
set_flags on dir: BADF
shrink rights: SUCCESS
rights after shrink: 2/0
grow rights: NOTCAPABLE
set_size 3: SUCCESS
size 3
allocate 0..100: SUCCESS
size 100
allocate len 0: INVAL
advise: SUCCESS
advise on dir: BADF
sync: SUCCESS
datasync: SUCCESS
sync dir: SUCCESS
datasync dir: SUCCESS
set_times dir: SUCCESS
dir mtim 3000000000000
sync stdout: BADF
set_times: SUCCESS
atim 1000000000000 mtim 2000000000005
set_times ATIM|ATIM_NOW: INVAL
create big: SUCCESS
seek 5 GiB: SUCCESS
pos 5368709120
write at 5 GiB: SUCCESS
tell 5368709123
pwrite at 4 GiB + 1: SUCCESS
pread at 5 GiB: SUCCESS
read 3 'end'
big size 5368709123
unlink open file: SUCCESS
pread unlinked: SUCCESS
read 'here'
nlink 0
fds 4 5
renumber onto open fd: SUCCESS
old number closed: BADF
fd 5 now reads 'hell'
renumber onto missing fd: BADF
lowest free reused: 4
renumber dir onto preopen: SUCCESS
prestat of renumbered: BADF
open through renumbered dir: SUCCESS
close preopen: SUCCESS
use closed preopen: BADF
";
