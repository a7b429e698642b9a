//! Reading the programs' output and comparing runs: capwasi against the
//! wasmtime oracle (errnos and results, call by call, then the trees), capwasi
//! against itself without openat2 (everything identical), and the invariants
//! that hold for every run (nothing outside touched, a read-only /v
//! unchanged, no crash).

use std::collections::BTreeMap;

use crate::program::{Arg, Call, Dump, Program, dump_len};
use crate::run::{Mode, Outcome};

/// The first bytes of the canaries, as the programs print memory.
pub const CANARY_HEX: &str = "43414e4152592d66"; // "CANARY-f"

/// One printed line: the call's errno and its dumps.
#[derive(Debug, PartialEq, Eq)]
pub struct Line {
    pub errno: u8,
    pub dumps: Vec<Vec<u8>>,
}

/// The lines of a run, by call index.
pub fn parse(stdout: &str) -> BTreeMap<usize, Line> {
    let mut lines = BTreeMap::new();
    for text in stdout.lines() {
        let mut words = text.split(' ');
        let (Some(index), Some(errno)) = (words.next(), words.next()) else { continue };
        let (Ok(index), Ok(errno)) = (usize::from_str_radix(index, 16), u8::from_str_radix(errno, 16)) else {
            continue;
        };
        let dumps = words.map(hex).collect();
        lines.insert(index, Line { errno, dumps });
    }
    lines
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2).filter_map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()).collect()
}

/// The preview1 errno names, by number.
pub const ERRNO: [&str; 77] = [
    "SUCCESS",
    "2BIG",
    "ACCES",
    "ADDRINUSE",
    "ADDRNOTAVAIL",
    "AFNOSUPPORT",
    "AGAIN",
    "ALREADY",
    "BADF",
    "BADMSG",
    "BUSY",
    "CANCELED",
    "CHILD",
    "CONNABORTED",
    "CONNREFUSED",
    "CONNRESET",
    "DEADLK",
    "DESTADDRREQ",
    "DOM",
    "DQUOT",
    "EXIST",
    "FAULT",
    "FBIG",
    "HOSTUNREACH",
    "IDRM",
    "ILSEQ",
    "INPROGRESS",
    "INTR",
    "INVAL",
    "IO",
    "ISCONN",
    "ISDIR",
    "LOOP",
    "MFILE",
    "MLINK",
    "MSGSIZE",
    "MULTIHOP",
    "NAMETOOLONG",
    "NETDOWN",
    "NETRESET",
    "NETUNREACH",
    "NFILE",
    "NOBUFS",
    "NODEV",
    "NOENT",
    "NOEXEC",
    "NOLCK",
    "NOLINK",
    "NOMEM",
    "NOMSG",
    "NOPROTOOPT",
    "NOSPC",
    "NOSYS",
    "NOTCONN",
    "NOTDIR",
    "NOTEMPTY",
    "NOTRECOVERABLE",
    "NOTSOCK",
    "NOTSUP",
    "NOTTY",
    "NXIO",
    "OVERFLOW",
    "OWNERDEAD",
    "PERM",
    "PIPE",
    "PROTO",
    "PROTONOSUPPORT",
    "PROTOTYPE",
    "RANGE",
    "ROFS",
    "SPIPE",
    "SRCH",
    "STALE",
    "TIMEDOUT",
    "TXTBSY",
    "XDEV",
    "NOTCAPABLE",
];

fn errno_name(e: u8) -> String {
    ERRNO.get(e as usize).map(|s| s.to_string()).unwrap_or_else(|| format!("errno {e}"))
}

/// Which comparison a table of fuzz/ACCEPTED.md is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// capwasi against wasmtime (`| call | capwasi | wasmtime | ...`).
    Wasmtime,
    /// capwasi with openat2 against without (`| call | with openat2 | without openat2 | ...`).
    Route,
}

/// One row of fuzz/ACCEPTED.md: a difference that capwasi keeps on purpose.
#[derive(Debug)]
pub struct Rule {
    pub table: Table,
    pub call: String,
    pub capwasi: String,
    pub wasmtime: String,
    /// The two runs' states part here (later calls are not compared, nor the trees).
    pub diverges: bool,
}

impl Rule {
    /// The call column is a name or `*`, with an optional condition: `(stdio)` when the first
    /// argument is fd 0, 1 or 2, or one of the call's tags (`Call::tags`), e.g. `(hostile)`
    /// when a pointer or length was out of bounds or misaligned.
    fn matches(&self, call: &Call, capwasi: &str, wasmtime: &str) -> bool {
        let m = |pat: &str, v: &str| pat == "*" || pat.split(',').any(|p| p.trim() == v);
        let (name, condition) = match self.call.split_once('(') {
            Some((name, cond)) => (name.trim(), cond.trim_end_matches(')')),
            None => (self.call.as_str(), ""),
        };
        let condition_holds = match condition {
            "" => true,
            "stdio" => matches!(call.args.first(), Some(Arg::I32(0..=2))),
            tag => call.tags.contains(&tag),
        };
        m(name, call.func) && condition_holds && m(&self.capwasi, capwasi) && m(&self.wasmtime, wasmtime)
    }
}

/// The rows of the tables in fuzz/ACCEPTED.md (`| call | capwasi | wasmtime | diverges | why |`
/// and `| call | with openat2 | without openat2 | diverges | why |`).
pub fn rules(markdown: &str) -> Vec<Rule> {
    let mut rules = Vec::new();
    let mut table = Table::Wasmtime;
    for line in markdown.lines() {
        if !line.starts_with('|') {
            continue;
        }
        let cells: Vec<&str> = line.trim().trim_matches('|').split('|').map(|c| c.trim().trim_matches('`')).collect();
        assert_eq!(cells.len(), 5, "fuzz/ACCEPTED.md: a row of other than 5 cells (a `|` in the text?): {line}");
        if cells[0].starts_with("---") {
            continue;
        }
        if cells[0] == "call" {
            table = if cells[1] == "with openat2" { Table::Route } else { Table::Wasmtime };
            continue;
        }
        assert!(cells[4].len() > 10, "fuzz/ACCEPTED.md: the row for {} does not say why", cells[0]);
        rules.push(Rule {
            table,
            call: cells[0].to_string(),
            capwasi: cells[1].to_string(),
            wasmtime: cells[2].to_string(),
            diverges: cells[3] == "yes",
        });
    }
    rules
}

/// What a comparison found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Something outside the sandbox was read or changed.
    Escape,
    /// A capwasi run panicked, died by a signal or hung.
    Crash,
    /// A read-only preopen changed.
    ReadOnlyChanged,
    /// capwasi without openat2 answered differently from capwasi with it.
    Route,
    /// capwasi and wasmtime differ in a way fuzz/ACCEPTED.md does not list.
    Difference,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub kind: Kind,
    pub what: String,
}

/// The verdict on one program.
#[derive(Default)]
pub struct Verdict {
    pub findings: Vec<Finding>,
    /// Calls capwasi made (lines it printed).
    pub calls: usize,
    /// Calls compared with wasmtime before the runs parted.
    pub compared: usize,
    /// Accepted differences met, by rule (the `why` text).
    pub accepted: Vec<String>,
}

/// Compares the four runs of `program`.
pub fn judge(program: &Program, runs: &[(Mode, Outcome)], rules: &[Rule]) -> Verdict {
    let mut v = Verdict::default();
    let get = |m: Mode| runs.iter().find(|(mode, _)| *mode == m).map(|(_, o)| o);

    for (mode, out) in runs {
        let name = mode.name();
        if out.outside_before != out.outside_after {
            let changed: Vec<_> = out
                .outside_after
                .iter()
                .filter(|(k, val)| out.outside_before.get(*k) != Some(*val))
                .map(|(k, val)| format!("{k}: {val}"))
                .chain(
                    out.outside_before
                        .keys()
                        .filter(|k| !out.outside_after.contains_key(*k))
                        .map(|k| format!("{k}: gone")),
                )
                .collect();
            v.findings.push(Finding { kind: Kind::Escape, what: format!("{name}: outside changed: {changed:?}") });
        }
        if out.stdout.contains(CANARY_HEX) {
            v.findings
                .push(Finding { kind: Kind::Escape, what: format!("{name}: the canary's bytes reached the guest") });
        }
        if *mode == Mode::Wasmtime {
            continue;
        }
        if out.timed_out || out.status.is_none() || out.stderr.contains("panicked") {
            let tail: String = out.stderr.lines().rev().take(3).collect::<Vec<_>>().join(" / ");
            v.findings.push(Finding {
                kind: Kind::Crash,
                what: format!("{name}: status {:?}, timed out {}: {tail}", out.status, out.timed_out),
            });
        } else if out.status != Some(0) && out.status != get(Mode::Wasmtime).and_then(|w| w.status) {
            let tail: String = out.stderr.lines().take(2).collect::<Vec<_>>().join(" / ");
            v.findings.push(Finding {
                kind: Kind::Difference,
                what: format!(
                    "{name}: exit {:?} where wasmtime exited {:?}: {tail}",
                    out.status,
                    get(Mode::Wasmtime).and_then(|w| w.status)
                ),
            });
        }
        if out.status == Some(0) && parse(&out.stdout).len() != program.calls.len() {
            v.findings.push(Finding {
                kind: Kind::Difference,
                what: format!("{name}: exit 0 after {} of {} calls", parse(&out.stdout).len(), program.calls.len()),
            });
        }
        if *mode == Mode::CapwasiReadOnly && out.ro_before != out.ro_after {
            let changed: Vec<_> = out
                .ro_after
                .iter()
                .filter(|(k, val)| out.ro_before.get(*k) != Some(*val))
                .map(|(k, _)| k.clone())
                .collect();
            let gone: Vec<_> = out.ro_before.keys().filter(|k| !out.ro_after.contains_key(*k)).cloned().collect();
            v.findings.push(Finding {
                kind: Kind::ReadOnlyChanged,
                what: format!("read-only /v changed: {changed:?}, gone {gone:?}"),
            });
        }
    }
    let (Some(cap), Some(wt)) = (get(Mode::Capwasi), get(Mode::Wasmtime)) else { return v };
    let cap_lines = parse(&cap.stdout);
    v.calls = cap_lines.len();

    // capwasi against itself without openat2: identical, but for clocks and random bytes.
    if let Some(route) = get(Mode::CapwasiNoOpenat2) {
        let route_lines = parse(&route.stdout);
        let mut parted = false;
        for (i, call) in program.calls.iter().enumerate() {
            let (a, b) = (cap_lines.get(&i), route_lines.get(&i));
            if normalized(call, a) == normalized(call, b) {
                continue;
            }
            let (ea, eb) = (a.map(|l| errno_name(l.errno)), b.map(|l| errno_name(l.errno)));
            let rule = match (&ea, &eb) {
                (Some(ea), Some(eb)) => rules.iter().find(|r| r.table == Table::Route && r.matches(call, ea, eb)),
                _ => None,
            };
            match rule {
                Some(rule) => {
                    v.accepted.push(format!("{}: {} with openat2, {} without", call.func, rule.capwasi, rule.wasmtime));
                    if !rule.diverges {
                        continue;
                    }
                }
                None => v.findings.push(Finding {
                    kind: Kind::Route,
                    what: format!("call {i} {}: {} with openat2, {} without", call.note, show(call, a), show(call, b)),
                }),
            }
            parted = true;
            break;
        }
        if route.sandbox != cap.sandbox && !parted {
            v.findings.push(Finding {
                kind: Kind::Route,
                what: format!("trees differ: {}", tree_diff(&cap.sandbox, &route.sandbox)),
            });
        }
    }

    // capwasi against wasmtime, call by call until the runs part.
    let wt_lines = parse(&wt.stdout);
    let mut parted = false;
    for (i, call) in program.calls.iter().enumerate() {
        let (Some(a), Some(b)) = (cap_lines.get(&i), wt_lines.get(&i)) else {
            parted = true;
            break;
        };
        v.compared += 1;
        let (ea, eb) = (errno_name(a.errno), errno_name(b.errno));
        let same = a.errno == b.errno && normalized(call, Some(a)) == normalized(call, Some(b));
        if same {
            continue;
        }
        let (ra, rb) =
            if a.errno == b.errno { (show(call, Some(a)), show(call, Some(b))) } else { (ea.clone(), eb.clone()) };
        match rules.iter().find(|r| r.table == Table::Wasmtime && r.matches(call, &ea, &eb)) {
            Some(rule) => {
                v.accepted.push(format!("{}: capwasi {}, wasmtime {}", call.func, ea, eb));
                if rule.diverges {
                    parted = true;
                    break;
                }
            }
            None => {
                v.findings.push(Finding {
                    kind: Kind::Difference,
                    what: format!("call {i} {}: capwasi {ra}, wasmtime {rb}", call.note),
                });
                parted = true;
                break;
            }
        }
    }
    if !parted && cap.sandbox != wt.sandbox {
        v.findings.push(Finding {
            kind: Kind::Difference,
            what: format!("trees differ: {}", tree_diff(&cap.sandbox, &wt.sandbox)),
        });
    }
    v
}

fn tree_diff(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> String {
    let mut diffs = Vec::new();
    for (k, va) in a {
        match b.get(k) {
            Some(vb) if vb == va => {}
            Some(vb) => diffs.push(format!("{k}: capwasi {va} / other {vb}")),
            None => diffs.push(format!("{k}: only capwasi ({va})")),
        }
    }
    for (k, vb) in b {
        if !a.contains_key(k) {
            diffs.push(format!("{k}: only other ({vb})"));
        }
    }
    diffs.join("; ")
}

fn show(call: &Call, line: Option<&Line>) -> String {
    match line {
        None => "no line (the run ended)".into(),
        Some(l) => format!("{} {:?}", errno_name(l.errno), normalized(call, Some(l)).map(|(_, d)| d)),
    }
}

/// A line as compared: the errno and each dump read as its kind says.
fn normalized(call: &Call, line: Option<&Line>) -> Option<(u8, Vec<String>)> {
    let line = line?;
    let kinds = call.dumps.iter().filter(|(addr, len, _)| dump_len(*addr, *len).is_some()).map(|(_, _, k)| *k);
    let dumps = kinds.zip(&line.dumps).map(|(kind, bytes)| read_dump(kind, bytes)).collect();
    Some((line.errno, dumps))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8).map(|s| u64::from_le_bytes(s.try_into().unwrap())).unwrap_or(0)
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4).map(|s| u32::from_le_bytes(s.try_into().unwrap())).unwrap_or(0)
}

fn untouched(b: &[u8]) -> bool {
    b.iter().all(|x| *x == 0xaa)
}

fn read_dump(kind: Dump, b: &[u8]) -> String {
    if kind == Dump::Ignored {
        return "ignored".into();
    }
    if untouched(b) && !b.is_empty() {
        return "untouched".into();
    }
    match kind {
        Dump::Fd | Dump::U32 => format!("{}", u32_at(b, 0)),
        Dump::U64 => format!("{}", u64_at(b, 0)),
        Dump::Bytes => b.iter().map(|x| format!("{x:02x}")).collect(),
        Dump::Ignored => unreachable!(),
        Dump::Filestat => {
            format!("type {} nlink {} size {}", b.get(16).copied().unwrap_or(0), u64_at(b, 24), u64_at(b, 32))
        }
        Dump::Fdstat => format!("type {} flags {}", b.first().copied().unwrap_or(0), u16::from_le_bytes([b[2], b[3]])),
        Dump::Dirents => {
            let mut entries = Vec::new();
            let mut at = 0;
            loop {
                if at == b.len() {
                    return "full".into();
                }
                if untouched(&b[at..]) {
                    break;
                }
                if at + 24 > b.len() {
                    return "full".into();
                }
                let namlen = u32_at(b, at + 16) as usize;
                let kind = b[at + 20];
                if at + 24 + namlen > b.len() {
                    return "full".into();
                }
                entries.push(format!("{}:{kind}", String::from_utf8_lossy(&b[at + 24..at + 24 + namlen])));
                at += 24 + namlen;
            }
            entries.sort();
            entries.join(",")
        }
        Dump::Events => {
            let mut events = Vec::new();
            for e in b.chunks(32) {
                if untouched(e) {
                    continue;
                }
                let error = u16::from_le_bytes([e[8], e[9]]);
                events.push(format!("{:x}:{}:{}", u64_at(e, 0), errno_name(error as u8), e[10]));
            }
            events.sort();
            events.join(",")
        }
    }
}
