//! Import and migration: the dedup look-up of `loft import`, appends keeping UIDs
//! (`loft migrate`, RFC 9051 §2.3.1.1), and the restore calls of `loft store copy`, which
//! keep MODSEQs too (RFC 7162 §3.1) so that clients need not resync.

use std::collections::HashSet;

use tokio_postgres::Transaction;

use super::messages::{self, Uids};
use super::{PgResult, PostgresStore};
use crate::copy::MailboxRestore;
use crate::{
    AccountId, AppendResult, BlobId, Change, MailboxId, ModSeq, NewMessage, Result, StoreError,
    Uid, UidValidity,
};

pub(crate) async fn mailbox_has_blobs(
    tx: &Transaction<'_>,
    account: AccountId,
    mailbox: MailboxId,
    blobs: &[BlobId],
) -> PgResult<Vec<bool>> {
    let row = super::mailboxes::load_mailbox(tx, account, mailbox, false).await?;
    let hashes: Vec<Option<Vec<u8>>> = blobs
        .iter()
        .map(|b| hex::decode(&b.0).ok().filter(|h| h.len() == 32))
        .collect();
    let wanted: Vec<&[u8]> = hashes.iter().flatten().map(Vec::as_slice).collect();
    let found: HashSet<Vec<u8>> = tx
        .query(
            "SELECT DISTINCT sha256 FROM messages WHERE account_id = $1 AND mailbox_id = $2 AND sha256 = ANY($3)",
            &[&account.0, &row.id, &wanted],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    Ok(hashes
        .iter()
        .map(|h| h.as_ref().is_some_and(|h| found.contains(h)))
        .collect())
}

impl PostgresStore {
    pub(super) async fn append_uids(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uid_validity: UidValidity,
        messages: Vec<(Uid, NewMessage)>,
    ) -> Result<AppendResult> {
        let (uids, messages): (Vec<Uid>, Vec<NewMessage>) = messages.into_iter().unzip();
        self.append_given(account, mailbox, uid_validity, &uids, None, messages)
            .await
    }

    /// `Store::restore_messages`.
    pub(super) async fn restore(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uid_validity: UidValidity,
        messages: Vec<(Uid, ModSeq, NewMessage)>,
    ) -> Result<AppendResult> {
        let mut uids = Vec::with_capacity(messages.len());
        let mut modseqs = Vec::with_capacity(messages.len());
        let mut contents = Vec::with_capacity(messages.len());
        for (u, m, c) in messages {
            uids.push(u);
            modseqs.push(m);
            contents.push(c);
        }
        self.append_given(
            account,
            mailbox,
            uid_validity,
            &uids,
            Some(&modseqs),
            contents,
        )
        .await
    }

    async fn append_given(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uid_validity: UidValidity,
        uids: &[Uid],
        modseqs: Option<&[ModSeq]>,
        messages: Vec<NewMessage>,
    ) -> Result<AppendResult> {
        if uids.windows(2).any(|w| w[0] >= w[1]) {
            return Err(StoreError::Invalid("UIDs must ascend".into()));
        }
        let prepared = messages::prepare(messages).await?;
        let (result, modseq) = self
            .append_prepared(
                account,
                mailbox,
                &prepared,
                Uids::Given {
                    uid_validity,
                    uids,
                    modseqs,
                },
            )
            .await?;
        self.publish_mailbox(account, mailbox, modseq);
        Ok(result)
    }

    /// `Store::restore_mailbox_state`.
    pub(super) async fn restore_state(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        state: &MailboxRestore,
    ) -> Result<()> {
        let node = self.inner.node;
        let modseq = in_tx!(self, |tx| restore_state(&tx, node, account, mailbox, state)
            .await?)?;
        self.publish_mailbox(account, mailbox, modseq);
        Ok(())
    }
}

/// Every expunge-log entry of a mailbox with its own mod-sequence, ascending by UID
/// (`Store::expunge_log`, RFC 7162 §3.2.5.2).
pub(crate) async fn expunge_log(
    tx: &Transaction<'_>,
    account: AccountId,
    mailbox: MailboxId,
) -> PgResult<Vec<(Uid, ModSeq)>> {
    let row = super::mailboxes::load_mailbox(tx, account, mailbox, false).await?;
    let rows = tx
        .query(
            "SELECT uid, modseq FROM expunged WHERE account_id = $1 AND mailbox_id = $2 ORDER BY uid",
            &[&account.0, &row.id],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let modseq: i64 = r.get(1);
            let modseq = u64::try_from(modseq).map_err(|_| {
                StoreError::Corrupt(format!("negative MODSEQ {modseq} in the expunge log"))
            })?;
            Ok((messages::to_uid(r.get(0))?, ModSeq(modseq)))
        })
        .collect()
}

async fn restore_state(
    tx: &Transaction<'_>,
    node: u64,
    account: AccountId,
    mailbox: MailboxId,
    state: &MailboxRestore,
) -> PgResult<u64> {
    let mut row = super::mailboxes::load_mailbox(tx, account, mailbox, true).await?;
    // Never lower a counter: UIDs are not reused and MODSEQs never go back.
    row.uid_next = row.uid_next.max(i64::from(state.uid_next));
    row.highest_modseq = row
        .highest_modseq
        .max(i64::try_from(state.highest_modseq.0).unwrap_or(i64::MAX));
    row.recent_floor = row
        .recent_floor
        .max(i64::from(state.recent_floor))
        .min(row.uid_next - 1);
    let uids: Vec<i64> = state
        .expunged
        .iter()
        .map(|(u, _)| i64::from(u.get()))
        .collect();
    let modseqs: Vec<i64> = state
        .expunged
        .iter()
        .map(|(_, m)| i64::try_from(m.0).unwrap_or(i64::MAX))
        .collect();
    tx.execute(
        "INSERT INTO expunged (account_id, mailbox_id, uid, modseq)
         SELECT $1, $2, u.uid, u.modseq FROM unnest($3::bigint[], $4::bigint[]) AS u(uid, modseq)
         ON CONFLICT (account_id, mailbox_id, uid) DO NOTHING",
        &[&account.0, &row.id, &uids, &modseqs],
    )
    .await?;
    row.save(tx, account).await?;
    let modseq = row.highest_modseq as u64;
    super::notify(
        tx,
        node,
        &Change::Mailbox {
            account,
            mailbox,
            modseq: ModSeq(modseq),
        },
    )
    .await?;
    Ok(modseq)
}
