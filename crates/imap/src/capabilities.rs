//! The CAPABILITY list (RFC 9051 §6.1.1, §7.2.2): what this connection offers in its
//! current state. Advertised in the greeting, in answer to CAPABILITY and in the OK of
//! LOGIN/AUTHENTICATE (RFC 9051 §7.1 CAPABILITY response code).

use crate::Session;

/// Extensions that work in every state, after the base protocol names.
/// LITERAL+ (RFC 7888) as Dovecot does; literals above `max_literal_bytes` are refused
/// (APPENDLIMIT, RFC 7889, tells well-behaved clients the limit up front).
/// CONDSTORE/QRESYNC are deliberately absent until they are implemented end to end.
const COMMON: &[&str] = &[
    "LITERAL+",
    "ENABLE",
    "IDLE",
    "NAMESPACE",
    "UNSELECT",
    "UIDPLUS",
    "MOVE",
    "ID",
    "CHILDREN",
    "LIST-EXTENDED",
    "LIST-STATUS",
    "SPECIAL-USE",
    "CREATE-SPECIAL-USE",
    "ESEARCH",
    "SEARCHRES",
    "STATUS=SIZE",
    "BINARY",
    "MULTIAPPEND",
];

/// The capability names for this connection now.
pub fn capabilities(s: &Session) -> Vec<String> {
    let mut caps: Vec<String> = vec!["IMAP4rev1".into(), "IMAP4rev2".into()];
    if s.account.is_none() {
        // RFC 9051 §6.2.1: STARTTLS only on a cleartext connection that can upgrade, and
        // SHOULD NOT be advertised after TLS is up.
        if s.ctx.tls.is_some() && !s.is_tls {
            caps.push("STARTTLS".into());
        }
        if is_plaintext_auth_allowed(s) {
            caps.push("AUTH=PLAIN".into());
            caps.push("SASL-IR".into());
        } else {
            // RFC 9051 §6.2.3, §7.2.2: LOGIN (and PLAIN) refused on this connection.
            caps.push("LOGINDISABLED".into());
        }
    }
    caps.extend(COMMON.iter().map(|c| c.to_string()));
    caps.push(format!("APPENDLIMIT={}", s.ctx.config.max_literal_bytes));
    caps
}

/// RFC 9051 §6.2.3 / §11.1: plaintext passwords only where the connection is protected,
/// unless the operator chose otherwise (`PlaintextAuth`).
pub fn is_plaintext_auth_allowed(s: &Session) -> bool {
    use crate::PlaintextAuth;
    if s.is_tls {
        return true;
    }
    match s.ctx.config.plaintext_auth {
        PlaintextAuth::Never => false,
        PlaintextAuth::Loopback => s.peer.ip().is_loopback(),
        PlaintextAuth::Always => true,
    }
}
