//! CAPABILITY: RFC 9051 §6.1.1. State: any.
use super::{CmdResult, Done};
use crate::Session;

pub async fn handle(s: &mut Session) -> CmdResult {
    write_capability(s);
    Ok(Done::ok("CAPABILITY completed"))
}

/// `* CAPABILITY ...` for the connection's current state (RFC 9051 §7.2.2).
pub fn write_capability(s: &mut Session) {
    let caps = crate::capabilities::capabilities(s);
    s.out.raw(b"* CAPABILITY ");
    s.out.raw(caps.join(" ").as_bytes());
    s.out.raw(b"\r\n");
}
