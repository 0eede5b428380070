//! AUTHENTICATE: RFC 9051 §6.2.2, SASL-IR RFC 4959, PLAIN RFC 4616. State: Not authenticated.
use base64::Engine;
use loft_auth::Secret;
use loft_proto_imap::Code;

use super::{CmdError, CmdResult, Done};
use crate::Session;

pub async fn handle(s: &mut Session, mechanism: String, initial: Option<Vec<u8>>) -> CmdResult {
    if !mechanism.eq_ignore_ascii_case("PLAIN") {
        return Err(CmdError::no("Unsupported authentication mechanism"));
    }
    // RFC 9051 §6.2.2 / §11.1: PLAIN sends the password in the clear, like LOGIN.
    if !crate::capabilities::is_plaintext_auth_allowed(s) {
        return Err(CmdError::no_code(
            Code::PrivacyRequired,
            "Plaintext authentication disallowed on a cleartext connection; use STARTTLS",
        ));
    }
    let encoded = match initial {
        // RFC 4959 §3: "=" is an initial response of zero length.
        Some(ir) if ir == b"=" => Vec::new(),
        Some(ir) => ir,
        None => {
            // RFC 9051 §6.2.2: an empty challenge for PLAIN, then one line of base64.
            s.out.continuation("");
            let line = s.read_line().await?;
            // RFC 9051 §6.2.2: "*" cancels; the server MUST answer BAD.
            if line == b"*" {
                return Err(CmdError::bad("Authentication cancelled"));
            }
            line
        }
    };
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(&encoded)
        .map_err(|_| CmdError::bad("Invalid base64 in SASL response"))?;
    let decoded = Secret::new(decoded);
    let Some((authzid, authcid, password)) = split_plain(decoded.expose()) else {
        return Err(CmdError::bad("Malformed PLAIN response"));
    };
    // RFC 4616 §2: an authzid other than the authcid asks to act as someone else; nobody
    // may (no admin/proxy login yet).
    if !authzid.is_empty() && authzid != authcid {
        return Err(CmdError::no_code(
            Code::AuthorizationFailed,
            "Not authorized to act as another user",
        ));
    }
    let authcid = authcid.to_vec();
    let password = Secret::new(password.to_vec());
    crate::cmd::login::authenticate(s, &authcid, password).await?;
    Ok(Done::with_code(
        Code::Capability(crate::capabilities::capabilities(s)),
        "AUTHENTICATE completed",
    ))
}

/// RFC 4616 §2: `[authzid] NUL authcid NUL passwd`.
fn split_plain(msg: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let mut parts = msg.splitn(3, |&b| b == 0);
    let authzid = parts.next()?;
    let authcid = parts.next()?;
    let password = parts.next()?;
    if authcid.is_empty() || password.contains(&0) {
        return None;
    }
    Some((authzid, authcid, password))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_message_splits() {
        assert_eq!(
            split_plain(b"\0alice\0pw"),
            Some((&b""[..], &b"alice"[..], &b"pw"[..]))
        );
        assert_eq!(
            split_plain(b"bob\0alice\0pw"),
            Some((&b"bob"[..], &b"alice"[..], &b"pw"[..]))
        );
        assert_eq!(split_plain(b"alice\0pw"), None);
        assert_eq!(split_plain(b"\0\0pw"), None);
        assert_eq!(split_plain(b"\0a\0p\0w"), None);
    }
}
