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

/// What FETCH ENVELOPE and SORT by date need of a blob, in small tables of their own
/// (issue 6): reading them parses no JSON and touches no `blobs` row (each holds a
/// multi-kilobyte `parsed` value, so a scan of `blobs` reads megabytes; and SQLite walks
/// a row's overflow pages to reach a column stored after a big one, so these are not
/// extra `blobs` columns). `blob_keys` is small rows (SORT DATE reads only it);
/// `blob_envelopes` holds the ENVELOPE wire bytes.
///
/// Filled by triggers from the stored JSON on every blob insert, whichever path inserts
/// (append, restore, store copy), so no writer needs to know about them (and JSON that
/// is not valid gets no rows rather than failing the insert). There is no
/// `blob_envelopes` row when the JSON holds ENVELOPE as an array of numbers (not UTF-8,
/// see `loft_message::text_bytes`, or stored before it); readers then parse
/// `blobs.parsed`. Applied on every open and idempotent, like SAVEDATE: no schema-version
/// bump that could collide with another migration.
const BLOB_KEYS: &str = r#"
CREATE TABLE IF NOT EXISTS blob_keys (
    blob_id          INTEGER PRIMARY KEY,
    sha256           BLOB NOT NULL,
    sent_date        INTEGER,
    sent_date_offset INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS blob_envelopes (
    blob_id  INTEGER PRIMARY KEY,
    envelope BLOB NOT NULL
);

CREATE TRIGGER IF NOT EXISTS blob_keys_insert
AFTER INSERT ON blobs
BEGIN
    INSERT OR REPLACE INTO blob_keys (blob_id, sha256, sent_date, sent_date_offset)
    SELECT
        NEW.id,
        NEW.sha256,
        json_extract(NEW.parsed, '$.sent_date'),
        coalesce(json_extract(NEW.parsed, '$.sent_date_offset_secs'), 0)
    WHERE json_valid(NEW.parsed);
    INSERT OR REPLACE INTO blob_envelopes (blob_id, envelope)
    SELECT NEW.id, CAST(json_extract(NEW.parsed, '$.envelope') AS BLOB)
    WHERE json_valid(NEW.parsed) AND json_type(NEW.parsed, '$.envelope') = 'text';
END;

CREATE TRIGGER IF NOT EXISTS blob_keys_delete
AFTER DELETE ON blobs
BEGIN
    DELETE FROM blob_keys WHERE blob_id = OLD.id;
    DELETE FROM blob_envelopes WHERE blob_id = OLD.id;
END;
"#;

/// Inline message bytes (blobs.rs): the zstd frame of a blob small enough to live in the
/// database, written in the transaction that inserts its `blobs` row, so the commit's WAL
/// fsync makes it durable with no file and no directory fsync (issue 6). A blob without a
/// row here is a file (every blob of a store from before this table). A narrow table of
/// its own, not a `blobs` column: scans of `blobs` (the indexer, `loft check`) and the
/// refcount updates never touch the bytes. Deleted with its `blobs` row by the trigger.
/// Applied on every open and idempotent, like `blob_keys`.
const BLOB_DATA: &str = r#"
CREATE TABLE IF NOT EXISTS blob_data (
    blob_id INTEGER PRIMARY KEY,
    data    BLOB NOT NULL
);

CREATE TRIGGER IF NOT EXISTS blob_data_delete
AFTER DELETE ON blobs
BEGIN
    DELETE FROM blob_data WHERE blob_id = OLD.id;
END;
"#;

/// Creates `blob_keys` and `blob_envelopes`; when new, fills them for the blobs already
/// stored (their JSON parsed once here, whatever its form, so an upgraded store answers
/// from the tables too). A row that does not parse is left out: readers fall back to the
/// parse result then.
fn migrate_blob_keys(tx: &rusqlite::Transaction) -> Result<()> {
    let existed = tx
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'blob_keys'")?
        .exists([])?;
    tx.execute_batch(BLOB_KEYS)?;
    if existed {
        return Ok(());
    }
    let mut read = tx.prepare("SELECT id, sha256, parsed FROM blobs")?;
    let mut keys = tx.prepare(
        "INSERT OR REPLACE INTO blob_keys (blob_id, sha256, sent_date, sent_date_offset)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    let mut envelopes =
        tx.prepare("INSERT OR REPLACE INTO blob_envelopes (blob_id, envelope) VALUES (?1, ?2)")?;
    let mut rows = read.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let sha256: Vec<u8> = r.get(1)?;
        let Ok(json) = r.get_ref(2)?.as_str() else {
            continue;
        };
        let Ok(p) = serde_json::from_str::<loft_message::ParsedMessage>(json) else {
            continue;
        };
        keys.execute(rusqlite::params![
            id,
            sha256,
            p.sent_date,
            p.sent_date_offset_secs
        ])?;
        envelopes.execute(rusqlite::params![id, p.envelope])?;
    }
    Ok(())
}

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
    migrate_blob_keys(&tx)?;
    tx.execute_batch(BLOB_DATA)?;
    tx.execute_batch(super::fts::FTS_TABLES)?;
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use rusqlite::params;

    use super::*;

    fn insert_blob(conn: &Connection, n: u8, parsed: &str) -> i64 {
        conn.execute(
            "INSERT INTO blobs (sha256, size, refcount, parsed) VALUES (?1, 1, 1, ?2)",
            params![vec![n; 32], parsed],
        )
        .unwrap();
        conn.last_insert_rowid()
    }

    fn keys(conn: &Connection, id: i64) -> Option<(Vec<u8>, Option<i64>, i32, Option<Vec<u8>>)> {
        conn.query_row(
            "SELECT k.sha256, k.sent_date, k.sent_date_offset, e.envelope FROM blob_keys k
             LEFT JOIN blob_envelopes e ON e.blob_id = k.blob_id WHERE k.blob_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .ok()
    }

    #[test]
    fn blob_keys_follow_blobs_and_are_filled_on_upgrade() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let raw = b"Date: Tue, 31 Dec 2019 16:20:33 -0800\r\nSubject: \"hi\"\r\n\r\nx\r\n";
        let parsed = loft_message::parse(raw);
        let text_json = serde_json::to_string(&parsed).unwrap();
        // The form stored before `text_bytes`: ENVELOPE as an array of numbers.
        let array_json = text_json.replacen(
            &serde_json::to_string(std::str::from_utf8(&parsed.envelope).unwrap()).unwrap(),
            &serde_json::to_string(&parsed.envelope).unwrap(),
            1,
        );
        assert_ne!(array_json, text_json);
        let new = insert_blob(&conn, 1, &text_json);
        let old = insert_blob(&conn, 2, &array_json);
        let bad = insert_blob(&conn, 3, "not json");
        let want =
            |n: u8, env: Option<Vec<u8>>| Some((vec![n; 32], parsed.sent_date, -8 * 3600, env));
        assert_eq!(keys(&conn, new), want(1, Some(parsed.envelope.clone())));
        assert_eq!(
            keys(&conn, old),
            want(2, None),
            "readers parse the JSON then"
        );
        assert_eq!(keys(&conn, bad), None);

        // A store from before the tables: filled from every parse result that reads.
        conn.execute_batch(
            "DROP TRIGGER blob_keys_insert; DROP TRIGGER blob_keys_delete;
             DROP TABLE blob_keys; DROP TABLE blob_envelopes;",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(keys(&conn, new), want(1, Some(parsed.envelope.clone())));
        assert_eq!(keys(&conn, old), want(2, Some(parsed.envelope.clone())));
        assert_eq!(keys(&conn, bad), None);

        conn.execute("DELETE FROM blobs WHERE id = ?1", [new])
            .unwrap();
        assert_eq!(keys(&conn, new), None);
        let envelopes: i64 = conn
            .query_row(
                "SELECT count(*) FROM blob_envelopes WHERE blob_id = ?1",
                [new],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(envelopes, 0);
    }
}
