//! The store data of every guest the CLI runs, under `run` and `test` alike:
//! one type and one linking function, so that the preview1 functions are
//! compiled once and each is inlined into its one trampoline. (With a store
//! type each, they were compiled twice and called out of line: some 30
//! instructions more per host call, `bench/instructions clock`.) And the
//! guest's context as a [`RunConfig`] describes it, for `run` and `test`
//! alike.

use capwasi::{WasiCtx, WasiCtxBuilder};
use wasmtime::{Engine, Linker, Module};

use super::model::{RunConfig, preopen_error};

/// A guest's data in its store: its context, which also holds the store's
/// resource limiter (`Limits::start`).
pub struct Host {
    pub wasi: WasiCtx,
}

/// The context in a store's data.
pub fn wasi(host: &mut Host) -> &mut WasiCtx {
    &mut host.wasi
}

/// The context `config` describes, but for its stdio, sockets and preopen
/// directories: the guest's arguments, environment, descriptor limit, URL
/// policy and whether stats are counted. [`add_preopens`] adds the
/// directories, after any sockets the caller adds (sockets come first).
pub fn context(config: &RunConfig) -> WasiCtxBuilder {
    let mut builder = WasiCtx::builder();
    builder
        .args(config.args.iter())
        .max_open_fds(config.limits.fd_limit())
        .url_policy(config.url_policy.clone())
        .stats(!config.stats.is_empty());
    for (key, value) in &config.env {
        builder.env(key, value);
    }
    builder
}

/// Hands the guest `config`'s preopen directories, in order; the error says
/// which one cannot be opened and where it was given.
pub fn add_preopens(builder: &mut WasiCtxBuilder, config: &RunConfig) -> Result<(), String> {
    for preopen in &config.preopens {
        builder
            .preopened_dir_path(&preopen.host, &preopen.guest, preopen.perms)
            .map_err(|e| preopen_error(preopen, &e))?;
    }
    Ok(())
}

/// A linker with every preview1, snapshot-0 (`wasi_unstable`), Dagger and CommonWA function.
pub fn linker(engine: &Engine) -> wasmtime::Result<Linker<Host>> {
    let mut linker = Linker::new(engine);
    capwasi::add_to_linker(&mut linker, wasi)?;
    capwasi::add_wasi_unstable_to_linker(&mut linker, wasi)?;
    capwasi::url_abi::add_to_linker(&mut linker, wasi)?;
    Ok(linker)
}

/// A linker with the preview1 functions `module` imports, and the snapshot-0,
/// Dagger and CommonWA ones only when it imports from those modules: all one
/// run needs, and a fifth as many definitions to make as [`linker`]'s for a
/// typical guest.
pub fn linker_for(engine: &Engine, module: &Module) -> wasmtime::Result<Linker<Host>> {
    let mut linker = Linker::new(engine);
    capwasi::add_imports_to_linker(&mut linker, module, wasi)?;
    let imports_from = |names: &[&str]| module.imports().any(|import| names.contains(&import.module()));
    if imports_from(&["wasi_unstable"]) {
        capwasi::add_wasi_unstable_to_linker(&mut linker, wasi)?;
    }
    if imports_from(&["dagger", "cwa", "env"]) {
        capwasi::url_abi::add_to_linker(&mut linker, wasi)?;
    }
    Ok(linker)
}
