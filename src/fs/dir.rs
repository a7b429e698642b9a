//! An open directory: a `cap_std::fs::Dir` beneath which every guest path resolves.

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
    /// The listing the last fd_readdir served from, so that a listing read in
    /// many small calls reads the directory once (cookie = index into it).
    pub listing: Option<Listing>,
}

impl OpenDir {
    /// A directory descriptor with no listing cached yet.
    pub fn new(dir: cap_std::fs::Dir, preopen: Option<String>, read_only: bool) -> Self {
        OpenDir { dir, preopen, read_only, listing: None }
    }

    /// The directory itself, opened for reading. cap-std opens preopens as
    /// `O_PATH` descriptors, which `fsync` and `futimens` refuse with EBADF,
    /// so those go through this descriptor instead.
    pub fn open_self(&self) -> std::io::Result<cap_std::fs::File> {
        use cap_fs_ext::OpenOptionsMaybeDirExt;
        let mut opts = cap_std::fs::OpenOptions::new();
        opts.read(true).maybe_dir(true);
        self.dir.open_with(".", &opts)
    }
}
