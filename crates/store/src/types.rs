//! Domain types shared by every backend and by the protocol layers.

use std::num::NonZeroU32;

use chrono::{DateTime, FixedOffset};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MailboxId(pub i64);

/// A message UID: non-zero, strictly ascending per mailbox, never reused while the
/// mailbox's UIDVALIDITY stays (RFC 9051 §2.3.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uid(NonZeroU32);

impl Uid {
    pub fn new(v: u32) -> Option<Uid> {
        NonZeroU32::new(v).map(Uid)
    }
    pub fn get(self) -> u32 {
        self.0.get()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UidValidity(NonZeroU32);

impl UidValidity {
    pub fn new(v: u32) -> Option<UidValidity> {
        NonZeroU32::new(v).map(UidValidity)
    }
    pub fn get(self) -> u32 {
        self.0.get()
    }
}

/// RFC 7162 mod-sequence: per mailbox, never goes backwards (also across restarts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ModSeq(pub u64);

/// A SHA-256 of the raw message bytes, hex: the content address of a blob.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BlobId(pub String);

/// Stored flags of one message: the five system flags as bits plus keywords.
/// `\Recent` is not stored: it is session state (RFC 3501 §2.3.2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Flags {
    pub bits: u8,
    /// Keywords, case preserved, no duplicates (compared ASCII-case-insensitively).
    pub keywords: Vec<String>,
}

impl Flags {
    pub const SEEN: u8 = 1;
    pub const ANSWERED: u8 = 2;
    pub const FLAGGED: u8 = 4;
    pub const DELETED: u8 = 8;
    pub const DRAFT: u8 = 16;

    pub fn has(&self, bit: u8) -> bool {
        self.bits & bit != 0
    }
    pub fn is_seen(&self) -> bool {
        self.has(Self::SEEN)
    }
    pub fn is_deleted(&self) -> bool {
        self.has(Self::DELETED)
    }
    pub fn has_keyword(&self, k: &str) -> bool {
        self.keywords.iter().any(|x| x.eq_ignore_ascii_case(k))
    }
    pub fn add_keyword(&mut self, k: &str) {
        if !self.has_keyword(k) {
            self.keywords.push(k.to_string());
        }
    }
    pub fn remove_keyword(&mut self, k: &str) {
        self.keywords.retain(|x| !x.eq_ignore_ascii_case(k));
    }
}

/// How STORE changes flags (RFC 9051 §6.4.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagOp {
    Add,
    Remove,
    Replace,
}

/// RFC 6154 special-use attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpecialUse {
    All,
    Archive,
    Drafts,
    Flagged,
    Junk,
    Sent,
    Trash,
}

impl SpecialUse {
    pub fn attr(self) -> &'static str {
        match self {
            SpecialUse::All => "\\All",
            SpecialUse::Archive => "\\Archive",
            SpecialUse::Drafts => "\\Drafts",
            SpecialUse::Flagged => "\\Flagged",
            SpecialUse::Junk => "\\Junk",
            SpecialUse::Sent => "\\Sent",
            SpecialUse::Trash => "\\Trash",
        }
    }
    /// Parse `\Drafts` etc., case-insensitively.
    pub fn from_attr(s: &str) -> Option<SpecialUse> {
        [
            SpecialUse::All,
            SpecialUse::Archive,
            SpecialUse::Drafts,
            SpecialUse::Flagged,
            SpecialUse::Junk,
            SpecialUse::Sent,
            SpecialUse::Trash,
        ]
        .into_iter()
        .find(|u| u.attr().eq_ignore_ascii_case(s))
    }
}

/// The mailboxes every new account gets.
pub const DEFAULT_MAILBOXES: &[(&str, Option<SpecialUse>)] = &[
    ("INBOX", None),
    ("Drafts", Some(SpecialUse::Drafts)),
    ("Sent", Some(SpecialUse::Sent)),
    ("Trash", Some(SpecialUse::Trash)),
    ("Junk", Some(SpecialUse::Junk)),
    ("Archive", Some(SpecialUse::Archive)),
];

/// The hierarchy delimiter of every mailbox name.
pub const DELIMITER: char = '/';

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    /// PHC string (argon2id). Never logged.
    pub password_hash: String,
}

/// A mailbox as listed. Names are UTF-8, `/`-delimited, `INBOX` upper-case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub id: MailboxId,
    pub name: String,
    pub special_use: Option<SpecialUse>,
    pub is_subscribed: bool,
    pub uid_validity: UidValidity,
}

/// STATUS counters of one mailbox (RFC 9051 §6.3.11).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxStatus {
    pub messages: u32,
    pub unseen: u32,
    pub deleted: u32,
    /// Sum of RFC822.SIZE.
    pub size: u64,
    /// Messages above the mailbox's recent floor (not yet claimed by any session).
    pub recent: u32,
    pub uid_next: u32,
    pub uid_validity: UidValidity,
    pub highest_modseq: ModSeq,
}

/// Per-message metadata a selected session keeps in memory (compact).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageMeta {
    pub uid: Uid,
    pub modseq: ModSeq,
    pub flags: Flags,
}

/// Everything of a message that FETCH may need, except the body bytes.
#[derive(Debug, Clone)]
pub struct MessageRecord {
    pub uid: Uid,
    pub modseq: ModSeq,
    pub flags: Flags,
    pub internal_date: DateTime<FixedOffset>,
    /// RFC 8514 SAVEDATE: when the message was saved into this mailbox (APPEND, delivery,
    /// COPY/MOVE). None where the backend keeps no save date (or for messages stored
    /// before it did).
    pub save_date: Option<DateTime<FixedOffset>>,
    /// RFC822.SIZE: the exact byte count of the message as stored.
    pub size: u32,
    pub blob: BlobId,
    /// Computed once at ingest (DESIGN.md): ENVELOPE, BODY, BODYSTRUCTURE, part offsets.
    pub parsed: std::sync::Arc<loft_message::ParsedMessage>,
}

/// How much of each record's parse result [`crate::Store::records_with`] fills in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordDetail {
    /// Everything: ENVELOPE, BODY, BODYSTRUCTURE, the part tree, derived values.
    Full,
    /// Only `parsed.envelope`, `parsed.sent_date` and `parsed.sent_date_offset_secs`
    /// (FETCH ENVELOPE, SORT by address or subject); the rest of `parsed` may be empty.
    Envelope,
    /// Only `parsed.sent_date` and `parsed.sent_date_offset_secs` (SORT DATE); the rest
    /// of `parsed` may be empty.
    SentDate,
}

/// A message to store.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub content: Vec<u8>,
    pub flags: Flags,
    /// Defaults to now when None.
    pub internal_date: Option<DateTime<FixedOffset>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendResult {
    pub uid_validity: UidValidity,
    /// One per message, in order.
    pub uids: Vec<Uid>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyResult {
    pub uid_validity: UidValidity,
    /// (source uid, destination uid), ascending by source uid.
    pub pairs: Vec<(Uid, Uid)>,
}

/// The state of a mailbox at SELECT time.
#[derive(Debug, Clone)]
pub struct MailboxSnapshot {
    pub mailbox: Mailbox,
    pub status: MailboxStatus,
    /// Ascending by UID.
    pub messages: Vec<MessageMeta>,
    /// Keywords ever used in this mailbox (for the FLAGS response).
    pub keywords: Vec<String>,
}

/// What changed in a mailbox since a mod-sequence: new or changed messages, and
/// expunged UIDs (from the kept expunge log, also what QRESYNC VANISHED needs).
#[derive(Debug, Clone, Default)]
pub struct MailboxDelta {
    pub highest_modseq: ModSeq,
    /// Messages whose modseq > since, ascending by UID (new ones have UIDs above what the
    /// session knows).
    pub changed: Vec<MessageMeta>,
    /// Expunged since, ascending.
    pub expunged: Vec<Uid>,
    /// Keywords ever used in this mailbox (a new one means a new FLAGS response).
    pub keywords: Vec<String>,
}

/// One event of the change feed: enough for a listener to know whom it concerns; the
/// listener then asks the store for the delta.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Messages appended, flags changed or messages expunged in a mailbox.
    Mailbox {
        account: AccountId,
        mailbox: MailboxId,
        modseq: ModSeq,
    },
    /// Mailbox created, deleted, renamed, or subscription changed.
    MailboxList { account: AccountId },
    /// RFC 5464 annotations set or removed (RFC 5465 §5.6, §5.7 notify of them): a
    /// mailbox's, or the account's server entries when `mailbox` is None. `entries`: the
    /// entry names, lower-cased, as the store keeps them.
    Metadata {
        account: AccountId,
        mailbox: Option<MailboxId>,
        entries: Vec<String>,
    },
}
