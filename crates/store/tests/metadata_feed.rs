//! RFC 5464 metadata changes reach the change feed (RFC 5465 §5.6, §5.7 NOTIFY reports
//! them): `set_metadata` publishes `Change::Metadata` on the embedded store, on a
//! PostgreSQL node, and through LISTEN/NOTIFY on another node of the same database.

use std::time::Duration;

use loft_store::postgres::testing;
use loft_store::*;

async fn next(rx: &mut tokio::sync::broadcast::Receiver<Change>) -> Change {
    loop {
        let change = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("change notified")
            .expect("feed open");
        if matches!(change, Change::Metadata { .. }) {
            return change;
        }
    }
}

async fn account_and_inbox(s: &dyn Store) -> (AccountId, MailboxId) {
    let a = s.create_account("alice", "x").await.unwrap();
    (a, s.mailbox(a, "INBOX").await.unwrap().unwrap().id)
}

async fn publishes(s: &dyn Store, feed: &mut tokio::sync::broadcast::Receiver<Change>) {
    let (a, inbox) = account_and_inbox(s).await;
    s.set_metadata(
        a,
        Some(inbox),
        vec![
            ("/private/Comment".into(), Some(b"x".to_vec())),
            ("/shared/comment".into(), None),
        ],
    )
    .await
    .unwrap();
    assert_eq!(
        next(feed).await,
        Change::Metadata {
            account: a,
            mailbox: Some(inbox),
            entries: vec!["/private/comment".into(), "/shared/comment".into()],
        }
    );
    s.set_metadata(
        a,
        None,
        vec![("/shared/comment".into(), Some(b"y".to_vec()))],
    )
    .await
    .unwrap();
    assert_eq!(
        next(feed).await,
        Change::Metadata {
            account: a,
            mailbox: None,
            entries: vec!["/shared/comment".into()],
        }
    );
}

#[tokio::test]
async fn embedded_publishes_metadata_changes() {
    let dir = tempfile::tempdir().unwrap();
    let s = EmbeddedStore::open(dir.path()).await.unwrap();
    let mut feed = s.subscribe();
    publishes(&s, &mut feed).await;
}

#[tokio::test]
async fn postgres_publishes_metadata_changes_on_both_nodes() {
    let url = testing::shared().create_database().await;
    let cfg = PgSettings {
        pool_size: 2,
        ..PgSettings::new(url)
    };
    let a = PostgresStore::open(&cfg).await.unwrap();
    let b = PostgresStore::open(&cfg).await.unwrap();
    let mut feed_a = a.subscribe();
    let mut feed_b = b.subscribe();
    publishes(&a, &mut feed_a).await;
    // The other node hears the same two changes over LISTEN/NOTIFY.
    let first = next(&mut feed_b).await;
    assert!(
        matches!(&first, Change::Metadata { mailbox: Some(_), entries, .. } if entries.len() == 2),
        "{first:?}"
    );
    let second = next(&mut feed_b).await;
    assert!(
        matches!(&second, Change::Metadata { mailbox: None, .. }),
        "{second:?}"
    );
}
