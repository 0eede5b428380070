//! The embedded backend: SQLite (WAL, synchronous=FULL) for metadata on dedicated
//! threads, content-addressed zstd blob files for message bytes (DESIGN.md).
//!
//! Layout of a data directory:
//! - `loft.db` (+ `-wal`, `-shm`): accounts, mailboxes, messages, blob reference counts.
//! - `blob_data` (in `loft.db`): the zstd frame of each distinct small message (blobs.rs).
//! - `blobs/ab/cdef...`: one zstd frame per distinct bigger message, named by its SHA-256.
//! - `blobs/tmp/`: blob files being written.
//!
//! Several processes may open the same directory (the CLI next to the server): every call
//! reads what it needs from the database, nothing is cached, and writers take SQLite's
//! write lock (`BEGIN IMMEDIATE`, busy timeout) for each operation.

mod blobs;
mod check;
mod db;
pub mod fts;
mod mailboxes;
mod messages;
mod metadata;
mod names;
mod parse;
mod restore;
mod savedate;
mod schema;
mod security;
mod sortkeys;
mod sql;
mod transfer;
mod vanished;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use tokio::sync::broadcast;

use self::blobs::{BlobDir, Hash};
use self::db::Db;
use self::messages::{AppendOutcome, NewBlob, Prepared};
use crate::feed::Feed;
use crate::{
    Account, AccountId, AppendResult, BlobId, Change, CopyResult, FlagOp, Flags, Mailbox,
    MailboxDelta, MailboxId, MailboxSnapshot, MailboxStatus, MessageRecord, ModSeq, NewMessage,
    Result, SpecialUse, Store, StoreError, StoreFlagsResult, Uid,
};

/// The database file inside the data directory.
pub const DB_FILE: &str = "loft.db";
/// The blob directory inside the data directory.
pub const BLOB_DIR: &str = "blobs";
/// How often an append retries when a concurrent cleanup removed a blob file under it.
const APPEND_ATTEMPTS: usize = 3;

/// The embedded store. Cheap to clone (all clones share the threads and the feed).
#[derive(Clone)]
pub struct EmbeddedStore {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    blobs: Arc<BlobDir>,
    feed: Feed,
    data_dir: PathBuf,
    /// The background search indexer's controls (fts.rs).
    fts: Arc<fts::Indexer>,
}

impl std::fmt::Debug for EmbeddedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedStore")
            .field("data_dir", &self.inner.data_dir)
            .finish()
    }
}

impl EmbeddedStore {
    /// Opens (creating if needed) the store in `data_dir`: the directory, `loft.db` and
    /// `blobs/`. Removes temp files left by a crash.
    pub async fn open(data_dir: &Path) -> Result<EmbeddedStore> {
        let data_dir = data_dir.to_path_buf();
        let dir = data_dir.clone();
        let (db, blobs) = blocking(move || {
            std::fs::create_dir_all(&dir)?;
            let blobs = BlobDir::open(dir.join(BLOB_DIR))?;
            let db = Db::open(&dir.join(DB_FILE))?;
            Ok((db, blobs))
        })
        .await?;
        db.write(|c| transfer::ensure_indexes(c)).await?;
        let inner = Arc::new(Inner {
            db,
            blobs: Arc::new(blobs),
            feed: Feed::new(),
            data_dir,
            fts: Default::default(),
        });
        fts::spawn(&inner);
        Ok(EmbeddedStore { inner })
    }

    pub fn data_dir(&self) -> &Path {
        &self.inner.data_dir
    }

    /// Pauses (true) or resumes the background search indexer (fts.rs); searches stay
    /// correct either way (unindexed messages are scanned). For tests and maintenance.
    pub fn set_search_indexer_paused(&self, paused: bool) {
        fts::set_paused(&self.inner, paused);
    }

    /// Indexes every message not yet in the search index, now.
    pub async fn index_all(&self) -> Result<()> {
        fts::catch_up(&self.inner).await
    }

    /// The sending side of this store's change feed.
    pub fn feed(&self) -> &Feed {
        &self.inner.feed
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

#[async_trait]
impl Store for EmbeddedStore {
    async fn create_account(&self, name: &str, password_hash: &str) -> Result<AccountId> {
        let (name, hash) = (name.to_string(), password_hash.to_string());
        let id = self
            .inner
            .db
            .write(move |c| mailboxes::create_account(c, &name, &hash))
            .await?;
        self.publish_list(id);
        Ok(id)
    }

    async fn account(&self, name: &str) -> Result<Option<Account>> {
        let name = name.to_string();
        self.inner
            .db
            .read(move |c| mailboxes::account(c, &name))
            .await
    }

    async fn accounts(&self) -> Result<Vec<Account>> {
        self.inner.db.read(|c| mailboxes::accounts(c)).await
    }

    async fn set_password(&self, name: &str, password_hash: &str) -> Result<()> {
        let (name, hash) = (name.to_string(), password_hash.to_string());
        self.inner
            .db
            .write(move |c| mailboxes::set_password(c, &name, &hash))
            .await
    }

    async fn delete_account(&self, name: &str) -> Result<()> {
        let name = name.to_string();
        let blobs = self.inner.blobs.clone();
        let id = self
            .inner
            .db
            .write(move |c| {
                let (id, dead) = mailboxes::delete_account(c, &name)?;
                sql::gc_blobs(c, &blobs, &dead);
                Ok(id)
            })
            .await?;
        self.publish_list(id);
        Ok(())
    }

    // Secure access: SQL in security.rs.
    async fn auth_settings(&self, account: AccountId) -> Result<crate::AuthSettings> {
        self.inner
            .db
            .read(move |c| security::auth_settings(c, account))
            .await
    }
    async fn set_scram_credentials(&self, account: AccountId, scram: Option<&str>) -> Result<()> {
        let scram = scram.map(str::to_string);
        self.inner
            .db
            .write(move |c| security::set_scram(c, account, scram))
            .await
    }
    async fn set_app_passwords_only(&self, account: AccountId, on: bool) -> Result<()> {
        self.inner
            .db
            .write(move |c| security::set_app_passwords_only(c, account, on))
            .await
    }
    async fn add_app_password(
        &self,
        account: AccountId,
        label: &str,
        hash: &str,
        created: i64,
        expires: Option<i64>,
    ) -> Result<i64> {
        let (label, hash) = (label.to_string(), hash.to_string());
        self.inner
            .db
            .write(move |c| security::add_app_password(c, account, &label, &hash, created, expires))
            .await
    }
    async fn app_passwords(&self, account: AccountId) -> Result<Vec<crate::AppPassword>> {
        self.inner
            .db
            .read(move |c| security::app_passwords(c, account))
            .await
    }
    async fn revoke_app_password(&self, account: AccountId, label: &str) -> Result<()> {
        let label = label.to_string();
        self.inner
            .db
            .write(move |c| security::revoke_app_password(c, account, &label))
            .await
    }
    async fn app_password_used(
        &self,
        account: AccountId,
        id: i64,
        at: i64,
        ip: &str,
    ) -> Result<()> {
        let ip = ip.to_string();
        self.inner
            .db
            .write(move |c| security::app_password_used(c, account, id, at, &ip))
            .await
    }
    async fn add_ban(&self, ban: &crate::Ban) -> Result<()> {
        let ban = ban.clone();
        self.inner
            .db
            .write(move |c| security::add_ban(c, &ban))
            .await
    }
    async fn bans(&self, now: i64) -> Result<Vec<crate::Ban>> {
        self.inner.db.read(move |c| security::bans(c, now)).await
    }
    async fn ban(&self, key: &str, now: i64) -> Result<Option<crate::Ban>> {
        let key = key.to_string();
        self.inner
            .db
            .read(move |c| security::ban(c, &key, now))
            .await
    }
    async fn remove_ban(&self, key: &str) -> Result<bool> {
        let key = key.to_string();
        self.inner
            .db
            .write(move |c| security::remove_ban(c, &key))
            .await
    }

    async fn mailboxes(&self, account: AccountId) -> Result<Vec<Mailbox>> {
        self.inner
            .db
            .read(move |c| mailboxes::mailboxes(c, account))
            .await
    }

    async fn mailbox(&self, account: AccountId, name: &str) -> Result<Option<Mailbox>> {
        let name = name.to_string();
        self.inner
            .db
            .read(move |c| mailboxes::mailbox(c, account, &name))
            .await
    }

    async fn create_mailbox(
        &self,
        account: AccountId,
        name: &str,
        special_use: Option<SpecialUse>,
    ) -> Result<MailboxId> {
        let name = name.to_string();
        let id = self
            .inner
            .db
            .write(move |c| mailboxes::create_mailbox(c, account, &name, special_use))
            .await?;
        self.publish_list(account);
        Ok(id)
    }

    async fn delete_mailbox(&self, account: AccountId, name: &str) -> Result<()> {
        let name = name.to_string();
        let blobs = self.inner.blobs.clone();
        self.inner
            .db
            .write(move |c| {
                let (_, dead) = mailboxes::delete_mailbox(c, account, &name)?;
                sql::gc_blobs(c, &blobs, &dead);
                Ok(())
            })
            .await?;
        self.publish_list(account);
        Ok(())
    }

    async fn rename_mailbox(&self, account: AccountId, from: &str, to: &str) -> Result<()> {
        let (from, to) = (from.to_string(), to.to_string());
        let renamed = self
            .inner
            .db
            .write(move |c| mailboxes::rename_mailbox(c, account, &from, &to))
            .await?;
        if let Some((inbox, modseq)) = renamed.inbox_emptied {
            self.publish_mailbox(account, inbox, modseq);
        }
        self.publish_list(account);
        Ok(())
    }

    async fn set_subscribed(&self, account: AccountId, name: &str, subscribed: bool) -> Result<()> {
        let name = name.to_string();
        self.inner
            .db
            .write(move |c| mailboxes::set_subscribed(c, account, &name, subscribed))
            .await?;
        self.publish_list(account);
        Ok(())
    }

    async fn subscriptions(&self, account: AccountId) -> Result<Vec<String>> {
        self.inner
            .db
            .read(move |c| mailboxes::subscriptions(c, account))
            .await
    }

    async fn status(&self, account: AccountId, mailbox: MailboxId) -> Result<MailboxStatus> {
        self.inner
            .db
            .read(move |c| mailboxes::status(c, account, mailbox))
            .await
    }

    async fn highest_modseq(&self, account: AccountId, mailbox: MailboxId) -> Result<ModSeq> {
        self.inner
            .db
            .read(move |c| mailboxes::highest_modseq(c, account, mailbox))
            .await
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
        let mut checked = Vec::with_capacity(messages.len());
        for m in messages {
            if u32::try_from(m.content.len()).is_err() {
                return Err(StoreError::Invalid("message larger than 4 GiB".into()));
            }
            let flags = sql::clean_flags(&m.flags)?;
            checked.push(NewMessage { flags, ..m });
        }
        let contents = Arc::new(checked);

        // Hashing, parsing and compression are CPU work: blocking pool, not the DB thread.
        let c = contents.clone();
        let prepared: Vec<Prepared> = blocking(move || {
            let now = chrono::Local::now().fixed_offset();
            Ok(c.iter()
                .map(|m| Prepared {
                    hash: blobs::sha256(&m.content),
                    // Checked above.
                    size: m.content.len() as u32,
                    flags: m.flags.clone(),
                    internal_date: m.internal_date.unwrap_or(now),
                })
                .collect())
        })
        .await?;
        let prepared = Arc::new(prepared);

        // Parse once per blob: skip what the store already holds.
        let hashes: Vec<Hash> = prepared.iter().map(|p| p.hash).collect();
        let known: HashSet<Hash> = self
            .inner
            .db
            .read(move |c| messages::known_blobs(c, &hashes))
            .await?
            .into_iter()
            .collect();

        let mut force = false;
        for _ in 0..APPEND_ATTEMPTS {
            let (new_blobs, dirs) = self
                .stage_blobs(
                    &contents,
                    &prepared,
                    if force { None } else { Some(&known) },
                )
                .await?;
            // Files this attempt wrote (inline blobs have none).
            let written: Vec<Hash> = new_blobs
                .iter()
                .filter(|(_, b)| b.inline.is_none())
                .map(|(h, _)| *h)
                .collect();
            let (blobs, gc) = (self.inner.blobs.clone(), self.inner.blobs.clone());
            let p = prepared.clone();
            // Group commit (db.rs): the blob directories are fsynced with the batch's,
            // then this append commits together with concurrent ones.
            let outcome = self
                .inner
                .db
                .write_grouped(
                    dirs,
                    move |c| messages::append(c, &blobs, account, mailbox, &p, &new_blobs),
                    move |c, outcome| match outcome {
                        Some(AppendOutcome::Done { unused_files, .. }) => {
                            sql::gc_blobs(c, &gc, unused_files);
                        }
                        // Files this attempt wrote that no committed row refers to.
                        _ => sql::gc_blobs(c, &gc, &written),
                    },
                )
                .await?;
            match outcome {
                AppendOutcome::Done {
                    result,
                    mailbox,
                    modseq,
                    ..
                } => {
                    self.publish_mailbox(account, mailbox, modseq);
                    return Ok(result);
                }
                AppendOutcome::BlobMissing => force = true,
            }
        }
        Err(StoreError::Db(
            "append kept racing with blob cleanup; giving up".into(),
        ))
    }

    async fn snapshot(&self, account: AccountId, mailbox: MailboxId) -> Result<MailboxSnapshot> {
        self.inner
            .db
            .read(move |c| messages::snapshot(c, account, mailbox))
            .await
    }

    async fn delta(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        since: ModSeq,
    ) -> Result<MailboxDelta> {
        self.inner
            .db
            .read(move |c| messages::delta(c, account, mailbox, since))
            .await
    }

    async fn vanished(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        since: ModSeq,
    ) -> Result<Vec<Uid>> {
        self.inner
            .db
            .read(move |c| vanished::vanished(c, account, mailbox, since))
            .await
    }

    // RFC 5464 METADATA: SQL in metadata.rs.
    async fn metadata(
        &self,
        account: AccountId,
        mailbox: Option<MailboxId>,
    ) -> Result<Vec<(String, Vec<u8>)>> {
        self.inner
            .db
            .read(move |c| metadata::metadata(c, account, mailbox))
            .await
    }

    async fn set_metadata(
        &self,
        account: AccountId,
        mailbox: Option<MailboxId>,
        entries: Vec<(String, Option<Vec<u8>>)>,
    ) -> Result<()> {
        let names = metadata::changed_names(&entries);
        let modseq = self
            .inner
            .db
            .write(move |c| metadata::set_metadata(c, account, mailbox, &entries))
            .await?;
        if let (Some(mailbox), Some(modseq)) = (mailbox, modseq) {
            self.publish_mailbox(account, mailbox, modseq.0);
        }
        // RFC 5465 §5.6, §5.7: NOTIFY sessions report the change.
        self.inner.feed.publish(Change::Metadata {
            account,
            mailbox,
            entries: names,
        });
        Ok(())
    }

    async fn records(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uids: &[Uid],
    ) -> Result<Vec<MessageRecord>> {
        let uids = messages::uid_list(uids);
        let blobs = self.inner.blobs.clone();
        if uids.len() <= INLINE_PARSE_MAX_RECORDS {
            // A few parse results (FETCH of one message) are parsed on the reader thread:
            // cheaper than a second thread hop (issue 6).
            return self
                .inner
                .db
                .read(move |c| {
                    let raw = messages::records(c, account, mailbox, &uids)?;
                    parse_records(raw, |h| blobs::read_blob(c, &blobs, h))
                })
                .await;
        }
        let raw = self
            .inner
            .db
            .read(move |c| messages::records(c, account, mailbox, &uids))
            .await?;
        // Deserializing many parse results is CPU work too.
        blocking(move || parse_records(raw, |h| blobs.read(h))).await
    }

    async fn records_with(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uids: &[Uid],
        detail: crate::RecordDetail,
    ) -> Result<Vec<MessageRecord>> {
        let with_envelope = match detail {
            crate::RecordDetail::Full => return self.records(account, mailbox, uids).await,
            crate::RecordDetail::Envelope => true,
            crate::RecordDetail::SentDate => false,
        };
        let uids = messages::uid_list(uids);
        let blobs = self.inner.blobs.clone();
        // Built on the reader thread: without JSON to parse (schema.rs `blob_keys`) this
        // is copying, cheaper than another thread hop.
        self.inner
            .db
            .read(move |c| keyed_records(c, &blobs, account, mailbox, &uids, with_envelope))
            .await
    }

    async fn numeric_sort_keys(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uids: &[Uid],
    ) -> Result<Vec<crate::NumericSortKeys>> {
        let uids = messages::uid_list(uids);
        let blobs = self.inner.blobs.clone();
        // One narrow scan on the reader thread (issue 6: SORT (DATE) on 100,000 messages).
        self.inner
            .db
            .read(move |c| sortkeys::numeric_sort_keys(c, &blobs, account, mailbox, &uids))
            .await
    }

    async fn records_with_content(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uids: &[Uid],
        detail: crate::RecordDetail,
    ) -> Result<Vec<(MessageRecord, Option<Vec<u8>>)>> {
        let uids = messages::uid_list(uids);
        let blobs = self.inner.blobs.clone();
        let with_envelope = match detail {
            crate::RecordDetail::Full if uids.len() > INLINE_PARSE_MAX_RECORDS => {
                // Many parse results: rows and compressed inline bytes from one reader
                // job, deserializing and decompressing on the blocking pool.
                let (raw, inline) = self
                    .inner
                    .db
                    .read(move |c| {
                        let raw = messages::records(c, account, mailbox, &uids)?;
                        let inline = inline_contents(c, raw.iter().map(|r| &r.hash))?;
                        Ok((raw, inline))
                    })
                    .await?;
                return blocking(move || {
                    let records = parse_records(raw, |h| blobs.read(h))?;
                    with_contents(records, inline)
                })
                .await;
            }
            crate::RecordDetail::Full => None,
            crate::RecordDetail::Envelope => Some(true),
            crate::RecordDetail::SentDate => Some(false),
        };
        // One reader job for the records and the inline bytes (FETCH BODY[] of one message
        // was a hop for the records and another for the bytes, issue 6).
        self.inner
            .db
            .read(move |c| {
                let records = match with_envelope {
                    None => {
                        let raw = messages::records(c, account, mailbox, &uids)?;
                        parse_records(raw, |h| blobs::read_blob(c, &blobs, h))?
                    }
                    Some(e) => keyed_records(c, &blobs, account, mailbox, &uids, e)?,
                };
                let hashes: Vec<Hash> = records
                    .iter()
                    .map(|r| blobs::parse_hex(&r.blob.0).unwrap_or_default())
                    .collect();
                let inline = inline_contents(c, hashes.iter())?;
                with_contents(records, inline)
            })
            .await
    }

    async fn blob(&self, account: AccountId, blob: &BlobId) -> Result<Vec<u8>> {
        // Blob files are shared by every account of the one embedded store (deduplicated
        // by content); the account is only needed to route a split store.
        let _ = account;
        let hash = blobs::parse_hex(&blob.0).ok_or(StoreError::NotFound("blob"))?;
        // Inline bytes (small, most messages) are read and decompressed on the reader
        // thread; a file is read on the blocking pool, not holding a reader meanwhile.
        let inline = self
            .inner
            .db
            .read(move |c| {
                blobs::inline_data(c, &hash)?
                    .map(|z| blobs::decompress(&z))
                    .transpose()
                    .map_err(|e| blob_error(&hash, e))
            })
            .await?;
        if let Some(raw) = inline {
            return Ok(raw);
        }
        let blobs = self.inner.blobs.clone();
        blocking(move || blobs.read_file(&hash).map_err(|e| blob_error(&hash, e))).await
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
        let uids = messages::uid_list(uids);
        let flags = sql::clean_flags(flags)?;
        let (result, modseq) = self
            .inner
            .db
            .write_grouped(
                Vec::new(),
                move |c| {
                    messages::store_flags(c, account, mailbox, &uids, op, &flags, unchanged_since)
                },
                |_, _| {},
            )
            .await?;
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
        let uids = uids.map(messages::uid_list);
        let blobs = self.inner.blobs.clone();
        let (expunged, modseq, _) = self
            .inner
            .db
            .write_grouped(
                Vec::new(),
                move |c| messages::expunge(c, account, mailbox, uids.as_deref()),
                // After the commit that dropped the last references.
                move |c, done| {
                    if let Some((_, _, dead)) = done {
                        sql::gc_blobs(c, &blobs, dead);
                    }
                },
            )
            .await?;
        if let Some(m) = modseq {
            self.publish_mailbox(account, mailbox, m);
        }
        Ok(expunged)
    }

    async fn claim_recent(&self, account: AccountId, mailbox: MailboxId) -> Result<(u32, u32)> {
        self.inner
            .db
            // Unsynced: a claim lost in a power cut only lets another session see the
            // message as \Recent again (RFC 3501 §2.3.2), and it costs no fsync per SELECT
            // and per new message.
            .write_unsynced(move |c| messages::claim_recent(c, account, mailbox))
            .await
    }

    fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.inner.feed.subscribe()
    }

    async fn mailbox_has_blobs(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        blobs: &[BlobId],
    ) -> Result<Vec<bool>> {
        self.has_blobs(account, mailbox, blobs).await
    }

    async fn append_with_uids(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uid_validity: crate::UidValidity,
        messages: Vec<(Uid, NewMessage)>,
    ) -> Result<AppendResult> {
        self.append_uids(account, mailbox, uid_validity, messages)
            .await
    }

    async fn restore_messages(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uid_validity: crate::UidValidity,
        messages: Vec<(Uid, ModSeq, NewMessage)>,
    ) -> Result<AppendResult> {
        self.restore(account, mailbox, uid_validity, messages).await
    }

    async fn expunge_log(
        &self,
        account: AccountId,
        mailbox: MailboxId,
    ) -> Result<Vec<(Uid, ModSeq)>> {
        self.inner
            .db
            .read(move |c| vanished::expunge_log(c, account, mailbox))
            .await
    }

    async fn restore_mailbox_state(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        state: &crate::copy::MailboxRestore,
    ) -> Result<()> {
        self.restore_state(account, mailbox, state).await
    }

    async fn search_index(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        field: crate::SearchField,
        needle: &str,
    ) -> Result<Option<crate::IndexedMatches>> {
        let needle = needle.to_string();
        self.inner
            .db
            .read(move |c| fts::search(c, account, mailbox, field, &needle))
            .await
    }

    async fn check(&self) -> Result<Vec<String>> {
        let blobs = self.inner.blobs.clone();
        self.inner.db.read(move |c| check::check(c, &blobs)).await
    }
}

impl EmbeddedStore {
    async fn copy_move(
        &self,
        account: AccountId,
        from: MailboxId,
        uids: &[Uid],
        to: MailboxId,
        is_move: bool,
    ) -> Result<CopyResult> {
        let uids = messages::uid_list(uids);
        let copied = self
            .inner
            .db
            .write_grouped(
                Vec::new(),
                move |c| messages::copy_move(c, account, from, &uids, to, is_move),
                |_, _| {},
            )
            .await?;
        for (mailbox, modseq) in copied.changed {
            self.publish_mailbox(account, mailbox, modseq);
        }
        Ok(copied.result)
    }

    /// Parses, compresses and durably writes the blobs of `prepared` that are not in
    /// `known` (all when None), once per distinct hash; small ones are returned with their
    /// inline bytes for the caller's transaction to store instead (blobs.rs).
    async fn write_blobs(
        &self,
        contents: &Arc<Vec<NewMessage>>,
        prepared: &Arc<Vec<Prepared>>,
        known: Option<&HashSet<Hash>>,
    ) -> Result<HashMap<Hash, NewBlob>> {
        let (out, dirs) = self.stage_blobs(contents, prepared, known).await?;
        if !dirs.is_empty() {
            blocking(move || Ok(blobs::sync_dirs(&dirs)?)).await?;
        }
        Ok(out)
    }

    /// As [`Self::write_blobs`], but each file is only fsynced: the directories returned
    /// must be fsynced before a commit refers to the files (the group commit does it).
    async fn stage_blobs(
        &self,
        contents: &Arc<Vec<NewMessage>>,
        prepared: &Arc<Vec<Prepared>>,
        known: Option<&HashSet<Hash>>,
    ) -> Result<(HashMap<Hash, NewBlob>, Vec<PathBuf>)> {
        let mut todo: Vec<usize> = Vec::new();
        let mut seen: HashSet<Hash> = HashSet::new();
        for (i, p) in prepared.iter().enumerate() {
            if known.is_some_and(|k| k.contains(&p.hash)) || !seen.insert(p.hash) {
                continue;
            }
            todo.push(i);
        }
        if todo.is_empty() {
            return Ok((HashMap::new(), Vec::new()));
        }
        let (contents, prepared, blobs) =
            (contents.clone(), prepared.clone(), self.inner.blobs.clone());
        blocking(move || {
            let mut out = HashMap::with_capacity(todo.len());
            let mut files = Vec::new();
            for i in todo {
                let raw = &contents[i].content;
                let hash = prepared[i].hash;
                let parsed_json = parse::to_json(raw);
                let compressed = blobs::compress(raw)?;
                // Small frames go into the append's transaction; the rest are files.
                let inline = if blobs::is_inline_size(&compressed) {
                    Some(compressed)
                } else {
                    files.push((hash, compressed));
                    None
                };
                out.insert(
                    hash,
                    NewBlob {
                        size: prepared[i].size,
                        parsed_json,
                        inline,
                    },
                );
            }
            if files.is_empty() {
                return Ok((out, Vec::new()));
            }
            // One batch: file fsyncs in parallel (blobs.rs); directories synced by the caller.
            let dirs = blobs.write_files(&files)?;
            Ok((out, dirs))
        })
        .await
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError::Db(e.to_string())
    }
}

/// A blob read error as the store reports it.
fn blob_error(hash: &Hash, e: std::io::Error) -> StoreError {
    if e.kind() == std::io::ErrorKind::NotFound {
        StoreError::NotFound("blob")
    } else {
        StoreError::Corrupt(format!("blob {}: {e}", hex::encode(hash)))
    }
}

/// Lowercase hex of a blob hash (what `hex::encode` gives, without its per-char iterator:
/// FETCH 1:* builds one per message).
fn blob_hex(hash: &Hash) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(hash.len() * 2);
    for b in hash {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// Records with only the parts of the parse result that `blob_keys` holds (schema.rs),
/// parsing the stored JSON only for blobs without keys.
fn keyed_records(
    c: &mut rusqlite::Connection,
    blobs: &BlobDir,
    account: AccountId,
    mailbox: MailboxId,
    uids: &[u32],
    with_envelope: bool,
) -> Result<Vec<MessageRecord>> {
    messages::records_keyed(c, account, mailbox, uids, with_envelope)?
        .into_iter()
        .map(|k| {
            let parsed = match (&k.parsed_json, k.envelope) {
                (Some(json), _) => {
                    parse::from_json(json, || blobs::read_blob(c, blobs, &k.raw.hash))?
                }
                (None, envelope) => loft_message::ParsedMessage::keys_only(
                    envelope.unwrap_or_default(),
                    k.sent_date,
                    k.sent_date_offset,
                ),
            };
            let r = k.raw;
            Ok(MessageRecord {
                uid: r.uid,
                modseq: ModSeq(r.modseq),
                flags: r.flags,
                internal_date: r.internal_date,
                save_date: r.save_date,
                size: r.size,
                blob: BlobId(blob_hex(&r.hash)),
                parsed: Arc::new(parsed),
            })
        })
        .collect()
}

/// Message bytes (decompressed) read with the records of one `records_with_content` call
/// at most: the rest are read one at a time through `blob`, so a batch of big messages is
/// never held in memory at once.
const CONTENT_BATCH_MAX_BYTES: usize = 16 * 1024 * 1024;

/// The compressed inline bytes of each hash (None: a file, or over the batch budget).
fn inline_contents<'a>(
    c: &rusqlite::Connection,
    hashes: impl Iterator<Item = &'a Hash>,
) -> Result<Vec<Option<Vec<u8>>>> {
    let mut total = 0usize;
    let mut out = Vec::new();
    for h in hashes {
        let data = if total < CONTENT_BATCH_MAX_BYTES {
            blobs::inline_data(c, h)?
        } else {
            None
        };
        total = total.saturating_add(data.as_deref().map_or(0, blobs::content_size));
        out.push(data);
    }
    Ok(out)
}

/// Records paired with their decompressed inline bytes.
fn with_contents(
    records: Vec<MessageRecord>,
    inline: Vec<Option<Vec<u8>>>,
) -> Result<Vec<(MessageRecord, Option<Vec<u8>>)>> {
    records
        .into_iter()
        .zip(inline.into_iter().chain(std::iter::repeat(None)))
        .map(|(r, z)| {
            let raw = match z {
                Some(z) => Some(
                    blobs::decompress(&z)
                        .map_err(|e| StoreError::Corrupt(format!("blob {}: {e}", r.blob.0)))?,
                ),
                None => None,
            };
            Ok((r, raw))
        })
        .collect()
}

/// Up to this many records, `records` parses on the DB reader thread.
const INLINE_PARSE_MAX_RECORDS: usize = 4;

/// Records with their parse results deserialized (once per blob); `read` gives a blob's
/// bytes when a stored parse result no longer deserializes.
fn parse_records(
    raw: Vec<messages::RawRecord>,
    read: impl Fn(&Hash) -> std::io::Result<Vec<u8>>,
) -> Result<Vec<MessageRecord>> {
    let mut parsed_by_blob: HashMap<Hash, Arc<loft_message::ParsedMessage>> = HashMap::new();
    raw.into_iter()
        .map(|r| {
            let parsed = match parsed_by_blob.get(&r.hash) {
                Some(p) => p.clone(),
                None => {
                    let p = Arc::new(parse::from_json(&r.parsed_json, || read(&r.hash))?);
                    parsed_by_blob.insert(r.hash, p.clone());
                    p
                }
            };
            Ok(MessageRecord {
                uid: r.uid,
                modseq: ModSeq(r.modseq),
                flags: r.flags,
                internal_date: r.internal_date,
                save_date: r.save_date,
                size: r.size,
                blob: BlobId(blob_hex(&r.hash)),
                parsed,
            })
        })
        .collect()
}

/// Runs blocking work on tokio's blocking pool.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Db(format!("blocking task failed: {e}")))?
}
