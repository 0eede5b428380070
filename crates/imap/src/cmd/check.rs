//! CHECK: RFC 3501 §6.4.1 (removed in rev2, kept for rev1 clients). State: Selected.
use super::{CmdResult, Done};
use crate::Session;

/// Every store write is already durable before its OK (DESIGN.md), so there is no
/// housekeeping left to do; the dispatcher's sync afterwards reports what changed
/// (RFC 3501 §6.4.1 allows CHECK to act like NOOP).
pub async fn handle(s: &mut Session) -> CmdResult {
    let _ = s;
    Ok(Done::ok("CHECK completed"))
}
