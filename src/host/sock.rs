//! sock_accept, sock_recv, sock_send, sock_shutdown. Filled in by the socket work.

use wiggle::GuestMemory;

use crate::bindings::types::*;
use crate::ctx::WasiCtx;

pub fn sock_accept(_ctx: &mut WasiCtx, _fd: Fd, _flags: Fdflags) -> Result<Fd, Error> {
    Err(Errno::Nosys.into())
}
pub fn sock_recv(
    _ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    _fd: Fd,
    _ri: IovecArray,
    _flags: Riflags,
) -> Result<(Size, Roflags), Error> {
    Err(Errno::Nosys.into())
}
pub fn sock_send(
    _ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    _fd: Fd,
    _si: CiovecArray,
    _flags: Siflags,
) -> Result<Size, Error> {
    Err(Errno::Nosys.into())
}
pub fn sock_shutdown(_ctx: &mut WasiCtx, _fd: Fd, _how: Sdflags) -> Result<(), Error> {
    Err(Errno::Nosys.into())
}
