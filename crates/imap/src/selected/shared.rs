//! Issue 6: SELECT of a huge mailbox "once warm". Every SELECT used to read the whole
//! mailbox (uid, modseq, flags per message) from the store; Dovecot answers from an index it
//! keeps in memory. Here the last view built for a mailbox is kept (the same compact
//! 16-byte entries a session holds) with the HIGHESTMODSEQ it reflects, and the next SELECT
//! copies it and applies only `Store::delta(since)` — the messages changed, added or
//! expunged since (RFC 7162 §3.1: every change raises the mod-sequence, and the store keeps
//! the expunge log), so the result is exactly what a full snapshot would give.
//!
//! Keyed by the store instance (a `Weak` is kept, so its address cannot be reused while the
//! entry lives), the mailbox id and its UIDVALIDITY (a recreated mailbox never matches).
//! Only mailboxes of at least `MIN_MESSAGES` messages are kept (small ones read fast), and
//! at most `MAX_TOTAL_ENTRIES` messages in all (least recently used dropped first).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Instant;

use loft_store::{MailboxDelta, MailboxId, ModSeq, Store, StoreError};

use super::{BIT_EXPUNGED, BIT_RECENT, Entry, KeywordSets, SYSTEM_FLAGS};

/// Smaller mailboxes are read from the store on every SELECT.
pub(super) const MIN_MESSAGES: usize = 1_000;
/// 16 bytes each: 64 MiB at most for the whole process.
const MAX_TOTAL_ENTRIES: usize = 4_000_000;

/// A mailbox's view as of `highest_modseq`, without per-session bits (\Recent, expunged).
pub(super) struct BaseView {
    store: Weak<dyn Store>,
    pub uid_validity: u32,
    pub highest_modseq: ModSeq,
    pub uid_next: u32,
    pub entries: Vec<Entry>,
    pub keyword_sets: KeywordSets,
}

struct Slot {
    view: Arc<BaseView>,
    last_used: Instant,
}

type Key = (usize, MailboxId);

static VIEWS: Mutex<Option<HashMap<Key, Slot>>> = Mutex::new(None);

fn key(store: &Arc<dyn Store>, mailbox: MailboxId) -> Key {
    (Arc::as_ptr(store) as *const () as usize, mailbox)
}

/// The kept view of `mailbox`, if any and still valid for this store and UIDVALIDITY.
pub(super) fn get(
    store: &Arc<dyn Store>,
    mailbox: MailboxId,
    uid_validity: u32,
) -> Option<Arc<BaseView>> {
    // A poisoned lock only means another session panicked mid-update of a cache: start over.
    let mut guard = VIEWS.lock().unwrap_or_else(|p| p.into_inner());
    let map = guard.as_mut()?;
    let k = key(store, mailbox);
    let slot = map.get_mut(&k)?;
    let same_store = Weak::ptr_eq(&slot.view.store, &Arc::downgrade(store));
    if !same_store || slot.view.uid_validity != uid_validity {
        map.remove(&k);
        return None;
    }
    slot.last_used = Instant::now();
    Some(slot.view.clone())
}

/// Keep `entries` (a session's view; its per-session bits are cleared here) as the base of
/// `mailbox` at `highest_modseq`.
pub(super) fn put(
    store: &Arc<dyn Store>,
    mailbox: MailboxId,
    uid_validity: u32,
    highest_modseq: ModSeq,
    uid_next: u32,
    entries: &[Entry],
    keyword_sets: &KeywordSets,
) {
    if entries.len() < MIN_MESSAGES || entries.len() > MAX_TOTAL_ENTRIES {
        return;
    }
    let mut base: Vec<Entry> = entries
        .iter()
        .filter(|e| e.bits() & BIT_EXPUNGED == 0)
        .copied()
        .collect();
    for e in &mut base {
        e.set(e.bits() & SYSTEM_FLAGS, e.keyword_set());
    }
    let view = Arc::new(BaseView {
        store: Arc::downgrade(store),
        uid_validity,
        highest_modseq,
        uid_next,
        entries: base,
        keyword_sets: keyword_sets.clone(),
    });
    let mut guard = VIEWS.lock().unwrap_or_else(|p| p.into_inner());
    let map = guard.get_or_insert_with(HashMap::new);
    let k = key(store, mailbox);
    if map
        .get(&k)
        .is_some_and(|s| s.view.highest_modseq > highest_modseq)
    {
        return;
    }
    map.insert(
        k,
        Slot {
            view,
            last_used: Instant::now(),
        },
    );
    // Entries of dropped stores first, then the least recently used, until within budget.
    map.retain(|_, s| s.view.store.strong_count() > 0);
    let mut total: usize = map.values().map(|s| s.view.entries.len()).sum();
    while total > MAX_TOTAL_ENTRIES {
        let Some(oldest) = map.iter().min_by_key(|(_, s)| s.last_used).map(|(k, _)| *k) else {
            break;
        };
        if let Some(s) = map.remove(&oldest) {
            total -= s.view.entries.len();
        }
    }
}

/// The base brought forward by `delta`: (entries, keyword sets, UIDNEXT), per-session bits
/// clear. `delta` is what changed after `base.highest_modseq`, read in one transaction.
pub(super) fn apply(
    base: &BaseView,
    delta: &MailboxDelta,
) -> Result<(Vec<Entry>, KeywordSets, u32), StoreError> {
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
        let set = keyword_sets.intern(&m.flags.keywords)?;
        let uid = m.uid.get();
        let mut e = Entry {
            modseq: m.modseq.0,
            uid,
            packed: 0,
        };
        e.set(m.flags.bits & SYSTEM_FLAGS, set);
        match entries.last() {
            Some(last) if last.uid >= uid => match entries.binary_search_by_key(&uid, |x| x.uid) {
                Ok(i) => entries[i] = e,
                Err(i) => entries.insert(i, e),
            },
            _ => entries.push(e),
        }
    }
    if let Some(last) = entries.last() {
        uid_next = uid_next.max(last.uid.saturating_add(1));
    }
    debug_assert!(
        entries
            .iter()
            .all(|e| e.bits() & (BIT_RECENT | BIT_EXPUNGED) == 0)
    );
    Ok((entries, keyword_sets, uid_next))
}
