//! FETCH (RFC 9051 §6.4.5): macros, fetch-att, sections and partials; BINARY (RFC 3516
//! §4.4), PREVIEW (RFC 8970 §3), OBJECTID items (RFC 8474), and the modifiers
//! CHANGEDSINCE/VANISHED (RFC 7162 §3.1.4.1, §3.2.6) and PARTIAL (RFC 9394 §3.3).

use super::{PResult, Parser};
use crate::ast::*;

impl Parser<'_> {
    /// FETCH: RFC 9051 §6.4.5, CHANGEDSINCE/VANISHED modifiers RFC 7162 §3.1.4.1, §3.2.6.
    pub(super) fn fetch(&mut self, numbering: Numbering) -> PResult<CommandBody> {
        self.cmd = "FETCH";
        self.sp()?;
        let set = self.sequence_set()?;
        self.sp()?;
        let mut attrs = Vec::new();
        if self.eat(b'(') {
            attrs = self.list_items(Self::fetch_att)?;
        } else {
            let start = self.pos;
            let kw = self.keyword().to_ascii_uppercase();
            use FetchAttr as F;
            match kw.as_slice() {
                b"ALL" => attrs.extend([F::Flags, F::InternalDate, F::Rfc822Size, F::Envelope]),
                b"FAST" => attrs.extend([F::Flags, F::InternalDate, F::Rfc822Size]),
                b"FULL" => attrs.extend([
                    F::Flags,
                    F::InternalDate,
                    F::Rfc822Size,
                    F::Envelope,
                    F::Body,
                ]),
                _ => {
                    self.pos = start;
                    attrs.push(self.fetch_att()?);
                }
            }
        }
        let mut changed_since = None;
        let mut vanished = false;
        let mut partial = None;
        if self.eat(b' ') {
            self.open_paren("FETCH modifiers")?;
            self.list_rest(|p| {
                let kw = p.keyword_upper("FETCH modifier")?;
                match kw.as_slice() {
                    b"CHANGEDSINCE" => {
                        p.sp()?;
                        changed_since = Some(p.number64("mod-sequence")?);
                    }
                    b"VANISHED" => vanished = true,
                    // RFC 9394 §3.3: same syntax as the PARTIAL search return option.
                    b"PARTIAL" if partial.is_none() => {
                        p.sp()?;
                        partial = Some(p.partial_range()?);
                    }
                    _ => return Err(p.unknown("FETCH modifier", &kw)),
                }
                Ok(())
            })?;
        }
        // RFC 7162 §3.2.6: VANISHED only with UID FETCH, and only with CHANGEDSINCE.
        if vanished && numbering == Numbering::Seq {
            return Err(self.err("VANISHED is only allowed with UID FETCH"));
        }
        if vanished && changed_since.is_none() {
            return Err(self.err("VANISHED requires CHANGEDSINCE"));
        }
        // RFC 9394 §3.3: PARTIAL extends UID FETCH only.
        if partial.is_some() && numbering == Numbering::Seq {
            return Err(self.err("PARTIAL is only allowed with UID FETCH"));
        }
        Ok(CommandBody::Fetch(FetchCommand {
            numbering,
            set,
            attrs,
            changed_since,
            vanished,
            partial,
        }))
    }

    /// One `fetch-att` (RFC 9051 §9); also the attributes NOTIFY's MessageNew asks for.
    pub(super) fn fetch_att(&mut self) -> PResult<FetchAttr> {
        let start = self.pos;
        let kw = self.keyword().to_ascii_uppercase();
        use FetchAttr as F;
        Ok(match kw.as_slice() {
            b"UID" => F::Uid,
            b"FLAGS" => F::Flags,
            b"INTERNALDATE" => F::InternalDate,
            b"SAVEDATE" => F::SaveDate,
            b"RFC822.SIZE" => F::Rfc822Size,
            b"ENVELOPE" => F::Envelope,
            b"BODYSTRUCTURE" => F::BodyStructure,
            b"RFC822" => F::Rfc822,
            b"RFC822.HEADER" => F::Rfc822Header,
            b"RFC822.TEXT" => F::Rfc822Text,
            b"MODSEQ" => F::ModSeq,
            b"EMAILID" => F::EmailId,
            b"THREADID" => F::ThreadId,
            b"PREVIEW" => {
                // RFC 8970 §3: "PREVIEW" [SP "(" preview-mod *(SP preview-mod) ")"].
                let mut is_lazy = false;
                // `FETCH 1 PREVIEW (CHANGEDSINCE 5)`: a list that does not start with a
                // preview-mod belongs to the FETCH modifiers.
                let is_mods = self
                    .input
                    .get(self.pos..self.pos + 6)
                    .is_some_and(|w| w.eq_ignore_ascii_case(b" (LAZY"));
                if is_mods {
                    self.pos += 2;
                    self.list_rest(|p| {
                        let m = p.keyword_upper("PREVIEW modifier")?;
                        if m != b"LAZY" {
                            return Err(p.err("Unknown PREVIEW modifier"));
                        }
                        is_lazy = true;
                        Ok(())
                    })?;
                }
                F::Preview { is_lazy }
            }
            b"BODY" | b"BODY.PEEK" => {
                let peek = kw == b"BODY.PEEK";
                if self.peek() != Some(b'[') {
                    if peek {
                        return Err(self.err("BODY.PEEK requires a section"));
                    }
                    return Ok(F::Body);
                }
                let section = self.section()?;
                let partial = self.partial()?;
                F::BodySection {
                    peek,
                    section,
                    partial,
                }
            }
            b"BINARY" | b"BINARY.PEEK" => {
                let part = self.section_binary()?;
                let partial = self.partial()?;
                F::Binary {
                    peek: kw == b"BINARY.PEEK",
                    part,
                    partial,
                }
            }
            b"BINARY.SIZE" => F::BinarySize {
                part: self.section_binary()?,
            },
            b"" => return Err(self.err("Missing FETCH attribute")),
            _ => {
                let word = self.word_for_error(start);
                return Err(self.err(format!("Unknown FETCH attribute {word}")));
            }
        })
    }

    /// `"[" [section-spec] "]"` (RFC 9051 §9).
    fn section(&mut self) -> PResult<Section> {
        self.expect(b'[', "[")?;
        let mut section = Section::default();
        if self.eat(b']') {
            return Ok(section);
        }
        if self.peek().is_some_and(|b| b.is_ascii_digit()) {
            section.part = self.section_part()?;
            if self.eat(b']') {
                return Ok(section);
            }
            self.expect(b'.', "'.' or ']' in section")?;
        }
        let kw = self.keyword_upper("section text")?;
        section.text = Some(match kw.as_slice() {
            b"HEADER" => SectionText::Header,
            b"TEXT" => SectionText::Text,
            b"MIME" if !section.part.is_empty() => SectionText::Mime,
            b"HEADER.FIELDS" | b"HEADER.FIELDS.NOT" => {
                self.sp()?;
                self.open_paren("header field list")?;
                let names = self.list_items(|p| {
                    let raw = p.astring("header field name")?;
                    String::from_utf8(raw)
                        .map_err(|_| p.err("Header field name is not valid UTF-8"))
                })?;
                if kw == b"HEADER.FIELDS" {
                    SectionText::HeaderFields(names)
                } else {
                    SectionText::HeaderFieldsNot(names)
                }
            }
            _ => return Err(self.err(format!("Invalid section {}", String::from_utf8_lossy(&kw)))),
        });
        self.expect(b']', "']' to close the section")?;
        Ok(section)
    }

    /// `section-part = nz-number *("." nz-number)`; stops before a `.` not followed by a digit.
    fn section_part(&mut self) -> PResult<Vec<u32>> {
        let mut part = vec![self.nz_number("section part")?];
        while self.peek() == Some(b'.')
            && self
                .input
                .get(self.pos + 1)
                .is_some_and(|b| b.is_ascii_digit())
        {
            self.pos += 1;
            part.push(self.nz_number("section part")?);
        }
        Ok(part)
    }

    /// RFC 3516 §4.4 `section-binary = "[" [section-part] "]"`.
    fn section_binary(&mut self) -> PResult<Vec<u32>> {
        self.expect(b'[', "'[' after BINARY")?;
        if self.eat(b']') {
            return Ok(Vec::new());
        }
        let part = self.section_part()?;
        self.expect(b']', "']' to close the binary section")?;
        Ok(part)
    }

    /// `partial = "<" number "." nz-number ">"`.
    fn partial(&mut self) -> PResult<Option<Partial>> {
        if !self.eat(b'<') {
            return Ok(None);
        }
        let offset = self.number("partial offset")?;
        self.expect(b'.', "'.' in partial range")?;
        let length = self.nz_number("partial length")?;
        self.expect(b'>', "'>' to close the partial range")?;
        Ok(Some(Partial { offset, length }))
    }
}

#[cfg(test)]
mod tests {
    use super::super::DecodeError;
    use super::super::testing::{bad, ok};
    use crate::ast::*;

    #[test]
    fn fetch_partial_modifier() {
        // RFC 9394 §3.3, §3.4 (with CHANGEDSINCE, either order).
        let CommandBody::Fetch(f) = ok(b"10 UID FETCH 25900:26600 (UID FLAGS) (PARTIAL -1:-3)")
        else {
            panic!()
        };
        assert_eq!(
            f.partial,
            Some(PartialRange {
                low: 1,
                high: 3,
                from_end: true
            })
        );
        let CommandBody::Fetch(f) =
            ok(b"101 UID FETCH 25900:26600 (UID FLAGS) (CHANGEDSINCE 98305 PARTIAL -1:-30)")
        else {
            panic!()
        };
        assert_eq!(
            (f.partial, f.changed_since),
            (
                Some(PartialRange {
                    low: 1,
                    high: 30,
                    from_end: true
                }),
                Some(98305)
            )
        );
        assert_eq!(
            bad(b"a FETCH 1:* FLAGS (PARTIAL 1:5)").text,
            "PARTIAL is only allowed with UID FETCH"
        );
        assert!(matches!(
            bad(b"a UID FETCH 1:* FLAGS (PARTIAL 1:5 PARTIAL 2:3)"),
            DecodeError { .. }
        ));
        assert!(matches!(
            bad(b"a UID FETCH 1:* FLAGS (PARTIAL 0:5)"),
            DecodeError { .. }
        ));
    }

    #[test]
    fn fetch_items() {
        let CommandBody::Fetch(f) = ok(b"a UID FETCH 1:* (uid body.peek[1.2.HEADER.FIELDS.NOT (Received \"X-Y\")]<0.100> BODY[1.MIME] body[TEXT] BINARY.PEEK[1.2]<5.10> BINARY[] BINARY.SIZE[3] RFC822 RFC822.HEADER RFC822.TEXT RFC822.SIZE BODYSTRUCTURE ENVELOPE INTERNALDATE MODSEQ BODY BODY[]) (CHANGEDSINCE 12345 VANISHED)")
        else {
            panic!()
        };
        use FetchAttr as F;
        assert_eq!(
            f.attrs,
            vec![
                F::Uid,
                F::BodySection {
                    peek: true,
                    section: Section {
                        part: vec![1, 2],
                        text: Some(SectionText::HeaderFieldsNot(vec![
                            "Received".into(),
                            "X-Y".into()
                        ]))
                    },
                    partial: Some(Partial {
                        offset: 0,
                        length: 100
                    })
                },
                F::BodySection {
                    peek: false,
                    section: Section {
                        part: vec![1],
                        text: Some(SectionText::Mime)
                    },
                    partial: None
                },
                F::BodySection {
                    peek: false,
                    section: Section {
                        part: vec![],
                        text: Some(SectionText::Text)
                    },
                    partial: None
                },
                F::Binary {
                    peek: true,
                    part: vec![1, 2],
                    partial: Some(Partial {
                        offset: 5,
                        length: 10
                    })
                },
                F::Binary {
                    peek: false,
                    part: vec![],
                    partial: None
                },
                F::BinarySize { part: vec![3] },
                F::Rfc822,
                F::Rfc822Header,
                F::Rfc822Text,
                F::Rfc822Size,
                F::BodyStructure,
                F::Envelope,
                F::InternalDate,
                F::ModSeq,
                F::Body,
                F::BodySection {
                    peek: false,
                    section: Section::default(),
                    partial: None
                },
            ]
        );
        assert_eq!(f.changed_since, Some(12345));
        assert!(f.vanished);
        let CommandBody::Fetch(f) = ok(b"a FETCH 1 fast") else {
            panic!()
        };
        assert_eq!(f.attrs, vec![F::Flags, F::InternalDate, F::Rfc822Size]);

        assert_eq!(
            bad(b"a FETCH 1 (FLAGS FOO)").text,
            "Unknown FETCH attribute FOO"
        );
        assert_eq!(bad(b"a FETCH 1 BODY[MIME]").text, "Invalid section MIME");
        assert_eq!(
            bad(b"a FETCH 1 BODY.PEEK").text,
            "BODY.PEEK requires a section"
        );
        assert_eq!(
            bad(b"a FETCH 1 BODY[]<0.0>").text,
            "Invalid partial length: must not be 0"
        );
        assert_eq!(
            bad(b"a FETCH 1 FLAGS (VANISHED)").text,
            "VANISHED is only allowed with UID FETCH"
        );
        assert_eq!(
            bad(b"a UID FETCH 1 FLAGS (VANISHED)").text,
            "VANISHED requires CHANGEDSINCE"
        );
        assert_eq!(bad(b"a FETCH 1 ()").text, "Missing FETCH attribute");
        assert_eq!(bad(b"a FETCH 1 (ALL)").text, "Unknown FETCH attribute ALL");
    }
}
