//! Runs the store conformance suite (tests/suite) against the embedded backend, plus the
//! embedded-only tests: blob files, reopening, crashes, corruption, two processes.

mod suite;

use std::path::{Path, PathBuf};

use loft_store::*;

async fn fresh() -> (tempfile::TempDir, EmbeddedStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = EmbeddedStore::open(dir.path()).await.unwrap();
    (dir, store)
}

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $name() {
            let (_dir, s) = fresh().await;
            suite::$name(&s).await;
        }
    )*};
}

conformance!(
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
    vanished_since,
    expunge_log_entries,
    save_date_on_save,
    import_dedup_lookup,
    append_keeping_uids,
    expunge_only_deleted,
    copy_messages,
    move_messages,
    claim_recent,
    change_feed,
    accounts_are_isolated,
    check_healthy,
    metadata_entries,
    search_index_matches_scan,
    records_with_detail,
    records_with_content,
    numeric_sort_keys,
);

#[test]
fn every_suite_test_runs_here() {
    // Keeps the macro list above in step with suite::ALL.
    assert_eq!(suite::ALL.len(), 30);
}

// --- embedded only ---

fn blob_files(data: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for d in std::fs::read_dir(data.join("blobs")).unwrap() {
        let d = d.unwrap();
        if d.file_name() == "tmp" {
            continue;
        }
        for f in std::fs::read_dir(d.path()).unwrap() {
            out.push(f.unwrap().path());
        }
    }
    out
}

async fn setup(s: &dyn Store, name: &str) -> (AccountId, MailboxId) {
    let a = s.create_account(name, "h").await.unwrap();
    (a, s.mailbox(a, "INBOX").await.unwrap().unwrap().id)
}

fn msgs(ns: &[u32]) -> Vec<NewMessage> {
    ns.iter()
        .map(|&n| suite::new_message(n, Flags::default()))
        .collect()
}

/// Message `n` with an incompressible 128 KiB body: too big to be stored inline
/// (blobs.rs `INLINE_MAX_BYTES`), so it is a blob file.
fn file_message(n: u32) -> Vec<u8> {
    let mut m = suite::message(n);
    let mut x = u64::from(n) + 1;
    for i in 0..128 * 1024 {
        // xorshift: deterministic, incompressible base64-alphabet text.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        m.push(if i % 76 == 75 {
            b'\n'
        } else {
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[(x % 64) as usize]
        });
    }
    m
}

fn file_msgs(ns: &[u32]) -> Vec<NewMessage> {
    ns.iter()
        .map(|&n| NewMessage {
            content: file_message(n),
            flags: Flags::default(),
            internal_date: None,
        })
        .collect()
}

#[tokio::test]
async fn open_creates_layout() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("nested/data");
    let _s = EmbeddedStore::open(&data).await.unwrap();
    assert!(data.join("loft.db").is_file());
    assert!(data.join("blobs").is_dir());
}

#[tokio::test]
async fn identical_messages_share_one_blob_file() {
    let (dir, s) = fresh().await;
    let (a, ai) = setup(&s, "alice").await;
    let (b, bi) = setup(&s, "bob").await;
    // Twice in one MULTIAPPEND, once more in each account.
    s.append(a, ai, file_msgs(&[1, 1])).await.unwrap();
    s.append(a, ai, file_msgs(&[1])).await.unwrap();
    s.append(b, bi, file_msgs(&[1])).await.unwrap();
    assert_eq!(blob_files(dir.path()).len(), 1);
    s.append(b, bi, file_msgs(&[2])).await.unwrap();
    assert_eq!(blob_files(dir.path()).len(), 2);
    assert!(s.check().await.unwrap().is_empty());

    // The file goes only with the last reference.
    s.delete_account("alice").await.unwrap();
    assert_eq!(blob_files(dir.path()).len(), 2);
    s.store_flags(
        b,
        bi,
        &suite::uids(&[1]),
        FlagOp::Add,
        &suite::flags(Flags::DELETED, &[]),
        None,
    )
    .await
    .unwrap();
    s.expunge(b, bi, None).await.unwrap();
    assert_eq!(blob_files(dir.path()).len(), 1);
    s.delete_mailbox(b, "INBOX").await.unwrap_err();
    s.delete_account("bob").await.unwrap();
    assert!(blob_files(dir.path()).is_empty());
    assert!(s.check().await.unwrap().is_empty());

    // And a message stored again after its file went is written again.
    let (c, ci) = setup(&s, "carol").await;
    s.append(c, ci, file_msgs(&[1])).await.unwrap();
    let recs = s.records(c, ci, &suite::uids(&[1])).await.unwrap();
    assert_eq!(s.blob(c, &recs[0].blob).await.unwrap(), file_message(1));
}

#[tokio::test]
async fn uids_and_modseq_survive_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let (a, i, v, m) = {
        let s = EmbeddedStore::open(dir.path()).await.unwrap();
        let (a, i) = setup(&s, "alice").await;
        s.append(a, i, msgs(&[1, 2, 3])).await.unwrap();
        s.store_flags(
            a,
            i,
            &suite::uids(&[2, 3]),
            FlagOp::Add,
            &suite::flags(Flags::DELETED, &[]),
            None,
        )
        .await
        .unwrap();
        s.expunge(a, i, None).await.unwrap();
        let st = s.status(a, i).await.unwrap();
        (a, i, st.uid_validity, st.highest_modseq)
    };
    let s = EmbeddedStore::open(dir.path()).await.unwrap();
    let st = s.status(a, i).await.unwrap();
    assert_eq!(
        (st.uid_validity, st.highest_modseq, st.uid_next, st.messages),
        (v, m, 4, 1)
    );
    let r = s.append(a, i, msgs(&[4])).await.unwrap();
    assert_eq!(r.uids[0].get(), 4);
    assert!(s.highest_modseq(a, i).await.unwrap() > m);
    assert_eq!(
        suite::uids(&[2, 3]),
        s.delta(a, i, ModSeq(m.0 - 1)).await.unwrap().expunged
    );
}

#[tokio::test]
async fn acknowledged_appends_survive_an_unclean_stop() {
    let dir = tempfile::tempdir().unwrap();
    let (a, i) = {
        let s = EmbeddedStore::open(dir.path()).await.unwrap();
        let (a, i) = setup(&s, "alice").await;
        for n in 0..20 {
            s.append(a, i, msgs(&[n])).await.unwrap();
        }
        // No shutdown at all: the threads and connections are leaked, nothing is
        // checkpointed or closed.
        std::mem::forget(s);
        (a, i)
    };
    let s = EmbeddedStore::open(dir.path()).await.unwrap();
    let snap = s.snapshot(a, i).await.unwrap();
    assert_eq!(snap.messages.len(), 20);
    let recs = s
        .records(a, i, &suite::uids(&(1..=20).collect::<Vec<_>>()))
        .await
        .unwrap();
    for (n, r) in recs.iter().enumerate() {
        assert_eq!(s.blob(a, &r.blob).await.unwrap(), suite::message(n as u32));
    }
    assert!(s.check().await.unwrap().is_empty());
}

#[tokio::test]
async fn check_reports_missing_corrupt_and_orphan_blobs() {
    let (dir, s) = fresh().await;
    let (a, i) = setup(&s, "alice").await;
    s.append(a, i, file_msgs(&[1, 2, 3])).await.unwrap();
    let recs = s.records(a, i, &suite::uids(&[1, 2])).await.unwrap();
    let path = |id: &BlobId| dir.path().join("blobs").join(&id.0[..2]).join(&id.0[2..]);
    assert!(s.check().await.unwrap().is_empty());

    std::fs::remove_file(path(&recs[0].blob)).unwrap();
    // Valid zstd, wrong content.
    std::fs::write(
        path(&recs[1].blob),
        zstd::encode_all(&b"not the message"[..], 3).unwrap(),
    )
    .unwrap();
    let orphan = "ab".to_string() + &"c".repeat(62);
    std::fs::create_dir_all(dir.path().join("blobs/ab")).unwrap();
    std::fs::write(dir.path().join("blobs/ab").join(&orphan[2..]), b"x").unwrap();

    let problems = s.check().await.unwrap();
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(
        problems
            .iter()
            .any(|p| p.contains(&recs[0].blob.0) && p.contains("missing")),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains(&recs[1].blob.0) && p.contains("corrupt")),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains(&orphan) && p.contains("orphan")),
        "{problems:#?}"
    );
    assert!(matches!(
        s.blob(a, &recs[0].blob).await,
        Err(StoreError::NotFound(_))
    ));

    // Garbage that is not even zstd.
    std::fs::write(path(&recs[1].blob), b"garbage").unwrap();
    let problems = s.check().await.unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.contains(&recs[1].blob.0) && p.contains("decompress")),
        "{problems:#?}"
    );
}

#[tokio::test]
async fn stale_temp_files_are_removed_on_open() {
    let dir = tempfile::tempdir().unwrap();
    drop(EmbeddedStore::open(dir.path()).await.unwrap());
    let tmp = dir.path().join("blobs/tmp");
    let old = tmp.join("stale");
    let young = tmp.join("in-progress");
    std::fs::write(&old, b"partial").unwrap();
    std::fs::write(&young, b"partial").unwrap();
    let f = std::fs::File::options().write(true).open(&old).unwrap();
    f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600))
        .unwrap();
    drop(f);
    let s = EmbeddedStore::open(dir.path()).await.unwrap();
    assert!(!old.exists());
    assert!(
        young.exists(),
        "may belong to another process writing right now"
    );
    assert!(s.check().await.unwrap().is_empty());
}

#[tokio::test]
async fn two_handles_on_one_directory() {
    // The CLI opens the data directory while the server runs: two stores, one directory.
    let (dir, server) = fresh().await;
    let cli = EmbeddedStore::open(dir.path()).await.unwrap();
    let (a, i) = setup(&cli, "alice").await;
    assert_eq!(server.account("alice").await.unwrap().unwrap().id, a);
    let mut tasks = Vec::new();
    for n in 0..10u32 {
        let (s1, s2) = (server.clone(), cli.clone());
        tasks.push(tokio::spawn(async move {
            let s: &dyn Store = if n % 2 == 0 { &s1 } else { &s2 };
            s.append(a, i, msgs(&[n % 3])).await.unwrap();
            if n % 4 == 0 {
                s.store_flags(
                    a,
                    i,
                    &suite::uids(&[1, 2, 3]),
                    FlagOp::Add,
                    &suite::flags(Flags::DELETED, &[]),
                    None,
                )
                .await
                .unwrap();
                s.expunge(a, i, None).await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let a_snap = server.snapshot(a, i).await.unwrap();
    let b_snap = cli.snapshot(a, i).await.unwrap();
    assert_eq!(a_snap.status, b_snap.status);
    assert_eq!(a_snap.status.uid_next, 11);
    assert!(
        server.check().await.unwrap().is_empty(),
        "{:?}",
        server.check().await.unwrap()
    );
}

#[tokio::test]
async fn large_mailbox_snapshot() {
    let (_dir, s) = fresh().await;
    let (a, i) = setup(&s, "alice").await;
    // Each distinct blob costs two fsyncs, so this stays small; it exercises the
    // range-scan paths of STORE and SELECT.
    for chunk in 0..3u32 {
        let batch: Vec<NewMessage> = (0..100)
            .map(|n| suite::new_message(chunk * 100 + n, Flags::default()))
            .collect();
        s.append(a, i, batch).await.unwrap();
    }
    let all: Vec<Uid> = suite::uids(&(1..=300).collect::<Vec<_>>());
    let r = s
        .store_flags(
            a,
            i,
            &all,
            FlagOp::Add,
            &suite::flags(Flags::SEEN, &[]),
            None,
        )
        .await
        .unwrap();
    assert_eq!(r.changed.len(), 300);
    let snap = s.snapshot(a, i).await.unwrap();
    assert_eq!(snap.messages.len(), 300);
    assert_eq!(snap.status.unseen, 0);
    assert!(snap.messages.windows(2).all(|w| w[0].uid < w[1].uid));
}
