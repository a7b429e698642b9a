//! Files capwasi writes for the user: `--stats=json:PATH`, `--trace-file
//! PATH`, `capwasi test --json OUT`, `capwasi compile -o OUT`.
//!
//! A guest writes files as the user. With a writable preopen holding one of
//! these paths' directories it could plant `stats.json -> ../victim.txt`, and
//! a plain create would follow the link and overwrite a file outside every
//! preopen. So each is opened *before the guest starts*, with `O_NOFOLLOW` on
//! its last component, must be a regular file with no other hard link, and is
//! written only through that descriptor: whatever the guest renames or links
//! in its place while it runs, the host writes the file it opened. (A
//! directory above the file is the user's choice, made before the guest ran;
//! a link among them is followed, as the user named it.)

use std::fs::File;
use std::io::{Seek, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

/// Opens (creating it if needed, emptying it) the file at `path` that capwasi
/// writes for the user, refusing a symbolic link, anything but a regular file
/// and a file with other hard links; the error is one line naming `path`.
pub fn create(path: &Path) -> Result<File, String> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        // Opening a FIFO nobody reads fails (ENXIO) instead of blocking; the
        // check below refuses it either way.
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .mode(0o644)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => format!(
                "{} is a symbolic link, and capwasi does not write its files through one (a guest may have \
                 planted it): remove it, or name another path",
                path.display()
            ),
            _ => format!("cannot create {}: {e}", path.display()),
        })?;
    let meta = file.metadata().map_err(|e| format!("cannot look at {}: {e}", path.display()))?;
    if !meta.is_file() {
        return Err(format!("{} is not a regular file: name a file to write", path.display()));
    }
    if meta.nlink() > 1 {
        return Err(format!(
            "{} has {} hard links, and writing it would change the others too: remove it, or name another path",
            path.display(),
            meta.nlink()
        ));
    }
    file.set_len(0).map_err(|e| format!("cannot empty {}: {e}", path.display()))?;
    Ok(file)
}

/// Replaces the content of `file` (opened by [`create`]) with `bytes`.
pub fn replace(mut file: &File, bytes: &[u8]) -> std::io::Result<()> {
    file.set_len(0)?;
    file.rewind()?;
    file.write_all(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symlink_is_refused_and_its_target_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("victim"), "keep").unwrap();
        std::os::unix::fs::symlink("victim", dir.path().join("out")).unwrap();
        let err = create(&dir.path().join("out")).unwrap_err();
        assert!(err.ends_with("out is a symbolic link, and capwasi does not write its files through one (a guest may have planted it): remove it, or name another path"), "{err}");
        assert_eq!(std::fs::read_to_string(dir.path().join("victim")).unwrap(), "keep");
    }

    #[test]
    fn a_dangling_symlink_is_refused_and_nothing_created() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("made", dir.path().join("out")).unwrap();
        assert!(create(&dir.path().join("out")).unwrap_err().contains("is a symbolic link"));
        assert!(!dir.path().join("made").exists());
    }

    #[test]
    fn hard_links_fifos_and_directories_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("victim"), "keep").unwrap();
        std::fs::hard_link(dir.path().join("victim"), dir.path().join("out")).unwrap();
        assert!(create(&dir.path().join("out")).unwrap_err().contains("has 2 hard links"));
        assert_eq!(std::fs::read_to_string(dir.path().join("victim")).unwrap(), "keep");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            dir.path().join("fifo"),
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        assert!(create(&dir.path().join("fifo")).is_err(), "a FIFO neither blocks nor is taken");
        assert!(create(dir.path()).is_err());
    }

    #[test]
    fn a_regular_file_is_emptied_then_replaced_through_the_descriptor() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        std::fs::write(&path, "old content").unwrap();
        let file = create(&path).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
        // Swapped for a link while open: the host still writes the file it opened.
        std::fs::rename(&path, dir.path().join("moved")).unwrap();
        std::fs::write(dir.path().join("victim"), "keep").unwrap();
        std::os::unix::fs::symlink("victim", &path).unwrap();
        replace(&file, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join("moved")).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(dir.path().join("victim")).unwrap(), "keep");
    }
}
