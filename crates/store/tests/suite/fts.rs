//! `Store::search_index`: SEARCH BODY/TEXT/FROM/... from the search index (issue 6).
//! A backend without an index answers None, which is always correct; one with an index
//! must answer exactly what a scan would (RFC 9051 §6.4.4 substring, case-insensitive).

use std::time::Duration;

use loft_store::*;

use super::{flags, setup, uids};

fn msg(from: &str, subject: &str, body: &str) -> NewMessage {
    let content = format!("From: {from}\r\nTo: bob@example.com\r\nSubject: {subject}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n").into_bytes();
    NewMessage {
        content,
        flags: Flags::default(),
        internal_date: None,
    }
}

/// The index's answer once every message is indexed (None: no index here).
async fn settled(
    s: &dyn Store,
    a: AccountId,
    m: MailboxId,
    f: SearchField,
    needle: &str,
) -> Option<Vec<u32>> {
    for _ in 0..200 {
        let r = s.search_index(a, m, f, needle).await.unwrap()?;
        if r.unindexed.is_empty() {
            return Some(r.matches.iter().map(|u| u.get()).collect());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the search index never caught up");
}

pub async fn search_index_matches_scan(s: &dyn Store) {
    let (a, i) = setup(s, "alice").await;
    let msgs = vec![
        msg(
            "Alice <alice@example.com>",
            "Quarterly report",
            "The QUETZALCOATLUS flew by.",
        ),
        msg(
            "=?utf-8?q?J=C3=BCrgen?= <jurgen@example.de>",
            "=?utf-8?b?w5xiZXI=?=",
            "Grüße aus Köln",
        ),
        msg("carol@example.net", "lunch", "no rare word here"),
    ];
    s.append(a, i, msgs).await.unwrap();
    // Right after the append the answer may list unindexed messages; never wrong ones.
    if let Some(r) = s
        .search_index(a, i, SearchField::Body, "quetzal")
        .await
        .unwrap()
    {
        assert!(r.matches.iter().all(|u| u.get() == 1), "{r:?}");
    }
    let Some(hits) = settled(s, a, i, SearchField::Body, "quetzalcoatlus").await else {
        return;
    };
    assert_eq!(hits, vec![1]);
    assert_eq!(
        settled(s, a, i, SearchField::Body, "grüße aus").await,
        Some(vec![2])
    );
    assert_eq!(
        settled(s, a, i, SearchField::Body, "quarterly").await,
        Some(vec![])
    );
    assert_eq!(
        settled(s, a, i, SearchField::Text, "quarterly").await,
        Some(vec![1])
    );
    assert_eq!(
        settled(s, a, i, SearchField::Text, "subject: lunch").await,
        Some(vec![3])
    );
    assert_eq!(
        settled(s, a, i, SearchField::From, "jürgen").await,
        Some(vec![2])
    );
    assert_eq!(
        settled(s, a, i, SearchField::From, "example").await,
        Some(vec![1, 2, 3])
    );
    assert_eq!(
        settled(s, a, i, SearchField::From, "").await,
        Some(vec![1, 2, 3])
    );
    assert_eq!(
        settled(s, a, i, SearchField::Subject, "über").await,
        Some(vec![2])
    );
    assert_eq!(settled(s, a, i, SearchField::Cc, "").await, Some(vec![]));
    // Too short for trigrams: the caller scans.
    assert_eq!(
        s.search_index(a, i, SearchField::Body, "qu").await.unwrap(),
        None
    );
    // Another account's identical message is its own match, not ours.
    let (b, bi) = setup(s, "bob").await;
    s.append(
        b,
        bi,
        vec![msg(
            "Alice <alice@example.com>",
            "Quarterly report",
            "The QUETZALCOATLUS flew by.",
        )],
    )
    .await
    .unwrap();
    assert_eq!(
        settled(s, b, bi, SearchField::Body, "quetzalcoatlus").await,
        Some(vec![1])
    );
    // Expunged: gone from the answers (and, with its last reference, from the index).
    s.store_flags(
        a,
        i,
        &uids(&[1]),
        FlagOp::Add,
        &flags(Flags::DELETED, &[]),
        None,
    )
    .await
    .unwrap();
    s.expunge(a, i, None).await.unwrap();
    assert_eq!(
        settled(s, a, i, SearchField::Body, "quetzalcoatlus").await,
        Some(vec![])
    );
    s.store_flags(
        b,
        bi,
        &uids(&[1]),
        FlagOp::Add,
        &flags(Flags::DELETED, &[]),
        None,
    )
    .await
    .unwrap();
    s.expunge(b, bi, None).await.unwrap();
    assert_eq!(
        settled(s, b, bi, SearchField::Body, "quetzalcoatlus").await,
        Some(vec![])
    );
    assert!(s.check().await.unwrap().is_empty());
}
