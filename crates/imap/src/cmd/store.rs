//! STORE and UID STORE: RFC 9051 §6.4.6, §6.4.9; UNCHANGEDSINCE RFC 7162 §3.1.3 (not
//! offered yet). State: Selected.
use loft_proto_imap::{Numbering, StoreCommand, StoreMode};
use loft_store::{FlagOp, Uid};

use super::{CmdError, CmdResult, Done};
use crate::Session;
use crate::selected::{self, flags_from_wire, write_flags_fetch};

pub async fn handle(s: &mut Session, cmd: StoreCommand) -> CmdResult {
    if cmd.unchanged_since.is_some() {
        return Err(CmdError::bad("UNCHANGEDSINCE is not supported"));
    }
    // RFC 9051 §2.3.2: `\Recent` is refused by the decoder; other `\Word` flag-extensions
    // are not flags this server knows, so they cannot be stored.
    let flags = flags_from_wire(&cmd.flags).map_err(|f| CmdError::bad(format!("Unknown system flag {f}")))?;
    let (account, sel) = selected::require(s)?;
    if sel.is_read_only {
        return Err(CmdError::no("Mailbox is read-only"));
    }
    let mailbox = sel.mailbox.id;
    let indices = sel.resolve(&cmd.set, cmd.numbering)?;
    let uids: Vec<Uid> = indices
        .iter()
        .filter_map(|&i| sel.message(i).filter(|m| !m.is_expunged).map(|m| m.uid))
        .collect();
    if !uids.is_empty() {
        let op = match cmd.mode {
            StoreMode::Add => FlagOp::Add,
            StoreMode::Remove => FlagOp::Remove,
            StoreMode::Replace => FlagOp::Replace,
        };
        let result = s.ctx.store.store_flags(account, mailbox, &uids, op, &flags, None).await?;
        if let Some(sel) = s.selected.as_mut() {
            sel.update_flags(&result.changed)?;
            if cmd.mode != StoreMode::Remove {
                sel.note_keywords(&mut s.out, &flags.keywords);
            }
        }
    }
    if !cmd.is_silent {
        // RFC 9051 §6.4.6: the updated flags of each message in the set (whether or not
        // this STORE changed them, as Dovecot does); UID STORE adds the UID (§6.4.9).
        let with_uid = cmd.numbering == Numbering::Uid;
        for &i in &indices {
            let Some(m) = s.selected.as_ref().and_then(|sel| sel.message(i)) else { continue };
            if m.is_expunged {
                continue;
            }
            write_flags_fetch(&mut s.out, &m, &s.enabled, with_uid);
            selected::flush_if_big(s).await?;
        }
    }
    Ok(Done::ok(if cmd.numbering == Numbering::Uid { "UID STORE completed" } else { "STORE completed" }))
}
