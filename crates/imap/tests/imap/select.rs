//! SELECT, EXAMINE, CLOSE, UNSELECT, CHECK: RFC 9051 §6.3.2, §6.3.3, §6.4.1-§6.4.2.
use super::common_selected;

use common_selected::*;
use loft_testkit::assert_contains;

#[tokio::test]
async fn select_rev1_sends_required_responses() {
    let srv = server_with_messages().await;
    let mut tc = login(&srv).await;
    let reply = tc.command("SELECT INBOX").await;
    assert_eq!(reply.status(), "OK");
    assert!(
        reply.tagged.starts_with("OK [READ-WRITE]"),
        "{}",
        reply.tagged
    );
    let u = &reply.untagged;
    assert_contains(u, "* 3 EXISTS");
    // RFC 3501: RECENT, and [UNSEEN n] naming the first unseen message.
    assert_contains(u, "* 3 RECENT");
    assert_contains(u, "* OK [UNSEEN 1]");
    assert_contains(u, "* OK [UIDVALIDITY ");
    assert_contains(u, "* OK [UIDNEXT 4]");
    assert_contains(
        u,
        "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work)",
    );
    assert_contains(
        u,
        "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work \\*)]",
    );
    // A second session sees no \Recent: the first claimed them (RFC 3501 §2.3.2).
    let mut tc2 = login(&srv).await;
    tc2.ok("SELECT INBOX").await;
    tc2.untagged_contains("* 0 RECENT");
}

#[tokio::test]
async fn select_rev2_lists_and_omits_rev1_responses() {
    let srv = server_with_messages().await;
    let mut tc = login(&srv).await;
    tc.ok("ENABLE IMAP4rev2").await;
    let u = tc.ok("SELECT INBOX").await;
    assert_contains(&u, "* 3 EXISTS");
    assert_contains(&u, "* LIST () \"/\" INBOX");
    tc.untagged_lacks("RECENT");
    tc.untagged_lacks("UNSEEN");
}

#[tokio::test]
async fn examine_is_read_only_and_keeps_recent() {
    let srv = server_with_messages().await;
    let mut tc = login(&srv).await;
    let reply = tc.command("EXAMINE INBOX").await;
    assert!(
        reply.tagged.starts_with("OK [READ-ONLY]"),
        "{}",
        reply.tagged
    );
    assert_contains(&reply.untagged, "* OK [PERMANENTFLAGS ()]");
    // EXAMINE must not claim \Recent (RFC 3501 §6.3.2): a later SELECT still gets them.
    let mut tc2 = login(&srv).await;
    tc2.ok("SELECT INBOX").await;
    tc2.untagged_contains("* 3 RECENT");
    // Read-only: STORE, EXPUNGE and MOVE are refused.
    tc.no("STORE 1 +FLAGS (\\Deleted)").await;
    tc.no("EXPUNGE").await;
    tc.no("MOVE 1 Trash").await;
    // BODY[] does not set \Seen on a read-only mailbox.
    let u = tc.ok("FETCH 1 BODY[]").await;
    assert!(!u[0].contains("FLAGS"), "{u:?}");
    let u = tc.ok("FETCH 1 FLAGS").await;
    assert!(!u[0].contains("\\Seen"), "{u:?}");
}

#[tokio::test]
async fn reselect_sends_closed_and_failure_leaves_unselected() {
    let srv = server_with_messages().await;
    let mut tc = selected(&srv).await;
    let u = tc.ok("SELECT Drafts").await;
    assert!(u[0].starts_with("* OK [CLOSED]"), "{u:?}");
    assert_contains(&u, "* 0 EXISTS");
    let u = tc.no("SELECT Nonexistent").await;
    assert_contains(&u, "* OK [CLOSED]");
    // Now Authenticated: a selected-state command is refused.
    tc.bad("FETCH 1 FLAGS").await;
    tc.ok("SELECT INBOX").await;
    tc.ok("FETCH 1 FLAGS").await;
}

#[tokio::test]
async fn select_nonexistent_is_no_nonexistent() {
    let srv = server().await;
    let mut tc = login(&srv).await;
    let reply = tc.command("SELECT nosuch").await;
    assert!(
        reply.tagged.starts_with("NO [NONEXISTENT]"),
        "{}",
        reply.tagged
    );
    // RFC 7162 §3.2.5: QRESYNC without ENABLE QRESYNC is BAD.
    tc.bad("SELECT INBOX (QRESYNC (1 1))").await;
}

#[tokio::test]
async fn close_expunges_silently_unselect_does_not() {
    let srv = server_with_messages().await;
    let mut tc = selected(&srv).await;
    tc.ok("STORE 1 +FLAGS.SILENT (\\Deleted)").await;
    let u = tc.ok("UNSELECT").await;
    assert!(u.is_empty(), "{u:?}");
    let u = tc.ok("SELECT INBOX").await;
    assert_contains(&u, "* 3 EXISTS");
    let u = tc.ok("CLOSE").await;
    assert!(u.is_empty(), "CLOSE sends no EXPUNGE: {u:?}");
    tc.bad("FETCH 1 FLAGS").await;
    let u = tc.ok("SELECT INBOX").await;
    assert_contains(&u, "* 2 EXISTS");
    tc.ok("CHECK").await;
}

#[tokio::test]
async fn close_after_examine_does_not_expunge() {
    let srv = server_with_messages().await;
    let mut tc = selected(&srv).await;
    tc.ok("STORE 1 +FLAGS.SILENT (\\Deleted)").await;
    tc.ok("EXAMINE INBOX").await;
    tc.ok("CLOSE").await;
    let u = tc.ok("SELECT INBOX").await;
    assert_contains(&u, "* 3 EXISTS");
}
