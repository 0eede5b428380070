//! SORT and THREAD (RFC 5256 §5), with ESORT's RETURN (RFC 5267 §3) and DISPLAYFROM/
//! DISPLAYTO (RFC 5957). The search keys and charset check are SEARCH's (`search.rs`).

use super::{PResult, Parser};
use crate::ast::*;

impl Parser<'_> {
    /// RFC 5256 §5: `["UID" SP] "SORT" [SP "RETURN" ...] SP sort-criteria SP charset
    /// 1*(SP search-key)`; RETURN from RFC 5267 §3, DISPLAYFROM/DISPLAYTO from RFC 5957.
    pub(super) fn sort(&mut self, numbering: Numbering) -> PResult<CommandBody> {
        self.cmd = "SORT";
        self.sp()?;
        let ret = self.search_return_opts()?;
        self.open_paren("sort criteria")?;
        let criteria = self.list_items(Self::sort_criterion)?;
        self.sp()?;
        let charset = self.search_charset()?;
        self.sp()?;
        let key = self.search_criteria()?;
        Ok(CommandBody::Sort(SortCommand {
            numbering,
            ret,
            criteria,
            charset,
            key,
        }))
    }

    /// RFC 5256 §5: `sort-criterion = ["REVERSE" SP] sort-key`.
    fn sort_criterion(&mut self) -> PResult<SortCriterion> {
        let mut kw = self.keyword_upper("sort criterion")?;
        let is_reverse = kw == b"REVERSE";
        if is_reverse {
            self.sp()?;
            kw = self.keyword_upper("sort criterion")?;
        }
        let key = match kw.as_slice() {
            b"ARRIVAL" => SortKey::Arrival,
            b"CC" => SortKey::Cc,
            b"DATE" => SortKey::Date,
            b"FROM" => SortKey::From,
            b"SIZE" => SortKey::Size,
            b"SUBJECT" => SortKey::Subject,
            b"TO" => SortKey::To,
            b"DISPLAYFROM" => SortKey::DisplayFrom,
            b"DISPLAYTO" => SortKey::DisplayTo,
            _ => return Err(self.unknown("sort criterion", &kw)),
        };
        Ok(SortCriterion { is_reverse, key })
    }

    /// RFC 5256 §5: `["UID" SP] "THREAD" SP thread-alg SP charset 1*(SP search-key)`.
    pub(super) fn thread(&mut self, numbering: Numbering) -> PResult<CommandBody> {
        self.cmd = "THREAD";
        self.sp()?;
        let alg = self.keyword_upper("threading algorithm")?;
        let algorithm = match alg.as_slice() {
            b"ORDEREDSUBJECT" => ThreadAlgorithm::OrderedSubject,
            b"REFERENCES" => ThreadAlgorithm::References,
            _ => return Err(self.unknown("threading algorithm", &alg)),
        };
        self.sp()?;
        let charset = self.search_charset()?;
        self.sp()?;
        let key = self.search_criteria()?;
        Ok(CommandBody::Thread(ThreadCommand {
            numbering,
            algorithm,
            charset,
            key,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{bad, ok};
    use crate::ast::*;

    #[test]
    fn sort_and_thread() {
        // RFC 5256 §3 examples.
        let CommandBody::Sort(c) = ok(b"A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL") else {
            panic!()
        };
        assert_eq!(c.numbering, Numbering::Seq);
        assert_eq!(c.ret, None);
        assert_eq!(c.charset, "UTF-8");
        assert_eq!(
            c.criteria,
            vec![
                SortCriterion {
                    is_reverse: false,
                    key: SortKey::Subject
                },
                SortCriterion {
                    is_reverse: true,
                    key: SortKey::Date
                }
            ]
        );
        assert_eq!(c.key, SearchKey::All);
        // RFC 5267 §3.3.
        let CommandBody::Sort(c) =
            ok(b"E01 UID SORT RETURN () (REVERSE DATE) UTF-8 UNDELETED UNKEYWORD $Junk")
        else {
            panic!()
        };
        assert_eq!((c.numbering, c.ret), (Numbering::Uid, Some(vec![])));
        let CommandBody::Sort(c) = ok(b"a sort (displayfrom) us-ascii text \"x\"") else {
            panic!()
        };
        assert_eq!(c.criteria[0].key, SortKey::DisplayFrom);
        assert_eq!(bad(b"a SORT (SUBJECT) ALL").text, "Unsupported charset ALL");
        assert_eq!(
            bad(b"a SORT () UTF-8 ALL").text,
            "Expected sort criterion in SORT"
        );
        assert_eq!(
            bad(b"a SORT (REVERSE) UTF-8 ALL").text,
            "Expected a space in SORT"
        );
        assert_eq!(
            bad(b"a SORT (BOGUS) UTF-8 ALL").text,
            "Unknown sort criterion BOGUS"
        );
        let CommandBody::Thread(t) = ok(b"A285 UID THREAD REFERENCES UTF-8 SINCE 5-MAR-2000")
        else {
            panic!()
        };
        assert_eq!(
            (t.numbering, t.algorithm),
            (Numbering::Uid, ThreadAlgorithm::References)
        );
        assert!(matches!(
            ok(b"a THREAD orderedsubject US-ASCII ALL"),
            CommandBody::Thread(_)
        ));
        assert_eq!(
            bad(b"a THREAD JWZ UTF-8 ALL").text,
            "Unknown threading algorithm JWZ"
        );
    }
}
