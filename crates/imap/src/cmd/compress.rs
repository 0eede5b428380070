//! COMPRESS: RFC 4978 (DEFLATE only). State: Authenticated, Selected.
//!
//! The handler only checks and answers; the session wraps its stream in
//! [`crate::compress::DeflateStream`] right after flushing the tagged OK (RFC 4978 §3:
//! compression starts immediately after the CRLF of the OK response).
use super::{CmdError, CmdResult, Done};
use crate::Session;
use crate::compress::{DeflateStream, InflateBudget, inflate_limit};

pub async fn handle(s: &mut Session, mechanism: String) -> CmdResult {
    if mechanism != "DEFLATE" {
        // RFC 4978 §3: an unknown mechanism is a syntax error.
        return Err(CmdError::bad(format!(
            "Unsupported compression mechanism {mechanism}"
        )));
    }
    if s.inflate_budget.is_some() {
        // RFC 4978 §3: BAD when COMPRESS is already active (NO [COMPRESSIONACTIVE] is for
        // compression by another layer, which this server never negotiates).
        return Err(CmdError::bad("DEFLATE active already"));
    }
    s.is_compress_pending = true;
    Ok(Done::ok("DEFLATE active"))
}

/// Called by the session once the OK is on the wire.
pub(crate) fn activate(s: &mut Session) {
    let budget = InflateBudget::new(inflate_limit(
        s.ctx.config.max_literal_bytes,
        s.ctx.config.max_line_bytes,
    ));
    s.inflate_budget = Some(budget.clone());
    s.wrap_stream(|inner, pending| Box::new(DeflateStream::new(inner, pending, budget)));
}
