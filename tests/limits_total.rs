//! `--max-memory` holds in total: over the sum of all linear memories of a
//! guest (multi-memory is on, so a module may declare many) and the host
//! memory its tables hold, not per memory. Each guest runs under the real
//! `capwasi`, whose peak RSS the kernel reports.

mod common;

use common::rss::{baseline_rss, run_cli, run_cli_with};

/// Eight memories of one page; `_start` grows each in turn by 248 pages (to
/// 16 MiB), touches every page of it, and exits with how many grew.
fn eight_memories() -> String {
    let mut wat = String::from(
        "(module\n  (import \"wasi_snapshot_preview1\" \"proc_exit\" (func $exit (param i32)))\n  (global $grown (mut i32) (i32.const 0))\n",
    );
    for m in 0..8 {
        wat.push_str(&format!("  (memory $m{m} 1)\n"));
    }
    wat.push_str("  (export \"memory\" (memory $m0))\n");
    for m in 0..8 {
        wat.push_str(&format!(
            r#"  (func $grow{m} (local $at i32)
    (if (i32.ne (memory.grow $m{m} (i32.const 248)) (i32.const -1))
      (then (global.set $grown (i32.add (global.get $grown) (i32.const 1)))))
    (loop $touch
      (i32.store8 $m{m} (local.get $at) (i32.const 1))
      (local.set $at (i32.add (local.get $at) (i32.const 4096)))
      (br_if $touch (i32.lt_u (local.get $at) (i32.mul (memory.size $m{m}) (i32.const 65536))))))
"#
        ));
    }
    wat.push_str("  (func (export \"_start\")\n");
    for m in 0..8 {
        wat.push_str(&format!("    (call $grow{m})\n"));
    }
    wat.push_str("    (call $exit (global.get $grown))))\n");
    wat
}

#[test]
fn max_memory_caps_the_sum_of_all_linear_memories() {
    // 8 pages to start with and 248 more for the first memory make 16 MiB
    // exactly; every other growth would go past it. A cap per memory let all
    // eight grow: 128 MiB.
    let (code, stderr, rss) = run_cli(&eight_memories(), &["--max-memory", "16M"]);
    let baseline = baseline_rss();
    eprintln!("8 memories under --max-memory 16M: peak RSS {rss} MiB ({baseline} MiB doing nothing)");
    assert_eq!(code, Some(1), "one memory grew, the others were refused: {stderr}");
    assert!(rss < baseline + 16 + 24, "peak RSS {rss} MiB, {baseline} MiB for a guest doing nothing");
}

#[test]
fn without_a_cap_every_memory_grows() {
    let (code, stderr, _) = run_cli(&eight_memories(), &[]);
    assert_eq!(code, Some(8), "{stderr}");
}

/// `grow N` grows the table by N null funcrefs: exits 0 if it grew, 1 if refused.
const TABLE_GROWER: &str = r#"(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (table $t 1 funcref)
  (func (export "grow") (param $n i32)
    (call $exit (i32.eq (table.grow $t (ref.null func) (local.get $n)) (i32.const -1)))))"#;

#[test]
fn max_memory_holds_the_host_memory_of_tables_too() {
    // 16M funcrefs are 128 MiB of host memory, for a guest capped at 128K.
    let (code, stderr, rss) = run_cli_with(TABLE_GROWER, &["--max-memory", "128K", "--invoke", "grow"], &["16777216"]);
    let baseline = baseline_rss();
    eprintln!("table.grow of 16M funcrefs under --max-memory 128K: peak RSS {rss} MiB ({baseline} MiB doing nothing)");
    assert_eq!(code, Some(1), "table.grow returned -1: {stderr}");
    assert!(rss < baseline + 16, "peak RSS {rss} MiB, {baseline} MiB for a guest doing nothing");
}

#[test]
fn tables_within_the_cap_grow() {
    // One page (64K) and 1 + 8191 elements of 8 bytes: exactly 128K.
    let (code, stderr, _) = run_cli_with(TABLE_GROWER, &["--max-memory", "128K", "--invoke", "grow"], &["8191"]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, stderr, _) = run_cli_with(TABLE_GROWER, &["--max-memory", "128K", "--invoke", "grow"], &["8192"]);
    assert_eq!(code, Some(1), "one element past the cap: {stderr}");
}
