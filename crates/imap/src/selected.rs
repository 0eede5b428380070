//! The selected-mailbox view: the session's own copy of sequence numbers -> UID, flags,
//! modseq and \Recent, brought up to date from the store's deltas only when the protocol
//! allows (RFC 9051 §7.5.1: no EXPUNGE during FETCH, STORE, SEARCH).
//!
//! Memory: one 16-byte `Entry` per message (UID, modseq, system flags, an index into a
//! table of distinct keyword sets), kept in chunks shared by `Arc` with every other session
//! on the mailbox and with the kept base view (entries.rs, shared.rs): a session pays for
//! the chunks it changed, not for the mailbox. \Recent is not in the entries but in the
//! UID ranges this session claimed, so claiming it copies nothing.
//! Sequence number `n` is `entries[n - 1]`; an expunge learned while the client may not be
//! told (`allow_expunge == false`) only marks its entry, so the client's numbering stays.

mod entries;
pub mod search_eval;
pub mod sets;
mod shared;
pub mod sort_keys;
pub mod threading;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use loft_proto_imap::{Code, Flag, Numbering, ResponseWriter, SequenceSet, Status};
use loft_store::{
    AccountId, Change, Flags, Mailbox, MailboxDelta, MailboxSnapshot, MessageMeta, ModSeq, Store,
    StoreError, Uid,
};
use tokio::sync::broadcast;

use crate::cmd::CmdError;
use crate::session::Enabled;
use entries::Entries;

pub struct Selected {
    pub mailbox: Mailbox,
    pub is_read_only: bool,
    entries: Entries,
    /// Shared with the kept base view and other sessions until one interns a new set.
    keyword_sets: Arc<KeywordSets>,
    /// The modseq up to which the view reflects the store (`delta(since)` starts here).
    highest_modseq: ModSeq,
    /// The mailbox's UIDNEXT as last known (`*` in a UID set of an empty mailbox).
    uid_next: u32,
    /// Keywords announced in the last FLAGS response.
    keywords: Vec<String>,
    /// Messages with \Recent for this session (RFC 3501 §2.3.2).
    recent_count: u32,
    /// UID ranges `(low, high]` this session claimed with `Store::claim_recent`: exactly
    /// the messages that are \Recent for this session. (EXAMINE claims nothing; its one
    /// range starts below the last `status.recent` messages and has no upper end, RFC 3501
    /// §6.3.2.) A message's membership never changes: later claims start above every UID
    /// claimed before (the store's recent floor only grows).
    recent_claims: Vec<(u32, u32)>,
    /// Entries marked expunged and not yet announced.
    pending_expunges: u32,
    /// The view's HIGHESTMODSEQ when the oldest still-unannounced expunge was learned: the
    /// highest value a client may be told while expunges wait (RFC 7162 §3.2, last
    /// paragraph before §3.2.1). None when no expunge is pending.
    expunge_floor: Option<ModSeq>,
    /// RFC 5182 SEARCHRES `$`: UIDs, ascending. Expunged UIDs drop out as they are learned.
    saved_search: Vec<u32>,
    /// Built by `open` from a delta or snapshot read just now: the sync that follows the
    /// SELECT command has nothing to learn and is skipped (one store round trip less).
    is_fresh: bool,
    /// RFC 5267 §4.3 searches with UPDATE; they end with the selection.
    pub(crate) contexts: crate::context_update::UpdateContexts,
    /// This process's change feed, subscribed before the view was read (`open`); None for
    /// a view built otherwise, which then asks the store after every command.
    feed: Option<broadcast::Receiver<Change>>,
    /// When the view last asked the store for a delta.
    last_delta: Instant,
}

/// A sync asks the store again at least this often even when this process's change feed
/// announced nothing: changes made by another process on the same data directory (the CLI)
/// or by a node whose notifications were lost are not on the feed. IDLE polls at the same
/// pace (`idle_poll_millis`).
const QUIET_SYNC_MAX_AGE: Duration = Duration::from_secs(1);

/// One message of the view as a command sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageView {
    /// 1-based sequence number.
    pub seq: u32,
    pub uid: Uid,
    pub modseq: ModSeq,
    pub flags: Flags,
    pub is_recent: bool,
    /// Expunged by another session, not yet announced (RFC 2180 §4.1).
    pub is_expunged: bool,
}

/// One message of the view, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct EntryRef<'a> {
    pub uid: u32,
    /// System flag bits (`Flags::SEEN`...).
    pub bits: u8,
    pub keywords: &'a [String],
    pub is_recent: bool,
    pub is_expunged: bool,
    pub modseq: u64,
}

impl Selected {
    /// Build the view from a snapshot (SELECT/EXAMINE). `recent`: the UID range `(low, high]`
    /// this session claimed (read-write), or None for EXAMINE, where the last
    /// `snapshot.status.recent` messages are shown as \Recent without claiming them (RFC 3501
    /// §6.3.2: EXAMINE must not make messages lose \Recent).
    pub fn from_snapshot(
        snapshot: MailboxSnapshot,
        is_read_only: bool,
        recent: Option<(u32, u32)>,
    ) -> Result<Selected, StoreError> {
        let MailboxSnapshot {
            mailbox,
            status,
            messages,
            keywords,
        } = snapshot;
        let claim = recent.unwrap_or_else(|| {
            // The last `status.recent` messages, and every message learned later.
            let floor = messages.len().saturating_sub(status.recent as usize);
            let low = floor
                .checked_sub(1)
                .and_then(|i| messages.get(i))
                .map_or(0, |m| m.uid.get());
            (low, u32::MAX)
        });
        let mut sel = Selected::new(
            mailbox,
            is_read_only,
            status.highest_modseq,
            status.uid_next,
            keywords,
            claim,
        );
        for m in &messages {
            sel.push(m)?;
        }
        if let Some(last) = sel.entries.last() {
            sel.uid_next = sel.uid_next.max(last.uid.saturating_add(1));
        }
        Ok(sel)
    }

    /// Build the view for SELECT (claiming \Recent) or EXAMINE. A mailbox selected before
    /// is built from the kept base view plus the store's delta since (shared.rs: no full
    /// read of the mailbox, and the entries are shared, not copied); otherwise from a full
    /// snapshot, which is then kept.
    pub async fn open(
        store: &Arc<dyn Store>,
        account: AccountId,
        mailbox: Mailbox,
        is_read_only: bool,
    ) -> Result<Selected, StoreError> {
        let uid_validity = mailbox.uid_validity.get();
        // Before anything is read, so no change between the read and the subscription is
        // missed (see `feed_is_quiet`).
        let feed = store.subscribe();
        // EXAMINE shows the last `status.recent` messages as \Recent (RFC 3501 §6.3.2), a
        // count only the snapshot has: it always takes the full path.
        if !is_read_only
            && let Some(kept) = shared::get(store.as_ref(), account, mailbox.id, uid_validity)
        {
            let base = &kept.view;
            let delta = store
                .delta(account, mailbox.id, base.highest_modseq)
                .await?;
            let (entries, keyword_sets, uid_next) = shared::apply(base, &delta)?;
            let highest_modseq = base.highest_modseq.max(delta.highest_modseq);
            // RFC 3501 §2.3.2: \Recent goes to the one session that claims a message first.
            // When a session of this process already claimed every UID in the view, the
            // store's recent floor (which only grows) is at or above them and a claim would
            // return an empty range: skip that write. A message that arrives later is
            // above this session's claims, so the next sync claims it.
            let last_uid = entries.last().map_or(0, |e| e.uid);
            let recent = if last_uid <= kept.claimed_up_to {
                (kept.claimed_up_to, kept.claimed_up_to)
            } else {
                store.claim_recent(account, mailbox.id).await?
            };
            if highest_modseq != base.highest_modseq {
                shared::put(
                    store,
                    account,
                    mailbox.id,
                    uid_validity,
                    highest_modseq,
                    uid_next,
                    &entries,
                    &keyword_sets,
                    recent.1,
                );
            } else if recent.1 > kept.claimed_up_to {
                shared::note_claim(store.as_ref(), account, mailbox.id, uid_validity, recent.1);
            }
            let mut sel = Selected::new(
                mailbox,
                is_read_only,
                highest_modseq,
                uid_next,
                delta.keywords,
                recent,
            );
            // Claimed UIDs are a range: two binary searches count them.
            sel.recent_count = (entries.partition_point(|e| e.uid <= recent.1)
                - entries.partition_point(|e| e.uid <= recent.0))
                as u32;
            sel.entries = entries;
            sel.keyword_sets = keyword_sets;
            sel.feed = Some(feed);
            return Ok(sel);
        }
        let snapshot = store.snapshot(account, mailbox.id).await?;
        // RFC 3501 §6.3.2: EXAMINE must not take \Recent away from anyone; SELECT claims it.
        let recent = if is_read_only {
            None
        } else {
            Some(store.claim_recent(account, mailbox.id).await?)
        };
        let mut sel = Selected::from_snapshot(snapshot, is_read_only, recent)?;
        sel.feed = Some(feed);
        shared::put(
            store,
            account,
            sel.mailbox.id,
            uid_validity,
            sel.highest_modseq,
            sel.uid_next,
            &sel.entries,
            &sel.keyword_sets,
            recent.map_or(0, |r| r.1),
        );
        Ok(sel)
    }

    /// Bring the view up to date with the store and write the untagged responses for what
    /// changed (EXISTS, RECENT for rev1, FETCH FLAGS, EXPUNGE or VANISHED, FLAGS for new
    /// keywords). With `allow_expunge == false` expunges are remembered and announced later.
    /// Called by the session after every command and during IDLE.
    pub async fn sync(
        &mut self,
        store: &dyn Store,
        account: AccountId,
        out: &mut ResponseWriter,
        enabled: &Enabled,
        allow_expunge: bool,
    ) -> Result<(), StoreError> {
        if std::mem::take(&mut self.is_fresh) {
            return Ok(());
        }
        // Nothing announced for this mailbox since the last delta, which is recent: the
        // store would answer "no change" (one thread hop saved on most commands). Expunges
        // learned earlier and not yet announced still go out below.
        let delta = if self.feed_is_quiet(account) {
            MailboxDelta {
                highest_modseq: self.highest_modseq,
                changed: Vec::new(),
                expunged: Vec::new(),
                keywords: Vec::new(),
            }
        } else {
            self.last_delta = Instant::now();
            store
                .delta(account, self.mailbox.id, self.highest_modseq)
                .await?
        };
        // New keywords first, so the FETCH responses below only use announced flags.
        if self.learn_keywords(&delta.keywords) {
            self.write_flags(out);
        }
        let new = self.apply_delta(&delta.changed, &delta.expunged, out, enabled);
        if allow_expunge {
            self.announce_expunges(out, enabled);
        }
        if !new.is_empty() {
            // Claim \Recent for messages above what this session already claimed
            // (RFC 3501 §2.3.2: exactly one session sees a message as recent).
            let claimed_up_to = self.recent_claims.iter().map(|r| r.1).max().unwrap_or(0);
            let needs_claim = new.iter().any(|m| m.uid.get() > claimed_up_to);
            if needs_claim && !self.is_read_only {
                let range = store.claim_recent(account, self.mailbox.id).await?;
                self.add_claim(range);
            }
            for m in &new {
                self.push(m)?;
            }
            if let Some(last) = self.entries.last() {
                self.uid_next = self.uid_next.max(last.uid.saturating_add(1));
            }
            write_exists(out, self.exists());
            if !enabled.imap4rev2 {
                write_recent(out, self.recent_count);
            }
        }
        self.highest_modseq = self.highest_modseq.max(delta.highest_modseq);
        if !delta.changed.is_empty() || !delta.expunged.is_empty() {
            self.share_with_kept(store, account);
        }
        // RFC 7162 §3.2: MODSEQ values were sent while expunges (with higher mod-sequences)
        // wait; a HIGHESTMODSEQ below those expunges keeps a client that resyncs from the
        // largest MODSEQ it saw from skipping them.
        if enabled.condstore
            && let Some(floor) = self.expunge_floor
        {
            out.untagged_status(
                Status::Ok,
                Some(&Code::HighestModSeq(floor.0)),
                "Expunges pending",
            );
        }
        Ok(())
    }

    // --- what commands read ---

    /// The number of messages the client knows (EXISTS), including unannounced expunges.
    pub fn exists(&self) -> u32 {
        self.entries.len() as u32
    }
    pub fn recent_count(&self) -> u32 {
        self.recent_count
    }
    pub fn uid_next(&self) -> u32 {
        self.uid_next
    }
    pub fn highest_modseq(&self) -> ModSeq {
        self.highest_modseq
    }
    /// The HIGHESTMODSEQ a client may be told now: the view's, or lower while expunges
    /// are still unannounced (RFC 7162 §3.2).
    pub fn reportable_modseq(&self) -> ModSeq {
        self.expunge_floor.unwrap_or(self.highest_modseq)
    }
    /// Whether a UID is in the view (announced to the client, expunged-but-unannounced
    /// included).
    pub fn contains_uid(&self, uid: u32) -> bool {
        self.entries.binary_search_uid(uid).is_ok()
    }
    /// Keywords of the mailbox (the FLAGS response).
    pub fn keywords(&self) -> &[String] {
        &self.keywords
    }
    pub fn has_pending_expunges(&self) -> bool {
        self.pending_expunges > 0
    }

    /// The message at 0-based position `index` (sequence number `index + 1`).
    pub fn message(&self, index: u32) -> Option<MessageView> {
        let e = self.entries.get(index as usize)?;
        Uid::new(e.uid).map(|uid| MessageView {
            seq: index + 1,
            uid,
            modseq: ModSeq(e.modseq),
            flags: Flags {
                bits: e.bits() & SYSTEM_FLAGS,
                keywords: self.keyword_sets.get(e.keyword_set()).to_vec(),
            },
            is_recent: self.is_claimed_recent(e.uid),
            is_expunged: e.bits() & BIT_EXPUNGED != 0,
        })
    }

    /// Sequence number of the first message without \Seen (RFC 3501 §7.1 [UNSEEN]).
    pub fn first_unseen(&self) -> Option<u32> {
        self.entries
            .iter()
            .position(|e| e.bits() & Flags::SEEN == 0)
            .map(|i| i as u32 + 1)
    }

    /// UID of the message at 0-based `index`.
    pub fn uid_at(&self, index: u32) -> Option<Uid> {
        self.entries
            .get(index as usize)
            .and_then(|e| Uid::new(e.uid))
    }

    /// 0-based position of a UID in the view; always `< entries.len()`, so the callers
    /// below index `entries` with it directly.
    pub fn index_of(&self, uid: Uid) -> Option<u32> {
        self.entries
            .binary_search_uid(uid.get())
            .ok()
            .map(|i| i as u32)
    }

    /// Borrowed per-message data without allocating (SEARCH over the whole view).
    pub fn entry(&self, index: u32) -> Option<EntryRef<'_>> {
        let e = self.entries.get(index as usize)?;
        Some(EntryRef {
            uid: e.uid,
            bits: e.bits() & SYSTEM_FLAGS,
            keywords: self.keyword_sets.get(e.keyword_set()),
            is_recent: self.is_claimed_recent(e.uid),
            is_expunged: e.bits() & BIT_EXPUNGED != 0,
            modseq: e.modseq,
        })
    }

    /// Resolve a sequence set to ascending, distinct 0-based positions in the view.
    ///
    /// RFC 9051 §9 seq-number: a sequence number above the number of messages (including
    /// `*` in an empty mailbox) gets BAD. UIDs that do not exist are skipped, and `*` is the
    /// last UID (UIDNEXT when empty), so `UID FETCH 559:*` includes the last message.
    /// `$` (RFC 5182) is the saved search result; an empty one resolves to nothing.
    pub fn resolve(&self, set: &SequenceSet, numbering: Numbering) -> Result<Vec<u32>, CmdError> {
        let ranges = match set {
            SequenceSet::Saved => {
                return Ok(self
                    .saved_search
                    .iter()
                    .filter_map(|&u| Uid::new(u).and_then(|u| self.index_of(u)))
                    .collect());
            }
            SequenceSet::Ranges(r) => r,
        };
        match numbering {
            Numbering::Seq => {
                let ranges = sets::resolve_seq_ranges(ranges, self.exists())
                    .ok_or_else(|| CmdError::bad("Invalid message sequence number"))?;
                Ok(sets::expand(&ranges).map(|n| n - 1).collect())
            }
            Numbering::Uid => {
                let largest = self.entries.last().map(|e| e.uid).unwrap_or(self.uid_next);
                let ranges = sets::normalize(ranges.iter().map(|r| r.resolve(largest)).collect());
                let mut out = Vec::new();
                for (low, high) in ranges {
                    let start = self.entries.partition_point(|e| e.uid < low);
                    let end = self.entries.partition_point(|e| e.uid <= high);
                    out.extend((start..end).map(|i| i as u32));
                }
                Ok(out)
            }
        }
    }

    /// A UID set as normalized ranges with `*` meaning "no upper bound", for naming UIDs
    /// that are no longer in the view (VANISHED (EARLIER), RFC 7162 §3.2.5.1, §3.2.6).
    pub fn uid_ranges_unbounded(&self, set: &SequenceSet) -> Vec<(u32, u32)> {
        match set {
            SequenceSet::Saved => {
                sets::normalize(self.saved_search.iter().map(|&u| (u, u)).collect())
            }
            SequenceSet::Ranges(r) => {
                sets::normalize(r.iter().map(|r| r.resolve(u32::MAX)).collect())
            }
        }
    }

    /// UIDs in `since`'s expunge log, inside `ranges`, that this view does not hold:
    /// the VANISHED (EARLIER) set. UIDs still in the view are left out; the client learns
    /// of them by the ordinary VANISHED when they are announced (RFC 7162 §3.2.10.2: a
    /// UID is never reported twice).
    pub async fn vanished_earlier(
        &self,
        store: &dyn Store,
        account: AccountId,
        since: ModSeq,
        ranges: &[(u32, u32)],
    ) -> Result<Vec<u32>, StoreError> {
        let gone = store.vanished(account, self.mailbox.id, since).await?;
        Ok(gone
            .into_iter()
            .map(Uid::get)
            .filter(|&u| sets::contains(ranges, u) && !self.contains_uid(u))
            .collect())
    }

    /// The saved SEARCHRES result (UIDs, ascending).
    pub fn saved_search(&self) -> &[u32] {
        &self.saved_search
    }
    /// RFC 5182 §2.1: `SEARCH RETURN (SAVE)` replaces the saved result.
    pub fn set_saved_search(&mut self, uids: Vec<u32>) {
        self.saved_search = uids;
    }

    // --- what commands change ---

    /// Record the new state of messages this session changed itself (STORE, \Seen from
    /// FETCH), so `sync` does not announce them again as changes by another session.
    pub fn update_flags(&mut self, changed: &[MessageMeta]) -> Result<(), StoreError> {
        for m in changed {
            let Some(i) = self.index_of(m.uid) else {
                continue;
            };
            let set = intern(&mut self.keyword_sets, &m.flags.keywords)?;
            let Some(&old) = self.entries.get(i as usize) else {
                continue;
            };
            let mut e = old;
            e.set(
                (old.bits() & BIT_EXPUNGED) | (m.flags.bits & SYSTEM_FLAGS),
                set,
            );
            e.modseq = old.modseq.max(m.modseq.0);
            // Only a real change copies the (possibly shared) chunk.
            if e != old
                && let Some(slot) = self.entries.get_mut(i as usize)
            {
                *slot = e;
            }
        }
        Ok(())
    }

    /// After `update_flags` with everything this session's own write changed at `modseq`
    /// (STORE): when `modseq` is the view's HIGHESTMODSEQ + 1, nothing else changed the
    /// mailbox in between (a mailbox's mod-sequences are allocated in commit order, RFC
    /// 7162 §3.1), so the view is exact up to `modseq` and the `sync` after the command
    /// need not read the changed messages back (issue 6: STORE 1:* on 10,000 messages).
    pub fn note_own_modseq(&mut self, modseq: ModSeq) {
        if self.highest_modseq.0.checked_add(1) == Some(modseq.0) {
            self.highest_modseq = modseq;
        }
    }

    /// Learn new keywords this session used (STORE); writes `* FLAGS` and PERMANENTFLAGS
    /// when the set grew (RFC 9051 §7.3.5: FLAGS is sent when the applicable flags change).
    pub fn note_keywords(&mut self, out: &mut ResponseWriter, used: &[String]) {
        if self.learn_keywords(used) {
            self.write_flags(out);
        }
    }

    /// Mark UIDs expunged (this session's EXPUNGE/MOVE, or learned from the store).
    /// RFC 5182 §2.1: they also leave the saved search result.
    pub fn mark_expunged(&mut self, uids: &[Uid]) {
        for &uid in uids {
            if let Some(i) = self.index_of(uid)
                && self
                    .entries
                    .get(i as usize)
                    .is_some_and(|e| e.bits() & BIT_EXPUNGED == 0)
                && let Some(e) = self.entries.get_mut(i as usize)
            {
                e.set(e.bits() | BIT_EXPUNGED, e.keyword_set());
                self.pending_expunges += 1;
                self.expunge_floor.get_or_insert(self.highest_modseq);
            }
        }
        if !self.saved_search.is_empty() && !uids.is_empty() {
            let mut gone: Vec<u32> = uids.iter().map(|u| u.get()).collect();
            gone.sort_unstable();
            self.saved_search.retain(|u| gone.binary_search(u).is_err());
        }
    }

    /// Write `* n EXPUNGE` for every entry marked expunged and drop them from the view.
    /// Descending sequence order, so each number is still valid when the client reads it
    /// (RFC 9051 §7.5.1: each EXPUNGE decrements the numbers above it). Once QRESYNC is
    /// enabled one `* VANISHED uids` replaces them (RFC 7162 §3.2.10.2).
    pub fn announce_expunges(&mut self, out: &mut ResponseWriter, enabled: &Enabled) {
        if self.pending_expunges == 0 {
            return;
        }
        // RFC 5267 §4.3.4: REMOVEFROM in message numbers is sent before the EXPUNGE.
        if !self.contexts.is_empty() {
            let mut contexts = std::mem::take(&mut self.contexts);
            contexts.before_expunge(self, out);
            self.contexts = contexts;
        }
        // RFC 9586 §3: UIDONLY reports expunges with VANISHED too.
        if enabled.qresync || enabled.uidonly {
            let uids: Vec<u32> = self
                .entries
                .iter()
                .filter(|e| e.bits() & BIT_EXPUNGED != 0)
                .map(|e| e.uid)
                .collect();
            out.raw(format!("* VANISHED {}\r\n", sets::render_set(&uids)).as_bytes());
        } else {
            let seqs: Vec<usize> = (self.entries.iter().enumerate())
                .filter(|(_, e)| e.bits() & BIT_EXPUNGED != 0)
                .map(|(i, _)| i + 1)
                .collect();
            for seq in seqs.iter().rev() {
                out.raw(format!("* {seq} EXPUNGE\r\n").as_bytes());
            }
        }
        let mut recent_gone = 0;
        let claims = &self.recent_claims;
        self.entries.retain(|e| {
            let gone = e.bits() & BIT_EXPUNGED != 0;
            if gone && is_in_claims(claims, e.uid) {
                recent_gone += 1;
            }
            !gone
        });
        self.recent_count = self.recent_count.saturating_sub(recent_gone);
        self.pending_expunges = 0;
        self.expunge_floor = None;
    }

    /// `* FLAGS (...)` and `* OK [PERMANENTFLAGS (...)]` for the current keyword set
    /// (RFC 9051 §6.3.2). PERMANENTFLAGS is empty on a read-only mailbox (EXAMINE).
    pub fn write_flags(&self, out: &mut ResponseWriter) {
        let mut flags = vec![
            Flag::Answered,
            Flag::Flagged,
            Flag::Deleted,
            Flag::Seen,
            Flag::Draft,
        ];
        flags.extend(self.keywords.iter().map(|k| Flag::Keyword(k.clone())));
        out.raw(b"* FLAGS ");
        out.flag_list(&flags, false);
        out.raw(b"\r\n");
        if self.is_read_only {
            out.untagged_status(
                Status::Ok,
                Some(&Code::PermanentFlags(Vec::new(), false)),
                "No permanent flags permitted",
            );
        } else {
            out.untagged_status(
                Status::Ok,
                Some(&Code::PermanentFlags(flags, true)),
                "Flags permitted",
            );
        }
    }

    // --- internals ---

    fn new(
        mailbox: Mailbox,
        is_read_only: bool,
        highest_modseq: ModSeq,
        uid_next: u32,
        keywords: Vec<String>,
        claim: (u32, u32),
    ) -> Selected {
        Selected {
            mailbox,
            is_read_only,
            entries: Entries::default(),
            keyword_sets: Arc::default(),
            highest_modseq,
            uid_next,
            keywords,
            recent_count: 0,
            recent_claims: vec![claim],
            pending_expunges: 0,
            expunge_floor: None,
            saved_search: Vec::new(),
            is_fresh: true,
            contexts: Default::default(),
            feed: None,
            last_delta: Instant::now(),
        }
    }

    /// Drains the feed; true when it announced no change of this mailbox (and did not
    /// overflow) and the last delta is younger than `QUIET_SYNC_MAX_AGE`.
    fn feed_is_quiet(&mut self, account: AccountId) -> bool {
        let Some(feed) = self.feed.as_mut() else {
            return false;
        };
        let mut quiet = true;
        loop {
            match feed.try_recv() {
                Ok(Change::Mailbox {
                    account: a,
                    mailbox,
                    ..
                }) if a == account && mailbox == self.mailbox.id => quiet = false,
                Ok(_) => {}
                Err(broadcast::error::TryRecvError::Empty) => break,
                // Missed changes may include ours.
                Err(broadcast::error::TryRecvError::Lagged(_)) => quiet = false,
                Err(broadcast::error::TryRecvError::Closed) => {
                    quiet = false;
                    break;
                }
            }
        }
        quiet && self.last_delta.elapsed() < QUIET_SYNC_MAX_AGE
    }

    fn is_claimed_recent(&self, uid: u32) -> bool {
        is_in_claims(&self.recent_claims, uid)
    }

    /// A claim adjoining the last one (no other session claimed in between, the common
    /// case) extends it, so a long IDLE keeps one range.
    fn add_claim(&mut self, (low, high): (u32, u32)) {
        if low >= high {
            return;
        }
        match self.recent_claims.last_mut() {
            Some(last) if last.1 == low => last.1 = high,
            _ => self.recent_claims.push((low, high)),
        }
    }

    /// Append a message above every UID in the view; \Recent when this session claimed it.
    fn push(&mut self, m: &MessageMeta) -> Result<(), StoreError> {
        let set = intern(&mut self.keyword_sets, &m.flags.keywords)?;
        if self.is_claimed_recent(m.uid.get()) {
            self.recent_count += 1;
        }
        let mut e = Entry {
            modseq: m.modseq.0,
            uid: m.uid.get(),
            packed: 0,
        };
        e.set(m.flags.bits & SYSTEM_FLAGS, set);
        self.entries.push(e);
        Ok(())
    }

    /// After a sync that changed the view: make it the kept base view when it is newer,
    /// or take the kept view's chunks where they hold the same entries (every IDLE session
    /// learns the same new message on its own; this makes them share its chunk again).
    /// Only a view with nothing pending is exactly the mailbox at `highest_modseq`.
    fn share_with_kept(&mut self, store: &dyn Store, account: AccountId) {
        if self.pending_expunges > 0 {
            return;
        }
        let uid_validity = self.mailbox.uid_validity.get();
        let Some(kept) = shared::get(store, account, self.mailbox.id, uid_validity) else {
            return;
        };
        let base = &kept.view;
        if base.highest_modseq < self.highest_modseq {
            shared::replace(
                store,
                account,
                self.mailbox.id,
                uid_validity,
                self.highest_modseq,
                self.uid_next,
                &self.entries,
                &self.keyword_sets,
            );
        } else if base.highest_modseq == self.highest_modseq
            && base.keyword_sets.extends(&self.keyword_sets)
        {
            // Every keyword-set index of this view means the same in the base's table.
            self.keyword_sets = base.keyword_sets.clone();
            self.entries.adopt(&base.entries);
        }
    }

    /// Apply a delta: mark expunges, write `* n FETCH (UID u FLAGS (...))` for flag changes
    /// made elsewhere, and return the messages new to the view (ascending UID).
    fn apply_delta(
        &mut self,
        changed: &[MessageMeta],
        expunged: &[Uid],
        out: &mut ResponseWriter,
        enabled: &Enabled,
    ) -> Vec<MessageMeta> {
        self.mark_expunged(expunged);
        let last_uid = self.entries.last().map(|e| e.uid).unwrap_or(0);
        let mut new = Vec::new();
        for m in changed {
            if expunged.binary_search(&m.uid).is_ok() {
                continue;
            }
            if m.uid.get() > last_uid {
                new.push(m.clone());
                continue;
            }
            let Some(i) = self.index_of(m.uid) else {
                continue;
            };
            let Some(&e) = self.entries.get(i as usize) else {
                continue;
            };
            if e.bits() & BIT_EXPUNGED != 0 {
                continue;
            }
            let same = e.bits() & SYSTEM_FLAGS == m.flags.bits & SYSTEM_FLAGS
                && same_keywords(self.keyword_sets.get(e.keyword_set()), &m.flags.keywords);
            if same {
                if m.modseq.0 > e.modseq
                    && let Some(slot) = self.entries.get_mut(i as usize)
                {
                    slot.modseq = m.modseq.0;
                }
                continue;
            }
            if self.update_flags(std::slice::from_ref(m)).is_err() {
                continue;
            }
            // Flags changed by another session: an unsolicited FETCH (RFC 9051 §7.5.2). The UID
            // is included, as Dovecot does, so clients numbering by UID need not map back.
            if let Some(v) = self.message(i) {
                write_flags_fetch(out, &v, enabled, true);
            }
        }
        new
    }

    /// Add keywords not yet known; true when the set grew.
    fn learn_keywords(&mut self, keywords: &[String]) -> bool {
        let mut grew = false;
        for k in keywords {
            if !self.keywords.iter().any(|x| x.eq_ignore_ascii_case(k)) {
                self.keywords.push(k.clone());
                grew = true;
            }
        }
        grew
    }
}

/// `* VANISHED (EARLIER) uids` (RFC 7162 §3.2.10.1); nothing when `uids` is empty.
pub fn write_vanished_earlier(out: &mut ResponseWriter, uids: &[u32]) {
    if !uids.is_empty() {
        out.raw(format!("* VANISHED (EARLIER) {}\r\n", sets::render_set(uids)).as_bytes());
    }
}

/// `* n EXISTS`
pub fn write_exists(out: &mut ResponseWriter, n: u32) {
    out.raw(format!("* {n} EXISTS\r\n").as_bytes());
}

/// `* n RECENT` (RFC 3501 §7.3.2; rev1 sessions only).
pub fn write_recent(out: &mut ResponseWriter, n: u32) {
    out.raw(format!("* {n} RECENT\r\n").as_bytes());
}

/// `* seq FETCH (` or, after ENABLE UIDONLY, `* uid UIDFETCH (` (RFC 9586 §3: the UID
/// takes the number's place and the UID item is left out).
pub fn write_fetch_start(out: &mut ResponseWriter, m: &MessageView, enabled: &Enabled) {
    if enabled.uidonly {
        out.raw(format!("* {} UIDFETCH (", m.uid.get()).as_bytes());
    } else {
        out.raw(format!("* {} FETCH (", m.seq).as_bytes());
    }
}

/// `* seq FETCH ([UID u ]FLAGS (...)[ MODSEQ (m)])`. \Recent is shown only to rev1
/// sessions (RFC 9051 removed it, Appendix E). Once CONDSTORE is enabled every such
/// response carries UID and MODSEQ (RFC 7162 §3.1, §3.2.4).
pub fn write_flags_fetch(
    out: &mut ResponseWriter,
    m: &MessageView,
    enabled: &Enabled,
    with_uid: bool,
) {
    let e = EntryRef {
        uid: m.uid.get(),
        bits: m.flags.bits,
        keywords: &m.flags.keywords,
        is_recent: m.is_recent,
        is_expunged: m.is_expunged,
        modseq: m.modseq.0,
    };
    write_entry_flags_fetch(out, m.seq, &e, enabled, with_uid);
}

/// `write_flags_fetch` for one entry of the view, writing straight from it: no
/// `MessageView` nor wire flags built per message (STORE 1:* answers every message: issue 6).
/// `* seq FETCH ([UID u ]FLAGS (...)[ MODSEQ (m)])`, or `* uid UIDFETCH (` after ENABLE
/// UIDONLY (RFC 9586 §3); \Recent only for rev1 sessions (RFC 9051 Appendix E); UID and
/// MODSEQ once CONDSTORE is enabled (RFC 7162 §3.1, §3.2.4).
pub(crate) fn write_entry_flags_fetch(
    out: &mut ResponseWriter,
    seq: u32,
    e: &EntryRef<'_>,
    enabled: &Enabled,
    with_uid: bool,
) {
    out.raw(b"* ");
    if enabled.uidonly {
        out.number(u64::from(e.uid));
        out.raw(b" UIDFETCH (");
    } else {
        out.number(u64::from(seq));
        out.raw(b" FETCH (");
        if with_uid || enabled.condstore {
            out.raw(b"UID ");
            out.number(u64::from(e.uid));
            out.raw(b" ");
        }
    }
    out.raw(b"FLAGS (");
    let mut first = true;
    let mut item = |out: &mut ResponseWriter, bytes: &[u8]| {
        if !first {
            out.raw(b" ");
        }
        first = false;
        out.raw(bytes);
    };
    for (bit, name) in SYSTEM_FLAG_NAMES {
        if e.bits & bit != 0 {
            item(out, name);
        }
    }
    // Keywords are atoms, checked when they were stored: written as they are.
    for k in e.keywords {
        item(out, k.as_bytes());
    }
    if e.is_recent && !enabled.imap4rev2 {
        item(out, b"\\Recent");
    }
    out.raw(b")");
    if enabled.condstore {
        out.raw(b" MODSEQ (");
        out.number(e.modseq);
        out.raw(b")");
    }
    out.raw(b")\r\n");
}

/// System flags in the order `selected::flags_to_wire` writes them.
const SYSTEM_FLAG_NAMES: [(u8, &[u8]); 5] = [
    (Flags::SEEN, b"\\Seen"),
    (Flags::ANSWERED, b"\\Answered"),
    (Flags::FLAGGED, b"\\Flagged"),
    (Flags::DELETED, b"\\Deleted"),
    (Flags::DRAFT, b"\\Draft"),
];

/// `* seq FETCH (UID u MODSEQ (m))`: what STORE .SILENT still owes a CONDSTORE client for
/// each message it changed (RFC 7162 §3.1.3, §3.2.4).
pub fn write_modseq_fetch(out: &mut ResponseWriter, m: &MessageView) {
    write_modseq_fetch_in(out, m, &Enabled::default());
}

/// `write_modseq_fetch` in the session's mode: `* uid UIDFETCH (MODSEQ (m))` after ENABLE
/// UIDONLY (RFC 9586 §3).
pub fn write_modseq_fetch_in(out: &mut ResponseWriter, m: &MessageView, enabled: &Enabled) {
    if enabled.uidonly {
        out.raw(format!("* {} UIDFETCH (MODSEQ ({}))\r\n", m.uid.get(), m.modseq.0).as_bytes());
        return;
    }
    out.raw(
        format!(
            "* {} FETCH (UID {} MODSEQ ({}))\r\n",
            m.seq,
            m.uid.get(),
            m.modseq.0
        )
        .as_bytes(),
    );
}

/// First use of a CONDSTORE enabling command (RFC 7162 §3.1): from now on FETCH responses
/// carry MODSEQ, and with a mailbox selected the client is told its HIGHESTMODSEQ.
pub(crate) fn enable_condstore(s: &mut crate::Session) {
    if s.enabled.condstore {
        return;
    }
    s.enabled.condstore = true;
    if let Some(sel) = s.selected.as_ref() {
        s.out.untagged_status(
            Status::Ok,
            Some(&Code::HighestModSeq(sel.reportable_modseq().0)),
            "Highest",
        );
    }
}

/// Stored flags as wire flags.
pub fn flags_to_wire(flags: &Flags) -> Vec<Flag> {
    let mut v = Vec::with_capacity(5 + flags.keywords.len());
    for (bit, f) in [
        (Flags::SEEN, Flag::Seen),
        (Flags::ANSWERED, Flag::Answered),
        (Flags::FLAGGED, Flag::Flagged),
        (Flags::DELETED, Flag::Deleted),
        (Flags::DRAFT, Flag::Draft),
    ] {
        if flags.has(bit) {
            v.push(f);
        }
    }
    v.extend(flags.keywords.iter().map(|k| Flag::Keyword(k.clone())));
    v
}

/// Wire flags as stored flags. `\Recent` never reaches here (the decoder refuses it);
/// flag-extensions (`\Foo`) are not storable: Err with the offending flag.
pub fn flags_from_wire(flags: &[Flag]) -> Result<Flags, String> {
    let mut out = Flags::default();
    for f in flags {
        match f {
            Flag::Seen => out.bits |= Flags::SEEN,
            Flag::Answered => out.bits |= Flags::ANSWERED,
            Flag::Flagged => out.bits |= Flags::FLAGGED,
            Flag::Deleted => out.bits |= Flags::DELETED,
            Flag::Draft => out.bits |= Flags::DRAFT,
            Flag::Keyword(k) => out.add_keyword(k),
            Flag::Extension(x) => return Err(format!("\\{x}")),
        }
    }
    Ok(out)
}

/// The account and the selected view, or BAD when the dispatcher let a Selected-state
/// command through without a selected mailbox.
pub(crate) fn require(s: &crate::Session) -> Result<(AccountId, &Selected), CmdError> {
    let account = s
        .account
        .as_ref()
        .ok_or_else(|| CmdError::bad("Not authenticated"))?
        .id;
    let sel = s
        .selected
        .as_ref()
        .ok_or_else(|| CmdError::bad("No mailbox selected"))?;
    Ok((account, sel))
}

/// Responses above this size are written out before more are produced, so FETCH/STORE of
/// a large mailbox streams instead of building one huge buffer.
pub const FLUSH_THRESHOLD_BYTES: usize = 256 * 1024;

/// Flush `s.out` when it has grown past `FLUSH_THRESHOLD_BYTES`. A write error means the
/// client is gone.
pub(crate) async fn flush_if_big(s: &mut crate::Session) -> Result<(), CmdError> {
    if s.out.len() >= FLUSH_THRESHOLD_BYTES {
        s.flush()
            .await
            .map_err(|e| CmdError::Fatal(format!("write failed: {e}").into()))?;
    }
    Ok(())
}

const SYSTEM_FLAGS: u8 =
    Flags::SEEN | Flags::ANSWERED | Flags::FLAGGED | Flags::DELETED | Flags::DRAFT;
/// Marks an entry expunged but not yet announced (this session only).
const BIT_EXPUNGED: u8 = 0x80;
/// `Entry::packed` keeps the keyword-set index in its upper 24 bits.
const MAX_KEYWORD_SETS: usize = 1 << 24;

/// 16 bytes per message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    modseq: u64,
    uid: u32,
    /// Low 8 bits: system flags | BIT_EXPUNGED; upper 24: keyword-set index.
    packed: u32,
}

impl Entry {
    fn bits(&self) -> u8 {
        (self.packed & 0xff) as u8
    }
    fn keyword_set(&self) -> u32 {
        self.packed >> 8
    }
    fn set(&mut self, bits: u8, keyword_set: u32) {
        self.packed = (keyword_set << 8) | bits as u32;
    }
}

/// Distinct keyword sets of a mailbox, interned: most messages share a handful.
/// Index 0 is the empty set.
#[derive(Clone)]
struct KeywordSets {
    sets: Vec<Box<[String]>>,
    index: HashMap<Box<[String]>, u32>,
}

impl Default for KeywordSets {
    fn default() -> Self {
        let empty: Box<[String]> = Box::new([]);
        let mut index = HashMap::new();
        index.insert(empty.clone(), 0);
        KeywordSets {
            sets: vec![empty],
            index,
        }
    }
}

impl KeywordSets {
    fn get(&self, i: u32) -> &[String] {
        self.sets.get(i as usize).map(|s| &s[..]).unwrap_or(&[])
    }
    fn find(&self, keywords: &[String]) -> Option<u32> {
        if keywords.is_empty() {
            return Some(0);
        }
        self.index.get(&canonical_keywords(keywords)).copied()
    }
    fn intern(&mut self, keywords: &[String]) -> Result<u32, StoreError> {
        if keywords.is_empty() {
            return Ok(0);
        }
        let canonical = canonical_keywords(keywords);
        if let Some(&i) = self.index.get(&canonical) {
            return Ok(i);
        }
        if self.sets.len() >= MAX_KEYWORD_SETS {
            return Err(StoreError::Invalid(
                "too many distinct keyword combinations in one mailbox".into(),
            ));
        }
        let i = self.sets.len() as u32;
        self.sets.push(canonical.clone());
        self.index.insert(canonical, i);
        Ok(i)
    }
}

impl KeywordSets {
    /// Whether every index of `other` names the same set here (this table is `other`'s,
    /// possibly with sets added after it).
    fn extends(self: &Arc<Self>, other: &Arc<KeywordSets>) -> bool {
        Arc::ptr_eq(self, other)
            || (self.sets.len() >= other.sets.len()
                && self.sets[..other.sets.len()] == other.sets[..])
    }
}

/// Intern into a table shared with other views: copied only when the set is new to it.
fn intern(sets: &mut Arc<KeywordSets>, keywords: &[String]) -> Result<u32, StoreError> {
    match sets.find(keywords) {
        Some(i) => Ok(i),
        None => Arc::make_mut(sets).intern(keywords),
    }
}

fn canonical_keywords(keywords: &[String]) -> Box<[String]> {
    let mut canonical: Vec<String> = keywords.to_vec();
    canonical.sort_by_key(|k| k.to_ascii_lowercase());
    canonical.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    canonical.into_boxed_slice()
}

fn is_in_claims(claims: &[(u32, u32)], uid: u32) -> bool {
    claims.iter().any(|&(low, high)| uid > low && uid <= high)
}

fn same_keywords(a: &[String], b: &[String]) -> bool {
    a.len() == b.len()
        && b.iter()
            .all(|k| a.iter().any(|x| x.eq_ignore_ascii_case(k)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use loft_proto_imap::{SeqBound, SeqRange};
    use loft_store::{MailboxId, MailboxStatus, UidValidity};

    fn meta(uid: u32, bits: u8, modseq: u64) -> MessageMeta {
        MessageMeta {
            uid: Uid::new(uid).unwrap(),
            modseq: ModSeq(modseq),
            flags: Flags {
                bits,
                keywords: vec![],
            },
        }
    }

    fn view(uids: &[u32], recent: Option<(u32, u32)>) -> Selected {
        let messages: Vec<MessageMeta> = uids.iter().map(|&u| meta(u, 0, u as u64)).collect();
        let snapshot = MailboxSnapshot {
            mailbox: Mailbox {
                id: MailboxId(1),
                name: "INBOX".into(),
                special_use: None,
                is_subscribed: true,
                uid_validity: UidValidity::new(7).unwrap(),
            },
            status: MailboxStatus {
                messages: uids.len() as u32,
                unseen: uids.len() as u32,
                deleted: 0,
                size: 0,
                recent: 1,
                uid_next: uids.last().copied().unwrap_or(0) + 1,
                uid_validity: UidValidity::new(7).unwrap(),
                highest_modseq: ModSeq(100),
            },
            messages,
            keywords: vec![],
        };
        Selected::from_snapshot(snapshot, recent.is_none(), recent).unwrap()
    }

    fn set(v: &[(SeqBound, SeqBound)]) -> SequenceSet {
        SequenceSet::Ranges(
            v.iter()
                .map(|&(start, end)| SeqRange { start, end })
                .collect(),
        )
    }
    use SeqBound::{Star, Value as V};

    fn text(out: &ResponseWriter) -> String {
        String::from_utf8(out.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn entry_is_16_bytes() {
        assert_eq!(std::mem::size_of::<Entry>(), 16);
    }

    #[test]
    fn resolve_seq_and_uid() {
        let sel = view(&[10, 20, 30, 40], Some((0, 40)));
        assert_eq!(
            sel.resolve(&set(&[(V(2), Star)]), Numbering::Seq).unwrap(),
            vec![1, 2, 3]
        );
        assert_eq!(
            sel.resolve(&set(&[(V(3), V(1))]), Numbering::Seq).unwrap(),
            vec![0, 1, 2]
        );
        assert!(matches!(
            sel.resolve(&set(&[(V(5), V(5))]), Numbering::Seq),
            Err(CmdError::Bad { .. })
        ));
        // UIDs that do not exist are skipped; `*` is the last UID, so 559:* includes it.
        assert_eq!(
            sel.resolve(&set(&[(V(15), V(35))]), Numbering::Uid)
                .unwrap(),
            vec![1, 2]
        );
        assert_eq!(
            sel.resolve(&set(&[(V(559), Star)]), Numbering::Uid)
                .unwrap(),
            vec![3]
        );
        assert!(
            sel.resolve(&set(&[(V(41), V(50))]), Numbering::Uid)
                .unwrap()
                .is_empty()
        );
        // `$` empty at first, then the saved UIDs.
        assert!(
            sel.resolve(&SequenceSet::Saved, Numbering::Seq)
                .unwrap()
                .is_empty()
        );
        let mut sel = sel;
        sel.set_saved_search(vec![20, 40]);
        assert_eq!(
            sel.resolve(&SequenceSet::Saved, Numbering::Uid).unwrap(),
            vec![1, 3]
        );
        sel.mark_expunged(&[Uid::new(20).unwrap()]);
        assert_eq!(sel.saved_search(), &[40]);
    }

    #[test]
    fn star_in_empty_mailbox() {
        let sel = view(&[], Some((0, 0)));
        assert!(sel.resolve(&set(&[(V(1), Star)]), Numbering::Seq).is_err());
        assert!(
            sel.resolve(&set(&[(V(1), Star)]), Numbering::Uid)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn recent_from_claim_or_examine() {
        let sel = view(&[1, 2, 3], Some((1, 3)));
        assert_eq!(sel.recent_count(), 2);
        assert!(!sel.message(0).unwrap().is_recent && sel.message(2).unwrap().is_recent);
        // EXAMINE: the last `status.recent` (1) messages, unclaimed.
        let sel = view(&[1, 2, 3], None);
        assert_eq!(sel.recent_count(), 1);
        assert!(sel.message(2).unwrap().is_recent);
    }

    #[test]
    fn expunges_wait_then_renumber_descending() {
        let mut sel = view(&[10, 20, 30, 40, 50], Some((0, 50)));
        let mut out = ResponseWriter::new();
        let enabled = Enabled::default();
        // Learned during FETCH: nothing written, numbering unchanged.
        let new = sel.apply_delta(
            &[],
            &[Uid::new(20).unwrap(), Uid::new(40).unwrap()],
            &mut out,
            &enabled,
        );
        assert!(new.is_empty());
        assert!(out.is_empty());
        assert_eq!(sel.exists(), 5);
        assert!(sel.message(1).unwrap().is_expunged);
        assert!(sel.has_pending_expunges());
        // Announced later, highest first, so each number is valid as read.
        sel.announce_expunges(&mut out, &enabled);
        assert_eq!(text(&out), "* 4 EXPUNGE\r\n* 2 EXPUNGE\r\n");
        assert_eq!(sel.exists(), 3);
        assert_eq!(sel.uid_at(1).unwrap().get(), 30);
        assert_eq!(sel.recent_count(), 3);
    }

    #[test]
    fn flag_changes_by_others_announced_once() {
        let mut sel = view(&[10, 20], Some((0, 20)));
        let mut out = ResponseWriter::new();
        let enabled = Enabled::default();
        let changed = [meta(20, Flags::SEEN, 101), meta(30, 0, 102)];
        let new = sel.apply_delta(&changed, &[], &mut out, &enabled);
        assert_eq!(text(&out), "* 2 FETCH (UID 20 FLAGS (\\Seen \\Recent))\r\n");
        assert_eq!(new.len(), 1);
        assert_eq!(new[0].uid.get(), 30);
        // Our own STORE result recorded first: the same state in a delta is not announced.
        let mut out = ResponseWriter::new();
        sel.update_flags(&[meta(10, Flags::FLAGGED, 103)]).unwrap();
        sel.apply_delta(&[meta(10, Flags::FLAGGED, 103)], &[], &mut out, &enabled);
        assert!(out.is_empty());
        // rev2: no \Recent.
        let rev2 = Enabled {
            imap4rev2: true,
            ..Enabled::default()
        };
        sel.apply_delta(&[meta(10, 0, 104)], &[], &mut out, &rev2);
        assert_eq!(text(&out), "* 1 FETCH (UID 10 FLAGS ())\r\n");
    }

    #[test]
    fn qresync_announces_vanished_and_condstore_adds_modseq() {
        let mut sel = view(&[10, 20, 30, 40], Some((0, 40)));
        let mut out = ResponseWriter::new();
        let qresync = Enabled {
            imap4rev2: true,
            condstore: true,
            qresync: true,
            ..Enabled::default()
        };
        // RFC 7162 §3.2.10.2: one VANISHED with UIDs instead of EXPUNGE per message.
        sel.apply_delta(
            &[meta(30, Flags::SEEN, 105)],
            &[Uid::new(20).unwrap(), Uid::new(40).unwrap()],
            &mut out,
            &qresync,
        );
        assert_eq!(
            text(&out),
            "* 3 FETCH (UID 30 FLAGS (\\Seen) MODSEQ (105))\r\n"
        );
        // While expunges wait, HIGHESTMODSEQ may only be told as the value from before them.
        assert_eq!(sel.reportable_modseq(), ModSeq(100));
        let mut out = ResponseWriter::new();
        sel.announce_expunges(&mut out, &qresync);
        assert_eq!(text(&out), "* VANISHED 20,40\r\n");
        assert_eq!(sel.exists(), 2);
        assert_eq!(sel.reportable_modseq(), sel.highest_modseq());
    }

    #[test]
    fn unbounded_uid_ranges_for_vanished() {
        let sel = view(&[10, 20], Some((0, 20)));
        assert_eq!(
            sel.uid_ranges_unbounded(&set(&[(V(5), Star)])),
            vec![(5, u32::MAX)]
        );
        assert_eq!(
            sel.uid_ranges_unbounded(&set(&[(V(7), V(3)), (V(4), V(9))])),
            vec![(3, 9)]
        );
        assert!(sel.contains_uid(20) && !sel.contains_uid(15));
    }

    #[test]
    fn million_messages_stay_compact() {
        let uids: Vec<u32> = (1..=1_000_000).collect();
        let mut sel = view(&uids, Some((0, 1_000_000)));
        // Full chunks: 16 bytes a message, plus one pointer per 512 messages.
        assert_eq!(sel.entries.len(), 1_000_000);
        assert_eq!(
            sel.entries.chunk_count(),
            1_000_000usize.div_ceil(entries::CHUNK_ENTRIES)
        );
        assert_eq!(
            sel.resolve(&set(&[(V(1), Star)]), Numbering::Seq)
                .unwrap()
                .len(),
            1_000_000
        );
        assert_eq!(
            sel.resolve(&set(&[(V(999_999), Star)]), Numbering::Uid)
                .unwrap(),
            vec![999_998, 999_999]
        );
        sel.mark_expunged(&[Uid::new(500_000).unwrap()]);
        let mut out = ResponseWriter::new();
        sel.announce_expunges(&mut out, &Enabled::default());
        assert_eq!(text(&out), "* 500000 EXPUNGE\r\n");
        assert_eq!(sel.exists(), 999_999);
    }

    #[test]
    fn sessions_share_chunks_until_they_change_them() {
        let uids: Vec<u32> = (1..=2_000).collect();
        let a = view(&uids, Some((1_990, 2_000)));
        let mut b = view(&[], Some((2_000, 2_000)));
        b.entries = a.entries.clone();
        b.keyword_sets = a.keyword_sets.clone();
        let chunks = a.entries.chunk_count();
        // \Recent is this session's claim, not a bit in the shared entries.
        assert_eq!(a.recent_count(), 10);
        assert!(a.message(1_999).unwrap().is_recent);
        assert!(!b.message(1_999).unwrap().is_recent);
        assert_eq!(b.entries.shared_chunks(&a.entries), chunks);
        // Our own STORE copies the one chunk it changes; a new keyword set, the table.
        let stored = MessageMeta {
            uid: Uid::new(700).unwrap(),
            modseq: ModSeq(5_000),
            flags: Flags {
                bits: Flags::SEEN,
                keywords: vec!["Work".into()],
            },
        };
        b.update_flags(std::slice::from_ref(&stored)).unwrap();
        assert_eq!(b.entries.shared_chunks(&a.entries), chunks - 1);
        assert!(!Arc::ptr_eq(&a.keyword_sets, &b.keyword_sets));
        assert!(b.keyword_sets.extends(&a.keyword_sets));
        assert!(!a.keyword_sets.extends(&b.keyword_sets));
        assert_eq!(b.message(699).unwrap().flags, stored.flags);
        assert_eq!(a.message(699).unwrap().flags, Flags::default());
        // The same state again copies nothing more.
        let mut c = view(&[], Some((2_000, 2_000)));
        c.entries = a.entries.clone();
        c.update_flags(&[meta(5, 0, 5)]).unwrap();
        assert_eq!(c.entries.shared_chunks(&a.entries), chunks);
        // An expunge rebuilds the chunks from its position on; the ones before stay shared.
        c.mark_expunged(&[Uid::new(1_500).unwrap()]);
        c.announce_expunges(&mut ResponseWriter::new(), &Enabled::default());
        assert_eq!(c.exists(), 1_999);
        assert_eq!(
            c.entries.shared_chunks(&a.entries),
            1_499 / entries::CHUNK_ENTRIES
        );
        assert_eq!(c.uid_at(1_499).unwrap().get(), 1_501);
    }

    /// Two sessions on one mailbox through a real store: the second SELECT shares the
    /// first one's chunks and skips the \Recent claim; a new message is claimed by the
    /// first session to sync, and after both synced they share every chunk again.
    #[tokio::test]
    async fn sessions_share_through_the_kept_view() {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> =
            Arc::new(loft_store::EmbeddedStore::open(dir.path()).await.unwrap());
        let account = store.create_account("u", "x").await.unwrap();
        let inbox = match store.mailbox(account, "INBOX").await.unwrap() {
            Some(m) => m,
            None => {
                store.create_mailbox(account, "INBOX", None).await.unwrap();
                store.mailbox(account, "INBOX").await.unwrap().unwrap()
            }
        };
        let message = |i: usize| loft_store::NewMessage {
            content: format!("Subject: {i}\r\n\r\nx\r\n").into_bytes(),
            flags: Flags::default(),
            internal_date: None,
        };
        let n = entries::CHUNK_ENTRIES + 10;
        store
            .append(account, inbox.id, (0..n).map(message).collect())
            .await
            .unwrap();
        let a = Selected::open(&store, account, inbox.clone(), false)
            .await
            .unwrap();
        assert_eq!(a.recent_count(), n as u32);
        let mut a = a;
        let mut b = Selected::open(&store, account, inbox.clone(), false)
            .await
            .unwrap();
        assert_eq!(b.exists(), n as u32);
        assert_eq!(b.recent_count(), 0);
        assert_eq!(b.entries.shared_chunks(&a.entries), 2);
        // Right after SELECT the view is fresh: no store read, nothing written.
        let rev1 = Enabled::default();
        let mut out = ResponseWriter::new();
        b.sync(store.as_ref(), account, &mut out, &rev1, true)
            .await
            .unwrap();
        assert!(out.is_empty());

        store
            .append(account, inbox.id, vec![message(n)])
            .await
            .unwrap();
        a.is_fresh = false;
        let mut out = ResponseWriter::new();
        b.sync(store.as_ref(), account, &mut out, &rev1, true)
            .await
            .unwrap();
        assert_eq!(text(&out), format!("* {} EXISTS\r\n* 1 RECENT\r\n", n + 1));
        let mut out = ResponseWriter::new();
        a.sync(store.as_ref(), account, &mut out, &rev1, true)
            .await
            .unwrap();
        assert_eq!(
            text(&out),
            format!("* {} EXISTS\r\n* {n} RECENT\r\n", n + 1)
        );
        assert_eq!(b.entries.shared_chunks(&a.entries), 2);
        // A third SELECT starts from the same chunks.
        let c = Selected::open(&store, account, inbox, false).await.unwrap();
        assert_eq!(c.entries.shared_chunks(&a.entries), 2);
        assert_eq!(c.exists(), n as u32 + 1);
        assert_eq!(c.recent_count(), 0);
    }

    #[test]
    fn adjoining_claims_merge_and_new_messages_are_recent_once_claimed() {
        let mut sel = view(&[1, 2, 3], Some((0, 3)));
        sel.add_claim((3, 5));
        sel.add_claim((5, 5));
        sel.add_claim((8, 9));
        assert_eq!(sel.recent_claims, vec![(0, 5), (8, 9)]);
        for uid in [4, 6, 9] {
            sel.push(&meta(uid, 0, 200)).unwrap();
        }
        assert_eq!(sel.recent_count(), 5);
        assert!(sel.message(3).unwrap().is_recent);
        assert!(!sel.message(4).unwrap().is_recent);
        assert!(sel.entry(5).unwrap().is_recent);
        // EXAMINE: everything learned later is \Recent (nobody's claim is taken).
        let mut ro = view(&[1, 2, 3], None);
        ro.push(&meta(10, 0, 200)).unwrap();
        assert_eq!(ro.recent_count(), 2);
    }

    #[test]
    fn keyword_sets_are_shared() {
        let mut k = KeywordSets::default();
        let a = k.intern(&["$Junk".into(), "Work".into()]).unwrap();
        let b = k.intern(&["Work".into(), "$Junk".into()]).unwrap();
        assert_eq!(a, b);
        assert_eq!(k.intern(&[]).unwrap(), 0);
        assert_eq!(k.sets.len(), 2);
    }
}

#[cfg(test)]
mod flags_fetch_tests {
    use loft_store::{Flags, ModSeq, Uid};

    use super::*;

    /// The entry path (STORE) writes exactly what `write_flags_fetch` writes for the same
    /// message, in every mode.
    #[test]
    fn entry_fetch_matches_write_flags_fetch() {
        let keyword_sets: [Vec<String>; 3] = [
            vec![],
            vec!["$Forwarded".into()],
            vec!["$Junk".into(), "work".into()],
        ];
        for bits in [0, Flags::SEEN, Flags::FLAGGED | Flags::DRAFT, 0x1f] {
            for keywords in &keyword_sets {
                for mode in 0..32u8 {
                    let enabled = Enabled {
                        imap4rev2: mode & 1 != 0,
                        condstore: mode & 2 != 0,
                        uidonly: mode & 4 != 0,
                        ..Enabled::default()
                    };
                    let with_uid = mode & 8 != 0;
                    let is_recent = mode & 16 != 0;
                    let e = EntryRef {
                        uid: 4711,
                        bits,
                        keywords,
                        is_recent,
                        is_expunged: false,
                        modseq: 99,
                    };
                    let m = MessageView {
                        seq: 12,
                        uid: Uid::new(4711).unwrap(),
                        modseq: ModSeq(99),
                        flags: Flags {
                            bits,
                            keywords: keywords.clone(),
                        },
                        is_recent,
                        is_expunged: false,
                    };
                    let mut fast = ResponseWriter::new();
                    write_entry_flags_fetch(&mut fast, 12, &e, &enabled, with_uid);
                    let mut slow = ResponseWriter::new();
                    write_flags_fetch(&mut slow, &m, &enabled, with_uid);
                    assert_eq!(
                        String::from_utf8_lossy(fast.as_bytes()),
                        String::from_utf8_lossy(slow.as_bytes()),
                        "bits {bits:#x} keywords {keywords:?} mode {mode:#b}"
                    );
                }
            }
        }
    }
}
