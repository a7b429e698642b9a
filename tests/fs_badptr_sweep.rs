//! Every pointer-taking file-system call given a pointer past the end of
//! memory (c-tests/fs_badptr_sweep.wat): a bad input pointer is EFAULT, a bad
//! result pointer traps the instance cleanly (wiggle writes results after the
//! call, field by field, and traps at the first that does not fit: the dead
//! instance's memory may hold the fields before it). An EFAULT call writes
//! nothing into the sentinel bytes at the end of memory, and the disk does not
//! change.

mod common;

use std::os::unix::fs::symlink;

use capwasi::DirPerms;
use common::{engine, guest};
use wasmtime::{Linker, Module, Store};

const CALLS: u32 = 18;
/// These pass a result pointer past the end: a trap. The rest: EFAULT.
const TRAPPING: [u32; 7] = [1, 2, 3, 7, 16, 17, 18];

#[test]
fn out_of_bounds_pointers_are_efault_or_a_clean_trap_with_no_partial_write_and_no_disk_change() {
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
        if TRAPPING.contains(&n) {
            let trap = result.expect_err(&format!("call {n} traps"));
            assert!(format!("{trap:?}").contains("out of bounds"), "call {n}: {trap:?}");
        } else {
            assert_eq!(result.unwrap(), 21, "call {n}: EFAULT");
            assert!(memory.data(&store)[65400..].iter().all(|&b| b == 0xAA), "call {n} wrote into the sentinel");
        }
    }
    let mut names: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert_eq!(names, ["f", "l"]);
    assert_eq!(std::fs::read(tmp.path().join("f")).unwrap(), b"f");
}
