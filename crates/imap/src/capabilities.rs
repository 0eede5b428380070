//! The CAPABILITY list (RFC 9051 §6.1.1, §7.2.2): what this connection offers in its
//! current state. Advertised in the greeting, in answer to CAPABILITY and in the OK of
//! LOGIN/AUTHENTICATE (RFC 9051 §7.1 CAPABILITY response code).

use crate::Session;

/// Extensions that work in every state, after the base protocol names.
/// LITERAL+ (RFC 7888) as Dovecot does; literals above `max_literal_bytes` are refused
/// (APPENDLIMIT, RFC 7889, tells well-behaved clients the limit up front).
/// CONDSTORE and QRESYNC: RFC 7162 (QRESYNC implies CONDSTORE; §3.2.2 says to list both).
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
    "CONDSTORE",
    "QRESYNC",
    // RFC 8474, RFC 8970, RFC 6855, RFC 8508, RFC 4469, RFC 4978, RFC 5464.
    "OBJECTID",
    "PREVIEW",
    "UTF8=ACCEPT",
    "REPLACE",
    "CATENATE",
    "COMPRESS=DEFLATE",
    "METADATA",
    // RFC 5256 SORT and THREAD, RFC 5957 SORT=DISPLAY, RFC 5267 ESORT, RFC 5032 WITHIN.
    "SORT",
    "SORT=DISPLAY",
    "ESORT",
    "THREAD=ORDEREDSUBJECT",
    "THREAD=REFERENCES",
    "WITHIN",
    // RFC 8514 (FETCH SAVEDATE, SEARCH SAVED*).
    "SAVEDATE",
    // RFC 9394 (SEARCH RETURN (PARTIAL) and the UID FETCH PARTIAL modifier).
    "PARTIAL",
    // RFC 9586.
    "UIDONLY",
    // RFC 9590 (LIST ... RETURN (METADATA ...)).
    "LIST-METADATA",
    // RFC 5465.
    "NOTIFY",
    // RFC 7377 (ESEARCH IN (...)).
    "MULTISEARCH",
    // RFC 5267 §4: SEARCH/SORT RETURN (CONTEXT UPDATE), ADDTO/REMOVEFROM, CANCELUPDATE.
    "CONTEXT=SEARCH",
    "CONTEXT=SORT",
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
        // Exactly the mechanisms that work on this connection (issue 3): -PLUS only with
        // channel binding data (TLS 1.3), PLAIN/LOGIN only where plaintext is allowed.
        let bindings = s
            .tls_info
            .as_ref()
            .map(|t| t.channel_bindings())
            .unwrap_or_default();
        let is_plaintext = is_plaintext_auth_allowed(s);
        for mech in loft_auth::sasl::mechanism_names(&bindings) {
            let is_cleartext = mech == loft_auth::sasl::PLAIN || mech == loft_auth::sasl::LOGIN;
            if is_plaintext || !is_cleartext {
                caps.push(format!("AUTH={mech}"));
            }
        }
        // RFC 7628 §5: a bearer token is a password to whoever sees it; only with
        // `[oauth]` configured and where PLAIN is offered.
        if is_plaintext && s.ctx.config.oauth.is_some() {
            caps.extend(
                loft_auth::sasl::oauth::MECHANISMS
                    .iter()
                    .map(|m| format!("AUTH={m}")),
            );
        }
        // RFC 4959.
        caps.push("SASL-IR".into());
        if !is_plaintext {
            // RFC 9051 §6.2.3, §7.2.2: LOGIN (and PLAIN) refused on this connection.
            caps.push("LOGINDISABLED".into());
        }
    }
    caps.extend(COMMON.iter().map(|c| c.to_string()));
    if s.account.is_some() {
        // RFC 8437 §3: UNAUTHENTICATE may be advertised only once authenticated.
        caps.push("UNAUTHENTICATE".into());
    }
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
