//! Host-side files and directories over cap-std. Nothing here knows errnos or
//! guest memory; `host/` translates.
//!
//! - `dir.rs`: an open directory descriptor (and its readdir cursor).
//! - `file.rs`: an open file descriptor.
//! - `open.rs`: opening a path beneath a directory (the one `openat`).
//! - `listing.rs`: a directory's entries, read once per listing.

mod dir;
mod file;
mod listing;
mod open;

pub use dir::OpenDir;
pub use file::{Access, OpenFile};
pub use listing::Listing;
pub use open::{OpenSpec, Opened, open_at, plain_name};
