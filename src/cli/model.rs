//! The one configuration model every front-end resolves into: what a guest
//! may reach (preopens, sockets), its environment and arguments, its limits
//! and where each was set, and the checks on single values (fuel counts,
//! stack sizes, socket addresses) that every input shares.
//!
//! Each input has its own parser: `flags.rs` (clap; binfmt's argv too),
//! `policy.rs` (a `--policy` file), `wasmtime_opts.rs` (`-W`/`-S`), and
//! `config.rs` resolves them into a [`RunConfig`]; `run`, `serve` and `binfmt`
//! consume the result and import no parser. This module imports none of them.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;

use capwasi::DirPerms;
use capwasi::limits::{self, Limits};

use super::cache::LoadOptions;

/// One directory handed to the guest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preopen {
    /// Where it was given, for error messages (`--dir`, `--mapdir`, `[[dir]] in FILE`).
    pub flag: String,
    pub host: PathBuf,
    pub guest: String,
    pub perms: DirPerms,
}

/// Everything `capwasi run` needs.
#[derive(Debug, Clone)]
pub struct RunConfig {
    pub module: PathBuf,
    /// argv, argv[0] included.
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub preopens: Vec<Preopen>,
    /// Host descriptors of inherited listening sockets (`--listenfd`), in order.
    pub listen_fds: Vec<i32>,
    /// Addresses to listen on (`--tcplisten`), in order.
    pub tcplisten: Vec<SocketAddr>,
    pub invoke: Option<String>,
    pub limits: Limits,
    /// Where each limit was set, for the line that names it when it trips.
    pub origins: LimitOrigins,
    pub trap_unknown_imports: bool,
    /// The URLs a Dagger or CommonWA guest may open (`[urls]` of `--policy`).
    pub url_policy: capwasi::url_abi::UrlPolicy,
    /// Where the run's stats go (none: not counted).
    pub stats: Vec<StatsOutput>,
    /// The compile cache and whether precompiled modules may run.
    pub load: LoadOptions,
}

impl RunConfig {
    /// `module` run with `args` (argv[0] included) and nothing else: no
    /// environment, preopens or sockets, no limits, wasmtime's defaults, no
    /// compile cache. A front-end without flags of its own (`test`) sets the
    /// rest.
    pub fn for_module(module: PathBuf, args: Vec<String>) -> RunConfig {
        RunConfig {
            module,
            args,
            env: Vec::new(),
            preopens: Vec::new(),
            listen_fds: Vec::new(),
            tcplisten: Vec::new(),
            invoke: None,
            limits: Limits::new(),
            origins: LimitOrigins::default(),
            trap_unknown_imports: false,
            url_policy: capwasi::url_abi::UrlPolicy::default(),
            stats: Vec::new(),
            load: LoadOptions::default(),
        }
    }
}

/// How each limit was set, as the line naming it says: `--fuel 1000`, or
/// `limits.fuel in p.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LimitOrigins {
    pub fuel: String,
    pub timeout: String,
    pub max_memory: String,
    pub max_fds: String,
}

/// A command-line value capwasi cannot use; the message says which and why.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// `--tcplisten ADDR:PORT`: a socket address, or a host name and port that
/// resolves (the first address is used).
pub fn parse_tcplisten(spec: &str) -> Result<SocketAddr, ConfigError> {
    if let Ok(addr) = spec.parse() {
        return Ok(addr);
    }
    let bad = |why: String| ConfigError(format!("--tcplisten {spec}: {why}; expected ADDR:PORT, e.g. 127.0.0.1:8080"));
    let mut addrs = spec.to_socket_addrs().map_err(|e| bad(e.to_string()))?;
    addrs.next().ok_or_else(|| bad("the name has no address".into()))
}

/// `--fuel N`: a positive count (`_` may group digits: `10_000_000`).
pub fn parse_fuel(text: &str) -> Result<u64, String> {
    match text.replace('_', "").parse::<u64>() {
        Ok(0) => Err("--fuel 0 allows no instruction at all; give a positive count".into()),
        Ok(n) if text.starts_with(|c: char| c.is_ascii_digit()) => Ok(n),
        _ => Err(format!("'{text}' is not a count of fuel units (examples: 1000000, 10_000_000)")),
    }
}

/// Where `--stats` reports go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatsOutput {
    /// A table on stderr.
    Table,
    /// JSON written to a file.
    Json(PathBuf),
}

/// A positive size that fits this machine's address space, as `--max-wasm-stack` takes.
pub fn parse_stack_size(text: &str) -> Result<usize, String> {
    check_stack_size(limits::parse_size(text)?)
        .map_err(|_| format!("'{text}' is not a stack size: give one from 1 byte to 1G (examples: 8M, 64M)"))
}

/// `bytes` as a wasm stack size: from 1 byte to [`MAX_WASM_STACK`].
pub fn check_stack_size(bytes: u64) -> Result<usize, String> {
    usize::try_from(bytes).ok().filter(|&bytes| bytes > 0 && bytes <= MAX_WASM_STACK).ok_or_else(|| {
        format!("{bytes} bytes is not a stack size: give one from 1 byte to 1G ({MAX_WASM_STACK} bytes)")
    })
}

/// The largest `--max-wasm-stack`: far beyond any real program's need, and small enough
/// that the guest's thread stack (this plus the host's share) can always be reserved.
const MAX_WASM_STACK: usize = 1 << 30;

/// One warning line for each pair of preopens where one host directory is
/// inside (or is) the other and only one of them is read-only: the guest can
/// change through the read-write one what the read-only one shows. Host paths
/// are compared after resolving symlinks; a directory that cannot be resolved
/// is left out (opening it fails later, with its own message).
pub fn overlap_warnings(preopens: &[Preopen]) -> Vec<String> {
    let resolved: Vec<Option<PathBuf>> = preopens.iter().map(|p| std::fs::canonicalize(&p.host).ok()).collect();
    let mut warnings = Vec::new();
    for (i, a) in preopens.iter().enumerate() {
        for (j, b) in preopens.iter().enumerate().skip(i + 1) {
            let (Some(a_host), Some(b_host)) = (&resolved[i], &resolved[j]) else { continue };
            if a.perms == b.perms {
                continue;
            }
            let (writable, read_only, writable_host, read_only_host) =
                if a.perms == DirPerms::ReadWrite { (a, b, a_host, b_host) } else { (b, a, b_host, a_host) };
            let what = if read_only_host.starts_with(writable_host) {
                read_only.guest.clone()
            } else if writable_host.starts_with(read_only_host) {
                format!("part of {}", read_only.guest)
            } else {
                continue;
            };
            warnings.push(format!(
                "capwasi: warning: {} (read-write) and {} (read-only) overlap on the host: \
                 the guest can change {what} through {}",
                describe(writable),
                describe(read_only),
                writable.guest
            ));
        }
    }
    warnings
}

/// A preopen as it was written on the command line.
fn describe(preopen: &Preopen) -> String {
    let host = preopen.host.display();
    let ro = if preopen.perms == DirPerms::ReadOnly { "::ro" } else { "" };
    match preopen.flag.as_str() {
        "--mapdir" => format!("--mapdir {}::{host}{ro}", preopen.guest),
        "--dir" if preopen.guest == host.to_string() && ro.is_empty() => format!("--dir {host}"),
        "--dir" => format!("--dir {host}::{}{ro}", preopen.guest),
        // A policy file's `[[dir]]`.
        origin => format!("{host} as {}{ro} ({origin})", preopen.guest),
    }
}

/// Why a preopen's host directory cannot be used, as one actionable line.
pub fn preopen_error(preopen: &Preopen, err: &std::io::Error) -> String {
    let host = preopen.host.display();
    let why = match err.kind() {
        std::io::ErrorKind::NotFound => "no such directory on the host".to_string(),
        std::io::ErrorKind::NotADirectory => "it is not a directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => err.to_string(),
    };
    format!("cannot open preopen '{}' (host '{host}'): {why}; check {}", preopen.guest, preopen.flag)
}

/// Everything `capwasi serve` needs.
#[derive(Debug)]
pub struct ServeConfig {
    /// Where to listen.
    pub listen: Listen,
    /// The routes, longest prefix first; each runs its module with its own run configuration.
    pub routes: Vec<Route>,
    /// The largest request body taken, in bytes (larger: 413).
    pub max_body: u64,
    /// The largest response passed on, in bytes (headers and body).
    pub max_response: u64,
    /// How many guests run at once.
    pub max_instances: usize,
    /// A fresh empty directory per request, preopened under this guest name.
    pub scratch: Option<String>,
    /// Instances come from wasmtime's pooling allocator.
    pub pooling: bool,
    /// How each request is answered.
    pub mode: ServeMode,
    /// The access log shows each request's fuel and peak memory.
    pub stats: bool,
}

/// How `capwasi serve` answers a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServeMode {
    /// A fresh instance of the route's module in this process.
    Instance,
    /// A new `capwasi run` process per request (classic CGI, for comparison).
    Process,
    /// A fixed text from native code, no guest (the server's own cost).
    NativeHello,
}

/// Where `capwasi serve` listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listen {
    /// A socket it binds.
    Addr(SocketAddr),
    /// The listening socket passed systemd-style (`--listenfd`).
    Fd(i32),
}

/// One route of `capwasi serve`: requests whose path is `prefix` or lies
/// beneath it run `run.module`.
#[derive(Debug)]
pub struct Route {
    /// `/api` (no trailing slash), or empty for every path.
    pub prefix: String,
    pub run: RunConfig,
}

impl Route {
    /// The part of `path` after this route's prefix (CGI's PATH_INFO), if the route serves `path`.
    pub fn path_info<'a>(&self, path: &'a str) -> Option<&'a str> {
        let rest = path.strip_prefix(self.prefix.as_str())?;
        (rest.is_empty() || rest.starts_with('/')).then_some(rest)
    }
}

/// A route prefix as written (`/api`, `/api/`, `/`): it must start with `/`;
/// trailing slashes are dropped, so `/` serves every path.
pub fn check_prefix(prefix: &str) -> Result<String, String> {
    if !prefix.starts_with('/') || prefix.contains(['?', '#']) {
        return Err(format!("route prefix '{prefix}' must be a path starting with '/' (examples: /, /api)"));
    }
    Ok(prefix.trim_end_matches('/').to_string())
}
