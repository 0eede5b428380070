//! NAMESPACE: RFC 9051 §6.3.10, RFC 2342. State: Authenticated, Selected.
use super::CmdResult;
use crate::Session;

pub async fn handle(s: &mut Session) -> CmdResult {
    let _ = s;
    unimplemented!("contract stub")
}
