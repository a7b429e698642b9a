//! The descriptor table: one per instance, numbered as POSIX numbers them.
//!
//! A new descriptor takes the lowest free number, as `open(2)` does, and the
//! table holds at most `max_fds` descriptors (EMFILE beyond). Files,
//! directories, stdio streams and sockets are distinct kinds in one table.
//!
//! A path opened for reading only, without O_DIRECTORY, may be a file or a
//! directory. Its slot holds it [`Untyped`] until the descriptor is first
//! looked up: [`FdTable::get`] asks the host (one fstat) then and keeps the
//! answer. Closing needs no type, so a guest that opens and closes a path
//! (a common way to test for it) pays no fstat; a first read types it by its
//! outcome ([`FdTable::read_untyped`]) and a first fd_filestat_get by the
//! fstat it needs anyway ([`FdTable::get_with_stat`]).

use std::cell::{Cell, OnceCell};

use crate::bindings::types::Fdflags;
use crate::error::{Errno, Error};
use crate::fs::{Access, OpenDir, OpenFile};
use crate::net::Socket;
use crate::stdio::{InputStream, OutputStream};

/// Whatever a descriptor number refers to.
pub enum Descriptor {
    /// An input stream (stdin, or any embedder-provided reader).
    Input(InputStream),
    /// An output stream (stdout, stderr, or any embedder-provided writer).
    Output(OutputStream),
    /// A regular file (or another non-directory the OS opened as a file).
    File(OpenFile),
    /// A directory: a preopen or one opened beneath it.
    Dir(OpenDir),
    /// A socket: a preopened listener or an accepted connection.
    Socket(Socket),
}

/// A path opened for reading only, not yet known to be a file or a directory.
pub struct Untyped {
    /// The host descriptor.
    pub file: cap_std::fs::File,
    /// Opened beneath a read-only preopen.
    pub read_only: bool,
    /// The descriptor flags the guest asked for.
    pub flags: Fdflags,
}

impl Untyped {
    /// Asks the host what was opened (one fstat) and makes it a descriptor;
    /// the stat comes back too, for a caller that wants it.
    fn into_descriptor(self) -> Result<(Descriptor, rustix::fs::Stat), (Self, Error)> {
        let stat = match rustix::fs::fstat(&self.file) {
            Ok(stat) => stat,
            Err(e) => return Err((self, e.into())),
        };
        let is_dir = rustix::fs::FileType::from_raw_mode(stat.st_mode).is_dir();
        Ok((self.typed(is_dir), stat))
    }

    /// The descriptor this is, once it is known whether it is a directory.
    fn typed(self, is_dir: bool) -> Descriptor {
        if is_dir {
            let dir = cap_std::fs::Dir::from_std_file(self.file.into_std());
            Descriptor::opened_dir(dir, self.read_only, self.flags)
        } else {
            Descriptor::opened_file(self.file, Access { read: true, write: false }, self.read_only, self.flags)
        }
    }
}

impl Descriptor {
    /// A directory the guest opened beneath a directory descriptor, keeping
    /// the sync flags of the descriptor flags it asked for (see [`sync_flags`]).
    pub fn opened_dir(dir: cap_std::fs::Dir, read_only: bool, flags: Fdflags) -> Self {
        let mut dir = OpenDir::new(dir, None, read_only);
        dir.flags = sync_flags(flags);
        Descriptor::Dir(dir)
    }

    /// A file the guest opened beneath a directory descriptor, with the
    /// access it was opened with and the descriptor flags it asked for (the
    /// sync flags as [`sync_flags`] says).
    pub fn opened_file(file: cap_std::fs::File, access: Access, read_only: bool, flags: Fdflags) -> Self {
        Descriptor::guest_file(file, access, read_only, flags, false)
    }

    /// A FIFO or character device the guest opened under a run deadline,
    /// non-blocking on the host though `flags` may not say so (see
    /// `crate::fs::waiting`).
    pub fn waiting_file(file: cap_std::fs::File, access: Access, read_only: bool, flags: Fdflags) -> Self {
        Descriptor::guest_file(file, access, read_only, flags, true)
    }

    fn guest_file(file: cap_std::fs::File, access: Access, read_only: bool, flags: Fdflags, waits: bool) -> Self {
        let flags = flags & (Fdflags::APPEND | Fdflags::NONBLOCK) | sync_flags(flags);
        Descriptor::File(OpenFile { file, access, read_only, flags, waits })
    }
}

/// The sync flags of `flags` as Linux `F_GETFL` reports those a descriptor
/// was opened with: `O_SYNC` is `O_DSYNC` plus a flag of its own, and
/// `O_RSYNC` is `O_SYNC` (so cap-std opens RSYNC as `O_SYNC`). SYNC or RSYNC
/// is then all three; DSYNC alone is DSYNC.
pub fn sync_flags(flags: Fdflags) -> Fdflags {
    let all = Fdflags::DSYNC | Fdflags::RSYNC | Fdflags::SYNC;
    if flags.intersects(Fdflags::SYNC | Fdflags::RSYNC) { all } else { flags & Fdflags::DSYNC }
}

/// One descriptor number's contents: a descriptor, or an [`Untyped`] one
/// that becomes a descriptor when first looked up.
#[derive(Default)]
struct Slot {
    desc: OnceCell<Descriptor>,
    untyped: Cell<Option<Untyped>>,
}

impl Slot {
    fn new(desc: Descriptor) -> Self {
        Slot { desc: OnceCell::from(desc), untyped: Cell::new(None) }
    }

    fn is_open(&self) -> bool {
        self.desc.get().is_some() || {
            let untyped = self.untyped.take();
            let open = untyped.is_some();
            self.untyped.set(untyped);
            open
        }
    }

    /// The descriptor, typing an untyped one first. EBADF if the slot is free.
    fn get(&self) -> Result<&Descriptor, Error> {
        self.get_with_stat().map(|(desc, _)| desc)
    }

    /// As [`Slot::get`], with the fstat that typed the descriptor if this call did.
    fn get_with_stat(&self) -> Result<(&Descriptor, Option<rustix::fs::Stat>), Error> {
        if let Some(desc) = self.desc.get() {
            return Ok((desc, None));
        }
        let untyped = self.untyped.take().ok_or(Errno::Badf)?;
        match untyped.into_descriptor() {
            Ok((desc, stat)) => Ok((self.desc.get_or_init(|| desc), Some(stat))),
            Err((untyped, err)) => {
                self.untyped.set(Some(untyped));
                Err(err)
            }
        }
    }
}

/// The default cap on open descriptors per instance.
pub const DEFAULT_MAX_FDS: u32 = 1024;

/// The descriptor table.
pub struct FdTable {
    slots: Vec<Slot>,
    /// No slot below this index is free.
    lowest_free: usize,
    open: u32,
    max_fds: u32,
    /// How many descriptors the cap refused.
    refused: Cell<u64>,
}

impl FdTable {
    /// An empty table holding at most `max_fds` descriptors.
    pub fn new(max_fds: u32) -> Self {
        FdTable { slots: Vec::new(), lowest_free: 0, open: 0, max_fds, refused: Cell::new(0) }
    }

    /// Inserts at the lowest free number. EMFILE when the table is full.
    pub fn push(&mut self, desc: Descriptor) -> Result<u32, Error> {
        self.push_slot(Slot::new(desc))
    }

    /// Inserts a descriptor whose type is asked when it is first looked up.
    pub fn push_untyped(&mut self, untyped: Untyped) -> Result<u32, Error> {
        self.push_slot(Slot { desc: OnceCell::new(), untyped: Cell::new(Some(untyped)) })
    }

    fn push_slot(&mut self, slot: Slot) -> Result<u32, Error> {
        self.check_room()?;
        let mut index = self.lowest_free;
        while index < self.slots.len() && self.slots[index].is_open() {
            index += 1;
        }
        if index == self.slots.len() {
            self.slots.push(Slot::default());
        }
        self.slots[index] = slot;
        self.open += 1;
        self.lowest_free = index + 1;
        Ok(u32::try_from(index)?)
    }

    /// Closes every descriptor; the cap stays.
    pub fn close_all(&mut self) {
        self.slots.clear();
        self.lowest_free = 0;
        self.open = 0;
    }

    /// The descriptor at `fd`, or EBADF.
    pub fn get(&self, fd: u32) -> Result<&Descriptor, Error> {
        self.slots.get(fd as usize).ok_or(Errno::Badf)?.get()
    }

    /// The descriptor at `fd`, or EBADF; and when it was untyped until now,
    /// the fstat that typed it, so that a caller after the file's attributes
    /// (fd_filestat_get) need not ask the host twice.
    pub fn get_with_stat(&self, fd: u32) -> Result<(&Descriptor, Option<rustix::fs::Stat>), Error> {
        self.slots.get(fd as usize).ok_or(Errno::Badf)?.get_with_stat()
    }

    /// Whether `fd` is open and not typed yet.
    pub fn is_untyped(&self, fd: u32) -> bool {
        self.slots.get(fd as usize).is_some_and(|slot| slot.desc.get().is_none() && slot.is_open())
    }

    /// Reads through an untyped descriptor with `read`, and types it by the
    /// outcome, which tells as much as an fstat would: reading a directory
    /// always fails with EISDIR, so a read that succeeds was of a file. Any
    /// other failure leaves it untyped. EBADF if `fd` is not untyped.
    pub fn read_untyped(
        &mut self,
        fd: u32,
        read: impl FnOnce(&cap_std::fs::File) -> rustix::io::Result<usize>,
    ) -> Result<usize, Error> {
        let slot = self.slots.get_mut(fd as usize).ok_or(Errno::Badf)?;
        let untyped = slot.untyped.get_mut().take().ok_or(Errno::Badf)?;
        let result = read(&untyped.file);
        let is_dir = match result {
            Ok(_) => false,
            Err(rustix::io::Errno::ISDIR) => true,
            Err(e) => {
                *slot.untyped.get_mut() = Some(untyped);
                return Err(e.into());
            }
        };
        let _ = slot.desc.set(untyped.typed(is_dir));
        Ok(result?)
    }

    /// The descriptor at `fd` for changing, or EBADF.
    pub fn get_mut(&mut self, fd: u32) -> Result<&mut Descriptor, Error> {
        let slot = self.slots.get_mut(fd as usize).ok_or(Errno::Badf)?;
        slot.get()?;
        Ok(slot.desc.get_mut().expect("typed by get"))
    }

    /// Closes `fd`, freeing its number. EBADF if it is not open.
    pub fn remove(&mut self, fd: u32) -> Result<(), Error> {
        self.take(fd).map(drop)
    }

    fn take(&mut self, fd: u32) -> Result<Slot, Error> {
        let slot = self.slots.get_mut(fd as usize).filter(|slot| slot.is_open()).ok_or(Errno::Badf)?;
        let slot = std::mem::take(slot);
        self.open -= 1;
        self.lowest_free = self.lowest_free.min(fd as usize);
        while self.slots.last().is_some_and(|slot| !slot.is_open()) {
            self.slots.pop();
        }
        Ok(slot)
    }

    /// Moves `from` to number `to`, closing whatever `to` held. Both must be
    /// open (EBADF otherwise), as in preview1; renumbering onto itself is a no-op.
    pub fn renumber(&mut self, from: u32, to: u32) -> Result<(), Error> {
        let is_open = |table: &Self, fd: u32| table.slots.get(fd as usize).is_some_and(Slot::is_open);
        if !is_open(self, from) || !is_open(self, to) {
            return Err(Errno::Badf.into());
        }
        if from == to {
            return Ok(());
        }
        let slot = self.take(from)?;
        // `to` is open, so its slot exists; what it held is dropped (closed) here.
        self.slots[to as usize] = slot;
        Ok(())
    }

    /// Whether the next [`FdTable::push`] would fail with EMFILE.
    /// The preopened directory a guest path such as `file://`'s is beneath,
    /// as wasi-libc picks one: the preopen whose name is the longest whole-
    /// component prefix of `path` (`/` and `.` match everything, `.` only
    /// relative paths): its descriptor and the rest of `path` without leading
    /// slashes.
    pub fn preopen_for<'p>(&self, path: &'p str) -> Option<(u32, &'p str)> {
        let mut best: Option<(u32, usize, &'p str)> = None;
        for (fd, slot) in self.slots.iter().enumerate() {
            let Some(Descriptor::Dir(dir)) = slot.desc.get() else { continue };
            let Some(name) = dir.preopen.as_deref() else { continue };
            let name = name.trim_end_matches('/');
            let rest = if name.is_empty() {
                path.strip_prefix('/')
            } else if name == "." {
                (!path.starts_with('/')).then_some(path)
            } else {
                path.strip_prefix(name).filter(|rest| rest.is_empty() || rest.starts_with('/'))
            };
            if let Some(rest) = rest
                && best.is_none_or(|(_, len, _)| name.len() >= len)
            {
                best = Some((fd as u32, name.len(), rest.trim_start_matches('/')));
            }
        }
        best.map(|(fd, _, rest)| (fd, rest))
    }

    pub fn is_full(&self) -> bool {
        self.open >= self.max_fds
    }

    /// EMFILE if the next [`FdTable::push`] would fail, counted as a refusal.
    /// Callers that create something on the host before pushing check this first.
    pub fn check_room(&self) -> Result<(), Error> {
        if self.is_full() {
            self.refused.set(self.refused.get() + 1);
            return Err(Errno::Mfile.into());
        }
        Ok(())
    }

    /// How many descriptors the cap has refused.
    pub fn refused(&self) -> u64 {
        self.refused.get()
    }

    /// The number of open descriptors.
    pub fn open_count(&self) -> u32 {
        self.open
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errno<T>(result: Result<T, Error>) -> Errno {
        match result {
            Ok(_) => panic!("succeeded where an errno was expected"),
            Err(e) => e.downcast().expect("an errno, not a trap"),
        }
    }

    fn untyped(file: std::fs::File) -> Untyped {
        Untyped { file: cap_std::fs::File::from_std(file), read_only: false, flags: Fdflags::empty() }
    }

    #[test]
    fn a_context_can_move_to_another_thread() {
        fn assert_send<T: Send>() {}
        assert_send::<FdTable>();
        assert_send::<crate::WasiCtx>();
    }

    #[test]
    fn an_untyped_descriptor_becomes_what_the_host_opened() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("f"), "x").unwrap();
        let mut table = FdTable::new(16);
        let d = table.push_untyped(untyped(std::fs::File::open(dir.path()).unwrap())).unwrap();
        let f = table.push_untyped(untyped(std::fs::File::open(dir.path().join("f")).unwrap())).unwrap();
        assert!(matches!(table.get(d).unwrap(), Descriptor::Dir(dir) if dir.preopen.is_none() && !dir.read_only));
        let (_, typing_stat) = table.get_with_stat(f).unwrap();
        assert_eq!(typing_stat.expect("the fstat that typed it").st_size, 1);
        assert!(table.get_with_stat(f).unwrap().1.is_none(), "typed once, then kept");

        // Typed by a first read instead: a read that works was of a file, EISDIR means a directory.
        let d = table.push_untyped(untyped(std::fs::File::open(dir.path()).unwrap())).unwrap();
        let f = table.push_untyped(untyped(std::fs::File::open(dir.path().join("f")).unwrap())).unwrap();
        let mut byte = [0u8; 1];
        assert!(table.is_untyped(d) && table.is_untyped(f));
        assert_eq!(errno(table.read_untyped(d, |file| rustix::io::read(file, &mut byte))), Errno::Isdir);
        assert_eq!(table.read_untyped(f, |file| rustix::io::read(file, &mut byte)).unwrap(), 1);
        assert_eq!(&byte, b"x");
        assert!(!table.is_untyped(d) && !table.is_untyped(f));
        assert!(matches!(table.get(d).unwrap(), Descriptor::Dir(_)));
        assert!(matches!(table.get(f).unwrap(), Descriptor::File(file) if file.access.read && !file.access.write));
        let e = table.push_untyped(untyped(std::fs::File::open(dir.path().join("f")).unwrap())).unwrap();
        let failed = table.read_untyped(e, |_| Err(rustix::io::Errno::INTR));
        assert_eq!(errno(failed), Errno::Intr);
        assert!(table.is_untyped(e), "another failure leaves it untyped");
        let Descriptor::File(file) = table.get_mut(f).unwrap() else { panic!("a regular file typed as a directory") };
        assert_eq!(file.access, Access { read: true, write: false });
    }

    #[test]
    fn untyped_descriptors_are_numbered_closed_and_renumbered_like_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let open = || untyped(std::fs::File::open(dir.path()).unwrap());
        let mut table = FdTable::new(3);
        assert_eq!(table.push_untyped(open()).unwrap(), 0);
        assert_eq!(table.push_untyped(open()).unwrap(), 1);
        assert_eq!(table.push_untyped(open()).unwrap(), 2);
        assert!(table.is_full());
        assert_eq!(errno(table.push_untyped(open())), Errno::Mfile, "past the cap");
        table.remove(1).unwrap();
        assert_eq!(errno(table.remove(1)), Errno::Badf, "closed twice");
        assert_eq!(table.open_count(), 2);
        assert_eq!(table.push_untyped(open()).unwrap(), 1, "the lowest free number again");
        table.renumber(2, 0).unwrap();
        assert_eq!(errno(table.get(2)), Errno::Badf, "the old number is free");
        assert!(matches!(table.get(0).unwrap(), Descriptor::Dir(_)));
        table.remove(1).unwrap();
        table.remove(0).unwrap();
        assert_eq!(table.open_count(), 0);
        assert!(table.slots.is_empty(), "trailing free slots are dropped");
    }
}
