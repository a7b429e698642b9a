//! fd_readdir: a directory's entries as preview1 `dirent` records.
//!
//! Cookies name positions in the listing: 0 is its start (`.`), 1 is `..`, 2
//! the first of the host's entries, and 3 + P the host entry after the one
//! the kernel reported position P for (its `d_off`, what `telldir` returns;
//! Linux's positions are below 2^63). Every call reads the host directory
//! from its cookie's position (see `crate::fs::Listing`), so a whole listing
//! read in any number of calls is one pass over the directory, no listing is
//! kept between calls (a few entries at most), and a cookie stays valid as long
//! as the kernel's position does (as with `telldir`/`seekdir`).

use wiggle::{GuestMemory, GuestPtr};

use crate::bindings::types::*;
use crate::ctx::WasiCtx;
use crate::fs::{Entry, Sink};
use crate::host::fd::filetype_from_host;
use crate::table::Descriptor;

/// Size of a `dirent` header: d_next u64, d_ino u64, d_namlen u32, d_type u8, 3 bytes padding.
const DIRENT_SIZE: usize = 24;

/// The cookie of the first host entry.
const FIRST_HOST_COOKIE: u64 = 2;

/// Fills `buf` with the entries of directory `fd` from `cookie` on and returns
/// the number of bytes written. Each entry is a header followed by its name
/// (not NUL-terminated):
///
/// ```text
///  0        8        16       20  21   24
///  | d_next | d_ino  |d_namlen|type|pad| name bytes ...
/// ```
///
/// `d_next` is the cookie of the following entry; `d_ino` is the inode
/// fd_filestat_get/path_filestat_get report (for `..`, the directory's own:
/// a descriptor is the root of what it reaches); `d_type` does not follow
/// symlinks. As the spec requires, the last entry is cut at the end of the
/// buffer: a result equal to `buf_len` tells the guest there may be more,
/// and it calls again with the last whole entry's `d_next` (with a bigger
/// buffer if not even one entry fit). A result below `buf_len` means the
/// listing is done. A cookie the kernel cannot seek to (one never handed
/// out) gives 0. Entries removed while the directory is listed are left out.
///
/// EBADF: `fd` is not open. ENOTDIR: `fd` is not a directory. EFAULT: `buf`
/// is out of bounds (nothing is written). Other errnos come from reading the
/// host directory.
pub fn fd_readdir(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: Fd,
    buf: GuestPtr<u8>,
    buf_len: Size,
    cookie: Dircookie,
) -> Result<Size, Error> {
    let Descriptor::Dir(dir) = ctx.table.get_mut(fd.into())? else {
        return Err(Errno::Notdir.into());
    };
    let out = mem.as_slice_mut(buf.as_array(buf_len))?.ok_or_else(crate::linker::shared_memory)?;
    let mut out = Dirents { out, len: 0 };
    if cookie < FIRST_HOST_COOKIE {
        let own = rustix::fs::fstat(&dir.dir)?.st_ino;
        if cookie == 0 && !out.push(1, own, b".", Filetype::Directory) {
            return Ok(out.len());
        }
        if !out.push(FIRST_HOST_COOKIE, own, b"..", Filetype::Directory) {
            return Ok(out.len());
        }
    }
    // Up to FIRST_HOST_COOKIE: the host's entries from their start.
    let from = cookie.saturating_sub(FIRST_HOST_COOKIE + 1);
    dir.listing.read(&dir.dir, from, &mut out)?;
    Ok(out.len())
}

impl Sink for Dirents<'_> {
    fn room(&self) -> usize {
        self.out.len() - self.len
    }

    fn push(&mut self, entry: &Entry<'_>) -> bool {
        let next = entry.next.saturating_add(FIRST_HOST_COOKIE + 1);
        Dirents::push(self, next, entry.ino, entry.name, filetype_from_host(entry.file_type))
    }
}

/// Dirent records written straight into the guest's buffer.
struct Dirents<'a> {
    out: &'a mut [u8],
    len: usize,
}

impl Dirents<'_> {
    /// Appends one record, cut at the end of the buffer; `false` once the
    /// buffer is full.
    fn push(&mut self, next: u64, ino: u64, name: &[u8], filetype: Filetype) -> bool {
        let mut header = [0u8; DIRENT_SIZE];
        header[0..8].copy_from_slice(&next.to_le_bytes());
        header[8..16].copy_from_slice(&ino.to_le_bytes());
        header[16..20].copy_from_slice(&(name.len() as u32).to_le_bytes());
        header[20] = filetype as u8;
        for part in [&header[..], name] {
            let room = self.out.len() - self.len;
            let take = part.len().min(room);
            self.out[self.len..self.len + take].copy_from_slice(&part[..take]);
            self.len += take;
        }
        self.len < self.out.len()
    }

    fn len(&self) -> Size {
        self.len as Size
    }
}
