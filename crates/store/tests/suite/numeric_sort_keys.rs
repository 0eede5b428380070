//! `Store::numeric_sort_keys`: the RFC 5256 §3 ARRIVAL, DATE and SIZE keys, equal to what
//! the records give (`NumericSortKeys::of`), with the RFC 5256 §2.2 sent date: the Date:
//! header in UTC, else the internal date (absent or unparsable header).

use chrono::DateTime;
use loft_store::*;

use super::{flags, setup, uids};

fn with_date(date: Option<&str>, n: u32) -> Vec<u8> {
    let date = date.map(|d| format!("Date: {d}\r\n")).unwrap_or_default();
    format!("{date}From: a@example.com\r\nSubject: s{n}\r\n\r\nbody {n}\r\n").into_bytes()
}

pub async fn numeric_sort_keys(s: &dyn Store) {
    let (a, i) = setup(s, "alice").await;
    let internal = |t: &str| DateTime::parse_from_rfc3339(t).unwrap();
    let dates = [
        (
            Some("Tue, 1 Jul 2003 10:52:37 +0200"),
            "2010-01-01T00:00:00+01:00",
        ),
        (None, "2011-05-06T07:08:09-04:00"),
        (Some("not a date at all"), "2012-01-01T00:00:00Z"),
        // The same instant as the first, in another zone.
        (
            Some("Tue, 1 Jul 2003 03:52:37 -0500"),
            "2009-01-01T00:00:00Z",
        ),
    ];
    let msgs = dates
        .iter()
        .enumerate()
        .map(|(n, (d, t))| NewMessage {
            content: with_date(*d, n as u32),
            flags: flags(0, &[]),
            internal_date: Some(internal(t)),
        })
        .collect();
    s.append(a, i, msgs).await.unwrap();
    // Enough more for a dense request (a range scan where a backend does one).
    let more = (0..30)
        .map(|n| NewMessage {
            content: with_date((n % 2 == 0).then_some("Wed, 2 Jul 2003 00:00:00 +0000"), n),
            flags: flags(0, &[]),
            internal_date: Some(internal("2013-01-01T00:00:00Z")),
        })
        .collect();
    s.append(a, i, more).await.unwrap();

    // Unsorted, a duplicate and a missing UID.
    let got = s
        .numeric_sort_keys(a, i, &uids(&[4, 1, 99, 3, 2, 3]))
        .await
        .unwrap();
    let sent = DateTime::parse_from_rfc2822("Tue, 1 Jul 2003 10:52:37 +0200")
        .unwrap()
        .timestamp();
    let at = |t: &str| internal(t).timestamp();
    let recs = s.records(a, i, &uids(&[1, 2, 3, 4])).await.unwrap();
    let want: Vec<NumericSortKeys> = [
        (1, "2010-01-01T00:00:00+01:00", sent),
        (
            2,
            "2011-05-06T07:08:09-04:00",
            at("2011-05-06T07:08:09-04:00"),
        ),
        (3, "2012-01-01T00:00:00Z", at("2012-01-01T00:00:00Z")),
        (4, "2009-01-01T00:00:00Z", sent),
    ]
    .iter()
    .zip(&recs)
    .map(|(&(u, t, sent_date), r)| NumericSortKeys {
        uid: Uid::new(u).unwrap(),
        internal_date: at(t),
        sent_date,
        size: r.size,
    })
    .collect();
    assert_eq!(got, want);

    // Every key equal to the one derived from the record, sparse and dense requests.
    for ask in [
        (1..=34).collect::<Vec<u32>>(),
        vec![2, 17, 30],
        (3..=25).collect(),
    ] {
        let got = s.numeric_sort_keys(a, i, &uids(&ask)).await.unwrap();
        let recs = s
            .records_with(a, i, &uids(&ask), RecordDetail::SentDate)
            .await
            .unwrap();
        let want: Vec<NumericSortKeys> = recs.iter().map(NumericSortKeys::of).collect();
        assert_eq!(got, want, "{ask:?}");
        let full: Vec<NumericSortKeys> = s
            .records(a, i, &uids(&ask))
            .await
            .unwrap()
            .iter()
            .map(NumericSortKeys::of)
            .collect();
        assert_eq!(got, full, "{ask:?}");
    }
    assert!(s.numeric_sort_keys(a, i, &[]).await.unwrap().is_empty());

    // Another account's mailbox is not found (DESIGN.md invariant 7).
    let (b, _) = setup(s, "bob").await;
    assert!(matches!(
        s.numeric_sort_keys(b, i, &uids(&[1])).await,
        Err(StoreError::NotFound(_))
    ));
}
