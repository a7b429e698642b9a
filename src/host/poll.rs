//! poll_oneoff. Filled in by the poll work.

use wiggle::{GuestMemory, GuestPtr};

use crate::bindings::types::*;
use crate::ctx::WasiCtx;

pub fn poll_oneoff(
    _ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    _subs: GuestPtr<Subscription>,
    _events: GuestPtr<Event>,
    _n: Size,
) -> Result<Size, Error> {
    Err(Errno::Nosys.into())
}
