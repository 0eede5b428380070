//! NOTIFY MailboxMetadataChange and ServerMetadataChange (RFC 5465 §5.6, §5.7): another
//! session's SETMETADATA reaches a NOTIFY session as an unsolicited METADATA response with
//! the entry names only (RFC 5464 §4.4.2), removed entries included; the session's own
//! changes are not reported (RFC 5465 §5). Runs on both backends.

use std::time::Duration;

use loft_testkit::{Backend, TestConn, TestServer};

const USER: &str = "alice";
const PASS: &str = "secret";

/// The next response, unchecked: imap-codec decodes METADATA with values only, not the
/// RFC 5464 §4.4.2 unsolicited form `* METADATA mailbox entry *(SP entry)` (an oracle gap
/// for testkit's `ORACLE_GAPS`).
async fn unsolicited(tc: &mut TestConn) -> String {
    let raw = tc.next_raw().await.expect("an unsolicited response");
    String::from_utf8_lossy(&raw).trim_end().to_string()
}

/// Nothing unsolicited arrives within a short while.
async fn quiet(tc: &mut TestConn) {
    if let Ok(r) = tc.next_raw_within(Duration::from_millis(300)).await {
        panic!("unexpected response {:?}", String::from_utf8_lossy(&r));
    }
}

async fn scenario(backend: Backend) {
    let srv = TestServer::start_on(backend).await;
    srv.add_user(USER, PASS).await;
    srv.create_mailbox(USER, "Lists", None).await;
    srv.create_mailbox(USER, "misc", None).await;
    let mut a = srv.login(USER, PASS).await;
    let mut b = srv.login(USER, PASS).await;
    a.ok("NOTIFY SET (subtree Lists (MailboxMetadataChange)) (personal (ServerMetadataChange))")
        .await;

    // §5.6: a mailbox entry set by another session.
    b.ok("SETMETADATA Lists (/private/comment \"hello\" /shared/Comment \"x\")")
        .await;
    assert_eq!(
        unsolicited(&mut a).await,
        "* METADATA \"Lists\" /private/comment /shared/comment"
    );
    // Removed entries are included too.
    b.ok("SETMETADATA Lists (/private/comment NIL)").await;
    assert_eq!(
        unsolicited(&mut a).await,
        "* METADATA \"Lists\" /private/comment"
    );
    // A mailbox the filter does not cover: nothing.
    b.ok("SETMETADATA misc (/private/comment \"x\")").await;
    quiet(&mut a).await;

    // §5.7: server entries.
    b.ok("SETMETADATA \"\" (/shared/comment \"server\")").await;
    assert_eq!(unsolicited(&mut a).await, "* METADATA \"\" /shared/comment");

    // §5: the session's own change is not reported back to it.
    a.ok("SETMETADATA Lists (/private/comment \"mine\")").await;
    quiet(&mut a).await;
    b.ok("SETMETADATA Lists (/private/x \"theirs\")").await;
    assert_eq!(unsolicited(&mut a).await, "* METADATA \"Lists\" /private/x");

    // NOTIFY NONE: nothing more.
    a.ok("NOTIFY NONE").await;
    b.ok("SETMETADATA \"\" (/shared/comment NIL)").await;
    quiet(&mut a).await;
}

#[tokio::test]
async fn metadata_changes_are_notified_embedded() {
    scenario(Backend::Embedded).await;
}

#[tokio::test]
async fn metadata_changes_are_notified_postgres() {
    scenario(Backend::Postgres).await;
}

#[tokio::test]
async fn metadata_events_are_accepted_and_checked() {
    let srv = TestServer::start_on(Backend::Embedded).await;
    srv.add_user(USER, PASS).await;
    let mut a = srv.login(USER, PASS).await;
    // §3.1: BADEVENT lists the supported events, metadata ones included now.
    let r = a.command("NOTIFY SET (personal (AnnotationChange))").await;
    assert_eq!(
        r.tagged,
        "NO [BADEVENT (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange \
         MailboxMetadataChange ServerMetadataChange)] Unsupported NOTIFY event"
    );
    // §6.1 / §8: SELECTED takes message events only.
    a.bad("NOTIFY SET (selected (MailboxMetadataChange))").await;
    a.bad("NOTIFY SET (selected (ServerMetadataChange))").await;
    a.ok("NOTIFY SET (inboxes (MailboxMetadataChange ServerMetadataChange))")
        .await;
}
