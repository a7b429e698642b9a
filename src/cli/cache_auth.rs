//! The secret that authenticates compile-cache entries (docs/THREAT-MODEL.md).
//!
//! A guest writes files as the user, so no file can hold a secret from it: a
//! preopen at or above the file would read it. The key lives in the Linux
//! user keyring instead (keyrings(7)), which no path reaches: a guest has only
//! the file calls of preview1, and keys are read with keyctl(2) by a process
//! of the user. It is 32 random bytes under the description
//! [`DESCRIPTION`], made by the first run that finds none, readable and
//! searchable by the user's processes (and root).
//!
//! Each entry carries HMAC-SHA256(key, [`DOMAIN`] ‖ entry name ‖ NUL ‖
//! compiled code). The name is the cache key (a hash of the module's bytes,
//! capwasi's version and the engine's settings), so one valid entry renamed
//! over another fails, and so do patched bytes whatever checksum comes with
//! them.
//!
//! Where keyrings cannot be used (a container whose seccomp profile refuses
//! keyctl, a kernel without them), the cache is not used: a key kept in a
//! file would be readable through a preopen, and a key kept in memory would
//! die with the process, so no later run could use what this one wrote.

use linux_keyutils::{KeyPermissionsBuilder, KeyRing, KeyRingIdentifier, Permission};
use sha2::{Digest, Sha256};

/// The key's description in the user keyring.
pub const DESCRIPTION: &str = "capwasi:compile-cache:v1";

/// What every authenticated message starts with, so the key signs nothing else.
const DOMAIN: &[u8] = b"capwasi compile cache entry v1\0";

/// The length of a tag (and of the key).
pub const TAG_LEN: usize = 32;

/// The user's cache key.
#[derive(Clone)]
pub struct Secret([u8; 32]);

impl Secret {
    /// A secret with these bytes (tests).
    #[cfg(test)]
    pub fn from_bytes(bytes: [u8; 32]) -> Secret {
        Secret(bytes)
    }

    /// The tag of the entry named `name` holding `artifact`.
    pub fn tag(&self, name: &str, artifact: &[u8]) -> [u8; TAG_LEN] {
        let mut tagger = self.tagger(name);
        tagger.update(artifact);
        tagger.finish()
    }

    /// Whether `tag` is the tag of the entry named `name` holding `artifact`
    /// (compared in constant time).
    pub fn verify(&self, name: &str, artifact: &[u8], tag: &[u8]) -> bool {
        let mut tagger = self.tagger(name);
        tagger.update(artifact);
        tagger.matches(tag)
    }

    /// The tag of the entry named `name`, its contents to be fed in pieces.
    pub fn tagger(&self, name: &str) -> Tagger {
        let mut tagger = Tagger::new(&self.0);
        for part in [DOMAIN, name.as_bytes(), b"\0"] {
            tagger.update(part);
        }
        tagger
    }
}

/// HMAC-SHA256 (RFC 2104) under a key of at most one 64-byte block (ours is
/// 32), fed in pieces. Written over `sha2` rather than taken from the `hmac`
/// crate: that crate turns on a feature of `digest` that wasmtime's compiler
/// also builds with, so adding it rebuilds all of wasmtime; this is the whole
/// algorithm, checked against RFC 4231's vectors below.
pub struct Tagger {
    inner: Sha256,
    opad: [u8; BLOCK],
}

const BLOCK: usize = 64;

impl Tagger {
    fn new(key: &[u8]) -> Tagger {
        assert!(key.len() <= BLOCK, "a key longer than a block would be hashed first");
        let mut ipad = [0x36u8; BLOCK];
        let mut opad = [0x5cu8; BLOCK];
        for (i, k) in key.iter().enumerate() {
            ipad[i] ^= k;
            opad[i] ^= k;
        }
        let mut inner = Sha256::new();
        inner.update(ipad);
        Tagger { inner, opad }
    }

    /// Feeds the next piece of the message.
    pub fn update(&mut self, bytes: &[u8]) {
        self.inner.update(bytes);
    }

    /// The tag of everything fed.
    pub fn finish(self) -> [u8; TAG_LEN] {
        let mut outer = Sha256::new();
        outer.update(self.opad);
        outer.update(self.inner.finalize());
        outer.finalize().into()
    }

    /// Whether `tag` is the tag of everything fed (compared in constant time).
    pub fn matches(self, tag: &[u8]) -> bool {
        let expected = self.finish();
        tag.len() == TAG_LEN && expected.iter().zip(tag).fold(0, |diff, (a, b)| diff | (a ^ b)) == 0
    }
}

/// The user's cache key from the user keyring, made there if it has none;
/// `Err(why)` when keyrings cannot be used here.
pub fn user_secret() -> Result<Secret, String> {
    let why = |e: linux_keyutils::KeyError| format!("the Linux user keyring cannot be used here ({e})");
    let keyring = KeyRing::from_special_id(KeyRingIdentifier::User, true).map_err(why)?;
    if let Ok(key) = keyring.search(DESCRIPTION)
        && let Some(secret) = read(&key)
    {
        return Ok(secret);
    }
    let mut bytes = [0u8; 32];
    // SAFETY: getrandom(2) writes at most 32 bytes into the 32-byte buffer.
    let got = unsafe { libc::getrandom(bytes.as_mut_ptr().cast(), bytes.len(), 0) };
    if got != 32 {
        return Err(format!("cannot make a cache key: getrandom: {}", std::io::Error::last_os_error()));
    }
    let key = keyring.add_key(DESCRIPTION, &bytes).map_err(why)?;
    // Readable by the user's other processes, which need not possess it
    // (reach it from their session keyring) to read it. Where this one does
    // not possess it either, this fails, and so does the read below.
    let perms = KeyPermissionsBuilder::builder()
        .posessor(Permission::ALL)
        .user(Permission::VIEW | Permission::READ | Permission::SEARCH)
        .build();
    let _ = key.set_perms(perms);
    // Another run may have made one at the same moment: use what the keyring holds.
    read(&key).ok_or_else(|| "the cache key just made in the Linux user keyring cannot be read".to_string())
}

fn read(key: &linux_keyutils::Key) -> Option<Secret> {
    let mut bytes = [0u8; 32];
    (key.read(&mut bytes).ok()? == bytes.len()).then_some(Secret(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; TAG_LEN] {
        let mut tagger = Tagger::new(key);
        for part in parts {
            tagger.update(part);
        }
        tagger.finish()
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn hmac_sha256_matches_rfc_4231() {
        // Test cases 1, 2 and 4.
        let case1 = hmac_sha256(&[0x0b; 20], &[b"Hi There"]);
        assert_eq!(hex(&case1), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
        let case2 = hmac_sha256(b"Jefe", &[b"what do ya want ", b"for nothing?"]);
        assert_eq!(hex(&case2), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        let key: Vec<u8> = (1..=25).collect();
        let case4 = hmac_sha256(&key, &[&[0xcd; 50]]);
        assert_eq!(hex(&case4), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    }

    #[test]
    fn a_tag_binds_the_name_and_the_bytes() {
        let secret = Secret([7; 32]);
        let tag = secret.tag("a", b"code");
        assert!(secret.verify("a", b"code", &tag));
        assert!(!secret.verify("b", b"code", &tag), "renamed");
        assert!(!secret.verify("a", b"codE", &tag), "patched");
        assert!(!secret.verify("a", b"code", &tag[..31]), "cut");
        assert!(!Secret([8; 32]).verify("a", b"code", &tag), "another key");
        // The name and the bytes cannot trade places.
        assert!(!secret.verify("ac", b"ode", &tag));
    }

    #[test]
    fn the_user_keyring_gives_the_same_key_each_time() {
        let (first, second) = (user_secret().unwrap(), user_secret().unwrap());
        assert_eq!(first.0, second.0);
    }
}
