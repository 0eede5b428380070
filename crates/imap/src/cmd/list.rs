//! LIST (RFC 9051 §6.3.9, LIST-EXTENDED RFC 5258, SPECIAL-USE RFC 6154, LIST-STATUS RFC 5819) and LSUB (RFC 3501 §6.3.9). State: Authenticated, Selected.
use loft_proto_imap::{ListCommand, MailboxArg};
use super::CmdResult;
use crate::Session;

pub async fn handle(s: &mut Session, cmd: ListCommand) -> CmdResult {
    let _ = (s, cmd);
    unimplemented!("contract stub")
}

pub async fn handle_lsub(s: &mut Session, reference: MailboxArg, pattern: MailboxArg) -> CmdResult {
    let _ = (s, reference, pattern);
    unimplemented!("contract stub")
}
