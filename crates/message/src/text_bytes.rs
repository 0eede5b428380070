//! Serde form of the wire-byte fields of [`crate::ParsedMessage`] (ENVELOPE, BODY,
//! BODYSTRUCTURE): a string when the bytes are UTF-8 without NUL (nearly always, they are
//! IMAP wire text), else an array of numbers.
//!
//! Why: serde's default for `Vec<u8>` is an array of numbers, which in JSON is four bytes
//! and one number parse per byte; a string is a copy. The string form also lets SQLite's
//! `json_extract` copy ENVELOPE into a column of its own (the embedded store's
//! `blob_keys`). Both forms are read, so parse results stored before this are still valid.

use std::fmt;

use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserializer, Serializer};

pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.contains('\0') => s.serialize_str(text),
        _ => s.serialize_bytes(bytes),
    }
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    d.deserialize_any(BytesVisitor)
}

struct BytesVisitor;

impl<'de> Visitor<'de> for BytesVisitor {
    type Value = Vec<u8>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or an array of bytes")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<u8>, E> {
        Ok(v.as_bytes().to_vec())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Vec<u8>, E> {
        Ok(v.into_bytes())
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
        Ok(v.to_vec())
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
        Ok(v)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(b) = seq.next_element::<u8>()? {
            out.push(b);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct W(#[serde(with = "super")] Vec<u8>);

    #[test]
    fn text_is_a_string_and_other_bytes_an_array() {
        let text = W(b"(\"a\" {3}\r\nb\xc3\xa9)".to_vec());
        let json = serde_json::to_string(&text).unwrap();
        assert!(json.starts_with('"'), "{json}");
        assert_eq!(serde_json::from_str::<W>(&json).unwrap(), text);
        for raw in [&b"\xff\xfe"[..], b"a\0b"] {
            let w = W(raw.to_vec());
            let json = serde_json::to_string(&w).unwrap();
            assert!(json.starts_with('['), "{json}");
            assert_eq!(serde_json::from_str::<W>(&json).unwrap(), w);
        }
    }

    #[test]
    fn the_old_array_form_is_still_read() {
        assert_eq!(
            serde_json::from_str::<W>("[40,41]").unwrap(),
            W(b"()".to_vec())
        );
    }
}
