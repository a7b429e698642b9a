//! Files a read or write can wait on for another process, under a run
//! deadline (`Limits::timeout`): FIFOs and character devices (terminals,
//! serial lines) beneath a preopen.
//!
//! A blocking `open(2)` of a FIFO waits for the other end, and a blocking
//! read or write of one (or of a terminal) waits for the peer, with no way to
//! stop at a deadline. So under a deadline a guest's blocking open is made
//! non-blocking: a FIFO opened for reading is open at once, one opened for
//! writing fails with ENXIO while nobody reads it and is tried again every
//! [`RETRY`] until the deadline. Each read or write of such a descriptor
//! then first waits with `poll(2)` until it is ready or the deadline passes
//! (as inherited stdio does, `crate::stdio`), so the guest still sees
//! blocking I/O: a read waits for data, it never sees the end of file of a
//! FIFO whose writer has not come yet. Without a deadline, nothing changes:
//! the host descriptor blocks as the guest asked.

use std::io;
use std::time::Duration;

use cap_std::fs::{Dir, FileTypeExt};
use rustix::event::PollFlags;
use rustix::fd::AsFd;

use super::open::{OpenSpec, Opened, open_at};
use crate::limits::Deadline;

/// How often an open for writing of a FIFO nobody reads is tried again.
pub const RETRY: Duration = Duration::from_millis(10);

/// Whether a read or write of `file` can wait for another process: a FIFO,
/// a socket or a character device.
pub fn can_wait(file: &impl AsFd) -> bool {
    use rustix::fs::FileType;
    rustix::fs::fstat(file).is_ok_and(|stat| {
        matches!(FileType::from_raw_mode(stat.st_mode), FileType::Fifo | FileType::Socket | FileType::CharacterDevice)
    })
}

/// Opens `path` beneath `dir` as `spec` says (which the caller made
/// non-blocking for `deadline`): an open for writing of a FIFO nobody reads is
/// tried again until someone does, or fails with [`Deadline::error`].
pub fn open_within(dir: &Dir, path: &str, spec: &OpenSpec, deadline: &Deadline) -> io::Result<Opened> {
    loop {
        match open_at(dir, path, spec) {
            Err(e) if e.raw_os_error() == Some(rustix::io::Errno::NXIO.raw_os_error()) && is_fifo(dir, path, spec) => {
                if deadline.expired() {
                    return Err(deadline.error());
                }
                std::thread::sleep(deadline.remaining().min(RETRY));
            }
            other => return other,
        }
    }
}

/// Whether `path` names a FIFO (ENXIO also answers an open of a socket or of
/// a device with no driver, which no waiting changes).
fn is_fifo(dir: &Dir, path: &str, spec: &OpenSpec) -> bool {
    let metadata = if spec.follow { dir.metadata(path) } else { dir.symlink_metadata(path) };
    metadata.is_ok_and(|m| m.file_type().is_fifo())
}

/// Runs `op`, a read (`events` IN) or write (OUT) of `fd`, non-blocking on the
/// host, as a blocking one that ends at `deadline`: waits until `fd` is ready,
/// and again if it was not after all (EAGAIN).
pub fn within<T>(
    fd: impl AsFd,
    events: PollFlags,
    deadline: &Deadline,
    mut op: impl FnMut() -> rustix::io::Result<T>,
) -> io::Result<T> {
    loop {
        deadline.wait(fd.as_fd(), events)?;
        match op() {
            Err(rustix::io::Errno::AGAIN) => continue,
            other => return Ok(other?),
        }
    }
}
