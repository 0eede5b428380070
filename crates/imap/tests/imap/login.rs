//! LOGIN (RFC 9051 §6.2.3) and the plaintext policy (LOGINDISABLED, PRIVACYREQUIRED).

use loft_imap::{ImapConfig, PlaintextAuth};
use loft_testkit::{TestServer, test_config};

#[tokio::test]
async fn login_succeeds_with_the_right_password() {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "secret").await;
    let mut tc = server.connect().await;
    let reply = tc.command("LOGIN alice secret").await;
    assert!(
        reply.tagged.starts_with("OK [CAPABILITY "),
        "{}",
        reply.tagged
    );
    tc.ok("SELECT INBOX").await;
}

#[tokio::test]
async fn wrong_password_and_unknown_user_look_the_same() {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "secret").await;
    let mut tc = server.connect().await;
    let wrong = tc.command("LOGIN alice nope").await;
    let unknown = tc.command("LOGIN mallory secret").await;
    assert_eq!(
        wrong.tagged,
        "NO [AUTHENTICATIONFAILED] Authentication failed"
    );
    assert_eq!(unknown.tagged, wrong.tagged);
    // Still not authenticated.
    tc.bad("SELECT INBOX").await;
    tc.ok("LOGIN \"alice\" {6+}\r\nsecret").await;
}

/// loft_auth::login_cache: a verified login is remembered, a failed one never, and a
/// password change makes the remembered one useless at once (the stored hash is part of
/// the key).
#[tokio::test]
async fn remembered_login_ends_with_a_password_change() {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "secret").await;
    let cache = server.context().config.security.login_cache.clone();
    let mut tc = server.connect().await;
    assert_eq!(
        tc.command("LOGIN alice wrong").await.tagged,
        "NO [AUTHENTICATIONFAILED] Authentication failed"
    );
    assert!(cache.is_empty(), "a failure is not remembered");
    tc.ok("LOGIN alice secret").await;
    assert_eq!(cache.len(), 1);
    // Again, now from the cache.
    let mut tc = server.connect().await;
    tc.ok("LOGIN alice secret").await;
    let hash =
        loft_auth::hash_password(&loft_auth::Secret::new("changed".to_string())).expect("hash");
    server
        .store()
        .set_password("alice", &hash)
        .await
        .expect("set password");
    let mut tc = server.connect().await;
    assert_eq!(
        tc.command("LOGIN alice secret").await.tagged,
        "NO [AUTHENTICATIONFAILED] Authentication failed"
    );
    tc.ok("LOGIN alice changed").await;
}

#[tokio::test]
async fn login_with_synchronizing_literals() {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "p w\"x").await;
    let mut tc = server.connect().await;
    tc.send("a1 LOGIN {5}").await;
    let cont = tc.read_response().await;
    assert!(cont.starts_with("+ "), "{cont}");
    tc.send("alice {5}").await;
    let cont = tc.read_response().await;
    assert!(cont.starts_with("+ "), "{cont}");
    tc.send("p w\"x").await;
    let reply = tc.finish("a1", "LOGIN").await;
    assert_eq!(reply.status(), "OK", "{}", reply.tagged);
}

#[tokio::test]
async fn login_refused_on_cleartext_when_plaintext_is_never() {
    let config = ImapConfig {
        plaintext_auth: PlaintextAuth::Never,
        ..test_config()
    };
    let server = TestServer::on(super::BACKEND, config).await;
    server.add_user("alice", "secret").await;
    let mut tc = server.connect().await;
    assert!(tc.greeting.contains("LOGINDISABLED"));
    let reply = tc.command("LOGIN alice secret").await;
    assert!(
        reply.tagged.starts_with("NO [PRIVACYREQUIRED]"),
        "{}",
        reply.tagged
    );
    let reply = tc.command("AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==").await;
    assert!(
        reply.tagged.starts_with("NO [PRIVACYREQUIRED]"),
        "{}",
        reply.tagged
    );
    tc.bad("SELECT INBOX").await;
}

#[tokio::test]
async fn loopback_policy_allows_loopback_peers() {
    let config = ImapConfig {
        plaintext_auth: PlaintextAuth::Loopback,
        ..test_config()
    };
    let server = TestServer::on(super::BACKEND, config).await;
    server.add_user("alice", "secret").await;
    let mut tc = server.connect().await;
    assert!(!tc.greeting.contains("LOGINDISABLED"));
    tc.ok("LOGIN alice secret").await;
}
