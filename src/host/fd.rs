//! Descriptor functions other than the data path: fd_advise, fd_allocate,
//! fd_close, fd_datasync, fd_fdstat_get, fd_fdstat_set_flags,
//! fd_fdstat_set_rights, fd_filestat_get, fd_filestat_set_size,
//! fd_filestat_set_times, fd_prestat_get, fd_prestat_dir_name, fd_renumber,
//! fd_sync.

use rustix::fd::AsFd;
use wiggle::{GuestMemory, GuestPtr};

use crate::bindings::types::*;
use crate::ctx::WasiCtx;
use crate::rights;
use crate::table::Descriptor;

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
/// report `unknown`.
pub fn fd_fdstat_get(ctx: &mut WasiCtx, fd: Fd) -> Result<Fdstat, Error> {
    let stat = match ctx.table.get(fd.into())? {
        Descriptor::File(file) => Fdstat {
            fs_filetype: filetype_of(&rustix::fs::fstat(&file.file)?),
            fs_flags: file.flags,
            fs_rights_base: file.rights_base,
            fs_rights_inheriting: file.rights_inheriting,
        },
        Descriptor::Dir(dir) => Fdstat {
            fs_filetype: Filetype::Directory,
            fs_flags: Fdflags::empty(),
            fs_rights_base: dir.rights_base,
            fs_rights_inheriting: dir.rights_inheriting,
        },
        Descriptor::Input(stream) => Fdstat {
            fs_filetype: stream_filetype(stream.host_fd())?,
            fs_flags: super::stream_flags::fdflags(stream.is_nonblocking()),
            fs_rights_base: rights::stream_read(),
            fs_rights_inheriting: Rights::empty(),
        },
        Descriptor::Output(stream) => Fdstat {
            fs_filetype: stream_filetype(stream.host_fd())?,
            fs_flags: super::stream_flags::fdflags(stream.is_nonblocking()),
            fs_rights_base: rights::stream_write(),
            fs_rights_inheriting: Rights::empty(),
        },
        Descriptor::Socket(socket) => Fdstat {
            fs_filetype: Filetype::SocketStream,
            fs_flags: super::stream_flags::fdflags(socket.is_nonblocking()),
            fs_rights_base: rights::socket(),
            fs_rights_inheriting: Rights::empty(),
        },
    };
    Ok(stat)
}

/// The attributes of the object `fd` refers to. Streams not backed by a host
/// descriptor report type `unknown` and zeros. EBADF: not open.
pub fn fd_filestat_get(ctx: &mut WasiCtx, fd: Fd) -> Result<Filestat, Error> {
    let host_fd = match ctx.table.get(fd.into())? {
        Descriptor::File(file) => Some(file.file.as_fd()),
        Descriptor::Dir(dir) => Some(dir.dir.as_fd()),
        Descriptor::Socket(socket) => Some(socket.as_fd()),
        Descriptor::Input(stream) => stream.host_fd(),
        Descriptor::Output(stream) => stream.host_fd(),
    };
    match host_fd {
        Some(host_fd) => Ok(filestat_from_stat(&rustix::fs::fstat(host_fd)?)),
        None => Ok(Filestat {
            dev: 0,
            ino: 0,
            filetype: Filetype::Unknown,
            nlink: 0,
            size: 0,
            atim: 0,
            mtim: 0,
            ctim: 0,
        }),
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
    use rustix::fs::FileType as F;
    match F::from_raw_mode(stat.st_mode) {
        F::RegularFile => Filetype::RegularFile,
        F::Directory => Filetype::Directory,
        F::Symlink => Filetype::SymbolicLink,
        F::CharacterDevice => Filetype::CharacterDevice,
        F::BlockDevice => Filetype::BlockDevice,
        F::Socket => Filetype::SocketStream,
        F::Fifo | F::Unknown => Filetype::Unknown,
    }
}

fn stream_filetype(host_fd: Option<rustix::fd::BorrowedFd<'_>>) -> Result<Filetype, Error> {
    match host_fd {
        Some(fd) => Ok(filetype_of(&rustix::fs::fstat(fd)?)),
        None => Ok(Filetype::Unknown),
    }
}

/// A host `stat` as a preview1 filestat.
pub(crate) fn filestat_from_stat(stat: &rustix::fs::Stat) -> Filestat {
    let nanos = |sec: i64, nsec: i64| (sec as u64).wrapping_mul(1_000_000_000).wrapping_add(nsec as u64);
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

// --- The rest of the fd_* family; filled in by the file-system work. ---

pub fn fd_advise(_ctx: &mut WasiCtx, _fd: Fd, _offset: Filesize, _len: Filesize, _advice: Advice) -> Result<(), Error> {
    Err(Errno::Nosys.into())
}
pub fn fd_allocate(_ctx: &mut WasiCtx, _fd: Fd, _offset: Filesize, _len: Filesize) -> Result<(), Error> {
    Err(Errno::Nosys.into())
}
pub fn fd_datasync(_ctx: &mut WasiCtx, _fd: Fd) -> Result<(), Error> {
    Err(Errno::Nosys.into())
}
pub fn fd_sync(_ctx: &mut WasiCtx, _fd: Fd) -> Result<(), Error> {
    Err(Errno::Nosys.into())
}
pub fn fd_fdstat_set_flags(_ctx: &mut WasiCtx, _fd: Fd, _flags: Fdflags) -> Result<(), Error> {
    Err(Errno::Nosys.into())
}
pub fn fd_fdstat_set_rights(_ctx: &mut WasiCtx, _fd: Fd, _base: Rights, _inheriting: Rights) -> Result<(), Error> {
    Err(Errno::Nosys.into())
}
pub fn fd_filestat_set_size(_ctx: &mut WasiCtx, _fd: Fd, _size: Filesize) -> Result<(), Error> {
    Err(Errno::Nosys.into())
}
pub fn fd_filestat_set_times(_ctx: &mut WasiCtx, _fd: Fd, _atim: Timestamp, _mtim: Timestamp, _fst_flags: Fstflags) -> Result<(), Error> {
    Err(Errno::Nosys.into())
}
