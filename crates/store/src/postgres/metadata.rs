//! RFC 5464 METADATA: server annotations (`mailbox_id` 0) and mailbox annotations. Entry
//! names are stored lower-case (RFC 5464 §3.2: case-insensitive). A mailbox's entries
//! survive RENAME (the row stays) and go with DELETE (mailboxes.rs).

use tokio_postgres::Transaction;

use super::PgResult;
use crate::{AccountId, MailboxId, ModSeq, StoreError};

fn key(mailbox: Option<MailboxId>) -> i64 {
    mailbox.map_or(0, |m| m.0)
}

/// The account or mailbox must exist; `lock` (writers) keeps it so until commit, so no
/// entry outlives a mailbox deleted concurrently.
async fn require(
    tx: &Transaction<'_>,
    account: AccountId,
    mailbox: Option<MailboxId>,
    lock: bool,
) -> PgResult<()> {
    let lock = if lock { " FOR SHARE" } else { "" };
    let found = match mailbox {
        None => {
            tx.query_opt(
                &format!("SELECT 1 FROM accounts WHERE account_id = $1{lock}"),
                &[&account.0],
            )
            .await?
        }
        Some(m) => {
            let sql =
                format!("SELECT 1 FROM mailboxes WHERE account_id = $1 AND mailbox_id = $2{lock}");
            tx.query_opt(&sql, &[&account.0, &m.0]).await?
        }
    };
    found.map(|_| ()).ok_or_else(|| {
        StoreError::NotFound(if mailbox.is_some() {
            "mailbox"
        } else {
            "account"
        })
        .into()
    })
}

pub(crate) async fn metadata(
    tx: &Transaction<'_>,
    account: AccountId,
    mailbox: Option<MailboxId>,
) -> PgResult<Vec<(String, Vec<u8>)>> {
    require(tx, account, mailbox, false).await?;
    let rows = tx
        .query(
            "SELECT entry, value FROM metadata WHERE account_id = $1 AND mailbox_id = $2 ORDER BY entry",
            &[&account.0, &key(mailbox)],
        )
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Set and remove entries; returns the entry names changed (lower-cased, each once), which
/// are also announced to the other nodes (RFC 5465 §5.6, §5.7).
pub(crate) async fn set_metadata(
    tx: &Transaction<'_>,
    node: u64,
    account: AccountId,
    mailbox: Option<MailboxId>,
    entries: &[(String, Option<Vec<u8>>)],
) -> PgResult<(Vec<String>, Option<ModSeq>)> {
    require(tx, account, mailbox, true).await?;
    let mut names: Vec<String> = entries.iter().map(|(e, _)| e.to_lowercase()).collect();
    names.sort();
    names.dedup();
    for (entry, value) in entries {
        let entry = entry.to_lowercase();
        match value {
            Some(v) => {
                tx.execute(
                    "INSERT INTO metadata (account_id, mailbox_id, entry, value) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (account_id, mailbox_id, entry) DO UPDATE SET value = excluded.value",
                    &[&account.0, &key(mailbox), &entry, v],
                )
                .await?;
            }
            None => {
                tx.execute(
                    "DELETE FROM metadata WHERE account_id = $1 AND mailbox_id = $2 AND entry = $3",
                    &[&account.0, &key(mailbox), &entry],
                )
                .await?;
            }
        }
    }
    // RFC 7162 §3.2: with METADATA, a QRESYNC server MUST increment the mailbox's
    // mod-sequence when SETMETADATA changes one of its annotations.
    let modseq = match mailbox {
        Some(id) => {
            let mut row = super::mailboxes::load_mailbox(tx, account, id, true).await?;
            let modseq = ModSeq(row.next_modseq() as u64);
            row.save(tx, account).await?;
            let change = crate::Change::Mailbox {
                account,
                mailbox: id,
                modseq,
            };
            super::notify(tx, node, &change).await?;
            Some(modseq)
        }
        None => None,
    };
    // One NOTIFY per batch of names that fits a payload.
    for batch in super::notify::metadata_batches(&names) {
        let change = crate::Change::Metadata {
            account,
            mailbox,
            entries: batch.to_vec(),
        };
        super::notify(tx, node, &change).await?;
    }
    Ok((names, modseq))
}
