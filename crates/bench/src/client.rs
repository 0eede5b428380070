//! A small IMAP client for benchmarking (RFC 9051 / RFC 3501 wire syntax): one tagged
//! command at a time or pipelined APPENDs with LITERAL+ (RFC 7888), literals in server
//! responses read by their announced length (RFC 9051 §4.3), implicit TLS with a verifier
//! that accepts any certificate (benchmarks run against self-signed test servers).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use tokio::io::{
    AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, ReadHalf,
    WriteHalf,
};
use tokio::net::TcpStream;

pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// Where and as whom to connect.
#[derive(Debug, Clone)]
pub struct Target {
    /// A label for the results ("loft", "dovecot").
    pub name: String,
    /// host:port of IMAP.
    pub addr: String,
    /// Implicit TLS (any certificate accepted).
    pub tls: bool,
    pub user: String,
    pub password: String,
}

/// Open a TCP connection, with implicit TLS when asked.
pub async fn connect(addr: &str, tls: bool) -> anyhow::Result<Box<dyn Stream>> {
    let tcp = TcpStream::connect(addr)
        .await
        .with_context(|| format!("connect to {addr}"))?;
    tcp.set_nodelay(true)?;
    if !tls {
        return Ok(Box::new(tcp));
    }
    let config = rustls::ClientConfig::builder()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AcceptAnyCert::new()))
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let host = addr
        .rsplit_once(':')
        .map(|(h, _)| h)
        .unwrap_or(addr)
        .trim_matches(['[', ']']);
    let name =
        rustls_pki_types::ServerName::try_from(host.to_string()).context("server name for TLS")?;
    Ok(Box::new(
        connector
            .connect(name, tcp)
            .await
            .context("TLS handshake")?,
    ))
}

/// The tagged result of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    No,
    Bad,
}

#[derive(Debug, Default)]
pub struct Reply {
    pub status: Option<Status>,
    /// The tagged line after the status word.
    pub text: String,
    /// Untagged responses (each with its literals inline), when kept.
    pub untagged: Vec<Vec<u8>>,
    /// How many untagged responses came, kept or not.
    pub untagged_count: usize,
    pub bytes: usize,
}

impl Reply {
    pub fn ok(&self) -> bool {
        self.status == Some(Status::Ok)
    }

    /// Numbers of `* SEARCH n n n` / `* SORT n n` (and `* ESEARCH ... ALL` is not asked for).
    pub fn numbers(&self, keyword: &str) -> Vec<u32> {
        let prefix = format!("* {keyword}");
        let mut out = Vec::new();
        for u in &self.untagged {
            if let Some(rest) = u.strip_prefix(prefix.as_bytes()) {
                out.extend(
                    String::from_utf8_lossy(rest)
                        .split_ascii_whitespace()
                        .filter_map(|w| w.parse::<u32>().ok()),
                );
            }
        }
        out
    }

    /// The value of `[CODE value]` in any untagged OK or the tagged text.
    pub fn code(&self, code: &str) -> Option<String> {
        let needle = format!("[{code} ");
        let from_text = std::iter::once(self.text.clone());
        let untagged = self
            .untagged
            .iter()
            .map(|u| String::from_utf8_lossy(u).into_owned());
        for line in untagged.chain(from_text) {
            if let Some(i) = line.find(&needle) {
                let rest = &line[i + needle.len()..];
                return rest.split(']').next().map(str::to_string);
            }
        }
        None
    }

    /// `* n EXISTS`.
    pub fn exists(&self) -> Option<u32> {
        self.untagged.iter().find_map(|u| {
            let s = std::str::from_utf8(u).ok()?;
            let mut w = s.trim_end().split(' ');
            match (w.next(), w.next(), w.next()) {
                (Some("*"), Some(n), Some("EXISTS")) => n.parse().ok(),
                _ => None,
            }
        })
    }
}

/// The read buffer of a connection that moves bulk data (FETCH 1:*, bodies).
pub const BULK_READ_BUFFER: usize = 64 * 1024;

pub struct Imap {
    r: BufReader<ReadHalf<Box<dyn Stream>>>,
    w: WriteHalf<Box<dyn Stream>>,
    tag: u64,
    pub caps: HashSet<String>,
    line: Vec<u8>,
}

impl Imap {
    /// Connect and read the greeting (RFC 9051 §7.1.1). Does not log in.
    pub async fn connect(addr: &str, tls: bool) -> anyhow::Result<Imap> {
        Imap::connect_buffered(addr, tls, BULK_READ_BUFFER).await
    }

    /// `connect` with a read buffer of `capacity` bytes (small for thousands of idle
    /// connections, large for bulk FETCH).
    pub async fn connect_buffered(addr: &str, tls: bool, capacity: usize) -> anyhow::Result<Imap> {
        let stream = connect(addr, tls).await?;
        let (r, w) = tokio::io::split(stream);
        let mut c = Imap {
            r: BufReader::with_capacity(capacity, r),
            w,
            tag: 0,
            caps: HashSet::new(),
            line: Vec::new(),
        };
        let mut greeting = Vec::new();
        c.read_response(&mut greeting).await?;
        if !greeting.starts_with(b"* OK") && !greeting.starts_with(b"* PREAUTH") {
            bail!(
                "unexpected greeting: {}",
                String::from_utf8_lossy(&greeting).trim_end()
            );
        }
        c.parse_caps(&greeting);
        Ok(c)
    }

    /// Connect, LOGIN and learn the capabilities.
    pub async fn login(t: &Target) -> anyhow::Result<Imap> {
        Imap::login_buffered(t, BULK_READ_BUFFER).await
    }

    /// `login` with a read buffer of `capacity` bytes.
    pub async fn login_buffered(t: &Target, capacity: usize) -> anyhow::Result<Imap> {
        let mut c = Imap::connect_buffered(&t.addr, t.tls, capacity).await?;
        let r = c
            .run(
                &format!("LOGIN {} {}", quote(&t.user), quote(&t.password)),
                true,
            )
            .await?;
        if !r.ok() {
            bail!("LOGIN as {} at {} failed: {}", t.user, t.addr, r.text);
        }
        let r = c.run("CAPABILITY", true).await?;
        for u in &r.untagged {
            c.parse_caps(u);
        }
        Ok(c)
    }

    fn parse_caps(&mut self, line: &[u8]) {
        let s = String::from_utf8_lossy(line);
        let list = if let Some(i) = s.find("[CAPABILITY ") {
            s[i + 12..].split(']').next().unwrap_or("").to_string()
        } else if let Some(rest) = s.strip_prefix("* CAPABILITY ") {
            rest.to_string()
        } else {
            return;
        };
        self.caps = list
            .split_ascii_whitespace()
            .map(|c| c.to_ascii_uppercase())
            .collect();
    }

    pub fn has(&self, cap: &str) -> bool {
        self.caps.contains(cap)
    }

    fn next_tag(&mut self) -> String {
        self.tag += 1;
        format!("b{}", self.tag)
    }

    /// Read one whole response (a line plus any literals it announces) into `out`.
    async fn read_response(&mut self, out: &mut Vec<u8>) -> anyhow::Result<()> {
        out.clear();
        loop {
            let start = out.len();
            let n = self.r.read_until(b'\n', out).await?;
            if n == 0 {
                bail!("connection closed by server");
            }
            let line = &out[start..];
            match literal_len(line) {
                Some(len) => {
                    let at = out.len();
                    out.resize(at + len, 0);
                    self.r.read_exact(&mut out[at..]).await?;
                }
                None => return Ok(()),
            }
        }
    }

    /// Send one command (without tag and CRLF) and read until its tagged response.
    pub async fn run(&mut self, command: &str, keep: bool) -> anyhow::Result<Reply> {
        let tag = self.next_tag();
        let line = format!("{tag} {command}\r\n");
        self.w.write_all(line.as_bytes()).await?;
        self.w.flush().await?;
        self.read_until_tagged(&tag, keep).await
    }

    async fn read_until_tagged(&mut self, tag: &str, keep: bool) -> anyhow::Result<Reply> {
        let mut reply = Reply::default();
        let mut buf = std::mem::take(&mut self.line);
        loop {
            self.read_response(&mut buf).await?;
            reply.bytes += buf.len();
            if buf.starts_with(tag.as_bytes()) && buf.get(tag.len()) == Some(&b' ') {
                let rest = String::from_utf8_lossy(&buf[tag.len() + 1..])
                    .trim_end()
                    .to_string();
                let (word, text) = rest.split_once(' ').unwrap_or((rest.as_str(), ""));
                reply.status = match word.to_ascii_uppercase().as_str() {
                    "OK" => Some(Status::Ok),
                    "NO" => Some(Status::No),
                    _ => Some(Status::Bad),
                };
                reply.text = text.to_string();
                self.line = buf;
                return Ok(reply);
            }
            if buf.starts_with(b"* ") {
                reply.untagged_count += 1;
                if keep {
                    reply.untagged.push(buf.clone());
                }
            } else if buf.starts_with(b"+") {
                bail!(
                    "unexpected continuation request: {}",
                    String::from_utf8_lossy(&buf).trim_end()
                );
            }
        }
    }

    /// Like `run` but fails unless the server answered OK.
    pub async fn ok(&mut self, command: &str) -> anyhow::Result<Reply> {
        let r = self.run(command, true).await?;
        if !r.ok() {
            bail!("{command}: {:?} {}", r.status, r.text);
        }
        Ok(r)
    }

    /// The server's APPENDLIMIT (RFC 7889 §2), when it advertises a number.
    pub fn append_limit(&self) -> Option<u64> {
        self.caps
            .iter()
            .find_map(|c| c.strip_prefix("APPENDLIMIT=")?.parse().ok())
    }

    /// APPEND many messages, returning how it went. With MULTIAPPEND (RFC 3502) up to
    /// `plan.batch` messages (and `plan.batch_bytes` of literals) go in one command, which
    /// the server stores as one unit (RFC 3502 §6.3.11: all or nothing), so a durable
    /// server pays one commit per batch instead of one per message; without it each
    /// message is its own APPEND. With LITERAL+ (RFC 7888) up to `plan.window` commands
    /// are in flight; without it each literal waits for the server's continuation request
    /// (RFC 9051 §7.5).
    pub async fn append_all<I>(
        &mut self,
        mailbox: &str,
        messages: I,
        plan: AppendPlan,
    ) -> anyhow::Result<AppendStats>
    where
        I: IntoIterator<Item = (Vec<u8>, String, String)>,
    {
        let start = Instant::now();
        let plus = self.has("LITERAL+");
        let multi = self.has("MULTIAPPEND") && plan.batch > 1;
        let max_count = if multi { plan.batch } else { 1 };
        // RFC 7889 limits each message; a server may also hold a whole command in memory,
        // so one command's literals stay within the same bound.
        let max_bytes = match self.append_limit() {
            Some(limit) => plan.batch_bytes.min(limit.try_into().unwrap_or(usize::MAX)),
            None => plan.batch_bytes,
        };
        let window = if multi {
            plan.window.max(1)
        } else {
            plan.single_window.max(1)
        };
        let mut stats = AppendStats {
            took: Duration::ZERO,
            messages: 0,
            commands: 0,
            multiappend: multi,
            literal_plus: plus,
            batch: max_count,
            batch_bytes: max_bytes,
            window: if plus { window } else { 1 },
        };
        let mut pending: std::collections::VecDeque<String> = Default::default();
        let mut out = Vec::with_capacity(256 * 1024);
        let mut batch: Vec<(Vec<u8>, String, String)> = Vec::new();
        let mut batch_len = 0usize;
        let mut messages = messages.into_iter().peekable();
        while let Some(m) = messages.next() {
            batch_len += m.0.len();
            batch.push(m);
            let full = batch.len() >= max_count
                || messages
                    .peek()
                    .is_none_or(|next| batch_len + next.0.len() > max_bytes);
            if !full {
                continue;
            }
            stats.messages += batch.len() as u64;
            stats.commands += 1;
            let tag = self.next_tag();
            if plus {
                append_command(&mut out, &tag, mailbox, &batch);
                pending.push_back(tag);
                if pending.len() >= window {
                    self.w.write_all(&out).await?;
                    self.w.flush().await?;
                    out.clear();
                    while pending.len() > window / 2 {
                        // Invariant: the loop condition says pending is not empty.
                        let t = pending.pop_front().context("pending tag")?;
                        self.expect_ok(&t, "APPEND").await?;
                    }
                }
            } else {
                self.append_synchronizing(&tag, mailbox, &batch).await?;
            }
            batch.clear();
            batch_len = 0;
        }
        if !out.is_empty() {
            self.w.write_all(&out).await?;
            self.w.flush().await?;
        }
        while let Some(t) = pending.pop_front() {
            self.expect_ok(&t, "APPEND").await?;
        }
        stats.took = start.elapsed();
        Ok(stats)
    }

    /// One (MULTI)APPEND with synchronizing literals: each literal is sent after the
    /// server's `+` (RFC 9051 §7.5); a tagged NO/BAD instead ends the command.
    async fn append_synchronizing(
        &mut self,
        tag: &str,
        mailbox: &str,
        batch: &[(Vec<u8>, String, String)],
    ) -> anyhow::Result<()> {
        let mut head = format!("{tag} APPEND {}", quote(mailbox));
        let mut buf = Vec::new();
        for (bytes, flags, date) in batch {
            head.push_str(&format!(" ({flags}) {date} {{{}}}\r\n", bytes.len()));
            self.w.write_all(head.as_bytes()).await?;
            self.w.flush().await?;
            head.clear();
            loop {
                self.read_response(&mut buf).await?;
                if buf.starts_with(b"+") {
                    break;
                }
                if buf.starts_with(tag.as_bytes()) {
                    bail!(
                        "APPEND refused: {}",
                        String::from_utf8_lossy(&buf).trim_end()
                    );
                }
            }
            self.w.write_all(bytes).await?;
        }
        self.w.write_all(b"\r\n").await?;
        self.w.flush().await?;
        self.expect_ok(tag, "APPEND").await
    }

    async fn expect_ok(&mut self, tag: &str, what: &str) -> anyhow::Result<()> {
        let r = self.read_until_tagged(tag, false).await?;
        if !r.ok() {
            bail!("{what} failed: {:?} {}", r.status, r.text);
        }
        Ok(())
    }

    /// Start IDLE (RFC 2177 / RFC 9051 §6.3.13) and wait for the continuation request.
    pub async fn idle_start(&mut self) -> anyhow::Result<String> {
        let tag = self.next_tag();
        self.w
            .write_all(format!("{tag} IDLE\r\n").as_bytes())
            .await?;
        self.w.flush().await?;
        let mut buf = Vec::new();
        loop {
            self.read_response(&mut buf).await?;
            if buf.starts_with(b"+") {
                return Ok(tag);
            }
            if buf.starts_with(tag.as_bytes()) {
                bail!("IDLE refused: {}", String::from_utf8_lossy(&buf).trim_end());
            }
        }
    }

    /// End IDLE with DONE and wait for the tagged OK.
    pub async fn idle_done(&mut self, tag: &str) -> anyhow::Result<()> {
        self.w.write_all(b"DONE\r\n").await?;
        self.w.flush().await?;
        self.expect_ok(tag, "IDLE").await
    }

    pub async fn logout(mut self) {
        let _ = self.run("LOGOUT", false).await;
    }
}

/// How `Imap::append_all` sends messages.
#[derive(Debug, Clone, Copy)]
pub struct AppendPlan {
    /// Messages per MULTIAPPEND command (RFC 3502); 1: one APPEND per message.
    pub batch: usize,
    /// Literal bytes per MULTIAPPEND command at most (a single bigger message goes alone).
    pub batch_bytes: usize,
    /// MULTIAPPEND commands in flight with LITERAL+ (2: the next batch is sent while the
    /// server stores the previous one).
    pub window: usize,
    /// APPEND commands in flight with LITERAL+ when each message is its own command (no
    /// MULTIAPPEND, or `batch` 1).
    pub single_window: usize,
}

impl AppendPlan {
    /// One APPEND per message, `window` of them in flight with LITERAL+.
    pub fn single(window: usize) -> AppendPlan {
        AppendPlan {
            batch: 1,
            single_window: window,
            ..AppendPlan::default()
        }
    }
}

impl Default for AppendPlan {
    fn default() -> AppendPlan {
        AppendPlan {
            batch: 500,
            batch_bytes: 8 * 1024 * 1024,
            window: 2,
            single_window: 32,
        }
    }
}

/// How an `append_all` went.
#[derive(Debug, Clone)]
pub struct AppendStats {
    pub took: Duration,
    pub messages: u64,
    pub commands: u64,
    /// Whether MULTIAPPEND batches were used.
    pub multiappend: bool,
    pub literal_plus: bool,
    /// The bounds used: messages and literal bytes per command, commands in flight.
    pub batch: usize,
    pub batch_bytes: usize,
    pub window: usize,
}

impl AppendStats {
    /// E.g. "MULTIAPPEND, 200 commands of <= 500 msgs / 8192 KiB, 2 in flight, LITERAL+".
    pub fn describe(&self) -> String {
        let literals = if self.literal_plus {
            format!("{} in flight, LITERAL+", self.window)
        } else {
            "synchronizing literals".to_string()
        };
        if self.multiappend {
            format!(
                "MULTIAPPEND, {} commands of <= {} msgs / {} KiB, {literals}",
                self.commands,
                self.batch,
                self.batch_bytes / 1024
            )
        } else {
            format!("single APPENDs, {literals}")
        }
    }
}

/// `tag APPEND "mailbox" (flags) date {n+}\r\n<bytes> (flags) date {n+}\r\n<bytes>\r\n`:
/// one command with non-synchronizing literals (RFC 7888), several messages with
/// MULTIAPPEND (RFC 3502 §6.3.11 `append = "APPEND" SP mailbox 1*append-message`).
fn append_command(
    out: &mut Vec<u8>,
    tag: &str,
    mailbox: &str,
    batch: &[(Vec<u8>, String, String)],
) {
    out.extend_from_slice(format!("{tag} APPEND {}", quote(mailbox)).as_bytes());
    for (bytes, flags, date) in batch {
        out.extend_from_slice(format!(" ({flags}) {date} {{{}+}}\r\n", bytes.len()).as_bytes());
        out.extend_from_slice(bytes);
    }
    out.extend_from_slice(b"\r\n");
}

/// `{n}\r\n` or `{n+}\r\n` at the end of a line: the length of the literal that follows.
fn literal_len(line: &[u8]) -> Option<usize> {
    let line = line
        .strip_suffix(b"\r\n")
        .or_else(|| line.strip_suffix(b"\n"))?;
    let line = line.strip_suffix(b"}")?;
    let open = line.iter().rposition(|&b| b == b'{')?;
    let digits = &line[open + 1..];
    let digits = digits.strip_suffix(b"+").unwrap_or(digits);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
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

/// Accepts every certificate: for benchmarking servers with self-signed certificates on
/// loopback only. Never use this for real mail.
#[derive(Debug)]
struct AcceptAnyCert(Vec<rustls::SignatureScheme>);

impl AcceptAnyCert {
    fn new() -> AcceptAnyCert {
        AcceptAnyCert(
            rustls::crypto::aws_lc_rs::default_provider()
                .signature_verification_algorithms
                .supported_schemes(),
        )
    }
}

impl rustls::client::danger::ServerCertVerifier for AcceptAnyCert {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls_pki_types::CertificateDer<'_>,
        _intermediates: &[rustls_pki_types::CertificateDer<'_>],
        _server_name: &rustls_pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls_pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &rustls_pki_types::CertificateDer<'_>,
        _dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _message: &[u8],
        _cert: &rustls_pki_types::CertificateDer<'_>,
        _dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_lengths() {
        assert_eq!(literal_len(b"* 1 FETCH (BODY[] {12}\r\n"), Some(12));
        assert_eq!(literal_len(b"a APPEND x {3+}\r\n"), Some(3));
        assert_eq!(literal_len(b"* OK {x}\r\n"), None);
        assert_eq!(literal_len(b"* OK done\r\n"), None);
    }

    #[test]
    fn quoting() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
    }
}
