//! Command decoder (CONTRACT STUB: the proto-imap helper implements it).

use crate::ast::{Command, Tag};

#[derive(Debug, Clone, Default)]
pub struct DecodeOptions {
    /// Max nesting of parenthesised lists and SEARCH keys (OR/NOT/parens).
    pub max_nesting: usize,
}

/// Why a framed command could not be decoded. The session answers `tag BAD text`, or
/// `* BAD text` when no tag could be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text}")]
pub struct DecodeError {
    pub tag: Option<Tag>,
    pub text: String,
    /// RFC 5530 code to attach, e.g. "BADCHARSET (US-ASCII UTF-8)" for an unknown CHARSET.
    pub code: Option<crate::writer::Code>,
}

/// Decode one complete command (as delimited by the `Framer`, including literals and the
/// final CRLF).
pub fn parse_command(input: &[u8], opts: &DecodeOptions) -> Result<Command, DecodeError> {
    let _ = (input, opts);
    unimplemented!("contract stub")
}
