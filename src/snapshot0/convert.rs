//! The snapshot-0 functions, each converting to and from preview1 and calling
//! the preview1 host (`WasiSnapshotPreview1` for [`WasiCtx`]). Only `fd_seek`
//! (whence), `fd_filestat_get` and `path_filestat_get` (filestat),
//! `poll_oneoff` (subscriptions) and the rights of `fd_fdstat_get` differ;
//! the others convert types that are laid out and numbered alike.

use wiggle::{GuestError, GuestMemory, GuestPtr};

use super::bindings::types as s0;
use super::bindings::wasi_unstable::WasiUnstable;
use crate::bindings::types as p1;
use crate::bindings::wasi_snapshot_preview1::WasiSnapshotPreview1 as P1;
use crate::ctx::WasiCtx;

type Mem<'a, 'b> = &'a mut GuestMemory<'b>;
type Result<T> = std::result::Result<T, s0::Error>;

/// The size of a snapshot-0 `subscription` in guest memory.
const SUBSCRIPTION_SIZE: u32 = 56;

impl wiggle::GuestErrorType for s0::Errno {
    fn success() -> Self {
        s0::Errno::Success
    }
}

/// A preview1 error as snapshot 0's: the same errno (both number them
/// alike), or the same trap.
impl From<p1::Error> for s0::Error {
    fn from(err: p1::Error) -> s0::Error {
        match err.downcast() {
            Ok(errno) => match s0::Errno::try_from(u16::from(errno)) {
                Ok(errno) => errno.into(),
                Err(e) => s0::Error::trap(wasmtime::Error::new(e)),
            },
            Err(trap) => s0::Error::trap(trap),
        }
    }
}

/// A guest value that does not convert is the guest's mistake, mapped as
/// preview1 maps it (`crate::error`).
impl From<GuestError> for s0::Error {
    fn from(err: GuestError) -> s0::Error {
        p1::Error::from(err).into()
    }
}

/// A value of one ABI as the other's type of the same numbering (an enum's
/// tag, a flags' bits), going through its representation `R`.
fn same<R, A: Into<R>, B: TryFrom<R, Error = GuestError>>(a: A) -> std::result::Result<B, GuestError> {
    B::try_from(a.into())
}

fn fd(fd: s0::Fd) -> p1::Fd {
    p1::Fd::from(u32::from(fd))
}

fn rights(rights: s0::Rights) -> p1::Rights {
    // Snapshot 0's rights are preview1's less SOCK_ACCEPT, at the same bits.
    p1::Rights::from_bits_truncate(rights.bits())
}

fn whence(whence: s0::Whence) -> p1::Whence {
    match whence {
        s0::Whence::Cur => p1::Whence::Cur,
        s0::Whence::End => p1::Whence::End,
        s0::Whence::Set => p1::Whence::Set,
    }
}

fn filestat(stat: p1::Filestat) -> Result<s0::Filestat> {
    Ok(s0::Filestat {
        dev: stat.dev,
        ino: stat.ino,
        filetype: same::<u8, _, _>(stat.filetype)?,
        nlink: u32::try_from(stat.nlink).unwrap_or(u32::MAX),
        size: stat.size,
        atim: stat.atim,
        mtim: stat.mtim,
        ctim: stat.ctim,
    })
}

fn iovs(iovs: s0::IovecArray) -> p1::IovecArray {
    GuestPtr::new(iovs.offset())
}

fn ciovs(iovs: s0::CiovecArray) -> p1::CiovecArray {
    GuestPtr::new(iovs.offset())
}

/// A snapshot-0 subscription as preview1's: the clock's `identifier` is
/// dropped (no host uses it).
fn subscription(sub: s0::Subscription) -> std::result::Result<p1::Subscription, GuestError> {
    let u = match sub.u {
        s0::SubscriptionU::Clock(clock) => p1::SubscriptionU::Clock(p1::SubscriptionClock {
            id: same::<u32, _, _>(clock.id)?,
            timeout: clock.timeout,
            precision: clock.precision,
            flags: same::<u16, _, _>(clock.flags)?,
        }),
        s0::SubscriptionU::FdRead(rw) => {
            p1::SubscriptionU::FdRead(p1::SubscriptionFdReadwrite { file_descriptor: fd(rw.file_descriptor) })
        }
        s0::SubscriptionU::FdWrite(rw) => {
            p1::SubscriptionU::FdWrite(p1::SubscriptionFdReadwrite { file_descriptor: fd(rw.file_descriptor) })
        }
    };
    Ok(p1::Subscription { userdata: sub.userdata, u })
}

impl WasiUnstable for WasiCtx {
    fn args_get(&mut self, mem: Mem, argv: GuestPtr<GuestPtr<u8>>, argv_buf: GuestPtr<u8>) -> Result<()> {
        Ok(P1::args_get(self, mem, argv, argv_buf)?)
    }
    fn args_sizes_get(&mut self, mem: Mem) -> Result<(s0::Size, s0::Size)> {
        Ok(P1::args_sizes_get(self, mem)?)
    }
    fn environ_get(&mut self, mem: Mem, environ: GuestPtr<GuestPtr<u8>>, buf: GuestPtr<u8>) -> Result<()> {
        Ok(P1::environ_get(self, mem, environ, buf)?)
    }
    fn environ_sizes_get(&mut self, mem: Mem) -> Result<(s0::Size, s0::Size)> {
        Ok(P1::environ_sizes_get(self, mem)?)
    }
    fn clock_res_get(&mut self, mem: Mem, id: s0::Clockid) -> Result<s0::Timestamp> {
        Ok(P1::clock_res_get(self, mem, same::<u32, _, _>(id)?)?)
    }
    fn clock_time_get(&mut self, mem: Mem, id: s0::Clockid, precision: s0::Timestamp) -> Result<s0::Timestamp> {
        Ok(P1::clock_time_get(self, mem, same::<u32, _, _>(id)?, precision)?)
    }
    fn fd_advise(
        &mut self,
        mem: Mem,
        fd_: s0::Fd,
        offset: s0::Filesize,
        len: s0::Filesize,
        advice: s0::Advice,
    ) -> Result<()> {
        Ok(P1::fd_advise(self, mem, fd(fd_), offset, len, same::<u8, _, _>(advice)?)?)
    }
    fn fd_allocate(&mut self, mem: Mem, fd_: s0::Fd, offset: s0::Filesize, len: s0::Filesize) -> Result<()> {
        Ok(P1::fd_allocate(self, mem, fd(fd_), offset, len)?)
    }
    fn fd_close(&mut self, mem: Mem, fd_: s0::Fd) -> Result<()> {
        Ok(P1::fd_close(self, mem, fd(fd_))?)
    }
    fn fd_datasync(&mut self, mem: Mem, fd_: s0::Fd) -> Result<()> {
        Ok(P1::fd_datasync(self, mem, fd(fd_))?)
    }
    fn fd_fdstat_get(&mut self, mem: Mem, fd_: s0::Fd) -> Result<s0::Fdstat> {
        let stat = P1::fd_fdstat_get(self, mem, fd(fd_))?;
        Ok(s0::Fdstat {
            fs_filetype: same::<u8, _, _>(stat.fs_filetype)?,
            fs_flags: same::<u16, _, _>(stat.fs_flags)?,
            // SOCK_ACCEPT, which snapshot 0 has no bit for, is left out.
            fs_rights_base: s0::Rights::from_bits_truncate(stat.fs_rights_base.bits()),
            fs_rights_inheriting: s0::Rights::from_bits_truncate(stat.fs_rights_inheriting.bits()),
        })
    }
    fn fd_fdstat_set_flags(&mut self, mem: Mem, fd_: s0::Fd, flags: s0::Fdflags) -> Result<()> {
        Ok(P1::fd_fdstat_set_flags(self, mem, fd(fd_), same::<u16, _, _>(flags)?)?)
    }
    fn fd_fdstat_set_rights(&mut self, mem: Mem, fd_: s0::Fd, base: s0::Rights, inheriting: s0::Rights) -> Result<()> {
        Ok(P1::fd_fdstat_set_rights(self, mem, fd(fd_), rights(base), rights(inheriting))?)
    }
    fn fd_filestat_get(&mut self, mem: Mem, fd_: s0::Fd) -> Result<s0::Filestat> {
        filestat(P1::fd_filestat_get(self, mem, fd(fd_))?)
    }
    fn fd_filestat_set_size(&mut self, mem: Mem, fd_: s0::Fd, size: s0::Filesize) -> Result<()> {
        Ok(P1::fd_filestat_set_size(self, mem, fd(fd_), size)?)
    }
    fn fd_filestat_set_times(
        &mut self,
        mem: Mem,
        fd_: s0::Fd,
        atim: s0::Timestamp,
        mtim: s0::Timestamp,
        fst_flags: s0::Fstflags,
    ) -> Result<()> {
        Ok(P1::fd_filestat_set_times(self, mem, fd(fd_), atim, mtim, same::<u16, _, _>(fst_flags)?)?)
    }
    fn fd_pread(&mut self, mem: Mem, fd_: s0::Fd, iovs_: s0::IovecArray, offset: s0::Filesize) -> Result<s0::Size> {
        Ok(P1::fd_pread(self, mem, fd(fd_), iovs(iovs_), offset)?)
    }
    fn fd_prestat_get(&mut self, mem: Mem, fd_: s0::Fd) -> Result<s0::Prestat> {
        Ok(match P1::fd_prestat_get(self, mem, fd(fd_))? {
            p1::Prestat::Dir(dir) => s0::Prestat::Dir(s0::PrestatDir { pr_name_len: dir.pr_name_len }),
            p1::Prestat::Socket => s0::Prestat::Socket,
        })
    }
    fn fd_prestat_dir_name(&mut self, mem: Mem, fd_: s0::Fd, path: GuestPtr<u8>, path_len: s0::Size) -> Result<()> {
        Ok(P1::fd_prestat_dir_name(self, mem, fd(fd_), path, path_len)?)
    }
    fn fd_pwrite(&mut self, mem: Mem, fd_: s0::Fd, iovs_: s0::CiovecArray, offset: s0::Filesize) -> Result<s0::Size> {
        Ok(P1::fd_pwrite(self, mem, fd(fd_), ciovs(iovs_), offset)?)
    }
    fn fd_read(&mut self, mem: Mem, fd_: s0::Fd, iovs_: s0::IovecArray) -> Result<s0::Size> {
        Ok(P1::fd_read(self, mem, fd(fd_), iovs(iovs_))?)
    }
    fn fd_readdir(
        &mut self,
        mem: Mem,
        fd_: s0::Fd,
        buf: GuestPtr<u8>,
        buf_len: s0::Size,
        cookie: s0::Dircookie,
    ) -> Result<s0::Size> {
        // `dirent` is laid out alike in both (24 bytes: d_next, d_ino, d_namlen, d_type).
        Ok(P1::fd_readdir(self, mem, fd(fd_), buf, buf_len, cookie)?)
    }
    fn fd_renumber(&mut self, mem: Mem, fd_: s0::Fd, to: s0::Fd) -> Result<()> {
        Ok(P1::fd_renumber(self, mem, fd(fd_), fd(to))?)
    }
    fn fd_seek(&mut self, mem: Mem, fd_: s0::Fd, offset: s0::Filedelta, whence_: s0::Whence) -> Result<s0::Filesize> {
        Ok(P1::fd_seek(self, mem, fd(fd_), offset, whence(whence_))?)
    }
    fn fd_sync(&mut self, mem: Mem, fd_: s0::Fd) -> Result<()> {
        Ok(P1::fd_sync(self, mem, fd(fd_))?)
    }
    fn fd_tell(&mut self, mem: Mem, fd_: s0::Fd) -> Result<s0::Filesize> {
        Ok(P1::fd_tell(self, mem, fd(fd_))?)
    }
    fn fd_write(&mut self, mem: Mem, fd_: s0::Fd, iovs_: s0::CiovecArray) -> Result<s0::Size> {
        Ok(P1::fd_write(self, mem, fd(fd_), ciovs(iovs_))?)
    }
    fn path_create_directory(&mut self, mem: Mem, fd_: s0::Fd, path: GuestPtr<str>) -> Result<()> {
        Ok(P1::path_create_directory(self, mem, fd(fd_), path)?)
    }
    fn path_filestat_get(
        &mut self,
        mem: Mem,
        fd_: s0::Fd,
        flags: s0::Lookupflags,
        path: GuestPtr<str>,
    ) -> Result<s0::Filestat> {
        filestat(P1::path_filestat_get(self, mem, fd(fd_), same::<u32, _, _>(flags)?, path)?)
    }
    fn path_filestat_set_times(
        &mut self,
        mem: Mem,
        fd_: s0::Fd,
        flags: s0::Lookupflags,
        path: GuestPtr<str>,
        atim: s0::Timestamp,
        mtim: s0::Timestamp,
        fst_flags: s0::Fstflags,
    ) -> Result<()> {
        let (flags, fst_flags) = (same::<u32, _, _>(flags)?, same::<u16, _, _>(fst_flags)?);
        Ok(P1::path_filestat_set_times(self, mem, fd(fd_), flags, path, atim, mtim, fst_flags)?)
    }
    fn path_link(
        &mut self,
        mem: Mem,
        old_fd: s0::Fd,
        old_flags: s0::Lookupflags,
        old_path: GuestPtr<str>,
        new_fd: s0::Fd,
        new_path: GuestPtr<str>,
    ) -> Result<()> {
        let old_flags = same::<u32, _, _>(old_flags)?;
        Ok(P1::path_link(self, mem, fd(old_fd), old_flags, old_path, fd(new_fd), new_path)?)
    }
    fn path_open(
        &mut self,
        mem: Mem,
        fd_: s0::Fd,
        dirflags: s0::Lookupflags,
        path: GuestPtr<str>,
        oflags: s0::Oflags,
        base: s0::Rights,
        inheriting: s0::Rights,
        fdflags: s0::Fdflags,
    ) -> Result<s0::Fd> {
        let (dirflags, oflags) = (same::<u32, _, _>(dirflags)?, same::<u16, _, _>(oflags)?);
        let (base, inheriting, fdflags) = (rights(base), rights(inheriting), same::<u16, _, _>(fdflags)?);
        let opened = P1::path_open(self, mem, fd(fd_), dirflags, path, oflags, base, inheriting, fdflags)?;
        Ok(s0::Fd::from(u32::from(opened)))
    }
    fn path_readlink(
        &mut self,
        mem: Mem,
        fd_: s0::Fd,
        path: GuestPtr<str>,
        buf: GuestPtr<u8>,
        buf_len: s0::Size,
    ) -> Result<s0::Size> {
        Ok(P1::path_readlink(self, mem, fd(fd_), path, buf, buf_len)?)
    }
    fn path_remove_directory(&mut self, mem: Mem, fd_: s0::Fd, path: GuestPtr<str>) -> Result<()> {
        Ok(P1::path_remove_directory(self, mem, fd(fd_), path)?)
    }
    fn path_rename(
        &mut self,
        mem: Mem,
        fd_: s0::Fd,
        old_path: GuestPtr<str>,
        new_fd: s0::Fd,
        new_path: GuestPtr<str>,
    ) -> Result<()> {
        Ok(P1::path_rename(self, mem, fd(fd_), old_path, fd(new_fd), new_path)?)
    }
    fn path_symlink(&mut self, mem: Mem, old_path: GuestPtr<str>, fd_: s0::Fd, new_path: GuestPtr<str>) -> Result<()> {
        Ok(P1::path_symlink(self, mem, old_path, fd(fd_), new_path)?)
    }
    fn path_unlink_file(&mut self, mem: Mem, fd_: s0::Fd, path: GuestPtr<str>) -> Result<()> {
        Ok(P1::path_unlink_file(self, mem, fd(fd_), path)?)
    }
    /// preview1's poll_oneoff over 56-byte subscriptions; events are laid
    /// out alike (32 bytes).
    fn poll_oneoff(
        &mut self,
        mem: Mem,
        subs: GuestPtr<s0::Subscription>,
        events: GuestPtr<s0::Event>,
        nsubscriptions: s0::Size,
    ) -> Result<s0::Size> {
        let out = GuestPtr::<p1::Event>::new(events.offset());
        let read = |mem: &GuestMemory<'_>, i: u32| Ok(subscription(mem.read(subs.add(i)?)?)?);
        Ok(crate::host::poll::poll_subscriptions(
            self,
            mem,
            (subs.offset(), SUBSCRIPTION_SIZE),
            out,
            nsubscriptions,
            read,
        )?)
    }
    fn proc_exit(&mut self, mem: Mem, rval: s0::Exitcode) -> wiggle::error::Error {
        P1::proc_exit(self, mem, rval)
    }
    fn proc_raise(&mut self, mem: Mem, sig: s0::Signal) -> Result<()> {
        Ok(P1::proc_raise(self, mem, same::<u8, _, _>(sig)?)?)
    }
    fn sched_yield(&mut self, mem: Mem) -> Result<()> {
        Ok(P1::sched_yield(self, mem)?)
    }
    fn random_get(&mut self, mem: Mem, buf: GuestPtr<u8>, buf_len: s0::Size) -> Result<()> {
        Ok(P1::random_get(self, mem, buf, buf_len)?)
    }
    fn sock_recv(
        &mut self,
        mem: Mem,
        fd_: s0::Fd,
        ri_data: s0::IovecArray,
        ri_flags: s0::Riflags,
    ) -> Result<(s0::Size, s0::Roflags)> {
        let (n, roflags) = P1::sock_recv(self, mem, fd(fd_), iovs(ri_data), same::<u16, _, _>(ri_flags)?)?;
        Ok((n, same::<u16, _, _>(roflags)?))
    }
    fn sock_send(
        &mut self,
        mem: Mem,
        fd_: s0::Fd,
        si_data: s0::CiovecArray,
        si_flags: s0::Siflags,
    ) -> Result<s0::Size> {
        Ok(P1::sock_send(self, mem, fd(fd_), ciovs(si_data), si_flags)?)
    }
    fn sock_shutdown(&mut self, mem: Mem, fd_: s0::Fd, how: s0::Sdflags) -> Result<()> {
        Ok(P1::sock_shutdown(self, mem, fd(fd_), same::<u8, _, _>(how)?)?)
    }
}
