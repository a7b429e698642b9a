//! `capwasi test DIR...`: a conformance runner for directories of compiled
//! guest programs, in the layout of the public WASI test suite.
//!
//! discover (`discover.rs`, specs in `spec.rs`) -> run each test in-process in
//! its own thread (`exec.rs`, fixtures copied by `fixtures.rs`) -> judge
//! (`verdict.rs`) -> report (`report.rs`). One engine compiles every module;
//! `-j N` workers take tests in name order. A test that hangs, traps or panics
//! the runner is a failure with its reason; the runner goes on.

mod discover;
mod exec;
mod fixtures;
mod report;
mod spec;
mod verdict;

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use clap::Args;
use regex::Regex;

use discover::Test;
use exec::{Execution, Outcome, Shared};
use report::{Console, Result as TestResult, Status};

/// How long past its deadline a test thread may stay stuck in a host call
/// (where the epoch cannot stop it) before the runner gives up on it.
const WATCHDOG_GRACE: Duration = Duration::from_secs(2);

/// How long compiling one module may take before the runner gives up on it.
const COMPILE_LIMIT: Duration = Duration::from_secs(600);

/// Flags of `capwasi test`.
#[derive(Args, Debug)]
pub struct TestFlags {
    /// Run only the tests whose name (`DIRNAME/PATH/NAME`, as reports show it)
    /// matches REGEX; the others count as skipped.
    #[arg(long, value_name = "REGEX", value_parser = Regex::new)]
    pub filter: Option<Regex>,

    /// Skip the tests whose name matches REGEX (may be repeated).
    #[arg(long = "skip", value_name = "REGEX", value_parser = Regex::new)]
    pub skips: Vec<Regex>,

    /// Run N tests at once (default: the number of CPUs).
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    pub jobs: Option<NonZeroUsize>,

    /// Write a JSON report to OUT: per test its status, reason, argv, exit
    /// code, timings and captured stdout/stderr.
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,

    /// Fail a test that runs longer than SECS seconds (fractions allowed).
    #[arg(long, value_name = "SECS", default_value = "30", value_parser = parse_secs)]
    pub timeout: Duration,

    /// Cap each test's linear memory, in bytes (suffixes K, M, G allowed);
    /// past it, memory.grow fails.
    #[arg(long, value_name = "BYTES", default_value = "1G", value_parser = capwasi::limits::parse_size)]
    pub max_memory: u64,

    /// Directories searched recursively for NAME.wasm (or NAME.wat) with an
    /// optional NAME.json, or single modules.
    #[arg(value_name = "DIR", required = true)]
    pub paths: Vec<PathBuf>,
}

fn parse_secs(text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .filter(|s| *s > 0.0)
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| format!("'{text}' is not a positive number of seconds"))
}

/// Runs the suites; exit status 0 only if every test that ran passed and at
/// least one ran, 1 otherwise, 2 when a path cannot be searched.
pub fn main(flags: TestFlags) -> ExitCode {
    let started = Instant::now();
    let tests = match discover::discover(&flags.paths) {
        Ok(tests) => tests,
        Err(e) => {
            eprintln_lossy!("capwasi test: {e}");
            return ExitCode::from(super::EXIT_USAGE);
        }
    };
    // Opened before any test runs, never through a link a test planted (outfile.rs).
    let json = match flags.json.as_deref().map(super::outfile::create).transpose() {
        Ok(json) => json,
        Err(e) => {
            eprintln_lossy!("capwasi test: --json: {e}");
            return ExitCode::from(super::EXIT_USAGE);
        }
    };
    let limits = capwasi::limits::Limits::new().max_memory(usize::try_from(flags.max_memory).unwrap_or(usize::MAX));
    let shared = match Shared::new(flags.timeout, limits) {
        Ok(shared) => shared,
        Err(e) => {
            eprintln_lossy!("capwasi test: cannot set up the wasm engine: {e:#}");
            return ExitCode::from(super::EXIT_HOST_ERROR);
        }
    };
    let selected = |t: &Test| {
        flags.filter.as_ref().is_none_or(|f| f.is_match(&t.name)) && !flags.skips.iter().any(|s| s.is_match(&t.name))
    };
    let jobs = flags.jobs.or_else(|| std::thread::available_parallelism().ok()).map_or(1, NonZeroUsize::get);
    let results = run_all(&shared, &tests, selected, jobs);

    let (passed, failed, skipped) = report::summary(&results);
    let mut ok = failed == 0 && passed > 0;
    if let (Some(path), Some(file)) = (&flags.json, &json)
        && let Err(e) = report::write_json(file, &tests, &results, started.elapsed())
    {
        eprintln_lossy!("capwasi test: cannot write {}: {e}", path.display());
        ok = false;
    }
    if passed + failed == 0 {
        eprintln_lossy!("capwasi test: no test ran ({} found)", tests.len());
    }
    println_lossy!("{passed} passed, {failed} failed, {skipped} skipped");
    if ok { ExitCode::SUCCESS } else { ExitCode::from(super::EXIT_HOST_ERROR) }
}

/// Runs the selected tests on `jobs` workers, reporting each as it finishes;
/// the results are in the order of `tests`.
fn run_all(shared: &Arc<Shared>, tests: &[Test], selected: impl Fn(&Test) -> bool, jobs: usize) -> Vec<TestResult> {
    let mut console = Console::new(tests.len());
    let mut results: Vec<Option<TestResult>> = tests.iter().map(|_| None).collect();
    let mut queue = Vec::new();
    for (i, test) in tests.iter().enumerate() {
        if selected(test) {
            queue.push(i);
        } else {
            let result = TestResult { status: Status::Skipped, exec: None };
            console.finished(test, &result);
            results[i] = Some(result);
        }
    }

    let next = AtomicUsize::new(0);
    let (done_tx, done_rx) = mpsc::channel::<(usize, Execution)>();
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(queue.len()) {
            let done_tx = done_tx.clone();
            let (next, queue) = (&next, &queue);
            scope.spawn(move || {
                while let Some(&i) = queue.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let exec = supervise(shared, &tests[i]);
                    if done_tx.send((i, exec)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        for (i, exec) in done_rx {
            let spec = tests[i].spec.as_ref().ok();
            let status = match verdict::judge(spec, &exec, shared.timeout) {
                None => Status::Passed,
                Some(failure) => Status::Failed(failure),
            };
            let result = TestResult { status, exec: Some(exec) };
            console.finished(&tests[i], &result);
            results[i] = Some(result);
        }
    });
    console.clear_progress();
    results.into_iter().map(|r| r.expect("every test has a result")).collect()
}

/// Runs one test on a thread of its own and waits for it: a panic becomes a
/// failure, and a thread stuck past its deadline in a host call is left
/// behind (it ends with the process) and the test reported as timed out.
fn supervise(shared: &Arc<Shared>, test: &Test) -> Execution {
    enum Event {
        Compiled,
        Done(Execution),
    }
    let (tx, rx) = mpsc::channel();
    let thread_shared = Arc::clone(shared);
    let thread_test = Test { name: test.name.clone(), module: test.module.clone(), spec: test.spec.clone() };
    let spawned = std::thread::Builder::new()
        .name(format!("test {}", test.name))
        .stack_size(shared.limits.thread_stack_size())
        .spawn(move || {
            let compiled_tx = tx.clone();
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                exec::execute(&thread_shared, &thread_test, || {
                    let _ = compiled_tx.send(Event::Compiled);
                })
            }));
            let exec = result.unwrap_or_else(|panic| {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                Execution::not_run(exec::argv(&thread_test), Outcome::Error(format!("the runner panicked: {message}")))
            });
            let _ = tx.send(Event::Done(exec));
        });
    let lost = |why: &str| Execution::not_run(exec::argv(test), Outcome::Error(why.to_string()));
    if let Err(e) = spawned {
        return lost(&format!("cannot start a thread for the test: {e}"));
    }
    let mut limit = COMPILE_LIMIT;
    loop {
        match rx.recv_timeout(limit) {
            Ok(Event::Compiled) => limit = shared.timeout + WATCHDOG_GRACE,
            Ok(Event::Done(exec)) => return exec,
            Err(mpsc::RecvTimeoutError::Timeout) if limit == COMPILE_LIMIT => {
                return lost(&format!("compiling took longer than {}s", COMPILE_LIMIT.as_secs()));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                return Execution::not_run(exec::argv(test), Outcome::TimedOut);
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return lost("the test thread ended without a result");
            }
        }
    }
}
