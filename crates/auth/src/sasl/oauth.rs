//! OAUTHBEARER (RFC 7628) and XOAUTH2 (Google's older, still widely used format): the
//! client sends an OAuth 2.0 bearer token (RFC 6750) instead of a password.
//!
//! Both mechanisms only parse; the caller validates the token ([`Step::VerifyToken`], e.g.
//! with [`crate::jwks::OAuthValidator`]). When the token is refused, the caller calls
//! [`Mechanism::reject_token`] with the JSON error challenge (RFC 7628 §3.2.2) and sends
//! the [`Step::Challenge`] it returns; whatever the client answers (RFC 7628 §3.2.3: a
//! single `%x01`; XOAUTH2 clients send an empty response) ends the exchange with
//! [`SaslError::InvalidToken`].
//!
//! A bearer token is as good as a password to whoever holds it: offer these mechanisms
//! only where PLAIN is offered (RFC 7628 §5: "MUST be used over TLS").

use super::{Mechanism, SaslError, Step, utf8_identity};
use crate::Secret;

/// RFC 7628 §3.
pub const OAUTHBEARER: &str = "OAUTHBEARER";
/// <https://developers.google.com/workspace/gmail/imap/xoauth2-protocol>.
pub const XOAUTH2: &str = "XOAUTH2";
/// Both token mechanisms, in the order they are advertised.
pub const MECHANISMS: [&str; 2] = [OAUTHBEARER, XOAUTH2];

/// Largest client message accepted. Access tokens of some providers (Entra ID with group
/// claims) run to several kilobytes, more than [`super::MAX_RESPONSE_BYTES`] allows.
pub const MAX_TOKEN_RESPONSE_BYTES: usize = 32 * 1024;

/// RFC 7628 §3.1 `kvsep`.
const KVSEP: u8 = 0x01;

/// A fresh server mechanism for `name` (case-insensitive), or `None` if it is not one of
/// [`MECHANISMS`]. The caller decides whether tokens are accepted at all.
pub fn server_mechanism(name: &str) -> Option<Box<dyn Mechanism>> {
    if name.eq_ignore_ascii_case(OAUTHBEARER) {
        Some(Box::new(BearerToken::new(Format::OAuthBearer)))
    } else if name.eq_ignore_ascii_case(XOAUTH2) {
        Some(Box::new(BearerToken::new(Format::XOAuth2)))
    } else {
        None
    }
}

/// Whether `name` is one of the token mechanisms.
pub fn is_token_mechanism(name: &str) -> bool {
    MECHANISMS.iter().any(|m| m.eq_ignore_ascii_case(name))
}

/// The RFC 7628 §3.2.2 error challenge:
/// `{"status":"invalid_token","scope":"...","openid-configuration":"..."}`. XOAUTH2 sends
/// the same JSON (Google's servers send `status`, `schemes` and `scope`).
pub fn error_challenge(
    status: &str,
    scope: Option<&str>,
    openid_configuration: Option<&str>,
) -> Vec<u8> {
    // Written by hand to keep the RFC 7628 §3.2.2 member order (serde_json sorts keys).
    let quote = |v: &str| serde_json::Value::from(v).to_string();
    let mut json = format!("{{\"status\":{}", quote(status));
    if let Some(scope) = scope {
        json.push_str(&format!(",\"scope\":{}", quote(scope)));
    }
    if let Some(url) = openid_configuration {
        json.push_str(&format!(",\"openid-configuration\":{}", quote(url)));
    }
    json.push('}');
    json.into_bytes()
}

/// Which wire format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    OAuthBearer,
    XOAuth2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    /// [`Step::VerifyToken`] returned; the caller succeeds or calls `reject_token`.
    Verifying,
    /// The error challenge went out; the next response ends the exchange.
    Rejected,
    Finished,
}

/// The server side of OAUTHBEARER and XOAUTH2.
#[derive(Debug)]
pub struct BearerToken {
    format: Format,
    state: State,
}

impl BearerToken {
    pub fn new(format: Format) -> Self {
        BearerToken {
            format,
            state: State::Start,
        }
    }
}

impl Mechanism for BearerToken {
    fn name(&self) -> &'static str {
        match self.format {
            Format::OAuthBearer => OAUTHBEARER,
            Format::XOAuth2 => XOAUTH2,
        }
    }

    /// RFC 7628 §3.1: client-first; without SASL-IR the server sends an empty challenge.
    fn initial_challenge(&self) -> Vec<u8> {
        Vec::new()
    }

    fn step(&mut self, client_response: &[u8]) -> Step {
        match self.state {
            State::Start => {
                self.state = State::Verifying;
                let parsed = match self.format {
                    Format::OAuthBearer => parse_oauthbearer(client_response),
                    Format::XOAuth2 => parse_xoauth2(client_response),
                };
                match parsed {
                    Ok((authzid, token)) => Step::VerifyToken { authzid, token },
                    Err(e) => {
                        self.state = State::Finished;
                        Step::Failed(e)
                    }
                }
            }
            // RFC 7628 §3.2.3: the client answers the error with `%x01`; the server then
            // fails the exchange whatever it sent.
            State::Rejected => {
                self.state = State::Finished;
                Step::Failed(SaslError::InvalidToken)
            }
            State::Verifying | State::Finished => {
                self.state = State::Finished;
                Step::Failed(SaslError::OutOfSequence)
            }
        }
    }

    fn reject_token(&mut self, error_challenge: Vec<u8>) -> Step {
        if self.state != State::Verifying {
            self.state = State::Finished;
            return Step::Failed(SaslError::OutOfSequence);
        }
        self.state = State::Rejected;
        Step::Challenge(error_challenge)
    }
}

type Parsed = Result<(Option<String>, Secret<String>), SaslError>;

/// RFC 7628 §3.1:
/// ```text
/// client-resp = (gs2-header kvsep *kvpair kvsep) / kvsep
/// gs2-header  = gs2-cb-flag "," [ gs2-authzid ] ","        ; RFC 5801 §4
/// kvpair      = key "=" value kvsep
/// auth        = "auth=" "Bearer" 1*SP b64token              ; RFC 6750 §2.1
/// ```
fn parse_oauthbearer(msg: &[u8]) -> Parsed {
    if msg.len() > MAX_TOKEN_RESPONSE_BYTES {
        return Err(SaslError::TooLong);
    }
    let Some(kv_start) = msg.iter().position(|&b| b == KVSEP) else {
        return Err(SaslError::Malformed(
            "OAUTHBEARER needs a GS2 header and kvsep",
        ));
    };
    let authzid = gs2_header(&msg[..kv_start])?;
    let rest = &msg[kv_start + 1..];
    // `*kvpair kvsep`: the message ends with an empty kvpair.
    let Some(pairs) = rest.strip_suffix(&[KVSEP]) else {
        return Err(SaslError::Malformed(
            "OAUTHBEARER message must end with kvsep kvsep",
        ));
    };
    let mut token = None;
    if !pairs.is_empty() {
        let pairs = pairs
            .strip_suffix(&[KVSEP])
            .ok_or(SaslError::Malformed("OAUTHBEARER kvpair without kvsep"))?;
        for pair in pairs.split(|&b| b == KVSEP) {
            let (key, value) = kvpair(pair)?;
            // RFC 7628 §3.1: `host` and `port` are informational; other keys are ignored.
            if key == b"auth" {
                if token.is_some() {
                    return Err(SaslError::Malformed("auth given twice"));
                }
                token = Some(bearer(value)?);
            }
        }
    }
    let token = token.ok_or(SaslError::Malformed("OAUTHBEARER without auth"))?;
    Ok((authzid, token))
}

/// RFC 5801 §4 `gs2-header` without channel binding (RFC 7628 §3.1: the `p` flag is not
/// allowed, OAUTHBEARER has no channel binding).
fn gs2_header(h: &[u8]) -> Result<Option<String>, SaslError> {
    let mut parts = h.splitn(3, |&b| b == b',');
    let (Some(flag), Some(authzid), Some(rest)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(SaslError::Malformed("bad GS2 header"));
    };
    if !rest.is_empty() {
        return Err(SaslError::Malformed("bad GS2 header"));
    }
    match flag {
        b"n" | b"y" => {}
        _ if flag.starts_with(b"p=") => return Err(SaslError::ChannelBindingNotSupported),
        _ => return Err(SaslError::Malformed("bad GS2 channel binding flag")),
    }
    if authzid.is_empty() {
        return Ok(None);
    }
    let Some(name) = authzid.strip_prefix(b"a=") else {
        return Err(SaslError::Malformed("bad GS2 authzid"));
    };
    Ok(Some(saslname(name)?))
}

/// RFC 5801 §4 / RFC 5802 §7 `saslname`: `=2C` is `,` and `=3D` is `=`.
fn saslname(s: &[u8]) -> Result<String, SaslError> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match (s[i], s.get(i + 1..i + 3)) {
            (b'=', Some(b"2C")) => {
                out.push(b',');
                i += 3;
            }
            (b'=', Some(b"3D")) => {
                out.push(b'=');
                i += 3;
            }
            (b'=', _) => return Err(SaslError::Malformed("bad escape in saslname")),
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    utf8_identity(&out)
}

/// `key "=" value`, RFC 7628 §3.1: `key = 1*(ALPHA)`.
fn kvpair(pair: &[u8]) -> Result<(&[u8], &[u8]), SaslError> {
    let eq = pair
        .iter()
        .position(|&b| b == b'=')
        .ok_or(SaslError::Malformed("kvpair without ="))?;
    let (key, value) = (&pair[..eq], &pair[eq + 1..]);
    if key.is_empty() || !key.iter().all(u8::is_ascii_alphabetic) {
        return Err(SaslError::Malformed("bad kvpair key"));
    }
    Ok((key, value))
}

/// RFC 6750 §2.1: `"Bearer" 1*SP b64token` (the scheme is case-insensitive, RFC 7235 §2.1);
/// `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
fn bearer(value: &[u8]) -> Result<Secret<String>, SaslError> {
    let scheme_len = b"Bearer".len();
    let (Some(scheme), Some(rest)) = (value.get(..scheme_len), value.get(scheme_len..)) else {
        return Err(SaslError::Malformed("auth is not a Bearer token"));
    };
    if !scheme.eq_ignore_ascii_case(b"Bearer") || !rest.starts_with(b" ") {
        return Err(SaslError::Malformed("auth is not a Bearer token"));
    }
    let token = rest.trim_ascii_start();
    let body_len = token.iter().position(|&b| b == b'=').unwrap_or(token.len());
    let is_b64token = body_len > 0
        && token[..body_len]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b))
        && token[body_len..].iter().all(|&b| b == b'=');
    if !is_b64token {
        return Err(SaslError::Malformed("bad bearer token syntax"));
    }
    // All ASCII, checked just above.
    Ok(Secret::new(String::from_utf8_lossy(token).into_owned()))
}

/// XOAUTH2: `"user=" user %x01 "auth=Bearer " token %x01 %x01`.
fn parse_xoauth2(msg: &[u8]) -> Parsed {
    if msg.len() > MAX_TOKEN_RESPONSE_BYTES {
        return Err(SaslError::TooLong);
    }
    let Some(pairs) = msg.strip_suffix(&[KVSEP, KVSEP]) else {
        return Err(SaslError::Malformed("XOAUTH2 message must end with ^A^A"));
    };
    let (mut user, mut token) = (None, None);
    for pair in pairs.split(|&b| b == KVSEP) {
        let (key, value) = kvpair(pair)?;
        match key {
            b"user" if user.is_none() => user = Some(utf8_identity(value)?),
            b"auth" if token.is_none() => token = Some(bearer(value)?),
            b"user" | b"auth" => return Err(SaslError::Malformed("XOAUTH2 key given twice")),
            _ => {}
        }
    }
    let user = user.ok_or(SaslError::Malformed("XOAUTH2 without user"))?;
    let token = token.ok_or(SaslError::Malformed("XOAUTH2 without auth"))?;
    Ok((Some(user), token))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verify(authzid: Option<&str>, token: &str) -> Step {
        Step::VerifyToken {
            authzid: authzid.map(Into::into),
            token: Secret::new(token.into()),
        }
    }

    fn bearer_step(msg: &[u8]) -> Step {
        BearerToken::new(Format::OAuthBearer).step(msg)
    }

    fn xoauth2_step(msg: &[u8]) -> Step {
        BearerToken::new(Format::XOAuth2).step(msg)
    }

    #[test]
    fn rfc7628_examples() {
        // RFC 7628 §4.1 (host and port kvpairs, authzid user@example.com).
        let msg = b"n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01";
        assert_eq!(
            bearer_step(msg),
            verify(
                Some("user@example.com"),
                "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg=="
            )
        );
        // No authzid; lower-case scheme.
        assert_eq!(
            bearer_step(b"n,,\x01auth=bearer abc.def-_~+/\x01\x01"),
            verify(None, "abc.def-_~+/")
        );
        assert_eq!(
            bearer_step(b"y,a=a=3Db=2Cc,\x01auth=Bearer t\x01\x01"),
            verify(Some("a=b,c"), "t")
        );
    }

    #[test]
    fn rfc7628_failure_sequence() {
        // RFC 7628 §4.3: error challenge, client sends %x01, server fails.
        let mut m = BearerToken::new(Format::OAuthBearer);
        assert_eq!(m.initial_challenge(), b"");
        assert!(matches!(
            m.step(b"n,,\x01auth=Bearer t\x01\x01"),
            Step::VerifyToken { .. }
        ));
        let json = error_challenge(
            "invalid_token",
            None,
            Some("https://e/.well-known/openid-configuration"),
        );
        assert_eq!(m.reject_token(json.clone()), Step::Challenge(json.clone()));
        assert_eq!(m.step(b"\x01"), Step::Failed(SaslError::InvalidToken));
        assert_eq!(m.step(b"\x01"), Step::Failed(SaslError::OutOfSequence));
        assert_eq!(m.reject_token(json), Step::Failed(SaslError::OutOfSequence));
        assert_eq!(
            String::from_utf8(error_challenge("invalid_token", Some("s"), None)).unwrap(),
            r#"{"status":"invalid_token","scope":"s"}"#
        );
    }

    #[test]
    fn malformed_oauthbearer() {
        for msg in [
            &b""[..],
            b"\x01",
            b"n,,",
            b"n,,\x01\x01",
            b"n,,\x01auth=Bearer t\x01",
            b"n,,\x01auth=Bearer t",
            b"x,,\x01auth=Bearer t\x01\x01",
            b"n,u=x,\x01auth=Bearer t\x01\x01",
            b"n,a=x\x01auth=Bearer t\x01\x01",
            b"n,a=x=,\x01auth=Bearer t\x01\x01",
            b"n,,\x01auth=Basic dXNlcjpwdw==\x01\x01",
            b"n,,\x01auth=Bearer \x01\x01",
            b"n,,\x01auth=Bearert\x01\x01",
            b"n,,\x01auth=Bearer a b\x01\x01",
            b"n,,\x01auth=Bearer t=x\x01\x01",
            b"n,,\x01auth=Bearer t\x01auth=Bearer u\x01\x01",
            b"n,,\x01=x\x01auth=Bearer t\x01\x01",
            b"n,,\x01host\x01auth=Bearer t\x01\x01",
        ] {
            assert!(
                matches!(bearer_step(msg), Step::Failed(SaslError::Malformed(_))),
                "{msg:?}"
            );
        }
        assert_eq!(
            bearer_step(b"p=tls-exporter,,\x01auth=Bearer t\x01\x01"),
            Step::Failed(SaslError::ChannelBindingNotSupported)
        );
        let mut long = b"n,,\x01auth=Bearer ".to_vec();
        long.extend(std::iter::repeat_n(b'a', MAX_TOKEN_RESPONSE_BYTES));
        long.extend(b"\x01\x01");
        assert_eq!(bearer_step(&long), Step::Failed(SaslError::TooLong));
    }

    #[test]
    fn xoauth2_format() {
        // Google's example: "user=someuser@example.com^Aauth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg^A^A".
        assert_eq!(
            xoauth2_step(b"user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"),
            verify(Some("someuser@example.com"), "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg")
        );
        for msg in [
            &b""[..],
            b"user=a\x01auth=Bearer t\x01",
            b"auth=Bearer t\x01\x01",
            b"user=a\x01\x01",
            b"user=\x01auth=Bearer t\x01\x01",
            b"user=a\x01user=b\x01auth=Bearer t\x01\x01",
            b"user=a\x01auth=Basic t\x01\x01",
        ] {
            assert!(
                matches!(xoauth2_step(msg), Step::Failed(SaslError::Malformed(_))),
                "{msg:?}"
            );
        }
        let mut m = BearerToken::new(Format::XOAuth2);
        assert!(matches!(
            m.step(b"user=a\x01auth=Bearer t\x01\x01"),
            Step::VerifyToken { .. }
        ));
        assert_eq!(
            m.reject_token(b"{}".to_vec()),
            Step::Challenge(b"{}".to_vec())
        );
        // XOAUTH2 clients answer the error with an empty response.
        assert_eq!(m.step(b""), Step::Failed(SaslError::InvalidToken));
    }

    #[test]
    fn lookup_and_debug_hides_token() {
        assert_eq!(
            server_mechanism("oauthbearer").map(|m| m.name()),
            Some(OAUTHBEARER)
        );
        assert_eq!(server_mechanism("XOAUTH2").map(|m| m.name()), Some(XOAUTH2));
        assert!(server_mechanism("PLAIN").is_none());
        assert!(is_token_mechanism("xoauth2") && !is_token_mechanism("PLAIN"));
        let step = bearer_step(b"n,,\x01auth=Bearer sekrit\x01\x01");
        assert!(!format!("{step:?}").contains("sekrit"));
    }
}
