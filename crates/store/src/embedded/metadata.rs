//! RFC 5464 METADATA: server and mailbox annotations. The table is created if missing on
//! every open (like the secure-access tables), so it needs no schema-version step.
//! Triggers drop a mailbox's or an account's entries with it; RENAME keeps the mailbox row
//! and so its entries (RFC 5464 §3.1 annotations belong to the mailbox, not its name).

use rusqlite::{Connection, OptionalExtension, params};

use crate::{AccountId, MailboxId, ModSeq, Result, StoreError};

/// `mailbox_id` 0 holds the account's server entries (mailbox ids start at 1).
pub(crate) const METADATA_TABLES: &str = r#"
CREATE TABLE IF NOT EXISTS metadata (
    account_id INTEGER NOT NULL,
    mailbox_id INTEGER NOT NULL,
    entry      TEXT NOT NULL,
    value      BLOB NOT NULL,
    PRIMARY KEY (account_id, mailbox_id, entry)
) WITHOUT ROWID;

CREATE TRIGGER IF NOT EXISTS metadata_mailbox_deleted
AFTER DELETE ON mailboxes
BEGIN
    DELETE FROM metadata WHERE account_id = OLD.account_id AND mailbox_id = OLD.id;
END;

CREATE TRIGGER IF NOT EXISTS metadata_account_deleted
AFTER DELETE ON accounts
BEGIN
    DELETE FROM metadata WHERE account_id = OLD.id;
END;
"#;

fn key(mailbox: Option<MailboxId>) -> i64 {
    mailbox.map_or(0, |m| m.0)
}

fn require(conn: &Connection, account: AccountId, mailbox: Option<MailboxId>) -> Result<()> {
    let found = match mailbox {
        None => conn
            .query_row("SELECT 1 FROM accounts WHERE id = ?1", [account.0], |_| {
                Ok(())
            })
            .optional()?,
        Some(m) => conn
            .query_row(
                "SELECT 1 FROM mailboxes WHERE id = ?1 AND account_id = ?2",
                params![m.0, account.0],
                |_| Ok(()),
            )
            .optional()?,
    };
    found.ok_or(StoreError::NotFound(if mailbox.is_some() {
        "mailbox"
    } else {
        "account"
    }))
}

pub(crate) fn metadata(
    conn: &mut Connection,
    account: AccountId,
    mailbox: Option<MailboxId>,
) -> Result<Vec<(String, Vec<u8>)>> {
    let tx = conn.transaction()?;
    require(&tx, account, mailbox)?;
    let mut stmt = tx.prepare_cached("SELECT entry, value FROM metadata WHERE account_id = ?1 AND mailbox_id = ?2 ORDER BY entry")?;
    let rows = stmt.query_map(params![account.0, key(mailbox)], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
    })?;
    let out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    drop(stmt);
    tx.commit()?;
    Ok(out)
}

/// The entry names a SETMETADATA changes, as stored (lower-cased), each once.
pub(crate) fn changed_names(entries: &[(String, Option<Vec<u8>>)]) -> Vec<String> {
    let mut names: Vec<String> = entries.iter().map(|(e, _)| e.to_lowercase()).collect();
    names.sort();
    names.dedup();
    names
}

pub(crate) fn set_metadata(
    conn: &mut Connection,
    account: AccountId,
    mailbox: Option<MailboxId>,
    entries: &[(String, Option<Vec<u8>>)],
) -> Result<Option<ModSeq>> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    require(&tx, account, mailbox)?;
    for (entry, value) in entries {
        let entry = entry.to_lowercase();
        match value {
            Some(v) => tx.execute(
                "INSERT INTO metadata (account_id, mailbox_id, entry, value) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (account_id, mailbox_id, entry) DO UPDATE SET value = excluded.value",
                params![account.0, key(mailbox), entry, v],
            )?,
            None => tx.execute(
                "DELETE FROM metadata WHERE account_id = ?1 AND mailbox_id = ?2 AND entry = ?3",
                params![account.0, key(mailbox), entry],
            )?,
        };
    }
    // RFC 7162 §3.2: with METADATA, a QRESYNC server MUST increment the mailbox's
    // mod-sequence when SETMETADATA changes one of its annotations.
    let modseq = match mailbox {
        Some(id) => {
            let mut row = super::sql::load_mailbox(&tx, account, id)?;
            let modseq = row.next_modseq();
            row.save(&tx)?;
            Some(ModSeq(modseq))
        }
        None => None,
    };
    tx.commit()?;
    Ok(modseq)
}
