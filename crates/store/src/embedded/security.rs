//! SQL for the secure-access records (see `crate::security`). The tables are created by
//! `schema::SECURITY_TABLES` on every open (idempotent), independent of the schema
//! version steps.

use rusqlite::{Connection, OptionalExtension, params};

use crate::security::{AppPassword, AuthSettings, Ban};
use crate::{AccountId, Result, StoreError};

pub(crate) fn auth_settings(conn: &Connection, account: AccountId) -> Result<AuthSettings> {
    Ok(conn
        .prepare_cached(
            "SELECT scram_sha256, app_passwords_only FROM account_auth WHERE account_id = ?1",
        )?
        .query_row([account.0], |r| {
            Ok(AuthSettings {
                scram_sha256: r.get(0)?,
                app_passwords_only: r.get::<_, i64>(1)? != 0,
            })
        })
        .optional()?
        .unwrap_or_default())
}

fn require_account(conn: &Connection, account: AccountId) -> Result<()> {
    conn.query_row("SELECT 1 FROM accounts WHERE id = ?1", [account.0], |_| {
        Ok(())
    })
    .optional()?
    .ok_or(StoreError::NotFound("account"))
}

pub(crate) fn set_scram(
    conn: &mut Connection,
    account: AccountId,
    scram: Option<String>,
) -> Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    require_account(&tx, account)?;
    tx.execute(
        "INSERT INTO account_auth (account_id, scram_sha256) VALUES (?1, ?2)
         ON CONFLICT (account_id) DO UPDATE SET scram_sha256 = excluded.scram_sha256",
        params![account.0, scram],
    )?;
    tx.commit()?;
    Ok(())
}

pub(crate) fn set_app_passwords_only(
    conn: &mut Connection,
    account: AccountId,
    on: bool,
) -> Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    require_account(&tx, account)?;
    tx.execute(
        "INSERT INTO account_auth (account_id, app_passwords_only) VALUES (?1, ?2)
         ON CONFLICT (account_id) DO UPDATE SET app_passwords_only = excluded.app_passwords_only",
        params![account.0, on as i64],
    )?;
    tx.commit()?;
    Ok(())
}

pub(crate) fn add_app_password(
    conn: &mut Connection,
    account: AccountId,
    label: &str,
    hash: &str,
    created: i64,
    expires: Option<i64>,
) -> Result<i64> {
    if label.is_empty() || label.len() > 200 || label.chars().any(char::is_control) {
        return Err(StoreError::Invalid(format!(
            "invalid app password label {label:?}"
        )));
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    require_account(&tx, account)?;
    let taken = tx
        .query_row(
            "SELECT 1 FROM app_passwords WHERE account_id = ?1 AND label = ?2",
            params![account.0, label],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if taken {
        return Err(StoreError::AlreadyExists("app password"));
    }
    tx.execute(
        "INSERT INTO app_passwords (account_id, label, hash, created, expires) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![account.0, label, hash, created, expires],
    )?;
    let id = tx.last_insert_rowid();
    tx.commit()?;
    Ok(id)
}

pub(crate) fn app_passwords(conn: &Connection, account: AccountId) -> Result<Vec<AppPassword>> {
    let mut stmt = conn.prepare(
        "SELECT id, account_id, label, hash, created, expires, last_used, last_ip
         FROM app_passwords WHERE account_id = ?1 ORDER BY created, id",
    )?;
    let rows = stmt.query_map([account.0], |r| {
        Ok(AppPassword {
            id: r.get(0)?,
            account: AccountId(r.get(1)?),
            label: r.get(2)?,
            hash: r.get(3)?,
            created: r.get(4)?,
            expires: r.get(5)?,
            last_used: r.get(6)?,
            last_ip: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub(crate) fn revoke_app_password(
    conn: &mut Connection,
    account: AccountId,
    label: &str,
) -> Result<()> {
    let n = conn.execute(
        "DELETE FROM app_passwords WHERE account_id = ?1 AND label = ?2",
        params![account.0, label],
    )?;
    if n == 0 {
        Err(StoreError::NotFound("app password"))
    } else {
        Ok(())
    }
}

pub(crate) fn app_password_used(
    conn: &mut Connection,
    account: AccountId,
    id: i64,
    at: i64,
    ip: &str,
) -> Result<()> {
    conn.execute(
        "UPDATE app_passwords SET last_used = ?2, last_ip = ?3 WHERE id = ?1 AND account_id = ?4",
        params![id, at, ip, account.0],
    )?;
    Ok(())
}

pub(crate) fn add_ban(conn: &mut Connection, ban: &Ban) -> Result<()> {
    conn.execute(
        "INSERT INTO bans (key, created, until, reason) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (key) DO UPDATE SET created = excluded.created, until = excluded.until, reason = excluded.reason",
        params![ban.key, ban.created, ban.until, ban.reason],
    )?;
    // Expired bans are kept by nothing: drop them while here.
    conn.execute("DELETE FROM bans WHERE until <= ?1", [ban.created])?;
    Ok(())
}

pub(crate) fn bans(conn: &Connection, now: i64) -> Result<Vec<Ban>> {
    let mut stmt = conn.prepare(
        "SELECT key, created, until, reason FROM bans WHERE until > ?1 ORDER BY created, key",
    )?;
    let rows = stmt.query_map([now], ban_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub(crate) fn ban(conn: &Connection, key: &str, now: i64) -> Result<Option<Ban>> {
    Ok(conn
        .prepare_cached(
            "SELECT key, created, until, reason FROM bans WHERE key = ?1 AND until > ?2",
        )?
        .query_row(params![key, now], ban_row)
        .optional()?)
}

pub(crate) fn remove_ban(conn: &mut Connection, key: &str) -> Result<bool> {
    Ok(conn.execute("DELETE FROM bans WHERE key = ?1", [key])? > 0)
}

fn ban_row(r: &rusqlite::Row) -> rusqlite::Result<Ban> {
    Ok(Ban {
        key: r.get(0)?,
        created: r.get(1)?,
        until: r.get(2)?,
        reason: r.get(3)?,
    })
}
