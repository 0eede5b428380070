//! Message operations of the embedded store (synchronous; run on the database threads).
//! UIDs and MODSEQs: RFC 9051 §2.3.1.1, RFC 7162 §3.1.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset, Offset, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::blobs::{BlobDir, Hash};
use super::sql::{self, immediate};
use crate::{
    AccountId, AppendResult, CopyResult, FlagOp, Flags, MailboxDelta, MailboxId, MailboxSnapshot, MailboxStatus,
    MessageMeta, ModSeq, Result, StoreError, StoreFlagsResult, Uid,
};

/// One message ready for the append transaction (hashed, flags checked).
pub(crate) struct Prepared {
    pub hash: Hash,
    pub size: u32,
    pub flags: Flags,
    pub internal_date: DateTime<FixedOffset>,
}

/// A blob whose file this append wrote (parsed and compressed outside the DB thread).
pub(crate) struct NewBlob {
    pub size: u32,
    pub parsed_json: String,
}

pub(crate) enum AppendOutcome {
    Done { result: AppendResult, mailbox: MailboxId, modseq: u64 },
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

/// The append transaction. The blob files are already on disk (written and fsynced
/// before this commit, so a committed row never points at a missing file); each one is
/// checked again here, under the write lock, against a concurrent cleanup.
pub(crate) fn append(
    conn: &mut Connection,
    blobs: &BlobDir,
    account: AccountId,
    mailbox: MailboxId,
    messages: &[Prepared],
    new_blobs: &HashMap<Hash, NewBlob>,
) -> Result<AppendOutcome> {
    let tx = immediate(conn)?;
    let mut row = sql::load_mailbox(&tx, account, mailbox)?;
    let first_uid = row.allocate_uids(messages.len())?;
    let modseq = row.next_modseq();
    let mut uids = Vec::with_capacity(messages.len());
    {
        let mut find = tx.prepare_cached("SELECT id FROM blobs WHERE sha256 = ?1")?;
        let mut incref = tx.prepare_cached("UPDATE blobs SET refcount = refcount + 1 WHERE id = ?1")?;
        let mut insert_blob =
            tx.prepare_cached("INSERT INTO blobs (sha256, size, refcount, parsed) VALUES (?1, ?2, 1, ?3)")?;
        let mut insert = tx.prepare_cached(
            "INSERT INTO messages (mailbox_id, uid, modseq, flags, keywords, size, internal_date, internal_tz, blob_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        let mut keywords: Vec<String> = Vec::new();
        for (i, m) in messages.iter().enumerate() {
            if !blobs.exists(&m.hash) {
                return Ok(AppendOutcome::BlobMissing);
            }
            let blob_id: i64 = match find.query_row([&m.hash[..]], |r| r.get(0)).optional()? {
                Some(id) => {
                    incref.execute([id])?;
                    id
                }
                None => {
                    let Some(new) = new_blobs.get(&m.hash) else {
                        return Ok(AppendOutcome::BlobMissing);
                    };
                    insert_blob.execute(params![&m.hash[..], new.size, new.parsed_json])?;
                    tx.last_insert_rowid()
                }
            };
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
        sql::add_mailbox_keywords(&tx, row.id, &keywords)?;
    }
    row.save(&tx)?;
    let uid_validity = row.uid_validity()?;
    tx.commit()?;
    Ok(AppendOutcome::Done { result: AppendResult { uid_validity, uids }, mailbox, modseq })
}

pub(crate) fn snapshot(conn: &mut Connection, account: AccountId, mailbox: MailboxId) -> Result<MailboxSnapshot> {
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
        messages: u32::try_from(messages.len()).map_err(|_| StoreError::Corrupt("too many messages".into()))?,
        unseen,
        deleted,
        size,
        recent,
        uid_next: row.uid_next,
        uid_validity: row.uid_validity()?,
        highest_modseq: ModSeq(row.highest_modseq),
    };
    Ok(MailboxSnapshot { mailbox: row.to_mailbox(is_subscribed)?, status, messages, keywords })
}

pub(crate) fn delta(conn: &mut Connection, account: AccountId, mailbox: MailboxId, since: ModSeq) -> Result<MailboxDelta> {
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
        let mut stmt =
            tx.prepare_cached("SELECT uid FROM expunged WHERE mailbox_id = ?1 AND modseq > ?2 ORDER BY uid")?;
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

pub(crate) fn records(conn: &mut Connection, account: AccountId, mailbox: MailboxId, uids: &[u32]) -> Result<Vec<RawRecord>> {
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

/// STORE (RFC 9051 §6.4.6) with UNCHANGEDSINCE (RFC 7162 §3.1.3). Returns the result and
/// the new modseq when something changed.
pub(crate) fn store_flags(
    conn: &mut Connection,
    account: AccountId,
    mailbox: MailboxId,
    uids: &[u32],
    op: FlagOp,
    flags: &Flags,
    unchanged_since: Option<ModSeq>,
) -> Result<(StoreFlagsResult, Option<u64>)> {
    let tx = immediate(conn)?;
    let mut row = sql::load_mailbox(&tx, account, mailbox)?;
    let current = select_uids(
        &tx,
        "SELECT uid, modseq, flags, keywords FROM messages WHERE mailbox_id = ?1",
        "uid",
        row.id,
        uids,
        |r| Ok((r.get::<_, u32>(0)?, r.get::<_, i64>(1)? as u64, r.get::<_, u8>(2)?, r.get::<_, Option<String>>(3)?)),
    )?;
    let mut result = StoreFlagsResult::default();
    let mut modseq = None;
    {
        let mut update = tx.prepare_cached(
            "UPDATE messages SET flags = ?3, keywords = ?4, modseq = ?5 WHERE mailbox_id = ?1 AND uid = ?2",
        )?;
        for (uid, old_modseq, bits, keywords) in current {
            // RFC 7162 §3.1.3: a message changed after UNCHANGEDSINCE is left alone and
            // reported in MODIFIED (with UNCHANGEDSINCE 0 every message fails).
            if unchanged_since.is_some_and(|since| old_modseq > since.0) {
                result.modified.push(to_uid(uid)?);
                continue;
            }
            let old = sql::decode_flags(bits, keywords);
            let new = apply(op, &old, flags);
            // Only messages whose flags really change get a new mod-sequence.
            if sql::same_flags(&old, &new) {
                continue;
            }
            let m = *modseq.get_or_insert_with(|| row.next_modseq());
            update.execute(params![row.id, uid, new.bits, sql::encode_keywords(&new.keywords), m as i64])?;
            result.changed.push(MessageMeta { uid: to_uid(uid)?, modseq: ModSeq(m), flags: new });
        }
    }
    if modseq.is_some() {
        if op != FlagOp::Remove {
            sql::add_mailbox_keywords(&tx, row.id, &flags.keywords)?;
        }
        row.save(&tx)?;
    }
    tx.commit()?;
    Ok((result, modseq))
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

/// COPY (RFC 9051 §6.4.7) and MOVE (RFC 6851) in one transaction. New UIDs in the
/// destination follow source-UID order; flags are copied (\Recent is session state).
pub(crate) fn copy_move(
    conn: &mut Connection,
    account: AccountId,
    from: MailboxId,
    uids: &[u32],
    to: MailboxId,
    is_move: bool,
) -> Result<Copied> {
    let tx = immediate(conn)?;
    let same = from == to;
    let mut src = sql::load_mailbox(&tx, account, from)?;
    let mut dst = if same { src.clone() } else { sql::load_mailbox(&tx, account, to)? };
    let rows = select_uids(
        &tx,
        "SELECT uid, flags, keywords, size, internal_date, internal_tz, blob_id FROM messages WHERE mailbox_id = ?1",
        "uid",
        src.id,
        uids,
        |r| {
            Ok((
                r.get::<_, u32>(0)?,
                r.get::<_, u8>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, u32>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i32>(5)?,
                r.get::<_, i64>(6)?,
            ))
        },
    )?;
    let uid_validity = dst.uid_validity()?;
    if rows.is_empty() {
        return Ok(Copied { result: CopyResult { uid_validity, pairs: Vec::new() }, changed: Vec::new() });
    }

    let first = dst.allocate_uids(rows.len())?;
    let dst_modseq = dst.next_modseq();
    let mut pairs = Vec::with_capacity(rows.len());
    let mut refs: BTreeMap<i64, i64> = BTreeMap::new();
    let mut keywords: Vec<String> = Vec::new();
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO messages (mailbox_id, uid, modseq, flags, keywords, size, internal_date, internal_tz, blob_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        for (i, (uid, bits, kw, size, date, tz, blob_id)) in rows.iter().enumerate() {
            // allocate_uids checked that first + len fits.
            let new_uid = first + i as u32;
            insert.execute(params![dst.id, new_uid, dst_modseq as i64, bits, kw, size, date, tz, blob_id])?;
            pairs.push((to_uid(*uid)?, to_uid(new_uid)?));
            *refs.entry(*blob_id).or_default() += 1;
            for k in sql::decode_flags(*bits, kw.clone()).keywords {
                if !keywords.iter().any(|x| x.eq_ignore_ascii_case(&k)) {
                    keywords.push(k);
                }
            }
        }
    }
    sql::add_mailbox_keywords(&tx, dst.id, &keywords)?;

    if is_move {
        if same {
            src = dst.clone();
        }
        // RFC 6851 §3.3: the source sees the messages expunged.
        let src_modseq = src.next_modseq();
        let mut delete = tx.prepare_cached("DELETE FROM messages WHERE mailbox_id = ?1 AND uid = ?2")?;
        let mut log = tx.prepare_cached("INSERT INTO expunged (mailbox_id, uid, modseq) VALUES (?1, ?2, ?3)")?;
        for (uid, ..) in &rows {
            delete.execute(params![src.id, uid])?;
            log.execute(params![src.id, uid, src_modseq as i64])?;
        }
        // The moved rows' references carry over to the copies: refcounts do not change.
        if same {
            dst = src.clone();
        }
    } else {
        let mut incref = tx.prepare_cached("UPDATE blobs SET refcount = refcount + ?2 WHERE id = ?1")?;
        for (id, n) in &refs {
            incref.execute(params![id, n])?;
        }
    }

    let mut changed = vec![(MailboxId(dst.id), dst.highest_modseq)];
    dst.save(&tx)?;
    if is_move && !same {
        src.save(&tx)?;
        changed.push((MailboxId(src.id), src.highest_modseq));
    }
    tx.commit()?;
    Ok(Copied { result: CopyResult { uid_validity, pairs }, changed })
}

/// EXPUNGE / UID EXPUNGE (RFC 9051 §6.4.3, §6.4.9): removes messages with \Deleted.
/// Returns the expunged UIDs, the new modseq and the blobs left unreferenced.
pub(crate) fn expunge(
    conn: &mut Connection,
    account: AccountId,
    mailbox: MailboxId,
    uids: Option<&[u32]>,
) -> Result<(Vec<Uid>, Option<u64>, Vec<Hash>)> {
    let tx = immediate(conn)?;
    let mut row = sql::load_mailbox(&tx, account, mailbox)?;
    let map = |r: &Row| Ok((r.get::<_, u32>(0)?, r.get::<_, u8>(1)?, r.get::<_, i64>(2)?));
    let candidates: Vec<(u32, u8, i64)> = match uids {
        Some(uids) => select_uids(
            &tx,
            "SELECT uid, flags, blob_id FROM messages WHERE mailbox_id = ?1",
            "uid",
            row.id,
            uids,
            map,
        )?,
        None => {
            let mut stmt = tx.prepare_cached(
                "SELECT uid, flags, blob_id FROM messages WHERE mailbox_id = ?1 AND (flags & 8) != 0 ORDER BY uid",
            )?;
            let rows = stmt.query_map([row.id], map)?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        }
    };
    let doomed: Vec<(u32, i64)> = candidates
        .into_iter()
        .filter(|(_, bits, _)| bits & Flags::DELETED != 0)
        .map(|(uid, _, blob)| (uid, blob))
        .collect();
    if doomed.is_empty() {
        return Ok((Vec::new(), None, Vec::new()));
    }
    let modseq = row.next_modseq();
    let mut refs: BTreeMap<i64, i64> = BTreeMap::new();
    let mut expunged = Vec::with_capacity(doomed.len());
    {
        let mut delete = tx.prepare_cached("DELETE FROM messages WHERE mailbox_id = ?1 AND uid = ?2")?;
        let mut log = tx.prepare_cached("INSERT INTO expunged (mailbox_id, uid, modseq) VALUES (?1, ?2, ?3)")?;
        for (uid, blob) in &doomed {
            delete.execute(params![row.id, uid])?;
            log.execute(params![row.id, uid, modseq as i64])?;
            *refs.entry(*blob).or_default() += 1;
            expunged.push(to_uid(*uid)?);
        }
    }
    let dead = sql::unref_blobs(&tx, refs)?;
    row.save(&tx)?;
    tx.commit()?;
    Ok((expunged, Some(modseq), dead))
}

/// RFC 3501 §2.3.2: raises the recent floor to the highest UID; returns (previous, new).
pub(crate) fn claim_recent(conn: &mut Connection, account: AccountId, mailbox: MailboxId) -> Result<(u32, u32)> {
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
        let mut stmt =
            conn.prepare_cached(&format!("{base} AND {uid_col} BETWEEN ?2 AND ?3 ORDER BY {uid_col}"))?;
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
