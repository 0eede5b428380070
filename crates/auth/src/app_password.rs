//! App passwords: generated, high-entropy passwords for one client each, revocable one by
//! one, optionally expiring. With an account's "app passwords only" setting, they are the
//! practical second factor for IMAP: a phished main password opens nothing.
//!
//! Storage: `sha256:<hex>` of the normalized token. A slow hash (argon2) protects
//! low-entropy human passwords against offline guessing; an app password carries
//! `APP_PASSWORD_BITS` (120) bits from the OS random generator, so a preimage search on
//! SHA-256 is as hopeless as guessing the token itself, and a fast hash lets one login try
//! every app password of an account without costing tens of milliseconds each.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::Secret;

/// Random bits in a generated app password.
pub const APP_PASSWORD_BITS: usize = 120;
/// RFC 4648 base32 alphabet in lower case, without the confusable padding.
const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
/// 24 base32 characters = 120 bits, shown in groups of four.
const TOKEN_CHARS: usize = APP_PASSWORD_BITS / 5;
const GROUP_CHARS: usize = 4;
const HASH_PREFIX: &str = "sha256:";

/// A new app password: the token to show once, and the hash to store.
pub struct Generated {
    /// `abcd-efgh-ijkl-mnop-qrst-uvwx`.
    pub password: Secret<String>,
    pub hash: String,
}

/// Generate an app password.
pub fn generate() -> Generated {
    let mut bytes = [0u8; TOKEN_CHARS];
    rand::fill(&mut bytes);
    let mut password = String::with_capacity(TOKEN_CHARS + TOKEN_CHARS / GROUP_CHARS);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % GROUP_CHARS == 0 {
            password.push('-');
        }
        // 256 is a multiple of 32: the low five bits are uniform.
        password.push(ALPHABET[(b & 31) as usize] as char);
    }
    let hash = hash(password.as_bytes());
    Generated {
        password: Secret::new(password),
        hash,
    }
}

/// Whether `candidate` could be an app password at all (cheap pre-check, so a main
/// password is not hashed against every app password for nothing).
pub fn looks_like_app_password(candidate: &[u8]) -> bool {
    normalize(candidate).is_some()
}

/// Check a typed password against a stored app-password hash (constant time).
pub fn verify(stored_hash: &str, candidate: &[u8]) -> bool {
    let Some(stored) = stored_hash.strip_prefix(HASH_PREFIX) else {
        return false;
    };
    if normalize(candidate).is_none() {
        return false;
    }
    let computed = hash(candidate);
    computed.as_bytes()[HASH_PREFIX.len()..]
        .ct_eq(stored.as_bytes())
        .into()
}

/// Users copy app passwords with or without the dashes, sometimes upper-cased or with
/// spaces: those are ignored.
fn normalize(candidate: &[u8]) -> Option<Vec<u8>> {
    let chars: Vec<u8> = candidate
        .iter()
        .filter(|b| !matches!(b, b'-' | b' '))
        .map(|b| b.to_ascii_lowercase())
        .collect();
    (chars.len() == TOKEN_CHARS && chars.iter().all(|b| ALPHABET.contains(b))).then_some(chars)
}

fn hash(candidate: &[u8]) -> String {
    let normalized = normalize(candidate).unwrap_or_default();
    format!("{HASH_PREFIX}{}", hex_lower(&Sha256::digest(&normalized)))
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generate_and_verify() {
        let g = generate();
        let pw = g.password.expose().clone();
        assert_eq!(pw.len(), 29);
        assert!(g.hash.starts_with("sha256:"));
        assert!(!g.hash.contains(&pw));
        assert!(verify(&g.hash, pw.as_bytes()));
        assert!(verify(
            &g.hash,
            pw.replace('-', "").to_uppercase().as_bytes()
        ));
        assert!(verify(&g.hash, pw.replace('-', " ").as_bytes()));
        assert!(!verify(&g.hash, b"main password"));
        assert!(!verify("garbage", pw.as_bytes()));
        assert!(looks_like_app_password(pw.as_bytes()));
        assert!(!looks_like_app_password(b"hunter2"));
        let other = generate();
        assert!(!verify(&other.hash, pw.as_bytes()));
    }
}
