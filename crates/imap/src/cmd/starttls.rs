//! STARTTLS: RFC 9051 §6.2.1. State: Not authenticated.
use super::{CmdError, CmdResult, Done};
use crate::Session;

pub async fn handle(s: &mut Session) -> CmdResult {
    // RFC 9051 §6.2.1: BAD after a successful TLS negotiation or on an implicit TLS port.
    if s.is_tls {
        return Err(CmdError::bad("TLS is already active"));
    }
    if s.ctx.tls.is_none() {
        return Err(CmdError::bad("STARTTLS is not available on this server"));
    }
    // The session discards pipelined input and runs the handshake right after the OK
    // line (session.rs, start_tls).
    s.is_starttls_pending = true;
    Ok(Done::ok("Begin TLS negotiation now"))
}
