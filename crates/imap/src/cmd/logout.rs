//! LOGOUT: RFC 9051 §6.1.3. State: any.
use loft_proto_imap::Status;

use super::{CmdResult, Done};
use crate::Session;

pub async fn handle(s: &mut Session) -> CmdResult {
    // RFC 9051 §6.1.3: an untagged BYE, then the tagged OK, then the server closes.
    s.out.untagged_status(Status::Bye, None, "Logging out");
    s.is_logout = true;
    Ok(Done::ok("LOGOUT completed"))
}
