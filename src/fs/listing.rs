//! A directory's entries, read at the kernel's own positions.
//!
//! fd_readdir hands entries out in batches, named by cookies. Each batch is
//! read straight from the host directory at the position the kernel reported
//! after the last entry handed out (`d_off`, what `telldir` returns), so a
//! full listing is one pass over the directory and nothing of it is kept
//! between calls but what the last read brought beyond the end of its batch
//! (at most [`MAX_PENDING`] bytes of entries, as a libc `DIR` keeps its
//! buffer): host memory per descriptor does not grow with the directory, and
//! a call takes one read buffer of at most [`MAX_READ_BUFFER`] bytes.
//!
//! A batch that goes on where the last one stopped (the usual case) hands out
//! those kept entries first and reads on without a seek. That matters beyond
//! the system call: ext4 re-reads and re-hashes a block of entries whenever a
//! directory is read from another position than where its last read ended.

use std::collections::VecDeque;
use std::io;
use std::mem::MaybeUninit;

use rustix::fd::{AsFd, BorrowedFd};
use rustix::fs::{AtFlags, FileType, RawDir, RawDirEntry, SeekFrom};

/// The most bytes one read of a directory (`getdents64`) asks the kernel for.
pub const MAX_READ_BUFFER: usize = 64 * 1024;

/// Room for the largest `getdents64` record (19 bytes, a 255-byte name and
/// its NUL, 8-byte aligned: 280) and then some: a read this much larger than
/// the batch still needs ends the batch with a record cut.
const RECORD_ROOM: usize = 512;

/// The most bytes of entries (names and 32 bytes each) kept from one batch
/// for the next; a batch that read more past its end leaves none, and the
/// next one seeks.
pub const MAX_PENDING: usize = 4096;

/// One host directory entry.
pub struct Entry<'a> {
    /// The name's bytes (not NUL-terminated).
    pub name: &'a [u8],
    /// The inode number, as `stat` reports it.
    pub ino: u64,
    /// The entry's type, without following a symlink.
    pub file_type: FileType,
    /// The kernel's position after this entry: where a read resumes to get
    /// the entries that follow it.
    pub next: u64,
}

/// What takes the entries of a listing: the guest's buffer.
pub trait Sink {
    /// The bytes of room left.
    fn room(&self) -> usize;
    /// Takes `entry`, cut at the end of the room if it does not fit whole:
    /// `false` if it was cut, which ends the batch.
    fn push(&mut self, entry: &Entry<'_>) -> bool;
}

/// How a directory descriptor is listed from one call to the next.
#[derive(Default)]
pub struct Listing {
    reader: Reader,
    cursor: Option<Cursor>,
}

/// The descriptor `getdents` reads a directory through.
#[derive(Default)]
enum Reader {
    /// Not decided yet: no listing so far.
    #[default]
    Unknown,
    /// The directory's own descriptor, which is readable.
    Own,
    /// One opened for reading, because the directory's own is `O_PATH` (as
    /// cap-std opens preopens), which `getdents` refuses.
    Opened(cap_std::fs::File),
}

/// Where the last batch stopped: a batch from `position` may go on reading
/// the descriptor without a seek, handing out `pending` first.
struct Cursor {
    position: u64,
    /// The entries the last read brought past the end of its batch (the
    /// first of them cut there), which the kernel's position is already past.
    pending: VecDeque<OwnedEntry>,
}

struct OwnedEntry {
    name: Box<[u8]>,
    ino: u64,
    file_type: FileType,
    next: u64,
}

impl OwnedEntry {
    fn new(entry: &Entry<'_>) -> Self {
        OwnedEntry { name: entry.name.into(), ino: entry.ino, file_type: entry.file_type, next: entry.next }
    }

    fn entry(&self) -> Entry<'_> {
        Entry { name: &self.name, ino: self.ino, file_type: self.file_type, next: self.next }
    }
}

impl Listing {
    /// Hands `sink` the entries of `dir` from kernel position `from` (0: the
    /// start) until the sink is full or the directory ends.
    ///
    /// The host's own `.` and `..` are skipped. An entry whose type the file
    /// system does not store is stat-ed (not following symlinks); one removed
    /// between the read and the stat is skipped. A position the kernel
    /// refuses to seek to (one it never gave out) reads as the end.
    pub fn read(&mut self, dir: &cap_std::fs::Dir, from: u64, sink: &mut impl Sink) -> io::Result<()> {
        let cursor = self.cursor.take();
        let fd = reader(&mut self.reader, dir)?;
        let mut position = from;
        match cursor {
            // From the start is a rewind, which reads the directory afresh.
            Some(Cursor { position: at, mut pending }) if at == from && from != 0 => {
                while let Some(entry) = pending.front() {
                    if !sink.push(&entry.entry()) {
                        self.cursor = Some(Cursor { position, pending });
                        return Ok(());
                    }
                    position = entry.next;
                    pending.pop_front();
                }
            }
            _ => match i64::try_from(from).map(|_| rustix::fs::seek(fd, SeekFrom::Start(from))) {
                Ok(Ok(_)) => {}
                Ok(Err(rustix::io::Errno::INVAL | rustix::io::Errno::OVERFLOW)) | Err(_) => return Ok(()),
                Ok(Err(e)) => return Err(e.into()),
            },
        }
        let size = |room: usize| (room.saturating_add(RECORD_ROOM) & !7).min(MAX_READ_BUFFER);
        let mut buffer = vec![MaybeUninit::uninit(); size(sink.room())];
        while sink.room() > 0 {
            let room = sink.room();
            let mut raw = RawDir::new(fd, &mut buffer[..size(room)]);
            let mut pending: Option<VecDeque<OwnedEntry>> = None;
            let mut pending_bytes = 0;
            let mut first = true;
            while first || !raw.is_buffer_empty() {
                let Some(entry) = raw.next() else {
                    // The end of the directory.
                    self.cursor = Some(Cursor { position, pending: VecDeque::new() });
                    return Ok(());
                };
                let entry = entry?;
                first = false;
                let Some(file_type) = file_type(fd, &entry)? else { continue };
                let entry = Entry {
                    name: entry.file_name().to_bytes(),
                    ino: entry.ino(),
                    file_type,
                    next: entry.next_entry_cookie(),
                };
                if pending.is_none() && sink.push(&entry) {
                    position = entry.next;
                    continue;
                }
                // Cut, or past the cut: kept for the next batch, unless too much
                // was read past the batch to keep (then the next batch seeks).
                pending_bytes += entry.name.len() + 32;
                if pending_bytes > MAX_PENDING {
                    return Ok(());
                }
                pending.get_or_insert_with(VecDeque::new).push_back(OwnedEntry::new(&entry));
            }
            if let Some(pending) = pending {
                self.cursor = Some(Cursor { position, pending });
                return Ok(());
            }
        }
        self.cursor = Some(Cursor { position, pending: VecDeque::new() });
        Ok(())
    }
}

/// The type of a directory entry read from `fd`, stat-ed (not following
/// symlinks) if the file system does not store it; `None` for the host's
/// `.` and `..`, and for an entry removed since it was read.
fn file_type(fd: BorrowedFd<'_>, entry: &RawDirEntry<'_>) -> io::Result<Option<FileType>> {
    let name = entry.file_name();
    if name.to_bytes() == b"." || name.to_bytes() == b".." {
        return Ok(None);
    }
    if entry.file_type() != FileType::Unknown {
        return Ok(Some(entry.file_type()));
    }
    match rustix::fs::statat(fd, name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(stat) => Ok(Some(FileType::from_raw_mode(stat.st_mode))),
        Err(rustix::io::Errno::NOENT) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The descriptor to read `dir`'s entries through (see [`Reader`]), decided
/// on the first listing. Its file position is the listing's and nothing
/// else's.
fn reader<'a>(reader: &'a mut Reader, dir: &'a cap_std::fs::Dir) -> io::Result<BorrowedFd<'a>> {
    if let Reader::Unknown = reader {
        let flags = rustix::fs::fcntl_getfl(dir)?;
        *reader = if flags.contains(rustix::fs::OFlags::PATH) {
            Reader::Opened(crate::fs::dir::open_for_reading(dir)?)
        } else {
            Reader::Own
        };
    }
    let reader: &'a Reader = reader;
    Ok(match reader {
        Reader::Opened(file) => file.as_fd(),
        _ => dir.as_fd(),
    })
}
