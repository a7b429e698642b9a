//! `--trace`: one line per preview1 call on stderr, as the guest made it and
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

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Prints preview1 calls to stderr.
#[derive(Default)]
pub struct CallTrace {
    next_id: AtomicU64,
    /// Open spans: the function each one is for, and whether its call line is out.
    spans: Mutex<HashMap<u64, (String, bool)>>,
    /// The span being executed (guests are single-threaded).
    current: Mutex<Vec<u64>>,
}

/// Installs the trace for the rest of the process.
pub fn install() {
    let _ = tracing::subscriber::set_global_default(CallTrace::default());
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
            name => self.push(name, &text),
        }
    }
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
        self.spans.lock().unwrap_or_else(|e| e.into_inner()).insert(id, (function, false));
        Id::from_u64(id)
    }

    fn record(&self, _span: &Id, _values: &Record<'_>) {}

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let Some(&id) = self.current.lock().unwrap_or_else(|e| e.into_inner()).last() else {
            return;
        };
        let mut spans = self.spans.lock().unwrap_or_else(|e| e.into_inner());
        let Some((function, announced)) = spans.get_mut(&id) else {
            return;
        };
        let mut stderr = std::io::stderr().lock();
        match fields.result {
            None => {
                let _ = writeln!(stderr, "==> {function}({})", fields.args);
                *announced = true;
            }
            Some(result) => {
                if !*announced {
                    let _ = writeln!(stderr, "==> {function}()");
                }
                let _ = writeln!(stderr, "<== {function}: {result}");
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
