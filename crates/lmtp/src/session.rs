//! One LMTP connection (RFC 2033) over any byte stream: reads into the [`Decoder`],
//! answers each command, delivers through the store. Replies are collected and written
//! when the decoder needs more input, which is what PIPELINING (RFC 2920) asks for.

use std::sync::Arc;
use std::time::Duration;

use loft_store::{Flags, Store};
use smtp_proto::Request;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tracing::{debug, info, warn};

use crate::decoder::{Decoder, Input};
use crate::delivery::{self, DeliverError, Recipients, Target};

/// RFC 5321 §4.5.3.2.7: a server should wait at least 5 minutes for the next command.
pub const DEFAULT_IDLE_TIMEOUT_SECS: u64 = 300;
/// Like Postfix's smtpd_recipient_limit default is 1000; LMTP batches are smaller.
pub const DEFAULT_MAX_RECIPIENTS: usize = 1000;
/// 64 MiB, the same as IMAP's APPENDLIMIT default.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;
/// Commands that fail in a row before the connection is closed (a confused or hostile peer).
const MAX_ERRORS: usize = 20;
const READ_BUFFER_BYTES: usize = 64 * 1024;

/// The settings of the LMTP service.
#[derive(Debug, Clone)]
pub struct LmtpConfig {
    /// The name in the greeting and the LHLO reply.
    pub hostname: String,
    pub recipients: Recipients,
    /// Announced as SIZE (RFC 1870); larger messages get 552 5.3.4.
    pub max_message_bytes: usize,
    pub max_recipients: usize,
    pub idle_timeout: Duration,
}

impl Default for LmtpConfig {
    fn default() -> LmtpConfig {
        LmtpConfig {
            hostname: "localhost".into(),
            recipients: Recipients {
                separator: delivery::DEFAULT_SEPARATOR.into(),
                ..Recipients::default()
            },
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
            max_recipients: DEFAULT_MAX_RECIPIENTS,
            idle_timeout: Duration::from_secs(DEFAULT_IDLE_TIMEOUT_SECS),
        }
    }
}

/// What every LMTP session shares.
pub struct LmtpContext {
    pub store: Arc<dyn Store>,
    pub config: LmtpConfig,
}

/// Serves one LMTP client until QUIT, EOF, a timeout or too many errors. I/O errors end
/// the session quietly (logged at debug); nothing here panics on client input.
pub async fn serve<S: AsyncRead + AsyncWrite + Unpin>(ctx: Arc<LmtpContext>, mut stream: S) {
    let mut session = Session::new(ctx);
    if let Err(e) = session.run(&mut stream).await {
        debug!(error = %e, "LMTP connection ended");
    }
    let _ = stream.shutdown().await;
}

struct Transaction {
    /// The reverse path of MAIL FROM ("" for the null sender).
    from: String,
    /// Accepted recipients: the address as given and whose it is.
    rcpts: Vec<(String, Target)>,
    /// BDAT chunks have been received (DATA is then out of sequence).
    is_chunking: bool,
}

struct Session {
    ctx: Arc<LmtpContext>,
    decoder: Decoder,
    out: Vec<u8>,
    greeted: bool,
    tx: Option<Transaction>,
    errors: usize,
    quit: bool,
}

impl Session {
    fn new(ctx: Arc<LmtpContext>) -> Session {
        let decoder = Decoder::new(ctx.config.max_message_bytes);
        Session {
            ctx,
            decoder,
            out: Vec::new(),
            greeted: false,
            tx: None,
            errors: 0,
            quit: false,
        }
    }

    async fn run<S: AsyncRead + AsyncWrite + Unpin>(
        &mut self,
        stream: &mut S,
    ) -> std::io::Result<()> {
        let host = self.ctx.config.hostname.clone();
        self.reply(220, "", &format!("{host} LMTP Loft ready"));
        let mut buf = vec![0u8; READ_BUFFER_BYTES];
        loop {
            while let Some(input) = self.decoder.next() {
                self.handle(input).await;
                if self.quit {
                    return stream.write_all(&self.out).await;
                }
                if self.errors >= MAX_ERRORS {
                    self.reply(421, "4.7.0", "too many errors, closing connection");
                    return stream.write_all(&self.out).await;
                }
            }
            if !self.out.is_empty() {
                stream.write_all(&self.out).await?;
                stream.flush().await?;
                self.out.clear();
            }
            let n = match tokio::time::timeout(self.ctx.config.idle_timeout, stream.read(&mut buf))
                .await
            {
                Ok(r) => r?,
                Err(_) => {
                    self.reply(421, "4.4.2", "idle too long, closing connection");
                    return stream.write_all(&self.out).await;
                }
            };
            if n == 0 {
                return Ok(());
            }
            self.decoder.feed(&buf[..n]);
        }
    }

    fn reply(&mut self, code: u16, esc: &str, text: &str) {
        let line = if esc.is_empty() {
            format!("{code} {text}\r\n")
        } else {
            format!("{code} {esc} {text}\r\n")
        };
        self.out.extend_from_slice(line.as_bytes());
        // Only protocol mistakes count: an unknown recipient is an ordinary answer.
        if esc.starts_with("5.5") {
            self.errors += 1;
        } else if code < 400 {
            self.errors = 0;
        }
    }

    async fn handle(&mut self, input: Input) {
        match input {
            Input::Command(request) => self.command(request).await,
            Input::Invalid(why) => self.reply(500, "5.5.2", &why),
            Input::LineTooLong => self.reply(500, "5.5.2", "line too long"),
            Input::DataEnd { too_big } => {
                if too_big {
                    self.decoder.reset_message();
                    self.tx = None;
                    // RFC 2033 §4.2: one reply per accepted recipient, failures too.
                    self.per_recipient(552, "5.3.4", "message too big");
                    return;
                }
                let message = self.decoder.take_message();
                self.deliver_all(message).await;
            }
            Input::Chunk {
                size,
                is_last,
                too_big,
            } => self.chunk(size, is_last, too_big).await,
        }
    }

    async fn command(&mut self, request: Request<String>) {
        match request {
            // RFC 2033 §4.1: LHLO replaces EHLO; it also resets the transaction.
            Request::Lhlo { host: _ } => {
                self.tx = None;
                self.decoder.reset_message();
                self.greeted = true;
                let c = &self.ctx.config;
                let lines = [
                    c.hostname.clone(),
                    "PIPELINING".into(),
                    "8BITMIME".into(),
                    "SMTPUTF8".into(),
                    "ENHANCEDSTATUSCODES".into(),
                    "CHUNKING".into(),
                    format!("SIZE {}", c.max_message_bytes),
                ];
                for (i, l) in lines.iter().enumerate() {
                    let sep = if i + 1 == lines.len() { ' ' } else { '-' };
                    self.out
                        .extend_from_slice(format!("250{sep}{l}\r\n").as_bytes());
                }
                self.errors = 0;
            }
            Request::Ehlo { .. } | Request::Helo { .. } => {
                self.reply(500, "5.5.1", "this is LMTP (RFC 2033): use LHLO")
            }
            Request::Mail { from } => {
                if !self.greeted {
                    self.reply(503, "5.5.1", "send LHLO first");
                } else if self.tx.is_some() {
                    self.reply(503, "5.5.1", "nested MAIL command");
                } else if from.size > self.ctx.config.max_message_bytes {
                    // RFC 1870 §6.
                    self.reply(
                        552,
                        "5.3.4",
                        "message size exceeds fixed maximum message size",
                    );
                } else {
                    self.tx = Some(Transaction {
                        from: from.address,
                        rcpts: Vec::new(),
                        is_chunking: false,
                    });
                    self.reply(250, "2.1.0", "sender OK");
                }
            }
            Request::Rcpt { to } => self.rcpt(to.address).await,
            Request::Data => match &self.tx {
                None => self.reply(503, "5.5.1", "need MAIL command"),
                Some(t) if t.is_chunking => self.reply(503, "5.5.1", "DATA after BDAT"),
                // RFC 2033 §4.2: no successful RCPT, DATA MUST fail with 503.
                Some(t) if t.rcpts.is_empty() => self.reply(503, "5.5.1", "no valid recipients"),
                Some(_) => {
                    self.reply(354, "", "start mail input; end with <CRLF>.<CRLF>");
                    self.decoder.start_data();
                }
            },
            Request::Rset => {
                self.tx = None;
                self.decoder.reset_message();
                self.reply(250, "2.0.0", "OK");
            }
            Request::Noop { .. } => self.reply(250, "2.0.0", "OK"),
            Request::Quit => {
                self.reply(221, "2.0.0", "bye");
                self.quit = true;
            }
            // RFC 5321 §3.5.3: 252 when we will not verify but would accept.
            Request::Vrfy { .. } => self.reply(
                252,
                "2.5.2",
                "cannot VRFY user, but will accept message and attempt delivery",
            ),
            Request::Expn { .. } => self.reply(502, "5.5.1", "EXPN not available"),
            Request::Help { .. } => self.reply(214, "2.0.0", "see RFC 2033"),
            // Checked by the decoder: BDAT arrives as Input::Chunk.
            Request::Bdat { .. } => self.reply(500, "5.5.2", "unexpected BDAT"),
            Request::Auth { .. }
            | Request::StartTls
            | Request::Etrn { .. }
            | Request::Atrn { .. }
            | Request::Burl { .. } => self.reply(502, "5.5.1", "command not implemented"),
        }
    }

    async fn rcpt(&mut self, address: String) {
        let max = self.ctx.config.max_recipients;
        let count = match &self.tx {
            None => return self.reply(503, "5.5.1", "need MAIL command"),
            Some(t) if t.is_chunking => return self.reply(503, "5.5.1", "RCPT after BDAT"),
            Some(t) => t.rcpts.len(),
        };
        if count >= max {
            // RFC 5321 §4.5.3.1.10.
            return self.reply(452, "4.5.3", "too many recipients");
        }
        match self
            .ctx
            .config
            .recipients
            .resolve(&*self.ctx.store, &address)
            .await
        {
            Ok(target) => {
                if let Some(t) = self.tx.as_mut() {
                    t.rcpts.push((address, target));
                }
                self.reply(250, "2.1.5", "recipient OK");
            }
            Err(DeliverError::NoUser) => self.reply(
                550,
                "5.1.1",
                &format!("<{}> no such user here", printable(&address)),
            ),
            Err(DeliverError::OverQuota) => self.reply(552, "5.2.2", "mailbox full"),
            Err(DeliverError::Data(why) | DeliverError::Temporary(why)) => {
                warn!(error = %why, "recipient lookup failed");
                self.reply(451, "4.3.0", "temporary failure, try again later")
            }
        }
    }

    async fn chunk(&mut self, size: usize, is_last: bool, too_big: bool) {
        let ok = match &mut self.tx {
            None => Err("need MAIL command"),
            Some(t) if t.rcpts.is_empty() => Err("no valid recipients"),
            Some(t) => {
                t.is_chunking = true;
                Ok(())
            }
        };
        if let Err(why) = ok {
            // RFC 3030 §2: the chunk was read anyway; it is discarded.
            self.decoder.reset_message();
            return self.reply(503, "5.5.1", why);
        }
        if !is_last {
            if too_big {
                // Keep reading chunks (the decoder discards them) and refuse at LAST.
                return self.reply(552, "5.3.4", "message too big");
            }
            return self.reply(250, "2.0.0", &format!("{size} octets received"));
        }
        if too_big {
            self.decoder.reset_message();
            self.tx = None;
            return self.per_recipient(552, "5.3.4", "message too big");
        }
        let message = self.decoder.take_message();
        self.deliver_all(message).await;
    }

    /// One reply per accepted recipient, all the same (RFC 2033 §4.2), then the
    /// transaction is over.
    fn per_recipient(&mut self, code: u16, esc: &str, text: &str) {
        let n = self.tx.take().map_or(0, |t| t.rcpts.len()).max(1);
        for _ in 0..n {
            self.reply(code, esc, text);
        }
    }

    /// Delivers to every accepted recipient and writes one reply each, in RCPT order.
    ///
    /// Stored once: the store is content-addressed, so identical bytes for N recipients
    /// are one blob. Delivered-To differs per recipient, so it is added only when the
    /// transaction has exactly one recipient (as Dovecot's LMTP does); a multi-recipient
    /// transaction carries Return-Path only and its N copies share one blob.
    async fn deliver_all(&mut self, message: Vec<u8>) {
        let Some(tx) = self.tx.take() else {
            return self.reply(503, "5.5.1", "need MAIL command");
        };
        let delivered_to = if tx.rcpts.len() == 1 {
            tx.rcpts.first().map(|(a, _)| a.as_str())
        } else {
            None
        };
        let mut content = delivery::trace_headers(Some(&tx.from), delivered_to);
        content.extend_from_slice(&message);
        drop(message);
        for (address, target) in &tx.rcpts {
            let result = delivery::deliver(
                &*self.ctx.store,
                target,
                None,
                content.clone(),
                Flags::default(),
            )
            .await;
            let shown = printable(address);
            match result {
                Ok((mailbox, uid)) => {
                    info!(rcpt = %shown, account = %target.account.name, mailbox = %mailbox, uid = uid.get(), "delivered");
                    self.reply(250, "2.0.0", &format!("<{shown}> delivered"));
                }
                Err(DeliverError::NoUser) => {
                    self.reply(550, "5.1.1", &format!("<{shown}> no such user here"))
                }
                Err(DeliverError::OverQuota) => {
                    self.reply(552, "5.2.2", &format!("<{shown}> mailbox full"))
                }
                Err(DeliverError::Data(why)) => {
                    info!(rcpt = %shown, error = %why, "message refused");
                    self.reply(554, "5.6.0", &format!("<{shown}> message refused"))
                }
                Err(DeliverError::Temporary(why)) => {
                    warn!(rcpt = %shown, error = %why, "delivery failed");
                    self.reply(
                        451,
                        "4.3.0",
                        &format!("<{shown}> temporary failure, try again later"),
                    )
                }
            }
        }
        // A successful delivery round is not a run of errors.
        self.errors = 0;
    }
}

/// An address as it may appear in a reply line: no control characters.
fn printable(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(256).collect()
}
