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

/// Reads and compiles `path` (binary, text, or with `allow_precompiled` a
/// `.cwasm`), through the cache when one is configured.
pub fn load(engine: &Engine, path: &Path, options: &LoadOptions) -> wasmtime::Result<Module> {
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
        return unsafe { Module::deserialize(engine, &bytes) }
            .map_err(|e| format_err!("'{}' cannot run here: {}", path.display(), first_line(&e)));
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
        return compile();
    };
    let entry = dir.join(format!("{}.cwasm", cache_key(engine, &bytes)));
    if let Some(module) = read_entry(engine, &entry) {
        return Ok(module);
    }
    let module = compile()?;
    // Best effort: a cache that cannot be written only costs the next run a compile.
    let _ = write_entry(&module, dir, &entry);
    Ok(module)
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

fn first_line(err: &wasmtime::Error) -> String {
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

/// The module in `entry` if the entry exists, is whole, and suits this engine.
fn read_entry(engine: &Engine, entry: &Path) -> Option<Module> {
    let data = std::fs::read(entry).ok()?;
    if data.len() < 32 {
        return None;
    }
    let (checksum, artifact) = data.split_at(32);
    if Sha256::digest(artifact).as_slice() != checksum {
        return None;
    }
    // SAFETY: the artifact is byte for byte what this program serialized
    // (checked by its SHA-256 above), and wasmtime checks engine compatibility.
    unsafe { Module::deserialize(engine, artifact) }.ok()
}

fn write_entry(module: &Module, dir: &Path, entry: &Path) -> wasmtime::Result<()> {
    let artifact = module.serialize()?;
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(&Sha256::digest(&artifact))?;
    file.write_all(&artifact)?;
    file.persist(entry)?;
    Ok(())
}

/// `capwasi compile`: writes `module`'s precompiled form to `output`.
pub fn compile_to_file(engine: &Engine, module: &Path, output: &Path) -> wasmtime::Result<()> {
    let bytes = read_module(module)?;
    let artifact = engine
        .precompile_module(&bytes)
        .map_err(|e| format_err!("'{}' is not a valid WebAssembly module: {}", module.display(), first_line(&e)))?;
    std::fs::write(output, artifact).map_err(|e| format_err!("cannot write '{}': {e}", output.display()))?;
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

    #[test]
    fn a_compile_leaves_one_entry_that_the_next_load_uses() {
        let (_dir, module, options, engine) = setup();
        load(&engine, &module, &options).unwrap();
        let files = entries(&options);
        assert_eq!(files.len(), 1);
        let before = std::fs::metadata(&files[0]).unwrap().modified().unwrap();
        load(&engine, &module, &options).unwrap();
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
        assert!(read_entry(&engine, &entry).is_none(), "a flipped byte is caught by the checksum");
        load(&engine, &module, &options).unwrap();
        assert!(read_entry(&engine, &entry).is_some(), "the entry was rewritten whole");
        std::fs::write(&entry, b"short").unwrap();
        load(&engine, &module, &options).unwrap();
        assert!(read_entry(&engine, &entry).is_some());
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
