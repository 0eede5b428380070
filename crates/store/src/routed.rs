//! A store spread over several backends (PostgreSQL clusters), routed by account
//! (issue 7, "Beyond one database"; ARCHITECTURE.md "Beyond one database").
//!
//! Every table's key leads with the account id and no query spans accounts except the
//! admin listings, so one account lives entirely on one cluster and every call that names
//! an account goes to exactly one backend. Two things need more than the account id:
//!
//! - **Which cluster holds an account named `alice`?** A [`Directory`]: one small table
//!   (`loft_directory`: name → cluster) in a database of its own, consulted by
//!   `create_account` (which claims the name there first, so a name is unique across
//!   clusters) and by every lookup by name (login, `loft user`). A directory rather than
//!   a hash of the name, because operators add clusters and move accounts: with a hash,
//!   adding a cluster remaps a share of all accounts; with a directory, existing accounts
//!   stay where they are, new ones go to the emptiest open cluster, and moving one account
//!   is one copy plus one row update.
//! - **Which cluster holds account id N?** The id itself: the cluster's number sits in the
//!   high bits ([`global_id`]), the backend's own id in the low [`CLUSTER_SHIFT`] bits. So
//!   ids never collide across clusters, routing a call needs no lookup, and cluster 0's
//!   ids are unchanged (a single database becomes cluster 0 without renumbering).
//!   Mailbox ids get the same treatment, so they stay unique across accounts as they are
//!   within one backend (a mailbox id of another cluster is `NotFound`, like another
//!   account's mailbox on one backend).
//!
//! The change feed merges the backends' feeds (ids made global). Bans are per client
//! address, not per account: admin/security data with no account to route by, kept on
//! the lowest-numbered cluster.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio::sync::broadcast;
use tokio::task::JoinHandle;
use tokio_postgres::NoTls;

use crate::feed::FEED_CAPACITY;
use crate::postgres::{PgSettings, PostgresStore};
use crate::{
    Account, AccountId, AppPassword, AppendResult, AuthSettings, Ban, BlobId, Change, CopyResult,
    FlagOp, Flags, IndexedMatches, Mailbox, MailboxDelta, MailboxId, MailboxSnapshot,
    MailboxStatus, MessageRecord, ModSeq, NewMessage, RecordDetail, Result, SearchField,
    SpecialUse, Store, StoreError, StoreFlagsResult, Uid, UidValidity,
};

/// Bits of an [`AccountId`] that hold the backend's own id; the cluster number is above.
pub const CLUSTER_SHIFT: u32 = 48;
/// Cluster numbers are below this (the id stays a positive `i64`).
pub const MAX_CLUSTERS: u16 = 1 << 14;

const LOCAL_MASK: i64 = (1 << CLUSTER_SHIFT) - 1;

/// The routed id of the backend id `local` on cluster `cluster`. `Corrupt` when the
/// backend's id does not fit the low bits (2^48 accounts per cluster).
pub fn global_id(cluster: u16, local: AccountId) -> Result<AccountId> {
    if !(0..=LOCAL_MASK).contains(&local.0) || cluster >= MAX_CLUSTERS {
        return Err(StoreError::Corrupt(format!(
            "account id {} of cluster {cluster} is out of range",
            local.0
        )));
    }
    Ok(AccountId((i64::from(cluster) << CLUSTER_SHIFT) | local.0))
}

/// (cluster, backend id) of a routed id.
pub fn split_id(id: AccountId) -> (u16, AccountId) {
    // The shift leaves at most 15 bits for a non-negative id; a negative one (never
    // handed out) maps to a cluster number no store has, so it is simply not found.
    let cluster = u16::try_from(id.0 >> CLUSTER_SHIFT).unwrap_or(u16::MAX);
    (cluster, AccountId(id.0 & LOCAL_MASK))
}

fn global_mailbox(cluster: u16, local: MailboxId) -> Result<MailboxId> {
    Ok(MailboxId(global_id(cluster, AccountId(local.0))?.0))
}

/// The backend's id of a routed mailbox id; `NotFound` when it belongs to another cluster.
fn local_mailbox(cluster: u16, id: MailboxId) -> Result<MailboxId> {
    match split_id(AccountId(id.0)) {
        (c, local) if c == cluster => Ok(MailboxId(local.0)),
        _ => Err(StoreError::NotFound("mailbox")),
    }
}

fn global_mailbox_row(cluster: u16, mut m: Mailbox) -> Result<Mailbox> {
    m.id = global_mailbox(cluster, m.id)?;
    Ok(m)
}

/// Account name → cluster. Names are keyed ASCII-lower-cased (account names compare
/// ASCII-case-insensitively everywhere).
#[async_trait]
pub trait Directory: Send + Sync + 'static {
    async fn lookup(&self, name_key: &str) -> Result<Option<u16>>;
    /// Claims the name for `cluster`; `AlreadyExists` when it is taken (on any cluster).
    async fn claim(&self, name_key: &str, cluster: u16) -> Result<()>;
    /// Forgets the name (no error when it is not there).
    async fn release(&self, name_key: &str) -> Result<()>;
    /// Every (name key, cluster), for `check` and for choosing the emptiest cluster.
    async fn entries(&self) -> Result<Vec<(String, u16)>>;
}

/// The directory in PostgreSQL: table `loft_directory` in its own (small) database, which
/// every node reads. It must be as available as the clusters (same HA setup); it holds
/// one row per account and is read at login only.
pub struct PgDirectory {
    pool: Pool,
}

impl PgDirectory {
    /// Connects and creates the table when missing.
    pub async fn open(settings: &PgSettings) -> Result<PgDirectory> {
        let config = crate::postgres::pg_config(settings)?;
        let target = crate::postgres::describe(&config);
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(settings.pool_size.max(1))
            .build()
            .map_err(|e| StoreError::Invalid(format!("PostgreSQL pool: {e}")))?;
        let dir = PgDirectory { pool };
        let client = dir
            .client()
            .await
            .map_err(|e| StoreError::Db(format!("directory at {target}: {e}")))?;
        client
            .batch_execute(
                "CREATE TABLE IF NOT EXISTS loft_directory (
                     name_key text COLLATE \"C\" PRIMARY KEY,
                     cluster  integer NOT NULL
                 )",
            )
            .await
            .map_err(db)?;
        Ok(dir)
    }

    async fn client(&self) -> Result<deadpool_postgres::Object> {
        self.pool.get().await.map_err(|e| {
            StoreError::Db(format!(
                "account directory: {}",
                crate::postgres::pool_error(&e)
            ))
        })
    }
}

fn db(e: tokio_postgres::Error) -> StoreError {
    StoreError::Db(format!("account directory: {e}"))
}

fn cluster_of(v: i32) -> Result<u16> {
    u16::try_from(v)
        .map_err(|_| StoreError::Corrupt(format!("account directory names cluster {v}")))
}

#[async_trait]
impl Directory for PgDirectory {
    async fn lookup(&self, name_key: &str) -> Result<Option<u16>> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT cluster FROM loft_directory WHERE name_key = $1",
                &[&name_key],
            )
            .await
            .map_err(db)?;
        row.map(|r| cluster_of(r.get(0))).transpose()
    }

    async fn claim(&self, name_key: &str, cluster: u16) -> Result<()> {
        let client = self.client().await?;
        let n = client
            .execute(
                "INSERT INTO loft_directory (name_key, cluster) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&name_key, &i32::from(cluster)],
            )
            .await
            .map_err(db)?;
        if n == 0 {
            Err(StoreError::AlreadyExists("account"))
        } else {
            Ok(())
        }
    }

    async fn release(&self, name_key: &str) -> Result<()> {
        let client = self.client().await?;
        client
            .execute(
                "DELETE FROM loft_directory WHERE name_key = $1",
                &[&name_key],
            )
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn entries(&self) -> Result<Vec<(String, u16)>> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT name_key, cluster FROM loft_directory ORDER BY name_key",
                &[],
            )
            .await
            .map_err(db)?;
        rows.iter()
            .map(|r| Ok((r.get(0), cluster_of(r.get(1))?)))
            .collect()
    }
}

/// A directory in memory: for tests, and for routing over stores of one process.
#[derive(Default)]
pub struct MemoryDirectory {
    map: Mutex<HashMap<String, u16>>,
}

impl MemoryDirectory {
    fn map(&self) -> Result<std::sync::MutexGuard<'_, HashMap<String, u16>>> {
        self.map
            .lock()
            .map_err(|_| StoreError::Corrupt("account directory lock poisoned".into()))
    }
}

#[async_trait]
impl Directory for MemoryDirectory {
    async fn lookup(&self, name_key: &str) -> Result<Option<u16>> {
        Ok(self.map()?.get(name_key).copied())
    }
    async fn claim(&self, name_key: &str, cluster: u16) -> Result<()> {
        let mut map = self.map()?;
        if map.contains_key(name_key) {
            return Err(StoreError::AlreadyExists("account"));
        }
        map.insert(name_key.to_string(), cluster);
        Ok(())
    }
    async fn release(&self, name_key: &str) -> Result<()> {
        self.map()?.remove(name_key);
        Ok(())
    }
    async fn entries(&self) -> Result<Vec<(String, u16)>> {
        let mut v: Vec<(String, u16)> = self.map()?.iter().map(|(k, c)| (k.clone(), *c)).collect();
        v.sort();
        Ok(v)
    }
}

/// One backend of a routed store.
pub struct Cluster {
    /// Its number, kept in the high bits of its accounts' ids: never renumber a cluster.
    pub id: u16,
    pub store: Arc<dyn Store>,
    /// Whether new accounts may be placed here (false for a full or draining cluster).
    pub accepts_new_accounts: bool,
}

/// Settings of [`RoutedStore::open`]: the directory database and the clusters.
#[derive(Debug, Clone)]
pub struct RoutedSettings {
    pub directory: PgSettings,
    pub clusters: Vec<ClusterSettings>,
}

#[derive(Debug, Clone)]
pub struct ClusterSettings {
    pub id: u16,
    pub pg: PgSettings,
    pub accepts_new_accounts: bool,
}

/// The routed store: each call goes to the cluster of its account.
pub struct RoutedStore {
    clusters: Vec<Cluster>,
    directory: Arc<dyn Directory>,
    feed: broadcast::Sender<Change>,
    forwarders: Vec<JoinHandle<()>>,
}

impl RoutedStore {
    /// Opens every cluster's PostgreSQL store and the directory.
    pub async fn open(settings: &RoutedSettings) -> Result<RoutedStore> {
        let directory = PgDirectory::open(&settings.directory).await?;
        let mut clusters = Vec::with_capacity(settings.clusters.len());
        for c in &settings.clusters {
            let store = PostgresStore::open(&c.pg)
                .await
                .map_err(|e| StoreError::Db(format!("cluster {}: {e}", c.id)))?;
            clusters.push(Cluster {
                id: c.id,
                store: Arc::new(store),
                accepts_new_accounts: c.accepts_new_accounts,
            });
        }
        RoutedStore::new(Arc::new(directory), clusters)
    }

    /// Routes over `clusters` (distinct ids below [`MAX_CLUSTERS`], at least one open for
    /// new accounts). Call within a tokio runtime: it starts one task per cluster that
    /// forwards the cluster's change feed into this store's.
    pub fn new(directory: Arc<dyn Directory>, mut clusters: Vec<Cluster>) -> Result<RoutedStore> {
        clusters.sort_by_key(|c| c.id);
        if clusters.is_empty() || !clusters.iter().any(|c| c.accepts_new_accounts) {
            return Err(StoreError::Invalid(
                "a routed store needs a cluster open for new accounts".into(),
            ));
        }
        if clusters.windows(2).any(|w| w[0].id == w[1].id)
            || clusters.iter().any(|c| c.id >= MAX_CLUSTERS)
        {
            return Err(StoreError::Invalid(format!(
                "cluster ids must be distinct and below {MAX_CLUSTERS}"
            )));
        }
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
            StoreError::Invalid("a routed store must be created within a tokio runtime".into())
        })?;
        let (feed, _) = broadcast::channel(FEED_CAPACITY);
        let mut forwarders = Vec::with_capacity(clusters.len());
        for c in &clusters {
            let mut rx = c.store.subscribe();
            let tx = feed.clone();
            let cluster = c.id;
            forwarders.push(runtime.spawn(async move {
                loop {
                    match rx.recv().await {
                        Ok(change) => {
                            if let Some(change) = globalize(cluster, change) {
                                // Err only means nobody listens right now.
                                let _ = tx.send(change);
                            }
                        }
                        // Changes were dropped: sessions catch up by IDLE's poll of
                        // HIGHESTMODSEQ, as for changes made by another process.
                        Err(broadcast::error::RecvError::Lagged(n)) => {
                            tracing::warn!(cluster, missed = n, "routed change feed lagged");
                        }
                        Err(broadcast::error::RecvError::Closed) => break,
                    }
                }
            }));
        }
        Ok(RoutedStore {
            clusters,
            directory,
            feed,
            forwarders,
        })
    }

    /// The backends, by ascending id.
    pub fn clusters(&self) -> &[Cluster] {
        &self.clusters
    }

    /// The cluster holding the account named `name`, from the directory.
    pub async fn cluster_of_name(&self, name: &str) -> Result<Option<u16>> {
        self.directory.lookup(&name.to_ascii_lowercase()).await
    }

    fn cluster(&self, id: u16) -> Result<&Cluster> {
        // Sorted by id in `new`.
        match self.clusters.binary_search_by_key(&id, |c| c.id) {
            Ok(i) => Ok(&self.clusters[i]),
            Err(_) => Err(StoreError::NotFound("account")),
        }
    }

    /// The backend and the backend's id of a routed account id.
    fn route(&self, account: AccountId) -> Result<(&dyn Store, AccountId)> {
        let (cluster, local) = split_id(account);
        Ok((self.cluster(cluster)?.store.as_ref(), local))
    }

    /// Like `route`, plus the backend's id of a mailbox of the account.
    fn route_mailbox(
        &self,
        account: AccountId,
        mailbox: MailboxId,
    ) -> Result<(&dyn Store, AccountId, MailboxId, u16)> {
        let (cluster, local) = split_id(account);
        let store = self.cluster(cluster)?.store.as_ref();
        Ok((store, local, local_mailbox(cluster, mailbox)?, cluster))
    }

    async fn by_name(&self, name: &str) -> Result<Option<&Cluster>> {
        match self.directory.lookup(&name.to_ascii_lowercase()).await? {
            Some(c) => Ok(Some(self.cluster(c).map_err(|_| {
                StoreError::Corrupt(format!(
                    "the account directory names cluster {c}, which is not configured"
                ))
            })?)),
            None => Ok(None),
        }
    }

    /// The open cluster with the fewest accounts (ties: the lowest id).
    async fn place_new_account(&self) -> Result<u16> {
        let mut counts: HashMap<u16, usize> = HashMap::new();
        for (_, c) in self.directory.entries().await? {
            *counts.entry(c).or_default() += 1;
        }
        self.clusters
            .iter()
            .filter(|c| c.accepts_new_accounts)
            .min_by_key(|c| (counts.get(&c.id).copied().unwrap_or(0), c.id))
            .map(|c| c.id)
            .ok_or_else(|| StoreError::Invalid("no cluster accepts new accounts".into()))
    }

    fn bans_store(&self) -> &dyn Store {
        // `new` refuses an empty list. Bans live on the lowest-numbered cluster.
        self.clusters[0].store.as_ref()
    }
}

impl Drop for RoutedStore {
    fn drop(&mut self) {
        for f in &self.forwarders {
            f.abort();
        }
    }
}

fn globalize(cluster: u16, change: Change) -> Option<Change> {
    Some(match change {
        Change::Mailbox {
            account,
            mailbox,
            modseq,
        } => Change::Mailbox {
            account: global_id(cluster, account).ok()?,
            mailbox: global_mailbox(cluster, mailbox).ok()?,
            modseq,
        },
        Change::MailboxList { account } => Change::MailboxList {
            account: global_id(cluster, account).ok()?,
        },
        Change::Metadata {
            account,
            mailbox,
            entries,
        } => Change::Metadata {
            account: global_id(cluster, account).ok()?,
            mailbox: match mailbox {
                Some(m) => Some(global_mailbox(cluster, m).ok()?),
                None => None,
            },
            entries,
        },
    })
}

fn global_account(cluster: u16, mut a: Account) -> Result<Account> {
    a.id = global_id(cluster, a.id)?;
    Ok(a)
}

#[async_trait]
impl Store for RoutedStore {
    async fn create_account(&self, name: &str, password_hash: &str) -> Result<AccountId> {
        let key = name.to_ascii_lowercase();
        let cluster = self.place_new_account().await?;
        // The directory is where a name becomes unique across clusters.
        self.directory.claim(&key, cluster).await?;
        match self
            .cluster(cluster)?
            .store
            .create_account(name, password_hash)
            .await
        {
            Ok(local) => global_id(cluster, local),
            Err(e) => {
                if let Err(e2) = self.directory.release(&key).await {
                    tracing::warn!(error = %e2, "cannot release the directory entry of a failed account creation");
                }
                Err(e)
            }
        }
    }

    async fn account(&self, name: &str) -> Result<Option<Account>> {
        let Some(c) = self.by_name(name).await? else {
            return Ok(None);
        };
        c.store
            .account(name)
            .await?
            .map(|a| global_account(c.id, a))
            .transpose()
    }

    /// Admin listing: every cluster's accounts, by name.
    async fn accounts(&self) -> Result<Vec<Account>> {
        let mut all = Vec::new();
        for c in &self.clusters {
            for a in c.store.accounts().await? {
                all.push(global_account(c.id, a)?);
            }
        }
        all.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(all)
    }

    async fn set_password(&self, name: &str, password_hash: &str) -> Result<()> {
        let c = self
            .by_name(name)
            .await?
            .ok_or(StoreError::NotFound("account"))?;
        c.store.set_password(name, password_hash).await
    }

    async fn delete_account(&self, name: &str) -> Result<()> {
        let c = self
            .by_name(name)
            .await?
            .ok_or(StoreError::NotFound("account"))?;
        c.store.delete_account(name).await?;
        self.directory.release(&name.to_ascii_lowercase()).await
    }

    async fn mailboxes(&self, account: AccountId) -> Result<Vec<Mailbox>> {
        let (cluster, _) = split_id(account);
        let (s, a) = self.route(account)?;
        s.mailboxes(a)
            .await?
            .into_iter()
            .map(|m| global_mailbox_row(cluster, m))
            .collect()
    }
    async fn mailbox(&self, account: AccountId, name: &str) -> Result<Option<Mailbox>> {
        let (cluster, _) = split_id(account);
        let (s, a) = self.route(account)?;
        s.mailbox(a, name)
            .await?
            .map(|m| global_mailbox_row(cluster, m))
            .transpose()
    }
    async fn create_mailbox(
        &self,
        account: AccountId,
        name: &str,
        special_use: Option<SpecialUse>,
    ) -> Result<MailboxId> {
        let (cluster, _) = split_id(account);
        let (s, a) = self.route(account)?;
        global_mailbox(cluster, s.create_mailbox(a, name, special_use).await?)
    }
    async fn delete_mailbox(&self, account: AccountId, name: &str) -> Result<()> {
        let (s, a) = self.route(account)?;
        s.delete_mailbox(a, name).await
    }
    async fn rename_mailbox(&self, account: AccountId, from: &str, to: &str) -> Result<()> {
        let (s, a) = self.route(account)?;
        s.rename_mailbox(a, from, to).await
    }
    async fn set_subscribed(&self, account: AccountId, name: &str, subscribed: bool) -> Result<()> {
        let (s, a) = self.route(account)?;
        s.set_subscribed(a, name, subscribed).await
    }
    async fn subscriptions(&self, account: AccountId) -> Result<Vec<String>> {
        let (s, a) = self.route(account)?;
        s.subscriptions(a).await
    }
    async fn status(&self, account: AccountId, mailbox: MailboxId) -> Result<MailboxStatus> {
        let (s, a, mailbox, _) = self.route_mailbox(account, mailbox)?;
        s.status(a, mailbox).await
    }
    async fn highest_modseq(&self, account: AccountId, mailbox: MailboxId) -> Result<ModSeq> {
        let (s, a, mailbox, _) = self.route_mailbox(account, mailbox)?;
        s.highest_modseq(a, mailbox).await
    }
    async fn append(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        messages: Vec<NewMessage>,
    ) -> Result<AppendResult> {
        let (s, a, mailbox, _) = self.route_mailbox(account, mailbox)?;
        s.append(a, mailbox, messages).await
    }
    async fn snapshot(&self, account: AccountId, mailbox: MailboxId) -> Result<MailboxSnapshot> {
        let (s, a, mailbox, cluster) = self.route_mailbox(account, mailbox)?;
        let mut snap = s.snapshot(a, mailbox).await?;
        snap.mailbox = global_mailbox_row(cluster, snap.mailbox)?;
        Ok(snap)
    }
    async fn delta(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        since: ModSeq,
    ) -> Result<MailboxDelta> {
        let (s, a, mailbox, _) = self.route_mailbox(account, mailbox)?;
        s.delta(a, mailbox, since).await
    }
    async fn vanished(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        since: ModSeq,
    ) -> Result<Vec<Uid>> {
        let (s, a, mailbox, _) = self.route_mailbox(account, mailbox)?;
        s.vanished(a, mailbox, since).await
    }
    async fn records(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uids: &[Uid],
    ) -> Result<Vec<MessageRecord>> {
        let (s, a, mailbox, _) = self.route_mailbox(account, mailbox)?;
        s.records(a, mailbox, uids).await
    }
    async fn records_with(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uids: &[Uid],
        detail: RecordDetail,
    ) -> Result<Vec<MessageRecord>> {
        let (s, a, mailbox, _) = self.route_mailbox(account, mailbox)?;
        s.records_with(a, mailbox, uids, detail).await
    }
    async fn records_with_content(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uids: &[Uid],
        detail: RecordDetail,
    ) -> Result<Vec<(MessageRecord, Option<Vec<u8>>)>> {
        let (s, a, mailbox, _) = self.route_mailbox(account, mailbox)?;
        s.records_with_content(a, mailbox, uids, detail).await
    }
    async fn numeric_sort_keys(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uids: &[Uid],
    ) -> Result<Vec<crate::NumericSortKeys>> {
        let (s, a, mailbox, _) = self.route_mailbox(account, mailbox)?;
        s.numeric_sort_keys(a, mailbox, uids).await
    }
    async fn blob(&self, account: AccountId, blob: &BlobId) -> Result<Vec<u8>> {
        let (s, a) = self.route(account)?;
        s.blob(a, blob).await
    }
    async fn store_flags(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uids: &[Uid],
        op: FlagOp,
        flags: &Flags,
        unchanged_since: Option<ModSeq>,
    ) -> Result<StoreFlagsResult> {
        let (s, a, mailbox, _) = self.route_mailbox(account, mailbox)?;
        s.store_flags(a, mailbox, uids, op, flags, unchanged_since)
            .await
    }
    async fn copy(
        &self,
        account: AccountId,
        from: MailboxId,
        uids: &[Uid],
        to: MailboxId,
    ) -> Result<CopyResult> {
        let (s, a, from, cluster) = self.route_mailbox(account, from)?;
        s.copy(a, from, uids, local_mailbox(cluster, to)?).await
    }
    async fn move_messages(
        &self,
        account: AccountId,
        from: MailboxId,
        uids: &[Uid],
        to: MailboxId,
    ) -> Result<CopyResult> {
        let (s, a, from, cluster) = self.route_mailbox(account, from)?;
        s.move_messages(a, from, uids, local_mailbox(cluster, to)?)
            .await
    }
    async fn expunge(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uids: Option<&[Uid]>,
    ) -> Result<Vec<Uid>> {
        let (s, a, mailbox, _) = self.route_mailbox(account, mailbox)?;
        s.expunge(a, mailbox, uids).await
    }
    async fn claim_recent(&self, account: AccountId, mailbox: MailboxId) -> Result<(u32, u32)> {
        let (s, a, mailbox, _) = self.route_mailbox(account, mailbox)?;
        s.claim_recent(a, mailbox).await
    }

    fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.feed.subscribe()
    }

    async fn auth_settings(&self, account: AccountId) -> Result<AuthSettings> {
        let (s, a) = self.route(account)?;
        s.auth_settings(a).await
    }
    async fn set_scram_credentials(&self, account: AccountId, scram: Option<&str>) -> Result<()> {
        let (s, a) = self.route(account)?;
        s.set_scram_credentials(a, scram).await
    }
    async fn set_app_passwords_only(&self, account: AccountId, on: bool) -> Result<()> {
        let (s, a) = self.route(account)?;
        s.set_app_passwords_only(a, on).await
    }
    async fn add_app_password(
        &self,
        account: AccountId,
        label: &str,
        hash: &str,
        created: i64,
        expires: Option<i64>,
    ) -> Result<i64> {
        let (s, a) = self.route(account)?;
        s.add_app_password(a, label, hash, created, expires).await
    }
    async fn app_passwords(&self, account: AccountId) -> Result<Vec<AppPassword>> {
        let (s, a) = self.route(account)?;
        let mut list = s.app_passwords(a).await?;
        for p in &mut list {
            p.account = account;
        }
        Ok(list)
    }
    async fn revoke_app_password(&self, account: AccountId, label: &str) -> Result<()> {
        let (s, a) = self.route(account)?;
        s.revoke_app_password(a, label).await
    }
    async fn app_password_used(
        &self,
        account: AccountId,
        id: i64,
        at: i64,
        ip: &str,
    ) -> Result<()> {
        let (s, a) = self.route(account)?;
        s.app_password_used(a, id, at, ip).await
    }

    async fn add_ban(&self, ban: &Ban) -> Result<()> {
        self.bans_store().add_ban(ban).await
    }
    async fn bans(&self, now: i64) -> Result<Vec<Ban>> {
        self.bans_store().bans(now).await
    }
    async fn ban(&self, key: &str, now: i64) -> Result<Option<Ban>> {
        self.bans_store().ban(key, now).await
    }
    async fn remove_ban(&self, key: &str) -> Result<bool> {
        self.bans_store().remove_ban(key).await
    }

    async fn mailbox_has_blobs(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        blobs: &[BlobId],
    ) -> Result<Vec<bool>> {
        let (s, a, mailbox, _) = self.route_mailbox(account, mailbox)?;
        s.mailbox_has_blobs(a, mailbox, blobs).await
    }
    async fn append_with_uids(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uid_validity: UidValidity,
        messages: Vec<(Uid, NewMessage)>,
    ) -> Result<AppendResult> {
        let (s, a, mailbox, _) = self.route_mailbox(account, mailbox)?;
        s.append_with_uids(a, mailbox, uid_validity, messages).await
    }
    async fn restore_messages(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uid_validity: UidValidity,
        messages: Vec<(Uid, ModSeq, NewMessage)>,
    ) -> Result<AppendResult> {
        let (s, a, mailbox, _) = self.route_mailbox(account, mailbox)?;
        s.restore_messages(a, mailbox, uid_validity, messages).await
    }
    async fn expunge_log(
        &self,
        account: AccountId,
        mailbox: MailboxId,
    ) -> Result<Vec<(Uid, ModSeq)>> {
        let (s, a, mailbox, _) = self.route_mailbox(account, mailbox)?;
        s.expunge_log(a, mailbox).await
    }
    async fn restore_mailbox_state(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        state: &crate::copy::MailboxRestore,
    ) -> Result<()> {
        let (s, a, mailbox, _) = self.route_mailbox(account, mailbox)?;
        s.restore_mailbox_state(a, mailbox, state).await
    }

    async fn metadata(
        &self,
        account: AccountId,
        mailbox: Option<MailboxId>,
    ) -> Result<Vec<(String, Vec<u8>)>> {
        let (cluster, _) = split_id(account);
        let (s, a) = self.route(account)?;
        let mailbox = mailbox.map(|m| local_mailbox(cluster, m)).transpose()?;
        s.metadata(a, mailbox).await
    }
    async fn set_metadata(
        &self,
        account: AccountId,
        mailbox: Option<MailboxId>,
        entries: Vec<(String, Option<Vec<u8>>)>,
    ) -> Result<()> {
        let (cluster, _) = split_id(account);
        let (s, a) = self.route(account)?;
        let mailbox = mailbox.map(|m| local_mailbox(cluster, m)).transpose()?;
        s.set_metadata(a, mailbox, entries).await
    }

    async fn search_index(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        field: SearchField,
        needle: &str,
    ) -> Result<Option<IndexedMatches>> {
        let (s, a, mailbox, _) = self.route_mailbox(account, mailbox)?;
        s.search_index(a, mailbox, field, needle).await
    }

    /// Every cluster's own check, plus the directory against the clusters' accounts.
    async fn check(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let mut listed: HashMap<String, u16> =
            self.directory.entries().await?.into_iter().collect();
        for c in &self.clusters {
            for p in c.store.check().await? {
                problems.push(format!("cluster {}: {p}", c.id));
            }
            for a in c.store.accounts().await? {
                let key = a.name.to_ascii_lowercase();
                match listed.remove(&key) {
                    Some(d) if d == c.id => {}
                    Some(d) => problems.push(format!(
                        "account {} is on cluster {} but the directory names cluster {d}",
                        a.name, c.id
                    )),
                    None => problems.push(format!(
                        "account {} on cluster {} is not in the directory",
                        a.name, c.id
                    )),
                }
            }
        }
        for (key, c) in listed {
            problems.push(format!(
                "the directory names account {key} on cluster {c}, which does not hold it"
            ));
        }
        Ok(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_carry_the_cluster() {
        let id = global_id(3, AccountId(42)).unwrap();
        assert_eq!(split_id(id), (3, AccountId(42)));
        assert_eq!(global_id(0, AccountId(7)).unwrap(), AccountId(7));
        assert!(global_id(1, AccountId(1 << CLUSTER_SHIFT)).is_err());
        assert!(global_id(MAX_CLUSTERS, AccountId(1)).is_err());
        assert!(id.0 > 0);
        assert_eq!(
            split_id(global_id(MAX_CLUSTERS - 1, AccountId(LOCAL_MASK)).unwrap()).0,
            MAX_CLUSTERS - 1
        );
        // A negative id (never handed out) names no cluster.
        assert_eq!(split_id(AccountId(-1)).0, u16::MAX);
    }
}
