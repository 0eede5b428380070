//! The session loop: literal limits (RFC 9051 §7.1 TOOBIG, RFC 7888), line limits, decode
//! errors, pipelining.

use loft_imap::ImapConfig;
use loft_testkit::{TestServer, test_config};

#[tokio::test]
async fn huge_synchronizing_literal_is_refused_before_it_is_sent() {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "pw").await;
    let mut tc = server.login("alice", "pw").await;
    // 100 MB announced; the client never sends it.
    tc.send("a1 APPEND INBOX {104857600}").await;
    let r = tc.read_response().await;
    assert!(r.starts_with("a1 NO [TOOBIG]"), "{r}");
    // The connection keeps working.
    tc.ok("NOOP").await;
    let msg = "Subject: hi\r\n\r\nhello\r\n";
    tc.ok(&format!("APPEND INBOX {{{}+}}\r\n{msg}", msg.len()))
        .await;
}

#[tokio::test]
async fn huge_non_synchronizing_literal_is_discarded() {
    let config = ImapConfig {
        max_literal_bytes: 1000,
        ..test_config()
    };
    let server = TestServer::on(super::BACKEND, config).await;
    server.add_user("alice", "pw").await;
    let mut tc = server.login("alice", "pw").await;
    let body = "x".repeat(5000);
    tc.send(&format!("a1 APPEND INBOX {{5000+}}\r\n{body}"))
        .await;
    let r = tc.read_response().await;
    assert!(r.starts_with("a1 NO [TOOBIG]"), "{r}");
    // The literal bytes were not taken for commands.
    tc.ok("NOOP").await;
}

#[tokio::test]
async fn line_too_long_is_bad_and_resyncs() {
    let config = ImapConfig {
        max_line_bytes: 200,
        ..test_config()
    };
    let server = TestServer::on(super::BACKEND, config).await;
    let mut tc = server.connect().await;
    tc.send(&format!("a1 NOOP {}", "x".repeat(1000))).await;
    let r = tc.read_response().await;
    assert!(r.starts_with("a1 BAD"), "{r}");
    tc.ok("NOOP").await;
}

#[tokio::test]
async fn garbage_gets_bad_and_the_session_goes_on() {
    let server = TestServer::start_on(super::BACKEND).await;
    let mut tc = server.connect().await;
    tc.send("a1 FROBNICATE").await;
    let r = tc.read_response().await;
    assert!(r.starts_with("a1 BAD"), "{r}");
    tc.send_raw(b"\x00\xff\r\n").await;
    let r = tc.read_response().await;
    assert!(r.starts_with("* BAD") || r.contains("BAD"), "{r}");
    tc.ok("NOOP").await;
}

#[tokio::test]
async fn pipelined_commands_are_answered_in_order() {
    let config = ImapConfig {
        max_pipelined_commands: 3,
        ..test_config()
    };
    let server = TestServer::on(super::BACKEND, config).await;
    server.add_user("alice", "pw").await;
    let mut tc = server.connect().await;
    let mut batch = String::from("p0 LOGIN alice pw\r\n");
    for i in 1..20 {
        batch.push_str(&format!("p{i} NOOP\r\n"));
    }
    tc.send_raw(batch.as_bytes()).await;
    for i in 0..20 {
        let reply = tc.finish(&format!("p{i}"), "pipelined").await;
        assert_eq!(reply.status(), "OK", "p{i}: {}", reply.tagged);
    }
}

#[tokio::test]
async fn disconnect_mid_command_ends_quietly() {
    let server = TestServer::start_on(super::BACKEND).await;
    let mut tc = server.connect().await;
    tc.send_raw(b"a1 LOGIN {10}\r\n").await;
    let _ = tc.read_response().await;
    drop(tc);
    // The server keeps serving others.
    let mut other = server.connect().await;
    other.ok("NOOP").await;
}
