//! `go test -exec` with capwasi: Go's test binaries for GOOS=wasip1 run under the real CLI,
//! given what Go's own wasmtime runner (`$GOROOT/lib/wasm/go_wasip1_wasm_exec`) gives them:
//! the host's `/` (the package directory and `t.TempDir` live there), `PWD` (set by `go test`
//! to the package directory) and `PATH`, and an 8 MiB wasm stack. The package is
//! go-tests/wordcount; its test reads a fixture from `testdata/`. Go comes from scripts/go.

mod common;

use std::process::Output;

use common::repo;

/// The `-exec` the README gives, with this build of capwasi.
fn exec_command() -> String {
    format!("'{}' run --dir=/ --env PWD --env PATH --max-wasm-stack 8M", env!("CARGO_BIN_EXE_capwasi"))
}

/// `go test -count=1 -v -trimpath -exec ... EXTRA ./...` in go-tests/, for wasip1. -count=1
/// runs the tests every time (no cached result); -trimpath keeps the clone's path out of the
/// test binary, so every clone builds the same bytes and capwasi's compile cache serves them.
fn go_test(extra: &[&str]) -> Output {
    std::process::Command::new(repo("scripts/go"))
        .arg("test")
        .args(["-count=1", "-v", "-trimpath", "-exec", &exec_command()])
        .args(extra)
        .arg("./...")
        .current_dir(repo("go-tests"))
        .env("GOOS", "wasip1")
        .env("GOARCH", "wasm")
        .env_remove("GOFLAGS")
        .output()
        .expect("run scripts/go (scripts/setup installs Go)")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn go_test_runs_a_packages_tests_under_capwasi() {
    let out = go_test(&[]);
    let text = text(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("--- PASS: TestCountsTheWordsOfAFixture ("), "{text}");
    assert!(text.contains("--- PASS: TestCountsAFileWrittenToATempDir ("), "{text}");
    assert!(text.contains("\nok  \tcapwasi.test/go-tests/wordcount\t"), "{text}");
}

#[test]
fn a_failing_go_test_under_capwasi_fails_go_test() {
    let out = go_test(&["-tags", "failing"]);
    let text = text(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("--- FAIL: TestFailsOnPurpose ("), "{text}");
    assert!(text.contains("want 2 (this test fails on purpose)"), "{text}");
    assert!(text.contains("--- PASS: TestCountsTheWordsOfAFixture ("), "the others still pass: {text}");
    assert!(text.contains("\nFAIL\tcapwasi.test/go-tests/wordcount\t"), "{text}");
}
