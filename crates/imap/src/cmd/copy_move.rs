//! COPY, MOVE and their UID forms: RFC 9051 §6.4.7, §6.4.8; COPYUID RFC 4315; MOVE RFC 6851. State: Selected.
use loft_proto_imap::{MailboxArg, Numbering, SequenceSet};
use super::CmdResult;
use crate::Session;

pub async fn handle(s: &mut Session, numbering: Numbering, set: SequenceSet, mailbox: MailboxArg, is_move: bool) -> CmdResult {
    let _ = (s, numbering, set, mailbox, is_move);
    unimplemented!("contract stub")
}
