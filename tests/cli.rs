//! The `capwasi` command as a process: arguments, environment, exit statuses
//! and the one-line host errors of the exit-code contract.

mod common;

use std::process::{Command, Output};

use common::cli::{output, stderr, stdout, wat_module};
use common::guest;

/// `capwasi ARGS` with `HOST_ONLY=secret` and `PASSED=from-host` its only environment.
fn capwasi(args: &[&str]) -> Output {
    output(common::cli::capwasi(args).env("HOST_ONLY", "secret").env("PASSED", "from-host"))
}

fn path(name: &str) -> String {
    guest(name).display().to_string()
}

#[test]
fn demo_without_arguments_prints_its_usage_and_exits_1() {
    let out = capwasi(&["run", &path("examples/copy")]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "usage: copy.wasm <from> <to>\n");
}

#[test]
fn run_is_optional_and_arguments_after_the_module_are_the_guests() {
    let out = capwasi(&[&path("c-tests/args_env"), "--env", "X", "-h"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "argc=4\nargv[0]=args_env.wasm\nargv[1]=--env\nargv[2]=X\nargv[3]=-h\n");
}

#[test]
fn env_is_empty_unless_given() {
    for name in ["c-tests/args_env", "rust-tests/args_env"] {
        let out = capwasi(&["run", &path(name)]);
        assert_eq!(stdout(&out), "argc=1\nargv[0]=args_env.wasm\n", "{name}");
        let out =
            capwasi(&["run", "--env", "A=1", "--env", "PASSED", "--env", "NOT_SET", "--argv0", "prog", &path(name)]);
        assert_eq!(stdout(&out), "argc=1\nargv[0]=prog\nenv:A=1\nenv:PASSED=from-host\n", "{name}");
    }
}

#[test]
fn inherit_env_passes_the_whole_host_environment() {
    let out = capwasi(&["run", "--inherit-env", &path("c-tests/args_env")]);
    let text = stdout(&out);
    assert!(text.contains("env:HOST_ONLY=secret\n"), "{text}");
    assert!(text.contains("env:PASSED=from-host\n"), "{text}");
}

#[test]
fn exit_statuses_pass_through() {
    for name in ["c-tests/exit_code", "rust-tests/exit_code"] {
        for code in ["0", "1", "42"] {
            let out = capwasi(&[&path(name), code]);
            assert_eq!(out.status.code(), Some(code.parse().unwrap()), "{name} {code}");
        }
    }
}

#[test]
fn traps_exit_134_with_a_backtrace_and_keep_earlier_output() {
    for (name, before) in [
        ("c-tests/abort", "before abort\n"),
        ("c-tests/unreachable", "before trap\n"),
        ("rust-tests/panic", "before panic\n"),
    ] {
        let out = capwasi(&[&path(name)]);
        assert_eq!(out.status.code(), Some(134), "{name}");
        assert_eq!(stdout(&out), before, "{name}");
        let err = stderr(&out);
        assert!(
            err.contains("capwasi: the guest trapped: wasm trap: wasm `unreachable` instruction executed"),
            "{name}: {err}"
        );
        assert!(err.contains("wasm backtrace:") && err.contains("    0: "), "{name}: {err}");
    }
}

fn assert_one_line_host_error(out: &Output, needle: &str) {
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("capwasi: ") && err.contains(needle), "{err}");
}

#[test]
fn missing_module_is_one_line_exit_1() {
    let out = capwasi(&["run", "/no/such/module.wasm"]);
    assert_one_line_host_error(&out, "cannot read module '/no/such/module.wasm': no such file");
}

#[test]
fn non_wasm_file_is_one_line_exit_1() {
    let out = capwasi(&["run", concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")]);
    assert_one_line_host_error(&out, "is not a WebAssembly module");
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.wasm");
    std::fs::write(&bad, b"\0asm\x01\0\0\0\xff").unwrap();
    let out = capwasi(&["run", bad.to_str().unwrap()]);
    assert_one_line_host_error(&out, "is not a valid WebAssembly module");
}

#[test]
fn unknown_import_is_named_with_the_fix() {
    let out = capwasi(&["run", &path("c-tests/unknown_import")]);
    assert_one_line_host_error(&out, "`wasi_snapshot_preview1::not_a_function`, `env::host_thing`");
    assert!(stderr(&out).contains("--trap-unknown-imports"));
}

#[test]
fn calling_an_import_stood_in_for_by_trap_unknown_imports_is_a_trap() {
    let out = capwasi(&["run", "--trap-unknown-imports", &path("c-tests/unknown_import")]);
    assert_eq!(out.status.code(), Some(134), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.starts_with("capwasi: the guest trapped: "), "{err}");
    assert!(err.contains("wasi_snapshot_preview1::not_a_function"), "{err}");
}

#[test]
fn missing_preopen_names_the_flag() {
    let out = capwasi(&["run", "--dir", "/no/such/dir::/data", &path("c-tests/hello")]);
    assert_one_line_host_error(
        &out,
        "cannot open preopen '/data' (host '/no/such/dir'): no such directory on the host; check --dir",
    );
    let out = capwasi(&["run", "--mapdir", "/data::/no/such/dir", &path("c-tests/hello")]);
    assert_one_line_host_error(&out, "check --mapdir");
}

#[test]
fn usage_errors_exit_2() {
    let out = capwasi(&["run", "--no-such-flag", "x.wasm"]);
    assert_eq!(out.status.code(), Some(2));
    let out = capwasi(&["run", "--dir", "::", "x.wasm"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--dir ::: expected HOST"), "{}", stderr(&out));
}

#[test]
fn help_documents_the_exit_codes() {
    let out = capwasi(&["run", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("134   the guest trapped"), "{}", stdout(&out));
}

#[test]
fn invoke_calls_another_export_with_typed_arguments() {
    let (_dir, wat) = wat_module(
        r#"(module (func (export "add") (param i32 i64) (result i64) (i64.add (i64.extend_i32_s (local.get 0)) (local.get 1))))"#,
    );
    let out = capwasi(&["run", "--invoke", "add", &wat, "-2", "40"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "38\n");
}

#[test]
fn reactors_get_initialize_before_the_invoked_export() {
    let (_dir, wat) = wat_module(
        r#"(module (global $g (mut i32) (i32.const 0))
        (func (export "_initialize") (global.set $g (i32.const 7)))
        (func (export "get") (result i32) (global.get $g)))"#,
    );
    let out = capwasi(&["run", "--invoke", "get", &wat]);
    assert_eq!(stdout(&out), "7\n", "{}", stderr(&out));
}

#[test]
fn trace_prints_each_call_and_its_result() {
    let out = capwasi(&["run", "--trace", &path("c-tests/exit_code"), "3"]);
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(err.contains("==> args_sizes_get()\n<== args_sizes_get: Ok((2, "), "{err}");
    assert!(err.ends_with("==> proc_exit(rval=3)\n<== proc_exit: exited with status 3\n"), "{err}");
    let out = capwasi(&["run", "--trace", &path("c-tests/stdio_fdstat")]);
    assert!(stderr(&out).contains("==> fd_fdstat_get(fd=Fd(99))\n<== fd_fdstat_get: errno=BADF\n"), "{}", stderr(&out));
}

#[test]
fn compiled_modules_are_cached_under_xdg_cache_home() {
    let cache = tempfile::tempdir().unwrap();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_capwasi"))
            // Cranelift's code goes to the cache during the run (not from a filler afterwards).
            .args(["run", "--cold-compiler=cranelift", &path("c-tests/hello")])
            .env("XDG_CACHE_HOME", cache.path())
            .output()
            .unwrap()
    };
    assert_eq!(stdout(&run()), "hello, world\n");
    let files = || -> Vec<String> {
        let dir = std::fs::read_dir(cache.path().join("capwasi/modules")).unwrap();
        dir.map(|e| e.unwrap().file_name().into_string().unwrap()).collect()
    };
    // One entry, and (for a module file that last changed over 2 s ago) the index that finds it.
    assert_eq!(files().iter().filter(|name| name.ends_with(".cwasm")).count(), 1, "{:?}", files());
    assert!(files().iter().all(|name| name.ends_with(".cwasm") || name.ends_with(".idx")), "{:?}", files());
    assert_eq!(stdout(&run()), "hello, world\n", "runs from the cache entry");
}

#[test]
fn a_cwasm_runs_with_the_fuel_and_timeout_settings_it_was_compiled_for() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.cwasm").display().to_string();
    let both = dir.path().join("both.cwasm").display().to_string();
    let hello = path("c-tests/hello");
    for (output, extra) in [(&plain, &[][..]), (&both, &["--with-fuel", "--with-timeout"][..])] {
        let mut args = vec!["compile", &hello, "-o", output];
        args.extend_from_slice(extra);
        let out = capwasi(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let run = |cwasm: &str, flags: &[&str]| {
        let mut args = vec!["run", "--allow-precompiled"];
        args.extend_from_slice(flags);
        args.push(cwasm);
        capwasi(&args)
    };
    for (cwasm, flags) in [(&plain, &[][..]), (&both, &["--fuel", "100000000", "--timeout", "1m"][..])] {
        let out = run(cwasm, flags);
        assert_eq!(out.status.code(), Some(0), "{cwasm} {flags:?}: {}", stderr(&out));
        assert_eq!(stdout(&out), "hello, world\n");
    }
    let out = run(&plain, &["--fuel", "100000000"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("compiled without fuel support"), "{}", stderr(&out));
    assert!(stderr(&out).contains("`capwasi compile --with-fuel` runs only with --fuel"), "{}", stderr(&out));
    let out = run(&plain, &["--timeout", "1m"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("`capwasi compile --with-timeout` runs only with --timeout"), "{}", stderr(&out));
    let out = run(&both, &[]);
    assert_eq!(out.status.code(), Some(1), "a .cwasm with fuel counting runs only under --fuel");
    assert!(stderr(&out).contains("compile it again to match"), "{}", stderr(&out));
}

#[test]
fn inherit_env_skips_host_variables_that_are_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let out = Command::new(env!("CARGO_BIN_EXE_capwasi"))
        .args(["run", "--inherit-env", &path("c-tests/args_env")])
        .env_clear()
        .env("GOOD", "yes")
        .env(std::ffi::OsStr::from_bytes(b"BAD"), std::ffi::OsStr::from_bytes(b"\xff\xfe"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "argc=1\nargv[0]=args_env.wasm\nenv:GOOD=yes\n");
}

#[test]
fn max_fds_caps_open_descriptors_with_emfile() {
    let dir = tempfile::tempdir().unwrap();
    let spec = format!("{}::/d", dir.path().display());
    let out = capwasi(&["run", "--max-fds", "10", "--dir", &spec, &path("c-tests/open_until_emfile")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // 10 = stdin, stdout, stderr, the preopen, and 6 more.
    assert_eq!(stdout(&out), "opened 6, then: No file descriptors available\n");
}

#[test]
fn host_calls_see_memory_grown_during_the_run() {
    // Grows from 1 page to 2, has args_sizes_get write argc into the new page
    // (64 KiB = 65536), and exits with it, or with 100 + errno if the call fails.
    let (_dir, wat) = wat_module(
        r#"(module
             (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
             (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
             (memory (export "memory") 1)
             (func (export "_start") (local $errno i32)
               (drop (memory.grow (i32.const 1)))
               (local.set $errno (call $sizes (i32.const 65536) (i32.const 65540)))
               (if (local.get $errno) (then (call $exit (i32.add (i32.const 100) (local.get $errno)))))
               (call $exit (i32.load (i32.const 65536)))))"#,
    );
    let out = capwasi(&["run", &wat, "a", "b"]);
    assert_eq!(out.status.code(), Some(3), "argc written into the grown page; stderr: {}", stderr(&out));
}

#[test]
fn filestat_calls_write_the_abi_layout_and_refuse_undefined_lookup_flags() {
    // Fills the result area with 0xff, stats "f" (flags from argc: 1 = SYMLINK_FOLLOW with
    // no guest arguments, 2 = an undefined bit with one), and exits with the size field
    // (offset 32) + 10 * the filetype byte (offset 16) + 100 * the padding bytes after it
    // that are still 0xff; or with 200 + errno if the call fails.
    let (dir, wat) = wat_module(
        r#"(module
             (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
             (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
             (import "wasi_snapshot_preview1" "path_filestat_get"
               (func $stat (param i32 i32 i32 i32 i32) (result i32)))
             (memory (export "memory") 1)
             (data (i32.const 8) "f")
             (func (export "_start") (local $errno i32)
               (drop (call $sizes (i32.const 0) (i32.const 4)))
               (memory.fill (i32.const 64) (i32.const 0xff) (i32.const 64))
               (local.set $errno (call $stat (i32.const 3) (i32.load (i32.const 0)) (i32.const 8) (i32.const 1) (i32.const 64)))
               (if (local.get $errno) (then (call $exit (i32.add (i32.const 200) (local.get $errno)))))
               (call $exit (i32.add (i32.load (i32.const 96))
                 (i32.add (i32.mul (i32.const 10) (i32.load8_u (i32.const 80)))
                   (i32.mul (i32.const 100) (i32.eq (i32.load8_u (i32.const 81)) (i32.const 0xff))))))))"#,
    );
    std::fs::write(dir.path().join("f"), "12345").unwrap();
    let spec = format!("{}::/d", dir.path().display());
    let out = capwasi(&["run", "--dir", &spec, &wat]);
    // size 5 + 10 * regular file (4), padding zeroed.
    assert_eq!(out.status.code(), Some(45), "{}", stderr(&out));
    let out = capwasi(&["run", "--dir", &spec, &wat, "x"]);
    // As in every other call: an undefined flag bit is EINVAL (28), and the guest goes on.
    assert_eq!(out.status.code(), Some(200 + 28), "{}", stderr(&out));
}

#[test]
fn bad_iovec_pointers_are_errnos_not_crashes() {
    // Each case calls fd_write (to stdout) or fd_read (from stdin) with a bad iovec array or
    // buffer and stores the errno as one byte at 1024 + case; the bytes are then written to
    // stdout. No case may make the host allocate by the guest's count. Memory is one page (65536 bytes). The valid iovec at 16 describes those bytes.
    let (_dir, wat) = wat_module(
        r#"(module
             (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
             (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
             (memory (export "memory") 1)
             (func $case (param $n i32) (param $errno i32)
               (i32.store8 (i32.add (i32.const 1024) (local.get $n)) (local.get $errno)))
             (func (export "_start") (local $i i32)
               ;; iovec at 32: a buffer reaching past the end of memory
               (i32.store (i32.const 32) (i32.const 65530)) (i32.store (i32.const 36) (i32.const 100))
               ;; iovec at 40: a length of 4 GiB - 1
               (i32.store (i32.const 40) (i32.const 0)) (i32.store (i32.const 44) (i32.const -1))
               ;; iovec at 48: a valid empty buffer, then at 56 one past the end
               (i32.store (i32.const 48) (i32.const 0)) (i32.store (i32.const 52) (i32.const 0))
               (i32.store (i32.const 56) (i32.const 65536)) (i32.store (i32.const 60) (i32.const 1))
               (call $case (i32.const 0) (call $write (i32.const 1) (i32.const 65532) (i32.const 1) (i32.const 8)))
               (call $case (i32.const 1) (call $write (i32.const 1) (i32.const 2) (i32.const 1) (i32.const 8)))
               (call $case (i32.const 2) (call $write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 8)))
               (call $case (i32.const 3) (call $write (i32.const 1) (i32.const 40) (i32.const 1) (i32.const 8)))
               (call $case (i32.const 4) (call $write (i32.const 1) (i32.const 0) (i32.const 0x20000000) (i32.const 8)))
               (call $case (i32.const 5) (call $write (i32.const 1) (i32.const 48) (i32.const 2) (i32.const 8)))
               (call $case (i32.const 6) (call $read (i32.const 0) (i32.const 65532) (i32.const 1) (i32.const 8)))
               (call $case (i32.const 7) (call $read (i32.const 0) (i32.const 2) (i32.const 1) (i32.const 8)))
               (call $case (i32.const 8) (call $read (i32.const 0) (i32.const 32) (i32.const 1) (i32.const 8)))
               (call $case (i32.const 9) (call $read (i32.const 0) (i32.const 48) (i32.const 2) (i32.const 8)))
               (call $case (i32.const 10) (call $write (i32.const 1) (i32.const 2) (i32.const 0x20000000) (i32.const 8)))
               (call $case (i32.const 11) (call $write (i32.const 1) (i32.const 70000) (i32.const 0) (i32.const 8)))
               ;; 2000 one-byte buffers, all of them the 'a' at 3000, to stderr: at most 1024 go
               ;; to one call (a short write); case 12 is 1 if exactly 1024 bytes were written.
               (i32.store8 (i32.const 3000) (i32.const 97))
               (local.set $i (i32.const 0))
               (loop $fill
                 (i32.store (i32.add (i32.const 4096) (i32.mul (local.get $i) (i32.const 8))) (i32.const 3000))
                 (i32.store (i32.add (i32.const 4100) (i32.mul (local.get $i) (i32.const 8))) (i32.const 1))
                 (local.set $i (i32.add (local.get $i) (i32.const 1)))
                 (br_if $fill (i32.lt_u (local.get $i) (i32.const 2000))))
               (drop (call $write (i32.const 2) (i32.const 4096) (i32.const 2000) (i32.const 8)))
               (call $case (i32.const 12) (i32.eq (i32.load (i32.const 8)) (i32.const 1024)))
               (i32.store (i32.const 16) (i32.const 1024)) (i32.store (i32.const 20) (i32.const 13))
               (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 8)))))"#,
    );
    let out = capwasi(&["run", &wat]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (fault, inval) = (21, 28);
    // write: array past the end, misaligned array, buffer past the end, 4 GiB buffer, array
    // length overflowing, a buffer one past the end after an empty one; read: the same kinds;
    // write: misaligned array with a huge count, an empty array anywhere, 2000 buffers.
    let expected = [fault, inval, fault, fault, fault, fault, fault, inval, fault, fault, inval, 0, 1];
    assert_eq!(out.stdout, expected);
    assert_eq!(stderr(&out), "a".repeat(1024));
}

#[test]
fn max_memory_caps_memory_growth() {
    // Starts with 1 page (64 KiB) and exits with 1 if growing by 2 more pages succeeds, 0 if refused.
    let (_dir, wat) = wat_module(
        r#"(module
             (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
             (memory (export "memory") 1)
             (func (export "_start")
               (call $exit (i32.ne (memory.grow (i32.const 2)) (i32.const -1)))))"#,
    );
    let out = capwasi(&["run", "--max-memory", "128K", &wat]);
    assert_eq!(out.status.code(), Some(0), "growth to 192 KiB refused under a 128 KiB cap");
    let out = capwasi(&["run", "--max-memory", "1M", &wat]);
    assert_eq!(out.status.code(), Some(1), "growth allowed under a 1 MiB cap");
}

#[test]
fn max_wasm_stack_takes_a_positive_size_with_a_suffix() {
    let out = capwasi(&["run", "--max-wasm-stack", "0", &path("c-tests/hello")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("'0' is not a stack size: give one from 1 byte to 1G"), "{}", stderr(&out));
    let out = capwasi(&["run", "--max-wasm-stack", "64K", &path("c-tests/hello")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "hello, world\n");
}

#[test]
fn an_exit_status_above_255_exits_1_with_one_line() {
    // The OS keeps the low 8 bits of an exit status: 256 would read as success.
    let (_dir, wat) = wat_module(
        r#"(module
             (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
             (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
             (memory (export "memory") 1)
             (func (export "_start")
               (drop (call $sizes (i32.const 0) (i32.const 4)))
               (call $exit (i32.add (i32.const 253) (i32.load (i32.const 0))))))"#,
    );
    // argc is 1 + the arguments: status 254, 255, 256, 257.
    for (args, code) in [(&[][..], 254), (&["a"][..], 255)] {
        let out = capwasi(&[&["run", &wat][..], args].concat());
        assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
        assert_eq!(stderr(&out), "");
    }
    for (args, status) in [(&["a", "b"][..], 256), (&["a", "b", "c"][..], 257)] {
        let out = capwasi(&[&["run", &wat][..], args].concat());
        assert_eq!(
            stderr(&out),
            format!(
                "capwasi: the guest exited with status {status}, which an exit status cannot carry (0-255); \
                 exiting with 1\n"
            )
        );
        assert_eq!(out.status.code(), Some(1));
    }
}

#[test]
fn overlapping_preopens_with_different_access_get_a_warning_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("x")).unwrap();
    let whole = dir.path().display().to_string();
    let inner = format!("{}::/x::ro", dir.path().join("x").display());
    let out = capwasi(&["run", "--dir", &whole, "--dir", &inner, &path("c-tests/hello")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "hello, world\n");
    assert_eq!(
        stderr(&out),
        format!(
            "capwasi: warning: --dir {whole} (read-write) and --dir {inner} (read-only) overlap on the host: \
             the guest can change /x through {whole}\n"
        )
    );
    let same_access = format!("{}::/x", dir.path().join("x").display());
    let out = capwasi(&["run", "--dir", &whole, "--dir", &same_access, &path("c-tests/hello")]);
    assert_eq!(stderr(&out), "", "same access: nothing to warn about");
}

#[test]
fn a_cache_directory_others_can_write_is_refused_in_one_line_and_the_module_compiled() {
    use std::os::unix::fs::PermissionsExt;
    let cache = tempfile::tempdir().unwrap();
    std::fs::set_permissions(cache.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_capwasi"))
        .args(["run", &path("c-tests/hello")])
        .env_clear()
        .env("XDG_CACHE_HOME", cache.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "hello, world\n");
    assert_eq!(
        stderr(&out),
        format!(
            "capwasi: not using the compile cache: {} is writable by group or others (mode 0777); \
             fix it, or pass --no-cache\n",
            cache.path().canonicalize().unwrap().display()
        )
    );
    assert!(!cache.path().join("capwasi").exists(), "nothing made in an untrusted directory");
}

#[test]
fn a_module_with_a_shared_memory_is_refused_before_it_runs() {
    // capwasi does not support wasm threads: its engine leaves the proposal off,
    // so no host call ever sees a shared memory (and were an embedder's engine
    // to allow one, the first host call would trap).
    let (_dir, wat) = wat_module(r#"(module (memory (export "memory") 1 1 shared) (func (export "_start")))"#);
    let out = capwasi(&["run", &wat]);
    assert_one_line_host_error(&out, "is not a valid WebAssembly module");
    assert!(stderr(&out).contains("threads"), "{}", stderr(&out));
}

/// The write end of a pipe whose reader is gone: every write fails with EPIPE.
fn broken_pipe() -> std::io::PipeWriter {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    writer
}

#[test]
fn a_closed_stderr_or_stdout_does_not_change_the_exit_status() {
    let status = |args: &[&str], stdout_broken: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_capwasi"));
        command.args(args).env_clear();
        if stdout_broken {
            command.stdout(broken_pipe()).stderr(std::process::Stdio::null());
        } else {
            command.stdout(std::process::Stdio::null()).stderr(broken_pipe());
        }
        command.status().unwrap().code()
    };
    // Rust's eprintln! and println! panic on EPIPE, which exits 101.
    assert_eq!(status(&["run", &path("c-tests/unreachable")], false), Some(134), "trap report to a closed stderr");
    assert_eq!(status(&["run", "/nonexistent/module.wasm"], false), Some(1), "host error to a closed stderr");
    assert_eq!(status(&["completions", "bash"], true), Some(0), "completions to a closed stdout");
    assert_eq!(status(&["run", "--print-policy", &path("c-tests/hello")], true), Some(0), "policy to a closed stdout");
}

#[test]
fn serve_file_is_optional_in_help_man_page_completions_and_parsing_alike() {
    let help = stdout(&capwasi(&["serve", "--help"]));
    assert!(help.contains("Usage: capwasi serve [OPTIONS] [FILE] [ARGS]..."), "{help}");
    let page = stdout(&capwasi(&["man", "serve"]));
    assert!(page.contains("[\\fIFILE\\fR]"), "{page}");
    assert!(
        page.contains("optional when \\-\\-route, \\-\\-routes or [[route]] tables in the \\-\\-policy file"),
        "{page}"
    );
    let zsh = stdout(&capwasi(&["completions", "zsh"]));
    assert!(zsh.contains("'::module -- The module serving every path no route serves"), "optional in zsh's completion");
    // Whether there is anything to serve is known once a --policy file is read.
    let out = capwasi(&["serve", "--listen", "127.0.0.1:0"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "capwasi: nothing to serve: give FILE.wasm (serves every path), --route PREFIX=MODULE, \
         --routes FILE.toml or [[route]] tables in the --policy file\n"
    );
}

#[test]
fn serve_help_does_not_offer_the_run_flags_serve_refuses() {
    let help = stdout(&capwasi(&["serve", "--help"]));
    for flag in ["--invoke", "--tcplisten", "--print-policy"] {
        assert!(!help.lines().any(|line| line.trim_start().starts_with(flag)), "serve --help offers {flag}:\n{help}");
        let out = capwasi(&["serve", flag, "x", "hello.wasm"]);
        assert_eq!(out.status.code(), Some(2), "{flag}");
    }
    assert!(stdout(&capwasi(&["run", "--help"])).contains("--invoke"), "run still offers --invoke");
}
