//! Runs a child process as if its kernel had no `openat2`: a seccomp filter
//! answers ENOSYS to that one system call, as on Linux before 5.6 and under
//! container profiles that do not list it. cap-std then resolves every path
//! component by component (`cap_primitives::fs::manually`) instead of with
//! `openat2(RESOLVE_BENEATH)`, the route where GHSA-vqjp-4c8c-hfgg lived.
//! Shared by tests/advisories.rs and the differential fuzzer.

use std::os::unix::process::CommandExt;
use std::process::Command;

/// Makes `cmd`'s process see ENOSYS from `openat2`; everything else is allowed.
pub fn without_openat2(cmd: &mut Command) -> &mut Command {
    // SAFETY: the closure runs in the child between fork and exec and makes only
    // async-signal-safe system calls (prctl, seccomp) on data it owns.
    unsafe { cmd.pre_exec(install_filter) }
}

fn install_filter() -> std::io::Result<()> {
    use libc::{BPF_ABS, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W, sock_filter, sock_fprog};
    let stmt = |code: u32, k: u32| sock_filter { code: code as u16, jt: 0, jf: 0, k };
    let jump = |code: u32, k: u32, jt: u8, jf: u8| sock_filter { code: code as u16, jt, jf, k };
    // offsetof(struct seccomp_data, nr) == 0
    let program = [
        stmt(BPF_LD | BPF_W | BPF_ABS, 0),
        jump(BPF_JMP | BPF_JEQ | BPF_K, libc::SYS_openat2 as u32, 0, 1),
        stmt(BPF_RET | BPF_K, libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32),
        stmt(BPF_RET | BPF_K, libc::SECCOMP_RET_ALLOW),
    ];
    let fprog = sock_fprog { len: program.len() as u16, filter: program.as_ptr() as *mut sock_filter };
    // SAFETY: plain system calls; `fprog` points at `program`, alive for both calls.
    unsafe {
        if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
            || libc::syscall(libc::SYS_seccomp, libc::SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0
        {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}
