//! Mailbox names on the wire (CONTRACT STUB): modified UTF-7 (RFC 3501 §5.1.3) for rev1
//! clients, UTF-8 (RFC 9051 §5.1) once IMAP4rev2 or UTF8=ACCEPT is enabled.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NameError(pub String);

/// Decode a mailbox argument to a UTF-8 name. `utf8`: the session has enabled IMAP4rev2 or
/// UTF8=ACCEPT (then the bytes must be valid UTF-8; a rev2 server still accepts valid modified
/// UTF-7 that decodes, RFC 9051 §5.1... the helper decides and cites). Rejects invalid UTF-7
/// (bad base64, unterminated shift, encoded ASCII) and NUL/CR/LF. `INBOX` in any case maps to
/// `INBOX`, also as the first hierarchy component (`inbox/x` -> `INBOX/x`).
pub fn decode(raw: &[u8], utf8: bool) -> Result<String, NameError> {
    let _ = (raw, utf8);
    unimplemented!("contract stub")
}

/// Encode a UTF-8 name for the wire: modified UTF-7 unless `utf8`.
pub fn encode(name: &str, utf8: bool) -> Vec<u8> {
    let _ = (name, utf8);
    unimplemented!("contract stub")
}
