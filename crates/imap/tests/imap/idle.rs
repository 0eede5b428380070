//! IDLE (RFC 9051 §6.3.13, RFC 2177).

use std::time::Duration;

use loft_testkit::TestServer;

#[tokio::test]
async fn idle_sees_appends_from_another_connection() {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "pw").await;
    let mut watcher = server.login("alice", "pw").await;
    watcher.ok("SELECT INBOX").await;
    watcher.idle_start().await;
    let mut other = server.login("alice", "pw").await;
    other
        .ok("APPEND INBOX {20+}\r\nSubject: x\r\n\r\nbody\r\n")
        .await;
    watcher
        .idle_wait("* 1 EXISTS", Duration::from_secs(5))
        .await;
    watcher.idle_done().await;
    watcher.ok("NOOP").await;
}

#[tokio::test]
async fn idle_sees_changes_made_behind_the_feed() {
    // The store object's own feed carries this change too; the poll is the fallback.
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "pw").await;
    let mut watcher = server.login("alice", "pw").await;
    watcher.ok("SELECT INBOX").await;
    watcher.idle_start().await;
    server
        .append("alice", "INBOX", "Subject: y\r\n\r\nbody\r\n")
        .await;
    watcher
        .idle_wait("* 1 EXISTS", Duration::from_secs(5))
        .await;
    watcher.idle_done().await;
}

#[tokio::test]
async fn done_is_case_insensitive_and_other_input_is_bad() {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "pw").await;
    let mut tc = server.login("alice", "pw").await;
    tc.send("i1 IDLE").await;
    assert!(tc.read_response().await.starts_with('+'));
    tc.send("done").await;
    let r = tc.finish("i1", "IDLE").await;
    assert_eq!(r.status(), "OK");
    tc.send("i2 IDLE").await;
    assert!(tc.read_response().await.starts_with('+'));
    tc.send("i3 NOOP").await;
    let r = tc.finish("i2", "IDLE").await;
    assert_eq!(r.status(), "BAD");
    tc.ok("NOOP").await;
}
