//! The IMAP command AST: what the decoder produces and the session consumes.
//! RFC 9051 §9 (formal syntax), with the RFC 3501 forms still accepted from rev1 clients.
//!
//! Values here are already checked by the decoder (STYLE.md rule 1): a `Tag` is a valid tag,
//! a `SequenceSet` is non-empty with non-zero numbers, a `SearchKey` tree is within the
//! configured nesting depth.
//!
//! Mailbox names are carried as the raw bytes the client sent (`MailboxArg`): whether they
//! are modified UTF-7 (rev1) or UTF-8 (rev2 / UTF8=ACCEPT) depends on session state, so the
//! session decodes them with `crate::mailbox_name`.

use chrono::NaiveDate;

/// A command tag: 1*<any ASTRING-CHAR except "+">.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tag(String);

impl Tag {
    /// Checking constructor (RFC 9051 §9 `tag`).
    pub fn new(s: &str) -> Option<Tag> {
        if !s.is_empty() && s.bytes().all(|b| is_astring_char(b) && b != b'+') {
            Some(Tag(s.to_string()))
        } else {
            None
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// RFC 9051 §9 ASTRING-CHAR = ATOM-CHAR / resp-specials.
pub fn is_astring_char(b: u8) -> bool {
    is_atom_char(b) || b == b']'
}

/// RFC 9051 §9 ATOM-CHAR: any CHAR except atom-specials.
pub fn is_atom_char(b: u8) -> bool {
    !(b <= 0x1f
        || b >= 0x7f
        || matches!(
            b,
            b'(' | b')' | b'{' | b' ' | b'%' | b'*' | b'"' | b'\\' | b']'
        ))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub tag: Tag,
    pub body: CommandBody,
}

/// Whether a set or a result speaks message sequence numbers or UIDs (`UID FETCH` etc.).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbering {
    Seq,
    Uid,
}

/// A mailbox name exactly as sent (astring, after literal/quoted unescaping).
/// The session decodes it (modified UTF-7 or UTF-8) with `crate::mailbox_name::decode`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxArg(pub Vec<u8>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandBody {
    // Any state
    Capability,
    Noop,
    Logout,
    /// RFC 2971 ID: None for NIL, else field/value pairs.
    Id(Option<Vec<(String, Option<String>)>>),
    // Not authenticated
    StartTls,
    /// `initial`: the SASL-IR argument, still base64; `Some(b"=")` means an empty response.
    Authenticate {
        mechanism: String,
        initial: Option<Vec<u8>>,
    },
    Login {
        user: Vec<u8>,
        password: Vec<u8>,
    },
    // Authenticated
    Enable(Vec<String>),
    Select {
        mailbox: MailboxArg,
        params: SelectParams,
    },
    Examine {
        mailbox: MailboxArg,
        params: SelectParams,
    },
    /// RFC 6154 CREATE-SPECIAL-USE: `CREATE name (USE (\Drafts))`.
    Create {
        mailbox: MailboxArg,
        special_use: Vec<String>,
    },
    Delete {
        mailbox: MailboxArg,
    },
    Rename {
        from: MailboxArg,
        to: MailboxArg,
    },
    Subscribe {
        mailbox: MailboxArg,
    },
    Unsubscribe {
        mailbox: MailboxArg,
    },
    List(ListCommand),
    Lsub {
        reference: MailboxArg,
        pattern: MailboxArg,
    },
    Namespace,
    Status {
        mailbox: MailboxArg,
        items: Vec<StatusItem>,
    },
    /// One or more messages (MULTIAPPEND, RFC 3502, is several).
    Append {
        mailbox: MailboxArg,
        messages: Vec<AppendMessage>,
    },
    Idle,
    // Selected
    Check,
    Close,
    Unselect,
    Expunge,
    UidExpunge(SequenceSet),
    Search(SearchCommand),
    /// RFC 5256 SORT / UID SORT, with RFC 5267 ESORT return options.
    Sort(SortCommand),
    /// RFC 5256 THREAD / UID THREAD.
    Thread(ThreadCommand),
    Fetch(FetchCommand),
    Store(StoreCommand),
    Copy {
        numbering: Numbering,
        set: SequenceSet,
        mailbox: MailboxArg,
    },
    Move {
        numbering: Numbering,
        set: SequenceSet,
        mailbox: MailboxArg,
    },
    /// RFC 8437 UNAUTHENTICATE (authenticated or selected -> not authenticated).
    Unauthenticate,
    /// RFC 8508 REPLACE / UID REPLACE: `number` is a sequence number or a UID.
    Replace {
        numbering: Numbering,
        number: u32,
        mailbox: MailboxArg,
        message: AppendMessage,
    },
    /// RFC 4978 COMPRESS with the mechanism name, upper-cased.
    Compress(String),
    /// RFC 5464 §4.2 GETMETADATA.
    GetMetadata {
        mailbox: MailboxArg,
        options: MetadataOptions,
        entries: Vec<String>,
    },
    /// RFC 5464 §4.3 SETMETADATA: NIL values remove the entry.
    SetMetadata {
        mailbox: MailboxArg,
        entries: Vec<(String, Option<Vec<u8>>)>,
    },
    /// RFC 5465 NOTIFY: `NOTIFY NONE` is None, `NOTIFY SET ...` Some.
    Notify(Option<NotifySet>),
    /// RFC 7377 MULTISEARCH `ESEARCH [IN (...)] [RETURN (...)] criteria`; `search` always
    /// has `Numbering::Uid` (§2.1: results are UIDs).
    Esearch {
        source: Option<Vec<NotifyFilter>>,
        search: SearchCommand,
    },
    /// RFC 5267 §4.3.5 `CANCELUPDATE 1*(SP quoted)`: the tags of updating searches.
    CancelUpdate(Vec<String>),
}

/// RFC 5465 §8 notify-set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifySet {
    /// The STATUS indicator: report the watched mailboxes' status before the tagged OK.
    pub status: bool,
    pub groups: Vec<NotifyGroup>,
}

/// RFC 5465 §8 event-group: a mailbox filter and its events (empty for `NONE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyGroup {
    pub filter: NotifyFilter,
    pub events: Vec<NotifyEvent>,
}

/// RFC 5465 §6 mailbox specifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotifyFilter {
    Selected,
    SelectedDelayed,
    Inboxes,
    Personal,
    Subscribed,
    Subtree(Vec<MailboxArg>),
    Mailboxes(Vec<MailboxArg>),
    /// RFC 7377 §2.2 (ESEARCH only): the mailbox and its children, one level down.
    SubtreeOne(Vec<MailboxArg>),
}

/// RFC 5465 §5 events; `Other` keeps an unknown event name so the server can answer
/// NO [BADEVENT] (§3.1) rather than BAD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotifyEvent {
    /// With the FETCH items to send for new messages in the selected mailbox.
    MessageNew(Vec<FetchAttr>),
    MessageExpunge,
    FlagChange,
    AnnotationChange,
    MailboxName,
    SubscriptionChange,
    MailboxMetadataChange,
    ServerMetadataChange,
    Other(String),
}

impl CommandBody {
    /// The command's name as a client would write it, for logs and error texts.
    pub fn name(&self) -> &'static str {
        use CommandBody::*;
        match self {
            Capability => "CAPABILITY",
            Noop => "NOOP",
            Logout => "LOGOUT",
            Id(_) => "ID",
            StartTls => "STARTTLS",
            Authenticate { .. } => "AUTHENTICATE",
            Login { .. } => "LOGIN",
            Enable(_) => "ENABLE",
            Select { .. } => "SELECT",
            Examine { .. } => "EXAMINE",
            Create { .. } => "CREATE",
            Delete { .. } => "DELETE",
            Rename { .. } => "RENAME",
            Subscribe { .. } => "SUBSCRIBE",
            Unsubscribe { .. } => "UNSUBSCRIBE",
            List(_) => "LIST",
            Lsub { .. } => "LSUB",
            Namespace => "NAMESPACE",
            Status { .. } => "STATUS",
            Append { .. } => "APPEND",
            Idle => "IDLE",
            Check => "CHECK",
            Close => "CLOSE",
            Unselect => "UNSELECT",
            Expunge => "EXPUNGE",
            UidExpunge(_) => "UID EXPUNGE",
            Search(_) => "SEARCH",
            Sort(_) => "SORT",
            Thread(_) => "THREAD",
            Fetch(_) => "FETCH",
            Store(_) => "STORE",
            Copy { .. } => "COPY",
            Move { .. } => "MOVE",
            Unauthenticate => "UNAUTHENTICATE",
            Replace { .. } => "REPLACE",
            Compress(_) => "COMPRESS",
            GetMetadata { .. } => "GETMETADATA",
            SetMetadata { .. } => "SETMETADATA",
            Notify(_) => "NOTIFY",
            Esearch { .. } => "ESEARCH",
            CancelUpdate(_) => "CANCELUPDATE",
        }
    }
}

/// RFC 5464 §4.2.1-§4.2.2 GETMETADATA options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetadataOptions {
    /// MAXSIZE: entries with longer values are left out (and reported as LONGENTRIES).
    pub max_size: Option<u32>,
    /// DEPTH: 0 (default), 1, or `infinity` (None here means 0).
    pub depth: MetadataDepth,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MetadataDepth {
    #[default]
    Zero,
    One,
    Infinity,
}

/// SELECT/EXAMINE parameters (RFC 4466 §2.1; CONDSTORE RFC 7162 §3.1.8).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SelectParams {
    pub condstore: bool,
    pub qresync: Option<QresyncParams>,
}

/// RFC 7162 §3.2.5: `QRESYNC (uidvalidity modseq [known-uids [(seq-match uid-match)]])`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QresyncParams {
    pub uid_validity: u32,
    pub modseq: u64,
    pub known_uids: Option<SequenceSet>,
    pub seq_match: Option<(SequenceSet, SequenceSet)>,
}

/// LIST in its basic (RFC 3501) and extended (RFC 5258, RFC 9051 §6.3.9) forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCommand {
    pub reference: MailboxArg,
    /// One pattern for basic LIST, one or more for `LIST "" ("a" "b")`.
    pub patterns: Vec<MailboxArg>,
    pub selection: ListSelection,
    pub returns: ListReturn,
    /// True when any extended syntax (selection options, pattern list, RETURN) was used:
    /// RFC 5258 §3 then requires CHILDINFO extended data items where they apply.
    pub is_extended: bool,
}

/// RFC 5258 §3.1 list-select-opts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListSelection {
    pub subscribed: bool,
    pub remote: bool,
    pub recursive_match: bool,
    pub special_use: bool,
}

/// RFC 5258 §3.2 list-return-opts; STATUS from RFC 5819.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListReturn {
    pub subscribed: bool,
    pub children: bool,
    pub special_use: bool,
    pub status: Option<Vec<StatusItem>>,
    /// RFC 9590 LIST-METADATA: `METADATA (...)`, the entries (and GETMETADATA options) to
    /// return for each listed mailbox.
    pub metadata: Option<ListMetadata>,
}

/// RFC 9590 §3: the METADATA LIST return option.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListMetadata {
    pub options: MetadataOptions,
    /// At least one entry name, as sent.
    pub entries: Vec<String>,
}

/// STATUS data items: RFC 9051 §6.3.11, RFC 3501 RECENT, RFC 7162 HIGHESTMODSEQ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusItem {
    Messages,
    UidNext,
    UidValidity,
    Unseen,
    Deleted,
    Size,
    Recent,
    HighestModSeq,
    /// RFC 8474 §4.3.
    MailboxId,
}

impl StatusItem {
    pub fn name(self) -> &'static str {
        match self {
            StatusItem::Messages => "MESSAGES",
            StatusItem::UidNext => "UIDNEXT",
            StatusItem::UidValidity => "UIDVALIDITY",
            StatusItem::Unseen => "UNSEEN",
            StatusItem::Deleted => "DELETED",
            StatusItem::Size => "SIZE",
            StatusItem::Recent => "RECENT",
            StatusItem::HighestModSeq => "HIGHESTMODSEQ",
            StatusItem::MailboxId => "MAILBOXID",
        }
    }
}

/// One message of an APPEND (RFC 9051 §6.3.12, RFC 3502, RFC 3516 `~{n}` binary literal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendMessage {
    pub flags: Vec<Flag>,
    pub date: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub content: Vec<u8>,
    /// Sent as a `~{n}` literal8 (RFC 3516 §4.2): may hold NUL and need not be 7-bit.
    pub is_binary: bool,
    /// RFC 4469 CATENATE: the parts to join (then `content` is empty). None for a plain
    /// literal.
    pub catenate: Option<Vec<CatenatePart>>,
    /// Sent as RFC 6855 §4 `UTF8 (~{n})` (only valid after ENABLE UTF8=ACCEPT).
    pub is_utf8: bool,
}

/// RFC 4469 §5 cat-part (`UTF8 (literal8)` from RFC 6855 §4 is a `Text` with `is_utf8`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatenatePart {
    Text {
        data: Vec<u8>,
        is_utf8: bool,
    },
    /// An IMAP URL (RFC 5092), as sent.
    Url(String),
}

/// A flag as it appears on the wire. `\Recent` is only ever sent by the server; a client
/// sending it in STORE/APPEND gets BAD from the decoder.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Flag {
    Seen,
    Answered,
    Flagged,
    Deleted,
    Draft,
    /// A keyword atom (case preserved; compared case-insensitively by the store).
    Keyword(String),
    /// Any other `\Word`: RFC 9051 §2.3.2 flag-extension. Kept so it can be refused politely.
    /// Holds the name without its backslash (`\Foo` -> `Extension("Foo")`).
    Extension(String),
}

impl Flag {
    /// Parse a flag's wire form (`\Seen`, `$Label`, `\Foo`), case-insensitive for system
    /// flags. Returns None for `\Recent`, `\*`, empty or non-atom input.
    pub fn parse(s: &str) -> Option<Flag> {
        let (is_system, name) = match s.strip_prefix('\\') {
            Some(n) => (true, n),
            None => (false, s),
        };
        if name.is_empty() || !name.bytes().all(is_atom_char) {
            return None;
        }
        if !is_system {
            return Some(Flag::Keyword(name.to_string()));
        }
        Some(match name.to_ascii_uppercase().as_str() {
            "SEEN" => Flag::Seen,
            "ANSWERED" => Flag::Answered,
            "FLAGGED" => Flag::Flagged,
            "DELETED" => Flag::Deleted,
            "DRAFT" => Flag::Draft,
            "RECENT" => return None,
            _ => Flag::Extension(name.to_string()),
        })
    }

    /// The wire form: `\Seen`, `$Label`, `\Foo`.
    pub fn to_wire(&self) -> String {
        let mut out = Vec::new();
        crate::writer::write_flag(&mut out, self);
        // write_flag only copies the UTF-8 of the flag's own strings.
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// RFC 9051 §9 sequence-set: one or more ranges, or `$` (RFC 5182 SEARCHRES).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SequenceSet {
    Ranges(Vec<SeqRange>),
    /// `$`: the result saved by the last `SEARCH RETURN (SAVE)`.
    Saved,
}

/// `a:b`, `a`, `*`, `a:*`. `start` may be greater than `end` (RFC 9051 §9: `4:2` == `2:4`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeqRange {
    pub start: SeqBound,
    pub end: SeqBound,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeqBound {
    /// A non-zero number.
    Value(u32),
    /// `*`: the largest number in use.
    Star,
}

impl SeqRange {
    /// Resolve against the largest number in use (`*`); returns `(low, high)`, low <= high.
    pub fn resolve(&self, largest: u32) -> (u32, u32) {
        let a = match self.start {
            SeqBound::Value(v) => v,
            SeqBound::Star => largest,
        };
        let b = match self.end {
            SeqBound::Value(v) => v,
            SeqBound::Star => largest,
        };
        (a.min(b), a.max(b))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchCommand {
    pub numbering: Numbering,
    /// None for plain `SEARCH`; `Some(vec![])` for `SEARCH RETURN ()` (== ALL, RFC 4731 §3.1).
    pub ret: Option<Vec<SearchReturn>>,
    /// CHARSET argument, upper-cased. None when absent.
    pub charset: Option<String>,
    /// The criteria; several top-level keys are an implicit `And`.
    pub key: SearchKey,
}

/// RFC 4731 search-return-opt, SAVE from RFC 5182, PARTIAL from RFC 9394.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchReturn {
    Min,
    Max,
    All,
    Count,
    Save,
    Partial(PartialRange),
    /// RFC 5267 §4.2 CONTEXT: a hint that the criteria will be used again.
    Context,
    /// RFC 5267 §4.3 UPDATE: report ADDTO/REMOVEFROM as the result changes.
    Update,
}

/// RFC 9394 partial-range: 1-based positions in the result, `low <= high`; `from_end`
/// for the `-a:-b` form (counted from the last result, -1 being the last).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartialRange {
    pub low: u32,
    pub high: u32,
    pub from_end: bool,
}

/// RFC 5256 SORT (with RFC 5267 ESORT `RETURN` options).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortCommand {
    pub numbering: Numbering,
    /// None: a plain `* SORT` response; Some: ESEARCH (RFC 5267 §3; empty == ALL).
    pub ret: Option<Vec<SearchReturn>>,
    /// At least one.
    pub criteria: Vec<SortCriterion>,
    /// The mandatory charset, upper-cased (US-ASCII or UTF-8).
    pub charset: String,
    pub key: SearchKey,
}

/// RFC 5256 sort-criterion: `["REVERSE" SP] sort-key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortCriterion {
    pub is_reverse: bool,
    pub key: SortKey,
}

/// RFC 5256 sort-key; DISPLAYFROM/DISPLAYTO from RFC 5957.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Arrival,
    Cc,
    Date,
    From,
    Size,
    Subject,
    To,
    DisplayFrom,
    DisplayTo,
}

/// RFC 5256 THREAD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadCommand {
    pub numbering: Numbering,
    pub algorithm: ThreadAlgorithm,
    /// The mandatory charset, upper-cased.
    pub charset: String,
    pub key: SearchKey,
}

/// RFC 5256 thread-alg.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadAlgorithm {
    OrderedSubject,
    References,
}

/// Search keys of RFC 9051 §6.4.4 and RFC 3501 §6.4.4 (NEW, OLD, RECENT...), plus MODSEQ
/// (RFC 7162 §3.1.5). String arguments are already converted from the CHARSET to UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchKey {
    All,
    And(Vec<SearchKey>),
    Or(Box<SearchKey>, Box<SearchKey>),
    Not(Box<SearchKey>),
    SequenceSet(SequenceSet),
    Uid(SequenceSet),
    Answered,
    Deleted,
    Draft,
    Flagged,
    Seen,
    Recent,
    New,
    Old,
    Unanswered,
    Undeleted,
    Undraft,
    Unflagged,
    Unseen,
    Keyword(String),
    Unkeyword(String),
    Bcc(String),
    Cc(String),
    From(String),
    To(String),
    Subject(String),
    Body(String),
    Text(String),
    Header(String, String),
    /// INTERNALDATE comparisons, date only (time and zone disregarded, RFC 9051 §6.4.4).
    Before(NaiveDate),
    On(NaiveDate),
    Since(NaiveDate),
    /// Date: header comparisons.
    SentBefore(NaiveDate),
    SentOn(NaiveDate),
    SentSince(NaiveDate),
    Larger(u32),
    Smaller(u32),
    /// RFC 7162 §3.1.5; the optional entry-name/type are parsed and ignored.
    ModSeq(u64),
    /// RFC 5032 WITHIN: INTERNALDATE at least / at most this many seconds ago.
    Older(u32),
    Younger(u32),
    /// RFC 8514 SAVEDATE comparisons (date only, like BEFORE/ON/SINCE).
    SavedBefore(NaiveDate),
    SavedOn(NaiveDate),
    SavedSince(NaiveDate),
    /// RFC 8514 §4.2: matches every message when the mailbox keeps save dates.
    SaveDateSupported,
    /// RFC 8474 §6: exact (case-sensitive) ObjectID match.
    EmailId(String),
    ThreadId(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchCommand {
    pub numbering: Numbering,
    pub set: SequenceSet,
    /// Macros (ALL, FAST, FULL) already expanded. For UID FETCH the session adds UID itself.
    pub attrs: Vec<FetchAttr>,
    /// RFC 7162 §3.1.4.1 CHANGEDSINCE.
    pub changed_since: Option<u64>,
    /// RFC 7162 §3.2.6 VANISHED modifier (UID FETCH only).
    pub vanished: bool,
    /// RFC 9394 §3.3 PARTIAL modifier (UID FETCH only): answer only the messages at these
    /// positions of the (UID-ordered) set.
    pub partial: Option<PartialRange>,
}

/// RFC 9051 §6.4.5 fetch data items, RFC 3516 BINARY, RFC 7162 MODSEQ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchAttr {
    Uid,
    Flags,
    InternalDate,
    Rfc822Size,
    Envelope,
    /// `BODY` without a section: the non-extensible BODYSTRUCTURE.
    Body,
    BodyStructure,
    /// RFC 3501 RFC822 (== BODY[]), RFC822.HEADER (== BODY.PEEK[HEADER]), RFC822.TEXT (== BODY[TEXT]);
    /// kept distinct because the response names them as requested.
    Rfc822,
    Rfc822Header,
    Rfc822Text,
    BodySection {
        peek: bool,
        section: Section,
        partial: Option<Partial>,
    },
    Binary {
        peek: bool,
        part: Vec<u32>,
        partial: Option<Partial>,
    },
    BinarySize {
        part: Vec<u32>,
    },
    ModSeq,
    /// RFC 8474 §5.3.
    EmailId,
    ThreadId,
    /// RFC 8514 §4.2.
    SaveDate,
    /// RFC 8970 §3: `PREVIEW` or `PREVIEW (LAZY)`.
    Preview {
        is_lazy: bool,
    },
}

/// `<offset.length>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partial {
    pub offset: u32,
    pub length: u32,
}

/// RFC 9051 §6.4.5 section-spec: part numbers (empty = whole message) then an optional text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    pub part: Vec<u32>,
    pub text: Option<SectionText>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionText {
    Header,
    /// Field names as sent (the response echoes them, RFC 9051 §7.5.2).
    HeaderFields(Vec<String>),
    HeaderFieldsNot(Vec<String>),
    Text,
    /// Only valid with a non-empty part number.
    Mime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreCommand {
    pub numbering: Numbering,
    pub set: SequenceSet,
    pub mode: StoreMode,
    pub is_silent: bool,
    pub flags: Vec<Flag>,
    /// RFC 7162 §3.1.3 UNCHANGEDSINCE.
    pub unchanged_since: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreMode {
    Add,
    Remove,
    Replace,
}
