//! Two sessions on one mailbox: RFC 9051 §7.5.1 (no EXPUNGE during FETCH/STORE/SEARCH),
//! §7.4.1 EXISTS, unsolicited FETCH for flag changes made elsewhere.
use super::common_selected;

use common_selected::*;
use loft_testkit::assert_contains;

#[tokio::test]
async fn expunge_by_other_waits_for_noop() {
    let srv = server_with_messages().await;
    let mut a = selected(&srv).await;
    let mut b = selected(&srv).await;
    b.ok("STORE 2 +FLAGS.SILENT (\\Deleted)").await;
    b.ok("EXPUNGE").await;
    // A still numbers 3 messages; FETCH sends no EXPUNGE (RFC 9051 §7.5.1).
    let reply = a.command("FETCH 1:3 (UID)").await;
    assert!(
        reply.untagged.iter().all(|r| !r.contains("EXPUNGE")),
        "{:?}",
        reply.untagged
    );
    assert_contains(&reply.untagged, "* 3 FETCH (UID 3)");
    assert!(reply.tagged.starts_with("OK"), "{}", reply.tagged);
    let u = a.ok("SEARCH ALL").await;
    assert!(u.iter().all(|r| !r.contains("EXPUNGE")), "{u:?}");
    let u = a.ok("STORE 3 +FLAGS (\\Answered)").await;
    assert!(u.iter().all(|r| !r.contains("EXPUNGE")), "{u:?}");
    // NOOP delivers it.
    let u = a.ok("NOOP").await;
    assert_eq!(u, vec!["* 2 EXPUNGE"]);
    let u = a.ok("FETCH 2 UID").await;
    assert_eq!(u, vec!["* 2 FETCH (UID 3)"]);
}

#[tokio::test]
async fn body_fetch_of_expunged_message_is_expungeissued() {
    let srv = server_with_messages().await;
    let mut a = selected(&srv).await;
    let mut b = selected(&srv).await;
    b.ok("STORE 1 +FLAGS.SILENT (\\Deleted)").await;
    b.ok("EXPUNGE").await;
    let reply = a.command("FETCH 1:2 BODY.PEEK[HEADER]").await;
    assert!(
        reply.tagged.starts_with("OK [EXPUNGEISSUED]"),
        "{}",
        reply.tagged
    );
    assert_eq!(reply.untagged.len(), 1, "{:?}", reply.untagged);
    assert!(reply.untagged[0].starts_with("* 2 FETCH"));
    // UID FETCH may carry the EXPUNGE (RFC 9051 §7.5.1).
    let u = a.ok("UID FETCH 3 UID").await;
    assert_contains(&u, "* 1 EXPUNGE");
}

#[tokio::test]
async fn flag_change_by_other_seen_at_noop() {
    let srv = server_with_messages().await;
    let mut a = selected(&srv).await;
    let mut b = selected(&srv).await;
    b.ok("STORE 1 +FLAGS (\\Flagged)").await;
    let u = a.ok("NOOP").await;
    assert_eq!(u, vec!["* 1 FETCH (UID 1 FLAGS (\\Flagged \\Recent))"]);
    // Announced once.
    let u = a.ok("NOOP").await;
    assert!(u.is_empty(), "{u:?}");
    // A's own STORE is not echoed again at the next NOOP, and B sees it without \Recent.
    a.ok("STORE 2 +FLAGS (\\Answered)").await;
    let u = a.ok("NOOP").await;
    assert!(u.is_empty(), "{u:?}");
    let u = b.ok("NOOP").await;
    assert_eq!(u, vec!["* 2 FETCH (UID 2 FLAGS (\\Seen \\Answered))"]);
}

#[tokio::test]
async fn exists_after_append_by_other() {
    let srv = server_with_messages().await;
    let mut a = selected(&srv).await;
    let mut b = login(&srv).await;
    b.ok("APPEND INBOX {9+}\r\nSubject: \r\n").await;
    let u = a.ok("NOOP").await;
    // rev1: EXISTS then RECENT; A claims \Recent for the new message.
    assert_eq!(u, vec!["* 4 EXISTS", "* 4 RECENT"]);
    let u = a.ok("FETCH 4 (UID FLAGS)").await;
    assert_eq!(u, vec!["* 4 FETCH (UID 4 FLAGS (\\Recent))"]);
    // A new message appended while A is mid-FETCH also shows up (EXISTS is always allowed).
    srv.append(USER, "INBOX", "Subject: two\r\n\r\nx\r\n").await;
    let u = a.ok("FETCH 1 UID").await;
    assert_contains(&u, "* 5 EXISTS");
}

#[tokio::test]
async fn expunge_and_append_together_rev2() {
    let srv = server_with_messages().await;
    let mut a = selected_rev2(&srv).await;
    let mut b = selected(&srv).await;
    b.ok("STORE 1 +FLAGS.SILENT (\\Deleted)").await;
    b.ok("EXPUNGE").await;
    srv.append(USER, "INBOX", "Subject: new\r\n\r\nx\r\n").await;
    // During FETCH: the new message is announced with the old numbering (4 = 3 + 1).
    let u = a.ok("FETCH 1 (UID)").await;
    assert!(u.contains(&"* 4 EXISTS".to_string()), "{u:?}");
    let u = a.ok("NOOP").await;
    assert_eq!(u, vec!["* 1 EXPUNGE"]);
    let u = a.ok("FETCH 3 UID").await;
    assert_eq!(u, vec!["* 3 FETCH (UID 4)"]);
}
