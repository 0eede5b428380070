//! `loft store copy` into the embedded store (crate::copy): messages keep their UIDs and
//! MODSEQs (RFC 7162 §3.1), then the mailbox's counters and expunge log are restored.
//! The destination is not in service during a copy, so the two steps of
//! `restore_messages` (append keeping UIDs, then stamp the MODSEQs) need not be one
//! transaction: a copy that fails is re-run into a fresh destination.

use rusqlite::params;

use super::EmbeddedStore;
use super::sql::{self, immediate};
use crate::copy::MailboxRestore;
use crate::{AccountId, AppendResult, MailboxId, ModSeq, NewMessage, Result, Uid, UidValidity};

impl EmbeddedStore {
    pub(super) async fn restore(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uid_validity: UidValidity,
        messages: Vec<(Uid, ModSeq, NewMessage)>,
    ) -> Result<AppendResult> {
        let stamps: Vec<(u32, i64)> = messages
            .iter()
            .map(|(u, m, _)| (u.get(), i64::try_from(m.0).unwrap_or(i64::MAX).max(1)))
            .collect();
        let result = self
            .append_uids(
                account,
                mailbox,
                uid_validity,
                messages.into_iter().map(|(u, _, c)| (u, c)).collect(),
            )
            .await?;
        if stamps.is_empty() {
            return Ok(result);
        }
        self.inner
            .db
            .write(move |c| {
                let tx = immediate(c)?;
                let row = sql::load_mailbox(&tx, account, mailbox)?;
                {
                    let mut stmt = tx.prepare_cached(
                        "UPDATE messages SET modseq = ?3 WHERE mailbox_id = ?1 AND uid = ?2",
                    )?;
                    for (uid, modseq) in &stamps {
                        stmt.execute(params![row.id, uid, modseq])?;
                    }
                }
                // The append took HIGHESTMODSEQ + 1 for the batch; no message keeps it now.
                let top = stamps.iter().map(|(_, m)| *m).max().unwrap_or(0);
                let highest = (row.highest_modseq as i64 - 1).max(top);
                tx.execute(
                    "UPDATE mailboxes SET highest_modseq = ?2 WHERE id = ?1",
                    params![row.id, highest],
                )?;
                tx.commit()?;
                Ok(())
            })
            .await?;
        Ok(result)
    }

    pub(super) async fn restore_state(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        state: &MailboxRestore,
    ) -> Result<()> {
        let state = state.clone();
        self.inner
            .db
            .write(move |c| {
                let tx = immediate(c)?;
                let mut row = sql::load_mailbox(&tx, account, mailbox)?;
                // Never lower a counter: UIDs are not reused and MODSEQs never go back.
                row.uid_next = row.uid_next.max(state.uid_next);
                row.highest_modseq = row.highest_modseq.max(state.highest_modseq.0);
                row.recent_floor = row.recent_floor.max(state.recent_floor).min(row.uid_next.saturating_sub(1));
                {
                    let mut log = tx.prepare_cached(
                        "INSERT OR IGNORE INTO expunged (mailbox_id, uid, modseq) VALUES (?1, ?2, ?3)",
                    )?;
                    for (uid, modseq) in &state.expunged {
                        log.execute(params![row.id, uid.get(), i64::try_from(modseq.0).unwrap_or(i64::MAX)])?;
                    }
                }
                row.save(&tx)?;
                tx.commit()?;
                Ok(())
            })
            .await
    }
}
