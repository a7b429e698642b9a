//! The preview1 functions, in witx order. This file only delegates: each
//! function lives, with its documented errnos, in its family's module.

#![allow(clippy::too_many_arguments)]

mod args_env;
mod clock;
mod fd;
mod fd_readdir;
pub(crate) mod io;
mod path;
pub(crate) mod poll;
mod proc;
mod random;
mod sock;
mod stream_flags;

use wiggle::{GuestMemory, GuestPtr};

use crate::bindings::types::*;
use crate::bindings::wasi_snapshot_preview1::WasiSnapshotPreview1;
use crate::ctx::WasiCtx;

type Mem<'a, 'b> = &'a mut GuestMemory<'b>;

impl WasiSnapshotPreview1 for WasiCtx {
    fn args_get(&mut self, mem: Mem, argv: GuestPtr<GuestPtr<u8>>, argv_buf: GuestPtr<u8>) -> Result<(), Error> {
        args_env::args_get(self, mem, argv, argv_buf)
    }
    fn args_sizes_get(&mut self, _mem: Mem) -> Result<(Size, Size), Error> {
        args_env::args_sizes_get(self)
    }
    fn environ_get(
        &mut self,
        mem: Mem,
        environ: GuestPtr<GuestPtr<u8>>,
        environ_buf: GuestPtr<u8>,
    ) -> Result<(), Error> {
        args_env::environ_get(self, mem, environ, environ_buf)
    }
    fn environ_sizes_get(&mut self, _mem: Mem) -> Result<(Size, Size), Error> {
        args_env::environ_sizes_get(self)
    }
    fn clock_res_get(&mut self, _mem: Mem, id: Clockid) -> Result<Timestamp, Error> {
        clock::clock_res_get(self, id)
    }
    fn clock_time_get(&mut self, _mem: Mem, id: Clockid, precision: Timestamp) -> Result<Timestamp, Error> {
        clock::clock_time_get(self, id, precision)
    }
    fn fd_advise(&mut self, _mem: Mem, fd: Fd, offset: Filesize, len: Filesize, advice: Advice) -> Result<(), Error> {
        fd::fd_advise(self, fd, offset, len, advice)
    }
    fn fd_allocate(&mut self, _mem: Mem, fd: Fd, offset: Filesize, len: Filesize) -> Result<(), Error> {
        fd::fd_allocate(self, fd, offset, len)
    }
    fn fd_close(&mut self, _mem: Mem, fd: Fd) -> Result<(), Error> {
        fd::fd_close(self, fd)
    }
    fn fd_datasync(&mut self, _mem: Mem, fd: Fd) -> Result<(), Error> {
        fd::fd_datasync(self, fd)
    }
    fn fd_fdstat_get(&mut self, _mem: Mem, fd: Fd) -> Result<Fdstat, Error> {
        fd::fd_fdstat_get(self, fd)
    }
    fn fd_fdstat_set_flags(&mut self, _mem: Mem, fd: Fd, flags: Fdflags) -> Result<(), Error> {
        fd::fd_fdstat_set_flags(self, fd, flags)
    }
    fn fd_fdstat_set_rights(&mut self, _mem: Mem, fd: Fd, base: Rights, inheriting: Rights) -> Result<(), Error> {
        fd::fd_fdstat_set_rights(self, fd, base, inheriting)
    }
    fn fd_filestat_get(&mut self, _mem: Mem, fd: Fd) -> Result<Filestat, Error> {
        fd::fd_filestat_get(self, fd)
    }
    fn fd_filestat_set_size(&mut self, _mem: Mem, fd: Fd, size: Filesize) -> Result<(), Error> {
        fd::fd_filestat_set_size(self, fd, size)
    }
    fn fd_filestat_set_times(
        &mut self,
        _mem: Mem,
        fd: Fd,
        atim: Timestamp,
        mtim: Timestamp,
        fst_flags: Fstflags,
    ) -> Result<(), Error> {
        fd::fd_filestat_set_times(self, fd, atim, mtim, fst_flags)
    }
    fn fd_pread(&mut self, mem: Mem, fd: Fd, iovs: IovecArray, offset: Filesize) -> Result<Size, Error> {
        io::fd_pread(self, mem, fd, iovs, offset)
    }
    fn fd_prestat_get(&mut self, _mem: Mem, fd: Fd) -> Result<Prestat, Error> {
        fd::fd_prestat_get(self, fd)
    }
    fn fd_prestat_dir_name(&mut self, mem: Mem, fd: Fd, path: GuestPtr<u8>, path_len: Size) -> Result<(), Error> {
        fd::fd_prestat_dir_name(self, mem, fd, path, path_len)
    }
    fn fd_pwrite(&mut self, mem: Mem, fd: Fd, iovs: CiovecArray, offset: Filesize) -> Result<Size, Error> {
        io::fd_pwrite(self, mem, fd, iovs, offset)
    }
    fn fd_read(&mut self, mem: Mem, fd: Fd, iovs: IovecArray) -> Result<Size, Error> {
        io::fd_read(self, mem, fd, iovs)
    }
    fn fd_readdir(
        &mut self,
        mem: Mem,
        fd: Fd,
        buf: GuestPtr<u8>,
        buf_len: Size,
        cookie: Dircookie,
    ) -> Result<Size, Error> {
        fd_readdir::fd_readdir(self, mem, fd, buf, buf_len, cookie)
    }
    fn fd_renumber(&mut self, _mem: Mem, fd: Fd, to: Fd) -> Result<(), Error> {
        fd::fd_renumber(self, fd, to)
    }
    fn fd_seek(&mut self, _mem: Mem, fd: Fd, offset: Filedelta, whence: Whence) -> Result<Filesize, Error> {
        io::fd_seek(self, fd, offset, whence)
    }
    fn fd_sync(&mut self, _mem: Mem, fd: Fd) -> Result<(), Error> {
        fd::fd_sync(self, fd)
    }
    fn fd_tell(&mut self, _mem: Mem, fd: Fd) -> Result<Filesize, Error> {
        io::fd_tell(self, fd)
    }
    fn fd_write(&mut self, mem: Mem, fd: Fd, iovs: CiovecArray) -> Result<Size, Error> {
        io::fd_write(self, mem, fd, iovs)
    }
    fn path_create_directory(&mut self, mem: Mem, fd: Fd, path: GuestPtr<str>) -> Result<(), Error> {
        path::path_create_directory(self, mem, fd, path)
    }
    fn path_filestat_get(
        &mut self,
        mem: Mem,
        fd: Fd,
        flags: Lookupflags,
        path: GuestPtr<str>,
    ) -> Result<Filestat, Error> {
        path::path_filestat_get(self, mem, fd, flags, path)
    }
    fn path_filestat_set_times(
        &mut self,
        mem: Mem,
        fd: Fd,
        flags: Lookupflags,
        path: GuestPtr<str>,
        atim: Timestamp,
        mtim: Timestamp,
        fst_flags: Fstflags,
    ) -> Result<(), Error> {
        path::path_filestat_set_times(self, mem, fd, flags, path, atim, mtim, fst_flags)
    }
    fn path_link(
        &mut self,
        mem: Mem,
        old_fd: Fd,
        old_flags: Lookupflags,
        old_path: GuestPtr<str>,
        new_fd: Fd,
        new_path: GuestPtr<str>,
    ) -> Result<(), Error> {
        path::path_link(self, mem, old_fd, old_flags, old_path, new_fd, new_path)
    }
    fn path_open(
        &mut self,
        mem: Mem,
        fd: Fd,
        dirflags: Lookupflags,
        path: GuestPtr<str>,
        oflags: Oflags,
        base: Rights,
        inheriting: Rights,
        fdflags: Fdflags,
    ) -> Result<Fd, Error> {
        path::path_open(self, mem, fd, dirflags, path, oflags, base, inheriting, fdflags)
    }
    fn path_readlink(
        &mut self,
        mem: Mem,
        fd: Fd,
        path: GuestPtr<str>,
        buf: GuestPtr<u8>,
        buf_len: Size,
    ) -> Result<Size, Error> {
        path::path_readlink(self, mem, fd, path, buf, buf_len)
    }
    fn path_remove_directory(&mut self, mem: Mem, fd: Fd, path: GuestPtr<str>) -> Result<(), Error> {
        path::path_remove_directory(self, mem, fd, path)
    }
    fn path_rename(
        &mut self,
        mem: Mem,
        fd: Fd,
        old_path: GuestPtr<str>,
        new_fd: Fd,
        new_path: GuestPtr<str>,
    ) -> Result<(), Error> {
        path::path_rename(self, mem, fd, old_path, new_fd, new_path)
    }
    fn path_symlink(
        &mut self,
        mem: Mem,
        old_path: GuestPtr<str>,
        fd: Fd,
        new_path: GuestPtr<str>,
    ) -> Result<(), Error> {
        path::path_symlink(self, mem, old_path, fd, new_path)
    }
    fn path_unlink_file(&mut self, mem: Mem, fd: Fd, path: GuestPtr<str>) -> Result<(), Error> {
        path::path_unlink_file(self, mem, fd, path)
    }
    fn poll_oneoff(
        &mut self,
        mem: Mem,
        subs: GuestPtr<Subscription>,
        events: GuestPtr<Event>,
        nsubscriptions: Size,
    ) -> Result<Size, Error> {
        poll::poll_oneoff(self, mem, subs, events, nsubscriptions)
    }
    fn proc_exit(&mut self, _mem: Mem, rval: Exitcode) -> wiggle::error::Error {
        proc::proc_exit(rval)
    }
    fn proc_raise(&mut self, _mem: Mem, sig: Signal) -> Result<(), Error> {
        proc::proc_raise(sig)
    }
    fn sched_yield(&mut self, _mem: Mem) -> Result<(), Error> {
        proc::sched_yield()
    }
    fn random_get(&mut self, mem: Mem, buf: GuestPtr<u8>, buf_len: Size) -> Result<(), Error> {
        random::random_get(self, mem, buf, buf_len)
    }
    fn sock_accept(&mut self, _mem: Mem, fd: Fd, flags: Fdflags) -> Result<Fd, Error> {
        sock::sock_accept(self, fd, flags)
    }
    fn sock_recv(
        &mut self,
        mem: Mem,
        fd: Fd,
        ri_data: IovecArray,
        ri_flags: Riflags,
    ) -> Result<(Size, Roflags), Error> {
        sock::sock_recv(self, mem, fd, ri_data, ri_flags)
    }
    fn sock_send(&mut self, mem: Mem, fd: Fd, si_data: CiovecArray, si_flags: Siflags) -> Result<Size, Error> {
        sock::sock_send(self, mem, fd, si_data, si_flags)
    }
    fn sock_shutdown(&mut self, _mem: Mem, fd: Fd, how: Sdflags) -> Result<(), Error> {
        sock::sock_shutdown(self, fd, how)
    }
}
