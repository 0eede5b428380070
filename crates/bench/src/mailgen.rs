//! Deterministic generator of realistic mail (RFC 5322 messages with RFC 2045-2049 MIME
//! shapes): plain text, multipart/alternative, attachments in base64, forwarded
//! message/rfc822, RFC 2047 encoded subjects, list mail, replies. The same seed gives the
//! same bytes on every machine, so Loft and Dovecot receive exactly the same mailbox.

/// The word planted in about 0.1% of bodies; `SEARCH BODY` looks for it.
pub const RARE_WORD: &str = "quetzalcoatlus";
/// A sender address fragment that `SEARCH FROM` looks for (about 1% of messages).
pub const FROM_NEEDLE: &str = "mallory.kowalski";

/// splitmix64: tiny, fast, good enough for test data, and identical everywhere.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0; n == 0 gives 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    pub fn chance(&mut self, per_thousand: u64) -> bool {
        self.below(1000) < per_thousand
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        // Every list passed here is a non-empty constant.
        &items[self.below(items.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "in",
    "is",
    "you",
    "that",
    "it",
    "he",
    "was",
    "for",
    "on",
    "are",
    "as",
    "with",
    "his",
    "they",
    "at",
    "be",
    "this",
    "have",
    "from",
    "or",
    "one",
    "had",
    "by",
    "word",
    "but",
    "not",
    "what",
    "all",
    "were",
    "we",
    "when",
    "your",
    "can",
    "said",
    "there",
    "use",
    "an",
    "each",
    "which",
    "she",
    "do",
    "how",
    "their",
    "if",
    "will",
    "up",
    "other",
    "about",
    "out",
    "many",
    "then",
    "them",
    "these",
    "so",
    "some",
    "her",
    "would",
    "make",
    "like",
    "him",
    "into",
    "time",
    "has",
    "look",
    "two",
    "more",
    "write",
    "go",
    "see",
    "number",
    "no",
    "way",
    "could",
    "people",
    "my",
    "than",
    "first",
    "water",
    "been",
    "call",
    "who",
    "oil",
    "its",
    "now",
    "find",
    "long",
    "down",
    "day",
    "did",
    "get",
    "come",
    "made",
    "may",
    "part",
    "meeting",
    "project",
    "deadline",
    "invoice",
    "report",
    "budget",
    "review",
    "release",
    "schedule",
    "customer",
    "server",
    "update",
    "agenda",
    "quarter",
    "contract",
    "proposal",
    "feedback",
    "draft",
    "attached",
    "please",
    "thanks",
    "regards",
    "tomorrow",
    "monday",
    "friday",
    "office",
    "team",
    "launch",
    "travel",
    "lunch",
    "weekend",
    "question",
    "answer",
    "issue",
    "ticket",
    "support",
    "deploy",
    "backup",
    "database",
    "network",
    "security",
    "password",
    "account",
    "payment",
    "order",
    "shipping",
    "delivery",
    "conference",
    "slides",
    "minutes",
    "summary",
    "estimate",
    "approval",
    "signature",
    "holiday",
];

const FIRST: &[&str] = &[
    "Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory",
    "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter", "Zoë", "José",
    "Ingrid", "Ahmed", "Mei", "Sven", "Chloé",
];
const LAST: &[&str] = &[
    "Smith", "Jones", "Kowalski", "Nguyen", "Müller", "Garcia", "Rossi", "Dubois", "Tanaka",
    "Okafor", "Larsen", "Novak", "Silva", "Cohen", "Ivanova", "Brown",
];
const DOMAINS: &[&str] = &[
    "example.com",
    "example.org",
    "example.net",
    "mail.example.com",
    "corp.example",
    "lists.example.org",
    "university.example.edu",
    "shop.example",
    "bank.example",
    "news.example.net",
];
const MAILERS: &[&str] = &[
    "Thunderbird 115.3",
    "Apple Mail (2.3731)",
    "K-9 Mail 6.7",
    "Outlook 16.0",
    "mutt 2.2",
];
const LISTS: &[&str] = &[
    "dev.lists.example.org",
    "announce.example.net",
    "users.lists.example.org",
];
const MONTHS: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAYS: &[&str] = &["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];

/// One generated message with what APPEND needs besides the bytes.
#[derive(Debug, Clone)]
pub struct GenMessage {
    pub bytes: Vec<u8>,
    /// Flags for APPEND: "" or e.g. "\\Seen \\Flagged".
    pub flags: &'static str,
    /// INTERNALDATE as RFC 9051 date-time: `"02-Jan-2024 10:11:12 +0000"` (with quotes).
    pub internal_date: String,
    /// Unix seconds of the Date header (for the mbox "From " line).
    pub unix_time: i64,
    pub has_rare_word: bool,
    pub envelope_from: String,
}

/// The generator: message `i` of a run with `seed` is always the same.
#[derive(Debug, Clone)]
pub struct Generator {
    rng: Rng,
    counter: u64,
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        Generator {
            rng: Rng::new(seed),
            counter: 0,
        }
    }

    pub fn next_message(&mut self) -> GenMessage {
        self.counter += 1;
        let r = &mut self.rng;
        let n = self.counter;
        // About 1% from the SEARCH FROM needle, the rest from the pool.
        let (from_name, from_addr) = if r.chance(10) {
            (
                "Mallory Kowalski".to_string(),
                format!("{FROM_NEEDLE}@example.org"),
            )
        } else {
            let f = *r.pick(FIRST);
            let l = *r.pick(LAST);
            let d = *r.pick(DOMAINS);
            (
                format!("{f} {l}"),
                format!("{}.{}{}@{d}", ascii_lower(f), ascii_lower(l), r.below(20)),
            )
        };
        let to = format!(
            "{}.{}@example.com",
            ascii_lower(*r.pick(FIRST)),
            ascii_lower(*r.pick(LAST))
        );
        // Dates spread over ~5 years from 2020-01-01, in message order with jitter, so that
        // SORT (DATE) has real work to do.
        let unix_time = 1_577_836_800 + (n as i64) * 1500 + r.below(86_400 * 3) as i64 - 86_400;
        let date = rfc5322_date(unix_time);
        let has_rare_word = r.chance(1);
        let subject_words: Vec<&str> = (0..r.range(2, 9)).map(|_| *r.pick(WORDS)).collect();
        let mut subject = subject_words.join(" ");
        if r.chance(200) {
            subject = format!("Re: {subject}");
        }
        let subject = if r.chance(50) {
            // RFC 2047 encoded-word with a non-ASCII character.
            format!("=?UTF-8?Q?{}_=C3=A9t=C3=A9?=", subject.replace(' ', "_"))
        } else {
            subject
        };

        let mut h = String::with_capacity(1024);
        for hop in 0..r.range(1, 3) {
            h.push_str(&format!(
                "Received: from mx{hop}.{} (mx{hop}.{} [192.0.2.{}])\r\n\tby mail.example.com with ESMTPS id {:x}\r\n\tfor <{to}>; {date}\r\n",
                r.pick(DOMAINS),
                r.pick(DOMAINS),
                r.below(250) + 1,
                r.next_u64()
            ));
        }
        h.push_str(&format!("Date: {date}\r\n"));
        h.push_str(&format!(
            "From: {} <{from_addr}>\r\n",
            header_phrase(&from_name)
        ));
        h.push_str(&format!("To: <{to}>\r\n"));
        if r.chance(250) {
            h.push_str(&format!(
                "Cc: {}.{}@example.net\r\n",
                ascii_lower(*r.pick(FIRST)),
                ascii_lower(*r.pick(LAST))
            ));
        }
        h.push_str(&format!("Subject: {subject}\r\n"));
        h.push_str(&format!(
            "Message-ID: <{:016x}.{n}@{}>\r\n",
            r.next_u64(),
            r.pick(DOMAINS)
        ));
        if r.chance(300) {
            h.push_str(&format!(
                "In-Reply-To: <{:016x}@example.com>\r\n",
                r.next_u64()
            ));
            h.push_str(&format!(
                "References: <{:016x}@example.com> <{:016x}@example.com>\r\n",
                r.next_u64(),
                r.next_u64()
            ));
        }
        if r.chance(150) {
            let list = r.pick(LISTS);
            h.push_str(&format!(
                "List-Id: <{list}>\r\nList-Unsubscribe: <mailto:leave@{list}>\r\n"
            ));
        }
        h.push_str(&format!(
            "X-Mailer: {}\r\nMIME-Version: 1.0\r\n",
            r.pick(MAILERS)
        ));

        let shape = r.below(100);
        let mut body = String::new();
        let lines = r.range(3, 40) as usize;
        let text = paragraphs(r, lines, has_rare_word);
        if shape < 55 {
            h.push_str(
                "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n",
            );
            body.push_str(&text);
        } else if shape < 80 {
            let b = format!("alt-{:x}", r.next_u64());
            h.push_str(&format!(
                "Content-Type: multipart/alternative; boundary=\"{b}\"\r\n"
            ));
            body.push_str(&format!(
                "--{b}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n--{b}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>{}</p></body></html>\r\n--{b}--\r\n",
                text.replace("\r\n\r\n", "</p>\r\n<p>")
            ));
        } else if shape < 95 {
            let b = format!("mix-{:x}", r.next_u64());
            let att_len = r.range(2_000, 48_000) as usize;
            h.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=\"{b}\"\r\n"
            ));
            let ext = *r.pick(&["pdf", "png", "docx", "zip"]);
            body.push_str(&format!(
                "--{b}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n--{b}\r\nContent-Type: application/octet-stream; name=\"file{n}.{ext}\"\r\nContent-Disposition: attachment; filename=\"file{n}.{ext}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}--{b}--\r\n",
                base64_lines(r, att_len)
            ));
        } else {
            let b = format!("fwd-{:x}", r.next_u64());
            h.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=\"{b}\"\r\n"
            ));
            let lines = r.range(2, 10) as usize;
            let inner = paragraphs(r, lines, false);
            body.push_str(&format!(
                "--{b}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nForwarded message below.\r\n--{b}\r\nContent-Type: message/rfc822\r\n\r\nFrom: {} <old@example.net>\r\nTo: <{to}>\r\nSubject: Fwd: {}\r\nDate: {}\r\nMessage-ID: <inner.{n}@example.net>\r\nContent-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n{inner}\r\n--{b}--\r\n",
                r.pick(FIRST),
                r.pick(WORDS),
                rfc5322_date(unix_time - 86_400 * 7)
            ));
        }
        let flags = match r.below(100) {
            0..=64 => "\\Seen",
            65..=69 => "\\Seen \\Flagged",
            70..=79 => "\\Seen \\Answered",
            _ => "",
        };
        let mut bytes = h.into_bytes();
        bytes.extend_from_slice(b"\r\n");
        bytes.extend_from_slice(body.as_bytes());
        GenMessage {
            bytes,
            flags,
            internal_date: format!("\"{}\"", imap_date_time(unix_time)),
            unix_time,
            has_rare_word,
            envelope_from: from_addr,
        }
    }
}

fn ascii_lower(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// A display name as a header phrase: RFC 2047 when it is not ASCII.
fn header_phrase(name: &str) -> String {
    if name.is_ascii() {
        name.to_string()
    } else {
        let mut q = String::from("=?UTF-8?Q?");
        for b in name.bytes() {
            match b {
                b' ' => q.push('_'),
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => q.push(b as char),
                _ => q.push_str(&format!("={b:02X}")),
            }
        }
        q.push_str("?=");
        q
    }
}

fn paragraphs(r: &mut Rng, lines: usize, rare: bool) -> String {
    let mut s = String::with_capacity(lines * 70);
    let rare_at = if rare {
        r.below(lines as u64) as usize
    } else {
        usize::MAX
    };
    for i in 0..lines {
        let mut len = 0;
        while len < 60 {
            let w = if i == rare_at && len == 0 {
                RARE_WORD
            } else {
                *r.pick(WORDS)
            };
            if len > 0 {
                s.push(' ');
            }
            s.push_str(w);
            len += w.len() + 1;
        }
        s.push_str("\r\n");
        if r.chance(150) {
            s.push_str("\r\n");
        }
    }
    s
}

fn base64_lines(r: &mut Rng, len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(len + len / 76 * 2 + 2);
    let mut line = 0;
    for _ in 0..len {
        let v = r.next_u64();
        s.push(ALPHABET[(v % 64) as usize] as char);
        line += 1;
        if line == 76 {
            s.push_str("\r\n");
            line = 0;
        }
    }
    s.push_str("\r\n");
    s
}

/// (year, month 1-12, day, hour, minute, second, weekday 0 = Thursday) of Unix seconds.
fn civil(t: i64) -> (i64, usize, i64, i64, i64, i64, usize) {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    (
        y,
        m as usize,
        d,
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        days.rem_euclid(7) as usize,
    )
}

/// RFC 5322 §3.3 date-time.
pub fn rfc5322_date(t: i64) -> String {
    let (y, m, d, hh, mm, ss, wd) = civil(t);
    format!(
        "{}, {d} {} {y} {hh:02}:{mm:02}:{ss:02} +0000",
        DAYS[wd],
        MONTHS[m - 1]
    )
}

/// RFC 9051 date-time (without the quotes).
pub fn imap_date_time(t: i64) -> String {
    let (y, m, d, hh, mm, ss, _) = civil(t);
    format!("{d:02}-{}-{y} {hh:02}:{mm:02}:{ss:02} +0000", MONTHS[m - 1])
}

/// The asctime-like date of an mbox "From " line.
pub fn mbox_date(t: i64) -> String {
    let (y, m, d, hh, mm, ss, wd) = civil(t);
    format!(
        "{} {} {d:>2} {hh:02}:{mm:02}:{ss:02} {y}",
        DAYS[wd],
        MONTHS[m - 1]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_varied() {
        let a: Vec<_> = (0..50)
            .map({
                let mut g = Generator::new(7);
                move |_| g.next_message().bytes
            })
            .collect();
        let b: Vec<_> = (0..50)
            .map({
                let mut g = Generator::new(7);
                move |_| g.next_message().bytes
            })
            .collect();
        assert_eq!(a, b);
        assert!(a.iter().any(|m| m.windows(9).any(|w| w == b"multipart")));
    }

    #[test]
    fn dates() {
        assert_eq!(rfc5322_date(0), "Thu, 1 Jan 1970 00:00:00 +0000");
        assert_eq!(imap_date_time(1_704_067_200), "01-Jan-2024 00:00:00 +0000");
        assert_eq!(mbox_date(1_704_067_200), "Mon Jan  1 00:00:00 2024");
    }

    #[test]
    fn rare_word_about_one_in_thousand() {
        let mut g = Generator::new(1);
        let hits = (0..20_000)
            .filter(|_| g.next_message().has_rare_word)
            .count();
        assert!((5..=60).contains(&hits), "{hits}");
    }
}
