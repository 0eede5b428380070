//! RENAME: RFC 9051 §6.3.6. State: Authenticated, Selected.
use loft_proto_imap::MailboxArg;
use super::CmdResult;
use crate::Session;

pub async fn handle(s: &mut Session, from: MailboxArg, to: MailboxArg) -> CmdResult {
    let _ = (s, from, to);
    unimplemented!("contract stub")
}
