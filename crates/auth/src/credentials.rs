//! What the store keeps to authenticate a user: an argon2id (or imported legacy) hash for
//! PLAIN/LOGIN, and SCRAM-SHA-256 keys (RFC 5802 §3) for SCRAM. Never the password.
//!
//! SCRAM keys are serialized in Dovecot's `SCRAM-SHA-256` password scheme format,
//! `{SCRAM-SHA-256}<iterations>,<salt b64>,<StoredKey b64>,<ServerKey b64>`, so Dovecot
//! users can be imported as they are. PostgreSQL's `SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:
//! <ServerKey>` is accepted on input too.

use std::fmt;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use subtle::ConstantTimeEq;

use crate::sasl::scram::{client_key, hmac_sha256, salted_password, sha256};
use crate::{HashError, Secret};

/// RFC 7677 §3: "the hash iteration-count announced by a server SHOULD be at least 4096".
pub const DEFAULT_SCRAM_ITERATIONS: u32 = 4096;
/// Largest iteration count accepted from a stored credential or from config; a bigger one
/// would let a bad record pin a CPU for minutes per login.
pub const MAX_SCRAM_ITERATIONS: u32 = 10_000_000;
/// Salt length for new SCRAM credentials (RFC 5802 leaves it open; Dovecot uses 16).
pub const SCRAM_SALT_BYTES: usize = 16;
/// Largest salt accepted from a stored credential.
pub const MAX_SCRAM_SALT_BYTES: usize = 256;

const DOVECOT_PREFIX: &str = "{SCRAM-SHA-256}";
const POSTGRES_PREFIX: &str = "SCRAM-SHA-256$";

/// A user's stored credentials, as the store hands them to authentication.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct StoredCreds {
    /// argon2id PHC string, or an imported legacy hash (see [`crate::legacy`]).
    pub argon2_hash: Option<String>,
    pub scram_sha256: Option<ScramCreds>,
}

impl fmt::Debug for StoredCreds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredCreds")
            .field(
                "argon2_hash",
                &self.argon2_hash.as_ref().map(|_| "<redacted>"),
            )
            .field("scram_sha256", &self.scram_sha256)
            .finish()
    }
}

impl StoredCreds {
    /// Both an argon2id hash and SCRAM-SHA-256 keys for a new password.
    pub fn from_password(
        password: &Secret<String>,
        scram_iterations: u32,
    ) -> Result<Self, HashError> {
        let scram =
            ScramCreds::derive(password, scram_iterations).map_err(|e| HashError(e.to_string()))?;
        Ok(StoredCreds {
            argon2_hash: Some(crate::hash_password(password)?),
            scram_sha256: Some(scram),
        })
    }

    /// Check a cleartext password (PLAIN, LOGIN). The hash is preferred; a user imported
    /// with only SCRAM keys is checked against those. CPU-heavy: run it off the async
    /// workers.
    pub fn verify_password(&self, password: &[u8]) -> bool {
        match (&self.argon2_hash, &self.scram_sha256) {
            (Some(hash), _) => crate::verify_password(hash, password),
            (None, Some(scram)) => scram.verify_password(password),
            (None, None) => {
                // Same work as for a real user, so timing does not tell them apart.
                crate::verify_password(crate::dummy_hash(), password);
                false
            }
        }
    }
}

/// SCRAM-SHA-256 server credentials (RFC 5802 §3): salt, iteration count,
/// `StoredKey = H(HMAC(SaltedPassword, "Client Key"))` and
/// `ServerKey = HMAC(SaltedPassword, "Server Key")`.
#[derive(Clone, PartialEq, Eq)]
pub struct ScramCreds {
    pub salt: Vec<u8>,
    pub iterations: u32,
    pub stored_key: [u8; 32],
    pub server_key: [u8; 32],
}

impl fmt::Debug for ScramCreds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // StoredKey and ServerKey let an attacker impersonate the server (and, with a
        // transcript, the client): redacted like a password (STYLE.md rule 9).
        f.debug_struct("ScramCreds")
            .field("iterations", &self.iterations)
            .field("keys", &"<redacted>")
            .finish()
    }
}

/// A stored SCRAM credential could not be built or parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredsError {
    #[error("SCRAM iteration count must be between 1 and {MAX_SCRAM_ITERATIONS}")]
    InvalidIterations,
    #[error("malformed SCRAM credential: {0}")]
    Malformed(&'static str),
}

impl ScramCreds {
    /// Derive credentials from a password with a fresh random salt.
    ///
    /// The password is normalized with SASLprep (RFC 4013) as RFC 5802 §2.2 requires.
    pub fn derive(password: &Secret<String>, iterations: u32) -> Result<Self, CredsError> {
        let mut salt = [0u8; SCRAM_SALT_BYTES];
        rand::fill(&mut salt);
        Self::derive_with_salt(password.expose().as_bytes(), &salt, iterations)
    }

    /// Derive credentials with a given salt (imports, tests).
    pub fn derive_with_salt(
        password: &[u8],
        salt: &[u8],
        iterations: u32,
    ) -> Result<Self, CredsError> {
        check_iterations(iterations)?;
        if salt.is_empty() || salt.len() > MAX_SCRAM_SALT_BYTES {
            return Err(CredsError::Malformed("salt length"));
        }
        let salted = salted_password(password, salt, iterations);
        Ok(ScramCreds {
            salt: salt.to_vec(),
            iterations,
            stored_key: sha256(&client_key(&salted)),
            server_key: hmac_sha256(&salted, b"Server Key"),
        })
    }

    /// Check a cleartext password against these keys (for users imported with SCRAM keys
    /// only). Constant-time comparison.
    pub fn verify_password(&self, password: &[u8]) -> bool {
        let salted = salted_password(password, &self.salt, self.iterations);
        let stored_key = sha256(&client_key(&salted));
        stored_key.ct_eq(&self.stored_key).into()
    }

    /// Parse Dovecot's `{SCRAM-SHA-256}i,salt,stored,server` (prefix optional) or
    /// PostgreSQL's `SCRAM-SHA-256$i:salt$stored:server`.
    pub fn parse(s: &str) -> Result<Self, CredsError> {
        let s = s.trim();
        let (iter, salt, stored, server) = if let Some(rest) = strip_prefix_ci(s, POSTGRES_PREFIX) {
            let (params, keys) = rest
                .split_once('$')
                .ok_or(CredsError::Malformed("missing '$'"))?;
            let (iter, salt) = params
                .split_once(':')
                .ok_or(CredsError::Malformed("missing ':'"))?;
            let (stored, server) = keys
                .split_once(':')
                .ok_or(CredsError::Malformed("missing ':'"))?;
            (iter, salt, stored, server)
        } else {
            let rest = strip_prefix_ci(s, DOVECOT_PREFIX).unwrap_or(s);
            let mut fields = rest.split(',');
            match (
                fields.next(),
                fields.next(),
                fields.next(),
                fields.next(),
                fields.next(),
            ) {
                (Some(i), Some(salt), Some(stored), Some(server), None) => {
                    (i, salt, stored, server)
                }
                _ => return Err(CredsError::Malformed("expected 4 comma-separated fields")),
            }
        };
        let iterations: u32 = iter
            .parse()
            .map_err(|_| CredsError::Malformed("iteration count"))?;
        check_iterations(iterations)?;
        let salt = STANDARD
            .decode(salt)
            .map_err(|_| CredsError::Malformed("salt base64"))?;
        if salt.is_empty() || salt.len() > MAX_SCRAM_SALT_BYTES {
            return Err(CredsError::Malformed("salt length"));
        }
        Ok(ScramCreds {
            salt,
            iterations,
            stored_key: decode_key(stored)?,
            server_key: decode_key(server)?,
        })
    }
}

/// Dovecot's format: `{SCRAM-SHA-256}4096,<salt>,<StoredKey>,<ServerKey>`.
impl fmt::Display for ScramCreds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{DOVECOT_PREFIX}{},{},{},{}",
            self.iterations,
            STANDARD.encode(&self.salt),
            STANDARD.encode(self.stored_key),
            STANDARD.encode(self.server_key)
        )
    }
}

impl FromStr for ScramCreds {
    type Err = CredsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Whether a stored string looks like SCRAM-SHA-256 keys rather than a password hash.
pub fn is_scram_sha256(s: &str) -> bool {
    strip_prefix_ci(s, DOVECOT_PREFIX).is_some() || strip_prefix_ci(s, POSTGRES_PREFIX).is_some()
}

pub(crate) fn check_iterations(iterations: u32) -> Result<(), CredsError> {
    if (1..=MAX_SCRAM_ITERATIONS).contains(&iterations) {
        Ok(())
    } else {
        Err(CredsError::InvalidIterations)
    }
}

fn decode_key(b64: &str) -> Result<[u8; 32], CredsError> {
    let bytes = STANDARD
        .decode(b64)
        .map_err(|_| CredsError::Malformed("key base64"))?;
    bytes
        .try_into()
        .map_err(|_| CredsError::Malformed("key is not 32 bytes"))
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dovecot's own test vector (src/auth/test-password-scheme.c): password "test".
    const DOVECOT_TEST: &str = "{SCRAM-SHA-256}4096,LfNGSFqiFykEZ1xDAYlnKQ==,\
        HACNf9CII7cMz3XjRy/Oh3Ae2LHApoDyNw74d3YtFws=,AQH0j7Hf8J12g8eNBadvzlNB2am3PxgNwFCFd3RxEaw=";

    #[test]
    fn dovecot_vector_parses_and_verifies() {
        let c = ScramCreds::parse(DOVECOT_TEST).unwrap();
        assert_eq!(c.iterations, 4096);
        assert!(c.verify_password(b"test"));
        assert!(!c.verify_password(b"Test"));
        assert_eq!(c.to_string(), DOVECOT_TEST);
        let again = ScramCreds::derive_with_salt(b"test", &c.salt, 4096).unwrap();
        assert_eq!(again, c);
    }

    #[test]
    fn rfc7677_keys() {
        // RFC 7677 §3 example: password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, i=4096.
        // Keys cross-checked with Python's hashlib.pbkdf2_hmac and GNU SASL's test suite.
        let salt = STANDARD.decode("W22ZaJ0SNY7soEsUEjb6gQ==").unwrap();
        let c = ScramCreds::derive_with_salt(b"pencil", &salt, 4096).unwrap();
        assert_eq!(
            STANDARD.encode(c.stored_key),
            "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY="
        );
        assert_eq!(
            STANDARD.encode(c.server_key),
            "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU="
        );
    }

    #[test]
    fn postgres_format_parses() {
        let pg = "SCRAM-SHA-256$4096:LfNGSFqiFykEZ1xDAYlnKQ==$\
            HACNf9CII7cMz3XjRy/Oh3Ae2LHApoDyNw74d3YtFws=:AQH0j7Hf8J12g8eNBadvzlNB2am3PxgNwFCFd3RxEaw=";
        assert_eq!(
            ScramCreds::parse(pg).unwrap(),
            ScramCreds::parse(DOVECOT_TEST).unwrap()
        );
        assert!(is_scram_sha256(pg));
        assert!(is_scram_sha256(DOVECOT_TEST));
        assert!(!is_scram_sha256("$argon2id$v=19$..."));
    }

    #[test]
    fn derive_round_trips_and_salts_differ() {
        let pw = Secret::new("correct horse".to_string());
        let a = ScramCreds::derive(&pw, 16).unwrap();
        let b = ScramCreds::derive(&pw, 16).unwrap();
        assert_ne!(a.salt, b.salt);
        assert_eq!(a.salt.len(), SCRAM_SALT_BYTES);
        assert_eq!(ScramCreds::parse(&a.to_string()).unwrap(), a);
        assert!(a.verify_password(b"correct horse"));
        assert!(!a.to_string().contains("correct"));
        assert_eq!(
            ScramCreds::derive(&pw, 0),
            Err(CredsError::InvalidIterations)
        );
        assert_eq!(
            ScramCreds::derive(&pw, MAX_SCRAM_ITERATIONS + 1),
            Err(CredsError::InvalidIterations)
        );
    }

    #[test]
    fn malformed_credentials_are_errors() {
        for bad in [
            "",
            "{SCRAM-SHA-256}",
            "{SCRAM-SHA-256}4096,a,b",
            "{SCRAM-SHA-256}0,LfNGSFqiFykEZ1xDAYlnKQ==,AAAA,AAAA",
            "{SCRAM-SHA-256}99999999999,LfNGSFqiFykEZ1xDAYlnKQ==,AAAA,AAAA",
            "{SCRAM-SHA-256}4096,,HACNf9CII7cMz3XjRy/Oh3Ae2LHApoDyNw74d3YtFws=,AQH0j7Hf8J12g8eNBadvzlNB2am3PxgNwFCFd3RxEaw=",
            "{SCRAM-SHA-256}4096,LfNGSFqiFykEZ1xDAYlnKQ==,AAAA,AAAA",
            "{SCRAM-SHA-256}4096,!!,HACNf9CII7cMz3XjRy/Oh3Ae2LHApoDyNw74d3YtFws=,AQH0j7Hf8J12g8eNBadvzlNB2am3PxgNwFCFd3RxEaw=",
            "SCRAM-SHA-256$4096",
            "SCRAM-SHA-256$4096:salt",
            "{SCRAM-SHA-256}4096,a,b,c,d",
            "{SCRAM-SHA-2é",
        ] {
            assert!(ScramCreds::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn stored_creds_verify_and_redact() {
        let pw = Secret::new("hunter2".to_string());
        let creds = StoredCreds::from_password(&pw, 16).unwrap();
        assert!(creds.verify_password(b"hunter2"));
        assert!(!creds.verify_password(b"hunter3"));
        let dbg = format!("{creds:?}");
        assert!(!dbg.contains("argon2id"), "{dbg}");
        assert!(dbg.contains("<redacted>"));

        let scram_only = StoredCreds {
            argon2_hash: None,
            scram_sha256: creds.scram_sha256.clone(),
        };
        assert!(scram_only.verify_password(b"hunter2"));
        assert!(!scram_only.verify_password(b"nope"));
        assert!(!StoredCreds::default().verify_password(b""));
    }
}
