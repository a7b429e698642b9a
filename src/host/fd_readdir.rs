//! fd_readdir. Filled in by the file-system work.

use wiggle::{GuestMemory, GuestPtr};

use crate::bindings::types::*;
use crate::ctx::WasiCtx;

pub fn fd_readdir(
    _ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    _fd: Fd,
    _buf: GuestPtr<u8>,
    _buf_len: Size,
    _cookie: Dircookie,
) -> Result<Size, Error> {
    Err(Errno::Nosys.into())
}
