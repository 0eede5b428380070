//! Helpers shared by the integration tests of loft-message.
#![allow(dead_code)]

pub mod grammar;

use imap_codec::ResponseCodec;
use imap_codec::decode::Decoder;
use loft_message::ParsedMessage;

/// Decode with imap-codec; Err(reason) when it refuses.
pub fn imap_codec_check(m: &ParsedMessage) -> Result<(), String> {
    let mut line = b"* 1 FETCH (ENVELOPE ".to_vec();
    line.extend_from_slice(&m.envelope);
    line.extend_from_slice(b" BODY ");
    line.extend_from_slice(&m.body);
    line.extend_from_slice(b" BODYSTRUCTURE ");
    line.extend_from_slice(&m.bodystructure);
    line.extend_from_slice(b")\r\n");
    match ResponseCodec::default().decode(&line) {
        Ok((b"", _)) => Ok(()),
        Ok((rest, _)) => Err(format!(
            "trailing bytes {:?}",
            String::from_utf8_lossy(rest)
        )),
        Err(e) => Err(format!("{e:?} on {}", String::from_utf8_lossy(&line))),
    }
}

/// Deeper than imap-codec's fixed recursion limit (body(8)).
pub fn is_too_deep_for_imap_codec(m: &ParsedMessage) -> bool {
    let mut depth = 0usize;
    let mut max = 0usize;
    for &b in &m.bodystructure {
        match b {
            b'(' => {
                depth += 1;
                max = max.max(depth);
            }
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max > 8
}
