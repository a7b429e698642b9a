//! Every command-line flag, defined once with its documentation: the raw parse.
//! `config.rs` turns it into a resolved configuration.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use capwasi::limits;
use clap::{Args, Parser, Subcommand};

use super::model::{StatsOutput, parse_fuel, parse_stack_size};
use super::wasmtime_opts::{Group, GroupParser, Setting};
use super::{binfmt, trace};

/// `capwasi run --help` groups its flags under these headings.
const PREOPENS: &str = "Preopens (what the guest may reach)";
const ENVIRONMENT: &str = "Environment and arguments";
const LIMITS: &str = "Limits";
const MODULE: &str = "Module and compilation";
const DEBUGGING: &str = "Debugging";
const POLICY: &str = "Policy files (all of the above in one file) and stats";
const WASMTIME: &str = "wasmtime run options (-W help, -S help list them)";

/// The exit-code contract, shown in `--help` and the README.
pub const EXIT_CODES: &str = "\
Exit status:
  N     the guest called proc_exit(N) (0 when _start returns), N at most 255
  134   the guest trapped (the reason and a wasm backtrace go to stderr)
  124   the guest ran past --timeout (as GNU timeout(1) reports it)
  152   the guest used up its --fuel (128 + SIGXCPU, as a native program past
        its CPU-time limit)
  1     capwasi could not run the guest: missing or invalid module, an import
        capwasi does not provide, a preopen that cannot be opened; or the
        guest called proc_exit(N) with N above 255, which a process cannot
        carry (one line on stderr says so)
  137   the guest trapped after --max-memory refused it memory (128 + SIGKILL,
        as after the kernel's out-of-memory killer)
  138   the guest trapped after --max-fds refused it a descriptor
  77    a Dagger or CommonWA guest opened a URL its policy forbids
  2     a usage error on the command line or in a --policy file
Past --max-memory or --max-fds the guest's request fails (memory.grow and
table.grow return -1, EMFILE) and the guest decides: a guest that exits keeps
its own status (one line names the limit if it is not 0); one that traps exits
137 or 138, and one line names the limit.";

#[derive(Parser, Debug)]
#[command(
    name = "capwasi",
    version,
    about = "Run WASI preview1 programs in a capability sandbox",
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a WebAssembly module (also the default: `capwasi FILE.wasm ...`).
    #[command(after_help = EXIT_CODES)]
    Run(Box<RunFlags>),
    /// Run every test program in directories of NAME.wasm + NAME.json, in the
    /// layout of the WASI test suite, and report what passed.
    Test(super::test::TestFlags),
    /// Compile a module ahead of time into a `.cwasm` for `run --allow-precompiled`.
    Compile(CompileFlags),
    /// Serve CGI programs over HTTP: each request runs a fresh instance of the
    /// module its route names (RFC 3875 variables, body on stdin, the response
    /// on stdout).
    Serve(Box<ServeFlags>),
    /// Let the Linux kernel run preview1 modules directly (`./hello.wasm`),
    /// through binfmt_misc.
    #[command(subcommand)]
    Binfmt(BinfmtCommand),
    /// Print a completion script for SHELL (bash, zsh or fish) on stdout.
    Completions(CompletionsFlags),
    /// Print a manual page (roff) on stdout: capwasi(1), or a subcommand's
    /// (`capwasi man run | man -l -`); `--out-dir` writes them all.
    Man(ManFlags),
}

/// Flags of `capwasi completions`.
#[derive(Args, Debug)]
pub struct CompletionsFlags {
    /// The shell to complete in.
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// Flags of `capwasi man`.
#[derive(Args, Debug)]
pub struct ManFlags {
    /// Print the page of this subcommand (`run`: capwasi-run(1)) instead of capwasi(1).
    #[arg(value_name = "COMMAND", conflicts_with = "out_dir")]
    pub command: Option<String>,
    /// Write every page (capwasi.1, capwasi-run.1, ...) into DIR instead of printing one.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// Flags of `capwasi compile`.
#[derive(Args, Debug)]
pub struct CompileFlags {
    /// The module to compile.
    #[arg(value_name = "FILE")]
    pub module: PathBuf,
    /// Where to write the precompiled module (default: FILE with extension `.cwasm`).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Compile fuel counting in: the `.cwasm` then runs only with `run --fuel`, and one
    /// compiled without it only without `--fuel`.
    #[arg(long)]
    pub with_fuel: bool,
    /// Compile epoch checks in: the `.cwasm` then runs only with `run --timeout`, and one
    /// compiled without it only without `--timeout`.
    #[arg(long)]
    pub with_timeout: bool,
    /// Compile FILE into the compile cache instead (what a first run compiled
    /// by Winch starts in the background: see `--cold-compiler`).
    #[arg(long, hide = true, conflicts_with_all = ["output", "with_fuel", "with_timeout"])]
    pub into_cache: bool,
}

/// `capwasi serve --help` groups its own flags under this heading.
const SERVING: &str = "Serving";

/// Flags of `capwasi serve`: its own, then `run`'s, which apply to every
/// request (`--invoke`, `--tcplisten` and `--print-policy` are refused).
#[derive(Args, Debug)]
#[command(after_help = SERVE_AFTER_HELP)]
pub struct ServeFlags {
    /// Listen on ADDR:PORT (with `--listenfd`, on the socket passed instead).
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080", help_heading = SERVING)]
    pub listen: String,

    /// Serve requests whose path is PREFIX or begins with PREFIX/ with MODULE
    /// (repeatable; the longest prefix wins). Without any route, FILE serves
    /// every path.
    #[arg(long = "route", value_name = "PREFIX=MODULE", help_heading = SERVING)]
    pub routes: Vec<String>,

    /// Read routes from a TOML file: `[[route]]` tables with `prefix`,
    /// `module`, and each its own `[[route.dir]]`, `[route.env]` and
    /// `[route.limits]` over the command line's.
    #[arg(long = "routes", value_name = "FILE.toml", help_heading = SERVING)]
    pub routes_file: Option<PathBuf>,

    /// Refuse a request body larger than BYTES with 413 (suffixes K, M, G).
    #[arg(long, value_name = "BYTES", default_value = "1M", value_parser = limits::parse_size, help_heading = SERVING)]
    pub max_body: u64,

    /// Cut off a response larger than BYTES (headers and body; suffixes K, M, G).
    #[arg(long, value_name = "BYTES", default_value = "16M", value_parser = limits::parse_size, help_heading = SERVING)]
    pub max_response: u64,

    /// Run at most N guests at once; further requests wait (default: the
    /// number of cores).
    #[arg(long, value_name = "N", help_heading = SERVING)]
    pub max_instances: Option<usize>,

    /// Hand each request a fresh, empty directory as GUEST (`/tmp`), removed
    /// when the request ends.
    #[arg(long, value_name = "GUEST", help_heading = SERVING)]
    pub scratch: Option<String>,

    /// Allocate each instance with mmap instead of from wasmtime's pooling
    /// allocator (slots reserved up front, reset between requests).
    #[arg(long, help_heading = SERVING)]
    pub no_pooling: bool,

    /// Classic CGI, for comparison: run each request as a new `capwasi run`
    /// process instead of an instance in this one.
    #[arg(long, help_heading = SERVING)]
    pub cgi_process: bool,

    /// Answer every request with a fixed text from native code, running no
    /// guest (the server's own cost, for benchmarks).
    #[arg(long, hide = true)]
    pub native_hello: bool,

    #[command(flatten)]
    pub run: RunFlags,
}

/// `capwasi serve --help`'s last words: what a guest sees and what a request gets.
pub const SERVE_AFTER_HELP: &str = "\
Each request runs a fresh instance of its route's module: the CGI variables
(GATEWAY_INTERFACE, REQUEST_METHOD, SCRIPT_NAME, PATH_INFO, QUERY_STRING,
CONTENT_TYPE, CONTENT_LENGTH, SERVER_*, REMOTE_ADDR, REMOTE_PORT, HTTP_*) in
its environment, the body on stdin; its stdout is a CGI response (Status:,
Location:, other headers, a blank line, the body), its stderr goes to the
server's log with the request's id. A guest that traps answers 500, one past
--timeout 504, a response without a header block 502. SIGTERM or Ctrl-C stops
accepting and lets requests in flight finish.";

/// Flags of `capwasi run`.
#[derive(Args, Debug, Default)]
pub struct RunFlags {
    /// Hand the guest a host directory: `HOST` (guest name as written),
    /// `HOST::GUEST`, or `HOST::GUEST::ro` (read-only: every change is refused
    /// with ENOTCAPABLE).
    #[arg(long = "dir", value_name = "HOST[::GUEST[::ro]]", help_heading = PREOPENS)]
    pub dirs: Vec<String>,

    /// Hand the guest a host directory under another name: `GUEST::HOST`, or the
    /// older `GUEST:HOST` (`--mapdir=/tmp:/var/tmp`: guest /tmp is host /var/tmp).
    /// A `::ro` suffix makes it read-only.
    #[arg(long = "mapdir", value_name = "GUEST::HOST", help_heading = PREOPENS)]
    pub mapdirs: Vec<String>,

    /// Hand the guest a TCP socket listening on ADDR:PORT (`127.0.0.1:8080`,
    /// `[::1]:8080`, `localhost:8080`); repeatable. The guest serves it with
    /// `sock_accept`. Listening sockets take descriptors 3, 4, ... after stdio,
    /// the `--listenfd` ones first, then these in order, all before the
    /// `--dir`/`--mapdir` preopens (wasi-libc still finds those: a socket
    /// reports preopen type `socket`, which it skips).
    #[arg(long = "tcplisten", value_name = "ADDR:PORT", help_heading = PREOPENS)]
    pub tcplisten: Vec<String>,

    /// Adopt the listening sockets the parent passed systemd-style: when
    /// LISTEN_PID is this process's id, LISTEN_FDS=N descriptors from 3 on,
    /// each a listening TCP or Unix-domain socket, become the guest's first
    /// sockets (fd 3, 4, ...), in order. Without LISTEN_FDS for this process it
    /// is a usage error. The sockets are switched to blocking mode.
    #[arg(long, help_heading = PREOPENS)]
    pub listenfd: bool,

    /// Set an environment variable for the guest (`K=V`), or pass one of the
    /// host's through (`K`). The guest gets no host variables otherwise.
    #[arg(long = "env", value_name = "K[=V]", help_heading = ENVIRONMENT)]
    pub envs: Vec<String>,

    /// Pass the host's whole environment to the guest.
    #[arg(long, help_heading = ENVIRONMENT)]
    pub inherit_env: bool,

    /// The guest's argv[0] (default: the module's file name).
    #[arg(long, value_name = "NAME", help_heading = ENVIRONMENT)]
    pub argv0: Option<String>,

    /// Call this export instead of `_start`; the arguments after FILE are its
    /// parameters, and its results are printed.
    #[arg(long, value_name = "NAME", help_heading = MODULE)]
    pub invoke: Option<String>,

    /// Hold at most N descriptors open at once (stdio and preopens included;
    /// default 1024); past it, opens fail with EMFILE.
    #[arg(long, value_name = "N", help_heading = LIMITS)]
    pub max_fds: Option<u32>,

    /// Cap the guest's memory, in bytes (suffixes K, M, G allowed): all its
    /// linear memories together, and its tables at 8 bytes an element; past
    /// it, memory.grow and table.grow fail.
    #[arg(long, value_name = "BYTES", value_parser = limits::parse_size, help_heading = LIMITS)]
    pub max_memory: Option<u64>,

    /// Give the guest N units of fuel, about one per wasm instruction; the
    /// guest is stopped at its first call or loop iteration past them (exit 152).
    #[arg(long, value_name = "N", value_parser = parse_fuel, help_heading = LIMITS)]
    pub fuel: Option<u64>,

    /// Stop the guest after DURATION (`500ms`, `2s`, `1m`, `1h`), counted from
    /// instantiation, even while it waits in a host call (exit 124).
    #[arg(long, value_name = "DURATION", value_parser = limits::parse_duration, help_heading = LIMITS)]
    pub timeout: Option<Duration>,

    /// Let wasm code use up to SIZE bytes of stack (suffixes K, M, G; default
    /// 512K); deeper calls trap with "call stack exhausted". Go's own runner
    /// gives Go programs 8M.
    #[arg(long, value_name = "SIZE", value_parser = parse_stack_size, help_heading = LIMITS)]
    pub max_wasm_stack: Option<usize>,

    /// Imports capwasi does not provide become functions that trap when called,
    /// instead of an error before the guest starts.
    #[arg(long, help_heading = MODULE)]
    pub trap_unknown_imports: bool,

    /// Print every preview1 call and its result on stderr, or only those of
    /// the families named: `--trace=fs,clock` (families: fs, clock, poll,
    /// proc, random, sock, args; dagger and cwa for those ABIs' calls).
    #[arg(long, value_name = "FAMILIES", num_args = 0..=1, require_equals = true,
          default_missing_value = "all", value_parser = trace::parse_families, help_heading = DEBUGGING)]
    pub trace: Option<trace::Families>,

    /// Write the --trace lines to PATH instead of stderr (implies --trace).
    #[arg(long, value_name = "PATH", help_heading = DEBUGGING)]
    pub trace_file: Option<PathBuf>,

    /// Stop writing --trace-file PATH after SIZE bytes (suffixes K, M, G;
    /// default 64M), with one last line saying the trace was cut.
    #[arg(long, value_name = "SIZE", value_parser = capwasi::limits::parse_size, help_heading = DEBUGGING)]
    pub trace_max: Option<u64>,

    /// Read what the guest may touch and use (preopens, environment,
    /// arguments, sockets, limits) from a TOML file; flags given here
    /// override it. See `--print-policy`.
    #[arg(long, value_name = "FILE.toml", help_heading = POLICY)]
    pub policy: Option<PathBuf>,

    /// Print the policy this command line resolves to, as a `--policy` file,
    /// and exit without running (FILE may be left out).
    #[arg(long, help_heading = POLICY)]
    pub print_policy: bool,

    /// After the run, print what it cost on stderr: compile, instantiate and
    /// run time, fuel, peak memory, calls per preview1 function, bytes per
    /// kind of descriptor. `--stats=json:PATH` writes them to PATH as JSON
    /// instead; repeat the flag for both.
    #[arg(long, value_name = "json:PATH", num_args = 0..=1, require_equals = true,
          default_missing_value = "table", value_parser = parse_stats, help_heading = POLICY)]
    pub stats: Vec<StatsOutput>,

    /// Compile without the on-disk cache of compiled modules
    /// (`$XDG_CACHE_HOME/capwasi`, else `~/.cache/capwasi`).
    #[arg(long, help_heading = MODULE)]
    pub no_cache: bool,

    /// The compiler for a module not in the compile cache. `auto`: Winch,
    /// wasmtime's fast baseline compiler, for this run, while Cranelift's
    /// optimized code goes to the cache in a background process, so the next
    /// run loads it (Cranelift when the cache is off, with --fuel or --timeout,
    /// and for a module using a proposal Winch lacks: GC, tail calls,
    /// exceptions). `winch`: Winch with --no-cache too.
    /// `cranelift`: always Cranelift, as `wasmtime run`. (`capwasi serve`,
    /// whose module serves every request, always compiles with Cranelift.)
    #[arg(long, value_enum, value_name = "COMPILER", default_value_t, help_heading = MODULE)]
    pub cold_compiler: super::cold::ColdCompiler,

    /// Allow running a precompiled `.cwasm` from `capwasi compile`. It is
    /// native code that runs unchecked: use it only for files you trust.
    #[arg(long, help_heading = MODULE)]
    pub allow_precompiled: bool,

    /// wasmtime's wasm options (`-W max-wasm-stack=8388608`): each sets the
    /// capwasi flag of the same meaning, is accepted and ignored if it changes
    /// nothing for a preview1 module, or is refused. `-W help` lists them.
    #[arg(short = 'W', long = "wasm", value_name = "KEY[=VAL][,..]", help_heading = WASMTIME,
          value_parser = GroupParser(Group::Wasm))]
    pub wasm: Vec<Vec<Setting>>,

    /// wasmtime's WASI options (`-S inherit-env`, `-S tcplisten=ADDR:PORT`), as
    /// `-W`. `-S help` lists them.
    #[arg(short = 'S', long = "wasi", value_name = "KEY[=VAL][,..]", help_heading = WASMTIME,
          value_parser = GroupParser(Group::Wasi))]
    pub wasi: Vec<Vec<Setting>>,

    /// The module (binary `.wasm`, text `.wat`, or with --allow-precompiled a `.cwasm`).
    #[arg(value_name = "FILE", required_unless_present = "print_policy")]
    pub module: Option<PathBuf>,

    /// Arguments for the guest, passed verbatim.
    #[arg(value_name = "ARGS", trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<OsString>,
}

/// `--stats` (a table on stderr) or `--stats=json:PATH`.
fn parse_stats(text: &str) -> Result<StatsOutput, String> {
    match text.split_once(':') {
        _ if text == "table" => Ok(StatsOutput::Table),
        Some(("json", path)) if !path.is_empty() => Ok(StatsOutput::Json(PathBuf::from(path))),
        _ => Err(format!("'{text}' is not a stats output: give --stats, or --stats=json:PATH")),
    }
}

// `capwasi binfmt`: its flags, and `exec`'s argv as run flags.

#[derive(Subcommand, Debug)]
pub enum BinfmtCommand {
    /// Register capwasi for preview1 modules (needs root and binfmt_misc mounted),
    /// creating the `capwasi-binfmt` link beside capwasi that the kernel runs.
    Install(NameFlags),
    /// Remove the registration (and the link, when no registration uses it).
    Uninstall(NameFlags),
    /// Say whether capwasi is registered as `install` would register it.
    /// Exit status 0 if so, 1 if not.
    Status(NameFlags),
    /// Print the registration line `install` writes to
    /// /proc/sys/fs/binfmt_misc/register.
    Print(NameFlags),
    /// Run PROGRAM as the registration does: the current directory preopened
    /// as `.`, no environment unless CAPWASI_ENV names variables (`HOME,LANG`).
    /// The kernel calls this through the `capwasi-binfmt` link.
    Exec(ExecFlags),
}

#[derive(Args, Debug)]
pub struct NameFlags {
    /// The registration's name (its file in /proc/sys/fs/binfmt_misc).
    #[arg(long, default_value = "capwasi", value_parser = binfmt::check_name)]
    pub name: String,
}

#[derive(Args, Debug)]
pub struct ExecFlags {
    /// The module to run.
    #[arg(value_name = "PROGRAM")]
    pub program: PathBuf,
    /// The guest's argv[0] (the kernel passes the name the program was run by).
    #[arg(value_name = "ARGV0")]
    pub argv0: OsString,
    /// Arguments for the guest, passed verbatim.
    #[arg(value_name = "ARGS", trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<OsString>,
}

/// The run flags of `exec`: the default policy, with `CAPWASI_ENV` read through `host_env`.
pub fn exec_flags(exec: ExecFlags, host_env: impl Fn(&str) -> Option<String>) -> Result<RunFlags, String> {
    let mut envs = Vec::new();
    for name in host_env(binfmt::ENV_VAR).unwrap_or_default().split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if name.contains('=') {
            return Err(format!(
                "{} names host variables to pass (HOME,LANG): '{name}' is not a name",
                binfmt::ENV_VAR
            ));
        }
        envs.push(name.to_string());
    }
    let argv0 = exec.argv0.into_string().map_err(|a| format!("argv[0] {a:?} is not valid UTF-8"))?;
    Ok(RunFlags {
        dirs: vec![".".into()],
        envs,
        argv0: Some(argv0),
        module: Some(exec.program),
        args: exec.args,
        ..RunFlags::default()
    })
}

/// The command line's definition: the derived one, with `serve`'s FILE
/// optional (routes may name the modules: `--route`, `--routes`, or
/// `[[route]]` in the `--policy` file, which only resolving reads; it says
/// when there is nothing to serve). Parsing, `--help`, the manual pages and
/// the completions all use this one.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    Cli::command().mut_subcommand("serve", |serve| {
        // mut_arg moves the argument last: move ARGS after it again, as the last positional.
        serve
            .mut_arg("module", |module| {
                module.required(false).required_unless_present(clap::builder::Resettable::<clap::Id>::Reset).help(
                    "The module serving every path no route serves (binary `.wasm`, text `.wat`, or with \
                     --allow-precompiled a `.cwasm`); optional when --route, --routes or [[route]] tables \
                     in the --policy file name the modules",
                )
            })
            .mut_arg("args", |a| a)
            // run's flags that serve refuses (config.rs says so): parsed, not offered.
            .mut_arg("invoke", |a| a.hide(true))
            .mut_arg("tcplisten", |a| a.hide(true))
            .mut_arg("print_policy", |a| a.hide(true))
    })
}

/// The subcommands, so that `capwasi FILE.wasm` can mean `capwasi run FILE.wasm`.
const SUBCOMMANDS: &[&str] =
    &["run", "compile", "serve", "test", "binfmt", "completions", "man", "help", "-h", "--help", "-V", "--version"];

/// Parses the process arguments, inserting `run` when the first argument is
/// not a subcommand, and `--` before the module so that everything after it
/// (`-h` included) reaches the guest untouched. Called as
/// [`binfmt::INTERPRETER`] (the link the kernel runs), it is
/// `capwasi binfmt exec PROGRAM ARGV0 ARGS...`.
pub fn parse(mut argv: Vec<OsString>) -> Result<Cli, clap::Error> {
    let called_as = argv.first().map(std::path::Path::new).and_then(|p| p.file_name());
    // Built once: finding the module and parsing use the same definition.
    let command = command();
    if called_as.is_some_and(|name| name == binfmt::INTERPRETER) {
        argv.splice(0..1, ["capwasi", "binfmt", "exec", "--"].map(OsString::from));
        return from_argv(command, argv);
    }
    let first = argv.get(1).and_then(|a| a.to_str());
    if first.is_some_and(|f| !SUBCOMMANDS.contains(&f)) {
        argv.insert(1, "run".into());
    }
    if argv.get(1).is_some_and(|a| a == "run")
        && let Some(module_at) = module_position(&command, &argv[2..])
    {
        argv.insert(2 + module_at, "--".into());
    }
    from_argv(command, argv)
}

fn from_argv(mut command: clap::Command, argv: Vec<OsString>) -> Result<Cli, clap::Error> {
    use clap::FromArgMatches;
    let matches = command.try_get_matches_from_mut(argv)?;
    Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut command))
}

/// The index of the module among `run`'s arguments (as `command` defines
/// them): the first token that is neither a flag nor a flag's value. None if
/// there is none, or `--` comes first.
fn module_position(command: &clap::Command, args: &[OsString]) -> Option<usize> {
    let run = command.find_subcommand("run")?;
    let mut i = 0;
    while i < args.len() {
        let token = args[i].to_str()?;
        if token == "--" {
            return None;
        }
        // A flag whose value must follow `=` (--trace, --stats) never takes the next token.
        let takes_value =
            |arg: Option<&clap::Arg>| arg.is_some_and(|a| a.get_action().takes_values() && !a.is_require_equals_set());
        if let Some(long) = token.strip_prefix("--") {
            if !long.contains('=') && takes_value(run.get_arguments().find(|a| a.get_long() == Some(long))) {
                i += 1;
            }
        } else if let Some(short) = token.strip_prefix('-').filter(|s| !s.is_empty()) {
            // `-W KEY=VAL` takes the next token; `-WKEY=VAL` is one.
            let mut chars = short.chars();
            if let (Some(c), None) = (chars.next(), chars.next())
                && takes_value(run.get_arguments().find(|a| a.get_short() == Some(c)))
            {
                i += 1;
            }
        } else {
            return Some(i);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_run(args: &[&str]) -> RunFlags {
        let argv = std::iter::once("capwasi").chain(args.iter().copied()).map(OsString::from).collect();
        match parse(argv).expect("parses").command {
            Command::Run(flags) => *flags,
            other => panic!("not run: {other:?}"),
        }
    }

    #[test]
    fn run_is_the_default_subcommand() {
        let flags = parse_run(&["--dir", ".", "demo.wasm", "a", "b"]);
        assert_eq!(flags.module, Some(PathBuf::from("demo.wasm")));
        assert_eq!(flags.args, vec![OsString::from("a"), OsString::from("b")]);
        assert_eq!(flags.dirs, vec!["."]);
    }

    #[test]
    fn everything_after_the_module_reaches_the_guest() {
        let flags = parse_run(&["run", "demo.wasm", "--dir", "x", "-h", "--env=A"]);
        assert_eq!(flags.args, ["--dir", "x", "-h", "--env=A"].map(OsString::from));
        assert!(flags.dirs.is_empty());
    }

    #[test]
    fn wasmtimes_short_options_take_a_value_before_the_module() {
        let flags = parse_run(&["run", "-W", "max-wasm-stack=8388608", "-Sinherit-env", "m.wasm", "-W", "x"]);
        assert_eq!(flags.module, Some(PathBuf::from("m.wasm")));
        assert_eq!(flags.args, ["-W", "x"].map(OsString::from));
        assert_eq!(format!("{:?}", (flags.wasm, flags.wasi)), "([[-W max-wasm-stack=8388608]], [[-S inherit-env]])");
    }

    #[test]
    fn called_as_the_binfmt_interpreter_it_runs_the_program_it_is_given() {
        let argv = ["/usr/bin/capwasi-binfmt", "/tmp/hello.wasm", "./hello.wasm", "--help"];
        let cli = parse(argv.iter().map(OsString::from).collect()).expect("parses");
        assert_eq!(
            format!("{:?}", cli.command),
            r#"Binfmt(Exec(ExecFlags { program: "/tmp/hello.wasm", argv0: "./hello.wasm", args: ["--help"] }))"#
        );
    }

    #[test]
    fn flags_with_optional_values_leave_the_module_alone() {
        let flags = parse_run(&["--trace", "--stats", "demo.wasm", "x"]);
        assert_eq!(flags.module, Some(PathBuf::from("demo.wasm")));
        assert_eq!(flags.args, [OsString::from("x")]);
        assert_eq!(flags.stats, [StatsOutput::Table]);
        assert!(flags.trace.is_some());
        let flags = parse_run(&["--stats=json:/tmp/s.json", "--stats", "--trace=fs,clock", "demo.wasm"]);
        assert_eq!(flags.stats, [StatsOutput::Json("/tmp/s.json".into()), StatsOutput::Table]);
    }

    #[test]
    fn fuel_is_a_positive_count() {
        assert_eq!(parse_fuel("1000"), Ok(1000));
        assert_eq!(parse_fuel("10_000_000"), Ok(10_000_000));
        assert!(parse_fuel("0").unwrap_err().contains("no instruction"));
        for bad in ["", "-1", "1e6", "lots", "_1"] {
            assert!(parse_fuel(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn print_policy_needs_no_module() {
        let flags = parse_run(&["run", "--print-policy", "--dir", "."]);
        assert_eq!(flags.module, None);
        assert!(flags.print_policy);
    }

    #[test]
    fn a_wasm_stack_size_is_positive_and_at_most_1g() {
        assert_eq!(parse_stack_size("8M"), Ok(8 << 20));
        assert_eq!(parse_stack_size("1G"), Ok(1 << 30));
        assert!(parse_stack_size("0").is_err());
        assert!(parse_stack_size("2G").is_err());
        assert_eq!(parse_run(&["--max-wasm-stack", "64K", "m.wasm"]).max_wasm_stack, Some(65536));
    }

    #[test]
    fn the_default_policy_preopens_the_current_directory_and_capwasi_env_names() {
        let exec = |argv0: &str| ExecFlags { program: "p.wasm".into(), argv0: argv0.into(), args: vec!["-x".into()] };
        let flags = exec_flags(exec("./p.wasm"), |_| None).unwrap();
        assert_eq!((flags.dirs, flags.envs, flags.argv0), (vec![".".into()], vec![], Some("./p.wasm".into())));
        assert_eq!(flags.args, ["-x"]);
        let env = |k: &str| (k == binfmt::ENV_VAR).then(|| "HOME, LANG,,".to_string());
        assert_eq!(exec_flags(exec("p"), env).unwrap().envs, ["HOME", "LANG"]);
        assert!(exec_flags(exec("p"), |_| Some("A=1".into())).is_err());
    }
}
