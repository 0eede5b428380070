//! ENABLE: RFC 9051 §6.3.1, RFC 5161. State: Authenticated.
use super::CmdResult;
use crate::Session;

pub async fn handle(s: &mut Session, caps: Vec<String>) -> CmdResult {
    let _ = (s, caps);
    unimplemented!("contract stub")
}
