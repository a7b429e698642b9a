//! What capwasi says about its own flags: `run --help` grouped by topic, shell completions
//! (`capwasi completions SHELL`) and manual pages (`capwasi man`), all generated from the one
//! set of flag definitions, so each lists every flag of `capwasi run`.

mod common;

use common::capwasi;

/// Every long flag of `capwasi run`, under the heading `--help` shows it in.
const RUN_FLAGS: &[(&str, &[&str])] = &[
    ("Preopens (what the guest may reach):", &["--dir", "--mapdir", "--tcplisten", "--listenfd"]),
    ("Environment and arguments:", &["--env", "--inherit-env", "--argv0"]),
    (
        "Module and compilation:",
        &["--invoke", "--trap-unknown-imports", "--no-cache", "--cold-compiler", "--allow-precompiled"],
    ),
    ("Limits:", &["--max-fds", "--max-memory", "--fuel", "--timeout", "--max-wasm-stack"]),
    ("Debugging:", &["--trace", "--trace-file"]),
    ("Policy files (all of the above in one file) and stats:", &["--policy", "--print-policy", "--stats"]),
    ("wasmtime run options (-W help, -S help list them):", &["--wasm", "--wasi"]),
];

fn stdout(args: &[&str]) -> String {
    let out = capwasi(args);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn run_help_groups_the_flags_by_topic() {
    let help = stdout(&["run", "--help"]);
    let mut sections = help.split("\n\n");
    for (heading, flags) in RUN_FLAGS {
        let section = sections.find(|s| s.starts_with(heading)).unwrap_or_else(|| panic!("no {heading}: {help}"));
        for flag in *flags {
            assert!(
                section.contains(&format!("  {flag} "))
                    || section.contains(&format!(" {flag} <"))
                    || section.contains(&format!(" {flag}[=")),
                "{flag}: {section}"
            );
        }
    }
}

#[test]
fn bash_completion_completes_run_flags_and_subcommands() {
    let script = String::from_utf8(capwasi(&["completions", "bash"]).stdout).unwrap();
    let complete = |words: &str, cword: usize| {
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "{script}\nCOMP_WORDS=({words}); COMP_CWORD={cword}; \
                 _capwasi capwasi \"${{COMP_WORDS[$COMP_CWORD]}}\" \"${{COMP_WORDS[$COMP_CWORD-1]}}\"; \
                 echo \"${{COMPREPLY[*]}}\""
            ))
            .output()
            .expect("run bash");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    assert_eq!(complete("capwasi run --max-w", 2), "--max-wasm-stack");
    assert_eq!(complete("capwasi run --inh", 2), "--inherit-env");
    assert_eq!(complete("capwasi bin", 1), "binfmt");
    assert_eq!(complete("capwasi binfmt ''", 2), "-h --help install uninstall status print exec help");
}

#[test]
fn zsh_and_fish_completions_describe_every_run_flag() {
    let zsh = stdout(&["completions", "zsh"]);
    let fish = stdout(&["completions", "fish"]);
    assert!(zsh.starts_with("#compdef capwasi\n"), "{zsh}");
    for flag in RUN_FLAGS.iter().flat_map(|(_, flags)| flags.iter()) {
        let name = &flag[2..];
        assert!(zsh.contains(&format!("'{flag}")) || zsh.contains(&format!("'*{flag}")), "zsh lacks {flag}");
        let in_run = |line: &&str| line.contains("__fish_capwasi_using_subcommand run\"");
        assert!(fish.lines().filter(in_run).any(|l| l.contains(&format!(" -l {name} "))), "fish lacks {flag}");
    }
    assert!(fish.contains("-l max-wasm-stack -d 'Let wasm code use up to SIZE bytes of stack"), "{fish}");
}

#[test]
fn the_run_man_page_lists_every_flag_under_its_heading() {
    let page = stdout(&["man", "run"]);
    assert!(page.contains(".TH capwasi-run 1 "), "{page}");
    for (heading, flags) in RUN_FLAGS {
        let heading = heading.trim_end_matches(':').to_uppercase();
        let at = page.find(&format!(".SH \"{heading}\"")).or_else(|| page.find(&format!(".SH {heading}\n")));
        let section = &page[at.unwrap_or_else(|| panic!("no {heading}: {page}"))..];
        for flag in *flags {
            assert!(section.contains(&format!("\\fB{}\\fR", flag.replace('-', "\\-"))), "{flag}: {page}");
        }
    }
}

#[test]
fn man_out_dir_writes_a_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("man1");
    stdout(&["man", "--out-dir", out_dir.to_str().unwrap()]);
    for page in ["capwasi.1", "capwasi-run.1", "capwasi-binfmt-install.1", "capwasi-completions.1"] {
        let text = std::fs::read_to_string(out_dir.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(text.contains(&format!(".TH {} 1 ", page.trim_end_matches(".1"))), "{page}: {text}");
    }
}
