//! Response writer: responses are written straight into one reusable buffer that the session
//! flushes (no intermediate `String`s on the hot FETCH path).
//! Syntax: RFC 9051 §7 and §9 (`response-tagged`, `resp-text-code`, `string`, `literal`).

use std::fmt;

use crate::ast::{Flag, Tag, is_astring_char, is_atom_char};

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
    /// Starts empty and grows on demand: an idle connection holds no response buffer
    /// (issue 6: per-connection memory). See `release_if_big` for giving it back.
    pub fn new() -> Self {
        ResponseWriter { buf: Vec::new() }
    }
    /// Bytes the buffer can hold without growing.
    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }
    /// When empty (after a flush) and holding more than `keep_bytes`, free the buffer so a
    /// large response (FETCH of big bodies) does not stay allocated for the connection's
    /// life. `keep_bytes == 0` always frees (a session about to wait for input).
    pub fn release_if_big(&mut self, keep_bytes: usize) {
        if self.buf.is_empty() && self.buf.capacity() > keep_bytes {
            self.buf = Vec::new();
        }
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
        self.buf.extend_from_slice(tag.as_str().as_bytes());
        self.buf.push(b' ');
        self.status_rest(status, code, text);
    }
    /// `* OK [CODE] text\r\n` (also NO, BAD, BYE, PREAUTH).
    pub fn untagged_status(&mut self, status: Status, code: Option<&Code>, text: &str) {
        self.buf.extend_from_slice(b"* ");
        self.status_rest(status, code, text);
    }
    /// `+ text\r\n`
    pub fn continuation(&mut self, text: &str) {
        self.buf.extend_from_slice(b"+ ");
        self.text(text.as_bytes());
        self.buf.extend_from_slice(b"\r\n");
    }
    /// Raw bytes, no escaping (e.g. precomputed ENVELOPE/BODYSTRUCTURE, `* 3 EXISTS`).
    pub fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }
    /// Decimal number.
    pub fn number(&mut self, n: u64) {
        write_u64(&mut self.buf, n);
    }
    /// A string as quoted when safe (no CR/LF/NUL/8-bit, short), else as a literal `{n}\r\n...`.
    /// With `utf8` (IMAP4rev2 / UTF8=ACCEPT) 8-bit UTF-8 may be quoted.
    /// NUL cannot be represented in a `string` (RFC 9051 §4.3, CHAR8 excludes it): callers with
    /// data that may hold NUL use `literal8` (BINARY) or clean it first.
    pub fn string(&mut self, s: &[u8], utf8: bool) {
        if is_quotable(s, utf8) {
            self.buf.reserve(s.len() + 2);
            self.buf.push(b'"');
            for &b in s {
                if b == b'"' || b == b'\\' {
                    self.buf.push(b'\\');
                }
                self.buf.push(b);
            }
            self.buf.push(b'"');
        } else {
            self.literal(s);
        }
    }
    /// Like `string` but an atom when the bytes are a valid atom (ASTRING).
    pub fn astring(&mut self, s: &[u8], utf8: bool) {
        // `NIL` as an atom would read as nil where an nstring is also allowed; quote it.
        if !s.is_empty() && s.iter().all(|&b| is_astring_char(b)) && !s.eq_ignore_ascii_case(b"NIL")
        {
            self.buf.extend_from_slice(s);
        } else {
            self.string(s, utf8);
        }
    }
    /// NIL or `string`.
    pub fn nstring(&mut self, s: Option<&[u8]>, utf8: bool) {
        match s {
            Some(s) => self.string(s, utf8),
            None => self.buf.extend_from_slice(b"NIL"),
        }
    }
    /// Always a literal `{n}\r\n` + bytes.
    pub fn literal(&mut self, bytes: &[u8]) {
        self.literal_header(bytes.len() as u64);
        self.buf.extend_from_slice(bytes);
    }
    /// `~{n}\r\n` + bytes (RFC 3516 literal8, for BINARY[] with NUL bytes).
    pub fn literal8(&mut self, bytes: &[u8]) {
        self.buf.push(b'~');
        self.literal(bytes);
    }
    /// `{n}\r\n` alone, for a caller that streams the n bytes itself (e.g. from a blob).
    pub fn literal_header(&mut self, len: u64) {
        self.buf.push(b'{');
        write_u64(&mut self.buf, len);
        self.buf.extend_from_slice(b"}\r\n");
    }
    /// `(\Seen \Answered $Label)`; `\Recent` is added by passing `recent = true`.
    pub fn flag_list(&mut self, flags: &[Flag], recent: bool) {
        self.buf.push(b'(');
        let mut first = true;
        for f in flags {
            if !first {
                self.buf.push(b' ');
            }
            first = false;
            self.flag(f);
        }
        if recent {
            if !first {
                self.buf.push(b' ');
            }
            self.buf.extend_from_slice(b"\\Recent");
        }
        self.buf.push(b')');
    }
    /// A single flag.
    pub fn flag(&mut self, flag: &Flag) {
        write_flag(&mut self.buf, flag);
    }
    /// A response code without brackets, e.g. `APPENDUID 38505 3955`.
    pub fn code(&mut self, code: &Code) {
        code.write_to(&mut self.buf);
    }

    fn status_rest(&mut self, status: Status, code: Option<&Code>, text: &str) {
        self.buf.extend_from_slice(status.as_str().as_bytes());
        self.buf.push(b' ');
        if let Some(code) = code {
            self.buf.push(b'[');
            code.write_to(&mut self.buf);
            self.buf.extend_from_slice(b"] ");
        }
        // RFC 9051 §9: text = 1*TEXT-CHAR; never send an empty text.
        if text.is_empty() {
            self.buf.extend_from_slice(status.default_text().as_bytes());
        } else {
            self.text(text.as_bytes());
        }
        self.buf.extend_from_slice(b"\r\n");
    }

    /// TEXT-CHAR only: CR, LF and NUL would end or corrupt the response line (and allow
    /// response injection from e.g. a mailbox name echoed in an error), so they become spaces.
    /// 8-bit bytes become `?`: RFC 3501 §9 `text` is 7-bit (only RFC 9051 adds UTF-8), and the
    /// writer does not know which revision the client speaks.
    fn text(&mut self, text: &[u8]) {
        self.buf.extend(text.iter().map(|&b| match b {
            b'\r' | b'\n' | 0 => b' ',
            0x80..=0xff => b'?',
            _ => b,
        }));
    }
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::No => "NO",
            Status::Bad => "BAD",
            Status::Bye => "BYE",
            Status::PreAuth => "PREAUTH",
        }
    }
    fn default_text(self) -> &'static str {
        match self {
            Status::Ok => "completed",
            Status::No => "failed",
            Status::Bad => "invalid command",
            Status::Bye => "closing connection",
            Status::PreAuth => "ready",
        }
    }
}

impl Code {
    /// Append the code (without brackets) to `out`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        let atom: &str = match self {
            Code::Alert => "ALERT",
            Code::Parse => "PARSE",
            Code::ReadOnly => "READ-ONLY",
            Code::ReadWrite => "READ-WRITE",
            Code::TryCreate => "TRYCREATE",
            Code::Closed => "CLOSED",
            Code::NoModSeq => "NOMODSEQ",
            Code::UidNotSticky => "UIDNOTSTICKY",
            Code::AlreadyExists => "ALREADYEXISTS",
            Code::NonExistent => "NONEXISTENT",
            Code::Cannot => "CANNOT",
            Code::Limit => "LIMIT",
            Code::TooBig => "TOOBIG",
            Code::ServerBug => "SERVERBUG",
            Code::NoPerm => "NOPERM",
            Code::InUse => "INUSE",
            Code::ExpungeIssued => "EXPUNGEISSUED",
            Code::OverQuota => "OVERQUOTA",
            Code::AuthenticationFailed => "AUTHENTICATIONFAILED",
            Code::AuthorizationFailed => "AUTHORIZATIONFAILED",
            Code::PrivacyRequired => "PRIVACYREQUIRED",
            Code::ContactAdmin => "CONTACTADMIN",
            Code::Unavailable => "UNAVAILABLE",
            Code::ClientBug => "CLIENTBUG",
            Code::Corruption => "CORRUPTION",
            Code::Other(s) => {
                // RFC 9051 §9: `atom [SP 1*<any TEXT-CHAR except "]">]`; whatever the caller
                // passed, it must not close the bracket or the line early.
                let (name, rest) = s.split_once(' ').unwrap_or((s, ""));
                let start = out.len();
                out.extend(name.bytes().filter(|&b| is_atom_char(b)));
                if out.len() == start {
                    out.extend_from_slice(b"CLIENTBUG");
                }
                let rest: Vec<u8> = rest
                    .bytes()
                    .filter(|&b| b != b']' && (0x20..0x7f).contains(&b))
                    .collect();
                if !rest.is_empty() {
                    out.push(b' ');
                    out.extend_from_slice(&rest);
                }
                return;
            }
            Code::UidNext(n) => return number_code(out, "UIDNEXT", *n as u64),
            Code::UidValidity(n) => return number_code(out, "UIDVALIDITY", *n as u64),
            Code::Unseen(n) => return number_code(out, "UNSEEN", *n as u64),
            Code::HighestModSeq(n) => return number_code(out, "HIGHESTMODSEQ", *n),
            Code::Modified(set) => {
                out.extend_from_slice(b"MODIFIED ");
                out.extend_from_slice(set.as_bytes());
                return;
            }
            Code::PermanentFlags(flags, star) => {
                out.extend_from_slice(b"PERMANENTFLAGS (");
                let mut first = true;
                for f in flags {
                    if !first {
                        out.push(b' ');
                    }
                    first = false;
                    write_flag(out, f);
                }
                if *star {
                    if !first {
                        out.push(b' ');
                    }
                    out.extend_from_slice(b"\\*");
                }
                out.push(b')');
                return;
            }
            Code::Capability(caps) => {
                out.extend_from_slice(b"CAPABILITY");
                for c in caps {
                    out.push(b' ');
                    out.extend_from_slice(c.as_bytes());
                }
                return;
            }
            Code::AppendUid(validity, set) => {
                number_code(out, "APPENDUID", *validity as u64);
                out.push(b' ');
                out.extend_from_slice(set.as_bytes());
                return;
            }
            Code::CopyUid(validity, from, to) => {
                number_code(out, "COPYUID", *validity as u64);
                out.push(b' ');
                out.extend_from_slice(from.as_bytes());
                out.push(b' ');
                out.extend_from_slice(to.as_bytes());
                return;
            }
            Code::BadCharset(charsets) => {
                out.extend_from_slice(b"BADCHARSET");
                if !charsets.is_empty() {
                    out.extend_from_slice(b" (");
                    for (i, c) in charsets.iter().enumerate() {
                        if i > 0 {
                            out.push(b' ');
                        }
                        out.extend_from_slice(c.as_bytes());
                    }
                    out.push(b')');
                }
                return;
            }
        };
        out.extend_from_slice(atom.as_bytes());
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut v = Vec::new();
        self.write_to(&mut v);
        f.write_str(&String::from_utf8_lossy(&v))
    }
}

/// Render a sorted list of numbers as a compact sequence set: `1:3,7,9:10`.
/// Empty input renders as nothing (callers avoid it). Duplicates are tolerated.
pub fn render_set(sorted: &[u32]) -> String {
    let mut out = Vec::with_capacity(sorted.len() * 4);
    write_set(&mut out, sorted);
    // Only ASCII digits, ':' and ',' were written.
    String::from_utf8(out).unwrap_or_default()
}

/// `render_set` straight into a byte buffer.
pub fn write_set(out: &mut Vec<u8>, sorted: &[u32]) {
    let mut i = 0;
    let mut first = true;
    while i < sorted.len() {
        let start = sorted[i];
        let mut end = start;
        let mut j = i + 1;
        while j < sorted.len() && (sorted[j] == end || Some(sorted[j]) == end.checked_add(1)) {
            end = sorted[j];
            j += 1;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        write_u64(out, start as u64);
        if end != start {
            out.push(b':');
            write_u64(out, end as u64);
        }
        i = j;
    }
}

/// Decimal formatting without going through `fmt` (hot path: FETCH of 100k messages).
pub fn write_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&tmp[i..]);
}

/// The wire form of a flag. `Flag::Extension` holds the name without its backslash
/// (a leading backslash is tolerated).
pub fn write_flag(out: &mut Vec<u8>, flag: &Flag) {
    let s: &str = match flag {
        Flag::Seen => "\\Seen",
        Flag::Answered => "\\Answered",
        Flag::Flagged => "\\Flagged",
        Flag::Deleted => "\\Deleted",
        Flag::Draft => "\\Draft",
        Flag::Keyword(k) => k,
        Flag::Extension(e) => {
            out.push(b'\\');
            e.trim_start_matches('\\')
        }
    };
    out.extend_from_slice(s.as_bytes());
}

fn number_code(out: &mut Vec<u8>, name: &str, n: u64) {
    out.extend_from_slice(name.as_bytes());
    out.push(b' ');
    write_u64(out, n);
}

/// Longest string sent quoted; longer ones go as literals so clients need not scan far.
const MAX_QUOTED_BYTES: usize = 1024;

fn is_quotable(s: &[u8], utf8: bool) -> bool {
    if s.len() > MAX_QUOTED_BYTES {
        return false;
    }
    let mut has_8bit = false;
    for &b in s {
        match b {
            0 | b'\r' | b'\n' => return false,
            0x80..=0xff if !utf8 => return false,
            0x80..=0xff => has_8bit = true,
            _ => {}
        }
    }
    // RFC 9051 §9 quoted-specials aside, 8-bit in a quoted string must be UTF-8 (RFC 6855 §3).
    !has_8bit || std::str::from_utf8(s).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(f: impl FnOnce(&mut ResponseWriter)) -> String {
        let mut w = ResponseWriter::new();
        f(&mut w);
        String::from_utf8_lossy(w.as_bytes()).into_owned()
    }

    fn tag(s: &str) -> Tag {
        Tag::new(s).unwrap()
    }

    #[test]
    fn status_lines_and_codes() {
        assert_eq!(
            out(|w| w.tagged(
                &tag("A003"),
                Status::Ok,
                Some(&Code::AppendUid(38505, "3955".into())),
                "APPEND completed"
            )),
            "A003 OK [APPENDUID 38505 3955] APPEND completed\r\n"
        );
        assert_eq!(
            out(|w| w.untagged_status(
                Status::Ok,
                Some(&Code::PermanentFlags(vec![Flag::Deleted, Flag::Seen], true)),
                "Limited"
            )),
            "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n"
        );
        assert_eq!(
            out(|w| w.untagged_status(Status::Ok, Some(&Code::PermanentFlags(vec![], false)), "x")),
            "* OK [PERMANENTFLAGS ()] x\r\n"
        );
        assert_eq!(
            out(|w| w.tagged(
                &tag("a"),
                Status::No,
                Some(&Code::BadCharset(vec!["US-ASCII".into(), "UTF-8".into()])),
                "bad"
            )),
            "a NO [BADCHARSET (US-ASCII UTF-8)] bad\r\n"
        );
        assert_eq!(
            out(|w| w.untagged_status(
                Status::Ok,
                Some(&Code::Capability(vec!["IMAP4rev1".into(), "IDLE".into()])),
                "hi"
            )),
            "* OK [CAPABILITY IMAP4rev1 IDLE] hi\r\n"
        );
        assert_eq!(
            out(|w| w.tagged(&tag("a"), Status::No, Some(&Code::ServerBug), "")),
            "a NO [SERVERBUG] failed\r\n"
        );
        assert_eq!(
            out(|w| w.untagged_status(Status::Bye, None, "bye\r\n* 1 EXISTS")),
            "* BYE bye  * 1 EXISTS\r\n"
        );
        assert_eq!(
            Code::CopyUid(1, "1:3".into(), "5:7".into()).to_string(),
            "COPYUID 1 1:3 5:7"
        );
        assert_eq!(Code::UidNotSticky.to_string(), "UIDNOTSTICKY");
        assert_eq!(Code::Other("UNKNOWN-CTE".into()).to_string(), "UNKNOWN-CTE");
        assert_eq!(Code::Other("X]Y".into()).to_string(), "XY");
        assert_eq!(
            Code::Other("METADATA LONGENTRIES 2]x".into()).to_string(),
            "METADATA LONGENTRIES 2x"
        );
        assert_eq!(Code::Other("".into()).to_string(), "CLIENTBUG");
        assert_eq!(
            Code::HighestModSeq(u64::MAX >> 1).to_string(),
            "HIGHESTMODSEQ 9223372036854775807"
        );
        assert_eq!(Code::ReadWrite.to_string(), "READ-WRITE");
        assert_eq!(out(|w| w.continuation("")), "+ \r\n");
    }

    #[test]
    fn strings() {
        assert_eq!(
            out(|w| w.string(b"a \"b\" \\c", false)),
            "\"a \\\"b\\\" \\\\c\""
        );
        assert_eq!(out(|w| w.string(b"a\r\nb", false)), "{4}\r\na\r\nb");
        assert_eq!(out(|w| w.string("é".as_bytes(), false)), "{2}\r\né");
        assert_eq!(out(|w| w.string("é".as_bytes(), true)), "\"é\"");
        assert_eq!(out(|w| w.string(b"\xff", true)), "{1}\r\n\u{fffd}");
        assert_eq!(out(|w| w.string(b"", false)), "\"\"");
        assert_eq!(out(|w| w.astring(b"INBOX", false)), "INBOX");
        assert_eq!(out(|w| w.astring(b"a]b", false)), "a]b");
        assert_eq!(out(|w| w.astring(b"Sent Items", false)), "\"Sent Items\"");
        assert_eq!(out(|w| w.astring(b"nil", false)), "\"nil\"");
        assert_eq!(out(|w| w.astring(b"", false)), "\"\"");
        assert_eq!(out(|w| w.nstring(None, false)), "NIL");
        assert_eq!(out(|w| w.literal8(b"\0")), "~{1}\r\n\0");
        let long = vec![b'a'; 2000];
        assert!(out(|w| w.string(&long, false)).starts_with("{2000}\r\n"));
    }

    #[test]
    fn flags_and_numbers() {
        assert_eq!(
            out(|w| w.flag_list(
                &[
                    Flag::Seen,
                    Flag::Keyword("$Label".into()),
                    Flag::Extension("X".into())
                ],
                true
            )),
            "(\\Seen $Label \\X \\Recent)"
        );
        assert_eq!(out(|w| w.flag_list(&[], true)), "(\\Recent)");
        assert_eq!(out(|w| w.flag_list(&[], false)), "()");
        assert_eq!(out(|w| w.number(0)), "0");
        assert_eq!(out(|w| w.number(u64::MAX)), "18446744073709551615");
    }

    #[test]
    fn flag_wire_forms() {
        for (wire, flag) in [
            ("\\Seen", Flag::Seen),
            ("\\Draft", Flag::Draft),
            ("$Label", Flag::Keyword("$Label".into())),
            ("\\Foo", Flag::Extension("Foo".into())),
        ] {
            assert_eq!(Flag::parse(wire), Some(flag.clone()));
            assert_eq!(flag.to_wire(), wire);
        }
        assert_eq!(Flag::parse("\\seen"), Some(Flag::Seen));
        assert_eq!(Flag::parse("\\Recent"), None);
        assert_eq!(Flag::parse("a b"), None);
        assert_eq!(Flag::parse(""), None);
    }

    #[test]
    fn sets() {
        assert_eq!(render_set(&[1, 2, 3, 7, 9, 10]), "1:3,7,9:10");
        assert_eq!(render_set(&[]), "");
        assert_eq!(render_set(&[5]), "5");
        assert_eq!(render_set(&[1, 1, 2, 2]), "1:2");
        assert_eq!(
            render_set(&[u32::MAX - 1, u32::MAX]),
            "4294967294:4294967295"
        );
    }
}
