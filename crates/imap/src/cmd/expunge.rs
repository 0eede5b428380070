//! EXPUNGE and UID EXPUNGE: RFC 9051 §6.4.3, §6.4.9 (UID EXPUNGE from RFC 4315 §2.1);
//! VANISHED and HIGHESTMODSEQ with QRESYNC RFC 7162 §3.2.7, §3.2.9.
//! State: Selected.
use loft_proto_imap::{Code, Numbering, SequenceSet};
use loft_store::Uid;

use super::{CmdError, CmdResult, Done};
use crate::Session;

/// `uids`: Some for UID EXPUNGE.
pub async fn handle(s: &mut Session, uids: Option<SequenceSet>) -> CmdResult {
    let account = s
        .account
        .as_ref()
        .ok_or_else(|| CmdError::bad("Not authenticated"))?
        .id;
    let sel = s
        .selected
        .as_ref()
        .ok_or_else(|| CmdError::bad("No mailbox selected"))?;
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
    let expunged = s
        .ctx
        .store
        .expunge(account, mailbox, only.as_deref())
        .await?;
    if let Some(sel) = s.selected.as_mut() {
        // RFC 9051 §6.4.3: one untagged EXPUNGE per removed message (none when nothing
        // was removed), or VANISHED once QRESYNC is enabled (RFC 7162 §3.2.7). Expunges by
        // other sessions still pending go out now too.
        sel.mark_expunged(&expunged);
        sel.announce_expunges(&mut s.out, &s.enabled);
    }
    let text = if uids.is_some() {
        "UID EXPUNGE completed"
    } else {
        "EXPUNGE completed"
    };
    if s.enabled.qresync && !expunged.is_empty() {
        // RFC 7162 §3.2.7, §3.2.9: with QRESYNC the tagged OK carries the new HIGHESTMODSEQ.
        // Bring the view fully up to date first, so every change below that value has been
        // announced when the client adopts it.
        s.sync_selected(true).await;
        if let Some(sel) = s.selected.as_ref() {
            return Ok(Done::with_code(
                Code::HighestModSeq(sel.reportable_modseq().0),
                text,
            ));
        }
    }
    Ok(Done::ok(text))
}
