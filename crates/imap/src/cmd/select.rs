//! SELECT and EXAMINE: RFC 9051 §6.3.2, §6.3.3; CONDSTORE/QRESYNC parameters RFC 7162. State: Authenticated, Selected.
use loft_proto_imap::{MailboxArg, SelectParams};
use super::CmdResult;
use crate::Session;

pub async fn handle(s: &mut Session, mailbox: MailboxArg, params: SelectParams, read_only: bool) -> CmdResult {
    let _ = (s, mailbox, params, read_only);
    unimplemented!("contract stub")
}
