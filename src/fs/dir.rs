//! An open directory: a `cap_std::fs::Dir` beneath which every guest path resolves.

use crate::bindings::types::Fdflags;
use crate::fs::Listing;

/// A directory descriptor: a preopen, or a directory opened beneath one.
pub struct OpenDir {
    /// The host directory; cap-std resolves every path beneath it.
    pub dir: cap_std::fs::Dir,
    /// The guest name, for preopens (fd_prestat_get).
    pub preopen: Option<String>,
    /// Nothing beneath a read-only directory may change; directories and files
    /// opened beneath it inherit this.
    pub read_only: bool,
    /// How fd_readdir reads the directory, and where its last batch stopped.
    pub listing: Listing,
    /// The sync flags the directory was opened with (DSYNC, RSYNC, SYNC), as
    /// fd_fdstat_get reports them. They change nothing on a directory, which
    /// takes no writes, but Linux `F_GETFL` reports them.
    pub flags: Fdflags,
}

impl OpenDir {
    /// A directory descriptor.
    pub fn new(dir: cap_std::fs::Dir, preopen: Option<String>, read_only: bool) -> Self {
        OpenDir { dir, preopen, read_only, listing: Listing::default(), flags: Fdflags::empty() }
    }

    /// The directory itself, opened for reading. cap-std opens preopens as
    /// `O_PATH` descriptors, which `fsync` and `futimens` refuse with EBADF,
    /// so those go through this descriptor instead.
    pub fn open_self(&self) -> std::io::Result<cap_std::fs::File> {
        open_for_reading(&self.dir)
    }

    /// `fsync(2)` of the directory.
    pub fn sync(&self) -> std::io::Result<()> {
        Ok(rustix::fs::fsync(self.open_self()?)?)
    }

    /// `fdatasync(2)` of the directory.
    pub fn datasync(&self) -> std::io::Result<()> {
        Ok(rustix::fs::fdatasync(self.open_self()?)?)
    }

    /// `futimens(2)` of the directory.
    pub fn set_times(&self, times: &rustix::fs::Timestamps) -> std::io::Result<()> {
        Ok(rustix::fs::futimens(self.open_self()?, times)?)
    }
}

/// `dir` itself, opened for reading.
pub(crate) fn open_for_reading(dir: &cap_std::fs::Dir) -> std::io::Result<cap_std::fs::File> {
    use cap_fs_ext::OpenOptionsMaybeDirExt;
    let mut opts = cap_std::fs::OpenOptions::new();
    opts.read(true).maybe_dir(true);
    dir.open_with(".", &opts)
}

/// Sets the times of the directory `path` beneath `dir` (following symlinks)
/// through a descriptor of its own: cap-std opens the directory (`open_dir`,
/// resolved beneath `dir`), then reopens it for reading for `futimens(2)`.
///
/// For where cap-std's own `set_times` fails with EBADF: without openat2, its
/// component-by-component route reaches a directory named with a trailing
/// slash (`dir/`, or a symlink whose target ends in `/`) through an `O_PATH`
/// descriptor, which `futimens` refuses.
pub fn set_dir_times_beneath(
    dir: &cap_std::fs::Dir,
    path: &str,
    times: &rustix::fs::Timestamps,
) -> std::io::Result<()> {
    OpenDir::new(dir.open_dir(path)?, None, false).set_times(times)
}
