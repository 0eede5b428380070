//! SORT keys: RFC 5256 §3 sort-key (ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO), RFC 5957
//! DISPLAYFROM/DISPLAYTO, RFC 5256 §2.2 sent date.
//!
//! Keys are computed once per message from the stored record (ENVELOPE bytes, sizes, dates:
//! no message body is loaded), then the rows are sorted. Strings are compared after the
//! RFC 5051 i;unicode-casemap mapping (RFC 5256 §7), so they are mapped once, up front.

use std::cmp::Ordering;

use loft_message::sortkeys::{self, EnvAddress, EnvelopeFields};
use loft_proto_imap::{SortCriterion, SortKey};
use loft_store::{MessageRecord, RecordDetail};

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
