//! EXPUNGE and UID EXPUNGE: RFC 9051 §6.4.3, §6.4.9; RFC 4315 §2.1.
use super::common_selected;

use common_selected::*;

#[tokio::test]
async fn expunge_renumbers() {
    let srv = server_with_messages().await;
    let mut tc = selected(&srv).await;
    let u = tc.ok("EXPUNGE").await;
    assert!(u.is_empty(), "nothing \\Deleted: {u:?}");
    tc.ok("STORE 1:2 +FLAGS.SILENT (\\Deleted)").await;
    let u = tc.ok("EXPUNGE").await;
    // Each EXPUNGE is valid when read: 2 then 1 (RFC 9051 §7.5.1).
    assert_eq!(u, vec!["* 2 EXPUNGE", "* 1 EXPUNGE"]);
    let u = tc.ok("FETCH 1 UID").await;
    assert_eq!(u, vec!["* 1 FETCH (UID 3)"]);
}

#[tokio::test]
async fn uid_expunge_only_named() {
    let srv = server_with_messages().await;
    let mut tc = selected(&srv).await;
    tc.ok("STORE 1:3 +FLAGS.SILENT (\\Deleted)").await;
    let u = tc.ok("UID EXPUNGE 2").await;
    assert_eq!(u, vec!["* 2 EXPUNGE"]);
    let u = tc.ok("UID EXPUNGE 10:20").await;
    assert!(u.is_empty());
    let u = tc.ok("FETCH 1:* UID").await;
    assert_eq!(u, vec!["* 1 FETCH (UID 1)", "* 2 FETCH (UID 3)"]);
}
