//! APPEND (RFC 9051 §6.3.12) with MULTIAPPEND (RFC 3502 §6), literal8 (RFC 3516 §4.4),
//! CATENATE (RFC 4469 §5) and UTF8 data (RFC 6855 §4); REPLACE (RFC 8508 §6), which takes
//! the same append-message.

use super::{PResult, Parser};
use crate::ast::*;
use crate::datetime;

impl Parser<'_> {
    /// RFC 9051 §6.3.12 with MULTIAPPEND (RFC 3502 §6) and literal8 (RFC 3516 §4.4):
    /// `"APPEND" SP mailbox 1*(SP [flag-list SP] [date-time SP] (literal / literal8))`.
    pub(super) fn append(&mut self) -> PResult<CommandBody> {
        self.cmd = "APPEND";
        self.sp()?;
        let mailbox = self.mailbox()?;
        let mut messages = Vec::new();
        loop {
            self.sp()?;
            messages.push(self.append_message()?);
            if self.at_line_end() {
                return Ok(CommandBody::Append { mailbox, messages });
            }
        }
    }

    /// RFC 8508 §6: `"REPLACE" SP seq-number SP mailbox append-message`.
    pub(super) fn replace(&mut self, numbering: Numbering) -> PResult<CommandBody> {
        self.cmd = "REPLACE";
        self.sp()?;
        let number = self.number("message number")?;
        if number == 0 {
            return Err(self.err("Message number must not be 0"));
        }
        self.sp()?;
        let mailbox = self.mailbox()?;
        self.sp()?;
        let message = self.append_message()?;
        Ok(CommandBody::Replace {
            numbering,
            number,
            mailbox,
            message,
        })
    }

    /// `[flag-list SP] [date-time SP] append-data` where append-data is a literal, a
    /// literal8, RFC 4469 `CATENATE (...)` or RFC 6855 `UTF8 (literal8)`.
    fn append_message(&mut self) -> PResult<AppendMessage> {
        let mut flags = Vec::new();
        if self.peek() == Some(b'(') {
            flags = self.flag_list()?;
            self.sp()?;
        }
        let mut date = None;
        if self.peek() == Some(b'"') {
            let raw = self.quoted()?;
            let text = std::str::from_utf8(&raw).map_err(|_| self.err("Invalid date-time"))?;
            date =
                Some(datetime::parse_date_time(text).ok_or_else(|| self.err("Invalid date-time"))?);
            self.sp()?;
        }
        let mut msg = AppendMessage {
            flags,
            date,
            content: Vec::new(),
            is_binary: false,
            catenate: None,
            is_utf8: false,
        };
        match self.peek() {
            Some(b'{') | Some(b'~') => {
                let (content, is_binary) = self.literal(true)?;
                msg.content = content;
                msg.is_binary = is_binary;
            }
            _ if self.peek_keyword(b"UTF8") => {
                msg.content = self.utf8_literal()?;
                msg.is_binary = true;
                msg.is_utf8 = true;
            }
            _ if self.peek_keyword(b"CATENATE") => {
                // RFC 4469 §5: "CATENATE" SP "(" cat-part *(SP cat-part) ")".
                self.sp()?;
                self.open_paren("CATENATE parts")?;
                msg.catenate = Some(self.list_items(Self::catenate_part)?);
            }
            _ => return Err(self.err("Expected a literal with the message to APPEND")),
        }
        Ok(msg)
    }

    /// RFC 4469 §5 `cat-part = "TEXT" SP literal / "URL" SP astring`, and RFC 6855 §4's
    /// `"UTF8" SP "(" literal8 ")"`.
    fn catenate_part(&mut self) -> PResult<CatenatePart> {
        if self.peek_keyword(b"UTF8") {
            return Ok(CatenatePart::Text {
                data: self.utf8_literal()?,
                is_utf8: true,
            });
        }
        let kw = self.keyword_upper("CATENATE part")?;
        self.sp()?;
        match kw.as_slice() {
            b"TEXT" => {
                let (data, _) = self.literal(false)?;
                Ok(CatenatePart::Text {
                    data,
                    is_utf8: false,
                })
            }
            b"URL" => {
                let url = self.astring("URL")?;
                let url = String::from_utf8(url).map_err(|_| self.err("URL is not valid UTF-8"))?;
                Ok(CatenatePart::Url(url))
            }
            _ => Err(self.err("Expected TEXT or URL")),
        }
    }

    /// RFC 6855 §4: `"UTF8" SP "(" literal8 ")"` (peek_keyword has consumed "UTF8").
    fn utf8_literal(&mut self) -> PResult<Vec<u8>> {
        self.sp()?;
        self.open_paren("UTF8 data")?;
        if self.peek() != Some(b'~') {
            return Err(self.err("UTF8 data must be a literal8"));
        }
        let (data, _) = self.literal(true)?;
        self.expect(b')', "')'")?;
        Ok(data)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{bad, ok};
    use crate::ast::*;

    #[test]
    fn append_forms() {
        let body = ok(b"a APPEND Drafts (\\Draft $Label) \"17-Jul-1996 02:44:25 -0700\" {3}\r\nabc ~{2+}\r\n\0\x01 () {0+}\r\n");
        let CommandBody::Append { messages, .. } = body else {
            panic!()
        };
        assert_eq!(messages.len(), 3);
        assert_eq!(
            messages[0].flags,
            vec![Flag::Draft, Flag::Keyword("$Label".into())]
        );
        assert!(messages[0].date.is_some());
        assert_eq!(messages[0].content, b"abc");
        assert!(messages[1].is_binary);
        assert_eq!(messages[1].content, b"\0\x01");
        assert!(messages[2].flags.is_empty());
        assert_eq!(messages[2].content, b"");
        assert_eq!(
            bad(b"a APPEND x (\\Recent) {1}\r\nx").text,
            "\\Recent cannot be set by a client (RFC 9051 §2.3.2)"
        );
        assert_eq!(
            bad(b"a APPEND x \"32-Jul-1996 02:44:25 -0700\" {1}\r\nx").text,
            "Invalid date-time"
        );
        assert_eq!(bad(b"a APPEND x \"hello\"").text, "Invalid date-time");
        assert_eq!(
            bad(b"a APPEND x hello").text,
            "Expected a literal with the message to APPEND"
        );
        assert_eq!(bad(b"a APPEND x").text, "Missing argument to APPEND");
    }
}
