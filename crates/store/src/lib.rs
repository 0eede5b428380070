//! The store: domain types, the `Store` trait every backend implements, the change feed,
//! and the embedded backend (SQLite metadata + content-addressed zstd blob files).
//! Only the store touches disk or the database (DESIGN.md).

pub mod copy;
pub mod embedded;
pub mod error;
pub mod feed;
pub mod postgres;
pub mod routed;
pub mod security;
pub mod types;

pub use embedded::EmbeddedStore;
pub use error::StoreError;
pub use postgres::{PgSettings, PostgresStore};
pub use routed::RoutedStore;
pub use security::{AppPassword, AuthSettings, Ban};
pub use types::*;

use async_trait::async_trait;
use tokio::sync::broadcast;

pub type Result<T> = std::result::Result<T, StoreError>;

/// A mail store. Every method that returns Ok has made its change durable (fsync) before
/// returning: an IMAP OK may follow it directly. Mailbox names are UTF-8, `/`-delimited.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    // --- accounts ---
    /// Creates the account with `DEFAULT_MAILBOXES`, all subscribed. `AlreadyExists` if the
    /// name is taken; account names compare ASCII-case-insensitively everywhere.
    async fn create_account(&self, name: &str, password_hash: &str) -> Result<AccountId>;
    async fn account(&self, name: &str) -> Result<Option<Account>>;
    async fn accounts(&self) -> Result<Vec<Account>>;
    async fn set_password(&self, name: &str, password_hash: &str) -> Result<()>;
    /// Removes the account and all its mail (blobs whose last reference goes).
    async fn delete_account(&self, name: &str) -> Result<()>;

    // --- mailboxes ---
    /// All mailboxes of the account, sorted by name.
    async fn mailboxes(&self, account: AccountId) -> Result<Vec<Mailbox>>;
    async fn mailbox(&self, account: AccountId, name: &str) -> Result<Option<Mailbox>>;
    /// `AlreadyExists` if it exists. Creates missing parents (RFC 9051 §6.3.4).
    async fn create_mailbox(
        &self,
        account: AccountId,
        name: &str,
        special_use: Option<SpecialUse>,
    ) -> Result<MailboxId>;
    /// Deletes the mailbox and its messages. RFC 9051 §6.3.5 lets a server either refuse
    /// when inferiors exist or delete and keep them; we keep them (like Dovecot): the name
    /// then exists only as their parent (LIST shows it `\Noselect`/`\NonExistent`), and
    /// deleting such a name is `HasChildren`. `NotFound` when neither mailbox nor
    /// inferiors exist; `Invalid` for INBOX. Subscriptions are kept (RFC 9051 §6.3.9).
    async fn delete_mailbox(&self, account: AccountId, name: &str) -> Result<()>;
    /// Renames the mailbox and its inferiors. Renaming INBOX moves its messages to a new
    /// mailbox `to` and leaves INBOX empty (RFC 9051 §6.3.6). `AlreadyExists` if `to` or
    /// any renamed inferior's new name exists; `Invalid` when `to` is inside `from`.
    /// Missing superiors of `to` are created; subscriptions follow the renamed names.
    async fn rename_mailbox(&self, account: AccountId, from: &str, to: &str) -> Result<()>;
    /// Subscriptions are names, kept even for mailboxes that do not exist (RFC 9051 §6.3.7).
    async fn set_subscribed(&self, account: AccountId, name: &str, subscribed: bool) -> Result<()>;
    async fn subscriptions(&self, account: AccountId) -> Result<Vec<String>>;
    async fn status(&self, account: AccountId, mailbox: MailboxId) -> Result<MailboxStatus>;
    /// The mailbox's HIGHESTMODSEQ alone (RFC 7162 §3.1.2): cheaper than `status`, for
    /// IDLE's once-a-second poll. `NotFound` when the mailbox is gone.
    async fn highest_modseq(&self, account: AccountId, mailbox: MailboxId) -> Result<ModSeq> {
        Ok(self.status(account, mailbox).await?.highest_modseq)
    }

    // --- messages ---
    /// Append all or nothing (MULTIAPPEND). Parses each message once (ENVELOPE,
    /// BODYSTRUCTURE, part table) and stores the blob content-addressed.
    async fn append(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        messages: Vec<NewMessage>,
    ) -> Result<AppendResult>;
    async fn snapshot(&self, account: AccountId, mailbox: MailboxId) -> Result<MailboxSnapshot>;
    async fn delta(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        since: ModSeq,
    ) -> Result<MailboxDelta>;
    /// UIDs expunged with a mod-sequence above `since`, ascending, from the kept expunge log
    /// (RFC 7162 §3.2.5.1, §3.2.6: VANISHED (EARLIER)). Like `delta(..).expunged` without
    /// reading the changed messages. The log lives as long as the mailbox, so every expunge
    /// is remembered (no `minmodseq` fallback is needed).
    async fn vanished(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        since: ModSeq,
    ) -> Result<Vec<Uid>> {
        Ok(self.delta(account, mailbox, since).await?.expunged)
    }
    /// Records for the given UIDs (missing ones skipped), ascending.
    async fn records(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uids: &[Uid],
    ) -> Result<Vec<MessageRecord>>;
    /// Like `records`, but only the parts of `parsed` that `detail` names need be filled in
    /// (a backend may keep those where they are cheaper to read than the whole parse
    /// result). Correct for every backend: the whole record is a superset.
    async fn records_with(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uids: &[Uid],
        detail: RecordDetail,
    ) -> Result<Vec<MessageRecord>> {
        let _ = detail;
        self.records(account, mailbox, uids).await
    }
    /// As `records_with`, each record with the message's raw bytes where the backend reads
    /// them cheaply in the same round trip (FETCH BODY[] of a batch: one store call instead
    /// of one more per message); `None`: read them with [`Store::blob`]. A backend may
    /// leave any out (to bound the memory of one call). Correct for every backend: the
    /// default reads none.
    async fn records_with_content(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uids: &[Uid],
        detail: RecordDetail,
    ) -> Result<Vec<(MessageRecord, Option<Vec<u8>>)>> {
        Ok(self
            .records_with(account, mailbox, uids, detail)
            .await?
            .into_iter()
            .map(|r| (r, None))
            .collect())
    }
    /// The numeric SORT keys (RFC 5256 §3 ARRIVAL, DATE, SIZE) of the given UIDs (missing
    /// ones skipped), ascending by UID: what SORT reads when it needs nothing else. Correct
    /// for every backend: the default derives them from `records_with(.., SentDate)` read
    /// in batches; a backend may read only these columns.
    async fn numeric_sort_keys(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uids: &[Uid],
    ) -> Result<Vec<NumericSortKeys>> {
        let mut out = Vec::with_capacity(uids.len());
        for chunk in uids.chunks(1000) {
            let recs = self
                .records_with(account, mailbox, chunk, RecordDetail::SentDate)
                .await?;
            out.extend(recs.iter().map(NumericSortKeys::of));
        }
        out.sort_unstable_by_key(|k| k.uid);
        out.dedup_by_key(|k| k.uid);
        Ok(out)
    }
    /// The raw bytes of a message of `account` (a [`MessageRecord::blob`] read from one of
    /// its mailboxes). The account keeps this lookup inside one account's rows, so a store
    /// split over several databases by account can answer it (ARCHITECTURE.md "Beyond one
    /// database"). `NotFound` when there is no such blob; a backend whose blobs are shared
    /// between accounts (embedded) may find another account's, which callers never ask for.
    async fn blob(&self, account: AccountId, blob: &BlobId) -> Result<Vec<u8>>;
    /// Change flags; with `unchanged_since`, messages whose modseq is greater are left alone
    /// and returned in `StoreFlagsResult::modified` (RFC 7162 §3.1.3). Returns the new
    /// state of every message actually changed (each with its new modseq).
    async fn store_flags(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uids: &[Uid],
        op: FlagOp,
        flags: &Flags,
        unchanged_since: Option<ModSeq>,
    ) -> Result<StoreFlagsResult>;
    async fn copy(
        &self,
        account: AccountId,
        from: MailboxId,
        uids: &[Uid],
        to: MailboxId,
    ) -> Result<CopyResult>;
    /// Copy then expunge from the source, atomically (RFC 6851).
    async fn move_messages(
        &self,
        account: AccountId,
        from: MailboxId,
        uids: &[Uid],
        to: MailboxId,
    ) -> Result<CopyResult>;
    /// Expunge the messages among `uids` (all when None) that have `\Deleted`. Returns the
    /// expunged UIDs, ascending.
    async fn expunge(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uids: Option<&[Uid]>,
    ) -> Result<Vec<Uid>>;
    /// Claim \Recent (RFC 3501 §2.3.2): raises the mailbox's recent floor to its highest UID
    /// and returns the previous floor; messages with UID in (previous, new] are recent for the
    /// caller only.
    async fn claim_recent(&self, account: AccountId, mailbox: MailboxId) -> Result<(u32, u32)>;

    // --- change feed ---
    /// Every change made through this store object (all accounts). Sessions filter by
    /// account. Changes made by another process (the CLI) are not on the feed: IDLE also
    /// polls `status().highest_modseq` once a second.
    fn subscribe(&self) -> broadcast::Receiver<Change>;

    // --- secure access (crate::security); defaults refuse, for backends without it ---
    /// The account's SCRAM keys and settings; defaults when none were stored.
    async fn auth_settings(&self, account: AccountId) -> Result<AuthSettings> {
        let _ = account;
        Err(unsupported())
    }
    /// Store (or clear) SCRAM-SHA-256 keys. Backends clear them when the password changes.
    async fn set_scram_credentials(&self, account: AccountId, scram: Option<&str>) -> Result<()> {
        let _ = (account, scram);
        Err(unsupported())
    }
    async fn set_app_passwords_only(&self, account: AccountId, on: bool) -> Result<()> {
        let _ = (account, on);
        Err(unsupported())
    }
    /// `AlreadyExists` when the account has an app password with this label.
    async fn add_app_password(
        &self,
        account: AccountId,
        label: &str,
        hash: &str,
        created: i64,
        expires: Option<i64>,
    ) -> Result<i64> {
        let _ = (account, label, hash, created, expires);
        Err(unsupported())
    }
    /// Oldest first.
    async fn app_passwords(&self, account: AccountId) -> Result<Vec<AppPassword>> {
        let _ = account;
        Err(unsupported())
    }
    /// `NotFound` when there is none with this label.
    async fn revoke_app_password(&self, account: AccountId, label: &str) -> Result<()> {
        let _ = (account, label);
        Err(unsupported())
    }
    /// Record a successful use (time and client address) of the account's app password
    /// `id` (as in [`AppPassword::id`]). Names the account so that the update stays within
    /// one account's rows (ARCHITECTURE.md "Beyond one database").
    async fn app_password_used(
        &self,
        account: AccountId,
        id: i64,
        at: i64,
        ip: &str,
    ) -> Result<()> {
        let _ = (account, id, at, ip);
        Err(unsupported())
    }
    /// Insert or replace the ban of `ban.key`.
    async fn add_ban(&self, ban: &Ban) -> Result<()> {
        let _ = ban;
        Err(unsupported())
    }
    /// Bans still in force at `now`.
    async fn bans(&self, now: i64) -> Result<Vec<Ban>> {
        let _ = now;
        Err(unsupported())
    }
    /// The ban of `key` if in force at `now`.
    async fn ban(&self, key: &str, now: i64) -> Result<Option<Ban>> {
        let _ = (key, now);
        Err(unsupported())
    }
    /// False when there was none.
    async fn remove_ban(&self, key: &str) -> Result<bool> {
        let _ = key;
        Err(unsupported())
    }

    // --- import and migration (embedded: embedded/transfer.rs) ---
    /// For each content address in `blobs` (see [`content_address`]), whether the mailbox
    /// already holds a message with exactly those bytes. `loft import` skips those, which
    /// makes a re-run add nothing twice.
    async fn mailbox_has_blobs(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        blobs: &[BlobId],
    ) -> Result<Vec<bool>> {
        let _ = (account, mailbox, blobs);
        Err(unsupported())
    }
    /// Appends messages with the UIDs they had elsewhere (`loft migrate`), keeping the
    /// source's UIDVALIDITY so clients need not download everything again (RFC 9051
    /// §2.3.1.1). `uid_validity` replaces the mailbox's only while it has never held a
    /// message (UIDNEXT 1); otherwise it must equal the current one. UIDs must ascend and be
    /// at least the mailbox's UIDNEXT; UIDNEXT becomes the last UID + 1. All or nothing;
    /// `Invalid` when any rule is broken (the caller then falls back to `append`).
    async fn append_with_uids(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uid_validity: UidValidity,
        messages: Vec<(Uid, NewMessage)>,
    ) -> Result<AppendResult> {
        let _ = (account, mailbox, uid_validity, messages);
        Err(unsupported())
    }

    // --- whole-store copy (`loft store copy`, crate::copy) ---
    /// The whole expunge log of a mailbox: every expunged UID with the mod-sequence of its
    /// expunge, ascending by UID. `loft store copy` carries it over entry by entry, so that
    /// a QRESYNC client gets the same VANISHED (EARLIER) after the copy as before it
    /// (RFC 7162 §3.2.5.2).
    async fn expunge_log(
        &self,
        account: AccountId,
        mailbox: MailboxId,
    ) -> Result<Vec<(Uid, ModSeq)>> {
        let _ = (account, mailbox);
        Err(unsupported())
    }
    /// Like `append_with_uids` (same rules), but each message also keeps the mod-sequence
    /// it had in the other store (RFC 7162 §3.1: clients keep their CONDSTORE state), and
    /// HIGHESTMODSEQ becomes at least the largest of them. An empty batch only takes over
    /// the UIDVALIDITY.
    async fn restore_messages(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uid_validity: UidValidity,
        messages: Vec<(Uid, ModSeq, NewMessage)>,
    ) -> Result<AppendResult> {
        let _ = (account, mailbox, uid_validity, messages);
        Err(unsupported())
    }
    /// Raises UIDNEXT, HIGHESTMODSEQ and the recent floor of a restored mailbox to the
    /// given values (never lowers them) and adds the expunge-log entries.
    async fn restore_mailbox_state(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        state: &copy::MailboxRestore,
    ) -> Result<()> {
        let _ = (account, mailbox, state);
        Err(unsupported())
    }

    // --- RFC 5464 METADATA (embedded: embedded/metadata.rs); defaults refuse ---
    /// The annotations of a mailbox (`Some`) or the account's server annotations (`None`):
    /// (entry, value), sorted by entry. Entry names are stored lower-case (RFC 5464 §3.2:
    /// entry names are case-insensitive), e.g. `/private/comment`. `NotFound` when the
    /// mailbox is gone. A mailbox's entries survive RENAME and go with DELETE.
    async fn metadata(
        &self,
        account: AccountId,
        mailbox: Option<MailboxId>,
    ) -> Result<Vec<(String, Vec<u8>)>> {
        let _ = (account, mailbox);
        Err(unsupported())
    }
    /// Set (`Some`) or remove (`None`) entries, all or nothing (RFC 5464 §4.3).
    async fn set_metadata(
        &self,
        account: AccountId,
        mailbox: Option<MailboxId>,
        entries: Vec<(String, Option<Vec<u8>>)>,
    ) -> Result<()> {
        let _ = (account, mailbox, entries);
        Err(unsupported())
    }

    // --- search index ---
    /// SEARCH from the full-text/field index (issue 6): the UIDs of the mailbox's messages
    /// whose `field` text contains `needle` (already lower-cased with `str::to_lowercase`;
    /// exact substring semantics, RFC 9051 §6.4.4), among the messages already indexed,
    /// plus the UIDs not indexed yet, which the caller must evaluate itself. `None` when
    /// the backend has no index or cannot answer this needle (too short for trigrams):
    /// the caller then evaluates every message. Both lists ascend.
    async fn search_index(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        field: SearchField,
        needle: &str,
    ) -> Result<Option<IndexedMatches>> {
        let _ = (account, mailbox, field, needle);
        Ok(None)
    }

    // --- maintenance ---
    /// `loft check`: verify metadata against blobs, counters, reference counts. Returns
    /// problems in plain words; empty when healthy.
    async fn check(&self) -> Result<Vec<String>>;
}

/// What `Store::search_index` searches (RFC 9051 §6.4.4): BODY and TEXT on the decoded
/// search text (`loft_message::search_text`), FROM/TO/CC/SUBJECT on the ENVELOPE fields
/// as [`search_field_text`] renders them, BCC on the decoded Bcc header values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SearchField {
    Body,
    Text,
    From,
    To,
    Cc,
    Bcc,
    Subject,
}

/// The numeric SORT keys of one message: [`Store::numeric_sort_keys`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumericSortKeys {
    pub uid: Uid,
    /// RFC 5256 §3 ARRIVAL: the internal date, seconds since the epoch.
    pub internal_date: i64,
    /// RFC 5256 §2.2 DATE: the Date: header normalized to UTC (seconds since the epoch),
    /// or the internal date when the header is absent or unparsable.
    pub sent_date: i64,
    /// RFC 5256 §3 SIZE: RFC822.SIZE.
    pub size: u32,
}

impl NumericSortKeys {
    /// The keys of a record that holds at least [`RecordDetail::SentDate`].
    pub fn of(r: &MessageRecord) -> Self {
        let internal_date = r.internal_date.timestamp();
        NumericSortKeys {
            uid: r.uid,
            internal_date,
            sent_date: r.parsed.sent_date.unwrap_or(internal_date),
            size: r.size,
        }
    }
}

/// The answer of `Store::search_index`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexedMatches {
    /// Indexed messages that match, ascending.
    pub matches: Vec<Uid>,
    /// Messages not indexed yet (just appended), ascending: evaluate them directly.
    pub unindexed: Vec<Uid>,
}

pub use embedded::fts::search_field_text;

/// The content address of a message: the SHA-256 of its raw bytes, lower-case hex (the
/// [`BlobId`] every backend uses, so identical bytes are stored once).
pub fn content_address(bytes: &[u8]) -> BlobId {
    use sha2::Digest;
    BlobId(hex::encode(sha2::Sha256::digest(bytes)))
}

fn unsupported() -> StoreError {
    StoreError::Invalid("not supported by this store backend".into())
}

#[derive(Debug, Clone, Default)]
pub struct StoreFlagsResult {
    pub changed: Vec<MessageMeta>,
    /// UIDs not changed because of UNCHANGEDSINCE.
    pub modified: Vec<Uid>,
}
