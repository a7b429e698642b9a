//! sock_accept, sock_recv, sock_send, sock_shutdown.
//!
//! Every one of them takes a socket descriptor: ENOTSOCK for any other kind,
//! EBADF for a number that is not open. Blocking and NONBLOCK behave as the
//! host kernel makes them (see `net.rs`): a non-blocking socket with nothing
//! to do fails with EAGAIN, never with a 0 that would look like end of file.

use wiggle::{GuestMemory, GuestPtr};

use super::io::{IOV_MAX, MAX_RW, first_nonempty, iovec_array, iovecs, read_into, with_slices};
use crate::bindings::types::*;
use crate::ctx::WasiCtx;
use crate::net::{Shutdown, Socket};
use crate::table::Descriptor;

fn socket(ctx: &WasiCtx, fd: Fd) -> Result<&Socket, Error> {
    match ctx.table.get(fd.into())? {
        Descriptor::Socket(socket) => Ok(socket),
        _ => Err(Errno::Notsock.into()),
    }
}

/// Accepts a connection on the listening socket `fd` and returns its new
/// descriptor (the lowest free number). With `flags` NONBLOCK the new
/// descriptor is non-blocking. A blocking listener waits for a connection.
///
/// EBADF: `fd` is not open. ENOTSOCK: `fd` is not a socket. EINVAL: `fd` is
/// not listening, or `flags` holds anything but NONBLOCK. EAGAIN: `fd` is
/// non-blocking and no connection is pending. EMFILE: the descriptor table is
/// full (the connection is closed). ECONNABORTED and others: from `accept(2)`.
pub fn sock_accept(ctx: &mut WasiCtx, fd: Fd, flags: Fdflags) -> Result<Fd, Error> {
    let listener = socket(ctx, fd)?;
    if !(flags - Fdflags::NONBLOCK).is_empty() {
        return Err(Errno::Inval.into());
    }
    let conn = listener.accept(flags.contains(Fdflags::NONBLOCK), ctx.deadline.as_ref())?;
    Ok(Fd::from(ctx.table.push(Descriptor::Socket(conn))?))
}

/// Receives from the connected socket `fd` into `ri_data`, returning the
/// bytes received (0: the peer shut down its side) and the output flags
/// (always empty: stream sockets never truncate).
///
/// `RECV_PEEK` leaves the data queued (only the first non-empty buffer is
/// filled). `RECV_WAITALL` waits until every buffer is full, the peer shuts
/// down, or an error ends it after some bytes (then those bytes are returned).
/// Otherwise the first non-empty buffer is filled with what is ready.
///
/// EBADF: `fd` is not open. ENOTSOCK: not a socket. EAGAIN: non-blocking and
/// nothing ready. ENOTCONN: a listener. EFAULT: a buffer is out of bounds.
/// ECONNRESET and others: from `recv(2)`.
pub fn sock_recv(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: Fd,
    ri_data: IovecArray,
    ri_flags: Riflags,
) -> Result<(Size, Roflags), Error> {
    let socket = socket(ctx, fd)?;
    let peek = ri_flags.contains(Riflags::RECV_PEEK);
    let waitall = ri_flags.contains(Riflags::RECV_WAITALL);
    if !waitall || peek {
        let Some(buf) = first_nonempty(mem, ri_data)? else {
            return Ok((0, Roflags::empty()));
        };
        let n = read_into(mem, Some(buf), |bytes| Ok(socket.recv(bytes, peek, waitall, ctx.deadline.as_ref())?))?;
        return Ok((n, Roflags::empty()));
    }
    // WAITALL: fill each buffer in turn (at most IOV_MAX of them and MAX_RW
    // bytes in all, as one host read); stop early at end of stream, or when a
    // non-blocking socket runs dry.
    let bufs: Vec<(u32, u32)> =
        iovecs(&iovec_array(mem, ri_data.offset_base(), ri_data.len())?).take(IOV_MAX).collect();
    let mut total: Size = 0;
    for (buf, len) in bufs {
        let len = len.min(MAX_RW as Size - total);
        if len == 0 {
            continue;
        }
        let n = match read_into(mem, Some(GuestPtr::new((buf, len))), |bytes| {
            Ok(socket.recv(bytes, false, true, ctx.deadline.as_ref())?)
        }) {
            Ok(n) => n,
            // An errno after some bytes ends the receive; a trap (the run's deadline) ends the run.
            Err(e) if total > 0 && e.downcast_ref().is_some() => break,
            Err(e) => return Err(e),
        };
        total += n;
        if n < len {
            break;
        }
    }
    Ok((total, Roflags::empty()))
}

/// Sends the buffers `si_data` on the connected socket `fd`, returning the
/// bytes sent. `si_flags` has no defined flags and is ignored.
///
/// EBADF: `fd` is not open. ENOTSOCK: not a socket. EAGAIN: non-blocking and
/// the send buffer is full. EPIPE: the peer is gone (no SIGPIPE reaches the
/// host). ENOTCONN: a listener. EFAULT: a buffer is out of bounds.
pub fn sock_send(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: Fd,
    si_data: CiovecArray,
    _si_flags: Siflags,
) -> Result<Size, Error> {
    let socket = socket(ctx, fd)?;
    with_slices(mem, si_data, |slices| Ok(socket.send(slices, ctx.deadline.as_ref())?))
}

/// Shuts down reading (`RD`), writing (`WR`) or both directions of `fd`.
///
/// EBADF: `fd` is not open. ENOTSOCK: not a socket. EINVAL: `how` is empty.
/// ENOTCONN: not connected (a listener, or a peer already gone).
pub fn sock_shutdown(ctx: &mut WasiCtx, fd: Fd, how: Sdflags) -> Result<(), Error> {
    let socket = socket(ctx, fd)?;
    let how = match (how.contains(Sdflags::RD), how.contains(Sdflags::WR)) {
        (true, true) => Shutdown::Both,
        (true, false) => Shutdown::Read,
        (false, true) => Shutdown::Write,
        (false, false) => return Err(Errno::Inval.into()),
    };
    socket.shutdown(how)?;
    Ok(())
}
