//! Rust's std::fs over a preopen at /sandbox: the calls real Rust programs make.
//! Prints one line per step; the host test compares them and then inspects the
//! real directory.

use std::fs;
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};

fn main() {
    let root = "/sandbox";
    fs::create_dir_all(format!("{root}/a/b/c")).unwrap();
    println!("create_dir_all: ok");

    fs::write(format!("{root}/a/b/c/file.txt"), b"hello from std").unwrap();
    let text = fs::read_to_string(format!("{root}/a/b/c/file.txt")).unwrap();
    println!("read back: {text}");

    let meta = fs::metadata(format!("{root}/a/b/c/file.txt")).unwrap();
    println!("metadata: file={} len={}", meta.is_file(), meta.len());

    let mut file = fs::OpenOptions::new().append(true).open(format!("{root}/a/b/c/file.txt")).unwrap();
    file.write_all(b"!").unwrap();
    drop(file);
    let mut file = fs::File::open(format!("{root}/a/b/c/file.txt")).unwrap();
    file.seek(SeekFrom::Start(6)).unwrap();
    let mut rest = String::new();
    file.read_to_string(&mut rest).unwrap();
    println!("after append, from offset 6: {rest}");

    for name in ["x", "y", "z"] {
        fs::write(format!("{root}/a/{name}.txt"), name).unwrap();
    }
    let mut names: Vec<String> =
        fs::read_dir(format!("{root}/a")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    println!("read_dir: {}", names.join(","));

    fs::rename(format!("{root}/a/x.txt"), format!("{root}/a/b/moved.txt")).unwrap();
    println!("rename: {}", fs::read_to_string(format!("{root}/a/b/moved.txt")).unwrap());

    // The host made /sandbox/link -> a/b/moved.txt (std's symlink is unstable on WASI).
    fs::rename(format!("{root}/link"), format!("{root}/a/link")).unwrap();
    println!("read_link: {}", fs::read_link(format!("{root}/a/link")).unwrap().display());
    println!("through link: {}", fs::read_to_string(format!("{root}/a/link")).unwrap());
    println!("symlink_metadata is_symlink: {}", fs::symlink_metadata(format!("{root}/a/link")).unwrap().is_symlink());

    fs::hard_link(format!("{root}/a/y.txt"), format!("{root}/a/y-hard.txt")).unwrap();
    println!("hard link: {}", fs::read_to_string(format!("{root}/a/y-hard.txt")).unwrap());

    let missing = fs::read(format!("{root}/nope")).unwrap_err();
    println!("missing: {:?}", missing.kind());
    let exists = fs::create_dir(format!("{root}/a")).unwrap_err();
    println!("create existing dir: {:?}", exists.kind());
    let not_empty = fs::remove_dir(format!("{root}/a")).unwrap_err();
    println!("remove non-empty dir: os error {:?}", not_empty.raw_os_error());
    let escape = fs::read(format!("{root}/../etc/passwd")).unwrap_err();
    println!("escape: os error {:?}", escape.raw_os_error());
    let not_preopened = fs::read("/etc/passwd").unwrap_err();
    println!("outside every preopen: {:?}", not_preopened.kind());

    fs::remove_file(format!("{root}/a/z.txt")).unwrap();
    fs::remove_dir_all(format!("{root}/a/b")).unwrap();
    let mut left: Vec<String> =
        fs::read_dir(format!("{root}/a")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    left.sort();
    println!("left in a: {}", left.join(","));
    assert_eq!(ErrorKind::NotFound, missing.kind());
}
