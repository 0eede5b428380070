//! LOGIN: RFC 9051 §6.2.3. State: Not authenticated.
use super::CmdResult;
use crate::Session;

pub async fn handle(s: &mut Session, user: Vec<u8>, password: Vec<u8>) -> CmdResult {
    let _ = (s, user, password);
    unimplemented!("contract stub")
}
