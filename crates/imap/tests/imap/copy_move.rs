//! COPY, MOVE and UID forms: RFC 9051 §6.4.7, §6.4.8; COPYUID RFC 4315; MOVE RFC 6851.
use super::common_selected;

use common_selected::*;
use loft_testkit::assert_contains;

#[tokio::test]
async fn copy_returns_copyuid() {
    let srv = server_with_messages().await;
    let mut tc = selected(&srv).await;
    let reply = tc.command("COPY 1:2 Archive").await;
    assert_eq!(reply.status(), "OK");
    assert!(reply.tagged.starts_with("OK [COPYUID "), "{}", reply.tagged);
    assert!(reply.tagged.contains(" 1:2 1:2]"), "{}", reply.tagged);
    let u = tc.ok("STATUS Archive (MESSAGES)").await;
    assert_contains(&u, "(MESSAGES 2)");
    let reply = tc.command("UID COPY 3 Archive").await;
    assert!(reply.tagged.contains(" 3 3]"), "{}", reply.tagged);
}

#[tokio::test]
async fn copy_to_missing_mailbox_is_trycreate() {
    let srv = server_with_messages().await;
    let mut tc = selected(&srv).await;
    let reply = tc.command("COPY 1 Nowhere").await;
    assert!(
        reply.tagged.starts_with("NO [TRYCREATE]"),
        "{}",
        reply.tagged
    );
    let reply = tc.command("MOVE 1 Nowhere").await;
    assert!(
        reply.tagged.starts_with("NO [TRYCREATE]"),
        "{}",
        reply.tagged
    );
}

#[tokio::test]
async fn copy_to_selected_mailbox_announces_exists() {
    let srv = server_with_messages().await;
    let mut tc = selected(&srv).await;
    let u = tc.ok("COPY 1 INBOX").await;
    assert_contains(&u, "* 4 EXISTS");
    let u = tc.ok("FETCH 4 UID").await;
    assert_eq!(u, vec!["* 4 FETCH (UID 4)"]);
}

#[tokio::test]
async fn move_sends_copyuid_then_expunges() {
    let srv = server_with_messages().await;
    let mut tc = selected(&srv).await;
    let u = tc.ok("MOVE 2:3 Trash").await;
    assert_eq!(u.len(), 3, "{u:?}");
    assert!(
        u[0].starts_with("* OK [COPYUID ") && u[0].contains(" 2:3 1:2]"),
        "{u:?}"
    );
    assert_eq!(&u[1..], ["* 3 EXPUNGE", "* 2 EXPUNGE"]);
    let u = tc.ok("UID MOVE 1 Trash").await;
    assert_eq!(u[1], "* 1 EXPUNGE");
    let u = tc.ok("UID MOVE 1:* Trash").await;
    assert!(u.is_empty(), "{u:?}");
    let u = tc.ok("SELECT Trash").await;
    assert_contains(&u, "* 3 EXISTS");
}
