//! ID: RFC 2971. State: any.
use super::{CmdResult, Done};
use crate::Session;

/// RFC 2971 §3.3: field names at most 30 octets, values at most 1024; at most 30 pairs.
const MAX_ID_LOG_PAIRS: usize = 30;

pub async fn handle(s: &mut Session, params: Option<Vec<(String, Option<String>)>>) -> CmdResult {
    if let Some(params) = &params {
        let summary: Vec<String> = params
            .iter()
            .take(MAX_ID_LOG_PAIRS)
            .map(|(k, v)| {
                let k: String = k.chars().take(30).collect();
                let v: String = v.as_deref().unwrap_or("NIL").chars().take(64).collect();
                format!("{k}={v}")
            })
            .collect();
        tracing::debug!(peer = %s.peer, client = %summary.join(", "), "client ID");
    }
    // RFC 2971 §3.2: the server answers with its own ID.
    s.out.raw(b"* ID (\"name\" \"Loft\" \"version\" \"");
    s.out.raw(env!("CARGO_PKG_VERSION").as_bytes());
    s.out.raw(b"\")\r\n");
    Ok(Done::ok("ID completed"))
}
