//! Host-side files and directories over cap-std. Nothing here knows errnos or
//! guest memory; `host/` translates.

mod dir;
mod file;

pub use dir::OpenDir;
pub use file::{Access, OpenFile};
