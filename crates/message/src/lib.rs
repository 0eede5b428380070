//! Message bytes -> ENVELOPE, BODY/BODYSTRUCTURE, the part offset table and search text.
//! Pure: no I/O. (CONTRACT STUB: the message helper implements it.)
//!
//! Parsing happens once at ingest; the result is serialized (serde) next to the message and
//! FETCH answers from it without re-parsing (DESIGN.md).

use loft_proto_imap::Section;
use serde::{Deserialize, Serialize};

/// The precomputed IMAP views of one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedMessage {
    /// `(date subject from sender reply-to to cc bcc in-reply-to message-id)`, wire bytes
    /// (RFC 9051 §7.5.2 ENVELOPE), with 8-bit strings as literals.
    pub envelope: Vec<u8>,
    /// `BODY` (non-extensible BODYSTRUCTURE), wire bytes.
    pub body: Vec<u8>,
    /// `BODYSTRUCTURE` with extension data, wire bytes.
    pub bodystructure: Vec<u8>,
    /// The part tree with byte offsets into the raw message.
    pub root: Part,
    /// Date: header as a unix timestamp (UTC), for SENTBEFORE/SENTON/SENTSINCE/SORT;
    /// None when absent or unparsable. `sent_date_offset_secs`: its zone.
    pub sent_date: Option<i64>,
    pub sent_date_offset_secs: i32,
}

/// One MIME part: offsets are into the whole raw message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub header_start: usize,
    /// Start of the body (after the blank line ending the header).
    pub body_start: usize,
    pub body_end: usize,
    /// Lowercase `type/subtype`.
    pub content_type: String,
    /// Lowercase Content-Transfer-Encoding, "7bit" when absent.
    pub encoding: String,
    /// Children of a multipart, or the single child of message/rfc822 (its encapsulated
    /// message, itself a Part whose header is the encapsulated header).
    pub children: Vec<Part>,
}

impl ParsedMessage {
    /// The bytes of `BODY[section]` before any `<partial>` (RFC 9051 §6.4.5), or None when
    /// the part does not exist (the session then answers NIL ... Dovecot sends empty).
    pub fn section<'a>(&self, raw: &'a [u8], section: &Section) -> Option<std::borrow::Cow<'a, [u8]>> {
        let _ = (raw, section);
        unimplemented!("contract stub")
    }

    /// `BINARY[part]` (RFC 3516): the part body with its Content-Transfer-Encoding removed.
    /// Err(()) when the encoding is unknown (the session answers NO [UNKNOWN-CTE]).
    pub fn binary<'a>(&self, raw: &'a [u8], part: &[u32]) -> Result<Option<std::borrow::Cow<'a, [u8]>>, UnknownCte> {
        let _ = (raw, part);
        unimplemented!("contract stub")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownCte;

/// Parse a message. Never panics (catches mail-parser panics, caps nesting depth); a
/// message that cannot be parsed at all still gets a valid ENVELOPE of NILs and a
/// text/plain BODYSTRUCTURE covering the whole content.
pub fn parse(raw: &[u8]) -> ParsedMessage {
    let _ = raw;
    unimplemented!("contract stub")
}

/// Decoded (RFC 2047) values of every header field `name` (case-insensitive) of the top
/// level header, for SEARCH FROM/TO/CC/BCC/SUBJECT/HEADER.
pub fn header_values(raw: &[u8], name: &str) -> Vec<String> {
    let _ = (raw, name);
    unimplemented!("contract stub")
}

/// Decoded text of the message body (all text parts, transfer-decoded, charset-converted to
/// UTF-8) for SEARCH BODY; `with_headers` adds the decoded header for SEARCH TEXT.
pub fn search_text(raw: &[u8], with_headers: bool) -> String {
    let _ = (raw, with_headers);
    unimplemented!("contract stub")
}
