//! The descriptor table: one per instance, numbered as POSIX numbers them.
//!
//! A new descriptor takes the lowest free number, as `open(2)` does, and the
//! table holds at most `max_fds` descriptors (EMFILE beyond). Files,
//! directories, stdio streams and sockets are distinct kinds in one table.

use crate::error::{Errno, Error};
use crate::fs::{OpenDir, OpenFile};
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

/// The default cap on open descriptors per instance.
pub const DEFAULT_MAX_FDS: u32 = 1024;

/// The descriptor table.
pub struct FdTable {
    slots: Vec<Option<Descriptor>>,
    /// No slot below this index is free.
    lowest_free: usize,
    open: u32,
    max_fds: u32,
}

impl FdTable {
    /// An empty table holding at most `max_fds` descriptors.
    pub fn new(max_fds: u32) -> Self {
        FdTable { slots: Vec::new(), lowest_free: 0, open: 0, max_fds }
    }

    /// Inserts at the lowest free number. EMFILE when the table is full.
    pub fn push(&mut self, desc: Descriptor) -> Result<u32, Error> {
        if self.open >= self.max_fds {
            return Err(Errno::Mfile.into());
        }
        let mut index = self.lowest_free;
        while index < self.slots.len() && self.slots[index].is_some() {
            index += 1;
        }
        if index == self.slots.len() {
            self.slots.push(None);
        }
        self.slots[index] = Some(desc);
        self.open += 1;
        self.lowest_free = index + 1;
        Ok(u32::try_from(index)?)
    }

    /// The descriptor at `fd`, or EBADF.
    pub fn get(&self, fd: u32) -> Result<&Descriptor, Error> {
        match self.slots.get(fd as usize) {
            Some(Some(desc)) => Ok(desc),
            _ => Err(Errno::Badf.into()),
        }
    }

    /// The descriptor at `fd` for changing, or EBADF.
    pub fn get_mut(&mut self, fd: u32) -> Result<&mut Descriptor, Error> {
        match self.slots.get_mut(fd as usize) {
            Some(Some(desc)) => Ok(desc),
            _ => Err(Errno::Badf.into()),
        }
    }

    /// Takes the descriptor out of the table, freeing its number. EBADF if none.
    pub fn remove(&mut self, fd: u32) -> Result<Descriptor, Error> {
        let slot = self.slots.get_mut(fd as usize).ok_or(Errno::Badf)?;
        let desc = slot.take().ok_or(Errno::Badf)?;
        self.open -= 1;
        self.lowest_free = self.lowest_free.min(fd as usize);
        while self.slots.last().is_some_and(Option::is_none) {
            self.slots.pop();
        }
        Ok(desc)
    }

    /// Moves `from` to number `to`, closing whatever `to` held. Both must be
    /// open (EBADF otherwise), as in preview1; renumbering onto itself is a no-op.
    pub fn renumber(&mut self, from: u32, to: u32) -> Result<(), Error> {
        self.get(from)?;
        self.get(to)?;
        if from == to {
            return Ok(());
        }
        let desc = self.remove(from)?;
        // `to` is open, so its slot exists; the old descriptor is dropped (closed) here.
        let slot = &mut self.slots[to as usize];
        *slot = Some(desc);
        Ok(())
    }

    /// Whether the next [`FdTable::push`] would fail with EMFILE. Callers that
    /// create something on the host before pushing check this first.
    pub fn is_full(&self) -> bool {
        self.open >= self.max_fds
    }

    /// The number of open descriptors.
    pub fn open_count(&self) -> u32 {
        self.open
    }
}
