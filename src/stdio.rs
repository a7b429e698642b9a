//! Standard streams: inherited from the host process, or backed by any
//! `Read` / `Write` the embedder hands in (in-memory pipes included).
//!
//! Inherited streams are written with one `writev(2)` straight from guest
//! memory, never buffered in the host, so no output is lost when a guest traps
//! or exits.

use std::io::{self, IoSlice, Read, Write};
use std::sync::{Arc, Mutex};

use rustix::fd::BorrowedFd;

/// Where a guest's input stream reads from.
pub enum InputStream {
    /// The host process's own stdin.
    Inherit,
    /// Any reader: a file, a pipe, an in-memory buffer.
    Reader(Box<dyn Read + Send>),
    /// Always at end of file.
    Empty,
}

/// Where a guest's output stream writes to.
pub enum OutputStream {
    /// The host process's own stdout (1) or stderr (2).
    Inherit(i32),
    /// Any writer.
    Writer(Box<dyn Write + Send>),
    /// Discards everything.
    Sink,
}

impl InputStream {
    /// Reads into `buf`; 0 means end of file.
    pub fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            InputStream::Inherit => {
                // SAFETY: fd 0 is open for the life of the process, or reads fail with EBADF.
                let fd = unsafe { BorrowedFd::borrow_raw(0) };
                Ok(rustix::io::read(fd, buf)?)
            }
            InputStream::Reader(reader) => reader.read(buf),
            InputStream::Empty => Ok(0),
        }
    }

    /// The host descriptor behind the stream, if it is the process's stdin.
    pub fn host_fd(&self) -> Option<BorrowedFd<'static>> {
        match self {
            // SAFETY: as above.
            InputStream::Inherit => Some(unsafe { BorrowedFd::borrow_raw(0) }),
            _ => None,
        }
    }
}

impl OutputStream {
    /// Writes the buffers in order, returning how many bytes were taken.
    pub fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        match self {
            OutputStream::Inherit(raw) => {
                // SAFETY: fds 1 and 2 are open for the life of the process, or writes fail with EBADF.
                let fd = unsafe { BorrowedFd::borrow_raw(*raw) };
                Ok(rustix::io::writev(fd, bufs)?)
            }
            OutputStream::Writer(writer) => {
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
            OutputStream::Sink => Ok(bufs.iter().map(|b| b.len()).sum()),
        }
    }

    /// The host descriptor behind the stream, if it is the process's stdout or stderr.
    pub fn host_fd(&self) -> Option<BorrowedFd<'static>> {
        match self {
            // SAFETY: as above.
            OutputStream::Inherit(raw) => Some(unsafe { BorrowedFd::borrow_raw(*raw) }),
            _ => None,
        }
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
