//! Opening a path beneath a directory: one `cap_std::fs::Dir::open_with`, so
//! resolution, symlink following and creation all happen beneath the directory
//! in a single step (`openat2(RESOLVE_BENEATH)` where the kernel has it); a
//! plain name opened for reading takes one `openat(O_NOFOLLOW)` instead.
//!
//! The open is Linux's `open(2)` with the flags the guest asked for: the
//! access mode (read, write or both) is passed as it is, and CREAT, EXCL,
//! TRUNC and APPEND are added to it as they are, so every combination Linux
//! accepts works as there (`O_RDONLY|O_CREAT` creates a file and reads it,
//! `O_WRONLY|O_TRUNC|O_APPEND` truncates then appends). cap-std's own
//! `OpenOptions` checks follow `std`, which refuses some of those, so those
//! flags go in as custom flags; cap-std still resolves the path.

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
    /// Every write goes to the end (a mode: it does not make the descriptor writable).
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
        self.read || !self.write
    }

    /// Whether the open could change anything on disk (create or truncate).
    pub fn changes_anything(&self) -> bool {
        self.create || self.truncate
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

/// `path` when it is one plain name: not empty, no `/`, not `.` or `..`.
/// Such a name, not followed if it is a symlink, can only name an entry of
/// the directory itself: no resolution happens that could leave it.
pub fn plain_name(path: &str) -> Option<&str> {
    let plain = !path.is_empty() && path != "." && path != ".." && !path.contains('/');
    plain.then_some(path)
}

/// Opens `path` beneath `dir` as `spec` says.
pub fn open_at(dir: &Dir, path: &str, spec: &OpenSpec) -> io::Result<Opened> {
    let file = match open_plain_name_for_reading(dir, path, spec) {
        Some(opened) => opened?,
        None if spec.directory => return open_dir_with_cap_std(dir, path, spec).map(Opened::Dir),
        None => open_with_cap_std(dir, path, spec)?,
    };
    // The open itself settles the type when it can: O_DIRECTORY succeeds only
    // on a directory, and opening one for writing fails with EISDIR.
    Ok(if spec.directory {
        Opened::Dir(Dir::from_std_file(file.into_std()))
    } else if spec.write {
        Opened::File(file)
    } else {
        Opened::Either(file)
    })
}

/// The commonest open, a plain name for reading only, with one
/// `openat(O_NOFOLLOW)`: `openat2(RESOLVE_BENEATH)` costs the kernel about
/// 10% more, and a plain name not followed cannot leave `dir` (the reasoning
/// of cap-std's own single-name stat). A symlink to follow (ELOOP, or ENOTDIR
/// under O_DIRECTORY) is cap-std's to resolve. `None` when the shortcut does
/// not apply.
fn open_plain_name_for_reading(dir: &Dir, path: &str, spec: &OpenSpec) -> Option<io::Result<File>> {
    use rustix::fs::{Mode, OFlags};
    let plain_read = plain_name(path).is_some() && !(spec.write || spec.append || spec.changes_anything());
    if !plain_read || spec.sync || spec.dsync || spec.rsync {
        return None;
    }
    let mut flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOFOLLOW;
    if spec.directory {
        flags |= OFlags::DIRECTORY;
    }
    if spec.nonblock {
        flags |= OFlags::NONBLOCK;
    }
    match rustix::fs::openat(dir, path, flags, Mode::empty()) {
        Ok(fd) => Some(Ok(File::from_std(fd.into()))),
        Err(rustix::io::Errno::LOOP | rustix::io::Errno::NOTDIR) if spec.follow => None,
        Err(e) => Some(Err(e.into())),
    }
}

/// Any open, by cap-std: `openat2(RESOLVE_BENEATH)` where the kernel has it.
fn open_with_cap_std(dir: &Dir, path: &str, spec: &OpenSpec) -> io::Result<File> {
    use rustix::fs::OFlags;
    let mut opts = OpenOptions::new();
    opts.maybe_dir(true)
        .read(spec.opens_read())
        .write(spec.write)
        .sync(spec.sync)
        .dsync(spec.dsync)
        .rsync(spec.rsync)
        .nonblock(spec.nonblock)
        .follow(if spec.follow { FollowSymlinks::Yes } else { FollowSymlinks::No });
    // Passed to the kernel as they are (see the module's doc). cap-std adds
    // the access mode, and the creation mode 0o666 whenever O_CREAT is set.
    // (Directory opens, O_DIRECTORY, go to `open_dir_with_cap_std`.)
    let mut flags = OFlags::empty();
    flags.set(OFlags::CREATE, spec.create);
    flags.set(OFlags::EXCL, spec.create && spec.exclusive);
    flags.set(OFlags::TRUNC, spec.truncate);
    flags.set(OFlags::APPEND, spec.append);
    opts.custom_flags(flags.bits() as i32);
    let file = dir.open_with(path, &opts).map_err(|e| {
        // Linux answers EISDIR to O_CREAT on a name that must be a directory
        // (`name/`, a symlink to `dir/`), as openat2 does here. Without
        // openat2, cap-std carries that as O_DIRECTORY, which with O_CREAT the
        // kernel refuses with EINVAL (the flags are otherwise valid).
        let einval = e.raw_os_error() == Some(rustix::io::Errno::INVAL.raw_os_error());
        if spec.create && einval { rustix::io::Errno::ISDIR.into() } else { e }
    })?;
    // A directory reached with CREAT or TRUNC is EISDIR on Linux. Without
    // openat2, cap-std opens a name that must be a directory (a trailing `/`,
    // or a symlink to `dir/`) with O_PATH when it is not written, which drops
    // those flags and would succeed.
    if (spec.create || spec.truncate) && !spec.write && file.metadata()?.is_dir() {
        return Err(rustix::io::Errno::ISDIR.into());
    }
    Ok(file)
}

/// A directory open (`O_DIRECTORY`), by cap-std's own `open_dir`: cap-std
/// then knows a directory is required and has the kernel check the type in
/// the same open. Passing `O_DIRECTORY` to `open_with` as a custom flag hides
/// that from cap-std, whose component-by-component route (Linux without
/// openat2) then takes the ENOTDIR of a symlink opened with `O_NOFOLLOW` for
/// the answer instead of following it. A directory asked for writing is
/// EISDIR, as Linux answers `O_DIRECTORY|O_RDWR` on one (and ENOTDIR, from
/// `open_dir`, on anything else).
fn open_dir_with_cap_std(dir: &Dir, path: &str, spec: &OpenSpec) -> io::Result<Dir> {
    use cap_fs_ext::DirExt;
    let opened = if spec.follow { dir.open_dir(path)? } else { dir.open_dir_nofollow(path)? };
    if spec.write { Err(rustix::io::Errno::ISDIR.into()) } else { Ok(opened) }
}
