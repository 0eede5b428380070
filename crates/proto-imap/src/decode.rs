//! Command decoder: one framed command (as delimited by the `Framer`, literals included)
//! to a `Command`. Grammar: RFC 9051 §9, with the RFC 3501 forms rev1 clients still send,
//! and the extensions named on each rule (RFC 2971 ID, RFC 4959 SASL-IR, RFC 5258
//! LIST-EXTENDED, RFC 6154 CREATE-SPECIAL-USE, RFC 4731 ESEARCH, RFC 5182 SEARCHRES,
//! RFC 7162 CONDSTORE/QRESYNC, RFC 3516 BINARY, RFC 3502 MULTIAPPEND, RFC 7888 LITERAL+).
//!
//! Keywords are case-insensitive (RFC 9051 §9 note 2). Every error names what was wrong;
//! the tag is carried when it could be read so the session answers `tag BAD ...`.

use crate::ast::*;
use crate::datetime;
use crate::writer::Code;

/// Nesting limit used when `DecodeOptions::max_nesting` is 0.
pub const DEFAULT_MAX_NESTING: usize = 64;

/// Larger configured limits are clamped to this.
pub const HARD_MAX_NESTING: usize = 1000;

#[derive(Debug, Clone)]
pub struct DecodeOptions {
    /// Max nesting of parenthesised lists and SEARCH keys (OR/NOT/parens).
    /// 0 means `DEFAULT_MAX_NESTING`; values above `HARD_MAX_NESTING` are clamped.
    pub max_nesting: usize,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            max_nesting: DEFAULT_MAX_NESTING,
        }
    }
}

/// Why a framed command could not be decoded. The session answers `tag BAD text`, or
/// `* BAD text` when no tag could be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text}")]
pub struct DecodeError {
    pub tag: Option<Tag>,
    pub text: String,
    /// RFC 5530 code to attach, e.g. "BADCHARSET (US-ASCII UTF-8)" for an unknown CHARSET.
    pub code: Option<crate::writer::Code>,
}

impl DecodeError {
    /// True when the answer must be a tagged NO rather than BAD: RFC 9051 §6.4.4 says an
    /// unsupported SEARCH CHARSET gets "a tagged NO response (not a BAD)" with BADCHARSET.
    pub fn is_refusal(&self) -> bool {
        matches!(self.code, Some(Code::BadCharset(_)))
    }
}

/// The charsets SEARCH accepts (RFC 9051 §6.4.4: US-ASCII and UTF-8 are mandatory).
pub const SEARCH_CHARSETS: [&str; 2] = ["US-ASCII", "UTF-8"];

/// Decode one complete command (as delimited by the `Framer`, including literals and the
/// final CRLF).
pub fn parse_command(input: &[u8], opts: &DecodeOptions) -> Result<Command, DecodeError> {
    // Each nesting level is one stack frame of the recursive SEARCH parser; the hard cap keeps
    // a misconfigured limit from overflowing a 2 MiB tokio worker stack.
    let max_nesting = match opts.max_nesting {
        0 => DEFAULT_MAX_NESTING,
        n => n.min(HARD_MAX_NESTING),
    };
    if input == b"\r\n" {
        return Err(DecodeError {
            tag: None,
            text: "Empty command line".into(),
            code: None,
        });
    }
    let mut p = Parser {
        input,
        pos: 0,
        tag: None,
        cmd: "command",
        max_nesting,
    };
    let tag = p.tag()?;
    p.tag = Some(tag.clone());
    if p.at_line_end() {
        return Err(p.err("Missing command"));
    }
    p.sp()?;
    let body = p.command()?;
    p.crlf()?;
    Ok(Command { tag, body })
}

type PResult<T> = Result<T, DecodeError>;

struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
    tag: Option<Tag>,
    /// Current command name, for "Missing argument to X".
    cmd: &'static str,
    max_nesting: usize,
}

impl<'a> Parser<'a> {
    // ---- commands -------------------------------------------------------------------

    fn command(&mut self) -> PResult<CommandBody> {
        let start = self.pos;
        let name = self.keyword();
        if name.is_empty() {
            return Err(self.err("Missing command name"));
        }
        let upper = name.to_ascii_uppercase();
        use CommandBody as C;
        let simple = match upper.as_slice() {
            b"CAPABILITY" => Some(C::Capability),
            b"NOOP" => Some(C::Noop),
            b"LOGOUT" => Some(C::Logout),
            b"STARTTLS" => Some(C::StartTls),
            b"NAMESPACE" => Some(C::Namespace),
            b"IDLE" => Some(C::Idle),
            b"CHECK" => Some(C::Check),
            b"CLOSE" => Some(C::Close),
            b"UNSELECT" => Some(C::Unselect),
            b"EXPUNGE" => Some(C::Expunge),
            b"UNAUTHENTICATE" => Some(C::Unauthenticate),
            _ => None,
        };
        if let Some(body) = simple {
            if !self.at_line_end() {
                return Err(self.err(format!("Unexpected arguments to {}", body.name())));
            }
            return Ok(body);
        }
        let body = match upper.as_slice() {
            b"ID" => self.id()?,
            b"AUTHENTICATE" => self.authenticate()?,
            b"LOGIN" => {
                self.cmd = "LOGIN";
                self.sp()?;
                let user = self.astring("user name")?;
                self.sp()?;
                let password = self.astring("password")?;
                C::Login { user, password }
            }
            b"ENABLE" => self.enable()?,
            b"SELECT" => {
                let (mailbox, params) = self.select("SELECT")?;
                C::Select { mailbox, params }
            }
            b"EXAMINE" => {
                let (mailbox, params) = self.select("EXAMINE")?;
                C::Examine { mailbox, params }
            }
            b"CREATE" => self.create()?,
            b"DELETE" => C::Delete {
                mailbox: self.single_mailbox("DELETE")?,
            },
            b"SUBSCRIBE" => C::Subscribe {
                mailbox: self.single_mailbox("SUBSCRIBE")?,
            },
            b"UNSUBSCRIBE" => C::Unsubscribe {
                mailbox: self.single_mailbox("UNSUBSCRIBE")?,
            },
            b"RENAME" => {
                self.cmd = "RENAME";
                self.sp()?;
                let from = self.mailbox()?;
                self.sp()?;
                let to = self.mailbox()?;
                C::Rename { from, to }
            }
            b"LIST" => self.list()?,
            b"LSUB" => {
                self.cmd = "LSUB";
                self.sp()?;
                let reference = self.mailbox()?;
                self.sp()?;
                let pattern = self.list_mailbox()?;
                C::Lsub { reference, pattern }
            }
            b"STATUS" => {
                self.cmd = "STATUS";
                self.sp()?;
                let mailbox = self.mailbox()?;
                self.sp()?;
                let items = self.status_items()?;
                C::Status { mailbox, items }
            }
            b"APPEND" => self.append()?,
            b"SEARCH" => self.search(Numbering::Seq)?,
            b"SORT" => self.sort(Numbering::Seq)?,
            b"THREAD" => self.thread(Numbering::Seq)?,
            b"FETCH" => self.fetch(Numbering::Seq)?,
            b"STORE" => self.store(Numbering::Seq)?,
            b"COPY" => self.copy_move(Numbering::Seq, false)?,
            b"MOVE" => self.copy_move(Numbering::Seq, true)?,
            b"UID" => self.uid()?,
            b"REPLACE" => self.replace(Numbering::Seq)?,
            b"COMPRESS" => {
                // RFC 4978 §3: "COMPRESS" SP algorithm.
                self.cmd = "COMPRESS";
                self.sp()?;
                let name = self.atom("compression mechanism")?;
                C::Compress(String::from_utf8_lossy(&name).to_ascii_uppercase())
            }
            b"GETMETADATA" => self.getmetadata()?,
            b"SETMETADATA" => self.setmetadata()?,
            b"NOTIFY" => self.notify()?,
            b"ESEARCH" => self.esearch()?,
            _ => {
                let word = self.word_for_error(start);
                return Err(self.err(format!("Unknown command {word}")));
            }
        };
        if !self.at_line_end() {
            return Err(self.err(format!("Unexpected characters at end of {}", body.name())));
        }
        Ok(body)
    }

    fn uid(&mut self) -> PResult<CommandBody> {
        self.cmd = "UID";
        self.sp()?;
        let start = self.pos;
        let sub = self.keyword().to_ascii_uppercase();
        match sub.as_slice() {
            b"FETCH" => self.fetch(Numbering::Uid),
            b"SEARCH" => self.search(Numbering::Uid),
            b"SORT" => self.sort(Numbering::Uid),
            b"THREAD" => self.thread(Numbering::Uid),
            b"STORE" => self.store(Numbering::Uid),
            b"COPY" => self.copy_move(Numbering::Uid, false),
            b"MOVE" => self.copy_move(Numbering::Uid, true),
            b"REPLACE" => self.replace(Numbering::Uid),
            b"EXPUNGE" => {
                // RFC 4315 §2.1 / RFC 9051 §6.4.9.
                self.cmd = "UID EXPUNGE";
                self.sp()?;
                Ok(CommandBody::UidExpunge(self.sequence_set()?))
            }
            _ => {
                let word = self.word_for_error(start);
                Err(self.err(format!("Unknown UID command {word}")))
            }
        }
    }

    /// RFC 2971 §4: `"ID" SP ("(" #(string SP nstring) ")" / nil)`.
    fn id(&mut self) -> PResult<CommandBody> {
        self.cmd = "ID";
        self.sp()?;
        if self.eat_nil() {
            return Ok(CommandBody::Id(None));
        }
        self.open_paren("ID parameter list")?;
        let mut pairs = Vec::new();
        if !self.eat(b')') {
            loop {
                let field = self.string("ID field name")?;
                self.sp()?;
                let value = self.nstring("ID field value")?;
                pairs.push((
                    String::from_utf8_lossy(&field).into_owned(),
                    value.map(|v| String::from_utf8_lossy(&v).into_owned()),
                ));
                if self.eat(b')') {
                    break;
                }
                self.sp()?;
            }
        }
        Ok(CommandBody::Id(Some(pairs)))
    }

    /// RFC 9051 §6.2.2, SASL-IR (RFC 4959 §7): `"AUTHENTICATE" SP auth-type [SP (base64 / "=")]`.
    fn authenticate(&mut self) -> PResult<CommandBody> {
        self.cmd = "AUTHENTICATE";
        self.sp()?;
        let mech = self.atom("SASL mechanism name")?;
        let mechanism = String::from_utf8_lossy(&mech).to_ascii_uppercase();
        let mut initial = None;
        if self.eat(b' ') {
            let start = self.pos;
            while self
                .peek()
                .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
            {
                self.pos += 1;
            }
            let arg = &self.input[start..self.pos];
            if arg.is_empty() || !(arg == b"=" || is_base64(arg)) {
                return Err(self.err("Invalid base64 in AUTHENTICATE initial response"));
            }
            initial = Some(arg.to_vec());
        }
        Ok(CommandBody::Authenticate { mechanism, initial })
    }

    /// RFC 5161 §3.1: `"ENABLE" 1*(SP capability)`; capability names are upper-cased.
    fn enable(&mut self) -> PResult<CommandBody> {
        self.cmd = "ENABLE";
        let mut caps = Vec::new();
        loop {
            self.sp()?;
            let cap = self.atom("capability name")?;
            caps.push(String::from_utf8_lossy(&cap).to_ascii_uppercase());
            if self.at_line_end() {
                return Ok(CommandBody::Enable(caps));
            }
        }
    }

    /// SELECT/EXAMINE with RFC 4466 §2.1 select-params: CONDSTORE (RFC 7162 §3.1.8) and
    /// QRESYNC (RFC 7162 §3.2.5).
    fn select(&mut self, name: &'static str) -> PResult<(MailboxArg, SelectParams)> {
        self.cmd = name;
        self.sp()?;
        let mailbox = self.mailbox()?;
        let mut params = SelectParams::default();
        if self.eat(b' ') {
            self.open_paren("SELECT parameters")?;
            loop {
                let kw = self.keyword_upper("SELECT parameter")?;
                match kw.as_slice() {
                    b"CONDSTORE" => params.condstore = true,
                    b"QRESYNC" => {
                        self.sp()?;
                        params.qresync = Some(self.qresync()?);
                    }
                    _ => {
                        return Err(self.err(format!(
                            "Unknown {name} parameter {}",
                            String::from_utf8_lossy(&kw)
                        )));
                    }
                }
                if self.eat(b')') {
                    break;
                }
                self.sp()?;
            }
        }
        Ok((mailbox, params))
    }

    /// `"(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"`.
    fn qresync(&mut self) -> PResult<QresyncParams> {
        self.open_paren("QRESYNC parameters")?;
        let uid_validity = self.nz_number("UIDVALIDITY")?;
        self.sp()?;
        let modseq = self.number64("mod-sequence")?;
        let mut known_uids = None;
        let mut seq_match = None;
        if self.eat(b' ') {
            if self.peek() != Some(b'(') {
                known_uids = Some(self.sequence_set()?);
                if self.eat(b' ') {
                    seq_match = Some(self.seq_match()?);
                }
            } else {
                seq_match = Some(self.seq_match()?);
            }
        }
        self.close_paren("QRESYNC parameters")?;
        Ok(QresyncParams {
            uid_validity,
            modseq,
            known_uids,
            seq_match,
        })
    }

    fn seq_match(&mut self) -> PResult<(SequenceSet, SequenceSet)> {
        self.open_paren("QRESYNC sequence match data")?;
        let seqs = self.sequence_set()?;
        self.sp()?;
        let uids = self.sequence_set()?;
        self.close_paren("QRESYNC sequence match data")?;
        Ok((seqs, uids))
    }

    /// RFC 9051 §6.3.4 with RFC 6154 §3 `CREATE name (USE (\Drafts ...))`. Use-attributes
    /// are returned as sent, backslash included.
    fn create(&mut self) -> PResult<CommandBody> {
        self.cmd = "CREATE";
        self.sp()?;
        let mailbox = self.mailbox()?;
        let mut special_use = Vec::new();
        if self.eat(b' ') {
            self.open_paren("CREATE parameters")?;
            loop {
                let kw = self.keyword_upper("CREATE parameter")?;
                if kw != b"USE" {
                    return Err(self.err(format!(
                        "Unknown CREATE parameter {}",
                        String::from_utf8_lossy(&kw)
                    )));
                }
                self.sp()?;
                self.open_paren("USE attribute list")?;
                if !self.eat(b')') {
                    loop {
                        if !self.eat(b'\\') {
                            return Err(
                                self.err("Expected a special-use attribute such as \\Drafts")
                            );
                        }
                        let name = self.atom("special-use attribute")?;
                        special_use.push(format!("\\{}", String::from_utf8_lossy(&name)));
                        if self.eat(b')') {
                            break;
                        }
                        self.sp()?;
                    }
                }
                if self.eat(b')') {
                    break;
                }
                self.sp()?;
            }
        }
        Ok(CommandBody::Create {
            mailbox,
            special_use,
        })
    }

    fn single_mailbox(&mut self, name: &'static str) -> PResult<MailboxArg> {
        self.cmd = name;
        self.sp()?;
        self.mailbox()
    }

    /// RFC 9051 §6.3.9 / RFC 5258 §6:
    /// `"LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]`.
    fn list(&mut self) -> PResult<CommandBody> {
        self.cmd = "LIST";
        self.sp()?;
        let mut selection = ListSelection::default();
        let mut returns = ListReturn::default();
        let mut is_extended = false;
        if self.peek() == Some(b'(') {
            is_extended = true;
            self.depth_guard(1)?;
            self.pos += 1;
            if !self.eat(b')') {
                loop {
                    let kw = self.keyword_upper("LIST selection option")?;
                    match kw.as_slice() {
                        b"SUBSCRIBED" => selection.subscribed = true,
                        b"REMOTE" => selection.remote = true,
                        b"RECURSIVEMATCH" => selection.recursive_match = true,
                        b"SPECIAL-USE" => selection.special_use = true,
                        // RFC 5258 §3.1: unrecognized selection options MUST get BAD.
                        _ => {
                            return Err(self.err(format!(
                                "Unknown LIST selection option {}",
                                String::from_utf8_lossy(&kw)
                            )));
                        }
                    }
                    if self.eat(b')') {
                        break;
                    }
                    self.sp()?;
                }
            }
            // RFC 5258 §3.1: RECURSIVEMATCH needs another option that is not REMOTE.
            if selection.recursive_match && !(selection.subscribed || selection.special_use) {
                return Err(self.err("RECURSIVEMATCH requires another selection option"));
            }
            self.sp()?;
        }
        let reference = self.mailbox()?;
        self.sp()?;
        let mut patterns = Vec::new();
        if self.peek() == Some(b'(') {
            is_extended = true;
            self.pos += 1;
            loop {
                patterns.push(self.list_mailbox()?);
                if self.eat(b')') {
                    break;
                }
                self.sp()?;
            }
        } else {
            patterns.push(self.list_mailbox()?);
        }
        if self.eat(b' ') {
            let kw = self.keyword_upper("RETURN")?;
            if kw != b"RETURN" {
                return Err(self.err("Expected RETURN after the LIST pattern"));
            }
            is_extended = true;
            self.sp()?;
            self.open_paren("LIST return options")?;
            if !self.eat(b')') {
                loop {
                    let kw = self.keyword_upper("LIST return option")?;
                    match kw.as_slice() {
                        b"SUBSCRIBED" => returns.subscribed = true,
                        b"CHILDREN" => returns.children = true,
                        b"SPECIAL-USE" => returns.special_use = true,
                        // RFC 5819 §2.
                        b"STATUS" => {
                            self.sp()?;
                            returns.status = Some(self.status_items()?);
                        }
                        // RFC 9590 §3.
                        b"METADATA" if returns.metadata.is_none() => {
                            self.sp()?;
                            returns.metadata = Some(self.list_metadata()?);
                        }
                        _ => {
                            return Err(self.err(format!(
                                "Unknown LIST return option {}",
                                String::from_utf8_lossy(&kw)
                            )));
                        }
                    }
                    if self.eat(b')') {
                        break;
                    }
                    self.sp()?;
                }
            }
        }
        Ok(CommandBody::List(ListCommand {
            reference,
            patterns,
            selection,
            returns,
            is_extended,
        }))
    }

    /// `"(" status-att *(SP status-att) ")"` (RFC 9051 §6.3.11, RFC 7162 HIGHESTMODSEQ).
    fn status_items(&mut self) -> PResult<Vec<StatusItem>> {
        self.open_paren("STATUS item list")?;
        let mut items = Vec::new();
        loop {
            let kw = self.keyword_upper("STATUS item")?;
            let item = match kw.as_slice() {
                b"MESSAGES" => StatusItem::Messages,
                b"UIDNEXT" => StatusItem::UidNext,
                b"UIDVALIDITY" => StatusItem::UidValidity,
                b"UNSEEN" => StatusItem::Unseen,
                b"DELETED" => StatusItem::Deleted,
                b"SIZE" => StatusItem::Size,
                b"RECENT" => StatusItem::Recent,
                b"HIGHESTMODSEQ" => StatusItem::HighestModSeq,
                b"MAILBOXID" => StatusItem::MailboxId,
                _ => {
                    return Err(self.err(format!(
                        "Unknown STATUS item {}",
                        String::from_utf8_lossy(&kw)
                    )));
                }
            };
            if !items.contains(&item) {
                items.push(item);
            }
            if self.eat(b')') {
                return Ok(items);
            }
            self.sp()?;
        }
    }

    /// RFC 9051 §6.3.12 with MULTIAPPEND (RFC 3502 §6) and literal8 (RFC 3516 §4.4):
    /// `"APPEND" SP mailbox 1*(SP [flag-list SP] [date-time SP] (literal / literal8))`.
    fn append(&mut self) -> PResult<CommandBody> {
        self.cmd = "APPEND";
        self.sp()?;
        let mailbox = self.mailbox()?;
        let mut messages = Vec::new();
        loop {
            self.sp()?;
            messages.push(self.append_message()?);
            if self.at_line_end() {
                return Ok(CommandBody::Append { mailbox, messages });
            }
        }
    }

    /// `[flag-list SP] [date-time SP] append-data` where append-data is a literal, a
    /// literal8, RFC 4469 `CATENATE (...)` or RFC 6855 `UTF8 (literal8)`.
    fn append_message(&mut self) -> PResult<AppendMessage> {
        let mut flags = Vec::new();
        if self.peek() == Some(b'(') {
            flags = self.flag_list()?;
            self.sp()?;
        }
        let mut date = None;
        if self.peek() == Some(b'"') {
            let raw = self.quoted()?;
            let text = std::str::from_utf8(&raw).map_err(|_| self.err("Invalid date-time"))?;
            date =
                Some(datetime::parse_date_time(text).ok_or_else(|| self.err("Invalid date-time"))?);
            self.sp()?;
        }
        let mut msg = AppendMessage {
            flags,
            date,
            content: Vec::new(),
            is_binary: false,
            catenate: None,
            is_utf8: false,
        };
        match self.peek() {
            Some(b'{') | Some(b'~') => {
                let (content, is_binary) = self.literal(true)?;
                msg.content = content;
                msg.is_binary = is_binary;
            }
            _ if self.peek_keyword(b"UTF8") => {
                msg.content = self.utf8_literal()?;
                msg.is_binary = true;
                msg.is_utf8 = true;
            }
            _ if self.peek_keyword(b"CATENATE") => {
                // RFC 4469 §5: "CATENATE" SP "(" cat-part *(SP cat-part) ")".
                self.sp()?;
                self.open_paren("CATENATE parts")?;
                let mut parts = Vec::new();
                loop {
                    if self.peek_keyword(b"UTF8") {
                        parts.push(CatenatePart::Text {
                            data: self.utf8_literal()?,
                            is_utf8: true,
                        });
                    } else {
                        let kw = self.keyword_upper("CATENATE part")?;
                        self.sp()?;
                        match kw.as_slice() {
                            b"TEXT" => {
                                let (data, _) = self.literal(false)?;
                                parts.push(CatenatePart::Text {
                                    data,
                                    is_utf8: false,
                                });
                            }
                            b"URL" => {
                                let url = self.astring("URL")?;
                                let url = String::from_utf8(url)
                                    .map_err(|_| self.err("URL is not valid UTF-8"))?;
                                parts.push(CatenatePart::Url(url));
                            }
                            _ => return Err(self.err("Expected TEXT or URL")),
                        }
                    }
                    if self.eat(b')') {
                        break;
                    }
                    self.sp()?;
                }
                msg.catenate = Some(parts);
            }
            _ => return Err(self.err("Expected a literal with the message to APPEND")),
        }
        Ok(msg)
    }

    /// RFC 6855 §4: `"UTF8" SP "(" literal8 ")"` (peek_keyword has consumed "UTF8").
    fn utf8_literal(&mut self) -> PResult<Vec<u8>> {
        self.sp()?;
        self.open_paren("UTF8 data")?;
        if self.peek() != Some(b'~') {
            return Err(self.err("UTF8 data must be a literal8"));
        }
        let (data, _) = self.literal(true)?;
        self.expect(b')', "')'")?;
        Ok(data)
    }

    /// RFC 8508 §6: `"REPLACE" SP seq-number SP mailbox append-message`.
    fn replace(&mut self, numbering: Numbering) -> PResult<CommandBody> {
        self.cmd = "REPLACE";
        self.sp()?;
        let number = self.number("message number")?;
        if number == 0 {
            return Err(self.err("Message number must not be 0"));
        }
        self.sp()?;
        let mailbox = self.mailbox()?;
        self.sp()?;
        let message = self.append_message()?;
        Ok(CommandBody::Replace {
            numbering,
            number,
            mailbox,
            message,
        })
    }

    /// RFC 5464 §4.2: `"GETMETADATA" [SP getmetadata-options] SP mailbox SP entries`.
    fn getmetadata(&mut self) -> PResult<CommandBody> {
        self.cmd = "GETMETADATA";
        self.sp()?;
        let mut options = MetadataOptions::default();
        if self.peek() == Some(b'(') {
            self.pos += 1;
            loop {
                let kw = self.keyword_upper("GETMETADATA option")?;
                self.sp()?;
                match kw.as_slice() {
                    b"MAXSIZE" => options.max_size = Some(self.number("MAXSIZE")?),
                    b"DEPTH" => {
                        let d = self.keyword_upper("DEPTH")?;
                        options.depth = match d.as_slice() {
                            b"0" => MetadataDepth::Zero,
                            b"1" => MetadataDepth::One,
                            b"INFINITY" => MetadataDepth::Infinity,
                            _ => return Err(self.err("DEPTH must be 0, 1 or infinity")),
                        };
                    }
                    _ => return Err(self.err("Unknown GETMETADATA option")),
                }
                if self.eat(b')') {
                    break;
                }
                self.sp()?;
            }
            self.sp()?;
        }
        let mailbox = self.mailbox()?;
        self.sp()?;
        let mut entries = Vec::new();
        if self.eat(b'(') {
            loop {
                entries.push(self.metadata_entry()?);
                if self.eat(b')') {
                    break;
                }
                self.sp()?;
            }
        } else {
            entries.push(self.metadata_entry()?);
        }
        Ok(CommandBody::GetMetadata {
            mailbox,
            options,
            entries,
        })
    }

    /// RFC 5465 §8: `"NOTIFY" SP (notify-set / "NONE")`.
    fn notify(&mut self) -> PResult<CommandBody> {
        self.cmd = "NOTIFY";
        self.sp()?;
        let kw = self.keyword_upper("NOTIFY SET or NONE")?;
        match kw.as_slice() {
            b"NONE" => return Ok(CommandBody::Notify(None)),
            b"SET" => {}
            _ => return Err(self.err("Expected NOTIFY SET or NOTIFY NONE")),
        }
        self.sp()?;
        let status = self.peek_keyword(b"STATUS");
        if status {
            self.sp()?;
        }
        let mut groups = Vec::new();
        loop {
            groups.push(self.notify_group()?);
            if !self.eat(b' ') {
                break;
            }
        }
        Ok(CommandBody::Notify(Some(NotifySet { status, groups })))
    }

    /// `"(" filter-mailboxes SP events ")"`, events being `"(" event *(SP event) ")"` or
    /// `NONE`.
    fn notify_group(&mut self) -> PResult<NotifyGroup> {
        self.open_paren("NOTIFY event group")?;
        let filter = self.filter_mailboxes(false)?;
        self.sp()?;
        let mut events = Vec::new();
        if self.eat(b'(') {
            loop {
                events.push(self.notify_event()?);
                if self.eat(b')') {
                    break;
                }
                self.sp()?;
            }
        } else if !self.peek_word_is(b"NONE") {
            // RFC 5465 §3.1's own example writes the events without parentheses
            // (`(selected MessageNew (uid ...) MessageExpunge)`): accepted too.
            loop {
                events.push(self.notify_event()?);
                if !self.eat(b' ') {
                    break;
                }
            }
        }
        self.expect(b')', "')'")?;
        Ok(NotifyGroup { filter, events })
    }

    /// RFC 5465 §8 filter-mailboxes; with `is_esearch`, RFC 7377 §4's `subtree-one` and no
    /// `selected-delayed`.
    fn filter_mailboxes(&mut self, is_esearch: bool) -> PResult<NotifyFilter> {
        let kw = self.keyword_upper("mailbox specifier")?;
        Ok(match kw.as_slice() {
            b"SELECTED" => NotifyFilter::Selected,
            b"SELECTED-DELAYED" if !is_esearch => NotifyFilter::SelectedDelayed,
            b"INBOXES" => NotifyFilter::Inboxes,
            b"PERSONAL" => NotifyFilter::Personal,
            b"SUBSCRIBED" => NotifyFilter::Subscribed,
            b"SUBTREE" | b"MAILBOXES" | b"SUBTREE-ONE" if is_esearch || kw != b"SUBTREE-ONE" => {
                self.sp()?;
                let mut names = Vec::new();
                if self.eat(b'(') {
                    loop {
                        names.push(self.mailbox()?);
                        if self.eat(b')') {
                            break;
                        }
                        self.sp()?;
                    }
                } else {
                    names.push(self.mailbox()?);
                }
                match kw.as_slice() {
                    b"SUBTREE" => NotifyFilter::Subtree(names),
                    b"SUBTREE-ONE" => NotifyFilter::SubtreeOne(names),
                    _ => NotifyFilter::Mailboxes(names),
                }
            }
            _ => {
                return Err(self.err(format!(
                    "Unknown mailbox specifier {}",
                    String::from_utf8_lossy(&kw)
                )));
            }
        })
    }

    /// RFC 7377 §4: `"ESEARCH" [SP "IN" SP "(" filter-mailboxes *(SP filter-mailboxes) ")"]
    /// [SP search-return-opts] SP search-program`.
    fn esearch(&mut self) -> PResult<CommandBody> {
        self.cmd = "ESEARCH";
        let mut source = None;
        let start = self.pos;
        if self.eat(b' ') && self.peek_keyword(b"IN") {
            self.sp()?;
            self.open_paren("ESEARCH source options")?;
            let mut filters = Vec::new();
            loop {
                filters.push(self.filter_mailboxes(true)?);
                if self.eat(b')') {
                    break;
                }
                self.sp()?;
            }
            source = Some(filters);
        } else {
            self.pos = start;
        }
        let CommandBody::Search(search) = self.search(Numbering::Uid)? else {
            return Err(self.err("Expected search criteria"));
        };
        self.cmd = "ESEARCH";
        Ok(CommandBody::Esearch { source, search })
    }

    /// RFC 5465 §8 event; `MessageNew` may carry `"(" fetch-att *(SP fetch-att) ")"`.
    fn notify_event(&mut self) -> PResult<NotifyEvent> {
        let kw = self.keyword_upper("NOTIFY event")?;
        Ok(match kw.as_slice() {
            b"MESSAGENEW" => {
                let mut attrs = Vec::new();
                if self.peek() == Some(b' ') && self.input.get(self.pos + 1) == Some(&b'(') {
                    self.pos += 2;
                    loop {
                        attrs.push(self.fetch_att()?);
                        if self.eat(b')') {
                            break;
                        }
                        self.sp()?;
                    }
                }
                NotifyEvent::MessageNew(attrs)
            }
            b"MESSAGEEXPUNGE" => NotifyEvent::MessageExpunge,
            b"FLAGCHANGE" => NotifyEvent::FlagChange,
            b"ANNOTATIONCHANGE" => NotifyEvent::AnnotationChange,
            b"MAILBOXNAME" => NotifyEvent::MailboxName,
            b"SUBSCRIPTIONCHANGE" => NotifyEvent::SubscriptionChange,
            b"MAILBOXMETADATACHANGE" => NotifyEvent::MailboxMetadataChange,
            b"SERVERMETADATACHANGE" => NotifyEvent::ServerMetadataChange,
            _ if !kw.is_empty() => NotifyEvent::Other(String::from_utf8_lossy(&kw).into_owned()),
            _ => return Err(self.err("Expected a NOTIFY event")),
        })
    }

    /// RFC 9590 §3 METADATA return option: `"(" ... ")"` holding entry names (bare or as a
    /// parenthesized list) and the GETMETADATA options MAXSIZE and DEPTH (RFC 5464 §4.2).
    /// Entry names start with `/`, so they cannot be mistaken for an option keyword.
    fn list_metadata(&mut self) -> PResult<ListMetadata> {
        self.open_paren("METADATA return option")?;
        let mut m = ListMetadata::default();
        loop {
            if self.eat(b'(') {
                loop {
                    m.entries.push(self.metadata_entry()?);
                    if self.eat(b')') {
                        break;
                    }
                    self.sp()?;
                }
            } else if self.peek_keyword(b"MAXSIZE") {
                self.sp()?;
                m.options.max_size = Some(self.number("MAXSIZE")?);
            } else if self.peek_keyword(b"DEPTH") {
                self.sp()?;
                let d = self.keyword_upper("DEPTH")?;
                m.options.depth = match d.as_slice() {
                    b"0" => MetadataDepth::Zero,
                    b"1" => MetadataDepth::One,
                    b"INFINITY" => MetadataDepth::Infinity,
                    _ => return Err(self.err("DEPTH must be 0, 1 or infinity")),
                };
            } else {
                m.entries.push(self.metadata_entry()?);
            }
            if self.eat(b')') {
                break;
            }
            self.sp()?;
        }
        if m.entries.is_empty() {
            return Err(self.err("METADATA needs at least one entry name"));
        }
        Ok(m)
    }

    /// RFC 5464 §4.3: `"SETMETADATA" SP mailbox SP "(" entry SP value *(SP entry SP value) ")"`.
    fn setmetadata(&mut self) -> PResult<CommandBody> {
        self.cmd = "SETMETADATA";
        self.sp()?;
        let mailbox = self.mailbox()?;
        self.sp()?;
        self.open_paren("SETMETADATA entries")?;
        let mut entries = Vec::new();
        loop {
            let entry = self.metadata_entry()?;
            self.sp()?;
            // value = nstring / literal8
            let value = if self.peek() == Some(b'~') {
                Some(self.literal(true)?.0)
            } else {
                self.nstring("metadata value")?
            };
            entries.push((entry, value));
            if self.eat(b')') {
                break;
            }
            self.sp()?;
        }
        Ok(CommandBody::SetMetadata { mailbox, entries })
    }

    /// RFC 5464 §5: entry = astring, UTF-8 here.
    fn metadata_entry(&mut self) -> PResult<String> {
        let raw = self.astring("metadata entry")?;
        String::from_utf8(raw).map_err(|_| self.err("Metadata entry name is not valid UTF-8"))
    }

    /// SEARCH: RFC 9051 §6.4.4, ESEARCH RETURN (RFC 4731 §3.1), SAVE (RFC 5182 §2.1).
    fn search(&mut self, numbering: Numbering) -> PResult<CommandBody> {
        self.cmd = "SEARCH";
        self.sp()?;
        let ret = self.search_return_opts()?;
        let mut charset = None;
        if self.peek_keyword(b"CHARSET") {
            self.sp()?;
            charset = Some(self.search_charset()?);
            self.sp()?;
        }
        let key = self.search_criteria()?;
        Ok(CommandBody::Search(SearchCommand {
            numbering,
            ret,
            charset,
            key,
        }))
    }

    /// `[ "RETURN" SP "(" [opt *(SP opt)] ")" SP ]` (RFC 4731 §3.1, RFC 5182, RFC 5267 §3,
    /// RFC 9394 PARTIAL).
    fn search_return_opts(&mut self) -> PResult<Option<Vec<SearchReturn>>> {
        if !self.peek_keyword(b"RETURN") {
            return Ok(None);
        }
        self.sp()?;
        self.open_paren("SEARCH RETURN options")?;
        let mut opts: Vec<SearchReturn> = Vec::new();
        if !self.eat(b')') {
            loop {
                let kw = self.keyword_upper("SEARCH RETURN option")?;
                let opt = match kw.as_slice() {
                    b"MIN" => SearchReturn::Min,
                    b"MAX" => SearchReturn::Max,
                    b"ALL" => SearchReturn::All,
                    b"COUNT" => SearchReturn::Count,
                    b"SAVE" => SearchReturn::Save,
                    b"PARTIAL" => {
                        self.sp()?;
                        SearchReturn::Partial(self.partial_range()?)
                    }
                    _ => {
                        return Err(self.err(format!(
                            "Unknown SEARCH RETURN option {}",
                            String::from_utf8_lossy(&kw)
                        )));
                    }
                };
                // RFC 9394 §3.1: at most one of PARTIAL and ALL, and one PARTIAL.
                let is_range =
                    |o: &SearchReturn| matches!(o, SearchReturn::All | SearchReturn::Partial(_));
                if is_range(&opt) && opts.iter().any(|o| is_range(o) && *o != opt) {
                    return Err(self.err("Only one of PARTIAL and ALL may be given"));
                }
                if !opts.contains(&opt) {
                    opts.push(opt);
                }
                if self.eat(b')') {
                    break;
                }
                self.sp()?;
            }
        }
        self.sp()?;
        Ok(Some(opts))
    }

    /// RFC 9394 partial-range: `a:b` or `-a:-b`, non-zero, either order.
    fn partial_range(&mut self) -> PResult<PartialRange> {
        let from_end = self.eat(b'-');
        let a = self.nz_number("partial range")?;
        self.expect(b':', "':'")?;
        if self.eat(b'-') != from_end {
            return Err(self.err("Both ends of a partial range must have the same sign"));
        }
        let b = self.nz_number("partial range")?;
        Ok(PartialRange {
            low: a.min(b),
            high: a.max(b),
            from_end,
        })
    }

    /// A charset name, which must be one SEARCH accepts (else NO [BADCHARSET], RFC 9051
    /// §6.4.4).
    fn search_charset(&mut self) -> PResult<String> {
        let raw = self.astring("charset")?;
        let name = String::from_utf8_lossy(&raw).to_ascii_uppercase();
        if !SEARCH_CHARSETS.contains(&name.as_str()) {
            let mut e = self.err(format!("Unsupported charset {name}"));
            e.code = Some(Code::BadCharset(
                SEARCH_CHARSETS.iter().map(|s| s.to_string()).collect(),
            ));
            return Err(e);
        }
        Ok(name)
    }

    /// One or more search keys; several are an implicit AND.
    fn search_criteria(&mut self) -> PResult<SearchKey> {
        let mut keys = vec![self.search_key(1)?];
        while self.eat(b' ') {
            keys.push(self.search_key(1)?);
        }
        Ok(if keys.len() == 1 {
            keys.pop().unwrap_or(SearchKey::All)
        } else {
            SearchKey::And(keys)
        })
    }

    /// RFC 5256 §5: `["UID" SP] "SORT" [SP "RETURN" ...] SP sort-criteria SP charset
    /// 1*(SP search-key)`; RETURN from RFC 5267 §3, DISPLAYFROM/DISPLAYTO from RFC 5957.
    fn sort(&mut self, numbering: Numbering) -> PResult<CommandBody> {
        self.cmd = "SORT";
        self.sp()?;
        let ret = self.search_return_opts()?;
        self.open_paren("sort criteria")?;
        let mut criteria = Vec::new();
        loop {
            let mut kw = self.keyword_upper("sort criterion")?;
            let is_reverse = kw == b"REVERSE";
            if is_reverse {
                self.sp()?;
                kw = self.keyword_upper("sort criterion")?;
            }
            let key = match kw.as_slice() {
                b"ARRIVAL" => SortKey::Arrival,
                b"CC" => SortKey::Cc,
                b"DATE" => SortKey::Date,
                b"FROM" => SortKey::From,
                b"SIZE" => SortKey::Size,
                b"SUBJECT" => SortKey::Subject,
                b"TO" => SortKey::To,
                b"DISPLAYFROM" => SortKey::DisplayFrom,
                b"DISPLAYTO" => SortKey::DisplayTo,
                _ => {
                    return Err(self.err(format!(
                        "Unknown sort criterion {}",
                        String::from_utf8_lossy(&kw)
                    )));
                }
            };
            criteria.push(SortCriterion { is_reverse, key });
            if self.eat(b')') {
                break;
            }
            self.sp()?;
        }
        self.sp()?;
        let charset = self.search_charset()?;
        self.sp()?;
        let key = self.search_criteria()?;
        Ok(CommandBody::Sort(SortCommand {
            numbering,
            ret,
            criteria,
            charset,
            key,
        }))
    }

    /// RFC 5256 §5: `["UID" SP] "THREAD" SP thread-alg SP charset 1*(SP search-key)`.
    fn thread(&mut self, numbering: Numbering) -> PResult<CommandBody> {
        self.cmd = "THREAD";
        self.sp()?;
        let alg = self.keyword_upper("threading algorithm")?;
        let algorithm = match alg.as_slice() {
            b"ORDEREDSUBJECT" => ThreadAlgorithm::OrderedSubject,
            b"REFERENCES" => ThreadAlgorithm::References,
            _ => {
                return Err(self.err(format!(
                    "Unknown threading algorithm {}",
                    String::from_utf8_lossy(&alg)
                )));
            }
        };
        self.sp()?;
        let charset = self.search_charset()?;
        self.sp()?;
        let key = self.search_criteria()?;
        Ok(CommandBody::Thread(ThreadCommand {
            numbering,
            algorithm,
            charset,
            key,
        }))
    }

    fn search_key(&mut self, depth: usize) -> PResult<SearchKey> {
        self.depth_guard(depth)?;
        match self.peek() {
            Some(b'(') => {
                self.pos += 1;
                let mut keys = vec![self.search_key(depth + 1)?];
                loop {
                    if self.eat(b')') {
                        break;
                    }
                    self.sp()?;
                    keys.push(self.search_key(depth + 1)?);
                }
                return Ok(if keys.len() == 1 {
                    keys.pop().unwrap_or(SearchKey::All)
                } else {
                    SearchKey::And(keys)
                });
            }
            Some(b'0'..=b'9' | b'*' | b'$') => {
                return Ok(SearchKey::SequenceSet(self.sequence_set()?));
            }
            None | Some(b'\r') => return Err(self.err("Missing search criteria")),
            _ => {}
        }
        let start = self.pos;
        let kw = self.keyword().to_ascii_uppercase();
        use SearchKey as K;
        let key = match kw.as_slice() {
            b"ALL" => K::All,
            b"ANSWERED" => K::Answered,
            b"DELETED" => K::Deleted,
            b"DRAFT" => K::Draft,
            b"FLAGGED" => K::Flagged,
            b"SEEN" => K::Seen,
            b"RECENT" => K::Recent,
            b"NEW" => K::New,
            b"OLD" => K::Old,
            b"UNANSWERED" => K::Unanswered,
            b"UNDELETED" => K::Undeleted,
            b"UNDRAFT" => K::Undraft,
            b"UNFLAGGED" => K::Unflagged,
            b"UNSEEN" => K::Unseen,
            b"KEYWORD" | b"UNKEYWORD" => {
                self.sp()?;
                let word = self.atom("keyword")?;
                let word = String::from_utf8_lossy(&word).into_owned();
                if kw == b"KEYWORD" {
                    K::Keyword(word)
                } else {
                    K::Unkeyword(word)
                }
            }
            b"BCC" => K::Bcc(self.search_string()?),
            b"CC" => K::Cc(self.search_string()?),
            b"FROM" => K::From(self.search_string()?),
            b"TO" => K::To(self.search_string()?),
            b"SUBJECT" => K::Subject(self.search_string()?),
            b"BODY" => K::Body(self.search_string()?),
            b"TEXT" => K::Text(self.search_string()?),
            b"HEADER" => {
                let name = self.search_string()?;
                let value = self.search_string()?;
                K::Header(name, value)
            }
            b"BEFORE" => K::Before(self.search_date()?),
            b"ON" => K::On(self.search_date()?),
            b"SINCE" => K::Since(self.search_date()?),
            b"SENTBEFORE" => K::SentBefore(self.search_date()?),
            b"SENTON" => K::SentOn(self.search_date()?),
            b"SENTSINCE" => K::SentSince(self.search_date()?),
            // RFC 9051 §9 uses number64; sizes beyond u32 saturate (no message is that big).
            b"LARGER" => {
                self.sp()?;
                K::Larger(u32::try_from(self.number64("size")?).unwrap_or(u32::MAX))
            }
            b"SMALLER" => {
                self.sp()?;
                K::Smaller(u32::try_from(self.number64("size")?).unwrap_or(u32::MAX))
            }
            b"UID" => {
                self.sp()?;
                K::Uid(self.sequence_set()?)
            }
            b"NOT" => {
                self.sp()?;
                K::Not(Box::new(self.search_key(depth + 1)?))
            }
            b"OR" => {
                self.sp()?;
                let a = self.search_key(depth + 1)?;
                self.sp()?;
                let b = self.search_key(depth + 1)?;
                K::Or(Box::new(a), Box::new(b))
            }
            // RFC 7162 §3.1.5: "MODSEQ" [SP entry-name SP entry-type-req] SP mod-sequence-valzer.
            // RFC 5032 §3: ( "OLDER" / "YOUNGER" ) SP nz-number.
            b"OLDER" => {
                self.sp()?;
                K::Older(self.nz_number("interval")?)
            }
            b"YOUNGER" => {
                self.sp()?;
                K::Younger(self.nz_number("interval")?)
            }
            // RFC 8514 §4.2.
            b"SAVEDBEFORE" => K::SavedBefore(self.search_date()?),
            b"SAVEDON" => K::SavedOn(self.search_date()?),
            b"SAVEDSINCE" => K::SavedSince(self.search_date()?),
            b"SAVEDATESUPPORTED" => K::SaveDateSupported,
            b"MODSEQ" => {
                self.sp()?;
                if self.peek() == Some(b'"') {
                    self.quoted()?;
                    self.sp()?;
                    let t = self.keyword_upper("entry type")?;
                    if !matches!(t.as_slice(), b"PRIV" | b"SHARED" | b"ALL") {
                        return Err(self.err("MODSEQ entry type must be priv, shared or all"));
                    }
                    self.sp()?;
                }
                K::ModSeq(self.number64("mod-sequence")?)
            }
            // RFC 8474 §6: "EMAILID" SP objectid / "THREADID" SP objectid.
            b"EMAILID" | b"THREADID" => {
                self.sp()?;
                let id = self.atom("objectid")?;
                let id = String::from_utf8_lossy(&id).into_owned();
                if kw == b"EMAILID" {
                    K::EmailId(id)
                } else {
                    K::ThreadId(id)
                }
            }
            _ => {
                let word = self.word_for_error(start);
                return Err(self.err(format!("Unknown search key {word}")));
            }
        };
        Ok(key)
    }

    /// SP astring, which must be UTF-8 (US-ASCII is a subset; the only charsets accepted).
    fn search_string(&mut self) -> PResult<String> {
        self.sp()?;
        let raw = self.astring("search string")?;
        String::from_utf8(raw).map_err(|_| self.err("Search string is not valid UTF-8"))
    }

    /// SP date: `date-text / DQUOTE date-text DQUOTE`.
    fn search_date(&mut self) -> PResult<chrono::NaiveDate> {
        self.sp()?;
        let raw = if self.peek() == Some(b'"') {
            self.quoted()?
        } else {
            self.atom("date")?
        };
        std::str::from_utf8(&raw)
            .ok()
            .and_then(datetime::parse_date)
            .ok_or_else(|| self.err(format!("Invalid date {}", String::from_utf8_lossy(&raw))))
    }

    /// FETCH: RFC 9051 §6.4.5, CHANGEDSINCE/VANISHED modifiers RFC 7162 §3.1.4.1, §3.2.6.
    fn fetch(&mut self, numbering: Numbering) -> PResult<CommandBody> {
        self.cmd = "FETCH";
        self.sp()?;
        let set = self.sequence_set()?;
        self.sp()?;
        let mut attrs = Vec::new();
        if self.eat(b'(') {
            loop {
                attrs.push(self.fetch_att()?);
                if self.eat(b')') {
                    break;
                }
                self.sp()?;
            }
        } else {
            let start = self.pos;
            let kw = self.keyword().to_ascii_uppercase();
            use FetchAttr as F;
            match kw.as_slice() {
                b"ALL" => attrs.extend([F::Flags, F::InternalDate, F::Rfc822Size, F::Envelope]),
                b"FAST" => attrs.extend([F::Flags, F::InternalDate, F::Rfc822Size]),
                b"FULL" => attrs.extend([
                    F::Flags,
                    F::InternalDate,
                    F::Rfc822Size,
                    F::Envelope,
                    F::Body,
                ]),
                _ => {
                    self.pos = start;
                    attrs.push(self.fetch_att()?);
                }
            }
        }
        let mut changed_since = None;
        let mut vanished = false;
        let mut partial = None;
        if self.eat(b' ') {
            self.open_paren("FETCH modifiers")?;
            loop {
                let kw = self.keyword_upper("FETCH modifier")?;
                match kw.as_slice() {
                    b"CHANGEDSINCE" => {
                        self.sp()?;
                        changed_since = Some(self.number64("mod-sequence")?);
                    }
                    b"VANISHED" => vanished = true,
                    // RFC 9394 §3.3: same syntax as the PARTIAL search return option.
                    b"PARTIAL" if partial.is_none() => {
                        self.sp()?;
                        partial = Some(self.partial_range()?);
                    }
                    _ => {
                        return Err(self.err(format!(
                            "Unknown FETCH modifier {}",
                            String::from_utf8_lossy(&kw)
                        )));
                    }
                }
                if self.eat(b')') {
                    break;
                }
                self.sp()?;
            }
        }
        // RFC 7162 §3.2.6: VANISHED only with UID FETCH, and only with CHANGEDSINCE.
        if vanished && numbering == Numbering::Seq {
            return Err(self.err("VANISHED is only allowed with UID FETCH"));
        }
        if vanished && changed_since.is_none() {
            return Err(self.err("VANISHED requires CHANGEDSINCE"));
        }
        // RFC 9394 §3.3: PARTIAL extends UID FETCH only.
        if partial.is_some() && numbering == Numbering::Seq {
            return Err(self.err("PARTIAL is only allowed with UID FETCH"));
        }
        Ok(CommandBody::Fetch(FetchCommand {
            numbering,
            set,
            attrs,
            changed_since,
            vanished,
            partial,
        }))
    }

    fn fetch_att(&mut self) -> PResult<FetchAttr> {
        let start = self.pos;
        let kw = self.keyword().to_ascii_uppercase();
        use FetchAttr as F;
        Ok(match kw.as_slice() {
            b"UID" => F::Uid,
            b"FLAGS" => F::Flags,
            b"INTERNALDATE" => F::InternalDate,
            b"SAVEDATE" => F::SaveDate,
            b"RFC822.SIZE" => F::Rfc822Size,
            b"ENVELOPE" => F::Envelope,
            b"BODYSTRUCTURE" => F::BodyStructure,
            b"RFC822" => F::Rfc822,
            b"RFC822.HEADER" => F::Rfc822Header,
            b"RFC822.TEXT" => F::Rfc822Text,
            b"MODSEQ" => F::ModSeq,
            b"EMAILID" => F::EmailId,
            b"THREADID" => F::ThreadId,
            b"PREVIEW" => {
                // RFC 8970 §3: "PREVIEW" [SP "(" preview-mod *(SP preview-mod) ")"].
                let mut is_lazy = false;
                // `FETCH 1 PREVIEW (CHANGEDSINCE 5)`: a list that does not start with a
                // preview-mod belongs to the FETCH modifiers.
                let is_mods = self
                    .input
                    .get(self.pos..self.pos + 6)
                    .is_some_and(|w| w.eq_ignore_ascii_case(b" (LAZY"));
                if is_mods {
                    self.pos += 2;
                    loop {
                        let m = self.keyword_upper("PREVIEW modifier")?;
                        if m != b"LAZY" {
                            return Err(self.err("Unknown PREVIEW modifier"));
                        }
                        is_lazy = true;
                        if self.eat(b')') {
                            break;
                        }
                        self.sp()?;
                    }
                }
                F::Preview { is_lazy }
            }
            b"BODY" | b"BODY.PEEK" => {
                let peek = kw == b"BODY.PEEK";
                if self.peek() != Some(b'[') {
                    if peek {
                        return Err(self.err("BODY.PEEK requires a section"));
                    }
                    return Ok(F::Body);
                }
                let section = self.section()?;
                let partial = self.partial()?;
                F::BodySection {
                    peek,
                    section,
                    partial,
                }
            }
            b"BINARY" | b"BINARY.PEEK" => {
                let part = self.section_binary()?;
                let partial = self.partial()?;
                F::Binary {
                    peek: kw == b"BINARY.PEEK",
                    part,
                    partial,
                }
            }
            b"BINARY.SIZE" => F::BinarySize {
                part: self.section_binary()?,
            },
            b"" => return Err(self.err("Missing FETCH attribute")),
            _ => {
                let word = self.word_for_error(start);
                return Err(self.err(format!("Unknown FETCH attribute {word}")));
            }
        })
    }

    /// `"[" [section-spec] "]"` (RFC 9051 §9).
    fn section(&mut self) -> PResult<Section> {
        self.expect(b'[', "[")?;
        let mut section = Section::default();
        if self.eat(b']') {
            return Ok(section);
        }
        if self.peek().is_some_and(|b| b.is_ascii_digit()) {
            section.part = self.section_part()?;
            if self.eat(b']') {
                return Ok(section);
            }
            self.expect(b'.', "'.' or ']' in section")?;
        }
        let kw = self.keyword_upper("section text")?;
        section.text = Some(match kw.as_slice() {
            b"HEADER" => SectionText::Header,
            b"TEXT" => SectionText::Text,
            b"MIME" if !section.part.is_empty() => SectionText::Mime,
            b"HEADER.FIELDS" | b"HEADER.FIELDS.NOT" => {
                self.sp()?;
                self.open_paren("header field list")?;
                let mut names = Vec::new();
                loop {
                    let raw = self.astring("header field name")?;
                    let name = String::from_utf8(raw)
                        .map_err(|_| self.err("Header field name is not valid UTF-8"))?;
                    names.push(name);
                    if self.eat(b')') {
                        break;
                    }
                    self.sp()?;
                }
                if kw == b"HEADER.FIELDS" {
                    SectionText::HeaderFields(names)
                } else {
                    SectionText::HeaderFieldsNot(names)
                }
            }
            _ => return Err(self.err(format!("Invalid section {}", String::from_utf8_lossy(&kw)))),
        });
        self.expect(b']', "']' to close the section")?;
        Ok(section)
    }

    /// `section-part = nz-number *("." nz-number)`; stops before a `.` not followed by a digit.
    fn section_part(&mut self) -> PResult<Vec<u32>> {
        let mut part = vec![self.nz_number("section part")?];
        while self.peek() == Some(b'.')
            && self
                .input
                .get(self.pos + 1)
                .is_some_and(|b| b.is_ascii_digit())
        {
            self.pos += 1;
            part.push(self.nz_number("section part")?);
        }
        Ok(part)
    }

    /// RFC 3516 §4.4 `section-binary = "[" [section-part] "]"`.
    fn section_binary(&mut self) -> PResult<Vec<u32>> {
        self.expect(b'[', "'[' after BINARY")?;
        if self.eat(b']') {
            return Ok(Vec::new());
        }
        let part = self.section_part()?;
        self.expect(b']', "']' to close the binary section")?;
        Ok(part)
    }

    /// `partial = "<" number "." nz-number ">"`.
    fn partial(&mut self) -> PResult<Option<Partial>> {
        if !self.eat(b'<') {
            return Ok(None);
        }
        let offset = self.number("partial offset")?;
        self.expect(b'.', "'.' in partial range")?;
        let length = self.nz_number("partial length")?;
        self.expect(b'>', "'>' to close the partial range")?;
        Ok(Some(Partial { offset, length }))
    }

    /// STORE: RFC 9051 §6.4.6, UNCHANGEDSINCE RFC 7162 §3.1.3.
    fn store(&mut self, numbering: Numbering) -> PResult<CommandBody> {
        self.cmd = "STORE";
        self.sp()?;
        let set = self.sequence_set()?;
        self.sp()?;
        let mut unchanged_since = None;
        if self.eat(b'(') {
            loop {
                let kw = self.keyword_upper("STORE modifier")?;
                if kw != b"UNCHANGEDSINCE" {
                    return Err(self.err(format!(
                        "Unknown STORE modifier {}",
                        String::from_utf8_lossy(&kw)
                    )));
                }
                self.sp()?;
                unchanged_since = Some(self.number64("mod-sequence")?);
                if self.eat(b')') {
                    break;
                }
                self.sp()?;
            }
            self.sp()?;
        }
        let mode = if self.eat(b'+') {
            StoreMode::Add
        } else if self.eat(b'-') {
            StoreMode::Remove
        } else {
            StoreMode::Replace
        };
        let kw = self.keyword_upper("FLAGS")?;
        let is_silent = match kw.as_slice() {
            b"FLAGS" => false,
            b"FLAGS.SILENT" => true,
            _ => {
                return Err(self.err(format!(
                    "Invalid STORE data item {}",
                    String::from_utf8_lossy(&kw)
                )));
            }
        };
        self.sp()?;
        let flags = if self.peek() == Some(b'(') {
            self.flag_list()?
        } else {
            let mut flags = vec![self.flag()?];
            while self.eat(b' ') {
                flags.push(self.flag()?);
            }
            flags
        };
        Ok(CommandBody::Store(StoreCommand {
            numbering,
            set,
            mode,
            is_silent,
            flags,
            unchanged_since,
        }))
    }

    fn copy_move(&mut self, numbering: Numbering, is_move: bool) -> PResult<CommandBody> {
        self.cmd = if is_move { "MOVE" } else { "COPY" };
        self.sp()?;
        let set = self.sequence_set()?;
        self.sp()?;
        let mailbox = self.mailbox()?;
        Ok(if is_move {
            CommandBody::Move {
                numbering,
                set,
                mailbox,
            }
        } else {
            CommandBody::Copy {
                numbering,
                set,
                mailbox,
            }
        })
    }

    // ---- values ---------------------------------------------------------------------

    fn tag(&mut self) -> PResult<Tag> {
        let start = self.pos;
        while self.peek().is_some_and(|b| is_astring_char(b) && b != b'+') {
            self.pos += 1;
        }
        // ASTRING-CHARs are ASCII, so this is valid UTF-8.
        let word = std::str::from_utf8(&self.input[start..self.pos]).unwrap_or("");
        match Tag::new(word) {
            Some(tag) if matches!(self.peek(), Some(b' ' | b'\r') | None) => Ok(tag),
            _ => Err(self.err("Missing or invalid tag")),
        }
    }

    /// `sequence-set` (RFC 9051 §9) or `$` (RFC 5182 §2.1).
    fn sequence_set(&mut self) -> PResult<SequenceSet> {
        if self.eat(b'$') {
            return self.set_end(SequenceSet::Saved);
        }
        let mut ranges = Vec::new();
        loop {
            let start = self.seq_number()?;
            let end = if self.eat(b':') {
                self.seq_number()?
            } else {
                start
            };
            ranges.push(SeqRange { start, end });
            if !self.eat(b',') {
                break;
            }
        }
        self.set_end(SequenceSet::Ranges(ranges))
    }

    fn set_end(&self, set: SequenceSet) -> PResult<SequenceSet> {
        match self.peek() {
            None | Some(b' ' | b'\r' | b')') => Ok(set),
            _ => Err(self.err("Invalid sequence set")),
        }
    }

    fn seq_number(&mut self) -> PResult<SeqBound> {
        if self.eat(b'*') {
            return Ok(SeqBound::Star);
        }
        if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
            return Err(self.err("Invalid sequence set"));
        }
        match self.digits_u64() {
            Some(n) if n > 0 && n <= u32::MAX as u64 => Ok(SeqBound::Value(n as u32)),
            Some(0) => Err(self.err("Invalid sequence set: 0 is not a valid message number")),
            _ => Err(self.err("Invalid sequence set: number too large")),
        }
    }

    /// `flag-list = "(" [flag *(SP flag)] ")"`.
    fn flag_list(&mut self) -> PResult<Vec<Flag>> {
        self.open_paren("flag list")?;
        let mut flags = Vec::new();
        if self.eat(b')') {
            return Ok(flags);
        }
        loop {
            flags.push(self.flag()?);
            if self.eat(b')') {
                return Ok(flags);
            }
            self.sp()?;
        }
    }

    /// `flag = "\Answered" / "\Flagged" / "\Deleted" / "\Seen" / "\Draft" / flag-keyword /
    /// flag-extension`. RFC 9051 §2.3.2: \Recent cannot be altered by the client.
    fn flag(&mut self) -> PResult<Flag> {
        if self.eat(b'\\') {
            if self.peek() == Some(b'*') {
                return Err(self.err("\\* is not a flag a client can set"));
            }
            let name = self.atom("flag")?;
            let name = String::from_utf8_lossy(&name).into_owned();
            return match name.to_ascii_uppercase().as_str() {
                "SEEN" => Ok(Flag::Seen),
                "ANSWERED" => Ok(Flag::Answered),
                "FLAGGED" => Ok(Flag::Flagged),
                "DELETED" => Ok(Flag::Deleted),
                "DRAFT" => Ok(Flag::Draft),
                "RECENT" => Err(self.err("\\Recent cannot be set by a client (RFC 9051 §2.3.2)")),
                _ => Ok(Flag::Extension(name)),
            };
        }
        let word = self.atom("flag")?;
        Ok(Flag::Keyword(String::from_utf8_lossy(&word).into_owned()))
    }

    fn mailbox(&mut self) -> PResult<MailboxArg> {
        Ok(MailboxArg(self.astring("mailbox name")?))
    }

    /// `list-mailbox = 1*list-char / string`; list-char adds `%` and `*` to ASTRING-CHAR.
    fn list_mailbox(&mut self) -> PResult<MailboxArg> {
        match self.peek() {
            Some(b'"' | b'{') => Ok(MailboxArg(self.string("mailbox pattern")?)),
            _ => {
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|b| is_astring_char(b) || b == b'%' || b == b'*')
                {
                    self.pos += 1;
                }
                if start == self.pos {
                    return Err(self.err("Expected a mailbox pattern"));
                }
                Ok(MailboxArg(self.input[start..self.pos].to_vec()))
            }
        }
    }

    /// `astring = 1*ASTRING-CHAR / string`.
    fn astring(&mut self, what: &str) -> PResult<Vec<u8>> {
        match self.peek() {
            Some(b'"' | b'{') => self.string(what),
            Some(b'~') if self.input.get(self.pos + 1) == Some(&b'{') => {
                Err(self.err(format!("A literal8 is not allowed for the {what}")))
            }
            _ => {
                let start = self.pos;
                while self.peek().is_some_and(is_astring_char) {
                    self.pos += 1;
                }
                if start == self.pos {
                    return Err(self.missing_or_expected(what));
                }
                Ok(self.input[start..self.pos].to_vec())
            }
        }
    }

    /// `string = quoted / literal`.
    fn string(&mut self, what: &str) -> PResult<Vec<u8>> {
        match self.peek() {
            Some(b'"') => self.quoted(),
            Some(b'{') => Ok(self.literal(false)?.0),
            _ => Err(self.missing_or_expected(what)),
        }
    }

    fn nstring(&mut self, what: &str) -> PResult<Option<Vec<u8>>> {
        if self.eat_nil() {
            Ok(None)
        } else {
            self.string(what).map(Some)
        }
    }

    /// `quoted = DQUOTE *QUOTED-CHAR DQUOTE`; 8-bit bytes are kept as sent (RFC 9051 §9 allows
    /// UTF-8 in quoted strings; mailbox names are decoded later by the session).
    fn quoted(&mut self) -> PResult<Vec<u8>> {
        self.expect(b'"', "'\"'")?;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    match self.peek() {
                        Some(c @ (b'"' | b'\\')) => {
                            out.push(c);
                            self.pos += 1;
                        }
                        _ => {
                            return Err(
                                self.err("Invalid escape in quoted string (only \\\" and \\\\)")
                            );
                        }
                    }
                }
                Some(0) => return Err(self.err("NUL byte in quoted string")),
                None | Some(b'\r' | b'\n') => return Err(self.err("Unterminated quoted string")),
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    /// `literal = "{" number64 ["+"] "}" CRLF *CHAR8`; with `allow8`, also RFC 3516
    /// `literal8 = "~{" number64 ["+"] "}" CRLF *OCTET`. Returns (bytes, is_literal8).
    fn literal(&mut self, allow8: bool) -> PResult<(Vec<u8>, bool)> {
        let is_binary = self.eat(b'~');
        if is_binary && !allow8 {
            return Err(self.err("A literal8 is not allowed here"));
        }
        self.expect(b'{', "'{'")?;
        if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
            return Err(self.err("Invalid literal length"));
        }
        let len = self
            .digits_u64()
            .ok_or_else(|| self.err("Literal length too large"))?;
        self.eat(b'+');
        if !(self.eat(b'}') && self.eat(b'\r') && self.eat(b'\n')) {
            return Err(self.err("Invalid literal announcement"));
        }
        let remaining = (self.input.len() - self.pos) as u64;
        if len > remaining {
            return Err(self.err("Literal data is truncated"));
        }
        // len <= remaining, which is a usize.
        let end = self.pos + len as usize;
        let data = self.input[self.pos..end].to_vec();
        self.pos = end;
        Ok((data, is_binary))
    }

    fn atom(&mut self, what: &str) -> PResult<Vec<u8>> {
        let start = self.pos;
        while self.peek().is_some_and(is_atom_char) {
            self.pos += 1;
        }
        if start == self.pos {
            return Err(self.missing_or_expected(what));
        }
        Ok(self.input[start..self.pos].to_vec())
    }

    fn number(&mut self, what: &str) -> PResult<u32> {
        let n = self.number64(what)?;
        u32::try_from(n).map_err(|_| self.err(format!("Invalid {what}: number too large")))
    }

    fn nz_number(&mut self, what: &str) -> PResult<u32> {
        match self.number(what)? {
            0 => Err(self.err(format!("Invalid {what}: must not be 0"))),
            n => Ok(n),
        }
    }

    /// `number64` (RFC 9051 §9): at most 2^63 - 1.
    fn number64(&mut self, what: &str) -> PResult<u64> {
        if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
            return Err(self.missing_or_expected(what));
        }
        match self.digits_u64() {
            Some(n) if n <= i64::MAX as u64 => Ok(n),
            _ => Err(self.err(format!("Invalid {what}: number too large"))),
        }
    }

    fn digits_u64(&mut self) -> Option<u64> {
        let mut n: Option<u64> = Some(0);
        while let Some(b @ b'0'..=b'9') = self.peek() {
            n = n.and_then(|n| n.checked_mul(10)?.checked_add((b - b'0') as u64));
            self.pos += 1;
        }
        n
    }

    // ---- lexical helpers -------------------------------------------------------------

    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, b: u8, what: &str) -> PResult<()> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(self.missing_or_expected(what))
        }
    }

    fn open_paren(&mut self, what: &str) -> PResult<()> {
        self.expect(b'(', &format!("'(' to open the {what}"))
    }

    fn close_paren(&mut self, what: &str) -> PResult<()> {
        self.expect(b')', &format!("')' to close the {what}"))
    }

    fn eat_nil(&mut self) -> bool {
        let end = self.pos + 3;
        if self
            .input
            .get(self.pos..end)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"NIL"))
            && !self.input.get(end).copied().is_some_and(is_atom_char)
        {
            self.pos = end;
            true
        } else {
            false
        }
    }

    /// Letters, digits, `.` and `-`: command names, FETCH items, SEARCH keys, options.
    fn keyword(&mut self) -> &'a [u8] {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        {
            self.pos += 1;
        }
        &self.input[start..self.pos]
    }

    fn keyword_upper(&mut self, what: &str) -> PResult<Vec<u8>> {
        let kw = self.keyword();
        if kw.is_empty() {
            return Err(self.missing_or_expected(what));
        }
        Ok(kw.to_ascii_uppercase())
    }

    /// Consume `word` when the next keyword is exactly `word` (case-insensitive), whatever
    /// follows it.
    fn peek_word_is(&mut self, word: &[u8]) -> bool {
        let start = self.pos;
        if self.keyword().eq_ignore_ascii_case(word) {
            true
        } else {
            self.pos = start;
            false
        }
    }

    /// Consume `word SP` when the next keyword is `word` (case-insensitive).
    fn peek_keyword(&mut self, word: &[u8]) -> bool {
        let start = self.pos;
        let kw = self.keyword();
        if kw.eq_ignore_ascii_case(word) && self.peek() == Some(b' ') {
            true
        } else {
            self.pos = start;
            false
        }
    }

    fn sp(&mut self) -> PResult<()> {
        if self.eat(b' ') {
            if self.peek() == Some(b' ') {
                return Err(self.err("Unexpected extra space"));
            }
            return Ok(());
        }
        Err(self.missing_or_expected("a space"))
    }

    fn crlf(&mut self) -> PResult<()> {
        if self.input.get(self.pos..) == Some(b"\r\n") {
            self.pos += 2;
            Ok(())
        } else if self.at_line_end() {
            Err(self.err("Unexpected data after the command"))
        } else {
            Err(self.err(format!("Unexpected characters at end of {}", self.cmd)))
        }
    }

    fn at_line_end(&self) -> bool {
        matches!(self.peek(), None | Some(b'\r'))
    }

    fn depth_guard(&self, depth: usize) -> PResult<()> {
        if depth > self.max_nesting {
            Err(self.err(format!(
                "Command nested too deeply (limit {})",
                self.max_nesting
            )))
        } else {
            Ok(())
        }
    }

    /// The word starting at `start`, for "Unknown command FOO".
    fn word_for_error(&self, start: usize) -> String {
        let rest = &self.input[start..];
        let end = rest
            .iter()
            .position(|&b| matches!(b, b' ' | b'\r' | b'\n' | b'(' | b')' | b'['))
            .unwrap_or(rest.len());
        String::from_utf8_lossy(&rest[..end.min(64)]).into_owned()
    }

    fn missing_or_expected(&self, what: &str) -> DecodeError {
        if self.at_line_end() {
            self.err(format!("Missing argument to {}", self.cmd))
        } else {
            self.err(format!("Expected {what} in {}", self.cmd))
        }
    }

    fn err(&self, text: impl Into<String>) -> DecodeError {
        // RFC 9051 §9: CHAR excludes NUL; name it, it is the usual cause.
        let text = if self.peek() == Some(0) {
            "NUL byte not allowed outside literals".to_string()
        } else {
            text.into()
        };
        DecodeError {
            tag: self.tag.clone(),
            text,
            code: None,
        }
    }
}

fn is_base64(s: &[u8]) -> bool {
    let body = s.iter().position(|&b| b == b'=').map_or(s, |p| &s[..p]);
    let pad = s.len() - body.len();
    s.len().is_multiple_of(4)
        && pad <= 2
        && s[body.len()..].iter().all(|&b| b == b'=')
        && body
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &[u8]) -> CommandBody {
        let mut v = s.to_vec();
        v.extend_from_slice(b"\r\n");
        match parse_command(&v, &DecodeOptions::default()) {
            Ok(c) => c.body,
            Err(e) => panic!("{:?}: {e}", String::from_utf8_lossy(s)),
        }
    }

    fn bad(s: &[u8]) -> DecodeError {
        let mut v = s.to_vec();
        v.extend_from_slice(b"\r\n");
        match parse_command(&v, &DecodeOptions::default()) {
            Ok(c) => panic!("{:?} decoded as {c:?}", String::from_utf8_lossy(s)),
            Err(e) => e,
        }
    }

    fn set(ranges: &[(u32, u32)]) -> SequenceSet {
        let b = |n| {
            if n == 0 {
                SeqBound::Star
            } else {
                SeqBound::Value(n)
            }
        };
        SequenceSet::Ranges(
            ranges
                .iter()
                .map(|&(s, e)| SeqRange {
                    start: b(s),
                    end: b(e),
                })
                .collect(),
        )
    }

    #[test]
    fn simple_commands_case_insensitive() {
        assert_eq!(ok(b"a capability"), CommandBody::Capability);
        assert_eq!(ok(b"a NoOp"), CommandBody::Noop);
        assert_eq!(
            ok(b"a uid expunge 1:*"),
            CommandBody::UidExpunge(set(&[(1, 0)]))
        );
        assert_eq!(bad(b"a NOOP now").text, "Unexpected arguments to NOOP");
    }

    #[test]
    fn tags() {
        assert_eq!(
            parse_command(b"\r\n", &DecodeOptions::default())
                .unwrap_err()
                .text,
            "Empty command line"
        );
        let e = bad(b"+ NOOP");
        assert_eq!(e.tag, None);
        assert_eq!(e.text, "Missing or invalid tag");
        assert_eq!(bad(b"* NOOP").tag, None);
        assert_eq!(bad(b"a{1 NOOP").tag, None);
        assert_eq!(bad(b"tag").text, "Missing command");
        assert_eq!(bad(b"tag ").text, "Missing command name");
        let e = bad(b"x.1] FOO");
        assert_eq!(e.tag.unwrap().as_str(), "x.1]");
        assert_eq!(e.text, "Unknown command FOO");
    }

    #[test]
    fn missing_arguments() {
        assert_eq!(bad(b"a LOGIN").text, "Missing argument to LOGIN");
        assert_eq!(bad(b"a LOGIN fred").text, "Missing argument to LOGIN");
        assert_eq!(bad(b"a SELECT").text, "Missing argument to SELECT");
        assert_eq!(bad(b"a FETCH 1").text, "Missing argument to FETCH");
        assert_eq!(bad(b"a UID").text, "Missing argument to UID");
        assert_eq!(bad(b"a UID FOO 1").text, "Unknown UID command FOO");
        assert_eq!(bad(b"a SEARCH").text, "Missing argument to SEARCH");
        assert_eq!(bad(b"a LOGIN  fred x").text, "Unexpected extra space");
    }

    #[test]
    fn sequence_sets() {
        assert_eq!(
            ok(b"a COPY 1,3:5,7:*,* Trash"),
            CommandBody::Copy {
                numbering: Numbering::Seq,
                set: set(&[(1, 1), (3, 5), (7, 0), (0, 0)]),
                mailbox: MailboxArg(b"Trash".to_vec())
            }
        );
        for s in [
            &b"a FETCH 0 FLAGS"[..],
            b"a FETCH 1: FLAGS",
            b"a FETCH 1,,2 FLAGS",
            b"a FETCH 4294967296 FLAGS",
            b"a FETCH 1x FLAGS",
            b"a FETCH $,1 FLAGS",
        ] {
            assert!(
                bad(s).text.starts_with("Invalid sequence set"),
                "{}",
                String::from_utf8_lossy(s)
            );
        }
    }

    #[test]
    fn login_and_authenticate() {
        assert_eq!(
            ok(b"a LOGIN \"fr\\\"ed\" {3+}\r\n\xff\x00p"),
            CommandBody::Login {
                user: b"fr\"ed".to_vec(),
                password: b"\xff\x00p".to_vec()
            }
        );
        assert_eq!(
            ok(b"a authenticate plain"),
            CommandBody::Authenticate {
                mechanism: "PLAIN".into(),
                initial: None
            }
        );
        assert_eq!(
            ok(b"a AUTHENTICATE EXTERNAL ="),
            CommandBody::Authenticate {
                mechanism: "EXTERNAL".into(),
                initial: Some(b"=".to_vec())
            }
        );
        assert!(bad(b"a AUTHENTICATE PLAIN abc").text.contains("base64"));
        assert!(bad(b"a AUTHENTICATE PLAIN ab=c").text.contains("base64"));
        assert!(bad(b"a LOGIN \"a\\b\" x").text.contains("escape"));
        assert_eq!(bad(b"a LOGIN \"abc x").text, "Unterminated quoted string");
        assert_eq!(
            bad(b"a LOGIN ~{1}\r\nx y").text,
            "A literal8 is not allowed for the user name"
        );
        assert_eq!(
            bad(b"a LOGIN {10}\r\nx y").text,
            "Literal data is truncated"
        );
    }

    #[test]
    fn nul_outside_literal() {
        assert_eq!(
            bad(b"a LOGIN fr\0ed x").text,
            "NUL byte not allowed outside literals"
        );
        assert_eq!(
            bad(b"a LOGIN \"fr\0ed\" x").text,
            "NUL byte not allowed outside literals"
        );
        assert_eq!(
            bad(b"a NO\0OP").text,
            "NUL byte not allowed outside literals"
        );
    }

    #[test]
    fn id_and_enable() {
        assert_eq!(ok(b"a ID NIL"), CommandBody::Id(None));
        assert_eq!(
            ok(b"a ID (\"name\" \"sodr\" \"version\" NIL)"),
            CommandBody::Id(Some(vec![
                ("name".into(), Some("sodr".into())),
                ("version".into(), None)
            ]))
        );
        assert_eq!(ok(b"a ID ()"), CommandBody::Id(Some(vec![])));
        assert_eq!(
            ok(b"a enable condstore utf8=accept"),
            CommandBody::Enable(vec!["CONDSTORE".into(), "UTF8=ACCEPT".into()])
        );
    }

    #[test]
    fn create_special_use() {
        assert_eq!(
            ok(b"a CREATE MySpecial (USE (\\Drafts \\Sent))"),
            CommandBody::Create {
                mailbox: MailboxArg(b"MySpecial".to_vec()),
                special_use: vec!["\\Drafts".into(), "\\Sent".into()]
            }
        );
        assert_eq!(
            bad(b"a CREATE x (FOO)").text,
            "Unknown CREATE parameter FOO"
        );
    }

    #[test]
    fn mailbox_bytes_are_raw() {
        assert_eq!(
            ok(b"a DELETE \"caf\xc3\xa9\""),
            CommandBody::Delete {
                mailbox: MailboxArg("café".as_bytes().to_vec())
            }
        );
        assert_eq!(
            ok(b"a SUBSCRIBE \"\xe9\""),
            CommandBody::Subscribe {
                mailbox: MailboxArg(b"\xe9".to_vec())
            }
        );
    }

    #[test]
    fn list_errors() {
        assert_eq!(
            bad(b"a LIST (RECURSIVEMATCH) \"\" *").text,
            "RECURSIVEMATCH requires another selection option"
        );
        assert_eq!(
            bad(b"a LIST (FOO) \"\" *").text,
            "Unknown LIST selection option FOO"
        );
        assert_eq!(
            bad(b"a LIST \"\" * RETURN (FOO)").text,
            "Unknown LIST return option FOO"
        );
        assert_eq!(
            bad(b"a LIST \"\" * FOO").text,
            "Expected RETURN after the LIST pattern"
        );
        assert_eq!(
            ok(b"a LSUB \"\" news.*"),
            CommandBody::Lsub {
                reference: MailboxArg(vec![]),
                pattern: MailboxArg(b"news.*".to_vec())
            }
        );
    }

    #[test]
    fn status() {
        assert_eq!(
            ok(b"a STATUS INBOX (messages uidnext uidvalidity unseen deleted size recent highestmodseq)"),
            CommandBody::Status {
                mailbox: MailboxArg(b"INBOX".to_vec()),
                items: vec![
                    StatusItem::Messages,
                    StatusItem::UidNext,
                    StatusItem::UidValidity,
                    StatusItem::Unseen,
                    StatusItem::Deleted,
                    StatusItem::Size,
                    StatusItem::Recent,
                    StatusItem::HighestModSeq
                ]
            }
        );
        assert_eq!(
            bad(b"a STATUS INBOX ()").text,
            "Expected STATUS item in STATUS"
        );
        assert_eq!(bad(b"a STATUS INBOX (FOO)").text, "Unknown STATUS item FOO");
    }

    #[test]
    fn append_forms() {
        let body = ok(b"a APPEND Drafts (\\Draft $Label) \"17-Jul-1996 02:44:25 -0700\" {3}\r\nabc ~{2+}\r\n\0\x01 () {0+}\r\n");
        let CommandBody::Append { messages, .. } = body else {
            panic!()
        };
        assert_eq!(messages.len(), 3);
        assert_eq!(
            messages[0].flags,
            vec![Flag::Draft, Flag::Keyword("$Label".into())]
        );
        assert!(messages[0].date.is_some());
        assert_eq!(messages[0].content, b"abc");
        assert!(messages[1].is_binary);
        assert_eq!(messages[1].content, b"\0\x01");
        assert!(messages[2].flags.is_empty());
        assert_eq!(messages[2].content, b"");
        assert_eq!(
            bad(b"a APPEND x (\\Recent) {1}\r\nx").text,
            "\\Recent cannot be set by a client (RFC 9051 §2.3.2)"
        );
        assert_eq!(
            bad(b"a APPEND x \"32-Jul-1996 02:44:25 -0700\" {1}\r\nx").text,
            "Invalid date-time"
        );
        assert_eq!(bad(b"a APPEND x \"hello\"").text, "Invalid date-time");
        assert_eq!(
            bad(b"a APPEND x hello").text,
            "Expected a literal with the message to APPEND"
        );
        assert_eq!(bad(b"a APPEND x").text, "Missing argument to APPEND");
    }

    #[test]
    fn search_keys() {
        let CommandBody::Search(s) = ok(b"a UID SEARCH CHARSET us-ascii OR (FROM \"x\" TO y) NOT SUBJECT {3}\r\nabc UNSEEN LARGER 100 SMALLER 99999999999 HEADER X-Foo \"\" UID 1:5 KEYWORD $Junk SENTON \"1-Feb-1994\" BEFORE 01-jan-2000 MODSEQ \"/flags/\\\\draft\" all 620162338 MODSEQ 5")
        else {
            panic!()
        };
        assert_eq!(s.numbering, Numbering::Uid);
        assert_eq!(s.charset.as_deref(), Some("US-ASCII"));
        let SearchKey::And(keys) = s.key else {
            panic!()
        };
        assert_eq!(
            keys[0],
            SearchKey::Or(
                Box::new(SearchKey::And(vec![
                    SearchKey::From("x".into()),
                    SearchKey::To("y".into())
                ])),
                Box::new(SearchKey::Not(Box::new(SearchKey::Subject("abc".into()))))
            )
        );
        assert_eq!(keys[1], SearchKey::Unseen);
        assert_eq!(keys[2], SearchKey::Larger(100));
        assert_eq!(keys[3], SearchKey::Smaller(u32::MAX));
        assert_eq!(keys[4], SearchKey::Header("X-Foo".into(), String::new()));
        assert_eq!(keys[5], SearchKey::Uid(set(&[(1, 5)])));
        assert_eq!(keys[6], SearchKey::Keyword("$Junk".into()));
        assert_eq!(
            keys[7],
            SearchKey::SentOn(chrono::NaiveDate::from_ymd_opt(1994, 2, 1).unwrap())
        );
        assert_eq!(
            keys[8],
            SearchKey::Before(chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap())
        );
        assert_eq!(keys[9], SearchKey::ModSeq(620162338));
        assert_eq!(keys[10], SearchKey::ModSeq(5));

        let CommandBody::Search(s) = ok(b"a SEARCH RETURN () ALL") else {
            panic!()
        };
        assert_eq!(s.ret, Some(vec![]));
        assert_eq!(s.key, SearchKey::All);

        assert_eq!(bad(b"a SEARCH FOO").text, "Unknown search key FOO");
        assert_eq!(
            bad(b"a SEARCH SINCE 1-Foo-2000").text,
            "Invalid date 1-Foo-2000"
        );
        assert_eq!(
            bad(b"a SEARCH TEXT \"\xff\"").text,
            "Search string is not valid UTF-8"
        );
        assert_eq!(
            bad(b"a SEARCH RETURN (FOO) ALL").text,
            "Unknown SEARCH RETURN option FOO"
        );
        assert_eq!(bad(b"a SEARCH OR SEEN").text, "Missing argument to SEARCH");
        assert_eq!(bad(b"a SEARCH (SEEN").text, "Missing argument to SEARCH");
        assert_eq!(
            bad(b"a SEARCH MODSEQ \"/flags/x\" foo 1").text,
            "MODSEQ entry type must be priv, shared or all"
        );
        let e = bad(b"a SEARCH CHARSET ISO-8859-1 ALL");
        assert!(e.is_refusal());
        assert_eq!(e.text, "Unsupported charset ISO-8859-1");
    }

    #[test]
    fn sort_thread_and_new_search_keys() {
        // RFC 5256 §3 examples.
        let CommandBody::Sort(c) = ok(b"A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL") else {
            panic!()
        };
        assert_eq!(c.numbering, Numbering::Seq);
        assert_eq!(c.ret, None);
        assert_eq!(c.charset, "UTF-8");
        assert_eq!(
            c.criteria,
            vec![
                SortCriterion {
                    is_reverse: false,
                    key: SortKey::Subject
                },
                SortCriterion {
                    is_reverse: true,
                    key: SortKey::Date
                }
            ]
        );
        assert_eq!(c.key, SearchKey::All);
        // RFC 5267 §3.3.
        let CommandBody::Sort(c) =
            ok(b"E01 UID SORT RETURN () (REVERSE DATE) UTF-8 UNDELETED UNKEYWORD $Junk")
        else {
            panic!()
        };
        assert_eq!((c.numbering, c.ret), (Numbering::Uid, Some(vec![])));
        let CommandBody::Sort(c) = ok(b"a sort (displayfrom) us-ascii text \"x\"") else {
            panic!()
        };
        assert_eq!(c.criteria[0].key, SortKey::DisplayFrom);
        assert_eq!(bad(b"a SORT (SUBJECT) ALL").text, "Unsupported charset ALL");
        assert_eq!(
            bad(b"a SORT () UTF-8 ALL").text,
            "Expected sort criterion in SORT"
        );
        assert_eq!(
            bad(b"a SORT (REVERSE) UTF-8 ALL").text,
            "Expected a space in SORT"
        );
        assert_eq!(
            bad(b"a SORT (BOGUS) UTF-8 ALL").text,
            "Unknown sort criterion BOGUS"
        );
        let CommandBody::Thread(t) = ok(b"A285 UID THREAD REFERENCES UTF-8 SINCE 5-MAR-2000")
        else {
            panic!()
        };
        assert_eq!(
            (t.numbering, t.algorithm),
            (Numbering::Uid, ThreadAlgorithm::References)
        );
        assert!(matches!(
            ok(b"a THREAD orderedsubject US-ASCII ALL"),
            CommandBody::Thread(_)
        ));
        assert_eq!(
            bad(b"a THREAD JWZ UTF-8 ALL").text,
            "Unknown threading algorithm JWZ"
        );
        // RFC 5032 §4, RFC 8514 §4.2.
        let CommandBody::Search(s) =
            ok(b"a1 SEARCH UNSEEN YOUNGER 259200 OLDER 1 SAVEDBEFORE 1-Jan-2020 SAVEDATESUPPORTED")
        else {
            panic!()
        };
        let SearchKey::And(keys) = s.key else {
            panic!()
        };
        assert_eq!(keys[1], SearchKey::Younger(259200));
        assert_eq!(keys[2], SearchKey::Older(1));
        assert_eq!(
            keys[3],
            SearchKey::SavedBefore(chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap())
        );
        assert_eq!(keys[4], SearchKey::SaveDateSupported);
        let _ = bad(b"a SEARCH OLDER 0");
        let _ = bad(b"a SEARCH YOUNGER");
        // RFC 9394 §3.1.
        let CommandBody::Search(s) = ok(b"A01 UID SEARCH RETURN (PARTIAL -1:-100) UNDELETED")
        else {
            panic!()
        };
        assert_eq!(
            s.ret,
            Some(vec![SearchReturn::Partial(PartialRange {
                low: 1,
                high: 100,
                from_end: true
            })])
        );
        let CommandBody::Search(s) = ok(b"a SEARCH RETURN (MIN PARTIAL 500:400) ALL") else {
            panic!()
        };
        assert_eq!(
            s.ret.unwrap()[1],
            SearchReturn::Partial(PartialRange {
                low: 400,
                high: 500,
                from_end: false
            })
        );
        assert_eq!(
            bad(b"a SEARCH RETURN (ALL PARTIAL 1:5) ALL").text,
            "Only one of PARTIAL and ALL may be given"
        );
        assert_eq!(
            bad(b"a SEARCH RETURN (PARTIAL 1:-5) ALL").text,
            "Both ends of a partial range must have the same sign"
        );
        assert!(matches!(
            bad(b"a SEARCH RETURN (PARTIAL 0:5) ALL"),
            DecodeError { .. }
        ));
    }

    #[test]
    fn notify() {
        // RFC 5465 §3.1 example.
        let CommandBody::Notify(Some(n)) = ok(b"b notify set status (selected MessageNew (uid body.peek[header.fields (from to subject)]) MessageExpunge) (subtree Lists MessageNew)") else { panic!() };
        assert!(n.status);
        assert_eq!(n.groups.len(), 2);
        assert_eq!(n.groups[0].filter, NotifyFilter::Selected);
        assert!(matches!(&n.groups[0].events[0], NotifyEvent::MessageNew(a) if a.len() == 2));
        assert_eq!(n.groups[0].events[1], NotifyEvent::MessageExpunge);
        assert_eq!(
            n.groups[1].filter,
            NotifyFilter::Subtree(vec![MailboxArg(b"Lists".to_vec())])
        );
        let CommandBody::Notify(Some(n)) = ok(b"a notify set (mailboxes (INBOX \"a b\") (Messagenew messageExpunge)) (personal (SubscriptionChange)) (selected-delayed NONE) (inboxes (Foo))") else { panic!() };
        assert!(!n.status);
        assert_eq!(
            n.groups[0].filter,
            NotifyFilter::Mailboxes(vec![
                MailboxArg(b"INBOX".to_vec()),
                MailboxArg(b"a b".to_vec())
            ])
        );
        assert_eq!(n.groups[1].events, vec![NotifyEvent::SubscriptionChange]);
        assert!(n.groups[2].events.is_empty());
        assert_eq!(n.groups[3].events, vec![NotifyEvent::Other("FOO".into())]);
        assert_eq!(ok(b"a NOTIFY NONE"), CommandBody::Notify(None));
        for b in [
            &b"a NOTIFY"[..],
            b"a NOTIFY SET",
            b"a NOTIFY SET (selected)",
            b"a NOTIFY SET (bogus (MessageNew))",
            b"a NOTIFY SET (personal (MailboxName)) x",
        ] {
            bad(b);
        }
    }

    #[test]
    fn fetch_partial_modifier() {
        // RFC 9394 §3.3, §3.4 (with CHANGEDSINCE, either order).
        let CommandBody::Fetch(f) = ok(b"10 UID FETCH 25900:26600 (UID FLAGS) (PARTIAL -1:-3)")
        else {
            panic!()
        };
        assert_eq!(
            f.partial,
            Some(PartialRange {
                low: 1,
                high: 3,
                from_end: true
            })
        );
        let CommandBody::Fetch(f) =
            ok(b"101 UID FETCH 25900:26600 (UID FLAGS) (CHANGEDSINCE 98305 PARTIAL -1:-30)")
        else {
            panic!()
        };
        assert_eq!(
            (f.partial, f.changed_since),
            (
                Some(PartialRange {
                    low: 1,
                    high: 30,
                    from_end: true
                }),
                Some(98305)
            )
        );
        assert_eq!(
            bad(b"a FETCH 1:* FLAGS (PARTIAL 1:5)").text,
            "PARTIAL is only allowed with UID FETCH"
        );
        assert!(matches!(
            bad(b"a UID FETCH 1:* FLAGS (PARTIAL 1:5 PARTIAL 2:3)"),
            DecodeError { .. }
        ));
        assert!(matches!(
            bad(b"a UID FETCH 1:* FLAGS (PARTIAL 0:5)"),
            DecodeError { .. }
        ));
    }

    #[test]
    fn nesting_limit() {
        let opts = DecodeOptions { max_nesting: 4 };
        let parse = |s: &str| parse_command(format!("a SEARCH {s}\r\n").as_bytes(), &opts);
        assert!(parse("NOT NOT NOT SEEN").is_ok());
        assert_eq!(
            parse("NOT NOT NOT NOT SEEN").unwrap_err().text,
            "Command nested too deeply (limit 4)"
        );
        assert!(parse("((((SEEN))))").is_err());
        let deep = format!("{}SEEN{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(
            parse_command(
                format!("a SEARCH {deep}\r\n").as_bytes(),
                &DecodeOptions::default()
            )
            .is_err()
        );
        let deep = "NOT ".repeat(100_000) + "SEEN";
        assert!(
            parse_command(
                format!("a SEARCH {deep}\r\n").as_bytes(),
                &DecodeOptions { max_nesting: 0 }
            )
            .is_err()
        );
    }

    #[test]
    fn fetch_items() {
        let CommandBody::Fetch(f) = ok(b"a UID FETCH 1:* (uid body.peek[1.2.HEADER.FIELDS.NOT (Received \"X-Y\")]<0.100> BODY[1.MIME] body[TEXT] BINARY.PEEK[1.2]<5.10> BINARY[] BINARY.SIZE[3] RFC822 RFC822.HEADER RFC822.TEXT RFC822.SIZE BODYSTRUCTURE ENVELOPE INTERNALDATE MODSEQ BODY BODY[]) (CHANGEDSINCE 12345 VANISHED)")
        else {
            panic!()
        };
        use FetchAttr as F;
        assert_eq!(
            f.attrs,
            vec![
                F::Uid,
                F::BodySection {
                    peek: true,
                    section: Section {
                        part: vec![1, 2],
                        text: Some(SectionText::HeaderFieldsNot(vec![
                            "Received".into(),
                            "X-Y".into()
                        ]))
                    },
                    partial: Some(Partial {
                        offset: 0,
                        length: 100
                    })
                },
                F::BodySection {
                    peek: false,
                    section: Section {
                        part: vec![1],
                        text: Some(SectionText::Mime)
                    },
                    partial: None
                },
                F::BodySection {
                    peek: false,
                    section: Section {
                        part: vec![],
                        text: Some(SectionText::Text)
                    },
                    partial: None
                },
                F::Binary {
                    peek: true,
                    part: vec![1, 2],
                    partial: Some(Partial {
                        offset: 5,
                        length: 10
                    })
                },
                F::Binary {
                    peek: false,
                    part: vec![],
                    partial: None
                },
                F::BinarySize { part: vec![3] },
                F::Rfc822,
                F::Rfc822Header,
                F::Rfc822Text,
                F::Rfc822Size,
                F::BodyStructure,
                F::Envelope,
                F::InternalDate,
                F::ModSeq,
                F::Body,
                F::BodySection {
                    peek: false,
                    section: Section::default(),
                    partial: None
                },
            ]
        );
        assert_eq!(f.changed_since, Some(12345));
        assert!(f.vanished);
        let CommandBody::Fetch(f) = ok(b"a FETCH 1 fast") else {
            panic!()
        };
        assert_eq!(f.attrs, vec![F::Flags, F::InternalDate, F::Rfc822Size]);

        assert_eq!(
            bad(b"a FETCH 1 (FLAGS FOO)").text,
            "Unknown FETCH attribute FOO"
        );
        assert_eq!(bad(b"a FETCH 1 BODY[MIME]").text, "Invalid section MIME");
        assert_eq!(
            bad(b"a FETCH 1 BODY.PEEK").text,
            "BODY.PEEK requires a section"
        );
        assert_eq!(
            bad(b"a FETCH 1 BODY[]<0.0>").text,
            "Invalid partial length: must not be 0"
        );
        assert_eq!(
            bad(b"a FETCH 1 FLAGS (VANISHED)").text,
            "VANISHED is only allowed with UID FETCH"
        );
        assert_eq!(
            bad(b"a UID FETCH 1 FLAGS (VANISHED)").text,
            "VANISHED requires CHANGEDSINCE"
        );
        assert_eq!(bad(b"a FETCH 1 ()").text, "Missing FETCH attribute");
        assert_eq!(bad(b"a FETCH 1 (ALL)").text, "Unknown FETCH attribute ALL");
    }

    #[test]
    fn store_forms() {
        assert_eq!(
            ok(b"a UID STORE 1:3 (UNCHANGEDSINCE 320162338) -flags.silent \\Seen $Work \\Custom"),
            CommandBody::Store(StoreCommand {
                numbering: Numbering::Uid,
                set: set(&[(1, 3)]),
                mode: StoreMode::Remove,
                is_silent: true,
                flags: vec![
                    Flag::Seen,
                    Flag::Keyword("$Work".into()),
                    Flag::Extension("Custom".into())
                ],
                unchanged_since: Some(320162338),
            })
        );
        let CommandBody::Store(s) = ok(b"a STORE 1 FLAGS ()") else {
            panic!()
        };
        assert_eq!(s.mode, StoreMode::Replace);
        assert!(s.flags.is_empty());
        assert_eq!(
            bad(b"a STORE 1 +FLAGS (\\Recent)").text,
            "\\Recent cannot be set by a client (RFC 9051 §2.3.2)"
        );
        assert_eq!(
            bad(b"a STORE 1 +FLAGS \\*").text,
            "\\* is not a flag a client can set"
        );
        assert_eq!(
            bad(b"a STORE 1 +LABELS x").text,
            "Invalid STORE data item LABELS"
        );
        assert_eq!(
            bad(b"a STORE 1 (FOO 1) FLAGS x").text,
            "Unknown STORE modifier FOO"
        );
    }

    #[test]
    fn trailing_garbage() {
        assert_eq!(
            bad(b"a SELECT INBOX extra").text,
            "Expected '(' to open the SELECT parameters in SELECT"
        );
        assert_eq!(
            bad(b"a DELETE INBOX)").text,
            "Unexpected characters at end of DELETE"
        );
        assert_eq!(
            parse_command(b"a NOOP\r\nb NOOP\r\n", &DecodeOptions::default())
                .unwrap_err()
                .text,
            "Unexpected data after the command"
        );
        assert_eq!(
            parse_command(b"a NOOP", &DecodeOptions::default())
                .unwrap_err()
                .text,
            "Unexpected data after the command"
        );
    }
}
