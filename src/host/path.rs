//! The path_* functions: path_create_directory, path_filestat_get,
//! path_filestat_set_times, path_link, path_open, path_readlink,
//! path_remove_directory, path_rename, path_symlink, path_unlink_file.
//!
//! Every path is resolved beneath its directory descriptor by cap-std; capwasi
//! only rejects NUL bytes, and, before reading them, paths longer than
//! [`PATH_MAX`] or with a component longer than [`NAME_MAX`], which Linux would
//! refuse anyway (so no host call walks a huge path). A path that would leave the directory (`..` past
//! it, an absolute path, a symlink pointing out) is ENOTCAPABLE, and so is
//! every change beneath a read-only preopen, refused before the host is asked.
//! The checks run in this order: the descriptor (EBADF, ENOTDIR), the path
//! (EFAULT, EILSEQ, EINVAL), the flags (EINVAL), read-only (ENOTCAPABLE), then
//! the host call, whose errors map through `crate::error`.
//!
//! Shared by every function here: EBADF: `fd` is not open. ENOTDIR: `fd` is
//! not a directory, or a non-final component of the path is not one.
//! EFAULT: the path is out of bounds. EILSEQ: it is not UTF-8. EINVAL: it
//! holds a NUL byte. ENOENT: a component is missing (the empty path too).
//! ENOTCAPABLE: the path leaves the directory. ELOOP: too many symlinks.
//! ENAMETOOLONG: the path is longer than 4096 bytes or a component longer than
//! 255 (checked first), or the host says a name is too long. EACCES/EPERM: the
//! host refuses.
#![allow(clippy::too_many_arguments)]

use std::borrow::Cow;
use std::os::unix::ffi::OsStrExt;

use cap_fs_ext::DirExt;
use wiggle::{GuestMemory, GuestPtr};

use crate::bindings::types::*;
use crate::ctx::WasiCtx;
use crate::fs::{Access, OpenDir, OpenSpec, Opened, open_at, plain_name, set_dir_times_beneath, slash, waiting};
use crate::host::fd::{filestat_from_stat, filetype_from_mode, nanos_since_epoch, time_specs};
use crate::table::{Descriptor, Untyped};

/// The directory behind `fd`. EBADF: not open. ENOTDIR: not a directory.
fn dir_of(ctx: &WasiCtx, fd: Fd) -> Result<&OpenDir, Error> {
    match ctx.table.get(fd.into())? {
        Descriptor::Dir(dir) => Ok(dir),
        _ => Err(Errno::Notdir.into()),
    }
}

/// The longest path capwasi passes to the host, in bytes: Linux's `PATH_MAX`
/// (4096, its NUL included, so the kernel itself refuses 4096 bytes too).
pub const PATH_MAX: u32 = 4096;

/// The longest path component, in bytes: Linux's `NAME_MAX`.
pub const NAME_MAX: usize = 255;

/// A guest path: ENAMETOOLONG if longer than [`PATH_MAX`] (checked before
/// memory is read) or if a component is longer than [`NAME_MAX`]; EINVAL if
/// it holds a NUL byte; EFAULT and EILSEQ come from reading it.
fn guest_path<'m>(mem: &'m GuestMemory<'_>, path: GuestPtr<str>) -> Result<Cow<'m, str>, Error> {
    let path = symlink_target(mem, path)?;
    // A path no longer than NAME_MAX has no component longer either.
    if path.len() > NAME_MAX && path.split('/').any(|component| component.len() > NAME_MAX) {
        return Err(Errno::Nametoolong.into());
    }
    Ok(path)
}

/// The target of a new symlink: as [`guest_path`] but for the component
/// length, which Linux does not check in a target (it is checked if the link
/// is ever followed).
fn symlink_target<'m>(mem: &'m GuestMemory<'_>, path: GuestPtr<str>) -> Result<Cow<'m, str>, Error> {
    if path.len() > PATH_MAX {
        return Err(Errno::Nametoolong.into());
    }
    let path = mem.as_cow_str(path)?;
    if path.contains('\0') {
        return Err(Errno::Inval.into());
    }
    Ok(path)
}

/// Refuses a change beneath a read-only directory.
fn writable(dir: &OpenDir) -> Result<&cap_std::fs::Dir, Error> {
    if dir.read_only { Err(Errno::Notcapable.into()) } else { Ok(&dir.dir) }
}

/// Creates the directory `path` beneath `fd` (`mkdirat`).
///
/// EEXIST: `path` exists (a dangling symlink included). ENOTCAPABLE: `fd` is
/// beneath a read-only preopen. ENOSPC: the disk is full.
pub fn path_create_directory(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: Fd,
    path: GuestPtr<str>,
) -> Result<(), Error> {
    let dir = dir_of(ctx, fd)?;
    let path = guest_path(mem, path)?;
    writable(dir)?.create_dir(&*path)?;
    Ok(())
}

/// The attributes of `path` beneath `fd`, following a final symlink when
/// `flags` has SYMLINK_FOLLOW (`fstatat`).
///
/// ENOTDIR: `path` ends in `/` and does not name a directory (a trailing `/`
/// follows a final symlink whatever `flags` say, as POSIX).
pub fn path_filestat_get(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: Fd,
    flags: Lookupflags,
    path: GuestPtr<str>,
) -> Result<Filestat, Error> {
    let dir = dir_of(ctx, fd)?;
    let path = guest_path(mem, path)?;
    let follow = flags.contains(Lookupflags::SYMLINK_FOLLOW);
    if let Some(name) = plain_name(&path) {
        // One plain name, not followed, cannot leave the directory: cap-std's
        // stat answers it with this same one fstatat. Read straight into a
        // filestat, and when the name is not a symlink following changes
        // nothing either. Only a symlink to follow takes cap-std's full route.
        let stat = rustix::fs::statat(&dir.dir, name, rustix::fs::AtFlags::SYMLINK_NOFOLLOW)?;
        let filestat = filestat_from_stat(&stat);
        if !follow || filestat.filetype != Filetype::SymbolicLink {
            return Ok(filestat);
        }
    }
    // A trailing `/` asks for a directory and follows a final symlink, as in
    // POSIX; cap-std's stat does not check it, so the type is checked here.
    let trailing_slash = path.ends_with('/');
    let metadata =
        if trailing_slash || follow { dir.dir.metadata(&*path)? } else { dir.dir.symlink_metadata(&*path)? };
    if trailing_slash && !metadata.is_dir() {
        return Err(Errno::Notdir.into());
    }
    Ok(filestat_from_metadata(&metadata))
}

/// A cap-std `Metadata` as a preview1 filestat.
fn filestat_from_metadata(md: &cap_std::fs::Metadata) -> Filestat {
    use cap_std::fs::MetadataExt;
    Filestat {
        dev: md.dev(),
        ino: md.ino(),
        filetype: filetype_from_mode(md.mode()),
        nlink: md.nlink(),
        size: md.size(),
        atim: nanos_since_epoch(md.atime(), md.atime_nsec()),
        mtim: nanos_since_epoch(md.mtime(), md.mtime_nsec()),
        ctim: nanos_since_epoch(md.ctime(), md.ctime_nsec()),
    }
}

/// Sets the access and/or modification time of `path` beneath `fd`, following
/// a final symlink only when `flags` has SYMLINK_FOLLOW (without it, the
/// symlink's own times change, as `utimensat(AT_SYMLINK_NOFOLLOW)`). Times as
/// in fd_filestat_set_times.
///
/// EINVAL: both ATIM and ATIM_NOW, or both MTIM and MTIM_NOW. ENOTCAPABLE:
/// `fd` is beneath a read-only preopen.
pub fn path_filestat_set_times(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: Fd,
    flags: Lookupflags,
    path: GuestPtr<str>,
    atim: Timestamp,
    mtim: Timestamp,
    fst_flags: Fstflags,
) -> Result<(), Error> {
    let dir = dir_of(ctx, fd)?;
    let path = guest_path(mem, path)?;
    let (atime, mtime) = time_specs(atim, mtim, fst_flags)?;
    let dir = writable(dir)?;
    if flags.contains(Lookupflags::SYMLINK_FOLLOW) {
        match dir.set_times(&*path, atime, mtime) {
            // cap-std reached a directory through O_PATH (see set_dir_times_beneath).
            Err(e) if e.raw_os_error() == Some(rustix::io::Errno::BADF.raw_os_error()) => {
                let times = crate::host::fd::host_timestamps(atim, mtim, fst_flags)?;
                set_dir_times_beneath(dir, &path, &times)?;
            }
            result => result?,
        }
    } else {
        dir.set_symlink_times(&*path, atime, mtime)?;
    }
    Ok(())
}

/// Makes `new_path` beneath `new_fd` a hard link to `old_path` beneath
/// `old_fd` (`linkat`). A final symlink in `old_path` is linked itself.
///
/// EINVAL: `old_flags` has SYMLINK_FOLLOW (as wasmtime; following would let
/// the link name a file the guest reached only through a symlink).
/// ENOTCAPABLE: either directory is beneath a read-only preopen (a link out
/// of one would make its file writable; a link into one changes it).
/// EEXIST: `new_path` exists. EPERM: `old_path` is a directory. EXDEV: the
/// two are on different file systems. EMLINK: too many links. `new_path`
/// ending in `/` never makes a link: EEXIST if the name exists, ENOENT if not
/// (as Linux; see `fs::slash`).
pub fn path_link(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    old_fd: Fd,
    old_flags: Lookupflags,
    old_path: GuestPtr<str>,
    new_fd: Fd,
    new_path: GuestPtr<str>,
) -> Result<(), Error> {
    let old_dir = dir_of(ctx, old_fd)?;
    let new_dir = dir_of(ctx, new_fd)?;
    let old_path = guest_path(mem, old_path)?;
    let new_path = guest_path(mem, new_path)?;
    if old_flags.contains(Lookupflags::SYMLINK_FOLLOW) {
        return Err(Errno::Inval.into());
    }
    let (old_dir, new_dir) = (writable(old_dir)?, writable(new_dir)?);
    if let Some(bare) = slash::without_trailing_slash(&new_path) {
        return Err(slash::link_error(old_dir, &old_path, new_dir, bare).into());
    }
    old_dir.hard_link(&*old_path, new_dir, &*new_path)?;
    Ok(())
}

/// Opens `path` beneath `fd` and returns the new descriptor, the lowest free
/// number.
///
/// The access mode comes from `base` as Linux `open(2)` takes it from
/// `O_RDONLY`/`O_WRONLY`/`O_RDWR`: FD_WRITE opens for writing, FD_READ (or
/// no FD_WRITE) for reading, both for both. Nothing else grants writing:
/// not FD_DATASYNC, FD_ALLOCATE or FD_FILESTAT_SET_SIZE (Go's `os.Open` asks
/// for those and must get a read-only file), and not the `oflags` or the
/// APPEND fdflag, which are applied as Linux applies them to any access mode
/// (`O_RDONLY|O_CREAT` creates and reads; `O_WRONLY|O_TRUNC|O_APPEND`
/// truncates and appends; `O_RDONLY|O_APPEND` reads, and its writes fail
/// with EBADF). Rights are otherwise not enforced: fd_fdstat_get reports the
/// rights the open mode really gives, whatever `base` and `inheriting` asked.
/// A directory opens as a directory whatever the flags (O_DIRECTORY only
/// insists). `fdflags` APPEND, NONBLOCK, DSYNC, RSYNC and SYNC are applied
/// to the host descriptor and reported by fd_fdstat_get.
///
/// EINVAL: DIRECTORY with CREAT, EXCL or TRUNC (as wasmtime). ENOTCAPABLE:
/// `fd` is beneath a read-only preopen and the open would write, create or
/// truncate (checked before the host is asked, so nothing changes; a
/// read-only open with APPEND or write-flavoured rights other than FD_WRITE
/// is allowed there, and reads). EMFILE:
/// the descriptor cap is reached (checked first, so nothing is created).
/// EEXIST: CREAT|EXCL and `path` exists. ENOENT: `path` is missing without
/// CREAT, or a dangling symlink is opened with CREAT whose target is inside
/// but whose directory is missing. ENOTDIR: DIRECTORY and `path` is not a
/// directory, a symlink too when not following it (Linux checks
/// O_DIRECTORY before O_NOFOLLOW), or `path` ends in `/` and names a file.
/// ELOOP: a final symlink without SYMLINK_FOLLOW (and without DIRECTORY).
/// EISDIR: `path` is a directory and the open would write, create or
/// truncate (FD_WRITE, CREAT or TRUNC).
pub fn path_open(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: Fd,
    dirflags: Lookupflags,
    path: GuestPtr<str>,
    oflags: Oflags,
    base: Rights,
    _inheriting: Rights,
    fdflags: Fdflags,
) -> Result<Fd, Error> {
    let dir = dir_of(ctx, fd)?;
    let path = guest_path(mem, path)?;
    let directory = oflags.contains(Oflags::DIRECTORY);
    if directory && oflags.intersects(Oflags::CREAT | Oflags::EXCL | Oflags::TRUNC) {
        return Err(Errno::Inval.into());
    }
    let mut spec = OpenSpec {
        follow: dirflags.contains(Lookupflags::SYMLINK_FOLLOW),
        create: oflags.contains(Oflags::CREAT),
        exclusive: oflags.contains(Oflags::EXCL),
        truncate: oflags.contains(Oflags::TRUNC),
        directory,
        read: base.contains(Rights::FD_READ),
        write: base.contains(Rights::FD_WRITE),
        append: fdflags.contains(Fdflags::APPEND),
        nonblock: fdflags.contains(Fdflags::NONBLOCK),
        sync: fdflags.contains(Fdflags::SYNC),
        dsync: fdflags.contains(Fdflags::DSYNC),
        rsync: fdflags.contains(Fdflags::RSYNC),
    };
    let read_only = dir.read_only;
    if read_only && (spec.write || spec.changes_anything()) {
        return Err(Errno::Notcapable.into());
    }
    ctx.table.check_room()?;
    // Under a run deadline no open waits for ever: see `crate::fs::waiting`.
    let deadline = ctx.deadline.filter(|_| !spec.nonblock && !spec.directory);
    let opened = match &deadline {
        Some(deadline) => {
            spec.nonblock = true;
            waiting::open_within(&dir.dir, &path, &spec, deadline)?
        }
        None => open_at(&dir.dir, &path, &spec)?,
    };
    let access = Access { read: spec.opens_read(), write: spec.write };
    let fd = match opened {
        Opened::Dir(dir) => ctx.table.push(Descriptor::opened_dir(dir, read_only, fdflags))?,
        Opened::File(file) | Opened::Either(file) if deadline.is_some() && waiting::can_wait(&file) => {
            ctx.table.push(Descriptor::waiting_file(file, access, read_only, fdflags))?
        }
        Opened::File(file) => ctx.table.push(Descriptor::opened_file(file, access, read_only, fdflags))?,
        Opened::Either(file) => ctx.table.push_untyped(Untyped { file, read_only, flags: fdflags })?,
    };
    Ok(Fd::from(fd))
}

/// Reads the target of the symlink `path` beneath `fd` into `buf`, returning
/// the number of bytes written. A target longer than `buf_len` is truncated to
/// fit, as POSIX `readlink` does (no error, no NUL). The target is returned as
/// stored, absolute or not: reading it reaches nothing.
///
/// EINVAL: `path` is not a symlink. EFAULT: `buf` is out of bounds (nothing
/// is written).
pub fn path_readlink(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: Fd,
    path: GuestPtr<str>,
    buf: GuestPtr<u8>,
    buf_len: Size,
) -> Result<Size, Error> {
    let dir = dir_of(ctx, fd)?;
    let path = guest_path(mem, path)?;
    let target = dir.dir.read_link_contents(&*path)?;
    let bytes = target.as_os_str().as_bytes();
    let n = u32::try_from(bytes.len()).unwrap_or(u32::MAX).min(buf_len);
    mem.as_slice(buf.as_array(buf_len))?; // bounds check of the whole buffer
    mem.copy_from_slice(&bytes[..n as usize], buf.as_array(n))?;
    Ok(n)
}

/// Removes the empty directory `path` beneath `fd` (`unlinkat(AT_REMOVEDIR)`).
///
/// Trailing slashes are accepted (`rmdir("dir/")` works, as on Linux): cap-std
/// would resolve `dir/` to `dir/.` and refuse it, so they are dropped, which
/// changes nothing else since only a directory can be removed.
///
/// ENOTEMPTY: it is not empty. ENOTDIR: it is not a directory (a symlink to
/// one included). EBUSY: it is in use as a mount point. EINVAL: the last
/// component is `.`. ENOTCAPABLE: `fd` is beneath a read-only preopen, or the
/// path is `..` or leaves `fd`.
pub fn path_remove_directory(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: Fd,
    path: GuestPtr<str>,
) -> Result<(), Error> {
    let dir = dir_of(ctx, fd)?;
    let path = guest_path(mem, path)?;
    let trimmed = path.trim_end_matches('/');
    let path = if trimmed.is_empty() { &*path } else { trimmed };
    writable(dir)?.remove_dir(path)?;
    Ok(())
}

/// Renames `old_path` beneath `fd` to `new_path` beneath `new_fd`
/// (`renameat`), replacing a file or empty directory at `new_path`.
///
/// ENOTCAPABLE: either directory is beneath a read-only preopen (a rename out
/// of one removes from it; into one adds to it). EISDIR: `new_path` is a
/// directory and `old_path` is not. ENOTDIR: the reverse. ENOTEMPTY:
/// `new_path` is a non-empty directory. EINVAL: a directory into itself.
/// EXDEV: different file systems. EBUSY: a mount point. ENOTDIR also when
/// either path ends in `/` and `old_path` (a final symlink not followed) is
/// not a directory, as Linux: nothing moves, and `rename("f", "link/")` does
/// not replace the symlink (see `fs::slash`).
pub fn path_rename(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: Fd,
    old_path: GuestPtr<str>,
    new_fd: Fd,
    new_path: GuestPtr<str>,
) -> Result<(), Error> {
    let old_dir = dir_of(ctx, fd)?;
    let new_dir = dir_of(ctx, new_fd)?;
    let old_path = guest_path(mem, old_path)?;
    let new_path = guest_path(mem, new_path)?;
    let (old_dir, new_dir) = (writable(old_dir)?, writable(new_dir)?);
    slash::check_rename(old_dir, &old_path, new_dir, &new_path)?;
    old_dir.rename(&*old_path, new_dir, &*new_path)?;
    Ok(())
}

/// Creates a symlink `new_path` beneath `fd` whose target is `old_path`
/// (`symlinkat`). The target is stored as given and not resolved; it is
/// resolved beneath the link's descriptor when followed.
///
/// ENOTCAPABLE: `old_path` is absolute (cap-std refuses it: an absolute link
/// could trick a program outside the sandbox; wasmtime refuses too), or `fd`
/// is beneath a read-only preopen. EINVAL: `old_path` holds a NUL. EFAULT,
/// EILSEQ: `old_path` as for paths. ENAMETOOLONG: `old_path` is longer than
/// 4096 bytes (no limit on its components, as on Linux). EEXIST: `new_path`
/// exists. `new_path` ending in `/` never makes a symlink: EEXIST if the
/// name exists, ENOENT if not (as Linux).
pub fn path_symlink(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    old_path: GuestPtr<str>,
    fd: Fd,
    new_path: GuestPtr<str>,
) -> Result<(), Error> {
    let dir = dir_of(ctx, fd)?;
    let old_path = symlink_target(mem, old_path)?;
    let new_path = guest_path(mem, new_path)?;
    let dir = writable(dir)?;
    // An absolute target is refused first (cap-std's check, on the string).
    if let Some(bare) = slash::without_trailing_slash(&new_path)
        && !old_path.starts_with('/')
    {
        return Err(slash::create_error(dir, bare).into());
    }
    dir.symlink(&*old_path, &*new_path)?;
    Ok(())
}

/// Removes the non-directory `path` beneath `fd` (`unlinkat`); a symlink is
/// removed itself. An open descriptor of the file stays usable.
///
/// EISDIR: `path` is a directory (Linux's answer). ENOTDIR: `path` ends in
/// `/` and names anything else (a symlink to a directory included: it is
/// not followed), and nothing is removed. ENOTCAPABLE: `fd` is beneath a
/// read-only preopen.
pub fn path_unlink_file(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: Fd,
    path: GuestPtr<str>,
) -> Result<(), Error> {
    let dir = dir_of(ctx, fd)?;
    let path = guest_path(mem, path)?;
    let dir = writable(dir)?;
    if let Some(bare) = slash::without_trailing_slash(&path) {
        return Err(slash::unlink_error(dir, bare).into());
    }
    dir.remove_file(&*path)?;
    Ok(())
}
