//! IDLE: RFC 9051 §6.3.13, RFC 2177. State: Authenticated, Selected.
use super::CmdResult;
use crate::Session;

pub async fn handle(s: &mut Session) -> CmdResult {
    let _ = s;
    unimplemented!("contract stub")
}
