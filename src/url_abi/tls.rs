//! `https://` for Dagger and CommonWA: the raw HTTP/1.1 exchange of `http://`,
//! over TLS (rustls, with ring's cryptography) on the same blocking TCP
//! connection.
//!
//! The server is named by the URL's host: it is sent as SNI (not for an IP
//! address, which TLS does not send) and the certificate must be valid for
//! it (a DNS name, or an IP address SAN for an IP host). The handshake is
//! finished when the URL is opened, so a certificate that is not trusted,
//! has expired or names another host, and any other TLS failure, fail the
//! open exactly as a refused connection does for `http://` (Dagger -2,
//! CommonWA -1); no byte of the server's reaches the guest.
//!
//! **Trust store: the system's** (`rustls-native-certs`): the roots in
//! `/etc/ssl/certs` that Debian's `ca-certificates` keeps, or the file in
//! `SSL_CERT_FILE` / the directory in `SSL_CERT_DIR` when either is set (as
//! OpenSSL and curl read them). The administrator's store, updated with the
//! system and holding any private CA the site added, is what a service on
//! the machine is expected to trust; a list compiled into capwasi
//! (webpki-roots) would go stale with the binary and ignore the site's own
//! CAs. The store is read once per process, at the first `https://` open;
//! a machine without one trusts no server, and every `https://` open fails.
//!
//! Reads and writes go through rustls's buffers, which hold at most 64 KiB
//! of plaintext waiting to be sent and one TLS record received: a guest's
//! large write is taken in part (a short count), never copied whole. With a
//! run timeout, every wait for the socket ends at the deadline, as for the
//! other sockets ([`crate::net`]). A server that closes the connection
//! without TLS's close_notify reads as end of file, as HTTP/1.1 clients
//! take it (the response's own framing, `Content-Length` or chunked, tells
//! a cut response).

use std::io::{self, IoSlice, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, OnceLock};

use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

use crate::limits::{Deadline, TimedOut};
use crate::net::{Socket, SocketKind};

/// A TLS connection to an `https://` URL's server, handshake done.
pub(crate) struct TlsStream(StreamOwned<ClientConnection, Wire>);

/// The TCP connection beneath TLS: a blocking socket whose waits end at the
/// run's deadline.
struct Wire {
    socket: Socket,
    deadline: Option<Deadline>,
}

impl Read for Wire {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.socket.recv(buf, false, false, self.deadline.as_ref())
    }
}

impl Write for Wire {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.socket.send(&[IoSlice::new(buf)], self.deadline.as_ref())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Makes `stream`, connected to `host`, a TLS connection and finishes the
/// handshake: the server's certificate checked against the system's roots
/// for `host` (a name or an IP address, IPv6 without brackets). A TLS
/// failure is `ConnectionAborted`; the run's deadline stays its own error.
pub(crate) fn connect(host: &str, stream: TcpStream, deadline: Option<&Deadline>) -> io::Result<TlsStream> {
    let name = ServerName::try_from(host.to_string())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, format!("{host:?} is not a server name")))?;
    let conn = ClientConnection::new(config()?, name).map_err(|e| failed(host, io::Error::other(e)))?;
    let deadline = deadline.map(|d| Deadline { at: d.at, limit: d.limit });
    let wire = Wire { socket: Socket::new(SocketKind::TcpStream(stream))?, deadline };
    let mut tls = StreamOwned::new(conn, wire);
    while tls.conn.is_handshaking() {
        tls.conn.complete_io(&mut tls.sock).map_err(|e| failed(host, e))?;
    }
    Ok(TlsStream(tls))
}

/// A failed handshake as a failed connection; the deadline's error as itself.
fn failed(host: &str, err: io::Error) -> io::Error {
    if err.get_ref().is_some_and(|inner| inner.is::<TimedOut>()) {
        return err;
    }
    io::Error::new(io::ErrorKind::ConnectionAborted, format!("TLS with {host} failed: {err}"))
}

/// The client configuration: ring's cipher suites, TLS 1.2 and 1.3, the
/// system's roots (read on first use; an error only if rustls refuses the
/// configuration).
fn config() -> io::Result<Arc<ClientConfig>> {
    static CONFIG: OnceLock<Result<Arc<ClientConfig>, String>> = OnceLock::new();
    let config = CONFIG.get_or_init(|| {
        let mut roots = RootCertStore::empty();
        // Certificates that cannot be read or parsed are left out; the rest still count.
        roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
        // rustls deprecates ring's provider for its lack of post-quantum key
        // exchange; aws-lc-rs, which has it, needs cmake and a C toolchain of its own.
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map(|builder| Arc::new(builder.with_root_certificates(roots).with_no_client_auth()))
            .map_err(|e| e.to_string())
    });
    config.clone().map_err(io::Error::other)
}

impl TlsStream {
    /// Reads decrypted bytes into `buf`: 0 at the end of the response (and
    /// for an empty `buf`, without waiting).
    pub(crate) fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        match self.0.read(buf) {
            // The server closed without close_notify (see the module documentation).
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(0),
            result => result,
        }
    }

    /// Takes up to rustls's buffer of `buf` and sends what it can: the count
    /// taken. A send that fails is reported by the next call (or flush).
    pub(crate) fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        self.0.write(buf)
    }

    /// Sends everything written.
    pub(crate) fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl Drop for TlsStream {
    /// Tells the server the connection ends (close_notify), if the socket
    /// takes it without waiting; then the socket closes.
    fn drop(&mut self) {
        self.0.conn.send_close_notify();
        if self.0.sock.socket.set_nonblocking(true).is_ok() {
            let _ = self.0.conn.write_tls(&mut self.0.sock);
        }
    }
}
