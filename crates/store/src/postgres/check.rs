//! `loft check` on PostgreSQL: blob contents against their hashes and sizes, reference
//! counts, per-mailbox counters. An admin operation: it reads every account. Runs in one
//! REPEATABLE READ transaction (a consistent view); blobs are read in pages.

use sha2::Digest;
use tokio_postgres::Transaction;

use super::PgResult;

const PAGE: i64 = 100;

pub(crate) async fn check(tx: &Transaction<'_>) -> PgResult<Vec<String>> {
    let mut problems = Vec::new();

    let (mut after_account, mut after_hash) = (i64::MIN, Vec::<u8>::new());
    loop {
        let rows = tx
            .query(
                "SELECT b.account_id, b.sha256, b.size, b.refcount, b.data,
                        (SELECT count(*) FROM messages m WHERE m.account_id = b.account_id AND m.sha256 = b.sha256)
                 FROM blobs b WHERE (b.account_id, b.sha256) > ($1, $2)
                 ORDER BY b.account_id, b.sha256 LIMIT $3",
                &[&after_account, &after_hash, &PAGE],
            )
            .await?;
        for r in &rows {
            let account: i64 = r.get(0);
            let hash: Vec<u8> = r.get(1);
            let size: i64 = r.get(2);
            let refcount: i64 = r.get(3);
            let data: Vec<u8> = r.get(4);
            let actual: i64 = r.get(5);
            let hex = hex::encode(&hash);
            if refcount != actual {
                problems.push(format!(
                    "blob {hex} of account {account} has reference count {refcount} but {actual} messages refer to it"
                ));
            }
            match zstd::decode_all(&data[..]) {
                Err(e) => problems.push(format!(
                    "blob {hex} of account {account} cannot be decompressed: {e}"
                )),
                Ok(raw) => {
                    if sha2::Sha256::digest(&raw).as_slice() != hash.as_slice() {
                        problems.push(format!(
                            "blob {hex} of account {account} is corrupt: its content does not match its hash"
                        ));
                    } else if raw.len() as i64 != size {
                        problems.push(format!(
                            "blob {hex} of account {account} is {} bytes but recorded as {size}",
                            raw.len()
                        ));
                    }
                }
            }
            after_account = account;
            after_hash = hash;
        }
        if (rows.len() as i64) < PAGE {
            break;
        }
    }

    let rows = tx
        .query(
            "SELECT mb.name, a.name, mb.uid_validity, mb.uid_next, mb.highest_modseq, mb.recent_floor,
                    (SELECT max(uid) FROM messages m WHERE m.account_id = mb.account_id AND m.mailbox_id = mb.mailbox_id),
                    (SELECT max(modseq) FROM messages m WHERE m.account_id = mb.account_id AND m.mailbox_id = mb.mailbox_id),
                    (SELECT min(modseq) FROM messages m WHERE m.account_id = mb.account_id AND m.mailbox_id = mb.mailbox_id),
                    (SELECT max(uid) FROM expunged e WHERE e.account_id = mb.account_id AND e.mailbox_id = mb.mailbox_id),
                    (SELECT max(modseq) FROM expunged e WHERE e.account_id = mb.account_id AND e.mailbox_id = mb.mailbox_id)
             FROM mailboxes mb JOIN accounts a ON a.account_id = mb.account_id
             ORDER BY mb.account_id, mb.mailbox_id",
            &[],
        )
        .await?;
    for r in &rows {
        let name: String = r.get(0);
        let account: String = r.get(1);
        let (uid_validity, uid_next, highest_modseq, recent_floor): (i64, i64, i64, i64) =
            (r.get(2), r.get(3), r.get(4), r.get(5));
        let (max_uid, max_modseq, min_modseq, max_expunged_uid, max_expunged_modseq): (
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
        ) = (r.get(6), r.get(7), r.get(8), r.get(9), r.get(10));
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
    Ok(problems)
}
