//! Puts the preview1 functions on a `wasmtime::Linker`.
//!
//! Each import is a thin closure: find the guest's exported memory (bound to
//! the context, else by index when the context is bound to the module, else
//! by name), borrow the
//! [`WasiCtx`] out of the store's data, and call wiggle's ABI-level function,
//! which decodes the arguments, calls the host implementation and encodes the
//! errno. The signatures are preview1's, in wasm types.
//!
//! Result pointers (the `| ptr: size / align` after a signature) are checked
//! before the host function runs: an out-of-bounds one is EFAULT and a
//! misaligned one EINVAL, with nothing done and nothing written. Without the
//! check, wiggle would write results after the call and trap on a bad pointer,
//! after a file was already opened or a partial result written.

use wasmtime::{Caller, Extern, Linker};
use wiggle::GuestMemory;

use crate::bindings::types::Errno;
use crate::bindings::wasi_snapshot_preview1 as abi;
use crate::ctx::WasiCtx;

macro_rules! link {
    ($linker:ident, $get_ctx:ident, $(
        $name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty $( | $($out:ident : $size:literal / $align:literal),+ )? ;
    )*) => {
        $(
            $linker.func_wrap(
                crate::MODULE_NAME,
                stringify!($name),
                move |mut caller: Caller<'_, T>, $($arg: $ty),*| -> wasmtime::Result<$ret> {
                    let wasi = $get_ctx(caller.data_mut());
                    let export = match (wasi.memory, wasi.memory_export) {
                        (Some(memory), _) => Some(Extern::Memory(memory)),
                        (None, Some(index)) => caller.get_module_export(&index).or_else(|| caller.get_export("memory")),
                        (None, None) => caller.get_export("memory"),
                    };
                    let (mut memory, ctx) = match &export {
                        Some(Extern::Memory(m)) => {
                            let (bytes, data) = m.data_and_store_mut(&mut caller);
                            (GuestMemory::Unshared(bytes), $get_ctx(data))
                        }
                        Some(Extern::SharedMemory(m)) => {
                            (GuestMemory::Shared(m.data()), $get_ctx(caller.data_mut()))
                        }
                        _ => wasmtime::bail!(
                            "the module does not export a memory named \"memory\", which preview1 requires"
                        ),
                    };
                    $($(
                        if let Err(errno) = check_result_ptr(&memory, $out, $size, $align) {
                            return Ok(errno as i32);
                        }
                    )+)?
                    abi::$name(ctx, &mut memory, $($arg),*)
                },
            )?;
        )*
    };
}

/// See [`crate::add_to_linker`].
pub fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    get_ctx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> wasmtime::Result<()> {
    link!(linker, get_ctx,
        args_get(a: i32, b: i32) -> i32;
        args_sizes_get(a: i32, b: i32) -> i32 | a: 4 / 4, b: 4 / 4;
        environ_get(a: i32, b: i32) -> i32;
        environ_sizes_get(a: i32, b: i32) -> i32 | a: 4 / 4, b: 4 / 4;
        clock_res_get(a: i32, b: i32) -> i32 | b: 8 / 8;
        clock_time_get(a: i32, b: i64, c: i32) -> i32 | c: 8 / 8;
        fd_advise(a: i32, b: i64, c: i64, d: i32) -> i32;
        fd_allocate(a: i32, b: i64, c: i64) -> i32;
        fd_close(a: i32) -> i32;
        fd_datasync(a: i32) -> i32;
        fd_fdstat_get(a: i32, b: i32) -> i32 | b: 24 / 8;
        fd_fdstat_set_flags(a: i32, b: i32) -> i32;
        fd_fdstat_set_rights(a: i32, b: i64, c: i64) -> i32;
        fd_filestat_get(a: i32, b: i32) -> i32 | b: 64 / 8;
        fd_filestat_set_size(a: i32, b: i64) -> i32;
        fd_filestat_set_times(a: i32, b: i64, c: i64, d: i32) -> i32;
        fd_pread(a: i32, b: i32, c: i32, d: i64, e: i32) -> i32 | e: 4 / 4;
        fd_prestat_get(a: i32, b: i32) -> i32 | b: 8 / 4;
        fd_prestat_dir_name(a: i32, b: i32, c: i32) -> i32;
        fd_pwrite(a: i32, b: i32, c: i32, d: i64, e: i32) -> i32 | e: 4 / 4;
        fd_read(a: i32, b: i32, c: i32, d: i32) -> i32 | d: 4 / 4;
        fd_readdir(a: i32, b: i32, c: i32, d: i64, e: i32) -> i32 | e: 4 / 4;
        fd_renumber(a: i32, b: i32) -> i32;
        fd_seek(a: i32, b: i64, c: i32, d: i32) -> i32 | d: 8 / 8;
        fd_sync(a: i32) -> i32;
        fd_tell(a: i32, b: i32) -> i32 | b: 8 / 8;
        fd_write(a: i32, b: i32, c: i32, d: i32) -> i32 | d: 4 / 4;
        path_create_directory(a: i32, b: i32, c: i32) -> i32;
        path_filestat_get(a: i32, b: i32, c: i32, d: i32, e: i32) -> i32 | e: 64 / 8;
        path_filestat_set_times(a: i32, b: i32, c: i32, d: i32, e: i64, f: i64, g: i32) -> i32;
        path_link(a: i32, b: i32, c: i32, d: i32, e: i32, f: i32, g: i32) -> i32;
        path_open(a: i32, b: i32, c: i32, d: i32, e: i32, f: i64, g: i64, h: i32, i: i32) -> i32 | i: 4 / 4;
        path_readlink(a: i32, b: i32, c: i32, d: i32, e: i32, f: i32) -> i32 | f: 4 / 4;
        path_remove_directory(a: i32, b: i32, c: i32) -> i32;
        path_rename(a: i32, b: i32, c: i32, d: i32, e: i32, f: i32) -> i32;
        path_symlink(a: i32, b: i32, c: i32, d: i32, e: i32) -> i32;
        path_unlink_file(a: i32, b: i32, c: i32) -> i32;
        poll_oneoff(a: i32, b: i32, c: i32, d: i32) -> i32 | d: 4 / 4;
        proc_exit(a: i32) -> ();
        proc_raise(a: i32) -> i32;
        sched_yield() -> i32;
        random_get(a: i32, b: i32) -> i32;
        sock_accept(a: i32, b: i32, c: i32) -> i32 | c: 4 / 4;
        sock_recv(a: i32, b: i32, c: i32, d: i32, e: i32, f: i32) -> i32 | e: 4 / 4, f: 2 / 2;
        sock_send(a: i32, b: i32, c: i32, d: i32, e: i32) -> i32 | e: 4 / 4;
        sock_shutdown(a: i32, b: i32) -> i32;
    );
    Ok(())
}

/// EFAULT if `size` bytes at `ptr` are not all in guest memory, EINVAL if
/// `ptr` is not a multiple of `align`.
fn check_result_ptr(memory: &GuestMemory<'_>, ptr: i32, size: u32, align: u32) -> Result<(), Errno> {
    let ptr = ptr as u32;
    let memory_len = match memory {
        GuestMemory::Unshared(bytes) => bytes.len(),
        GuestMemory::Shared(cells) => cells.len(),
    };
    if u64::from(ptr) + u64::from(size) > memory_len as u64 {
        return Err(Errno::Fault);
    }
    if !ptr.is_multiple_of(align) {
        return Err(Errno::Inval);
    }
    Ok(())
}
