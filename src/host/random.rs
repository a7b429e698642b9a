//! random_get.

use wiggle::{GuestMemory, GuestPtr};

use crate::bindings::types::{Error, Size};
use crate::ctx::WasiCtx;

/// Fills `buf_len` bytes at `buf` with cryptographically secure random bytes,
/// generated straight into guest memory. EFAULT: the buffer is out of bounds.
pub fn random_get(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, buf: GuestPtr<u8>, buf_len: Size) -> Result<(), Error> {
    let region = buf.as_array(buf_len);
    match mem.as_slice_mut(region)? {
        Some(slice) => ctx.random.fill_bytes(slice),
        None => {
            // Shared memory: generate on the host, then copy in.
            let mut bytes = vec![0; buf_len as usize];
            ctx.random.fill_bytes(&mut bytes);
            mem.copy_from_slice(&bytes, region)?;
        }
    }
    Ok(())
}
