//! `capwasi binfmt`: the registration line (always), the interpreter link's default policy
//! (always: it needs no kernel support), and install/status/uninstall with real execs of
//! `./program.wasm` where the kernel allows it: in a private binfmt_misc instance of a new
//! user namespace (Linux 6.7 and later, `unshare`), and in the host's own instance when it is
//! mounted and this test runs as root, under a test-unique name that is always removed.
//! Each kernel case that cannot run here prints why it is skipped.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use common::guest;

/// The interpreter link beside the capwasi under test is shared by the kernel cases.
static KERNEL: Mutex<()> = Mutex::new(());

fn capwasi_exe() -> PathBuf {
    std::fs::canonicalize(env!("CARGO_BIN_EXE_capwasi")).expect("capwasi exists")
}

fn text(out: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn print_shows_a_registration_of_only_the_preview1_header() {
    let out = common::capwasi(&["binfmt", "print", "--name", "wasm-p1"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let link = capwasi_exe().with_file_name("capwasi-binfmt");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(r":wasm-p1:M::\x00asm\x01\x00\x00\x00:\xff\xff\xff\xff\xff\xff\xff\xff:{}:P", link.display()) + "\n"
    );
}

/// A temporary directory holding `capwasi-binfmt` -> capwasi, as `install` makes it.
fn interpreter_link() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("capwasi-binfmt");
    std::os::unix::fs::symlink(capwasi_exe(), &link).unwrap();
    (dir, link)
}

#[test]
fn the_interpreter_passes_argv0_and_only_the_variables_capwasi_env_names() {
    let (_dir, link) = interpreter_link();
    // As the kernel calls it with the P flag: the program's path, its argv[0], its arguments.
    let out = Command::new(&link)
        .args([guest("c-tests/args_env").as_os_str(), "./args_env.wasm".as_ref(), "--help".as_ref()])
        .env("CAPWASI_ENV", "FOO, MISSING")
        .env("FOO", "foo")
        .env("BAR", "bar")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "argc=2\nargv[0]=./args_env.wasm\nargv[1]=--help\nenv:FOO=foo\n");

    let out =
        Command::new(&link).args([guest("c-tests/args_env").as_os_str(), "x".as_ref()]).env("FOO", "foo").output();
    assert_eq!(String::from_utf8_lossy(&out.unwrap().stdout), "argc=1\nargv[0]=x\n", "no CAPWASI_ENV, no variables");
}

#[test]
fn the_interpreter_preopens_the_current_directory_as_dot_and_nothing_else() {
    let (_dir, link) = interpreter_link();
    let work = tempfile::tempdir().unwrap();
    std::fs::create_dir(work.path().join("cwd")).unwrap();
    std::fs::write(work.path().join("cwd/in.txt"), "inside\n").unwrap();
    std::fs::write(work.path().join("outside.txt"), "outside\n").unwrap();
    let copy = |from: &str, to: &str| {
        Command::new(&link)
            .args([guest("examples/copy").as_os_str(), "copy".as_ref(), from.as_ref(), to.as_ref()])
            .current_dir(work.path().join("cwd"))
            .output()
            .unwrap()
    };
    let out = copy("in.txt", "out.txt");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(work.path().join("cwd/out.txt")).unwrap(), "inside\n");
    let out = copy("../outside.txt", "stolen.txt");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "error opening input ../outside.txt: Capabilities insufficient\n");
}

/// The shell steps of a kernel case, run in `work` with `$CAPWASI` and `$NAME` set: status
/// before, install, status, run programs through the kernel, uninstall, status after. Each
/// step prints `STEP=STATUS`.
const SCENARIO: &str = r#"
"$CAPWASI" binfmt status --name "$NAME"; echo "status-before=$?"
"$CAPWASI" binfmt install --name "$NAME"; echo "install=$?"
"$CAPWASI" binfmt status --name "$NAME"; echo "status=$?"
cat "/proc/sys/fs/binfmt_misc/$NAME"
FOO=foo CAPWASI_ENV=FOO ./args_env.wasm one; echo "args_env=$?"
./copy.wasm in.txt out.txt; echo "copy=$?"; cat out.txt
./component.wasm; echo "component=$?"
"$CAPWASI" binfmt uninstall --name "$NAME"; echo "uninstall=$?"
"$CAPWASI" binfmt status --name "$NAME"; echo "status-after=$?"
test -e "$(dirname "$CAPWASI")/capwasi-binfmt"; echo "link-left=$?"
"#;

/// A directory with executable copies of two guests, an input file and a component header.
fn scenario_dir() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let work = tempfile::tempdir().unwrap();
    let put = |name: &str, bytes: &[u8]| {
        let path = work.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    put("args_env.wasm", &std::fs::read(guest("c-tests/args_env")).unwrap());
    put("copy.wasm", &std::fs::read(guest("examples/copy")).unwrap());
    // A component's header: the wasm magic with version 0x0d and layer 1.
    put("component.wasm", b"\0asm\x0d\0\x01\0");
    std::fs::write(work.path().join("in.txt"), "through the kernel\n").unwrap();
    work
}

/// Runs `prefix... sh -c SETUP + SCENARIO` and checks every step.
fn run_scenario(prefix: &[&str], setup: &str, name: &str) {
    let work = scenario_dir();
    let out = Command::new(prefix[0])
        .args(&prefix[1..])
        .args(["sh", "-c", &format!("{setup}\n{SCENARIO}")])
        .current_dir(work.path())
        .env("CAPWASI", capwasi_exe())
        .env("NAME", name)
        .output()
        .expect("run the scenario");
    let text = text(&out);
    for step in ["status-before=1", "install=0", "status=0", "args_env=0", "copy=0", "uninstall=0", "status-after=1"] {
        assert!(text.contains(&format!("{step}\n")), "{step}: {text}");
    }
    assert!(text.contains(&format!("'{name}' is not registered: run `sudo ")), "{text}");
    assert!(text.contains("enabled\ninterpreter "), "{text}");
    assert!(text.contains("flags: P\noffset 0\nmagic 0061736d01000000\nmask ffffffffffffffff\n"), "{text}");
    assert!(text.contains("argc=2\nargv[0]=./args_env.wasm\nargv[1]=one\nenv:FOO=foo\nargs_env=0\n"), "{text}");
    assert!(text.contains("copy=0\nthrough the kernel\n"), "{text}");
    // Not claimed: the kernel refuses it, so the shell reports it cannot execute it.
    assert!(text.contains("component.wasm: Exec format error") && !text.contains("component=0"), "{text}");
    assert!(text.contains("link-left=1\n"), "uninstall removes the unused link: {text}");
}

#[test]
fn install_lets_the_kernel_run_modules_in_a_private_binfmt_misc() {
    let _kernel = KERNEL.lock().unwrap_or_else(|e| e.into_inner());
    let unshare = ["unshare", "--user", "--map-root-user", "--mount"];
    match Command::new(unshare[0]).args(&unshare[1..]).arg("true").output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => return eprintln!("skipped: no user namespace here: {}", text(&out).trim()),
        Err(e) => return eprintln!("skipped: cannot run unshare: {e}"),
    }
    let mount = "mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || exit 77";
    let probe = Command::new(unshare[0]).args(&unshare[1..]).args(["sh", "-c", mount]).status().unwrap();
    if probe.code() == Some(77) {
        return eprintln!("skipped: this kernel has no binfmt_misc per user namespace (Linux 6.7 and later)");
    }
    run_scenario(&unshare, mount, &format!("capwasi-test-{}", std::process::id()));
}

/// Removes a host registration the test made, however the test ends.
struct Unregister(PathBuf);

impl Drop for Unregister {
    fn drop(&mut self) {
        if self.0.exists() {
            let _ = std::fs::write(&self.0, "-1");
        }
    }
}

#[test]
fn install_lets_the_kernel_run_modules_in_the_hosts_binfmt_misc() {
    let _kernel = KERNEL.lock().unwrap_or_else(|e| e.into_inner());
    let register = Path::new("/proc/sys/fs/binfmt_misc/register");
    if !register.exists() {
        return eprintln!("skipped: binfmt_misc is not mounted at /proc/sys/fs/binfmt_misc");
    }
    if !rustix::process::geteuid().is_root() {
        return eprintln!("skipped: registering in the host's binfmt_misc needs root");
    }
    let name = format!("capwasi-test-{}", std::process::id());
    let _unregister = Unregister(register.with_file_name(&name));
    run_scenario(&["env"], "", &name);
}
