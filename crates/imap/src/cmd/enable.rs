//! ENABLE: RFC 9051 §6.3.1, RFC 5161; CONDSTORE/QRESYNC RFC 7162 §3.1, §3.2.3. State: Authenticated.
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
