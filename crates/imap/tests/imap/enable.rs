//! ENABLE (RFC 9051 §6.3.1, RFC 5161).

use loft_testkit::TestServer;

#[tokio::test]
async fn enable() {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "pw").await;
    let mut tc = server.login("alice", "pw").await;
    let r = tc.ok("ENABLE IMAP4rev2 CONDSTORE X-UNKNOWN").await;
    assert_eq!(r, vec!["* ENABLED IMAP4rev2 CONDSTORE".to_string()]);
    let r = tc.ok("ENABLE IMAP4rev2").await;
    assert_eq!(r, vec!["* ENABLED".to_string()]);
    tc.ok("SELECT INBOX").await;
    // RFC 5161 §3.1: not in the selected state.
    tc.bad("ENABLE UTF8=ACCEPT").await;
}

#[tokio::test]
async fn enable_qresync_implies_condstore() {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "pw").await;
    let mut tc = server.login("alice", "pw").await;
    // RFC 7162 §3.2.3: "ENABLE QRESYNC" and "ENABLE QRESYNC CONDSTORE" have identical
    // results; ENABLED names what this command turned on.
    let r = tc.ok("ENABLE QRESYNC CONDSTORE").await;
    assert_eq!(r, vec!["* ENABLED QRESYNC".to_string()]);
    let r = tc.ok("ENABLE CONDSTORE QRESYNC").await;
    assert_eq!(r, vec!["* ENABLED".to_string()]);
    // CONDSTORE is on: SELECT reports HIGHESTMODSEQ (RFC 7162 §3.1.2.1).
    let r = tc.ok("SELECT INBOX").await;
    assert!(
        r.iter().any(|l| l.starts_with("* OK [HIGHESTMODSEQ ")),
        "{r:?}"
    );
}
