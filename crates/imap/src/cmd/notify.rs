//! NOTIFY: RFC 5465 §3.1 (NOTIFY SET / NOTIFY NONE), §5 (events), §6 (mailbox
//! specifiers). State: Authenticated, Selected. Delivery lives in `crate::notify`.
//!
//! Supported events: MessageNew, MessageExpunge, FlagChange, MailboxName,
//! SubscriptionChange, MailboxMetadataChange and ServerMetadataChange (§5.6, §5.7: REQUIRED
//! with METADATA). Others (AnnotationChange) get NO [BADEVENT (...)] as §3.1 requires.
use loft_proto_imap::{Code, NotifyEvent, NotifyFilter, NotifySet};

use super::{CmdError, CmdResult, Done};
use crate::Session;
use crate::notify::{Filter, Group, NotifyState, SelectedSpec, Spec};

/// §3.1: BADEVENT lists every event the server supports.
const BADEVENT: &str = "BADEVENT (MessageNew MessageExpunge FlagChange MailboxName \
     SubscriptionChange MailboxMetadataChange ServerMetadataChange)";

pub async fn handle(s: &mut Session, set: Option<NotifySet>) -> CmdResult {
    let account = s.account_id()?;
    let Some(set) = set else {
        // §3.1: NOTIFY NONE, no events at all.
        s.notify = None;
        return Ok(Done::ok("NOTIFY completed"));
    };
    let spec = build_spec(s, &set)?;
    let store = s.ctx.store.clone();
    let state = NotifyState::new(spec, store.as_ref(), account).await?;
    if set.status {
        // §3.1: a STATUS response for each watched mailbox other than the selected one,
        // before the tagged OK.
        let selected = s.selected.as_ref().map(|sel| sel.mailbox.id);
        let utf8 = s.enabled.is_utf8();
        for (id, name, items, st) in state.initial_statuses(selected) {
            let wire = s.encode_mailbox(&name);
            crate::cmd::status::write_status(&mut s.out, &wire, id, &items, &st, utf8);
        }
    }
    s.notify = Some(Box::new(state));
    // §3.1: NOTIFY SET implies a NOOP; the dispatcher syncs the selected mailbox next.
    Ok(Done::ok("NOTIFY completed"))
}

/// Check the event groups (§5, §6.1) and decode the mailbox names.
fn build_spec(s: &Session, set: &NotifySet) -> Result<Spec, CmdError> {
    let mut spec = Spec::default();
    for group in &set.groups {
        let mut is_new = false;
        let mut is_expunge = false;
        let mut is_flag_change = false;
        let mut is_mailbox_name = false;
        let mut is_subscription_change = false;
        let mut is_metadata = false;
        let mut new_attrs = Vec::new();
        for event in &group.events {
            match event {
                NotifyEvent::MessageNew(attrs) => {
                    is_new = true;
                    new_attrs = attrs.clone();
                }
                NotifyEvent::MessageExpunge => is_expunge = true,
                NotifyEvent::FlagChange => is_flag_change = true,
                NotifyEvent::MailboxName => is_mailbox_name = true,
                NotifyEvent::SubscriptionChange => is_subscription_change = true,
                NotifyEvent::MailboxMetadataChange => is_metadata = true,
                // §5.7: server annotations belong to no mailbox; the group's mailbox
                // specifier does not narrow them.
                NotifyEvent::ServerMetadataChange => spec.is_server_metadata = true,
                NotifyEvent::AnnotationChange | NotifyEvent::Other(_) => {
                    return Err(CmdError::no_code(
                        Code::Other(BADEVENT.into()),
                        "Unsupported NOTIFY event",
                    ));
                }
            }
        }
        // §5: MessageNew and MessageExpunge together, and both with FlagChange.
        if is_new != is_expunge {
            return Err(CmdError::bad(
                "MessageNew and MessageExpunge must be given together",
            ));
        }
        if is_flag_change && !is_new {
            return Err(CmdError::bad(
                "FlagChange needs MessageNew and MessageExpunge",
            ));
        }
        let is_selected = matches!(
            group.filter,
            NotifyFilter::Selected | NotifyFilter::SelectedDelayed
        );
        if is_selected {
            // §6.1: one selected specifier, and only message events with it.
            if spec.selected.is_some() {
                return Err(CmdError::bad(
                    "Only one of SELECTED and SELECTED-DELAYED may be given",
                ));
            }
            let is_server_metadata = group.events.contains(&NotifyEvent::ServerMetadataChange);
            if is_mailbox_name || is_subscription_change || is_metadata || is_server_metadata {
                return Err(CmdError::bad("SELECTED takes message events only"));
            }
            spec.selected = Some(SelectedSpec {
                is_delayed: group.filter == NotifyFilter::SelectedDelayed,
                is_message: is_new,
                is_flag_change,
                new_attrs,
            });
            continue;
        }
        let decode = |names: &[loft_proto_imap::MailboxArg]| -> Result<Vec<String>, CmdError> {
            names
                .iter()
                .map(|n| s.decode_mailbox(n).map(|name| canonical_inbox(&name)))
                .collect()
        };
        let filter = match &group.filter {
            NotifyFilter::Inboxes | NotifyFilter::Personal => Filter::Personal,
            NotifyFilter::Subscribed => Filter::Subscribed,
            NotifyFilter::Subtree(names) => Filter::Subtree(decode(names)?),
            NotifyFilter::Mailboxes(names) => Filter::Mailboxes(decode(names)?),
            // The decoder gives subtree-one only to ESEARCH (RFC 7377 §2.2).
            NotifyFilter::SubtreeOne(_) => {
                return Err(CmdError::bad(
                    "subtree-one is not a NOTIFY mailbox specifier",
                ));
            }
            // Handled above.
            NotifyFilter::Selected | NotifyFilter::SelectedDelayed => continue,
        };
        spec.groups.push(Group {
            filter,
            is_message: is_new,
            is_flag_change,
            is_mailbox_name,
            is_subscription_change,
            is_metadata,
        });
    }
    Ok(spec)
}

/// RFC 9051 §5.1: INBOX is case-insensitive.
fn canonical_inbox(name: &str) -> String {
    if name.eq_ignore_ascii_case("INBOX") {
        return "INBOX".into();
    }
    match name.split_once('/') {
        Some((first, rest)) if first.eq_ignore_ascii_case("INBOX") => format!("INBOX/{rest}"),
        _ => name.to_string(),
    }
}
