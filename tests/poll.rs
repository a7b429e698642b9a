//! poll_oneoff through real guests: clocks, bad descriptors, call-level errors,
//! and the cost of zero-timeout polls and the accuracy of sleeps.

mod common;

use common::{guest, run};

#[test]
fn poll_clock_subscriptions_and_errors() {
    let out = run(&guest("c-tests/poll_clock"), |_| {});
    assert_eq!(out.exit, Some(0), "{out:?}");
    assert_eq!(out.stdout, "ok\n");
}

/// 100k zero-timeout polls must be cheap (well under a second in a release
/// build; the bound here is loose for unoptimized test builds on a busy
/// machine), and sleeps never end early.
#[test]
fn zero_timeout_polls_are_cheap_and_sleeps_are_not_early() {
    let out = run(&guest("c-tests/poll_bench"), |b| {
        b.args(["poll_bench", "100000", "5"]);
    });
    assert_eq!(out.exit, Some(0), "{out:?}");
    let total_ns: u64 = out
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("zero_timeout_polls=100000 total_ns="))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no timing in {:?}", out.stdout));
    eprintln!("{}", out.stdout);
    assert!(total_ns < 3_000_000_000, "100k zero-timeout polls took {total_ns} ns");
}
