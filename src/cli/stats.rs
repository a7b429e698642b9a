//! `--stats`: what a run cost, as a table on stderr or as JSON
//! (`--stats=json:PATH`). The per-call and per-descriptor counts and the peak
//! memory come from the guest's context (`WasiCtx::stats`), the fuel from the
//! store, the times from `run.rs`.

use std::fmt::Write as _;
use std::time::Duration;

use capwasi::stats::{DescriptorKind, Stats};
use serde_json::json;

use super::cache::Origin;

/// What one run cost.
#[derive(Debug)]
pub struct Report {
    /// Where the module's code came from, and how long getting it took.
    pub origin: Origin,
    pub load: Duration,
    pub instantiate: Duration,
    pub run: Duration,
    /// The fuel budget and how much of it the guest used, when there was one.
    pub fuel: Option<(u64, u64)>,
    /// The context's counts.
    pub wasi: Stats,
}

impl Report {
    fn load_label(&self) -> &'static str {
        match self.origin {
            Origin::Compiled => "compile",
            Origin::Cached => "load (cache hit)",
            Origin::Precompiled => "load (precompiled)",
            Origin::Winch => "compile (winch)",
        }
    }

    /// The table `--stats` prints on stderr.
    pub fn table(&self) -> String {
        let ms = |d: Duration| format!("{:.3} ms", d.as_secs_f64() * 1e3);
        let mut out = String::from("capwasi: stats\n");
        let mut row = |name: &str, value: String| {
            let _ = writeln!(out, "  {name:<20} {value}");
        };
        row(self.load_label(), ms(self.load));
        row("instantiate", ms(self.instantiate));
        row("run", ms(self.run));
        if let Some((budget, used)) = self.fuel {
            row("fuel", format!("{used} of {budget}"));
        }
        row("peak memory", format!("{} bytes", self.wasi.peak_memory()));
        // The name column fits the longest name called (`fd_fdstat_set_rights`,
        // `cwa::runtime_spec_major`), so that the columns stay aligned.
        let calls: Vec<_> = self.wasi.calls().collect();
        let width = calls.iter().map(|(name, _)| name.len()).max().unwrap_or(0).max(18);
        let heading = width + 2;
        let _ = writeln!(out, "  {:<heading$} {:>14} {:>14}", "bytes", "read", "written");
        for kind in DescriptorKind::ALL {
            let bytes = self.wasi.bytes(kind);
            let _ = writeln!(out, "    {:<width$} {:>14} {:>14}", kind.name(), bytes.read, bytes.written);
        }
        let _ = writeln!(out, "  {:<heading$} {:>14} {:>14} {:>14}", "calls", "count", "errors", "host ms");
        for (name, calls) in calls {
            let host = format!("{:.3}", calls.host_time.as_secs_f64() * 1e3);
            let _ = writeln!(out, "    {name:<width$} {:>14} {:>14} {host:>14}", calls.count, calls.errors);
        }
        out
    }

    /// The same numbers as JSON, times in nanoseconds.
    pub fn json(&self) -> serde_json::Value {
        let ns = |d: Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        let bytes: serde_json::Map<_, _> = DescriptorKind::ALL
            .iter()
            .map(|&kind| {
                let b = self.wasi.bytes(kind);
                (kind.name().to_string(), json!({"read": b.read, "written": b.written}))
            })
            .collect();
        let calls: serde_json::Map<_, _> = self
            .wasi
            .calls()
            .map(|(name, c)| {
                (name.to_string(), json!({"count": c.count, "errors": c.errors, "host_ns": ns(c.host_time)}))
            })
            .collect();
        json!({
            "module": match self.origin {
                Origin::Compiled => "compiled",
                Origin::Cached => "cache hit",
                Origin::Precompiled => "precompiled",
                Origin::Winch => "compiled by winch",
            },
            "load_ns": ns(self.load),
            "instantiate_ns": ns(self.instantiate),
            "run_ns": ns(self.run),
            "fuel": self.fuel.map(|(budget, used)| json!({"budget": budget, "consumed": used})),
            "peak_memory_bytes": self.wasi.peak_memory(),
            "bytes": bytes,
            "calls": calls,
        })
    }
}
