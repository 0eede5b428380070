//! SEARCH and UID SEARCH: RFC 9051 §6.4.4, ESEARCH RFC 4731, SEARCHRES RFC 5182. State: Selected.
use loft_proto_imap::SearchCommand;
use super::CmdResult;
use crate::Session;

pub async fn handle(s: &mut Session, cmd: SearchCommand) -> CmdResult {
    let _ = (s, cmd);
    unimplemented!("contract stub")
}
