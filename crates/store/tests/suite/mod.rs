//! The store conformance suite: backend-independent async tests over `&dyn Store`.
//! Every backend runs all of them on a fresh, empty store:
//! `#[path = "suite/mod.rs"] mod suite;` then one `#[tokio::test]` per entry of `ALL`
//! (or `suite::run_all`).

#![allow(dead_code)]

use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use loft_store::*;
use tokio::sync::broadcast::error::TryRecvError;

pub mod expunge_log;
pub mod fts;
pub mod metadata;
pub mod numeric_sort_keys;
pub mod record_detail;
pub mod records_content;
pub mod savedate;
pub mod transfer;
pub mod vanished;
pub use expunge_log::expunge_log_entries;
pub use fts::search_index_matches_scan;
pub use metadata::metadata_entries;
pub use numeric_sort_keys::numeric_sort_keys;
pub use record_detail::records_with_detail;
pub use records_content::records_with_content;
pub use savedate::save_date_on_save;
pub use transfer::{append_keeping_uids, import_dedup_lookup};
pub use vanished::vanished_since;

pub fn message(n: u32) -> Vec<u8> {
    format!(
        "From: Alice <alice@example.com>\r\nTo: bob@example.com\r\nSubject: test {n}\r\n\
         Message-ID: <{n}@example.com>\r\n\r\nbody of message {n}\r\n"
    )
    .into_bytes()
}

pub fn new_message(n: u32, flags: Flags) -> NewMessage {
    NewMessage {
        content: message(n),
        flags,
        internal_date: None,
    }
}

pub fn flags(bits: u8, keywords: &[&str]) -> Flags {
    Flags {
        bits,
        keywords: keywords.iter().map(|k| k.to_string()).collect(),
    }
}

pub fn uids(v: &[u32]) -> Vec<Uid> {
    v.iter()
        .map(|&u| Uid::new(u).expect("test UIDs are non-zero"))
        .collect()
}

fn nums(v: &[Uid]) -> Vec<u32> {
    v.iter().map(|u| u.get()).collect()
}

async fn inbox(s: &dyn Store, account: AccountId) -> MailboxId {
    s.mailbox(account, "INBOX")
        .await
        .unwrap()
        .expect("INBOX exists")
        .id
}

async fn setup(s: &dyn Store, name: &str) -> (AccountId, MailboxId) {
    let a = s.create_account(name, "$argon2id$test").await.unwrap();
    let i = inbox(s, a).await;
    (a, i)
}

async fn append(s: &dyn Store, a: AccountId, m: MailboxId, ns: &[u32]) -> Vec<u32> {
    let msgs = ns
        .iter()
        .map(|&n| new_message(n, Flags::default()))
        .collect();
    nums(&s.append(a, m, msgs).await.unwrap().uids)
}

/// Every test of the suite, by name.
pub type TestFn =
    for<'a> fn(
        &'a dyn Store,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>>;

macro_rules! all {
    ($($name:ident),* $(,)?) => {
        pub const ALL: &[(&str, TestFn)] = &[$((stringify!($name), |s| Box::pin($name(s)))),*];
    };
}

all!(
    accounts,
    default_mailboxes,
    create_mailbox_hierarchy,
    delete_mailbox_rules,
    recreated_mailbox_gets_new_uidvalidity,
    rename_mailbox_with_inferiors,
    rename_inbox,
    subscriptions,
    append_snapshot_records_blob,
    multiappend_is_all_or_nothing,
    uids_never_reused_after_expunge,
    modseq_and_delta,
    store_flags_ops,
    unchanged_since,
    expunge_only_deleted,
    copy_messages,
    move_messages,
    claim_recent,
    change_feed,
    accounts_are_isolated,
    check_healthy,
    vanished_since,
    expunge_log_entries,
    import_dedup_lookup,
    append_keeping_uids,
    save_date_on_save,
    search_index_matches_scan,
    records_with_detail,
    records_with_content,
    numeric_sort_keys,
);

pub async fn run_all(
    s_for_each: impl Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = Box<dyn Store>>>>,
) {
    for (name, test) in ALL {
        let s = s_for_each().await;
        eprintln!("conformance: {name}");
        test(s.as_ref()).await;
    }
}

pub async fn accounts(s: &dyn Store) {
    let a = s.create_account("alice", "h1").await.unwrap();
    let b = s.create_account("bob", "h2").await.unwrap();
    assert_ne!(a, b);
    assert!(matches!(
        s.create_account("alice", "x").await,
        Err(StoreError::AlreadyExists(_))
    ));
    assert!(matches!(
        s.create_account("", "x").await,
        Err(StoreError::Invalid(_))
    ));

    let alice = s.account("alice").await.unwrap().unwrap();
    assert_eq!(
        (alice.id, alice.name.as_str(), alice.password_hash.as_str()),
        (a, "alice", "h1")
    );
    assert!(s.account("carol").await.unwrap().is_none());
    let names: Vec<String> = s
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["alice", "bob"]);

    s.set_password("alice", "h3").await.unwrap();
    assert_eq!(
        s.account("alice").await.unwrap().unwrap().password_hash,
        "h3"
    );
    assert!(matches!(
        s.set_password("carol", "x").await,
        Err(StoreError::NotFound(_))
    ));

    s.delete_account("bob").await.unwrap();
    assert!(s.account("bob").await.unwrap().is_none());
    assert!(matches!(
        s.delete_account("bob").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(s.mailboxes(b).await.unwrap().is_empty());
    // The name is free again, with a new id.
    let b2 = s.create_account("bob", "h").await.unwrap();
    assert_ne!(b2, b);
}

pub async fn default_mailboxes(s: &dyn Store) {
    let (a, _) = setup(s, "alice").await;
    let boxes = s.mailboxes(a).await.unwrap();
    let mut expected: Vec<(&str, Option<SpecialUse>)> = DEFAULT_MAILBOXES.to_vec();
    expected.sort_by_key(|(n, _)| *n);
    let got: Vec<(&str, Option<SpecialUse>)> = boxes
        .iter()
        .map(|m| (m.name.as_str(), m.special_use))
        .collect();
    assert_eq!(got, expected);
    assert!(boxes.iter().all(|m| m.is_subscribed));
    let mut subs = s.subscriptions(a).await.unwrap();
    subs.sort();
    let mut names: Vec<String> = DEFAULT_MAILBOXES
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    names.sort();
    assert_eq!(subs, names);
    // UIDVALIDITY unique per mailbox.
    let mut v: Vec<u32> = boxes.iter().map(|m| m.uid_validity.get()).collect();
    v.sort();
    v.dedup();
    assert_eq!(v.len(), boxes.len());
    // INBOX is case-insensitive.
    assert_eq!(s.mailbox(a, "inbox").await.unwrap().unwrap().name, "INBOX");
    let st = s.status(a, boxes[0].id).await.unwrap();
    assert_eq!((st.messages, st.uid_next, st.recent), (0, 1, 0));
}

pub async fn create_mailbox_hierarchy(s: &dyn Store) {
    let (a, _) = setup(s, "alice").await;
    let id = s
        .create_mailbox(a, "Work/Projects/Loft", None)
        .await
        .unwrap();
    for name in ["Work", "Work/Projects", "Work/Projects/Loft"] {
        assert!(s.mailbox(a, name).await.unwrap().is_some(), "{name}");
    }
    assert_eq!(
        s.mailbox(a, "Work/Projects/Loft")
            .await
            .unwrap()
            .unwrap()
            .id,
        id
    );
    assert!(matches!(
        s.create_mailbox(a, "Work", None).await,
        Err(StoreError::AlreadyExists(_))
    ));
    assert!(matches!(
        s.create_mailbox(a, "inbox", None).await,
        Err(StoreError::AlreadyExists(_))
    ));
    // RFC 9051 §6.3.4: a trailing delimiter is ignored.
    s.create_mailbox(a, "Lists/", None).await.unwrap();
    assert!(s.mailbox(a, "Lists").await.unwrap().is_some());
    for bad in ["", "a//b", "/x", "tab\there"] {
        assert!(
            matches!(
                s.create_mailbox(a, bad, None).await,
                Err(StoreError::Invalid(_))
            ),
            "{bad:?}"
        );
    }
    // UTF-8 names.
    s.create_mailbox(a, "Entwürfe/日本", Some(SpecialUse::Flagged))
        .await
        .unwrap();
    let m = s.mailbox(a, "Entwürfe/日本").await.unwrap().unwrap();
    assert_eq!(m.special_use, Some(SpecialUse::Flagged));
    assert!(!m.is_subscribed);
    // Sorted by name.
    let names: Vec<String> = s
        .mailboxes(a)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.name)
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
}

pub async fn delete_mailbox_rules(s: &dyn Store) {
    let (a, i) = setup(s, "alice").await;
    assert!(matches!(
        s.delete_mailbox(a, "INBOX").await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        s.delete_mailbox(a, "inbox").await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        s.delete_mailbox(a, "nope").await,
        Err(StoreError::NotFound(_))
    ));
    append(s, a, i, &[1]).await;

    let parent = s.create_mailbox(a, "p", None).await.unwrap();
    s.create_mailbox(a, "p/child", None).await.unwrap();
    append(s, a, parent, &[1, 2]).await;
    // RFC 9051 §6.3.5: deleting a mailbox with inferiors deletes it and keeps them.
    s.delete_mailbox(a, "p").await.unwrap();
    assert!(s.mailbox(a, "p").await.unwrap().is_none());
    assert!(s.mailbox(a, "p/child").await.unwrap().is_some());
    assert!(matches!(
        s.status(a, parent).await,
        Err(StoreError::NotFound(_))
    ));
    // The name is now only the parent of an inferior: deleting it is an error.
    assert!(matches!(
        s.delete_mailbox(a, "p").await,
        Err(StoreError::HasChildren)
    ));
    s.delete_mailbox(a, "p/child").await.unwrap();
    assert!(matches!(
        s.delete_mailbox(a, "p").await,
        Err(StoreError::NotFound(_))
    ));
    // INBOX untouched.
    assert_eq!(s.status(a, i).await.unwrap().messages, 1);
}

pub async fn recreated_mailbox_gets_new_uidvalidity(s: &dyn Store) {
    let (a, _) = setup(s, "alice").await;
    let m1 = s.create_mailbox(a, "x", None).await.unwrap();
    let v1 = s.mailbox(a, "x").await.unwrap().unwrap().uid_validity;
    append(s, a, m1, &[1, 2]).await;
    s.delete_mailbox(a, "x").await.unwrap();
    let m2 = s.create_mailbox(a, "x", None).await.unwrap();
    let v2 = s.mailbox(a, "x").await.unwrap().unwrap().uid_validity;
    assert_ne!(m1, m2);
    assert_ne!(v1, v2);
    assert_eq!(s.status(a, m2).await.unwrap().messages, 0);
}

pub async fn rename_mailbox_with_inferiors(s: &dyn Store) {
    let (a, _) = setup(s, "alice").await;
    let ab = s.create_mailbox(a, "a/b", None).await.unwrap();
    let abc = s.create_mailbox(a, "a/b/c", None).await.unwrap();
    s.create_mailbox(a, "a/bc", None).await.unwrap();
    let v = s.mailbox(a, "a/b").await.unwrap().unwrap().uid_validity;
    append(s, a, ab, &[1]).await;
    s.set_subscribed(a, "a/b/c", true).await.unwrap();

    s.rename_mailbox(a, "a/b", "x/y").await.unwrap();
    assert!(s.mailbox(a, "a/b").await.unwrap().is_none());
    assert!(s.mailbox(a, "a/b/c").await.unwrap().is_none());
    assert!(
        s.mailbox(a, "a/bc").await.unwrap().is_some(),
        "a sibling with a common prefix stays"
    );
    assert!(
        s.mailbox(a, "x").await.unwrap().is_some(),
        "superior created (RFC 9051 §6.3.6)"
    );
    let xy = s.mailbox(a, "x/y").await.unwrap().unwrap();
    assert_eq!((xy.id, xy.uid_validity), (ab, v));
    assert_eq!(s.mailbox(a, "x/y/c").await.unwrap().unwrap().id, abc);
    assert_eq!(s.status(a, ab).await.unwrap().messages, 1);
    assert!(
        s.subscriptions(a)
            .await
            .unwrap()
            .contains(&"x/y/c".to_string())
    );

    assert!(matches!(
        s.rename_mailbox(a, "x/y", "Sent").await,
        Err(StoreError::AlreadyExists(_))
    ));
    assert!(matches!(
        s.rename_mailbox(a, "x/y", "INBOX").await,
        Err(StoreError::AlreadyExists(_))
    ));
    assert!(matches!(
        s.rename_mailbox(a, "nope", "z").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(s.rename_mailbox(a, "x", "x/y/z").await.is_err());
    // A conflict among inferiors fails the whole rename.
    s.create_mailbox(a, "q/y/c", None).await.unwrap();
    s.delete_mailbox(a, "q/y").await.unwrap();
    assert!(matches!(
        s.rename_mailbox(a, "x/y", "q/y").await,
        Err(StoreError::AlreadyExists(_))
    ));
    assert!(s.mailbox(a, "x/y").await.unwrap().is_some());
}

pub async fn rename_inbox(s: &dyn Store) {
    let (a, i) = setup(s, "alice").await;
    s.create_mailbox(a, "INBOX/keep", None).await.unwrap();
    s.append(
        a,
        i,
        vec![
            new_message(1, flags(Flags::SEEN, &["$Work"])),
            new_message(2, Flags::default()),
        ],
    )
    .await
    .unwrap();
    let before = s.status(a, i).await.unwrap();

    s.rename_mailbox(a, "inbox", "Old").await.unwrap();
    // RFC 9051 §6.3.6: INBOX stays, empty; its messages are in the new mailbox.
    let inbox_after = s.mailbox(a, "INBOX").await.unwrap().unwrap();
    assert_eq!(inbox_after.id, i);
    let st = s.status(a, i).await.unwrap();
    assert_eq!(st.messages, 0);
    assert_eq!(st.uid_next, before.uid_next, "INBOX UIDs are never reused");
    assert!(st.highest_modseq > before.highest_modseq);
    let d = s.delta(a, i, before.highest_modseq).await.unwrap();
    assert_eq!(nums(&d.expunged), [1, 2]);
    assert!(
        s.mailbox(a, "INBOX/keep").await.unwrap().is_some(),
        "inferiors of INBOX are unaffected"
    );

    let old = s.mailbox(a, "Old").await.unwrap().unwrap();
    assert_ne!(old.uid_validity, inbox_after.uid_validity);
    let snap = s.snapshot(a, old.id).await.unwrap();
    assert_eq!(snap.messages.len(), 2);
    assert!(snap.messages[0].flags.is_seen() && snap.messages[0].flags.has_keyword("$work"));
    assert!(
        snap.keywords
            .iter()
            .any(|k| k.eq_ignore_ascii_case("$Work"))
    );
    // Appending to INBOX continues above the old UIDs.
    assert_eq!(append(s, a, i, &[3]).await, [before.uid_next]);
    // New mailbox keeps working.
    let next = snap.status.uid_next;
    assert_eq!(append(s, a, old.id, &[4]).await, [next]);
}

pub async fn subscriptions(s: &dyn Store) {
    let (a, _) = setup(s, "alice").await;
    s.set_subscribed(a, "Ghost/Town", true).await.unwrap();
    s.set_subscribed(a, "Ghost/Town", true).await.unwrap();
    assert!(
        s.subscriptions(a)
            .await
            .unwrap()
            .contains(&"Ghost/Town".to_string())
    );
    assert!(s.mailbox(a, "Ghost/Town").await.unwrap().is_none());
    s.set_subscribed(a, "Trash", false).await.unwrap();
    assert!(
        !s.subscriptions(a)
            .await
            .unwrap()
            .contains(&"Trash".to_string())
    );
    assert!(!s.mailbox(a, "Trash").await.unwrap().unwrap().is_subscribed);
    s.set_subscribed(a, "Trash", false).await.unwrap();
    // RFC 9051 §6.3.9: deleting a mailbox does not unsubscribe it.
    s.delete_mailbox(a, "Junk").await.unwrap();
    assert!(
        s.subscriptions(a)
            .await
            .unwrap()
            .contains(&"Junk".to_string())
    );
    // Normalised like mailbox names.
    s.set_subscribed(a, "inbox", false).await.unwrap();
    assert!(
        !s.subscriptions(a)
            .await
            .unwrap()
            .contains(&"INBOX".to_string())
    );
}

pub async fn append_snapshot_records_blob(s: &dyn Store) {
    let (a, i) = setup(s, "alice").await;
    let date: DateTime<FixedOffset> =
        DateTime::parse_from_rfc3339("2024-03-05T10:11:12+02:00").unwrap();
    let msgs = vec![
        NewMessage {
            content: message(1),
            flags: flags(Flags::SEEN | Flags::FLAGGED, &["$Label1"]),
            internal_date: Some(date),
        },
        NewMessage {
            content: message(2),
            flags: flags(Flags::DELETED, &[]),
            internal_date: None,
        },
        NewMessage {
            content: message(3),
            flags: Flags::default(),
            internal_date: None,
        },
    ];
    let v = s.mailbox(a, "INBOX").await.unwrap().unwrap().uid_validity;
    let r = s.append(a, i, msgs).await.unwrap();
    assert_eq!(r.uid_validity, v);
    assert_eq!(nums(&r.uids), [1, 2, 3]);

    let snap = s.snapshot(a, i).await.unwrap();
    assert_eq!(snap.mailbox.name, "INBOX");
    assert_eq!(
        snap.messages
            .iter()
            .map(|m| m.uid.get())
            .collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(
        snap.messages[0].flags,
        flags(Flags::SEEN | Flags::FLAGGED, &["$Label1"])
    );
    assert!(
        snap.messages
            .iter()
            .all(|m| m.modseq == snap.messages[0].modseq)
    );
    assert!(snap.keywords.contains(&"$Label1".to_string()));
    let st = &snap.status;
    let total: u64 = (1..=3).map(|n| message(n).len() as u64).sum();
    assert_eq!(
        (
            st.messages,
            st.unseen,
            st.deleted,
            st.size,
            st.recent,
            st.uid_next
        ),
        (3, 2, 1, total, 3, 4)
    );
    assert_eq!(st.highest_modseq, snap.messages[0].modseq);
    assert_eq!(&s.status(a, i).await.unwrap(), st);

    let recs = s.records(a, i, &uids(&[3, 1, 99, 1])).await.unwrap();
    assert_eq!(recs.iter().map(|r| r.uid.get()).collect::<Vec<_>>(), [1, 3]);
    assert_eq!(recs[0].internal_date, date);
    assert_eq!(recs[0].internal_date.offset().local_minus_utc(), 7200);
    assert_eq!(recs[0].size as usize, message(1).len());
    assert_eq!(recs[0].flags, snap.messages[0].flags);
    assert_eq!(recs[1].modseq, snap.messages[2].modseq);
    assert_eq!(s.blob(a, &recs[0].blob).await.unwrap(), message(1));
    assert_eq!(s.blob(a, &recs[1].blob).await.unwrap(), message(3));
    assert_eq!(recs[0].parsed.root.body_end, message(1).len());
    assert!(matches!(
        s.blob(a, &BlobId("../../etc/passwd".into())).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.blob(a, &BlobId("0".repeat(64))).await,
        Err(StoreError::NotFound(_))
    ));
    // Many UIDs at once (range scan path).
    let many: Vec<NewMessage> = (10..60).map(|n| new_message(n, Flags::default())).collect();
    s.append(a, i, many).await.unwrap();
    let all: Vec<u32> = (1..200).collect();
    assert_eq!(s.records(a, i, &uids(&all)).await.unwrap().len(), 53);
    let odd: Vec<u32> = (1..200).filter(|u| u % 2 == 1).collect();
    let recs = s.records(a, i, &uids(&odd)).await.unwrap();
    assert!(recs.iter().all(|r| r.uid.get() % 2 == 1));
    assert_eq!(recs.len(), 27);
    // Unknown mailbox.
    assert!(matches!(
        s.snapshot(a, MailboxId(999_999)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.append(
            a,
            MailboxId(999_999),
            vec![new_message(1, Flags::default())]
        )
        .await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn multiappend_is_all_or_nothing(s: &dyn Store) {
    let (a, i) = setup(s, "alice").await;
    let bad = vec![
        new_message(1, Flags::default()),
        new_message(2, flags(0, &["bad keyword"])),
    ];
    assert!(s.append(a, i, bad).await.is_err());
    let st = s.status(a, i).await.unwrap();
    assert_eq!((st.messages, st.uid_next), (0, 1));
    assert!(
        s.check().await.unwrap().is_empty(),
        "{:?}",
        s.check().await.unwrap()
    );
    let r = s.append(a, i, vec![]).await.unwrap();
    assert!(r.uids.is_empty());
}

pub async fn uids_never_reused_after_expunge(s: &dyn Store) {
    let (a, i) = setup(s, "alice").await;
    assert_eq!(append(s, a, i, &[1, 2, 3]).await, [1, 2, 3]);
    s.store_flags(
        a,
        i,
        &uids(&[2, 3]),
        FlagOp::Add,
        &flags(Flags::DELETED, &[]),
        None,
    )
    .await
    .unwrap();
    assert_eq!(nums(&s.expunge(a, i, None).await.unwrap()), [2, 3]);
    assert_eq!(append(s, a, i, &[4]).await, [4]);
    assert_eq!(s.status(a, i).await.unwrap().uid_next, 5);
}

pub async fn modseq_and_delta(s: &dyn Store) {
    let (a, i) = setup(s, "alice").await;
    let m0 = s.status(a, i).await.unwrap().highest_modseq;
    assert!(m0.0 >= 1);
    append(s, a, i, &[1, 2, 3]).await;
    let m1 = s.highest_modseq(a, i).await.unwrap();
    assert!(m1 > m0);
    let d = s.delta(a, i, m0).await.unwrap();
    assert_eq!(d.changed.len(), 3);
    assert_eq!(d.highest_modseq, m1);
    assert!(s.delta(a, i, m1).await.unwrap().changed.is_empty());

    let r = s
        .store_flags(
            a,
            i,
            &uids(&[2]),
            FlagOp::Add,
            &flags(Flags::SEEN, &["Todo"]),
            None,
        )
        .await
        .unwrap();
    let m2 = s.highest_modseq(a, i).await.unwrap();
    assert!(m2 > m1);
    assert_eq!(r.changed.len(), 1);
    assert_eq!(r.changed[0].modseq, m2);
    let d = s.delta(a, i, m1).await.unwrap();
    assert_eq!(
        d.changed.iter().map(|m| m.uid.get()).collect::<Vec<_>>(),
        [2]
    );
    assert_eq!(d.changed[0].flags, flags(Flags::SEEN, &["Todo"]));
    assert!(d.keywords.contains(&"Todo".to_string()));
    assert!(d.expunged.is_empty());

    s.store_flags(
        a,
        i,
        &uids(&[1, 3]),
        FlagOp::Add,
        &flags(Flags::DELETED, &[]),
        None,
    )
    .await
    .unwrap();
    let m3 = s.highest_modseq(a, i).await.unwrap();
    s.expunge(a, i, Some(&uids(&[3]))).await.unwrap();
    let m4 = s.highest_modseq(a, i).await.unwrap();
    assert!(m4 > m3);
    let d = s.delta(a, i, m3).await.unwrap();
    assert!(d.changed.is_empty());
    assert_eq!(nums(&d.expunged), [3]);
    let d = s.delta(a, i, m1).await.unwrap();
    assert_eq!(
        d.changed.iter().map(|m| m.uid.get()).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(nums(&d.expunged), [3]);
    assert_eq!(
        s.delta(a, i, ModSeq(u64::MAX)).await.unwrap().changed.len(),
        0
    );
    // A claim of \Recent or a no-op STORE does not move HIGHESTMODSEQ.
    s.claim_recent(a, i).await.unwrap();
    s.store_flags(
        a,
        i,
        &uids(&[2]),
        FlagOp::Add,
        &flags(Flags::SEEN, &["todo"]),
        None,
    )
    .await
    .unwrap();
    assert_eq!(s.highest_modseq(a, i).await.unwrap(), m4);
}

pub async fn store_flags_ops(s: &dyn Store) {
    let (a, i) = setup(s, "alice").await;
    append(s, a, i, &[1, 2]).await;
    let all = uids(&[1, 2, 7]);
    let r = s
        .store_flags(
            a,
            i,
            &all,
            FlagOp::Add,
            &flags(Flags::SEEN, &["$Junk", "x"]),
            None,
        )
        .await
        .unwrap();
    assert_eq!(r.changed.len(), 2);
    assert!(r.modified.is_empty());
    // Keywords compare case-insensitively: adding "X" changes nothing.
    let r = s
        .store_flags(a, i, &all, FlagOp::Add, &flags(Flags::SEEN, &["X"]), None)
        .await
        .unwrap();
    assert!(r.changed.is_empty());
    let r = s
        .store_flags(
            a,
            i,
            &uids(&[1]),
            FlagOp::Remove,
            &flags(Flags::SEEN, &["$JUNK"]),
            None,
        )
        .await
        .unwrap();
    assert_eq!(r.changed[0].flags, flags(0, &["x"]));
    let r = s
        .store_flags(
            a,
            i,
            &uids(&[2]),
            FlagOp::Replace,
            &flags(Flags::ANSWERED | Flags::DRAFT, &["y", "Y"]),
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        r.changed[0].flags,
        flags(Flags::ANSWERED | Flags::DRAFT, &["y"])
    );
    let snap = s.snapshot(a, i).await.unwrap();
    assert_eq!(snap.messages[0].flags, flags(0, &["x"]));
    assert_eq!(
        snap.messages[1].flags,
        flags(Flags::ANSWERED | Flags::DRAFT, &["y"])
    );
    assert!(
        s.store_flags(a, i, &all, FlagOp::Add, &flags(0, &["a b"]), None)
            .await
            .is_err()
    );
    assert!(
        s.store_flags(a, i, &all, FlagOp::Add, &flags(0x80, &[]), None)
            .await
            .is_err()
    );

    // Without keywords in the request (the embedded store's one-pass path): keywords
    // stay, except that Replace drops them; only real changes get the one new modseq.
    let store = move |op, bits, set: &'static [u32]| async move {
        s.store_flags(a, i, &uids(set), op, &flags(bits, &[]), None)
            .await
            .unwrap()
    };
    let r = store(FlagOp::Add, Flags::FLAGGED, &[1, 2, 7]).await;
    let m = s.highest_modseq(a, i).await.unwrap();
    assert_eq!(
        r.changed
            .iter()
            .map(|c| (c.uid.get(), c.modseq, c.flags.clone()))
            .collect::<Vec<_>>(),
        [
            (1, m, flags(Flags::FLAGGED, &["x"])),
            (
                2,
                m,
                flags(Flags::ANSWERED | Flags::DRAFT | Flags::FLAGGED, &["y"])
            ),
        ]
    );
    assert!(
        store(FlagOp::Add, Flags::FLAGGED, &[1, 2])
            .await
            .changed
            .is_empty()
    );
    assert_eq!(s.highest_modseq(a, i).await.unwrap(), m);
    let r = store(FlagOp::Remove, Flags::DRAFT, &[1, 2]).await;
    assert_eq!(
        nums(&r.changed.iter().map(|c| c.uid).collect::<Vec<_>>()),
        [2]
    );
    assert_eq!(
        r.changed[0].flags,
        flags(Flags::ANSWERED | Flags::FLAGGED, &["y"])
    );
    assert!(r.changed[0].modseq > m);
    let r = store(FlagOp::Replace, Flags::FLAGGED, &[1, 2]).await;
    assert_eq!(r.changed.len(), 2);
    assert!(
        r.changed
            .iter()
            .all(|c| c.flags == flags(Flags::FLAGGED, &[]))
    );
    let m = s.highest_modseq(a, i).await.unwrap();
    assert!(
        store(FlagOp::Replace, Flags::FLAGGED, &[1, 2])
            .await
            .changed
            .is_empty()
    );
    assert_eq!(s.highest_modseq(a, i).await.unwrap(), m);
    let snap = s.snapshot(a, i).await.unwrap();
    assert!(
        snap.messages
            .iter()
            .all(|x| x.flags == flags(Flags::FLAGGED, &[]))
    );
}

pub async fn unchanged_since(s: &dyn Store) {
    let (a, i) = setup(s, "alice").await;
    append(s, a, i, &[1, 2, 3]).await;
    let m1 = s.highest_modseq(a, i).await.unwrap();
    s.store_flags(
        a,
        i,
        &uids(&[2]),
        FlagOp::Add,
        &flags(Flags::FLAGGED, &[]),
        None,
    )
    .await
    .unwrap();
    // RFC 7162 §3.1.3: UID 2 changed after m1, so it is left alone and reported.
    let r = s
        .store_flags(
            a,
            i,
            &uids(&[1, 2, 3]),
            FlagOp::Add,
            &flags(Flags::SEEN, &[]),
            Some(m1),
        )
        .await
        .unwrap();
    assert_eq!(nums(&r.modified), [2]);
    assert_eq!(
        r.changed.iter().map(|m| m.uid.get()).collect::<Vec<_>>(),
        [1, 3]
    );
    let snap = s.snapshot(a, i).await.unwrap();
    assert!(!snap.messages[1].flags.is_seen());
    // UNCHANGEDSINCE 0 always fails.
    let r = s
        .store_flags(
            a,
            i,
            &uids(&[1]),
            FlagOp::Add,
            &flags(Flags::DRAFT, &[]),
            Some(ModSeq(0)),
        )
        .await
        .unwrap();
    assert_eq!(nums(&r.modified), [1]);
    assert!(r.changed.is_empty());
}

pub async fn expunge_only_deleted(s: &dyn Store) {
    let (a, i) = setup(s, "alice").await;
    append(s, a, i, &[1, 2, 3, 4]).await;
    s.store_flags(
        a,
        i,
        &uids(&[1, 2, 4]),
        FlagOp::Add,
        &flags(Flags::DELETED, &[]),
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        nums(&s.expunge(a, i, Some(&uids(&[2, 3]))).await.unwrap()),
        [2]
    );
    assert_eq!(nums(&s.expunge(a, i, None).await.unwrap()), [1, 4]);
    assert!(s.expunge(a, i, None).await.unwrap().is_empty());
    let snap = s.snapshot(a, i).await.unwrap();
    assert_eq!(
        snap.messages
            .iter()
            .map(|m| m.uid.get())
            .collect::<Vec<_>>(),
        [3]
    );
}

pub async fn copy_messages(s: &dyn Store) {
    let (a, i) = setup(s, "alice").await;
    let dst = s.mailbox(a, "Archive").await.unwrap().unwrap();
    append(s, a, dst.id, &[100]).await;
    append(s, a, i, &[1, 2, 3]).await;
    s.store_flags(
        a,
        i,
        &uids(&[3]),
        FlagOp::Add,
        &flags(Flags::SEEN, &["$Important"]),
        None,
    )
    .await
    .unwrap();
    let before = s.highest_modseq(a, dst.id).await.unwrap();
    let r = s.copy(a, i, &uids(&[3, 1, 42]), dst.id).await.unwrap();
    assert_eq!(r.uid_validity, dst.uid_validity);
    assert_eq!(
        r.pairs
            .iter()
            .map(|(f, t)| (f.get(), t.get()))
            .collect::<Vec<_>>(),
        [(1, 2), (3, 3)]
    );
    let snap = s.snapshot(a, dst.id).await.unwrap();
    assert_eq!(snap.messages.len(), 3);
    assert_eq!(snap.messages[2].flags, flags(Flags::SEEN, &["$Important"]));
    assert!(snap.messages[2].modseq > before);
    assert!(snap.keywords.contains(&"$Important".to_string()));
    assert_eq!(snap.status.recent, 3);
    assert_eq!(
        s.status(a, i).await.unwrap().messages,
        3,
        "copy leaves the source alone"
    );
    let recs = s.records(a, dst.id, &uids(&[2])).await.unwrap();
    assert_eq!(s.blob(a, &recs[0].blob).await.unwrap(), message(1));
    // Nothing matched: empty result.
    assert!(
        s.copy(a, i, &uids(&[77]), dst.id)
            .await
            .unwrap()
            .pairs
            .is_empty()
    );
    // Copy into the same mailbox.
    let r = s.copy(a, i, &uids(&[2]), i).await.unwrap();
    assert_eq!(
        r.pairs
            .iter()
            .map(|(f, t)| (f.get(), t.get()))
            .collect::<Vec<_>>(),
        [(2, 4)]
    );
    // Expunging the original leaves the copy readable.
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
    assert_eq!(s.blob(a, &recs[0].blob).await.unwrap(), message(1));
    assert!(
        s.check().await.unwrap().is_empty(),
        "{:?}",
        s.check().await.unwrap()
    );
}

pub async fn move_messages(s: &dyn Store) {
    let (a, i) = setup(s, "alice").await;
    let dst = s.mailbox(a, "Trash").await.unwrap().unwrap().id;
    append(s, a, i, &[1, 2, 3]).await;
    s.store_flags(
        a,
        i,
        &uids(&[2]),
        FlagOp::Add,
        &flags(Flags::ANSWERED, &[]),
        None,
    )
    .await
    .unwrap();
    let src_before = s.highest_modseq(a, i).await.unwrap();
    let r = s.move_messages(a, i, &uids(&[2, 3]), dst).await.unwrap();
    assert_eq!(
        r.pairs
            .iter()
            .map(|(f, t)| (f.get(), t.get()))
            .collect::<Vec<_>>(),
        [(2, 1), (3, 2)]
    );
    let src = s.snapshot(a, i).await.unwrap();
    assert_eq!(
        src.messages.iter().map(|m| m.uid.get()).collect::<Vec<_>>(),
        [1]
    );
    let d = s.delta(a, i, src_before).await.unwrap();
    assert_eq!(
        nums(&d.expunged),
        [2, 3],
        "MOVE records expunges in the source"
    );
    let dsnap = s.snapshot(a, dst).await.unwrap();
    assert_eq!(dsnap.messages.len(), 2);
    assert!(dsnap.messages[0].flags.has(Flags::ANSWERED));
    // Move within one mailbox renumbers.
    let r = s.move_messages(a, i, &uids(&[1]), i).await.unwrap();
    assert_eq!(
        r.pairs
            .iter()
            .map(|(f, t)| (f.get(), t.get()))
            .collect::<Vec<_>>(),
        [(1, 4)]
    );
    let snap = s.snapshot(a, i).await.unwrap();
    assert_eq!(
        snap.messages
            .iter()
            .map(|m| m.uid.get())
            .collect::<Vec<_>>(),
        [4]
    );
    assert_eq!(snap.status.uid_next, 5);
    assert!(
        s.check().await.unwrap().is_empty(),
        "{:?}",
        s.check().await.unwrap()
    );
    let recs = s.records(a, dst, &uids(&[1, 2])).await.unwrap();
    assert_eq!(s.blob(a, &recs[1].blob).await.unwrap(), message(3));
}

pub async fn claim_recent(s: &dyn Store) {
    let (a, i) = setup(s, "alice").await;
    assert_eq!(s.claim_recent(a, i).await.unwrap(), (0, 0));
    append(s, a, i, &[1, 2]).await;
    assert_eq!(s.status(a, i).await.unwrap().recent, 2);
    assert_eq!(s.claim_recent(a, i).await.unwrap(), (0, 2));
    assert_eq!(s.status(a, i).await.unwrap().recent, 0);
    assert_eq!(s.claim_recent(a, i).await.unwrap(), (2, 2));
    append(s, a, i, &[3]).await;
    assert_eq!(s.status(a, i).await.unwrap().recent, 1);
    assert_eq!(s.claim_recent(a, i).await.unwrap(), (2, 3));
}

pub async fn change_feed(s: &dyn Store) {
    let mut rx = s.subscribe();
    let (a, i) = setup(s, "alice").await;
    assert_eq!(rx.recv().await.unwrap(), Change::MailboxList { account: a });
    append(s, a, i, &[1]).await;
    let m = s.highest_modseq(a, i).await.unwrap();
    assert_eq!(
        rx.recv().await.unwrap(),
        Change::Mailbox {
            account: a,
            mailbox: i,
            modseq: m
        }
    );
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
    let m = s.highest_modseq(a, i).await.unwrap();
    assert_eq!(
        rx.recv().await.unwrap(),
        Change::Mailbox {
            account: a,
            mailbox: i,
            modseq: m
        }
    );
    // No change, no event.
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
    let m = s.highest_modseq(a, i).await.unwrap();
    assert_eq!(
        rx.recv().await.unwrap(),
        Change::Mailbox {
            account: a,
            mailbox: i,
            modseq: m
        }
    );
    s.create_mailbox(a, "New", None).await.unwrap();
    assert_eq!(rx.recv().await.unwrap(), Change::MailboxList { account: a });
    let new = s.mailbox(a, "New").await.unwrap().unwrap().id;
    append(s, a, i, &[2]).await;
    rx.recv().await.unwrap();
    s.move_messages(a, i, &uids(&[2]), new).await.unwrap();
    let mut got = vec![rx.recv().await.unwrap(), rx.recv().await.unwrap()];
    got.sort_by_key(|c| format!("{c:?}"));
    let mut want = vec![
        Change::Mailbox {
            account: a,
            mailbox: i,
            modseq: s.highest_modseq(a, i).await.unwrap(),
        },
        Change::Mailbox {
            account: a,
            mailbox: new,
            modseq: s.highest_modseq(a, new).await.unwrap(),
        },
    ];
    want.sort_by_key(|c| format!("{c:?}"));
    assert_eq!(got, want);
    s.rename_mailbox(a, "New", "Newer").await.unwrap();
    assert_eq!(rx.recv().await.unwrap(), Change::MailboxList { account: a });
    s.delete_mailbox(a, "Newer").await.unwrap();
    assert_eq!(rx.recv().await.unwrap(), Change::MailboxList { account: a });
    s.set_subscribed(a, "x", true).await.unwrap();
    assert_eq!(rx.recv().await.unwrap(), Change::MailboxList { account: a });
    // Failed operations announce nothing.
    let _ = s.delete_mailbox(a, "INBOX").await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(matches!(rx.try_recv(), Err(TryRecvError::Empty)));
}

pub async fn accounts_are_isolated(s: &dyn Store) {
    let (a, ai) = setup(s, "alice").await;
    let (b, bi) = setup(s, "bob").await;
    append(s, a, ai, &[1]).await;
    let nf = |r: Result<_>| matches!(r, Err(StoreError::NotFound(_)));
    assert!(nf(s.snapshot(b, ai).await.map(|_| ())));
    assert!(nf(s.status(b, ai).await.map(|_| ())));
    assert!(nf(s.records(b, ai, &uids(&[1])).await.map(|_| ())));
    assert!(nf(s
        .append(b, ai, vec![new_message(9, Flags::default())])
        .await
        .map(|_| ())));
    assert!(nf(s
        .store_flags(
            b,
            ai,
            &uids(&[1]),
            FlagOp::Add,
            &flags(Flags::SEEN, &[]),
            None
        )
        .await
        .map(|_| ())));
    assert!(nf(s.copy(b, ai, &uids(&[1]), bi).await.map(|_| ())));
    assert!(nf(s.copy(a, ai, &uids(&[1]), bi).await.map(|_| ())));
    assert!(nf(s
        .move_messages(b, ai, &uids(&[1]), bi)
        .await
        .map(|_| ())));
    assert!(nf(s.expunge(b, ai, None).await.map(|_| ())));
    assert!(nf(s.claim_recent(b, ai).await.map(|_| ())));
    assert!(nf(s.delta(b, ai, ModSeq(0)).await.map(|_| ())));
    assert_eq!(s.status(a, ai).await.unwrap().messages, 1);
    assert_eq!(s.status(b, bi).await.unwrap().messages, 0);
}

pub async fn check_healthy(s: &dyn Store) {
    assert!(s.check().await.unwrap().is_empty());
    let (a, i) = setup(s, "alice").await;
    let (b, bi) = setup(s, "bob").await;
    append(s, a, i, &[1, 2, 3]).await;
    append(s, b, bi, &[1, 2]).await;
    s.copy(a, i, &uids(&[1]), i).await.unwrap();
    s.store_flags(
        a,
        i,
        &uids(&[2]),
        FlagOp::Add,
        &flags(Flags::DELETED, &[]),
        None,
    )
    .await
    .unwrap();
    s.expunge(a, i, None).await.unwrap();
    assert_eq!(s.check().await.unwrap(), Vec::<String>::new());
    s.delete_account("bob").await.unwrap();
    assert_eq!(s.check().await.unwrap(), Vec::<String>::new());
}
