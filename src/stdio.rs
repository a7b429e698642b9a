//! Standard streams: inherited from the host process, a host descriptor the
//! embedder hands in (a connected socket, a pipe, a file), or backed by any
//! `Read` / `Write` the embedder hands in (in-memory pipes included).
//!
//! An inherited stream holds its own duplicate of the host's descriptor 0, 1
//! or 2, made when the context is built: whatever the embedder later does
//! with its own stdio (closing stdout and opening a log file, which then gets
//! descriptor 1), the guest keeps writing where stdout pointed then. A
//! descriptor the embedder hands in is owned by the stream from then on, and
//! is treated as an inherited one in everything below (an *fd stream*).
//!
//! Fd streams are written with one `write(2)`/`writev(2)` straight from guest
//! memory, never buffered in the host, so no output is lost when a guest traps
//! or exits.
//!
//! NONBLOCK on a stream is kept here, not set on the host descriptor: the
//! process's stdin and stdout share their open file description with the
//! parent (a shell, a terminal), which must not find them non-blocking. A
//! non-blocking read or write on an fd stream first asks `poll(2)` with
//! a zero timeout whether it would block, and fails with `WouldBlock` if so.
//! Embedder readers and writers never block, so NONBLOCK changes nothing there.
//!
//! With a run deadline (`Limits::timeout`), a blocking read or write on an
//! fd stream that is a pipe, socket or terminal first waits with `poll(2)` until the
//! stream is ready or the deadline passes, and a write then takes at most
//! `PIPE_BUF` bytes, which a pipe reported writable always takes without
//! waiting: no call outlasts the deadline waiting for a reader or writer that
//! never comes. Files and other devices never wait for one, and go straight on.

use std::io::{self, IoSlice, Read, Write};
use std::sync::{Arc, Mutex};

use rustix::event::{PollFd, PollFlags};
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};

use crate::limits::Deadline;

/// A guest's input stream and its NONBLOCK flag.
pub struct InputStream {
    source: InputSource,
    nonblocking: bool,
    /// Whether a read can wait for another process (see [`can_wait`]), once asked.
    can_wait: Option<bool>,
}

/// Where a guest's input stream reads from.
pub enum InputSource {
    /// A host descriptor: the process's stdin, duplicated, or one the embedder gave.
    Fd(OwnedFd),
    /// Any reader: a file, a pipe, an in-memory buffer. Always ready.
    Reader(Box<dyn Read + Send>),
    /// Always at end of file.
    Empty,
}

/// A guest's output stream and its NONBLOCK flag.
pub struct OutputStream {
    sink: OutputSink,
    nonblocking: bool,
    /// Whether a write can wait for another process (see [`can_wait`]), once asked.
    can_wait: Option<bool>,
}

/// Where a guest's output stream writes to.
pub enum OutputSink {
    /// A host descriptor: the process's stdout or stderr, duplicated, or one the embedder gave.
    Fd(OwnedFd),
    /// Any writer. Always ready.
    Writer(Box<dyn Write + Send>),
    /// Discards everything.
    Sink,
}

impl From<InputSource> for InputStream {
    fn from(source: InputSource) -> Self {
        InputStream { source, nonblocking: false, can_wait: None }
    }
}

impl From<OutputSink> for OutputStream {
    fn from(sink: OutputSink) -> Self {
        OutputStream { sink, nonblocking: false, can_wait: None }
    }
}

/// Whether a read or write of `fd` can wait for another process: a pipe, a
/// socket or a terminal (flow control) can; a file or another device
/// (`/dev/null`) cannot, and needs no `poll(2)` before it under a deadline.
fn can_wait(fd: BorrowedFd<'_>) -> bool {
    use rustix::fs::FileType;
    match rustix::fs::fstat(fd) {
        Ok(stat) => match FileType::from_raw_mode(stat.st_mode) {
            FileType::Fifo | FileType::Socket => true,
            FileType::CharacterDevice => rustix::termios::isatty(fd),
            _ => false,
        },
        Err(_) => true,
    }
}

/// Whether `fd` has `events` ready now (without waiting).
fn ready_now(fd: BorrowedFd<'_>, events: PollFlags) -> io::Result<bool> {
    let mut fds = [PollFd::from_borrowed_fd(fd, events)];
    let zero = rustix::time::Timespec { tv_sec: 0, tv_nsec: 0 };
    loop {
        match rustix::event::poll(&mut fds, Some(&zero)) {
            Ok(n) => return Ok(n > 0),
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Gets an inherited stream's `fd` ready for a read or write (`events`): a
/// non-blocking stream fails with `WouldBlock` unless `fd` is ready now; a
/// blocking one under a `deadline` waits until it is ready (or fails with
/// [`Deadline::error`]) if it can wait for another process (see [`can_wait`],
/// asked once and kept in `can_wait_kept`). Returns whether it waited.
#[inline(always)]
fn ready_for(
    fd: BorrowedFd<'_>,
    events: PollFlags,
    nonblocking: bool,
    can_wait_kept: &mut Option<bool>,
    deadline: Option<&Deadline>,
) -> io::Result<bool> {
    if nonblocking {
        return if ready_now(fd, events)? { Ok(false) } else { Err(io::ErrorKind::WouldBlock.into()) };
    }
    match deadline {
        Some(deadline) if *can_wait_kept.get_or_insert_with(|| can_wait(fd)) => {
            deadline.wait(fd, events)?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

impl InputStream {
    /// Reads into `buf`; 0 means end of file. A non-blocking inherited stream
    /// with nothing to read fails with `WouldBlock`; a blocking one waits at
    /// most until `deadline` ([`Deadline::error`] then).
    pub fn read(&mut self, buf: &mut [u8], deadline: Option<&Deadline>) -> io::Result<usize> {
        match &mut self.source {
            InputSource::Fd(fd) => {
                let fd = fd.as_fd();
                ready_for(fd, PollFlags::IN, self.nonblocking, &mut self.can_wait, deadline)?;
                Ok(rustix::io::read(fd, buf)?)
            }
            InputSource::Reader(reader) => reader.read(buf),
            InputSource::Empty => Ok(0),
        }
    }

    /// The host descriptor behind the stream, if it has one.
    pub fn host_fd(&self) -> Option<BorrowedFd<'_>> {
        match &self.source {
            InputSource::Fd(fd) => Some(fd.as_fd()),
            _ => None,
        }
    }

    /// Whether reads fail with `WouldBlock` instead of waiting.
    pub fn is_nonblocking(&self) -> bool {
        self.nonblocking
    }

    /// Sets or clears NONBLOCK. The host descriptor is not changed.
    pub fn set_nonblocking(&mut self, nonblocking: bool) {
        self.nonblocking = nonblocking;
    }
}

impl OutputStream {
    /// Writes the buffers in order, returning how many bytes were taken. A
    /// non-blocking inherited stream that cannot take a byte now fails with
    /// `WouldBlock`; a blocking one waits at most until `deadline`
    /// ([`Deadline::error`] then), and then takes at most `PIPE_BUF` bytes.
    pub fn write_vectored(&mut self, bufs: &[IoSlice<'_>], deadline: Option<&Deadline>) -> io::Result<usize> {
        match &mut self.sink {
            OutputSink::Fd(fd) => {
                let fd = fd.as_fd();
                if ready_for(fd, PollFlags::OUT, self.nonblocking, &mut self.can_wait, deadline)? {
                    return Ok(write_at_most(fd, bufs, PIPE_BUF)?);
                }
                Ok(write_fd(fd, bufs)?)
            }
            OutputSink::Writer(writer) => {
                // Embedder writers get every byte: a short write would make the
                // guest retry, which some writers handle poorly.
                let mut total = 0;
                for buf in bufs {
                    writer.write_all(buf)?;
                    total += buf.len();
                }
                writer.flush()?;
                Ok(total)
            }
            OutputSink::Sink => Ok(bufs.iter().map(|b| b.len()).sum()),
        }
    }

    /// The host descriptor behind the stream, if it has one.
    pub fn host_fd(&self) -> Option<BorrowedFd<'_>> {
        match &self.sink {
            OutputSink::Fd(fd) => Some(fd.as_fd()),
            _ => None,
        }
    }

    /// Whether writes fail with `WouldBlock` instead of waiting.
    pub fn is_nonblocking(&self) -> bool {
        self.nonblocking
    }

    /// Sets or clears NONBLOCK. The host descriptor is not changed.
    pub fn set_nonblocking(&mut self, nonblocking: bool) {
        self.nonblocking = nonblocking;
    }
}

/// An in-memory output pipe: clone it, hand one clone to the builder, and read
/// what the guest wrote from the other with [`MemoryOutputPipe::contents`].
///
/// ```
/// let pipe = capwasi::MemoryOutputPipe::new();
/// let mut builder = capwasi::WasiCtx::builder();
/// builder.stdout(pipe.clone());
/// assert!(pipe.contents().is_empty());
/// ```
#[derive(Clone, Default)]
pub struct MemoryOutputPipe {
    buffer: Arc<Mutex<Vec<u8>>>,
}

impl MemoryOutputPipe {
    /// An empty pipe.
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy of everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.buffer.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Write for MemoryOutputPipe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.buffer.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The bytes one `write(2)` to a pipe that `poll(2)` reported writable takes
/// without waiting (Linux's page-sized pipe buffers; POSIX's `PIPE_BUF`).
const PIPE_BUF: usize = 4096;

/// Writes `bufs` to `fd` as [`write_fd`] does, but at most `max` bytes: when
/// they hold more, the first `max` bytes of the first non-empty buffer (a short
/// write, which the guest repeats).
fn write_at_most(fd: BorrowedFd<'_>, bufs: &[IoSlice<'_>], max: usize) -> rustix::io::Result<usize> {
    if bufs.iter().map(|b| b.len()).sum::<usize>() <= max {
        return write_fd(fd, bufs);
    }
    let first = bufs.iter().find(|b| !b.is_empty()).expect("more than max bytes");
    rustix::io::write(fd, &first[..first.len().min(max)])
}

/// Writes `bufs` to `fd` with one system call: `write(2)` for one buffer
/// (cheaper for the kernel than a one-element `writev`), `writev(2)` for more.
pub(crate) fn write_fd(fd: BorrowedFd<'_>, bufs: &[IoSlice<'_>]) -> rustix::io::Result<usize> {
    match bufs {
        [one] => rustix::io::write(fd, one),
        _ => rustix::io::writev(fd, bufs),
    }
}

#[cfg(test)]
mod tests {
    use rustix::fd::AsFd;

    use super::*;

    #[test]
    fn only_pipes_sockets_and_terminals_can_wait() {
        let file = tempfile::tempfile().unwrap();
        assert!(!can_wait(file.as_fd()));
        let null = std::fs::File::open("/dev/null").unwrap();
        assert!(!can_wait(null.as_fd()));
        let (reader, writer) = std::io::pipe().unwrap();
        assert!(can_wait(reader.as_fd()) && can_wait(writer.as_fd()));
        let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
        assert!(can_wait(a.as_fd()));
    }
}
