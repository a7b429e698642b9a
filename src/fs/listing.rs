//! A directory's entries, read once per listing.
//!
//! fd_readdir hands entries out in small batches, named by cookies. Reading
//! the whole directory once when a listing starts (cookie 0) and serving every
//! later cookie by index keeps a full listing O(n) in the directory's size,
//! instead of re-reading (and re-stat-ing) it on every call.

use std::io;

use rustix::fs::FileType;

use crate::fs::OpenDir;

/// One directory entry.
pub struct Entry {
    /// The name's bytes (not NUL-terminated).
    pub name: Box<[u8]>,
    /// The inode number, as `stat` reports it.
    pub ino: u64,
    /// The entry's type, without following a symlink.
    pub file_type: FileType,
}

/// Every entry of a directory at the time it was read: `.`, `..`, then the
/// host's entries in the host's order.
pub struct Listing {
    pub entries: Vec<Entry>,
}

impl Listing {
    /// Reads all of `dir`'s entries.
    ///
    /// `.` carries the directory's own inode. `..` carries it too: a
    /// descriptor is the root of what the guest can reach through it, so its
    /// parent is itself, as `/`'s is (and no inode from outside leaks in).
    /// Entries whose type the file system does not store in the directory
    /// are stat-ed once, without following symlinks.
    pub fn read(open_dir: &OpenDir) -> io::Result<Listing> {
        let dir = &open_dir.dir;
        let own = rustix::fs::fstat(dir)?;
        let mut entries = vec![
            Entry { name: Box::from(&b"."[..]), ino: own.st_ino, file_type: FileType::Directory },
            Entry { name: Box::from(&b".."[..]), ino: own.st_ino, file_type: FileType::Directory },
        ];
        // A fresh descriptor: its own position, and readable (a preopen is `O_PATH`).
        let mut host = rustix::fs::Dir::new(open_dir.open_self()?.into_std())?;
        while let Some(entry) = host.read() {
            let entry = entry?;
            let name = entry.file_name().to_bytes();
            if name == b"." || name == b".." {
                continue;
            }
            let mut file_type = entry.file_type();
            if file_type == FileType::Unknown {
                let stat = rustix::fs::statat(dir, entry.file_name(), rustix::fs::AtFlags::SYMLINK_NOFOLLOW)?;
                file_type = FileType::from_raw_mode(stat.st_mode);
            }
            entries.push(Entry { name: Box::from(name), ino: entry.ino(), file_type });
        }
        Ok(Listing { entries })
    }
}
