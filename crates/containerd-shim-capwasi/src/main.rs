//! `containerd-shim-capwasi-v1`: containerd's runtime `io.containerd.capwasi.v1`.
//!
//! runwasi's `containerd-shim-wasm` runs the containerd side (the task API,
//! youki's libcontainer for namespaces, cgroups and the container's mounts);
//! inside the container's process, [`sandbox::CapwasiSandbox::run_wasi`] runs
//! the module on capwasi's own preview1 host, with the same context,
//! descriptor table and limits as `capwasi run`:
//!
//! - what the guest can reach is the container's own mount table ([`mounts`]):
//!   the root file system and each bind mount or volume, each a preopen,
//!   read-only (`ENOTCAPABLE`, as `::ro`) where the mount is read-only;
//! - its limits come from the container ([`settings`]): the memory cgroup's
//!   limit (the OCI spec's `linux.resources.memory.limit`) caps linear memory,
//!   `CAPWASI_FUEL` and `CAPWASI_TIMEOUT` in the container's environment set
//!   fuel and a timeout;
//! - SIGTERM stops the guest (exit 143, as a killed process);
//! - only wasm modules are run: precompiled code from an image is refused
//!   ([`module`]), and the serving process cannot exec anything, so an image
//!   whose entrypoint is a native program does not run either ([`no_exec`]).

mod module;
mod mounts;
mod no_exec;
mod run;
mod sandbox;
mod settings;

use containerd_shim_wasm::shim::{Cli, Shim, Version, version};

struct CapwasiShim;

impl Shim for CapwasiShim {
    type Sandbox = sandbox::CapwasiSandbox;

    fn name() -> &'static str {
        "capwasi"
    }

    fn version() -> Version {
        version!()
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if no_exec::is_serving(&args)
        && let Err(e) = no_exec::forbid_exec()
    {
        eprintln!("containerd-shim-capwasi: cannot forbid exec in the shim (seccomp): {e}");
        std::process::exit(1);
    }
    <CapwasiShim as Cli>::run(None);
}
