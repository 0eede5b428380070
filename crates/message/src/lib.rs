//! Message bytes -> ENVELOPE, BODY/BODYSTRUCTURE, the part offset table and search text.
//! Pure: no I/O.
//!
//! Parsing happens once at ingest; the result is serialized (serde) next to the message and
//! FETCH answers from it without re-parsing (DESIGN.md).
//!
//! The MIME structure, header fields and offsets come from our own scanner (`header`,
//! `mime`): FETCH BODY[...] must return exact original bytes and ENVELOPE/BODYSTRUCTURE
//! must report raw header values, which mail-parser's decoded model does not give. From
//! mail-parser we use the charset tables, RFC 2047 decoding, the RFC 5322 date parser and
//! the HTML-to-text converter, each called inside `catch_unwind`.
//!
//! Line endings are not normalised here: sizes, line counts and sections are computed on
//! the bytes given. Callers that want CRLF-only messages (IMAP's canonical form) should
//! normalise before calling `parse` and store the normalised bytes.

mod address;
mod decode;
mod header;
mod mime;
pub mod preview;
pub mod sortkeys;
pub mod text_bytes;
mod wire;

use std::borrow::Cow;
use std::panic::{AssertUnwindSafe, catch_unwind};

use loft_proto_imap::{Section, SectionText};
use serde::{Deserialize, Serialize};

use crate::decode::Cte;
use crate::header::Header;
use crate::mime::{Kind, Node};

pub use crate::mime::{MAX_NESTING_DEPTH, MAX_PARTS};

/// The precomputed IMAP views of one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedMessage {
    /// `(date subject from sender reply-to to cc bcc in-reply-to message-id)`, wire bytes
    /// (RFC 9051 §7.5.2 ENVELOPE), with 8-bit strings as literals.
    #[serde(with = "text_bytes")]
    pub envelope: Vec<u8>,
    /// `BODY` (non-extensible BODYSTRUCTURE), wire bytes.
    #[serde(with = "text_bytes")]
    pub body: Vec<u8>,
    /// `BODYSTRUCTURE` with extension data, wire bytes.
    #[serde(with = "text_bytes")]
    pub bodystructure: Vec<u8>,
    /// The part tree with byte offsets into the raw message.
    pub root: Part,
    /// Date: header as a unix timestamp (UTC), for SENTBEFORE/SENTON/SENTSINCE/SORT;
    /// None when absent or unparsable. `sent_date_offset_secs`: its zone.
    pub sent_date: Option<i64>,
    pub sent_date_offset_secs: i32,
    /// PREVIEW text and thread root (RFC 8970, RFC 8474), computed at ingest. None for
    /// messages stored before these existed: callers then use `preview::derive(raw)`.
    #[serde(default)]
    pub derived: Option<preview::Derived>,
}

/// One MIME part: offsets are into the whole raw message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub header_start: usize,
    /// Start of the body (after the blank line ending the header).
    pub body_start: usize,
    pub body_end: usize,
    /// Lowercase `type/subtype` as reported in BODYSTRUCTURE (after the fallbacks: a
    /// multipart without parts is `text/plain`, see the `mime` module).
    pub content_type: String,
    /// Lowercase Content-Transfer-Encoding, "7bit" when absent.
    pub encoding: String,
    /// Children of a multipart, or the single child of message/rfc822 (its encapsulated
    /// message, itself a Part whose header is the encapsulated header).
    pub children: Vec<Part>,
}

impl ParsedMessage {
    /// A parse result holding only ENVELOPE and the Date: header, for readers that need
    /// nothing else (FETCH ENVELOPE, SORT): BODY, BODYSTRUCTURE and the part tree are
    /// empty, `derived` is None. Never use it where sections or BODYSTRUCTURE are read.
    pub fn keys_only(
        envelope: Vec<u8>,
        sent_date: Option<i64>,
        sent_date_offset_secs: i32,
    ) -> Self {
        ParsedMessage {
            envelope,
            body: Vec::new(),
            bodystructure: Vec::new(),
            root: Part {
                header_start: 0,
                body_start: 0,
                body_end: 0,
                content_type: String::new(),
                encoding: String::new(),
                children: Vec::new(),
            },
            sent_date,
            sent_date_offset_secs,
            derived: None,
        }
    }

    /// The bytes of `BODY[section]` before any `<partial>` (RFC 9051 §6.4.5), or None when
    /// the part does not exist (the session then answers NIL ... Dovecot sends empty).
    ///
    /// RFC 9051 §6.4.5: HEADER, HEADER.FIELDS[.NOT] and TEXT after a part number are only
    /// defined for a MESSAGE/RFC822 part; on any other part they give None. MIME needs a
    /// part number. HEADER.FIELDS returns the matching fields as they are in the message
    /// (folded lines included) followed by CRLF; with no match, just CRLF.
    pub fn section<'a>(&self, raw: &'a [u8], section: &Section) -> Option<Cow<'a, [u8]>> {
        let is_top = section.part.is_empty();
        let part = if is_top {
            &self.root
        } else {
            self.root.find(&section.part)?
        };
        let Some(text) = &section.text else {
            return if is_top {
                Some(Cow::Borrowed(raw))
            } else {
                slice(raw, part.body_start, part.body_end)
            };
        };
        if let SectionText::Mime = text {
            return if is_top {
                None
            } else {
                slice(raw, part.header_start, part.body_start)
            };
        }
        let message = if is_top {
            &self.root
        } else if part.is_message() {
            part.children.first()?
        } else {
            return None;
        };
        match text {
            SectionText::Header => slice(raw, message.header_start, message.body_start),
            SectionText::Text => slice(raw, message.body_start, message.body_end),
            SectionText::HeaderFields(names) => {
                Some(Cow::Owned(header_fields(raw, message, names, true)?))
            }
            SectionText::HeaderFieldsNot(names) => {
                Some(Cow::Owned(header_fields(raw, message, names, false)?))
            }
            SectionText::Mime => None,
        }
    }

    /// `BINARY[part]` (RFC 3516): the part body with its Content-Transfer-Encoding removed.
    /// Err(UnknownCte) when the encoding is unknown (the session answers NO [UNKNOWN-CTE]).
    /// An empty part path is the whole message, which has no encoding of its own.
    pub fn binary<'a>(
        &self,
        raw: &'a [u8],
        part: &[u32],
    ) -> Result<Option<Cow<'a, [u8]>>, UnknownCte> {
        if part.is_empty() {
            return Ok(Some(Cow::Borrowed(raw)));
        }
        let Some(p) = self.root.find(part) else {
            return Ok(None);
        };
        let Some(body) = slice(raw, p.body_start, p.body_end) else {
            return Ok(None);
        };
        match Cte::from_name(&p.encoding) {
            None => Err(UnknownCte),
            Some(Cte::Identity) => Ok(Some(body)),
            Some(cte) => Ok(Some(Cow::Owned(cte.decode(&body)))),
        }
    }
}

impl Part {
    /// The part with IMAP part number `path` (RFC 9051 §6.4.5), `path` non-empty.
    ///
    /// A non-multipart entity has only part 1, itself; a MESSAGE/RFC822 part is entered
    /// when more numbers follow (`2.1` is part 1 of the message in part 2).
    pub fn find(&self, path: &[u32]) -> Option<&Part> {
        let mut cur = self;
        for (i, &n) in path.iter().enumerate() {
            if cur.is_multipart() {
                let idx = usize::try_from(n).ok()?.checked_sub(1)?;
                cur = cur.children.get(idx)?;
            } else if n != 1 {
                return None;
            }
            if i + 1 < path.len() {
                if cur.is_message() {
                    cur = cur.children.first()?;
                } else if !cur.is_multipart() {
                    return None;
                }
            }
        }
        Some(cur)
    }

    pub fn is_multipart(&self) -> bool {
        self.content_type.starts_with("multipart/") && !self.children.is_empty()
    }

    /// MESSAGE/RFC822 or MESSAGE/GLOBAL with its encapsulated message parsed.
    pub fn is_message(&self) -> bool {
        matches!(
            self.content_type.as_str(),
            "message/rfc822" | "message/global"
        ) && self.children.len() == 1
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown Content-Transfer-Encoding")]
pub struct UnknownCte;

/// Parse a message. Never panics (catches panics, caps nesting depth); a message that
/// cannot be parsed at all still gets a valid ENVELOPE of NILs and a text/plain
/// BODYSTRUCTURE covering the whole content.
pub fn parse(raw: &[u8]) -> ParsedMessage {
    catch_unwind(AssertUnwindSafe(|| parse_inner(raw))).unwrap_or_else(|_| fallback(raw))
}

/// Decoded (RFC 2047) values of every header field `name` (case-insensitive) of the top
/// level header, for SEARCH FROM/TO/CC/BCC/SUBJECT/HEADER.
pub fn header_values(raw: &[u8], name: &str) -> Vec<String> {
    let header = Header::scan(raw, 0, raw.len());
    header
        .fields
        .iter()
        .filter(|f| f.is(raw, name))
        .map(|f| decode::rfc2047_decode(&f.unfolded(raw)))
        .collect()
}

/// Decoded text of the message body (all text parts, transfer-decoded, charset-converted to
/// UTF-8) for SEARCH BODY; `with_headers` adds the decoded header for SEARCH TEXT.
///
/// Decisions: text/html is converted to its visible text (what the user reads and searches
/// for); the header of an attached message/rfc822 is part of the body and always included;
/// non-text parts contribute nothing. Parts are joined with "\n".
pub fn search_text(raw: &[u8], with_headers: bool) -> String {
    catch_unwind(AssertUnwindSafe(|| {
        let tree = mime::parse_tree(raw);
        let mut out = String::new();
        if with_headers {
            push_header_text(&mut out, raw, &tree.header);
        }
        push_body_text(&mut out, raw, &tree);
        out
    }))
    .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned())
}

fn parse_inner(raw: &[u8]) -> ParsedMessage {
    let tree = mime::parse_tree(raw);
    let mut envelope = Vec::new();
    wire::envelope(&mut envelope, &tree.header, raw);
    let mut body = Vec::new();
    wire::body(&mut body, &tree, raw, false);
    let mut bodystructure = Vec::new();
    wire::body(&mut bodystructure, &tree, raw, true);
    let (sent_date, sent_date_offset_secs) = match tree.header.value(raw, "Date") {
        Some(v) => sent_date(&v),
        None => (None, 0),
    };
    ParsedMessage {
        envelope,
        body,
        bodystructure,
        root: to_part(&tree),
        sent_date,
        sent_date_offset_secs,
        derived: Some(preview::derive_from_tree(raw, &tree)),
    }
}

fn fallback(raw: &[u8]) -> ParsedMessage {
    let lines = wire::count_lines(raw);
    let body = format!(
        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" {} {lines})",
        raw.len()
    );
    let bodystructure = format!(
        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" {} {lines} NIL NIL NIL NIL)",
        raw.len()
    );
    ParsedMessage {
        envelope: b"(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)".to_vec(),
        body: body.into_bytes(),
        bodystructure: bodystructure.into_bytes(),
        root: Part {
            header_start: 0,
            body_start: 0,
            body_end: raw.len(),
            content_type: "text/plain".to_string(),
            encoding: "7bit".to_string(),
            children: Vec::new(),
        },
        sent_date: None,
        sent_date_offset_secs: 0,
        derived: Some(preview::derive(raw)),
    }
}

fn to_part(node: &Node) -> Part {
    let children = match &node.kind {
        Kind::Leaf => Vec::new(),
        Kind::Multipart(ch) => ch.iter().map(to_part).collect(),
        Kind::Message(inner) => vec![to_part(inner)],
    };
    Part {
        header_start: node.header_start,
        body_start: node.body_start,
        body_end: node.body_end,
        content_type: format!("{}/{}", node.media_type, node.media_subtype),
        encoding: node.encoding.clone(),
        children,
    }
}

/// RFC 5322 §3.3 date-time, read tolerantly by mail-parser. (timestamp UTC, zone offset).
fn sent_date(value: &[u8]) -> (Option<i64>, i32) {
    let text = String::from_utf8_lossy(value);
    let parsed = catch_unwind(AssertUnwindSafe(|| {
        // A date without a zone is read as UTC (RFC 5322 §3.3: "-0000" means no
        // information about the local zone), which mail-parser only does when told.
        mail_parser::DateTime::parse_rfc822(&text)
            .or_else(|| mail_parser::DateTime::parse_rfc822(&format!("{text} +0000")))
    }));
    match parsed {
        Ok(Some(dt)) if dt.is_valid() => {
            let offset = i32::from(dt.tz_hour) * 3600 + i32::from(dt.tz_minute) * 60;
            let offset = if dt.tz_before_gmt { -offset } else { offset };
            (Some(dt.to_timestamp()), offset)
        }
        _ => (None, 0),
    }
}

fn slice(raw: &[u8], start: usize, end: usize) -> Option<Cow<'_, [u8]>> {
    raw.get(start..end).map(Cow::Borrowed)
}

/// RFC 9051 §6.4.5 HEADER.FIELDS / HEADER.FIELDS.NOT.
fn header_fields(raw: &[u8], message: &Part, names: &[String], include: bool) -> Option<Vec<u8>> {
    let header_end = message.body_start.min(raw.len());
    if message.header_start > header_end {
        return None;
    }
    let header = Header::scan(raw, message.header_start, header_end);
    let mut out = Vec::new();
    for f in &header.fields {
        let wanted = names.iter().any(|n| f.is(raw, n)) == include;
        if wanted {
            let bytes = &raw[f.start..f.end];
            out.extend_from_slice(bytes);
            if !bytes.ends_with(b"\n") {
                out.extend_from_slice(b"\r\n");
            }
        }
    }
    out.extend_from_slice(b"\r\n");
    Some(out)
}

fn push_header_text(out: &mut String, raw: &[u8], header: &Header) {
    for f in &header.fields {
        out.push_str(&String::from_utf8_lossy(f.name(raw)));
        out.push_str(": ");
        out.push_str(&decode::rfc2047_decode(&f.unfolded(raw)));
        out.push('\n');
    }
}

fn push_body_text(out: &mut String, raw: &[u8], node: &Node) {
    match &node.kind {
        Kind::Multipart(children) => {
            for c in children {
                push_body_text(out, raw, c);
            }
        }
        Kind::Message(inner) => {
            push_header_text(out, raw, &inner.header);
            push_body_text(out, raw, inner);
        }
        Kind::Leaf if node.is_text() => {
            let body = &raw[node.body_start..node.body_end];
            let decoded =
                Cte::from_name(&node.encoding).map_or_else(|| body.to_vec(), |c| c.decode(body));
            let charset = node
                .params
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("charset"))
                .map(|(_, v)| v.as_slice());
            let text = decode::charset_to_utf8(&decoded, charset);
            let text = if node.media_subtype == "html" {
                catch_unwind(AssertUnwindSafe(|| {
                    mail_parser::decoders::html::html_to_text(&text)
                }))
                .unwrap_or(text)
            } else {
                text
            };
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&text);
        }
        Kind::Leaf => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sent_date_tolerant_forms() {
        // 2025-11-25T09:13:58Z
        let utc = 1_764_062_038;
        assert_eq!(
            sent_date(b"Tue, 25 Nov 2025 09:13:58 +0000"),
            (Some(utc), 0)
        );
        assert_eq!(sent_date(b"25 Nov 2025 09:13:58 GMT"), (Some(utc), 0));
        assert_eq!(
            sent_date(b"Tue, 25 Nov 2025 04:13:58 -0500 (EST)"),
            (Some(utc), -18000)
        );
        assert_eq!(sent_date(b"Tue, 25 Nov 2025 09:13:58"), (Some(utc), 0));
        assert_eq!(
            sent_date(b"Tue, 25 Nov 25 10:13:58 +0100"),
            (Some(utc), 3600)
        );
        assert_eq!(sent_date(b"yesterday"), (None, 0));
        assert_eq!(sent_date(b""), (None, 0));
    }
}
