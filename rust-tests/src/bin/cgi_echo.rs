//! A CGI guest in Rust for `capwasi serve` (tests/serve.rs): echoes the request
//! method, path, query, the `HTTP_*` variables and the body. Run without a
//! request (`capwasi test`), it answers an empty one.
use std::io::{Read, Write};

fn main() {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let mut body = Vec::new();
    std::io::stdin().read_to_end(&mut body).expect("read the body");
    let mut out = std::io::stdout().lock();
    write!(out, "Content-Type: text/plain\r\nX-Guest: rust\r\n\r\n").unwrap();
    for name in ["REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH"] {
        writeln!(out, "{name}={}", var(name)).unwrap();
    }
    let mut headers: Vec<_> = std::env::vars().filter(|(k, _)| k.starts_with("HTTP_")).collect();
    headers.sort();
    for (key, value) in headers {
        writeln!(out, "{key}={value}").unwrap();
    }
    out.write_all(b"body=").unwrap();
    out.write_all(&body).unwrap();
    writeln!(out).unwrap();
}
