//! Sockets a guest may hold: listeners handed in by the host, and the
//! connections accepted from them.

/// A socket descriptor.
pub enum Socket {
    /// A listening TCP socket.
    TcpListener(std::net::TcpListener),
    /// A connected TCP stream.
    TcpStream(std::net::TcpStream),
    /// A listening Unix-domain socket.
    UnixListener(std::os::unix::net::UnixListener),
    /// A connected Unix-domain stream.
    UnixStream(std::os::unix::net::UnixStream),
}

impl rustix::fd::AsFd for Socket {
    fn as_fd(&self) -> rustix::fd::BorrowedFd<'_> {
        match self {
            Socket::TcpListener(s) => s.as_fd(),
            Socket::TcpStream(s) => s.as_fd(),
            Socket::UnixListener(s) => s.as_fd(),
            Socket::UnixStream(s) => s.as_fd(),
        }
    }
}
