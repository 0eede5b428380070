//! `TestConn`: a tiny IMAP client for command tests (the mox style): `tc.ok("SELECT INBOX")`
//! sends a tagged command, asserts a tagged OK and returns the untagged responses.
//! Every response read is checked by the imap-codec oracle.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::oracle;

/// How long a test waits for a response before it fails.
pub const RESPONSE_TIMEOUT_SECS: u64 = 10;

/// A literal longer than this in a response fails the test instead of being buffered.
const MAX_TEST_LITERAL_BYTES: usize = 256 * 1024 * 1024;

/// What the reader task delivers: one complete response (all its lines and literals, with
/// the final CRLF), or why the stream ended.
pub type RawResponse = Result<Vec<u8>, String>;

pub struct TestConn {
    writer: OwnedWriteHalf,
    responses: mpsc::UnboundedReceiver<RawResponse>,
    reader: JoinHandle<()>,
    next_tag: u32,
    /// The greeting, without its CRLF.
    pub greeting: String,
    /// Untagged responses of the last `command`/`ok`/`no`/`bad`.
    pub last_untagged: Vec<String>,
    pub timeout: Duration,
    idle_tag: Option<String>,
}

/// The outcome of one tagged command.
#[derive(Debug, Clone)]
pub struct Reply {
    pub untagged: Vec<String>,
    /// The tagged status line without the tag: `OK [READ-WRITE] SELECT completed`.
    pub tagged: String,
}

impl Reply {
    /// `OK`, `NO` or `BAD`.
    pub fn status(&self) -> &str {
        self.tagged.split(' ').next().unwrap_or("")
    }
}

impl TestConn {
    /// Connect, read and oracle-check the greeting.
    pub async fn connect(addr: SocketAddr) -> TestConn {
        let stream = TcpStream::connect(addr)
            .await
            .unwrap_or_else(|e| panic!("connect to {addr}: {e}"));
        let mut tc = TestConn::without_greeting(stream);
        let raw = tc
            .next_raw()
            .await
            .unwrap_or_else(|e| panic!("reading the greeting: {e}"));
        if let Err(e) = oracle::check_greeting(&raw) {
            panic!("{e}");
        }
        tc.greeting = text(&raw);
        tc
    }

    /// Wrap a connected stream whose greeting has not been read (the transcript runner
    /// matches the greeting itself).
    pub fn without_greeting(stream: TcpStream) -> TestConn {
        let (r, w) = stream.into_split();
        let (tx, rx) = mpsc::unbounded_channel();
        let reader = tokio::spawn(read_responses(r, tx));
        TestConn {
            writer: w,
            responses: rx,
            reader,
            next_tag: 1,
            greeting: String::new(),
            last_untagged: Vec::new(),
            timeout: Duration::from_secs(RESPONSE_TIMEOUT_SECS),
            idle_tag: None,
        }
    }

    /// Send one line; CRLF is appended.
    pub async fn send(&mut self, line: &str) {
        let mut bytes = line.as_bytes().to_vec();
        bytes.extend_from_slice(b"\r\n");
        self.send_raw(&bytes).await;
    }

    /// Send bytes as they are.
    pub async fn send_raw(&mut self, bytes: &[u8]) {
        if let Err(e) = self.writer.write_all(bytes).await {
            panic!("send {}: {e}", oracle::escape(bytes));
        }
    }

    /// The next complete response, unchecked; Err when the server closed the connection or
    /// nothing came within `self.timeout`.
    pub async fn next_raw(&mut self) -> RawResponse {
        self.next_raw_within(self.timeout).await
    }

    pub async fn next_raw_within(&mut self, timeout: Duration) -> RawResponse {
        match tokio::time::timeout(timeout, self.responses.recv()).await {
            Ok(Some(r)) => r,
            Ok(None) => Err("connection closed".into()),
            Err(_) => Err(format!("no response within {} ms", timeout.as_millis())),
        }
    }

    /// A response that has already arrived, if any (no waiting).
    pub fn try_next_raw(&mut self) -> Option<RawResponse> {
        self.responses.try_recv().ok()
    }

    /// The next response, oracle-checked, as text without its final CRLF. Panics on
    /// timeout or end of stream.
    pub async fn read_response(&mut self) -> String {
        let raw = self
            .next_raw()
            .await
            .unwrap_or_else(|e| panic!("reading a response: {e}"));
        if let Err(e) = oracle::check_response(&raw) {
            panic!("{e}");
        }
        text(&raw)
    }

    /// A fresh tag: `t1`, `t2`, ...
    pub fn tag(&mut self) -> String {
        let t = format!("t{}", self.next_tag);
        self.next_tag += 1;
        t
    }

    /// Send `TAG cmd` and read until the tagged response.
    pub async fn command(&mut self, cmd: &str) -> Reply {
        let tag = self.tag();
        self.send(&format!("{tag} {cmd}")).await;
        self.finish(&tag, cmd).await
    }

    /// Read responses until the one tagged `tag`.
    pub async fn finish(&mut self, tag: &str, cmd: &str) -> Reply {
        let prefix = format!("{tag} ");
        let mut untagged = Vec::new();
        loop {
            let r = self.read_response().await;
            if let Some(rest) = r.strip_prefix(&prefix) {
                self.last_untagged = untagged.clone();
                return Reply {
                    untagged,
                    tagged: rest.to_string(),
                };
            }
            if r.starts_with('+') {
                panic!("unexpected continuation request {r:?} for {cmd:?}");
            }
            untagged.push(r);
        }
    }

    /// Run a command that must succeed; returns the untagged responses.
    pub async fn ok(&mut self, cmd: &str) -> Vec<String> {
        self.expect_status(cmd, "OK").await
    }

    /// Run a command that must be refused with NO; returns the untagged responses.
    pub async fn no(&mut self, cmd: &str) -> Vec<String> {
        self.expect_status(cmd, "NO").await
    }

    /// Run a command that must be rejected with BAD; returns the untagged responses.
    pub async fn bad(&mut self, cmd: &str) -> Vec<String> {
        self.expect_status(cmd, "BAD").await
    }

    async fn expect_status(&mut self, cmd: &str, status: &str) -> Vec<String> {
        let reply = self.command(cmd).await;
        if reply.status() != status {
            panic!(
                "{cmd:?}: expected {status}, got {:?}\nuntagged: {:#?}",
                reply.tagged, reply.untagged
            );
        }
        reply.untagged
    }

    /// Assert that some untagged response of the last command contains `needle`.
    pub fn untagged_contains(&self, needle: &str) {
        assert_contains(&self.last_untagged, needle);
    }

    /// Assert that no untagged response of the last command contains `needle`.
    pub fn untagged_lacks(&self, needle: &str) {
        if let Some(r) = self.last_untagged.iter().find(|r| r.contains(needle)) {
            panic!("no untagged response should contain {needle:?}, but {r:?} does");
        }
    }

    pub async fn login(&mut self, user: &str, password: &str) {
        self.ok(&format!("LOGIN {} {}", quote(user), quote(password)))
            .await;
    }

    /// Send IDLE and wait for the continuation request; returns the IDLE tag.
    pub async fn idle_start(&mut self) -> String {
        let tag = self.tag();
        self.send(&format!("{tag} IDLE")).await;
        let r = self.read_response().await;
        if !r.starts_with('+') {
            panic!("IDLE: expected a continuation request, got {r:?}");
        }
        self.idle_tag = Some(tag.clone());
        tag
    }

    /// Wait for an untagged response containing `pattern` during IDLE; returns it. Other
    /// responses before it are skipped.
    pub async fn idle_wait(&mut self, pattern: &str, timeout: Duration) -> String {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let raw = self
                .next_raw_within(left)
                .await
                .unwrap_or_else(|e| panic!("waiting during IDLE for {pattern:?}: {e}"));
            if let Err(e) = oracle::check_response(&raw) {
                panic!("{e}");
            }
            let r = text(&raw);
            if r.contains(pattern) {
                return r;
            }
        }
    }

    /// Send DONE and read until the IDLE's tagged OK; returns the untagged responses.
    pub async fn idle_done(&mut self) -> Vec<String> {
        let tag = self.idle_tag.take().expect("idle_done without idle_start");
        self.send("DONE").await;
        let reply = self.finish(&tag, "IDLE").await;
        if reply.status() != "OK" {
            panic!("IDLE: expected OK after DONE, got {:?}", reply.tagged);
        }
        reply.untagged
    }

    /// Wait until the server closes the connection; responses before that are returned.
    pub async fn expect_closed(&mut self) -> Vec<String> {
        let mut seen = Vec::new();
        loop {
            match self.next_raw().await {
                Ok(raw) => seen.push(text(&raw)),
                Err(e) if e == "connection closed" => return seen,
                Err(e) => panic!("expected the server to close the connection: {e}; saw {seen:?}"),
            }
        }
    }
}

impl Drop for TestConn {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// Assert that some response in `responses` contains `needle`.
pub fn assert_contains(responses: &[String], needle: &str) {
    if !responses.iter().any(|r| r.contains(needle)) {
        panic!(
            "no response contains {needle:?}; got:\n{}",
            responses.join("\n")
        );
    }
}

/// An IMAP quoted string (RFC 9051 §4.3).
pub fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            q.push('\\');
        }
        q.push(c);
    }
    q.push('"');
    q
}

/// A response as text (lossy), without the final CRLF.
pub fn text(raw: &[u8]) -> String {
    let trimmed = raw.strip_suffix(b"\r\n").unwrap_or(raw);
    String::from_utf8_lossy(trimmed).into_owned()
}

/// Read complete responses: a line; when it ends in a literal announcement (`{n}`, `{n+}`
/// or literal8 `~{n}`), the n bytes and the rest of the response after them.
async fn read_responses(r: OwnedReadHalf, tx: mpsc::UnboundedSender<RawResponse>) {
    let mut r = BufReader::new(r);
    loop {
        let mut response = Vec::new();
        loop {
            let start = response.len();
            match r.read_until(b'\n', &mut response).await {
                Ok(0) => {
                    if !response.is_empty() {
                        let _ = tx.send(Err(format!(
                            "connection closed inside a response: {}",
                            oracle::escape(&response)
                        )));
                    }
                    return;
                }
                Ok(_) => {}
                Err(e) => {
                    let _ = tx.send(Err(format!("read error: {e}")));
                    return;
                }
            }
            let Some(n) = literal_len(&response[start..]) else {
                break;
            };
            if n > MAX_TEST_LITERAL_BYTES {
                let _ = tx.send(Err(format!("literal of {n} bytes announced")));
                return;
            }
            let mut data = vec![0; n];
            if let Err(e) = r.read_exact(&mut data).await {
                let _ = tx.send(Err(format!("reading a literal of {n} bytes: {e}")));
                return;
            }
            response.extend_from_slice(&data);
        }
        if tx.send(Ok(response)).is_err() {
            return;
        }
    }
}

/// `{n}`, `{n+}` (or literal8 `~{n}`) at the end of a line, CRLF optional: n.
pub fn literal_len(line: &[u8]) -> Option<usize> {
    literal_announcement(line).map(|(n, _)| n)
}

/// The length of the literal announced at the end of `line` and whether it is
/// synchronizing (`{n}`, true) or not (`{n+}`, RFC 7888).
pub fn literal_announcement(line: &[u8]) -> Option<(usize, bool)> {
    let line = line
        .strip_suffix(b"\r\n")
        .or_else(|| line.strip_suffix(b"\n"))
        .unwrap_or(line);
    let line = line.strip_suffix(b"}")?;
    let (line, is_sync) = match line.strip_suffix(b"+") {
        Some(l) => (l, false),
        None => (line, true),
    };
    let open = line.iter().rposition(|&b| b == b'{')?;
    let digits = &line[open + 1..];
    if digits.is_empty() || digits.len() > 10 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = std::str::from_utf8(digits).ok()?.parse().ok()?;
    Some((n, is_sync))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_announcements() {
        assert_eq!(
            literal_announcement(b"* 1 FETCH (BODY[] {30}\r\n"),
            Some((30, true))
        );
        assert_eq!(
            literal_announcement(b"a1 APPEND INBOX {5+}"),
            Some((5, false))
        );
        assert_eq!(
            literal_announcement(b"* 1 FETCH (BINARY[] ~{0}\r\n"),
            Some((0, true))
        );
        assert_eq!(literal_announcement(b"* OK {x}\r\n"), None);
        assert_eq!(literal_announcement(b"* OK {}\r\n"), None);
        assert_eq!(literal_announcement(b"* OK done\r\n"), None);
    }

    #[test]
    fn quoting() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
    }
}
