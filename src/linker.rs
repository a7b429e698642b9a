//! Puts the preview1 functions on a `wasmtime::Linker`.
//!
//! Each import is a thin closure: find the guest's exported memory (bound to
//! the instance by [`instantiate_bound`], else by index when the context is
//! bound to the module, else by name), borrow the [`WasiCtx`] out of the
//! store's data, and call wiggle's ABI-level function, which decodes the
//! arguments, calls the host implementation and encodes the errno. The
//! signatures are preview1's, in wasm types.
//!
//! Shared memories (the threads proposal) are refused: the first host call
//! from a guest whose memory is shared traps. capwasi provides no way to start
//! a thread (no wasi-threads) and its engine does not enable the proposal, so
//! only an embedder's own engine could bring one, and host calls would then
//! have to copy every buffer through host memory, racing with other threads.
//!
//! fd_filestat_get and path_filestat_get are linked by hand to write their
//! result in one copy (see [`return_filestat`]), and clock_time_get and
//! fd_write for their entry cost (the `direct` module); they otherwise do what
//! wiggle's generated functions do.
//!
//! Result pointers (the `| ptr: size / align` after a signature) are checked
//! before the host function runs: an out-of-bounds one is EFAULT and a
//! misaligned one EINVAL, with nothing done and nothing written. Without the
//! check, wiggle would write results after the call and trap on a bad pointer,
//! after a file was already opened or a partial result written.
//!
//! An argument wiggle cannot decode (an undefined enum value such as whence 3,
//! an unknown advice, clock or signal, undefined flag bits) is EINVAL, as
//! Linux answers `lseek(fd, 0, 3)`: wiggle reports it as an error that would
//! end the run as if the host had failed (see [`GuestValueErrors`]).

use std::sync::{Arc, OnceLock};

use wasmtime::{AsContextMut, Caller, Extern, Instance, Linker, Memory, Module};
use wiggle::{GuestError, GuestMemory, GuestPtr};

use crate::bindings::types::{Errno, Error, Fd, Filestat, Lookupflags};
use crate::bindings::wasi_snapshot_preview1 as abi;
use crate::bindings::wasi_snapshot_preview1::WasiSnapshotPreview1;
use crate::ctx::WasiCtx;

mod direct;

/// The memory of the one instance a set of linked functions serves (see
/// [`instantiate_bound`]); empty until that instance exists.
pub(crate) type Bound = Option<Arc<OnceLock<Memory>>>;

/// Defines each listed function of import module `$module` whose name
/// `$wanted` accepts, calling `$abi::name` (wiggle's ABI-level function): used
/// for preview1 here and for snapshot 0 in `crate::snapshot0`.
macro_rules! link_functions {
    ($linker:ident, $get_ctx:ident, $bound:ident, $wanted:ident, $module:expr, $abi:ident; $(
        $name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty
            $( | $($out:ident : $size:literal / $align:literal),+ )?
            $( => $io:ident ( $fd:ident, $nbytes:ident ) )? ;
    )*) => {
        $(
            if $wanted(stringify!($name)) {
                let bound = $bound.clone();
                $linker.func_wrap(
                    $module,
                    stringify!($name),
                    move |mut caller: wasmtime::Caller<'_, T>, $($arg: $ty),*| -> wasmtime::Result<$ret> {
                        use crate::linker::GuestValueErrors as _;
                        crate::linker::with_memory(&mut caller, &bound, $get_ctx, |memory, ctx| {
                            let io = None $( .or(Some((crate::linker::reads!($io), $fd, $nbytes))) )?;
                            let index = const { crate::stats::index(stringify!($name)) };
                            crate::linker::accounted(memory, ctx, index, io, |memory, ctx| {
                                $($(
                                    if let Err(errno) = crate::linker::check_result_ptr(memory, $out, $size, $align) {
                                        return Ok(errno as i32);
                                    }
                                )+)?
                                $abi::$name(ctx, memory, $($arg),*).guest_value_errors_as_errno()
                            })
                        })
                    },
                )?;
            }
        )*
    };
}
pub(crate) use link_functions;

/// Calls `$then!($($args)* FUNCTIONS)` with the functions preview1 and
/// snapshot 0 share, with the same wasm signatures and result pointers: all
/// but sock_accept (preview1's alone) and the two filestat calls (their
/// results differ in size), in the form [`link_functions`] takes.
macro_rules! shared_functions {
    ($then:ident!($($args:tt)*)) => {
        $then!($($args)*
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
        )
    };
}
pub(crate) use shared_functions;

/// Whether a `=> read(fd, nbytes)` / `=> write(fd, nbytes)` function reads.
macro_rules! reads {
    (read) => {
        true
    };
    (write) => {
        false
    };
}
pub(crate) use reads;

/// Runs `call` with the calling guest's memory and the context: the memory
/// bound to the functions' instance, else found by index when the context is
/// bound to the module, else by name. A guest without a `memory` export, or
/// whose memory is shared, traps.
#[inline(always)]
pub(crate) fn with_memory<T: 'static, R>(
    caller: &mut Caller<'_, T>,
    bound: &Bound,
    get_ctx: impl Fn(&mut T) -> &mut WasiCtx,
    call: impl FnOnce(&mut GuestMemory<'_>, &mut WasiCtx) -> wasmtime::Result<R>,
) -> wasmtime::Result<R> {
    let export = match bound.as_deref().and_then(OnceLock::get) {
        Some(memory) => Some(Extern::Memory(*memory)),
        None => match get_ctx(caller.data_mut()).memory_export {
            Some(index) => caller.get_module_export(&index).or_else(|| caller.get_export("memory")),
            None => caller.get_export("memory"),
        },
    };
    match &export {
        Some(Extern::Memory(m)) => {
            let (bytes, data) = m.data_and_store_mut(caller);
            // Noted for a trace that shows the strings a call is given (trace.rs).
            let (base, size) = (bytes.as_ptr(), bytes.len());
            crate::trace::in_call(base, size, || call(&mut GuestMemory::Unshared(bytes), get_ctx(data)))
        }
        Some(Extern::SharedMemory(_)) => Err(wasmtime::Error::msg(SHARED_MEMORY)),
        _ => wasmtime::bail!("the module does not export a memory named \"memory\", which preview1 requires"),
    }
}

const SHARED_MEMORY: &str = "the module's memory is shared (wasm threads), which capwasi does not support";

/// The trap for a shared memory reaching a host function. `with_memory`
/// never hands one over; the functions that would need a host copy for one
/// answer this instead of copying.
pub(crate) fn shared_memory() -> Error {
    Error::trap(wasmtime::Error::msg(SHARED_MEMORY))
}

/// See [`crate::add_to_linker`].
pub fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    get_ctx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> wasmtime::Result<()> {
    link(linker, get_ctx, None, &|_| true)
}

/// See [`crate::add_imports_to_linker`].
pub fn add_imports_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    module: &Module,
    get_ctx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> wasmtime::Result<()> {
    let imported = imported_names(module);
    link(linker, get_ctx, None, &|name| imported.contains(&name))
}

/// The names of the preview1 functions `module` imports.
fn imported_names(module: &Module) -> Vec<&str> {
    module.imports().filter(|import| import.module() == crate::MODULE_NAME).map(|import| import.name()).collect()
}

/// See [`crate::instantiate_bound`].
pub fn instantiate_bound<T: 'static>(
    linker: &Linker<T>,
    mut store: impl AsContextMut<Data = T>,
    module: &Module,
    get_ctx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> wasmtime::Result<Instance> {
    // Functions of this instance's own (those it imports), on a copy of the
    // linker: whatever else is instantiated later, from `linker` or anywhere,
    // cannot reach them.
    let memory = Arc::new(OnceLock::new());
    let mut own = linker.clone();
    own.allow_shadowing(true);
    let imported = imported_names(module);
    link(&mut own, get_ctx, Some(Arc::clone(&memory)), &|name| imported.contains(&name))?;
    // Snapshot 0's, when the linker has them (`crate::add_wasi_unstable_to_linker`).
    let unstable: Vec<&str> = module
        .imports()
        .filter(|import| import.module() == crate::snapshot0::MODULE_NAME)
        .map(|import| import.name())
        .filter(|name| own.get(&mut store, crate::snapshot0::MODULE_NAME, name).is_ok())
        .collect();
    if !unstable.is_empty() {
        crate::snapshot0::link(&mut own, get_ctx, Some(Arc::clone(&memory)), &|name| unstable.contains(&name))?;
    }
    let instance = own.instantiate(&mut store, module)?;
    if let Some(exported) = instance.get_memory(&mut store, "memory") {
        let _ = memory.set(exported);
    }
    Ok(instance)
}

/// Defines on `linker` each preview1 function `wanted` names, with its memory
/// `bound` or looked up.
fn link<T: 'static>(
    linker: &mut Linker<T>,
    get_ctx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
    bound: Bound,
    wanted: &dyn Fn(&str) -> bool,
) -> wasmtime::Result<()> {
    direct::link(linker, get_ctx, &bound, wanted)?;
    let generated = |name: &str| wanted(name) && !direct::NAMES.contains(&name);
    shared_functions!(link_functions!(linker, get_ctx, bound, generated, crate::MODULE_NAME, abi;));
    link_functions!(linker, get_ctx, bound, generated, crate::MODULE_NAME, abi;
        sock_accept(a: i32, b: i32, c: i32) -> i32 | c: 4 / 4;
    );
    let fd_bound = bound.clone();
    if wanted("fd_filestat_get") {
        linker.func_wrap(
            crate::MODULE_NAME,
            "fd_filestat_get",
            move |mut caller: Caller<'_, T>, fd: i32, buf: i32| -> wasmtime::Result<i32> {
                with_memory(&mut caller, &fd_bound, get_ctx, |memory, ctx| {
                    let index = const { crate::stats::index("fd_filestat_get") };
                    accounted(memory, ctx, index, None, |memory, ctx| {
                        if let Err(errno) = check_result_ptr(memory, buf, FILESTAT_SIZE, 8) {
                            return Ok(errno as i32);
                        }
                        let _span = abi_span("fd_filestat_get");
                        let fd = Fd::from(fd);
                        tracing::event!(tracing::Level::TRACE, fd = tracing::field::debug(&fd));
                        let result = WasiSnapshotPreview1::fd_filestat_get(ctx, memory, fd);
                        return_filestat(memory, buf, result)
                    })
                })
            },
        )?;
    }
    if wanted("path_filestat_get") {
        linker.func_wrap(
            crate::MODULE_NAME,
            "path_filestat_get",
            move |mut caller: Caller<'_, T>, fd: i32, flags: i32, path: i32, path_len: i32, buf: i32| {
                with_memory(&mut caller, &bound, get_ctx, |memory, ctx| {
                    let index = const { crate::stats::index("path_filestat_get") };
                    accounted(memory, ctx, index, None, |memory, ctx| {
                        if let Err(errno) = check_result_ptr(memory, buf, FILESTAT_SIZE, 8) {
                            return Ok(errno as i32);
                        }
                        let _span = abi_span("path_filestat_get");
                        let fd = Fd::from(fd);
                        // An undefined flag bit is EINVAL, as for every other function.
                        let Ok(flags) = Lookupflags::try_from(flags) else {
                            return Ok(Errno::Inval as i32);
                        };
                        let path = GuestPtr::<str>::new((path as u32, path_len as u32));
                        tracing::event!(
                            tracing::Level::TRACE,
                            fd = tracing::field::debug(&fd),
                            flags = tracing::field::debug(&flags),
                            path = tracing::field::debug(&path)
                        );
                        let result = WasiSnapshotPreview1::path_filestat_get(ctx, memory, fd, flags, path);
                        return_filestat(memory, buf, result)
                    })
                })
            },
        )?;
    }
    Ok(())
}

/// How a host call ended, for the stats: an errno other than success is a
/// failure; a trap or proc_exit is neither failure nor success.
pub(crate) trait CallOutcome {
    fn failed(&self) -> bool;
    fn succeeded(&self) -> bool;
}

impl CallOutcome for wasmtime::Result<i32> {
    fn failed(&self) -> bool {
        matches!(self, Ok(errno) if *errno != Errno::Success as i32)
    }
    fn succeeded(&self) -> bool {
        matches!(self, Ok(errno) if *errno == Errno::Success as i32)
    }
}

impl CallOutcome for wasmtime::Result<()> {
    fn failed(&self) -> bool {
        false
    }
    fn succeeded(&self) -> bool {
        false
    }
}

/// Runs one host call, counting it when stats are on: its time, whether it
/// failed, and with `io` (whether it reads, its fd and its byte-count pointer)
/// the bytes a successful read or write moved. With stats off it costs a test
/// of a flag before the call and one after: the counting is out of line and
/// keeps its state in the context, so that the call inlines into its
/// trampoline as it would without it.
#[inline(always)]
pub(crate) fn accounted<R: CallOutcome>(
    memory: &mut GuestMemory<'_>,
    ctx: &mut WasiCtx,
    index: usize,
    io: Option<crate::stats::Io>,
    call: impl FnOnce(&mut GuestMemory<'_>, &mut WasiCtx) -> R,
) -> R {
    if ctx.stats.is_some() {
        counted::begin(ctx, io);
    }
    let result = call(memory, ctx);
    if ctx.stats.is_some() {
        counted::end(ctx, memory, index, result.failed(), result.succeeded());
    }
    result
}

/// The counting of [`accounted`], out of line.
mod counted {
    use std::time::Instant;

    use wiggle::{GuestMemory, GuestPtr};

    use crate::ctx::WasiCtx;

    /// Notes when a call starts, and for a read or write its fd and where it
    /// will write its byte count.
    #[cold]
    #[inline(never)]
    pub(super) fn begin(ctx: &mut WasiCtx, io: Option<crate::stats::Io>) {
        if let Some(stats) = &mut ctx.stats {
            stats.pending = Some((Instant::now(), io));
        }
    }

    /// Counts the call of the function at `index` that [`begin`] noted, and
    /// when it succeeded, the bytes it read or wrote (the count it wrote to
    /// guest memory, at a pointer checked before the call).
    #[cold]
    #[inline(never)]
    pub(super) fn end(ctx: &mut WasiCtx, memory: &GuestMemory<'_>, index: usize, failed: bool, succeeded: bool) {
        let Some((started, io)) = ctx.stats.as_mut().and_then(|stats| stats.pending.take()) else {
            return;
        };
        ctx.record_call(index, started, failed);
        if let Some((read, fd, nbytes)) = io.filter(|_| succeeded) {
            let n = memory.read(GuestPtr::<u32>::new(nbytes as u32)).map_or(0, u64::from);
            ctx.record_bytes(fd as u32, read, n);
        }
    }
}

/// Turns the errors wiggle's generated functions raise for guest values they
/// cannot decode ([`GuestError`], e.g. an undefined enum value or flag bit)
/// into the errno the guest gets, through `crate::error`'s one mapping
/// (EINVAL for an undefined value). Any other error (a trap, proc_exit) is
/// left as it is.
pub(crate) trait GuestValueErrors {
    fn guest_value_errors_as_errno(self) -> Self;
}

impl GuestValueErrors for wasmtime::Result<i32> {
    #[inline(always)]
    fn guest_value_errors_as_errno(self) -> Self {
        match self {
            Ok(errno) => Ok(errno),
            Err(e) => guest_value_error_as_errno(e),
        }
    }
}

/// The error path of [`GuestValueErrors`], out of line so that a successful
/// call pays one test.
#[cold]
#[inline(never)]
fn guest_value_error_as_errno(e: wasmtime::Error) -> wasmtime::Result<i32> {
    match e.downcast_ref::<GuestError>() {
        Some(guest) => Ok(crate::error::errno_from_undecodable_argument(guest) as i32),
        None => Err(e),
    }
}

/// proc_exit returns nothing, and its one argument has no undefined values.
impl GuestValueErrors for wasmtime::Result<()> {
    #[inline(always)]
    fn guest_value_errors_as_errno(self) -> Self {
        self
    }
}

/// The size of a preview1 filestat in guest memory.
const FILESTAT_SIZE: u32 = 64;

/// The span wiggle's generated code opens around a call (what `--trace` prints from).
fn abi_span(function: &'static str) -> tracing::span::EnteredSpan {
    tracing::span!(tracing::Level::TRACE, "wiggle abi", module = crate::MODULE_NAME, function = function).entered()
}

/// Ends fd_filestat_get and path_filestat_get as wiggle's generated code
/// would, but for one thing: the filestat reaches guest memory in one copy of
/// its 64 bytes (padding zeroed). wiggle writes the eight fields one by one,
/// each write bounds- and alignment-checked, which is about 430 instructions:
/// a third of a whole path_filestat_get on a plain name. `buf` was checked
/// before the call.
fn return_filestat(memory: &mut GuestMemory<'_>, buf: i32, result: Result<Filestat, Error>) -> wasmtime::Result<i32> {
    tracing::event!(tracing::Level::TRACE, result = tracing::field::debug(&result));
    match result {
        Ok(stat) => {
            let mut bytes = [0u8; FILESTAT_SIZE as usize];
            let mut put = |offset: u32, value: u64| {
                bytes[offset as usize..offset as usize + 8].copy_from_slice(&value.to_le_bytes());
            };
            put(Filestat::offset_of_dev(), stat.dev);
            put(Filestat::offset_of_ino(), stat.ino);
            put(Filestat::offset_of_nlink(), stat.nlink);
            put(Filestat::offset_of_size(), stat.size);
            put(Filestat::offset_of_atim(), stat.atim);
            put(Filestat::offset_of_mtim(), stat.mtim);
            put(Filestat::offset_of_ctim(), stat.ctim);
            bytes[Filestat::offset_of_filetype() as usize] = stat.filetype as u8;
            memory.copy_from_slice(&bytes, GuestPtr::<[u8]>::new((buf as u32, FILESTAT_SIZE)))?;
            Ok(Errno::Success as i32)
        }
        Err(e) => Ok(e.downcast()? as i32),
    }
}

/// EFAULT if `size` bytes at `ptr` are not all in guest memory, EINVAL if
/// `ptr` is not a multiple of `align`.
pub(crate) fn check_result_ptr(memory: &GuestMemory<'_>, ptr: i32, size: u32, align: u32) -> Result<(), Errno> {
    let ptr = ptr as u32;
    if u64::from(ptr) + u64::from(size) > memory_len(memory) as u64 {
        return Err(Errno::Fault);
    }
    if !ptr.is_multiple_of(align) {
        return Err(Errno::Inval);
    }
    Ok(())
}

/// The size of guest memory in bytes.
pub(crate) fn memory_len(memory: &GuestMemory<'_>) -> usize {
    match memory {
        GuestMemory::Unshared(bytes) => bytes.len(),
        GuestMemory::Shared(cells) => cells.len(),
    }
}
