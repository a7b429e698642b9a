//! The shell example's guest: reads one command per line from stdin and
//! answers each with one line on stdout. The host's state (a shared integer
//! and a shared map) is reachable only through the functions it imports from
//! `shell_host` (examples/shell/host_api.rs documents them and their status
//! codes).
//!
//! Commands: `add N`, `sum`, `set KEY VALUE`, `get KEY`, `help`, `quit`, and
//! `loop`, which spins forever until the host's limit ends the session. Bad
//! input is answered with an `error: ...` line and the session goes on.

use std::io::{self, BufRead, Read, Write};

// The host's functions (examples/shell/host_api.rs). Strings go as a pointer
// and a length into this module's memory; `get` writes at most `buf_len`
// bytes to `buf` and the value's full length to `value_len`.
#[link(wasm_import_module = "shell_host")]
unsafe extern "C" {
    fn add(n: i64, total: *mut i64) -> i32;
    fn sum() -> i64;
    fn set(key: *const u8, key_len: usize, value: *const u8, value_len: usize) -> i32;
    fn get(key: *const u8, key_len: usize, buf: *mut u8, buf_len: usize, value_len: *mut usize) -> i32;
}

/// The longest line read (without its newline); a longer one is skipped with an error.
const MAX_LINE: usize = 4096;

/// The help line.
const HELP: &str = "commands: add N | sum | set KEY VALUE | get KEY | help | quit | loop (spins until the host stops it)";

/// What the host's status codes mean, as the guest reports them.
fn status_message(status: i32) -> &'static str {
    match status {
        1 => "a buffer is outside the guest's memory",
        2 => "not UTF-8",
        3 => "key too long for the host",
        4 => "value too long for the host",
        5 => "the total would overflow",
        6 => "no such key",
        7 => "the host's map is full",
        _ => "unknown status from the host",
    }
}

fn main() {
    let mut input = io::stdin().lock();
    let mut output = io::stdout().lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        let reply = match read_line(&mut input, &mut line) {
            Ok(Line::End) | Err(_) => return,
            Ok(Line::TooLong) => format!("error: line longer than {MAX_LINE} bytes"),
            Ok(Line::Read) => match std::str::from_utf8(&line) {
                Err(_) => "error: the line is not UTF-8".to_string(),
                Ok(text) => match command(text.trim()) {
                    Some(reply) => reply,
                    None => continue,
                },
            },
        };
        // A client that went away ends the session.
        if writeln!(output, "{reply}").is_err() || reply == "bye" {
            return;
        }
    }
}

/// What [`read_line`] found.
enum Line {
    /// A line (without its newline) is in the buffer.
    Read,
    /// A line longer than [`MAX_LINE`], skipped up to its newline.
    TooLong,
    /// End of input.
    End,
}

/// Reads one line into `line`, at most [`MAX_LINE`] bytes of it.
fn read_line(input: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<Line> {
    let n = input.by_ref().take(MAX_LINE as u64 + 1).read_until(b'\n', line)?;
    if n == 0 {
        return Ok(Line::End);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        return Ok(Line::Read);
    }
    if line.len() <= MAX_LINE {
        // The last line, without a newline.
        return Ok(Line::Read);
    }
    // Skip the rest of the over-long line.
    let mut rest = Vec::new();
    loop {
        rest.clear();
        let n = input.by_ref().take(MAX_LINE as u64).read_until(b'\n', &mut rest)?;
        if n == 0 || rest.last() == Some(&b'\n') {
            return Ok(Line::TooLong);
        }
    }
}

/// The reply to one command line, or `None` for a blank line.
fn command(text: &str) -> Option<String> {
    let (name, rest) = split_word(text);
    let reply = match name {
        "" => return None,
        "help" => HELP.to_string(),
        "quit" => "bye".to_string(),
        "sum" => no_args(rest).map(|()| unsafe { sum() }.to_string()).unwrap_or_else(|e| e),
        "add" => add_command(rest).unwrap_or_else(|e| e),
        "set" => set_command(rest).unwrap_or_else(|e| e),
        "get" => get_command(rest).unwrap_or_else(|e| e),
        "loop" => spin(),
        _ => format!("error: unknown command {name:?} (try help)"),
    };
    Some(reply)
}

/// The first word of `text` and the rest, trimmed.
fn split_word(text: &str) -> (&str, &str) {
    match text.split_once(char::is_whitespace) {
        Some((word, rest)) => (word, rest.trim_start()),
        None => (text, ""),
    }
}

fn no_args(rest: &str) -> Result<(), String> {
    if rest.is_empty() { Ok(()) } else { Err(format!("error: unexpected argument {rest:?}")) }
}

fn add_command(rest: &str) -> Result<String, String> {
    let (number, extra) = split_word(rest);
    if number.is_empty() {
        return Err("error: add needs a number: add N".to_string());
    }
    no_args(extra)?;
    let n: i64 = number.parse().map_err(|_| format!("error: not a number: {number:?}"))?;
    let mut total = 0i64;
    match unsafe { add(n, &mut total) } {
        0 => Ok(total.to_string()),
        status => Err(format!("error: {}", status_message(status))),
    }
}

fn set_command(rest: &str) -> Result<String, String> {
    let (key, value) = split_word(rest);
    if key.is_empty() || value.is_empty() {
        return Err("error: set needs a key and a value: set KEY VALUE".to_string());
    }
    match unsafe { set(key.as_ptr(), key.len(), value.as_ptr(), value.len()) } {
        0 => Ok("ok".to_string()),
        status => Err(format!("error: {}", status_message(status))),
    }
}

fn get_command(rest: &str) -> Result<String, String> {
    let (key, extra) = split_word(rest);
    if key.is_empty() {
        return Err("error: get needs a key: get KEY".to_string());
    }
    no_args(extra)?;
    // Start small: the host cuts the value to the buffer and says how long
    // it is, and we ask again with room for all of it.
    let mut buf = vec![0u8; 16];
    loop {
        let mut len = 0usize;
        match unsafe { get(key.as_ptr(), key.len(), buf.as_mut_ptr(), buf.len(), &mut len) } {
            0 if len <= buf.len() => {
                buf.truncate(len);
                return Ok(String::from_utf8_lossy(&buf).into_owned());
            }
            0 => buf.resize(len, 0),
            6 => return Err(format!("error: no such key {key:?}")),
            status => return Err(format!("error: {}", status_message(status))),
        }
    }
}

/// Spins until the host's fuel or time limit ends the session.
fn spin() -> String {
    let mut i = 0u64;
    loop {
        i = std::hint::black_box(i.wrapping_add(1));
    }
}
