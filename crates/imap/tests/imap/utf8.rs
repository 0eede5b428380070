//! UTF8=ACCEPT (RFC 6855): ENABLE, UTF-8 mailbox names, the UTF8 APPEND data extension.

use loft_testkit::TestServer;

const UTF8_MSG: &str = "Subject: Grüße\r\nFrom: jöran@example.org\r\n\r\nHallo\r\n";

#[tokio::test]
async fn utf8_accept_rules() {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "pw").await;
    let mut tc = server.login("alice", "pw").await;
    let caps = tc.ok("CAPABILITY").await;
    assert!(caps[0].contains(" UTF8=ACCEPT"), "{caps:?}");
    let n = UTF8_MSG.len();
    // RFC 6855 §4: without ENABLE, UTF8 append data is refused, and 8-bit header fields
    // in a plain literal are NO.
    tc.bad(&format!("APPEND INBOX UTF8 (~{{{n}+}}\r\n{UTF8_MSG})"))
        .await;
    tc.no(&format!("APPEND INBOX {{{n}+}}\r\n{UTF8_MSG}")).await;
    let r = tc.ok("ENABLE UTF8=ACCEPT").await;
    assert_eq!(r, vec!["* ENABLED UTF8=ACCEPT".to_string()]);
    let r = tc
        .command(&format!("APPEND INBOX UTF8 (~{{{n}+}}\r\n{UTF8_MSG})"))
        .await;
    assert!(r.tagged.starts_with("OK [APPENDUID "), "{}", r.tagged);
    // After ENABLE, quoted UTF-8 mailbox names (RFC 6855 §3).
    tc.ok("CREATE \"Entwürfe\"").await;
    let l = tc.ok("LIST \"\" \"Entw*\"").await;
    assert_eq!(
        l,
        vec!["* LIST (\\HasNoChildren) \"/\" \"Entwürfe\"".to_string()]
    );
    tc.ok("SELECT INBOX").await;
    let f = tc.ok("FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])").await;
    assert!(f[0].contains("Grüße"), "{f:?}");
}
