//! PARTIAL FETCH modifier (RFC 9394 §3.3, §3.4): `UID FETCH set items (PARTIAL x:y)`.
use super::common_selected;

use common_selected::*;

/// Ten messages, UIDs 1..=10; UIDs 3 and 4 expunged, so 8 remain.
async fn eight() -> loft_testkit::TestServer {
    let srv = server().await;
    for i in 1..=10u32 {
        let flags = if i == 3 || i == 4 { "\\Deleted" } else { "" };
        srv.append_with(
            USER,
            "INBOX",
            format!("Subject: m{i}\r\n\r\nx\r\n"),
            loft_testkit::server::parse_flags(flags),
            None,
        )
        .await;
    }
    srv
}

#[tokio::test]
async fn partial_fetch_ranges() {
    let srv = eight().await;
    let mut tc = selected(&srv).await;
    tc.ok("EXPUNGE").await;
    // The last three of the set, in UID order (RFC 9394 §3.3 first example).
    assert_eq!(
        tc.ok("UID FETCH 2:* (UID) (PARTIAL -1:-3)").await,
        vec![
            "* 6 FETCH (UID 8)",
            "* 7 FETCH (UID 9)",
            "* 8 FETCH (UID 10)"
        ]
    );
    // The first five: positions count messages that exist, not UIDs.
    assert_eq!(
        tc.ok("UID FETCH 1:* (UID) (PARTIAL 1:5)").await,
        vec![
            "* 1 FETCH (UID 1)",
            "* 2 FETCH (UID 2)",
            "* 3 FETCH (UID 5)",
            "* 4 FETCH (UID 6)",
            "* 5 FETCH (UID 7)"
        ]
    );
    // Reversed bounds mean the same; past the end gives what exists, or nothing.
    assert_eq!(
        tc.ok("UID FETCH 1:* (UID) (PARTIAL 8:7)").await,
        vec!["* 7 FETCH (UID 9)", "* 8 FETCH (UID 10)"]
    );
    assert!(
        tc.ok("UID FETCH 1:* (UID) (PARTIAL 9:500)")
            .await
            .is_empty()
    );
    assert!(
        tc.ok("UID FETCH 1:* (UID) (PARTIAL -9:-500)")
            .await
            .is_empty()
    );
    // Only UID FETCH takes PARTIAL; zero is not a position.
    tc.bad("FETCH 1:* (UID) (PARTIAL 1:2)").await;
    tc.bad("UID FETCH 1:* (UID) (PARTIAL 0:2)").await;
    tc.bad("UID FETCH 1:* (UID) (PARTIAL 1:-2)").await;
}

#[tokio::test]
async fn partial_fetch_with_changedsince() {
    let srv = eight().await;
    let mut tc = selected(&srv).await;
    tc.ok("EXPUNGE").await;
    let hi = tc.ok("STATUS INBOX (HIGHESTMODSEQ)").await;
    let hi: u64 = one(&hi, "* STATUS")
        .rsplit(' ')
        .next()
        .unwrap()
        .trim_end_matches(')')
        .parse()
        .unwrap();
    tc.ok("UID STORE 1,9 +FLAGS.SILENT (\\Seen)").await;
    // RFC 9394 §3.4: the range is taken first, then CHANGEDSINCE filters it; the order of
    // the modifiers does not matter.
    for cmd in [
        format!("UID FETCH 1:* (FLAGS) (PARTIAL -1:-3 CHANGEDSINCE {hi})"),
        format!("UID FETCH 1:* (FLAGS) (CHANGEDSINCE {hi} PARTIAL -1:-3)"),
    ] {
        let r = tc.ok(&cmd).await;
        assert_eq!(r.len(), 1, "{r:?}");
        assert!(r[0].starts_with("* 7 FETCH (UID 9 MODSEQ ("), "{r:?}");
    }
}

#[tokio::test]
async fn partial_fetch_empty_mailbox() {
    let srv = server().await;
    let mut tc = selected(&srv).await;
    assert!(
        tc.ok("UID FETCH 1:* (FLAGS) (PARTIAL 1:100)")
            .await
            .is_empty()
    );
    assert!(
        tc.ok("UID FETCH 1:* (FLAGS) (PARTIAL -1:-100)")
            .await
            .is_empty()
    );
}
