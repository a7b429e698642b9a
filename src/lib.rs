//! capwasi: a WASI preview1 (`wasi_snapshot_preview1`) host for wasmtime with a
//! capability file system.
//!
//! Programs built for wasm32-wasip1 (C with wasi-libc, Rust, Go's `GOOS=wasip1`)
//! run inside your own wasmtime host: they see only the arguments, environment,
//! standard streams, sockets and directories you hand them, and call your own
//! host functions beside preview1's. This page walks from running a guest to
//! adding a host function to limiting what a guest may use; `examples/shell`
//! puts it all together (a server giving each connection its own guest).
//!
//! # Run a guest
//!
//! A [`WasiCtx`] is everything one guest instance sees; keep it in your
//! store's data, link preview1 with [`add_to_linker`], and call `_start`. A
//! guest's `proc_exit(N)` ends the call with [`I32Exit`]`(N)`.
//!
//! ```
//! use capwasi::{I32Exit, MemoryOutputPipe, WasiCtx};
//! use wasmtime::{Engine, Linker, Module, Store};
//!
//! struct State {
//!     wasi: WasiCtx,
//! }
//!
//! let engine = Engine::default();
//! // Any preview1 program: Module::from_file(&engine, "prog.wasm")?. Here, one
//! // written in wasm's text format that prints "hi" and exits with status 3.
//! let module = Module::new(&engine, r#"
//!     (module
//!       (import "wasi_snapshot_preview1" "fd_write"
//!         (func $fd_write (param i32 i32 i32 i32) (result i32)))
//!       (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
//!       (memory (export "memory") 1)
//!       (data (i32.const 16) "hi\n")
//!       (func (export "_start")
//!         (i32.store (i32.const 0) (i32.const 16))
//!         (i32.store (i32.const 4) (i32.const 3))
//!         (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
//!         (call $proc_exit (i32.const 3))))
//! "#)?;
//! let mut linker: Linker<State> = Linker::new(&engine);
//! capwasi::add_to_linker(&mut linker, |state: &mut State| &mut state.wasi)?;
//!
//! let stdout = MemoryOutputPipe::new();
//! let dir = tempfile::tempdir()?;
//! let wasi = WasiCtx::builder()
//!     .arg("prog.wasm")
//!     .env("LANG", "C")
//!     .stdout(stdout.clone()) // or .inherit_stdio(), or .stdout_fd(socket)
//!     .preopened_dir_path(dir.path(), "/data", capwasi::DirPerms::ReadWrite)?
//!     .build()?;
//! let mut store = Store::new(&engine, State { wasi });
//! let instance = linker.instantiate(&mut store, &module)?;
//! let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
//! let error = start.call(&mut store, ()).unwrap_err();
//! assert_eq!(error.downcast_ref::<I32Exit>(), Some(&I32Exit(3)));
//! assert_eq!(stdout.contents(), b"hi\n");
//! # Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
//! ```
//!
//! [`WasiCtxBuilder`] lists what a guest can be given: arguments, environment
//! variables, stdio (the process's own, any `Read`/`Write`, or a host
//! descriptor such as a connected socket), preopened directories (read-write
//! or read-only), listening sockets, clocks and a random source.
//! [`instantiate_bound`] instantiates with every preview1 call bound to the
//! instance's memory, which makes fast host calls about a third cheaper.
//!
//! # Add a host function
//!
//! Your functions go on the same [`wasmtime::Linker`], beside preview1's, and
//! reach your state through the store's data. A guest passes strings as a
//! pointer and a length into its memory: check the length before you read or
//! allocate anything, check the range against the memory, and answer a bad
//! value with a status the guest can handle rather than a trap.
//!
//! ```
//! use capwasi::WasiCtx;
//! use wasmtime::{Caller, Engine, Extern, Linker, Module, Store};
//!
//! struct State {
//!     wasi: WasiCtx,
//!     log: Vec<String>,
//! }
//!
//! const MAX_LOG_LINE: u32 = 1024;
//!
//! let engine = Engine::default();
//! let mut linker: Linker<State> = Linker::new(&engine);
//! capwasi::add_to_linker(&mut linker, |state: &mut State| &mut state.wasi)?;
//! // host.log(ptr, len) -> 0 when logged, 1 when the string is too long,
//! // outside the guest's memory, or not UTF-8.
//! linker.func_wrap("host", "log", |mut caller: Caller<'_, State>, ptr: u32, len: u32| {
//!     let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
//!         wasmtime::bail!("the guest exports no memory");
//!     };
//!     let (bytes, state) = memory.data_and_store_mut(&mut caller);
//!     if len > MAX_LOG_LINE {
//!         return Ok(1);
//!     }
//!     let range = ptr as usize..ptr as usize + len as usize;
//!     let Some(Ok(text)) = bytes.get(range).map(std::str::from_utf8) else {
//!         return Ok(1);
//!     };
//!     state.log.push(text.to_owned());
//!     Ok(0)
//! })?;
//!
//! let module = Module::new(&engine, r#"
//!     (module
//!       (import "host" "log" (func $log (param i32 i32) (result i32)))
//!       (memory (export "memory") 1)
//!       (data (i32.const 0) "hello")
//!       (func (export "_start")
//!         (drop (call $log (i32.const 0) (i32.const 5)))
//!         (drop (call $log (i32.const 65534) (i32.const 5)))))
//! "#)?;
//! let wasi = WasiCtx::builder().build()?;
//! let mut store = Store::new(&engine, State { wasi, log: Vec::new() });
//! let instance = linker.instantiate(&mut store, &module)?;
//! instance.get_typed_func::<(), ()>(&mut store, "_start")?.call(&mut store, ())?;
//! assert_eq!(store.data().log, ["hello"]);
//! # Ok::<(), wasmtime::Error>(())
//! ```
//!
//! # Limit a guest
//!
//! A [`limits::Limits`] caps memory, fuel (instructions), time, descriptors
//! and wasm stack. It is applied to the engine's config
//! ([`limits::Limits::configure`]), each new store ([`limits::Limits::start`])
//! and the context ([`WasiCtxBuilder::max_open_fds`]). Past the memory cap,
//! `memory.grow` fails as an allocator expects; past the fuel budget the call
//! ends with [`wasmtime::Trap::OutOfFuel`]; past the timeout with
//! [`limits::TimedOut`], even while the guest waits in a host call.
//!
//! ```
//! use capwasi::WasiCtx;
//! use capwasi::limits::Limits;
//! use wasmtime::{Config, Engine, Linker, Module, Store, Trap};
//!
//! struct State {
//!     wasi: WasiCtx,
//! }
//!
//! let limits = Limits::new().max_memory(1 << 20).fuel(100_000);
//! let mut config = Config::new();
//! limits.configure(&mut config);
//! let engine = Engine::new(&config)?;
//! let mut linker: Linker<State> = Linker::new(&engine);
//! capwasi::add_to_linker(&mut linker, |state: &mut State| &mut state.wasi)?;
//! // Asks for 2 MiB more memory (refused: -1), then spins forever.
//! let module = Module::new(&engine, r#"
//!     (module
//!       (memory (export "memory") 1)
//!       (global (export "grown") (mut i32) (i32.const 0))
//!       (func (export "_start")
//!         (global.set 0 (memory.grow (i32.const 32)))
//!         (loop (br 0))))
//! "#)?;
//!
//! let wasi = WasiCtx::builder().max_open_fds(limits.fd_limit()).build()?;
//! let mut store = Store::new(&engine, State { wasi });
//! let _watchdog = limits.start(&mut store, |state: &mut State| &mut state.wasi)?;
//! let instance = linker.instantiate(&mut store, &module)?;
//! let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
//! let error = start.call(&mut store, ()).unwrap_err();
//! assert_eq!(error.downcast_ref::<Trap>(), Some(&Trap::OutOfFuel));
//! let grown = instance.get_global(&mut store, "grown").unwrap().get(&mut store);
//! assert_eq!(grown.i32(), Some(-1));
//! assert_eq!(store.data().wasi.memory_refused(), Some((1 + 32) * 65536));
//! # Ok::<(), wasmtime::Error>(())
//! ```
//!
//! Each limit is per store: to serve many guests, compile the module once,
//! resolve its imports once ([`wasmtime::Linker::instantiate_pre`]), and give
//! each guest its own store, context and [`limits::Limits::start`]. The shell
//! example (`examples/shell`, in the README) does so for every connection to
//! a Unix socket, with the connection as the guest's stdin and stdout
//! ([`WasiCtxBuilder::stdin_fd`]).
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

#![warn(missing_docs)]

// Generated by wiggle from witx/: the witx's own comments document the
// types and functions; wiggle leaves its glue (flag constants, ABI shims,
// accessors) without docs.
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
pub mod snapshot0;
pub mod stats;
mod stdio;
mod table;
pub mod trace;
pub mod url_abi;

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

/// Adds every snapshot-0 (`wasi_unstable`, 2019) function to `linker`, over
/// the same [`WasiCtx`] as [`add_to_linker`]'s: modules built for the first
/// WASI run too, and a module importing both ABIs shares one descriptor table.
/// See [`snapshot0`] for how the two differ.
pub fn add_wasi_unstable_to_linker<T: 'static>(
    linker: &mut wasmtime::Linker<T>,
    get_ctx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> wasmtime::Result<()> {
    snapshot0::add_to_linker(linker, get_ctx)
}

/// [`add_to_linker`] for the preview1 functions `module` imports, and no others:
/// all a linker that serves one module needs. Each definition registers its
/// function type with the engine, so defining the few a module imports instead
/// of all 46 takes a tenth of a millisecond off a start-up. Imports capwasi
/// does not provide stay undefined, as with [`add_to_linker`].
pub fn add_imports_to_linker<T: 'static>(
    linker: &mut wasmtime::Linker<T>,
    module: &wasmtime::Module,
    get_ctx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> wasmtime::Result<()> {
    linker::add_imports_to_linker(linker, module, get_ctx)
}

/// Instantiates `module` in `store` with `linker`'s definitions (which must
/// include [`add_to_linker`]'s or [`add_imports_to_linker`]'s), with its preview1 imports bound to the new
/// instance's own exported `memory`: every host call uses that memory without
/// looking it up, which saves about a third of a fast host call such as
/// clock_time_get. `get_ctx` is the one given to [`add_to_linker`]. Its
/// snapshot-0 imports are bound too when `linker` has
/// [`add_wasi_unstable_to_linker`]'s functions.
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
