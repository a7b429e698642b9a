//! Trailing slashes as Linux answers them where cap-std's own answer differs.
//!
//! On Linux a name ending in `/` must be a directory, and the calls that never
//! make or take one refuse it: `rename` of a non-directory with a slash on
//! either name is ENOTDIR (nothing moves, a symlink named `link/` is not
//! replaced), `link` and `symlink` to `name/` are EEXIST when `name` exists
//! and ENOENT otherwise (no file is ever created under a slash), and
//! `unlink("name/")` is EISDIR for a directory, ENOTDIR for anything else.
//! cap-std resolves such names as if the slash were not there (a rename to
//! `x/` renames, one to `link/` replaces the symlink).
//!
//! Each answer here follows from the guest's string (does it end in `/`) and
//! the type of what cap-std finds at the name without the slash
//! (`symlink_metadata`, resolved beneath the directory as every path is); no
//! path is resolved here. Each function is called only for a name that ends
//! in `/`, and answers the error Linux gives; the call itself is not made.

use std::io;

use cap_std::fs::Dir;

/// `path` without its trailing slashes, or `None` when it has none, or is
/// only slashes (an absolute path: cap-std refuses it).
pub fn without_trailing_slash(path: &str) -> Option<&str> {
    let trimmed = path.trim_end_matches('/');
    (trimmed.len() != path.len() && !trimmed.is_empty()).then_some(trimmed)
}

/// Whether `rename(old, new)` is refused for its slashes: ENOTDIR when either
/// name ends in `/` and `old` (its final symlink not followed) is not a
/// directory. Errors finding `old` (ENOENT, ENOTCAPABLE) are returned as they
/// are, and so are those of `new`'s parent (missing, or leaving the
/// directory) and a `new` that leaves it, which Linux meets first. `Ok` when
/// the rename is to be made.
pub fn check_rename(old_dir: &Dir, old: &str, new_dir: &Dir, new: &str) -> io::Result<()> {
    let (old_bare, new_bare) = (without_trailing_slash(old), without_trailing_slash(new));
    if old_bare.is_none() && new_bare.is_none() {
        return Ok(());
    }
    if old_dir.symlink_metadata(old_bare.unwrap_or(old))?.is_dir() {
        return Ok(());
    }
    // Linux resolves `new`'s parent before it looks at the slash: its errors
    // (ENOENT, ENOTCAPABLE for an escape) come first.
    let new_name = new_bare.unwrap_or(new);
    if let Some((parent, _)) = new_name.rsplit_once('/')
        && !parent.is_empty()
    {
        new_dir.metadata(parent)?;
    }
    match new_dir.symlink_metadata(new_name) {
        // cap-std's refusal of an escape: PermissionDenied without an OS code.
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied && e.raw_os_error().is_none() => Err(e),
        _ => Err(not_dir()),
    }
}

/// The error of `link(old, new)` when `new` ends in `/` (`new_bare` is `new`
/// without it): `old` is looked up first, as Linux does (following a final
/// symlink when `old` ends in `/` too, where anything but a directory is
/// ENOTDIR), then `new_bare` answers EEXIST if it exists and ENOENT if not.
pub fn link_error(old_dir: &Dir, old: &str, new_dir: &Dir, new_bare: &str) -> io::Error {
    let old_found = if without_trailing_slash(old).is_some() {
        old_dir.metadata(old).and_then(|md| if md.is_dir() { Ok(()) } else { Err(not_dir()) })
    } else {
        old_dir.symlink_metadata(old).map(drop)
    };
    match old_found {
        Ok(()) => create_error(new_dir, new_bare),
        Err(e) => e,
    }
}

/// The error of making a non-directory (`symlink`, `link`) at `bare` + `/`:
/// EEXIST if `bare` exists (a symlink or dangling symlink included), ENOENT
/// if not, or what finding it answered (ENOTCAPABLE, ENOTDIR, ...).
pub fn create_error(dir: &Dir, bare: &str) -> io::Error {
    match dir.symlink_metadata(bare) {
        Ok(_) => rustix::io::Errno::EXIST.into(),
        Err(e) => e,
    }
}

/// The error of `unlink(bare + "/")`: EISDIR for a directory, ENOTDIR for
/// anything else (a symlink to a directory included: it is not followed),
/// or what finding `bare` answered (ENOENT, ...).
pub fn unlink_error(dir: &Dir, bare: &str) -> io::Error {
    match dir.symlink_metadata(bare) {
        Ok(md) if md.is_dir() => rustix::io::Errno::ISDIR.into(),
        Ok(_) => not_dir(),
        Err(e) => e,
    }
}

#[cold]
fn not_dir() -> io::Error {
    rustix::io::Errno::NOTDIR.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_ending_in_a_slash_are_trimmed() {
        assert_eq!(without_trailing_slash("x/"), Some("x"));
        assert_eq!(without_trailing_slash("a/x//"), Some("a/x"));
        assert_eq!(without_trailing_slash("x"), None);
        assert_eq!(without_trailing_slash("x/."), None);
        assert_eq!(without_trailing_slash("/"), None);
        assert_eq!(without_trailing_slash("//"), None);
    }
}
