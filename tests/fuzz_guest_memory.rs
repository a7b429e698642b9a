//! The host functions called directly with hostile guest memory: a property
//! harness in the style of a cargo-fuzz target, without libFuzzer (which needs
//! nightly). `arbitrary` turns seeded random bytes into one call each
//! iteration: iovec arrays, paths, readdir buffers, poll subscriptions and out
//! pointers placed near, across and beyond the end of a one-page memory, with
//! counts and lengths too large. Properties, for every call:
//!
//! - it returns an errno (no trap, no host panic);
//! - it writes guest memory only inside the buffers it was given;
//! - no single host allocation exceeds `ALLOC_LIMIT` (the memory is 64 KiB).
//!
//! `FUZZ_ITERATIONS=N` (default 3000, a few seconds) and `FUZZ_SEED=S` (default
//! 1) run it longer or elsewhere; a failure names the seed and iteration.

use std::alloc::{GlobalAlloc, Layout, System};
use std::os::unix::fs::symlink;
use std::sync::atomic::{AtomicUsize, Ordering};

use arbitrary::Unstructured;
use cap_rand::rngs::StdRng;
use cap_rand::{Rng, SeedableRng};
use capwasi::DirPerms;
use wasmtime::{Engine, Instance, Linker, Memory, Module, Store, Val};

/// Records the largest single allocation since the last reset.
struct Counting;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// No host call on a 64 KiB memory needs a bigger allocation than this.
const ALLOC_LIMIT: usize = 1 << 20;
const MEM: u32 = 65536;

/// The functions called, and their parameter types.
const FUNCS: &[(&str, &str)] = &[
    ("fd_read", "i32 i32 i32 i32"),
    ("fd_pread", "i32 i32 i32 i64 i32"),
    ("fd_write", "i32 i32 i32 i32"),
    ("fd_pwrite", "i32 i32 i32 i64 i32"),
    ("fd_readdir", "i32 i32 i32 i64 i32"),
    ("path_open", "i32 i32 i32 i32 i32 i64 i64 i32 i32"),
    ("path_filestat_get", "i32 i32 i32 i32 i32"),
    ("path_readlink", "i32 i32 i32 i32 i32 i32"),
    ("poll_oneoff", "i32 i32 i32 i32"),
    ("args_get", "i32 i32"),
    ("environ_get", "i32 i32"),
    ("fd_prestat_dir_name", "i32 i32 i32"),
    ("random_get", "i32 i32"),
    ("fd_fdstat_get", "i32 i32"),
    ("fd_filestat_get", "i32 i32"),
    ("clock_time_get", "i32 i64 i32"),
    ("fd_close", "i32"),
];

/// A module exporting, for each function, a wasm function that passes its arguments on: the
/// host sees a call from the module's instance, with its memory.
fn module(engine: &Engine) -> Module {
    let mut wat = String::from("(module\n");
    for (name, params) in FUNCS {
        wat +=
            &format!("  (import \"wasi_snapshot_preview1\" \"{name}\" (func ${name} (param {params}) (result i32)))\n");
    }
    for (name, params) in FUNCS {
        let gets: String = (0..params.split(' ').count()).map(|i| format!("(local.get {i}) ")).collect();
        wat += &format!("  (func (export \"{name}\") (param {params}) (result i32) (call ${name} {gets}))\n");
    }
    wat += "  (memory (export \"memory\") 1 1))\n";
    Module::new(engine, wat).unwrap()
}

/// One call: its arguments, the bytes to place in memory first, and where it may write.
struct Call {
    func: &'static str,
    args: Vec<Val>,
    inputs: Vec<(u32, Vec<u8>)>,
    writable: Vec<(u32, u32)>,
}

/// A pointer for an object of `len` bytes: anywhere, at the end of memory, across it, beyond it.
fn ptr(u: &mut Unstructured, len: u32) -> arbitrary::Result<u32> {
    Ok(match u.int_in_range(0..=9)? {
        0..=3 => u.int_in_range(0..=MEM.saturating_sub(len))?,
        4 => MEM.saturating_sub(len),
        5 => MEM.saturating_sub(len) + u.int_in_range(1..=len.clamp(1, 64))?,
        6 => MEM + u.int_in_range(0..=64)?,
        7 => u32::MAX - u.int_in_range(0..=64)?,
        8 => u.int_in_range(0..=MEM.saturating_sub(len))? | 1, // misaligned
        _ => u.arbitrary()?,
    })
}

/// A length: tiny, small, about memory's size, or huge.
fn len(u: &mut Unstructured) -> arbitrary::Result<u32> {
    Ok(match u.int_in_range(0..=7)? {
        0..=1 => u.int_in_range(0..=8)?,
        2..=4 => u.int_in_range(0..=300)?,
        5 => MEM - u.int_in_range(0..=64)?,
        6 => u.choose(&[u32::MAX, 0x8000_0000, 0x7fff_ffff, MEM + 1])?.to_owned(),
        _ => u.arbitrary()?,
    })
}

/// An iovec array as placed: where, how many entries, its bytes, and the buffers it names.
struct Iovecs {
    at: u32,
    count: u32,
    bytes: Vec<u8>,
    bufs: Vec<(u32, u32)>,
}

fn iovecs(u: &mut Unstructured) -> arbitrary::Result<Iovecs> {
    let count: u32 = match u.int_in_range(0..=5)? {
        0..=3 => u.int_in_range(0..=4)?,
        4 => u.int_in_range(1000..=1100)?,
        _ => u.arbitrary()?,
    };
    let mut bytes = Vec::new();
    let mut bufs = Vec::new();
    for _ in 0..count.min(1100) {
        let l = len(u)?;
        let p = ptr(u, l.min(MEM))?;
        bytes.extend(p.to_le_bytes());
        bytes.extend(l.to_le_bytes());
        bufs.push((p, l));
    }
    let at = ptr(u, 8 * count.min(1100))?;
    Ok(Iovecs { at, count, bytes, bufs })
}

fn generate(u: &mut Unstructured, file: u32, dir: u32) -> arbitrary::Result<Call> {
    let func = FUNCS[u.int_in_range(0..=FUNCS.len() - 2)?].0;
    let fd = |u: &mut Unstructured, usual: u32| -> arbitrary::Result<i32> {
        Ok(if u.ratio(7, 8)? { usual as i32 } else { u.choose(&[0, 1, 2, 3, 99, -1])?.to_owned() })
    };
    let mut c = Call { func, args: Vec::new(), inputs: Vec::new(), writable: Vec::new() };
    let out = |u: &mut Unstructured, c: &mut Call, size: u32| -> arbitrary::Result<i32> {
        let p = ptr(u, size)?;
        c.writable.push((p, size));
        Ok(p as i32)
    };
    let path = |u: &mut Unstructured, c: &mut Call| -> arbitrary::Result<(i32, i32)> {
        let name: &[u8] = u.choose(&[&b"data"[..], b"d", b"link", b"abs", b"d/e1", b"../x", b"data/", b"\xff"])?;
        let l = if u.ratio(3, 4)? { name.len() as u32 } else { len(u)? };
        let p = ptr(u, name.len() as u32)?;
        c.inputs.push((p, name.to_vec()));
        Ok((p as i32, l as i32))
    };
    match func {
        "fd_read" | "fd_pread" | "fd_write" | "fd_pwrite" => {
            let Iovecs { at, count, bytes, bufs } = iovecs(u)?;
            c.inputs.push((at, bytes));
            if func.contains("read") {
                c.writable.extend(bufs);
            }
            c.args = vec![Val::I32(fd(u, file)?), Val::I32(at as i32), Val::I32(count as i32)];
            if func.starts_with("fd_p") {
                c.args.push(Val::I64(u.choose(&[0i64, 5, 1 << 40, -1, i64::MAX])?.to_owned()));
            }
            let n = out(u, &mut c, 4)?;
            c.args.push(Val::I32(n));
        }
        "fd_readdir" => {
            let l = len(u)?;
            let buf = ptr(u, l.min(MEM))?;
            c.writable.push((buf, l));
            let cookie = u.choose(&[0i64, 1, 2, 10, 60, -1])?.to_owned();
            c.args = vec![Val::I32(fd(u, dir)?), Val::I32(buf as i32), Val::I32(l as i32), Val::I64(cookie)];
            let n = out(u, &mut c, 4)?;
            c.args.push(Val::I32(n));
        }
        "path_open" => {
            let (p, l) = path(u, &mut c)?;
            let oflags = u.choose(&[0, 2])?.to_owned(); // no CREAT or TRUNC: the tree stays
            let o = out(u, &mut c, 4)?;
            c.args = vec![
                Val::I32(fd(u, 3)?),
                Val::I32(u.int_in_range(0..=1)?),
                Val::I32(p),
                Val::I32(l),
                Val::I32(oflags),
                Val::I64(2),
                Val::I64(0),
                Val::I32(0),
                Val::I32(o),
            ];
        }
        "path_filestat_get" => {
            let (p, l) = path(u, &mut c)?;
            let o = out(u, &mut c, 64)?;
            c.args = vec![Val::I32(fd(u, 3)?), Val::I32(u.int_in_range(0..=1)?), Val::I32(p), Val::I32(l), Val::I32(o)];
        }
        "path_readlink" => {
            let (p, l) = path(u, &mut c)?;
            let bl = len(u)?;
            let buf = ptr(u, bl.min(MEM))?;
            c.writable.push((buf, bl));
            let n = out(u, &mut c, 4)?;
            c.args = vec![
                Val::I32(fd(u, 3)?),
                Val::I32(p),
                Val::I32(l),
                Val::I32(buf as i32),
                Val::I32(bl as i32),
                Val::I32(n),
            ];
        }
        "poll_oneoff" => {
            let count: u32 = match u.int_in_range(0..=4)? {
                0..=2 => u.int_in_range(0..=4)?,
                3 => u.int_in_range(1000..=3000)?,
                _ => u.arbitrary()?,
            };
            let mut subs = Vec::new();
            for i in 0..count.min(4) {
                let mut s = [0u8; 48];
                s[0..8].copy_from_slice(&(i as u64).to_le_bytes());
                let tag: u8 = u.choose(&[0, 1, 2, 9])?.to_owned();
                s[8] = tag;
                if tag == 0 {
                    // A clock that has expired or soon will: the call never blocks for long.
                    s[16..20].copy_from_slice(&u.int_in_range(0u32..=3)?.to_le_bytes());
                    s[24..32].copy_from_slice(&u.choose(&[0u64, 1000])?.to_le_bytes());
                    s[40..42].copy_from_slice(&u.int_in_range(0u16..=1)?.to_le_bytes());
                } else {
                    s[16..20].copy_from_slice(&(fd(u, file)? as u32).to_le_bytes());
                }
                subs.extend(s);
            }
            if subs.is_empty() || !subs.chunks(48).any(|s| s[8] == 0 || s[8] == 1 || s[8] == 2) {
                // No subscription that surely fires: add an expired clock so the call returns.
                let mut s = [0u8; 48];
                s[16] = 1;
                subs.extend(s);
            }
            let at = ptr(u, subs.len() as u32)?;
            c.inputs.push((at, subs));
            let events = out(u, &mut c, 32u32.saturating_mul(count))?;
            let n = out(u, &mut c, 4)?;
            c.args = vec![Val::I32(at as i32), Val::I32(events), Val::I32(count as i32), Val::I32(n)];
        }
        "args_get" | "environ_get" => {
            let argv = out(u, &mut c, 16)?;
            let buf = out(u, &mut c, 64)?;
            c.args = vec![Val::I32(argv), Val::I32(buf)];
        }
        "fd_prestat_dir_name" | "random_get" => {
            let l = len(u)?;
            let buf = ptr(u, l.min(MEM))?;
            c.writable.push((buf, l));
            c.args = if func == "random_get" {
                vec![Val::I32(buf as i32), Val::I32(l as i32)]
            } else {
                vec![Val::I32(fd(u, 3)?), Val::I32(buf as i32), Val::I32(l as i32)]
            };
        }
        "fd_fdstat_get" | "fd_filestat_get" => {
            let o = out(u, &mut c, if func == "fd_fdstat_get" { 24 } else { 64 })?;
            c.args = vec![Val::I32(fd(u, file)?), Val::I32(o)];
        }
        "clock_time_get" => {
            let o = out(u, &mut c, 8)?;
            c.args = vec![Val::I32(u.int_in_range(0..=3)?), Val::I64(0), Val::I32(o)];
        }
        _ => unreachable!(),
    }
    Ok(c)
}

struct State {
    wasi: capwasi::WasiCtx,
}

/// Opens `path` beneath fd 3 through the guest's own path_open; its fd.
fn open(store: &mut Store<State>, instance: &Instance, memory: &Memory, path: &[u8], oflags: i32, rights: i64) -> u32 {
    memory.write(&mut *store, 0, path).unwrap();
    let func = instance.get_func(&mut *store, "path_open").unwrap();
    let args = [3, 0, 0, path.len() as i32, oflags].map(Val::I32);
    let args = [&args[..], &[Val::I64(rights), Val::I64(0), Val::I32(0), Val::I32(1024)]].concat();
    let mut result = [Val::I32(0)];
    func.call(&mut *store, &args, &mut result).unwrap();
    assert_eq!(result[0].unwrap_i32(), 0, "setup open of {:?}", String::from_utf8_lossy(path));
    let mut fd = [0u8; 4];
    memory.read(&*store, 1024, &mut fd).unwrap();
    u32::from_le_bytes(fd)
}

#[test]
fn host_calls_on_hostile_guest_memory_answer_an_errno_write_only_their_buffers_and_allocate_little() {
    let iterations: u64 = std::env::var("FUZZ_ITERATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(3000);
    let seed: u64 = std::env::var("FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("data"), vec![b'x'; 300]).unwrap();
    std::fs::create_dir(tmp.path().join("d")).unwrap();
    for i in 0..60 {
        std::fs::write(tmp.path().join(format!("d/e{i}{}", "n".repeat(i % 40))), "").unwrap();
    }
    symlink("data", tmp.path().join("link")).unwrap();
    symlink("/etc/passwd", tmp.path().join("abs")).unwrap();

    let engine = Engine::default();
    let module = module(&engine);
    let mut linker = Linker::new(&engine);
    capwasi::add_to_linker(&mut linker, |s: &mut State| &mut s.wasi).unwrap();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut bytes = vec![0u8; 8192];
    for iteration in 0..iterations {
        let mut builder = capwasi::WasiCtx::builder();
        builder.args(["prog", "an argument"]).env("K", "some value");
        builder.preopened_dir_path(tmp.path(), "/t", DirPerms::ReadWrite).unwrap();
        let mut store = Store::new(&engine, State { wasi: builder.build().unwrap() });
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let memory = instance.get_memory(&mut store, "memory").unwrap();
        // fd 4: `data`, 300 bytes, read-write; fd 5: `d`, 60 entries.
        std::fs::write(tmp.path().join("data"), [b'x'; 300]).unwrap();
        let file = open(&mut store, &instance, &memory, b"data", 0, 2 | 64);
        let dir = open(&mut store, &instance, &memory, b"d", 2, 2);

        rng.fill(&mut bytes[..]);
        let call = match generate(&mut Unstructured::new(&bytes), file, dir) {
            Ok(call) => call,
            Err(_) => continue,
        };
        memory.data_mut(&mut store).fill(0x5a);
        for (at, input) in call.inputs.iter().filter(|(at, _)| *at < MEM) {
            let inside = input.len().min((MEM - at) as usize);
            memory.data_mut(&mut store)[*at as usize..][..inside].copy_from_slice(&input[..inside]);
        }
        let before = memory.data(&store).to_vec();
        let func = instance.get_func(&mut store, call.func).unwrap();
        let mut result = [Val::I32(0)];
        let what = format!("seed {seed} iteration {iteration}: {}({:?})", call.func, call.args);
        LARGEST.store(0, Ordering::Relaxed);
        let outcome = func.call(&mut store, &call.args, &mut result);
        let largest = LARGEST.load(Ordering::Relaxed);
        if let Err(e) = outcome {
            panic!("{what}: trapped: {e:?}");
        }
        let errno = result[0].unwrap_i32();
        assert!((0..=76).contains(&errno), "{what}: returned {errno}, not an errno");
        assert!(largest <= ALLOC_LIMIT, "{what}: the host allocated {largest} bytes at once");
        let after = memory.data(&store);
        for (i, (b, a)) in before.iter().zip(after).enumerate() {
            let i = i as u32;
            let allowed = call.writable.iter().any(|(p, l)| i >= *p && (i - p) < *l);
            assert!(b == a || allowed, "{what}: wrote byte {i:#x} outside its buffers (errno {errno})");
        }
    }
}
