//! The one `wiggle::from_witx!` invocation: preview1's types (`types`), the
//! `WasiSnapshotPreview1` trait and the ABI-level functions
//! (`wasi_snapshot_preview1`), generated from the project's own witx files.
//!
//! wiggle's own wasmtime glue asks the store for component-model "hostcall
//! fuel", which would pull in wasmtime's component model; `crate::linker` links
//! the same ABI functions without it.

#![allow(clippy::too_many_arguments)]

wiggle::from_witx!({
    witx: ["witx/wasi_snapshot_preview1.witx"],
    errors: { errno => trappable Error },
    tracing: true,
    wasmtime: false,
});
