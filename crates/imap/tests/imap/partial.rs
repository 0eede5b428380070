//! PARTIAL (RFC 9394 §3.1, §3.2): SEARCH RETURN (PARTIAL ...) ranges of the result.
use super::common_selected;

use common_selected::*;

/// Ten messages, UIDs 1..=10; even ones \Seen.
async fn ten() -> loft_testkit::TestServer {
    let srv = server().await;
    for i in 1..=10u32 {
        let flags = if i % 2 == 0 { "\\Seen" } else { "" };
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
async fn partial_ranges() {
    let srv = ten().await;
    let mut tc = selected(&srv).await;
    // First and last results, counted from the end with `-` (RFC 9394 §3.1).
    assert_eq!(
        tc.ok("UID SEARCH RETURN (PARTIAL 1:3) ALL").await,
        vec!["* ESEARCH (TAG \"t3\") UID PARTIAL (1:3 1:3)"]
    );
    assert_eq!(
        tc.ok("UID SEARCH RETURN (PARTIAL -1:-3) ALL").await,
        vec!["* ESEARCH (TAG \"t4\") UID PARTIAL (-1:-3 8:10)"]
    );
    // A range reaching past the end returns what is there; wholly past the end is NIL.
    assert_eq!(
        tc.ok("SEARCH RETURN (PARTIAL 4:100) SEEN").await,
        vec!["* ESEARCH (TAG \"t5\") PARTIAL (4:100 8,10)"]
    );
    assert_eq!(
        tc.ok("SEARCH RETURN (PARTIAL 6:9) SEEN").await,
        vec!["* ESEARCH (TAG \"t6\") PARTIAL (6:9 NIL)"]
    );
    assert_eq!(
        tc.ok("SEARCH RETURN (PARTIAL -9:-20) SEEN").await,
        vec!["* ESEARCH (TAG \"t7\") PARTIAL (-9:-20 NIL)"]
    );
    // Reversed bounds mean the same range.
    assert_eq!(
        tc.ok("SEARCH RETURN (PARTIAL 3:2) UNSEEN").await,
        vec!["* ESEARCH (TAG \"t8\") PARTIAL (2:3 3,5)"]
    );
    // With MIN/MAX/COUNT.
    assert_eq!(
        tc.ok("SEARCH RETURN (MIN MAX COUNT PARTIAL 1:2) UNSEEN")
            .await,
        vec!["* ESEARCH (TAG \"t9\") MIN 1 MAX 9 PARTIAL (1:2 1,3) COUNT 5"]
    );
    // Nothing matched: PARTIAL still answers, with NIL.
    assert_eq!(
        tc.ok("SEARCH RETURN (PARTIAL 1:5) DELETED").await,
        vec!["* ESEARCH (TAG \"t10\") PARTIAL (1:5 NIL)"]
    );
    // RFC 9394 §3.1: not both PARTIAL and ALL.
    tc.bad("SEARCH RETURN (ALL PARTIAL 1:5) ALL").await;
    tc.bad("SEARCH RETURN (PARTIAL 0:5) ALL").await;
    tc.bad("SEARCH RETURN (PARTIAL 1:-5) ALL").await;
}

#[tokio::test]
async fn partial_with_save() {
    // RFC 9394 §3.2 Table 1.
    let srv = ten().await;
    let mut tc = selected(&srv).await;
    tc.ok("UID SEARCH RETURN (SAVE PARTIAL -1:-2) ALL").await;
    assert_eq!(tc.ok("UID SEARCH UID $").await, vec!["* SEARCH 9 10"]);
    tc.ok("UID SEARCH RETURN (SAVE MIN PARTIAL 4:5) ALL").await;
    assert_eq!(tc.ok("UID SEARCH UID $").await, vec!["* SEARCH 1 4 5"]);
    tc.ok("UID SEARCH RETURN (SAVE COUNT PARTIAL 4:5) SEEN")
        .await;
    assert_eq!(tc.ok("UID SEARCH UID $").await, vec!["* SEARCH 2 4 6 8 10"]);
}
