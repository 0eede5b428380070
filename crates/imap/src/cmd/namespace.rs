//! NAMESPACE: RFC 9051 §6.3.10, RFC 2342. State: Authenticated, Selected.
use super::{CmdResult, Done};
use crate::Session;

pub async fn handle(s: &mut Session) -> CmdResult {
    // One personal namespace with an empty prefix and "/" as delimiter; no other users' or
    // shared namespaces (yet).
    s.out.raw(b"* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n");
    Ok(Done::ok("NAMESPACE completed"))
}
