//! `--trace=FAMILIES` prints only the calls of those families, in the format
//! of `--trace`; `--trace-file PATH` writes the lines there instead of stderr.

mod common;

use common::cli::{capwasi, output, stderr, wat};

/// Calls clock_time_get, then fd_write of "hi\n" to stdout, then random_get,
/// then exits 0.
const MIXED: &str = r#"(module
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "hi\n")
  (func (export "_start")
    (drop (call $clock (i32.const 1) (i64.const 0) (i32.const 0)))
    (i32.store (i32.const 16) (i32.const 100)) (i32.store (i32.const 20) (i32.const 3))
    (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))
    (drop (call $random (i32.const 200) (i32.const 8)))
    (call $exit (i32.const 0))))"#;

/// The functions named in `==>` lines, in order.
fn traced(text: &str) -> Vec<String> {
    text.lines().filter_map(|l| l.strip_prefix("==> ")).map(|l| l.split('(').next().unwrap().to_string()).collect()
}

#[test]
fn trace_families_select_which_calls_are_printed() {
    let dir = tempfile::tempdir().unwrap();
    let module = wat(&dir, "mixed", MIXED);
    let run = |flag: &str| traced(&stderr(&output(&mut capwasi(&["run", flag, &module]))));
    assert_eq!(run("--trace"), ["clock_time_get", "fd_write", "random_get", "proc_exit"]);
    assert_eq!(run("--trace=all"), ["clock_time_get", "fd_write", "random_get", "proc_exit"]);
    assert_eq!(run("--trace=clock"), ["clock_time_get"]);
    assert_eq!(run("--trace=fs,random"), ["fd_write", "random_get"]);
    assert_eq!(run("--trace=proc"), ["proc_exit"]);
    assert_eq!(run("--trace=sock,poll,args"), Vec::<String>::new());
}

#[test]
fn a_filtered_trace_keeps_the_format_of_the_full_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = output(&mut capwasi(&["run", "--trace=fs", &wat(&dir, "mixed", MIXED)]));
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(err.starts_with("==> fd_write(fd=Fd(1), iovs=*guest 0x10/1)\n<== fd_write: Ok(3)\n"), "{err}");
    assert_eq!(err.lines().count(), 2, "{err}");
}

#[test]
fn trace_file_takes_the_lines_off_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let module = wat(&dir, "mixed", MIXED);
    let file = dir.path().join("trace.txt");
    let out = output(&mut capwasi(&["run", "--trace-file", &file.display().to_string(), &module]));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out), "");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(traced(&text), ["clock_time_get", "fd_write", "random_get", "proc_exit"]);
    assert!(text.ends_with("==> proc_exit(rval=0)\n<== proc_exit: exited with status 0\n"), "{text}");

    let out = output(&mut capwasi(&["run", "--trace=clock", "--trace-file", &file.display().to_string(), &module]));
    assert_eq!((out.status.code(), stderr(&out)), (Some(0), String::new()));
    assert_eq!(traced(&std::fs::read_to_string(&file).unwrap()), ["clock_time_get"]);
}

#[test]
fn unknown_families_and_unwritable_trace_files_are_usage_errors() {
    let out = output(&mut capwasi(&["run", "--trace=fs,files", "m.wasm"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "'files' is not a family of functions; families: fs, clock, poll, proc, random, sock, args, dagger, cwa"
        ),
        "{}",
        stderr(&out)
    );
    let out = output(&mut capwasi(&["run", "--trace-file", "/no/such/dir/trace.txt", "m.wasm"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("capwasi: --trace-file: cannot create /no/such/dir/trace.txt: "),
        "{}",
        stderr(&out)
    );
}

/// Asks path_filestat_get (no SYMLINK_FOLLOW) about `no.txt`, a name with a
/// newline, a quote, a byte that is not UTF-8 and a control character, a
/// 300-byte name, and a name out of memory; then renames `ok.txt` to `é`. The
/// preopen is fd 3.
const STRINGS: &str = r#"(module
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $stat (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_rename" (func $rename (param i32 i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "ok.txt")
  (data (i32.const 110) "no.txt")
  (data (i32.const 120) "a\n\"b\ff\01")
  (data (i32.const 140) "\c3\a9")
  (func (export "_start")
    (memory.fill (i32.const 1000) (i32.const 0x61) (i32.const 300))
    (drop (call $stat (i32.const 3) (i32.const 0) (i32.const 110) (i32.const 6) (i32.const 512)))
    (drop (call $stat (i32.const 3) (i32.const 0) (i32.const 120) (i32.const 6) (i32.const 512)))
    (drop (call $stat (i32.const 3) (i32.const 0) (i32.const 1000) (i32.const 300) (i32.const 512)))
    (drop (call $stat (i32.const 3) (i32.const 0) (i32.const 65530) (i32.const 10) (i32.const 512)))
    (drop (call $rename (i32.const 3) (i32.const 100) (i32.const 6) (i32.const 3) (i32.const 140) (i32.const 2)))))"#;

#[test]
fn the_trace_shows_the_strings_a_call_was_given_quoted_escaped_and_cut() {
    let dir = tempfile::tempdir().unwrap();
    let module = wat(&dir, "strings", STRINGS);
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("ok.txt"), "x").unwrap();
    let preopen = format!("{}::.", data.display());
    let out = output(&mut capwasi(&["run", "--no-cache", "--trace=fs", "--dir", &preopen, &module]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let long = format!("\"{}\"...", "a".repeat(256));
    let expected = [
        "==> path_filestat_get(fd=Fd(3), flags=Lookupflags(0x0), path=\"no.txt\")".to_string(),
        "<== path_filestat_get: errno=NOENT".to_string(),
        "==> path_filestat_get(fd=Fd(3), flags=Lookupflags(0x0), path=\"a\\n\\\"b\\xff\\x01\")".to_string(),
        "<== path_filestat_get: errno=ILSEQ".to_string(),
        format!("==> path_filestat_get(fd=Fd(3), flags=Lookupflags(0x0), path={long})"),
        "<== path_filestat_get: errno=NAMETOOLONG".to_string(),
        "==> path_filestat_get(fd=Fd(3), flags=Lookupflags(0x0), path=*guest 0xfffa/10 (out of bounds))".to_string(),
        "<== path_filestat_get: errno=FAULT".to_string(),
        "==> path_rename(fd=Fd(3), old_path=\"ok.txt\", new_fd=Fd(3), new_path=\"é\")".to_string(),
        "<== path_rename: Ok(())".to_string(),
    ];
    let err = stderr(&out);
    let lines: Vec<&str> =
        err.lines().filter(|l| !l.contains("proc_exit") && !l.starts_with("==> fd_prestat")).collect();
    assert_eq!(lines, expected.iter().map(String::as_str).collect::<Vec<_>>(), "{err}");
    assert!(data.join("é").exists());
}
