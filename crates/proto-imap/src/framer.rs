//! Command framing: finds where one command ends in the received bytes, without parsing it.
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
//!
//! Recovery details (decided here, see each method):
//! * After `LineTooLong`, `skip_line()` discards up to the end of the offending line; the
//!   framer honours a non-synchronizing literal announced at the end of that line, so a
//!   LITERAL+ client's bytes are not mistaken for commands.
//! * While discarding a large refused command, `Discarded { len }` may be reported more than
//!   once (every [`DISCARD_CHUNK_BYTES`]) so the session need not buffer the refused bytes:
//!   drain `len` bytes and call `reset()` each time; the framer keeps discarding until the
//!   command's end and reports a last `Discarded`.
//! * After `abandon()`, the next `next()` reports `Discarded` for the refused command's line.
//! * After `LiteralFound { sync: false }` the session may still refuse the command with
//!   `discard_command()` (e.g. LITERAL- over 4096 bytes, RFC 7888 §4).

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
    LiteralTooBig {
        tag: Option<String>,
        len: u64,
        sync: bool,
    },
    /// The bytes of a refused command have been discarded: `buf[..len]` may be dropped.
    Discarded { len: usize },
}

/// While discarding, report progress once this many bytes can be dropped.
pub const DISCARD_CHUNK_BYTES: usize = 64 * 1024;

/// Bytes kept undrained at the end of a partial discard, so a literal announcement
/// (`~{18446744073709551615+}` is 24 bytes) split across chunks is still recognised.
const DISCARD_TAIL_BYTES: usize = 32;

#[derive(Debug, Clone)]
pub struct Framer {
    max_line_bytes: usize,
    max_literal_bytes: u64,
    /// Next byte of `buf` to examine.
    pos: usize,
    /// Start of the current line (text after the last literal or CRLF).
    line_start: usize,
    state: State,
    /// The command is refused: its bytes are being dropped, not delivered.
    is_discarding: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Scanning line text for CRLF.
    Line,
    /// Inside a literal whose last byte is at `end - 1`.
    Literal { end: u64 },
    /// `LineTooLong` was reported; waiting for `skip_line()`.
    TooLong,
    /// A synchronizing `LiteralTooBig` was reported; waiting for `abandon()`.
    TooBigSync { len: u64 },
    /// The command (or its discarded remainder) ends at `pos`; report it.
    Finished,
}

impl Framer {
    pub fn new(max_line_bytes: usize, max_literal_bytes: u64) -> Framer {
        Framer {
            max_line_bytes,
            max_literal_bytes,
            pos: 0,
            line_start: 0,
            state: State::Line,
            is_discarding: false,
        }
    }

    /// Scan `buf` (everything received and not yet consumed; buf[0] is the start of the
    /// current command). Idempotent with respect to already-scanned bytes: it keeps an
    /// offset so repeated calls are O(new bytes).
    pub fn next(&mut self, buf: &[u8]) -> FrameStatus {
        loop {
            match self.state {
                State::Finished => return self.finished(),
                State::TooLong => {
                    return FrameStatus::LineTooLong {
                        tag: first_tag(buf),
                    };
                }
                State::TooBigSync { len } => {
                    return FrameStatus::LiteralTooBig {
                        tag: first_tag(buf),
                        len,
                        sync: true,
                    };
                }
                State::Literal { end } => {
                    if (buf.len() as u64) < end {
                        if self.is_discarding {
                            self.pos = buf.len();
                            if let Some(status) = self.partial_discard() {
                                return status;
                            }
                        }
                        return FrameStatus::Incomplete;
                    }
                    // `end <= buf.len()` so it fits in usize.
                    self.pos = end as usize;
                    self.line_start = self.pos;
                    self.state = State::Line;
                }
                State::Line => {
                    if let Some(status) = self.scan_line(buf) {
                        return status;
                    }
                }
            }
        }
    }

    /// After `Complete` or `Discarded`, when the caller has drained those bytes.
    pub fn reset(&mut self) {
        if self.state == State::Finished || !self.is_discarding {
            *self = Framer::new(self.max_line_bytes, self.max_literal_bytes);
            return;
        }
        // A partial discard: the caller dropped `pos - DISCARD_TAIL_BYTES` bytes (see
        // `partial_discard`); rebase the offsets and keep discarding.
        let dropped = self.pos.saturating_sub(DISCARD_TAIL_BYTES);
        self.pos -= dropped;
        self.line_start = self.line_start.saturating_sub(dropped);
        if let State::Literal { end } = self.state {
            self.state = State::Literal {
                end: end - dropped as u64,
            };
        }
    }

    /// After `LineTooLong`: discard everything up to and including the next CRLF
    /// (reported as `Discarded`).
    pub fn skip_line(&mut self) {
        self.is_discarding = true;
        if self.state == State::TooLong {
            self.state = State::Line;
        }
    }

    /// After a synchronizing `LiteralTooBig` was refused: the client will not send the
    /// literal; the command is over (the rest of the line is already consumed).
    pub fn abandon(&mut self) {
        self.is_discarding = true;
        self.state = State::Finished;
    }

    /// Refuse the current command after `LiteralFound` for a non-synchronizing literal the
    /// session will not accept (e.g. RFC 7888 LITERAL- over 4096 bytes, or over quota): the
    /// literal's bytes and the rest of the command are dropped; `Discarded` follows.
    /// (For a synchronizing literal, answer and call `abandon()` instead.)
    pub fn discard_command(&mut self) {
        self.is_discarding = true;
    }

    fn finished(&self) -> FrameStatus {
        if self.is_discarding {
            FrameStatus::Discarded { len: self.pos }
        } else {
            FrameStatus::Complete { len: self.pos }
        }
    }

    fn partial_discard(&self) -> Option<FrameStatus> {
        (self.pos >= DISCARD_CHUNK_BYTES + DISCARD_TAIL_BYTES).then(|| FrameStatus::Discarded {
            len: self.pos - DISCARD_TAIL_BYTES,
        })
    }

    /// Look for the end of the current line; `None` means the state changed, loop again.
    fn scan_line(&mut self, buf: &[u8]) -> Option<FrameStatus> {
        // Only LF is searched for; the CR before it is checked in place, so resuming at
        // `pos` is enough (O(new bytes)).
        let from = self.pos.max(self.line_start);
        let Some(lf) = buf[from.min(buf.len())..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|p| from + p)
        else {
            self.pos = buf.len();
            if self.is_discarding {
                return Some(self.partial_discard().unwrap_or(FrameStatus::Incomplete));
            }
            // `+ 1`: the CR of the CRLF may already be here.
            if self.pos.saturating_sub(self.line_start) > self.max_line_bytes + 1 {
                self.state = State::TooLong;
                return Some(FrameStatus::LineTooLong {
                    tag: first_tag(buf),
                });
            }
            return Some(FrameStatus::Incomplete);
        };
        self.pos = lf + 1;
        // RFC 9051 §2.2: lines end in CRLF; a bare LF is line data (the decoder rejects it).
        if lf == self.line_start || buf[lf - 1] != b'\r' {
            return None;
        }
        if !self.is_discarding && lf + 1 - self.line_start > self.max_line_bytes + 2 {
            // Rescan this line after `skip_line()` so its end (and any literal) is seen.
            self.pos = self.line_start;
            self.state = State::TooLong;
            return Some(FrameStatus::LineTooLong {
                tag: first_tag(buf),
            });
        }
        let line = &buf[self.line_start..lf - 1];
        let Some((len, sync)) = literal_announcement(line) else {
            self.state = State::Finished;
            return Some(self.finished());
        };
        if self.is_discarding {
            if sync {
                // RFC 9051 §7.5: the client waits for a continuation we will never send.
                self.state = State::Finished;
                return Some(self.finished());
            }
            self.state = State::Literal {
                end: (self.pos as u64).saturating_add(len),
            };
            return None;
        }
        if len > self.max_literal_bytes {
            let tag = first_tag(buf);
            if sync {
                self.state = State::TooBigSync { len };
            } else {
                // RFC 7888 §4: the bytes come anyway; drop them and the rest of the command.
                self.is_discarding = true;
                self.state = State::Literal {
                    end: (self.pos as u64).saturating_add(len),
                };
            }
            return Some(FrameStatus::LiteralTooBig { tag, len, sync });
        }
        self.state = State::Literal {
            end: self.pos as u64 + len,
        };
        Some(FrameStatus::LiteralFound { len, sync })
    }
}

/// `{n}`, `{n+}`, `~{n}`, `~{n+}` at the end of a line (RFC 9051 §9 literal, RFC 7888
/// literal+, RFC 3516 literal8). Returns `(n, sync)`; a number too big for u64 reads as
/// `u64::MAX`, which no limit accepts.
fn literal_announcement(line: &[u8]) -> Option<(u64, bool)> {
    let rest = line.strip_suffix(b"}")?;
    let (rest, sync) = match rest.strip_suffix(b"+") {
        Some(r) => (r, false),
        None => (rest, true),
    };
    let digits_start = rest
        .iter()
        .rposition(|b| !b.is_ascii_digit())
        .map_or(0, |p| p + 1);
    let digits = &rest[digits_start..];
    if digits.is_empty() || rest[..digits_start].last() != Some(&b'{') {
        return None;
    }
    let len = digits
        .iter()
        .try_fold(0u64, |acc, &d| {
            acc.checked_mul(10)?.checked_add((d - b'0') as u64)
        })
        .unwrap_or(u64::MAX);
    Some((len, sync))
}

/// The first word of the command if it is a valid tag (for error responses).
fn first_tag(buf: &[u8]) -> Option<String> {
    let end = buf.iter().take(257).position(|&b| b == b' ')?;
    let word = std::str::from_utf8(&buf[..end]).ok()?;
    crate::ast::Tag::new(word).map(|t| t.as_str().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(framer: &mut Framer, buf: &[u8]) -> FrameStatus {
        framer.next(buf)
    }

    #[test]
    fn simple_line() {
        let mut f = Framer::new(100, 100);
        assert_eq!(run(&mut f, b"a1 NOOP"), FrameStatus::Incomplete);
        assert_eq!(run(&mut f, b"a1 NOOP\r"), FrameStatus::Incomplete);
        assert_eq!(
            run(&mut f, b"a1 NOOP\r\na2"),
            FrameStatus::Complete { len: 9 }
        );
        f.reset();
        assert_eq!(run(&mut f, b"a2"), FrameStatus::Incomplete);
    }

    #[test]
    fn byte_by_byte_with_literals() {
        let cmd = b"a1 LOGIN {5}\r\nalice {6+}\r\nsecret\r\n";
        let mut f = Framer::new(100, 100);
        let mut events = Vec::new();
        for i in 0..=cmd.len() {
            loop {
                let st = f.next(&cmd[..i]);
                match st {
                    FrameStatus::Incomplete => break,
                    FrameStatus::LiteralFound { .. } => events.push(st),
                    other => {
                        events.push(other);
                        break;
                    }
                }
            }
        }
        assert_eq!(
            events,
            vec![
                FrameStatus::LiteralFound { len: 5, sync: true },
                FrameStatus::LiteralFound {
                    len: 6,
                    sync: false
                },
                FrameStatus::Complete { len: cmd.len() },
            ]
        );
    }

    #[test]
    fn literal_containing_crlf_and_braces() {
        let cmd = b"a APPEND x ~{8}\r\n{1}\r\n\0\r\n\r\n";
        let mut f = Framer::new(100, 100);
        assert_eq!(
            f.next(cmd),
            FrameStatus::LiteralFound { len: 8, sync: true }
        );
        assert_eq!(f.next(cmd), FrameStatus::Complete { len: cmd.len() });
    }

    #[test]
    fn line_too_long_then_skip() {
        let mut f = Framer::new(10, 100);
        let buf = b"tag1 NOOP and much more text";
        assert_eq!(
            f.next(buf),
            FrameStatus::LineTooLong {
                tag: Some("tag1".into())
            }
        );
        assert_eq!(
            f.next(buf),
            FrameStatus::LineTooLong {
                tag: Some("tag1".into())
            }
        );
        f.skip_line();
        assert_eq!(f.next(buf), FrameStatus::Incomplete);
        let buf = b"tag1 NOOP and much more text\r\nb NOOP\r\n";
        assert_eq!(f.next(buf), FrameStatus::Discarded { len: 30 });
        f.reset();
        assert_eq!(f.next(&buf[30..]), FrameStatus::Complete { len: 8 });
    }

    #[test]
    fn long_line_arriving_whole() {
        let mut f = Framer::new(10, 100);
        let buf = b"t NOOP 0123456789\r\n";
        assert_eq!(
            f.next(buf),
            FrameStatus::LineTooLong {
                tag: Some("t".into())
            }
        );
        f.skip_line();
        assert_eq!(f.next(buf), FrameStatus::Discarded { len: buf.len() });
    }

    #[test]
    fn literal_too_big_sync() {
        let mut f = Framer::new(100, 10);
        let buf = b"a1 APPEND INBOX {11}\r\n";
        assert_eq!(
            f.next(buf),
            FrameStatus::LiteralTooBig {
                tag: Some("a1".into()),
                len: 11,
                sync: true
            }
        );
        f.abandon();
        assert_eq!(f.next(buf), FrameStatus::Discarded { len: buf.len() });
        f.reset();
        assert_eq!(f.next(b"a2 NOOP\r\n"), FrameStatus::Complete { len: 9 });
    }

    #[test]
    fn literal_too_big_non_sync_is_discarded() {
        let mut f = Framer::new(100, 10);
        let buf = b"a1 APPEND INBOX {11+}\r\nhello world {2+}\r\nab\r\na2 NOOP\r\n";
        assert_eq!(
            f.next(buf),
            FrameStatus::LiteralTooBig {
                tag: Some("a1".into()),
                len: 11,
                sync: false
            }
        );
        assert_eq!(f.next(buf), FrameStatus::Discarded { len: buf.len() - 9 });
        f.reset();
        assert_eq!(
            f.next(&buf[buf.len() - 9..]),
            FrameStatus::Complete { len: 9 }
        );
    }

    #[test]
    fn huge_discard_is_chunked() {
        let total = 3 * DISCARD_CHUNK_BYTES as u64;
        let mut f = Framer::new(100, 10);
        let mut buf = format!("a1 APPEND INBOX {{{total}+}}\r\n").into_bytes();
        assert!(matches!(f.next(&buf), FrameStatus::LiteralTooBig { .. }));
        let mut sent = 0u64;
        let mut dropped = 0usize;
        let chunk = vec![b'x'; 10_000];
        loop {
            match f.next(&buf) {
                FrameStatus::Incomplete => {
                    let n = chunk.len().min((total - sent) as usize);
                    if n == 0 {
                        buf.extend_from_slice(b"\r\n");
                    } else {
                        buf.extend_from_slice(&chunk[..n]);
                        sent += n as u64;
                    }
                }
                FrameStatus::Discarded { len } => {
                    buf.drain(..len);
                    dropped += len;
                    f.reset();
                    if buf.is_empty() {
                        break;
                    }
                    assert!(buf.len() <= DISCARD_TAIL_BYTES + chunk.len());
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(dropped as u64, total + 27 + 2);
        assert_eq!(f.next(b"a2 NOOP\r\n"), FrameStatus::Complete { len: 9 });
    }

    #[test]
    fn session_refuses_a_non_sync_literal() {
        let mut f = Framer::new(100, 100_000);
        let buf = b"a1 APPEND INBOX {5+}\r\nhello\r\na2 NOOP\r\n";
        assert_eq!(
            f.next(buf),
            FrameStatus::LiteralFound {
                len: 5,
                sync: false
            }
        );
        f.discard_command();
        assert_eq!(f.next(buf), FrameStatus::Discarded { len: buf.len() - 9 });
    }

    #[test]
    fn literal_announcement_forms() {
        assert_eq!(literal_announcement(b"a {0}"), Some((0, true)));
        assert_eq!(literal_announcement(b"a ~{12+}"), Some((12, false)));
        assert_eq!(literal_announcement(b"a {}"), None);
        assert_eq!(literal_announcement(b"a {+}"), None);
        assert_eq!(literal_announcement(b"a 5}"), None);
        assert_eq!(literal_announcement(b"}"), None);
        assert_eq!(
            literal_announcement(b"{99999999999999999999999}"),
            Some((u64::MAX, true))
        );
    }

    #[test]
    fn bare_lf_is_not_a_line_end() {
        let mut f = Framer::new(100, 100);
        assert_eq!(f.next(b"a NOOP\nb"), FrameStatus::Incomplete);
        assert_eq!(f.next(b"a NOOP\nb\r\n"), FrameStatus::Complete { len: 10 });
    }
}
