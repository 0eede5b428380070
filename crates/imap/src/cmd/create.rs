//! CREATE: RFC 9051 §6.3.4, CREATE-SPECIAL-USE RFC 6154 §3. State: Authenticated, Selected.
use loft_proto_imap::{Code, MailboxArg};
use loft_store::SpecialUse;

use super::{CmdError, CmdResult, Done};
use crate::Session;

pub async fn handle(s: &mut Session, mailbox: MailboxArg, special_use: Vec<String>) -> CmdResult {
    let account = s.account_id()?;
    let raw = s.decode_mailbox(&mailbox)?;
    // RFC 9051 §6.3.4: a trailing hierarchy delimiter announces the intent to create
    // children; the name created is the one without it.
    let name = raw.strip_suffix(loft_store::DELIMITER).unwrap_or(&raw);
    check_new_name(name)?;
    if name == "INBOX" {
        return Err(CmdError::no_code(
            Code::AlreadyExists,
            "INBOX always exists",
        ));
    }
    // RFC 6154 §3: an unknown or unsupported use attribute is refused with [USEATTR].
    let mut uses = Vec::with_capacity(special_use.len());
    for attr in &special_use {
        match SpecialUse::from_attr(attr) {
            Some(u) if !uses.contains(&u) => uses.push(u),
            Some(_) => {}
            None => {
                return Err(CmdError::no_code(
                    Code::Other("USEATTR".into()),
                    "Unsupported special-use attribute",
                ));
            }
        }
    }
    if uses.len() > 1 {
        return Err(CmdError::no_code(
            Code::Other("USEATTR".into()),
            "Only one special-use attribute per mailbox",
        ));
    }
    let id = s
        .ctx
        .store
        .create_mailbox(account, name, uses.first().copied())
        .await?;
    // RFC 8474 §4.1: the tagged OK of every successful CREATE carries the MAILBOXID.
    let code = Code::Other(format!("MAILBOXID ({})", crate::objectid::mailbox_id(id)));
    Ok(Done::with_code(code, "CREATE completed"))
}

/// A name the store may create (or rename to): non-empty components, no wildcards (a
/// mailbox named `*` could never be listed on its own, RFC 9051 §5.1).
pub(crate) fn check_new_name(name: &str) -> Result<(), CmdError> {
    if name.is_empty() {
        return Err(CmdError::no_code(Code::Cannot, "Empty mailbox name"));
    }
    if name.split(loft_store::DELIMITER).any(str::is_empty) {
        return Err(CmdError::no_code(
            Code::Cannot,
            "Mailbox name has an empty hierarchy level",
        ));
    }
    if name.contains(['*', '%']) {
        return Err(CmdError::no_code(
            Code::Cannot,
            "Mailbox names may not contain * or %",
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(CmdError::no_code(
            Code::Cannot,
            "Mailbox names may not contain control characters",
        ));
    }
    Ok(())
}
