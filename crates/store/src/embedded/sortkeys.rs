//! The numeric SORT keys (RFC 5256 §3 ARRIVAL, DATE, SIZE) of many messages in one narrow
//! read: `messages` (uid, internal date, size) joined with `blob_keys` (sent date, see
//! schema.rs). No hash, flags, keywords or parse result is read, and nothing is allocated
//! per row; only a message whose blob has no `blob_keys` row falls back to the keyed record
//! path (which parses its stored JSON).

use rusqlite::{Connection, params};

use super::blobs::BlobDir;
use super::sql;
use crate::{AccountId, MailboxId, NumericSortKeys, Result, StoreError, Uid};

/// SELECT over one mailbox's messages; `?1` is the mailbox row id.
const BASE: &str = "SELECT m.uid, m.internal_date, m.size, k.sent_date, k.blob_id IS NOT NULL
     FROM messages m LEFT JOIN blob_keys k ON k.blob_id = m.blob_id
     WHERE m.mailbox_id = ?1";

/// The keys of `uids` (sorted, deduplicated), ascending by UID; missing UIDs are skipped.
pub(crate) fn numeric_sort_keys(
    c: &mut Connection,
    blobs: &BlobDir,
    account: AccountId,
    mailbox: MailboxId,
    uids: &[u32],
) -> Result<Vec<NumericSortKeys>> {
    let (Some(&lo), Some(&hi)) = (uids.first(), uids.last()) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(uids.len());
    // Positions in `out` (and UIDs) of messages whose blob has no keys row.
    let mut missing: Vec<(usize, u32)> = Vec::new();
    {
        let tx = c.transaction()?;
        let row = sql::load_mailbox(&tx, account, mailbox)?;
        let mut push = |r: &rusqlite::Row| -> Result<()> {
            let uid: u32 = r.get(0)?;
            let internal_date: i64 = r.get(1)?;
            let sent: Option<i64> = r.get(3)?;
            let has_keys: bool = r.get(4)?;
            if !has_keys {
                missing.push((out.len(), uid));
            }
            out.push(NumericSortKeys {
                uid: Uid::new(uid)
                    .ok_or_else(|| StoreError::Corrupt("message with UID 0".into()))?,
                internal_date,
                // RFC 5256 §2.2: no (valid) Date: header, the internal date.
                sent_date: sent.unwrap_or(internal_date),
                size: r.get(2)?,
            });
            Ok(())
        };
        let span = u64::from(hi - lo) + 1;
        if uids.len() > 16 && span <= uids.len() as u64 * 8 {
            // Dense: one range scan of the primary key, skipping UIDs not asked for.
            let mut stmt = tx.prepare_cached(&format!(
                "{BASE} AND m.uid BETWEEN ?2 AND ?3 ORDER BY m.uid"
            ))?;
            let mut rows = stmt.query(params![row.id, lo, hi])?;
            // Rows come in UID order, as `uids` is: one merge pass, no search per row.
            let mut want = uids.iter().peekable();
            while let Some(r) = rows.next()? {
                let uid: u32 = r.get(0)?;
                while want.next_if(|&&w| w < uid).is_some() {}
                if want.next_if_eq(&&uid).is_some() {
                    push(r)?;
                }
            }
        } else {
            let mut stmt = tx.prepare_cached(&format!("{BASE} AND m.uid = ?2"))?;
            for uid in uids {
                let mut rows = stmt.query(params![row.id, uid])?;
                if let Some(r) = rows.next()? {
                    push(r)?;
                }
            }
        }
    }
    if !missing.is_empty() {
        // Rare (JSON the triggers could not read): the same sent date the keyed record
        // path computes, so both SORT paths agree.
        let want: Vec<u32> = missing.iter().map(|&(_, u)| u).collect();
        let recs = super::keyed_records(c, blobs, account, mailbox, &want, false)?;
        for rec in recs {
            if let Ok(i) = missing.binary_search_by_key(&rec.uid.get(), |&(_, u)| u) {
                let (pos, _) = missing[i];
                if let Some(k) = out.get_mut(pos) {
                    *k = NumericSortKeys::of(&rec);
                }
            }
        }
    }
    Ok(out)
}
