//! The transcript runner (STYLE.md "Tests speak the protocol"). A transcript is an RFC-style
//! dialogue run against a fresh `TestServer`:
//!
//! ```text
//! # comment; a first line `# skip: reason` skips the transcript
//! @user alice secret                      create an account
//! @append alice INBOX simple.eml flags=\Seen,$Label date="17-Jul-1996 02:44:25 -0700"
//! @create alice "Work/Projects"           create a mailbox in the store
//! @sleep 300                              wait (milliseconds)
//! @closed 2                               connection 2 must be closed by the server now
//! C: a1 LOGIN alice secret                a client line (CRLF appended)
//! S: a1 OK ~                              an expected server line; `~` at the end: any rest
//! S: ...                                  skip untagged responses until the next S: matches
//! S*: * 3 EXISTS                          a run of S*: lines matches the next responses in
//! S*: * 0 RECENT                            any order (RFC 9051 leaves the order open)
//! C2: / S2: / C3: / S3:                   the second and third connection
//! Craw: a1 NOOP\x00\r\n                   raw bytes: \r \n \t \\ \xHH escapes, no CRLF added
//! ```
//!
//! Connections open at their first line. The greeting is matched when the first line of a
//! connection is an `S:` line, and silently consumed otherwise. A client line ending in a
//! literal `{n}` makes the next n bytes of client lines (each line plus CRLF) literal data;
//! for a synchronizing literal the next line of that connection must be `S: + ...` (or the
//! tagged response refusing the literal, after which no literal data is expected).
//! Server responses are split into lines at CRLF (literal data too), so an RFC example
//! with a literal can be pasted in. `$name` (lower-case first letter) in an expected line
//! captures a token the first time and must match it later; in a client line it is
//! replaced by the captured value. `$$` is a literal `$`; `$` before anything else (SEARCHRES
//! `$`, keywords like `$Forwarded`) is literal too.
//! `@append` files are looked up relative to the transcript's folder, then in `fixtures/`
//! of each enclosing folder; bare LF line ends in them become CRLF.
//! Every response is checked by the imap-codec oracle. `LOFT_RUN_SKIPPED=1` runs skipped
//! transcripts too (to see whether the server bug they name is fixed).

use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use tokio::net::TcpStream;

use crate::conn::{TestConn, literal_announcement};
use crate::oracle;
use crate::server::{Backend, TestServer, parse_flags};

/// Connections a transcript may use (C:, C2:, C3:).
pub const MAX_CONNECTIONS: usize = 3;

/// Set this environment variable to run transcripts marked `# skip:` anyway (to check
/// whether the server bug they wait for is fixed).
pub const RUN_SKIPPED_ENV: &str = "LOFT_RUN_SKIPPED";

/// At the end of a transcript, how long to wait for responses nobody expected.
const SETTLE_MILLIS: u64 = 50;

/// How many transcripts `run_all_transcripts` runs at once.
const PARALLEL_TRANSCRIPTS: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Skipped(String),
}

/// The result of a directory of transcripts.
#[derive(Debug, Default)]
pub struct Report {
    pub passed: Vec<PathBuf>,
    pub skipped: Vec<(PathBuf, String)>,
    pub failed: Vec<(PathBuf, String)>,
}

impl Report {
    /// Panic with every failure (all of them, not just the first) when any transcript failed.
    pub fn assert_ok(&self) {
        let total = self.failed.len() + self.passed.len() + self.skipped.len();
        assert!(total > 0, "no transcripts found (a misspelt folder?)");
        for (p, reason) in &self.skipped {
            eprintln!("skipped {}: {reason}", p.display());
        }
        if !self.failed.is_empty() {
            let mut msg = format!("{} of {total} transcripts failed\n", self.failed.len());
            for (p, e) in &self.failed {
                let _ = writeln!(msg, "\n==== {} ====\n{e}", p.display());
            }
            panic!("{msg}");
        }
    }
}

/// Run one transcript on a fresh server. Err holds the dialogue up to the first mismatch.
pub async fn run_transcript(path: &Path) -> Result<Outcome, String> {
    run_transcript_on(Backend::from_env(), path).await
}

/// Run one transcript on a fresh server of the given backend.
pub async fn run_transcript_on(backend: Backend, path: &Path) -> Result<Outcome, String> {
    let source =
        std::fs::read_to_string(path).map_err(|e| format!("read {}: {e}", path.display()))?;
    let script = parse(&source).map_err(|e| format!("{}: {e}", path.display()))?;
    if let Some(reason) = script.skip
        && std::env::var_os(RUN_SKIPPED_ENV).is_none()
    {
        return Ok(Outcome::Skipped(reason));
    }
    let server = TestServer::on(backend, crate::test_config()).await;
    let mut run = Run {
        server: &server,
        path,
        conns: Default::default(),
        caps: HashMap::new(),
        log: String::new(),
    };
    match run.steps(&script.steps).await {
        Ok(()) => Ok(Outcome::Passed),
        Err(e) => Err(format!("{}{e}", run.log)),
    }
}

/// Run every `*.t` below `dir` (recursively), each on its own server, some in parallel.
pub async fn run_all_transcripts(dir: &Path) -> Report {
    run_all_transcripts_on(Backend::from_env(), dir).await
}

/// `run_all_transcripts` on the given backend.
pub async fn run_all_transcripts_on(backend: Backend, dir: &Path) -> Report {
    let mut files = Vec::new();
    collect(dir, &mut files);
    files.sort();
    let mut report = Report::default();
    let sem = Arc::new(tokio::sync::Semaphore::new(PARALLEL_TRANSCRIPTS));
    let mut tasks = Vec::new();
    for f in files {
        let sem = sem.clone();
        let path = f.clone();
        tasks.push((
            f,
            tokio::spawn(async move {
                let _permit = sem.acquire().await;
                run_transcript_on(backend, &path).await
            }),
        ));
    }
    for (path, task) in tasks {
        match task.await {
            Ok(Ok(Outcome::Passed)) => report.passed.push(path),
            Ok(Ok(Outcome::Skipped(r))) => report.skipped.push((path, r)),
            Ok(Err(e)) => report.failed.push((path, e)),
            Err(e) => report.failed.push((path, format!("runner panicked: {e}"))),
        }
    }
    report
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "t") {
            out.push(p);
        }
    }
}

// ---------------------------------------------------------------- parsing

#[derive(Debug, Clone)]
enum Step {
    User {
        name: String,
        password: String,
    },
    Append {
        user: String,
        mailbox: String,
        file: String,
        flags: String,
        date: Option<String>,
    },
    Create {
        user: String,
        mailbox: String,
    },
    Sleep(u64),
    Closed(usize),
    Client {
        conn: usize,
        line: String,
    },
    ClientRaw {
        conn: usize,
        bytes: Vec<u8>,
    },
    Server {
        conn: usize,
        expect: String,
    },
    Skip {
        conn: usize,
    },
    Unordered {
        conn: usize,
        expect: Vec<String>,
    },
}

struct Line {
    no: usize,
    step: Step,
}

struct ParsedScript {
    skip: Option<String>,
    steps: Vec<Line>,
}

impl std::fmt::Debug for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {:?}", self.no, self.step)
    }
}

fn parse(source: &str) -> Result<ParsedScript, String> {
    let mut steps: Vec<Line> = Vec::new();
    let mut skip = None;
    for (i, raw) in source.lines().enumerate() {
        let no = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(c) = line.strip_prefix('#') {
            if steps.is_empty()
                && let Some(reason) = c.trim().strip_prefix("skip:")
            {
                skip = Some(reason.trim().to_string());
            }
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        if let Some(d) = line.strip_prefix('@') {
            steps.push(Line {
                no,
                step: directive(d).map_err(|e| format!("line {no}: {e}"))?,
            });
            continue;
        }
        let Some((prefix, rest)) = line.split_once(':') else {
            return Err(format!(
                "line {no}: expected C:, S:, @ or # but got {line:?}"
            ));
        };
        let content = rest.strip_prefix(' ').unwrap_or(rest).to_string();
        let (side, tail) = prefix.split_at(1.min(prefix.len()));
        let (digits, kind) = match tail.find(|c: char| !c.is_ascii_digit()) {
            Some(k) => tail.split_at(k),
            None => (tail, ""),
        };
        let conn = if digits.is_empty() {
            0
        } else {
            digits.parse::<usize>().map_err(|e| e.to_string())? - 1
        };
        if conn >= MAX_CONNECTIONS {
            return Err(format!("line {no}: at most {MAX_CONNECTIONS} connections"));
        }
        let step = match (side, kind) {
            ("C", "") => Step::Client {
                conn,
                line: content,
            },
            ("C", "raw") => Step::ClientRaw {
                conn,
                bytes: unescape(&content).map_err(|e| format!("line {no}: {e}"))?,
            },
            ("S", "") if content == "..." => Step::Skip { conn },
            ("S", "") => Step::Server {
                conn,
                expect: content,
            },
            ("S", "*") => {
                if let Some(Line {
                    step: Step::Unordered { conn: c, expect },
                    ..
                }) = steps.last_mut()
                    && *c == conn
                {
                    expect.push(content);
                    continue;
                }
                Step::Unordered {
                    conn,
                    expect: vec![content],
                }
            }
            _ => return Err(format!("line {no}: unknown line kind {prefix:?}")),
        };
        steps.push(Line { no, step });
    }
    Ok(ParsedScript { skip, steps })
}

fn directive(d: &str) -> Result<Step, String> {
    let words = tokenize(d)?;
    let arg = |i: usize| {
        words
            .get(i)
            .cloned()
            .ok_or_else(|| format!("@{d}: missing argument {i}"))
    };
    match words.first().map(String::as_str) {
        Some("user") => Ok(Step::User {
            name: arg(1)?,
            password: arg(2)?,
        }),
        Some("create") => Ok(Step::Create {
            user: arg(1)?,
            mailbox: arg(2)?,
        }),
        Some("sleep") => Ok(Step::Sleep(
            arg(1)?.parse().map_err(|e| format!("@sleep: {e}"))?,
        )),
        Some("closed") => {
            let n = match words.get(1) {
                Some(n) => n.parse::<usize>().map_err(|e| format!("@closed: {e}"))?,
                None => 1,
            };
            if n == 0 || n > MAX_CONNECTIONS {
                return Err(format!("@closed: no connection {n}"));
            }
            Ok(Step::Closed(n - 1))
        }
        Some("append") => {
            let mut flags = String::new();
            let mut date = None;
            for opt in words.iter().skip(4) {
                if let Some(f) = opt.strip_prefix("flags=") {
                    flags = f.to_string();
                } else if let Some(v) = opt.strip_prefix("date=") {
                    date = Some(v.to_string());
                } else {
                    return Err(format!("@append: unknown option {opt:?}"));
                }
            }
            Ok(Step::Append {
                user: arg(1)?,
                mailbox: arg(2)?,
                file: arg(3)?,
                flags,
                date,
            })
        }
        _ => Err(format!("unknown directive @{d}")),
    }
}

/// Split on spaces; `"..."` groups (also inside a word: `date="1 Jan"`), `\"` escapes.
fn tokenize(s: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => cur.push(chars.next().ok_or("dangling backslash")?),
                        Some(c) => cur.push(c),
                        None => return Err(format!("unterminated quote in {s:?}")),
                    }
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    Ok(out)
}

fn unescape(s: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            match b[i + 1] {
                b'r' => out.push(b'\r'),
                b'n' => out.push(b'\n'),
                b't' => out.push(b'\t'),
                b'\\' => out.push(b'\\'),
                b'x' => {
                    let hex = s.get(i + 2..i + 4).ok_or("short \\x escape")?;
                    out.push(u8::from_str_radix(hex, 16).map_err(|e| format!("\\x{hex}: {e}"))?);
                    i += 4;
                    continue;
                }
                other => return Err(format!("unknown escape \\{}", other as char)),
            }
            i += 2;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- running

#[derive(Default)]
struct ConnState {
    conn: Option<TestConn>,
    /// Lines read but not yet matched: (text, starts a response).
    pending: VecDeque<(String, bool)>,
    /// Bytes of client literal data still to come.
    literal_left: usize,
    /// A synchronizing literal was announced; the `+` has not been matched yet.
    awaiting_continuation: bool,
    /// `S: ...` seen: untagged responses may be skipped before the next expected line.
    skipping: bool,
    /// The first response has been read (it is the greeting).
    greeted: bool,
}

struct Run<'a> {
    server: &'a TestServer,
    path: &'a Path,
    conns: [ConnState; MAX_CONNECTIONS],
    caps: HashMap<String, String>,
    log: String,
}

fn label(side: &str, conn: usize) -> String {
    if conn == 0 {
        format!("{side}:")
    } else {
        format!("{side}{}:", conn + 1)
    }
}

impl Run<'_> {
    async fn steps(&mut self, steps: &[Line]) -> Result<(), String> {
        for (i, line) in steps.iter().enumerate() {
            self.step(line, steps.get(i + 1..).unwrap_or(&[]))
                .await
                .map_err(|e| format!(">> line {}: {e}\n", line.no))?;
        }
        // Anything already sent but never expected is a mismatch too.
        for c in 0..MAX_CONNECTIONS {
            if self.conns[c].conn.is_none() {
                continue;
            }
            self.drain_ready(c).await?;
            if let Some((l, _)) = self.conns[c].pending.front() {
                return Err(format!(
                    ">> end of transcript: unexpected {} {l}\n",
                    label("S", c)
                ));
            }
        }
        Ok(())
    }

    async fn step(&mut self, line: &Line, rest: &[Line]) -> Result<(), String> {
        match &line.step {
            Step::User { name, password } => {
                self.server.add_user(name, password).await;
            }
            Step::Create { user, mailbox } => self.server.create_mailbox(user, mailbox, None).await,
            Step::Append {
                user,
                mailbox,
                file,
                flags,
                date,
            } => {
                let content = self.fixture(file)?;
                let date = date.as_deref().map(parse_date).transpose()?;
                self.server
                    .append_with(user, mailbox, content, parse_flags(flags), date)
                    .await;
            }
            Step::Sleep(ms) => tokio::time::sleep(Duration::from_millis(*ms)).await,
            Step::Closed(c) => self.expect_closed(*c).await?,
            Step::Client { conn, line } => {
                let c = *conn;
                self.open(c, false).await?;
                let line = self.substitute(line)?;
                let _ = writeln!(self.log, "   {} {line}", label("C", c));
                let mut bytes = line.into_bytes();
                bytes.extend_from_slice(b"\r\n");
                self.send_client(c, bytes, rest).await?;
            }
            Step::ClientRaw { conn, bytes } => {
                let c = *conn;
                self.open(c, false).await?;
                let _ = writeln!(
                    self.log,
                    "   {} {}",
                    label("Craw", c),
                    oracle::escape(bytes)
                );
                self.conn(c)?.send_raw(bytes).await;
            }
            Step::Skip { conn } => {
                self.open(*conn, true).await?;
                let _ = writeln!(self.log, "   {} ...", label("S", *conn));
                self.conns[*conn].skipping = true;
            }
            Step::Server { conn, expect } => {
                self.open(*conn, true).await?;
                self.expect_line(*conn, expect).await?;
            }
            Step::Unordered { conn, expect } => {
                self.open(*conn, true).await?;
                self.expect_unordered(*conn, expect).await?;
            }
        }
        Ok(())
    }

    fn conn(&mut self, c: usize) -> Result<&mut TestConn, String> {
        self.conns[c]
            .conn
            .as_mut()
            .ok_or_else(|| "connection not open".to_string())
    }

    /// Open connection `c` if needed; the greeting is matched when the first line is S:.
    async fn open(&mut self, c: usize, first_is_server: bool) -> Result<(), String> {
        if self.conns[c].conn.is_some() {
            return Ok(());
        }
        let stream = TcpStream::connect(self.server.addr())
            .await
            .map_err(|e| format!("connect: {e}"))?;
        self.conns[c].conn = Some(TestConn::without_greeting(stream));
        let _ = writeln!(self.log, "   -- connection {} opened", c + 1);
        self.fill(c).await?;
        if !first_is_server {
            let greeting: Vec<_> = self.conns[c].pending.drain(..).collect();
            for (l, _) in greeting {
                let _ = writeln!(self.log, "   {} {l}", label("S", c));
            }
        }
        Ok(())
    }

    /// Send client bytes, tracking literals announced at the end of a line.
    async fn send_client(&mut self, c: usize, bytes: Vec<u8>, rest: &[Line]) -> Result<(), String> {
        let st = &mut self.conns[c];
        if st.awaiting_continuation {
            return Err(format!(
                "transcript error: a synchronizing literal needs an `{} + ...` line before more client data",
                label("S", c)
            ));
        }
        let command_part = if st.literal_left >= bytes.len() {
            st.literal_left -= bytes.len();
            None
        } else {
            let tail = bytes[st.literal_left..].to_vec();
            st.literal_left = 0;
            Some(tail)
        };
        if let Some(tail) = command_part
            && let Some((n, is_sync)) = literal_announcement(&tail)
        {
            st.literal_left = n;
            if is_sync {
                st.awaiting_continuation = true;
                let next_is_plus = rest.iter().find_map(|l| match &l.step {
                    Step::Server { conn, .. }
                    | Step::Skip { conn }
                    | Step::Unordered { conn, .. }
                        if *conn == c =>
                    {
                        Some(true)
                    }
                    Step::Client { conn, .. } | Step::ClientRaw { conn, .. } if *conn == c => {
                        Some(false)
                    }
                    _ => None,
                });
                let next_is_plus = next_is_plus.filter(|&is_server| is_server);
                if next_is_plus.is_none() {
                    return Err(format!(
                        "transcript error: synchronizing literal {{{n}}} must be followed by `{} + ...` \
                         (or by the tagged response that refuses it)",
                        label("S", c)
                    ));
                }
            }
        }
        self.conn(c)?.send_raw(&bytes).await;
        Ok(())
    }

    /// Read one more response into `pending` (waiting up to the connection's timeout).
    async fn fill(&mut self, c: usize) -> Result<(), String> {
        let raw = self.conn(c)?.next_raw().await;
        let left = self.conns[c].literal_left;
        let raw = raw.map_err(|e| {
            let hint = if left > 0 {
                format!(" (the server still waits for {left} bytes of a client literal: check its {{n}})")
            } else {
                String::new()
            };
            format!("{} {e}{hint}", label("S", c))
        })?;
        self.push_response(c, raw)
    }

    /// Move responses that arrive within `SETTLE_MILLIS` into `pending`.
    async fn drain_ready(&mut self, c: usize) -> Result<(), String> {
        loop {
            let Some(conn) = self.conns[c].conn.as_mut() else {
                return Ok(());
            };
            match conn
                .next_raw_within(Duration::from_millis(SETTLE_MILLIS))
                .await
            {
                Ok(raw) => self.push_response(c, raw)?,
                Err(_) => return Ok(()),
            }
        }
    }

    fn push_response(&mut self, c: usize, raw: Vec<u8>) -> Result<(), String> {
        let st = &mut self.conns[c];
        let checked = if st.greeted {
            oracle::check_response(&raw)
        } else {
            oracle::check_greeting(&raw)
        };
        st.greeted = true;
        if let Err(e) = checked {
            let _ = writeln!(self.log, "!! {} {}", label("S", c), oracle::escape(&raw));
            return Err(format!("oracle: {e}"));
        }
        let body = raw.strip_suffix(b"\r\n").unwrap_or(&raw);
        let text = String::from_utf8_lossy(body);
        for (i, l) in text.split("\r\n").enumerate() {
            st.pending.push_back((l.to_string(), i == 0));
        }
        Ok(())
    }

    async fn next_line(&mut self, c: usize) -> Result<(String, bool), String> {
        if self.conns[c].pending.is_empty() {
            self.fill(c).await?;
        }
        self.conns[c]
            .pending
            .pop_front()
            .ok_or_else(|| "no line".to_string())
    }

    /// Drop the rest of the response whose first line was just taken.
    fn discard_rest_of_response(&mut self, c: usize) {
        let st = &mut self.conns[c];
        while st.pending.front().is_some_and(|(_, first)| !first) {
            if let Some((l, _)) = st.pending.pop_front() {
                let _ = writeln!(self.log, "   {} {l}   (skipped)", label("S", c));
            }
        }
    }

    async fn expect_line(&mut self, c: usize, expect: &str) -> Result<(), String> {
        loop {
            let (actual, first) = self.next_line(c).await?;
            if let Some(new) = match_line(expect, &actual, &self.caps) {
                self.caps.extend(new);
                let _ = writeln!(self.log, "   {} {actual}", label("S", c));
                let st = &mut self.conns[c];
                st.skipping = false;
                if st.awaiting_continuation && !actual.starts_with('+') && !actual.starts_with('*')
                {
                    // RFC 9051 §7.5: instead of "+" the server may refuse the literal with
                    // the command's tagged response; its data is then never sent.
                    st.literal_left = 0;
                }
                if !actual.starts_with('*') {
                    st.awaiting_continuation = false;
                }
                return Ok(());
            }
            if self.conns[c].skipping && first && actual.starts_with("* ") {
                let _ = writeln!(self.log, "   {} {actual}   (skipped)", label("S", c));
                self.discard_rest_of_response(c);
                continue;
            }
            return Err(mismatch(c, expect, &actual));
        }
    }

    async fn expect_unordered(&mut self, c: usize, expect: &[String]) -> Result<(), String> {
        let mut left: Vec<&String> = expect.iter().collect();
        while !left.is_empty() {
            let (actual, first) = self.next_line(c).await?;
            let hit = left
                .iter()
                .enumerate()
                .find_map(|(i, e)| match_line(e, &actual, &self.caps).map(|n| (i, n)));
            if let Some((i, new)) = hit {
                self.caps.extend(new);
                left.remove(i);
                let _ = writeln!(self.log, "   {} {actual}", label("S*", c));
                continue;
            }
            if self.conns[c].skipping && first && actual.starts_with("* ") {
                let _ = writeln!(self.log, "   {} {actual}   (skipped)", label("S", c));
                self.discard_rest_of_response(c);
                continue;
            }
            let wanted: Vec<String> = left.iter().map(|s| s.to_string()).collect();
            return Err(format!(
                "{} expected one of (any order):\n{}\n   actual: {actual}\n",
                label("S*", c),
                wanted
                    .iter()
                    .map(|w| format!("     {w}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
        self.conns[c].skipping = false;
        Ok(())
    }

    async fn expect_closed(&mut self, c: usize) -> Result<(), String> {
        if let Some((l, _)) = self.conns[c].pending.pop_front() {
            return Err(format!(
                "expected connection {} closed, but the server sent: {l}",
                c + 1
            ));
        }
        match self.conn(c)?.next_raw().await {
            Err(e) if e == "connection closed" => {
                let _ = writeln!(self.log, "   -- connection {} closed by the server", c + 1);
                Ok(())
            }
            Err(e) => Err(format!("expected connection {} closed: {e}", c + 1)),
            Ok(raw) => Err(format!(
                "expected connection {} closed, but the server sent: {}",
                c + 1,
                oracle::escape(&raw)
            )),
        }
    }

    /// Replace `$name` with captured values and `$$` with `$` in a client line.
    fn substitute(&self, line: &str) -> Result<String, String> {
        let mut out = String::new();
        for seg in segments(line) {
            match seg {
                Seg::Text(t) => out.push_str(&t),
                Seg::Capture(name) => match self.caps.get(&name) {
                    Some(v) => out.push_str(v),
                    None => {
                        return Err(format!(
                            "${name} used before it was captured (write $$ for a literal $)"
                        ));
                    }
                },
            }
        }
        Ok(out)
    }

    fn fixture(&self, file: &str) -> Result<Vec<u8>, String> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let mut candidates = vec![dir.join(file)];
        for a in dir.ancestors() {
            candidates.push(a.join(file));
            candidates.push(a.join("fixtures").join(file));
        }
        let found = candidates
            .iter()
            .find(|p| p.is_file())
            .ok_or_else(|| format!("fixture {file:?} not found"))?;
        let bytes = std::fs::read(found).map_err(|e| format!("read {}: {e}", found.display()))?;
        Ok(crlf(&bytes))
    }
}

fn mismatch(c: usize, expect: &str, actual: &str) -> String {
    format!(
        "{} expected: {expect}\n   actual:   {actual}\n",
        label("S", c)
    )
}

/// Bare LF line ends become CRLF (fixtures are stored with LF; IMAP messages use CRLF).
pub fn crlf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 40);
    let mut prev = 0u8;
    for &b in bytes {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    out
}

fn parse_date(s: &str) -> Result<DateTime<FixedOffset>, String> {
    DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s.trim(), "%d-%b-%Y %H:%M:%S %z"))
        .map_err(|e| format!("date {s:?}: {e} (use RFC 3339 or \"17-Jul-1996 02:44:25 -0700\")"))
}

// ---------------------------------------------------------------- matching

#[derive(Debug, PartialEq)]
enum Seg {
    Text(String),
    Capture(String),
}

/// Split a transcript line into literal text and `$name` captures.
fn segments(s: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            text.push(c);
            continue;
        }
        match chars.peek() {
            Some('$') => {
                chars.next();
                text.push('$');
            }
            Some(n) if n.is_ascii_lowercase() => {
                let mut name = String::new();
                while let Some(&n) = chars.peek() {
                    if n.is_ascii_lowercase() || n.is_ascii_digit() || n == '_' {
                        name.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                if !text.is_empty() {
                    out.push(Seg::Text(std::mem::take(&mut text)));
                }
                out.push(Seg::Capture(name));
            }
            _ => text.push('$'),
        }
    }
    if !text.is_empty() {
        out.push(Seg::Text(text));
    }
    out
}

fn is_token_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, '(' | ')' | '[' | ']' | '{' | '}' | '<' | '>' | '"')
}

/// Match an expected line against an actual one: exact, except a final `~` (any rest) and
/// `$name` captures. Returns the new captures on a match.
fn match_line(
    expected: &str,
    actual: &str,
    caps: &HashMap<String, String>,
) -> Option<Vec<(String, String)>> {
    let (pattern, any_rest) = match expected.strip_suffix('~') {
        Some(p) => (p, true),
        None => (expected, false),
    };
    let mut new: Vec<(String, String)> = Vec::new();
    let mut pos = 0;
    for seg in segments(pattern) {
        let rest = &actual[pos..];
        match seg {
            Seg::Text(t) => {
                if !rest.starts_with(&t) {
                    return None;
                }
                pos += t.len();
            }
            Seg::Capture(name) => {
                let known = caps
                    .get(&name)
                    .or_else(|| new.iter().find(|(n, _)| *n == name).map(|(_, v)| v));
                if let Some(v) = known {
                    if !rest.starts_with(v.as_str()) {
                        return None;
                    }
                    pos += v.len();
                } else {
                    let len = rest.find(|c: char| !is_token_char(c)).unwrap_or(rest.len());
                    if len == 0 {
                        return None;
                    }
                    new.push((name, rest[..len].to_string()));
                    pos += len;
                }
            }
        }
    }
    (any_rest || pos == actual.len()).then_some(new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(e: &str, a: &str) -> Option<Vec<(String, String)>> {
        match_line(e, a, &HashMap::new())
    }

    #[test]
    fn exact_tilde_and_captures() {
        assert!(m("a1 OK done", "a1 OK done").is_some());
        assert!(m("a1 OK done", "a1 OK done!").is_none());
        assert!(m("a1 OK ~", "a1 OK LOGIN completed").is_some());
        assert!(m("a1 OK ~", "a1 NO nope").is_none());
        assert_eq!(
            m(
                "* OK [UIDVALIDITY $uv] ~",
                "* OK [UIDVALIDITY 1234] UIDs valid"
            ),
            Some(vec![("uv".into(), "1234".into())])
        );
        let mut caps = HashMap::new();
        caps.insert("uv".to_string(), "1234".to_string());
        assert!(
            match_line(
                "a OK [APPENDUID $uv 1] x",
                "a OK [APPENDUID 1234 1] x",
                &caps
            )
            .is_some()
        );
        assert!(
            match_line(
                "a OK [APPENDUID $uv 1] x",
                "a OK [APPENDUID 999 1] x",
                &caps
            )
            .is_none()
        );
        assert!(m("* FLAGS (\\Seen $Forwarded)", "* FLAGS (\\Seen $Forwarded)").is_some());
        assert!(m("a FETCH $ (FLAGS)", "a FETCH $ (FLAGS)").is_some());
        assert!(m("* 1 FETCH (BINARY[] ~{3}", "* 1 FETCH (BINARY[] ~{3}").is_some());
        assert!(m("x $$label", "x $label").is_some());
        assert!(m("$a $a", "1 1").is_some());
        assert!(m("$a $a", "1 2").is_none());
    }

    #[test]
    fn parse_lines() {
        let s = parse("# skip: not yet\n@user alice secret\nC: a1 NOOP\nS: ...\nS*: * 1 EXISTS\nS*: * 0 RECENT\nS2: a1 OK ~\nCraw: a\\x00\\r\\n\n").unwrap();
        assert_eq!(s.skip.as_deref(), Some("not yet"));
        assert_eq!(s.steps.len(), 6);
        assert!(matches!(&s.steps[3].step, Step::Unordered { expect, .. } if expect.len() == 2));
        assert!(matches!(&s.steps[4].step, Step::Server { conn: 1, .. }));
        assert!(matches!(&s.steps[5].step, Step::ClientRaw { bytes, .. } if bytes == b"a\x00\r\n"));
        assert!(parse("X: nope").is_err());
        assert!(parse("C4: a").is_err());
    }

    #[test]
    fn tokenize_quotes() {
        assert_eq!(
            tokenize(r#"append alice "My Box" f.eml date="17-Jul-1996 02:44:25 -0700""#).unwrap(),
            vec![
                "append",
                "alice",
                "My Box",
                "f.eml",
                "date=17-Jul-1996 02:44:25 -0700"
            ]
        );
        assert!(parse_date("17-Jul-1996 02:44:25 -0700").is_ok());
        assert!(parse_date("2024-01-02T03:04:05+01:00").is_ok());
    }

    #[test]
    fn crlf_normalises() {
        assert_eq!(crlf(b"a\nb\r\nc\n"), b"a\r\nb\r\nc\r\n");
    }
}
