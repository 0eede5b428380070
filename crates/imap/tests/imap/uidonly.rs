//! UIDONLY (RFC 9586): after `ENABLE UIDONLY` message numbers are refused with
//! `BAD [UIDREQUIRED]`, FETCH responses become `* uid UIDFETCH (...)` and expunges are
//! reported with VANISHED. imap-codec (the test oracle) has no UIDFETCH response, so these
//! tests read responses raw.
use super::common_selected;

use common_selected::*;
use loft_testkit::TestConn;
use loft_testkit::conn::text;

/// Run `cmd` and return (untagged, tagged) as text, without the oracle.
async fn raw(tc: &mut TestConn, cmd: &str) -> (Vec<String>, String) {
    let tag = tc.tag();
    tc.send(&format!("{tag} {cmd}")).await;
    let mut untagged = Vec::new();
    loop {
        let r = text(&tc.next_raw().await.expect("a response"));
        if let Some(rest) = r.strip_prefix(&format!("{tag} ")) {
            return (untagged, rest.to_string());
        }
        untagged.push(r);
    }
}

async fn uidonly_selected(srv: &loft_testkit::TestServer) -> TestConn {
    let mut tc = login(srv).await;
    // IMAP4rev2 too, so FLAGS carry no \Recent.
    assert_eq!(
        tc.ok("ENABLE IMAP4rev2 UIDONLY").await,
        vec!["* ENABLED IMAP4rev2 UIDONLY"]
    );
    tc.ok("SELECT INBOX").await;
    tc
}

#[tokio::test]
async fn capability_and_enable() {
    let srv = server().await;
    let mut tc = login(&srv).await;
    tc.ok("CAPABILITY").await;
    tc.untagged_contains(" UIDONLY");
    assert_eq!(tc.ok("ENABLE UIDONLY").await, vec!["* ENABLED UIDONLY"]);
    // RFC 5161 §3.2: only what this command enabled is listed.
    assert_eq!(tc.ok("ENABLE UIDONLY").await, vec!["* ENABLED"]);
}

#[tokio::test]
async fn message_numbers_are_refused() {
    let srv = server_with_messages().await;
    let mut tc = uidonly_selected(&srv).await;
    for cmd in [
        "FETCH 1 FLAGS",
        "STORE 1 +FLAGS (\\Seen)",
        "SEARCH ALL",
        "COPY 1 INBOX",
        "MOVE 1 INBOX",
        "SORT (DATE) UTF-8 ALL",
        "THREAD REFERENCES UTF-8 ALL",
        // A message-number search key inside a UID command is refused too.
        "UID SEARCH 1:2",
        "UID SEARCH OR SEEN NOT 2",
    ] {
        let (_, tagged) = raw(&mut tc, cmd).await;
        assert!(tagged.starts_with("BAD [UIDREQUIRED]"), "{cmd}: {tagged}");
    }
    // The UID forms work; `$` (saved UIDs) is not a message number.
    let (u, t) = raw(&mut tc, "UID SEARCH RETURN (SAVE) SEEN").await;
    assert!(t.starts_with("OK"), "{t} {u:?}");
    let (u, t) = raw(&mut tc, "UID SEARCH $").await;
    assert!(t.starts_with("OK"), "{t}");
    assert_eq!(u, vec!["* ESEARCH (TAG \"t14\") UID ALL 2"]);
}

#[tokio::test]
async fn uidfetch_responses() {
    let srv = server_with_messages().await;
    let mut tc = uidonly_selected(&srv).await;
    // The UID is the response's number; the UID item is left out.
    let (u, t) = raw(&mut tc, "UID FETCH 2:3 (FLAGS)").await;
    assert!(t.starts_with("OK"), "{t}");
    assert_eq!(
        u,
        vec![
            "* 2 UIDFETCH (FLAGS (\\Seen))",
            "* 3 UIDFETCH (FLAGS (\\Flagged $Work))"
        ]
    );
    // Explicitly requested, the UID item is returned (RFC 9586 §3, as mox reads it).
    let (u, _) = raw(&mut tc, "UID FETCH 1 (UID)").await;
    assert_eq!(u, vec!["* 1 UIDFETCH (UID 1)"]);
    let (u, _) = raw(&mut tc, "UID FETCH 2 (FLAGS UID)").await;
    assert_eq!(u, vec!["* 2 UIDFETCH (UID 2 FLAGS (\\Seen))"]);
    let (u, _) = raw(&mut tc, "UID STORE 1 +FLAGS (\\Answered)").await;
    assert_eq!(u, vec!["* 1 UIDFETCH (FLAGS (\\Answered))"]);
    // With CONDSTORE, MODSEQ comes without UID.
    // (the first CONDSTORE enabling command also reports HIGHESTMODSEQ).
    let (u, _) = raw(&mut tc, "UID FETCH 1 (FLAGS MODSEQ)").await;
    assert!(u[0].starts_with("* OK [HIGHESTMODSEQ "), "{u:?}");
    assert!(
        u[1].starts_with("* 1 UIDFETCH (FLAGS (\\Answered) MODSEQ ("),
        "{u:?}"
    );
    let (u, _) = raw(&mut tc, "UID STORE 1 +FLAGS.SILENT (\\Seen)").await;
    assert_eq!(u.len(), 1, "{u:?}");
    assert!(u[0].starts_with("* 1 UIDFETCH (MODSEQ ("), "{u:?}");
}

#[tokio::test]
async fn expunges_are_vanished() {
    let srv = server_with_messages().await;
    let mut tc = uidonly_selected(&srv).await;
    let (u, t) = raw(&mut tc, "UID STORE 1,3 +FLAGS.SILENT (\\Deleted)").await;
    assert!(t.starts_with("OK") && u.is_empty(), "{t} {u:?}");
    let (u, t) = raw(&mut tc, "EXPUNGE").await;
    assert!(t.starts_with("OK"), "{t}");
    assert_eq!(u, vec!["* VANISHED 1,3"]);
    // Changes by another session: flags as UIDFETCH, expunges as VANISHED.
    let mut other = selected(&srv).await;
    other.ok("STORE 1 +FLAGS (\\Flagged)").await;
    let (u, _) = raw(&mut tc, "NOOP").await;
    assert_eq!(u, vec!["* 2 UIDFETCH (FLAGS (\\Seen \\Flagged))"]);
    other.ok("STORE 1 +FLAGS.SILENT (\\Deleted)").await;
    other.ok("EXPUNGE").await;
    let (u, _) = raw(&mut tc, "NOOP").await;
    assert_eq!(u, vec!["* VANISHED 2"]);
    // An empty mailbox: nothing to fetch, nothing refused.
    let (u, t) = raw(&mut tc, "UID FETCH 1:* (FLAGS)").await;
    assert!(t.starts_with("OK") && u.is_empty(), "{t} {u:?}");
}

/// SELECT sends no `[UNSEEN n]` (a message number, RFC 3501 §6.3.1) after ENABLE UIDONLY,
/// and QRESYNC seq-match-data (message numbers, RFC 7162 §3.2.5) gets `BAD [UIDREQUIRED]`.
#[tokio::test]
async fn select_has_no_message_numbers() {
    let srv = server_with_messages().await;
    let mut tc = login(&srv).await;
    assert_eq!(
        tc.ok("ENABLE UIDONLY QRESYNC").await,
        vec!["* ENABLED UIDONLY QRESYNC"]
    );
    let (untagged, tagged) = raw(&mut tc, "SELECT INBOX").await;
    assert!(tagged.starts_with("OK"), "{tagged}");
    assert!(
        !untagged.iter().any(|l| l.contains("[UNSEEN")),
        "{untagged:?}"
    );
    raw(&mut tc, "UNSELECT").await;
    let (_, tagged) = raw(&mut tc, "SELECT INBOX (QRESYNC (1 1 1:3 (1 1)))").await;
    assert!(tagged.starts_with("BAD [UIDREQUIRED]"), "{tagged}");
}
