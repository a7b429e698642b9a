//! Snapshot 0 (`wasi_unstable`) guests under the library (both linking
//! paths: a plain instantiate and `instantiate_bound`) and the CLI. The
//! guests are c-tests/unstable_*.wat; each checks the fields and numbering
//! snapshot 0 gives (see its header) and prints "ok" or exits with the
//! number of its first failed check. `capwasi test` runs them too
//! (scripts/conformance), from their NAME.json.

mod common;

use capwasi::{I32Exit, MemoryOutputPipe, WasiCtx};
use common::cli;
use wasmtime::{Linker, Module, Store};

/// Runs `c-tests/NAME` in-process with both snapshots linked, `unstable.dir`
/// (a fresh copy) preopened as fd 3, bound to its instance or not: its exit
/// status and stdout.
fn run_in_library(name: &str, bound: bool) -> (i32, String) {
    let fixture = common::fixture("unstable");
    let module = Module::from_file(common::engine(), common::guest(&format!("c-tests/{name}"))).unwrap();
    let mut linker: Linker<WasiCtx> = Linker::new(common::engine());
    capwasi::add_to_linker(&mut linker, |ctx| ctx).unwrap();
    capwasi::add_wasi_unstable_to_linker(&mut linker, |ctx| ctx).unwrap();
    let stdout = MemoryOutputPipe::new();
    let mut builder = WasiCtx::builder();
    builder.stdout(stdout.clone()).preopened_dir_path(fixture.path(), "/", capwasi::DirPerms::ReadWrite).unwrap();
    let mut store = Store::new(common::engine(), builder.build().unwrap());
    let instance = if bound {
        capwasi::instantiate_bound(&linker, &mut store, &module, |ctx| ctx)
    } else {
        linker.instantiate(&mut store, &module)
    };
    let result = instance.unwrap().get_typed_func::<(), ()>(&mut store, "_start").unwrap().call(&mut store, ());
    let status = match result {
        Ok(()) => 0,
        Err(e) => e.downcast_ref::<I32Exit>().unwrap_or_else(|| panic!("{name} trapped: {e:?}")).0,
    };
    (status, String::from_utf8_lossy(&stdout.contents()).into_owned())
}

fn passes_in_library(name: &str) {
    for bound in [false, true] {
        let expected = common::expected_stdout(name);
        assert_eq!(run_in_library(name, bound), (0, expected), "{name}, bound: {bound}");
    }
}

#[test]
fn hello_through_wasi_unstable() {
    passes_in_library("unstable_hello");
}

#[test]
fn seek_counts_from_each_snapshot0_whence() {
    passes_in_library("unstable_seek");
}

#[test]
fn filestat_is_56_bytes_with_nlink_u32_and_size_at_24() {
    passes_in_library("unstable_stat");
}

#[test]
fn readdir_dirents_are_laid_out_as_in_preview1() {
    passes_in_library("unstable_readdir");
}

#[test]
fn poll_reads_56_byte_subscriptions_with_a_clock_identifier() {
    passes_in_library("unstable_poll");
}

#[test]
fn a_module_importing_both_snapshots_shares_one_descriptor_table() {
    passes_in_library("unstable_both");
}

#[test]
fn capwasi_run_runs_wasi_unstable_modules() {
    let out = cli::output(&mut cli::capwasi(&["run", common::guest("c-tests/unstable_hello").to_str().unwrap()]));
    assert_eq!((out.status.code(), cli::stdout(&out).as_str()), (Some(0), "hello, world\n"), "{}", cli::stderr(&out));
    let out = cli::output(&mut cli::capwasi(&["run", common::guest("c-tests/unstable_both").to_str().unwrap()]));
    assert_eq!(cli::stdout(&out), "wasi_unstable\npreview1 also\n");
    assert_eq!(out.status.code(), Some(0), "{}", cli::stderr(&out));
}

/// The tutorial's file-copy demo (scripts/demo) with a snapshot-0 guest:
/// test.txt from the current directory to /out, and refused without the
/// preopens.
#[test]
fn file_copy_demo_through_wasi_unstable() {
    let out_dir = tempfile::tempdir().unwrap();
    let guest = common::guest("c-tests/unstable_copy");
    let demo = common::repo("examples/demo");
    let mapped = format!("{}::/out", out_dir.path().display());
    let out =
        cli::output(cli::capwasi(&["run", "--dir=.", "--dir", &mapped, guest.to_str().unwrap()]).current_dir(&demo));
    assert_eq!(out.status.code(), Some(0), "{}", cli::stderr(&out));
    assert_eq!(std::fs::read(out_dir.path().join("copy.txt")).unwrap(), std::fs::read(demo.join("test.txt")).unwrap());
    // No preopens: path_open on fd 3 fails, step 1.
    let out = cli::output(cli::capwasi(&["run", guest.to_str().unwrap()]).current_dir(&demo));
    assert_eq!(out.status.code(), Some(1), "{}", cli::stderr(&out));
}

#[test]
fn without_snapshot0_linked_a_wasi_unstable_module_does_not_link() {
    let module = Module::from_file(common::engine(), common::guest("c-tests/unstable_hello")).unwrap();
    let mut linker: Linker<WasiCtx> = Linker::new(common::engine());
    capwasi::add_to_linker(&mut linker, |ctx| ctx).unwrap();
    let mut store = Store::new(common::engine(), WasiCtx::builder().build().unwrap());
    let err = capwasi::instantiate_bound(&linker, &mut store, &module, |ctx| ctx).expect_err("not linked");
    assert!(format!("{err:#}").contains("wasi_unstable::fd_write"), "{err:#}");
}
