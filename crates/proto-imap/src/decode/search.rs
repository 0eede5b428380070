//! SEARCH (RFC 9051 §6.4.4) with ESEARCH RETURN options (RFC 4731 §3.1, RFC 5182 SAVE,
//! RFC 9394 PARTIAL), ESEARCH across mailboxes (RFC 7377 §4), and the search-key grammar
//! and CHARSET check that SORT and THREAD share.

use super::{PResult, Parser, SEARCH_CHARSETS};
use crate::ast::*;
use crate::datetime;
use crate::writer::Code;

impl Parser<'_> {
    /// SEARCH: RFC 9051 §6.4.4, ESEARCH RETURN (RFC 4731 §3.1), SAVE (RFC 5182 §2.1).
    pub(super) fn search(&mut self, numbering: Numbering) -> PResult<CommandBody> {
        self.cmd = "SEARCH";
        self.sp()?;
        let ret = self.search_return_opts()?;
        let mut charset = None;
        if self.peek_keyword(b"CHARSET") {
            self.sp()?;
            charset = Some(self.search_charset()?);
            self.sp()?;
        }
        let key = self.search_criteria()?;
        Ok(CommandBody::Search(SearchCommand {
            numbering,
            ret,
            charset,
            key,
        }))
    }

    /// RFC 7377 §4: `"ESEARCH" [SP "IN" SP "(" filter-mailboxes *(SP filter-mailboxes) ")"]
    /// [SP search-return-opts] SP search-program`.
    pub(super) fn esearch(&mut self) -> PResult<CommandBody> {
        self.cmd = "ESEARCH";
        let mut source = None;
        let start = self.pos;
        if self.eat(b' ') && self.peek_keyword(b"IN") {
            self.sp()?;
            self.open_paren("ESEARCH source options")?;
            source = Some(self.list_items(|p| p.filter_mailboxes(true))?);
        } else {
            self.pos = start;
        }
        let CommandBody::Search(search) = self.search(Numbering::Uid)? else {
            return Err(self.err("Expected search criteria"));
        };
        self.cmd = "ESEARCH";
        Ok(CommandBody::Esearch { source, search })
    }

    /// RFC 5267 §5: `"CANCELUPDATE" 1*(SP quoted)`.
    pub(super) fn cancel_update(&mut self) -> PResult<CommandBody> {
        self.cmd = "CANCELUPDATE";
        let mut tags = Vec::new();
        while tags.is_empty() || !self.at_line_end() {
            self.sp()?;
            tags.push(String::from_utf8_lossy(&self.quoted()?).into_owned());
        }
        Ok(CommandBody::CancelUpdate(tags))
    }

    /// `[ "RETURN" SP "(" [opt *(SP opt)] ")" SP ]` (RFC 4731 §3.1, RFC 5182, RFC 5267 §3,
    /// RFC 9394 PARTIAL).
    pub(super) fn search_return_opts(&mut self) -> PResult<Option<Vec<SearchReturn>>> {
        if !self.peek_keyword(b"RETURN") {
            return Ok(None);
        }
        self.sp()?;
        self.open_paren("SEARCH RETURN options")?;
        let mut opts: Vec<SearchReturn> = Vec::new();
        if !self.eat(b')') {
            self.list_rest(|p| {
                let kw = p.keyword_upper("SEARCH RETURN option")?;
                let opt = match kw.as_slice() {
                    b"MIN" => SearchReturn::Min,
                    b"MAX" => SearchReturn::Max,
                    b"ALL" => SearchReturn::All,
                    b"COUNT" => SearchReturn::Count,
                    b"SAVE" => SearchReturn::Save,
                    // RFC 5267 §4.2, §4.3.
                    b"CONTEXT" => SearchReturn::Context,
                    b"UPDATE" => SearchReturn::Update,
                    b"PARTIAL" => {
                        p.sp()?;
                        SearchReturn::Partial(p.partial_range()?)
                    }
                    _ => return Err(p.unknown("SEARCH RETURN option", &kw)),
                };
                // RFC 9394 §3.1: at most one of PARTIAL and ALL, and one PARTIAL.
                let is_range =
                    |o: &SearchReturn| matches!(o, SearchReturn::All | SearchReturn::Partial(_));
                if is_range(&opt) && opts.iter().any(|o| is_range(o) && *o != opt) {
                    return Err(p.err("Only one of PARTIAL and ALL may be given"));
                }
                if !opts.contains(&opt) {
                    opts.push(opt);
                }
                Ok(())
            })?;
        }
        self.sp()?;
        Ok(Some(opts))
    }

    /// RFC 9394 partial-range: `a:b` or `-a:-b`, non-zero, either order. Also the FETCH
    /// PARTIAL modifier (RFC 9394 §3.3).
    pub(super) fn partial_range(&mut self) -> PResult<PartialRange> {
        let from_end = self.eat(b'-');
        let a = self.nz_number("partial range")?;
        self.expect(b':', "':'")?;
        if self.eat(b'-') != from_end {
            return Err(self.err("Both ends of a partial range must have the same sign"));
        }
        let b = self.nz_number("partial range")?;
        Ok(PartialRange {
            low: a.min(b),
            high: a.max(b),
            from_end,
        })
    }

    /// A charset name, which must be one SEARCH accepts (else NO [BADCHARSET], RFC 9051
    /// §6.4.4).
    pub(super) fn search_charset(&mut self) -> PResult<String> {
        let raw = self.astring("charset")?;
        let name = String::from_utf8_lossy(&raw).to_ascii_uppercase();
        if !SEARCH_CHARSETS.contains(&name.as_str()) {
            let mut e = self.err(format!("Unsupported charset {name}"));
            e.code = Some(Code::BadCharset(
                SEARCH_CHARSETS.iter().map(|s| s.to_string()).collect(),
            ));
            return Err(e);
        }
        Ok(name)
    }

    /// One or more search keys; several are an implicit AND.
    pub(super) fn search_criteria(&mut self) -> PResult<SearchKey> {
        let mut keys = vec![self.search_key(1)?];
        while self.eat(b' ') {
            keys.push(self.search_key(1)?);
        }
        Ok(and_of(keys))
    }

    fn search_key(&mut self, depth: usize) -> PResult<SearchKey> {
        self.depth_guard(depth)?;
        match self.peek() {
            Some(b'(') => {
                // A plain loop rather than `list_items`: each nesting level costs this
                // function's frames, which HARD_MAX_NESTING is sized against.
                self.pos += 1;
                let mut keys = vec![self.search_key(depth + 1)?];
                loop {
                    if self.eat(b')') {
                        break;
                    }
                    self.sp()?;
                    keys.push(self.search_key(depth + 1)?);
                }
                return Ok(and_of(keys));
            }
            Some(b'0'..=b'9' | b'*' | b'$') => {
                return Ok(SearchKey::SequenceSet(self.sequence_set()?));
            }
            None | Some(b'\r') => return Err(self.err("Missing search criteria")),
            _ => {}
        }
        let start = self.pos;
        let kw = self.keyword().to_ascii_uppercase();
        use SearchKey as K;
        let key = match kw.as_slice() {
            b"ALL" => K::All,
            b"ANSWERED" => K::Answered,
            b"DELETED" => K::Deleted,
            b"DRAFT" => K::Draft,
            b"FLAGGED" => K::Flagged,
            b"SEEN" => K::Seen,
            b"RECENT" => K::Recent,
            b"NEW" => K::New,
            b"OLD" => K::Old,
            b"UNANSWERED" => K::Unanswered,
            b"UNDELETED" => K::Undeleted,
            b"UNDRAFT" => K::Undraft,
            b"UNFLAGGED" => K::Unflagged,
            b"UNSEEN" => K::Unseen,
            b"KEYWORD" | b"UNKEYWORD" => {
                self.sp()?;
                let word = self.atom("keyword")?;
                let word = String::from_utf8_lossy(&word).into_owned();
                if kw == b"KEYWORD" {
                    K::Keyword(word)
                } else {
                    K::Unkeyword(word)
                }
            }
            b"BCC" => K::Bcc(self.search_string()?),
            b"CC" => K::Cc(self.search_string()?),
            b"FROM" => K::From(self.search_string()?),
            b"TO" => K::To(self.search_string()?),
            b"SUBJECT" => K::Subject(self.search_string()?),
            b"BODY" => K::Body(self.search_string()?),
            b"TEXT" => K::Text(self.search_string()?),
            b"HEADER" => {
                let name = self.search_string()?;
                let value = self.search_string()?;
                K::Header(name, value)
            }
            b"BEFORE" => K::Before(self.search_date()?),
            b"ON" => K::On(self.search_date()?),
            b"SINCE" => K::Since(self.search_date()?),
            b"SENTBEFORE" => K::SentBefore(self.search_date()?),
            b"SENTON" => K::SentOn(self.search_date()?),
            b"SENTSINCE" => K::SentSince(self.search_date()?),
            // RFC 9051 §9 uses number64; sizes beyond u32 saturate (no message is that big).
            b"LARGER" => {
                self.sp()?;
                K::Larger(u32::try_from(self.number64("size")?).unwrap_or(u32::MAX))
            }
            b"SMALLER" => {
                self.sp()?;
                K::Smaller(u32::try_from(self.number64("size")?).unwrap_or(u32::MAX))
            }
            b"UID" => {
                self.sp()?;
                K::Uid(self.sequence_set()?)
            }
            b"NOT" => {
                self.sp()?;
                K::Not(Box::new(self.search_key(depth + 1)?))
            }
            b"OR" => {
                self.sp()?;
                let a = self.search_key(depth + 1)?;
                self.sp()?;
                let b = self.search_key(depth + 1)?;
                K::Or(Box::new(a), Box::new(b))
            }
            // RFC 7162 §3.1.5: "MODSEQ" [SP entry-name SP entry-type-req] SP mod-sequence-valzer.
            // RFC 5032 §3: ( "OLDER" / "YOUNGER" ) SP nz-number.
            b"OLDER" => {
                self.sp()?;
                K::Older(self.nz_number("interval")?)
            }
            b"YOUNGER" => {
                self.sp()?;
                K::Younger(self.nz_number("interval")?)
            }
            // RFC 8514 §4.2.
            b"SAVEDBEFORE" => K::SavedBefore(self.search_date()?),
            b"SAVEDON" => K::SavedOn(self.search_date()?),
            b"SAVEDSINCE" => K::SavedSince(self.search_date()?),
            b"SAVEDATESUPPORTED" => K::SaveDateSupported,
            b"MODSEQ" => {
                self.sp()?;
                if self.peek() == Some(b'"') {
                    self.quoted()?;
                    self.sp()?;
                    let t = self.keyword_upper("entry type")?;
                    if !matches!(t.as_slice(), b"PRIV" | b"SHARED" | b"ALL") {
                        return Err(self.err("MODSEQ entry type must be priv, shared or all"));
                    }
                    self.sp()?;
                }
                K::ModSeq(self.number64("mod-sequence")?)
            }
            // RFC 8474 §6: "EMAILID" SP objectid / "THREADID" SP objectid.
            b"EMAILID" | b"THREADID" => {
                self.sp()?;
                let id = self.atom("objectid")?;
                let id = String::from_utf8_lossy(&id).into_owned();
                if kw == b"EMAILID" {
                    K::EmailId(id)
                } else {
                    K::ThreadId(id)
                }
            }
            _ => {
                let word = self.word_for_error(start);
                return Err(self.err(format!("Unknown search key {word}")));
            }
        };
        Ok(key)
    }

    /// SP astring, which must be UTF-8 (US-ASCII is a subset; the only charsets accepted).
    fn search_string(&mut self) -> PResult<String> {
        self.sp()?;
        let raw = self.astring("search string")?;
        String::from_utf8(raw).map_err(|_| self.err("Search string is not valid UTF-8"))
    }

    /// SP date: `date-text / DQUOTE date-text DQUOTE`.
    fn search_date(&mut self) -> PResult<chrono::NaiveDate> {
        self.sp()?;
        let raw = if self.peek() == Some(b'"') {
            self.quoted()?
        } else {
            self.atom("date")?
        };
        std::str::from_utf8(&raw)
            .ok()
            .and_then(datetime::parse_date)
            .ok_or_else(|| self.err(format!("Invalid date {}", String::from_utf8_lossy(&raw))))
    }
}

/// Several keys are an implicit AND (RFC 9051 §6.4.4); one key stands for itself.
fn and_of(mut keys: Vec<SearchKey>) -> SearchKey {
    if keys.len() == 1 {
        keys.pop().unwrap_or(SearchKey::All)
    } else {
        SearchKey::And(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{bad, ok, set};
    use super::super::{DecodeError, DecodeOptions, parse_command};
    use crate::ast::*;

    #[test]
    fn search_keys() {
        let CommandBody::Search(s) = ok(b"a UID SEARCH CHARSET us-ascii OR (FROM \"x\" TO y) NOT SUBJECT {3}\r\nabc UNSEEN LARGER 100 SMALLER 99999999999 HEADER X-Foo \"\" UID 1:5 KEYWORD $Junk SENTON \"1-Feb-1994\" BEFORE 01-jan-2000 MODSEQ \"/flags/\\\\draft\" all 620162338 MODSEQ 5")
        else {
            panic!()
        };
        assert_eq!(s.numbering, Numbering::Uid);
        assert_eq!(s.charset.as_deref(), Some("US-ASCII"));
        let SearchKey::And(keys) = s.key else {
            panic!()
        };
        assert_eq!(
            keys[0],
            SearchKey::Or(
                Box::new(SearchKey::And(vec![
                    SearchKey::From("x".into()),
                    SearchKey::To("y".into())
                ])),
                Box::new(SearchKey::Not(Box::new(SearchKey::Subject("abc".into()))))
            )
        );
        assert_eq!(keys[1], SearchKey::Unseen);
        assert_eq!(keys[2], SearchKey::Larger(100));
        assert_eq!(keys[3], SearchKey::Smaller(u32::MAX));
        assert_eq!(keys[4], SearchKey::Header("X-Foo".into(), String::new()));
        assert_eq!(keys[5], SearchKey::Uid(set(&[(1, 5)])));
        assert_eq!(keys[6], SearchKey::Keyword("$Junk".into()));
        assert_eq!(
            keys[7],
            SearchKey::SentOn(chrono::NaiveDate::from_ymd_opt(1994, 2, 1).unwrap())
        );
        assert_eq!(
            keys[8],
            SearchKey::Before(chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap())
        );
        assert_eq!(keys[9], SearchKey::ModSeq(620162338));
        assert_eq!(keys[10], SearchKey::ModSeq(5));

        let CommandBody::Search(s) = ok(b"a SEARCH RETURN () ALL") else {
            panic!()
        };
        assert_eq!(s.ret, Some(vec![]));
        assert_eq!(s.key, SearchKey::All);

        assert_eq!(bad(b"a SEARCH FOO").text, "Unknown search key FOO");
        assert_eq!(
            bad(b"a SEARCH SINCE 1-Foo-2000").text,
            "Invalid date 1-Foo-2000"
        );
        assert_eq!(
            bad(b"a SEARCH TEXT \"\xff\"").text,
            "Search string is not valid UTF-8"
        );
        assert_eq!(
            bad(b"a SEARCH RETURN (FOO) ALL").text,
            "Unknown SEARCH RETURN option FOO"
        );
        assert_eq!(bad(b"a SEARCH OR SEEN").text, "Missing argument to SEARCH");
        assert_eq!(bad(b"a SEARCH (SEEN").text, "Missing argument to SEARCH");
        assert_eq!(
            bad(b"a SEARCH MODSEQ \"/flags/x\" foo 1").text,
            "MODSEQ entry type must be priv, shared or all"
        );
        let e = bad(b"a SEARCH CHARSET ISO-8859-1 ALL");
        assert!(e.is_refusal());
        assert_eq!(e.text, "Unsupported charset ISO-8859-1");
    }

    #[test]
    fn newer_search_keys_and_partial() {
        // RFC 5032 §4, RFC 8514 §4.2.
        let CommandBody::Search(s) =
            ok(b"a1 SEARCH UNSEEN YOUNGER 259200 OLDER 1 SAVEDBEFORE 1-Jan-2020 SAVEDATESUPPORTED")
        else {
            panic!()
        };
        let SearchKey::And(keys) = s.key else {
            panic!()
        };
        assert_eq!(keys[1], SearchKey::Younger(259200));
        assert_eq!(keys[2], SearchKey::Older(1));
        assert_eq!(
            keys[3],
            SearchKey::SavedBefore(chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap())
        );
        assert_eq!(keys[4], SearchKey::SaveDateSupported);
        let _ = bad(b"a SEARCH OLDER 0");
        let _ = bad(b"a SEARCH YOUNGER");
        // RFC 9394 §3.1.
        let CommandBody::Search(s) = ok(b"A01 UID SEARCH RETURN (PARTIAL -1:-100) UNDELETED")
        else {
            panic!()
        };
        assert_eq!(
            s.ret,
            Some(vec![SearchReturn::Partial(PartialRange {
                low: 1,
                high: 100,
                from_end: true
            })])
        );
        let CommandBody::Search(s) = ok(b"a SEARCH RETURN (MIN PARTIAL 500:400) ALL") else {
            panic!()
        };
        assert_eq!(
            s.ret.unwrap()[1],
            SearchReturn::Partial(PartialRange {
                low: 400,
                high: 500,
                from_end: false
            })
        );
        assert_eq!(
            bad(b"a SEARCH RETURN (ALL PARTIAL 1:5) ALL").text,
            "Only one of PARTIAL and ALL may be given"
        );
        assert_eq!(
            bad(b"a SEARCH RETURN (PARTIAL 1:-5) ALL").text,
            "Both ends of a partial range must have the same sign"
        );
        assert!(matches!(
            bad(b"a SEARCH RETURN (PARTIAL 0:5) ALL"),
            DecodeError { .. }
        ));
    }

    #[test]
    fn context_update_and_cancelupdate() {
        // RFC 5267 §4.3, §4.3.5 examples.
        let CommandBody::Search(s) = ok(b"B01 UID SEARCH RETURN (UPDATE COUNT) DELETED") else {
            panic!()
        };
        assert_eq!(s.ret, Some(vec![SearchReturn::Update, SearchReturn::Count]));
        let CommandBody::Sort(s) = ok(b"B02 UID SORT RETURN (CONTEXT UPDATE) (DATE) UTF-8 ALL")
        else {
            panic!()
        };
        assert_eq!(
            s.ret,
            Some(vec![SearchReturn::Context, SearchReturn::Update])
        );
        assert_eq!(
            ok(b"B04 CANCELUPDATE \"B01\" \"B02\""),
            CommandBody::CancelUpdate(vec!["B01".into(), "B02".into()])
        );
        bad(b"B04 CANCELUPDATE");
        bad(b"B04 CANCELUPDATE B01");
    }

    #[test]
    fn nesting_limit() {
        let opts = DecodeOptions { max_nesting: 4 };
        let parse = |s: &str| parse_command(format!("a SEARCH {s}\r\n").as_bytes(), &opts);
        assert!(parse("NOT NOT NOT SEEN").is_ok());
        assert_eq!(
            parse("NOT NOT NOT NOT SEEN").unwrap_err().text,
            "Command nested too deeply (limit 4)"
        );
        assert!(parse("((((SEEN))))").is_err());
        let deep = format!("{}SEEN{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(
            parse_command(
                format!("a SEARCH {deep}\r\n").as_bytes(),
                &DecodeOptions::default()
            )
            .is_err()
        );
        let deep = "NOT ".repeat(100_000) + "SEEN";
        assert!(
            parse_command(
                format!("a SEARCH {deep}\r\n").as_bytes(),
                &DecodeOptions { max_nesting: 0 }
            )
            .is_err()
        );
    }
}
