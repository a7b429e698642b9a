//! Which bytes the shim compiles: a WebAssembly core module (binary or text)
//! and nothing else.
//!
//! The shim never loads precompiled code (`Module::deserialize`): a `.cwasm`
//! is native machine code, and one from an image runs with the shim's
//! privileges whatever it claims to be (runwasi's GHSA-cc25-vq59-rcjx). Every
//! module is compiled by the shim's own engine from the wasm in the image, so
//! a precompiled artifact, a component or an unknown file is refused with a
//! message saying so.

use anyhow::{Result, bail};

const WASM_MAGIC: &[u8] = b"\0asm";
/// A core module's version field (a component's differs).
const CORE_VERSION: [u8; 4] = [1, 0, 0, 0];
const ELF_MAGIC: &[u8] = b"\x7fELF";

/// Checks that `bytes` (from `origin`, for messages) are a core module, binary
/// or text, before anything compiles them.
pub fn check(bytes: &[u8], origin: &str) -> Result<()> {
    if bytes.starts_with(ELF_MAGIC) {
        bail!(
            "'{origin}' is precompiled native code (ELF, such as a wasmtime .cwasm), which the capwasi shim \
             refuses to load: put the .wasm module in the image and the shim compiles it"
        );
    }
    if let Some(rest) = bytes.strip_prefix(WASM_MAGIC) {
        if rest.get(..4) != Some(CORE_VERSION.as_slice()) {
            bail!(
                "'{origin}' is a WebAssembly component or an unknown wasm version; the capwasi shim runs \
                 WASI preview1 core modules (wasm32-wasip1)"
            );
        }
        return Ok(());
    }
    if std::str::from_utf8(bytes).is_ok_and(|text| text.trim_start().starts_with('(')) {
        return Ok(());
    }
    bail!("'{origin}' is not a WebAssembly module (no \\0asm header, and not wasm text)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_core_module_and_wasm_text_are_accepted() {
        check(b"\0asm\x01\0\0\0", "m.wasm").unwrap();
        check(b"(module)", "m.wat").unwrap();
    }

    #[test]
    fn precompiled_elf_is_refused_naming_it() {
        let err = check(b"\x7fELF\x02\x01\x01", "/app.wasm").unwrap_err().to_string();
        assert!(err.contains("precompiled native code"), "{err}");
        assert!(err.contains("/app.wasm"), "{err}");
    }

    #[test]
    fn components_and_other_files_are_refused() {
        assert!(check(b"\0asm\x0d\0\x01\0", "c.wasm").unwrap_err().to_string().contains("component"));
        assert!(check(b"#!/bin/sh\n", "x").unwrap_err().to_string().contains("not a WebAssembly module"));
        assert!(check(b"", "x").is_err());
    }
}
