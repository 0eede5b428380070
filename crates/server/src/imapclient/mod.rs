//! A small IMAP client (RFC 9051 / RFC 3501), just what `loft migrate` needs to read a
//! whole account from another server: TLS or STARTTLS, login, LIST, EXAMINE and UID FETCH.
//! Every response is read into one buffer (literals inline, bounded by
//! `max_literal_bytes`) and handed to a parser in `response`; FETCH responses are
//! processed one at a time, so memory stays bounded by the largest message.

pub mod response;
pub mod tls;

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use loft_auth::Secret;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use response::{Parser, Value, literal_at_end, quote, response_code};

/// Bytes of a response outside its literals (a LIST or FETCH metadata line is far shorter).
pub const MAX_LINE_BYTES: usize = 1 << 20;
/// How long to wait for the server before giving up on the connection.
pub const READ_TIMEOUT_SECS: u64 = 300;
pub const CONNECT_TIMEOUT_SECS: u64 = 30;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("connection: {0}")]
    Io(#[from] io::Error),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("the server sent something unexpected: {0}")]
    Protocol(String),
    #[error("the server refused {command}: {text}")]
    Refused { command: String, text: String },
    #[error("the server closed the connection: {0}")]
    Bye(String),
    #[error("the server did not answer within {0} seconds")]
    Timeout(u64),
    #[error("a literal of {0} bytes is over the limit")]
    TooLarge(u64),
}

impl From<response::ParseError> for ClientError {
    fn from(e: response::ParseError) -> Self {
        ClientError::Protocol(e.to_string())
    }
}

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (`imaps://`, port 993; RFC 8314 §3.3).
    Implicit,
    /// STARTTLS before anything else (RFC 9051 §6.2.1); refuse to go on without it.
    StartTls,
    /// No TLS at all: only for tests on loopback (`--allow-plaintext`).
    Plaintext,
}

/// One mailbox of a LIST response (RFC 9051 §7.3.1).
#[derive(Debug, Clone)]
pub struct ListEntry {
    /// The name exactly as on the wire (modified UTF-7 unless UTF8=ACCEPT).
    pub raw_name: Vec<u8>,
    pub delimiter: Option<char>,
    /// Attributes such as `\Noselect`, `\Sent`, as sent.
    pub attributes: Vec<String>,
}

impl ListEntry {
    pub fn has_attribute(&self, a: &str) -> bool {
        self.attributes.iter().any(|x| x.eq_ignore_ascii_case(a))
    }
}

/// What EXAMINE tells about a mailbox.
#[derive(Debug, Clone, Copy, Default)]
pub struct SelectInfo {
    pub exists: u32,
    pub uid_validity: Option<u32>,
    pub uid_next: Option<u32>,
}

/// FETCH (UID FLAGS INTERNALDATE RFC822.SIZE) of one message.
#[derive(Debug, Clone)]
pub struct MessageMeta {
    pub uid: u32,
    pub flags: Vec<String>,
    pub internal_date: Option<DateTime<FixedOffset>>,
    pub size: u64,
}

pub struct Client {
    io: BufReader<Stream>,
    next_tag: u32,
    capabilities: Vec<String>,
    /// The largest literal accepted from the server.
    pub max_literal_bytes: u64,
    /// True once the server enabled UTF8=ACCEPT: names are UTF-8, not modified UTF-7.
    pub is_utf8: bool,
}

impl Client {
    /// Connect, read the greeting and set up TLS as asked.
    pub async fn connect(
        host: &str,
        port: u16,
        security: Security,
        verify: &tls::Verify,
    ) -> Result<Client, ClientError> {
        let tcp = tokio::time::timeout(
            Duration::from_secs(CONNECT_TIMEOUT_SECS),
            TcpStream::connect((host, port)),
        )
        .await
        .map_err(|_| ClientError::Timeout(CONNECT_TIMEOUT_SECS))??;
        let stream = match security {
            Security::Implicit => Stream::Tls(Box::new(handshake(tcp, host, verify).await?)),
            _ => Stream::Plain(tcp),
        };
        let mut client = Client {
            io: BufReader::new(stream),
            next_tag: 1,
            capabilities: Vec::new(),
            max_literal_bytes: u64::from(u32::MAX),
            is_utf8: false,
        };
        let greeting = client.read_response().await?;
        let mut p = Parser::new(&greeting);
        let (star, kind) = (p.atom()?, p.atom()?);
        if star != b"*" {
            return Err(ClientError::Protocol("no greeting".into()));
        }
        if kind.eq_ignore_ascii_case(b"BYE") {
            return Err(ClientError::Bye(lossy(p.rest())));
        }
        client.capability().await?;
        if security == Security::StartTls {
            if !client.has_capability("STARTTLS") {
                return Err(ClientError::Tls(
                    "the server does not offer STARTTLS (use imaps://, or --allow-plaintext on loopback)".into(),
                ));
            }
            client
                .execute(&[Arg::Raw(b"STARTTLS")], &mut |_| Ok(()))
                .await?;
            // RFC 9051 §6.2.1: nothing may follow the OK in clear text; bytes already
            // buffered would be an injection attack (CVE-2011-0411 style).
            if !client.io.buffer().is_empty() {
                return Err(ClientError::Protocol(
                    "data after the STARTTLS answer".into(),
                ));
            }
            let Stream::Plain(tcp) = client.io.into_inner() else {
                return Err(ClientError::Protocol("STARTTLS on a TLS connection".into()));
            };
            client.io = BufReader::new(Stream::Tls(Box::new(handshake(tcp, host, verify).await?)));
            // RFC 9051 §6.2.1: capabilities from before TLS must be discarded.
            client.capability().await?;
        }
        Ok(client)
    }

    pub fn has_capability(&self, name: &str) -> bool {
        self.capabilities
            .iter()
            .any(|c| c.eq_ignore_ascii_case(name))
    }

    /// AUTHENTICATE PLAIN (RFC 4616) where offered (no quoting problems with any password),
    /// else LOGIN. Then ENABLE UTF8=ACCEPT where offered (RFC 6855), so names are UTF-8.
    pub async fn login(
        &mut self,
        user: &str,
        password: &Secret<String>,
    ) -> Result<(), ClientError> {
        if self.has_capability("AUTH=PLAIN") {
            let mut raw = Vec::with_capacity(user.len() + password.expose().len() + 2);
            raw.push(0);
            raw.extend_from_slice(user.as_bytes());
            raw.push(0);
            raw.extend_from_slice(password.expose().as_bytes());
            let b64 = Secret::new(base64(&raw));
            raw.fill(0);
            if self.has_capability("SASL-IR") {
                let mut cmd = b"AUTHENTICATE PLAIN ".to_vec();
                cmd.extend_from_slice(b64.expose().as_bytes());
                self.execute(&[Arg::Raw(&cmd)], &mut |_| Ok(())).await?;
            } else {
                self.execute_with_continuation(b"AUTHENTICATE PLAIN", b64.expose().as_bytes())
                    .await?;
            }
        } else {
            self.execute(
                &[
                    Arg::Raw(b"LOGIN "),
                    Arg::Str(user.as_bytes()),
                    Arg::Raw(b" "),
                    Arg::Str(password.expose().as_bytes()),
                ],
                &mut |_| Ok(()),
            )
            .await
            .map_err(|e| match e {
                // Never echo the command (it holds the password); the text is the server's.
                ClientError::Refused { text, .. } => ClientError::Refused {
                    command: "LOGIN".into(),
                    text,
                },
                e => e,
            })?;
        }
        self.capability().await?;
        if self.has_capability("UTF8=ACCEPT") {
            self.execute(&[Arg::Raw(b"ENABLE UTF8=ACCEPT")], &mut |_| Ok(()))
                .await?;
            self.is_utf8 = true;
        }
        Ok(())
    }

    /// Every mailbox: `LIST "" "*"`, with `RETURN (SPECIAL-USE)` where the server has
    /// LIST-EXTENDED and SPECIAL-USE (RFC 6154 §2), else special-use attributes only where
    /// the server puts them in plain LIST.
    pub async fn list(&mut self) -> Result<Vec<ListEntry>, ClientError> {
        let cmd: &[u8] =
            if self.has_capability("LIST-EXTENDED") && self.has_capability("SPECIAL-USE") {
                b"LIST \"\" \"*\" RETURN (SPECIAL-USE)"
            } else {
                b"LIST \"\" \"*\""
            };
        let mut out = Vec::new();
        self.execute(&[Arg::Raw(cmd)], &mut |r| {
            if let Some(e) = parse_list(r, b"LIST")? {
                out.push(e);
            }
            Ok(())
        })
        .await?;
        Ok(out)
    }

    /// Raw names of the subscribed mailboxes: `LIST (SUBSCRIBED)` (RFC 5258) where
    /// offered, else LSUB (RFC 3501 §6.3.9).
    pub async fn subscribed(&mut self) -> Result<Vec<Vec<u8>>, ClientError> {
        let (cmd, kind): (&[u8], &[u8]) = if self.has_capability("LIST-EXTENDED") {
            (b"LIST (SUBSCRIBED) \"\" \"*\"", b"LIST")
        } else {
            (b"LSUB \"\" \"*\"", b"LSUB")
        };
        let mut out = Vec::new();
        self.execute(&[Arg::Raw(cmd)], &mut |r| {
            if let Some(e) = parse_list(r, kind)? {
                // RFC 5258 §3.1: a subscribed name that no longer exists is still listed
                // (\NonExistent); it is a subscription all the same.
                out.push(e.raw_name);
            }
            Ok(())
        })
        .await?;
        Ok(out)
    }

    /// EXAMINE (read-only: RFC 9051 §6.3.3, so nothing on the source changes, not even
    /// \Seen or \Recent).
    pub async fn examine(&mut self, raw_name: &[u8]) -> Result<SelectInfo, ClientError> {
        let mut info = SelectInfo::default();
        self.execute(&[Arg::Raw(b"EXAMINE "), Arg::Str(raw_name)], &mut |r| {
            let mut p = Parser::new(r);
            let first = p.value()?;
            if let Some(n) = first.number() {
                if p.atom()?.eq_ignore_ascii_case(b"EXISTS") {
                    info.exists = u32::try_from(n).unwrap_or(u32::MAX);
                }
            } else if first.bytes().is_some_and(|a| a.eq_ignore_ascii_case(b"OK")) {
                p.skip_spaces();
                let text = p.rest();
                if let Some(v) = response_code(text, "UIDVALIDITY") {
                    info.uid_validity = parse_u32(v);
                }
                if let Some(v) = response_code(text, "UIDNEXT") {
                    info.uid_next = parse_u32(v);
                }
            }
            Ok(())
        })
        .await?;
        Ok(info)
    }

    /// `UID FETCH <from>:* (UID FLAGS INTERNALDATE RFC822.SIZE)`, one callback per message
    /// with a UID of at least `from` (RFC 9051 §6.4.9: `N:*` also names the last message
    /// when every UID is below N, which is filtered out here).
    pub async fn fetch_meta(
        &mut self,
        from: u32,
        on_message: &mut (dyn FnMut(MessageMeta) + Send),
    ) -> Result<(), ClientError> {
        let cmd = format!(
            "UID FETCH {}:* (UID FLAGS INTERNALDATE RFC822.SIZE)",
            from.max(1)
        );
        self.execute(&[Arg::Raw(cmd.as_bytes())], &mut |r| {
            let Some(items) = fetch_items(r)? else {
                return Ok(());
            };
            let mut meta = MessageMeta {
                uid: 0,
                flags: Vec::new(),
                internal_date: None,
                size: 0,
            };
            let mut has_flags = false;
            for (key, value) in items {
                match key.to_ascii_uppercase().as_slice() {
                    b"UID" => {
                        meta.uid = value
                            .number()
                            .and_then(|n| u32::try_from(n).ok())
                            .unwrap_or(0)
                    }
                    b"FLAGS" => {
                        has_flags = true;
                        if let Value::List(flags) = value {
                            meta.flags =
                                flags.iter().filter_map(|f| f.bytes()).map(lossy).collect();
                        }
                    }
                    b"INTERNALDATE" => {
                        meta.internal_date = value.bytes().and_then(parse_internal_date)
                    }
                    b"RFC822.SIZE" => meta.size = value.number().unwrap_or(0),
                    _ => {}
                }
            }
            // Unsolicited FETCH (flag changes by another session) carries no UID or no
            // FLAGS of ours; only complete answers count.
            if meta.uid >= from && has_flags {
                on_message(meta);
            }
            Ok(())
        })
        .await
        .map(|_| ())
    }

    /// `UID FETCH <uids> (UID BODY.PEEK[])`: the exact bytes of each message (RFC 9051
    /// §6.4.5: PEEK leaves \Seen alone). Messages expunged meanwhile are simply missing.
    pub async fn fetch_bodies(
        &mut self,
        uids: &[u32],
        on_message: &mut (dyn FnMut(u32, Vec<u8>) + Send),
    ) -> Result<(), ClientError> {
        if uids.is_empty() {
            return Ok(());
        }
        let cmd = format!("UID FETCH {} (UID BODY.PEEK[])", uid_set(uids));
        self.execute(&[Arg::Raw(cmd.as_bytes())], &mut |r| {
            let Some(items) = fetch_items(r)? else {
                return Ok(());
            };
            let (mut uid, mut body) = (None, None);
            for (key, value) in items {
                match key.to_ascii_uppercase().as_slice() {
                    b"UID" => uid = value.number().and_then(|n| u32::try_from(n).ok()),
                    b"BODY[]" => body = value.into_bytes(),
                    _ => {}
                }
            }
            if let (Some(uid), Some(body)) = (uid, body) {
                on_message(uid, body);
            }
            Ok(())
        })
        .await
        .map(|_| ())
    }

    /// LOGOUT, ignoring errors (the work is done either way).
    pub async fn logout(&mut self) {
        let _ = self.execute(&[Arg::Raw(b"LOGOUT")], &mut |_| Ok(())).await;
    }

    async fn capability(&mut self) -> Result<(), ClientError> {
        let mut caps = Vec::new();
        self.execute(&[Arg::Raw(b"CAPABILITY")], &mut |r| {
            let mut p = Parser::new(r);
            if p.atom()?.eq_ignore_ascii_case(b"CAPABILITY") {
                while !p.is_at_end() {
                    caps.push(lossy(p.atom()?));
                    p.skip_spaces();
                }
            }
            Ok(())
        })
        .await?;
        self.capabilities = caps;
        Ok(())
    }

    /// Send one command, hand each untagged response (without `* `) to `on_untagged`, and
    /// return the text of the tagged OK; NO or BAD become `Refused`.
    async fn execute(
        &mut self,
        args: &[Arg<'_>],
        on_untagged: &mut (dyn FnMut(&[u8]) -> Result<(), ClientError> + Send),
    ) -> Result<Vec<u8>, ClientError> {
        let tag = format!("M{}", self.next_tag);
        self.next_tag += 1;
        let mut line = tag.clone().into_bytes();
        line.push(b' ');
        let is_literal_plus = self.has_capability("LITERAL+");
        for arg in args {
            match arg {
                Arg::Raw(b) => line.extend_from_slice(b),
                Arg::Str(s) => match quote(s) {
                    Some(q) => line.extend_from_slice(&q),
                    // RFC 7888 LITERAL+: no round trip; else RFC 9051 §4.3 synchronizing
                    // literal: wait for the continuation request.
                    None if is_literal_plus => {
                        line.extend_from_slice(format!("{{{}+}}\r\n", s.len()).as_bytes());
                        line.extend_from_slice(s);
                    }
                    None => {
                        line.extend_from_slice(format!("{{{}}}\r\n", s.len()).as_bytes());
                        self.write(&line).await?;
                        line.clear();
                        self.await_continuation(&tag).await?;
                        line.extend_from_slice(s);
                    }
                },
            }
        }
        line.extend_from_slice(b"\r\n");
        self.write(&line).await?;
        let command = command_name(args);
        self.read_until_tagged(&tag, &command, on_untagged).await
    }

    /// A command whose one continuation request is answered with `answer` (AUTHENTICATE
    /// without SASL-IR).
    async fn execute_with_continuation(
        &mut self,
        cmd: &[u8],
        answer: &[u8],
    ) -> Result<(), ClientError> {
        let tag = format!("M{}", self.next_tag);
        self.next_tag += 1;
        let mut line = format!("{tag} ").into_bytes();
        line.extend_from_slice(cmd);
        line.extend_from_slice(b"\r\n");
        self.write(&line).await?;
        self.await_continuation(&tag).await?;
        let mut line = answer.to_vec();
        line.extend_from_slice(b"\r\n");
        self.write(&line).await?;
        self.read_until_tagged(&tag, &lossy(cmd), &mut |_| Ok(()))
            .await?;
        Ok(())
    }

    async fn await_continuation(&mut self, tag: &str) -> Result<(), ClientError> {
        loop {
            let r = self.read_response().await?;
            if r.starts_with(b"+") {
                return Ok(());
            }
            if r.starts_with(tag.as_bytes()) {
                let text = r.get(tag.len() + 1..).unwrap_or_default();
                return Err(ClientError::Refused {
                    command: "literal".into(),
                    text: lossy(text),
                });
            }
            if let Some(rest) = r.strip_prefix(b"* BYE") {
                return Err(ClientError::Bye(lossy(rest)));
            }
        }
    }

    async fn read_until_tagged(
        &mut self,
        tag: &str,
        command: &str,
        on_untagged: &mut (dyn FnMut(&[u8]) -> Result<(), ClientError> + Send),
    ) -> Result<Vec<u8>, ClientError> {
        loop {
            let r = self.read_response().await?;
            if let Some(rest) = r.strip_prefix(b"* ") {
                if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(b"BYE") && command != "LOGOUT"
                {
                    return Err(ClientError::Bye(lossy(&rest[3..])));
                }
                on_untagged(rest)?;
                continue;
            }
            let Some(rest) = r
                .strip_prefix(tag.as_bytes())
                .and_then(|r| r.strip_prefix(b" "))
            else {
                // A continuation request nobody asked for, or another tag: ignore.
                continue;
            };
            let mut p = Parser::new(rest);
            let status = p.atom()?.to_ascii_uppercase();
            p.skip_spaces();
            return match status.as_slice() {
                b"OK" => Ok(p.rest().to_vec()),
                _ => Err(ClientError::Refused {
                    command: command.to_string(),
                    text: lossy(p.rest()),
                }),
            };
        }
    }

    /// One whole response: lines and the literals they announce, without the final CRLF.
    async fn read_response(&mut self) -> Result<Vec<u8>, ClientError> {
        let mut buf = Vec::new();
        let mut line_bytes = 0usize;
        loop {
            let start = buf.len();
            self.read_line(&mut buf, &mut line_bytes).await?;
            match literal_at_end(&buf[start..]) {
                Some(n) => {
                    if n > self.max_literal_bytes {
                        return Err(ClientError::TooLarge(n));
                    }
                    let at = buf.len();
                    // Bounded by max_literal_bytes just above.
                    buf.resize(at + n as usize, 0);
                    let read = tokio::io::AsyncReadExt::read_exact(&mut self.io, &mut buf[at..]);
                    timeout(read).await??;
                }
                None => {
                    while buf.last().is_some_and(|&c| c == b'\n' || c == b'\r') {
                        buf.pop();
                    }
                    return Ok(buf);
                }
            }
        }
    }

    async fn read_line(
        &mut self,
        buf: &mut Vec<u8>,
        line_bytes: &mut usize,
    ) -> Result<(), ClientError> {
        loop {
            let available = timeout(self.io.fill_buf()).await??;
            if available.is_empty() {
                return Err(ClientError::Io(io::ErrorKind::UnexpectedEof.into()));
            }
            let (take, done) = match available.iter().position(|&c| c == b'\n') {
                Some(i) => (i + 1, true),
                None => (available.len(), false),
            };
            buf.extend_from_slice(&available[..take]);
            self.io.consume(take);
            *line_bytes += take;
            if *line_bytes > MAX_LINE_BYTES {
                return Err(ClientError::Protocol(format!(
                    "a response line over {MAX_LINE_BYTES} bytes"
                )));
            }
            if done {
                return Ok(());
            }
        }
    }

    async fn write(&mut self, bytes: &[u8]) -> Result<(), ClientError> {
        let io = self.io.get_mut();
        timeout(io.write_all(bytes)).await??;
        timeout(io.flush()).await??;
        Ok(())
    }
}

/// A piece of a command: sent as it is, or as an IMAP string (quoted or literal).
enum Arg<'a> {
    Raw(&'a [u8]),
    Str(&'a [u8]),
}

/// The command's first word, for error messages (never its arguments: LOGIN has a password).
fn command_name(args: &[Arg<'_>]) -> String {
    match args.first() {
        Some(Arg::Raw(b)) => {
            let word = b.split(|&c| c == b' ').next().unwrap_or_default();
            let name = lossy(word);
            if name.eq_ignore_ascii_case("UID") {
                lossy(
                    b.split(|&c| c == b' ')
                        .take(2)
                        .collect::<Vec<_>>()
                        .join(&b' ')
                        .as_slice(),
                )
            } else {
                name
            }
        }
        _ => "command".into(),
    }
}

async fn handshake(
    tcp: TcpStream,
    host: &str,
    verify: &tls::Verify,
) -> Result<TlsStream<TcpStream>, ClientError> {
    let connector = TlsConnector::from(tls::client_config(verify)?);
    let name = tls::server_name(host)?;
    tokio::time::timeout(
        Duration::from_secs(CONNECT_TIMEOUT_SECS),
        connector.connect(name, tcp),
    )
    .await
    .map_err(|_| ClientError::Timeout(CONNECT_TIMEOUT_SECS))?
    .map_err(|e| ClientError::Tls(e.to_string()))
}

async fn timeout<T>(f: impl Future<Output = T>) -> Result<T, ClientError> {
    tokio::time::timeout(Duration::from_secs(READ_TIMEOUT_SECS), f)
        .await
        .map_err(|_| ClientError::Timeout(READ_TIMEOUT_SECS))
}

/// `LIST (attrs) delim name [extended]` / `LSUB ...` (RFC 9051 §7.3.1).
fn parse_list(r: &[u8], kind: &[u8]) -> Result<Option<ListEntry>, ClientError> {
    let mut p = Parser::new(r);
    let Ok(word) = p.atom() else { return Ok(None) };
    if !word.eq_ignore_ascii_case(kind) {
        return Ok(None);
    }
    let Value::List(attrs) = p.value()? else {
        return Err(ClientError::Protocol("LIST without attributes".into()));
    };
    let delimiter = match p.value()? {
        Value::Nil => None,
        v => v.bytes().and_then(|b| b.first().copied()).map(char::from),
    };
    let raw_name = p
        .value()?
        .into_bytes()
        .ok_or_else(|| ClientError::Protocol("LIST without a name".into()))?;
    Ok(Some(ListEntry {
        raw_name,
        delimiter,
        attributes: attrs.iter().filter_map(|a| a.bytes()).map(lossy).collect(),
    }))
}

/// `n FETCH (k v k v ...)` as key/value pairs; None for any other response.
fn fetch_items(r: &[u8]) -> Result<Option<Vec<(Vec<u8>, Value<'_>)>>, ClientError> {
    let mut p = Parser::new(r);
    if p.value()?.number().is_none() {
        return Ok(None);
    }
    if !p.atom()?.eq_ignore_ascii_case(b"FETCH") {
        return Ok(None);
    }
    let Value::List(items) = p.value()? else {
        return Err(ClientError::Protocol("FETCH without a list".into()));
    };
    let mut out = Vec::with_capacity(items.len() / 2);
    let mut it = items.into_iter();
    while let (Some(k), Some(v)) = (it.next(), it.next()) {
        let key = k
            .into_bytes()
            .ok_or_else(|| ClientError::Protocol("FETCH item name".into()))?;
        out.push((key, v));
    }
    Ok(Some(out))
}

/// RFC 9051 §9 date-time: `"17-Jul-1996 02:44:25 -0700"` (day may be space-padded).
pub fn parse_internal_date(s: &[u8]) -> Option<DateTime<FixedOffset>> {
    let s = std::str::from_utf8(s).ok()?.trim();
    DateTime::parse_from_str(s, "%d-%b-%Y %H:%M:%S %z").ok()
}

/// A compact UID set: `1:5,7,9:12`, ascending input.
pub fn uid_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end.wrapping_add(1) {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

/// RFC 4648 §4 base64 (the AUTHENTICATE PLAIN response; RFC 9051 §6.2.2).
fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn parse_u32(b: &[u8]) -> Option<u32> {
    std::str::from_utf8(b).ok()?.trim().parse().ok()
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A plain or TLS connection.
enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_dates() {
        let d = parse_internal_date(b" 7-Jul-1996 02:44:25 -0700").unwrap();
        assert_eq!(d.to_rfc3339(), "1996-07-07T02:44:25-07:00");
        let d = parse_internal_date(b"17-Jul-1996 02:44:25 +0200").unwrap();
        assert_eq!(d.to_rfc3339(), "1996-07-17T02:44:25+02:00");
        assert!(parse_internal_date(b"yesterday").is_none());
    }

    #[test]
    fn base64_rfc4648_vectors() {
        for (raw, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(raw.as_bytes()), enc);
        }
    }

    #[test]
    fn uid_sets() {
        assert_eq!(uid_set(&[1, 2, 3, 5, 7, 8]), "1:3,5,7:8");
        assert_eq!(uid_set(&[4]), "4");
        assert_eq!(uid_set(&[u32::MAX - 1, u32::MAX]), "4294967294:4294967295");
    }

    #[test]
    fn list_lines() {
        let e = parse_list(br#"LIST (\HasNoChildren \Sent) "." "Sent Items""#, b"LIST")
            .unwrap()
            .unwrap();
        assert_eq!(e.raw_name, b"Sent Items");
        assert_eq!(e.delimiter, Some('.'));
        assert!(e.has_attribute("\\sent"));
        let e = parse_list(b"LIST (\\Noselect) NIL {3}\r\na b", b"LIST")
            .unwrap()
            .unwrap();
        assert_eq!((e.raw_name.as_slice(), e.delimiter), (&b"a b"[..], None));
        assert!(parse_list(b"FLAGS (\\Seen)", b"LIST").unwrap().is_none());
    }

    #[test]
    fn command_names_never_show_arguments() {
        assert_eq!(
            command_name(&[Arg::Raw(b"LOGIN "), Arg::Str(b"secret")]),
            "LOGIN"
        );
        assert_eq!(
            command_name(&[Arg::Raw(b"UID FETCH 1:* (FLAGS)")]),
            "UID FETCH"
        );
    }
}
