//! CLOSE and UNSELECT: RFC 9051 §6.4.2, §6.4.3 (UNSELECT: RFC 3691). State: Selected.
use super::{CmdError, CmdResult, Done};
use crate::Session;

/// `expunge`: CLOSE expunges \Deleted silently on a read-write mailbox; UNSELECT does not.
pub async fn handle(s: &mut Session, expunge: bool) -> CmdResult {
    // The session is Authenticated afterwards whatever happens below.
    let sel = s
        .selected
        .take()
        .ok_or_else(|| CmdError::bad("No mailbox selected"))?;
    // RFC 9051 §6.4.2: CLOSE removes \Deleted messages without untagged EXPUNGE responses,
    // and only when the mailbox was selected read-write (not after EXAMINE).
    if expunge && !sel.is_read_only {
        let account = s
            .account
            .as_ref()
            .ok_or_else(|| CmdError::bad("Not authenticated"))?
            .id;
        s.ctx.store.expunge(account, sel.mailbox.id, None).await?;
    }
    Ok(Done::ok(if expunge {
        "CLOSE completed"
    } else {
        "UNSELECT completed"
    }))
}
