//! ENABLE (RFC 9051 §6.3.1, RFC 5161).

use loft_testkit::TestServer;

#[tokio::test]
async fn enable() {
    let server = TestServer::start().await;
    server.add_user("alice", "pw").await;
    let mut tc = server.login("alice", "pw").await;
    let r = tc.ok("ENABLE IMAP4rev2 CONDSTORE X-UNKNOWN").await;
    assert_eq!(r, vec!["* ENABLED IMAP4rev2".to_string()]);
    let r = tc.ok("ENABLE IMAP4rev2").await;
    assert_eq!(r, vec!["* ENABLED".to_string()]);
    tc.ok("SELECT INBOX").await;
    // RFC 5161 §3.1: not in the selected state.
    tc.bad("ENABLE UTF8=ACCEPT").await;
}
