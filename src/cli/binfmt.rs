//! `capwasi binfmt install|uninstall|status|print|exec`: lets Linux run
//! preview1 modules directly (`./hello.wasm`) through binfmt_misc.
//!
//! The registration matches the 8-byte header of a preview1 module, `\0asm`
//! and version 1 (`\x01\0\0\0`), with a full mask: components carry another
//! version field (`\x0d\0\x01\0`) and are not claimed. The kernel cannot pass
//! flags to an interpreter, so the interpreter is [`INTERPRETER`], a link to
//! capwasi beside it: called by that name, capwasi runs
//! `capwasi binfmt exec PROGRAM ARGV0 ARGS...` (the registration's `P` flag
//! makes the kernel pass the program's own argv[0] after its path).
//!
//! `exec` applies the default policy: the current directory preopened as `.`,
//! and no environment unless `CAPWASI_ENV` names variables to pass
//! (`CAPWASI_ENV=HOME,LANG`). The current directory is what a native program
//! run there could touch, and what `./prog FILE` expects `FILE` to be
//! relative to; nothing above it is reachable (docs/THREAT-MODEL.md).
//!
//! The kernel runs the interpreter for every user, root included, so
//! `install` refuses one that anyone but root (or the user installing) could
//! replace, along its whole path.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::EXIT_HOST_ERROR;

/// The file name capwasi answers to as the binfmt interpreter.
pub const INTERPRETER: &str = "capwasi-binfmt";

/// Where binfmt_misc is mounted.
const BINFMT_DIR: &str = "/proc/sys/fs/binfmt_misc";

/// The header of a preview1 module: the wasm magic and version 1.
const MAGIC: [u8; 8] = *b"\0asm\x01\0\0\0";

/// The variable naming the host variables a program run through binfmt sees.
pub const ENV_VAR: &str = "CAPWASI_ENV";

/// A registration name binfmt_misc takes, and that cannot be one of its control files.
pub fn check_name(name: &str) -> Result<String, String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        && ![".", "..", "register", "status"].contains(&name);
    ok.then(|| name.to_string())
        .ok_or_else(|| format!("'{name}' is not a registration name: use letters, digits, '.', '_' and '-'"))
}

/// The link the kernel runs: [`INTERPRETER`] beside this capwasi, and capwasi itself.
fn interpreter() -> Result<(PathBuf, PathBuf), String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find capwasi's own path: {e}"))?;
    let dir = exe.parent().ok_or("capwasi's own path has no directory")?;
    Ok((dir.join(INTERPRETER), exe))
}

/// The line written to `register`: `:NAME:M::MAGIC:MASK:INTERPRETER:P`.
fn registration(name: &str, interpreter: &Path) -> Result<String, String> {
    let path = interpreter.to_str().filter(|p| !p.contains([':', '\n'])).ok_or_else(|| {
        format!(
            "{}: binfmt_misc cannot register an interpreter path that is not UTF-8 or has ':'",
            interpreter.display()
        )
    })?;
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("\\x{b:02x}")).collect::<String>();
    let magic: String =
        MAGIC.iter().map(|&b| if b.is_ascii_alphabetic() { (b as char).to_string() } else { hex(&[b]) }).collect();
    Ok(format!(":{name}:M::{magic}:{}:{path}:P", hex(&[0xff; 8])))
}

/// What the kernel shows in `/proc/sys/fs/binfmt_misc/NAME` for our registration.
fn expected_entry(interpreter: &Path) -> Vec<String> {
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    vec![
        "enabled".into(),
        format!("interpreter {}", interpreter.display()),
        "flags: P".into(),
        "offset 0".into(),
        format!("magic {}", hex(&MAGIC)),
        format!("mask {}", hex(&[0xff; 8])),
    ]
}

/// What `capwasi binfmt` does with a registration (`exec` runs through `run`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Install,
    Uninstall,
    Status,
    Print,
}

/// `capwasi binfmt ACTION --name NAME`.
pub fn main(action: Action, name: &str) -> ExitCode {
    let result = match action {
        Action::Print => print(name),
        Action::Install => install(name),
        Action::Uninstall => uninstall(name),
        Action::Status => status(name),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln_lossy!("capwasi: {e}");
            ExitCode::from(EXIT_HOST_ERROR)
        }
    }
}

fn print(name: &str) -> Result<(), String> {
    let (link, exe) = interpreter()?;
    println_lossy!("{}", registration(name, &link)?);
    eprintln_lossy!(
        "# The kernel runs {link} (a link to {exe}, which `capwasi binfmt install` creates).\n\
         # To register by hand, as root: ln -sf {exe} {link} && capwasi binfmt print > {BINFMT_DIR}/register",
        link = link.display(),
        exe = exe.display()
    );
    Ok(())
}

/// Why binfmt_misc cannot be used here, with what to run instead; None if it can.
fn not_mounted() -> Option<String> {
    let register = Path::new(BINFMT_DIR).join("register");
    (!register.exists()).then(|| {
        format!(
            "binfmt_misc is not mounted at {BINFMT_DIR}: mount it as root with \
             `mount -t binfmt_misc binfmt_misc {BINFMT_DIR}`, then run this again"
        )
    })
}

fn install(name: &str) -> Result<(), String> {
    let (link, exe) = interpreter()?;
    let line = registration(name, &link)?;
    only_root_can_replace(&exe)?;
    if let Some(why) = not_mounted() {
        return Err(why);
    }
    make_link(&link, &exe)?;
    let entry = Path::new(BINFMT_DIR).join(name);
    if entry.exists() {
        // Re-registering replaces: binfmt_misc refuses a name that is taken.
        write_control(&entry, "-1", &again("install", name))?;
    }
    write_control(&Path::new(BINFMT_DIR).join("register"), &line, &again("install", name))?;
    println_lossy!(
        "registered '{name}': preview1 modules with the execute bit now run under capwasi ({}),\n\
         with the current directory preopened as `.` and no environment unless {ENV_VAR} names variables",
        link.display()
    );
    Ok(())
}

/// `Err(why)` if anyone but root (and the user running install, when that is
/// not root) could replace `exe`, or the interpreter link beside it: the
/// kernel runs it for every user, root included. The file and each directory
/// above it must be owned by root or that user and not writable by group or
/// others; a root-owned sticky directory (`/tmp`) is fine, as nobody else can
/// replace what is in it.
fn only_root_can_replace(exe: &Path) -> Result<(), String> {
    let resolved = std::fs::canonicalize(exe).map_err(|e| format!("cannot resolve {}: {e}", exe.display()))?;
    for path in resolved.ancestors() {
        let meta = std::fs::metadata(path).map_err(|e| format!("cannot look at {}: {e}", path.display()))?;
        super::cache::untrusted(path, &meta).map_err(|why| {
            format!(
                "not registering {}: the kernel would run it for every user, root included, but {why}; \
                 install capwasi where only root can write (`install -o root -m 755 {} /usr/local/bin/`) \
                 and run `binfmt install` from there",
                resolved.display(),
                resolved.display()
            )
        })?;
    }
    Ok(())
}

/// Creates `link` -> `exe`, or checks an existing one points there.
fn make_link(link: &Path, exe: &Path) -> Result<(), String> {
    match std::fs::read_link(link) {
        Ok(target) if target == exe => return Ok(()),
        Ok(_) => std::fs::remove_file(link).map_err(|e| format!("cannot replace {}: {e}", link.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(_) => return Err(format!("{} exists and is not a link to capwasi: remove it first", link.display())),
    }
    std::os::unix::fs::symlink(exe, link)
        .map_err(|e| format!("cannot create the interpreter link {} -> {}: {e}", link.display(), exe.display()))
}

/// The command line that repeats `binfmt SUBCOMMAND` for registration `name` as root.
fn again(subcommand: &str, name: &str) -> String {
    let exe = std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_else(|_| "capwasi".into());
    let name = if name == "capwasi" { String::new() } else { format!(" --name {name}") };
    format!("sudo {exe} binfmt {subcommand}{name}")
}

/// Writes one command to a binfmt_misc control file; a refusal says to run `retry`.
fn write_control(path: &Path, text: &str, retry: &str) -> Result<(), String> {
    let result = std::fs::OpenOptions::new().write(true).open(path).and_then(|mut f| f.write_all(text.as_bytes()));
    result.map_err(|e| match e.kind() {
        std::io::ErrorKind::PermissionDenied => {
            format!("permission denied writing {}: binfmt_misc needs root; run `{retry}`", path.display())
        }
        _ => format!("cannot write {}: {e}", path.display()),
    })
}

fn uninstall(name: &str) -> Result<(), String> {
    let (link, exe) = interpreter()?;
    if let Some(why) = not_mounted() {
        return Err(why);
    }
    let entry = Path::new(BINFMT_DIR).join(name);
    if entry.exists() {
        write_control(&entry, "-1", &again("uninstall", name))?;
        println_lossy!("removed the binfmt_misc registration '{name}'");
    } else {
        println_lossy!("no binfmt_misc registration named '{name}'");
    }
    let ours = std::fs::read_link(&link).is_ok_and(|target| target == exe);
    if ours && !registrations_using(&link) {
        std::fs::remove_file(&link).map_err(|e| format!("cannot remove {}: {e}", link.display()))?;
    }
    Ok(())
}

/// Whether any binfmt_misc registration runs `interpreter`.
fn registrations_using(interpreter: &Path) -> bool {
    let wanted = format!("interpreter {}", interpreter.display());
    let Ok(entries) = std::fs::read_dir(BINFMT_DIR) else { return false };
    entries
        .flatten()
        .filter(|e| !matches!(e.file_name().to_str(), Some("register" | "status")))
        .any(|e| std::fs::read_to_string(e.path()).is_ok_and(|text| text.lines().any(|line| line == wanted)))
}

fn status(name: &str) -> Result<(), String> {
    let (link, exe) = interpreter()?;
    if let Some(why) = not_mounted() {
        return Err(why);
    }
    let entry = Path::new(BINFMT_DIR).join(name);
    let text = match std::fs::read_to_string(&entry) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!("'{name}' is not registered: run `{}`", again("install", name)));
        }
        Err(e) => return Err(format!("cannot read {}: {e}", entry.display())),
    };
    let shown: Vec<&str> = text.lines().collect();
    let expected = expected_entry(&link);
    let differs: Vec<&String> = expected.iter().filter(|line| !shown.contains(&line.as_str())).collect();
    println_lossy!("{}:\n  {}", entry.display(), shown.join("\n  "));
    if !differs.is_empty() {
        let differs = differs.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("; ");
        return Err(format!(
            "'{name}' is not registered as `capwasi binfmt install` would (expected {differs}): run `{}`",
            again("install", name)
        ));
    }
    match std::fs::read_link(&link) {
        Ok(target) if target == exe => {
            println_lossy!("{} -> {}: preview1 modules run under this capwasi", link.display(), exe.display());
            Ok(())
        }
        _ => Err(format!(
            "{} is not a link to {}: run `{}` to recreate it",
            link.display(),
            exe.display(),
            again("install", name)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registration_claims_only_the_preview1_module_header() {
        assert_eq!(
            registration("capwasi", Path::new("/usr/bin/capwasi-binfmt")).unwrap(),
            r":capwasi:M::\x00asm\x01\x00\x00\x00:\xff\xff\xff\xff\xff\xff\xff\xff:/usr/bin/capwasi-binfmt:P"
        );
        assert!(registration("x", Path::new("/a:b/capwasi-binfmt")).is_err());
    }

    #[test]
    fn an_interpreter_others_can_replace_is_not_registered() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let open = dir.path().join("open");
        std::fs::create_dir(&open).unwrap();
        let exe = open.join("capwasi");
        std::fs::write(&exe, "").unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(only_root_can_replace(&exe), Ok(()));
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
        let err = only_root_can_replace(&exe).unwrap_err();
        let dir_shown = open.canonicalize().unwrap();
        assert!(
            err.contains(&format!("but {} is writable by group or others (mode 0777)", dir_shown.display())),
            "{err}"
        );
        // Sticky and root's, as /tmp: nobody else can replace the file in it.
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o1777)).unwrap();
        if rustix::process::geteuid().is_root() {
            assert_eq!(only_root_can_replace(&exe), Ok(()));
            std::os::unix::fs::chown(&exe, Some(65534), None).unwrap();
            let err = only_root_can_replace(&exe).unwrap_err();
            assert!(err.contains("is owned by uid 65534, not by you (uid 0) or root"), "{err}");
            std::os::unix::fs::chown(&exe, Some(0), None).unwrap();
        }
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o775)).unwrap();
        assert!(
            only_root_can_replace(&exe).unwrap_err().contains("capwasi is writable by group or others (mode 0775)")
        );
    }

    #[test]
    fn registration_names_exclude_binfmt_misc_control_files() {
        assert!(check_name("capwasi-test-12").is_ok());
        for bad in ["", "register", "status", "..", "a/b", "a:b", "a b"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }
}
