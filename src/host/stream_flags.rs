//! NONBLOCK on streams and sockets: what fd_fdstat_get reports for them, and
//! the hook fd_fdstat_set_flags calls for them.
//!
//! `fd::fd_fdstat_set_flags` handles files and directories itself and passes
//! every stdin/stdout/stderr stream and socket here.

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctx::WasiCtx;

    #[test]
    fn nonblock_on_a_socket_makes_an_empty_recv_would_block_and_is_reported() {
        let (ours, _peer) = std::os::unix::net::UnixStream::pair().unwrap();
        let mut builder = WasiCtx::builder();
        builder.preopened_unix_stream(ours);
        let mut ctx = builder.build().unwrap();
        let desc = ctx.table.get_mut(3).unwrap();
        set(desc, Fdflags::NONBLOCK).unwrap();
        let Descriptor::Socket(socket) = desc else { panic!("fd 3 is not a socket") };
        assert_eq!(fdflags(socket.is_nonblocking()), Fdflags::NONBLOCK);
        let err = socket.recv(&mut [0; 4], false, false, None).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
        set(desc, Fdflags::empty()).unwrap();
        let Descriptor::Socket(socket) = desc else { panic!("fd 3 is not a socket") };
        assert!(!socket.is_nonblocking());
    }

    #[test]
    fn streams_keep_nonblock_and_refuse_other_flags() {
        let mut ctx = WasiCtx::builder().build().unwrap();
        for fd in 0..3 {
            let desc = ctx.table.get_mut(fd).unwrap();
            set(desc, Fdflags::NONBLOCK).unwrap();
            let nonblocking = match desc {
                Descriptor::Input(s) => s.is_nonblocking(),
                Descriptor::Output(s) => s.is_nonblocking(),
                _ => panic!("fd {fd} is not a stream"),
            };
            assert!(nonblocking);
            let err = set(desc, Fdflags::APPEND).unwrap_err();
            assert_eq!(err.downcast().unwrap(), Errno::Notsup);
        }
    }
}
