//! SORT and UID SORT: RFC 5256 §3 (BASE.6.4.SORT), SORT=DISPLAY RFC 5957, ESORT RFC 5267
//! §3 (RETURN options, answered with ESEARCH), MODSEQ RFC 7162 §3.1.5. State: Selected.
//!
//! The search runs as for SEARCH; then the matching messages' records are read in batches
//! (ENVELOPE bytes, sizes, dates: no message body) and each message's keys are computed
//! once before sorting (`selected::sort_keys`). Memory is one key row per match.

use loft_proto_imap::{Numbering, SearchCommand, SearchReturn, SortCommand, SortCriterion};
use loft_store::{AccountId, MessageRecord, RecordDetail, Store, Uid};

use super::search::{evaluate, saved_result, uses_modseq, write_esearch};
use super::{CmdError, CmdResult, Done};
use crate::Session;
use crate::selected::sort_keys::{self, NumericRow, SortRow, keys_for, sort_rows};
use crate::selected::{self, Selected};

/// Records asked of the store per call.
const RECORD_BATCH: usize = 1000;

pub async fn handle(s: &mut Session, cmd: SortCommand) -> CmdResult {
    selected::require(s)?;
    let has_modseq = uses_modseq(&cmd.key);
    if has_modseq {
        // RFC 7162 §3.1: SORT with MODSEQ enables CONDSTORE, like SEARCH.
        selected::enable_condstore(s);
    }
    let (account, sel) = selected::require(s)?;
    // RFC 5267 §4.3: CONTEXT=SORT updates.
    let update_tag = super::search::update_tag(sel, cmd.ret.as_deref())?;
    let store = s.ctx.store.clone();
    let search = SearchCommand {
        numbering: cmd.numbering,
        ret: None,
        charset: Some(cmd.charset.clone()),
        key: cmd.key.clone(),
    };
    let matched = match evaluate(store.as_ref(), account, sel, &search).await {
        Ok(m) => m,
        Err(e) => {
            // RFC 5182 §2.1: a failed command with SAVE empties `$`.
            if cmd
                .ret
                .as_ref()
                .is_some_and(|r| r.contains(&SearchReturn::Save))
                && let Some(sel) = s.selected.as_mut()
            {
                sel.set_saved_search(Vec::new());
            }
            return Err(e);
        }
    };
    // CONTEXT=SORT keeps each result's keys (`context_update`): the general path.
    let (sorted, rows) = if update_tag.is_none() && sort_keys::all_numeric(&cmd.criteria) {
        let sorted = sort_numeric(store.as_ref(), account, sel, &matched, &cmd.criteria).await?;
        (sorted, Vec::new())
    } else {
        let detail = sort_keys::record_detail(&cmd.criteria);
        let records = load_records_with(store.as_ref(), account, sel, &matched, detail).await?;
        let mut rows: Vec<SortRow> = records
            .iter()
            .map(|(i, r)| SortRow {
                index: *i,
                keys: keys_for(r, &cmd.criteria),
            })
            .collect();
        sort_rows(&mut rows, &cmd.criteria);
        (rows.iter().map(|r| r.index).collect::<Vec<u32>>(), rows)
    };

    let is_uid = cmd.numbering == Numbering::Uid;
    let number = |i: u32| {
        if is_uid {
            sel.uid_at(i).map(Uid::get)
        } else {
            Some(i + 1)
        }
    };
    let numbers: Vec<u32> = sorted.iter().filter_map(|&i| number(i)).collect();
    // RFC 7162 §3.1.5: the highest mod-sequence of the messages returned.
    let modseq = if has_modseq {
        sorted
            .iter()
            .filter_map(|&i| sel.entry(i).map(|e| e.modseq))
            .max()
    } else {
        None
    };
    match cmd.ret.as_ref() {
        None => write_sort(&mut s.out, &numbers, modseq),
        Some(opts) => {
            let opts = super::search::result_options(opts);
            if opts.contains(&SearchReturn::Save) {
                // RFC 5182: `$` is a set of UIDs; the sort order does not matter there.
                let mut ascending = matched.clone();
                ascending.sort_unstable();
                let uids: Vec<u32> = saved_result(&opts, &ascending)
                    .iter()
                    .filter_map(|&i| sel.uid_at(i).map(Uid::get))
                    .collect();
                if let Some(sel) = s.selected.as_mut() {
                    sel.set_saved_search(uids);
                }
            }
            if opts.iter().any(|&o| o != SearchReturn::Save) {
                write_esearch(
                    &mut s.out,
                    super::current_tag().as_ref(),
                    is_uid,
                    &opts,
                    &numbers,
                    modseq,
                );
            }
        }
    }
    if let (Some(tag), Some(sel)) = (update_tag, s.selected.as_ref()) {
        let (results, keys) = rows
            .into_iter()
            .filter_map(|r| sel.uid_at(r.index).map(|u| (u.get(), r.keys)))
            .unzip();
        crate::context_update::register(
            s,
            crate::context_update::Request {
                tag: tag.as_str(),
                is_uid,
                key: &cmd.key,
                sort: Some(&cmd.criteria),
                results,
                keys,
            },
        );
    }
    Ok(Done::ok(if is_uid {
        "UID SORT completed"
    } else {
        "SORT completed"
    }))
}

/// The view positions `indices`, sorted by `criteria`, all ARRIVAL, DATE or SIZE
/// (`sort_keys::all_numeric`): only those keys are read, in one store call, and sorted as
/// fixed-size rows (issue 6). Messages expunged meanwhile are left out.
async fn sort_numeric(
    store: &dyn Store,
    account: AccountId,
    sel: &Selected,
    indices: &[u32],
    criteria: &[SortCriterion],
) -> Result<Vec<u32>, CmdError> {
    // (UID, view position), ascending by UID as the view is.
    let mut wanted: Vec<(Uid, u32)> = indices
        .iter()
        .filter_map(|&i| sel.uid_at(i).map(|u| (u, i)))
        .collect();
    wanted.sort_unstable();
    let uids: Vec<Uid> = wanted.iter().map(|&(u, _)| u).collect();
    let keys = store
        .numeric_sort_keys(account, sel.mailbox.id, &uids)
        .await?;
    // The keys come ascending by UID too: pair them with their positions in one pass.
    let mut pos = wanted.iter().peekable();
    let mut rows: Vec<NumericRow> = Vec::with_capacity(keys.len());
    for k in &keys {
        while pos.next_if(|&&(u, _)| u < k.uid).is_some() {}
        if let Some(&(_, i)) = pos.next_if(|&&(u, _)| u == k.uid) {
            rows.push(sort_keys::numeric_row(k, i, criteria));
        }
    }
    rows.sort_unstable();
    Ok(rows.into_iter().map(|(_, i)| i).collect())
}

/// The records of the messages at view positions `indices`, paired with their position,
/// read in batches; messages expunged meanwhile are left out.
pub(crate) async fn load_records(
    store: &dyn Store,
    account: AccountId,
    sel: &Selected,
    indices: &[u32],
) -> Result<Vec<(u32, MessageRecord)>, CmdError> {
    load_records_with(store, account, sel, indices, RecordDetail::Full).await
}

/// `load_records` with only the parts of the parse result that `detail` names.
pub(crate) async fn load_records_with(
    store: &dyn Store,
    account: AccountId,
    sel: &Selected,
    indices: &[u32],
    detail: RecordDetail,
) -> Result<Vec<(u32, MessageRecord)>, CmdError> {
    let mut out = Vec::with_capacity(indices.len());
    for chunk in indices.chunks(RECORD_BATCH) {
        let uids: Vec<Uid> = chunk.iter().filter_map(|&i| sel.uid_at(i)).collect();
        for rec in store
            .records_with(account, sel.mailbox.id, &uids, detail)
            .await?
        {
            if let Some(i) = sel.index_of(rec.uid) {
                out.push((i, rec));
            }
        }
    }
    out.sort_by_key(|(i, _)| *i);
    Ok(out)
}

/// `* SORT 2 3 6` (RFC 5256 §4); with `modseq` and a non-empty result,
/// `* SORT 2 3 6 (MODSEQ 917162500)` (RFC 7162 §3.1.5).
pub fn write_sort(out: &mut loft_proto_imap::ResponseWriter, numbers: &[u32], modseq: Option<u64>) {
    let mut line = String::with_capacity(8 + numbers.len() * 6);
    line.push_str("* SORT");
    for n in numbers {
        line.push(' ');
        line.push_str(&n.to_string());
    }
    if let (Some(m), false) = (modseq, numbers.is_empty()) {
        line.push_str(&format!(" (MODSEQ {m})"));
    }
    line.push_str("\r\n");
    out.raw(line.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use loft_proto_imap::ResponseWriter;

    #[test]
    fn sort_response() {
        let mut out = ResponseWriter::new();
        write_sort(&mut out, &[5, 3, 4, 1, 2], None);
        write_sort(&mut out, &[], Some(7));
        write_sort(&mut out, &[2], Some(7));
        assert_eq!(
            out.as_bytes(),
            b"* SORT 5 3 4 1 2\r\n* SORT\r\n* SORT 2 (MODSEQ 7)\r\n"
        );
    }

    #[test]
    fn esort_all_keeps_sort_order() {
        // RFC 5267 §3.3: descending runs are not ranges.
        let mut out = ResponseWriter::new();
        let tag = loft_proto_imap::Tag::new("E01");
        write_esearch(
            &mut out,
            tag.as_ref(),
            true,
            &[SearchReturn::All],
            &[23765, 23764, 23763, 23761, 5, 6, 7],
            None,
        );
        assert_eq!(
            out.as_bytes(),
            b"* ESEARCH (TAG \"E01\") UID ALL 23765,23764,23763,23761,5:7\r\n"
        );
        let mut out = ResponseWriter::new();
        write_esearch(
            &mut out,
            None,
            false,
            &[SearchReturn::Min, SearchReturn::Max, SearchReturn::Count],
            &[9, 2, 4],
            None,
        );
        assert_eq!(out.as_bytes(), b"* ESEARCH MIN 9 MAX 4 COUNT 3\r\n");
    }
}
