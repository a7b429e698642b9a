//! Descriptor functions other than the data path: fd_advise, fd_allocate,
//! fd_close, fd_datasync, fd_fdstat_get, fd_fdstat_set_flags,
//! fd_fdstat_set_rights, fd_filestat_get, fd_filestat_set_size,
//! fd_filestat_set_times, fd_prestat_get, fd_prestat_dir_name, fd_renumber,
//! fd_sync.

use rustix::fd::AsFd;
use wiggle::{GuestMemory, GuestPtr};

use crate::bindings::types::*;
use crate::ctx::WasiCtx;
use crate::fs::OpenFile;
use crate::rights;
use crate::table::{Descriptor, sync_flags};

/// Closes `fd`; its number becomes free for reuse. Preopens may be closed
/// too. EBADF: `fd` is not open.
pub fn fd_close(ctx: &mut WasiCtx, fd: Fd) -> Result<(), Error> {
    ctx.table.remove(fd.into())?;
    Ok(())
}

/// Moves descriptor `fd` to number `to`, closing what `to` held (preopens
/// included). EBADF: either is not open.
pub fn fd_renumber(ctx: &mut WasiCtx, fd: Fd, to: Fd) -> Result<(), Error> {
    ctx.table.renumber(fd.into(), to.into())
}

/// The type, flags and rights of `fd`. EBADF: not open.
///
/// Streams inherited from the host report the host object's type (a terminal
/// is a character device, a redirected file a regular file); other streams
/// report `unknown`. A character device reports FD_SEEK and FD_TELL unless it
/// is a terminal (`isatty(3)`), whether it is stdio or opened beneath a
/// preopen: wasi-libc's `isatty` answers yes for a character device without
/// them, so `/dev/null` and `/dev/zero` (seekable on Linux) read as no
/// terminal, as natively.
///
/// The flags are those the descriptor was opened with, directories included,
/// as Linux `F_GETFL` reports them: SYNC and RSYNC (one flag on Linux, where
/// `O_SYNC` also sets `O_DSYNC`) each report SYNC, DSYNC and RSYNC.
pub fn fd_fdstat_get(ctx: &mut WasiCtx, fd: Fd) -> Result<Fdstat, Error> {
    let stat = match ctx.table.get(fd.into())? {
        Descriptor::File(file) => {
            let fs_filetype = filetype_of(&rustix::fs::fstat(&file.file)?);
            let rights = rights::file(file.access, file.read_only);
            Fdstat {
                fs_filetype,
                fs_flags: file.flags,
                fs_rights_base: device_rights(rights, fs_filetype, file.file.as_fd()),
                fs_rights_inheriting: Rights::empty(),
            }
        }
        Descriptor::Dir(dir) => {
            let (base, inheriting) = rights::dir(dir.read_only);
            Fdstat {
                fs_filetype: Filetype::Directory,
                fs_flags: dir.flags,
                fs_rights_base: base,
                fs_rights_inheriting: inheriting,
            }
        }
        Descriptor::Input(stream) => stream_fdstat(stream.host_fd(), stream.is_nonblocking(), rights::stream_read())?,
        Descriptor::Output(stream) => stream_fdstat(stream.host_fd(), stream.is_nonblocking(), rights::stream_write())?,
        Descriptor::Socket(socket) => Fdstat {
            fs_filetype: Filetype::SocketStream,
            fs_flags: super::stream_flags::fdflags(socket.is_nonblocking()),
            fs_rights_base: rights::socket(),
            fs_rights_inheriting: Rights::empty(),
        },
    };
    Ok(stat)
}

/// The fdstat of a stdio stream, behind `host_fd` when inherited.
fn stream_fdstat(
    host_fd: Option<rustix::fd::BorrowedFd<'_>>,
    nonblocking: bool,
    rights: Rights,
) -> Result<Fdstat, Error> {
    let (fs_filetype, fs_rights_base) = match host_fd {
        Some(fd) => {
            let filetype = filetype_of(&rustix::fs::fstat(fd)?);
            (filetype, device_rights(rights, filetype, fd))
        }
        None => (Filetype::Unknown, rights),
    };
    Ok(Fdstat {
        fs_filetype,
        fs_flags: super::stream_flags::fdflags(nonblocking),
        fs_rights_base,
        fs_rights_inheriting: Rights::empty(),
    })
}

/// `rights` of a descriptor of type `filetype`, with FD_SEEK and FD_TELL as
/// a character device reports them (see [`rights::character_device`]).
fn device_rights(rights: Rights, filetype: Filetype, fd: rustix::fd::BorrowedFd<'_>) -> Rights {
    if filetype == Filetype::CharacterDevice {
        rights::character_device(rights, rustix::termios::isatty(fd))
    } else {
        rights
    }
}

/// The attributes of the object `fd` refers to. Streams not backed by a host
/// descriptor report type `unknown` and zeros. EBADF: not open.
pub fn fd_filestat_get(ctx: &mut WasiCtx, fd: Fd) -> Result<Filestat, Error> {
    let (desc, typing_stat) = ctx.table.get_with_stat(fd.into())?;
    if let Some(stat) = typing_stat {
        // The fstat that just typed an opened path is this call's answer.
        return Ok(filestat_from_stat(&stat));
    }
    let host_fd = match desc {
        Descriptor::File(file) => Some(file.file.as_fd()),
        Descriptor::Dir(dir) => Some(dir.dir.as_fd()),
        Descriptor::Socket(socket) => Some(socket.as_fd()),
        Descriptor::Input(stream) => stream.host_fd(),
        Descriptor::Output(stream) => stream.host_fd(),
    };
    match host_fd {
        Some(host_fd) => Ok(filestat_from_stat(&rustix::fs::fstat(host_fd)?)),
        None => {
            Ok(Filestat { dev: 0, ino: 0, filetype: Filetype::Unknown, nlink: 0, size: 0, atim: 0, mtim: 0, ctim: 0 })
        }
    }
}

/// Describes a preopened directory: its guest name's length. A socket
/// reports type `socket` (a capwasi extension, see `witx/typenames.witx`), so
/// wasi-libc's preopen scan steps over it to the directories after it.
/// EBADF: `fd` is not open or is not a preopen.
pub fn fd_prestat_get(ctx: &mut WasiCtx, fd: Fd) -> Result<Prestat, Error> {
    if let Descriptor::Socket(_) = ctx.table.get(fd.into())? {
        return Ok(Prestat::Socket);
    }
    let name = preopen_name(ctx, fd)?;
    Ok(Prestat::Dir(PrestatDir { pr_name_len: u32::try_from(name.len())? }))
}

/// Writes a preopen's guest name (not NUL-terminated) into `path`.
///
/// EBADF: not a preopen. ENAMETOOLONG: `path_len` is smaller than the name
/// (`pr_name_len` from fd_prestat_get). EFAULT: `path` is out of bounds.
pub fn fd_prestat_dir_name(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: Fd,
    path: GuestPtr<u8>,
    path_len: Size,
) -> Result<(), Error> {
    let name = preopen_name(ctx, fd)?;
    let len = u32::try_from(name.len())?;
    if len > path_len {
        return Err(Errno::Nametoolong.into());
    }
    mem.copy_from_slice(name.as_bytes(), path.as_array(len))?;
    Ok(())
}

fn preopen_name(ctx: &WasiCtx, fd: Fd) -> Result<&str, Error> {
    match ctx.table.get(fd.into())? {
        Descriptor::Dir(dir) => dir.preopen.as_deref().ok_or_else(|| Errno::Badf.into()),
        _ => Err(Errno::Badf.into()),
    }
}

/// The preview1 type of a host object.
pub(crate) fn filetype_of(stat: &rustix::fs::Stat) -> Filetype {
    filetype_from_mode(stat.st_mode)
}

/// The preview1 type of a host `st_mode`.
pub(crate) fn filetype_from_mode(mode: u32) -> Filetype {
    filetype_from_host(rustix::fs::FileType::from_raw_mode(mode))
}

/// The preview1 type of a host file type.
pub(crate) fn filetype_from_host(file_type: rustix::fs::FileType) -> Filetype {
    use rustix::fs::FileType as F;
    match file_type {
        F::RegularFile => Filetype::RegularFile,
        F::Directory => Filetype::Directory,
        F::Symlink => Filetype::SymbolicLink,
        F::CharacterDevice => Filetype::CharacterDevice,
        F::BlockDevice => Filetype::BlockDevice,
        F::Socket => Filetype::SocketStream,
        F::Fifo | F::Unknown => Filetype::Unknown,
    }
}

/// A host time (seconds and nanoseconds since the epoch) as a preview1
/// timestamp, which cannot go below the epoch or past 2554: a time before
/// 1970 is 0, one after is the largest timestamp.
pub(crate) fn nanos_since_epoch(sec: i64, nsec: i64) -> Timestamp {
    let nanos = i128::from(sec) * 1_000_000_000 + i128::from(nsec);
    nanos.clamp(0, i128::from(Timestamp::MAX)) as Timestamp
}

/// A host `stat` as a preview1 filestat.
pub(crate) fn filestat_from_stat(stat: &rustix::fs::Stat) -> Filestat {
    let nanos = nanos_since_epoch;
    Filestat {
        dev: stat.st_dev,
        ino: stat.st_ino,
        filetype: filetype_of(stat),
        nlink: stat.st_nlink,
        size: stat.st_size as u64,
        atim: nanos(stat.st_atime, stat.st_atime_nsec as i64),
        mtim: nanos(stat.st_mtime, stat.st_mtime_nsec as i64),
        ctim: nanos(stat.st_ctime, stat.st_ctime_nsec as i64),
    }
}

/// The host file behind `fd`, for the calls that only apply to files.
/// EBADF: `fd` is not open, or is a directory, stream or socket.
fn file_mut(ctx: &mut WasiCtx, fd: Fd) -> Result<&mut OpenFile, Error> {
    match ctx.table.get_mut(fd.into())? {
        Descriptor::File(file) => Ok(file),
        _ => Err(Errno::Badf.into()),
    }
}

/// A file whose contents or size the guest wants to change: refused with
/// ENOTCAPABLE beneath a read-only preopen, and with `not_writable` (the
/// errno Linux gives for that call) if not open for writing.
fn file_for_change(ctx: &mut WasiCtx, fd: Fd, not_writable: Errno) -> Result<&mut OpenFile, Error> {
    let file = file_mut(ctx, fd)?;
    if file.read_only {
        return Err(Errno::Notcapable.into());
    }
    if !file.access.write {
        return Err(not_writable.into());
    }
    Ok(file)
}

/// Tells the host how the guest will use a byte range of `fd`
/// (`posix_fadvise`); `len` 0 means "to the end of the file". Advice changes
/// nothing the guest can observe, so it is allowed beneath read-only preopens.
///
/// EBADF: `fd` is not open, or is not a file (as wasmtime). EINVAL: `offset`
/// or `len` is beyond 2^63 (from the host).
pub fn fd_advise(ctx: &mut WasiCtx, fd: Fd, offset: Filesize, len: Filesize, advice: Advice) -> Result<(), Error> {
    use rustix::fs::Advice as A;
    let file = file_mut(ctx, fd)?;
    let advice = match advice {
        Advice::Normal => A::Normal,
        Advice::Sequential => A::Sequential,
        Advice::Random => A::Random,
        Advice::Willneed => A::WillNeed,
        Advice::Dontneed => A::DontNeed,
        Advice::Noreuse => A::NoReuse,
    };
    Ok(file.advise(offset, len, advice)?)
}

/// Makes sure the byte range `offset..offset+len` of `fd` is allocated on
/// disk, growing the file if it ends before `offset+len` (`posix_fallocate`).
/// wasmtime answers ENOTSUP here; capwasi does the real thing, since Linux has it.
///
/// EBADF: `fd` is not open, not a file, or not open for writing. ENOTCAPABLE:
/// the file was opened beneath a read-only preopen. EINVAL: `len` is 0, or
/// `offset` is beyond 2^63. EFBIG: the end is past the largest file size.
/// ENOSPC: the disk is full. ENOTSUP: the host file system cannot allocate.
pub fn fd_allocate(ctx: &mut WasiCtx, fd: Fd, offset: Filesize, len: Filesize) -> Result<(), Error> {
    let file = file_for_change(ctx, fd, Errno::Badf)?;
    if len == 0 {
        return Err(Errno::Inval.into());
    }
    if offset.checked_add(len).is_none_or(|end| end > i64::MAX as u64) {
        return Err(Errno::Fbig.into());
    }
    Ok(file.allocate(offset, len)?)
}

/// Writes `fd`'s data (not necessarily its metadata) to disk (`fdatasync`).
/// Directories too.
///
/// EBADF: `fd` is not open, or is a stream or socket (as wasmtime). EIO: the
/// host failed to write.
pub fn fd_datasync(ctx: &mut WasiCtx, fd: Fd) -> Result<(), Error> {
    match ctx.table.get(fd.into())? {
        Descriptor::File(file) => Ok(file.datasync()?),
        Descriptor::Dir(dir) => Ok(dir.datasync()?),
        _ => Err(Errno::Badf.into()),
    }
}

/// Writes `fd`'s data and metadata to disk (`fsync`). Directories too.
///
/// EBADF: `fd` is not open, or is a stream or socket (as wasmtime). EIO: the
/// host failed to write.
pub fn fd_sync(ctx: &mut WasiCtx, fd: Fd) -> Result<(), Error> {
    match ctx.table.get(fd.into())? {
        Descriptor::File(file) => Ok(file.sync()?),
        Descriptor::Dir(dir) => Ok(dir.sync()?),
        _ => Err(Errno::Badf.into()),
    }
}

/// Sets the descriptor flags of `fd`. APPEND and NONBLOCK are applied to the
/// host descriptor (`fcntl(F_SETFL)`) and then reported by fd_fdstat_get.
/// Linux cannot change the sync flags after open, so DSYNC, RSYNC and SYNC
/// must be given as they were at open, or as fd_fdstat_get reports them (so
/// `fcntl(F_SETFL, fcntl(F_GETFL) | O_NONBLOCK)` works); wasmtime refuses
/// any sync flag.
/// On stdio streams and sockets only NONBLOCK means anything (see
/// `stream_flags`): an inherited stream keeps it in capwasi, not on the host
/// descriptor the parent shares.
///
/// EBADF: `fd` is not open, or is a directory. EINVAL: a sync flag differs
/// from the one fixed at open. ENOTSUP: APPEND or a sync flag on a stream or
/// socket.
pub fn fd_fdstat_set_flags(ctx: &mut WasiCtx, fd: Fd, flags: Fdflags) -> Result<(), Error> {
    let sync_bits = Fdflags::DSYNC | Fdflags::RSYNC | Fdflags::SYNC;
    match ctx.table.get_mut(fd.into())? {
        Descriptor::File(file) => {
            if sync_flags(flags) != file.flags & sync_bits {
                return Err(Errno::Inval.into());
            }
            file.set_flags(flags)?;
        }
        desc @ (Descriptor::Input(_) | Descriptor::Output(_) | Descriptor::Socket(_)) => {
            super::stream_flags::set(desc, flags)?
        }
        Descriptor::Dir(_) => return Err(Errno::Badf.into()),
    }
    Ok(())
}

/// Would narrow the rights of `fd`. capwasi reports rights but does not
/// enforce them (what a descriptor may do is fixed by its open mode and its
/// preopen's read-only flag), so it cannot honour a narrower set and refuses
/// rather than report one it would not keep to, as wasmtime does.
///
/// EBADF: `fd` is not open. ENOTSUP: otherwise.
pub fn fd_fdstat_set_rights(ctx: &mut WasiCtx, fd: Fd, _base: Rights, _inheriting: Rights) -> Result<(), Error> {
    ctx.table.get(fd.into())?;
    Err(Errno::Notsup.into())
}

/// Sets the size of the file `fd` (`ftruncate`): shorter drops the tail,
/// longer adds zeros (sparsely where the file system can).
///
/// EBADF: `fd` is not open, or not a file. EINVAL: `fd` is not open for
/// writing (as Linux `ftruncate`), or `size` is beyond 2^63. ENOTCAPABLE:
/// opened beneath a read-only preopen. EFBIG: beyond the largest file size.
pub fn fd_filestat_set_size(ctx: &mut WasiCtx, fd: Fd, size: Filesize) -> Result<(), Error> {
    let file = file_for_change(ctx, fd, Errno::Inval)?;
    if size > i64::MAX as u64 {
        return Err(Errno::Inval.into());
    }
    Ok(file.set_len(size)?)
}

/// Sets the access and/or modification time of `fd` (`futimens`), each to a
/// given time (ATIM, MTIM, nanoseconds since the epoch) or the current time
/// (ATIM_NOW, MTIM_NOW); a time with neither flag is left alone. Works on
/// files (whatever their open mode, as POSIX) and directories.
///
/// EBADF: `fd` is not open, or is a stream or socket. EINVAL: both ATIM and
/// ATIM_NOW, or both MTIM and MTIM_NOW. ENOTCAPABLE: `fd` is, or was opened
/// beneath, a read-only preopen. EPERM/EACCES: the host refuses (not owner).
pub fn fd_filestat_set_times(
    ctx: &mut WasiCtx,
    fd: Fd,
    atim: Timestamp,
    mtim: Timestamp,
    fst_flags: Fstflags,
) -> Result<(), Error> {
    let times = host_timestamps(atim, mtim, fst_flags)?;
    match ctx.table.get(fd.into())? {
        Descriptor::File(file) if file.read_only => Err(Errno::Notcapable.into()),
        Descriptor::Dir(dir) if dir.read_only => Err(Errno::Notcapable.into()),
        Descriptor::File(file) => Ok(file.set_times(&times)?),
        Descriptor::Dir(dir) => Ok(dir.set_times(&times)?),
        _ => Err(Errno::Badf.into()),
    }
}

/// The two times of a set_times call as `utimensat` takes them.
/// EINVAL: both a time and NOW for the same stamp.
pub(crate) fn host_timestamps(
    atim: Timestamp,
    mtim: Timestamp,
    flags: Fstflags,
) -> Result<rustix::fs::Timestamps, Error> {
    let one = |time: Timestamp, set: Fstflags, now: Fstflags| -> Result<rustix::fs::Timespec, Error> {
        let nsecs = match (flags.contains(set), flags.contains(now)) {
            (true, true) => return Err(Errno::Inval.into()),
            (false, true) => rustix::fs::UTIME_NOW,
            (false, false) => rustix::fs::UTIME_OMIT,
            (true, false) => {
                return Ok(rustix::fs::Timespec {
                    tv_sec: (time / 1_000_000_000) as i64,
                    tv_nsec: (time % 1_000_000_000) as _,
                });
            }
        };
        Ok(rustix::fs::Timespec { tv_sec: 0, tv_nsec: nsecs })
    };
    Ok(rustix::fs::Timestamps {
        last_access: one(atim, Fstflags::ATIM, Fstflags::ATIM_NOW)?,
        last_modification: one(mtim, Fstflags::MTIM, Fstflags::MTIM_NOW)?,
    })
}

/// The two times of a set_times call as cap-fs-ext takes them (`None` = leave alone).
pub(crate) fn time_specs(
    atim: Timestamp,
    mtim: Timestamp,
    flags: Fstflags,
) -> Result<(Option<cap_fs_ext::SystemTimeSpec>, Option<cap_fs_ext::SystemTimeSpec>), Error> {
    use cap_fs_ext::SystemTimeSpec;
    let one = |time: Timestamp, set: Fstflags, now: Fstflags| -> Result<Option<SystemTimeSpec>, Error> {
        match (flags.contains(set), flags.contains(now)) {
            (true, true) => Err(Errno::Inval.into()),
            (false, true) => Ok(Some(SystemTimeSpec::SymbolicNow)),
            (false, false) => Ok(None),
            (true, false) => {
                let at = std::time::UNIX_EPOCH + std::time::Duration::from_nanos(time);
                Ok(Some(SystemTimeSpec::Absolute(cap_std::time::SystemTime::from_std(at))))
            }
        }
    };
    Ok((one(atim, Fstflags::ATIM, Fstflags::ATIM_NOW)?, one(mtim, Fstflags::MTIM, Fstflags::MTIM_NOW)?))
}
