//! GHSA-852m-cvvp-9p4w (wasmtime, 2026, CVE-2026-27204): wasmtime's WASI hosts let a guest
//! exhaust host resources: handles allocated without limit, host buffers and copies sized by
//! what the guest passes (a crash when the allocation fails), data kept alive for the guest.
//! wasmtime answered with caps (`-S max-resources`, `hostcall-fuel`, `max-random-size`).
//! capwasi's preview1 host has each bound by design: descriptors stop at `--max-fds` (EMFILE),
//! reads and writes go straight between guest memory and the kernel, one call moves at most
//! what one Linux `write` moves and takes at most `IOV_MAX` buffers, listings use a capped host
//! buffer, poll_oneoff and paths are refused past their caps before anything is read. The attack
//! replayed through the real `capwasi` (c-tests/advisory_resource_exhaustion.c), with and
//! without openat2 as tests/advisories.rs does, measuring the host's peak memory.

mod common;
#[path = "../fuzz/no_openat2.rs"]
mod no_openat2;

use std::io::Read;
use std::process::{Command, Stdio};

use common::guest;
use common::rss::{baseline_rss, wait_measured};

const EXPECTED: &str = "open until refused: 1020 opens, then MFILE
open after closing them: SUCCESS
fd_read into 1 GiB: SUCCESS, 10 bytes
fd_write of 4 GiB: SUCCESS, 2147479552 bytes
fd_write of 64M buffers: SUCCESS, 0 bytes
fd_readdir into 1 GiB: SUCCESS, 80 bytes
poll_oneoff of 4M subscriptions: INVAL
path_open of an 8 MiB path: NAMETOOLONG
";

#[test]
fn guest_driven_resource_exhaustion_is_bounded() {
    let baseline = baseline_rss();
    for openat2 in [true, false] {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("small"), "0123456789").unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_capwasi"));
        cmd.args(["run", "--no-cache", "--dir", &format!("{}::/d", tmp.path().display())])
            .arg(guest("c-tests/advisory_resource_exhaustion"))
            .env_clear()
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if !openat2 {
            no_openat2::without_openat2(&mut cmd);
        }
        let mut child = cmd.spawn().unwrap();
        let mut stdout = String::new();
        child.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
        let (code, rss) = wait_measured(child);
        eprintln!("openat2 {openat2}: peak RSS {rss} MiB ({baseline} MiB for a guest doing nothing)");
        assert_eq!(code, Some(0), "openat2 {openat2}: {stdout}");
        assert_eq!(stdout, EXPECTED, "openat2 {openat2}");
        // The guest itself touches 8 MiB (the path) of its 1 GiB buffer.
        assert!(rss < baseline + 64, "openat2 {openat2}: peak RSS {rss} MiB, {baseline} MiB doing nothing");
    }
}
