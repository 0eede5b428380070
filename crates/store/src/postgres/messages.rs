//! Message operations. UIDs and MODSEQs (RFC 9051 §2.3.1.1, RFC 7162 §3.1) are allocated
//! under the mailbox row's lock, taken first by every writer; blob rows are locked after
//! it, in hash order.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, Offset, Utc};
use sha2::Digest;
use tokio_postgres::{Client, Row, Transaction};

use super::mailboxes::{self, MailboxRow, load_mailbox};
use super::{Fail, PgResult, blocking, parse};
use crate::{
    AccountId, AppendResult, BlobId, Change, CopyResult, FlagOp, Flags, MailboxDelta, MailboxId,
    MailboxSnapshot, MailboxStatus, MessageMeta, ModSeq, NewMessage, Result, StoreError,
    StoreFlagsResult, Uid, UidValidity,
};

const ZSTD_LEVEL: i32 = 3;
/// The `NotFound` an append transaction fails with when a blob row it relied on was
/// removed meanwhile: the caller prepares every blob and tries again.
pub(crate) const BLOB_RACE: &str = "blob (removed concurrently)";

/// Messages hashed and checked, ready for the append transaction.
pub(crate) struct Prepared {
    messages: Arc<Vec<NewMessage>>,
    pub items: Vec<Item>,
}

pub(crate) struct Item {
    pub sha256: Vec<u8>,
    pub size: i64,
    pub flags: Flags,
    pub internal_date: DateTime<FixedOffset>,
}

/// A blob to insert: size, parse result (JSON) and the zstd frame.
pub(crate) struct Encoded {
    size: i64,
    parsed: String,
    data: Vec<u8>,
}

/// Where the UIDs of an append come from.
#[derive(Clone, Copy)]
pub(crate) enum Uids<'a> {
    /// The next ones of the mailbox (APPEND).
    Allocate,
    /// Given, ascending, at least UIDNEXT (`append_with_uids`, `loft store copy`); with
    /// `modseqs`, each message keeps its mod-sequence too.
    Given {
        uid_validity: UidValidity,
        uids: &'a [Uid],
        modseqs: Option<&'a [ModSeq]>,
    },
}

/// Hashes and checks the messages (CPU work: blocking pool).
pub(crate) async fn prepare(messages: Vec<NewMessage>) -> Result<Prepared> {
    let mut checked = Vec::with_capacity(messages.len());
    for m in messages {
        if u32::try_from(m.content.len()).is_err() {
            return Err(StoreError::Invalid("message larger than 4 GiB".into()));
        }
        let flags = clean_flags(&m.flags)?;
        checked.push(NewMessage { flags, ..m });
    }
    let messages = Arc::new(checked);
    let m = messages.clone();
    let items = blocking(move || {
        let now = chrono::Local::now().fixed_offset();
        Ok(m.iter()
            .map(|m| Item {
                sha256: sha2::Sha256::digest(&m.content).to_vec(),
                size: m.content.len() as i64,
                flags: m.flags.clone(),
                internal_date: m.internal_date.unwrap_or(now),
            })
            .collect())
    })
    .await?;
    Ok(Prepared { messages, items })
}

/// Which of the prepared blobs the account already has.
pub(crate) async fn known_blobs(
    client: &Client,
    account: AccountId,
    p: &Prepared,
) -> PgResult<Vec<Vec<u8>>> {
    let hashes: Vec<&[u8]> = p.items.iter().map(|i| i.sha256.as_slice()).collect();
    let rows = client
        .query(
            "SELECT sha256 FROM blobs WHERE account_id = $1 AND sha256 = ANY($2)",
            &[&account.0, &hashes],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Parses and compresses the blobs not in `known` (all when None), once per hash.
pub(crate) async fn encode_blobs(
    p: &Prepared,
    known: Option<&[Vec<u8>]>,
) -> Result<HashMap<Vec<u8>, Encoded>> {
    let mut todo: Vec<(usize, Vec<u8>)> = Vec::new();
    for (i, item) in p.items.iter().enumerate() {
        if known.is_some_and(|k| k.contains(&item.sha256))
            || todo.iter().any(|(_, h)| *h == item.sha256)
        {
            continue;
        }
        todo.push((i, item.sha256.clone()));
    }
    let messages = p.messages.clone();
    blocking(move || {
        let mut out = HashMap::with_capacity(todo.len());
        for (i, hash) in todo {
            let raw = &messages[i].content;
            let data = zstd::encode_all(&raw[..], ZSTD_LEVEL)?;
            out.insert(
                hash,
                Encoded {
                    size: raw.len() as i64,
                    parsed: parse::to_json(raw),
                    data,
                },
            );
        }
        Ok(out)
    })
    .await
}

/// The append transaction: UIDs and the MODSEQ from the locked mailbox row, blob
/// references, message rows, keywords, NOTIFY. Returns the result and the new modseq.
pub(crate) async fn append(
    tx: &Transaction<'_>,
    node: u64,
    account: AccountId,
    mailbox: MailboxId,
    p: &Prepared,
    blobs: &HashMap<Vec<u8>, Encoded>,
    uids: Uids<'_>,
) -> PgResult<(AppendResult, u64)> {
    let n = p.items.len() as i64;
    let (uid_list, modseqs, uid_validity, highest): (Vec<i64>, Vec<i64>, UidValidity, i64) =
        match uids {
            Uids::Allocate => {
                // The row lock taken here is held until commit: concurrent appends on any node
                // get disjoint, ascending UID ranges and distinct MODSEQs.
                let row = tx
                .query_opt(
                    "UPDATE mailboxes SET uid_next = uid_next + $3, highest_modseq = highest_modseq + 1
                     WHERE account_id = $1 AND mailbox_id = $2
                     RETURNING uid_next - $3, highest_modseq, uid_validity",
                    &[&account.0, &mailbox.0, &n],
                )
                .await?
                .ok_or(StoreError::NotFound("mailbox"))?;
                let (first, modseq, v): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
                if first + n >= i64::from(u32::MAX) {
                    // RFC 9051 §2.3.1.1: no silent UIDVALIDITY change; the transaction rolls back.
                    return Err(StoreError::Invalid("mailbox has run out of UIDs".into()).into());
                }
                let v = u32::try_from(v)
                    .ok()
                    .and_then(UidValidity::new)
                    .ok_or(StoreError::Corrupt("UIDVALIDITY 0".into()))?;
                (
                    (first..first + n).collect(),
                    vec![modseq; n as usize],
                    v,
                    modseq,
                )
            }
            Uids::Given {
                uid_validity,
                uids,
                modseqs,
            } => {
                let mut row = load_mailbox(tx, account, mailbox, true).await?;
                given_uids(tx, account, &mut row, uid_validity, uids)?;
                if row.uid_validity != i64::from(uid_validity.get()) {
                    tx.execute(
                    "UPDATE mailboxes SET uid_validity = $3 WHERE account_id = $1 AND mailbox_id = $2",
                    &[&account.0, &row.id, &i64::from(uid_validity.get())],
                )
                .await?;
                    // Keep new UIDVALIDITYs of this account above every one in use.
                    tx.execute(
                    "UPDATE accounts SET last_uid_validity = GREATEST(last_uid_validity, $2) WHERE account_id = $1",
                    &[&account.0, &i64::from(uid_validity.get())],
                )
                .await?;
                }
                // Restored messages keep their MODSEQs; others share a new one (RFC 7162 §3.1).
                let modseqs: Vec<i64> = match modseqs {
                    Some(m) => m
                        .iter()
                        .map(|m| i64::try_from(m.0).unwrap_or(i64::MAX).max(1))
                        .collect(),
                    None => vec![row.highest_modseq + 1; uids.len()],
                };
                let highest = modseqs.iter().copied().fold(row.highest_modseq, i64::max);
                row.highest_modseq = highest;
                if let Some(last) = uids.last() {
                    row.uid_next = i64::from(last.get()) + 1;
                }
                row.save(tx, account).await?;
                (
                    uids.iter().map(|u| i64::from(u.get())).collect(),
                    modseqs,
                    uid_validity,
                    highest,
                )
            }
        };

    // Blob references, locked in hash order.
    let mut refs: BTreeMap<&[u8], i64> = BTreeMap::new();
    for item in &p.items {
        *refs.entry(item.sha256.as_slice()).or_default() += 1;
    }
    for (hash, count) in &refs {
        match blobs.get(*hash) {
            Some(b) => {
                tx.execute(
                    "INSERT INTO blobs (account_id, sha256, size, refcount, parsed, data) VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (account_id, sha256) DO UPDATE SET refcount = blobs.refcount + excluded.refcount",
                    &[&account.0, hash, &b.size, count, &b.parsed, &b.data],
                )
                .await?;
            }
            None => {
                let n = tx
                    .execute(
                        "UPDATE blobs SET refcount = refcount + $3 WHERE account_id = $1 AND sha256 = $2",
                        &[&account.0, hash, count],
                    )
                    .await?;
                if n == 0 {
                    return Err(StoreError::NotFound(BLOB_RACE).into());
                }
            }
        }
    }

    let flags: Vec<i16> = p.items.iter().map(|i| i16::from(i.flags.bits)).collect();
    let keywords: Vec<Option<String>> = p
        .items
        .iter()
        .map(|i| encode_keywords(&i.flags.keywords))
        .collect();
    let sizes: Vec<i64> = p.items.iter().map(|i| i.size).collect();
    let dates: Vec<i64> = p
        .items
        .iter()
        .map(|i| i.internal_date.timestamp())
        .collect();
    let tzs: Vec<i32> = p
        .items
        .iter()
        .map(|i| i.internal_date.offset().local_minus_utc())
        .collect();
    let hashes: Vec<&[u8]> = p.items.iter().map(|i| i.sha256.as_slice()).collect();
    tx.execute(
        "INSERT INTO messages (account_id, mailbox_id, uid, modseq, flags, keywords, size, internal_date, internal_tz, sha256)
         SELECT $1, $2, u.* FROM unnest($3::bigint[], $4::bigint[], $5::smallint[], $6::text[], $7::bigint[],
                                        $8::bigint[], $9::integer[], $10::bytea[]) AS u",
        &[&account.0, &mailbox.0, &uid_list, &modseqs, &flags, &keywords, &sizes, &dates, &tzs, &hashes],
    )
    .await?;
    let mut all_keywords: Vec<String> = Vec::new();
    for item in &p.items {
        for k in &item.flags.keywords {
            if !all_keywords.iter().any(|x| x.eq_ignore_ascii_case(k)) {
                all_keywords.push(k.clone());
            }
        }
    }
    mailboxes::add_mailbox_keywords(tx, account, mailbox.0, &all_keywords).await?;
    super::notify(
        tx,
        node,
        &Change::Mailbox {
            account,
            mailbox,
            modseq: ModSeq(highest as u64),
        },
    )
    .await?;
    let uids = uid_list
        .iter()
        .map(|&u| to_uid(u))
        .collect::<PgResult<Vec<_>>>()?;
    Ok((AppendResult { uid_validity, uids }, highest as u64))
}

/// The rules of `Store::append_with_uids` (RFC 9051 §2.3.1.1): a UIDVALIDITY may change
/// only while the mailbox never had a message; UIDs ascend from at least UIDNEXT.
fn given_uids(
    _tx: &Transaction<'_>,
    _account: AccountId,
    row: &mut MailboxRow,
    uid_validity: UidValidity,
    uids: &[Uid],
) -> PgResult<()> {
    if uids.windows(2).any(|w| w[0] >= w[1]) {
        return Err(StoreError::Invalid("UIDs must ascend".into()).into());
    }
    if row.uid_validity != i64::from(uid_validity.get()) && row.uid_next != 1 {
        return Err(StoreError::Invalid(
            "mailbox already used: cannot take over UIDVALIDITY".into(),
        )
        .into());
    }
    if let Some(first) = uids.first()
        && i64::from(first.get()) < row.uid_next
    {
        return Err(StoreError::Invalid(format!(
            "UID {} is below UIDNEXT {}",
            first.get(),
            row.uid_next
        ))
        .into());
    }
    if uids.last().is_some_and(|l| l.get() == u32::MAX) {
        return Err(StoreError::Invalid("UID 4294967295 leaves no UIDNEXT".into()).into());
    }
    Ok(())
}

pub(crate) async fn snapshot(
    tx: &Transaction<'_>,
    account: AccountId,
    mailbox: MailboxId,
) -> PgResult<MailboxSnapshot> {
    let row = load_mailbox(tx, account, mailbox, false).await?;
    let is_subscribed = tx
        .query_opt(
            "SELECT 1 FROM subscriptions WHERE account_id = $1 AND name = $2",
            &[&account.0, &row.name],
        )
        .await?
        .is_some();
    let rows = tx
        .query(
            "SELECT uid, modseq, flags, keywords, size FROM messages WHERE account_id = $1 AND mailbox_id = $2 ORDER BY uid",
            &[&account.0, &row.id],
        )
        .await?;
    let (mut unseen, mut deleted, mut size, mut recent) = (0u32, 0u32, 0u64, 0u32);
    let mut messages = Vec::with_capacity(rows.len());
    for r in &rows {
        let meta = meta_row(r)?;
        if !meta.flags.is_seen() {
            unseen += 1;
        }
        if meta.flags.is_deleted() {
            deleted += 1;
        }
        if i64::from(meta.uid.get()) > row.recent_floor {
            recent += 1;
        }
        size += r.get::<_, i64>(4).max(0) as u64;
        messages.push(meta);
    }
    let keywords = mailboxes::mailbox_keywords(tx, account, row.id).await?;
    let status = MailboxStatus {
        messages: u32::try_from(messages.len())
            .map_err(|_| StoreError::Corrupt("too many messages".into()))?,
        unseen,
        deleted,
        size,
        recent,
        uid_next: row.uid_next(),
        uid_validity: row.uid_validity()?,
        highest_modseq: ModSeq(row.highest_modseq as u64),
    };
    Ok(MailboxSnapshot {
        mailbox: row.to_mailbox(is_subscribed)?,
        status,
        messages,
        keywords,
    })
}

pub(crate) async fn delta(
    tx: &Transaction<'_>,
    account: AccountId,
    mailbox: MailboxId,
    since: ModSeq,
) -> PgResult<MailboxDelta> {
    let row = load_mailbox(tx, account, mailbox, false).await?;
    let since = i64::try_from(since.0).unwrap_or(i64::MAX);
    let rows = tx
        .query(
            "SELECT uid, modseq, flags, keywords FROM messages
             WHERE account_id = $1 AND mailbox_id = $2 AND modseq > $3 ORDER BY uid",
            &[&account.0, &row.id, &since],
        )
        .await?;
    let changed = rows.iter().map(meta_row).collect::<PgResult<Vec<_>>>()?;
    Ok(MailboxDelta {
        highest_modseq: ModSeq(row.highest_modseq as u64),
        changed,
        expunged: expunged_since(tx, account, row.id, since).await?,
        keywords: mailboxes::mailbox_keywords(tx, account, row.id).await?,
    })
}

pub(crate) async fn vanished(
    tx: &Transaction<'_>,
    account: AccountId,
    mailbox: MailboxId,
    since: ModSeq,
) -> PgResult<Vec<Uid>> {
    let row = load_mailbox(tx, account, mailbox, false).await?;
    expunged_since(
        tx,
        account,
        row.id,
        i64::try_from(since.0).unwrap_or(i64::MAX),
    )
    .await
}

async fn expunged_since(
    tx: &Transaction<'_>,
    account: AccountId,
    mailbox: i64,
    since: i64,
) -> PgResult<Vec<Uid>> {
    let rows = tx
        .query(
            "SELECT uid FROM expunged WHERE account_id = $1 AND mailbox_id = $2 AND modseq > $3 ORDER BY uid",
            &[&account.0, &mailbox, &since],
        )
        .await?;
    rows.iter().map(|r| to_uid(r.get(0))).collect()
}

/// A message row as read for FETCH, before its parse result is deserialized.
pub(crate) struct RawRecord {
    pub uid: Uid,
    pub modseq: u64,
    pub flags: Flags,
    pub internal_date: DateTime<FixedOffset>,
    pub size: u32,
    pub sha256: Vec<u8>,
    pub parsed_json: String,
    /// RFC 8514: when it was saved into this mailbox (UTC); None when unknown.
    pub save_date: Option<DateTime<FixedOffset>>,
}

pub(crate) async fn records(
    tx: &Transaction<'_>,
    account: AccountId,
    mailbox: MailboxId,
    uids: &[Uid],
) -> PgResult<Vec<RawRecord>> {
    let row = load_mailbox(tx, account, mailbox, false).await?;
    let uids = uid_list(uids);
    let rows = tx
        .query(
            "SELECT m.uid, m.modseq, m.flags, m.keywords, m.size, m.internal_date, m.internal_tz, m.sha256, b.parsed,
                    m.save_date
             FROM messages m JOIN blobs b ON b.account_id = m.account_id AND b.sha256 = m.sha256
             WHERE m.account_id = $1 AND m.mailbox_id = $2 AND m.uid = ANY($3) ORDER BY m.uid",
            &[&account.0, &row.id, &uids],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(RawRecord {
                uid: to_uid(r.get(0))?,
                modseq: r.get::<_, i64>(1) as u64,
                flags: decode_flags(r.get(2), r.get(3)),
                internal_date: to_date(r.get(5), r.get(6))?,
                size: u32::try_from(r.get::<_, i64>(4))
                    .map_err(|_| StoreError::Corrupt("message size".into()))?,
                sha256: r.get(7),
                parsed_json: r.get(8),
                save_date: r
                    .get::<_, Option<i64>>(9)
                    .map(|t| to_date(t, 0))
                    .transpose()?,
            })
        })
        .collect()
}

/// The zstd frame of one of the account's blobs (the key leads with the account: no
/// lookup spans accounts).
pub(crate) async fn blob_data(
    client: &Client,
    account: AccountId,
    blob: &BlobId,
) -> PgResult<Vec<u8>> {
    let hash = match hex::decode(&blob.0) {
        Ok(h) if h.len() == 32 => h,
        _ => return Err(StoreError::NotFound("blob").into()),
    };
    let row = client
        .query_opt(
            "SELECT data FROM blobs WHERE account_id = $1 AND sha256 = $2",
            &[&account.0, &hash],
        )
        .await?;
    Ok(row.ok_or(StoreError::NotFound("blob"))?.get(0))
}

/// STORE (RFC 9051 §6.4.6) with UNCHANGEDSINCE (RFC 7162 §3.1.3).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn store_flags(
    tx: &Transaction<'_>,
    node: u64,
    account: AccountId,
    mailbox: MailboxId,
    uids: &[Uid],
    op: FlagOp,
    flags: &Flags,
    unchanged_since: Option<ModSeq>,
) -> PgResult<(StoreFlagsResult, Option<u64>)> {
    let mut row = load_mailbox(tx, account, mailbox, true).await?;
    let uids = uid_list(uids);
    let current = tx
        .query(
            "SELECT uid, modseq, flags, keywords FROM messages
             WHERE account_id = $1 AND mailbox_id = $2 AND uid = ANY($3) ORDER BY uid",
            &[&account.0, &row.id, &uids],
        )
        .await?;
    let mut result = StoreFlagsResult::default();
    let mut modseq: Option<i64> = None;
    let (mut up_uids, mut up_flags, mut up_keywords) = (Vec::new(), Vec::new(), Vec::new());
    for r in &current {
        let old = meta_row(r)?;
        // RFC 7162 §3.1.3: a message changed after UNCHANGEDSINCE is left alone and
        // reported in MODIFIED (with UNCHANGEDSINCE 0 every message fails).
        if unchanged_since.is_some_and(|since| old.modseq.0 > since.0) {
            result.modified.push(old.uid);
            continue;
        }
        let new = apply(op, &old.flags, flags);
        // Only messages whose flags really change get a new mod-sequence.
        if same_flags(&old.flags, &new) {
            continue;
        }
        let m = *modseq.get_or_insert_with(|| row.next_modseq());
        up_uids.push(i64::from(old.uid.get()));
        up_flags.push(i16::from(new.bits));
        up_keywords.push(encode_keywords(&new.keywords));
        result.changed.push(MessageMeta {
            uid: old.uid,
            modseq: ModSeq(m as u64),
            flags: new,
        });
    }
    let Some(m) = modseq else {
        return Ok((result, None));
    };
    tx.execute(
        "UPDATE messages AS m SET flags = u.flags, keywords = u.keywords, modseq = $3
         FROM unnest($4::bigint[], $5::smallint[], $6::text[]) AS u(uid, flags, keywords)
         WHERE m.account_id = $1 AND m.mailbox_id = $2 AND m.uid = u.uid",
        &[&account.0, &row.id, &m, &up_uids, &up_flags, &up_keywords],
    )
    .await?;
    if op != FlagOp::Remove {
        mailboxes::add_mailbox_keywords(tx, account, row.id, &flags.keywords).await?;
    }
    row.save(tx, account).await?;
    super::notify(
        tx,
        node,
        &Change::Mailbox {
            account,
            mailbox,
            modseq: ModSeq(m as u64),
        },
    )
    .await?;
    Ok((result, Some(m as u64)))
}

/// COPY (RFC 9051 §6.4.7) and MOVE (RFC 6851) in one transaction, with the same modseq
/// steps as the embedded store. Returns the result and (mailbox, new highest modseq) of
/// each mailbox that changed.
pub(crate) async fn copy_move(
    tx: &Transaction<'_>,
    node: u64,
    account: AccountId,
    from: MailboxId,
    uids: &[Uid],
    to: MailboxId,
    is_move: bool,
) -> PgResult<(CopyResult, Vec<(MailboxId, u64)>)> {
    let same = from == to;
    // Both rows locked in id order, so two opposite copies cannot deadlock.
    let locked = tx
        .query(
            &format!(
                "SELECT {} FROM mailboxes WHERE account_id = $1 AND mailbox_id = ANY($2) ORDER BY mailbox_id FOR UPDATE",
                mailboxes::MAILBOX_COLS
            ),
            &[&account.0, &vec![from.0, to.0]],
        )
        .await?;
    let find = |id: MailboxId| {
        locked
            .iter()
            .map(MailboxRow::from_row)
            .find(|r| r.id == id.0)
            .ok_or(Fail::Store(StoreError::NotFound("mailbox")))
    };
    let mut src = find(from)?;
    let mut dst = find(to)?;
    let uids = uid_list(uids);
    let rows = tx
        .query(
            "SELECT uid, flags, keywords, size, internal_date, internal_tz, sha256 FROM messages
             WHERE account_id = $1 AND mailbox_id = $2 AND uid = ANY($3) ORDER BY uid",
            &[&account.0, &src.id, &uids],
        )
        .await?;
    let uid_validity = dst.uid_validity()?;
    if rows.is_empty() {
        return Ok((
            CopyResult {
                uid_validity,
                pairs: Vec::new(),
            },
            Vec::new(),
        ));
    }
    let first = i64::from(dst.allocate_uids(rows.len())?);
    let dst_modseq = dst.next_modseq();
    let mut pairs = Vec::with_capacity(rows.len());
    let mut refs: BTreeMap<Vec<u8>, i64> = BTreeMap::new();
    let mut keywords: Vec<String> = Vec::new();
    let (mut new_uids, mut flags, mut kws, mut sizes, mut dates, mut tzs, mut hashes, mut old_uids) = (
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
    );
    for (i, r) in rows.iter().enumerate() {
        let uid: i64 = r.get(0);
        let new_uid = first + i as i64;
        let bits: i16 = r.get(1);
        let kw: Option<String> = r.get(2);
        let hash: Vec<u8> = r.get(6);
        pairs.push((to_uid(uid)?, to_uid(new_uid)?));
        *refs.entry(hash.clone()).or_default() += 1;
        for k in decode_flags(bits, kw.clone()).keywords {
            if !keywords.iter().any(|x| x.eq_ignore_ascii_case(&k)) {
                keywords.push(k);
            }
        }
        old_uids.push(uid);
        new_uids.push(new_uid);
        flags.push(bits);
        kws.push(kw);
        sizes.push(r.get::<_, i64>(3));
        dates.push(r.get::<_, i64>(4));
        tzs.push(r.get::<_, i32>(5));
        hashes.push(hash);
    }
    tx.execute(
        "INSERT INTO messages (account_id, mailbox_id, uid, modseq, flags, keywords, size, internal_date, internal_tz, sha256)
         SELECT $1, $2, u.uid, $3, u.flags, u.keywords, u.size, u.idate, u.tz, u.sha256
         FROM unnest($4::bigint[], $5::smallint[], $6::text[], $7::bigint[], $8::bigint[], $9::integer[], $10::bytea[])
              AS u(uid, flags, keywords, size, idate, tz, sha256)",
        &[&account.0, &dst.id, &dst_modseq, &new_uids, &flags, &kws, &sizes, &dates, &tzs, &hashes],
    )
    .await?;
    mailboxes::add_mailbox_keywords(tx, account, dst.id, &keywords).await?;

    if is_move {
        if same {
            src = dst.clone();
        }
        // RFC 6851 §3.3: the source sees the messages expunged. The moved rows'
        // references carry over to the copies: reference counts do not change.
        let src_modseq = src.next_modseq();
        tx.execute(
            "DELETE FROM messages WHERE account_id = $1 AND mailbox_id = $2 AND uid = ANY($3)",
            &[&account.0, &src.id, &old_uids],
        )
        .await?;
        log_expunged(tx, account, src.id, &old_uids, src_modseq).await?;
        if same {
            dst = src.clone();
        }
    } else {
        incref_blobs(tx, account, refs.into_iter().collect()).await?;
    }

    let mut changed = vec![(MailboxId(dst.id), dst.highest_modseq as u64)];
    dst.save(tx, account).await?;
    if is_move && !same {
        src.save(tx, account).await?;
        changed.push((MailboxId(src.id), src.highest_modseq as u64));
    }
    for (mailbox, modseq) in &changed {
        super::notify(
            tx,
            node,
            &Change::Mailbox {
                account,
                mailbox: *mailbox,
                modseq: ModSeq(*modseq),
            },
        )
        .await?;
    }
    Ok((
        CopyResult {
            uid_validity,
            pairs,
        },
        changed,
    ))
}

/// EXPUNGE / UID EXPUNGE (RFC 9051 §6.4.3, §6.4.9): removes messages with \Deleted.
pub(crate) async fn expunge(
    tx: &Transaction<'_>,
    node: u64,
    account: AccountId,
    mailbox: MailboxId,
    uids: Option<&[Uid]>,
) -> PgResult<(Vec<Uid>, Option<u64>)> {
    let mut row = load_mailbox(tx, account, mailbox, true).await?;
    let doomed = match uids {
        Some(uids) => {
            tx.query(
                "SELECT uid FROM messages WHERE account_id = $1 AND mailbox_id = $2 AND uid = ANY($3) AND flags & 8 <> 0",
                &[&account.0, &row.id, &uid_list(uids)],
            )
            .await?
        }
        None => {
            tx.query(
                "SELECT uid FROM messages WHERE account_id = $1 AND mailbox_id = $2 AND flags & 8 <> 0",
                &[&account.0, &row.id],
            )
            .await?
        }
    };
    let doomed: Vec<i64> = doomed.iter().map(|r| r.get(0)).collect();
    if doomed.is_empty() {
        return Ok((Vec::new(), None));
    }
    let modseq = row.next_modseq();
    let gone = tx
        .query(
            "DELETE FROM messages WHERE account_id = $1 AND mailbox_id = $2 AND uid = ANY($3) RETURNING uid, sha256",
            &[&account.0, &row.id, &doomed],
        )
        .await?;
    let mut refs: BTreeMap<Vec<u8>, i64> = BTreeMap::new();
    let mut expunged: Vec<i64> = Vec::with_capacity(gone.len());
    for r in &gone {
        expunged.push(r.get(0));
        *refs.entry(r.get(1)).or_default() += 1;
    }
    expunged.sort_unstable();
    log_expunged(tx, account, row.id, &expunged, modseq).await?;
    mailboxes::unref_blobs(tx, account, refs.into_iter().collect()).await?;
    row.save(tx, account).await?;
    super::notify(
        tx,
        node,
        &Change::Mailbox {
            account,
            mailbox,
            modseq: ModSeq(modseq as u64),
        },
    )
    .await?;
    let expunged = expunged
        .into_iter()
        .map(to_uid)
        .collect::<PgResult<Vec<_>>>()?;
    Ok((expunged, Some(modseq as u64)))
}

/// RFC 3501 §2.3.2: raises the recent floor to the highest UID; returns (previous, new).
pub(crate) async fn claim_recent(
    tx: &Transaction<'_>,
    account: AccountId,
    mailbox: MailboxId,
) -> PgResult<(u32, u32)> {
    let mut row = load_mailbox(tx, account, mailbox, true).await?;
    let previous = row.recent_floor;
    let highest = (row.uid_next - 1).max(0);
    if highest > previous {
        row.recent_floor = highest;
        row.save(tx, account).await?;
    }
    let clamp = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    Ok((clamp(previous), clamp(row.recent_floor)))
}

pub(crate) async fn log_expunged(
    tx: &Transaction<'_>,
    account: AccountId,
    mailbox: i64,
    uids: &[i64],
    modseq: i64,
) -> PgResult<()> {
    tx.execute(
        "INSERT INTO expunged (account_id, mailbox_id, uid, modseq) SELECT $1, $2, u, $4 FROM unnest($3::bigint[]) AS u
         ON CONFLICT (account_id, mailbox_id, uid) DO UPDATE SET modseq = excluded.modseq",
        &[&account.0, &mailbox, &uids, &modseq],
    )
    .await?;
    Ok(())
}

/// Adds references to blobs the account already has (locked in hash order).
async fn incref_blobs(
    tx: &Transaction<'_>,
    account: AccountId,
    refs: Vec<(Vec<u8>, i64)>,
) -> PgResult<()> {
    let (hashes, counts): (Vec<Vec<u8>>, Vec<i64>) = refs.into_iter().unzip();
    tx.query(
        "SELECT 1 FROM blobs WHERE account_id = $1 AND sha256 = ANY($2) ORDER BY sha256 FOR UPDATE",
        &[&account.0, &hashes],
    )
    .await?;
    let n = tx
        .execute(
            "UPDATE blobs b SET refcount = b.refcount + u.n FROM unnest($2::bytea[], $3::bigint[]) AS u(sha256, n)
             WHERE b.account_id = $1 AND b.sha256 = u.sha256",
            &[&account.0, &hashes, &counts],
        )
        .await?;
    if n as usize != hashes.len() {
        return Err(StoreError::Corrupt("a message refers to a missing blob".into()).into());
    }
    Ok(())
}

// --- helpers ---

/// Sorted, deduplicated UIDs as the column type.
pub(crate) fn uid_list(uids: &[Uid]) -> Vec<i64> {
    let mut v: Vec<i64> = uids.iter().map(|u| i64::from(u.get())).collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn meta_row(r: &Row) -> PgResult<MessageMeta> {
    Ok(MessageMeta {
        uid: to_uid(r.get(0))?,
        modseq: ModSeq(r.get::<_, i64>(1) as u64),
        flags: decode_flags(r.get(2), r.get(3)),
    })
}

pub(crate) fn to_uid(v: i64) -> PgResult<Uid> {
    u32::try_from(v)
        .ok()
        .and_then(Uid::new)
        .ok_or_else(|| StoreError::Corrupt(format!("message with UID {v}")).into())
}

pub(crate) fn to_date(secs: i64, offset_secs: i32) -> PgResult<DateTime<FixedOffset>> {
    let offset = FixedOffset::east_opt(offset_secs).unwrap_or_else(|| Utc.fix());
    DateTime::from_timestamp(secs, 0)
        .map(|d| d.with_timezone(&offset))
        .ok_or_else(|| StoreError::Corrupt(format!("internal date {secs} out of range")).into())
}

const ALL_FLAG_BITS: u8 =
    Flags::SEEN | Flags::ANSWERED | Flags::FLAGGED | Flags::DELETED | Flags::DRAFT;

/// Checks flags to be stored and removes duplicate keywords (ASCII-case-insensitive).
/// Keywords are IMAP atoms (RFC 9051 §9 `flag-keyword`): never a space, so the column
/// holds them space-separated, as in the embedded store.
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

pub(crate) fn decode_flags(bits: i16, keywords: Option<String>) -> Flags {
    Flags {
        bits: (bits & 0xff) as u8,
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

fn same_flags(a: &Flags, b: &Flags) -> bool {
    a.bits == b.bits
        && a.keywords.len() == b.keywords.len()
        && a.keywords.iter().all(|k| b.has_keyword(k))
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
