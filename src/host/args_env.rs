//! args_get, args_sizes_get, environ_get, environ_sizes_get.
//!
//! Layout written by args_get / environ_get (environ the same, with `KEY=VALUE` strings):
//!
//! ```text
//! argv:      [ptr0][ptr1]...           one u32 per string, pointing into argv_buf
//! argv_buf:  "prog\0" "arg1\0" ...     the strings, NUL-terminated, back to back
//! ```

use wiggle::{GuestMemory, GuestPtr};

use crate::bindings::types::{Errno, Error, Size};
use crate::ctx::{StringArray, WasiCtx};

/// Writes the argument pointers into `argv` and the strings into `argv_buf`;
/// the sizes come from args_sizes_get. EFAULT: either region is out of bounds
/// (checked before anything is written).
pub fn args_get(
    ctx: &WasiCtx,
    mem: &mut GuestMemory<'_>,
    argv: GuestPtr<GuestPtr<u8>>,
    argv_buf: GuestPtr<u8>,
) -> Result<(), Error> {
    write_strings(&ctx.args, mem, argv, argv_buf)
}

/// The number of arguments and the bytes args_get writes into `argv_buf`.
pub fn args_sizes_get(ctx: &WasiCtx) -> Result<(Size, Size), Error> {
    sizes(&ctx.args)
}

/// As args_get, for the `KEY=VALUE` environment strings.
pub fn environ_get(
    ctx: &WasiCtx,
    mem: &mut GuestMemory<'_>,
    environ: GuestPtr<GuestPtr<u8>>,
    environ_buf: GuestPtr<u8>,
) -> Result<(), Error> {
    write_strings(&ctx.env, mem, environ, environ_buf)
}

/// The number of environment strings and the bytes environ_get writes.
pub fn environ_sizes_get(ctx: &WasiCtx) -> Result<(Size, Size), Error> {
    sizes(&ctx.env)
}

fn sizes(strings: &StringArray) -> Result<(Size, Size), Error> {
    Ok((u32::try_from(strings.offsets.len())?, u32::try_from(strings.bytes.len())?))
}

fn write_strings(
    strings: &StringArray,
    mem: &mut GuestMemory<'_>,
    pointers: GuestPtr<GuestPtr<u8>>,
    buf: GuestPtr<u8>,
) -> Result<(), Error> {
    let (count, len) = sizes(strings)?;
    let pointer_region = pointers.cast::<u32>().as_array(count);
    let buf_region = buf.as_array(len);
    // Validate both regions before writing either.
    let pointer_bytes = count.checked_mul(4).ok_or(Errno::Overflow)?;
    mem.as_cow(GuestPtr::<[u8]>::new((pointers.offset(), pointer_bytes)))?;
    mem.as_cow(buf_region)?;
    let base = buf.offset();
    let addresses: Vec<u32> = strings.offsets.iter().map(|offset| base.wrapping_add(*offset).to_le()).collect();
    mem.copy_from_slice(&strings.bytes, buf_region)?;
    mem.copy_from_slice(&addresses, pointer_region)?;
    Ok(())
}
