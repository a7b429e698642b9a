//! A name swapped between a symlink to an inside target, a plain file and a
//! symlink to an escape while the guest opens it (c-tests/fs_race.c): a plain
//! file is opened without following, a symlink resolved beneath the preopen
//! by cap-std in one step, so the guest sees inside content or ENOTCAPABLE,
//! and never the canary outside.

mod common;

use std::os::unix::fs::symlink;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use capwasi::DirPerms;
use common::{guest, run};

#[test]
fn a_symlink_swapped_to_an_escape_during_opens_never_leaks() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    let sandbox = tmp.path().join("sandbox");
    std::fs::create_dir(&outside).unwrap();
    std::fs::create_dir(&sandbox).unwrap();
    std::fs::write(outside.join("canary"), "secret").unwrap();
    std::fs::write(sandbox.join("inside"), "inside").unwrap();
    symlink("inside", sandbox.join("link")).unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let swapper = {
        let (stop, sandbox) = (stop.clone(), sandbox.clone());
        std::thread::spawn(move || {
            let mut swaps = 0u64;
            while !stop.load(Ordering::Relaxed) {
                // A symlink in, a plain file (which capwasi opens with one openat, not
                // following), a symlink out.
                for target in [Some("inside"), None, Some("../outside/canary")] {
                    let staged = sandbox.join(".staged");
                    match target {
                        Some(target) => symlink(target, &staged).unwrap(),
                        None => std::fs::write(&staged, "inside").unwrap(),
                    }
                    std::fs::rename(&staged, sandbox.join("link")).unwrap();
                    swaps += 1;
                }
            }
            swaps
        })
    };
    let out = run(&guest("c-tests/fs_race"), |b| {
        b.args(["fs_race", "20000"]);
        b.preopened_dir_path(&sandbox, "/sandbox", DirPerms::ReadWrite).unwrap();
    });
    stop.store(true, Ordering::Relaxed);
    let swaps = swapper.join().unwrap();
    assert_eq!(out.exit, Some(0), "{out:?}");

    let counts: Vec<u32> =
        out.stdout.trim().split(' ').map(|kv| kv.split_once('=').unwrap().1.parse().unwrap()).collect();
    let [opened, refused, other, leaks] = counts[..] else { panic!("{}", out.stdout) };
    eprintln!("{}", out.stdout.trim());
    assert_eq!(leaks, 0, "the canary was read: {}", out.stdout);
    assert_eq!(opened + refused + other, 20000);
    assert!(swaps > 100, "the link was swapped during the run ({swaps} swaps)");
    assert!(opened > 0 && refused > 0, "both targets were seen: {}", out.stdout);
    assert_eq!(std::fs::read_to_string(outside.join("canary")).unwrap(), "secret");
}
