//! DELETE: RFC 9051 §6.3.5. State: Authenticated, Selected.
use loft_proto_imap::MailboxArg;
use super::CmdResult;
use crate::Session;

pub async fn handle(s: &mut Session, mailbox: MailboxArg) -> CmdResult {
    let _ = (s, mailbox);
    unimplemented!("contract stub")
}
