//! Command framing (CONTRACT STUB: the proto-imap helper implements the bodies).
//!
//! A command is one or more CRLF-terminated lines, each line but the last ending in a
//! literal announcement `{n}` (synchronizing), `{n+}` (LITERAL+ / LITERAL-, RFC 7888) or
//! `~{n}` / `~{n+}` (literal8, RFC 3516), followed by exactly n bytes.
//!
//! Usage by the session (only the session does I/O):
//! ```text
//! let mut framer = Framer::new(max_line_bytes, max_literal_bytes);
//! loop {
//!     match framer.next(&buf) {
//!         FrameStatus::Incomplete => read more bytes into buf,
//!         FrameStatus::LiteralFound { len, sync } => {
//!             // len already checked against max_literal_bytes (else LiteralTooBig).
//!             if sync { write "+ Ready for literal data\r\n" }
//!             // framer now expects `len` literal bytes then the rest of the command
//!         }
//!         FrameStatus::Complete { len } => { parse_command(&buf[..len]); buf.drain(..len); framer.reset(); }
//!         FrameStatus::LineTooLong { .. } / LiteralTooBig { .. } => answer BAD/NO, recover as documented
//!     }
//! }
//! ```

/// The outcome of scanning the buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameStatus {
    /// More bytes are needed.
    Incomplete,
    /// The current line ends with a literal announcement of `len` bytes. For `sync`, the
    /// session must send a continuation request before the client sends the bytes. Reported
    /// once per literal; the next `next()` call continues after the literal's bytes.
    LiteralFound { len: u64, sync: bool },
    /// A complete command occupies `buf[..len]` (including the final CRLF).
    Complete { len: usize },
    /// A line grew past `max_line_bytes` without CRLF. `tag` is the first word if it is a
    /// valid tag. The session answers BAD and calls `skip_line()` to discard until CRLF.
    LineTooLong { tag: Option<String> },
    /// A literal larger than `max_literal_bytes` was announced (RFC 9051 §7.1: answer
    /// `tag NO [TOOBIG]` for synchronizing literals, before reading them). For a
    /// non-synchronizing literal the client sends the bytes anyway: the framer has switched
    /// to discarding `len` bytes and the rest of the command; `Discarded` follows.
    LiteralTooBig { tag: Option<String>, len: u64, sync: bool },
    /// The bytes of a refused command have been discarded: `buf[..len]` may be dropped.
    Discarded { len: usize },
}

#[derive(Debug, Clone)]
pub struct Framer {
    max_line_bytes: usize,
    max_literal_bytes: u64,
}

impl Framer {
    pub fn new(max_line_bytes: usize, max_literal_bytes: u64) -> Framer {
        Framer { max_line_bytes, max_literal_bytes }
    }

    /// Scan `buf` (everything received and not yet consumed; buf[0] is the start of the
    /// current command). Idempotent with respect to already-scanned bytes: it keeps an
    /// offset so repeated calls are O(new bytes).
    pub fn next(&mut self, buf: &[u8]) -> FrameStatus {
        let _ = (buf, self.max_line_bytes, self.max_literal_bytes);
        unimplemented!("contract stub")
    }

    /// After `Complete` or `Discarded`, when the caller has drained those bytes.
    pub fn reset(&mut self) {
        unimplemented!("contract stub")
    }

    /// After `LineTooLong`: discard everything up to and including the next CRLF
    /// (reported as `Discarded`).
    pub fn skip_line(&mut self) {
        unimplemented!("contract stub")
    }

    /// After a synchronizing `LiteralTooBig` was refused: the client will not send the
    /// literal; the command is over (the rest of the line is already consumed).
    pub fn abandon(&mut self) {
        unimplemented!("contract stub")
    }
}
