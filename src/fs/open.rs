//! Opening a path beneath a directory: one `cap_std::fs::Dir::open_with`, so
//! resolution, symlink following and creation all happen beneath the directory
//! in a single step (`openat2(RESOLVE_BENEATH)` where the kernel has it).

use std::io;

use cap_fs_ext::{FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt, OpenOptionsSyncExt};
use cap_std::fs::{Dir, File, OpenOptions, OpenOptionsExt};

/// What to open and how, already decided by the caller.
#[derive(Clone, Copy, Debug, Default)]
pub struct OpenSpec {
    /// Follow a symlink in the last component.
    pub follow: bool,
    /// Create the file if it is missing.
    pub create: bool,
    /// With `create`: fail if it exists.
    pub exclusive: bool,
    /// Truncate to zero length.
    pub truncate: bool,
    /// Fail unless the object is a directory (`O_DIRECTORY`).
    pub directory: bool,
    /// Open for reading. A descriptor asking for neither mode is opened for reading.
    pub read: bool,
    /// Open for writing.
    pub write: bool,
    /// Every write goes to the end.
    pub append: bool,
    /// Reads and writes do not block.
    pub nonblock: bool,
    /// `O_SYNC`, `O_DSYNC`, `O_RSYNC`.
    pub sync: bool,
    pub dsync: bool,
    pub rsync: bool,
}

impl OpenSpec {
    /// Whether the host descriptor is opened for reading.
    pub fn opens_read(&self) -> bool {
        self.read || !(self.write || self.append)
    }
}

/// What `open_at` opened.
pub enum Opened {
    /// A file (anything but a directory).
    File(File),
    /// A directory.
    Dir(Dir),
    /// Opened for reading only without O_DIRECTORY: a file or a directory,
    /// not asked yet (see `crate::table::Untyped`).
    Either(File),
}

/// Opens `path` beneath `dir` as `spec` says.
pub fn open_at(dir: &Dir, path: &str, spec: &OpenSpec) -> io::Result<Opened> {
    let mut opts = OpenOptions::new();
    opts.maybe_dir(true)
        .read(spec.opens_read())
        .write(spec.write)
        .append(spec.append)
        .truncate(spec.truncate)
        .sync(spec.sync)
        .dsync(spec.dsync)
        .rsync(spec.rsync)
        .nonblock(spec.nonblock)
        .follow(if spec.follow { FollowSymlinks::Yes } else { FollowSymlinks::No });
    if spec.create && spec.exclusive {
        opts.create_new(true);
    } else if spec.create {
        opts.create(true);
    }
    if spec.directory {
        // Let the kernel check the type in the same openat, with no window
        // between the check and the open.
        opts.custom_flags(rustix::fs::OFlags::DIRECTORY.bits() as i32);
    }
    let file = dir.open_with(path, &opts)?;
    // The open itself settles the type when it can: O_DIRECTORY succeeds only
    // on a directory, and opening one for writing fails with EISDIR.
    Ok(if spec.directory {
        Opened::Dir(Dir::from_std_file(file.into_std()))
    } else if spec.write || spec.append {
        Opened::File(file)
    } else {
        Opened::Either(file)
    })
}
