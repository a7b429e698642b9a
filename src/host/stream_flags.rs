//! NONBLOCK on streams and sockets: what fd_fdstat_get reports for them, and
//! the hook fd_fdstat_set_flags calls for them.
//!
//! MERGE HOOK: `fd::fd_fdstat_set_flags` handles files and directories itself
//! and passes every stdin/stdout/stderr stream and socket here:
//!
//! ```text
//! d @ (Descriptor::Input(_) | Descriptor::Output(_) | Descriptor::Socket(_)) =>
//!     super::stream_flags::set(d, flags),
//! ```

use crate::bindings::types::{Errno, Error, Fdflags};
use crate::table::Descriptor;

/// The flags a stream or socket reports: NONBLOCK or nothing.
pub(crate) fn fdflags(nonblocking: bool) -> Fdflags {
    if nonblocking { Fdflags::NONBLOCK } else { Fdflags::empty() }
}

/// Sets the flags of a stream or socket. Only NONBLOCK means anything on
/// them: set, reads and writes (and accepts) that would wait fail with EAGAIN
/// instead; clear, they wait.
///
/// ENOTSUP: `flags` holds APPEND or a sync flag, which streams and sockets do
/// not support. EBADF: `desc` is a file or directory (the caller handles those).
#[allow(dead_code)] // until fd_fdstat_set_flags calls it (see the module docs)
pub(crate) fn set(desc: &mut Descriptor, flags: Fdflags) -> Result<(), Error> {
    if !(flags - Fdflags::NONBLOCK).is_empty() {
        return Err(Errno::Notsup.into());
    }
    let nonblocking = flags.contains(Fdflags::NONBLOCK);
    match desc {
        Descriptor::Input(stream) => stream.set_nonblocking(nonblocking),
        Descriptor::Output(stream) => stream.set_nonblocking(nonblocking),
        Descriptor::Socket(socket) => socket.set_nonblocking(nonblocking)?,
        Descriptor::File(_) | Descriptor::Dir(_) => return Err(Errno::Badf.into()),
    }
    Ok(())
}
