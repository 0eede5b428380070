//! `loft store copy`: moves a whole installation from one store to another (embedded to
//! PostgreSQL and back), keeping UIDVALIDITY, UIDs, MODSEQs, flags, keywords, internal
//! dates and subscriptions, so clients need not resync (RFC 9051 §2.3.1.1, RFC 7162 §3.1).
//! Works through the `Store` trait only; the destination must not hold the accounts yet.

use std::collections::HashSet;

use crate::{
    AccountId, MailboxId, MessageMeta, ModSeq, NewMessage, Result, Store, StoreError, Uid,
};

/// Messages read and written per batch.
pub const COPY_BATCH: usize = 200;

/// The counters of a mailbox restored by `loft store copy` (`Store::restore_mailbox_state`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxRestore {
    /// UIDNEXT becomes at least this (never lowered).
    pub uid_next: u32,
    /// HIGHESTMODSEQ becomes at least this (never lowered).
    pub highest_modseq: ModSeq,
    /// Messages with UIDs above are `\Recent` (RFC 3501 §2.3.2).
    pub recent_floor: u32,
    /// Entries for the expunge log (RFC 7162 §3.2.5.1), kept where already present.
    pub expunged: Vec<(Uid, ModSeq)>,
}

/// What a copy did, and what its verification found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopyReport {
    pub accounts: usize,
    pub mailboxes: usize,
    pub messages: u64,
    pub bytes: u64,
    pub subscriptions: usize,
    /// Mailboxes compared after the copy (status and every message's UID, MODSEQ, flags).
    pub verified_mailboxes: usize,
    pub verified_messages: u64,
    /// Differences found by the verification, in plain words; empty when identical.
    pub problems: Vec<String>,
}

/// Progress of a copy, for a progress bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Starting account `index` (0-based) of `total`; `messages` is its message count.
    Account {
        name: String,
        index: usize,
        total: usize,
        messages: u64,
    },
    /// This many more messages (and bytes) copied.
    Messages { count: u64, bytes: u64 },
}

/// Copies every account (with its secure-access records), mailbox, message and
/// subscription, and the address bans, then compares both stores.
pub async fn copy_store(
    from: &dyn Store,
    to: &dyn Store,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<CopyReport> {
    let mut report = CopyReport::default();
    let accounts = from.accounts().await?;
    for a in &accounts {
        if to.account(&a.name).await?.is_some() {
            return Err(StoreError::AlreadyExists(
                "account in the destination (copy needs an empty destination)",
            ));
        }
    }
    for (index, account) in accounts.iter().enumerate() {
        let mut total = 0u64;
        for m in from.mailboxes(account.id).await? {
            total += u64::from(from.status(account.id, m.id).await?.messages);
        }
        progress(Progress::Account {
            name: account.name.clone(),
            index,
            total: accounts.len(),
            messages: total,
        });
        let dst = to
            .create_account(&account.name, &account.password_hash)
            .await?;
        copy_security(from, to, account.id, dst).await?;
        copy_account(from, to, account.id, dst, &mut report, progress).await?;
        report.accounts += 1;
    }
    let now = chrono::Utc::now().timestamp();
    if let Ok(bans) = from.bans(now).await {
        for ban in bans {
            to.add_ban(&ban).await?;
        }
    }
    verify(from, to, &mut report).await?;
    Ok(report)
}

async fn copy_security(
    from: &dyn Store,
    to: &dyn Store,
    src: AccountId,
    dst: AccountId,
) -> Result<()> {
    // A source without secure-access records (an older backend) has nothing to copy.
    let Ok(settings) = from.auth_settings(src).await else {
        return Ok(());
    };
    if settings.scram_sha256.is_some() {
        to.set_scram_credentials(dst, settings.scram_sha256.as_deref())
            .await?;
    }
    if settings.app_passwords_only {
        to.set_app_passwords_only(dst, true).await?;
    }
    for p in from.app_passwords(src).await? {
        let id = to
            .add_app_password(dst, &p.label, &p.hash, p.created, p.expires)
            .await?;
        if let Some(at) = p.last_used {
            to.app_password_used(dst, id, at, p.last_ip.as_deref().unwrap_or(""))
                .await?;
        }
    }
    Ok(())
}

async fn copy_account(
    from: &dyn Store,
    to: &dyn Store,
    src: AccountId,
    dst: AccountId,
    report: &mut CopyReport,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<()> {
    let mailboxes = from.mailboxes(src).await?;
    let names: HashSet<&str> = mailboxes.iter().map(|m| m.name.as_str()).collect();
    // Sorted by name, so a parent comes before its inferiors.
    for m in &mailboxes {
        let target = match to.mailbox(dst, &m.name).await? {
            Some(t) => t.id,
            None => to.create_mailbox(dst, &m.name, m.special_use).await?,
        };
        copy_mailbox(from, to, (src, m.id), (dst, target), report, progress).await?;
        copy_metadata(from, to, (src, Some(m.id)), (dst, Some(target))).await?;
        report.mailboxes += 1;
    }
    // Names the destination made (defaults, parents of inferiors) that the source lacks.
    let extra: Vec<String> = to
        .mailboxes(dst)
        .await?
        .into_iter()
        .map(|m| m.name)
        .filter(|n| !names.contains(n.as_str()))
        .collect();
    for name in extra.iter().rev() {
        to.delete_mailbox(dst, name).await?;
    }
    copy_metadata(from, to, (src, None), (dst, None)).await?;
    let subs = from.subscriptions(src).await?;
    for name in to.subscriptions(dst).await? {
        if !subs.contains(&name) {
            to.set_subscribed(dst, &name, false).await?;
        }
    }
    for name in &subs {
        to.set_subscribed(dst, name, true).await?;
    }
    report.subscriptions += subs.len();
    Ok(())
}

async fn copy_mailbox(
    from: &dyn Store,
    to: &dyn Store,
    (sa, sm): (AccountId, MailboxId),
    (da, dm): (AccountId, MailboxId),
    report: &mut CopyReport,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<()> {
    let snap = from.snapshot(sa, sm).await?;
    let uid_validity = snap.status.uid_validity;
    // Takes over the UIDVALIDITY even when there is no message to copy.
    to.restore_messages(da, dm, uid_validity, Vec::new())
        .await?;
    for chunk in snap.messages.chunks(COPY_BATCH) {
        let uids: Vec<Uid> = chunk.iter().map(|m| m.uid).collect();
        let records = from.records(sa, sm, &uids).await?;
        let mut batch = Vec::with_capacity(records.len());
        let mut bytes = 0u64;
        for r in records {
            let content = from.blob(sa, &r.blob).await?;
            bytes += content.len() as u64;
            batch.push((
                r.uid,
                r.modseq,
                NewMessage {
                    content,
                    flags: r.flags,
                    internal_date: Some(r.internal_date),
                },
            ));
        }
        let count = batch.len() as u64;
        to.restore_messages(da, dm, uid_validity, batch).await?;
        report.messages += count;
        report.bytes += bytes;
        progress(Progress::Messages { count, bytes });
    }
    // Each expunged UID keeps the mod-sequence of its expunge, so a client resyncing from
    // any older MODSEQ hears exactly the VANISHED (EARLIER) it would have heard from the
    // source (RFC 7162 §3.2.5.2).
    let highest = snap.status.highest_modseq;
    let expunged = from.expunge_log(sa, sm).await?;
    let recent = snap.status.recent as usize;
    let recent_floor = if recent >= snap.messages.len() {
        0
    } else if recent == 0 {
        snap.status.uid_next.saturating_sub(1)
    } else {
        snap.messages[snap.messages.len() - recent - 1].uid.get()
    };
    let state = MailboxRestore {
        uid_next: snap.status.uid_next,
        highest_modseq: highest,
        recent_floor,
        expunged,
    };
    to.restore_mailbox_state(da, dm, &state).await
}

/// RFC 5464 annotations of a mailbox (or, with None, the account's server entries). A
/// source without METADATA support has none to copy.
async fn copy_metadata(
    from: &dyn Store,
    to: &dyn Store,
    (sa, sm): (AccountId, Option<MailboxId>),
    (da, dm): (AccountId, Option<MailboxId>),
) -> Result<()> {
    let Ok(entries) = from.metadata(sa, sm).await else {
        return Ok(());
    };
    if !entries.is_empty() {
        to.set_metadata(
            da,
            dm,
            entries.into_iter().map(|(k, v)| (k, Some(v))).collect(),
        )
        .await?;
    }
    Ok(())
}

/// Compares every account's mailboxes in both stores.
async fn verify(from: &dyn Store, to: &dyn Store, report: &mut CopyReport) -> Result<()> {
    for account in from.accounts().await? {
        let Some(dst) = to.account(&account.name).await? else {
            report
                .problems
                .push(format!("account {} is missing", account.name));
            continue;
        };
        if dst.password_hash != account.password_hash {
            report
                .problems
                .push(format!("account {}: password hash differs", account.name));
        }
        let mut subs_a = from.subscriptions(account.id).await?;
        let mut subs_b = to.subscriptions(dst.id).await?;
        subs_a.sort();
        subs_b.sort();
        if subs_a != subs_b {
            report
                .problems
                .push(format!("account {}: subscriptions differ", account.name));
        }
        for m in from.mailboxes(account.id).await? {
            let at = format!("{}/{}", account.name, m.name);
            let Some(d) = to.mailbox(dst.id, &m.name).await? else {
                report.problems.push(format!("mailbox {at} is missing"));
                continue;
            };
            let a = from.snapshot(account.id, m.id).await?;
            let b = to.snapshot(dst.id, d.id).await?;
            let (sa, sb) = (&a.status, &b.status);
            let counters = |s: &crate::MailboxStatus| {
                (
                    s.messages,
                    s.unseen,
                    s.deleted,
                    s.size,
                    s.uid_next,
                    s.uid_validity,
                    s.highest_modseq,
                )
            };
            if counters(sa) != counters(sb) {
                report
                    .problems
                    .push(format!("mailbox {at}: status differs: {sa:?} / {sb:?}"));
            }
            let key = |m: &MessageMeta| (m.uid, m.modseq, m.flags.bits, lower(&m.flags.keywords));
            if a.messages.iter().map(key).ne(b.messages.iter().map(key)) {
                report
                    .problems
                    .push(format!("mailbox {at}: messages differ"));
            }
            if m.special_use != d.special_use {
                report
                    .problems
                    .push(format!("mailbox {at}: special use differs"));
            }
            report.verified_mailboxes += 1;
            report.verified_messages += a.messages.len() as u64;
        }
    }
    Ok(())
}

fn lower(keywords: &[String]) -> Vec<String> {
    let mut v: Vec<String> = keywords.iter().map(|k| k.to_ascii_lowercase()).collect();
    v.sort();
    v
}
