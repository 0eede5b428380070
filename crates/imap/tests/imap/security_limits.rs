//! Connection-level defences inside the session: configurable timeouts, the IDLE
//! keep-alive, the per-account connection limit, the failure delay and the audit log.

use std::sync::Arc;
use std::time::{Duration, Instant};

use loft_auth::audit::MemorySink;
use loft_auth::throttle::{Throttle, ThrottleConfig};
use loft_imap::ImapConfig;
use loft_imap::config::{ConnectionLimits, LimitsConfig, Security, Timeouts};
use loft_testkit::{TestServer, test_config};

fn config(audit: Arc<MemorySink>, base_delay_ms: u64) -> ImapConfig {
    ImapConfig {
        timeouts: Timeouts {
            not_authenticated: Duration::from_millis(600),
            authenticated: Duration::from_secs(60),
            idle: Duration::from_secs(60),
            idle_keepalive: Duration::from_millis(300),
        },
        security: Security {
            throttle: Arc::new(Throttle::new(ThrottleConfig {
                base_delay: Duration::from_millis(base_delay_ms),
                max_delay: Duration::from_secs(2),
                ban_after: 0,
                ..ThrottleConfig::default()
            })),
            audit,
            limits: Arc::new(ConnectionLimits::new(LimitsConfig {
                max_connections_per_account: 2,
                ..LimitsConfig::default()
            })),
            scram_iterations: 4096,
            ..Security::default()
        },
        ..test_config()
    }
}

#[tokio::test]
async fn not_authenticated_timeout_says_bye() {
    let server = TestServer::on(super::BACKEND, config(Arc::default(), 10)).await;
    let mut tc = server.connect().await;
    let bye = tc.read_response().await;
    assert!(bye.starts_with("* BYE"), "{bye}");
}

#[tokio::test]
async fn idle_sends_keepalives() {
    let server = TestServer::on(super::BACKEND, config(Arc::default(), 10)).await;
    server.add_user("alice", "secret").await;
    let mut tc = server.login("alice", "secret").await;
    tc.ok("SELECT INBOX").await;
    tc.send("i1 IDLE").await;
    assert!(tc.read_response().await.starts_with("+ "));
    let line = tc.read_response().await;
    assert_eq!(line.trim_end(), "* OK Still here");
    tc.send("DONE").await;
    let done = tc.finish("i1", "IDLE").await;
    assert_eq!(done.status(), "OK");
}

#[tokio::test]
async fn per_account_connection_limit() {
    let server = TestServer::on(super::BACKEND, config(Arc::default(), 10)).await;
    server.add_user("alice", "secret").await;
    let _a = server.login("alice", "secret").await;
    let b = server.login("alice", "secret").await;
    let mut c = server.connect().await;
    let r = c.command("LOGIN alice secret").await;
    assert!(r.tagged.starts_with("NO [UNAVAILABLE]"), "{}", r.tagged);
    drop(b);
    tokio::time::sleep(Duration::from_millis(200)).await;
    c.ok("LOGIN alice secret").await;
}

#[tokio::test]
async fn failures_slow_down_and_are_audited_without_secrets() {
    let audit = Arc::new(MemorySink::default());
    let server = TestServer::on(super::BACKEND, config(audit.clone(), 100)).await;
    server.add_user("alice", "s3cret-Password").await;
    let mut tc = server.connect().await;
    let mut times = Vec::new();
    let mut answers = Vec::new();
    for user in ["alice", "ghost", "alice", "ghost"] {
        let start = Instant::now();
        let r = tc.command(&format!("LOGIN {user} wrong-Guess-1")).await;
        times.push(start.elapsed());
        answers.push(r.tagged);
    }
    // Unknown user and wrong password: the same answer.
    assert!(
        answers
            .iter()
            .all(|a| a == "NO [AUTHENTICATIONFAILED] Authentication failed"),
        "{answers:?}"
    );
    assert!(times[3] > times[0], "{times:?}");
    assert!(times[3] >= Duration::from_millis(800), "{times:?}");
    tc.send("x1 ID (\"name\" \"unit\" \"version\" \"9\")").await;
    tc.finish("x1", "ID").await;
    tc.ok("LOGIN alice s3cret-Password").await;

    let events = audit.events();
    let failures: Vec<_> = events
        .iter()
        .filter(|e| e.event == "login.failure")
        .collect();
    assert_eq!(failures.len(), 4);
    assert_eq!(failures[0].reason.as_deref(), Some("wrong password"));
    assert_eq!(failures[1].reason.as_deref(), Some("unknown user"));
    assert_eq!(failures[3].delay_ms, Some(800));
    let ok = events.iter().find(|e| e.event == "login.success").unwrap();
    assert_eq!(ok.account.as_deref(), Some("alice"));
    assert_eq!(ok.mechanism.as_deref(), Some("IMAP-LOGIN"));
    assert_eq!(ok.client_id.as_deref(), Some("unit/9"));
    assert_eq!(ok.client_ip.as_deref(), Some("127.0.0.1"));
    let json: String = events.iter().map(|e| e.to_json()).collect();
    assert!(
        !json.contains("s3cret") && !json.contains("wrong-Guess"),
        "{json}"
    );
}
