//! `--policy FILE.toml` and `--print-policy`: a printed policy loads back and
//! prints the same, a run from a policy sees what it says, flags override it,
//! and bad policy files are usage errors naming the file, line and key.

mod common;

use common::cli::{capwasi, output, stderr, stdout, wat};
use common::guest;

fn print_policy(args: &[&str]) -> String {
    let mut all = vec!["run", "--print-policy"];
    all.extend_from_slice(args);
    let out = output(capwasi(&all).env("HOME_DIR", "/home/u"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn a_printed_policy_loads_back_and_prints_the_same() {
    let data = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let ro = format!("{}::/data::ro", data.path().display());
    let rw = format!("/out::{}", out_dir.path().display());
    let printed = print_policy(&[
        "--dir",
        &ro,
        "--mapdir",
        &rw,
        "--env",
        "LANG=C",
        "--env",
        "HOME_DIR",
        "--env",
        "UNSET",
        "--argv0",
        "prog",
        "--tcplisten",
        "127.0.0.1:8080",
        "--fuel",
        "1000000",
        "--timeout",
        "90s",
        "--max-memory",
        "64M",
        "--max-fds",
        "32",
        "--max-wasm-stack",
        "8M",
        "guest.wasm",
        "a",
        "b c",
    ]);
    let expected = format!(
        r#"# capwasi policy: capwasi run --policy FILE [FLAGS] MODULE
argv0 = "prog"
args = ["a", "b c"]

[env]
LANG = "C"
HOME_DIR = "/home/u"

[[dir]]
host = "{}"
guest = "/data"
read_only = true

[[dir]]
host = "{}"
guest = "/out"

[sockets]
tcplisten = ["127.0.0.1:8080"]

[limits]
fuel = 1000000
timeout = "90s"
max_memory = "64M"
max_fds = 32
max_wasm_stack = "8M"
"#,
        data.path().display(),
        out_dir.path().display()
    );
    assert_eq!(printed, expected);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("run.toml");
    std::fs::write(&file, &printed).unwrap();
    let file = file.display().to_string();
    assert_eq!(print_policy(&["--policy", &file]), printed, "loaded and printed again");
    assert_eq!(print_policy(&["--policy", &file, "guest.wasm"]), printed);
}

#[test]
fn a_run_from_a_policy_sees_its_arguments_environment_and_directories() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("fixture")).unwrap();
    std::fs::write(dir.path().join("fixture/in.txt"), "from the policy\n").unwrap();
    let policy = dir.path().join("p.toml");
    std::fs::write(
        &policy,
        "argv0 = \"cp\"\nargs = [\"/data/in.txt\", \"/data/out.txt\"]\n\
         [[dir]]\nhost = \"fixture\"\nguest = \"/data\"\n",
    )
    .unwrap();
    let policy = policy.display().to_string();
    let out = output(&mut capwasi(&["run", "--policy", &policy, &guest("examples/copy").display().to_string()]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(dir.path().join("fixture/out.txt")).unwrap(), "from the policy\n");

    std::fs::write(dir.path().join("env.toml"), "args = [\"x\"]\n[env]\nA = \"1\"\nB = \"2\"\n").unwrap();
    let env_policy = dir.path().join("env.toml").display().to_string();
    let args_env = guest("c-tests/args_env").display().to_string();
    let out = output(&mut capwasi(&["run", "--policy", &env_policy, &args_env]));
    assert_eq!(stdout(&out), "argc=2\nargv[0]=args_env.wasm\nargv[1]=x\nenv:A=1\nenv:B=2\n");
    // Flags override: a variable by name, the arguments as a whole.
    let out = output(&mut capwasi(&["run", "--policy", &env_policy, "--env", "A=flag", &args_env, "y", "z"]));
    assert_eq!(stdout(&out), "argc=3\nargv[0]=args_env.wasm\nargv[1]=y\nargv[2]=z\nenv:A=flag\nenv:B=2\n");
}

#[test]
fn flags_override_the_policys_limits_and_lines_name_where_a_limit_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let module =
        wat(&dir, "spin", r#"(module (memory (export "memory") 1) (func (export "_start") (loop $l (br $l))))"#);
    let policy = dir.path().join("p.toml");
    std::fs::write(&policy, "[limits]\ntimeout = \"200ms\"\nfuel = 10_000_000_000\n").unwrap();
    let policy = policy.display().to_string();
    let out = output(&mut capwasi(&["run", "--policy", &policy, &module]));
    assert_eq!(out.status.code(), Some(124));
    assert_eq!(stderr(&out), format!("capwasi: timed out after 200ms (limits.timeout in {policy})\n"));
    let out = output(&mut capwasi(&["run", "--policy", &policy, "--fuel", "1000", &module]));
    assert_eq!(out.status.code(), Some(152));
    assert_eq!(stderr(&out), "capwasi: fuel exhausted after 1000 instructions (--fuel 1000)\n");
}

#[test]
fn a_dir_flag_replaces_the_policys_preopen_of_the_same_guest_name() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a", "b"] {
        std::fs::create_dir(dir.path().join(name)).unwrap();
    }
    let policy = dir.path().join("p.toml");
    std::fs::write(&policy, "[[dir]]\nhost = \"a\"\nguest = \"/d\"\n[[dir]]\nhost = \"b\"\nguest = \"/e\"\n").unwrap();
    let b = dir.path().join("b").display().to_string();
    let printed = print_policy(&["--policy", &policy.display().to_string(), "--dir", &format!("{b}::/d::ro")]);
    let dirs: Vec<&str> = printed.lines().filter(|l| l.starts_with("host") || l.starts_with("guest")).collect();
    assert_eq!(
        dirs,
        [format!("host = \"{b}\""), "guest = \"/e\"".into(), format!("host = \"{b}\""), "guest = \"/d\"".into()]
    );
}

/// `text` as a policy file in a fresh dir, and what `capwasi run --policy`
/// says of it on stderr (after checking it is a usage error).
fn policy_error(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, text).unwrap();
    let out = output(&mut capwasi(&["run", "--policy", &file.display().to_string(), "m.wasm"]));
    assert_eq!(out.status.code(), Some(2), "a bad policy is a usage error");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    err.replace(&dir.path().display().to_string(), "DIR")
}

#[test]
fn bad_policy_files_name_the_file_the_line_and_the_key() {
    assert_eq!(
        policy_error("[limits]\ntimeout = \"2s\"\nfuell = 5\n"),
        "capwasi: DIR/bad.toml:3: limits: unknown field `fuell`, expected one of `fuel`, `timeout`, `max_memory`, `max_fds`, `max_wasm_stack`\n"
    );
    assert_eq!(
        policy_error("[limits]\ntimeout = \"2 fortnights\"\n"),
        "capwasi: DIR/bad.toml:2: limits.timeout: '2 fortnights' is not a duration (examples: 500ms, 2s, 1m, 1h)\n"
    );
    assert_eq!(
        policy_error("[limits]\nmax_memory = \"1T\"\n"),
        "capwasi: DIR/bad.toml:2: limits.max_memory: '1T' is not a size (examples: 65536, 64K, 16M, 2G)\n"
    );
    assert_eq!(
        policy_error("[[dir]]\nguest = \"/d\"\nhost = \"missing\"\n"),
        "capwasi: DIR/bad.toml:3: dir.host: no such directory 'DIR/missing'\n"
    );
    assert_eq!(
        policy_error("[env]\nA = 1\n"),
        "capwasi: DIR/bad.toml:2: env.A: invalid type: integer `1`, expected a string\n"
    );
    assert!(policy_error("[limits\n").starts_with("capwasi: DIR/bad.toml:1: "));
}

#[test]
fn a_missing_policy_file_is_a_usage_error() {
    let out = output(&mut capwasi(&["run", "--policy", "/no/such/policy.toml", "m.wasm"]));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "capwasi: --policy /no/such/policy.toml: cannot read it: no such file\n");
}

#[test]
fn route_tables_are_checked_as_strictly_as_the_rest_and_run_refuses_them() {
    assert_eq!(
        policy_error("[[route]]\nprefix = \"/a\"\nmodule = \"m.wasm\"\nmystery = 1\n"),
        "capwasi: DIR/bad.toml:4: route: unknown field `mystery`, expected one of `prefix`, `module`, `args`, `env`, `dir`, `limits`\n"
    );
    assert_eq!(
        policy_error("[[route]]\nprefix = \"api\"\nmodule = \"m.wasm\"\n"),
        "capwasi: DIR/bad.toml:2: route.prefix: route prefix 'api' must be a path starting with '/' (examples: /, /api)\n"
    );
    assert_eq!(
        policy_error("[[route]]\nprefix = \"/a\"\nmodule = \"m.wasm\"\n"),
        "capwasi: DIR/bad.toml:3: route.module: no such file 'DIR/m.wasm'\n"
    );
    assert_eq!(
        policy_error("[[route]]\nprefix = \"/a\"\nmodule = \"bad.toml\"\n[route.limits]\nfuel = 0\n"),
        "capwasi: DIR/bad.toml:5: route.limits.fuel: 0 allows no instruction at all; give a positive count of fuel units\n"
    );
    assert_eq!(
        policy_error(
            "[[route]]\nprefix = \"/a\"\nmodule = \"bad.toml\"\n[[route]]\nprefix = \"/a/\"\nmodule = \"bad.toml\"\n"
        ),
        "capwasi: DIR/bad.toml:5: route.prefix: '/a' is given twice\n"
    );
    // Well formed, but a route means nothing to `run`.
    assert_eq!(
        policy_error("[[route]]\nprefix = \"/a\"\nmodule = \"bad.toml\"\n"),
        "capwasi: --policy DIR/bad.toml: [[route]] tables are for capwasi serve; capwasi run runs FILE (leave them out)\n"
    );
}
