//! ESEARCH (MULTISEARCH): RFC 7377 §2 — one search over several mailboxes, answered with
//! one `* ESEARCH (TAG .. MAILBOX .. UIDVALIDITY ..) UID ...` per mailbox that has matches.
//! State: Authenticated, Selected ("selected" in the source needs Selected, §2.2).
//!
//! Each non-selected mailbox is searched through a read-only view built from its snapshot,
//! with the same evaluator as SEARCH (`cmd::search::evaluate`).
use loft_proto_imap::{NotifyFilter, SearchCommand, SearchReturn};
use loft_store::{DELIMITER, MailboxId, Uid};

use super::search::{evaluate, write_esearch};
use super::{CmdError, CmdResult, Done};
use crate::Session;
use crate::selected::Selected;

pub async fn handle(
    s: &mut Session,
    source: Option<Vec<NotifyFilter>>,
    cmd: SearchCommand,
) -> CmdResult {
    let account = s.account_id()?;
    // §2.2: no source options means "selected".
    let source = source.unwrap_or_else(|| vec![NotifyFilter::Selected]);
    let has_selected = source.contains(&NotifyFilter::Selected);
    if has_selected && s.selected.is_none() {
        return Err(CmdError::bad(
            "ESEARCH on the selected mailbox needs one selected",
        ));
    }
    // §2.1: no result option implies ALL (CONTEXT and UPDATE shape no result, RFC 5267).
    let opts: Vec<SearchReturn> = super::search::result_options(cmd.ret.as_deref().unwrap_or(&[]));
    // §2.2 with RFC 5267: UPDATE applies to the selected mailbox only, and needs one.
    let update_tag = match s.selected.as_ref() {
        Some(sel) => super::search::update_tag(sel, cmd.ret.as_deref())?,
        None if cmd
            .ret
            .as_ref()
            .is_some_and(|r| r.contains(&SearchReturn::Update)) =>
        {
            return Err(CmdError::bad("UPDATE needs a selected mailbox"));
        }
        None => None,
    };
    let is_only_selected = source.iter().all(|f| *f == NotifyFilter::Selected);
    if opts.contains(&SearchReturn::Save) && !is_only_selected {
        // §2.2: SAVE only when "selected" is the sole source.
        return Err(CmdError::bad(
            "SAVE is only allowed when searching the selected mailbox alone",
        ));
    }
    let store = s.ctx.store.clone();
    let mailboxes = store.mailboxes(account).await?;
    let selected_id = s.selected.as_ref().map(|sel| sel.mailbox.id);
    // Source order, each mailbox once (§2.2 allows removing duplicates).
    let mut targets: Vec<(MailboxId, String, u32)> = Vec::new();
    for filter in &source {
        for m in &mailboxes {
            let is_match = match filter {
                NotifyFilter::Selected | NotifyFilter::SelectedDelayed => Some(m.id) == selected_id,
                NotifyFilter::Inboxes | NotifyFilter::Personal => true,
                NotifyFilter::Subscribed => m.is_subscribed,
                NotifyFilter::Mailboxes(names) => names_match(s, names, |n| m.name == n)?,
                NotifyFilter::Subtree(names) => {
                    names_match(s, names, |n| m.name == n || is_below(&m.name, n, false))?
                }
                NotifyFilter::SubtreeOne(names) => {
                    names_match(s, names, |n| m.name == n || is_below(&m.name, n, true))?
                }
            };
            if is_match && !targets.iter().any(|(id, _, _)| *id == m.id) {
                targets.push((m.id, m.name.clone(), m.uid_validity.get()));
            }
        }
    }
    let tag = super::current_tag();
    let utf8 = s.enabled.is_utf8();
    for (id, name, uid_validity) in targets {
        let uids: Vec<u32> = if Some(id) == selected_id {
            let Some(sel) = s.selected.as_ref() else {
                continue;
            };
            let indices = evaluate(store.as_ref(), account, sel, &cmd).await?;
            if opts.contains(&SearchReturn::Save) {
                let saved: Vec<u32> = indices
                    .iter()
                    .filter_map(|&i| sel.uid_at(i).map(Uid::get))
                    .collect();
                if let Some(sel) = s.selected.as_mut() {
                    sel.set_saved_search(saved.clone());
                }
            }
            let Some(sel) = s.selected.as_ref() else {
                continue;
            };
            let uids: Vec<u32> = indices
                .iter()
                .filter_map(|&i| sel.uid_at(i).map(Uid::get))
                .collect();
            if let Some(tag) = &update_tag {
                crate::context_update::register(
                    s,
                    crate::context_update::Request {
                        tag: tag.as_str(),
                        is_uid: true,
                        key: &cmd.key,
                        sort: None,
                        results: uids.clone(),
                        keys: Vec::new(),
                    },
                );
            }
            uids
        } else {
            let snapshot = match store.snapshot(account, id).await {
                Ok(snap) => snap,
                // Deleted meanwhile: nothing to search.
                Err(loft_store::StoreError::NotFound(_)) => continue,
                Err(e) => return Err(e.into()),
            };
            let view = Selected::from_snapshot(snapshot, true, None)?;
            let indices = evaluate(store.as_ref(), account, &view, &cmd).await?;
            indices
                .iter()
                .filter_map(|&i| view.uid_at(i).map(Uid::get))
                .collect()
        };
        // §2.1: no response for a mailbox without matches.
        if uids.is_empty() || opts.iter().all(|o| *o == SearchReturn::Save) {
            continue;
        }
        let mut body = loft_proto_imap::ResponseWriter::new();
        write_esearch(&mut body, None, true, &opts, &uids, None);
        let rest = body
            .as_bytes()
            .strip_prefix(b"* ESEARCH")
            .unwrap_or(body.as_bytes());
        // §2.1: TAG, MAILBOX and UIDVALIDITY correlators.
        s.out.raw(b"* ESEARCH (TAG \"");
        s.out
            .raw(tag.as_ref().map(|t| t.as_str()).unwrap_or("").as_bytes());
        s.out.raw(b"\" MAILBOX ");
        let wire = s.encode_mailbox(&name);
        s.out.string(&wire, utf8);
        s.out
            .raw(format!(" UIDVALIDITY {uid_validity})").as_bytes());
        s.out.raw(rest);
        crate::selected::flush_if_big(s).await?;
    }
    Ok(Done::ok("ESEARCH completed"))
}

/// Whether any of the (decoded) names satisfies `test`.
fn names_match(
    s: &Session,
    names: &[loft_proto_imap::MailboxArg],
    test: impl Fn(&str) -> bool,
) -> Result<bool, CmdError> {
    for n in names {
        let name = s.decode_mailbox(n)?;
        let name = if name.eq_ignore_ascii_case("INBOX") {
            "INBOX".to_string()
        } else {
            name
        };
        if test(&name) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `name` is below `root` (one level only with `is_one_level`, RFC 7377 §2.2 subtree-one).
fn is_below(name: &str, root: &str, is_one_level: bool) -> bool {
    name.strip_prefix(root)
        .and_then(|rest| rest.strip_prefix(DELIMITER))
        .is_some_and(|rest| !rest.is_empty() && (!is_one_level || !rest.contains(DELIMITER)))
}
