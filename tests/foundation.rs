//! Args, environment, exit status, clocks, random and stdio through real C and
//! Rust guests, run in-process.

mod common;

use common::{guest, run};

#[test]
fn hello_world_c() {
    let out = run(&guest("c-tests/hello"), |b| {
        b.arg("hello");
    });
    assert_eq!(out.exit, Some(0), "{out:?}");
    assert_eq!(out.stdout, "hello, world\n");
}

#[test]
fn hello_world_rust() {
    let out = run(&guest("rust-tests/hello"), |b| {
        b.arg("hello");
    });
    assert_eq!(out.exit, Some(0), "{out:?}");
    assert_eq!(out.stdout, "hello, world\n");
}

fn args_env_expected(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut expected = format!("argc={}\n", args.len());
    for (i, arg) in args.iter().enumerate() {
        expected += &format!("argv[{i}]={arg}\n");
    }
    for (k, v) in env {
        expected += &format!("env:{k}={v}\n");
    }
    expected
}

#[test]
fn guests_see_args_and_env_exactly_as_given() {
    let args = ["prog", "plain", "with space", "", "--flag", "ünïcödé", "a=b"];
    let env = [("A", "1"), ("EMPTY", ""), ("EQ", "x=y"), ("UTF", "é")];
    for name in ["c-tests/args_env", "rust-tests/args_env"] {
        let out = run(&guest(name), |b| {
            b.args(args);
            for (k, v) in env {
                b.env(k, v);
            }
        });
        assert_eq!(out.exit, Some(0), "{name}: {out:?}");
        assert_eq!(out.stdout, args_env_expected(&args, &env), "{name}");
    }
}

#[test]
fn no_args_and_no_env_by_default() {
    for name in ["c-tests/args_env", "rust-tests/args_env"] {
        let out = run(&guest(name), |_| {});
        assert_eq!(out.exit, Some(0), "{name}: {out:?}");
        assert_eq!(out.stdout, "argc=0\n", "{name}");
    }
}

#[test]
fn proc_exit_status_passes_through_unchanged() {
    for name in ["c-tests/exit_code", "rust-tests/exit_code"] {
        for code in [0, 1, 42, 255] {
            let out = run(&guest(name), |b| {
                b.args(["exit_code".to_string(), code.to_string()]);
            });
            assert_eq!(out.exit, Some(code), "{name} {code}: {out:?}");
        }
    }
}

#[test]
fn abort_traps_after_its_output() {
    let out = run(&guest("c-tests/abort"), |_| {});
    assert_eq!(out.exit, None);
    assert!(out.error.as_deref().unwrap().contains("unreachable"), "{out:?}");
    assert_eq!(out.stdout, "before abort\n");
}

#[test]
fn clocks_behave() {
    // 1M monotonic reads never go back; realtime is after 2020; CPU clocks work.
    let out = run(&guest("c-tests/clock_monotonic"), |_| {});
    assert_eq!((out.exit, out.stdout.as_str()), (Some(0), "ok\n"), "{out:?}");
}

#[test]
fn random_get_fills_16_mib_in_one_call() {
    let out = run(&guest("c-tests/random_large"), |_| {});
    assert_eq!((out.exit, out.stdout.as_str()), (Some(0), "ok\n"), "{out:?}");
}

#[test]
fn stdio_fdstat_and_badf() {
    let out = run(&guest("c-tests/stdio_fdstat"), |_| {});
    assert_eq!(out.exit, Some(0), "{out:?}");
    // Captured stdio is backed by no host descriptor: filetype unknown (0).
    assert_eq!(out.stdout, "fd1 filetype=0\nfd2 filetype=0\nok\n");
}

#[test]
fn injected_clock_is_what_the_guest_reads() {
    struct Fixed;
    impl capwasi::WallClock for Fixed {
        fn now(&self) -> std::time::Duration {
            std::time::Duration::from_secs(1_700_000_000)
        }
        fn resolution(&self) -> std::time::Duration {
            std::time::Duration::from_secs(1)
        }
    }
    let wat = r#"(module
        (import "wasi_snapshot_preview1" "clock_time_get" (func $t (param i32 i64 i32) (result i32)))
        (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
        (memory (export "memory") 1)
        (func (export "_start")
          (drop (call $t (i32.const 0) (i64.const 1) (i32.const 8)))
          (call $exit (i32.wrap_i64 (i64.div_u (i64.load (i32.const 8)) (i64.const 1000000000000))))))"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.wat");
    std::fs::write(&path, wat).unwrap();
    let out = run(&path, |b| {
        b.wall_clock(Fixed);
    });
    assert_eq!(out.exit, Some(1_700_000_000 / 1000), "{out:?}");
}

#[test]
fn a_context_bound_to_another_module_still_finds_the_callers_memory() {
    // bind_module is a speed hint: a call from a module it was not bound to
    // must still see its own memory (found by name).
    let other = wasmtime::Module::new(common::engine(), r#"(module (memory (export "memory") 1))"#).unwrap();
    let out = run(&guest("c-tests/args_env"), |b| {
        b.args(["prog", "x"]);
    });
    assert_eq!(out.stdout, "argc=2\nargv[0]=prog\nargv[1]=x\n");
    let out = common::run_bound(&guest("c-tests/args_env"), &other, |b| {
        b.args(["prog", "x"]);
    });
    assert_eq!(out.stdout, "argc=2\nargv[0]=prog\nargv[1]=x\n");
    let module = wasmtime::Module::from_file(common::engine(), guest("c-tests/args_env")).unwrap();
    let out = common::run_bound(&guest("c-tests/args_env"), &module, |b| {
        b.args(["prog", "y"]);
    });
    assert_eq!(out.stdout, "argc=2\nargv[0]=prog\nargv[1]=y\n");
}

#[test]
fn an_instance_bound_to_its_memory_serves_every_call_from_it() {
    // What the CLI does: instantiate with the preview1 imports bound to the new
    // instance's memory. The guest lists its args and env through that memory
    // and writes stdout.
    struct State {
        wasi: capwasi::WasiCtx,
    }
    let module = wasmtime::Module::from_file(common::engine(), guest("c-tests/args_env")).unwrap();
    let mut linker = wasmtime::Linker::new(common::engine());
    capwasi::add_to_linker(&mut linker, |s: &mut State| &mut s.wasi).unwrap();
    let stdout = capwasi::MemoryOutputPipe::new();
    let mut builder = capwasi::WasiCtx::builder();
    builder.args(["prog", "bound"]).env("K", "v").stdout(stdout.clone());
    let mut store = wasmtime::Store::new(common::engine(), State { wasi: builder.build().unwrap() });
    let instance = capwasi::instantiate_bound(&linker, &mut store, &module, |s: &mut State| &mut s.wasi).unwrap();
    instance.get_typed_func::<(), ()>(&mut store, "_start").unwrap().call(&mut store, ()).unwrap();
    assert_eq!(String::from_utf8(stdout.contents()).unwrap(), args_env_expected(&["prog", "bound"], &[("K", "v")]));
}

#[test]
fn a_linker_for_one_module_defines_its_preview1_imports_and_no_others() {
    // add_imports_to_linker: what the CLI links for a run. The module's
    // preview1 imports are defined (and run, bound to its memory); a preview1
    // function it does not import is not; an import capwasi does not provide
    // stays undefined, as with add_to_linker.
    struct State {
        wasi: capwasi::WasiCtx,
    }
    let wat = r#"(module
        (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "no_such_function" (func))
        (memory (export "memory") 1)
        (func (export "count_args") (result i32)
            (drop (call $sizes (i32.const 0) (i32.const 4)))
            (i32.load (i32.const 0))))"#;
    let module = wasmtime::Module::new(common::engine(), wat).unwrap();
    let mut linker = wasmtime::Linker::new(common::engine());
    capwasi::add_imports_to_linker(&mut linker, &module, |s: &mut State| &mut s.wasi).unwrap();
    let mut builder = capwasi::WasiCtx::builder();
    builder.args(["a", "b", "c"]);
    let mut store = wasmtime::Store::new(common::engine(), State { wasi: builder.build().unwrap() });
    let defined: Vec<String> = linker.iter(&mut store).map(|(module, name, _)| format!("{module}::{name}")).collect();
    assert_eq!(defined, ["wasi_snapshot_preview1::args_sizes_get"]);
    linker.define_unknown_imports_as_traps(&module).unwrap();
    fn get_ctx(s: &mut State) -> &mut capwasi::WasiCtx {
        &mut s.wasi
    }
    let instance = capwasi::instantiate_bound(&linker, &mut store, &module, get_ctx).unwrap();
    let count = instance.get_typed_func::<(), i32>(&mut store, "count_args").unwrap();
    assert_eq!(count.call(&mut store, ()).unwrap(), 3);
}

#[test]
fn every_instance_in_a_store_writes_its_own_memory_whichever_is_bound() {
    // Binding an instance to its memory cannot make another instance's host
    // calls write into it: three instances of one module share a store and a
    // context, the first and last bound, the middle one not. Each one's
    // args_sizes_get writes argc into its own memory alone.
    struct State {
        wasi: capwasi::WasiCtx,
    }
    let wat = r#"(module
        (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
        (memory (export "memory") 1)
        (func (export "count_args") (result i32) (call $sizes (i32.const 0) (i32.const 4))))"#;
    let module = wasmtime::Module::new(common::engine(), wat).unwrap();
    let mut linker = wasmtime::Linker::new(common::engine());
    capwasi::add_to_linker(&mut linker, |s: &mut State| &mut s.wasi).unwrap();
    let mut builder = capwasi::WasiCtx::builder();
    builder.args(["a", "b", "c"]);
    let mut store = wasmtime::Store::new(common::engine(), State { wasi: builder.build().unwrap() });
    fn get_ctx(s: &mut State) -> &mut capwasi::WasiCtx {
        &mut s.wasi
    }
    let instances = [
        capwasi::instantiate_bound(&linker, &mut store, &module, get_ctx).unwrap(),
        linker.instantiate(&mut store, &module).unwrap(),
        capwasi::instantiate_bound(&linker, &mut store, &module, get_ctx).unwrap(),
    ];
    let memories = instances.map(|instance| instance.get_memory(&mut store, "memory").unwrap());
    for (i, instance) in instances.iter().enumerate() {
        let count_args = instance.get_typed_func::<(), i32>(&mut store, "count_args").unwrap();
        assert_eq!(count_args.call(&mut store, ()).unwrap(), 0, "args_sizes_get succeeds");
        for (j, memory) in memories.iter().enumerate() {
            let expected = if j <= i { 3u32.to_le_bytes() } else { [0; 4] };
            assert_eq!(memory.data(&store)[..4], expected, "instance {j}'s memory after instance {i}'s call");
        }
    }
}
