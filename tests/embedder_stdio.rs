//! An embedder inherits stdio, builds the context, then closes its stdout and
//! opens a log file, which takes descriptor 1. The guest's output must still
//! go where stdout pointed when the context was built, and the log file must
//! get none of it. This test binary holds this one test, as it changes the
//! process's own descriptor 1.

mod common;

use std::io::Read;
use std::os::fd::AsRawFd;

use wasmtime::{Linker, Module, Store};

struct State {
    wasi: capwasi::WasiCtx,
}

#[test]
fn a_guest_keeps_writing_to_the_stdout_it_inherited_when_the_embedder_reopens_descriptor_1() {
    let module = Module::from_file(common::engine(), common::guest("c-tests/hello")).unwrap();
    let mut linker = Linker::new(common::engine());
    capwasi::add_to_linker(&mut linker, |s: &mut State| &mut s.wasi).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let log_path = tmp.path().join("embedder.log");
    let (mut guest_output, pipe) = std::io::pipe().unwrap();

    // SAFETY (each libc call): plain descriptor juggling on descriptors this test owns;
    // descriptor 1 is restored before anything can fail.
    let real_stdout = unsafe { libc::dup(1) };
    assert!(real_stdout > 2);
    assert_eq!(unsafe { libc::dup2(pipe.as_raw_fd(), 1) }, 1);
    drop(pipe);

    // The embedder's stdout is the pipe when the context is built.
    let mut builder = capwasi::WasiCtx::builder();
    builder.arg("hello").inherit_stdout();
    let mut store = Store::new(common::engine(), State { wasi: builder.build().unwrap() });

    // Then it closes its stdout and opens its log file, which gets descriptor 1.
    unsafe { libc::close(1) };
    let log = std::fs::File::create(&log_path).unwrap();
    let log_fd = log.as_raw_fd();

    let result = linker
        .instantiate(&mut store, &module)
        .and_then(|instance| instance.get_typed_func::<(), ()>(&mut store, "_start"))
        .and_then(|start| start.call(&mut store, ()));

    drop(log);
    unsafe {
        libc::dup2(real_stdout, 1);
        libc::close(real_stdout);
    }
    drop(store);

    assert_eq!(log_fd, 1, "the log file took descriptor 1");
    result.unwrap();
    assert_eq!(std::fs::read_to_string(&log_path).unwrap(), "", "the embedder's log file is untouched");
    let mut written = String::new();
    guest_output.read_to_string(&mut written).unwrap();
    assert_eq!(written, "hello, world\n", "the guest wrote to the stdout it was given");
}
