//! Dagger: five calls over URL-named streams (import module `dagger`, or
//! `env`). Every argument and result is an i32; a descriptor is a number in
//! the context's one descriptor table (the lowest free one).
//!
//! ```text
//! open(url_ptr, url_len) -> fd   -1: the URL is not scheme://..., or not in memory or
//!                                    not UTF-8; -2: what it names cannot be opened
//!                                    (a missing file, an escape from the preopens, a
//!                                    connection refused or failing TLS); -3: an
//!                                    unknown scheme.
//!                                A URL the policy forbids ends the run.
//! close(fd) -> 0 | -1            -1: fd is not open
//! read(fd, ptr, len) -> n | -1   n = 0 at end of file; -1: fd is not open for
//!                                reading, or the buffer is not in memory
//! write(fd, ptr, len) -> n | -1  -1: fd is not open for writing, or the buffer is
//!                                not in memory
//! flush(fd) -> 0 | -1            -1: fd is not open
//! ```

use wasmtime::Linker;

use super::OpenError;
use crate::ctx::WasiCtx;
use crate::error::Error;

/// Dagger's function names (what tells an `env` import as Dagger's).
pub const FUNCTIONS: &[&str] = &["open", "close", "read", "write", "flush"];

/// Dagger's one error for close, read, write and flush.
const FAILED: i32 = -1;

/// Defines Dagger's functions under import module `module`.
pub(crate) fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    module: &str,
    get_ctx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> wasmtime::Result<()> {
    let fd_io = |read: bool, fd: i32| Some((read, fd as u32));
    super::url_func!(linker, module, get_ctx, "dagger", "open", |ctx, mem, ptr: i32, len: i32| -> i32,
        errors: true, io: None, trace: (url = tracing::field::debug(super::guest_str(ptr, len))),
        { open(ctx, &super::guest_url(mem, ptr, len)) });
    super::url_func!(linker, module, get_ctx, "dagger", "close", |ctx, _mem, fd: i32| -> i32,
        errors: true, io: None, { status(super::close(ctx, fd as u32).map(|()| 0)) });
    super::url_func!(linker, module, get_ctx, "dagger", "read", |ctx, mem, fd: i32, ptr: i32, len: i32| -> i32,
        errors: true, io: fd_io(true, fd), { status(super::read(ctx, mem, fd as u32, ptr, len)) });
    super::url_func!(linker, module, get_ctx, "dagger", "write", |ctx, mem, fd: i32, ptr: i32, len: i32| -> i32,
        errors: true, io: fd_io(false, fd), { status(super::write(ctx, mem, fd as u32, ptr, len)) });
    super::url_func!(linker, module, get_ctx, "dagger", "flush", |ctx, _mem, fd: i32| -> i32,
        errors: true, io: None, { status(super::flush(ctx, fd as u32).map(|()| 0)) });
    Ok(())
}

fn open(ctx: &mut WasiCtx, url: &Result<String, OpenError>) -> wasmtime::Result<i32> {
    let opened = match url {
        Ok(url) => super::open(ctx, url, false),
        Err(_) => Err(OpenError::BadUrl),
    };
    match opened {
        Ok(fd) => Ok(fd as i32),
        Err(OpenError::BadUrl) => Ok(-1),
        Err(OpenError::Failed(e)) => e.downcast().map(|_| -2),
        Err(OpenError::UnknownScheme) => Ok(-3),
        Err(OpenError::Forbidden(forbidden)) => Err(wasmtime::Error::new(forbidden)),
    }
}

/// A count or 0 as itself, any errno as -1; a trap (the run's timeout) stays one.
fn status(result: Result<usize, Error>) -> wasmtime::Result<i32> {
    match result {
        Ok(n) => Ok(i32::try_from(n).unwrap_or(i32::MAX)),
        Err(e) => e.downcast().map(|_| FAILED),
    }
}
