//! `--trace`: one line per preview1 call (and Dagger or CommonWA call, named
//! `dagger::open`, `cwa::resource_read`) on stderr, as the guest made it and
//! as it returned:
//!
//! ```text
//! ==> fd_write(fd=Fd(1), iovs=GuestPtr { pointer: (1024, 1) })
//! <== fd_write: Ok(13)
//! ==> path_open(fd=Fd(3), ...)
//! <== path_open: errno=NOENT
//! ```
//!
//! wiggle's generated bindings emit a `tracing` span per call with an event
//! for the arguments and one for the result; this subscriber prints them.
//! Without `--trace` no subscriber is installed and the events cost one
//! relaxed atomic load each.
//!
//! `--trace=fs,clock` prints only the calls of those families (see
//! [`Family`]); `--trace-file PATH` writes the lines to PATH, at most
//! `--trace-max` bytes of them ([`DEFAULT_TRACE_MAX`]), then a line saying the
//! trace was cut.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// The preview1 function families `--trace=FAMILIES` selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `fd_*` and `path_*`: files, directories and stdio.
    Fs,
    /// `clock_*`.
    Clock,
    /// `poll_oneoff`.
    Poll,
    /// `proc_exit`, `proc_raise`, `sched_yield`.
    Proc,
    /// `random_get`.
    Random,
    /// `sock_*`.
    Sock,
    /// `args_*` and `environ_*`.
    Args,
    /// Dagger's calls (`dagger::*`).
    Dagger,
    /// CommonWA's calls (`cwa::*`).
    Cwa,
}

impl Family {
    const ALL: [(Family, &'static str); 9] = [
        (Family::Fs, "fs"),
        (Family::Clock, "clock"),
        (Family::Poll, "poll"),
        (Family::Proc, "proc"),
        (Family::Random, "random"),
        (Family::Sock, "sock"),
        (Family::Args, "args"),
        (Family::Dagger, "dagger"),
        (Family::Cwa, "cwa"),
    ];

    /// The family of function `name` (preview1's, or `dagger::*`, `cwa::*`).
    pub fn of(name: &str) -> Option<Family> {
        match name.split_once("::") {
            Some(("dagger", _)) => return Some(Family::Dagger),
            Some(("cwa", _)) => return Some(Family::Cwa),
            _ => {}
        }
        let (prefix, _) = name.split_once('_')?;
        Some(match prefix {
            "fd" | "path" => Family::Fs,
            "clock" => Family::Clock,
            "poll" => Family::Poll,
            "proc" | "sched" => Family::Proc,
            "random" => Family::Random,
            "sock" => Family::Sock,
            "args" | "environ" => Family::Args,
            _ => return None,
        })
    }
}

/// A set of [`Family`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Families(u16);

impl Families {
    /// Every family.
    pub const ALL: Families = Families(0x1ff);

    pub fn contains(self, family: Family) -> bool {
        self.0 & (1 << family as u16) != 0
    }
}

/// `all`, or a comma-separated list of family names (`fs,clock`).
pub fn parse_families(text: &str) -> Result<Families, String> {
    if text == "all" {
        return Ok(Families::ALL);
    }
    let names = || Family::ALL.iter().map(|(_, name)| *name).collect::<Vec<_>>().join(", ");
    let mut set = 0;
    for name in text.split(',') {
        let (family, _) = Family::ALL
            .iter()
            .find(|(_, known)| *known == name.trim())
            .ok_or_else(|| format!("'{name}' is not a family of functions; families: {}", names()))?;
        set |= 1 << *family as u16;
    }
    Ok(Families(set))
}

/// Prints preview1 calls of the chosen families.
pub struct CallTrace {
    families: Families,
    out: Mutex<Output>,
    next_id: AtomicU64,
    /// Open spans: the function each one is for, whether it is shown, and
    /// whether its call line is out.
    spans: Mutex<HashMap<u64, Span>>,
    /// The span being executed (guests are single-threaded).
    current: Mutex<Vec<u64>>,
}

struct Span {
    function: String,
    shown: bool,
    announced: bool,
}

/// How many bytes `--trace-file` takes before it is cut, without `--trace-max`.
pub const DEFAULT_TRACE_MAX: u64 = 64 << 20;

/// Where the lines go: stderr, or a file that takes at most `remaining` more
/// bytes, then one line saying it was cut.
struct Output {
    out: Box<dyn Write + Send>,
    /// Bytes the file may still take (`None`: stderr, unbounded).
    remaining: Option<u64>,
    max: u64,
}

impl Output {
    /// Writes one line (`text` and a newline), whole or not at all.
    fn line(&mut self, text: std::fmt::Arguments<'_>) {
        let mut line = text.to_string();
        line.push('\n');
        match &mut self.remaining {
            None => {}
            Some(0) => return,
            Some(left) if line.len() as u64 <= *left => *left -= line.len() as u64,
            Some(left) => {
                *left = 0;
                line = format!("capwasi: trace cut here: the file reached --trace-max ({} bytes)\n", self.max);
            }
        }
        // Each line at once, so that nothing is lost however the process ends.
        let _ = self.out.write_all(line.as_bytes());
    }
}

/// Installs the trace of `families` for the rest of the process, writing to
/// `file` (at most `max` bytes, else [`DEFAULT_TRACE_MAX`]; opened now, before
/// any guest runs, by [`super::outfile::create`]), else to stderr.
pub fn install(families: Families, file: Option<&std::path::Path>, max: Option<u64>) -> Result<(), String> {
    let max = max.unwrap_or(DEFAULT_TRACE_MAX);
    let out = match file {
        Some(path) => Output { out: Box::new(super::outfile::create(path)?), remaining: Some(max), max },
        None => Output { out: Box::new(std::io::stderr()), remaining: None, max },
    };
    capwasi::trace::trace_guest_strings();
    let trace = CallTrace {
        families,
        out: Mutex::new(out),
        next_id: AtomicU64::new(0),
        spans: Mutex::default(),
        current: Mutex::default(),
    };
    let _ = tracing::subscriber::set_global_default(trace);
    Ok(())
}

#[derive(Default)]
struct Fields {
    function: Option<String>,
    result: Option<String>,
    args: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "function" => self.function = Some(value.to_string()),
            "module" => {}
            name => self.push(name, value),
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let text = format!("{value:?}");
        match field.name() {
            "result" => self.result = Some(errno_name(&text).unwrap_or(text)),
            // Preview1's paths; Dagger's and CommonWA's URLs, keys and log texts.
            name @ ("path" | "old_path" | "new_path" | "url" | "key" | "text") => {
                self.push(name, &guest_string(&text).unwrap_or(text))
            }
            name => self.push(name, &text),
        }
    }
}

/// How many bytes of a string argument the trace shows.
const STRING_MAX: usize = 256;

/// The string a `*guest 0xPTR/LEN` argument (wiggle's form of a string
/// argument) points at, quoted as strace does: `"a/b"`, control characters
/// and bytes that are not UTF-8 escaped (`\n`, `\x01`, `\xff`), cut after
/// [`STRING_MAX`] bytes with `...`; one out of the guest's memory reads `*guest 0xPTR/LEN (out of
/// bounds)`. None if `text` is not a guest string or this is not inside a call.
fn guest_string(text: &str) -> Option<String> {
    use capwasi::trace::{GuestBytes, guest_bytes};
    let (ptr, len) = text.strip_prefix("*guest 0x")?.split_once('/')?;
    let (ptr, len) = (u32::from_str_radix(ptr, 16).ok()?, len.parse::<u32>().ok()?);
    let bytes = match guest_bytes(ptr, len, STRING_MAX) {
        GuestBytes::Unknown => return None,
        GuestBytes::OutOfBounds => return Some(format!("{text} (out of bounds)")),
        GuestBytes::Bytes(bytes) => bytes,
    };
    let mut quoted = String::with_capacity(bytes.len() + 2);
    quoted.push('"');
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => quoted.push_str("\\\""),
                '\\' => quoted.push_str("\\\\"),
                '\n' => quoted.push_str("\\n"),
                '\t' => quoted.push_str("\\t"),
                '\r' => quoted.push_str("\\r"),
                c if c.is_ascii_control() => {
                    let _ = write!(quoted, "\\x{:02x}", c as u32);
                }
                c if c.is_control() => {
                    let _ = write!(quoted, "\\u{{{:x}}}", c as u32);
                }
                c => quoted.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(quoted, "\\x{b:02x}");
        }
    }
    quoted.push('"');
    if len as usize > bytes.len() {
        quoted.push_str("...");
    }
    Some(quoted)
}

/// `Err(Error { inner: Noent })` reads as `errno=NOENT`.
fn errno_name(result: &str) -> Option<String> {
    let name = result.strip_prefix("Err(Error { inner: ")?.strip_suffix(" })")?;
    name.chars().all(|c| c.is_ascii_alphanumeric()).then(|| format!("errno={}", name.to_ascii_uppercase()))
}

impl Fields {
    fn push(&mut self, name: &str, value: &str) {
        if !self.args.is_empty() {
            self.args.push_str(", ");
        }
        let _ = write!(self.args, "{name}={value}");
    }
}

impl Subscriber for CallTrace {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("capwasi")
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = Fields::default();
        span.record(&mut fields);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let function = fields.function.unwrap_or_else(|| span.metadata().name().to_string());
        let shown = Family::of(&function).is_none_or(|family| self.families.contains(family));
        self.spans.lock().unwrap_or_else(|e| e.into_inner()).insert(id, Span { function, shown, announced: false });
        Id::from_u64(id)
    }

    fn record(&self, _span: &Id, _values: &Record<'_>) {}

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let Some(&id) = self.current.lock().unwrap_or_else(|e| e.into_inner()).last() else {
            return;
        };
        let mut spans = self.spans.lock().unwrap_or_else(|e| e.into_inner());
        // A call of a family not traced is not formatted at all.
        let Some(span) = spans.get_mut(&id).filter(|span| span.shown) else {
            return;
        };
        let mut fields = Fields::default();
        event.record(&mut fields);
        let function = &span.function;
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        match fields.result {
            None => {
                out.line(format_args!("==> {function}({})", fields.args));
                span.announced = true;
            }
            Some(result) => {
                if !span.announced {
                    out.line(format_args!("==> {function}()"));
                }
                out.line(format_args!("<== {function}: {result}"));
            }
        }
    }

    fn enter(&self, span: &Id) {
        self.current.lock().unwrap_or_else(|e| e.into_inner()).push(span.into_u64());
    }

    fn exit(&self, _span: &Id) {
        self.current.lock().unwrap_or_else(|e| e.into_inner()).pop();
    }

    fn try_close(&self, span: Id) -> bool {
        self.spans.lock().unwrap_or_else(|e| e.into_inner()).remove(&span.into_u64());
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preview1_function_has_a_family() {
        for name in capwasi::stats::FUNCTIONS {
            assert!(Family::of(name).is_some(), "{name}");
        }
        assert_eq!(Family::of("sched_yield"), Some(Family::Proc));
        assert_eq!(Family::of("environ_get"), Some(Family::Args));
        for name in capwasi::stats::URL_FUNCTIONS {
            let family = if name.starts_with("dagger::") { Family::Dagger } else { Family::Cwa };
            assert_eq!(Family::of(name), Some(family), "{name}");
        }
    }

    #[test]
    fn families_are_named_in_a_list() {
        let set = parse_families("fs,clock").unwrap();
        assert!(set.contains(Family::Fs) && set.contains(Family::Clock) && !set.contains(Family::Sock));
        assert_eq!(parse_families("all"), Ok(Families::ALL));
        let all = parse_families("fs,clock,poll,proc,random,sock,args,dagger,cwa").unwrap();
        assert_eq!(all, Families::ALL);
        assert!(parse_families("fs,files").unwrap_err().contains("'files' is not a family"));
        assert!(parse_families("").is_err());
    }
}
