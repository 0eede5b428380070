//! STATUS (RFC 9051 §6.3.11).

use loft_testkit::TestServer;

#[tokio::test]
async fn status_items() {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "pw").await;
    server
        .append("alice", "INBOX", "Subject: a\r\n\r\nx\r\n")
        .await;
    server
        .append_with(
            "alice",
            "INBOX",
            "Subject: b\r\n\r\nyy\r\n",
            loft_testkit::server::parse_flags("\\Seen \\Deleted"),
            None,
        )
        .await;
    let mut tc = server.login("alice", "pw").await;
    let r = tc
        .ok("STATUS INBOX (MESSAGES UIDNEXT UNSEEN DELETED SIZE RECENT)")
        .await;
    assert_eq!(
        r,
        vec![
            "* STATUS \"INBOX\" (MESSAGES 2 UIDNEXT 3 UNSEEN 1 DELETED 1 SIZE 35 RECENT 2)"
                .to_string()
        ]
    );
    let r = tc.ok("STATUS INBOX (UIDVALIDITY)").await;
    assert!(
        r[0].starts_with("* STATUS \"INBOX\" (UIDVALIDITY "),
        "{r:?}"
    );
    let r = tc.command("STATUS Nope (MESSAGES)").await;
    assert!(r.tagged.starts_with("NO [NONEXISTENT]"), "{}", r.tagged);
    // Allowed on the selected mailbox.
    tc.ok("SELECT INBOX").await;
    tc.ok("STATUS INBOX (MESSAGES)").await;
}
