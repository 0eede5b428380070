//! Reading and writing the mail formats other programs use: mbox (mboxrd, mboxo, mboxcl2)
//! and Maildir++ with Dovecot's keyword file. Readers stream: one message in memory at a
//! time, so an import's memory does not grow with the mailbox.

pub mod maildir;
pub mod mbox;

use loft_store::Flags;

/// Headers that mail stores write to carry flags and UIDs inside mbox files (UW-IMAP,
/// Dovecot, mutt). They describe the copy, not the message: import turns them into flags
/// and drops them, export writes them, so a round trip gives the same bytes.
pub const STATE_HEADERS: &[&str] = &[
    "status",
    "x-status",
    "x-keywords",
    "x-uid",
    "x-imapbase",
    "x-imap",
];

/// Flags as written in mbox state headers: `Status: RO`, `X-Status: AFDT`, `X-Keywords:`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StateHeaders {
    pub status: Option<String>,
    pub x_status: Option<String>,
    pub x_keywords: Option<String>,
}

impl StateHeaders {
    pub fn flags(&self) -> Flags {
        let mut f = Flags::default();
        if let Some(s) = &self.status
            && s.contains('R')
        {
            f.bits |= Flags::SEEN;
        }
        if let Some(x) = &self.x_status {
            for (c, bit) in [
                ('A', Flags::ANSWERED),
                ('F', Flags::FLAGGED),
                ('T', Flags::DRAFT),
                ('D', Flags::DELETED),
            ] {
                if x.contains(c) {
                    f.bits |= bit;
                }
            }
        }
        if let Some(k) = &self.x_keywords {
            for kw in k
                .split([',', ' ', '\t'])
                .map(str::trim)
                .filter(|k| is_keyword(k))
            {
                f.add_keyword(kw);
            }
        }
        f
    }

    /// The header lines (CRLF-free, LF-terminated) for a message with these flags.
    pub fn lines(flags: &Flags) -> String {
        let mut out = String::new();
        out.push_str(if flags.is_seen() {
            "Status: RO\n"
        } else {
            "Status: O\n"
        });
        let mut x = String::new();
        for (c, bit) in [
            ('A', Flags::ANSWERED),
            ('F', Flags::FLAGGED),
            ('T', Flags::DRAFT),
            ('D', Flags::DELETED),
        ] {
            if flags.has(bit) {
                x.push(c);
            }
        }
        if !x.is_empty() {
            out.push_str(&format!("X-Status: {x}\n"));
        }
        if !flags.keywords.is_empty() {
            out.push_str(&format!("X-Keywords: {}\n", flags.keywords.join(" ")));
        }
        out
    }
}

/// Removes the state headers from the header block of `message` (any line ending) and
/// returns what they said. The body is left alone.
pub fn strip_state_headers(message: &[u8]) -> (Vec<u8>, StateHeaders) {
    let mut state = StateHeaders::default();
    let mut out = Vec::with_capacity(message.len());
    let mut pos = 0;
    let mut dropping = false;
    while pos < message.len() {
        let end = message[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(message.len(), |i| pos + i + 1);
        let line = &message[pos..end];
        let content = line.strip_suffix(b"\n").unwrap_or(line);
        let content = content.strip_suffix(b"\r").unwrap_or(content);
        if content.is_empty() {
            // End of the header block: the rest is the body.
            out.extend_from_slice(&message[pos..]);
            return (out, state);
        }
        let is_continuation = matches!(content.first(), Some(b' ' | b'\t'));
        if is_continuation {
            if !dropping {
                out.extend_from_slice(line);
            }
        } else {
            let colon = content.iter().position(|&b| b == b':');
            let name = String::from_utf8_lossy(&content[..colon.unwrap_or(0)])
                .trim()
                .to_ascii_lowercase();
            dropping = colon.is_some() && STATE_HEADERS.contains(&name.as_str());
            if let (true, Some(colon)) = (dropping, colon) {
                let value = String::from_utf8_lossy(&content[colon + 1..])
                    .trim()
                    .to_string();
                match name.as_str() {
                    "status" => state.status = Some(value),
                    "x-status" => state.x_status = Some(value),
                    "x-keywords" => state.x_keywords = Some(value),
                    _ => {}
                }
            } else {
                out.extend_from_slice(line);
            }
        }
        pos = end;
    }
    (out, state)
}

/// RFC 9051 §9 `flag-keyword = atom`: what can be stored as a keyword.
pub fn is_keyword(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= 200
        && k.bytes()
            .all(|b| b > b' ' && b < 0x7f && !b"(){%*\"\\]".contains(&b))
}

/// Parses `\Seen \Flagged $Label` (RFC 9051 §2.3.2 names, case-insensitive) into flags.
pub fn parse_flag_list(s: &str) -> Result<Flags, String> {
    let mut f = Flags::default();
    for word in s.split_whitespace() {
        let bit = match word.to_ascii_lowercase().as_str() {
            "\\seen" => Flags::SEEN,
            "\\answered" => Flags::ANSWERED,
            "\\flagged" => Flags::FLAGGED,
            "\\deleted" => Flags::DELETED,
            "\\draft" => Flags::DRAFT,
            _ if word.starts_with('\\') => return Err(format!("unknown system flag {word}")),
            _ if is_keyword(word) => {
                f.add_keyword(word);
                continue;
            }
            _ => return Err(format!("invalid keyword {word:?}")),
        };
        f.bits |= bit;
    }
    Ok(f)
}

/// LF line endings for files other programs read (mbox); the store keeps CRLF.
pub fn crlf_to_lf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_headers_round_trip() {
        let msg = b"Subject: x\nStatus: RO\nX-Keywords: $Work,  Later\nX-Status: AF\n  cont\nTo: y\n\nStatus: body\n";
        let (clean, state) = strip_state_headers(msg);
        assert_eq!(clean, b"Subject: x\nTo: y\n\nStatus: body\n");
        let f = state.flags();
        assert_eq!(f.bits, Flags::SEEN | Flags::ANSWERED | Flags::FLAGGED);
        assert_eq!(f.keywords, vec!["$Work", "Later"]);
        let lines = StateHeaders::lines(&f);
        let again = format!("{lines}Subject: x\n\nb\n");
        let (_, s2) = strip_state_headers(again.as_bytes());
        assert_eq!(s2.flags(), f);
    }

    #[test]
    fn flag_list() {
        let f = parse_flag_list("\\Seen \\FLAGGED $Label1").unwrap();
        assert_eq!(f.bits, Flags::SEEN | Flags::FLAGGED);
        assert_eq!(f.keywords, vec!["$Label1"]);
        assert!(parse_flag_list("\\Bogus").is_err());
        assert!(parse_flag_list("(x)").is_err());
    }
}
