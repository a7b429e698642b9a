//! What a call trace needs from the host: the bytes of the strings a call was
//! given.
//!
//! wiggle's bindings trace a string argument as its guest pointer
//! (`path=*guest 0x110da/6`); a subscriber on the same thread, inside the
//! call, can turn that into the string with [`guest_bytes`]. Only when
//! [`trace_guest_strings`] is on does each host call note where the calling
//! guest's memory is (one relaxed load per call otherwise).

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

static ON: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// The memory of the guest whose host call this thread is in: its base and length.
    static MEMORY: Cell<Option<(*const u8, usize)>> = const { Cell::new(None) };
}

/// Lets a tracing subscriber read the strings host calls are given (for the
/// rest of the process).
pub fn trace_guest_strings() {
    ON.store(true, Ordering::Relaxed);
}

/// What [`guest_bytes`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum GuestBytes {
    /// Not inside a host call on this thread (or strings are not traced).
    Unknown,
    /// `ptr..ptr+len` is not inside the guest's memory.
    OutOfBounds,
    /// The first bytes of the range (at most the `max` asked for).
    Bytes(Vec<u8>),
}

/// The first `max` bytes of `len` at guest address `ptr`, in the memory of
/// the guest whose host call this thread is in. Call it only from a tracing
/// subscriber handling an event of that call.
pub fn guest_bytes(ptr: u32, len: u32, max: usize) -> GuestBytes {
    let Some((base, size)) = MEMORY.get() else { return GuestBytes::Unknown };
    let (start, len) = (ptr as usize, len as usize);
    if start.checked_add(len).is_none_or(|end| end > size) {
        return GuestBytes::OutOfBounds;
    }
    // SAFETY: `base..base+size` is the calling guest's linear memory, noted by
    // `in_call` for the length of the host call this thread is in; it cannot
    // move or shrink during the call (only the guest grows it, and it is
    // waiting). The host function holds its `&mut [u8]` of that memory, but an
    // argument event is emitted before the function runs and writes, and this
    // only reads, inside the checked bounds.
    let bytes = unsafe { std::slice::from_raw_parts(base.add(start), len.min(max)) };
    GuestBytes::Bytes(bytes.to_vec())
}

/// Runs `call` (a host call) with the guest memory `base..base+size` noted
/// for [`guest_bytes`], when strings are traced.
#[inline(always)]
pub(crate) fn in_call<R>(base: *const u8, size: usize, call: impl FnOnce() -> R) -> R {
    if !ON.load(Ordering::Relaxed) {
        return call();
    }
    let outer = MEMORY.replace(Some((base, size)));
    let result = call();
    MEMORY.set(outer);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_read_only_inside_a_call_and_within_bounds() {
        let memory = b"hello, world".to_vec();
        assert_eq!(guest_bytes(0, 5, 256), GuestBytes::Unknown);
        trace_guest_strings();
        in_call(memory.as_ptr(), memory.len(), || {
            assert_eq!(guest_bytes(7, 5, 256), GuestBytes::Bytes(b"world".to_vec()));
            assert_eq!(guest_bytes(0, 12, 4), GuestBytes::Bytes(b"hell".to_vec()));
            assert_eq!(guest_bytes(12, 0, 4), GuestBytes::Bytes(vec![]));
            assert_eq!(guest_bytes(8, 5, 256), GuestBytes::OutOfBounds);
            assert_eq!(guest_bytes(u32::MAX, 2, 256), GuestBytes::OutOfBounds);
        });
        assert_eq!(guest_bytes(0, 5, 256), GuestBytes::Unknown);
    }
}
