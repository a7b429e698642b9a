//! Files capwasi writes for the user (`--stats=json:PATH`, `--trace-file
//! PATH`, `capwasi test --json OUT`) are opened before the guest starts and
//! never through a symbolic link: a guest whose writable preopen holds such a
//! path cannot make the host write a file outside its preopens, neither with a
//! link planted before the run nor with one swapped in while it runs.

mod common;

use std::path::{Path, PathBuf};

use common::cli::{capwasi, output, stderr, wat};

/// Removes `out` from the preopen at fd 3 and puts a link `out ->
/// ../victim.txt` in its place, then exits 0: the guest that swaps a link in
/// while it runs.
const SWAP_IN_LINK: &str = r#"(module
  (import "wasi_snapshot_preview1" "path_unlink_file" (func $unlink (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_symlink" (func $symlink (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "out")
  (data (i32.const 200) "../victim.txt")
  (func (export "_start")
    (if (call $unlink (i32.const 3) (i32.const 100) (i32.const 3)) (then (call $exit (i32.const 10))))
    (if (call $symlink (i32.const 200) (i32.const 13) (i32.const 3) (i32.const 100) (i32.const 3))
      (then (call $exit (i32.const 11))))
    (call $exit (i32.const 0))))"#;

/// A temp dir holding `victim.txt` (outside the guest's reach) and `box/`
/// (its preopen), with the swapping guest; the dir, `box/out` and the module.
fn scene() -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("victim.txt"), "precious\n").unwrap();
    std::fs::create_dir(dir.path().join("box")).unwrap();
    let module = wat(&dir, "swap", SWAP_IN_LINK);
    let out = dir.path().join("box/out");
    (dir, out, module)
}

fn victim(dir: &tempfile::TempDir) -> String {
    std::fs::read_to_string(dir.path().join("victim.txt")).unwrap()
}

fn box_dir(dir: &tempfile::TempDir) -> String {
    format!("{}::.", dir.path().join("box").display())
}

fn plant_link(out: &Path) {
    std::os::unix::fs::symlink("../victim.txt", out).unwrap();
}

#[test]
fn stats_json_swapped_for_a_link_while_the_guest_runs_leaves_the_target_alone() {
    let (dir, out, module) = scene();
    let flag = format!("--stats=json:{}", out.display());
    let run = output(&mut capwasi(&["run", "--no-cache", "--dir", &box_dir(&dir), &flag, &module]));
    assert_eq!((run.status.code(), stderr(&run)), (Some(0), String::new()));
    assert_eq!(victim(&dir), "precious\n");
    assert_eq!(std::fs::read_link(&out).unwrap(), Path::new("../victim.txt"), "the guest's link is left as it is");
}

#[test]
fn trace_file_swapped_for_a_link_while_the_guest_runs_leaves_the_target_alone() {
    let (dir, out, module) = scene();
    let file = out.display().to_string();
    let run = output(&mut capwasi(&["run", "--no-cache", "--dir", &box_dir(&dir), "--trace-file", &file, &module]));
    assert_eq!((run.status.code(), stderr(&run)), (Some(0), String::new()));
    assert_eq!(victim(&dir), "precious\n");
}

#[test]
fn a_stats_json_path_or_trace_file_that_is_a_link_at_start_is_refused_before_the_guest_runs() {
    for (prefix, flag) in [("--stats=json", "--stats=json:"), ("--trace-file", "--trace-file=")] {
        let (dir, out, module) = scene();
        plant_link(&out);
        let flag = format!("{flag}{}", out.display());
        let run = output(&mut capwasi(&["run", "--no-cache", "--dir", &box_dir(&dir), &flag, &module]));
        assert_eq!(run.status.code(), Some(2));
        assert_eq!(
            stderr(&run),
            format!(
                "capwasi: {prefix}: {} is a symbolic link, and capwasi does not write its files through one \
                 (a guest may have planted it): remove it, or name another path\n",
                out.display()
            )
        );
        assert_eq!(victim(&dir), "precious\n");
    }
}

#[test]
fn a_test_report_path_that_is_a_link_is_refused() {
    let (dir, out, module) = scene();
    plant_link(&out);
    let run = output(&mut capwasi(&["test", "--json", &out.display().to_string(), &module]));
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).starts_with("capwasi test: --json: "), "{}", stderr(&run));
    assert!(stderr(&run).contains("is a symbolic link"), "{}", stderr(&run));
    assert_eq!(victim(&dir), "precious\n");
}

/// Calls clock_time_get 1000 times: about 60 KB of trace.
const CHATTY: &str = r#"(module
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (local $i i32)
    (loop $again
      (drop (call $clock (i32.const 1) (i64.const 0) (i32.const 0)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (i32.const 1000))))))"#;

#[test]
fn a_trace_file_stops_at_trace_max_with_a_line_saying_so() {
    let dir = tempfile::tempdir().unwrap();
    let module = wat(&dir, "chatty", CHATTY);
    let file = dir.path().join("trace.txt");
    let path = file.display().to_string();
    let run = output(&mut capwasi(&["run", "--no-cache", "--trace-file", &path, "--trace-max", "1K", &module]));
    assert_eq!((run.status.code(), stderr(&run)), (Some(0), String::new()));
    let text = std::fs::read_to_string(&file).unwrap();
    let (kept, last) = text.trim_end().rsplit_once('\n').unwrap();
    assert_eq!(last, "capwasi: trace cut here: the file reached --trace-max (1024 bytes)");
    assert!(kept.len() < 1024 && kept.lines().all(|l| l.starts_with("==> ") || l.starts_with("<== ")), "{kept}");
    assert_eq!(text.lines().filter(|l| l.starts_with("capwasi:")).count(), 1);

    // The default keeps all of a run this size.
    let run = output(&mut capwasi(&["run", "--no-cache", "--trace-file", &path, &module]));
    assert_eq!(run.status.code(), Some(0));
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().filter(|l| l.starts_with("==> clock_time_get")).count(), 1000);
    assert!(!text.contains("trace cut"));
}
