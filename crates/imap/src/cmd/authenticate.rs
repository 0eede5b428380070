//! AUTHENTICATE: RFC 9051 §6.2.2, SASL-IR RFC 4959, PLAIN RFC 4616. State: Not authenticated.
use super::CmdResult;
use crate::Session;

pub async fn handle(s: &mut Session, mechanism: String, initial: Option<Vec<u8>>) -> CmdResult {
    let _ = (s, mechanism, initial);
    unimplemented!("contract stub")
}
