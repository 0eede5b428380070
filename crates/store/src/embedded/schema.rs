//! The SQLite schema of the embedded store.
//!
//! Sizing notes: `messages` is a WITHOUT ROWID table clustered on (mailbox_id, uid), so
//! SELECT of a huge mailbox is one sequential range scan of small rows (flags are a bitmask,
//! keywords NULL when none, the blob referenced by integer id). Message ids, mailbox ids and
//! account ids are AUTOINCREMENT: never reused, so a stale id held by a session can never
//! point at someone else's new mailbox.

use rusqlite::Connection;

use crate::Result;

/// Bumped when the schema changes; `migrate` upgrades older databases.
pub(crate) const SCHEMA_VERSION: i64 = 1;

const SCHEMA_V1: &str = r#"
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS accounts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS mailboxes (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id     INTEGER NOT NULL REFERENCES accounts(id),
    name           TEXT NOT NULL,
    special_use    TEXT,
    uid_validity   INTEGER NOT NULL,
    uid_next       INTEGER NOT NULL,
    highest_modseq INTEGER NOT NULL,
    recent_floor   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account_id, name)
);

CREATE TABLE IF NOT EXISTS subscriptions (
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    name       TEXT NOT NULL,
    PRIMARY KEY (account_id, name)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS blobs (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256   BLOB NOT NULL UNIQUE,
    size     INTEGER NOT NULL,
    refcount INTEGER NOT NULL,
    parsed   TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS messages (
    mailbox_id    INTEGER NOT NULL,
    uid           INTEGER NOT NULL,
    modseq        INTEGER NOT NULL,
    flags         INTEGER NOT NULL,
    keywords      TEXT,
    size          INTEGER NOT NULL,
    internal_date INTEGER NOT NULL,
    internal_tz   INTEGER NOT NULL,
    blob_id       INTEGER NOT NULL,
    PRIMARY KEY (mailbox_id, uid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS messages_modseq ON messages (mailbox_id, modseq);

CREATE TABLE IF NOT EXISTS expunged (
    mailbox_id INTEGER NOT NULL,
    uid        INTEGER NOT NULL,
    modseq     INTEGER NOT NULL,
    PRIMARY KEY (mailbox_id, uid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS expunged_modseq ON expunged (mailbox_id, modseq);

CREATE TABLE IF NOT EXISTS mailbox_keywords (
    mailbox_id INTEGER NOT NULL,
    keyword    TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (mailbox_id, keyword)
) WITHOUT ROWID;
"#;

/// Secure-access tables (issue 3). Created if missing on every open rather than in a
/// numbered step, so they need no schema-version bump and cannot collide with one.
/// No foreign keys: triggers keep them consistent with `accounts` instead, so the
/// existing account deletion needs no change.
pub(crate) const SECURITY_TABLES: &str = r#"
CREATE TABLE IF NOT EXISTS account_auth (
    account_id         INTEGER PRIMARY KEY,
    scram_sha256       TEXT,
    app_passwords_only INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS app_passwords (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL,
    label      TEXT NOT NULL,
    hash       TEXT NOT NULL,
    created    INTEGER NOT NULL,
    expires    INTEGER,
    last_used  INTEGER,
    last_ip    TEXT,
    UNIQUE (account_id, label)
);

CREATE TABLE IF NOT EXISTS bans (
    key     TEXT PRIMARY KEY,
    created INTEGER NOT NULL,
    until   INTEGER NOT NULL,
    reason  TEXT NOT NULL
) WITHOUT ROWID;

-- SCRAM keys derive from the password: a new password hash makes them stale.
CREATE TRIGGER IF NOT EXISTS account_auth_password_changed
AFTER UPDATE OF password_hash ON accounts
BEGIN
    UPDATE account_auth SET scram_sha256 = NULL WHERE account_id = NEW.id;
END;

CREATE TRIGGER IF NOT EXISTS account_auth_account_deleted
AFTER DELETE ON accounts
BEGIN
    DELETE FROM account_auth WHERE account_id = OLD.id;
    DELETE FROM app_passwords WHERE account_id = OLD.id;
END;
"#;

/// Creates or upgrades the schema. Runs in one immediate transaction, so two processes
/// opening a fresh data directory at once do not race.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(crate::StoreError::Corrupt(format!(
            "database schema version {version} is newer than this loft ({SCHEMA_VERSION})"
        )));
    }
    if version < 1 {
        tx.execute_batch(SCHEMA_V1)?;
    }
    tx.execute_batch(SECURITY_TABLES)?;
    tx.execute_batch(super::metadata::METADATA_TABLES)?;
    super::savedate::migrate(&tx)?;
    tx.execute_batch(super::fts::FTS_TABLES)?;
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}
