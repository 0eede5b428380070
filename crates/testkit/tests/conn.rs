//! The `TestServer` / `TestConn` helpers themselves, and an example of their use in
//! command tests (`crates/imap/tests/imap/<command>.rs`).

use std::time::Duration;

use loft_store::Flags;
use loft_testkit::TestServer;

#[tokio::test]
async fn login_select_fetch() {
    let server = TestServer::start().await;
    server.add_user("alice", "secret").await;
    let uid = server
        .append("alice", "INBOX", &b"Subject: hi\r\n\r\nhello\r\n"[..])
        .await;
    assert_eq!(uid.get(), 1);

    let mut tc = server.connect().await;
    assert!(tc.greeting.starts_with("* OK"), "{}", tc.greeting);
    tc.no("LOGIN alice wrong").await;
    tc.login("alice", "secret").await;
    tc.ok("SELECT INBOX").await;
    tc.untagged_contains("* 1 EXISTS");
    let untagged = tc.ok("FETCH 1 (UID BODY.PEEK[TEXT])").await;
    assert_eq!(
        untagged,
        vec!["* 1 FETCH (UID 1 BODY[TEXT] {7}\r\nhello\r\n)".to_string()]
    );
    tc.bad("FETCH 0 FLAGS").await;
}

#[tokio::test]
async fn append_with_flags_and_idle() {
    let server = TestServer::start().await;
    server.add_user("bob", "pw").await;
    let seen = Flags {
        bits: Flags::SEEN,
        keywords: vec!["$Label".into()],
    };
    server
        .append_with("bob", "INBOX", &b"Subject: a\r\n\r\na\r\n"[..], seen, None)
        .await;

    let mut c1 = server.login("bob", "pw").await;
    c1.ok("SELECT INBOX").await;
    c1.untagged_contains("$Label");
    c1.idle_start().await;

    let mut c2 = server.login("bob", "pw").await;
    c2.ok("APPEND INBOX {5+}\r\nhello").await;
    let exists = c1.idle_wait("EXISTS", Duration::from_secs(5)).await;
    assert_eq!(exists, "* 2 EXISTS");
    c1.idle_done().await;
    c1.ok("LOGOUT").await;
    c1.expect_closed().await;
}

#[tokio::test]
async fn users_and_mailboxes_are_per_server() {
    let a = TestServer::start().await;
    let b = TestServer::start().await;
    a.add_user("alice", "secret").await;
    b.add_user("alice", "other").await;
    a.create_mailbox("alice", "Work", None).await;
    let mut ca = a.login("alice", "secret").await;
    ca.ok("LIST \"\" Work").await;
    ca.untagged_contains("\"Work\"");
    let mut cb = b.login("alice", "other").await;
    let listed = cb.ok("LIST \"\" Work").await;
    assert!(listed.is_empty(), "{listed:?}");
}
