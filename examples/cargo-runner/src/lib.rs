//! Word statistics over text files: a small library whose unit and integration tests run
//! as wasm32-wasip1 programs under capwasi (see Cargo.toml).

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

/// The number of whitespace-separated words in `text`.
///
/// ```
/// assert_eq!(cargo_runner::count_words("the owl and the pussy-cat"), 5);
/// ```
pub fn count_words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// How often each word occurs in `text`, lowercased, punctuation trimmed.
pub fn frequencies(text: &str) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for word in text.split_whitespace() {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
        if !word.is_empty() {
            *counts.entry(word).or_default() += 1;
        }
    }
    counts
}

/// The number of words in the file at `path`.
pub fn count_file(path: impl AsRef<Path>) -> io::Result<usize> {
    Ok(count_words(&std::fs::read_to_string(path)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_words_separated_by_any_whitespace() {
        assert_eq!(count_words(" one\ttwo\n three  "), 3);
        assert_eq!(count_words(""), 0);
    }

    #[test]
    fn frequencies_ignore_case_and_punctuation() {
        let counts = frequencies("The cat, the hat.");
        assert_eq!(counts["the"], 2);
        assert_eq!(counts["hat"], 1);
    }

    /// Reads a fixture through the preopened crate directory.
    #[test]
    fn counts_the_words_of_a_fixture() {
        assert_eq!(count_file("tests/fixtures/poem.txt").unwrap(), 12);
    }

    /// Prints a line that `cargo test -- --nocapture` shows and plain `cargo test` hides.
    #[test]
    fn prints_what_it_counted() {
        let words = count_file("tests/fixtures/poem.txt").unwrap();
        println!("the poem has {words} words");
    }

    /// Fails by returning an error: the harness reports it and goes on.
    #[cfg(feature = "failing")]
    #[test]
    fn fails_on_purpose() -> Result<(), String> {
        let words = count_words("two words");
        if words == 3 { Ok(()) } else { Err(format!("counted {words} words, want 3 (this test fails on purpose)")) }
    }
}
