//! LIST (RFC 9051 §6.3.9, RFC 5258, RFC 6154, RFC 5819) and LSUB (RFC 3501 §6.3.9).

use loft_testkit::{TestConn, TestServer};

async fn setup() -> (TestServer, TestConn) {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "pw").await;
    let tc = server.login("alice", "pw").await;
    (server, tc)
}

fn names(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| l.starts_with("* LIST") || l.starts_with("* LSUB"))
        .cloned()
        .collect()
}

#[tokio::test]
async fn delimiter_request() {
    let (_s, mut tc) = setup().await;
    let r = tc.ok("LIST \"\" \"\"").await;
    assert_eq!(r, vec!["* LIST (\\Noselect) \"/\" \"\"".to_string()]);
}

#[tokio::test]
async fn default_mailboxes_with_special_use() {
    let (_s, mut tc) = setup().await;
    let r = tc.ok("LIST \"\" *").await;
    assert_eq!(r[0], "* LIST (\\HasNoChildren) \"/\" \"INBOX\"");
    assert!(
        r.contains(&"* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"".to_string()),
        "{r:?}"
    );
    assert!(
        r.contains(&"* LIST (\\HasNoChildren \\Trash) \"/\" \"Trash\"".to_string()),
        "{r:?}"
    );
    assert_eq!(r.len(), 6, "{r:?}");
    // SPECIAL-USE selection: INBOX is not special.
    let r = tc.ok("LIST (SPECIAL-USE) \"\" *").await;
    assert_eq!(r.len(), 5, "{r:?}");
    assert!(r.iter().all(|l| !l.contains("INBOX")));
}

#[tokio::test]
async fn wildcards_and_implied_parents() {
    let (_s, mut tc) = setup().await;
    tc.ok("CREATE a/b/c").await;
    let r = tc.ok("LIST \"\" %").await;
    assert!(
        r.contains(&"* LIST (\\HasChildren) \"/\" \"a\"".to_string()),
        "{r:?}"
    );
    let r = tc.ok("LIST \"a/\" %").await;
    assert_eq!(r, vec!["* LIST (\\HasChildren) \"/\" \"a/b\"".to_string()]);
    let r = tc.ok("LIST \"\" a/*").await;
    assert_eq!(names(&r).len(), 2, "{r:?}");
    let r = tc.ok("LIST \"\" inbox").await;
    assert_eq!(
        r,
        vec!["* LIST (\\HasNoChildren) \"/\" \"INBOX\"".to_string()]
    );
    let r = tc.ok("LIST \"\" nothing*").await;
    assert!(r.is_empty());
}

#[tokio::test]
async fn noselect_for_parents_that_do_not_exist() {
    let (server, mut tc) = setup().await;
    let account = server.account_id("alice").await;
    server
        .store()
        .create_mailbox(account, "x/y", None)
        .await
        .unwrap();
    // Whether the store created "x" as a parent decides the answer; both are valid.
    let has_x = server
        .store()
        .mailbox(account, "x")
        .await
        .unwrap()
        .is_some();
    let r = tc.ok("LIST \"\" %").await;
    let x: Vec<&String> = r.iter().filter(|l| l.ends_with("\"x\"")).collect();
    assert_eq!(x.len(), 1, "{r:?}");
    if has_x {
        assert_eq!(x[0], "* LIST (\\HasChildren) \"/\" \"x\"");
    } else {
        assert_eq!(x[0], "* LIST (\\Noselect \\HasChildren) \"/\" \"x\"");
    }
}

#[tokio::test]
async fn subscribed_selection_and_recursivematch() {
    let (_s, mut tc) = setup().await;
    tc.ok("CREATE Foo/Bar").await;
    tc.ok("CREATE Baz").await;
    tc.ok("SUBSCRIBE Foo/Bar").await;
    tc.ok("SUBSCRIBE Baz").await;
    tc.ok("SUBSCRIBE Gone").await;
    let r = tc.ok("LIST (SUBSCRIBED) \"\" *").await;
    assert!(
        r.contains(&"* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Foo/Bar\"".to_string()),
        "{r:?}"
    );
    assert!(
        r.contains(
            &"* LIST (\\NonExistent \\HasNoChildren \\Subscribed) \"/\" \"Gone\"".to_string()
        ),
        "{r:?}"
    );
    assert!(!r.iter().any(|l| l.ends_with("\"Foo\"")), "{r:?}");
    let r = tc.ok("LIST (SUBSCRIBED RECURSIVEMATCH) \"\" %").await;
    assert!(
        r.contains(
            &"* LIST (\\HasChildren) \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))".to_string()
        ),
        "{r:?}"
    );
    assert!(
        r.contains(&"* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Baz\"".to_string()),
        "{r:?}"
    );
    tc.bad("LIST (RECURSIVEMATCH) \"\" %").await;
    // RETURN (SUBSCRIBED) on a plain listing.
    let r = tc.ok("LIST \"\" Baz RETURN (SUBSCRIBED CHILDREN)").await;
    assert_eq!(
        r,
        vec!["* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Baz\"".to_string()]
    );
}

#[tokio::test]
async fn multiple_patterns_and_return_status() {
    let (server, mut tc) = setup().await;
    server
        .append("alice", "INBOX", "Subject: a\r\n\r\nx\r\n")
        .await;
    let r = tc
        .ok("LIST \"\" (INBOX Sent INBOX) RETURN (STATUS (MESSAGES UIDNEXT))")
        .await;
    assert_eq!(
        r,
        vec![
            "* LIST (\\HasNoChildren) \"/\" \"INBOX\"".to_string(),
            "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"".to_string(),
            "* STATUS \"INBOX\" (MESSAGES 1 UIDNEXT 2)".to_string(),
            "* STATUS \"Sent\" (MESSAGES 0 UIDNEXT 1)".to_string(),
        ]
    );
}

#[tokio::test]
async fn utf7_names_for_rev1_and_utf8_for_rev2() {
    let (_s, mut tc) = setup().await;
    tc.ok("CREATE \"Entw&APw-rfe\"").await;
    let r = tc.ok("LIST \"\" Entw*").await;
    assert_eq!(
        r,
        vec!["* LIST (\\HasNoChildren) \"/\" \"Entw&APw-rfe\"".to_string()]
    );
    tc.no("CREATE \"bad&Jjo\"").await;
    tc.ok("ENABLE IMAP4rev2").await;
    let r = tc.ok("LIST \"\" Entw*").await;
    assert_eq!(
        r,
        vec!["* LIST (\\HasNoChildren) \"/\" \"Entwürfe\"".to_string()]
    );
}

#[tokio::test]
async fn lsub_percent_rule() {
    let (_s, mut tc) = setup().await;
    tc.ok("CREATE foo/bar").await;
    tc.ok("SUBSCRIBE foo/bar").await;
    tc.ok("SUBSCRIBE INBOX").await;
    // The default mailboxes are subscribed at account creation; look at INBOX and foo.
    let r = tc.ok("LSUB \"\" %").await;
    let r: Vec<String> = r
        .into_iter()
        .filter(|l| l.contains("INBOX") || l.contains("foo"))
        .collect();
    assert_eq!(
        r,
        vec![
            "* LSUB () \"/\" \"INBOX\"".to_string(),
            "* LSUB (\\Noselect) \"/\" \"foo\"".to_string()
        ]
    );
    let r = tc.ok("LSUB \"\" *").await;
    let r: Vec<String> = r
        .into_iter()
        .filter(|l| l.contains("INBOX") || l.contains("foo"))
        .collect();
    assert_eq!(
        r,
        vec![
            "* LSUB () \"/\" \"INBOX\"".to_string(),
            "* LSUB () \"/\" \"foo/bar\"".to_string()
        ]
    );
    tc.ok("UNSUBSCRIBE foo/bar").await;
    let r = tc.ok("LSUB \"\" foo*").await;
    assert!(r.is_empty(), "{r:?}");
}
