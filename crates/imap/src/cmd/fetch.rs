//! FETCH and UID FETCH: RFC 9051 §6.4.5, §6.4.9; CHANGEDSINCE RFC 7162 §3.1.4. State: Selected.
use loft_proto_imap::FetchCommand;
use super::CmdResult;
use crate::Session;

pub async fn handle(s: &mut Session, cmd: FetchCommand) -> CmdResult {
    let _ = (s, cmd);
    unimplemented!("contract stub")
}
