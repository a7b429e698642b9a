//! Every pointer-taking file-system call given a pointer past the end of
//! memory (c-tests/fs_badptr_sweep.wat): a bad input pointer and a bad result
//! pointer are both EFAULT (result pointers are checked before the call, so
//! nothing is opened or changed first). No call writes into the sentinel bytes
//! at the end of memory, and the disk does not change.

mod common;

use std::os::unix::fs::symlink;

use capwasi::DirPerms;
use common::{engine, guest};
use wasmtime::{Linker, Module, Store};

const CALLS: u32 = 18;
/// These pass a result pointer past the end; the rest a bad input pointer.
const BAD_RESULT_POINTER: [u32; 7] = [1, 2, 3, 7, 16, 17, 18];

#[test]
fn out_of_bounds_pointers_are_efault_with_no_partial_write_and_no_disk_change() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("f"), "f").unwrap();
    symlink("f", tmp.path().join("l")).unwrap();
    let module = Module::from_file(engine(), guest("c-tests/fs_badptr_sweep")).unwrap();
    for n in 1..=CALLS {
        let mut linker: Linker<capwasi::WasiCtx> = Linker::new(engine());
        capwasi::add_to_linker(&mut linker, |s| s).unwrap();
        let mut builder = capwasi::WasiCtx::builder();
        builder.preopened_dir_path(tmp.path(), "/sandbox", DirPerms::ReadWrite).unwrap();
        let mut store = Store::new(engine(), builder.build().unwrap());
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let memory = instance.get_memory(&mut store, "memory").unwrap();
        memory.data_mut(&mut store)[65400..].fill(0xAA);
        let call = instance.get_typed_func::<(), i32>(&mut store, &format!("c{n}")).unwrap();
        let result = call.call(&mut store, ());
        let kind = if BAD_RESULT_POINTER.contains(&n) { "result" } else { "input" };
        assert_eq!(result.unwrap(), 21, "call {n} (bad {kind} pointer): EFAULT");
        assert!(memory.data(&store)[65400..].iter().all(|&b| b == 0xAA), "call {n} wrote into the sentinel");
        if n == 16 {
            // path_open(O_CREAT) with a bad result pointer opened nothing.
            assert_eq!(store.data().open_fds(), 4, "no descriptor was left behind");
        }
    }
    let mut names: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert_eq!(names, ["f", "l"]);
    assert_eq!(std::fs::read(tmp.path().join("f")).unwrap(), b"f");
}
