//! `--policy FILE.toml`: what a run may touch and use, written down once, and
//! `--print-policy`, which prints the policy a command line resolves to in
//! the same format, so that a run can be replayed.
//!
//! ```toml
//! argv0 = "report"
//! args = ["--month", "11"]
//! inherit_env = false
//!
//! [env]
//! LANG = "C"
//!
//! [[dir]]
//! host = "/srv/reports/data"
//! guest = "/data"
//! read_only = true
//!
//! [[dir]]
//! host = "out"              # relative to this file's directory
//! guest = "/out"
//!
//! [sockets]
//! tcplisten = ["127.0.0.1:8080"]
//! listenfd = false
//!
//! [limits]
//! fuel = 50_000_000_000
//! timeout = "30s"           # ms, s, m, h
//! max_memory = "256M"       # K, M, G, or a byte count
//! max_fds = 64
//! max_wasm_stack = "8M"
//!
//! [urls]                    # what Dagger and CommonWA guests may open (capwasi::url_abi)
//! allow = ['^http://127\.0\.0\.1:8080/']
//! disallow = ['^file://']
//!
//! [[route]]                 # capwasi serve only: as in a --routes file (routes.rs)
//! prefix = "/api"
//! module = "api.wasm"       # relative to this file's directory
//! ```
//!
//! A file in Olin's policy format (`allow ( ... )`, `disallow ( ... )`,
//! `ram-page-limit N`, `gas-limit N`, `##` comments) is read too: its patterns
//! become `[urls]`, its page limit `max_memory` and its gas limit `fuel`, with
//! Olin's defaults (128 pages, 32 Mi of gas, no URL it does not allow).
//!
//! Every key is optional; an unknown key, a value of the wrong type, a bad
//! unit and a `host` that is not a directory are errors naming the file, the
//! line and the key. Flags given with `--policy` override it: scalars and
//! limits are replaced, `--env K` replaces that variable, a `--dir`/`--mapdir`
//! replaces the file's preopen of the same guest name (others are added
//! after the file's), `--tcplisten` adds sockets, and guest arguments on the
//! command line replace `args`.
//!
//! `[[route]]` tables are `capwasi serve`'s routes, with the keys and checks
//! of a `--routes` file; each route's settings apply over the rest of the
//! policy and the flags. `capwasi run` refuses a policy that has them.

use std::path::{Path, PathBuf};
use std::time::Duration;

use capwasi::limits::{Limits, format_duration, format_size, parse_duration, parse_size};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::model::{ConfigError, check_prefix, parse_stack_size, parse_tcplisten};

/// A policy file, as written and as `--print-policy` prints it.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The guest's `argv[0]` (default: the module's file name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub argv0: Option<String>,
    /// The guest's arguments after `argv[0]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<String>>,
    /// Pass the whole host environment (under `env`, which overrides it).
    #[serde(default, skip_serializing_if = "is_false")]
    pub inherit_env: bool,
    /// Environment variables, in order.
    #[serde(default, skip_serializing_if = "Env::is_empty")]
    pub env: Env,
    /// Preopened directories, in order.
    #[serde(default, rename = "dir", skip_serializing_if = "Vec::is_empty")]
    pub dirs: Vec<Dir>,
    #[serde(default, skip_serializing_if = "Sockets::is_empty")]
    pub sockets: Sockets,
    #[serde(default, skip_serializing_if = "PolicyLimits::is_empty")]
    pub limits: PolicyLimits,
    #[serde(default, skip_serializing_if = "Urls::is_empty")]
    pub urls: Urls,
    /// `capwasi serve`'s routes (`[[route]]`), checked as a `--routes` file's.
    #[serde(default, rename = "route", skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<RouteEntry>,
}

/// One `[[route]]` of a policy or `--routes` file, as written and checked
/// ([`check_routes`]): requests whose path is `prefix` or lies beneath it run
/// `module`, with its own settings over the command line's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteEntry {
    /// The path prefix, normalised (no trailing `/`).
    pub prefix: Spanned<String>,
    /// The module, made absolute against the file's directory.
    pub module: Spanned<String>,
    /// The guest's arguments after `argv[0]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Env::is_empty")]
    pub env: Env,
    #[serde(default, rename = "dir", skip_serializing_if = "Vec::is_empty")]
    pub dirs: Vec<Dir>,
    #[serde(default, skip_serializing_if = "PolicyLimits::is_empty")]
    pub limits: PolicyLimits,
}

/// `[urls]`: the URLs a Dagger or CommonWA guest may open, as regular
/// expressions (`capwasi::url_abi::policy`: an allow match wins; else a
/// disallow match, or any allow list, forbids).
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Urls {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disallow: Vec<String>,
}

impl Urls {
    fn is_empty(&self) -> bool {
        self.allow.is_empty() && self.disallow.is_empty()
    }

    /// The policy to run with; the patterns were checked when the file was loaded.
    pub fn to_url_policy(&self) -> capwasi::url_abi::UrlPolicy {
        capwasi::url_abi::UrlPolicy::new(&self.allow, &self.disallow).unwrap_or_default()
    }
}

/// Whether `text` is in Olin's policy format (`allow (`, `disallow (`,
/// `ram-page-limit N`, `gas-limit N`, `##` comments) rather than TOML: its
/// first line that is not blank or a comment starts with one of those keys,
/// without TOML's `=`.
fn is_olin_policy(text: &str) -> bool {
    let Some(line) = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#')) else {
        return false;
    };
    let mut words = line.split_whitespace();
    let key = words.next().unwrap_or_default();
    ["allow", "disallow", "ram-page-limit", "gas-limit"].contains(&key) && words.next() != Some("=")
}

/// An Olin policy as capwasi's: its URL patterns, `ram-page-limit` pages of
/// 64 KiB as `max_memory`, `gas-limit` as `fuel` (Olin's defaults for those
/// the file omits, `capwasi::url_abi::policy`).
fn from_olin(olin: capwasi::url_abi::OlinPolicy) -> Result<Policy, String> {
    let mut policy = Policy::default();
    policy.limits.max_memory = Some(Size(olin.max_memory()));
    policy.limits.fuel = match olin.gas_limit {
        0 => return Err("gas-limit 0 allows no instruction at all".into()),
        gas => Some(Fuel(gas)),
    };
    policy.urls = Urls { allow: olin.allow, disallow: olin.disallow };
    Ok(policy)
}

/// One `[[dir]]`: a host directory handed to the guest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dir {
    /// The host directory; relative to the policy file's directory.
    pub host: Spanned<String>,
    /// The name the guest sees it under.
    pub guest: String,
    /// Every change beneath it is refused with ENOTCAPABLE.
    #[serde(default, skip_serializing_if = "is_false")]
    pub read_only: bool,
    /// Where it came from, for error messages (`--dir`, `[[dir]] in FILE`).
    #[serde(skip)]
    pub origin: String,
}

/// `[sockets]`.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sockets {
    /// Addresses to listen on, as `--tcplisten` takes them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tcplisten: Vec<Spanned<String>>,
    /// Adopt the listening sockets the parent passed, as `--listenfd`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub listenfd: bool,
}

impl Sockets {
    fn is_empty(&self) -> bool {
        self.tcplisten.is_empty() && !self.listenfd
    }
}

/// `[limits]`; an absent key is no limit (or the default).
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyLimits {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fuel: Option<Fuel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Timeout>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_memory: Option<Size>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_fds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_wasm_stack: Option<WasmStack>,
}

impl PolicyLimits {
    fn is_empty(&self) -> bool {
        *self == PolicyLimits::default()
    }

    /// The limits to run with.
    pub fn to_limits(&self) -> Limits {
        let mut limits = Limits::new();
        if let Some(Fuel(units)) = self.fuel {
            limits = limits.fuel(units);
        }
        if let Some(Timeout(limit)) = self.timeout {
            limits = limits.timeout(limit);
        }
        if let Some(Size(bytes)) = self.max_memory {
            limits = limits.max_memory(usize::try_from(bytes).unwrap_or(usize::MAX));
        }
        if let Some(count) = self.max_fds {
            limits = limits.max_fds(count);
        }
        if let Some(WasmStack(bytes)) = self.max_wasm_stack {
            limits = limits.max_wasm_stack(bytes);
        }
        limits
    }
}

fn is_false(b: &bool) -> bool {
    !b
}

/// Environment variables in the order given; setting one again replaces it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Env(pub Vec<(String, String)>);

impl Env {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sets `key` to `value`, in place if it is already set.
    pub fn set(&mut self, key: String, value: String) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => *v = value,
            None => self.0.push((key, value)),
        }
    }
}

impl Serialize for Env {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Env {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EnvVisitor;
        impl<'de> Visitor<'de> for EnvVisitor {
            type Value = Env;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a table of variables with string values (LANG = \"C\")")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Env, A::Error> {
                let mut env = Env::default();
                while let Some((key, value)) = map.next_entry::<String, String>()? {
                    if key.is_empty() || key.contains('=') || key.contains('\0') {
                        return Err(de::Error::custom(format!("{key:?} is not a variable name")));
                    }
                    env.set(key, value);
                }
                Ok(env)
            }
        }
        deserializer.deserialize_map(EnvVisitor)
    }
}

/// `fuel`: a positive count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Fuel(pub u64);

impl<'de> Deserialize<'de> for Fuel {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match u64::deserialize(deserializer)? {
            0 => Err(de::Error::custom("0 allows no instruction at all; give a positive count of fuel units")),
            units => Ok(Fuel(units)),
        }
    }
}

/// `timeout`: a duration with its unit, `"500ms"`, `"2s"`, `"1m"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeout(pub Duration);

impl Serialize for Timeout {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format_duration(self.0))
    }
}

impl<'de> Deserialize<'de> for Timeout {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TimeoutVisitor;
        impl Visitor<'_> for TimeoutVisitor {
            type Value = Timeout;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a duration with its unit, as a string (\"500ms\", \"2s\", \"1m\")")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Timeout, E> {
                parse_duration(text).map(Timeout).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(TimeoutVisitor)
    }
}

/// `max_memory`: a byte count, or a string with a unit (`"64K"`, `"16M"`, `"2G"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size(pub u64);

impl Serialize for Size {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format_size(self.0))
    }
}

impl<'de> Deserialize<'de> for Size {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SizeVisitor;
        impl Visitor<'_> for SizeVisitor {
            type Value = Size;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a size: a byte count, or a string with a unit (\"64K\", \"16M\", \"2G\")")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Size, E> {
                parse_size(text).map(Size).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, bytes: i64) -> Result<Size, E> {
                u64::try_from(bytes).map(Size).map_err(|_| E::custom(format!("{bytes} is not a size")))
            }
        }
        deserializer.deserialize_any(SizeVisitor)
    }
}

/// `max_wasm_stack`: as `--max-wasm-stack` takes it, a size from 1 byte to 1G.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WasmStack(pub usize);

impl Serialize for WasmStack {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Size(self.0 as u64).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for WasmStack {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Size(bytes) = Size::deserialize(deserializer)?;
        parse_stack_size(&bytes.to_string()).map(WasmStack).map_err(de::Error::custom)
    }
}

impl Policy {
    /// Reads and checks the policy file at `path`. Relative `host` paths are
    /// made absolute against the file's directory, and each must be a
    /// directory; `tcplisten` addresses must parse.
    pub fn load(path: &Path) -> Result<Policy, ConfigError> {
        let shown = path.display();
        let text = std::fs::read_to_string(path).map_err(|e| {
            let why = match e.kind() {
                std::io::ErrorKind::NotFound => "no such file".to_string(),
                _ => e.to_string(),
            };
            ConfigError(format!("--policy {shown}: cannot read it: {why}"))
        })?;
        let mut policy: Policy = if is_olin_policy(&text) {
            capwasi::url_abi::parse_olin(&text)
                .and_then(from_olin)
                .map_err(|why| ConfigError(format!("--policy {shown} (an Olin policy): {why}")))?
        } else {
            toml::from_str(&text).map_err(|e| toml_error(path, &text, &e))?
        };
        if let Err(why) = capwasi::url_abi::UrlPolicy::new(&policy.urls.allow, &policy.urls.disallow) {
            return Err(ConfigError(format!("--policy {shown}: urls: {why}")));
        }
        let at = |span: std::ops::Range<usize>, key: &str, why: String| {
            ConfigError(format!("{shown}:{}: {key}: {why}", line_of(&text, span.start)))
        };
        check_dirs(&mut policy.dirs, path, &text, "dir")?;
        check_routes(&mut policy.routes, path, &text)?;
        for addr in &policy.sockets.tcplisten {
            if let Err(ConfigError(why)) = parse_tcplisten(addr.get_ref()) {
                let why = why.trim_start_matches("--tcplisten ").to_string();
                return Err(at(addr.span(), "sockets.tcplisten", why));
            }
        }
        Ok(policy)
    }

    /// The policy as a `--policy` file, host paths absolute.
    pub fn to_toml(&self) -> String {
        let mut printed = self.clone();
        for dir in &mut printed.dirs {
            *dir.host.get_mut() = absolute(Path::new(dir.host.get_ref())).display().to_string();
        }
        let body = toml::to_string(&printed).expect("a policy is plain TOML");
        format!("# capwasi policy: capwasi run --policy FILE [FLAGS] MODULE\n{body}")
    }
}

/// Checks the `[[route]]` tables of the TOML file at `path` (its `text`):
/// each prefix a path (normalised), none given twice, each module a file
/// (made absolute against the file's directory), each `[[route.dir]]` as
/// [`check_dirs`] checks it.
pub(super) fn check_routes(routes: &mut [RouteEntry], path: &Path, text: &str) -> Result<(), ConfigError> {
    let shown = path.display();
    let at = |span: std::ops::Range<usize>, key: &str, why: String| {
        ConfigError(format!("{shown}:{}: {key}: {why}", line_of(text, span.start)))
    };
    let base = path.parent().unwrap_or(Path::new(""));
    let mut seen: Vec<String> = Vec::new();
    for route in routes {
        let prefix =
            check_prefix(route.prefix.get_ref()).map_err(|why| at(route.prefix.span(), "route.prefix", why))?;
        if seen.contains(&prefix) {
            return Err(at(route.prefix.span(), "route.prefix", format!("'{prefix}' is given twice")));
        }
        seen.push(prefix.clone());
        *route.prefix.get_mut() = prefix;
        let module = absolute(&base.join(route.module.get_ref()));
        if !module.is_file() {
            return Err(at(route.module.span(), "route.module", format!("no such file '{}'", module.display())));
        }
        *route.module.get_mut() = module.display().to_string();
        check_dirs(&mut route.dirs, path, text, "route.dir")?;
    }
    Ok(())
}

/// Checks the `[[dir]]` tables (`key`: their dotted name) of the TOML file at
/// `path` (its `text`): each `host` must be a directory, made absolute against
/// the file's directory, and each `guest` a name.
pub(super) fn check_dirs(dirs: &mut [Dir], path: &Path, text: &str, key: &str) -> Result<(), ConfigError> {
    let shown = path.display();
    let at = |span: std::ops::Range<usize>, field: &str, why: String| {
        ConfigError(format!("{shown}:{}: {key}.{field}: {why}", line_of(text, span.start)))
    };
    let base = path.parent().unwrap_or(Path::new(""));
    for dir in dirs {
        let host = absolute(&base.join(dir.host.get_ref()));
        let why = match std::fs::metadata(&host) {
            Ok(meta) if meta.is_dir() => None,
            Ok(_) => Some(format!("'{}' is not a directory", host.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Some(format!("no such directory '{}'", host.display()))
            }
            Err(e) => Some(format!("cannot use '{}': {e}", host.display())),
        };
        if let Some(why) = why {
            return Err(at(dir.host.span(), "host", why));
        }
        if dir.guest.is_empty() {
            return Err(at(dir.host.span(), "guest", "a guest name cannot be empty".into()));
        }
        *dir.host.get_mut() = host.display().to_string();
        dir.origin = format!("[[{key}]] in {shown}");
    }
    Ok(())
}

/// `path` made absolute against the current directory, without resolving
/// symlinks (so the policy names what the command line named).
pub(super) fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The 1-based line of byte `offset` in `text`.
pub(super) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// A TOML or schema error as `FILE:LINE: KEY: what`, KEY the dotted path of
/// the key it is about (when the parser knows it).
pub(super) fn toml_error(path: &Path, text: &str, err: &toml::de::Error) -> ConfigError {
    let line = err.span().map(|span| line_of(text, span.start));
    // Without its input, the error's text ends with "in `a.b`": the key path.
    let mut bare = err.clone();
    bare.set_input(None);
    let bare = bare.to_string();
    let key = bare.lines().last().and_then(|l| l.strip_prefix("in `")).and_then(|l| l.strip_suffix('`'));
    let message = err.message().trim().replace('\n', "; ");
    let mut out = path.display().to_string();
    if let Some(line) = line {
        out.push_str(&format!(":{line}"));
    }
    if let Some(key) = key {
        out.push_str(&format!(": {key}"));
    }
    ConfigError(format!("{out}: {message}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<Policy, String> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        let path = dir.path().join("p.toml");
        std::fs::write(&path, text).unwrap();
        Policy::load(&path).map_err(|e| e.0.replace(&dir.path().display().to_string(), "DIR"))
    }

    #[test]
    fn a_full_policy_loads() {
        let policy = load_text(
            r#"
argv0 = "prog"
args = ["a", "b"]
[env]
B = "2"
A = "1"
[[dir]]
host = "data"
guest = "/data"
read_only = true
[sockets]
tcplisten = ["127.0.0.1:0"]
[limits]
fuel = 1_000
timeout = "1500ms"
max_memory = "64K"
max_fds = 10
"#,
        )
        .unwrap();
        assert_eq!(policy.args, Some(vec!["a".into(), "b".into()]));
        assert_eq!(policy.env.0, [("B".into(), "2".into()), ("A".into(), "1".into())], "kept in file order");
        assert!(policy.dirs[0].host.get_ref().ends_with("/data") && policy.dirs[0].read_only);
        let limits = policy.limits.to_limits();
        assert_eq!(limits.fuel_limit(), Some(1000));
        assert_eq!(limits.time_limit(), Some(Duration::from_millis(1500)));
        assert_eq!(limits.memory_limit(), Some(65536));
        assert_eq!(limits.fd_limit(), 10);
        assert_eq!(load_text("[limits]\nmax_memory = 4096\n").unwrap().limits.max_memory, Some(Size(4096)));
    }

    #[test]
    fn errors_name_the_file_line_and_key() {
        assert_eq!(
            load_text("[limits]\nfule = 3\n").unwrap_err(),
            "DIR/p.toml:2: limits: unknown field `fule`, expected one of `fuel`, `timeout`, `max_memory`, `max_fds`, `max_wasm_stack`"
        );
        assert_eq!(
            load_text("[limits]\ntimeout = \"2 parsecs\"\n").unwrap_err(),
            "DIR/p.toml:2: limits.timeout: '2 parsecs' is not a duration (examples: 500ms, 2s, 1m, 1h)"
        );
        assert_eq!(
            load_text("\n[limits]\nmax_memory = \"16MB\"\n").unwrap_err(),
            "DIR/p.toml:3: limits.max_memory: '16MB' is not a size (examples: 65536, 64K, 16M, 2G)"
        );
        assert_eq!(
            load_text("[[dir]]\nhost = \"nope\"\nguest = \"/x\"\n").unwrap_err(),
            "DIR/p.toml:2: dir.host: no such directory 'DIR/nope'"
        );
        assert_eq!(
            load_text("[limits]\nfuel = 0\n").unwrap_err(),
            "DIR/p.toml:2: limits.fuel: 0 allows no instruction at all; give a positive count of fuel units"
        );
        assert!(load_text("args = \"a b\"\n").unwrap_err().starts_with("DIR/p.toml:1: args: invalid type: string"));
        assert!(
            load_text("[sockets]\ntcplisten = [\"nowhere\"]\n")
                .unwrap_err()
                .starts_with("DIR/p.toml:2: sockets.tcplisten: nowhere:")
        );
        assert!(load_text("fuel = 1\n").unwrap_err().starts_with("DIR/p.toml:1: unknown field `fuel`"));
        assert!(load_text("[limits\n").unwrap_err().starts_with("DIR/p.toml:1: "));
    }

    #[test]
    fn printing_and_loading_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        let first = dir.path().join("p.toml");
        std::fs::write(
            &first,
            "args = [\"x\"]\n[env]\nZ = \"1\"\nA = \"2\"\n[[dir]]\nhost = \"data\"\nguest = \"/d\"\n\
             [limits]\ntimeout = \"90s\"\nmax_memory = \"2048K\"\n",
        )
        .unwrap();
        let printed = Policy::load(&first).unwrap().to_toml();
        let again = dir.path().join("again.toml");
        std::fs::write(&again, &printed).unwrap();
        assert_eq!(Policy::load(&again).unwrap().to_toml(), printed);
        assert!(printed.contains("timeout = \"90s\"\nmax_memory = \"2M\"\n"), "{printed}");
        assert!(printed.contains(&format!("host = \"{}/data\"", dir.path().display())), "{printed}");
    }
}
