//! RFC 5267 §4.3 CONTEXT=SEARCH / CONTEXT=SORT: searches with `RETURN (UPDATE)` stay
//! active while the mailbox is selected, and the client is told of every change to their
//! result with `* ESEARCH (TAG "t") [UID] ADDTO (...)` / `REMOVEFROM (...)`.
//! CANCELUPDATE is in `cmd/cancelupdate.rs`.
//!
//! Decisions, each with the reason:
//! - The contexts live in the selected view (`Selected::contexts`), so they end with the
//!   selection (§4.3), and are evaluated whenever the session syncs that view (after each
//!   command, during IDLE and NOTIFY), so an update is written right after the FETCH/EXISTS
//!   that caused it (§4.3.2: "typically ... at the same time").
//! - Results are kept as UIDs (in the requested order) and rendered as message numbers
//!   only when written, so a message-number context stays right across expunges.
//! - Only messages whose mod-sequence passed the context's watermark are re-evaluated
//!   (new messages and flag changes both raise it), so an update costs a walk over the
//!   view plus the evaluation of the changed messages, never a full search.
//! - Expunged results are removed through `before_expunge`, which
//!   `Selected::announce_expunges` calls before it writes EXPUNGE/VANISHED (whichever
//!   command announces them): §4.3.4 says a REMOVEFROM in message numbers MUST precede the
//!   expunge notification. ADDTO is written after `sync` wrote EXISTS (§4.3.3).
//! - Message numbers in the criteria are resolved to the UIDs they named when the command
//!   was received (§4.3, the RFC 3501 errata), as are `$` (RFC 5182) and OLDER/YOUNGER
//!   (RFC 5032, resolved against the clock at compile time).
//! - SEARCH contexts use context position 0 with the update in mailbox order (§4.3.3
//!   RECOMMENDED); SORT contexts give the 1-based position of each inserted or removed
//!   result, so the client's list stays in the requested order (§4.3.2).

use loft_proto_imap::{ResponseWriter, SearchKey, SortCriterion};
use loft_store::{AccountId, Store, Uid};

use crate::Session;
use crate::cmd::CmdError;
use crate::selected::Selected;
use crate::selected::search_eval::{Compiled, Scope, compile};
use crate::selected::sort_keys::{KeyValue, keys_for};

/// Updating contexts per session (RFC 5267 §4.3.1: at least one MUST be provided; more
/// SHOULD be). Further UPDATE requests get `* NO [NOUPDATE "tag"]`.
pub const MAX_UPDATE_CONTEXTS: usize = 8;
/// Results one SEARCH context may track (4 bytes each).
pub const MAX_SEARCH_CONTEXT_RESULTS: usize = 1_000_000;
/// Results one SORT context may track (a row of sort keys each).
pub const MAX_SORT_CONTEXT_RESULTS: usize = 100_000;

/// The active update contexts of a session.
#[derive(Default)]
pub struct UpdateContexts {
    list: Vec<Context>,
}

struct Context {
    tag: String,
    is_uid: bool,
    /// The criteria with message numbers already resolved to UIDs.
    key: Compiled,
    order: Order,
    /// The result as UIDs, in the requested order.
    results: Vec<u32>,
    /// Messages with a mod-sequence above this were not evaluated yet.
    seen_modseq: u64,
}

enum Order {
    /// SEARCH: mailbox (UID) order.
    Mailbox,
    /// SORT: `keys[i]` are the sort keys of `results[i]`.
    Sorted {
        criteria: Vec<SortCriterion>,
        keys: Vec<Vec<KeyValue>>,
    },
}

impl UpdateContexts {
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Updates cease when the mailbox is no longer selected (RFC 5267 §4.3).
    pub fn clear(&mut self) {
        self.list.clear();
    }

    /// RFC 5267 §4.3: a tag already naming an updating context may not be reused for
    /// another one (the searching command gets BAD).
    pub fn has_tag(&self, tag: &str) -> bool {
        self.list.iter().any(|c| c.tag == tag)
    }

    /// RFC 5267 §4.3.5 CANCELUPDATE.
    pub fn cancel(&mut self, tag: &str) {
        self.list.retain(|c| c.tag != tag);
    }

    /// REMOVEFROM for results whose message is marked expunged in `sel` (not yet
    /// announced, so their message numbers are still valid). Called by
    /// `Selected::announce_expunges` before it writes EXPUNGE/VANISHED.
    pub fn before_expunge(&mut self, sel: &Selected, out: &mut ResponseWriter) {
        if !sel.has_pending_expunges() {
            return;
        }
        for ctx in &mut self.list {
            let gone: Vec<u32> = ctx
                .results
                .iter()
                .copied()
                .filter(|&u| {
                    Uid::new(u)
                        .and_then(|uid| sel.index_of(uid))
                        .and_then(|i| sel.entry(i))
                        .is_none_or(|e| e.is_expunged)
                })
                .collect();
            if !gone.is_empty() {
                ctx.remove(&gone, sel, out);
            }
        }
    }
}

/// What a searching command with UPDATE asks to track.
pub struct Request<'a> {
    pub tag: &'a str,
    pub is_uid: bool,
    pub key: &'a SearchKey,
    /// SORT criteria; None for SEARCH.
    pub sort: Option<&'a [SortCriterion]>,
    /// The initial result: UIDs in the requested order, with the sort keys of each for SORT.
    pub results: Vec<u32>,
    pub keys: Vec<Vec<KeyValue>>,
}

/// Register an updating context, or write `* NO [NOUPDATE "tag"]` (RFC 5267 §4.3.1) when
/// a limit is reached; the command's other return options are honoured either way.
pub fn register(s: &mut Session, req: Request<'_>) {
    let Some(sel) = s.selected.as_mut() else {
        return;
    };
    let refusal = if sel.contexts.list.len() >= MAX_UPDATE_CONTEXTS {
        Some("Too many contexts")
    } else if req.results.len()
        > if req.sort.is_some() {
            MAX_SORT_CONTEXT_RESULTS
        } else {
            MAX_SEARCH_CONTEXT_RESULTS
        }
    {
        Some("Result too large to track")
    } else {
        None
    };
    if let Some(text) = refusal {
        write_noupdate(&mut s.out, req.tag, text);
        return;
    }
    let largest_uid = match sel.exists() {
        0 => sel.uid_next(),
        n => sel.uid_at(n - 1).map(Uid::get).unwrap_or(0),
    };
    let scope = Scope {
        exists: sel.exists(),
        largest_uid,
        saved: sel.saved_search(),
        now: chrono::Utc::now().timestamp(),
    };
    let key = pin_message_numbers(compile(req.key, &scope), sel);
    let order = match req.sort {
        None => Order::Mailbox,
        Some(criteria) => Order::Sorted {
            criteria: criteria.to_vec(),
            keys: req.keys,
        },
    };
    let context = Context {
        tag: req.tag.to_string(),
        is_uid: req.is_uid,
        key,
        order,
        results: req.results,
        seen_modseq: sel.highest_modseq().0,
    };
    sel.contexts.list.push(context);
}

/// `* NO [NOUPDATE "tag"] text` (RFC 5267 §4.3.1). A tag holds no `"` or `\` (RFC 9051
/// §9 tag = ASTRING-CHAR), so it is quoted as is.
pub fn write_noupdate(out: &mut ResponseWriter, tag: &str, text: &str) {
    out.untagged_status(
        loft_proto_imap::Status::No,
        Some(&loft_proto_imap::Code::Other(format!("NOUPDATE \"{tag}\""))),
        text,
    );
}

/// After the selected view was synced: re-evaluate the messages changed since each
/// context last looked and write ADDTO/REMOVEFROM for the differences.
pub async fn update(s: &mut Session) {
    let Some(account) = s.account.as_ref().map(|a| a.id) else {
        return;
    };
    let Some(sel) = s.selected.as_mut() else {
        return;
    };
    if sel.contexts.is_empty() {
        return;
    }
    let mut contexts = std::mem::take(&mut sel.contexts);
    let sel = &*sel;
    let store = s.ctx.store.clone();
    let highest = sel.highest_modseq().0;
    for ctx in &mut contexts.list {
        if let Err(e) = ctx
            .refresh(store.as_ref(), account, sel, highest, &mut s.out)
            .await
        {
            // The context keeps its watermark: the same changes are evaluated next time.
            tracing::warn!(peer = %s.peer, tag = %ctx.tag, error = ?e, "update of a search context failed");
        }
    }
    if let Some(sel) = s.selected.as_mut() {
        sel.contexts = contexts;
    }
}

impl Context {
    async fn refresh(
        &mut self,
        store: &dyn Store,
        account: AccountId,
        sel: &Selected,
        highest: u64,
        out: &mut ResponseWriter,
    ) -> Result<(), CmdError> {
        if highest <= self.seen_modseq {
            return Ok(());
        }
        let candidates: Vec<u32> = (0..sel.exists())
            .filter(|&i| {
                sel.entry(i)
                    .is_some_and(|e| !e.is_expunged && e.modseq > self.seen_modseq)
            })
            .collect();
        let matched = crate::cmd::search::match_indices(
            store,
            account,
            sel,
            &self.key,
            candidates.iter().copied(),
        )
        .await?;
        let mut leaving = Vec::new();
        let mut joining = Vec::new();
        let mut m = matched.iter().peekable();
        for &i in &candidates {
            let is_match = m.next_if_eq(&&i).is_some();
            let Some(uid) = sel.uid_at(i).map(Uid::get) else {
                continue;
            };
            match (self.contains(uid), is_match) {
                (true, false) => leaving.push(uid),
                (false, true) => joining.push(uid),
                _ => {}
            }
        }
        if !leaving.is_empty() {
            self.remove(&leaving, sel, out);
        }
        if !joining.is_empty() {
            self.add(store, account, sel, &joining, out).await?;
        }
        self.seen_modseq = highest;
        Ok(())
    }

    fn contains(&self, uid: u32) -> bool {
        match self.order {
            Order::Mailbox => self.results.binary_search(&uid).is_ok(),
            Order::Sorted { .. } => self.results.contains(&uid),
        }
    }

    /// Remove `uids` (ascending) and write REMOVEFROM.
    fn remove(&mut self, uids: &[u32], sel: &Selected, out: &mut ResponseWriter) {
        let mut pairs: Vec<(usize, Vec<u32>)> = Vec::new();
        match &mut self.order {
            Order::Mailbox => {
                self.results.retain(|u| uids.binary_search(u).is_err());
                let numbers: Vec<u32> = uids
                    .iter()
                    .filter_map(|&u| number_of(self.is_uid, u, sel))
                    .collect();
                pairs.push((0, numbers));
            }
            Order::Sorted { keys, .. } => {
                // §4.3.4: each pair is applied in turn, so positions are those of the list
                // as the earlier pairs left it.
                for &u in uids {
                    let Some(pos) = self.results.iter().position(|&r| r == u) else {
                        continue;
                    };
                    self.results.remove(pos);
                    if pos < keys.len() {
                        keys.remove(pos);
                    }
                    if let Some(n) = number_of(self.is_uid, u, sel) {
                        pairs.push((pos + 1, vec![n]));
                    }
                }
            }
        }
        write_update(out, &self.tag, self.is_uid, "REMOVEFROM", &pairs);
    }

    /// Insert `uids` (ascending) and write ADDTO.
    async fn add(
        &mut self,
        store: &dyn Store,
        account: AccountId,
        sel: &Selected,
        uids: &[u32],
        out: &mut ResponseWriter,
    ) -> Result<(), CmdError> {
        let mut pairs: Vec<(usize, Vec<u32>)> = Vec::new();
        match &mut self.order {
            Order::Mailbox => {
                self.results.extend_from_slice(uids);
                self.results.sort_unstable();
                self.results.dedup();
                let numbers: Vec<u32> = uids
                    .iter()
                    .filter_map(|&u| number_of(self.is_uid, u, sel))
                    .collect();
                pairs.push((0, numbers));
            }
            Order::Sorted { criteria, keys } => {
                let indices: Vec<u32> = uids
                    .iter()
                    .filter_map(|&u| Uid::new(u).and_then(|u| sel.index_of(u)))
                    .collect();
                let records = crate::cmd::sort::load_records(store, account, sel, &indices).await?;
                for (_, rec) in records {
                    let row = keys_for(&rec, criteria);
                    let uid = rec.uid.get();
                    let pos = self
                        .results
                        .iter()
                        .zip(keys.iter())
                        .position(|(&u, k)| compare(criteria, (&row, uid), (k, u)).is_lt())
                        .unwrap_or(self.results.len());
                    self.results.insert(pos, uid);
                    keys.insert(pos, row);
                    if let Some(n) = number_of(self.is_uid, uid, sel) {
                        pairs.push((pos + 1, vec![n]));
                    }
                }
            }
        }
        write_update(out, &self.tag, self.is_uid, "ADDTO", &pairs);
        Ok(())
    }
}

fn number_of(is_uid: bool, uid: u32, sel: &Selected) -> Option<u32> {
    if is_uid {
        Some(uid)
    } else {
        Uid::new(uid).and_then(|u| sel.index_of(u)).map(|i| i + 1)
    }
}

/// RFC 5256 §3 order: the criteria (each possibly REVERSE), then mailbox order (UID
/// order equals message number order), which REVERSE never reverses. The same order as
/// `sort_keys::sort_rows`, which compares view positions instead of UIDs.
fn compare(
    criteria: &[SortCriterion],
    a: (&[KeyValue], u32),
    b: (&[KeyValue], u32),
) -> std::cmp::Ordering {
    for (i, c) in criteria.iter().enumerate() {
        let o = a.0.get(i).cmp(&b.0.get(i));
        let o = if c.is_reverse { o.reverse() } else { o };
        if o.is_ne() {
            return o;
        }
    }
    a.1.cmp(&b.1)
}

/// `* ESEARCH (TAG "t") [UID] ADDTO (pos set pos set ...)` (RFC 5267 §5); nothing when no
/// pair has numbers.
fn write_update(
    out: &mut ResponseWriter,
    tag: &str,
    is_uid: bool,
    item: &str,
    pairs: &[(usize, Vec<u32>)],
) {
    let pairs: Vec<String> = pairs
        .iter()
        .filter(|(_, n)| !n.is_empty())
        .map(|(pos, n)| format!("{pos} {}", crate::cmd::search::render_ordered(n)))
        .collect();
    if pairs.is_empty() {
        return;
    }
    let uid = if is_uid { " UID" } else { "" };
    out.raw(
        format!(
            "* ESEARCH (TAG \"{tag}\"){uid} {item} ({})\r\n",
            pairs.join(" ")
        )
        .as_bytes(),
    );
}

/// Message-number criteria name the messages they named when the command was received
/// (RFC 5267 §4.3): turn them into the UIDs of those messages.
fn pin_message_numbers(key: Compiled, sel: &Selected) -> Compiled {
    match key {
        Compiled::Seq(ranges) => {
            let mut uids = Vec::new();
            for (low, high) in ranges {
                let high = high.min(sel.exists());
                for n in low.max(1)..=high {
                    if let Some(u) = sel.uid_at(n - 1) {
                        uids.push((u.get(), u.get()));
                    }
                }
            }
            Compiled::Uid(crate::selected::sets::normalize(uids))
        }
        Compiled::And(keys) => Compiled::And(
            keys.into_iter()
                .map(|k| pin_message_numbers(k, sel))
                .collect(),
        ),
        Compiled::Or(a, b) => Compiled::Or(
            Box::new(pin_message_numbers(*a, sel)),
            Box::new(pin_message_numbers(*b, sel)),
        ),
        Compiled::Not(k) => Compiled::Not(Box::new(pin_message_numbers(*k, sel))),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_lines() {
        let mut out = ResponseWriter::new();
        write_update(&mut out, "B01", true, "ADDTO", &[(0, vec![32768, 32769])]);
        write_update(
            &mut out,
            "C01",
            true,
            "ADDTO",
            &[(1, vec![2733]), (1, vec![2731, 2732])],
        );
        write_update(&mut out, "B01", false, "REMOVEFROM", &[(0, vec![])]);
        write_noupdate(&mut out, "B02", "Too many contexts");
        assert_eq!(
            String::from_utf8_lossy(out.as_bytes()),
            "* ESEARCH (TAG \"B01\") UID ADDTO (0 32768:32769)\r\n\
             * ESEARCH (TAG \"C01\") UID ADDTO (1 2733 1 2731:2732)\r\n\
             * NO [NOUPDATE \"B02\"] Too many contexts\r\n"
        );
    }

    #[test]
    fn sorted_insert_position_keeps_reverse_and_uid_order() {
        use loft_proto_imap::SortKey;
        let criteria = [SortCriterion {
            key: SortKey::Size,
            is_reverse: true,
        }];
        let big = [KeyValue::Num(900)];
        let small = [KeyValue::Num(10)];
        assert!(compare(&criteria, (&big, 9), (&small, 1)).is_lt());
        // Equal keys: mailbox order, not reversed.
        assert!(compare(&criteria, (&small, 1), (&small, 2)).is_lt());
    }
}
