//! CREATE: RFC 9051 §6.3.4, CREATE-SPECIAL-USE RFC 6154 §3. State: Authenticated, Selected.
use loft_proto_imap::MailboxArg;
use super::CmdResult;
use crate::Session;

pub async fn handle(s: &mut Session, mailbox: MailboxArg, special_use: Vec<String>) -> CmdResult {
    let _ = (s, mailbox, special_use);
    unimplemented!("contract stub")
}
