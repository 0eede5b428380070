//! CANCELUPDATE: RFC 5267 §4.3.5 — stop the ADDTO/REMOVEFROM updates of the searching
//! commands named by their tags. State: Selected (RFC 5267 §5: command-select).
//!
//! A tag that names no active context is accepted too: the context may have been refused
//! with NOUPDATE (§4.3.1), and either way no updates follow for it, which is what the
//! client asked for.

use super::{CmdResult, Done};
use crate::Session;

pub async fn handle(s: &mut Session, tags: Vec<String>) -> CmdResult {
    let (_, _) = crate::selected::require(s)?;
    if let Some(sel) = s.selected.as_mut() {
        for tag in &tags {
            sel.contexts.cancel(tag);
        }
    }
    Ok(Done::ok("No further updates"))
}
