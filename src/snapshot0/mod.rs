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
//! checks both ABIs. Each snapshot-0 function (`convert.rs`) converts its
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
use crate::linker::{Bound, link_functions, shared_functions};

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
/// memory `bound` or looked up: preview1's shared functions, and the
/// filestat calls with snapshot 0's 56-byte result. Result pointers are
/// checked before the call as for preview1 (`crate::linker`).
pub(crate) fn link<T: 'static>(
    linker: &mut Linker<T>,
    get_ctx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
    bound: Bound,
    wanted: &dyn Fn(&str) -> bool,
) -> wasmtime::Result<()> {
    shared_functions!(link_functions!(linker, get_ctx, bound, wanted, MODULE_NAME, abi;));
    link_functions!(linker, get_ctx, bound, wanted, MODULE_NAME, abi;
        fd_filestat_get(a: i32, b: i32) -> i32 | b: 56 / 8;
        path_filestat_get(a: i32, b: i32, c: i32, d: i32, e: i32) -> i32 | e: 56 / 8;
    );
    Ok(())
}
