//! Running one program under one runtime, on a fresh tree, and recording
//! what it printed and what it left behind.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::no_openat2::without_openat2;
use crate::tree::{self, Detail};

/// The four ways each program runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// capwasi, /w and /v writable.
    Capwasi,
    /// capwasi as if the kernel had no openat2 (cap-std resolves component by component).
    CapwasiNoOpenat2,
    /// capwasi with /v read-only: /v must come out unchanged.
    CapwasiReadOnly,
    /// The oracle: the wasmtime CLI, /w and /v writable.
    Wasmtime,
}

impl Mode {
    pub const ALL: [Mode; 4] = [Mode::Capwasi, Mode::CapwasiNoOpenat2, Mode::CapwasiReadOnly, Mode::Wasmtime];

    pub fn name(self) -> &'static str {
        match self {
            Mode::Capwasi => "capwasi",
            Mode::CapwasiNoOpenat2 => "capwasi-no-openat2",
            Mode::CapwasiReadOnly => "capwasi-ro",
            Mode::Wasmtime => "wasmtime",
        }
    }
}

/// The binaries under test.
pub struct Runtimes {
    pub capwasi: PathBuf,
    pub wasmtime: PathBuf,
}

/// What one run did.
pub struct Outcome {
    /// The exit status; None when a signal ended it or it timed out.
    pub status: Option<i32>,
    pub timed_out: bool,
    pub stdout: String,
    pub stderr: String,
    /// Outside the sandbox, before and after (with atimes).
    pub outside_before: BTreeMap<String, String>,
    pub outside_after: BTreeMap<String, String>,
    /// /w and /v afterwards, as shapes comparable across runtimes.
    pub sandbox: BTreeMap<String, String>,
    /// /v before and after in read-only mode (mtimes and ctimes included).
    pub ro_before: BTreeMap<String, String>,
    pub ro_after: BTreeMap<String, String>,
}

/// Runs `wat` (a file in `dir`) under `mode`, on a fresh tree `dir/root<N>`, whose absolute
/// link points at `dir/abs-canary`.
pub fn run(rt: &Runtimes, mode: Mode, dir: &Path, wat: &Path, timeout: Duration) -> std::io::Result<Outcome> {
    // Roots of one length, so that the absolute symlink in each tree has one size.
    let root = dir.join(format!("root{}", mode as u8));
    let abs = dir.join("abs-canary");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir(&root)?;
    tree::lay_out(&root, &abs)?;
    tree::abs_canary(&abs)?;
    let outside_before = tree::outside(&root, &abs);
    let ro = mode == Mode::CapwasiReadOnly;
    let ro_before = if ro { tree::snapshot(&root.join("v"), &root, Detail::Unchanged) } else { BTreeMap::new() };

    let w = format!("{}::/w", root.join("w").display());
    let v = format!("{}::/v{}", root.join("v").display(), if ro { "::ro" } else { "" });
    let mut cmd = match mode {
        Mode::Wasmtime => {
            let mut cmd = Command::new(&rt.wasmtime);
            cmd.arg("run");
            cmd
        }
        _ => {
            let mut cmd = Command::new(&rt.capwasi);
            cmd.args(["run", "--no-cache"]);
            cmd
        }
    };
    cmd.args(["--dir", &w, "--dir", &v]).arg(wat);
    if mode == Mode::CapwasiNoOpenat2 {
        without_openat2(&mut cmd);
    }
    let stdout_path = dir.join(format!("{}.stdout", mode.name()));
    let stderr_path = dir.join(format!("{}.stderr", mode.name()));
    cmd.current_dir(dir)
        .env_clear()
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout_path)?)
        .stderr(std::fs::File::create(&stderr_path)?);
    let mut child = cmd.spawn()?;
    let start = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status.code();
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            timed_out = true;
            break None;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    let outside_after = tree::outside(&root, &abs);
    let mut sandbox = tree::snapshot(&root.join("w"), &root, Detail::Shape);
    for (k, v) in tree::snapshot(&root.join("v"), &root, Detail::Shape) {
        sandbox.insert(format!("v/{k}"), v);
    }
    let ro_after = if ro { tree::snapshot(&root.join("v"), &root, Detail::Unchanged) } else { BTreeMap::new() };
    Ok(Outcome {
        status,
        timed_out,
        stdout: read(&stdout_path),
        stderr: read(&stderr_path),
        outside_before,
        outside_after,
        sandbox,
        ro_before,
        ro_after,
    })
}
