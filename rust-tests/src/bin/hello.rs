//! Prints "hello, world" to stdout and exits 0.

fn main() {
    println!("hello, world");
}
