//! Verifying imported password hashes, so users moved from Dovecot (or another crypt(3)
//! based system) log in without a password reset.
//!
//! Accepted stored forms, with or without a Dovecot `{SCHEME}` prefix (scheme names are
//! case-insensitive, as in Dovecot):
//!
//! | prefix | hash |
//! | --- | --- |
//! | `{ARGON2ID}`, `{ARGON2I}` or none | PHC string `$argon2id$v=19$m=..,t=..,p=..$salt$hash` |
//! | `{SHA512-CRYPT}`, `{CRYPT}` or none | SHA-crypt `$6$[rounds=N$]salt$hash` (Drepper's spec) |
//! | `{SHA256-CRYPT}`, `{CRYPT}` or none | SHA-crypt `$5$[rounds=N$]salt$hash` |
//! | `{BLF-CRYPT}`, `{CRYPT}` or none | bcrypt `$2y$NN$...` (also `2a`, `2b`, `2x`) |
//! | `{SCRAM-SHA-256}` | Dovecot SCRAM keys (see [`crate::credentials`]) |
//!
//! Anything else (DES and MD5 crypt, `{PLAIN}`, `{SHA}`...) is refused: such a hash never
//! matches, and [`scheme_of`] returns `None` so an importer can report it.
//!
//! Work factors come from stored data; each has a cap so that one bad record cannot pin a
//! CPU or eat the memory for minutes per login. A hash above a cap never matches.

use argon2::password_hash::{PasswordHash, PasswordVerifier};
use argon2::{Argon2, Params};
use subtle::ConstantTimeEq;

use crate::credentials::{ScramCreds, is_scram_sha256};

/// Largest argon2 memory cost accepted, in KiB (Dovecot's default is 64 MiB).
pub const MAX_ARGON2_M_COST_KIB: u32 = 256 * 1024;
/// Largest argon2 time cost accepted.
pub const MAX_ARGON2_T_COST: u32 = 64;
/// Largest SHA-crypt rounds accepted (the spec allows 999,999,999; the default is 5000).
pub const MAX_SHA_CRYPT_ROUNDS: usize = 10_000_000;
/// SHA-crypt work grows with the square of the password length (spec step 14 hashes the
/// password once per password byte): longer passwords never match a SHA-crypt hash.
pub const MAX_SHA_CRYPT_PASSWORD_BYTES: usize = 4096;
/// Largest bcrypt cost accepted (each step doubles the work; Dovecot's default is 5).
pub const MAX_BCRYPT_COST: u32 = 16;

/// A password hash scheme this crate can verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Argon2,
    Sha512Crypt,
    Sha256Crypt,
    Bcrypt,
    ScramSha256,
}

/// The scheme of a stored hash, or `None` if it is not one this crate verifies.
pub fn scheme_of(stored: &str) -> Option<Scheme> {
    split(stored).map(|(scheme, _)| scheme)
}

/// Check `password` against a stored hash in any accepted form. A malformed or unsupported
/// hash never matches. CPU-heavy: run it off the async workers.
pub fn verify(stored: &str, password: &[u8]) -> bool {
    match split(stored) {
        Some((Scheme::Argon2, hash)) => verify_argon2(hash, password),
        Some((Scheme::Sha512Crypt, hash)) => verify_sha_crypt(hash, password, ShaCrypt::Sha512),
        Some((Scheme::Sha256Crypt, hash)) => verify_sha_crypt(hash, password, ShaCrypt::Sha256),
        Some((Scheme::Bcrypt, hash)) => verify_bcrypt(hash, password),
        Some((Scheme::ScramSha256, creds)) => match ScramCreds::parse(creds) {
            Ok(c) => c.verify_password(password),
            Err(_) => false,
        },
        None => false,
    }
}

/// The scheme and the part of `stored` its verifier reads.
fn split(stored: &str) -> Option<(Scheme, &str)> {
    let stored = stored.trim();
    if let Some(rest) = stored.strip_prefix('{') {
        let (name, hash) = rest.split_once('}')?;
        let by_hash = scheme_from_hash(hash);
        let scheme = match name.to_ascii_uppercase().as_str() {
            "ARGON2ID" | "ARGON2I" => Scheme::Argon2,
            "SHA512-CRYPT" => Scheme::Sha512Crypt,
            "SHA256-CRYPT" => Scheme::Sha256Crypt,
            "BLF-CRYPT" => Scheme::Bcrypt,
            // Dovecot's CRYPT is libc crypt(3): the hash's own `$id$` says which one.
            "CRYPT" => by_hash?,
            "SCRAM-SHA-256" => return Some((Scheme::ScramSha256, stored)),
            _ => return None,
        };
        // A prefix that contradicts the hash is a corrupt record.
        return (by_hash == Some(scheme)).then_some((scheme, hash));
    }
    if is_scram_sha256(stored) {
        return Some((Scheme::ScramSha256, stored));
    }
    scheme_from_hash(stored).map(|s| (s, stored))
}

fn scheme_from_hash(hash: &str) -> Option<Scheme> {
    if hash.starts_with("$argon2") {
        Some(Scheme::Argon2)
    } else if hash.starts_with("$6$") {
        Some(Scheme::Sha512Crypt)
    } else if hash.starts_with("$5$") {
        Some(Scheme::Sha256Crypt)
    } else if ["$2a$", "$2b$", "$2x$", "$2y$"]
        .iter()
        .any(|p| hash.starts_with(p))
    {
        Some(Scheme::Bcrypt)
    } else {
        None
    }
}

fn verify_argon2(hash: &str, password: &[u8]) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    if params.m_cost() > MAX_ARGON2_M_COST_KIB || params.t_cost() > MAX_ARGON2_T_COST {
        return false;
    }
    Argon2::default().verify_password(password, &parsed).is_ok()
}

#[derive(Clone, Copy)]
enum ShaCrypt {
    Sha512,
    Sha256,
}

/// SHA-crypt, <https://www.akkadia.org/drepper/SHA-crypt.txt>:
/// `$6$[rounds=N$]salt$hash` (`$5$` for SHA-256).
fn verify_sha_crypt(hash: &str, password: &[u8], kind: ShaCrypt) -> bool {
    if password.len() > MAX_SHA_CRYPT_PASSWORD_BYTES {
        return false;
    }
    let mut fields = hash.split('$');
    // "", "6", then [rounds=N], salt, hash.
    let (Some(""), Some(_id)) = (fields.next(), fields.next()) else {
        return false;
    };
    let Some(mut salt) = fields.next() else {
        return false;
    };
    let mut rounds = sha_crypt::ROUNDS_DEFAULT;
    if let Some(n) = salt.strip_prefix("rounds=") {
        let Ok(n) = n.parse::<usize>() else {
            return false;
        };
        // Spec: "If the value is less than 1000, 1000 is used; if it is greater than
        // 999,999,999, that is used" — the same clamping glibc does.
        rounds = n.clamp(sha_crypt::ROUNDS_MIN, sha_crypt::ROUNDS_MAX);
        let Some(s) = fields.next() else { return false };
        salt = s;
    }
    let (Some(expected), None) = (fields.next(), fields.next()) else {
        return false;
    };
    if rounds > MAX_SHA_CRYPT_ROUNDS {
        return false;
    }
    // Spec: only the first 16 characters of the salt are used (the crate truncates too).
    let computed = match kind {
        ShaCrypt::Sha512 => sha_crypt::Sha512Params::new(rounds)
            .ok()
            .and_then(|p| sha_crypt::sha512_crypt_b64(password, salt.as_bytes(), &p).ok()),
        ShaCrypt::Sha256 => sha_crypt::Sha256Params::new(rounds)
            .ok()
            .and_then(|p| sha_crypt::sha256_crypt_b64(password, salt.as_bytes(), &p).ok()),
    };
    match computed {
        Some(c) => c.as_bytes().ct_eq(expected.as_bytes()).into(),
        None => false,
    }
}

fn verify_bcrypt(hash: &str, password: &[u8]) -> bool {
    // `$2y$NN$<53 chars>`; the crate checks the rest.
    let cost = hash.get(4..6).and_then(|c| c.parse::<u32>().ok());
    if !matches!(cost, Some(c) if c <= MAX_BCRYPT_COST) {
        return false;
    }
    // Truncating verify: libc's bcrypt (what Dovecot used) reads at most 72 bytes.
    bcrypt::verify(password, hash).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    // SHA-512 vectors: the first two are from Drepper's SHA-crypt spec test list; the
    // others were made with Python 3.11 `crypt.crypt` (glibc/libxcrypt) on this machine.
    const SHA512_SPEC: &str = "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1";
    const SHA512_SPEC_ROUNDS_LOW: &str = "$6$rounds=10$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.";
    const SHA512_PYTHON: &str = "$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/";
    const SHA512_PYTHON_ROUNDS: &str = "$6$rounds=10000$saltsalt$ZqOTO2O04D/DgwZlm.rZTgWxvBaIf4LQsZKtXFEu9UHJ4CvgmdLAGxKUzJ0mPO98OevETdY6oK/Oac6j2Axxq/";
    /// `crypt.crypt('pässwörd', '$6$rounds=1000$abcdefghijklmnopqrst$')`: salt cut to 16.
    const SHA512_PYTHON_UTF8: &str = "$6$rounds=1000$abcdefghijklmnop$qPrHhJkLFTKGV1TdvYOUDypEIon9bSd6dprjfYwTygJIzTQd1WsqJhrwRYZKlZxtUslaXz1NuQ5gzHkmY5A5b.";
    /// `crypt.crypt('password', '$5$saltsalt$')`.
    const SHA256_PYTHON: &str = "$5$saltsalt$gOjOtoMpVhru2uyjeJSEc/JaLQWOXMNmlOnj6T4AtC.";
    /// Dovecot's own test vector (src/auth/test-password-scheme.c), password "test";
    /// reproduced with Python's `crypt.crypt('test', '$2y$05$11ipvo5dR6CwkzwmhwM26O')`.
    const BLF_DOVECOT: &str =
        "{BLF-CRYPT}$2y$05$11ipvo5dR6CwkzwmhwM26OXgzXwhV2PyPuLV.Qi31ILcRcThQpEiW";
    /// `crypt.crypt('a' * 72, '$2b$04$abcdefghijklmnopqrstuu')`; 80 a's give the same hash.
    const BCRYPT_72: &str = "$2b$04$abcdefghijklmnopqrstuuBzzIgyKkz7xMWYSzkIjUSnxEQFQ0WNe";

    #[test]
    fn sha512_crypt_vectors() {
        assert!(verify(SHA512_SPEC, b"Hello world!"));
        assert!(!verify(SHA512_SPEC, b"Hello world"));
        assert!(verify(
            SHA512_SPEC_ROUNDS_LOW,
            b"the minimum number is still observed"
        ));
        assert!(verify(SHA512_PYTHON, b"password"));
        assert!(verify(
            &format!("{{SHA512-CRYPT}}{SHA512_PYTHON}"),
            b"password"
        ));
        assert!(verify(
            &format!("{{sha512-crypt}}{SHA512_PYTHON}"),
            b"password"
        ));
        assert!(verify(&format!("{{CRYPT}}{SHA512_PYTHON}"), b"password"));
        assert!(verify(SHA512_PYTHON_ROUNDS, b"password"));
        assert!(!verify(SHA512_PYTHON_ROUNDS, b"Password"));
        assert!(verify(SHA512_PYTHON_UTF8, "pässwörd".as_bytes()));
        assert_eq!(scheme_of(SHA512_PYTHON), Some(Scheme::Sha512Crypt));
    }

    #[test]
    fn sha256_crypt_vector() {
        assert!(verify(SHA256_PYTHON, b"password"));
        assert!(verify(
            &format!("{{SHA256-CRYPT}}{SHA256_PYTHON}"),
            b"password"
        ));
        assert!(!verify(SHA256_PYTHON, b"passwore"));
    }

    #[test]
    fn bcrypt_vectors() {
        assert!(verify(BLF_DOVECOT, b"test"));
        assert!(!verify(BLF_DOVECOT, b"tests"));
        assert!(verify(
            BLF_DOVECOT.trim_start_matches("{BLF-CRYPT}"),
            b"test"
        ));
        assert!(verify(BCRYPT_72, &[b'a'; 72]));
        assert!(verify(BCRYPT_72, &[b'a'; 80]));
        assert!(!verify(BCRYPT_72, &[b'a'; 71]));
        assert_eq!(scheme_of(BLF_DOVECOT), Some(Scheme::Bcrypt));
    }

    #[test]
    fn argon2_forms() {
        let h = crate::hash_password(&crate::Secret::new("pw".into())).unwrap();
        assert!(verify(&h, b"pw"));
        assert!(verify(&format!("{{ARGON2ID}}{h}"), b"pw"));
        assert!(!verify(&format!("{{ARGON2ID}}{h}"), b"px"));
        // argon2i, as Dovecot's {ARGON2I} makes (generated with the argon2 crate).
        let argon2i = {
            use argon2::password_hash::{PasswordHasher, SaltString};
            let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
            argon2::Argon2::new(
                argon2::Algorithm::Argon2i,
                argon2::Version::V0x13,
                Params::new(1024, 1, 1, None).unwrap(),
            )
            .hash_password(b"pw", &salt)
            .unwrap()
            .to_string()
        };
        assert!(verify(&format!("{{ARGON2I}}{argon2i}"), b"pw"));
        // Work factors above the caps never match.
        let huge_m = "$argon2id$v=19$m=4194304,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        assert!(!verify(huge_m, b"pw"));
    }

    #[test]
    fn scram_keys_as_a_hash() {
        let dovecot = "{SCRAM-SHA-256}4096,LfNGSFqiFykEZ1xDAYlnKQ==,\
            HACNf9CII7cMz3XjRy/Oh3Ae2LHApoDyNw74d3YtFws=,AQH0j7Hf8J12g8eNBadvzlNB2am3PxgNwFCFd3RxEaw=";
        assert!(verify(dovecot, b"test"));
        assert!(!verify(dovecot, b"tset"));
        assert_eq!(scheme_of(dovecot), Some(Scheme::ScramSha256));
    }

    #[test]
    fn unsupported_and_mismatched_forms_never_match() {
        for bad in [
            "",
            "{PLAIN}password",
            "{CLEARTEXT}password",
            "{CRYPT}saHW9GdxihkGQ",               // DES
            "$1$saltsalt$qjXMvbEw8oaL.CzflDugX/", // MD5-crypt
            "{SHA512-CRYPT}$2y$05$11ipvo5dR6CwkzwmhwM26OXgzXwhV2PyPuLV.Qi31ILcRcThQpEiW",
            "{BLF-CRYPT}$6$saltsalt$x",
            "{SHA512-CRYPT",
            "{UNKNOWN}$6$saltsalt$x",
        ] {
            assert!(!verify(bad, b"password"), "{bad}");
            assert!(!verify(bad, b""), "{bad}");
            assert_eq!(scheme_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn malformed_hashes_never_match_or_panic() {
        for bad in [
            "$6$",
            "$6$salt",
            "$6$salt$",
            "$6$rounds=$salt$hash",
            "$6$rounds=abc$salt$hash",
            "$6$rounds=99999999999999999999999$salt$hash",
            "$6$rounds=999999999$salt$hash",
            "$6$salt$hash$extra",
            "$6$$",
            "$6$é$é",
            "$5$",
            "$2y$",
            "$2y$99$11ipvo5dR6CwkzwmhwM26OXgzXwhV2PyPuLV.Qi31ILcRcThQpEiW",
            "$2y$31$11ipvo5dR6CwkzwmhwM26OXgzXwhV2PyPuLV.Qi31ILcRcThQpEiW",
            "$2y$05$short",
            "$2y$05$11ipvo5dR6CwkzwmhwM26OXgzXwhV2PyPuLV.Qi31ILcRcThQpEi\u{e9}",
            "$2y$05$!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
            "$2yé",
            "$argon2id$",
            "$argon2id$v=19$m=a,t=1,p=1$x$y",
            "{ARGON2ID}",
            "{SCRAM-SHA-256}4096,x",
            "SCRAM-SHA-256$",
        ] {
            assert!(!verify(bad, b"password"), "{bad}");
        }
        // Over-long passwords against SHA-crypt are refused before the quadratic work.
        assert!(!verify(
            SHA512_PYTHON,
            &vec![b'a'; MAX_SHA_CRYPT_PASSWORD_BYTES + 1]
        ));
    }
}
