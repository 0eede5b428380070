//! EXPUNGE and UID EXPUNGE: RFC 9051 §6.4.3, §6.4.9 (UID EXPUNGE from RFC 4315 §2.1).
//! State: Selected.
use loft_proto_imap::{Numbering, SequenceSet};
use loft_store::Uid;

use super::{CmdError, CmdResult, Done};
use crate::Session;

/// `uids`: Some for UID EXPUNGE.
pub async fn handle(s: &mut Session, uids: Option<SequenceSet>) -> CmdResult {
    let account = s.account.as_ref().ok_or_else(|| CmdError::bad("Not authenticated"))?.id;
    let sel = s.selected.as_ref().ok_or_else(|| CmdError::bad("No mailbox selected"))?;
    if sel.is_read_only {
        return Err(CmdError::no("Mailbox is read-only"));
    }
    let mailbox = sel.mailbox.id;
    // RFC 4315 §2.1: UID EXPUNGE only removes \Deleted messages whose UID is in the set.
    let only: Option<Vec<Uid>> = match &uids {
        None => None,
        Some(set) => {
            let idx = sel.resolve(set, Numbering::Uid)?;
            let v: Vec<Uid> = idx.into_iter().filter_map(|i| sel.uid_at(i)).collect();
            if v.is_empty() {
                return Ok(Done::ok("UID EXPUNGE completed"));
            }
            Some(v)
        }
    };
    let expunged = s.ctx.store.expunge(account, mailbox, only.as_deref()).await?;
    if let Some(sel) = s.selected.as_mut() {
        // RFC 9051 §6.4.3: one untagged EXPUNGE per removed message (none when nothing
        // was removed). Expunges by other sessions still pending go out now too.
        sel.mark_expunged(&expunged);
        sel.announce_expunges(&mut s.out);
    }
    Ok(Done::ok(if uids.is_some() { "UID EXPUNGE completed" } else { "EXPUNGE completed" }))
}
