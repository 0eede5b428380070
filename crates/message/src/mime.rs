//! The MIME part tree (RFC 2045, RFC 2046) with byte offsets into the raw message.
//!
//! Our own boundary scanner: offsets must be exact for BODY[n], and RFC 2046 §5.1.1 says the
//! line break before a boundary delimiter belongs to the delimiter, so a part's body ends
//! before that CRLF (or bare LF).
//!
//! Decisions, each with the reason:
//! - A multipart with no boundary parameter, or whose body holds no delimiter line, has no
//!   parts; IMAP's body-type-mpart needs at least one (RFC 9051 §9 `1*body`). Like Dovecot,
//!   we treat such an entity as a single TEXT/PLAIN part holding the whole body.
//! - Nesting deeper than `MAX_NESTING_DEPTH` (multipart and message/rfc822 levels) is not
//!   descended into: a multipart there becomes TEXT/PLAIN as above, a message/rfc822 becomes
//!   APPLICATION/OCTET-STREAM. This bounds recursion and rescanning work on hostile input.
//! - At most `MAX_PARTS` parts per message; past that the last part of a multipart runs to
//!   its closing delimiter.
//! - A message/rfc822 part with a base64 or quoted-printable encoding (forbidden by RFC 2046
//!   §5.2.1 but seen in the wild) cannot carry offsets into the raw message, so it is
//!   reported as APPLICATION/OCTET-STREAM; BINARY[] still decodes it.
//! - MESSAGE/GLOBAL (RFC 6532) is treated like MESSAGE/RFC822, as RFC 9051 §9
//!   media-message does.

use crate::address::{Addr, parse_address_list};
use crate::header::{Header, MimeValue, parse_mime_value};

/// Multipart and message/rfc822 levels below the top-level message that are parsed.
/// Keep it well under 60: the stored `Part` tree is JSON, and serde_json refuses to read
/// documents nested deeper than 128 (each level is an object plus a `children` array).
pub const MAX_NESTING_DEPTH: usize = 50;
/// Parts (all levels) in one message.
pub const MAX_PARTS: usize = 10_000;

/// One entity with everything BODYSTRUCTURE needs.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub header_start: usize,
    pub body_start: usize,
    pub body_end: usize,
    pub header: Header,
    /// Effective lowercase type and subtype (after the fallbacks above).
    pub media_type: String,
    pub media_subtype: String,
    /// Content-Type parameters to report; for the implicit default `charset=us-ascii`.
    pub params: Vec<(String, Vec<u8>)>,
    /// Lowercase Content-Transfer-Encoding; "7bit" when absent.
    pub encoding: String,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Leaf,
    Multipart(Vec<Node>),
    /// message/rfc822: the encapsulated message.
    Message(Box<Node>),
}

impl Node {
    pub fn is_text(&self) -> bool {
        self.media_type == "text"
    }
}

/// What an entity is when its header says nothing (RFC 2046 §5.1.5: inside
/// multipart/digest the default is message/rfc822).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DefaultType {
    TextPlain,
    MessageRfc822,
}

struct Builder<'a> {
    raw: &'a [u8],
    parts: usize,
}

/// Build the tree of the whole message.
pub(crate) fn parse_tree(raw: &[u8]) -> Node {
    let mut b = Builder { raw, parts: 0 };
    b.entity(0, raw.len(), 0, DefaultType::TextPlain)
}

impl<'a> Builder<'a> {
    fn entity(&mut self, start: usize, end: usize, depth: usize, default: DefaultType) -> Node {
        let raw = self.raw;
        self.parts += 1;
        let header = Header::scan(raw, start, end);
        let body_start = header.body_start;
        let encoding = header
            .value(raw, "Content-Transfer-Encoding")
            .map(|v| String::from_utf8_lossy(&v).to_ascii_lowercase())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "7bit".to_string());

        let ct = header
            .value(raw, "Content-Type")
            .map(|v| parse_mime_value(&v));
        let (media_type, media_subtype, params) = match (&ct, default) {
            (Some(ct), _) if valid_media(ct).is_some() => {
                let (t, s) = valid_media(ct).unwrap_or_default();
                (t, s, ct.params.clone())
            }
            (_, DefaultType::MessageRfc822) if ct.is_none() => {
                ("message".to_string(), "rfc822".to_string(), Vec::new())
            }
            _ => default_text_plain(),
        };

        let mut node = Node {
            header_start: start,
            body_start,
            body_end: end,
            header,
            media_type,
            media_subtype,
            params,
            encoding,
            kind: Kind::Leaf,
        };

        if node.media_type == "multipart" {
            let boundary = ct
                .as_ref()
                .and_then(|c| c.param("boundary"))
                .map(<[u8]>::to_vec);
            let children = match boundary {
                Some(b) if !b.is_empty() && depth < MAX_NESTING_DEPTH => {
                    let child_default = if node.media_subtype == "digest" {
                        DefaultType::MessageRfc822
                    } else {
                        DefaultType::TextPlain
                    };
                    self.multipart(&b, body_start, end, depth + 1, child_default)
                }
                _ => Vec::new(),
            };
            if children.is_empty() {
                let (t, s, p) = default_text_plain();
                node.media_type = t;
                node.media_subtype = s;
                node.params = p;
            } else {
                node.kind = Kind::Multipart(children);
            }
        } else if node.media_type == "message"
            && matches!(node.media_subtype.as_str(), "rfc822" | "global")
        {
            let is_identity = matches!(node.encoding.as_str(), "7bit" | "8bit" | "binary");
            if is_identity && depth < MAX_NESTING_DEPTH && self.parts < MAX_PARTS {
                let inner = self.entity(body_start, end, depth + 1, DefaultType::TextPlain);
                node.kind = Kind::Message(Box::new(inner));
            } else {
                node.media_type = "application".to_string();
                node.media_subtype = "octet-stream".to_string();
            }
        }
        node
    }

    /// Split `raw[start..end]` on `--boundary` lines (RFC 2046 §5.1.1).
    fn multipart(
        &mut self,
        boundary: &[u8],
        start: usize,
        end: usize,
        depth: usize,
        default: DefaultType,
    ) -> Vec<Node> {
        let raw = self.raw;
        let mut children = Vec::new();
        // (part start, part end) of each body part.
        let mut extents: Vec<(usize, usize)> = Vec::new();
        let mut part_start: Option<usize> = None;
        let mut pos = start;
        while pos < end {
            let line_end = raw[pos..end]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(end, |i| pos + i);
            let next = if line_end < end { line_end + 1 } else { end };
            if let Some(is_close) = delimiter(&raw[pos..line_end], boundary) {
                // The line break before the delimiter belongs to it.
                let mut content_end = pos;
                if content_end > start && raw[content_end - 1] == b'\n' {
                    content_end -= 1;
                    if content_end > start && raw[content_end - 1] == b'\r' {
                        content_end -= 1;
                    }
                }
                if let Some(ps) = part_start.take() {
                    let limit_reached = self.parts + extents.len() >= MAX_PARTS && !is_close;
                    if limit_reached {
                        part_start = Some(ps);
                    } else {
                        extents.push((ps, content_end.max(ps)));
                    }
                }
                if is_close {
                    break;
                }
                if part_start.is_none() {
                    part_start = Some(next);
                }
            }
            pos = next;
        }
        if let Some(ps) = part_start {
            // Missing close delimiter: the last part runs to the end of the multipart.
            extents.push((ps, end.max(ps)));
        }
        for (s, e) in extents {
            children.push(self.entity(s, e, depth, default));
        }
        children
    }
}

/// `--boundary` [`--`] then optional white space (RFC 2046 §5.1.1 transport padding).
/// Returns Some(is_close) for a delimiter line. Anything after a close delimiter's `--` is
/// tolerated; an open delimiter followed by other text is not one (so boundary "abc" does
/// not match "--abcdef").
fn delimiter(line: &[u8], boundary: &[u8]) -> Option<bool> {
    let rest = line.strip_prefix(b"--")?.strip_prefix(boundary)?;
    if rest.starts_with(b"--") {
        return Some(true);
    }
    if rest.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r')) {
        return Some(false);
    }
    None
}

/// Type and subtype when both are RFC 2045 tokens.
fn valid_media(ct: &MimeValue) -> Option<(String, String)> {
    let v = &ct.value;
    let slash = v.iter().position(|&b| b == b'/')?;
    let t = crate::header::trim(&v[..slash]);
    let s = crate::header::trim(&v[slash + 1..]);
    let is_token = |x: &[u8]| {
        !x.is_empty()
            && x.iter()
                .all(|&b| b > 0x20 && b < 0x7f && !b"()<>@,;:\\\"/[]?=".contains(&b))
    };
    if is_token(t) && is_token(s) {
        Some((
            String::from_utf8_lossy(t).to_ascii_lowercase(),
            String::from_utf8_lossy(s).to_ascii_lowercase(),
        ))
    } else {
        None
    }
}

/// RFC 2045 §5.2: the default is `text/plain; charset=us-ascii`.
fn default_text_plain() -> (String, String, Vec<(String, Vec<u8>)>) {
    (
        "text".to_string(),
        "plain".to_string(),
        vec![("charset".to_string(), b"us-ascii".to_vec())],
    )
}

/// Address list helper used by the envelope.
pub(crate) fn addresses(header: &Header, raw: &[u8], name: &str) -> Option<Vec<Addr>> {
    let v = header.value(raw, name)?;
    let list = parse_address_list(&v);
    if list.is_empty() { None } else { Some(list) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter_lines() {
        assert_eq!(delimiter(b"--abc", b"abc"), Some(false));
        assert_eq!(delimiter(b"--abc  \r", b"abc"), Some(false));
        assert_eq!(delimiter(b"--abc--", b"abc"), Some(true));
        assert_eq!(delimiter(b"--abcdef", b"abc"), None);
        assert_eq!(delimiter(b"-abc", b"abc"), None);
    }

    #[test]
    fn part_offsets_exclude_crlf_before_boundary() {
        let raw = b"Content-Type: multipart/mixed; boundary=x\r\n\r\npre\r\n--x\r\n\r\none\r\n--x\r\nContent-Type: text/html\r\n\r\n<b>two</b>\r\n--x--\r\nepi\r\n";
        let n = parse_tree(raw);
        let Kind::Multipart(ch) = &n.kind else {
            panic!("not multipart")
        };
        assert_eq!(ch.len(), 2);
        assert_eq!(&raw[ch[0].body_start..ch[0].body_end], b"one");
        assert_eq!(&raw[ch[1].body_start..ch[1].body_end], b"<b>two</b>");
        assert_eq!(
            &raw[ch[1].header_start..ch[1].body_start],
            b"Content-Type: text/html\r\n\r\n"
        );
        assert_eq!(ch[1].media_subtype, "html");
    }
}
