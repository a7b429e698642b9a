//! The embedding example runs in the test suite.

#[path = "../examples/embed.rs"]
mod embed;

#[test]
fn embedding_example_runs_with_a_custom_host_function_and_memory_stdio() {
    let (printed, pings) = embed::run().expect("example runs");
    assert_eq!(printed, "pinged the host\n");
    assert_eq!(pings, 2);
}
