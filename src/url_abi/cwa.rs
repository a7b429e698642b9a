//! CommonWA (import module `cwa`, or `env`): Olin's functions-as-a-service
//! ABI. Errors are negative:
//!
//! ```text
//! -1 unknown   -2 invalid argument (a bad handle, a buffer not in memory)
//! -3 permission denied (an escape from the preopens)   -4 not found   -5 end of file
//! ```
//!
//! ```text
//! log_write(level, ptr, len)                  one line on stderr: "NAME: LEVEL: text"
//!                                             (error 1, warning 3, info 6)
//! env_get(key_ptr, key_len, val_ptr, val_len) -> the value's full length, -4 when unset;
//!                                             the value is written only if it fits
//! runtime_exit(status)                        ends the run at once with that status
//! runtime_spec_major() -> 0, runtime_spec_minor() -> 0
//! runtime_name(ptr, len) -> 7                 "capwasi", written only if it fits
//! runtime_msleep(ms)                          sleeps (within the run's timeout)
//! startup_arg_len() -> n                      the number of arguments, argv[0] included
//! startup_arg_at(i, ptr, len) -> length       written only if it fits; -2: no argument i
//! resource_open(url_ptr, url_len) -> handle   -2: not a URL; -4: unknown scheme or
//!                                             missing file; -3: outside the preopens;
//!                                             -1: a connection refused or failing TLS
//! resource_read(h, ptr, len) -> n             -5 at end of file
//! resource_write(h, ptr, len) -> n
//! resource_close(h)                           a bad handle: nothing happens (no result)
//! resource_flush(h) -> 0
//! time_now() -> i64                           Unix time in seconds
//! io_get_stdin/io_get_stdout/io_get_stderr() -> a new handle to that stream
//! random_i32() -> i32, random_i64() -> i64
//! ```
//!
//! The calls that report errors, whose results below 0 `--stats` counts as
//! errors: env_get, runtime_name, startup_arg_at and the resource_ calls
//! that return a number (resource_read's -5 at end of file among them).
//!
//! Handles are random positive numbers (from the context's random source),
//! so none can be guessed from another; each maps to a descriptor in the
//! context's table.

use std::time::Duration;

use cap_rand::RngCore;
use wasmtime::Linker;
use wiggle::{GuestMemory, GuestPtr};

use super::OpenError;
use crate::I32Exit;
use crate::ctx::WasiCtx;
use crate::error::{Errno, Error};

/// CommonWA's function names (what tells an `env` import as CommonWA's).
pub const FUNCTIONS: &[&str] = &[
    "log_write",
    "env_get",
    "runtime_exit",
    "runtime_spec_major",
    "runtime_spec_minor",
    "runtime_name",
    "runtime_msleep",
    "startup_arg_len",
    "startup_arg_at",
    "resource_open",
    "resource_read",
    "resource_write",
    "resource_close",
    "resource_flush",
    "time_now",
    "io_get_stdin",
    "io_get_stdout",
    "io_get_stderr",
    "random_i32",
    "random_i64",
];

const UNKNOWN: i32 = -1;
const INVALID_ARGUMENT: i32 = -2;
const PERMISSION_DENIED: i32 = -3;
const NOT_FOUND: i32 = -4;
const END_OF_FILE: i32 = -5;

/// The name runtime_name reports.
const RUNTIME_NAME: &str = "capwasi";

/// Defines CommonWA's functions under import module `module`.
pub(crate) fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    module: &str,
    get_ctx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> wasmtime::Result<()> {
    // Defines CommonWA's function $name; `errors: true` for the functions
    // that report errors (a result below 0), `io` for those that move bytes.
    macro_rules! func {
        ($name:literal, $($rest:tt)*) => {
            super::url_func!(linker, module, get_ctx, "cwa", $name, $($rest)*)
        };
    }
    let handle_io = |ctx: &WasiCtx, read: bool, handle: i32| ctx.urls.handles.get(&handle).map(|&fd| (read, fd));
    func!("log_write", |ctx, mem, level: i32, ptr: i32, len: i32| -> (), errors: false, io: None,
        trace: (level = level, text = tracing::field::debug(super::guest_str(ptr, len))),
        { log_write(ctx, mem, level, ptr, len) });
    func!("env_get", |ctx, mem, key: i32, key_len: i32, val: i32, val_len: i32| -> i32, errors: true, io: None,
        trace: (key = tracing::field::debug(super::guest_str(key, key_len)), val = val, val_len = val_len),
        { env_get(ctx, mem, (key, key_len), (val, val_len)) });
    func!("runtime_exit", |_ctx, _mem, status: i32| -> (), errors: false, io: None,
        { Err(wasmtime::Error::new(I32Exit(status))) });
    func!("runtime_spec_major", |_ctx, _mem| -> i32, errors: false, io: None, { Ok(0) });
    func!("runtime_spec_minor", |_ctx, _mem| -> i32, errors: false, io: None, { Ok(0) });
    func!("runtime_name", |_ctx, mem, ptr: i32, len: i32| -> i32, errors: true, io: None, {
        Ok(write_if_fits(mem, RUNTIME_NAME.as_bytes(), ptr, len))
    });
    func!("runtime_msleep", |ctx, _mem, ms: i32| -> (), errors: false, io: None, { msleep(ctx, ms) });
    func!("startup_arg_len", |ctx, _mem| -> i32, errors: false, io: None, { Ok(ctx.args.offsets.len() as i32) });
    func!("startup_arg_at", |ctx, mem, i: i32, ptr: i32, len: i32| -> i32, errors: true, io: None, {
        Ok(match usize::try_from(i).ok().and_then(|i| nth_string(&ctx.args, i)) {
            Some(arg) => write_if_fits(mem, arg, ptr, len),
            None => INVALID_ARGUMENT,
        })
    });
    func!("resource_open", |ctx, mem, ptr: i32, len: i32| -> i32, errors: true, io: None,
        trace: (url = tracing::field::debug(super::guest_str(ptr, len))),
        { resource_open(ctx, mem, ptr, len) });
    func!("resource_read", |ctx, mem, handle: i32, ptr: i32, len: i32| -> i32,
        errors: true, io: handle_io(ctx, true, handle), {
        let Some(&fd) = ctx.urls.handles.get(&handle) else { return Ok(INVALID_ARGUMENT) };
        match code(super::read(ctx, mem, fd, ptr, len))? {
            0 if len > 0 => Ok(END_OF_FILE),
            n => Ok(n),
        }
    });
    func!("resource_write", |ctx, mem, handle: i32, ptr: i32, len: i32| -> i32,
        errors: true, io: handle_io(ctx, false, handle), {
        let Some(&fd) = ctx.urls.handles.get(&handle) else { return Ok(INVALID_ARGUMENT) };
        code(super::write(ctx, mem, fd, ptr, len))
    });
    func!("resource_close", |ctx, _mem, handle: i32| -> (), errors: false, io: None, {
        // No result to report a bad handle in (the spec calls it fatal): nothing happens.
        let Some(fd) = ctx.urls.handles.remove(&handle) else { return Ok(()) };
        // A handle to a standard stream (io_get_*) is forgotten; the stream stays.
        if fd > 2 {
            let _ = super::close(ctx, fd);
        }
        Ok(())
    });
    func!("resource_flush", |ctx, _mem, handle: i32| -> i32, errors: true, io: None, {
        let Some(&fd) = ctx.urls.handles.get(&handle) else { return Ok(INVALID_ARGUMENT) };
        code(super::flush(ctx, fd).map(|()| 0))
    });
    func!("time_now", |ctx, _mem| -> i64, errors: false, io: None, { Ok(ctx.wall_clock.now().as_secs() as i64) });
    func!("io_get_stdin", |ctx, _mem| -> i32, errors: false, io: None, { Ok(new_handle(ctx, 0)) });
    func!("io_get_stdout", |ctx, _mem| -> i32, errors: false, io: None, { Ok(new_handle(ctx, 1)) });
    func!("io_get_stderr", |ctx, _mem| -> i32, errors: false, io: None, { Ok(new_handle(ctx, 2)) });
    func!("random_i32", |ctx, _mem| -> i32, errors: false, io: None, { Ok(ctx.random.next_u32() as i32) });
    func!("random_i64", |ctx, _mem| -> i64, errors: false, io: None, { Ok(ctx.random.next_u64() as i64) });
    Ok(())
}

fn log_write(ctx: &mut WasiCtx, mem: &GuestMemory<'_>, level: i32, ptr: i32, len: i32) -> wasmtime::Result<()> {
    let Ok(text) = super::guest_bytes(mem, ptr, len) else {
        wasmtime::bail!("log_write: the text ({len} bytes at {ptr}) is not in the guest's memory")
    };
    let level = match level {
        1 => "error".to_string(),
        3 => "warning".to_string(),
        6 => "info".to_string(),
        other => format!("level {other}"),
    };
    let line = super::log_line(ctx, &level, text);
    // A closed or failing stderr loses the line, as a failed log write would.
    let _ = super::write_all_stderr(ctx, &line);
    Ok(())
}

fn env_get(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, key: (i32, i32), val: (i32, i32)) -> wasmtime::Result<i32> {
    let Ok(key) = super::guest_bytes(mem, key.0, key.1) else { return Ok(INVALID_ARGUMENT) };
    let found = (0..ctx.env.offsets.len()).filter_map(|i| nth_string(&ctx.env, i)).find_map(|entry| {
        let value = entry.strip_prefix(key)?.strip_prefix(b"=")?;
        Some(value.to_vec())
    });
    Ok(match found {
        Some(value) => write_if_fits(mem, &value, val.0, val.1),
        None => NOT_FOUND,
    })
}

/// Writes `bytes` at `ptr` if they fit in `len` bytes; their length either
/// way (INVALID_ARGUMENT if they fit but the buffer is not in memory).
fn write_if_fits(mem: &mut GuestMemory<'_>, bytes: &[u8], ptr: i32, len: i32) -> i32 {
    let Ok(n) = i32::try_from(bytes.len()) else { return INVALID_ARGUMENT };
    if len >= n {
        let target = GuestPtr::<[u8]>::new((ptr as u32, n as u32));
        if mem.copy_from_slice(bytes, target).is_err() {
            return INVALID_ARGUMENT;
        }
    }
    n
}

/// The `i`th string of `array`, without its NUL.
fn nth_string(array: &crate::ctx::StringArray, i: usize) -> Option<&[u8]> {
    let start = *array.offsets.get(i)? as usize;
    let end = array.offsets.get(i + 1).map_or(array.bytes.len(), |&next| next as usize) - 1;
    array.bytes.get(start..end)
}

fn msleep(ctx: &mut WasiCtx, ms: i32) -> wasmtime::Result<()> {
    let wanted = Duration::from_millis(u64::try_from(ms).unwrap_or(0));
    match &ctx.deadline {
        Some(deadline) if deadline.remaining() < wanted => {
            std::thread::sleep(deadline.remaining());
            Err(trap(deadline.error().into()))
        }
        _ => {
            std::thread::sleep(wanted);
            Ok(())
        }
    }
}

fn resource_open(ctx: &mut WasiCtx, mem: &GuestMemory<'_>, ptr: i32, len: i32) -> wasmtime::Result<i32> {
    let opened = super::guest_url(mem, ptr, len).and_then(|url| super::open(ctx, &url, true));
    match opened {
        Ok(fd) => Ok(new_handle(ctx, fd)),
        Err(OpenError::BadUrl) => Ok(INVALID_ARGUMENT),
        Err(OpenError::UnknownScheme) => Ok(NOT_FOUND),
        Err(OpenError::Failed(e)) => code(Err(e)),
        Err(OpenError::Forbidden(forbidden)) => Err(wasmtime::Error::new(forbidden)),
    }
}

/// A new random positive handle for descriptor `fd`.
fn new_handle(ctx: &mut WasiCtx, fd: u32) -> i32 {
    loop {
        let handle = (ctx.random.next_u32() >> 1) as i32;
        if handle != 0 && !ctx.urls.handles.contains_key(&handle) {
            ctx.urls.handles.insert(handle, fd);
            return handle;
        }
    }
}

/// A count as itself; an errno as CommonWA's error; a trap stays one.
fn code(result: Result<usize, Error>) -> wasmtime::Result<i32> {
    let errno = match result {
        Ok(n) => return Ok(i32::try_from(n).unwrap_or(i32::MAX)),
        Err(e) => e.downcast()?,
    };
    Ok(match errno {
        Errno::Notcapable | Errno::Acces | Errno::Perm | Errno::Rofs => PERMISSION_DENIED,
        Errno::Noent => NOT_FOUND,
        Errno::Badf | Errno::Inval | Errno::Fault | Errno::Ilseq | Errno::Nametoolong => INVALID_ARGUMENT,
        _ => UNKNOWN,
    })
}

/// The trap inside `err` (a timeout), or the errno as a trap's message.
fn trap(err: Error) -> wasmtime::Error {
    match err.downcast() {
        Ok(errno) => wasmtime::Error::msg(format!("{errno:?}")),
        Err(trap) => trap,
    }
}
