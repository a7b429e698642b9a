//! proc_exit, proc_raise, sched_yield.

use crate::I32Exit;
use crate::bindings::types::{Error, Exitcode, Signal};

/// Ends the instance with exit status `rval`. The embedder sees an
/// [`I32Exit`] error carrying the status unchanged; the CLI exits with it.
pub fn proc_exit(rval: Exitcode) -> wiggle::error::Error {
    wiggle::error::Error::new(I32Exit(rval as i32))
}

/// Raises signal `sig` in the guest process, which has no handlers, so each
/// signal takes its POSIX default action: `none` and the signals that are
/// ignored by default (CHLD, CONT, URG, WINCH) return success; the job-control
/// stops (STOP, TSTP, TTIN, TTOU) have nothing to stop and succeed too; every
/// other signal terminates the instance as a shell reports it, with exit status
/// 128 + the signal's number (SIGABRT: 134, as a trap).
pub fn proc_raise(sig: Signal) -> Result<(), Error> {
    use Signal as S;
    let number: i32 = match sig {
        S::None | S::Chld | S::Cont | S::Urg | S::Winch => return Ok(()),
        S::Stop | S::Tstp | S::Ttin | S::Ttou => return Ok(()),
        S::Hup => 1,
        S::Int => 2,
        S::Quit => 3,
        S::Ill => 4,
        S::Trap => 5,
        S::Abrt => 6,
        S::Bus => 7,
        S::Fpe => 8,
        S::Kill => 9,
        S::Usr1 => 10,
        S::Segv => 11,
        S::Usr2 => 12,
        S::Pipe => 13,
        S::Alrm => 14,
        S::Term => 15,
        S::Xcpu => 24,
        S::Xfsz => 25,
        S::Vtalrm => 26,
        S::Prof => 27,
        S::Poll => 29,
        S::Pwr => 30,
        S::Sys => 31,
    };
    Err(Error::trap(wiggle::error::Error::new(I32Exit(128 + number))))
}

/// Yields the host thread to the OS scheduler (`sched_yield(2)`). Never fails.
pub fn sched_yield() -> Result<(), Error> {
    rustix::thread::sched_yield();
    Ok(())
}
