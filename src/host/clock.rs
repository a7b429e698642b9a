//! clock_res_get, clock_time_get.

use crate::bindings::types::{Clockid, Error, Timestamp};
use crate::clocks;
use crate::ctx::WasiCtx;

/// The resolution of clock `id`, in nanoseconds. Every preview1 clock exists,
/// so this never fails (an unknown clock id is rejected by the bindings as EINVAL).
pub fn clock_res_get(ctx: &WasiCtx, id: Clockid) -> Result<Timestamp, Error> {
    let res = match id {
        Clockid::Realtime => ctx.wall_clock.resolution(),
        Clockid::Monotonic => ctx.monotonic_clock.resolution(),
        Clockid::ProcessCputimeId => clocks::process_cpu_time().1,
        Clockid::ThreadCputimeId => clocks::thread_cpu_time().1,
    };
    Ok(u64::try_from(res.as_nanos())?)
}

/// The current time of clock `id` in nanoseconds: since the Unix epoch for
/// `realtime`, since an arbitrary fixed point for the others. `precision` is a
/// hint the host may ignore. EOVERFLOW: the wall clock is past the year 2554.
pub fn clock_time_get(ctx: &WasiCtx, id: Clockid, _precision: Timestamp) -> Result<Timestamp, Error> {
    match id {
        Clockid::Realtime => Ok(u64::try_from(ctx.wall_clock.now().as_nanos())?),
        Clockid::Monotonic => Ok(ctx.monotonic_clock.now()),
        Clockid::ProcessCputimeId => Ok(clocks::process_cpu_time().0),
        Clockid::ThreadCputimeId => Ok(clocks::thread_cpu_time().0),
    }
}
