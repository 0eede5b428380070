//! APPEND (RFC 9051 §6.3.12), MULTIAPPEND (RFC 3502), APPENDUID (RFC 4315).

use loft_testkit::{TestConn, TestServer};

async fn setup() -> (TestServer, TestConn) {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "pw").await;
    let tc = server.login("alice", "pw").await;
    (server, tc)
}

const MSG: &str = "From: a@example.com\r\nSubject: hello\r\n\r\nbody\r\n";

fn lit(s: &str) -> String {
    format!("{{{}+}}\r\n{s}", s.len())
}

#[tokio::test]
async fn append_with_flags_and_date() {
    let (_s, mut tc) = setup().await;
    let r = tc
        .command(&format!(
            "APPEND INBOX (\\Seen $Label) \"17-Jul-1996 02:44:25 -0700\" {}",
            lit(MSG)
        ))
        .await;
    assert_eq!(r.status(), "OK", "{}", r.tagged);
    assert!(r.tagged.starts_with("OK [APPENDUID "), "{}", r.tagged);
    assert!(r.tagged.contains(" 1] "), "{}", r.tagged);
    tc.ok("SELECT INBOX").await;
    let f = tc.ok("FETCH 1 (FLAGS INTERNALDATE)").await;
    assert!(f[0].contains("\\Seen") && f[0].contains("$Label"), "{f:?}");
    assert!(f[0].contains("17-Jul-1996 02:44:25 -0700"), "{f:?}");
}

#[tokio::test]
async fn multiappend_and_trycreate() {
    let (_s, mut tc) = setup().await;
    let r = tc
        .command(&format!(
            "APPEND INBOX {} (\\Flagged) {}",
            lit(MSG),
            lit(MSG)
        ))
        .await;
    assert!(
        r.tagged.starts_with("OK [APPENDUID ") && r.tagged.contains(" 1:2]"),
        "{}",
        r.tagged
    );
    let r = tc.command(&format!("APPEND Nowhere {}", lit(MSG))).await;
    assert!(r.tagged.starts_with("NO [TRYCREATE]"), "{}", r.tagged);
    // All or nothing: an empty second message refuses the whole command.
    let r = tc
        .command(&format!("APPEND INBOX {} {{0+}}\r\n", lit(MSG)))
        .await;
    assert_eq!(r.status(), "NO", "{}", r.tagged);
    let st = tc.ok("STATUS INBOX (MESSAGES)").await;
    assert_eq!(st, vec!["* STATUS \"INBOX\" (MESSAGES 2)".to_string()]);
}

#[tokio::test]
async fn append_to_selected_mailbox_announces_exists() {
    let (_s, mut tc) = setup().await;
    tc.ok("SELECT INBOX").await;
    let r = tc.command(&format!("APPEND INBOX {}", lit(MSG))).await;
    assert_eq!(r.status(), "OK", "{}", r.tagged);
    assert!(
        r.untagged.iter().any(|l| l == "* 1 EXISTS"),
        "{:?}",
        r.untagged
    );
}
