//! The `capwasi` binary as a process whose peak resident memory the kernel
//! reports (`wait4`): for guests whose harm would be host memory.

use std::io::Read;
use std::process::{Child, Command, Stdio};

/// Runs `wat` under `capwasi run --no-cache` with `args` before the module:
/// its exit status, stderr, and peak resident memory in MiB.
pub fn run_cli(wat: &str, args: &[&str]) -> (Option<i32>, String, u64) {
    run_cli_with(wat, args, &[])
}

/// [`run_cli`] with `guest_args` after the module.
pub fn run_cli_with(wat: &str, args: &[&str], guest_args: &[&str]) -> (Option<i32>, String, u64) {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("guest.wat");
    std::fs::write(&module, wat).unwrap();
    // Reaped by wait_measured, which also reports its resource usage.
    #[allow(clippy::zombie_processes)]
    let mut child = Command::new(env!("CARGO_BIN_EXE_capwasi"))
        .arg("run")
        .arg("--no-cache")
        .args(args)
        .arg(&module)
        .args(guest_args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let (code, rss) = wait_measured(child);
    (code, stderr, rss)
}

/// Waits for `child` (whose pipes the caller has read): its exit status and
/// peak resident memory in MiB, from `wait4`.
pub fn wait_measured(child: Child) -> (Option<i32>, u64) {
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid out-parameter; the pid is our child, not yet reaped.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32, "wait4");
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    (code, usage.ru_maxrss as u64 / 1024)
}

/// The peak RSS of capwasi running a guest that does nothing, in MiB.
pub fn baseline_rss() -> u64 {
    let (code, stderr, rss) = run_cli(r#"(module (memory (export "memory") 1) (func (export "_start")))"#, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    rss
}
