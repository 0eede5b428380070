//! SASL server mechanisms as sans-I/O state machines: RFC 4422 (SASL framework), RFC 4616
//! (PLAIN), draft-murchison-sasl-login (LOGIN), RFC 5802 + RFC 7677 (SCRAM-SHA-256[-PLUS]),
//! RFC 7628 (OAUTHBEARER) and XOAUTH2 (see [`oauth`]).
//!
//! Every mechanism has one shape: the caller feeds raw (already base64-decoded) client
//! responses to [`Mechanism::step`] and acts on the returned [`Step`]:
//!
//! ```text
//! let mut mech = sasl::server_mechanism(name, &bindings)?;      // None: unsupported
//! let mut response = match initial_response {                   // RFC 4959 SASL-IR
//!     Some(ir) => ir,
//!     None => { send_challenge(mech.initial_challenge()); read_response() }
//! };
//! loop {
//!     match mech.step(&response) {
//!         Step::Challenge(c) => { send_challenge(&c); response = read_response() }
//!         Step::NeedCredentials { authcid } => {
//!             let creds = store.lookup(&authcid).await;             // Option<StoredCreds>
//!             match mech.provide_credentials(creds) { ... same match ... }
//!         }
//!         Step::VerifyPassword { authcid, authzid, password } => { /* PLAIN, LOGIN: check it */ }
//!         Step::Done { authcid, authzid } => { /* authenticated */ }
//!         Step::Failed(e) => { /* NO [AUTHENTICATIONFAILED] */ }
//!     }
//! }
//! ```
//!
//! Base64 stays in the protocol layer; [`decode_response`] and [`encode_challenge`] implement
//! the RFC 4959 / RFC 9051 §6.2.2 conventions for it.

pub mod login;
pub mod oauth;
pub mod plain;
pub mod scram;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::Secret;
use crate::credentials::StoredCreds;

pub use login::Login;
pub use plain::Plain;
pub use scram::{ScramSha256, ScramVariant};

/// RFC 4616.
pub const PLAIN: &str = "PLAIN";
/// draft-murchison-sasl-login.
pub const LOGIN: &str = "LOGIN";
/// RFC 7677.
pub const SCRAM_SHA_256: &str = "SCRAM-SHA-256";
/// RFC 7677 with channel binding (RFC 5802 §6).
pub const SCRAM_SHA_256_PLUS: &str = "SCRAM-SHA-256-PLUS";

/// Largest client response any mechanism here accepts. RFC 4616 §2 asks servers to take
/// authzid, authcid and passwd of up to 255 octets each; SCRAM messages are a few hundred
/// bytes. Anything bigger is hostile.
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024;

/// What the caller does next.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// Send this challenge (raw bytes; base64 it with [`encode_challenge`]) and feed the
    /// client's answer to [`Mechanism::step`].
    Challenge(Vec<u8>),
    /// Look up the stored credentials of `authcid` and pass them (or `None` for an unknown
    /// user) to [`Mechanism::provide_credentials`]. Only SCRAM asks this.
    NeedCredentials { authcid: String },
    /// The exchange is over but NOT successful yet: the caller must check `password` against
    /// the user's stored hash (e.g. [`StoredCreds::verify_password`]). PLAIN and LOGIN end here.
    VerifyPassword {
        authcid: String,
        /// `None` when the client asked for no other identity (or the same one).
        authzid: Option<String>,
        password: Secret<Vec<u8>>,
    },
    /// Authenticated: the mechanism itself proved the client knows the password (SCRAM).
    Done {
        authcid: String,
        /// Always `None` or equal to `authcid` for now: nobody may act as someone else.
        authzid: Option<String>,
    },
    /// OAUTHBEARER, XOAUTH2: the caller validates the bearer `token` (e.g.
    /// [`crate::jwks::OAuthValidator::validate`]) and checks that the user it names equals
    /// `authzid` when given. Good: authenticated. Refused: call
    /// [`Mechanism::reject_token`] and go on with the challenge it returns.
    VerifyToken {
        /// RFC 7628 GS2 `a=` authzid, or XOAUTH2 `user=`.
        authzid: Option<String>,
        token: Secret<String>,
    },
    /// The exchange failed. Any later call returns `Failed` again.
    Failed(SaslError),
}

/// Why an exchange failed. Clients should see one uniform answer for the
/// credential-related ones (RFC 5802 §9 advises against revealing whether a user exists);
/// the distinctions are for logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SaslError {
    #[error("malformed client response: {0}")]
    Malformed(&'static str),
    #[error("client response is not valid UTF-8")]
    InvalidUtf8,
    #[error("client response too long")]
    TooLong,
    #[error("not authorized to act as another user")]
    AuthorizationFailed,
    #[error("unknown user")]
    UnknownUser,
    #[error("user has no SCRAM credentials")]
    NoScramCredentials,
    #[error("invalid client proof")]
    InvalidProof,
    #[error("SCRAM extension not supported")]
    ExtensionsNotSupported,
    #[error("channel binding data does not match")]
    ChannelBindingsDontMatch,
    #[error("client claims the server does not support channel binding, but it does")]
    ServerDoesSupportChannelBinding,
    #[error("channel binding not supported by this mechanism")]
    ChannelBindingNotSupported,
    #[error("unsupported channel binding type")]
    UnsupportedChannelBindingType,
    #[error("step called out of sequence")]
    OutOfSequence,
    #[error("bearer token refused")]
    InvalidToken,
}

impl SaslError {
    /// The RFC 5802 §7 `server-error-value` for this failure, for a SCRAM `e=` message.
    pub fn scram_server_error(&self) -> &'static str {
        match self {
            SaslError::Malformed(_) | SaslError::TooLong => "invalid-encoding",
            SaslError::InvalidUtf8 => "invalid-username-encoding",
            SaslError::ExtensionsNotSupported => "extensions-not-supported",
            // RFC 5802 §9: "invalid-proof" for every credential failure, so that an unknown
            // user looks like a wrong password.
            SaslError::InvalidProof | SaslError::UnknownUser | SaslError::NoScramCredentials => {
                "invalid-proof"
            }
            SaslError::ChannelBindingsDontMatch => "channel-bindings-dont-match",
            SaslError::ServerDoesSupportChannelBinding => "server-does-support-channel-binding",
            SaslError::ChannelBindingNotSupported => "channel-binding-not-supported",
            SaslError::UnsupportedChannelBindingType => "unsupported-channel-binding-type",
            SaslError::AuthorizationFailed | SaslError::OutOfSequence | SaslError::InvalidToken => {
                "other-error"
            }
        }
    }

    /// A complete SCRAM `server-final-message` carrying this error (RFC 5802 §7: `e=...`).
    /// IMAP answers a failed AUTHENTICATE with a tagged NO, so sending it is optional.
    pub fn scram_server_final(&self) -> Vec<u8> {
        format!("e={}", self.scram_server_error()).into_bytes()
    }
}

/// A SASL server mechanism (RFC 4422 §3).
pub trait Mechanism: Send {
    /// The registered mechanism name, e.g. `"SCRAM-SHA-256"`.
    fn name(&self) -> &'static str;

    /// The challenge to send when the client gave no initial response (RFC 4422 §5: the
    /// empty challenge for client-first mechanisms; `"Username:"` for LOGIN).
    fn initial_challenge(&self) -> Vec<u8>;

    /// Feed one decoded client response.
    fn step(&mut self, client_response: &[u8]) -> Step;

    /// Answer a [`Step::NeedCredentials`]. `None` means the user does not exist; the
    /// mechanism then goes on with fake data and fails at the end (RFC 5802 §9).
    fn provide_credentials(&mut self, creds: Option<StoredCreds>) -> Step {
        let _ = creds;
        Step::Failed(SaslError::OutOfSequence)
    }

    /// Answer a [`Step::VerifyToken`] whose token was refused: the mechanism returns the
    /// `error_challenge` to send (RFC 7628 §3.2.2) and fails on the client's next response.
    /// Only the token mechanisms ask this.
    fn reject_token(&mut self, error_challenge: Vec<u8>) -> Step {
        let _ = error_challenge;
        Step::Failed(SaslError::OutOfSequence)
    }
}

/// Channel binding data of the current TLS connection (RFC 5056), computed by the layer
/// that owns the TLS session. Empty on cleartext connections.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ChannelBindings {
    /// RFC 9266 `tls-exporter`: the 32-byte TLS exporter value with label
    /// "EXPORTER-Channel-Binding" and empty context. Only for TLS 1.3 (or TLS 1.2 with
    /// extended master secret), RFC 9266 §3.
    pub tls_exporter: Option<Vec<u8>>,
    /// RFC 5929 §4 `tls-server-end-point`: the hash of the server certificate.
    pub tls_server_end_point: Option<Vec<u8>>,
}

impl std::fmt::Debug for ChannelBindings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChannelBindings")
            .field("tls_exporter", &self.tls_exporter.is_some())
            .field("tls_server_end_point", &self.tls_server_end_point.is_some())
            .finish()
    }
}

impl ChannelBindings {
    /// No channel binding (cleartext connection).
    pub fn none() -> Self {
        Self::default()
    }

    /// Whether any channel binding is available; the server then advertises
    /// SCRAM-SHA-256-PLUS (and must refuse the `y` flag, RFC 5802 §6).
    pub fn is_available(&self) -> bool {
        self.tls_exporter.is_some() || self.tls_server_end_point.is_some()
    }

    /// The data for a channel binding type name (RFC 5056 §2.1 `cb-name`).
    pub fn get(&self, cb_name: &str) -> Option<&[u8]> {
        match cb_name {
            "tls-exporter" => self.tls_exporter.as_deref(),
            "tls-server-end-point" => self.tls_server_end_point.as_deref(),
            _ => None,
        }
    }
}

/// The mechanisms this server offers on a connection, strongest first. PLAIN and LOGIN
/// send the password in the clear: the caller drops them where RFC 9051 §11.1 forbids.
pub fn mechanism_names(bindings: &ChannelBindings) -> Vec<&'static str> {
    let mut names = Vec::with_capacity(4);
    if bindings.is_available() {
        names.push(SCRAM_SHA_256_PLUS);
    }
    names.extend([SCRAM_SHA_256, PLAIN, LOGIN]);
    names
}

/// A fresh server mechanism by name (case-insensitive, RFC 4422 §3.1), or `None` if it is
/// not supported. `SCRAM-SHA-256-PLUS` is only available when `bindings` has some.
pub fn server_mechanism(name: &str, bindings: &ChannelBindings) -> Option<Box<dyn Mechanism>> {
    if name.eq_ignore_ascii_case(PLAIN) {
        Some(Box::new(Plain::new()))
    } else if name.eq_ignore_ascii_case(LOGIN) {
        Some(Box::new(Login::new()))
    } else if name.eq_ignore_ascii_case(SCRAM_SHA_256) {
        Some(Box::new(ScramSha256::new(
            ScramVariant::Plain,
            bindings.clone(),
        )))
    } else if name.eq_ignore_ascii_case(SCRAM_SHA_256_PLUS) && bindings.is_available() {
        Some(Box::new(ScramSha256::new(
            ScramVariant::Plus,
            bindings.clone(),
        )))
    } else {
        None
    }
}

/// Invalid base64 in a client response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid base64 in SASL response")]
pub struct Base64Error;

/// Decode one client response line. RFC 4959 §3: an initial response of `=` is a
/// zero-length response; an empty continuation line (RFC 9051 §6.2.2) is one too. The
/// `*` cancellation is the protocol layer's to handle before calling this.
pub fn decode_response(line: &[u8]) -> Result<Vec<u8>, Base64Error> {
    if line.is_empty() || line == b"=" {
        return Ok(Vec::new());
    }
    STANDARD.decode(line).map_err(|_| Base64Error)
}

/// Encode a server challenge for a `+ ` continuation line. An empty challenge is an empty
/// line (RFC 9051 §6.2.2).
pub fn encode_challenge(challenge: &[u8]) -> String {
    STANDARD.encode(challenge)
}

/// Encode a client initial response for SASL-IR (RFC 4959 §3: empty is sent as `=`).
pub fn encode_initial_response(response: &[u8]) -> String {
    if response.is_empty() {
        "=".to_string()
    } else {
        STANDARD.encode(response)
    }
}

/// A string that must be non-empty, valid UTF-8 and free of NUL.
pub(crate) fn utf8_identity(bytes: &[u8]) -> Result<String, SaslError> {
    if bytes.is_empty() {
        return Err(SaslError::Malformed("empty identity"));
    }
    if bytes.contains(&0) {
        return Err(SaslError::Malformed("NUL in identity"));
    }
    String::from_utf8(bytes.to_vec()).map_err(|_| SaslError::InvalidUtf8)
}

/// RFC 4616 §2 / RFC 5802 §5.1: an authzid equal to the authcid is the same as none; any
/// other one asks to act as someone else, which nobody may do (no proxy/admin login).
pub(crate) fn check_authzid(
    authcid: &str,
    authzid: Option<String>,
) -> Result<Option<String>, SaslError> {
    match authzid {
        None => Ok(None),
        Some(z) if z == authcid => Ok(Some(z)),
        Some(_) => Err(SaslError::AuthorizationFailed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4959_empty_initial_response() {
        assert_eq!(decode_response(b"="), Ok(Vec::new()));
        assert_eq!(decode_response(b""), Ok(Vec::new()));
        assert_eq!(
            decode_response(b"AGFsaWNlAHB3"),
            Ok(b"\0alice\0pw".to_vec())
        );
        assert_eq!(decode_response(b"not base64!"), Err(Base64Error));
        assert_eq!(decode_response(b"*"), Err(Base64Error));
        assert_eq!(encode_initial_response(b""), "=");
        assert_eq!(encode_initial_response(b"\0alice\0pw"), "AGFsaWNlAHB3");
        assert_eq!(encode_challenge(b""), "");
        assert_eq!(encode_challenge(b"Username:"), "VXNlcm5hbWU6");
    }

    #[test]
    fn mechanism_lookup() {
        let none = ChannelBindings::none();
        assert_eq!(
            mechanism_names(&none),
            vec!["SCRAM-SHA-256", "PLAIN", "LOGIN"]
        );
        assert!(server_mechanism("plain", &none).is_some());
        assert!(server_mechanism("LOGIN", &none).is_some());
        assert_eq!(
            server_mechanism("scram-sha-256", &none).map(|m| m.name()),
            Some("SCRAM-SHA-256")
        );
        assert!(server_mechanism("SCRAM-SHA-256-PLUS", &none).is_none());
        assert!(server_mechanism("CRAM-MD5", &none).is_none());

        let tls = ChannelBindings {
            tls_exporter: Some(vec![7; 32]),
            tls_server_end_point: None,
        };
        assert_eq!(mechanism_names(&tls)[0], "SCRAM-SHA-256-PLUS");
        assert_eq!(
            server_mechanism("SCRAM-SHA-256-PLUS", &tls).map(|m| m.name()),
            Some("SCRAM-SHA-256-PLUS")
        );
        assert_eq!(
            format!("{tls:?}"),
            "ChannelBindings { tls_exporter: true, tls_server_end_point: false }"
        );
    }

    #[test]
    fn scram_error_values() {
        assert_eq!(
            SaslError::UnknownUser.scram_server_final(),
            b"e=invalid-proof"
        );
        assert_eq!(
            SaslError::ServerDoesSupportChannelBinding.scram_server_error(),
            "server-does-support-channel-binding"
        );
    }
}
