//! STORE and UID STORE: RFC 9051 §6.4.6, §6.4.9.
use super::common_selected;

use common_selected::*;

#[tokio::test]
async fn add_remove_replace() {
    let srv = server_with_messages().await;
    let mut tc = selected_rev2(&srv).await;
    let u = tc.ok("STORE 1 +FLAGS (\\Answered)").await;
    assert_eq!(u, vec!["* 1 FETCH (FLAGS (\\Answered))"]);
    let u = tc.ok("STORE 1:2 -FLAGS (\\Seen)").await;
    assert_eq!(
        u,
        vec!["* 1 FETCH (FLAGS (\\Answered))", "* 2 FETCH (FLAGS ())"]
    );
    let u = tc.ok("STORE 3 FLAGS (\\Draft)").await;
    assert_eq!(u, vec!["* 3 FETCH (FLAGS (\\Draft))"]);
    let u = tc.ok("STORE 1 +FLAGS.SILENT (\\Flagged)").await;
    assert!(u.is_empty(), "{u:?}");
    let u = tc.ok("FETCH 1 FLAGS").await;
    assert_eq!(u, vec!["* 1 FETCH (FLAGS (\\Answered \\Flagged))"]);
}

#[tokio::test]
async fn uid_store_includes_uid() {
    let srv = server_with_messages().await;
    let mut tc = selected_rev2(&srv).await;
    let u = tc.ok("UID STORE 2:3 +FLAGS (\\Deleted)").await;
    assert_eq!(
        u,
        vec![
            "* 2 FETCH (UID 2 FLAGS (\\Seen \\Deleted))",
            "* 3 FETCH (UID 3 FLAGS (\\Flagged \\Deleted $Work))"
        ]
    );
}

#[tokio::test]
async fn new_keyword_announces_flags() {
    let srv = server_with_messages().await;
    let mut tc = selected(&srv).await;
    let u = tc.ok("STORE 1 +FLAGS ($Important)").await;
    assert!(
        u.iter()
            .any(|r| r.starts_with("* FLAGS (") && r.contains("$Important")),
        "{u:?}"
    );
    assert!(
        u.iter()
            .any(|r| r.starts_with("* OK [PERMANENTFLAGS (") && r.contains("$Important")),
        "{u:?}"
    );
    assert!(
        u.iter()
            .any(|r| r == "* 1 FETCH (FLAGS ($Important \\Recent))"),
        "{u:?}"
    );
    // Known now: the next STORE does not repeat FLAGS.
    let u = tc.ok("STORE 2 +FLAGS ($important)").await;
    assert_eq!(u.len(), 1, "{u:?}");
}

#[tokio::test]
async fn refusals() {
    let srv = server_with_messages().await;
    let mut tc = selected(&srv).await;
    // Read unchecked: the decoder's BAD text for this is not (yet) plain ASCII, which the
    // imap-codec oracle refuses; only the status matters here.
    tc.send("r1 STORE 1 +FLAGS (\\Recent)").await;
    let raw = tc.next_raw().await.unwrap();
    assert!(
        raw.starts_with(b"r1 BAD "),
        "{}",
        String::from_utf8_lossy(&raw)
    );
    tc.bad("STORE 9 +FLAGS (\\Seen)").await;
    // UIDs that do not exist are fine.
    let u = tc.ok("UID STORE 50:60 +FLAGS (\\Seen)").await;
    assert!(u.is_empty());
}
