//! The search index of the embedded store (issue 6): SEARCH BODY/TEXT from an SQLite FTS5
//! table with the `trigram` tokenizer, SEARCH FROM/TO/CC/BCC/SUBJECT from a table of
//! pre-rendered field texts, so neither reads message blobs.
//!
//! Semantics are exactly those of a scan (RFC 9051 §6.4.4: case-insensitive substring):
//! the indexed texts are the ones the scan compares (`loft_message::search_text`,
//! [`search_field_text`]) lower-cased with `str::to_lowercase`, the tokenizer is
//! `case_sensitive 1` (no second folding), and a phrase of trigrams matches exactly the
//! documents containing the phrase as a substring. Needles under 3 characters, and needles
//! holding a line break (which could span the joins between header and body or between
//! values), get `None`: the caller scans.
//!
//! One index entry per distinct blob (content-addressed, so deduplicated), keyed by the
//! blob's row id; deleting the blob row (its last reference gone) deletes its entries
//! (trigger). `fts_docs` lists the blobs indexed; messages whose blob is not in it are
//! returned as `unindexed` for the caller to evaluate.
//!
//! Filling is asynchronous: a background task wakes on the store's change feed (and every
//! few seconds, for blobs added by another process), indexes blobs in small batches off
//! the async workers and writes each batch in one transaction, so APPEND never waits for
//! indexing.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use loft_message::sortkeys::{EnvAddress, display_value, parse_envelope};
use rusqlite::{Connection, OptionalExtension, params};
use tokio::sync::Notify;

use super::blobs::{BlobDir, Hash};
use super::{Inner, blocking, parse, sql};
use crate::{AccountId, IndexedMatches, MailboxId, Result, SearchField, Uid};

/// Tables, created if missing on every open (no schema-version step needed). A database
/// from before the index simply has every blob unindexed until the indexer catches up.
pub(crate) const FTS_TABLES: &str = r#"
CREATE TABLE IF NOT EXISTS fts_docs (
    blob_id INTEGER PRIMARY KEY,
    from_   TEXT,
    to_     TEXT,
    cc      TEXT,
    bcc     TEXT,
    subject TEXT
);

CREATE VIRTUAL TABLE IF NOT EXISTS fts_text USING fts5(
    head, body,
    content = '', contentless_delete = 1,
    tokenize = 'trigram case_sensitive 1'
);

-- A dead blob's full-text rows are removed later by the indexer (`purge_batch`): an FTS5
-- delete costs milliseconds, which made EXPUNGE of 1,000 messages 13x slower when done in
-- the trigger. Blob ids come from AUTOINCREMENT and are never reused, and every search joins
-- through messages.blob_id, so a stale row can never match.
CREATE TABLE IF NOT EXISTS fts_dead (blob_id INTEGER PRIMARY KEY);
DROP TRIGGER IF EXISTS fts_blob_deleted;
CREATE TRIGGER IF NOT EXISTS fts_blob_gone
AFTER DELETE ON blobs
BEGIN
    DELETE FROM fts_docs WHERE blob_id = OLD.id;
    INSERT OR IGNORE INTO fts_dead (blob_id) VALUES (OLD.id);
END;
"#;

/// Blobs indexed per transaction: small, so the writer thread is never held for long.
const BATCH: usize = 64;
/// How often the indexer looks for blobs added by other processes (`loft import`).
const POLL: Duration = Duration::from_secs(5);
/// How long the indexer waits after a change before indexing (messages not indexed yet
/// are scanned by SEARCH, so this delays nothing a client sees).
const SETTLE: Duration = Duration::from_millis(500);

/// The lower-cased text SEARCH FROM/TO/CC/SUBJECT compare, from a message's ENVELOPE wire
/// bytes (RFC 9051 §6.4.4 defines these keys on the envelope structure). Addresses render
/// as `name <mailbox@host>` (name RFC 2047-decoded), joined with ", "; the subject is
/// RFC 2047-decoded. None when the field is absent (an empty needle then does not match)
/// and for BODY/TEXT/BCC, which are not envelope texts (BCC: see `bcc_text`).
pub fn search_field_text(envelope: &[u8], field: SearchField) -> Option<String> {
    let env = parse_envelope(envelope)?;
    let addresses = match field {
        SearchField::From => env.from,
        SearchField::To => env.to,
        SearchField::Cc => env.cc,
        SearchField::Subject => {
            let raw = env.subject?;
            // RFC 2047 decoding is private to loft-message; `header_values` offers it on a
            // header, so the subject is wrapped in one.
            let mut header = b"Subject: ".to_vec();
            header.extend(
                raw.iter()
                    .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
            );
            header.extend_from_slice(b"\r\n\r\n");
            let decoded = loft_message::header_values(&header, "subject")
                .into_iter()
                .next()
                .unwrap_or_default();
            return Some(decoded.to_lowercase());
        }
        SearchField::Body | SearchField::Text | SearchField::Bcc => return None,
    };
    let parts: Vec<String> = addresses
        .iter()
        .map(address_text)
        .filter(|s| !s.is_empty())
        .collect();
    if parts.is_empty() {
        return None;
    }
    Some(parts.join(", ").to_lowercase())
}

fn address_text(a: &EnvAddress) -> String {
    let name = display_value(&EnvAddress {
        name: a.name.clone(),
        mailbox: None,
        host: None,
    });
    let addr = match (&a.mailbox, &a.host) {
        (Some(m), Some(h)) => format!(
            "{}@{}",
            String::from_utf8_lossy(m),
            String::from_utf8_lossy(h)
        ),
        // Group syntax (RFC 9051 §7.5.2): the group name in the mailbox field.
        (Some(m), None) => String::from_utf8_lossy(m).into_owned(),
        _ => String::new(),
    };
    match (name.is_empty(), addr.is_empty()) {
        (true, _) => addr,
        (false, true) => name,
        (false, false) => format!("{name} <{addr}>"),
    }
}

/// SEARCH BCC's text: the decoded Bcc header values (not kept in the stored ENVELOPE
/// fields SORT uses), lower-cased and joined with "\n". None without a Bcc field.
fn bcc_text(raw: &[u8]) -> Option<String> {
    let values = loft_message::header_values(raw, "bcc");
    if values.is_empty() {
        None
    } else {
        Some(values.join("\n").to_lowercase())
    }
}

/// The indexer's controls, shared by the store and its background task.
#[derive(Debug, Default)]
pub(crate) struct Indexer {
    paused: AtomicBool,
    wake: Notify,
}

/// Starts the background indexer of `inner`. It holds only a weak reference: it stops
/// when the store is dropped.
pub(super) fn spawn(inner: &Arc<Inner>) {
    let weak: Weak<Inner> = Arc::downgrade(inner);
    let mut changes = inner.feed.subscribe();
    let control = inner.fts.clone();
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        // Opened outside a runtime (cannot happen through the async `open`): no
        // background indexing; searches scan the unindexed messages.
        return;
    };
    runtime.spawn(async move {
        let mut cursor = 0i64;
        loop {
            if !control.paused.load(Ordering::Relaxed) {
                let Some(inner) = weak.upgrade() else { break };
                if let Err(e) = purge_batch(&inner).await {
                    tracing::warn!(error = %e, "removing dead full-text entries failed; retrying later");
                }
                match index_batch(&inner, &mut cursor).await {
                    Ok(n) if n == BATCH => continue,
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "full-text indexing failed; retrying later"),
                }
            }
            tokio::select! {
                r = changes.recv() => {
                    if let Err(tokio::sync::broadcast::error::RecvError::Closed) = r {
                        break;
                    }
                    // Let a burst of changes settle: one batch of many blobs is far cheaper
                    // than one transaction (and one FTS5 segment to merge) per message.
                    tokio::time::sleep(SETTLE).await;
                    while let Ok(_) | Err(tokio::sync::broadcast::error::TryRecvError::Lagged(_)) =
                        changes.try_recv()
                    {}
                }
                _ = control.wake.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
            }
        }
    });
}

/// Pauses or resumes the background indexer (tests use it to exercise the unindexed path).
pub(super) fn set_paused(inner: &Inner, paused: bool) {
    inner.fts.paused.store(paused, Ordering::Relaxed);
    if !paused {
        inner.fts.wake.notify_one();
    }
}

/// Indexes every blob not indexed yet, now.
pub(super) async fn catch_up(inner: &Inner) -> Result<()> {
    let mut cursor = 0i64;
    while index_batch(inner, &mut cursor).await? == BATCH {}
    Ok(())
}

/// Removes the full-text rows of up to `BATCH` blobs whose last reference went.
async fn purge_batch(inner: &Inner) -> Result<()> {
    // A read first: most wake-ups have nothing to purge, and a write would cost an fsync.
    let pending = inner
        .db
        .read(|c| {
            Ok(
                c.query_row("SELECT EXISTS (SELECT 1 FROM fts_dead)", [], |r| {
                    r.get::<_, bool>(0)
                })?,
            )
        })
        .await?;
    if !pending {
        return Ok(());
    }
    inner
        .db
        .write_unsynced(|c| {
            let tx = sql::immediate(c)?;
            {
                let dead: Vec<i64> = {
                    let mut stmt = tx.prepare_cached("SELECT blob_id FROM fts_dead LIMIT ?1")?;
                    let rows = stmt.query_map([BATCH as i64], |r| r.get(0))?;
                    rows.collect::<rusqlite::Result<Vec<_>>>()?
                };
                let mut text = tx.prepare_cached("DELETE FROM fts_text WHERE rowid = ?1")?;
                let mut done = tx.prepare_cached("DELETE FROM fts_dead WHERE blob_id = ?1")?;
                for id in dead {
                    text.execute([id])?;
                    done.execute([id])?;
                }
            }
            tx.commit()?;
            Ok(())
        })
        .await
}

struct Doc {
    blob_id: i64,
    fields: [Option<String>; 5],
    head: String,
    body: String,
}

/// Indexes up to `BATCH` unindexed blobs with ids above `cursor`; returns how many blobs
/// it looked at (fewer than `BATCH`: caught up).
async fn index_batch(inner: &Inner, cursor: &mut i64) -> Result<usize> {
    let after = *cursor;
    let todo = inner
        .db
        .read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT b.id, b.sha256, b.parsed,
                        (SELECT data FROM blob_data WHERE blob_id = b.id)
                 FROM blobs b
                 WHERE b.id > ?1 AND NOT EXISTS (SELECT 1 FROM fts_docs d WHERE d.blob_id = b.id)
                 ORDER BY b.id LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![after, BATCH as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
            let todo = rows.collect::<rusqlite::Result<Vec<_>>>()?;
            // Caught up: move the cursor past every blob of this snapshot, so the next
            // wake-up does not look at the whole table again (ids only grow: AUTOINCREMENT,
            // one writer, so a blob committed later has a higher id).
            let newest: i64 = if todo.is_empty() {
                c.prepare_cached("SELECT COALESCE(MAX(id), 0) FROM blobs")?
                    .query_row([], |r| r.get(0))?
            } else {
                0
            };
            Ok((todo, newest))
        })
        .await?;
    type Todo = (i64, Vec<u8>, String, Option<Vec<u8>>);
    let (todo, newest): (Vec<Todo>, i64) = todo;
    let seen = todo.len();
    let Some(last) = todo.last().map(|t| t.0) else {
        *cursor = (*cursor).max(newest);
        return Ok(0);
    };
    let blobs = inner.blobs.clone();
    let docs = blocking(move || {
        Ok(todo
            .into_iter()
            .filter_map(|(id, hash, parsed, inline)| {
                document(&blobs, id, &hash, &parsed, inline.as_deref())
            })
            .collect::<Vec<_>>())
    })
    .await?;
    if !docs.is_empty() {
        inner
            .db
            .write_unsynced(move |c| write_docs(c, &docs))
            .await?;
    }
    *cursor = last;
    Ok(seen)
}

/// The index entry of one blob, from its inline bytes (compressed) or else its file; None
/// when it cannot be read (gone since, or damaged: the message stays unindexed and is
/// scanned, which reports the damage).
fn document(
    blobs: &BlobDir,
    blob_id: i64,
    hash: &[u8],
    parsed_json: &str,
    inline: Option<&[u8]>,
) -> Option<Doc> {
    let hash: Hash = hash.try_into().ok()?;
    let read = match inline {
        Some(compressed) => super::blobs::decompress(compressed),
        None => blobs.read_file(&hash),
    };
    let raw = match read {
        Ok(raw) => raw,
        Err(e) => {
            tracing::debug!(error = %e, blob = blob_id, "not indexing an unreadable blob");
            return None;
        }
    };
    let parsed = parse::from_json(parsed_json, || Ok(raw.clone())).ok()?;
    let env = &parsed.envelope;
    let fields = [
        search_field_text(env, SearchField::From),
        search_field_text(env, SearchField::To),
        search_field_text(env, SearchField::Cc),
        bcc_text(&raw),
        search_field_text(env, SearchField::Subject),
    ];
    // search_text(raw, true) is the header text followed by the body text; split it so
    // TEXT matches in either column (a match across the join would contain its "\n",
    // and such needles are not answered from the index).
    let body = loft_message::search_text(&raw, false);
    let full = loft_message::search_text(&raw, true);
    let head = full
        .strip_suffix(body.as_str())
        .map(str::to_string)
        .unwrap_or(full);
    Some(Doc {
        blob_id,
        fields,
        head: head.to_lowercase(),
        body: body.to_lowercase(),
    })
}

fn write_docs(conn: &mut Connection, docs: &[Doc]) -> Result<()> {
    let tx = sql::immediate(conn)?;
    {
        let mut exists = tx.prepare_cached("SELECT 1 FROM blobs WHERE id = ?1")?;
        let mut doc = tx.prepare_cached(
            "INSERT OR IGNORE INTO fts_docs (blob_id, from_, to_, cc, bcc, subject) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        let mut text =
            tx.prepare_cached("INSERT INTO fts_text (rowid, head, body) VALUES (?1, ?2, ?3)")?;
        for d in docs {
            // Its last reference may have gone while we read it: no entry for a dead blob.
            if exists
                .query_row([d.blob_id], |_| Ok(()))
                .optional()?
                .is_none()
            {
                continue;
            }
            let [f, t, c, b, s] = &d.fields;
            // Another indexer (catch_up next to the background task) may have been first.
            if doc.execute(params![d.blob_id, f, t, c, b, s])? == 1 {
                text.execute(params![d.blob_id, d.head, d.body])?;
            }
        }
    }
    tx.commit()?;
    Ok(())
}

/// `Store::search_index` for the embedded store (see the module comment).
pub(crate) fn search(
    conn: &mut Connection,
    account: AccountId,
    mailbox: MailboxId,
    field: SearchField,
    needle: &str,
) -> Result<Option<IndexedMatches>> {
    if needle.contains('\n') {
        return Ok(None);
    }
    let tx = conn.transaction()?;
    let mailbox = sql::load_mailbox(&tx, account, mailbox)?.id;
    let column = match field {
        SearchField::Body | SearchField::Text => None,
        SearchField::From => Some("from_"),
        SearchField::To => Some("to_"),
        SearchField::Cc => Some("cc"),
        SearchField::Bcc => Some("bcc"),
        SearchField::Subject => Some("subject"),
    };
    let uids = |sql: &str, args: &[&dyn rusqlite::ToSql]| -> Result<Vec<Uid>> {
        let mut stmt = tx.prepare_cached(sql)?;
        let rows = stmt.query_map(args, |r| r.get::<_, u32>(0))?;
        let mut out = Vec::new();
        for uid in rows {
            out.extend(Uid::new(uid?));
        }
        Ok(out)
    };
    let matches = match column {
        None => {
            // A trigram index cannot answer fewer than 3 characters.
            if needle.chars().count() < 3 {
                return Ok(None);
            }
            let phrase = format!("\"{}\"", needle.replace('"', "\"\""));
            let query = if field == SearchField::Body { format!("body : {phrase}") } else { phrase };
            uids(
                "SELECT uid FROM messages WHERE mailbox_id = ?1
                 AND blob_id IN (SELECT rowid FROM fts_text WHERE fts_text MATCH ?2) ORDER BY uid",
                params![mailbox, query],
            )?
        }
        Some(col) => uids(
            &format!(
                "SELECT m.uid FROM messages m JOIN fts_docs d ON d.blob_id = m.blob_id
                 WHERE m.mailbox_id = ?1 AND d.{col} IS NOT NULL AND (?2 = '' OR instr(d.{col}, ?2) > 0)
                 ORDER BY m.uid"
            ),
            params![mailbox, needle],
        )?,
    };
    let unindexed = uids(
        "SELECT uid FROM messages m WHERE mailbox_id = ?1
         AND NOT EXISTS (SELECT 1 FROM fts_docs d WHERE d.blob_id = m.blob_id) ORDER BY uid",
        params![mailbox],
    )?;
    Ok(Some(IndexedMatches { matches, unindexed }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_field_texts() {
        let p = loft_message::parse(
            b"From: =?utf-8?q?J=C3=BCrgen?= <JU@Example.org>\r\nTo: a@b.c, Bob <bob@x.y>\r\n\
              Subject: =?utf-8?b?w5xiZXI=?= plan\r\n\r\nhi\r\n",
        );
        assert_eq!(
            search_field_text(&p.envelope, SearchField::From).as_deref(),
            Some("jürgen <ju@example.org>")
        );
        assert_eq!(
            search_field_text(&p.envelope, SearchField::To).as_deref(),
            Some("a@b.c, bob <bob@x.y>")
        );
        assert_eq!(
            search_field_text(&p.envelope, SearchField::Subject).as_deref(),
            Some("über plan")
        );
        assert_eq!(search_field_text(&p.envelope, SearchField::Cc), None);
    }

    #[test]
    fn trigram_table_answers_substrings() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE blobs (id INTEGER PRIMARY KEY);")
            .unwrap();
        conn.execute_batch(FTS_TABLES).unwrap();
        conn.execute("INSERT INTO fts_text (rowid, head, body) VALUES (1, 'subject: x\n', 'grüße aus köln \"quoted\"')", [])
            .unwrap();
        let hit = |q: &str| -> bool {
            conn.query_row(
                "SELECT count(*) FROM fts_text WHERE fts_text MATCH ?1",
                [q],
                |r| r.get::<_, i64>(0),
            )
            .unwrap()
                == 1
        };
        assert!(hit("body : \"üße a\""));
        assert!(hit("\"\"\"quoted\"\"\""));
        assert!(hit("\"ject: \""));
        assert!(!hit("body : \"ject\""));
        assert!(!hit("\"GRÜ\""));
        conn.execute("DELETE FROM fts_text WHERE rowid = 1", [])
            .unwrap();
        assert!(!hit("\"köln\""));
    }
}
