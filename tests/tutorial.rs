//! The WASI tutorial's transcript, end to end, with the real `capwasi` binary
//! and the file-copy demo (examples/copy.c).

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::guest;

fn copy(cwd: &Path, flags: &[&str], from: &str, to: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capwasi"))
        .current_dir(cwd)
        .arg("run")
        .args(flags)
        .arg(guest("examples/copy"))
        .args([from, to])
        .env_clear()
        .output()
        .expect("run capwasi")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A working directory holding the tutorial's test.txt.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("test.txt"), "hello world\n").unwrap();
    dir
}

#[test]
fn with_dir_dot_and_dir_tmp_the_copy_works() {
    let work = workdir();
    let target = format!("/tmp/capwasi-tutorial-{}.txt", std::process::id());
    let out = copy(work.path(), &["--dir=.", "--dir=/tmp"], "test.txt", &target);
    let copied = std::fs::read_to_string(&target);
    let _ = std::fs::remove_file(&target);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(copied.unwrap(), "hello world\n");
}

#[test]
fn without_dir_the_sandbox_refuses() {
    let work = workdir();
    let out = copy(work.path(), &[], "test.txt", "/tmp/somewhere.txt");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "error opening input test.txt: Capabilities insufficient\n");
}

#[test]
fn an_absolute_dir_does_not_cover_relative_names() {
    // The preopen is named by its absolute path, and the guest's relative
    // "test.txt" is resolved against its working directory "/", which no
    // preopen covers: the tutorial's point about --dir=$PWD.
    let work = workdir();
    let pwd = work.path().to_str().unwrap().to_string();
    let out = copy(work.path(), &[&format!("--dir={pwd}")], "test.txt", "copy.txt");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "error opening input test.txt: Capabilities insufficient\n");
    let out = copy(work.path(), &[&format!("--dir={pwd}")], &format!("{pwd}/test.txt"), &format!("{pwd}/copy.txt"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(work.path().join("copy.txt")).unwrap(), "hello world\n");
}

#[test]
fn dot_dot_out_of_tmp_is_refused() {
    let work = workdir();
    let out = copy(work.path(), &["--dir=.", "--dir=/tmp"], "/tmp/../etc/passwd", "stolen.txt");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "error opening input /tmp/../etc/passwd: Capabilities insufficient\n");
    assert!(!work.path().join("stolen.txt").exists());
}

#[test]
fn mapdir_writes_into_the_mapped_host_directory_in_both_forms() {
    for form in ["--mapdir=/tmp:{}", "--mapdir=/tmp::{}"] {
        let work = workdir();
        let mapped = tempfile::tempdir().unwrap();
        let flag = form.replace("{}", mapped.path().to_str().unwrap());
        let out = copy(work.path(), &["--dir=.", &flag], "test.txt", "/tmp/copy.txt");
        assert_eq!(out.status.code(), Some(0), "{form}: {}", stderr(&out));
        assert_eq!(std::fs::read_to_string(mapped.path().join("copy.txt")).unwrap(), "hello world\n", "{form}");
    }
}

#[test]
fn mapdir_is_a_sandbox_too() {
    let outside = tempfile::tempdir().unwrap();
    let canary = outside.path().join("canary");
    std::fs::write(&canary, "secret").unwrap();
    let mapped = outside.path().join("mapped");
    std::fs::create_dir(&mapped).unwrap();
    std::os::unix::fs::symlink("../canary", mapped.join("link")).unwrap();
    std::os::unix::fs::symlink(&canary, mapped.join("abs")).unwrap();
    let flag = format!("--mapdir=/data::{}", mapped.display());
    for from in ["/data/../canary", "/data/link", "/data/abs"] {
        let out = copy(outside.path(), &[&flag], from, "/data/copy.txt");
        assert_eq!(out.status.code(), Some(1), "{from}");
        assert_eq!(stderr(&out), format!("error opening input {from}: Capabilities insufficient\n"));
    }
    // Writing out through a dangling escape is refused and creates nothing.
    std::os::unix::fs::symlink("../created", mapped.join("out")).unwrap();
    std::fs::write(mapped.join("in.txt"), "x").unwrap();
    let out = copy(outside.path(), &[&flag], "/data/in.txt", "/data/out");
    assert_eq!(stderr(&out), "error opening output /data/out: Capabilities insufficient\n");
    assert!(!outside.path().join("created").exists());
    assert_eq!(std::fs::read_to_string(&canary).unwrap(), "secret");
    assert!(!mapped.join("copy.txt").exists());
}

#[test]
fn a_read_only_dir_refuses_the_copy_and_keeps_the_disk_unchanged() {
    let work = workdir();
    let out = copy(work.path(), &["--dir=.::/work::ro"], "/work/test.txt", "/work/copy.txt");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "error opening output /work/copy.txt: Capabilities insufficient\n");
    assert!(!work.path().join("copy.txt").exists());
}
