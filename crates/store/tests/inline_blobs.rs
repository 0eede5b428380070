//! Inline blobs of the embedded store (issue 6): small messages live in `blob_data` inside
//! the database, big ones in blob files, and a store may hold both (stores from before
//! inline blobs hold only files).

use std::path::{Path, PathBuf};

use loft_store::*;
use rusqlite::Connection;

#[path = "suite/mod.rs"]
#[allow(unused_imports)]
mod suite;

/// Every blob file under `data/blobs` (not the temp directory).
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

/// Message `n` with an incompressible 128 KiB body: above the inline limit.
fn big_message(n: u32) -> Vec<u8> {
    let mut m = suite::message(n);
    let mut x = u64::from(n) + 1;
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for i in 0..128 * 1024 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        m.push(if i % 76 == 75 {
            b'\n'
        } else {
            alphabet[(x % 64) as usize]
        });
    }
    m
}

fn new(content: Vec<u8>) -> NewMessage {
    NewMessage {
        content,
        flags: Flags::default(),
        internal_date: None,
    }
}

async fn setup(s: &EmbeddedStore, name: &str) -> (AccountId, MailboxId) {
    let a = s.create_account(name, "h").await.unwrap();
    (a, s.mailbox(a, "INBOX").await.unwrap().unwrap().id)
}

fn db(data: &Path) -> Connection {
    let c = Connection::open(data.join("loft.db")).unwrap();
    c.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
    c
}

fn count(data: &Path, sql: &str) -> i64 {
    db(data).query_row(sql, [], |r| r.get(0)).unwrap()
}

async fn blob_of(s: &EmbeddedStore, a: AccountId, i: MailboxId, uid: u32) -> BlobId {
    s.records(a, i, &suite::uids(&[uid])).await.unwrap()[0]
        .blob
        .clone()
}

/// Turns an inline blob into a file, as a store from before inline blobs holds it.
fn make_file(data: &Path, blob: &BlobId) {
    let c = db(data);
    let hash = hex::decode(&blob.0).unwrap();
    let z: Vec<u8> = c
        .query_row(
            "SELECT d.data FROM blob_data d JOIN blobs b ON b.id = d.blob_id WHERE b.sha256 = ?1",
            [&hash],
            |r| r.get(0),
        )
        .unwrap();
    let dir = data.join("blobs").join(&blob.0[..2]);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(&blob.0[2..]), z).unwrap();
    c.execute(
        "DELETE FROM blob_data WHERE blob_id = (SELECT id FROM blobs WHERE sha256 = ?1)",
        [&hash],
    )
    .unwrap();
}

#[tokio::test]
async fn small_messages_are_inline_and_big_ones_files() {
    let dir = tempfile::tempdir().unwrap();
    let s = EmbeddedStore::open(dir.path()).await.unwrap();
    let (a, i) = setup(&s, "alice").await;
    s.append(a, i, vec![new(suite::message(1)), new(suite::message(2))])
        .await
        .unwrap();
    assert!(blob_files(dir.path()).is_empty(), "no file for small mail");
    assert_eq!(count(dir.path(), "SELECT count(*) FROM blob_data"), 2);
    for uid in [1, 2] {
        let blob = blob_of(&s, a, i, uid).await;
        assert_eq!(s.blob(a, &blob).await.unwrap(), suite::message(uid));
    }

    s.append(a, i, vec![new(big_message(3))]).await.unwrap();
    let files = blob_files(dir.path());
    assert_eq!(files.len(), 1, "a big message is a file");
    let blob = blob_of(&s, a, i, 3).await;
    assert!(files[0].ends_with(&blob.0[2..]));
    assert_eq!(s.blob(a, &blob).await.unwrap(), big_message(3));
    assert_eq!(count(dir.path(), "SELECT count(*) FROM blob_data"), 2);
    assert_eq!(s.check().await.unwrap(), Vec::<String>::new());

    // Survives a reopen (the bytes were committed with the rows).
    drop(s);
    let s = EmbeddedStore::open(dir.path()).await.unwrap();
    for uid in [1, 2] {
        let blob = blob_of(&s, a, i, uid).await;
        assert_eq!(s.blob(a, &blob).await.unwrap(), suite::message(uid));
    }
}

#[tokio::test]
async fn identical_small_messages_share_one_inline_blob() {
    let dir = tempfile::tempdir().unwrap();
    let s = EmbeddedStore::open(dir.path()).await.unwrap();
    let (a, ai) = setup(&s, "alice").await;
    let (b, bi) = setup(&s, "bob").await;
    s.append(a, ai, vec![new(suite::message(1)), new(suite::message(1))])
        .await
        .unwrap();
    s.append(b, bi, vec![new(suite::message(1))]).await.unwrap();
    // And through the path that keeps UIDs (`loft migrate`, `loft store copy`).
    let st = s.status(b, bi).await.unwrap();
    s.append_with_uids(
        b,
        bi,
        st.uid_validity,
        vec![
            (Uid::new(10).unwrap(), new(suite::message(1))),
            (Uid::new(11).unwrap(), new(suite::message(5))),
        ],
    )
    .await
    .unwrap();
    assert!(blob_files(dir.path()).is_empty());
    assert_eq!(count(dir.path(), "SELECT count(*) FROM blob_data"), 2);
    assert_eq!(
        count(dir.path(), "SELECT max(refcount) FROM blobs"),
        4,
        "one row for the four copies"
    );
    let blob = blob_of(&s, b, bi, 11).await;
    assert_eq!(s.blob(b, &blob).await.unwrap(), suite::message(5));
    assert_eq!(s.check().await.unwrap(), Vec::<String>::new());
}

#[tokio::test]
async fn a_store_with_file_blobs_and_inline_blobs_reads_both() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let (a, i) = {
        let s = EmbeddedStore::open(data).await.unwrap();
        let (a, i) = setup(&s, "alice").await;
        s.append(a, i, vec![new(suite::message(1)), new(suite::message(2))])
            .await
            .unwrap();
        for uid in [1, 2] {
            make_file(data, &blob_of(&s, a, i, uid).await);
        }
        (a, i)
    };
    // Reopened like an upgraded store: messages 1 and 2 are files.
    let s = EmbeddedStore::open(data).await.unwrap();
    assert_eq!(blob_files(data).len(), 2);
    assert_eq!(count(data, "SELECT count(*) FROM blob_data"), 0);
    s.append(a, i, vec![new(suite::message(3))]).await.unwrap();
    // Bytes the store holds as a file are not stored again inline.
    s.append(a, i, vec![new(suite::message(1))]).await.unwrap();
    assert_eq!(blob_files(data).len(), 2);
    assert_eq!(count(data, "SELECT count(*) FROM blob_data"), 1);
    for (uid, n) in [(1, 1), (2, 2), (3, 3), (4, 1)] {
        let blob = blob_of(&s, a, i, uid).await;
        assert_eq!(s.blob(a, &blob).await.unwrap(), suite::message(n));
    }
    assert_eq!(s.check().await.unwrap(), Vec::<String>::new());

    // The search indexer reads both kinds.
    s.index_all().await.unwrap();
    for (needle, uid) in [("message 2", 2), ("message 3", 3)] {
        let hits = s
            .search_index(a, i, SearchField::Body, needle)
            .await
            .unwrap()
            .expect("indexed");
        assert!(hits.unindexed.is_empty(), "{hits:?}");
        assert_eq!(hits.matches, suite::uids(&[uid]), "{needle}");
    }

    // Expunging the last reference of a file blob removes its file; of an inline one, its row.
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
    assert_eq!(blob_files(data).len(), 1);
    assert_eq!(count(data, "SELECT count(*) FROM blob_data"), 0);
    assert_eq!(s.check().await.unwrap(), Vec::<String>::new());
}

#[tokio::test]
async fn expunging_the_last_reference_drops_the_inline_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let s = EmbeddedStore::open(dir.path()).await.unwrap();
    let (a, i) = setup(&s, "alice").await;
    let other = s.create_mailbox(a, "Other", None).await.unwrap();
    s.append(a, i, vec![new(suite::message(1))]).await.unwrap();
    s.copy(a, i, &suite::uids(&[1]), other).await.unwrap();
    let del = |mailbox| {
        let s = s.clone();
        async move {
            s.store_flags(
                a,
                mailbox,
                &suite::uids(&[1]),
                FlagOp::Add,
                &suite::flags(Flags::DELETED, &[]),
                None,
            )
            .await
            .unwrap();
            s.expunge(a, mailbox, None).await.unwrap();
        }
    };
    del(i).await;
    assert_eq!(count(dir.path(), "SELECT count(*) FROM blob_data"), 1);
    del(other).await;
    assert_eq!(count(dir.path(), "SELECT count(*) FROM blob_data"), 0);
    assert_eq!(count(dir.path(), "SELECT count(*) FROM blobs"), 0);

    // Deleting a mailbox or an account drops them too.
    s.append(a, other, vec![new(suite::message(2))])
        .await
        .unwrap();
    s.delete_mailbox(a, "Other").await.unwrap();
    assert_eq!(count(dir.path(), "SELECT count(*) FROM blob_data"), 0);
    s.append(a, i, vec![new(suite::message(3))]).await.unwrap();
    s.delete_account("alice").await.unwrap();
    assert_eq!(count(dir.path(), "SELECT count(*) FROM blob_data"), 0);
    assert_eq!(s.check().await.unwrap(), Vec::<String>::new());
}

#[tokio::test]
async fn check_reports_corrupt_inline_blobs_and_files_duplicating_them() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let s = EmbeddedStore::open(data).await.unwrap();
    let (a, i) = setup(&s, "alice").await;
    s.append(
        a,
        i,
        vec![
            new(suite::message(1)),
            new(suite::message(2)),
            new(suite::message(3)),
        ],
    )
    .await
    .unwrap();
    s.append(a, i, vec![new(big_message(4))]).await.unwrap();
    assert_eq!(s.check().await.unwrap(), Vec::<String>::new());

    let (one, two, three) = (
        blob_of(&s, a, i, 1).await,
        blob_of(&s, a, i, 2).await,
        blob_of(&s, a, i, 3).await,
    );
    let set = |blob: &BlobId, bytes: Vec<u8>| {
        db(data)
            .execute(
                "UPDATE blob_data SET data = ?2
                 WHERE blob_id = (SELECT id FROM blobs WHERE sha256 = ?1)",
                rusqlite::params![hex::decode(&blob.0).unwrap(), bytes],
            )
            .unwrap();
    };
    // Valid zstd, wrong content; and garbage that is not zstd.
    set(&one, zstd::encode_all(&b"not the message"[..], 3).unwrap());
    set(&two, b"garbage".to_vec());
    // A file next to an inline blob is not needed by anything.
    let dir3 = data.join("blobs").join(&three.0[..2]);
    std::fs::create_dir_all(&dir3).unwrap();
    std::fs::write(
        dir3.join(&three.0[2..]),
        zstd::encode_all(&suite::message(3)[..], 3).unwrap(),
    )
    .unwrap();

    let problems = s.check().await.unwrap();
    assert_eq!(problems.len(), 3, "{problems:#?}");
    let has = |blob: &BlobId, word: &str| {
        problems
            .iter()
            .any(|p| p.contains(&blob.0) && p.contains(word))
    };
    assert!(has(&one, "corrupt"), "{problems:#?}");
    assert!(has(&two, "decompress"), "{problems:#?}");
    assert!(has(&three, "orphan"), "{problems:#?}");
    assert!(matches!(s.blob(a, &two).await, Err(StoreError::Corrupt(_))));
}

#[tokio::test]
async fn records_with_content_returns_inline_bytes_with_the_records() {
    let dir = tempfile::tempdir().unwrap();
    let s = EmbeddedStore::open(dir.path()).await.unwrap();
    let (a, i) = setup(&s, "alice").await;
    s.append(
        a,
        i,
        vec![
            new(suite::message(1)),
            new(big_message(2)),
            new(suite::message(3)),
        ],
    )
    .await
    .unwrap();
    for asked in [vec![1], vec![1, 2, 3], vec![3, 2, 1, 1, 2, 3, 4, 5, 6]] {
        let got = s
            .records_with_content(a, i, &suite::uids(&asked), RecordDetail::Full)
            .await
            .unwrap();
        for (r, raw) in got {
            match r.uid.get() {
                2 => assert_eq!(raw, None, "a file is read through blob()"),
                n => assert_eq!(raw, Some(suite::message(n))),
            }
        }
    }
}
