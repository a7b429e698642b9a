//! The escape table (c-tests/fs_escape.c) across preopen names: every row is
//! refused, a canary outside the preopen is neither read nor changed, and
//! nothing appears outside.

mod common;

use std::os::unix::fs::{MetadataExt, symlink};
use std::path::Path;

use capwasi::DirPerms;
use common::{guest, run};

fn snapshot(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = walk(dir);
    names.sort();
    names
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        out.push(entry.path().display().to_string());
        if entry.file_type().unwrap().is_dir() {
            out.extend(walk(&entry.path()));
        }
    }
    out
}

fn escape_table(guest_name: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    let sandbox = tmp.path().join("sandbox");
    std::fs::create_dir(&outside).unwrap();
    std::fs::create_dir(&sandbox).unwrap();
    let canary = outside.join("canary");
    std::fs::write(&canary, "canary").unwrap();
    // atime older than mtime: any read of the canary moves its atime (relatime).
    let f = std::fs::File::options().write(true).open(&canary).unwrap();
    f.set_times(
        std::fs::FileTimes::new()
            .set_accessed(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1000))
            .set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(2000)),
    )
    .unwrap();
    drop(f);
    std::fs::write(sandbox.join("file"), "file").unwrap();
    std::fs::create_dir(sandbox.join("sub")).unwrap();
    symlink("/", sandbox.join("to_root")).unwrap();
    symlink("../outside/canary", sandbox.join("to_outside")).unwrap();
    symlink("chain2", sandbox.join("chain1")).unwrap();
    symlink("../outside/canary", sandbox.join("chain2")).unwrap();
    symlink("loop2", sandbox.join("loop1")).unwrap();
    symlink("loop1", sandbox.join("loop2")).unwrap();
    symlink("../outside/new", sandbox.join("dangle_out")).unwrap();
    let before_outside = snapshot(tmp.path()).into_iter().filter(|p| !p.contains("/sandbox")).collect::<Vec<_>>();

    let out = run(&guest("c-tests/fs_escape"), |b| {
        b.arg("fs_escape").arg(guest_name);
        b.preopened_dir_path(&sandbox, guest_name, DirPerms::ReadWrite).unwrap();
    });
    assert_eq!(out.exit, Some(0), "{out:?}");
    for (i, (got, want)) in out.stdout.lines().zip(EXPECTED.lines()).enumerate() {
        assert_eq!(got, want, "preopen {guest_name:?}, row {}", i + 1);
    }
    assert_eq!(out.stdout, EXPECTED, "preopen {guest_name:?}");

    let md = std::fs::metadata(&canary).unwrap();
    assert_eq!(std::fs::read(&canary).unwrap(), b"canary");
    assert_eq!((md.atime(), md.mtime()), (1000, 2000), "the canary was neither read nor touched");
    let after_outside = snapshot(tmp.path()).into_iter().filter(|p| !p.contains("/sandbox")).collect::<Vec<_>>();
    assert_eq!(after_outside, before_outside, "nothing appeared outside");
    assert!(sandbox.join("file").exists() && !sandbox.join("stolen").exists() && !sandbox.join("abs").exists());
}

#[test]
fn escape_table_preopen_dot() {
    escape_table(".");
}

#[test]
fn escape_table_preopen_root() {
    escape_table("/");
}

#[test]
fn escape_table_preopen_nested_name() {
    escape_table("/a/b");
}

const EXPECTED: &str = "\
open .. follow: NOTCAPABLE
open ../ follow: NOTCAPABLE
open ../. follow: NOTCAPABLE
open ../outside/canary follow: NOTCAPABLE
open sub/../../outside/canary follow: NOTCAPABLE
open / follow: NOTCAPABLE
open /etc/passwd follow: NOTCAPABLE
open /canary follow: NOTCAPABLE
open to_root follow: NOTCAPABLE
open to_root/etc/passwd follow: NOTCAPABLE
open to_outside follow: NOTCAPABLE
open chain1 follow: NOTCAPABLE
open loop1 follow: LOOP
open sub/../.. follow: NOTCAPABLE
open ./../outside follow: NOTCAPABLE
open dangle_out follow creat: NOTCAPABLE
open ../outside/new creat: NOTCAPABLE
open to_outside: LOOP
filestat ../outside/canary: NOTCAPABLE
filestat to_outside follow: NOTCAPABLE
filestat to_outside nofollow: SUCCESS
set_times to_outside follow: NOTCAPABLE
mkdir ../outside/newdir: NOTCAPABLE
rmdir ..: NOTCAPABLE
unlink ../outside/canary: NOTCAPABLE
rename file out: NOTCAPABLE
rename canary in: NOTCAPABLE
rename onto to_outside/: NOTCAPABLE
link file out: NOTCAPABLE
link canary in: NOTCAPABLE
link via to_outside follow: INVAL
symlink absolute target: NOTCAPABLE
symlink placed outside: NOTCAPABLE
symlink ../ target (allowed): SUCCESS
open made_out follow: NOTCAPABLE
readlink ../outside: NOTCAPABLE
from sub: ../file: NOTCAPABLE
libc open PREOPEN/../outside/canary: NOTCAPABLE
libc open PREOPEN/to_outside: NOTCAPABLE
libc open PREOPEN/file: SUCCESS
";
