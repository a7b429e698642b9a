//! Host-side files and directories over cap-std. Nothing here knows errnos or
//! guest memory; `host/` translates.
//!
//! - `dir.rs`: an open directory descriptor.
//! - `file.rs`: an open file descriptor.
//! - `open.rs`: opening a path beneath a directory (the one `openat`).
//! - `listing.rs`: a directory's entries, read at the kernel's own positions.
//! - `waiting.rs`: FIFOs and character devices under a run deadline.
//! - `slash.rs`: trailing slashes where Linux's answer differs from cap-std's.

pub(crate) mod dir;
mod file;
mod listing;
mod open;
pub mod slash;
pub(crate) mod waiting;

pub use dir::{OpenDir, set_dir_times_beneath};
pub use file::{Access, OpenFile};
pub use listing::{Entry, Listing, Sink};
pub use open::{OpenSpec, Opened, open_at, plain_name};
