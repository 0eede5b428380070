//! Group commit of the embedded store (db.rs): many sessions writing at once share
//! commits, yet every Ok is durable and every job stands or fails alone.

use std::collections::BTreeSet;
use std::path::Path;

use loft_store::*;

fn message(n: u32) -> Vec<u8> {
    format!(
        "From: Alice <alice@example.com>\r\nTo: bob@example.com\r\nSubject: group {n}\r\n\
         Message-ID: <g{n}@example.com>\r\n\r\nbody of message {n}\r\n"
    )
    .into_bytes()
}

fn new_message(n: u32) -> NewMessage {
    NewMessage {
        content: message(n),
        flags: Flags::default(),
        internal_date: None,
    }
}

async fn setup(s: &EmbeddedStore) -> (AccountId, MailboxId) {
    let a = s.create_account("alice", "x").await.unwrap();
    let i = s
        .mailbox(a, "INBOX")
        .await
        .unwrap()
        .expect("INBOX exists")
        .id;
    (a, i)
}

/// Appends `n` messages from `n` concurrent tasks (some with two messages), and some that
/// must fail (a mailbox that does not exist); returns (uid, message number) of every Ok.
async fn concurrent_appends(
    s: &EmbeddedStore,
    a: AccountId,
    i: MailboxId,
    n: u32,
) -> Vec<(u32, u32)> {
    let mut tasks = Vec::new();
    for k in 0..n {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            if k % 10 == 7 {
                // Fails inside the batch: the others must not notice.
                let r = s
                    .append(a, MailboxId(i.0 + 10_000), vec![new_message(1_000_000 + k)])
                    .await;
                assert!(r.is_err());
                return Vec::new();
            }
            let batch: Vec<u32> = if k % 5 == 0 {
                vec![k * 2, k * 2 + 1]
            } else {
                vec![k * 2]
            };
            let r = s
                .append(a, i, batch.iter().map(|&m| new_message(m)).collect())
                .await
                .unwrap();
            assert_eq!(r.uids.len(), batch.len());
            // A multi-message append gets consecutive UIDs.
            for w in r.uids.windows(2) {
                assert_eq!(w[1].get(), w[0].get() + 1);
            }
            r.uids
                .iter()
                .map(|u| u.get())
                .zip(batch)
                .collect::<Vec<_>>()
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.extend(t.await.unwrap());
    }
    out
}

async fn assert_holds(s: &EmbeddedStore, a: AccountId, i: MailboxId, acked: &[(u32, u32)]) {
    let snap = s.snapshot(a, i).await.unwrap();
    let have: BTreeSet<u32> = snap.messages.iter().map(|m| m.uid.get()).collect();
    let want: BTreeSet<u32> = acked.iter().map(|(u, _)| *u).collect();
    assert_eq!(have, want);
    let uids: Vec<Uid> = acked.iter().map(|(u, _)| Uid::new(*u).unwrap()).collect();
    let records = s.records(a, i, &uids).await.unwrap();
    assert_eq!(records.len(), acked.len());
    for r in records {
        let (_, n) = acked.iter().find(|(u, _)| *u == r.uid.get()).unwrap();
        assert_eq!(
            s.blob(a, &r.blob).await.unwrap(),
            message(*n),
            "uid {:?}",
            r.uid
        );
    }
    assert!(
        s.check().await.unwrap().is_empty(),
        "{:?}",
        s.check().await.unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_appends_get_exact_uids() {
    let dir = tempfile::tempdir().unwrap();
    let s = EmbeddedStore::open(dir.path()).await.unwrap();
    let (a, i) = setup(&s).await;
    let acked = concurrent_appends(&s, a, i, 120).await;
    // 120 tasks, 12 failing, 24 of the rest appending two.
    assert_eq!(acked.len(), 108 + 24);
    // UIDs 1..=N exactly: none lost to a failing job, none reused.
    let uids: BTreeSet<u32> = acked.iter().map(|(u, _)| *u).collect();
    assert_eq!(uids, (1..=acked.len() as u32).collect());
    assert_eq!(
        s.status(a, i).await.unwrap().uid_next,
        acked.len() as u32 + 1
    );
    assert_holds(&s, a, i, &acked).await;
}

/// Flag changes, copies and expunges from many tasks at once: each sees its own result.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_mixed_writes() {
    let dir = tempfile::tempdir().unwrap();
    let s = EmbeddedStore::open(dir.path()).await.unwrap();
    let (a, i) = setup(&s).await;
    let archive = s
        .mailbox(a, "Archive")
        .await
        .unwrap()
        .expect("Archive exists")
        .id;
    let msgs: Vec<NewMessage> = (0..200).map(new_message).collect();
    s.append(a, i, msgs).await.unwrap();
    let mut tasks = Vec::new();
    for k in 0..40u32 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let mine: Vec<Uid> = (k * 5 + 1..=k * 5 + 5)
                .map(|u| Uid::new(u).unwrap())
                .collect();
            let kw = Flags {
                bits: Flags::DELETED,
                keywords: vec![format!("k{k}")],
            };
            let r = s
                .store_flags(a, i, &mine, FlagOp::Add, &kw, None)
                .await
                .unwrap();
            assert_eq!(r.changed.len(), 5);
            let c = s.copy(a, i, &mine, archive).await.unwrap();
            assert_eq!(c.pairs.len(), 5);
            let gone = s.expunge(a, i, Some(&mine[..3])).await.unwrap();
            assert_eq!(gone, mine[..3]);
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(s.status(a, i).await.unwrap().messages, 200 - 120);
    let arch = s.snapshot(a, archive).await.unwrap();
    assert_eq!(arch.messages.len(), 200);
    assert!(
        arch.messages
            .iter()
            .all(|m| m.flags.is_deleted() && m.flags.keywords.len() == 1)
    );
    assert_eq!(arch.keywords.len(), 40);
    assert!(
        s.check().await.unwrap().is_empty(),
        "{:?}",
        s.check().await.unwrap()
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// What a crash leaves: the files as they are on disk right after the acknowledgements,
/// the store never shut down (no checkpoint, WAL in place). Everything acknowledged is
/// there when the copy is opened.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_appends_survive_without_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let s = EmbeddedStore::open(dir.path()).await.unwrap();
    let (a, i) = setup(&s).await;
    let acked = concurrent_appends(&s, a, i, 60).await;
    let crashed = tempfile::tempdir().unwrap();
    // The writer is idle (every job answered); the files are what a SIGKILL would leave.
    copy_dir(dir.path(), crashed.path());
    let reopened = EmbeddedStore::open(crashed.path()).await.unwrap();
    assert_holds(&reopened, a, i, &acked).await;
    // New UIDs continue above every acknowledged one.
    let r = reopened
        .append(a, i, vec![new_message(999_999)])
        .await
        .unwrap();
    assert_eq!(r.uids[0].get(), acked.len() as u32 + 1);
    drop(s);
}
