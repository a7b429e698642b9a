//! The rights capwasi reports for each kind of descriptor.
//!
//! Preview1 rights are reported, not enforced: real guests open directories
//! with rights 0 and expect them to work. What is enforced is a file's
//! read/write mode (fixed at open: it writes only if FD_WRITE was asked) and a
//! preopen's read-only flag, and the rights reported here follow from exactly
//! that: a descriptor's access mode and type, never anything else. They cannot
//! be narrowed (fd_fdstat_set_rights is ENOTSUP), since nothing would enforce
//! the narrower set.
//!
//! A directory reports only what is honoured on it, and nothing a guest could
//! pass back to path_open as a request to write: a guest that re-opens a
//! directory with the rights fd_fdstat_get reported for it (as the public WASI
//! test suite's programs do) must get the directory, not EISDIR.

use crate::bindings::types::Rights;
use crate::fs::Access;

/// Rights of a file opened with `access`; `beneath_read_only` when it was
/// opened beneath a read-only preopen (its times cannot change then).
///
/// Reading rights need FD_READ access, writing rights (FD_WRITE, FD_ALLOCATE,
/// FD_FILESTAT_SET_SIZE) FD_WRITE access. Setting times works whatever the
/// access mode, as `futimens` does.
pub fn file(access: Access, beneath_read_only: bool) -> Rights {
    let mut rights = Rights::FD_SEEK
        | Rights::FD_FDSTAT_SET_FLAGS
        | Rights::FD_SYNC
        | Rights::FD_TELL
        | Rights::FD_ADVISE
        | Rights::FD_FILESTAT_GET
        | Rights::POLL_FD_READWRITE
        | Rights::FD_DATASYNC;
    if access.read {
        rights |= Rights::FD_READ;
    }
    if access.write {
        rights |= Rights::FD_WRITE | Rights::FD_ALLOCATE | Rights::FD_FILESTAT_SET_SIZE;
    }
    if !beneath_read_only {
        rights |= Rights::FD_FILESTAT_SET_TIMES;
    }
    rights
}

/// The base and inheriting rights of a directory, `read_only` when it is (or
/// is beneath) a read-only preopen.
pub fn dir(read_only: bool) -> (Rights, Rights) {
    if read_only {
        (dir_read_only(), dir_inheriting_read_only())
    } else {
        (dir_read_write(), dir_inheriting_read_write())
    }
}

/// Rights of a directory that may be changed beneath. No
/// PATH_FILESTAT_SET_SIZE: it names no call of its own, and a guest that holds
/// it may expect to drop it to forbid `O_TRUNC`, which capwasi cannot enforce.
fn dir_read_write() -> Rights {
    dir_read_only()
        | Rights::PATH_CREATE_DIRECTORY
        | Rights::PATH_CREATE_FILE
        | Rights::PATH_LINK_SOURCE
        | Rights::PATH_LINK_TARGET
        | Rights::PATH_RENAME_SOURCE
        | Rights::PATH_RENAME_TARGET
        | Rights::PATH_FILESTAT_SET_TIMES
        | Rights::FD_FILESTAT_SET_TIMES
        | Rights::PATH_SYMLINK
        | Rights::PATH_REMOVE_DIRECTORY
        | Rights::PATH_UNLINK_FILE
}

/// Rights of a directory beneath a read-only preopen. No FD_WRITE (reading a
/// directory's data is EISDIR, writing it EBADF) and none of the rights that
/// only make sense for file data (FD_DATASYNC, FD_ALLOCATE, FD_SEEK, ...);
/// fd_fdstat_set_flags is refused on directories, so no FD_FDSTAT_SET_FLAGS.
fn dir_read_only() -> Rights {
    Rights::FD_SYNC
        | Rights::PATH_OPEN
        | Rights::FD_READDIR
        | Rights::PATH_READLINK
        | Rights::PATH_FILESTAT_GET
        | Rights::FD_FILESTAT_GET
}

/// What files and directories opened beneath a read-write directory may have.
fn dir_inheriting_read_write() -> Rights {
    dir_read_write() | file(READ_WRITE, false)
}

const READ_WRITE: Access = Access { read: true, write: true };

/// The inheriting rights a read-only directory reports: its own (reduced)
/// rights for subdirectories, and the full file rights.
///
/// The file rights are deliberately not reduced: wasi-libc's `open` masks the
/// rights it requests with the directory's inheriting rights, so a reduced set
/// would turn `open(path, O_WRONLY)` into a request for nothing, which capwasi
/// could only open read-only and fail at the first write (EBADF). Reported in
/// full, the write intent reaches path_open, which refuses it with ENOTCAPABLE
/// ("Capabilities insufficient") before touching the file. Files opened beneath
/// a read-only directory report read-only rights.
fn dir_inheriting_read_only() -> Rights {
    dir_read_only() | file(READ_WRITE, false)
}

/// The rights of a character device (stdio or opened beneath a preopen), from
/// those of its descriptor kind: without FD_SEEK and FD_TELL when it is a
/// `terminal`, with both otherwise. wasi-libc's `isatty` reads exactly that (a
/// character device that cannot seek or tell is a terminal), so the guest's
/// `isatty` answers as the host's `isatty(3)`: no for `/dev/null`, `/dev/zero`
/// or `/dev/urandom`, which Linux lets seek. (A stdio stream still answers
/// ESPIPE to fd_seek: rights are reported, not enforced.)
pub fn character_device(rights: Rights, terminal: bool) -> Rights {
    let seek = Rights::FD_SEEK | Rights::FD_TELL;
    if terminal { rights - seek } else { rights | seek }
}

/// Rights of a stdio input stream.
pub fn stream_read() -> Rights {
    Rights::FD_READ | Rights::POLL_FD_READWRITE | Rights::FD_FDSTAT_SET_FLAGS | Rights::FD_FILESTAT_GET
}

/// Rights of an output stream.
pub fn stream_write() -> Rights {
    Rights::FD_WRITE | Rights::POLL_FD_READWRITE | Rights::FD_FDSTAT_SET_FLAGS | Rights::FD_FILESTAT_GET
}

/// Rights of a socket.
pub fn socket() -> Rights {
    Rights::FD_READ
        | Rights::FD_WRITE
        | Rights::POLL_FD_READWRITE
        | Rights::FD_FDSTAT_SET_FLAGS
        | Rights::FD_FILESTAT_GET
        | Rights::SOCK_SHUTDOWN
        | Rights::SOCK_ACCEPT
}
