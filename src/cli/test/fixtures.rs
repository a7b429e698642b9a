//! Fresh copies of a test's fixture directories, so the suite on disk is never
//! changed by a run.

use std::fs;
use std::io;
use std::path::Path;

/// Leftovers a previous run (of this or another runtime) left in a fixture;
/// they are not copied, so every run starts clean.
const CLEANUP_SUFFIX: &str = ".cleanup";

/// The first symlink on the way from `dir` to `dir/name` (each component of
/// `name` in turn), if any: a fixture reached through one may lead out of
/// the suite, so the runner refuses it.
pub fn link_on_the_way(dir: &Path, name: &str) -> io::Result<Option<std::path::PathBuf>> {
    let mut path = dir.to_path_buf();
    for component in Path::new(name).components() {
        path.push(component);
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => return Ok(Some(path)),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

/// Copies the directory tree `from` to `to` (which must not exist), leaving out
/// every `*.cleanup` entry. Symbolic links are copied as links, unchanged, so
/// fixtures that test link handling keep their links.
pub fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir(to)?;
    let mut entries = fs::read_dir(from)?.collect::<io::Result<Vec<_>>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        if name.to_string_lossy().ends_with(CLEANUP_SUFFIX) {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        let kind = entry.file_type()?;
        if kind.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(&src)?, &dst)?;
        } else if kind.is_dir() {
            copy_tree(&src, &dst)?;
        } else {
            fs::copy(&src, &dst)?;
        }
    }
    // Last, so a read-only fixture directory can still be filled.
    fs::set_permissions(to, fs::metadata(from)?.permissions())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_anywhere_on_a_fixtures_path_is_found() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir_all(tmp.path().join("suite/real/sub")).unwrap();
        std::os::unix::fs::symlink("/etc", tmp.path().join("suite/out")).unwrap();
        std::os::unix::fs::symlink("real", tmp.path().join("suite/alias")).unwrap();
        let suite = tmp.path().join("suite");
        assert_eq!(link_on_the_way(&suite, "real/sub").unwrap(), None);
        assert_eq!(link_on_the_way(&suite, "out").unwrap(), Some(suite.join("out")));
        assert_eq!(link_on_the_way(&suite, "alias/sub").unwrap(), Some(suite.join("alias")));
        assert_eq!(link_on_the_way(&suite, "missing").unwrap(), None);
    }

    #[test]
    fn copies_files_dirs_and_links_but_not_cleanup_leftovers() {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("fixture");
        fs::create_dir_all(src.join("sub")).unwrap();
        fs::write(src.join("sub/file"), "data").unwrap();
        fs::write(src.join("old.cleanup"), "").unwrap();
        fs::create_dir(src.join("dir.cleanup")).unwrap();
        std::os::unix::fs::symlink("../outside", src.join("link")).unwrap();

        let dst = tmp.path().join("copy");
        copy_tree(&src, &dst).unwrap();
        assert_eq!(fs::read_to_string(dst.join("sub/file")).unwrap(), "data");
        assert_eq!(fs::read_link(dst.join("link")).unwrap(), Path::new("../outside"));
        assert!(!dst.join("old.cleanup").exists());
        assert!(!dst.join("dir.cleanup").exists());
        assert!(src.join("old.cleanup").exists(), "the original is left alone");
    }
}
