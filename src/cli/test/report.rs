//! What `capwasi test` tells: failure lines and progress as tests finish, the
//! summary line, and the `--json` report.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use serde::Serialize;

use super::discover::Test;
use super::exec::{Execution, Outcome};
use super::verdict::Failure;

/// One test's result.
pub struct Result {
    pub status: Status,
    /// `None` for a skipped test.
    pub exec: Option<Execution>,
}

pub enum Status {
    Passed,
    Failed(Failure),
    Skipped,
}

/// Prints failures as they come and a progress line on a terminal.
pub struct Console {
    total: usize,
    done: usize,
    failed: usize,
    progress: bool,
}

impl Console {
    pub fn new(total: usize) -> Self {
        Console { total, done: 0, failed: 0, progress: std::io::stderr().is_terminal() }
    }

    /// Reports one finished test.
    pub fn finished(&mut self, test: &Test, result: &Result) {
        self.done += 1;
        if let Status::Failed(failure) = &result.status {
            self.failed += 1;
            self.clear_progress();
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "FAIL {}: {}", test.name, failure.reason);
            for line in &failure.diff {
                let _ = writeln!(out, "    {line}");
            }
            let _ = out.flush();
        }
        if self.progress {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K[{}/{}] {} failed  {}", self.done, self.total, self.failed, test.name);
            let _ = err.flush();
        }
    }

    pub fn clear_progress(&self) {
        if self.progress {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}

/// `N passed, N failed, N skipped`.
pub fn summary(results: &[Result]) -> (usize, usize, usize) {
    let count = |f: fn(&Status) -> bool| results.iter().filter(|r| f(&r.status)).count();
    (
        count(|s| matches!(s, Status::Passed)),
        count(|s| matches!(s, Status::Failed(_))),
        count(|s| matches!(s, Status::Skipped)),
    )
}

#[derive(Serialize)]
struct JsonReport<'a> {
    passed: usize,
    failed: usize,
    skipped: usize,
    duration_ms: f64,
    tests: Vec<JsonTest<'a>>,
}

#[derive(Serialize)]
struct JsonTest<'a> {
    name: &'a str,
    module: String,
    /// passed, failed or skipped.
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    argv: Option<&'a [String]>,
    /// exited, trapped, timed_out, error, or null when not run.
    outcome: Option<&'static str>,
    /// The exit status: proc_exit's, 0 when `_start` returned, 134 for a trap.
    exit_code: Option<i32>,
    /// The trap report or the error, with the wasm backtrace for a trap.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    compile_ms: f64,
    run_ms: f64,
    stdout: Option<String>,
    stderr: Option<String>,
}

/// Writes the `--json` report to `file` (opened by `outfile::create`).
pub fn write_json(file: &std::fs::File, tests: &[Test], results: &[Result], elapsed: Duration) -> std::io::Result<()> {
    let (passed, failed, skipped) = summary(results);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let records = tests
        .iter()
        .zip(results)
        .map(|(test, result)| {
            let exec = result.exec.as_ref();
            let (outcome, exit_code, error) = match exec.map(|e| &e.outcome) {
                None => (None, None, None),
                Some(Outcome::Exited(code)) => (Some("exited"), Some(*code), None),
                Some(Outcome::Trapped { detail, .. }) => {
                    (Some("trapped"), Some(super::spec::TRAP_EXIT_CODE), Some(detail.as_str()))
                }
                Some(Outcome::TimedOut) => (Some("timed_out"), None, None),
                Some(Outcome::Error(e)) => (Some("error"), None, Some(e.as_str())),
            };
            let (status, reason) = match &result.status {
                Status::Passed => ("passed", None),
                Status::Failed(f) => ("failed", Some(f.reason.as_str())),
                Status::Skipped => ("skipped", None),
            };
            JsonTest {
                name: &test.name,
                module: test.module.display().to_string(),
                status,
                reason,
                argv: exec.map(|e| e.argv.as_slice()),
                outcome,
                exit_code,
                error,
                compile_ms: exec.map_or(0.0, |e| ms(e.compile)),
                run_ms: exec.map_or(0.0, |e| ms(e.run)),
                stdout: exec.map(|e| String::from_utf8_lossy(&e.stdout).into_owned()),
                stderr: exec.map(|e| String::from_utf8_lossy(&e.stderr).into_owned()),
            }
        })
        .collect();
    let report = JsonReport { passed, failed, skipped, duration_ms: ms(elapsed), tests: records };
    let mut text = serde_json::to_string_pretty(&report).map_err(std::io::Error::other)?;
    text.push('\n');
    super::super::outfile::replace(file, text.as_bytes())
}
