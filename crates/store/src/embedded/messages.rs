//! Message operations of the embedded store (synchronous; run on the database threads).
//! UIDs and MODSEQs: RFC 9051 §2.3.1.1, RFC 7162 §3.1.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset, Offset, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::blobs::{BlobDir, Hash};
use super::sql::{self, immediate};
use crate::{
    AccountId, AppendResult, CopyResult, FlagOp, Flags, MailboxDelta, MailboxId, MailboxSnapshot,
    MailboxStatus, MessageMeta, ModSeq, Result, StoreError, StoreFlagsResult, Uid,
};

/// One message ready for the append transaction (hashed, flags checked).
pub(crate) struct Prepared {
    pub hash: Hash,
    pub size: u32,
    pub flags: Flags,
    pub internal_date: DateTime<FixedOffset>,
}

/// A blob this append prepared (parsed and compressed outside the DB thread): its file
/// written, or its compressed bytes to store inline (blobs.rs `INLINE_MAX_BYTES`).
pub(crate) struct NewBlob {
    pub size: u32,
    pub parsed_json: String,
    pub inline: Option<Vec<u8>>,
}

/// Whether a blob's bytes are in place for a new reference, checked under the write lock:
/// an existing row's inline data is (its row is in this transaction's snapshot), a file
/// may have been removed by a concurrent cleanup since it was written or seen.
pub(crate) fn bytes_in_place(
    blobs: &BlobDir,
    hash: &Hash,
    existing: Option<(i64, bool)>,
    new: Option<&NewBlob>,
) -> bool {
    match (existing, new) {
        (Some((_, true)), _) => true,
        (Some((_, false)), _) => blobs.exists(hash),
        (None, Some(new)) => new.inline.is_some() || blobs.exists(hash),
        (None, None) => false,
    }
}

/// The blob row of a hash: its id and whether its bytes are inline.
pub(crate) const FIND_BLOB: &str =
    "SELECT b.id, EXISTS (SELECT 1 FROM blob_data d WHERE d.blob_id = b.id) FROM blobs b
     WHERE b.sha256 = ?1";

/// Stores a new blob's inline bytes (in the transaction inserting its row).
pub(crate) fn insert_inline(conn: &Connection, blob_id: i64, new: &NewBlob) -> Result<()> {
    if let Some(data) = &new.inline {
        conn.prepare_cached("INSERT INTO blob_data (blob_id, data) VALUES (?1, ?2)")?
            .execute(params![blob_id, data])?;
    }
    Ok(())
}

pub(crate) enum AppendOutcome {
    Done {
        result: AppendResult,
        mailbox: MailboxId,
        modseq: u64,
        /// Blob files this append wrote for hashes whose existing row is inline: garbage.
        unused_files: Vec<Hash>,
    },
    /// A blob file we relied on is missing (removed by a concurrent expunge's cleanup, or
    /// never prepared because its row existed when we looked): prepare every blob and
    /// try again.
    BlobMissing,
}

/// Which of `hashes` already have a blob row.
pub(crate) fn known_blobs(conn: &Connection, hashes: &[Hash]) -> Result<Vec<Hash>> {
    let mut stmt = conn.prepare_cached("SELECT 1 FROM blobs WHERE sha256 = ?1")?;
    let mut known = Vec::new();
    for h in hashes {
        if stmt.query_row([&h[..]], |_| Ok(())).optional()?.is_some() {
            known.push(*h);
        }
    }
    Ok(known)
}

/// The append job (runs inside a group-commit savepoint, db.rs). The blob files are
/// already on disk (written and fsynced, their directories fsynced by the group commit
/// before it commits, so a committed row never points at a missing file); each one is
/// checked again here, under the write lock, against a concurrent cleanup. Inline blobs
/// are written here, in the savepoint, and become durable with the commit. Every check
/// happens before the first write, so `BlobMissing` leaves nothing behind.
pub(crate) fn append(
    conn: &Connection,
    blobs: &BlobDir,
    account: AccountId,
    mailbox: MailboxId,
    messages: &[Prepared],
    new_blobs: &HashMap<Hash, NewBlob>,
) -> Result<AppendOutcome> {
    let mut row = sql::load_mailbox(conn, account, mailbox)?;
    // hash -> existing blob id (None: inserted by this append).
    let mut ids: HashMap<Hash, Option<i64>> = HashMap::with_capacity(messages.len());
    let mut unused_files = Vec::new();
    {
        let mut find = conn.prepare_cached(FIND_BLOB)?;
        for m in messages {
            if ids.contains_key(&m.hash) {
                continue;
            }
            let existing: Option<(i64, bool)> = find
                .query_row([&m.hash[..]], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let new = new_blobs.get(&m.hash);
            if !bytes_in_place(blobs, &m.hash, existing, new) {
                return Ok(AppendOutcome::BlobMissing);
            }
            if existing.is_some_and(|(_, inline)| inline) && new.is_some_and(|n| n.inline.is_none())
            {
                unused_files.push(m.hash);
            }
            ids.insert(m.hash, existing.map(|(id, _)| id));
        }
    }
    let first_uid = row.allocate_uids(messages.len())?;
    let modseq = row.next_modseq();
    let mut uids = Vec::with_capacity(messages.len());
    {
        let mut incref =
            conn.prepare_cached("UPDATE blobs SET refcount = refcount + ?2 WHERE id = ?1")?;
        let mut insert_blob = conn.prepare_cached(
            "INSERT INTO blobs (sha256, size, refcount, parsed) VALUES (?1, ?2, ?3, ?4)",
        )?;
        let mut insert = conn.prepare_cached(
            "INSERT INTO messages (mailbox_id, uid, modseq, flags, keywords, size, internal_date, internal_tz, blob_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        // References per hash, counted first: one refcount statement per distinct blob.
        let mut refs: HashMap<Hash, i64> = HashMap::with_capacity(ids.len());
        for m in messages {
            *refs.entry(m.hash).or_default() += 1;
        }
        let mut blob_ids: HashMap<Hash, i64> = HashMap::with_capacity(ids.len());
        for (hash, id) in &ids {
            let n = refs.get(hash).copied().unwrap_or(1);
            let id = match id {
                Some(id) => {
                    incref.execute(params![id, n])?;
                    *id
                }
                None => {
                    // Checked above: every hash without a row is in new_blobs.
                    let Some(new) = new_blobs.get(hash) else {
                        return Ok(AppendOutcome::BlobMissing);
                    };
                    insert_blob.execute(params![&hash[..], new.size, n, new.parsed_json])?;
                    let id = conn.last_insert_rowid();
                    insert_inline(conn, id, new)?;
                    id
                }
            };
            blob_ids.insert(*hash, id);
        }
        let mut keywords: Vec<String> = Vec::new();
        for (i, m) in messages.iter().enumerate() {
            let blob_id = blob_ids
                .get(&m.hash)
                .copied()
                .ok_or_else(|| StoreError::Db("blob id lost".into()))?;
            // allocate_uids checked that first_uid + len fits.
            let uid = first_uid + i as u32;
            insert.execute(params![
                row.id,
                uid,
                modseq as i64,
                m.flags.bits,
                sql::encode_keywords(&m.flags.keywords),
                m.size,
                m.internal_date.timestamp(),
                m.internal_date.offset().local_minus_utc(),
                blob_id,
            ])?;
            uids.push(to_uid(uid)?);
            for k in &m.flags.keywords {
                if !keywords.iter().any(|x| x.eq_ignore_ascii_case(k)) {
                    keywords.push(k.clone());
                }
            }
        }
        sql::add_mailbox_keywords(conn, row.id, &keywords)?;
    }
    row.save(conn)?;
    let uid_validity = row.uid_validity()?;
    Ok(AppendOutcome::Done {
        result: AppendResult { uid_validity, uids },
        mailbox,
        modseq,
        unused_files,
    })
}

pub(crate) fn snapshot(
    conn: &mut Connection,
    account: AccountId,
    mailbox: MailboxId,
) -> Result<MailboxSnapshot> {
    let tx = conn.transaction()?;
    let row = sql::load_mailbox(&tx, account, mailbox)?;
    let is_subscribed = sql::is_subscribed(&tx, account, &row.name)?;
    let mut messages = Vec::new();
    let (mut unseen, mut deleted, mut size, mut recent) = (0u32, 0u32, 0u64, 0u32);
    {
        // One range scan of the clustered primary key: SELECT of a huge mailbox reads only
        // these small rows.
        let mut stmt = tx.prepare_cached(
            "SELECT uid, modseq, flags, keywords, size FROM messages WHERE mailbox_id = ?1 ORDER BY uid",
        )?;
        let mut rows = stmt.query([row.id])?;
        while let Some(r) = rows.next()? {
            let meta = meta_row(r)?;
            let msg_size: i64 = r.get(4)?;
            if !meta.flags.is_seen() {
                unseen += 1;
            }
            if meta.flags.is_deleted() {
                deleted += 1;
            }
            if meta.uid.get() > row.recent_floor {
                recent += 1;
            }
            size += msg_size.max(0) as u64;
            messages.push(meta);
        }
    }
    let keywords = sql::mailbox_keywords(&tx, row.id)?;
    let status = MailboxStatus {
        messages: u32::try_from(messages.len())
            .map_err(|_| StoreError::Corrupt("too many messages".into()))?,
        unseen,
        deleted,
        size,
        recent,
        uid_next: row.uid_next,
        uid_validity: row.uid_validity()?,
        highest_modseq: ModSeq(row.highest_modseq),
    };
    Ok(MailboxSnapshot {
        mailbox: row.to_mailbox(is_subscribed)?,
        status,
        messages,
        keywords,
    })
}

pub(crate) fn delta(
    conn: &mut Connection,
    account: AccountId,
    mailbox: MailboxId,
    since: ModSeq,
) -> Result<MailboxDelta> {
    let tx = conn.transaction()?;
    let row = sql::load_mailbox(&tx, account, mailbox)?;
    let since = i64::try_from(since.0).unwrap_or(i64::MAX);
    let changed = {
        let mut stmt = tx.prepare_cached(
            "SELECT uid, modseq, flags, keywords FROM messages WHERE mailbox_id = ?1 AND modseq > ?2 ORDER BY uid",
        )?;
        let mut rows = stmt.query(params![row.id, since])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(meta_row(r)?);
        }
        out
    };
    let expunged = {
        let mut stmt = tx.prepare_cached(
            "SELECT uid FROM expunged WHERE mailbox_id = ?1 AND modseq > ?2 ORDER BY uid",
        )?;
        let rows = stmt.query_map(params![row.id, since], |r| r.get::<_, u32>(0))?;
        let mut out = Vec::new();
        for uid in rows {
            out.push(to_uid(uid?)?);
        }
        out
    };
    Ok(MailboxDelta {
        highest_modseq: ModSeq(row.highest_modseq),
        changed,
        expunged,
        keywords: sql::mailbox_keywords(&tx, row.id)?,
    })
}

/// A message row as read for FETCH, before its parse result is deserialized.
pub(crate) struct RawRecord {
    pub uid: Uid,
    pub modseq: u64,
    pub flags: Flags,
    pub internal_date: DateTime<FixedOffset>,
    pub save_date: Option<DateTime<FixedOffset>>,
    pub size: u32,
    pub hash: Hash,
    pub parsed_json: String,
}

pub(crate) fn records(
    conn: &mut Connection,
    account: AccountId,
    mailbox: MailboxId,
    uids: &[u32],
) -> Result<Vec<RawRecord>> {
    let tx = conn.transaction()?;
    let row = sql::load_mailbox(&tx, account, mailbox)?;
    select_uids(
        &tx,
        "SELECT m.uid, m.modseq, m.flags, m.keywords, m.size, m.internal_date, m.internal_tz, b.sha256, b.parsed, m.save_date
         FROM messages m JOIN blobs b ON b.id = m.blob_id WHERE m.mailbox_id = ?1",
        "m.uid",
        row.id,
        uids,
        |r| {
            let hash: Vec<u8> = r.get(7)?;
            Ok((
                r.get::<_, u32>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, u8>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, u32>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, i32>(6)?,
                hash,
                r.get::<_, String>(8)?,
                r.get::<_, Option<i64>>(9)?,
            ))
        },
    )?
    .into_iter()
    .map(|(uid, modseq, bits, keywords, size, date, tz, hash, parsed_json, saved)| {
        Ok(RawRecord {
            uid: to_uid(uid)?,
            modseq: modseq as u64,
            flags: sql::decode_flags(bits, keywords),
            internal_date: to_date(date, tz)?,
            // RFC 8514 §4.2: stored in UTC (seconds); a value chrono cannot hold is unknown.
            save_date: saved.and_then(|s| to_date(s, 0).ok()),
            size,
            hash: hash.try_into().map_err(|_| StoreError::Corrupt("malformed blob hash".into()))?,
            parsed_json,
        })
    })
    .collect()
}

/// A message row with the `blob_keys` columns (schema.rs) instead of the whole parse
/// result. `parsed_json` is read only for a row whose keys are missing (or whose ENVELOPE
/// is, when `with_envelope`), and then the caller parses it.
pub(crate) struct KeyedRecord {
    pub raw: RawRecord,
    pub sent_date: Option<i64>,
    pub sent_date_offset: i32,
    pub envelope: Option<Vec<u8>>,
    pub parsed_json: Option<String>,
}

/// Records of the given UIDs with only ENVELOPE and the sent date (`with_envelope`) or
/// only the sent date, from `blob_keys`: no parse result is read or parsed unless the keys
/// of a blob are missing.
pub(crate) fn records_keyed(
    conn: &mut Connection,
    account: AccountId,
    mailbox: MailboxId,
    uids: &[u32],
    with_envelope: bool,
) -> Result<Vec<KeyedRecord>> {
    let tx = conn.transaction()?;
    let row = sql::load_mailbox(&tx, account, mailbox)?;
    // Only rows whose keys are missing (see schema.rs) read `blobs` (SQLite evaluates the
    // subqueries per row, only when the CASE needs them).
    let base = if with_envelope {
        "SELECT m.uid, m.modseq, m.flags, m.keywords, m.size, m.internal_date, m.internal_tz,
                CASE WHEN k.blob_id IS NULL THEN (SELECT sha256 FROM blobs WHERE id = m.blob_id) ELSE k.sha256 END,
                m.save_date, k.sent_date, k.sent_date_offset, e.envelope,
                CASE WHEN e.blob_id IS NULL OR k.blob_id IS NULL THEN (SELECT parsed FROM blobs WHERE id = m.blob_id) END
         FROM messages m LEFT JOIN blob_keys k ON k.blob_id = m.blob_id
         LEFT JOIN blob_envelopes e ON e.blob_id = m.blob_id
         WHERE m.mailbox_id = ?1"
    } else {
        "SELECT m.uid, m.modseq, m.flags, m.keywords, m.size, m.internal_date, m.internal_tz,
                CASE WHEN k.blob_id IS NULL THEN (SELECT sha256 FROM blobs WHERE id = m.blob_id) ELSE k.sha256 END,
                m.save_date, k.sent_date, k.sent_date_offset, NULL,
                CASE WHEN k.blob_id IS NULL THEN (SELECT parsed FROM blobs WHERE id = m.blob_id) END
         FROM messages m LEFT JOIN blob_keys k ON k.blob_id = m.blob_id
         WHERE m.mailbox_id = ?1"
    };
    select_uids(&tx, base, "m.uid", row.id, uids, |r| {
        Ok((
            (
                r.get::<_, u32>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, u8>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, u32>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, i32>(6)?,
                r.get::<_, Vec<u8>>(7)?,
                r.get::<_, Option<i64>>(8)?,
            ),
            r.get::<_, Option<i64>>(9)?,
            r.get::<_, Option<i32>>(10)?,
            r.get::<_, Option<Vec<u8>>>(11)?,
            r.get::<_, Option<String>>(12)?,
        ))
    })?
    .into_iter()
    .map(
        |((uid, modseq, bits, keywords, size, date, tz, hash, saved), sent, offset, env, json)| {
            Ok(KeyedRecord {
                raw: RawRecord {
                    uid: to_uid(uid)?,
                    modseq: modseq as u64,
                    flags: sql::decode_flags(bits, keywords),
                    internal_date: to_date(date, tz)?,
                    // RFC 8514 §4.2: as in `records`.
                    save_date: saved.and_then(|s| to_date(s, 0).ok()),
                    size,
                    hash: hash
                        .try_into()
                        .map_err(|_| StoreError::Corrupt("malformed blob hash".into()))?,
                    parsed_json: String::new(),
                },
                sent_date: sent,
                sent_date_offset: offset.unwrap_or(0),
                envelope: env,
                parsed_json: json,
            })
        },
    )
    .collect()
}

/// STORE (RFC 9051 §6.4.6) with UNCHANGEDSINCE (RFC 7162 §3.1.3). Returns the result and
/// the new modseq when something changed. Runs inside a group-commit savepoint (db.rs).
///
/// Set-based: the distinct old flag values among the target messages are read first
/// (usually a handful), the new value of each is computed once, and one UPDATE per
/// (distinct old value, run of consecutive UIDs) changes every matching row, instead of
/// one statement per message. `STORE 1:* +FLAGS` on 10,000 messages is one read scan and
/// one update scan. Safe because every [`FlagOp`] is idempotent: a row already updated
/// to a new value never matches another group's old value *and* changes again; and the
/// `modseq < new` condition excludes updated rows anyway. A request without keywords (the
/// common case) skips the read: see `store_system_flags`.
pub(crate) fn store_flags(
    conn: &Connection,
    account: AccountId,
    mailbox: MailboxId,
    uids: &[u32],
    op: FlagOp,
    flags: &Flags,
    unchanged_since: Option<ModSeq>,
) -> Result<(StoreFlagsResult, Option<u64>)> {
    let mut row = sql::load_mailbox(conn, account, mailbox)?;
    let runs = uid_runs(uids);
    let mut result = StoreFlagsResult::default();
    // RFC 7162 §3.1.3: a message changed after UNCHANGEDSINCE is left alone and reported
    // in MODIFIED (with UNCHANGEDSINCE 0 every message fails).
    let since = unchanged_since.map_or(i64::MAX, |s| i64::try_from(s.0).unwrap_or(i64::MAX));
    if since != i64::MAX {
        let mut stmt = conn.prepare_cached(
            "SELECT uid FROM messages WHERE mailbox_id = ?1 AND uid BETWEEN ?2 AND ?3 AND modseq > ?4 ORDER BY uid",
        )?;
        for &(lo, hi) in &runs {
            let rows = stmt.query_map(params![row.id, lo, hi, since], |r| r.get::<_, u32>(0))?;
            for uid in rows {
                result.modified.push(to_uid(uid?)?);
            }
        }
    }
    if flags.keywords.is_empty() {
        let modseq = store_system_flags(conn, &mut row, &runs, op, flags.bits, since, &mut result)?;
        return Ok((result, modseq));
    }
    // Distinct old values among the messages to change.
    let mut olds: Vec<(u8, Option<String>)> = Vec::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT DISTINCT flags, keywords FROM messages
             WHERE mailbox_id = ?1 AND uid BETWEEN ?2 AND ?3 AND modseq <= ?4",
        )?;
        for &(lo, hi) in &runs {
            let rows = stmt.query_map(params![row.id, lo, hi, since], |r| {
                Ok((r.get::<_, u8>(0)?, r.get::<_, Option<String>>(1)?))
            })?;
            for r in rows {
                let r = r?;
                if !olds.contains(&r) {
                    olds.push(r);
                }
            }
        }
    }
    let mut modseq = None;
    {
        let mut update = conn.prepare_cached(
            "UPDATE messages SET flags = ?5, keywords = ?6, modseq = ?7
             WHERE mailbox_id = ?1 AND uid BETWEEN ?2 AND ?3 AND modseq <= ?4 AND modseq < ?7
               AND flags = ?8 AND keywords IS ?9
             RETURNING uid",
        )?;
        for (bits, keywords) in olds {
            let old = sql::decode_flags(bits, keywords.clone());
            let new = apply(op, &old, flags);
            // Only messages whose flags really change get a new mod-sequence.
            if sql::same_flags(&old, &new) {
                continue;
            }
            let m = *modseq.get_or_insert_with(|| row.next_modseq());
            let new_keywords = sql::encode_keywords(&new.keywords);
            for &(lo, hi) in &runs {
                let changed = update.query_map(
                    params![
                        row.id,
                        lo,
                        hi,
                        since,
                        new.bits,
                        new_keywords,
                        m as i64,
                        bits,
                        keywords
                    ],
                    |r| r.get::<_, u32>(0),
                )?;
                for uid in changed {
                    result.changed.push(MessageMeta {
                        uid: to_uid(uid?)?,
                        modseq: ModSeq(m),
                        flags: new.clone(),
                    });
                }
            }
        }
    }
    result.changed.sort_unstable_by_key(|m| m.uid);
    if modseq.is_some() {
        if op != FlagOp::Remove {
            sql::add_mailbox_keywords(conn, row.id, &flags.keywords)?;
        }
        row.save(conn)?;
    }
    Ok((result, modseq))
}

/// `store_flags` without keywords in the request (`+FLAGS (\Seen)`, `-FLAGS (\Deleted)`,
/// `FLAGS (\Seen)`: what clients send almost always). The new system flags are a function
/// of the old bits alone, `(old & keep) | set`, so one `UPDATE ... RETURNING` per run of
/// UIDs computes, filters and returns them: no read of the distinct old values first, and
/// one pass over the rows instead of one per distinct old value (issue 6: STORE 1:* on
/// 10,000 messages). Only rows whose flags really change match (RFC 7162 §3.1: a
/// mod-sequence is assigned to a message only when its metadata changes). Replace also
/// drops every keyword (RFC 9051 §6.4.6 FLAGS replaces the whole set); an empty keyword set
/// is always stored as NULL (`sql::encode_keywords`).
fn store_system_flags(
    conn: &Connection,
    row: &mut sql::MailboxRow,
    runs: &[(u32, u32)],
    op: FlagOp,
    bits: u8,
    since: i64,
    result: &mut StoreFlagsResult,
) -> Result<Option<u64>> {
    let (keep, set, drop_keywords) = match op {
        FlagOp::Add => (u8::MAX, bits, false),
        FlagOp::Remove => (!bits, 0, false),
        FlagOp::Replace => (0, bits, true),
    };
    // Drawn now, kept (saved with the mailbox row) only if a row changes.
    let m = row.next_modseq();
    let mut update = conn.prepare_cached(
        "UPDATE messages
         SET flags = (flags & ?5) | ?6, modseq = ?7,
             keywords = CASE WHEN ?8 THEN NULL ELSE keywords END
         WHERE mailbox_id = ?1 AND uid BETWEEN ?2 AND ?3 AND modseq <= ?4 AND modseq < ?7
           AND (flags != ((flags & ?5) | ?6) OR (?8 AND keywords IS NOT NULL))
         RETURNING uid, flags, keywords",
    )?;
    for &(lo, hi) in runs {
        let rows = update.query_map(
            params![row.id, lo, hi, since, keep, set, m as i64, drop_keywords],
            |r| {
                Ok((
                    r.get::<_, u32>(0)?,
                    r.get::<_, u8>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            },
        )?;
        for r in rows {
            let (uid, bits, keywords) = r?;
            result.changed.push(MessageMeta {
                uid: to_uid(uid)?,
                modseq: ModSeq(m),
                flags: sql::decode_flags(bits, keywords),
            });
        }
    }
    if result.changed.is_empty() {
        return Ok(None);
    }
    result.changed.sort_unstable_by_key(|m| m.uid);
    row.save(conn)?;
    Ok(Some(m))
}

fn apply(op: FlagOp, old: &Flags, flags: &Flags) -> Flags {
    match op {
        FlagOp::Add => {
            let mut new = old.clone();
            new.bits |= flags.bits;
            for k in &flags.keywords {
                new.add_keyword(k);
            }
            new
        }
        FlagOp::Remove => {
            let mut new = old.clone();
            new.bits &= !flags.bits;
            for k in &flags.keywords {
                new.remove_keyword(k);
            }
            new
        }
        FlagOp::Replace => flags.clone(),
    }
}

/// What COPY or MOVE did, for the change feed.
pub(crate) struct Copied {
    pub result: CopyResult,
    /// (mailbox, its new highest modseq) for each mailbox that changed.
    pub changed: Vec<(MailboxId, u64)>,
}

/// COPY (RFC 9051 §6.4.7) and MOVE (RFC 6851) as one job of a group commit (db.rs). New
/// UIDs in the destination follow source-UID order; flags are copied (\Recent is session
/// state). Set-based: the copies are inserted by one `INSERT ... SELECT` per run of
/// consecutive source UIDs, the blob references by one UPDATE, MOVE's deletions by one
/// DELETE per run.
pub(crate) fn copy_move(
    conn: &Connection,
    account: AccountId,
    from: MailboxId,
    uids: &[u32],
    to: MailboxId,
    is_move: bool,
) -> Result<Copied> {
    let same = from == to;
    let mut src = sql::load_mailbox(conn, account, from)?;
    let mut dst = if same {
        src.clone()
    } else {
        sql::load_mailbox(conn, account, to)?
    };
    let uid_validity = dst.uid_validity()?;
    let runs = uid_runs(uids);
    // The source UIDs that exist, ascending.
    let mut existing: Vec<u32> = Vec::with_capacity(uids.len());
    {
        let mut stmt = conn.prepare_cached(
            "SELECT uid FROM messages WHERE mailbox_id = ?1 AND uid BETWEEN ?2 AND ?3 ORDER BY uid",
        )?;
        for &(lo, hi) in &runs {
            let rows = stmt.query_map(params![src.id, lo, hi], |r| r.get::<_, u32>(0))?;
            for uid in rows {
                existing.push(uid?);
            }
        }
    }
    if existing.is_empty() {
        return Ok(Copied {
            result: CopyResult {
                uid_validity,
                pairs: Vec::new(),
            },
            changed: Vec::new(),
        });
    }

    let first = dst.allocate_uids(existing.len())?;
    let dst_modseq = dst.next_modseq();
    let mut pairs = Vec::with_capacity(existing.len());
    for (i, uid) in existing.iter().enumerate() {
        // allocate_uids checked that first + len fits.
        pairs.push((to_uid(*uid)?, to_uid(first + i as u32)?));
    }
    {
        // Within a run the copies get consecutive UIDs in source order: the source row's
        // rank in the run (row_number) plus the UIDs the earlier runs took. RFC 8514 §3:
        // a copy's save date is now; set here, the same value the savedate.rs trigger
        // would write, so the trigger's second UPDATE per copied row is skipped.
        let mut insert = conn.prepare_cached(
            "INSERT INTO messages (mailbox_id, uid, modseq, flags, keywords, size, internal_date, internal_tz, blob_id, save_date)
             SELECT ?4, ?5 + row_number() OVER (ORDER BY uid) - 1, ?6, flags, keywords, size, internal_date, internal_tz, blob_id,
                    CAST(strftime('%s', 'now') AS INTEGER)
             FROM messages WHERE mailbox_id = ?1 AND uid BETWEEN ?2 AND ?3 ORDER BY uid",
        )?;
        let mut next = first;
        for &(lo, hi) in &runs {
            let n = insert.execute(params![src.id, lo, hi, dst.id, next, dst_modseq as i64])?;
            next += u32::try_from(n).map_err(|_| StoreError::Db("copy count overflow".into()))?;
        }
        if next != first + existing.len() as u32 {
            return Err(StoreError::Db(
                "copy inserted an unexpected number of rows".into(),
            ));
        }
    }
    // Keywords of the copies become known in the destination.
    {
        let mut keywords: Vec<String> = Vec::new();
        let mut stmt = conn.prepare_cached(
            "SELECT DISTINCT keywords FROM messages
             WHERE mailbox_id = ?1 AND uid BETWEEN ?2 AND ?3 AND keywords IS NOT NULL",
        )?;
        let rows = stmt.query_map(
            params![dst.id, first, first + existing.len() as u32 - 1],
            |r| r.get::<_, String>(0),
        )?;
        for kw in rows {
            for k in sql::decode_flags(0, Some(kw?)).keywords {
                if !keywords.iter().any(|x| x.eq_ignore_ascii_case(&k)) {
                    keywords.push(k);
                }
            }
        }
        sql::add_mailbox_keywords(conn, dst.id, &keywords)?;
    }

    if is_move {
        if same {
            src = dst.clone();
        }
        // RFC 6851 §3.3: the source sees the messages expunged. The copies have UIDs above
        // every run (same-mailbox MOVE), so the runs match only the originals.
        let src_modseq = src.next_modseq();
        let mut log = conn.prepare_cached(
            "INSERT INTO expunged (mailbox_id, uid, modseq)
             SELECT mailbox_id, uid, ?4 FROM messages WHERE mailbox_id = ?1 AND uid BETWEEN ?2 AND ?3",
        )?;
        let mut delete = conn.prepare_cached(
            "DELETE FROM messages WHERE mailbox_id = ?1 AND uid BETWEEN ?2 AND ?3",
        )?;
        for &(lo, hi) in &runs {
            log.execute(params![src.id, lo, hi, src_modseq as i64])?;
            delete.execute(params![src.id, lo, hi])?;
        }
        // The moved rows' references carry over to the copies: refcounts do not change.
        if same {
            dst = src.clone();
        }
    } else {
        // One reference more per copy, counted per blob in one statement.
        conn.prepare_cached(
            "UPDATE blobs SET refcount = refcount + c.n
             FROM (SELECT blob_id, count(*) AS n FROM messages
                   WHERE mailbox_id = ?1 AND uid BETWEEN ?2 AND ?3 GROUP BY blob_id) AS c
             WHERE blobs.id = c.blob_id",
        )?
        .execute(params![dst.id, first, first + existing.len() as u32 - 1])?;
    }

    let mut changed = vec![(MailboxId(dst.id), dst.highest_modseq)];
    dst.save(conn)?;
    if is_move && !same {
        src.save(conn)?;
        changed.push((MailboxId(src.id), src.highest_modseq));
    }
    Ok(Copied {
        result: CopyResult {
            uid_validity,
            pairs,
        },
        changed,
    })
}

/// EXPUNGE / UID EXPUNGE (RFC 9051 §6.4.3, §6.4.9): removes messages with \Deleted.
/// Returns the expunged UIDs, the new modseq and the blobs left unreferenced. Runs inside
/// a group-commit savepoint (db.rs). Set-based: one `INSERT ... SELECT` into the expunge
/// log and one `DELETE ... RETURNING` per run of consecutive UIDs (one of each for the
/// whole mailbox without a UID set), one refcount statement per distinct blob.
pub(crate) fn expunge(
    conn: &Connection,
    account: AccountId,
    mailbox: MailboxId,
    uids: Option<&[u32]>,
) -> Result<(Vec<Uid>, Option<u64>, Vec<Hash>)> {
    let mut row = sql::load_mailbox(conn, account, mailbox)?;
    let runs = match uids {
        Some(uids) => uid_runs(uids),
        None => vec![(1, u32::MAX)],
    };
    // The modseq is taken only if something is expunged; peek at the value it would be.
    let modseq = row.highest_modseq + 1;
    let mut log = conn.prepare_cached(
        "INSERT INTO expunged (mailbox_id, uid, modseq)
         SELECT mailbox_id, uid, ?4 FROM messages
         WHERE mailbox_id = ?1 AND uid BETWEEN ?2 AND ?3 AND (flags & 8) != 0",
    )?;
    let mut delete = conn.prepare_cached(
        "DELETE FROM messages WHERE mailbox_id = ?1 AND uid BETWEEN ?2 AND ?3 AND (flags & 8) != 0
         RETURNING uid, blob_id",
    )?;
    let mut gone: Vec<(u32, i64)> = Vec::new();
    for &(lo, hi) in &runs {
        if log.execute(params![row.id, lo, hi, modseq as i64])? == 0 {
            continue;
        }
        let rows = delete.query_map(params![row.id, lo, hi], |r| {
            Ok((r.get::<_, u32>(0)?, r.get::<_, i64>(1)?))
        })?;
        for r in rows {
            gone.push(r?);
        }
    }
    if gone.is_empty() {
        return Ok((Vec::new(), None, Vec::new()));
    }
    // Takes the value peeked above.
    row.next_modseq();
    gone.sort_unstable_by_key(|(uid, _)| *uid);
    let mut refs: BTreeMap<i64, i64> = BTreeMap::new();
    let mut expunged = Vec::with_capacity(gone.len());
    for (uid, blob) in &gone {
        *refs.entry(*blob).or_default() += 1;
        expunged.push(to_uid(*uid)?);
    }
    let dead = sql::unref_blobs(conn, refs)?;
    row.save(conn)?;
    Ok((expunged, Some(modseq), dead))
}

/// Runs of consecutive UIDs, (first, last) inclusive, of a sorted deduplicated list.
fn uid_runs(uids: &[u32]) -> Vec<(u32, u32)> {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &uid in uids {
        match runs.last_mut() {
            Some((_, hi)) if hi.checked_add(1) == Some(uid) => *hi = uid,
            _ => runs.push((uid, uid)),
        }
    }
    runs
}

/// RFC 3501 §2.3.2: raises the recent floor to the highest UID; returns (previous, new).
pub(crate) fn claim_recent(
    conn: &mut Connection,
    account: AccountId,
    mailbox: MailboxId,
) -> Result<(u32, u32)> {
    let tx = immediate(conn)?;
    let mut row = sql::load_mailbox(&tx, account, mailbox)?;
    let previous = row.recent_floor;
    let highest = row.uid_next.saturating_sub(1);
    if highest > previous {
        row.recent_floor = highest;
        row.save(&tx)?;
        tx.commit()?;
    }
    Ok((previous, row.recent_floor))
}

// --- helpers ---

/// Rows of the given UIDs (sorted, deduplicated), ascending. `base` selects from a
/// mailbox (`?1`); `uid_col` names the UID column, which must be the first column read.
/// Dense sets are read with one range scan, sparse ones by point lookups.
fn select_uids<T>(
    conn: &Connection,
    base: &str,
    uid_col: &str,
    mailbox: i64,
    uids: &[u32],
    mut map: impl FnMut(&Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let (Some(&lo), Some(&hi)) = (uids.first(), uids.last()) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(uids.len());
    let span = u64::from(hi - lo) + 1;
    if uids.len() > 16 && span <= uids.len() as u64 * 8 {
        let mut stmt = conn.prepare_cached(&format!(
            "{base} AND {uid_col} BETWEEN ?2 AND ?3 ORDER BY {uid_col}"
        ))?;
        let mut rows = stmt.query(params![mailbox, lo, hi])?;
        while let Some(r) = rows.next()? {
            let uid: u32 = r.get(0)?;
            if uids.binary_search(&uid).is_ok() {
                out.push(map(r)?);
            }
        }
    } else {
        let mut stmt = conn.prepare_cached(&format!("{base} AND {uid_col} = ?2"))?;
        for uid in uids {
            let mut rows = stmt.query(params![mailbox, uid])?;
            if let Some(r) = rows.next()? {
                out.push(map(r)?);
            }
        }
    }
    Ok(out)
}

/// Sorted, deduplicated UID numbers.
pub(crate) fn uid_list(uids: &[Uid]) -> Vec<u32> {
    let mut v: Vec<u32> = uids.iter().map(|u| u.get()).collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn meta_row(r: &Row) -> Result<MessageMeta> {
    Ok(MessageMeta {
        uid: to_uid(r.get(0)?)?,
        modseq: ModSeq(r.get::<_, i64>(1)? as u64),
        flags: sql::decode_flags(r.get(2)?, r.get(3)?),
    })
}

fn to_uid(v: u32) -> Result<Uid> {
    Uid::new(v).ok_or_else(|| StoreError::Corrupt("message with UID 0".into()))
}

fn to_date(secs: i64, offset_secs: i32) -> Result<DateTime<FixedOffset>> {
    let offset = FixedOffset::east_opt(offset_secs).unwrap_or_else(|| Utc.fix());
    DateTime::from_timestamp(secs, 0)
        .map(|d| d.with_timezone(&offset))
        .ok_or_else(|| StoreError::Corrupt(format!("internal date {secs} out of range")))
}
