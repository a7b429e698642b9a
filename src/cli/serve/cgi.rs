//! RFC 3875 (CGI/1.1) for `capwasi serve`: the meta-variables a request
//! hands its guest, and the header block of the guest's response.

use std::net::SocketAddr;

use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use hyper::{Method, StatusCode};

/// What a guest learns of its request, besides the body.
pub struct RequestInfo<'a> {
    pub method: &'a Method,
    /// The route's prefix (`/api`; empty for the route serving every path).
    pub script_name: &'a str,
    /// The path after the prefix, percent-encoded as the client sent it.
    pub path_info: &'a str,
    /// The query string without `?`, percent-encoded as sent.
    pub query: &'a str,
    pub headers: &'a HeaderMap,
    /// The body's length, when there is a body.
    pub content_length: Option<usize>,
    /// The address the request came in on, and the one it came from.
    pub local: SocketAddr,
    pub remote: SocketAddr,
}

/// The variables of RFC 3875 section 4.1 for `request`, and `HTTP_*` for each
/// request header: upper case, `-` as `_`, repeated headers joined with
/// `, `. Left out: `Content-Type` and `Content-Length` (they are
/// CONTENT_TYPE and CONTENT_LENGTH), and `Proxy` (as HTTP_PROXY it would
/// set the guest's outgoing proxy: "httpoxy"). PATH_INFO is decoded, as
/// section 4.1.5 says; QUERY_STRING is not. A value that is not UTF-8
/// (preview1 environments are) has its bad bytes replaced with U+FFFD.
pub fn meta_variables(request: &RequestInfo<'_>) -> Vec<(String, String)> {
    let host = request.headers.get(hyper::header::HOST).and_then(|h| h.to_str().ok());
    let server_name = match host.map(strip_port) {
        Some(name) if !name.is_empty() => name.to_string(),
        _ => request.local.ip().to_string(),
    };
    let mut vars = vec![
        ("GATEWAY_INTERFACE".to_string(), "CGI/1.1".to_string()),
        ("REQUEST_METHOD".into(), request.method.as_str().to_string()),
        ("SCRIPT_NAME".into(), request.script_name.to_string()),
        ("PATH_INFO".into(), percent_decode(request.path_info)),
        ("QUERY_STRING".into(), request.query.to_string()),
        ("SERVER_NAME".into(), server_name),
        ("SERVER_PORT".into(), request.local.port().to_string()),
        ("SERVER_PROTOCOL".into(), "HTTP/1.1".into()),
        ("SERVER_SOFTWARE".into(), concat!("capwasi/", env!("CARGO_PKG_VERSION")).into()),
        ("REMOTE_ADDR".into(), request.remote.ip().to_string()),
        ("REMOTE_PORT".into(), request.remote.port().to_string()),
    ];
    if let Some(content_type) = request.headers.get(hyper::header::CONTENT_TYPE) {
        vars.push(("CONTENT_TYPE".into(), String::from_utf8_lossy(content_type.as_bytes()).into_owned()));
    }
    if let Some(length) = request.content_length {
        vars.push(("CONTENT_LENGTH".into(), length.to_string()));
    }
    for name in request.headers.keys() {
        if [hyper::header::CONTENT_TYPE, hyper::header::CONTENT_LENGTH].contains(name) || name.as_str() == "proxy" {
            continue;
        }
        let values: Vec<_> =
            request.headers.get_all(name).iter().map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()).collect();
        let key = format!("HTTP_{}", name.as_str().to_ascii_uppercase().replace('-', "_"));
        vars.push((key, values.join(", ")));
    }
    vars
}

/// `host` without a `:port` (an IPv6 literal keeps its brackets).
fn strip_port(host: &str) -> &str {
    match host.rfind(':') {
        Some(colon) if !host[colon..].contains(']') => &host[..colon],
        _ => host,
    }
}

/// `%XX` escapes decoded; a `%` not followed by two hex digits is kept.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) =
                (bytes.get(i + 1).and_then(|&b| hex(b)), bytes.get(i + 2).and_then(|&b| hex(b)))
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Where the header block in `output` ends, and the body starts: after the
/// first empty line (`\n\n`, `\r\n\r\n` or a mix). None if it has not ended
/// yet.
pub fn head_end(output: &[u8]) -> Option<usize> {
    if output.starts_with(b"\n") {
        return Some(1);
    }
    if output.starts_with(b"\r\n") {
        return Some(2);
    }
    let mut from = 0;
    while let Some(at) = output[from..].iter().position(|&b| b == b'\n') {
        let next = from + at + 1;
        match &output[next..] {
            [b'\n', ..] => return Some(next + 1),
            [b'\r', b'\n', ..] => return Some(next + 2),
            _ => from = next,
        }
    }
    None
}

/// A guest's response head (RFC 3875 section 6).
#[derive(Debug, PartialEq)]
pub enum Head {
    /// A document or a client redirect: the status and the header fields.
    Response(StatusCode, HeaderMap),
    /// A local redirect (a `Location:` path and nothing else): the server
    /// answers with what that path answers.
    LocalRedirect(String),
}

/// Parses the header block `head` (as [`head_end`] found it, the empty line
/// included). `Status: 404 Not Found` sets the status; `Location:` with an
/// absolute URL is a client redirect (302 unless a Status says otherwise);
/// `Location:` with a path and no other field is a local redirect; other
/// fields are passed on in order, repeated ones (`Set-Cookie`) all kept,
/// except those that frame the connection (`Connection`, `Transfer-Encoding`),
/// which are the server's. The error says why `head` is not a CGI header block.
pub fn parse_head(head: &[u8]) -> Result<Head, String> {
    let text = std::str::from_utf8(head).map_err(|_| "the header block is not UTF-8".to_string())?;
    let mut status = None;
    let mut location = None;
    let mut headers = HeaderMap::new();
    let mut fields = 0;
    for line in text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)) {
        if line.is_empty() {
            break;
        }
        fields += 1;
        let (name, value) = line.split_once(':').ok_or_else(|| format!("'{}' is not a header field", shorten(line)))?;
        let value = value.trim();
        let name = HeaderName::from_bytes(name.trim_end().as_bytes())
            .map_err(|_| format!("'{}' is not a header field name", shorten(name)))?;
        if name.as_str() == "status" {
            let code = value.split_whitespace().next().unwrap_or("");
            status = Some(
                code.parse::<u16>()
                    .ok()
                    .and_then(|c| StatusCode::from_u16(c).ok())
                    .ok_or_else(|| format!("Status: '{}' is not a status code", shorten(value)))?,
            );
            continue;
        }
        if name == hyper::header::CONNECTION || name == hyper::header::TRANSFER_ENCODING {
            continue;
        }
        let value = HeaderValue::from_str(value).map_err(|_| format!("the value of {name} is not a header value"))?;
        if name == hyper::header::LOCATION {
            location = Some(value.to_str().unwrap_or("").to_string());
        }
        headers.append(name, value);
    }
    if fields == 0 {
        return Err("the output has no header block".into());
    }
    match location {
        Some(path) if path.starts_with('/') && fields == 1 => Ok(Head::LocalRedirect(path)),
        Some(_) => Ok(Head::Response(status.unwrap_or(StatusCode::FOUND), headers)),
        None => Ok(Head::Response(status.unwrap_or(StatusCode::OK), headers)),
    }
}

/// `text` cut to a length that fits an error line.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info<'a>(headers: &'a HeaderMap, method: &'a Method) -> RequestInfo<'a> {
        RequestInfo {
            method,
            script_name: "/api",
            path_info: "/a%20b/c",
            query: "x=1&y=%20",
            headers,
            content_length: Some(5),
            local: "127.0.0.1:8080".parse().unwrap(),
            remote: "10.0.0.2:5000".parse().unwrap(),
        }
    }

    #[test]
    fn meta_variables_follow_rfc_3875() {
        let mut headers = HeaderMap::new();
        headers.insert("host", "example.com:8080".parse().unwrap());
        headers.insert("content-type", "text/plain".parse().unwrap());
        headers.insert("content-length", "5".parse().unwrap());
        headers.append("x-many", "1".parse().unwrap());
        headers.append("x-many", "2".parse().unwrap());
        headers.insert("proxy", "http://evil/".parse().unwrap());
        let vars = meta_variables(&info(&headers, &Method::POST));
        let get = |k: &str| vars.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
        assert_eq!(get("REQUEST_METHOD"), Some("POST"));
        assert_eq!(get("SCRIPT_NAME"), Some("/api"));
        assert_eq!(get("PATH_INFO"), Some("/a b/c"));
        assert_eq!(get("QUERY_STRING"), Some("x=1&y=%20"));
        assert_eq!(get("SERVER_NAME"), Some("example.com"));
        assert_eq!(get("SERVER_PORT"), Some("8080"));
        assert_eq!(get("REMOTE_ADDR"), Some("10.0.0.2"));
        assert_eq!(get("REMOTE_PORT"), Some("5000"));
        assert_eq!(get("CONTENT_TYPE"), Some("text/plain"));
        assert_eq!(get("CONTENT_LENGTH"), Some("5"));
        assert_eq!(get("HTTP_X_MANY"), Some("1, 2"));
        assert_eq!(get("HTTP_HOST"), Some("example.com:8080"));
        assert_eq!((get("HTTP_PROXY"), get("HTTP_CONTENT_TYPE")), (None, None));
    }

    #[test]
    fn the_head_ends_at_the_first_empty_line() {
        assert_eq!(head_end(b"A: 1\n\nbody"), Some(6));
        assert_eq!(head_end(b"A: 1\r\nB: 2\r\n\r\nbody"), Some(14));
        assert_eq!(head_end(b"A: 1\n\r\nbody"), Some(7));
        assert_eq!(head_end(b"A: 1\nB: 2\n"), None);
        assert_eq!(head_end(b"\nbody"), Some(1));
    }

    #[test]
    fn status_location_and_repeated_fields() {
        let Head::Response(status, headers) =
            parse_head(b"Status: 404 Not Found\nContent-Type: text/plain\nSet-Cookie: a=1\nSet-Cookie: b=2\n\n")
                .unwrap()
        else {
            panic!("not a response")
        };
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(headers.get_all("set-cookie").iter().count(), 2);
        assert_eq!(headers.get("content-type").unwrap(), "text/plain");
        let Head::Response(status, headers) = parse_head(b"Location: http://x/y\r\n\r\n").unwrap() else { panic!() };
        assert_eq!((status, headers.get("location").unwrap().to_str().unwrap()), (StatusCode::FOUND, "http://x/y"));
        assert_eq!(parse_head(b"Location: /other?q=1\n\n").unwrap(), Head::LocalRedirect("/other?q=1".into()));
        let Head::Response(status, _) = parse_head(b"Status: 301\nLocation: /moved\nContent-Type: a/b\n\n").unwrap()
        else {
            panic!()
        };
        assert_eq!(status, StatusCode::MOVED_PERMANENTLY);
    }

    #[test]
    fn output_without_a_header_block_is_refused() {
        assert!(parse_head(b"\n").unwrap_err().contains("no header block"));
        assert!(parse_head(b"hello world\n\n").unwrap_err().contains("not a header field"));
        assert!(parse_head(b"Status: abc\n\n").unwrap_err().contains("not a status code"));
        assert!(parse_head(b"Bad Name: x\n\n").unwrap_err().contains("name"));
    }
}
