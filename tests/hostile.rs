//! Hostile guests: whatever counts, lengths and paths a guest passes, one host
//! call moves a bounded number of bytes, allocates a bounded amount of host
//! memory, and refuses an overlong path before any system call. Each guest is a
//! hand-written module; the ones whose harm was host memory run under the real
//! `capwasi` as a process, whose peak RSS the kernel reports.

mod common;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

use capwasi::{DirPerms, WasiCtx, WasiCtxBuilder};
use common::rss::{baseline_rss, run_cli};
use wasmtime::{Instance, Linker, Module, Store, Val};

const ESUCCESS: i32 = 0;
const EFAULT: i32 = 21;
const EINVAL: i32 = 28;
const ENOENT: i32 = 44;
const ENAMETOOLONG: i32 = 37;

/// What Linux moves in one `write`, and capwasi in one host call.
const MAX_RW: u64 = 0x7fff_f000;

struct State {
    wasi: WasiCtx,
}

/// A guest instantiated in-process from `wat`, with the context `configure` sets up.
struct Guest {
    store: Store<State>,
    instance: Instance,
}

impl Guest {
    fn new(wat: &str, configure: impl FnOnce(&mut WasiCtxBuilder)) -> Guest {
        let module = Module::new(common::engine(), wat).expect("compile");
        let mut linker = Linker::new(common::engine());
        capwasi::add_to_linker(&mut linker, |s: &mut State| &mut s.wasi).unwrap();
        let mut builder = WasiCtx::builder();
        configure(&mut builder);
        let mut store = Store::new(common::engine(), State { wasi: builder.build().unwrap() });
        let instance = linker.instantiate(&mut store, &module).unwrap();
        Guest { store, instance }
    }

    fn memory(&mut self) -> &mut [u8] {
        let memory = self.instance.get_memory(&mut self.store, "memory").unwrap();
        memory.data_mut(&mut self.store)
    }

    /// Calls export `name` with i32 arguments; its one result, as i64.
    fn call(&mut self, name: &str, args: &[i32]) -> i64 {
        let func = self.instance.get_func(&mut self.store, name).unwrap_or_else(|| panic!("no export {name}"));
        let args: Vec<Val> = args.iter().map(|&a| Val::I32(a)).collect();
        let mut result = [Val::I32(0)];
        func.call(&mut self.store, &args, &mut result).unwrap();
        match result[0] {
            Val::I32(v) => v.into(),
            Val::I64(v) => v,
            ref other => panic!("unexpected result {other:?}"),
        }
    }
}

/// A writer that keeps nothing: it counts the bytes and the largest single write.
#[derive(Clone, Default)]
struct Counter(Arc<Mutex<(u64, usize)>>);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut seen = self.0.lock().unwrap();
        seen.0 += buf.len() as u64;
        seen.1 = seen.1.max(buf.len());
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A reader at end of file that records the largest buffer it was handed.
#[derive(Clone, Default)]
struct LargestAsk(Arc<Mutex<usize>>);

impl Read for LargestAsk {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut largest = self.0.lock().unwrap();
        *largest = (*largest).max(buf.len());
        Ok(0)
    }
}

#[test]
fn a_terabyte_write_asks_the_embedders_writer_for_one_linux_write_and_reports_it() {
    // 1,024 iovecs, each the same 1 GiB buffer: 1 TiB asked in one fd_write. An
    // embedder's writer must be asked for no more than one Linux write moves, and
    // the guest told the short count (not EOVERFLOW after the data went out).
    let wat = r#"(module
        (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 49152)
        (func (export "write_terabyte") (result i64)
          (local $i i32) (local $errno i32)
          (loop $fill
            (i32.store (i32.add (i32.const 64) (i32.shl (local.get $i) (i32.const 3))) (i32.const 0))
            (i32.store (i32.add (i32.const 68) (i32.shl (local.get $i) (i32.const 3))) (i32.const 0x40000000))
            (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 1024))))
          (local.set $errno (call $fd_write (i32.const 1) (i32.const 64) (i32.const 1024) (i32.const 8)))
          (i64.or (i64.shl (i64.extend_i32_u (local.get $errno)) (i64.const 32)) (i64.load32_u (i32.const 8))))
        (func (export "read_3gib") (result i32)
          (i32.store (i32.const 64) (i32.const 0))
          (i32.store (i32.const 68) (i32.const 0xc0000000))
          (call $fd_read (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 8))))"#;
    let (counter, asked) = (Counter::default(), LargestAsk::default());
    let mut guest = Guest::new(wat, |b| {
        b.stdout(counter.clone()).stdin(asked.clone());
    });
    let result = guest.call("write_terabyte", &[]);
    assert_eq!(result >> 32, ESUCCESS as i64, "fd_write succeeds");
    assert_eq!(result & 0xffff_ffff, MAX_RW as i64, "with a short count");
    let (total, largest) = *counter.0.lock().unwrap();
    assert_eq!(total, MAX_RW, "the writer got exactly the bytes reported");
    assert!(largest as u64 <= MAX_RW, "largest single write {largest}");

    assert_eq!(guest.call("read_3gib", &[]), ESUCCESS as i64);
    assert_eq!(*asked.0.lock().unwrap() as u64, MAX_RW, "a 3 GiB read asks the reader for one Linux read");
}

#[test]
fn poll_oneoff_with_a_count_the_memory_could_hold_allocates_nothing_for_it() {
    // 33M subscriptions: their events would fit the 1 GiB memory, and the host
    // used to size its vectors from the count and read subscriptions until the
    // array left memory (22M of them, 1 GB of host memory). Now EINVAL at once
    // above the documented cap, and EFAULT before reading anything when the
    // array leaves memory.
    let wat = r#"(module
        (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
        (memory (export "memory") 16384)
        (func (export "_start")
          (if (i32.ne (call $poll (i32.const 0) (i32.const 0) (i32.const 0x01ffffff) (i32.const 8)) (i32.const 28))
            (then (call $exit (i32.const 1))))
          (if (i32.ne (call $poll (i32.const 0x3fff0000) (i32.const 0) (i32.const 65536) (i32.const 8)) (i32.const 21))
            (then (call $exit (i32.const 2))))))"#;
    let (code, stderr, rss) = run_cli(wat, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let baseline = baseline_rss();
    eprintln!("poll_oneoff with 33M subscriptions: peak RSS {rss} MiB ({baseline} MiB doing nothing)");
    assert!(rss < baseline + 64, "peak RSS {rss} MiB, {baseline} MiB for a guest doing nothing");
}

#[test]
fn directory_listings_take_no_host_memory_per_descriptor() {
    // 300 descriptors of one 20k-entry directory, each listed once and kept open:
    // a listing cached per descriptor (as capwasi used to) holds 300 copies of
    // the directory, some 400 MB.
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..20_000 {
        std::fs::File::create(tmp.path().join(format!("entry-with-a-longer-name-{i:06}"))).unwrap();
    }
    let wat = r#"(module
        (import "wasi_snapshot_preview1" "path_open"
          (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "fd_readdir" (func $readdir (param i32 i32 i32 i64 i32) (result i32)))
        (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
        (memory (export "memory") 1)
        (data (i32.const 0) ".")
        (func (export "_start")
          (local $i i32)
          (loop $each
            (if (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 2)
                            (i64.const 0x4000) (i64.const 0) (i32.const 0) (i32.const 16))
              (then (call $exit (i32.const 1))))
            (if (call $readdir (i32.load (i32.const 16)) (i32.const 64) (i32.const 4096) (i64.const 0) (i32.const 24))
              (then (call $exit (i32.const 2))))
            (if (i32.ne (i32.load (i32.const 24)) (i32.const 4096)) (then (call $exit (i32.const 3))))
            (br_if $each (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 300))))))"#;
    let dir = format!("{}::/d", tmp.path().display());
    let (code, stderr, rss) = run_cli(wat, &["--dir", &dir]);
    assert_eq!(code, Some(0), "{stderr}");
    let baseline = baseline_rss();
    eprintln!("300 listed descriptors of 20k entries: peak RSS {rss} MiB ({baseline} MiB doing nothing)");
    assert!(rss < baseline + 64, "peak RSS {rss} MiB, {baseline} MiB for a guest doing nothing");
}

#[test]
fn an_overlong_path_costs_the_host_no_copy_of_it() {
    // 256 MiB of "./" (the guest's own memory, so the baseline here is the
    // guest's RSS with it) passed as the path of path_filestat_get,
    // path_open and path_create_directory. Each must be ENAMETOOLONG without
    // the host copying or walking it.
    let wat = r#"(module
        (import "wasi_snapshot_preview1" "path_filestat_get" (func $stat (param i32 i32 i32 i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "path_open"
          (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "path_create_directory" (func $mkdir (param i32 i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
        (memory (export "memory") 4097)
        (func $fill (local $i i32)
          (loop $fill
            (i32.store (i32.add (i32.const 65536) (local.get $i)) (i32.const 0x2f2e2f2e))
            (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (i32.const 0x10000000)))))
        (func (export "_start")
          (call $fill)
          (if (i32.ne (call $stat (i32.const 3) (i32.const 1) (i32.const 65536) (i32.const 0x10000000) (i32.const 64))
                      (i32.const 37))
            (then (call $exit (i32.const 1))))
          (if (i32.ne (call $open (i32.const 3) (i32.const 1) (i32.const 65536) (i32.const 0x10000000) (i32.const 0)
                                  (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 128))
                      (i32.const 37))
            (then (call $exit (i32.const 2))))
          (if (i32.ne (call $mkdir (i32.const 3) (i32.const 65536) (i32.const 0x10000000)) (i32.const 37))
            (then (call $exit (i32.const 3)))))
        (func (export "fill_only") (call $fill)))"#;
    let tmp = tempfile::tempdir().unwrap();
    let dir = format!("{}::/d", tmp.path().display());
    let (code, stderr, rss) = run_cli(wat, &["--dir", &dir]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, stderr, baseline) = run_cli(wat, &["--dir", &dir, "--invoke", "fill_only"]);
    assert_eq!(code, Some(0), "{stderr}");
    eprintln!("three calls with a 256 MiB path: peak RSS {rss} MiB ({baseline} MiB filling the path only)");
    assert!(rss < baseline + 64, "peak RSS {rss} MiB, {baseline} MiB for the guest filling its memory only");
}

/// A guest exporting each path-taking function as `NAME(path, len) -> errno`,
/// on the preopen at fd 3 (holding a file `f`), with every other path a fixed
/// valid one.
const PATH_CALLS: &str = r#"(module
    (import "wasi_snapshot_preview1" "path_create_directory" (func $mkdir (param i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "path_filestat_get" (func $stat (param i32 i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "path_filestat_set_times"
      (func $utimes (param i32 i32 i32 i32 i64 i64 i32) (result i32)))
    (import "wasi_snapshot_preview1" "path_link" (func $link (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "path_open"
      (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "path_readlink" (func $readlink (param i32 i32 i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "path_remove_directory" (func $rmdir (param i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "path_rename" (func $rename (param i32 i32 i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "path_symlink" (func $symlink (param i32 i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "path_unlink_file" (func $unlink (param i32 i32 i32) (result i32)))
    (memory (export "memory") 1700)
    (data (i32.const 16) "f")
    (data (i32.const 24) "new")
    (func (export "create_directory") (param i32 i32) (result i32) (call $mkdir (i32.const 3) (local.get 0) (local.get 1)))
    (func (export "filestat_get") (param i32 i32) (result i32)
      (call $stat (i32.const 3) (i32.const 1) (local.get 0) (local.get 1) (i32.const 64)))
    (func (export "filestat_set_times") (param i32 i32) (result i32)
      (call $utimes (i32.const 3) (i32.const 1) (local.get 0) (local.get 1) (i64.const 0) (i64.const 0) (i32.const 0)))
    (func (export "link_from") (param i32 i32) (result i32)
      (call $link (i32.const 3) (i32.const 0) (local.get 0) (local.get 1) (i32.const 3) (i32.const 24) (i32.const 3)))
    (func (export "link_to") (param i32 i32) (result i32)
      (call $link (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 3) (local.get 0) (local.get 1)))
    (func (export "open") (param i32 i32) (result i32)
      (call $open (i32.const 3) (i32.const 1) (local.get 0) (local.get 1) (i32.const 0)
                  (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 128)))
    (func (export "readlink") (param i32 i32) (result i32)
      (call $readlink (i32.const 3) (local.get 0) (local.get 1) (i32.const 256) (i32.const 64) (i32.const 136)))
    (func (export "remove_directory") (param i32 i32) (result i32) (call $rmdir (i32.const 3) (local.get 0) (local.get 1)))
    (func (export "rename_from") (param i32 i32) (result i32)
      (call $rename (i32.const 3) (local.get 0) (local.get 1) (i32.const 3) (i32.const 24) (i32.const 3)))
    (func (export "rename_to") (param i32 i32) (result i32)
      (call $rename (i32.const 3) (i32.const 16) (i32.const 1) (i32.const 3) (local.get 0) (local.get 1)))
    (func (export "symlink_target") (param i32 i32) (result i32)
      (call $symlink (local.get 0) (local.get 1) (i32.const 3) (i32.const 24) (i32.const 3)))
    (func (export "symlink_at") (param i32 i32) (result i32)
      (call $symlink (i32.const 16) (i32.const 1) (i32.const 3) (local.get 0) (local.get 1)))
    (func (export "unlink_file") (param i32 i32) (result i32) (call $unlink (i32.const 3) (local.get 0) (local.get 1))))"#;

const PATH_FUNCTIONS: [&str; 13] = [
    "create_directory",
    "filestat_get",
    "filestat_set_times",
    "link_from",
    "link_to",
    "open",
    "readlink",
    "remove_directory",
    "rename_from",
    "rename_to",
    "symlink_target",
    "symlink_at",
    "unlink_file",
];

#[test]
fn overlong_paths_are_enametoolong_in_every_path_function_before_the_host_is_asked() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("f"), "x").unwrap();
    let mut guest = Guest::new(PATH_CALLS, |b| {
        b.preopened_dir_path(tmp.path(), "/sandbox", DirPerms::ReadWrite).unwrap();
    });
    const AT: usize = 4096;
    // 100 MB of "./": each component fine, the whole a path no host call should walk.
    let huge = 100 << 20;
    for (i, byte) in guest.memory()[AT..AT + huge].iter_mut().enumerate() {
        *byte = if i % 2 == 0 { b'.' } else { b'/' };
    }
    for name in PATH_FUNCTIONS {
        assert_eq!(guest.call(name, &[AT as i32, huge as i32]), ENAMETOOLONG as i64, "{name}: 100 MB");
        assert_eq!(guest.call(name, &[AT as i32, 4097]), ENAMETOOLONG as i64, "{name}: 4097 bytes");
    }
    // 4095 bytes of "./" name the directory itself: not refused early.
    assert_eq!(guest.call("filestat_get", &[AT as i32, 4095]), ESUCCESS as i64);

    // A component of 256 bytes is too long, of 255 is looked up.
    guest.memory()[AT..AT + 300].fill(b'n');
    for name in PATH_FUNCTIONS.iter().filter(|&&name| name != "symlink_target") {
        assert_eq!(guest.call(name, &[AT as i32, 256]), ENAMETOOLONG as i64, "{name}: a 256-byte name");
    }
    assert_eq!(guest.call("filestat_get", &[AT as i32, 255]), ENOENT as i64);
    // A symlink's target is stored, not looked up: Linux takes long names in it.
    assert_eq!(guest.call("symlink_target", &[AT as i32, 300]), ESUCCESS as i64);
    assert_eq!(std::fs::read_link(tmp.path().join("new")).unwrap().as_os_str().len(), 300);
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 2, "nothing else was created");
}

/// A guest listing its preopen (fd 3) with `list(buf_len, cookie) -> errno`,
/// the bytes written at 8, the buffer at 1024; and stat-ing `f` with
/// `mtime(follow) -> mtim` (all ones on failure).
const LISTER: &str = r#"(module
    (import "wasi_snapshot_preview1" "fd_readdir" (func $readdir (param i32 i32 i32 i64 i32) (result i32)))
    (import "wasi_snapshot_preview1" "path_filestat_get" (func $stat (param i32 i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_filestat_get" (func $fstat (param i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 16) "f")
    (func (export "list") (param i32 i64) (result i32)
      (call $readdir (i32.const 3) (i32.const 1024) (local.get 0) (local.get 1) (i32.const 8)))
    (func (export "mtime") (result i64)
      (if (call $stat (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 64))
        (then (return (i64.const -1))))
      (i64.load (i32.const 112)))
    (func (export "dir_mtime") (result i64)
      (if (call $fstat (i32.const 3) (i32.const 64)) (then (return (i64.const -1))))
      (i64.load (i32.const 112))))"#;

/// The (name, d_next) of each whole dirent in `bytes`.
fn dirents(bytes: &[u8]) -> Vec<(String, u64)> {
    let mut entries = Vec::new();
    let mut at = 0;
    while at + 24 <= bytes.len() {
        let next = u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
        let len = u32::from_le_bytes(bytes[at + 16..at + 20].try_into().unwrap()) as usize;
        if at + 24 + len > bytes.len() {
            break;
        }
        entries.push((String::from_utf8(bytes[at + 24..at + 24 + len].to_vec()).unwrap(), next));
        at += 24 + len;
    }
    entries
}

#[test]
fn entries_removed_while_a_directory_is_listed_are_left_out() {
    // 4,000 entries; after a first batch, all but one of those not listed yet
    // are removed, and the listing goes on from the batch's last cookie. A
    // listing kept per descriptor (as capwasi used to keep) lists them all;
    // reading at the kernel's position lists at most what the kernel itself
    // had read ahead: what the last read brought past its batch (at most 4 KiB
    // of entries) and what ext4 keeps per open directory (one block's).
    const ENTRIES: usize = 4000;
    let tmp = tempfile::tempdir().unwrap();
    let name = |i: usize| format!("entry-{i:04}");
    for i in 0..ENTRIES {
        std::fs::write(tmp.path().join(name(i)), "").unwrap();
    }
    let mut guest = Guest::new(LISTER, |b| {
        b.preopened_dir_path(tmp.path(), "/d", DirPerms::ReadOnly).unwrap();
    });
    let list = |guest: &mut Guest, cookie: u64| -> Vec<(String, u64)> {
        let func = guest.instance.get_typed_func::<(i32, i64), i32>(&mut guest.store, "list").unwrap();
        assert_eq!(func.call(&mut guest.store, (512, cookie as i64)).unwrap(), ESUCCESS);
        let n = u32::from_le_bytes(guest.memory()[8..12].try_into().unwrap()) as usize;
        dirents(&guest.memory()[1024..1024 + n])
    };
    let first = list(&mut guest, 0);
    assert_eq!(&first[0].0, ".");
    assert_eq!(&first[1].0, "..");
    let mut seen: Vec<String> = first.iter().skip(2).map(|(name, _)| name.clone()).collect();
    let mut cookie = first.last().unwrap().1;
    let unseen: Vec<String> = (0..ENTRIES).map(name).filter(|name| !seen.contains(name)).collect();
    let (keep, removed) = unseen.split_first().unwrap();
    for name in removed {
        std::fs::remove_file(tmp.path().join(name)).unwrap();
    }
    loop {
        let batch = list(&mut guest, cookie);
        let Some(last) = batch.last() else { break };
        cookie = last.1;
        seen.extend(batch.into_iter().map(|(name, _)| name));
    }
    assert!(seen.contains(keep), "{keep} was listed");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "nothing listed twice");
    let stale = removed.iter().filter(|name| seen.contains(name)).count();
    eprintln!("{stale} of {} entries removed mid-listing were still listed", removed.len());
    assert!(stale < 500, "{stale} of {} entries listed after their removal", removed.len());
}

#[test]
fn a_listing_from_cookie_0_sees_what_was_added_since_the_last() {
    // Going on from where the last batch stopped reads no further than the
    // kernel had; cookie 0 starts afresh, as rewinddir.
    let tmp = tempfile::tempdir().unwrap();
    let mut guest = Guest::new(LISTER, |b| {
        b.preopened_dir_path(tmp.path(), "/d", DirPerms::ReadOnly).unwrap();
    });
    let list = |guest: &mut Guest| -> Vec<String> {
        let func = guest.instance.get_typed_func::<(i32, i64), i32>(&mut guest.store, "list").unwrap();
        assert_eq!(func.call(&mut guest.store, (4096, 0)).unwrap(), ESUCCESS);
        let n = u32::from_le_bytes(guest.memory()[8..12].try_into().unwrap()) as usize;
        dirents(&guest.memory()[1024..1024 + n]).into_iter().map(|(name, _)| name).collect()
    };
    assert_eq!(list(&mut guest), [".", ".."]);
    std::fs::write(tmp.path().join("new"), "").unwrap();
    assert_eq!(list(&mut guest), [".", "..", "new"]);
}

#[test]
fn times_before_1970_are_reported_as_zero() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("f"), "").unwrap();
    let sixties = rustix::fs::Timestamps {
        last_access: rustix::fs::Timespec { tv_sec: -315_619_200, tv_nsec: 0 },
        last_modification: rustix::fs::Timespec { tv_sec: -315_619_200, tv_nsec: 5 },
    };
    for path in [tmp.path().join("f"), tmp.path().to_path_buf()] {
        rustix::fs::utimensat(rustix::fs::CWD, &path, &sixties, rustix::fs::AtFlags::empty()).unwrap();
        let stat = rustix::fs::stat(&path).unwrap();
        assert!(stat.st_mtime < 0, "the file system keeps times before 1970");
    }
    let mut guest = Guest::new(LISTER, |b| {
        b.preopened_dir_path(tmp.path(), "/d", DirPerms::ReadOnly).unwrap();
    });
    assert_eq!(guest.call("mtime", &[]), 0, "path_filestat_get");
    assert_eq!(guest.call("dir_mtime", &[]), 0, "fd_filestat_get");
}

#[test]
fn poll_oneoff_takes_up_to_its_documented_cap_of_subscriptions() {
    // 65,536 zero-timeout clocks (a zeroed subscription is one) all fire; one
    // more is EINVAL; an array that leaves memory is EFAULT, nothing read.
    let wat = r#"(module
        (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 100)
        (func (export "poll") (param i32 i32) (result i64)
          (local $errno i32)
          (local.set $errno (call $poll (local.get 0) (i32.const 4194304) (local.get 1) (i32.const 8)))
          (i64.or (i64.shl (i64.extend_i32_u (local.get $errno)) (i64.const 32)) (i64.load32_u (i32.const 8)))))"#;
    let mut guest = Guest::new(wat, |_| {});
    assert_eq!(guest.call("poll", &[64, 65536]), 65536, "no error, 65536 events");
    assert_eq!(guest.call("poll", &[64, 65537]) >> 32, EINVAL as i64);
    assert_eq!(guest.call("poll", &[100 * 65536 - 48 * 10, 11]) >> 32, EFAULT as i64);
}
