//! poll_oneoff: wait for clocks and descriptors.
//!
//! Every subscription is classified first: a clock becomes a deadline on the
//! host's monotonic clock; a descriptor backed by a host object that can block
//! (the process's stdio, a socket, a FIFO or character device) becomes a
//! `poll(2)` entry; everything else
//! (regular files, in-memory streams, bad descriptors) is ready at once. Then
//! capwasi waits at most once: one `ppoll(2)` over the host descriptors with
//! the earliest deadline as its timeout (zero if something is already ready),
//! or, with no host descriptors, one `clock_nanosleep(TIMER_ABSTIME)` to the
//! earliest deadline. A zero-timeout clock with nothing else makes no system
//! call at all.
//!
//! Events are reported in subscription order: every descriptor that is ready,
//! every clock whose deadline has passed, and every subscription's own error.
//!
//! With a run timeout (`Limits::timeout`), no wait outlasts it: a call still
//! waiting with nothing ready when it passes ends the run.

use rustix::event::{PollFd, PollFlags};
use rustix::fd::{AsFd, BorrowedFd};
use rustix::time::{ClockId, Timespec};
use wiggle::{GuestMemory, GuestPtr};

use crate::bindings::types::*;
use crate::ctx::WasiCtx;
use crate::error::errno_from_os;
use crate::fs::waiting;
use crate::table::Descriptor;

/// The size and alignment of `event` in guest memory.
const EVENT_SIZE: u32 = 32;
const EVENT_ALIGN: u32 = 8;
/// The size of `subscription` in guest memory.
const SUBSCRIPTION_SIZE: u32 = 48;

/// The most subscriptions one poll_oneoff takes (EINVAL beyond, as Linux's
/// `poll(2)` refuses more descriptors than the process may open): every one of
/// 32k descriptors polled for reading and writing. It bounds the host memory
/// one call uses to about 9 MiB (some 140 bytes a subscription).
pub const MAX_SUBSCRIPTIONS: u32 = 65536;

/// Waits until at least one of the `nsubscriptions` subscriptions at `in_`
/// is ready, writes one event per ready subscription to `out`, and returns
/// how many it wrote.
///
/// A clock subscription fires when its timeout (relative, or absolute with
/// `SUBSCRIPTION_CLOCK_ABSTIME`) on the `realtime` or `monotonic` clock has
/// passed; `precision` is ignored. An fd_read / fd_write subscription fires
/// when a read / write would not block: regular files, directories and
/// in-memory streams always (as Linux `poll` reports files and directories),
/// with `nbytes` the bytes left before end of file for a file being read
/// (0 for a directory); pipes, FIFOs, terminals and other character devices,
/// and sockets when the host says so,
/// with `nbytes` the bytes queued for reading (0 when unknown, and for
/// writes) and `FD_READWRITE_HANGUP` when the other end is gone.
///
/// Per-subscription errors are events, not a failed call: EBADF: the
/// descriptor is not open, or is a stdio stream of the other direction;
/// ENOTSUP: a CPU-time clock.
///
/// The call fails with EINVAL: `nsubscriptions` is 0 or above
/// [`MAX_SUBSCRIPTIONS`], `out` is misaligned, or a subscription holds an
/// invalid tag or clock; EFAULT: `in_` or `out` is out of bounds (checked
/// before anything is read, written or waited for).
///
/// ```text
/// subscription (48 bytes)                event (32 bytes)
///  0 userdata u64                         0 userdata u64
///  8 tag u8 (0 clock, 1 read, 2 write)    8 error u16
/// 16 clock: id u32, timeout u64 @24,     10 type u8
///    precision u64 @32, flags u16 @40    16 nbytes u64
/// 16 fd: file_descriptor u32             24 flags u16 (1: hangup)
/// ```
pub fn poll_oneoff(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    in_: GuestPtr<Subscription>,
    out: GuestPtr<Event>,
    nsubscriptions: Size,
) -> Result<Size, Error> {
    let subs = (in_.offset(), SUBSCRIPTION_SIZE);
    poll_subscriptions(ctx, mem, subs, out, nsubscriptions, |mem, i| Ok(mem.read(in_.add(i)?)?))
}

/// poll_oneoff over subscriptions of another ABI's layout (snapshot 0's are 56
/// bytes): `in_` is their offset and size in guest memory, and `read` decodes
/// the `i`th into preview1's `Subscription`. The checks, the wait and the
/// events are [`poll_oneoff`]'s; the subscriptions' bounds are checked before
/// `read` is called.
pub(crate) fn poll_subscriptions(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    (in_, subscription_size): (u32, u32),
    out: GuestPtr<Event>,
    nsubscriptions: Size,
    read: impl Fn(&GuestMemory<'_>, u32) -> Result<Subscription, Error>,
) -> Result<Size, Error> {
    if nsubscriptions == 0 || nsubscriptions > MAX_SUBSCRIPTIONS {
        return Err(Errno::Inval.into());
    }
    if !out.offset().is_multiple_of(EVENT_ALIGN) {
        return Err(Errno::Inval.into());
    }
    mem.as_slice(GuestPtr::new((out.offset(), nsubscriptions * EVENT_SIZE)))?;
    mem.as_slice(GuestPtr::new((in_, nsubscriptions * subscription_size)))?;
    let mut subs = Vec::with_capacity(nsubscriptions as usize);
    for i in 0..nsubscriptions {
        subs.push(read(mem, i)?);
    }

    let events = wait(ctx, &subs)?;

    let count = u32::try_from(events.len())?;
    for (i, event) in (0..count).zip(events) {
        mem.write(out.add(i)?, event)?;
    }
    Ok(count)
}

/// What a subscription waits for, once classified.
enum Wait<'a> {
    /// Already decided: this event is reported whatever else happens.
    Now(Event),
    /// A clock: fires at this host monotonic time, in nanoseconds.
    Deadline(u64),
    /// A host descriptor, at this index of the poll set.
    Host(usize, BorrowedFd<'a>),
}

/// Classifies the subscriptions, waits once, and collects the events.
fn wait(ctx: &WasiCtx, subs: &[Subscription]) -> Result<Vec<Event>, Error> {
    let start = host_now();
    let mut waits = Vec::with_capacity(subs.len());
    let mut pollfds: Vec<PollFd<'_>> = Vec::new();
    for sub in subs {
        let wait = match &sub.u {
            SubscriptionU::Clock(clock) => match deadline(ctx, clock, start) {
                Ok(at) => Wait::Deadline(at),
                Err(errno) => Wait::Now(error_event(sub, errno)),
            },
            SubscriptionU::FdRead(fd) => classify(ctx, sub, fd.file_descriptor, true),
            SubscriptionU::FdWrite(fd) => classify(ctx, sub, fd.file_descriptor, false),
        };
        let wait = match wait {
            Wait::Host(_, fd) => {
                let flags = match sub.u {
                    SubscriptionU::FdRead(_) => PollFlags::IN,
                    _ => PollFlags::OUT,
                };
                pollfds.push(PollFd::from_borrowed_fd(fd, flags));
                Wait::Host(pollfds.len() - 1, fd)
            }
            other => other,
        };
        waits.push(wait);
    }

    let ready_now = waits.iter().any(|w| matches!(w, Wait::Now(_)));
    let earliest = waits
        .iter()
        .filter_map(|w| match w {
            Wait::Deadline(at) => Some(*at),
            _ => None,
        })
        .min();

    // The run's own deadline bounds every wait; reaching it with nothing ready ends the run.
    let run_deadline = ctx.deadline.map(|d| (start.saturating_add(d.remaining().as_nanos() as u64), d));
    let wake = match (earliest, run_deadline) {
        (Some(at), Some((end, _))) => Some(at.min(end)),
        (at, end) => at.or(end.map(|(end, _)| end)),
    };

    loop {
        let now = host_now();
        let due = ready_now || earliest.is_some_and(|at| at <= now);
        if pollfds.is_empty() {
            if !due && let Some(at) = wake {
                sleep_until(at);
            }
        } else {
            let timeout = if due { Some(0) } else { wake.map(|at| at.saturating_sub(now)) };
            let timeout =
                timeout.map(|ns| Timespec { tv_sec: (ns / 1_000_000_000) as i64, tv_nsec: (ns % 1_000_000_000) as _ });
            match rustix::event::poll(&mut pollfds, timeout.as_ref()) {
                Ok(_) | Err(rustix::io::Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let now = host_now();
        let mut events = Vec::new();
        for (sub, wait) in subs.iter().zip(&waits) {
            match wait {
                Wait::Now(event) => events.push(event.clone()),
                Wait::Deadline(at) if *at <= now => events.push(clock_event(sub)),
                Wait::Deadline(_) => {}
                Wait::Host(index, fd) => {
                    let revents = pollfds[*index].revents();
                    if !revents.is_empty() {
                        events.push(host_event(sub, *fd, revents));
                    }
                }
            }
        }
        if !events.is_empty() {
            return Ok(events);
        }
        if let Some((end, deadline)) = run_deadline
            && host_now() >= end
        {
            return Err(deadline.error().into());
        }
        // Interrupted by a signal, or woken early: wait for what is left.
    }
}

/// The host monotonic time in nanoseconds.
fn host_now() -> u64 {
    crate::clocks::MonotonicClock::now(&crate::clocks::HostClock)
}

/// Sleeps until host monotonic time `at`, or until a signal interrupts.
fn sleep_until(at: u64) {
    let ts = Timespec { tv_sec: (at / 1_000_000_000) as i64, tv_nsec: (at % 1_000_000_000) as _ };
    // EINTR only: the caller checks the time and sleeps again if need be.
    let _ = rustix::thread::clock_nanosleep_absolute(ClockId::Monotonic, &ts);
}

/// When a clock subscription fires, as a host monotonic time. The guest's
/// clocks may be the embedder's; the remaining time is measured on them and
/// then waited for on the host's monotonic clock.
fn deadline(ctx: &WasiCtx, clock: &SubscriptionClock, start: u64) -> Result<u64, Errno> {
    let absolute = clock.flags.contains(Subclockflags::SUBSCRIPTION_CLOCK_ABSTIME);
    let remaining = match (clock.id, absolute) {
        (Clockid::Realtime | Clockid::Monotonic, false) => clock.timeout,
        (Clockid::Monotonic, true) => clock.timeout.saturating_sub(ctx.monotonic_clock.now()),
        (Clockid::Realtime, true) => {
            let now = u64::try_from(ctx.wall_clock.now().as_nanos()).unwrap_or(u64::MAX);
            clock.timeout.saturating_sub(now)
        }
        (Clockid::ProcessCputimeId | Clockid::ThreadCputimeId, _) => return Err(Errno::Notsup),
    };
    Ok(start.saturating_add(remaining))
}

/// Classifies an fd_read (`read`) or fd_write subscription on `fd`.
fn classify<'a>(ctx: &'a WasiCtx, sub: &Subscription, fd: Fd, read: bool) -> Wait<'a> {
    let desc = match ctx.table.get(fd.into()) {
        Ok(desc) => desc,
        Err(_) => return Wait::Now(error_event(sub, Errno::Badf)),
    };
    let host = match desc {
        // A FIFO or character device is ready when the host says so.
        Descriptor::File(file) if file.waits || waiting::can_wait(&file.file) => Some(file.file.as_fd()),
        Descriptor::File(file) => {
            let nbytes = if read { file.bytes_left() } else { 0 };
            return Wait::Now(ready_event(sub, nbytes, Eventrwflags::empty()));
        }
        Descriptor::Dir(_) => return Wait::Now(ready_event(sub, 0, Eventrwflags::empty())),
        Descriptor::Input(stream) if read => stream.host_fd(),
        Descriptor::Output(stream) if !read => stream.host_fd(),
        Descriptor::Socket(socket) => Some(socket.as_fd()),
        Descriptor::Input(_) | Descriptor::Output(_) => {
            return Wait::Now(error_event(sub, Errno::Badf));
        }
    };
    match host {
        Some(fd) => Wait::Host(0, fd),
        // An embedder's reader or writer never blocks.
        None => Wait::Now(ready_event(sub, 0, Eventrwflags::empty())),
    }
}

/// The event for a host descriptor the kernel reported `revents` on.
fn host_event(sub: &Subscription, fd: BorrowedFd<'_>, revents: PollFlags) -> Event {
    if revents.contains(PollFlags::NVAL) {
        return error_event(sub, errno_from_os(rustix::io::Errno::BADF));
    }
    let mut flags = Eventrwflags::empty();
    if revents.contains(PollFlags::HUP) {
        flags |= Eventrwflags::FD_READWRITE_HANGUP;
    }
    let nbytes = match sub.u {
        SubscriptionU::FdRead(_) => rustix::io::ioctl_fionread(fd).unwrap_or(0),
        _ => 0,
    };
    ready_event(sub, nbytes, flags)
}

fn event_type(sub: &Subscription) -> Eventtype {
    match sub.u {
        SubscriptionU::Clock(_) => Eventtype::Clock,
        SubscriptionU::FdRead(_) => Eventtype::FdRead,
        SubscriptionU::FdWrite(_) => Eventtype::FdWrite,
    }
}

fn clock_event(sub: &Subscription) -> Event {
    ready_event(sub, 0, Eventrwflags::empty())
}

fn ready_event(sub: &Subscription, nbytes: u64, flags: Eventrwflags) -> Event {
    Event {
        userdata: sub.userdata,
        error: Errno::Success,
        type_: event_type(sub),
        fd_readwrite: EventFdReadwrite { nbytes, flags },
    }
}

fn error_event(sub: &Subscription, error: Errno) -> Event {
    Event {
        userdata: sub.userdata,
        error,
        type_: event_type(sub),
        fd_readwrite: EventFdReadwrite { nbytes: 0, flags: Eventrwflags::empty() },
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Seek, SeekFrom, Write};

    use super::*;
    use crate::fs::{Access, OpenFile};

    /// Writes `subs` at offset 0 of a fresh memory, polls with events at
    /// 1024, and returns the events read back.
    fn poll(ctx: &mut WasiCtx, subs: &[Subscription]) -> Result<Vec<Event>, Error> {
        let mut bytes = vec![0u8; 4096];
        let mut mem = GuestMemory::Unshared(&mut bytes);
        let in_: GuestPtr<Subscription> = GuestPtr::new(0);
        for (i, sub) in subs.iter().enumerate() {
            mem.write(in_.add(i as u32).unwrap(), sub.clone()).unwrap();
        }
        let out: GuestPtr<Event> = GuestPtr::new(1024);
        let n = poll_oneoff(ctx, &mut mem, in_, out, subs.len() as u32)?;
        Ok((0..n).map(|i| mem.read(out.add(i).unwrap()).unwrap()).collect())
    }

    fn fd_sub(userdata: u64, fd: u32, read: bool) -> Subscription {
        let rw = SubscriptionFdReadwrite { file_descriptor: Fd::from(fd) };
        Subscription { userdata, u: if read { SubscriptionU::FdRead(rw) } else { SubscriptionU::FdWrite(rw) } }
    }

    #[test]
    fn regular_files_are_ready_with_the_bytes_left_to_read() {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(b"0123456789").unwrap();
        file.seek(SeekFrom::Start(3)).unwrap();
        let mut ctx = WasiCtx::builder().build().unwrap();
        let fd = ctx
            .table
            .push(Descriptor::File(OpenFile {
                file: cap_std::fs::File::from_std(file),
                access: Access { read: true, write: true },
                read_only: false,
                flags: Fdflags::empty(),
                waits: false,
            }))
            .unwrap();
        let events = poll(&mut ctx, &[fd_sub(7, fd, true), fd_sub(8, fd, false)]).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!((events[0].userdata, events[0].error, events[0].fd_readwrite.nbytes), (7, Errno::Success, 7));
        assert_eq!(events[0].type_, Eventtype::FdRead);
        assert_eq!((events[1].userdata, events[1].error, events[1].type_), (8, Errno::Success, Eventtype::FdWrite));
    }

    #[test]
    fn in_memory_streams_are_always_ready() {
        let mut builder = WasiCtx::builder();
        builder.stdin(std::io::empty()).stdout(std::io::sink());
        let mut ctx = builder.build().unwrap();
        let events = poll(&mut ctx, &[fd_sub(1, 0, true), fd_sub(2, 1, false), fd_sub(3, 2, false)]).unwrap();
        let got: Vec<_> = events.iter().map(|e| (e.userdata, e.error)).collect();
        assert_eq!(got, [(1, Errno::Success), (2, Errno::Success), (3, Errno::Success)]);
    }

    #[test]
    fn zero_subscriptions_is_einval_and_misaligned_events_are_einval() {
        let mut ctx = WasiCtx::builder().build().unwrap();
        let mut bytes = vec![0u8; 4096];
        let mut mem = GuestMemory::Unshared(&mut bytes);
        let err = poll_oneoff(&mut ctx, &mut mem, GuestPtr::new(0), GuestPtr::new(1024), 0).unwrap_err();
        assert_eq!(err.downcast().unwrap(), Errno::Inval);
        let err = poll_oneoff(&mut ctx, &mut mem, GuestPtr::new(0), GuestPtr::new(1028), 1).unwrap_err();
        assert_eq!(err.downcast().unwrap(), Errno::Inval);
    }
}
