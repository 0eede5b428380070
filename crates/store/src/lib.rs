//! The store: domain types, the `Store` trait every backend implements, the change feed,
//! and the embedded backend (SQLite metadata + content-addressed zstd blob files).
//! Only the store touches disk or the database (DESIGN.md).

pub mod embedded;
pub mod error;
pub mod feed;
pub mod types;

pub use embedded::EmbeddedStore;
pub use error::StoreError;
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
    async fn create_mailbox(&self, account: AccountId, name: &str, special_use: Option<SpecialUse>) -> Result<MailboxId>;
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
    async fn append(&self, account: AccountId, mailbox: MailboxId, messages: Vec<NewMessage>) -> Result<AppendResult>;
    async fn snapshot(&self, account: AccountId, mailbox: MailboxId) -> Result<MailboxSnapshot>;
    async fn delta(&self, account: AccountId, mailbox: MailboxId, since: ModSeq) -> Result<MailboxDelta>;
    /// Records for the given UIDs (missing ones skipped), ascending.
    async fn records(&self, account: AccountId, mailbox: MailboxId, uids: &[Uid]) -> Result<Vec<MessageRecord>>;
    /// The raw bytes of a message.
    async fn blob(&self, blob: &BlobId) -> Result<Vec<u8>>;
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
    async fn copy(&self, account: AccountId, from: MailboxId, uids: &[Uid], to: MailboxId) -> Result<CopyResult>;
    /// Copy then expunge from the source, atomically (RFC 6851).
    async fn move_messages(&self, account: AccountId, from: MailboxId, uids: &[Uid], to: MailboxId) -> Result<CopyResult>;
    /// Expunge the messages among `uids` (all when None) that have `\Deleted`. Returns the
    /// expunged UIDs, ascending.
    async fn expunge(&self, account: AccountId, mailbox: MailboxId, uids: Option<&[Uid]>) -> Result<Vec<Uid>>;
    /// Claim \Recent (RFC 3501 §2.3.2): raises the mailbox's recent floor to its highest UID
    /// and returns the previous floor; messages with UID in (previous, new] are recent for the
    /// caller only.
    async fn claim_recent(&self, account: AccountId, mailbox: MailboxId) -> Result<(u32, u32)>;

    // --- change feed ---
    /// Every change made through this store object (all accounts). Sessions filter by
    /// account. Changes made by another process (the CLI) are not on the feed: IDLE also
    /// polls `status().highest_modseq` once a second.
    fn subscribe(&self) -> broadcast::Receiver<Change>;

    // --- maintenance ---
    /// `loft check`: verify metadata against blobs, counters, reference counts. Returns
    /// problems in plain words; empty when healthy.
    async fn check(&self) -> Result<Vec<String>>;
}

#[derive(Debug, Clone, Default)]
pub struct StoreFlagsResult {
    pub changed: Vec<MessageMeta>,
    /// UIDs not changed because of UNCHANGEDSINCE.
    pub modified: Vec<Uid>,
}
