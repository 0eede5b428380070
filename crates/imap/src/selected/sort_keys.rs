//! SORT keys: RFC 5256 §3 sort-key (ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO), RFC 5957
//! DISPLAYFROM/DISPLAYTO, RFC 5256 §2.2 sent date.
//!
//! Keys are computed once per message from the stored record (ENVELOPE bytes, sizes, dates:
//! no message body is loaded), then the rows are sorted. Strings are compared after the
//! RFC 5051 i;unicode-casemap mapping (RFC 5256 §7), so they are mapped once, up front.

use std::cmp::Ordering;

use loft_message::sortkeys::{self, EnvAddress, EnvelopeFields};
use loft_proto_imap::{SortCriterion, SortKey};
use loft_store::{MessageRecord, NumericSortKeys, RecordDetail};

/// One computed sort key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyValue {
    Num(i64),
    /// Already casemapped; "" (absent header) collates first (RFC 5256 §3).
    Str(String),
}

/// A message to be sorted: its 0-based view position and its keys, in criteria order.
#[derive(Debug, Clone)]
pub struct SortRow {
    pub index: u32,
    pub keys: Vec<KeyValue>,
}

/// The keys of one message for `criteria`.
pub fn keys_for(record: &MessageRecord, criteria: &[SortCriterion]) -> Vec<KeyValue> {
    let needs_envelope = criteria
        .iter()
        .any(|c| !matches!(c.key, SortKey::Arrival | SortKey::Date | SortKey::Size));
    let env = if needs_envelope {
        sortkeys::parse_envelope(&record.parsed.envelope).unwrap_or_default()
    } else {
        EnvelopeFields::default()
    };
    criteria
        .iter()
        .map(|c| match c.key {
            // RFC 5256 §3 ARRIVAL: internal date and time (not just the date, unlike ON).
            SortKey::Arrival => KeyValue::Num(record.internal_date.timestamp()),
            SortKey::Date => KeyValue::Num(sent_date(record)),
            SortKey::Size => KeyValue::Num(i64::from(record.size)),
            SortKey::From => KeyValue::Str(first_mailbox(&env.from)),
            SortKey::To => KeyValue::Str(first_mailbox(&env.to)),
            SortKey::Cc => KeyValue::Str(first_mailbox(&env.cc)),
            SortKey::Subject => KeyValue::Str(subject_key(env.subject.as_deref())),
            SortKey::DisplayFrom => KeyValue::Str(first_display(&env.from)),
            SortKey::DisplayTo => KeyValue::Str(first_display(&env.to)),
        })
        .collect()
}

/// What of each record `keys_for` reads: the sent date alone for ARRIVAL, DATE and SIZE,
/// ENVELOPE for the address and subject keys (never BODYSTRUCTURE or the part tree).
pub fn record_detail(criteria: &[SortCriterion]) -> RecordDetail {
    if criteria
        .iter()
        .all(|c| matches!(c.key, SortKey::Arrival | SortKey::Date | SortKey::Size))
    {
        RecordDetail::SentDate
    } else {
        RecordDetail::Envelope
    }
}

/// Sort rows by `criteria` (each possibly REVERSE), then by view position: RFC 5256 §3, the
/// implicit last criterion "sequence number", which REVERSE never reverses.
pub fn sort_rows(rows: &mut [SortRow], criteria: &[SortCriterion]) {
    rows.sort_by(|a, b| compare(a, b, criteria));
}

fn compare(a: &SortRow, b: &SortRow, criteria: &[SortCriterion]) -> Ordering {
    for (i, c) in criteria.iter().enumerate() {
        let o = a.keys.get(i).cmp(&b.keys.get(i));
        let o = if c.is_reverse { o.reverse() } else { o };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.index.cmp(&b.index)
}

/// Whether every criterion is ARRIVAL, DATE or SIZE: then SORT reads only
/// [`NumericSortKeys`] and sorts fixed-size [`NumericRow`]s (issue 6).
pub fn all_numeric(criteria: &[SortCriterion]) -> bool {
    criteria
        .iter()
        .all(|c| matches!(c.key, SortKey::Arrival | SortKey::Date | SortKey::Size))
}

/// A message sorted by numeric criteria: its keys in criteria order (REVERSE already
/// applied), then its 0-based view position. Comparing tuples is the whole comparison:
/// RFC 5256 §3 criteria in priority order, then the implicit "sequence number", which
/// REVERSE never reverses. Positions are unique, so an unstable sort is deterministic.
pub type NumericRow = ([i64; 3], u32);

/// The row of one message for `criteria` (all numeric: [`all_numeric`]). A key repeated
/// in `criteria` is left out: where its first occurrence ties, so does every later one.
/// At most three distinct keys remain; unused slots are 0 in every row.
pub fn numeric_row(k: &NumericSortKeys, index: u32, criteria: &[SortCriterion]) -> NumericRow {
    let mut keys = [0i64; 3];
    let mut seen = [false; 3];
    let mut n = 0;
    for c in criteria {
        let (slot, v) = match c.key {
            // Same values as `keys_for`: ARRIVAL the internal date and time, DATE
            // `sent_date` (RFC 5256 §2.2), SIZE RFC822.SIZE.
            SortKey::Arrival => (0, k.internal_date),
            SortKey::Date => (1, k.sent_date),
            SortKey::Size => (2, i64::from(k.size)),
            _ => continue,
        };
        if seen[slot] || n >= keys.len() {
            continue;
        }
        seen[slot] = true;
        // Bitwise NOT reverses the order of every i64 (no overflow, unlike negation).
        keys[n] = if c.is_reverse { !v } else { v };
        n += 1;
    }
    (keys, index)
}

/// RFC 5256 §2.2: the Date: header normalized to UTC, else the internal date.
pub fn sent_date(record: &MessageRecord) -> i64 {
    record
        .parsed
        .sent_date
        .unwrap_or_else(|| record.internal_date.timestamp())
}

/// The casemapped base subject (RFC 5256 §2.1) of a raw Subject value.
pub fn subject_key(raw: Option<&[u8]>) -> String {
    match raw {
        Some(raw) => sortkeys::casemap(&sortkeys::base_subject(raw).text),
        None => String::new(),
    }
}

/// RFC 5256 §3 FROM/TO/CC: the addr-mailbox of the first address.
fn first_mailbox(list: &[EnvAddress]) -> String {
    list.first()
        .and_then(|a| a.mailbox.as_deref())
        .map(|m| sortkeys::casemap(&String::from_utf8_lossy(m)))
        .unwrap_or_default()
}

/// RFC 5957 §4: the DISPLAY value of the first address.
fn first_display(list: &[EnvAddress]) -> String {
    list.first()
        .map(|a| sortkeys::casemap(&sortkeys::display_value(a)))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(index: u32, keys: Vec<KeyValue>) -> SortRow {
        SortRow { index, keys }
    }

    #[test]
    fn reverse_does_not_reverse_the_implicit_sequence_order() {
        let crit = [SortCriterion {
            is_reverse: true,
            key: SortKey::Subject,
        }];
        let s = |x: &str| KeyValue::Str(x.into());
        let mut rows = vec![
            row(0, vec![s("b")]),
            row(1, vec![s("a")]),
            row(2, vec![s("b")]),
            row(3, vec![s("")]),
        ];
        sort_rows(&mut rows, &crit);
        assert_eq!(
            rows.iter().map(|r| r.index).collect::<Vec<_>>(),
            vec![0, 2, 1, 3]
        );
    }

    fn record(uid: u32, internal: i64, sent: Option<i64>, size: u32) -> MessageRecord {
        use chrono::{DateTime, FixedOffset};
        let tz = FixedOffset::east_opt(-5 * 3600).expect("valid offset");
        let date = DateTime::from_timestamp(internal, 0)
            .expect("test dates are in range")
            .with_timezone(&tz);
        MessageRecord {
            uid: loft_store::Uid::new(uid).expect("test UIDs are non-zero"),
            modseq: loft_store::ModSeq(1),
            flags: Default::default(),
            internal_date: date,
            save_date: None,
            size,
            blob: loft_store::BlobId(String::new()),
            parsed: std::sync::Arc::new(loft_message::ParsedMessage::keys_only(
                Vec::new(),
                sent,
                3600,
            )),
        }
    }

    /// The numeric path orders exactly as the general one, for every combination of one
    /// to four numeric criteria (repeats included), REVERSE or not, on messages with equal
    /// dates and sizes, no Date: header, and sent dates before/after the internal date.
    #[test]
    fn numeric_path_matches_general_path() {
        let recs = [
            record(1, 1000, Some(500), 10),
            record(2, 1000, None, 10),
            record(3, 900, Some(1000), 20),
            record(4, 1000, Some(1000), 5),
            record(5, 2000, None, 20),
            record(6, 900, Some(500), 10),
            record(7, -5, None, 0),
            record(8, 1000, Some(i64::MAX), u32::MAX),
            record(9, 1000, Some(i64::MIN + 1), 10),
        ];
        let keys = [SortKey::Arrival, SortKey::Date, SortKey::Size];
        let mut all = Vec::new();
        for len in 1..=4u32 {
            for code in 0..6u32.pow(len) {
                let mut c = code;
                let crit: Vec<SortCriterion> = (0..len)
                    .map(|_| {
                        let (k, r) = (c % 6 / 2, c % 2 == 1);
                        c /= 6;
                        SortCriterion {
                            is_reverse: r,
                            key: keys[k as usize],
                        }
                    })
                    .collect();
                all.push(crit);
            }
        }
        for crit in all {
            assert!(all_numeric(&crit));
            let mut rows: Vec<SortRow> = recs
                .iter()
                .enumerate()
                .map(|(i, r)| row(i as u32, keys_for(r, &crit)))
                .collect();
            sort_rows(&mut rows, &crit);
            let general: Vec<u32> = rows.iter().map(|r| r.index).collect();
            let mut fast: Vec<NumericRow> = recs
                .iter()
                .enumerate()
                .map(|(i, r)| numeric_row(&NumericSortKeys::of(r), i as u32, &crit))
                .collect();
            fast.sort_unstable();
            let fast: Vec<u32> = fast.iter().map(|r| r.1).collect();
            assert_eq!(fast, general, "{crit:?}");
        }
    }

    #[test]
    fn multiple_criteria_in_priority_order() {
        let crit = [
            SortCriterion {
                is_reverse: false,
                key: SortKey::Subject,
            },
            SortCriterion {
                is_reverse: true,
                key: SortKey::Date,
            },
        ];
        let r = |i, s: &str, d| row(i, vec![KeyValue::Str(s.into()), KeyValue::Num(d)]);
        let mut rows = vec![
            r(0, "b", 1),
            r(1, "a", 1),
            r(2, "b", 5),
            r(3, "a", 9),
            r(4, "", 0),
        ];
        sort_rows(&mut rows, &crit);
        assert_eq!(
            rows.iter().map(|r| r.index).collect::<Vec<_>>(),
            vec![4, 3, 1, 2, 0]
        );
    }
}
