//! Prints "before panic" to stdout, then panics. On wasm32-wasip1 a panic aborts, which
//! traps (`unreachable`) after the panic message is written to stderr.

fn main() {
    println!("before panic");
    panic!("this guest panics on purpose");
}
