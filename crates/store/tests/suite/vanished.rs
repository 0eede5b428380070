//! `Store::vanished`: the expunge log QRESYNC reads (RFC 7162 §3.2.5.1, §3.2.6).

use loft_store::*;

use super::{append, flags, setup, uids};

pub async fn vanished_since(s: &dyn Store) {
    let (a, i) = setup(s, "alice").await;
    append(s, a, i, &[1, 2, 3, 4, 5]).await;
    let before = s.highest_modseq(a, i).await.unwrap();
    assert!(s.vanished(a, i, ModSeq(0)).await.unwrap().is_empty());
    let deleted = flags(Flags::DELETED, &[]);
    s.store_flags(a, i, &uids(&[2, 4]), FlagOp::Add, &deleted, None)
        .await
        .unwrap();
    s.expunge(a, i, Some(&uids(&[2]))).await.unwrap();
    let middle = s.highest_modseq(a, i).await.unwrap();
    s.expunge(a, i, None).await.unwrap();
    let after = s.highest_modseq(a, i).await.unwrap();
    assert!(before < middle && middle < after);
    assert_eq!(s.vanished(a, i, before).await.unwrap(), uids(&[2, 4]));
    assert_eq!(s.vanished(a, i, middle).await.unwrap(), uids(&[4]));
    assert!(s.vanished(a, i, after).await.unwrap().is_empty());
    // MOVE logs the source's expunge too (RFC 6851 §3.3).
    let arch = s
        .mailbox(a, "Archive")
        .await
        .unwrap()
        .expect("Archive exists")
        .id;
    s.move_messages(a, i, &uids(&[5]), arch).await.unwrap();
    assert_eq!(s.vanished(a, i, after).await.unwrap(), uids(&[5]));
    // Agrees with delta.
    assert_eq!(
        s.delta(a, i, before).await.unwrap().expunged,
        s.vanished(a, i, before).await.unwrap()
    );
}
