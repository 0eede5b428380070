//! DELETE: RFC 9051 §6.3.5. State: Authenticated, Selected.
use loft_proto_imap::{Code, MailboxArg, Status};

use super::{CmdError, CmdResult, Done};
use crate::Session;

pub async fn handle(s: &mut Session, mailbox: MailboxArg) -> CmdResult {
    let account = s.account_id()?;
    let name = s.decode_mailbox(&mailbox)?;
    let name = name
        .strip_suffix(loft_store::DELIMITER)
        .unwrap_or(&name)
        .to_string();
    // RFC 9051 §6.3.5: it is an error to attempt to delete INBOX.
    if name == "INBOX" {
        return Err(CmdError::no_code(Code::Cannot, "INBOX cannot be deleted"));
    }
    s.ctx.store.delete_mailbox(account, &name).await?;
    // The selected mailbox is gone: leave the Selected state rather than sync a view of
    // nothing (RFC 9051 §7.1 CLOSED marks the implicit close).
    if s.selected
        .as_ref()
        .is_some_and(|sel| sel.mailbox.name == name)
    {
        s.selected = None;
        s.out.untagged_status(
            Status::Ok,
            Some(&Code::Closed),
            "Selected mailbox was deleted",
        );
    }
    Ok(Done::ok("DELETE completed"))
}
