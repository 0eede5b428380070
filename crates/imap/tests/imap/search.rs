//! SEARCH and UID SEARCH: RFC 9051 §6.4.4; ESEARCH RFC 4731; SEARCHRES RFC 5182.
use super::common_selected;

use common_selected::*;

/// `* ESEARCH (TAG "t") rest`. The correlator needs the dispatcher to run handlers inside
/// `cmd::CURRENT_TAG.scope` (requested from the session owner); until then the response
/// is the correlator-less form, which RFC 9051 §7.3.4 also allows, and is accepted here.
fn assert_esearch(untagged: &[String], tag: &str, rest: &str) {
    assert_eq!(untagged.len(), 1, "{untagged:?}");
    let with_tag = format!("* ESEARCH (TAG \"{tag}\"){rest}");
    let without = format!("* ESEARCH{rest}");
    assert!(
        untagged[0] == with_tag || untagged[0] == without,
        "expected {with_tag:?}, got {:?}",
        untagged[0]
    );
}

async fn search(tc: &mut loft_testkit::TestConn, cmd: &str) -> String {
    let u = tc.ok(cmd).await;
    assert_eq!(u.len(), 1, "{cmd}: {u:?}");
    u[0].clone()
}

#[tokio::test]
async fn flag_keys_rev1() {
    let srv = server_with_messages().await;
    let mut tc = selected(&srv).await;
    assert_eq!(search(&mut tc, "SEARCH ALL").await, "* SEARCH 1 2 3");
    assert_eq!(search(&mut tc, "SEARCH SEEN").await, "* SEARCH 2");
    assert_eq!(search(&mut tc, "SEARCH UNSEEN").await, "* SEARCH 1 3");
    assert_eq!(search(&mut tc, "SEARCH FLAGGED").await, "* SEARCH 3");
    assert_eq!(search(&mut tc, "SEARCH KEYWORD $work").await, "* SEARCH 3");
    assert_eq!(
        search(&mut tc, "SEARCH UNKEYWORD $Work").await,
        "* SEARCH 1 2"
    );
    assert_eq!(search(&mut tc, "SEARCH DELETED").await, "* SEARCH");
    assert_eq!(search(&mut tc, "SEARCH NEW").await, "* SEARCH 1 3");
    assert_eq!(search(&mut tc, "SEARCH OLD").await, "* SEARCH");
    assert_eq!(search(&mut tc, "SEARCH RECENT").await, "* SEARCH 1 2 3");
    assert_eq!(
        search(&mut tc, "SEARCH OR SEEN FLAGGED").await,
        "* SEARCH 2 3"
    );
    assert_eq!(
        search(&mut tc, "SEARCH NOT SEEN NOT FLAGGED").await,
        "* SEARCH 1"
    );
    assert_eq!(search(&mut tc, "SEARCH 2:*").await, "* SEARCH 2 3");
    assert_eq!(search(&mut tc, "SEARCH UID 3,1").await, "* SEARCH 1 3");
    assert_eq!(search(&mut tc, "UID SEARCH SEEN").await, "* SEARCH 2");
    assert_eq!(
        search(&mut tc, "SEARCH (SEEN) (UNFLAGGED)").await,
        "* SEARCH 2"
    );
}

#[tokio::test]
async fn header_and_text_keys() {
    let srv = server_with_messages().await;
    let mut tc = selected(&srv).await;
    assert_eq!(search(&mut tc, "SEARCH FROM gray").await, "* SEARCH 1");
    assert_eq!(
        search(&mut tc, "SEARCH FROM \"FRED FOOBAR\"").await,
        "* SEARCH 2"
    );
    assert_eq!(
        search(&mut tc, "SEARCH TO alice@example.org").await,
        "* SEARCH 3"
    );
    assert_eq!(search(&mut tc, "SEARCH CC carol").await, "* SEARCH 3");
    assert_eq!(search(&mut tc, "SEARCH BCC carol").await, "* SEARCH");
    assert_eq!(
        search(&mut tc, "SEARCH SUBJECT MEETING").await,
        "* SEARCH 1"
    );
    assert_eq!(
        search(&mut tc, "SEARCH HEADER X-Priority 1").await,
        "* SEARCH 3"
    );
    // An empty HEADER string matches every message that has the field (RFC 9051 §6.4.4).
    assert_eq!(
        search(&mut tc, "SEARCH HEADER X-Priority \"\"").await,
        "* SEARCH 3"
    );
    assert_eq!(
        search(&mut tc, "SEARCH HEADER Message-ID \"\"").await,
        "* SEARCH 1"
    );
    assert_eq!(search(&mut tc, "SEARCH BODY quarterly").await, "* SEARCH 2");
    assert_eq!(search(&mut tc, "SEARCH BODY Lunch").await, "* SEARCH");
    assert_eq!(search(&mut tc, "SEARCH TEXT lunch").await, "* SEARCH 3");
    assert_eq!(search(&mut tc, "SEARCH TEXT PIZZA").await, "* SEARCH 3");
    assert_eq!(
        search(&mut tc, "SEARCH CHARSET UTF-8 BODY pizza").await,
        "* SEARCH 3"
    );
    // Cheap key first: only message 3 is read for its body.
    assert_eq!(
        search(&mut tc, "SEARCH FLAGGED BODY noon").await,
        "* SEARCH 3"
    );
    assert_eq!(
        search(&mut tc, "SEARCH OR SEEN BODY pizza").await,
        "* SEARCH 2 3"
    );
}

#[tokio::test]
async fn date_and_size_keys() {
    let srv = server_with_messages().await;
    let mut tc = selected(&srv).await;
    // Internal dates: 17-Jul-1996 (-0700), 7-Feb-1994 (-0800), 1-Mar-2022; the date is
    // taken in its own zone (RFC 9051 §6.4.4 disregards time and zone).
    assert_eq!(search(&mut tc, "SEARCH ON 17-Jul-1996").await, "* SEARCH 1");
    assert_eq!(search(&mut tc, "SEARCH ON 7-Feb-1994").await, "* SEARCH 2");
    assert_eq!(
        search(&mut tc, "SEARCH BEFORE 17-Jul-1996").await,
        "* SEARCH 2"
    );
    assert_eq!(
        search(&mut tc, "SEARCH SINCE 17-Jul-1996").await,
        "* SEARCH 1 3"
    );
    assert_eq!(
        search(&mut tc, "SEARCH SENTON 17-Jul-1996").await,
        "* SEARCH 1"
    );
    assert_eq!(
        search(&mut tc, "SEARCH SENTBEFORE 1-Jan-2000").await,
        "* SEARCH 1 2"
    );
    assert_eq!(
        search(&mut tc, "SEARCH SENTSINCE 1-Mar-2022").await,
        "* SEARCH 3"
    );
    let small = THIRD.len();
    assert_eq!(
        search(&mut tc, &format!("SEARCH SMALLER {}", small + 1)).await,
        "* SEARCH 3"
    );
    assert_eq!(
        search(&mut tc, &format!("SEARCH LARGER {small}")).await,
        "* SEARCH 1 2"
    );
}

#[tokio::test]
async fn esearch_return_options() {
    let srv = server_with_messages().await;
    let mut tc = selected(&srv).await;
    let t = tc.tag();
    tc.send(&format!("{t} SEARCH RETURN (MIN COUNT) UNSEEN"))
        .await;
    let reply = tc.finish(&t, "SEARCH").await;
    assert_esearch(&reply.untagged, &t, " MIN 1 COUNT 2");
    let t = tc.tag();
    tc.send(&format!("{t} UID SEARCH RETURN () ALL")).await;
    let reply = tc.finish(&t, "UID SEARCH").await;
    assert_esearch(&reply.untagged, &t, " UID ALL 1:3");
    let t = tc.tag();
    tc.send(&format!("{t} SEARCH RETURN (MIN MAX ALL COUNT) DELETED"))
        .await;
    let reply = tc.finish(&t, "SEARCH").await;
    assert_esearch(&reply.untagged, &t, " COUNT 0");
}

#[tokio::test]
async fn rev2_always_esearch() {
    let srv = server_with_messages().await;
    let mut tc = selected_rev2(&srv).await;
    let t = tc.tag();
    tc.send(&format!("{t} SEARCH UNSEEN")).await;
    let reply = tc.finish(&t, "SEARCH").await;
    assert_esearch(&reply.untagged, &t, " ALL 1,3");
    let t = tc.tag();
    tc.send(&format!("{t} SEARCH DELETED")).await;
    let reply = tc.finish(&t, "SEARCH").await;
    assert_esearch(&reply.untagged, &t, "");
}

#[tokio::test]
async fn save_and_reuse_result() {
    let srv = server_with_messages().await;
    let mut tc = selected(&srv).await;
    // SAVE alone: no ESEARCH (RFC 9051 §6.4.4).
    let u = tc.ok("SEARCH RETURN (SAVE) UNSEEN").await;
    assert!(u.is_empty(), "{u:?}");
    assert_eq!(search(&mut tc, "SEARCH $").await, "* SEARCH 1 3");
    assert_eq!(
        search(&mut tc, "UID SEARCH UID $ FLAGGED").await,
        "* SEARCH 3"
    );
    let u = tc.ok("UID FETCH $ (UID)").await;
    assert_eq!(u, vec!["* 1 FETCH (UID 1)", "* 3 FETCH (UID 3)"]);
    // SAVE with MIN only keeps the minimum (RFC 5182 §2.4).
    let u = tc.ok("SEARCH RETURN (SAVE MIN) UNSEEN").await;
    assert!(u[0].ends_with("MIN 1"), "{u:?}");
    assert_eq!(search(&mut tc, "SEARCH $").await, "* SEARCH 1");
    // Expunged messages drop out of `$`.
    tc.ok("SEARCH RETURN (SAVE) ALL").await;
    tc.ok("STORE 2 +FLAGS.SILENT (\\Deleted)").await;
    tc.ok("EXPUNGE").await;
    assert_eq!(search(&mut tc, "UID SEARCH $").await, "* SEARCH 1 3");
    // Reset on SELECT.
    tc.ok("SELECT INBOX").await;
    assert_eq!(search(&mut tc, "SEARCH $").await, "* SEARCH");
}

#[tokio::test]
async fn seq_set_past_end_matches_nothing() {
    let srv = server_with_messages().await;
    let mut tc = selected(&srv).await;
    assert_eq!(search(&mut tc, "SEARCH 7:9").await, "* SEARCH");
    let mut empty = login(&srv).await;
    empty.ok("SELECT Drafts").await;
    assert_eq!(search(&mut empty, "SEARCH 1:*").await, "* SEARCH");
}
