//! THREAD and UID THREAD: RFC 5256 §3 (BASE.6.4.THREAD), algorithms ORDEREDSUBJECT and
//! REFERENCES, response RFC 5256 §4 (BASE.7.2.THREAD). State: Selected.
//!
//! Subjects, dates, Message-ID and In-Reply-To come from the stored records (ENVELOPE
//! bytes). The References header is not in ENVELOPE: REFERENCES reads the raw message of
//! each matching message that may have one, and skips those whose stored thread root shows
//! they carry neither References nor In-Reply-To.

use loft_message::sortkeys;
use loft_proto_imap::{Numbering, SearchCommand, ThreadAlgorithm, ThreadCommand};
use loft_store::{MessageRecord, Store, StoreError, Uid};

use super::search::evaluate;
use super::sort::load_records;
use super::{CmdError, CmdResult, Done};
use crate::Session;
use crate::selected;
use crate::selected::sort_keys::{sent_date, subject_key};
use crate::selected::threading::{self, ThreadMsg};

pub async fn handle(s: &mut Session, cmd: ThreadCommand) -> CmdResult {
    let (account, sel) = selected::require(s)?;
    let store = s.ctx.store.clone();
    let search = SearchCommand {
        numbering: cmd.numbering,
        ret: None,
        charset: Some(cmd.charset.clone()),
        key: cmd.key.clone(),
    };
    let matched = evaluate(store.as_ref(), account, sel, &search).await?;
    let records = load_records(store.as_ref(), account, sel, &matched).await?;
    let with_refs = cmd.algorithm == ThreadAlgorithm::References;
    let mut msgs = Vec::with_capacity(records.len());
    for (index, rec) in &records {
        msgs.push(thread_msg(store.as_ref(), account, *index, rec, with_refs).await?);
    }
    let threads = match cmd.algorithm {
        ThreadAlgorithm::OrderedSubject => threading::ordered_subject(&msgs),
        ThreadAlgorithm::References => threading::references(&msgs),
    };
    let is_uid = cmd.numbering == Numbering::Uid;
    // Every index comes from the view (load_records), so uid_at finds it; 0 never shows.
    let number = |i: u32| {
        if is_uid {
            sel.uid_at(i).map(Uid::get).unwrap_or(0)
        } else {
            i + 1
        }
    };
    let body = threading::render(&threads, &number);
    // RFC 5256 §5: thread-data = "THREAD" [SP 1*thread-list].
    let line = if body.is_empty() {
        "* THREAD\r\n".to_string()
    } else {
        format!("* THREAD {body}\r\n")
    };
    s.out.raw(line.as_bytes());
    Ok(Done::ok(if is_uid {
        "UID THREAD completed"
    } else {
        "THREAD completed"
    }))
}

async fn thread_msg(
    store: &dyn Store,
    account: loft_store::AccountId,
    index: u32,
    rec: &MessageRecord,
    with_refs: bool,
) -> Result<ThreadMsg, CmdError> {
    let env = sortkeys::parse_envelope(&rec.parsed.envelope).unwrap_or_default();
    let subject = env.subject.as_deref().map(sortkeys::base_subject);
    let mut m = ThreadMsg {
        index,
        sent: sent_date(rec),
        subject: subject_key(env.subject.as_deref()),
        is_reply_or_forward: subject.is_some_and(|b| b.is_reply_or_forward),
        ..ThreadMsg::default()
    };
    if !with_refs {
        return Ok(m);
    }
    m.message_id = env
        .message_id
        .as_deref()
        .and_then(|v| sortkeys::msg_ids(v).into_iter().next());
    // RFC 5256 §3: References if it has valid ids, else the first valid In-Reply-To id.
    if may_have_references(rec, env.in_reply_to.is_some(), env.message_id.as_deref()) {
        match store.blob(account, &rec.blob).await {
            Ok(raw) => {
                for v in loft_message::header_values(&raw, "References") {
                    m.references.extend(sortkeys::msg_ids(v.as_bytes()));
                }
            }
            // Expunged meanwhile: thread it by what the record says.
            Err(StoreError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    if m.references.is_empty() {
        m.references = env
            .in_reply_to
            .as_deref()
            .and_then(|v| sortkeys::msg_ids(v).into_iter().next())
            .into_iter()
            .collect();
    }
    Ok(m)
}

/// False only when the stored thread root (the first id of References, else In-Reply-To,
/// else Message-ID: `loft_message::preview`) proves there is no References header.
fn may_have_references(
    rec: &MessageRecord,
    has_in_reply_to: bool,
    message_id: Option<&[u8]>,
) -> bool {
    let Some(derived) = rec.parsed.derived.as_ref() else {
        return true;
    };
    if has_in_reply_to {
        return true;
    }
    match (&derived.thread_root, message_id) {
        (None, _) => false,
        (Some(root), Some(own)) => first_raw_id(own).as_deref() != Some(root.as_str()),
        (Some(_), None) => true,
    }
}

/// The first `<...>` of a value, brackets removed, as the stored thread root is written.
fn first_raw_id(value: &[u8]) -> Option<String> {
    let start = value.iter().position(|&b| b == b'<')? + 1;
    let len = value[start..].iter().position(|&b| b == b'>')?;
    std::str::from_utf8(&value[start..start + len])
        .ok()
        .map(|s| s.trim().to_string())
}
