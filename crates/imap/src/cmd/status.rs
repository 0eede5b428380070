//! STATUS: RFC 9051 §6.3.11; HIGHESTMODSEQ RFC 7162 §3.1.7; MAILBOXID RFC 8474 §4.3.
//! State: Authenticated, Selected.
use loft_proto_imap::{Code, MailboxArg, ResponseWriter, StatusItem};
use loft_store::{MailboxId, MailboxStatus};

use super::{CmdError, CmdResult, Done};
use crate::Session;

pub async fn handle(s: &mut Session, mailbox: MailboxArg, items: Vec<StatusItem>) -> CmdResult {
    let account = s.account_id()?;
    let name = s.decode_mailbox(&mailbox)?;
    if items.contains(&StatusItem::HighestModSeq) {
        // RFC 7162 §3.1: STATUS (HIGHESTMODSEQ) is a CONDSTORE enabling command.
        crate::selected::enable_condstore(s);
    }
    // RFC 9051 §6.3.11: STATUS of the selected mailbox is allowed (the counts may be newer
    // than what the session has announced; the next sync reports the difference).
    let Some(mbox) = s.ctx.store.mailbox(account, &name).await? else {
        return Err(CmdError::no_code(
            Code::NonExistent,
            "Mailbox does not exist",
        ));
    };
    let status = s.ctx.store.status(account, mbox.id).await?;
    let wire = s.encode_mailbox(&mbox.name);
    write_status(
        &mut s.out,
        &wire,
        mbox.id,
        &items,
        &status,
        s.enabled.is_utf8(),
    );
    Ok(Done::ok("STATUS completed"))
}

/// `* STATUS name (MESSAGES n UIDNEXT n ...)` in the order asked (RFC 9051 §7.3.4); also
/// used by LIST RETURN (STATUS ...) (RFC 5819).
pub fn write_status(
    out: &mut ResponseWriter,
    wire_name: &[u8],
    mailbox: MailboxId,
    items: &[StatusItem],
    st: &MailboxStatus,
    utf8: bool,
) {
    out.raw(b"* STATUS ");
    out.string(wire_name, utf8);
    out.raw(b" (");
    let mut seen: Vec<StatusItem> = Vec::with_capacity(items.len());
    for &item in items {
        if seen.contains(&item) {
            continue;
        }
        if !seen.is_empty() {
            out.raw(b" ");
        }
        seen.push(item);
        out.raw(item.name().as_bytes());
        out.raw(b" ");
        if item == StatusItem::MailboxId {
            // RFC 8474 §4.3: "MAILBOXID" SP "(" objectid ")".
            out.raw(format!("({})", crate::objectid::mailbox_id(mailbox)).as_bytes());
            continue;
        }
        let value: u64 = match item {
            StatusItem::Messages => st.messages.into(),
            StatusItem::UidNext => st.uid_next.into(),
            StatusItem::UidValidity => st.uid_validity.get().into(),
            StatusItem::Unseen => st.unseen.into(),
            StatusItem::Deleted => st.deleted.into(),
            StatusItem::Size => st.size,
            StatusItem::Recent => st.recent.into(),
            StatusItem::HighestModSeq => st.highest_modseq.0,
            StatusItem::MailboxId => continue,
        };
        out.number(value);
    }
    out.raw(b")\r\n");
}
