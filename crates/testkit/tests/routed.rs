//! Issue 7, "Beyond one database": two throw-away PostgreSQL clusters, accounts split
//! between them by the routed store (loft_store::routed), one Loft node in front. IMAP
//! LOGIN / APPEND / SELECT / FETCH work for users on either cluster, and every row of an
//! account lives on its own cluster only.

use std::sync::Arc;
use std::time::Duration;

use loft_store::postgres::testing::TestCluster;
use loft_store::routed::{ClusterSettings, RoutedSettings, RoutedStore, split_id};
use loft_store::{Change, PgSettings, Store};
use loft_testkit::{TestServer, test_config};

/// Every table whose key leads with the account id (postgres/schema.rs).
const ACCOUNT_TABLES: &[&str] = &[
    "accounts",
    "app_passwords",
    "mailboxes",
    "subscriptions",
    "blobs",
    "messages",
    "expunged",
    "mailbox_keywords",
    "metadata",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_node_routes_accounts_over_two_clusters() {
    let start = || {
        tokio::task::spawn_blocking(|| {
            TestCluster::start().expect("start a throw-away PostgreSQL cluster")
        })
    };
    let (a, b) = tokio::join!(start(), start());
    let (a, b) = (a.unwrap(), b.unwrap());
    let directory = a.create_database().await;
    let urls = [a.create_database().await, b.create_database().await];
    let pg = |url: &str| PgSettings {
        pool_size: 4,
        ..PgSettings::new(url)
    };
    let settings = RoutedSettings {
        directory: pg(&directory),
        clusters: vec![
            ClusterSettings {
                id: 0,
                pg: pg(&urls[0]),
                accepts_new_accounts: true,
            },
            ClusterSettings {
                id: 1,
                pg: pg(&urls[1]),
                accepts_new_accounts: true,
            },
        ],
    };
    let store = Arc::new(RoutedStore::open(&settings).await.unwrap());
    let server =
        TestServer::with_store(store.clone(), test_config(), tempfile::tempdir().unwrap()).await;

    // The emptiest cluster takes each new account: they alternate.
    let users = ["alice", "bob", "carol", "dave"];
    let mut ids = Vec::new();
    for u in users {
        ids.push(server.add_user(u, "secret").await);
    }
    let clusters: Vec<u16> = ids.iter().map(|&id| split_id(id).0).collect();
    assert_eq!(clusters, [0, 1, 0, 1]);

    // The merged change feed carries changes of both clusters, with routed ids.
    let mut feed = store.subscribe();

    for (n, u) in users.iter().enumerate() {
        let mut c = server.login(u, "secret").await;
        let body = format!("From: {u}@example.com\r\nSubject: hello {u}\r\n\r\nbody of {u}\r\n");
        c.ok(&format!("APPEND INBOX {{{}+}}\r\n{body}", body.len()))
            .await;
        c.ok("SELECT INBOX").await;
        c.untagged_contains("1 EXISTS");
        let r = c.ok("FETCH 1 (UID BODY[])").await;
        assert!(
            r.iter().any(|l| l.contains(&format!("body of {u}"))),
            "{u}: {r:?}"
        );
        c.ok("STORE 1 +FLAGS (\\Flagged)").await;
        c.ok("CREATE Projects").await;
        c.ok("LOGOUT").await;
        let _ = n;
    }
    // Each account sees only its own message.
    let mut c = server.login("bob", "secret").await;
    c.ok("SELECT INBOX").await;
    let r = c.ok("FETCH 1:* (BODY[HEADER.FIELDS (SUBJECT)])").await;
    assert_eq!(r.iter().filter(|l| l.contains("FETCH")).count(), 1, "{r:?}");
    assert!(r.iter().any(|l| l.contains("hello bob")), "{r:?}");

    let mut seen = std::collections::BTreeSet::new();
    while let Ok(Ok(change)) = tokio::time::timeout(Duration::from_millis(200), feed.recv()).await {
        let account = match change {
            Change::Mailbox { account, .. }
            | Change::MailboxList { account }
            | Change::Metadata { account, .. } => account,
        };
        seen.insert(account);
    }
    assert_eq!(
        seen,
        ids.iter().copied().collect(),
        "changes of every account, from both clusters"
    );

    // Every row of an account lives on its cluster only.
    for (cluster, url) in urls.iter().enumerate() {
        let own: Vec<i64> = ids
            .iter()
            .filter(|&&id| split_id(id).0 as usize == cluster)
            .map(|&id| split_id(id).1.0)
            .collect();
        for table in ACCOUNT_TABLES {
            let held =
                TestCluster::query_i64(url, &format!("SELECT DISTINCT account_id FROM {table}"))
                    .await;
            assert!(
                held.iter().all(|id| own.contains(id)),
                "cluster {cluster}, {table}: {held:?} (own: {own:?})"
            );
            if ["accounts", "mailboxes", "blobs", "messages"].contains(table) {
                assert_eq!(
                    held.len(),
                    own.len(),
                    "cluster {cluster}, {table}: {held:?}"
                );
            }
        }
        let names = TestCluster::query_i64(url, "SELECT count(*) FROM accounts").await;
        assert_eq!(names, [2]);
    }
    // The directory names each account's cluster, and nothing disagrees.
    for (u, id) in users.iter().zip(&ids) {
        assert_eq!(
            store.cluster_of_name(u).await.unwrap(),
            Some(split_id(*id).0)
        );
    }
    assert!(
        store.check().await.unwrap().is_empty(),
        "{:?}",
        store.check().await.unwrap()
    );
    drop(server);
    a.stop();
    b.stop();
}
