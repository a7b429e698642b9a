//! Exits with the code given as the first argument, via std::process::exit (proc_exit).
//! Prints nothing. Without a numeric argument: a usage line on stderr and exit code 2.

fn main() {
    let code = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse::<i32>().ok());
    match code {
        Some(code) => std::process::exit(code),
        None => {
            eprintln!("usage: exit_code <code>");
            std::process::exit(2);
        }
    }
}
