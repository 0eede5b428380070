//! CREATE (RFC 9051 §6.3.4, RFC 6154 §3), DELETE (§6.3.5) and RENAME (§6.3.6).

use loft_testkit::{TestConn, TestServer};

async fn setup() -> (TestServer, TestConn) {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "pw").await;
    let tc = server.login("alice", "pw").await;
    (server, tc)
}

#[tokio::test]
async fn create_and_errors() {
    let (_s, mut tc) = setup().await;
    tc.ok("CREATE Projects/").await;
    let r = tc.ok("LIST \"\" Projects*").await;
    assert_eq!(
        r,
        vec!["* LIST (\\HasNoChildren) \"/\" \"Projects\"".to_string()]
    );
    let r = tc.command("CREATE Projects").await;
    assert!(r.tagged.starts_with("NO [ALREADYEXISTS]"), "{}", r.tagged);
    let r = tc.command("CREATE inbox").await;
    assert!(r.tagged.starts_with("NO [ALREADYEXISTS]"), "{}", r.tagged);
    tc.no("CREATE a//b").await;
    tc.no("CREATE \"a*\"").await;
}

#[tokio::test]
async fn create_special_use() {
    let (_s, mut tc) = setup().await;
    tc.ok("CREATE MyArchive (USE (\\Archive))").await;
    let r = tc.ok("LIST \"\" MyArchive").await;
    assert_eq!(
        r,
        vec!["* LIST (\\HasNoChildren \\Archive) \"/\" \"MyArchive\"".to_string()]
    );
    let r = tc.command("CREATE X (USE (\\Important))").await;
    assert!(r.tagged.starts_with("NO [USEATTR]"), "{}", r.tagged);
}

#[tokio::test]
async fn delete() {
    let (_s, mut tc) = setup().await;
    tc.ok("CREATE Old").await;
    tc.ok("DELETE Old").await;
    let r = tc.command("DELETE Old").await;
    assert!(r.tagged.starts_with("NO [NONEXISTENT]"), "{}", r.tagged);
    tc.no("DELETE INBOX").await;
}

#[tokio::test]
async fn delete_the_selected_mailbox_leaves_selected_state() {
    let (_s, mut tc) = setup().await;
    tc.ok("CREATE Tmp").await;
    tc.ok("SELECT Tmp").await;
    let r = tc.ok("DELETE Tmp").await;
    assert!(r.iter().any(|l| l.starts_with("* OK [CLOSED]")), "{r:?}");
    tc.bad("FETCH 1 FLAGS").await;
}

#[tokio::test]
async fn rename() {
    let (server, mut tc) = setup().await;
    tc.ok("CREATE a/b").await;
    tc.ok("RENAME a c").await;
    let r = tc.ok("LIST \"\" c*").await;
    assert_eq!(r.len(), 2, "{r:?}");
    assert!(r.iter().any(|l| l.ends_with("\"c/b\"")), "{r:?}");
    let r = tc.command("RENAME nope x").await;
    assert!(r.tagged.starts_with("NO"), "{}", r.tagged);
    let r = tc.command("RENAME c INBOX").await;
    assert!(r.tagged.starts_with("NO [ALREADYEXISTS]"), "{}", r.tagged);
    // RFC 9051 §6.3.6: renaming INBOX moves its messages and leaves INBOX.
    server
        .append("alice", "INBOX", "Subject: a\r\n\r\nx\r\n")
        .await;
    tc.ok("RENAME INBOX Saved").await;
    let r = tc.ok("STATUS Saved (MESSAGES)").await;
    assert_eq!(r, vec!["* STATUS \"Saved\" (MESSAGES 1)".to_string()]);
    let r = tc.ok("STATUS INBOX (MESSAGES)").await;
    assert_eq!(r, vec!["* STATUS \"INBOX\" (MESSAGES 0)".to_string()]);
}
