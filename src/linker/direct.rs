//! clock_time_get and fd_write, linked by hand: the two calls a guest makes
//! most often with the least work behind them (a vDSO clock read; a write to
//! a pipe, a terminal or /dev/null), where the entry cost is most of the call.
//!
//! Each does what wiggle's generated function does, in the same order and
//! with the same trace events (span `wiggle abi`, then one event for the
//! arguments and one for the result), so `--trace` and `--stats` print the
//! same lines, and every argument and errno outcome is the same:
//!
//! - the result pointer is checked before the call, as for every function
//!   (EFAULT out of bounds, EINVAL misaligned; see `super::check_result_ptr`);
//! - an undefined clock id (wiggle's `Clockid::try_from` fails) is EINVAL, as
//!   `super::GuestValueErrors` makes of wiggle's error;
//! - the result goes to guest memory in one copy of its bytes, at the pointer
//!   already checked, where wiggle's `memory.write` checks it a second time
//!   and builds an error value (dropped unused) on every call.
//!
//! Both skip the span and events altogether when no subscriber can want
//! them ([`traced`]). Instructions per call, guest loop included, are in
//! docs/BENCHMARKS.md (`bench/instructions clock`, `write16_stdout`).

use wasmtime::{Caller, Linker};
use wiggle::{GuestMemory, GuestPtr};

use super::{Bound, abi_span, accounted, check_result_ptr, with_memory};
use crate::bindings::types::{Ciovec, Clockid, Errno, Error, Fd};
use crate::bindings::wasi_snapshot_preview1::WasiSnapshotPreview1;
use crate::ctx::WasiCtx;

/// The functions this module links; `super::link` leaves them to it.
pub(super) const NAMES: [&str; 2] = ["clock_time_get", "fd_write"];

/// Defines each function of [`NAMES`] that `wanted` names.
pub(super) fn link<T: 'static>(
    linker: &mut Linker<T>,
    get_ctx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
    bound: &Bound,
    wanted: &dyn Fn(&str) -> bool,
) -> wasmtime::Result<()> {
    if wanted("clock_time_get") {
        let bound = bound.clone();
        linker.func_wrap(
            crate::MODULE_NAME,
            "clock_time_get",
            move |mut caller: Caller<'_, T>, id: i32, precision: i64, time: i32| -> wasmtime::Result<i32> {
                with_memory(&mut caller, &bound, get_ctx, |memory, ctx| {
                    let index = const { crate::stats::index("clock_time_get") };
                    accounted(memory, ctx, index, None, |memory, ctx| {
                        if let Err(errno) = check_result_ptr(memory, time, 8, 8) {
                            return Ok(errno as i32);
                        }
                        let Ok(id) = Clockid::try_from(id) else {
                            return Ok(Errno::Inval as i32);
                        };
                        let precision = precision as u64;
                        let result = traced(
                            "clock_time_get",
                            || {
                                tracing::event!(
                                    tracing::Level::TRACE,
                                    id = tracing::field::debug(&id),
                                    precision = tracing::field::display(&precision)
                                )
                            },
                            || WasiSnapshotPreview1::clock_time_get(ctx, memory, id, precision),
                        );
                        finish(memory, time, result.map(u64::to_le_bytes))
                    })
                })
            },
        )?;
    }
    if wanted("fd_write") {
        let bound = bound.clone();
        linker.func_wrap(
            crate::MODULE_NAME,
            "fd_write",
            move |mut caller: Caller<'_, T>,
                  fd: i32,
                  iovs: i32,
                  iovs_len: i32,
                  nwritten: i32|
                  -> wasmtime::Result<i32> {
                with_memory(&mut caller, &bound, get_ctx, |memory, ctx| {
                    let index = const { crate::stats::index("fd_write") };
                    accounted(memory, ctx, index, Some((false, fd, nwritten)), |memory, ctx| {
                        if let Err(errno) = check_result_ptr(memory, nwritten, 4, 4) {
                            return Ok(errno as i32);
                        }
                        let fd = Fd::from(fd);
                        let iovs = GuestPtr::<[Ciovec]>::new((iovs as u32, iovs_len as u32));
                        let result = traced(
                            "fd_write",
                            || {
                                tracing::event!(
                                    tracing::Level::TRACE,
                                    fd = tracing::field::debug(&fd),
                                    iovs = tracing::field::debug(&iovs)
                                )
                            },
                            || WasiSnapshotPreview1::fd_write(ctx, memory, fd, iovs),
                        );
                        finish(memory, nwritten, result.map(u32::to_le_bytes))
                    })
                })
            },
        )?;
    }
    Ok(())
}

/// Calls `call` inside the span wiggle's generated code opens around a call,
/// after the arguments' event (`args`) and before the result's, when a
/// subscriber may want them (`--trace` installs one); else calls it alone. The
/// check is the one `tracing`'s own macros make first (a static level and one
/// relaxed atomic load), where an entered span costs some 40 instructions even
/// with no subscriber. An argument that cannot be decoded ends the call before
/// this, with no event, as wiggle's span then closes with none.
#[inline(always)]
fn traced<R: std::fmt::Debug>(function: &'static str, args: impl FnOnce(), call: impl FnOnce() -> R) -> R {
    use tracing::level_filters::{LevelFilter, STATIC_MAX_LEVEL};
    if !(tracing::Level::TRACE <= STATIC_MAX_LEVEL && tracing::Level::TRACE <= LevelFilter::current()) {
        return call();
    }
    let _span = abi_span(function);
    args();
    let result = call();
    tracing::event!(tracing::Level::TRACE, result = tracing::field::debug(&result));
    result
}

/// Ends a call: on success its result's bytes go to guest memory at `ptr`
/// (checked before the call) and the errno is SUCCESS; an error is its errno,
/// or the trap it carries.
#[inline(always)]
fn finish<const N: usize>(
    memory: &mut GuestMemory<'_>,
    ptr: i32,
    result: Result<[u8; N], Error>,
) -> wasmtime::Result<i32> {
    match result {
        Ok(bytes) => {
            let start = ptr as u32 as usize;
            match memory {
                // In bounds: `check_result_ptr` passed, and nothing in a host
                // call shrinks guest memory.
                GuestMemory::Unshared(mem) => mem[start..start + N].copy_from_slice(&bytes),
                // `with_memory` never hands over a shared memory.
                GuestMemory::Shared(_) => return Ok(super::shared_memory().downcast()? as i32),
            }
            Ok(Errno::Success as i32)
        }
        Err(e) => Ok(e.downcast()? as i32),
    }
}
