//! `Store::expunge_log`: the whole expunge log with each entry's own mod-sequence, which
//! `loft store copy` carries over (RFC 7162 §3.2.5.2).

use loft_store::*;

use super::{append, flags, setup, uids};

pub async fn expunge_log_entries(s: &dyn Store) {
    let (a, i) = setup(s, "alice").await;
    append(s, a, i, &[1, 2, 3, 4, 5, 6]).await;
    assert!(s.expunge_log(a, i).await.unwrap().is_empty());
    let deleted = flags(Flags::DELETED, &[]);
    s.store_flags(a, i, &uids(&[2, 3, 5]), FlagOp::Add, &deleted, None)
        .await
        .unwrap();
    s.expunge(a, i, Some(&uids(&[5]))).await.unwrap();
    let first = s.highest_modseq(a, i).await.unwrap();
    s.expunge(a, i, None).await.unwrap();
    let second = s.highest_modseq(a, i).await.unwrap();
    assert!(first < second);

    let log = s.expunge_log(a, i).await.unwrap();
    let by_uid: Vec<u32> = log.iter().map(|(u, _)| u.get()).collect();
    assert_eq!(by_uid, [2, 3, 5], "ascending by UID");
    // Each expunge keeps its own mod-sequence: 5 went first, 2 and 3 together later.
    assert_eq!(log[2].1, first);
    assert_eq!((log[0].1, log[1].1), (second, second));
    // The log answers every VANISHED (EARLIER) question `vanished` does.
    for since in [ModSeq(0), ModSeq(first.0 - 1), first, second] {
        let from_log: Vec<Uid> = log
            .iter()
            .filter(|(_, m)| *m > since)
            .map(|(u, _)| *u)
            .collect();
        assert_eq!(
            from_log,
            s.vanished(a, i, since).await.unwrap(),
            "{since:?}"
        );
    }
    // Another mailbox's log is its own.
    let arch = s.mailbox(a, "Archive").await.unwrap().expect("Archive").id;
    assert!(s.expunge_log(a, arch).await.unwrap().is_empty());
}
