//! path_* functions. Filled in by the file-system work.
#![allow(clippy::too_many_arguments)]

use wiggle::{GuestMemory, GuestPtr};

use crate::bindings::types::*;
use crate::ctx::WasiCtx;

pub fn path_create_directory(
    _ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    _fd: Fd,
    _path: GuestPtr<str>,
) -> Result<(), Error> {
    Err(Errno::Nosys.into())
}
pub fn path_filestat_get(
    _ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    _fd: Fd,
    _flags: Lookupflags,
    _path: GuestPtr<str>,
) -> Result<Filestat, Error> {
    Err(Errno::Nosys.into())
}
pub fn path_filestat_set_times(
    _ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    _fd: Fd,
    _flags: Lookupflags,
    _path: GuestPtr<str>,
    _atim: Timestamp,
    _mtim: Timestamp,
    _fst_flags: Fstflags,
) -> Result<(), Error> {
    Err(Errno::Nosys.into())
}
pub fn path_link(
    _ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    _old_fd: Fd,
    _old_flags: Lookupflags,
    _old_path: GuestPtr<str>,
    _new_fd: Fd,
    _new_path: GuestPtr<str>,
) -> Result<(), Error> {
    Err(Errno::Nosys.into())
}
pub fn path_open(
    _ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    _fd: Fd,
    _dirflags: Lookupflags,
    _path: GuestPtr<str>,
    _oflags: Oflags,
    _base: Rights,
    _inheriting: Rights,
    _fdflags: Fdflags,
) -> Result<Fd, Error> {
    Err(Errno::Nosys.into())
}
pub fn path_readlink(
    _ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    _fd: Fd,
    _path: GuestPtr<str>,
    _buf: GuestPtr<u8>,
    _buf_len: Size,
) -> Result<Size, Error> {
    Err(Errno::Nosys.into())
}
pub fn path_remove_directory(
    _ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    _fd: Fd,
    _path: GuestPtr<str>,
) -> Result<(), Error> {
    Err(Errno::Nosys.into())
}
pub fn path_rename(
    _ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    _fd: Fd,
    _old_path: GuestPtr<str>,
    _new_fd: Fd,
    _new_path: GuestPtr<str>,
) -> Result<(), Error> {
    Err(Errno::Nosys.into())
}
pub fn path_symlink(
    _ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    _old_path: GuestPtr<str>,
    _fd: Fd,
    _new_path: GuestPtr<str>,
) -> Result<(), Error> {
    Err(Errno::Nosys.into())
}
pub fn path_unlink_file(
    _ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    _fd: Fd,
    _path: GuestPtr<str>,
) -> Result<(), Error> {
    Err(Errno::Nosys.into())
}
