//! One IMAP command per file. Each handler gets the session and the decoded arguments,
//! writes untagged responses into `s.out`, and returns the tagged OK's code and text (or a
//! `CmdError`); the dispatcher (session.rs) checks the state and writes the tagged line.

use std::borrow::Cow;

use loft_proto_imap::Code;
use loft_store::StoreError;

// Any state / not authenticated / authenticated (session helper).
pub mod append;
pub mod authenticate;
pub mod cancelupdate;
pub mod capability;
pub mod compress;
pub mod create;
pub mod delete;
pub mod enable;
pub mod esearch;
pub mod id;
pub mod idle;
pub mod list;
pub mod login;
pub mod logout;
pub mod metadata;
pub mod namespace;
pub mod noop;
pub mod notify;
pub mod rename;
pub mod starttls;
pub mod status;
pub mod subscribe;
pub mod unauthenticate;
// Selected state (selected helper).
pub mod check;
pub mod close;
pub mod copy_move;
pub mod expunge;
pub mod fetch;
pub mod replace;
pub mod search;
pub mod select;
pub mod sort;
pub mod store;
pub mod thread;

/// The tagged OK of a command that succeeded.
#[derive(Debug)]
pub struct Done {
    pub code: Option<Code>,
    pub text: Cow<'static, str>,
}

impl Done {
    pub fn ok(text: &'static str) -> Done {
        Done {
            code: None,
            text: Cow::Borrowed(text),
        }
    }
    pub fn with_code(code: Code, text: impl Into<Cow<'static, str>>) -> Done {
        Done {
            code: Some(code),
            text: text.into(),
        }
    }
}

/// STYLE.md: four outcomes, mapped to the wire in one place (the dispatcher).
#[derive(Debug)]
pub enum CmdError {
    /// Client error -> `tag BAD [code] text`.
    Bad {
        code: Option<Code>,
        text: Cow<'static, str>,
    },
    /// Refused -> `tag NO [code] text`.
    No {
        code: Option<Code>,
        text: Cow<'static, str>,
    },
    /// Our fault: logged with context, client gets `NO [SERVERBUG]`.
    Internal(StoreError),
    /// `* BYE text`, then close.
    Fatal(Cow<'static, str>),
}

impl CmdError {
    pub fn bad(text: impl Into<Cow<'static, str>>) -> CmdError {
        CmdError::Bad {
            code: None,
            text: text.into(),
        }
    }
    pub fn no(text: impl Into<Cow<'static, str>>) -> CmdError {
        CmdError::No {
            code: None,
            text: text.into(),
        }
    }
    pub fn no_code(code: Code, text: impl Into<Cow<'static, str>>) -> CmdError {
        CmdError::No {
            code: Some(code),
            text: text.into(),
        }
    }
}

/// Expected store errors become NO with the RFC 5530 code; the rest are our fault.
impl From<StoreError> for CmdError {
    fn from(e: StoreError) -> CmdError {
        match e {
            StoreError::NotFound(what) => {
                CmdError::no_code(Code::NonExistent, format!("No such {what}"))
            }
            StoreError::AlreadyExists(what) => {
                CmdError::no_code(Code::AlreadyExists, format!("{what} already exists"))
            }
            StoreError::Invalid(text) => CmdError::no_code(Code::Cannot, text),
            StoreError::HasChildren => CmdError::no_code(Code::InUse, "Mailbox has children"),
            StoreError::OverQuota => CmdError::no_code(Code::OverQuota, "Over quota"),
            other => CmdError::Internal(other),
        }
    }
}

pub type CmdResult = Result<Done, CmdError>;

tokio::task_local! {
    /// The tag of the command being executed, for the few responses that carry it (the
    /// ESEARCH search correlator, RFC 4731 §3.1 / RFC 9051 §7.3.4). Handlers never see the
    /// tag otherwise (STYLE.md); the dispatcher runs a handler inside `CURRENT_TAG.scope`.
    pub static CURRENT_TAG: loft_proto_imap::Tag;
}

/// The tag of the running command, when the dispatcher provided one.
pub fn current_tag() -> Option<loft_proto_imap::Tag> {
    CURRENT_TAG.try_with(|t| t.clone()).ok()
}
