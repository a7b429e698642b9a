//! The `capwasi` command line, and the exit-code contract.
//!
//! Each input has its own parser: `flags.rs` (clap, binfmt's argv included),
//! `policy.rs` (a `--policy` file), `wasmtime_opts.rs` (`-W`/`-S`); `config.rs`
//! resolves them into the one configuration model, `model.rs`. The commands
//! (`run.rs`, `binfmt.rs`, `serve/`) consume the model and import no parser;
//! `model.rs` imports none either. This file wires the two sides together.

// capwasi's own output. Rust's `print!` family panics when its stream is closed or
// its reader went away (SIGPIPE is ignored, so a guest's write gets EPIPE instead of
// killing capwasi): the panic would replace the exit status that reports the run with
// 101. These write the same text and drop it if the stream is gone.

/// `println!` to stdout, dropping the text if stdout is closed or broken.
macro_rules! println_lossy {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `print!` to stdout, dropping the text if stdout is closed or broken.
macro_rules! print_lossy {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

/// `eprintln!` to stderr, dropping the text if stderr is closed or broken.
macro_rules! eprintln_lossy {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// `eprint!` to stderr, dropping the text if stderr is closed or broken.
macro_rules! eprint_lossy {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

pub mod binfmt;
pub mod cache;
pub mod cache_auth;
pub mod cache_index;
pub mod cold;
pub mod config;
pub mod flags;
pub mod generate;
pub mod host;
pub mod model;
pub mod outfile;
pub mod policy;
pub mod routes;
pub mod run;
pub mod serve;
pub mod stats;
pub mod test;
pub mod trace;
pub mod wasmtime_opts;

use std::process::ExitCode;

use flags::Command;

/// The exit status of a guest that trapped, as `wasmtime run` uses on Unix
/// (128 + SIGABRT).
pub const EXIT_TRAP: u8 = 134;
/// The exit status when capwasi cannot run the guest.
pub const EXIT_HOST_ERROR: u8 = 1;
/// The exit status of a command-line usage error.
pub const EXIT_USAGE: u8 = 2;
/// The exit status of a guest stopped by `--timeout`, as GNU `timeout(1)` reports one.
pub const EXIT_TIMEOUT: u8 = 124;
/// The exit status of a guest that used up its `--fuel`: 128 + SIGXCPU, as a
/// shell reports a native program killed past its CPU-time limit.
pub const EXIT_FUEL: u8 = 152;
/// The exit status of a guest that trapped after `--max-memory` refused it
/// memory: 128 + SIGKILL, as a shell reports a native program the kernel's
/// out-of-memory killer ended.
pub const EXIT_MEMORY: u8 = 137;
/// The exit status of a guest that trapped after `--max-fds` refused it a
/// descriptor (EMFILE). capwasi's own: no signal stands for it.
pub const EXIT_FDS: u8 = 138;

/// Parses the process arguments and runs; see [`flags::EXIT_CODES`].
pub fn main() -> ExitCode {
    // A trap report shows the guest's wasm backtrace; the host's own stack is noise there.
    wasmtime::error::disable_backtrace();
    let cli = match flags::parse(std::env::args_os().collect()) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(EXIT_USAGE) } else { ExitCode::SUCCESS };
        }
    };
    match cli.command {
        Command::Test(flags) => test::main(flags),
        Command::Run(flags) => run_command(*flags),
        Command::Binfmt(command) => binfmt_command(command),
        Command::Serve(flags) => match model::ServeConfig::resolve(*flags, |k| std::env::var(k).ok()) {
            Ok(config) => serve::main(config),
            Err(e) => {
                eprintln_lossy!("capwasi: {e}");
                ExitCode::from(EXIT_USAGE)
            }
        },
        Command::Completions(flags) => {
            generate::completions(flags.shell);
            ExitCode::SUCCESS
        }
        Command::Man(flags) => match generate::man(flags) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln_lossy!("capwasi: {e}");
                ExitCode::from(EXIT_HOST_ERROR)
            }
        },
        Command::Compile(flags) if flags.into_cache => {
            cold::detach();
            // The filler's failure is nobody's to see: the next run compiles again.
            match run::engine(&capwasi::limits::Limits::new()).and_then(|engine| cache::fill(&engine, &flags.module)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(_) => ExitCode::from(EXIT_HOST_ERROR),
            }
        }
        Command::Compile(flags) => {
            let output = flags.output.unwrap_or_else(|| flags.module.with_extension("cwasm"));
            // Only whether there is a budget or a deadline changes compiled code, not its size.
            let mut limits = capwasi::limits::Limits::new();
            if flags.with_fuel {
                limits = limits.fuel(1);
            }
            if flags.with_timeout {
                limits = limits.timeout(std::time::Duration::from_secs(1));
            }
            match run::engine(&limits).and_then(|engine| cache::compile_to_file(&engine, &flags.module, &output)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln_lossy!("capwasi: {e:#}");
                    ExitCode::from(EXIT_HOST_ERROR)
                }
            }
        }
    }
}

/// `capwasi binfmt ...`: `exec` runs the program as `run` would with the
/// default policy; the others manage the registration.
fn binfmt_command(command: flags::BinfmtCommand) -> ExitCode {
    use flags::BinfmtCommand::*;
    let (action, name) = match command {
        Exec(exec) => {
            return match flags::exec_flags(exec, |k| std::env::var(k).ok()) {
                Ok(flags) => run_command(flags),
                Err(e) => {
                    eprintln_lossy!("capwasi: {e}");
                    ExitCode::from(EXIT_USAGE)
                }
            };
        }
        Install(flags) => (binfmt::Action::Install, flags.name),
        Uninstall(flags) => (binfmt::Action::Uninstall, flags.name),
        Status(flags) => (binfmt::Action::Status, flags.name),
        Print(flags) => (binfmt::Action::Print, flags.name),
    };
    binfmt::main(action, &name)
}

/// `capwasi run` with `flags`: resolve (or print the policy), run, the lines
/// of a limit that ended the run, the stats, and the exit status of the outcome.
fn run_command(mut flags: flags::RunFlags) -> ExitCode {
    if flags.print_policy {
        return match config::resolve_policy(&mut flags, &|k| std::env::var(k).ok()) {
            Ok((policy, _)) => {
                print_lossy!("{}", policy.to_toml());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln_lossy!("capwasi: {e}");
                ExitCode::from(EXIT_USAGE)
            }
        };
    }
    if flags.trace.is_some() || flags.trace_file.is_some() {
        let families = flags.trace.unwrap_or(trace::Families::ALL);
        if let Err(e) = trace::install(families, flags.trace_file.as_deref(), flags.trace_max) {
            eprintln_lossy!("capwasi: --trace-file: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    }
    let config = match model::RunConfig::resolve(flags, |k| std::env::var(k).ok()) {
        Ok(config) => config,
        Err(e) => {
            eprintln_lossy!("capwasi: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let origins = config.origins.clone();
    // Opened before the guest runs, never through a link it planted (outfile.rs).
    let mut outputs = Vec::new();
    for output in &config.stats {
        outputs.push(match output {
            model::StatsOutput::Table => None,
            model::StatsOutput::Json(path) => match outfile::create(path) {
                Ok(file) => Some((path.clone(), file)),
                Err(e) => {
                    eprintln_lossy!("capwasi: --stats=json: {e}");
                    return ExitCode::from(EXIT_USAGE);
                }
            },
        });
    }
    let finished = match run::run(config) {
        Ok(finished) => finished,
        Err(e) => {
            eprintln_lossy!("capwasi: {e:#}");
            return ExitCode::from(EXIT_HOST_ERROR);
        }
    };
    let status = match &finished.outcome {
        run::Outcome::Exited(code) => exit_with(*code),
        run::Outcome::Trapped(trap) => {
            eprintln_lossy!("{}", run::trap_report(trap));
            ExitCode::from(EXIT_TRAP)
        }
        run::Outcome::OutOfFuel(budget) => {
            eprintln_lossy!("capwasi: fuel exhausted after {budget} instructions ({})", origins.fuel);
            ExitCode::from(EXIT_FUEL)
        }
        run::Outcome::Forbidden(forbidden) => {
            eprintln_lossy!("capwasi: {forbidden}");
            ExitCode::from(capwasi::url_abi::FORBIDDEN_EXIT_STATUS as u8)
        }
        run::Outcome::TimedOut(limit) => {
            let limit = capwasi::limits::format_duration(*limit);
            eprintln_lossy!("capwasi: timed out after {limit} ({})", origins.timeout);
            ExitCode::from(EXIT_TIMEOUT)
        }
    };
    for note in &finished.notes {
        eprintln_lossy!("{note}");
    }
    let status = match finished.refused_by {
        Some(run::Refusal::Memory) => ExitCode::from(EXIT_MEMORY),
        Some(run::Refusal::Fds) => ExitCode::from(EXIT_FDS),
        None => status,
    };
    if let Some(report) = &finished.report {
        for output in &outputs {
            match output {
                None => eprint_lossy!("{}", report.table()),
                Some((path, file)) => {
                    let text = format!("{:#}\n", report.json());
                    if let Err(e) = outfile::replace(file, text.as_bytes()) {
                        eprintln_lossy!("capwasi: cannot write --stats=json:{}: {e}", path.display());
                    }
                }
            }
        }
    }
    status
}

/// Exits with the guest's status unchanged. A status a process cannot carry
/// (above 255: the OS would keep its low 8 bits, and 256 would read as
/// success) exits 1, with one line saying so.
fn exit_with(code: i32) -> ExitCode {
    match u8::try_from(code) {
        Ok(code) => ExitCode::from(code),
        Err(_) => {
            eprintln_lossy!("{}", status_too_large(code));
            ExitCode::from(EXIT_HOST_ERROR)
        }
    }
}

/// The line printed for a guest exit status outside 0..=255.
fn status_too_large(code: i32) -> String {
    // proc_exit's status is a u32, carried in I32Exit's i32.
    format!(
        "capwasi: the guest exited with status {}, which an exit status cannot carry (0-255); exiting with 1",
        code as u32
    )
}
