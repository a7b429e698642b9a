//! An open directory: a `cap_std::fs::Dir` beneath which every guest path resolves.

use crate::bindings::types::Rights;

/// A directory descriptor: a preopen, or a directory opened beneath one.
pub struct OpenDir {
    /// The host directory; cap-std resolves every path beneath it.
    pub dir: cap_std::fs::Dir,
    /// The guest name, for preopens (fd_prestat_get).
    pub preopen: Option<String>,
    /// Nothing beneath a read-only directory may change.
    pub read_only: bool,
    /// Rights reported by fd_fdstat_get.
    pub rights_base: Rights,
    /// Inheriting rights reported by fd_fdstat_get.
    pub rights_inheriting: Rights,
}
