//! Bearer-token validation for OAUTHBEARER (RFC 7628) and XOAUTH2: JWT access tokens
//! (RFC 7519, RFC 9068) signed by the configured issuer with a key from a local JWKS file
//! (RFC 7517).
//!
//! Loft never fetches keys over the network: the operator puts the issuer's JWKS (the
//! document its `jwks_uri` serves) in one or more files. They are read once at start
//! ([`OAuthValidator::load`], a bad file stops the server naming it) and read again
//! whenever a file's modification time or size changes, checked before each validation, so
//! a key rotation needs no restart. A file that fails to reload leaves the old keys in use.
//!
//! A token is accepted when (RFC 7519 §7.2, RFC 9068 §4):
//! - its header names an asymmetric algorithm allowed for the key its `kid` selects
//!   (RS256/384/512, PS256/384/512, ES256, ES384, EdDSA; never `none` or HMAC, so a public
//!   key can never be used as an HMAC secret);
//! - the signature verifies;
//! - `iss` equals the configured issuer and `aud` contains the configured audience;
//! - `exp` is in the future and `nbf` (if present) in the past, both with the leeway;
//! - the username claim is a non-empty string (and, for `email`, `email_verified` is not
//!   `false`).
//!
//! The token itself is a bearer secret: it is never put into an error or a log line.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::RwLock;
use std::time::SystemTime;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

/// Re-exported for tests and tools that mint tokens (`jwt::encode`, `jwt::EncodingKey`,
/// `jwt::jwk::Jwk::from_encoding_key`).
pub use jsonwebtoken as jwt;
/// Re-exported with [`jwt`], to build claims and read challenges where serde_json is not a
/// dependency (the IMAP crate's tests).
pub use serde_json as json;

/// Default `username_claim`: most providers put the mailbox address there.
pub const DEFAULT_USERNAME_CLAIM: &str = "email";
/// Default clock skew allowed on `exp` and `nbf`.
pub const DEFAULT_LEEWAY_SECS: u64 = 60;
/// A JWKS file larger than this is refused (real ones are a few kilobytes).
pub const MAX_JWKS_FILE_BYTES: u64 = 1024 * 1024;

/// The `[oauth]` settings (validated by the server's config loader).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthSettings {
    /// Required `iss` value.
    pub issuer: String,
    /// A value the `aud` claim must contain.
    pub audience: String,
    /// JWKS files; a key id must be unique across all of them.
    pub jwks_files: Vec<PathBuf>,
    /// The claim holding the account name (`email`, `preferred_username`, `sub`...).
    pub username_claim: String,
    pub leeway_secs: u64,
    /// RFC 7628 §3.2.2 `scope` of the error challenge: the scope a client should request.
    pub scope: Option<String>,
    /// RFC 7628 §3.2.2 `openid-configuration` of the error challenge. None: the
    /// issuer's `/.well-known/openid-configuration` (OpenID Connect Discovery §4).
    pub openid_configuration: Option<String>,
}

impl OAuthSettings {
    /// Settings with the defaults for everything but the three required values.
    pub fn new(issuer: &str, audience: &str, jwks_files: Vec<PathBuf>) -> OAuthSettings {
        OAuthSettings {
            issuer: issuer.to_string(),
            audience: audience.to_string(),
            jwks_files,
            username_claim: DEFAULT_USERNAME_CLAIM.to_string(),
            leeway_secs: DEFAULT_LEEWAY_SECS,
            scope: None,
            openid_configuration: None,
        }
    }
}

/// A JWKS file that cannot be used. Display names the file.
#[derive(Debug, thiserror::Error)]
pub enum JwksError {
    #[error("{}: cannot read JWKS file: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: JWKS file is larger than {MAX_JWKS_FILE_BYTES} bytes", path.display())]
    TooLarge { path: PathBuf },
    #[error("{}: not a JWKS file (RFC 7517 §5): {reason}", path.display())]
    Parse { path: PathBuf, reason: String },
    #[error("{}: key {kid:?} is not usable: {reason}", path.display())]
    BadKey {
        path: PathBuf,
        kid: String,
        reason: String,
    },
    #[error("{}: key id {kid:?} appears twice", path.display())]
    DuplicateKid { path: PathBuf, kid: String },
    #[error(
        "{}: no usable signing key (RSA, EC P-256/P-384 or Ed25519 keys with \"use\": \"sig\" or no \"use\")",
        path.display()
    )]
    NoKeys { path: PathBuf },
    #[error("oauth: no JWKS file configured")]
    NoFiles,
}

/// Why a token was refused. For the audit log; the client sees one uniform answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("token is not a well-formed JWT")]
    Malformed,
    #[error("token signed with an unknown key id")]
    UnknownKey,
    #[error("token algorithm not allowed for its key")]
    Algorithm,
    #[error("token signature does not verify")]
    BadSignature,
    #[error("token expired")]
    Expired,
    #[error("token not valid yet (nbf)")]
    NotYetValid,
    #[error("token issuer mismatch")]
    WrongIssuer,
    #[error("token audience mismatch")]
    WrongAudience,
    #[error("token lacks the {0} claim")]
    MissingClaim(String),
    #[error("token email is not verified")]
    EmailNotVerified,
}

/// Who a valid token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenIdentity {
    /// The value of the configured username claim.
    pub username: String,
    /// The `sub` claim, if any (for the audit log).
    pub subject: Option<String>,
}

/// Validates bearer tokens against the configured issuer and keys. Shared by every
/// session (`Arc`); cheap to call concurrently.
pub struct OAuthValidator {
    settings: OAuthSettings,
    keyring: RwLock<Keyring>,
}

impl std::fmt::Debug for OAuthValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthValidator")
            .field("issuer", &self.settings.issuer)
            .field("audience", &self.settings.audience)
            .field("jwks_files", &self.settings.jwks_files)
            .field("keys", &self.key_ids())
            .finish()
    }
}

impl OAuthValidator {
    /// Read every JWKS file; fails on the first unusable one.
    pub fn load(settings: OAuthSettings) -> Result<OAuthValidator, JwksError> {
        let keyring = Keyring::load(&settings.jwks_files)?;
        Ok(OAuthValidator {
            settings,
            keyring: RwLock::new(keyring),
        })
    }

    pub fn settings(&self) -> &OAuthSettings {
        &self.settings
    }

    /// Re-read the files now (e.g. on SIGHUP). On error the old keys stay in use.
    /// Returns the number of keys loaded.
    pub fn reload(&self) -> Result<usize, JwksError> {
        let fresh = Keyring::load(&self.settings.jwks_files)?;
        let n = fresh.keys.len();
        *self.keyring.write().unwrap_or_else(|p| p.into_inner()) = fresh;
        Ok(n)
    }

    /// The key ids in use (`None` for keys without one), for logs and tests.
    pub fn key_ids(&self) -> Vec<Option<String>> {
        let ring = self.keyring.read().unwrap_or_else(|p| p.into_inner());
        ring.keys.iter().map(|k| k.kid.clone()).collect()
    }

    /// Validate a bearer token (the `b64token` of RFC 6750 §2.1, i.e. the compact JWS).
    pub fn validate(&self, token: &str) -> Result<TokenIdentity, TokenError> {
        self.reload_if_changed();
        let header = jwt::decode_header(token).map_err(|_| TokenError::Malformed)?;
        let ring = self.keyring.read().unwrap_or_else(|p| p.into_inner());
        let key = match &header.kid {
            Some(kid) => ring
                .keys
                .iter()
                .find(|k| k.kid.as_deref() == Some(kid.as_str())),
            // No `kid`: only unambiguous when exactly one key could have signed it.
            None => {
                let mut fits = ring
                    .keys
                    .iter()
                    .filter(|k| k.algorithms.contains(&header.alg));
                match (fits.next(), fits.next()) {
                    (Some(k), None) => Some(k),
                    _ => None,
                }
            }
        };
        let key = key.ok_or(TokenError::UnknownKey)?;
        // RFC 8725 §3.1: never let the token pick an algorithm the key is not meant for.
        if !key.algorithms.contains(&header.alg) {
            return Err(TokenError::Algorithm);
        }
        let mut validation = Validation::new(header.alg);
        validation.leeway = self.settings.leeway_secs;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.validate_aud = true;
        validation.set_issuer(&[&self.settings.issuer]);
        validation.set_audience(&[&self.settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        let data = jwt::decode::<Map<String, Value>>(token, &key.decoding, &validation)
            .map_err(|e| token_error(e.kind()))?;
        drop(ring);
        identity(&data.claims, &self.settings.username_claim)
    }

    /// The RFC 7628 §3.2.2 error challenge (JSON) sent before a failed exchange ends.
    pub fn error_challenge(&self) -> Vec<u8> {
        let configuration = self
            .settings
            .openid_configuration
            .clone()
            .unwrap_or_else(|| {
                format!(
                    "{}/.well-known/openid-configuration",
                    self.settings.issuer.trim_end_matches('/')
                )
            });
        crate::sasl::oauth::error_challenge(
            "invalid_token",
            self.settings.scope.as_deref(),
            Some(&configuration),
        )
    }

    fn reload_if_changed(&self) {
        let stamps = stamps(&self.settings.jwks_files);
        let is_changed = {
            let ring = self.keyring.read().unwrap_or_else(|p| p.into_inner());
            ring.stamps != stamps
        };
        if is_changed {
            // A half-written or broken file keeps the old keys; the next validation tries
            // again, and `reload` reports the error to whoever asks.
            let _ = self.reload();
        }
    }
}

/// The username (and subject) from validated claims.
fn identity(
    claims: &Map<String, Value>,
    username_claim: &str,
) -> Result<TokenIdentity, TokenError> {
    let username = claims
        .get(username_claim)
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty() && !u.chars().any(char::is_control))
        .ok_or_else(|| TokenError::MissingClaim(username_claim.to_string()))?;
    // OpenID Connect Core §5.1: an unverified address must not be trusted as identity.
    if username_claim == "email" && claims.get("email_verified") == Some(&Value::Bool(false)) {
        return Err(TokenError::EmailNotVerified);
    }
    Ok(TokenIdentity {
        username: username.to_string(),
        subject: claims
            .get("sub")
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

fn token_error(kind: &ErrorKind) -> TokenError {
    match kind {
        ErrorKind::InvalidSignature => TokenError::BadSignature,
        ErrorKind::ExpiredSignature => TokenError::Expired,
        ErrorKind::ImmatureSignature => TokenError::NotYetValid,
        ErrorKind::InvalidIssuer => TokenError::WrongIssuer,
        ErrorKind::InvalidAudience => TokenError::WrongAudience,
        ErrorKind::MissingRequiredClaim(c) => TokenError::MissingClaim(c.clone()),
        ErrorKind::InvalidAlgorithm
        | ErrorKind::MissingAlgorithm
        | ErrorKind::UnsupportedAlgorithm => TokenError::Algorithm,
        // A key that does not fit the algorithm cannot verify anything.
        ErrorKind::InvalidEcdsaKey | ErrorKind::InvalidEddsaKey | ErrorKind::InvalidRsaKey(_) => {
            TokenError::BadSignature
        }
        _ => TokenError::Malformed,
    }
}

/// The keys of all files, and the (mtime, size) of each file when it was read.
struct Keyring {
    keys: Vec<Key>,
    stamps: Vec<Option<(SystemTime, u64)>>,
}

struct Key {
    kid: Option<String>,
    algorithms: Vec<Algorithm>,
    decoding: DecodingKey,
}

impl Keyring {
    fn load(files: &[PathBuf]) -> Result<Keyring, JwksError> {
        if files.is_empty() {
            return Err(JwksError::NoFiles);
        }
        // Stamps first: a file changed while being read is read again next time.
        let stamps = stamps(files);
        let mut keys: Vec<Key> = Vec::new();
        for path in files {
            let from_file = load_file(path)?;
            for key in from_file {
                if let Some(kid) = &key.kid
                    && keys.iter().any(|k| k.kid.as_ref() == Some(kid))
                {
                    return Err(JwksError::DuplicateKid {
                        path: path.clone(),
                        kid: kid.clone(),
                    });
                }
                keys.push(key);
            }
        }
        Ok(Keyring { keys, stamps })
    }
}

fn stamps(files: &[PathBuf]) -> Vec<Option<(SystemTime, u64)>> {
    files
        .iter()
        .map(|p| {
            std::fs::metadata(p)
                .ok()
                .and_then(|m| Some((m.modified().ok()?, m.len())))
        })
        .collect()
}

fn load_file(path: &Path) -> Result<Vec<Key>, JwksError> {
    let read = |source| JwksError::Read {
        path: path.to_path_buf(),
        source,
    };
    let len = std::fs::metadata(path).map_err(read)?.len();
    if len > MAX_JWKS_FILE_BYTES {
        return Err(JwksError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    let text = std::fs::read(path).map_err(read)?;
    parse_jwks(&text).map_err(|e| match e {
        ParseError::Format(reason) => JwksError::Parse {
            path: path.to_path_buf(),
            reason,
        },
        ParseError::Key { kid, reason } => JwksError::BadKey {
            path: path.to_path_buf(),
            kid,
            reason,
        },
        ParseError::Empty => JwksError::NoKeys {
            path: path.to_path_buf(),
        },
    })
}

enum ParseError {
    Format(String),
    Key { kid: String, reason: String },
    Empty,
}

/// RFC 7517 §5 JWK Set (`{"keys": [...]}`), or a single JWK. Keys for encryption, with
/// symmetric or unknown key types, or with algorithms this server does not verify are
/// skipped (a provider's JWKS often lists such keys beside its signing keys).
fn parse_jwks(text: &[u8]) -> Result<Vec<Key>, ParseError> {
    let doc: Value = serde_json::from_slice(text).map_err(|e| ParseError::Format(e.to_string()))?;
    let entries = match &doc {
        Value::Object(o) if o.contains_key("keys") => match o.get("keys") {
            Some(Value::Array(keys)) => keys.clone(),
            _ => return Err(ParseError::Format("\"keys\" is not an array".into())),
        },
        Value::Object(o) if o.contains_key("kty") => vec![doc.clone()],
        _ => {
            return Err(ParseError::Format(
                "expected an object with a \"keys\" array".into(),
            ));
        }
    };
    let mut keys = Vec::new();
    for entry in entries {
        let kid = entry.get("kid").and_then(Value::as_str).map(str::to_string);
        let Ok(jwk) = serde_json::from_value::<Jwk>(entry) else {
            continue;
        };
        if matches!(jwk.common.public_key_use, Some(ref u) if *u != PublicKeyUse::Signature) {
            continue;
        }
        let algorithms = algorithms(&jwk);
        if algorithms.is_empty() {
            continue;
        }
        let decoding = DecodingKey::from_jwk(&jwk).map_err(|e| ParseError::Key {
            kid: kid.clone().unwrap_or_default(),
            reason: e.to_string(),
        })?;
        keys.push(Key {
            kid,
            algorithms,
            decoding,
        });
    }
    if keys.is_empty() {
        return Err(ParseError::Empty);
    }
    Ok(keys)
}

/// The signature algorithms a key may verify: its `alg` if it names one (RFC 7517
/// §4.4), else every asymmetric algorithm of its type and curve. HMAC never.
fn algorithms(jwk: &Jwk) -> Vec<Algorithm> {
    use Algorithm::*;
    let by_type: Vec<Algorithm> = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => vec![RS256, RS384, RS512, PS256, PS384, PS512],
        AlgorithmParameters::EllipticCurve(p) => match p.curve {
            EllipticCurve::P256 => vec![ES256],
            EllipticCurve::P384 => vec![ES384],
            _ => Vec::new(),
        },
        AlgorithmParameters::OctetKeyPair(p) if p.curve == EllipticCurve::Ed25519 => vec![EdDSA],
        _ => Vec::new(),
    };
    match jwk.common.key_algorithm {
        None => by_type,
        Some(alg) => match Algorithm::from_str(&alg.to_string()) {
            Ok(a) if by_type.contains(&a) => vec![a],
            _ => Vec::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::jwk::JwkSet;
    use jsonwebtoken::{EncodingKey, Header};

    /// A P-256 PKCS#8 private key generated for these tests only.
    const TEST_EC_PKCS8: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgTXxOXvhZI55UpbqAik5J89geHESmRzoJBXNC/H++ocehRANCAAQgdDMXOHWIsu5nRYcGoUTfRmi2pq/N5BfF5NOLSSEgmn2c8dDfu3/+Cm59yLfhHwhK4w5APS+Qgj2xrWVMVXrR";

    fn ec_key() -> EncodingKey {
        use base64::Engine;
        EncodingKey::from_ec_der(
            &base64::engine::general_purpose::STANDARD
                .decode(TEST_EC_PKCS8)
                .unwrap(),
        )
    }

    fn now() -> u64 {
        jwt::get_current_timestamp()
    }

    struct Fixture {
        _dir: tempfile::TempDir,
        validator: OAuthValidator,
        key: EncodingKey,
    }

    fn jwks_of(key: &EncodingKey, kid: &str) -> String {
        let mut jwk = Jwk::from_encoding_key(key, Algorithm::ES256).unwrap();
        jwk.common.key_id = Some(kid.to_string());
        serde_json::to_string(&JwkSet { keys: vec![jwk] }).unwrap()
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let key = ec_key();
        let path = dir.path().join("jwks.json");
        std::fs::write(&path, jwks_of(&key, "k1")).unwrap();
        let validator = OAuthValidator::load(OAuthSettings::new(
            "https://issuer.example",
            "imap",
            vec![path],
        ))
        .unwrap();
        Fixture {
            _dir: dir,
            validator,
            key,
        }
    }

    fn token(key: &EncodingKey, kid: Option<&str>, claims: Value) -> String {
        let mut h = Header::new(Algorithm::ES256);
        h.kid = kid.map(str::to_string);
        jwt::encode(&h, &claims, key).unwrap()
    }

    fn good_claims() -> Value {
        serde_json::json!({
            "iss": "https://issuer.example", "aud": ["other", "imap"], "exp": now() + 600,
            "nbf": now() - 10, "sub": "1234", "email": "alice@example.org",
        })
    }

    #[test]
    fn good_token_and_each_refusal() {
        let f = fixture();
        let ok = f
            .validator
            .validate(&token(&f.key, Some("k1"), good_claims()));
        assert_eq!(
            ok,
            Ok(TokenIdentity {
                username: "alice@example.org".into(),
                subject: Some("1234".into())
            })
        );
        // No kid but only one key fits: accepted.
        assert!(
            f.validator
                .validate(&token(&f.key, None, good_claims()))
                .is_ok()
        );

        let with = |k: &str, v: Value| {
            let mut c = good_claims();
            c[k] = v;
            f.validator.validate(&token(&f.key, Some("k1"), c))
        };
        assert_eq!(
            with("iss", "https://evil.example".into()),
            Err(TokenError::WrongIssuer)
        );
        assert_eq!(with("aud", "other".into()), Err(TokenError::WrongAudience));
        assert_eq!(with("exp", (now() - 3600).into()), Err(TokenError::Expired));
        assert_eq!(
            with("nbf", (now() + 3600).into()),
            Err(TokenError::NotYetValid)
        );
        assert_eq!(
            with("email_verified", false.into()),
            Err(TokenError::EmailNotVerified)
        );
        assert_eq!(
            with("email", Value::Null),
            Err(TokenError::MissingClaim("email".into()))
        );
        // Within the leeway.
        assert!(with("exp", (now() - 30).into()).is_ok());

        let mut c = good_claims();
        c.as_object_mut().unwrap().remove("aud");
        assert!(matches!(
            f.validator.validate(&token(&f.key, Some("k1"), c)),
            Err(TokenError::MissingClaim(_))
        ));
        assert_eq!(
            f.validator
                .validate(&token(&f.key, Some("k2"), good_claims())),
            Err(TokenError::UnknownKey)
        );
        assert_eq!(
            f.validator.validate("not.a.jwt"),
            Err(TokenError::Malformed)
        );
        assert_eq!(f.validator.validate(""), Err(TokenError::Malformed));

        // Tampered payload: the signature no longer verifies.
        let t = token(&f.key, Some("k1"), good_claims());
        let mut parts: Vec<String> = t.split('.').map(str::to_string).collect();
        let mut evil = good_claims();
        evil["email"] = "bob@example.org".into();
        parts[1] = jwt_b64(&serde_json::to_vec(&evil).unwrap());
        assert_eq!(
            f.validator.validate(&parts.join(".")),
            Err(TokenError::BadSignature)
        );

        // HS256 signed with the public key as secret (algorithm confusion): refused.
        let mut h = Header::new(Algorithm::HS256);
        h.kid = Some("k1".into());
        let hs = jwt::encode(&h, &good_claims(), &EncodingKey::from_secret(b"x")).unwrap();
        assert_eq!(f.validator.validate(&hs), Err(TokenError::Algorithm));
        // alg "none".
        let none = format!(
            "{}.{}.",
            jwt_b64(br#"{"alg":"none","kid":"k1"}"#),
            jwt_b64(b"{}")
        );
        assert_eq!(f.validator.validate(&none), Err(TokenError::Malformed));
    }

    fn jwt_b64(b: &[u8]) -> String {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
    }

    #[test]
    fn username_claim_and_challenge() {
        let f = fixture();
        let mut settings = f.validator.settings().clone();
        settings.username_claim = "sub".into();
        settings.scope = Some("https://mail.example/imap".into());
        let v = OAuthValidator::load(settings).unwrap();
        assert_eq!(
            v.validate(&token(&f.key, Some("k1"), good_claims()))
                .unwrap()
                .username,
            "1234"
        );
        let challenge: Value = serde_json::from_slice(&v.error_challenge()).unwrap();
        assert_eq!(
            challenge,
            serde_json::json!({
                "status": "invalid_token",
                "scope": "https://mail.example/imap",
                "openid-configuration": "https://issuer.example/.well-known/openid-configuration",
            })
        );
    }

    #[test]
    fn file_errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.json");
        let settings = |p: &Path| OAuthSettings::new("i", "a", vec![p.to_path_buf()]);
        let e = OAuthValidator::load(settings(&missing))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(&format!("{}: cannot read JWKS file", missing.display())),
            "{e}"
        );

        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, "{ nope").unwrap();
        let e = OAuthValidator::load(settings(&bad))
            .unwrap_err()
            .to_string();
        assert!(e.contains("bad.json: not a JWKS file"), "{e}");

        // Only symmetric / encryption keys: nothing to verify with.
        std::fs::write(
            &bad,
            r#"{"keys":[{"kty":"oct","k":"c2VjcmV0","kid":"h"},{"kty":"RSA","use":"enc","n":"AQAB","e":"AQAB"}]}"#,
        )
        .unwrap();
        let e = OAuthValidator::load(settings(&bad))
            .unwrap_err()
            .to_string();
        assert!(e.contains("bad.json: no usable signing key"), "{e}");

        let a = dir.path().join("a.json");
        std::fs::write(&a, jwks_of(&ec_key(), "same")).unwrap();
        let e = OAuthValidator::load(OAuthSettings::new("i", "a", vec![a.clone(), a.clone()]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("key id \"same\" appears twice"), "{e}");
        assert!(matches!(
            OAuthValidator::load(OAuthSettings::new("i", "a", vec![])),
            Err(JwksError::NoFiles)
        ));
    }

    #[test]
    fn changed_file_is_reloaded_and_broken_file_keeps_old_keys() {
        let f = fixture();
        let path = f.validator.settings().jwks_files[0].clone();
        assert_eq!(f.validator.key_ids(), vec![Some("k1".to_string())]);
        std::fs::write(&path, jwks_of(&f.key, "rotated-key")).unwrap();
        assert_eq!(
            f.validator
                .validate(&token(&f.key, Some("rotated-key"), good_claims()))
                .map(|i| i.username),
            Ok("alice@example.org".into())
        );
        std::fs::write(&path, "{ half written").unwrap();
        assert!(
            f.validator
                .validate(&token(&f.key, Some("rotated-key"), good_claims()))
                .is_ok()
        );
        assert!(f.validator.reload().is_err());
        assert_eq!(f.validator.key_ids(), vec![Some("rotated-key".to_string())]);
    }
}
