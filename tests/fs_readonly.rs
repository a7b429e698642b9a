//! Read-only preopens (c-tests/fs_readonly.c): every mutating route is
//! ENOTCAPABLE, in either direction across a read-only / read-write boundary,
//! and nothing changes on disk.

mod common;

use std::os::unix::fs::MetadataExt;

use capwasi::DirPerms;
use common::{guest, run};

#[test]
fn every_mutating_route_beneath_a_read_only_preopen_is_enotcapable_and_changes_nothing() {
    let ro = tempfile::tempdir().unwrap();
    let rw = tempfile::tempdir().unwrap();
    std::fs::write(ro.path().join("file.txt"), "read only").unwrap();
    std::fs::create_dir(ro.path().join("dir")).unwrap();
    std::fs::write(ro.path().join("dir/inner.txt"), "inner").unwrap();
    std::fs::write(rw.path().join("rwfile"), "rw").unwrap();
    let mtime = |p: &std::path::Path| std::fs::symlink_metadata(p).unwrap().mtime_nsec();
    let before = (mtime(ro.path()), mtime(&ro.path().join("file.txt")), mtime(&ro.path().join("dir")));

    let out = run(&guest("c-tests/fs_readonly"), |b| {
        b.preopened_dir_path(ro.path(), "/ro", DirPerms::ReadOnly).unwrap();
        b.preopened_dir_path(rw.path(), "/rw", DirPerms::ReadWrite).unwrap();
    });
    assert_eq!(out.exit, Some(0), "{out:?}");
    assert_eq!(out.stdout, EXPECTED);

    let names = |p: &std::path::Path| {
        let mut v: Vec<_> = std::fs::read_dir(p).unwrap().map(|e| e.unwrap().file_name()).collect();
        v.sort();
        v
    };
    assert_eq!(names(ro.path()), ["dir", "file.txt"]);
    assert_eq!(names(&ro.path().join("dir")), ["inner.txt"]);
    assert_eq!(names(rw.path()), ["rwfile"]);
    assert_eq!(std::fs::read(ro.path().join("file.txt")).unwrap(), b"read only");
    let after = (mtime(ro.path()), mtime(&ro.path().join("file.txt")), mtime(&ro.path().join("dir")));
    assert_eq!(after, before, "no times changed");
}

const EXPECTED: &str = "\
preopen rights: write-ish 0, readdir 1
inheriting has FD_WRITE: 1
re-open with its rights: SUCCESS
open for read: SUCCESS
file rights: write 0, set_size 0
write through it: BADF
set_size through it: NOTCAPABLE
set_times through it: NOTCAPABLE
allocate through it: NOTCAPABLE
open for write: NOTCAPABLE
open with only FD_WRITE: NOTCAPABLE
open O_TRUNC without write rights: NOTCAPABLE
open O_CREAT existing: NOTCAPABLE
open O_CREAT new: NOTCAPABLE
open APPEND: SUCCESS
write through the APPEND open: BADF
open APPEND missing: NOENT
open with write-flavoured rights: SUCCESS
write through it: BADF
set_size through it: NOTCAPABLE
open with write-flavoured rights, missing: NOENT
path set_times: NOTCAPABLE
fd set_times on preopen: NOTCAPABLE
unlink: NOTCAPABLE
rmdir: NOTCAPABLE
mkdir: NOTCAPABLE
symlink: NOTCAPABLE
rename within: NOTCAPABLE
rename ro -> rw: NOTCAPABLE
rename rw -> ro: NOTCAPABLE
link ro -> rw: NOTCAPABLE
link rw -> ro: NOTCAPABLE
open dir: SUCCESS
dir inheriting has FD_WRITE: 1
create beneath dir: NOTCAPABLE
unlink beneath dir: NOTCAPABLE
read: SUCCESS
read 'read only'
grow preopen rights: NOTSUP
shrink preopen rights: NOTSUP
libc open O_WRONLY: Capabilities insufficient
libc open O_RDWR|O_APPEND: Capabilities insufficient
libc open O_RDONLY: opened
libc open O_RDONLY|O_APPEND: opened
libc write to it: Bad file descriptor
libc open missing O_RDONLY|O_APPEND: No such file or directory
";
