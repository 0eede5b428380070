//! RENAME: RFC 9051 §6.3.6. State: Authenticated, Selected.
use loft_proto_imap::{Code, MailboxArg};

use super::{CmdError, CmdResult, Done};
use crate::Session;

pub async fn handle(s: &mut Session, from: MailboxArg, to: MailboxArg) -> CmdResult {
    let account = s.account_id()?;
    let from = s.decode_mailbox(&from)?;
    let from = from
        .strip_suffix(loft_store::DELIMITER)
        .unwrap_or(&from)
        .to_string();
    let to = s.decode_mailbox(&to)?;
    let to = to
        .strip_suffix(loft_store::DELIMITER)
        .unwrap_or(&to)
        .to_string();
    crate::cmd::create::check_new_name(&to)?;
    // RFC 9051 §6.3.6: renaming to an existing name (INBOX always exists) is an error.
    if to == "INBOX" {
        return Err(CmdError::no_code(
            Code::AlreadyExists,
            "INBOX already exists",
        ));
    }
    if from == to {
        return Err(CmdError::no_code(
            Code::AlreadyExists,
            "Mailbox already exists",
        ));
    }
    // RFC 9051 §6.3.6: a mailbox cannot become its own inferior.
    if to.starts_with(&format!("{from}{}", loft_store::DELIMITER)) && from != "INBOX" {
        return Err(CmdError::no_code(
            Code::Cannot,
            "Cannot rename a mailbox into itself",
        ));
    }
    s.ctx.store.rename_mailbox(account, &from, &to).await?;
    // RFC 9051 §6.3.6: renaming INBOX leaves INBOX in place; other renames carry the
    // selected mailbox (or its ancestor) along, so keep the view's name current.
    if from != "INBOX"
        && let Some(sel) = s.selected.as_mut()
    {
        if sel.mailbox.name == from {
            sel.mailbox.name = to.clone();
        } else if let Some(rest) = sel
            .mailbox
            .name
            .strip_prefix(&format!("{from}{}", loft_store::DELIMITER))
        {
            sel.mailbox.name = format!("{to}{}{rest}", loft_store::DELIMITER);
        }
    }
    Ok(Done::ok("RENAME completed"))
}
