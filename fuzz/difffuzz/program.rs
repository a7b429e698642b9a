//! A generated program: a list of preview1 calls with hostile paths and
//! pointers, written out as a self-contained `.wat` that prints one line per
//! call: its index, its errno, and a hex dump of every piece of guest memory
//! the call may have written (filled with 0xAA just before the call, so a
//! dump shows exactly what the host wrote).
//!
//! Memory is 2 pages, fixed. Layout:
//!   [0, 4096)        the printer's own: hex digits at 0, an iovec at 16, the line at 256
//!   [4096, 8192)     fd slots: slot k at 4096 + 4k holds the fd call k opened (or BAD_FD)
//!   [8192, 65536)    out objects, bump-allocated per program (the host writes here)
//!   [65536, 131072)  in objects (paths, iovec arrays, subscriptions), written just before
//!                    their call with memory.init from passive data segments
//!
//! Hostile pointers are placed at the end of memory (ending exactly there,
//! or straddling it) or beyond it; out pointers never reach below 4096, so
//! the printer keeps working.

use std::fmt::Write;

use cap_rand::Rng;
use cap_rand::rngs::StdRng;

pub const MEM: u32 = 2 * 65536;
pub const SLOTS: u32 = 4096;
const OUT_START: u32 = 8192;
const OUT_END: u32 = 65536;
const IN_START: u32 = 65536;
/// An fd no runtime has open, stored in a slot whose open failed.
pub const BAD_FD: u32 = 0x7fff_fff0;

/// How the comparator reads a dump.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dump {
    /// An fd number written by path_open.
    Fd,
    /// A u32 count (nread, nwritten, bufused, nevents, sizes).
    U32,
    /// A u64 (fd_seek, fd_tell).
    U64,
    /// A filestat: filetype, nlink and size compared.
    Filestat,
    /// An fdstat: filetype and flags compared.
    Fdstat,
    /// Bytes compared as they are (data read, prestat, readlink, args).
    Bytes,
    /// A readdir buffer: names and types compared.
    Dirents,
    /// poll_oneoff events: userdata, error and type compared.
    Events,
    /// Written but not comparable (clock values, random bytes).
    Ignored,
}

/// One argument of a call.
#[derive(Clone, Debug)]
pub enum Arg {
    I32(u32),
    I64(u64),
    /// The fd stored in slot k (by an earlier path_open).
    Slot(usize),
}

/// One call.
#[derive(Clone, Debug)]
pub struct Call {
    pub func: &'static str,
    pub args: Vec<Arg>,
    /// In objects to write before the call: (address, bytes); only the part inside memory is written.
    pub inputs: Vec<(u32, Vec<u8>)>,
    /// Out objects to fill with 0xAA before and dump after the call: (address, length, how to read).
    pub dumps: Vec<(u32, u32, Dump)>,
    /// A human-readable summary of the call (for reports).
    pub note: String,
    /// What fuzz/ACCEPTED.md's conditions ask about the call: `hostile` (a pointer or length
    /// out of bounds or misaligned), `nul` (a path holding a NUL byte), `badutf8` (a path that
    /// is not UTF-8), `slash` (a path ending in `/`), `long` (a path over 4096 bytes or a name
    /// over 255), `cookie` (a readdir cookie the program made up), `badtag` (a subscription of
    /// undefined type or clock), `subs` (more than one subscription), `iovecs` (more than one
    /// buffer).
    pub tags: Vec<&'static str>,
}

impl Call {
    fn tag(&mut self, tag: &'static str) {
        if !self.tags.contains(&tag) {
            self.tags.push(tag);
        }
    }
}

/// The generated program.
pub struct Program {
    pub calls: Vec<Call>,
}

/// The names the sandbox trees hold (tree.rs lays them out); paths are made of these and worse.
const NAMES: &[&str] = &[
    "file",
    "empty",
    "dir",
    "edir",
    "inner",
    "sub",
    "l_file",
    "l_dir",
    "l_dir_slash",
    "l_out",
    "l_outdir",
    "l_outdir_slash",
    "l_abs",
    "l_dot",
    "l_dotdot",
    "l_loop",
    "l_dangle",
    "l_dangle_out",
    "l_up",
    "l_upup",
    "vfile",
    "vdir",
    "l_w",
    "canary",
    "outside",
    "w",
    "v",
    "new1",
    "new2",
    "new3",
];

/// The preopens: fd 3 is /w, fd 4 is /v.
pub const PREOPENS: [u32; 2] = [3, 4];

struct Gen<'r> {
    rng: &'r mut StdRng,
    out_next: u32,
    in_next: u32,
    /// Slots of earlier path_open calls.
    slots: Vec<usize>,
}

impl Program {
    /// `calls` calls drawn from `rng`.
    pub fn generate(rng: &mut StdRng, calls: usize) -> Program {
        let mut g = Gen { rng, out_next: OUT_START, in_next: IN_START, slots: Vec::new() };
        let calls = (0..calls).map(|i| g.call(i)).collect();
        Program { calls }
    }

    /// The program as a `.wat` module.
    pub fn to_wat(&self) -> String {
        let mut imports = Vec::new();
        for call in &self.calls {
            if !imports.contains(&call.func) {
                imports.push(call.func);
            }
        }
        let mut w = String::new();
        w.push_str("(module\n");
        w.push_str("  (import \"wasi_snapshot_preview1\" \"fd_write\" (func $print_write (param i32 i32 i32 i32) (result i32)))\n");
        for name in &imports {
            let (params, results) = signature(name);
            let _ = writeln!(
                w,
                "  (import \"wasi_snapshot_preview1\" \"{name}\" (func ${name} (param {params}) (result {results})))"
            );
        }
        w.push_str(PRINTER);
        // BAD_FD in every slot.
        let _ = write!(w, "  (data (i32.const {SLOTS}) \"");
        for _ in 0..1024 {
            for b in BAD_FD.to_le_bytes() {
                let _ = write!(w, "\\{b:02x}");
            }
        }
        w.push_str("\")\n");
        let mut data = 0;
        let mut body = String::new();
        for (i, call) in self.calls.iter().enumerate() {
            let _ = writeln!(body, "    ;; {i}: {}", call.note.replace('\n', " "));
            for (addr, bytes) in &call.inputs {
                let inside = bytes.len().min(MEM.saturating_sub(*addr) as usize);
                if *addr >= MEM || inside == 0 {
                    continue;
                }
                let _ = write!(w, "  (data $d{data} \"");
                for b in &bytes[..inside] {
                    let _ = write!(w, "\\{b:02x}");
                }
                w.push_str("\")\n");
                let _ =
                    writeln!(body, "    (memory.init $d{data} (i32.const {addr}) (i32.const 0) (i32.const {inside}))");
                data += 1;
            }
            for (addr, len, _) in &call.dumps {
                if let Some(len) = dump_len(*addr, *len) {
                    let _ = writeln!(body, "    (memory.fill (i32.const {addr}) (i32.const 0xaa) (i32.const {len}))");
                }
            }
            let _ = writeln!(body, "    (call $index (i32.const {i}))");
            let args: Vec<String> = call
                .args
                .iter()
                .map(|a| match a {
                    Arg::I32(v) => format!("(i32.const {})", *v as i32),
                    Arg::I64(v) => format!("(i64.const {})", *v as i64),
                    Arg::Slot(k) => format!("(i32.load (i32.const {}))", SLOTS + 4 * *k as u32),
                })
                .collect();
            let _ = writeln!(body, "    (call $hex8 (call ${} {}))", call.func, args.join(" "));
            for (addr, len, _) in &call.dumps {
                if let Some(len) = dump_len(*addr, *len) {
                    let _ = writeln!(body, "    (call $dump (i32.const {addr}) (i32.const {len}))");
                }
            }
            body.push_str("    (call $flush)\n");
        }
        w.push_str("  (func (export \"_start\")\n");
        w.push_str(&body);
        w.push_str("  )\n)\n");
        w
    }
}

/// How much of an out object at `addr` the program dumps: all of it when it lies in the out
/// area or at the end of memory, capped; nothing when it is out of bounds.
pub fn dump_len(addr: u32, len: u32) -> Option<u32> {
    let end = addr.checked_add(len)?;
    (addr >= OUT_START && end <= MEM && len > 0).then_some(len.min(1024))
}

/// The printer: `$index`, `$hex8`, `$dump`, `$flush` over the line buffer at 256.
const PRINTER: &str = r#"  (memory (export "memory") 2)
  (data (i32.const 0) "0123456789abcdef")
  (global $out (mut i32) (i32.const 256))
  (func $byte (param $b i32)
    (i32.store8 (global.get $out) (local.get $b))
    (global.set $out (i32.add (global.get $out) (i32.const 1))))
  (func $hex8 (param $v i32)
    (call $byte (i32.load8_u (i32.and (i32.shr_u (local.get $v) (i32.const 4)) (i32.const 15))))
    (call $byte (i32.load8_u (i32.and (local.get $v) (i32.const 15)))))
  (func $index (param $i i32)
    (call $hex8 (i32.shr_u (local.get $i) (i32.const 8)))
    (call $hex8 (local.get $i))
    (call $byte (i32.const 32)))
  (func $dump (param $p i32) (param $n i32) (local $i i32)
    (call $byte (i32.const 32))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (call $hex8 (i32.load8_u (i32.add (local.get $p) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next))))
  (func $flush
    (call $byte (i32.const 10))
    (i32.store (i32.const 16) (i32.const 256))
    (i32.store (i32.const 20) (i32.sub (global.get $out) (i32.const 256)))
    (drop (call $print_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))
    (global.set $out (i32.const 256)))
"#;

/// The wasm parameter and result types of a preview1 function.
fn signature(name: &str) -> (&'static str, &'static str) {
    let params = match name {
        "args_get" | "args_sizes_get" | "environ_get" | "environ_sizes_get" => "i32 i32",
        "clock_res_get" => "i32 i32",
        "clock_time_get" => "i32 i64 i32",
        "fd_advise" => "i32 i64 i64 i32",
        "fd_allocate" => "i32 i64 i64",
        "fd_close" | "fd_datasync" | "fd_sync" => "i32",
        "fd_fdstat_get" | "fd_filestat_get" | "fd_prestat_get" | "fd_tell" => "i32 i32",
        "fd_fdstat_set_flags" | "fd_renumber" => "i32 i32",
        "fd_fdstat_set_rights" => "i32 i64 i64",
        "fd_filestat_set_size" => "i32 i64",
        "fd_filestat_set_times" => "i32 i64 i64 i32",
        "fd_pread" | "fd_pwrite" => "i32 i32 i32 i64 i32",
        "fd_prestat_dir_name" => "i32 i32 i32",
        "fd_read" | "fd_write" => "i32 i32 i32 i32",
        "fd_readdir" => "i32 i32 i32 i64 i32",
        "fd_seek" => "i32 i64 i32 i32",
        "path_create_directory" | "path_remove_directory" | "path_unlink_file" => "i32 i32 i32",
        "path_filestat_get" => "i32 i32 i32 i32 i32",
        "path_filestat_set_times" => "i32 i32 i32 i32 i64 i64 i32",
        "path_link" => "i32 i32 i32 i32 i32 i32 i32",
        "path_open" => "i32 i32 i32 i32 i32 i64 i64 i32 i32",
        "path_readlink" => "i32 i32 i32 i32 i32 i32",
        "path_rename" => "i32 i32 i32 i32 i32 i32",
        "path_symlink" => "i32 i32 i32 i32 i32",
        "poll_oneoff" => "i32 i32 i32 i32",
        "random_get" => "i32 i32",
        "sched_yield" => "",
        "sock_shutdown" => "i32 i32",
        other => panic!("no signature for {other}"),
    };
    (params, "i32")
}

impl Gen<'_> {
    fn chance(&mut self, percent: u32) -> bool {
        self.rng.random_range(0..100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.random_range(0..items.len())]
    }

    /// A directory fd: mostly a preopen or an earlier open, sometimes anything.
    fn dir_fd(&mut self) -> Arg {
        match self.rng.random_range(0..10) {
            0..=5 => Arg::I32(self.pick(&PREOPENS)),
            6..=8 if !self.slots.is_empty() => Arg::Slot(self.pick(&self.slots.clone())),
            _ => self.any_fd(),
        }
    }

    /// An fd for fd_* calls: mostly an earlier open.
    fn fd(&mut self) -> Arg {
        match self.rng.random_range(0..10) {
            0..=6 if !self.slots.is_empty() => Arg::Slot(self.pick(&self.slots.clone())),
            0..=7 => Arg::I32(self.pick(&PREOPENS)),
            _ => self.any_fd(),
        }
    }

    /// Any fd, stdio and nonsense included; not for calls that would close or change stdout.
    fn any_fd(&mut self) -> Arg {
        Arg::I32(self.pick(&[0, 1, 2, 3, 4, 5, 6, 7, 9, 64, 1023, 0x7fff_ffff, 0x8000_0000, u32::MAX]))
    }

    /// An fd a destructive call (close, renumber, set_flags) may take: never stdio.
    fn victim_fd(&mut self) -> Arg {
        match self.fd() {
            Arg::I32(0..=2) => Arg::I32(5),
            fd => fd,
        }
    }

    fn name(&mut self) -> Vec<u8> {
        match self.rng.random_range(0..40) {
            0 => vec![b'a'; 255],
            1 => vec![b'a'; 256],
            2 => b"x\0y".to_vec(),
            3 => vec![0xff, 0xfe],
            4 => b"..".to_vec(),
            5 => b".".to_vec(),
            6 => Vec::new(),
            _ => self.pick(NAMES).as_bytes().to_vec(),
        }
    }

    /// A hostile path: names, `..`, `.`, absolute, trailing and doubled slashes, NUL, long.
    fn path(&mut self) -> Vec<u8> {
        let mut p = Vec::new();
        if self.chance(8) {
            p.push(b'/');
        }
        let parts = self.rng.random_range(1..=4);
        for i in 0..parts {
            if i > 0 {
                p.push(b'/');
                if self.chance(5) {
                    p.push(b'/');
                }
            }
            p.extend(self.name());
        }
        if self.chance(12) {
            p.push(b'/');
        }
        if self.chance(2) {
            p = vec![b'a'; 4097];
        }
        p
    }

    /// Places an in object: (pointer, length) as passed, and the bytes to write.
    fn place_in(&mut self, call: &mut Call, bytes: Vec<u8>) -> (u32, u32) {
        let len = bytes.len() as u32;
        let (ptr, passed_len) = match self.rng.random_range(0..100) {
            0..=84 => {
                let ptr = self.in_next;
                self.in_next += (len + 8) & !7;
                if self.in_next > MEM - 8192 {
                    self.in_next = IN_START;
                }
                (ptr, len)
            }
            85..=91 => (MEM - len, len),
            92..=95 => (MEM - len + self.rng.random_range(1..=len.max(1)), len),
            96..=97 => (self.pick(&[MEM, MEM + 1, 0x8000_0000, u32::MAX - 2, u32::MAX]), len),
            _ => (IN_START, self.pick(&[u32::MAX, 0x8000_0000, MEM])),
        };
        if ptr.checked_add(passed_len).is_none_or(|end| end > MEM) {
            call.tag("hostile");
        }
        call.inputs.push((ptr, bytes));
        (ptr, passed_len)
    }

    /// Places an out object of `len` bytes aligned to `align`; dumped after the call.
    fn place_out(&mut self, call: &mut Call, len: u32, align: u32, dump: Dump) -> u32 {
        let ptr = match self.rng.random_range(0..100) {
            0..=86 => {
                let ptr = (self.out_next + align - 1) & !(align - 1);
                self.out_next = ptr + len;
                if self.out_next > OUT_END - 2048 {
                    self.out_next = OUT_START;
                }
                ptr
            }
            87..=91 => MEM - len,
            92..=94 => MEM - len + self.rng.random_range(1..=len.max(1)),
            95..=96 => self.pick(&[MEM, MEM + 4, u32::MAX - 3, 0x8000_0000]),
            _ => ((self.out_next + align - 1) & !(align - 1)) + 1, // misaligned
        };
        if ptr % align != 0 || ptr.checked_add(len).is_none_or(|end| end > MEM) {
            call.tag("hostile");
        }
        call.dumps.push((ptr, len, dump));
        ptr
    }

    fn lookupflags(&mut self) -> u32 {
        if self.chance(1) { self.rng.random::<u32>() } else { self.rng.random_range(0..2) }
    }

    fn oflags(&mut self) -> u32 {
        if self.chance(1) {
            return self.rng.random::<u32>() & 0xffff;
        }
        // CREAT 1, DIRECTORY 2, EXCL 4, TRUNC 8
        let mut f = 0;
        for (bit, percent) in [(1, 30), (2, 20), (4, 10), (8, 15)] {
            if self.chance(percent) {
                f |= bit;
            }
        }
        f
    }

    fn rights(&mut self) -> u64 {
        match self.rng.random_range(0..10) {
            0 => 0,
            1 => 0x1fff_ffff,
            2 if self.chance(10) => self.rng.random(), // undefined bits: both runtimes trap
            2 => self.rng.random::<u64>() & 0x1fff_ffff,
            3..=5 => 2,      // FD_READ
            6..=7 => 2 | 64, // FD_READ | FD_WRITE
            _ => 64,         // FD_WRITE
        }
    }

    fn fdflags(&mut self) -> u32 {
        if self.chance(1) {
            return self.rng.random::<u32>() & 0xffff;
        }
        // APPEND 1, DSYNC 2, NONBLOCK 4, RSYNC 8, SYNC 16
        if self.chance(80) { 0 } else { self.pick(&[1, 1, 4, 4, 5, 2, 8, 16]) }
    }

    fn timestamp(&mut self) -> u64 {
        self.pick(&[0, 1, 1_000_000_000_000, 2_000_000_000_000_000_005, u64::MAX, 1 << 63])
    }

    fn fstflags(&mut self) -> u32 {
        if self.chance(5) { self.rng.random::<u32>() & 0xffff } else { self.rng.random_range(0..16) }
    }

    /// An iovec array of `n` buffers; `write` buffers hold data (in objects), read ones are out objects.
    fn iovecs(&mut self, call: &mut Call, write: bool) -> (u32, u32) {
        let n = self.pick(&[0, 1, 1, 1, 2, 3, 1025]);
        if n > 1 {
            call.tag("iovecs");
        }
        let mut array = Vec::new();
        for i in 0..n.min(8) {
            let len = self.pick(&[0, 1, 7, 64, 300]);
            let (ptr, len) = if write {
                let data: Vec<u8> = (0..len).map(|j| b'A' + ((i + j) % 26) as u8).collect();
                self.place_in(call, data)
            } else {
                (self.place_out(call, len, 1, Dump::Bytes), len)
            };
            array.extend(ptr.to_le_bytes());
            array.extend(len.to_le_bytes());
        }
        if n > 8 {
            // Many entries pointing at one small buffer.
            let buf = self.place_out(call, 16, 1, Dump::Bytes);
            for _ in 8..n {
                array.extend(buf.to_le_bytes());
                array.extend(16u32.to_le_bytes());
            }
        }
        let (ptr, _) = self.place_in(call, array);
        (ptr, n)
    }

    fn call(&mut self, index: usize) -> Call {
        let mut c = Call {
            func: "",
            args: Vec::new(),
            inputs: Vec::new(),
            dumps: Vec::new(),
            note: String::new(),
            tags: Vec::new(),
        };
        let roll = self.rng.random_range(0..100);
        let func = match roll {
            0..=19 => "path_open",
            20..=23 => "path_create_directory",
            24..=26 => "path_remove_directory",
            27..=29 => "path_unlink_file",
            30..=35 => "path_filestat_get",
            36..=37 => "path_filestat_set_times",
            38..=40 => "path_link",
            41..=44 => "path_rename",
            45..=48 => "path_symlink",
            49..=51 => "path_readlink",
            52..=56 => "fd_read",
            57..=58 => "fd_pread",
            59..=62 => "fd_write",
            63..=64 => "fd_pwrite",
            65..=68 => "fd_readdir",
            69..=70 => "fd_seek",
            71 => "fd_tell",
            72..=73 => "fd_filestat_get",
            74 => "fd_filestat_set_size",
            75 => "fd_filestat_set_times",
            76..=77 => "fd_fdstat_get",
            78 => "fd_fdstat_set_flags",
            79 => "fd_prestat_get",
            80 => "fd_prestat_dir_name",
            81..=82 => "fd_close",
            83 => "fd_renumber",
            84 => "fd_advise",
            85 => "fd_sync",
            86 => "fd_datasync",
            87..=88 => "poll_oneoff",
            89 => "args_get",
            90 => "args_sizes_get",
            91 => "environ_sizes_get",
            92 => "clock_time_get",
            93 => "clock_res_get",
            94 => "random_get",
            95 => "sched_yield",
            96 => "fd_fdstat_set_rights",
            97 => "sock_shutdown",
            98 => "fd_allocate",
            _ => "environ_get",
        };
        c.func = func;
        let path_arg = |g: &mut Self, c: &mut Call| {
            let p = g.path();
            if p.contains(&0) {
                c.tag("nul");
            }
            if std::str::from_utf8(&p).is_err() {
                c.tag("badutf8");
            }
            if p.ends_with(b"/") {
                c.tag("slash");
            }
            if p.len() > 4096 || p.split(|b| *b == b'/').any(|name| name.len() > 255) {
                c.tag("long");
            }
            let text = String::from_utf8_lossy(&p).into_owned();
            let (ptr, len) = g.place_in(c, p);
            c.args.push(Arg::I32(ptr));
            c.args.push(Arg::I32(len));
            text
        };
        let mut note = Vec::new();
        match func {
            "path_open" => {
                let fd = self.dir_fd();
                let lf = self.lookupflags();
                c.args.push(fd.clone());
                c.args.push(Arg::I32(lf));
                note.push(format!("{fd:?} lf={lf:#x}"));
                note.push(path_arg(self, &mut c));
                let (of, base, inh, ff) = (self.oflags(), self.rights(), self.rights(), self.fdflags());
                note.push(format!("oflags={of:#x} base={base:#x} fdflags={ff:#x}"));
                c.args.extend([Arg::I32(of), Arg::I64(base), Arg::I64(inh), Arg::I32(ff)]);
                let slot_addr = SLOTS + 4 * index as u32;
                let out = if self.chance(92) {
                    c.dumps.push((slot_addr, 4, Dump::Fd));
                    self.slots.push(index);
                    slot_addr
                } else {
                    self.place_out(&mut c, 4, 4, Dump::Fd)
                };
                c.args.push(Arg::I32(out));
            }
            "path_create_directory" | "path_remove_directory" | "path_unlink_file" => {
                let fd = self.dir_fd();
                c.args.push(fd.clone());
                note.push(format!("{fd:?}"));
                note.push(path_arg(self, &mut c));
            }
            "path_filestat_get" => {
                let fd = self.dir_fd();
                let lf = self.lookupflags();
                c.args.extend([fd.clone(), Arg::I32(lf)]);
                note.push(format!("{fd:?} lf={lf:#x}"));
                note.push(path_arg(self, &mut c));
                let out = self.place_out(&mut c, 64, 8, Dump::Filestat);
                c.args.push(Arg::I32(out));
            }
            "path_filestat_set_times" => {
                let fd = self.dir_fd();
                let lf = self.lookupflags();
                c.args.extend([fd, Arg::I32(lf)]);
                note.push(path_arg(self, &mut c));
                let (a, m, f) = (self.timestamp(), self.timestamp(), self.fstflags());
                c.args.extend([Arg::I64(a), Arg::I64(m), Arg::I32(f)]);
            }
            "path_link" | "path_rename" => {
                let fd = self.dir_fd();
                c.args.push(fd);
                if func == "path_link" {
                    let lf = self.lookupflags();
                    c.args.push(Arg::I32(lf));
                }
                note.push(path_arg(self, &mut c));
                let fd2 = self.dir_fd();
                c.args.push(fd2);
                note.push(path_arg(self, &mut c));
            }
            "path_symlink" => {
                let target = if self.chance(20) {
                    self.pick(&[&b"../outside"[..], b"../outside/", b"/etc", b"../../../..", b"..", b"../w/file"])
                        .to_vec()
                } else {
                    self.path()
                };
                if target.contains(&0) {
                    c.tag("nul");
                }
                // A target is limited in length only, not per name (as Linux).
                if target.len() > 4096 {
                    c.tag("long");
                }
                note.push(String::from_utf8_lossy(&target).into_owned());
                let (ptr, len) = self.place_in(&mut c, target);
                c.args.extend([Arg::I32(ptr), Arg::I32(len)]);
                let fd = self.dir_fd();
                c.args.push(fd);
                note.push(path_arg(self, &mut c));
            }
            "path_readlink" => {
                let fd = self.dir_fd();
                c.args.push(fd);
                note.push(path_arg(self, &mut c));
                let len = self.pick(&[0, 1, 4, 64, 256]);
                let buf = self.place_out(&mut c, len, 1, Dump::Bytes);
                let out = self.place_out(&mut c, 4, 4, Dump::U32);
                c.args.extend([Arg::I32(buf), Arg::I32(len), Arg::I32(out)]);
            }
            "fd_read" | "fd_pread" | "fd_write" | "fd_pwrite" => {
                // Never stdout: the program prints its results there.
                let fd = match self.fd() {
                    Arg::I32(1) => Arg::I32(2),
                    fd => fd,
                };
                c.args.push(fd);
                let (ptr, n) = self.iovecs(&mut c, func.contains("write"));
                c.args.extend([Arg::I32(ptr), Arg::I32(n)]);
                if func.starts_with("fd_p") {
                    let off = self.pick(&[0, 1, 5, 100, 1 << 32, i64::MAX as u64, u64::MAX]);
                    c.args.push(Arg::I64(off));
                }
                let out = self.place_out(&mut c, 4, 4, Dump::U32);
                c.args.push(Arg::I32(out));
            }
            "fd_readdir" => {
                let fd = self.fd();
                c.args.push(fd);
                let len = self.pick(&[0, 1, 24, 30, 128, 512, 1024]);
                let buf = self.place_out(&mut c, len, 8, Dump::Dirents);
                let cookie = self.pick(&[0, 0, 0, 1, 2, 3, 100, u64::MAX]);
                if cookie != 0 {
                    c.tag("cookie");
                }
                let out = self.place_out(&mut c, 4, 4, Dump::U32);
                c.args.extend([Arg::I32(buf), Arg::I32(len), Arg::I64(cookie), Arg::I32(out)]);
            }
            "fd_seek" => {
                let fd = self.fd();
                let off = self.pick(&[0, 1, 3, u64::MAX, (-100i64) as u64, i64::MAX as u64, 1 << 40]);
                let whence = if self.chance(5) { self.pick(&[3, 255]) } else { self.rng.random_range(0..3) };
                let out = self.place_out(&mut c, 8, 8, Dump::U64);
                c.args.extend([fd, Arg::I64(off), Arg::I32(whence), Arg::I32(out)]);
            }
            "fd_tell" | "fd_filestat_get" | "fd_fdstat_get" | "fd_prestat_get" => {
                let fd = self.fd();
                let (len, align, dump) = match func {
                    "fd_tell" => (8, 8, Dump::U64),
                    "fd_filestat_get" => (64, 8, Dump::Filestat),
                    "fd_fdstat_get" => (24, 8, Dump::Fdstat),
                    _ => (8, 4, Dump::Bytes),
                };
                let out = self.place_out(&mut c, len, align, dump);
                c.args.extend([fd, Arg::I32(out)]);
            }
            "fd_filestat_set_size" => {
                let fd = self.fd();
                let size = self.pick(&[0, 3, 100, 1 << 20, u64::MAX, i64::MAX as u64]);
                c.args.extend([fd, Arg::I64(size)]);
            }
            "fd_filestat_set_times" => {
                let fd = self.fd();
                let (a, m, f) = (self.timestamp(), self.timestamp(), self.fstflags());
                c.args.extend([fd, Arg::I64(a), Arg::I64(m), Arg::I32(f)]);
            }
            "fd_fdstat_set_flags" => {
                let fd = self.victim_fd();
                let f = self.fdflags();
                c.args.extend([fd, Arg::I32(f)]);
            }
            "fd_fdstat_set_rights" => {
                let fd = self.victim_fd();
                let (b, i) = (self.rights(), self.rights());
                c.args.extend([fd, Arg::I64(b), Arg::I64(i)]);
            }
            "fd_prestat_dir_name" => {
                let fd = self.fd();
                let len = self.pick(&[0, 1, 2, 16]);
                let buf = self.place_out(&mut c, len, 1, Dump::Bytes);
                c.args.extend([fd, Arg::I32(buf), Arg::I32(len)]);
            }
            "fd_close" | "fd_sync" | "fd_datasync" => {
                let fd = if func == "fd_close" { self.victim_fd() } else { self.fd() };
                c.args.push(fd);
            }
            "fd_renumber" => {
                let (from, to) = (self.victim_fd(), self.victim_fd());
                c.args.extend([from, to]);
            }
            "fd_advise" => {
                let fd = self.fd();
                let advice = if self.chance(10) { 6 } else { self.rng.random_range(0..6) };
                c.args.extend([fd, Arg::I64(0), Arg::I64(self.pick(&[0, 10, u64::MAX])), Arg::I32(advice)]);
            }
            "fd_allocate" => {
                let fd = self.fd();
                c.args.extend([fd, Arg::I64(0), Arg::I64(self.pick(&[0, 10, u64::MAX]))]);
            }
            "poll_oneoff" => {
                let n = self.pick(&[0, 1, 2, 3, 1 << 20, u32::MAX]);
                let mut subs = Vec::new();
                for i in 0..n.min(3) {
                    let mut s = vec![0u8; 48];
                    s[0..8].copy_from_slice(&(0x1000 + i as u64).to_le_bytes());
                    let tag = if self.chance(5) { 7 } else { self.rng.random_range(0..3) };
                    if tag == 7 {
                        c.tag("badtag");
                    }
                    s[8] = tag;
                    if tag == 0 {
                        let clock = self.pick(&[0u32, 1, 9]);
                        if clock == 9 {
                            c.tag("badtag");
                        }
                        s[16..20].copy_from_slice(&clock.to_le_bytes());
                        s[24..32].copy_from_slice(&self.pick(&[0u64, 1000, 1_000_000]).to_le_bytes());
                    } else {
                        let fd = match self.fd() {
                            Arg::I32(v) => v,
                            _ => self.pick(&PREOPENS),
                        };
                        s[16..20].copy_from_slice(&fd.to_le_bytes());
                    }
                    subs.extend(s);
                }
                if n > 3 {
                    c.tag("hostile"); // the array the count implies runs past memory
                }
                if n >= 2 {
                    c.tag("subs");
                }
                let (sin, _) = self.place_in(&mut c, subs);
                let events = self.place_out(&mut c, 32 * n.clamp(1, 3), 8, Dump::Events);
                let nout = self.place_out(&mut c, 4, 4, Dump::U32);
                c.args.extend([Arg::I32(sin), Arg::I32(events), Arg::I32(n), Arg::I32(nout)]);
            }
            "args_get" | "environ_get" => {
                let argv = self.place_out(&mut c, 16, 4, Dump::Ignored);
                let buf = self.place_out(&mut c, 64, 1, Dump::Bytes);
                c.args.extend([Arg::I32(argv), Arg::I32(buf)]);
            }
            "args_sizes_get" | "environ_sizes_get" => {
                let a = self.place_out(&mut c, 4, 4, Dump::U32);
                let b = self.place_out(&mut c, 4, 4, Dump::U32);
                c.args.extend([Arg::I32(a), Arg::I32(b)]);
            }
            "clock_time_get" | "clock_res_get" => {
                let id = if self.chance(10) { self.pick(&[4, 99, u32::MAX]) } else { self.rng.random_range(0..4) };
                c.args.push(Arg::I32(id));
                if func == "clock_time_get" {
                    c.args.push(Arg::I64(self.pick(&[0, 1, u64::MAX])));
                }
                let out = self.place_out(&mut c, 8, 8, Dump::Ignored);
                c.args.push(Arg::I32(out));
            }
            "random_get" => {
                let len = self.pick(&[0, 1, 16, 100_000]);
                let buf = self.place_out(&mut c, len, 1, Dump::Ignored);
                c.args.extend([Arg::I32(buf), Arg::I32(len)]);
            }
            "sock_shutdown" => {
                let fd = self.fd();
                c.args.extend([fd, Arg::I32(self.rng.random_range(0..4))]);
            }
            _ => {}
        }
        // An out object filled with 0xAA over an in object placed before it changes what the
        // call reads: as hostile as a pointer out of bounds.
        let overlaps = c.dumps.iter().any(|(o, ol, _)| {
            c.inputs.iter().any(|(i, bytes)| {
                let (o, ol, i, il) = (*o as u64, *ol as u64, *i as u64, bytes.len() as u64);
                o < i + il && i < o + ol
            })
        });
        if overlaps {
            c.tag("hostile");
        }
        let args: Vec<String> = c
            .args
            .iter()
            .map(|a| match a {
                Arg::I32(v) => format!("{v:#x}"),
                Arg::I64(v) => format!("{v:#x}"),
                Arg::Slot(k) => format!("fd@{k}"),
            })
            .collect();
        let text = format!("{func}({}) {}", args.join(", "), note.join(" "));
        c.note = text.escape_debug().to_string();
        c
    }
}
