//! The on-disk cache of compiled modules, and loading modules of every kind.
//!
//! An entry is keyed by SHA-256 over capwasi's version, the engine's
//! compilation settings and the module's bytes, and lives at
//! `$XDG_CACHE_HOME/capwasi/modules/<key>.cwasm` (`~/.cache/...` by default).
//! Its first 32 bytes are the SHA-256 of the rest, checked before wasmtime
//! sees it: a truncated or corrupt entry is recompiled, never trusted. Entries
//! are written to a temporary file and renamed into place, so concurrent runs
//! see either no entry or a whole one. Any cache failure falls back to
//! compiling; the cache never makes a run fail.
//!
//! An entry is native code that runs unchecked, and its checksum proves that
//! it is whole, not who wrote it. So, as ssh does for its keys, the cache is
//! used only when nobody but the user (and root) can have written it: the
//! cache directory and each directory above it, and the entry itself, must be
//! owned by the user or root and not writable by group or others (a
//! directory owned by root with the sticky bit, like `/tmp`, is fine: nobody
//! else can replace what is in it). Otherwise one line on stderr says what
//! is wrong, and the module is compiled without the cache (nothing is read
//! from it or written to it).

use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::{Engine, Module, Precompiled, bail, format_err};

/// How `load` may use the cache and precompiled files.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Where cache entries live; `None` disables the cache.
    pub cache_dir: Option<PathBuf>,
    /// Whether a `.cwasm` (precompiled native code) may run.
    pub allow_precompiled: bool,
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
}

/// Reads and compiles `path` (binary, text, or with `allow_precompiled` a
/// `.cwasm`), through the cache when one is configured and trusted; why a
/// cache is not trusted goes to stderr.
pub fn load(engine: &Engine, path: &Path, options: &LoadOptions) -> wasmtime::Result<(Module, Origin)> {
    load_reporting(engine, path, options, &mut |line| eprintln_lossy!("capwasi: {line}"))
}

/// [`load`], handing each line about an untrusted cache to `warn`.
fn load_reporting(
    engine: &Engine,
    path: &Path,
    options: &LoadOptions,
    warn: &mut dyn FnMut(String),
) -> wasmtime::Result<(Module, Origin)> {
    let bytes = read_module(path)?;
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
    let Some(dir) = &options.cache_dir else {
        return Ok((compile()?, Origin::Compiled));
    };
    let dir = match cache_dir(dir) {
        CacheDir::Trusted(dir) => dir,
        CacheDir::Untrusted(why) => {
            warn(format!("not using the compile cache: {why}; fix it, or pass --no-cache"));
            return Ok((compile()?, Origin::Compiled));
        }
        // Best effort: a cache directory that cannot be made only costs a compile.
        CacheDir::Unusable => return Ok((compile()?, Origin::Compiled)),
    };
    let entry = dir.join(format!("{}.cwasm", cache_key(engine, &bytes)));
    match read_entry(engine, &entry) {
        Ok(Some(module)) => return Ok((module, Origin::Cached)),
        Ok(None) => {}
        Err(why) => {
            warn(format!("not using the compile cache entry: {why}; remove it, or pass --no-cache"));
            return Ok((compile()?, Origin::Compiled));
        }
    }
    let module = compile()?;
    // Best effort: a cache that cannot be written only costs the next run a compile.
    let _ = write_entry(&module, &dir, &entry);
    Ok((module, Origin::Compiled))
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
    if let Err(found) = check_chain(existing) {
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
/// someone other than the user and root.
fn untrusted(path: &Path, meta: &std::fs::Metadata) -> Result<(), String> {
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

/// The bytes of the module file at `path`, or one line saying why not.
fn read_module(path: &Path) -> wasmtime::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            _ => e.to_string(),
        };
        format_err!("cannot read module '{}': {why}", path.display())
    })
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
    let mut hasher = ShaHasher(Sha256::new());
    hasher.write(concat!("capwasi ", env!("CARGO_PKG_VERSION"), "\0").as_bytes());
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hasher.write(bytes);
    hex(&hasher.0.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The module in `entry` if the entry exists, is whole, and suits this
/// engine; `Err(why)` if it exists but is not trusted (see the module's doc).
fn read_entry(engine: &Engine, entry: &Path) -> Result<Option<Module>, String> {
    use std::io::Read;
    let Ok(mut file) = std::fs::File::open(entry) else { return Ok(None) };
    // Checked on the open file: what is read is what was checked.
    let Ok(meta) = file.metadata() else { return Ok(None) };
    untrusted(entry, &meta)?;
    let mut data = Vec::new();
    if file.read_to_end(&mut data).is_err() || data.len() < 32 {
        return Ok(None);
    }
    let (checksum, artifact) = data.split_at(32);
    if Sha256::digest(artifact).as_slice() != checksum {
        return Ok(None);
    }
    // SAFETY: the artifact is byte for byte what this program serialized
    // (checked by its SHA-256 above) into a file only the user or root can
    // have written, and wasmtime checks engine compatibility.
    Ok(unsafe { Module::deserialize(engine, artifact) }.ok())
}

fn write_entry(module: &Module, dir: &Path, entry: &Path) -> wasmtime::Result<()> {
    let artifact = module.serialize()?;
    // A temporary file is readable and writable by the user alone.
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(&Sha256::digest(&artifact))?;
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
    let bytes = read_module(module)?;
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
        let options = LoadOptions { cache_dir: Some(dir.path().join("cache")), allow_precompiled: false };
        (dir, module, options, Engine::default())
    }

    fn entries(options: &LoadOptions) -> Vec<PathBuf> {
        std::fs::read_dir(options.cache_dir.as_ref().unwrap()).unwrap().map(|e| e.unwrap().path()).collect()
    }

    /// Loads through the cache and returns the warnings about it.
    fn load_warning(engine: &Engine, module: &Path, options: &LoadOptions) -> Vec<String> {
        let mut warnings = Vec::new();
        load_reporting(engine, module, options, &mut |line| warnings.push(line)).unwrap();
        warnings
    }

    #[test]
    fn a_compile_leaves_one_entry_that_the_next_load_uses() {
        let (_dir, module, options, engine) = setup();
        assert_eq!(load_warning(&engine, &module, &options), Vec::<String>::new());
        let files = entries(&options);
        assert_eq!(files.len(), 1);
        let before = std::fs::metadata(&files[0]).unwrap().modified().unwrap();
        assert_eq!(load(&engine, &module, &options).unwrap().1, Origin::Cached);
        assert_eq!(entries(&options), files);
        assert_eq!(std::fs::metadata(&files[0]).unwrap().modified().unwrap(), before, "a hit does not rewrite");
    }

    #[test]
    fn a_corrupt_entry_is_recompiled_and_replaced() {
        let (_dir, module, options, engine) = setup();
        load(&engine, &module, &options).unwrap();
        let entry = entries(&options).pop().unwrap();
        let mut data = std::fs::read(&entry).unwrap();
        let last = data.len() - 1;
        data[last] ^= 0xff;
        std::fs::write(&entry, &data).unwrap();
        assert!(read_entry(&engine, &entry).unwrap().is_none(), "a flipped byte is caught by the checksum");
        load(&engine, &module, &options).unwrap();
        assert!(read_entry(&engine, &entry).unwrap().is_some(), "the entry was rewritten whole");
        std::fs::write(&entry, b"short").unwrap();
        load(&engine, &module, &options).unwrap();
        assert!(read_entry(&engine, &entry).unwrap().is_some());
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
        load(&engine, &module, &options).unwrap();
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
        let err = load(&engine, &cwasm, &options).unwrap_err();
        assert!(err.to_string().contains("--allow-precompiled"), "{err}");
        let allowed = LoadOptions { allow_precompiled: true, ..options };
        load(&engine, &cwasm, &allowed).unwrap();
    }
}
