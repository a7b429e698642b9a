//! An open file: a `cap_std::fs::File` with the access mode it was opened with.

use crate::bindings::types::Fdflags;

/// Whether a file may be read and written through this descriptor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Access {
    /// Reads allowed.
    pub read: bool,
    /// Writes allowed.
    pub write: bool,
}

/// A file opened by the guest (or handed in by the embedder).
pub struct OpenFile {
    /// The host file.
    pub file: cap_std::fs::File,
    /// Read and write permission, fixed at open.
    pub access: Access,
    /// Opened beneath a read-only preopen: nothing about the file may change
    /// through this descriptor (size, times, contents).
    pub read_only: bool,
    /// The descriptor flags the guest set (APPEND, NONBLOCK, sync flags).
    pub flags: Fdflags,
}
