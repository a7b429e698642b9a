//! Compares a run with its spec: the reason a test failed, and a short diff.

use std::time::Duration;

use super::exec::{Execution, Outcome};
use super::spec::{Spec, TRAP_EXIT_CODE};

/// How many differing lines a diff shows per stream.
const DIFF_LINES: usize = 3;

/// Why a test failed: one line, then indented diff lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub reason: String,
    pub diff: Vec<String>,
}

/// `None` if the run meets the spec.
pub fn judge(spec: Option<&Spec>, exec: &Execution, timeout: Duration) -> Option<Failure> {
    let spec = match (spec, &exec.outcome) {
        (_, Outcome::Error(e)) => {
            return Some(Failure { reason: e.clone(), diff: Vec::new() });
        }
        (_, Outcome::TimedOut) => {
            return Some(Failure { reason: format!("timed out after {}s", timeout.as_secs_f64()), diff: Vec::new() });
        }
        (Some(spec), _) => spec,
        (None, _) => {
            return Some(Failure { reason: "no spec".into(), diff: Vec::new() });
        }
    };
    let mut reasons = Vec::new();
    let mut diff = Vec::new();
    match &exec.outcome {
        Outcome::Exited(code) if *code != spec.exit_code => {
            reasons.push(format!("exit code {code}, expected {}", spec.exit_code));
        }
        Outcome::Trapped { reason, .. } if spec.exit_code != TRAP_EXIT_CODE => {
            reasons.push(format!("trapped ({reason}), expected exit code {}", spec.exit_code));
        }
        _ => {}
    }
    for (stream, expected, actual) in [("stdout", &spec.stdout, &exec.stdout), ("stderr", &spec.stderr, &exec.stderr)] {
        if let Some(expected) = expected
            && expected.as_bytes() != actual.as_slice()
        {
            reasons.push(format!("{stream} differs"));
            diff.extend(short_diff(stream, expected.as_bytes(), actual));
        }
    }
    (!reasons.is_empty()).then(|| Failure { reason: reasons.join("; "), diff })
}

/// From the first line that differs: a few expected (`-`) and actual (`+`)
/// lines, escaped so that whitespace and a missing final newline show.
pub fn short_diff(stream: &str, expected: &[u8], actual: &[u8]) -> Vec<String> {
    let expected: Vec<&[u8]> = expected.split_inclusive(|&b| b == b'\n').collect();
    let actual: Vec<&[u8]> = actual.split_inclusive(|&b| b == b'\n').collect();
    let first = expected.iter().zip(&actual).take_while(|(e, a)| e == a).count();
    let mut lines = vec![format!("{stream}, from line {}:", first + 1)];
    for (sign, side) in [("-", &expected), ("+", &actual)] {
        let rest = side.get(first..).unwrap_or_default();
        for line in rest.iter().take(DIFF_LINES) {
            lines.push(format!("{sign} {}", escape(line)));
        }
        match rest.len() {
            0 => lines.push(format!("{sign} (end of output)")),
            n if n > DIFF_LINES => lines.push(format!("{sign} ... {} more lines", n - DIFF_LINES)),
            _ => {}
        }
    }
    lines
}

fn escape(line: &[u8]) -> String {
    let text = String::from_utf8_lossy(line);
    let escaped: String = text.chars().flat_map(char::escape_debug).collect();
    format!("\"{escaped}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exec(outcome: Outcome, stdout: &str) -> Execution {
        Execution { stdout: stdout.into(), ..Execution::not_run(vec![], outcome) }
    }

    fn spec(json: &str) -> Spec {
        Spec::parse(json).unwrap()
    }

    const T: Duration = Duration::from_secs(30);

    #[test]
    fn unchecked_output_passes() {
        assert_eq!(judge(Some(&spec("{}")), &exec(Outcome::Exited(0), "anything"), T), None);
    }

    #[test]
    fn wrong_exit_code() {
        let failure = judge(Some(&spec(r#"{"exit_code": 3}"#)), &exec(Outcome::Exited(0), ""), T).unwrap();
        assert_eq!(failure.reason, "exit code 0, expected 3");
    }

    #[test]
    fn a_trap_is_exit_code_134() {
        let trapped = Outcome::Trapped { reason: "wasm trap: unreachable".into(), detail: String::new() };
        assert_eq!(judge(Some(&spec(r#"{"exit_code": 134}"#)), &exec(trapped.clone(), ""), T), None);
        let failure = judge(Some(&spec("{}")), &exec(trapped, ""), T).unwrap();
        assert_eq!(failure.reason, "trapped (wasm trap: unreachable), expected exit code 0");
    }

    #[test]
    fn timeout_and_errors_are_failures() {
        let failure = judge(Some(&spec("{}")), &exec(Outcome::TimedOut, ""), Duration::from_millis(500)).unwrap();
        assert_eq!(failure.reason, "timed out after 0.5s");
        let failure = judge(None, &exec(Outcome::Error("invalid spec: x".into()), ""), T).unwrap();
        assert_eq!(failure.reason, "invalid spec: x");
    }

    #[test]
    fn stdout_diff_starts_at_the_first_differing_line() {
        let failure =
            judge(Some(&spec(r#"{"stdout": "a\nb\nc\n"}"#)), &exec(Outcome::Exited(0), "a\nB\nc"), T).unwrap();
        assert_eq!(failure.reason, "stdout differs");
        assert_eq!(failure.diff, ["stdout, from line 2:", r#"- "b\n""#, r#"- "c\n""#, r#"+ "B\n""#, r#"+ "c""#]);
    }

    #[test]
    fn diff_of_missing_output_and_long_output() {
        let diff = short_diff("stdout", b"x\n", b"");
        assert_eq!(diff, ["stdout, from line 1:", r#"- "x\n""#, "+ (end of output)"]);
        let diff = short_diff("stderr", b"", b"1\n2\n3\n4\n5\n");
        assert_eq!(diff[1..], ["- (end of output)", r#"+ "1\n""#, r#"+ "2\n""#, r#"+ "3\n""#, "+ ... 2 more lines"]);
    }
}
