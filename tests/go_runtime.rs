//! Go's runtime on capwasi, through the real CLI (go-tests/cmd/{sleep,crypto_rand,
//! deep_recursion}): timers, randomness, and the wasm stack a deep Go recursion needs
//! (`--max-wasm-stack`).

mod common;

use std::process::Output;
use std::time::{Duration, Instant};

use common::{capwasi, guest};

fn go_guest(name: &str) -> String {
    guest(&format!("go-tests/{name}")).display().to_string()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn go_time_sleep_sleeps_at_least_the_time_asked() {
    let start = Instant::now();
    let out = capwasi(&["run", &go_guest("sleep"), "300"]);
    let elapsed = start.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(stdout(&out), "slept at least 300ms\n");
    assert!(elapsed >= Duration::from_millis(300), "the whole run took {elapsed:?}");
}

#[test]
fn go_crypto_rand_reads_fresh_random_bytes() {
    let run = || {
        let out = capwasi(&["run", &go_guest("crypto_rand")]);
        assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
        let text = stdout(&out);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[2..], ["differ: true, all zero: false", "rand.Text: 26 characters"], "{text}");
        for hex in &lines[..2] {
            assert!(hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()), "{text}");
        }
        text
    };
    assert_ne!(run(), run(), "two runs read different bytes");
}

/// 100,000 nested Go calls. Every Go call is a wasm call too (Go unwinds the wasm stack when it
/// grows a goroutine's stack, so the frames are fewer than the calls): with wasmtime's default
/// 512 KiB of wasm stack the guest traps from about 50,000 calls deep, with Go's customary
/// 8 MiB it runs past 400,000 (measured with Go 1.27.3).
const DEEP: &str = "100000";

#[test]
fn go_deep_recursion_traps_with_the_default_wasm_stack_and_runs_with_8m() {
    // Alternating, so that whichever setting compiled the module, the other runs from its
    // cache entry: the stack limit is the engine's at run time, and a run under one limit
    // never inherits the other's.
    let guest = go_guest("deep_recursion");
    for _ in 0..2 {
        let out = capwasi(&["run", "--max-wasm-stack", "8M", &guest, DEEP]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(stdout(&out), "recursed 100000 calls deep\n");
        let out = capwasi(&["run", &guest, DEEP]);
        assert_eq!(out.status.code(), Some(134), "{}", stdout(&out));
        assert!(
            stderr(&out).starts_with("capwasi: the guest trapped: wasm trap: call stack exhausted\n"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn a_recursion_past_a_wasm_stack_larger_than_a_main_thread_traps_without_crashing() {
    // 32 MiB of wasm stack is four times the 8 MiB a process's main thread gets: the guest
    // runs on a thread with room for it, so running out is a trap (exit 134), not a crash.
    let out = capwasi(&["run", "--max-wasm-stack", "32M", &go_guest("deep_recursion"), "100000000"]);
    assert_eq!(out.status.code(), Some(134), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("capwasi: the guest trapped: wasm trap: call stack exhausted\n"),
        "{}",
        stderr(&out)
    );
}
