//! The expunge log as QRESYNC reads it: UIDs expunged since a mod-sequence (RFC 7162
//! §3.2.5.1 SELECT (QRESYNC), §3.2.6 UID FETCH (VANISHED)); and whole, with each entry's
//! mod-sequence, for `loft store copy` (RFC 7162 §3.2.5.2).

use rusqlite::{Connection, params};

use super::sql;
use crate::{AccountId, MailboxId, ModSeq, Result, StoreError, Uid};

pub(crate) fn vanished(
    conn: &mut Connection,
    account: AccountId,
    mailbox: MailboxId,
    since: ModSeq,
) -> Result<Vec<Uid>> {
    let tx = conn.transaction()?;
    let row = sql::load_mailbox(&tx, account, mailbox)?;
    let since = i64::try_from(since.0).unwrap_or(i64::MAX);
    let mut stmt = tx.prepare_cached(
        "SELECT uid FROM expunged WHERE mailbox_id = ?1 AND modseq > ?2 ORDER BY uid",
    )?;
    let rows = stmt.query_map(params![row.id, since], |r| r.get::<_, u32>(0))?;
    let mut out = Vec::new();
    for uid in rows {
        out.push(
            Uid::new(uid?).ok_or_else(|| StoreError::Corrupt("UID 0 in the expunge log".into()))?,
        );
    }
    Ok(out)
}

/// Every entry of the expunge log with its own mod-sequence, ascending by UID.
pub(crate) fn expunge_log(
    conn: &mut Connection,
    account: AccountId,
    mailbox: MailboxId,
) -> Result<Vec<(Uid, ModSeq)>> {
    let tx = conn.transaction()?;
    let row = sql::load_mailbox(&tx, account, mailbox)?;
    let mut stmt =
        tx.prepare_cached("SELECT uid, modseq FROM expunged WHERE mailbox_id = ?1 ORDER BY uid")?;
    let rows = stmt.query_map(params![row.id], |r| {
        Ok((r.get::<_, u32>(0)?, r.get::<_, i64>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (uid, modseq) = row?;
        let uid =
            Uid::new(uid).ok_or_else(|| StoreError::Corrupt("UID 0 in the expunge log".into()))?;
        let modseq = u64::try_from(modseq).map_err(|_| {
            StoreError::Corrupt(format!("negative MODSEQ {modseq} in the expunge log"))
        })?;
        out.push((uid, ModSeq(modseq)));
    }
    Ok(out)
}
