//! Links, symlinks, readlink truncation, rename/unlink/rmdir/mkdir errnos,
//! set_times on a symlink itself, and EMFILE (c-tests/fs_links.c).

mod common;

use std::os::unix::fs::MetadataExt;

use capwasi::DirPerms;
use common::{guest, run};

#[test]
fn links_symlinks_renames_and_removals_give_exact_errnos_and_the_disk_agrees() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::write(root.join("file"), "0123456789").unwrap();
    std::fs::create_dir(root.join("dir")).unwrap();
    std::fs::write(root.join("dir/inner"), "").unwrap();
    let out = run(&guest("c-tests/fs_links"), |b| {
        b.preopened_dir_path(root, "/sandbox", DirPerms::ReadWrite).unwrap();
        b.max_open_fds(6);
    });
    assert_eq!(out.exit, Some(0), "{out:?}");
    assert_eq!(out.stdout, EXPECTED);
    let mut names: Vec<_> = std::fs::read_dir(root).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert_eq!(names, ["dir_moved", "file", "renamed"]);
    assert_eq!(
        std::fs::metadata(root.join("file")).unwrap().ino(),
        std::fs::metadata(root.join("renamed")).unwrap().ino()
    );
    assert_eq!(std::fs::metadata(root.join("file")).unwrap().mtime(), 8000);
    assert!(root.join("dir_moved/inner").exists());
}

const EXPECTED: &str = "\
symlink: SUCCESS
symlink exists: EXIST
symlink dangling with trailing slash: NOENT
readlink: SUCCESS
readlink -> file (4)
readlink into 2 bytes: SUCCESS
truncated -> fi (2), next byte untouched: 1
readlink of a file: INVAL
filestat nofollow: SUCCESS
nofollow type 7
filestat follow: SUCCESS
follow type 4 size 10
filestat file/: NOTDIR
filestat sl/: NOTDIR
filestat dir/: SUCCESS
set_times on symlink itself: SUCCESS
link mtim 7000000000000, target mtim changed: 0
set_times following: SUCCESS
target mtim 8000000000000
link: SUCCESS
nlink 2
link exists: EXIST
link follow flag: INVAL
link a dir: PERM
link missing: NOENT
mkdir: SUCCESS
mkdir exists: EXIST
mkdir over file: EXIST
rmdir non-empty: NOTEMPTY
rmdir a file: NOTDIR
rmdir .: INVAL
rmdir file/: NOTDIR
rmdir newdir/: SUCCESS
unlink a dir: ISDIR
unlink file/: NOTDIR
unlink symlink itself: SUCCESS
unlink missing: NOENT
rename file: SUCCESS
rename file over dir: ISDIR
rename dir over file: NOTDIR
rename dir into itself: INVAL
rename missing: NOENT
rename dir: SUCCESS
open 1: SUCCESS
open 2: SUCCESS
open 3 past the cap: MFILE
create past the cap: MFILE
open after close: SUCCESS
reused 1
";
