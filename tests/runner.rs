//! `capwasi test` end to end: the real binary over the runner's own self-test suites
//! (conformance/runner-selftest) and over the project's built guest suites.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn capwasi_test(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capwasi")).arg("test").args(args).output().expect("run capwasi")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn last_line(out: &Output) -> String {
    stdout(out).lines().last().unwrap_or_default().to_string()
}

/// The FAIL line of test `name`, with the reason.
fn fail_line(out: &Output, name: &str) -> String {
    let prefix = format!("FAIL {name}: ");
    let text = stdout(out);
    let line = text.lines().find(|l| l.starts_with(&prefix));
    line.unwrap_or_else(|| panic!("no FAIL line for {name} in:\n{text}")).to_string()
}

#[test]
fn each_broken_test_fails_with_its_reason() {
    let json = tempfile::NamedTempFile::new().unwrap();
    let suite = repo("conformance/runner-selftest/fail");
    let out =
        capwasi_test(&["--timeout", "1", "-j", "4", "--json", json.path().to_str().unwrap(), suite.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert_eq!(fail_line(&out, "fail/wrong_exit_code"), "FAIL fail/wrong_exit_code: exit code 3, expected 0");
    assert_eq!(fail_line(&out, "fail/wrong_stdout"), "FAIL fail/wrong_stdout: stdout differs");
    assert!(stdout(&out).contains("    - \"goodbye\\n\"\n    + \"hello\\n\"\n"), "{}", stdout(&out));
    assert_eq!(fail_line(&out, "fail/timeout"), "FAIL fail/timeout: timed out after 1s");
    // Stuck in a host call (an hour-long poll_oneoff), where only the watchdog can give up on it.
    assert_eq!(fail_line(&out, "fail/sleep"), "FAIL fail/sleep: timed out after 1s");
    assert_eq!(
        fail_line(&out, "fail/trap"),
        "FAIL fail/trap: trapped (wasm trap: wasm `unreachable` instruction executed), expected exit code 0"
    );
    assert!(fail_line(&out, "fail/unknown_key").contains(r#"unknown key "exitcode""#));
    assert_eq!(
        fail_line(&out, "fail/no_start"),
        "FAIL fail/no_start: cannot run: the module exports no `_start` function"
    );
    assert_eq!(
        fail_line(&out, "fail/missing_fixture"),
        "FAIL fail/missing_fixture: fixture 'missing.dir' is not a directory beside the test"
    );
    assert_eq!(last_line(&out), "0 passed, 8 failed, 0 skipped");

    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(json.path()).unwrap()).unwrap();
    assert_eq!(
        (report["passed"].as_u64(), report["failed"].as_u64(), report["skipped"].as_u64()),
        (Some(0), Some(8), Some(0))
    );
    let tests = report["tests"].as_array().unwrap();
    let test = |name: &str| tests.iter().find(|t| t["name"] == name).unwrap_or_else(|| panic!("{name} not in report"));
    assert!(tests.iter().all(|t| t["status"] == "failed"));
    assert_eq!(test("fail/wrong_exit_code")["exit_code"], 3);
    assert_eq!(test("fail/wrong_exit_code")["argv"], serde_json::json!(["wrong_exit_code.wat"]));
    assert_eq!(test("fail/wrong_stdout")["stdout"], "hello\n");
    assert_eq!(test("fail/wrong_stdout")["reason"], "stdout differs");
    assert_eq!(test("fail/timeout")["outcome"], "timed_out");
    assert!(test("fail/timeout")["run_ms"].as_f64().unwrap() >= 900.0);
    assert_eq!(test("fail/trap")["outcome"], "trapped");
    assert_eq!(test("fail/trap")["exit_code"], 134);
    assert!(test("fail/trap")["error"].as_str().unwrap().contains("wasm backtrace"));
}

#[test]
fn a_passing_suite_exits_0() {
    let out = capwasi_test(&[repo("conformance/runner-selftest/pass").to_str().unwrap()]);
    assert_eq!(stdout(&out), "6 passed, 0 failed, 0 skipped\n");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn the_suite_on_disk_is_left_alone() {
    let fixture = repo("conformance/runner-selftest/pass/fixture.dir");
    let before: Vec<_> = std::fs::read_dir(&fixture).unwrap().map(|e| e.unwrap().file_name()).collect();
    let out = capwasi_test(&["--filter", "preopens", repo("conformance/runner-selftest/pass").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let after: Vec<_> = std::fs::read_dir(&fixture).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(before, after);
    assert!(fixture.join("leftover.cleanup").exists());
}

#[test]
fn filter_and_skip_count_as_skipped() {
    let suite = repo("conformance/runner-selftest/pass");
    let out = capwasi_test(&["--filter", "^pass/(output|trap)$", "--skip", "trap", suite.to_str().unwrap()]);
    assert_eq!(stdout(&out), "1 passed, 0 failed, 5 skipped\n");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn no_test_run_is_not_a_pass() {
    let out =
        capwasi_test(&["--filter", "nothing matches", repo("conformance/runner-selftest/pass").to_str().unwrap()]);
    assert_eq!(last_line(&out), "0 passed, 0 failed, 6 skipped");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn usage_errors_exit_2() {
    let out = capwasi_test(&["/no/such/suite"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read '/no/such/suite'"));
    assert_eq!(capwasi_test(&["--filter", "(", "."]).status.code(), Some(2));
    assert_eq!(capwasi_test(&["--timeout", "0", "."]).status.code(), Some(2));
    assert_eq!(capwasi_test(&[]).status.code(), Some(2));
}

/// The project's own C and Rust guests, with the expectations beside their sources, all pass.
/// A guest with no `NAME.json` beside its source is not part of the suite yet (as in
/// scripts/conformance): `unknown_import` checks that `capwasi run` refuses it.
#[test]
fn own_guest_suites_pass() {
    let (c, rust) = (repo("build/guests/c-tests"), repo("build/guests/rust-tests"));
    assert!(c.join("hello.json").exists() && rust.join("hello.json").exists(), "run scripts/build-guests first");
    let mut args = Vec::new();
    for (suite, sources) in [("c-tests", repo("c-tests")), ("rust-tests", repo("rust-tests/src/bin"))] {
        for source in std::fs::read_dir(sources).unwrap().map(|e| e.unwrap().path()) {
            let is_guest = source.extension().is_some_and(|e| e == "c" || e == "wat" || e == "rs");
            if is_guest && !source.with_extension("json").exists() {
                let name = source.file_stem().unwrap().to_str().unwrap();
                args.extend(["--skip".to_string(), format!("^{suite}/{name}$")]);
            }
        }
    }
    let skipped = args.len() / 2;
    args.extend([c.to_str().unwrap().to_string(), rust.to_str().unwrap().to_string()]);
    let out = capwasi_test(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(last_line(&out).ends_with(&format!(" passed, 0 failed, {skipped} skipped")), "{}", stdout(&out));
    assert!(!last_line(&out).starts_with("0 passed"));
}

#[test]
fn max_memory_sets_the_cap() {
    let test = repo("conformance/runner-selftest/pass/memory_cap.wat");
    let out = capwasi_test(&["--max-memory", "2G", test.to_str().unwrap()]);
    assert_eq!(stdout(&out), "FAIL memory_cap: exit code 1, expected 0\n0 passed, 1 failed, 0 skipped\n");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_fixture_reached_through_a_symlink_is_refused_naming_the_fixture() {
    let tmp = tempfile::tempdir().unwrap();
    let (suite, outside) = (tmp.path().join("suite"), tmp.path().join("outside"));
    std::fs::create_dir_all(outside.join("b")).unwrap();
    std::fs::write(outside.join("secret"), "not the suite's").unwrap();
    std::fs::create_dir(&suite).unwrap();
    std::os::unix::fs::symlink("../outside", suite.join("fx")).unwrap();
    let module = "(module (memory (export \"memory\") 1) (func (export \"_start\")))";
    for (name, dirs) in [("whole", r#"["fx"]"#), ("below", r#"["fx/b"]"#)] {
        std::fs::write(suite.join(format!("{name}.wat")), module).unwrap();
        std::fs::write(suite.join(format!("{name}.json")), format!(r#"{{"dirs": {dirs}}}"#)).unwrap();
    }
    let out = capwasi_test(&[suite.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let link = suite.join("fx");
    for (name, fixture) in [("whole", "fx"), ("below", "fx/b")] {
        assert_eq!(
            fail_line(&out, &format!("suite/{name}")),
            format!(
                "FAIL suite/{name}: fixture '{fixture}' is reached through the symlink {}, which may \
                 lead out of the suite; a fixture must be a real directory beside the test",
                link.display()
            )
        );
    }
    assert_eq!(last_line(&out), "0 passed, 2 failed, 0 skipped");
}
