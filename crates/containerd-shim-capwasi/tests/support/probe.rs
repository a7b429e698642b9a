//! The guest the shim's tests and benchmarks run in containers (wasm32-wasip1).
//! The test builds it: rustc --edition 2024 -O --target wasm32-wasip1 probe.rs -o probe.wasm
//!
//! probe hello              prints "hello from capwasi"
//! probe args A B           prints its arguments, one a line, then $GREETING
//! probe ls DIR             lists DIR, sorted, one name a line
//! probe cat FILE           prints FILE
//! probe write FILE         creates FILE: "written", or "error N" (the WASI errno)
//! probe exit N             exits with status N
//! probe sleep SECS         prints "sleeping", sleeps (poll_oneoff), then prints "slept"
//! probe spin               prints "spinning", then loops forever
//! probe grow MIB           allocates MIB MiB and touches it: "grown", or exits 3 with "refused"

use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    match arg(1).as_str() {
        "hello" => println!("hello from capwasi"),
        "args" => {
            for a in &args[2..] {
                println!("{a}");
            }
            println!("GREETING={}", std::env::var("GREETING").unwrap_or_default());
        }
        "ls" => match std::fs::read_dir(arg(2)) {
            Ok(entries) => {
                let mut names: Vec<String> =
                    entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
                names.sort();
                for name in names {
                    println!("{name}");
                }
            }
            Err(e) => println!("error {}", e.raw_os_error().unwrap_or(-1)),
        },
        "cat" => match std::fs::read_to_string(arg(2)) {
            Ok(text) => print!("{text}"),
            Err(e) => println!("error {}", e.raw_os_error().unwrap_or(-1)),
        },
        "write" => match std::fs::write(arg(2), "from the guest\n") {
            Ok(()) => println!("written"),
            Err(e) => println!("error {}", e.raw_os_error().unwrap_or(-1)),
        },
        "exit" => std::process::exit(arg(2).parse().unwrap()),
        "sleep" => {
            println!("sleeping");
            std::thread::sleep(std::time::Duration::from_secs(arg(2).parse().unwrap()));
            println!("slept");
        }
        "spin" => {
            println!("spinning");
            let mut n: u64 = 0;
            loop {
                n = std::hint::black_box(n.wrapping_add(1));
            }
        }
        "grow" => {
            let bytes: usize = arg(2).parse::<usize>().unwrap() << 20;
            let mut v: Vec<u8> = Vec::new();
            if v.try_reserve_exact(bytes).is_err() {
                println!("refused");
                std::process::exit(3);
            }
            v.resize(bytes, 1);
            println!("grown {}", v.iter().map(|&b| b as usize).sum::<usize>() >> 20);
        }
        other => {
            let _ = writeln!(std::io::stderr(), "probe: unknown command '{other}'");
            std::process::exit(2);
        }
    }
}
