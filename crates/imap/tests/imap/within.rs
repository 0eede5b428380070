//! WITHIN: SEARCH OLDER / YOUNGER (RFC 5032).
use super::common_selected;

use common_selected::*;
use loft_testkit::server::parse_flags;

/// INBOX with internal dates 10 days ago, 2 hours ago and (about) now.
async fn within_server() -> loft_testkit::TestServer {
    let srv = server().await;
    let now = chrono::Utc::now().fixed_offset();
    for (age_secs, flags) in [(10 * 86400, ""), (2 * 3600, "\\Seen"), (0, "")] {
        let date = now - chrono::Duration::seconds(age_secs);
        srv.append_with(
            USER,
            "INBOX",
            "Subject: x\r\n\r\nx\r\n",
            parse_flags(flags),
            Some(date),
        )
        .await;
    }
    srv
}

#[tokio::test]
async fn older_and_younger() {
    let srv = within_server().await;
    let mut tc = selected(&srv).await;
    // RFC 5032 §4 example: unseen within the past 3 days.
    assert_eq!(
        tc.ok("SEARCH UNSEEN YOUNGER 259200").await,
        vec!["* SEARCH 3"]
    );
    assert_eq!(tc.ok("SEARCH YOUNGER 259200").await, vec!["* SEARCH 2 3"]);
    assert_eq!(tc.ok("SEARCH OLDER 3600").await, vec!["* SEARCH 1 2"]);
    assert_eq!(tc.ok("SEARCH OLDER 259200").await, vec!["* SEARCH 1"]);
    assert_eq!(tc.ok("UID SEARCH NOT OLDER 3600").await, vec!["* SEARCH 3"]);
    assert_eq!(tc.ok("SEARCH OR OLDER 864000 YOUNGER 60").await.len(), 1);
    assert_eq!(tc.ok("SEARCH YOUNGER 1 OLDER 1").await.len(), 1);
    // RFC 5032 §3: nz-number.
    tc.bad("SEARCH OLDER 0").await;
    tc.bad("SEARCH YOUNGER -5").await;
    tc.bad("SEARCH YOUNGER").await;
    let caps = tc.ok("CAPABILITY").await;
    assert!(caps[0].contains(" WITHIN"), "{caps:?}");
}

#[tokio::test]
async fn within_in_sort_and_empty_mailbox() {
    let srv = within_server().await;
    let mut tc = selected(&srv).await;
    assert_eq!(
        tc.ok("SORT (REVERSE ARRIVAL) UTF-8 YOUNGER 86400").await,
        vec!["* SORT 3 2"]
    );
    let srv = server().await;
    let mut tc = selected(&srv).await;
    assert_eq!(tc.ok("SEARCH YOUNGER 100").await, vec!["* SEARCH"]);
}
