//! Mailboxes and subscriptions. Changes of an account's mailbox list lock the account row
//! (`accounts::require_account`), so they run one at a time per account on every node.

use std::collections::HashSet;

use tokio_postgres::{Client, Row, Transaction};

use super::names;
use super::{PgResult, accounts};
use crate::{
    AccountId, Change, DELIMITER, Mailbox, MailboxId, MailboxStatus, ModSeq, SpecialUse,
    StoreError, UidValidity,
};

/// A mailbox row with its counters.
#[derive(Debug, Clone)]
pub(crate) struct MailboxRow {
    pub id: i64,
    pub name: String,
    pub special_use: Option<SpecialUse>,
    pub uid_validity: i64,
    pub uid_next: i64,
    pub highest_modseq: i64,
    pub recent_floor: i64,
}

pub(crate) const MAILBOX_COLS: &str =
    "mailbox_id, name, special_use, uid_validity, uid_next, highest_modseq, recent_floor";

impl MailboxRow {
    pub(crate) fn from_row(r: &Row) -> MailboxRow {
        let special: Option<String> = r.get(2);
        MailboxRow {
            id: r.get(0),
            name: r.get(1),
            special_use: special.as_deref().and_then(SpecialUse::from_attr),
            uid_validity: r.get(3),
            uid_next: r.get(4),
            highest_modseq: r.get(5),
            recent_floor: r.get(6),
        }
    }

    pub(crate) fn uid_validity(&self) -> PgResult<UidValidity> {
        u32::try_from(self.uid_validity)
            .ok()
            .and_then(UidValidity::new)
            .ok_or_else(|| {
                StoreError::Corrupt(format!(
                    "mailbox {:?} has UIDVALIDITY {}",
                    self.name, self.uid_validity
                ))
                .into()
            })
    }

    pub(crate) fn uid_next(&self) -> u32 {
        // Kept below u32::MAX by allocate_uids and the restore paths.
        u32::try_from(self.uid_next).unwrap_or(u32::MAX)
    }

    pub(crate) fn to_mailbox(&self, is_subscribed: bool) -> PgResult<Mailbox> {
        Ok(Mailbox {
            id: MailboxId(self.id),
            name: self.name.clone(),
            special_use: self.special_use,
            is_subscribed,
            uid_validity: self.uid_validity()?,
        })
    }

    /// Allocates `n` UIDs, returning the first. RFC 9051 §2.3.1.1: UIDs only ascend and
    /// are never reused; when the 32-bit space runs out the mailbox would need a new
    /// UIDVALIDITY, which we do not do silently.
    pub(crate) fn allocate_uids(&mut self, n: usize) -> PgResult<u32> {
        let first = self.uid_next;
        let next = first + n as i64;
        if next >= i64::from(u32::MAX) {
            return Err(StoreError::Invalid(format!(
                "mailbox {:?} has run out of UIDs",
                self.name
            ))
            .into());
        }
        self.uid_next = next;
        Ok(first as u32)
    }

    /// The mod-sequence of the operation in progress (RFC 7162 §3.1).
    pub(crate) fn next_modseq(&mut self) -> i64 {
        self.highest_modseq += 1;
        self.highest_modseq
    }

    /// Persists uid_next, highest_modseq and recent_floor (the row is locked).
    pub(crate) async fn save(&self, tx: &Transaction<'_>, account: AccountId) -> PgResult<()> {
        tx.execute(
            "UPDATE mailboxes SET uid_next = $3, highest_modseq = $4, recent_floor = $5
             WHERE account_id = $1 AND mailbox_id = $2",
            &[
                &account.0,
                &self.id,
                &self.uid_next,
                &self.highest_modseq,
                &self.recent_floor,
            ],
        )
        .await?;
        Ok(())
    }
}

/// Loads a mailbox of `account`; `NotFound` when it does not exist or belongs to another
/// account (DESIGN.md invariant 7). `lock`: `FOR UPDATE`, held until commit.
pub(crate) async fn load_mailbox(
    tx: &Transaction<'_>,
    account: AccountId,
    mailbox: MailboxId,
    lock: bool,
) -> PgResult<MailboxRow> {
    let sql = format!(
        "SELECT {MAILBOX_COLS} FROM mailboxes WHERE account_id = $1 AND mailbox_id = $2{}",
        if lock { " FOR UPDATE" } else { "" }
    );
    let row = tx
        .query_opt(&sql, &[&account.0, &mailbox.0])
        .await?
        .ok_or(StoreError::NotFound("mailbox"))?;
    Ok(MailboxRow::from_row(&row))
}

pub(crate) async fn find_mailbox(
    tx: &Transaction<'_>,
    account: AccountId,
    name: &str,
) -> PgResult<Option<MailboxRow>> {
    let row = tx
        .query_opt(
            &format!("SELECT {MAILBOX_COLS} FROM mailboxes WHERE account_id = $1 AND name = $2"),
            &[&account.0, &name],
        )
        .await?;
    Ok(row.as_ref().map(MailboxRow::from_row))
}

/// Creates a mailbox row with a fresh UIDVALIDITY, UIDNEXT 1 and HIGHESTMODSEQ 1.
pub(crate) async fn insert_mailbox(
    tx: &Transaction<'_>,
    account: AccountId,
    name: &str,
    special_use: Option<SpecialUse>,
) -> PgResult<i64> {
    let uid_validity = i64::from(accounts::new_uid_validity(tx, account).await?);
    let row = tx
        .query_one(
            "INSERT INTO mailboxes (account_id, name, special_use, uid_validity, uid_next, highest_modseq)
             VALUES ($1, $2, $3, $4, 1, 1) RETURNING mailbox_id",
            &[&account.0, &name, &special_use.map(SpecialUse::attr), &uid_validity],
        )
        .await?;
    Ok(row.get(0))
}

async fn is_subscribed(tx: &Transaction<'_>, account: AccountId, name: &str) -> PgResult<bool> {
    Ok(tx
        .query_opt(
            "SELECT 1 FROM subscriptions WHERE account_id = $1 AND name = $2",
            &[&account.0, &name],
        )
        .await?
        .is_some())
}

pub(crate) async fn mailboxes(tx: &Transaction<'_>, account: AccountId) -> PgResult<Vec<Mailbox>> {
    let subscribed: HashSet<String> = subscriptions(tx, account).await?.into_iter().collect();
    let rows = tx
        .query(
            &format!("SELECT {MAILBOX_COLS} FROM mailboxes WHERE account_id = $1 ORDER BY name"),
            &[&account.0],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let row = MailboxRow::from_row(r);
            row.to_mailbox(subscribed.contains(&row.name))
        })
        .collect()
}

pub(crate) async fn mailbox(
    tx: &Transaction<'_>,
    account: AccountId,
    name: &str,
) -> PgResult<Option<Mailbox>> {
    let Ok(name) = names::normalize(name) else {
        // A name we would never create does not exist.
        return Ok(None);
    };
    match find_mailbox(tx, account, &name).await? {
        Some(row) => Ok(Some(
            row.to_mailbox(is_subscribed(tx, account, &name).await?)?,
        )),
        None => Ok(None),
    }
}

pub(crate) async fn create_mailbox(
    tx: &Transaction<'_>,
    node: u64,
    account: AccountId,
    name: &str,
    special_use: Option<SpecialUse>,
) -> PgResult<MailboxId> {
    // RFC 9051 §6.3.4: a trailing delimiter only declares the intent to create inferiors.
    let name = name.strip_suffix(DELIMITER).unwrap_or(name);
    let name = names::normalize(name)?;
    accounts::require_account(tx, account).await?;
    if find_mailbox(tx, account, &name).await?.is_some() {
        return Err(StoreError::AlreadyExists("mailbox").into());
    }
    create_parents(tx, account, &name).await?;
    let id = insert_mailbox(tx, account, &name, special_use).await?;
    super::notify(tx, node, &Change::MailboxList { account }).await?;
    Ok(MailboxId(id))
}

/// RFC 9051 §6.3.5: the mailbox and its messages go; inferiors stay (as in the embedded
/// store, see there). Deleting a name that exists only as a parent is `HasChildren`.
pub(crate) async fn delete_mailbox(
    tx: &Transaction<'_>,
    node: u64,
    account: AccountId,
    name: &str,
) -> PgResult<()> {
    let name = names::normalize(name)?;
    if names::is_inbox(&name) {
        // RFC 9051 §6.3.5: "It is an error to attempt to delete INBOX".
        return Err(StoreError::Invalid("INBOX cannot be deleted".into()).into());
    }
    accounts::require_account(tx, account).await?;
    let Some(row) = find_mailbox(tx, account, &name).await? else {
        let (lo, hi) = names::inferior_range(&name);
        let has_children = tx
            .query_opt(
                "SELECT 1 FROM mailboxes WHERE account_id = $1 AND name >= $2 AND name < $3 LIMIT 1",
                &[&account.0, &lo, &hi],
            )
            .await?
            .is_some();
        return Err(if has_children {
            StoreError::HasChildren
        } else {
            StoreError::NotFound("mailbox")
        }
        .into());
    };
    // Lock the mailbox row before its blobs (the order every writer uses).
    load_mailbox(tx, account, MailboxId(row.id), true).await?;
    let refs = tx
        .query(
            "WITH gone AS (DELETE FROM messages WHERE account_id = $1 AND mailbox_id = $2 RETURNING sha256)
             SELECT sha256, count(*) FROM gone GROUP BY sha256",
            &[&account.0, &row.id],
        )
        .await?;
    let refs: Vec<(Vec<u8>, i64)> = refs.iter().map(|r| (r.get(0), r.get(1))).collect();
    unref_blobs(tx, account, refs).await?;
    // RFC 5464 §3.1: a mailbox's annotations go with it.
    tx.execute(
        "DELETE FROM metadata WHERE account_id = $1 AND mailbox_id = $2",
        &[&account.0, &row.id],
    )
    .await?;
    // The expunge log and keywords cascade. RFC 9051 §6.3.9: subscriptions stay.
    tx.execute(
        "DELETE FROM mailboxes WHERE account_id = $1 AND mailbox_id = $2",
        &[&account.0, &row.id],
    )
    .await?;
    super::notify(tx, node, &Change::MailboxList { account }).await?;
    Ok(())
}

/// Renames; returns (INBOX, modseq) when INBOX was renamed and so emptied.
pub(crate) async fn rename_mailbox(
    tx: &Transaction<'_>,
    node: u64,
    account: AccountId,
    from: &str,
    to: &str,
) -> PgResult<Option<(MailboxId, u64)>> {
    let from = names::normalize(from)?;
    let to = names::normalize(to.strip_suffix(DELIMITER).unwrap_or(to))?;
    accounts::require_account(tx, account).await?;
    let source = find_mailbox(tx, account, &from)
        .await?
        .ok_or(StoreError::NotFound("mailbox"))?;
    if find_mailbox(tx, account, &to).await?.is_some() {
        return Err(StoreError::AlreadyExists("mailbox").into());
    }

    if names::is_inbox(&from) {
        // RFC 9051 §6.3.6: renaming INBOX moves its messages to a new mailbox and leaves
        // INBOX empty; its inferiors stay. The messages keep their UIDs in the new mailbox
        // (which has its own UIDVALIDITY); INBOX logs them as expunged and keeps UIDNEXT.
        let mut source = load_mailbox(tx, account, MailboxId(source.id), true).await?;
        create_parents(tx, account, &to).await?;
        let new_id = insert_mailbox(tx, account, &to, None).await?;
        let modseq = source.next_modseq();
        tx.execute(
            "INSERT INTO expunged (account_id, mailbox_id, uid, modseq)
             SELECT account_id, mailbox_id, uid, $3 FROM messages WHERE account_id = $1 AND mailbox_id = $2
             ON CONFLICT (account_id, mailbox_id, uid) DO UPDATE SET modseq = excluded.modseq",
            &[&account.0, &source.id, &modseq],
        )
        .await?;
        tx.execute(
            "UPDATE messages SET mailbox_id = $3 WHERE account_id = $1 AND mailbox_id = $2",
            &[&account.0, &source.id, &new_id],
        )
        .await?;
        tx.execute(
            "INSERT INTO mailbox_keywords (account_id, mailbox_id, keyword_key, keyword)
             SELECT account_id, $3, keyword_key, keyword FROM mailbox_keywords WHERE account_id = $1 AND mailbox_id = $2",
            &[&account.0, &source.id, &new_id],
        )
        .await?;
        tx.execute(
            "UPDATE mailboxes SET uid_next = $3, highest_modseq = $4, recent_floor = $5
             WHERE account_id = $1 AND mailbox_id = $2",
            &[
                &account.0,
                &new_id,
                &source.uid_next,
                &modseq,
                &source.recent_floor,
            ],
        )
        .await?;
        source.save(tx, account).await?;
        let inbox = MailboxId(source.id);
        super::notify(
            tx,
            node,
            &Change::Mailbox {
                account,
                mailbox: inbox,
                modseq: ModSeq(modseq as u64),
            },
        )
        .await?;
        super::notify(tx, node, &Change::MailboxList { account }).await?;
        return Ok(Some((inbox, modseq as u64)));
    }

    if to.starts_with(&format!("{from}{DELIMITER}")) {
        return Err(
            StoreError::Invalid("cannot rename a mailbox into its own inferior".into()).into(),
        );
    }
    // RFC 9051 §6.3.6: inferiors are renamed too; none of the new names may exist.
    let (lo, hi) = names::inferior_range(&from);
    let inferiors = tx
        .query(
            "SELECT mailbox_id, name FROM mailboxes WHERE account_id = $1 AND name >= $2 AND name < $3",
            &[&account.0, &lo, &hi],
        )
        .await?;
    let mut renames: Vec<(i64, String, String)> = vec![(source.id, from.clone(), to.clone())];
    for r in &inferiors {
        let (id, name): (i64, String) = (r.get(0), r.get(1));
        let new_name = format!("{to}{}", &name[from.len()..]);
        if new_name.len() > names::MAX_NAME_BYTES {
            return Err(StoreError::Invalid("mailbox name too long".into()).into());
        }
        if find_mailbox(tx, account, &new_name).await?.is_some() {
            return Err(StoreError::AlreadyExists("mailbox").into());
        }
        renames.push((id, name, new_name));
    }
    for (id, old, new) in &renames {
        tx.execute(
            "UPDATE mailboxes SET name = $3 WHERE account_id = $1 AND mailbox_id = $2",
            &[&account.0, id, new],
        )
        .await?;
        // Subscriptions follow the mailbox (as in the embedded store).
        let moved = tx
            .execute(
                "DELETE FROM subscriptions WHERE account_id = $1 AND name = $2",
                &[&account.0, old],
            )
            .await?;
        if moved > 0 {
            tx.execute(
                "INSERT INTO subscriptions (account_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&account.0, new],
            )
            .await?;
        }
    }
    // RFC 9051 §6.3.6: SHOULD create the superiors the new name needs.
    create_parents(tx, account, &to).await?;
    super::notify(tx, node, &Change::MailboxList { account }).await?;
    Ok(None)
}

pub(crate) async fn set_subscribed(
    tx: &Transaction<'_>,
    node: u64,
    account: AccountId,
    name: &str,
    subscribed: bool,
) -> PgResult<()> {
    let name = names::normalize(name)?;
    accounts::require_account(tx, account).await?;
    if subscribed {
        tx.execute(
            "INSERT INTO subscriptions (account_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&account.0, &name],
        )
        .await?;
    } else {
        tx.execute(
            "DELETE FROM subscriptions WHERE account_id = $1 AND name = $2",
            &[&account.0, &name],
        )
        .await?;
    }
    super::notify(tx, node, &Change::MailboxList { account }).await?;
    Ok(())
}

pub(crate) async fn subscriptions(
    tx: &Transaction<'_>,
    account: AccountId,
) -> PgResult<Vec<String>> {
    let rows = tx
        .query(
            "SELECT name FROM subscriptions WHERE account_id = $1 ORDER BY name",
            &[&account.0],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

pub(crate) async fn status(
    tx: &Transaction<'_>,
    account: AccountId,
    mailbox: MailboxId,
) -> PgResult<MailboxStatus> {
    let row = load_mailbox(tx, account, mailbox, false).await?;
    status_of(tx, account, &row).await
}

/// STATUS counters (RFC 9051 §6.3.11) computed from the message rows.
pub(crate) async fn status_of(
    tx: &Transaction<'_>,
    account: AccountId,
    row: &MailboxRow,
) -> PgResult<MailboxStatus> {
    let r = tx
        .query_one(
            "SELECT count(*), count(*) FILTER (WHERE flags & 1 = 0), count(*) FILTER (WHERE flags & 8 <> 0),
                    coalesce(sum(size), 0)::bigint, count(*) FILTER (WHERE uid > $3)
             FROM messages WHERE account_id = $1 AND mailbox_id = $2",
            &[&account.0, &row.id, &row.recent_floor],
        )
        .await?;
    let count = |i: usize| -> u32 { u32::try_from(r.get::<_, i64>(i)).unwrap_or(u32::MAX) };
    Ok(MailboxStatus {
        messages: count(0),
        unseen: count(1),
        deleted: count(2),
        size: r.get::<_, i64>(3).max(0) as u64,
        recent: count(4),
        uid_next: row.uid_next(),
        uid_validity: row.uid_validity()?,
        highest_modseq: ModSeq(row.highest_modseq as u64),
    })
}

pub(crate) async fn highest_modseq(
    client: &Client,
    account: AccountId,
    mailbox: MailboxId,
) -> PgResult<ModSeq> {
    let row = client
        .query_opt(
            "SELECT highest_modseq FROM mailboxes WHERE account_id = $1 AND mailbox_id = $2",
            &[&account.0, &mailbox.0],
        )
        .await?
        .ok_or(StoreError::NotFound("mailbox"))?;
    Ok(ModSeq(row.get::<_, i64>(0) as u64))
}

pub(crate) async fn mailbox_keywords(
    tx: &Transaction<'_>,
    account: AccountId,
    mailbox: i64,
) -> PgResult<Vec<String>> {
    let rows = tx
        .query(
            "SELECT keyword FROM mailbox_keywords WHERE account_id = $1 AND mailbox_id = $2 ORDER BY keyword_key",
            &[&account.0, &mailbox],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Records keywords as used in the mailbox; the first spelling stays (case-insensitive).
pub(crate) async fn add_mailbox_keywords(
    tx: &Transaction<'_>,
    account: AccountId,
    mailbox: i64,
    keywords: &[String],
) -> PgResult<()> {
    if keywords.is_empty() {
        return Ok(());
    }
    let keys: Vec<String> = keywords.iter().map(|k| k.to_ascii_lowercase()).collect();
    tx.execute(
        "INSERT INTO mailbox_keywords (account_id, mailbox_id, keyword_key, keyword)
         SELECT $1, $2, k, w FROM unnest($3::text[], $4::text[]) AS u(k, w)
         ON CONFLICT DO NOTHING",
        &[&account.0, &mailbox, &keys, &keywords],
    )
    .await?;
    Ok(())
}

/// Drops references from the account's blobs (`(sha256, count)`); blobs left without any
/// lose their row. Rows are locked in hash order, the order every writer uses, so two
/// operations on one account cannot deadlock on them (a deadlock would still only retry).
pub(crate) async fn unref_blobs(
    tx: &Transaction<'_>,
    account: AccountId,
    mut refs: Vec<(Vec<u8>, i64)>,
) -> PgResult<()> {
    if refs.is_empty() {
        return Ok(());
    }
    refs.sort();
    let (hashes, counts): (Vec<Vec<u8>>, Vec<i64>) = refs.into_iter().unzip();
    tx.query(
        "SELECT 1 FROM blobs WHERE account_id = $1 AND sha256 = ANY($2) ORDER BY sha256 FOR UPDATE",
        &[&account.0, &hashes],
    )
    .await?;
    let n = tx
        .execute(
            "UPDATE blobs b SET refcount = b.refcount - u.n
             FROM unnest($2::bytea[], $3::bigint[]) AS u(sha256, n)
             WHERE b.account_id = $1 AND b.sha256 = u.sha256",
            &[&account.0, &hashes, &counts],
        )
        .await?;
    if n as usize != hashes.len() {
        return Err(StoreError::Corrupt("a message refers to a missing blob".into()).into());
    }
    tx.execute(
        "DELETE FROM blobs WHERE account_id = $1 AND sha256 = ANY($2) AND refcount <= 0",
        &[&account.0, &hashes],
    )
    .await?;
    Ok(())
}

/// RFC 9051 §6.3.4: CREATE makes the superiors that are missing.
async fn create_parents(tx: &Transaction<'_>, account: AccountId, name: &str) -> PgResult<()> {
    for parent in names::parents(name) {
        if find_mailbox(tx, account, parent).await?.is_none() {
            insert_mailbox(tx, account, parent, None).await?;
        }
    }
    Ok(())
}
