//! `capwasi completions SHELL` and `capwasi man`: shell completions and manual
//! pages generated from the command line's definition (`flags::command`), so they list
//! exactly the flags capwasi takes, with the same help text and headings.

use std::io::Write as _;
use std::path::Path;

use super::flags::{ManFlags, command};

/// Writes the completion script for `shell` to stdout (nothing if stdout is
/// gone: clap_complete would panic writing to it).
pub fn completions(shell: clap_complete::Shell) {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command(), "capwasi", &mut script);
    let _ = std::io::stdout().write_all(&script);
}

/// Writes capwasi(1), or a subcommand's page, to stdout; with `--out-dir`,
/// every page into that directory (capwasi.1, capwasi-run.1, ...).
pub fn man(flags: ManFlags) -> Result<(), String> {
    let mut command = command().disable_help_subcommand(true);
    // Building names each subcommand's page after its whole command (capwasi-run).
    command.build();
    if let Some(dir) = flags.out_dir {
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        return write_pages(&command, &dir).map_err(|e| format!("cannot write into {}: {e}", dir.display()));
    }
    let page = match &flags.command {
        None => command,
        Some(name) => command.find_subcommand(name).cloned().ok_or_else(|| {
            let names: Vec<_> = command.get_subcommands().map(|c| c.get_name().to_string()).collect();
            format!("no subcommand '{name}' (there are: {})", names.join(", "))
        })?,
    };
    let mut roff = Vec::new();
    page_of(page).render(&mut roff).map_err(|e| e.to_string())?;
    std::io::stdout().write_all(&roff).map_err(|e| format!("cannot write the page: {e}"))
}

/// The page of `command`, its footer naming this capwasi.
fn page_of(command: clap::Command) -> clap_mangen::Man {
    clap_mangen::Man::new(command).source(concat!("capwasi ", env!("CARGO_PKG_VERSION"))).manual("capwasi")
}

/// Writes the page of `command` and of each of its subcommands into `dir`.
fn write_pages(command: &clap::Command, dir: &Path) -> std::io::Result<()> {
    for sub in command.get_subcommands() {
        write_pages(sub, dir)?;
    }
    page_of(command.clone()).generate_to(dir).map(drop)
}
