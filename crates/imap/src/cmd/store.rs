//! STORE and UID STORE: RFC 9051 §6.4.6; UNCHANGEDSINCE RFC 7162 §3.1.3. State: Selected.
use loft_proto_imap::StoreCommand;
use super::CmdResult;
use crate::Session;

pub async fn handle(s: &mut Session, cmd: StoreCommand) -> CmdResult {
    let _ = (s, cmd);
    unimplemented!("contract stub")
}
