//! Args, environment, exit status, clocks and random through real C and Rust guests.

mod common;

use common::{guest, run};

#[test]
fn hello_world_c() {
    let out = run(&guest("c-tests/hello"), |b| {
        b.arg("hello");
    });
    assert_eq!(out.exit, Some(0), "{out:?}");
    assert_eq!(out.stdout, "hello, world\n");
}
