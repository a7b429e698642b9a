//! The shim's serving process can never start a program.
//!
//! runwasi's `containerd-shim-wasm` runs a container whose first argument is
//! an executable ELF file or script natively (youki's default executor), a
//! decision it takes before the shim's own sandbox is asked. For a capwasi
//! node that would be foreign native code from an image, so the serving
//! process (and every container process it clones) runs under a seccomp
//! filter that answers `execve` and `execveat` with EPERM: such a container
//! fails to start and nothing of it runs. Nothing the shim itself does needs
//! to exec once it serves (it reaches containerd over ttrpc, mounts with
//! mount(2) and runs guests in-process).
//!
//! The `start` and `delete` invocations containerd makes are left alone:
//! `start` must exec the serving process.

use std::io;

// seccomp_data's layout (linux/seccomp.h): nr at 0, arch at 4.
const NR_OFFSET: u32 = 0;
const ARCH_OFFSET: u32 = 4;
const SECCOMP_RET_ALLOW: u32 = 0x7fff_0000;
const SECCOMP_RET_ERRNO: u32 = 0x0005_0000;
#[cfg(target_arch = "x86_64")]
const AUDIT_ARCH: u32 = 0xc000_003e;
#[cfg(target_arch = "aarch64")]
const AUDIT_ARCH: u32 = 0xc000_00b7;

fn statement(code: u16, k: u32) -> libc::sock_filter {
    libc::sock_filter { code, jt: 0, jf: 0, k }
}

fn jump_if_equal(k: u32, jt: u8, jf: u8) -> libc::sock_filter {
    libc::sock_filter { code: (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16, jt, jf, k }
}

/// Whether `args` (without the program name) are containerd's `start` or
/// `delete` invocation rather than the serving process.
pub fn is_serving(args: &[String]) -> bool {
    !args.iter().any(|a| matches!(a.as_str(), "start" | "delete" | "-v" | "--version" | "-version"))
}

/// Installs the filter on every thread of this process and whatever it starts.
pub fn forbid_exec() -> io::Result<()> {
    let load = (libc::BPF_LD | libc::BPF_W | libc::BPF_ABS) as u16;
    let ret = (libc::BPF_RET | libc::BPF_K) as u16;
    let deny = SECCOMP_RET_ERRNO | libc::EPERM as u32;
    let mut program = [
        statement(load, ARCH_OFFSET),
        // A system call made for another architecture's ABI is refused outright.
        jump_if_equal(AUDIT_ARCH, 1, 0),
        statement(ret, deny),
        statement(load, NR_OFFSET),
        jump_if_equal(libc::SYS_execve as u32, 2, 0),
        jump_if_equal(libc::SYS_execveat as u32, 1, 0),
        statement(ret, SECCOMP_RET_ALLOW),
        statement(ret, deny),
    ];
    let prog = libc::sock_fprog { len: program.len() as u16, filter: program.as_mut_ptr() };
    // SAFETY: plain prctl/seccomp calls; `prog` points to a live, valid filter for their duration.
    unsafe {
        if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 {
            return Err(io::Error::last_os_error());
        }
        let flags = libc::SECCOMP_FILTER_FLAG_TSYNC;
        if libc::syscall(libc::SYS_seccomp, libc::SECCOMP_SET_MODE_FILTER, flags, &prog) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn start_and_delete_are_not_the_serving_process() {
        assert!(!is_serving(&args(&["-namespace", "default", "-id", "c1", "start"])));
        assert!(!is_serving(&args(&["-namespace", "default", "-id", "c1", "-bundle", "/b", "delete"])));
        assert!(is_serving(&args(&["-namespace", "default", "-id", "c1", "-address", "/run/containerd.sock"])));
    }

    #[test]
    fn after_the_filter_a_process_cannot_exec() {
        // In a child, so the test process keeps exec.
        // SAFETY: the child only calls async-signal-safe functions before _exit.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            let code = match forbid_exec() {
                Err(_) => 2,
                Ok(()) => {
                    let path = c"/bin/true";
                    let argv = [path.as_ptr(), std::ptr::null()];
                    // SAFETY: a valid NUL-terminated path and argv.
                    let r = unsafe { libc::execv(path.as_ptr(), argv.as_ptr()) };
                    if r == -1 && io::Error::last_os_error().raw_os_error() == Some(libc::EPERM) { 0 } else { 3 }
                }
            };
            // SAFETY: ends the child without running the test harness's destructors.
            unsafe { libc::_exit(code) };
        }
        let mut status = 0;
        // SAFETY: waits for the child forked above.
        unsafe { libc::waitpid(pid, &mut status, 0) };
        assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "status {status:#x}");
    }
}
