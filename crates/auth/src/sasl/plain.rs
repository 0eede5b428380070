//! PLAIN: RFC 4616. One client message, `[authzid] NUL authcid NUL passwd`, all UTF-8.
//! The mechanism only parses; the caller checks the password ([`Step::VerifyPassword`]).

use super::{MAX_RESPONSE_BYTES, Mechanism, SaslError, Step, check_authzid, utf8_identity};
use crate::Secret;

/// The PLAIN server side.
#[derive(Debug, Default)]
pub struct Plain {
    is_finished: bool,
}

impl Plain {
    pub fn new() -> Self {
        Self::default()
    }
}

impl Mechanism for Plain {
    fn name(&self) -> &'static str {
        super::PLAIN
    }

    /// RFC 4616 §2: "The mechanism consists of a single message, a string of [UTF-8]
    /// encoded [Unicode] characters, from the client to the server"; without an initial
    /// response the server sends an empty challenge (RFC 4422 §5).
    fn initial_challenge(&self) -> Vec<u8> {
        Vec::new()
    }

    fn step(&mut self, client_response: &[u8]) -> Step {
        if self.is_finished {
            return Step::Failed(SaslError::OutOfSequence);
        }
        self.is_finished = true;
        parse(client_response).unwrap_or_else(Step::Failed)
    }
}

/// RFC 4616 §2:
/// `message = [authzid] UTF8NUL authcid UTF8NUL passwd`, each of them `1*SAFE` (UTF-8
/// without NUL). Returns the [`Step::VerifyPassword`] for a well-formed message.
fn parse(msg: &[u8]) -> Result<Step, SaslError> {
    if msg.len() > MAX_RESPONSE_BYTES {
        return Err(SaslError::TooLong);
    }
    let mut parts = msg.splitn(3, |&b| b == 0);
    let (Some(authzid), Some(authcid), Some(passwd)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(SaslError::Malformed("PLAIN needs two NUL separators"));
    };
    let authcid = utf8_identity(authcid)?;
    let authzid = if authzid.is_empty() {
        None
    } else {
        Some(utf8_identity(authzid)?)
    };
    // RFC 4616 §2: passwd = 1*SAFE; a third NUL is not SAFE.
    if passwd.is_empty() {
        return Err(SaslError::Malformed("empty password"));
    }
    if passwd.contains(&0) {
        return Err(SaslError::Malformed("NUL in password"));
    }
    if std::str::from_utf8(passwd).is_err() {
        return Err(SaslError::InvalidUtf8);
    }
    let authzid = check_authzid(&authcid, authzid)?;
    Ok(Step::VerifyPassword {
        authcid,
        authzid,
        password: Secret::new(passwd.to_vec()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(msg: &[u8]) -> Step {
        Plain::new().step(msg)
    }

    fn verify(authcid: &str, authzid: Option<&str>, pw: &[u8]) -> Step {
        Step::VerifyPassword {
            authcid: authcid.into(),
            authzid: authzid.map(Into::into),
            password: Secret::new(pw.to_vec()),
        }
    }

    #[test]
    fn rfc4616_examples() {
        // RFC 4616 §4: "\0tim\0tanstaaftanstaaf".
        assert_eq!(
            run(b"\0tim\0tanstaaftanstaaf"),
            verify("tim", None, b"tanstaaftanstaaf")
        );
        // RFC 4616 §4: "Ursel\0Kurt\0xipj3plmq" asks to act as Ursel: refused here.
        assert_eq!(
            run(b"Ursel\0Kurt\0xipj3plmq"),
            Step::Failed(SaslError::AuthorizationFailed)
        );
    }

    #[test]
    fn authzid_equal_to_authcid_is_allowed() {
        assert_eq!(run(b"tim\0tim\0pw"), verify("tim", Some("tim"), b"pw"));
    }

    #[test]
    fn utf8_identities() {
        assert_eq!(
            run("\0jürgen\0päss".as_bytes()),
            verify("jürgen", None, "päss".as_bytes())
        );
        assert_eq!(run(b"\0\xff\0pw"), Step::Failed(SaslError::InvalidUtf8));
        assert_eq!(run(b"\0tim\0\xc3"), Step::Failed(SaslError::InvalidUtf8));
    }

    #[test]
    fn malformed_messages() {
        for msg in [
            &b""[..],
            b"tim",
            b"\0tim",
            b"\0\0pw",
            b"\0tim\0",
            b"\0tim\0p\0w",
        ] {
            assert!(
                matches!(run(msg), Step::Failed(SaslError::Malformed(_))),
                "{msg:?}"
            );
        }
        let long = vec![b'a'; MAX_RESPONSE_BYTES + 1];
        assert_eq!(run(&long), Step::Failed(SaslError::TooLong));
    }

    #[test]
    fn one_message_only() {
        let mut m = Plain::new();
        assert!(matches!(m.step(b"\0tim\0pw"), Step::VerifyPassword { .. }));
        assert_eq!(m.step(b"\0tim\0pw"), Step::Failed(SaslError::OutOfSequence));
        assert_eq!(
            m.provide_credentials(None),
            Step::Failed(SaslError::OutOfSequence)
        );
        assert_eq!(m.initial_challenge(), b"");
    }
}
