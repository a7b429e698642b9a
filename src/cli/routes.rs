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
//!
//! A `--policy` file may hold the same `[[route]]` tables (`policy.rs`
//! defines and checks them; this module reads a file of nothing else).

use std::path::Path;

use serde::Deserialize;

use super::model::ConfigError;
use super::policy::{RouteEntry, check_routes, toml_error};

/// A routes file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoutesFile {
    #[serde(default, rename = "route")]
    routes: Vec<RouteEntry>,
}

/// Reads and checks the routes file at `path`.
pub fn load(path: &Path) -> Result<Vec<RouteEntry>, ConfigError> {
    let shown = path.display();
    let text =
        std::fs::read_to_string(path).map_err(|e| ConfigError(format!("--routes {shown}: cannot read it: {e}")))?;
    let mut file: RoutesFile = toml::from_str(&text).map_err(|e| toml_error(path, &text, &e))?;
    if file.routes.is_empty() {
        return Err(ConfigError(format!("{shown}: no [[route]]: give at least one, with prefix and module")));
    }
    check_routes(&mut file.routes, path, &text)?;
    Ok(file.routes)
}
