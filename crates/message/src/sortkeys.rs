//! Sort and thread keys: RFC 5256 §2.1 base subject, §2.2 sent date inputs, RFC 5957
//! DISPLAY values, RFC 5051 i;unicode-casemap, and the ENVELOPE fields they come from.
//!
//! Everything here works on the ENVELOPE wire bytes already stored with each message
//! (`ParsedMessage::envelope`), so SORT and THREAD never load message bodies; only the
//! References header (not in ENVELOPE) needs the raw header, see `msg_ids`.

use unicode_normalization::UnicodeNormalization;

use crate::decode::rfc2047_decode;

/// The parts of an ENVELOPE (RFC 9051 §7.5.2) that sorting and threading use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvelopeFields {
    /// Raw Subject: header value (encoded-words not yet decoded).
    pub subject: Option<Vec<u8>>,
    pub from: Vec<EnvAddress>,
    pub to: Vec<EnvAddress>,
    pub cc: Vec<EnvAddress>,
    pub in_reply_to: Option<Vec<u8>>,
    pub message_id: Option<Vec<u8>>,
}

/// One ENVELOPE address: `(addr-name addr-adl addr-mailbox addr-host)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvAddress {
    pub name: Option<Vec<u8>>,
    pub mailbox: Option<Vec<u8>>,
    pub host: Option<Vec<u8>>,
}

/// A subject reduced per RFC 5256 §2.1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseSubject {
    /// The base subject text (UTF-8, original case).
    pub text: String,
    /// RFC 5256 §3 REFERENCES: extraction removed a subj-refwd, a "(fwd)" trailer or a
    /// subj-fwd-hdr/subj-fwd-trl pair.
    pub is_reply_or_forward: bool,
}

/// Parse ENVELOPE wire bytes as `loft_message::parse` writes them. None on malformed input
/// (never panics); callers then sort the message as if every field were empty.
pub fn parse_envelope(wire: &[u8]) -> Option<EnvelopeFields> {
    let mut p = Reader { s: wire, pos: 0 };
    let Item::List(items) = p.item(0)? else {
        return None;
    };
    if items.len() < 10 {
        return None;
    }
    Some(EnvelopeFields {
        subject: items[1].string(),
        from: addresses(&items[2]),
        to: addresses(&items[5]),
        cc: addresses(&items[6]),
        in_reply_to: items[8].string(),
        message_id: items[9].string(),
    })
}

/// RFC 5256 §2.1 steps (1)-(7).
pub fn base_subject(raw: &[u8]) -> BaseSubject {
    // (1) Decode encoded-words; tabs and continuations become spaces; runs of spaces one.
    let decoded = rfc2047_decode(raw);
    let mut s = String::with_capacity(decoded.len());
    for c in decoded.chars() {
        let c = if matches!(c, '\t' | '\r' | '\n') {
            ' '
        } else {
            c
        };
        if c == ' ' && s.ends_with(' ') {
            continue;
        }
        s.push(c);
    }
    let mut is_reply = false;
    let mut text: &str = &s;
    loop {
        // (2) Trailers: "(fwd)" or WSP, repeatedly.
        loop {
            if let Some(rest) = text.strip_suffix(' ') {
                text = rest;
            } else if text.len() >= 5
                && text.is_char_boundary(text.len() - 5)
                && text[text.len() - 5..].eq_ignore_ascii_case("(fwd)")
            {
                text = &text[..text.len() - 5];
                is_reply = true;
            } else {
                break;
            }
        }
        // (5) Repeat (3) and (4) until neither matches.
        loop {
            let before = text.len();
            // (3) subj-leader = (*subj-blob subj-refwd) / WSP.
            loop {
                if let Some(rest) = text.strip_prefix(' ') {
                    text = rest;
                } else if let Some(n) = leader_refwd(text) {
                    text = &text[n..];
                    is_reply = true;
                } else {
                    break;
                }
            }
            // (4) A leading subj-blob, when what follows is a non-empty subj-base.
            if let Some(n) = blob(text)
                && !text[n..].trim_start_matches(' ').is_empty()
            {
                text = &text[n..];
            }
            if text.len() == before {
                break;
            }
        }
        // (6) "[fwd:" ... "]" around the whole: strip and start again from (2).
        let is_fwd = text.len() >= 6
            && text.is_char_boundary(5)
            && text[..5].eq_ignore_ascii_case("[fwd:")
            && text.ends_with(']');
        if is_fwd {
            text = &text[5..text.len() - 1];
            is_reply = true;
            continue;
        }
        break;
    }
    BaseSubject {
        text: text.to_string(),
        is_reply_or_forward: is_reply,
    }
}

/// RFC 5051 i;unicode-casemap: each character to its titlecase (Rust offers uppercase,
/// identical but for a few digraphs), then NFKD. Compare the results bytewise.
pub fn casemap(s: &str) -> String {
    s.chars().flat_map(char::to_uppercase).nfkd().collect()
}

/// RFC 5957 §3: the DISPLAY sort value of an address.
pub fn display_value(a: &EnvAddress) -> String {
    if let Some(name) = a.name.as_deref() {
        let decoded = rfc2047_decode(name);
        if !decoded.is_empty() {
            return decoded;
        }
    }
    match (&a.mailbox, &a.host) {
        (Some(m), Some(h)) => format!(
            "{}@{}",
            String::from_utf8_lossy(m),
            String::from_utf8_lossy(h)
        ),
        (Some(m), None) => String::from_utf8_lossy(m).into_owned(),
        _ => String::new(),
    }
}

/// RFC 5256 §3: the Message IDs in a Message-ID, In-Reply-To or References value, each
/// normalized (quoting, escapes, comments and whitespace removed) so that
/// `<"a b"@x>` and `<a b@x>` compare equal. Invalid ones (no `@`, empty) are skipped.
pub fn msg_ids(value: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < value.len() {
        if value[i] == b'(' {
            i = skip_comment(value, i);
            continue;
        }
        if value[i] != b'<' {
            i += 1;
            continue;
        }
        let mut id = Vec::new();
        let mut j = i + 1;
        let mut in_quote = false;
        let mut closed = false;
        while j < value.len() {
            let b = value[j];
            match b {
                b'\\' if in_quote && j + 1 < value.len() => {
                    id.push(value[j + 1]);
                    j += 2;
                    continue;
                }
                b'"' => in_quote = !in_quote,
                b'(' if !in_quote => {
                    j = skip_comment(value, j);
                    continue;
                }
                b'>' if !in_quote => {
                    closed = true;
                    break;
                }
                b'<' if !in_quote => break,
                b' ' | b'\t' | b'\r' | b'\n' if !in_quote => {}
                _ => id.push(b),
            }
            j += 1;
        }
        if closed {
            if !id.is_empty() && id.contains(&b'@') {
                out.push(String::from_utf8_lossy(&id).into_owned());
            }
            i = j + 1;
        } else {
            // `<` without `>`: look again from the inner `<` (or stop at the end).
            i = j;
        }
    }
    out
}

/// Index just past a (possibly nested) comment starting at `start` (`value[start] == '('`).
fn skip_comment(value: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while i < value.len() {
        match value[i] {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    value.len()
}

/// Bytes of a leading `*subj-blob subj-refwd`, if `s` starts with one.
fn leader_refwd(s: &str) -> Option<usize> {
    let mut pos = 0;
    while let Some(n) = blob(&s[pos..]) {
        pos += n;
    }
    refwd(&s[pos..]).map(|n| pos + n)
}

/// subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":".
fn refwd(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let word = if b.len() >= 2 && b[..2].eq_ignore_ascii_case(b"re") {
        2
    } else if b.len() >= 3 && b[..3].eq_ignore_ascii_case(b"fwd") {
        3
    } else if b.len() >= 2 && b[..2].eq_ignore_ascii_case(b"fw") {
        2
    } else {
        return None;
    };
    let mut pos = word;
    while b.get(pos) == Some(&b' ') {
        pos += 1;
    }
    if let Some(n) = blob(&s[pos..]) {
        pos += n;
    }
    (b.get(pos) == Some(&b':')).then_some(pos + 1)
}

/// subj-blob = "[" *BLOBCHAR "]" *WSP.
fn blob(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.first() != Some(&b'[') {
        return None;
    }
    let close = b[1..].iter().position(|&c| c == b'[' || c == b']')? + 1;
    if b[close] != b']' {
        return None;
    }
    let mut pos = close + 1;
    while b.get(pos) == Some(&b' ') {
        pos += 1;
    }
    Some(pos)
}

// ---- ENVELOPE reader -------------------------------------------------------------------

enum Item {
    Nil,
    Str(Vec<u8>),
    List(Vec<Item>),
}

impl Item {
    fn string(&self) -> Option<Vec<u8>> {
        match self {
            Item::Str(s) => Some(s.clone()),
            _ => None,
        }
    }
}

fn addresses(item: &Item) -> Vec<EnvAddress> {
    let Item::List(list) = item else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|a| match a {
            Item::List(f) if f.len() >= 4 => Some(EnvAddress {
                name: f[0].string(),
                mailbox: f[2].string(),
                host: f[3].string(),
            }),
            _ => None,
        })
        .collect()
}

/// ENVELOPE nesting is three levels (envelope, address list, address); more is malformed.
const MAX_ENVELOPE_DEPTH: usize = 4;

struct Reader<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn item(&mut self, depth: usize) -> Option<Item> {
        if depth > MAX_ENVELOPE_DEPTH {
            return None;
        }
        while self.s.get(self.pos) == Some(&b' ') {
            self.pos += 1;
        }
        match *self.s.get(self.pos)? {
            b'(' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    while self.s.get(self.pos) == Some(&b' ') {
                        self.pos += 1;
                    }
                    if *self.s.get(self.pos)? == b')' {
                        self.pos += 1;
                        return Some(Item::List(items));
                    }
                    items.push(self.item(depth + 1)?);
                }
            }
            b'"' => {
                self.pos += 1;
                let mut out = Vec::new();
                loop {
                    match *self.s.get(self.pos)? {
                        b'\\' => {
                            out.push(*self.s.get(self.pos + 1)?);
                            self.pos += 2;
                        }
                        b'"' => {
                            self.pos += 1;
                            return Some(Item::Str(out));
                        }
                        c => {
                            out.push(c);
                            self.pos += 1;
                        }
                    }
                }
            }
            b'{' | b'~' => {
                let open = self.s[self.pos..].iter().position(|&c| c == b'{')? + self.pos;
                let close = self.s[open..].iter().position(|&c| c == b'}')? + open;
                let digits = std::str::from_utf8(&self.s[open + 1..close])
                    .ok()?
                    .trim_end_matches('+');
                let len: usize = digits.parse().ok()?;
                let start = close + 3; // "}\r\n"
                let end = start.checked_add(len)?;
                let bytes = self.s.get(start..end)?.to_vec();
                self.pos = end;
                Some(Item::Str(bytes))
            }
            _ => {
                let rest = &self.s[self.pos..];
                if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(b"NIL") {
                    self.pos += 3;
                    Some(Item::Nil)
                } else {
                    None
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(s: &str) -> (String, bool) {
        let b = base_subject(s.as_bytes());
        (b.text, b.is_reply_or_forward)
    }

    #[test]
    fn base_subject_rfc5256_rules() {
        assert_eq!(
            base("afternoon meeting"),
            ("afternoon meeting".into(), false)
        );
        // (2) trailers, (3) leaders.
        assert_eq!(
            base("Re: afternoon meeting"),
            ("afternoon meeting".into(), true)
        );
        assert_eq!(
            base("RE:  Re: re:afternoon meeting (fwd)  "),
            ("afternoon meeting".into(), true)
        );
        assert_eq!(base("Fwd: report"), ("report".into(), true));
        assert_eq!(base("FW: report"), ("report".into(), true));
        assert_eq!(base("Re [2]: report"), ("report".into(), true));
        assert_eq!(base("report (fwd)"), ("report".into(), true));
        assert_eq!(base("  \t report  "), ("report".into(), false));
        // (4) a leading blob goes when something is left; (5) repeated with leaders.
        assert_eq!(base("[list] Re: [other] topic"), ("topic".into(), true));
        assert_eq!(base("[list] topic"), ("topic".into(), false));
        assert_eq!(base("[only a blob]"), ("[only a blob]".into(), false));
        // (6) "[fwd: ...]" wrapper, then from (2) again.
        assert_eq!(base("[Fwd: Re: report (fwd)]"), ("report".into(), true));
        assert_eq!(base("[fwd: report] "), ("report".into(), true));
        // Not a leader: "re" must be followed by ":".
        assert_eq!(base("Rebase tips"), ("Rebase tips".into(), false));
        assert_eq!(base("Re"), ("Re".into(), false));
        assert_eq!(base(""), (String::new(), false));
        assert_eq!(base("Re:"), (String::new(), true));
        // (1) RFC 2047 decoding and folding.
        assert_eq!(base("=?UTF-8?Q?Re:_caf=C3=A9?="), ("café".into(), true));
        assert_eq!(base("Re: long\r\n\tsubject"), ("long subject".into(), true));
    }

    #[test]
    fn casemap_folds_case_and_composition() {
        assert_eq!(casemap("Hello"), casemap("hELLO"));
        assert_eq!(casemap("caf\u{e9}"), casemap("CAFE\u{301}"));
        assert!(casemap("") < casemap("a"));
    }

    #[test]
    fn envelope_fields() {
        let env = crate::parse(
            b"From: \"Gray, Terry\" <gray@cac.washington.edu>\r\nTo: a@b, c@d\r\nSubject: Re: hi\r\nMessage-ID: <1@x>\r\nIn-Reply-To: <0@x>\r\n\r\nbody\r\n",
        )
        .envelope;
        let f = parse_envelope(&env).unwrap();
        assert_eq!(f.subject.as_deref(), Some(&b"Re: hi"[..]));
        assert_eq!(f.from[0].mailbox.as_deref(), Some(&b"gray"[..]));
        assert_eq!(display_value(&f.from[0]), "Gray, Terry");
        assert_eq!(display_value(&f.to[0]), "a@b");
        assert_eq!(f.to.len(), 2);
        assert!(f.cc.is_empty());
        assert_eq!(msg_ids(f.message_id.as_deref().unwrap()), vec!["1@x"]);
        assert_eq!(msg_ids(f.in_reply_to.as_deref().unwrap()), vec!["0@x"]);
        // 8-bit subjects come as literals.
        let env = crate::parse("Subject: caf\u{e9}\r\n\r\n".as_bytes()).envelope;
        assert_eq!(
            parse_envelope(&env).unwrap().subject.unwrap(),
            "caf\u{e9}".as_bytes()
        );
        assert_eq!(parse_envelope(b"(NIL"), None);
        assert_eq!(parse_envelope(b"garbage"), None);
        assert_eq!(parse_envelope(b"{99999999999999999999}\r\n"), None);
    }

    #[test]
    fn message_ids_normalized() {
        // RFC 5256 §3 REFERENCES note.
        assert_eq!(
            msg_ids(b"<\"01KF8JCEOCBS0045PS\"@xxx.yyy.com>"),
            vec!["01KF8JCEOCBS0045PS@xxx.yyy.com"]
        );
        assert_eq!(
            msg_ids(b"<a@b> (comment <x@y>)\r\n <c@d>"),
            vec!["a@b", "c@d"]
        );
        assert_eq!(msg_ids(b"<nope> <broken <e@f>"), vec!["e@f"]);
        assert!(msg_ids(b"").is_empty());
        assert!(msg_ids(b"<<<").is_empty());
    }

    #[test]
    fn display_values_rfc5957() {
        let a = |n: Option<&str>, m: Option<&str>, h: Option<&str>| EnvAddress {
            name: n.map(|s| s.as_bytes().to_vec()),
            mailbox: m.map(|s| s.as_bytes().to_vec()),
            host: h.map(|s| s.as_bytes().to_vec()),
        };
        assert_eq!(
            display_value(&a(Some("=?ISO-8859-1?Q?Andr=E9?="), Some("x"), Some("y"))),
            "Andr\u{e9}"
        );
        assert_eq!(display_value(&a(Some(""), Some("x"), Some("y"))), "x@y");
        assert_eq!(display_value(&a(None, Some("x"), None)), "x");
        assert_eq!(display_value(&a(None, None, None)), "");
    }
}
