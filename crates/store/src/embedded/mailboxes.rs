//! Accounts, mailboxes and subscriptions of the embedded store (synchronous; run on the
//! database threads).

use rusqlite::{Connection, OptionalExtension, params};

use super::blobs::Hash;
use super::names;
use super::sql::{self, immediate};
use crate::{
    Account, AccountId, DEFAULT_MAILBOXES, DELIMITER, Mailbox, MailboxId, Result, SpecialUse,
    StoreError,
};

// --- accounts ---

pub(crate) fn create_account(
    conn: &mut Connection,
    name: &str,
    password_hash: &str,
) -> Result<AccountId> {
    if name.is_empty()
        || name.len() > 255
        || name.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(StoreError::Invalid(format!(
            "invalid account name {name:?}"
        )));
    }
    let tx = immediate(conn)?;
    // Account names compare ASCII-case-insensitively (the column is COLLATE NOCASE):
    // `Alice` and `alice` are one user, as with mail addresses in practice.
    let taken = tx
        .query_row("SELECT 1 FROM accounts WHERE name = ?1", [name], |_| Ok(()))
        .optional()?
        .is_some();
    if taken {
        return Err(StoreError::AlreadyExists("account"));
    }
    tx.execute(
        "INSERT INTO accounts (name, password_hash) VALUES (?1, ?2)",
        params![name, password_hash],
    )?;
    let account = AccountId(tx.last_insert_rowid());
    for &(mailbox, special_use) in DEFAULT_MAILBOXES {
        sql::insert_mailbox(&tx, account, mailbox, special_use)?;
        tx.execute(
            "INSERT OR IGNORE INTO subscriptions (account_id, name) VALUES (?1, ?2)",
            params![account.0, mailbox],
        )?;
    }
    tx.commit()?;
    Ok(account)
}

pub(crate) fn account(conn: &Connection, name: &str) -> Result<Option<Account>> {
    Ok(conn
        .prepare_cached("SELECT id, name, password_hash FROM accounts WHERE name = ?1")?
        .query_row([name], account_row)
        .optional()?)
}

pub(crate) fn accounts(conn: &Connection) -> Result<Vec<Account>> {
    let mut stmt = conn.prepare("SELECT id, name, password_hash FROM accounts ORDER BY name")?;
    let rows = stmt.query_map([], account_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn account_row(r: &rusqlite::Row) -> rusqlite::Result<Account> {
    Ok(Account {
        id: AccountId(r.get(0)?),
        name: r.get(1)?,
        password_hash: r.get(2)?,
    })
}

pub(crate) fn set_password(conn: &mut Connection, name: &str, password_hash: &str) -> Result<()> {
    let tx = immediate(conn)?;
    let n = tx.execute(
        "UPDATE accounts SET password_hash = ?2 WHERE name = ?1",
        params![name, password_hash],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound("account"));
    }
    tx.commit()?;
    Ok(())
}

/// Deletes the account and everything in it; returns its id and the blobs left
/// unreferenced (for `gc_blobs`).
pub(crate) fn delete_account(conn: &mut Connection, name: &str) -> Result<(AccountId, Vec<Hash>)> {
    let tx = immediate(conn)?;
    let id: i64 = tx
        .query_row("SELECT id FROM accounts WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .optional()?
        .ok_or(StoreError::NotFound("account"))?;
    let refs: Vec<(i64, i64)> = {
        let mut stmt = tx.prepare(
            "SELECT blob_id, count(*) FROM messages
             WHERE mailbox_id IN (SELECT id FROM mailboxes WHERE account_id = ?1) GROUP BY blob_id",
        )?;
        let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let dead = sql::unref_blobs(&tx, refs)?;
    for table in ["messages", "expunged", "mailbox_keywords"] {
        tx.execute(
            &format!("DELETE FROM {table} WHERE mailbox_id IN (SELECT id FROM mailboxes WHERE account_id = ?1)"),
            [id],
        )?;
    }
    tx.execute("DELETE FROM mailboxes WHERE account_id = ?1", [id])?;
    tx.execute("DELETE FROM subscriptions WHERE account_id = ?1", [id])?;
    tx.execute("DELETE FROM accounts WHERE id = ?1", [id])?;
    tx.commit()?;
    Ok((AccountId(id), dead))
}

// --- mailboxes ---

pub(crate) fn mailboxes(conn: &mut Connection, account: AccountId) -> Result<Vec<Mailbox>> {
    let tx = conn.transaction()?;
    let subscribed: std::collections::HashSet<String> =
        subscriptions_in(&tx, account)?.into_iter().collect();
    let rows = sql::all_mailboxes(&tx, account)?;
    rows.iter()
        .map(|r| r.to_mailbox(subscribed.contains(&r.name)))
        .collect()
}

pub(crate) fn mailbox(
    conn: &mut Connection,
    account: AccountId,
    name: &str,
) -> Result<Option<Mailbox>> {
    let Ok(name) = names::normalize(name) else {
        // A name we would never create does not exist.
        return Ok(None);
    };
    let tx = conn.transaction()?;
    match sql::find_mailbox(&tx, account, &name)? {
        Some(row) => Ok(Some(
            row.to_mailbox(sql::is_subscribed(&tx, account, &name)?)?,
        )),
        None => Ok(None),
    }
}

pub(crate) fn create_mailbox(
    conn: &mut Connection,
    account: AccountId,
    name: &str,
    special_use: Option<SpecialUse>,
) -> Result<MailboxId> {
    // RFC 9051 §6.3.4: a trailing delimiter only declares the intent to create inferiors;
    // we do not need that declaration, so it is ignored.
    let name = name.strip_suffix(DELIMITER).unwrap_or(name);
    let name = names::normalize(name)?;
    let tx = immediate(conn)?;
    require_account(&tx, account)?;
    if sql::find_mailbox(&tx, account, &name)?.is_some() {
        return Err(StoreError::AlreadyExists("mailbox"));
    }
    create_parents(&tx, account, &name)?;
    let id = sql::insert_mailbox(&tx, account, &name, special_use)?;
    tx.commit()?;
    Ok(MailboxId(id))
}

/// Deletes a mailbox and its messages; returns the blobs left unreferenced.
///
/// RFC 9051 §6.3.5 lets a server either refuse to delete a mailbox that has inferiors or
/// delete it and keep the inferiors. We do what Dovecot does: the mailbox and its messages
/// go, the inferiors stay, and the name remains only as their parent (the IMAP layer lists
/// it as `\NonExistent`/`\Noselect` because a child exists but the mailbox does not).
/// Deleting such a placeholder name is the error the RFC names: `HasChildren`.
pub(crate) fn delete_mailbox(
    conn: &mut Connection,
    account: AccountId,
    name: &str,
) -> Result<(MailboxId, Vec<Hash>)> {
    let name = names::normalize(name)?;
    if names::is_inbox(&name) {
        // RFC 9051 §6.3.5: "It is an error to attempt to delete INBOX".
        return Err(StoreError::Invalid("INBOX cannot be deleted".into()));
    }
    let tx = immediate(conn)?;
    let Some(row) = sql::find_mailbox(&tx, account, &name)? else {
        let (lo, hi) = names::inferior_range(&name);
        let has_children = tx
            .query_row(
                "SELECT 1 FROM mailboxes WHERE account_id = ?1 AND name >= ?2 AND name < ?3 LIMIT 1",
                params![account.0, lo, hi],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        return Err(if has_children {
            StoreError::HasChildren
        } else {
            StoreError::NotFound("mailbox")
        });
    };
    let refs: Vec<(i64, i64)> = {
        let mut stmt = tx.prepare(
            "SELECT blob_id, count(*) FROM messages WHERE mailbox_id = ?1 GROUP BY blob_id",
        )?;
        let rows = stmt.query_map([row.id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let dead = sql::unref_blobs(&tx, refs)?;
    for table in ["messages", "expunged", "mailbox_keywords"] {
        tx.execute(
            &format!("DELETE FROM {table} WHERE mailbox_id = ?1"),
            [row.id],
        )?;
    }
    tx.execute("DELETE FROM mailboxes WHERE id = ?1", [row.id])?;
    // RFC 9051 §6.3.9: subscriptions are not removed with the mailbox.
    tx.commit()?;
    Ok((MailboxId(row.id), dead))
}

/// What a rename changed, for the change feed.
pub(crate) struct Renamed {
    /// Set when INBOX was renamed: INBOX lost all its messages at this modseq.
    pub inbox_emptied: Option<(MailboxId, u64)>,
}

pub(crate) fn rename_mailbox(
    conn: &mut Connection,
    account: AccountId,
    from: &str,
    to: &str,
) -> Result<Renamed> {
    let from = names::normalize(from)?;
    let to = names::normalize(to.strip_suffix(DELIMITER).unwrap_or(to))?;
    let tx = immediate(conn)?;
    let mut source =
        sql::find_mailbox(&tx, account, &from)?.ok_or(StoreError::NotFound("mailbox"))?;
    if sql::find_mailbox(&tx, account, &to)?.is_some() {
        return Err(StoreError::AlreadyExists("mailbox"));
    }

    if names::is_inbox(&from) {
        // RFC 9051 §6.3.6: renaming INBOX moves its messages to a new mailbox and leaves
        // INBOX empty; inferiors of INBOX are unaffected. The messages keep their UIDs in
        // the new mailbox (it has its own new UIDVALIDITY); INBOX records them as
        // expunged and keeps its UIDNEXT, so its UIDs are never reused.
        create_parents(&tx, account, &to)?;
        let new_id = sql::insert_mailbox(&tx, account, &to, None)?;
        let modseq = source.next_modseq();
        tx.execute(
            "INSERT INTO expunged (mailbox_id, uid, modseq) SELECT ?1, uid, ?2 FROM messages WHERE mailbox_id = ?1",
            params![source.id, modseq as i64],
        )?;
        tx.execute(
            "UPDATE messages SET mailbox_id = ?2 WHERE mailbox_id = ?1",
            params![source.id, new_id],
        )?;
        tx.execute(
            "INSERT INTO mailbox_keywords (mailbox_id, keyword) SELECT ?2, keyword FROM mailbox_keywords WHERE mailbox_id = ?1",
            params![source.id, new_id],
        )?;
        tx.execute(
            "UPDATE mailboxes SET uid_next = ?2, highest_modseq = ?3, recent_floor = ?4 WHERE id = ?1",
            params![new_id, source.uid_next, modseq as i64, source.recent_floor],
        )?;
        source.save(&tx)?;
        tx.commit()?;
        return Ok(Renamed {
            inbox_emptied: Some((MailboxId(source.id), modseq)),
        });
    }

    if to.starts_with(&format!("{from}{DELIMITER}")) {
        return Err(StoreError::Invalid(
            "cannot rename a mailbox into its own inferior".into(),
        ));
    }
    // RFC 9051 §6.3.6: inferiors are renamed too; none of the new names may exist.
    let (lo, hi) = names::inferior_range(&from);
    let inferiors: Vec<(i64, String)> = {
        let mut stmt = tx.prepare(
            "SELECT id, name FROM mailboxes WHERE account_id = ?1 AND name >= ?2 AND name < ?3",
        )?;
        let rows = stmt.query_map(params![account.0, lo, hi], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let mut renames: Vec<(i64, String, String)> = vec![(source.id, from.clone(), to.clone())];
    for (id, name) in inferiors {
        let new_name = format!("{to}{}", &name[from.len()..]);
        if new_name.len() > names::MAX_NAME_BYTES {
            return Err(StoreError::Invalid("mailbox name too long".into()));
        }
        if sql::find_mailbox(&tx, account, &new_name)?.is_some() {
            return Err(StoreError::AlreadyExists("mailbox"));
        }
        renames.push((id, name, new_name));
    }
    for (id, old, new) in &renames {
        tx.execute(
            "UPDATE mailboxes SET name = ?2 WHERE id = ?1",
            params![id, new],
        )?;
        // Subscriptions follow the mailbox, as users expect (Dovecot and Cyrus do this;
        // RFC 9051 does not say).
        let moved = tx.execute(
            "DELETE FROM subscriptions WHERE account_id = ?1 AND name = ?2",
            params![account.0, old],
        )?;
        if moved > 0 {
            tx.execute(
                "INSERT OR IGNORE INTO subscriptions (account_id, name) VALUES (?1, ?2)",
                params![account.0, new],
            )?;
        }
    }
    // RFC 9051 §6.3.6: SHOULD create the superiors the new name needs.
    create_parents(&tx, account, &to)?;
    tx.commit()?;
    Ok(Renamed {
        inbox_emptied: None,
    })
}

pub(crate) fn set_subscribed(
    conn: &mut Connection,
    account: AccountId,
    name: &str,
    subscribed: bool,
) -> Result<()> {
    let name = names::normalize(name)?;
    let tx = immediate(conn)?;
    require_account(&tx, account)?;
    if subscribed {
        tx.execute(
            "INSERT OR IGNORE INTO subscriptions (account_id, name) VALUES (?1, ?2)",
            params![account.0, name],
        )?;
    } else {
        tx.execute(
            "DELETE FROM subscriptions WHERE account_id = ?1 AND name = ?2",
            params![account.0, name],
        )?;
    }
    tx.commit()?;
    Ok(())
}

pub(crate) fn subscriptions(conn: &Connection, account: AccountId) -> Result<Vec<String>> {
    subscriptions_in(conn, account)
}

fn subscriptions_in(conn: &Connection, account: AccountId) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare("SELECT name FROM subscriptions WHERE account_id = ?1 ORDER BY name")?;
    let rows = stmt.query_map([account.0], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
}

pub(crate) fn status(
    conn: &mut Connection,
    account: AccountId,
    mailbox: MailboxId,
) -> Result<crate::MailboxStatus> {
    let tx = conn.transaction()?;
    let row = sql::load_mailbox(&tx, account, mailbox)?;
    sql::status_of(&tx, &row)
}

pub(crate) fn highest_modseq(
    conn: &Connection,
    account: AccountId,
    mailbox: MailboxId,
) -> Result<crate::ModSeq> {
    Ok(crate::ModSeq(
        sql::load_mailbox(conn, account, mailbox)?.highest_modseq,
    ))
}

fn require_account(conn: &Connection, account: AccountId) -> Result<()> {
    conn.query_row("SELECT 1 FROM accounts WHERE id = ?1", [account.0], |_| {
        Ok(())
    })
    .optional()?
    .ok_or(StoreError::NotFound("account"))
}

/// RFC 9051 §6.3.4: CREATE makes the superiors that are missing.
fn create_parents(tx: &rusqlite::Transaction<'_>, account: AccountId, name: &str) -> Result<()> {
    for parent in names::parents(name) {
        if sql::find_mailbox(tx, account, parent)?.is_none() {
            sql::insert_mailbox(tx, account, parent, None)?;
        }
    }
    Ok(())
}
