//! A module's first run compiled by Winch (`--cold-compiler`, src/cli/cold.rs):
//! the same output and exit status as under Cranelift, the cache filled by a
//! process of its own so that the next run is a cache hit, Cranelift for what
//! Winch cannot compile or limit, and no filler without a cache.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::cli::{HANG, capwasi, output, stderr, stdout, wat};
use common::guest;

/// `capwasi run FLAGS MODULE ARGS` with its compile cache in `cache`.
fn run(cache: &Path, flags: &[&str], module: &Path, args: &[&str]) -> std::process::Output {
    let module = module.display().to_string();
    let mut argv = vec!["run"];
    argv.extend_from_slice(flags);
    argv.push(&module);
    argv.extend_from_slice(args);
    output(capwasi(&argv).env("XDG_CACHE_HOME", cache))
}

/// The cache entries (`*.cwasm`) under `cache`.
fn entries(cache: &Path) -> Vec<std::path::PathBuf> {
    let Ok(dir) = std::fs::read_dir(cache.join("capwasi/modules")) else { return Vec::new() };
    dir.map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "cwasm")).collect()
}

/// What `--stats` says the module's code came from: the `compile` / `load` line's label.
fn origin(out: &std::process::Output) -> String {
    let err = stderr(out);
    let line = err.lines().find(|l| l.trim_start().starts_with("compile") || l.trim_start().starts_with("load"));
    let line = line.unwrap_or_else(|| panic!("no load line in {err}"));
    line.trim().rsplit_once("  ").map_or(line, |(label, _)| label).trim().to_string()
}

#[test]
fn a_first_run_under_winch_prints_and_exits_as_under_cranelift() {
    let cache = tempfile::tempdir().unwrap();
    for (name, args) in [
        ("c-tests/hello", &[][..]),
        ("c-tests/exit_code", &["42"][..]),
        ("c-tests/abort", &[][..]),
        ("c-tests/args_env", &["a", "b c"][..]),
        ("rust-tests/hello", &[][..]),
        ("rust-tests/panic", &[][..]),
    ] {
        let module = guest(name);
        let winch = run(cache.path(), &["--no-cache", "--cold-compiler=winch", "--stats"], &module, args);
        let cranelift = run(cache.path(), &["--no-cache", "--cold-compiler=cranelift", "--stats"], &module, args);
        assert_eq!(origin(&winch), "compile (winch)", "{name}");
        assert_eq!(origin(&cranelift), "compile", "{name}");
        assert_eq!(
            (winch.status.code(), stdout(&winch)),
            (cranelift.status.code(), stdout(&cranelift)),
            "{name}: {}",
            stderr(&winch)
        );
    }
}

#[test]
fn a_first_run_fills_the_cache_in_the_background_and_the_next_run_is_a_cache_hit() {
    let cache = tempfile::tempdir().unwrap();
    let hello = guest("c-tests/hello");
    let first = run(cache.path(), &["--stats"], &hello, &[]);
    assert_eq!((first.status.code(), stdout(&first)), (Some(0), "hello, world\n".into()));
    assert_eq!(origin(&first), "compile (winch)");
    let started = Instant::now();
    while entries(cache.path()).is_empty() {
        assert!(started.elapsed() < HANG, "no cache entry {HANG:?} after the first run");
        std::thread::sleep(Duration::from_millis(50));
    }
    let second = run(cache.path(), &["--stats"], &hello, &[]);
    assert_eq!((second.status.code(), stdout(&second)), (Some(0), "hello, world\n".into()));
    assert_eq!(origin(&second), "load (cache hit)");
    assert_eq!(entries(cache.path()).len(), 1);
}

#[test]
fn a_module_using_a_proposal_winch_lacks_runs_under_cranelift() {
    // A tail call (`return_call`): Winch in wasmtime 48 does not compile the proposal.
    let dir = tempfile::tempdir().unwrap();
    let module = wat(
        &dir,
        "tail",
        r#"(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func $count (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 7))
      (else (return_call $count (i32.sub (local.get 0) (i32.const 1))))))
  (func (export "_start") (call $exit (call $count (i32.const 1000000)))))"#,
    );
    let cache = tempfile::tempdir().unwrap();
    let out = run(cache.path(), &["--no-cache", "--cold-compiler=winch", "--stats"], Path::new(&module), &[]);
    assert_eq!((out.status.code(), origin(&out)), (Some(7), "compile".into()), "{}", stderr(&out));
    // With the cache, Cranelift's code goes to it from the run itself.
    let out = run(cache.path(), &["--stats"], Path::new(&module), &[]);
    assert_eq!((out.status.code(), origin(&out)), (Some(7), "compile".into()), "{}", stderr(&out));
    let out = run(cache.path(), &["--stats"], Path::new(&module), &[]);
    assert_eq!((out.status.code(), origin(&out)), (Some(7), "load (cache hit)".into()), "{}", stderr(&out));
}

#[test]
fn fuel_and_a_timeout_are_compiled_in_by_cranelift() {
    let dir = tempfile::tempdir().unwrap();
    let spinner = wat(&dir, "spin", r#"(module (memory (export "memory") 1) (func (export "_start") (loop (br 0))))"#);
    let cache = tempfile::tempdir().unwrap();
    let out = run(cache.path(), &["--cold-compiler=winch", "--stats", "--fuel", "1000"], Path::new(&spinner), &[]);
    assert_eq!((out.status.code(), origin(&out)), (Some(152), "compile".into()), "{}", stderr(&out));
    let out = run(cache.path(), &["--cold-compiler=winch", "--stats", "--timeout", "200ms"], Path::new(&spinner), &[]);
    assert_eq!((out.status.code(), origin(&out)), (Some(124), "compile".into()), "{}", stderr(&out));
}

#[test]
fn without_a_cache_no_filler_is_started() {
    let cache = tempfile::tempdir().unwrap();
    let hello = guest("c-tests/hello");
    let auto = run(cache.path(), &["--no-cache", "--stats"], &hello, &[]);
    assert_eq!((auto.status.code(), origin(&auto)), (Some(0), "compile".into()), "auto is Cranelift without a cache");
    let winch = run(cache.path(), &["--no-cache", "--cold-compiler=winch", "--stats"], &hello, &[]);
    assert_eq!((winch.status.code(), origin(&winch)), (Some(0), "compile (winch)".into()));
    // A filler's first step is to check (and make) the cache directory: give one time to.
    std::thread::sleep(Duration::from_secs(2));
    assert!(!cache.path().join("capwasi").exists(), "nothing written to the cache");
}

#[test]
fn a_second_filler_for_the_same_module_leaves_while_the_first_holds_the_lock() {
    let cache = tempfile::tempdir().unwrap();
    let hello = guest("c-tests/hello").display().to_string();
    let fill = || output(capwasi(&["compile", "--into-cache", &hello]).env("XDG_CACHE_HOME", cache.path()));
    let out = fill();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(entries(cache.path()).len(), 1, "the filler writes the entry");
    let locks = cache.path().join("capwasi/modules-filling");
    assert_eq!(std::fs::read_dir(&locks).unwrap().count(), 0, "and removes its lock file");

    // A lock held by another filler (its name is the entry's key): this one leaves without compiling.
    let entry = entries(cache.path()).pop().unwrap();
    let key = entry.file_stem().unwrap().to_string_lossy().into_owned();
    std::fs::remove_file(&entry).unwrap();
    let lock = std::fs::File::create(locks.join(format!("{key}.lock"))).unwrap();
    rustix::fs::flock(&lock, rustix::fs::FlockOperation::LockExclusive).unwrap();
    let out = fill();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(entries(cache.path()).is_empty(), "no second compile while the lock is held");
    drop(lock);
    assert_eq!(fill().status.code(), Some(0));
    assert_eq!(entries(cache.path()), [entry], "compiled once the lock is free");
}
