//! `MessageRecord::save_date` (RFC 8514 §3): set when a message is saved into a mailbox,
//! new on COPY/MOVE, independent of the internal date. Backends without save dates give
//! None everywhere (RFC 8514 §4.2 NIL).

use chrono::{DateTime, FixedOffset, Utc};
use loft_store::*;

use super::{flags, setup, uids};

pub async fn save_date_on_save(s: &dyn Store) {
    let (a, i) = setup(s, "alice").await;
    let before = Utc::now().timestamp();
    // An internal date far in the past: the save date must not take it.
    let old: DateTime<FixedOffset> =
        DateTime::parse_from_rfc3339("2001-02-03T04:05:06+07:00").unwrap();
    let msg = NewMessage {
        content: super::message(1),
        flags: flags(0, &[]),
        internal_date: Some(old),
    };
    s.append(a, i, vec![msg]).await.unwrap();
    let after = Utc::now().timestamp();
    let rec = s.records(a, i, &uids(&[1])).await.unwrap().remove(0);
    assert_eq!(rec.internal_date, old);
    let Some(saved) = rec.save_date else { return };
    assert!(
        (before..=after).contains(&saved.timestamp()),
        "{saved} not within the append"
    );
    // COPY gets its own save date; the source keeps its.
    let arch = s
        .mailbox(a, "Archive")
        .await
        .unwrap()
        .expect("Archive exists")
        .id;
    s.copy(a, i, &uids(&[1]), arch).await.unwrap();
    let copied = s.records(a, arch, &uids(&[1])).await.unwrap().remove(0);
    let copied_at = copied
        .save_date
        .expect("a backend with save dates sets them on COPY")
        .timestamp();
    assert!(copied_at >= saved.timestamp() && copied_at <= Utc::now().timestamp());
    assert_eq!(
        s.records(a, i, &uids(&[1])).await.unwrap()[0].save_date,
        Some(saved)
    );
}
