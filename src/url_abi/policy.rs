//! Which URLs a Dagger or CommonWA guest may open, in the manner of Olin's
//! policies: regular expressions that allow and disallow URLs, and Olin's own
//! policy file format, whose limits map onto capwasi's.
//!
//! A URL is allowed when it matches an `allow` pattern; otherwise it is
//! forbidden when it matches a `disallow` pattern, when there are `allow`
//! patterns at all (an allow list names everything allowed), or when it
//! reaches the network (`http://`, `https://`: only an allow pattern opens
//! those). With no patterns, every local URL is allowed. Patterns are unanchored searches, as Go's
//! `regexp.MatchString` (Olin's) is: `^` and `$` anchor them. Allow before
//! disallow is what Olin's own example needs: it allows a few sites and
//! disallows `.*`.
//!
//! Olin's format, accepted as a policy file:
//!
//! ```text
//! ## comments start with two hashes
//! allow (
//!   ^http://127\.0\.0\.1:8080/
//!   random://
//! )
//! disallow (
//!   file://
//! )
//! ram-page-limit 128      ## 64 KiB wasm pages: the memory limit
//! gas-limit 1048576       ## instructions: the fuel limit
//! ```
//!
//! A file in Olin's format means what it means to Olin (its `policy` package
//! and `abi/cwa/resource.go`, github.com/Xe/olin): a limit it omits is
//! Olin's default ([`OLIN_RAM_PAGE_LIMIT`] pages, [`OLIN_GAS_LIMIT`] units of
//! fuel), and every URL no `allow` pattern matches is forbidden, so a file
//! with no `allow` list forbids every URL ([`parse_olin`] then adds the
//! disallow pattern `.*`).

use regex::Regex;

/// URL allow and disallow patterns (see the module documentation for how
/// they combine). The default allows every URL.
#[derive(Debug, Clone, Default)]
pub struct UrlPolicy {
    allow: Vec<Regex>,
    disallow: Vec<Regex>,
}

impl UrlPolicy {
    /// A policy from pattern texts; an invalid pattern is an error naming it.
    pub fn new<S: AsRef<str>>(allow: &[S], disallow: &[S]) -> Result<Self, String> {
        let compile = |patterns: &[S], key: &str| -> Result<Vec<Regex>, String> {
            patterns
                .iter()
                .map(|p| Regex::new(p.as_ref()).map_err(|e| format!("{key} pattern {:?}: {e}", p.as_ref())))
                .collect()
        };
        Ok(UrlPolicy { allow: compile(allow, "allow")?, disallow: compile(disallow, "disallow")? })
    }

    /// Whether the guest may open `url`.
    pub fn allows(&self, url: &str) -> bool {
        if self.allow.iter().any(|re| re.is_match(url)) {
            return true;
        }
        self.allow.is_empty() && !self.disallow.iter().any(|re| re.is_match(url)) && !is_network(url)
    }

    /// The allow patterns, as written.
    pub fn allow_patterns(&self) -> impl Iterator<Item = &str> {
        self.allow.iter().map(Regex::as_str)
    }

    /// The disallow patterns, as written.
    pub fn disallow_patterns(&self) -> impl Iterator<Item = &str> {
        self.disallow.iter().map(Regex::as_str)
    }
}

/// Whether `url` reaches the network (`http://`, `https://`), which only an
/// allow pattern permits.
fn is_network(url: &str) -> bool {
    let scheme = url.split_once("://").map_or("", |(scheme, _)| scheme);
    scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
}

/// The error that ends a guest which opened a URL its policy forbids. capwasi
/// run reports it as `capwasi: the guest opened <url>, forbidden by policy`
/// and exits with [`FORBIDDEN_EXIT_STATUS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForbiddenUrl {
    /// The URL, as the guest gave it.
    pub url: String,
}

impl std::fmt::Display for ForbiddenUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the guest opened {}, forbidden by policy", self.url)
    }
}

impl std::error::Error for ForbiddenUrl {}

/// The exit status of a run ended by [`ForbiddenUrl`]: 77, sysexits'
/// `EX_NOPERM` ("permission denied"), used by no other outcome.
pub const FORBIDDEN_EXIT_STATUS: i32 = 77;

/// Olin's `ram-page-limit` for a policy file without one: 128 pages of 64
/// KiB, 8 MiB (`policy.Parse`'s default).
pub const OLIN_RAM_PAGE_LIMIT: u64 = 128;

/// Olin's `gas-limit` for a policy file without one: 32 Mi instructions
/// (`policy.Parse`'s default, 32*1024*1024), capwasi's fuel.
pub const OLIN_GAS_LIMIT: u64 = 32 * 1024 * 1024;

/// An Olin policy file: its URL patterns and its limits, as Olin reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OlinPolicy {
    /// `allow ( ... )` patterns, in order.
    pub allow: Vec<String>,
    /// `disallow ( ... )` patterns, in order, then `.*` when the file has no
    /// `allow` pattern (Olin forbids every URL no allow pattern matches).
    pub disallow: Vec<String>,
    /// `ram-page-limit N`: at most N 64 KiB pages of linear memory
    /// ([`OLIN_RAM_PAGE_LIMIT`] if the file omits it).
    pub ram_page_limit: u64,
    /// `gas-limit N`: at most N units of fuel, wasm instructions
    /// ([`OLIN_GAS_LIMIT`] if the file omits it).
    pub gas_limit: u64,
}

impl Default for OlinPolicy {
    /// An empty file: Olin's limits, and no URL allowed.
    fn default() -> Self {
        OlinPolicy {
            allow: Vec::new(),
            disallow: vec![".*".to_string()],
            ram_page_limit: OLIN_RAM_PAGE_LIMIT,
            gas_limit: OLIN_GAS_LIMIT,
        }
    }
}

impl OlinPolicy {
    /// The bytes `ram-page-limit` allows.
    pub fn max_memory(&self) -> u64 {
        self.ram_page_limit.saturating_mul(65536)
    }
}

/// Parses Olin's policy format; an error names the line (1-based) and what
/// is wrong with it.
pub fn parse_olin(text: &str) -> Result<OlinPolicy, String> {
    let mut policy = OlinPolicy { disallow: Vec::new(), ..OlinPolicy::default() };
    let mut list: Option<(&str, usize)> = None;
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = raw.split("##").next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if let Some((key, _)) = list {
            if line == ")" {
                list = None;
            } else if key == "allow" {
                policy.allow.push(line.to_string());
            } else {
                policy.disallow.push(line.to_string());
            }
            continue;
        }
        let (key, value) = line.split_once(char::is_whitespace).map_or((line, ""), |(k, v)| (k, v.trim()));
        match (key, value) {
            ("allow" | "disallow", "(") => list = Some((if key == "allow" { "allow" } else { "disallow" }, line_no)),
            ("allow" | "disallow", pattern) if !pattern.is_empty() && pattern != "(" => {
                let patterns = if key == "allow" { &mut policy.allow } else { &mut policy.disallow };
                patterns.push(pattern.to_string());
            }
            ("ram-page-limit" | "gas-limit", number) => {
                let n: u64 = number
                    .parse()
                    .map_err(|_| format!("line {line_no}: {key} takes a whole number, not {number:?}"))?;
                if key == "ram-page-limit" {
                    policy.ram_page_limit = n;
                } else {
                    policy.gas_limit = n;
                }
            }
            _ => {
                return Err(format!(
                    "line {line_no}: {line:?} is not an Olin policy line \
                     (allow ( ... ), disallow ( ... ), ram-page-limit N, gas-limit N, ## comment)"
                ));
            }
        }
    }
    if let Some((key, line_no)) = list {
        return Err(format!("line {line_no}: the {key} ( list is never closed with )"));
    }
    if policy.allow.is_empty() {
        // Olin allows only what an allow pattern matches: with none, nothing.
        policy.disallow.push(".*".to_string());
    }
    UrlPolicy::new(&policy.allow, &policy.disallow)?;
    Ok(policy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_allow_match_wins_over_disallow() {
        let policy = UrlPolicy::new(&["^https://tulpa.dev"], &[".*"]).unwrap();
        assert!(policy.allows("https://tulpa.dev/x"));
        assert!(!policy.allows("https://example.com/"));
    }

    #[test]
    fn an_allow_list_forbids_what_it_does_not_name() {
        let policy = UrlPolicy::new(&["^log://", "^http://127\\.0\\.0\\.1:8080/"], &[]).unwrap();
        assert!(policy.allows("log://?prefix=a"));
        assert!(policy.allows("http://127.0.0.1:8080/x"));
        assert!(!policy.allows("http://127.0.0.1:8081/"));
        assert!(!policy.allows("random://"));
    }

    #[test]
    fn disallow_alone_forbids_only_its_matches() {
        let policy = UrlPolicy::new::<&str>(&[], &["^file://"]).unwrap();
        assert!(!policy.allows("file:///etc/passwd"));
        assert!(policy.allows("random://"));
        assert!(UrlPolicy::default().allows("log://"));
        assert!(!UrlPolicy::default().allows("http://127.0.0.1/"), "the network needs an allow pattern");
        assert!(!policy.allows("HTTPS://example.com/"));
    }

    #[test]
    fn olin_policy_files_parse_with_comments_lists_and_limits() {
        let text = "## example\nallow (\n  https://tulpa.dev\n  random://  ## inline\n)\n\n\
                    disallow (\n  file://\n  .*\n)\nram-page-limit 128\ngas-limit 1048576";
        let policy = parse_olin(text).unwrap();
        assert_eq!(policy.allow, ["https://tulpa.dev", "random://"]);
        assert_eq!(policy.disallow, ["file://", ".*"]);
        assert_eq!((policy.ram_page_limit, policy.gas_limit), (128, 1048576));
        assert_eq!(policy.max_memory(), 128 * 65536);
    }

    #[test]
    fn olin_policy_files_without_limits_or_allow_lists_get_olins_defaults() {
        let policy = parse_olin("disallow (\n  ^file://\n)\n").unwrap();
        assert_eq!((policy.ram_page_limit, policy.gas_limit), (128, 33554432));
        assert_eq!(policy.disallow, ["^file://", ".*"], "no allow list: Olin forbids every URL");
        let urls = UrlPolicy::new(&policy.allow, &policy.disallow).unwrap();
        assert!(!urls.allows("log://?prefix=a") && !urls.allows("stdout://"));
        let policy = parse_olin("allow (\n  ^log://\n)\nram-page-limit 4\n").unwrap();
        assert_eq!((policy.ram_page_limit, policy.gas_limit, policy.disallow.len()), (4, 33554432, 0));
        assert_eq!(parse_olin("## only a comment\n").unwrap(), OlinPolicy::default());
    }

    #[test]
    fn olin_policy_errors_name_the_line() {
        assert_eq!(parse_olin("gas-limit lots").unwrap_err(), "line 1: gas-limit takes a whole number, not \"lots\"");
        assert_eq!(parse_olin("allow (\n  x\n").unwrap_err(), "line 1: the allow ( list is never closed with )");
        assert!(parse_olin("[limits]\nfuel = 3").unwrap_err().starts_with("line 1: \"[limits]\" is not"));
        assert!(parse_olin("allow (\n  (\n)").unwrap_err().contains("allow pattern \"(\""));
    }
}
