//! REPLACE and UID REPLACE (RFC 8508).

use loft_testkit::TestServer;

fn lit(s: &str) -> String {
    format!("{{{}+}}\r\n{s}", s.len())
}

#[tokio::test]
async fn replace_in_same_and_other_mailbox() {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "pw").await;
    for i in 1..=4 {
        server
            .append(
                "alice",
                "Drafts",
                format!("Subject: draft {i}\r\n\r\nx\r\n"),
            )
            .await;
    }
    let mut tc = server.login("alice", "pw").await;
    tc.bad(&format!(
        "REPLACE 1 Drafts {}",
        lit("Subject: new\r\n\r\ny\r\n")
    ))
    .await;
    tc.ok("SELECT Drafts").await;
    let r = tc
        .command(&format!(
            "REPLACE 4 Drafts (\\Seen \\Draft) {}",
            lit("Subject: happy new year\r\n\r\nz\r\n")
        ))
        .await;
    assert_eq!(r.tagged, "OK REPLACE completed");
    assert_eq!(
        r.untagged[0],
        "* OK [APPENDUID 1 5] Replacement Message ready"
            .replace(" 1 ", &format!(" {} ", uidvalidity(&mut tc).await))
    );
    assert!(
        r.untagged.contains(&"* 4 EXPUNGE".to_string()),
        "{:?}",
        r.untagged
    );
    assert!(
        r.untagged.iter().any(|l| l.ends_with(" EXISTS")),
        "{:?}",
        r.untagged
    );
    // RFC 8508 §3.4: no STORE responses for the \Deleted step.
    assert!(
        !r.untagged.iter().any(|l| l.contains("FETCH")),
        "{:?}",
        r.untagged
    );
    let f = tc
        .ok("UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        .await;
    assert_eq!(f.len(), 4, "{f:?}");
    assert!(
        f[3].contains("UID 5") && f[3].contains("\\Seen") && f[3].contains("happy new year"),
        "{f:?}"
    );
    // UID REPLACE into another mailbox.
    let r = tc
        .command(&format!(
            "UID REPLACE 5 Sent {}",
            lit("Subject: sent\r\n\r\ns\r\n")
        ))
        .await;
    assert_eq!(r.tagged, "OK UID REPLACE completed");
    assert!(
        r.untagged.contains(&"* 4 EXPUNGE".to_string()),
        "{:?}",
        r.untagged
    );
    let st = tc.ok("STATUS Sent (MESSAGES)").await;
    assert_eq!(st, vec!["* STATUS \"Sent\" (MESSAGES 1)".to_string()]);
    // Errors leave the mailbox alone: a missing UID, a missing target.
    tc.no(&format!(
        "UID REPLACE 99 Drafts {}",
        lit("Subject: a\r\n\r\n")
    ))
    .await;
    let r = tc
        .command(&format!("REPLACE 1 Nowhere {}", lit("Subject: a\r\n\r\n")))
        .await;
    assert!(r.tagged.starts_with("NO [TRYCREATE]"), "{}", r.tagged);
    let st = tc.ok("STATUS Drafts (MESSAGES)").await;
    assert_eq!(st, vec!["* STATUS \"Drafts\" (MESSAGES 3)".to_string()]);
    // Read-only: EXAMINE then REPLACE is NO.
    tc.ok("EXAMINE Drafts").await;
    tc.no(&format!("REPLACE 1 Drafts {}", lit("Subject: a\r\n\r\n")))
        .await;
}

async fn uidvalidity(tc: &mut loft_testkit::TestConn) -> String {
    let st = tc.ok("STATUS Drafts (UIDVALIDITY)").await;
    st[0]
        .trim_end_matches("))")
        .rsplit(' ')
        .next()
        .unwrap_or_default()
        .trim_end_matches(')')
        .to_string()
}
