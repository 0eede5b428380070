//! mbox files (RFC 4155 describes the family): messages after `From ` separator lines.
//!
//! - mboxrd: body lines matching `>*From ` got one more `>`; reading removes one.
//! - mboxo: only `From ` was quoted to `>From `; reading removes the `>` of `>From ` only.
//! - mboxcl2: nothing is quoted; a `Content-Length:` header gives the body length.
//!
//! The reader streams (one message in memory, capped) and hands out the From_ line's
//! date as the internal date and the Status/X-Status/X-Keywords headers as flags.

use std::io::{self, BufRead, Write};

use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, TimeZone, Utc};
use loft_store::Flags;

use super::{StateHeaders, crlf_to_lf, strip_state_headers};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Mboxrd,
    Mboxo,
    Mboxcl2,
}

/// One message read from an mbox.
#[derive(Debug)]
pub struct Message {
    /// The bytes, state headers removed, line endings as in the file.
    pub content: Vec<u8>,
    pub flags: Flags,
    pub internal_date: Option<DateTime<FixedOffset>>,
}

/// What the reader yields: a message, or one it had to skip (and why).
#[derive(Debug)]
pub enum Item {
    Message(Message),
    TooLarge { bytes: usize },
}

pub struct Reader<R> {
    input: R,
    format: Format,
    max_message_bytes: usize,
    /// The From_ line that starts the next message, once read.
    pending_from: Option<Vec<u8>>,
    /// Bytes consumed so far (for progress).
    pub position: u64,
    line: Vec<u8>,
    is_done: bool,
}

impl<R: BufRead> Reader<R> {
    pub fn new(input: R, format: Format, max_message_bytes: usize) -> Reader<R> {
        Reader {
            input,
            format,
            max_message_bytes,
            pending_from: None,
            position: 0,
            line: Vec::new(),
            is_done: false,
        }
    }

    fn read_line(&mut self) -> io::Result<bool> {
        self.line.clear();
        let n = self.input.read_until(b'\n', &mut self.line)?;
        self.position += n as u64;
        Ok(n > 0)
    }

    /// The next message; None at the end of the file. Text before the first From_ line
    /// is not a message and is ignored.
    pub fn next_item(&mut self) -> io::Result<Option<Item>> {
        if self.is_done {
            return Ok(None);
        }
        while self.pending_from.is_none() {
            if !self.read_line()? {
                self.is_done = true;
                return Ok(None);
            }
            if self.line.starts_with(b"From ") {
                self.pending_from = Some(std::mem::take(&mut self.line));
            }
        }
        let from_line = self.pending_from.take().unwrap_or_default();
        let internal_date = parse_from_line_date(&from_line);
        let mut content: Vec<u8> = Vec::new();
        let mut size = 0usize;
        let mut too_large = false;
        let mut in_headers = true;
        let mut content_length: Option<usize> = None;
        let mut prev_blank = false;
        loop {
            if self.format == Format::Mboxcl2
                && !in_headers
                && let Some(len) = content_length.take()
            {
                // Read exactly the body, then expect the separator.
                let mut left = len;
                while left > 0 {
                    let buf = self.input.fill_buf()?;
                    if buf.is_empty() {
                        break;
                    }
                    let n = buf.len().min(left);
                    size += n;
                    if size > self.max_message_bytes {
                        too_large = true;
                        content = Vec::new();
                    } else {
                        content.extend_from_slice(&buf[..n]);
                    }
                    self.input.consume(n);
                    self.position += n as u64;
                    left -= n;
                }
                prev_blank = content.ends_with(b"\n\n") || content.ends_with(b"\r\n\r\n");
            }
            if !self.read_line()? {
                self.is_done = true;
                break;
            }
            let line = &self.line;
            let is_separator = line.starts_with(b"From ")
                && (prev_blank || (self.format == Format::Mboxcl2 && !in_headers));
            if is_separator {
                self.pending_from = Some(std::mem::take(&mut self.line));
                break;
            }
            let stripped = strip_eol(line);
            if in_headers {
                if stripped.is_empty() {
                    in_headers = false;
                } else if self.format == Format::Mboxcl2
                    && let Some(v) = header_value(stripped, "content-length")
                {
                    content_length = v.trim().parse().ok();
                }
            }
            prev_blank = stripped.is_empty();
            let unquoted: &[u8] = match self.format {
                Format::Mboxrd if is_quoted_from(line, true) => &line[1..],
                Format::Mboxo if line.starts_with(b">From ") => &line[1..],
                _ => line,
            };
            size += unquoted.len();
            if size > self.max_message_bytes {
                too_large = true;
                content = Vec::new();
            } else if !too_large {
                content.extend_from_slice(unquoted);
            }
        }
        if too_large {
            return Ok(Some(Item::TooLarge { bytes: size }));
        }
        // The blank line before the next From_ line (or the end) belongs to the mbox.
        if content.ends_with(b"\r\n\r\n") {
            content.truncate(content.len() - 2);
        } else if content.ends_with(b"\n\n") {
            content.truncate(content.len() - 1);
        }
        let (content, state) = strip_state_headers(&content);
        let flags = state.flags();
        Ok(Some(Item::Message(Message {
            content,
            flags,
            internal_date,
        })))
    }
}

/// `>From `, and for mboxrd also `>>From ` etc.
fn is_quoted_from(line: &[u8], many: bool) -> bool {
    let gts = line.iter().take_while(|&&b| b == b'>').count();
    gts >= 1 && (many || gts == 1) && line[gts..].starts_with(b"From ")
}

fn strip_eol(line: &[u8]) -> &[u8] {
    let l = line.strip_suffix(b"\n").unwrap_or(line);
    l.strip_suffix(b"\r").unwrap_or(l)
}

fn header_value<'a>(line: &'a [u8], name: &str) -> Option<std::borrow::Cow<'a, str>> {
    let colon = line.iter().position(|&b| b == b':')?;
    let n = std::str::from_utf8(&line[..colon]).ok()?;
    n.trim()
        .eq_ignore_ascii_case(name)
        .then(|| String::from_utf8_lossy(&line[colon + 1..]))
}

/// The date of `From sender Mon Jan  2 15:04:05 2006` (asctime, optionally with a zone
/// before or after the year); read as UTC when no zone is given.
pub fn parse_from_line_date(line: &[u8]) -> Option<DateTime<FixedOffset>> {
    let text = String::from_utf8_lossy(strip_eol(line)).into_owned();
    let words: Vec<&str> = text.split_whitespace().skip(2).collect();
    // Find "Www Mmm d hh:mm:ss yyyy" anywhere after the sender.
    for start in 0..words.len() {
        let rest = &words[start..];
        if rest.len() < 5 {
            break;
        }
        let zone_before_year = rest.len() >= 6 && !rest[4].bytes().all(|b| b.is_ascii_digit());
        if zone_before_year {
            // `Mon Jan  2 15:04:05 +0100 2006` or `... MST 2006`: only a numeric zone is used.
            let candidate = format!("{} {} {} {}", rest[1], rest[2], rest[3], rest[5]);
            if let Ok(naive) = NaiveDateTime::parse_from_str(&candidate, "%b %d %H:%M:%S %Y") {
                let offset = parse_offset(rest[4]).unwrap_or(Utc.fix());
                return offset.from_local_datetime(&naive).single();
            }
        }
        let candidate = format!("{} {} {} {}", rest[1], rest[2], rest[3], rest[4]);
        if let Ok(naive) = NaiveDateTime::parse_from_str(&candidate, "%b %d %H:%M:%S %Y") {
            return Some(Utc.from_utc_datetime(&naive).fixed_offset());
        }
    }
    None
}

fn parse_offset(s: &str) -> Option<FixedOffset> {
    let (sign, digits) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h: i32 = digits[..2].parse().ok()?;
    let m: i32 = digits[2..].parse().ok()?;
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// Writes one message as mboxrd: From_ line with the internal date, state headers, the
/// message with LF line endings and `>*From ` lines quoted, and a blank line.
pub fn write_message<W: Write>(
    out: &mut W,
    content: &[u8],
    flags: &Flags,
    date: DateTime<FixedOffset>,
) -> io::Result<()> {
    let utc = date.with_timezone(&Utc);
    writeln!(
        out,
        "From MAILER-DAEMON {}",
        utc.format("%a %b %e %H:%M:%S %Y")
    )?;
    out.write_all(StateHeaders::lines(flags).as_bytes())?;
    let lf = crlf_to_lf(content);
    for line in lf.split_inclusive(|&b| b == b'\n') {
        if line
            .iter()
            .skip_while(|&&b| b == b'>')
            .take(5)
            .eq(b"From ".iter())
        {
            out.write_all(b">")?;
        }
        out.write_all(line)?;
    }
    if !lf.ends_with(b"\n") {
        out.write_all(b"\n")?;
    }
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8], format: Format) -> Vec<Message> {
        let mut r = Reader::new(bytes, format, 1 << 20);
        let mut out = Vec::new();
        while let Some(item) = r.next_item().unwrap() {
            match item {
                Item::Message(m) => out.push(m),
                Item::TooLarge { .. } => panic!("too large"),
            }
        }
        out
    }

    #[test]
    fn mboxrd_round_trip() {
        let date = DateTime::parse_from_rfc3339("2024-01-02T03:04:05+00:00").unwrap();
        let flags = Flags {
            bits: Flags::SEEN | Flags::FLAGGED,
            keywords: vec!["$Work".into()],
        };
        let m1 = b"Subject: one\r\n\r\nFrom here\r\n>From there\r\n\r\n".to_vec();
        let m2 = b"Subject: two\r\n\r\nbody".to_vec();
        let mut file = Vec::new();
        write_message(&mut file, &m1, &flags, date).unwrap();
        write_message(&mut file, &m2, &Flags::default(), date).unwrap();
        let got = read_all(&file, Format::Mboxrd);
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[0].content,
            b"Subject: one\n\nFrom here\n>From there\n\n"
        );
        assert_eq!(got[0].flags, flags);
        assert_eq!(got[0].internal_date, Some(date));
        assert_eq!(got[1].content, b"Subject: two\n\nbody\n");
        assert_eq!(got[1].flags, Flags::default());
    }

    #[test]
    fn mboxo_and_preamble() {
        let file = b"junk before\nFrom a@b Sat Jan  3 01:05:34 1996\nSubject: x\n\n>From y\n>>From z\n\nFrom c@d Sat Jan  3 01:05:34 1996\nSubject: 2\n\nb\n";
        let got = read_all(file, Format::Mboxo);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].content, b"Subject: x\n\nFrom y\n>>From z\n");
        assert_eq!(
            got[0].internal_date.unwrap().to_rfc3339(),
            "1996-01-03T01:05:34+00:00"
        );
    }

    #[test]
    fn mboxcl2_uses_content_length() {
        let file = b"From a Sat Jan  3 01:05:34 1996\nContent-Length: 15\nSubject: x\n\nFrom inside\n\nx\n\nFrom b Sat Jan  3 01:05:34 1996\nSubject: 2\n\nb\n";
        let got = read_all(file, Format::Mboxcl2);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(
            got[0].content,
            b"Content-Length: 15\nSubject: x\n\nFrom inside\n\nx\n"
        );
    }

    #[test]
    fn from_line_dates() {
        let d = |s: &str| parse_from_line_date(s.as_bytes()).map(|d| d.to_rfc3339());
        assert_eq!(
            d("From MAILER-DAEMON Thu Nov 27 10:00:00 2025"),
            Some("2025-11-27T10:00:00+00:00".into())
        );
        assert_eq!(
            d("From x@y  Fri Feb  7 21:52:25 +0100 1997\n"),
            Some("1997-02-07T21:52:25+01:00".into())
        );
        assert_eq!(d("From x@y"), None);
    }

    #[test]
    fn too_large_is_skipped_and_reading_goes_on() {
        let file = b"From a Sat Jan  3 01:05:34 1996\nSubject: big\n\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n\nFrom b Sat Jan  3 01:05:34 1996\nS: 2\n\nb\n";
        let mut r = Reader::new(&file[..], Format::Mboxrd, 30);
        assert!(matches!(
            r.next_item().unwrap(),
            Some(Item::TooLarge { .. })
        ));
        assert!(matches!(r.next_item().unwrap(), Some(Item::Message(_))));
        assert!(r.next_item().unwrap().is_none());
    }
}
