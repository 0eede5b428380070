//! CAPABILITY, NOOP, ID, NAMESPACE and the greeting (RFC 9051 §6.1, §6.3.10, RFC 2971).

use loft_imap::{ImapConfig, PlaintextAuth};
use loft_testkit::{TestServer, assert_contains, test_config};

#[tokio::test]
async fn greeting_carries_capabilities() {
    let server = TestServer::start_on(super::BACKEND).await;
    let tc = server.connect().await;
    assert!(
        tc.greeting
            .starts_with("* OK [CAPABILITY IMAP4rev1 IMAP4rev2 "),
        "{}",
        tc.greeting
    );
    assert!(tc.greeting.ends_with("] Loft ready"), "{}", tc.greeting);
    // PlaintextAuth::Always in test_config: PLAIN offered, LOGIN not disabled.
    assert!(tc.greeting.contains(" AUTH=PLAIN"));
    assert!(!tc.greeting.contains("LOGINDISABLED"));
    // No TLS configured: no STARTTLS.
    assert!(!tc.greeting.contains("STARTTLS"));
    // RFC 7162 §3.2.2: QRESYNC, and CONDSTORE listed too.
    assert!(tc.greeting.contains(" CONDSTORE") && tc.greeting.contains(" QRESYNC"));
}

#[tokio::test]
async fn capability_before_and_after_login() {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "pw").await;
    let mut tc = server.connect().await;
    let before = tc.ok("CAPABILITY").await;
    assert_eq!(before.len(), 1);
    assert!(before[0].starts_with("* CAPABILITY IMAP4rev1 IMAP4rev2"));
    assert!(before[0].contains(" APPENDLIMIT="));
    assert!(before[0].contains(" LITERAL+"));
    let reply = tc.command("LOGIN alice pw").await;
    assert!(
        reply
            .tagged
            .starts_with("OK [CAPABILITY IMAP4rev1 IMAP4rev2"),
        "{}",
        reply.tagged
    );
    assert!(!reply.tagged.contains("AUTH=PLAIN"));
    let after = tc.ok("CAPABILITY").await;
    assert!(!after[0].contains("AUTH="));
    assert!(after[0].contains(" IDLE"));
}

#[tokio::test]
async fn logindisabled_when_plaintext_never() {
    let config = ImapConfig {
        plaintext_auth: PlaintextAuth::Never,
        ..test_config()
    };
    let server = TestServer::on(super::BACKEND, config).await;
    let tc = server.connect().await;
    assert!(tc.greeting.contains(" LOGINDISABLED"), "{}", tc.greeting);
    assert!(!tc.greeting.contains("AUTH=PLAIN"));
}

#[tokio::test]
async fn noop_id_namespace() {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "pw").await;
    let mut tc = server.connect().await;
    tc.ok("NOOP").await;
    let id = tc.ok("ID (\"name\" \"test\" \"version\" \"1\")").await;
    assert_contains(&id, "* ID (\"name\" \"Loft\" \"version\" ");
    tc.ok("ID NIL").await;
    // NAMESPACE needs authentication.
    tc.bad("NAMESPACE").await;
    tc.login("alice", "pw").await;
    let ns = tc.ok("NAMESPACE").await;
    assert_eq!(ns, vec!["* NAMESPACE ((\"\" \"/\")) NIL NIL".to_string()]);
}

#[tokio::test]
async fn logout_says_bye_and_closes() {
    let server = TestServer::start_on(super::BACKEND).await;
    let mut tc = server.connect().await;
    let untagged = tc.ok("LOGOUT").await;
    assert_contains(&untagged, "* BYE");
    tc.expect_closed().await;
}

#[tokio::test]
async fn state_is_checked_before_the_handler() {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "pw").await;
    let mut tc = server.connect().await;
    let r = tc.command("LIST \"\" *").await;
    assert!(r.tagged.starts_with("BAD"), "{}", r.tagged);
    assert!(
        r.tagged.contains("not allowed in this state"),
        "{}",
        r.tagged
    );
    tc.bad("FETCH 1 FLAGS").await;
    tc.login("alice", "pw").await;
    tc.bad("LOGIN alice pw").await;
    tc.bad("FETCH 1 FLAGS").await;
    tc.bad("STARTTLS").await;
}
