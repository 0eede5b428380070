//! SUBSCRIBE and UNSUBSCRIBE: RFC 9051 §6.3.7, §6.3.8. State: Authenticated, Selected.
use loft_proto_imap::MailboxArg;
use super::CmdResult;
use crate::Session;

pub async fn handle(s: &mut Session, mailbox: MailboxArg, subscribe: bool) -> CmdResult {
    let _ = (s, mailbox, subscribe);
    unimplemented!("contract stub")
}
