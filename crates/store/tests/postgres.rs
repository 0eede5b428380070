//! Runs the store conformance suite (tests/suite) against the PostgreSQL backend, on a
//! throw-away PostgreSQL 15 cluster started once for this test binary (one database per
//! test), plus the PostgreSQL-only tests: two nodes on one database, exact UIDs under
//! concurrent writers, schema versions, and `loft store copy` both ways and through a
//! routed store.

#[path = "suite/security.rs"]
mod security_suite;
mod suite;

use std::collections::HashSet;
use std::time::Duration;

use loft_store::copy::{Progress, copy_store};
use loft_store::postgres::{SCHEMA_VERSION, testing};
use loft_store::*;

async fn settings() -> PgSettings {
    let url = testing::shared().create_database().await;
    PgSettings {
        pool_size: 4,
        ..PgSettings::new(url)
    }
}

async fn fresh() -> PostgresStore {
    PostgresStore::open(&settings().await)
        .await
        .expect("open PostgresStore on a fresh database")
}

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $name() {
            let s = fresh().await;
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

#[tokio::test]
async fn security_records() {
    let s = fresh().await;
    security_suite::security_records(&s).await;
}

#[tokio::test]
async fn metadata_entries() {
    let s = fresh().await;
    suite::metadata::metadata_entries(&s).await;
}

// --- PostgreSQL only ---

async fn setup(s: &dyn Store, name: &str) -> (AccountId, MailboxId) {
    let a = s.create_account(name, "h").await.unwrap();
    (a, s.mailbox(a, "INBOX").await.unwrap().unwrap().id)
}

/// B's feed only hears A's changes through LISTEN/NOTIFY (there is no poll in the store), so
/// any arrival proves the path; the bound is generous because CI machines are noisy (the
/// sub-second latency is measured, not asserted).
async fn next(rx: &mut tokio::sync::broadcast::Receiver<Change>) -> Change {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("change notified")
        .unwrap()
}

#[tokio::test]
async fn change_on_one_node_reaches_the_other_within_a_second() {
    let cfg = settings().await;
    let a = PostgresStore::open(&cfg).await.unwrap();
    let b = PostgresStore::open(&cfg).await.unwrap();
    let mut feed_b = b.subscribe();
    let (acc, inbox) = setup(&a, "alice").await;
    assert_eq!(
        next(&mut feed_b).await,
        Change::MailboxList { account: acc }
    );
    a.append(acc, inbox, vec![suite::new_message(1, Flags::default())])
        .await
        .unwrap();
    let m = a.highest_modseq(acc, inbox).await.unwrap();
    assert_eq!(
        next(&mut feed_b).await,
        Change::Mailbox {
            account: acc,
            mailbox: inbox,
            modseq: m
        }
    );
    a.store_flags(
        acc,
        inbox,
        &suite::uids(&[1]),
        FlagOp::Add,
        &suite::flags(Flags::DELETED, &[]),
        None,
    )
    .await
    .unwrap();
    a.expunge(acc, inbox, None).await.unwrap();
    let m2 = b.highest_modseq(acc, inbox).await.unwrap();
    let mut last = next(&mut feed_b).await;
    if last
        != (Change::Mailbox {
            account: acc,
            mailbox: inbox,
            modseq: m2,
        })
    {
        last = next(&mut feed_b).await;
    }
    assert_eq!(
        last,
        Change::Mailbox {
            account: acc,
            mailbox: inbox,
            modseq: m2
        }
    );
    // A's own feed gets each change once (its own notifications are skipped).
    let mut feed_a = a.subscribe();
    b.create_mailbox(acc, "FromB", None).await.unwrap();
    assert_eq!(
        next(&mut feed_a).await,
        Change::MailboxList { account: acc }
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(feed_a.try_recv().is_err());
}

#[tokio::test]
async fn concurrent_writers_on_two_nodes_get_exact_uids() {
    let cfg = settings().await;
    let a = PostgresStore::open(&cfg).await.unwrap();
    let b = PostgresStore::open(&cfg).await.unwrap();
    let (acc, inbox) = setup(&a, "alice").await;
    let mut tasks = Vec::new();
    for n in 0..40u32 {
        let s: Box<dyn Store> = if n % 2 == 0 {
            Box::new(a.clone())
        } else {
            Box::new(b.clone())
        };
        tasks.push(tokio::spawn(async move {
            let r = s
                .append(acc, inbox, vec![suite::new_message(n, Flags::default())])
                .await
                .unwrap();
            if n % 5 == 0 {
                s.store_flags(
                    acc,
                    inbox,
                    &r.uids,
                    FlagOp::Add,
                    &suite::flags(Flags::DELETED, &[]),
                    None,
                )
                .await
                .unwrap();
                s.expunge(acc, inbox, Some(&r.uids)).await.unwrap();
            }
            r.uids[0].get()
        }));
    }
    let mut uids = HashSet::new();
    for t in tasks {
        assert!(uids.insert(t.await.unwrap()), "a UID was handed out twice");
    }
    assert_eq!(uids, (1..=40).collect());
    let snap = b.snapshot(acc, inbox).await.unwrap();
    assert_eq!(snap.messages.len(), 32);
    assert!(snap.messages.windows(2).all(|w| w[0].uid < w[1].uid));
    assert_eq!(snap.status.uid_next, 41);
    // 40 appends, 8 flag changes, 8 expunges: one MODSEQ each, none shared.
    assert_eq!(snap.status.highest_modseq, ModSeq(1 + 40 + 16));
    assert!(
        a.check().await.unwrap().is_empty(),
        "{:?}",
        a.check().await.unwrap()
    );
}

#[tokio::test]
async fn identical_messages_share_one_blob_row_per_account() {
    let s = fresh().await;
    let (a, i) = setup(&s, "alice").await;
    let arch = s.mailbox(a, "Archive").await.unwrap().unwrap().id;
    let one = || vec![suite::new_message(1, Flags::default())];
    s.append(
        a,
        i,
        vec![
            suite::new_message(1, Flags::default()),
            suite::new_message(1, Flags::default()),
        ],
    )
    .await
    .unwrap();
    s.append(a, arch, one()).await.unwrap();
    s.copy(a, i, &suite::uids(&[1]), arch).await.unwrap();
    let cluster = testing::shared();
    let _ = cluster;
    assert!(s.check().await.unwrap().is_empty());
    // Every reference goes: the row goes, and the message can be stored again.
    for m in [i, arch] {
        let all: Vec<Uid> = s
            .snapshot(a, m)
            .await
            .unwrap()
            .messages
            .iter()
            .map(|m| m.uid)
            .collect();
        s.store_flags(
            a,
            m,
            &all,
            FlagOp::Add,
            &suite::flags(Flags::DELETED, &[]),
            None,
        )
        .await
        .unwrap();
        s.expunge(a, m, None).await.unwrap();
    }
    assert!(s.check().await.unwrap().is_empty());
    s.append(a, i, one()).await.unwrap();
    let r = s.records(a, i, &suite::uids(&[3])).await.unwrap();
    assert_eq!(s.blob(a, &r[0].blob).await.unwrap(), suite::message(1));
}

#[tokio::test]
async fn unreachable_database_is_a_clear_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let cfg = PgSettings::new(format!("postgres://loft:secret@127.0.0.1:{port}/mail"));
    let err = PostgresStore::open(&cfg).await.unwrap_err().to_string();
    assert!(err.contains(&format!("127.0.0.1:{port}/mail")), "{err}");
    assert!(
        !err.contains("secret"),
        "the password must not be in messages: {err}"
    );
    assert!(!format!("{cfg:?}").contains("secret"));
}

#[tokio::test]
async fn schema_versions() {
    let cfg = settings().await;
    // Without migration, an empty database is refused with the command to run.
    let no_migrate = PgSettings {
        migrate: false,
        ..cfg.clone()
    };
    let err = PostgresStore::open(&no_migrate)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("loft db migrate"), "{err}");
    assert_eq!(
        PostgresStore::migrate(&cfg).await.unwrap(),
        (0, SCHEMA_VERSION)
    );
    assert_eq!(
        PostgresStore::migrate(&cfg).await.unwrap(),
        (SCHEMA_VERSION, SCHEMA_VERSION)
    );
    PostgresStore::open(&no_migrate).await.unwrap();
    // A schema newer than this binary is refused, by open and by migrate.
    let (client, conn) = tokio_postgres::connect(&cfg.url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
        .execute(
            "INSERT INTO loft_schema (version) VALUES ($1)",
            &[&(SCHEMA_VERSION + 1)],
        )
        .await
        .unwrap();
    for r in [
        PostgresStore::open(&cfg).await.map(|_| ()),
        PostgresStore::migrate(&cfg).await.map(|_| ()),
    ] {
        let err = r.unwrap_err().to_string();
        assert!(err.contains("newer"), "{err}");
    }
}

/// Fills a store with what a copy must keep: several accounts, keywords, expunges (so
/// UIDs have gaps and MODSEQs are far apart), a deleted default mailbox, a mailbox that
/// exists only as a parent, subscriptions to names that do not exist, app passwords.
async fn populate(s: &dyn Store) {
    let (a, i) = setup(s, "alice").await;
    s.append(
        a,
        i,
        (1..=5)
            .map(|n| suite::new_message(n, suite::flags(Flags::SEEN, &["$Work"])))
            .collect(),
    )
    .await
    .unwrap();
    s.store_flags(
        a,
        i,
        &suite::uids(&[2, 4]),
        FlagOp::Add,
        &suite::flags(Flags::DELETED, &[]),
        None,
    )
    .await
    .unwrap();
    s.expunge(a, i, None).await.unwrap();
    s.store_flags(
        a,
        i,
        &suite::uids(&[5]),
        FlagOp::Add,
        &suite::flags(Flags::FLAGGED, &["Later"]),
        None,
    )
    .await
    .unwrap();
    // A second expunge, at a later MODSEQ than the first (2 and 4), for the copy to keep.
    let six = s
        .append(
            a,
            i,
            vec![suite::new_message(6, suite::flags(Flags::DELETED, &[]))],
        )
        .await
        .unwrap();
    s.expunge(a, i, Some(&six.uids)).await.unwrap();
    let deep = s
        .create_mailbox(a, "Lists/Rust/Announce", None)
        .await
        .unwrap();
    s.append(a, deep, vec![suite::new_message(9, Flags::default())])
        .await
        .unwrap();
    s.delete_mailbox(a, "Lists/Rust").await.unwrap();
    s.delete_mailbox(a, "Junk").await.unwrap();
    s.set_subscribed(a, "Ghost", true).await.unwrap();
    s.set_subscribed(a, "Trash", false).await.unwrap();
    s.add_app_password(a, "phone", "sha256:aa", 100, None)
        .await
        .unwrap();
    let (b, bi) = setup(s, "bob").await;
    s.append(b, bi, vec![suite::new_message(1, Flags::default())])
        .await
        .unwrap();
    let empty = s.create_mailbox(b, "Empty", None).await.unwrap();
    s.append(
        b,
        empty,
        vec![suite::new_message(2, suite::flags(Flags::DELETED, &[]))],
    )
    .await
    .unwrap();
    s.expunge(b, empty, None).await.unwrap();
}

async fn assert_same(x: &dyn Store, y: &dyn Store) {
    let names = |v: Vec<Account>| v.into_iter().map(|a| a.name).collect::<Vec<_>>();
    assert_eq!(
        names(x.accounts().await.unwrap()),
        names(y.accounts().await.unwrap())
    );
    for acc in x.accounts().await.unwrap() {
        let other = y.account(&acc.name).await.unwrap().unwrap();
        let mx = x.mailboxes(acc.id).await.unwrap();
        let my = y.mailboxes(other.id).await.unwrap();
        let strip = |v: &[Mailbox]| {
            v.iter()
                .map(|m| {
                    (
                        m.name.clone(),
                        m.special_use,
                        m.is_subscribed,
                        m.uid_validity,
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(&mx), strip(&my), "{}", acc.name);
        assert_eq!(
            x.subscriptions(acc.id).await.unwrap(),
            y.subscriptions(other.id).await.unwrap()
        );
        for (m, n) in mx.iter().zip(&my) {
            let (a, b) = (
                x.snapshot(acc.id, m.id).await.unwrap(),
                y.snapshot(other.id, n.id).await.unwrap(),
            );
            assert_eq!(a.status, b.status, "{}", m.name);
            assert_eq!(a.messages, b.messages, "{}", m.name);
            // RFC 7162 §3.2.5.2: a QRESYNC client from any earlier MODSEQ hears exactly the
            // VANISHED (EARLIER) it would have heard before the copy.
            let log = x.expunge_log(acc.id, m.id).await.unwrap();
            assert_eq!(
                log,
                y.expunge_log(other.id, n.id).await.unwrap(),
                "{}",
                m.name
            );
            for since in 0..=a.status.highest_modseq.0 {
                assert_eq!(
                    x.vanished(acc.id, m.id, ModSeq(since)).await.unwrap(),
                    y.vanished(other.id, n.id, ModSeq(since)).await.unwrap(),
                    "{} since {since}",
                    m.name
                );
            }
        }
        let labels = |v: Vec<AppPassword>| {
            v.into_iter()
                .map(|p| (p.label, p.hash, p.created))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            labels(x.app_passwords(acc.id).await.unwrap()),
            labels(y.app_passwords(other.id).await.unwrap())
        );
    }
}

#[tokio::test]
async fn store_copy_embedded_to_postgres_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let embedded = EmbeddedStore::open(&dir.path().join("a")).await.unwrap();
    populate(&embedded).await;
    let pg = fresh().await;
    let mut events = Vec::new();
    let report = copy_store(&embedded, &pg, &mut |p| events.push(p))
        .await
        .unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!((report.accounts, report.messages), (2, 5));
    assert_eq!(report.verified_messages, 5);
    assert!(matches!(
        events[0],
        Progress::Account {
            index: 0,
            total: 2,
            ..
        }
    ));
    assert_same(&embedded, &pg).await;
    assert!(pg.check().await.unwrap().is_empty());

    // Writing after the copy continues above the copied UIDs and MODSEQs.
    let alice = pg.account("alice").await.unwrap().unwrap().id;
    let inbox = pg.mailbox(alice, "INBOX").await.unwrap().unwrap();
    let before = pg.status(alice, inbox.id).await.unwrap();
    let r = pg
        .append(
            alice,
            inbox.id,
            vec![suite::new_message(77, Flags::default())],
        )
        .await
        .unwrap();
    assert_eq!(r.uids[0].get(), before.uid_next);
    assert!(pg.highest_modseq(alice, inbox.id).await.unwrap() > before.highest_modseq);

    // And back into a new embedded store; a second copy into a used store is refused.
    let back = EmbeddedStore::open(&dir.path().join("b")).await.unwrap();
    let report = copy_store(&pg, &back, &mut |_| {}).await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_same(&pg, &back).await;
    assert!(back.check().await.unwrap().is_empty());
    assert!(matches!(
        copy_store(&pg, &back, &mut |_| {}).await,
        Err(StoreError::AlreadyExists(_))
    ));
}

/// `loft store copy` into and out of a routed store (two PostgreSQL databases as two
/// clusters, accounts spread over both): the copy goes through the `Store` trait only, and
/// the routed store forwards every call, expunge log included, to the account's cluster.
#[tokio::test]
async fn store_copy_into_and_out_of_a_routed_store() {
    use loft_store::routed::{Cluster, MemoryDirectory, RoutedStore, split_id};
    let dir = tempfile::tempdir().unwrap();
    let embedded = EmbeddedStore::open(&dir.path().join("a")).await.unwrap();
    populate(&embedded).await;
    let mut clusters = Vec::new();
    for id in [0u16, 3] {
        clusters.push(Cluster {
            id,
            store: std::sync::Arc::new(fresh().await),
            accepts_new_accounts: true,
        });
    }
    let routed =
        RoutedStore::new(std::sync::Arc::new(MemoryDirectory::default()), clusters).unwrap();
    let report = copy_store(&embedded, &routed, &mut |_| {}).await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!((report.accounts, report.messages), (2, 5));
    assert_same(&embedded, &routed).await;
    let on: HashSet<u16> = routed
        .accounts()
        .await
        .unwrap()
        .iter()
        .map(|a| split_id(a.id).0)
        .collect();
    assert_eq!(on.len(), 2, "the two accounts landed on both clusters");

    let back = EmbeddedStore::open(&dir.path().join("b")).await.unwrap();
    let report = copy_store(&routed, &back, &mut |_| {}).await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_same(&routed, &back).await;
    assert!(back.check().await.unwrap().is_empty());
}
