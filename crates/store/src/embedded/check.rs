//! `loft check` for the embedded store: metadata against blob bytes (inline in
//! `blob_data` or files), reference counts and per-mailbox counters. Problems are
//! returned in plain words.

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;

use super::blobs::{self, BlobDir, Hash};
use crate::Result;

pub(crate) fn check(conn: &mut Connection, blobs: &BlobDir) -> Result<Vec<String>> {
    // One read transaction: a consistent view of the metadata while files are read.
    let tx = conn.transaction()?;
    let mut problems = Vec::new();

    let refs: HashMap<i64, i64> = {
        let mut stmt = tx.prepare("SELECT blob_id, count(*) FROM messages GROUP BY blob_id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };

    // Hashes of the blobs stored as files (a file of an inline blob is an orphan).
    let mut known: HashSet<Hash> = HashSet::new();
    let mut blob_ids: HashSet<i64> = HashSet::new();
    {
        let mut stmt = tx.prepare(
            "SELECT b.id, b.sha256, b.size, b.refcount, d.data
             FROM blobs b LEFT JOIN blob_data d ON d.blob_id = b.id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let hash: Vec<u8> = r.get(1)?;
            let size: i64 = r.get(2)?;
            let refcount: i64 = r.get(3)?;
            let inline: Option<Vec<u8>> = r.get(4)?;
            blob_ids.insert(id);
            let Ok(hash) = Hash::try_from(hash) else {
                problems.push(format!("blob row {id} has a malformed hash"));
                continue;
            };
            let hex = hex::encode(hash);
            let actual = refs.get(&id).copied().unwrap_or(0);
            if refcount != actual {
                problems.push(format!(
                    "blob {hex} has reference count {refcount} but {actual} messages refer to it"
                ));
            }
            let read = match &inline {
                Some(compressed) => blobs::decompress(compressed),
                None => {
                    known.insert(hash);
                    blobs.read_file(&hash)
                }
            };
            match read {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    problems.push(format!(
                        "blob {hex} is missing (referenced by {actual} messages)"
                    ));
                }
                Err(e) => problems.push(format!("blob {hex} cannot be read or decompressed: {e}")),
                Ok(raw) => {
                    if blobs::sha256(&raw) != hash {
                        problems.push(format!(
                            "blob {hex} is corrupt: its content does not match its hash"
                        ));
                    } else if raw.len() as i64 != size {
                        problems.push(format!(
                            "blob {hex} is {} bytes but recorded as {size}",
                            raw.len()
                        ));
                    }
                }
            }
        }
    }
    let strays: i64 = tx.query_row(
        "SELECT count(*) FROM blob_data WHERE blob_id NOT IN (SELECT id FROM blobs)",
        [],
        |r| r.get(0),
    )?;
    if strays > 0 {
        problems.push(format!("{strays} inline blobs belong to no blob row"));
    }
    for (id, n) in &refs {
        if !blob_ids.contains(id) {
            problems.push(format!(
                "{n} messages refer to blob row {id}, which does not exist"
            ));
        }
    }

    {
        let mut stmt = tx.prepare(
            "SELECT mb.id, mb.name, a.name, mb.uid_validity, mb.uid_next, mb.highest_modseq, mb.recent_floor,
                    (SELECT max(uid) FROM messages WHERE mailbox_id = mb.id),
                    (SELECT max(modseq) FROM messages WHERE mailbox_id = mb.id),
                    (SELECT min(modseq) FROM messages WHERE mailbox_id = mb.id),
                    (SELECT max(uid) FROM expunged WHERE mailbox_id = mb.id),
                    (SELECT max(modseq) FROM expunged WHERE mailbox_id = mb.id)
             FROM mailboxes mb LEFT JOIN accounts a ON a.id = mb.account_id ORDER BY mb.id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let name: String = r.get(1)?;
            let account: Option<String> = r.get(2)?;
            let uid_validity: i64 = r.get(3)?;
            let uid_next: i64 = r.get(4)?;
            let highest_modseq: i64 = r.get(5)?;
            let recent_floor: i64 = r.get(6)?;
            let max_uid: Option<i64> = r.get(7)?;
            let max_modseq: Option<i64> = r.get(8)?;
            let min_modseq: Option<i64> = r.get(9)?;
            let max_expunged_uid: Option<i64> = r.get(10)?;
            let max_expunged_modseq: Option<i64> = r.get(11)?;
            let Some(account) = account else {
                problems.push(format!("mailbox {name:?} belongs to no account"));
                continue;
            };
            let at = format!("mailbox {name:?} of {account}");
            if uid_validity <= 0 || uid_validity > i64::from(u32::MAX) {
                problems.push(format!("{at} has an invalid UIDVALIDITY {uid_validity}"));
            }
            if uid_next < 1 || uid_next > i64::from(u32::MAX) {
                problems.push(format!("{at} has an invalid UIDNEXT {uid_next}"));
            }
            if let Some(u) = max_uid.into_iter().chain(max_expunged_uid).max()
                && u >= uid_next
            {
                problems.push(format!("{at} has UID {u} but UIDNEXT is {uid_next}"));
            }
            if let Some(m) = max_modseq.into_iter().chain(max_expunged_modseq).max()
                && m > highest_modseq
            {
                problems.push(format!(
                    "{at} has mod-sequence {m} above its HIGHESTMODSEQ {highest_modseq}"
                ));
            }
            if min_modseq.is_some_and(|m| m < 1) {
                problems.push(format!("{at} has a message with mod-sequence 0"));
            }
            if recent_floor >= uid_next && recent_floor > 0 {
                problems.push(format!(
                    "{at} has a recent floor {recent_floor} at or above UIDNEXT {uid_next}"
                ));
            }
        }
    }
    let strays: i64 = tx.query_row(
        "SELECT count(*) FROM messages WHERE mailbox_id NOT IN (SELECT id FROM mailboxes)",
        [],
        |r| r.get(0),
    )?;
    if strays > 0 {
        problems.push(format!("{strays} messages belong to no mailbox"));
    }

    let (files, strays) = blobs.list()?;
    for hash in files {
        if !known.contains(&hash) {
            problems.push(format!(
                "blob file {} is not referenced (orphan)",
                hex::encode(hash)
            ));
        }
    }
    for path in strays {
        problems.push(format!(
            "unexpected file in the blob directory: {}",
            path.display()
        ));
    }
    Ok(problems)
}
