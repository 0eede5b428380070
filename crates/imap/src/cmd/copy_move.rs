//! COPY, MOVE and their UID forms: RFC 9051 §6.4.7, §6.4.8, §6.4.9; COPYUID RFC 4315 §3;
//! MOVE RFC 6851. State: Selected.
use loft_proto_imap::{Code, MailboxArg, Numbering, SequenceSet, Status};
use loft_store::{StoreError, Uid};

use super::{CmdError, CmdResult, Done};
use crate::Session;
use crate::selected::{self, sets::render_set};

pub async fn handle(
    s: &mut Session,
    numbering: Numbering,
    set: SequenceSet,
    mailbox: MailboxArg,
    is_move: bool,
) -> CmdResult {
    let name = s.decode_mailbox(&mailbox)?;
    let (account, sel) = selected::require(s)?;
    // MOVE expunges from the source, which a read-only selection must not do (RFC 6851 §3.3).
    if is_move && sel.is_read_only {
        return Err(CmdError::no("Mailbox is read-only"));
    }
    let from = sel.mailbox.id;
    let uids: Vec<Uid> = sel
        .resolve(&set, numbering)?
        .into_iter()
        .filter_map(|i| sel.message(i).filter(|m| !m.is_expunged).map(|m| m.uid))
        .collect();
    let verb = match (is_move, numbering) {
        (false, Numbering::Seq) => "COPY completed",
        (false, Numbering::Uid) => "UID COPY completed",
        (true, Numbering::Seq) => "MOVE completed",
        (true, Numbering::Uid) => "UID MOVE completed",
    };

    let store = s.ctx.store.clone();
    // RFC 9051 §6.4.7: a missing destination gets NO [TRYCREATE].
    let trycreate = || CmdError::no_code(Code::TryCreate, "Destination mailbox does not exist");
    let dest = store.mailbox(account, &name).await?.ok_or_else(trycreate)?;
    if uids.is_empty() {
        // Nothing to copy (e.g. UID set naming no existing message): OK without COPYUID.
        return Ok(Done::ok(verb));
    }
    let result = if is_move {
        store.move_messages(account, from, &uids, dest.id).await
    } else {
        store.copy(account, from, &uids, dest.id).await
    };
    let result = match result {
        Ok(r) => r,
        Err(StoreError::NotFound(_)) => return Err(trycreate()),
        Err(e) => return Err(e.into()),
    };
    if result.pairs.is_empty() {
        return Ok(Done::ok(verb));
    }
    let src: Vec<u32> = result.pairs.iter().map(|p| p.0.get()).collect();
    let dst: Vec<u32> = result.pairs.iter().map(|p| p.1.get()).collect();
    // RFC 4315 §3: the two sets list corresponding UIDs in the same order; both ascend
    // (pairs are sorted by source UID and destination UIDs are allocated in that order), so
    // both compact the same way.
    let code = Code::CopyUid(
        result.uid_validity.get(),
        render_set(&src),
        render_set(&dst),
    );
    if !is_move {
        return Ok(Done::with_code(code, verb));
    }
    // RFC 6851 §3.3: COPYUID goes in an untagged OK before the EXPUNGEs.
    s.out.untagged_status(Status::Ok, Some(&code), "Moved UIDs");
    let moved: Vec<Uid> = result.pairs.iter().map(|p| p.0).collect();
    if let Some(sel) = s.selected.as_mut() {
        sel.mark_expunged(&moved);
        sel.announce_expunges(&mut s.out, &s.enabled);
    }
    if s.enabled.qresync {
        // RFC 6851 §4.4: after a MOVE a QRESYNC client is told the new HIGHESTMODSEQ; the
        // view is brought up to date first so everything below it has been announced.
        s.sync_selected(true).await;
        if let Some(sel) = s.selected.as_ref() {
            return Ok(Done::with_code(
                Code::HighestModSeq(sel.reportable_modseq().0),
                verb,
            ));
        }
    }
    Ok(Done::ok(verb))
}
