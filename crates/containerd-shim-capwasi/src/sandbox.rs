//! The shim's `Sandbox`: runs in the container's process after youki's
//! libcontainer has set up its namespaces, cgroup and mounts.

use anyhow::{Context, Result};
use containerd_shim_wasm::sandbox::Sandbox;
use containerd_shim_wasm::sandbox::context::{RuntimeContext, Source};

use crate::{module, mounts, run, settings};

#[derive(Default)]
pub struct CapwasiSandbox;

impl Sandbox for CapwasiSandbox {
    async fn run_wasi(&self, ctx: &impl RuntimeContext) -> Result<i32> {
        match start(ctx) {
            Ok(status) => Ok(status),
            // The container's stderr is where its user looks (ctr run, kubectl logs).
            Err(e) => {
                eprintln!("containerd-shim-capwasi: {e:#}");
                Ok(1)
            }
        }
    }

    /// Every entrypoint is ours to judge in `run_wasi`, which says clearly
    /// what it refuses (runwasi's default would refuse a non-wasm file with
    /// only a log line in containerd's journal).
    async fn can_handle(&self, _ctx: &impl RuntimeContext) -> Result<()> {
        Ok(())
    }
}

fn start(ctx: &impl RuntimeContext) -> Result<i32> {
    let on_sigterm = run::handle_sigterm()?;
    let entrypoint = ctx.entrypoint();
    let origin = match &entrypoint.source {
        Source::File(path) => path.display().to_string(),
        Source::Oci(_) => "the image's wasm layer".to_string(),
    };
    let bytes = entrypoint.source.as_bytes().with_context(|| format!("cannot read the module '{origin}'"))?;
    module::check(&bytes, &origin)?;
    let settings = settings::from_container(ctx.envs(), settings::cgroup_memory_limit())?;
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").context("cannot read the container's mounts")?;
    let preopens =
        mounts::preopens(&mountinfo).into_iter().filter(|m| std::path::Path::new(&m.path).is_dir()).collect();
    let mut args = ctx.args().to_vec();
    if let (Some(arg0), Some(path)) = (args.first_mut(), entrypoint.arg0) {
        // `/app.wasm#func` names the export; the guest's argv[0] is the module's path.
        *arg0 = path.to_string_lossy().split('#').next().unwrap_or_default().to_string();
    }
    let run = run::Run { args, env: settings.env, preopens, limits: settings.limits, func: entrypoint.func };
    Ok(run::run(&bytes, &origin, run, &on_sigterm)?)
}
