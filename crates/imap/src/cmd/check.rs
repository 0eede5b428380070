//! CHECK: RFC 3501 §6.4.1 (removed in rev2, kept for rev1 clients). State: Selected.
use super::CmdResult;
use crate::Session;

pub async fn handle(s: &mut Session) -> CmdResult {
    let _ = s;
    unimplemented!("contract stub")
}
