//! The data path: fd_read, fd_write, fd_pread, fd_pwrite, fd_seek, fd_tell.
//!
//! Reads and writes go straight between guest memory and the host descriptor:
//! one `readv`/`writev`-family system call per guest call, no host buffer, no
//! allocation for up to eight buffers.
//!
//! One call moves at most [`MAX_RW`] bytes, over all its buffers, as one Linux
//! `read`/`write` does; a guest asking for more gets a short count, so a count
//! always fits the guest's 32-bit result and an embedder's reader or writer is
//! never asked for more in one call.

use std::borrow::Cow;
use std::io::IoSlice;

use rustix::fs::SeekFrom;
use wiggle::{GuestMemory, GuestPtr};

use crate::bindings::types::{CiovecArray, Errno, Error, Fd, Filedelta, Filesize, IovecArray, Size, Whence};
use crate::ctx::WasiCtx;
use crate::fs::OpenFile;
use crate::table::Descriptor;

/// Reads from `fd` into the buffers `iovs`, returning the bytes read (0 at end
/// of file). Like POSIX `readv`, a read may be short; capwasi fills the first
/// non-empty buffer with one system call. A read of zero bytes makes the same
/// checks as any other (it is a `read(2)` of zero bytes).
///
/// EBADF: `fd` is not open, or not open for reading. EISDIR: `fd` is a
/// directory. EAGAIN: `fd` is non-blocking and nothing is ready. EFAULT: a
/// buffer is out of bounds. Other errnos come from the host's `read(2)`.
pub fn fd_read(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, fd: Fd, iovs: IovecArray) -> Result<Size, Error> {
    if ctx.table.is_untyped(fd.into()) {
        // Just opened for reading: the read itself tells a file from a directory.
        let buf = first_nonempty(mem, iovs)?;
        return read_into(mem, buf, |bytes| ctx.table.read_untyped(fd.into(), |file| rustix::io::read(file, bytes)));
    }
    let deadline = ctx.deadline.as_ref();
    let desc = ctx.table.get_mut(fd.into())?;
    let buf = first_nonempty(mem, iovs)?;
    read_into(mem, buf, |bytes| read_desc(desc, bytes, deadline))
}

/// One read from `desc` into `bytes`, as fd_read makes it.
fn read_desc(
    desc: &mut Descriptor,
    bytes: &mut [u8],
    deadline: Option<&crate::limits::Deadline>,
) -> Result<usize, Error> {
    match desc {
        Descriptor::Input(stream) => Ok(stream.read(bytes, deadline)?),
        Descriptor::File(file) => Ok(file.read_within(bytes, deadline)?),
        Descriptor::Socket(socket) => Ok(socket.recv(bytes, false, false, deadline)?),
        Descriptor::Dir(_) => Err(Errno::Isdir.into()),
        Descriptor::Output(_) => Err(Errno::Badf.into()),
    }
}

/// fd_read of descriptor `fd` into a host slice (of guest memory), for the
/// URL ABIs (`crate::url_abi`): the same errnos.
pub(crate) fn read_fd(ctx: &mut WasiCtx, fd: u32, bytes: &mut [u8]) -> Result<usize, Error> {
    if ctx.table.is_untyped(fd) {
        return ctx.table.read_untyped(fd, |file| rustix::io::read(file, bytes));
    }
    let deadline = ctx.deadline.as_ref();
    read_desc(ctx.table.get_mut(fd)?, bytes, deadline)
}

/// fd_write of `slices` to descriptor `fd`, for the URL ABIs: the same errnos.
pub(crate) fn write_fd(ctx: &mut WasiCtx, fd: u32, slices: &[IoSlice<'_>]) -> Result<usize, Error> {
    let deadline = ctx.deadline.as_ref();
    write_desc(ctx.table.get_mut(fd)?, slices, deadline)
}

/// One write of `slices` to `desc`, as fd_write makes it.
fn write_desc(
    desc: &mut Descriptor,
    slices: &[IoSlice<'_>],
    deadline: Option<&crate::limits::Deadline>,
) -> Result<usize, Error> {
    match desc {
        Descriptor::Output(stream) => Ok(stream.write_vectored(slices, deadline)?),
        Descriptor::File(file) => Ok(file.write_within(slices, deadline)?),
        Descriptor::Socket(socket) => Ok(socket.send(slices, deadline)?),
        Descriptor::Input(_) | Descriptor::Dir(_) => Err(Errno::Badf.into()),
    }
}

/// Reads from `fd` at `offset` into `iovs` without moving the file position.
/// A read of zero bytes makes the same checks as any other.
///
/// EBADF: `fd` is not open for reading. ESPIPE: `fd` is a stream or socket.
/// EISDIR: `fd` is a directory. EFAULT: a buffer is out of bounds. EINVAL:
/// `offset` is beyond 2^63.
pub fn fd_pread(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: Fd,
    iovs: IovecArray,
    offset: Filesize,
) -> Result<Size, Error> {
    let desc = ctx.table.get_mut(fd.into())?;
    let file = match desc {
        Descriptor::File(file) => file,
        Descriptor::Dir(_) => return Err(Errno::Isdir.into()),
        Descriptor::Input(_) | Descriptor::Output(_) | Descriptor::Socket(_) => return Err(Errno::Spipe.into()),
    };
    let buf = first_nonempty(mem, iovs)?;
    read_into(mem, buf, |bytes| Ok(file.read_at(bytes, offset)?))
}

/// Writes the buffers `iovs` to `fd` in order, returning the bytes written
/// (possibly fewer than asked, as with POSIX `writev`). On a file opened with
/// APPEND every write goes to the end. A write of zero bytes makes the same
/// checks as any other (it is a `writev(2)` of zero bytes).
///
/// EBADF: `fd` is not open, or not open for writing (directories included).
/// EAGAIN: non-blocking and full. EPIPE: the reader is gone (a socket peer
/// too: capwasi never lets SIGPIPE reach the host). EFAULT: a buffer is
/// out of bounds. ENOSPC, EFBIG, EIO: from the host's `writev(2)`.
pub fn fd_write(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, fd: Fd, iovs: CiovecArray) -> Result<Size, Error> {
    let deadline = ctx.deadline.as_ref();
    let desc = ctx.table.get_mut(fd.into())?;
    with_slices(mem, iovs, |slices| write_desc(desc, slices, deadline))
}

/// Writes `iovs` to `fd` at `offset` without moving the file position.
///
/// As POSIX specifies, the data lands at `offset` even when the file was
/// opened with APPEND (Linux's `pwrite(2)` would append; see
/// `OpenFile::write_at`). A write of zero bytes makes the same checks as any
/// other.
///
/// EBADF: `fd` is not open for writing. ESPIPE: `fd` is a stream or socket.
/// EISDIR: a directory. EFAULT: a buffer is out of bounds. EFBIG, ENOSPC, EIO.
pub fn fd_pwrite(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: Fd,
    iovs: CiovecArray,
    offset: Filesize,
) -> Result<Size, Error> {
    let desc = ctx.table.get_mut(fd.into())?;
    let file = match desc {
        Descriptor::File(file) => file,
        Descriptor::Dir(_) => return Err(Errno::Badf.into()),
        Descriptor::Input(_) | Descriptor::Output(_) | Descriptor::Socket(_) => return Err(Errno::Spipe.into()),
    };
    with_slices(mem, iovs, |slices| Ok(file.write_at(slices, offset)?))
}

/// Moves the file position of `fd` by `offset` from `whence`, returning the
/// new position.
///
/// EBADF: `fd` is not open or is a directory. ESPIPE: `fd` is a stream or
/// socket. EINVAL: the new position would be negative. EOVERFLOW: it would not
/// fit in 63 bits.
pub fn fd_seek(ctx: &mut WasiCtx, fd: Fd, offset: Filedelta, whence: Whence) -> Result<Filesize, Error> {
    let file = seekable(ctx, fd)?;
    let pos = match whence {
        Whence::Set => SeekFrom::Start(u64::try_from(offset).map_err(|_| Errno::Inval)?),
        Whence::Cur => SeekFrom::Current(offset),
        Whence::End => SeekFrom::End(offset),
    };
    Ok(file.seek(pos)?)
}

/// The file position of `fd`. EBADF: not open or a directory. ESPIPE: a
/// stream or socket.
pub fn fd_tell(ctx: &mut WasiCtx, fd: Fd) -> Result<Filesize, Error> {
    let file = seekable(ctx, fd)?;
    Ok(file.tell()?)
}

fn seekable(ctx: &WasiCtx, fd: Fd) -> Result<&OpenFile, Error> {
    match ctx.table.get(fd.into())? {
        Descriptor::File(file) => Ok(file),
        Descriptor::Dir(_) => Err(Errno::Badf.into()),
        Descriptor::Input(_) | Descriptor::Output(_) | Descriptor::Socket(_) => Err(Errno::Spipe.into()),
    }
}

/// The first buffer of `iovs` with a non-zero length, if any among the first
/// [`IOV_MAX`] (one host read takes no more, and looking further would let a
/// guest make one call scan its whole memory). The whole array is checked
/// first (see [`iovec_array`]).
pub(super) fn first_nonempty(mem: &GuestMemory<'_>, iovs: IovecArray) -> Result<Option<GuestPtr<[u8]>>, Error> {
    let array = iovec_array(mem, iovs.offset_base(), iovs.len())?;
    Ok(iovecs(&array).take(IOV_MAX).find(|&(_, len)| len > 0).map(|(buf, len)| GuestPtr::new((buf, len))))
}

/// The bytes of an iovec (or ciovec) array of `count` entries at `offset`,
/// checked as a whole before anything is read from it: EINVAL if it is not
/// 4-byte aligned and its first entry lies in memory, else EFAULT if any of it
/// lies outside memory (the errnos wiggle's per-entry reads give, at ~100
/// instructions an entry; and the count cannot size an allocation unchecked).
/// An empty array is not checked, as there.
pub(super) fn iovec_array<'m>(mem: &'m GuestMemory<'_>, offset: u32, count: u32) -> Result<Cow<'m, [u8]>, Error> {
    if count == 0 {
        return Ok(Cow::Borrowed(&[]));
    }
    let first_in_bounds = u64::from(offset) + u64::from(IOVEC_SIZE) <= crate::linker::memory_len(mem) as u64;
    if first_in_bounds && !offset.is_multiple_of(4) {
        return Err(Errno::Inval.into());
    }
    let size = count.checked_mul(IOVEC_SIZE).ok_or(Errno::Fault)?;
    Ok(mem.as_cow(GuestPtr::<[u8]>::new((offset, size)))?)
}

/// The size of an iovec or ciovec in guest memory: a buffer pointer and a length.
const IOVEC_SIZE: u32 = 8;

/// The (buffer, length) pairs of an array from [`iovec_array`].
pub(super) fn iovecs(array: &[u8]) -> impl Iterator<Item = (u32, u32)> + '_ {
    array.chunks_exact(IOVEC_SIZE as usize).map(|iov| {
        let word = |at: usize| u32::from_le_bytes([iov[at], iov[at + 1], iov[at + 2], iov[at + 3]]);
        (word(0), word(4))
    })
}

/// Runs `read` on the guest buffer `buf`, cut to [`MAX_RW`] bytes, or on an
/// empty buffer when there is none, and returns the byte count. EFAULT: `buf`
/// is out of bounds.
pub(super) fn read_into(
    mem: &mut GuestMemory<'_>,
    buf: Option<GuestPtr<[u8]>>,
    read: impl FnOnce(&mut [u8]) -> Result<usize, Error>,
) -> Result<Size, Error> {
    let Some(buf) = buf else {
        return Ok(Size::try_from(read(&mut [])?)?);
    };
    let bytes = mem.as_slice_mut(buf)?.ok_or_else(crate::linker::shared_memory)?;
    let len = bytes.len().min(MAX_RW);
    let n = read(&mut bytes[..len])?;
    Ok(Size::try_from(n.min(len))?)
}

/// Runs `write` on the guest buffers `iovs` as host slices, without
/// allocating for up to eight buffers. The whole array, and every buffer that
/// goes to the call, are checked first (EFAULT; see [`iovec_array`]). At most [`IOV_MAX`]
/// buffers and [`MAX_RW`] bytes in all go to one call, as Linux's `writev`
/// takes no more: the rest is a short write.
pub(super) fn with_slices(
    mem: &GuestMemory<'_>,
    iovs: CiovecArray,
    write: impl FnOnce(&[IoSlice<'_>]) -> Result<usize, Error>,
) -> Result<Size, Error> {
    const INLINE: usize = 8;
    let array = iovec_array(mem, iovs.offset_base(), iovs.len())?;
    let mut left = MAX_RW;
    let mut buffer = |(buf, len): (u32, u32)| -> Result<IoSlice<'_>, Error> {
        let bytes = mem.as_slice(GuestPtr::<[u8]>::new((buf, len)))?.ok_or_else(crate::linker::shared_memory)?;
        let take = bytes.len().min(left);
        left -= take;
        Ok(IoSlice::new(&bytes[..take]))
    };
    let count = iovs.len() as usize;
    let n = if count == 1 {
        // The common case (printf, std's write_all): no array to fill and drop.
        write(&[buffer(iovecs(&array).next().expect("one iovec"))?])?
    } else if count <= INLINE {
        let mut slices = [IoSlice::new(&[]); INLINE];
        for (slot, iov) in slices.iter_mut().zip(iovecs(&array)) {
            *slot = buffer(iov)?;
        }
        write(&slices[..count])?
    } else {
        let slices = iovecs(&array).take(IOV_MAX).map(buffer).collect::<Result<Vec<_>, _>>()?;
        write(&slices)?
    };
    Ok(Size::try_from(n.min(MAX_RW))?)
}

/// The most buffers one `writev(2)` takes on Linux.
pub(super) const IOV_MAX: usize = 1024;

/// The most bytes one read or write moves: Linux's `MAX_RW_COUNT`
/// (`INT_MAX` rounded down to a page), what one `write(2)` moves at most.
pub const MAX_RW: usize = 0x7fff_f000;
