//! An open file: a `cap_std::fs::File` with the access mode it was opened
//! with, and the system calls made on it.

use std::io::IoSlice;
use std::num::NonZeroU64;

use rustix::event::PollFlags;
use rustix::fd::AsFd;
use rustix::fs::{Advice, OFlags, SeekFrom, Timestamps};
use rustix::io::Result;

use super::waiting;
use crate::bindings::types::Fdflags;
use crate::limits::Deadline;

/// Whether a file may be read and written through this descriptor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Access {
    /// Reads allowed.
    pub read: bool,
    /// Writes allowed.
    pub write: bool,
}

/// A file opened by the guest (or handed in by the embedder).
pub struct OpenFile {
    /// The host file.
    pub file: cap_std::fs::File,
    /// Read and write permission, fixed at open.
    pub access: Access,
    /// Opened beneath a read-only preopen: nothing about the file may change
    /// through this descriptor (size, times, contents).
    pub read_only: bool,
    /// The descriptor flags the guest set (APPEND, NONBLOCK, sync flags).
    pub flags: Fdflags,
    /// A FIFO or character device opened non-blocking for a run deadline
    /// (see `super::waiting`): a read or write the guest wants blocking waits
    /// with `poll(2)`, up to the deadline, and the host descriptor stays
    /// non-blocking whatever flags the guest sets.
    pub waits: bool,
}

/// The system calls on an open file, in one place. Each is the one Linux call
/// named, on the host descriptor; the callers in `host/` check access and
/// translate errnos.
impl OpenFile {
    /// `read(2)` at the file position.
    pub fn read(&self, buf: &mut [u8]) -> Result<usize> {
        rustix::io::read(&self.file, buf)
    }

    /// [`OpenFile::read`], blocking until the deadline when the descriptor
    /// [`waits`](OpenFile::waits) and the guest did not ask for NONBLOCK.
    pub fn read_within(&self, buf: &mut [u8], deadline: Option<&Deadline>) -> std::io::Result<usize> {
        match self.wait_deadline(deadline) {
            Some(deadline) => waiting::within(&self.file, PollFlags::IN, deadline, || self.read(buf)),
            None => Ok(self.read(buf)?),
        }
    }

    /// [`OpenFile::write`], blocking until the deadline as
    /// [`OpenFile::read_within`].
    pub fn write_within(&self, bufs: &[IoSlice<'_>], deadline: Option<&Deadline>) -> std::io::Result<usize> {
        match self.wait_deadline(deadline) {
            Some(deadline) => waiting::within(&self.file, PollFlags::OUT, deadline, || self.write(bufs)),
            None => Ok(self.write(bufs)?),
        }
    }

    /// The deadline a read or write waits under, if it must wait.
    #[inline(always)]
    fn wait_deadline<'d>(&self, deadline: Option<&'d Deadline>) -> Option<&'d Deadline> {
        deadline.filter(|_| self.waits && !self.flags.contains(Fdflags::NONBLOCK))
    }

    /// `pread(2)`.
    pub fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<usize> {
        rustix::io::pread(&self.file, buf, offset)
    }

    /// `write(2)` (`writev(2)` for more than one buffer) at the file position,
    /// or at the end with APPEND.
    pub fn write(&self, bufs: &[IoSlice<'_>]) -> Result<usize> {
        crate::stdio::write_fd(self.file.as_fd(), bufs)
    }

    /// `pwritev(2)` at `offset`, APPEND or not, as POSIX specifies: Linux's
    /// `pwrite` appends on an `O_APPEND` descriptor, so the flag is cleared
    /// around the call.
    pub fn write_at(&self, bufs: &[IoSlice<'_>], offset: u64) -> Result<usize> {
        if !self.flags.contains(Fdflags::APPEND) {
            return rustix::io::pwritev(&self.file, bufs, offset);
        }
        let flags = rustix::fs::fcntl_getfl(&self.file)?;
        rustix::fs::fcntl_setfl(&self.file, flags - OFlags::APPEND)?;
        let written = rustix::io::pwritev(&self.file, bufs, offset);
        rustix::fs::fcntl_setfl(&self.file, flags)?;
        written
    }

    /// `lseek(2)`.
    pub fn seek(&self, pos: SeekFrom) -> Result<u64> {
        rustix::fs::seek(&self.file, pos)
    }

    /// The file position (`lseek(fd, 0, SEEK_CUR)`).
    pub fn tell(&self) -> Result<u64> {
        rustix::fs::tell(&self.file)
    }

    /// The bytes between the file position and the end: 0 past the end or
    /// when the host cannot tell.
    pub fn bytes_left(&self) -> u64 {
        let size = rustix::fs::fstat(&self.file).map(|st| st.st_size as u64).unwrap_or(0);
        let pos = self.tell().unwrap_or(size);
        size.saturating_sub(pos)
    }

    /// `posix_fadvise(2)`; `len` 0 means to the end of the file.
    pub fn advise(&self, offset: u64, len: u64, advice: Advice) -> Result<()> {
        rustix::fs::fadvise(&self.file, offset, NonZeroU64::new(len), advice)
    }

    /// `posix_fallocate(3)`: `fallocate(2)` with no flags.
    pub fn allocate(&self, offset: u64, len: u64) -> Result<()> {
        rustix::fs::fallocate(&self.file, rustix::fs::FallocateFlags::empty(), offset, len)
    }

    /// `ftruncate(2)`.
    pub fn set_len(&self, size: u64) -> Result<()> {
        rustix::fs::ftruncate(&self.file, size)
    }

    /// `fsync(2)`.
    pub fn sync(&self) -> Result<()> {
        rustix::fs::fsync(&self.file)
    }

    /// `fdatasync(2)`.
    pub fn datasync(&self) -> Result<()> {
        rustix::fs::fdatasync(&self.file)
    }

    /// `futimens(2)`.
    pub fn set_times(&self, times: &Timestamps) -> Result<()> {
        rustix::fs::futimens(&self.file, times)
    }

    /// Sets the APPEND and NONBLOCK flags of the host descriptor as `flags`
    /// says (`fcntl(F_SETFL)`), keeping its other flags, and records `flags`.
    /// The sync flags cannot change after open on Linux; the caller checks them.
    pub fn set_flags(&mut self, flags: Fdflags) -> Result<()> {
        let mut host_flags = rustix::fs::fcntl_getfl(&self.file)?;
        host_flags.set(OFlags::APPEND, flags.contains(Fdflags::APPEND));
        host_flags.set(OFlags::NONBLOCK, flags.contains(Fdflags::NONBLOCK) || self.waits);
        rustix::fs::fcntl_setfl(&self.file, host_flags)?;
        // The sync flags stay as they were opened: Linux cannot change them.
        let sync = Fdflags::DSYNC | Fdflags::RSYNC | Fdflags::SYNC;
        self.flags = (flags & (Fdflags::APPEND | Fdflags::NONBLOCK)) | (self.flags & sync);
        Ok(())
    }
}
