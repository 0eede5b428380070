//! Helpers shared by the embedded store's operations: mailbox rows, flag encoding,
//! UIDVALIDITY allocation, blob reference counting.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, TransactionBehavior, params};

use super::blobs::{BlobDir, Hash};
use crate::{
    AccountId, Flags, Mailbox, MailboxId, MailboxStatus, ModSeq, Result, SpecialUse, StoreError,
    UidValidity,
};

/// A mailbox row with its counters.
#[derive(Debug, Clone)]
pub(crate) struct MailboxRow {
    pub id: i64,
    pub name: String,
    pub special_use: Option<SpecialUse>,
    pub uid_validity: u32,
    pub uid_next: u32,
    pub highest_modseq: u64,
    pub recent_floor: u32,
}

const MAILBOX_COLS: &str =
    "id, name, special_use, uid_validity, uid_next, highest_modseq, recent_floor";

impl MailboxRow {
    fn from_row(r: &Row) -> rusqlite::Result<MailboxRow> {
        let special: Option<String> = r.get(2)?;
        Ok(MailboxRow {
            id: r.get(0)?,
            name: r.get(1)?,
            special_use: special.as_deref().and_then(SpecialUse::from_attr),
            uid_validity: r.get(3)?,
            uid_next: r.get(4)?,
            highest_modseq: r.get::<_, i64>(5)? as u64,
            recent_floor: r.get(6)?,
        })
    }

    pub(crate) fn uid_validity(&self) -> Result<UidValidity> {
        UidValidity::new(self.uid_validity).ok_or_else(|| {
            StoreError::Corrupt(format!("mailbox {:?} has UIDVALIDITY 0", self.name))
        })
    }

    pub(crate) fn to_mailbox(&self, is_subscribed: bool) -> Result<Mailbox> {
        Ok(Mailbox {
            id: MailboxId(self.id),
            name: self.name.clone(),
            special_use: self.special_use,
            is_subscribed,
            uid_validity: self.uid_validity()?,
        })
    }

    /// Allocates `n` UIDs, returning the first. RFC 9051 §2.3.1.1: UIDs only ascend and are
    /// never reused; when the 32-bit space runs out the mailbox needs a new UIDVALIDITY,
    /// which we do not do silently.
    pub(crate) fn allocate_uids(&mut self, n: usize) -> Result<u32> {
        let first = self.uid_next;
        let next = u32::try_from(n)
            .ok()
            .and_then(|n| first.checked_add(n))
            .filter(|&next| next < u32::MAX)
            .ok_or_else(|| {
                StoreError::Invalid(format!("mailbox {:?} has run out of UIDs", self.name))
            })?;
        self.uid_next = next;
        Ok(first)
    }

    /// The mod-sequence of the operation in progress (RFC 7162 §3.1: every change gets a
    /// value greater than any before; one operation may share one value).
    pub(crate) fn next_modseq(&mut self) -> u64 {
        self.highest_modseq += 1;
        self.highest_modseq
    }

    /// Persists uid_next, highest_modseq and recent_floor.
    pub(crate) fn save(&self, conn: &Connection) -> Result<()> {
        conn.execute(
            "UPDATE mailboxes SET uid_next = ?2, highest_modseq = ?3, recent_floor = ?4 WHERE id = ?1",
            params![self.id, self.uid_next, self.highest_modseq as i64, self.recent_floor],
        )?;
        Ok(())
    }
}

pub(crate) fn immediate(conn: &mut Connection) -> Result<Transaction<'_>> {
    Ok(conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
}

/// Loads a mailbox of `account`; `NotFound` when it does not exist or belongs to another
/// account (DESIGN.md invariant 7: ids from one account never reach another's mail).
pub(crate) fn load_mailbox(
    conn: &Connection,
    account: AccountId,
    mailbox: MailboxId,
) -> Result<MailboxRow> {
    conn.prepare_cached(&format!(
        "SELECT {MAILBOX_COLS} FROM mailboxes WHERE id = ?1 AND account_id = ?2"
    ))?
    .query_row(params![mailbox.0, account.0], MailboxRow::from_row)
    .optional()?
    .ok_or(StoreError::NotFound("mailbox"))
}

pub(crate) fn find_mailbox(
    conn: &Connection,
    account: AccountId,
    name: &str,
) -> Result<Option<MailboxRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {MAILBOX_COLS} FROM mailboxes WHERE account_id = ?1 AND name = ?2"
        ))?
        .query_row(params![account.0, name], MailboxRow::from_row)
        .optional()?)
}

pub(crate) fn all_mailboxes(conn: &Connection, account: AccountId) -> Result<Vec<MailboxRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {MAILBOX_COLS} FROM mailboxes WHERE account_id = ?1 ORDER BY name"
    ))?;
    let rows = stmt.query_map([account.0], MailboxRow::from_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub(crate) fn is_subscribed(conn: &Connection, account: AccountId, name: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM subscriptions WHERE account_id = ?1 AND name = ?2")?
        .query_row(params![account.0, name], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Creates a mailbox row with a fresh UIDVALIDITY, UIDNEXT 1 and HIGHESTMODSEQ 1.
pub(crate) fn insert_mailbox(
    tx: &Transaction<'_>,
    account: AccountId,
    name: &str,
    special_use: Option<SpecialUse>,
) -> Result<i64> {
    let uid_validity = new_uid_validity(tx)?;
    tx.execute(
        "INSERT INTO mailboxes (account_id, name, special_use, uid_validity, uid_next, highest_modseq)
         VALUES (?1, ?2, ?3, ?4, 1, 1)",
        params![account.0, name, special_use.map(SpecialUse::attr), uid_validity],
    )?;
    Ok(tx.last_insert_rowid())
}

/// A UIDVALIDITY never handed out before in this database: the current time in seconds,
/// or one more than the last value when the clock has not moved on (or went back). So a
/// mailbox deleted and re-created under the same name gets a different UIDVALIDITY
/// (RFC 9051 §2.3.1.1), and it is never 0.
pub(crate) fn new_uid_validity(tx: &Transaction<'_>) -> Result<u32> {
    let last: i64 = tx
        .query_row(
            "SELECT value FROM meta WHERE key = 'last_uid_validity'",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0);
    let now = chrono::Utc::now().timestamp().clamp(1, i64::from(u32::MAX));
    let next = now.max(last + 1);
    let next = u32::try_from(next)
        .map_err(|_| StoreError::Corrupt("UIDVALIDITY space exhausted".into()))?;
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('last_uid_validity', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [next],
    )?;
    Ok(next)
}

pub(crate) fn mailbox_keywords(conn: &Connection, mailbox: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT keyword FROM mailbox_keywords WHERE mailbox_id = ?1 ORDER BY keyword",
    )?;
    let rows = stmt.query_map([mailbox], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
}

pub(crate) fn add_mailbox_keywords(
    conn: &Connection,
    mailbox: i64,
    keywords: &[String],
) -> Result<()> {
    if keywords.is_empty() {
        return Ok(());
    }
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO mailbox_keywords (mailbox_id, keyword) VALUES (?1, ?2)",
    )?;
    for k in keywords {
        stmt.execute(params![mailbox, k])?;
    }
    Ok(())
}

/// STATUS counters (RFC 9051 §6.3.11) computed from the message rows.
pub(crate) fn status_of(conn: &Connection, row: &MailboxRow) -> Result<MailboxStatus> {
    let (messages, unseen, deleted, size, recent): (u32, u32, u32, i64, u32) = conn.query_row(
        "SELECT count(*), coalesce(sum((flags & 1) = 0), 0), coalesce(sum((flags & 8) != 0), 0),
                coalesce(sum(size), 0), coalesce(sum(uid > ?2), 0)
         FROM messages WHERE mailbox_id = ?1",
        params![row.id, row.recent_floor],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    Ok(MailboxStatus {
        messages,
        unseen,
        deleted,
        size: size.max(0) as u64,
        recent,
        uid_next: row.uid_next,
        uid_validity: row.uid_validity()?,
        highest_modseq: ModSeq(row.highest_modseq),
    })
}

// --- flags ---

const ALL_FLAG_BITS: u8 =
    Flags::SEEN | Flags::ANSWERED | Flags::FLAGGED | Flags::DELETED | Flags::DRAFT;

/// Checks flags to be stored and removes duplicate keywords (ASCII-case-insensitive).
/// Keywords are IMAP atoms (RFC 9051 §9 `flag-keyword`), so they never contain a space:
/// the keywords column stores them space-separated.
pub(crate) fn clean_flags(flags: &Flags) -> Result<Flags> {
    if flags.bits & !ALL_FLAG_BITS != 0 {
        return Err(StoreError::Invalid(format!(
            "unknown flag bits {:#x}",
            flags.bits
        )));
    }
    let mut out = Flags {
        bits: flags.bits,
        keywords: Vec::with_capacity(flags.keywords.len()),
    };
    for k in &flags.keywords {
        if k.is_empty() || k.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(StoreError::Invalid(format!("invalid keyword {k:?}")));
        }
        out.add_keyword(k);
    }
    Ok(out)
}

pub(crate) fn encode_keywords(keywords: &[String]) -> Option<String> {
    if keywords.is_empty() {
        None
    } else {
        Some(keywords.join(" "))
    }
}

pub(crate) fn decode_flags(bits: u8, keywords: Option<String>) -> Flags {
    Flags {
        bits,
        keywords: keywords
            .map(|k| {
                k.split(' ')
                    .filter(|k| !k.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Same flags, comparing keywords as ASCII-case-insensitive sets.
pub(crate) fn same_flags(a: &Flags, b: &Flags) -> bool {
    a.bits == b.bits
        && a.keywords.len() == b.keywords.len()
        && a.keywords.iter().all(|k| b.has_keyword(k))
}

// --- blob references ---

/// Drops `n` references from each blob id. Blobs left unreferenced lose their row; their
/// hashes are returned so the caller can remove the files after the commit (`gc_blobs`).
pub(crate) fn unref_blobs(
    tx: &Connection,
    refs: impl IntoIterator<Item = (i64, i64)>,
) -> Result<Vec<Hash>> {
    let mut dead = Vec::new();
    let mut dec = tx.prepare_cached(
        "UPDATE blobs SET refcount = refcount - ?2 WHERE id = ?1 RETURNING refcount, sha256",
    )?;
    let mut del = tx.prepare_cached("DELETE FROM blobs WHERE id = ?1")?;
    let mut is_inline =
        tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM blob_data WHERE blob_id = ?1)")?;
    for (id, n) in refs {
        let row: Option<(i64, Vec<u8>)> = dec
            .query_row(params![id, n], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match row {
            Some((left, hash)) if left <= 0 => {
                // An inline blob leaves with its row (trigger): no file to remove.
                let inline: bool = is_inline.query_row([id], |r| r.get(0))?;
                del.execute([id])?;
                if inline {
                    continue;
                }
                let hash: Hash = hash
                    .try_into()
                    .map_err(|_| StoreError::Corrupt(format!("blob {id} has a malformed hash")))?;
                dead.push(hash);
            }
            Some(_) => {}
            None => {
                return Err(StoreError::Corrupt(format!(
                    "message refers to missing blob {id}"
                )));
            }
        }
    }
    Ok(dead)
}

/// Removes the files of blobs that no row needs (no row, or an inline one: blobs.rs
/// `FILE_REFERENCED`). Runs after the transaction that dropped the last reference has
/// committed (a crash before this leaves an orphan file, never a missing one), inside a
/// write transaction so no other process can re-reference the hash between our check and
/// the unlink: an appender re-checks that its file exists inside its own write
/// transaction. Unlinks on several threads (`BlobDir::remove_many`): an unlink costs about
/// a millisecond on a busy ext4 disk, and EXPUNGE of 1,000 messages paid a second for it.
pub(crate) fn gc_blobs(conn: &mut Connection, blobs: &BlobDir, dead: &[Hash]) {
    if dead.is_empty() {
        return;
    }
    let result = (|| -> Result<()> {
        let tx = immediate(conn)?;
        let mut unreferenced = Vec::with_capacity(dead.len());
        {
            let mut find = tx.prepare_cached(super::blobs::FILE_REFERENCED)?;
            for hash in dead {
                if find
                    .query_row([&hash[..]], |_| Ok(()))
                    .optional()?
                    .is_none()
                {
                    unreferenced.push(*hash);
                }
            }
        }
        blobs.remove_many(&unreferenced)?;
        tx.commit()?;
        Ok(())
    })();
    if let Err(e) = result {
        // Harmless: an orphan file, reported by `loft check`.
        tracing::warn!(error = %e, "could not remove unreferenced blob files");
    }
}
