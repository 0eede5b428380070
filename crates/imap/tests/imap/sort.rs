//! SORT and UID SORT: RFC 5256 §3; SORT=DISPLAY RFC 5957; ESORT RFC 5267 §3.
use super::common_selected;

use common_selected::*;
use loft_testkit::server::parse_flags;

/// Five messages chosen so every sort key orders them differently (see each test).
const MSGS: [&str; 5] = [
    "Date: Fri, 3 Jan 2020 10:00:00 +0000\r\nFrom: Zed <a@x>\r\nTo: m@x\r\nCc: c@x\r\nSubject: Re: beta\r\n\r\none\r\n",
    "Date: Wed, 1 Jan 2020 00:00:00 +0000\r\nFrom: Amy <z@x>\r\nTo: b@x\r\nSubject: alpha\r\n\r\nthe second message, longer than the others\r\n",
    "Date: Thu, 2 Jan 2020 00:00:00 +0000\r\nFrom: m@x\r\nTo: Bob <a@y>\r\nSubject: [list] Beta\r\n\r\n3\r\n",
    "X-Note: no date, no from, no subject\r\n\r\nfour\r\n",
    "Date: Tue, 31 Dec 2019 23:00:00 -0800\r\nFrom: =?UTF-8?Q?=C3=89mile?= <e@x>\r\nSubject: Fwd: Alpha (fwd)\r\n\r\nfive five\r\n",
];
const ARRIVALS: [&str; 5] = [
    "2021-01-05T00:00:00+00:00",
    "2021-01-01T00:00:00+00:00",
    "2021-01-03T00:00:00+00:00",
    "2021-01-04T00:00:00+00:00",
    "2021-01-02T00:00:00+00:00",
];

/// INBOX with a placeholder (UID 1, expunged by `selected_sorted`) and then MSGS as UIDs
/// 2..=6, so sequence number n is UID n+1.
async fn sort_server() -> loft_testkit::TestServer {
    let srv = server().await;
    srv.append(USER, "INBOX", "Subject: placeholder\r\n\r\nx\r\n")
        .await;
    for (m, d) in MSGS.iter().zip(ARRIVALS) {
        srv.append_with(
            USER,
            "INBOX",
            *m,
            parse_flags(""),
            Some(chrono::DateTime::parse_from_rfc3339(d).unwrap()),
        )
        .await;
    }
    srv
}

async fn selected_sorted(srv: &loft_testkit::TestServer) -> loft_testkit::TestConn {
    let mut tc = selected(srv).await;
    tc.ok("STORE 1 +FLAGS.SILENT (\\Deleted)").await;
    tc.ok("EXPUNGE").await;
    tc
}

async fn sort(tc: &mut loft_testkit::TestConn, cmd: &str) -> String {
    let u = tc.ok(cmd).await;
    assert_eq!(u.len(), 1, "{cmd}: {u:?}");
    u[0].clone()
}

#[tokio::test]
async fn every_sort_key() {
    let srv = sort_server().await;
    let mut tc = selected_sorted(&srv).await;
    assert_eq!(
        sort(&mut tc, "SORT (ARRIVAL) UTF-8 ALL").await,
        "* SORT 2 5 3 4 1"
    );
    // RFC 5256 §2.2: sent dates in UTC; no Date: header -> the internal date.
    assert_eq!(
        sort(&mut tc, "SORT (DATE) UTF-8 ALL").await,
        "* SORT 2 5 3 1 4"
    );
    // Base subjects ALPHA, ALPHA, BETA, BETA; the empty one first; ties by sequence.
    assert_eq!(
        sort(&mut tc, "SORT (SUBJECT) UTF-8 ALL").await,
        "* SORT 4 2 5 1 3"
    );
    // RFC 5256 §3 example form: REVERSE applies to one criterion only.
    assert_eq!(
        sort(&mut tc, "SORT (SUBJECT REVERSE DATE) UTF-8 ALL").await,
        "* SORT 4 5 2 1 3"
    );
    assert_eq!(
        sort(&mut tc, "SORT (REVERSE SUBJECT) UTF-8 ALL").await,
        "* SORT 1 3 2 5 4"
    );
    assert_eq!(
        sort(&mut tc, "SORT (FROM) UTF-8 ALL").await,
        "* SORT 4 1 5 3 2"
    );
    assert_eq!(
        sort(&mut tc, "SORT (TO) UTF-8 ALL").await,
        "* SORT 4 5 3 2 1"
    );
    assert_eq!(
        sort(&mut tc, "SORT (CC) UTF-8 ALL").await,
        "* SORT 2 3 4 5 1"
    );
    // RFC 5957: display names (decoded), else addr-mailbox@addr-host.
    assert_eq!(
        sort(&mut tc, "SORT (DISPLAYFROM) UTF-8 ALL").await,
        "* SORT 4 2 5 3 1"
    );
    assert_eq!(
        sort(&mut tc, "SORT (DISPLAYTO) UTF-8 ALL").await,
        "* SORT 4 5 2 3 1"
    );
    let mut by_size: Vec<(usize, u32)> = MSGS
        .iter()
        .enumerate()
        .map(|(i, m)| (m.len(), i as u32 + 1))
        .collect();
    by_size.sort();
    let expected: Vec<String> = by_size.iter().map(|(_, n)| n.to_string()).collect();
    assert_eq!(
        sort(&mut tc, "SORT (SIZE) UTF-8 ALL").await,
        format!("* SORT {}", expected.join(" "))
    );
}

#[tokio::test]
async fn uid_sort_and_search_criteria() {
    let srv = sort_server().await;
    let mut tc = selected_sorted(&srv).await;
    assert_eq!(
        sort(&mut tc, "UID SORT (ARRIVAL) UTF-8 ALL").await,
        "* SORT 3 6 4 5 2"
    );
    // The criteria are SEARCH's; UID numbers in criteria are UIDs.
    assert_eq!(
        sort(&mut tc, "UID SORT (SUBJECT) US-ASCII UID 2:4").await,
        "* SORT 3 2 4"
    );
    assert_eq!(
        sort(&mut tc, "SORT (DATE) UTF-8 SINCE 3-Jan-2021 NOT FROM zed").await,
        "* SORT 3 4"
    );
    // RFC 5256 §3 example: nothing matches.
    assert_eq!(
        sort(&mut tc, "SORT (SUBJECT) US-ASCII TEXT \"not in mailbox\"").await,
        "* SORT"
    );
}

#[tokio::test]
async fn esort_return_options() {
    let srv = sort_server().await;
    let mut tc = selected_sorted(&srv).await;
    // RFC 5267 §3.1: MIN/MAX are the first/last in sort order; ALL keeps the order.
    let tag = "t5";
    let u = tc
        .ok("UID SORT RETURN (MIN MAX COUNT ALL) (DATE) UTF-8 ALL")
        .await;
    assert_eq!(
        u,
        vec![format!(
            "* ESEARCH (TAG \"{tag}\") UID MIN 3 MAX 5 ALL 3,6,4,2,5 COUNT 5"
        )]
    );
    // RFC 5267 §3.3: RETURN () is ALL.
    let u = tc.ok("SORT RETURN () (REVERSE ARRIVAL) UTF-8 ALL").await;
    assert_eq!(u, vec!["* ESEARCH (TAG \"t6\") ALL 1,4,3,5,2".to_string()]);
    let u = tc.ok("SORT RETURN (COUNT) (SUBJECT) UTF-8 DELETED").await;
    assert_eq!(u, vec!["* ESEARCH (TAG \"t7\") COUNT 0".to_string()]);
    // SAVE keeps the matches as `$` (a set of UIDs).
    let u = tc.ok("SORT RETURN (SAVE) (SUBJECT) UTF-8 FROM x").await;
    assert!(u.is_empty(), "{u:?}");
    assert_eq!(sort(&mut tc, "UID SEARCH UID $").await, "* SEARCH 2 3 4 6");
    // RFC 9394 PARTIAL works on the sorted result too.
    let u = tc.ok("SORT RETURN (PARTIAL 2:3) (ARRIVAL) UTF-8 ALL").await;
    assert_eq!(
        u,
        vec!["* ESEARCH (TAG \"t10\") PARTIAL (2:3 5,3)".to_string()]
    );
}

#[tokio::test]
async fn sort_errors_and_modseq() {
    let srv = sort_server().await;
    let mut tc = selected_sorted(&srv).await;
    // RFC 5256 §3: NO for an unsupported charset (with BADCHARSET, RFC 9051 §7.1).
    let r = tc.command("SORT (SUBJECT) ISO-8859-15 ALL").await;
    assert!(r.tagged.starts_with("NO [BADCHARSET"), "{r:?}");
    // The charset is mandatory: `ALL` is taken as one, and refused.
    tc.no("SORT (SUBJECT) ALL").await;
    tc.bad("SORT SUBJECT UTF-8 ALL").await;
    tc.bad("SORT (NAME) UTF-8 ALL").await;
    // RFC 7162 §3.1.5: MODSEQ in the criteria adds the highest MODSEQ to the response.
    // (It also enables CONDSTORE, which announces HIGHESTMODSEQ.)
    let u = tc.ok("SORT (ARRIVAL) UTF-8 MODSEQ 1").await;
    let line = one(&u, "* SORT");
    assert!(line.starts_with("* SORT 2 5 3 4 1 (MODSEQ "), "{line}");
    // Not in the authenticated state.
    let mut tc = login(&srv).await;
    tc.bad("SORT (ARRIVAL) UTF-8 ALL").await;
}

#[tokio::test]
async fn empty_mailbox_and_advertised() {
    let srv = server().await;
    let mut tc = selected(&srv).await;
    assert_eq!(sort(&mut tc, "SORT (SUBJECT) UTF-8 ALL").await, "* SORT");
    assert_eq!(sort(&mut tc, "UID SORT (DATE) UTF-8 1:*").await, "* SORT");
    let caps = tc.ok("CAPABILITY").await;
    for c in [" SORT ", " SORT=DISPLAY", " ESORT"] {
        assert!(caps[0].contains(c), "{c} in {caps:?}");
    }
}
