//! RFC 8514 SAVEDATE: the moment a message was saved into the mailbox it is in.
//!
//! A nullable `messages.save_date` column (unix seconds, UTC), filled by an AFTER INSERT
//! trigger, so every path that inserts a message row (APPEND, delivery, COPY, MOVE,
//! restore) records it without knowing about it, and COPY/MOVE get a new save date rather
//! than the source's (RFC 8514 §3). Rows stored before this column existed keep NULL: their
//! save date is unknown, reported as NIL (RFC 8514 §4.2).
//!
//! Applied on every open and idempotent, like the security tables, so it needs no
//! schema-version bump that could collide with another migration.

use rusqlite::Transaction;

use crate::Result;

const SAVE_DATE_TRIGGER: &str = r#"
CREATE TRIGGER IF NOT EXISTS messages_save_date
AFTER INSERT ON messages
WHEN NEW.save_date IS NULL
BEGIN
    UPDATE messages SET save_date = CAST(strftime('%s', 'now') AS INTEGER)
    WHERE mailbox_id = NEW.mailbox_id AND uid = NEW.uid;
END;
"#;

pub(crate) fn migrate(tx: &Transaction) -> Result<()> {
    let has_column = tx
        .prepare("SELECT 1 FROM pragma_table_info('messages') WHERE name = 'save_date'")?
        .exists([])?;
    if !has_column {
        tx.execute_batch("ALTER TABLE messages ADD COLUMN save_date INTEGER")?;
    }
    tx.execute_batch(SAVE_DATE_TRIGGER)?;
    Ok(())
}
