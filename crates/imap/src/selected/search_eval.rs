//! SEARCH criteria evaluation (RFC 9051 §6.4.4, RFC 3501 §6.4.4 for NEW/OLD/RECENT,
//! RFC 7162 §3.1.5 MODSEQ). Pure: works on one message's data at a time.
//!
//! Evaluation is three-valued so cheap keys decide first: with only the view's data
//! (flags, UID, sequence number) a key that needs the message record (dates, size) or its
//! content (headers, text) answers `None` ("unknown"), and `AND`/`OR`/`NOT` combine unknowns
//! the Kleene way. Only messages still undecided get their record, and only those still
//! undecided after that get their content loaded.

use std::cell::OnceCell;

use chrono::NaiveDate;
use loft_proto_imap::{SearchKey, SequenceSet};
use loft_store::{Flags, MessageRecord, SearchField};

use super::sets;

/// A search key with sequence sets resolved and needles lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compiled {
    All,
    And(Vec<Compiled>),
    Or(Box<Compiled>, Box<Compiled>),
    Not(Box<Compiled>),
    /// Normalized sequence-number ranges.
    Seq(Vec<(u32, u32)>),
    /// Normalized UID ranges.
    Uid(Vec<(u32, u32)>),
    FlagSet(u8),
    FlagUnset(u8),
    Recent,
    Keyword(String),
    Unkeyword(String),
    /// Header field name, lower-cased needle; empty needle: the field exists.
    Header(String, String),
    /// FROM/TO/CC/SUBJECT on the ENVELOPE structure (RFC 9051 §6.4.4), compared as
    /// `loft_store::search_field_text` renders it; lower-cased needle.
    Envelope(SearchField, String),
    /// A text key answered by the store's search index: `hits` match (UIDs, ascending),
    /// `unindexed` are evaluated with `fallback` (the original key), every other
    /// message does not match.
    Indexed {
        hits: Vec<u32>,
        unindexed: Vec<u32>,
        fallback: Box<Compiled>,
    },
    Body(String),
    Text(String),
    Before(NaiveDate),
    On(NaiveDate),
    Since(NaiveDate),
    SentBefore(NaiveDate),
    SentOn(NaiveDate),
    SentSince(NaiveDate),
    Larger(u32),
    Smaller(u32),
    ModSeq(u64),
    /// RFC 5032 WITHIN, resolved against the clock at compile time: INTERNALDATE (unix
    /// seconds) at or before / at or after this instant.
    Older(i64),
    Younger(i64),
    /// RFC 8514 SAVEDATE comparisons, date only.
    SavedBefore(NaiveDate),
    SavedOn(NaiveDate),
    SavedSince(NaiveDate),
    SaveDateSupported,
    /// RFC 8474 §6 (ObjectIDs are case-sensitive).
    EmailId(String),
    ThreadId(String),
}

/// What the view knows when compiling: `*` and `$`.
pub struct Scope<'a> {
    pub exists: u32,
    /// The last UID (UIDNEXT when the mailbox is empty), for `*` in UID sets.
    pub largest_uid: u32,
    /// RFC 5182 saved result (UIDs, ascending).
    pub saved: &'a [u32],
    /// The server's clock (unix seconds) for RFC 5032 OLDER/YOUNGER.
    pub now: i64,
}

/// How much of a message a key needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Need {
    View,
    Record,
    Content,
}

/// One message as evaluation sees it.
pub struct Candidate<'a> {
    pub seq: u32,
    pub uid: u32,
    /// System flag bits (`Flags::SEEN`...).
    pub bits: u8,
    pub keywords: &'a [String],
    pub is_recent: bool,
    pub modseq: u64,
    pub record: Option<&'a MessageRecord>,
    pub raw: Option<&'a [u8]>,
    /// Decoded body text, then body text with header, computed once per message.
    pub text_cache: [OnceCell<String>; 2],
}

impl<'a> Candidate<'a> {
    pub fn new(
        seq: u32,
        uid: u32,
        bits: u8,
        keywords: &'a [String],
        is_recent: bool,
        modseq: u64,
    ) -> Candidate<'a> {
        Candidate {
            seq,
            uid,
            bits,
            keywords,
            is_recent,
            modseq,
            record: None,
            raw: None,
            text_cache: [OnceCell::new(), OnceCell::new()],
        }
    }
}

pub fn compile(key: &SearchKey, scope: &Scope) -> Compiled {
    use SearchKey as K;
    let set = |s: &SequenceSet, is_uid: bool| -> Compiled {
        match s {
            // `$` is a set of UIDs whichever way it is used (RFC 5182 §2.1).
            SequenceSet::Saved => Compiled::Uid(sets::normalize(
                scope.saved.iter().map(|&u| (u, u)).collect(),
            )),
            SequenceSet::Ranges(r) => {
                let largest = if is_uid {
                    scope.largest_uid
                } else {
                    scope.exists
                };
                // RFC 9051 §9 asks for BAD on sequence numbers past the end for commands in
                // general; for SEARCH, like Dovecot, such numbers simply match nothing, so
                // `SEARCH 1:*` in an empty mailbox is an empty result rather than an error.
                let ranges = sets::normalize(r.iter().map(|x| x.resolve(largest)).collect());
                if is_uid {
                    Compiled::Uid(ranges)
                } else {
                    Compiled::Seq(ranges)
                }
            }
        }
    };
    let lower = |s: &str| s.to_lowercase();
    match key {
        K::All => Compiled::All,
        K::And(keys) => Compiled::And(keys.iter().map(|k| compile(k, scope)).collect()),
        K::Or(a, b) => Compiled::Or(Box::new(compile(a, scope)), Box::new(compile(b, scope))),
        K::Not(k) => Compiled::Not(Box::new(compile(k, scope))),
        K::SequenceSet(s) => set(s, false),
        K::Uid(s) => set(s, true),
        K::Answered => Compiled::FlagSet(Flags::ANSWERED),
        K::Deleted => Compiled::FlagSet(Flags::DELETED),
        K::Draft => Compiled::FlagSet(Flags::DRAFT),
        K::Flagged => Compiled::FlagSet(Flags::FLAGGED),
        K::Seen => Compiled::FlagSet(Flags::SEEN),
        K::Unanswered => Compiled::FlagUnset(Flags::ANSWERED),
        K::Undeleted => Compiled::FlagUnset(Flags::DELETED),
        K::Undraft => Compiled::FlagUnset(Flags::DRAFT),
        K::Unflagged => Compiled::FlagUnset(Flags::FLAGGED),
        K::Unseen => Compiled::FlagUnset(Flags::SEEN),
        K::Recent => Compiled::Recent,
        // RFC 3501 §6.4.4: NEW == (RECENT UNSEEN), OLD == NOT RECENT.
        K::New => Compiled::And(vec![Compiled::Recent, Compiled::FlagUnset(Flags::SEEN)]),
        K::Old => Compiled::Not(Box::new(Compiled::Recent)),
        K::Keyword(k) => Compiled::Keyword(k.clone()),
        K::Unkeyword(k) => Compiled::Unkeyword(k.clone()),
        // RFC 9051 §6.4.4: FROM/TO/CC/SUBJECT search "the envelope structure's" field,
        // which the store keeps parsed: no message content is read. BCC is not among the
        // envelope fields the store renders, so it reads the header.
        K::Bcc(s) => Compiled::Header("bcc".into(), lower(s)),
        K::Cc(s) => Compiled::Envelope(SearchField::Cc, lower(s)),
        K::From(s) => Compiled::Envelope(SearchField::From, lower(s)),
        K::To(s) => Compiled::Envelope(SearchField::To, lower(s)),
        K::Subject(s) => Compiled::Envelope(SearchField::Subject, lower(s)),
        K::Header(name, s) => Compiled::Header(name.clone(), lower(s)),
        K::Body(s) => Compiled::Body(lower(s)),
        K::Text(s) => Compiled::Text(lower(s)),
        K::Before(d) => Compiled::Before(*d),
        K::On(d) => Compiled::On(*d),
        K::Since(d) => Compiled::Since(*d),
        K::SentBefore(d) => Compiled::SentBefore(*d),
        K::SentOn(d) => Compiled::SentOn(*d),
        K::SentSince(d) => Compiled::SentSince(*d),
        K::Larger(n) => Compiled::Larger(*n),
        K::Smaller(n) => Compiled::Smaller(*n),
        K::ModSeq(n) => Compiled::ModSeq(*n),
        // RFC 5032 §2: the target is now minus the interval.
        K::Older(n) => Compiled::Older(scope.now - i64::from(*n)),
        K::Younger(n) => Compiled::Younger(scope.now - i64::from(*n)),
        K::SavedBefore(d) => Compiled::SavedBefore(*d),
        K::SavedOn(d) => Compiled::SavedOn(*d),
        K::SavedSince(d) => Compiled::SavedSince(*d),
        K::SaveDateSupported => Compiled::SaveDateSupported,
        K::EmailId(id) => Compiled::EmailId(id.clone()),
        K::ThreadId(id) => Compiled::ThreadId(id.clone()),
    }
}

impl Compiled {
    /// The most any part of the key needs.
    pub fn need(&self) -> Need {
        match self {
            Compiled::And(v) => v.iter().map(|k| k.need()).max().unwrap_or(Need::View),
            Compiled::Or(a, b) => a.need().max(b.need()),
            Compiled::Not(k) => k.need(),
            // THREADID needs the content only for messages stored before the thread root
            // was derived at ingest; the others decide on the record.
            Compiled::Header(..)
            | Compiled::Body(_)
            | Compiled::Text(_)
            | Compiled::ThreadId(_) => Need::Content,
            Compiled::EmailId(_) | Compiled::Envelope(..) => Need::Record,
            Compiled::Indexed {
                unindexed,
                fallback,
                ..
            } => {
                if unindexed.is_empty() {
                    Need::View
                } else {
                    fallback.need()
                }
            }
            Compiled::Before(_)
            | Compiled::Older(_)
            | Compiled::Younger(_)
            | Compiled::SavedBefore(_)
            | Compiled::SavedOn(_)
            | Compiled::SavedSince(_)
            | Compiled::SaveDateSupported
            | Compiled::On(_)
            | Compiled::Since(_)
            | Compiled::SentBefore(_)
            | Compiled::SentOn(_)
            | Compiled::SentSince(_)
            | Compiled::Larger(_)
            | Compiled::Smaller(_) => Need::Record,
            _ => Need::View,
        }
    }

    /// Some(matches) or None when the candidate lacks the record/content this key needs.
    pub fn eval(&self, m: &Candidate) -> Option<bool> {
        match self {
            Compiled::All => Some(true),
            Compiled::And(keys) => {
                let mut unknown = false;
                for k in keys {
                    match k.eval(m) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                if unknown { None } else { Some(true) }
            }
            Compiled::Or(a, b) => match (a.eval(m), b.eval(m)) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            },
            Compiled::Not(k) => k.eval(m).map(|b| !b),
            Compiled::Seq(r) => Some(sets::contains(r, m.seq)),
            Compiled::Uid(r) => Some(sets::contains(r, m.uid)),
            Compiled::FlagSet(bit) => Some(m.bits & bit != 0),
            Compiled::FlagUnset(bit) => Some(m.bits & bit == 0),
            Compiled::Recent => Some(m.is_recent),
            Compiled::Keyword(k) => Some(m.keywords.iter().any(|x| x.eq_ignore_ascii_case(k))),
            Compiled::Unkeyword(k) => Some(!m.keywords.iter().any(|x| x.eq_ignore_ascii_case(k))),
            Compiled::ModSeq(n) => Some(m.modseq >= *n),
            // RFC 9051 §6.4.4: INTERNALDATE comparisons disregard time and timezone, so
            // the date is taken in the internal date's own zone.
            Compiled::Before(d) => m.record.map(|r| r.internal_date.date_naive() < *d),
            Compiled::On(d) => m.record.map(|r| r.internal_date.date_naive() == *d),
            Compiled::Since(d) => m.record.map(|r| r.internal_date.date_naive() >= *d),
            Compiled::SentBefore(d) => m.record.map(|r| sent_date(r).is_some_and(|s| s < *d)),
            Compiled::SentOn(d) => m.record.map(|r| sent_date(r).is_some_and(|s| s == *d)),
            Compiled::SentSince(d) => m.record.map(|r| sent_date(r).is_some_and(|s| s >= *d)),
            // RFC 9051 §6.4.4: LARGER/SMALLER compare RFC822.SIZE strictly.
            Compiled::Larger(n) => m.record.map(|r| r.size > *n),
            Compiled::Smaller(n) => m.record.map(|r| r.size < *n),
            Compiled::Older(t) => m.record.map(|r| r.internal_date.timestamp() <= *t),
            Compiled::Younger(t) => m.record.map(|r| r.internal_date.timestamp() >= *t),
            Compiled::SavedBefore(d) => m.record.map(|r| save_date(r) < *d),
            Compiled::SavedOn(d) => m.record.map(|r| save_date(r) == *d),
            Compiled::SavedSince(d) => m.record.map(|r| save_date(r) >= *d),
            Compiled::SaveDateSupported => m.record.map(has_save_date),
            Compiled::EmailId(id) => m.record.map(|r| crate::objectid::email_id(&r.blob) == *id),
            Compiled::ThreadId(id) => m.record.and_then(|r| {
                crate::objectid::derived(r, m.raw)
                    .map(|d| crate::objectid::thread_id(&r.blob, &d) == *id)
            }),
            Compiled::Envelope(field, needle) => m.record.map(|r| {
                loft_store::search_field_text(&r.parsed.envelope, *field)
                    .is_some_and(|t| t.contains(needle.as_str()))
            }),
            Compiled::Indexed {
                hits,
                unindexed,
                fallback,
            } => {
                if hits.binary_search(&m.uid).is_ok() {
                    Some(true)
                } else if unindexed.binary_search(&m.uid).is_ok() {
                    fallback.eval(m)
                } else {
                    Some(false)
                }
            }
            Compiled::Header(name, needle) => m.raw.map(|raw| {
                let values = loft_message::header_values(raw, name);
                // RFC 9051 §6.4.4 HEADER: an empty string matches every message that has
                // the field; otherwise a case-insensitive substring of the field body.
                if needle.is_empty() {
                    !values.is_empty()
                } else {
                    values
                        .iter()
                        .any(|v| v.to_lowercase().contains(needle.as_str()))
                }
            }),
            Compiled::Body(needle) => m.raw.map(|raw| {
                m.text_cache[0]
                    .get_or_init(|| loft_message::search_text(raw, false).to_lowercase())
                    .contains(needle.as_str())
            }),
            Compiled::Text(needle) => m.raw.map(|raw| {
                m.text_cache[1]
                    .get_or_init(|| loft_message::search_text(raw, true).to_lowercase())
                    .contains(needle.as_str())
            }),
        }
    }
}

impl Compiled {
    /// The question the store's search index can answer for this key, if any.
    pub fn index_query(&self) -> Option<(SearchField, &str)> {
        match self {
            Compiled::Body(n) => Some((SearchField::Body, n)),
            Compiled::Text(n) => Some((SearchField::Text, n)),
            Compiled::Envelope(f, n) => Some((*f, n)),
            Compiled::Header(name, n) if name.eq_ignore_ascii_case("bcc") => {
                Some((SearchField::Bcc, n))
            }
            _ => None,
        }
    }

    /// Every key the index could answer, in tree order.
    pub fn index_queries(&self, out: &mut Vec<(SearchField, String)>) {
        match self {
            Compiled::And(v) => v.iter().for_each(|k| k.index_queries(out)),
            Compiled::Or(a, b) => {
                a.index_queries(out);
                b.index_queries(out);
            }
            Compiled::Not(k) => k.index_queries(out),
            k => {
                if let Some((f, n)) = k.index_query() {
                    out.push((f, n.to_string()));
                }
            }
        }
    }

    /// Replaces the keys answered by the index (`answers`, as `index_queries` listed
    /// them: None where the index could not answer) with `Indexed`.
    pub fn apply_index(
        self,
        answers: &mut std::vec::IntoIter<Option<(Vec<u32>, Vec<u32>)>>,
    ) -> Compiled {
        match self {
            Compiled::And(v) => {
                Compiled::And(v.into_iter().map(|k| k.apply_index(answers)).collect())
            }
            Compiled::Or(a, b) => {
                let a = a.apply_index(answers);
                let b = b.apply_index(answers);
                Compiled::Or(Box::new(a), Box::new(b))
            }
            Compiled::Not(k) => Compiled::Not(Box::new(k.apply_index(answers))),
            k if k.index_query().is_some() => match answers.next().flatten() {
                Some((hits, unindexed)) => Compiled::Indexed {
                    hits,
                    unindexed,
                    fallback: Box::new(k),
                },
                None => k,
            },
            k => k,
        }
    }
}

/// RFC 8514 §4.3: the save date's date in its own zone; the internal date where the
/// store kept no save date ("MUST use the internal date attribute instead").
fn save_date(r: &MessageRecord) -> NaiveDate {
    r.save_date.unwrap_or(r.internal_date).date_naive()
}

/// RFC 8514 §4.3 SAVEDATESUPPORTED, decided per message: messages stored before the store
/// kept save dates (or on a backend without them) have none.
fn has_save_date(r: &MessageRecord) -> bool {
    r.save_date.is_some()
}

/// The Date: header's date in its own zone (RFC 9051 §6.4.4 SENT*: time and zone disregarded).
fn sent_date(r: &MessageRecord) -> Option<NaiveDate> {
    let ts = r.parsed.sent_date?;
    let local = ts.checked_add(r.parsed.sent_date_offset_secs as i64)?;
    chrono::DateTime::from_timestamp(local, 0).map(|d| d.date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;
    use loft_proto_imap::{SeqBound, SeqRange};

    fn ranges(v: &[(u32, u32)]) -> SequenceSet {
        SequenceSet::Ranges(
            v.iter()
                .map(|&(a, b)| SeqRange {
                    start: SeqBound::Value(a),
                    end: SeqBound::Value(b),
                })
                .collect(),
        )
    }

    fn scope() -> Scope<'static> {
        Scope {
            exists: 5,
            largest_uid: 50,
            saved: &[20, 40],
            now: 1_000_000,
        }
    }

    fn cand(seq: u32, bits: u8, recent: bool) -> Candidate<'static> {
        Candidate::new(seq, seq * 10, bits, &[], recent, seq as u64)
    }

    fn matches(key: &SearchKey) -> Vec<u32> {
        let c = compile(key, &scope());
        (1..=5)
            .filter(|&s| {
                let bits = if s % 2 == 0 { Flags::SEEN } else { 0 };
                c.eval(&cand(s, bits, s >= 4)) == Some(true)
            })
            .collect()
    }

    #[test]
    fn flags_sets_and_logic() {
        assert_eq!(matches(&SearchKey::Seen), vec![2, 4]);
        assert_eq!(matches(&SearchKey::Unseen), vec![1, 3, 5]);
        assert_eq!(matches(&SearchKey::New), vec![5]);
        assert_eq!(matches(&SearchKey::Old), vec![1, 2, 3]);
        assert_eq!(
            matches(&SearchKey::SequenceSet(ranges(&[(4, 2)]))),
            vec![2, 3, 4]
        );
        assert_eq!(matches(&SearchKey::Uid(ranges(&[(25, 45)]))), vec![3, 4]);
        assert_eq!(matches(&SearchKey::Uid(SequenceSet::Saved)), vec![2, 4]);
        assert_eq!(
            matches(&SearchKey::SequenceSet(SequenceSet::Saved)),
            vec![2, 4]
        );
        let or = SearchKey::Or(Box::new(SearchKey::Seen), Box::new(SearchKey::Recent));
        assert_eq!(matches(&or), vec![2, 4, 5]);
        let and = SearchKey::And(vec![
            SearchKey::Seen,
            SearchKey::Not(Box::new(SearchKey::Recent)),
        ]);
        assert_eq!(matches(&and), vec![2]);
        assert_eq!(matches(&SearchKey::ModSeq(4)), vec![4, 5]);
    }

    #[test]
    fn star_in_search_sets() {
        let star = SequenceSet::Ranges(vec![SeqRange {
            start: SeqBound::Star,
            end: SeqBound::Star,
        }]);
        assert_eq!(matches(&SearchKey::SequenceSet(star.clone())), vec![5]);
        assert_eq!(matches(&SearchKey::Uid(star)), vec![5]);
        // Past the end: no match, no error.
        assert!(matches(&SearchKey::SequenceSet(ranges(&[(9, 12)]))).is_empty());
    }

    #[test]
    fn unknown_until_record_or_content_loaded() {
        let key = SearchKey::And(vec![SearchKey::Seen, SearchKey::Larger(10)]);
        let c = compile(&key, &scope());
        assert_eq!(c.need(), Need::Record);
        // Decided by the cheap key alone.
        assert_eq!(c.eval(&cand(1, 0, false)), Some(false));
        // Undecided without the record.
        assert_eq!(c.eval(&cand(2, Flags::SEEN, false)), None);
        let or = compile(
            &SearchKey::Or(
                Box::new(SearchKey::Seen),
                Box::new(SearchKey::Body("x".into())),
            ),
            &scope(),
        );
        assert_eq!(or.need(), Need::Content);
        assert_eq!(or.eval(&cand(2, Flags::SEEN, false)), Some(true));
        assert_eq!(or.eval(&cand(1, 0, false)), None);
        let not = compile(
            &SearchKey::Not(Box::new(SearchKey::Subject("x".into()))),
            &scope(),
        );
        assert_eq!(not.eval(&cand(1, 0, false)), None);
    }

    #[test]
    fn keywords_case_insensitive() {
        let kws = vec!["$Label1".to_string()];
        let c = Candidate::new(1, 1, 0, &kws, false, 1);
        assert_eq!(
            compile(&SearchKey::Keyword("$label1".into()), &scope()).eval(&c),
            Some(true)
        );
        assert_eq!(
            compile(&SearchKey::Unkeyword("$LABEL1".into()), &scope()).eval(&c),
            Some(false)
        );
        assert_eq!(
            compile(&SearchKey::Unkeyword("other".into()), &scope()).eval(&c),
            Some(true)
        );
    }
}
