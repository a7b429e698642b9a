//! The only place host errors become preview1 errnos.
//!
//! Host functions return [`Error`] (wiggle's trappable errno): either an
//! [`Errno`] the guest sees, or a trap that ends the instance. `std::io::Error`,
//! `rustix::io::Errno` and wiggle's `GuestError` all convert here, in one step.

use std::io;

pub use crate::bindings::types::{Errno, Error};

impl wiggle::GuestErrorType for Errno {
    fn success() -> Self {
        Errno::Success
    }
}

/// An I/O error is its errno, but for a host call that waited until the run's
/// timeout passed ([`crate::limits::TimedOut`]): that ends the run, a trap.
impl From<io::Error> for Error {
    fn from(err: io::Error) -> Error {
        if let Some(timed_out) = err.get_ref().and_then(|e| e.downcast_ref::<crate::limits::TimedOut>()) {
            return Error::trap(wasmtime::Error::new(*timed_out));
        }
        Error::from(errno_from_io(&err))
    }
}

impl From<rustix::io::Errno> for Error {
    fn from(err: rustix::io::Errno) -> Error {
        Error::from(errno_from_os(err))
    }
}

/// Bad guest pointers and values are the guest's mistake: an errno, never a
/// host crash. An out-of-bounds or overflowing pointer is EFAULT, invalid UTF-8
/// is EILSEQ, a misaligned pointer or an invalid flag or enum value is EINVAL.
impl From<wiggle::GuestError> for Error {
    fn from(err: wiggle::GuestError) -> Error {
        Error::from(errno_from_guest(&err))
    }
}

fn errno_from_guest(err: &wiggle::GuestError) -> Errno {
    use wiggle::GuestError as G;
    match err {
        G::InvalidFlagValue(_) | G::InvalidEnumValue(_) => Errno::Inval,
        G::PtrOverflow | G::PtrOutOfBounds(_) => Errno::Fault,
        G::PtrNotAligned(..) => Errno::Inval,
        G::SliceLengthsDiffer => Errno::Fault,
        G::InFunc { err, .. } => errno_from_guest(err),
        G::InvalidUtf8(_) => Errno::Ilseq,
        G::TryFromIntError(_) => Errno::Overflow,
    }
}

/// The errno for an argument wiggle's generated code could not decode. An
/// undefined enum value or flag bit, and an integer outside its type's range
/// (whence 0x10000, clock id -1), are all undefined values of the argument:
/// EINVAL, as Linux answers `lseek(fd, 0, 99)`. (A count that overflows in
/// the host, the other source of `TryFromIntError`, stays EOVERFLOW.)
pub fn errno_from_undecodable_argument(err: &wiggle::GuestError) -> Errno {
    use wiggle::GuestError as G;
    match err {
        G::InFunc { err, .. } => errno_from_undecodable_argument(err),
        G::TryFromIntError(_) => Errno::Inval,
        other => errno_from_guest(other),
    }
}

impl From<std::num::TryFromIntError> for Error {
    fn from(_: std::num::TryFromIntError) -> Error {
        Error::from(Errno::Overflow)
    }
}

/// Maps a host I/O error to an errno.
///
/// OS errors go through [`errno_from_os`]. cap-std reports a path that would
/// leave its directory as `PermissionDenied` without an OS code: that is the
/// sandbox refusing, so it becomes ENOTCAPABLE, while a real EACCES from the OS
/// keeps its code and stays EACCES.
pub fn errno_from_io(err: &io::Error) -> Errno {
    if let Some(code) = err.raw_os_error() {
        return errno_from_os(rustix::io::Errno::from_raw_os_error(code));
    }
    match err.kind() {
        io::ErrorKind::PermissionDenied => Errno::Notcapable,
        io::ErrorKind::NotFound => Errno::Noent,
        io::ErrorKind::AlreadyExists => Errno::Exist,
        io::ErrorKind::InvalidInput => Errno::Inval,
        io::ErrorKind::InvalidData => Errno::Ilseq,
        io::ErrorKind::WouldBlock => Errno::Again,
        io::ErrorKind::Interrupted => Errno::Intr,
        io::ErrorKind::BrokenPipe => Errno::Pipe,
        io::ErrorKind::Unsupported => Errno::Notsup,
        io::ErrorKind::OutOfMemory => Errno::Nomem,
        io::ErrorKind::WriteZero | io::ErrorKind::UnexpectedEof => Errno::Io,
        io::ErrorKind::TimedOut => Errno::Timedout,
        io::ErrorKind::ConnectionRefused => Errno::Connrefused,
        io::ErrorKind::ConnectionReset => Errno::Connreset,
        io::ErrorKind::ConnectionAborted => Errno::Connaborted,
        io::ErrorKind::NotConnected => Errno::Notconn,
        io::ErrorKind::AddrInUse => Errno::Addrinuse,
        io::ErrorKind::AddrNotAvailable => Errno::Addrnotavail,
        _ => Errno::Io,
    }
}

/// Maps an OS errno to its preview1 errno. The preview1 set is POSIX's, so
/// each code has its namesake; the few Linux-only codes map to their nearest
/// POSIX meaning (EOPNOTSUPP and ENOTSUP are one value on Linux; EWOULDBLOCK is
/// EAGAIN).
pub fn errno_from_os(err: rustix::io::Errno) -> Errno {
    use rustix::io::Errno as E;
    match err {
        E::TOOBIG => Errno::TooBig,
        E::ACCESS => Errno::Acces,
        E::ADDRINUSE => Errno::Addrinuse,
        E::ADDRNOTAVAIL => Errno::Addrnotavail,
        E::AFNOSUPPORT => Errno::Afnosupport,
        E::AGAIN => Errno::Again,
        E::ALREADY => Errno::Already,
        E::BADF => Errno::Badf,
        E::BADMSG => Errno::Badmsg,
        E::BUSY => Errno::Busy,
        E::CANCELED => Errno::Canceled,
        E::CHILD => Errno::Child,
        E::CONNABORTED => Errno::Connaborted,
        E::CONNREFUSED => Errno::Connrefused,
        E::CONNRESET => Errno::Connreset,
        E::DEADLK => Errno::Deadlk,
        E::DESTADDRREQ => Errno::Destaddrreq,
        E::DOM => Errno::Dom,
        E::DQUOT => Errno::Dquot,
        E::EXIST => Errno::Exist,
        E::FAULT => Errno::Fault,
        E::FBIG => Errno::Fbig,
        E::HOSTUNREACH => Errno::Hostunreach,
        E::IDRM => Errno::Idrm,
        E::ILSEQ => Errno::Ilseq,
        E::INPROGRESS => Errno::Inprogress,
        E::INTR => Errno::Intr,
        E::INVAL => Errno::Inval,
        E::IO => Errno::Io,
        E::ISCONN => Errno::Isconn,
        E::ISDIR => Errno::Isdir,
        E::LOOP => Errno::Loop,
        E::MFILE => Errno::Mfile,
        E::MLINK => Errno::Mlink,
        E::MSGSIZE => Errno::Msgsize,
        E::MULTIHOP => Errno::Multihop,
        E::NAMETOOLONG => Errno::Nametoolong,
        E::NETDOWN => Errno::Netdown,
        E::NETRESET => Errno::Netreset,
        E::NETUNREACH => Errno::Netunreach,
        E::NFILE => Errno::Nfile,
        E::NOBUFS => Errno::Nobufs,
        E::NODEV => Errno::Nodev,
        E::NOENT => Errno::Noent,
        E::NOEXEC => Errno::Noexec,
        E::NOLCK => Errno::Nolck,
        E::NOLINK => Errno::Nolink,
        E::NOMEM => Errno::Nomem,
        E::NOMSG => Errno::Nomsg,
        E::NOPROTOOPT => Errno::Noprotoopt,
        E::NOSPC => Errno::Nospc,
        E::NOSYS => Errno::Nosys,
        E::NOTCONN => Errno::Notconn,
        E::NOTDIR => Errno::Notdir,
        E::NOTEMPTY => Errno::Notempty,
        E::NOTRECOVERABLE => Errno::Notrecoverable,
        E::NOTSOCK => Errno::Notsock,
        E::NOTSUP => Errno::Notsup,
        E::NOTTY => Errno::Notty,
        E::NXIO => Errno::Nxio,
        E::OVERFLOW => Errno::Overflow,
        E::OWNERDEAD => Errno::Ownerdead,
        E::PERM => Errno::Perm,
        E::PIPE => Errno::Pipe,
        E::PROTO => Errno::Proto,
        E::PROTONOSUPPORT => Errno::Protonosupport,
        E::PROTOTYPE => Errno::Prototype,
        E::RANGE => Errno::Range,
        E::ROFS => Errno::Rofs,
        E::SPIPE => Errno::Spipe,
        E::SRCH => Errno::Srch,
        E::STALE => Errno::Stale,
        E::TIMEDOUT => Errno::Timedout,
        E::TXTBSY => Errno::Txtbsy,
        E::XDEV => Errno::Xdev,
        // Linux-only codes with a POSIX equivalent.
        E::NOTBLK | E::NODATA => Errno::Io,
        E::NOTUNIQ => Errno::Inval,
        _ => Errno::Io,
    }
}
