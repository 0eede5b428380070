//! LOGOUT: RFC 9051 §6.1.3. State: any.
use super::CmdResult;
use crate::Session;

pub async fn handle(s: &mut Session) -> CmdResult {
    let _ = s;
    unimplemented!("contract stub")
}
