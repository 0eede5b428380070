//! The view's per-message entries, in fixed-size chunks shared by `Arc` (issue 6).
//!
//! Every session that selects a mailbox, and the kept base view of that mailbox
//! (shared.rs), hold the same chunks: N sessions idling on one mailbox cost one copy of its
//! entries plus a pointer per chunk each. A change copies only what it touches
//! (`Arc::make_mut`): a flag change copies one chunk, an append touches only the last chunk,
//! and a removal rebuilds the chunks from the first removed position on.
//!
//! Invariant: every chunk but the last holds exactly `CHUNK_ENTRIES` entries and no chunk
//! is empty, so position `i` is `chunks[i / CHUNK_ENTRIES][i % CHUNK_ENTRIES]`.

use std::sync::Arc;

use super::Entry;

/// Entries per chunk: 8 KiB. Small enough that what a session copies on a change (one
/// chunk) stays well under the per-connection budget; large enough that the chunk pointers
/// of a 1,000,000-message mailbox (1,954 of them, 16 KiB) are cheap to clone on SELECT.
pub(super) const CHUNK_ENTRIES: usize = 512;

#[derive(Clone, Default)]
pub(super) struct Entries {
    chunks: Vec<Arc<Vec<Entry>>>,
    len: usize,
}

impl Entries {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn get(&self, i: usize) -> Option<&Entry> {
        self.chunks
            .get(i / CHUNK_ENTRIES)
            .and_then(|c| c.get(i % CHUNK_ENTRIES))
    }

    /// The entry at `i` for writing: its chunk is copied first when another view shares it.
    pub fn get_mut(&mut self, i: usize) -> Option<&mut Entry> {
        let chunk = self.chunks.get_mut(i / CHUNK_ENTRIES)?;
        Arc::make_mut(chunk).get_mut(i % CHUNK_ENTRIES)
    }

    pub fn last(&self) -> Option<&Entry> {
        self.chunks.last().and_then(|c| c.last())
    }

    /// Append (callers keep UIDs ascending). Touches only the last chunk.
    pub fn push(&mut self, e: Entry) {
        match self.chunks.last_mut() {
            Some(last) if last.len() < CHUNK_ENTRIES => Arc::make_mut(last).push(e),
            _ => {
                // A mailbox past its first chunk is big: give the new chunk its full size
                // at once. A small one grows its only chunk as needed.
                let mut chunk = if self.len >= CHUNK_ENTRIES {
                    Vec::with_capacity(CHUNK_ENTRIES)
                } else {
                    Vec::new()
                };
                chunk.push(e);
                self.chunks.push(Arc::new(chunk));
            }
        }
        self.len += 1;
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Entry> + '_ {
        self.chunks.iter().flat_map(|c| c.iter())
    }

    /// The first position whose entry does not satisfy `pred`, where `pred` is true for a
    /// prefix of the entries (as `slice::partition_point`).
    pub fn partition_point(&self, pred: impl Fn(&Entry) -> bool) -> usize {
        // Chunks are never empty (module invariant), so `last()` is Some.
        let c = self
            .chunks
            .partition_point(|chunk| chunk.last().is_some_and(&pred));
        match self.chunks.get(c) {
            Some(chunk) => c * CHUNK_ENTRIES + chunk.partition_point(&pred),
            None => self.len,
        }
    }

    /// Position of `uid` (entries are ascending by UID): Ok(found) or Err(insertion point).
    pub fn binary_search_uid(&self, uid: u32) -> Result<usize, usize> {
        let i = self.partition_point(|e| e.uid < uid);
        match self.get(i) {
            Some(e) if e.uid == uid => Ok(i),
            _ => Err(i),
        }
    }

    /// Keep the entries for which `keep` is true. `keep` sees every entry once, in order.
    /// Chunks before the first removed entry stay shared; the rest are rebuilt.
    pub fn retain(&mut self, mut keep: impl FnMut(&Entry) -> bool) {
        let mut first_removed = None;
        'find: for (ci, chunk) in self.chunks.iter().enumerate() {
            for (j, e) in chunk.iter().enumerate() {
                if !keep(e) {
                    first_removed = Some((ci, j));
                    break 'find;
                }
            }
        }
        let Some((ci, j)) = first_removed else {
            return;
        };
        let tail = self.chunks.split_off(ci);
        self.len = ci * CHUNK_ENTRIES;
        let mut rest = tail.iter().flat_map(|c| c.iter());
        // The first j entries were kept; the one at j is removed.
        let kept_prefix: Vec<Entry> = rest.by_ref().take(j).copied().collect();
        rest.next();
        for e in kept_prefix {
            self.push(e);
        }
        for e in rest {
            if keep(e) {
                self.push(*e);
            }
        }
    }

    /// Insert at position `i` (`i <= len`); the chunks from `i`'s on are rebuilt.
    pub fn insert(&mut self, i: usize, e: Entry) {
        let i = i.min(self.len);
        let ci = i / CHUNK_ENTRIES;
        let tail = self.chunks.split_off(ci.min(self.chunks.len()));
        self.len = self.chunks.len() * CHUNK_ENTRIES;
        let mut rest = tail.iter().flat_map(|c| c.iter()).copied();
        for x in rest.by_ref().take(i - self.len) {
            self.push(x);
        }
        self.push(e);
        for x in rest {
            self.push(x);
        }
    }

    /// Replace each chunk whose contents equal `base`'s chunk at the same position by
    /// `base`'s, so a view that reached the same state as the kept base on its own (a new
    /// message appended by every IDLE session) shares it again.
    pub fn adopt(&mut self, base: &Entries) {
        for (mine, theirs) in self.chunks.iter_mut().zip(&base.chunks) {
            if !Arc::ptr_eq(mine, theirs) && mine[..] == theirs[..] {
                *mine = theirs.clone();
            }
        }
    }

    /// How many of this view's chunks are the very ones `other` holds.
    #[cfg(test)]
    pub fn shared_chunks(&self, other: &Entries) -> usize {
        self.chunks
            .iter()
            .zip(&other.chunks)
            .filter(|(a, b)| Arc::ptr_eq(a, b))
            .count()
    }

    #[cfg(test)]
    pub fn chunk_count(&self) -> usize {
        self.chunks.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(uid: u32) -> Entry {
        Entry {
            modseq: uid as u64,
            uid,
            packed: 0,
        }
    }

    fn filled(n: u32) -> Entries {
        let mut e = Entries::default();
        for uid in 1..=n {
            e.push(entry(uid * 2));
        }
        e
    }

    fn uids(e: &Entries) -> Vec<u32> {
        e.iter().map(|x| x.uid).collect()
    }

    fn check_invariant(e: &Entries) {
        let n = e.chunks.len();
        for (i, c) in e.chunks.iter().enumerate() {
            assert!(!c.is_empty());
            if i + 1 < n {
                assert_eq!(c.len(), CHUNK_ENTRIES);
            }
        }
        assert_eq!(e.iter().count(), e.len());
    }

    #[test]
    fn push_and_index_across_chunk_boundaries() {
        let n = (CHUNK_ENTRIES * 2 + 3) as u32;
        let e = filled(n);
        check_invariant(&e);
        assert_eq!(e.len(), n as usize);
        assert_eq!(e.chunk_count(), 3);
        for i in [0, CHUNK_ENTRIES - 1, CHUNK_ENTRIES, 2 * CHUNK_ENTRIES + 2] {
            assert_eq!(e.get(i).unwrap().uid, (i as u32 + 1) * 2);
        }
        assert!(e.get(n as usize).is_none());
        assert_eq!(e.last().unwrap().uid, n * 2);
        let rev: Vec<u32> = e.iter().rev().take(2).map(|x| x.uid).collect();
        assert_eq!(rev, vec![n * 2, n * 2 - 2]);
    }

    #[test]
    fn search_across_chunks() {
        let n = (CHUNK_ENTRIES * 3) as u32;
        let e = filled(n);
        for i in [
            0usize,
            1,
            CHUNK_ENTRIES - 1,
            CHUNK_ENTRIES,
            3 * CHUNK_ENTRIES - 1,
        ] {
            let uid = (i as u32 + 1) * 2;
            assert_eq!(e.binary_search_uid(uid), Ok(i));
            assert_eq!(e.binary_search_uid(uid - 1), Err(i));
        }
        assert_eq!(e.binary_search_uid(n * 2 + 1), Err(n as usize));
        assert_eq!(
            e.partition_point(|x| x.uid <= 2 * CHUNK_ENTRIES as u32),
            CHUNK_ENTRIES
        );
        assert_eq!(e.partition_point(|_| true), n as usize);
        assert_eq!(Entries::default().partition_point(|_| true), 0);
    }

    #[test]
    fn sharing_then_copy_on_write() {
        let base = filled((CHUNK_ENTRIES * 3) as u32);
        let mut session = base.clone();
        assert_eq!(session.shared_chunks(&base), 3);
        // A flag change copies the one chunk it touches.
        session.get_mut(CHUNK_ENTRIES + 5).unwrap().packed = 1;
        assert_eq!(session.shared_chunks(&base), 2);
        assert_eq!(base.get(CHUNK_ENTRIES + 5).unwrap().packed, 0);
        assert_eq!(session.get(CHUNK_ENTRIES + 5).unwrap().packed, 1);
        // An append into a full last chunk starts a new chunk and shares the rest.
        let mut appended = base.clone();
        appended.push(entry(1_000_000));
        assert_eq!(appended.shared_chunks(&base), 3);
        check_invariant(&appended);
        // Into a partial last chunk: only that chunk is copied.
        let partial = filled(CHUNK_ENTRIES as u32 + 1);
        let mut p2 = partial.clone();
        p2.push(entry(1_000_000));
        assert_eq!(p2.shared_chunks(&partial), 1);
        assert_eq!(partial.len(), CHUNK_ENTRIES + 1);
    }

    #[test]
    fn remove_rebuilds_from_the_removed_position_only() {
        let base = filled((CHUNK_ENTRIES * 3 + 10) as u32);
        let mut e = base.clone();
        let gone = [
            (CHUNK_ENTRIES as u32 + 1) * 2,
            (CHUNK_ENTRIES as u32 + 2) * 2,
            (3 * CHUNK_ENTRIES as u32 + 10) * 2,
        ];
        let mut seen = Vec::new();
        e.retain(|x| {
            seen.push(x.uid);
            !gone.contains(&x.uid)
        });
        // Every entry seen once, in order.
        assert_eq!(seen, uids(&base));
        check_invariant(&e);
        assert_eq!(e.len(), base.len() - 3);
        assert_eq!(e.shared_chunks(&base), 1);
        let want: Vec<u32> = uids(&base)
            .into_iter()
            .filter(|u| !gone.contains(u))
            .collect();
        assert_eq!(uids(&e), want);
        // Nothing removed: nothing copied.
        let mut same = base.clone();
        same.retain(|_| true);
        assert_eq!(same.shared_chunks(&base), base.chunk_count());
        // Everything removed.
        same.retain(|_| false);
        assert_eq!(same.len(), 0);
        check_invariant(&same);
    }

    #[test]
    fn insert_in_the_middle_and_at_the_end() {
        let base = filled((CHUNK_ENTRIES * 2) as u32);
        let mut e = base.clone();
        e.insert(CHUNK_ENTRIES + 1, entry(2 * CHUNK_ENTRIES as u32 + 3));
        check_invariant(&e);
        assert_eq!(e.len(), 2 * CHUNK_ENTRIES + 1);
        assert_eq!(
            e.get(CHUNK_ENTRIES + 1).unwrap().uid,
            2 * CHUNK_ENTRIES as u32 + 3
        );
        assert_eq!(
            e.get(CHUNK_ENTRIES + 2).unwrap().uid,
            (CHUNK_ENTRIES as u32 + 2) * 2
        );
        assert_eq!(e.shared_chunks(&base), 1);
        let mut end = base.clone();
        end.insert(end.len(), entry(u32::MAX));
        assert_eq!(end.last().unwrap().uid, u32::MAX);
        assert_eq!(end.shared_chunks(&base), 2);
        let mut empty = Entries::default();
        empty.insert(0, entry(5));
        assert_eq!(uids(&empty), vec![5]);
    }

    #[test]
    fn adopt_shares_equal_chunks_again() {
        let base0 = filled(CHUNK_ENTRIES as u32 + 3);
        // Two sessions append the same message on their own...
        let mut a = base0.clone();
        let mut b = base0.clone();
        a.push(entry(9_999));
        b.push(entry(9_999));
        assert_eq!(a.shared_chunks(&b), 1);
        // ...and b takes a's last chunk once a's view is the kept base.
        b.adopt(&a);
        assert_eq!(b.shared_chunks(&a), 2);
        // A chunk that differs is kept.
        b.get_mut(0).unwrap().packed = 7;
        b.adopt(&a);
        assert_eq!(b.shared_chunks(&a), 1);
        assert_eq!(b.get(0).unwrap().packed, 7);
    }
}
