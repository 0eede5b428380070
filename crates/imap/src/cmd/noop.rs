//! NOOP: RFC 9051 §6.1.2 (the dispatcher syncs the selected view after it). State: any.
use super::CmdResult;
use crate::Session;

pub async fn handle(s: &mut Session) -> CmdResult {
    let _ = s;
    unimplemented!("contract stub")
}
