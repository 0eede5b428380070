//! The PostgreSQL backend: many stateless Loft nodes on one database (DESIGN.md,
//! ARCHITECTURE.md "Scale-out").
//!
//! - Everything lives in the database: metadata, and message blobs (content-addressed by
//!   SHA-256 per account, zstd-compressed, reference-counted). A node keeps nothing that
//!   another node needs; every call reads what it needs.
//! - UIDs and MODSEQs are allocated under the mailbox row's lock (`UPDATE mailboxes SET
//!   uid_next = uid_next + n ... RETURNING`, or `SELECT ... FOR UPDATE`), held until
//!   commit, so they are exact with any number of writers on any number of nodes
//!   (RFC 9051 §2.3.1.1, RFC 7162 §3.1).
//! - Changes are announced to other nodes with `NOTIFY` in the same transaction
//!   (delivered at commit) and received on a dedicated `LISTEN` connection (notify.rs).
//! - Deadlocks and serialization failures roll back and retry the whole operation.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio::sync::broadcast;
use tokio_postgres::NoTls;
use tokio_postgres::error::SqlState;

use crate::feed::Feed;
use crate::{
    Account, AccountId, AppPassword, AppendResult, AuthSettings, Ban, BlobId, Change, CopyResult,
    FlagOp, Flags, Mailbox, MailboxDelta, MailboxId, MailboxSnapshot, MailboxStatus, MessageRecord,
    ModSeq, NewMessage, Result, SpecialUse, Store, StoreError, StoreFlagsResult, Uid, UidValidity,
};

pub use schema::SCHEMA_VERSION;

/// Default number of pooled connections per node.
pub const DEFAULT_POOL_SIZE: usize = 16;
/// Default `statement_timeout`: a statement running longer is cancelled (the operation
/// fails; nothing half-done is committed).
pub const DEFAULT_STATEMENT_TIMEOUT_MS: u64 = 30_000;
const CONNECT_TIMEOUT_SECS: u64 = 10;
/// How long `open` waits for the LISTEN connection before starting without it.
const LISTEN_READY_TIMEOUT: Duration = Duration::from_secs(5);
/// How often an operation is retried after a deadlock or serialization failure.
pub(crate) const MAX_ATTEMPTS: u32 = 8;

/// How to reach the database.
#[derive(Clone)]
pub struct PgSettings {
    /// `postgres://user:password@host:port/dbname` or `host=... dbname=...`.
    pub url: String,
    pub pool_size: usize,
    pub statement_timeout_ms: u64,
    /// Apply missing migrations on open (`loft serve` does). When false, an outdated
    /// schema is an error that names `loft db migrate`.
    pub migrate: bool,
    /// Open the LISTEN connection that feeds other nodes' changes into `subscribe()`.
    pub listen: bool,
}

impl PgSettings {
    pub fn new(url: impl Into<String>) -> PgSettings {
        PgSettings {
            url: url.into(),
            pool_size: DEFAULT_POOL_SIZE,
            statement_timeout_ms: DEFAULT_STATEMENT_TIMEOUT_MS,
            migrate: true,
            listen: true,
        }
    }
}

impl std::fmt::Debug for PgSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a password (DESIGN.md invariant 6).
        f.debug_struct("PgSettings")
            .field("url", &"<redacted>")
            .field("pool_size", &self.pool_size)
            .field("statement_timeout_ms", &self.statement_timeout_ms)
            .field("migrate", &self.migrate)
            .field("listen", &self.listen)
            .finish()
    }
}

/// The PostgreSQL store. Cheap to clone (clones share the pool, the listener and the feed).
#[derive(Clone)]
pub struct PostgresStore {
    inner: Arc<Inner>,
}

struct Inner {
    pool: Pool,
    feed: Feed,
    /// Names this store object in notifications, so it skips its own (it announced them
    /// on its feed already, right after commit).
    node: u64,
    /// `host:port/dbname`, for messages (never the password).
    target: String,
    listener: Option<tokio::task::AbortHandle>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(l) = &self.listener {
            l.abort();
        }
    }
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("target", &self.inner.target)
            .finish()
    }
}

/// Internal failure: retry the whole transaction, or give up with a store error.
pub(crate) enum Fail {
    Retry(String),
    Store(StoreError),
}

pub(crate) type PgResult<T> = std::result::Result<T, Fail>;

impl From<tokio_postgres::Error> for Fail {
    fn from(e: tokio_postgres::Error) -> Fail {
        match e.code() {
            Some(c)
                if *c == SqlState::T_R_DEADLOCK_DETECTED
                    || *c == SqlState::T_R_SERIALIZATION_FAILURE =>
            {
                Fail::Retry(db_message(&e))
            }
            _ => Fail::Store(StoreError::Db(db_message(&e))),
        }
    }
}

impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Fail {
        Fail::Store(e)
    }
}

impl From<Fail> for StoreError {
    fn from(f: Fail) -> StoreError {
        match f {
            Fail::Retry(m) => StoreError::Db(m),
            Fail::Store(e) => e,
        }
    }
}

fn db_message(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("postgres: {} ({})", db.message(), db.code().code()),
        None => format!("postgres: {e}"),
    }
}

/// Runs `$body` (which uses the transaction `$tx` and `?` on `Fail`) in a transaction on
/// a pooled connection, commits, and retries the whole thing after a deadlock.
macro_rules! in_tx {
    ($store:expr, |$tx:ident| $body:expr) => {{
        let mut attempt = 0u32;
        loop {
            let mut client = $store.client().await?;
            let r: $crate::postgres::PgResult<_> = async {
                let $tx = client.transaction().await?;
                let v = $body;
                $tx.commit().await?;
                Ok(v)
            }
            .await;
            match r {
                Ok(v) => break Ok(v),
                Err($crate::postgres::Fail::Retry(m)) if attempt + 1 < $crate::postgres::MAX_ATTEMPTS => {
                    attempt += 1;
                    tracing::debug!(attempt, error = %m, "retrying a PostgreSQL transaction");
                    tokio::time::sleep(std::time::Duration::from_millis(
                        u64::from(attempt) * 5 + rand::random::<u64>() % 20,
                    ))
                        .await;
                }
                Err(f) => break Err($crate::StoreError::from(f)),
            }
        }
    }};
}

/// A read-only REPEATABLE READ transaction: one consistent view for the whole read.
macro_rules! read_tx {
    ($store:expr, |$tx:ident| $body:expr) => {{
        let mut client = $store.client().await?;
        let r: $crate::postgres::PgResult<_> = async {
            let $tx = client
                .build_transaction()
                .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .await?;
            let v = $body;
            $tx.commit().await?;
            Ok(v)
        }
        .await;
        r.map_err($crate::StoreError::from)
    }};
}

// After the macros above: they are used in these modules.
mod accounts;
mod check;
mod mailboxes;
mod messages;
mod metadata;
mod notify;
pub mod schema;
pub mod testing;
mod transfer;

#[path = "../embedded/names.rs"]
mod names;
#[path = "../embedded/parse.rs"]
mod parse;

impl PostgresStore {
    /// Connects, checks (and with `settings.migrate` applies) the schema, and starts the
    /// LISTEN connection. Errors say which server could not be reached, never the password.
    pub async fn open(settings: &PgSettings) -> Result<PostgresStore> {
        let config = pg_config(settings)?;
        let target = describe(&config);
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(settings.pool_size.max(1))
            .build()
            .map_err(|e| StoreError::Invalid(format!("PostgreSQL pool: {e}")))?;
        let mut client = pool.get().await.map_err(|e| {
            StoreError::Db(format!(
                "cannot connect to PostgreSQL at {target}: {}",
                pool_error(&e)
            ))
        })?;
        let version = if settings.migrate {
            schema::migrate(&mut client).await?.1
        } else {
            let v = schema::version(&client).await?;
            schema::check_not_newer(v)?;
            v
        };
        if version < SCHEMA_VERSION {
            return Err(StoreError::Invalid(format!(
                "the database at {target} has schema version {version}, this loft needs {SCHEMA_VERSION}: run `loft db migrate`"
            )));
        }
        drop(client);
        let feed = Feed::new();
        let node = rand::random::<u64>();
        let listener = if settings.listen {
            let (listening, is_listening) = tokio::sync::oneshot::channel();
            let handle = notify::spawn(config, feed.clone(), node, target.clone(), listening);
            // Return once LISTEN is in effect, so every change another node commits from
            // now on reaches this feed. Unreachable for a while: start anyway (the listener
            // keeps retrying; IDLE polls meanwhile).
            if tokio::time::timeout(LISTEN_READY_TIMEOUT, is_listening)
                .await
                .is_err()
            {
                tracing::warn!(%target, "LISTEN not ready yet; continuing, it keeps retrying");
            }
            Some(handle)
        } else {
            None
        };
        Ok(PostgresStore {
            inner: Arc::new(Inner {
                pool,
                feed,
                node,
                target,
                listener,
            }),
        })
    }

    /// `loft db migrate`: applies missing migrations; returns (version before, after).
    pub async fn migrate(settings: &PgSettings) -> Result<(i32, i32)> {
        let config = pg_config(settings)?;
        let target = describe(&config);
        let (mut client, conn) = config.connect(NoTls).await.map_err(|e| {
            StoreError::Db(format!(
                "cannot connect to PostgreSQL at {target}: {}",
                db_message(&e)
            ))
        })?;
        let driver = tokio::spawn(conn);
        let r = schema::migrate(&mut client).await.map_err(StoreError::from);
        drop(client);
        let _ = driver.await;
        r
    }

    /// The sending side of this store's change feed.
    pub fn feed(&self) -> &Feed {
        &self.inner.feed
    }

    /// `host:port/dbname` of the database (no credentials).
    pub fn target(&self) -> &str {
        &self.inner.target
    }

    async fn client(&self) -> std::result::Result<deadpool_postgres::Object, Fail> {
        self.inner.pool.get().await.map_err(|e| {
            Fail::Store(StoreError::Db(format!(
                "cannot reach PostgreSQL at {}: {}",
                self.inner.target,
                pool_error(&e)
            )))
        })
    }

    fn publish_mailbox(&self, account: AccountId, mailbox: MailboxId, modseq: u64) {
        self.inner.feed.publish(Change::Mailbox {
            account,
            mailbox,
            modseq: ModSeq(modseq),
        });
    }

    fn publish_list(&self, account: AccountId) {
        self.inner.feed.publish(Change::MailboxList { account });
    }
}

/// Checks a connection URL without connecting (config validation at load). The error
/// never repeats the URL (it may hold a password).
pub fn validate_url(url: &str) -> std::result::Result<(), String> {
    url.parse::<tokio_postgres::Config>()
        .map(|_| ())
        .map_err(|e| format!("invalid PostgreSQL URL: {e}"))
}

pub(crate) fn pg_config(settings: &PgSettings) -> Result<tokio_postgres::Config> {
    let mut config: tokio_postgres::Config = settings
        .url
        .parse()
        .map_err(|e| StoreError::Invalid(format!("invalid PostgreSQL URL: {e}")))?;
    let mut options = config.get_options().unwrap_or("").to_string();
    options.push_str(&format!(
        " -c statement_timeout={}",
        settings.statement_timeout_ms
    ));
    config.options(options.trim());
    if config.get_application_name().is_none() {
        config.application_name("loft");
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(CONNECT_TIMEOUT_SECS));
    }
    Ok(config)
}

pub(crate) fn describe(config: &tokio_postgres::Config) -> String {
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
        Some(tokio_postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "localhost".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "{host}:{port}/{}",
        config.get_dbname().unwrap_or("(default)")
    )
}

pub(crate) fn pool_error(e: &deadpool_postgres::PoolError) -> String {
    match e {
        deadpool_postgres::PoolError::Backend(e) => db_message(e),
        other => other.to_string(),
    }
}

#[async_trait]
impl Store for PostgresStore {
    async fn create_account(&self, name: &str, password_hash: &str) -> Result<AccountId> {
        let id = in_tx!(self, |tx| accounts::create_account(
            &tx,
            self.inner.node,
            name,
            password_hash
        )
        .await?)?;
        self.publish_list(id);
        Ok(id)
    }

    async fn account(&self, name: &str) -> Result<Option<Account>> {
        let client = self.client().await?;
        Ok(accounts::account(&client, name).await?)
    }

    async fn accounts(&self) -> Result<Vec<Account>> {
        let client = self.client().await?;
        Ok(accounts::accounts(&client).await?)
    }

    async fn set_password(&self, name: &str, password_hash: &str) -> Result<()> {
        in_tx!(self, |tx| accounts::set_password(&tx, name, password_hash)
            .await?)
    }

    async fn delete_account(&self, name: &str) -> Result<()> {
        let id = in_tx!(self, |tx| accounts::delete_account(
            &tx,
            self.inner.node,
            name
        )
        .await?)?;
        self.publish_list(id);
        Ok(())
    }

    async fn mailboxes(&self, account: AccountId) -> Result<Vec<Mailbox>> {
        read_tx!(self, |tx| mailboxes::mailboxes(&tx, account).await?)
    }

    async fn mailbox(&self, account: AccountId, name: &str) -> Result<Option<Mailbox>> {
        read_tx!(self, |tx| mailboxes::mailbox(&tx, account, name).await?)
    }

    async fn create_mailbox(
        &self,
        account: AccountId,
        name: &str,
        special_use: Option<SpecialUse>,
    ) -> Result<MailboxId> {
        let id = in_tx!(self, |tx| mailboxes::create_mailbox(
            &tx,
            self.inner.node,
            account,
            name,
            special_use
        )
        .await?)?;
        self.publish_list(account);
        Ok(id)
    }

    async fn delete_mailbox(&self, account: AccountId, name: &str) -> Result<()> {
        in_tx!(self, |tx| mailboxes::delete_mailbox(
            &tx,
            self.inner.node,
            account,
            name
        )
        .await?)?;
        self.publish_list(account);
        Ok(())
    }

    async fn rename_mailbox(&self, account: AccountId, from: &str, to: &str) -> Result<()> {
        let emptied = in_tx!(self, |tx| mailboxes::rename_mailbox(
            &tx,
            self.inner.node,
            account,
            from,
            to
        )
        .await?)?;
        if let Some((inbox, modseq)) = emptied {
            self.publish_mailbox(account, inbox, modseq);
        }
        self.publish_list(account);
        Ok(())
    }

    async fn set_subscribed(&self, account: AccountId, name: &str, subscribed: bool) -> Result<()> {
        in_tx!(self, |tx| mailboxes::set_subscribed(
            &tx,
            self.inner.node,
            account,
            name,
            subscribed
        )
        .await?)?;
        self.publish_list(account);
        Ok(())
    }

    async fn subscriptions(&self, account: AccountId) -> Result<Vec<String>> {
        read_tx!(self, |tx| mailboxes::subscriptions(&tx, account).await?)
    }

    async fn status(&self, account: AccountId, mailbox: MailboxId) -> Result<MailboxStatus> {
        read_tx!(self, |tx| mailboxes::status(&tx, account, mailbox).await?)
    }

    async fn highest_modseq(&self, account: AccountId, mailbox: MailboxId) -> Result<ModSeq> {
        let client = self.client().await?;
        Ok(mailboxes::highest_modseq(&client, account, mailbox).await?)
    }

    async fn append(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        messages: Vec<NewMessage>,
    ) -> Result<AppendResult> {
        if messages.is_empty() {
            let status = self.status(account, mailbox).await?;
            return Ok(AppendResult {
                uid_validity: status.uid_validity,
                uids: Vec::new(),
            });
        }
        let prepared = messages::prepare(messages).await?;
        let (result, modseq) = self
            .append_prepared(account, mailbox, &prepared, messages::Uids::Allocate)
            .await?;
        self.publish_mailbox(account, mailbox, modseq);
        Ok(result)
    }

    async fn snapshot(&self, account: AccountId, mailbox: MailboxId) -> Result<MailboxSnapshot> {
        read_tx!(self, |tx| messages::snapshot(&tx, account, mailbox).await?)
    }

    async fn delta(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        since: ModSeq,
    ) -> Result<MailboxDelta> {
        read_tx!(self, |tx| messages::delta(&tx, account, mailbox, since)
            .await?)
    }

    async fn vanished(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        since: ModSeq,
    ) -> Result<Vec<Uid>> {
        read_tx!(self, |tx| messages::vanished(&tx, account, mailbox, since)
            .await?)
    }

    async fn records(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uids: &[Uid],
    ) -> Result<Vec<MessageRecord>> {
        let raw = read_tx!(self, |tx| messages::records(&tx, account, mailbox, uids)
            .await?)?;
        self.finish_records(account, raw).await
    }

    async fn blob(&self, account: AccountId, blob: &BlobId) -> Result<Vec<u8>> {
        let client = self.client().await?;
        let data = messages::blob_data(&client, account, blob).await?;
        decompress(data).await
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
        let flags = messages::clean_flags(flags)?;
        let (result, modseq) = in_tx!(self, |tx| {
            messages::store_flags(
                &tx,
                self.inner.node,
                account,
                mailbox,
                uids,
                op,
                &flags,
                unchanged_since,
            )
            .await?
        })?;
        if let Some(m) = modseq {
            self.publish_mailbox(account, mailbox, m);
        }
        Ok(result)
    }

    async fn copy(
        &self,
        account: AccountId,
        from: MailboxId,
        uids: &[Uid],
        to: MailboxId,
    ) -> Result<CopyResult> {
        self.copy_move(account, from, uids, to, false).await
    }

    async fn move_messages(
        &self,
        account: AccountId,
        from: MailboxId,
        uids: &[Uid],
        to: MailboxId,
    ) -> Result<CopyResult> {
        self.copy_move(account, from, uids, to, true).await
    }

    async fn expunge(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uids: Option<&[Uid]>,
    ) -> Result<Vec<Uid>> {
        let (expunged, modseq) = in_tx!(self, |tx| messages::expunge(
            &tx,
            self.inner.node,
            account,
            mailbox,
            uids
        )
        .await?)?;
        if let Some(m) = modseq {
            self.publish_mailbox(account, mailbox, m);
        }
        Ok(expunged)
    }

    async fn claim_recent(&self, account: AccountId, mailbox: MailboxId) -> Result<(u32, u32)> {
        in_tx!(self, |tx| messages::claim_recent(&tx, account, mailbox)
            .await?)
    }

    fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.inner.feed.subscribe()
    }

    async fn auth_settings(&self, account: AccountId) -> Result<AuthSettings> {
        let client = self.client().await?;
        Ok(accounts::auth_settings(&client, account).await?)
    }

    async fn set_scram_credentials(&self, account: AccountId, scram: Option<&str>) -> Result<()> {
        let client = self.client().await?;
        Ok(accounts::set_scram(&client, account, scram).await?)
    }

    async fn set_app_passwords_only(&self, account: AccountId, on: bool) -> Result<()> {
        let client = self.client().await?;
        Ok(accounts::set_app_passwords_only(&client, account, on).await?)
    }

    async fn add_app_password(
        &self,
        account: AccountId,
        label: &str,
        hash: &str,
        created: i64,
        expires: Option<i64>,
    ) -> Result<i64> {
        in_tx!(self, |tx| accounts::add_app_password(
            &tx, account, label, hash, created, expires
        )
        .await?)
    }

    async fn app_passwords(&self, account: AccountId) -> Result<Vec<AppPassword>> {
        let client = self.client().await?;
        Ok(accounts::app_passwords(&client, account).await?)
    }

    async fn revoke_app_password(&self, account: AccountId, label: &str) -> Result<()> {
        let client = self.client().await?;
        Ok(accounts::revoke_app_password(&client, account, label).await?)
    }

    async fn app_password_used(
        &self,
        account: AccountId,
        id: i64,
        at: i64,
        ip: &str,
    ) -> Result<()> {
        let client = self.client().await?;
        Ok(accounts::app_password_used(&client, account, id, at, ip).await?)
    }

    async fn add_ban(&self, ban: &Ban) -> Result<()> {
        let client = self.client().await?;
        Ok(accounts::add_ban(&client, ban).await?)
    }

    async fn bans(&self, now: i64) -> Result<Vec<Ban>> {
        let client = self.client().await?;
        Ok(accounts::bans(&client, now).await?)
    }

    async fn ban(&self, key: &str, now: i64) -> Result<Option<Ban>> {
        let client = self.client().await?;
        Ok(accounts::ban(&client, key, now).await?)
    }

    async fn remove_ban(&self, key: &str) -> Result<bool> {
        let client = self.client().await?;
        Ok(accounts::remove_ban(&client, key).await?)
    }

    async fn mailbox_has_blobs(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        blobs: &[BlobId],
    ) -> Result<Vec<bool>> {
        read_tx!(self, |tx| transfer::mailbox_has_blobs(
            &tx, account, mailbox, blobs
        )
        .await?)
    }

    async fn append_with_uids(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uid_validity: UidValidity,
        messages: Vec<(Uid, NewMessage)>,
    ) -> Result<AppendResult> {
        self.append_uids(account, mailbox, uid_validity, messages)
            .await
    }

    async fn restore_messages(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uid_validity: UidValidity,
        messages: Vec<(Uid, ModSeq, NewMessage)>,
    ) -> Result<AppendResult> {
        self.restore(account, mailbox, uid_validity, messages).await
    }

    async fn expunge_log(
        &self,
        account: AccountId,
        mailbox: MailboxId,
    ) -> Result<Vec<(Uid, ModSeq)>> {
        read_tx!(self, |tx| transfer::expunge_log(&tx, account, mailbox)
            .await?)
    }

    async fn restore_mailbox_state(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        state: &crate::copy::MailboxRestore,
    ) -> Result<()> {
        self.restore_state(account, mailbox, state).await
    }

    async fn metadata(
        &self,
        account: AccountId,
        mailbox: Option<MailboxId>,
    ) -> Result<Vec<(String, Vec<u8>)>> {
        read_tx!(self, |tx| metadata::metadata(&tx, account, mailbox).await?)
    }

    async fn set_metadata(
        &self,
        account: AccountId,
        mailbox: Option<MailboxId>,
        entries: Vec<(String, Option<Vec<u8>>)>,
    ) -> Result<()> {
        let node = self.inner.node;
        let (names, modseq) = in_tx!(self, |tx| metadata::set_metadata(
            &tx, node, account, mailbox, &entries
        )
        .await?)?;
        if let (Some(mailbox), Some(modseq)) = (mailbox, modseq) {
            self.inner.feed.publish(Change::Mailbox {
                account,
                mailbox,
                modseq,
            });
        }
        // RFC 5465 §5.6, §5.7: NOTIFY sessions on this node report the change; other
        // nodes learn it from the NOTIFY sent in the transaction.
        self.inner.feed.publish(Change::Metadata {
            account,
            mailbox,
            entries: names,
        });
        Ok(())
    }

    async fn check(&self) -> Result<Vec<String>> {
        read_tx!(self, |tx| check::check(&tx).await?)
    }
}

impl PostgresStore {
    async fn copy_move(
        &self,
        account: AccountId,
        from: MailboxId,
        uids: &[Uid],
        to: MailboxId,
        is_move: bool,
    ) -> Result<CopyResult> {
        let (result, changed) = in_tx!(self, |tx| messages::copy_move(
            &tx,
            self.inner.node,
            account,
            from,
            uids,
            to,
            is_move
        )
        .await?)?;
        for (mailbox, modseq) in changed {
            self.publish_mailbox(account, mailbox, modseq);
        }
        Ok(result)
    }

    /// The append transaction, retried with every blob prepared when a blob row we relied
    /// on went away between the look-up and the transaction.
    async fn append_prepared(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        prepared: &messages::Prepared,
        uids: messages::Uids<'_>,
    ) -> Result<(AppendResult, u64)> {
        let known = {
            let client = self.client().await?;
            messages::known_blobs(&client, account, prepared).await?
        };
        let mut blobs = messages::encode_blobs(prepared, Some(&known)).await?;
        for _ in 0..3 {
            let outcome = in_tx!(self, |tx| {
                messages::append(
                    &tx,
                    self.inner.node,
                    account,
                    mailbox,
                    prepared,
                    &blobs,
                    uids,
                )
                .await?
            });
            match outcome {
                Ok(done) => return Ok(done),
                Err(StoreError::NotFound(what)) if what == messages::BLOB_RACE => {
                    blobs = messages::encode_blobs(prepared, None).await?;
                }
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Db(
            "append kept racing with blob removal; giving up".into(),
        ))
    }

    async fn finish_records(
        &self,
        account: AccountId,
        raw: Vec<messages::RawRecord>,
    ) -> Result<Vec<MessageRecord>> {
        let mut out = Vec::with_capacity(raw.len());
        let mut by_blob: std::collections::HashMap<Vec<u8>, Arc<loft_message::ParsedMessage>> =
            Default::default();
        for r in raw {
            let parsed = match by_blob.get(&r.sha256) {
                Some(p) => p.clone(),
                None => {
                    let p =
                        match serde_json::from_str::<loft_message::ParsedMessage>(&r.parsed_json) {
                            Ok(p) => p,
                            // Stored by an older format: parse again from the bytes.
                            Err(_) => {
                                let id = BlobId(hex::encode(&r.sha256));
                                let client = self.client().await?;
                                let raw =
                                    decompress(messages::blob_data(&client, account, &id).await?)
                                        .await?;
                                blocking(move || {
                                    parse::from_json(&parse::to_json(&raw), || unreachable_raw())
                                })
                                .await?
                            }
                        };
                    let p = Arc::new(p);
                    by_blob.insert(r.sha256.clone(), p.clone());
                    p
                }
            };
            out.push(MessageRecord {
                uid: r.uid,
                modseq: ModSeq(r.modseq),
                flags: r.flags,
                internal_date: r.internal_date,
                save_date: r.save_date,
                size: r.size,
                blob: BlobId(hex::encode(&r.sha256)),
                parsed,
            });
        }
        Ok(out)
    }
}

/// `to_json` always yields JSON that `from_json` reads, so the bytes are never needed again.
fn unreachable_raw() -> std::io::Result<Vec<u8>> {
    Err(std::io::Error::other(
        "freshly parsed message did not deserialize",
    ))
}

async fn decompress(data: Vec<u8>) -> Result<Vec<u8>> {
    blocking(move || {
        zstd::decode_all(&data[..])
            .map_err(|e| StoreError::Corrupt(format!("blob cannot be decompressed: {e}")))
    })
    .await
}

/// Runs CPU work on tokio's blocking pool.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Db(format!("blocking task failed: {e}")))?
}

/// `NOTIFY` inside the transaction making the change: delivered to the other nodes at
/// commit, never for a rolled-back change.
pub(crate) async fn notify(
    tx: &tokio_postgres::Transaction<'_>,
    node: u64,
    change: &Change,
) -> PgResult<()> {
    tx.execute(
        "SELECT pg_notify($1, $2)",
        &[&notify::CHANNEL, &notify::encode(node, change)],
    )
    .await?;
    Ok(())
}
