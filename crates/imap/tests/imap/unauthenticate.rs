//! UNAUTHENTICATE (RFC 8437).

use loft_testkit::TestServer;

#[tokio::test]
async fn unauthenticate_resets_state() {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "pw").await;
    server.add_user("bob", "pw2").await;
    let mut tc = server.connect().await;
    // Not valid before authentication, and advertised only after it (RFC 8437 §3).
    tc.bad("UNAUTHENTICATE").await;
    let caps = tc.ok("CAPABILITY").await;
    assert!(!caps[0].contains("UNAUTHENTICATE"), "{caps:?}");
    tc.login("alice", "pw").await;
    let caps = tc.ok("CAPABILITY").await;
    assert!(caps[0].contains(" UNAUTHENTICATE"), "{caps:?}");
    tc.ok("ENABLE CONDSTORE").await;
    tc.ok("SELECT INBOX").await;
    // RFC 8437 §3: no expunge events; the mailbox is simply no longer selected.
    let r = tc.ok("UNAUTHENTICATE").await;
    assert!(r.is_empty(), "{r:?}");
    tc.bad("FETCH 1 FLAGS").await;
    tc.bad("SELECT INBOX").await;
    // Pipelined with a new login (RFC 8437 §3), as another user.
    tc.login("bob", "pw2").await;
    // RFC 8437 §4.1: ENABLEd extensions are reset, so CONDSTORE can be enabled again.
    let r = tc.ok("ENABLE CONDSTORE").await;
    assert_eq!(r, vec!["* ENABLED CONDSTORE".to_string()]);
    let sel = tc.ok("SELECT INBOX").await;
    assert!(sel.iter().any(|l| l.contains("EXISTS")), "{sel:?}");
}
