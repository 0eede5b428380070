//! Parsing at ingest: every message is parsed once per blob (identical bytes parse
//! identically) and the result stored as JSON next to the blob row.

use std::panic::{AssertUnwindSafe, catch_unwind};

use loft_message::ParsedMessage;

use crate::{Result, StoreError};

/// The stored form of `loft_message::parse(raw)`.
///
/// `parse` promises never to panic; should it still do so (a bug), the message is kept
/// anyway with a minimal structure (an ENVELOPE of NILs, one text/plain part covering the
/// body) rather than refusing mail we were handed. It is built as JSON so that it does
/// not depend on the exact fields of `ParsedMessage`; if those change, reading falls back
/// to parsing again (`from_json`).
pub(crate) fn to_json(raw: &[u8]) -> String {
    let parsed = catch_unwind(AssertUnwindSafe(|| loft_message::parse(raw)));
    match parsed.map(|p| serde_json::to_string(&p)) {
        Ok(Ok(json)) => json,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "cannot serialize a parsed message; storing a minimal structure");
            fallback_json(raw)
        }
        Err(_) => {
            tracing::error!("message parser panicked; storing a minimal structure");
            fallback_json(raw)
        }
    }
}

/// Reads a stored parse result. When it no longer deserializes (the `ParsedMessage`
/// format changed since it was stored), the message is parsed again from its bytes.
pub(crate) fn from_json(
    json: &str,
    raw: impl FnOnce() -> std::io::Result<Vec<u8>>,
) -> Result<ParsedMessage> {
    match serde_json::from_str(json) {
        Ok(p) => Ok(p),
        Err(_) => {
            let raw = raw()?;
            serde_json::from_str(&to_json(&raw)).map_err(|e| {
                StoreError::Corrupt(format!("cannot rebuild the parsed form of a message: {e}"))
            })
        }
    }
}

fn fallback_json(raw: &[u8]) -> String {
    let body_start = find(raw, b"\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| find(raw, b"\n\n").map(|i| i + 2))
        .unwrap_or(raw.len());
    let body = &raw[body_start..];
    let lines = body.iter().filter(|&&b| b == b'\n').count();
    let basic = format!(
        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" {} {lines})",
        body.len()
    );
    let extended = format!(
        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" {} {lines} NIL NIL NIL NIL)",
        body.len()
    );
    serde_json::json!({
        "envelope": b"(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)".to_vec(),
        "body": basic.into_bytes(),
        "bodystructure": extended.into_bytes(),
        "root": {
            "header_start": 0,
            "body_start": body_start,
            "body_end": raw.len(),
            "content_type": "text/plain",
            "encoding": "7bit",
            "children": [],
        },
        "sent_date": null,
        "sent_date_offset_secs": 0,
    })
    .to_string()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAW: &[u8] = b"Subject: hi\r\n\r\nline 1\r\nline 2\r\n";

    #[test]
    fn fallback_is_a_valid_parsed_message() {
        // Guards the JSON shape against changes of ParsedMessage.
        let p: ParsedMessage = serde_json::from_str(&fallback_json(RAW)).unwrap();
        assert_eq!((p.root.body_start, p.root.body_end), (15, RAW.len()));
        assert!(p.root.children.is_empty());
    }

    #[test]
    fn stale_json_is_parsed_again() {
        let fresh = from_json(&to_json(RAW), || panic!("must not re-read")).unwrap();
        let again = from_json("{\"old\": \"format\"}", || Ok(RAW.to_vec())).unwrap();
        assert_eq!(fresh, again);
        assert!(from_json("{}", || Err(std::io::ErrorKind::NotFound.into())).is_err());
    }
}
