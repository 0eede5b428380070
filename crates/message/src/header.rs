//! Header block scanner (RFC 5322 §2.2, §3.6) with exact byte offsets, and the structured
//! MIME header values IMAP reports: Content-Type parameters (RFC 2045 §5.1, RFC 2231 §3-4)
//! and Content-Disposition (RFC 2183).
//!
//! Written here rather than taken from mail-parser because FETCH BODY[HEADER.FIELDS] must
//! return the original bytes of each field, folded lines included, and ENVELOPE/BODYSTRUCTURE
//! must report raw (not RFC 2047-decoded) values.

use std::ops::Range;

use crate::decode;

/// One header field as it appears in the message.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    /// Offset of the first byte of the field name.
    pub start: usize,
    /// Offset just past the field, including its final line break when present.
    pub end: usize,
    /// The field name, without the colon or trailing white space.
    pub name: Range<usize>,
    /// Everything after the colon up to (not including) the final line break.
    pub value: Range<usize>,
}

impl Field {
    pub fn name<'a>(&self, raw: &'a [u8]) -> &'a [u8] {
        &raw[self.name.clone()]
    }

    pub fn is(&self, raw: &[u8], name: &str) -> bool {
        self.name(raw).eq_ignore_ascii_case(name.as_bytes())
    }

    /// The value unfolded (RFC 5322 §2.2.3: CRLF followed by WSP is removed) and trimmed.
    pub fn unfolded(&self, raw: &[u8]) -> Vec<u8> {
        unfold(&raw[self.value.clone()])
    }
}

/// A parsed header block.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    pub fields: Vec<Field>,
    /// Start of the body: just past the blank line, or `end` when there is none.
    pub body_start: usize,
}

impl Header {
    /// Scan `raw[start..end]`. Never reads outside that range.
    ///
    /// RFC 5322 §2.1: the header ends at the first empty line. A header with no empty line
    /// (a header-only message, or a MIME part cut short by its boundary) takes the whole
    /// range and leaves an empty body. A line that is neither a field nor a continuation
    /// (no colon, e.g. an mbox "From " line) is kept as a field with an empty value, so
    /// that HEADER returns the bytes as they are.
    pub fn scan(raw: &[u8], start: usize, end: usize) -> Header {
        let end = end.min(raw.len());
        let mut fields: Vec<Field> = Vec::new();
        let mut pos = start.min(end);
        let body_start = loop {
            if pos >= end {
                break end;
            }
            let (line_end, next) = match memchr(b'\n', &raw[pos..end]) {
                Some(i) => (pos + i, pos + i + 1),
                None => (end, end),
            };
            let has_lf = next > line_end;
            let content_end = if has_lf && line_end > pos && raw[line_end - 1] == b'\r' {
                line_end - 1
            } else {
                line_end
            };
            let line = &raw[pos..content_end];
            if line.is_empty() {
                // RFC 5322 §2.1: the empty line separating header and body.
                break next;
            }
            let is_continuation = matches!(line[0], b' ' | b'\t');
            match fields.last_mut() {
                Some(last) if is_continuation => {
                    last.end = next;
                    last.value.end = content_end;
                }
                _ => {
                    let (name, value) = match memchr(b':', line) {
                        Some(colon) => {
                            let mut name_end = pos + colon;
                            while name_end > pos && matches!(raw[name_end - 1], b' ' | b'\t') {
                                name_end -= 1;
                            }
                            (pos..name_end, pos + colon + 1..content_end)
                        }
                        None => (pos..content_end, content_end..content_end),
                    };
                    fields.push(Field {
                        start: pos,
                        end: next,
                        name,
                        value,
                    });
                }
            }
            pos = next;
        };
        Header { fields, body_start }
    }

    /// The first field called `name`.
    pub fn first(&self, raw: &[u8], name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.is(raw, name))
    }

    /// The unfolded, trimmed value of the first field called `name`.
    pub fn value(&self, raw: &[u8], name: &str) -> Option<Vec<u8>> {
        self.first(raw, name).map(|f| f.unfolded(raw))
    }
}

pub(crate) fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

/// RFC 5322 §2.2.3 unfolding, then trimming of surrounding white space.
pub(crate) fn unfold(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        let b = value[i];
        let is_break = b == b'\n' || (b == b'\r' && value.get(i + 1) == Some(&b'\n'));
        if !is_break {
            out.push(b);
        }
        i += 1;
    }
    trim(&out).to_vec()
}

pub(crate) fn trim(s: &[u8]) -> &[u8] {
    let is_ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let start = s.iter().position(|b| !is_ws(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|b| !is_ws(b)).map_or(start, |e| e + 1);
    &s[start..end]
}

/// A structured MIME value: `token[/token] *(";" attribute "=" value)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct MimeValue {
    /// The leading token as sent (type/subtype for Content-Type, the disposition type).
    pub value: Vec<u8>,
    /// Parameters in order of first appearance, RFC 2231 continuations and charsets decoded.
    pub params: Vec<(String, Vec<u8>)>,
}

impl MimeValue {
    pub fn param(&self, name: &str) -> Option<&[u8]> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }
}

/// Parse `value; a=b; c="d"` tolerantly: comments (RFC 822 §3.4.3) are dropped, parameters
/// without `=` are ignored, unterminated quoted strings run to the end.
///
/// RFC 2231 decisions: `name*0`, `name*1`... are joined; `name*` / `name*0*` values are
/// percent-decoded and converted from their charset to UTF-8. The result is a single plain
/// `name` parameter (as Dovecot and Cyrus do), so clients that do not know RFC 2231 still
/// see the filename; a non-ASCII result is sent as one RFC 2047 encoded word
/// `=?UTF-8?B?...?=`, which every client decodes in filenames and which keeps the stored
/// BODYSTRUCTURE 7-bit. When both `name` and `name*` are present the RFC 2231 one wins.
pub(crate) fn parse_mime_value(input: &[u8]) -> MimeValue {
    let input = strip_comments(input);
    let mut parts = split_params(&input).into_iter();
    let value = parts.next().map(|v| trim(&v).to_vec()).unwrap_or_default();

    let mut raw_params: Vec<RawParam> = Vec::new();
    for p in parts {
        let Some(eq) = memchr(b'=', &p) else { continue };
        let attr = trim(&p[..eq]);
        if attr.is_empty() {
            continue;
        }
        let val = unquote(trim(&p[eq + 1..]));
        let attr = String::from_utf8_lossy(attr).into_owned();
        let (base, index, extended) = split_2231_name(&attr);
        raw_params.push((
            base.to_ascii_lowercase(),
            base.to_string(),
            index,
            extended,
            val,
        ));
    }

    // Group by base name, keeping the order of first appearance.
    let mut params: Vec<(String, Vec<u8>)> = Vec::new();
    let mut done: Vec<String> = Vec::new();
    for i in 0..raw_params.len() {
        let key = raw_params[i].0.clone();
        if done.contains(&key) {
            continue;
        }
        done.push(key.clone());
        let group: Vec<&RawParam> = raw_params.iter().filter(|p| p.0 == key).collect();
        let has_2231 = group.iter().any(|p| p.2.is_some() || p.3);
        let display_name = group[0].1.clone();
        if !has_2231 {
            // RFC 2045: duplicate parameters are an error; keep the first.
            params.push((display_name, group[0].4.clone()));
            continue;
        }
        let mut sections: Vec<(u32, bool, &[u8])> = group
            .iter()
            .filter(|p| p.2.is_some() || p.3)
            .map(|p| (p.2.unwrap_or(0), p.3, p.4.as_slice()))
            .collect();
        sections.sort_by_key(|s| s.0);
        sections.dedup_by_key(|s| s.0);
        let mut charset: Option<Vec<u8>> = None;
        let mut bytes = Vec::new();
        for (n, (_, extended, v)) in sections.iter().enumerate() {
            if *extended {
                let mut v: &[u8] = v;
                if n == 0 {
                    // RFC 2231 §4: charset'language'value on the first section.
                    let mut it = v.splitn(3, |&b| b == b'\'');
                    if let (Some(cs), Some(_lang), Some(rest)) = (it.next(), it.next(), it.next()) {
                        if !cs.is_empty() {
                            charset = Some(cs.to_vec());
                        }
                        v = rest;
                    }
                }
                bytes.extend(percent_decode(v));
            } else {
                bytes.extend_from_slice(v);
            }
        }
        let value = match charset {
            // Non-ASCII results become one RFC 2047 encoded word (see wire::params).
            Some(cs) => {
                crate::wire::encoded_word(decode::charset_to_utf8(&bytes, Some(&cs)).as_bytes())
            }
            None => bytes,
        };
        params.push((display_name, value));
    }
    MimeValue { value, params }
}

/// One `attribute=value` as sent: (base name lowercase, base name as sent, RFC 2231 section
/// index, is_extended, raw value).
type RawParam = (String, String, Option<u32>, bool, Vec<u8>);

/// `name*2*` -> ("name", Some(2), true); `name*` -> ("name", None, true).
fn split_2231_name(attr: &str) -> (&str, Option<u32>, bool) {
    let (attr, extended) = match attr.strip_suffix('*') {
        Some(a) => (a, true),
        None => (attr, false),
    };
    if let Some(star) = attr.rfind('*') {
        let (base, idx) = (&attr[..star], &attr[star + 1..]);
        if !base.is_empty()
            && idx.bytes().all(|b| b.is_ascii_digit())
            && let Ok(n) = idx.parse::<u32>()
        {
            return (base, Some(n), extended);
        }
    }
    (attr, None, extended)
}

fn percent_decode(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        if v[i] == b'%'
            && i + 2 < v.len()
            && let (Some(h), Some(l)) = (hex(v[i + 1]), hex(v[i + 2]))
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(v[i]);
        i += 1;
    }
    out
}

pub(crate) fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Remove `(comments)` outside quoted strings (nesting and `\` escapes honoured).
fn strip_comments(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut depth = 0usize;
    let mut in_quote = false;
    let mut i = 0;
    while i < input.len() {
        let b = input[i];
        if depth > 0 {
            match b {
                b'\\' => i += 1,
                b'(' => depth += 1,
                b')' => depth -= 1,
                _ => {}
            }
        } else if in_quote {
            out.push(b);
            if b == b'\\' {
                if let Some(&n) = input.get(i + 1) {
                    out.push(n);
                }
                i += 1;
            } else if b == b'"' {
                in_quote = false;
            }
        } else {
            match b {
                b'(' => depth = 1,
                b'"' => {
                    in_quote = true;
                    out.push(b);
                }
                _ => out.push(b),
            }
        }
        i += 1;
    }
    out
}

/// Split on `;` outside quoted strings.
fn split_params(input: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    let mut in_quote = false;
    let mut i = 0;
    while i < input.len() {
        let b = input[i];
        if in_quote {
            cur.push(b);
            if b == b'\\' {
                if let Some(&n) = input.get(i + 1) {
                    cur.push(n);
                }
                i += 1;
            } else if b == b'"' {
                in_quote = false;
            }
        } else if b == b';' {
            out.push(std::mem::take(&mut cur));
        } else {
            if b == b'"' {
                in_quote = true;
            }
            cur.push(b);
        }
        i += 1;
    }
    out.push(cur);
    out
}

/// `"a\"b"` -> `a"b`; an unquoted value is returned as is.
fn unquote(v: &[u8]) -> Vec<u8> {
    if v.first() != Some(&b'"') {
        return v.to_vec();
    }
    let mut out = Vec::with_capacity(v.len());
    let mut i = 1;
    while i < v.len() {
        match v[i] {
            b'\\' if i + 1 < v.len() => {
                out.push(v[i + 1]);
                i += 2;
                continue;
            }
            b'"' => break,
            b => out.push(b),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_folded_fields_and_blank_line() {
        let raw = b"Subject: a\r\n b\r\nTo: x\r\n\r\nbody";
        let h = Header::scan(raw, 0, raw.len());
        assert_eq!(h.fields.len(), 2);
        assert_eq!(
            &raw[h.fields[0].start..h.fields[0].end],
            b"Subject: a\r\n b\r\n"
        );
        assert_eq!(h.fields[0].unfolded(raw), b"a b");
        assert_eq!(&raw[h.body_start..], b"body");
    }

    #[test]
    fn scan_without_blank_line_takes_everything() {
        let raw = b"Subject: a\nTo: x";
        let h = Header::scan(raw, 0, raw.len());
        assert_eq!(h.fields.len(), 2);
        assert_eq!(h.body_start, raw.len());
        assert_eq!(h.fields[1].unfolded(raw), b"x");
    }

    #[test]
    fn mime_value_rfc2231() {
        let v = parse_mime_value(
            b"attachment; filename*0*=utf-8''%C3%A9t%C3%A9; filename*1=\".pdf\"; size=3",
        );
        assert_eq!(v.value, b"attachment");
        assert_eq!(v.param("filename"), Some(&b"=?UTF-8?B?w6l0w6kucGRm?="[..]));
        assert_eq!(v.param("size"), Some(&b"3"[..]));
    }

    #[test]
    fn mime_value_quotes_and_comments() {
        let v = parse_mime_value(b"text/plain (comment); charset=\"us-ascii\" (c); name=\"a;b\"");
        assert_eq!(v.value, b"text/plain");
        assert_eq!(v.param("CHARSET"), Some(&b"us-ascii"[..]));
        assert_eq!(v.param("name"), Some(&b"a;b"[..]));
    }
}
