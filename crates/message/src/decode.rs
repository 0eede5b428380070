//! Content-Transfer-Encoding decoders (RFC 2045 §6.7, §6.8), charset conversion and RFC 2047
//! encoded words. The transfer decoders are our own and tolerant: what real mail contains
//! (stray characters in base64, bad `=XX` in quoted-printable) is skipped or kept, never an
//! error. Charsets and RFC 2047 come from mail-parser, called inside `catch_unwind`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use mail_parser::HeaderValue;
use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::parsers::MessageStream;

use crate::header::hex;

/// Content-Transfer-Encodings we can remove (RFC 2045 §6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cte {
    Identity,
    Base64,
    QuotedPrintable,
}

impl Cte {
    /// None for an unknown encoding (RFC 3516 §4.3: UNKNOWN-CTE).
    pub fn from_name(name: &str) -> Option<Cte> {
        match name.to_ascii_lowercase().as_str() {
            "" | "7bit" | "8bit" | "binary" => Some(Cte::Identity),
            "base64" => Some(Cte::Base64),
            "quoted-printable" => Some(Cte::QuotedPrintable),
            _ => None,
        }
    }

    pub fn decode(self, body: &[u8]) -> Vec<u8> {
        match self {
            Cte::Identity => body.to_vec(),
            Cte::Base64 => base64_decode(body),
            Cte::QuotedPrintable => quoted_printable_decode(body),
        }
    }
}

/// RFC 2045 §6.8: characters outside the alphabet are ignored; decoding stops at `=`
/// padding. Trailing bits that do not make a whole octet are dropped.
pub(crate) fn base64_decode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for &b in input {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                // Padding ends this quantum; a new one may follow (concatenated base64).
                acc = 0;
                bits = 0;
                continue;
            }
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// RFC 2045 §6.7: `=XX` octets, soft line breaks `=\r\n` / `=\n`; trailing white space
/// before a line break is removed (rule 3). Malformed `=` sequences are kept literally.
pub(crate) fn quoted_printable_decode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        let b = input[i];
        match b {
            b'=' => {
                let rest = &input[i + 1..];
                // Soft line break, possibly with transport padding before it.
                let ws = rest
                    .iter()
                    .take_while(|c| matches!(c, b' ' | b'\t'))
                    .count();
                let after = &rest[ws..];
                if after.starts_with(b"\r\n") {
                    i += 1 + ws + 2;
                    continue;
                }
                if after.starts_with(b"\n") {
                    i += 1 + ws + 1;
                    continue;
                }
                if after.is_empty() {
                    i = input.len();
                    continue;
                }
                if let (Some(&h), Some(&l)) = (rest.first(), rest.get(1))
                    && let (Some(h), Some(l)) = (hex(h), hex(l))
                {
                    out.push(h << 4 | l);
                    i += 3;
                    continue;
                }
                out.push(b'=');
                i += 1;
            }
            b' ' | b'\t' => {
                let ws = input[i..]
                    .iter()
                    .take_while(|c| matches!(c, b' ' | b'\t'))
                    .count();
                let after = &input[i + ws..];
                if !(after.is_empty() || after.starts_with(b"\r\n") || after.starts_with(b"\n")) {
                    out.extend_from_slice(&input[i..i + ws]);
                }
                i += ws;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// Convert `bytes` in `charset` to UTF-8; unknown or absent charsets are read as UTF-8 with
/// replacement characters.
pub(crate) fn charset_to_utf8(bytes: &[u8], charset: Option<&[u8]>) -> String {
    if let Some(decoder) = charset.and_then(charset_decoder)
        && let Ok(s) = catch_unwind(AssertUnwindSafe(|| decoder(bytes)))
    {
        return s;
    }
    String::from_utf8_lossy(bytes).into_owned()
}

/// RFC 2047 decoding of an unstructured header value (also used for structured ones in
/// SEARCH, where matching on the decoded text is what users expect).
pub(crate) fn rfc2047_decode(value: &[u8]) -> String {
    let mut input = value.to_vec();
    input.extend_from_slice(b"\n");
    let decoded = catch_unwind(AssertUnwindSafe(|| {
        match MessageStream::new(&input).parse_unstructured() {
            HeaderValue::Text(t) => Some(t.into_owned()),
            HeaderValue::Empty => Some(String::new()),
            _ => None,
        }
    }));
    match decoded {
        Ok(Some(s)) => s,
        _ => String::from_utf8_lossy(crate::header::trim(value)).into_owned(),
    }
}

/// Plain base64 (RFC 4648 §4) with padding.
pub(crate) fn base64_encode(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_tolerant() {
        assert_eq!(base64_decode(b"aGVs\r\nbG8=\r\n"), b"hello");
        assert_eq!(base64_decode(b"aGV*sbG8"), b"hello");
        assert_eq!(base64_encode(b"hello"), "aGVsbG8=");
        assert_eq!(base64_encode(b"hi"), "aGk=");
        assert_eq!(base64_encode(b"abc"), "YWJj");
    }

    #[test]
    fn quoted_printable() {
        assert_eq!(
            quoted_printable_decode(b"caf=C3=A9 =\r\nx  \r\ny=ZZ"),
            "café x\r\ny=ZZ".as_bytes()
        );
    }

    #[test]
    fn encoded_words() {
        assert_eq!(
            rfc2047_decode(b"=?ISO-8859-1?Q?Andr=E9?= Pirard"),
            "André Pirard"
        );
        assert_eq!(rfc2047_decode(b"plain"), "plain");
    }

    #[test]
    fn charsets() {
        assert_eq!(charset_to_utf8(b"caf\xe9", Some(b"iso-8859-1")), "café");
        assert_eq!(charset_to_utf8(b"caf\xc3\xa9", None), "café");
    }
}
