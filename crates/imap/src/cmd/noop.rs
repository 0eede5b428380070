//! NOOP: RFC 9051 §6.1.2 (the dispatcher syncs the selected view after it). State: any.
use super::{CmdResult, Done};
use crate::Session;

pub async fn handle(s: &mut Session) -> CmdResult {
    // RFC 9051 §6.1.2: NOOP does nothing itself; it lets pending untagged updates through,
    // which the dispatcher's sync of the selected view writes.
    let _ = s;
    Ok(Done::ok("NOOP completed"))
}
