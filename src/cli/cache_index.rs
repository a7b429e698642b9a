//! Finding a module's cache entry from its file's identity, without reading
//! the module.
//!
//! The cache key is a hash of the module's bytes, so a cached run would read
//! and hash the whole module before it could look (26 MB for CPython, some 35
//! ms). Instead, once a run has read a module whose file did not change while
//! it was read, it leaves an index file beside the entries: `<name>.idx`,
//! named by a hash of capwasi's version, the engine's settings and the file's
//! device and inode, holding the file's size, modification and change times
//! and the cache key of its bytes, under the same HMAC as an entry (its name
//! and contents, keyed by the secret in the user keyring). A later run whose
//! module file has the same device, inode, size and times takes the key from
//! it and reads only the entry, which is still checked whole.
//!
//! Why the times are enough: the change time (ctime) is set by the kernel to
//! the current time on every change to the file (a write, a truncation, a
//! rename over it is another inode), and no process, a guest's host calls
//! included, can set it (`utimensat` sets the access and modification times,
//! and sets ctime to now). An index is written only for a file whose ctime
//! is at least [`SETTLE`] in the past, so a change made after the index was
//! written gets a later ctime than the one recorded, even on a file system
//! that keeps times to the second or two (as git's "racy" check does for its
//! index). What the index cannot see is the system clock set back by root to
//! the very time recorded; the entry it then names is still one this user's
//! capwasi compiled from that file's earlier contents, with its tag checked.

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::{Duration, SystemTime};

use wasmtime::Engine;

use super::cache_auth::{Secret, TAG_LEN};

/// How long ago a module file must have last changed for its index to be
/// written.
pub const SETTLE: Duration = Duration::from_secs(2);

/// What tells a module file's contents apart without reading them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Identity {
    /// The identity of the file `meta` describes, if it is a regular file
    /// (a pipe or a device has no contents to remember).
    pub fn of(meta: &std::fs::Metadata) -> Option<Identity> {
        meta.is_file().then(|| Identity {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
            ctime: (meta.ctime(), meta.ctime_nsec()),
        })
    }

    /// The file's size.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Whether the file last changed at least [`SETTLE`] before `now`.
    fn settled(&self, now: SystemTime) -> bool {
        let Ok(now) = now.duration_since(SystemTime::UNIX_EPOCH) else { return false };
        let (secs, nanos) = self.ctime;
        let Ok(secs) = u64::try_from(secs) else { return false };
        Duration::new(secs, nanos.clamp(0, 999_999_999) as u32) + SETTLE <= now
    }

    /// The index file's contents after its tag: the identity and `key`.
    fn line(&self, key: &str) -> String {
        let Identity { dev, ino, size, mtime, ctime } = self;
        format!("{dev} {ino} {size} {} {} {} {} {key}\n", mtime.0, mtime.1, ctime.0, ctime.1)
    }
}

/// The index file's name for a file with `identity` under `engine`.
fn index_name(engine: &Engine, identity: &Identity) -> String {
    let file = format!("{} {}", identity.dev, identity.ino);
    format!("{}.idx", super::cache::engine_digest(engine, "capwasi index ", file.as_bytes()))
}

/// The cache key recorded for the file with `identity`, if `dir` holds an
/// index for it with a good tag and the same size and times.
pub fn lookup(engine: &Engine, secret: &Secret, dir: &Path, identity: &Identity) -> Option<String> {
    use std::io::Read;
    let name = index_name(engine, identity);
    let path = dir.join(&name);
    let file = std::fs::File::open(&path).ok()?;
    super::cache::untrusted(&path, &file.metadata().ok()?).ok()?;
    // An index is a tag and one short line; anything longer is not one.
    let mut data = Vec::new();
    file.take(512).read_to_end(&mut data).ok()?;
    let (tag, line) = data.split_at_checked(TAG_LEN)?;
    if !secret.verify(&name, line, tag) {
        return None;
    }
    let key = std::str::from_utf8(line).ok()?.strip_suffix('\n')?.rsplit_once(' ')?.1;
    let is_key = key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit());
    (is_key && identity.line(key).as_bytes() == line).then(|| key.to_string())
}

/// Records that the file with `identity` holds the module whose cache key is
/// `key`, if the file has settled by `now` (best effort: an index that
/// cannot be written only costs the next run a read of the module).
pub fn remember(engine: &Engine, secret: &Secret, dir: &Path, identity: &Identity, key: &str, now: SystemTime) {
    use std::io::Write;
    if !identity.settled(now) {
        return;
    }
    let name = index_name(engine, identity);
    let line = identity.line(key);
    let write = || -> std::io::Result<()> {
        let mut file = tempfile::NamedTempFile::new_in(dir)?;
        file.write_all(&secret.tag(&name, line.as_bytes()))?;
        file.write_all(line.as_bytes())?;
        file.persist(dir.join(&name))?;
        Ok(())
    };
    let _ = write();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(ctime: i64) -> Identity {
        Identity { dev: 1, ino: 2, size: 3, mtime: (4, 5), ctime: (ctime, 6) }
    }

    #[test]
    fn only_a_file_that_changed_long_enough_ago_is_settled() {
        let at = |secs| SystemTime::UNIX_EPOCH + Duration::new(secs, 6);
        assert!(identity(100).settled(at(102)));
        assert!(!identity(100).settled(at(101)));
        assert!(!identity(-1).settled(at(102)));
    }

    #[test]
    fn only_regular_files_have_an_identity() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("m.wasm");
        std::fs::write(&file, b"\0asm").unwrap();
        assert!(Identity::of(&std::fs::metadata(&file).unwrap()).is_some());
        for other in [dir.path(), Path::new("/dev/null")] {
            assert_eq!(Identity::of(&std::fs::metadata(other).unwrap()), None, "{}", other.display());
        }
        let (reader, _writer) = std::io::pipe().unwrap();
        assert_eq!(Identity::of(&std::fs::File::from(std::os::fd::OwnedFd::from(reader)).metadata().unwrap()), None);
    }

    #[test]
    fn an_index_is_found_only_for_the_same_identity_and_tag() {
        let dir = tempfile::tempdir().unwrap();
        let engine = Engine::default();
        let secret = Secret::from_bytes([3; 32]);
        let later = SystemTime::now() + Duration::from_secs(3600);
        let now_ish = SystemTime::UNIX_EPOCH + Duration::from_secs(100);
        let file = identity(100);
        let k1 = "1".repeat(64);
        remember(&engine, &secret, dir.path(), &file, &k1, now_ish);
        assert_eq!(lookup(&engine, &secret, dir.path(), &file), None, "not settled: not written");
        remember(&engine, &secret, dir.path(), &file, &k1, later);
        assert_eq!(lookup(&engine, &secret, dir.path(), &file).as_deref(), Some(k1.as_str()));
        let touched = Identity { mtime: (4, 7), ..file };
        assert_eq!(lookup(&engine, &secret, dir.path(), &touched), None, "same inode, other times");
        assert_eq!(lookup(&engine, &secret, dir.path(), &identity(101)), None, "changed since");
        assert_eq!(lookup(&engine, &Secret::from_bytes([4; 32]), dir.path(), &file), None, "another key");
        // A forged line under the old tag.
        let path = dir.path().join(index_name(&engine, &file));
        let mut data = std::fs::read(&path).unwrap();
        let last = data.len() - 2;
        data[last] = b'2';
        assert!(data.ends_with(b"12\n"));
        std::fs::write(&path, &data).unwrap();
        assert_eq!(lookup(&engine, &secret, dir.path(), &file), None, "patched key");
        // Even a well-tagged index names only a key, never a path.
        let other = Identity { ino: 9, ..file };
        remember(&engine, &secret, dir.path(), &other, &format!("../{}", "1".repeat(61)), later);
        assert_eq!(lookup(&engine, &secret, dir.path(), &other), None);
    }
}
