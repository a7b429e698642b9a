//! The on-disk cache of compiled modules, and loading modules of every kind.
//!
//! An entry is keyed by SHA-256 over capwasi's version, the engine's
//! compilation settings and the module's bytes, and lives at
//! `$XDG_CACHE_HOME/capwasi/modules/<key>.cwasm` (`~/.cache/...` by default).
//! Entries are written to a temporary file and renamed into place, so
//! concurrent runs see either no entry or a whole one. Any cache failure
//! falls back to compiling; the cache never makes a run fail.
//!
//! An entry is native code that runs unchecked, and a guest writes files as
//! the user: with a preopen at or above the cache it could rename one entry
//! over another, or write its own code there. So each entry begins with an
//! HMAC-SHA256 tag over its name and its code, keyed by a secret kept in the
//! Linux user keyring, where no preopen reaches (`cache_auth.rs`, and
//! docs/THREAT-MODEL.md for who can write what). The entry is copied into a
//! memfd sealed against every change and its tag checked there, and wasmtime
//! maps that copy, so what runs is what was checked (where memfds cannot be
//! sealed, a copy in memory is checked and deserialized instead); an entry
//! whose tag fails (poisoned, truncated, or written under a key that is gone)
//! is compiled again and replaced. Without a keyring the cache is not used,
//! with one line on stderr once per process.
//!
//! A module file that has not changed since a run read it is not read again:
//! a signed index beside the entries names its entry by the file's identity
//! (`cache_index.rs`).
//!
//! As ssh does for its keys, the cache is also used only when nobody but the
//! user (and root) can have written it: the cache directory and each
//! directory above it, and the entry itself, must be owned by the user or
//! root and not writable by group or others (a directory owned by root with
//! the sticky bit, like `/tmp`, is fine: nobody else can replace what is in
//! it). Otherwise one line on stderr says what is wrong, and the module is
//! compiled without the cache (nothing is read from it or written to it).

use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha256};
use wasmtime::{Engine, Module, Precompiled, bail, format_err};

use super::cache_auth::{Secret, TAG_LEN, user_secret};
use super::cache_index::{self, Identity};
use super::cold::{ColdCompiler, FirstRun};

/// How `load` may use the cache and precompiled files.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Where cache entries live; `None` disables the cache.
    pub cache_dir: Option<PathBuf>,
    /// Whether a `.cwasm` (precompiled native code) may run.
    pub allow_precompiled: bool,
    /// Which compiler `run` uses for a module not in the cache (`cold.rs`).
    pub cold_compiler: ColdCompiler,
}

/// The default cache directory: `$XDG_CACHE_HOME/capwasi/modules`, else
/// `$HOME/.cache/capwasi/modules`.
pub fn default_cache_dir() -> Option<PathBuf> {
    let base = match std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME").filter(|v| !v.is_empty())?).join(".cache"),
    };
    Some(base.join("capwasi").join("modules"))
}

/// Where a loaded module's code came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Compiled now (no cache, or not in it).
    Compiled,
    /// Read from the cache.
    Cached,
    /// A `.cwasm` from `capwasi compile`.
    Precompiled,
    /// Compiled now by Winch, for this run only (`cold.rs`).
    Winch,
}

/// Reads and compiles `path` (binary, text, or with `allow_precompiled` a
/// `.cwasm`), through the cache when one is configured and trusted; why a
/// cache is not trusted goes to stderr, each line once per process (`capwasi
/// test` loads many modules).
pub fn load(engine: &Engine, path: &Path, options: &LoadOptions) -> wasmtime::Result<(Module, Origin)> {
    load_first_run(engine, path, options, None)
}

/// [`load`], but a module not in the cache is compiled by `first`'s fast tier
/// when it takes it, and Cranelift's code goes to the cache from a process of
/// its own (`cold.rs`). The module's own engine (`Module::engine`) is then
/// Winch's: the run's store must be made on it.
pub fn load_first_run(
    engine: &Engine,
    path: &Path,
    options: &LoadOptions,
    first: Option<&FirstRun>,
) -> wasmtime::Result<(Module, Origin)> {
    static SAID: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    load_reporting(engine, path, options, first, &OUTSIDE, &mut |line| {
        let mut said = SAID.lock().unwrap_or_else(|e| e.into_inner());
        if !said.contains(&line) {
            eprintln_lossy!("capwasi: {line}");
            said.push(line);
        }
    })
}

/// What the cache takes from outside the process: the user's key and the
/// time (tests supply their own).
struct Outside {
    secret: fn() -> Result<Secret, String>,
    now: fn() -> SystemTime,
}

const OUTSIDE: Outside = Outside { secret: user_secret, now: SystemTime::now };

/// A cache directory that passed its checks, with the key its entries are
/// signed with.
struct Cache {
    dir: PathBuf,
    secret: Secret,
}

/// The cache in `dir`, or why it cannot be used: `Some(line)` to say, `None`
/// when there is nothing to say (a directory that cannot be made).
fn open_cache(dir: &Path, secret: fn() -> Result<Secret, String>) -> Result<Cache, Option<String>> {
    let dir = match cache_dir(dir) {
        CacheDir::Trusted(dir) => dir,
        CacheDir::Untrusted(why) => {
            return Err(Some(format!("not using the compile cache: {why}; fix it, or pass --no-cache")));
        }
        // Best effort: a cache directory that cannot be made only costs a compile.
        CacheDir::Unusable => return Err(None),
    };
    let secret = secret().map_err(|why| {
        Some(format!(
            "not using the compile cache: {why}, and its entries are trusted only when signed with a key \
             kept there; pass --no-cache to compile without it quietly"
        ))
    })?;
    Ok(Cache { dir, secret })
}

/// [`load`] with the cache key and time from `outside`, handing each line
/// about an untrusted cache to `warn`.
fn load_reporting(
    engine: &Engine,
    path: &Path,
    options: &LoadOptions,
    first: Option<&FirstRun>,
    outside: &Outside,
    warn: &mut dyn FnMut(String),
) -> wasmtime::Result<(Module, Origin)> {
    let file = ModuleFile::open(path)?;
    let cache = options.cache_dir.as_deref().map(|dir| open_cache(dir, outside.secret));
    // The module file unchanged since a run read it: its entry, unread (`cache_index.rs`).
    if let Some(Ok(cache)) = &cache
        && let Some(identity) = &file.identity
        && let Some(key) = cache_index::lookup(engine, &cache.secret, &cache.dir, identity)
        && let entry = cache.dir.join(format!("{key}.cwasm"))
        && let Ok(Some(module)) = read_entry(engine, &cache.secret, &entry, identity.size())
    {
        return Ok((module, Origin::Cached));
    }
    let (bytes, identity) = file.read()?;
    if let Some(kind) = Engine::detect_precompiled(&bytes) {
        if kind != Precompiled::Module {
            bail!("'{}' is a precompiled component, and capwasi runs core modules only", path.display());
        }
        if !options.allow_precompiled {
            bail!(
                "'{}' is precompiled native code, which runs unchecked; if you trust it, pass --allow-precompiled",
                path.display()
            );
        }
        // SAFETY: the user vouched for this file with --allow-precompiled;
        // wasmtime still checks that it was compiled for this engine.
        return unsafe { Module::deserialize(engine, &bytes) }.map(|module| (module, Origin::Precompiled)).map_err(
            |e| {
                let why = first_line(&e);
                format_err!("'{}' cannot run here: {why}; {}", path.display(), precompiled_remedy(&why))
            },
        );
    }
    let looks_like_text = std::str::from_utf8(&bytes).is_ok_and(|text| text.trim_start().starts_with('('));
    if !bytes.starts_with(b"\0asm") && !looks_like_text {
        bail!(
            "'{}' is not a WebAssembly module (no \\0asm header, and not .wat text); \
             build it for wasm32-wasip1 or wasm32-wasi",
            path.display()
        );
    }
    let compile = || {
        Module::new(engine, &bytes)
            .map_err(|e| format_err!("'{}' is not a valid WebAssembly module: {}", path.display(), first_line(&e)))
    };
    let cache = match cache {
        None => {
            if let Some(module) = first.and_then(|first| first.compile(&bytes)) {
                return Ok((module, Origin::Winch));
            }
            return Ok((compile()?, Origin::Compiled));
        }
        Some(Err(why)) => {
            if let Some(line) = why {
                warn(line);
            }
            return Ok((compile()?, Origin::Compiled));
        }
        Some(Ok(cache)) => cache,
    };
    let key = cache_key(engine, &bytes);
    let entry = cache.dir.join(format!("{key}.cwasm"));
    let remember = || {
        if let Some(identity) = &identity {
            cache_index::remember(engine, &cache.secret, &cache.dir, identity, &key, (outside.now)());
        }
    };
    match read_entry(engine, &cache.secret, &entry, bytes.len() as u64) {
        Ok(Some(module)) => {
            remember();
            return Ok((module, Origin::Cached));
        }
        Ok(None) => {}
        Err(why) => {
            warn(format!("not using the compile cache entry: {why}; remove it, or pass --no-cache"));
            return Ok((compile()?, Origin::Compiled));
        }
    }
    if let Some(first) = first
        && let Some(module) = first.compile(&bytes)
    {
        first.start_filler(path);
        return Ok((module, Origin::Winch));
    }
    let module = compile()?;
    // Best effort: a cache that cannot be written only costs the next run a compile.
    if write_entry(&module, &cache.secret, &cache.dir, &entry).is_ok() {
        remember();
    }
    Ok((module, Origin::Compiled))
}

/// `capwasi compile --into-cache` (the filler `cold.rs` starts): puts
/// Cranelift's code for the module at `path` in the cache, through the same
/// checks and signed write as a run's, unless the entry is already there or
/// another filler holds the module's lock (`<key>.lock` under `flock`, in the
/// directory `modules-filling` beside the cache's: a filler that dies holds
/// no lock, and the cache directory holds only entries and their indexes).
pub fn fill(engine: &Engine, path: &Path) -> wasmtime::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let (bytes, identity) = ModuleFile::open(path)?.read()?;
    let dir = default_cache_dir().ok_or_else(|| format_err!("no cache directory ($HOME is not set)"))?;
    let dir = match cache_dir(&dir) {
        CacheDir::Trusted(dir) => dir,
        CacheDir::Untrusted(why) => bail!("not using the compile cache: {why}"),
        CacheDir::Unusable => bail!("the compile cache directory {} cannot be used", dir.display()),
    };
    let secret = user_secret().map_err(wasmtime::Error::msg)?;
    let key = cache_key(engine, &bytes);
    let entry = dir.join(format!("{key}.cwasm"));
    // Beside the checked cache directory, in its checked parent: the user's alone.
    let locks = dir.with_file_name("modules-filling");
    match std::fs::DirBuilder::new().mode(0o700).create(&locks) {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => return Err(e.into()),
        _ => {}
    }
    let lock_path = locks.join(format!("{key}.lock"));
    // Never written, and not followed if something put a link there.
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&lock_path)?;
    if rustix::fs::flock(&lock, rustix::fs::FlockOperation::NonBlockingLockExclusive).is_err() {
        return Ok(());
    }
    if !matches!(read_entry(engine, &secret, &entry, bytes.len() as u64), Ok(Some(_))) {
        let module = Module::new(engine, &bytes)?;
        write_entry(&module, &secret, &dir, &entry)?;
    }
    if let Some(identity) = &identity {
        cache_index::remember(engine, &secret, &dir, identity, &key, SystemTime::now());
    }
    let _ = std::fs::remove_file(&lock_path);
    Ok(())
}

/// What [`cache_dir`] found.
enum CacheDir {
    /// Usable: the directory, symlinks resolved.
    Trusted(PathBuf),
    /// It, or a directory above it, may have been written by someone else.
    Untrusted(String),
    /// It cannot be made or looked at.
    Unusable,
}

/// Checks the cache directory `dir` and every directory above it (see the
/// module's doc), making what is missing of it (the user's alone) beneath
/// the part that exists once that part is checked.
fn cache_dir(dir: &Path) -> CacheDir {
    use std::os::unix::fs::DirBuilderExt;
    let Some(existing) = dir.ancestors().find(|ancestor| ancestor.is_dir()) else { return CacheDir::Unusable };
    let checked = check_chain(existing);
    // The usual case: the directory is there, and this one check is the whole check.
    if existing == dir {
        return checked.map_or_else(|found| found, CacheDir::Trusted);
    }
    if let Err(found) = checked {
        return found;
    }
    if std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir).is_err() {
        return CacheDir::Unusable;
    }
    match check_chain(dir) {
        Ok(resolved) => CacheDir::Trusted(resolved),
        Err(found) => found,
    }
}

/// `dir` with symlinks resolved, if it and every directory above it are trusted.
fn check_chain(dir: &Path) -> Result<PathBuf, CacheDir> {
    let resolved = std::fs::canonicalize(dir).map_err(|_| CacheDir::Unusable)?;
    for ancestor in resolved.ancestors() {
        let meta = std::fs::metadata(ancestor).map_err(|_| CacheDir::Unusable)?;
        untrusted(ancestor, &meta).map_err(CacheDir::Untrusted)?;
    }
    Ok(resolved)
}

/// `Err(why)` if `path` (with metadata `meta`) may have been written by
/// someone other than the user and root (only root, run as root).
pub(super) fn untrusted(path: &Path, meta: &std::fs::Metadata) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me && meta.uid() != 0 {
        return Err(format!("{} is owned by uid {}, not by you (uid {me}) or root", path.display(), meta.uid()));
    }
    let mode = meta.mode() & 0o7777;
    let sticky_root_dir = meta.is_dir() && meta.uid() == 0 && mode & 0o1000 != 0;
    if mode & 0o022 != 0 && !sticky_root_dir {
        return Err(format!("{} is writable by group or others (mode {mode:04o})", path.display()));
    }
    Ok(())
}

/// A module file, open, and its identity when opened (`cache_index.rs`).
struct ModuleFile {
    file: std::fs::File,
    path: PathBuf,
    identity: Option<Identity>,
}

impl ModuleFile {
    /// Opens the module file at `path`, or says in one line why not.
    fn open(path: &Path) -> wasmtime::Result<ModuleFile> {
        let file = std::fs::File::open(path).map_err(|e| cannot_read(path, e))?;
        let identity = file.metadata().ok().and_then(|meta| Identity::of(&meta));
        Ok(ModuleFile { file, path: path.to_path_buf(), identity })
    }

    /// The module's bytes, and the file's identity if it did not change
    /// while they were read.
    fn read(mut self) -> wasmtime::Result<(Vec<u8>, Option<Identity>)> {
        use std::io::Read;
        let mut bytes = Vec::new();
        self.file.read_to_end(&mut bytes).map_err(|e| cannot_read(&self.path, e))?;
        let after = self.file.metadata().ok().and_then(|meta| Identity::of(&meta));
        let identity = self.identity.filter(|before| after.as_ref() == Some(before));
        Ok((bytes, identity))
    }
}

/// One line saying why the module file at `path` cannot be read.
fn cannot_read(path: &Path, e: std::io::Error) -> wasmtime::Error {
    let why = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        _ => e.to_string(),
    };
    format_err!("cannot read module '{}': {why}", path.display())
}

/// The first line of `err` with its causes, for a one-line message.
pub(super) fn first_line(err: &wasmtime::Error) -> String {
    format!("{err:#}").lines().next().unwrap_or_default().to_string()
}

/// Feeds `Hash` output into a SHA-256.
struct ShaHasher(Sha256);

impl Hasher for ShaHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    fn finish(&self) -> u64 {
        0
    }
}

fn cache_key(engine: &Engine, bytes: &[u8]) -> String {
    engine_digest(engine, "capwasi ", bytes)
}

/// SHA-256, in hex, of `kind`, capwasi's version, the engine's compilation
/// settings and `payload`: a name in the cache that changes with any of them.
pub(super) fn engine_digest(engine: &Engine, kind: &str, payload: &[u8]) -> String {
    let mut hasher = ShaHasher(Sha256::new());
    hasher.write(kind.as_bytes());
    hasher.write(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes());
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hasher.write(payload);
    hex(&hasher.0.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The largest entry read for a module of `module_len` bytes: compiled code
/// is a few times the size of its module at most (CPython's 26 MB module
/// gives a 25 MB entry), and a guest that can write the cache could leave a
/// sparse file of any size there for a run to copy into memory.
fn entry_limit(module_len: u64) -> u64 {
    module_len.saturating_mul(32).max(64 << 20)
}

/// The module in `entry`, the entry for a module of `module_len` bytes, if
/// the entry exists, is whole, no larger than [`entry_limit`], carries the
/// tag of its name and code under `secret`, and suits this engine;
/// `Err(why)` if it exists but is not trusted (see the module's doc).
fn read_entry(engine: &Engine, secret: &Secret, entry: &Path, module_len: u64) -> Result<Option<Module>, String> {
    let Ok(mut file) = std::fs::File::open(entry) else { return Ok(None) };
    // Checked on the open file: what is read is what was checked.
    let Ok(meta) = file.metadata() else { return Ok(None) };
    untrusted(entry, &meta)?;
    if meta.len() > entry_limit(module_len) {
        return Ok(None);
    }
    let name = entry.file_name().unwrap_or_default().to_string_lossy();
    let mut tag = [0; TAG_LEN];
    if std::io::Read::read_exact(&mut file, &mut tag).is_err() {
        return Ok(None);
    }
    let code = match sealed_copy(&mut file) {
        Ok(copy) => Code::Sealed(copy),
        // Where memfds cannot be made or sealed: a copy in this process's memory.
        Err(_) => {
            use std::io::{Read, Seek, SeekFrom};
            let mut bytes = Vec::new();
            if file.seek(SeekFrom::Start(TAG_LEN as u64)).and_then(|_| file.read_to_end(&mut bytes)).is_err() {
                return Ok(None);
            }
            Code::InMemory(bytes)
        }
    };
    Ok(code.load_checked(engine, secret, &name, &tag))
}

/// An entry's code, copied where nothing can change it before it is checked.
enum Code {
    /// In a sealed memfd (`sealed_copy`), which wasmtime maps as it maps a
    /// `.cwasm` file: no copy into executable memory, and the linear memory's
    /// initial image is mapped from it rather than written to a memfd of its own.
    Sealed(std::fs::File),
    /// In this process's memory, which `Module::deserialize` copies again.
    InMemory(Vec<u8>),
}

impl Code {
    /// The module, if `tag` is the tag of this code under `name` and `secret`
    /// and wasmtime takes it for this engine.
    fn load_checked(self, engine: &Engine, secret: &Secret, name: &str, tag: &[u8]) -> Option<Module> {
        match self {
            Code::InMemory(bytes) => {
                if !secret.verify(name, &bytes, tag) {
                    return None;
                }
                // SAFETY: the artifact in memory is byte for byte what a run of
                // this user's serialized under this name (its HMAC, keyed by a
                // secret no guest can read, is checked above), and wasmtime checks
                // engine compatibility.
                unsafe { Module::deserialize(engine, &bytes) }.ok()
            }
            Code::Sealed(copy) => {
                let mut tagger = secret.tagger(name);
                let len = usize::try_from(copy.metadata().ok()?.len()).ok()?;
                if len > 0 {
                    use rustix::mm::{MapFlags, ProtFlags};
                    // SAFETY: a fresh read-only mapping of `len` bytes, the
                    // memfd's size, which its seals keep from shrinking or
                    // changing while mapped: the slice is valid and unchanging
                    // until the unmap below, and nothing else refers to it.
                    unsafe {
                        let flags = MapFlags::SHARED | MapFlags::POPULATE;
                        let at = rustix::mm::mmap(std::ptr::null_mut(), len, ProtFlags::READ, flags, &copy, 0).ok()?;
                        tagger.update(std::slice::from_raw_parts(at.cast::<u8>(), len));
                        rustix::mm::munmap(at, len).ok()?;
                    }
                }
                if !tagger.matches(tag) {
                    return None;
                }
                // SAFETY: as for `InMemory`: the memfd's contents are what was
                // checked above, and its seals (no write, no resize, no unseal)
                // keep them so for as long as wasmtime maps it.
                unsafe { Module::deserialize_open_file(engine, copy) }.ok()
            }
        }
    }
}

/// A copy of the rest of `file` in a memfd sealed against every change
/// (`memfd_create(2)`, `F_SEAL_WRITE`), made in the kernel where it can be.
fn sealed_copy(file: &mut std::fs::File) -> std::io::Result<std::fs::File> {
    use rustix::fs::{MemfdFlags, SealFlags};
    let memfd = rustix::fs::memfd_create("capwasi-cache-entry", MemfdFlags::CLOEXEC | MemfdFlags::ALLOW_SEALING)?;
    let mut copy = std::fs::File::from(memfd);
    std::io::copy(file, &mut copy)?;
    rustix::fs::fcntl_add_seals(&copy, SealFlags::SEAL | SealFlags::SHRINK | SealFlags::GROW | SealFlags::WRITE)?;
    Ok(copy)
}

fn write_entry(module: &Module, secret: &Secret, dir: &Path, entry: &Path) -> wasmtime::Result<()> {
    let artifact = module.serialize()?;
    let name = entry.file_name().unwrap_or_default().to_string_lossy();
    // A temporary file is readable and writable by the user alone.
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(&secret.tag(&name, &artifact))?;
    file.write_all(&artifact)?;
    file.persist(entry)?;
    Ok(())
}

/// What to do about a `.cwasm` that wasmtime refused for this run's engine
/// (`why`, wasmtime's reason): fuel counting and epoch checks are compiled in,
/// so they must match the run's `--fuel` and `--timeout`.
fn precompiled_remedy(why: &str) -> &'static str {
    if why.contains("fuel") {
        "a .cwasm made by `capwasi compile --with-fuel` runs only with --fuel, one made without it only without: \
         compile it again to match, or run the .wasm"
    } else if why.contains("epoch") {
        "a .cwasm made by `capwasi compile --with-timeout` runs only with --timeout, one made without it only \
         without: compile it again to match, or run the .wasm"
    } else {
        "compile it again with this capwasi (`capwasi compile`), or run the .wasm"
    }
}

/// `capwasi compile`: writes `module`'s precompiled form to `output`.
pub fn compile_to_file(engine: &Engine, module: &Path, output: &Path) -> wasmtime::Result<()> {
    let (bytes, _) = ModuleFile::open(module)?.read()?;
    let artifact = engine
        .precompile_module(&bytes)
        .map_err(|e| format_err!("'{}' is not a valid WebAssembly module: {}", module.display(), first_line(&e)))?;
    let file = super::outfile::create(output).map_err(wasmtime::Error::msg)?;
    super::outfile::replace(&file, &artifact).map_err(|e| format_err!("cannot write '{}': {e}", output.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const WAT: &str = r#"(module (func (export "f") (result i32) (i32.const 7)))"#;

    fn setup() -> (tempfile::TempDir, PathBuf, LoadOptions, Engine) {
        let dir = tempfile::tempdir().unwrap();
        let module = dir.path().join("m.wat");
        std::fs::write(&module, WAT).unwrap();
        let options =
            LoadOptions { cache_dir: Some(dir.path().join("cache")), allow_precompiled: false, ..Default::default() };
        (dir, module, options, Engine::default())
    }

    /// The cache's entries (not its index files).
    fn entries(options: &LoadOptions) -> Vec<PathBuf> {
        files(options).into_iter().filter(|path| path.extension().is_some_and(|ext| ext == "cwasm")).collect()
    }

    fn files(options: &LoadOptions) -> Vec<PathBuf> {
        std::fs::read_dir(options.cache_dir.as_ref().unwrap()).unwrap().map(|e| e.unwrap().path()).collect()
    }

    fn key() -> Secret {
        Secret::from_bytes([0x5a; 32])
    }

    fn test_secret() -> Result<Secret, String> {
        Ok(key())
    }

    /// [`read_entry`] with the test key, for an entry of a module like [`WAT`].
    fn read_back(engine: &Engine, entry: &Path) -> Result<Option<Module>, String> {
        read_entry(engine, &key(), entry, WAT.len() as u64)
    }

    const TEST: Outside = Outside { secret: test_secret, now: SystemTime::now };

    /// [`TEST`] with the clock [`cache_index::SETTLE`] ahead, so that a module
    /// file written just now gets an index.
    const SETTLED: Outside = Outside { secret: test_secret, now: || SystemTime::now() + cache_index::SETTLE };

    /// [`load`] with the test key, ignoring warnings.
    fn load_test(engine: &Engine, module: &Path, options: &LoadOptions) -> wasmtime::Result<(Module, Origin)> {
        load_reporting(engine, module, options, None, &TEST, &mut |_| {})
    }

    /// [`load_test`] with the clock of [`SETTLED`].
    fn load_settled(engine: &Engine, module: &Path, options: &LoadOptions) -> (i32, Origin) {
        let (module, origin) = load_reporting(engine, module, options, None, &SETTLED, &mut |_| {}).unwrap();
        (f(engine, &module), origin)
    }

    /// Loads through the cache and returns the warnings about it.
    fn load_warning(engine: &Engine, module: &Path, options: &LoadOptions) -> Vec<String> {
        let mut warnings = Vec::new();
        load_reporting(engine, module, options, None, &TEST, &mut |line| warnings.push(line)).unwrap();
        warnings
    }

    #[test]
    fn a_compile_leaves_one_entry_that_the_next_load_uses() {
        let (_dir, module, options, engine) = setup();
        assert_eq!(load_warning(&engine, &module, &options), Vec::<String>::new());
        let files = entries(&options);
        assert_eq!(files.len(), 1);
        let before = std::fs::metadata(&files[0]).unwrap().modified().unwrap();
        assert_eq!(load_test(&engine, &module, &options).unwrap().1, Origin::Cached);
        assert_eq!(entries(&options), files);
        assert_eq!(std::fs::metadata(&files[0]).unwrap().modified().unwrap(), before, "a hit does not rewrite");
    }

    #[test]
    fn a_corrupt_entry_is_recompiled_and_replaced() {
        let (_dir, module, options, engine) = setup();
        load_test(&engine, &module, &options).unwrap();
        let entry = entries(&options).pop().unwrap();
        let mut data = std::fs::read(&entry).unwrap();
        let last = data.len() - 1;
        data[last] ^= 0xff;
        std::fs::write(&entry, &data).unwrap();
        assert!(read_back(&engine, &entry).unwrap().is_none(), "a flipped byte is caught by the checksum");
        load_test(&engine, &module, &options).unwrap();
        assert!(read_back(&engine, &entry).unwrap().is_some(), "the entry was rewritten whole");
        std::fs::write(&entry, b"short").unwrap();
        load_test(&engine, &module, &options).unwrap();
        assert!(read_back(&engine, &entry).unwrap().is_some());
    }

    #[test]
    fn a_cache_directory_others_can_write_is_not_used() {
        use std::os::unix::fs::PermissionsExt;
        let (dir, module, options, engine) = setup();
        let cache = options.cache_dir.clone().unwrap();
        std::fs::create_dir(&cache).unwrap();
        std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o775)).unwrap();
        let why = format!("{} is writable by group or others (mode 0775)", cache.canonicalize().unwrap().display());
        assert_eq!(
            load_warning(&engine, &module, &options),
            [format!("not using the compile cache: {why}; fix it, or pass --no-cache")]
        );
        assert!(entries(&options).is_empty(), "nothing written to it");
        // A directory above it counts too, and nothing is made beneath it.
        std::fs::remove_dir(&cache).unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let warnings = load_warning(&engine, &module, &options);
        assert!(warnings[0].contains(&format!("{} is writable", dir.path().canonicalize().unwrap().display())));
        assert!(!cache.exists());
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        assert!(load_warning(&engine, &module, &options).is_empty());
        assert_eq!(entries(&options).len(), 1, "used once trusted");
    }

    #[test]
    fn a_cache_entry_others_can_have_written_is_not_run_or_replaced() {
        use std::os::unix::fs::PermissionsExt;
        let (_dir, module, options, engine) = setup();
        load_test(&engine, &module, &options).unwrap();
        let entry = entries(&options).pop().unwrap();
        let original = std::fs::read(&entry).unwrap();
        std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(0o664)).unwrap();
        let warnings = load_warning(&engine, &module, &options);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("is writable by group or others (mode 0664)"), "{warnings:?}");
        assert_eq!(std::fs::read(&entry).unwrap(), original, "left alone");
        std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(0o600)).unwrap();
        if rustix::process::geteuid().is_root() {
            // Owned by someone else (nobody): as root, the one case a test can set up.
            std::os::unix::fs::chown(&entry, Some(65534), None).unwrap();
            let warnings = load_warning(&engine, &module, &options);
            assert!(warnings[0].contains("is owned by uid 65534, not by you (uid 0) or root"), "{warnings:?}");
            std::os::unix::fs::chown(&entry, Some(0), None).unwrap();
        }
        assert!(load_warning(&engine, &module, &options).is_empty(), "trusted again");
    }

    #[test]
    fn different_bytes_get_different_keys() {
        let engine = Engine::default();
        assert_ne!(cache_key(&engine, b"a"), cache_key(&engine, b"b"));
        assert_eq!(cache_key(&engine, b"a"), cache_key(&engine, b"a"));
    }

    #[test]
    fn precompiled_files_need_permission() {
        let (dir, module, options, engine) = setup();
        let cwasm = dir.path().join("m.cwasm");
        compile_to_file(&engine, &module, &cwasm).unwrap();
        let err = load_test(&engine, &cwasm, &options).unwrap_err();
        assert!(err.to_string().contains("--allow-precompiled"), "{err}");
        let allowed = LoadOptions { allow_precompiled: true, ..options };
        load_test(&engine, &cwasm, &allowed).unwrap();
    }

    /// What export `f` of `module` returns.
    fn f(engine: &Engine, module: &Module) -> i32 {
        let mut store = wasmtime::Store::new(engine, ());
        let instance = wasmtime::Instance::new(&mut store, module, &[]).unwrap();
        instance.get_typed_func::<(), i32>(&mut store, "f").unwrap().call(&mut store, ()).unwrap()
    }

    /// Two modules, `a` returning 7 and `b` returning 8, loaded once each so
    /// that both have entries: the dir, their paths, the options, the engine
    /// and the two entries.
    fn two_entries() -> (tempfile::TempDir, PathBuf, PathBuf, LoadOptions, Engine, PathBuf, PathBuf) {
        let (dir, a, options, engine) = setup();
        let b = dir.path().join("b.wat");
        std::fs::write(&b, WAT.replace("i32.const 7", "i32.const 8")).unwrap();
        load_test(&engine, &a, &options).unwrap();
        let entry_a = entries(&options).pop().unwrap();
        load_test(&engine, &b, &options).unwrap();
        let entry_b = entries(&options).into_iter().find(|e| *e != entry_a).unwrap();
        (dir, a, b, options, engine, entry_a, entry_b)
    }

    #[test]
    fn one_valid_entry_renamed_over_another_is_recompiled_and_the_right_program_runs() {
        let (_dir, a, _b, options, engine, entry_a, entry_b) = two_entries();
        std::fs::rename(&entry_b, &entry_a).unwrap();
        let (module, origin) = load_test(&engine, &a, &options).unwrap();
        assert_eq!((origin, f(&engine, &module)), (Origin::Compiled, 7));
        let (module, origin) = load_test(&engine, &a, &options).unwrap();
        assert_eq!((origin, f(&engine, &module)), (Origin::Cached, 7), "the entry was replaced by a good one");
    }

    #[test]
    fn an_entry_rewritten_with_a_recomputed_checksum_is_recompiled_and_the_right_program_runs() {
        let (_dir, a, _b, options, engine, entry_a, entry_b) = two_entries();
        // B's code in A's entry, headed by the SHA-256 an unkeyed checksum would want.
        let code_b = std::fs::read(&entry_b).unwrap().split_off(TAG_LEN);
        let mut forged = Sha256::digest(&code_b).to_vec();
        forged.extend_from_slice(&code_b);
        std::fs::write(&entry_a, &forged).unwrap();
        let (module, origin) = load_test(&engine, &a, &options).unwrap();
        assert_eq!((origin, f(&engine, &module)), (Origin::Compiled, 7));
        assert_ne!(std::fs::read(&entry_a).unwrap(), forged, "replaced");
    }

    #[test]
    fn an_entry_written_under_another_key_is_recompiled() {
        let (_dir, a, _b, options, engine, entry_a, _entry_b) = two_entries();
        let other = Outside { secret: || Ok(Secret::from_bytes([1; 32])), now: SystemTime::now };
        let (module, origin) = load_reporting(&engine, &a, &options, None, &other, &mut |_| {}).unwrap();
        assert_eq!((origin, f(&engine, &module)), (Origin::Compiled, 7));
        assert!(read_back(&engine, &entry_a).unwrap().is_none(), "rewritten under the other key");
    }

    #[test]
    fn without_a_keyring_the_cache_is_neither_read_nor_written_and_that_is_said() {
        let (_dir, module, options, engine) = setup();
        let none = Outside {
            secret: || Err("the Linux user keyring cannot be used here (Operation not permitted)".to_string()),
            now: SystemTime::now,
        };
        let mut warnings = Vec::new();
        let (_, origin) = load_reporting(&engine, &module, &options, None, &none, &mut |l| warnings.push(l)).unwrap();
        assert_eq!(origin, Origin::Compiled);
        assert_eq!(
            warnings,
            ["not using the compile cache: the Linux user keyring cannot be used here (Operation not permitted), \
              and its entries are trusted only when signed with a key kept there; pass --no-cache to compile \
              without it quietly"]
        );
        assert!(entries(&options).is_empty());
    }

    #[test]
    fn concurrent_writers_and_a_concurrent_forger_leave_every_run_the_right_program() {
        let (_dir, a, _b, options, engine, entry_a, entry_b) = two_entries();
        std::fs::remove_file(&entry_a).unwrap();
        let code_b = std::fs::read(&entry_b).unwrap();
        let stop = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|scope| {
            // A forger keeps putting B's valid entry where A's goes.
            scope.spawn(|| {
                let forged = entry_a.with_extension("forged");
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    std::fs::write(&forged, &code_b).unwrap();
                    std::fs::rename(&forged, &entry_a).unwrap();
                }
            });
            let runs: Vec<_> = (0..4)
                .map(|_| {
                    scope.spawn(|| {
                        (0..5).map(|_| f(&engine, &load_test(&engine, &a, &options).unwrap().0)).collect::<Vec<_>>()
                    })
                })
                .collect();
            for run in runs {
                assert_eq!(run.join().unwrap(), [7; 5]);
            }
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
        });
        // Without the forger, the writers leave one good entry.
        load_test(&engine, &a, &options).unwrap();
        assert_eq!(f(&engine, &read_back(&engine, &entry_a).unwrap().unwrap()), 7);
    }

    /// The identity of the file at `path` now.
    fn identity(path: &Path) -> Identity {
        Identity::of(&std::fs::metadata(path).unwrap()).unwrap()
    }

    #[test]
    fn a_module_file_that_changed_moments_ago_gets_no_index() {
        let (_dir, module, options, engine) = setup();
        load_test(&engine, &module, &options).unwrap();
        load_test(&engine, &module, &options).unwrap();
        assert_eq!(files(&options), entries(&options), "only the entry, no index");
        assert_eq!(load_settled(&engine, &module, &options), (7, Origin::Cached));
        assert_eq!(files(&options).len(), 2, "the entry and, once the file has settled, its index");
    }

    #[test]
    fn a_signed_index_names_the_entry_without_the_module_being_read_so_only_capwasi_writes_one() {
        let (_dir, a, _b, options, engine, _entry_a, entry_b) = two_entries();
        let dir = options.cache_dir.as_ref().unwrap().canonicalize().unwrap();
        let key_b = entry_b.file_stem().unwrap().to_str().unwrap();
        // An index under another key pointing A's file at B's entry is not believed.
        cache_index::remember(&engine, &Secret::from_bytes([1; 32]), &dir, &identity(&a), key_b, (SETTLED.now)());
        assert_eq!(load_settled(&engine, &a, &options), (7, Origin::Cached));
        // One under the right key is: A's file is not read, B's entry runs.
        cache_index::remember(&engine, &key(), &dir, &identity(&a), key_b, (SETTLED.now)());
        assert_eq!(load_settled(&engine, &a, &options), (8, Origin::Cached));
    }

    #[test]
    fn a_module_rewritten_in_place_with_its_times_restored_runs_its_new_code() {
        let (_dir, module, options, engine) = setup();
        assert_eq!(load_settled(&engine, &module, &options).0, 7);
        assert_eq!(load_settled(&engine, &module, &options), (7, Origin::Cached));
        assert_eq!(files(&options).len(), 2, "an entry and an index");
        use std::os::unix::fs::MetadataExt;
        let before = std::fs::metadata(&module).unwrap();
        let modified = before.modified().unwrap();
        // Same inode, same size, same modification time: only the change time tells.
        let file = std::fs::OpenOptions::new().write(true).open(&module).unwrap();
        std::os::unix::fs::FileExt::write_all_at(&file, WAT.replace("i32.const 7", "i32.const 9").as_bytes(), 0)
            .unwrap();
        file.set_modified(modified).unwrap();
        drop(file);
        let after = std::fs::metadata(&module).unwrap();
        assert_eq!((after.ino(), after.len(), after.modified().unwrap()), (before.ino(), before.len(), modified));
        assert_ne!(Some(identity(&module)), Identity::of(&before), "the change time moved");
        assert_eq!(load_settled(&engine, &module, &options), (9, Origin::Compiled));
        assert_eq!(load_settled(&engine, &module, &options), (9, Origin::Cached));
    }

    /// The tag of `entry` and a file positioned after it.
    fn open_entry(entry: &Path) -> ([u8; TAG_LEN], std::fs::File) {
        let mut file = std::fs::File::open(entry).unwrap();
        let mut tag = [0; TAG_LEN];
        std::io::Read::read_exact(&mut file, &mut tag).unwrap();
        (tag, file)
    }

    #[test]
    fn an_entry_runs_from_a_sealed_copy_or_from_memory_only_with_its_tag() {
        let (_dir, _a, _b, _options, engine, entry_a, entry_b) = two_entries();
        let name_a = entry_a.file_name().unwrap().to_str().unwrap();
        let (tag_b, _) = open_entry(&entry_b);
        let sealed = || Code::Sealed(sealed_copy(&mut open_entry(&entry_a).1).unwrap());
        let in_memory = || Code::InMemory(std::fs::read(&entry_a).unwrap().split_off(TAG_LEN));
        for code in [sealed(), in_memory()] {
            let module = code.load_checked(&engine, &key(), name_a, &open_entry(&entry_a).0).unwrap();
            assert_eq!(f(&engine, &module), 7);
        }
        for code in [sealed(), in_memory()] {
            assert!(code.load_checked(&engine, &key(), name_a, &tag_b).is_none(), "B's tag on A's code");
        }
        let other = entry_b.file_name().unwrap().to_str().unwrap();
        for code in [sealed(), in_memory()] {
            assert!(code.load_checked(&engine, &key(), other, &open_entry(&entry_a).0).is_none(), "renamed");
        }
    }

    #[test]
    fn the_sealed_copy_cannot_be_changed_by_anyone() {
        use std::io::Write;
        use std::os::fd::AsRawFd;
        let (_dir, _a, _b, _options, _engine, entry_a, _entry_b) = two_entries();
        let mut copy = sealed_copy(&mut open_entry(&entry_a).1).unwrap();
        let len = copy.metadata().unwrap().len();
        assert_eq!(len, std::fs::metadata(&entry_a).unwrap().len() - TAG_LEN as u64);
        let denied = |result: std::io::Result<()>| result.unwrap_err().raw_os_error() == Some(libc::EPERM);
        assert!(denied(copy.write_all(b"x")));
        assert!(denied(copy.set_len(1)));
        assert!(denied(copy.set_len(len + 1)));
        // Nor through another open file description (a guest with /proc preopened could reach one).
        let mut again =
            std::fs::OpenOptions::new().write(true).open(format!("/proc/self/fd/{}", copy.as_raw_fd())).unwrap();
        assert!(denied(again.write_all(b"x")));
    }

    #[test]
    fn an_entry_larger_than_its_module_could_compile_to_is_not_copied_and_is_replaced() {
        let (_dir, module, options, engine) = setup();
        load_test(&engine, &module, &options).unwrap();
        let entry = entries(&options).pop().unwrap();
        // A sparse terabyte: reading it into memory would end the process.
        std::fs::OpenOptions::new().write(true).open(&entry).unwrap().set_len(1 << 40).unwrap();
        assert!(matches!(read_back(&engine, &entry), Ok(None)));
        let (module, origin) = load_test(&engine, &module, &options).unwrap();
        assert_eq!((origin, f(&engine, &module)), (Origin::Compiled, 7));
        assert!(std::fs::metadata(&entry).unwrap().len() < entry_limit(WAT.len() as u64), "replaced");
    }
}
