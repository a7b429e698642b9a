//! Prints the arguments and the environment exactly as the host passed them, in the same
//! format as c-tests/args_env.c:
//!   argc=N
//!   argv[i]=...      one line per argument
//!   env:K=V          one line per environment entry, in the order given

fn main() {
    let args: Vec<_> = std::env::args_os().collect();
    println!("argc={}", args.len());
    for (i, arg) in args.iter().enumerate() {
        println!("argv[{i}]={}", arg.to_string_lossy());
    }
    for (key, value) in std::env::vars_os() {
        println!("env:{}={}", key.to_string_lossy(), value.to_string_lossy());
    }
}
