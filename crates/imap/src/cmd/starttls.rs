//! STARTTLS: RFC 9051 §6.2.1. State: Not authenticated.
use super::CmdResult;
use crate::Session;

pub async fn handle(s: &mut Session) -> CmdResult {
    let _ = s;
    unimplemented!("contract stub")
}
