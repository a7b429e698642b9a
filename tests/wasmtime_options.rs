//! `wasmtime run` command lines under the real `capwasi` process: `-W`/`-S` options that set
//! capwasi's flags do what the flags do, options meaningless for a preview1 module are accepted
//! without a word, and the rest are refused (exit 2) naming the option.

mod common;

use std::process::Output;

use common::cli::{output, stderr, stdout, wat_module};
use common::guest;

/// `capwasi ARGS` with `HOST_ONLY=secret` its only environment variable.
fn capwasi(args: &[&str]) -> Output {
    output(common::cli::capwasi(args).env("HOST_ONLY", "secret"))
}

fn path(name: &str) -> String {
    guest(name).display().to_string()
}

#[test]
fn gos_wasmtime_command_line_runs_as_is() {
    // What $GOROOT/lib/wasm/go_wasip1_wasm_exec runs, with a C guest.
    let args = ["run", "--dir=/", "--env", "PWD=/tmp", "--env", "PATH=/bin", "-W", "max-wasm-stack=8388608"];
    let out = capwasi(&[&args[..], &[&path("c-tests/args_env"), "x"]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "argc=2\nargv[0]=args_env.wasm\nargv[1]=x\nenv:PWD=/tmp\nenv:PATH=/bin\n");
    assert_eq!(stderr(&out), "");
}

#[test]
fn max_wasm_stack_sets_the_stack_a_recursion_may_use() {
    // Recurses 10000 deep: about 320 KiB of wasm stack with a few locals a frame.
    let (_dir, wat) = wat_module(
        r#"(module
             (func $down (param $n i32) (local i64 i64 i64)
               (if (local.get $n) (then (call $down (i32.sub (local.get $n) (i32.const 1))))))
             (func (export "_start") (call $down (i32.const 10000))))"#,
    );
    let out = capwasi(&["run", "-W", "max-wasm-stack=65536", &wat]);
    assert_eq!(out.status.code(), Some(134), "{}", stderr(&out));
    assert!(stderr(&out).contains("call stack exhausted"), "{}", stderr(&out));
    let out = capwasi(&["run", "-W", "max-wasm-stack=0x800000", &wat]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn max_memory_size_caps_memory_grow() {
    // Exits with the low 8 bits of what memory.grow of one page returns: the old size (1), or
    // -1 (255) if refused: the guest's own status, as `wasmtime run` exits.
    let (_dir, wat) = wat_module(
        r#"(module
             (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
             (memory (export "memory") 1)
             (func (export "_start") (call $exit (i32.and (memory.grow (i32.const 1)) (i32.const 255)))))"#,
    );
    assert_eq!(capwasi(&["run", &wat]).status.code(), Some(1));
    assert_eq!(capwasi(&["run", "-W", "max-memory-size=65536", &wat]).status.code(), Some(255));
    assert_eq!(capwasi(&["run", "--wasm=max-memory-size=131072", &wat]).status.code(), Some(1));
}

#[test]
fn inherit_env_passes_the_host_environment_and_env_overrides_it() {
    let out = capwasi(&["run", "-S", "inherit-env", "--env", "HOST_ONLY=mine", &path("c-tests/args_env")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "argc=1\nargv[0]=args_env.wasm\nenv:HOST_ONLY=mine\n");
    let out = capwasi(&["run", "-Sinherit-env", &path("c-tests/args_env")]);
    assert_eq!(stdout(&out), "argc=1\nargv[0]=args_env.wasm\nenv:HOST_ONLY=secret\n");
}

#[test]
fn unknown_imports_trap_runs_a_module_with_imports_capwasi_lacks() {
    let out = capwasi(&["run", &path("c-tests/unknown_import")]);
    assert_eq!(out.status.code(), Some(1), "refused before it runs: {}", stderr(&out));
    assert!(stderr(&out).contains("pass --trap-unknown-imports to run it anyway"), "{}", stderr(&out));
    // It runs, and fails where it calls the missing function, as under --trap-unknown-imports.
    let out = capwasi(&["run", "-W", "unknown-imports-trap=y", &path("c-tests/unknown_import")]);
    let text = stderr(&out);
    assert!(text.contains("unknown import: `wasi_snapshot_preview1::not_a_function` has not been defined"), "{text}");
    assert!(!text.contains("--trap-unknown-imports"), "{text}");
}

#[test]
fn options_meaningless_for_preview1_are_accepted_without_a_word() {
    let out = capwasi(&[
        "run",
        "-S",
        "cli,common=y,preview2=n,p3,tcp=n,udp=n,inherit-network,cwd=/x,inherit-stdout,threads=n",
        "-W",
        "component-model,async-stack-size=4194304,simd=y,threads=n,branch-hinting",
        &path("c-tests/hello"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "hello, world\n");
    assert_eq!(stderr(&out), "");
}

#[test]
fn unsupported_and_unknown_options_are_refused_by_name() {
    let hello = path("c-tests/hello");
    for (option, message) in [
        (["-W", "threads=y"], "error: -W threads=y is not supported: capwasi runs with wasmtime's default wasm"),
        (["-S", "inherit-stdin=n"], "error: -S inherit-stdin=n is not supported: capwasi always hands the guest"),
        (["-W", "max-tables=2"], "error: -W max-tables=2 is not supported: capwasi has no limit on tables"),
        (["-S", "nn"], "error: -S nn is not supported: capwasi does not provide wasi-nn"),
        (["-W", "simd,bogus=1"], "error: unknown -W option `bogus` (`capwasi run -W help` lists"),
        (["-S", "max-wasm-stack=1"], "error: unknown -S option `max-wasm-stack`"),
        (["-W", "max-wasm-stack=8M"], "error: -W max-wasm-stack=8M: `8M` is not a number"),
        (["-W", "max-wasm-stack=0"], "capwasi: -W max-wasm-stack=0: 0 bytes is not a stack size"),
    ] {
        let out = capwasi(&["run", option[0], option[1], &hello]);
        assert_eq!(out.status.code(), Some(2), "{option:?}: {}", stderr(&out));
        assert!(stderr(&out).starts_with(message), "{option:?}: {}", stderr(&out));
        assert_eq!(stdout(&out), "", "the guest does not run");
    }
}

#[test]
fn help_lists_each_option_with_what_capwasi_does() {
    let out = capwasi(&["run", "-W", "help"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("\n  -W max-wasm-stack=N "), "{text}");
    assert!(text.contains("  --max-wasm-stack N\n"), "{text}");
    let out = capwasi(&["run", "-S", "help"]);
    assert!(stdout(&out).contains("\n  -S tcplisten=ADDR:PORT "), "{}", stdout(&out));
}
