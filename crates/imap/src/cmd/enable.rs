//! ENABLE: RFC 9051 §6.3.1, RFC 5161; CONDSTORE/QRESYNC RFC 7162 §3.1, §3.2.3; UIDONLY
//! RFC 9586 §3. State: Authenticated.
use loft_proto_imap::{CommandBody, Numbering, SearchKey, SequenceSet};

use super::{CmdResult, Done};
use crate::Session;

pub async fn handle(s: &mut Session, caps: Vec<String>) -> CmdResult {
    // RFC 5161 §3.1: unknown names are ignored; §3.2: the ENABLED response lists what this
    // command enabled (not what was already on).
    let mut enabled_now: Vec<&'static str> = Vec::new();
    for cap in &caps {
        if cap.eq_ignore_ascii_case("IMAP4rev2") {
            if !s.enabled.imap4rev2 {
                s.enabled.imap4rev2 = true;
                enabled_now.push("IMAP4rev2");
            }
        } else if cap.eq_ignore_ascii_case("UTF8=ACCEPT") && !s.enabled.utf8_accept {
            // RFC 6855 §3: mailbox names are UTF-8 from now on (as in IMAP4rev2).
            s.enabled.utf8_accept = true;
            enabled_now.push("UTF8=ACCEPT");
        } else if cap.eq_ignore_ascii_case("CONDSTORE") && !s.enabled.condstore {
            // RFC 7162 §3.1: a CONDSTORE enabling command. ENABLE is only allowed in the
            // authenticated state, so there is no selected mailbox to report on.
            s.enabled.condstore = true;
            enabled_now.push("CONDSTORE");
        } else if cap.eq_ignore_ascii_case("QRESYNC") && !s.enabled.qresync {
            // RFC 7162 §3.2.3: QRESYNC implies CONDSTORE ("ENABLE QRESYNC" and "ENABLE
            // QRESYNC CONDSTORE" have identical results) and switches EXPUNGE responses
            // to VANISHED for the rest of the connection.
            s.enabled.qresync = true;
            s.enabled.condstore = true;
            enabled_now.push("QRESYNC");
        } else if cap.eq_ignore_ascii_case("UIDONLY") && !s.enabled.uidonly {
            // RFC 9586 §3: from now on message numbers are refused in commands, FETCH
            // responses become UIDFETCH and expunges are reported with VANISHED.
            s.enabled.uidonly = true;
            enabled_now.push("UIDONLY");
        }
    }
    s.out.raw(b"* ENABLED");
    for cap in enabled_now {
        s.out.raw(b" ");
        s.out.raw(cap.as_bytes());
    }
    s.out.raw(b"\r\n");
    Ok(Done::ok("ENABLE completed"))
}

/// RFC 9586 §3: whether a command names messages by sequence number (the non-UID forms of
/// FETCH, STORE, SEARCH, SORT, THREAD, COPY, MOVE, REPLACE, a message-number search key
/// in any search, or the QRESYNC seq-match-data of SELECT/EXAMINE). Such commands get `BAD [UIDREQUIRED]` once UIDONLY is enabled.
pub fn uses_message_numbers(body: &CommandBody) -> bool {
    use CommandBody as C;
    let is_seq = |n: &Numbering| *n == Numbering::Seq;
    match body {
        C::Fetch(f) => is_seq(&f.numbering),
        C::Store(st) => is_seq(&st.numbering),
        C::Copy { numbering, .. } | C::Move { numbering, .. } | C::Replace { numbering, .. } => {
            is_seq(numbering)
        }
        C::Search(se) => is_seq(&se.numbering) || key_uses_numbers(&se.key),
        C::Sort(so) => is_seq(&so.numbering) || key_uses_numbers(&so.key),
        C::Thread(t) => is_seq(&t.numbering) || key_uses_numbers(&t.key),
        // The QRESYNC seq-match-data pairs message numbers with UIDs (RFC 7162 §3.2.5), so it
        // is refused as well (the reference implementation mox answers BAD [UIDREQUIRED]).
        C::Select { params, .. } | C::Examine { params, .. } => params
            .qresync
            .as_ref()
            .is_some_and(|q| q.seq_match.is_some()),
        _ => false,
    }
}

/// A sequence-set search key (`SEARCH 1:5`); `$` names saved UIDs and is allowed.
fn key_uses_numbers(key: &SearchKey) -> bool {
    match key {
        SearchKey::SequenceSet(SequenceSet::Ranges(_)) => true,
        SearchKey::And(keys) => keys.iter().any(key_uses_numbers),
        SearchKey::Or(a, b) => key_uses_numbers(a) || key_uses_numbers(b),
        SearchKey::Not(k) => key_uses_numbers(k),
        _ => false,
    }
}
