//! The 2026 advisories against preview1 hosts, each replayed as its attack
//! through the real `capwasi` command, with canary files outside the sandbox
//! checked untouched afterwards (neither read nor changed, nothing new beside
//! them). Each test names its advisory; the guests are c-tests/advisory_*.c.
//!
//! The path and descriptor tests also run capwasi as if the kernel had no
//! openat2 (fuzz/no_openat2.rs), the route where cap-std's bugs were reachable
//! on Linux.

mod common;
#[path = "../fuzz/no_openat2.rs"]
mod no_openat2;

use std::os::unix::fs::{MetadataExt, symlink};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, UNIX_EPOCH};

use common::guest;

/// What the command did.
struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

fn capwasi(args: &[&str], openat2: bool) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_capwasi"));
    cmd.args(["run", "--no-cache"]).args(args).env_clear();
    if !openat2 {
        no_openat2::without_openat2(&mut cmd);
    }
    let out = cmd.output().expect("run capwasi");
    Run {
        status: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A file whose atime is older than its mtime, so any read moves it (relatime).
fn canary(path: &Path, content: &str) {
    std::fs::write(path, content).unwrap();
    age(path);
}

/// Sets the atime of `path` (a file or directory) to 1000 and its mtime to 2000: reading or
/// listing it moves the atime.
fn age(path: &Path) {
    std::fs::File::open(path)
        .unwrap()
        .set_times(
            std::fs::FileTimes::new()
                .set_accessed(UNIX_EPOCH + Duration::from_secs(1000))
                .set_modified(UNIX_EPOCH + Duration::from_secs(2000)),
        )
        .unwrap();
}

/// The content of `path`, read without moving its atime (O_NOATIME: the owner, or root).
fn read_noatime(path: &Path) -> Vec<u8> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::File::options().read(true).custom_flags(libc::O_NOATIME).open(path).unwrap();
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).unwrap();
    bytes
}

/// Every entry beneath `dir` (symlinks not followed) with what would show a
/// change: type, size, content, link count, mtime, ctime, atime of files, and
/// symlink targets.
fn snapshot(dir: &Path) -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for path in entries {
            let md = std::fs::symlink_metadata(&path).unwrap();
            let what = if md.file_type().is_symlink() {
                format!("-> {}", std::fs::read_link(&path).unwrap().display())
            } else if md.is_dir() {
                "dir".to_string()
            } else {
                format!("{:?} atime {}", String::from_utf8_lossy(&read_noatime(&path)), md.atime())
            };
            out.push(format!(
                "{} {what} size {} nlink {} mtime {} ctime {}.{}",
                path.display(),
                md.size(),
                md.nlink(),
                md.mtime(),
                md.ctime(),
                md.ctime_nsec()
            ));
            if md.is_dir() {
                walk(&path, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out
}

fn assert_lines(run: &Run, expected: &str, what: &str) {
    assert_eq!(run.status, Some(0), "{what}: capwasi exits with the guest's status; stderr: {}", run.stderr);
    for (i, (got, want)) in run.stdout.lines().zip(expected.lines()).enumerate() {
        assert_eq!(got, want, "{what}, line {}", i + 1);
    }
    assert_eq!(run.stdout, expected, "{what}");
}

/// GHSA-2r75-cxrj-cmph: `path_open(dir, 0, FILE, OFLAGS_TRUNC, RIGHTS_FD_READ, 0, 0)` truncated a
/// file beneath a preopen that grants reading only.
#[test]
fn o_trunc_through_a_read_only_preopen_is_refused_and_truncates_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let ro = tmp.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    canary(&ro.join("data.txt"), "must keep every byte");
    symlink("data.txt", ro.join("link")).unwrap();
    canary(&tmp.path().join("outside"), "outside");
    let before = snapshot(tmp.path());

    let spec = format!("{}::/ro::ro", ro.display());
    let run = capwasi(&["--dir", &spec, guest("c-tests/advisory_trunc_readonly").to_str().unwrap()], true);
    assert_lines(
        &run,
        "\
TRUNC with FD_READ (the advisory's call): NOTCAPABLE
TRUNC with no rights: NOTCAPABLE
TRUNC|CREAT with FD_READ: NOTCAPABLE
TRUNC through a symlink: NOTCAPABLE
TRUNC with FD_READ|FD_WRITE: NOTCAPABLE
libc open O_RDONLY|O_TRUNC: Capabilities insufficient
libc open O_WRONLY|O_TRUNC: Capabilities insufficient
open for reading: SUCCESS
  opened; size now 20
",
        "GHSA-2r75-cxrj-cmph",
    );
    // The last row read nothing, only opened: times and content all stay.
    assert_eq!(snapshot(tmp.path()), before, "nothing changed, beneath the preopen or beside it");
}

/// GHSA-4ch3-9j33-3pmj: a file reachable only through a read-only preopen was hard-linked or
/// renamed into a writable preopen, then overwritten through its new name.
#[test]
fn link_or_rename_from_a_read_only_into_a_writable_preopen_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (ro, rw) = (tmp.path().join("ro"), tmp.path().join("rw"));
    std::fs::create_dir_all(ro.join("sub")).unwrap();
    std::fs::create_dir(&rw).unwrap();
    canary(&ro.join("secret.txt"), "read-only secret");
    canary(&ro.join("sub/inner.txt"), "read-only inner");
    std::fs::write(rw.join("own"), "the guest's own").unwrap();
    canary(&tmp.path().join("outside"), "outside");
    let before_ro = snapshot(&ro);
    let before_rw = snapshot(&rw);

    let ro_spec = format!("{}::/ro::ro", ro.display());
    let rw_spec = format!("{}::/rw", rw.display());
    let run = capwasi(
        &["--dir", &ro_spec, "--dir", &rw_spec, guest("c-tests/advisory_link_rename_readonly").to_str().unwrap()],
        true,
    );
    assert_lines(
        &run,
        "\
link /ro/secret.txt -> /rw/alias: NOTCAPABLE
  open /rw/alias for writing: NOENT
rename /ro/secret.txt -> /rw/moved: NOTCAPABLE
  open /rw/moved for writing: NOENT
open /ro/sub: SUCCESS
link /ro/sub/inner.txt -> /rw/inner: NOTCAPABLE
  open /rw/inner for writing: NOENT
rename /ro/sub/inner.txt -> /rw/inner2: NOTCAPABLE
  open /rw/inner2 for writing: NOENT
rename /ro/sub -> /rw/subdir: NOTCAPABLE
libc link: Capabilities insufficient
libc rename: Capabilities insufficient
link /rw/own -> /rw/own2: SUCCESS
",
        "GHSA-4ch3-9j33-3pmj",
    );
    assert_eq!(snapshot(&ro), before_ro, "the read-only files keep content, link count and ctime");
    let mut after_rw = snapshot(&rw);
    after_rw.retain(|l| !l.contains("/own"));
    assert!(after_rw.is_empty(), "nothing reached the writable preopen but own2: {after_rw:?}");
    assert_eq!(before_rw.len(), 1);
}

/// The tree of GHSA-vqjp-4c8c-hfgg's attack: `root/outside/canary` beside the preopen
/// `root/sandbox`, which holds the escaping symlinks when `existing`.
fn trailing_slash_tree(existing: bool) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("outside")).unwrap();
    std::fs::create_dir(tmp.path().join("sandbox")).unwrap();
    canary(&tmp.path().join("outside/canary"), "CANARY");
    if existing {
        symlink("../outside", tmp.path().join("sandbox/esc")).unwrap();
        symlink("../outside/", tmp.path().join("sandbox/esc2")).unwrap();
    }
    tmp
}

const TRAILING_SLASH_ROWS: &str = "\
open dir esc/: NOTCAPABLE
open dir esc/ follow: NOTCAPABLE
open dir esc//: NOTCAPABLE
open dir esc/.: NOTCAPABLE
open dir esc2 follow: NOTCAPABLE
open dir esc2/: NOTCAPABLE
open esc/canary: NOTCAPABLE
open esc2/canary follow: NOTCAPABLE
";

/// GHSA-vqjp-4c8c-hfgg: a symlink out of the sandbox, opened as `link/`, reached the host file
/// system (cap-std passed `link/` with O_NOFOLLOW, which a trailing slash overrides). A guest
/// with a writable directory makes its own symlink; a read-only one uses those it finds. Run
/// with and without openat2, since on Linux the bug lived in cap-std's fallback without it.
#[test]
fn a_symlink_out_of_the_sandbox_opened_with_a_trailing_slash_is_refused() {
    for openat2 in [true, false] {
        for (mode, ro) in [("make", ""), ("exist", "::ro")] {
            let what = format!("GHSA-vqjp-4c8c-hfgg, {mode}, openat2 {openat2}");
            let tmp = trailing_slash_tree(mode == "exist");
            let outside = tmp.path().join("outside");
            let before = snapshot(&outside);
            age(&outside); // after the snapshot, which listed it
            let spec = format!("{}::/sandbox{ro}", tmp.path().join("sandbox").display());
            let run = capwasi(
                &["--dir", &spec, guest("c-tests/advisory_trailing_slash_symlink").to_str().unwrap(), mode],
                openat2,
            );
            let made = if mode == "make" {
                "symlink esc -> ../outside: SUCCESS\nsymlink esc2 -> ../outside/: SUCCESS\n"
            } else {
                ""
            };
            let changes = "open esc/pwned creat: NOTCAPABLE\n\
                 filestat esc/: NOTCAPABLE\n\
                 filestat esc2/canary: NOTCAPABLE\n\
                 mkdir esc/newdir: NOTCAPABLE\n\
                 mkdir esc2/newdir/: NOTCAPABLE\n\
                 set_times esc/: NOTCAPABLE\n\
                 unlink esc/canary: NOTCAPABLE\n\
                 rename esc/canary -> stolen: NOTCAPABLE\n\
                 link esc/canary -> stolen: NOTCAPABLE\n\
                 symlink esc/planted -> x: NOTCAPABLE\n";
            let expected = format!(
                "{made}{TRAILING_SLASH_ROWS}{changes}readlink esc/: NOTCAPABLE\n\
                 libc opendir /sandbox/esc/: Capabilities insufficient\n\
                 libc open /sandbox/esc2/: Capabilities insufficient\n"
            );
            assert_lines(&run, &expected, &what);
            let md = std::fs::metadata(&outside).unwrap();
            assert_eq!((md.atime(), md.mtime()), (1000, 2000), "{what}: the outside directory was not listed");
            assert_eq!(snapshot(&outside), before, "{what}: the canary was neither read nor changed");
            let beside: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
            assert_eq!(beside.len(), 2, "{what}: nothing appeared beside the sandbox: {beside:?}");
        }
    }
}

/// `root/outside` (with `canary`, and the directories `extra`) beside the writable preopen
/// `root/sandbox` (with `files`, each holding its own name, and `dirs`), all aged.
fn sandbox_beside_outside(files: &[&str], dirs: &[&str], extra: &[&str]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let (sandbox, outside) = (tmp.path().join("sandbox"), tmp.path().join("outside"));
    std::fs::create_dir(&sandbox).unwrap();
    std::fs::create_dir(&outside).unwrap();
    canary(&outside.join("canary"), "CANARY");
    for name in files {
        canary(&sandbox.join(name), name);
    }
    for name in dirs {
        std::fs::create_dir(sandbox.join(name)).unwrap();
    }
    for name in extra {
        std::fs::create_dir(outside.join(name)).unwrap();
        age(&outside.join(name));
    }
    tmp
}

/// GHSA-m9f7-9w4p-gv38 (wasmtime): renaming a symlink, or onto one, with a trailing slash
/// renamed the symlink's target or replaced the symlink. On Linux a trailing slash asks for a
/// directory: a file or symlink named so is ENOTDIR and nothing changes.
#[test]
fn renaming_a_symlink_or_onto_one_with_a_trailing_slash_changes_nothing() {
    for openat2 in [true, false] {
        let what = format!("GHSA-m9f7-9w4p-gv38, openat2 {openat2}");
        let tmp = sandbox_beside_outside(&["f"], &["d"], &["sub"]);
        let outside = tmp.path().join("outside");
        let before = snapshot(&outside);
        age(&outside);
        let spec = format!("{}::/sandbox", tmp.path().join("sandbox").display());
        let run = capwasi(&["--dir", &spec, guest("c-tests/advisory_rename_symlink_slash").to_str().unwrap()], openat2);
        assert_lines(
            &run,
            "\
symlink esc -> ../outside: SUCCESS
symlink esc2 -> ../outside/: SUCCESS
symlink escf -> ../outside/canary: SUCCESS
symlink dl -> d: SUCCESS
symlink dl2 -> d/: SUCCESS
rename f -> esc/: NOTDIR
rename f -> esc//: NOTDIR
rename f -> esc2/: NOTDIR
rename f -> escf/: NOTDIR
rename f -> dl/: NOTDIR
rename d -> esc/: NOTDIR
rename d -> dl2/: NOTDIR
rename esc/ -> moved: NOTDIR
rename esc2/ -> moved: NOTDIR
rename esc// -> moved/: NOTDIR
rename escf/ -> moved: NOTDIR
rename dl/ -> moved: NOTDIR
rename dl2/ -> moved: NOTDIR
rename esc -> moved/: NOTDIR
rename esc/canary -> stolen: NOTCAPABLE
rename esc/sub/ -> stolen: NOTCAPABLE
rename f -> esc/sub/: NOTCAPABLE
rename f -> esc2/planted: NOTCAPABLE
rename dl/ -> /abs: NOTCAPABLE
rename f -> ../outside/x/: NOTCAPABLE
symlink x/ -> /etc: NOTCAPABLE
rename esc -> moved: SUCCESS
readlink moved: SUCCESS
  moved -> ../outside
rename moved -> esc: SUCCESS
libc rename f -> esc/: Not a directory
libc rename esc/ -> x: Not a directory
",
            &what,
        );
        let md = std::fs::metadata(&outside).unwrap();
        assert_eq!((md.atime(), md.mtime()), (1000, 2000), "{what}: the outside directory was not listed");
        assert_eq!(snapshot(&outside), before, "{what}: nothing outside moved, changed or was read");
        let sandbox = tmp.path().join("sandbox");
        let mut after: Vec<String> = snapshot(&sandbox)
            .iter()
            .map(|line| line.split(" size ").next().unwrap().replace(&sandbox.display().to_string(), ""))
            .map(|line| line.split(" atime ").next().unwrap().to_string())
            .collect();
        after.sort();
        assert_eq!(
            after,
            [
                "/d dir",
                "/dl -> d",
                "/dl2 -> d/",
                "/esc -> ../outside",
                "/esc2 -> ../outside/",
                "/escf -> ../outside/canary",
                "/f \"f\"",
            ],
            "{what}: every symlink and the file are where they were"
        );
    }
}

/// GHSA-hp8f-xmx4-4qrg (cap-std): on the component-by-component route (Linux without openat2), a
/// symlink whose target ends in `/` was followed though the call asked not to follow: the
/// target's slash made the kernel follow it. Every call that does not follow must act on the
/// link itself, whether its target is inside the sandbox or out.
#[test]
fn a_symlink_whose_target_ends_in_a_slash_is_not_followed_without_symlink_follow() {
    for openat2 in [true, false] {
        let what = format!("GHSA-hp8f-xmx4-4qrg, openat2 {openat2}");
        let tmp = sandbox_beside_outside(&[], &["d"], &["emptydir"]);
        canary(&tmp.path().join("sandbox/d/inner"), "inner");
        age(&tmp.path().join("sandbox/d"));
        let outside = tmp.path().join("outside");
        let before = snapshot(&outside);
        age(&outside);
        let spec = format!("{}::/sandbox", tmp.path().join("sandbox").display());
        let run =
            capwasi(&["--dir", &spec, guest("c-tests/advisory_nofollow_slash_target").to_str().unwrap()], openat2);
        let rows = |link: &str, target: &str| {
            format!(
                "open {link}: LOOP\nopen {link} O_DIRECTORY: NOTDIR\nopen {link} O_CREAT: LOOP\n\
                 filestat {link}: SUCCESS symlink\nset_times {link}: SUCCESS\n  {link} mtime now 5 s\n\
                 rmdir {link}: NOTDIR\nmkdir {link}: EXIST\nsymlink x at {link}: EXIST\n\
                 readlink {link}: SUCCESS\n  {link} -> {target}\nlink {link} -> hard: SUCCESS\n  hard: SUCCESS symlink\n\
                 rename {link} -> moved: SUCCESS\n  moved: SUCCESS symlink\nunlink moved: SUCCESS\n"
            )
        };
        let expected = format!(
            "symlink in -> d/: SUCCESS\nsymlink esc -> ../outside/: SUCCESS\n\
             symlink esce -> ../outside/emptydir/: SUCCESS\n{}{}{}\
             filestat d (the inside target): SUCCESS\n  d: directory, mtime kept\nfilestat d/inner: SUCCESS\n",
            rows("in", "d/"),
            rows("esc", "../outside/"),
            rows("esce", "../outside/emptydir/"),
        );
        assert_lines(&run, &expected, &what);
        let md = std::fs::metadata(&outside).unwrap();
        assert_eq!((md.atime(), md.mtime()), (1000, 2000), "{what}: the outside directory was not listed");
        assert_eq!(snapshot(&outside), before, "{what}: emptydir and the canary are untouched");
        let d = std::fs::metadata(tmp.path().join("sandbox/d")).unwrap();
        assert_eq!(d.mtime(), 2000, "{what}: the inside target's times did not change");
    }
}

/// GHSA-3p27-qvp9-27qf (wasmtime): `fd_renumber` leaked. Renumbering onto an open descriptor
/// closes what it held, host descriptor included; onto itself it changes nothing; a number not
/// open on either side is EBADF and touches nothing. capwasi runs under RLIMIT_NOFILE 32 and
/// `--max-fds 8`: 3000 renumbers that leaked one host descriptor each would fail.
#[test]
fn fd_renumber_closes_what_it_replaces_and_leaks_no_descriptor() {
    for openat2 in [true, false] {
        let what = format!("GHSA-3p27-qvp9-27qf, openat2 {openat2}");
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("a"), "A").unwrap();
        std::fs::write(tmp.path().join("b"), "B").unwrap();
        let spec = format!("{}::/sandbox", tmp.path().display());
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_capwasi"));
        cmd.args(["run", "--no-cache", "--max-fds", "8", "--dir", &spec])
            .arg(guest("c-tests/advisory_renumber"))
            .arg("3000")
            .env_clear();
        if !openat2 {
            no_openat2::without_openat2(&mut cmd);
        }
        // SAFETY: setrlimit is async-signal-safe; it runs in the child between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                let limit = libc::rlimit { rlim_cur: 32, rlim_max: 32 };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let out = cmd.output().expect("run capwasi");
        let run = Run {
            status: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert_lines(
            &run,
            "\
open a: SUCCESS
open b: SUCCESS
renumber b -> b: SUCCESS
  b reads B
renumber b -> 1000 (not open): BADF
  b reads B
renumber 1000 (not open) -> b: BADF
  b reads B
renumber a -> b: SUCCESS
  b reads A
fdstat a (moved away): BADF
open a again: SUCCESS
  took the freed number: yes
3000 rounds of open + renumber onto b: SUCCESS
  b reads A
",
            &what,
        );
    }
}

/// WAMR GHSA-wj3p-xhqm-pffc: `poll_oneoff` overflowed the host heap, its buffers sized by a
/// 32-bit product of `nsubscriptions` that wraps. Counts the host will not take are EINVAL,
/// arrays out of memory EFAULT (both before anything is read or written), and no byte past the
/// reported events is written.
#[test]
fn poll_oneoff_refuses_counts_that_wrap_and_writes_only_its_events() {
    for openat2 in [true, false] {
        let what = format!("GHSA-wj3p-xhqm-pffc, openat2 {openat2}");
        let run = capwasi(&[guest("c-tests/advisory_poll_overflow").to_str().unwrap()], openat2);
        assert_lines(
            &run,
            "\
3 expired clocks: SUCCESS, events 3, bytes after them untouched
nsubscriptions 0: INVAL, events 0, bytes after them untouched
nsubscriptions 0x05555556 (48 * n wraps): INVAL, events 0, bytes after them untouched
nsubscriptions 0x08000000 (32 * n wraps): INVAL, events 0, bytes after them untouched
nsubscriptions 0xffffffff: INVAL, events 0, bytes after them untouched
nsubscriptions 65536, arrays past memory: FAULT, events 0, bytes after them untouched
subscriptions straddle the end of memory: FAULT, events 0, bytes after them untouched
events straddle the end of memory: FAULT, events 0, bytes after them untouched
events beyond memory: FAULT, events 0, bytes after them untouched
events misaligned: INVAL, events 0, bytes after them untouched
events over their own subscriptions: SUCCESS, userdata as subscribed
",
            &what,
        );
    }
}

/// CVE-2024-38358 (Wasmer, GHSA-55f3-3qvg-8pv5): `path_open(SYMLINK_FOLLOW, "dir/file", CREAT,
/// FD_READ|FD_WRITE)` with `dir/file -> ../../outside.file` opened the file outside the preopen;
/// a symlink the guest made itself could crash the runtime when opened.
#[test]
fn o_creat_through_a_symlink_out_of_the_sandbox_is_refused_without_a_crash() {
    for openat2 in [true, false] {
        let what = format!("CVE-2024-38358, openat2 {openat2}");
        let tmp = tempfile::tempdir().unwrap();
        let preopen = tmp.path().join("preopen");
        std::fs::create_dir_all(preopen.join("dir")).unwrap();
        canary(&tmp.path().join("outside.file"), "OUTSIDE");
        symlink("../../outside.file", preopen.join("dir/file")).unwrap();
        symlink("../outside.file", preopen.join("file_link")).unwrap();
        let outside_before: Vec<_> = snapshot(tmp.path()).into_iter().filter(|l| !l.contains("/preopen")).collect();

        let spec = format!("{}::/app", preopen.display());
        let run = capwasi(&["--dir", &spec, guest("c-tests/advisory_symlink_creat").to_str().unwrap()], openat2);
        assert_lines(
            &run,
            "\
open dir/file: NOTCAPABLE
open dir/file trunc: NOTCAPABLE
open dir/file excl: EXIST
open file_link: NOTCAPABLE
open file_link trunc: NOTCAPABLE
symlink made -> ../outside.file: SUCCESS
open made: NOTCAPABLE
open made: NOTCAPABLE
symlink deep -> ../../../../../../../etc/passwd: SUCCESS
open deep: NOTCAPABLE
symlink dangle -> ../created_outside: SUCCESS
open dangle: NOTCAPABLE
libc open O_RDWR|O_CREAT /app/dir/file: Capabilities insufficient
libc open O_WRONLY|O_CREAT /app/dangle: Capabilities insufficient
",
            &what,
        );
        let outside_after: Vec<_> = snapshot(tmp.path()).into_iter().filter(|l| !l.contains("/preopen")).collect();
        assert_eq!(outside_after, outside_before, "{what}: outside.file neither read nor changed, nothing created");
    }
}
