//! STORE and UID STORE: RFC 9051 §6.4.6, §6.4.9; UNCHANGEDSINCE and MODIFIED RFC 7162
//! §3.1.3, MODSEQ in the responses §3.1.4.2, §3.2.4. State: Selected.
use loft_proto_imap::{Code, Numbering, StoreCommand, StoreMode};
use loft_store::{FlagOp, ModSeq, Uid};

use super::{CmdError, CmdResult, Done};
use crate::Session;
use crate::selected::{
    self, flags_from_wire, sets::render_set, write_entry_flags_fetch, write_modseq_fetch_in,
};

pub async fn handle(s: &mut Session, cmd: StoreCommand) -> CmdResult {
    // RFC 9051 §2.3.2: `\Recent` is refused by the decoder; other `\Word` flag-extensions
    // are not flags this server knows, so they cannot be stored.
    let flags = flags_from_wire(&cmd.flags)
        .map_err(|f| CmdError::bad(format!("Unknown system flag {f}")))?;
    let (account, sel) = selected::require(s)?;
    if sel.is_read_only {
        return Err(CmdError::no("Mailbox is read-only"));
    }
    if cmd.unchanged_since.is_some() {
        // RFC 7162 §3.1: UNCHANGEDSINCE is a CONDSTORE enabling command.
        selected::enable_condstore(s);
    }
    let (account, sel) = (account, selected::require(s)?.1);
    let mailbox = sel.mailbox.id;
    let indices = sel.resolve(&cmd.set, cmd.numbering)?;
    let uids: Vec<Uid> = indices
        .iter()
        .filter_map(|&i| sel.message(i).filter(|m| !m.is_expunged).map(|m| m.uid))
        .collect();
    let mut changed: Vec<Uid> = Vec::new();
    let mut modified: Vec<Uid> = Vec::new();
    if !uids.is_empty() {
        let op = match cmd.mode {
            StoreMode::Add => FlagOp::Add,
            StoreMode::Remove => FlagOp::Remove,
            StoreMode::Replace => FlagOp::Replace,
        };
        let unchanged_since = cmd.unchanged_since.map(ModSeq);
        let result = s
            .ctx
            .store
            .store_flags(account, mailbox, &uids, op, &flags, unchanged_since)
            .await?;
        if let Some(sel) = s.selected.as_mut() {
            sel.update_flags(&result.changed)?;
            // One STORE is one mod-sequence (RFC 7162 §3.1): with it applied, the view can
            // skip reading this STORE's own changes back in the sync after the command.
            if let Some(first) = result.changed.first()
                && result.changed.iter().all(|m| m.modseq == first.modseq)
            {
                sel.note_own_modseq(first.modseq);
            }
            if cmd.mode != StoreMode::Remove && !result.changed.is_empty() {
                sel.note_keywords(&mut s.out, &flags.keywords);
            }
        }
        changed = result.changed.iter().map(|m| m.uid).collect();
        changed.sort_unstable();
        modified = result.modified;
        modified.sort_unstable();
    }
    let with_uid = cmd.numbering == Numbering::Uid;
    for &i in &indices {
        let Some(sel) = s.selected.as_ref() else {
            break;
        };
        let Some(e) = sel.entry(i) else {
            continue;
        };
        if e.is_expunged || modified.binary_search_by_key(&e.uid, |u| u.get()).is_ok() {
            // A message failing UNCHANGEDSINCE was changed by someone else: the sync after
            // this command announces its current flags (RFC 7162 §3.1.3 Example 10).
            continue;
        }
        if !cmd.is_silent {
            // RFC 9051 §6.4.6: the updated flags of each message in the set (whether or not
            // this STORE changed them, as Dovecot does); UID STORE adds the UID (§6.4.9).
            write_entry_flags_fetch(&mut s.out, i + 1, &e, &s.enabled, with_uid);
        } else if s.enabled.condstore
            && changed.binary_search_by_key(&e.uid, |u| u.get()).is_ok()
            && let Some(m) = sel.message(i)
        {
            // RFC 7162 §3.1.3: even with .SILENT a CONDSTORE client gets the new MODSEQ of
            // every message this STORE changed (with UID, §3.2.4).
            write_modseq_fetch_in(&mut s.out, &m, &s.enabled);
        }
        selected::flush_if_big(s).await?;
    }
    let text = if with_uid {
        "UID STORE completed"
    } else {
        "STORE completed"
    };
    if modified.is_empty() {
        return Ok(Done::ok(text));
    }
    // RFC 7162 §3.1.3: MODIFIED names the messages that failed UNCHANGEDSINCE, by sequence
    // number for STORE and by UID for UID STORE.
    let sel = selected::require(s)?.1;
    let mut numbers: Vec<u32> = if with_uid {
        modified.iter().map(|u| u.get()).collect()
    } else {
        modified
            .iter()
            .filter_map(|&u| sel.index_of(u).map(|i| i + 1))
            .collect()
    };
    numbers.sort_unstable();
    Ok(Done::with_code(
        Code::Modified(render_set(&numbers)),
        "Conditional STORE failed for some messages",
    ))
}
