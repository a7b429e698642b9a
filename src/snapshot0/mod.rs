//! WASI snapshot 0 (`wasi_unstable`, 2019): the ABI of early WASI programs,
//! served by the one preview1 host.
//!
//! Snapshot 0 is preview1 less `sock_accept`, with four differences of
//! layout or numbering, all converted here and nowhere else:
//!
//! ```text
//!                      snapshot 0                     preview1
//! whence               CUR=0 END=1 SET=2              SET=0 CUR=1 END=2
//! filestat             56 bytes: nlink u32 @20,       64 bytes: nlink u64 @24,
//!                      size @24, atim @32, ...        size @32, atim @40, ...
//! subscription_clock   identifier u64 @0 first        (no identifier)
//! subscription         56 bytes                       48 bytes
//! rights               no SOCK_ACCEPT (bit 29)        SOCK_ACCEPT
//! ```
//!
//! Everything else (errnos, `dirent`, `event`, `fdstat`, `prestat`, flags and
//! the other enums) is laid out and numbered alike; `tests/abi_layout.rs`
//! checks both ABIs. Each snapshot-0 function ([`convert`]) converts its
//! arguments to preview1's types, calls the preview1 host function on the same
//! [`WasiCtx`] (the same descriptor table, preopens and limits) and converts
//! the result back; the errnos are the preview1 host's. A link count above
//! `u32::MAX` is reported as `u32::MAX`.
//!
//! A module may import both `wasi_unstable` and `wasi_snapshot_preview1`:
//! both act on the one context, so a descriptor opened through one is the
//! same descriptor through the other.

#![allow(clippy::too_many_arguments)]

mod convert;

use wasmtime::Linker;

use crate::ctx::WasiCtx;
use crate::linker::{Bound, link_functions};

/// The snapshot-0 types (`types`), the `WasiUnstable` trait and the ABI-level
/// functions (`wasi_unstable`), generated from the project's own witx text.
#[allow(missing_docs)]
pub mod bindings {
    wiggle::from_witx!({
        witx: ["witx/wasi_unstable.witx"],
        errors: { errno => trappable Error },
        tracing: true,
        wasmtime: false,
    });
}

use bindings::wasi_unstable as abi;

/// The snapshot-0 import module name.
pub const MODULE_NAME: &str = "wasi_unstable";

/// See [`crate::add_wasi_unstable_to_linker`].
pub fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    get_ctx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> wasmtime::Result<()> {
    link(linker, get_ctx, None, &|_| true)
}

/// Defines on `linker` each snapshot-0 function `wanted` names, with its
/// memory `bound` or looked up. Result pointers are checked before the call
/// as for preview1 (`crate::linker`), with snapshot 0's sizes.
pub(crate) fn link<T: 'static>(
    linker: &mut Linker<T>,
    get_ctx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
    bound: Bound,
    wanted: &dyn Fn(&str) -> bool,
) -> wasmtime::Result<()> {
    link_functions!(linker, get_ctx, bound, wanted, MODULE_NAME, abi;
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
        fd_filestat_get(a: i32, b: i32) -> i32 | b: 56 / 8;
        fd_filestat_set_size(a: i32, b: i64) -> i32;
        fd_filestat_set_times(a: i32, b: i64, c: i64, d: i32) -> i32;
        fd_pread(a: i32, b: i32, c: i32, d: i64, e: i32) -> i32 | e: 4 / 4 => read(a, e);
        fd_prestat_get(a: i32, b: i32) -> i32 | b: 8 / 4;
        fd_prestat_dir_name(a: i32, b: i32, c: i32) -> i32;
        fd_pwrite(a: i32, b: i32, c: i32, d: i64, e: i32) -> i32 | e: 4 / 4 => write(a, e);
        fd_read(a: i32, b: i32, c: i32, d: i32) -> i32 | d: 4 / 4 => read(a, d);
        fd_readdir(a: i32, b: i32, c: i32, d: i64, e: i32) -> i32 | e: 4 / 4;
        fd_renumber(a: i32, b: i32) -> i32;
        fd_seek(a: i32, b: i64, c: i32, d: i32) -> i32 | d: 8 / 8;
        fd_sync(a: i32) -> i32;
        fd_tell(a: i32, b: i32) -> i32 | b: 8 / 8;
        fd_write(a: i32, b: i32, c: i32, d: i32) -> i32 | d: 4 / 4 => write(a, d);
        path_create_directory(a: i32, b: i32, c: i32) -> i32;
        path_filestat_get(a: i32, b: i32, c: i32, d: i32, e: i32) -> i32 | e: 56 / 8;
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
        sock_recv(a: i32, b: i32, c: i32, d: i32, e: i32, f: i32) -> i32 | e: 4 / 4, f: 2 / 2 => read(a, e);
        sock_send(a: i32, b: i32, c: i32, d: i32, e: i32) -> i32 | e: 4 / 4 => write(a, e);
        sock_shutdown(a: i32, b: i32) -> i32;
    );
    Ok(())
}
