//! Go's `os` package through the real CLI (go-tests/cmd/fs_*, relative_paths), on a copy of
//! go-tests/testdata/tree.dir: reads work beneath a read-only preopen, a file from `os.Open`
//! is read-only, each change lands on the host beneath a writable preopen and is refused with
//! ENOTCAPABLE beneath a read-only one, and relative paths follow `$PWD`.

mod common;

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Output;

use common::{capwasi, go_expected_stdout, go_fixture, guest};

fn go_guest(name: &str) -> String {
    guest(&format!("go-tests/{name}")).display().to_string()
}

/// `--dir TREE::/data` (with `::ro` if `read_only`), then the guest and its arguments.
fn run_in(tree: &Path, read_only: bool, name: &str, args: &[&str]) -> Output {
    let dir = format!("{}::/data{}", tree.display(), if read_only { "::ro" } else { "" });
    let guest = go_guest(name);
    capwasi(&[&["run", "--dir", &dir, &guest], args].concat())
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn assert_exit_0(out: &Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        stdout(out),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every entry beneath `root`: its path, kind, content or link target, and its modification
/// and change times (not the access time, which reading it here may change).
fn snapshot(root: &Path) -> Vec<String> {
    let mut entries = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let what = if meta.is_symlink() {
                format!("-> {}", std::fs::read_link(&path).unwrap().display())
            } else if meta.is_dir() {
                dirs.push(path.clone());
                "dir".to_string()
            } else {
                format!("{:?}", std::fs::read_to_string(&path).unwrap())
            };
            let times = (meta.mtime(), meta.mtime_nsec(), meta.ctime(), meta.ctime_nsec());
            entries.push(format!("{} {what} {times:?}", path.strip_prefix(root).unwrap().display()));
        }
    }
    entries.sort();
    entries
}

#[test]
fn go_reads_beneath_a_read_only_preopen_succeed() {
    let tree = go_fixture("tree");
    let before = snapshot(tree.path());
    let out = run_in(tree.path(), true, "fs_reads", &["/data"]);
    assert_exit_0(&out);
    assert_eq!(stdout(&out), go_expected_stdout("fs_reads"));
    assert_eq!(snapshot(tree.path()), before);
}

#[test]
fn go_write_through_an_os_open_file_fails_with_ebadf_and_changes_nothing() {
    for read_only in [false, true] {
        let tree = go_fixture("tree");
        let out = run_in(tree.path(), read_only, "fs_write_through_open", &["/data/hello.txt"]);
        assert_exit_0(&out);
        assert_eq!(
            stdout(&out),
            "os.Open: ok\n\
             Write: EBADF (Bad file number)\n\
             Write error: write /data/hello.txt: Bad file number; errors.Is EBADF: true\n\
             WriteAt: EBADF (Bad file number)\n\
             read: \"hello from the host\\n\", ok\n",
            "read_only: {read_only}"
        );
        assert_eq!(std::fs::read_to_string(tree.path().join("hello.txt")).unwrap(), "hello from the host\n");
    }
}

#[test]
fn go_changes_beneath_a_writable_preopen_land_on_the_host() {
    let tree = go_fixture("tree");
    let out = run_in(tree.path(), false, "fs_mutations", &["/data"]);
    assert_exit_0(&out);
    assert_eq!(
        stdout(&out),
        "os.WriteFile new.txt: ok\n\
         os.Mkdir newdir: ok\n\
         os.Rename old.txt renamed.txt: ok\n\
         os.Remove victim.txt: ok\n\
         os.Symlink hello.txt made-link: ok\n\
         os.Readlink link: \"hello.txt\", ok\n\
         os.Chtimes times.txt: ok\n\
         os.Truncate trunc.txt 3: ok\n"
    );
    let at = |name: &str| tree.path().join(name);
    assert_eq!(std::fs::read_to_string(at("new.txt")).unwrap(), "written by Go\n");
    assert!(at("newdir").is_dir());
    assert!(!at("old.txt").exists());
    assert_eq!(std::fs::read_to_string(at("renamed.txt")).unwrap(), "old\n");
    assert!(!at("victim.txt").exists());
    assert_eq!(std::fs::read_link(at("made-link")).unwrap(), Path::new("hello.txt"));
    let times = std::fs::metadata(at("times.txt")).unwrap();
    // 2001-02-03T04:05:06Z and 2002-03-04T05:06:07.0000008Z, to the nanosecond.
    assert_eq!((times.atime(), times.atime_nsec()), (981_173_106, 0));
    assert_eq!((times.mtime(), times.mtime_nsec()), (1_015_218_367, 800));
    assert_eq!(std::fs::read_to_string(at("trunc.txt")).unwrap(), "tru");
}

#[test]
fn go_changes_beneath_a_read_only_preopen_are_enotcapable_and_change_nothing() {
    let tree = go_fixture("tree");
    let before = snapshot(tree.path());
    let out = run_in(tree.path(), true, "fs_mutations", &["/data"]);
    assert_exit_0(&out);
    let refused = "ENOTCAPABLE (Capabilities insufficient)";
    assert_eq!(
        stdout(&out),
        format!(
            "os.WriteFile new.txt: {refused}\n\
             os.Mkdir newdir: {refused}\n\
             os.Rename old.txt renamed.txt: {refused}\n\
             os.Remove victim.txt: {refused}\n\
             os.Symlink hello.txt made-link: {refused}\n\
             os.Readlink link: \"hello.txt\", ok\n\
             os.Chtimes times.txt: {refused}\n\
             os.Truncate trunc.txt 3: {refused}\n"
        )
    );
    assert_eq!(snapshot(tree.path()), before);
}

#[test]
fn go_relative_paths_resolve_against_pwd_beneath_the_preopen() {
    let tree = go_fixture("tree");
    let guest = go_guest("relative_paths");
    let spec = format!("{}::/data", tree.path().display());
    let out = capwasi(&["run", "--dir", &spec, "--env", "PWD=/data/sub", &guest]);
    assert_exit_0(&out);
    assert_eq!(
        stdout(&out),
        "os.Getwd: /data/sub, ok\n\
         os.ReadFile inner.txt: \"inner\\n\", ok\n\
         os.ReadFile ../hello.txt: \"hello from the host\\n\", ok\n\
         os.WriteFile made-here.txt: ok\n\
         os.Chdir ..: ok\n\
         os.Getwd: /data, ok\n\
         os.ReadFile sub/made-here.txt: \"relative\\n\", ok\n"
    );
    assert_eq!(std::fs::read_to_string(tree.path().join("sub/made-here.txt")).unwrap(), "relative\n");
}
