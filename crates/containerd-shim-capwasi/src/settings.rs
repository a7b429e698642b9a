//! A container's run settings: the guest's environment and capwasi's limits.
//!
//! | limit | source |
//! |---|---|
//! | linear memory (`--max-memory`) | the container's memory cgroup limit, which is the OCI spec's `linux.resources.memory.limit` (`ctr run --memory-limit`, a pod's `resources.limits.memory`) |
//! | fuel (`--fuel`) | `CAPWASI_FUEL=UNITS` in the container's environment |
//! | timeout (`--timeout`) | `CAPWASI_TIMEOUT=DURATION` (`500ms`, `30s`, `5m`) in the container's environment |
//!
//! The `CAPWASI_*` variables are the shim's and are not passed to the guest.
//! Every run is [`Limits::stoppable`], so SIGTERM can stop it.

use anyhow::{Context, Result, anyhow};
use capwasi::limits::{Limits, parse_duration};

/// The environment variable holding a fuel budget.
pub const FUEL_VAR: &str = "CAPWASI_FUEL";
/// The environment variable holding a timeout.
pub const TIMEOUT_VAR: &str = "CAPWASI_TIMEOUT";
const SHIM_PREFIX: &str = "CAPWASI_";

/// The guest's environment and the run's limits.
#[derive(Debug, PartialEq)]
pub struct Settings {
    pub env: Vec<(String, String)>,
    pub limits: Limits,
}

/// Reads `envs` (`KEY=VALUE`, the container's environment) and the memory
/// limit `memory_limit` (see [`cgroup_memory_limit`]).
pub fn from_container(envs: &[String], memory_limit: Option<u64>) -> Result<Settings> {
    let mut limits = Limits::new().stoppable();
    let mut env = Vec::new();
    for entry in envs {
        let (key, value) = entry.split_once('=').unwrap_or((entry, ""));
        match key {
            FUEL_VAR => {
                let units = value.parse().map_err(|_| anyhow!("{FUEL_VAR}='{value}' is not a number of fuel units"))?;
                limits = limits.fuel(units);
            }
            TIMEOUT_VAR => limits = limits.timeout(parse_duration(value).map_err(|e| anyhow!("{TIMEOUT_VAR}: {e}"))?),
            _ if key.starts_with(SHIM_PREFIX) => {}
            _ => env.push((key.to_string(), value.to_string())),
        }
    }
    if let Some(bytes) = memory_limit {
        let bytes = usize::try_from(bytes).context("the container's memory limit does not fit this machine")?;
        limits = limits.max_memory(bytes);
    }
    Ok(Settings { env, limits })
}

/// The container's memory limit, as its memory cgroup holds it (cgroup v2's
/// `memory.max` or v1's `memory.limit_in_bytes`, mounted at
/// `/sys/fs/cgroup` inside the container); `None` when there is none or
/// the cgroup is not visible.
pub fn cgroup_memory_limit() -> Option<u64> {
    ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"]
        .iter()
        .find_map(|path| std::fs::read_to_string(path).ok())
        .and_then(|text| parse_memory_limit(&text))
}

/// A cgroup memory limit's text: `max` (v2) and v1's page-rounded
/// "unlimited" (near 2^63) mean none.
fn parse_memory_limit(text: &str) -> Option<u64> {
    let bytes: u64 = text.trim().parse().ok()?;
    (bytes < 1 << 62).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn envs(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn capwasi_variables_set_limits_and_stay_out_of_the_guests_environment() {
        let settings =
            from_container(&envs(&["A=1", "CAPWASI_FUEL=5000", "CAPWASI_TIMEOUT=2s", "B=x=y", "EMPTY"]), None).unwrap();
        let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
        assert_eq!(settings.env, [pair("A", "1"), pair("B", "x=y"), pair("EMPTY", "")]);
        assert_eq!(settings.limits, Limits::new().stoppable().fuel(5000).timeout(Duration::from_secs(2)));
    }

    #[test]
    fn the_memory_limit_caps_linear_memory() {
        let settings = from_container(&[], Some(32 << 20)).unwrap();
        assert_eq!(settings.limits.memory_limit(), Some(32 << 20));
    }

    #[test]
    fn bad_values_are_errors_naming_the_variable() {
        assert!(from_container(&envs(&["CAPWASI_FUEL=lots"]), None).unwrap_err().to_string().contains("CAPWASI_FUEL"));
        assert!(
            from_container(&envs(&["CAPWASI_TIMEOUT=2"]), None).unwrap_err().to_string().contains("CAPWASI_TIMEOUT")
        );
    }

    #[test]
    fn cgroup_limits_read_as_v1_and_v2_write_them() {
        assert_eq!(parse_memory_limit("33554432\n"), Some(32 << 20));
        assert_eq!(parse_memory_limit("max\n"), None);
        assert_eq!(parse_memory_limit("9223372036854771712\n"), None);
    }
}
