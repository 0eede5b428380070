//! Password hashing (argon2id), typed secrets, stored credentials, imported legacy hashes
//! and sans-I/O SASL server mechanisms (PLAIN, LOGIN, SCRAM-SHA-256[-PLUS], OAUTHBEARER,
//! XOAUTH2).
//!
//! Nothing here does network I/O: the IMAP session feeds client data to
//! [`sasl::Mechanism`] and looks credentials up in the store itself. The one exception to
//! "no I/O" is [`jwks`], which reads the configured JWKS files.

pub mod app_password;
pub mod audit;
pub mod credentials;
pub mod jwks;
pub mod legacy;
pub mod login_cache;
pub mod sasl;
pub mod throttle;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, SaltString};

pub use credentials::{ScramCreds, StoredCreds};
pub use sasl::{ChannelBindings, Mechanism, SaslError, Step};

/// A secret value whose `Debug` never shows it (STYLE.md rule 9).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(v: T) -> Self {
        Secret(v)
    }
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> std::fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// Hash a password as an argon2id PHC string with a random salt.
pub fn hash_password(password: &Secret<String>) -> Result<String, HashError> {
    let mut salt_bytes = [0u8; 16];
    rand::fill(&mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| HashError(e.to_string()))?;
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Check a password against a stored hash: an argon2id PHC string, or an imported legacy
/// form (`{SHA512-CRYPT}$6$...`, `{BLF-CRYPT}$2y$...`, `{ARGON2ID}$argon2id$...`, Dovecot
/// SCRAM keys; see [`legacy`]). A malformed or unsupported hash never matches.
pub fn verify_password(stored_hash: &str, password: &[u8]) -> bool {
    legacy::verify(stored_hash, password)
}

/// A hash that no password matches, verified against when the user does not exist so that
/// an unknown user and a wrong password take the same time.
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let h = hash_password(&Secret::new("correct horse".to_string())).unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, b"correct horse"));
        assert!(!verify_password(&h, b"wrong"));
        assert!(!verify_password("garbage", b"x"));
        assert!(!verify_password(dummy_hash(), b""));
    }

    #[test]
    fn secret_debug_is_redacted() {
        assert_eq!(format!("{:?}", Secret::new("pw")), "<redacted>");
    }
}
