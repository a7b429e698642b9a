//! `cargo test --target wasm32-wasip1` with capwasi as cargo's target runner, as the README
//! shows it: `CARGO_TARGET_WASM32_WASIP1_RUNNER='capwasi run --dir=.'`. The crate is
//! examples/cargo-runner: unit tests and an integration test that read tests/fixtures/ through
//! the preopened crate directory (cargo runs test binaries from the crate's directory), and,
//! with its `failing` feature, a test that returns an error and one that panics (which aborts
//! the test binary on wasm32-wasip1: capwasi reports the trap, exit 134).

mod common;

use std::process::Output;

use common::repo;

/// `cargo test --target wasm32-wasip1 ARGS` in examples/cargo-runner, with capwasi as the
/// runner. Its own target dir under build/; the CI's CARGO_TARGET_DIR does not apply.
fn cargo_test(args: &[&str]) -> Output {
    let capwasi = env!("CARGO_BIN_EXE_capwasi");
    assert!(!capwasi.contains(char::is_whitespace), "cargo splits the runner at spaces: {capwasi}");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    std::process::Command::new(cargo)
        .args(["test", "--target", "wasm32-wasip1", "--target-dir"])
        .arg(repo("build/cargo-runner"))
        .args(args)
        .current_dir(repo("examples/cargo-runner"))
        .env("CARGO_TARGET_WASM32_WASIP1_RUNNER", format!("{capwasi} run --dir=."))
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("run cargo")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn cargo_test_runs_unit_integration_and_doc_tests_reading_fixtures_under_capwasi() {
    let out = cargo_test(&[]);
    let text = text(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("test tests::counts_the_words_of_a_fixture ... ok"), "{text}");
    assert!(text.contains("test result: ok. 4 passed; 0 failed"), "{text}");
    assert!(text.contains("test every_fixture_is_listed_and_counted ... ok"), "{text}");
    assert!(text.contains("test a_missing_fixture_is_not_found ... ok"), "{text}");
    assert!(text.contains("test result: ok. 3 passed; 0 failed"), "{text}");
    assert!(text.contains("test src/lib.rs - count_words (line 10) ... ok"), "doc tests run too: {text}");
    assert!(!text.contains("the poem has 12 words"), "the harness captures a passing test's output: {text}");
}

#[test]
fn a_test_filter_reaches_the_test_binaries() {
    let out = cargo_test(&["fixture"]);
    let text = text(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("test tests::counts_the_words_of_a_fixture ... ok"), "{text}");
    assert!(text.contains("test every_fixture_is_listed_and_counted ... ok"), "{text}");
    assert!(text.contains("test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 3 filtered out"), "{text}");
    assert!(!text.contains("counts_words_separated_by_any_whitespace"), "{text}");
}

#[test]
fn nocapture_shows_what_tests_print() {
    let out = cargo_test(&["prints_what_it_counted", "--", "--nocapture"]);
    let text = text(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("the poem has 12 words\n"), "{text}");
}

#[test]
fn failing_tests_under_capwasi_fail_cargo_test() {
    let out = cargo_test(&["--features", "failing", "--no-fail-fast"]);
    let text = text(&out);
    assert_eq!(out.status.code(), Some(101), "{text}");
    // A test returning Err: the harness reports it and the others.
    assert!(text.contains("test tests::fails_on_purpose ... FAILED"), "{text}");
    assert!(text.contains("counted 2 words, want 3 (this test fails on purpose)"), "{text}");
    assert!(text.contains("test result: FAILED. 4 passed; 1 failed"), "{text}");
    // A panicking test aborts its binary: capwasi reports the trap, cargo the exit status.
    assert!(text.contains("test panics_on_purpose ... "), "{text}");
    assert!(text.contains("capwasi: the guest trapped: wasm trap: wasm `unreachable` instruction executed"), "{text}");
    assert!(text.contains("fixtures::panics_on_purpose"), "the backtrace names the test: {text}");
    assert!(text.contains("(exit status: 134)"), "{text}");
    assert!(text.contains("error: 2 targets failed:"), "{text}");

    // With --nocapture the panic message reaches the terminal before the binary aborts; with
    // one test binary failed, cargo exits with its status.
    let out = cargo_test(&["--features", "failing", "--test", "fixtures", "panics", "--", "--nocapture"]);
    let text = self::text(&out);
    assert_eq!(out.status.code(), Some(134), "{text}");
    assert!(text.contains("assertion `left == right` failed: this test fails on purpose"), "{text}");
}
