//! The sans-I/O LMTP input decoder: bytes in, [`Input`] events out. Command lines are
//! parsed by `smtp-proto` (RFC 5321 §4.1 grammar, the LMTP verbs of RFC 2033 §4); the
//! message body of DATA is dot-unstuffed here (RFC 5321 §4.5.2) and BDAT chunks are taken
//! by octet count (RFC 3030 §2). Every message line ends in CRLF on the way out: a bare LF
//! becomes CRLF (RFC 5322 §2.1 and IMAP's RFC 9051 §2.3.5 want CRLF everywhere).
//!
//! No tokio, no store, no logging: the tokio session in `session.rs` drives it, and the
//! unit tests feed it byte by byte.

use memchr_lite::find_lf;
use smtp_proto::Request;

/// RFC 5321 §4.5.3.1.4: a command line is at most 512 octets; we allow more for the
/// parameters of extensions, like smtp-proto's own receiver.
pub const MAX_COMMAND_LINE_BYTES: usize = 4096;

/// What the decoder found in the input.
#[derive(Debug, PartialEq, Eq)]
pub enum Input {
    /// A command (never `Bdat`: that comes as [`Input::Chunk`] once its data is read).
    Command(Request<String>),
    /// A command line that does not parse; the reason for the reply text.
    Invalid(String),
    /// A command line longer than [`MAX_COMMAND_LINE_BYTES`]; discarded up to its LF.
    LineTooLong,
    /// The end of a DATA body. The body is in [`Decoder::take_message`]; `too_big` when it
    /// exceeded the limit (the excess was read and discarded).
    DataEnd { too_big: bool },
    /// A BDAT command and its whole chunk (RFC 3030 §2): the chunk is appended to the
    /// message buffer unless that would pass the limit (then `too_big`, and discarded).
    Chunk {
        size: usize,
        is_last: bool,
        too_big: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Command,
    /// Skipping the rest of an over-long command line.
    SkipLine,
    Data {
        at_line_start: bool,
    },
    Chunk {
        size: usize,
        left: usize,
        is_last: bool,
    },
}

/// The decoder. Feed it with [`Decoder::feed`], then call [`Decoder::next`] until None.
#[derive(Debug)]
pub struct Decoder {
    input: Vec<u8>,
    pos: usize,
    mode: Mode,
    message: Vec<u8>,
    max_message_bytes: usize,
    too_big: bool,
}

impl Decoder {
    pub fn new(max_message_bytes: usize) -> Decoder {
        Decoder {
            input: Vec::new(),
            pos: 0,
            mode: Mode::Command,
            message: Vec::new(),
            max_message_bytes,
            too_big: false,
        }
    }

    /// Adds received bytes.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.pos > 0 && self.pos == self.input.len() {
            self.input.clear();
            self.pos = 0;
        } else if self.pos > 64 * 1024 {
            self.input.drain(..self.pos);
            self.pos = 0;
        }
        self.input.extend_from_slice(bytes);
    }

    /// Bytes received but not yet decoded.
    pub fn buffered(&self) -> usize {
        self.input.len() - self.pos
    }

    /// After the session answered DATA with 354: what follows is the message body.
    pub fn start_data(&mut self) {
        self.reset_message();
        self.mode = Mode::Data {
            at_line_start: true,
        };
    }

    /// The message collected by DATA or BDAT chunks, line endings normalised to CRLF.
    pub fn take_message(&mut self) -> Vec<u8> {
        self.too_big = false;
        normalize_crlf(std::mem::take(&mut self.message))
    }

    /// Forget the message collected so far (RSET, a refused BDAT).
    pub fn reset_message(&mut self) {
        self.message = Vec::new();
        self.too_big = false;
    }

    /// The next event, or None when more bytes are needed.
    pub fn next(&mut self) -> Option<Input> {
        loop {
            match self.mode {
                Mode::Command => return self.command(),
                Mode::SkipLine => {
                    let avail = &self.input[self.pos..];
                    match find_lf(avail) {
                        Some(i) => {
                            self.pos += i + 1;
                            self.mode = Mode::Command;
                        }
                        None => {
                            self.pos = self.input.len();
                            return None;
                        }
                    }
                }
                Mode::Data { .. } => return self.data(),
                Mode::Chunk { .. } => return self.chunk(),
            }
        }
    }

    fn command(&mut self) -> Option<Input> {
        let avail = &self.input[self.pos..];
        let Some(i) = find_lf(avail) else {
            if avail.len() > MAX_COMMAND_LINE_BYTES {
                self.pos = self.input.len();
                self.mode = Mode::SkipLine;
                return Some(Input::LineTooLong);
            }
            return None;
        };
        let line = &avail[..=i];
        self.pos += i + 1;
        if line.len() > MAX_COMMAND_LINE_BYTES {
            return Some(Input::LineTooLong);
        }
        let parsed = Request::parse(&mut line.iter()).map(Request::into_owned);
        match parsed {
            Ok(Request::Bdat {
                chunk_size,
                is_last,
            }) => {
                self.mode = Mode::Chunk {
                    size: chunk_size,
                    left: chunk_size,
                    is_last,
                };
                self.chunk()
            }
            Ok(request) => Some(Input::Command(request)),
            Err(e) => Some(Input::Invalid(describe(&e))),
        }
    }

    fn chunk(&mut self) -> Option<Input> {
        let Mode::Chunk {
            size,
            left,
            is_last,
        } = self.mode
        else {
            return None;
        };
        let avail = &self.input[self.pos..];
        let n = avail.len().min(left);
        if !self.too_big && self.message.len() + n > self.max_message_bytes {
            self.too_big = true;
            self.message = Vec::new();
        }
        if !self.too_big {
            self.message.extend_from_slice(&avail[..n]);
        }
        self.pos += n;
        let left = left - n;
        if left > 0 {
            self.mode = Mode::Chunk {
                size,
                left,
                is_last,
            };
            return None;
        }
        self.mode = Mode::Command;
        Some(Input::Chunk {
            size,
            is_last,
            too_big: self.too_big,
        })
    }

    /// RFC 5321 §4.5.2: a line "." ends the body; a leading "." of any other line is
    /// removed (the client doubled it).
    fn data(&mut self) -> Option<Input> {
        loop {
            let Mode::Data { at_line_start } = self.mode else {
                return None;
            };
            let avail = &self.input[self.pos..];
            if at_line_start {
                match avail {
                    [] | [b'.'] | [b'.', b'\r'] => return None,
                    [b'.', b'\n', ..] | [b'.', b'\r', b'\n', ..] => {
                        self.pos += if avail[1] == b'\n' { 2 } else { 3 };
                        self.mode = Mode::Command;
                        return Some(Input::DataEnd {
                            too_big: self.too_big,
                        });
                    }
                    [b'.', ..] => self.pos += 1,
                    _ => {}
                }
                self.mode = Mode::Data {
                    at_line_start: false,
                };
                continue;
            }
            let avail = &self.input[self.pos..];
            match find_lf(avail) {
                Some(i) => {
                    let content = avail[..i].strip_suffix(b"\r").unwrap_or(&avail[..i]);
                    let (start, len) = (self.pos, content.len());
                    self.push(start, len);
                    self.push_crlf();
                    self.pos += i + 1;
                    self.mode = Mode::Data {
                        at_line_start: true,
                    };
                }
                None => {
                    // Keep a trailing CR: it may be the first half of the line's CRLF.
                    let keep = usize::from(avail.last() == Some(&b'\r'));
                    let n = avail.len() - keep;
                    let start = self.pos;
                    self.push(start, n);
                    self.pos += n;
                    return None;
                }
            }
        }
    }

    fn push(&mut self, start: usize, len: usize) {
        if self.too_big {
            return;
        }
        if self.message.len() + len > self.max_message_bytes {
            self.too_big = true;
            self.message = Vec::new();
            return;
        }
        self.message
            .extend_from_slice(&self.input[start..start + len]);
    }

    fn push_crlf(&mut self) {
        if self.too_big {
            return;
        }
        if self.message.len() + 2 > self.max_message_bytes {
            self.too_big = true;
            self.message = Vec::new();
            return;
        }
        self.message.extend_from_slice(b"\r\n");
    }
}

/// Every bare LF becomes CRLF; a CR not followed by LF stays as it is.
pub fn normalize_crlf(bytes: Vec<u8>) -> Vec<u8> {
    let bare = bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' && (i == 0 || bytes[i - 1] != b'\r'))
        .count();
    if bare == 0 {
        return bytes;
    }
    let mut out = Vec::with_capacity(bytes.len() + bare);
    let mut prev = 0u8;
    for &b in &bytes {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    out
}

fn describe(e: &smtp_proto::Error) -> String {
    use smtp_proto::Error as E;
    match e {
        E::UnknownCommand => "command not recognized".into(),
        E::InvalidSenderAddress => "invalid sender address".into(),
        E::InvalidRecipientAddress => "invalid recipient address".into(),
        E::SyntaxError { syntax } => format!("syntax: {syntax}"),
        E::InvalidParameter { param } => format!("invalid parameter {param}"),
        E::UnsupportedParameter { param } => format!("unsupported parameter {param}"),
        E::ResponseTooLong => "line too long".into(),
        E::NeedsMoreData { .. } | E::InvalidResponse { .. } => "syntax error".into(),
    }
}

/// A tiny LF search (memchr is what smtp-proto uses; this avoids another direct
/// dependency for one call).
mod memchr_lite {
    pub fn find_lf(bytes: &[u8]) -> Option<usize> {
        bytes.iter().position(|&b| b == b'\n')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(d: &mut Decoder) -> Vec<Input> {
        std::iter::from_fn(|| d.next()).collect()
    }

    #[test]
    fn commands_pipelined() {
        let mut d = Decoder::new(1000);
        d.feed(b"LHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nRC");
        let ev = events(&mut d);
        assert_eq!(ev.len(), 3);
        assert!(matches!(&ev[0], Input::Command(Request::Lhlo { host }) if host == "x"));
        assert!(matches!(&ev[1], Input::Command(Request::Mail { from }) if from.address == "a@b"));
        assert!(matches!(&ev[2], Input::Command(Request::Rcpt { to }) if to.address == "c@d"));
        d.feed(b"PT TO:<e@f>\r\n");
        assert!(
            matches!(d.next(), Some(Input::Command(Request::Rcpt { to })) if to.address == "e@f")
        );
    }

    #[test]
    fn null_sender() {
        let mut d = Decoder::new(1000);
        d.feed(b"MAIL FROM:<>\r\n");
        assert!(
            matches!(d.next(), Some(Input::Command(Request::Mail { from })) if from.address.is_empty())
        );
    }

    #[test]
    fn data_unstuffs_and_normalises_byte_by_byte() {
        let body = b"Subject: x\n\r\n..leading dot\r\n.\r\nno\rCR\r\n.\r\nQUIT\r\n";
        let mut d = Decoder::new(1000);
        d.start_data();
        let mut ev = Vec::new();
        for b in body {
            d.feed(&[*b]);
            ev.extend(events(&mut d));
        }
        assert_eq!(ev[0], Input::DataEnd { too_big: false });
        assert_eq!(d.take_message(), b"Subject: x\r\n\r\n.leading dot\r\n");
        assert_eq!(ev[1], Input::Invalid("command not recognized".into()));
    }

    #[test]
    fn data_first_line_dot_and_empty_body() {
        let mut d = Decoder::new(1000);
        d.start_data();
        d.feed(b"..x\r\n.\r\n");
        assert_eq!(d.next(), Some(Input::DataEnd { too_big: false }));
        assert_eq!(d.take_message(), b".x\r\n");
        d.start_data();
        d.feed(b".\n");
        assert_eq!(d.next(), Some(Input::DataEnd { too_big: false }));
        assert_eq!(d.take_message(), b"");
    }

    #[test]
    fn data_too_big_is_consumed() {
        let mut d = Decoder::new(10);
        d.start_data();
        d.feed(b"0123456789abcdef\r\nmore\r\n.\r\nNOOP\r\n");
        assert_eq!(d.next(), Some(Input::DataEnd { too_big: true }));
        assert!(matches!(
            d.next(),
            Some(Input::Command(Request::Noop { .. }))
        ));
    }

    #[test]
    fn bdat_chunks() {
        let mut d = Decoder::new(1000);
        d.feed(b"BDAT 5\r\nab\ncdBDAT 3 LAST\r\n");
        assert_eq!(
            d.next(),
            Some(Input::Chunk {
                size: 5,
                is_last: false,
                too_big: false
            })
        );
        assert_eq!(d.next(), None);
        d.feed(b"e\r\nNOOP\r\n");
        assert_eq!(
            d.next(),
            Some(Input::Chunk {
                size: 3,
                is_last: true,
                too_big: false
            })
        );
        assert_eq!(d.take_message(), b"ab\r\ncde\r\n");
        assert!(matches!(
            d.next(),
            Some(Input::Command(Request::Noop { .. }))
        ));
    }

    #[test]
    fn bdat_too_big() {
        let mut d = Decoder::new(4);
        d.feed(b"BDAT 6 LAST\r\n123456NOOP\r\n");
        assert_eq!(
            d.next(),
            Some(Input::Chunk {
                size: 6,
                is_last: true,
                too_big: true
            })
        );
        assert!(matches!(
            d.next(),
            Some(Input::Command(Request::Noop { .. }))
        ));
    }

    #[test]
    fn long_line_refused_and_skipped() {
        let mut d = Decoder::new(10);
        d.feed(&vec![b'A'; MAX_COMMAND_LINE_BYTES + 10]);
        assert_eq!(d.next(), Some(Input::LineTooLong));
        d.feed(b"AAAA\r\nNOOP\r\n");
        assert!(matches!(
            d.next(),
            Some(Input::Command(Request::Noop { .. }))
        ));
    }

    #[test]
    fn garbage_never_panics() {
        let mut d = Decoder::new(100);
        for seed in 0u32..2000 {
            let bytes: Vec<u8> = (0..40)
                .map(|i| (seed.wrapping_mul(2654435761).wrapping_add(i * 97) >> 7) as u8)
                .collect();
            d.feed(&bytes);
            while d.next().is_some() {}
            if seed % 7 == 0 {
                d.start_data();
            }
        }
    }
}
