//! The functions the host exports to the guest, in the import module
//! `shell_host`, over state shared by every connection.
//!
//! | function | wasm signature | does |
//! |---|---|---|
//! | `add(n: i64, total: i32) -> i32` | `(i64 i32) -> i32` | adds `n` to the shared total; writes the new total (8 bytes) at `total` |
//! | `sum() -> i64` | `() -> i64` | the shared total |
//! | `set(key, key_len, value, value_len) -> i32` | `(i32 i32 i32 i32) -> i32` | sets `key` to `value` in the shared map |
//! | `get(key, key_len, buf, buf_len, value_len) -> i32` | `(i32 i32 i32 i32 i32) -> i32` | writes at most `buf_len` bytes of `key`'s value to `buf` and its full length (4 bytes) at `value_len` |
//!
//! Each `i32` result is a [`Status`]. Strings are UTF-8 bytes in the guest's
//! memory, given as a pointer and a length. The host checks every length
//! against its cap and every range against the guest's memory before it
//! reads or allocates anything, and writes nothing to guest memory unless the
//! call succeeds. A guest mistake is a status, never a trap.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use capwasi::WasiCtx;
use wasmtime::{Caller, Extern, Linker};

/// The import module name.
pub const MODULE: &str = "shell_host";

/// The longest key, in bytes.
pub const MAX_KEY: usize = 64;
/// The longest value, in bytes.
pub const MAX_VALUE: usize = 256;
/// The most keys the map holds.
pub const MAX_ENTRIES: usize = 1024;

/// What a call returns to the guest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Status {
    /// Done.
    Ok = 0,
    /// A pointer and length reach outside the guest's memory (or a result
    /// pointer is not aligned).
    BadPointer = 1,
    /// A key or value is not UTF-8.
    NotUtf8 = 2,
    /// A key is longer than [`MAX_KEY`].
    KeyTooLong = 3,
    /// A value is longer than [`MAX_VALUE`].
    ValueTooLong = 4,
    /// `add` would take the total past `i64`'s range; it is unchanged.
    Overflow = 5,
    /// `get` of a key that is not in the map.
    NotFound = 6,
    /// `set` of a new key when the map holds [`MAX_ENTRIES`].
    Full = 7,
}

/// The state every connection's guest shares.
#[derive(Default)]
pub struct Shared {
    total: Mutex<i64>,
    map: Mutex<HashMap<String, String>>,
}

/// One connection's store data: its own WASI context and the shared state.
pub struct Session {
    /// The guest's preview1 context (its stdin and stdout are the connection).
    pub wasi: WasiCtx,
    /// What all guests share.
    pub shared: std::sync::Arc<Shared>,
}

/// The session's WASI context: the one function handed to both
/// `capwasi::add_to_linker` and `Limits::start` (each distinct closure would
/// compile the preview1 functions again).
pub fn wasi(session: &mut Session) -> &mut WasiCtx {
    &mut session.wasi
}

/// Defines the `shell_host` functions on `linker`.
pub fn add_to_linker(linker: &mut Linker<Session>) -> wasmtime::Result<()> {
    linker.func_wrap(MODULE, "add", |mut caller: Caller<'_, Session>, n: i64, total: i32| {
        with_memory(&mut caller, |memory, session| {
            let out = range(memory, total, 8, 8)?;
            let mut sum = session.shared.total.lock().unwrap_or_else(PoisonError::into_inner);
            *sum = sum.checked_add(n).ok_or(Status::Overflow)?;
            memory[out].copy_from_slice(&sum.to_le_bytes());
            Ok(())
        })
    })?;
    linker.func_wrap(MODULE, "sum", |caller: Caller<'_, Session>| -> i64 {
        *caller.data().shared.total.lock().unwrap_or_else(PoisonError::into_inner)
    })?;
    linker.func_wrap(
        MODULE,
        "set",
        |mut caller: Caller<'_, Session>, key: i32, key_len: i32, value: i32, value_len: i32| {
            with_memory(&mut caller, |memory, session| {
                let key = string(memory, key, key_len, MAX_KEY, Status::KeyTooLong)?;
                let value = string(memory, value, value_len, MAX_VALUE, Status::ValueTooLong)?;
                let mut map = session.shared.map.lock().unwrap_or_else(PoisonError::into_inner);
                if map.len() >= MAX_ENTRIES && !map.contains_key(key) {
                    return Err(Status::Full);
                }
                map.insert(key.to_owned(), value.to_owned());
                Ok(())
            })
        },
    )?;
    linker.func_wrap(
        MODULE,
        "get",
        |mut caller: Caller<'_, Session>, key: i32, key_len: i32, buf: i32, buf_len: i32, value_len: i32| {
            with_memory(&mut caller, |memory, session| {
                let key = string(memory, key, key_len, MAX_KEY, Status::KeyTooLong)?;
                let len_out = range(memory, value_len, 4, 4)?;
                let buf = range(memory, buf, buf_len, 1)?;
                let map = session.shared.map.lock().unwrap_or_else(PoisonError::into_inner);
                let value = map.get(key).ok_or(Status::NotFound)?.as_bytes();
                // Cut to the guest's buffer; the full length tells it to ask again.
                let n = value.len().min(buf.len());
                let full = value.len() as u32;
                memory[buf.start..buf.start + n].copy_from_slice(&value[..n]);
                memory[len_out].copy_from_slice(&full.to_le_bytes());
                Ok(())
            })
        },
    )?;
    Ok(())
}

/// Runs `call` with the guest's memory and the store's data; its error is
/// the status the guest gets. A module without a `memory` export cannot have
/// given a pointer: that is a trap.
fn with_memory(
    caller: &mut Caller<'_, Session>,
    call: impl FnOnce(&mut [u8], &mut Session) -> Result<(), Status>,
) -> wasmtime::Result<i32> {
    let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
        wasmtime::bail!("the guest exports no memory named \"memory\", which {MODULE} needs");
    };
    let (bytes, session) = memory.data_and_store_mut(caller);
    Ok(match call(bytes, session) {
        Ok(()) => Status::Ok as i32,
        Err(status) => status as i32,
    })
}

/// The byte range `len` bytes at `ptr` cover in `memory`, checked to lie
/// inside it and `ptr` to be a multiple of `align`.
fn range(memory: &[u8], ptr: i32, len: i32, align: u32) -> Result<std::ops::Range<usize>, Status> {
    let (ptr, len) = (ptr as u32, len as u32);
    if !ptr.is_multiple_of(align) {
        return Err(Status::BadPointer);
    }
    let start = ptr as usize;
    let end = start.checked_add(len as usize).ok_or(Status::BadPointer)?;
    if end > memory.len() {
        return Err(Status::BadPointer);
    }
    Ok(start..end)
}

/// The UTF-8 string of `len` bytes at `ptr`: its length checked against
/// `max` (`too_long` past it) before anything is read, then its range, then
/// its bytes.
fn string(memory: &[u8], ptr: i32, len: i32, max: usize, too_long: Status) -> Result<&str, Status> {
    if len as u32 as usize > max {
        return Err(too_long);
    }
    let bytes = &memory[range(memory, ptr, len, 1)?];
    std::str::from_utf8(bytes).map_err(|_| Status::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_past_memory_or_misaligned_are_bad_pointers() {
        let memory = [0u8; 16];
        assert_eq!(range(&memory, 8, 8, 8), Ok(8..16));
        assert_eq!(range(&memory, 9, 8, 1), Err(Status::BadPointer));
        assert_eq!(range(&memory, 4, 8, 8), Err(Status::BadPointer));
        assert_eq!(range(&memory, -1, 2, 1), Err(Status::BadPointer));
        assert_eq!(range(&memory, 16, 0, 1), Ok(16..16));
    }

    #[test]
    fn strings_are_checked_for_length_before_range_and_utf8() {
        let mut memory = [b'a'; 300];
        memory[0] = 0xff;
        assert_eq!(string(&memory, 1, 3, MAX_KEY, Status::KeyTooLong), Ok("aaa"));
        assert_eq!(string(&memory, 0, 3, MAX_KEY, Status::KeyTooLong), Err(Status::NotUtf8));
        assert_eq!(string(&memory, 1, 65, MAX_KEY, Status::KeyTooLong), Err(Status::KeyTooLong));
        assert_eq!(string(&memory, 1000, 3, MAX_KEY, Status::KeyTooLong), Err(Status::BadPointer));
        assert_eq!(string(&memory, 0, -1, MAX_VALUE, Status::ValueTooLong), Err(Status::ValueTooLong));
    }
}
