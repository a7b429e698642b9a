//! runwasi GHSA-cc25-vq59-rcjx (2026, forged precompiled code): a runtime
//! that runs precompiled native code it finds runs whatever native code
//! someone else put there. capwasi runs a `.cwasm` only with
//! `--allow-precompiled` (the user vouches for that file), and runs a compile
//! cache entry only when its tag, keyed by a secret in the user keyring, names
//! that entry and its code: an entry forged in the cache directory is
//! compiled over, with or without the flag (docs/THREAT-MODEL.md).

mod common;

use std::path::{Path, PathBuf};

use common::cli::{capwasi, output, stderr, stdout, wat};
use sha2::{Digest, Sha256};

/// A guest that prints `text` and a newline.
fn printer(text: &str) -> String {
    format!(
        r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "{text}\n")
  (func (export "_start")
    (i32.store (i32.const 16) (i32.const 100)) (i32.store (i32.const 20) (i32.const {len}))
    (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))))"#,
        len = text.len() + 1
    )
}

/// Runs `capwasi run FLAGS MODULE` with its compile cache in `cache`, which
/// the run itself fills (Cranelift, not a first-run filler afterwards).
fn run_cached(cache: &Path, flags: &[&str], module: &str) -> std::process::Output {
    let mut args = vec!["run", "--cold-compiler=cranelift"];
    args.extend_from_slice(flags);
    args.push(module);
    output(capwasi(&args).env("XDG_CACHE_HOME", cache))
}

/// The cache entries (`*.cwasm`, not the index files beside them).
fn cache_entries(cache: &Path) -> Vec<PathBuf> {
    let dir = cache.join("capwasi/modules");
    let files = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path());
    files.filter(|path| path.extension().is_some_and(|ext| ext == "cwasm")).collect()
}

#[test]
fn a_forged_cwasm_runs_only_with_allow_precompiled() {
    let dir = tempfile::tempdir().unwrap();
    let evil = wat(&dir, "evil", &printer("forged code ran"));
    let cwasm = dir.path().join("innocent.cwasm");
    let compiled = output(&mut capwasi(&["compile", "-o", cwasm.to_str().unwrap(), &evil]));
    assert_eq!(compiled.status.code(), Some(0), "{}", stderr(&compiled));

    let refused = output(&mut capwasi(&["run", "--no-cache", cwasm.to_str().unwrap()]));
    assert_eq!((refused.status.code(), stdout(&refused)), (Some(1), String::new()));
    assert_eq!(
        stderr(&refused),
        format!(
            "capwasi: '{}' is precompiled native code, which runs unchecked; if you trust it, pass \
             --allow-precompiled\n",
            cwasm.display()
        )
    );
    // Named like a module, it is still recognised as native code.
    let renamed = dir.path().join("innocent.wasm");
    std::fs::rename(&cwasm, &renamed).unwrap();
    let refused = output(&mut capwasi(&["run", "--no-cache", renamed.to_str().unwrap()]));
    assert_eq!((refused.status.code(), stdout(&refused)), (Some(1), String::new()));

    // The user vouches for it: it runs (wasmtime checks only that it was made for this engine).
    let allowed = output(&mut capwasi(&["run", "--no-cache", "--allow-precompiled", renamed.to_str().unwrap()]));
    assert_eq!((allowed.status.code(), stdout(&allowed)), (Some(0), "forged code ran\n".to_string()));
}

#[test]
fn a_forged_cache_entry_is_compiled_over_with_or_without_allow_precompiled() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let good = wat(&dir, "good", &printer("good"));
    let evil = wat(&dir, "evil", &printer("evil"));
    assert_eq!(stdout(&run_cached(&cache, &[], &good)), "good\n");
    let good_entry = cache_entries(&cache).pop().unwrap();
    assert_eq!(stdout(&run_cached(&cache, &[], &evil)), "evil\n");
    let evil_entry = cache_entries(&cache).into_iter().find(|e| *e != good_entry).unwrap();

    for flags in [&[][..], &["--allow-precompiled"][..]] {
        // The forger has the evil code's entry; it puts that code where the good one's goes,
        // headed by a fresh SHA-256 of it (what an unkeyed checksum would check).
        let code = std::fs::read(&evil_entry).unwrap().split_off(32);
        let mut forged = Sha256::digest(&code).to_vec();
        forged.extend_from_slice(&code);
        std::fs::write(&good_entry, &forged).unwrap();
        let run = run_cached(&cache, flags, &good);
        assert_eq!((run.status.code(), stdout(&run), stderr(&run)), (Some(0), "good\n".into(), String::new()));
        assert_ne!(std::fs::read(&good_entry).unwrap(), forged, "the forged entry was replaced");
        // And one valid entry renamed over another.
        std::fs::copy(&evil_entry, &good_entry).unwrap();
        let run = run_cached(&cache, flags, &good);
        assert_eq!((run.status.code(), stdout(&run)), (Some(0), "good\n".into()));
    }
    let stats = run_cached(&cache, &["--stats"], &good);
    assert!(stderr(&stats).contains("load (cache hit)"), "the replaced entry is used: {}", stderr(&stats));
}
