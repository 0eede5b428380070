//! SELECT and EXAMINE: RFC 9051 §6.3.2, §6.3.3 (with the RFC 3501 §6.3.1 RECENT and
//! [UNSEEN] responses for rev1 clients); CONDSTORE/QRESYNC parameters RFC 7162 (not
//! offered yet). State: Authenticated, Selected.
use loft_proto_imap::{Code, MailboxArg, SelectParams, Status};

use super::{CmdError, CmdResult, Done};
use crate::Session;
use crate::selected::{self, Selected};

pub async fn handle(s: &mut Session, mailbox: MailboxArg, params: SelectParams, read_only: bool) -> CmdResult {
    // Not advertised (no CONDSTORE/QRESYNC capability), so the parameters are a client error.
    // BAD leaves the state unchanged: nothing has been closed yet.
    if params.condstore || params.qresync.is_some() {
        return Err(CmdError::bad("CONDSTORE/QRESYNC select parameters are not supported"));
    }
    let name = s.decode_mailbox(&mailbox)?;
    let account = s.account.as_ref().ok_or_else(|| CmdError::bad("Not authenticated"))?.id;

    // RFC 9051 §6.3.2: SELECT first deselects the current mailbox, announced with
    // `* OK [CLOSED]` (§7.1); when the new selection then fails no mailbox is selected.
    if s.selected.take().is_some() {
        s.out.untagged_status(Status::Ok, Some(&Code::Closed), "Previous mailbox is now closed");
    }

    let store = s.ctx.store.clone();
    let mbox = store
        .mailbox(account, &name)
        .await?
        .ok_or_else(|| CmdError::no_code(Code::NonExistent, "Mailbox does not exist"))?;
    let snapshot = store.snapshot(account, mbox.id).await?;
    // RFC 3501 §6.3.2: EXAMINE must not take \Recent away from anyone; SELECT claims it.
    let recent = if read_only { None } else { Some(store.claim_recent(account, mbox.id).await?) };
    let sel = Selected::from_snapshot(snapshot, read_only, recent)?;

    let out = &mut s.out;
    selected::write_exists(out, sel.exists());
    if !s.enabled.imap4rev2 {
        // RFC 3501 §6.3.1: RECENT is required for rev1 (RFC 9051 §6.3.2 lets rev2 servers
        // send it too, but rev2 clients ignore it).
        selected::write_recent(out, sel.recent_count());
    }
    out.untagged_status(Status::Ok, Some(&Code::UidValidity(sel.mailbox.uid_validity.get())), "UIDs valid");
    out.untagged_status(Status::Ok, Some(&Code::UidNext(sel.uid_next())), "Predicted next UID");
    sel.write_flags(out);
    if !s.enabled.imap4rev2 {
        // RFC 3501 §6.3.1: [UNSEEN n] names the first unseen message (omitted when none).
        if let Some(first) = sel.first_unseen() {
            out.untagged_status(Status::Ok, Some(&Code::Unseen(first)), "First unseen");
        }
    } else {
        // RFC 9051 §6.3.2: a LIST response with the mailbox name is required in rev2.
        out.raw(b"* LIST (");
        if let Some(u) = sel.mailbox.special_use {
            out.raw(u.attr().as_bytes());
        }
        out.raw(b") \"/\" ");
        let wire = loft_proto_imap::mailbox_name::encode(&sel.mailbox.name, s.enabled.is_utf8());
        out.astring(&wire, s.enabled.is_utf8());
        out.raw(b"\r\n");
    }
    s.selected = Some(sel);
    Ok(if read_only {
        Done::with_code(Code::ReadOnly, "EXAMINE completed")
    } else {
        Done::with_code(Code::ReadWrite, "SELECT completed")
    })
}
