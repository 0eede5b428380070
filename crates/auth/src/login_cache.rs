//! Recently verified passwords, so a client that reconnects often does not pay argon2
//! every time.
//!
//! Phones and desktop clients open a connection per folder and reconnect after every
//! network change; with argon2id (tens of milliseconds of CPU and 19 MiB per check) those
//! logins dominate a busy server's CPU. Dovecot offers the same trade as `auth_cache`.
//!
//! What is kept: for each successful password login, an HMAC-SHA-256 tag over the user
//! name, the *stored* hash and the password, under a random key made at start and never
//! written anywhere, with the time it was verified. A later login with the same name,
//! stored hash and password finds the tag and is accepted without argon2; anything else
//! (another password, a changed password — its stored hash differs —, an expired entry)
//! takes the full check. Failures are never cached, so guessing still costs argon2 plus
//! the throttle's delays. The cost: someone who can read the server's memory could test
//! guesses against a tag at HMAC speed instead of argon2 speed, for at most the TTL; set
//! `[auth] login_cache_secs = 0` to turn the cache off (SECURITY.md).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Default time a verified login is remembered (Dovecot's `auth_cache_ttl` is 1 hour).
pub const DEFAULT_TTL: Duration = Duration::from_secs(30 * 60);
/// At most this many entries (about 100 bytes each); when full, expired ones are dropped
/// first and, if none expired, nothing new is added until some do.
pub const MAX_ENTRIES: usize = 100_000;

type Tag = [u8; 32];

pub struct LoginCache {
    key: [u8; 32],
    ttl: Duration,
    entries: Mutex<HashMap<Tag, Instant>>,
}

impl LoginCache {
    /// A cache remembering logins for `ttl`; `Duration::ZERO` disables it.
    pub fn new(ttl: Duration) -> LoginCache {
        let mut key = [0u8; 32];
        rand::fill(&mut key);
        LoginCache {
            key,
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub fn disabled() -> LoginCache {
        LoginCache::new(Duration::ZERO)
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Whether `user` logged in with `password` against `stored_hash` within the TTL.
    pub fn is_verified(&self, user: &str, stored_hash: &str, password: &[u8]) -> bool {
        if self.ttl.is_zero() {
            return false;
        }
        let tag = self.tag(user, stored_hash, password);
        let mut entries = self.lock();
        match entries.get(&tag) {
            Some(at) if at.elapsed() < self.ttl => true,
            Some(_) => {
                entries.remove(&tag);
                false
            }
            None => false,
        }
    }

    /// Remember a login that argon2 (or the legacy scheme) just verified.
    pub fn remember(&self, user: &str, stored_hash: &str, password: &[u8]) {
        if self.ttl.is_zero() {
            return;
        }
        let tag = self.tag(user, stored_hash, password);
        let mut entries = self.lock();
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&tag) {
            let ttl = self.ttl;
            entries.retain(|_, at| at.elapsed() < ttl);
            if entries.len() >= MAX_ENTRIES {
                return;
            }
        }
        entries.insert(tag, Instant::now());
    }

    /// Entries held (expired ones included until they are met or evicted).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forget everything (e.g. after an administrator changed credentials in bulk).
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Tag, Instant>> {
        // A panic while holding the lock leaves a map that is still valid: keep using it.
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn tag(&self, user: &str, stored_hash: &str, password: &[u8]) -> Tag {
        // Invariant: HMAC accepts keys of any length.
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("HMAC takes any key length");
        // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
        for field in [user.as_bytes(), stored_hash.as_bytes(), password] {
            mac.update(&(field.len() as u64).to_be_bytes());
            mac.update(field);
        }
        mac.finalize().into_bytes().into()
    }
}

impl std::fmt::Debug for LoginCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginCache")
            .field("ttl", &self.ttl)
            .field("entries", &self.lock().len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_only_the_same_user_hash_and_password() {
        let c = LoginCache::new(Duration::from_secs(60));
        assert!(!c.is_verified("alice", "$h1", b"pw"));
        c.remember("alice", "$h1", b"pw");
        assert!(c.is_verified("alice", "$h1", b"pw"));
        assert!(!c.is_verified("alice", "$h1", b"pw2"), "other password");
        assert!(!c.is_verified("alice", "$h2", b"pw"), "password changed");
        assert!(!c.is_verified("bob", "$h1", b"pw"), "other user");
        assert!(
            !c.is_verified("alic", "e$h1", b"pw"),
            "fields are delimited"
        );
        c.clear();
        assert!(!c.is_verified("alice", "$h1", b"pw"));
    }

    #[test]
    fn disabled_cache_remembers_nothing() {
        let c = LoginCache::disabled();
        c.remember("alice", "$h1", b"pw");
        assert!(!c.is_verified("alice", "$h1", b"pw"));
    }

    #[test]
    fn entries_expire() {
        let c = LoginCache::new(Duration::from_millis(1));
        c.remember("alice", "$h1", b"pw");
        std::thread::sleep(Duration::from_millis(5));
        assert!(!c.is_verified("alice", "$h1", b"pw"));
    }

    #[test]
    fn two_caches_have_different_keys() {
        let a = LoginCache::new(Duration::from_secs(60));
        let b = LoginCache::new(Duration::from_secs(60));
        assert_ne!(a.tag("u", "h", b"p"), b.tag("u", "h", b"p"));
    }
}
