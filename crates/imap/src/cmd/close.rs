//! CLOSE and UNSELECT: RFC 9051 §6.4.2, §6.4.3. State: Selected.
use super::CmdResult;
use crate::Session;

/// `expunge`: CLOSE expunges \Deleted silently on a read-write mailbox; UNSELECT does not.
pub async fn handle(s: &mut Session, expunge: bool) -> CmdResult {
    let _ = (s, expunge);
    unimplemented!("contract stub")
}
