//! APPEND: RFC 9051 §6.3.12, MULTIAPPEND RFC 3502, APPENDUID RFC 4315. State: Authenticated, Selected.
use loft_proto_imap::{AppendMessage, Code, Flag, MailboxArg, writer::render_set};
use loft_store::{Flags, NewMessage};

use super::{CmdError, CmdResult, Done};
use crate::Session;

pub async fn handle(
    s: &mut Session,
    mailbox: MailboxArg,
    messages: Vec<AppendMessage>,
) -> CmdResult {
    let account = s.account_id()?;
    let name = s.decode_mailbox(&mailbox)?;
    if messages.is_empty() {
        return Err(CmdError::bad("APPEND needs a message"));
    }
    // Check every message before storing any: RFC 3502 §6.3.11 makes MULTIAPPEND all or
    // nothing.
    let limit = s.ctx.config.max_literal_bytes;
    let mut new_messages = Vec::with_capacity(messages.len());
    for msg in messages {
        if msg.content.is_empty() {
            // Syntactically valid, so not BAD: refusing an empty message is policy (Dovecot: NO).
            return Err(CmdError::no("Empty message"));
        }
        // RFC 7889 §3 / RFC 4469 TOOBIG: over APPENDLIMIT.
        if msg.content.len() as u64 > limit {
            return Err(CmdError::no_code(
                Code::TooBig,
                "Message larger than APPENDLIMIT",
            ));
        }
        new_messages.push(NewMessage {
            flags: to_store_flags(&msg.flags)?,
            internal_date: msg.date,
            content: msg.content,
        });
    }
    // RFC 9051 §6.3.12: a missing target is NO [TRYCREATE] so the client may CREATE it.
    let Some(target) = s.ctx.store.mailbox(account, &name).await? else {
        return Err(CmdError::no_code(Code::TryCreate, "Mailbox does not exist"));
    };
    let result = s.ctx.store.append(account, target.id, new_messages).await?;
    // RFC 4315 §3: [APPENDUID uidvalidity uid-set]; the UIDs are ascending.
    let uids: Vec<u32> = result.uids.iter().map(|u| u.get()).collect();
    // If the target is the selected mailbox, the new EXISTS comes from the dispatcher's
    // sync (RFC 9051 §6.3.12: the server SHOULD notify the client).
    Ok(Done::with_code(
        Code::AppendUid(result.uid_validity.get(), render_set(&uids)),
        "APPEND completed",
    ))
}

/// Wire flags to stored flags. RFC 9051 §2.3.2: keywords are kept as sent; an unknown
/// system flag (`\Foo`) cannot be stored and is a client error.
fn to_store_flags(flags: &[Flag]) -> Result<Flags, CmdError> {
    let mut out = Flags::default();
    for flag in flags {
        match flag {
            Flag::Seen => out.bits |= Flags::SEEN,
            Flag::Answered => out.bits |= Flags::ANSWERED,
            Flag::Flagged => out.bits |= Flags::FLAGGED,
            Flag::Deleted => out.bits |= Flags::DELETED,
            Flag::Draft => out.bits |= Flags::DRAFT,
            Flag::Keyword(k) => out.add_keyword(k),
            Flag::Extension(x) => {
                return Err(CmdError::bad(format!("Unsupported system flag \\{x}")));
            }
        }
    }
    Ok(out)
}
