//! Values derived once at ingest for RFC 8970 PREVIEW and RFC 8474 THREADID.
//!
//! Both are kept in [`Derived`] next to the rest of `ParsedMessage` (serde default None for
//! messages stored before they existed; the session then calls [`derive`] on the raw bytes).

use std::panic::{AssertUnwindSafe, catch_unwind};

use serde::{Deserialize, Serialize};

use crate::decode::{self, Cte};
use crate::header::Header;
use crate::mime::{self, Kind, Node};

/// RFC 8970 §3.3: the server SHOULD limit the preview to 200 characters (MUST NOT exceed 256).
pub const PREVIEW_MAX_CHARS: usize = 200;
/// Body bytes of the chosen text part looked at: a preview needs only the start.
const PREVIEW_SCAN_BYTES: usize = 64 * 1024;
/// A Message-ID longer than this is not used for threading (RFC 5322 allows any length;
/// real ones are well under 1000 octets).
const MAX_MESSAGE_ID_BYTES: usize = 998;

/// Values derived from the message at ingest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Derived {
    /// RFC 8970 preview text: plain UTF-8, white space collapsed, at most
    /// `PREVIEW_MAX_CHARS` characters; empty when there is no readable text.
    pub preview: String,
    /// The Message-ID (without angle brackets) of the thread's first message, as far as
    /// this message's own header tells: the first References id, else In-Reply-To, else its
    /// own Message-ID (RFC 5256 §2.2 / RFC 5322 §3.6.4 keep the root first in References).
    /// None when the message carries none of them.
    pub thread_root: Option<String>,
}

/// Compute the derived values of a message. Never panics.
pub fn derive(raw: &[u8]) -> Derived {
    catch_unwind(AssertUnwindSafe(|| {
        let tree = mime::parse_tree(raw);
        derive_from_tree(raw, &tree)
    }))
    .unwrap_or_default()
}

/// `derive` on an already parsed tree (ingest parses once). The caller catches panics.
pub(crate) fn derive_from_tree(raw: &[u8], tree: &Node) -> Derived {
    Derived {
        preview: preview_of(raw, tree),
        thread_root: thread_root(raw, &tree.header),
    }
}

/// The preview text of a message (RFC 8970 §3.3).
pub fn preview(raw: &[u8]) -> String {
    derive(raw).preview
}

fn preview_of(raw: &[u8], tree: &Node) -> String {
    // The first text/plain part outside attached messages; else the first text/html one.
    let part = first_text(raw, tree, "plain").or_else(|| first_text(raw, tree, "html"));
    let Some(node) = part else {
        return String::new();
    };
    let end = node
        .body_end
        .min(node.body_start.saturating_add(PREVIEW_SCAN_BYTES));
    let Some(body) = raw.get(node.body_start..end) else {
        return String::new();
    };
    let decoded = Cte::from_name(&node.encoding).map_or_else(|| body.to_vec(), |c| c.decode(body));
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
    collapse(&text, PREVIEW_MAX_CHARS)
}

fn first_text<'a>(raw: &[u8], node: &'a Node, subtype: &str) -> Option<&'a Node> {
    match &node.kind {
        Kind::Multipart(children) => children.iter().find_map(|c| first_text(raw, c, subtype)),
        Kind::Message(_) => None,
        Kind::Leaf => {
            (node.is_text() && node.media_subtype == subtype && !is_attachment(raw, node))
                .then_some(node)
        }
    }
}

fn is_attachment(raw: &[u8], node: &Node) -> bool {
    node.header
        .value(raw, "Content-Disposition")
        .is_some_and(|v| v.to_ascii_lowercase().starts_with(b"attachment"))
}

/// Quoted lines (`> ...`) dropped, runs of white space and control characters made one
/// space, cut at `max` characters.
fn collapse(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut chars = 0;
    let mut pending_space = false;
    for line in text.lines().filter(|l| !l.trim_start().starts_with('>')) {
        for c in line.chars() {
            if c.is_whitespace() || c.is_control() {
                pending_space = !out.is_empty();
                continue;
            }
            if pending_space {
                if chars + 1 >= max {
                    return out;
                }
                out.push(' ');
                chars += 1;
                pending_space = false;
            }
            if chars >= max {
                return out;
            }
            out.push(c);
            chars += 1;
        }
        pending_space = !out.is_empty();
    }
    out
}

fn thread_root(raw: &[u8], header: &Header) -> Option<String> {
    ["References", "In-Reply-To", "Message-ID"]
        .iter()
        .find_map(|name| header.value(raw, name).and_then(|v| first_msg_id(&v)))
}

/// The first `<id>` of a header value, without the brackets.
fn first_msg_id(value: &[u8]) -> Option<String> {
    let start = value.iter().position(|&b| b == b'<')? + 1;
    let len = value[start..].iter().position(|&b| b == b'>')?;
    let id = std::str::from_utf8(&value[start..start + len]).ok()?.trim();
    (!id.is_empty() && id.len() <= MAX_MESSAGE_ID_BYTES && !id.contains(char::is_whitespace))
        .then(|| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_plain_and_collapsed() {
        let raw = b"Subject: x\r\n\r\nHello   there,\r\n\r\n> quoted\r\nsecond\tline\r\n";
        assert_eq!(preview(raw), "Hello there, second line");
    }

    #[test]
    fn preview_prefers_plain_and_decodes() {
        let raw = b"Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf=C3=A9 ok\r\n--b--\r\n";
        assert_eq!(preview(raw), "Café ok");
        let html =
            b"Content-Type: text/html\r\n\r\n<html><body><p>Hi <b>you</b></p></body></html>\r\n";
        assert_eq!(preview(html), "Hi you");
    }

    #[test]
    fn preview_limits_and_empty() {
        let long = format!("Subject: x\r\n\r\n{}\r\n", "é".repeat(500));
        assert_eq!(preview(long.as_bytes()).chars().count(), PREVIEW_MAX_CHARS);
        let image = b"Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n";
        assert_eq!(preview(image), "");
        assert_eq!(preview(b""), "");
    }

    #[test]
    fn thread_roots() {
        let root = b"Message-ID: <a@x>\r\n\r\nx\r\n";
        let reply = b"Message-ID: <b@x>\r\nIn-Reply-To: <a@x>\r\n\r\nx\r\n";
        let deeper =
            b"Message-ID: <c@x>\r\nIn-Reply-To: <b@x>\r\nReferences: <a@x>\r\n <b@x>\r\n\r\nx\r\n";
        for m in [&root[..], reply, deeper] {
            assert_eq!(derive(m).thread_root.as_deref(), Some("a@x"));
        }
        assert_eq!(derive(b"Subject: none\r\n\r\nx").thread_root, None);
        assert_eq!(derive(b"Message-ID: <>\r\n\r\nx").thread_root, None);
    }
}
