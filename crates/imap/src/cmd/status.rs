//! STATUS: RFC 9051 §6.3.11. State: Authenticated, Selected.
use loft_proto_imap::{MailboxArg, StatusItem};
use super::CmdResult;
use crate::Session;

pub async fn handle(s: &mut Session, mailbox: MailboxArg, items: Vec<StatusItem>) -> CmdResult {
    let _ = (s, mailbox, items);
    unimplemented!("contract stub")
}
