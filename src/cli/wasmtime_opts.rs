//! `wasmtime run`'s `-W` (wasm) and `-S` (WASI) options, as `capwasi run` takes
//! them, so command lines written for wasmtime (Go's `go_wasip1_wasm_exec`, CI
//! scripts) run unchanged.
//!
//! [`OPTIONS`] lists every option wasmtime 48 has (`wasmtime run -W help`,
//! `-S help`), each with what capwasi does with it:
//! - it sets one of capwasi's own flags (`-W max-wasm-stack=N` is `--max-wasm-stack N`);
//! - it changes nothing for a preview1 module (under wasmtime either): accepted
//!   and ignored, with no output (`-S cli`, `-S preview2=n`, component-model options);
//! - it is a yes/no setting capwasi always has one way: that value is accepted
//!   and ignored, the other refused (`-W simd=y` accepted, `-W simd=n` refused);
//! - capwasi has no equivalent: refused.
//!
//! A refused or unknown option is a usage error (exit 2) naming the option.
//! Values follow wasmtime's syntax: `KEY[=VAL][,KEY[=VAL]...]`; a yes/no value
//! is empty, `y`, `yes`, `true`, `n`, `no` or `false`; a number is decimal or
//! `0x` hexadecimal, `_` allowed between digits. `-W help` and `-S help` print
//! the table. The options apply after capwasi's own flags, in order, so a
//! later one wins, as in wasmtime.

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::time::Duration;

use capwasi::limits::parse_duration;
use clap::builder::TypedValueParser;
use clap::error::{Error, ErrorKind};

use super::model::{check_stack_size, parse_fuel};

/// wasmtime's two option groups `capwasi run` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// `-W` / `--wasm`: the wasm engine.
    Wasm,
    /// `-S` / `--wasi`: the WASI host.
    Wasi,
}

impl Group {
    fn short(self) -> char {
        match self {
            Group::Wasm => 'W',
            Group::Wasi => 'S',
        }
    }
}

/// The value an option takes after `=`.
#[derive(Clone, Copy, Debug)]
enum Value {
    /// `[=y|n]`: nothing (yes), y/yes/true or n/no/false.
    Bool,
    /// `=N`: a number.
    Number,
    /// `=TEXT`, named for the help (`ADDR:PORT`).
    Text(&'static str),
}

/// A parsed value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parsed {
    Bool(bool),
    Number(u64),
    Text(String),
}

/// The capwasi flag an option's value sets; the error says why the value cannot be used.
type Setter = fn(&Parsed) -> Result<Assign, String>;

/// What one `-W`/`-S` option asks of capwasi's own flags: the value of the flag
/// it stands for (`config.rs` sets it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Assign {
    /// `--fuel N`.
    Fuel(u64),
    /// `--max-wasm-stack N`.
    MaxWasmStack(usize),
    /// `--trap-unknown-imports`.
    TrapUnknownImports(bool),
    /// `--max-memory N`.
    MaxMemory(u64),
    /// `--timeout DURATION`.
    Timeout(Duration),
    /// `--listenfd`.
    Listenfd(bool),
    /// `--tcplisten ADDR:PORT` (one more).
    Tcplisten(String),
    /// `--inherit-env`.
    InheritEnv(bool),
}

/// What capwasi does with one option.
#[derive(Clone, Copy)]
enum Meaning {
    /// Sets capwasi's flag `flag` (as the table shows it).
    Flag { flag: &'static str, set: Setter },
    /// Changes nothing for a preview1 module: accepted and ignored. The text says why.
    Ignored(&'static str),
    /// A yes/no setting capwasi always has at `value`: that value is accepted
    /// and ignored, the other refused for the reason given.
    Fixed { value: bool, why: &'static str },
    /// No equivalent in capwasi: refused for the reason given.
    Refused(&'static str),
}

/// One of wasmtime's `-W`/`-S` options.
pub struct WasmtimeOption {
    group: Group,
    /// wasmtime's name (`max-wasm-stack`).
    name: &'static str,
    value: Value,
    meaning: Meaning,
}

/// One option as given, with its value, for a [`Meaning::Flag`]: what the
/// command line asks of capwasi's flags.
#[derive(Clone)]
pub struct Setting {
    option: &'static WasmtimeOption,
    value: Parsed,
    /// As written (`max-wasm-stack=8388608`), for error messages.
    text: String,
}

impl std::fmt::Debug for Setting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "-{} {}", self.option.group.short(), self.text)
    }
}

/// What `settings` ask of capwasi's flags, in order (a later one wins).
pub fn assignments(settings: &[Setting]) -> Result<Vec<Assign>, String> {
    let mut assigned = Vec::new();
    for setting in settings {
        if let Meaning::Flag { set, .. } = setting.option.meaning {
            assigned.push(set(&setting.value).map_err(|why| format!("{setting:?}: {why}"))?);
        }
    }
    Ok(assigned)
}

/// Parses one `-W`/`-S` value (`KEY[=VAL][,...]`) into the settings it makes,
/// refusing unknown and unsupported options.
fn parse_group(group: Group, text: &str) -> Result<Vec<Setting>, String> {
    let mut settings = Vec::new();
    for item in text.split(',') {
        let (key, value) = match item.split_once('=') {
            Some((key, value)) => (key, Some(value)),
            None => (item, None),
        };
        let short = group.short();
        let option = OPTIONS.iter().find(|o| o.group == group && o.name == key).ok_or_else(|| {
            format!("unknown -{short} option `{key}` (`capwasi run -{short} help` lists wasmtime's -{short} options)")
        })?;
        let parsed = parse_value(option.value, value).map_err(|why| format!("-{short} {item}: {why}"))?;
        match (option.meaning, &parsed) {
            (Meaning::Flag { .. }, _) => settings.push(Setting { option, value: parsed, text: item.to_string() }),
            (Meaning::Ignored(_), _) => {}
            (Meaning::Fixed { value, .. }, Parsed::Bool(asked)) if *asked == value => {}
            (Meaning::Fixed { why, .. } | Meaning::Refused(why), _) => {
                return Err(format!("-{short} {item} is not supported: {why}"));
            }
        }
    }
    Ok(settings)
}

fn parse_value(kind: Value, value: Option<&str>) -> Result<Parsed, String> {
    match (kind, value) {
        (Value::Bool, None | Some("y" | "yes" | "true")) => Ok(Parsed::Bool(true)),
        (Value::Bool, Some("n" | "no" | "false")) => Ok(Parsed::Bool(false)),
        (Value::Bool, Some(other)) => Err(format!("`{other}` is not y, yes, true, n, no or false")),
        (Value::Number, Some(text)) => parse_number(text).map(Parsed::Number),
        (Value::Text(_), Some(text)) => Ok(Parsed::Text(text.to_string())),
        (Value::Number | Value::Text(_), None) => Err("a value is required (KEY=VALUE)".into()),
    }
}

/// A number as wasmtime reads one: decimal or `0x` hexadecimal, `_` between digits allowed.
fn parse_number(text: &str) -> Result<u64, String> {
    let digits = text.replace('_', "");
    let number = match digits.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => digits.parse(),
    };
    number.map_err(|_| format!("`{text}` is not a number (decimal, or hexadecimal after 0x; no unit suffix)"))
}

/// The clap value parser of `-W` (`Group::Wasm`) or `-S` (`Group::Wasi`).
/// `help` (and `help-long`) prints the group's table and exits successfully.
#[derive(Clone)]
pub struct GroupParser(pub Group);

impl TypedValueParser for GroupParser {
    type Value = Vec<Setting>;

    fn parse_ref(&self, cmd: &clap::Command, _arg: Option<&clap::Arg>, value: &OsStr) -> Result<Vec<Setting>, Error> {
        let text = value
            .to_str()
            .ok_or_else(|| Error::raw(ErrorKind::InvalidUtf8, "a -W/-S option is not valid UTF-8\n").with_cmd(cmd))?;
        if text == "help" || text == "help-long" {
            // As wasmtime: the table, then exit, whatever else the command line holds.
            print_lossy!("{}", help_text(self.0));
            std::process::exit(0);
        }
        parse_group(self.0, text).map_err(|why| Error::raw(ErrorKind::InvalidValue, format!("{why}\n")).with_cmd(cmd))
    }
}

/// What capwasi does with an option, as one line of prose.
fn describe(option: &WasmtimeOption, markdown: bool) -> String {
    let code = |text: &str| if markdown { format!("`{text}`") } else { text.to_string() };
    match option.meaning {
        Meaning::Flag { flag, .. } => match option.value {
            Value::Bool => format!("{}; {} turns it off", code(flag), code("=n")),
            _ => code(flag),
        },
        Meaning::Ignored(why) => format!("accepted and ignored: {why}"),
        Meaning::Fixed { value, why } => {
            let (yes, no) = if value { ("=y", "=n") } else { ("=n", "=y") };
            format!("{} accepted and ignored; {} refused: {why}", code(yes), code(no))
        }
        Meaning::Refused(why) => format!("refused: {why}"),
    }
}

fn spelled(option: &WasmtimeOption, markdown: bool) -> String {
    let value = match option.value {
        Value::Bool if markdown => r"[=y\|n]".to_string(),
        Value::Bool => "[=y|n]".to_string(),
        Value::Number => "=N".to_string(),
        Value::Text(name) => format!("={name}"),
    };
    format!("-{} {}{value}", option.group.short(), option.name)
}

/// `capwasi run -W help` / `-S help`.
fn help_text(group: Group) -> String {
    let options: Vec<_> = OPTIONS.iter().filter(|o| o.group == group).collect();
    let width = options.iter().map(|o| spelled(o, false).len()).max().unwrap_or(0);
    let mut text =
        format!("wasmtime's -{} options, as capwasi run takes them (KEY[=VAL][,KEY[=VAL]...]):\n\n", group.short());
    for option in options {
        let _ = writeln!(text, "  {:width$}  {}", spelled(option, false), describe(option, false));
    }
    text
}

/// A markdown table of the options `keep` selects and what capwasi does with each.
#[cfg(test)]
fn markdown_table(keep: impl Fn(&WasmtimeOption) -> bool) -> String {
    let mut table = String::from("| wasmtime option | capwasi |\n|---|---|\n");
    for option in OPTIONS.iter().filter(|o| keep(o)) {
        let _ = writeln!(table, "| `{}` | {} |", spelled(option, true), describe(option, true));
    }
    table
}

const fn flag(group: Group, name: &'static str, value: Value, flag: &'static str, set: Setter) -> WasmtimeOption {
    WasmtimeOption { group, name, value, meaning: Meaning::Flag { flag, set } }
}
const fn ignored(group: Group, name: &'static str, value: Value, why: &'static str) -> WasmtimeOption {
    WasmtimeOption { group, name, value, meaning: Meaning::Ignored(why) }
}
const fn fixed(group: Group, name: &'static str, value: bool, why: &'static str) -> WasmtimeOption {
    WasmtimeOption { group, name, value: Value::Bool, meaning: Meaning::Fixed { value, why } }
}
const fn refused(group: Group, name: &'static str, value: Value, why: &'static str) -> WasmtimeOption {
    WasmtimeOption { group, name, value, meaning: Meaning::Refused(why) }
}
/// A wasm proposal: capwasi keeps wasmtime's default wasm features, so the
/// default is accepted and the other value refused.
const fn feature(name: &'static str, default: bool) -> WasmtimeOption {
    let why = if default {
        "capwasi runs with wasmtime's default wasm features, which include it"
    } else {
        "capwasi runs with wasmtime's default wasm features, which leave it off"
    };
    fixed(W, name, default, why)
}

fn number(value: &Parsed) -> u64 {
    match value {
        Parsed::Number(n) => *n,
        _ => unreachable!("the table gives this option a number"),
    }
}
fn yes(value: &Parsed) -> bool {
    matches!(value, Parsed::Bool(true))
}
/// wasmtime's DURATION: a number of seconds, or a number with `s`, `ms`, `us`
/// or `ns` (`2`, `2s`, `100ms`).
fn duration(text: &str) -> Result<Duration, String> {
    let seconds = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    parse_duration(&if seconds { format!("{text}s") } else { text.to_string() })
}
fn text(value: &Parsed) -> String {
    match value {
        Parsed::Text(text) => text.clone(),
        _ => unreachable!("the table gives this option a text value"),
    }
}

use Group::{Wasi as S, Wasm as W};
use Value::{Bool, Number, Text};

const COMPONENTS: &str = "it applies to components; capwasi runs preview1 modules";
const PREVIEW2_SOCKETS: &str = "wasi:sockets options; a preview1 program cannot open sockets of its own";
const ASYNC: &str = "capwasi runs guests synchronously; the guest's stack follows --max-wasm-stack";

/// Every option of `wasmtime run -W help` and `-S help` (wasmtime 48), in that order.
pub static OPTIONS: &[WasmtimeOption] = &[
    fixed(W, "nan-canonicalization", false, "capwasi does not canonicalize NaNs"),
    flag(W, "fuel", Number, "--fuel N", |value| Ok(Assign::Fuel(parse_fuel(&number(value).to_string())?))),
    fixed(
        W,
        "epoch-interruption",
        false,
        "capwasi turns epoch interruption on for --timeout (-W timeout) only; alone, it would stop the guest at once",
    ),
    flag(W, "max-wasm-stack", Number, "--max-wasm-stack N", |value| {
        Ok(Assign::MaxWasmStack(check_stack_size(number(value))?))
    }),
    ignored(W, "async-stack-size", Number, ASYNC),
    ignored(W, "async-stack-zeroing", Bool, ASYNC),
    ignored(W, "unknown-exports-allow", Bool, "it applies to components; a module may export anything"),
    flag(W, "unknown-imports-trap", Bool, "--trap-unknown-imports", |value| Ok(Assign::TrapUnknownImports(yes(value)))),
    fixed(W, "unknown-imports-default", false, "capwasi has no default-returning stand-ins for imports"),
    fixed(W, "wmemcheck", false, "capwasi has no wasm memory checker"),
    flag(W, "max-memory-size", Number, "--max-memory N", |value| Ok(Assign::MaxMemory(number(value)))),
    refused(W, "max-table-elements", Number, "tables count toward `--max-memory N`, at 8 bytes an element"),
    refused(W, "max-instances", Number, "capwasi has no limit on instances"),
    refused(W, "max-tables", Number, "capwasi has no limit on tables"),
    refused(W, "max-memories", Number, "capwasi has no limit on memories"),
    fixed(W, "trap-on-grow-failure", false, "in capwasi a failed memory.grow returns -1, as the spec says"),
    flag(W, "timeout", Text("DURATION"), "--timeout DURATION", |value| Ok(Assign::Timeout(duration(&text(value))?))),
    refused(W, "all-proposals", Bool, "capwasi runs with wasmtime's default wasm features"),
    feature("bulk-memory", true),
    feature("multi-memory", true),
    feature("multi-value", true),
    feature("reference-types", true),
    feature("simd", true),
    feature("relaxed-simd", true),
    fixed(W, "relaxed-simd-deterministic", false, "capwasi runs relaxed SIMD as the host CPU does"),
    feature("tail-call", true),
    feature("threads", false),
    feature("shared-memory", false),
    feature("shared-everything-threads", false),
    feature("memory64", true),
    ignored(W, "component-model", Bool, COMPONENTS),
    ignored(W, "component-model-async", Bool, COMPONENTS),
    ignored(W, "component-model-more-async-builtins", Bool, COMPONENTS),
    ignored(W, "component-model-async-stackful", Bool, COMPONENTS),
    ignored(W, "component-model-threading", Bool, COMPONENTS),
    ignored(W, "component-model-error-context", Bool, COMPONENTS),
    ignored(W, "component-model-gc", Bool, COMPONENTS),
    ignored(W, "component-model-map", Bool, COMPONENTS),
    ignored(W, "component-model-memory64", Bool, COMPONENTS),
    feature("function-references", true),
    feature("stack-switching", false),
    feature("gc", true),
    feature("custom-page-sizes", false),
    feature("wide-arithmetic", false),
    ignored(W, "branch-hinting", Bool, "hints only lay out compiled code; they never change what a program does"),
    feature("extended-const", true),
    feature("exceptions", true),
    feature("gc-support", true),
    ignored(W, "component-model-fixed-length-lists", Bool, COMPONENTS),
    ignored(W, "component-model-implements", Bool, COMPONENTS),
    ignored(W, "concurrency-support", Bool, COMPONENTS),
    fixed(S, "cli", true, "capwasi always provides wasi_snapshot_preview1"),
    ignored(S, "cli-exit-with-code", Bool, COMPONENTS),
    fixed(S, "common", true, "capwasi always provides wasi_snapshot_preview1"),
    fixed(S, "nn", false, "capwasi does not provide wasi-nn"),
    fixed(S, "threads", false, "capwasi does not provide wasi-threads"),
    fixed(S, "http", false, "wasi-http is for components"),
    ignored(S, "http-outgoing-body-buffer-chunks", Number, "wasi-http only"),
    ignored(S, "http-outgoing-body-chunk-size", Number, "wasi-http only"),
    fixed(S, "config", false, "wasi-config is for components"),
    fixed(S, "keyvalue", false, "wasi-keyvalue is for components"),
    flag(S, "listenfd", Bool, "--listenfd", |value| Ok(Assign::Listenfd(yes(value)))),
    flag(S, "tcplisten", Text("ADDR:PORT"), "--tcplisten ADDR:PORT", |value| Ok(Assign::Tcplisten(text(value)))),
    fixed(S, "tls", false, "wasi-tls is for components"),
    ignored(S, "preview2", Bool, "it picks one of wasmtime's preview1 implementations; capwasi is its own"),
    ignored(S, "nn-graph", Text("FORMAT::DIR"), "only wasi-nn (`-S nn`) reads it"),
    ignored(S, "inherit-network", Bool, PREVIEW2_SOCKETS),
    ignored(S, "allow-ip-name-lookup", Bool, PREVIEW2_SOCKETS),
    ignored(S, "tcp", Bool, PREVIEW2_SOCKETS),
    ignored(S, "udp", Bool, PREVIEW2_SOCKETS),
    ignored(S, "network-error-code", Bool, COMPONENTS),
    fixed(S, "preview0", false, "capwasi does not provide the older `wasi_unstable` module"),
    flag(S, "inherit-env", Bool, "--inherit-env", |value| Ok(Assign::InheritEnv(yes(value)))),
    fixed(S, "inherit-stdin", true, "capwasi always hands the guest the host's stdin"),
    fixed(S, "inherit-stdout", true, "capwasi always hands the guest the host's stdout"),
    fixed(S, "inherit-stderr", true, "capwasi always hands the guest the host's stderr"),
    ignored(S, "cwd", Text("DIR"), "a component's initial directory; preview1 has none"),
    ignored(S, "config-var", Text("NAME=VAL"), "wasi-config only"),
    ignored(S, "keyvalue-in-memory-data", Text("NAME=VAL"), "wasi-keyvalue only"),
    ignored(S, "p3", Bool, COMPONENTS),
    refused(S, "max-resources", Number, "capwasi has no such limit (`--max-fds N` caps open descriptors: EMFILE)"),
    ignored(S, "hostcall-fuel", Number, COMPONENTS),
    refused(S, "max-random-size", Number, "capwasi has no limit on random_get's length"),
    ignored(S, "max-http-fields-size", Number, "wasi-http only"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(group: Group, text: &str) -> Result<Vec<String>, String> {
        Ok(parse_group(group, text)?.iter().map(|s| format!("{s:?}")).collect())
    }

    #[test]
    fn a_flag_option_becomes_a_setting_and_ignored_ones_vanish() {
        assert_eq!(settings(W, "max-wasm-stack=8388608").unwrap(), ["-W max-wasm-stack=8388608"]);
        assert_eq!(settings(W, "simd,max-memory-size=65536,component-model=n").unwrap(), ["-W max-memory-size=65536"]);
        assert_eq!(settings(S, "cli,preview2=n,inherit-env").unwrap(), ["-S inherit-env"]);
        assert!(settings(S, "cli=y,common=yes,threads=false,inherit-stdin=true").unwrap().is_empty());
    }

    #[test]
    fn unknown_and_unsupported_options_are_refused_by_name() {
        assert_eq!(
            settings(W, "simd,frobnicate=1").unwrap_err(),
            "unknown -W option `frobnicate` (`capwasi run -W help` lists wasmtime's -W options)"
        );
        assert_eq!(
            settings(W, "threads").unwrap_err(),
            "-W threads is not supported: capwasi runs with wasmtime's default wasm features, which leave it off"
        );
        assert_eq!(
            settings(S, "inherit-stdout=n").unwrap_err(),
            "-S inherit-stdout=n is not supported: capwasi always hands the guest the host's stdout"
        );
        assert!(settings(W, "max-tables=4").unwrap_err().starts_with("-W max-tables=4 is not supported: "));
        // An option of the other group is unknown here.
        assert!(settings(S, "max-wasm-stack=1").unwrap_err().starts_with("unknown -S option `max-wasm-stack`"));
    }

    #[test]
    fn values_follow_wasmtimes_syntax() {
        assert_eq!(parse_number("8388608"), Ok(8 << 20));
        assert_eq!(parse_number("0x800000"), Ok(8 << 20));
        assert_eq!(parse_number("65_536"), Ok(65536));
        assert!(parse_number("8M").is_err());
        assert!(parse_number("0X10").is_err());
        assert_eq!(parse_value(Bool, None), Ok(Parsed::Bool(true)));
        assert_eq!(parse_value(Bool, Some("no")), Ok(Parsed::Bool(false)));
        assert!(parse_value(Bool, Some("1")).is_err());
        assert!(parse_value(Number, None).is_err());
        assert_eq!(
            settings(W, "max-wasm-stack=8M").unwrap_err(),
            "-W max-wasm-stack=8M: `8M` is not a number (decimal, or hexadecimal after 0x; no unit suffix)"
        );
    }

    /// The table keeps wasmtime's option names (each spelled once) and, for the wasm
    /// proposals, the setting capwasi's own engine has.
    #[test]
    fn the_table_matches_capwasis_engine() {
        use wasmtime::WasmFeatures;
        let engine = super::super::run::engine(&capwasi::limits::Limits::new()).unwrap();
        let features = engine.get_wasm_features();
        for option in OPTIONS {
            assert_eq!(OPTIONS.iter().filter(|o| o.group == option.group && o.name == option.name).count(), 1);
            let Meaning::Fixed { value, .. } = option.meaning else { continue };
            let actual = match option.name {
                "nan-canonicalization" => engine.get_cranelift_nan_canonicalization().unwrap_or(false),
                "epoch-interruption" => engine.get_epoch_interruption(),
                "relaxed-simd-deterministic" => engine.get_relaxed_simd_deterministic(),
                "shared-memory" => engine.get_shared_memory(),
                "gc-support" => features.gc_types(),
                name if option.group == W
                    && !["unknown-imports-default", "wmemcheck", "trap-on-grow-failure"].contains(&name) =>
                {
                    let flag = name.replace('-', "_").to_uppercase();
                    let flag = WasmFeatures::from_name(&flag).unwrap_or_else(|| panic!("{name} is not a wasm feature"));
                    features.contains(flag)
                }
                _ => continue,
            };
            assert_eq!(actual, value, "-W {}: capwasi's engine has it {actual}", option.name);
        }
    }

    /// The README shows the options that set a capwasi flag; docs/wasmtime-options.md all of them.
    #[test]
    fn the_docs_show_the_table() {
        let flags = markdown_table(|o| matches!(o.meaning, Meaning::Flag { .. }));
        let readme = include_str!("../../README.md");
        assert!(readme.contains(&flags), "README.md's -W/-S table differs from:\n{flags}");
        let all = markdown_table(|_| true);
        let doc = include_str!("../../docs/wasmtime-options.md");
        assert!(doc.contains(&all), "docs/wasmtime-options.md's table differs from:\n{all}");
    }
}
