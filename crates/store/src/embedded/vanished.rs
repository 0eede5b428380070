//! The expunge log as QRESYNC reads it: UIDs expunged since a mod-sequence (RFC 7162
//! §3.2.5.1 SELECT (QRESYNC), §3.2.6 UID FETCH (VANISHED)).

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
