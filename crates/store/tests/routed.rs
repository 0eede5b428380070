//! The routed store (src/routed.rs) over two embedded stores and an in-memory directory:
//! the whole conformance suite, once with accounts alternating between the two backends
//! and once with every account on a high-numbered cluster (ids with the cluster in the
//! high bits). The two-PostgreSQL-cluster test is crates/testkit/tests/routed.rs.

mod suite;

use std::sync::Arc;

use loft_store::routed::{Cluster, MemoryDirectory, RoutedStore, split_id};
use loft_store::*;

async fn routed(open: [bool; 2]) -> (Vec<tempfile::TempDir>, RoutedStore) {
    let mut dirs = Vec::new();
    let mut clusters = Vec::new();
    for (id, accepts_new_accounts) in [(0u16, open[0]), (7u16, open[1])] {
        let dir = tempfile::tempdir().unwrap();
        let store = EmbeddedStore::open(dir.path()).await.unwrap();
        clusters.push(Cluster {
            id,
            store: Arc::new(store),
            accepts_new_accounts,
        });
        dirs.push(dir);
    }
    (
        dirs,
        RoutedStore::new(Arc::new(MemoryDirectory::default()), clusters).unwrap(),
    )
}

/// Each suite test on fresh stores in a runtime of its own, as the embedded harness runs
/// them (one `#[tokio::test]` each): background tasks of one test's stores never meet the next.
fn run_suite(open: [bool; 2]) {
    for (name, test) in suite::ALL {
        eprintln!("routed conformance: {name}");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let (_dirs, s) = routed(open).await;
            test(&s).await;
        });
    }
}

#[test]
fn conformance_suite_alternating_clusters() {
    run_suite([true, true]);
}

#[test]
fn conformance_suite_on_a_high_cluster() {
    run_suite([false, true]);
}

#[tokio::test]
async fn accounts_spread_and_names_stay_unique() {
    let (_dirs, s) = routed([true, true]).await;
    let ids = create_all(&s, &["alice", "bob", "carol", "dave"]).await;
    let clusters: Vec<u16> = ids.iter().map(|&a| split_id(a).0).collect();
    assert_eq!(
        clusters,
        [0, 7, 0, 7],
        "the emptiest open cluster takes each new account"
    );
    // A name is unique across clusters, case-insensitively.
    assert!(matches!(
        s.create_account("ALICE", "h").await,
        Err(StoreError::AlreadyExists(_))
    ));
    assert_eq!(s.account("Bob").await.unwrap().unwrap().id, ids[1]);
    assert_eq!(s.cluster_of_name("dave").await.unwrap(), Some(7));
    let names: Vec<String> = s
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["alice", "bob", "carol", "dave"]);
    // Each backend holds only its own accounts.
    assert_eq!(names_on(&s, 0).await, ["alice", "carol"]);
    assert_eq!(names_on(&s, 1).await, ["bob", "dave"]);
    // Deleting frees the name; the account may come back (on the emptiest cluster).
    s.delete_account("bob").await.unwrap();
    assert!(s.account("bob").await.unwrap().is_none());
    assert_eq!(split_id(s.create_account("bob", "h").await.unwrap()).0, 7);
    assert!(
        s.check().await.unwrap().is_empty(),
        "{:?}",
        s.check().await.unwrap()
    );
    // Unknown clusters are simply not found.
    assert!(s.mailboxes(AccountId(3 << 48 | 1)).await.is_err());
}

async fn names_on(s: &RoutedStore, i: usize) -> Vec<String> {
    s.clusters()[i]
        .store
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect()
}

async fn create_all(s: &RoutedStore, names: &[&str]) -> Vec<AccountId> {
    let mut v = Vec::new();
    for n in names {
        v.push(s.create_account(n, "h").await.unwrap());
    }
    v
}

#[tokio::test]
async fn check_finds_directory_drift() {
    let (_dirs, s) = routed([true, true]).await;
    s.create_account("alice", "h").await.unwrap();
    // An account created on a backend behind the router's back.
    s.clusters()[1]
        .store
        .create_account("mallory", "h")
        .await
        .unwrap();
    let problems = s.check().await.unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("mallory") && problems[0].contains("not in the directory"));
}
