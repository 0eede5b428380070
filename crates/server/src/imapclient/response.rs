//! Parsing one server response (RFC 9051 §7, grammar in §9) as the client of `loft migrate`
//! receives it: the exact wire bytes of one response, literals inline (`{N}` CRLF then N
//! bytes), without the final CRLF. Sans-I/O, never panics on hostile input.

use std::borrow::Cow;

/// One value of a response: what the grammar calls atom, number, string (quoted or
/// literal), NIL, or a parenthesized list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'a> {
    Atom(&'a [u8]),
    String(Cow<'a, [u8]>),
    Nil,
    List(Vec<Value<'a>>),
}

impl<'a> Value<'a> {
    /// An atom or string as bytes (NIL and lists: None).
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Atom(a) => Some(a),
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn number(&self) -> Option<u64> {
        match self {
            Value::Atom(a) if !a.is_empty() && a.iter().all(u8::is_ascii_digit) => {
                std::str::from_utf8(a).ok()?.parse().ok()
            }
            _ => None,
        }
    }

    pub fn into_bytes(self) -> Option<Vec<u8>> {
        match self {
            Value::Atom(a) => Some(a.to_vec()),
            Value::String(s) => Some(s.into_owned()),
            _ => None,
        }
    }
}

/// Nesting limit for parenthesized lists (BODYSTRUCTURE is never requested, so real
/// responses nest two or three deep).
const MAX_DEPTH: usize = 32;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("malformed response at byte {at}: {what}")]
pub struct ParseError {
    pub at: usize,
    pub what: &'static str,
}

/// A cursor over one response.
pub struct Parser<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    pub fn new(buf: &'a [u8]) -> Parser<'a> {
        Parser { buf, pos: 0 }
    }

    pub fn is_at_end(&self) -> bool {
        self.pos >= self.buf.len()
    }

    /// What is left, unparsed (e.g. human-readable text).
    pub fn rest(&self) -> &'a [u8] {
        self.buf.get(self.pos..).unwrap_or_default()
    }

    pub fn skip_spaces(&mut self) {
        while self.buf.get(self.pos) == Some(&b' ') {
            self.pos += 1;
        }
    }

    /// The next value, after any spaces.
    pub fn value(&mut self) -> Result<Value<'a>, ParseError> {
        self.value_at(0)
    }

    /// An atom (the next run of atom characters), after any spaces.
    pub fn atom(&mut self) -> Result<&'a [u8], ParseError> {
        match self.value()? {
            Value::Atom(a) => Ok(a),
            _ => Err(self.err("expected an atom")),
        }
    }

    fn err(&self, what: &'static str) -> ParseError {
        ParseError { at: self.pos, what }
    }

    fn value_at(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        self.skip_spaces();
        match self.buf.get(self.pos) {
            None => Err(self.err("unexpected end")),
            Some(b'(') => {
                if depth >= MAX_DEPTH {
                    return Err(self.err("lists nested too deep"));
                }
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_spaces();
                    match self.buf.get(self.pos) {
                        None => return Err(self.err("unterminated list")),
                        Some(b')') => {
                            self.pos += 1;
                            return Ok(Value::List(items));
                        }
                        Some(_) => items.push(self.value_at(depth + 1)?),
                    }
                }
            }
            Some(b'"') => self.quoted(),
            Some(b'{') => self.literal(),
            // RFC 3516 literal8 (`~{N}`), in case a server answers BINARY-style.
            Some(b'~') if self.buf.get(self.pos + 1) == Some(&b'{') => {
                self.pos += 1;
                self.literal()
            }
            Some(_) => {
                let start = self.pos;
                while let Some(&c) = self.buf.get(self.pos) {
                    // RFC 9051 §9 atom-specials, except `[` `]` (kept inside `BODY[]`
                    // and response codes) and `%` `*` (list wildcards, harmless here).
                    if matches!(c, b' ' | b'(' | b')' | b'"' | b'\r' | b'\n') || c < 0x20 {
                        break;
                    }
                    self.pos += 1;
                }
                if start == self.pos {
                    return Err(self.err("unexpected character"));
                }
                let atom = &self.buf[start..self.pos];
                if atom.eq_ignore_ascii_case(b"NIL") {
                    Ok(Value::Nil)
                } else {
                    Ok(Value::Atom(atom))
                }
            }
        }
    }

    /// RFC 9051 §4.3: quoted string; `\` escapes `"` and `\`.
    fn quoted(&mut self) -> Result<Value<'a>, ParseError> {
        self.pos += 1;
        let start = self.pos;
        let mut owned: Option<Vec<u8>> = None;
        loop {
            match self.buf.get(self.pos) {
                None | Some(b'\r') | Some(b'\n') => {
                    return Err(self.err("unterminated quoted string"));
                }
                Some(b'"') => {
                    let s = match owned {
                        Some(v) => Cow::Owned(v),
                        None => Cow::Borrowed(&self.buf[start..self.pos]),
                    };
                    self.pos += 1;
                    return Ok(Value::String(s));
                }
                Some(b'\\') => {
                    let v = owned.get_or_insert_with(|| self.buf[start..self.pos].to_vec());
                    let Some(&c) = self.buf.get(self.pos + 1) else {
                        return Err(self.err("unterminated quoted string"));
                    };
                    v.push(c);
                    self.pos += 2;
                }
                Some(&c) => {
                    if let Some(v) = owned.as_mut() {
                        v.push(c);
                    }
                    self.pos += 1;
                }
            }
        }
    }

    /// RFC 9051 §4.3: `{N}` CRLF then exactly N bytes (`{N+}` from a server is tolerated).
    fn literal(&mut self) -> Result<Value<'a>, ParseError> {
        self.pos += 1;
        let digits_start = self.pos;
        while self.buf.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        let len: usize = std::str::from_utf8(&self.buf[digits_start..self.pos])
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or(self.err("bad literal length"))?;
        if self.buf.get(self.pos) == Some(&b'+') {
            self.pos += 1;
        }
        if self.buf.get(self.pos..self.pos + 3) != Some(b"}\r\n") {
            return Err(self.err("bad literal header"));
        }
        self.pos += 3;
        let end = self
            .pos
            .checked_add(len)
            .ok_or(self.err("literal too long"))?;
        let data = self
            .buf
            .get(self.pos..end)
            .ok_or(self.err("literal cut short"))?;
        self.pos = end;
        Ok(Value::String(Cow::Borrowed(data)))
    }
}

/// The length announced by a line ending in `{N}` or `{N+}` (before CRLF): a literal
/// follows. None when the line does not end in a literal header.
pub fn literal_at_end(line: &[u8]) -> Option<u64> {
    let line = line
        .strip_suffix(b"\r\n")
        .or_else(|| line.strip_suffix(b"\n"))?;
    let body = line.strip_suffix(b"}")?;
    let body = body.strip_suffix(b"+").unwrap_or(body);
    let open = body.iter().rposition(|&c| c == b'{')?;
    let digits = &body[open + 1..];
    if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// The value of a response code such as `[UIDVALIDITY 3857529045]` in resp-text
/// (RFC 9051 §7.1), case-insensitive on the code name.
pub fn response_code<'a>(text: &'a [u8], name: &str) -> Option<&'a [u8]> {
    let text = text.strip_prefix(b"[")?;
    let end = text.iter().position(|&c| c == b']')?;
    let code = &text[..end];
    let (key, value) = match code.iter().position(|&c| c == b' ') {
        Some(i) => (&code[..i], &code[i + 1..]),
        None => (code, &code[code.len()..]),
    };
    key.eq_ignore_ascii_case(name.as_bytes()).then_some(value)
}

/// Quote `s` as an IMAP string: a quoted string when it can be one, else None (the caller
/// sends a literal).
pub fn quote(s: &[u8]) -> Option<Vec<u8>> {
    if s.iter()
        .any(|&c| c == 0 || c == b'\r' || c == b'\n' || c >= 0x80)
    {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() + 2);
    out.push(b'"');
    for &c in s {
        if c == b'"' || c == b'\\' {
            out.push(b'\\');
        }
        out.push(c);
    }
    out.push(b'"');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetch_with_literal() {
        let r = b"12 FETCH (UID 40 FLAGS (\\Seen $Work) BODY[] {5}\r\nab)\r\n RFC822.SIZE 5)";
        let mut p = Parser::new(r);
        assert_eq!(p.value().unwrap().number(), Some(12));
        assert_eq!(p.atom(), Ok(&b"FETCH"[..]));
        let Value::List(items) = p.value().unwrap() else {
            panic!()
        };
        assert_eq!(items[1].number(), Some(40));
        assert_eq!(
            items[3],
            Value::List(vec![Value::Atom(b"\\Seen"), Value::Atom(b"$Work")])
        );
        assert_eq!(items[4], Value::Atom(b"BODY[]"));
        assert_eq!(items[5].bytes(), Some(&b"ab)\r\n"[..]));
        assert_eq!(items[7].number(), Some(5));
        assert!(p.is_at_end());
    }

    #[test]
    fn quoted_and_nil() {
        let mut p = Parser::new(br#"LIST (\HasNoChildren) NIL "a \"b\" \\c""#);
        assert_eq!(p.atom(), Ok(&b"LIST"[..]));
        p.value().unwrap();
        assert_eq!(p.value(), Ok(Value::Nil));
        assert_eq!(p.value().unwrap().bytes(), Some(&br#"a "b" \c"#[..]));
    }

    #[test]
    fn hostile_input_is_an_error_not_a_panic() {
        for bad in [
            &b"{99}\r\nab"[..],
            b"{5",
            b"{18446744073709551615}\r\n",
            b"\"abc",
            b"\"ab\\",
            b"((((",
            b")",
            b"",
        ] {
            assert!(
                Parser::new(bad).value().is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        let deep = vec![b'('; 1000];
        assert!(Parser::new(&deep).value().is_err());
    }

    #[test]
    fn literal_headers() {
        assert_eq!(literal_at_end(b"* 1 FETCH (BODY[] {123}\r\n"), Some(123));
        assert_eq!(literal_at_end(b"* LIST () \"/\" {4+}\r\n"), Some(4));
        assert_eq!(literal_at_end(b"* OK {x}\r\n"), None);
        assert_eq!(literal_at_end(b"* OK done\r\n"), None);
    }

    #[test]
    fn codes_and_quoting() {
        assert_eq!(
            response_code(b"[UIDVALIDITY 7] ok", "uidvalidity"),
            Some(&b"7"[..])
        );
        assert_eq!(
            response_code(b"[READ-ONLY] ok", "READ-ONLY"),
            Some(&b""[..])
        );
        assert_eq!(response_code(b"no code", "UIDNEXT"), None);
        assert_eq!(quote(br#"a"\"#), Some(br#""a\"\\""#.to_vec()));
        assert_eq!(quote(b"a\r\n"), None);
    }
}
