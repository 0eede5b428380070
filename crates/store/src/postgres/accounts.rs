//! Accounts and the secure-access records (SCRAM keys, settings, app passwords, bans).

use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, Row, Transaction};

use super::{Fail, PgResult, mailboxes};
use crate::{
    Account, AccountId, AppPassword, AuthSettings, Ban, Change, DEFAULT_MAILBOXES, StoreError,
};

/// Account names compare ASCII-case-insensitively (as in the embedded store).
pub(crate) fn name_key(name: &str) -> String {
    name.to_ascii_lowercase()
}

pub(crate) async fn create_account(
    tx: &Transaction<'_>,
    node: u64,
    name: &str,
    password_hash: &str,
) -> PgResult<AccountId> {
    if name.is_empty()
        || name.len() > 255
        || name.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(StoreError::Invalid(format!("invalid account name {name:?}")).into());
    }
    let row = tx
        .query_opt(
            "INSERT INTO accounts (name, name_key, password_hash) VALUES ($1, $2, $3)
             ON CONFLICT (name_key) DO NOTHING RETURNING account_id",
            &[&name, &name_key(name), &password_hash],
        )
        .await?;
    let Some(row) = row else {
        return Err(StoreError::AlreadyExists("account").into());
    };
    let account = AccountId(row.get(0));
    for &(mailbox, special_use) in DEFAULT_MAILBOXES {
        mailboxes::insert_mailbox(tx, account, mailbox, special_use).await?;
        tx.execute(
            "INSERT INTO subscriptions (account_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&account.0, &mailbox],
        )
        .await?;
    }
    super::notify(tx, node, &Change::MailboxList { account }).await?;
    Ok(account)
}

const ACCOUNT_COLS: &str = "account_id, name, password_hash";

fn account_row(r: &Row) -> Account {
    Account {
        id: AccountId(r.get(0)),
        name: r.get(1),
        password_hash: r.get(2),
    }
}

pub(crate) async fn account(client: &Client, name: &str) -> PgResult<Option<Account>> {
    let row = client
        .query_opt(
            &format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE name_key = $1"),
            &[&name_key(name)],
        )
        .await?;
    Ok(row.as_ref().map(account_row))
}

/// An admin listing: the one query over all accounts besides `check`.
pub(crate) async fn accounts(client: &Client) -> PgResult<Vec<Account>> {
    let rows = client
        .query(
            &format!("SELECT {ACCOUNT_COLS} FROM accounts ORDER BY name COLLATE \"C\""),
            &[],
        )
        .await?;
    Ok(rows.iter().map(account_row).collect())
}

pub(crate) async fn set_password(
    tx: &Transaction<'_>,
    name: &str,
    password_hash: &str,
) -> PgResult<()> {
    // SCRAM keys derive from the password: a new password makes them stale.
    let n = tx
        .execute(
            "UPDATE accounts SET password_hash = $2, scram_sha256 = NULL WHERE name_key = $1",
            &[&name_key(name), &password_hash],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound("account").into());
    }
    Ok(())
}

/// Deletes the account; every table cascades from `accounts`, blobs included (they are
/// per account), so nothing is left to collect.
pub(crate) async fn delete_account(
    tx: &Transaction<'_>,
    node: u64,
    name: &str,
) -> PgResult<AccountId> {
    let row = tx
        .query_opt(
            "DELETE FROM accounts WHERE name_key = $1 RETURNING account_id",
            &[&name_key(name)],
        )
        .await?
        .ok_or(StoreError::NotFound("account"))?;
    let id = AccountId(row.get(0));
    super::notify(tx, node, &Change::MailboxList { account: id }).await?;
    Ok(id)
}

pub(crate) async fn require_account(tx: &Transaction<'_>, account: AccountId) -> PgResult<()> {
    // FOR UPDATE: changes of one account's mailbox list run one at a time.
    tx.query_opt(
        "SELECT 1 FROM accounts WHERE account_id = $1 FOR UPDATE",
        &[&account.0],
    )
    .await?
    .map(|_| ())
    .ok_or(Fail::Store(StoreError::NotFound("account")))
}

/// A UIDVALIDITY never handed out before in this account: the database clock in seconds,
/// or one more than the last when the clock has not moved on. A mailbox deleted and
/// re-created under the same name so gets a new one (RFC 9051 §2.3.1.1). The account row
/// is locked until commit.
pub(crate) async fn new_uid_validity(tx: &Transaction<'_>, account: AccountId) -> PgResult<u32> {
    let row = tx
        .query_opt(
            "UPDATE accounts SET last_uid_validity =
                 GREATEST(LEAST(extract(epoch FROM clock_timestamp())::bigint, 4294967295), last_uid_validity + 1)
             WHERE account_id = $1 RETURNING last_uid_validity",
            &[&account.0],
        )
        .await?
        .ok_or(StoreError::NotFound("account"))?;
    let v: i64 = row.get(0);
    u32::try_from(v)
        .ok()
        .filter(|&v| v > 0)
        .ok_or_else(|| StoreError::Corrupt("UIDVALIDITY space exhausted".into()).into())
}

// --- secure access ---

pub(crate) async fn auth_settings(client: &Client, account: AccountId) -> PgResult<AuthSettings> {
    let row = client
        .query_opt(
            "SELECT scram_sha256, app_passwords_only FROM accounts WHERE account_id = $1",
            &[&account.0],
        )
        .await?;
    Ok(row
        .map(|r| AuthSettings {
            scram_sha256: r.get(0),
            app_passwords_only: r.get(1),
        })
        .unwrap_or_default())
}

pub(crate) async fn set_scram(
    client: &Client,
    account: AccountId,
    scram: Option<&str>,
) -> PgResult<()> {
    let n = client
        .execute(
            "UPDATE accounts SET scram_sha256 = $2 WHERE account_id = $1",
            &[&account.0, &scram],
        )
        .await?;
    if n == 0 {
        Err(StoreError::NotFound("account").into())
    } else {
        Ok(())
    }
}

pub(crate) async fn set_app_passwords_only(
    client: &Client,
    account: AccountId,
    on: bool,
) -> PgResult<()> {
    let n = client
        .execute(
            "UPDATE accounts SET app_passwords_only = $2 WHERE account_id = $1",
            &[&account.0, &on],
        )
        .await?;
    if n == 0 {
        Err(StoreError::NotFound("account").into())
    } else {
        Ok(())
    }
}

pub(crate) async fn add_app_password(
    tx: &Transaction<'_>,
    account: AccountId,
    label: &str,
    hash: &str,
    created: i64,
    expires: Option<i64>,
) -> PgResult<i64> {
    if label.is_empty() || label.len() > 200 || label.chars().any(char::is_control) {
        return Err(StoreError::Invalid(format!("invalid app password label {label:?}")).into());
    }
    tx.query_opt(
        "SELECT 1 FROM accounts WHERE account_id = $1",
        &[&account.0],
    )
    .await?
    .ok_or(StoreError::NotFound("account"))?;
    let row = tx
        .query_opt(
            "INSERT INTO app_passwords (account_id, label, hash, created, expires) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (account_id, label) DO NOTHING RETURNING id",
            &[&account.0, &label, &hash, &created, &expires],
        )
        .await
        .map_err(|e| match e.code() {
            Some(c) if *c == SqlState::FOREIGN_KEY_VIOLATION => Fail::Store(StoreError::NotFound("account")),
            _ => Fail::from(e),
        })?;
    match row {
        Some(r) => Ok(r.get(0)),
        None => Err(StoreError::AlreadyExists("app password").into()),
    }
}

pub(crate) async fn app_passwords(
    client: &Client,
    account: AccountId,
) -> PgResult<Vec<AppPassword>> {
    let rows = client
        .query(
            "SELECT id, account_id, label, hash, created, expires, last_used, last_ip
             FROM app_passwords WHERE account_id = $1 ORDER BY created, id",
            &[&account.0],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| AppPassword {
            id: r.get(0),
            account: AccountId(r.get(1)),
            label: r.get(2),
            hash: r.get(3),
            created: r.get(4),
            expires: r.get(5),
            last_used: r.get(6),
            last_ip: r.get(7),
        })
        .collect())
}

pub(crate) async fn revoke_app_password(
    client: &Client,
    account: AccountId,
    label: &str,
) -> PgResult<()> {
    let n = client
        .execute(
            "DELETE FROM app_passwords WHERE account_id = $1 AND label = $2",
            &[&account.0, &label],
        )
        .await?;
    if n == 0 {
        Err(StoreError::NotFound("app password").into())
    } else {
        Ok(())
    }
}

pub(crate) async fn app_password_used(
    client: &Client,
    account: AccountId,
    id: i64,
    at: i64,
    ip: &str,
) -> PgResult<()> {
    client
        .execute(
            "UPDATE app_passwords SET last_used = $3, last_ip = $4 WHERE account_id = $1 AND id = $2",
            &[&account.0, &id, &at, &ip],
        )
        .await?;
    Ok(())
}

pub(crate) async fn add_ban(client: &Client, ban: &Ban) -> PgResult<()> {
    client
        .execute(
            "INSERT INTO bans (key, created, until, reason) VALUES ($1, $2, $3, $4)
             ON CONFLICT (key) DO UPDATE SET created = excluded.created, until = excluded.until, reason = excluded.reason",
            &[&ban.key, &ban.created, &ban.until, &ban.reason],
        )
        .await?;
    // Expired bans are kept by nothing: drop them while here.
    client
        .execute("DELETE FROM bans WHERE until <= $1", &[&ban.created])
        .await?;
    Ok(())
}

fn ban_row(r: &Row) -> Ban {
    Ban {
        key: r.get(0),
        created: r.get(1),
        until: r.get(2),
        reason: r.get(3),
    }
}

pub(crate) async fn bans(client: &Client, now: i64) -> PgResult<Vec<Ban>> {
    let rows = client
        .query(
            "SELECT key, created, until, reason FROM bans WHERE until > $1 ORDER BY created, key",
            &[&now],
        )
        .await?;
    Ok(rows.iter().map(ban_row).collect())
}

pub(crate) async fn ban(client: &Client, key: &str, now: i64) -> PgResult<Option<Ban>> {
    let row = client
        .query_opt(
            "SELECT key, created, until, reason FROM bans WHERE key = $1 AND until > $2",
            &[&key, &now],
        )
        .await?;
    Ok(row.as_ref().map(ban_row))
}

pub(crate) async fn remove_ban(client: &Client, key: &str) -> PgResult<bool> {
    Ok(client
        .execute("DELETE FROM bans WHERE key = $1", &[&key])
        .await?
        > 0)
}
