//! A test's expectations: the optional `NAME.json` beside `NAME.wasm`, in the
//! format of the public WASI test suite (WebAssembly/wasi-testsuite).
//!
//! ```json
//! {"args": ["a"], "env": {"K": "V"}, "root": "fixture", "dirs": ["fs-tests.dir"],
//!  "exit_code": 0, "stdout": "exact text", "stderr": "exact text"}
//! ```
//!
//! Every key is optional: no arguments, an empty environment, no preopens,
//! exit status 0, output not checked. A trap counts as exit status 134, as for
//! `capwasi run`. Unknown keys are an error, so a misspelt expectation cannot
//! pass silently.

use serde_json::Value;

/// Exit status that stands for "the guest trapped" (128 + SIGABRT), the same
/// as `capwasi run` exits with.
pub const TRAP_EXIT_CODE: i32 = crate::cli::EXIT_TRAP as i32;

/// The keys a spec may hold.
pub const KEYS: &[&str] = &["args", "env", "root", "dirs", "exit_code", "stdout", "stderr"];

/// One test's expectations and setup.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spec {
    /// The guest's arguments after argv[0] (which is the module's file name).
    pub args: Vec<String>,
    /// The guest's whole environment, in the order written.
    pub env: Vec<(String, String)>,
    /// A fixture directory beside the test, preopened as guest `/`.
    pub root: Option<String>,
    /// Fixture directories beside the test, each preopened under its own name.
    pub dirs: Vec<String>,
    pub exit_code: i32,
    pub stdout: Option<String>,
    pub stderr: Option<String>,
}

impl Spec {
    /// Parses the text of a spec file; the error says which key is wrong and why.
    pub fn parse(text: &str) -> Result<Spec, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
        let Value::Object(map) = value else {
            return Err("expected a JSON object".into());
        };
        let unknown: Vec<&str> = map.keys().map(String::as_str).filter(|k| !KEYS.contains(k)).collect();
        if !unknown.is_empty() {
            return Err(format!(
                "unknown key{} {} (known keys: {})",
                if unknown.len() == 1 { "" } else { "s" },
                unknown.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", "),
                KEYS.join(", ")
            ));
        }
        let mut spec = Spec::default();
        for (key, value) in &map {
            match key.as_str() {
                "args" => spec.args = strings(key, value)?,
                "dirs" => {
                    spec.dirs = strings(key, value)?;
                    for dir in &spec.dirs {
                        fixture_name(key, dir)?;
                    }
                }
                "root" => spec.root = Some(fixture_name(key, string(key, value)?)?.to_string()),
                "stdout" => spec.stdout = Some(string(key, value)?.to_string()),
                "stderr" => spec.stderr = Some(string(key, value)?.to_string()),
                "exit_code" => {
                    spec.exit_code = value
                        .as_i64()
                        .and_then(|n| i32::try_from(n).ok())
                        .ok_or_else(|| format!("\"exit_code\" must be a 32-bit integer, not {value}"))?;
                }
                "env" => {
                    let Value::Object(vars) = value else {
                        return Err(format!("\"env\" must be an object of strings, not {value}"));
                    };
                    for (name, v) in vars {
                        let v = v
                            .as_str()
                            .ok_or_else(|| format!("\"env\": the value of {name} must be a string, not {v}"))?;
                        spec.env.push((name.clone(), v.to_string()));
                    }
                }
                _ => unreachable!("unknown keys were rejected above"),
            }
        }
        Ok(spec)
    }
}

fn string<'a>(key: &str, value: &'a Value) -> Result<&'a str, String> {
    value.as_str().ok_or_else(|| format!("\"{key}\" must be a string, not {value}"))
}

fn strings(key: &str, value: &Value) -> Result<Vec<String>, String> {
    let items = value.as_array().ok_or_else(|| format!("\"{key}\" must be an array of strings, not {value}"))?;
    items
        .iter()
        .map(|item| item.as_str().map(str::to_string))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| format!("\"{key}\" must be an array of strings, not {value}"))
}

/// A fixture must be a directory beside the test: a relative path that does
/// not climb out with `..`.
fn fixture_name<'a>(key: &str, name: &'a str) -> Result<&'a str, String> {
    let path = std::path::Path::new(name);
    let climbs = path.components().any(|c| !matches!(c, std::path::Component::Normal(_)));
    if name.is_empty() || climbs {
        return Err(format!("\"{key}\": '{name}' must name a directory beside the test (relative, no '..')"));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_optional() {
        assert_eq!(Spec::parse("{}"), Ok(Spec::default()));
    }

    #[test]
    fn all_keys() {
        let spec = Spec::parse(
            r#"{"args": ["a", "b c"], "env": {"Z": "1", "A": "x=y"}, "root": "r", "dirs": ["fs.dir"],
                "exit_code": 134, "stdout": "out\n", "stderr": ""}"#,
        )
        .unwrap();
        assert_eq!(spec.args, ["a", "b c"]);
        assert_eq!(spec.env, [("Z".to_string(), "1".to_string()), ("A".to_string(), "x=y".to_string())]);
        assert_eq!(spec.root.as_deref(), Some("r"));
        assert_eq!(spec.dirs, ["fs.dir"]);
        assert_eq!(spec.exit_code, TRAP_EXIT_CODE);
        assert_eq!(spec.stdout.as_deref(), Some("out\n"));
        assert_eq!(spec.stderr.as_deref(), Some(""));
    }

    #[test]
    fn unknown_keys_are_reported() {
        let err = Spec::parse(r#"{"exitcode": 1, "stdout": "", "timeout": 3}"#).unwrap_err();
        assert!(err.starts_with(r#"unknown keys "exitcode", "timeout""#), "{err}");
    }

    #[test]
    fn wrong_types_name_the_key() {
        assert!(Spec::parse(r#"{"args": "a"}"#).unwrap_err().contains("\"args\""));
        assert!(Spec::parse(r#"{"args": [1]}"#).unwrap_err().contains("\"args\""));
        assert!(Spec::parse(r#"{"env": {"A": 1}}"#).unwrap_err().contains("\"env\""));
        assert!(Spec::parse(r#"{"exit_code": "0"}"#).unwrap_err().contains("\"exit_code\""));
        assert!(Spec::parse(r#"{"exit_code": 4294967296}"#).unwrap_err().contains("\"exit_code\""));
        assert!(Spec::parse("[]").unwrap_err().contains("object"));
        assert!(Spec::parse("{").unwrap_err().contains("not valid JSON"));
    }

    #[test]
    fn fixtures_stay_beside_the_test() {
        assert!(Spec::parse(r#"{"dirs": ["../up"]}"#).is_err());
        assert!(Spec::parse(r#"{"dirs": ["/abs"]}"#).is_err());
        assert!(Spec::parse(r#"{"root": "."}"#).is_err());
        assert!(Spec::parse(r#"{"dirs": ["a/b"]}"#).is_ok());
    }
}
