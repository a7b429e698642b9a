//! Links the `capwasi` binary with packed relative relocations (`DT_RELR`,
//! `-z pack-relative-relocs`): the dynamic loader applies the binary's ~22,000
//! relative relocations at every start, and packed they are a few kilobytes to
//! read instead of 500 KB (docs/BENCHMARKS.md, "Start-up"). The binary stays
//! position-independent, so ASLR places it as before. Needs GNU ld 2.38 or
//! lld 15 (older linkers ignore the option with a warning) and glibc 2.36 where
//! the binary runs (Debian 12 and later). Only the binary: the library, tests
//! and the containerd shim link as before.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bin=capwasi=-Wl,-z,pack-relative-relocs");
    }
}
