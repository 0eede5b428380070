//! `Store::metadata` / `set_metadata`: RFC 5464 annotations. Not in `ALL` yet: only the
//! embedded backend implements them (the PostgreSQL backend refuses, the trait default).

use loft_store::*;

use super::setup;

pub async fn metadata_entries(s: &dyn Store) {
    let (a, i) = setup(s, "alice").await;
    let (b, _) = setup(s, "bob").await;
    assert!(s.metadata(a, None).await.unwrap().is_empty());
    let before = s.highest_modseq(a, i).await.unwrap();
    s.set_metadata(
        a,
        Some(i),
        vec![
            ("/private/Comment".into(), Some(b"x".to_vec())),
            ("/shared/a".into(), Some(b"y".to_vec())),
        ],
    )
    .await
    .unwrap();
    // RFC 7162 §3.2: SETMETADATA on a mailbox raises its mod-sequence; server
    // annotations belong to no mailbox and raise none.
    let after = s.highest_modseq(a, i).await.unwrap();
    assert!(after > before, "{before:?} -> {after:?}");
    s.set_metadata(
        a,
        None,
        vec![("/shared/comment".into(), Some(b"server".to_vec()))],
    )
    .await
    .unwrap();
    assert_eq!(s.highest_modseq(a, i).await.unwrap(), after);
    // Names are case-insensitive (stored lower-case), sorted; server and mailbox apart.
    assert_eq!(
        s.metadata(a, Some(i)).await.unwrap(),
        vec![
            ("/private/comment".to_string(), b"x".to_vec()),
            ("/shared/a".to_string(), b"y".to_vec())
        ]
    );
    assert_eq!(
        s.metadata(a, None).await.unwrap(),
        vec![("/shared/comment".to_string(), b"server".to_vec())]
    );
    // Another account sees none of it, and cannot reach alice's mailbox.
    assert!(s.metadata(b, None).await.unwrap().is_empty());
    assert!(matches!(
        s.metadata(b, Some(i)).await,
        Err(StoreError::NotFound(_))
    ));
    // Replace and remove.
    s.set_metadata(
        a,
        Some(i),
        vec![
            ("/PRIVATE/comment".into(), Some(b"z".to_vec())),
            ("/shared/a".into(), None),
        ],
    )
    .await
    .unwrap();
    assert_eq!(
        s.metadata(a, Some(i)).await.unwrap(),
        vec![("/private/comment".to_string(), b"z".to_vec())]
    );
    // RENAME keeps them; DELETE drops them.
    s.create_mailbox(a, "x", None).await.unwrap();
    let x = s.mailbox(a, "x").await.unwrap().expect("created").id;
    s.set_metadata(a, Some(x), vec![("/shared/c".into(), Some(b"1".to_vec()))])
        .await
        .unwrap();
    s.rename_mailbox(a, "x", "y").await.unwrap();
    assert_eq!(s.metadata(a, Some(x)).await.unwrap().len(), 1);
    s.delete_mailbox(a, "y").await.unwrap();
    assert!(matches!(
        s.metadata(a, Some(x)).await,
        Err(StoreError::NotFound(_))
    ));
}
