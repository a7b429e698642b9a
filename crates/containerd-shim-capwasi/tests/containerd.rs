//! The shim under a real containerd: a private containerd per run (its own
//! config, root, state and socket under a temp dir, in a private mount
//! namespace with its own /run/containerd; stopped by PID), images the test
//! builds (an OCI layout tarball, `ctr image import`) holding a wasm32-wasip1
//! guest (support/probe.rs), and `ctr run` with the capwasi runtime.
//!
//! Needs root and containerd 1.6 with ctr (apt containerd, which scripts/setup
//! installs); without them the test says why and passes without running.
//! Every ctr command is bounded by `timeout`, so a hung shim fails the test.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const RUNTIME: &str = "io.containerd.capwasi.v1";
const PROBE: &str = "docker.io/library/capwasi-probe:test";
const FORGED: &str = "docker.io/library/capwasi-forged:test";
const NATIVE: &str = "docker.io/library/capwasi-native:test";
/// WASI's ENOTCAPABLE and ENOENT, as Rust's std on wasip1 reports them.
const ENOTCAPABLE: i32 = 76;
const ENOENT: i32 = 44;

fn support(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support").join(name)
}

/// Why this machine cannot run the test, if it cannot.
fn missing_requirement() -> Option<String> {
    if !rustix::process::geteuid().is_root() {
        return Some("not root (containerd and its shims need root)".into());
    }
    for tool in ["containerd", "ctr", "unshare"] {
        if !Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
        {
            return Some(format!("'{tool}' is not installed (scripts/setup installs containerd)"));
        }
    }
    None
}

fn run_ok(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A containerd of the test's own, stopped (by PID) when dropped.
struct Containerd {
    dir: tempfile::TempDir,
}

impl Containerd {
    fn start() -> Containerd {
        let dir = tempfile::tempdir().unwrap();
        let shim_dir = Path::new(env!("CARGO_BIN_EXE_containerd-shim-capwasi-v1")).parent().unwrap();
        run_ok(Command::new(support("private-containerd")).arg("start").arg(dir.path().join("c")).arg(shim_dir));
        Containerd { dir }
    }

    fn ctr(&self, timeout_secs: u32) -> Command {
        let mut cmd = Command::new("timeout");
        cmd.arg(timeout_secs.to_string()).arg("ctr").arg("--address").arg(self.dir.path().join("c/containerd.sock"));
        cmd
    }

    /// `ctr run --rm` of `image` with capwasi, `options` before the image, `args` after the id.
    fn run(&self, id: &str, image: &str, options: &[&str], args: &[&str]) -> Command {
        let mut cmd = self.ctr(60);
        cmd.args(["run", "--rm", "--runtime", RUNTIME, "--fifo-dir"])
            .arg(self.dir.path().join("c/fifo"))
            .args(options)
            .args([image, id])
            .args(args);
        cmd
    }

    fn import(&self, tarball: &Path) {
        run_ok(self.ctr(60).args(["image", "import", "--all-platforms"]).arg(tarball));
    }
}

impl Drop for Containerd {
    fn drop(&mut self) {
        let _ = Command::new(support("private-containerd")).arg("stop").arg(self.dir.path().join("c")).status();
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn output(mut cmd: Command) -> Output {
    cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// Builds the probe guest and the images: the probe as /probe.wasm, a forged
/// one whose /app.wasm is precompiled native code (an ELF file), and one whose
/// entrypoint is a native program (busybox, when installed).
fn build_images(containerd: &Containerd, work: &Path) {
    let rootfs = work.join("rootfs");
    std::fs::create_dir_all(&rootfs).unwrap();
    run_ok(
        Command::new("rustc")
            .args(["--edition", "2024", "-O", "-C", "strip=debuginfo", "--target", "wasm32-wasip1"])
            .arg(support("probe.rs"))
            .arg("-o")
            .arg(rootfs.join("probe.wasm")),
    );
    run_ok(Command::new(support("oci-image")).arg(work.join("probe.tar")).arg(PROBE).arg(&rootfs));
    containerd.import(&work.join("probe.tar"));

    let forged = work.join("forged");
    std::fs::create_dir_all(&forged).unwrap();
    // What a .cwasm is: an ELF object of machine code (here claiming to be x86-64).
    let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x01\0\x3e\0".to_vec();
    elf.resize(4096, 0x90);
    std::fs::write(forged.join("app.wasm"), elf).unwrap();
    run_ok(Command::new(support("oci-image")).arg(work.join("forged.tar")).arg(FORGED).arg(&forged));
    containerd.import(&work.join("forged.tar"));

    let native = work.join("native");
    std::fs::create_dir_all(native.join("bin")).unwrap();
    std::fs::copy("/bin/busybox", native.join("bin/busybox"))
        .expect("/bin/busybox (apt busybox-static, scripts/setup)");
    run_ok(Command::new(support("oci-image")).arg(work.join("native.tar")).arg(NATIVE).arg(&native));
    containerd.import(&work.join("native.tar"));
}

#[test]
fn containerd_runs_capwasi_containers() {
    if let Some(why) = missing_requirement() {
        eprintln!("SKIPPED containerd_runs_capwasi_containers: {why}");
        return;
    }
    let containerd = Containerd::start();
    let work = tempfile::tempdir().unwrap();
    build_images(&containerd, work.path());

    // A host directory mounted read-only, beside a file the container must not see.
    let shared = work.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::write(shared.join("note.txt"), "shared note\n").unwrap();
    std::fs::write(work.path().join("secret.txt"), "host secret\n").unwrap();
    let ro_mount = format!("type=bind,src={},dst=/data,options=rbind:ro", shared.display());

    hello_world_prints(&containerd);
    args_and_env_reach_the_guest(&containerd);
    a_read_only_bind_mount_is_listed_read_and_refuses_writes(&containerd, &ro_mount, &shared);
    nothing_of_the_host_outside_the_container_is_visible(&containerd, &ro_mount);
    the_guests_exit_status_is_the_tasks(&containerd);
    sigterm_ends_a_sleeping_guest_within_two_seconds(&containerd, "sleep-term", &["sleep", "60"]);
    sigterm_ends_a_sleeping_guest_within_two_seconds(&containerd, "spin-term", &["spin"]);
    the_specs_memory_limit_caps_linear_memory(&containerd);
    a_forged_precompiled_module_is_refused(&containerd);
    a_native_entrypoint_does_not_run(&containerd);
}

fn hello_world_prints(containerd: &Containerd) {
    let out = output(containerd.run("hello", PROBE, &[], &["/probe.wasm", "hello"]));
    assert_eq!(stdout(&out), "hello from capwasi\n", "{out:?}");
    assert_eq!(out.status.code(), Some(0));
}

fn args_and_env_reach_the_guest(containerd: &Containerd) {
    let out = output(containerd.run(
        "args",
        PROBE,
        &["--env", "GREETING=hi there", "--env", "CAPWASI_FUEL=100000000000"],
        &["/probe.wasm", "args", "one", "two words"],
    ));
    assert_eq!(stdout(&out), "one\ntwo words\nGREETING=hi there\n", "{out:?}");
}

fn a_read_only_bind_mount_is_listed_read_and_refuses_writes(containerd: &Containerd, ro_mount: &str, shared: &Path) {
    let mount = ["--mount", ro_mount];
    let ls = output(containerd.run("ls", PROBE, &mount, &["/probe.wasm", "ls", "/data"]));
    assert_eq!(stdout(&ls), "note.txt\n", "{ls:?}");
    let cat = output(containerd.run("cat", PROBE, &mount, &["/probe.wasm", "cat", "/data/note.txt"]));
    assert_eq!(stdout(&cat), "shared note\n", "{cat:?}");
    let write = output(containerd.run("write", PROBE, &mount, &["/probe.wasm", "write", "/data/new.txt"]));
    assert_eq!(stdout(&write), format!("error {ENOTCAPABLE}\n"), "{write:?}");
    let names: Vec<_> = std::fs::read_dir(shared).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["note.txt"], "the host directory is unchanged");
    assert_eq!(std::fs::read_to_string(shared.join("note.txt")).unwrap(), "shared note\n");
}

fn nothing_of_the_host_outside_the_container_is_visible(containerd: &Containerd, ro_mount: &str) {
    let mount = ["--mount", ro_mount];
    // wasi-libc resolves /data/.. beneath the /data preopen: an escape, refused by the sandbox.
    let out = output(containerd.run("escape", PROBE, &mount, &["/probe.wasm", "cat", "/data/../secret.txt"]));
    assert_eq!(stdout(&out), format!("error {ENOTCAPABLE}\n"), "{out:?}");
    let out = output(containerd.run("secret", PROBE, &mount, &["/probe.wasm", "cat", "/secret.txt"]));
    assert_eq!(stdout(&out), format!("error {ENOENT}\n"), "{out:?}");
    // The root is the image's file system and the mount points the container was given.
    let out = output(containerd.run("root", PROBE, &mount, &["/probe.wasm", "ls", "/"]));
    assert_eq!(stdout(&out), "data\ndev\nprobe.wasm\nproc\nrun\nsys\n", "{out:?}");
}

fn the_guests_exit_status_is_the_tasks(containerd: &Containerd) {
    let out = output(containerd.run("exit", PROBE, &[], &["/probe.wasm", "exit", "7"]));
    assert_eq!(out.status.code(), Some(7), "{out:?}");
}

fn sigterm_ends_a_sleeping_guest_within_two_seconds(containerd: &Containerd, id: &str, args: &[&str]) {
    let guest_args: Vec<&str> = ["/probe.wasm"].iter().chain(args).copied().collect();
    let mut run = containerd.run(id, PROBE, &[], &guest_args);
    let mut child = run.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    // The guest says when it is sleeping or spinning (ctr exits when the guest does).
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first == "sleeping\n" || first == "spinning\n", "{id}: {first:?}");
    let killed = Instant::now();
    run_ok(containerd.ctr(10).args(["task", "kill", "--signal", "SIGTERM", id]));
    let status = child.wait().unwrap();
    let took = killed.elapsed();
    assert!(took < Duration::from_secs(2), "{id}: SIGTERM took {took:?} to end the guest");
    assert_eq!(status.code(), Some(143), "{id}: the status of a process SIGTERM killed");
}

fn the_specs_memory_limit_caps_linear_memory(containerd: &Containerd) {
    // kubelet mounts the container's cgroup in every pod; ctr needs asking.
    let limit = ["--memory-limit", "67108864", "--mount", "type=cgroup,src=cgroup,dst=/sys/fs/cgroup,options=ro"];
    let out = output(containerd.run("mem-ok", PROBE, &limit, &["/probe.wasm", "grow", "16"]));
    assert_eq!(stdout(&out), "grown 16\n", "{out:?}");
    let out = output(containerd.run("mem-refused", PROBE, &limit, &["/probe.wasm", "grow", "128"]));
    assert_eq!(stdout(&out), "refused\n", "{out:?}");
    assert_eq!(out.status.code(), Some(137), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("memory limit"), "{out:?}");
}

fn a_forged_precompiled_module_is_refused(containerd: &Containerd) {
    let out = output(containerd.run("forged", FORGED, &[], &["/app.wasm"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("precompiled native code"), "{out:?}");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
}

fn a_native_entrypoint_does_not_run(containerd: &Containerd) {
    let out = output(containerd.run("native", NATIVE, &[], &["/bin/busybox", "echo", "native code ran"]));
    assert!(!stdout(&out).contains("native code ran"), "{out:?}");
    assert_ne!(out.status.code(), Some(0), "{out:?}");
}
