//! Response writer (CONTRACT STUB: the proto-imap helper implements the bodies).
//! Responses are written straight into one reusable buffer that the session flushes.

use crate::ast::{Flag, Tag};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    No,
    Bad,
    Bye,
    PreAuth,
}

/// Response codes: RFC 9051 §7.1, RFC 5530, RFC 4315 (UIDPLUS), RFC 7162, RFC 4469/4978.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Code {
    Alert,
    Parse,
    ReadOnly,
    ReadWrite,
    TryCreate,
    Closed,
    UidNext(u32),
    UidValidity(u32),
    Unseen(u32),
    HighestModSeq(u64),
    NoModSeq,
    /// `[MODIFIED set]`, the set already rendered.
    Modified(String),
    PermanentFlags(Vec<Flag>, bool /* \* allowed */),
    Capability(Vec<String>),
    /// `[APPENDUID uidvalidity uid-set]`, set rendered.
    AppendUid(u32, String),
    /// `[COPYUID uidvalidity source-set dest-set]`.
    CopyUid(u32, String, String),
    UidNotSticky,
    BadCharset(Vec<String>),
    AlreadyExists,
    NonExistent,
    Cannot,
    Limit,
    TooBig,
    ServerBug,
    NoPerm,
    InUse,
    ExpungeIssued,
    OverQuota,
    AuthenticationFailed,
    AuthorizationFailed,
    PrivacyRequired,
    ContactAdmin,
    Unavailable,
    ClientBug,
    Corruption,
    /// Any other atom-only code.
    Other(String),
}

#[derive(Debug, Default)]
pub struct ResponseWriter {
    buf: Vec<u8>,
}

impl ResponseWriter {
    pub fn new() -> Self {
        ResponseWriter { buf: Vec::with_capacity(16 * 1024) }
    }
    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }
    pub fn len(&self) -> usize {
        self.buf.len()
    }
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }
    /// Forget what was written (after the session flushed it).
    pub fn clear(&mut self) {
        self.buf.clear();
    }

    /// `tag OK [CODE] text\r\n`
    pub fn tagged(&mut self, tag: &Tag, status: Status, code: Option<&Code>, text: &str) {
        let _ = (tag, status, code, text);
        unimplemented!("contract stub")
    }
    /// `* OK [CODE] text\r\n` (also NO, BAD, BYE, PREAUTH).
    pub fn untagged_status(&mut self, status: Status, code: Option<&Code>, text: &str) {
        let _ = (status, code, text);
        unimplemented!("contract stub")
    }
    /// `+ text\r\n`
    pub fn continuation(&mut self, text: &str) {
        let _ = text;
        unimplemented!("contract stub")
    }
    /// Raw bytes, no escaping (e.g. precomputed ENVELOPE/BODYSTRUCTURE, `* 3 EXISTS`).
    pub fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }
    /// Decimal number.
    pub fn number(&mut self, n: u64) {
        let _ = n;
        unimplemented!("contract stub")
    }
    /// A string as quoted when safe (no CR/LF/NUL/8-bit, short), else as a literal `{n}\r\n...`.
    /// With `utf8` (IMAP4rev2 / UTF8=ACCEPT) 8-bit UTF-8 may be quoted.
    pub fn string(&mut self, s: &[u8], utf8: bool) {
        let _ = (s, utf8);
        unimplemented!("contract stub")
    }
    /// Like `string` but an atom when the bytes are a valid atom (ASTRING).
    pub fn astring(&mut self, s: &[u8], utf8: bool) {
        let _ = (s, utf8);
        unimplemented!("contract stub")
    }
    /// NIL or `string`.
    pub fn nstring(&mut self, s: Option<&[u8]>, utf8: bool) {
        let _ = (s, utf8);
        unimplemented!("contract stub")
    }
    /// Always a literal `{n}\r\n` + bytes.
    pub fn literal(&mut self, bytes: &[u8]) {
        let _ = bytes;
        unimplemented!("contract stub")
    }
    /// `~{n}\r\n` + bytes (RFC 3516 literal8, for BINARY[] with NUL bytes).
    pub fn literal8(&mut self, bytes: &[u8]) {
        let _ = bytes;
        unimplemented!("contract stub")
    }
    /// `(\Seen \Answered $Label)`; `\Recent` is added by passing `recent = true`.
    pub fn flag_list(&mut self, flags: &[Flag], recent: bool) {
        let _ = (flags, recent);
        unimplemented!("contract stub")
    }
    /// A single flag.
    pub fn flag(&mut self, flag: &Flag) {
        let _ = flag;
        unimplemented!("contract stub")
    }
}

/// Render a sorted list of numbers as a compact sequence set: `1:3,7,9:10`.
/// Empty input renders as nothing (callers avoid it).
pub fn render_set(sorted: &[u32]) -> String {
    let _ = sorted;
    unimplemented!("contract stub")
}
