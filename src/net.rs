//! Sockets a guest may hold: listeners handed in by the host, and the
//! connections accepted from them.
//!
//! A socket's host descriptor is non-blocking exactly when the guest asked for
//! NONBLOCK, so the kernel implements every blocking, non-blocking, PEEK and
//! WAITALL behaviour itself. Sockets start blocking, as a freshly created POSIX
//! socket does, whatever mode the embedder's object was in. Nothing here knows
//! preview1 errnos; `host/` translates.
//!
//! With a run deadline (`Limits::timeout`), a blocking socket waits with
//! `poll(2)` until it is ready or the deadline passes, then receives or sends
//! with `MSG_DONTWAIT`, so no call outlasts the deadline.

use std::io::{self, IoSlice};

use rustix::event::PollFlags;
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::net::{RecvFlags, SendFlags, SocketFlags};

use crate::limits::Deadline;

/// What kind of socket a descriptor holds.
pub enum SocketKind {
    /// A listening TCP socket.
    TcpListener(std::net::TcpListener),
    /// A connected TCP stream.
    TcpStream(std::net::TcpStream),
    /// A listening Unix-domain socket.
    UnixListener(std::os::unix::net::UnixListener),
    /// A connected Unix-domain stream.
    UnixStream(std::os::unix::net::UnixStream),
}

/// A socket descriptor.
pub struct Socket {
    kind: SocketKind,
    nonblocking: bool,
}

/// Which directions [`Socket::shutdown`] closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shutdown {
    Read,
    Write,
    Both,
}

impl Socket {
    /// Wraps `kind`, putting its host descriptor in blocking mode.
    pub fn new(kind: SocketKind) -> io::Result<Socket> {
        let mut socket = Socket { kind, nonblocking: true };
        socket.set_nonblocking(false)?;
        Ok(socket)
    }

    /// Whether reads, writes and accepts fail with `WouldBlock` instead of waiting.
    pub fn is_nonblocking(&self) -> bool {
        self.nonblocking
    }

    /// Switches between blocking and non-blocking mode (`FIONBIO` on the
    /// host descriptor).
    pub fn set_nonblocking(&mut self, nonblocking: bool) -> io::Result<()> {
        if nonblocking != self.nonblocking {
            rustix::io::ioctl_fionbio(self.as_fd(), nonblocking)?;
            self.nonblocking = nonblocking;
        }
        Ok(())
    }

    /// Accepts one connection, which is non-blocking if `nonblocking`. A
    /// connected (non-listening) socket fails as `accept(2)` does, with EINVAL.
    pub fn accept(&self, nonblocking: bool, deadline: Option<&Deadline>) -> io::Result<Socket> {
        self.wait(PollFlags::IN, deadline)?;
        let mut flags = SocketFlags::CLOEXEC;
        if nonblocking {
            flags |= SocketFlags::NONBLOCK;
        }
        let fd: OwnedFd = loop {
            match rustix::net::accept_with(self.as_fd(), flags) {
                Err(rustix::io::Errno::INTR) => continue,
                result => break result?,
            }
        };
        let kind = match self.kind {
            SocketKind::TcpListener(_) | SocketKind::TcpStream(_) => SocketKind::TcpStream(fd.into()),
            SocketKind::UnixListener(_) | SocketKind::UnixStream(_) => SocketKind::UnixStream(fd.into()),
        };
        Ok(Socket { kind, nonblocking })
    }

    /// Receives into `buf`; 0 means the peer shut down its side. `peek` leaves
    /// the data queued; `waitall` waits until `buf` is full (in blocking mode).
    pub fn recv(&self, buf: &mut [u8], peek: bool, waitall: bool, deadline: Option<&Deadline>) -> io::Result<usize> {
        let mut flags = RecvFlags::empty();
        if peek {
            flags |= RecvFlags::PEEK;
        }
        let deadline = deadline.filter(|_| !self.nonblocking);
        if deadline.is_none() {
            if waitall {
                flags |= RecvFlags::WAITALL;
            }
            return retry_eintr(|| Ok(rustix::net::recv(self.as_fd(), &mut *buf, flags)?.0));
        }
        // Waiting for the deadline: each receive takes what is there, WAITALL by repeating.
        let mut got = 0;
        loop {
            self.wait(PollFlags::IN, deadline)?;
            let rest = &mut buf[got..];
            match rustix::net::recv(self.as_fd(), rest, flags | RecvFlags::DONTWAIT) {
                Ok((0, _)) => return Ok(got),
                Ok((n, _)) => {
                    got += n;
                    if !waitall || peek || got == buf.len() {
                        return Ok(got);
                    }
                }
                Err(rustix::io::Errno::AGAIN | rustix::io::Errno::INTR) => {}
                Err(_) if got > 0 => return Ok(got),
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Sends the buffers in order, returning the bytes sent. A peer that has
    /// gone away is EPIPE, never a SIGPIPE that would kill the host. Before a
    /// deadline, only what the socket takes without waiting is sent.
    pub fn send(&self, bufs: &[IoSlice<'_>], deadline: Option<&Deadline>) -> io::Result<usize> {
        let mut control = Default::default();
        let deadline = deadline.filter(|_| !self.nonblocking);
        if deadline.is_none() {
            return retry_eintr(|| Ok(rustix::net::sendmsg(self.as_fd(), bufs, &mut control, SendFlags::NOSIGNAL)?));
        }
        loop {
            self.wait(PollFlags::OUT, deadline)?;
            match rustix::net::sendmsg(self.as_fd(), bufs, &mut control, SendFlags::NOSIGNAL | SendFlags::DONTWAIT) {
                Err(rustix::io::Errno::AGAIN | rustix::io::Errno::INTR) => {}
                result => return Ok(result?),
            }
        }
    }

    /// Waits until a blocking socket is ready for `events` or `deadline`
    /// passes ([`Deadline::error`] then); at once without a deadline, and for
    /// a non-blocking socket.
    fn wait(&self, events: PollFlags, deadline: Option<&Deadline>) -> io::Result<()> {
        match deadline {
            Some(deadline) if !self.nonblocking => deadline.wait(self.as_fd(), events),
            _ => Ok(()),
        }
    }

    /// Shuts down reading, writing or both.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        let how = match how {
            Shutdown::Read => rustix::net::Shutdown::Read,
            Shutdown::Write => rustix::net::Shutdown::Write,
            Shutdown::Both => rustix::net::Shutdown::Both,
        };
        Ok(rustix::net::shutdown(self.as_fd(), how)?)
    }
}

/// Repeats `op` while it is interrupted by a signal.
fn retry_eintr<T>(mut op: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    loop {
        match op() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            result => return result,
        }
    }
}

impl AsFd for Socket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match &self.kind {
            SocketKind::TcpListener(s) => s.as_fd(),
            SocketKind::TcpStream(s) => s.as_fd(),
            SocketKind::UnixListener(s) => s.as_fd(),
            SocketKind::UnixStream(s) => s.as_fd(),
        }
    }
}
