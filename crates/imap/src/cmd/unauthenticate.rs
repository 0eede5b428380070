//! UNAUTHENTICATE: RFC 8437. State: Authenticated, Selected -> Not Authenticated.
use super::{CmdError, CmdResult, Done};
use crate::Session;
use crate::session::Enabled;

pub async fn handle(s: &mut Session) -> CmdResult {
    if s.inflate_budget.is_some() {
        // RFC 8437 §4.1: with COMPRESS active the server would have to end its compression
        // layer after the OK; this server cannot take the layer off again, and §3 allows
        // closing with BYE instead of NO when the state cannot be reset.
        return Err(CmdError::Fatal(
            "Cannot leave COMPRESS; reconnect to authenticate again".into(),
        ));
    }
    // RFC 8437 §3: the mailbox ceases to be selected without expunge events (and with it
    // the SEARCHRES saved result, §4.1); every ENABLEd extension and CONDSTORE state is
    // reset (§4.1). Only TLS and the RFC 2971 ID stay.
    s.selected = None;
    s.enabled = Enabled::default();
    s.account = None;
    s.account_slot = None;
    Ok(Done::ok("UNAUTHENTICATE completed; not authenticated now"))
}
