//! Without openat2 (Linux before 5.6, container profiles that refuse it)
//! cap-std resolves paths component by component. The path_open table
//! (c-tests/fs_open.c) must give the same answers on that route, through the
//! real command. Found by the differential fuzzer (fuzz/README.md): a
//! directory opened through a symlink answered ENOTDIR there, O_CREAT on
//! `name/` EINVAL instead of EISDIR, and O_TRUNC reaching a directory through
//! `dir/` opened it.

mod common;
#[path = "../fuzz/no_openat2.rs"]
mod no_openat2;

use std::os::unix::fs::symlink;
use std::process::{Command, Output};

use common::{expected_stdout, fixture, guest};

fn capwasi(spec: &str, guest_name: &str, openat2: bool) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_capwasi"));
    cmd.args(["run", "--no-cache", "--dir", spec]).arg(guest(guest_name));
    if !openat2 {
        no_openat2::without_openat2(&mut cmd);
    }
    cmd.output().unwrap()
}

#[test]
fn o_creat_or_o_trunc_on_a_directory_and_o_directory_through_a_symlink_answer_as_linux_with_or_without_openat2() {
    for openat2 in [true, false] {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("file"), "f").unwrap();
        std::fs::create_dir(tmp.path().join("dir")).unwrap();
        symlink("file", tmp.path().join("l_file")).unwrap();
        symlink("dir", tmp.path().join("l_dir")).unwrap();
        symlink("dir/", tmp.path().join("l_dir_slash")).unwrap();
        symlink("missing", tmp.path().join("l_dangle")).unwrap();
        let out = capwasi(&format!("{}::/s", tmp.path().display()), "c-tests/fs_open_slash_dirlink", openat2);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        // As Linux open(2) answers natively.
        let expected = "\
O_CREAT new/: ISDIR
O_CREAT file/: ISDIR
O_CREAT dir/: ISDIR
O_CREAT l_file/: ISDIR
O_CREAT l_dir/: ISDIR
O_CREAT l_dangle/: ISDIR
O_CREAT, writing l_dir_slash: ISDIR
O_TRUNC, reading dir/: ISDIR
O_TRUNC, reading l_dir_slash: ISDIR
O_CREAT, reading l_dir_slash: ISDIR
O_DIRECTORY follow l_dir: SUCCESS
O_DIRECTORY follow, writing l_dir: ISDIR
O_DIRECTORY follow, writing l_file: NOTDIR
O_DIRECTORY nofollow l_dir: NOTDIR
O_DIRECTORY, writing dir: ISDIR
O_DIRECTORY, writing file: NOTDIR
";
        assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "openat2 {openat2}");
        let mut names: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        assert_eq!(names, ["dir", "file", "l_dangle", "l_dir", "l_dir_slash", "l_file"], "nothing was created");
    }
}

#[test]
fn path_open_gives_the_same_answers_without_openat2() {
    // c-tests/fs_open.dir: file.txt, dir/inner.txt, link -> file.txt, dirlink -> dir, dangling -> missing.
    let tmp = fixture("fs_open");
    let out = capwasi(&format!("{}::/sandbox", tmp.path().display()), "c-tests/fs_open", false);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let expected = expected_stdout("fs_open");
    for (i, (got, want)) in stdout.lines().zip(expected.lines()).enumerate() {
        assert_eq!(got, want, "line {}", i + 1);
    }
    assert_eq!(stdout, expected);
}
