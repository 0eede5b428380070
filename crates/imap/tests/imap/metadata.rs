//! METADATA (RFC 5464): server and mailbox entries, DEPTH, MAXSIZE/LONGENTRIES, limits.

use loft_testkit::TestServer;

#[tokio::test]
async fn metadata_get_set() {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "pw").await;
    let mut tc = server.login("alice", "pw").await;
    // RFC 5464 §4.3 examples.
    tc.ok("SETMETADATA INBOX (/private/comment \"My new comment\")")
        .await;
    tc.ok("SETMETADATA \"\" (/shared/comment \"Shared comment\")")
        .await;
    let r = tc.ok("GETMETADATA \"\" /shared/comment").await;
    assert_eq!(
        r,
        vec!["* METADATA \"\" (/shared/comment \"Shared comment\")".to_string()]
    );
    let r = tc.ok("GETMETADATA \"INBOX\" /private/comment").await;
    assert_eq!(
        r,
        vec!["* METADATA \"INBOX\" (/private/comment \"My new comment\")".to_string()]
    );
    // Missing entries are NIL; several at once.
    let r = tc
        .ok("GETMETADATA INBOX (/private/comment /shared/comment)")
        .await;
    assert_eq!(
        r,
        vec![
            "* METADATA \"INBOX\" (/private/comment \"My new comment\" /shared/comment NIL)"
                .to_string()
        ]
    );
    // DEPTH (§4.2.2).
    tc.ok("SETMETADATA INBOX (/private/vendor/x/a \"1\" /private/vendor/x/a/b \"2\")")
        .await;
    let r = tc.ok("GETMETADATA (DEPTH 1) INBOX /private/vendor/x").await;
    assert_eq!(
        r,
        vec!["* METADATA \"INBOX\" (/private/vendor/x/a \"1\")".to_string()]
    );
    let r = tc
        .ok("GETMETADATA (DEPTH infinity) INBOX /private/vendor/x")
        .await;
    assert_eq!(
        r,
        vec![
            "* METADATA \"INBOX\" (/private/vendor/x/a \"1\" /private/vendor/x/a/b \"2\")"
                .to_string()
        ]
    );
    // MAXSIZE (§4.2.1): longer values left out, LONGENTRIES names the longest.
    let r = tc
        .command("GETMETADATA (MAXSIZE 5) INBOX /private/comment")
        .await;
    assert_eq!(
        r.tagged,
        "OK [METADATA LONGENTRIES 14] GETMETADATA completed"
    );
    // NIL removes (§4.3); RENAME keeps, DELETE drops a mailbox's entries.
    tc.ok("SETMETADATA INBOX (/private/comment NIL)").await;
    let r = tc.ok("GETMETADATA INBOX /private/comment").await;
    assert_eq!(
        r,
        vec!["* METADATA \"INBOX\" (/private/comment NIL)".to_string()]
    );
    tc.ok("CREATE foo").await;
    tc.ok("SETMETADATA foo (/shared/comment {3+}\r\nabc)").await;
    tc.ok("RENAME foo bar").await;
    let r = tc.ok("GETMETADATA bar /shared/comment").await;
    assert_eq!(
        r,
        vec!["* METADATA \"bar\" (/shared/comment \"abc\")".to_string()]
    );
    tc.ok("DELETE bar").await;
    tc.ok("CREATE bar").await;
    let r = tc.ok("GETMETADATA bar /shared/comment").await;
    assert_eq!(
        r,
        vec!["* METADATA \"bar\" (/shared/comment NIL)".to_string()]
    );
    // Errors.
    tc.no("GETMETADATA nope /private/comment").await;
    tc.bad("GETMETADATA INBOX /comment").await;
    tc.bad("SETMETADATA INBOX (/private/a* \"x\")").await;
    tc.no("SETMETADATA \"\" (/shared/admin \"mailto:x@y\")")
        .await;
    let big = "x".repeat(64 * 1024 + 1);
    let r = tc
        .command(&format!(
            "SETMETADATA INBOX (/private/big {{{}+}}\r\n{big})",
            big.len()
        ))
        .await;
    assert_eq!(
        r.tagged,
        "NO [METADATA MAXSIZE 65536] Metadata value too large"
    );
    let many: Vec<String> = (0..101).map(|i| format!("/private/n{i} \"v\"")).collect();
    let r = tc
        .command(&format!("SETMETADATA \"\" ({})", many.join(" ")))
        .await;
    assert_eq!(r.tagged, "NO [METADATA TOOMANY] Too many metadata entries");
    // All or nothing: none of them was stored.
    let r = tc.ok("GETMETADATA \"\" /private/n0").await;
    assert_eq!(r, vec!["* METADATA \"\" (/private/n0 NIL)".to_string()]);
}
