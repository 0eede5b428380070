//! EXPUNGE and UID EXPUNGE: RFC 9051 §6.4.3, §6.4.9 (RFC 4315). State: Selected.
use loft_proto_imap::SequenceSet;
use super::CmdResult;
use crate::Session;

/// `uids`: Some for UID EXPUNGE.
pub async fn handle(s: &mut Session, uids: Option<SequenceSet>) -> CmdResult {
    let _ = (s, uids);
    unimplemented!("contract stub")
}
