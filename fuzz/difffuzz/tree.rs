//! The file trees each run starts from, identical for every runtime, and the
//! snapshots that compare them afterwards.
//!
//! ```text
//! ROOT/outside/canary            never to be read or changed (atime older than mtime)
//! ROOT/outside/odir/deep
//! ROOT/w/  (preopen /w, fd 3)    file, empty, dir/{inner, sub/, l_up -> ../file,
//!                                l_upup -> ../../outside/canary}, edir/, and symlinks:
//!                                l_file -> file, l_dir -> dir, l_dir_slash -> dir/,
//!                                l_out -> ../outside/canary, l_outdir -> ../outside,
//!                                l_outdir_slash -> ../outside/, l_abs -> ABS (below),
//!                                l_dot -> ., l_dotdot -> .., l_loop -> l_loop,
//!                                l_dangle -> missing, l_dangle_out -> ../outside/new
//! ROOT/v/  (preopen /v, fd 4)    vfile, vdir/, l_w -> ../w/file
//! ABS                            a canary beside the roots, one path for every run of a
//!                                program, so that reading the absolute link gives one answer
//! ```

use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, symlink};
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

pub const CANARY: &str = "CANARY-f00d-outside-the-sandbox";

/// Lays the tree out under `root` (which must exist), `l_abs` pointing at `abs`.
pub fn lay_out(root: &Path, abs: &Path) -> std::io::Result<()> {
    let mk = |p: &str| std::fs::create_dir_all(root.join(p));
    let file = |p: &str, s: &str| std::fs::write(root.join(p), s);
    let link = |target: &str, p: &str| symlink(target, root.join(p));
    mk("outside/odir")?;
    file("outside/canary", CANARY)?;
    file("outside/odir/deep", CANARY)?;
    mk("w/dir/sub")?;
    mk("w/edir")?;
    file("w/file", "hello, world\n")?;
    file("w/empty", "")?;
    file("w/dir/inner", "inner")?;
    for (target, name) in [
        ("../file", "w/dir/l_up"),
        ("../../outside/canary", "w/dir/l_upup"),
        ("file", "w/l_file"),
        ("dir", "w/l_dir"),
        ("dir/", "w/l_dir_slash"),
        ("../outside/canary", "w/l_out"),
        ("../outside", "w/l_outdir"),
        ("../outside/", "w/l_outdir_slash"),
        (".", "w/l_dot"),
        ("..", "w/l_dotdot"),
        ("l_loop", "w/l_loop"),
        ("missing", "w/l_dangle"),
        ("../outside/new", "w/l_dangle_out"),
        ("../w/file", "v/l_w"),
    ] {
        if let Some(parent) = Path::new(name).parent() {
            mk(&parent.to_string_lossy())?;
        }
        link(target, name)?;
    }
    link(&abs.to_string_lossy(), "w/l_abs")?;
    mk("v/vdir")?;
    file("v/vfile", "v\n")?;
    // Old times on everything outside the sandbox: the atime older than the mtime, so that any
    // read or listing moves it (relatime).
    for path in ["outside", "outside/odir", "outside/canary", "outside/odir/deep", "."] {
        age(&root.join(path))?;
    }
    Ok(())
}

/// The canary the absolute link points at, made once per program.
pub fn abs_canary(abs: &Path) -> std::io::Result<()> {
    std::fs::write(abs, CANARY)?;
    age(abs)
}

fn age(path: &Path) -> std::io::Result<()> {
    std::fs::File::open(path)?.set_times(
        std::fs::FileTimes::new()
            .set_accessed(UNIX_EPOCH + Duration::from_secs(1000))
            .set_modified(UNIX_EPOCH + Duration::from_secs(2000)),
    )
}

/// What a comparison looks at, per entry.
#[derive(Clone, Copy)]
pub enum Detail {
    /// Across runtimes: type, size, content, link count, symlink target (ROOT replaced).
    Shape,
    /// A read-only preopen before and after: Shape plus mtime and ctime (atime may move: reading is allowed).
    Unchanged,
    /// Outside the sandbox: Unchanged plus atime (reading is an escape too).
    Untouched,
}

/// Every entry beneath `dir` (symlinks not followed), keyed by path relative to `dir`.
pub fn snapshot(dir: &Path, root: &Path, detail: Detail) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    walk(dir, dir, root, detail, &mut out);
    out
}

/// The names in `dir`, listed without moving its atime (O_NOATIME).
fn names(dir: &Path) -> Vec<String> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOATIME | OFlags::CLOEXEC;
    let Ok(fd) = rustix::fs::open(dir, flags, Mode::empty()) else { return Vec::new() };
    let Ok(listing) = rustix::fs::Dir::new(fd) else { return Vec::new() };
    listing.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n != "." && n != "..").collect()
}

fn walk(base: &Path, dir: &Path, root: &Path, detail: Detail, out: &mut BTreeMap<String, String>) {
    for name in names(dir) {
        let path = dir.join(name);
        let Ok(md) = std::fs::symlink_metadata(&path) else { continue };
        let kind = if md.file_type().is_symlink() {
            let target = std::fs::read_link(&path).map(|t| t.display().to_string()).unwrap_or_default();
            format!("-> {}", target.replace(&root.display().to_string(), "ROOT"))
        } else if md.is_dir() {
            "dir".to_string()
        } else if md.is_file() {
            format!("file {:?}", content(&path))
        } else {
            format!("mode {:o}", md.mode())
        };
        // Directory sizes depend on the file system's history, symlink sizes on ROOT.
        let size = if md.is_file() { md.size() } else { 0 };
        let mut line = format!("{kind} size {size} nlink {}", md.nlink());
        if matches!(detail, Detail::Unchanged | Detail::Untouched) {
            line += &format!(" mtime {}.{} ctime {}.{}", md.mtime(), md.mtime_nsec(), md.ctime(), md.ctime_nsec());
        }
        if matches!(detail, Detail::Untouched) && !md.file_type().is_symlink() {
            line += &format!(" atime {}", md.atime());
        }
        let rel = path.strip_prefix(base).unwrap().display().to_string();
        out.insert(rel, line);
        if md.is_dir() {
            walk(base, &path, root, detail, out);
        }
    }
}

/// A file's content, read without moving its atime (O_NOATIME: the owner, or root); long
/// content is summarised.
fn content(path: &Path) -> String {
    let mut bytes = Vec::new();
    let opened = std::fs::File::options().read(true).custom_flags(libc::O_NOATIME).open(path);
    if let Ok(mut f) = opened {
        let _ = f.by_ref().take(1 << 20).read_to_end(&mut bytes);
    }
    if bytes.len() <= 64 {
        String::from_utf8_lossy(&bytes).into_owned()
    } else {
        let sum = bytes.iter().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(*b as u64));
        format!("{} bytes, sum {sum:x}", bytes.len())
    }
}

/// The outside of the sandbox: everything under `root` but `w` and `v`, and `abs`, with atimes.
pub fn outside(root: &Path, abs: &Path) -> BTreeMap<String, String> {
    // The root itself first: listing it (e.g. through ..) moves its atime, and so does the walk.
    let root_times = std::fs::metadata(root).map(|md| format!("atime {} mtime {}", md.atime(), md.mtime()));
    let mut all = snapshot(root, root, Detail::Untouched);
    all.retain(|k, _| !(k == "w" || k == "v" || k.starts_with("w/") || k.starts_with("v/")));
    all.insert(".".into(), root_times.unwrap_or_default());
    if let Ok(md) = std::fs::symlink_metadata(abs) {
        let line = format!(
            "file {:?} mtime {} ctime {}.{} atime {}",
            content(abs),
            md.mtime(),
            md.ctime(),
            md.ctime_nsec(),
            md.atime()
        );
        all.insert("ABS".into(), line);
    }
    all
}
