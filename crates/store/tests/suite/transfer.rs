//! `Store::mailbox_has_blobs` (idempotent import) and `Store::append_with_uids`
//! (migration keeping UIDVALIDITY and UIDs, RFC 9051 §2.3.1.1).

use loft_store::*;

use super::{append, flags, message, new_message, setup, uids};

pub async fn import_dedup_lookup(s: &dyn Store) {
    let (a, i) = setup(s, "alice").await;
    let arch = s
        .mailbox(a, "Archive")
        .await
        .unwrap()
        .expect("Archive exists")
        .id;
    append(s, a, i, &[1, 2]).await;
    let ids = vec![
        content_address(&message(1)),
        content_address(&message(3)),
        BlobId("not a hash".into()),
    ];
    assert_eq!(
        s.mailbox_has_blobs(a, i, &ids).await.unwrap(),
        vec![true, false, false]
    );
    // Per mailbox: the same bytes elsewhere do not count.
    assert_eq!(
        s.mailbox_has_blobs(a, arch, &ids).await.unwrap(),
        vec![false, false, false]
    );
    // The content address is the blob id records report.
    let r = s.records(a, i, &uids(&[1])).await.unwrap();
    assert_eq!(r[0].blob, content_address(&message(1)));
}

pub async fn append_keeping_uids(s: &dyn Store) {
    let (a, _) = setup(s, "alice").await;
    let m = s.create_mailbox(a, "Migrated", None).await.unwrap();
    let v = UidValidity::new(12345).unwrap();
    let msg = |n| {
        (
            Uid::new(n).unwrap(),
            new_message(n, flags(Flags::SEEN, &["$Work"])),
        )
    };
    let r = s
        .append_with_uids(a, m, v, vec![msg(3), msg(7)])
        .await
        .unwrap();
    assert_eq!(r.uid_validity, v);
    assert_eq!(r.uids, uids(&[3, 7]));
    let st = s.status(a, m).await.unwrap();
    assert_eq!((st.uid_validity, st.uid_next, st.messages), (v, 8, 2));
    // Resuming: more UIDs above UIDNEXT, same UIDVALIDITY.
    s.append_with_uids(a, m, v, vec![msg(9)]).await.unwrap();
    assert_eq!(s.status(a, m).await.unwrap().uid_next, 10);
    // Refused: a UID below UIDNEXT, a new UIDVALIDITY on a used mailbox, descending UIDs.
    assert!(matches!(
        s.append_with_uids(a, m, v, vec![msg(8)]).await,
        Err(StoreError::Invalid(_))
    ));
    let w = UidValidity::new(999).unwrap();
    assert!(matches!(
        s.append_with_uids(a, m, w, vec![msg(20)]).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        s.append_with_uids(a, m, v, vec![msg(30), msg(20)]).await,
        Err(StoreError::Invalid(_))
    ));
    // Ordinary appends continue above.
    assert_eq!(append(s, a, m, &[11]).await, vec![10]);
    let snap = s.snapshot(a, m).await.unwrap();
    assert_eq!(
        snap.messages
            .iter()
            .map(|x| x.uid.get())
            .collect::<Vec<_>>(),
        vec![3, 7, 9, 10]
    );
    assert!(snap.keywords.iter().any(|k| k == "$Work"));
    // A mailbox re-created under the name gets a UIDVALIDITY it never had.
    s.delete_mailbox(a, "Migrated").await.unwrap();
    s.create_mailbox(a, "Migrated", None).await.unwrap();
    assert_ne!(
        s.mailbox(a, "Migrated")
            .await
            .unwrap()
            .unwrap()
            .uid_validity,
        v
    );
    assert!(s.check().await.unwrap().is_empty());
}
