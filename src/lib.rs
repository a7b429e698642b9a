//! capwasi: a WASI preview1 (`wasi_snapshot_preview1`) host for wasmtime with a
//! capability file system.
//!
//! # Design
//!
//! A guest sees only what its [`WasiCtx`] holds: arguments, environment
//! variables, three standard streams, sockets the host handed in, and
//! *preopened directories*. Every path the guest names is resolved beneath one
//! of those directories by cap-std (`openat2(RESOLVE_BENEATH)` where the kernel
//! has it, component-by-component resolution otherwise), so `..`, absolute
//! paths and symbolic links cannot leave the sandbox. capwasi never resolves a
//! guest path itself. A refusal by the sandbox (an escape, a write beneath a
//! read-only preopen) is `ENOTCAPABLE`; a refusal by the host OS stays
//! `EACCES`/`EPERM`.
//!
//! The preview1 ABI comes from the project's own witx files (`witx/`), turned
//! into Rust by one `wiggle::from_witx!` ([`bindings`]). The host functions live
//! in `host/`, one module per function family, and reach the OS only through
//! cap-std and rustix. Host errors become errnos in exactly one place
//! ([`error`]); guest mistakes (bad pointers, bad descriptors, bad UTF-8) are
//! errnos, and only `proc_exit` and broken host invariants end the instance.
//!
//! Preview1 *rights* are reported, not enforced: real guests open directories
//! with rights 0 and expect them to work. capwasi enforces a file's read/write
//! mode (decided at open as Linux decides it: it writes only if FD_WRITE was
//! asked; CREAT, TRUNC and APPEND grant nothing) and a preopen's read-only
//! flag, and reports rights that follow from them; it cannot narrow them
//! (fd_fdstat_set_rights is ENOTSUP).
//!
//! Resource limits ([`limits`]: fuel, a timeout, memory, descriptors, wasm
//! stack) are one type applied to the engine, the store and the context; a
//! timeout also bounds every wait in a host call. With stats on
//! ([`WasiCtxBuilder::stats`]) the context counts each preview1 function's
//! calls, errors and host time and the bytes moved per kind of descriptor
//! ([`stats`]).
//!
//! # Embedding
//!
//! ```
//! use capwasi::{WasiCtx, MemoryOutputPipe};
//! use wasmtime::{Engine, Linker, Module, Store};
//!
//! struct State {
//!     wasi: WasiCtx,
//! }
//!
//! let engine = Engine::default();
//! let module = Module::new(&engine, r#"
//!     (module
//!       (import "wasi_snapshot_preview1" "fd_write"
//!         (func $fd_write (param i32 i32 i32 i32) (result i32)))
//!       (memory (export "memory") 1)
//!       (data (i32.const 16) "hi\n")
//!       (func (export "_start")
//!         (i32.store (i32.const 0) (i32.const 16))
//!         (i32.store (i32.const 4) (i32.const 3))
//!         (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
//! "#)?;
//! let mut linker: Linker<State> = Linker::new(&engine);
//! capwasi::add_to_linker(&mut linker, |state: &mut State| &mut state.wasi)?;
//!
//! let stdout = MemoryOutputPipe::new();
//! let wasi = WasiCtx::builder().stdout(stdout.clone()).build()?;
//! let mut store = Store::new(&engine, State { wasi });
//! let instance = linker.instantiate(&mut store, &module)?;
//! instance.get_typed_func::<(), ()>(&mut store, "_start")?.call(&mut store, ())?;
//! assert_eq!(stdout.contents(), b"hi\n");
//! # Ok::<(), wasmtime::Error>(())
//! ```

#![warn(missing_docs)]

#[allow(missing_docs)]
pub mod bindings;
pub mod clocks;
mod ctx;
pub mod error;
mod fs;
mod host;
pub mod limits;
mod linker;
mod net;
mod rights;
pub mod stats;
mod stdio;
mod table;
pub mod trace;

pub use clocks::{HostClock, MonotonicClock, WallClock};
pub use ctx::{DirPerms, WasiCtx, WasiCtxBuilder, utf8_host_env};
pub use error::{Errno, Error};
pub use stdio::MemoryOutputPipe;
pub use table::DEFAULT_MAX_FDS;

/// The preview1 import module name.
pub const MODULE_NAME: &str = "wasi_snapshot_preview1";

/// Adds every preview1 function to `linker`, reading the [`WasiCtx`] out of
/// each store's data with `get_ctx`. Your own host functions can go on the same
/// linker, beside these.
pub fn add_to_linker<T: 'static>(
    linker: &mut wasmtime::Linker<T>,
    get_ctx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> wasmtime::Result<()> {
    linker::add_to_linker(linker, get_ctx)
}

/// Instantiates `module` in `store` with `linker`'s definitions (which must
/// include [`add_to_linker`]'s), with its preview1 imports bound to the new
/// instance's own exported `memory`: every host call uses that memory without
/// looking it up, which saves about a third of a fast host call such as
/// clock_time_get. `get_ctx` is the one given to [`add_to_linker`].
///
/// The bound functions are the instance's alone: they are defined on a copy of
/// `linker` used for this one instantiation, so no other instance, in this
/// store or any other, calls them, and none can make them read or write this
/// instance's memory. (Unless this instance exports one of its own preview1
/// imports and another instance is linked to that export: then that function
/// acts on this instance's memory, as any function it exports would.) A call
/// made before the instance exists, from a wasm `start` function, finds the
/// memory as [`add_to_linker`]'s functions do.
pub fn instantiate_bound<T: 'static>(
    linker: &wasmtime::Linker<T>,
    store: impl wasmtime::AsContextMut<Data = T>,
    module: &wasmtime::Module,
    get_ctx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> wasmtime::Result<wasmtime::Instance> {
    linker::instantiate_bound(linker, store, module, get_ctx)
}

/// The error a guest's `proc_exit` ends its instance with, carrying the exit
/// status unchanged. Find it with `error.downcast_ref::<I32Exit>()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct I32Exit(pub i32);

impl std::fmt::Display for I32Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exited with status {}", self.0)
    }
}

impl std::error::Error for I32Exit {}
