//! Import and migration support of the embedded store: "does this mailbox already hold
//! these bytes" (idempotent `loft import`) and appending with given UIDs (`loft migrate`
//! keeps the source's UIDVALIDITY and UIDs, RFC 9051 §2.3.1.1).

use std::collections::HashSet;
use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, params};

use super::blobs::{self, BlobDir, Hash};
use super::messages::{NewBlob, Prepared};
use super::sql::{self, immediate};
use super::{APPEND_ATTEMPTS, EmbeddedStore, blocking};
use crate::{
    AccountId, AppendResult, BlobId, MailboxId, NewMessage, Result, StoreError, Uid, UidValidity,
};

/// An index from blob to the mailboxes holding it, so the import dedup lookup is a point
/// query, not a scan of a huge mailbox. Created on open if missing (no schema version
/// step needed: it only speeds up queries).
pub(crate) const INDEXES: &str =
    "CREATE INDEX IF NOT EXISTS messages_blob ON messages (blob_id, mailbox_id);";

pub(crate) fn ensure_indexes(conn: &mut Connection) -> Result<()> {
    conn.execute_batch(INDEXES)?;
    Ok(())
}

pub(crate) fn mailbox_has_blobs(
    conn: &mut Connection,
    account: AccountId,
    mailbox: MailboxId,
    hashes: &[Option<Hash>],
) -> Result<Vec<bool>> {
    let tx = conn.transaction()?;
    let row = sql::load_mailbox(&tx, account, mailbox)?;
    let mut out = Vec::with_capacity(hashes.len());
    {
        let mut stmt = tx.prepare_cached(
            "SELECT 1 FROM blobs b JOIN messages m ON m.blob_id = b.id
             WHERE b.sha256 = ?1 AND m.mailbox_id = ?2 LIMIT 1",
        )?;
        for h in hashes {
            let found = match h {
                Some(h) => stmt
                    .query_row(params![&h[..], row.id], |_| Ok(()))
                    .optional()?
                    .is_some(),
                None => false,
            };
            out.push(found);
        }
    }
    Ok(out)
}

impl EmbeddedStore {
    pub(super) async fn has_blobs(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        blobs: &[BlobId],
    ) -> Result<Vec<bool>> {
        let hashes: Vec<Option<Hash>> = blobs.iter().map(|b| blobs::parse_hex(&b.0)).collect();
        self.inner
            .db
            .read(move |c| mailbox_has_blobs(c, account, mailbox, &hashes))
            .await
    }

    pub(super) async fn append_uids(
        &self,
        account: AccountId,
        mailbox: MailboxId,
        uid_validity: UidValidity,
        messages: Vec<(Uid, NewMessage)>,
    ) -> Result<AppendResult> {
        if messages.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err(StoreError::Invalid("UIDs must ascend".into()));
        }
        let mut uids = Vec::with_capacity(messages.len());
        let mut checked = Vec::with_capacity(messages.len());
        for (uid, m) in messages {
            if u32::try_from(m.content.len()).is_err() {
                return Err(StoreError::Invalid("message larger than 4 GiB".into()));
            }
            let flags = sql::clean_flags(&m.flags)?;
            uids.push(uid);
            checked.push(NewMessage { flags, ..m });
        }
        let contents = Arc::new(checked);
        let c = contents.clone();
        let prepared: Vec<Prepared> = blocking(move || {
            let now = chrono::Local::now().fixed_offset();
            Ok(c.iter()
                .map(|m| Prepared {
                    hash: blobs::sha256(&m.content),
                    // Checked above.
                    size: m.content.len() as u32,
                    flags: m.flags.clone(),
                    internal_date: m.internal_date.unwrap_or(now),
                })
                .collect())
        })
        .await?;
        let prepared = Arc::new(prepared);
        let hashes: Vec<Hash> = prepared.iter().map(|p| p.hash).collect();
        let known: HashSet<Hash> = self
            .inner
            .db
            .read(move |c| super::messages::known_blobs(c, &hashes))
            .await?
            .into_iter()
            .collect();
        let uids = Arc::new(uids);
        let mut force = false;
        for _ in 0..APPEND_ATTEMPTS {
            let new_blobs = self
                .write_blobs(
                    &contents,
                    &prepared,
                    if force { None } else { Some(&known) },
                )
                .await?;
            // Files this attempt wrote (inline blobs have none).
            let written: Vec<Hash> = new_blobs
                .iter()
                .filter(|(_, b)| b.inline.is_none())
                .map(|(h, _)| *h)
                .collect();
            let blobs = self.inner.blobs.clone();
            let (p, u) = (prepared.clone(), uids.clone());
            let outcome = self
                .inner
                .db
                .write(move |c| {
                    let outcome = insert_with_uids(
                        c,
                        &blobs,
                        account,
                        mailbox,
                        uid_validity,
                        &p,
                        &u,
                        &new_blobs,
                    );
                    // Also after success: a file written for bytes another writer stored
                    // inline meanwhile is unneeded (blobs.rs `FILE_REFERENCED` keeps the
                    // others).
                    sql::gc_blobs(c, &blobs, &written);
                    outcome
                })
                .await?;
            match outcome {
                Some((result, modseq)) => {
                    self.publish_mailbox(account, mailbox, modseq);
                    return Ok(result);
                }
                None => force = true,
            }
        }
        Err(StoreError::Db(
            "append kept racing with blob cleanup; giving up".into(),
        ))
    }
}

/// The transaction of `append_with_uids`; None when a blob file went missing (retry).
#[allow(clippy::too_many_arguments)]
fn insert_with_uids(
    conn: &mut Connection,
    blobs: &BlobDir,
    account: AccountId,
    mailbox: MailboxId,
    uid_validity: UidValidity,
    messages: &[Prepared],
    uids: &[Uid],
    new_blobs: &std::collections::HashMap<Hash, NewBlob>,
) -> Result<Option<(AppendResult, u64)>> {
    let tx = immediate(conn)?;
    let mut row = sql::load_mailbox(&tx, account, mailbox)?;
    // RFC 9051 §2.3.1.1: a UIDVALIDITY may change only where no client can hold UIDs of
    // the old one: a mailbox that never had a message.
    if row.uid_validity != uid_validity.get() {
        if row.uid_next != 1 {
            return Err(StoreError::Invalid(
                "mailbox already used: cannot take over UIDVALIDITY".into(),
            ));
        }
        tx.execute(
            "UPDATE mailboxes SET uid_validity = ?2 WHERE id = ?1",
            params![row.id, uid_validity.get()],
        )?;
        // Keep `new_uid_validity` handing out values above every one in use, so a mailbox
        // deleted and re-created later still gets a value it never had.
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('last_uid_validity', ?1)
             ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)",
            [uid_validity.get()],
        )?;
        row.uid_validity = uid_validity.get();
    }
    if let Some(first) = uids.first()
        && first.get() < row.uid_next
    {
        return Err(StoreError::Invalid(format!(
            "UID {} is below UIDNEXT {}",
            first.get(),
            row.uid_next
        )));
    }
    let Some(last) = uids.last() else {
        let uid_validity = row.uid_validity()?;
        tx.commit()?;
        return Ok(Some((
            AppendResult {
                uid_validity,
                uids: Vec::new(),
            },
            row.highest_modseq,
        )));
    };
    if last.get() == u32::MAX {
        return Err(StoreError::Invalid(
            "UID 4294967295 leaves no UIDNEXT".into(),
        ));
    }
    let modseq = row.next_modseq();
    {
        let mut find = tx.prepare_cached(super::messages::FIND_BLOB)?;
        let mut incref =
            tx.prepare_cached("UPDATE blobs SET refcount = refcount + 1 WHERE id = ?1")?;
        let mut insert_blob = tx.prepare_cached(
            "INSERT INTO blobs (sha256, size, refcount, parsed) VALUES (?1, ?2, 1, ?3)",
        )?;
        let mut insert = tx.prepare_cached(
            "INSERT INTO messages (mailbox_id, uid, modseq, flags, keywords, size, internal_date, internal_tz, blob_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        let mut keywords: Vec<String> = Vec::new();
        for (m, uid) in messages.iter().zip(uids) {
            let existing: Option<(i64, bool)> = find
                .query_row([&m.hash[..]], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let new = new_blobs.get(&m.hash);
            if !super::messages::bytes_in_place(blobs, &m.hash, existing, new) {
                return Ok(None);
            }
            let blob_id: i64 = match (existing, new) {
                (Some((id, _)), _) => {
                    incref.execute([id])?;
                    id
                }
                (None, Some(new)) => {
                    insert_blob.execute(params![&m.hash[..], new.size, new.parsed_json])?;
                    let id = tx.last_insert_rowid();
                    super::messages::insert_inline(&tx, id, new)?;
                    id
                }
                // bytes_in_place is false without either.
                (None, None) => return Ok(None),
            };
            insert.execute(params![
                row.id,
                uid.get(),
                modseq as i64,
                m.flags.bits,
                sql::encode_keywords(&m.flags.keywords),
                m.size,
                m.internal_date.timestamp(),
                m.internal_date.offset().local_minus_utc(),
                blob_id,
            ])?;
            for k in &m.flags.keywords {
                if !keywords.iter().any(|x| x.eq_ignore_ascii_case(k)) {
                    keywords.push(k.clone());
                }
            }
        }
        sql::add_mailbox_keywords(&tx, row.id, &keywords)?;
    }
    row.uid_next = last.get() + 1;
    row.save(&tx)?;
    let uid_validity = row.uid_validity()?;
    tx.commit()?;
    Ok(Some((
        AppendResult {
            uid_validity,
            uids: uids.to_vec(),
        },
        modseq,
    )))
}
