//! REPLACE and UID REPLACE: RFC 8508 (with CATENATE and UTF8 append data, §4.2). State:
//! Selected only (§3.5).
//!
//! Done as the sequence of §3.4 — APPEND, set \Deleted on the one message, UID EXPUNGE of
//! it — with no STORE responses (the \Deleted change is removed with the message) and the
//! EXPUNGE (or VANISHED) announced by the dispatcher's sync once all steps succeeded.
use loft_proto_imap::{
    AppendMessage, Code, MailboxArg, Numbering, SeqBound, SeqRange, SequenceSet, Status,
    writer::render_set,
};
use loft_store::{FlagOp, Flags};

use super::{CmdError, CmdResult, Done};
use crate::Session;
use crate::selected;

pub async fn handle(
    s: &mut Session,
    numbering: Numbering,
    number: u32,
    mailbox: MailboxArg,
    message: AppendMessage,
) -> CmdResult {
    let (account, sel) = selected::require(s)?;
    if sel.is_read_only {
        return Err(CmdError::no_code(Code::Cannot, "Mailbox is read-only"));
    }
    let source = sel.mailbox.id;
    let set = SequenceSet::Ranges(vec![SeqRange {
        start: SeqBound::Value(number),
        end: SeqBound::Value(number),
    }]);
    let uid = sel
        .resolve(&set, numbering)?
        .first()
        .and_then(|&i| sel.message(i))
        .filter(|m| !m.is_expunged)
        .map(|m| m.uid)
        .ok_or_else(|| CmdError::no("No such message"))?;
    let name = s.decode_mailbox(&mailbox)?;
    let new = super::append::new_message(s, message).await?;
    let store = s.ctx.store.clone();
    let Some(target) = store.mailbox(account, &name).await? else {
        return Err(CmdError::no_code(Code::TryCreate, "Mailbox does not exist"));
    };
    let appended = store.append(account, target.id, vec![new]).await?;
    let uids: Vec<u32> = appended.uids.iter().map(|u| u.get()).collect();
    // RFC 8508 §3.2: the APPEND's response code goes in an untagged OK.
    s.out.untagged_status(
        Status::Ok,
        Some(&Code::AppendUid(
            appended.uid_validity.get(),
            render_set(&uids),
        )),
        "Replacement Message ready",
    );
    let deleted = Flags {
        bits: Flags::DELETED,
        keywords: Vec::new(),
    };
    store
        .store_flags(account, source, &[uid], FlagOp::Add, &deleted, None)
        .await?;
    store.expunge(account, source, Some(&[uid])).await?;
    Ok(Done::ok(if numbering == Numbering::Uid {
        "UID REPLACE completed"
    } else {
        "REPLACE completed"
    }))
}
