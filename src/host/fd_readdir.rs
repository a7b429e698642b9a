//! fd_readdir: a directory's entries as preview1 `dirent` records.
//!
//! Cookies are indexes into the directory's listing: 0 is `.`, 1 is `..`,
//! then the host's entries in the host's order. A call with cookie 0 reads
//! the directory afresh (as `rewinddir`) and keeps that listing on the
//! descriptor; calls with later cookies are served from it by index, so a
//! whole listing read in any number of calls costs one pass over the
//! directory, and a cookie stays valid until the next cookie-0 call.

use wiggle::{GuestMemory, GuestPtr};

use crate::bindings::types::*;
use crate::ctx::WasiCtx;
use crate::fs::Listing;
use crate::host::fd::filetype_from_host;
use crate::table::Descriptor;

/// Size of a `dirent` header: d_next u64, d_ino u64, d_namlen u32, d_type u8, 3 bytes padding.
const DIRENT_SIZE: usize = 24;

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
/// listing is done. A cookie past the end gives 0.
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
    let out = buf.as_array(buf_len);
    mem.as_slice(out)?; // bounds check of the whole buffer before anything else
    if cookie == 0 || dir.listing.is_none() {
        dir.listing = Some(Listing::read(dir)?);
    }
    let Some(listing) = &dir.listing else { unreachable!("listing was just read") };
    let start = usize::try_from(cookie).unwrap_or(usize::MAX);
    let entries = listing.entries.get(start..).unwrap_or(&[]);
    let cap = buf_len as usize;
    let mut bytes = Vec::with_capacity(cap.min(64 * 1024));
    for (i, entry) in entries.iter().enumerate() {
        if bytes.len() >= cap {
            break;
        }
        let next = (start + i + 1) as u64;
        bytes.extend_from_slice(&next.to_le_bytes());
        bytes.extend_from_slice(&entry.ino.to_le_bytes());
        bytes.extend_from_slice(&(entry.name.len() as u32).to_le_bytes());
        bytes.push(filetype_from_host(entry.file_type) as u8);
        bytes.extend_from_slice(&[0; DIRENT_SIZE - 21]);
        bytes.extend_from_slice(&entry.name);
    }
    bytes.truncate(cap);
    let n = bytes.len() as u32;
    mem.copy_from_slice(&bytes, buf.as_array(n))?;
    Ok(n)
}
