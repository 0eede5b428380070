//! APPEND: RFC 9051 §6.3.12, MULTIAPPEND RFC 3502, APPENDUID RFC 4315. State: Authenticated, Selected.
use loft_proto_imap::{AppendMessage, MailboxArg};
use super::CmdResult;
use crate::Session;

pub async fn handle(s: &mut Session, mailbox: MailboxArg, messages: Vec<AppendMessage>) -> CmdResult {
    let _ = (s, mailbox, messages);
    unimplemented!("contract stub")
}
