//! random_get.

use wiggle::{GuestMemory, GuestPtr};

use crate::bindings::types::{Error, Size};
use crate::ctx::WasiCtx;

/// Fills `buf_len` bytes at `buf` with cryptographically secure random bytes,
/// generated straight into guest memory. EFAULT: the buffer is out of bounds.
pub fn random_get(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, buf: GuestPtr<u8>, buf_len: Size) -> Result<(), Error> {
    let slice = mem.as_slice_mut(buf.as_array(buf_len))?.ok_or_else(crate::linker::shared_memory)?;
    ctx.random.fill_bytes(slice);
    Ok(())
}
