//! `capwasi serve --routes FILE.toml`: which module serves which paths, each
//! with its own preopens, environment and limits over the command line's.
//!
//! ```toml
//! [[route]]
//! prefix = "/hello"
//! module = "hello.wasm"      # relative to this file's directory
//!
//! [[route]]
//! prefix = "/api"
//! module = "api.wasm"
//! args = ["--verbose"]       # after argv[0]
//! env = { MODE = "prod" }
//! [[route.dir]]
//! host = "data"              # relative to this file's directory
//! guest = "/data"
//! read_only = true
//! [route.limits]
//! timeout = "2s"
//! max_memory = "64M"
//! fuel = 1_000_000_000
//! ```
//!
//! Checked as strictly as a `--policy` file: an unknown key, a wrong type or
//! unit, a prefix not starting with `/`, a prefix given twice, a missing
//! module or a `host` that is not a directory is an error naming the file,
//! the line and the key. A route's `env` sets variables over the command
//! line's, its `[[route.dir]]` replaces a preopen of the same guest name (or
//! adds one), and each key of its `[route.limits]` replaces that limit.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::model::{ConfigError, check_prefix};
use super::policy::{Dir, Env, PolicyLimits, absolute, check_dirs, line_of, toml_error};

/// A routes file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoutesFile {
    #[serde(default, rename = "route")]
    routes: Vec<RouteEntry>,
}

/// One `[[route]]`, as written and checked.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteEntry {
    /// The path prefix, normalised (no trailing `/`).
    pub prefix: Spanned<String>,
    /// The module, made absolute against the file's directory.
    pub module: Spanned<String>,
    /// The guest's arguments after `argv[0]`.
    #[serde(default)]
    pub args: Option<Vec<String>>,
    #[serde(default)]
    pub env: Env,
    #[serde(default, rename = "dir")]
    pub dirs: Vec<Dir>,
    #[serde(default)]
    pub limits: PolicyLimits,
}

/// Reads and checks the routes file at `path`.
pub fn load(path: &Path) -> Result<Vec<RouteEntry>, ConfigError> {
    let shown = path.display();
    let text =
        std::fs::read_to_string(path).map_err(|e| ConfigError(format!("--routes {shown}: cannot read it: {e}")))?;
    let file: RoutesFile = toml::from_str(&text).map_err(|e| toml_error(path, &text, &e))?;
    if file.routes.is_empty() {
        return Err(ConfigError(format!("{shown}: no [[route]]: give at least one, with prefix and module")));
    }
    let at = |span: std::ops::Range<usize>, key: &str, why: String| {
        ConfigError(format!("{shown}:{}: {key}: {why}", line_of(&text, span.start)))
    };
    let base = path.parent().unwrap_or(Path::new(""));
    let mut routes = file.routes;
    let mut seen: Vec<String> = Vec::new();
    for route in &mut routes {
        let prefix =
            check_prefix(route.prefix.get_ref()).map_err(|why| at(route.prefix.span(), "route.prefix", why))?;
        if seen.contains(&prefix) {
            return Err(at(route.prefix.span(), "route.prefix", format!("'{prefix}' is given twice")));
        }
        seen.push(prefix.clone());
        *route.prefix.get_mut() = prefix;
        let module: PathBuf = absolute(&base.join(route.module.get_ref()));
        if !module.is_file() {
            return Err(at(route.module.span(), "route.module", format!("no such file '{}'", module.display())));
        }
        *route.module.get_mut() = module.display().to_string();
        check_dirs(&mut route.dirs, path, &text, "route.dir")?;
    }
    Ok(routes)
}
