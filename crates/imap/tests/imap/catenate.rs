//! CATENATE (RFC 4469): TEXT and URL parts, this account's messages only.

use loft_testkit::TestServer;

#[tokio::test]
async fn catenate_text_and_urls() {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "pw").await;
    server.add_user("bob", "pw").await;
    let source = "Subject: original\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nfirst part\r\n--b\r\nContent-Type: text/plain\r\n\r\nsecond part\r\n--b--\r\n";
    server.append("alice", "Drafts", source).await;
    server
        .append("bob", "INBOX", "Subject: bob's\r\n\r\nsecret\r\n")
        .await;
    let mut tc = server.login("alice", "pw").await;
    let head = "Subject: forward\r\n\r\n";
    let uv = tc.ok("STATUS Drafts (UIDVALIDITY)").await[0].clone();
    let uv: String = uv.chars().filter(|c| c.is_ascii_digit()).collect();
    let cmd = format!(
        "APPEND INBOX CATENATE (TEXT {{{}+}}\r\n{head} URL \"/Drafts;UIDVALIDITY={uv}/;UID=1/;SECTION=2\" TEXT {{2+}}\r\n\r\n URL \"imap://alice@localhost/Drafts/;UID=1/;SECTION=1/;PARTIAL=0.5\")",
        head.len()
    );
    let r = tc.command(&cmd).await;
    assert!(r.tagged.starts_with("OK [APPENDUID "), "{}", r.tagged);
    tc.ok("SELECT INBOX").await;
    let f = tc.ok("FETCH 1 BODY.PEEK[]").await;
    assert!(
        f[0].ends_with("{38}\r\nSubject: forward\r\n\r\nsecond part\r\nfirst)"),
        "{f:?}"
    );
    // Relative URL against the selected mailbox.
    let r = tc.command("APPEND Drafts CATENATE (URL \";UID=1\")").await;
    assert_eq!(r.status(), "OK", "{}", r.tagged);
    // Bad URLs: wrong UIDVALIDITY, missing message, another user's mailbox.
    for url in [
        "/Drafts;UIDVALIDITY=1/;UID=1",
        "/Drafts/;UID=9",
        "imap://bob@localhost/INBOX/;UID=1",
        "http://x/",
    ] {
        let r = tc
            .command(&format!("APPEND INBOX CATENATE (URL \"{url}\")"))
            .await;
        assert!(
            r.tagged.starts_with(&format!("NO [BADURL {url}]")),
            "{url}: {}",
            r.tagged
        );
    }
    let st = tc.ok("STATUS INBOX (MESSAGES)").await;
    assert_eq!(st, vec!["* STATUS \"INBOX\" (MESSAGES 1)".to_string()]);
}
