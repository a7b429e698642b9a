//! The rights capwasi reports for each kind of descriptor.
//!
//! Preview1 rights are reported, not enforced: real guests open directories
//! with rights 0 and expect them to work. What is enforced is a file's
//! read/write mode and a preopen's read-only flag, and the rights reported here
//! reflect exactly that (a read-only preopen reports no mutating rights).

use crate::bindings::types::Rights;

/// Rights of a regular file open for reading and writing.
pub fn file_read_write() -> Rights {
    file_common() | Rights::FD_READ | file_write_only_bits()
}

/// Rights of a file open for reading only.
pub fn file_read_only() -> Rights {
    file_common() | Rights::FD_READ
}

/// Rights of a file open for writing only.
pub fn file_write_only() -> Rights {
    file_common() | file_write_only_bits()
}

fn file_common() -> Rights {
    Rights::FD_SEEK
        | Rights::FD_FDSTAT_SET_FLAGS
        | Rights::FD_SYNC
        | Rights::FD_TELL
        | Rights::FD_ADVISE
        | Rights::FD_FILESTAT_GET
        | Rights::POLL_FD_READWRITE
        | Rights::FD_DATASYNC
}

fn file_write_only_bits() -> Rights {
    Rights::FD_WRITE | Rights::FD_ALLOCATE | Rights::FD_FILESTAT_SET_SIZE | Rights::FD_FILESTAT_SET_TIMES
}

/// Rights of a directory that may be changed beneath.
pub fn dir_read_write() -> Rights {
    dir_read_only()
        | Rights::PATH_CREATE_DIRECTORY
        | Rights::PATH_CREATE_FILE
        | Rights::PATH_LINK_SOURCE
        | Rights::PATH_LINK_TARGET
        | Rights::PATH_RENAME_SOURCE
        | Rights::PATH_RENAME_TARGET
        | Rights::PATH_FILESTAT_SET_SIZE
        | Rights::PATH_FILESTAT_SET_TIMES
        | Rights::FD_FILESTAT_SET_TIMES
        | Rights::PATH_SYMLINK
        | Rights::PATH_REMOVE_DIRECTORY
        | Rights::PATH_UNLINK_FILE
}

/// Rights of a directory beneath a read-only preopen.
pub fn dir_read_only() -> Rights {
    Rights::FD_FDSTAT_SET_FLAGS
        | Rights::FD_SYNC
        | Rights::FD_DATASYNC
        | Rights::PATH_OPEN
        | Rights::FD_READDIR
        | Rights::PATH_READLINK
        | Rights::PATH_FILESTAT_GET
        | Rights::FD_FILESTAT_GET
}

/// What files and directories opened beneath a read-write directory may have.
pub fn dir_inheriting_read_write() -> Rights {
    dir_read_write() | file_read_write()
}

/// What files and directories opened beneath a read-only directory may have.
pub fn dir_inheriting_read_only() -> Rights {
    dir_read_only() | file_read_only()
}

/// Rights of a stdio stream or other character device.
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
