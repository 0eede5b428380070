//! The grammar primitives every command shares (RFC 9051 §9): tag, sequence-set (with
//! RFC 5182 `$`), flags, mailbox names and patterns, astring/string/nstring/quoted,
//! literal and literal8 (RFC 3516 §4.4, RFC 7888 LITERAL+), atoms, numbers, keywords,
//! parenthesised lists, and the error constructors.

use super::{DecodeError, PResult, Parser};
use crate::ast::*;

impl<'a> Parser<'a> {
    // ---- values ---------------------------------------------------------------------

    pub(super) fn tag(&mut self) -> PResult<Tag> {
        let start = self.pos;
        while self.peek().is_some_and(|b| is_astring_char(b) && b != b'+') {
            self.pos += 1;
        }
        // ASTRING-CHARs are ASCII, so this is valid UTF-8.
        let word = std::str::from_utf8(&self.input[start..self.pos]).unwrap_or("");
        match Tag::new(word) {
            Some(tag) if matches!(self.peek(), Some(b' ' | b'\r') | None) => Ok(tag),
            _ => Err(self.err("Missing or invalid tag")),
        }
    }

    /// `sequence-set` (RFC 9051 §9) or `$` (RFC 5182 §2.1).
    pub(super) fn sequence_set(&mut self) -> PResult<SequenceSet> {
        if self.eat(b'$') {
            return self.set_end(SequenceSet::Saved);
        }
        let mut ranges = Vec::new();
        loop {
            let start = self.seq_number()?;
            let end = if self.eat(b':') {
                self.seq_number()?
            } else {
                start
            };
            ranges.push(SeqRange { start, end });
            if !self.eat(b',') {
                break;
            }
        }
        self.set_end(SequenceSet::Ranges(ranges))
    }

    fn set_end(&self, set: SequenceSet) -> PResult<SequenceSet> {
        match self.peek() {
            None | Some(b' ' | b'\r' | b')') => Ok(set),
            _ => Err(self.err("Invalid sequence set")),
        }
    }

    fn seq_number(&mut self) -> PResult<SeqBound> {
        if self.eat(b'*') {
            return Ok(SeqBound::Star);
        }
        if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
            return Err(self.err("Invalid sequence set"));
        }
        match self.digits_u64() {
            Some(n) if n > 0 && n <= u32::MAX as u64 => Ok(SeqBound::Value(n as u32)),
            Some(0) => Err(self.err("Invalid sequence set: 0 is not a valid message number")),
            _ => Err(self.err("Invalid sequence set: number too large")),
        }
    }

    /// `flag-list = "(" [flag *(SP flag)] ")"`.
    pub(super) fn flag_list(&mut self) -> PResult<Vec<Flag>> {
        self.open_paren("flag list")?;
        if self.eat(b')') {
            return Ok(Vec::new());
        }
        self.list_items(Self::flag)
    }

    /// `flag = "\Answered" / "\Flagged" / "\Deleted" / "\Seen" / "\Draft" / flag-keyword /
    /// flag-extension`. RFC 9051 §2.3.2: \Recent cannot be altered by the client.
    pub(super) fn flag(&mut self) -> PResult<Flag> {
        if self.eat(b'\\') {
            if self.peek() == Some(b'*') {
                return Err(self.err("\\* is not a flag a client can set"));
            }
            let name = self.atom("flag")?;
            let name = String::from_utf8_lossy(&name).into_owned();
            return match name.to_ascii_uppercase().as_str() {
                "SEEN" => Ok(Flag::Seen),
                "ANSWERED" => Ok(Flag::Answered),
                "FLAGGED" => Ok(Flag::Flagged),
                "DELETED" => Ok(Flag::Deleted),
                "DRAFT" => Ok(Flag::Draft),
                "RECENT" => Err(self.err("\\Recent cannot be set by a client (RFC 9051 §2.3.2)")),
                _ => Ok(Flag::Extension(name)),
            };
        }
        let word = self.atom("flag")?;
        Ok(Flag::Keyword(String::from_utf8_lossy(&word).into_owned()))
    }

    pub(super) fn mailbox(&mut self) -> PResult<MailboxArg> {
        Ok(MailboxArg(self.astring("mailbox name")?))
    }

    /// `list-mailbox = 1*list-char / string`; list-char adds `%` and `*` to ASTRING-CHAR.
    pub(super) fn list_mailbox(&mut self) -> PResult<MailboxArg> {
        match self.peek() {
            Some(b'"' | b'{') => Ok(MailboxArg(self.string("mailbox pattern")?)),
            _ => {
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|b| is_astring_char(b) || b == b'%' || b == b'*')
                {
                    self.pos += 1;
                }
                if start == self.pos {
                    return Err(self.err("Expected a mailbox pattern"));
                }
                Ok(MailboxArg(self.input[start..self.pos].to_vec()))
            }
        }
    }

    /// `astring = 1*ASTRING-CHAR / string`.
    pub(super) fn astring(&mut self, what: &str) -> PResult<Vec<u8>> {
        match self.peek() {
            Some(b'"' | b'{') => self.string(what),
            Some(b'~') if self.input.get(self.pos + 1) == Some(&b'{') => {
                Err(self.err(format!("A literal8 is not allowed for the {what}")))
            }
            _ => {
                let start = self.pos;
                while self.peek().is_some_and(is_astring_char) {
                    self.pos += 1;
                }
                if start == self.pos {
                    return Err(self.missing_or_expected(what));
                }
                Ok(self.input[start..self.pos].to_vec())
            }
        }
    }

    /// `string = quoted / literal`.
    pub(super) fn string(&mut self, what: &str) -> PResult<Vec<u8>> {
        match self.peek() {
            Some(b'"') => self.quoted(),
            Some(b'{') => Ok(self.literal(false)?.0),
            _ => Err(self.missing_or_expected(what)),
        }
    }

    pub(super) fn nstring(&mut self, what: &str) -> PResult<Option<Vec<u8>>> {
        if self.eat_nil() {
            Ok(None)
        } else {
            self.string(what).map(Some)
        }
    }

    /// `quoted = DQUOTE *QUOTED-CHAR DQUOTE`; 8-bit bytes are kept as sent (RFC 9051 §9 allows
    /// UTF-8 in quoted strings; mailbox names are decoded later by the session).
    pub(super) fn quoted(&mut self) -> PResult<Vec<u8>> {
        self.expect(b'"', "'\"'")?;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    match self.peek() {
                        Some(c @ (b'"' | b'\\')) => {
                            out.push(c);
                            self.pos += 1;
                        }
                        _ => {
                            return Err(
                                self.err("Invalid escape in quoted string (only \\\" and \\\\)")
                            );
                        }
                    }
                }
                Some(0) => return Err(self.err("NUL byte in quoted string")),
                None | Some(b'\r' | b'\n') => return Err(self.err("Unterminated quoted string")),
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    /// `literal = "{" number64 ["+"] "}" CRLF *CHAR8`; with `allow8`, also RFC 3516
    /// `literal8 = "~{" number64 ["+"] "}" CRLF *OCTET`. Returns (bytes, is_literal8).
    pub(super) fn literal(&mut self, allow8: bool) -> PResult<(Vec<u8>, bool)> {
        let is_binary = self.eat(b'~');
        if is_binary && !allow8 {
            return Err(self.err("A literal8 is not allowed here"));
        }
        self.expect(b'{', "'{'")?;
        if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
            return Err(self.err("Invalid literal length"));
        }
        let len = self
            .digits_u64()
            .ok_or_else(|| self.err("Literal length too large"))?;
        self.eat(b'+');
        if !(self.eat(b'}') && self.eat(b'\r') && self.eat(b'\n')) {
            return Err(self.err("Invalid literal announcement"));
        }
        let remaining = (self.input.len() - self.pos) as u64;
        if len > remaining {
            return Err(self.err("Literal data is truncated"));
        }
        // len <= remaining, which is a usize.
        let end = self.pos + len as usize;
        let data = self.input[self.pos..end].to_vec();
        self.pos = end;
        Ok((data, is_binary))
    }

    pub(super) fn atom(&mut self, what: &str) -> PResult<Vec<u8>> {
        let start = self.pos;
        while self.peek().is_some_and(is_atom_char) {
            self.pos += 1;
        }
        if start == self.pos {
            return Err(self.missing_or_expected(what));
        }
        Ok(self.input[start..self.pos].to_vec())
    }

    pub(super) fn number(&mut self, what: &str) -> PResult<u32> {
        let n = self.number64(what)?;
        u32::try_from(n).map_err(|_| self.err(format!("Invalid {what}: number too large")))
    }

    pub(super) fn nz_number(&mut self, what: &str) -> PResult<u32> {
        match self.number(what)? {
            0 => Err(self.err(format!("Invalid {what}: must not be 0"))),
            n => Ok(n),
        }
    }

    /// `number64` (RFC 9051 §9): at most 2^63 - 1.
    pub(super) fn number64(&mut self, what: &str) -> PResult<u64> {
        if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
            return Err(self.missing_or_expected(what));
        }
        match self.digits_u64() {
            Some(n) if n <= i64::MAX as u64 => Ok(n),
            _ => Err(self.err(format!("Invalid {what}: number too large"))),
        }
    }

    fn digits_u64(&mut self) -> Option<u64> {
        let mut n: Option<u64> = Some(0);
        while let Some(b @ b'0'..=b'9') = self.peek() {
            n = n.and_then(|n| n.checked_mul(10)?.checked_add((b - b'0') as u64));
            self.pos += 1;
        }
        n
    }

    // ---- lists ----------------------------------------------------------------------

    /// `item *(SP item) ")"`, the `(` already consumed: runs `item` once per element.
    pub(super) fn list_rest(
        &mut self,
        mut item: impl FnMut(&mut Self) -> PResult<()>,
    ) -> PResult<()> {
        loop {
            item(self)?;
            if self.eat(b')') {
                return Ok(());
            }
            self.sp()?;
        }
    }

    /// `item *(SP item) ")"`, the `(` already consumed, collecting the items.
    pub(super) fn list_items<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> PResult<T>,
    ) -> PResult<Vec<T>> {
        let mut items = Vec::new();
        self.list_rest(|p| {
            items.push(item(p)?);
            Ok(())
        })?;
        Ok(items)
    }

    /// `item / "(" item *(SP item) ")"`: one bare item or a parenthesised list of them.
    pub(super) fn one_or_list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> PResult<T>,
    ) -> PResult<Vec<T>> {
        if self.eat(b'(') {
            self.list_items(item)
        } else {
            Ok(vec![item(self)?])
        }
    }

    // ---- lexical helpers -------------------------------------------------------------

    pub(super) fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    pub(super) fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub(super) fn expect(&mut self, b: u8, what: &str) -> PResult<()> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(self.missing_or_expected(what))
        }
    }

    pub(super) fn open_paren(&mut self, what: &str) -> PResult<()> {
        self.expect(b'(', &format!("'(' to open the {what}"))
    }

    pub(super) fn close_paren(&mut self, what: &str) -> PResult<()> {
        self.expect(b')', &format!("')' to close the {what}"))
    }

    pub(super) fn eat_nil(&mut self) -> bool {
        let end = self.pos + 3;
        if self
            .input
            .get(self.pos..end)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"NIL"))
            && !self.input.get(end).copied().is_some_and(is_atom_char)
        {
            self.pos = end;
            true
        } else {
            false
        }
    }

    /// Letters, digits, `.` and `-`: command names, FETCH items, SEARCH keys, options.
    pub(super) fn keyword(&mut self) -> &'a [u8] {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        {
            self.pos += 1;
        }
        &self.input[start..self.pos]
    }

    pub(super) fn keyword_upper(&mut self, what: &str) -> PResult<Vec<u8>> {
        let kw = self.keyword();
        if kw.is_empty() {
            return Err(self.missing_or_expected(what));
        }
        Ok(kw.to_ascii_uppercase())
    }

    /// Consume `word` when the next keyword is exactly `word` (case-insensitive), whatever
    /// follows it.
    pub(super) fn peek_word_is(&mut self, word: &[u8]) -> bool {
        let start = self.pos;
        if self.keyword().eq_ignore_ascii_case(word) {
            true
        } else {
            self.pos = start;
            false
        }
    }

    /// Consume `word SP` when the next keyword is `word` (case-insensitive).
    pub(super) fn peek_keyword(&mut self, word: &[u8]) -> bool {
        let start = self.pos;
        let kw = self.keyword();
        if kw.eq_ignore_ascii_case(word) && self.peek() == Some(b' ') {
            true
        } else {
            self.pos = start;
            false
        }
    }

    pub(super) fn sp(&mut self) -> PResult<()> {
        if self.eat(b' ') {
            if self.peek() == Some(b' ') {
                return Err(self.err("Unexpected extra space"));
            }
            return Ok(());
        }
        Err(self.missing_or_expected("a space"))
    }

    pub(super) fn crlf(&mut self) -> PResult<()> {
        if self.input.get(self.pos..) == Some(b"\r\n") {
            self.pos += 2;
            Ok(())
        } else if self.at_line_end() {
            Err(self.err("Unexpected data after the command"))
        } else {
            Err(self.err(format!("Unexpected characters at end of {}", self.cmd)))
        }
    }

    pub(super) fn at_line_end(&self) -> bool {
        matches!(self.peek(), None | Some(b'\r'))
    }

    pub(super) fn depth_guard(&self, depth: usize) -> PResult<()> {
        if depth > self.max_nesting {
            Err(self.err(format!(
                "Command nested too deeply (limit {})",
                self.max_nesting
            )))
        } else {
            Ok(())
        }
    }

    // ---- errors ---------------------------------------------------------------------

    /// The word starting at `start`, for "Unknown command FOO".
    pub(super) fn word_for_error(&self, start: usize) -> String {
        let rest = &self.input[start..];
        let end = rest
            .iter()
            .position(|&b| matches!(b, b' ' | b'\r' | b'\n' | b'(' | b')' | b'['))
            .unwrap_or(rest.len());
        String::from_utf8_lossy(&rest[..end.min(64)]).into_owned()
    }

    /// "Unknown {what} {kw}", for a keyword none of the grammar's alternatives match.
    pub(super) fn unknown(&self, what: &str, kw: &[u8]) -> DecodeError {
        self.err(format!("Unknown {what} {}", String::from_utf8_lossy(kw)))
    }

    pub(super) fn missing_or_expected(&self, what: &str) -> DecodeError {
        if self.at_line_end() {
            self.err(format!("Missing argument to {}", self.cmd))
        } else {
            self.err(format!("Expected {what} in {}", self.cmd))
        }
    }

    pub(super) fn err(&self, text: impl Into<String>) -> DecodeError {
        // RFC 9051 §9: CHAR excludes NUL; name it, it is the usual cause.
        let text = if self.peek() == Some(0) {
            "NUL byte not allowed outside literals".to_string()
        } else {
            text.into()
        };
        DecodeError {
            tag: self.tag.clone(),
            text,
            code: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{bad, ok, set};
    use crate::ast::*;

    #[test]
    fn sequence_sets() {
        assert_eq!(
            ok(b"a COPY 1,3:5,7:*,* Trash"),
            CommandBody::Copy {
                numbering: Numbering::Seq,
                set: set(&[(1, 1), (3, 5), (7, 0), (0, 0)]),
                mailbox: MailboxArg(b"Trash".to_vec())
            }
        );
        for s in [
            &b"a FETCH 0 FLAGS"[..],
            b"a FETCH 1: FLAGS",
            b"a FETCH 1,,2 FLAGS",
            b"a FETCH 4294967296 FLAGS",
            b"a FETCH 1x FLAGS",
            b"a FETCH $,1 FLAGS",
        ] {
            assert!(
                bad(s).text.starts_with("Invalid sequence set"),
                "{}",
                String::from_utf8_lossy(s)
            );
        }
    }

    #[test]
    fn nul_outside_literal() {
        assert_eq!(
            bad(b"a LOGIN fr\0ed x").text,
            "NUL byte not allowed outside literals"
        );
        assert_eq!(
            bad(b"a LOGIN \"fr\0ed\" x").text,
            "NUL byte not allowed outside literals"
        );
        assert_eq!(
            bad(b"a NO\0OP").text,
            "NUL byte not allowed outside literals"
        );
    }
}
