//! The `capwasi` command; see `capwasi --help`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
