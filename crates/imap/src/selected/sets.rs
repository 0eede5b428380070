//! Sequence-set arithmetic (RFC 9051 §9 sequence-set): resolving `*` and reversed ranges,
//! merging, membership, and rendering a sorted list compactly (`1:3,7`). Pure.

use loft_proto_imap::SeqRange;

/// Resolve message-sequence-number ranges against the number of messages. None when a
/// number is above `exists` (RFC 9051 §9 seq-number: the server should answer BAD), which
/// includes `*` in an empty mailbox.
pub fn resolve_seq_ranges(ranges: &[SeqRange], exists: u32) -> Option<Vec<(u32, u32)>> {
    let mut out = Vec::with_capacity(ranges.len());
    for r in ranges {
        let (low, high) = r.resolve(exists);
        if low == 0 || high > exists {
            return None;
        }
        out.push((low, high));
    }
    Some(normalize(out))
}

/// Sort and merge overlapping or adjacent inclusive ranges.
pub fn normalize(mut ranges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    ranges.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
    for (low, high) in ranges {
        match out.last_mut() {
            Some(last) if low <= last.1.saturating_add(1) => last.1 = last.1.max(high),
            _ => out.push((low, high)),
        }
    }
    out
}

/// Every number of normalized ranges, ascending.
pub fn expand(ranges: &[(u32, u32)]) -> impl Iterator<Item = u32> + '_ {
    ranges.iter().flat_map(|&(low, high)| low..=high)
}

/// Whether `n` is in normalized ranges.
pub fn contains(ranges: &[(u32, u32)], n: u32) -> bool {
    let i = ranges.partition_point(|r| r.1 < n);
    ranges.get(i).is_some_and(|r| r.0 <= n)
}

/// Render ascending numbers as a compact sequence set: `1:3,7,9:10`. Empty input renders
/// as an empty string (callers never emit it: RFC 4731 §3.1 omits ALL when empty).
pub fn render_set(sorted: &[u32]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        let mut end = start;
        while i + 1 < sorted.len() && sorted[i + 1] == end.wrapping_add(1) && sorted[i + 1] > end {
            end = sorted[i + 1];
            i += 1;
        }
        if !out.is_empty() {
            out.push(',');
        }
        // Writing to a String cannot fail.
        let _ = if start == end {
            write!(out, "{start}")
        } else {
            write!(out, "{start}:{end}")
        };
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use loft_proto_imap::SeqBound::{Star, Value};

    fn r(a: loft_proto_imap::SeqBound, b: loft_proto_imap::SeqBound) -> SeqRange {
        SeqRange { start: a, end: b }
    }

    #[test]
    fn rfc9051_example_set() {
        // RFC 9051 §9: 2,4:7,9,12:* in a 15-message mailbox is 2,4,5,6,7,9,12,13,14,15.
        let set = [
            r(Value(2), Value(2)),
            r(Value(4), Value(7)),
            r(Value(9), Value(9)),
            r(Value(12), Star),
        ];
        let got: Vec<u32> = expand(&resolve_seq_ranges(&set, 15).unwrap()).collect();
        assert_eq!(got, vec![2, 4, 5, 6, 7, 9, 12, 13, 14, 15]);
    }

    #[test]
    fn reversed_and_overlapping_ranges_merge() {
        let set = [
            r(Value(4), Value(2)),
            r(Value(3), Value(5)),
            r(Value(7), Value(6)),
        ];
        assert_eq!(resolve_seq_ranges(&set, 9).unwrap(), vec![(2, 7)]);
    }

    #[test]
    fn seq_past_end_or_star_in_empty_mailbox_is_invalid() {
        assert!(resolve_seq_ranges(&[r(Value(1), Value(4))], 3).is_none());
        assert!(resolve_seq_ranges(&[r(Star, Star)], 0).is_none());
        assert!(resolve_seq_ranges(&[r(Value(1), Star)], 0).is_none());
        assert_eq!(
            resolve_seq_ranges(&[r(Star, Value(2))], 3).unwrap(),
            vec![(2, 3)]
        );
    }

    #[test]
    fn render_compacts_runs() {
        assert_eq!(render_set(&[1, 2, 3, 7, 9, 10]), "1:3,7,9:10");
        assert_eq!(render_set(&[5]), "5");
        assert_eq!(render_set(&[]), "");
        assert_eq!(
            render_set(&[u32::MAX - 1, u32::MAX]),
            format!("{}:{}", u32::MAX - 1, u32::MAX)
        );
    }

    #[test]
    fn membership() {
        let n = normalize(vec![(10, 12), (1, 3), (4, 4)]);
        assert_eq!(n, vec![(1, 4), (10, 12)]);
        assert!(contains(&n, 1) && contains(&n, 4) && contains(&n, 11));
        assert!(!contains(&n, 5) && !contains(&n, 13) && !contains(&n, 0));
    }
}
