//! The imap-codec oracle (DESIGN.md): every complete server response a test reads is decoded
//! by an independent IMAP implementation. A response it cannot decode fails the test with the
//! offending bytes, unless the response uses syntax imap-codec 2.0.0-alpha.10 does not know
//! (the documented gaps below).

use imap_codec::decode::Decoder;
use imap_codec::{GreetingCodec, ResponseCodec};

/// How a gap is recognised in a complete response.
#[derive(Debug, Clone, Copy)]
pub enum GapMatch {
    /// The response starts with this (ASCII case-insensitive).
    Prefix(&'static str),
    /// The first line of the response contains this (ASCII case-insensitive).
    Contains(&'static str),
}

/// Responses the oracle cannot check, each with the reason. Keep this list short: every
/// entry is syntax our server emits that nothing independent verifies.
pub const ORACLE_GAPS: &[(GapMatch, &str)] = &[
    // RFC 4731 / RFC 9051 §7.3.4: imap-codec has no ESEARCH response.
    (
        GapMatch::Prefix("* ESEARCH"),
        "imap-codec has no ESEARCH (RFC 4731, RFC 9051 §7.3.4)",
    ),
    // RFC 5258 §3.5: mbox-list-extended items ("CHILDINFO" ("SUBSCRIBED")) and
    // RFC 9051 OLDNAME are not parsed by imap-codec's mailbox-list.
    (
        GapMatch::Contains("(\"CHILDINFO\""),
        "imap-codec has no LIST-EXTENDED CHILDINFO (RFC 5258 §3.5)",
    ),
    (
        GapMatch::Contains("(\"OLDNAME\""),
        "imap-codec has no LIST OLDNAME extended item (RFC 9051 §7.3.1)",
    ),
    // RFC 8474 OBJECTID and RFC 8970 PREVIEW: imap-codec has no such FETCH/STATUS items or
    // MAILBOXID response code.
    (
        GapMatch::Contains("EMAILID ("),
        "imap-codec has no OBJECTID FETCH items (RFC 8474 §5.3)",
    ),
    (
        GapMatch::Contains("THREADID ("),
        "imap-codec has no OBJECTID FETCH items (RFC 8474 §5.3)",
    ),
    (
        GapMatch::Contains("MAILBOXID ("),
        "imap-codec has no MAILBOXID (RFC 8474 §4)",
    ),
    (
        GapMatch::Contains(" PREVIEW "),
        "imap-codec has no PREVIEW FETCH item (RFC 8970 §3)",
    ),
    (
        GapMatch::Contains("(PREVIEW "),
        "imap-codec has no PREVIEW FETCH item (RFC 8970 §3)",
    ),
    (
        GapMatch::Contains("SAVEDATE "),
        "imap-codec has no SAVEDATE FETCH item (RFC 8514 §4.2)",
    ),
];

/// Check a greeting (RFC 9051 §7.1: `* OK`, `* PREAUTH` or `* BYE`).
pub fn check_greeting(bytes: &[u8]) -> Result<(), String> {
    match GreetingCodec::default().decode(bytes) {
        Ok(([], _)) => Ok(()),
        Ok((rest, _)) => Err(format!(
            "imap-codec decoded the greeting but left {} bytes: {}",
            rest.len(),
            escape(rest)
        )),
        Err(e) => Err(format!(
            "imap-codec rejects the greeting ({e:?}): {}",
            escape(bytes)
        )),
    }
}

/// Check one complete response (with its literals and final CRLF).
pub fn check_response(bytes: &[u8]) -> Result<(), String> {
    if gap_for(bytes).is_some() {
        return Ok(());
    }
    match ResponseCodec::default().decode(bytes) {
        Ok(([], _)) => Ok(()),
        Ok((rest, _)) => Err(format!(
            "imap-codec decoded a response but left {} bytes: {}\nin: {}",
            rest.len(),
            escape(rest),
            escape(bytes)
        )),
        Err(e) => Err(format!(
            "imap-codec rejects the response ({e:?}): {}",
            escape(bytes)
        )),
    }
}

/// The reason the oracle cannot check this response, if it is a known gap.
pub fn gap_for(bytes: &[u8]) -> Option<&'static str> {
    let first_line_end = bytes
        .windows(2)
        .position(|w| w == b"\r\n")
        .unwrap_or(bytes.len());
    let first = String::from_utf8_lossy(&bytes[..first_line_end]).to_ascii_uppercase();
    ORACLE_GAPS.iter().find_map(|(m, reason)| {
        let hit = match m {
            GapMatch::Prefix(p) => first.starts_with(&p.to_ascii_uppercase()),
            GapMatch::Contains(c) => first.contains(&c.to_ascii_uppercase()),
        };
        hit.then_some(*reason)
    })
}

/// Bytes as readable text: printable ASCII as is, CR/LF/NUL and the rest as escapes.
pub fn escape(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'\r' => s.push_str("\\r"),
            b'\n' => s.push_str("\\n"),
            b'\\' => s.push('\\'),
            0x20..=0x7e => s.push(b as char),
            _ => s.push_str(&format!("\\x{b:02x}")),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Responses a correct server sends; the oracle must accept them (directly or as a gap).
    #[test]
    fn oracle_accepts_rfc_responses() {
        let ok: &[&[u8]] = &[
            b"* 3 EXISTS\r\n",
            b"* 0 RECENT\r\n",
            b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n",
            b"* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n",
            b"* OK [UIDVALIDITY 3857529045] UIDs valid\r\n",
            b"* OK [UIDNEXT 4392] Predicted next UID\r\n",
            b"* OK [UNSEEN 12] Message 12 is first unseen\r\n",
            b"A142 OK [READ-WRITE] SELECT completed\r\n",
            b"* LIST (\\Noselect) \"/\" \"\"\r\n",
            b"* LIST (\\HasNoChildren \\Drafts) \"/\" Drafts\r\n",
            b"* LIST (\\HasNoChildren \\Archive) \"/\" Archive\r\n",
            b"* LIST (\\Subscribed \\HasNoChildren \\Junk) \"/\" Junk\r\n",
            b"* LSUB () \"/\" INBOX\r\n",
            b"* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n",
            b"* SEARCH 2 84 882\r\n",
            b"* SEARCH\r\n",
            b"* 12 FETCH (FLAGS (\\Seen) UID 4 RFC822.SIZE 44827)\r\n",
            b"* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {30}\r\nSubject: afternoon meeting\r\n\r\n)\r\n",
            b"* 1 FETCH (INTERNALDATE \"17-Jul-1996 02:44:25 -0700\")\r\n",
            b"* 1 FETCH (BINARY.SIZE[1] 123)\r\n",
            b"* 1 FETCH (BINARY[1] {3}\r\nabc)\r\n",
            b"* ENABLED IMAP4rev2\r\n",
            b"* ENABLED\r\n",
            b"* CAPABILITY IMAP4rev1 IMAP4rev2 AUTH=PLAIN LITERAL+ IDLE\r\n",
            b"* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n",
            b"A003 OK [APPENDUID 38505 3955] APPEND completed\r\n",
            b"A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n",
            b"* OK [COPYUID 432432 42:69 1202-1229] Moved\r\n",
            b"a1 NO [AUTHENTICATIONFAILED] Authentication failed\r\n",
            b"a1 NO [TRYCREATE] No such mailbox\r\n",
            b"a1 NO [NONEXISTENT] No such mailbox\r\n",
            b"a1 BAD Unknown command\r\n",
            b"* BAD Invalid tag\r\n",
            b"+ Ready for literal data\r\n",
            b"+ idling\r\n",
            b"* BYE Logging out\r\n",
            b"* 5 EXPUNGE\r\n",
            b"* ESEARCH (TAG \"A282\") MIN 2 COUNT 3\r\n",
            b"* ESEARCH (TAG \"A282\") UID ALL 1:3,5\r\n",
            b"* LIST (\\Subscribed) \"/\" Foo (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n",
            b"* STATUS INBOX (MESSAGES 1 DELETED 0)\r\n",
            b"* STATUS INBOX (MESSAGES 1 SIZE 10)\r\n",
            b"* 1 FETCH (BINARY[1] ~{3}\r\na\x00c)\r\n",
        ];
        let mut failures = Vec::new();
        for r in ok {
            if let Err(e) = check_response(r) {
                failures.push(e);
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        check_greeting(b"* OK [CAPABILITY IMAP4rev1 IMAP4rev2 AUTH=PLAIN] Loft ready\r\n").unwrap();
    }

    #[test]
    fn oracle_rejects_garbage() {
        assert!(check_response(b"* 3 EXISTZ\r\n").is_err());
        assert!(check_response(b"* 1 FETCH (FLAGS (\\Seen)\r\n").is_err());
        assert!(check_greeting(b"* NO hello\r\n").is_err());
    }
}
