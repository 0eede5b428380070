//! Command decoder: one framed command (as delimited by the `Framer`, literals included)
//! to a `Command`. Grammar: RFC 9051 §9, with the RFC 3501 forms rev1 clients still send,
//! and the extensions named on each rule (RFC 2971 ID, RFC 4959 SASL-IR, RFC 5258
//! LIST-EXTENDED, RFC 6154 CREATE-SPECIAL-USE, RFC 4731 ESEARCH, RFC 5182 SEARCHRES,
//! RFC 7162 CONDSTORE/QRESYNC, RFC 3516 BINARY, RFC 3502 MULTIAPPEND, RFC 7888 LITERAL+).
//!
//! Keywords are case-insensitive (RFC 9051 §9 note 2). Every error names what was wrong;
//! the tag is carried when it could be read so the session answers `tag BAD ...`.
//!
//! Layout: this file holds the entry point, the `Parser` cursor and the command-name
//! dispatch; `lexer` the shared grammar primitives (atoms, strings, literals, numbers,
//! sequence sets, flags, parenthesised lists); one file per command family beside it.

use crate::ast::*;
use crate::writer::Code;

mod append;
mod auth;
mod copy_move;
mod fetch;
mod lexer;
mod mailbox;
mod metadata;
mod negotiate;
mod notify;
mod search;
mod sort;
mod store;

/// Nesting limit used when `DecodeOptions::max_nesting` is 0.
pub const DEFAULT_MAX_NESTING: usize = 64;

/// Larger configured limits are clamped to this.
pub const HARD_MAX_NESTING: usize = 1000;

#[derive(Debug, Clone)]
pub struct DecodeOptions {
    /// Max nesting of parenthesised lists and SEARCH keys (OR/NOT/parens).
    /// 0 means `DEFAULT_MAX_NESTING`; values above `HARD_MAX_NESTING` are clamped.
    pub max_nesting: usize,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            max_nesting: DEFAULT_MAX_NESTING,
        }
    }
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

impl DecodeError {
    /// True when the answer must be a tagged NO rather than BAD: RFC 9051 §6.4.4 says an
    /// unsupported SEARCH CHARSET gets "a tagged NO response (not a BAD)" with BADCHARSET.
    pub fn is_refusal(&self) -> bool {
        matches!(self.code, Some(Code::BadCharset(_)))
    }
}

/// The charsets SEARCH accepts (RFC 9051 §6.4.4: US-ASCII and UTF-8 are mandatory).
pub const SEARCH_CHARSETS: [&str; 2] = ["US-ASCII", "UTF-8"];

/// Decode one complete command (as delimited by the `Framer`, including literals and the
/// final CRLF).
pub fn parse_command(input: &[u8], opts: &DecodeOptions) -> Result<Command, DecodeError> {
    // Each nesting level is one stack frame of the recursive SEARCH parser; the hard cap keeps
    // a misconfigured limit from overflowing a 2 MiB tokio worker stack.
    let max_nesting = match opts.max_nesting {
        0 => DEFAULT_MAX_NESTING,
        n => n.min(HARD_MAX_NESTING),
    };
    if input == b"\r\n" {
        return Err(DecodeError {
            tag: None,
            text: "Empty command line".into(),
            code: None,
        });
    }
    let mut p = Parser {
        input,
        pos: 0,
        tag: None,
        cmd: "command",
        max_nesting,
    };
    let tag = p.tag()?;
    p.tag = Some(tag.clone());
    if p.at_line_end() {
        return Err(p.err("Missing command"));
    }
    p.sp()?;
    let body = p.command()?;
    p.crlf()?;
    Ok(Command { tag, body })
}

type PResult<T> = Result<T, DecodeError>;

/// A cursor over one framed command. Its methods are spread over this module's files, one
/// `impl` block per command family; they share the primitives in `lexer`.
struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
    tag: Option<Tag>,
    /// Current command name, for "Missing argument to X".
    cmd: &'static str,
    max_nesting: usize,
}

impl Parser<'_> {
    fn command(&mut self) -> PResult<CommandBody> {
        let start = self.pos;
        let name = self.keyword();
        if name.is_empty() {
            return Err(self.err("Missing command name"));
        }
        let upper = name.to_ascii_uppercase();
        use CommandBody as C;
        let simple = match upper.as_slice() {
            b"CAPABILITY" => Some(C::Capability),
            b"NOOP" => Some(C::Noop),
            b"LOGOUT" => Some(C::Logout),
            b"STARTTLS" => Some(C::StartTls),
            b"NAMESPACE" => Some(C::Namespace),
            b"IDLE" => Some(C::Idle),
            b"CHECK" => Some(C::Check),
            b"CLOSE" => Some(C::Close),
            b"UNSELECT" => Some(C::Unselect),
            b"EXPUNGE" => Some(C::Expunge),
            b"UNAUTHENTICATE" => Some(C::Unauthenticate),
            _ => None,
        };
        if let Some(body) = simple {
            if !self.at_line_end() {
                return Err(self.err(format!("Unexpected arguments to {}", body.name())));
            }
            return Ok(body);
        }
        let body = match upper.as_slice() {
            b"ID" => self.id()?,
            b"AUTHENTICATE" => self.authenticate()?,
            b"LOGIN" => self.login()?,
            b"ENABLE" => self.enable()?,
            b"SELECT" => {
                let (mailbox, params) = self.select("SELECT")?;
                C::Select { mailbox, params }
            }
            b"EXAMINE" => {
                let (mailbox, params) = self.select("EXAMINE")?;
                C::Examine { mailbox, params }
            }
            b"CREATE" => self.create()?,
            b"DELETE" => C::Delete {
                mailbox: self.single_mailbox("DELETE")?,
            },
            b"SUBSCRIBE" => C::Subscribe {
                mailbox: self.single_mailbox("SUBSCRIBE")?,
            },
            b"UNSUBSCRIBE" => C::Unsubscribe {
                mailbox: self.single_mailbox("UNSUBSCRIBE")?,
            },
            b"RENAME" => self.rename()?,
            b"LIST" => self.list()?,
            b"LSUB" => self.lsub()?,
            b"STATUS" => self.status()?,
            b"APPEND" => self.append()?,
            b"SEARCH" => self.search(Numbering::Seq)?,
            b"SORT" => self.sort(Numbering::Seq)?,
            b"THREAD" => self.thread(Numbering::Seq)?,
            b"FETCH" => self.fetch(Numbering::Seq)?,
            b"STORE" => self.store(Numbering::Seq)?,
            b"COPY" => self.copy_move(Numbering::Seq, false)?,
            b"MOVE" => self.copy_move(Numbering::Seq, true)?,
            b"UID" => self.uid()?,
            b"REPLACE" => self.replace(Numbering::Seq)?,
            b"COMPRESS" => self.compress()?,
            b"GETMETADATA" => self.getmetadata()?,
            b"SETMETADATA" => self.setmetadata()?,
            b"NOTIFY" => self.notify()?,
            b"ESEARCH" => self.esearch()?,
            b"CANCELUPDATE" => self.cancel_update()?,
            _ => {
                let word = self.word_for_error(start);
                return Err(self.err(format!("Unknown command {word}")));
            }
        };
        if !self.at_line_end() {
            return Err(self.err(format!("Unexpected characters at end of {}", body.name())));
        }
        Ok(body)
    }

    fn uid(&mut self) -> PResult<CommandBody> {
        self.cmd = "UID";
        self.sp()?;
        let start = self.pos;
        let sub = self.keyword().to_ascii_uppercase();
        match sub.as_slice() {
            b"FETCH" => self.fetch(Numbering::Uid),
            b"SEARCH" => self.search(Numbering::Uid),
            b"SORT" => self.sort(Numbering::Uid),
            b"THREAD" => self.thread(Numbering::Uid),
            b"STORE" => self.store(Numbering::Uid),
            b"COPY" => self.copy_move(Numbering::Uid, false),
            b"MOVE" => self.copy_move(Numbering::Uid, true),
            b"REPLACE" => self.replace(Numbering::Uid),
            b"EXPUNGE" => {
                // RFC 4315 §2.1 / RFC 9051 §6.4.9.
                self.cmd = "UID EXPUNGE";
                self.sp()?;
                Ok(CommandBody::UidExpunge(self.sequence_set()?))
            }
            _ => {
                let word = self.word_for_error(start);
                Err(self.err(format!("Unknown UID command {word}")))
            }
        }
    }
}

/// Helpers shared by the `mod tests` of this module's files.
#[cfg(test)]
mod testing {
    use super::*;

    /// Decodes `s` + CRLF, panicking with the error when it does not decode.
    pub(super) fn ok(s: &[u8]) -> CommandBody {
        let mut v = s.to_vec();
        v.extend_from_slice(b"\r\n");
        match parse_command(&v, &DecodeOptions::default()) {
            Ok(c) => c.body,
            Err(e) => panic!("{:?}: {e}", String::from_utf8_lossy(s)),
        }
    }

    /// Decodes `s` + CRLF, panicking when it decodes.
    pub(super) fn bad(s: &[u8]) -> DecodeError {
        let mut v = s.to_vec();
        v.extend_from_slice(b"\r\n");
        match parse_command(&v, &DecodeOptions::default()) {
            Ok(c) => panic!("{:?} decoded as {c:?}", String::from_utf8_lossy(s)),
            Err(e) => e,
        }
    }

    /// A sequence set from (start, end) pairs; 0 stands for `*`.
    pub(super) fn set(ranges: &[(u32, u32)]) -> SequenceSet {
        let b = |n| {
            if n == 0 {
                SeqBound::Star
            } else {
                SeqBound::Value(n)
            }
        };
        SequenceSet::Ranges(
            ranges
                .iter()
                .map(|&(s, e)| SeqRange {
                    start: b(s),
                    end: b(e),
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{bad, ok, set};
    use super::*;

    #[test]
    fn simple_commands_case_insensitive() {
        assert_eq!(ok(b"a capability"), CommandBody::Capability);
        assert_eq!(ok(b"a NoOp"), CommandBody::Noop);
        assert_eq!(
            ok(b"a uid expunge 1:*"),
            CommandBody::UidExpunge(set(&[(1, 0)]))
        );
        assert_eq!(bad(b"a NOOP now").text, "Unexpected arguments to NOOP");
    }

    #[test]
    fn tags() {
        assert_eq!(
            parse_command(b"\r\n", &DecodeOptions::default())
                .unwrap_err()
                .text,
            "Empty command line"
        );
        let e = bad(b"+ NOOP");
        assert_eq!(e.tag, None);
        assert_eq!(e.text, "Missing or invalid tag");
        assert_eq!(bad(b"* NOOP").tag, None);
        assert_eq!(bad(b"a{1 NOOP").tag, None);
        assert_eq!(bad(b"tag").text, "Missing command");
        assert_eq!(bad(b"tag ").text, "Missing command name");
        let e = bad(b"x.1] FOO");
        assert_eq!(e.tag.unwrap().as_str(), "x.1]");
        assert_eq!(e.text, "Unknown command FOO");
    }

    #[test]
    fn missing_arguments() {
        assert_eq!(bad(b"a LOGIN").text, "Missing argument to LOGIN");
        assert_eq!(bad(b"a LOGIN fred").text, "Missing argument to LOGIN");
        assert_eq!(bad(b"a SELECT").text, "Missing argument to SELECT");
        assert_eq!(bad(b"a FETCH 1").text, "Missing argument to FETCH");
        assert_eq!(bad(b"a UID").text, "Missing argument to UID");
        assert_eq!(bad(b"a UID FOO 1").text, "Unknown UID command FOO");
        assert_eq!(bad(b"a SEARCH").text, "Missing argument to SEARCH");
        assert_eq!(bad(b"a LOGIN  fred x").text, "Unexpected extra space");
    }

    #[test]
    fn trailing_garbage() {
        assert_eq!(
            bad(b"a SELECT INBOX extra").text,
            "Expected '(' to open the SELECT parameters in SELECT"
        );
        assert_eq!(
            bad(b"a DELETE INBOX)").text,
            "Unexpected characters at end of DELETE"
        );
        assert_eq!(
            parse_command(b"a NOOP\r\nb NOOP\r\n", &DecodeOptions::default())
                .unwrap_err()
                .text,
            "Unexpected data after the command"
        );
        assert_eq!(
            parse_command(b"a NOOP", &DecodeOptions::default())
                .unwrap_err()
                .text,
            "Unexpected data after the command"
        );
    }
}
