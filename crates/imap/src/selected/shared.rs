//! Issue 6: SELECT of a huge mailbox "once warm", and many sessions on one mailbox. Every
//! SELECT used to read the whole mailbox (uid, modseq, flags per message) from the store
//! and every session held its own copy; Dovecot answers from an index it keeps in memory.
//! Here the last view built for a mailbox is kept (the same chunked 16-byte entries a
//! session holds, entries.rs) with the HIGHESTMODSEQ it reflects, and the next SELECT starts
//! from its chunks (shared, not copied) and applies only `Store::delta(since)` — the
//! messages changed, added or expunged since (RFC 7162 §3.1: every change raises the
//! mod-sequence, and the store keeps the expunge log), so the result is exactly what a full
//! snapshot would give. Sessions whose sync brings them past the kept view replace it
//! (`replace`), so the base follows the mailbox and sessions keep sharing.
//!
//! Keyed by the store instance (a `Weak` is kept, so its address cannot be reused while the
//! entry lives), the account, the mailbox id and its UIDVALIDITY (a recreated mailbox never
//! matches). Views of every non-empty mailbox are kept, at most `MAX_TOTAL_ENTRIES` messages
//! and `MAX_VIEWS` mailboxes in all (least recently used dropped first); a kept view costs
//! nothing beyond the sessions' own while any session shares its chunks.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Instant;

use loft_store::{AccountId, MailboxDelta, MailboxId, ModSeq, Store, StoreError};

use super::entries::Entries;
use super::{Entry, KeywordSets, SYSTEM_FLAGS, intern};

/// Smaller mailboxes are not kept. With shared chunks a kept view is cheap, and even a
/// small mailbox saves its full read on the next SELECT and its copy per session.
pub(super) const MIN_MESSAGES: usize = 1;
/// 16 bytes each: 64 MiB at most for the whole process (less while sessions share them).
const MAX_TOTAL_ENTRIES: usize = 4_000_000;
/// Kept mailboxes at most (each costs a few hundred bytes besides its entries).
const MAX_VIEWS: usize = 100_000;

/// A mailbox's view as of `highest_modseq`, without per-session state (\Recent lives in
/// each session's claims; no entry is marked expunged).
pub(super) struct BaseView {
    pub highest_modseq: ModSeq,
    pub uid_next: u32,
    pub entries: Entries,
    pub keyword_sets: Arc<KeywordSets>,
}

/// What `get` returns: the view, and the highest UID a session of this process claimed
/// \Recent for (RFC 3501 §2.3.2; the store's recent floor is at least this).
pub(super) struct Kept {
    pub view: Arc<BaseView>,
    pub claimed_up_to: u32,
}

struct Slot {
    store: Weak<dyn Store>,
    uid_validity: u32,
    view: Arc<BaseView>,
    claimed_up_to: u32,
    last_used: Instant,
}

type Key = (usize, AccountId, MailboxId);

#[derive(Default)]
struct Views {
    map: HashMap<Key, Slot>,
    total_entries: usize,
}

static VIEWS: Mutex<Option<Views>> = Mutex::new(None);

fn key(store: &dyn Store, account: AccountId, mailbox: MailboxId) -> Key {
    (
        store as *const dyn Store as *const () as usize,
        account,
        mailbox,
    )
}

fn lock() -> std::sync::MutexGuard<'static, Option<Views>> {
    // A poisoned lock only means another session panicked mid-update of a cache: go on.
    VIEWS.lock().unwrap_or_else(|p| p.into_inner())
}

impl Slot {
    /// Whether the slot was made for this store: same address, and that store still alive
    /// (so the address was not reused) — and for this UIDVALIDITY.
    fn is_for(&self, store: &dyn Store, uid_validity: u32) -> bool {
        std::ptr::addr_eq(self.store.as_ptr(), store as *const dyn Store)
            && self.store.strong_count() > 0
            && self.uid_validity == uid_validity
    }
}

/// The kept view of `mailbox`, if any and still valid for this store and UIDVALIDITY.
pub(super) fn get(
    store: &dyn Store,
    account: AccountId,
    mailbox: MailboxId,
    uid_validity: u32,
) -> Option<Kept> {
    let mut guard = lock();
    let views = guard.as_mut()?;
    let k = key(store, account, mailbox);
    let slot = views.map.get_mut(&k)?;
    if !slot.is_for(store, uid_validity) {
        if let Some(s) = views.map.remove(&k) {
            views.total_entries -= s.view.entries.len();
        }
        return None;
    }
    slot.last_used = Instant::now();
    Some(Kept {
        view: slot.view.clone(),
        claimed_up_to: slot.claimed_up_to,
    })
}

/// Record that a session of this process claimed \Recent up to `claimed_up_to`.
pub(super) fn note_claim(
    store: &dyn Store,
    account: AccountId,
    mailbox: MailboxId,
    uid_validity: u32,
    claimed_up_to: u32,
) {
    let mut guard = lock();
    if let Some(slot) = guard
        .as_mut()
        .and_then(|v| v.map.get_mut(&key(store, account, mailbox)))
        .filter(|s| s.is_for(store, uid_validity))
    {
        slot.claimed_up_to = slot.claimed_up_to.max(claimed_up_to);
    }
}

/// Keep `entries` (a view with no entry marked expunged) as the base of `mailbox` at
/// `highest_modseq`, unless a newer one is kept; `claimed_up_to` raises the slot's.
#[allow(clippy::too_many_arguments)]
pub(super) fn put(
    store: &Arc<dyn Store>,
    account: AccountId,
    mailbox: MailboxId,
    uid_validity: u32,
    highest_modseq: ModSeq,
    uid_next: u32,
    entries: &Entries,
    keyword_sets: &Arc<KeywordSets>,
    claimed_up_to: u32,
) {
    if entries.len() < MIN_MESSAGES || entries.len() > MAX_TOTAL_ENTRIES {
        return;
    }
    store_view(
        store.as_ref(),
        Some(store),
        account,
        mailbox,
        uid_validity,
        highest_modseq,
        uid_next,
        entries,
        keyword_sets,
        claimed_up_to,
    );
}

/// `put` for a session's sync, which has no `Arc` of the store: only replaces a view
/// already kept for this store.
#[allow(clippy::too_many_arguments)]
pub(super) fn replace(
    store: &dyn Store,
    account: AccountId,
    mailbox: MailboxId,
    uid_validity: u32,
    highest_modseq: ModSeq,
    uid_next: u32,
    entries: &Entries,
    keyword_sets: &Arc<KeywordSets>,
) {
    if entries.len() > MAX_TOTAL_ENTRIES {
        return;
    }
    store_view(
        store,
        None,
        account,
        mailbox,
        uid_validity,
        highest_modseq,
        uid_next,
        entries,
        keyword_sets,
        0,
    );
}

#[allow(clippy::too_many_arguments)]
fn store_view(
    store: &dyn Store,
    arc: Option<&Arc<dyn Store>>,
    account: AccountId,
    mailbox: MailboxId,
    uid_validity: u32,
    highest_modseq: ModSeq,
    uid_next: u32,
    entries: &Entries,
    keyword_sets: &Arc<KeywordSets>,
    claimed_up_to: u32,
) {
    let view = Arc::new(BaseView {
        highest_modseq,
        uid_next,
        entries: entries.clone(),
        keyword_sets: keyword_sets.clone(),
    });
    let mut guard = lock();
    let views = guard.get_or_insert_with(Views::default);
    let k = key(store, account, mailbox);
    let old = views.map.remove(&k);
    if let Some(s) = &old {
        views.total_entries -= s.view.entries.len();
    }
    let old = old.filter(|s| s.is_for(store, uid_validity));
    let weak = match (&old, arc) {
        (_, Some(a)) => Arc::downgrade(a),
        (Some(s), None) => s.store.clone(),
        (None, None) => return,
    };
    let mut slot = Slot {
        store: weak,
        uid_validity,
        view,
        claimed_up_to,
        last_used: Instant::now(),
    };
    if let Some(old) = old {
        slot.claimed_up_to = slot.claimed_up_to.max(old.claimed_up_to);
        if old.view.highest_modseq > highest_modseq {
            slot.view = old.view;
        }
    }
    views.total_entries += slot.view.entries.len();
    views.map.insert(k, slot);
    if views.total_entries > MAX_TOTAL_ENTRIES || views.map.len() > MAX_VIEWS {
        evict(views);
    }
}

/// Drop views of dropped stores, then the least recently used, down to 7/8 of each budget
/// (in one pass, so a cache at its limit does not scan the map on every SELECT).
fn evict(views: &mut Views) {
    views.map.retain(|_, s| s.store.strong_count() > 0);
    let mut by_age: Vec<(Instant, Key, usize)> = (views.map.iter())
        .map(|(k, s)| (s.last_used, *k, s.view.entries.len()))
        .collect();
    by_age.sort_unstable_by_key(|(t, _, _)| *t);
    let mut total: usize = by_age.iter().map(|(_, _, n)| n).sum();
    let mut count = by_age.len();
    for (_, k, n) in by_age {
        if total <= MAX_TOTAL_ENTRIES / 8 * 7 && count <= MAX_VIEWS / 8 * 7 {
            break;
        }
        views.map.remove(&k);
        total -= n;
        count -= 1;
    }
    views.total_entries = total;
}

/// The base brought forward by `delta`: (entries, keyword sets, UIDNEXT), sharing every
/// chunk the delta does not touch. `delta` is what changed after `base.highest_modseq`,
/// read in one transaction.
pub(super) fn apply(
    base: &BaseView,
    delta: &MailboxDelta,
) -> Result<(Entries, Arc<KeywordSets>, u32), StoreError> {
    let mut entries = base.entries.clone();
    let mut keyword_sets = base.keyword_sets.clone();
    let mut uid_next = base.uid_next;
    if !delta.expunged.is_empty() {
        // Both ascending by UID: one merge pass.
        let mut gone = delta.expunged.iter().map(|u| u.get()).peekable();
        entries.retain(|e| {
            while gone.next_if(|&g| g < e.uid).is_some() {}
            gone.peek() != Some(&e.uid)
        });
        if let Some(last) = delta.expunged.iter().map(|u| u.get()).max() {
            uid_next = uid_next.max(last.saturating_add(1));
        }
    }
    for m in &delta.changed {
        let set = intern(&mut keyword_sets, &m.flags.keywords)?;
        let uid = m.uid.get();
        let mut e = Entry {
            modseq: m.modseq.0,
            uid,
            packed: 0,
        };
        e.set(m.flags.bits & SYSTEM_FLAGS, set);
        match entries.last() {
            Some(last) if last.uid >= uid => match entries.binary_search_uid(uid) {
                Ok(i) => {
                    if let Some(slot) = entries.get_mut(i) {
                        *slot = e;
                    }
                }
                Err(i) => entries.insert(i, e),
            },
            _ => entries.push(e),
        }
    }
    if let Some(last) = entries.last() {
        uid_next = uid_next.max(last.uid.saturating_add(1));
    }
    Ok((entries, keyword_sets, uid_next))
}
