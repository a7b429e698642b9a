//! Integration tests: the library against the fixture files in tests/fixtures/, read through
//! the directory capwasi preopens.

use std::fs;

use cargo_runner::{count_file, frequencies};

#[test]
fn every_fixture_is_listed_and_counted() {
    let mut names: Vec<String> = fs::read_dir("tests/fixtures")
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["empty.txt", "poem.txt"]);
    assert_eq!(count_file("tests/fixtures/empty.txt").unwrap(), 0);
}

#[test]
fn the_poems_most_frequent_word() {
    let counts = frequencies(&fs::read_to_string("tests/fixtures/poem.txt").unwrap());
    let (word, n) = counts.iter().max_by_key(|(_, n)| **n).unwrap();
    assert_eq!((word.as_str(), *n), ("the", 3));
}

#[test]
fn a_missing_fixture_is_not_found() {
    let err = count_file("tests/fixtures/missing.txt").unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
}

/// Fails with a panic: wasm32-wasip1 aborts on panic, so the test binary traps and cargo
/// reports it as failed.
#[cfg(feature = "failing")]
#[test]
fn panics_on_purpose() {
    assert_eq!(frequencies("the the")["the"], 3, "this test fails on purpose");
}
