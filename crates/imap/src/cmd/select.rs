//! SELECT and EXAMINE: RFC 9051 §6.3.2, §6.3.3 (with the RFC 3501 §6.3.1 RECENT and
//! [UNSEEN] responses for rev1 clients); CONDSTORE parameter RFC 7162 §3.1.8, QRESYNC
//! parameter §3.2.5; MAILBOXID RFC 8474 §4.2. State: Authenticated, Selected.
use loft_proto_imap::{Code, MailboxArg, QresyncParams, SelectParams, Status};
use loft_store::ModSeq;

use super::{CmdError, CmdResult, Done};
use crate::Session;
use crate::selected::{self, Selected, sets};

pub async fn handle(
    s: &mut Session,
    mailbox: MailboxArg,
    params: SelectParams,
    read_only: bool,
) -> CmdResult {
    // RFC 7162 §3.2.5: QRESYNC without a prior ENABLE QRESYNC is BAD. BAD leaves the state
    // unchanged: nothing has been closed yet.
    if params.qresync.is_some() && !s.enabled.qresync {
        return Err(CmdError::bad("QRESYNC parameter requires ENABLE QRESYNC"));
    }
    if params.condstore {
        // RFC 7162 §3.1.8: a CONDSTORE enabling command; the HIGHESTMODSEQ below is the
        // one §3.1 asks for, so no separate report for the mailbox being closed.
        s.enabled.condstore = true;
    }
    let name = s.decode_mailbox(&mailbox)?;
    let account = s
        .account
        .as_ref()
        .ok_or_else(|| CmdError::bad("Not authenticated"))?
        .id;

    // RFC 9051 §6.3.2: SELECT first deselects the current mailbox, announced with
    // `* OK [CLOSED]` (§7.1); when the new selection then fails no mailbox is selected.
    if s.selected.take().is_some() {
        s.out.untagged_status(
            Status::Ok,
            Some(&Code::Closed),
            "Previous mailbox is now closed",
        );
    }

    let store = s.ctx.store.clone();
    let mbox = store
        .mailbox(account, &name)
        .await?
        .ok_or_else(|| CmdError::no_code(Code::NonExistent, "Mailbox does not exist"))?;
    // RFC 3501 §6.3.2: EXAMINE must not take \Recent away from anyone; SELECT claims it.
    let sel = Selected::open(&store, account, mbox, read_only).await?;

    let out = &mut s.out;
    selected::write_exists(out, sel.exists());
    if !s.enabled.imap4rev2 {
        // RFC 3501 §6.3.1: RECENT is required for rev1 (RFC 9051 §6.3.2 lets rev2 servers
        // send it too, but rev2 clients ignore it).
        selected::write_recent(out, sel.recent_count());
    }
    out.untagged_status(
        Status::Ok,
        Some(&Code::UidValidity(sel.mailbox.uid_validity.get())),
        "UIDs valid",
    );
    out.untagged_status(
        Status::Ok,
        Some(&Code::UidNext(sel.uid_next())),
        "Predicted next UID",
    );
    if s.enabled.condstore {
        // RFC 7162 §3.1.2.1: after a CONDSTORE enabling command every SELECT/EXAMINE
        // reports HIGHESTMODSEQ (we always keep mod-sequences, so never NOMODSEQ).
        out.untagged_status(
            Status::Ok,
            Some(&Code::HighestModSeq(sel.highest_modseq().0)),
            "Highest",
        );
    }
    // RFC 8474 §4.2: every successful SELECT/EXAMINE reports the MAILBOXID.
    let mailbox_id = Code::Other(format!(
        "MAILBOXID ({})",
        crate::objectid::mailbox_id(sel.mailbox.id)
    ));
    out.untagged_status(Status::Ok, Some(&mailbox_id), "Ok");
    sel.write_flags(out);
    if !s.enabled.imap4rev2 {
        // RFC 3501 §6.3.1: [UNSEEN n] names the first unseen message (omitted when none).
        // After ENABLE UIDONLY no message numbers are sent (RFC 9586 §3), so it is left out.
        if let Some(first) = sel.first_unseen().filter(|_| !s.enabled.uidonly) {
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
    if let Some(q) = &params.qresync {
        quick_resync(s, &sel, q, account).await?;
    }
    s.selected = Some(sel);
    Ok(if read_only {
        Done::with_code(Code::ReadOnly, "EXAMINE completed")
    } else {
        Done::with_code(Code::ReadWrite, "SELECT completed")
    })
}

/// RFC 7162 §3.2.5.1: after the ordinary SELECT responses, what changed since the client's
/// mod-sequence among its known UIDs: `* VANISHED (EARLIER)` first, then one FETCH (UID,
/// FLAGS, MODSEQ) per changed message. Nothing when UIDVALIDITY differs. The sequence-match
/// data (§3.2.5.2) only narrows what a server that forgets expunges would report; the
/// expunge log is kept for the mailbox's life, so it is not needed.
async fn quick_resync(
    s: &mut Session,
    sel: &Selected,
    q: &QresyncParams,
    account: loft_store::AccountId,
) -> Result<(), CmdError> {
    if q.uid_validity != sel.mailbox.uid_validity.get() {
        return Ok(());
    }
    // Without known UIDs the server acts as if `1:<UIDNEXT-1>` was given; every UID it ever
    // handed out is below UIDNEXT, so "all" is the same set.
    let known = match &q.known_uids {
        Some(set) => sel.uid_ranges_unbounded(set),
        None => vec![(1, u32::MAX)],
    };
    let since = ModSeq(q.modseq);
    let store = s.ctx.store.clone();
    let vanished = sel
        .vanished_earlier(store.as_ref(), account, since, &known)
        .await?;
    selected::write_vanished_earlier(&mut s.out, &vanished);
    for i in 0..sel.exists() {
        let Some(m) = sel.message(i) else { continue };
        if m.modseq > since && sets::contains(&known, m.uid.get()) {
            selected::write_flags_fetch(&mut s.out, &m, &s.enabled, true);
            selected::flush_if_big(s).await?;
        }
    }
    Ok(())
}
