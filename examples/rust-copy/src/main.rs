//! The WASI tutorial's file-copy demo: copy the file `<from>` to `<to>`.
//!
//! Same usage line and messages as `examples/copy.c`; exits 1 on any error.

use std::fs::File;
use std::io;
use std::process::exit;

fn copy(from: &str, to: &str) -> Result<(), String> {
    let mut input = File::open(from).map_err(|err| format!("error opening input {from}: {err}"))?;
    let mut output = File::create(to).map_err(|err| format!("error opening output {to}: {err}"))?;
    io::copy(&mut input, &mut output).map_err(|err| format!("copy error: {err}"))?;
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        let program = args.first().map(String::as_str).unwrap_or("copy-rs");
        eprintln!("usage: {program} <from> <to>");
        exit(1);
    }
    if let Err(message) = copy(&args[1], &args[2]) {
        eprintln!("{message}");
        exit(1);
    }
}
