//! The session: owns the socket, reads and frames commands, dispatches them, writes the
//! tagged response, and keeps the selected view in sync between commands.
//!
//! States (RFC 9051 §3): Not Authenticated -> Authenticated <-> Selected -> Logout. The
//! dispatcher (`Session::dispatch`) is the one place that checks whether a command is
//! allowed in the current state and maps a handler's outcome to the tagged line.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use loft_proto_imap::{
    Code, Command, CommandBody, DecodeOptions, FrameStatus, Framer, MailboxArg, Numbering,
    ResponseWriter, Status, mailbox_name, parse_command,
};
use loft_store::AccountId;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::cmd::{self, CmdError, CmdResult};
use crate::selected::Selected;
use crate::{AsyncStream, ServerContext};

/// Responses are flushed before reading more input, and also once this much is pending.
const FLUSH_THRESHOLD_BYTES: usize = 256 * 1024;
/// Bytes asked of the socket per read while a command is being received (at least).
const READ_CHUNK_BYTES: usize = 16 * 1024;
/// Upper bound of one read's growth of the input buffer (a big literal doubles up to it).
const MAX_READ_CHUNK_BYTES: usize = 1024 * 1024;
/// Input buffer of a connection waiting for its next command (or IDLE's DONE).
const IDLE_READ_BYTES: usize = 512;
/// Response buffer kept across flushes; a larger one is freed after the flush.
const OUT_KEEP_BYTES: usize = 64 * 1024;
/// Response buffer kept while waiting for the client; a larger one is freed.
const OUT_IDLE_KEEP_BYTES: usize = 1024;
// RFC 9051 §5.4: the autologout timer is at least 30 minutes once authenticated; it may
// be shorter before. Both are configurable: `ImapConfig::timeouts`.
/// A TLS handshake after STARTTLS must finish within this.
const TLS_HANDSHAKE_TIMEOUT_SECS: u64 = 30;

/// Extensions the client has ENABLEd (RFC 5161) or that are implied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Enabled {
    pub imap4rev2: bool,
    pub utf8_accept: bool,
    pub condstore: bool,
    pub qresync: bool,
    /// RFC 9586 UIDONLY: no message numbers in requests or responses.
    pub uidonly: bool,
}

impl Enabled {
    /// Mailbox names and quoted strings may be UTF-8 (RFC 9051 §5.1, RFC 6855).
    pub fn is_utf8(&self) -> bool {
        self.imap4rev2 || self.utf8_accept
    }
}

/// The logged-in user.
#[derive(Debug, Clone)]
pub struct AccountCtx {
    pub id: AccountId,
    pub name: String,
}

/// What the session knows about its TLS layer, taken once after the handshake.
#[derive(Clone, PartialEq, Eq)]
pub struct TlsInfo {
    /// `TLSv1_3`, `TLSv1_2`.
    pub version: String,
    /// `TLS13_AES_256_GCM_SHA384`...
    pub cipher: String,
    /// The server name the client asked for (SNI).
    pub sni: Option<String>,
    /// RFC 9266 `tls-exporter` channel binding: 32 bytes exported with the label
    /// "EXPORTER-Channel-Binding" and no context. TLS 1.3 only: RFC 9266 §3 allows TLS 1.2
    /// only with the extended master secret, which is not checked here.
    pub exporter: Option<Vec<u8>>,
}

impl std::fmt::Debug for TlsInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsInfo")
            .field("version", &self.version)
            .field("cipher", &self.cipher)
            .field("sni", &self.sni)
            .field("exporter", &self.exporter.is_some())
            .finish()
    }
}

/// RFC 9266 §2.
const TLS_EXPORTER_LABEL: &[u8] = b"EXPORTER-Channel-Binding";
const TLS_EXPORTER_BYTES: usize = 32;

impl TlsInfo {
    pub fn from_connection(conn: &rustls::ServerConnection) -> TlsInfo {
        let version = conn.protocol_version();
        let exporter = (version == Some(rustls::ProtocolVersion::TLSv1_3))
            .then(|| {
                conn.export_keying_material([0u8; TLS_EXPORTER_BYTES], TLS_EXPORTER_LABEL, None)
                    .ok()
            })
            .flatten()
            .map(|b| b.to_vec());
        TlsInfo {
            version: version.map(|v| format!("{v:?}")).unwrap_or_default(),
            cipher: conn
                .negotiated_cipher_suite()
                .map(|c| format!("{:?}", c.suite()))
                .unwrap_or_default(),
            sni: conn.server_name().map(str::to_string),
            exporter,
        }
    }

    /// The SASL channel bindings of this connection.
    pub fn channel_bindings(&self) -> loft_auth::ChannelBindings {
        loft_auth::ChannelBindings {
            tls_exporter: self.exporter.clone(),
            tls_server_end_point: None,
        }
    }
}

/// The connection state of RFC 9051 §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    NotAuthenticated,
    Authenticated,
    Selected,
    Logout,
}

pub struct Session {
    pub ctx: Arc<ServerContext>,
    /// Responses are written here and flushed by the session (or by `flush` for streaming).
    pub out: ResponseWriter,
    pub enabled: Enabled,
    pub peer: SocketAddr,
    pub is_tls: bool,
    /// Set when `is_tls` and the handshake details are known (always for listeners of the
    /// `loft` binary; tests may pass a plain stream as TLS).
    pub tls_info: Option<TlsInfo>,
    /// The client's RFC 2971 ID `name`/`version`, for the audit log.
    pub client_id: Option<String>,
    /// The per-account connection slot, held while logged in.
    pub(crate) account_slot: Option<crate::config::Slot>,
    /// Some once authenticated.
    pub account: Option<AccountCtx>,
    /// Some in the Selected state.
    pub selected: Option<Selected>,
    stream: Option<Box<dyn AsyncStream>>,
    /// Received and not yet consumed; `inbuf[0]` starts the next command.
    inbuf: Vec<u8>,
    framer: Framer,
    /// Set by LOGOUT: close after the tagged OK.
    pub(crate) is_logout: bool,
    /// Set by STARTTLS: after the tagged OK, discard pipelined input and handshake.
    pub(crate) is_starttls_pending: bool,
    /// The peer went away (EOF or I/O error): stop without writing anything more.
    is_closed: bool,
    /// Set by COMPRESS (RFC 4978): after the tagged OK, wrap the stream (cmd/compress.rs).
    pub(crate) is_compress_pending: bool,
    /// Some once COMPRESS is active: the per-command inflate bound, reset per command.
    pub(crate) inflate_budget: Option<Arc<crate::compress::InflateBudget>>,
    /// Some after NOTIFY SET (RFC 5465): what to report while no command is in progress.
    pub(crate) notify: Option<Box<crate::notify::NotifyState>>,
}

impl Session {
    /// Write `out` to the socket and clear it. Handlers streaming large responses (FETCH of
    /// many bodies) call this when `out.len()` grows past a few hundred KiB.
    pub async fn flush(&mut self) -> std::io::Result<()> {
        if self.out.is_empty() {
            return Ok(());
        }
        let Some(stream) = self.stream.as_mut() else {
            self.out.clear();
            return Err(std::io::Error::from(std::io::ErrorKind::NotConnected));
        };
        let result = async {
            stream.write_all(self.out.as_bytes()).await?;
            stream.flush().await
        }
        .await;
        self.out.clear();
        // A large response (FETCH of many bodies) must not stay allocated for the life of
        // the connection.
        self.out.release_if_big(OUT_KEEP_BYTES);
        if result.is_err() {
            self.is_closed = true;
        }
        result
    }

    /// The current RFC 9051 §3 state.
    pub fn state(&self) -> State {
        if self.is_logout {
            State::Logout
        } else if self.account.is_none() {
            State::NotAuthenticated
        } else if self.selected.is_some() {
            State::Selected
        } else {
            State::Authenticated
        }
    }

    /// The logged-in account. The dispatcher only calls authenticated handlers when there
    /// is one, so the error arm is a defence, not a path.
    pub fn account_id(&self) -> Result<AccountId, CmdError> {
        self.account
            .as_ref()
            .map(|a| a.id)
            .ok_or_else(|| CmdError::bad("Not authenticated"))
    }

    /// Decode a mailbox argument (modified UTF-7, or UTF-8 once IMAP4rev2/UTF8=ACCEPT is
    /// enabled: RFC 9051 §5.1, RFC 6855 §3) into the store's UTF-8 name.
    pub fn decode_mailbox(&self, arg: &MailboxArg) -> Result<String, CmdError> {
        mailbox_name::decode(&arg.0, self.enabled.is_utf8())
            .map_err(|e| CmdError::no_code(Code::Cannot, format!("Invalid mailbox name: {e}")))
    }

    /// Encode a store name for the wire in the client's current mode.
    pub fn encode_mailbox(&self, name: &str) -> Vec<u8> {
        mailbox_name::encode(name, self.enabled.is_utf8())
    }

    /// Read more bytes from the client into the input buffer. Ok(0) at end of stream.
    pub(crate) async fn read_more(&mut self) -> std::io::Result<usize> {
        let Some(stream) = self.stream.as_mut() else {
            return Ok(0);
        };
        // Issue 6 (memory per idle connection): with nothing pending, wait for input in a
        // small buffer (a command line or IDLE's DONE fits), dropping whatever a large
        // command (an APPEND literal) grew it to; a longer command grows it by doubling.
        let additional = if self.inbuf.is_empty() {
            if self.inbuf.capacity() > IDLE_READ_BYTES {
                self.inbuf = Vec::new();
            }
            IDLE_READ_BYTES
        } else {
            self.inbuf
                .len()
                .clamp(READ_CHUNK_BYTES, MAX_READ_CHUNK_BYTES)
        };
        self.inbuf.reserve(additional);
        match stream.read_buf(&mut self.inbuf).await {
            Ok(0) => {
                self.is_closed = true;
                Ok(0)
            }
            Ok(n) => Ok(n),
            Err(e) => {
                self.is_closed = true;
                Err(e)
            }
        }
    }

    /// Take one CRLF (or bare LF) terminated line from the input buffer, without the line
    /// ending. Used for the continuation data of AUTHENTICATE and for IDLE's DONE, which are
    /// not commands and so bypass the framer (the framer is reset between commands).
    pub(crate) fn take_line(&mut self) -> Result<Option<Vec<u8>>, CmdError> {
        match self.inbuf.iter().position(|&b| b == b'\n') {
            Some(pos) => {
                let mut line: Vec<u8> = self.inbuf.drain(..=pos).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                Ok(Some(line))
            }
            None if self.inbuf.len() > self.ctx.config.max_line_bytes => {
                Err(CmdError::Fatal("Line too long".into()))
            }
            None => Ok(None),
        }
    }

    /// Flush pending responses, then wait for one line from the client.
    pub(crate) async fn read_line(&mut self) -> Result<Vec<u8>, CmdError> {
        self.flush()
            .await
            .map_err(|_| CmdError::Fatal("Connection lost".into()))?;
        loop {
            if let Some(line) = self.take_line()? {
                return Ok(line);
            }
            match self.read_more().await {
                Ok(0) | Err(_) => return Err(CmdError::Fatal("Connection lost".into())),
                Ok(_) => {}
            }
        }
    }

    /// Free a response buffer grown by earlier commands before waiting for the client
    /// (issue 6: thousands of idle connections must each cost little).
    pub(crate) fn release_idle_buffers(&mut self) {
        self.out.release_if_big(OUT_IDLE_KEEP_BYTES);
    }

    /// Whether the peer has gone away.
    pub(crate) fn is_closed(&self) -> bool {
        self.is_closed
    }

    fn new(
        ctx: Arc<ServerContext>,
        stream: Box<dyn AsyncStream>,
        peer: SocketAddr,
        is_tls: bool,
    ) -> Session {
        let framer = Framer::new(ctx.config.max_line_bytes, ctx.config.max_literal_bytes);
        Session {
            ctx,
            out: ResponseWriter::new(),
            enabled: Enabled::default(),
            peer,
            is_tls,
            tls_info: None,
            client_id: None,
            account_slot: None,
            account: None,
            selected: None,
            stream: Some(stream),
            inbuf: Vec::new(),
            framer,
            is_logout: false,
            is_starttls_pending: false,
            is_closed: false,
            is_compress_pending: false,
            inflate_budget: None,
            notify: None,
        }
    }

    fn new_framer(&self) -> Framer {
        Framer::new(
            self.ctx.config.max_line_bytes,
            self.ctx.config.max_literal_bytes,
        )
    }

    /// The read loop: frame, decode, dispatch, until LOGOUT, a fatal error or EOF.
    async fn serve(&mut self) {
        let caps = crate::capabilities::capabilities(self);
        self.out
            .untagged_status(Status::Ok, Some(&Code::Capability(caps)), "Loft ready");
        let decode_opts = DecodeOptions {
            max_nesting: self.ctx.config.max_nesting,
        };
        let mut commands_since_flush = 0usize;

        while !self.is_closed && !self.is_logout {
            match self.framer.next(&self.inbuf) {
                FrameStatus::Incomplete => {
                    // RFC 5465 §3.1: with NOTIFY active, events are delivered while no
                    // command is in progress (nothing of the next one received yet).
                    let is_open = if self.notify.is_some() && self.inbuf.is_empty() {
                        crate::notify::read_input_notifying(self).await
                    } else {
                        self.read_input().await
                    };
                    if !is_open {
                        break;
                    }
                    commands_since_flush = 0;
                }
                FrameStatus::LiteralFound { sync, .. } => {
                    if sync {
                        // RFC 9051 §7.5: the client waits for this before sending the bytes.
                        self.out.continuation("Ready for literal data");
                        if self.flush().await.is_err() {
                            break;
                        }
                    }
                }
                FrameStatus::Complete { len } => {
                    let len = len.min(self.inbuf.len());
                    let parsed = parse_command(&self.inbuf[..len], &decode_opts);
                    self.inbuf.drain(..len);
                    self.framer.reset();
                    if let Some(budget) = &self.inflate_budget {
                        budget.reset();
                    }
                    match parsed {
                        Ok(command) => self.dispatch(command).await,
                        Err(e) => {
                            let code = e.code.as_ref();
                            // RFC 9051 §6.4.4: an unsupported CHARSET is refused with NO
                            // [BADCHARSET], not BAD; every other decode failure is a BAD.
                            let status = if e.is_refusal() {
                                Status::No
                            } else {
                                Status::Bad
                            };
                            match &e.tag {
                                Some(tag) => self.out.tagged(tag, status, code, &e.text),
                                None => self.out.untagged_status(status, code, &e.text),
                            }
                        }
                    }
                    commands_since_flush += 1;
                    if self.out.len() >= FLUSH_THRESHOLD_BYTES
                        || commands_since_flush >= self.ctx.config.max_pipelined_commands.max(1)
                    {
                        if self.flush().await.is_err() {
                            break;
                        }
                        commands_since_flush = 0;
                    }
                    if self.is_starttls_pending {
                        self.is_starttls_pending = false;
                        if !self.start_tls().await {
                            break;
                        }
                    }
                    if self.is_compress_pending {
                        self.is_compress_pending = false;
                        if self.flush().await.is_err() {
                            break;
                        }
                        crate::cmd::compress::activate(self);
                    }
                }
                FrameStatus::LineTooLong { tag } => {
                    // The framer discards the rest of the line (in chunks, so the buffer
                    // stays small) and reports it as `Discarded`.
                    self.write_tagged_or_untagged(
                        tag.as_deref(),
                        Status::Bad,
                        None,
                        "Line too long",
                    );
                    self.framer.skip_line();
                }
                FrameStatus::LiteralTooBig { tag, sync, .. } => {
                    // RFC 9051 §7.1 TOOBIG. For a synchronizing literal the refusal comes
                    // before the client sends the bytes and the command is over; for a
                    // LITERAL+ one the client sends them anyway and the framer discards
                    // them (RFC 7888 §4 choice 1: the answer may precede the bytes).
                    self.write_tagged_or_untagged(
                        tag.as_deref(),
                        Status::No,
                        Some(&Code::TooBig),
                        "Literal too big",
                    );
                    if sync {
                        self.framer.abandon();
                    }
                    if self.flush().await.is_err() {
                        break;
                    }
                }
                FrameStatus::Discarded { len } => {
                    let len = len.min(self.inbuf.len());
                    self.inbuf.drain(..len);
                    self.framer.reset();
                }
            }
        }
        if !self.is_closed {
            let _ = self.flush().await;
        }
        if let Some(mut stream) = self.stream.take() {
            let _ = stream.shutdown().await;
        }
    }

    /// Flush, then read more input within the autologout time. False when the connection
    /// is over (EOF, error, timeout after `* BYE`).
    async fn read_input(&mut self) -> bool {
        if self.flush().await.is_err() {
            return false;
        }
        self.release_idle_buffers();
        let timeout = if self.account.is_some() {
            self.ctx.config.timeouts.authenticated
        } else {
            self.ctx.config.timeouts.not_authenticated
        };
        match tokio::time::timeout(timeout, self.read_more()).await {
            Ok(Ok(n)) => n > 0,
            Ok(Err(_)) => false,
            Err(_) => {
                self.out
                    .untagged_status(Status::Bye, None, "Autologout; idle for too long");
                let _ = self.flush().await;
                false
            }
        }
    }

    fn write_tagged_or_untagged(
        &mut self,
        tag: Option<&str>,
        status: Status,
        code: Option<&Code>,
        text: &str,
    ) {
        match tag.and_then(loft_proto_imap::Tag::new) {
            Some(tag) => self.out.tagged(&tag, status, code, text),
            None => self.out.untagged_status(status, code, text),
        }
    }

    /// The one place that checks the state, runs the handler, syncs the selected view and
    /// writes the tagged response.
    async fn dispatch(&mut self, command: Command) {
        let Command { tag, body } = command;
        let name = body.name();
        if !is_allowed(&body, self.state()) {
            let text = match self.state() {
                State::NotAuthenticated => {
                    format!("{name} not allowed in this state: not authenticated")
                }
                State::Authenticated => {
                    format!("{name} not allowed in this state: no mailbox selected")
                }
                State::Selected => {
                    format!("{name} not allowed in this state: a mailbox is selected")
                }
                State::Logout => format!("{name} not allowed in this state"),
            };
            self.out.tagged(&tag, Status::Bad, None, &text);
            return;
        }
        if self.enabled.uidonly && cmd::enable::uses_message_numbers(&body) {
            // RFC 9586 §3: message numbers are refused once UIDONLY is enabled.
            let code = Code::Other("UIDREQUIRED".into());
            self.out.tagged(
                &tag,
                Status::Bad,
                Some(&code),
                "Message sequence numbers are not allowed after ENABLE UIDONLY",
            );
            return;
        }
        // RFC 9051 §7.5.1: no EXPUNGE while responding to FETCH, STORE or SEARCH; the UID
        // forms may carry them, except a UID SEARCH with message numbers in its criteria
        // (RFC 9051 §7.5.1, RFC 7162 §3.2.10 for VANISHED), and likewise UID SORT/THREAD.
        let uses_numbers = cmd::search::uses_message_numbers;
        let allow_expunge = match &body {
            CommandBody::Fetch(f) => f.numbering == Numbering::Uid,
            CommandBody::Store(s) => s.numbering == Numbering::Uid,
            CommandBody::Search(s) => s.numbering == Numbering::Uid && !uses_numbers(&s.key),
            // RFC 5256 §3: no EXPUNGE during SORT/THREAD, allowed during the UID forms.
            CommandBody::Sort(s) => s.numbering == Numbering::Uid && !uses_numbers(&s.key),
            CommandBody::Thread(t) => t.numbering == Numbering::Uid && !uses_numbers(&t.key),
            // RFC 7377 ESEARCH answers with UIDs; message numbers in its criteria hold
            // expunges back as for UID SEARCH.
            CommandBody::Esearch { search, .. } => !uses_numbers(&search.key),
            _ => true,
        };
        let is_logout = matches!(body, CommandBody::Logout);
        if let CommandBody::Id(Some(params)) = &body {
            self.client_id = Some(client_id_summary(params));
        }
        // The ESEARCH correlator (RFC 4731 §3.1) is the one response that needs the tag;
        // handlers read it through `cmd::current_tag()`.
        let result = cmd::CURRENT_TAG
            .scope(tag.clone(), self.run_handler(body))
            .await;
        if self.is_closed {
            return;
        }
        if !matches!(result, Err(CmdError::Fatal(_))) && !is_logout {
            self.sync_selected(allow_expunge).await;
            if self.notify.is_some() {
                crate::notify::after_command(self, name).await;
            }
        }
        match result {
            Ok(done) => {
                let text = if done.text.is_empty() {
                    format!("{name} completed")
                } else {
                    done.text.into_owned()
                };
                self.out.tagged(&tag, Status::Ok, done.code.as_ref(), &text);
            }
            Err(CmdError::Bad { code, text }) => {
                self.out.tagged(&tag, Status::Bad, code.as_ref(), &text)
            }
            Err(CmdError::No { code, text }) => {
                self.out.tagged(&tag, Status::No, code.as_ref(), &text)
            }
            Err(CmdError::Internal(e)) => {
                tracing::error!(
                    peer = %self.peer,
                    account = self.account.as_ref().map(|a| a.name.as_str()),
                    command = name,
                    error = %e,
                    "command failed"
                );
                self.out.tagged(
                    &tag,
                    Status::No,
                    Some(&Code::ServerBug),
                    "Internal error; the incident was logged",
                );
            }
            Err(CmdError::Fatal(text)) => {
                self.is_starttls_pending = false;
                self.out.untagged_status(Status::Bye, None, &text);
                let _ = self.flush().await;
                self.is_logout = true;
            }
        }
    }

    /// Bring the selected view up to date and write its untagged responses.
    pub(crate) async fn sync_selected(&mut self, allow_expunge: bool) {
        let Some(account) = self.account.as_ref().map(|a| a.id) else {
            return;
        };
        let Some(selected) = self.selected.as_mut() else {
            return;
        };
        let store = self.ctx.store.clone();
        if let Err(e) = selected
            .sync(
                store.as_ref(),
                account,
                &mut self.out,
                &self.enabled,
                allow_expunge,
            )
            .await
        {
            tracing::warn!(peer = %self.peer, mailbox = %selected.mailbox.name, error = %e, "sync of the selected mailbox failed");
        }
        // RFC 5267 §4.3: ADDTO/REMOVEFROM for searches with UPDATE, after the EXISTS and
        // FETCH responses that caused them.
        crate::context_update::update(self).await;
    }

    async fn run_handler(&mut self, body: CommandBody) -> CmdResult {
        use CommandBody::*;
        match body {
            Capability => cmd::capability::handle(self).await,
            Noop => cmd::noop::handle(self).await,
            Logout => cmd::logout::handle(self).await,
            Id(params) => cmd::id::handle(self, params).await,
            StartTls => cmd::starttls::handle(self).await,
            Authenticate { mechanism, initial } => {
                cmd::authenticate::handle(self, mechanism, initial).await
            }
            Login { user, password } => cmd::login::handle(self, user, password).await,
            Enable(caps) => cmd::enable::handle(self, caps).await,
            Select { mailbox, params } => cmd::select::handle(self, mailbox, params, false).await,
            Examine { mailbox, params } => cmd::select::handle(self, mailbox, params, true).await,
            Create {
                mailbox,
                special_use,
            } => cmd::create::handle(self, mailbox, special_use).await,
            Delete { mailbox } => cmd::delete::handle(self, mailbox).await,
            Rename { from, to } => cmd::rename::handle(self, from, to).await,
            Subscribe { mailbox } => cmd::subscribe::handle(self, mailbox, true).await,
            Unsubscribe { mailbox } => cmd::subscribe::handle(self, mailbox, false).await,
            List(list) => cmd::list::handle(self, list).await,
            Lsub { reference, pattern } => cmd::list::handle_lsub(self, reference, pattern).await,
            Namespace => cmd::namespace::handle(self).await,
            Status { mailbox, items } => cmd::status::handle(self, mailbox, items).await,
            Append { mailbox, messages } => cmd::append::handle(self, mailbox, messages).await,
            Idle => cmd::idle::handle(self).await,
            Check => cmd::check::handle(self).await,
            Close => cmd::close::handle(self, true).await,
            Unselect => cmd::close::handle(self, false).await,
            Expunge => cmd::expunge::handle(self, None).await,
            UidExpunge(set) => cmd::expunge::handle(self, Some(set)).await,
            Search(search) => cmd::search::handle(self, search).await,
            Sort(sort) => cmd::sort::handle(self, sort).await,
            Thread(thread) => cmd::thread::handle(self, thread).await,
            Fetch(fetch) => cmd::fetch::handle(self, fetch).await,
            Store(store) => cmd::store::handle(self, store).await,
            Copy {
                numbering,
                set,
                mailbox,
            } => cmd::copy_move::handle(self, numbering, set, mailbox, false).await,
            Move {
                numbering,
                set,
                mailbox,
            } => cmd::copy_move::handle(self, numbering, set, mailbox, true).await,
            Unauthenticate => cmd::unauthenticate::handle(self).await,
            Replace {
                numbering,
                number,
                mailbox,
                message,
            } => cmd::replace::handle(self, numbering, number, mailbox, message).await,
            Compress(mechanism) => cmd::compress::handle(self, mechanism).await,
            GetMetadata {
                mailbox,
                options,
                entries,
            } => cmd::metadata::get(self, mailbox, options, entries).await,
            SetMetadata { mailbox, entries } => cmd::metadata::set(self, mailbox, entries).await,
            Notify(set) => cmd::notify::handle(self, set).await,
            Esearch { source, search } => cmd::esearch::handle(self, source, search).await,
            CancelUpdate(tags) => cmd::cancelupdate::handle(self, tags).await,
        }
    }

    /// Replace the stream with a layer over it (COMPRESS, RFC 4978). `wrap` also gets the
    /// input already read past the last command, which belongs to the new layer.
    pub(crate) fn wrap_stream(
        &mut self,
        wrap: impl FnOnce(Box<dyn AsyncStream>, Vec<u8>) -> Box<dyn AsyncStream>,
    ) {
        if let Some(stream) = self.stream.take() {
            let pending = std::mem::take(&mut self.inbuf);
            self.stream = Some(wrap(stream, pending));
        }
    }

    /// After `OK` to STARTTLS: RFC 9051 §6.2.1 — throw away whatever the client pipelined
    /// after the command (the plaintext command-injection attack, CERT-555316), then run
    /// the TLS handshake and carry on over TLS in the Not Authenticated state.
    async fn start_tls(&mut self) -> bool {
        if self.flush().await.is_err() {
            return false;
        }
        self.inbuf.clear();
        self.framer = self.new_framer();
        let (Some(acceptor), Some(stream)) = (self.ctx.tls.clone(), self.stream.take()) else {
            return false;
        };
        let handshake = acceptor.accept(stream);
        match tokio::time::timeout(Duration::from_secs(TLS_HANDSHAKE_TIMEOUT_SECS), handshake).await
        {
            Ok(Ok(tls)) => {
                self.tls_info = Some(TlsInfo::from_connection(tls.get_ref().1));
                self.stream = Some(Box::new(tls));
                self.is_tls = true;
                true
            }
            Ok(Err(e)) => {
                tracing::debug!(peer = %self.peer, error = %e, "TLS handshake after STARTTLS failed");
                self.is_closed = true;
                false
            }
            Err(_) => {
                tracing::debug!(peer = %self.peer, "TLS handshake after STARTTLS timed out");
                self.is_closed = true;
                false
            }
        }
    }
}

/// `name/version` from an RFC 2971 ID, cut short (RFC 2971 §3.3 allows 1024-octet values)
/// and without control characters, for the audit log.
fn client_id_summary(params: &[(String, Option<String>)]) -> String {
    let field = |k: &str| {
        params
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(k))
            .and_then(|(_, v)| v.as_deref())
            .map(|v| {
                v.chars()
                    .filter(|c| !c.is_control())
                    .take(64)
                    .collect::<String>()
            })
    };
    match (field("name"), field("version")) {
        (Some(n), Some(v)) => format!("{n}/{v}"),
        (Some(n), None) => n,
        (None, Some(v)) => format!("?/{v}"),
        (None, None) => String::from("?"),
    }
}

/// RFC 9051 §6: which commands are valid in which state.
fn is_allowed(body: &CommandBody, state: State) -> bool {
    use CommandBody::*;
    match body {
        Capability | Noop | Logout | Id(_) => state != State::Logout,
        StartTls | Authenticate { .. } | Login { .. } => state == State::NotAuthenticated,
        // RFC 5161 §3.1: ENABLE is only valid in the authenticated state.
        Enable(_) => state == State::Authenticated,
        Select { .. }
        | Examine { .. }
        | Create { .. }
        | Delete { .. }
        | Rename { .. }
        | Subscribe { .. }
        | Unsubscribe { .. }
        | List(_)
        | Lsub { .. }
        | Namespace
        | Status { .. }
        | Append { .. }
        | Idle => {
            matches!(state, State::Authenticated | State::Selected)
        }
        Check
        | Close
        | Unselect
        | Expunge
        | UidExpunge(_)
        | Search(_)
        | Sort(_)
        | Thread(_)
        | Fetch(_)
        | Store(_)
        | Copy { .. }
        | Move { .. }
        | Replace { .. }
        | CancelUpdate(_) => state == State::Selected,
        // RFC 8437 §3, RFC 4978 §3 (after authentication), RFC 5464 §4 (mailbox commands).
        Unauthenticate
        | Compress(_)
        | GetMetadata { .. }
        | SetMetadata { .. }
        | Notify(_)
        | Esearch { .. } => {
            matches!(state, State::Authenticated | State::Selected)
        }
    }
}

/// Serve a connection whose TLS handshake (implicit TLS, RFC 8314 §3.3) is done: like
/// `loft_imap::serve_connection(.., true)`, but the session learns the TLS version, cipher
/// and channel binding data (SCRAM-SHA-256-PLUS, the audit log).
pub async fn serve_tls<IO>(
    ctx: Arc<ServerContext>,
    stream: tokio_rustls::server::TlsStream<IO>,
    peer: SocketAddr,
) where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let info = TlsInfo::from_connection(stream.get_ref().1);
    let mut session = Session::new(ctx, Box::new(stream), peer, true);
    session.tls_info = Some(info);
    tracing::debug!(peer = %peer, is_tls = true, "IMAP session started");
    session.serve().await;
    tracing::debug!(peer = %peer, "IMAP session ended");
}

pub(crate) async fn run(
    ctx: Arc<ServerContext>,
    stream: Box<dyn AsyncStream>,
    peer: SocketAddr,
    is_tls: bool,
) {
    let mut session = Session::new(ctx, stream, peer, is_tls);
    tracing::debug!(peer = %peer, is_tls, "IMAP session started");
    session.serve().await;
    tracing::debug!(peer = %peer, "IMAP session ended");
}
