//! PREVIEW (RFC 8970): FETCH PREVIEW and PREVIEW (LAZY).

use loft_testkit::TestServer;

#[tokio::test]
async fn fetch_preview() {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "pw").await;
    server
        .append(
            "alice",
            "INBOX",
            "Subject: x\r\n\r\nPreview   text!\r\n\r\n> quoted\r\n",
        )
        .await;
    server
        .append(
            "alice",
            "INBOX",
            "Subject: y\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n",
        )
        .await;
    let long = format!("Subject: z\r\n\r\n{}\r\n", "word ".repeat(200));
    server.append("alice", "INBOX", long).await;
    let mut tc = server.login("alice", "pw").await;
    tc.ok("SELECT INBOX").await;
    let f = tc.ok("FETCH 1 (PREVIEW)").await;
    assert_eq!(f, vec!["* 1 FETCH (PREVIEW \"Preview text!\")".to_string()]);
    // RFC 8970 §3.2: no readable text is an empty string, never NIL without LAZY.
    let f = tc.ok("FETCH 2 (PREVIEW (LAZY))").await;
    assert_eq!(f, vec!["* 2 FETCH (PREVIEW \"\")".to_string()]);
    let f = tc.ok("UID FETCH 3 (PREVIEW FLAGS)").await;
    let text = f[0].split('"').nth(1).expect("quoted preview");
    assert!(
        text.chars().count() <= 200 && text.starts_with("word word"),
        "{f:?}"
    );
    // The modifier list is not confused with FETCH modifiers.
    tc.ok("FETCH 1 PREVIEW (CHANGEDSINCE 1)").await;
    tc.bad("FETCH 1 (PREVIEW (EAGER))").await;
}
