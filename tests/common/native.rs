//! The oracle for guests that are plain POSIX C: the same `c-tests/NAME.c` built with gcc and
//! run natively, so a test compares capwasi's answers with Linux's own.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `c-tests/NAME.c` built for the host with gcc (scripts/setup installs it) into the test
/// target's temporary directory; built afresh by each test binary that asks, and moved into
/// place whole, so concurrent test binaries never run a half-written one.
pub fn build(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let out = dir.join(format!("{name}-native"));
    let partial = dir.join(format!("{name}-native.{}", std::process::id()));
    let status = Command::new("gcc")
        .args(["-O2", "-o"])
        .arg(&partial)
        .arg(super::repo(&format!("c-tests/{name}.c")))
        .status()
        .expect("run gcc (scripts/setup installs it)");
    assert!(status.success(), "gcc could not build c-tests/{name}.c");
    std::fs::rename(&partial, &out).unwrap();
    out
}
