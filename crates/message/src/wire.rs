//! ENVELOPE, BODY and BODYSTRUCTURE in IMAP wire syntax (RFC 9051 §7.5.2, §9; RFC 3501
//! §7.4.2). The bytes are computed once at ingest and stored, so they cannot depend on the
//! session: strings with 8-bit bytes are always literals (valid for IMAP4rev1 and rev2).
//!
//! Case decisions (as Cyrus and Gmail do, and as the RFC examples show): type, subtype,
//! Content-Transfer-Encoding, parameter names and the disposition type are upper-cased;
//! parameter values and everything else are sent as they are in the message.

use crate::address::Addr;
use crate::decode::base64_encode;
use crate::header::{Header, parse_mime_value, trim};
use crate::mime::{Kind, Node, addresses};

/// Longest string sent quoted; longer ones become literals.
const MAX_QUOTED_BYTES: usize = 1024;

/// `string` (RFC 9051 §9): quoted when every byte is 7-bit, not NUL/CR/LF and the string is
/// short; otherwise a literal. NUL bytes are dropped: no IMAP string may carry them.
pub(crate) fn string(out: &mut Vec<u8>, s: &[u8]) {
    let owned;
    let s = if s.contains(&0) {
        owned = s.iter().copied().filter(|&b| b != 0).collect::<Vec<u8>>();
        &owned[..]
    } else {
        s
    };
    let is_quotable =
        s.len() <= MAX_QUOTED_BYTES && s.iter().all(|&b| b < 0x80 && b != b'\r' && b != b'\n');
    if is_quotable {
        out.push(b'"');
        for &b in s {
            if b == b'"' || b == b'\\' {
                out.push(b'\\');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(format!("{{{}}}\r\n", s.len()).as_bytes());
        out.extend_from_slice(s);
    }
}

/// `nstring`: NIL or `string`.
pub(crate) fn nstring(out: &mut Vec<u8>, s: Option<&[u8]>) {
    match s {
        Some(s) => string(out, s),
        None => out.extend_from_slice(b"NIL"),
    }
}

fn number(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(n.to_string().as_bytes());
}

/// `envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to SP
/// env-to SP env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")"`.
pub(crate) fn envelope(out: &mut Vec<u8>, header: &Header, raw: &[u8]) {
    let non_empty = |v: Option<Vec<u8>>| v.filter(|v| !v.is_empty());
    out.push(b'(');
    nstring(out, non_empty(header.value(raw, "Date")).as_deref());
    out.push(b' ');
    nstring(out, header.value(raw, "Subject").as_deref());
    out.push(b' ');
    let from = addresses(header, raw, "From");
    address_list(out, from.as_deref());
    out.push(b' ');
    // RFC 3501 §7.4.2: absent or empty Sender / Reply-To take the value of From.
    let sender = addresses(header, raw, "Sender").or_else(|| from.clone());
    address_list(out, sender.as_deref());
    out.push(b' ');
    let reply_to = addresses(header, raw, "Reply-To").or_else(|| from.clone());
    address_list(out, reply_to.as_deref());
    for name in ["To", "Cc", "Bcc"] {
        out.push(b' ');
        address_list(out, addresses(header, raw, name).as_deref());
    }
    out.push(b' ');
    nstring(out, non_empty(header.value(raw, "In-Reply-To")).as_deref());
    out.push(b' ');
    nstring(out, non_empty(header.value(raw, "Message-ID")).as_deref());
    out.push(b')');
}

/// `"(" 1*address ")" / nil`; group syntax per RFC 9051 §7.5.2.
fn address_list(out: &mut Vec<u8>, list: Option<&[Addr]>) {
    let Some(list) = list.filter(|l| !l.is_empty()) else {
        out.extend_from_slice(b"NIL");
        return;
    };
    out.push(b'(');
    for a in list {
        out.push(b'(');
        match a {
            Addr::Mailbox {
                name,
                adl,
                mailbox,
                host,
            } => {
                nstring(out, name.as_deref());
                out.push(b' ');
                nstring(out, adl.as_deref());
                out.push(b' ');
                string(out, mailbox);
                out.push(b' ');
                string(out, host);
            }
            Addr::GroupStart(name) => {
                out.extend_from_slice(b"NIL NIL ");
                string(out, name);
                out.extend_from_slice(b" NIL");
            }
            Addr::GroupEnd => out.extend_from_slice(b"NIL NIL NIL NIL"),
        }
        out.push(b')');
    }
    out.push(b')');
}

/// `body` (RFC 9051 §9); `extended` selects BODYSTRUCTURE (with extension data) over BODY.
pub(crate) fn body(out: &mut Vec<u8>, node: &Node, raw: &[u8], extended: bool) {
    out.push(b'(');
    match &node.kind {
        Kind::Multipart(children) => {
            // body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
            for child in children {
                body(out, child, raw, extended);
            }
            out.push(b' ');
            string(out, node.media_subtype.to_ascii_uppercase().as_bytes());
            if extended {
                out.push(b' ');
                params(out, &node.params);
                out.push(b' ');
                extension_tail(out, node, raw);
            }
        }
        Kind::Leaf | Kind::Message(_) => {
            string(out, node.media_type.to_ascii_uppercase().as_bytes());
            out.push(b' ');
            string(out, node.media_subtype.to_ascii_uppercase().as_bytes());
            out.push(b' ');
            body_fields(out, node, raw);
            let lines = || count_lines(&raw[node.body_start..node.body_end]);
            match &node.kind {
                Kind::Message(inner) => {
                    // body-type-msg: ... SP envelope SP body SP body-fld-lines
                    out.push(b' ');
                    envelope(out, &inner.header, raw);
                    out.push(b' ');
                    body(out, inner, raw, extended);
                    out.push(b' ');
                    number(out, lines());
                }
                _ if node.is_text() => {
                    out.push(b' ');
                    number(out, lines());
                }
                _ => {}
            }
            if extended {
                // body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang
                //                  [SP body-fld-loc]]]
                out.push(b' ');
                let md5 = node
                    .header
                    .value(raw, "Content-MD5")
                    .filter(|v| !v.is_empty());
                nstring(out, md5.as_deref());
                out.push(b' ');
                extension_tail(out, node, raw);
            }
        }
    }
    out.push(b')');
}

/// `body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP
/// body-fld-octets`.
fn body_fields(out: &mut Vec<u8>, node: &Node, raw: &[u8]) {
    params(out, &node.params);
    out.push(b' ');
    let id = node
        .header
        .value(raw, "Content-ID")
        .filter(|v| !v.is_empty());
    nstring(out, id.as_deref());
    out.push(b' ');
    let desc = node
        .header
        .value(raw, "Content-Description")
        .filter(|v| !v.is_empty());
    nstring(out, desc.as_deref());
    out.push(b' ');
    string(out, node.encoding.to_ascii_uppercase().as_bytes());
    out.push(b' ');
    number(out, node.body_end - node.body_start);
}

/// `body-fld-dsp SP body-fld-lang SP body-fld-loc`.
fn extension_tail(out: &mut Vec<u8>, node: &Node, raw: &[u8]) {
    match node
        .header
        .value(raw, "Content-Disposition")
        .filter(|v| !trim(v).is_empty())
    {
        Some(v) => {
            let d = parse_mime_value(&v);
            out.push(b'(');
            string(
                out,
                String::from_utf8_lossy(&d.value)
                    .to_ascii_uppercase()
                    .as_bytes(),
            );
            out.push(b' ');
            params(out, &d.params);
            out.push(b')');
        }
        None => out.extend_from_slice(b"NIL"),
    }
    out.push(b' ');
    // body-fld-lang = nstring / "(" string *(SP string) ")"  (RFC 3282 Content-Language)
    let langs: Vec<Vec<u8>> = node
        .header
        .value(raw, "Content-Language")
        .map(|v| {
            v.split(|&b| b == b',')
                .map(|l| trim(l).to_vec())
                .filter(|l| !l.is_empty())
                .collect()
        })
        .unwrap_or_default();
    match langs.len() {
        0 => out.extend_from_slice(b"NIL"),
        1 => string(out, &langs[0]),
        _ => {
            out.push(b'(');
            for (i, l) in langs.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                string(out, l);
            }
            out.push(b')');
        }
    }
    out.push(b' ');
    let loc = node
        .header
        .value(raw, "Content-Location")
        .filter(|v| !v.is_empty());
    nstring(out, loc.as_deref());
}

/// `body-fld-param = "(" string SP string *(SP string SP string) ")" / nil`.
///
/// Values that RFC 2231 decoding turned into non-ASCII UTF-8 are sent as one RFC 2047
/// encoded word, so that every client (and the 7-bit wire) can read them; raw 8-bit values
/// that were in the header as such are sent unchanged (as literals).
fn params(out: &mut Vec<u8>, params: &[(String, Vec<u8>)]) {
    if params.is_empty() {
        out.extend_from_slice(b"NIL");
        return;
    }
    out.push(b'(');
    for (i, (name, value)) in params.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        string(out, name.to_ascii_uppercase().as_bytes());
        out.push(b' ');
        string(out, value);
    }
    out.push(b')');
}

/// Encode non-ASCII UTF-8 as `=?UTF-8?B?...?=` (RFC 2047 §4.1).
pub(crate) fn encoded_word(value: &[u8]) -> Vec<u8> {
    if value.is_ascii() {
        return value.to_vec();
    }
    format!("=?UTF-8?B?{}?=", base64_encode(value)).into_bytes()
}

/// Text lines in a body: line breaks, plus one for a last line without one (the line break
/// before a boundary belongs to the boundary, RFC 2046 §5.1.1, so a part's last line
/// usually has none).
pub(crate) fn count_lines(body: &[u8]) -> usize {
    let breaks = body.iter().filter(|&&b| b == b'\n').count();
    match body.last() {
        Some(b'\n') | None => breaks,
        Some(_) => breaks + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings() {
        let mut out = Vec::new();
        string(&mut out, b"a \"b\" \\c");
        assert_eq!(out, b"\"a \\\"b\\\" \\\\c\"");
        out.clear();
        string(&mut out, "é".as_bytes());
        assert_eq!(out, b"{2}\r\n\xc3\xa9");
        out.clear();
        string(&mut out, b"a\0b");
        assert_eq!(out, b"\"ab\"");
    }

    #[test]
    fn lines() {
        assert_eq!(count_lines(b""), 0);
        assert_eq!(count_lines(b"a"), 1);
        assert_eq!(count_lines(b"a\r\n"), 1);
        assert_eq!(count_lines(b"a\r\nb"), 2);
    }
}
