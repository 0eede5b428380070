//! SUBSCRIBE and UNSUBSCRIBE: RFC 9051 §6.3.7, §6.3.8. State: Authenticated, Selected.
use loft_proto_imap::MailboxArg;

use super::{CmdResult, Done};
use crate::Session;

pub async fn handle(s: &mut Session, mailbox: MailboxArg, subscribe: bool) -> CmdResult {
    let account = s.account_id()?;
    let name = s.decode_mailbox(&mailbox)?;
    let name = name
        .strip_suffix(loft_store::DELIMITER)
        .unwrap_or(&name)
        .to_string();
    // RFC 9051 §6.3.7: a subscription may name a mailbox that does not exist (it may be
    // created later); §6.3.8: unsubscribing a name that is not subscribed is not an error
    // worth refusing.
    s.ctx
        .store
        .set_subscribed(account, &name, subscribe)
        .await?;
    Ok(Done::ok(if subscribe {
        "SUBSCRIBE completed"
    } else {
        "UNSUBSCRIBE completed"
    }))
}
