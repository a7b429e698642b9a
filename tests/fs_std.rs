//! Rust's std::fs through capwasi (rust-tests/src/bin/fs_std.rs), checked in
//! the guest's own words and then on the real disk.

mod common;

use capwasi::DirPerms;
use common::{guest, run};

const EXPECTED: &str = "\
create_dir_all: ok
read back: hello from std
metadata: file=true len=14
after append, from offset 6: from std!
read_dir: b,x.txt,y.txt,z.txt
rename: x
read_link: b/moved.txt
through link: x
symlink_metadata is_symlink: true
hard link: y
missing: NotFound
create existing dir: AlreadyExists
remove non-empty dir: os error Some(55)
escape: os error Some(76)
outside every preopen: NotFound
left in a: link,y-hard.txt,y.txt
";

#[test]
fn rust_std_fs_works_and_stays_in_the_sandbox() {
    let outside = tempfile::tempdir().unwrap();
    let sandbox = outside.path().join("sandbox");
    std::fs::create_dir(&sandbox).unwrap();
    std::fs::write(outside.path().join("canary"), "secret").unwrap();
    std::os::unix::fs::symlink("b/moved.txt", sandbox.join("link")).unwrap();
    let out = run(&guest("rust-tests/fs_std"), |b| {
        b.preopened_dir_path(&sandbox, "/sandbox", DirPerms::ReadWrite).unwrap();
    });
    assert_eq!(out.exit, Some(0), "{out:?}");
    assert_eq!(out.stdout, EXPECTED);
    let mut names: Vec<_> = std::fs::read_dir(sandbox.join("a")).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert_eq!(names, ["link", "y-hard.txt", "y.txt"]);
    assert_eq!(std::fs::read_link(sandbox.join("a/link")).unwrap().to_str(), Some("b/moved.txt"));
    assert_eq!(std::fs::read_to_string(sandbox.join("a/y-hard.txt")).unwrap(), "y");
    use std::os::unix::fs::MetadataExt;
    assert_eq!(std::fs::metadata(sandbox.join("a/y.txt")).unwrap().nlink(), 2, "a real hard link");
    let mut outside_names: Vec<_> =
        std::fs::read_dir(outside.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    outside_names.sort();
    assert_eq!(outside_names, ["canary", "sandbox"]);
}
